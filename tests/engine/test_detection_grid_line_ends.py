"""Grid lines' ends are no tick marks.

cartopy's grey grid lines drawn across a light map are dark from the frame inward; where the
first line across them breaks their contrast they look like tick marks drawn inward (a
parallel is a "mark" 8 px long, cut by the first meridian). Taken for marks, they let an edge
of the map's colours cut as short pass for the mark of a label whose own line lay over light
colours ('70°S' placed 2.7 px off its parallel): the y axis refused as a curved graticule
(sweep_auto_decode --wide --wider 300 #1). A side at least half of whose inward marks lie on
grid lines leaves its labels to the grid lines.

A mark is a line's end only where the two are the same pixels, at one place and of one luma:
data drawn only in every k-th column are "lines" too (:func:`.ticks.find_grid_lines` finds
their edges), and real inward marks beside them stay marks; so do black marks drawn over
light grid lines (matplotlib's bmh style: taken for the lines' ends, the lines placed the
labels, GCPs 0.38 -> 0.53 px, sweep_auto_decode --wide --wider 301 #2).
"""
import numpy as np
import pytest
from figures_for_detection import DetectionFigure, age_grid, pixel_box
from test_detection_styles import eraint_heights  # noqa: F401 (a fixture)
from test_detection_two_labels import corner_errors

from colormap_decoder.plugin.engine.detection.faint_tick_marks import marks_on_grid_lines
from colormap_decoder.plugin.engine.pipeline import DecodeSettings, decode_map


def render_cartopy_grey_grid_lines(path, grid, transform, region):
    """The age grid (NaN on land) over ``region`` (west, east, south, north: degrees) on a
    cartopy plate carrée map with grey grid lines and gridline labels on all four sides,
    DejaVu Serif 12 pt bold, 150 dpi, a vertical colorbar."""
    import cartopy.crs as ccrs
    import matplotlib
    import matplotlib.pyplot as plt

    west, east, south, north = region
    cols = np.arange(grid.shape[1])
    rows = np.arange(grid.shape[0])
    lons = transform.c + transform.a * (cols + 0.5)
    lats = transform.f + transform.e * (rows + 0.5)
    keep_cols = np.flatnonzero((lons > west - 1) & (lons < east + 1))
    keep_rows = np.flatnonzero((lats > south - 1) & (lats < north + 1))
    block = grid[np.ix_(keep_rows, keep_cols)]
    x_edges = transform.c + transform.a * np.append(keep_cols, keep_cols[-1] + 1)
    y_edges = transform.f + transform.e * np.append(keep_rows, keep_rows[-1] + 1)
    with matplotlib.rc_context({"font.family": "DejaVu Serif", "font.size": 12,
                                "font.weight": "bold"}):
        figure = plt.figure(figsize=(1339 / 150, 776 / 150), dpi=150)
        axes = figure.add_axes([0.1, 0.1, 0.68, 0.8], projection=ccrs.PlateCarree())
        bar_axes = figure.add_axes([0.84, 0.1, 0.025, 0.8])
        mappable = axes.pcolormesh(x_edges, y_edges, np.ma.masked_invalid(block),
                                   cmap="PuOr_r", vmin=0.13, vmax=103.13,
                                   transform=ccrs.PlateCarree())
        axes.set_extent(region, crs=ccrs.PlateCarree())
        axes.gridlines(draw_labels=True, linewidth=0.6, color="gray", x_inline=False,
                       y_inline=False)
        figure.colorbar(mappable, cax=bar_axes)
        figure.canvas.draw()
        height = figure.canvas.get_width_height()[1]
        frame = pixel_box(axes, height)
        extent = tuple(axes.get_extent())
        figure.savefig(path, dpi=150)
        plt.close(figure)
    return DetectionFigure(str(path), frame, pixel_box(bar_axes, height), extent,
                           (0.13, 103.13), grid=np.asarray(block, float))


@pytest.mark.parametrize("region", [
    # The sweep's figure: Antarctica's white below 70°S, its data's edge near that parallel.
    (-90.89, -77.77, -81.91, -21.75),
])
def test_grid_line_ends_leave_the_labels_to_the_grid_lines(tmp_path, shared_data, region):
    grid, transform = age_grid(shared_data)
    truth = render_cartopy_grey_grid_lines(tmp_path / "lines.png", grid, transform, region)
    result = decode_map(DecodeSettings(figure_path=truth.path, scale_automatic=True,
                                       gcp_crs="EPSG:4326"))
    error = corner_errors(result, truth)
    print("frame corners off by at most", error, "px")
    assert error <= 1.0


