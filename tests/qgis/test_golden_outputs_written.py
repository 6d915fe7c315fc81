"""The files decodemap writes hold the golden values and points (tests/data/golden/).

The engine's goldens (tests/engine/test_golden_outputs.py) check what ``decode_map`` returns;
this checks what reaches the disk after the GeoTIFF is written in blocks with its fast
settings and the point layer in batches: the raster's values are the decoded figure's (the
contour-filled figure is written on its own pixel grid), the points' geometry and every
attribute those of the golden, in order (map coordinates to round-off, areas to 7 digits).
"""
import shutil
from pathlib import Path

import numpy as np
import rasterio

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "golden"
MAP_ROUND_OFF = 1e-12  # relative: BLAS kernels differ by CPU in the last bits
LEVELS = ",".join(str(v) for v in range(200, 1101, 100))


def test_contourf_outputs_on_disk_are_the_golden_ones(provider, tmp_path):
    import processing
    from qgis.core import QgsVectorLayer

    # A copy: QGIS writes GDAL's statistics (.aux.xml) beside the raster it opens.
    figure = Path(shutil.copy2(GOLDEN / "jacksboro_contourf.png", tmp_path))
    result = processing.run("colormapdecoder:decodemap", {
        "INPUT": str(figure), "COLORMAP": "viridis", "LEVELS": LEVELS,
        "PLOT_AREA": "110,690,-530,-70", "GCPS": str(GOLDEN / "jacksboro_contourf.gcps.csv"),
        "GCP_CRS": "EPSG:4326", "OUTPUT": str(tmp_path / "decoded.tif"),
        "OUTPUT_POINTS": str(tmp_path / "points.gpkg")})
    golden = np.load(GOLDEN / "jacksboro_contourf.golden.npz")
    with rasterio.open(result["OUTPUT"]) as dataset:
        written = dataset.read(1, masked=True)
        np.testing.assert_allclose(dataset.transform.to_gdal(), golden["raster_geotransform"],
                                   rtol=MAP_ROUND_OFF, atol=1e-9)
        classes = dataset.read(2, masked=True)
    assert np.array_equal(written.filled(np.nan), golden["raster"], equal_nan=True)
    # The class band: the golden decoded classes inside the plot area.
    expected = golden["field_classes"][70:530, 110:690].astype(float)
    expected[expected < 0] = np.nan
    assert np.array_equal(classes.filled(np.nan), expected, equal_nan=True)

    layer = QgsVectorLayer(result["OUTPUT_POINTS"], "points", "ogr")
    features = list(layer.getFeatures())
    assert len(features) == len(golden["value"]) > 50
    x = np.array([f.geometry().asPoint().x() for f in features])
    y = np.array([f.geometry().asPoint().y() for f in features])
    # Map coordinates to round-off: LAPACK and BLAS kernels, chosen for the CPU at run time, sum
    # in different orders. The golden areas kept 7 digits (a shoelace on raw UTM coordinates).
    np.testing.assert_allclose(x, golden["x"], rtol=MAP_ROUND_OFF, atol=0)
    np.testing.assert_allclose(y, golden["y"], rtol=MAP_ROUND_OFF, atol=0)
    np.testing.assert_allclose([f["area_m2"] for f in features], golden["area_m2"], rtol=1e-6,
                               atol=0)
    for name in ("value", "n_pixels", "pixel_x", "pixel_y"):
        assert np.array_equal(np.array([f[name] for f in features], float),
                              golden[name].astype(float)), name
    assert np.allclose([f["value_std"] for f in features], golden["value_std"], rtol=0,
                       atol=1e-6 * np.abs(golden["value"]).max())
