"""What a new user meets on a first run (issue 13): refusals before the run, a quiet and
readable log, optional colormap packages without warnings.

The dialog, canvas, menu and report have their own files (``test_first_run_gui.py``,
``test_decode_report.py``).
"""
import os
import re
import shutil
import subprocess
import sys

import numpy as np
import pytest
import rasterio
from PIL import Image
from sample_figure import FIGURE, REPO_ROOT
from sample_figure import sample_parameters as parameters

ALGORITHM = "colormapdecoder:decodemap"
QGIS_ENV = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": os.environ.get("HOME", "/root"),
            "QT_QPA_PLATFORM": "offscreen", "LANG": "C.UTF-8"}
PROGRESS_LABELS = ("Reading the figure", "Decoding colours", "Reducing to representative points",
                   "Placing the figure in the target CRS", "Writing")


def check(values):
    """(ok, message) of the algorithm's checkParameterValues, as the dialog calls it."""
    from qgis.core import QgsApplication, QgsProcessingContext

    algorithm = QgsApplication.processingRegistry().createAlgorithmById(ALGORITHM)
    return algorithm.checkParameterValues(values, QgsProcessingContext())


def georeferenced_copy(folder):
    """The sample figure as a GeoTIFF with a UTM geotransform (it needs no GCPs)."""
    rgb = np.asarray(Image.open(FIGURE).convert("RGB"))
    path = folder / "georeferenced.tif"
    profile = dict(driver="GTiff", width=rgb.shape[1], height=rgb.shape[0], count=3,
                   dtype="uint8", crs="EPSG:32632",
                   transform=rasterio.Affine(112.5, 0, 590000, 0, -112.5, 5200000))
    with rasterio.open(path, "w", **profile) as dataset:
        dataset.write(np.moveaxis(rgb, 2, 0))
    return path


@pytest.fixture
def without_ocr(monkeypatch):
    """Tesseract missing: the figure's labels cannot answer VMIN/VMAX or GCPS (issue 17)."""
    from colormap_decoder.plugin.engine.detection import ocr

    monkeypatch.setattr(ocr, "ocr_available", lambda: False)


def test_with_ocr_the_labels_answer_range_and_gcps(provider):
    values = {k: v for k, v in parameters("/tmp", GCPS=None, VMIN=None, VMAX=None).items()
              if v is not None}
    assert check(values) == (True, "")


@pytest.mark.parametrize("override, parameter, words", [
    ({"GCPS": None}, "GCPS", "plain image"),
    ({"VMIN": None}, "VMIN", "no values of its own"),
    ({"VMIN": None, "VMAX": ""}, "VMIN and VMAX", "colormap 'viridis'"),
    ({"COLORMAP": "", "COLORBAR": "700,720,-518,-87", "VMAX": None}, "VMAX", "colorbar box"),
])
def test_combinations_that_cannot_work_are_refused_before_the_run(provider, override, parameter,
                                                                  words, without_ocr):
    values = {k: v for k, v in parameters("/tmp", **override).items() if v is not None}
    ok, message = check(values)
    assert not ok
    assert any(line.startswith(f"{parameter}: ") and words in line
               for line in message.splitlines()), message


def test_two_problems_are_both_named(provider, without_ocr):
    values = {k: v for k, v in parameters("/tmp", GCPS=None, VMAX=None).items() if v is not None}
    ok, message = check(values)
    assert not ok
    assert [line.split(":")[0] for line in message.splitlines()] == ["VMAX", "GCPS"]


@pytest.mark.parametrize("override", [
    {},
    {"VMIN": None, "VMAX": None, "LEVELS": "0,1000,2000,3000,4000"},
    {"VMIN": None, "VMAX": None, "COLORMAP": str(REPO_ROOT / "tests" / "data" /
                                                  "gmtserver_earth_age.cpt")},
    {"VMIN": None, "VMAX": None, "COLORMAP": "cpt-city:gmt/GMT_haxby"},
    # Neither COLORMAP nor COLORBAR: the colorbar is found on the figure (issue 17).
    {"COLORMAP": ""},
])
def test_combinations_that_can_work_pass(provider, override):
    values = {k: v for k, v in parameters("/tmp", **override).items() if v is not None}
    assert check(values) == (True, "")


def test_a_georeferenced_figure_needs_no_gcps(provider, tmp_path):
    values = {k: v for k, v in parameters(tmp_path, GCPS=None).items() if v is not None}
    values["INPUT"] = str(georeferenced_copy(tmp_path))
    values.pop("PLOT_AREA")
    assert check(values) == (True, "")


