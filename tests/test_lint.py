"""The repository passes its linter (ruff, configured in ruff.toml), so that nobody lands lint
errors unknowingly: land.sh and ``make test`` run this test."""
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


def test_ruff_finds_nothing():
    version = subprocess.run([sys.executable, "-m", "ruff", "--version"], capture_output=True,
                             text=True)
    assert version.returncode == 0, (
        "ruff is not installed for this Python: run 'make lint-deps' (it installs the version "
        "the Makefile pins)")
    # No cache: the test writes nothing into the working tree.
    checked = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache",
                              "--output-format", "concise", "."], cwd=REPO_ROOT,
                             capture_output=True, text=True, timeout=300)
    assert checked.returncode == 0, (
        f"ruff found problems ('ruff check --fix .' fixes the import order and unused "
        f"imports):\n{checked.stdout}{checked.stderr}")
