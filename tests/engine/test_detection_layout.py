"""The map frame and the colorbar found on real figures drawn by matplotlib and GMT.

The truth is the renderer's own: matplotlib's axes window extents, GMT's page placement and
``mapproject``. A frame or colorbar side is found within 2 px (matplotlib and GMT snap lines to
the pixel grid, up to a pixel late; the issue's bar is 2 px).
"""
import numpy as np
import pytest
from figures_for_detection import (
    age_mercator_to_pixel,
    gmt_map_to_pixel,
    render_gmt_age_mercator,
    render_matplotlib,
    run_gmt,
)
from figures_for_tests import jacksboro_dem, topobathy

from colormap_decoder.plugin.engine.detection import layout as layout_module
from colormap_decoder.plugin.engine.detection.layout import detect_layout
from colormap_decoder.plugin.engine.figure import read_figure

TOLERANCE_PX = 2.0


def assert_box_close(found, truth, what):
    assert found is not None, f"no {what} found"
    error = np.abs(np.array(found, float) - np.array(truth, float))
    assert error.max() <= TOLERANCE_PX, f"{what} {np.round(found, 2)} vs truth {np.round(truth, 2)}"


@pytest.mark.parametrize("cmap, horizontal, jpeg, dpi", [
    ("viridis", False, None, 100),
    ("magma", False, None, 100),      # black low end touching the frame from inside
    ("RdBu_r", True, None, 100),      # horizontal bar below the map, diverging colours
    ("turbo", False, 80, 100),        # JPEG: frame lines bleed, bar colours noisy
    ("cividis", True, None, 300),     # a 300 dpi figure: thicker lines, larger gaps
])
def test_matplotlib_frame_and_colorbar(tmp_path, cmap, horizontal, jpeg, dpi):
    grid, extent = topobathy()
    suffix = ".jpg" if jpeg else ".png"
    size = (9, 6) if dpi == 100 else (6, 4)
    truth = render_matplotlib(grid, extent, tmp_path / f"figure{suffix}", cmap=cmap,
                              horizontal_bar=horizontal, jpeg_quality=jpeg, dpi=dpi, size=size)
    layout = detect_layout(read_figure(truth.path).rgb)
    assert_box_close(layout.frame.box, truth.frame, "frame")
    assert_box_close(layout.colorbar.box, truth.colorbar, "colorbar")
    assert layout.colorbar.vertical == (not horizontal)
    assert layout.other_colorbars == []


def test_matplotlib_discrete_contourf_bar(tmp_path):
    grid, extent = jacksboro_dem()
    truth = render_matplotlib(grid, extent, tmp_path / "contourf.png", cmap="terrain",
                              levels=np.arange(200, 1201, 100))
    layout = detect_layout(read_figure(truth.path).rgb)
    assert_box_close(layout.frame.box, truth.frame, "frame")
    assert_box_close(layout.colorbar.box, truth.colorbar, "colorbar")


def test_gmt_plain_frame_with_gridlines_and_psscale(tmp_path, shared_data):
    """GMT's Cartesian frame: a thick plain line, grid lines across the map cutting it into
    boxes that must not be taken for the map or a colorbar."""
    grid_path = shared_data / "gmtserver_Kilauea.utm.nc"
    run_gmt(tmp_path,
            "gmt makecpt -Cturbo -T0/1500 > turbo.cpt",
            "gmt set PS_MEDIA 8.5ix7.5i",
            f"gmt grdimage {grid_path} -R254340/280020/2129880/2153640 -JX6i/5.5i -Cturbo.cpt "
            "-X1i -Y1i -P -Bafg -BWSne+tKilauea -K > fig.ps",
            "gmt psscale -Cturbo.cpt -Dx6.4i/0i+w5.5i/0.3i -Bxaf -By+lm -O >> fig.ps",
            "gmt psconvert fig.ps -Tg -E100")
    layout = detect_layout(read_figure(str(tmp_path / "fig.png")).rgb)
    # -X1i -Y1i on a 7.5 in page at 100 dpi; the map is 6 × 5.5 in, the bar 0.3 × 5.5 in.
    assert_box_close(layout.frame.box, (100, 100, 700, 650), "frame")
    assert layout.frame.kind == "plain"
    assert_box_close(layout.colorbar.box, (740, 100, 770, 650), "colorbar")


