"""A figure of two map panels in QGIS: the decode window's Detect reads the panel the frame
drawn on the figure is in (what an earlier reading filled in, another panel's range, colormap
and GCPs, is replaced; what the user typed stays), and detectfigure the panel holding its
PLOT_AREA. Headless QGIS (offscreen)."""
import numpy as np
import pytest
from figures_for_detection import PANELS, age_grid, render_two_panels
from test_decode_window import window  # noqa: F401 - the fixture


@pytest.fixture(scope="module")
def panels_figure(tmp_path_factory, shared_data):
    """Two panels of the age grid, viridis over 0-180 Myr (the larger, left) and turbo over
    0-100 Myr (right): the figure's path and each panel's axes box in pixels."""
    path = tmp_path_factory.mktemp("window_panels") / "two_panels.png"
    boxes = render_two_panels(path, *age_grid(shared_data), "turbo")
    return path, boxes


def frame_and_fields(window):
    rect = window.view.box("frame")
    return ((rect.left(), rect.top(), rect.right(), rect.bottom()),
            window.colormap_edit.text(), window.vmin_edit.text(), window.vmax_edit.text(),
            np.array([(gcp["map_x"], gcp["map_y"]) for gcp in window.gcps()]))


def test_detect_reads_the_panel_the_frame_is_drawn_in(window, panels_figure):
    from qgis.PyQt.QtCore import QRectF

    path, boxes = panels_figure
    window.read_labels = True
    assert window.open_figure(str(path))
    assert window.wait_for_reading() is not None
    frame, colormap, vmin, vmax, gcps = frame_and_fields(window)
    # Opened: the largest panel, its own bar and axes.
    assert frame == pytest.approx(boxes[0], abs=2.0)
    assert colormap.endswith("viridis") and (float(vmin), float(vmax)) == (0.0, 180.0)
    assert gcps[:, 0].min() >= PANELS[0][0][0] - 1e-6
    assert "2 map panels" in window.detection_message
    # The user draws a frame inside the right panel and presses Detect: that panel is read,
    # and the first reading's colormap, range and GCPs give way to its own.
    left, top, right, bottom = boxes[1]
    window.view.set_box("frame", QRectF(left + 40, top + 30, right - left - 100,
                                        bottom - top - 80))
    window.detect()
    assert window.wait_for_reading() is not None
    frame, colormap, vmin, vmax, gcps = frame_and_fields(window)
    assert frame == pytest.approx(boxes[1], abs=2.0)
    assert colormap.endswith("turbo") and (float(vmin), float(vmax)) == (0.0, 100.0)
    west, east, south, north = PANELS[1][0]
    assert west - 1e-6 <= gcps[:, 0].min() and gcps[:, 0].max() <= east + 1e-6
    assert south - 1e-6 <= gcps[:, 1].min() and gcps[:, 1].max() <= north + 1e-6
    # What the user typed is theirs: a high value typed stays through another Detect, and
    # so does the low one beside it (a range is replaced whole or not at all).
    window.vmax_edit.setText("90")
    window.detect()
    assert window.wait_for_reading() is not None
    assert (window.vmin_edit.text(), window.vmax_edit.text()) == ("0", "90")


def test_detectfigure_reads_the_panel_holding_its_plot_area(provider, panels_figure, tmp_path):
    import processing
    from qgis.core import QgsProcessingContext, QgsProcessingException, QgsProcessingFeedback

    path, boxes = panels_figure

    def detect(**values):
        return processing.run("colormapdecoder:detectfigure",
                              dict(INPUT=str(path), GCP_CRS="EPSG:4326", **values),
                              context=QgsProcessingContext(), feedback=QgsProcessingFeedback())

    assert (detect()["VMIN"], detect()["VMAX"]) == (0.0, 180.0)
    left, top, right, bottom = boxes[1]
    # A box inside the right panel, in figure pixels (x = column, y = -row).
    inside = f"{left + 40},{right - 60},{-(bottom - 50)},{-(top + 30)}"
    found = detect(PLOT_AREA=inside, OUTPUT_GCPS=str(tmp_path / "right.points"))
    assert (found["VMIN"], found["VMAX"]) == (0.0, 100.0)
    assert found["COLORMAP"].endswith("turbo")
    xmin, xmax, ymin, ymax = (float(v) for v in found["PLOT_AREA"].split(",")[:4])
    assert (xmin, -ymax, xmax, -ymin) == pytest.approx(boxes[1], abs=2.0)
    # The .points file: a #CRS line, a header, then mapX,mapY,pixelX,pixelY,...
    longitudes = [float(line.split(",")[0]) for line in
                  (tmp_path / "right.points").read_text().splitlines()[2:]]
    assert longitudes and PANELS[1][0][0] - 1e-6 <= min(longitudes) and \
        max(longitudes) <= PANELS[1][0][1] + 1e-6
    # A box off the figure is refused, naming the parameter.
    with pytest.raises(QgsProcessingException, match="PLOT_AREA"):
        detect(PLOT_AREA="5000,5100,-5100,-5000")
