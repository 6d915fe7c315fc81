"""Styles for the outputs as QGIS loads them: the colormap and value range the figure used.

The decoded raster opens as a singleband pseudocolor layer and the representative points with a
graduated renderer on ``value``, both coloured with the figure's own colour scale over the
figure's own value range, so that the layers look like the figure they came from.

Two halves, because the algorithm runs in a background thread and layers are loaded, and
styled, in the main thread afterwards:

* :func:`style_spec` reads the engine's result (in the algorithm's thread) into a
  :class:`StyleSpec`: plain numbers and colours, no Qt objects.
* :func:`raster_renderer` and :func:`points_renderer` build QGIS renderers from a spec; the
  post-processors call them on the loaded layers (main thread), and scripts may call them too.

QGIS keeps only a C++ pointer to a layer post-processor, so :func:`style_on_load` also keeps
the Python objects alive in :data:`_POST_PROCESSORS` (QGIS's own Python algorithms must do the
same).
"""
import os
from dataclasses import dataclass

from qgis.core import (
    QgsClassificationEqualInterval,
    QgsClassificationLogarithmic,
    QgsColorRampShader,
    QgsGradientColorRamp,
    QgsGradientStop,
    QgsGraduatedSymbolRenderer,
    QgsMarkerSymbol,
    QgsProcessingLayerPostProcessorInterface,
    QgsRasterLayer,
    QgsRasterShader,
    QgsRendererRange,
    QgsSimpleMarkerSymbolLayer,
    QgsSingleBandPseudoColorRenderer,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtGui import QColor

#: Classes of the points' graduated renderer for a continuous colour scale.
CONTINUOUS_POINT_CLASSES = 12

#: Diameter of a representative point, and the width of the white halo around it (mm).
POINT_SIZE_MM = 2.2
POINT_HALO_MM = 0.45

#: A logarithmic scale drawn by QGIS's shader (linear in value between items) needs items at
#: least this dense in the fraction of the scale to follow the colours' log spacing.
LOG_SHADER_SAMPLES = 129

#: Keeps the post-processors alive while QGIS holds only their C++ pointers; keyed by the
#: output's destination, so a destination written again replaces its old post-processor.
_POST_PROCESSORS = {}


@dataclass(frozen=True)
class StyleSpec:
    """What the styles need from a decode, as plain data (safe to pass between threads).

    ``discrete`` False: ``values[i]`` has colour ``colours[i]`` (interpolated in between) and
    lies at ``fractions[i]`` of the scale. ``discrete`` True: ``values`` are the n + 1 class
    boundaries and ``colours`` the n class colours. ``point_classes`` are (lower, upper,
    colour) ranges for the points. Colours are sRGB tuples in [0, 1].
    """

    label: str
    vmin: float
    vmax: float
    logarithmic: bool
    discrete: bool
    values: tuple
    colours: tuple
    fractions: tuple
    point_classes: tuple
    #: The smallest value difference the figure's colours can show (value units); legend labels
    #: are rounded to it. 0: unknown (labels keep 6 significant digits).
    value_resolution: float = 0.0


def scale_label(scale_name):
    """A short name of the colour scale for layer names: 'viridis', 'haxby.cpt', 'colorbar'."""
    name = scale_name.split(":", 1)[1] if ":" in scale_name else scale_name
    if name.lower().endswith(".cpt") or os.sep in name:
        name = os.path.basename(name)
    return name or scale_name


def style_spec(result):
    """The :class:`StyleSpec` of an engine ``DecodeResult`` (uses numpy; no Qt)."""
    import numpy as np

    scale, mapping = result.decoder.scale, result.mapping
    resolution = float(getattr(result.decoder, "value_resolution", 0.0) or 0.0)

    def colour_tuples(array):
        return tuple(tuple(float(c) for c in colour) for colour in np.asarray(array))

    classes = result.decoder.classes
    if classes is not None:
        # The classes the decoder matched pixels against, read from it.
        boundaries, colours = classes.boundaries, classes.colours
        keep = np.diff(boundaries) > 0  # drop empty classes
        lower, upper, colours = boundaries[:-1][keep], boundaries[1:][keep], colours[keep]
        values = np.append(lower, upper[-1])
        fractions = np.clip(mapping.to_fraction(values), 0, 1)
        point_classes = tuple((float(lo), float(hi), tuple(float(c) for c in colour))
                              for lo, hi, colour in zip(lower, upper, colours))
        # The range of a classified figure is that of its classes.
        return StyleSpec(scale_label(result.scale_name), float(values[0]), float(values[-1]),
                         bool(mapping.logarithmic), True, tuple(float(v) for v in values),
                         colour_tuples(colours), tuple(float(f) for f in fractions),
                         point_classes, resolution)

    positions = np.asarray(scale.positions, dtype=np.float64)
    colours = np.asarray(scale.colours, dtype=np.float64)
    if mapping.logarithmic:
        extra = np.linspace(0.0, 1.0, LOG_SHADER_SAMPLES)
        extra = extra[np.min(np.abs(extra[:, None] - positions[None, :]), axis=1) > 1e-12]
        order = np.argsort(np.concatenate([positions, extra]), kind="stable")
        colours = np.concatenate([colours, scale.colour_at(extra)])[order]
        positions = np.concatenate([positions, extra])[order]
    edges = np.linspace(0.0, 1.0, CONTINUOUS_POINT_CLASSES + 1)
    edge_values = mapping.to_value(edges)
    middle_colours = scale.colour_at((edges[:-1] + edges[1:]) / 2)
    point_classes = tuple((float(lo), float(hi), tuple(float(c) for c in colour))
                          for lo, hi, colour in zip(edge_values[:-1], edge_values[1:],
                                                    middle_colours))
    return StyleSpec(scale_label(result.scale_name), float(mapping.vmin), float(mapping.vmax),
                     bool(mapping.logarithmic), False,
                     tuple(float(v) for v in mapping.to_value(positions)),
                     colour_tuples(colours), tuple(float(f) for f in positions), point_classes,
                     resolution)


def _qcolor(colour):
    return QColor.fromRgbF(*(min(max(c, 0.0), 1.0) for c in colour))


def legend_label(value, spec):
    """A legend number rounded to what the figure can show: '333', not '333.333'.

    Linear scales: to the decimals of the value resolution (a class narrower than that rounds
    to the class width's decimals). Logarithmic scales, whose resolution grows with the value:
    3 significant digits.
    """
    from ..engine.text_format import decimals_for

    if spec.logarithmic:
        return f"{value:.3g}"
    step = spec.value_resolution
    if spec.discrete and len(spec.values) > 1:
        widths = [b - a for a, b in zip(spec.values[:-1], spec.values[1:]) if b > a]
        step = min([step] + widths) if step > 0 else min(widths, default=0.0)
    if not step > 0:
        return f"{value:.6g}"
    text = f"{value:.{decimals_for(step)}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def colour_ramp(spec):
    """The scale as a QgsGradientColorRamp over its fractions (for QGIS's ramp widgets)."""
    colours = [_qcolor(c) for c in spec.colours]
    if spec.discrete:
        stops = [QgsGradientStop(f, colour)
                 for f, colour in zip(spec.fractions[1:-1], colours[1:]) if 0 < f < 1]
        return QgsGradientColorRamp(colours[0], colours[-1], True, stops)
    stops = [QgsGradientStop(f, colour)
             for f, colour in zip(spec.fractions[1:-1], colours[1:-1]) if 0 < f < 1]
    return QgsGradientColorRamp(colours[0], colours[-1], False, stops)


def colour_ramp_shader(spec):
    """A QgsColorRampShader drawing values as the figure drew them.

    Continuous scales: Interpolated, one item per vertex of the scale. Discrete scales and
    contour-filled figures (LEVELS): Discrete, one item per class whose value is the class's
    upper boundary (QGIS gives a Discrete item's colour to values up to its value).
    """
    shader = QgsColorRampShader(spec.vmin, spec.vmax)
    items = []
    if spec.discrete:
        shader.setColorRampType(QgsColorRampShader.Type.Discrete)
        shader.setClassificationMode(QgsColorRampShader.ClassificationMode.EqualInterval)
        for lower, upper, colour in zip(spec.values[:-1], spec.values[1:], spec.colours):
            items.append(QgsColorRampShader.ColorRampItem(
                upper, _qcolor(colour),
                f"{legend_label(lower, spec)} – {legend_label(upper, spec)}"))
    else:
        shader.setColorRampType(QgsColorRampShader.Type.Interpolated)
        shader.setClassificationMode(QgsColorRampShader.ClassificationMode.Continuous)
        for value, colour in zip(spec.values, spec.colours):
            items.append(QgsColorRampShader.ColorRampItem(value, _qcolor(colour),
                                                          legend_label(value, spec)))
    shader.setSourceColorRamp(colour_ramp(spec))
    shader.setColorRampItemList(items)
    shader.setClip(False)
    return shader


def raster_renderer(provider, spec, band=1):
    """A QgsSingleBandPseudoColorRenderer for the decoded raster's data provider."""
    raster_shader = QgsRasterShader(spec.vmin, spec.vmax)
    raster_shader.setRasterShaderFunction(colour_ramp_shader(spec))
    renderer = QgsSingleBandPseudoColorRenderer(provider, band, raster_shader)
    renderer.setClassificationMin(spec.vmin)
    renderer.setClassificationMax(spec.vmax)
    return renderer


def point_symbol(colour):
    """A point in the figure's colour that stays visible on the raster of the same colours:
    a dark outline inside a white halo."""
    symbol = QgsMarkerSymbol.createSimple({
        "name": "circle", "size": str(POINT_SIZE_MM + 2 * POINT_HALO_MM),
        "color": "255,255,255,230", "outline_style": "no"})
    # Locked: recolouring the class (QGIS's ramp, symbol.setColor) changes the dot, not the halo.
    symbol.symbolLayer(0).setLocked(True)
    dot = QgsSimpleMarkerSymbolLayer.create({
        "name": "circle", "size": str(POINT_SIZE_MM), "outline_color": "20,20,20,255",
        "outline_width": "0.3"})
    dot.setColor(_qcolor(colour))
    symbol.appendSymbolLayer(dot)
    return symbol


def points_renderer(spec, field="value"):
    """A QgsGraduatedSymbolRenderer on ``field``: one range per class, coloured like the figure."""
    ranges = []
    for lower, upper, colour in spec.point_classes:
        ranges.append(QgsRendererRange(lower, upper, point_symbol(colour),
                                       f"{legend_label(lower, spec)} – "
                                       f"{legend_label(upper, spec)}"))
    renderer = QgsGraduatedSymbolRenderer(field, ranges)
    renderer.setSourceColorRamp(colour_ramp(spec))
    renderer.setClassificationMethod(QgsClassificationLogarithmic() if spec.logarithmic
                                     else QgsClassificationEqualInterval())
    return renderer


def raster_layer_name(spec):
    return QCoreApplication.translate("ColormapDecoder", "Decoded values ({})").format(spec.label)


def points_layer_name(spec):
    return QCoreApplication.translate("ColormapDecoder",
                                      "Representative points ({})").format(spec.label)


class DecodedRasterStyler(QgsProcessingLayerPostProcessorInterface):
    """Gives the loaded decoded raster the figure's colours and range."""

    def __init__(self, spec):
        super().__init__()
        self.spec = spec

    def postProcessLayer(self, layer, context, feedback):  # noqa: N802 - QGIS API
        if not isinstance(layer, QgsRasterLayer) or not layer.isValid():
            return
        layer.setRenderer(raster_renderer(layer.dataProvider(), self.spec))
        layer.triggerRepaint()
        layer.emitStyleChanged()
        show_on_the_map(layer, context, feedback)


def show_on_the_map(layer, context, feedback=None):
    """Bring the loaded decoded raster into view in the project and the main map (desktop)."""
    from qgis.core import QgsProject

    from .canvas_view import bring_into_view

    project = context.project() or QgsProject.instance()
    canvas = None
    if project is QgsProject.instance():
        from qgis.utils import iface

        canvas = iface.mapCanvas() if iface is not None else None
    loaded = set(context.layersToLoadOnCompletion())
    this_run = {other.id() for other in project.mapLayers().values()
                if other.id() in loaded or other.source().split("|")[0] in loaded}
    done = bring_into_view(layer, project, canvas, this_run)
    if done == "crs" and feedback is not None:
        feedback.pushInfo(QCoreApplication.translate(
            "ColormapDecoder", "The project had no georeferenced layer: its CRS is now the "
            "outputs' CRS, {}.").format(layer.crs().userFriendlyIdentifier()))


class RepresentativePointsStyler(QgsProcessingLayerPostProcessorInterface):
    """Gives the loaded points a graduated renderer on ``value`` with the figure's colours."""

    def __init__(self, spec):
        super().__init__()
        self.spec = spec

    def postProcessLayer(self, layer, context, feedback):  # noqa: N802 - QGIS API
        if not isinstance(layer, QgsVectorLayer) or not layer.isValid():
            return
        if layer.fields().indexOf("value") < 0:
            return
        layer.setRenderer(points_renderer(self.spec))
        layer.triggerRepaint()
        layer.emitStyleChanged()


def style_on_load(context, result, raster_destination, points_destination,
                  distance_destination=None):
    """Name the outputs QGIS will load at the end, and style them with post-processors.

    Only outputs the context loads on completion (the dialog's "Open output file", a model's
    final outputs, ``processing.runAndLoadResults``) are touched; ``processing.run`` and
    ``qgis_process`` load nothing and are left alone.
    """
    spec = None
    for destination, make_styler, make_name in (
            (raster_destination, DecodedRasterStyler, raster_layer_name),
            (points_destination, RepresentativePointsStyler, points_layer_name)):
        if not destination or not context.willLoadLayerOnCompletion(destination):
            continue
        if spec is None:
            spec = style_spec(result)
        details = context.layerToLoadOnCompletionDetails(destination)
        details.name = make_name(spec)
        styler = make_styler(spec)
        _POST_PROCESSORS[destination] = styler
        details.setPostProcessor(styler)
    if distance_destination and context.willLoadLayerOnCompletion(distance_destination):
        context.layerToLoadOnCompletionDetails(distance_destination).name = \
            QCoreApplication.translate("ColormapDecoder", "Colour distance (ΔE)")
