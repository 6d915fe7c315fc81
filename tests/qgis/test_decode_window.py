"""The decode window in a headless QGIS, driven by QTest mouse and key events on the sample.

The bundled sample (``sample/vinschgau_viridis.png``) is the Vinschgau DEM drawn by matplotlib
with viridis over 0–4000 m: its map frame spans pixels x 112–672, y 87–518 and its colorbar
x 700–720, y 87–518 (``sample/vinschgau_viridis.extents.txt``).
"""
import math
import shutil
import time
from pathlib import Path
from unittest import mock

import numpy as np
import pytest

SAMPLE = Path(__file__).resolve().parents[2] / "sample"
FIGURE = SAMPLE / "vinschgau_viridis.png"
FRAME = (112.0, 87.0, 672.0, 518.0)
COLORBAR = (700.0, 87.0, 720.0, 518.0)
STEP = 4000 / 256


@pytest.fixture()
def figure_copy(tmp_path):
    """The sample figure alone in a folder of its own (sessions are written beside it)."""
    path = tmp_path / "vinschgau.png"
    shutil.copy(FIGURE, path)
    return path


@pytest.fixture()
def window(qgis_app, provider):
    from qgis.core import QgsProject

    from colormap_decoder.ui.decode_window import DecodeWindow

    window = DecodeWindow()
    # Reading the tick labels (OCR) takes a second or two: only the tests about them do.
    window.read_labels = False
    window.resize(1400, 900)
    window.show()
    window.activateWindow()
    settle()
    yield window
    window.close()
    window.deleteLater()
    QgsProject.instance().removeAllMapLayers()
    settle()


def settle(rounds=5):
    from qgis.PyQt.QtWidgets import QApplication

    for _ in range(rounds):
        QApplication.processEvents()


def view_point(window, x, y):
    """The viewport position (QPoint) of figure pixel position (x, y)."""
    return window.view.mapFromScene(x, y)


def move_mouse(widget, point, buttons=None):
    """A mouse move event at ``point`` (QPoint) with ``buttons`` held.

    QTest.mouseMove moves the cursor of a real screen; on the offscreen platform no move event
    reaches the widget, so the event is sent as Qt would deliver it.
    """
    from qgis.PyQt.QtCore import QEvent, QPointF, Qt
    from qgis.PyQt.QtGui import QMouseEvent
    from qgis.PyQt.QtWidgets import QApplication

    event = QMouseEvent(QEvent.Type.MouseMove, QPointF(point), Qt.MouseButton.NoButton,
                        buttons if buttons is not None else Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, event)


def drag(window, start, end, steps=5):
    """Press at figure position ``start``, move in steps, release at ``end`` (left button)."""
    from qgis.PyQt.QtCore import QPoint, Qt
    from qgis.PyQt.QtTest import QTest

    viewport = window.view.viewport()
    a, b = view_point(window, *start), view_point(window, *end)
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, a)
    for i in range(1, steps + 1):
        move_mouse(viewport, QPoint(a.x() + (b.x() - a.x()) * i // steps,
                                    a.y() + (b.y() - a.y()) * i // steps),
                   Qt.MouseButton.LeftButton)
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, b)
    settle()


def click(window, x, y):
    from qgis.PyQt.QtCore import Qt
    from qgis.PyQt.QtTest import QTest

    QTest.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.NoModifier, view_point(window, x, y))
    settle()


def key(window, key_code, modifier=None):
    from qgis.PyQt.QtCore import Qt
    from qgis.PyQt.QtTest import QTest

    QTest.keyClick(window.view, key_code, modifier or Qt.KeyboardModifier.NoModifier)
    settle()


def pixel_tolerance(window):
    """One screen pixel in figure pixels, plus rounding: what a mouse position can hit."""
    return 1.5 / abs(window.view.transform().m11())


def fill_scale(window, colormap="viridis", vmin="0", vmax="4000"):
    window.colormap_edit.setText(colormap)
    window.vmin_edit.setText(vmin)
    window.vmax_edit.setText(vmax)
    window.colormap_radio.setChecked(True)


