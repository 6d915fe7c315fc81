"""A disk that fills up during a run, for real: the command line as a user runs it.

``qgis_process.bin`` runs on a copy of the plugin (its bytecode cache written by these runs,
not the checkout's). The disk fills through a file size limit (``RLIMIT_FSIZE``: every write
beyond it fails, as on a full disk), or for real on a small RAM disk (tmpfs) mounted in a user
namespace (``unshare``, no privileges needed; skipped where the kernel does not allow it).
"""
import hashlib
import re
import resource
import shutil
import signal
import subprocess
from pathlib import Path

import pytest
from sample_figure import FIGURE, POINTS_FILE, REPO_ROOT
from sample_figure import sample_parameters as parameters


def qgis_process():
    executable = shutil.which("qgis_process.bin", path="/usr/bin:/bin")
    assert executable, "qgis_process.bin is not installed (make test installs it)"
    return executable


@pytest.fixture()
def plugin_copy(tmp_path):
    """The environment of qgis_process with a copy of the plugin (no bytecode yet) enabled."""
    plugins = tmp_path / "plugins"
    shutil.copytree(REPO_ROOT, plugins / "colormap_decoder", ignore=shutil.ignore_patterns(
        ".git", "__pycache__", "*.pyc", "tests", "bench", "docs", "sample"))
    env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": str(tmp_path / "home"),
           "LANG": "C.UTF-8", "QT_QPA_PLATFORM": "offscreen", "QGIS_PLUGINPATH": str(plugins)}
    subprocess.run([qgis_process(), "plugins", "enable", "colormap_decoder"], env=env,
                   capture_output=True, timeout=120, check=False)
    return env


@pytest.fixture()
def inputs(tmp_path):
    folder = tmp_path / "inputs"
    folder.mkdir()
    shutil.copy(FIGURE, folder / "fig.png")
    shutil.copy(POINTS_FILE, folder / "fig.png.points")
    return folder


def digests(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()
            if p.is_file() and not p.name.endswith(".aux.xml")}


def decode(env, values, file_size_limit=None, timeout=300):
    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (file_size_limit, resource.RLIM_INFINITY))

    completed = subprocess.run(
        [qgis_process(), "run", "colormapdecoder:decodemap", "--"]
        + [f"{key}={value}" for key, value in values.items()],
        env=env, capture_output=True, text=True, timeout=timeout,
        preexec_fn=limit if file_size_limit else None)
    return completed.returncode, completed.stdout + completed.stderr


def test_a_first_run_on_a_full_disk_does_not_break_the_runs_after_it(tmp_path, plugin_copy,
                                                                     inputs):
    """The first run imports the plugin's modules, and Python writes their bytecode: on a full
    disk a cut-short .pyc was renamed into place (a CPython flaw), and every later run failed
    with 'EOFError: marshal data too short' in a traceback, the disk long freed. Now the run on
    the full disk fails naming its output, and the next one works."""
    out = tmp_path / "out"
    out.mkdir()
    values = parameters(out, figure=inputs / "fig.png", GCPS=str(inputs / "fig.png.points"))
    before = digests(inputs)
    # 100 kB: less than the raster and some of the plugin's compiled modules.
    code, output = decode(plugin_copy, values, file_size_limit=100_000)
    assert code != 0, output
    assert "ERROR:\tOUTPUT: The raster '" in output and "disk is probably full" in output, output
    assert "Traceback" not in output
    assert not list(out.iterdir())
    code, output = decode(plugin_copy, values)
    assert code == 0, output
    assert "Traceback" not in output and "marshal" not in output
    assert sorted(p.name for p in out.iterdir()) == ["decoded.tif", "points.gpkg"]
    assert digests(inputs) == before


