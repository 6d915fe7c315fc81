"""Decoding accuracy on real grids rendered by matplotlib, against the grids themselves.

Errors are fractions of the value range, measured on pixels at least 2 px from the axes edge and
from any line or text. A 256-colour matplotlib colormap resolves 1/256 ≈ 0.4 % of the range, so a
correct decoder's median error is about a quarter of that.
"""
import numpy as np
import pytest
from figures_for_tests import data_pixels, jacksboro_dem, render_grid, topobathy

from colormap_decoder.plugin.engine.colour_decoding import ColourDecoder, ValueMapping, srgb_to_lab
from colormap_decoder.plugin.engine.colour_scales import (
    colour_scale_from_samples,
    resolve_colour_scale,
    sample_colorbar,
)
from colormap_decoder.plugin.engine.errors import ColourScaleError, EngineError
from colormap_decoder.plugin.engine.figure import read_figure
from colormap_decoder.plugin.engine.regions import box_mask

MAX_DISTANCE = 12.0


def decode(figure, scale, mapping, examine_box=None, match_space="cielab"):
    rgb = read_figure(figure.path).rgb
    examine = box_mask(rgb.shape[:2], examine_box or figure.plot_box)
    return ColourDecoder(scale, mapping, match_space).decode_image(rgb, examine, MAX_DISTANCE)


def relative_errors(figure, decoded, mapping):
    """|decoded - truth| / range on clean data pixels, and the share of them left undecoded."""
    rows, cols = np.nonzero(data_pixels(figure))
    truth = figure.truth_at_pixels(cols + 0.5, rows + 0.5)
    known = np.isfinite(truth)
    values = decoded.values[rows[known], cols[known]]
    missing = np.isnan(values)
    error = np.abs(values[~missing] - truth[known][~missing]) / (mapping.vmax - mapping.vmin)
    return error, missing.mean()


@pytest.fixture(scope="module")
def dem():
    return jacksboro_dem()


@pytest.mark.parametrize("cmap", ["viridis", "jet", "RdBu_r", "cividis", "turbo"])
def test_png_named_colormap_meets_the_accuracy_targets(tmp_path, dem, cmap):
    grid, extent = dem
    figure = render_grid(grid, extent, tmp_path / f"{cmap}.png", cmap=cmap)
    mapping = ValueMapping(float(np.nanmin(grid)), float(np.nanmax(grid)))
    decoded = decode(figure, resolve_colour_scale(cmap), mapping)
    error, missing = relative_errors(figure, decoded, mapping)
    assert np.median(error) <= 0.002
    assert np.percentile(error, 95) <= 0.01
    assert missing <= 0.01


def test_text_lines_and_background_are_masked(tmp_path, dem):
    grid, extent = dem
    figure = render_grid(grid, extent, tmp_path / "masking.png", cmap="viridis")
    rgb = read_figure(figure.path).rgb
    everything_but_colorbar = ~box_mask(rgb.shape[:2], figure.colorbar_box, margin=3)
    mapping = ValueMapping(float(np.nanmin(grid)), float(np.nanmax(grid)))
    decoded = ColourDecoder(resolve_colour_scale("viridis"), mapping).decode_image(
        rgb, everything_but_colorbar, MAX_DISTANCE)
    outside_axes = everything_but_colorbar & ~box_mask(rgb.shape[:2], figure.plot_box, margin=1)
    assert np.isnan(decoded.values[outside_axes]).mean() >= 0.99
    # Cores of the black contour lines and of the label inside the axes.
    line_cores = figure.annotation & (rgb.max(axis=2) < 40)
    assert line_cores.sum() > 500
    assert np.isnan(decoded.values[line_cores]).mean() >= 0.99


@pytest.mark.parametrize("cmap", ["viridis", "jet", "cividis", "RdBu_r"])
def test_jpeg_quality_75_median_error_within_one_percent(tmp_path, dem, cmap):
    grid, extent = dem
    figure = render_grid(grid, extent, tmp_path / "figure.jpg", cmap=cmap, jpeg_quality=75)
    mapping = ValueMapping(float(np.nanmin(grid)), float(np.nanmax(grid)))
    scale = resolve_colour_scale(cmap)
    jpeg_space = decode(figure, scale, mapping, match_space="ycbcr")
    error, missing = relative_errors(figure, jpeg_space, mapping)
    assert np.median(error) <= 0.01
    assert missing <= 0.01
    # JPEG's errors are even in its own Y'CbCr, not in CIELAB: matching there is closer.
    lab_error, _ = relative_errors(figure, decode(figure, scale, mapping), mapping)
    assert np.median(error) < np.median(lab_error)


