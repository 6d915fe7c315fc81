"""Every bad input gets a clear EngineError that names the parameter and says what to do.

Figures that cannot be read (damaged, empty, data rasters, too large), odd figures that can
(CMYK, animated, transparent), GCPs off the figure or impossible in their CRS, results with no
point, and outputs that cannot be written. The end-to-end counterparts through Processing are in
``tests/qgis/test_bad_input_processing.py``.
"""
import io
import os
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from matplotlib import colormaps
from PIL import Image

from colormap_decoder.plugin.engine import figure as figure_module
from colormap_decoder.plugin.engine.colour_decoding import srgb_to_lab
from colormap_decoder.plugin.engine.errors import EngineError, FigureError, GcpError
from colormap_decoder.plugin.engine.figure import (
    DEFAULT_MAX_PIXELS,
    MAX_PIXELS_VARIABLE,
    max_pixels_limit,
    read_figure,
    unreadable_figure_message,
)
from colormap_decoder.plugin.engine.pipeline import DecodeSettings, build_georeference, decode_map
from colormap_decoder.plugin.engine.writing import write_geotiff

UTM32 = "EPSG:32632"
VIRIDIS = (colormaps["viridis"](np.arange(256))[:, :3] * 255).round().astype(np.uint8)


# -- small figures --------------------------------------------------------------------------
def viridis_figure(rows=40, cols=64, block=1):
    """A left-to-right viridis ramp; ``block`` columns share each colour (plateaus when > 1).

    Returns the RGB pixels and the value (0..255 range of the LUT index) of each column.
    """
    index = (np.arange(cols) // block * 255 // max((cols - 1) // block, 1)).clip(0, 255)
    return np.broadcast_to(VIRIDIS[index][None], (rows, cols, 3)).copy(), index


def write_gcps(path, rows=40, cols=64, origin=(600000, 5200000), step=100):
    """GCPs at the figure's corners of an affine placement (pixel y down): the top-left
    corner at map ``origin``, ``step`` map units a pixel (default: 100 m a pixel in UTM 32N;
    ``origin=(10, 47), step=0.01``: 0.01° a pixel from 10°E, 47°N)."""
    lines = ["pixel_x,pixel_y,map_x,map_y"]
    for px, py in ((0, 0), (cols, 0), (0, rows), (cols, rows)):
        # Rounded to 10 significant digits: 10 + 0.01 * 64 is 10.64, not 10.640000000000001.
        lines.append(f"{px},{py},{origin[0] + step * px:.10g},{origin[1] - step * py:.10g}")
    path.write_text("\n".join(lines) + "\n")
    return path


def settings_for(path, gcps, **overrides):
    values = dict(figure_path=str(path), colormap="viridis", vmin=0, vmax=255,
                  gcps_path=str(gcps), gcp_crs=UTM32)
    values.update(overrides)
    return DecodeSettings(**values)


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(
        ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


@pytest.fixture()
def smooth_rgb():
    """Smooth colours (JPEG keeps them well)."""
    rgb, _ = viridis_figure(48, 64, block=8)
    return rgb


# -- INPUT: files that cannot be used -------------------------------------------------------
def test_text_pdf_svg_and_empty_files_are_named_for_what_they_are(tmp_path):
    cases = {
        "notes.png": (b"just some text, not an image\n", "it is not an image"),
        "paper.png": (b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n", "PDF document"),
        "drawing.png": (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>',
                        "SVG drawing"),
        "empty.png": (b"", r"empty \(0 bytes\)"),
    }
    for name, (content, words) in cases.items():
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(FigureError, match=words) as raised:
            read_figure(str(path))
        assert raised.value.parameter == "INPUT"
        assert str(path) in str(raised.value)
    with pytest.raises(FigureError, match="is a folder"):
        read_figure(str(tmp_path))


def test_truncated_and_corrupt_png_and_jpeg_say_download_again(tmp_path, smooth_rgb):
    Image.fromarray(smooth_rgb).save(tmp_path / "good.png")
    Image.fromarray(smooth_rgb).save(tmp_path / "good.jpg", quality=90)
    png = (tmp_path / "good.png").read_bytes()
    jpeg = (tmp_path / "good.jpg").read_bytes()
    broken_crc = bytearray(png)
    broken_crc[len(png) // 2] ^= 0xFF
    broken_jpeg = bytearray(jpeg)
    broken_jpeg[2:40] = bytes(38)
    cases = {"cut.png": png[:len(png) // 2], "header_only.png": png[:40],
             "crc.png": bytes(broken_crc), "cut.jpg": jpeg[:len(jpeg) // 2],
             "broken_header.jpg": bytes(broken_jpeg)}
    for name, content in cases.items():
        (tmp_path / name).write_bytes(content)
        with pytest.raises(FigureError, match="damaged or incomplete") as raised:
            read_figure(str(tmp_path / name))
        assert "again" in str(raised.value), name


@pytest.mark.parametrize("driver, name, options, words", [
    ("GTiff", "lerc.tif", ["COMPRESS=LERC"], "an unusual TIFF compression or layout"),
    ("VRT", "figure.vrt", [], r"a GDAL virtual raster \(VRT\)"),
    ("ERS", "figure.ers", [], "a raster in GDAL's ERS format"),
])
def test_a_raster_only_gdal_reads_is_named_for_its_format(tmp_path, smooth_rgb, driver, name,
                                                          options, words):
    """A picture GDAL reads but the image library does not is said to be what GDAL reads it as;
    a VRT or an ERMapper file was said to have "an unusual TIFF compression"."""
    from osgeo import gdal

    Image.fromarray(smooth_rgb).save(tmp_path / "source.png")
    path = tmp_path / name
    gdal.Translate(str(path), str(tmp_path / "source.png"), format=driver,
                   creationOptions=options)
    with pytest.raises(FigureError, match=words) as raised:
        read_figure(str(path))
    message = str(raised.value)
    assert raised.value.parameter == "INPUT" and "gdal_translate -of PNG" in message
    assert (driver == "GTiff") == ("TIFF" in message)


@pytest.mark.parametrize("name, content", [
    ("zero.png", b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">IIBBBBB", 0, 5, 8, 2, 0, 0, 0))
     + png_chunk(b"IDAT", zlib.compress(b"")) + png_chunk(b"IEND", b"")),
    ("zero.gif", b"GIF89a" + struct.pack("<HHBBB", 0, 0, 0, 0, 0) + b"\x3b"),
])
def test_zero_size_image_has_no_pixels(tmp_path, name, content):
    (tmp_path / name).write_bytes(content)
    with pytest.raises(FigureError, match=r"has no pixels \(0×"):
        read_figure(str(tmp_path / name))


@pytest.mark.parametrize("dtype, count, words", [
    ("float32", 1, "32-bit floating-point"),
    ("uint16", 3, r"16-bit numbers \(3 bands\)"),
    ("float32", 3, r"32-bit floating-point numbers \(3 bands\)"),
    ("int16", 1, "16-bit"),
])
def test_data_rasters_are_refused_as_such(tmp_path, dtype, count, words):
    import rasterio

    path = tmp_path / f"data_{dtype}_{count}.tif"
    with rasterio.open(path, "w", driver="GTiff", width=6, height=5, count=count, dtype=dtype,
                       crs=UTM32, transform=rasterio.transform.from_origin(6e5, 5.2e6, 10, 10)) as out:
        out.write(np.arange(count * 30, dtype=dtype).reshape(count, 5, 6))
    with pytest.raises(FigureError, match=words) as raised:
        read_figure(str(path))
    message = str(raised.value)
    assert "data raster" in message and "load it in QGIS directly" in message


def test_cmyk_jpeg_is_converted_to_the_right_colours(tmp_path, smooth_rgb):
    path = tmp_path / "cmyk.jpg"
    Image.fromarray(smooth_rgb).convert("CMYK").save(path, quality=95)
    assert Image.open(path).mode == "CMYK"
    figure = read_figure(str(path))
    assert figure.rgb.shape == smooth_rgb.shape and figure.opaque.all()
    delta_e = np.linalg.norm(srgb_to_lab(figure.rgb / 255.0) - srgb_to_lab(smooth_rgb / 255.0),
                             axis=-1)
    assert np.median(delta_e) < 2 and np.percentile(delta_e, 99) < 8


def test_cmyk_jpeg_with_an_icc_profile_goes_through_the_profile(tmp_path, smooth_rgb):
    from PIL import ImageCms

    # Ghostscript's CMYK profile (Debian's ghostscript, which make test installs).
    profile_path = Path("/usr/share/color/icc/ghostscript/default_cmyk.icc")
    cmyk_profile = ImageCms.ImageCmsProfile(str(profile_path))
    cmyk = ImageCms.profileToProfile(Image.fromarray(smooth_rgb), ImageCms.createProfile("sRGB"),
                                     cmyk_profile, outputMode="CMYK")
    path = tmp_path / "cmyk_icc.jpg"
    cmyk.save(path, quality=95, icc_profile=cmyk_profile.tobytes())
    figure = read_figure(str(path))
    lab_in = srgb_to_lab(smooth_rgb / 255.0)
    delta_e = np.linalg.norm(srgb_to_lab(figure.rgb / 255.0) - lab_in, axis=-1)
    # Printing inks cannot show every screen colour exactly: a few ΔE is a correct conversion.
    naive = np.asarray(Image.open(path).convert("RGB"))
    naive_delta_e = np.linalg.norm(srgb_to_lab(naive / 255.0) - lab_in, axis=-1)
    assert np.median(delta_e) < 6
    assert np.median(delta_e) < np.median(naive_delta_e)


def test_animated_gif_uses_the_first_frame_and_warns_in_the_log(tmp_path):
    first, index = viridis_figure()
    frames = [Image.fromarray(first), Image.fromarray(np.full_like(first, 200)),
              Image.fromarray(np.zeros_like(first))]
    path = tmp_path / "animated.gif"
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=100, loop=0)
    figure = read_figure(str(path))
    assert np.array_equal(figure.rgb, np.asarray(Image.open(path).convert("RGB")))
    assert len(figure.warnings) == 1 and "3 frames" in figure.warnings[0]
    assert "first frame" in figure.warnings[0]
    log = []
    result = decode_map(settings_for(path, write_gcps(tmp_path / "gcps.csv")), log=log.append)
    assert any("first frame" in line for line in log)
    assert any("first frame" in line for line in result.warnings)
    decoded = result.field.values[5]
    assert np.nanmax(np.abs(decoded[2:-2] - index[2:-2])) <= 2


def test_pixel_limit_comes_from_the_environment_and_says_how_to_raise_it(tmp_path, monkeypatch,
                                                                         smooth_rgb):
    path = tmp_path / "figure.png"
    Image.fromarray(smooth_rgb).save(path)
    monkeypatch.delenv(MAX_PIXELS_VARIABLE, raising=False)
    assert max_pixels_limit() == DEFAULT_MAX_PIXELS
    monkeypatch.setenv(MAX_PIXELS_VARIABLE, "1000")
    with pytest.raises(FigureError) as raised:
        read_figure(str(path))
    message = str(raised.value)
    assert "64×48 = 3,072 pixels" in message and "limit of 1,000" in message
    assert MAX_PIXELS_VARIABLE in message and "decompression bomb" in message
    monkeypatch.setenv(MAX_PIXELS_VARIABLE, "lots")
    with pytest.raises(FigureError, match=f"{MAX_PIXELS_VARIABLE}='lots' is not a positive"):
        read_figure(str(path))


def test_a_real_decompression_bomb_is_refused_before_it_is_decoded(tmp_path, monkeypatch):
    # 182 million pixels in a 22 kB PNG: refused from its header, nothing is allocated.
    monkeypatch.delenv(MAX_PIXELS_VARIABLE, raising=False)
    path = tmp_path / "bomb.png"
    Image.new("1", (14000, 13000)).save(path)
    with pytest.raises(FigureError) as raised:
        read_figure(str(path))
    message = str(raised.value)
    assert "14000×13000 = 182,000,000 pixels" in message
    assert f"limit of {DEFAULT_MAX_PIXELS:,} pixels" in message and MAX_PIXELS_VARIABLE in message


def test_raising_the_limit_lifts_pillows_own_limit_only_while_reading(tmp_path, monkeypatch,
                                                                      smooth_rgb):
    path = tmp_path / "figure.png"
    Image.fromarray(smooth_rgb).save(path)
    # Pillow's own guard set very low: 3,072 pixels would be a DecompressionBombError.
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)
    monkeypatch.setenv(MAX_PIXELS_VARIABLE, "10000")
    assert read_figure(str(path)).shape == (48, 64)
    assert Image.MAX_IMAGE_PIXELS == 100
    monkeypatch.setenv(MAX_PIXELS_VARIABLE, "3000")
    with pytest.raises(FigureError, match="limit of 3,000"):
        read_figure(str(path))


def test_transparent_pixels_are_nodata_through_the_pipeline(tmp_path):
    rgb, index = viridis_figure()
    alpha = np.full(rgb.shape[:2], 255, np.uint8)
    alpha[10:20, 20:40] = 0       # a transparent hole
    alpha[30:35, 5:15] = 40       # nearly transparent: not data either
    alpha[22:28, 40:60] = 128     # half transparent: decoded by its colour (straight alpha)
    path = tmp_path / "rgba.png"
    Image.fromarray(np.dstack([rgb, alpha]), "RGBA").save(path)
    result = decode_map(settings_for(path, write_gcps(tmp_path / "gcps.csv")))
    values = result.field.values
    assert np.isnan(values[alpha < 64]).all()
    assert np.isfinite(values[alpha >= 64]).mean() > 0.99
    # The output grid is the figure's own (100 m pixels, same origin): the hole stays a hole.
    assert result.values.shape == values.shape
    assert np.isnan(result.values[10:20, 20:40]).all()


def test_unreadable_figure_message_recognises_a_damaged_png(tmp_path):
    path = tmp_path / "bad.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 30)
    assert "looks like a PNG file but is damaged" in unreadable_figure_message(str(path))


# -- GCPS / GCP_CRS -------------------------------------------------------------------------
class FakeFigure:
    def __init__(self, rows=40, cols=64, geotransform=None):
        self.shape = (rows, cols)
        self.geotransform = geotransform


def test_gcps_outside_the_figure_are_named(tmp_path):
    gcps = write_gcps(tmp_path / "gcps.csv")
    gcps.write_text(gcps.read_text() + "5000,20,1100000,5198000\n70,-3,607000,5200300\n")
    with pytest.raises(GcpError) as raised:
        build_georeference(settings_for("unused.png", gcps), FakeFigure())
    message = str(raised.value)
    assert raised.value.parameter == "GCPS"
    assert "2 GCPs lie outside the figure (64×40 pixels" in message
    assert "GCP 5 (line 6) at pixel (5000, 20)" in message and "GCP 6 (line 7)" in message
    assert "GCP 4 " not in message


def test_points_file_with_positive_pixel_y_explains_the_sign(tmp_path):
    path = tmp_path / "figure.png.points"
    path.write_text("mapX,mapY,pixelX,pixelY,enable,dX,dY,residual\n"
                    "600000,5200000,0,0,1,0,0,0\n606400,5200000,64,0,1,0,0,0\n"
                    "600000,5196000,0,40,1,0,0,0\n")
    with pytest.raises(GcpError, match="positive pixelY lies above the image"):
        build_georeference(settings_for("unused.png", path), FakeFigure())


def test_points_made_on_a_georeferenced_figure_are_explained(tmp_path):
    gcps = write_gcps(tmp_path / "gcps.csv")
    gcps.write_text("pixel_x,pixel_y,map_x,map_y\n600000,5200000,600000,5200000\n"
                    "606400,5200000,606400,5200000\n600000,5196000,600000,5196000\n")
    figure = FakeFigure(geotransform=(600000, 100, 0, 5200000, 0, -100))
    with pytest.raises(GcpError, match="leave GCPS empty"):
        build_georeference(settings_for("unused.png", gcps), figure)


def test_latitude_95_in_a_geographic_crs_names_the_point(tmp_path):
    path = tmp_path / "gcps.csv"
    path.write_text("pixel_x,pixel_y,map_x,map_y\n0,0,10,47\n64,0,11,47\n0,40,10,95\n")
    with pytest.raises(GcpError) as raised:
        build_georeference(settings_for("unused.png", path, gcp_crs="EPSG:4326"), FakeFigure())
    message = str(raised.value)
    assert raised.value.parameter == "GCPS"
    assert "GCP 3 (line 4) at (10, 95)" in message and "latitude (−90..90)" in message
    assert "GCP 1 " not in message


def test_metres_declared_as_degrees_point_at_gcp_crs(tmp_path):
    gcps = write_gcps(tmp_path / "gcps.csv")
    with pytest.raises(GcpError) as raised:
        build_georeference(settings_for("unused.png", gcps, gcp_crs="EPSG:4326"), FakeFigure())
    assert raised.value.parameter == "GCP_CRS"
    assert "look like projected coordinates" in str(raised.value)
    assert "Set GCP_CRS" in str(raised.value)


def test_coordinates_outside_a_projection_domain_are_refused(tmp_path):
    path = tmp_path / "gcps.csv"
    path.write_text("pixel_x,pixel_y,map_x,map_y\n0,0,600000,5200000\n64,0,606400,5200000\n"
                    "0,40,1e12,5196000\n")
    with pytest.raises(GcpError, match=r"GCP 3 \(line 4\).*outside the projection's domain"):
        build_georeference(settings_for("unused.png", path), FakeFigure())


def test_invalid_gcp_crs_string_is_refused(tmp_path):
    gcps = write_gcps(tmp_path / "gcps.csv")
    with pytest.raises(EngineError, match="GCP_CRS is not a valid CRS") as raised:
        build_georeference(settings_for("unused.png", gcps, gcp_crs="EPSG:999999"), FakeFigure())
    assert raised.value.parameter == "GCP_CRS"


def test_disabled_gcps_off_the_figure_are_ignored(tmp_path):
    gcps = write_gcps(tmp_path / "gcps.csv")
    text = gcps.read_text().replace("pixel_x,pixel_y,map_x,map_y", "pixel_x,pixel_y,map_x,map_y,enabled")
    lines = [line + ",1" if i else line for i, line in enumerate(text.splitlines())]
    lines.append("5000,20,10,95,0")
    gcps.write_text("\n".join(lines) + "\n")
    reference = build_georeference(settings_for("unused.png", gcps), FakeFigure())
    assert reference.residuals.rmse_pixels < 1e-6


# -- results --------------------------------------------------------------------------------
def test_no_cluster_gives_the_raster_an_empty_point_layer_and_a_warning(tmp_path):
    rgb, _ = viridis_figure(block=4)
    path = tmp_path / "blocks.png"
    Image.fromarray(rgb).save(path)
    gcps = write_gcps(tmp_path / "gcps.csv")
    log = []
    # eps 1 reaches 4 neighbours: nobody has 20, DBSCAN finds no core point.
    result = decode_map(settings_for(path, gcps, dbscan_eps=1.0, dbscan_min_samples=20),
                        log=log.append)
    assert len(result.points.clusters) == 0 and len(result.points.x) == 0
    assert np.isfinite(result.values).mean() > 0.99
    warning = [line for line in log if line.startswith("Warning: the point layer is empty")]
    assert warning and "DBSCAN_MIN_SAMPLES" in warning[0] and warning == result.warnings
    assert result.reconstruction is None


def test_no_flat_pixel_says_raise_flat_tolerance(tmp_path):
    rgb, _ = viridis_figure(cols=200)  # every column its own colour: nothing is flat
    path = tmp_path / "ramp.png"
    Image.fromarray(rgb).save(path)
    result = decode_map(settings_for(path, write_gcps(tmp_path / "gcps.csv", cols=200)))
    assert len(result.points.clusters) == 0
    assert "raise FLAT_TOLERANCE" in result.warnings[-1]


def test_everything_masked_inside_the_plot_area(tmp_path):
    rgb, _ = viridis_figure()
    path = tmp_path / "figure.png"
    Image.fromarray(rgb).save(path)
    gcps = write_gcps(tmp_path / "gcps.csv")
    cover = "POLYGON((-1 1, 65 1, 65 -41, -1 -41, -1 1))"
    with pytest.raises(EngineError, match="No pixel is left to decode inside PLOT_AREA") as raised:
        decode_map(settings_for(path, gcps, mask_geometries=(cover,)))
    assert raised.value.parameter == "PLOT_AREA" and "MASK" in str(raised.value)
    clear = np.dstack([rgb, np.zeros(rgb.shape[:2], np.uint8)])
    Image.fromarray(clear, "RGBA").save(path)
    with pytest.raises(EngineError, match="transparent"):
        decode_map(settings_for(path, gcps))


@pytest.mark.parametrize("box, words", [
    ((100, 120, -30, -10), "does not overlap"),     # outside the image
    ((20, 25, -8, -4), "too small to sample"),      # 5×4 pixels
    ((0, 6, -38, -2), "no colour gradient"),        # on the white margin
])
def test_colorbar_boxes_that_cannot_be_sampled(tmp_path, box, words):
    rgb, _ = viridis_figure()
    rgb[:, :8] = 255   # a white margin: a box there holds no gradient
    path = tmp_path / "figure.png"
    Image.fromarray(rgb).save(path)
    with pytest.raises(EngineError, match=words) as raised:
        decode_map(settings_for(path, write_gcps(tmp_path / "gcps.csv"), colormap="",
                                colorbar_extent=box))
    assert raised.value.parameter == "COLORBAR"
    assert "raw it" in str(raised.value)


# -- OUTPUT ---------------------------------------------------------------------------------
@pytest.mark.parametrize("where", ["under_a_file", "proc"])
def test_unwritable_destination_names_output_and_leaves_nothing(tmp_path, where):
    # Tests run as root, where a chmod-ed read-only folder is still writable; a "folder" that is
    # a regular file, or /proc (no regular files can be created there), fails for root too.
    if where == "under_a_file":
        blocker = tmp_path / "file.txt"
        blocker.write_text("I am a file")
        destination = blocker / "out.tif"
    else:
        destination = Path("/proc") / "colormap_decoder_out.tif"
    with pytest.raises(EngineError, match="Cannot write in the folder") as raised:
        write_geotiff(str(destination), [np.zeros((3, 3))], (0, 1, 0, 0, 0, -1), UTM32,
                      parameter="OUTPUT_DISTANCE")
    assert raised.value.parameter == "OUTPUT_DISTANCE"
    assert not destination.exists()
    if where == "under_a_file":
        assert os.listdir(tmp_path) == ["file.txt"]


def test_interrupted_write_keeps_the_previous_output(tmp_path, monkeypatch):
    import rasterio

    path = tmp_path / "out.tif"
    write_geotiff(str(path), [np.ones((300, 300))], (0, 1, 0, 300, 0, -1), UTM32)
    before = path.read_bytes()
    real_open = rasterio.open

    class Failing:
        def __init__(self, dataset):
            self.dataset = dataset

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return self.dataset.__exit__(*exc)

        def write(self, *args, **kwargs):
            self.dataset.write(*args, **kwargs)
            raise InterruptedError("cancelled half-way")

        def __getattr__(self, name):
            return getattr(self.dataset, name)

    monkeypatch.setattr(rasterio, "open", lambda *a, **k: Failing(real_open(*a, **k).__enter__()))
    with pytest.raises(InterruptedError):
        write_geotiff(str(path), [np.zeros((300, 300))], (0, 1, 0, 300, 0, -1), UTM32)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["out.tif"]


def test_cmyk_fallback_handles_a_broken_icc_profile(tmp_path, smooth_rgb):
    image = Image.fromarray(smooth_rgb).convert("CMYK")
    image.info["icc_profile"] = b"not a profile"
    converted = figure_module._cmyk_to_rgb(image)
    assert np.array_equal(np.asarray(converted), np.asarray(image.convert("RGB")))


def test_png_bytes_in_memory_helper_is_consistent():
    # The zero-size PNG above is a well-formed file (valid CRCs) except for its width.
    data = b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">IIBBBBB", 0, 5, 8, 2, 0, 0, 0))
    assert figure_module._header_size(data) == (0, 5)
    assert figure_module._header_size(io.BytesIO(b"GIF89a\x07\x00\x03\x00").read()) == (7, 3)


