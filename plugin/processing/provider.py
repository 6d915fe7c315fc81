"""The Colormap Decoder Processing provider."""
from qgis.core import QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from .. import ICON_PATH
from .decode_map_algorithm import DecodeMapAlgorithm
from .detect_figure_algorithm import DetectFigureAlgorithm
from .gdal_messages import GeoreferencingProbeFilter


class ColormapDecoderProvider(QgsProcessingProvider):
    """Provides ``colormapdecoder:decodemap`` and ``colormapdecoder:detectfigure``."""

    def __init__(self):
        super().__init__()
        self._probe_filter = GeoreferencingProbeFilter()

    def load(self):
        """Drop GDAL's "no geotransform" message on plain figures from start-up on.

        ``qgis_process`` opens INPUT to check it before the algorithm runs: the filter must
        already be there.
        """
        self._probe_filter.install()
        return super().load()

    def unload(self):
        self._probe_filter.remove()
        super().unload()

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
