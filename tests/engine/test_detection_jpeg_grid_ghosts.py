"""Grid lines in a JPEG: the ringing beside a line is no second line.

A cartopy Mercator map of the ocean floor's age (gist_earth, grey 0.6 pt grid lines, labels
without tick marks in Nimbus Sans 20 pt) saved at 200 dpi as a quality-60 JPEG (the look of
``sweep_auto_decode --wide --wider`` 230 #0, drawn there at 300 dpi). The JPEG rings beside
every grid line: 6-11 px from it, a weaker "line" stood out from the map as the line does.
A latitude label's centre lies above its line (matplotlib centres the text's box, descent
included) and so nearer the ghost above the line: labels placed on ghosts were off by 2-4 px
and the y axis was refused as not evenly spaced (GCPS). Ghosts at least 2.5 times weaker than
a line within 16 px of it are now left out (:func:`.ticks.find_grid_lines`).
"""
import matplotlib
import numpy as np
import pytest
from figures_for_detection import age_grid

from colormap_decoder.plugin.engine.detection.layout import detect_layout
from colormap_decoder.plugin.engine.detection.ticks import find_grid_lines
from colormap_decoder.plugin.engine.pipeline import DecodeSettings, decode_map

matplotlib.use("Agg")

pytest.importorskip("cartopy")

#: The map's grid cells' outer edges (west, east, south, north), degrees: the age grid's
#: 1/3° cells from 51.5°W to 12.17°W and 20.17°S to 39.83°N.
REGION = (-51.5, -12.0 - 1 / 6, -20.0 - 1 / 6, 39.0 + 5 / 6)
MERIDIANS = np.arange(-60.0, 1.0, 5.0)
PARALLELS = np.arange(-30.0, 41.0, 10.0)


@pytest.fixture(scope="module")
def mercator_jpeg(tmp_path_factory, shared_data):
    """The figure (path) and its truth: the axes' pixel box (left, top, right, bottom), the
    map's extent in its Mercator metres (west, east, south, north) and the projection."""
    import cartopy.crs as ccrs
    import matplotlib.pyplot as plt
    from matplotlib import colors as mcolors
    from PIL import Image

    grid, transform = age_grid(shared_data)
    cell = transform.a
    west, east, south, north = REGION
    c0, c1 = (int(round((v - transform.c) / cell)) for v in (west, east))
    r0, r1 = (int(round((transform.f - v) / cell)) for v in (north, south))
    values = grid[r0:r1, c0:c1]
    x_edges = west + cell * np.arange(values.shape[1] + 1)
    y_edges = north - cell * np.arange(values.shape[0] + 1)
    projection = ccrs.Mercator()
    folder = tmp_path_factory.mktemp("jpeg_grid_ghosts")
    png, path = folder / "mercator.png", folder / "mercator.jpg"
    dpi = 200
    with matplotlib.rc_context({"font.family": "Nimbus Sans", "font.size": 20}):
        figure = plt.figure(figsize=(7.65, 7.65), dpi=dpi)
        axes = figure.add_axes([0.1, 0.1, 0.68, 0.8], projection=projection)
        bar_axes = figure.add_axes([0.84, 0.1, 0.025, 0.8])
        mesh = axes.pcolormesh(x_edges, y_edges, np.ma.masked_invalid(values),
                               cmap="gist_earth", norm=mcolors.Normalize(0.32, 179.86),
                               transform=ccrs.PlateCarree())
        inset_x, inset_y = 0.02 * (east - west), 0.02 * (north - south)
        axes.set_extent([west + inset_x, east - inset_x, south + inset_y, north - inset_y],
                        crs=ccrs.PlateCarree())
        axes.gridlines(draw_labels=True, linewidth=0.6, color="gray", xlocs=MERIDIANS,
                       ylocs=PARALLELS, x_inline=False, y_inline=False)
        figure.colorbar(mesh, cax=bar_axes)
        figure.canvas.draw()
        height = figure.canvas.get_width_height()[1]
        (x0, y0), (x1, y1) = axes.get_window_extent().get_points()
        frame = (float(x0), float(height - y1), float(x1), float(height - y0))
        extent = tuple(float(v) for v in axes.get_extent())
        figure.savefig(png, dpi=dpi)
        plt.close(figure)
    Image.open(png).convert("RGB").save(path, quality=60)
    return {"path": str(path), "frame": frame, "extent": extent, "projection": projection}


