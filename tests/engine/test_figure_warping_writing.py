"""Reading figures, placing them in a target CRS, and writing GeoTIFFs."""
import os

import numpy as np
import pytest
import rasterio
from figures_for_tests import jacksboro_dem, render_grid
from PIL import Image

from colormap_decoder.plugin.engine.errors import FigureError, GeoreferencingError
from colormap_decoder.plugin.engine.figure import read_figure
from colormap_decoder.plugin.engine.pipeline import DecodeSettings, decode_map
from colormap_decoder.plugin.engine.warping import (
    APPROXIMATION_MAX_ERROR,
    GeotransformPixelTransform,
    OutputGrid,
    _target_to_pixel,
    plan_output_grid,
    source_pixels_for_grid,
    warp_nearest,
)
from colormap_decoder.plugin.engine.writing import NODATA, write_geotiff

UTM32 = "EPSG:32632"


@pytest.fixture()
def rgba_png(tmp_path):
    pixels = np.zeros((4, 5, 4), np.uint8)
    pixels[..., 0] = 200
    pixels[..., 3] = 255
    pixels[1, 2, 3] = 0
    pixels[2, 3, 3] = 63
    pixels[3, 4, 3] = 64
    path = tmp_path / "rgba.png"
    Image.fromarray(pixels, "RGBA").save(path)
    return path


def test_transparent_pixels_are_not_opaque(rgba_png):
    """Transparent and nearly transparent pixels (alpha below 64) are not read; a partly
    transparent one is, by its colour."""
    figure = read_figure(str(rgba_png))
    assert figure.rgb.shape == (4, 5, 3) and figure.rgb.dtype == np.uint8
    assert not figure.opaque[1, 2] and not figure.opaque[2, 3] and figure.opaque[3, 4]
    assert figure.opaque.sum() == 18
    assert figure.geotransform is None


