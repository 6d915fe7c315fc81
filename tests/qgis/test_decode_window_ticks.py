"""The decode window with the tick labels read on the figure (detection's OCR): shown, used,
corrected by a click and a typed value. Headless QGIS, QTest events, the bundled sample."""
import numpy as np
import pytest
from test_decode_window import FIGURE, click, figure_copy, key, settle, window  # noqa: F401


def test_detect_reads_the_labels_and_fills_in_colormap_range_and_gcps(window, figure_copy):
    from qgis.core import QgsCoordinateReferenceSystem
    from qgis.PyQt.QtCore import Qt

    window.read_labels = True
    window.open_figure(str(figure_copy))
    assert window.wait_for_reading() is not None
    # The colormap is recognised and the range read off the colorbar's labels (0 to 4000).
    assert window.colormap_edit.text() == "matplotlib:viridis" and window.colormap_radio.isChecked()
    assert float(window.vmin_edit.text()) == pytest.approx(0, abs=0.005 * 4000)
    assert float(window.vmax_edit.text()) == pytest.approx(4000, abs=0.005 * 4000)
    assert window.scale_combo.currentIndex() == 0
    # Every label is drawn (colorbar 9, x axis 7, y axis 5) and all are used.
    assert len(window.view._tick_items) == 21
    assert all(label.kept for _, _, label in window._ticks)
    # No GCP CRS yet: metres without one cannot become GCPs, and the window says so.
    assert window.gcps() == []
    # With the CRS the axes are written in, Detect makes GCPs from the axes' labels.
    window.gcp_crs_widget.setCrs(QgsCoordinateReferenceSystem("EPSG:32632"))
    key(window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    window.wait_for_reading()
    assert len(window.gcps()) == 35
    assert window.residuals.rmse_pixels < 1.0
    # They georeference the figure as the sample's own GCPs do, within a pixel.
    from colormap_decoder.plugin.engine.gcp_transform import fit_gcp_transform
    from colormap_decoder.plugin.engine.gcps import read_gcps

    truth = read_gcps(str(FIGURE) + ".points")
    found = fit_gcp_transform(window.complete_gcps(), 0)
    predicted = np.column_stack(found.map_to_pixel(truth.map[:, 0], truth.map[:, 1]))
    assert np.abs(predicted - truth.pixel).max() < 1.0


def test_editing_a_tick_value_changes_the_range(window, figure_copy):
    from qgis.PyQt.QtCore import Qt
    from qgis.PyQt.QtTest import QTest

    window.read_labels = True
    window.open_figure(str(figure_copy))
    assert window.wait_for_reading() is not None
    window.colormap_radio.setChecked(False)
    window.colorbar_radio.setChecked(True)  # decode with the sampled bar: its range matters
    before = window.update_preview()
    bar_ticks = [i for i, (axis, _, _) in enumerate(window._ticks) if axis == "colorbar"]
    # Click the '4000' label's box on the figure: it is selected for editing.
    index = next(i for i in bar_ticks if window._ticks[i][2].text == "4000")
    box = window._ticks[index][2].box
    click(window, (box[0] + box[2]) / 2, (box[1] + box[3]) / 2)
    assert window._selected_tick == index and window.tick_value_edit.isVisible()
    assert float(window.tick_value_edit.text()) == 4000
    # One label typed as 8000: the others outvote it, it is rejected, the range stays.
    window.tick_value_edit.clear()
    QTest.keyClicks(window.tick_value_edit, "8000")
    QTest.keyClick(window.tick_value_edit, Qt.Key.Key_Return)
    settle()
    assert not window._ticks[index][2].kept
    assert float(window.vmax_edit.text()) == pytest.approx(4000, abs=20)
    # The bar's labels were in hundreds of metres after all: ×100 on most of them, and the fit
    # follows the corrected labels (the rest, outvoted, are rejected).
    for i in bar_ticks[:6]:
        label = window._ticks[i][2]
        window.set_tick_value(i, float(label.text) * 100 if label.text != "4000" else 400000)
    assert float(window.vmax_edit.text()) == pytest.approx(400000, rel=0.005)
    assert float(window.vmin_edit.text()) == pytest.approx(0, abs=0.005 * 400000)
    # And the preview's values with it: a hundred times the first ones.
    after = window.update_preview()
    both = np.isfinite(before.values) & np.isfinite(after.values) & (before.values > 500)
    assert np.median(after.values[both] / before.values[both]) == pytest.approx(100, rel=0.01)
