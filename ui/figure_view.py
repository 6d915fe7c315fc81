"""The figure on screen, in pixel space, with what was found drawn on it and editing tools.

Scene coordinates are the figure's pixels as GDAL counts them: x = column, y = row (down),
(0, 0) the figure's top-left corner, the first pixel's centre at (0.5, 0.5). The view keeps no
state of the job: it draws what the window gives it (boxes, GCPs, residual arrows, tick labels,
the preview) and reports the user's gestures as signals; the window decides what they mean.

Tools (see :class:`Tool`):

* ``EDIT``: drag a box's edges or corners, drag a GCP, click a tick label; elsewhere the drag
  pans the view. The wheel zooms around the cursor.
* ``FRAME`` / ``COLORBAR``: drag a rectangle to draw the map frame / the colorbar box.
* ``ADD_GCP``: click where a GCP lies on the figure.

Drags are followed from the press to the release by the view itself (not from the buttons a
move event reports), so that synthetic events (QTest) drive it like a mouse.
"""
import enum
import math

from qgis.PyQt.QtCore import QCoreApplication, QPointF, QRectF, Qt, pyqtSignal
from qgis.PyQt.QtGui import QBrush, QColor, QFont, QPainter, QPainterPath, QPen, QPixmap
from qgis.PyQt.QtWidgets import (
    QGraphicsEllipseItem,
    QGraphicsItem,
    QGraphicsLineItem,
    QGraphicsPathItem,
    QGraphicsPixmapItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
)

#: How close (screen pixels) the cursor must be to a box edge or a GCP to grab it.
GRAB_DISTANCE = 7
#: Box names the view knows and their colours.
BOX_COLOURS = {"frame": QColor(230, 40, 40), "colorbar": QColor(0, 170, 255)}
#: On-screen names of the boxes (marked for translators).
BOX_LABELS = {"frame": QCoreApplication.translate("FigureView", "frame"),
              "colorbar": QCoreApplication.translate("FigureView", "colorbar")}
GCP_COLOUR = QColor(255, 140, 0)
GCP_DISABLED_COLOUR = QColor(150, 150, 150)
ARROW_COLOUR = QColor(255, 0, 0)
TICK_KEPT_COLOUR = QColor(0, 160, 0)
TICK_REJECTED_COLOUR = QColor(200, 0, 0)
_Z_FIGURE, _Z_PREVIEW, _Z_TICKS, _Z_BOXES, _Z_ARROWS, _Z_GCPS = range(6)


class Tool(enum.Enum):
    EDIT = "edit"
    FRAME = "frame"
    COLORBAR = "colorbar"
    ADD_GCP = "add_gcp"


def _event_position(event):
    """The event's position in the widget (QPointF), for Qt 5 and Qt 6 alike."""
    position = getattr(event, "position", None)
    return position() if position is not None else QPointF(event.pos())


def _cosmetic_pen(colour, width=2.0, style=Qt.PenStyle.SolidLine):
    pen = QPen(colour, width, style)
    pen.setCosmetic(True)  # the same on-screen width at every zoom
    return pen