def test_distance_is_cielab_whatever_the_matching_space(tmp_path, dem):
    colours = np.array([[68, 1, 84], [33, 145, 140], [253, 231, 37], [0, 0, 0], [255, 255, 255]],
                       np.uint8)
    scale = resolve_colour_scale("viridis")
    lab = ColourDecoder(scale, ValueMapping(0, 1)).decode_colours(colours)
    ycc = ColourDecoder(scale, ValueMapping(0, 1), "ycbcr").decode_colours(colours)
    # Colours on the scale: same value, distance ~0 in both; off the scale: far in both.
    assert np.allclose(lab[0][:3], ycc[0][:3], atol=0.01)
    assert np.all(lab[1][:3] < 1) and np.all(ycc[1][:3] < 1)
    assert np.all(lab[1][3:] > 12) and np.all(ycc[1][3:] > 12)


@pytest.mark.parametrize("cmap", ["viridis", "jet", "RdBu_r"])
def test_colorbar_sampled_scale_is_nearly_as_good_as_the_named_one(tmp_path, dem, cmap):
    grid, extent = dem
    figure = render_grid(grid, extent, tmp_path / f"{cmap}.png", cmap=cmap)
    mapping = ValueMapping(float(np.nanmin(grid)), float(np.nanmax(grid)))
    named_error, _ = relative_errors(figure, decode(figure, resolve_colour_scale(cmap), mapping),
                                     mapping)
    rgb = read_figure(figure.path).rgb
    col0, row0, col1, row1 = figure.colorbar_box
    # A box drawn a little loosely around the bar, as a user draws it.
    fractions, samples = sample_colorbar(rgb, (col0 - 2, row0 - 3, col1 + 2, row1 + 3))
    sampled = decode(figure, colour_scale_from_samples(samples, positions=fractions), mapping)
    sampled_error, missing = relative_errors(figure, sampled, mapping)
    assert np.median(sampled_error) <= 1.5 * np.median(named_error)
    assert np.percentile(sampled_error, 95) <= 0.01
    assert missing <= 0.01


def test_a_bar_sampled_off_a_lossless_figure_puts_each_table_entry_at_its_middle(tmp_path):
    """A bar drawn from a 256-entry table repeats each entry's colour over several samples; the
    exact-colour lookup gives such a colour the middle of its run (the curve gives any of them,
    up to a whole step off). Cell by cell (nearest), each pixel is one entry: its error is at most
    about half a step, plus the bar's own placement."""
    grid, extent = topobathy()
    figure = render_grid(grid, extent, tmp_path / "cells.png", cmap="cividis",
                         interpolation="nearest", overlays=False)
    mapping = ValueMapping(float(np.nanmin(grid)), float(np.nanmax(grid)))
    rgb = read_figure(figure.path).rgb
    fractions, samples = sample_colorbar(rgb, figure.colorbar_box)
    decoder = ColourDecoder(colour_scale_from_samples(samples, positions=fractions), mapping,
                            "srgb")
    assert decoder.uses_exact_colours
    decoded = decoder.decode_image(rgb, box_mask(rgb.shape[:2], figure.plot_box), None)
    error, missing = relative_errors(figure, decoded, mapping)
    step = 1 / 256
    # Measured: median 0.62, p95 1.14 steps (without the lookup 0.77 and 1.60).
    assert np.median(error) <= 0.7 * step
    assert np.percentile(error, 95) <= 1.25 * step
    assert missing <= 0.02


