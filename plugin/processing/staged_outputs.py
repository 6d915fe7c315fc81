"""Outputs written away from their destination and moved into place together.

A run ends either with every output complete in place or with none of them changed: each
output is written into a staging folder beside its destination
(:func:`~..engine.writing.atomic_folder_destination`) and moved when all are written. Used by
both algorithms for their file outputs; a QGIS feature sink (the point layer) is pointed at
its staging folder here, which QGIS's own ``parameterAsSink`` does not offer.
"""
import os
import re

from qgis.core import QgsProcessingOutputLayerDefinition, QgsProperty


def file_destination(algorithm, parameters, name, context):
    """The file a layer output will be written to, or None when it is not a plain file.

    Memory layers, databases and other providers (``memory:``, ``postgres:``, ``ogr:dbname=``,
    which may add a table to an existing GeoPackage) are not plain files; a drive letter
    (``C:``) is.
    """
    destination = (algorithm.parameterAsOutputLayer(parameters, name, context) or "").split("|")[0]
    if not destination or re.match(r"[A-Za-z][\w+.-]+:", destination):
        return None
    return destination


def staged_sink(algorithm, parameters, name, context, stack, fields, wkb_type, crs):
    """``parameterAsSink`` for an output written in a staging folder, moved into place when
    ``stack`` closes without an error.

    Parameters
    ----------
    algorithm : QgsProcessingAlgorithm
    parameters : dict
    name : str
        The feature sink parameter.
    context : QgsProcessingContext
    stack : contextlib.ExitStack
        Closed once every output of the run is written: the sink's files move then. Delete
        the sink (which closes its file) before.
    fields, wkb_type, crs
        As for ``parameterAsSink``.

    Returns
    -------
    sink, destination, staged
        ``destination`` is where the layer will be once moved (what the run returns); a
        layer QGIS loads at the end is registered under it. ``staged`` is the layer as written
        (for :func:`check_layer_complete`), None when it is not a file.
    """
    from ..engine.writing import atomic_folder_destination

    final = file_destination(algorithm, parameters, name, context)
    if final is None:
        return algorithm.parameterAsSink(parameters, name, context, fields, wkb_type, crs) + (None,)
    staged = stack.enter_context(atomic_folder_destination(final, name))
    value = parameters.get(name)
    if isinstance(value, QgsProcessingOutputLayerDefinition):
        value = QgsProcessingOutputLayerDefinition(value)  # its project, name and options
        value.sink = QgsProperty.fromValue(staged)
    else:
        value = staged
    sink, written = algorithm.parameterAsSink(dict(parameters, **{name: value}), name, context,
                                              fields, wkb_type, crs)
    # QGIS may add an extension ('points.xyz' -> 'points.xyz.gpkg') or a layer name.
    written_file, _, layer_part = (written or staged).partition("|")
    destination = os.path.join(os.path.dirname(os.path.abspath(final)),
                               os.path.basename(written_file))
    if layer_part:
        destination += "|" + layer_part
    if written and context.willLoadLayerOnCompletion(written):
        layers = context.layersToLoadOnCompletion()
        layers[destination] = layers.pop(written)
        context.setLayersToLoadOnCompletion(layers)
    return sink, destination, written or staged


def check_layer_complete(staged, expected_features, parameter):
    """Refuse a written layer that does not hold every feature handed to its sink.

    A GeoPackage commits its features when the sink is closed; when that fails (a full disk),
    GDAL says so on its error stream only and the file has no layer. The layer is opened again
    and its features counted.

    Parameters
    ----------
    staged : str or None
        The layer as written (``staged_sink``'s third value); None: nothing to check.
    expected_features : int
    parameter : str

    Raises
    ------
    QgsProcessingException
    """
    from qgis.core import QgsProcessingException, QgsVectorLayer
    from qgis.PyQt.QtCore import QCoreApplication

    if staged is None:
        return
    layer = QgsVectorLayer(staged, "written", "ogr")
    found = layer.featureCount() if layer.isValid() else -1
    del layer  # closes the file before it is moved
    if found != expected_features:
        raise QgsProcessingException(QCoreApplication.translate("ColormapDecoder", (
            "{}: the point layer could not be written completely ({} of {} points can be read "
            "back). Is the disk full? Free some space or choose another destination; no output "
            "was changed.")).format(parameter, max(found, 0), expected_features))
