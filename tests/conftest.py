"""Test set-up shared by every test.

The plugin's code uses relative imports and must work as the package ``colormap_decoder``
whatever this checkout's folder is called, so the tests import it under that name through a
link to the repository root in a temporary folder.

Each test is marked by its folder (``engine``, ``qgis`` or ``repository``; see pytest.ini), and
the whole session checks that no test wrote into the checkout.
"""
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
TEST_DATA = REPO_ROOT / "tests" / "data"


sys.path.insert(0, str(REPO_ROOT / "tests"))
from sample_figure import expose_package, remove_temporary_folders  # noqa: E402

expose_package()
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _temporary_folder_of_child_processes():
    """A folder of this session that the processes the tests start take as their temporary
    folder (``TMPDIR``), removed when the session ends.

    Tests kill their children on purpose (SIGKILL in the middle of a write), and a process
    killed runs no exit handler: what such a child made in the temporary folder (its package
    link, its copy of the sample figure) was left in /tmp, a score of folders per run. This
    process's Python keeps the system's temporary folder (it is asked for first, and Python
    keeps the answer), so pytest's own ``tmp_path`` is not moved; QGIS in this process reads
    TMPDIR itself (``QDir::tempPath()``) and takes the new folder.
    """
    tempfile.gettempdir()
    folder = tempfile.mkdtemp(prefix="colormap_decoder_tests_")
    os.environ["TMPDIR"] = folder
    return folder


CHILDREN_TEMPORARY_FOLDER = _temporary_folder_of_child_processes()


def pytest_unconfigure(config):
    shutil.rmtree(CHILDREN_TEMPORARY_FOLDER, ignore_errors=True)
    # This process's own folders too, before its exit: after a failed window test, QGIS
    # crashed at exit (a segmentation fault) and Python's exit handlers never ran.
    remove_temporary_folders()


@pytest.fixture(scope="session")
def shared_data():
    """The folder of real grids used by the tests (copies kept in tests/data)."""
    return TEST_DATA


#: Marker of the tests in each folder under tests/; tests/*.py are "repository".
FOLDER_MARKERS = {"engine": "engine", "qgis": "qgis"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        parts = Path(str(item.fspath)).resolve().relative_to(REPO_ROOT / "tests").parts
        item.add_marker(FOLDER_MARKERS.get(parts[0], "repository") if len(parts) > 1
                        else "repository")


def _checkout_files():
    """Files in the checkout that git does not track, ignored ones included; bytecode caches
    aside (Python writes them on import). None outside a git checkout."""
    try:
        listed = subprocess.run(["git", "status", "--porcelain", "--ignored",
                                 "--untracked-files=all"], cwd=REPO_ROOT, capture_output=True,
                                text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    if listed.returncode != 0:
        return None
    # New files only ("??" untracked, "!!" ignored): a tracked file changed during the run is
    # more likely its developer's edit than a test's doing.
    return {line for line in listed.stdout.splitlines()
            if line[:2] in ("??", "!!") and "__pycache__/" not in line and not line.endswith(".pyc")}


@pytest.fixture(scope="session", autouse=True)
def checkout_left_untouched():
    """Tests write into temporary folders only, never into the checkout."""
    before = _checkout_files()
    yield
    after = _checkout_files()
    if before is not None and after is not None:
        written = sorted(after - before)
        assert not written, ("tests wrote into the checkout (write into tmp_path instead): "
                             + ", ".join(line[3:] for line in written[:20]))

