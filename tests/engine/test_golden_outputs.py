"""The engine's outputs on real figures stay those of the engine before the speed work.

``tests/data/golden/`` holds four real figures (contour-filled discrete, the same as a palette
PNG, blocky, and the bundled smooth sample) and what ``pipeline.decode_map`` made of them at
commit 2128481, before reading, reduction, warping and writing were made faster
(``tests/data/make_golden.py``; made again when issue 15 changed the decoded values on purpose,
which its accuracy tests prove better). Every optimisation must leave the decoded values and
classes and every point (position, value, pixel count, snapping) exactly as they were, and its
target coordinates to the round-off of the CPU's BLAS kernels and its area to the golden's
7 digits. The output raster went from the engine's own warp to GDAL's warper, which places a
value within one figure pixel of where the old warp put it (tests/engine/test_warp_gdal.py):
here each output pixel must hold the golden value of the same pixel or of a neighbour.
"""
from pathlib import Path

import numpy as np
import pytest

from colormap_decoder.plugin.engine.pipeline import DecodeSettings, decode_map

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "golden"
MAP_ROUND_OFF = 1e-12  # relative: BLAS kernels differ by CPU in the last bits
GOLDEN_AREA_DIGITS = 1e-6  # relative: the goldens' areas kept 7 digits (see below)


def _cases():
    import sys

    sys.path.insert(0, str(GOLDEN.parent))
    from make_golden import cases

    return cases()


@pytest.fixture(scope="module", params=sorted(_cases()))
def run(request):
    name = request.param
    golden = dict(np.load(GOLDEN / f"{name}.golden.npz"))
    return name, golden, decode_map(DecodeSettings(**_cases()[name]))


def test_decoded_values_and_classes_are_unchanged(run):
    _, golden, result = run
    assert np.array_equal(result.field.values, golden["field_values"], equal_nan=True)
    if golden["field_classes"].size:
        assert np.array_equal(result.field.class_index, golden["field_classes"])
    else:
        assert result.field.class_index is None


def test_points_are_unchanged(run):
    _, golden, result = run
    clusters, points = result.points.clusters, result.points
    assert len(clusters) == len(golden["value"]) > 50
    for name in ("pixel_x", "pixel_y", "value", "n_pixels", "snapped"):
        assert np.array_equal(getattr(clusters, name), golden[name]), name
    # The map coordinates pass through LAPACK's least squares and BLAS products, whose kernels
    # (chosen for the CPU at run time) sum in different orders: they agree with the golden to
    # round-off (10⁻¹² of a coordinate: 5 µm at 5,000 km), not bit for bit.
    for name in ("x", "y"):
        np.testing.assert_allclose(getattr(points, name), golden[name], rtol=MAP_ROUND_OFF,
                                   atol=0, equal_nan=True, err_msg=name)
    # The golden areas came from a shoelace on raw UTM coordinates, which kept 7 digits.
    np.testing.assert_allclose(points.area_m2, golden["area_m2"], rtol=GOLDEN_AREA_DIGITS, atol=0,
                               equal_nan=True)
    # The spread is a sum of squares: a cluster of one value now gets exactly 0 where the old
    # sums left round-off (~1e-5 of the value).
    scale = np.abs(golden["value"]).max()
    assert np.allclose(clusters.value_std, golden["value_std"], rtol=0, atol=1e-6 * scale)
    rmse = float(golden["rmse"])
    assert result.reconstruction.rmse == pytest.approx(rmse, rel=1e-9)


def test_raster_values_are_where_they_were_within_a_pixel(run):
    name, golden, result = run
    assert result.grid.geotransform == pytest.approx(tuple(golden["raster_geotransform"]),
                                                     rel=1e-12, abs=1e-9)
    old, new = golden["raster"], result.values
    assert new.shape == old.shape
    data = np.isfinite(new)
    # Same data pixels but for a few along the plot area's edges.
    assert (data ^ np.isfinite(old)).sum() <= 0.003 * data.sum()
    same = (new == old) | ~data
    assert same.mean() > 0.95, name
    # Every other pixel holds the old value of one of its 8 neighbours.
    padded = np.pad(old, 1, constant_values=np.nan)
    rows, cols = np.nonzero(~same)
    neighbours = np.stack([padded[rows + 1 + dr, cols + 1 + dc]
                           for dr in (-1, 0, 1) for dc in (-1, 0, 1)])
    assert np.all(np.any(neighbours == new[rows, cols], axis=0)), name
