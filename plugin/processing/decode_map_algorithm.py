"""``colormapdecoder:decodemap``: a colour-mapped figure and its GCPs in, a GeoTIFF and points out.

The algorithm only translates between Processing and the engine (``plugin/engine``): it reads
parameters into :class:`DecodeSettings`, relays progress, log and cancellation, and writes the
engine's results to the raster destination and the feature sink. The engine is imported inside
``processAlgorithm`` so that the plugin loads, and explains itself, when one of its scientific
packages is missing.
"""
import os

from qgis.core import (
    Qgis,
    QgsApplication,
    QgsFeature,
    QgsFeatureSink,
    QgsField,
    QgsFields,
    QgsGeometry,
    QgsPointXY,
    QgsProcessing,
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingOutputFile,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterCrs,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterEnum,
    QgsProcessingParameterExtent,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterDestination,
    QgsProcessingParameterString,
    QgsProcessingUtils,
    QgsRasterLayer,
    QgsVectorFileWriter,
)
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QUrl
from qgis.PyQt.QtGui import QIcon

from .. import ICON_PATH
from .dependencies import missing_dependencies_message
from .figure_boxes import FigureBoxes
from .figure_loading import loading_figure
from .parameter_checks import FigureParameter, PolygonLayerParameter
from .progress import feedback_progress
from .qgis_crs import crs_from_wkt, crs_wkt


def field_type(name, qgis_version=None):
    """The type a ``QgsField`` takes for ``name``: "Double", "Int" or "Bool".

    QGIS 3.38 and later take a QMetaType type (``QMetaType.Type.Double``; QGIS 4, on Qt 6, takes
    nothing else); older QGIS (3.22, the oldest this plugin supports) a QVariant type
    (``QVariant.Type.Double``), as QGIS's own Python chooses them.

    Parameters
    ----------
    name : str
    qgis_version : int, optional
        ``Qgis.QGIS_VERSION_INT`` (e.g. 32216 for 3.22.16) by default.
    """
    if (Qgis.QGIS_VERSION_INT if qgis_version is None else qgis_version) >= 33800:
        from qgis.PyQt.QtCore import QMetaType

        return {"Double": QMetaType.Type.Double, "Int": QMetaType.Type.Int,
                "Bool": QMetaType.Type.Bool}[name]
    from qgis.PyQt.QtCore import QVariant

    return {"Double": QVariant.Type.Double, "Int": QVariant.Type.Int,
            "Bool": QVariant.Type.Bool}[name]


def point_fields():
    """The fields of the point layer (OUTPUT_POINTS)."""
    fields = QgsFields()
    for name, kind in (("value", "Double"), ("value_std", "Double"), ("n_pixels", "Int"),
                       ("pixel_x", "Double"), ("pixel_y", "Double"), ("area_m2", "Double"),
                       ("grid_row", "Int"), ("grid_col", "Int"), ("partial", "Bool")):
        fields.append(QgsField(name, field_type(kind)))
    return fields


#: The geometry type of the point layer: ``Qgis.WkbType`` since QGIS 3.30 (QGIS 4 keeps only it),
#: ``QgsWkbTypes.Type`` before.
try:
    POINT_WKB_TYPE = Qgis.WkbType.Point
except AttributeError:  # QGIS before 3.30
    from qgis.core import QgsWkbTypes

    POINT_WKB_TYPE = QgsWkbTypes.Point


#: The README's section on decoding a figure, online (the same as the shipped help page).
ONLINE_HELP_URL = "https://github.com/colormap-decoder/colormap_decoder#decoding-your-own-figure"

# Marked for translators (pylupdate5); translated where the options are built.
TRANSFORM_LABELS = (QT_TRANSLATE_NOOP("DecodeMapAlgorithm", "Polynomial 1 (affine)"),
                    QT_TRANSLATE_NOOP("DecodeMapAlgorithm", "Polynomial 2"),
                    QT_TRANSLATE_NOOP("DecodeMapAlgorithm", "Polynomial 3"),
                    QT_TRANSLATE_NOOP("DecodeMapAlgorithm", "Thin plate spline"),
                    QT_TRANSLATE_NOOP("DecodeMapAlgorithm", "Helmert"),
                    QT_TRANSLATE_NOOP("DecodeMapAlgorithm", "Projective"))
MATCH_SPACE_LABELS = (QT_TRANSLATE_NOOP("DecodeMapAlgorithm",
                                        "Automatic"),
                      QT_TRANSLATE_NOOP("DecodeMapAlgorithm", "CIELAB"),
                      QT_TRANSLATE_NOOP("DecodeMapAlgorithm", "Y'CbCr (JPEG)"),
                      QT_TRANSLATE_NOOP("DecodeMapAlgorithm", "sRGB"))
MATCH_SPACES = ("auto", "cielab", "ycbcr", "srgb")
NATIVE_GRID_LABELS = (QT_TRANSLATE_NOOP("DecodeMapAlgorithm",
                                        "Automatic (a figure drawn cell by cell comes back as its grid)"),
                      QT_TRANSLATE_NOOP("DecodeMapAlgorithm", "Off (plateaus and DBSCAN)"))
NATIVE_GRID_MODES = ("auto", "off")
#: Features handed to the point layer sink per call.
POINT_BATCH = 10_000


SCALE_LABELS = (QT_TRANSLATE_NOOP("DecodeMapAlgorithm", "Linear"),
                QT_TRANSLATE_NOOP("DecodeMapAlgorithm", "Logarithmic"),
                QT_TRANSLATE_NOOP("DecodeMapAlgorithm", "Automatic (from the colorbar's labels)"))
SCALE_AUTOMATIC = 2