def test_open_a_figure_with_its_points_file_shows_gcps_and_residuals(window, figure_copy):
    shutil.copy(str(FIGURE) + ".points", str(figure_copy) + ".points")
    assert window.open_figure(str(figure_copy))
    assert window.view.figure_rect().width() == 900 and window.view.figure_rect().height() == 600
    assert len(window.gcps()) == 9
    assert window.gcp_table.rowCount() == 9
    assert window.gcp_crs_widget.crs().authid() == "EPSG:32632"
    # The sample's GCPs are exact: residuals vanish, each shown, and no arrow is drawn.
    for row in range(9):
        assert window.gcp_table.item(row, 5).text() in ("0.000", "< 0.001")
    assert window.view.arrow_count() == 0
    assert "Every residual is under 0.001 px: no arrows." in window.residual_label.text()
    # The colorbar is found, but its values are not given yet: the window says what to give.
    assert window.colorbar_radio.isChecked()
    assert window.preview is None and "VMIN" in window.preview_label.text()


def test_opening_a_figure_finds_its_frame_and_colorbar(window, figure_copy):
    window.open_figure(str(figure_copy))
    frame, bar = window.view.box("frame"), window.view.box("colorbar")
    # Within 2 px of where matplotlib drew them (the pixels inside the frame's lines).
    assert np.allclose([frame.left(), frame.top(), frame.right(), frame.bottom()], FRAME, atol=2)
    assert np.allclose([bar.left(), bar.top(), bar.right(), bar.bottom()], COLORBAR, atol=2)
    assert window.colorbar_radio.isChecked()
    window.vmin_edit.setText("0")
    window.vmax_edit.setText("4000")
    preview = window.update_preview()
    assert preview.plot_box == (113, 88, 672, 518)
    assert preview.data_fraction > 0.85
    # Against the sample's truth: the DEM drawn there decodes within a few colour steps.
    fill_scale(window)
    named = window.update_preview()
    both = np.isfinite(preview.values) & np.isfinite(named.values)
    assert np.quantile(np.abs(preview.values[both] - named.values[both]), 0.9) < 2 * STEP


def test_an_unreadable_figure_is_explained(window, tmp_path):
    bad = tmp_path / "notes.png"
    bad.write_text("not an image")
    assert not window.open_figure(str(bad))
    assert window.figure is None and not window.decode_button.isEnabled()


def test_draw_the_frame_and_the_colorbar_with_keys_and_drags(window, figure_copy):
    from qgis.PyQt.QtCore import Qt

    from colormap_decoder.ui.figure_view import Tool

    window.open_figure(str(figure_copy))
    window.vmin_edit.setText("0")
    window.vmax_edit.setText("4000")
    key(window, Qt.Key.Key_F)
    assert window.view.tool() == Tool.FRAME
    drag(window, FRAME[:2], FRAME[2:])
    assert window.view.tool() == Tool.EDIT  # back to editing after a box
    tolerance = pixel_tolerance(window)
    frame = window.view.box("frame")
    assert np.allclose([frame.left(), frame.top(), frame.right(), frame.bottom()], FRAME,
                       atol=tolerance)
    key(window, Qt.Key.Key_B)
    assert window.view.tool() == Tool.COLORBAR
    drag(window, COLORBAR[:2], COLORBAR[2:])
    bar = window.view.box("colorbar")
    assert np.allclose([bar.left(), bar.top(), bar.right(), bar.bottom()], COLORBAR,
                       atol=tolerance)
    # A colorbar drawn with no colormap named becomes the colour scale.
    assert window.colorbar_radio.isChecked()
    preview = window.update_preview()
    assert preview is not None and preview.data_fraction > 0.85
    # The decoded values are the DEM's: compare with the named colormap's decode.
    fill_scale(window)
    named = window.update_preview()
    both = np.isfinite(preview.values) & np.isfinite(named.values)
    assert np.quantile(np.abs(preview.values[both] - named.values[both]), 0.9) < 2 * STEP


