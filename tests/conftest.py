"""Test set-up shared by every test.

The plugin's code uses relative imports and must work as the package ``colormap_decoder``
whatever this checkout's folder is called, so the tests import it under that name through a
link to the repository root in a temporary folder.
"""
import os
import sys
import tempfile
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
TEST_DATA = REPO_ROOT / "tests" / "data"


def _expose_package():
    link_parent = Path(tempfile.mkdtemp(prefix="colormap_decoder_pkg_"))
    (link_parent / "colormap_decoder").symlink_to(REPO_ROOT, target_is_directory=True)
    sys.path.insert(0, str(link_parent))


_expose_package()
sys.path.insert(0, str(REPO_ROOT / "tests"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(scope="session")
def shared_data():
    """The folder of real grids used by the tests (copies kept in tests/data)."""
    return TEST_DATA
