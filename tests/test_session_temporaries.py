"""The test session leaves nothing in the system's temporary folder, even from the child
processes its tests kill, or when the session's own process ends without its exit handlers."""
import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent

#: A pytest plugin that ends the session's process as QGIS can at exit (a segmentation fault
#: in QGIS's exit handler, seen after a failed window test): before Python's other exit
#: handlers run. Registered once the session has started, so it runs first.
ENDS_WITHOUT_EXIT_HANDLERS = '''
import atexit
import os


def pytest_sessionstart(session):
    atexit.register(os._exit, 0)
'''


def test_a_session_leaves_nothing_in_the_temporary_folder(tmp_path):
    """A test of killed runs (its child imports the package through a link in a temporary
    folder and takes a copy of the sample figure, then kills itself with SIGKILL), in a session
    whose process ends without its exit handlers: the temporary folder holds nothing of ours
    afterwards (only pytest's own folder)."""
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    (tmp_path / "ends_without_exit_handlers.py").write_text(ENDS_WITHOUT_EXIT_HANDLERS)
    test = "tests/engine/test_killed_runs.py::test_a_run_killed_before_its_commit_changes_no_output"
    session = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "-p", "ends_without_exit_handlers", test],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=600,
        env={**os.environ, "TMPDIR": str(temporary), "PYTHONPATH": str(tmp_path)})
    assert session.returncode == 0, session.stdout[-2000:] + session.stderr[-2000:]
    assert "1 passed" in session.stdout
    left = sorted(p.name for p in temporary.iterdir() if not p.name.startswith("pytest-of-"))
    assert left == []
