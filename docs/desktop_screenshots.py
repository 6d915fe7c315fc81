"""Run inside a real QGIS desktop (``qgis --code``) by ``docs/make_desktop_screenshots.sh``.

What a new user does, step by step, photographed: load the sample figure, open the plugin's
Processing dialog from the Raster menu entry (it keeps its default size), fill it in, press Run,
and look at the map once the outputs are loaded. Writes, into $SCREENSHOT_FOLDER:

* ``dialog.png``: the dialog at its default size, over QGIS;
* ``canvas_after_run.png``: the QGIS window right after the run, outputs in view;
* ``help_url.txt``: the address the dialog's Help button opens (the script renders it).

QGIS quits when done (exit status 0), or on an error or after a time limit with status 1
(``os._exit``: QGIS 3.22 may crash while tearing down under a virtual display).
"""
import os
import sys
import tempfile
import traceback
from pathlib import Path

from qgis.core import QgsProject
from qgis.PyQt.QtCore import QTimer
from qgis.PyQt.QtWidgets import QApplication
from qgis.utils import iface, plugins

FOLDER = Path(os.environ.get("SCREENSHOT_FOLDER", "docs"))
REPO = Path(os.environ["REPO_ROOT"])
sys.path.insert(0, str(REPO / "tests"))
from sample_figure import FIGURE, sample_parameters  # noqa: E402

OUTPUTS = Path(tempfile.mkdtemp(prefix="colormap_decoder_screens_"))
state = {}


def grab(path, widget=None):
    """The screen (with the window manager's decorations) around `widget`, or all of it."""
    screen = QApplication.primaryScreen()
    if widget is None:
        picture = screen.grabWindow(0)
    else:
        frame = widget.frameGeometry()
        picture = screen.grabWindow(0, frame.x(), frame.y(), frame.width(), frame.height())
    if not picture.save(str(path)):
        raise RuntimeError(f"cannot write {path}")
    print(path, flush=True)


def later(milliseconds, step):
    def run():
        try:
            step()
        except Exception:  # noqa: BLE001 - report and quit with an error status
            traceback.print_exc()
            quit_now(1)
    QTimer.singleShot(milliseconds, run)


def quit_now(status):
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


def load_figure():
    iface.mainWindow().showMaximized()
    state["figure"] = iface.addRasterLayer(str(FIGURE), "vinschgau_viridis")
    later(2500, open_dialog)


def open_dialog():
    plugin = plugins["colormap_decoder"]
    dialog = plugin.open_dialog()  # what the Raster ▸ Colormap Decoder menu entry does
    values = sample_parameters(OUTPUTS)
    values["INPUT"] = state["figure"]
    dialog.setParameters(values)
    state["dialog"] = dialog
    later(2500, photograph_dialog)


def photograph_dialog():
    dialog = state["dialog"]
    size = dialog.size()
    print(f"dialog size {size.width()}×{size.height()}", flush=True)
    grab(FIGURE_DIALOG, dialog)
    (FOLDER / "help_url.txt").write_text(dialog.algorithm().helpUrl() + "\n")
    dialog.runButton().click()
    state["waited"] = 0
    later(1000, wait_for_outputs)


def wait_for_outputs():
    loaded = [layer for layer in QgsProject.instance().mapLayers().values()
              if layer.id() != state["figure"].id()]
    if len(loaded) < 2:
        state["waited"] += 1
        if state["waited"] > 60:
            raise RuntimeError("the outputs were not loaded within a minute")
        later(1000, wait_for_outputs)
        return
    state["dialog"].close()
    later(3000, photograph_canvas)


def photograph_canvas():
    grab(FOLDER / "canvas_after_run.png")
    quit_now(0)


FIGURE_DIALOG = FOLDER / "dialog.png"
later(3000, load_figure)
QTimer.singleShot(180000, lambda: quit_now(1))