def test_gmt_fancy_frame_inner_line_is_the_map_edge(tmp_path, shared_data):
    """A Mercator map with GMT's chequered 'fancy' frame and a horizontal psscale below it."""
    render_gmt_age_mercator(tmp_path, shared_data / "gmtserver_age.3.20.nc")
    col, row = age_mercator_to_pixel(tmp_path, [(-180, 10), (-100, -50)])
    layout = detect_layout(read_figure(str(tmp_path / "fig.png")).rgb)
    assert layout.frame.kind == "fancy"
    assert_box_close(layout.frame.box, (col[0], row[0], col[1], row[1]), "frame")
    # +w4i/0.2i centred under the map (+o0/0.4i below its bottom, annotations included).
    left = 100 + (col[1] - col[0]) / 2 - 200
    bar = layout.colorbar.box
    assert not layout.colorbar.vertical
    assert abs(bar[0] - left) <= TOLERANCE_PX and abs(bar[2] - (left + 400)) <= TOLERANCE_PX
    assert abs((bar[3] - bar[1]) - 20) <= TOLERANCE_PX
    assert bar[1] > row[1]


@pytest.mark.parametrize("region, projection, cmap, dpi", [
    # sweep_auto_decode seed 63 #4: grid lines 11.5 px inside the left and right edges, dark
    # red data along the bottom (frame 11.5 px in before).
    ("-50.33/-34.67/-55.4/-24.6", "M3i", "jet", 181),
    ("-50.33/-34.67/-55.4/-24.6", "M3i", "jet", 120),
    # Grid lines a few pixels inside every edge, a dark colormap.
    ("-170.6/-109.4/-40.5/5.5", "M5i", "magma", 150),
])
def test_gmt_fancy_frame_with_grid_lines_near_its_edges(tmp_path, shared_data, region,
                                                        projection, cmap, dpi):
    """A fancy frame's inner line is the first line past its chequered band: a grid line a few
    pixels further in, or dark data along the side merged with the line, are not the map's
    edge (the nearest line to a point half the thickest line in was taken: the grid line, or
    the middle of the dark stretch)."""
    run_gmt(tmp_path,
            f"gmt makecpt -C{cmap} -T0/180/10 -Z > age.cpt",
            "gmt set PS_MEDIA 7.5ix10i MAP_FRAME_TYPE fancy",
            f"gmt grdimage {shared_data / 'gmtserver_age.3.20.nc'} -R{region} -J{projection} "
            "-Cage.cpt -X1i -Y1.5i -P -Bafg -BWSne -K > fig.ps",
            "gmt psscale -R -J -Cage.cpt -DJBC+w4i/0.2i+o0/0.5i+h -Bxaf -O >> fig.ps",
            f"gmt psconvert fig.ps -Tg -E{dpi}")
    west, east, south, north = (float(v) for v in region.split("/"))
    col, row = gmt_map_to_pixel(tmp_path, region, projection, [(west, north), (east, south)],
                                1.0, 1.5, 10.0, dpi)
    layout = detect_layout(read_figure(str(tmp_path / "fig.png")).rgb)
    assert layout.frame.kind == "fancy"
    assert_box_close(layout.frame.box, (col[0], row[0], col[1], row[1]), "frame")


def test_a_figure_without_frame_or_colorbar_finds_neither(tmp_path):
    import matplotlib.pyplot as plt

    grid, _ = topobathy()
    figure = plt.figure(figsize=(6, 4), dpi=100)
    axes = figure.add_axes([0, 0, 1, 1])
    axes.imshow(grid, cmap="viridis", aspect="auto")
    axes.set_axis_off()
    figure.savefig(tmp_path / "bare.png", dpi=100)
    plt.close(figure)
    layout = detect_layout(read_figure(str(tmp_path / "bare.png")).rgb)
    assert layout.frame is None and layout.colorbar is None


