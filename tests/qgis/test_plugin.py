"""The plugin as QGIS loads it: classFactory, toolbar and menu, provider registration."""
from unittest import mock


def test_class_factory_registers_and_unregisters_the_provider(qgis_app):
    from qgis.core import QgsApplication

    import colormap_decoder

    registry = QgsApplication.processingRegistry()
    existing = registry.providerById("colormapdecoder")
    if existing is not None:
        registry.removeProvider(existing)
    iface = mock.MagicMock()
    iface.mainWindow.return_value = None
    plugin = colormap_decoder.classFactory(iface)
    plugin.initGui()
    provider = registry.providerById("colormapdecoder")
    assert provider is not None
    assert provider.name() == "Colormap Decoder"
    algorithm = registry.algorithmById("colormapdecoder:decodemap")
    assert algorithm is not None
    assert algorithm.displayName() == "Decode colour-mapped map"
    names = [p.name() for p in algorithm.parameterDefinitions()]
    for expected in ("INPUT", "GCPS", "GCP_CRS", "TRANSFORM", "TARGET_CRS", "PIXEL_SIZE",
                     "COLORMAP", "COLORBAR", "VMIN", "VMAX", "SCALE", "LEVELS", "PLOT_AREA",
                     "MAX_COLOR_DISTANCE", "DBSCAN_EPS", "DBSCAN_MIN_SAMPLES", "OUTPUT",
                     "OUTPUT_POINTS"):
        assert expected in names
    transform = algorithm.parameterDefinition("TRANSFORM")
    assert transform.options() == ["Polynomial 1 (affine)", "Polynomial 2", "Polynomial 3",
                                   "Thin plate spline", "Helmert", "Projective"]
    assert algorithm.shortHelpString()
    iface.addToolBarIcon.assert_called_once()
    assert iface.addToolBarIcon.call_args[0][0] is plugin.window_action
    # Under Raster: the window and the Processing dialog.
    assert iface.addPluginToRasterMenu.call_count == 2
    iface.addPluginToMenu.assert_not_called()
    plugin.unload()
    assert registry.providerById("colormapdecoder") is None
    iface.removeToolBarIcon.assert_called_once()
    assert iface.removePluginRasterMenu.call_count == 2


def test_the_toolbar_button_opens_the_decode_window(qgis_app):
    import colormap_decoder
    from colormap_decoder.ui.decode_window import DecodeWindow

    iface = mock.MagicMock()
    iface.mainWindow.return_value = None
    plugin = colormap_decoder.classFactory(iface)
    plugin.initGui()
    try:
        plugin.window_action.trigger()
        assert isinstance(plugin.window, DecodeWindow) and plugin.window.isVisible()
        window = plugin.window
        plugin.window_action.trigger()  # the same window comes back
        assert plugin.window is window
    finally:
        plugin.unload()
    assert plugin.window is None


def test_metadata_declares_what_qgis_needs():
    import configparser
    from pathlib import Path

    repo_root = Path(__file__).resolve().parents[2]

    metadata = configparser.ConfigParser()
    metadata.read(repo_root / "metadata.txt", encoding="utf-8")
    general = metadata["general"]
    assert general["name"] == "Colormap Decoder"
    assert general["qgisMinimumVersion"] == "3.22"
    assert general["qgisMaximumVersion"] == "4.99"
    assert general["hasProcessingProvider"] == "yes"
    assert (repo_root / general["icon"]).is_file()
    for dependency in ("numpy", "scipy", "rasterio", "pyproj", "shapely"):
        assert dependency in general["about"]
    assert "scikit-learn" not in general["about"] and "sklearn" not in general["about"]
