"""Figures whose face cannot answer the parameters left empty (issue 17): no tick labels, a
curved graticule, labels in a script Tesseract's English model does not read. decodemap must
refuse with a QgsProcessingException that names the parameter to give, and write nothing:
never a wrong result without a warning. Figures drawn by matplotlib and cartopy here."""
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from figures_for_tests import topobathy  # noqa: E402
from matplotlib import ticker  # noqa: E402

EASTERN_ARABIC = str.maketrans("0123456789-.", "٠١٢٣٤٥٦٧٨٩−٫")


def grid_and_extent():
    grid, extent = topobathy()
    return grid, (extent[0] - 360, extent[1] - 360, extent[2], extent[3])


def save_with_corner_gcps(figure, axes, path, extent):
    """Save the figure and a GCP file of its frame's corners (from matplotlib's transform)."""
    figure.canvas.draw()
    height = figure.canvas.get_width_height()[1]
    (x0, y0), (x1, y1) = axes.get_window_extent().get_points()
    west, east, south, north = extent
    figure.savefig(path, dpi=figure.dpi)
    plt.close(figure)
    gcps = str(path) + ".csv"
    with open(gcps, "w", encoding="utf-8") as handle:
        handle.write("pixel_x,pixel_y,map_x,map_y\n")
        for px, py, mx, my in ((x0, height - y1, west, north), (x1, height - y1, east, north),
                               (x0, height - y0, west, south), (x1, height - y0, east, south)):
            handle.write(f"{px},{py},{mx},{my}\n")
    return gcps


def plain_figure(path, formatter=None, ticks=True):
    grid, extent = grid_and_extent()
    figure = plt.figure(figsize=(9, 6), dpi=100)
    axes = figure.add_axes([0.12, 0.12, 0.66, 0.78])
    bar_axes = figure.add_axes([0.81, 0.12, 0.025, 0.78])
    image = axes.imshow(grid, cmap="viridis", extent=extent, aspect="auto")
    bar = figure.colorbar(image, cax=bar_axes)
    if not ticks:
        axes.set_xticks([])
        axes.set_yticks([])
        bar.set_ticks([])
    if formatter is not None:
        axes.xaxis.set_major_formatter(formatter)
        axes.yaxis.set_major_formatter(formatter)
        bar.formatter = formatter
        bar.update_ticks()
    return save_with_corner_gcps(figure, axes, path, extent)


def conic_figure(path, rotate_labels):
    """A Lambert conformal map with cartopy's gridlines and their labels: curved parallels,
    leaning meridians, labels evenly spaced along the frame all the same."""
    import cartopy.crs as ccrs

    figure = plt.figure(figsize=(9, 6), dpi=100)
    projection = ccrs.LambertConformal(central_longitude=10, standard_parallels=(40, 50))
    axes = figure.add_axes([0.1, 0.1, 0.7, 0.8], projection=projection)
    lon, lat = np.linspace(-10, 30, 161), np.linspace(30, 60, 121)
    field = np.sin(np.radians(4 * lon))[None, :] * np.cos(np.radians(3 * lat))[:, None] * 1000
    mesh = axes.pcolormesh(lon, lat, field, transform=ccrs.PlateCarree(), cmap="viridis",
                           shading="auto")
    axes.set_extent([0, 20, 40, 50], crs=ccrs.PlateCarree())
    lines = axes.gridlines(draw_labels=True, x_inline=False, y_inline=False,
                           rotate_labels=rotate_labels)
    lines.top_labels = False
    lines.right_labels = False
    figure.colorbar(mesh, cax=figure.add_axes([0.84, 0.1, 0.025, 0.8]))
    figure.savefig(path, dpi=100)
    plt.close(figure)


def refused(values):
    import processing
    from qgis.core import QgsProcessingException

    with pytest.raises(QgsProcessingException) as caught:
        processing.run("colormapdecoder:decodemap", values)
    for name in ("OUTPUT", "OUTPUT_POINTS"):
        assert not os.path.exists(values[name]), f"{name} written by a refused run"
    return str(caught.value)


def outputs(folder):
    return {"OUTPUT": str(folder / "decoded.tif"), "OUTPUT_POINTS": str(folder / "points.gpkg")}


def test_no_tick_labels_names_vmin_and_gcps(provider, tmp_path):
    figure = tmp_path / "bare.png"
    gcps = plain_figure(figure, ticks=False)
    message = refused({"INPUT": str(figure), "GCPS": gcps, "GCP_CRS": "EPSG:4326",
                       "TARGET_CRS": "EPSG:4326", **outputs(tmp_path)})
    assert message.startswith("VMIN:") and "Give VMIN and VMAX" in message
    message = refused({"INPUT": str(figure), "GCP_CRS": "EPSG:4326", "COLORMAP": "viridis",
                       "VMIN": -1000, "VMAX": 2000, **outputs(tmp_path)})
    assert message.startswith("GCPS:") and "Give a GCPS file" in message


def test_labels_in_an_unknown_script_name_vmin_and_gcps(provider, tmp_path):
    """Eastern Arabic digits (٠١٢٣...): some look like Latin ones ('١' like '1', '٥' like '0'),
    so OCR returns text, but no set of them agrees on a scale: refused, never used."""
    figure = tmp_path / "arabic.png"
    arabic = ticker.FuncFormatter(lambda value, _: f"{value:g}".translate(EASTERN_ARABIC))
    gcps = plain_figure(figure, formatter=arabic)
    message = refused({"INPUT": str(figure), "GCPS": gcps, "GCP_CRS": "EPSG:4326",
                       "TARGET_CRS": "EPSG:4326", **outputs(tmp_path)})
    assert message.startswith("VMIN:") and "Give VMIN and VMAX" in message
    message = refused({"INPUT": str(figure), "GCP_CRS": "EPSG:4326", "COLORMAP": "viridis",
                       "VMIN": -1000, "VMAX": 2000, **outputs(tmp_path)})
    assert message.startswith("GCPS:") and "Give a GCPS file" in message


@pytest.mark.parametrize("rotate_labels", [False, True])
def test_a_curved_graticule_names_gcps(provider, tmp_path, rotate_labels):
    """Lambert conformal: with upright labels they are evenly spaced along the frame (the tick
    fits' residuals are about half a pixel) and only the leaning grid lines tell; with labels
    rotated along the lines they are not read. Either way GCPS is asked for."""
    figure = tmp_path / "conic.png"
    conic_figure(figure, rotate_labels)
    message = refused({"INPUT": str(figure), "GCP_CRS": "EPSG:4326", "COLORMAP": "viridis",
                       "VMIN": -1000, "VMAX": 1000, **outputs(tmp_path)})
    assert message.startswith("GCPS:") and "Give a GCPS file" in message
    if not rotate_labels:
        assert "graticule is curved" in message and "°E' by" in message