#: The child for a real full disk: mounts a tmpfs of each size (or number of inodes) on the
#: output folder in its own user and mount namespace, and runs a decode with every output
#: over previous files there. Prints one JSON line a run.
TMPFS_CHILD = r"""
import json, os, subprocess, sys
sys.path.insert(0, {tests!r})
from sample_figure import sample_parameters, start_qgis_with_provider
app, provider = start_qgis_with_provider()
import processing
from qgis.core import QgsProcessingException
inputs, disk, limits = {inputs!r}, {disk!r}, {limits!r}
names = ["decoded.tif", "points.gpkg", "distance.tif", "rebuilt.tif", "report.html", "report.json"]
for limit in limits:
    subprocess.run(["mount", "-t", "tmpfs", "-o", limit, "tmpfs", disk], check=True)
    try:
        for name in names:
            with open(os.path.join(disk, name), "wb") as handle:
                handle.write(b"previous " + name.encode())
        values = sample_parameters(disk, figure=os.path.join(inputs, "fig.png"),
                                   GCPS=os.path.join(inputs, "fig.png.points"),
                                   OUTPUT_DISTANCE=os.path.join(disk, "distance.tif"),
                                   OUTPUT_RECONSTRUCTION=os.path.join(disk, "rebuilt.tif"),
                                   OUTPUT_REPORT=os.path.join(disk, "report.html"))
        try:
            processing.run("colormapdecoder:decodemap", values)
            message = None
        except QgsProcessingException as error:
            message = str(error)
        previous = [name for name in names if os.path.exists(os.path.join(disk, name)) and
                    open(os.path.join(disk, name), "rb").read() == b"previous " + name.encode()]
        used = int(subprocess.run(["du", "-sk", disk], capture_output=True, text=True,
                                  check=True).stdout.split()[0])
        print(json.dumps(dict(limit=limit, message=message, previous=previous,
                              files=sorted(os.listdir(disk)), used_kib=used)), flush=True)
    finally:
        subprocess.run(["umount", disk], check=True)
"""


def tmpfs_runs(tmp_path, inputs, limits):
    """Each run's outcome on a tmpfs of each of ``limits`` (mount options)."""
    import json
    import sys

    if not shutil.which("unshare") or subprocess.run(
            ["unshare", "--user", "--map-root-user", "--mount", "mount", "-t", "tmpfs", "tmpfs",
             str(tmp_path)], capture_output=True, check=False).returncode != 0:
        pytest.skip("no user namespace with tmpfs mounts here (unshare)")
    disk = tmp_path / "disk"
    disk.mkdir(exist_ok=True)
    child = subprocess.run(
        ["unshare", "--user", "--map-root-user", "--mount", sys.executable, "-c",
         TMPFS_CHILD.format(tests=str(Path(__file__).resolve().parents[1]), inputs=str(inputs),
                            disk=str(disk), limits=list(limits))],
        capture_output=True, text=True, timeout=900)
    assert child.returncode == 0, child.stdout + child.stderr
    return [json.loads(line) for line in child.stdout.splitlines() if line.startswith("{")]


NAMES = ["decoded.tif", "distance.tif", "points.gpkg", "rebuilt.tif", "report.html",
         "report.json"]


def test_a_disk_that_fills_at_any_point_changes_no_output_and_says_so(tmp_path, inputs):
    """A real full disk (ENOSPC: a RAM disk too small; or out of inodes), whichever output it
    stops: every output as it was, no temporary left, and a message that names the parameter,
    the user's file (never a temporary one), and says to free some space. Before, a point layer
    that could not be created was explained with kilobytes of GDAL's SQL and the staged file's
    name, and 'choose a folder you can write to'; a report, with no advice at all."""

    (needed,) = tmpfs_runs(tmp_path, inputs, ["size=20m"])
    assert needed["message"] is None and needed["previous"] == [], needed
    assert needed["files"] == NAMES
    size = needed["used_kib"]
    limits = [f"size={int(size * share)}k" for share in (0.05, 0.45, 0.93, 0.99)]
    limits += [f"size=20m,nr_inodes={count}" for count in (9, 10, 13, 14, 15, 16)]
    refused = 0
    for run in tmpfs_runs(tmp_path, inputs, limits):
        if run["message"] is None:  # it fitted after all: everything new
            assert run["previous"] == [] and run["files"] == NAMES, run
            continue
        refused += 1
        message = run["message"].removeprefix("Unable to execute algorithm\n")
        assert sorted(run["previous"]) == NAMES and run["files"] == NAMES, run
        assert re.match(r"(OUTPUT|OUTPUT_POINTS|OUTPUT_DISTANCE|OUTPUT_RECONSTRUCTION|"
                        r"OUTPUT_REPORT): ", message), run
        assert "free some space" in message.lower(), run
        for words in (".partial-", "sqlite3_exec", "Traceback", "This is a bug"):
            assert words not in message, run
    assert refused >= len(limits) - 3
