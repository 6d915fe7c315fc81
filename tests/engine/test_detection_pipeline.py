"""decode_map with parameters left empty that the figure can answer (issue 13's first item:
the colorbar never comes back as data)."""
import numpy as np
import pytest
from sample_figure import FIGURE, POINTS_FILE, sample_extents

from colormap_decoder.plugin.engine.pipeline import DecodeSettings, decode_map

# The sample's colorbar box, from the renderer (sample/vinschgau_viridis.extents.txt).
BAR = [float(v) for v in sample_extents()["COLORBAR"].split(",")]
PLOT = [float(v) for v in sample_extents()["PLOT_AREA"].split(",")]


def run(**overrides):
    settings = dict(figure_path=str(FIGURE), colormap="viridis", vmin=0, vmax=4000,
                    gcps_path=str(POINTS_FILE))
    settings.update(overrides)
    messages = []
    return decode_map(DecodeSettings(**settings), log=messages.append), messages


def test_empty_plot_area_leaves_the_colorbar_out_and_says_what_was_used():
    result, messages = run()
    values = result.field.values
    col0, col1, row0, row1 = int(BAR[0]), int(BAR[1]), int(-BAR[3]), int(-BAR[2])
    # The bar with its outline, ticks and labels: nothing there is data.
    assert not np.isfinite(values[:, col0 - 5:]).any()
    assert not np.isfinite(values[row0:row1, col0:col1]).any()
    # The detected plot area is the axes box within a pixel or two.
    truth = (PLOT[0], -PLOT[3], PLOT[1], -PLOT[2])
    assert np.abs(np.array(result.plot_box) - np.array(truth)).max() <= 2
    assert any(m.startswith("PLOT_AREA not given: the map frame found on the figure is used")
               for m in messages)
    assert any("Colorbar found on the figure" in m and "left out of the decoding" in m
               for m in messages)


def test_detected_plot_area_decodes_as_well_as_the_hand_given_one():
    auto, _ = run()
    hand, _ = run(plot_area_extent=tuple(PLOT))
    # The same pixels decode to the same values; the detected box loses at most the spine's
    # row and column, which hold no data.
    both = np.isfinite(auto.field.values) & np.isfinite(hand.field.values)
    assert np.array_equal(auto.field.values[both], hand.field.values[both])
    assert np.isfinite(auto.field.values).sum() >= 0.995 * np.isfinite(hand.field.values).sum()


def test_no_colormap_and_no_colorbar_samples_the_colorbar_found():
    result, messages = run(colormap="")
    # The bar is sampled, and recognised as the colormap it shows.
    assert any("sampled as the colour scale" in m for m in messages)
    assert result.scale_name == "matplotlib:viridis"
    assert any(m.startswith("Colormap recognised in the colorbar: matplotlib:viridis")
               for m in messages)
    hand, _ = run()
    both = np.isfinite(result.field.values) & np.isfinite(hand.field.values)
    # Sampled from the bar itself, the scale decodes within a colormap step or two of viridis.
    error = np.abs(result.field.values[both] - hand.field.values[both])
    assert np.median(error) <= 4000 / 256
    assert both.sum() >= 0.99 * np.isfinite(hand.field.values).sum()


def test_given_boxes_win_over_detection():
    result, messages = run(plot_area_extent=tuple(PLOT), colorbar_extent=tuple(BAR), colormap="")
    assert result.layout is None
    assert not any("found on the figure" in m for m in messages)


def write_corner_gcps(folder, truth):
    """A GCP file of the rendered frame's corners (figures_for_detection.DetectionFigure)."""
    left, top, right, bottom = truth.frame
    lines = ["pixel_x,pixel_y,map_x,map_y"]
    for x, y in ((left, top), (right, top), (left, bottom), (right, bottom)):
        mx, my = truth.pixel_to_map(x, y)
        lines.append(f"{x!r},{y!r},{float(mx)!r},{float(my)!r}")
    path = folder / "corners.gcps.csv"
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def test_a_detected_bar_and_a_hand_drawn_colorbar_box_both_count_as_sampled(tmp_path):
    """A scale read off the figure's own bar, found or drawn by hand as COLORBAR, is marked so
    whatever it is called (the two are named differently), and the decoder treats both alike:
    on a lossless figure, exact colours looked up in the table drawn from the samples."""
    from figures_for_detection import render_matplotlib
    from figures_for_tests import jacksboro_dem
    from matplotlib.colors import LinearSegmentedColormap

    grid, extent = jacksboro_dem()
    own_ramp = LinearSegmentedColormap.from_list("own_ramp", ["#1b3a6b", "#c8553d", "#f2e8cf"])
    truth = render_matplotlib(grid, extent, tmp_path / "own_ramp.png", cmap=own_ramp,
                              vmin=200.0, vmax=1100.0, contours=False)
    common = dict(figure_path=truth.path, colormap="", vmin=200.0, vmax=1100.0, gcp_crs=truth.crs,
                  gcps_path=write_corner_gcps(tmp_path, truth))
    found = decode_map(DecodeSettings(**common))
    bar_left, bar_top, bar_right, bar_bottom = truth.colorbar
    drawn = decode_map(DecodeSettings(**common, colorbar_extent=(bar_left + 2, bar_right - 2,
                                                                 -bar_bottom, -bar_top)))
    assert found.layout.recognised is None  # no known colormap: the bar itself is the scale
    assert found.decoder.scale.name != drawn.decoder.scale.name
    for result in (found, drawn):
        assert result.decoder.scale.sampled_from_figure
        assert result.decoder.uses_exact_colours
    # The same bar, sampled twice: the two decodes agree to a fraction of a percent.
    both = np.isfinite(found.field.values) & np.isfinite(drawn.field.values)
    assert both.sum() >= 0.95 * np.isfinite(drawn.field.values).sum()
    assert np.median(np.abs(found.field.values[both] - drawn.field.values[both])) <= 0.005 * 900


@pytest.mark.parametrize("reversed_bar", [False, True])
def test_detectfigure_and_decodemap_name_the_same_colormap(tmp_path, reversed_bar):
    """One way of recognising the colormap of the bar found on a figure: detectfigure's
    findings and decodemap's automatic run (VMIN, VMAX and COLORMAP empty) name the same one,
    also when the bar runs from high at the bottom to low at the top."""
    from figures_for_detection import render_matplotlib
    from figures_for_tests import jacksboro_dem

    from colormap_decoder.plugin.engine.detection.findings import find_everything
    from colormap_decoder.plugin.engine.figure import read_figure

    grid, extent = jacksboro_dem()
    truth = render_matplotlib(grid, extent, tmp_path / "figure.png", cmap="cividis",
                              vmin=200.0, vmax=1100.0, contours=False, reversed_bar=reversed_bar)
    findings = find_everything(read_figure(truth.path), gcp_crs="EPSG:4326")
    decoded = decode_map(DecodeSettings(figure_path=truth.path, colormap="",
                                        gcps_path=write_corner_gcps(tmp_path, truth),
                                        gcp_crs="EPSG:4326"))
    assert findings.parameters["COLORBAR_FLIP"] is reversed_bar
    assert findings.recognised is not None and decoded.layout.recognised is not None
    assert findings.recognised.name == decoded.layout.recognised.name == "matplotlib:cividis"
    assert findings.recognised.exact == decoded.layout.recognised.exact
    # What detectfigure hands on as COLORMAP is the table decodemap decodes with.
    assert findings.parameters["COLORMAP"] == decoded.scale_name
