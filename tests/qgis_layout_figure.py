"""A map figure drawn by QGIS's own print layout, and where QGIS put everything.

A singleband-pseudocolor raster layer of a real grid, a map item with grid annotations, and a
legend with the layer's continuous colour ramp on a box inside the map, exported by
QgsLayoutExporter to PNG. The truth is QGIS's: the map item's rectangle on the page (mm) at the
export's resolution, the map extent it shows, and the ramp's pixels (found as the pixels that
change when the legend alone is exported again with another ramp of the same size).
"""
from dataclasses import dataclass

import numpy as np

MM_PER_INCH = 25.4


@dataclass
class LayoutFigure:
    """A print layout exported to PNG and its truth (pixel coordinates, GDAL convention)."""

    path: str
    frame: tuple
    colorbar: tuple
    legend: tuple
    extent: tuple
    value_range: tuple
    crs: str
    dpi: float
    #: A classified layer's class boundaries (QGIS's own, the last class closed at the
    #: shader's maximum), lowest first; None for a continuous ramp.
    levels: tuple = None

    def pixel_to_map(self, x, y):
        west, east, south, north = self.extent
        left, top, right, bottom = self.frame
        return (west + (np.asarray(x, float) - left) / (right - left) * (east - west),
                north - (np.asarray(y, float) - top) / (bottom - top) * (north - south))