def test_sample_colorbar_runs_low_to_high_for_both_orientations(tmp_path, dem):
    grid, extent = dem
    vertical = render_grid(grid, extent, tmp_path / "v.png", cmap="viridis", overlays=False)
    rgb = read_figure(vertical.path).rgb
    fractions, samples = sample_colorbar(rgb, vertical.colorbar_box)
    assert fractions[0] < 0.01 and fractions[-1] > 0.99 and np.all(np.diff(fractions) > 0)
    viridis = resolve_colour_scale("viridis")
    assert np.linalg.norm(srgb_to_lab(samples[0]) - srgb_to_lab(viridis.colour_at([0])[0])) < 3
    assert np.linalg.norm(srgb_to_lab(samples[-1]) - srgb_to_lab(viridis.colour_at([1])[0])) < 3
    # The same bar turned horizontal: low end on the left.
    horizontal = np.ascontiguousarray(np.rot90(rgb, k=-1))
    rows = rgb.shape[0]
    col0, row0, col1, row1 = vertical.colorbar_box
    rotated_box = (rows - row1, col0, rows - row0, col1)
    _, turned = sample_colorbar(horizontal, rotated_box)
    assert np.allclose(turned[[0, -1]], samples[[0, -1]], atol=0.02)
    flipped_fractions, flipped = sample_colorbar(rgb, vertical.colorbar_box, flip=True)
    assert np.allclose(flipped[0], samples[-1])
    assert np.allclose(flipped_fractions, 1 - fractions[::-1])


def test_colorbar_box_without_gradient_is_refused(tmp_path, dem):
    grid, extent = dem
    figure = render_grid(grid, extent, tmp_path / "plain.png", cmap="viridis", overlays=False)
    rgb = read_figure(figure.path).rgb
    with pytest.raises(Exception, match="gradient|too few|too small"):
        sample_colorbar(rgb, (5, 5, 60, 25))  # white margin of the figure


def test_logarithmic_figure_decodes_to_the_right_decades(tmp_path):
    topo, extent = topobathy()
    # A positive field spanning four decades, from the real topography.
    field = 10.0 ** (1 + 4 * (topo - topo.min()) / (topo.max() - topo.min()))
    figure = render_grid(field, extent, tmp_path / "log.png", cmap="magma", vmin=10, vmax=1e5,
                         log=True)
    mapping = ValueMapping(10.0, 1e5, logarithmic=True)
    decoded = decode(figure, resolve_colour_scale("magma"), mapping)
    rows, cols = np.nonzero(data_pixels(figure))
    truth = figure.truth_at_pixels(cols + 0.5, rows + 0.5)
    values = decoded.values[rows, cols]
    good = np.isfinite(values) & np.isfinite(truth)
    assert good.mean() > 0.98
    # Within a decade everywhere, and close in log10 space (4 decades over 256 colours).
    assert np.all(np.floor(np.log10(values[good])) - np.floor(np.log10(truth[good])) <= 1)
    log_error = np.abs(np.log10(values[good]) - np.log10(truth[good]))
    assert np.median(log_error) <= 0.002 * 4 + 0.01


def test_contour_filled_figure_decodes_to_classes(tmp_path, dem):
    grid, extent = dem
    levels = tuple(np.linspace(np.nanmin(grid), np.nanmax(grid), 9))
    figure = render_grid(grid, extent, tmp_path / "classes.png", cmap="viridis", levels=levels,
                         overlays=False)
    mapping = ValueMapping(levels[0], levels[-1], levels=levels)
    decoder = ColourDecoder(resolve_colour_scale("viridis"), mapping)
    assert decoder.is_discrete
    rgb = read_figure(figure.path).rgb
    decoded = decoder.decode_image(rgb, box_mask(rgb.shape[:2], figure.plot_box), MAX_DISTANCE)
    rows, cols = np.nonzero(data_pixels(figure, margin=3))
    truth = figure.truth_at_pixels(cols + 0.5, rows + 0.5)
    true_class = np.clip(np.searchsorted(levels, truth, side="right") - 1, 0, len(levels) - 2)
    # Pixels within a pixel's worth of value from a class boundary may fall either way.
    step = np.nanmax(np.abs(np.gradient(grid))) / 2
    clear = np.min(np.abs(truth[:, None] - np.asarray(levels)[None, :]), axis=1) > step
    got = decoded.class_index[rows, cols]
    assert (got[clear] == true_class[clear]).mean() >= 0.98
    midpoints = (np.asarray(levels[:-1]) + np.asarray(levels[1:])) / 2
    assert np.allclose(decoded.values[rows, cols][clear & (got >= 0)],
                       midpoints[got[clear & (got >= 0)]])