def true_lines(truth, across):
    """The grid lines' pixel positions (x of the meridians, y of the parallels) inside the
    frame, from cartopy's own projection."""
    import cartopy.crs as ccrs

    left, top, right, bottom = truth["frame"]
    west, east, south, north = truth["extent"]
    if across == "x":
        points = truth["projection"].transform_points(
            ccrs.PlateCarree(), MERIDIANS, np.zeros_like(MERIDIANS))[:, 0]
        positions = left + (points - west) / (east - west) * (right - left)
        low, high = left, right
    else:
        points = truth["projection"].transform_points(
            ccrs.PlateCarree(), np.zeros_like(PARALLELS), PARALLELS)[:, 1]
        positions = top + (north - points) / (north - south) * (bottom - top)
        low, high = top, bottom
    return positions[(positions > low + 3) & (positions < high - 3)]


def test_jpeg_ringing_beside_grid_lines_is_not_a_line(mercator_jpeg):
    """Every meridian and parallel is found within a pixel (matplotlib snaps the lines to
    pixels); no other line is found within 16 px of a parallel (before: a ghost 6 px above
    four of the five)."""
    from PIL import Image

    rgb = np.asarray(Image.open(mercator_jpeg["path"]).convert("RGB"))
    layout = detect_layout(rgb)
    assert np.max(np.abs(np.subtract(layout.frame.box, mercator_jpeg["frame"]))) < 1.5
    for across in ("x", "y"):
        truth = true_lines(mercator_jpeg, across)
        found = find_grid_lines(rgb, layout.frame.box, across)
        assert truth.size >= (7 if across == "x" else 5)
        for position in truth:
            assert np.min(np.abs(found - position)) < 1.0, (across, position, found)
    parallels = true_lines(mercator_jpeg, "y")
    found = find_grid_lines(rgb, layout.frame.box, "y")
    for position in found:
        distance = np.abs(parallels - position)
        assert distance.min() < 1.0 or distance.min() > 16, (position, parallels, found)


def test_mercator_jpeg_georeferenced_from_its_grid_line_labels(mercator_jpeg):
    """Decoded with only INPUT and GCP_CRS (before: refused, GCPS: 'the y axis labels are
    not evenly spaced (tick-fit residuals up to 2.3 px)'): the decode's pixel -> map
    transform puts every point of a 5 × 5 lattice of the frame within 1 px of where cartopy
    drew it, and the range is the bar's."""
    from pyproj import Transformer

    result = decode_map(DecodeSettings(figure_path=mercator_jpeg["path"], gcp_crs="EPSG:4326",
                                       scale_automatic=True))
    left, top, right, bottom = mercator_jpeg["frame"]
    west, east, south, north = mercator_jpeg["extent"]
    px, py = np.meshgrid(np.linspace(left, right, 5), np.linspace(top, bottom, 5))
    georeference = result.georeference
    mx, my = georeference.pixel_transform.pixel_to_map(px.ravel(), py.ravel())
    to_truth = Transformer.from_crs(georeference.source_crs,
                                    mercator_jpeg["projection"].to_wkt(), always_xy=True)
    tx, ty = to_truth.transform(np.asarray(mx, float), np.asarray(my, float))
    x_back = left + (tx - west) / (east - west) * (right - left)
    y_back = top + (north - ty) / (north - south) * (bottom - top)
    assert np.max(np.hypot(x_back - px.ravel(), y_back - py.ravel())) < 1.0
    assert abs(result.mapping.vmin - 0.32) < 0.02 * 179.54
    assert abs(result.mapping.vmax - 179.86) < 0.02 * 179.54
