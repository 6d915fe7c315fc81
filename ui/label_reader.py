"""Reading a figure's tick labels off the window's thread.

OCR of every tick label and the fits take a second or two on a typical figure (more on a large
one): run on the GUI thread they froze the decode window. :class:`LabelReader` runs the engine's
:func:`find_everything` on a thread of its own. It touches no widget: it only emits signals,
which Qt queues to the window's thread, where the results are applied. Cancellation uses the
engine's own hook (the progress callback returning True, asked before each label is read).
"""
from qgis.PyQt.QtCore import QThread, pyqtSignal


class LabelReader(QThread):
    """Runs :func:`..plugin.engine.detection.findings.find_everything` on its own thread.

    Signals (each carries ``generation``, the number the window gave this reading, so a result
    of a reading that was replaced meanwhile is recognised and dropped):

    ``progressed(generation, fraction, message)``
        A stage started or a label is about to be read; fraction 0–1.
    ``found(generation, findings)``
        The reading finished: a :class:`FigureFindings`.
    ``failed(generation, message)``
        It could not be done (the message says why).
    ``cancelled(generation)``
        :meth:`requestInterruption` stopped it; nothing is reported.

    Parameters
    ----------
    generation : int
    figure : engine.figure.Figure
        Read only, never changed.
    gcp_crs : str or None
        The CRS the axis labels are written in.
    resources : str
        QGIS's resources folder (colormap recognition).
    parent : QObject, optional
    """

    progressed = pyqtSignal(int, float, str)
    found = pyqtSignal(int, object)
    failed = pyqtSignal(int, str)
    cancelled = pyqtSignal(int)

    def __init__(self, generation, figure, gcp_crs, resources, parent=None, plot_box=None):
        super().__init__(parent)
        self.generation = generation
        self.figure = figure
        self.gcp_crs = gcp_crs
        self.resources = resources
        # The frame the user drew or moved: on a figure of several panels, the one read.
        self.plot_box = plot_box

    def run(self):  # the thread's body; no widget is touched here
        from ..plugin.engine.detection.findings import find_everything
        from ..plugin.engine.errors import EngineError

        try:
            findings = find_everything(self.figure, self.gcp_crs, self.resources,
                                       progress=self._progress, plot_box=self.plot_box)
        except InterruptedError:
            self.cancelled.emit(self.generation)
            return
        except (EngineError, RuntimeError, MemoryError) as error:
            self.failed.emit(self.generation, str(error) or type(error).__name__)
            return
        except Exception as error:  # noqa: BLE001 - a bug in a thread must still be reported
            self.failed.emit(self.generation, f"{type(error).__name__}: {error}")
            return
        self.found.emit(self.generation, findings)

    def _progress(self, fraction, message):
        """The engine's progress hook: report, and stop when asked (True cancels)."""
        self.progressed.emit(self.generation, float(fraction), message or "")
        return self.isInterruptionRequested()