class FigureView(QGraphicsView):
    """A zoomable, pannable view of a figure with boxes, GCPs, arrows, ticks and a preview.

    Signals
    -------
    boxChanged(str, QRectF)
        A box was drawn or its edges dragged ("frame" or "colorbar"; figure pixels).
    gcpAdded(float, float)
        A click with the Add GCP tool, at this figure position.
    gcpMoved(int, float, float)
        GCP ``index`` was dragged to a new figure position.
    gcpSelected(int)
        GCP ``index`` was clicked.
    tickClicked(int)
        Tick label ``index`` was clicked.
    cursorMoved(float, float)
        The cursor is over this figure position.
    toolChanged(object)
        The current :class:`Tool` changed.
    """

    boxChanged = pyqtSignal(str, QRectF)
    gcpAdded = pyqtSignal(float, float)
    gcpMoved = pyqtSignal(int, float, float)
    gcpSelected = pyqtSignal(int)
    tickClicked = pyqtSignal(int)
    cursorMoved = pyqtSignal(float, float)
    toolChanged = pyqtSignal(object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setDragMode(QGraphicsView.DragMode.NoDrag)
        self.setMouseTracking(True)
        self.setBackgroundBrush(QBrush(QColor(60, 60, 60)))
        self._figure_item = None
        self._preview_item = None
        self._boxes = {}            # name -> QGraphicsRectItem
        self._box_labels = {}
        self._gcp_items = []        # (marker, label)
        self._gcp_positions = []
        self._arrow_items = []
        self._tick_items = []       # (item, QRectF in figure pixels)
        self._selected_gcp = -1
        self._tool = Tool.EDIT
        self._drag = None           # what the current press is dragging

    # -- content --------------------------------------------------------------------------
    def set_figure(self, image):
        """Show a figure (QImage); removes everything drawn on the previous one."""
        self.scene().clear()
        self._boxes, self._box_labels, self._gcp_items, self._arrow_items = {}, {}, [], []
        self._tick_items, self._gcp_positions, self._preview_item = [], [], None
        self._figure_item = QGraphicsPixmapItem(QPixmap.fromImage(image))
        self._figure_item.setZValue(_Z_FIGURE)
        self._figure_item.setTransformationMode(Qt.TransformationMode.FastTransformation)
        self.scene().addItem(self._figure_item)
        self.scene().setSceneRect(QRectF(0, 0, image.width(), image.height()))
        self.zoom_to_figure()

    def figure_rect(self):
        return self.scene().sceneRect() if self._figure_item is not None else QRectF()

    def zoom_to_figure(self):
        if self._figure_item is not None:
            self.fitInView(self.scene().sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)

    def set_preview(self, image, step=1, opacity=1.0):
        """Draw the preview (QImage of the reduced figure, ``step`` figure pixels per pixel)."""
        if self._preview_item is None:
            self._preview_item = QGraphicsPixmapItem()
            self._preview_item.setZValue(_Z_PREVIEW)
            self._preview_item.setTransformationMode(Qt.TransformationMode.FastTransformation)
            self.scene().addItem(self._preview_item)
        self._preview_item.setPixmap(QPixmap.fromImage(image))
        self._preview_item.setScale(step)
        self._preview_item.setOpacity(opacity)
        self._preview_item.setVisible(True)

    def clear_preview(self):
        if self._preview_item is not None:
            self._preview_item.setVisible(False)

    def preview_visible(self):
        return self._preview_item is not None and self._preview_item.isVisible()

    def set_box(self, name, rect):
        """Draw box ``name`` ("frame" or "colorbar") at ``rect`` (figure pixels), or remove it."""
        item = self._boxes.get(name)
        if rect is None or rect.isEmpty():
            if item is not None:
                self.scene().removeItem(item)
                self.scene().removeItem(self._box_labels.pop(name))
                del self._boxes[name]
            return
        if item is None:
            item = QGraphicsRectItem()
            item.setPen(_cosmetic_pen(BOX_COLOURS[name], 2.0))
            item.setZValue(_Z_BOXES)
            self.scene().addItem(item)
            self._boxes[name] = item
            label = QGraphicsSimpleTextItem(BOX_LABELS.get(name, name))
            label.setBrush(QBrush(BOX_COLOURS[name]))
            label.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations, True)
            label.setZValue(_Z_BOXES)
            self.scene().addItem(label)
            self._box_labels[name] = label
        item.setRect(rect.normalized())
        self._box_labels[name].setPos(rect.normalized().topLeft())

    def box(self, name):
        """The box ``name`` as drawn (QRectF, figure pixels) or None."""
        item = self._boxes.get(name)
        return QRectF(item.rect()) if item is not None else None

    def set_gcps(self, gcps, selected=-1):
        """Draw GCPs: a sequence of (x, y, enabled, label) in figure pixels."""
        for marker, label in self._gcp_items:
            self.scene().removeItem(marker)
            self.scene().removeItem(label)
        self._gcp_items, self._gcp_positions = [], []
        self._selected_gcp = selected
        for index, (x, y, enabled, text) in enumerate(gcps):
            colour = GCP_COLOUR if enabled else GCP_DISABLED_COLOUR
            path = QPainterPath()
            path.moveTo(-8, 0)
            path.lineTo(8, 0)
            path.moveTo(0, -8)
            path.lineTo(0, 8)
            path.addEllipse(QPointF(0, 0), 5, 5)
            marker = QGraphicsPathItem(path)
            marker.setPen(_cosmetic_pen(colour, 3.0 if index == selected else 1.6))
            marker.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations, True)
            marker.setPos(QPointF(x, y))
            marker.setZValue(_Z_GCPS)
            label = QGraphicsSimpleTextItem(text)
            font = QFont()
            font.setBold(index == selected)
            label.setFont(font)
            label.setBrush(QBrush(colour))
            label.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations, True)
            label.setPos(QPointF(x, y))
            label.setZValue(_Z_GCPS)
            self.scene().addItem(marker)
            self.scene().addItem(label)
            self._gcp_items.append((marker, label))
            self._gcp_positions.append(QPointF(x, y))

    def set_residual_arrows(self, arrows):
        """Draw residual arrows: a sequence of (x0, y0, x1, y1) in figure pixels."""
        for item in self._arrow_items:
            self.scene().removeItem(item)
        self._arrow_items = []
        for x0, y0, x1, y1 in arrows:
            if not all(math.isfinite(v) for v in (x0, y0, x1, y1)):
                continue
            line = QGraphicsLineItem(x0, y0, x1, y1)
            line.setPen(_cosmetic_pen(ARROW_COLOUR, 2.0))
            line.setZValue(_Z_ARROWS)
            self.scene().addItem(line)
            head = QGraphicsEllipseItem(-3, -3, 6, 6)
            head.setBrush(QBrush(ARROW_COLOUR))
            head.setPen(_cosmetic_pen(ARROW_COLOUR, 1.0))
            head.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations, True)
            head.setPos(QPointF(x1, y1))
            head.setZValue(_Z_ARROWS)
            self.scene().addItem(head)
            self._arrow_items += [line, head]

    def arrow_count(self):
        return len(self._arrow_items) // 2

    def set_ticks(self, ticks):
        """Draw tick labels read on the figure: (QRectF box, text, kept) in figure pixels."""
        for item, _ in self._tick_items:
            self.scene().removeItem(item)
        self._tick_items = []
        for rect, text, kept in ticks:
            colour = TICK_KEPT_COLOUR if kept else TICK_REJECTED_COLOUR
            item = QGraphicsRectItem(rect)
            item.setPen(_cosmetic_pen(colour, 1.5, Qt.PenStyle.SolidLine if kept
                                      else Qt.PenStyle.DashLine))
            item.setToolTip(text)
            item.setZValue(_Z_TICKS)
            self.scene().addItem(item)
            self._tick_items.append((item, QRectF(rect)))

    # -- tools ----------------------------------------------------------------------------
    def tool(self):
        return self._tool

    def set_tool(self, tool):
        if tool != self._tool:
            self._tool = tool
            self._drag = None
            self.viewport().setCursor(Qt.CursorShape.ArrowCursor if tool == Tool.EDIT
                                      else Qt.CursorShape.CrossCursor)
            self.toolChanged.emit(tool)

    def scene_position(self, event):
        return self.mapToScene(_event_position(event).toPoint())

    def _grab_distance(self):
        """GRAB_DISTANCE screen pixels in figure pixels at the current zoom."""
        scale = self.transform().m11() or 1.0
        return GRAB_DISTANCE / abs(scale)

    def _gcp_at(self, point):
        tolerance = self._grab_distance()
        best, best_distance = -1, tolerance
        for index, position in enumerate(self._gcp_positions):
            distance = math.hypot(position.x() - point.x(), position.y() - point.y())
            if distance <= best_distance:
                best, best_distance = index, distance
        return best

    def _box_edges_at(self, point):
        """(box name, edges) of the box edge or corner under ``point``; edges ⊂ {l, t, r, b}."""
        tolerance = self._grab_distance()
        # The colorbar first: it is small and often beside the frame.
        for name in ("colorbar", "frame"):
            item = self._boxes.get(name)
            if item is None:
                continue
            rect = item.rect()
            inside_x = rect.left() - tolerance <= point.x() <= rect.right() + tolerance
            inside_y = rect.top() - tolerance <= point.y() <= rect.bottom() + tolerance
            edges = set()
            if inside_y and abs(point.x() - rect.left()) <= tolerance:
                edges.add("l")
            elif inside_y and abs(point.x() - rect.right()) <= tolerance:
                edges.add("r")
            if inside_x and abs(point.y() - rect.top()) <= tolerance:
                edges.add("t")
            elif inside_x and abs(point.y() - rect.bottom()) <= tolerance:
                edges.add("b")
            if edges:
                return name, frozenset(edges)
        return None, None

    def _tick_at(self, point):
        for index, (_, rect) in enumerate(self._tick_items):
            if rect.contains(point):
                return index
        return -1

    def _clamped(self, point):
        rect = self.figure_rect()
        return QPointF(min(max(point.x(), rect.left()), rect.right()),
                       min(max(point.y(), rect.top()), rect.bottom()))

    # -- mouse ----------------------------------------------------------------------------
    def mousePressEvent(self, event):  # noqa: N802 - Qt API
        if self._figure_item is None or event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        point = self.scene_position(event)
        if self._tool in (Tool.FRAME, Tool.COLORBAR):
            start = self._clamped(point)
            self._drag = ("draw", self._tool.value, start)
            self.set_box(self._tool.value, QRectF(start, start))
        elif self._tool == Tool.ADD_GCP:
            if self.figure_rect().contains(point):
                self.gcpAdded.emit(point.x(), point.y())
        else:
            gcp = self._gcp_at(point)
            name, edges = self._box_edges_at(point)
            tick = self._tick_at(point)
            if gcp >= 0:
                self._drag = ("gcp", gcp, point)
                self.gcpSelected.emit(gcp)
            elif name is not None:
                self._drag = ("edges", name, edges)
            elif tick >= 0:
                self.tickClicked.emit(tick)
            else:
                self._drag = ("pan", _event_position(event))
                self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
        event.accept()

    def mouseMoveEvent(self, event):  # noqa: N802
        if self._figure_item is None:
            super().mouseMoveEvent(event)
            return
        point = self.scene_position(event)
        self.cursorMoved.emit(point.x(), point.y())
        if self._drag is None:
            if self._tool == Tool.EDIT:
                self._hover_cursor(point)
            return
        self._follow_drag(point, _event_position(event))
        event.accept()

    def _follow_drag(self, point, widget_position):
        """Update what is being dragged to figure position ``point``."""
        drag = self._drag
        if drag[0] == "draw":
            self.set_box(drag[1], QRectF(drag[2], self._clamped(point)).normalized())
        elif drag[0] == "gcp":
            marker, label = self._gcp_items[drag[1]]
            position = self._clamped(point)
            marker.setPos(position)
            label.setPos(position)
            self._gcp_positions[drag[1]] = position
        elif drag[0] == "edges":
            rect = QRectF(self._boxes[drag[1]].rect())
            position = self._clamped(point)
            if "l" in drag[2]:
                rect.setLeft(position.x())
            if "r" in drag[2]:
                rect.setRight(position.x())
            if "t" in drag[2]:
                rect.setTop(position.y())
            if "b" in drag[2]:
                rect.setBottom(position.y())
            self.set_box(drag[1], rect.normalized())
        elif drag[0] == "pan":
            delta = widget_position - drag[1]
            self._drag = ("pan", widget_position)
            self.horizontalScrollBar().setValue(int(self.horizontalScrollBar().value() - delta.x()))
            self.verticalScrollBar().setValue(int(self.verticalScrollBar().value() - delta.y()))

    def mouseReleaseEvent(self, event):  # noqa: N802
        if self._drag is None:
            super().mouseReleaseEvent(event)
            return
        # The release position ends the drag (even when no move event came in between).
        if self._drag[0] != "pan":
            self._follow_drag(self.scene_position(event), _event_position(event))
        drag, self._drag = self._drag, None
        if drag[0] == "draw":
            rect = self.box(drag[1])
            if rect is None or rect.width() < 1 or rect.height() < 1:
                self.set_box(drag[1], None)  # a click, not a box
            else:
                self.boxChanged.emit(drag[1], rect)
                self.set_tool(Tool.EDIT)
        elif drag[0] == "gcp":
            position = self._gcp_positions[drag[1]]
            if position != drag[2]:
                self.gcpMoved.emit(drag[1], position.x(), position.y())
        elif drag[0] == "edges":
            self.boxChanged.emit(drag[1], self.box(drag[1]))
        self.viewport().setCursor(Qt.CursorShape.ArrowCursor if self._tool == Tool.EDIT
                                  else Qt.CursorShape.CrossCursor)
        event.accept()

    def _hover_cursor(self, point):
        shape = Qt.CursorShape.ArrowCursor
        if self._gcp_at(point) >= 0:
            shape = Qt.CursorShape.SizeAllCursor
        else:
            _, edges = self._box_edges_at(point)
            if edges:
                if edges in ({"l", "t"}, {"r", "b"}):
                    shape = Qt.CursorShape.SizeFDiagCursor
                elif edges in ({"r", "t"}, {"l", "b"}):
                    shape = Qt.CursorShape.SizeBDiagCursor
                elif edges & {"l", "r"}:
                    shape = Qt.CursorShape.SizeHorCursor
                else:
                    shape = Qt.CursorShape.SizeVerCursor
            elif self._tick_at(point) >= 0:
                shape = Qt.CursorShape.PointingHandCursor
        self.viewport().setCursor(shape)

    def wheelEvent(self, event):  # noqa: N802
        steps = event.angleDelta().y() / 120.0
        if steps:
            self.zoom(1.25 ** steps)
        event.accept()

    def zoom(self, factor):
        self.scale(factor, factor)
