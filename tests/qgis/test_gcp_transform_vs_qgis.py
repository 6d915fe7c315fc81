"""Our GCP transforms put points where QGIS's Georeferencer transforms (QgsGcpTransformerInterface) do.

QGIS is given the GCPs as its Georeferencer gives them: source coordinates (column, -row), i.e.
the y-up view of an image without georeferencing, with ``invertYAxis`` either False (source
points are transformed as (column, -row)) or True (what the Georeferencer itself uses: GDAL
GCPs and warping in pixel/line, so points are transformed as (column, row)). Our API takes
(column, row) with y down in both cases.
"""
from fractions import Fraction

import numpy as np
import pytest
import qgis.analysis as qgis_analysis  # noqa: E402
from qgis.core import QgsPointXY  # noqa: E402
from qgis.testing import start_app  # noqa: E402

from colormap_decoder.plugin.engine.gcp_transform import TransformKind, fit_gcp_transform  # noqa: E402
from colormap_decoder.plugin.engine.gcps import GroundControlPoints  # noqa: E402

start_app()
QgsGcpTransformerInterface = qgis_analysis.QgsGcpTransformerInterface
QGIS_METHODS = {
    TransformKind.POLYNOMIAL_1: QgsGcpTransformerInterface.TransformMethod.PolynomialOrder1,
    TransformKind.POLYNOMIAL_2: QgsGcpTransformerInterface.TransformMethod.PolynomialOrder2,
    TransformKind.POLYNOMIAL_3: QgsGcpTransformerInterface.TransformMethod.PolynomialOrder3,
    TransformKind.THIN_PLATE_SPLINE: QgsGcpTransformerInterface.TransformMethod.ThinPlateSpline,
    TransformKind.HELMERT: QgsGcpTransformerInterface.TransformMethod.Helmert,
    TransformKind.PROJECTIVE: QgsGcpTransformerInterface.TransformMethod.Projective,
}
WIDTH, HEIGHT = 1200, 900
TOLERANCE_MAP_UNITS = 1e-6
TOLERANCE_PIXELS = 1e-6


def _figure_gcps(units, count=11, seed=4):
    """Realistic GCPs of a 1200 x 900 pixel figure: gently non-linear map, noisy clicks."""
    rng = np.random.default_rng(seed)
    column = rng.uniform(15, WIDTH - 15, count)
    row = rng.uniform(15, HEIGHT - 15, count)
    u, v = column / WIDTH, row / HEIGHT
    if units == "utm":  # ~30 km x 22 km in UTM zone 32N, metres; ~2 m clicking noise
        map_x = 470000 + 30000 * u + 1500 * v + 400 * u * v + rng.normal(0, 2.0, count)
        map_y = 5290000 + 800 * u - 22000 * v - 300 * u * u + rng.normal(0, 2.0, count)
    else:  # ~0.4 x 0.2 degrees of longitude/latitude; ~2e-5 degree noise
        map_x = 8.1 + 0.4 * u + 0.02 * v + 0.005 * u * v + rng.normal(0, 2e-5, count)
        map_y = 47.6 + 0.01 * u - 0.2 * v - 0.004 * v * v + rng.normal(0, 2e-5, count)
    return GroundControlPoints(pixel=np.column_stack([column, row]), map=np.column_stack([map_x, map_y]),
                               enabled=None)


def _qgis_transformer(gcps, kind, invert_y_axis):
    transformer = QgsGcpTransformerInterface.create(QGIS_METHODS[kind])
    source = [QgsPointXY(float(column), -float(row)) for column, row in gcps.pixel]
    destination = [QgsPointXY(float(x), float(y)) for x, y in gcps.map]
    assert transformer.updateParametersFromGcps(source, destination, invert_y_axis)
    return transformer


def _qgis_pixel_to_map(transformer, pixel, invert_y_axis):
    results = []
    for column, row in pixel:
        ok, x, y = transformer.transform(float(column), float(row if invert_y_axis else -row), False)
        assert ok
        results.append((x, y))
    return np.array(results)


def _qgis_map_to_pixel(transformer, map_xy, invert_y_axis):
    results = []
    for x, y in map_xy:
        ok, column, source_y = transformer.transform(float(x), float(y), True)
        assert ok
        results.append((column, source_y if invert_y_axis else -source_y))
    return np.array(results)


def _test_pixels(gcps):
    rng = np.random.default_rng(99)
    inside = np.column_stack([rng.uniform(0, WIDTH, 150), rng.uniform(0, HEIGHT, 150)])
    corners = np.array([[0, 0], [WIDTH, 0], [0, HEIGHT], [WIDTH, HEIGHT], [0.5, 0.5]], dtype=float)
    return np.vstack([gcps.pixel, inside, corners])


