"""Axis labels with the colorbar drawn over their ends are no values.

A cartopy plate carrée map labelled on all four sides in 18 pt text, its colorbar placed against
the map (sweep_auto_decode --wide --wider 306 #6): the bar is drawn over the right-hand
latitude labels, '45°S' shows '45'. Read so, they fit a line with the latitudes turned over.
On 306 #6 four left-hand labels (one cut by the figure's edge) disagreed and the decode was
refused, blaming a curved graticule; with the map a little to the left (the left-hand labels
cut by the edge, all or all but two), the right-hand ones alone georeferenced the map in the
northern hemisphere, in silence. A level label whose text runs into the colorbar's box and
lacks what the frame's other labels carry (the degree sign, the hemisphere letter) is now no
value (its characters under the bar are lost). Whole labels standing as near the bar (a bar
placed against the right-hand labels) are read as before.
"""
import matplotlib
import numpy as np
import pytest
from figures_for_detection import age_grid

from colormap_decoder.plugin.engine.errors import EngineError
from colormap_decoder.plugin.engine.pipeline import DecodeSettings, decode_map

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def render_labels_under_the_bar(path, shared_data, map_left, bar_offset=0.74):
    """The sweep's figure: the age grid south of Australia (108-144°E, 69-41°S) on a plate
    carrée map of 6 x 6.3 in at 200 dpi, its left side at ``map_left`` (a share of the
    figure's width), gridline labels in Nimbus Sans 18 pt on every side, grid lines drawn, the
    vertical colorbar (labels in matplotlib's default size) ``bar_offset`` of the width right
    of the map's left side (0.74: 0.06 past the map, over the right-hand labels' ends).
    Returns cartopy's (lon, lat) -> pixel."""
    import cartopy.crs as ccrs

    grid, transform = age_grid(shared_data)
    west, east, south, north = 108.0, 144.0, -70.0, -40.0
    rows = slice(int((transform.f - north) / -transform.e), int((transform.f - south) / -transform.e))
    cols = slice(int((west - transform.c) / transform.a), int((east - transform.c) / transform.a))
    large = {"font.family": "Nimbus Sans", "font.size": 18}
    # The axes made out of the large text's settings, as the sweep makes them: the bar's
    # tick labels keep matplotlib's default size, the gridline labels are large.
    figure = plt.figure(figsize=(6.05, 6.28), dpi=200)
    axes = figure.add_axes([map_left, 0.1, 0.68, 0.8], projection=ccrs.PlateCarree())
    bar_axes = figure.add_axes([map_left + bar_offset, 0.1, 0.025, 0.8])
    drawn = axes.imshow(grid[rows, cols], extent=(west, east, south, north),
                        transform=ccrs.PlateCarree(), cmap="turbo", vmin=0, vmax=95,
                        origin="upper", interpolation="nearest")
    axes.set_extent([108.7, 143.3, -69.4, -40.6], crs=ccrs.PlateCarree())
    with matplotlib.rc_context(large):
        axes.gridlines(draw_labels=True, linewidth=0.6, color="gray", x_inline=False,
                       y_inline=False)
        figure.colorbar(drawn, cax=bar_axes)
        figure.canvas.draw()
        height = figure.canvas.get_width_height()[1]
        figure.savefig(path, dpi=200)

    def pixel(lon, lat):
        column, row = axes.transData.transform((lon, lat))
        return float(column), float(height - row)

    plt.close(figure)
    return pixel


def test_right_labels_under_the_bar_alone_refused(tmp_path, shared_data):
    """Every left-hand label cut by the figure's edge, the right-hand ones under the bar: no
    axis of latitudes is left, GCPS refused (main put the map in the northern hemisphere, its
    centre at 49.6°N, in silence)."""
    path = tmp_path / "under_the_bar.png"
    render_labels_under_the_bar(path, shared_data, map_left=0.085)
    with pytest.raises(EngineError) as raised:
        decode_map(DecodeSettings(figure_path=str(path), gcp_crs="EPSG:4326",
                                  scale_automatic=True))
    assert raised.value.parameter == "GCPS", raised.value
    # The refusal says why the right-hand labels gave nothing.
    assert "5 labels on the right side run into the colorbar" in str(raised.value), raised.value


