"""A cancellation is honoured inside the long stages, not only between them.

The sample figure's labels read by OCR, the field rebuilt from a native grid's points and a
report's picture took seconds to minutes with no question asked (``bench/cancel_latency.py``:
9.5 s reading labels, 183 s rebuilding an 8.6 MP native grid's field): each test asks
to cancel inside one of them and counts what was still done after the question, never time.
"""
from types import SimpleNamespace

import numpy as np
import pytest
from sample_figure import FIGURE

from colormap_decoder.plugin.engine import cancellation
from colormap_decoder.plugin.engine.detection import ocr
from colormap_decoder.plugin.engine.pipeline import DecodeSettings, decode_map
from colormap_decoder.plugin.engine.reduction import reconstruction_check
from colormap_decoder.plugin.engine.report import RecordedDrawing, banded_png


class _Points(SimpleNamespace):
    """Representative points as reduction's clusters hold them: pixel_x, pixel_y, value."""

    def __len__(self):
        return len(self.value)


@pytest.fixture()
def ask_every_time(monkeypatch):
    """The job's question asked at every check (not at most every 50 ms): counts, not time."""
    monkeypatch.setattr(cancellation, "ASK_INTERVAL_S", 0.0)


class _CountingTesseract:
    """Tesseract's API, its readings (``GetUTF8Text``) counted."""

    def __init__(self, api):
        self.api, self.readings = api, 0

    def GetUTF8Text(self):  # noqa: N802 - tesserocr's name
        self.readings += 1
        return self.api.GetUTF8Text()

    def __getattr__(self, name):
        return getattr(self.api, name)


def _count_readings(monkeypatch):
    """Tesseract's API as every reading sees it, counting its readings."""
    counting = _CountingTesseract(ocr._api())
    monkeypatch.setitem(ocr._API, "api", counting)
    return counting


@pytest.mark.skipif(not ocr.ocr_available(), reason="needs Tesseract")
def test_decoding_stops_while_the_labels_are_read(monkeypatch, ask_every_time):
    """Cancelled just after the label reading began: decode_map read every tick label (40
    Tesseract readings, 9.5 s through Processing) before it looked at the hook again; now
    it stops at the next reading."""
    readings = _count_readings(monkeypatch)
    at_cancel = []

    def progress(fraction, message):
        if message == "Reading the figure's labels" and not at_cancel:
            at_cancel.append(readings.readings)
            return False  # the stage starts; the user cancels right after
        return bool(at_cancel)

    with pytest.raises(InterruptedError):
        decode_map(DecodeSettings(figure_path=str(FIGURE), gcp_crs="EPSG:32632",
                                  scale_automatic=True), progress=progress)
    assert at_cancel, "the labels were never read"
    # The reading under way when asked may finish; none begins after.
    assert readings.readings - at_cancel[0] <= 1


def test_the_field_rebuilt_from_many_points_stops_when_cancelled(ask_every_time):
    """The field interpolated from 40,000 points on a 1,000 × 1,000 figure: a cancellation
    before the interpolation is honoured within it (the triangulation's search ran whole,
    minutes on a native grid's 200,000 cells)."""
    rng = np.random.default_rng(3)
    values = rng.random((1000, 1000)).astype(np.float32)
    points = _Points(pixel_x=rng.uniform(0, 1000, 40_000),
                     pixel_y=rng.uniform(0, 1000, 40_000), value=rng.random(40_000))
    asked = []

    def ask():
        asked.append(True)
        return len(asked) > 1  # the first question answered "go on", then "stop"

    with cancellation.cancellable(ask), pytest.raises(InterruptedError):
        reconstruction_check(values, points, 0.01, max_pixels=10**7, full_grid=True)
    # Not cancelled, the same check runs to its end.
    check = reconstruction_check(values, points, 0.01, max_pixels=10**6)
    assert check is not None and check.pixels_compared > 900_000


def test_a_report_picture_stops_when_cancelled(ask_every_time):
    """A large report picture is made band by band; a cancellation stops it between bands."""
    drawing = RecordedDrawing()
    with cancellation.cancellable(lambda: True), pytest.raises(InterruptedError):
        banded_png(4000, 3000, drawing)
    # Outside a job nothing asks: the picture is made.
    assert banded_png(40, 30, drawing).startswith(b"\x89PNG")


def test_checks_outside_a_job_or_in_another_thread_ask_nothing(ask_every_time):
    """The question belongs to the job's thread: code outside a job is never stopped, and a
    job inside a job asks its own question, the outer one again once it ends."""
    import threading

    cancellation.check()  # no job: nothing to ask
    seen = []
    with cancellation.cancellable(lambda: True):
        worker = threading.Thread(target=lambda: seen.append(cancellation.check() is None))
        worker.start()
        worker.join()
        with cancellation.cancellable(lambda: False):
            cancellation.check()
        with pytest.raises(InterruptedError):
            cancellation.check()
    assert seen == [True]


def test_finding_the_frame_and_colorbar_stops_when_cancelled(ask_every_time):
    """The layout of a figure (seconds on ten megapixels, no question asked before) stops at
    its first step once cancelled; outside a job it is found."""
    from PIL import Image

    from colormap_decoder.plugin.engine.detection.layout import detect_layout

    with Image.open(FIGURE) as image:
        rgb = np.asarray(image.convert("RGB"))
    with cancellation.cancellable(lambda: True), pytest.raises(InterruptedError):
        detect_layout(rgb)
    assert detect_layout(rgb).frame is not None