def session_with_colorbar(figure_copy, **overrides):
    from colormap_decoder.plugin.engine.session import Session

    values = dict(figure_path=str(figure_copy), frame=FRAME, colorbar=COLORBAR,
                  use_colorbar=True, vmin=0.0, vmax=4000.0)
    values.update(overrides)
    return Session(**values)


def test_dragging_the_colorbar_edge_changes_the_box_and_the_preview(window, figure_copy):
    from colormap_decoder.plugin.engine.session import save_session

    save_session(session_with_colorbar(figure_copy))
    window.open_figure(str(figure_copy))
    before = window.preview
    assert before is not None and before.data_fraction > 0.85
    window.view.zoom(2.0)  # edges are easier to hit closer
    window.view.centerOn(710, 200)
    settle()
    # Drag the bar's top edge down to y = 300: the box now holds the colours of 0–2023 m only.
    drag(window, (710, COLORBAR[1]), (710, 300))
    bar = window.view.box("colorbar")
    assert bar.top() == pytest.approx(300, abs=pixel_tolerance(window))
    assert (bar.left(), bar.right(), bar.bottom()) == (COLORBAR[0], COLORBAR[2], COLORBAR[3])
    # The preview follows (after its short delay): those colours now span 0–4000.
    deadline = time.time() + 5
    while window.preview is before and time.time() < deadline:
        settle()
    after = window.preview
    assert after is not before
    low = np.isfinite(before.values) & np.isfinite(after.values) & (before.values > 300) & \
        (before.values < 1800)
    ratio = np.median(after.values[low] / before.values[low])
    expected = 4000 / ((COLORBAR[3] - bar.top()) / (COLORBAR[3] - COLORBAR[1]) * 4000)
    assert ratio == pytest.approx(expected, rel=0.03)


def test_mask_toggle_and_value_under_the_cursor(window, figure_copy):
    from qgis.PyQt.QtCore import Qt

    from colormap_decoder.plugin.engine.preview import MASK_COLOUR

    window.open_figure(str(figure_copy))
    fill_scale(window)
    window.view.set_box("frame", _rect(FRAME))
    window.update_preview()

    def magenta_pixels():
        image = window.view._preview_item.pixmap().toImage()
        array = _image_array(image)
        return int(np.all(array == MASK_COLOUR, axis=-1).sum())

    masked = magenta_pixels()
    assert masked == int((window.preview.examine & ~np.isfinite(window.preview.values)).sum())
    assert masked > 1000  # the contour lines
    key(window, Qt.Key.Key_M)  # the mask's shortcut
    assert not window.mask_check.isChecked() and magenta_pixels() == 0
    # Value and ΔE of the figure's pixel under the cursor, as the engine decodes it.
    x, y = 400.5, 300.5
    move_mouse(window.view.viewport(), view_point(window, x, y))
    settle()
    scene = window.view.mapToScene(view_point(window, x, y))
    value, distance = window.preview_decoder.value_at(window.decode_settings(), scene.x(),
                                                      scene.y())
    text = window.cursor_label.text()
    assert f"value {value:.5g}" in text and f"ΔE {distance:.1f}" in text


def _rect(box):
    from qgis.PyQt.QtCore import QRectF

    return QRectF(box[0], box[1], box[2] - box[0], box[3] - box[1])


def _image_array(image):
    from qgis.PyQt.QtGui import QImage

    image = image.convertToFormat(QImage.Format.Format_RGBA8888)
    pointer = image.constBits()
    pointer.setsize(image.sizeInBytes())
    array = np.frombuffer(pointer, np.uint8).reshape(image.height(), image.bytesPerLine())
    return array[:, :image.width() * 4].reshape(image.height(), image.width(), 4).copy()


def number_shown(text):
    """The number a residual cell shows ('< 0.001' is as good as 0)."""
    return 0.0 if text.startswith("<") else float(text)


