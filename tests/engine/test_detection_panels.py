"""Figures of several framed maps (panels), each with its own colorbar: the frame read and the
bar read belong to one panel.

Papers draw two or four maps side by side, often one colormap over different ranges. A bar
read for the wrong panel decodes it in silence with another panel's range; another panel's
bar labels beside the frame read as its axis labels refuse the figure for a curved graticule.
"""
import numpy as np
import pytest
from test_detection_accuracy import age_grid, geographic_truth_on_output

from colormap_decoder.plugin.engine.pipeline import DecodeSettings, decode_map

#: The two panels: (west, east, south, north) in degrees and the range (Myr) of each. The left
#: one (the Atlantic, viridis) is drawn wider (each panel fills its share of the figure, as
#: matplotlib's ``aspect="auto"`` does): it is the largest frame.
PANELS = (((-60.0, 0.0, -40.0, 40.0), (0.0, 180.0)),
          ((-170.0, -120.0, -30.0, 20.0), (0.0, 100.0)))


def degrees_formatter(east, west):
    from matplotlib import ticker

    return ticker.FuncFormatter(
        lambda value, _: f"{abs(value):g}°{east if value > 0 else west if value < 0 else ''}")


def render_two_panels(path, shared_data, right_colormap):
    """The age grid in two panels of one matplotlib figure, viridis on the left and
    ``right_colormap`` on the right, each with its colorbar beside it and degree labels;
    returns each panel's axes box in pixels (left, top, right, bottom)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    grid, transform = age_grid(shared_data)
    figure, axes = plt.subplots(1, 2, figsize=(11, 4.4), dpi=120,
                                gridspec_kw={"width_ratios": [1.3, 1.0]})
    for ax, (extent, (vmin, vmax)), colormap in zip(axes, PANELS, ("viridis", right_colormap)):
        image = ax.imshow(grid, extent=(transform.c, transform.c + transform.a * grid.shape[1],
                                        transform.f + transform.e * grid.shape[0], transform.f),
                          cmap=colormap, vmin=vmin, vmax=vmax, interpolation="nearest",
                          aspect="auto")
        ax.set_xlim(extent[:2])
        ax.set_ylim(extent[2:])
        ax.xaxis.set_major_formatter(degrees_formatter("E", "W"))
        ax.yaxis.set_major_formatter(degrees_formatter("N", "S"))
        figure.colorbar(image, ax=ax, label="Age (Myr)")
    figure.tight_layout()
    figure.canvas.draw()
    height = figure.canvas.get_width_height()[1]
    boxes = [(ax.get_window_extent().x0, height - ax.get_window_extent().y1,
              ax.get_window_extent().x1, height - ax.get_window_extent().y0) for ax in axes]
    figure.savefig(path, dpi=120)
    plt.close(figure)
    return boxes


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
            boxes = render_two_panels(path, shared_data, right_colormap)
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
