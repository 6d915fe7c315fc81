"""decodemap in headless QGIS on a grid drawn cell by cell: the native grid and its points."""
from pathlib import Path

import numpy as np
import rasterio

TEST_DATA = Path(__file__).resolve().parents[1] / "data"


def test_cell_by_cell_figure_comes_back_as_its_grid(provider, tmp_path):
    import matplotlib
    import processing
    from qgis.core import QgsVectorLayer
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with rasterio.open(f'NETCDF:"{TEST_DATA / "stars_reduced_oisst.nc"}":sst') as dataset:
        sst = dataset.read(1, masked=True).astype(float).filled(np.nan) * dataset.scales[0]
    # The Atlantic and Indian oceans, 2° cells of 8.4 × 8.4 px: 90 × 50 cells, 40° E..-140°.
    grid = sst[20:70, 0:90]
    width, height, left, top = 1000, 600, 80, 60
    figure = plt.figure(figsize=(width / 100, height / 100), dpi=100)
    axes = figure.add_axes([left / width, 1 - (top + 420) / height, 756 / width, 420 / height])
    axes.imshow(grid, cmap="viridis", vmin=-2, vmax=33, interpolation="nearest",
                extent=(-1, 179, -50, 50), aspect="auto")
    axes.text(60, 0, "Label", fontsize=14)
    path = tmp_path / "sst.png"
    figure.savefig(path, dpi=100)
    plt.close(figure)
    gcps = tmp_path / "sst.csv"
    rows = ["pixel_x,pixel_y,map_x,map_y"]
    for lon, lat in ((9, 40), (169, 40), (9, -40), (169, -40), (89, 0)):
        rows.append(f"{left + (lon + 1) * 4.2},{top + (50 - lat) * 4.2},{lon},{lat}")
    gcps.write_text("\n".join(rows) + "\n")

    result = processing.run("colormapdecoder:decodemap", {
        "INPUT": str(path), "PLOT_AREA": f"{left},{left + 756},{-(top + 420)},{-top}",
        "COLORMAP": "viridis", "VMIN": -2, "VMAX": 33, "GCPS": str(gcps),
        "GCP_CRS": "EPSG:4326", "OUTPUT": str(tmp_path / "native.tif"),
        "OUTPUT_POINTS": str(tmp_path / "cells.gpkg")})
    with rasterio.open(result["OUTPUT"]) as dataset:
        assert (dataset.width, dataset.height) == (90, 50)
        gt = dataset.transform
        values = dataset.read(1, masked=True)
    assert abs(gt.a - 2) < 0.01 and abs(gt.e + 2) < 0.01 and gt.b == 0 and gt.d == 0
    assert abs(gt.c + 1) < 0.05 and abs(gt.f - 50) < 0.05
    data = np.isfinite(grid)
    close = np.abs(values.filled(np.nan) - grid) <= 35 / 256
    assert close[data].mean() >= 0.95

    points = QgsVectorLayer(result["OUTPUT_POINTS"], "cells", "ogr")
    names = points.fields().names()
    for field in ("grid_row", "grid_col", "partial", "value", "n_pixels", "value_std"):
        assert field in names
    features = list(points.getFeatures())
    assert abs(len(features) - data.sum()) <= 0.05 * data.sum()
    right = 0
    for feature in features:
        row, col = feature["grid_row"], feature["grid_col"]
        point = feature.geometry().asPoint()
        # The point stands at its cell's centre and carries its value.
        assert abs(point.x() - (2 * col)) < 0.1 and abs(point.y() - (49 - 2 * row)) < 0.1
        assert feature["partial"] in (False, 0)
        right += abs(feature["value"] - grid[row, col]) <= 35 / 256
    assert right >= 0.95 * len(features)
