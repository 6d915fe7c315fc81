"""Boxes drawn over a figure (PLOT_AREA, COLORBAR, PANEL) as the engine takes them.

A figure that is not georeferenced shows in QGIS with x = column, y = -row: its boxes are
figure pixels whatever CRS the extent widget appends ("[EPSG:…]", the canvas's), never
reprojected from it (QGIS may give such a layer a default CRS, and pixels taken for metres
would come back as degrees). Boxes on a georeferenced figure are map coordinates, brought into
the layer's CRS; into the figure's own when the layer has none (loaded without its .aux.xml,
``figure_loading``: a CRS held only there).
"""
from qgis.core import QgsCoordinateReferenceSystem, QgsProcessingException
from qgis.PyQt.QtCore import QCoreApplication

from .qgis_crs import crs_from_wkt


def tr(text):
    return QCoreApplication.translate("FigureBoxes", text)


class FigureBoxes:
    """Reads an algorithm's extent parameters as boxes over one figure.

    Parameters
    ----------
    algorithm : QgsProcessingAlgorithm
    parameters : dict
    context : QgsProcessingContext
    layer : QgsRasterLayer
        The figure (INPUT) as QGIS loaded it.
    figure_path : str

    Attributes
    ----------
    notes : list of str
        What the log should say about how a box was read (a CRS QGIS gave it, not used).
    """

    def __init__(self, algorithm, parameters, context, layer, figure_path):
        from ..engine.figure import read_georeferencing

        self.algorithm, self.parameters, self.context = algorithm, parameters, context
        geotransform, figure_crs_wkt = read_georeferencing(figure_path)
        self.plain_image = geotransform is None
        self.crs = QgsCoordinateReferenceSystem() if self.plain_image else (
            layer.crs() if layer.crs().isValid() else crs_from_wkt(figure_crs_wkt))
        self.notes = []

    def extent(self, name):
        """Box ``name`` as (xmin, xmax, ymin, ymax): figure pixels (y = -row) on a figure that
        is not georeferenced, map coordinates in its CRS otherwise; None when not given.

        Raises
        ------
        QgsProcessingException
            An empty box (naming the parameter).
        """
        parameters = self.parameters
        if not parameters.get(name):
            return None
        rectangle = self.algorithm.parameterAsExtent(parameters, name, self.context, self.crs)
        if rectangle.isNull() or rectangle.isEmpty():
            raise QgsProcessingException(tr(
                "{}: the box '{}' is empty. Draw it over the figure, or leave it empty."
            ).format(name, parameters.get(name)))
        box_crs = self.algorithm.parameterAsExtentCrs(parameters, name, self.context)
        if self.plain_image and box_crs.isValid():
            from ..engine.text_format import numbers_text

            self.notes.append(tr(
                "{}: {} read as figure pixels (x = column, y = -row); the CRS QGIS gave the box "
                "({}) is not used on a figure that is not georeferenced.").format(
                    name, numbers_text((rectangle.xMinimum(), rectangle.xMaximum(),
                                        rectangle.yMinimum(), rectangle.yMaximum()), ","),
                    box_crs.authid() or box_crs.description()))
        return (rectangle.xMinimum(), rectangle.xMaximum(),
                rectangle.yMinimum(), rectangle.yMaximum())