def test_adding_gcps_by_clicks_updates_the_residual_table(window, figure_copy):
    from qgis.core import QgsCoordinateReferenceSystem
    from qgis.PyQt.QtCore import Qt

    from colormap_decoder.plugin.engine.gcp_transform import compute_residuals
    from colormap_decoder.plugin.engine.gcps import read_gcps
    from colormap_decoder.plugin.engine.text_format import fixed, map_decimals

    truth = read_gcps(str(FIGURE) + ".points")
    window.open_figure(str(figure_copy))
    window.gcp_crs_widget.setCrs(QgsCoordinateReferenceSystem("EPSG:32632"))
    key(window, Qt.Key.Key_G)
    tolerance = pixel_tolerance(window)
    for index in (0, 2, 6, 4):
        x, y = truth.pixel[index]
        click(window, x, y)
        row = window.gcp_table.rowCount() - 1
        # Typed in the table, as a user does after the click.
        window.gcp_table.item(row, 3).setText(f"{truth.map[index, 0]:g}")
        window.gcp_table.item(row, 4).setText(f"{truth.map[index, 1]:g}")
        settle()
    gcps = window.gcps()
    assert len(gcps) == 4
    clicked = np.array([[g["x"], g["y"]] for g in gcps])
    assert np.allclose(clicked, truth.pixel[[0, 2, 6, 4]], atol=tolerance)
    # The table shows the engine's residuals and leave-one-out errors of these GCPs, rounded
    # as the log rounds them (0.001 px; map lengths to what 0.001 px is on the map).
    expected = compute_residuals(window.complete_gcps(), 0)
    complete = window.complete_gcps()
    decimals = map_decimals(complete.pixel, complete.map, complete.enabled)
    log = "\n".join(expected.as_table_lines(complete, "metre"))
    for row in range(4):
        shown = [window.gcp_table.item(row, column).text() for column in (5, 6, 7)]
        assert shown == [fixed(expected.residual_pixels[row], 3),
                         fixed(expected.loo_error_pixels[row], 3),
                         fixed(expected.loo_error_map[row], decimals)]
        assert shown[0] in log and shown[2] in log
    label = window.residual_label.text()
    for value in (fixed(expected.rmse_pixels, 3), fixed(expected.loo_rmse_map, decimals)):
        assert value in label and value in log
    assert "m);" in label  # the GCP CRS's unit, as in the log
    assert expected.loo_error_pixels.max() > 0  # clicks are not exact: the errors are real
    assert window.view.arrow_count() == 4
    assert "RMSE" in window.residual_label.text()
    # The arrows are exaggerated, and the window says how much.
    assert f"drawn {window.arrow_factor:.3g} times" in window.residual_label.text()

    # A GCP typed wrong stands out in its leave-one-out error.
    x, y = truth.pixel[8]
    click(window, x, y)
    window.gcp_table.item(4, 3).setText(f"{truth.map[8, 0] + 5000:g}")
    window.gcp_table.item(4, 4).setText(f"{truth.map[8, 1]:g}")
    settle()
    loo = [number_shown(window.gcp_table.item(row, 6).text()) for row in range(5)]
    assert np.argmax(loo) == 4
    assert window.residuals.loo_error_map[4] > 1000

    # Dragging it back onto its true position (in edit mode) and fixing its map x mends it.
    key(window, Qt.Key.Key_E)
    window.gcp_table.item(4, 3).setText(f"{truth.map[8, 0]:g}")
    settle()
    assert max(number_shown(window.gcp_table.item(row, 6).text()) for row in range(5)) < 2

    # Disabling a GCP and deleting one with the Delete key.
    window.gcp_table.item(0, 0).setCheckState(Qt.CheckState.Unchecked)
    settle()
    assert not window.gcps()[0]["enabled"] and window.residuals.enabled.sum() == 4
    window.select_gcp(4)
    key(window, Qt.Key.Key_Delete)
    assert len(window.gcps()) == 4 and window.gcp_table.rowCount() == 4


