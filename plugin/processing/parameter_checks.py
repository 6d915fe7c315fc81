"""Checks and messages both algorithms share, so a bad value is explained the same way in each.

* :func:`check_layers_before_loading`, :class:`FigureParameter`, :class:`PolygonLayerParameter`:
  a layer parameter (INPUT, MASK) naming a named pipe, a device or a socket is refused before
  QGIS opens it: GDAL and OGR wait forever on a pipe, and qgis_process loads every layer
  value (``checkValueIsAcceptable``) before the algorithm's own checks run.
* :func:`check_input_figure`: an ``INPUT`` that does not exist, is not a regular file (a pipe
  would block QGIS's loading forever) or is a file QGIS cannot load gets the engine's
  explanation (empty file, PDF, data raster, damaged download...) instead of QGIS's "not found".
* :func:`explain_qgis_refusal`: QGIS's own "Incorrect parameter value for X" (a number out of
  its range, an enum index that does not exist, a box that is not four numbers) and "Could
  not load source layer for X" (a MASK that does not exist, an empty INPUT) get what X
  accepts.
* :func:`check_nul_characters`: a value holding a NUL character (a path Python cannot open).
* :func:`check_whole_numbers`: a whole-number parameter given 2.5 or 2**40, which QGIS would
  read as 2 or 0, is refused as given.
* :func:`check_value_types`: a value of a type QGIS would misread (a list for LEVELS or GCPS,
  4326 for a CRS, 1.5 for a choice, "no" for a boolean) is refused as given.
* :func:`check_crs_texts`: a CRS typed as text that QGIS does not know is an error, not "no CRS".
* :func:`processing_error`: any error of a run as one line that starts with the parameter to
  change; an unexpected one says it is a bug and where, without a traceback.
"""
import math
import numbers
import os
import stat

from qgis.core import (
    QgsProcessingException,
    QgsProcessingFeatureSourceDefinition,
    QgsProcessingParameterCrs,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterEnum,
    QgsProcessingParameterExtent,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterFile,
    QgsProcessingParameterMapLayer,
    QgsProcessingParameterMeshLayer,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterVectorLayer,
    QgsProcessingUtils,
    QgsProperty,
)
from qgis.PyQt.QtCore import QCoreApplication

from .figure_loading import loading_figure


def tr(text):
    return QCoreApplication.translate("ColormapDecoder", text)


def _input_path(parameters, name):
    return layer_value_path(parameters.get(name))


#: Parameters whose value QGIS loads as a layer (GDAL or OGR open the file behind it).
LAYER_PARAMETERS = (QgsProcessingParameterRasterLayer, QgsProcessingParameterFeatureSource,
                    QgsProcessingParameterVectorLayer, QgsProcessingParameterMapLayer,
                    QgsProcessingParameterMeshLayer)


def layer_value_path(value):
    """The file a layer parameter's value names (``path|layername=…`` without the layer part,
    the source of a feature source definition or of a fixed property), or ""."""
    if isinstance(value, QgsProcessingFeatureSourceDefinition):
        value = value.source
    if isinstance(value, QgsProperty):
        value = value.staticValue()  # None for an expression or a field
    return value.split("|")[0] if isinstance(value, str) else ""


