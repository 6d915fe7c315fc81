"""The decode window: one figure on screen, what was found drawn on it, fixed by hand, previewed
live, decoded in one click.

The window holds no science of its own. It keeps what the user sees and edits (boxes, GCPs,
colour scale, CRSs) as an engine :class:`~..plugin.engine.session.Session`, and asks the engine
for everything else: the preview (:mod:`..plugin.engine.preview`), the GCP residuals and
leave-one-out errors (:func:`..plugin.engine.gcp_transform.compute_residuals`), the session
files (:mod:`..plugin.engine.session`). Decode runs ``colormapdecoder:decodemap`` through
Processing, as a task with progress and cancel, logged in the Processing history, and loads the
outputs styled as the Processing dialog does.

Widgets are built in code (no ``.ui`` files), with ``qgis.PyQt`` and scoped Qt enums only.
"""
import math
import os
import time

from qgis.core import (
    QgsApplication,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsMapLayerType,
    QgsProcessingAlgRunnerTask,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProcessingOutputLayerDefinition,
    QgsProcessingUtils,
    QgsProject,
)
from qgis.gui import QgsFileWidget, QgsMessageBar, QgsProjectionSelectionWidget
from qgis.PyQt.QtCore import QCoreApplication, QRectF, QStringListModel, Qt, QTimer, QUrl
from qgis.PyQt.QtGui import QColor, QDesktopServices, QIcon, QImage, QKeySequence
from qgis.PyQt.QtWidgets import (
    QAbstractItemView,
    QAction,
    QActionGroup,
    QApplication,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QCompleter,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSlider,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..plugin import ICON_PATH
from ..plugin.processing.qgis_crs import crs_wkt
from .figure_view import FigureView, Tool

ALGORITHM_ID = "colormapdecoder:decodemap"
HELP_URL = "https://github.com/colormap-decoder/colormap_decoder"
HELP_ANCHOR = "the-decode-window"
#: Wait this long (ms) after the last change before the preview is decoded again.
PREVIEW_DELAY_MS = 120
#: The largest residual arrow is drawn this long, as a share of the figure's diagonal.
ARROW_SHARE_OF_DIAGONAL = 0.06

# Columns of the GCP table.
COL_ENABLED, COL_PIXEL_X, COL_PIXEL_Y, COL_MAP_X, COL_MAP_Y, COL_RESIDUAL, COL_LOO_PIXELS, \
    COL_LOO_MAP = range(8)


def tr(text):
    return QCoreApplication.translate("DecodeWindow", text)


def _crs_text(crs):
    """A CRS as the session keeps it: the authority code when it has one, else WKT."""
    if crs is None or not crs.isValid():
        return None
    return crs.authid() or crs_wkt(crs, tr("CRS"))


def _crs_from_text(text):
    crs = QgsCoordinateReferenceSystem()
    if text:
        crs.createFromUserInput(text)
    return crs


def _number_or_none(text, name):
    """A typed number, None when empty; a clear error for anything else."""
    text = text.strip().replace("−", "-")
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise ValueError(tr("{}: '{}' is not a number.").format(name, text)) from None
    if not math.isfinite(value):
        raise ValueError(tr("{}: '{}' is not a finite number.").format(name, text))
    return value


class _RecordingFeedback(QgsProcessingFeedback):
    """Processing feedback that also keeps the errors, to show them when a run fails."""

    def __init__(self):
        super().__init__()
        self.errors = []

    def reportError(self, error, fatalError=False):  # noqa: N802,N803 - QGIS API
        self.errors.append(error)
        super().reportError(error, fatalError)


class DecodeWindow(QMainWindow):
    """Colormap Decoder's own window for one figure at a time.

    Parameters
    ----------
    iface : QgisInterface or None
        QGIS's interface (None in scripts and tests: no map canvas to pick coordinates on).
    parent : QWidget or None
    """

    def __init__(self, iface=None, parent=None):
        super().__init__(parent)
        self.iface = iface
        self.setWindowTitle(tr("Colormap Decoder"))
        self.setWindowIcon(QIcon(ICON_PATH))
        self.setObjectName("ColormapDecoderWindow")
        self.figure = None
        self.figure_path = None
        self.preview_decoder = None
        self.preview = None
        self.last_preview_seconds = None
        self.residuals = None
        self.arrow_factor = 1.0
        self._residual_text = ""
        self._map_decimals = 2  # of map lengths; set with the residuals
        self._gcps = []          # dicts: x, y (figure pixels, y down), map_x, map_y, enabled
        self._gcps_file = None   # a .points file holding exactly self._gcps, when there is one
        self._selected_gcp = -1
        self._updating = False   # widgets being filled by code: no change signals acted on
        self._run = None         # the Decode run in progress
        self.last_results = None
        self.layout = None
        self.findings = None
        self.detection_message = ""
        #: Read the tick labels when a figure opens without a session (Detect reads them too).
        self.read_labels = True
        self._ticks = []          # (axis, index, TickLabel) drawn on the figure
        self._reader = None       # the LabelReader thread whose result is awaited
        self._reading_generation = 0  # its number: results of replaced readings are dropped
        self._readers = set()     # threads still running (cancelled ones finishing too)
        self._selected_tick = -1
        self._gcps_from_axes = False
        #: The texts the last reading wrote into the fields ("colormap", "vmin", "vmax",
        #: "levels"): a field still showing its text is the reading's, not the user's, and a
        #: later reading (another panel detected) replaces it.
        self._filled_by_reading = {}
        self._processing_dialog = None
        self._canvas_tool = None
        self._qgis_resources = QgsApplication.pkgDataPath() + "/resources"
        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(PREVIEW_DELAY_MS)
        self._preview_timer.timeout.connect(self.update_preview)
        self._build()
        self._set_figure_widgets_enabled(False)
        self.resize(1400, 900)

    # ======================================================================================
    # Building the window
    # ======================================================================================
    def _build(self):
        self.view = FigureView(self)
        self.view.boxChanged.connect(self._box_changed)
        self.view.gcpAdded.connect(self.add_gcp)
        self.view.gcpMoved.connect(self._gcp_moved)
        self.view.gcpSelected.connect(self.select_gcp)
        self.view.tickClicked.connect(self.select_tick)
        self.view.cursorMoved.connect(self._cursor_moved)
        self.view.toolChanged.connect(self._tool_changed)
        self.message_bar = QgsMessageBar(self)

        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.message_bar)
        left_layout.addWidget(self.view, 1)

        panel = QWidget(self)
        panel_layout = QVBoxLayout(panel)
        panel_layout.addWidget(self._build_scale_group())
        panel_layout.addWidget(self._build_ticks_group())
        panel_layout.addWidget(self._build_preview_group())
        panel_layout.addWidget(self._build_georeferencing_group(), 1)
        panel_layout.addWidget(self._build_decode_group())
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(panel)
        scroll.setMinimumWidth(460)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(left)
        splitter.addWidget(scroll)
        splitter.setStretchFactor(0, 1)
        splitter.setSizes([860, 600])
        self.setCentralWidget(splitter)
        self._build_actions()
        self.cursor_label = QLabel(self)
        self.statusBar().addPermanentWidget(self.cursor_label)

    def _action(self, text, shortcut, tip, slot, checkable=False, icon=None):
        action = QAction(QgsApplication.getThemeIcon(icon) if icon else QIcon(), text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            tip = f"{tip} ({QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)})"
        action.setToolTip(tip)
        action.setStatusTip(tip)
        action.setCheckable(checkable)
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        if checkable:
            action.toggled.connect(slot)
        else:
            action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self):
        toolbar = self.addToolBar(tr("Figure"))
        toolbar.setObjectName("ColormapDecoderFigureToolbar")
        self.open_action = self._action(
            tr("Open figure…"), "Ctrl+O", tr("Open a figure image (PNG, JPEG, TIFF…)"),
            self.open_figure_dialog, icon="/mActionFileOpen.svg")
        self.layer_button = QToolButton(self)
        self.layer_button.setText(tr("From layer"))
        self.layer_button.setToolTip(tr("Open the image of a raster layer of the project"))
        self.layer_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.layer_menu = QMenu(self)
        self.layer_menu.aboutToShow.connect(self._fill_layer_menu)
        self.layer_button.setMenu(self.layer_menu)
        self.paste_action = self._action(
            tr("Paste figure"), "Ctrl+Shift+V", tr("Open the image on the clipboard"),
            self.paste_figure, icon="/mActionEditPaste.svg")
        self.save_action = self._action(
            tr("Save session"), "Ctrl+S",
            tr("Save the frame, colorbar, scale and GCPs beside the figure "
               "(<figure>.points and <figure>.colormap_decoder.json)"),
            self.save_session, icon="/mActionFileSave.svg")
        self.detect_action = self._action(
            tr("Detect"), "Ctrl+R",
            tr("Find the map frame, the colorbar, the tick labels and the GCPs on the figure"),
            lambda: self.detect())
        self.zoom_action = self._action(tr("Zoom to figure"), "Home", tr("Show the whole figure"),
                                        lambda: self.view.zoom_to_figure(),
                                        icon="/mActionZoomFullExtent.svg")
        for action in (self.open_action,):
            toolbar.addAction(action)
        toolbar.addWidget(self.layer_button)
        for action in (self.paste_action, self.save_action, None, self.detect_action,
                       self.zoom_action, None):
            if action is None:
                toolbar.addSeparator()
            else:
                toolbar.addAction(action)

        self.tool_group = QActionGroup(self)
        self.tool_actions = {}
        for tool, text, shortcut, tip, icon in (
                (Tool.EDIT, tr("Edit"), "E",
                 tr("Drag box edges and corners, drag GCPs, click tick labels; drag elsewhere "
                    "to pan, wheel to zoom"), "/mActionPan.svg"),
                (Tool.FRAME, tr("Draw frame"), "F",
                 tr("Drag a rectangle over the map frame (the plot area)"),
                 "/mActionSelectRectangle.svg"),
                (Tool.COLORBAR, tr("Draw colorbar"), "B",
                 tr("Drag a rectangle over the colorbar's colours (inside its frame)"),
                 "/mActionAddBasicRectangle.svg"),
                (Tool.ADD_GCP, tr("Add GCP"), "G",
                 tr("Click a point of known map coordinates (a tick mark, a graticule "
                    "crossing), then type its map coordinates in the table"),
                 "/mActionAddGCPPoint.svg")):
            action = self._action(text, shortcut, tip,
                                  lambda checked, tool=tool: checked and self.view.set_tool(tool),
                                  checkable=True, icon=icon)
            self.tool_group.addAction(action)
            toolbar.addAction(action)
            self.tool_actions[tool] = action
        self.tool_actions[Tool.EDIT].setChecked(True)
        self.delete_gcp_action = self._action(
            tr("Delete GCP"), QKeySequence(Qt.Key.Key_Delete).toString(),
            tr("Delete the selected GCP"), self.delete_selected_gcp,
            icon="/mActionDeleteGCPPoint.svg")
        toolbar.addAction(self.delete_gcp_action)
        # Keys of the preview's check boxes (window shortcuts, not toolbar buttons).
        self.preview_toggle_action = self._action(
            tr("Show decoded values"), "P", tr("Show or hide the decoded values"),
            lambda: self.preview_check.toggle())
        self.mask_toggle_action = self._action(
            tr("Show ΔE mask"), "M", tr("Show or hide the pixels that are not data"),
            lambda: self.mask_check.toggle())
        toolbar.addSeparator()
        self.help_action = self._action(tr("Help"), "F1",
                                        tr("Open the decode window's section of the README"),
                                        self.show_help, icon="/mActionHelpContents.svg")
        toolbar.addAction(self.help_action)

    def _build_scale_group(self):
        group = QGroupBox(tr("Colour scale"), self)
        form = QFormLayout(group)
        self.colormap_radio = QRadioButton(tr("Colormap"), group)
        self.colormap_radio.setToolTip(tr("The colormap the figure was drawn with, by name or as "
                                          "a GMT .cpt file"))
        self.colorbar_radio = QRadioButton(tr("The figure's colorbar"), group)
        self.colorbar_radio.setToolTip(tr("Sample the colours from the colorbar box drawn on "
                                          "the figure (B)"))
        self.source_group = QButtonGroup(group)
        self.source_group.addButton(self.colormap_radio)
        self.source_group.addButton(self.colorbar_radio)
        self.colormap_radio.setChecked(True)
        self.colormap_edit = QLineEdit(group)
        self.colormap_edit.setPlaceholderText(tr("viridis, cmocean:thermal, qgis:Spectral…"))
        self.colormap_edit.setToolTip(tr(
            "A colormap name (completion lists every known source: matplotlib, cmocean, "
            "cmcrameri, colorcet, QGIS ramps, cpt-city; add _r for the reversed map) or the "
            "path of a GMT .cpt file"))
        self._completer_model = QStringListModel(self)
        completer = QCompleter(self._completer_model, self.colormap_edit)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.colormap_edit.setCompleter(completer)
        cpt_button = QToolButton(group)
        cpt_button.setText("…")
        cpt_button.setToolTip(tr("Choose a GMT .cpt file"))
        cpt_button.clicked.connect(self._choose_cpt)
        row = QHBoxLayout()
        row.addWidget(self.colormap_radio)
        row.addWidget(self.colormap_edit, 1)
        row.addWidget(cpt_button)
        form.addRow(row)
        self.flip_check = QCheckBox(tr("low end at the top / right"), group)
        self.flip_check.setToolTip(tr("Tick when the colorbar's low value is at its top "
                                      "(vertical bar) or right end (horizontal bar)"))
        row = QHBoxLayout()
        row.addWidget(self.colorbar_radio)
        row.addWidget(self.flip_check)
        form.addRow(row)
        self.vmin_edit = QLineEdit(group)
        self.vmin_edit.setToolTip(tr("The value at the low end of the colour scale (empty for a "
                                     ".cpt file's own values)"))
        self.vmax_edit = QLineEdit(group)
        self.vmax_edit.setToolTip(tr("The value at the high end of the colour scale"))
        row = QHBoxLayout()
        row.addWidget(self.vmin_edit)
        row.addWidget(QLabel(tr("to"), group))
        row.addWidget(self.vmax_edit)
        form.addRow(tr("Values"), row)
        self.scale_combo = QComboBox(group)
        self.scale_combo.addItems([tr("Linear"), tr("Logarithmic")])
        self.scale_combo.setToolTip(tr("Logarithmic when the colorbar's labels grow by factors "
                                       "(1, 10, 100…)"))
        self.levels_edit = QLineEdit(group)
        self.levels_edit.setPlaceholderText(tr("continuous"))
        self.levels_edit.setToolTip(tr("For a figure of a few distinct colours (contour-filled): "
                                       "the class boundaries, e.g. 0,500,1000,2000"))
        row = QHBoxLayout()
        row.addWidget(self.scale_combo)
        row.addWidget(QLabel(tr("classes"), group))
        row.addWidget(self.levels_edit, 1)
        form.addRow(tr("Scale"), row)
        self.distance_spin = QDoubleSpinBox(group)
        self.distance_spin.setRange(0.0, 100.0)  # validation.MAX_COLOR_DISTANCE: black to white
        self.distance_spin.setDecimals(1)
        # 0 shows as "Automatic": the threshold then comes from the figure's own colour noise,
        # as decodemap's does when MAX_COLOR_DISTANCE is left empty.
        self.distance_spin.setSpecialValueText(tr("Automatic"))
        self.distance_spin.setValue(0.0)
        self.distance_spin.setToolTip(tr("Pixels whose colour is farther than this CIELAB ΔE from "
                                         "the colour scale are not data (text, lines, "
                                         "background). Automatic: from the figure's own colour "
                                         "noise"))
        form.addRow(tr("Maximum ΔE"), self.distance_spin)
        for signal in (self.colormap_edit.editingFinished, self.vmin_edit.editingFinished,
                       self.vmax_edit.editingFinished, self.levels_edit.editingFinished):
            signal.connect(self.schedule_preview)
        self.colormap_edit.returnPressed.connect(self.schedule_preview)
        for signal in (self.source_group.buttonClicked, self.flip_check.toggled,
                       self.scale_combo.currentIndexChanged, self.distance_spin.valueChanged):
            signal.connect(self.schedule_preview)
        return group

    def _build_ticks_group(self):
        group = QGroupBox(tr("Tick labels read"), self)
        group.setToolTip(tr("The labels read on the colorbar and the frame's axes: green boxes "
                            "are used, red dashed ones were rejected by the fit. Click one on "
                            "the figure to correct its value."))
        layout = QVBoxLayout(group)
        self.reading_label = QLabel(tr("Not read yet."), group)
        self.reading_label.setWordWrap(True)
        layout.addWidget(self.reading_label)
        row = QHBoxLayout()
        self.reading_progress = QProgressBar(group)
        self.reading_progress.setRange(0, 100)
        self.reading_progress.setToolTip(tr("The labels are read in the background: the window "
                                            "stays usable meanwhile."))
        self.stop_reading_button = QPushButton(tr("Stop"), group)
        self.stop_reading_button.setToolTip(tr("Stop reading the tick labels."))
        self.stop_reading_button.clicked.connect(self.stop_reading)
        row.addWidget(self.reading_progress, 1)
        row.addWidget(self.stop_reading_button)
        layout.addLayout(row)
        self._show_reading_progress(False)
        row = QHBoxLayout()
        self.tick_label = QLabel(group)
        self.tick_value_edit = QLineEdit(group)
        self.tick_value_edit.setToolTip(tr(
            "The value the selected label stands for; empty takes it out of the fit. Return "
            "fits the labels again: the value range (colorbar) or the GCPs (axes) follow."))
        self.tick_value_edit.returnPressed.connect(self._tick_value_entered)
        row.addWidget(self.tick_label, 1)
        row.addWidget(self.tick_value_edit)
        layout.addLayout(row)
        self.tick_label.setVisible(False)
        self.tick_value_edit.setVisible(False)
        return group

    def _build_preview_group(self):
        group = QGroupBox(tr("Preview"), self)
        layout = QVBoxLayout(group)
        row = QHBoxLayout()
        self.preview_check = QCheckBox(tr("Decoded values"), group)
        self.preview_check.setChecked(True)
        self.preview_check.setToolTip(tr("Draw every decoded pixel in its value's colour (P)"))
        self.mask_check = QCheckBox(tr("ΔE mask"), group)
        self.mask_check.setChecked(True)
        self.mask_check.setToolTip(tr("Draw in magenta the pixels that are not data: farther "
                                      "than the maximum ΔE from the scale (M)"))
        self.opacity_slider = QSlider(Qt.Orientation.Horizontal, group)
        self.opacity_slider.setRange(0, 100)
        self.opacity_slider.setValue(100)
        self.opacity_slider.setToolTip(tr("Opacity of the preview over the figure"))
        row.addWidget(self.preview_check)
        row.addWidget(self.mask_check)
        row.addWidget(self.opacity_slider, 1)
        layout.addLayout(row)
        self.preview_label = QLabel(group)
        self.preview_label.setWordWrap(True)
        layout.addWidget(self.preview_label)
        for signal in (self.preview_check.toggled, self.mask_check.toggled):
            signal.connect(self._redraw_preview)
        self.opacity_slider.valueChanged.connect(self._redraw_preview)
        return group

    def _build_georeferencing_group(self):
        group = QGroupBox(tr("Georeferencing"), self)
        form = QFormLayout(group)
        self.gcp_crs_widget = QgsProjectionSelectionWidget(group)
        self.gcp_crs_widget.setToolTip(tr("The CRS the GCPs' map coordinates are in"))
        self.gcp_crs_widget.setOptionVisible(QgsProjectionSelectionWidget.CrsOption.CrsNotSet, True)
        self.gcp_crs_widget.setCrs(QgsCoordinateReferenceSystem())
        form.addRow(tr("GCP CRS"), self.gcp_crs_widget)
        from ..plugin.processing.decode_map_algorithm import TRANSFORM_LABELS

        self.transform_combo = QComboBox(group)
        self.transform_combo.addItems([QCoreApplication.translate("DecodeMapAlgorithm", label)
                                       for label in TRANSFORM_LABELS])
        self.transform_combo.setToolTip(tr("Affine for an ordinary map figure; higher "
                                           "polynomials, thin plate spline or projective for "
                                           "distorted scans"))
        form.addRow(tr("Transform"), self.transform_combo)
        self.target_crs_widget = QgsProjectionSelectionWidget(group)
        self.target_crs_widget.setOptionVisible(
            QgsProjectionSelectionWidget.CrsOption.CrsNotSet, True)
        self.target_crs_widget.setNotSetText(tr("the GCP CRS"))
        self.target_crs_widget.setCrs(QgsCoordinateReferenceSystem())
        self.target_crs_widget.setToolTip(tr("The CRS of the outputs (default: the GCP CRS)"))
        form.addRow(tr("Target CRS"), self.target_crs_widget)

        self.gcp_table = QTableWidget(0, 8, group)
        self.gcp_table.setHorizontalHeaderLabels([
            tr("On"), tr("Pixel x"), tr("Pixel y"), tr("Map x"), tr("Map y"),
            tr("Res. px"), tr("LOO px"), tr("LOO map")])
        for column, tip in ((COL_ENABLED, tr("Used in the fit")),
                            (COL_PIXEL_X, tr("Column on the figure, pixels from its left edge")),
                            (COL_PIXEL_Y, tr("Row on the figure, pixels down from its top edge")),
                            (COL_MAP_X, tr("Map x (easting or longitude) in the GCP CRS")),
                            (COL_MAP_Y, tr("Map y (northing or latitude) in the GCP CRS")),
                            (COL_RESIDUAL, tr("Residual: how far the fitted transform puts the "
                                              "GCP from where it was clicked, pixels")),
                            (COL_LOO_PIXELS, tr("Leave-one-out error: how far the transform "
                                                "fitted to the other GCPs puts it, pixels")),
                            (COL_LOO_MAP, tr("Leave-one-out error in map units"))):
            self.gcp_table.horizontalHeaderItem(column).setToolTip(tip)
        self.gcp_table.setToolTip(tr(
            "GCPs: pixel position on the figure (y down from the top-left corner) and map "
            "coordinates in the GCP CRS. Residual: how far the fitted transform puts the GCP. "
            "Leave-one-out: how far the transform fitted to the other GCPs puts it; a large one "
            "means a wrong GCP."))
        self.gcp_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.gcp_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.gcp_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.gcp_table.setMinimumHeight(180)
        self.gcp_table.itemChanged.connect(self._gcp_item_changed)
        self.gcp_table.itemSelectionChanged.connect(self._gcp_row_selected)
        form.addRow(self.gcp_table)
        row = QHBoxLayout()
        add_button = QPushButton(tr("Add"), group)
        add_button.setToolTip(tr("Add GCPs by clicking on the figure (G)"))
        add_button.clicked.connect(lambda: self.tool_actions[Tool.ADD_GCP].setChecked(True))
        delete_button = QPushButton(tr("Delete"), group)
        delete_button.setToolTip(tr("Delete the selected GCP (Del)"))
        delete_button.clicked.connect(self.delete_selected_gcp)
        self.pick_button = QPushButton(tr("Pick on map canvas"), group)
        self.pick_button.setToolTip(tr("Take the selected GCP's map coordinates from a click on "
                                       "QGIS's map canvas (converted to the GCP CRS)"))
        self.pick_button.clicked.connect(self.pick_on_canvas)
        self.pick_button.setEnabled(self.iface is not None)
        row.addWidget(add_button)
        row.addWidget(delete_button)
        row.addWidget(self.pick_button)
        row.addStretch(1)
        form.addRow(row)
        self.residual_label = QLabel(group)
        self.residual_label.setWordWrap(True)
        form.addRow(self.residual_label)
        self.gcp_crs_widget.crsChanged.connect(self._gcps_changed)
        self.transform_combo.currentIndexChanged.connect(self._gcps_changed)
        return group

    def _build_decode_group(self):
        group = QGroupBox(tr("Decode"), self)
        form = QFormLayout(group)
        self.raster_output = QgsFileWidget(group)
        self.raster_output.setStorageMode(QgsFileWidget.StorageMode.SaveFile)
        self.raster_output.setFilter(tr("GeoTIFF (*.tif *.tiff)"))
        self.raster_output.setToolTip(tr("Where to write the decoded GeoTIFF (empty: a "
                                         "temporary file)"))
        self.points_output = QgsFileWidget(group)
        self.points_output.setStorageMode(QgsFileWidget.StorageMode.SaveFile)
        self.points_output.setFilter(tr("GeoPackage (*.gpkg);;All files (*)"))
        self.points_output.setToolTip(tr("Where to write the representative points (empty: a "
                                         "temporary layer)"))
        form.addRow(tr("Decoded raster"), self.raster_output)
        form.addRow(tr("Points"), self.points_output)
        row = QHBoxLayout()
        self.decode_button = QPushButton(tr("Decode"), group)
        self.decode_button.setToolTip(tr("Run Decode colour-mapped map with these settings (as a "
                                         "background task, in the Processing history) and add "
                                         "the outputs to the project (Ctrl+Return)"))
        self.decode_button.setShortcut(QKeySequence("Ctrl+Return"))
        self.decode_button.clicked.connect(self.decode)
        self.dialog_button = QPushButton(tr("Open in Processing dialog…"), group)
        self.dialog_button.setToolTip(tr("Open the algorithm's Processing dialog filled in with "
                                         "these settings: change advanced parameters, run as "
                                         "batch"))
        self.dialog_button.clicked.connect(self.open_processing_dialog)
        self.cancel_button = QPushButton(tr("Cancel"), group)
        self.cancel_button.setToolTip(tr("Stop the running decode; no output is written"))
        self.cancel_button.clicked.connect(self.cancel_decode)
        self.cancel_button.setEnabled(False)
        row.addWidget(self.decode_button)
        row.addWidget(self.dialog_button)
        row.addWidget(self.cancel_button)
        form.addRow(row)
        self.progress_bar = QProgressBar(group)
        self.progress_bar.setRange(0, 100)
        self.progress_bar.setValue(0)
        form.addRow(self.progress_bar)
        return group

    def _set_figure_widgets_enabled(self, enabled):
        for widget in (self.save_action, self.detect_action, self.zoom_action,
                       self.delete_gcp_action, self.decode_button, self.dialog_button,
                       *self.tool_actions.values()):
            widget.setEnabled(enabled)

    # ======================================================================================
    # Opening figures
    # ======================================================================================
    def open_figure_dialog(self):
        path, _ = QFileDialog.getOpenFileName(self, tr("Open a figure"),
                                              os.path.dirname(self.figure_path or ""),
                                              tr("Images (*.png *.jpg *.jpeg *.tif *.tiff *.gif "
                                                 "*.bmp *.webp);;All files (*)"))
        if path:
            self.open_figure(path)

    def _fill_layer_menu(self):
        self.layer_menu.clear()
        layers = [layer for layer in QgsProject.instance().mapLayers().values()
                  if layer.type() == QgsMapLayerType.RasterLayer
                  and os.path.isfile(layer.source().split("|")[0])]
        if not layers:
            action = self.layer_menu.addAction(tr("No raster layer from an image file"))
            action.setEnabled(False)
        for layer in layers:
            action = self.layer_menu.addAction(layer.name())
            action.triggered.connect(lambda checked, layer=layer: self.open_layer(layer))

    def open_layer(self, layer):
        """Open the image file of a raster layer."""
        return self.open_figure(layer.source().split("|")[0])

    def paste_figure(self):
        """Open the image on the clipboard (saved as a PNG in QGIS's temporary folder)."""
        image = QApplication.clipboard().image()
        if image.isNull():
            self.message_bar.pushWarning(tr("Paste figure"), tr("The clipboard holds no image."))
            return False
        path = os.path.join(QgsProcessingUtils.tempFolder(),
                            f"clipboard_figure_{time.strftime('%Y%m%d_%H%M%S')}.png")
        if not image.save(path, "PNG"):
            self.message_bar.pushCritical(tr("Paste figure"), tr("Cannot write {}.").format(path))
            return False
        opened = self.open_figure(path)
        if opened:
            self.message_bar.pushInfo(tr("Paste figure"), tr(
                "The clipboard's image was saved as {}; its session is saved beside it. Save the "
                "image elsewhere and open it from there to keep it.").format(path))
        return opened

    def open_figure(self, path):
        """Show a figure, restore its saved session (or detect what it can), preview it.

        Returns
        -------
        bool
            False when the figure cannot be read (the message bar says why).
        """
        from ..plugin.engine.errors import EngineError
        from ..plugin.engine.figure import read_figure, read_figure_header
        from ..plugin.engine.memory_budget import check_memory, detection_job_size
        from ..plugin.engine.preview import PreviewDecoder
        from ..plugin.engine.session import Session, load_session

        try:
            # Budgeted from the header before a pixel is read, as the algorithms' jobs are:
            # the window reads the figure and detects its face at once.
            header = read_figure_header(path)
            check_memory(detection_job_size(header), header.shape, (0, 0))
            figure = read_figure(path)
        except EngineError as error:
            self.message_bar.pushCritical(tr("Open figure"), str(error))
            return False
        self.stop_reading()  # labels of the previous figure must not land on this one
        self.figure, self.figure_path = figure, str(path)
        self.preview_decoder = PreviewDecoder(figure)
        self.preview = None
        rows, cols = figure.shape
        image = QImage(figure.rgb.data, cols, rows, 3 * cols, QImage.Format.Format_RGB888).copy()
        self.view.set_figure(image)
        self.setWindowTitle(tr("Colormap Decoder — {}").format(os.path.basename(path)))
        self._set_figure_widgets_enabled(True)
        self.message_bar.clearWidgets()
        try:
            session = load_session(path, figure.geotransform)
        except EngineError as error:
            self.message_bar.pushWarning(tr("Session"), str(error))
            session = None
        restored = session is not None
        self.apply_session(session or Session(figure_path=str(path)))
        if session is None or (session.frame is None and session.colorbar is None):
            # Nothing drawn yet (a Georeferencer .points file holds only GCPs): look.
            self.detect(self.read_labels)
        elif restored:
            self.statusBar().showMessage(tr("Session restored from beside the figure."), 5000)
        self._fill_colormap_names()
        self.update_preview()
        return True

    def _fill_colormap_names(self):
        if self._completer_model.rowCount():
            return
        from ..plugin.engine.colour_scales import available_colour_scale_names

        names = available_colour_scale_names(self._qgis_resources, prefixed=False)
        names += available_colour_scale_names(self._qgis_resources, prefixed=True)
        self._completer_model.setStringList(list(dict.fromkeys(names)))

    def _choose_cpt(self):
        path, _ = QFileDialog.getOpenFileName(self, tr("Choose a GMT colour table"),
                                              os.path.dirname(self.figure_path or ""),
                                              tr("GMT colour tables (*.cpt);;All files (*)"))
        if path:
            self.colormap_edit.setText(path)
            self.colormap_radio.setChecked(True)
            self.schedule_preview()

    # ======================================================================================
    # The session: widgets <-> engine Session
    # ======================================================================================
    def apply_session(self, session):
        """Show a session's boxes, scale, GCPs and CRSs (widgets filled without side effects)."""
        self._updating = True
        try:
            for name in ("frame", "colorbar"):
                box = getattr(session, name)
                self.view.set_box(name, QRectF(box[0], box[1], box[2] - box[0], box[3] - box[1])
                                  if box is not None else None)
            (self.colorbar_radio if session.use_colorbar else self.colormap_radio).setChecked(True)
            self.colormap_edit.setText(session.colormap or "")
            self.flip_check.setChecked(bool(session.colorbar_flip))
            self.vmin_edit.setText("" if session.vmin is None else f"{session.vmin:.12g}")
            self.vmax_edit.setText("" if session.vmax is None else f"{session.vmax:.12g}")
            self.scale_combo.setCurrentIndex(1 if session.logarithmic else 0)
            self.levels_edit.setText(",".join(f"{v:.12g}" for v in session.levels or ()))
            self.distance_spin.setValue(0.0 if session.max_color_distance is None
                                        else float(session.max_color_distance))
            self.transform_combo.setCurrentIndex(int(session.transform))
            self.gcp_crs_widget.setCrs(_crs_from_text(session.gcp_crs))
            self.target_crs_widget.setCrs(_crs_from_text(session.target_crs))
            gcps = session.gcps
            self._gcps = [] if gcps is None else [
                dict(x=float(p[0]), y=float(p[1]), map_x=float(m[0]), map_y=float(m[1]),
                     enabled=bool(e)) for p, m, e in zip(gcps.pixel, gcps.map, gcps.enabled)]
            self._selected_gcp = -1
            self._gcps_from_axes = False
            self._filled_by_reading = {}  # a session's values are the user's
        finally:
            self._updating = False
        from ..plugin.engine.session import session_paths

        points_path = session_paths(session.figure_path)[0]
        self._gcps_file = points_path if gcps is not None and os.path.isfile(points_path) else None
        self._gcps_changed(keep_file=True)

    def _box(self, name):
        rect = self.view.box(name)
        if rect is None:
            return None
        return (rect.left(), rect.top(), rect.right(), rect.bottom())

    def current_session(self):
        """The session as the widgets show it.

        Raises
        ------
        ValueError
            A typed number is not one (the message names the field).
        """
        from ..plugin.engine.session import Session

        levels_text = self.levels_edit.text().strip()
        levels = None
        if levels_text:
            try:
                levels = tuple(float(v.replace("−", "-"))
                               for v in levels_text.replace(";", ",").split(",") if v.strip())
            except ValueError:
                raise ValueError(tr("Classes: '{}' is not a comma-separated list of numbers.")
                                 .format(levels_text)) from None
        return Session(
            figure_path=self.figure_path, frame=self._box("frame"), colorbar=self._box("colorbar"),
            colorbar_flip=self.flip_check.isChecked(),
            use_colorbar=self.colorbar_radio.isChecked(),
            colormap=self.colormap_edit.text().strip(),
            vmin=_number_or_none(self.vmin_edit.text(), tr("Low value")),
            vmax=_number_or_none(self.vmax_edit.text(), tr("High value")),
            logarithmic=self.scale_combo.currentIndex() == 1, levels=levels,
            max_color_distance=self.distance_spin.value() or None,  # 0 is "Automatic"
            transform=self.transform_combo.currentIndex(),
            gcp_crs=_crs_text(self.gcp_crs_widget.crs()),
            target_crs=_crs_text(self.target_crs_widget.crs()),
            gcps=self.complete_gcps())

    def decode_settings(self):
        session = self.current_session()
        return session.decode_settings(self.figure.geotransform, self._gcps_file,
                                       self._qgis_resources)

    def save_session(self):
        """Save the session beside the figure. Returns the files written, or None."""
        from ..plugin.engine.session import SessionError, save_session

        if self.figure is None:
            return None
        try:
            written = save_session(self.current_session(), self.figure.geotransform)
        except (ValueError, SessionError) as error:
            self.message_bar.pushCritical(tr("Save session"), str(error))
            return None
        self._gcps_file = next((path for path in written if path.endswith(".points")), None)
        self.statusBar().showMessage(tr("Session saved: {}").format(
            ", ".join(os.path.basename(path) for path in written)), 5000)
        return written

    # ======================================================================================
    # Boxes
    # ======================================================================================
    def _box_changed(self, name, rect):
        if name == "colorbar" and not self._updating:
            # A colorbar drawn is a colorbar to sample, unless a colormap is named.
            if not self.colormap_edit.text().strip():
                self.colorbar_radio.setChecked(True)
        self.schedule_preview()

    def _tool_changed(self, tool):
        action = self.tool_actions.get(tool)
        if action is not None and not action.isChecked():
            action.setChecked(True)

    # ======================================================================================
    # GCPs
    # ======================================================================================
    def gcps(self):
        """The GCPs as the table shows them: dicts x, y, map_x, map_y, enabled."""
        return [dict(gcp) for gcp in self._gcps]

    def complete_gcps(self):
        """The GCPs with both map coordinates typed, as engine GroundControlPoints (or None)."""
        from ..plugin.engine.gcps import GroundControlPoints

        rows = [i for i, gcp in enumerate(self._gcps)
                if math.isfinite(gcp["map_x"]) and math.isfinite(gcp["map_y"])]
        if not rows:
            return None
        crs = self.gcp_crs_widget.crs()
        return GroundControlPoints(
            [[self._gcps[i]["x"], self._gcps[i]["y"]] for i in rows],
            [[self._gcps[i]["map_x"], self._gcps[i]["map_y"]] for i in rows],
            [self._gcps[i]["enabled"] for i in rows],
            crs=crs_wkt(crs, tr("GCP CRS")) or None,
            source=tr("the window's GCPs"), labels=[tr("GCP {}").format(i + 1) for i in rows])

    def add_gcp(self, x, y, map_x=math.nan, map_y=math.nan, enabled=True):
        """Add a GCP at figure pixel (x, y); its map coordinates are typed in the table."""
        self._gcps.append(dict(x=float(x), y=float(y), map_x=float(map_x), map_y=float(map_y),
                               enabled=bool(enabled)))
        self._selected_gcp = len(self._gcps) - 1
        self._gcps_changed(by_hand=True)
        if not (math.isfinite(map_x) and math.isfinite(map_y)):
            item = self.gcp_table.item(self._selected_gcp, COL_MAP_X)
            self.gcp_table.setCurrentItem(item)
            self.statusBar().showMessage(tr("Type the new GCP's map coordinates in the table, or "
                                            "pick them on the map canvas."), 8000)
        return self._selected_gcp

    def _gcp_moved(self, index, x, y):
        self._gcps[index].update(x=float(x), y=float(y))
        self._selected_gcp = index
        self._gcps_changed(by_hand=True)

    def select_gcp(self, index):
        self._selected_gcp = index
        self._updating = True
        if 0 <= index < self.gcp_table.rowCount():
            self.gcp_table.selectRow(index)
        else:
            self.gcp_table.clearSelection()
        self._updating = False
        self._draw_gcps()

    def delete_selected_gcp(self):
        index = self._selected_gcp
        if not 0 <= index < len(self._gcps):
            return
        del self._gcps[index]
        self._selected_gcp = min(index, len(self._gcps) - 1)
        self._gcps_changed(by_hand=True)

    def set_gcp_map(self, index, map_x, map_y):
        self._gcps[index].update(map_x=float(map_x), map_y=float(map_y))
        self._gcps_changed(by_hand=True)

    def _gcp_row_selected(self):
        if self._updating:
            return
        rows = self.gcp_table.selectionModel().selectedRows()
        if rows:
            self._selected_gcp = rows[0].row()
            self._draw_gcps()

    def _gcp_item_changed(self, item):
        if self._updating:
            return
        gcp = self._gcps[item.row()]
        column = item.column()
        if column == COL_ENABLED:
            gcp["enabled"] = item.checkState() == Qt.CheckState.Checked
        else:
            key = {COL_PIXEL_X: "x", COL_PIXEL_Y: "y", COL_MAP_X: "map_x",
                   COL_MAP_Y: "map_y"}.get(column)
            if key is None:
                return
            try:
                value = _number_or_none(item.text(), self.gcp_table.horizontalHeaderItem(
                    column).text())
            except ValueError as error:
                self.message_bar.pushWarning(tr("GCP"), str(error))
                value = None
            gcp[key] = math.nan if value is None else value
        self._selected_gcp = item.row()
        self._gcps_changed(by_hand=True)

    def _gcps_changed(self, *_, keep_file=False, by_hand=False):
        """The GCPs or the transform changed: table, residuals, markers and arrows again."""
        if self._updating:
            return
        if by_hand:
            self._gcps_from_axes = False  # a tick correction no longer replaces them
        if not keep_file:
            self._gcps_file = None  # the saved .points file no longer holds these GCPs
        self.update_residuals()
        self._fill_gcp_table()
        self._draw_gcps()

    def update_residuals(self):
        """Residuals and leave-one-out errors of the complete GCPs, from the engine."""
        from ..plugin.engine.errors import EngineError
        from ..plugin.engine.gcp_transform import compute_residuals
        from ..plugin.engine.text_format import PIXEL_DECIMALS, fixed, map_decimals, unit_symbol
        from ..plugin.engine.warping import crs_unit_name

        self.residuals = None
        gcps = self.complete_gcps()
        if gcps is None:
            self.residual_label.setText(tr("No GCP with map coordinates yet: add GCPs (G) on "
                                           "points whose map coordinates you know.") if
                                        self.figure is not None else "")
            return
        try:
            self.residuals = compute_residuals(gcps, self.transform_combo.currentIndex())
        except EngineError as error:
            self.residual_label.setText(str(error))
            return
        residuals = self.residuals
        # Rounded as the log and the report round them (GcpResiduals.as_table_lines): pixels
        # to 0.001 px, map lengths to what 0.001 px is on the map.
        self._map_decimals = map_decimals(gcps.pixel, gcps.map, gcps.enabled)
        symbol = unit_symbol(crs_unit_name(gcps.crs))
        self.residual_label.setText(tr(
            "RMSE {} px ({} {}); leave-one-out RMSE {} px ({} {}).").format(
                fixed(residuals.rmse_pixels, PIXEL_DECIMALS),
                fixed(residuals.rmse_map, self._map_decimals), symbol,
                fixed(residuals.loo_rmse_pixels, PIXEL_DECIMALS),
                fixed(residuals.loo_rmse_map, self._map_decimals), symbol)
            + ("" if not residuals.suspicious.any() else " " + tr(
                "Rows in red stand out: check their coordinates or disable them.")))
        self._residual_text = self.residual_label.text()

    def _complete_rows(self):
        return [i for i, gcp in enumerate(self._gcps)
                if math.isfinite(gcp["map_x"]) and math.isfinite(gcp["map_y"])]

    def _fill_gcp_table(self):
        from ..plugin.engine.text_format import PIXEL_DECIMALS, fixed

        self._updating = True
        try:
            table = self.gcp_table
            table.setRowCount(len(self._gcps))
            complete = {row: k for k, row in enumerate(self._complete_rows())}
            residuals = self.residuals
            for row, gcp in enumerate(self._gcps):
                enabled = QTableWidgetItem()
                enabled.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled
                                 | Qt.ItemFlag.ItemIsSelectable)
                enabled.setCheckState(Qt.CheckState.Checked if gcp["enabled"]
                                      else Qt.CheckState.Unchecked)
                table.setItem(row, COL_ENABLED, enabled)
                for column, key, form in ((COL_PIXEL_X, "x", ".2f"), (COL_PIXEL_Y, "y", ".2f"),
                                          (COL_MAP_X, "map_x", ".10g"),
                                          (COL_MAP_Y, "map_y", ".10g")):
                    value = gcp[key]
                    table.setItem(row, column, QTableWidgetItem(
                        format(value, form) if math.isfinite(value) else ""))
                k = complete.get(row)
                for column, values, decimals in ((COL_RESIDUAL, "residual_pixels", PIXEL_DECIMALS),
                                                 (COL_LOO_PIXELS, "loo_error_pixels", PIXEL_DECIMALS),
                                                 (COL_LOO_MAP, "loo_error_map", self._map_decimals)):
                    text = ""
                    if residuals is not None and k is not None:
                        value = float(getattr(residuals, values)[k])
                        text = fixed(value, decimals) if math.isfinite(value) else "–"
                    item = QTableWidgetItem(text)
                    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                    if residuals is not None and k is not None and residuals.suspicious[k]:
                        item.setForeground(QColor(200, 0, 0))
                    table.setItem(row, column, item)
            if 0 <= self._selected_gcp < len(self._gcps):
                table.selectRow(self._selected_gcp)
        finally:
            self._updating = False

    def _draw_gcps(self):
        self.view.set_gcps([(gcp["x"], gcp["y"], gcp["enabled"], str(i + 1))
                            for i, gcp in enumerate(self._gcps)], self._selected_gcp)
        from ..plugin.engine.text_format import PIXEL_DECIMALS

        arrows = []
        residuals = self.residuals
        # The table's precision: a residual under it shows as "< 0.001" and gets no arrow.
        shown_pixels = 10.0 ** -PIXEL_DECIMALS
        lengths = [] if residuals is None else [float(v) for v in residuals.residual_pixels
                                                if math.isfinite(v)]
        largest = max(lengths, default=0.0)
        if residuals is not None and self.figure is not None and largest < shown_pixels:
            # GCPs the transform passes through (made from the axes' fitted ticks, or typed from
            # one affine map): arrows a million times their length would only draw rounding.
            self.arrow_factor = 1.0
            self.residual_label.setText(self._residual_text + " " + tr(
                "Every residual is under {:g} px: no arrows.").format(shown_pixels))
        elif residuals is not None and self.figure is not None:
            rows = self._complete_rows()
            figure_rows, figure_cols = self.figure.shape
            # Residuals are small: exaggerate them so the largest is visible.
            factor = ARROW_SHARE_OF_DIAGONAL * math.hypot(figure_rows, figure_cols) / largest
            factor = max(1.0, min(factor, 1e6))
            for k, row in enumerate(rows):
                gcp = self._gcps[row]
                arrows.append((gcp["x"], gcp["y"], gcp["x"] + factor * residuals.dx_pixels[k],
                               gcp["y"] + factor * residuals.dy_pixels[k]))
            self.arrow_factor = factor
            if factor > 1.0:
                self.residual_label.setText(self._residual_text + " " + tr(
                    "Residual arrows drawn {:.3g} times their length.").format(factor))
        self.view.set_residual_arrows(arrows)

    def pick_on_canvas(self):
        """Take the selected GCP's map coordinates from a click on QGIS's map canvas."""
        if self.iface is None or not 0 <= self._selected_gcp < len(self._gcps):
            self.message_bar.pushInfo(tr("Pick on map canvas"),
                                      tr("Select a GCP in the table first."))
            return
        from qgis.gui import QgsMapToolEmitPoint

        canvas = self.iface.mapCanvas()
        previous = canvas.mapTool()
        tool = QgsMapToolEmitPoint(canvas)
        index = self._selected_gcp

        def picked(point, button):
            target = self.gcp_crs_widget.crs()
            source = canvas.mapSettings().destinationCrs()
            if target.isValid() and source.isValid() and target != source:
                point = QgsCoordinateTransform(source, target, QgsProject.instance()) \
                    .transform(point)
            elif not target.isValid():
                self.gcp_crs_widget.setCrs(source)
            canvas.setMapTool(previous) if previous is not None else canvas.unsetMapTool(tool)
            self.set_gcp_map(index, point.x(), point.y())
            self.raise_()
            self.activateWindow()

        tool.canvasClicked.connect(picked)
        self._canvas_tool = tool
        canvas.setMapTool(tool)
        if self.iface.mainWindow() is not None:
            self.iface.mainWindow().raise_()
        self.statusBar().showMessage(tr("Click the GCP's position on the QGIS map canvas."), 10000)

    # ======================================================================================
    # Preview
    # ======================================================================================
    def schedule_preview(self, *_):
        """Decode the preview again shortly (changes in a row are decoded once)."""
        if self.figure is not None and not self._updating:
            self._preview_timer.start()

    def update_preview(self):
        """Decode the reduced figure with the current settings and draw it."""
        from ..plugin.engine.errors import EngineError

        self._preview_timer.stop()
        if self.figure is None:
            return None
        start = time.perf_counter()
        try:
            self.preview = self.preview_decoder.decode(self.decode_settings())
        except (EngineError, ValueError) as error:
            self.preview = None
            self.view.clear_preview()
            self.preview_label.setText(str(error))
            return None
        self.last_preview_seconds = time.perf_counter() - start
        preview = self.preview
        reduced = "" if preview.step == 1 else " " + tr("(every {}th pixel)").format(preview.step)
        self.preview_label.setText(tr(
            "{:.1f} % of the examined pixels are data (within ΔE {:g}); values {} to {}{}; "
            "decoded in {:.0f} ms.").format(
                100 * preview.data_fraction, preview.max_color_distance,
                f"{preview.decoder.mapping.vmin:g}", f"{preview.decoder.mapping.vmax:g}",
                reduced, 1000 * self.last_preview_seconds))
        self._redraw_preview()
        return preview

    def _redraw_preview(self, *_):
        preview = self.preview
        if preview is None or not (self.preview_check.isChecked() or self.mask_check.isChecked()):
            self.view.clear_preview()
            return
        rgba = preview.rgba(self.preview_check.isChecked(), self.mask_check.isChecked())
        rows, cols = rgba.shape[:2]
        image = QImage(rgba.data, cols, rows, 4 * cols, QImage.Format.Format_RGBA8888).copy()
        self.view.set_preview(image, preview.step, self.opacity_slider.value() / 100.0)

    def _cursor_moved(self, x, y):
        from ..plugin.engine.errors import EngineError

        if self.figure is None:
            return
        text = tr("x {:.1f}, y {:.1f} px").format(x, y)
        if self.preview is not None:
            try:
                found = self.preview_decoder.value_at(self.decode_settings(), x, y)
            except (ValueError, EngineError):
                found = None
            if found is not None:
                value, distance = found
                text += "  —  " + (tr("value {:.5g}").format(value) if math.isfinite(value)
                                   else tr("not data")) + tr(", ΔE {:.1f}").format(distance)
        self.cursor_label.setText(text)

    # ======================================================================================
    # Detection
    # ======================================================================================
    def detect(self, read_labels=True):
        """Find the map frame and the colorbar on the figure (the engine's detection) and draw
        them, then read the tick labels (``read_labels``): the value range, the colormap and
        the GCPs they answer fill in what the user has not given.

        A frame already drawn (detected, moved or drawn by the user) chooses the panel on a
        figure of several maps: the frame holding it is found again, with its own colorbar
        and axes, as decodemap reads them with that PLOT_AREA; without one, the largest.

        Returns
        -------
        detection.layout.Layout or None
        """
        from ..plugin.engine.detection.layout import detect_layout

        if self.figure is None:
            return None
        start = time.perf_counter()
        layout = detect_layout(self.figure.rgb, self._box("frame"))
        self.layout = layout
        found = []
        self._updating = True
        try:
            if layout.frame is not None:
                # The pixels strictly inside the frame's lines, as decodemap takes them.
                col0, row0, col1, row1 = layout.frame.inner_pixel_box()
                self.view.set_box("frame", QRectF(col0, row0, col1 - col0, row1 - row0))
                found.append(tr("the map frame"))
            if layout.colorbar is not None:
                col0, row0, col1, row1 = layout.colorbar.pixel_box()
                self.view.set_box("colorbar", QRectF(col0, row0, col1 - col0, row1 - row0))
                if not self.colormap_edit.text().strip():
                    self.colorbar_radio.setChecked(True)
                found.append(tr("the colorbar"))
        finally:
            self._updating = False
        seconds = time.perf_counter() - start
        missing = []
        if layout.frame is None:
            missing.append(tr("no map frame: draw it (F)"))
        if layout.colorbar is None:
            missing.append(tr("no colorbar: draw it (B) or name the colormap"))
        text = (tr("Found {} in {:.1f} s.").format(tr(" and ").join(found), seconds) if found
                else tr("Nothing found."))
        if missing:
            text += " " + "; ".join(missing).capitalize() + "."
        else:
            text += " " + tr("Drag their edges to correct them.")
        if self._panels_hint():
            text += " " + self._panels_hint()
        self.statusBar().showMessage(text, 15000)
        self.detection_message = text
        self.schedule_preview()
        self._start_reading(read_labels)
        return layout

    # -- the labels: read in the background, shown, corrected -----------------------------
    def _start_reading(self, read_labels):
        """Read the tick labels (OCR: a second or two) and fill in what they answer."""
        self.stop_reading()
        self.findings, self._ticks, self._selected_tick = None, [], -1
        self._show_ticks()
        from ..plugin.engine.detection.ocr import INSTALL_HINT, ocr_available

        if not read_labels:
            self.reading_label.setText(tr("Not read: press Detect (Ctrl+R) to read them."))
            return None
        if not ocr_available():
            self.reading_label.setText(tr("Tick labels cannot be read here: {}").format(
                INSTALL_HINT))
            return None
        return self.read_tick_labels()

    def read_tick_labels(self):
        """Start reading every tick label of the figure in the background (the engine's
        detection on a :class:`LabelReader` thread); the window stays usable, a progress bar
        shows how far it is, and the findings are applied here, on the window's thread, when
        they arrive (:meth:`wait_for_reading` waits for them).

        Returns
        -------
        LabelReader
            The running thread.
        """
        from .label_reader import LabelReader

        self.stop_reading()
        self._reading_generation += 1
        reader = LabelReader(self._reading_generation, self.figure,
                             _crs_text(self.gcp_crs_widget.crs()), self._qgis_resources, self,
                             plot_box=self._box("frame"))
        # Bound methods of the window: Qt queues each signal to the window's thread.
        reader.progressed.connect(self._reading_progressed)
        reader.found.connect(self._reading_found)
        reader.failed.connect(self._reading_failed)
        reader.cancelled.connect(self._reading_cancelled)
        reader.finished.connect(self._reader_finished)
        self._reader = reader
        self._readers.add(reader)
        self.reading_label.setText(tr("Reading the tick labels…"))
        self.statusBar().showMessage(tr("Reading the tick labels…"))
        self.reading_progress.setValue(0)
        self._show_reading_progress(True)
        reader.start()
        return reader

    def reading_running(self):
        """Whether tick labels are being read (a result is awaited)."""
        return self._reader is not None

    def stop_reading(self):
        """Stop the reading in progress, if any: its result, arriving later, is dropped."""
        reader, self._reader = self._reader, None
        if reader is None:
            return
        reader.requestInterruption()
        self._reading_generation += 1
        self._show_reading_progress(False)
        self.reading_label.setText(tr("Stopped: press Detect (Ctrl+R) to read the labels."))
        self.statusBar().clearMessage()

    def wait_for_reading(self, timeout_s=120.0):
        """Process events until the reading in progress has been applied (scripts, tests).

        Returns
        -------
        detection.findings.FigureFindings or None
            None when nothing was read (failed, stopped, or still running at the timeout).
        """
        deadline = time.monotonic() + timeout_s
        while self._reader is not None and time.monotonic() < deadline:
            QApplication.processEvents()
            reader = self._reader
            if reader is not None:
                reader.wait(20)  # sleeps until the thread ends, 20 ms at most
        QApplication.processEvents()  # the queued result of a thread that just ended
        return self.findings

    def _show_reading_progress(self, shown):
        self.reading_progress.setVisible(shown)
        self.stop_reading_button.setVisible(shown)

    def _current(self, generation):
        return self._reader is not None and generation == self._reading_generation

    def _reading_progressed(self, generation, fraction, message):
        if self._current(generation):
            self.reading_progress.setValue(int(round(100 * fraction)))
            if message:
                self.statusBar().showMessage(tr(message) + "…")

    def _reading_found(self, generation, findings):
        if not self._current(generation):
            return
        self._reading_ended()
        self._apply_findings(findings)

    def _reading_failed(self, generation, message):
        if self._current(generation):
            self._reading_ended()
            self.reading_label.setText(tr("The labels could not be read: {}").format(message))

    def _reading_cancelled(self, generation):
        if self._current(generation):
            self._reading_ended()
            self.reading_label.setText(tr("Stopped: press Detect (Ctrl+R) to read the labels."))

    def _reading_ended(self):
        self._reader = None
        self._show_reading_progress(False)
        self.statusBar().clearMessage()

    def _reader_finished(self):
        """A thread ended (its result, if any, is queued before this): forget it."""
        for reader in [r for r in self._readers if r.isFinished()]:
            self._readers.discard(reader)
            reader.deleteLater()

    def _apply_findings(self, findings):
        """Fill in what the labels answer, where the user has not given it; show every label."""
        from ..plugin.engine.gcps import GroundControlPoints  # noqa: F401 - findings.gcps' type
        from ..plugin.engine.tick_edits import every_label

        self.findings = findings
        found = findings.parameters
        filled = []
        self._updating = True
        try:
            recognised = found.get("COLORMAP")
            if self._reading_may_fill("colormap", self.colormap_edit):
                # A known colormap decodes with its exact table, better than the sampled bar;
                # none recognised (another panel's bar): the bar is sampled.
                self._fill_from_reading("colormap", self.colormap_edit, recognised or "")
                if recognised:
                    self.colormap_radio.setChecked(True)
                    filled.append(tr("colormap {}").format(recognised))
                elif self.view.box("colorbar") is not None:
                    self.colorbar_radio.setChecked(True)
            if "VMIN" in found and self._reading_may_fill("vmin", self.vmin_edit) and \
                    self._reading_may_fill("vmax", self.vmax_edit):
                self._fill_from_reading("vmin", self.vmin_edit, f"{found['VMIN']:.6g}")
                self._fill_from_reading("vmax", self.vmax_edit, f"{found['VMAX']:.6g}")
                self.scale_combo.setCurrentIndex(int(found.get("SCALE", 0)))
                self.flip_check.setChecked(bool(found.get("COLORBAR_FLIP", False)))
                if self._reading_may_fill("levels", self.levels_edit):
                    self._fill_from_reading("levels", self.levels_edit, found.get("LEVELS") or "")
                filled.append(tr("values {:.6g} to {:.6g}").format(found["VMIN"], found["VMAX"]))
            if findings.gcps is not None and (self._gcps_from_axes or not self._gcps):
                self._set_gcps_from(findings.gcps)
                self._gcps_from_axes = True
                if not self.gcp_crs_widget.crs().isValid() and found.get("GCP_CRS"):
                    self.gcp_crs_widget.setCrs(_crs_from_text(found["GCP_CRS"]))
                filled.append(tr("{} GCPs from the axes").format(len(findings.gcps)))
        finally:
            self._updating = False
        self._ticks = every_label(findings.reading)
        self._show_ticks()
        self._gcps_changed()
        self.schedule_preview()
        self.reading_label.setText(self._reading_summary()
                                   + (" " + tr("Filled in: {}.").format(", ".join(filled))
                                      if filled else ""))
        self.message_bar.clearWidgets()  # an earlier reading's problems are gone or repeated
        if findings.problems:
            self.message_bar.pushWarning(tr("Detect"), " ".join(findings.problems))
        if self._panels_hint():
            self.message_bar.pushInfo(tr("Detect"), self._panels_hint())

    def _panels_hint(self):
        """How to read another panel of a figure of several maps ("" for one map)."""
        layout = self.layout
        if layout is None or layout.frame is None or not layout.other_panels:
            return ""
        return tr("The figure holds {} map panels: to read another, draw a frame (F) inside it "
                  "and press Detect.").format(len(layout.other_panels) + 1)

    def _reading_may_fill(self, key, edit):
        """Whether a reading may write ``edit``: it is empty, or still shows what the last
        reading wrote there (the user has not typed over it)."""
        text = edit.text().strip()
        return not text or text == self._filled_by_reading.get(key)

    def _fill_from_reading(self, key, edit, text):
        edit.setText(text)
        self._filled_by_reading[key] = text

    def _set_gcps_from(self, gcps):
        self._gcps = [dict(x=float(p[0]), y=float(p[1]), map_x=float(m[0]), map_y=float(m[1]),
                           enabled=bool(e)) for p, m, e in zip(gcps.pixel, gcps.map, gcps.enabled)]
        self._selected_gcp = -1

    def _reading_summary(self):
        from ..plugin.engine.tick_edits import AXES, axis_reading

        reading = self.findings.reading if self.findings is not None else None
        if reading is None:
            return tr("No tick labels were read.")
        names = {"colorbar": tr("colorbar"), "x": tr("x axis"), "y": tr("y axis")}
        parts = []
        for axis in AXES:
            side = axis_reading(reading, axis)
            if side is None:
                continue
            numbers = sum(label.value is not None for label in side.labels)
            text = tr("{}: {} of {} labels used").format(names[axis], len(side.kept), numbers)
            if side.fit is None:
                text += " — " + (side.problem or tr("no fit"))
            parts.append(text)
        return "; ".join(parts) + ". " + tr("Click a label on the figure to correct it.")

    def _show_ticks(self):
        ticks = []
        for _, _, label in self._ticks:
            col0, row0, col1, row1 = label.box
            value = "?" if label.value is None else f"{label.value:.6g}"
            ticks.append((QRectF(col0, row0, col1 - col0, row1 - row0),
                          f"'{label.text}' → {value}", bool(label.kept)))
        self.view.set_ticks(ticks)
        selected = 0 <= self._selected_tick < len(self._ticks)
        self.tick_label.setVisible(selected)
        self.tick_value_edit.setVisible(selected)
        if selected:
            axis, index, label = self._ticks[self._selected_tick]
            names = {"colorbar": tr("Colorbar label"), "x": tr("X axis label"),
                     "y": tr("Y axis label")}
            self.tick_label.setText(tr("{} '{}' ({}):").format(
                names[axis], label.text, tr("used") if label.kept else tr("rejected")))

    def select_tick(self, index):
        """Select tick label ``index`` (of those drawn) to correct its value."""
        if not 0 <= index < len(self._ticks):
            return
        self._selected_tick = index
        label = self._ticks[index][2]
        self.tick_value_edit.setText("" if label.value is None else f"{label.value:.12g}")
        self._show_ticks()
        self.tick_value_edit.setFocus()
        self.tick_value_edit.selectAll()

    def _tick_value_entered(self):
        try:
            value = _number_or_none(self.tick_value_edit.text(), tr("Tick value"))
        except ValueError as error:
            self.message_bar.pushWarning(tr("Tick label"), str(error))
            return
        self.set_tick_value(self._selected_tick, value)

    def set_tick_value(self, index, value):
        """Correct tick label ``index``: the labels of its axis are fitted again, and the value
        range (colorbar) or the GCPs from the axes (x, y) follow.

        Returns
        -------
        tick_edits.TickEditResult or None
        """
        from ..plugin.engine.tick_edits import edit_tick

        if self.findings is None or not 0 <= index < len(self._ticks):
            return None
        axis, position, _ = self._ticks[index]
        gcp_crs = _crs_text(self.gcp_crs_widget.crs()) or self.findings.parameters.get("GCP_CRS")
        result = edit_tick(self.findings, axis, position, value, gcp_crs, self.figure.rgb)
        self._updating = True
        try:
            if axis == "colorbar" and result.vmin is not None:
                self.vmin_edit.setText(f"{result.vmin:.6g}")
                self.vmax_edit.setText(f"{result.vmax:.6g}")
                self.scale_combo.setCurrentIndex(1 if result.logarithmic else 0)
                self.flip_check.setChecked(bool(result.flip))
                if result.levels:
                    self.levels_edit.setText(",".join(f"{v:g}" for v in result.levels))
            elif axis != "colorbar" and result.gcps is not None:
                if self._gcps_from_axes or not self._gcps:
                    self._set_gcps_from(result.gcps)
                    self._gcps_from_axes = True
        finally:
            self._updating = False
        if result.problem:
            self.message_bar.pushWarning(tr("Tick label"), result.problem)
        self._show_ticks()
        self.reading_label.setText(self._reading_summary())
        self._gcps_changed()
        self.schedule_preview()
        return result

    # ======================================================================================
    # Decode through Processing
    # ======================================================================================
    def _gcps_path_for_run(self):
        """A .points file holding the current GCPs: the saved session's, or a temporary one."""
        from ..plugin.engine.session import write_session_points

        gcps = self.complete_gcps()
        if gcps is None:
            return None
        if self._gcps_file is not None and os.path.isfile(self._gcps_file):
            return self._gcps_file
        path = os.path.join(QgsProcessingUtils.tempFolder(),
                            f"{os.path.basename(self.figure_path)}_{int(time.time() * 1000)}.points")
        write_session_points(path, gcps, self.figure.geotransform)
        self._gcps_file = path
        return path

    def processing_parameters(self, write_gcps=True):
        """The ``decodemap`` parameters of the current settings.

        Parameters
        ----------
        write_gcps : bool
            Write the GCPs to a .points file when no saved file holds them (needed to run).

        Raises
        ------
        ValueError
            A typed number is not one.
        """
        from ..plugin.engine.session import pixel_box_to_extent

        session = self.current_session()
        geotransform = self.figure.geotransform

        def extent_text(box):
            return ",".join(f"{v:.10g}" for v in pixel_box_to_extent(box, geotransform))

        parameters = {"INPUT": self.figure_path,
                      "SCALE": 1 if session.logarithmic else 0,
                      "TRANSFORM": session.transform}
        if session.max_color_distance is not None:
            parameters["MAX_COLOR_DISTANCE"] = session.max_color_distance
        if session.frame is not None:
            parameters["PLOT_AREA"] = extent_text(session.frame)
        if session.use_colorbar and session.colorbar is not None:
            parameters["COLORBAR"] = extent_text(session.colorbar)
            parameters["COLORBAR_FLIP"] = session.colorbar_flip
        elif session.colormap:
            parameters["COLORMAP"] = session.colormap
        mask = session.colorbar_mask_wkt(geotransform)
        if mask:
            parameters["MASK_WKT"] = mask
        if session.vmin is not None:
            parameters["VMIN"] = session.vmin
        if session.vmax is not None:
            parameters["VMAX"] = session.vmax
        if session.levels:
            parameters["LEVELS"] = ",".join(f"{v:.10g}" for v in session.levels)
        gcps_path = self._gcps_path_for_run() if write_gcps else self._gcps_file
        if gcps_path:
            parameters["GCPS"] = gcps_path
        if session.gcp_crs:
            parameters["GCP_CRS"] = self.gcp_crs_widget.crs()
        if session.target_crs:
            parameters["TARGET_CRS"] = self.target_crs_widget.crs()
        parameters["OUTPUT"] = self.raster_output.filePath() or "TEMPORARY_OUTPUT"
        parameters["OUTPUT_POINTS"] = self.points_output.filePath() or "TEMPORARY_OUTPUT"
        return parameters

    def decode(self):
        """Run ``decodemap`` as a Processing task; the outputs are added to the project styled.

        Returns
        -------
        QgsProcessingAlgRunnerTask or None
        """
        if self.figure is None or self._run is not None:
            return None
        try:
            parameters = self.processing_parameters()
        except (ValueError, OSError) as error:
            self.message_bar.pushCritical(tr("Decode"), str(error))
            return None
        algorithm = QgsApplication.processingRegistry().createAlgorithmById(ALGORITHM_ID)
        if algorithm is None:
            self.message_bar.pushCritical(tr("Decode"), tr(
                "The Colormap Decoder Processing provider is not loaded."))
            return None
        for name in ("OUTPUT", "OUTPUT_POINTS"):
            parameters[name] = QgsProcessingOutputLayerDefinition(parameters[name],
                                                                  QgsProject.instance())
        context = QgsProcessingContext()
        context.setProject(QgsProject.instance())
        feedback = _RecordingFeedback()
        ok, message = algorithm.checkParameterValues(parameters, context)
        if not ok:
            self.message_bar.pushCritical(tr("Decode"), message)
            return None
        try:
            from processing.core.ProcessingLog import ProcessingLog

            command = algorithm.asPythonCommand(parameters, context)
            if command:
                ProcessingLog.addToLog(command)
        except ImportError:  # Processing's Python plugin is not loaded: nothing to log to
            pass
        task = QgsProcessingAlgRunnerTask(algorithm, parameters, context, feedback)
        self._run = dict(algorithm=algorithm, parameters=parameters, context=context,
                         feedback=feedback, task=task, done=False)
        feedback.progressChanged.connect(lambda value: self.progress_bar.setValue(int(value)))
        task.executed.connect(self._decode_finished)
        self.decode_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress_bar.setValue(0)
        self.statusBar().showMessage(tr("Decoding…"))
        QgsApplication.taskManager().addTask(task)
        return task

    def decode_running(self):
        return self._run is not None

    def cancel_decode(self):
        if self._run is not None:
            self._run["feedback"].cancel()
            self._run["task"].cancel()

    def _decode_finished(self, ok, results):
        run, self._run = self._run, None
        self.decode_button.setEnabled(self.figure is not None)
        self.cancel_button.setEnabled(False)
        feedback = run["feedback"]
        if ok and results and not feedback.isCanceled():
            try:
                from processing.gui.Postprocessing import handleAlgorithmResults

                handleAlgorithmResults(run["algorithm"], run["context"], feedback, False,
                                       run["parameters"])
            except ImportError:
                pass
            self.last_results = dict(results)
            self.progress_bar.setValue(100)
            self.statusBar().showMessage(tr("Decoded: the outputs are in the project."), 8000)
            self.message_bar.pushSuccess(tr("Decode"), tr(
                "Done. The decoded raster and the points are in the project (and the run in the "
                "Processing history)."))
        else:
            self.last_results = None
            self.progress_bar.setValue(0)
            if feedback.isCanceled():
                self.message_bar.pushInfo(tr("Decode"), tr("Cancelled: no output was written."))
            else:
                self.message_bar.pushCritical(tr("Decode"), "\n".join(feedback.errors)
                                              or tr("The run failed; see the log."))
            self.statusBar().clearMessage()

    def open_processing_dialog(self):
        """Open the algorithm's Processing dialog filled in with the window's settings."""
        if self.figure is None:
            return None
        try:
            parameters = self.processing_parameters()
        except (ValueError, OSError) as error:
            self.message_bar.pushCritical(tr("Open in Processing dialog"), str(error))
            return None
        from processing.gui.AlgorithmDialog import AlgorithmDialog

        algorithm = QgsApplication.processingRegistry().createAlgorithmById(ALGORITHM_ID)
        dialog = AlgorithmDialog(algorithm, parent=self.iface.mainWindow()
                                 if self.iface is not None else None)
        for name in ("OUTPUT", "OUTPUT_POINTS"):
            if parameters.get(name) == "TEMPORARY_OUTPUT":
                del parameters[name]
        dialog.setParameters(parameters)
        dialog.show()
        self._processing_dialog = dialog
        return dialog

    # ======================================================================================
    # Help and closing
    # ======================================================================================
    def show_help(self):
        """Open the README's section on this window: the plugin's offline help page when it
        can be made, else the README online."""
        from ..plugin.help_page import help_page_url

        address = help_page_url(HELP_ANCHOR) or f"{HELP_URL}#{HELP_ANCHOR}"
        QDesktopServices.openUrl(QUrl(address))
        return address

    def closeEvent(self, event):  # noqa: N802 - Qt API
        self.cancel_decode()
        self.stop_reading()
        for reader in list(self._readers):
            # It stops before its next label (or after its current stage): a short wait, and
            # no thread outlives the window that owns it.
            reader.wait()
        super().closeEvent(event)