def test_gcps_the_transform_passes_through_get_no_arrows(window, figure_copy):
    """GCPs on one affine map (as the axes' fitted ticks make them) have residuals of rounding
    only (1e-10 px): no arrow is drawn and the window says why. Before, four invisible arrows
    were drawn "1e+06 times their length", and the window said so."""
    window.open_figure(str(figure_copy))
    settle()
    # 112.5 m pixels from (598250, 5193000) at pixel (112, 87): the sample's own frame.
    for x, y in ((150.5, 100.5), (600.5, 120.5), (630.5, 480.5), (170.5, 500.5)):
        window.add_gcp(x, y, 598250.0 + 112.5 * (x - 112.0), 5193000.0 - 112.5 * (y - 87.0))
    settle()
    largest = float(np.max(window.residuals.residual_pixels))
    assert 0 <= largest < 0.001, largest
    assert window.view.arrow_count() == 0
    label = window.residual_label.text()
    assert "Every residual is under 0.001 px: no arrows." in label, label
    assert "times their length" not in label, label
    # One GCP moved off the map: its residual is real again, and drawn exaggerated.
    window.add_gcp(400.5, 300.5, 598250.0 + 112.5 * (400.0 - 112.0) + 50.0,
                   5193000.0 - 112.5 * (300.0 - 87.0))
    settle()
    assert window.view.arrow_count() == 5
    assert f"drawn {window.arrow_factor:.3g} times" in window.residual_label.text()


def test_dragging_a_gcp_moves_it(window, figure_copy):
    shutil.copy(str(FIGURE) + ".points", str(figure_copy) + ".points")
    window.open_figure(str(figure_copy))
    first = window.gcps()[4]
    drag(window, (first["x"], first["y"]), (first["x"] + 30, first["y"] - 20))
    moved = window.gcps()[4]
    tolerance = pixel_tolerance(window)
    assert moved["x"] == pytest.approx(first["x"] + 30, abs=tolerance)
    assert moved["y"] == pytest.approx(first["y"] - 20, abs=tolerance)
    # The moved GCP no longer fits: its residual is about the move.
    assert window.residuals.loo_error_pixels[4] == pytest.approx(math.hypot(30, 20), rel=0.2)
    assert float(window.gcp_table.item(4, 1).text()) == pytest.approx(moved["x"], abs=0.006)


def sample_window_settings(window, figure_copy, tmp_path):
    shutil.copy(str(FIGURE) + ".points", str(figure_copy) + ".points")
    window.open_figure(str(figure_copy))
    fill_scale(window)
    window.view.set_box("frame", _rect(FRAME))
    from qgis.core import QgsCoordinateReferenceSystem

    window.target_crs_widget.setCrs(QgsCoordinateReferenceSystem("EPSG:32632"))
    window.raster_output.setFilePath(str(tmp_path / "window.tif"))
    window.points_output.setFilePath(str(tmp_path / "window.gpkg"))


def wait_for_decode(window, seconds=120):
    deadline = time.time() + seconds
    while window.decode_running() and time.time() < deadline:
        settle()
        time.sleep(0.02)
    assert not window.decode_running(), "the decode task did not finish"


