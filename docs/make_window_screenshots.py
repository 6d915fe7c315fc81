"""Make the README's pictures of the decode window, from the real window on the bundled sample.

Each step of the README's "first figure in three minutes" walkthrough, as a user does it:

* ``docs/window_1_detected.png``: the sample opened; the map frame, the colorbar and every tick
  label were found, the colormap recognised and the value range read off the colorbar;
* ``docs/window_2_preview.png``: the live preview with the ΔE mask (the contour lines, in
  magenta, are not data) and the value under the cursor;
* ``docs/window_3_gcps.png``: the GCP CRS chosen, Detect made GCPs from the axes' labels (with
  their residuals); one label corrected by hand to a wrong value is outvoted (red box);
* ``docs/window_4_outputs.png``: after Decode, the outputs on a QGIS map canvas, styled.

The window is grabbed from the screen as a window manager shows it, so run it on an X server
with one, e.g. (from the repository root):

    xvfb-run -a -s "-screen 0 1600x1000x24" sh -c 'openbox & sleep 1; \
        env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/tmp/home-shots DISPLAY=$DISPLAY \
        XAUTHORITY=$XAUTHORITY /usr/bin/python3 docs/make_window_screenshots.py'
"""
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
from sample_figure import FIGURE, start_qgis_with_provider  # noqa: E402

WINDOW_SIZE = (1500, 930)


def settle(app, seconds=0.6):
    end = time.time() + seconds
    while time.time() < end:
        app.processEvents()
        time.sleep(0.02)


def grab(app, widget, path):
    """The widget's window as the screen shows it (frame and title bar included)."""
    settle(app)
    frame = widget.frameGeometry()
    screen = app.primaryScreen()
    image = screen.grabWindow(0, frame.x(), frame.y(), frame.width(), frame.height())
    if image.isNull() or not image.save(str(path)):
        raise SystemExit(f"cannot grab or write {path}")
    print(path)


def main(folder=HERE):
    folder = Path(folder)
    app, provider = start_qgis_with_provider()  # noqa: F841 - kept alive
    from qgis.core import QgsCoordinateReferenceSystem, QgsProject, QgsRasterLayer
    from qgis.gui import QgsMapCanvas
    from qgis.PyQt.QtGui import QColor

    from colormap_decoder.ui.decode_window import DecodeWindow

    work = Path(tempfile.mkdtemp(prefix="window_screenshots_"))
    figure = work / FIGURE.name
    shutil.copy(FIGURE, figure)  # the session files go beside this copy, not into sample/

    window = DecodeWindow()
    window.resize(*WINDOW_SIZE)
    window.move(40, 30)
    window.show()
    window.open_figure(str(figure))
    window.wait_for_reading()  # the tick labels are read in the background
    settle(app)
    grab(app, window, folder / "window_1_detected.png")

    window.update_preview()
    window._cursor_moved(330.5, 250.5)  # what the status bar shows with the cursor there
    grab(app, window, folder / "window_2_preview.png")

    # The axes are in UTM 32N metres: with that CRS, Detect makes GCPs from their labels.
    window.gcp_crs_widget.setCrs(QgsCoordinateReferenceSystem("EPSG:32632"))
    window.target_crs_widget.setCrs(QgsCoordinateReferenceSystem("EPSG:32632"))
    window.detect()
    window.wait_for_reading()
    # A label corrected by hand: click the x axis' '630000' and type another value; the other
    # labels outvote a wrong one (its box turns red, dashed).
    index = next(i for i, (axis, _, label) in enumerate(window._ticks)
                 if axis == "x" and label.text == "630000")
    window.select_tick(index)
    window.tick_value_edit.setText("680000")
    window._tick_value_entered()
    window.select_gcp(-1)
    grab(app, window, folder / "window_3_gcps.png")
    window.raster_output.setFilePath(str(work / "decoded.tif"))
    window.points_output.setFilePath(str(work / "points.gpkg"))
    window.decode()
    deadline = time.time() + 120
    while window.decode_running() and time.time() < deadline:
        settle(app, 0.1)
    if window.last_results is None:
        raise SystemExit("the decode failed: " + window.message_bar.currentItem().text()
                         if window.message_bar.currentItem() else "the decode failed")

    layers = list(QgsProject.instance().mapLayers().values())
    raster = next(layer for layer in layers if isinstance(layer, QgsRasterLayer))
    canvas = QgsMapCanvas()
    canvas.setWindowTitle("QGIS map canvas: the decoded raster and the representative points")
    canvas.setCanvasColor(QColor("white"))
    canvas.setDestinationCrs(raster.crs())
    points = [layer for layer in layers if layer is not raster]
    canvas.setLayers(points + [raster])
    canvas.resize(1000, 800)
    canvas.move(40, 30)
    canvas.show()
    canvas.setExtent(raster.extent())
    canvas.refresh()
    settle(app, 1.0)
    canvas.waitWhileRendering()
    grab(app, canvas, folder / "window_4_outputs.png")
    window.close()
    canvas.close()
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else HERE)