@pytest.mark.parametrize("ends", ["wider", "one class below VMIN"])
def test_levels_inside_a_wider_vmin_vmax_decode_as_contourf_drew_them(tmp_path, dem, ends):
    """contourf(levels=..., vmin=..., vmax=...) paints each class with the colormap's colour at
    its midpoint between VMIN and VMAX (a class beyond VMIN with the first colour): LEVELS with
    the figure's VMIN and VMAX decode to the right classes; the same LEVELS with the colormap's
    ends put at the first and last boundary (VMIN and VMAX left empty) do not."""
    from colormap_decoder.plugin.engine.validation import check_levels_within_range

    grid, extent = dem
    levels = tuple(np.linspace(np.nanmin(grid), np.nanmax(grid), 9))
    step = levels[1] - levels[0]
    if ends == "wider":
        # Only the colormap's middle: its darkest and brightest colours kept off the map.
        vmin, vmax = levels[0] - 2 * step, levels[-1] + step
    else:
        vmin, vmax = levels[1] - 0.25 * step, levels[-1]
    check_levels_within_range(vmin, vmax, levels)  # accepted
    figure = render_grid(grid, extent, tmp_path / "classes.png", cmap="viridis", levels=levels,
                         overlays=False, levels_range=(vmin, vmax))
    rgb = read_figure(figure.path).rgb
    rows, cols = np.nonzero(data_pixels(figure, margin=3))
    truth = figure.truth_at_pixels(cols + 0.5, rows + 0.5)
    true_class = np.clip(np.searchsorted(levels, truth, side="right") - 1, 0, len(levels) - 2)
    pixel_step = np.nanmax(np.abs(np.gradient(grid))) / 2
    clear = np.min(np.abs(truth[:, None] - np.asarray(levels)[None, :]), axis=1) > pixel_step
    right = {}
    for name, (low, high) in (("figure's", (vmin, vmax)), ("levels'", (levels[0], levels[-1]))):
        decoder = ColourDecoder(resolve_colour_scale("viridis"),
                                ValueMapping(low, high, levels=levels))
        decoded = decoder.decode_image(rgb, box_mask(rgb.shape[:2], figure.plot_box),
                                       MAX_DISTANCE)
        right[name] = (decoded.class_index[rows, cols][clear] == true_class[clear]).mean()
    assert right["figure's"] >= 0.98, right
    assert right["levels'"] < 0.8, right


def test_levels_that_vmin_vmax_cannot_colour_are_refused_naming_both():
    """Classes beyond VMIN..VMAX all take the colormap's end colour: two or more beyond the same
    end, or LEVELS wholly outside (other units), cannot be decoded."""
    from colormap_decoder.plugin.engine.validation import check_levels_within_range

    refusals = {
        "outside": ((0.0, 4000.0), (5000.0, 6000.0, 7000.0), ["lie above the range VMIN..VMAX (0 to 4000)"]),
        "units": ((0.0, 4000.0), (-9.0, -5.0, -1.0), ["lie below"]),
        "two below": ((1000.0, 4000.0), (0.0, 400.0, 800.0, 2000.0, 4000.0),
                      ["2 classes (0 to 400, 400 to 800) have their midpoints beyond VMIN = 1000",
                       "first colour"]),
        "two above": ((0.0, 3000.0), (0.0, 1000.0, 3500.0, 4000.0, 4500.0),
                      ["beyond VMAX = 3000", "last colour"]),
    }
    for name, ((vmin, vmax), levels, words) in refusals.items():
        with pytest.raises(EngineError) as raised:
            check_levels_within_range(vmin, vmax, levels)
        message = str(raised.value)
        assert raised.value.parameter == "LEVELS", name
        for word in words + ["Give VMIN and VMAX", "leave them empty", "correct LEVELS"]:
            assert word in message, (name, message)
    # LEVELS in km against VMIN..VMAX in m: all inside, but painted with one colour.
    with pytest.raises(EngineError) as raised:
        ColourDecoder(resolve_colour_scale("viridis"),
                      ValueMapping(0.0, 4000.0, levels=(0.0, 1.0, 2.0, 3.0, 4.0)))
    message = str(raised.value)
    assert raised.value.parameter == "LEVELS"
    assert "classes 0 to 1 and 1 to 2 would be painted with almost the same colour" in message
    assert "same units" in message and "leave them empty" in message
    # On a logarithmic scale the midpoints are geometric: 10..1000 has its midpoint at 100.
    check_levels_within_range(100.0, 1e4, (10.0, 1000.0, 1e4), logarithmic=True)
    with pytest.raises(EngineError, match="beyond VMIN = 200"):
        check_levels_within_range(200.0, 1e4, (1.0, 10.0, 1000.0, 1e4), logarithmic=True)