def test_a_gcp_file_just_over_the_limit_says_by_how_much(tmp_path):
    """A GCP file one byte over 8 MiB was said to be "8.0 MiB, more than the 8 MiB"."""
    from colormap_decoder.plugin.engine.gcps import read_gcps

    path = tmp_path / "big.csv"
    path.write_bytes(b"pixel_x,pixel_y,map_x,map_y\n" + b"#" * (8 * 2 ** 20 - 27))
    assert path.stat().st_size == 8 * 2 ** 20 + 1
    with pytest.raises(GcpError) as raised:
        read_gcps(str(path))
    assert "8,388,609 bytes, more than the 8 MiB" in str(raised.value)


def test_a_cpt_of_random_colours_is_refused_before_its_curve_is_built(tmp_path):
    """A .cpt of 20,000 continuous slices of random colours (1 MB, under the 8 MiB a .cpt may
    be) wanders 3 million ΔE: its curve took 1.4 GB and a .cpt of 100,000 such slices 19 GB,
    while the job's estimate said 104 MiB. Refused naming COLORMAP."""
    from colormap_decoder.plugin.engine.errors import ColourScaleError

    rng = np.random.default_rng(7)
    colours = rng.integers(0, 256, (20001, 3))
    cpt = tmp_path / "random.cpt"
    cpt.write_text("".join(f"{k} {'/'.join(map(str, colours[k]))} {k + 1} "
                           f"{'/'.join(map(str, colours[k + 1]))}\n" for k in range(20000)))
    rgb, _ = viridis_figure()
    Image.fromarray(rgb).save(tmp_path / "figure.png")
    settings = settings_for(tmp_path / "figure.png", write_gcps(tmp_path / "gcps.csv"),
                            colormap=str(cpt), vmin=None, vmax=None)
    with pytest.raises(ColourScaleError, match="wander .* ΔE through colour space") as raised:
        decode_map(settings)
    assert raised.value.parameter == "COLORMAP"


