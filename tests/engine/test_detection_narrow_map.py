"""A narrow map whose colours run along it: beside the colorbar, it is a colorbar candidate too
(an outlined box whose colours change monotonically along its long side), and was left out as
the frame, the figure refused naming GCPS (sweep_auto_decode seed 64 #3: a cartopy Mercator
map of the Southern Ocean's crust age 58 px wide, 82 dpi). A candidate far thicker than the bar
chosen is the map. Real figures: matplotlib imshow of the NOAA OI SST over a strip of the
North Pacific, equal scales, a horizontal colorbar.
"""
import numpy as np
import pytest
from figures_for_detection import frame_gcps_csv, render_matplotlib, sst_lonlat
from test_detection_two_labels import corner_errors, wrong_share

from colormap_decoder.plugin.engine.detection.layout import detect_layout
from colormap_decoder.plugin.engine.pipeline import DecodeSettings, decode_map


def pacific_strip(shared_data, west=-160.0, east=-150.0, south=4.0, north=60.0):
    """The SST between two meridians, from the warm pool north to the subarctic: its colours
    run monotonically from the bottom to the top."""
    grid, (w, e, s, n) = sst_lonlat(shared_data)
    rows, cols = grid.shape
    col0, col1 = int(round((west - w) / (e - w) * cols)), int(round((east - w) / (e - w) * cols))
    row0, row1 = int(round((n - north) / (n - s) * rows)), int(round((n - south) / (n - s) * rows))
    return grid[row0:row1, col0:col1], (west, east, south, north)


def assert_within_twice_the_hand_decode(auto, truth, tmp_path):
    """The auto decode's share of wrong pixels at most twice (+ 0.2 %) the one of the same
    figure decoded with hand-given parameters (viridis 0-30, the renderer's frame and GCPs)."""
    left, top, right, bottom = truth.frame
    hand = decode_map(DecodeSettings(
        figure_path=truth.path, colormap="viridis", vmin=0.0, vmax=30.0,
        gcps_path=frame_gcps_csv(tmp_path / "gcps.csv", truth), gcp_crs="EPSG:4326",
        plot_area_extent=(np.ceil(left), np.floor(right), -np.floor(bottom), -np.ceil(top))))
    shares = [wrong_share(result, truth, 0.0, 30.0) for result in (auto, hand)]
    print("wrong share: auto", shares[0], "hand", shares[1])
    assert shares[0] <= 2 * shares[1] + 0.002, shares


@pytest.mark.parametrize("dpi", [82, 120])
def test_narrow_map_beside_a_colorbar_is_the_frame(tmp_path, shared_data, dpi):
    """A map 1:5.6 (10° by 56° drawn with equal scales) and a horizontal viridis bar: the frame
    within 2 px, the GCPs' frame corners within a pixel of matplotlib's, the decode within
    twice the hand-given one's share of wrong pixels."""
    grid, extent = pacific_strip(shared_data)
    truth = render_matplotlib(grid, extent, tmp_path / "narrow.png", vmin=0.0, vmax=30.0,
                              horizontal_bar=True, aspect="equal", contours=False, dpi=dpi,
                              size=(7, 5), x_step=10, y_step=10)
    from PIL import Image

    rgb = np.asarray(Image.open(truth.path).convert("RGB"))
    layout = detect_layout(rgb)
    assert layout.frame is not None, "the narrow map was not found as the frame"
    assert np.max(np.abs(np.subtract(layout.frame.box, truth.frame))) <= 2.0, \
        (layout.frame.box, truth.frame)
    assert np.max(np.abs(np.subtract(layout.colorbar.box, truth.colorbar))) <= 2.0
    auto = decode_map(DecodeSettings(figure_path=truth.path, scale_automatic=True))
    error = corner_errors(auto, truth)
    print(dpi, "| frame corners off by at most", error, "px")
    assert error <= 1.0
    assert_within_twice_the_hand_decode(auto, truth, tmp_path)


def render_cartopy_narrow(grid, extent, path, x_step=None, dpi=150):
    """cartopy plate carrée of a narrow map with gridline labels and no lines (no tick marks
    either: cartopy draws none), a meridian every ``x_step`` degrees (None: cartopy's choice), a
    horizontal bar."""
    import cartopy.crs as ccrs
    import matplotlib.pyplot as plt
    from figures_for_detection import DetectionFigure, pixel_box
    from matplotlib import ticker

    figure = plt.figure(figsize=(7, 6), dpi=dpi)
    axes = figure.add_axes([0.1, 0.22, 0.8, 0.7], projection=ccrs.PlateCarree())
    image = axes.imshow(grid, extent=extent, transform=ccrs.PlateCarree(), cmap="viridis",
                        origin="upper", interpolation="nearest", vmin=0.0, vmax=30.0)
    axes.set_extent(extent, crs=ccrs.PlateCarree())
    lines = axes.gridlines(draw_labels=True, linewidth=0)
    if x_step:
        lines.xlocator = ticker.MultipleLocator(x_step)
    lines.top_labels = False
    lines.right_labels = False
    bar_axes = figure.add_axes([0.2, 0.07, 0.6, 0.03])
    figure.colorbar(image, cax=bar_axes, orientation="horizontal")
    figure.canvas.draw()
    height = figure.canvas.get_width_height()[1]
    frame = pixel_box(axes, height)
    west, east, south, north = axes.get_extent()
    figure.savefig(path, dpi=dpi)
    plt.close(figure)
    return DetectionFigure(str(path), frame, pixel_box(bar_axes, height),
                           (west, east, south, north), (0.0, 30.0), np.asarray(grid, float),
                           vertical_bar=False)


