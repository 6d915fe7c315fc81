"""The plugin object QGIS loads: registers the provider, adds a toolbar button and a menu entry."""
import os

from qgis.core import QgsApplication
from qgis.PyQt import sip
from qgis.PyQt.QtCore import QCoreApplication, QSettings, Qt, QTranslator
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
        self.window_action = None
        self.window = None
        self.dialog = None
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
        # The toolbar button opens the decode window; the menu has it and the Processing dialog,
        # under Raster, where metadata.txt's category puts the plugin too.
        self.window_action = QAction(QIcon(ICON_PATH), self.tr("Decode window…"),
                                     self.iface.mainWindow())
        self.window_action.setObjectName("colormapDecoderWindow")
        self.window_action.setToolTip(self.tr(
            "Colormap Decoder: open a figure, fix what was found on it, preview, decode"))
        self.window_action.triggered.connect(self.open_window)
        self.iface.addToolBarIcon(self.window_action)
        self.iface.addPluginToRasterMenu(self.tr("&Colormap Decoder"), self.window_action)
        self.action = QAction(QIcon(ICON_PATH), self.tr("Decode colour-mapped map…"),
                              self.iface.mainWindow())
        self.action.setObjectName("colormapDecoderDecodeMap")
        self.action.triggered.connect(self.open_dialog)
        self.iface.addPluginToRasterMenu(self.tr("&Colormap Decoder"), self.action)

    def unload(self):
        if self.dialog is not None and not sip.isdeleted(self.dialog):
            self.dialog.close()
        self.dialog = None
        if self.window is not None:
            self.window.close()
            self.window.deleteLater()
            self.window = None
        if self.window_action is not None:
            self.iface.removePluginRasterMenu(self.tr("&Colormap Decoder"), self.window_action)
            self.iface.removeToolBarIcon(self.window_action)
            self.window_action.deleteLater()
            self.window_action = None
        if self.action is not None:
            self.iface.removePluginRasterMenu(self.tr("&Colormap Decoder"), self.action)
            self.action.deleteLater()
            self.action = None
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
        if self.translator is not None:
            QCoreApplication.removeTranslator(self.translator)
            self.translator = None

    def open_window(self):
        """Open (or bring back) the decode window."""
        from ..ui.decode_window import DecodeWindow

        if self.window is None:
            self.window = DecodeWindow(self.iface, self.iface.mainWindow())
            self.window.setWindowFlag(Qt.WindowType.Window, True)
        self.window.show()
        self.window.raise_()
        self.window.activateWindow()
        return self.window

    def open_dialog(self):
        """Open the algorithm's Processing dialog, non-modal like the Processing toolbox's.

        A modal dialog is minimised together with the main window by some window managers when
        "Draw on Canvas" hides it, and the box cannot be drawn. One dialog at a time: the menu
        entry brings an open one to the front.
        """
        if self.dialog is not None and not sip.isdeleted(self.dialog):
            self.dialog.showNormal()
            self.dialog.raise_()
            self.dialog.activateWindow()
            return self.dialog
        from processing import createAlgorithmDialog

        dialog = createAlgorithmDialog(ALGORITHM_ID, {})
        if dialog is None:
            return None
        dialog.setWindowModality(Qt.WindowModality.NonModal)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        canvas = self.iface.mapCanvas()
        previous_tool = canvas.mapTool() if canvas is not None else None

        def restore_map_tool():
            # "Draw on Canvas" leaves its own map tool active (as execAlgorithmDialog undoes).
            if canvas is not None and previous_tool is not None \
                    and not sip.isdeleted(previous_tool) and canvas.mapTool() is not previous_tool:
                canvas.setMapTool(previous_tool)

        # (AlgorithmDialog's 'finished' is a method, not QDialog's signal: use 'destroyed'.)
        dialog.destroyed.connect(restore_map_tool)
        self.dialog = dialog
        dialog.show()
        return dialog