# -- sparse TIFFs (GDAL's SPARSE_OK: blocks all nodata or all 0 are never written) -----------
def _sparse_tiff(path, rgb, options, alpha=None):
    """``rgb`` written by GDAL with ``SPARSE_OK``: blocks that are all 0 are left out."""
    from osgeo import gdal

    bands = [rgb[..., band] for band in range(3)] + ([] if alpha is None else [alpha])
    dataset = gdal.GetDriverByName("GTiff").Create(
        str(path), rgb.shape[1], rgb.shape[0], len(bands), gdal.GDT_Byte,
        ["SPARSE_OK=TRUE"] + options + (["ALPHA=YES"] if alpha is not None else []))
    for number, band in enumerate(bands, 1):
        dataset.GetRasterBand(number).WriteArray(band)
    dataset = None
    return path


@pytest.mark.parametrize("options", [["TILED=YES", "BLOCKXSIZE=64", "BLOCKYSIZE=64"],
                                     ["BLOCKYSIZE=32"],
                                     ["TILED=YES", "COMPRESS=DEFLATE"],
                                     ["COMPRESS=LZW", "BLOCKYSIZE=16", "INTERLEAVE=BAND"]])
def test_a_sparse_tiff_is_read_as_gdal_reads_it(tmp_path, options):
    """The sample figure with its top 256 rows black, written by GDAL with
    SPARSE_OK: the all-black blocks are never written. Pillow read an uncompressed one's
    missing blocks from the file's start (the header and another block's bytes as colours,
    in silence) and called a compressed one damaged; GDAL, and QGIS, read them as black."""
    from sample_figure import FIGURE

    with Image.open(FIGURE) as image:
        rgb = np.asarray(image.convert("RGB")).copy()
    rgb[:256] = 0
    path = _sparse_tiff(tmp_path / "sparse.tif", rgb, options)
    with Image.open(path) as image:  # the file is sparse indeed
        assert figure_module._unwritten_tiff_blocks(image)[0] >= 1
    figure = read_figure(str(path))
    assert np.array_equal(figure.rgb, rgb)
    assert figure.opaque.all()
    assert any("never written" in warning for warning in figure.warnings)