def test_decode_gives_the_outputs_of_processing_run_and_adds_them_styled(window, figure_copy,
                                                                          tmp_path):
    import processing
    import rasterio
    from processing.core.ProcessingConfig import ProcessingConfig
    from processing.core.ProcessingLog import ProcessingLog
    from qgis.core import (
        QgsGraduatedSymbolRenderer,
        QgsProject,
        QgsRasterLayer,
        QgsSingleBandPseudoColorRenderer,
        QgsVectorLayer,
    )

    sample_window_settings(window, figure_copy, tmp_path)
    history_before = len(ProcessingLog.getLogEntries())
    # QGIS names a loaded output after its file when the user prefers that (Processing's
    # default) and the file is not in QGIS's temporary folder; tmp_path lies there or not
    # depending on TMPDIR. The names the plugin gives are checked with the preference off.
    prefers_file_names = ProcessingConfig.getSetting(ProcessingConfig.PREFER_FILENAME_AS_LAYER_NAME)
    ProcessingConfig.setSettingValue(ProcessingConfig.PREFER_FILENAME_AS_LAYER_NAME, False)
    try:
        task = window.decode()
        assert task is not None
        wait_for_decode(window)
    finally:
        ProcessingConfig.setSettingValue(ProcessingConfig.PREFER_FILENAME_AS_LAYER_NAME,
                                         prefers_file_names)
    assert window.last_results is not None, window.message_bar.children()
    # The same parameters through processing.run; the ΔE box left at "Automatic" leaves the
    # threshold to the figure's noise, as an empty MAX_COLOR_DISTANCE does.
    parameters = window.processing_parameters()
    assert window.distance_spin.text() == "Automatic"
    assert "MAX_COLOR_DISTANCE" not in parameters
    parameters.update(OUTPUT=str(tmp_path / "run.tif"), OUTPUT_POINTS=str(tmp_path / "run.gpkg"))
    processing.run("colormapdecoder:decodemap", parameters)
    with rasterio.open(tmp_path / "window.tif") as a, rasterio.open(tmp_path / "run.tif") as b:
        assert a.transform == b.transform and a.crs == b.crs and a.shape == b.shape
        np.testing.assert_array_equal(a.read(1), b.read(1))
    ours = QgsVectorLayer(str(tmp_path / "window.gpkg"), "a", "ogr")
    theirs = QgsVectorLayer(str(tmp_path / "run.gpkg"), "b", "ogr")
    assert ours.featureCount() == theirs.featureCount() > 100
    # The outputs are in the project, styled like the figure.
    layers = list(QgsProject.instance().mapLayers().values())
    raster = next(layer for layer in layers if isinstance(layer, QgsRasterLayer))
    points = next(layer for layer in layers if isinstance(layer, QgsVectorLayer))
    assert isinstance(raster.renderer(), QgsSingleBandPseudoColorRenderer)
    assert raster.renderer().classificationMax() == 4000
    assert isinstance(points.renderer(), QgsGraduatedSymbolRenderer)
    assert "viridis" in raster.name()
    # And in the Processing history.
    history = ProcessingLog.getLogEntries()
    assert len(history) == history_before + 1
    assert "colormapdecoder:decodemap" in history[-1].text
    assert str(figure_copy) in history[-1].text


def test_decode_errors_are_shown_and_nothing_is_written(window, figure_copy, tmp_path):
    sample_window_settings(window, figure_copy, tmp_path)
    # VMAX equal to VMIN: no value range (VMAX below VMIN would be a reversed scale).
    window.vmax_edit.setText("0")
    window.decode()
    wait_for_decode(window)
    assert window.last_results is None
    assert not (tmp_path / "window.tif").exists()
    assert window.decode_button.isEnabled()


def test_processing_dialog_opens_prefilled(window, figure_copy, tmp_path):
    sample_window_settings(window, figure_copy, tmp_path)
    dialog = window.open_processing_dialog()
    try:
        parameters = dialog.mainWidget().createProcessingParameters() \
            if hasattr(dialog.mainWidget(), "createProcessingParameters") \
            else dialog.createProcessingParameters()
        assert parameters["COLORMAP"] == "viridis"
        assert parameters["VMIN"] == 0 and parameters["VMAX"] == 4000
        assert parameters["GCPS"] == str(figure_copy) + ".points"
        assert "112" in str(parameters["PLOT_AREA"]) and "-518" in str(parameters["PLOT_AREA"])
    finally:
        dialog.close()