def z200_on_mercator(shared_data, dpi, size, rect, cmap, value_range, extent):
    """ERA-Interim's January 200 hPa heights (m, the 3° grid of tests/data) drawn by cartopy on
    a Mercator map: a matplotlib figure of ``size`` inches at ``dpi``, the map's axes at
    ``rect`` (figure fractions), ``cmap`` over ``value_range`` (m), clipped to ``extent``
    (west, east, south, north; degrees). Returns (figure, axes, mesh)."""
    import cartopy.crs as ccrs
    import matplotlib.pyplot as plt
    from matplotlib import colors as mcolors

    data = np.load(shared_data / "eraint_z200_january_3deg.npz")
    heights = data["z"].astype(float) / 9.80665
    west, east = (float(v) for v in data["extent"][:2])
    rows, cols = heights.shape
    figure = plt.figure(figsize=size, dpi=dpi)
    axes = figure.add_axes(rect, projection=ccrs.Mercator())
    mesh = axes.pcolormesh(np.linspace(west, east, cols + 1), np.linspace(90, -90, rows + 1),
                           heights, cmap=cmap, norm=mcolors.Normalize(*value_range),
                           transform=ccrs.PlateCarree())
    axes.set_extent(extent, crs=ccrs.PlateCarree())
    return figure, axes, mesh


@pytest.mark.parametrize("dpi", [155, 170])
def test_cartopy_frame_along_dark_data_below_a_grid_line(tmp_path, shared_data, dpi):
    """A 1 px frame line along a band of data nearly as dark (jet_r's navy end, luma 10-17
    against the line's 4-6) with a grey parallel 13-20 px inside it, a JPEG of quality 93:
    the luma walk from the line's core ran on through the dark band to the parallel, and the
    bottom side was moved to the band's middle, 5.6-9.1 px in, in silence (sweep_auto_decode
    --wide --wider 193 #4: 9.14 px). The frame stays on its line."""
    import matplotlib.pyplot as plt
    from PIL import Image

    figure, axes, mesh = z200_on_mercator(shared_data, dpi, (9.47, 6.49), [0.1, 0.25, 0.8, 0.65],
                                          "jet_r", (11750, 12150), [-32, 85, 13.6, 35.4])
    axes.gridlines(draw_labels=True, linewidth=0.6, color="gray", x_inline=False,
                   y_inline=False)
    figure.colorbar(mesh, cax=figure.add_axes([0.2, 0.08, 0.6, 0.035]),
                    orientation="horizontal")
    figure.canvas.draw()
    height = figure.canvas.get_width_height()[1]
    (x0, y0), (x1, y1) = axes.get_window_extent().get_points()
    figure.savefig(tmp_path / "figure.png", dpi=dpi)
    plt.close(figure)
    Image.open(tmp_path / "figure.png").convert("RGB").save(tmp_path / "figure.jpg", quality=93)
    layout = detect_layout(read_figure(str(tmp_path / "figure.jpg")).rgb)
    assert_box_close(layout.frame.box, (x0, height - y1, x1, height - y0), "frame")