def test_a_sparse_tiff_with_alpha_leaves_its_unwritten_blocks_out(tmp_path):
    """An RGBA sparse TIFF: a block never written reads alpha 0, transparent, so not data."""
    from sample_figure import FIGURE

    with Image.open(FIGURE) as image:
        rgb = np.asarray(image.convert("RGB")).copy()
    alpha = np.full(rgb.shape[:2], 255, np.uint8)
    rgb[:128, :128] = 0
    alpha[:128, :128] = 0
    path = _sparse_tiff(tmp_path / "sparse.tif", rgb, ["TILED=YES", "BLOCKXSIZE=64",
                                                       "BLOCKYSIZE=64"], alpha)
    figure = read_figure(str(path))
    assert np.array_equal(figure.rgb, rgb)
    assert np.array_equal(figure.opaque, alpha >= figure_module.DATA_ALPHA)


@pytest.mark.parametrize("options", [["TILED=YES"], []])
def test_a_sparse_tiff_never_written_is_not_called_damaged(tmp_path, options):
    """A sparse TIFF of which no block was ever written: it holds no pixels, said so (it was
    called damaged or cut short, and the user told to download it again)."""
    from osgeo import gdal

    dataset = gdal.GetDriverByName("GTiff").Create(str(tmp_path / "empty.tif"), 300, 200, 3,
                                                   gdal.GDT_Byte, ["SPARSE_OK=TRUE"] + options)
    del dataset  # closed: written with no block
    with pytest.raises(FigureError) as raised:
        read_figure(str(tmp_path / "empty.tif"))
    message = str(raised.value)
    assert "ever written" in message and "sparse TIFF" in message
    assert "damaged or incomplete" not in message
    assert raised.value.parameter == "INPUT"


