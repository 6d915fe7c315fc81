"""Plain decimal labels rounded for display, read as their interval's multiples when the
other axis' scale confirms it (ticks.tied_reading, axis_confirmation.confirm_tied_readings).

QGIS writes a 0.025° graticule with plain decimals and two decimals as '-84.18 -84.15 -84.13
-84.10' (-84.175, -84.15, -84.125, -84.1 rounded, ties either way): sweep_qgis_layouts seed
311 #7, both axes refused by ``rounded_off_the_line`` where the same labels with a degree
sign (#0) decode. Here matplotlib writes a 0.025 grid with ``FormatStrFormatter('%.2f')``
(its ties rounded by the binary fractions of the tick values) on both axes of a field drawn
with equal scales: each axis is read at 0.025 because the other's scale agrees, with a
warning that the labels were rounded. A scale the other axis does not confirm (a field not
drawn with equal scales) leaves the axis refused, as before.
"""
from types import SimpleNamespace

import matplotlib
import numpy as np
import pytest
from figures_for_detection import pixel_box
from test_detection_reading import assert_axes_georeference

from colormap_decoder.plugin.engine.detection.figure_reading import read_figure_face
from colormap_decoder.plugin.engine.detection.layout import detect_layout
from colormap_decoder.plugin.engine.figure import read_figure

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402 - after choosing the backend
from matplotlib import ticker  # noqa: E402

#: West, east, south, north: four 0.025 multiples along each axis, as in 311 #7.
EXTENT = (-84.19, -84.085, 36.54, 36.64)


def render(path, dpi, aspect=1.0, extent=EXTENT, y_interval=0.025, x_interval=0.025,
           label_format="%.2f"):
    """A smooth field over ``extent`` (west, east, south, north) ticked every ``x_interval``
    along x and every ``y_interval`` along y, labelled ``label_format`` (by default plain
    numbers rounded to two decimals), drawn with ``aspect`` (y over x scale)."""
    west, east, south, north = extent
    rows, cols = np.mgrid[0:50, 0:50]
    field = 300.0 + 150.0 * np.sin(cols / 9.0) * np.cos(rows / 7.0)
    with plt.rc_context({"font.family": "DejaVu Sans", "font.size": 10}):
        figure = plt.figure(figsize=(6.0, 6.0), dpi=dpi)
        axes = figure.add_axes([0.18, 0.22, 0.7, 0.7])
        image = axes.imshow(field, cmap="viridis", extent=extent, aspect=aspect,
                            interpolation="nearest")
        for axis, interval in ((axes.xaxis, x_interval), (axes.yaxis, y_interval)):
            axis.set_major_locator(ticker.MultipleLocator(interval))
            axis.set_major_formatter(ticker.FormatStrFormatter(label_format))
        figure.colorbar(image, ax=axes, orientation="horizontal", fraction=0.05, pad=0.1)
        figure.canvas.draw()
        frame = pixel_box(axes, figure.canvas.get_width_height()[1])
        texts = [[label.get_text() for label in labels
                  if low <= label.get_position()[index] <= high]
                 for labels, index, low, high in ((axes.get_xticklabels(), 0, west, east),
                                                  (axes.get_yticklabels(), 1, south, north))]
        figure.savefig(path, dpi=dpi)
        plt.close(figure)
    return read_figure(str(path)).rgb, SimpleNamespace(frame=frame, extent=extent,
                                                        x_texts=texts[0], y_texts=texts[1])


def rounded_off_their_line(texts, interval):
    """Whether labels written rounded lie off the line of their multiples of ``interval``."""
    written = np.array([float(text) for text in texts])
    return np.ptp(np.diff(written)) > 0.5 * 10 ** -2 and np.allclose(
        written, np.round(written / interval) * interval, rtol=0.0, atol=0.5e-2 + 1e-9)


@pytest.mark.parametrize("dpi", [100, 150])
def test_plain_decimals_rounded_through_ties_read_at_their_interval(tmp_path, dpi):
    rgb, truth = render(tmp_path / "figure.png", dpi)
    # The renderer's own rounding: the labels are not evenly spaced as written.
    assert rounded_off_their_line(truth.x_texts, 0.025), truth.x_texts
    assert rounded_off_their_line(truth.y_texts, 0.025), truth.y_texts
    reading = read_figure_face(rgb, detect_layout(rgb))
    # Every frame corner within a pixel of the renderer's, both axes in plain numbers.
    assert_axes_georeference(reading, truth, degrees=False)
    for axis in (reading.x_axis, reading.y_axis):
        values = np.array(sorted(label.value for label in axis.kept))
        assert len(values) >= 3
        assert np.allclose(values, np.round(values / 0.025) * 0.025, rtol=0.0, atol=1e-9)
    rounded = [text for text in reading.warnings if "rounded to fewer decimals" in text]
    assert {text.split(" ")[1] for text in rounded} == {"x", "y"}, reading.warnings
    assert all("multiples of 0.025 rounded" in text for text in rounded), rounded


def test_rounded_plain_decimals_the_other_scale_does_not_confirm_are_refused(tmp_path):
    """The same labels on a field whose y scale is 1.3 times its x scale: neither axis'
    tied reading agrees with the other's, so both stay refused (no silent wrong GCPs)."""
    rgb, truth = render(tmp_path / "figure.png", 120, aspect=1.3)
    assert rounded_off_their_line(truth.y_texts, 0.025), truth.y_texts
    reading = read_figure_face(rgb, detect_layout(rgb))
    refused = [axis for axis in (reading.x_axis, reading.y_axis)
               if axis is not None and axis.fit is None]
    assert refused, "an axis of rounded labels taken without the other's scale agreeing"
    for axis in refused:
        assert "rounded" in axis.problem, axis.problem