def test_save_and_reopen_restores_the_session(window, figure_copy, tmp_path):
    from qgis.core import QgsCoordinateReferenceSystem
    from qgis.PyQt.QtCore import Qt

    from colormap_decoder.ui.decode_window import DecodeWindow

    window.open_figure(str(figure_copy))
    window.view.set_box("frame", _rect(FRAME))
    window.view.set_box("colorbar", _rect(COLORBAR))
    window.colorbar_radio.setChecked(True)
    window.flip_check.setChecked(False)
    window.vmin_edit.setText("10")
    window.vmax_edit.setText("4000")
    window.scale_combo.setCurrentIndex(1)
    window.levels_edit.setText("10, 100, 1000, 4000")
    window.distance_spin.setValue(8.5)
    window.transform_combo.setCurrentIndex(4)
    window.gcp_crs_widget.setCrs(QgsCoordinateReferenceSystem("EPSG:32632"))
    window.target_crs_widget.setCrs(QgsCoordinateReferenceSystem("EPSG:4326"))
    window.add_gcp(127.5, 504.6, 600000, 5146000)
    window.add_gcp(660.9, 95.9, 660000, 5192000, enabled=False)
    window.add_gcp(394.2, 291.4)  # no map coordinates yet: not saved
    before = window.current_session()
    save_key = Qt.Key.Key_S
    from qgis.PyQt.QtTest import QTest

    QTest.keyClick(window, save_key, Qt.KeyboardModifier.ControlModifier)
    settle()
    assert (tmp_path / "vinschgau.png.points").is_file()
    assert (tmp_path / "vinschgau.png.colormap_decoder.json").is_file()

    other = DecodeWindow()
    try:
        other.open_figure(str(figure_copy))
        after = other.current_session()
        for name in ("frame", "colorbar", "use_colorbar", "colorbar_flip", "vmin", "vmax",
                     "logarithmic", "levels", "max_color_distance", "transform", "gcp_crs",
                     "target_crs"):
            assert getattr(after, name) == getattr(before, name), name
        assert len(other.gcps()) == 2
        np.testing.assert_allclose(after.gcps.pixel, before.gcps.pixel)
        np.testing.assert_array_equal(after.gcps.enabled, [True, False])
        # The .points file is the one the Georeferencer and decodemap read.
        assert other.processing_parameters()["GCPS"] == str(figure_copy) + ".points"
    finally:
        other.close()
        other.deleteLater()


def test_help_opens_the_readme_section(window):
    from qgis.PyQt.QtCore import Qt
    from qgis.PyQt.QtTest import QTest

    with mock.patch("colormap_decoder.ui.decode_window.QDesktopServices.openUrl") as open_url:
        QTest.keyClick(window, Qt.Key.Key_F1)
        settle()
    open_url.assert_called_once()
    url = open_url.call_args[0][0]
    assert url.fragment() == "the-decode-window"
    if url.isLocalFile():  # the offline help page: the section is there
        page = Path(url.toLocalFile()).read_text(encoding="utf-8")
        assert 'id="the-decode-window"' in page
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert "\n## The decode window\n" in readme


def test_every_tool_has_a_shortcut_and_a_tooltip(window):
    for tool, action in window.tool_actions.items():
        assert not action.shortcut().isEmpty(), tool
        assert action.toolTip(), tool
    for action in (window.open_action, window.save_action, window.delete_gcp_action,
                   window.help_action, window.detect_action):
        assert not action.shortcut().isEmpty() and action.toolTip()


def test_cancelling_a_decode_writes_nothing(window, figure_copy, tmp_path):
    sample_window_settings(window, figure_copy, tmp_path)
    assert window.decode() is not None
    assert window.cancel_button.isEnabled()
    window.cancel_decode()
    wait_for_decode(window)
    assert window.last_results is None
    assert not (tmp_path / "window.tif").exists() and not (tmp_path / "window.gpkg").exists()
    assert window.decode_button.isEnabled() and not window.cancel_button.isEnabled()