def test_touching_gridline_labels_with_no_ticks_cut_by_their_text(tmp_path, shared_data):
    """cartopy's longitude labels on a narrow map touch ('162°W154.5°W' one label) and
    have no tick marks to be cut at: read as a run of degree labels with one glyph per
    character, cut where the text is, placed by their font's layout (the log says so); the
    frame corners within 3 px of cartopy's, the decode within twice the hand-given
    one's share of wrong pixels (before: the x axis read nothing, refused naming GCPS)."""
    grid, extent = pacific_strip(shared_data, west=-163.0, east=-151.0)
    truth = render_cartopy_narrow(grid, extent, tmp_path / "narrow_cartopy.png")
    auto = decode_map(DecodeSettings(figure_path=truth.path, scale_automatic=True))
    log = "\n".join(auto.messages)
    assert "'154.5°W'→-154.5" in log, log
    error = corner_errors(auto, truth)
    print("frame corners off by at most", error, "px")
    # Labels with no tick and no grid line: their ink is off their anchors (cartopy's latitude
    # labels' ink some 0.15 of the text's height high); matplotlib's drawing of their glyphs
    # gives their font, whose layout places them (the log says so), and no warning is left.
    assert "drawn by matplotlib" in log, log
    assert not any("no tick marks or grid lines beside them" in warning
                   for warning in auto.warnings), auto.warnings
    assert error <= 3.0
    assert_within_twice_the_hand_decode(auto, truth, tmp_path)


def render_thick_bar_beside_a_strip(grid, extent, path, dpi):
    """A map drawn with its axes off (no frame line), a thick horizontal viridis colorbar
    below it (40 px per 100 dpi: 11.5 times longer than thick, 6.6 % of the figure) and a thin
    vertical jet strip (8 px) beside it, with no ticks: the strip is the most colourful
    candidate, the bar more than three times thicker than it.

    Returns
    -------
    tuple
        The bar's pixel box (left, top, right, bottom).
    """
    import matplotlib.pyplot as plt
    from figures_for_detection import pixel_box

    figure = plt.figure(figsize=(7, 4), dpi=dpi)
    axes = figure.add_axes([0.1, 0.32, 0.66, 0.6])
    image = axes.imshow(grid, cmap="viridis", extent=extent, aspect="auto",
                        interpolation="nearest", vmin=0.0, vmax=30.0)
    axes.set_axis_off()
    bar_axes = figure.add_axes([0.1, 0.08, 0.66, 0.1])
    figure.colorbar(image, cax=bar_axes, orientation="horizontal")
    strip_axes = figure.add_axes([0.82, 0.3, 8 / (7 * dpi), 0.62])
    strip = plt.cm.ScalarMappable(cmap="jet")
    strip.set_clim(0.0, 1.0)
    figure.colorbar(strip, cax=strip_axes).set_ticks([])
    figure.canvas.draw()
    bar = pixel_box(bar_axes, figure.canvas.get_width_height()[1])
    figure.savefig(path, dpi=dpi)
    plt.close(figure)
    return bar


@pytest.mark.parametrize("dpi", [100, 150])
def test_thick_bar_beside_a_thin_strip_is_no_map(tmp_path, shared_data, dpi):
    """A colorbar of the usual proportions (11.5 times longer than thick) more than three times
    thicker than a thin colour strip chosen as the bar, with no frame found, stays a colorbar
    candidate: the narrow-map rule (a candidate far thicker than the bar chosen is the map)
    takes only candidates at most ``MAP_MAX_ELONGATION`` times longer than thick. Without that
    bound the viridis bar was taken for the map frame (its outline the frame's box)."""
    from PIL import Image

    from colormap_decoder.plugin.engine.detection import layout as layout_module

    grid, extent = sst_lonlat(shared_data)
    bar = render_thick_bar_beside_a_strip(grid, extent, tmp_path / "strip.png", dpi)
    rgb = np.asarray(Image.open(tmp_path / "strip.png").convert("RGB"))
    layout = detect_layout(rgb)
    boxes = [candidate.box for candidate in [layout.colorbar] + list(layout.other_colorbars)]
    print(dpi, "frame", layout.frame and layout.frame.box, "candidates", boxes, "bar", bar)
    assert layout.frame is None or \
        np.max(np.abs(np.subtract(layout.frame.box, bar))) > 3.0, layout.frame.box
    assert any(np.max(np.abs(np.subtract(box, bar))) <= 2.0 for box in boxes), (boxes, bar)
    # The figure does reach the rule: the bar is thick enough beside the strip to be taken
    # for a map, and too elongated to be one.
    thickness = min(bar[2] - bar[0], bar[3] - bar[1])
    assert thickness >= layout_module.MAP_OVER_BAR_THICKNESS * \
        min(layout.colorbar.box[2] - layout.colorbar.box[0],
            layout.colorbar.box[3] - layout.colorbar.box[1])
    assert max(bar[2] - bar[0], bar[3] - bar[1]) > layout_module.MAP_MAX_ELONGATION * thickness