def test_a_fitted_axis_written_exactly_is_not_switched_to_a_tied_reading(tmp_path):
    """x rounded at 0.025 ('-84.18 -84.15 -84.13 -84.10'), y at 0.02 written exactly
    ('36.58 36.60 36.62') on a field whose y scale is 1.25 times its x scale. y's labels are
    also 0.025's multiples rounded with ties (36.575, 36.6, 36.625), a scale 0.8 times theirs
    that x's tied reading agrees with at equal scales: taking both put the corners 30-44 px
    off with a warning saying the scales confirm each other. y's fit keeps every label as
    written, so it stays, and x, which its scale does not confirm, stays refused."""
    rgb, truth = render(tmp_path / "figure.png", 120, aspect=1.25,
                        extent=(-84.19, -84.085, 36.575, 36.628), y_interval=0.02)
    assert rounded_off_their_line(truth.x_texts, 0.025), truth.x_texts
    assert truth.y_texts == ["36.58", "36.60", "36.62"], truth.y_texts
    reading = read_figure_face(rgb, detect_layout(rgb))
    west, east, south, north = truth.extent
    left, top, right, bottom = truth.frame
    # Refused, or every frame end within a pixel of the renderer's: never 30 px off.
    for axis, ends in ((reading.x_axis, ((left, west), (right, east))),
                       (reading.y_axis, ((top, north), (bottom, south)))):
        if axis is None or axis.fit is None:
            continue
        for position, value in ends:
            error_px = abs(float(axis.fit.value_at(position)) - value) / abs(axis.fit.slope)
            assert error_px <= 1.0, ([(label.text, label.value) for label in axis.kept],
                                     error_px)
    assert reading.x_axis.fit is None and "rounded" in reading.x_axis.problem, \
        reading.x_axis.problem


def _frame_errors_px(reading, truth):
    """Each fitted axis' distance (pixels) from the renderer's frame ends, by axis name."""
    west, east, south, north = truth.extent
    left, top, right, bottom = truth.frame
    errors = {}
    for name, axis, ends in (("x", reading.x_axis, ((left, west), (right, east))),
                             ("y", reading.y_axis, ((top, north), (bottom, south)))):
        if axis is not None and axis.fit is not None:
            errors[name] = [abs(float(axis.fit.value_at(position)) - value) /
                            abs(axis.fit.slope) for position, value in ends]
    return errors


@pytest.mark.parametrize("extent, interval, label_format", [
    ((0.0, 10.5, 0.0, 10.2), 2.5, "%.0f"),    # '0 2 5 8 10'
    ((0.0, 20.5, 0.0, 20.3), 2.5, "%.0f"),    # '0 2 5 8 10 12 15 18 20'
    ((0.0, 1.05, 0.0, 1.02), 0.25, "%.1f"),   # '0.0 0.2 0.5 0.8 1.0'
])
def test_whole_numbers_rounded_through_ties_never_fitted_off_silently(tmp_path, extent,
                                                                       interval, label_format):
    """matplotlib writes a 2.5 grid with no decimals as '0 2 5 8 10': a line goes through
    '0 2 8 10' within the fit's tolerance and the exact '5' was dropped, both axes 8-9 px off
    at the frame's ends in silence (3.1-3.4 px over 0-20; the same on main).
    rounded_off_the_line saw nothing, the dropped label lying on that line. Read as 2.5's
    multiples with ties, confirmed by the other axis' scale (equal scales): within a pixel,
    with the warning."""
    rgb, truth = render(tmp_path / "figure.png", 120, extent=extent, x_interval=interval,
                        y_interval=interval, label_format=label_format)
    # The renderer's own rounding: '2' for 2.5, '8' for 7.5 (or '0.2', '0.8').
    for texts in (truth.x_texts, truth.y_texts):
        written = np.array([float(text) for text in texts])
        assert np.ptp(np.diff(written)) > 0.2 * interval, texts
    reading = read_figure_face(rgb, detect_layout(rgb))
    errors = _frame_errors_px(reading, truth)
    assert set(errors) == {"x", "y"}, (reading.x_axis.problem, reading.y_axis.problem)
    assert max(max(pair) for pair in errors.values()) <= 1.0, errors
    rounded = [text for text in reading.warnings if "rounded to fewer decimals" in text]
    assert {text.split(" ")[1] for text in rounded} == {"x", "y"}, reading.warnings


def test_whole_numbers_rounded_through_ties_the_other_scale_does_not_confirm(tmp_path):
    """'0 2 5 8 10' on both axes of a field whose y scale is 1.3 times its x scale: no
    axis' reading with ties is confirmed, so neither is fitted 6-9 px off (main's fits):
    each is refused, or within a pixel."""
    rgb, truth = render(tmp_path / "figure.png", 120, aspect=1.3, extent=(0.0, 10.5, 0.0, 10.2),
                        x_interval=2.5, y_interval=2.5, label_format="%.0f")
    reading = read_figure_face(rgb, detect_layout(rgb))
    for name, pair in _frame_errors_px(reading, truth).items():
        assert max(pair) <= 1.0, (name, pair)
    refused = [axis for axis in (reading.x_axis, reading.y_axis)
               if axis is not None and axis.fit is None]
    assert refused and all("rounded" in axis.problem for axis in refused), \
        [axis.problem for axis in refused]
