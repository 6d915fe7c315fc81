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

from qgis.core import (QgsClassificationEqualInterval, QgsClassificationLogarithmic,
                       QgsColorRampShader, QgsGradientColorRamp, QgsGradientStop,
                       QgsGraduatedSymbolRenderer, QgsMarkerSymbol,
                       QgsProcessingLayerPostProcessorInterface, QgsRasterLayer, QgsRasterShader,
                       QgsRendererRange, QgsSingleBandPseudoColorRenderer, QgsVectorLayer)
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtGui import QColor

#: Classes of the points' graduated renderer for a continuous colour scale.
CONTINUOUS_POINT_CLASSES = 12

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

    def colour_tuples(array):
        return tuple(tuple(float(c) for c in colour) for colour in np.asarray(array))

    if mapping.levels is not None or scale.discrete:
        # Exactly the classes the decoder matched pixels against (see ColourDecoder).
        if mapping.levels is not None:
            boundaries = np.asarray(mapping.levels, dtype=np.float64)
            colours = scale.colour_at(np.clip(mapping.to_fraction(mapping.class_values()), 0, 1))
        else:
            boundaries = mapping.to_value(np.asarray(scale.positions, dtype=np.float64))
            colours = np.asarray(scale.colours, dtype=np.float64)
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
                         point_classes)

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
                     colour_tuples(colours), tuple(float(f) for f in positions), point_classes)


def _qcolor(colour):
    return QColor.fromRgbF(*(min(max(c, 0.0), 1.0) for c in colour))


def _format(value):
    return f"{value:.6g}"


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
                upper, _qcolor(colour), f"{_format(lower)} – {_format(upper)}"))
    else:
        shader.setColorRampType(QgsColorRampShader.Type.Interpolated)
        shader.setClassificationMode(QgsColorRampShader.ClassificationMode.Continuous)
        for value, colour in zip(spec.values, spec.colours):
            items.append(QgsColorRampShader.ColorRampItem(value, _qcolor(colour), _format(value)))
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


def points_renderer(spec, field="value"):
    """A QgsGraduatedSymbolRenderer on ``field``: one range per class, coloured like the figure."""
    ranges = []
    for lower, upper, colour in spec.point_classes:
        symbol = QgsMarkerSymbol.createSimple({
            "name": "circle", "size": "2.0", "outline_color": "35,35,35,255",
            "outline_width": "0.2"})
        symbol.setColor(_qcolor(colour))
        ranges.append(QgsRendererRange(lower, upper, symbol,
                                       f"{_format(lower)} – {_format(upper)}"))
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
