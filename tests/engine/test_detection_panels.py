"""Figures of several framed maps (panels), each with its own colorbar: the frame read and the
bar read belong to one panel.

Papers draw two or four maps side by side, often one colormap over different ranges. A bar
read for the wrong panel decodes it in silence with another panel's range; another panel's
bar labels beside the frame read as its axis labels refuse the figure for a curved graticule.
"""
import numpy as np
import pytest
from figures_for_detection import PANELS, age_grid, render_two_panels
from test_detection_accuracy import geographic_truth_on_output

from colormap_decoder.plugin.engine.pipeline import DecodeSettings, decode_map


def plot_area(box):
    """PLOT_AREA's extent of the pixels inside an axes box (its spines left out)."""
    left, top, right, bottom = box
    return (left + 1, right - 1, -(bottom - 1), -(top + 1))


def wrong_share_of_hand_decode(path, box, panel, colormap, grid, transform, folder):
    """The share of true data pixels a hand-given decode of one panel gets wrong: its colormap
    and range named, the axes box's corners as GCPs, the plot area drawn."""
    (west, east, south, north), (vmin, vmax) = panel
    left, top, right, bottom = box
    gcps = folder / "corners.csv"
    gcps.write_text("pixel_x,pixel_y,map_x,map_y\n" + "".join(
        f"{x},{y},{lon},{lat}\n" for x, y, lon, lat in (
            (left, top, west, north), (right, top, east, north),
            (right, bottom, east, south), (left, bottom, west, south))))
    hand = decode_map(DecodeSettings(figure_path=str(path), colormap=colormap, vmin=vmin,
                                     vmax=vmax, gcps_path=str(gcps), gcp_crs="EPSG:4326",
                                     plot_area_extent=plot_area(box)))
    return 1.0 - share_within_one_percent(hand, grid, transform, (vmin, vmax))


def share_within_one_percent(result, grid, transform, value_range):
    """Share of the true data pixels on the output grid decoded within 1 % of the range (the
    truth clipped to the range: colours saturate beyond it)."""
    truth = geographic_truth_on_output(result, grid, transform)
    data = np.isfinite(truth)
    expected = np.clip(truth, *value_range)
    values = np.asarray(result.values, float)
    right = np.isfinite(values) & (np.abs(values - expected) <= 0.01 * np.ptp(value_range))
    return float(np.mean(right[data]))


@pytest.fixture(scope="module")
def two_panels(tmp_path_factory, shared_data):
    """figure(right_colormap) -> (path, axes boxes, (grid, transform), folder), drawn once."""
    drawn = {}

    def figure(right_colormap):
        if right_colormap not in drawn:
            folder = tmp_path_factory.mktemp(f"panels_{right_colormap}")
            path = folder / "two_panels.png"
            boxes = render_two_panels(path, *age_grid(shared_data), right_colormap)
            drawn[right_colormap] = (path, boxes, age_grid(shared_data), folder,
                                     ("viridis", right_colormap))
        return drawn[right_colormap]
    return figure


def assert_panel_decoded(result, figure, index):
    """The panel's range read from its own bar (within 0.5 % of the range), and the decode
    right within 1 % of the range nearly as often as by hand (wrong at most twice as often,
    plus half a point)."""
    path, boxes, (grid, transform), folder, colormaps = figure
    value_range = PANELS[index][1]
    assert (result.settings.vmin, result.settings.vmax) == pytest.approx(
        value_range, abs=0.005 * np.ptp(value_range))
    wrong = 1.0 - share_within_one_percent(result, grid, transform, value_range)
    hand = wrong_share_of_hand_decode(path, boxes[index], PANELS[index], colormaps[index],
                                      grid, transform, folder)
    print(f"panel {index}: wrong {wrong:.4f}, by hand {hand:.4f}")
    assert wrong <= 2 * hand + 0.005, (wrong, hand)


def test_the_largest_panel_is_read_with_its_own_colorbar(two_panels):
    """The left panel (viridis) is the largest frame; the most colourful bar is the right
    panel's (turbo, 0-100 Myr). Before, the left panel was read with the right one's bar, and
    its own bar's labels, beside its right side, as its axis labels."""
    figure = two_panels("turbo")
    result = decode_map(DecodeSettings(figure_path=str(figure[0]), scale_automatic=True,
                                       gcp_crs="EPSG:4326"))
    assert_panel_decoded(result, figure, 0)
    assert any(message.startswith("The figure holds 2 map panels") and
               "the largest is read" in message for message in result.messages), \
        result.messages


def test_plot_area_picks_the_panel_whose_axes_and_colorbar_are_read(two_panels):
    """Both panels viridis, over 0-180 and 0-100 Myr: PLOT_AREA over the right panel makes
    its frame's labels the GCPs and its own bar the scale. Before, the largest frame and the
    first bar were read whatever PLOT_AREA said: the right panel decoded over 0-180 Myr, in
    silence."""
    figure = two_panels("viridis")
    result = decode_map(DecodeSettings(figure_path=str(figure[0]), scale_automatic=True,
                                       gcp_crs="EPSG:4326",
                                       plot_area_extent=plot_area(figure[1][1])))
    assert_panel_decoded(result, figure, 1)
    assert any("the one holding PLOT_AREA is read" in message for message in result.messages)


def test_detection_alone_reads_the_panel_holding_a_drawn_box(two_panels):
    """The detection on its own (the window's Detect, ``find_everything``) takes a box drawn
    inside a panel as decodemap takes PLOT_AREA: that panel's frame, its own bar's range and
    GCPs from its own axes. Before, it always read the largest panel, whatever was drawn."""
    from colormap_decoder.plugin.engine.detection.findings import find_everything
    from colormap_decoder.plugin.engine.figure import read_figure

    path, boxes = two_panels("viridis")[:2]
    figure = read_figure(str(path))
    largest = find_everything(figure, "EPSG:4326")
    assert (largest.parameters["VMIN"], largest.parameters["VMAX"]) == \
        pytest.approx(PANELS[0][1], abs=0.9)
    left, top, right, bottom = boxes[1]
    # A box well inside the right panel, as a user draws one: not its frame.
    drawn = (left + 40, top + 30, right - 60, bottom - 50)
    found = find_everything(figure, "EPSG:4326", plot_box=drawn)
    assert (found.parameters["VMIN"], found.parameters["VMAX"]) == \
        pytest.approx(PANELS[1][1], abs=0.5)
    # The frame found is the right panel's (its inner pixels, within 2 px of the axes box).
    xmin, xmax, ymin, ymax = (float(v) for v in found.parameters["PLOT_AREA"].split(",")[:4])
    assert (xmin, -ymax, xmax, -ymin) == pytest.approx(boxes[1], abs=2.0)
    # The GCPs are on the right panel's axes, in its longitudes and latitudes.
    west, east, south, north = PANELS[1][0]
    longitudes, latitudes = np.asarray(found.gcps.map, float).T
    assert longitudes.min() >= west - 1e-6 and longitudes.max() <= east + 1e-6
    assert latitudes.min() >= south - 1e-6 and latitudes.max() <= north + 1e-6
    assert any("the one holding PLOT_AREA is read" in message for message in found.messages)
