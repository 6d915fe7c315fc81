"""Faithful decoding (issue 15) of figures drawn by QGIS's own renderer with its gradient ramps.

The Vinschgau DEM drawn by QGIS (singleband pseudocolour, interpolated ramp shader) is decoded
by the whole pipeline with ``qgis:<ramp>`` and compared with the seed pipeline's nearest of
10,000 samples of the same ramp (``tests/faithful_peers.py``): our good pixels are at least the
peer's, our median and 95th percentile at most the peer's plus a twentieth of the ramp's 8-bit
colour step. QGIS truncates interpolated channels, which the decoder recognises from the figure.
"""
import pytest
from faithful_peers import bench, ours, peer


@pytest.mark.parametrize("ramp", ["Spectral", "Viridis"])
def test_qgis_ramp_figure_beats_the_nearest_sample_search(qgis_app, tmp_path, ramp):
    import numpy as np

    case = next(case for case in bench.qgis_cases(tmp_path) if ramp in case.name)
    mine, theirs = ours(case, tmp_path), peer(case)
    _, positions, colours = case.table
    step = 1.0 / np.ceil(np.abs(np.diff(np.asarray(colours) * 255, axis=0)).max(axis=1)
                         - 1e-6).sum()
    assert mine["good"] >= theirs["good"]
    assert mine["median"] <= theirs["median"] + 0.05 * step, (mine, theirs)
    assert mine["p95"] <= theirs["p95"] + 0.05 * step, (mine, theirs)