def test_each_distinct_colour_is_decoded_once(tmp_path, dem, monkeypatch):
    grid, extent = dem
    figure = render_grid(grid, extent, tmp_path / "count.png", cmap="viridis")
    rgb = read_figure(figure.path).rgb
    decoder = ColourDecoder(resolve_colour_scale("viridis"), ValueMapping(0, 1))
    seen = []
    original = decoder.decode_colours
    monkeypatch.setattr(decoder, "decode_colours", lambda colours: seen.append(len(colours))
                        or original(colours))
    decoder.decode_image(rgb, chunk_pixels=100_000)
    distinct = len(np.unique(rgb.reshape(-1, 3), axis=0))
    assert seen == [distinct]


def test_value_mapping_rejects_bad_ranges():
    with pytest.raises(ColourScaleError, match="VMIN"):
        ValueMapping(5, 5)
    with pytest.raises(ColourScaleError, match="logarithmic"):
        ValueMapping(0, 10, logarithmic=True)
    with pytest.raises(ColourScaleError, match="LEVELS"):
        ValueMapping(0, 10, levels=(0, 5, 3))


def test_lab_conversion_matches_reference_values():
    # CIE reference: sRGB white is L*=100, a*=b*=0; pure red is (53.24, 80.09, 67.20).
    assert np.allclose(srgb_to_lab([1, 1, 1]), [100, 0, 0], atol=0.01)
    assert np.allclose(srgb_to_lab([1, 0, 0]), [53.24, 80.09, 67.20], atol=0.05)


@pytest.mark.parametrize("spec, build", [
    ("colorcet:fire", lambda: __import__("colorcet").cm["fire"]),
    ("cpt-city:gmt/GMT_haxby", None),
    ("qgis:Spectral", None),
])
def test_other_colormap_sources_decode_figures_drawn_with_them(tmp_path, dem, spec, build):
    """A figure drawn by matplotlib with a colormap of another source, decoded by its name."""
    from matplotlib.colors import LinearSegmentedColormap, ListedColormap

    grid, extent = dem
    scale = resolve_colour_scale(spec)
    assert scale.name.split(":")[0] == spec.split(":")[0]
    if build is not None:
        cmap = build()
    elif scale.discrete:
        cmap = ListedColormap(scale.colours)
    else:
        cmap = LinearSegmentedColormap.from_list(spec, list(zip(scale.positions, scale.colours)), N=256)
    figure = render_grid(grid, extent, tmp_path / "figure.png", cmap=cmap)
    mapping = ValueMapping(float(np.nanmin(grid)), float(np.nanmax(grid)))
    decoded = decode(figure, scale, mapping)
    error, missing = relative_errors(figure, decoded, mapping)
    if scale.discrete:
        # Bands: the value is the band's midpoint, at most half a band from the truth.
        assert np.percentile(error, 95) <= 0.5 / scale.band_count + 0.002
    else:
        assert np.median(error) <= 0.002
        assert np.percentile(error, 95) <= 0.01
    assert missing <= 0.01


def test_discrete_colorbar_keeps_its_end_classes(tmp_path, dem):
    """A class edge near an end of the bar is a colour jump too: it must not be cut as frame."""
    from matplotlib import colormaps

    grid, extent = dem
    twenty = colormaps["viridis"].resampled(20)
    figure = render_grid(grid, extent, tmp_path / "classes.png", cmap=twenty, overlays=False)
    rgb = read_figure(figure.path).rgb
    fractions, samples = sample_colorbar(rgb, figure.colorbar_box)
    classes = twenty(np.arange(20))[:, :3]
    found = np.min(np.abs(samples[None, :, :] - classes[:, None, :]).max(axis=2), axis=1)
    assert np.all(found < 2 / 255)  # all 20 classes, the end ones included
    assert fractions[0] < 0.01 and fractions[-1] > 0.99
    # Each sampled class colour sits where matplotlib put it along the bar.
    expected = twenty(np.clip(fractions, 0, 0.999999))[:, :3]
    assert np.mean(np.all(np.abs(samples - expected) < 2 / 255, axis=1)) > 0.95


def test_many_colours_are_decoded_in_blocks_with_the_same_result(monkeypatch):
    from colormap_decoder.plugin.engine import colour_decoding

    colours = np.random.default_rng(3).integers(0, 256, (5000, 3), dtype=np.uint8)
    decoder = ColourDecoder(resolve_colour_scale("viridis"), ValueMapping(0, 1))
    whole = decoder.decode_colours(colours)
    monkeypatch.setattr(colour_decoding, "COLOUR_BLOCK", 700)
    blocks = decoder.decode_colours(colours)
    assert np.array_equal(whole[0], blocks[0]) and np.array_equal(whole[1], blocks[1])


