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


@pytest.fixture(scope="session")
def provider(qgis_app):
    from qgis.core import QgsApplication

    from colormap_decoder.plugin.processing.provider import ColormapDecoderProvider

    registry = QgsApplication.processingRegistry()
    existing = registry.providerById("colormapdecoder")
    if existing is not None:
        return existing
    instance = ColormapDecoderProvider()
    assert registry.addProvider(instance)
    return instance