def opening_would_block(path):
    """Whether ``path`` exists and is neither a regular file nor a folder: a named pipe (opening
    it waits for a writer forever), a device (``/dev/zero`` never ends) or a socket."""
    if not path:
        return False
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):  # missing, unreadable, or a name no file can have
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def rewritten_by_loading(path):
    """Whether QGIS's loading of ``path`` would rewrite the file itself: a GDAL virtual raster
    (VRT) keeps the statistics QGIS's renderer asks for in its own XML and writes itself back
    when closed, read-only or not (GDAL 3.6; seen: statistics added and its sources' relative
    paths made absolute). Such a figure is refused anyway (saved as a PNG it decodes): refused
    before QGIS opens it."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(256)
    except (OSError, ValueError, TypeError):
        return False
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<VRTDataset")


class FigureParameter(QgsProcessingParameterRasterLayer):
    """The INPUT raster parameter (both algorithms), refusing paths that are not regular files
    before QGIS opens them: GDAL opening a named pipe waits forever, and qgis_process checks
    each value (by loading the layer) before the algorithm's own checks run. Wherever QGIS
    loads the figure through it, nothing is written beside the figure (``figure_loading``)."""

    def checkValueIsAcceptable(self, value, context=None):  # noqa: N802 - QGIS API
        path = layer_value_path(value)
        if path and os.path.exists(path) and not os.path.isfile(path):
            return False
        if path and rewritten_by_loading(path):
            return False
        # QGIS loads the figure here (qgis_process, processing.run): nothing written beside it.
        with loading_figure():
            return super().checkValueIsAcceptable(value, context)

    def valueAsPythonString(self, value, context):  # noqa: N802 - QGIS API
        # QGIS loads the figure here too: a model logs each child's inputs as Python, and the
        # Processing history keeps each run as a command.
        with loading_figure():
            return super().valueAsPythonString(value, context)

    def clone(self):
        copy = FigureParameter(self.name(), self.description(), self.defaultValue(),
                               bool(self.flags()
                                    & QgsProcessingParameterDefinition.Flag.FlagOptional))
        copy.setFlags(self.flags())
        copy.setHelp(self.help())
        return copy


class PolygonLayerParameter(QgsProcessingParameterFeatureSource):
    """A feature source parameter (MASK) refusing a named pipe, a device or a socket before
    QGIS opens it, as :class:`FigureParameter` does for INPUT; a folder stays acceptable (OGR
    reads a folder of shapefiles)."""

    def checkValueIsAcceptable(self, value, context=None):  # noqa: N802 - QGIS API
        if opening_would_block(layer_value_path(value)):
            return False
        return super().checkValueIsAcceptable(value, context)

    def clone(self):
        copy = PolygonLayerParameter(self.name(), self.description(), self.dataTypes(),
                                     self.defaultValue(),
                                     bool(self.flags()
                                          & QgsProcessingParameterDefinition.Flag.FlagOptional))
        copy.setFlags(self.flags())
        copy.setHelp(self.help())
        return copy


def check_input_figure_before_loading(parameters, name="INPUT"):
    """A message for an INPUT that must not be handed to QGIS at all, else None.

    A named pipe or a device would make QGIS's loading wait forever; a VRT would be rewritten
    (:func:`rewritten_by_loading`).
    """
    path = _input_path(parameters, name)
    if path and os.path.exists(path) and not os.path.isfile(path):
        return tr("{}: '{}' is not a regular file (a folder, device or pipe). Choose the "
                  "figure's image file.").format(name, path)
    if path and rewritten_by_loading(path):
        from ..engine.figure import unreadable_figure_message

        return f"{name}: {unreadable_figure_message(path)}"
    return None


def check_layers_before_loading(algorithm, parameters):
    """A message for a layer parameter whose file must not be handed to QGIS at all, else None.

    INPUT as :func:`check_input_figure_before_loading`; every other layer parameter (MASK)
    naming a named pipe, a device or a socket, which GDAL and OGR would wait on forever or read
    without end.
    """
    message = check_input_figure_before_loading(parameters, algorithm.INPUT)
    if message:
        return message
    for definition in algorithm.parameterDefinitions():
        name = definition.name()
        if name == algorithm.INPUT or not isinstance(definition, LAYER_PARAMETERS):
            continue
        path = layer_value_path(parameters.get(name))
        if opening_would_block(path):
            return tr("{}: '{}' is not a regular file (a device, pipe or socket): it cannot be "
                      "read as a layer. {}").format(name, path, _what_is_accepted(definition))
    return None


def check_input_figure(parameters, context, name="INPUT"):
    """Why INPUT cannot be loaded, naming it, after QGIS's own check refused it; else None.

    Only when INPUT itself is what QGIS could not load: another parameter's problem keeps
    QGIS's message.
    """
    from .dependencies import missing_dependencies_message

    path = _input_path(parameters, name)
    if not path or missing_dependencies_message():
        return None
    with loading_figure():
        if context.getMapLayer(path) is not None:
            return None  # a layer of the project, by id or name
        loadable = os.path.isfile(path) and QgsProcessingUtils.mapLayerFromString(
            path, context) is not None
    if loadable:
        return None
    if not os.path.exists(path):
        folder = os.path.dirname(os.path.abspath(path))
        where = ("" if os.path.isdir(folder) else
                 tr(" (its folder '{}' does not exist either)").format(folder))
        return tr("{}: the figure '{}' does not exist{}. Check the path, or choose the figure's "
                  "layer.").format(name, path, where)
    from ..engine.figure import unreadable_figure_message

    return f"{name}: {unreadable_figure_message(path)}"


def check_nul_characters(parameters):
    """A message for a value holding a NUL character (``\\0``), else None.

    No file name, CRS or number can hold one; Python refuses such a path with "embedded null
    byte", and QGIS cuts the text there, so it would be read as something else.
    """
    for name, value in parameters.items():
        text = value if isinstance(value, str) else getattr(
            getattr(value, "sink", None), "staticValue", lambda: None)()
        if isinstance(text, str) and "\x00" in text:
            return tr("{}: the value holds a NUL character (\\0), which no file name, number or "
                      "text here can hold: '{}'. Type or paste it again.").format(
                name, text.replace("\x00", "\\0"))
    return None


def check_whole_numbers(algorithm, parameters):
    """A message for a whole-number parameter given a value that is not one, else None.

    QGIS accepts 2.5 for an integer parameter (and reads it as 2) and wraps 2**40 around to 0,
    which a later check then reports as "0": the value given is refused here, as given.

    Parameters
    ----------
    algorithm : QgsProcessingAlgorithm
    parameters : dict

    Returns
    -------
    str or None
    """
    for definition in algorithm.parameterDefinitions():
        if not isinstance(definition, QgsProcessingParameterNumber) or \
                definition.dataType() != QgsProcessingParameterNumber.Integer:
            continue
        value = parameters.get(definition.name())
        if value is None or isinstance(value, bool) or (isinstance(value, str) and not value.strip()):
            continue
        try:
            number = float(value)
        except (TypeError, ValueError):
            continue  # not a number at all: QGIS's own check says so
        if not math.isfinite(number) or number != int(number) or abs(number) > INT32_MAX:
            return tr("{}: '{}' is not a whole number. {}").format(
                definition.name(), value, _what_is_accepted(definition))
    return None


def _shown(value):
    """A value of the wrong type as the message shows it: what it is, and a short view."""
    text = repr(value)
    text = text if len(text) <= 60 else text[:57] + "..."
    if isinstance(value, bool):
        return tr("{} (true or false)").format(str(value).lower())
    if isinstance(value, (list, tuple)):
        return tr("a list ({})").format(text)
    if isinstance(value, dict):
        return tr("a dictionary ({})").format(text)
    if isinstance(value, numbers.Real):
        return tr("the number {}").format(text)
    return tr("a value of type {} ({})").format(type(value).__name__, text)


def _as_text_list(value):
    """A list of numbers as one comma-separated text ('0,1000,2000'), else None."""
    if isinstance(value, (list, tuple)) and value and all(
            isinstance(item, numbers.Real) and not isinstance(item, bool) for item in value):
        from ..engine.text_format import number_text

        # Every digit given: the text suggested must mean the same numbers.
        return ",".join(number_text(item) if isinstance(item, float) else str(item)
                        for item in value)
    return None


#: Texts a boolean parameter takes: QGIS reads any other non-empty text (even "no") as true.
BOOLEAN_TEXTS = {"true": True, "false": False, "1": True, "0": False}


def _type_problem(definition, value):
    """Why ``value`` is of a type ``definition`` would misread (silently), else None."""
    from qgis.core import (
        QgsCoordinateReferenceSystem,
        QgsMapLayer,
        QgsProcessingFeatureSourceDefinition,
        QgsProcessingOutputLayerDefinition,
        QgsProcessingParameterBoolean,
        QgsProcessingParameterFeatureSink,
        QgsProcessingParameterFileDestination,
        QgsProcessingParameterRasterDestination,
        QgsProcessingParameterString,
        QgsRectangle,
        QgsReferencedRectangle,
    )

    if isinstance(value, numbers.Number) and type(value).__module__.split(".")[0] == "numpy":
        # numpy's numbers (float64 too, a float subclass): QGIS reads them as 0 or not at all.
        return tr("{} is a {} number, which QGIS reads as 0 or not at all. Give a plain "
                  "number ({}).").format(repr(value), type(value).__name__, value)
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if isinstance(definition, QgsProcessingParameterNumber):
        if number or isinstance(value, str):
            return None
        return tr("{} is not a number. Give one number, e.g. 4000 or -0.5.").format(_shown(value))
    if isinstance(definition, QgsProcessingParameterEnum):
        if isinstance(value, str):
            try:
                whole = float(value) == int(float(value))
            except (ValueError, OverflowError):
                whole = True  # an option's label, or not a number: QGIS's own check says
            if whole:
                return None
            return tr("'{}' is not one of the choices. {}").format(
                value, _what_is_accepted(definition))
        if number and math.isfinite(value) and float(value) == int(value):
            return None
        return tr("{} is not one of the choices. {}").format(_shown(value),
                                                          _what_is_accepted(definition))
    if isinstance(definition, QgsProcessingParameterBoolean):
        if isinstance(value, bool) or (number and value in (0, 1)) or (
                isinstance(value, str) and value.strip().lower() in BOOLEAN_TEXTS):
            return None
        shown = f"'{value}'" if isinstance(value, str) else _shown(value)
        return tr("{} is not true or false (QGIS would read it as true). Give true or false, "
                  "or 1 or 0.").format(shown)
    if isinstance(definition, QgsProcessingParameterString):
        if isinstance(value, str) or number:
            return None
        joined = _as_text_list(value)
        if joined is not None:
            return tr("{} is not read as text (QGIS would read it as nothing). Give the numbers "
                      "as one text: '{}'.").format(_shown(value), joined)
        return tr("{} is not text (QGIS would read it as nothing). Give one text.").format(
            _shown(value))
    if isinstance(definition, QgsProcessingParameterFile):
        if isinstance(value, str):
            return None
        return tr("{} is not a file name (QGIS would read it as none). Give the path of one "
                  "file.").format(_shown(value))
    if isinstance(definition, QgsProcessingParameterCrs):
        if isinstance(value, (str, QgsCoordinateReferenceSystem, QgsMapLayer)):
            return None
        if number and math.isfinite(value) and float(value) == int(value):
            return tr("{} is not a CRS (QGIS would read it as none). Give it with its "
                      "authority, e.g. 'EPSG:{}'.").format(_shown(value), int(value))
        return tr("{} is not a CRS (QGIS would read it as none). {}").format(
            _shown(value), _what_is_accepted(definition))
    if isinstance(definition, QgsProcessingParameterExtent):
        if isinstance(value, (str, QgsRectangle, QgsReferencedRectangle, QgsMapLayer)):
            return None
        joined = _as_text_list(value)
        if joined is not None and len(value) == 4:
            return tr("{} is not read as a box. Give its four numbers as one text: '{}' "
                      "(xmin,xmax,ymin,ymax).").format(_shown(value), joined)
        return tr("{} is not a box. {}").format(_shown(value), _what_is_accepted(definition))
    if isinstance(definition, (QgsProcessingParameterRasterLayer,
                               QgsProcessingParameterFeatureSource)):
        if isinstance(value, (str, QgsMapLayer, QgsProcessingFeatureSourceDefinition)):
            return None
        return tr("{} is not a layer. {}").format(_shown(value), _what_is_accepted(definition))
    if isinstance(definition, (QgsProcessingParameterRasterDestination,
                               QgsProcessingParameterFeatureSink,
                               QgsProcessingParameterFileDestination)):
        if isinstance(value, (str, QgsProcessingOutputLayerDefinition)):
            return None
        from ..engine.validation import EXAMPLE_FILE_NAMES

        # A name of the output's own kind (the GCP file's is no 'report.html').
        kind = ("points.gpkg" if isinstance(definition, QgsProcessingParameterFeatureSink) else
                "report.html" if isinstance(definition, QgsProcessingParameterFileDestination)
                else "decoded.tif")
        return tr("{} is not a destination. Give a file name (e.g. '{}'), or leave it empty "
                  "for a temporary file.").format(
            _shown(value), EXAMPLE_FILE_NAMES.get(definition.name(), kind))
    return None


def check_value_types(algorithm, parameters):
    """A message for a value of a type its parameter would silently misread, else None.

    What a script or a JSON parameter file (qgis_process) may give: QGIS reads a list given
    for LEVELS or GCPS as nothing, [100] for VMIN as 0, 4326 for a CRS as no CRS, 1.5 for an
    enum as 2, and any text but "false" or "0" ("no" included) for a boolean as true; the run
    then goes on with another value than the one given, or blames another parameter. Refused
    here, naming the parameter and saying how to write the value.

    Parameters
    ----------
    algorithm : QgsProcessingAlgorithm
    parameters : dict

    Returns
    -------
    str or None
    """
    from qgis.core import QgsProperty

    for definition in algorithm.parameterDefinitions():
        value = parameters.get(definition.name())
        if value is None or isinstance(value, QgsProperty):
            continue
        problem = _type_problem(definition, value)
        if problem:
            return f"{definition.name()}: {problem}"
    return None


def check_parameter_values(algorithm, parameters, context, qgis_check):
    """Both algorithms' ``checkParameterValues``: QGIS's own check with the plugin's
    explanations.

    What QGIS cannot even try or would misread is refused first (a NUL character; a value of
    the wrong type; a layer, INPUT or MASK, that would block, such as a named pipe); then ``qgis_check`` (the
    base class's check, which loads INPUT) runs without GDAL's no-geotransform message, and a
    refusal gets the figure's own
    explanation or what the parameter accepts; then whole-number parameters are checked as
    given.

    Parameters
    ----------
    algorithm : QgsProcessingAlgorithm
        Its ``INPUT`` names the figure parameter.
    parameters : dict
    context : QgsProcessingContext
    qgis_check : callable
        ``(parameters, context) -> (ok, message)``, QGIS's own check.

    Returns
    -------
    tuple (bool, str)
    """
    refusal = check_nul_characters(parameters) or check_value_types(algorithm, parameters) or \
        check_layers_before_loading(algorithm, parameters)
    if refusal:
        return False, refusal
    with loading_figure():
        ok, message = qgis_check(parameters, context)
    if not ok:
        return False, (check_input_figure(parameters, context, algorithm.INPUT)
                       or explain_qgis_refusal(algorithm, parameters, message))
    not_whole = check_whole_numbers(algorithm, parameters)
    if not_whole:
        return False, not_whole
    return ok, message


#: Largest whole number a QGIS integer parameter holds (a C++ int).
INT32_MAX = 2 ** 31 - 1


def explain_qgis_refusal(algorithm, parameters, message):
    """QGIS's "Incorrect parameter value for X" and "Could not load source layer for X: …" with
    what X accepts; other messages unchanged.

    Parameters
    ----------
    algorithm : QgsProcessingAlgorithm
    parameters : dict
    message : str
        What ``QgsProcessingAlgorithm.checkParameterValues`` said.

    Returns
    -------
    str
    """
    if not message:
        return message
    value_prefix, layer_prefix = "Incorrect parameter value for ", "Could not load source layer for "
    if message.startswith(value_prefix):
        name, reason = message[len(value_prefix):].strip(), ""
    elif message.startswith(layer_prefix):
        # "… for MASK: /x/mask.gpkg not found", "…: invalid value", "…: no value specified …"
        name, _, reason = message[len(layer_prefix):].partition(":")
        name, reason = name.strip(), reason.strip()
    else:
        return message
    definition = algorithm.parameterDefinition(name)
    if definition is None:
        return message
    value = parameters.get(name)
    accepted = _what_is_accepted(definition)
    shown = f"'{value}'" if isinstance(value, (str, int, float)) else tr("the value given")
    if reason.endswith(" not found"):
        return tr("{}: {} does not exist and is not a layer of the project. {}").format(
            name, shown, accepted).strip()
    if reason and (value is None or (isinstance(value, str) and not value.strip())):
        return tr("{}: no layer given. {}").format(name, accepted).strip()
    if reason:
        return tr("{}: {} cannot be loaded as a layer. {}").format(name, shown, accepted).strip()
    return tr("{}: {} is not accepted. {}").format(name, shown, accepted).strip()


def _what_is_accepted(definition):
    if isinstance(definition, QgsProcessingParameterEnum):
        options = ", ".join(f"{index} ({text})" for index, text in enumerate(definition.options()))
        return tr("Give one of {}.").format(options)
    if isinstance(definition, QgsProcessingParameterNumber):
        whole = definition.dataType() == QgsProcessingParameterNumber.Integer
        kind = tr("a whole number") if whole else tr("a number")
        low, high = definition.minimum(), definition.maximum()
        bounds = []
        from ..engine.text_format import number_text

        if low > -1e300:
            bounds.append(tr("at least {}").format(number_text(low)))
        if high < 1e300:
            bounds.append(tr("at most {}").format(number_text(high)))
        return tr("Give {}{}.").format(kind, (" " + tr(" and ").join(bounds)) if bounds else "")
    if isinstance(definition, QgsProcessingParameterExtent):
        return tr("Give four numbers xmin,xmax,ymin,ymax (on a figure that is not georeferenced: "
                  "x = column, y = -row), or draw the box on the figure layer.")
    if isinstance(definition, QgsProcessingParameterFile):
        return tr("Give the path of an existing file (not a folder).")
    if isinstance(definition, QgsProcessingParameterRasterLayer):
        return tr("Give the figure's image file (PNG, JPEG, TIFF...) or its layer in the project.")
    if isinstance(definition, QgsProcessingParameterFeatureSource):
        optional = definition.flags() & QgsProcessingParameterDefinition.Flag.FlagOptional
        return tr("Give a polygon layer: a file (.gpkg, .shp...) or a layer of the project{}."
                  ).format(tr(", or leave it empty") if optional else "")
    if isinstance(definition, QgsProcessingParameterCrs):
        return tr("Give an authority code such as EPSG:4326, a WKT or a PROJ string.")
    return tr("See the parameter's help: {}.").format(definition.description())


def check_crs_texts(algorithm, parameters, context, names):
    """Raise when a CRS given as text is not one QGIS knows (it would silently mean no CRS)."""
    for name in names:
        value = parameters.get(name)
        if value is None or isinstance(value, str) and not value.strip():
            continue
        crs = algorithm.parameterAsCrs(parameters, name, context)
        if isinstance(value, str) and not crs.isValid():
            raise QgsProcessingException(tr(
                "{}: '{}' is not a CRS QGIS knows. Give an authority code such as EPSG:4326, a "
                "WKT or a PROJ string, or leave it empty.").format(name, value))
        if crs.isValid() and "+proj=geocent" in crs.toProj():
            # Valid to QGIS, but no map plane: as TARGET_CRS the whole decode ran before "no
            # decoded pixel falls on the output grid"; as detectfigure's GCP_CRS its GCPs
            # were written in it.
            raise QgsProcessingException(tr(
                "{}: {} is a geocentric CRS (X, Y, Z from the Earth's centre), not the plane of "
                "a map. Give a projected or geographic CRS, such as EPSG:4326 for longitudes "
                "and latitudes or the map's UTM zone.").format(
                    name, crs.authid() or crs.description()))


def processing_error(error, default_parameter="INPUT"):
    """The QgsProcessingException a user sees for ``error`` raised by a run.

    Parameters
    ----------
    error : BaseException
        An :class:`~..engine.errors.EngineError` (a problem of the input: named by its
        parameter), a MemoryError, or anything else (a bug: said so, with where it happened,
        without a traceback).
    default_parameter : str
        Named when the error names none.

    Returns
    -------
    QgsProcessingException
    """
    from ..engine.errors import EngineError

    if isinstance(error, QgsProcessingException):
        return error
    if isinstance(error, EngineError):
        return QgsProcessingException(f"{error.parameter or default_parameter}: {error}")
    if isinstance(error, MemoryError):
        return QgsProcessingException(tr(
            "INPUT: not enough memory for this figure. Crop or shrink it (or draw a smaller "
            "PLOT_AREA), or choose a larger PIXEL_SIZE."))
    import traceback

    frame = traceback.extract_tb(error.__traceback__)[-1] if error.__traceback__ else None
    where = tr(", in {} line {}").format(os.path.basename(frame.filename), frame.lineno) \
        if frame else ""
    return QgsProcessingException(tr(
        "Colormap Decoder failed unexpectedly ({}: {}{}). This is a bug: please report it with "
        "the parameters and the log above.").format(type(error).__name__, str(error)[:300],
                                                    where))