def test_left_labels_read_when_the_right_ones_are_under_the_bar(tmp_path, shared_data):
    """Three left-hand labels touch the figure's edge (cut), two end a pixel from it; the
    right-hand ones are under the bar (main: the map 2142 px off, in the northern hemisphere,
    in silence). The two left ones, with the x axis' scale, georeference the map: its corners
    within 3 px of cartopy's."""
    path = tmp_path / "under_the_bar.png"
    pixel = render_labels_under_the_bar(path, shared_data, map_left=0.1)
    result = decode_map(DecodeSettings(figure_path=str(path), gcp_crs="EPSG:4326",
                                       scale_automatic=True))
    for lon in (110.0, 140.0):
        for lat in (-45.0, -65.0):
            column, row = result.georeference.pixel_transform.map_to_pixel(lon, lat)
            assert np.hypot(column - pixel(lon, lat)[0], row - pixel(lon, lat)[1]) < 3.0, \
                (lon, lat, column, row, pixel(lon, lat))


def test_whole_labels_beside_the_bar_read(tmp_path, shared_data):
    """The same map with the bar 0.045 of the width further right: the right-hand labels are
    whole ('45°S'), 7 px (0.18 of their height) off the bar's box, as near as the cut ones;
    the left-hand ones are cut by the figure's edge. The right-hand ones georeference the map:
    its corners within 2 px of cartopy's (refused when any label that near the bar was taken
    as cut)."""
    path = tmp_path / "beside_the_bar.png"
    pixel = render_labels_under_the_bar(path, shared_data, map_left=0.085, bar_offset=0.785)
    result = decode_map(DecodeSettings(figure_path=str(path), gcp_crs="EPSG:4326",
                                       scale_automatic=True))
    for lon, lat in ((108.7, -40.6), (143.3, -69.4)):
        column, row = result.georeference.pixel_transform.map_to_pixel(lon, lat)
        assert np.hypot(column - pixel(lon, lat)[0], row - pixel(lon, lat)[1]) < 2.0, \
            (lon, lat, column, row, pixel(lon, lat))


def test_plain_right_labels_against_the_bar_read(tmp_path, shared_data):
    """matplotlib's plain axes (no degree signs), the y labels on the right only
    (``tick_right``), 10 px high at 100 dpi, the colorbar 4 px (0.35-0.45 of their height)
    after them: nothing says a character is missing, the labels are read and the map's
    corners lie within 2 px of matplotlib's (refused when any label that near the bar was
    taken as cut)."""
    grid, transform = age_grid(shared_data)
    west, east, south, north = 108.0, 144.0, -70.0, -40.0
    rows = slice(int((transform.f - north) / -transform.e), int((transform.f - south) / -transform.e))
    cols = slice(int((west - transform.c) / transform.a), int((east - transform.c) / transform.a))
    figure = plt.figure(figsize=(6.4, 4.8), dpi=100)
    axes = figure.add_axes([0.12, 0.12, 0.62, 0.78])
    drawn = axes.imshow(grid[rows, cols], extent=(west, east, south, north), cmap="viridis",
                        vmin=0, vmax=95, origin="upper", aspect="auto")
    axes.tick_params(labelsize=10)
    axes.yaxis.tick_right()
    figure.colorbar(drawn, cax=figure.add_axes([0.805, 0.12, 0.03, 0.78]))
    figure.canvas.draw()
    height = figure.canvas.get_width_height()[1]
    path = tmp_path / "right_labels_against_the_bar.png"
    figure.savefig(path, dpi=100)
    corners = {(lon, lat): axes.transData.transform((lon, lat))
               for lon, lat in ((108.0, -40.0), (144.0, -70.0))}
    plt.close(figure)
    result = decode_map(DecodeSettings(figure_path=str(path), gcp_crs="EPSG:4326",
                                       scale_automatic=True))
    for (lon, lat), (column, row) in corners.items():
        found = result.georeference.pixel_transform.map_to_pixel(lon, lat)
        assert np.hypot(found[0] - column, found[1] - (height - row)) < 2.0, \
            (lon, lat, found, column, height - row)
