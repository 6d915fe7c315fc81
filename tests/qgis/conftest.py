"""A headless QGIS application with Processing and this plugin's provider, once per session."""
import pytest


@pytest.fixture(scope="session")
def qgis_app():
    from qgis.testing import start_app

    app = start_app()
    import sys

    sys.path.insert(0, "/usr/share/qgis/python/plugins")
    from processing.core.Processing import Processing

    Processing.initialize()
    return app


_PROVIDERS = []  # QGIS 3.22's registry keeps no Python reference: this one does.


@pytest.fixture()
def provider(qgis_app):
    """The registered provider; registered again when a test (plugin unloading) removed it."""
    from qgis.core import QgsApplication

    from colormap_decoder.plugin.processing.provider import ColormapDecoderProvider

    registry = QgsApplication.processingRegistry()
    existing = registry.providerById("colormapdecoder")
    if existing is not None:
        return existing
    instance = ColormapDecoderProvider()
    assert registry.addProvider(instance)
    _PROVIDERS.append(instance)
    return instance


@pytest.fixture()
def figure_folder(tmp_path):
    """A folder of copies of the bundled sample figure and its GCP file (``fig.png``,
    ``fig.png.points``): inputs a test may attack, hash or overwrite without touching the
    checkout."""
    import shutil

    from sample_figure import FIGURE, POINTS_FILE

    folder = tmp_path / "inputs"
    folder.mkdir()
    shutil.copy(FIGURE, folder / "fig.png")
    shutil.copy(POINTS_FILE, folder / "fig.png.points")
    return folder
