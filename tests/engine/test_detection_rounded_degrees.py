"""Decimal-degree labels written with fewer decimals than their interval needs
(ticks.unrounded_degrees).

GMT's ``ddd.xx`` (and any '%.2f°' formatter) writes a 1' or 2' interval with two decimals:
'84.27°W 84.23°W 84.20°W 84.17°W 84.13°W' are 84°16', 84°14', ..., 84°8'. No line goes
through the values as written. sweep_auto_decode --wide --wider 207 #5 (GMT Mercator, 2'
interval, 260 dpi): three of the labels lie on a line of their own whose step, 0.03°, is not
the interval, the fit kept them and rejected the others, and the map was georeferenced 11 %
off in scale with nothing said (GCPs 125 px off). 197 #5 (1' interval, 72 dpi) was refused
naming GCPS. The labels are the multiples of one interval rounded: each is now taken at its
exact value.

Real figures drawn by matplotlib over its own sample DEM of the Jacksboro fault.
"""
from types import SimpleNamespace

import matplotlib
import numpy as np
import pytest
from figures_for_detection import pixel_box
from figures_for_tests import jacksboro_dem
from test_detection_reading import assert_axes_georeference

from colormap_decoder.plugin.engine.detection.figure_reading import read_figure_face
from colormap_decoder.plugin.engine.detection.labels import parse_label
from colormap_decoder.plugin.engine.detection.layout import detect_layout
from colormap_decoder.plugin.engine.detection.ticks import (
    TickLabel,
    degree_readings,
    fit_ticks,
    rounded_off_the_line,
    unrounded_degrees,
)
from colormap_decoder.plugin.engine.figure import read_figure

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402 - after choosing the backend
from matplotlib import ticker  # noqa: E402


def render(path, minutes, dpi, font="DejaVu Sans", size=10):
    """The Jacksboro DEM with its y axis ticked every ``minutes`` of arc and its x axis every
    4' (its labels are longer), labelled with two decimals of a degree ('84.27°W', '36.63°N'),
    a colorbar beside."""
    grid, extent = jacksboro_dem()
    west, east, south, north = extent
    step = minutes / 60.0
    with plt.rc_context({"font.family": font, "font.size": size}):
        figure = plt.figure(figsize=(7.0, 5.6), dpi=dpi)
        axes = figure.add_axes([0.14, 0.12, 0.66, 0.8])
        bar_axes = figure.add_axes([0.84, 0.12, 0.03, 0.8])
        image = axes.imshow(grid, cmap="viridis", extent=extent, aspect="auto",
                            interpolation="nearest")
        axes.xaxis.set_major_locator(ticker.MultipleLocator(4 / 60.0))
        axes.yaxis.set_major_locator(ticker.MultipleLocator(step))
        axes.xaxis.set_major_formatter(ticker.FuncFormatter(
            lambda value, _: f"{abs(value):.2f}°{'W' if value < 0 else 'E'}"))
        axes.yaxis.set_major_formatter(ticker.FuncFormatter(
            lambda value, _: f"{abs(value):.2f}°{'S' if value < 0 else 'N'}"))
        figure.colorbar(image, cax=bar_axes)
        figure.canvas.draw()
        frame = pixel_box(axes, figure.canvas.get_width_height()[1])
        texts = [label.get_text() for label in axes.get_yticklabels()
                 if south <= label.get_position()[1] <= north]
        figure.savefig(path, dpi=dpi)
        plt.close(figure)
    return read_figure(str(path)).rgb, SimpleNamespace(frame=frame, extent=extent,
                                                        y_texts=texts)


