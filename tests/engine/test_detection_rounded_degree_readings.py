"""Decimal-degree labels too few to tell their interval, read by the other axis' scale
(ticks.degree_readings, axis_confirmation.resolve_degree_readings).

GMT's ``+ddd.xx`` writes a 1' graticule with two decimals. sweep_auto_decode --wide --wider
280 #1 (GMT -JQ, 200 dpi): the y axis' three labels '36.62°', '36.60°', '36.58°' (36.6167°,
36.6°, 36.5833°) are evenly spaced as written, so they were taken at 0.02° intervals: the y
scale 20 % off, the GCPs 76 px off in silence. 281 #2 (GMT -JM, 191 dpi): the x axis' two
labels '275.87°', '275.88°' (1' apart), confirmed by their tick marks as 0.01° apart: 61 px
off in silence. The x axis (there eight labels, here ten) is read at 1' exactly, and on a
map in degrees a degree of latitude is as long as a degree of longitude (plate carrée) or
as a cylindrical projection makes it: only the 1' reading agrees.

Real figures drawn by matplotlib over its own sample DEM of the Jacksboro fault, with equal
scales (plate carrée) or a Mercator aspect, and ticks at minutes of arc labelled with two
decimals of a degree (x every 2', y every 1').

A reading whose multiples are ties at the decimals written (QGIS's 0.025° written
'84.33°W 84.30°W 84.27°W 84.25°W 84.22°W', sweep_qgis_layouts 282 #3) is taken only when the
other axis' scale confirms it, since one misread digit is explained by a tie as often
(render_ties: a smooth field, x labels as QGIS wrote them or misread, y exact at 0.02°).
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

#: The map: 8' of longitude, under 3' of latitude holding the 1' multiples 36.5833°, 36.6°,
#: 36.6167° (written '36.58°N', '36.60°N', '36.62°N': a 0.02° step as written).
EXTENT = (-84.2467, -84.1133, 36.5780, 36.6220)


def render(path, dpi, mercator):
    """A smooth field over EXTENT ticked every 2' along x and 1' along y, labelled '%.2f°',
    with equal scales or, ``mercator``, a degree of latitude 1/cos φ times a degree of
    longitude (a Mercator map's aspect at its latitude, as matplotlib draws one)."""
    west, east, south, north = EXTENT
    rows, cols = np.mgrid[0:40, 0:120]
    field = 300.0 + 150.0 * np.sin(cols / 13.0) * np.cos(rows / 9.0)
    aspect = 1.0 / np.cos(np.radians(0.5 * (south + north))) if mercator else 1.0
    with plt.rc_context({"font.family": "DejaVu Sans", "font.size": 10}):
        figure = plt.figure(figsize=(9.0, 3.6), dpi=dpi)
        axes = figure.add_axes([0.1, 0.32, 0.8, 0.6])
        image = axes.imshow(field, cmap="viridis", extent=EXTENT, aspect=aspect,
                            interpolation="nearest")
        axes.xaxis.set_major_locator(ticker.MultipleLocator(2 / 60.0))
        axes.yaxis.set_major_locator(ticker.MultipleLocator(1 / 60.0))
        axes.xaxis.set_major_formatter(ticker.FuncFormatter(
            lambda value, _: f"{abs(value):.2f}°W"))
        axes.yaxis.set_major_formatter(ticker.FuncFormatter(
            lambda value, _: f"{value:.2f}°N"))
        figure.colorbar(image, ax=axes, orientation="horizontal", fraction=0.08, pad=0.2)
        figure.canvas.draw()
        frame = pixel_box(axes, figure.canvas.get_width_height()[1])
        y_texts = [label.get_text() for label in axes.get_yticklabels()
                   if south <= label.get_position()[1] <= north]
        figure.savefig(path, dpi=dpi)
        plt.close(figure)
    return read_figure(str(path)).rgb, SimpleNamespace(frame=frame, extent=EXTENT,
                                                        y_texts=y_texts)


@pytest.mark.parametrize("dpi, mercator", [(150, False), (200, False), (150, True)])
def test_three_rounded_labels_read_at_the_other_axis_interval(tmp_path, dpi, mercator):
    rgb, truth = render(tmp_path / "figure.png", dpi, mercator)
    assert truth.y_texts == ["36.58°N", "36.60°N", "36.62°N"]
    reading = read_figure_face(rgb, detect_layout(rgb))
    assert_axes_georeference(reading, truth)
    assert reading.y_axis.unrounded_step == pytest.approx(1 / 60.0)
    assert sorted(label.value for label in reading.y_axis.kept) == \
        pytest.approx([36.5 + 5 / 60.0, 36.6, 36.6 + 1 / 60.0])


def render_pair(path, dpi):
    """Two x labels 1' apart written '%.2f°W' ('84.18°W', '84.17°W': 0.01° as written),
    minor tick marks every 15", and y labels every 1' written '%.2f°N' (six: their uneven
    written steps tell the 1' interval), with equal scales."""
    west, east, south, north = -84.1950, -84.1550, 36.5450, 36.6550
    rows, cols = np.mgrid[0:110, 0:40]
    field = 300.0 + 150.0 * np.sin(cols / 7.0) * np.cos(rows / 13.0)
    with plt.rc_context({"font.family": "DejaVu Sans", "font.size": 10}):
        figure = plt.figure(figsize=(4.0, 7.0), dpi=dpi)
        axes = figure.add_axes([0.25, 0.1, 0.55, 0.8])
        image = axes.imshow(field, cmap="viridis", extent=(west, east, south, north),
                            aspect=1.0, interpolation="nearest")
        axes.xaxis.set_major_locator(ticker.MultipleLocator(1 / 60.0))
        axes.xaxis.set_minor_locator(ticker.MultipleLocator(0.25 / 60.0))
        axes.yaxis.set_major_locator(ticker.MultipleLocator(1 / 60.0))
        axes.xaxis.set_major_formatter(ticker.FuncFormatter(
            lambda value, _: f"{abs(value):.2f}°W"))
        axes.yaxis.set_major_formatter(ticker.FuncFormatter(
            lambda value, _: f"{value:.2f}°N"))
        figure.colorbar(image, ax=axes, fraction=0.08, pad=0.1)
        figure.canvas.draw()
        frame = pixel_box(axes, figure.canvas.get_width_height()[1])
        x_texts = [label.get_text() for label in axes.get_xticklabels()
                   if west <= label.get_position()[0] <= east]
        figure.savefig(path, dpi=dpi)
        plt.close(figure)
    return read_figure(str(path)).rgb, SimpleNamespace(
        frame=frame, extent=(west, east, south, north), x_texts=x_texts)


def test_a_pair_confirmed_by_marks_says_the_step_a_mark_it_was_read_at(tmp_path):
    """Two rounded labels confirmed by their tick marks, then read 1' apart by the other
    axis' scale (281 #2's x axis): the log says the step a mark taken (15", 1'/4), not the
    one the written values gave (0.0025, 0.01/4)."""
    rgb, truth = render_pair(tmp_path / "figure.png", 150)
    assert truth.x_texts == ["84.18°W", "84.17°W"]
    reading = read_figure_face(rgb, detect_layout(rgb))
    assert reading.x_axis.unrounded_step == pytest.approx(1 / 60.0)
    confirmed = [message for message in reading.messages if "confirmed by" in message]
    assert len(confirmed) == 1 and confirmed[0].startswith("The x axis has only two labels")
    assert "4 marks apart, 15\" a mark" in confirmed[0], confirmed


def render_ties(path, x_step, x_texts, y_degrees=True, dpi=120):
    """A field over 84.335-84.215°W, 36.51-36.57°N with equal scales, x ticked every
    ``x_step`` degrees from 84.32°W or 84.325°W and labelled ``x_texts`` (by the tick's
    degrees west to 3 decimals; '' for the others), y ticked every 0.02° and labelled
    '%.2f°N' (or '%.2f', no degree sign, when not ``y_degrees``)."""
    west, east, south, north = -84.335, -84.215, 36.51, 36.57
    rows, cols = np.mgrid[0:30, 0:60]
    field = 300.0 + 150.0 * np.sin(cols / 9.0) * np.cos(rows / 7.0)
    with plt.rc_context({"font.family": "DejaVu Sans", "font.size": 10}):
        figure = plt.figure(figsize=(9.0, 4.0), dpi=dpi)
        axes = figure.add_axes([0.12, 0.25, 0.7, 0.7])
        image = axes.imshow(field, cmap="viridis", extent=(west, east, south, north),
                            aspect=1.0, interpolation="nearest")
        axes.xaxis.set_major_locator(ticker.MultipleLocator(x_step))
        axes.yaxis.set_major_locator(ticker.MultipleLocator(0.02))
        axes.xaxis.set_major_formatter(ticker.FuncFormatter(
            lambda value, _: x_texts.get(round(-value, 3), "")))
        axes.yaxis.set_major_formatter(ticker.FuncFormatter(
            lambda value, _: f"{value:.2f}°N" if y_degrees else f"{value:.2f}"))
        figure.colorbar(image, ax=axes, fraction=0.05, pad=0.04)
        figure.canvas.draw()
        frame = pixel_box(axes, figure.canvas.get_width_height()[1])
        written = [label.get_text() for label in axes.get_xticklabels()
                   if west <= label.get_position()[0] <= east and label.get_text()]
        figure.savefig(path, dpi=dpi)
        plt.close(figure)
    return read_figure(str(path)).rgb, SimpleNamespace(
        frame=frame, extent=(west, east, south, north), x_texts=written)


#: The 0.025° multiples 84.325, 84.3, 84.275, 84.25, 84.225 °W with two decimals, the ties
#: rounded as QGIS wrote them (sweep_qgis_layouts seed 282 #3).
QGIS_TIES = ["84.33°W", "84.30°W", "84.27°W", "84.25°W", "84.22°W"]
MULTIPLES = [84.325, 84.3, 84.275, 84.25, 84.225]


def test_ties_read_at_the_interval_the_other_axis_confirms(tmp_path):
    """QGIS writes a 0.025° graticule with two decimals, each tie rounded one way or the
    other: '84.33°W 84.30°W 84.27°W 84.25°W 84.22°W'. Three of them lie on a line 0.03° a
    step as written, and the fit through them placed the map 102 px off in silence
    (sweep_qgis_layouts seed 282 #3). The other axis' scale (0.02° exact, equal scales)
    confirms the 0.025° reading only."""
    rgb, truth = render_ties(tmp_path / "figure.png", 0.025, dict(zip(MULTIPLES, QGIS_TIES)))
    assert truth.x_texts == QGIS_TIES
    reading = read_figure_face(rgb, detect_layout(rgb))
    assert_axes_georeference(reading, truth)
    assert reading.x_axis.unrounded_step == pytest.approx(0.025)
    assert any("ties either way" in message for message in reading.messages), reading.messages


def test_a_misread_explained_by_ties_is_not_taken(tmp_path):
    """A label off by one digit among exact 0.02° labels ('84.32 84.30 84.28 84.25', '84.26'
    written '84.25', as OCR may misread it) is also a 0.025° graticule rounded through ties
    (qgis44's tie rule took that reading alone: 25 % off in scale, in silence). The other
    axis' scale agrees with the labels as written (equal scales): they are kept, the misread
    left out. A Mercator map at 36.5°N (1/cos φ = 1.24) would agree with 0.025° too: a
    warning names both readings."""
    rgb, truth = render_ties(tmp_path / "figure.png", 0.02,
                             {84.32: "84.32°W", 84.3: "84.30°W", 84.28: "84.28°W",
                              84.26: "84.25°W"})
    assert truth.x_texts == ["84.32°W", "84.30°W", "84.28°W", "84.25°W"]
    reading = read_figure_face(rgb, detect_layout(rgb))
    assert_axes_georeference(reading, truth)
    assert reading.x_axis.unrounded_step is None
    assert sorted(label.text for label in reading.x_axis.kept) == \
        ["84.28°W", "84.30°W", "84.32°W"]
    assert not any("ties either way" in message for message in reading.messages)
    warned = [text for text in reading.warnings if text.startswith("The x axis labels")]
    assert len(warned) == 1 and "read 0.02° apart" in warned[0] and \
        "multiples of 0.025°" in warned[0], reading.warnings


def test_ties_the_other_axis_cannot_check_are_warned_about(tmp_path):
    """The 0.025° labels as QGIS wrote them beside plain numbers along y: no other scale in
    degrees to compare, so the x axis stays as read (0.03°, as before) and a warning names
    both readings."""
    rgb, _ = render_ties(tmp_path / "figure.png", 0.025, dict(zip(MULTIPLES, QGIS_TIES)),
                         y_degrees=False)
    reading = read_figure_face(rgb, detect_layout(rgb))
    warned = [text for text in reading.warnings if "ties either way" in text]
    assert len(warned) == 1 and warned[0].startswith("The x axis labels"), reading.warnings
    assert "0.03° apart" in warned[0] and "84.325" in warned[0], warned
