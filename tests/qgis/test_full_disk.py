"""A disk that fills up during a run, for real: the command line as a user runs it.

``qgis_process.bin`` runs on a copy of the plugin (its bytecode cache written by these runs,
not the checkout's). The disk fills through a file size limit (``RLIMIT_FSIZE``: every write
beyond it fails, as on a full disk), or for real on a small RAM disk (tmpfs) mounted in a user
namespace (``unshare``, no privileges needed; skipped where the kernel does not allow it).
"""
import hashlib
import resource
import shutil
import signal
import subprocess

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
