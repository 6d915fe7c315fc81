"""``colormapdecoder:detectfigure``: what a figure says about itself, before any decode.

Figure in; out: the map frame and the colorbar box (as PLOT_AREA and COLORBAR extents), the
colormap recognised, the value range, scale and levels read from the colorbar's labels, a GCP
file made from the axes' labels, and an HTML report showing all of it on the figure. The
engine (``plugin/engine/detection``) does the work; this only translates.
"""
import os

from qgis.core import (
    QgsApplication,
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingOutputBoolean,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterCrs,
    QgsProcessingParameterExtent,
    QgsProcessingParameterFileDestination,
)
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtGui import QIcon

from .. import ICON_PATH
from .dependencies import missing_dependencies_message
from .figure_boxes import FigureBoxes
from .figure_loading import loading_figure
from .parameter_checks import FigureParameter
from .progress import feedback_progress
from .qgis_crs import crs_wkt


class DetectFigureAlgorithm(QgsProcessingAlgorithm):
    """Find a figure's frame, colorbar, value range, scale, levels and GCPs."""

    INPUT = "INPUT"
    PLOT_AREA = "PLOT_AREA"
    GCP_CRS = "GCP_CRS"
    OUTPUT_GCPS = "OUTPUT_GCPS"
    OUTPUT_REPORT = "OUTPUT_REPORT"
    STRING_OUTPUTS = ("PLOT_AREA", "COLORBAR", "COLORMAP", "LEVELS", "GCP_CRS_FOUND", "PROBLEMS")
    NUMBER_OUTPUTS = ("VMIN", "VMAX", "SCALE")

    def tr(self, text):
        return QCoreApplication.translate("DetectFigureAlgorithm", text)

    def createInstance(self):
        return DetectFigureAlgorithm()

    def name(self):
        return "detectfigure"

    def displayName(self):
        return self.tr("Detect frame, colorbar and labels of a figure")

    def group(self):
        return self.tr("Figures to data")

    def groupId(self):
        return "figurestodata"

    def icon(self):
        return QIcon(ICON_PATH)

    def tags(self):
        return [self.tr("colorbar"), self.tr("legend"), self.tr("ticks"), self.tr("OCR"),
                self.tr("georeference"), self.tr("GCP"), self.tr("frame")]

    def shortHelpString(self):
        return self.tr(
            "Reads a map figure's own face: the map frame, the colorbar, the colormap it shows, "
            "the colorbar's tick labels (value range, linear or logarithmic scale, class "
            "boundaries of a discrete bar) and the axes' tick labels (GCPs in GCP CRS). "
            "Writes the GCPs as a QGIS Georeferencer .points file and an HTML report with "
            "everything drawn on the figure; the outputs are the values to give 'Decode "
            "colour-mapped map' (which finds them itself when they are left empty). Tick "
            "labels are read with Tesseract OCR (Debian: tesseract-ocr, python3-tesserocr). On a "
            "figure of several map panels the largest is read; to read another, draw its plot "
            "area (a box inside it), as for 'Decode colour-mapped map': the panel holding it "
            "is read, and its frame found is the plot area given out.")

    def flags(self):
        # A background task that can be cancelled: processAlgorithm touches no GUI.
        return (QgsProcessingAlgorithm.Flag.FlagSupportsBatch
                | QgsProcessingAlgorithm.Flag.FlagCanCancel)

    def initAlgorithm(self, config=None):
        self.addParameter(FigureParameter(
            self.INPUT, self.tr("Figure (image)")))
        self.addParameter(QgsProcessingParameterExtent(
            self.PLOT_AREA, self.tr("Plot area: the map panel to read (pixels)"),
            optional=True))
        self.addParameter(QgsProcessingParameterCrs(
            self.GCP_CRS, self.tr("CRS the axis labels are written in"), optional=True))
        self.addParameter(QgsProcessingParameterFileDestination(
            self.OUTPUT_GCPS, self.tr("GCPs from the axis labels"),
            fileFilter=self.tr("GCP files (*.points)"), optional=True, createByDefault=False))
        self.addParameter(QgsProcessingParameterFileDestination(
            self.OUTPUT_REPORT, self.tr("Report"), fileFilter=self.tr("HTML files (*.html)"),
            optional=True, createByDefault=False))
        labels = {"PLOT_AREA": self.tr("Plot area found (xmin,xmax,ymin,ymax)"),
                  "COLORBAR": self.tr("Colorbar box found (xmin,xmax,ymin,ymax)"),
                  "COLORMAP": self.tr("Colormap recognised"),
                  "LEVELS": self.tr("Class boundaries of a discrete colorbar"),
                  "GCP_CRS_FOUND": self.tr("CRS of the GCPs made"),
                  "PROBLEMS": self.tr("What could not be found")}
        for name in self.STRING_OUTPUTS:
            self.addOutput(QgsProcessingOutputString(name, labels[name]))
        for name, label in (("VMIN", self.tr("Value at the colorbar's low end")),
                            ("VMAX", self.tr("Value at the colorbar's high end")),
                            ("SCALE", self.tr("Scale (0 linear, 1 logarithmic)"))):
            self.addOutput(QgsProcessingOutputNumber(name, label))
        self.addOutput(QgsProcessingOutputBoolean("COLORBAR_FLIP",
                                                  self.tr("Colorbar low end at the top / right")))

    def checkParameterValues(self, parameters, context):  # noqa: N802 - QGIS API
        """QGIS's own check, which loads INPUT: without GDAL's no-geotransform message, and with
        decodemap's explanations (``parameter_checks``)."""
        from .parameter_checks import check_parameter_values

        return check_parameter_values(self, parameters, context, super().checkParameterValues)

    def processAlgorithm(self, parameters, context, feedback):
        missing = missing_dependencies_message()
        if missing:
            raise QgsProcessingException(missing)
        from .parameter_checks import check_crs_texts, processing_error

        if isinstance(parameters.get(self.GCP_CRS), str) and \
                parameters[self.GCP_CRS].strip().startswith("+"):
            parameters = dict(parameters, **{self.GCP_CRS: "PROJ:" + parameters[self.GCP_CRS].strip()})
        check_crs_texts(self, parameters, context, (self.GCP_CRS,))
        try:
            return self._run(parameters, context, feedback)
        except InterruptedError:
            feedback.reportError(self.tr("Cancelled: no output was written."))
            return {}
        except Exception as error:  # noqa: BLE001 - a bug must not reach the user as a traceback
            # The parameter to change first; a bug said to be one, without a traceback.
            raise processing_error(error, self.INPUT) from error

    def _run(self, parameters, context, feedback):
        from ..engine.cancellation import cancellable
        from ..engine.detection.findings import find_everything
        from ..engine.figure import read_figure, read_figure_header
        from ..engine.memory_budget import check_memory, detection_job_size
        from ..engine.pipeline import MIN_PLOT_AREA_PIXELS
        from ..engine.regions import extent_to_pixel_box
        from ..engine.validation import check_paths, figure_companion_files

        # A plain PNG has no geotransform: GDAL's "Unable to compute a transformation" is noise;
        # nothing may be written beside the figure (``figure_loading``).
        with loading_figure():
            layer = self.parameterAsRasterLayer(parameters, self.INPUT, context)
        if layer is None:
            raise QgsProcessingException(self.tr("INPUT: the figure cannot be opened."))
        path = layer.source().split("|")[0]
        if not os.path.isfile(path):
            raise QgsProcessingException(
                self.tr("INPUT: the figure must be an image file on disk (got '{}').").format(path))
        gcp_crs = crs_wkt(self.parameterAsCrs(parameters, self.GCP_CRS, context),
                          self.GCP_CRS) or None
        # A figure of several panels: the one holding PLOT_AREA is read, as decodemap reads it.
        boxes = FigureBoxes(self, parameters, context, layer, path)
        plot_area = boxes.extent(self.PLOT_AREA)
        for note in boxes.notes:
            feedback.pushInfo(note)
        gcps_path = self.parameterAsFileOutput(parameters, self.OUTPUT_GCPS, context)
        report = self.parameterAsFileOutput(parameters, self.OUTPUT_REPORT, context)
        # Before any work: neither output may replace the figure (or its world file).
        check_paths([(self.INPUT, figure_companion_files(path))],
                    [(name, destination) for name, destination in
                     ((self.OUTPUT_GCPS, gcps_path), (self.OUTPUT_REPORT, report)) if destination])
        # The engine's cancellation hook: asked between stages and inside long loops.
        progress = feedback_progress(feedback)
        # Budgeted from the header before any pixel is read, as decodemap's jobs are.
        header = read_figure_header(path)
        check_memory(detection_job_size(header), header.shape, (0, 0), log=feedback.pushInfo)
        if progress(0.0, self.tr("Reading the figure")):
            raise InterruptedError("Cancelled.")
        figure = read_figure(path)
        plot_box = None if plot_area is None else extent_to_pixel_box(
            plot_area, figure.shape, figure.geotransform, parameter=self.PLOT_AREA,
            min_pixels=MIN_PLOT_AREA_PIXELS)
        findings = find_everything(figure, gcp_crs, QgsApplication.pkgDataPath() + "/resources",
                                   progress=progress, plot_box=plot_box)
        # The engine's inner loops (the report's picture) ask the feedback too.
        with cancellable(feedback.isCanceled):
            return self._write(findings, figure, gcps_path, report, feedback)

    def _write(self, findings, figure, gcps_path, report, feedback):
        """The outputs of the findings, written all or none."""
        from contextlib import ExitStack

        from ..engine.detection.report import write_findings_report
        from ..engine.errors import EngineError
        from ..engine.gcps import write_points_file
        from ..engine.writing import OutputTransaction, atomic_folder_destination

        if feedback.isCanceled():
            raise InterruptedError("Cancelled.")
        for message in findings.messages:
            feedback.pushInfo(message)
        for problem in findings.problems:
            feedback.pushWarning(problem)
        results = {name: findings.parameters.get(name) for name in
                   ("PLOT_AREA", "COLORBAR", "COLORMAP", "LEVELS", "VMIN", "VMAX", "SCALE",
                    "COLORBAR_FLIP")}
        results["GCP_CRS_FOUND"] = findings.parameters.get("GCP_CRS")
        results["PROBLEMS"] = "\n".join(findings.problems)
        # Both files written in staging folders and moved into place together: a failure (a
        # full disk) or a cancellation leaves neither, and previous files as they were.
        with ExitStack() as stack:
            # Left last: moves both files together once both are complete.
            transaction = stack.enter_context(OutputTransaction())
            if gcps_path:
                if findings.gcps is None:
                    feedback.pushWarning(self.tr("No GCP file written: no GCPs were made."))
                else:
                    try:
                        write_points_file(stack.enter_context(atomic_folder_destination(
                            gcps_path, self.OUTPUT_GCPS, transaction)), _with_wkt(findings.gcps))
                    except EngineError as error:  # the GCP file's errors name GCPS
                        raise EngineError(str(error), parameter=self.OUTPUT_GCPS) from error
                    results[self.OUTPUT_GCPS] = gcps_path
            if report:
                if feedback.isCanceled():
                    raise InterruptedError("Cancelled.")
                write_findings_report(stack.enter_context(atomic_folder_destination(
                    report, self.OUTPUT_REPORT, transaction)), figure.rgb, findings)
                results[self.OUTPUT_REPORT] = report
        return results


def _with_wkt(gcps):
    """The GCPs with their CRS as WKT (a .points file's #CRS: line holds WKT)."""
    from pyproj import CRS

    if gcps.crs and not gcps.crs.lstrip().startswith(("GEOGCRS", "PROJCRS", "GEOGCS", "PROJCS")):
        gcps.crs = CRS.from_user_input(gcps.crs).to_wkt()
    return gcps