@pytest.mark.parametrize("alpha", [0.7, 0.3])
def test_a_map_drawn_partly_transparent_is_decoded_by_its_colours(tmp_path, alpha):
    """matplotlib's imshow(alpha=...) saved with transparent=True: every map pixel partly
    transparent (alpha 178 or 76), its colour kept apart (straight alpha). It decodes as the
    same map drawn opaque; it used to be refused, every pixel taken for transparent."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from colormap_decoder.plugin.engine.pipeline import DecodeSettings, decode_map

    field = np.add.outer(np.linspace(0, 3000, 60), np.linspace(0, 1000, 90))
    decoded = {}
    for name, opacity in (("opaque", 1.0), ("partly transparent", alpha)):
        figure, axes = plt.subplots(figsize=(3, 2), dpi=100)
        axes.set_position([0, 0, 1, 1])
        axes.axis("off")
        axes.imshow(field, cmap="viridis", vmin=0, vmax=4000, alpha=opacity,
                    interpolation="nearest", aspect="auto")
        path = tmp_path / f"{name}.png"
        figure.savefig(path, transparent=True)
        plt.close(figure)
        stored = np.asarray(Image.open(path))[..., 3]
        assert set(np.unique(stored)) <= {0, round(255 * opacity)}
        gcps = tmp_path / "gcps.csv"
        gcps.write_text("pixel_x,pixel_y,map_x,map_y\n0,0,600000,5200000\n300,0,630000,5200000\n"
                        "0,200,600000,5180000\n")
        decoded[name] = decode_map(DecodeSettings(
            figure_path=str(path), colormap="viridis", vmin=0, vmax=4000,
            gcps_path=str(gcps), gcp_crs=UTM32)).field.values
    opaque, partly = decoded["opaque"], decoded["partly transparent"]
    assert np.isfinite(opaque).mean() > 0.95
    assert np.array_equal(np.isfinite(partly), np.isfinite(opaque))
    both = np.isfinite(opaque)
    # Within 1 % of the range (40) everywhere: the colours come back a level or two off at most.
    assert np.abs(partly[both] - opaque[both]).max() <= 40


def test_palette_and_grey_images_give_the_same_rgb(tmp_path):
    rgb = np.random.default_rng(1).integers(0, 255, (6, 7, 3), dtype=np.uint8)
    Image.fromarray(rgb).convert("P", palette=Image.ADAPTIVE, colors=256).save(tmp_path / "p.png")
    palette_image = Image.open(tmp_path / "p.png")
    expected = np.asarray(palette_image.convert("RGB"))
    assert np.array_equal(read_figure(str(tmp_path / "p.png")).rgb, expected)
    grey = rgb[..., 0]
    Image.fromarray(grey, "L").save(tmp_path / "g.png")
    assert np.array_equal(read_figure(str(tmp_path / "g.png")).rgb, np.dstack([grey] * 3))


@pytest.mark.parametrize("content, words", [
    (b"not an image at all", "cannot be read"),
    (None, "does not exist"),
])
def test_unreadable_figures_raise_figure_error(tmp_path, content, words):
    path = tmp_path / "figure.png"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(FigureError, match=words):
        read_figure(str(path))


def test_sixteen_bit_data_is_refused(tmp_path):
    path = tmp_path / "data.tif"
    Image.fromarray(np.arange(12, dtype=np.uint16).reshape(3, 4) * 1000, "I;16").save(path)
    with pytest.raises(FigureError, match="not a colour-mapped picture"):
        read_figure(str(path))


def test_world_file_is_read_as_georeferencing(rgba_png):
    with open(str(rgba_png)[:-4] + ".pgw", "w") as handle:
        handle.write("10\n0\n0\n-10\n1005\n2995\n")
    figure = read_figure(str(rgba_png))
    # The world file names the first pixel's centre; GDAL's geotransform the top-left corner.
    assert figure.geotransform == pytest.approx((1000, 10, 0, 3000, 0, -10))


#: Every file GDAL 3.6 reads a PNG's or JPEG's georeferencing from (world files in any case,
#: GDAL's .aux.xml), and names beside a figure that are not georeferencing (its GCPs, files
#: GDAL does not read: a world file named after the whole name, an .aux.xml of the stem).
GEOREFERENCING_SIDECARS = {"png": ["fig.pgw", "fig.pngw", "fig.wld", "FIG.PGW", "fig.WLD",
                                   "fig.png.aux.xml"],
                           "jpg": ["fig.jgw", "fig.jpgw", "fig.wld", "Fig.JGW", "fig.jpg.aux.xml"]}
NOT_GEOREFERENCING = ["fig.{ext}.points", "fig.csv", "fig.{ext}.wld", "fig.pgwx", "fig.xml"]
WORLD_FILE = "2\n0\n0\n-2\n101\n199\n"
AUX_XML = ("<PAMDataset><GeoTransform>100, 2, 0, 200, 0, -2</GeoTransform></PAMDataset>\n")


@pytest.mark.filterwarnings("ignore::rasterio.errors.NotGeoreferencedWarning")
@pytest.mark.parametrize("ext", ["png", "jpg"])
def test_georeferencing_beside_a_figure_is_read_and_its_absence_costs_no_gdal(tmp_path, ext,
                                                                           monkeypatch):
    """A PNG or JPEG is georeferenced only by files beside it: each one GDAL reads is read
    (through GDAL); with none of them, GDAL is not asked at all (its first dataset registers
    every driver, 8 MiB of its library read in during the run), whatever else lies beside it."""
    from colormap_decoder.plugin.engine.figure import read_georeferencing

    figure = tmp_path / f"fig.{ext}"
    Image.new("RGB", (30, 20), (200, 40, 40)).save(figure)
    for sidecar in GEOREFERENCING_SIDECARS[ext]:
        path = tmp_path / sidecar
        path.write_text(AUX_XML if sidecar.endswith(".xml") else WORLD_FILE)
        assert read_georeferencing(str(figure))[0] == pytest.approx((100, 2, 0, 200, 0, -2)), \
            sidecar
        with rasterio.open(figure) as dataset:  # as GDAL itself reads it
            assert dataset.transform.to_gdal() == pytest.approx((100, 2, 0, 200, 0, -2))
        path.unlink()
    for name in NOT_GEOREFERENCING:
        (tmp_path / name.format(ext=ext)).write_text(WORLD_FILE)
    with rasterio.open(figure) as dataset:  # GDAL finds nothing in them either
        assert dataset.transform.is_identity
    for stray in tmp_path.glob("*.aux.xml"):
        stray.unlink()  # GDAL's statistics of the opening above

    def no_gdal(*arguments, **keywords):
        raise AssertionError("GDAL opened a figure that nothing beside it georeferences")

    monkeypatch.setattr(rasterio, "open", no_gdal)
    assert read_georeferencing(str(figure)) == (None, None)
    assert read_figure(str(figure)).geotransform is None


def test_geotiff_is_written_as_a_careful_gis_tool_writes_it(tmp_path):
    values = np.arange(300 * 260, dtype=np.float32).reshape(300, 260)
    values[5, 7] = np.nan
    path = tmp_path / "out.tif"
    write_geotiff(str(path), [values], (500000, 10, 0, 5200000, 0, -10), UTM32,
                  descriptions=["value"], tags={"COLOUR_SCALE": "viridis"})
    with rasterio.open(path) as dataset:
        assert dataset.dtypes == ("float32",) and dataset.nodata == NODATA
        assert dataset.crs.to_epsg() == 32632
        assert dataset.transform.c == 500000 and dataset.transform.a == 10
        assert dataset.profile["compress"].lower() == "deflate" and dataset.profile["tiled"]
        assert dataset.descriptions == ("value",)
        assert dataset.tags()["COLOUR_SCALE"] == "viridis"
        band = dataset.read(1, masked=True)
        assert band.mask[5, 7] and band.mask.sum() == 1
        assert band[10, 10] == values[10, 10]
    assert os.listdir(tmp_path) == ["out.tif"]


def test_failed_write_leaves_the_previous_file_untouched(tmp_path):
    path = tmp_path / "out.tif"
    path.write_bytes(b"previous result")
    with pytest.raises(Exception):
        # A band of the wrong shape fails half-way through writing.
        # Two bands, one description: fails after the first band is written.
        write_geotiff(str(path), [np.zeros((4, 4)), np.zeros((4, 4))], (0, 1, 0, 0, 0, -1), UTM32,
                      descriptions=["only one"])
    assert path.read_bytes() == b"previous result"
    assert os.listdir(tmp_path) == ["out.tif"]


def test_affine_warp_in_the_same_crs_reproduces_the_figure():
    transform = GeotransformPixelTransform((600000, 100, 0, 5200000, 0, -100))
    values = np.random.default_rng(0).random((50, 70)).astype(np.float32)
    grid = plan_output_grid(transform, UTM32, UTM32, (0, 0, 70, 50))
    assert (grid.width, grid.height) == (70, 50) and grid.pixel_size == pytest.approx(100)
    (warped,) = warp_nearest([values], (0, 0, 70, 50), grid, transform, UTM32, UTM32)
    assert np.array_equal(warped, values)


def test_approximate_transform_stays_within_its_error_bound():
    transform = GeotransformPixelTransform((600000, 100, 0, 5200000, 0, -100))
    grid = plan_output_grid(transform, UTM32, "EPSG:4326", (0, 0, 700, 500))
    x, y = source_pixels_for_grid(grid, transform, UTM32, "EPSG:4326")
    cols, rows = np.meshgrid(np.arange(grid.width), np.arange(grid.height))
    exact_x, exact_y = _target_to_pixel(grid, transform, UTM32, "EPSG:4326")(cols, rows)
    assert np.nanmax(np.hypot(x - exact_x, y - exact_y)) <= APPROXIMATION_MAX_ERROR


def test_target_crs_that_cannot_hold_the_figure_is_refused():
    # A figure over Europe in lon/lat, asked for in the UTM zone on the other side of the Earth.
    transform = GeotransformPixelTransform((-10, 0.1, 0, 60, 0, -0.1))
    with pytest.raises(GeoreferencingError, match="target CRS"):
        plan_output_grid(transform, "EPSG:4326", "EPSG:32660", (0, 0, 200, 150))


def test_absurd_pixel_size_is_refused():
    transform = GeotransformPixelTransform((600000, 100, 0, 5200000, 0, -100))
    with pytest.raises(GeoreferencingError, match="PIXEL_SIZE"):
        plan_output_grid(transform, UTM32, UTM32, (0, 0, 700, 500), pixel_size=0.001)


def test_output_grid_is_north_up():
    grid = OutputGrid((1, 2, 0, 3, 0, -2), 4, 5, "")
    assert grid.pixel_size == 2


def test_georeferenced_figure_needs_no_gcps(tmp_path):
    """A figure with a world file, decoded without GCPs, lands where its world file says."""
    grid, extent = jacksboro_dem()
    # Square pixels (the plot box has the grid's aspect), so the output grid is the figure's.
    figure = render_grid(grid, extent, tmp_path / "jacksboro.png", cmap="viridis",
                         plot_box=(110, 50, 690, 545))
    col0, row0, col1, row1 = figure.plot_box
    left, right, bottom, top = extent
    size_x, size_y = (right - left) / (col1 - col0), (top - bottom) / (row1 - row0)
    origin_x, origin_y = left - col0 * size_x, top + row0 * size_y
    with open(tmp_path / "jacksboro.pgw", "w") as handle:
        handle.write(f"{size_x!r}\n0\n0\n{-size_y!r}\n{origin_x + size_x / 2!r}\n"
                     f"{origin_y - size_y / 2!r}\n")
    settings = DecodeSettings(figure_path=figure.path, colormap="viridis",
                              vmin=float(np.nanmin(grid)), vmax=float(np.nanmax(grid)),
                              gcp_crs="EPSG:4326",
                              plot_area_extent=(left, right, bottom, top))
    result = decode_map(settings)
    assert result.plot_box == figure.plot_box
    x0, size, _, y0, _, negative = result.grid.geotransform
    assert x0 == pytest.approx(left) and y0 == pytest.approx(top)
    rows, cols = np.nonzero(np.isfinite(result.values))
    mx, my = x0 + (cols + 0.5) * size, y0 + (rows + 0.5) * negative
    # Back to figure pixels, and the truth there.
    truth = figure.truth_at_pixels((mx - origin_x) / size_x, (origin_y - my) / size_y)
    error = np.abs(result.values[rows, cols] - truth)
    value_range = np.nanmax(grid) - np.nanmin(grid)
    assert np.nanmedian(error) / value_range <= 0.002


def test_outputs_get_the_usual_permissions(tmp_path):
    path = tmp_path / "out.tif"
    write_geotiff(str(path), [np.ones((3, 3))], (0, 1, 0, 3, 0, -1), UTM32)
    umask = os.umask(0)
    os.umask(umask)
    assert (path.stat().st_mode & 0o777) == (0o666 & ~umask)
