"""The plugin object QGIS loads: registers the provider, adds a toolbar button and a menu entry."""
import os

from qgis.core import QgsApplication
from qgis.PyQt.QtCore import QCoreApplication, QSettings, QTranslator
from qgis.PyQt.QtGui import QIcon
from qgis.PyQt.QtWidgets import QAction

from . import ICON_PATH, PLUGIN_ROOT
from .processing.provider import ColormapDecoderProvider

ALGORITHM_ID = "colormapdecoder:decodemap"


def load_translator(locale=None):
    """Install the translator of i18n/colormap_decoder_<locale>.qm, when there is one.

    ``locale`` defaults to QGIS's user locale ('de_DE', 'de'...); 'de_DE' falls back to 'de'.
    Returns the installed QTranslator (keep it, and remove it on unload), or None.
    """
    if locale is None:
        locale = str(QSettings().value("locale/userLocale", "") or "")
    for name in dict.fromkeys((locale, locale[:2])):
        path = os.path.join(PLUGIN_ROOT, "i18n", f"colormap_decoder_{name}.qm")
        if name and os.path.isfile(path):
            translator = QTranslator()
            if translator.load(path):
                QCoreApplication.installTranslator(translator)
                return translator
    return None


class ColormapDecoderPlugin:
    """Colormap Decoder's entry point for QGIS's plugin manager and for ``qgis_process``."""

    def __init__(self, iface):
        self.iface = iface
        self.provider = None
        self.action = None
        self.translator = load_translator()

    @staticmethod
    def tr(text):
        # The context pylupdate5 gives this class's self.tr() strings.
        return QCoreApplication.translate("ColormapDecoderPlugin", text)

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
        if self.translator is not None:
            QCoreApplication.removeTranslator(self.translator)
            self.translator = None

    def open_dialog(self):
        """Open the algorithm's Processing dialog."""
        from processing import execAlgorithmDialog

        execAlgorithmDialog(ALGORITHM_ID, {})