def test_gmt_hard_hinge_keeps_sea_level_when_the_range_is_stretched(tmp_path):
    """geo.cpt hinges land and sea colours at 0; VMIN/VMAX stretch each side on its own, as
    GMT's makecpt -T does."""
    from colormap_decoder.plugin.engine.colour_scales import read_cpt
    from colormap_decoder.plugin.engine.pipeline import DecodeSettings, build_value_mapping

    scale = read_cpt("/usr/share/gmt/cpt/gmt/geo.cpt")
    assert scale.hinge == 0.0
    mapping = build_value_mapping(DecodeSettings("unused.png", vmin=-6000, vmax=2000), scale)
    hinge_fraction = (0 - scale.value_range[0]) / (scale.value_range[1] - scale.value_range[0])
    assert mapping.to_value([0, hinge_fraction, 1]) == pytest.approx([-6000, 0, 2000])
    assert mapping.to_value(hinge_fraction / 2) == pytest.approx(-3000)
    assert mapping.to_value((1 + hinge_fraction) / 2) == pytest.approx(1000)
    assert mapping.to_fraction([-3000, 1000]) == pytest.approx(
        [hinge_fraction / 2, (1 + hinge_fraction) / 2])
    # The colours just below and above the hinge decode to just below and above sea level.
    decoder = ColourDecoder(scale, mapping)
    below, above = scale.colour_at([hinge_fraction - 0.01, hinge_fraction + 0.01])
    values, _, _ = decoder.decode_colours(np.round(np.array([below, above]) * 255).astype(np.uint8))
    assert values[0] < 0 < values[1]


def test_each_matcher_inverts_its_own_colours_and_the_decoder_uses_the_one_it_chose():
    """The two matchers behind the decoder, on the colours matplotlib draws: every entry of
    viridis's 256-entry table comes back in its own step of the range; every contourf class
    colour comes back as its class, a figure's non-data colour as no class."""
    from colormap_decoder.plugin.engine.colour_decoding import (
        ClassMatcher,
        CurveMatcher,
        FigureColours,
    )

    viridis = resolve_colour_scale("viridis")
    # matplotlib draws entry i (i / 256 <= fraction < (i + 1) / 256) truncated to 8 bits.
    drawn = (np.asarray(viridis.colour_at((np.arange(256) + 0.5) / 256)) * 255 + 1e-7).astype(np.uint8)
    no_figure = FigureColours(np.nan, np.zeros((0, 3)), "floor")
    curve = CurveMatcher(viridis, ValueMapping(0.0, 256.0), "srgb")
    values, distance, index = curve.match(drawn, no_figure)
    assert index is None and not curve.discrete and curve.classes is None
    assert np.all(np.abs(values - (np.arange(256) + 0.5)) <= 0.5 + 1e-9)
    assert np.all(distance < 0.5)

    levels = (0.0, 20.0, 50.0, 100.0)
    mapping = ValueMapping(0.0, 100.0, levels=levels)
    classes = ClassMatcher.from_levels(viridis, mapping, "srgb")
    colours = np.rint(np.vstack([classes.classes.colours, [[1.0, 1.0, 1.0]]]) * 255).astype(np.uint8)
    white_background = FigureColours(np.nan, np.array([[1.0, 1.0, 1.0]]), "floor")
    values, distance, index = classes.match(colours, white_background)
    assert index.tolist() == [0, 1, 2, -1]
    assert values[:3].tolist() == [10.0, 35.0, 75.0] and np.isnan(values[3])
    assert classes.classes.boundaries.tolist() == list(levels)

    decoder = ColourDecoder(viridis, mapping)
    decoder.non_data_colours = np.array([[1.0, 1.0, 1.0]])
    assert decoder.is_discrete and np.array_equal(decoder.class_boundaries, levels)
    assert np.array_equal(decoder.classes.colours, classes.classes.colours)
    assert np.array_equal(decoder.decode_colours(colours)[2], index)
    continuous = ColourDecoder(viridis, ValueMapping(0.0, 256.0))
    assert not continuous.is_discrete and continuous.classes is None
    assert continuous.class_boundaries is None
    assert np.array_equal(continuous.decode_colours(drawn)[0], curve.match(drawn, no_figure)[0])