def _exact_least_squares_polynomial(source, target, order, points):
    """The least-squares polynomial evaluated at `points`, in exact rational arithmetic."""
    def terms(x, y):
        return [x ** (degree - power) * y ** power for degree in range(order + 1) for power in range(degree + 1)]

    design = [terms(Fraction(x), Fraction(y)) for x, y in source]
    size = len(design[0])
    values = []
    for axis in range(2):
        right = [Fraction(value) for value in target[:, axis]]
        normal = [[sum(row[i] * row[j] for row in design) for j in range(size)]
                  + [sum(row[i] * value for row, value in zip(design, right))] for i in range(size)]
        for pivot in range(size):  # Gauss-Jordan elimination, exact
            swap = next(r for r in range(pivot, size) if normal[r][pivot] != 0)
            normal[pivot], normal[swap] = normal[swap], normal[pivot]
            for r in range(size):
                if r != pivot and normal[r][pivot] != 0:
                    factor = normal[r][pivot] / normal[pivot][pivot]
                    normal[r] = [a - factor * b for a, b in zip(normal[r], normal[pivot])]
        coefficients = [normal[i][size] / normal[i][i] for i in range(size)]
        values.append([float(sum(c * t for c, t in zip(coefficients, terms(Fraction(x), Fraction(y)))))
                       for x, y in points])
    return np.column_stack(values)


@pytest.mark.parametrize("invert_y_axis", [False, True], ids=["source-y-up", "georeferencer-invertYAxis"])
@pytest.mark.parametrize("units", ["utm", "degrees"])
@pytest.mark.parametrize("kind", list(TransformKind), ids=lambda kind: kind.name)
def test_pixel_to_map_matches_qgis(kind, units, invert_y_axis):
    gcps = _figure_gcps(units)
    pixels = _test_pixels(gcps)
    ours = np.column_stack(fit_gcp_transform(gcps, kind).pixel_to_map(pixels[:, 0], pixels[:, 1]))
    theirs = _qgis_pixel_to_map(_qgis_transformer(gcps, kind, invert_y_axis), pixels, invert_y_axis)

    assert np.max(np.abs(ours - theirs)) < TOLERANCE_MAP_UNITS


@pytest.mark.parametrize("invert_y_axis", [False, True], ids=["source-y-up", "georeferencer-invertYAxis"])
@pytest.mark.parametrize("units", ["utm", "degrees"])
@pytest.mark.parametrize("kind", list(TransformKind), ids=lambda kind: kind.name)
def test_map_to_pixel_matches_qgis(kind, units, invert_y_axis):
    gcps = _figure_gcps(units)
    transform = fit_gcp_transform(gcps, kind)
    pixels = _test_pixels(gcps)
    # Map positions around the figure, off the GCPs so the reverse fits are really exercised.
    map_xy = np.column_stack(transform.pixel_to_map(pixels[:, 0], pixels[:, 1]))
    ours = np.column_stack(transform.map_to_pixel(map_xy[:, 0], map_xy[:, 1]))
    theirs = _qgis_map_to_pixel(_qgis_transformer(gcps, kind, invert_y_axis), map_xy, invert_y_axis)
    assert np.max(np.abs(ours - theirs)) < TOLERANCE_PIXELS


def test_polynomial_3_differs_from_qgis_only_by_gdal_round_off():
    """Documented difference: with ill-conditioned cubic fits QGIS carries GDAL's round-off.

    GDAL 3.6 solves the cubic's normal equations on pixel coordinates that are centred but not
    scaled (terms up to 600**6 next to 1: condition number ~1e16), so with UTM northings of
    5e6 m its result can be ~1e-5 m off the least-squares cubic. Ours (orthogonal solver on
    centred and scaled coordinates) is the exact least-squares cubic to ~1e-9 m, checked here
    against an exact rational-arithmetic solution; QGIS stays within its round-off of it.
    """
    rng = np.random.default_rng(1)
    column, row = rng.uniform(0, WIDTH, 12), rng.uniform(0, HEIGHT, 12)
    map_x = 500000 + 30 * column + 2 * row + 0.001 * column * row + rng.normal(0, 5, 12)
    map_y = 5200000 - column - 30 * row + rng.normal(0, 5, 12)
    gcps = GroundControlPoints(np.column_stack([column, row]), np.column_stack([map_x, map_y]), None)
    pixels = _test_pixels(gcps)
    ours = np.column_stack(fit_gcp_transform(gcps, TransformKind.POLYNOMIAL_3).pixel_to_map(pixels[:, 0], pixels[:, 1]))
    theirs = _qgis_pixel_to_map(_qgis_transformer(gcps, TransformKind.POLYNOMIAL_3, True), pixels, True)
    exact = _exact_least_squares_polynomial(gcps.pixel, gcps.map, 3, pixels)
    assert np.max(np.abs(ours - exact)) < 1e-7
    gdal_error = np.max(np.abs(theirs - exact))
    assert gdal_error < 1e-3
    assert np.max(np.abs(ours - theirs)) <= gdal_error + 1e-7
