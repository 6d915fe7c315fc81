"""The Colormap Decoder Processing provider."""
from qgis.core import QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from .. import ICON_PATH
from .decode_map_algorithm import DecodeMapAlgorithm
from .detect_figure_algorithm import DetectFigureAlgorithm


class ColormapDecoderProvider(QgsProcessingProvider):
    """Provides ``colormapdecoder:decodemap`` and ``colormapdecoder:detectfigure``."""

    def id(self):
        return "colormapdecoder"

    def name(self):
        return self.tr("Colormap Decoder")

    def longName(self):
        return self.name()

    def icon(self):
        return QIcon(ICON_PATH)

    def svgIconPath(self):
        return ICON_PATH

    def supportedOutputRasterLayerExtensions(self):  # noqa: N802 - QGIS API
        # The engine writes GeoTIFF only: offer no other raster format.
        return ["tif"]

    def loadAlgorithms(self):
        self.addAlgorithm(DecodeMapAlgorithm())
        self.addAlgorithm(DetectFigureAlgorithm())
