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


@pytest.mark.parametrize("shape", [(1, 1), (1, 9), (9, 1), (2, 2), (3, 70000 // 3 + 5),
                                   (131, 517)])
def test_denoise_3x3_is_scipys_median_filter_bit_for_bit(shape):
    """The 3 × 3 median through sorted columns, in blocks of rows: scipy's median_filter
    (mode "nearest") on every channel, also on one-pixel-wide figures, blocks cut mid-figure,
    few levels (ties) and many."""
    from scipy.ndimage import median_filter

    from colormap_decoder.plugin.engine.colour_decoding import denoise

    rng = np.random.default_rng(sum(shape))
    for levels in (2, 3, 256):
        rgb = rng.integers(0, levels, shape + (3,), dtype=np.uint8)
        stacked = np.stack([median_filter(rgb[..., band], size=3, mode="nearest")
                            for band in range(3)], axis=-1)
        assert np.array_equal(denoise(rgb), stacked)


def test_denoised_figure_read_where_needed_is_the_denoised_copy():
    """colour_decoding.DenoisedRGB: every way the decoding reads it (windows, blocks of rows,
    index arrays, steps) gives the pixels of the whole denoised copy, on a real figure."""
    from colormap_decoder.plugin.engine.colour_decoding import DenoisedRGB, denoise
    from colormap_decoder.plugin.engine.figure import read_figure

    rgb = read_figure(str(SAMPLE / "vinschgau_viridis.png")).rgb
    whole = denoise(rgb)
    lazy = DenoisedRGB(rgb)
    assert lazy.shape == whole.shape and np.array_equal(np.asarray(lazy), whole)
    rng = np.random.default_rng(5)
    rows, cols = rgb.shape[:2]
    for top, bottom, left, right in [(0, rows, 0, cols), (1, rows - 1, 0, cols),
                                     (37, 300, 5, cols - 3), (rows - 1, rows, 0, 1)]:
        window = lazy.window(slice(top, bottom), slice(left, right))
        expected = whole[top:bottom, left:right]
        assert np.array_equal(window[:, :], expected)
        assert np.array_equal(window[3:40], expected[3:40])
        r = rng.integers(0, bottom - top, 500)
        c = rng.integers(0, right - left, 500)
        assert np.array_equal(window[r, c], expected[r, c])
    assert np.array_equal(lazy[::7, ::3], whole[::7, ::3])


def test_denoise_decodes_as_the_denoised_copy_did():
    """DENOISE through the figure filtered where read: values, distance and study the same
    bit for bit as decoding the whole denoised copy (the engine before)."""
    from colormap_decoder.plugin.engine import pipeline as engine
    from colormap_decoder.plugin.engine.colour_decoding import denoise

    lazy = decode_map(settings(denoise=True, distance_output=True))
    original = engine.DenoisedRGB
    engine.DenoisedRGB = denoise
    try:
        copied = decode_map(settings(denoise=True, distance_output=True))
    finally:
        engine.DenoisedRGB = original
    assert np.array_equal(lazy.field.values, copied.field.values, equal_nan=True)
    assert lazy.distance is not None
    assert np.array_equal(lazy.distance, copied.distance, equal_nan=True)
    assert np.array_equal(lazy.values, copied.values, equal_nan=True)
    assert lazy.decoder.figure_study.threshold == copied.decoder.figure_study.threshold
    assert np.array_equal(lazy.points.clusters.value, copied.points.clusters.value)


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


@pytest.mark.parametrize("scale", ["colormap", "colorbar"])
def test_vmin_above_vmax_reads_a_reversed_colour_scale(tmp_path, scale):
    """A figure drawn with viridis reversed (its colorbar's bottom, the low values, yellow):
    a user who knows it as 'viridis' gives the value at viridis's first colour, the high one,
    as VMIN. That is the reversed scale: decoded exactly as 'viridis_r' from low to high (or
    the COLORBAR box sampled with COLORBAR_FLIP), values right, and the log says so."""
    from figures_for_tests import data_pixels, jacksboro_dem, render_grid

    grid, extent = jacksboro_dem()
    low, high = float(np.nanmin(grid)), float(np.nanmax(grid))
    figure = render_grid(grid, extent, tmp_path / "reversed.png", cmap="viridis_r")
    gcps = figure.gcps_csv(tmp_path / "gcps.csv")
    common = dict(figure_path=figure.path, gcps_path=str(gcps), gcp_crs="EPSG:4326",
                  plot_area_extent=figure.layer_extent(figure.plot_box))
    if scale == "colormap":
        reversed_by_range = dict(colormap="viridis", vmin=high, vmax=low)
        reversed_by_name = dict(colormap="viridis_r", vmin=low, vmax=high)
    else:
        # matplotlib draws the low end at the bottom: the box's first colour (top) is the
        # high end unless flipped.
        bar = figure.layer_extent(figure.colorbar_box)
        reversed_by_range = dict(colormap="", colorbar_extent=bar, colorbar_flip=True,
                                 vmin=high, vmax=low)
        reversed_by_name = dict(colormap="", colorbar_extent=bar, colorbar_flip=False,
                                vmin=low, vmax=high)
    messages = []
    result = decode_map(DecodeSettings(**common, **reversed_by_range), log=messages.append)
    expected = decode_map(DecodeSettings(**common, **reversed_by_name))
    said = [m for m in messages if "read as a reversed colour scale" in m]
    assert len(said) == 1 and f"VMIN = {high:g} is above VMAX = {low:g}" in said[0]
    assert (result.mapping.vmin, result.mapping.vmax) == (low, high)
    assert np.array_equal(result.values, expected.values, equal_nan=True)
    # And the values are the grid's: within 1 % of the range on the clean data pixels.
    rows, cols = np.nonzero(data_pixels(figure))
    truth = figure.truth_at_pixels(cols + 0.5, rows + 0.5)
    decoded = result.field.values[rows, cols]
    known = np.isfinite(truth) & np.isfinite(decoded)
    assert known.mean() > 0.9
    assert np.mean(np.abs(decoded[known] - truth[known]) <= 0.01 * (high - low)) > 0.97


def test_vmin_above_vmax_without_a_named_scale_or_with_levels_is_refused():
    """Where the direction cannot be the user's (the figure's own colorbar, whose labels say
    it; LEVELS, boundaries from lowest to highest), VMIN above VMAX is refused naming both
    and saying what to do."""
    for values in (dict(colormap=""), dict(levels=(0.0, 1000.0, 4000.0))):
        with pytest.raises(EngineError) as raised:
            decode_map(settings(vmin=4000.0, vmax=0.0, **values))
        message = str(raised.value)
        assert raised.value.parameter == "VMIN"
        assert "VMIN = 4000 is above VMAX = 0" in message and "'viridis_r'" in message


def test_a_figure_far_from_its_colour_scale_is_warned_about(tmp_path):
    """A grey picture of the sample decoded as viridis: its pixels' usual distance to the scale
    pushed the threshold to its cap and 96 % of them came back as values without a word. Now
    the run says the figure does not look drawn with that scale; the sample itself does not."""
    from PIL import Image

    grey = tmp_path / "grey.png"
    with Image.open(SAMPLE / "vinschgau_viridis.png") as image:
        image.convert("LA").save(grey)
    far = decode_map(settings(figure_path=str(grey)))
    said = [w for w in far.warnings if "lie far from the colour scale" in w]
    assert len(said) == 1, far.warnings
    assert "'matplotlib:viridis'" in said[0] and "give it as COLORMAP" in said[0]
    assert not [w for w in decode_map(settings()).warnings if "far from the colour scale" in w]
    # Set by the user, the threshold is the user's: no warning.
    assert not [w for w in decode_map(settings(figure_path=str(grey), max_color_distance=40.0))
                .warnings if "far from the colour scale" in w]