def render_inward_marks_by_data_columns(path, grid, extent, dpi):
    """ERA-Interim's heights resampled to 0.5° cells, drawn (``imshow`` nearest) only in the
    column of cells east of every 10th meridian (NaN, white, elsewhere), on plain axes
    ticked inward on all four sides every 20°: each x tick mark stands at a column's west
    edge."""
    import matplotlib.pyplot as plt

    west, east, south, north = extent
    lons = np.arange(-100.0, 20.0, 0.5) + 0.25
    lats = np.arange(60.0, -60.0, -0.5) - 0.25
    cols = np.clip(((lons - west) / (east - west) * grid.shape[1]).astype(int), 0,
                   grid.shape[1] - 1)
    rows = np.clip(((north - lats) / (north - south) * grid.shape[0]).astype(int), 0,
                   grid.shape[0] - 1)
    resampled = grid[np.ix_(rows, cols)]
    columns = np.full_like(resampled, np.nan)
    columns[:, ::20] = resampled[:, ::20]
    figure = plt.figure(figsize=(8, 5), dpi=dpi)
    axes = figure.add_axes([0.1, 0.15, 0.7, 0.75])
    image = axes.imshow(columns, extent=(-100, 20, -60, 60), cmap="viridis",
                        interpolation="nearest", vmin=10900, vmax=12450, aspect="auto")
    axes.tick_params(direction="in", top=True, right=True, length=6)
    axes.set_xticks(np.arange(-100, 21, 20))
    axes.set_yticks(np.arange(-60, 61, 20))
    bar_axes = figure.add_axes([0.85, 0.15, 0.03, 0.75])
    figure.colorbar(image, cax=bar_axes)
    figure.canvas.draw()
    height = figure.canvas.get_width_height()[1]
    frame = pixel_box(axes, height)
    figure.savefig(path, dpi=dpi)
    plt.close(figure)
    return DetectionFigure(str(path), frame, pixel_box(bar_axes, height), (-100, 20, -60, 60),
                           (10900.0, 12450.0), grid=columns)


@pytest.mark.parametrize("dpi", [150, 300])
def test_inward_marks_beside_data_columns_stay_marks(tmp_path, eraint_heights, dpi):
    """Each x tick mark half a pixel to a pixel from the edges of a column of data, found as
    grid lines: the marks place the labels (with the marks within a pixel of a "line" taken
    for lines' ends, the columns' edges placed them, a frame corner 1.4 px off at 150 dpi)."""
    grid, extent = eraint_heights
    truth = render_inward_marks_by_data_columns(tmp_path / "columns.png", grid, extent, dpi)
    result = decode_map(DecodeSettings(figure_path=truth.path, scale_automatic=True,
                                       gcp_crs="EPSG:4326"))
    error = corner_errors(result, truth)
    print(dpi, "dpi: frame corners off by at most", error, "px")
    assert error <= 1.0


def test_marks_on_grid_lines():
    """Each mark within half a pixel (GRID_LINE_END_PX) of a line is on it; none without
    lines or marks."""
    marks = np.array([369.51, 472.5, 572.18, 679.5])
    lines = np.array([162.5, 265.5, 369.5, 472.5, 575.5, 679.5])
    assert marks_on_grid_lines(marks, lines).tolist() == [True, True, False, True]
    assert marks_on_grid_lines(marks + 0.68, lines).tolist() == [False] * 4
    assert marks_on_grid_lines(marks, lines, tolerance=0.005).tolist() == \
        [False, True, False, True]
    assert marks_on_grid_lines(marks, np.zeros(0)).tolist() == [False] * 4
    assert marks_on_grid_lines(np.zeros(0), lines).size == 0


def _map_with_lines(tick_luma=None):
    """A 60 × 60 page (luma 255) with a map (200) framed by a 1 px black line round pixels
    10-49, grey (128) grid lines across it in rows 20 and 35 and in column 18 (which cuts
    the rows' lines 7 px in from the left side); with ``tick_luma``, marks of that luma
    drawn inward from the left side over the lines' first 5 pixels."""
    from colormap_decoder.plugin.engine.detection.ticks import box_sides

    lum = np.full((60, 60), 255.0)
    lum[10:50, 10:50] = 200.0
    lum[9, 9:51] = lum[50, 9:51] = lum[9:51, 9] = lum[9:51, 50] = 0.0
    lum[[20, 35], 10:50] = 128.0
    lum[10:50, 18] = 128.0
    if tick_luma is not None:
        lum[[20, 35], 10:15] = tick_luma
    return lum, lum < 100, box_sides((9.5, 9.5, 50.5, 50.5))["left"]


def test_grid_line_ends():
    """The lines' own pixels are their ends; black marks drawn over them, or marks off the
    lines, are marks."""
    from colormap_decoder.plugin.engine.detection.faint_tick_marks import grid_line_ends

    marks, lengths, lines = np.array([20.5, 35.5]), np.array([7, 7]), np.array([20.5, 35.5])
    lum, dark, side = _map_with_lines()
    assert grid_line_ends(lum, dark, side, marks, lengths, lines, (13, 47), 1.0).tolist() == \
        [True, True]
    lum, dark, side = _map_with_lines(tick_luma=20.0)
    assert grid_line_ends(lum, dark, side, marks, np.array([5, 5]), lines, (13, 47),
                          1.0).tolist() == [False, False]
    lum, dark, side = _map_with_lines()
    assert grid_line_ends(lum, dark, side, marks + 2.0, lengths, lines, (13, 47),
                          1.0).tolist() == [False, False]