@pytest.mark.parametrize("suffix, levels", [(".png", 9), (".jpg", None), (".jpg", 9)])
def test_colours_placed_by_table_or_by_sorting_decode_identically(tmp_path, dem, monkeypatch,
                                                                   suffix, levels):
    """The decoder finds each pixel's colour through a 2**24-entry table only where its pages
    are worth their memory, otherwise by sorting each block: both give the same rasters, and
    the colours of the figure are found alike whether they are marked in a table or sorted."""
    from colormap_decoder.plugin.engine import colour_decoding

    grid, extent = dem
    boundaries = (tuple(np.linspace(np.nanmin(grid), np.nanmax(grid), levels))
                  if levels else None)
    figure = render_grid(grid, extent, tmp_path / f"figure{suffix}", cmap="viridis",
                         levels=boundaries, jpeg_quality=80 if suffix == ".jpg" else None)
    rgb = read_figure(figure.path).rgb
    mapping = (ValueMapping(boundaries[0], boundaries[-1], levels=boundaries) if levels
               else ValueMapping(float(np.nanmin(grid)), float(np.nanmax(grid))))
    examine = box_mask(rgb.shape[:2], figure.plot_box)
    used = []
    original = colour_decoding._places_of_colours

    def spy(codes, pixels):
        place_of = original(codes, pixels)
        used.append(place_of.__name__)
        return place_of

    monkeypatch.setattr(colour_decoding, "_places_of_colours", spy)
    results = []
    # 1e9 bytes a pixel: every table pays; 0 (and a sort that takes no memory): none does.
    for per_pixel, sorted_bytes in ((1e9, colour_decoding.SORTED_LOOKUP_BYTES), (0, 0)):
        monkeypatch.setattr(colour_decoding, "LOOKUP_TABLE_PIXEL_BYTES", per_pixel)
        monkeypatch.setattr(colour_decoding, "SORTED_LOOKUP_BYTES", sorted_bytes)
        # Small sorted parts, so that a block is sorted in several of them.
        monkeypatch.setattr(colour_decoding, "SORTED_LOOKUP_PIXELS", 30_000)
        decoder = ColourDecoder(resolve_colour_scale("viridis"), mapping,
                                "ycbcr" if suffix == ".jpg" else "cielab")
        results.append(decoder.decode_image(rgb, examine, MAX_DISTANCE, chunk_pixels=100_000))
    assert used == ["by_table", "by_sorting"]
    table, sorting = results
    assert np.array_equal(table.values, sorting.values, equal_nan=True)
    assert np.array_equal(table.distance, sorting.distance, equal_nan=True)
    if levels:
        assert np.array_equal(table.class_index, sorting.class_index)
    else:
        assert table.class_index is None
    # The examined pixels were decoded (a test of equal empty rasters would prove nothing).
    assert np.isfinite(table.values[examine]).mean() > 0.6
    assert np.isnan(table.values[~examine]).all()


@pytest.mark.parametrize("quantiser", ["round", "floor", "toward_lower"])
def test_the_exact_table_is_the_same_sampled_in_groups_of_segments(monkeypatch, quantiser):
    """The drawable colours of a scale are sampled a group of segments at a time (a .cpt of many
    jumping slices took gigabytes at once): the same colours, fractions and shares as in one
    go, to the last bits of a sum taken in another order."""
    from colormap_decoder.plugin.engine import colour_decoding
    from colormap_decoder.plugin.engine.colour_decoding import CurveMatcher, ValueMapping
    from colormap_decoder.plugin.engine.colour_scale import ColourScale

    rng = np.random.default_rng(3)
    colours = rng.random((400, 3))
    scale = ColourScale(positions=np.linspace(0, 1, 400), colours=colours, name="random")
    whole = CurveMatcher(scale, ValueMapping(0, 1), "srgb")._exact_table_with_shares(quantiser)
    monkeypatch.setattr(colour_decoding, "EXACT_TABLE_SAMPLES", 997)
    grouped = CurveMatcher(scale, ValueMapping(0, 1), "srgb")._exact_table_with_shares(quantiser)
    assert len(whole[0]) > 10000
    assert np.array_equal(whole[0], grouped[0]) and np.array_equal(whole[2], grouped[2])
    # Relative 1e-12: the same sums, added in another order.
    np.testing.assert_allclose(grouped[1], whole[1], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(grouped[3], whole[3], rtol=1e-12, atol=1e-15)