def test_a_figure_from_a_layer_and_from_the_clipboard(window, figure_copy, tmp_path):
    from qgis.core import QgsProject, QgsRasterLayer
    from qgis.PyQt.QtGui import QImage
    from qgis.PyQt.QtWidgets import QApplication

    layer = QgsRasterLayer(str(figure_copy), "the figure")
    QgsProject.instance().addMapLayer(layer)
    window._fill_layer_menu()
    actions = [a for a in window.layer_menu.actions() if a.text() == "the figure"]
    assert len(actions) == 1
    actions[0].trigger()
    settle()
    assert window.figure_path == str(figure_copy) and window.view.box("frame") is not None

    QApplication.clipboard().setImage(QImage(str(FIGURE)))
    assert window.paste_figure()
    assert window.figure_path != str(figure_copy) and window.figure.shape == (600, 900)
    np.testing.assert_array_equal(window.figure.rgb, _image_array(QImage(str(FIGURE)))[..., :3])
    QApplication.clipboard().clear()
    assert not window.paste_figure()  # nothing to paste: said, and the figure stays


def test_gcp_map_coordinates_picked_on_the_map_canvas(qgis_app, provider, figure_copy):
    """As the Georeferencer does: a click on QGIS's canvas, in its CRS, becomes the GCP's map
    coordinates in the GCP CRS."""
    from pyproj import Transformer
    from qgis.core import QgsCoordinateReferenceSystem, QgsPointXY
    from qgis.gui import QgsMapCanvas
    from qgis.PyQt.QtCore import Qt

    from colormap_decoder.ui.decode_window import DecodeWindow

    canvas = QgsMapCanvas()
    canvas.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:4326"))
    iface = mock.MagicMock()
    iface.mapCanvas.return_value = canvas
    iface.mainWindow.return_value = None
    window = DecodeWindow(iface)
    window.read_labels = False
    try:
        window.open_figure(str(figure_copy))
        window.gcp_crs_widget.setCrs(QgsCoordinateReferenceSystem("EPSG:32632"))
        window.add_gcp(127.56, 504.67)
        window.pick_on_canvas()
        tool = canvas.mapTool()
        assert tool is window._canvas_tool
        tool.canvasClicked.emit(QgsPointXY(10.3, 46.5), Qt.MouseButton.LeftButton)
        settle()
        expected = Transformer.from_crs("EPSG:4326", "EPSG:32632", always_xy=True).transform(10.3,
                                                                                             46.5)
        gcp = window.gcps()[0]
        assert (gcp["map_x"], gcp["map_y"]) == pytest.approx(expected, abs=0.01)
        assert canvas.mapTool() is not tool  # the canvas's own tool is back
    finally:
        window.close()
        window.deleteLater()


def test_colormap_names_complete_over_every_source(window, figure_copy):
    window.open_figure(str(figure_copy))
    completer = window.colormap_edit.completer()
    completer.setCompletionPrefix("spectr")
    found = [completer.completionModel().index(row, 0).data()
             for row in range(completer.completionModel().rowCount())]
    assert "Spectral" in found and "qgis:Spectral" in found and "matplotlib:Spectral_r" in found
    completer.setCompletionPrefix("haxby")
    assert completer.completionModel().rowCount() >= 1  # cpt-city's GMT tables



def test_a_figure_that_would_not_fit_in_memory_is_refused_before_it_is_read(window, figure_copy,
                                                                           monkeypatch):
    """As the algorithms do: the header is read, the job budgeted, the pixels never."""
    from colormap_decoder.plugin.engine import figure as figure_module

    monkeypatch.setenv("COLORMAP_DECODER_MAX_MEMORY", "4M")
    # A spy that still reads (harmless should a module bind it while it is in place).
    read = mock.Mock(side_effect=figure_module.read_figure)
    monkeypatch.setattr(figure_module, "read_figure", read)
    shown = []
    monkeypatch.setattr(window.message_bar, "pushCritical",
                        lambda title, text: shown.append((title, text)))
    assert not window.open_figure(str(figure_copy))
    assert window.figure is None and not read.called
    assert len(shown) == 1 and "COLORMAP_DECODER_MAX_MEMORY" in shown[0][1], shown
