"""The peers the decoder must beat (issue 15), run the way the accuracy bench runs them.

The figures and the measure come from ``bench/accuracy_table.py`` (real grids, real renderers).
Two peers, both handed the exact colour table:

* the seed pipeline's decoding step itself, written out here so that the tests do not depend on
  files outside the repository: nearest of 10,000 samples of the table in RGB (0–255), masked
  beyond 70;
* PyPI's ``unmap`` (the version pinned in ``tests/unmap-requirements.txt``), run in its own venv
  outside the checkout, which ``make peers`` (part of ``make test``) creates; another
  interpreter with it can be named in ``COLORMAP_DECODER_UNMAP_PYTHON``.
"""
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

BENCH = Path(__file__).resolve().parents[1] / "bench"
sys.path.insert(0, str(BENCH))
import accuracy_table as bench  # noqa: E402

SAMPLES = 10_000
UNMAP_REQUIREMENTS = Path(__file__).resolve().parent / "unmap-requirements.txt"
#: unmap's pinned version, as ``make peers`` installs it.
UNMAP_VERSION = next(line.split("==")[1].strip()
                     for line in UNMAP_REQUIREMENTS.read_text(encoding="utf-8").splitlines()
                     if line.startswith("unmap=="))
#: Where ``make peers`` puts unmap's venv (the Makefile's UNMAP_VENV).
UNMAP_VENV = Path("/var/lib/colormap-decoder/peers") / f"unmap-{UNMAP_VERSION}"


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


def unmap_python():
    """The interpreter that imports the pinned unmap, or None with the reason why not."""
    python = os.environ.get("COLORMAP_DECODER_UNMAP_PYTHON") or str(UNMAP_VENV / "bin" / "python")
    if not Path(python).is_file():
        return None, f"{python} is missing: `make peers` installs unmap {UNMAP_VERSION} there"
    check = subprocess.run(
        [python, "-c", "import importlib.metadata as m; import unmap; print(m.version('unmap'))"],
        capture_output=True, text=True, timeout=120)
    if check.returncode != 0:
        return None, f"{python} cannot import unmap: {check.stderr.strip()[-300:]}"
    if check.stdout.strip() != UNMAP_VERSION:
        return None, (f"{python} has unmap {check.stdout.strip()}, not the pinned "
                      f"{UNMAP_VERSION}: run `make peers`")
    return python, ""


def unmap_peer(case, folder, python):
    """unmap (levels=10,000, its default threshold 0.1) on the plot area, measured like ours."""
    return bench.unmap_values(case, python, Path(folder))


def ours(case, folder):
    return bench.ours(case, Path(folder))
