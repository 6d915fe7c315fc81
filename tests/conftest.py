"""Test set-up shared by every test.

The plugin's code uses relative imports and must work as the package ``colormap_decoder``
whatever this checkout's folder is called, so the tests import it under that name through a
link to the repository root in a temporary folder.
"""
import os
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
TEST_DATA = REPO_ROOT / "tests" / "data"


sys.path.insert(0, str(REPO_ROOT / "tests"))
from sample_figure import expose_package  # noqa: E402

expose_package()
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(scope="session")
def shared_data():
    """The folder of real grids used by the tests (copies kept in tests/data)."""
    return TEST_DATA
