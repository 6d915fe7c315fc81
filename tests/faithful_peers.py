"""The peers the decoder must beat (issue 15), run the way the accuracy bench runs them.

The figures and the measure come from ``bench/accuracy_table.py`` (real grids, real renderers);
the peer is the seed pipeline's decoding step itself, written out here so that the tests do not
depend on files outside the repository: nearest of 10,000 samples of the exact colour table in
RGB (0–255), masked beyond 70.
"""
import sys
from pathlib import Path

import numpy as np

BENCH = Path(__file__).resolve().parents[1] / "bench"
sys.path.insert(0, str(BENCH))
import accuracy_table as bench  # noqa: E402

SAMPLES = 10_000


def nearest_sample_values(case, samples=SAMPLES, mask_distance=70.0):
    """The seed pipeline's decode: nearest of ``samples`` table colours, figure-frame values."""
    from PIL import Image
    from scipy.spatial import cKDTree

    colormap = bench._peer_table(case)
    values = np.linspace(case.vmin, case.vmax, samples)
    colours = np.asarray(colormap(np.linspace(0, 1, samples)))[:, :3] * 255
    col0, row0, col1, row1 = case.plot_box
    rgb = np.asarray(Image.open(case.path).convert("RGB"))[row0:row1, col0:col1]
    distance, index = cKDTree(colours).query(rgb.reshape(-1, 3).astype(float))
    decoded = np.where(distance > mask_distance, np.nan, values[index]).reshape(rgb.shape[:2])
    return bench._peer_values(case, decoded)


def peer(case):
    """The seed-like peer measured like ours (good pixels, median, p95, data masked)."""
    values = nearest_sample_values(case)
    return bench.measure(case, lambda r, c: values[r, c])


def ours(case, folder):
    return bench.ours(case, Path(folder))
