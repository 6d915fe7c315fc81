"""The whole job without QGIS, on the bundled sample: masks, denoising, colorbar inside the map."""
from pathlib import Path

import numpy as np
import pytest

from colormap_decoder.plugin.engine.errors import EngineError, GcpError
from colormap_decoder.plugin.engine.pipeline import DecodeSettings, decode_map
from colormap_decoder.plugin.engine.regions import polygons_mask

SAMPLE = Path(__file__).resolve().parents[2] / "sample"


def settings(**overrides):
    values = dict(figure_path=str(SAMPLE / "vinschgau_viridis.png"), colormap="viridis", vmin=0,
                  vmax=4000, plot_area_extent=(112, 672, -518, -87),
                  gcps_path=str(SAMPLE / "vinschgau_viridis.png.points"))
    values.update(overrides)
    return DecodeSettings(**values)


def test_mask_polygons_become_nodata():
    square = "POLYGON((200 -200, 300 -200, 300 -300, 200 -300, 200 -200))"
    plain = decode_map(settings())
    masked = decode_map(settings(mask_geometries=(square,)))
    assert np.isfinite(plain.field.values[200:300, 200:300]).mean() > 0.8
    assert np.isnan(masked.field.values[200:300, 200:300]).all()
    outside = np.ones(masked.field.values.shape, bool)
    outside[199:301, 199:301] = False
    assert np.array_equal(np.isfinite(masked.field.values[outside]),
                          np.isfinite(plain.field.values[outside]))


def test_polygons_mask_frame_and_bad_wkt():
    mask = polygons_mask(["POLYGON((2 -1, 4 -1, 4 -3, 2 -3, 2 -1))", "LINESTRING(0 0, 1 1)"],
                         (5, 6))
    assert mask[1:3, 2:4].all() and mask.sum() <= 9
    with pytest.raises(EngineError, match="MASK"):
        polygons_mask(["POLYGON((oops"], (5, 6))


def test_colorbar_inside_the_plot_area_is_not_data():
    # The whole figure as plot area: the colorbar lies inside it and must still be left out.
    result = decode_map(settings(plot_area_extent=None, colormap="",
                                 colorbar_extent=(700, 720, -518, -87)))
    assert np.isnan(result.field.values[87:518, 697:723]).all()
    assert np.isfinite(result.field.values[100:500, 120:660]).mean() > 0.85


def test_denoising_keeps_a_clean_figure_accurate():
    plain = decode_map(settings())
    smoothed = decode_map(settings(denoise=True))
    both = np.isfinite(plain.field.values) & np.isfinite(smoothed.field.values)
    assert np.median(np.abs(plain.field.values[both] - smoothed.field.values[both])) <= 4000 / 256


def test_denoise_filters_each_channel_in_place_as_a_stack_of_filtered_channels():
    """Each channel median-filtered into its place in one result (no per-channel copies
    stacked): the pixels of filtering each channel on its own and stacking them."""
    from scipy.ndimage import median_filter

    from colormap_decoder.plugin.engine.colour_decoding import denoise
    from colormap_decoder.plugin.engine.figure import read_figure

    rgb = read_figure(str(SAMPLE / "vinschgau_viridis.png")).rgb
    stacked = np.stack([median_filter(rgb[..., band], size=3, mode="nearest")
                        for band in range(3)], axis=-1)
    filtered = denoise(rgb)
    assert filtered.dtype == np.uint8 and filtered.shape == rgb.shape
    assert np.array_equal(filtered, stacked)
    assert not np.array_equal(filtered, rgb)


def test_missing_crs_and_missing_range_are_explained(tmp_path):
    csv = tmp_path / "gcps.csv"
    csv.write_text("pixel_x,pixel_y,map_x,map_y\n128,504.5,600000,5146000\n"
                   "659.43,504.5,660000,5146000\n128,97.07,600000,5192000\n")
    with pytest.raises(GcpError, match="GCP_CRS"):
        decode_map(settings(gcps_path=str(csv)))
    # A missing VMIN is read off the sample's colorbar labels (issue 17); the given VMAX wins.
    result = decode_map(settings(vmin=None))
    assert abs(result.mapping.vmin - 0) <= 0.005 * 4000 and result.mapping.vmax == 4000
    assert any(m.startswith("Value range read from the colorbar") for m in result.messages)


def test_points_file_made_on_a_georeferenced_figure_uses_its_coordinates(tmp_path):
    """The Georeferencer shows a georeferenced image in its own coordinates and saves those."""
    from colormap_decoder.plugin.engine.gcps import read_gcps

    figure = tmp_path / "figure.png"
    figure.write_bytes((SAMPLE / "vinschgau_viridis.png").read_bytes())
    # A world file putting the image 10 units per pixel east of 1000, south of 5000.
    (tmp_path / "figure.pgw").write_text("10\n0\n0\n-10\n1005\n4995\n")
    sample = read_gcps(str(SAMPLE / "vinschgau_viridis.png.points"))
    lines = ["mapX,mapY,sourceX,sourceY,enable,dX,dY,residual"]
    for (x, y), (mx, my) in zip(sample.pixel, sample.map):
        lines.append(f"{mx!r},{my!r},{1000 + 10 * x!r},{5000 - 10 * y!r},1,0,0,0")
    points = tmp_path / "figure.png.points"
    points.write_text("\n".join(lines) + "\n")
    on_file = decode_map(settings(figure_path=str(figure), gcps_path=str(points), gcp_crs="EPSG:32632",
                                  plot_area_extent=(1000 + 10 * 112, 1000 + 10 * 672,
                                                    5000 - 10 * 518, 5000 - 10 * 87)))
    plain = decode_map(settings(gcp_crs="EPSG:32632"))
    assert on_file.grid.geotransform == pytest.approx(plain.grid.geotransform)
    assert np.array_equal(np.isfinite(on_file.values), np.isfinite(plain.values))


def test_suspicious_gcp_is_reported(tmp_path):
    from colormap_decoder.plugin.engine.gcps import read_gcps, write_points_file

    gcps = read_gcps(str(SAMPLE / "vinschgau_viridis.png.points"))
    gcps.map[4, 1] += 10_000  # a typo in one northing
    path = tmp_path / "typo.points"
    write_points_file(str(path), gcps)
    result = decode_map(settings(gcps_path=str(path)))
    assert any("typo" in w and gcps.labels[4].split(" (")[0] in w for w in result.warnings)


def test_jpeg_figures_are_matched_in_jpeg_colour_space(tmp_path):
    from PIL import Image

    jpeg = tmp_path / "figure.jpg"
    Image.open(SAMPLE / "vinschgau_viridis.png").convert("RGB").save(jpeg, quality=75)
    messages = []
    result = decode_map(settings(figure_path=str(jpeg)), log=messages.append)
    assert result.decoder.match_space == "ycbcr"
    assert any("Y′CbCr" in m for m in messages)
    assert decode_map(settings()).decoder.match_space == "srgb"
    assert decode_map(settings(figure_path=str(jpeg), match_space="cielab")).decoder.match_space \
        == "cielab"
