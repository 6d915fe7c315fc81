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


def _native_grid_points(columns, rows, cell=(4.0, 4.0), holes=0.0, seed=5):
    """Points at the centres of a native grid's cells (as cell_points places them), a share
    ``holes`` of the cells left out (masked by lines and labels)."""
    rng = np.random.default_rng(seed)
    col, row = np.meshgrid(np.arange(columns) + 0.5, np.arange(rows) + 0.5)
    kept = rng.random(col.shape) >= holes
    return _Points(pixel_x=10.0 + cell[0] * col[kept], pixel_y=20.0 + cell[1] * row[kept],
                   value=rng.random(int(kept.sum())))


def test_the_triangles_of_a_native_grid_are_prepared_asking_to_cancel(monkeypatch,
                                                                     ask_every_time):
    """The rebuilt field's triangles need their barycentric transforms, which scipy computes
    in the first ``find_simplex`` as one call asking nothing (8.5 s for a native grid of
    217,933 cells, 312 s on a loaded machine; bench/cancel_latency.py). Now they are computed
    block by block, the question asked between: cancelled at the second question, the
    rebuild stops before any search (before: the first search, with every transform, ran
    whole between the two questions)."""
    from scipy.spatial import Delaunay

    points = _native_grid_points(300, 200)  # 60,000 cells: some 119,000 triangles
    values = np.ones((20 + 4 * 200, 10 + 4 * 300), np.float32)
    searches = []
    find_simplex = Delaunay.find_simplex

    def counted(self, *arguments, **options):
        searches.append(True)
        return find_simplex(self, *arguments, **options)

    monkeypatch.setattr(Delaunay, "find_simplex", counted)
    asked = []

    def ask():
        asked.append(True)
        return len(asked) > 1

    with cancellation.cancellable(ask), pytest.raises(InterruptedError):
        reconstruction_check(values, points, 0.01)
    assert len(asked) == 2
    assert searches == []


@pytest.mark.parametrize("holes", [0.0, 0.2])
def test_the_triangles_transforms_are_scipys(holes):
    """The transforms computed block by block are scipy's own (its LU solve per triangle)
    within 1e-13 of each triangle's largest entry (the rounding of two ways of solving), NaN
    for the same triangles; and the field rebuilt through them is the one scipy's give,
    within 1e-12 (relative to the values' range, 0..1)."""
    from scipy.spatial import Delaunay

    from colormap_decoder.plugin.engine.reduction import _compute_barycentric_transforms

    rng = np.random.default_rng(8)
    for points in (_native_grid_points(90, 60, cell=(4.5, 3.7), holes=holes),
                   _Points(pixel_x=rng.uniform(0, 400, 3000), pixel_y=rng.uniform(0, 300, 3000),
                           value=rng.random(3000))):
        xy = np.column_stack([points.pixel_x, points.pixel_y])
        ours, theirs = Delaunay(xy), Delaunay(xy)
        _compute_barycentric_transforms(ours)
        assert ours._transform is not None
        expected = theirs.transform
        assert np.array_equal(np.isnan(ours.transform), np.isnan(expected))
        scale = np.nanmax(np.abs(expected[:, :2]), axis=(1, 2))
        error = np.abs(ours.transform - expected)
        assert np.nanmax(error[:, :2].max(axis=(1, 2)) / scale) <= 1e-13
        assert np.nanmax(error[:, 2]) == 0.0  # the vertex itself, copied
        # Pixel centres over the points (some on the triangles' edges and corners).
        y, x = np.mgrid[0:300, 0:420] + 0.5
        where = np.column_stack([x.ravel(), y.ravel()])
        ours_simplex, their_simplex = ours.find_simplex(where), theirs.find_simplex(where)
        assert np.array_equal(ours_simplex >= 0, their_simplex >= 0)
        inside = ours_simplex >= 0

        def interpolated(triangulation, simplex):
            transform = triangulation.transform[simplex]
            weights = np.einsum("nij,nj->ni", transform[:, :2], where[inside] - transform[:, 2])
            weights = np.column_stack([weights, 1 - weights.sum(axis=1)])
            return np.sum(points.value[triangulation.simplices[simplex]] * weights, axis=1)

        assert np.max(np.abs(interpolated(ours, ours_simplex[inside])
                             - interpolated(theirs, their_simplex[inside]))) <= 1e-12


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


def test_the_colour_strip_search_stops_when_cancelled(ask_every_time):
    """The colorbars' search among colour strips (2-8 s on an 8.6 MP figure with no question
    asked, ``bench/cancel_latency.py``) stops once cancelled, and so does the figure's luma
    and the colorbars' evidence from given rectangles; outside a job the sample's bar is
    found among the strips."""
    from PIL import Image

    from colormap_decoder.plugin.engine.detection.colorbar import find_colorbars, find_colour_strips
    from colormap_decoder.plugin.engine.detection.lines import luminance

    with Image.open(FIGURE) as image:
        rgb = np.asarray(image.convert("RGB"))
    page = np.array([255, 255, 255])
    for search in (lambda: find_colour_strips(rgb, page),
                   lambda: find_colorbars(rgb, [], page),
                   lambda: luminance(rgb)):
        asked = []
        with cancellation.cancellable(lambda asked=asked: asked.append(1) or True), \
                pytest.raises(InterruptedError):
            search()
        assert asked == [1]
    strips = find_colour_strips(rgb, page)
    assert any(strip.vertical for strip in strips)


def test_a_job_s_progress_hook_is_asked_at_the_fraction_last_reported(ask_every_time):
    """decode_map's and find_everything's one wrapper: the inner loops ask the progress hook
    at the fraction the job last reported, with no new message; without a hook nothing asks."""
    asked = []

    def progress(fraction, message):
        asked.append((fraction, message))
        return fraction >= 0.5

    with cancellation.cancellable_by_progress(progress) as reported:
        cancellation.check()
        reported[0] = 0.25
        cancellation.check()
        reported[0] = 0.5
        with pytest.raises(InterruptedError):
            cancellation.check()
    assert asked == [(0.0, None), (0.25, None), (0.5, None)]
    with cancellation.cancellable_by_progress(None) as reported:
        reported[0] = 1.0
        cancellation.check()
    cancellation.check()  # outside any job: nothing asked
    assert len(asked) == 3
