"""The plugin object QGIS loads: registers the provider, adds a toolbar button and a menu entry."""
from qgis.core import QgsApplication
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtGui import QIcon
from qgis.PyQt.QtWidgets import QAction

from . import ICON_PATH
from .processing.provider import ColormapDecoderProvider

ALGORITHM_ID = "colormapdecoder:decodemap"


class ColormapDecoderPlugin:
    """Colormap Decoder's entry point for QGIS's plugin manager and for ``qgis_process``."""

    def __init__(self, iface):
        self.iface = iface
        self.provider = None
        self.action = None

    @staticmethod
    def tr(text):
        return QCoreApplication.translate("ColormapDecoder", text)

    def initProcessing(self):  # noqa: N802 - called by QGIS, also by qgis_process
        self.provider = ColormapDecoderProvider()
        QgsApplication.processingRegistry().addProvider(self.provider)

    def initGui(self):  # noqa: N802
        self.initProcessing()
        if self.iface is None:
            return
        self.action = QAction(QIcon(ICON_PATH), self.tr("Decode colour-mapped map…"),
                              self.iface.mainWindow())
        self.action.setObjectName("colormapDecoderDecodeMap")
        self.action.triggered.connect(self.open_dialog)
        self.iface.addToolBarIcon(self.action)
        self.iface.addPluginToMenu(self.tr("&Colormap Decoder"), self.action)

    def unload(self):
        if self.action is not None:
            self.iface.removePluginMenu(self.tr("&Colormap Decoder"), self.action)
            self.iface.removeToolBarIcon(self.action)
            self.action.deleteLater()
            self.action = None
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None

    def open_dialog(self):
        """Open the algorithm's Processing dialog."""
        from processing import execAlgorithmDialog

        execAlgorithmDialog(ALGORITHM_ID, {})