@pytest.mark.parametrize("minutes, dpi", [(2, 150), (2, 100), (1, 200)])
def test_degrees_rounded_at_a_minutes_interval_read_exactly(tmp_path, minutes, dpi):
    rgb, truth = render(tmp_path / "figure.png", minutes, dpi)
    # The fault is drawn: labels whose values are on no line as written.
    values = [parse_label(text).value for text in truth.y_texts]
    assert np.ptp(np.diff(values)) > 0.005, truth.y_texts
    reading = read_figure_face(rgb, detect_layout(rgb))
    assert_axes_georeference(reading, truth)
    assert reading.x_axis.unrounded_step == pytest.approx(4 / 60.0)
    assert reading.y_axis.unrounded_step == pytest.approx(minutes / 60.0)
    assert len(reading.x_axis.kept) >= 4 and len(reading.y_axis.kept) >= 7


def labels(texts, spacing=100.0):
    """Tick labels as read, evenly spaced along a side."""
    return [TickLabel((0, 0, 1, 1), text, parse_label(text).value, index * spacing,
                      parsed=parse_label(text)) for index, text in enumerate(texts)]


def test_exact_labels_left_as_read():
    assert unrounded_degrees(labels(["84.30°W", "84.20°W", "84.10°W", "84.00°W"])) is None
    assert unrounded_degrees(labels(["36.25°N", "36.50°N", "36.75°N"])) is None


def test_a_misread_label_leaves_the_labels_as_read():
    """No interval explains '84.73' among rounded 2' labels: the fit judges them as read."""
    assert unrounded_degrees(labels(["84.27°W", "84.23°W", "84.20°W", "84.17°W",
                                     "84.73°W"])) is None


def test_the_largest_interval_that_explains_the_labels():
    """Three labels rounded at 2' are also a finer interval's multiples; the 2' ones are the
    graticule's."""
    step, values = unrounded_degrees(labels(["84.23°W", "84.20°W", "84.17°W"]))
    assert step == pytest.approx(2 / 60)
    assert values == pytest.approx([-(84 + 14 / 60), -84.2, -(84 + 10 / 60)])


def test_a_misread_digit_is_not_read_as_a_tie():
    """qgis44 review: a tie explains one misread digit as well as a rounding. '84.32 84.30
    84.28 84.25' (0.02°, '84.26' misread '84.25') and '1.2 1.5 1.8 2.0' (0.3°, '2.1' misread
    '2.0') are 0.025° and 0.25° multiples through ties; taken alone, 25 % off in scale. They
    are left as read here; degree_readings offers the tied reading last, for the other axis'
    scale to decide (test_detection_rounded_degree_readings.py)."""
    for texts, tied_step in ((["84.32°W", "84.30°W", "84.28°W", "84.25°W"], 0.025),
                             (["1.2°E", "1.5°E", "1.8°E", "2.0°E"], 0.25)):
        assert unrounded_degrees(labels(texts)) is None
        readings = degree_readings(labels(texts))
        assert any(step == pytest.approx(tied_step) and tied for step, _, tied in readings)
        ties = [tied for _, _, tied in readings]
        assert ties == sorted(ties), readings  # tied readings last


def test_rounded_off_the_line():
    """QGIS's 0.25° annotations written with one decimal ('125.8°W 125.5°W 125.3°W 125.0°W
    124.8°W', sweep_qgis_layouts seed 61 #5): a fit through every other label leaves the
    others half a unit of the last digit off its line, which no misread does: rounded. A
    misread among exact labels is off by a whole unit of a digit: not rounded."""
    rounded = labels(["125.8°W", "125.5°W", "125.3°W", "125.0°W", "124.8°W"])
    for label in rounded[1::2]:
        label.value = None  # left off the kept labels' step, as _on_one_step leaves them
    fit = fit_ticks(rounded)
    assert [label.text for label in fit.kept] == ["125.8°W", "125.3°W", "124.8°W"]
    problem = rounded_off_the_line(rounded, fit)
    assert "'125.5°W', '125.0°W' lie off the line" in problem, problem
    misread = labels(["10.0°N", "10.2°N", "10.4°N", "10.5°N", "10.8°N"])
    fit = fit_ticks(misread)
    assert [label.text for label in fit.kept] == ["10.0°N", "10.2°N", "10.4°N", "10.8°N"]
    assert rounded_off_the_line(misread, fit) == ""