class DecodeMapAlgorithm(QgsProcessingAlgorithm):
    """Decode a colour-mapped map figure into a georeferenced raster and representative points."""

    INPUT = "INPUT"
    GCPS = "GCPS"
    GCP_CRS = "GCP_CRS"
    TRANSFORM = "TRANSFORM"
    TARGET_CRS = "TARGET_CRS"
    PIXEL_SIZE = "PIXEL_SIZE"
    COLORMAP = "COLORMAP"
    COLORBAR = "COLORBAR"
    COLORBAR_FLIP = "COLORBAR_FLIP"
    VMIN = "VMIN"
    VMAX = "VMAX"
    SCALE = "SCALE"
    LEVELS = "LEVELS"
    PLOT_AREA = "PLOT_AREA"
    MAX_COLOR_DISTANCE = "MAX_COLOR_DISTANCE"
    MASK = "MASK"
    MASK_WKT = "MASK_WKT"
    DENOISE = "DENOISE"
    MATCH_SPACE = "MATCH_SPACE"
    NATIVE_GRID = "NATIVE_GRID"
    DBSCAN_EPS = "DBSCAN_EPS"
    DBSCAN_MIN_SAMPLES = "DBSCAN_MIN_SAMPLES"
    FLAT_TOLERANCE = "FLAT_TOLERANCE"
    OUTPUT = "OUTPUT"
    OUTPUT_DISTANCE = "OUTPUT_DISTANCE"
    OUTPUT_POINTS = "OUTPUT_POINTS"
    OUTPUT_RECONSTRUCTION = "OUTPUT_RECONSTRUCTION"
    OUTPUT_REPORT = "OUTPUT_REPORT"

    def tr(self, text):
        return QCoreApplication.translate("DecodeMapAlgorithm", text)

    def createInstance(self):
        return DecodeMapAlgorithm()

    def name(self):
        return "decodemap"

    def displayName(self):
        return self.tr("Decode colour-mapped map")

    def group(self):
        return self.tr("Figures to data")

    def groupId(self):
        return "figurestodata"

    def icon(self):
        return QIcon(ICON_PATH)

    def tags(self):
        # What people type in the toolbox's search box when looking for this.
        return self.tr("heat map,heatmap,digitize,digitise,georeference,raster from image,"
                       "image to raster,figure,colormap,colour map,color map,colorbar,legend,"
                       "picture,scan,article,paper,DEM,decode,unmap,reverse colormap").split(",")

    def helpUrl(self):
        """The help page shipped with the plugin (the README's "Decoding your own figure"
        section as HTML), so Help works offline; the web page when it cannot be made."""
        from ..help_page import help_page_path

        labels = {definition.name(): definition.description()
                  for definition in self.parameterDefinitions()}
        path = help_page_path(labels)
        if path:
            return QUrl.fromLocalFile(path).toString()
        return ONLINE_HELP_URL

    def shortHelpString(self):
        # Parameters are named by their labels in the dialog; the command line's ids are in
        # each parameter's tooltip and in the help page.
        return self.tr(
            "Turns a colour-mapped map figure (a picture from an article: heat map, DEM, geoid...) "
            "back into numbers on a map.\n\n"
            "1. Load the figure as a raster layer and choose it as Figure.\n"
            "2. With the \u2026 button, draw the map panel as Plot area. Name the colormap in "
            "Colormap or .cpt file (matplotlib, cmocean, cmcrameri, colorcet, QGIS ramps, "
            "cpt-city, or a GMT .cpt file), or draw the Colorbar box over the figure's own "
            "colorbar. Give the values at the colormap's ends as Low-end value and High-end "
            "value.\n"
            "3. Give the GCP file: a QGIS Georeferencer .points file, or a CSV "
            "pixel_x,pixel_y,map_x,map_y (pixel y downwards). A figure that is already "
            "georeferenced needs none.\n\n"
            "Each pixel colour is placed on the colormap (in sRGB, where colour tables "
            "interpolate, or for a JPEG in JPEG's own Y'CbCr); pixels farther than Max. colour "
            "distance (a CIELAB \u0394E; by default derived from the figure's own noise) from "
            "the colormap (text, lines, background) become nodata; a discrete colormap's "
            "pixels nearer to the figure's NaN, line or background colour than to any class "
            "too. The Decoded raster is a float32 "
            "GeoTIFF in the Target CRS; the Representative points are one per flat plateau of "
            "the decoded field, with the plateau's median value. QGIS opens both with the "
            "figure's colormap and value range. Report (HTML) shows the decoded field, the "
            "colour distances and the georeferencing in a browser.\n\n"
            "Help shows the full description of every parameter, offline.")

    def flags(self):
        # Runs in a background task (no FlagNoThreading): processAlgorithm touches no GUI, and
        # the outputs are styled afterwards, in the main thread, by layer post-processors.
        return (QgsProcessingAlgorithm.Flag.FlagSupportsBatch
                | QgsProcessingAlgorithm.Flag.FlagCanCancel)

    def initAlgorithm(self, config=None):
        # In the order of the work: the figure, its colours and values, its georeferencing,
        # then what counts as data. Rarely changed settings are advanced.
        number = QgsProcessingParameterNumber.Type
        self.addParameter(FigureParameter(
            self.INPUT, self.tr("Figure")))
        self.addParameter(QgsProcessingParameterExtent(
            self.PLOT_AREA, self.tr("Plot area (pixels)"), optional=True))
        self.addParameter(QgsProcessingParameterString(
            self.COLORMAP, self.tr("Colormap or .cpt file"), optional=True, defaultValue=""))
        self.addParameter(QgsProcessingParameterExtent(
            self.COLORBAR, self.tr("Colorbar box (pixels)"),
            optional=True))
        self.addParameter(QgsProcessingParameterNumber(
            self.VMIN, self.tr("Low-end value"),
            type=number.Double, optional=True))
        self.addParameter(QgsProcessingParameterNumber(
            self.VMAX, self.tr("High-end value"),
            type=number.Double, optional=True))
        self.addParameter(QgsProcessingParameterEnum(
            self.SCALE, self.tr("Value scale"),
            options=[self.tr(label) for label in SCALE_LABELS], defaultValue=SCALE_AUTOMATIC))
        self.addParameter(QgsProcessingParameterString(
            self.LEVELS, self.tr("Class boundaries"),
            optional=True))
        self.addParameter(QgsProcessingParameterFile(
            self.GCPS, self.tr("GCP file"),
            behavior=QgsProcessingParameterFile.Behavior.File, optional=True,
            fileFilter=self.tr("GCP files (*.points *.csv *.txt);;All files (*.*)")))
        self.addParameter(QgsProcessingParameterCrs(
            self.GCP_CRS, self.tr("GCP CRS"), optional=True))
        self.addParameter(QgsProcessingParameterEnum(
            self.TRANSFORM, self.tr("Transformation"),
            options=[self.tr(label) for label in TRANSFORM_LABELS], defaultValue=0))
        self.addParameter(QgsProcessingParameterCrs(
            self.TARGET_CRS, self.tr("Target CRS"), optional=True))
        self.addParameter(QgsProcessingParameterNumber(
            self.MAX_COLOR_DISTANCE,
            self.tr("Max. colour distance (ΔE)"),
            type=number.Double, minValue=0.0, optional=True))
        self.addParameter(PolygonLayerParameter(
            self.MASK, self.tr("Areas to leave out"),
            [QgsProcessing.SourceType.TypeVectorPolygon], optional=True))

        advanced = [
            QgsProcessingParameterBoolean(
                self.COLORBAR_FLIP, self.tr("Colorbar starts top/right"),
                defaultValue=False),
            QgsProcessingParameterString(
                self.MASK_WKT, self.tr("Areas to leave out (WKT)"), optional=True,
                multiLine=True),
            QgsProcessingParameterEnum(
                self.MATCH_SPACE, self.tr("Matching colour space"),
                options=[self.tr(label) for label in MATCH_SPACE_LABELS], defaultValue=0),
            QgsProcessingParameterBoolean(
                self.DENOISE, self.tr("Denoise (3×3 median)"),
                defaultValue=False),
            QgsProcessingParameterNumber(
                self.PIXEL_SIZE, self.tr("Pixel size (0 = auto)"),
                type=number.Double, minValue=0.0, defaultValue=0.0),
            QgsProcessingParameterEnum(
                self.NATIVE_GRID, self.tr("Native grid of a figure drawn cell by cell"),
                options=[self.tr(label) for label in NATIVE_GRID_LABELS], defaultValue=0),
            QgsProcessingParameterNumber(
                self.DBSCAN_EPS, self.tr("DBSCAN radius (px)"),
                type=number.Double, minValue=0.0, defaultValue=1.5),
            QgsProcessingParameterNumber(
                self.DBSCAN_MIN_SAMPLES, self.tr("DBSCAN min. samples"),
                type=number.Integer, minValue=1, defaultValue=1),
            QgsProcessingParameterNumber(
                self.FLAT_TOLERANCE,
                self.tr("Flat tolerance (0 = auto)"),
                type=number.Double, minValue=0.0, defaultValue=0.0),
        ]
        for parameter in advanced:
            parameter.setFlags(parameter.flags()
                               | QgsProcessingParameterDefinition.Flag.FlagAdvanced)
            self.addParameter(parameter)

        self.addParameter(QgsProcessingParameterRasterDestination(
            self.OUTPUT, self.tr("Decoded raster")))
        self.addParameter(QgsProcessingParameterFeatureSink(
            self.OUTPUT_POINTS, self.tr("Representative points"),
            QgsProcessing.SourceType.TypeVectorPoint))
        self.addParameter(QgsProcessingParameterRasterDestination(
            self.OUTPUT_DISTANCE, self.tr("Colour distance (ΔE)"), optional=True,
            createByDefault=False))
        self.addParameter(QgsProcessingParameterRasterDestination(
            self.OUTPUT_RECONSTRUCTION, self.tr("Field from the points"), optional=True,
            createByDefault=False))
        # Declared as a plain file output: an HTML output would make the dialog announce "HTML
        # output has been generated" after every run, failed ones and runs without a report
        # included. The log gives the report's path when one is written.
        self.addParameter(QgsProcessingParameterFileDestination(
            self.OUTPUT_REPORT, self.tr("Report (HTML)"),
            fileFilter=self.tr("HTML files (*.html)"), optional=True, createByDefault=False),
            createOutput=False)
        self.addOutput(QgsProcessingOutputFile(self.OUTPUT_REPORT, self.tr("Report (HTML)")))
        self._set_help_texts()

    def _set_help_texts(self):
        """The dialog's tooltips (and qgis_process help); literal strings, for translators."""
        texts = {
            self.INPUT: self.tr(
                "The figure as an image file: PNG, JPEG, TIFF, GIF, BMP, WebP. Transparent "
                "pixels are nodata. A plain image shows in QGIS with x = column, y = -row."),
            self.PLOT_AREA: self.tr(
                "The map panel; pixels outside it (titles, labels, the colorbar) are ignored. "
                "Draw it on the figure layer with the \u2026 button. Its numbers are figure "
                "pixels (x = column, y = -row for a plain image), whatever CRS the box shows: "
                "the [EPSG:\u2026] QGIS appends is not used unless the figure is georeferenced. "
                "On the command line: xmin,xmax,ymin,ymax."),
            self.COLORMAP: self.tr(
                "The colormap the figure was drawn with: e.g. viridis, jet_r, qgis:Spectral, "
                "cmocean:thermal, cpt-city:gmt/GMT_haxby, or the path of a GMT .cpt file. "
                "Leave empty when you draw the Colorbar box (COLORBAR)."),
            self.COLORBAR: self.tr(
                "The figure's own colorbar, to sample the colormap from instead of naming it. "
                "Draw it on the figure layer with the \u2026 button; its numbers are figure "
                "pixels (x = column, y = -row for a plain image), whatever CRS the box shows: "
                "the [EPSG:\u2026] QGIS appends is not used unless the figure is georeferenced. "
                "On the command line: xmin,xmax,ymin,ymax."),
            self.VMIN: self.tr(
                "The value at the low end of the colormap (the colorbar's bottom or left "
                "label). May be empty for a .cpt file, which has its own values. Above VMAX "
                "(with COLORMAP or COLORBAR): the colour scale read reversed."),
            self.VMAX: self.tr("The value at the high end of the colormap."),
            self.SCALE: self.tr(
                "Logarithmic when the colorbar's labels grow by factors (1, 10, 100...). "
                "Automatic: linear, unless VMIN and VMAX are read from the colorbar's labels "
                "and those labels fit a logarithmic scale better."),
            self.LEVELS: self.tr(
                "For contour-filled figures with a few distinct colours: the class boundaries, "
                "e.g. 0,500,1000,2000. A pixel of class i gets the class midpoint."),
            self.GCPS: self.tr(
                "QGIS Georeferencer .points file (pixel y = -row) or CSV with header "
                "pixel_x,pixel_y,map_x,map_y[,enabled] (pixel y downwards, (0,0) the image's "
                "top-left corner). Leave empty for a georeferenced figure."),
            self.GCP_CRS: self.tr(
                "CRS of the GCPs' map coordinates. Default: the .points file's #CRS: line; "
                "needed for a CSV, and for a georeferenced figure whose file has no CRS."),
            self.TRANSFORM: self.tr(
                "How pixels map to the map: affine (3+ GCPs) for an ordinary map figure; "
                "higher polynomials, thin plate spline or projective for distorted scans."),
            self.TARGET_CRS: self.tr("CRS of the outputs. Default: the GCP CRS."),
            self.MAX_COLOR_DISTANCE: self.tr(
                "Pixels whose colour is farther than this from every colour of the colormap "
                "(CIELAB ΔE) are not data: text, lines, background, hillshading. Empty: derived "
                "from the figure's own colour noise (at least 12; the log says what it chose)."),
            self.MASK: self.tr(
                "Polygons drawn over the figure layer (same frame as COLORBAR) whose pixels "
                "become nodata: insets, legends, scale bars, labels."),
            self.COLORBAR_FLIP: self.tr(
                "Tick when the colorbar's low value is at its top (vertical bar) or right end "
                "(horizontal bar)."),
            self.MASK_WKT: self.tr(
                "Like MASK, as WKT polygons in the figure's frame, one per line."),
            self.DENOISE: self.tr(
                "A 3×3 median filter before matching colours: helps with JPEG artefacts, "
                "blurs thin features."),
            self.PIXEL_SIZE: self.tr(
                "Pixel size of the decoded raster in target CRS units. 0: with an affine "
                "transform (Polynomial 1, Helmert) and TARGET_CRS = GCP CRS, the plot area's own "
                "pixels with the fitted geotransform (nothing resampled); otherwise per-axis "
                "pixel sizes with which no figure pixel is lost."),
            self.NATIVE_GRID: self.tr(
                "Automatic: when the figure shows a regular lattice of one-colour cells (a "
                "coarse grid drawn by pcolormesh, imshow with nearest interpolation or GMT "
                "grdimage), OUTPUT is that grid, one pixel per cell (the median of the cell's "
                "decoded pixels), and OUTPUT_POINTS one point per cell at its centre with its "
                "grid_row, grid_col and partial (cut by the frame). The log says what was "
                "found. Off: plateaus and DBSCAN as for any other figure."),
            self.DBSCAN_EPS: self.tr(
                "Pixels of a flat plateau closer than this (in figure pixels) join one "
                "cluster; below 2 this is connected components."),
            self.DBSCAN_MIN_SAMPLES: self.tr(
                "Smallest number of neighbouring pixels that makes a cluster core."),
            self.FLAT_TOLERANCE: self.tr(
                "Largest value change between neighbouring pixels of one plateau, in value "
                "units; 0 = half the colormap's value resolution."),
            self.OUTPUT: self.tr(
                "Float32 GeoTIFF of the decoded values in the target CRS; nodata where a pixel "
                "is not data. Opens with the figure's colormap and range."),
            self.OUTPUT_POINTS: self.tr(
                "One point per flat plateau with its median value, spread, pixel count and "
                "area. Opens coloured by value like the figure."),
            self.OUTPUT_DISTANCE: self.tr(
                "Optional GeoTIFF of each pixel's colour distance (ΔE) to the colormap: where "
                "the decoding is sure and where it is not."),
            self.MATCH_SPACE: self.tr(
                "Where a pixel's colour is placed on the colormap. Automatic: Y'CbCr for JPEG "
                "files, sRGB otherwise. Colour tables interpolate "
                "in sRGB, so a lossless figure (PNG) is decoded there, exact colours through "
                "the renderer's own 8-bit rounding; JPEG stores colours as Y'CbCr, where its "
                "errors are even, so JPEG figures decode best there. Distances (what masks) are "
                "CIELAB ΔE either way."),
            self.OUTPUT_RECONSTRUCTION: self.tr(
                "Optional GeoTIFF of the field interpolated back from the points (linear over "
                "their triangulation): how much of the figure the points keep."),
            self.OUTPUT_REPORT: self.tr(
                "Optional HTML report to open in a web browser: where the plot area's pixels "
                "went, the decoded field in the figure's colours with the points over it, the "
                "colour distance map with its threshold, the colour scale as used, the "
                "histogram of values; with GCPs also the figure with residual arrows and each "
                "GCP's residual and leave-one-out error. The same numbers as JSON beside it."),
        }
        for name, text in texts.items():
            definition = self.parameterDefinition(name)
            if definition is not None and hasattr(definition, "setHelp"):
                definition.setHelp(text)

    # -- running ------------------------------------------------------------------------
    def checkParameterValues(self, parameters, context):  # noqa: N802 - QGIS API
        """An INPUT QGIS cannot load gets the engine's explanation instead of 'not found'; a
        value QGIS refuses, what its parameter accepts (``parameter_checks``)."""
        from .parameter_checks import check_parameter_values

        ok, message = check_parameter_values(self, parameters, context,
                                             super().checkParameterValues)
        if not ok:
            return ok, message
        refusals = self._combinations_that_cannot_work(parameters, context)
        if refusals:
            return False, "\n".join(refusals)
        return ok, message

    def _combinations_that_cannot_work(self, parameters, context):
        """Messages, each naming its parameter, for what a run could not do with these values.

        Only what would certainly fail: every parameter is optional on its own, but a plain
        image needs GCPs, the values at the ends of a named colormap must come from somewhere,
        and some colour scale must be given. One rule per block, so a later way of finding a
        missing piece (reading it off the figure) relaxes just its rule.
        """
        def given(name):
            value = parameters.get(name)
            return value is not None and str(value).strip() != ""

        refusals = []
        # With OCR the figure's own labels answer VMIN/VMAX and GCPS (detection/); the run says
        # clearly when they cannot be read. Asked only when a rule needs it: starting Tesseract
        # takes a tenth of a second.
        reads_labels = self._reads_labels
        colormap = self.parameterAsString(parameters, self.COLORMAP, context).strip()
        colorbar = given(self.COLORBAR)
        # Neither COLORMAP nor COLORBAR: the colorbar is looked for on the figure (detection/);
        # the run says clearly when none is found.
        # A .cpt file (cpt-city included) carries its values; LEVELS give the ends too.
        carries_values = colormap.lower().endswith(".cpt") or colormap.lower().startswith(
            ("cpt:", "cpt-city:")) or bool(colormap and os.path.isfile(colormap))
        if (colormap or colorbar) and not (given(self.VMIN) and given(self.VMAX)) \
                and not carries_values and not given(self.LEVELS) and not reads_labels():
            missing = " and ".join(name for name in (self.VMIN, self.VMAX) if not given(name))
            source = (self.tr("the colorbar box") if colorbar and not colormap
                      else self.tr("the colormap '{}'").format(colormap))
            refusals.append(self.tr(
                "{}: {} has no values of its own. Give the values at its low and high ends (the "
                "colorbar's end labels) as VMIN and VMAX, or use a GMT .cpt file, which has "
                "them.").format(missing, source) + " " + self._ocr_hint())
        if not given(self.GCPS) and not missing_dependencies_message() and not reads_labels():
            layer = self._load_quietly(
                lambda: self.parameterAsRasterLayer(parameters, self.INPUT, context))
            path = layer.source().split("|")[0] if layer is not None else ""
            if path and os.path.isfile(path):
                from ..engine.figure import read_georeferencing

                if read_georeferencing(path)[0] is None:
                    refusals.append(self.tr(
                        "GCPS: the figure is a plain image (it has no georeferencing), so it "
                        "needs ground control points: a QGIS Georeferencer .points file, or a "
                        "CSV pixel_x,pixel_y,map_x,map_y.") + " " + self._ocr_hint())
        return refusals

    @staticmethod
    def _reads_labels():
        """Whether tick labels can be read here (Tesseract through tesserocr)."""
        if missing_dependencies_message():
            return False
        from ..engine.detection import ocr

        return ocr.ocr_available()

    def _ocr_hint(self):
        from ..engine.detection.ocr import INSTALL_HINT

        return self.tr("(They could be read off the figure's labels: {})").format(INSTALL_HINT)

    def processAlgorithm(self, parameters, context, feedback):
        missing = missing_dependencies_message()
        if missing:
            raise QgsProcessingException(missing)
        from ..engine.stage_times import StageTimes

        # Every second of the run is in its log line "Stage times: ...": the engine's imports
        # and the parameters' reading too, not only the engine's stages.
        times = StageTimes()
        with times("engine imports"):
            # The figure is decoded on the other core meanwhile (figure.read_ahead).
            ahead = self._read_figure_ahead(parameters, context)
            from ..engine.pipeline import import_libraries

            import_libraries()
        try:
            return self._process(parameters, context, feedback, times)
        finally:
            if ahead is not None:
                ahead.discard()

    def _read_figure_ahead(self, parameters, context=None):
        """Start reading INPUT when it is given as a file path (``qgis_process``, scripts), a
        layer of one, or the id or name of such a layer of the project (the dialog), before any
        other work (``figure.read_ahead``); None otherwise.

        A layer id is looked up as ``parameterAsRasterLayer`` will look it up, in this thread
        and without loading anything: only its source's path is read here. The read figure is
        taken only by a reading of that same file, unchanged (``figure.read_figure``).
        """
        from ..engine.figure import read_ahead

        value = parameters.get(self.INPUT)
        if isinstance(value, QgsRasterLayer):
            value = value.source()
        if not isinstance(value, str) or not value or "\0" in value:
            return None
        if context is not None and not os.path.isfile(value.split("|")[0]):
            layer = QgsProcessingUtils.mapLayerFromString(
                value, context, False, QgsProcessingUtils.LayerHint.Raster)
            if not isinstance(layer, QgsRasterLayer):
                return None
            value = layer.source()
        return read_ahead(value.split("|")[0])

    def _process(self, parameters, context, feedback, times):
        with times("parameters"):
            parameters = self._with_proj_strings_prefixed(parameters)
            self._check_crs_parameters(parameters, context)
        try:
            with times("parameters"):
                self._check_paths(parameters, context)
            return self._run(parameters, context, feedback, times)
        except InterruptedError:
            feedback.reportError(self.tr("Cancelled: no output was written."))
            return {}
        except Exception as error:  # noqa: BLE001 - a bug must not reach the user as a traceback
            from .parameter_checks import processing_error

            # The parameter to change first; a bug said to be one, without a traceback.
            raise processing_error(error, self.INPUT) from error

    def _with_proj_strings_prefixed(self, parameters):
        """Let GCP_CRS and TARGET_CRS be plain PROJ strings ('+proj=lcc +lat_1=...').

        Many figure projections have no EPSG code; QGIS reads a PROJ string only behind a
        'PROJ:' prefix, which users seldom write.
        """
        parameters = dict(parameters)
        for name in (self.GCP_CRS, self.TARGET_CRS):
            value = parameters.get(name)
            if isinstance(value, str) and value.strip().startswith("+"):
                parameters[name] = "PROJ:" + value.strip()
        return parameters

    def _check_crs_parameters(self, parameters, context):
        """A CRS given as text that QGIS does not understand is an error, not 'no CRS'."""
        from .parameter_checks import check_crs_texts

        check_crs_texts(self, parameters, context, (self.GCP_CRS, self.TARGET_CRS))

    def _check_paths(self, parameters, context):
        """No output may overwrite an input or another output, nor go where it cannot be written.

        Checked before any work: the engine compares the files each parameter reads or writes
        (see ``engine/validation.py``).
        """
        from ..engine.validation import check_paths, figure_companion_files
        from .staged_outputs import layer_file, written_file

        inputs = []
        layer = self._load_quietly(
            lambda: self.parameterAsRasterLayer(parameters, self.INPUT, context))
        if layer is not None:
            inputs.append((self.INPUT, figure_companion_files(layer.source().split("|")[0])))
        gcps = self.parameterAsFile(parameters, self.GCPS, context)
        if gcps:
            inputs.append((self.GCPS, [gcps]))
        colormap = self.parameterAsString(parameters, self.COLORMAP, context).strip()
        if colormap.lower().startswith("cpt:"):
            colormap = colormap[4:].strip()
        if colormap and os.path.isfile(colormap):
            inputs.append((self.COLORMAP, [colormap]))
        if parameters.get(self.MASK):
            source = layer_file(self.parameterAsVectorLayer(parameters, self.MASK, context))
            if source and os.path.isfile(source):
                stem = os.path.splitext(source)[0]
                inputs.append((self.MASK, [source] + [stem + part for part in (
                    ".shp", ".shx", ".dbf", ".prj", ".cpg")]))
        outputs = []
        for name in (self.OUTPUT, self.OUTPUT_DISTANCE, self.OUTPUT_RECONSTRUCTION,
                     self.OUTPUT_POINTS):
            if name != self.OUTPUT and not parameters.get(name):
                continue
            destination = written_file(self, parameters, name, context)
            if destination:
                outputs.append((name, destination))
            elif name != self.OUTPUT_POINTS:
                # 'memory:', 'postgres:...': the raster would be a file of that name in the
                # current folder.
                raise QgsProcessingException(self.tr(
                    "{}: '{}' is not a file name: the raster is written as a GeoTIFF file. Give "
                    "a file name ending in .tif, or leave it empty for a temporary file."
                ).format(name, self.parameterAsOutputLayer(parameters, name, context)))
        report = self.parameterAsFileOutput(parameters, self.OUTPUT_REPORT, context)
        if report:
            outputs.append((self.OUTPUT_REPORT, report))
        check_paths(inputs, outputs)
        self._check_point_format(parameters, context)

    def _check_point_format(self, parameters, context):
        """Refuse, before any work, a point layer file whose format cannot hold the points'
        fields (GPX, DXF, DGN: their drivers refuse a 'value' field), rather than after the
        whole decode.

        A format that declares Integer and Real fields is not tried; any other is tried by
        creating the layer with the points' fields in a temporary folder.
        """
        from .staged_outputs import file_destination

        destination = file_destination(self, parameters, self.OUTPUT_POINTS, context)
        if not destination:
            return
        extension = os.path.splitext(destination)[1].lstrip(".")
        driver = QgsVectorFileWriter.driverForExtension(extension) if extension else ""
        if not driver:
            return  # QGIS writes a GeoPackage (adding '.gpkg' to the name)
        from osgeo import gdal

        gdal_driver = gdal.GetDriverByName(driver)
        types = ((gdal_driver.GetMetadataItem("DMD_CREATIONFIELDDATATYPES") or "").split()
                 if gdal_driver is not None else [])
        if "Integer" in types and "Real" in types:
            return
        import shutil
        import tempfile

        from pyproj import CRS

        folder = tempfile.mkdtemp(prefix="colormap_decoder_format_")
        # The trial's failure is this check's message: GDAL's own line would say it twice.
        gdal.PushErrorHandler("CPLQuietErrorHandler")
        try:
            options = QgsVectorFileWriter.SaveVectorOptions()
            options.driverName = driver
            writer = QgsVectorFileWriter.create(
                os.path.join(folder, "points." + extension), point_fields(), POINT_WKB_TYPE,
                # Some formats need a CRS (Geoconcept); made from WKT, as every CRS of a run
                # is (qgis_crs).
                crs_from_wkt(CRS.from_epsg(4326).to_wkt()), context.transformContext(), options)
            problem = writer.errorMessage() if writer.hasError() else ""
            del writer  # closes the file before its folder goes
        finally:
            gdal.PopErrorHandler()
            shutil.rmtree(folder, ignore_errors=True)
        if problem:
            raise QgsProcessingException(self.tr(
                "OUTPUT_POINTS: '{}' would be a {} file, a format that cannot hold the point "
                "layer and its fields (value, value_std, n_pixels...): {}. Choose a GeoPackage "
                "(.gpkg), Shapefile (.shp), GeoJSON (.geojson), FlatGeobuf (.fgb) or CSV (.csv) "
                "file.").format(destination, driver, problem.strip().rstrip(".")))

    def _run(self, parameters, context, feedback, times):
        from ..engine.cancellation import cancellable
        from ..engine.pipeline import decode_map

        with times("parameters"):
            settings = self._settings(parameters, context)
        for note in getattr(self, "_box_notes", ()):
            feedback.pushInfo(note)
        # The engine's cancellation hook: asked between stages and inside long loops.
        progress = feedback_progress(feedback)

        # The engine's inner loops (the report's pictures among the outputs) ask it too.
        with cancellable(feedback.isCanceled):
            result = decode_map(settings, progress=progress, log=self._log_function(feedback),
                                times=times)
            results = self._write_outputs(parameters, context, feedback, result)
        with times("style outputs"):
            # Outputs QGIS loads at the end get names and the figure's colours (main thread,
            # later).
            from .output_styling import style_on_load

            style_on_load(context, result, results[self.OUTPUT], results[self.OUTPUT_POINTS],
                          results.get(self.OUTPUT_DISTANCE))
        feedback.pushInfo(result.times.summary())
        feedback.pushInfo(self.tr("Wrote {}×{} raster and {} points.").format(
            result.grid.width, result.grid.height, f"{len(result.points.clusters):,}"))
        return results

    @staticmethod
    def _log_function(feedback):
        """``feedback.pushInfo`` for the engine's log lines, keeping its tables' columns.

        QGIS's Processing log is HTML in a proportional font: runs of spaces (figure spaces
        included) collapse to one. A table line (:class:`~..engine.text_format.TableText`) has
        each space doubled as no-break spaces, which the log keeps: two are about a digit wide
        in common sans-serif fonts, so its numeric columns line up there too; in a terminal
        (qgis_process) the table is just twice as wide.
        """
        from ..engine.text_format import TableText

        def log(message):
            if isinstance(message, TableText):
                message = message.replace(" ", "\u00a0\u00a0")
            feedback.pushInfo(message)
        return log

    def _write_outputs(self, parameters, context, feedback, result):
        """Write every output; all move into place together, once all are complete.

        Until then they are temporary files (the point layer and the report in staging
        folders) beside their destinations, so a run ends either with every output in place
        or with none changed: a failure (a full disk included) or a cancellation at any
        moment leaves previous files of those names untouched.
        """
        from contextlib import ExitStack

        from ..engine.writing import (
            OutputTransaction,
            atomic_destination,
            atomic_folder_destination,
            geotiff_tags,
            write_geotiff,
        )

        grid, tags = result.grid, geotiff_tags(result)
        values = [result.values]
        descriptions = [f"value ({result.scale_name})"]
        if result.class_grid is not None:
            # A discrete scale's class of each pixel (the value is the class midpoint).
            values.append(result.class_grid)
            descriptions.append("class index (0 = lowest class)")
        # The rasters by the result's attribute that holds them: once written they are let go
        # (4 bytes an output pixel each), the point layer and the report do not read them.
        rasters = [(self.OUTPUT_DISTANCE, "distance", ["colour distance (CIELAB ΔE)"]),
                   (self.OUTPUT_RECONSTRUCTION, "reconstruction_grid",
                    ["value interpolated from the representative points"])]
        # The report alone reads the figure, let go once it is written, before or after the
        # other rasters as DecodeResult.rasters_before_report says. Of the figure-frame values
        # it reads a summary (DecodeResult.summarise_for_report), made before the first of the
        # report and the values raster (after the other rasters: not held under their writing):
        # the values raster (on the figure's own grid a view of them) is then written before a
        # report that comes after the rasters, and is not held under its pictures. Without a
        # report the figure is let go before the values are written.
        report = self.parameterAsFileOutput(parameters, self.OUTPUT_REPORT, context)
        report_entry = (self.OUTPUT_REPORT, "report", None)
        values_entry = (self.OUTPUT, None, descriptions)
        if not result.rasters_before_report():
            rasters = [report_entry] + rasters + [values_entry]
        elif report:
            rasters = rasters + [values_entry, report_entry]
        else:
            rasters = rasters + [report_entry, values_entry]
        results = {}
        with ExitStack() as stack:
            # Entered first, so left last: every output registers its move with it, and it
            # moves all of them together (or none) once all are complete.
            transaction = stack.enter_context(OutputTransaction())
            for name, attribute, band_descriptions in rasters:
                if report and name in (self.OUTPUT_REPORT, self.OUTPUT):
                    result.summarise_for_report()  # once, at the first of the two
                if name == self.OUTPUT_REPORT:
                    if report:
                        from ..engine.decode_report import write_decode_report

                        # The HTML report of the decode (pictures) and of its georeferencing,
                        # + JSON.
                        write_decode_report(stack.enter_context(atomic_folder_destination(
                            report, self.OUTPUT_REPORT, transaction)), result)
                        results[self.OUTPUT_REPORT] = report
                        if feedback.isCanceled():
                            raise InterruptedError
                    result.let_go_of_figure()
                    continue
                bands = values if attribute is None else [getattr(result, attribute)]
                destination = self.parameterAsOutputLayer(parameters, name, context)
                if not destination or bands[0] is None:
                    continue
                temporary = stack.enter_context(atomic_destination(destination, name,
                                                                   transaction))
                with result.times("write raster"):
                    write_geotiff(temporary, bands, grid.geotransform, grid.crs_wkt,
                                  descriptions=band_descriptions, tags=tags, parameter=name,
                                  atomic=False)
                results[name] = destination
                del bands
                if attribute is None:
                    values.clear()
                    result.values = result.class_grid = None
                else:
                    setattr(result, attribute, None)
                if feedback.isCanceled():
                    raise InterruptedError
            # Last (the slowest to undo: a PostGIS layer is a new table of its database, renamed
            # at the commit).
            with result.times("write points"):
                results[self.OUTPUT_POINTS] = self._write_points(parameters, context, feedback,
                                                                 result, stack, transaction)
        if report:
            feedback.pushInfo(self.tr("Report: {} (open it in a web browser).").format(report))
        return results

    @staticmethod
    def _load_quietly(load):
        """Run ``load`` (which opens INPUT as a layer) without GDAL's no-geotransform message
        and without QGIS's statistics written beside the figure (``figure_loading``)."""
        with loading_figure():
            return load()

    def _settings(self, parameters, context):
        from ..engine.pipeline import DecodeSettings

        layer = self._load_quietly(
            lambda: self.parameterAsRasterLayer(parameters, self.INPUT, context))
        if layer is None:
            raise QgsProcessingException(self.tr("INPUT: the figure cannot be opened as a raster."))
        figure_path = layer.source().split("|")[0]
        if not os.path.isfile(figure_path):
            raise QgsProcessingException(
                self.tr("INPUT: the figure must be an image file on disk (got '{}').").format(
                    figure_path))
        # Boxes in figure pixels, or in the figure's CRS when it is georeferenced.
        boxes = FigureBoxes(self, parameters, context, layer, figure_path)
        self._box_notes = boxes.notes
        extent = boxes.extent

        def crs_text(name):
            return crs_wkt(self.parameterAsCrs(parameters, name, context), name) or None

        def optional_number(name):
            value = parameters.get(name)
            if value is None or value == "":
                return None
            if isinstance(value, str):
                # parameterAsDouble would read a typo ("4000m") as 0.
                try:
                    return float(value)
                except ValueError:
                    raise QgsProcessingException(self.tr(
                        "{}: '{}' is not a number. Give a plain number, with a point for "
                        "decimals and no unit or thousands separator (e.g. 4000 or -0.5)."
                    ).format(name, value)) from None
            return self.parameterAsDouble(parameters, name, context)

        mask_geometries = []
        from ..engine.validation import parse_mask_wkt

        mask_source = self.parameterAsSource(parameters, self.MASK, context)
        if mask_source is not None:
            # Checked as MASK_WKT is: polygons with finite coordinates, bounded in size.
            mask_geometries += parse_mask_wkt("\n".join(
                feature.geometry().asWkt() for feature in mask_source.getFeatures()
                if feature.hasGeometry() and not feature.geometry().isEmpty()), self.MASK)
        mask_wkt = self.parameterAsString(parameters, self.MASK_WKT, context).strip()
        if mask_wkt:
            mask_geometries += parse_mask_wkt(mask_wkt, self.MASK_WKT)

        levels_text = self.parameterAsString(parameters, self.LEVELS, context).strip()
        levels = None
        if levels_text:
            try:
                levels = tuple(float(v) for v in levels_text.replace(";", ",").split(",") if v.strip())
            except ValueError as error:
                raise QgsProcessingException(
                    self.tr("LEVELS: '{}' is not a comma-separated list of numbers. Give the "
                            "class boundaries from lowest to highest, e.g. 0,500,1000,2000."
                            ).format(levels_text)
                ) from error
            if not levels:
                raise QgsProcessingException(
                    self.tr("LEVELS: '{}' holds no number. Give the class boundaries from lowest "
                            "to highest, e.g. 0,500,1000,2000, or leave LEVELS empty for a "
                            "continuous scale.").format(levels_text))

        return DecodeSettings(
            figure_path=figure_path,
            colormap=self.parameterAsString(parameters, self.COLORMAP, context).strip(),
            colorbar_extent=extent(self.COLORBAR),
            colorbar_flip=self.parameterAsBool(parameters, self.COLORBAR_FLIP, context),
            vmin=optional_number(self.VMIN),
            vmax=optional_number(self.VMAX),
            logarithmic=self.parameterAsEnum(parameters, self.SCALE, context) == 1,
            scale_automatic=self.parameterAsEnum(parameters, self.SCALE, context) == SCALE_AUTOMATIC,
            levels=levels,
            plot_area_extent=extent(self.PLOT_AREA),
            max_color_distance=optional_number(self.MAX_COLOR_DISTANCE),
            mask_geometries=tuple(mask_geometries),
            denoise=self.parameterAsBool(parameters, self.DENOISE, context),
            match_space=MATCH_SPACES[self.parameterAsEnum(parameters, self.MATCH_SPACE, context)],
            # The report shows the colour distances too.
            distance_output=bool(parameters.get(self.OUTPUT_DISTANCE))
            or bool(parameters.get(self.OUTPUT_REPORT)),
            reconstruction_output=bool(parameters.get(self.OUTPUT_RECONSTRUCTION)),
            report=bool(parameters.get(self.OUTPUT_REPORT)),
            gcps_path=self.parameterAsFile(parameters, self.GCPS, context) or None,
            gcp_crs=crs_text(self.GCP_CRS),
            transform=self.parameterAsEnum(parameters, self.TRANSFORM, context),
            target_crs=crs_text(self.TARGET_CRS),
            pixel_size=self.parameterAsDouble(parameters, self.PIXEL_SIZE, context),
            native_grid=NATIVE_GRID_MODES[self.parameterAsEnum(parameters, self.NATIVE_GRID,
                                                               context)],
            dbscan_eps=self.parameterAsDouble(parameters, self.DBSCAN_EPS, context),
            dbscan_min_samples=self.parameterAsInt(parameters, self.DBSCAN_MIN_SAMPLES, context),
            flat_tolerance=self.parameterAsDouble(parameters, self.FLAT_TOLERANCE, context),
            qgis_resources=QgsApplication.pkgDataPath() + "/resources",
        )

    def _write_points(self, parameters, context, feedback, result, stack, transaction=None):
        fields = point_fields()
        crs = crs_from_wkt(result.grid.crs_wkt)
        from .staged_outputs import check_layer_complete, staged_sink

        try:
            # Written in a staging folder, moved into place with the other outputs.
            sink, destination, staged = staged_sink(self, parameters, self.OUTPUT_POINTS, context, stack,
                                                    fields, POINT_WKB_TYPE, crs, transaction)
        except QgsProcessingException as error:
            destination = self.parameterAsOutputLayer(parameters, self.OUTPUT_POINTS, context)
            hint = ""
            if "dbname=" in destination:
                # A ' in the file name ends QGIS's quoted dbname='…' early.
                hint = " " + self.tr("In a layer's address (dbname='…' table=\"…\"), a ' in the "
                                     "file name is written \\'.")
            raise QgsProcessingException(self.tr(
                "OUTPUT_POINTS: cannot create the point layer ({}). {} No output was "
                "changed.").format(error, self._what_to_do(parameters, context, error))
                + hint) from error
        if sink is None:
            raise QgsProcessingException(self.invalidSinkError(parameters, self.OUTPUT_POINTS))
        if len(result.points.clusters) == 0:
            # decode_map has logged why; the layer is created, valid and empty.
            feedback.pushWarning(self.tr("The point layer is empty (see the warning above)."))
        points = result.points
        clusters = points.clusters
        # Columns as Python lists once (not numpy scalars one by one); the features are handed
        # to the sink in large batches, which the GeoPackage writer commits in one transaction.
        count = len(clusters)
        columns = [clusters.value.tolist(), clusters.value_std.tolist(),
                   clusters.n_pixels.astype(int).tolist(), clusters.pixel_x.tolist(),
                   clusters.pixel_y.tolist(), points.area_m2.tolist()]
        if clusters.grid_row is not None:
            # The cell's place in the native grid; NULL for plateau points.
            columns += [clusters.grid_row.astype(int).tolist(),
                        clusters.grid_col.astype(int).tolist(), clusters.partial.tolist()]
        else:
            columns += [[None] * count] * 3
        try:
            self._add_points(sink, fields, columns, points, count, feedback)
        except BaseException as error:
            # The traceback's frames hold the sink too: let them go with it.
            import traceback

            traceback.clear_frames(error.__traceback__)
            raise
        finally:
            # Deleting the sink closes its file or database connection, before the layer is
            # moved into place with the others, or dropped.
            del sink
        check_layer_complete(staged, count, self.OUTPUT_POINTS)
        return destination

    def _what_to_do(self, parameters, context, error):
        """What to do about a point layer that could not be created: free some space when
        its disk is full (or SQLite says so), else choose a folder that can be written."""
        from ..engine.writing import disk_looks_full, free_space_note
        from .staged_outputs import written_file

        target = written_file(self, parameters, self.OUTPUT_POINTS, context)
        folder = os.path.dirname(os.path.abspath(target)) if target else ""
        said = str(error).lower()
        if folder and disk_looks_full(folder) or any(
                words in said for words in ("disk is full", "no space left", "file too large",
                                            "quota exceeded")):
            return self.tr("The disk is full, or a quota or file size limit was reached{}: free "
                           "some space or choose a destination on another disk.").format(
                free_space_note(folder) if folder else "")
        if not target:
            # A database server (postgres:...) or another provider: no folder is involved.
            return self.tr("Check that the database can be reached with these connection "
                           "details (host, port, database, user) and that you may create "
                           "tables there, or choose a file (.gpkg).")
        return self.tr("Choose a destination in a folder you can write to.")

    def _add_points(self, sink, fields, columns, points, count, feedback):
        """Hand the points to ``sink`` in batches of ``POINT_BATCH``."""
        xs, ys = points.x.tolist(), points.y.tolist()
        batch = []
        for i, attributes in enumerate(zip(*columns)):
            feature = QgsFeature(fields)
            feature.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(xs[i], ys[i])))
            feature.setAttributes(list(attributes))
            batch.append(feature)
            if len(batch) == POINT_BATCH or i == count - 1:
                if not sink.addFeatures(batch, QgsFeatureSink.FastInsert):
                    from .staged_outputs import writer_reason

                    raise QgsProcessingException(self.tr(
                        "OUTPUT_POINTS: the point layer could not be written ({}). Is the disk "
                        "full? Free some space or choose another destination; no output was "
                        "changed.").format(writer_reason(getattr(sink, "lastError", lambda: "")())))
                batch = []
                if feedback.isCanceled():
                    raise InterruptedError
