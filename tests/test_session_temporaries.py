"""The test session leaves nothing in the system's temporary folder, even from the child
processes its tests kill."""
import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def test_children_killed_by_a_test_leave_nothing_in_the_temporary_folder(tmp_path):
    """A test of killed runs (its child imports the package through a link in a temporary
    folder and takes a copy of the sample figure, then kills itself with SIGKILL): after the
    session, the temporary folder holds nothing of ours (only pytest's own folder)."""
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    test = "tests/engine/test_killed_runs.py::test_a_run_killed_before_its_commit_changes_no_output"
    session = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", test],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=600,
        env={**os.environ, "TMPDIR": str(temporary)})
    assert session.returncode == 0, session.stdout[-2000:] + session.stderr[-2000:]
    assert "1 passed" in session.stdout
    left = sorted(p.name for p in temporary.iterdir() if not p.name.startswith("pytest-of-"))
    assert left == []