# -- GCP_CRS projected, GCP map coordinates in degrees ----------------------------------------
@pytest.mark.parametrize("gcp_crs", ["EPSG:32632", "EPSG:3857"])
def test_degrees_given_in_a_projected_gcp_crs_are_warned_about(tmp_path, gcp_crs):
    """Longitudes and latitudes with a metre GCP_CRS placed the figure as a map 64 cm across
    near the CRS's origin, with no word in the log; now a warning names GCP_CRS."""
    rgb, _ = viridis_figure()
    Image.fromarray(rgb).save(tmp_path / "f.png")
    degrees = dict(origin=(10, 47), step=0.01)  # 0.01° a pixel from 10°E, 47°N
    result = decode_map(settings_for(tmp_path / "f.png", write_gcps(tmp_path / "g.csv", **degrees),
                                     gcp_crs=gcp_crs))
    warned = [warning for warning in result.warnings if "look like longitudes" in warning]
    assert len(warned) == 1 and "GCP_CRS" in warned[0] and "EPSG:4326" in warned[0]
    # The same GCPs in degrees, and metre GCPs in the metre CRS: no such warning.
    for gcps, crs in ((write_gcps(tmp_path / "g.csv", **degrees), "EPSG:4326"),
                      (write_gcps(tmp_path / "m.csv"), gcp_crs)):
        result = decode_map(settings_for(tmp_path / "f.png", gcps, gcp_crs=crs))
        assert not [warning for warning in result.warnings if "look like longitudes" in warning]