def test_qgis_process_log_is_quiet_and_readable(tmp_path):
    """The sample through qgis_process: each progress label once, no GDAL ERROR line, the GCP
    table with a header and units and rounded numbers, the points' check explained."""
    executable = shutil.which("qgis_process.bin", path="/usr/bin:/bin")
    assert executable, "qgis_process.bin is not installed (make test installs it)"
    plugin_folder = tmp_path / "plugins"
    plugin_folder.mkdir()
    (plugin_folder / "colormap_decoder").symlink_to(REPO_ROOT, target_is_directory=True)
    env = dict(QGIS_ENV, QGIS_PLUGINPATH=str(plugin_folder), HOME=str(tmp_path))
    subprocess.run([executable, "plugins", "enable", "colormap_decoder"], env=env,
                   capture_output=True, timeout=120)
    values = parameters(tmp_path)
    completed = subprocess.run(
        [executable, "run", ALGORITHM, "--"] + [f"{k}={v}" for k, v in values.items()],
        env=env, capture_output=True, text=True, timeout=300)
    log = completed.stdout + completed.stderr
    assert completed.returncode == 0, log
    # No ERROR anywhere: not from qgis_process's own check of INPUT (before the algorithm
    # runs; the provider's filter covers it), nor from the algorithm.
    assert not [line for line in log.splitlines() if "ERROR" in line], log
    run_log = completed.stdout.split("Inputs", 1)[1]
    lines = run_log.splitlines()
    for label in PROGRESS_LABELS:
        # qgis_process writes its progress dots on the same line as the next label.
        assert len(re.findall(rf"(?<![\w ]){re.escape(label)}\b", run_log)) == 1, (label, log)
    assert not [line for line in lines if "ERROR" in line], log
    lines = [line.replace("\u00a0\u00a0", " ") for line in lines]
    header = next(line for line in lines if line.split()[:1] == ["#"])
    assert header.split() == ["#", "m", "px", "m", "px", "GCP"], header
    above = lines[lines.index(header) - 1]
    assert above.split() == ["residual", "leave-one-out"], above
    rows = [line for line in lines if re.search(r"GCP \d+ \(line \d+\)$", line)]
    assert len(rows) == 9, log
    # Numbers end where their unit ends (right-aligned).
    for end in (match.end() for match in re.finditer(r"\b(m|px)\b", header)):
        assert all(row[end - 1] != " " and row[end] == " " for row in rows), (end, rows)
    # Columns line up with the header (no-break spaces, doubled for the QGIS log, here).
    label_start = header.index("GCP")
    assert {re.search(r"GCP \d", row).start() for row in rows} == {label_start}, rows
    assert not re.search(r"\de-\d", run_log), "unrounded numbers in the log"
    assert "< 0.001" in rows[0]
    assert "Reconstruction from the points: RMSE" not in run_log
    assert "measures the point layer only" in run_log


def test_optional_colormap_packages_import_without_warnings():
    """A name matplotlib does not know makes the lookup import cmocean, cmcrameri and colorcet:
    none of their import-time warnings (colorcet: ~200 PendingDeprecationWarnings) comes out."""
    pytest.importorskip("colorcet")
    script = (
        "import sys, warnings\n"
        f"sys.path.insert(0, {str(REPO_ROOT / 'tests')!r})\n"
        "from sample_figure import expose_package\n"
        "expose_package()\n"
        "from colormap_decoder.plugin.engine.colour_scales import resolve_colour_scale\n"
        "warnings.simplefilter('always')\n"
        "with warnings.catch_warnings(record=True) as caught:\n"
        "    warnings.simplefilter('always')\n"
        "    scale = resolve_colour_scale('fire')\n"
        "assert 'colorcet' in sys.modules, 'the lookup did not reach colorcet'\n"
        "print(scale.name)\n"
        "print(len(caught))\n"
        "for w in caught: print(w.category.__name__, w.message)\n")
    completed = subprocess.run([sys.executable if "qgis" in sys.modules else "/usr/bin/python3",
                                "-W", "always", "-c", script], env=QGIS_ENV,
                               capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr
    name, count = completed.stdout.splitlines()[:2]
    assert name == "colorcet:fire"
    assert count == "0", completed.stdout
    assert "Warning" not in completed.stderr, completed.stderr