def render_print_layout(path, grid_path, crs, extent, value_range, ramp_name="Spectral",
                        invert_ramp=True, horizontal_legend=False, dpi=150, interval=5000.0,
                        map_crs=None, precision=0, annotation_format=None, inside=False,
                        grid_lines=False, frame_style="exterior", suffix="",
                        reversed_legend=False, legend_position=None, ramp_length=None,
                        page_height=150.0, legend_font_size=None, vertical_y_labels=False,
                        legend_font="Nimbus Sans", map_frame=True, annotation_font=None,
                        annotation_font_size=None, classes=0, class_labels="qgis",
                        map_width=150.0, legend_columns=1, ramp_thickness=None,
                        legend_frame=True, frame_width=None, frame_pen=None):
    """Export a QGIS print layout of a grid with its colour-ramp legend inside the map.

    Parameters
    ----------
    path : path-like
        The PNG to write.
    grid_path : path-like
        A single-band raster (a temporary copy: QGIS writes statistics beside it).
    crs : str
        The grid's CRS.
    extent : tuple (west, east, south, north)
        The map's extent, in the map's CRS.
    value_range : tuple (low, high)
        The shader's (and legend's) minimum and maximum.
    horizontal_legend : bool
        The ramp drawn horizontally (else vertically).
    dpi : float
        Export resolution.
    interval : float
        Grid annotation spacing, map units.
    map_crs : str, optional
        The map's (and its annotations') CRS, the layer reprojected by QGIS on the fly; default
        the grid's. In degrees the annotations carry a degree sign and a hemisphere letter.
    precision : int
        Decimals of the annotations.
    annotation_format : str, optional
        "dms" (124°20′30″W) or "dm" (124°20′W), "decimal" (a number alone, a sign for west and
        south: -55); default decimal (with a hemisphere letter in degrees).
    inside : bool
        The annotations written inside the map frame (QGIS centres them on their grid lines).
    grid_lines : bool
        The grid's lines drawn over the map (else annotations and frame only).
    frame_style : str
        "exterior" (ticks), "interior" (ticks over the map), "zebra" or "line" (a border).
    frame_width, frame_pen : float, optional
        The grid frame's width (a zebra band's across the side) and its pen's, mm (default
        QGIS's: 2.0 and 0.3).
    suffix : str
        Written after the legend's two values (" m").
    reversed_legend : bool
        The legend's ramp from the maximum to the minimum (QGIS's direction setting).
    legend_position : tuple (x, y), optional
        The legend's top-left corner on the page, mm (default inside the map, at the right).
    ramp_length : float, optional
        The ramp's length, mm (default 40 horizontal, 30 vertical).
    ramp_thickness : float, optional
        The ramp's width across it, mm (default 8 horizontal, 6 vertical).
    page_height : float
        The page's height, mm (its width is 200 mm).
    legend_font_size : float, optional
        The legend's value labels' size, points (default QGIS's font and size).
    legend_font : str
        The legend's value labels' font family, with ``legend_font_size``.
    vertical_y_labels : bool
        The y annotations written upwards (QGIS's vertical annotation direction).
    map_frame : bool
        The map item's frame line drawn (QGIS's "Frame" of the item; the grid's ticks are
        drawn either way).
    legend_frame : bool
        The legend item's frame line drawn (its white background is, either way).
    annotation_font, annotation_font_size : str, float, optional
        The grid annotations' font family and size (points); default QGIS's.
    classes : int
        With a count, the layer classified instead: a discrete shader of that many classes of
        equal width (QGIS's "Equal interval"), whose legend is one patch a class.
    class_labels : str
        The classes' labels: "qgis" as QGIS's core classification writes them (each class's
        upper bound, the last 'inf'), "ranges" as its renderer dialog writes them
        ('<= 300', '300 - 600', ..., '> 1200'), with ``suffix``, or "values": each class's
        upper bound, the last the shader's maximum (nothing says which end each names).
    map_width : float
        The map item's width, mm (its height follows the extent's shape).
    legend_columns : int
        The legend laid out in this many columns, a layer's items split between them (QGIS's
        "Split layers").

    Returns
    -------
    LayoutFigure
    """
    from qgis.core import (
        QgsColorRampLegendNodeSettings,
        QgsColorRampShader,
        QgsCoordinateReferenceSystem,
        QgsGradientColorRamp,
        QgsLayoutExporter,
        QgsLayoutItemLegend,
        QgsLayoutItemMap,
        QgsLayoutItemMapGrid,
        QgsLayoutPoint,
        QgsLayoutSize,
        QgsLegendStyle,
        QgsPrintLayout,
        QgsProject,
        QgsRasterLayer,
        QgsRasterShader,
        QgsRectangle,
        QgsSingleBandPseudoColorRenderer,
        QgsStyle,
        QgsUnitTypes,
    )
    from qgis.PyQt.QtCore import Qt
    from qgis.PyQt.QtGui import QColor, QFont

    project = QgsProject()
    layer = QgsRasterLayer(str(grid_path), "Elevation (m)")
    assert layer.isValid(), f"QGIS cannot open {grid_path}"
    layer.setCrs(QgsCoordinateReferenceSystem(crs))
    project.addMapLayer(layer)
    low, high = value_range

    def set_ramp(ramp):
        if classes:
            function = QgsColorRampShader(low, high, ramp, QgsColorRampShader.Discrete,
                                          QgsColorRampShader.EqualInterval)
            function.classifyColorRamp(classes)
            if class_labels == "ranges":
                items = function.colorRampItemList()
                for index, item in enumerate(items):
                    if index == 0:
                        item.label = f"<= {item.value:g}{suffix}"
                    elif index == len(items) - 1:
                        item.label = f"> {items[index - 1].value:g}{suffix}"
                    else:
                        item.label = f"{items[index - 1].value:g} - {item.value:g}{suffix}"
                function.setColorRampItemList(items)
            elif class_labels == "values":
                items = function.colorRampItemList()
                for item in items:
                    item.label = f"{min(item.value, high):g}{suffix}"
                function.setColorRampItemList(items)
        else:
            function = QgsColorRampShader(low, high, ramp, QgsColorRampShader.Interpolated,
                                          QgsColorRampShader.Continuous)
            function.classifyColorRamp()
        settings = QgsColorRampLegendNodeSettings()
        settings.setUseContinuousLegend(True)
        settings.setOrientation(Qt.Orientation.Horizontal if horizontal_legend
                                else Qt.Orientation.Vertical)
        settings.setDirection(QgsColorRampLegendNodeSettings.MaximumToMinimum if reversed_legend
                              else QgsColorRampLegendNodeSettings.MinimumToMaximum)
        settings.setSuffix(suffix)
        function.setLegendSettings(settings)
        shader = QgsRasterShader()
        shader.setRasterShaderFunction(function)
        layer.setRenderer(QgsSingleBandPseudoColorRenderer(layer.dataProvider(), 1, shader))
        return function

    ramp = QgsStyle.defaultStyle().colorRamp(ramp_name)
    if invert_ramp:
        ramp.invert()
    function = set_ramp(ramp)
    levels = None
    if classes:
        # A discrete item colours the values up to its own (the last one's is infinity).
        levels = (float(low),) + tuple(float(min(item.value, high))
                                       for item in function.colorRampItemList())
    mm = QgsUnitTypes.LayoutMillimeters
    layout = QgsPrintLayout(project)
    layout.initializeDefaults()
    layout.pageCollection().page(0).setPageSize(QgsLayoutSize(200, page_height, mm))
    map_item = QgsLayoutItemMap(layout)
    map_item.attemptMove(QgsLayoutPoint(28, 15, mm))
    map_item.attemptResize(QgsLayoutSize(map_width, 130, mm))
    map_item.setCrs(QgsCoordinateReferenceSystem(map_crs) if map_crs else layer.crs())
    map_item.setLayers([layer])
    west, east, south, north = extent
    # The item takes the extent's shape (its height follows): read both back.
    map_item.setExtent(QgsRectangle(west, south, east, north))
    map_item.setFrameEnabled(map_frame)
    layout.addLayoutItem(map_item)
    grid = QgsLayoutItemMapGrid("grid", map_item)
    map_item.grids().addGrid(grid)
    grid.setEnabled(True)
    grid.setIntervalX(interval)
    grid.setIntervalY(interval)
    grid.setStyle(QgsLayoutItemMapGrid.Solid if grid_lines
                  else QgsLayoutItemMapGrid.FrameAnnotationsOnly)
    grid.setFrameStyle({"exterior": QgsLayoutItemMapGrid.ExteriorTicks,
                        "interior": QgsLayoutItemMapGrid.InteriorTicks,
                        "zebra": QgsLayoutItemMapGrid.Zebra,
                        "line": QgsLayoutItemMapGrid.LineBorder}[frame_style])
    if frame_width is not None:
        grid.setFrameWidth(frame_width)
    if frame_pen is not None:
        grid.setFramePenSize(frame_pen)
    grid.setAnnotationEnabled(True)
    degrees = map_item.crs().isGeographic()
    grid.setAnnotationFormat({"dms": QgsLayoutItemMapGrid.DegreeMinuteSecond,
                              "dm": QgsLayoutItemMapGrid.DegreeMinute,
                              "decimal": QgsLayoutItemMapGrid.Decimal}.get(
        annotation_format, QgsLayoutItemMapGrid.DecimalWithSuffix if degrees
        else QgsLayoutItemMapGrid.Decimal))
    grid.setAnnotationPrecision(precision)
    if annotation_font or annotation_font_size:
        text_format = grid.annotationTextFormat()
        if annotation_font:
            text_format.setFont(QFont(annotation_font))
        if annotation_font_size:
            text_format.setSize(annotation_font_size)
            text_format.setSizeUnit(QgsUnitTypes.RenderPoints)
        grid.setAnnotationTextFormat(text_format)
    for border in (QgsLayoutItemMapGrid.Left, QgsLayoutItemMapGrid.Bottom):
        grid.setAnnotationPosition(QgsLayoutItemMapGrid.InsideMapFrame if inside
                                   else QgsLayoutItemMapGrid.OutsideMapFrame, border)
        grid.setAnnotationDirection(QgsLayoutItemMapGrid.Vertical
                                    if vertical_y_labels and border == QgsLayoutItemMapGrid.Left
                                    else QgsLayoutItemMapGrid.Horizontal, border)
    for border in (QgsLayoutItemMapGrid.Right, QgsLayoutItemMapGrid.Top):
        grid.setAnnotationDisplay(QgsLayoutItemMapGrid.HideAll, border)
    legend = QgsLayoutItemLegend(layout)
    legend.setLinkedMap(map_item)
    legend.setTitle("")
    if legend_columns > 1:
        legend.setColumnCount(legend_columns)
        legend.setSplitLayer(True)
    if legend_font_size:
        legend.setStyleFont(QgsLegendStyle.SymbolLabel, QFont(legend_font, legend_font_size))
    if classes:
        # One patch a class, QGIS's default size.
        legend.setSymbolHeight(4)
        legend.setSymbolWidth(7)
    else:
        legend.setSymbolHeight((ramp_thickness or 8) if horizontal_legend
                               else (ramp_length or 30))
        legend.setSymbolWidth((ramp_length or 40) if horizontal_legend
                              else (ramp_thickness or 6))
    layout.addLayoutItem(legend)
    legend.attemptMove(QgsLayoutPoint(*(legend_position or (
        135 if not horizontal_legend else 100, 60)), mm))
    legend.setFrameEnabled(legend_frame)
    legend.setBackgroundEnabled(True)
    legend.adjustBoxSize()
    layout.refresh()
    exporter = QgsLayoutExporter(layout)
    settings = QgsLayoutExporter.ImageExportSettings()
    settings.dpi = dpi
    result = exporter.exportToImage(str(path), settings)
    assert result == QgsLayoutExporter.Success, f"QGIS could not export the layout ({result})"

    # The ramp's pixels: the legend alone, exported with a white ramp and with a black one (a
    # ramp's own dark end, YlGnBu's navy, differs little from black).
    map_item.setVisibility(False)
    alone = []
    for replacement in (QgsGradientColorRamp(QColor(255, 255, 255), QColor(255, 255, 255)),
                        QgsGradientColorRamp(QColor(0, 0, 0), QColor(0, 0, 0))):
        set_ramp(replacement.clone())
        legend.updateLegend()
        layout.refresh()
        image = exporter.renderPageToImage(0, dpi=dpi)
        alone.append(_image_to_array(image))
    change = np.abs(alone[0].astype(int) - alone[1].astype(int)).max(axis=2)
    assert change.any(), "the legend's ramp was not found in QGIS's own rendering"
    # The ramp's rectangle: between the pixels its fill touched at all and those it covered at
    # least half (its edges are anti-aliased, and QGIS strokes them with a thin outline).
    touched = _bounding_box(change > 0)
    covered = _bounding_box(change >= 0.5 * np.percentile(change[change > 0], 90))
    colorbar = tuple(0.5 * (a + b) for a, b in zip(touched, covered))

    scale = dpi / MM_PER_INCH
    position, size = map_item.positionWithUnits(), map_item.sizeWithUnits()
    frame = (position.x() * scale, position.y() * scale, (position.x() + size.width()) * scale,
             (position.y() + size.height()) * scale)
    shown = map_item.extent()
    position, size = legend.positionWithUnits(), legend.sizeWithUnits()
    legend_box = (position.x() * scale, position.y() * scale, (position.x() + size.width()) * scale,
                  (position.y() + size.height()) * scale)
    return LayoutFigure(str(path), frame, colorbar, legend_box,
                        (shown.xMinimum(), shown.xMaximum(), shown.yMinimum(), shown.yMaximum()),
                        (float(low), float(high)), map_item.crs().authid(), float(dpi),
                        levels)


def _bounding_box(mask):
    rows, cols = np.nonzero(mask)
    return (float(cols.min()), float(rows.min()), float(cols.max() + 1), float(rows.max() + 1))


def _image_to_array(image):
    """A QImage as an (rows, cols, 3) uint8 array."""
    from qgis.PyQt.QtGui import QImage

    image = image.convertToFormat(QImage.Format.Format_RGB888)
    width, height = image.width(), image.height()
    pointer = image.constBits()
    pointer.setsize(image.bytesPerLine() * height)
    buffer = np.frombuffer(pointer, np.uint8).reshape(height, image.bytesPerLine())
    return buffer[:, :width * 3].reshape(height, width, 3).copy()