@pytest.mark.parametrize("cmap, dpi, south, jpeg_quality", [
    ("turbo", 300, 9.0, None),      # dark red along the bottom, 10°N 14 px in: 3.5 px off
    ("viridis_r", 300, 9.0, 65),    # viridis' dark purple there, JPEG: 3.5 px off
    ("jet", 150, 8.2, 65),          # jet's navy along the top, 60°N 6 px in: 3.7 px off
    ("jet", 300, 7.0, None),        # the same at 300 dpi: 7.1 px off
])
def test_frame_line_merged_with_dark_data_up_to_a_grid_line(tmp_path, shared_data, cmap, dpi,
                                                            south, jpeg_quality):
    """A thin frame line along dark data with a light grid line a few pixels inside: in the
    ink mask the line and the band of data up to the grid line are one run no thicker than
    the thickest line expected (1 % of the figure: 10-15 px), and the side was put at the
    run's middle, 3.5-7.9 px in, in silence (sweep_auto_decode --wide --wider 292 #4: cartopy
    Mercator, turbo, 150 dpi, JPEG q65: the bottom side 4.35 px in). The side is on its line
    (its core looked for out to the run's page side)."""
    import matplotlib.pyplot as plt
    from PIL import Image

    figure, axes, mesh = z200_on_mercator(shared_data, dpi, (6.61, 7.4), [0.1, 0.1, 0.68, 0.8],
                                          cmap, (10990, 12450), [-166.8, -54.5, south, 60.7])
    gridlines = axes.gridlines(draw_labels=True, linewidth=0.6, color="gray", x_inline=False,
                               y_inline=False)
    gridlines.top_labels = gridlines.right_labels = False
    figure.colorbar(mesh, cax=figure.add_axes([0.84, 0.1, 0.025, 0.8]))
    figure.canvas.draw()
    height = figure.canvas.get_width_height()[1]
    (x0, y0), (x1, y1) = axes.get_window_extent().get_points()
    path = tmp_path / "figure.png"
    figure.savefig(path, dpi=dpi)
    plt.close(figure)
    if jpeg_quality:
        Image.open(path).convert("RGB").save(tmp_path / "figure.jpg", quality=jpeg_quality)
        path = tmp_path / "figure.jpg"
    layout = detect_layout(read_figure(str(path)).rgb)
    assert_box_close(layout.frame.box, (x0, height - y1, x1, height - y0), "frame")


@pytest.mark.parametrize("line_width", [0.5, 0.6])
def test_hairline_side_between_two_pixels_closes_the_frame(tmp_path, line_width):
    """A frame side drawn unsnapped on a pixel edge (as QGIS draws its map item's 0.2-0.3 mm
    frame at 96 dpi, or any vector figure rasterised): two grey columns (luma 131 and 170 at
    0.5 pt, 118 and 153 at 0.6 pt), neither dark, beside the map's pale edge (Greens). The
    frame had three sides, and the largest box closed was the legend's inside the map: taken
    for the frame in silence (sweep_qgis_layouts 184 #4). The pair is one line."""
    import matplotlib.pyplot as plt

    grid, extent = jacksboro_dem()
    dpi, width_px, height_px = 96, 768, 576
    left, right = 77.0 / width_px, 599.0 / width_px  # the right side on a pixel edge
    figure = plt.figure(figsize=(width_px / dpi, height_px / dpi), dpi=dpi)
    axes = figure.add_axes([left, 0.1, right - left, 0.8])
    image = axes.imshow(grid, extent=extent, cmap="Greens", aspect="auto",
                        interpolation="nearest", vmin=float(np.nanmin(grid)) - 300.0)
    for spine in axes.spines.values():
        spine.set_linewidth(line_width)
        spine.set_snap(False)
    legend = axes.inset_axes([0.55, 0.05, 0.42, 0.3])
    legend.set_xticks([])
    legend.set_yticks([])
    for spine in legend.spines.values():
        spine.set_linewidth(line_width)
    figure.colorbar(image, cax=legend.inset_axes([0.1, 0.55, 0.8, 0.15]),
                    orientation="horizontal")
    legend.text(0.5, 0.2, "Elevation (m)", ha="center", transform=legend.transAxes)
    figure.savefig(tmp_path / "figure.png", dpi=dpi)
    plt.close(figure)
    layout = detect_layout(read_figure(str(tmp_path / "figure.png")).rgb)
    assert_box_close(layout.frame.box, (left * width_px, 0.1 * height_px, right * width_px,
                                        0.9 * height_px), "frame")


@pytest.mark.parametrize("box, across", [
    ((350, 100, 440, 200), True),    # over the right side (QGIS's legend dropped there)
    ((40, 100, 140, 200), True),     # over the left side
    ((150, 30, 250, 80), True),      # over the top side
    ((350, 30, 440, 80), False),     # over the top-right corner: two sides
    ((450, 100, 520, 200), False),   # beside the map, outside it
    ((150, 100, 250, 200), False),   # inside the map
    ((380, 100, 402, 200), False),   # past the right side by less than the margin
    ((350, 100, 440, 320), False),   # over the right side, running out past the bottom
])
def test_across_one_side(box, across):
    frame = (50, 50, 400, 300)
    assert layout_module._across_one_side(box, frame, 3) is across