@pytest.mark.parametrize("given, missing", [({"vmax": None}, "VMAX"), ({"vmin": None}, "VMIN")])
def test_a_range_half_given_names_the_missing_end(tmp_path, given, missing):
    """VMIN given, VMAX not, on a figure without a colorbar: the refusal said "VMIN and VMAX
    not given" and named VMIN, the one given."""
    rgb, _ = viridis_figure()
    Image.fromarray(rgb).save(tmp_path / "f.png")
    with pytest.raises(EngineError) as raised:
        decode_map(settings_for(tmp_path / "f.png", write_gcps(tmp_path / "g.csv"), **given))
    assert raised.value.parameter == missing
    assert str(raised.value).startswith(f"{missing} not given (")


# ------------------------------------------------ numbers quoted with every digit given
@pytest.mark.parametrize("check, arguments, quoted", [
    # Two different values were quoted alike ('VMIN = 5.193e+06 is above VMAX = 5.193e+06').
    ("check_value_order", (5193000, 5192999.5, (0, 1)), ["VMIN = 5193000 is above VMAX = 5192999.5"]),
    ("check_value_order", (5193000.25, 5193000.25), ["VMIN and VMAX are both 5193000.25"]),
    ("check_extent", ("PLOT_AREA", (598250.5, 598250.5, 5144500, 5193000)),
     ["PLOT_AREA (598250.5, 598250.5, 5144500, 5193000) has no area"]),
    ("check_levels_order", ((0, 1234567.5, 1234567.25),), ["(1234567.25)", "(1234567.5)"]),
])
def test_a_refusal_quotes_every_digit_of_the_numbers_given(check, arguments, quoted):
    from colormap_decoder.plugin.engine import validation

    with pytest.raises(EngineError) as raised:
        getattr(validation, check)(*arguments)
    for text in quoted:
        assert text in str(raised.value)
    assert "e+06" not in str(raised.value)


def test_number_text_keeps_every_digit_and_no_grouping():
    from colormap_decoder.plugin.engine.text_format import number_text

    for value, text in ((5193000, "5193000"), (5193000.0, "5193000"), (-0.0, "0"),
                        (598250.5, "598250.5"), (0.1, "0.1"), (1e-7, "1e-07"),
                        (1e308, "1e+308"), (float("inf"), "inf"), (float("nan"), "nan"),
                        (123456789012345.6, "123456789012345.6")):
        assert number_text(value) == text
        if np.isfinite(value):
            assert float(number_text(value)) == value
