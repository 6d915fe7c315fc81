"""The decode window reads tick labels on a worker thread: the window's thread stays free, a
progress bar moves, the findings land in the window, and stopping, replacing or closing a
reading leaves nothing behind. Headless QGIS (offscreen), the bundled sample."""
import threading

from test_decode_window import figure_copy, settle, window  # noqa: F401


def wait_until(condition, timeout_s=60.0):
    import time

    deadline = time.monotonic() + timeout_s
    while not condition() and time.monotonic() < deadline:
        settle(1)
        time.sleep(0.01)
    assert condition()


def spy_on_reading(monkeypatch, gate=None):
    """Record the thread every find_everything runs on and every label OCR'd; with ``gate``
    (a threading.Event) the first label's reading waits for it, so a test acts while the
    worker is surely in the middle of the labels."""
    from colormap_decoder.plugin.engine.detection import figure_reading, findings

    seen = {"threads": [], "labels": 0, "inside": threading.Event()}
    real_find, real_read = findings.find_everything, figure_reading.read_label

    def find_everything(*args, **kwargs):
        seen["threads"].append(threading.get_ident())
        return real_find(*args, **kwargs)

    def read_label(image):
        seen["labels"] += 1
        if gate is not None and seen["labels"] == 1:
            seen["inside"].set()
            assert gate.wait(60)
        return real_read(image)

    monkeypatch.setattr(findings, "find_everything", find_everything)
    monkeypatch.setattr(figure_reading, "read_label", read_label)
    return seen


def test_labels_are_read_on_a_worker_and_the_result_lands_in_the_window(window, figure_copy,
                                                                        monkeypatch):
    from qgis.PyQt.QtCore import QTimer

    seen = spy_on_reading(monkeypatch)
    progress = []
    window.reading_progress.valueChanged.connect(progress.append)
    window.read_labels = True
    assert window.open_figure(str(figure_copy))
    # open_figure returned with the reading under way: nothing applied yet, progress shown.
    assert window.reading_running() and window.findings is None
    assert window.reading_progress.isVisible() and window.stop_reading_button.isVisible()
    assert window.colormap_edit.text() == ""
    # The window's event loop runs meanwhile (a timer of the window's thread fires).
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(5)
    findings = window.wait_for_reading()
    timer.stop()
    assert ticks
    # It ran on another thread than the window's, once.
    assert len(seen["threads"]) == 1 and seen["threads"][0] != threading.get_ident()
    assert seen["labels"] >= 21
    # The result landed: applied on the window's thread to its widgets.
    assert findings is window.findings and not window.reading_running()
    assert window.colormap_edit.text() == "matplotlib:viridis"
    assert float(window.vmin_edit.text()) == 0 and float(window.vmax_edit.text()) == 4000
    assert len(window.view._tick_items) == 21
    assert "labels used" in window.reading_label.text()
    # The progress bar moved forward and is hidden again.
    assert progress and max(progress) >= 30 and progress == sorted(progress)
    assert not window.reading_progress.isVisible()
    settle()
    assert not window._readers  # the thread ended and was released


def test_stopping_a_reading_applies_nothing_and_stops_the_ocr(window, figure_copy, monkeypatch):
    gate = threading.Event()
    seen = spy_on_reading(monkeypatch, gate)
    window.read_labels = True
    window.open_figure(str(figure_copy))
    reader = window._reader
    assert seen["inside"].wait(60)  # the worker is reading the first label
    window.stop_reading_button.click()
    gate.set()
    assert not window.reading_running()
    assert reader.wait(60000)
    assert window.wait_for_reading() is None
    settle()
    # Stopped after the label being read (up to three reads for a label with a raised
    # part), long before the 21 labels; nothing of it reaches the window.
    assert 1 <= seen["labels"] <= 3
    assert window.findings is None and window.colormap_edit.text() == ""
    assert len(window.view._tick_items) == 0
    assert "Stopped" in window.reading_label.text()
    assert not window.reading_progress.isVisible()
    assert not window._readers


def test_a_new_reading_replaces_the_running_one_and_only_it_is_applied(window, figure_copy,
                                                                       monkeypatch):
    gate = threading.Event()
    seen = spy_on_reading(monkeypatch, gate)
    window.read_labels = True
    window.open_figure(str(figure_copy))
    first = window._reader
    assert seen["inside"].wait(60)
    applied = []
    real_apply = window._apply_findings
    monkeypatch.setattr(window, "_apply_findings",
                        lambda findings: applied.append(findings) or real_apply(findings))
    window.detect()  # Ctrl+R while the first reading is in the middle of its labels
    second = window._reader
    assert second is not first and first.isInterruptionRequested()
    gate.set()
    findings = window.wait_for_reading()
    wait_until(lambda: not window._readers)  # both threads ended and were released
    assert applied == [findings] and findings is not None
    assert len(seen["threads"]) == 2
    assert window.colormap_edit.text() == "matplotlib:viridis"


def test_closing_the_window_while_reading_ends_the_thread(window, figure_copy, monkeypatch):
    gate = threading.Event()
    seen = spy_on_reading(monkeypatch, gate)
    window.read_labels = True
    window.open_figure(str(figure_copy))
    reader = window._reader
    assert seen["inside"].wait(60)
    assert reader.isRunning()
    threading.Timer(0.3, gate.set).start()  # the label being read finishes meanwhile
    window.close()
    assert reader.isFinished()
    settle()
    assert window.findings is None and seen["labels"] <= 3
