"""Misreads that agree with each other must not outvote an axis' true labels
(figure_reading._on_one_step, figure_reading.largest_on_one_step).

sweep_auto_decode --wide --wider seed 191 #0 (matplotlib imshow, signed degrees, DejaVu Serif
10 pt at 150 dpi): Tesseract read every '−37.5°', '−32.5°', '−27.5°', '−22.5°' with a '9' for
the '5' ('−37.9°', ...). Those four lie on a line of their own, 0.4° (17 px) beside the four
right labels '−35°' .. '−20°', and all eight passed the fit's inlier test (a quarter of the
spacing) together. Their values being on no common step, the label farthest from the line
was dropped, a right one, then the next, until '−37.9°' and '−20°' were left: refused naming
GCPS. Now the largest set on one step and one line is kept, a set whose values are whole
multiples of their step winning over misreads that are not (even more numerous ones), and
the labels dropped off the step are read again from the figure's own glyphs.

Real figures drawn by matplotlib; the first is Tesseract's own misread, the others put the
same misread on the OCR's output (as test_detection_digit_rereading does) in other fonts.
"""
import re
from types import SimpleNamespace

import matplotlib
import numpy as np
import pytest
from figures_for_detection import age_grid, pixel_box
from test_detection_reading import assert_axes_georeference

from colormap_decoder.plugin.engine.detection import figure_reading
from colormap_decoder.plugin.engine.detection.figure_reading import (
    largest_on_one_step,
    read_figure_face,
)
from colormap_decoder.plugin.engine.detection.layout import detect_layout
from colormap_decoder.plugin.engine.detection.ticks import TickLabel
from colormap_decoder.plugin.engine.figure import read_figure

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402 - after choosing the backend
from matplotlib import ticker  # noqa: E402

#: Longitudes (west, east) showing the ticks -37.5° .. -20° (four labels with a '.5', four
#: without: a tie), and -42.5° .. -22.5° (five with a '.5', four without).
TIE = (-39.7, -19.7)
OUTNUMBERED = (-43.7, -21.5)


def render(path, font, size, dpi, west_east, shared_data):
    """The sweep's figure: imshow of the ocean floor's age (Myr, the sweep's grid) over
    ``west_east`` and 8°-79° N, labels written as signed degrees with a Unicode minus
    ('−37.5°'), a vertical colorbar 0-150."""
    west, east = west_east
    south, north = 8.0, 79.0
    age, transform = age_grid(shared_data)
    columns = slice(*sorted(int(np.floor(~transform * (lon, 0))[0]) for lon in (west, east)))
    rows = slice(*sorted(int(np.floor(~transform * (0, lat))[1]) for lat in (north, south)))
    with plt.rc_context({"font.family": font, "font.size": size}):
        figure = plt.figure(figsize=(1324 / 150, 972 / 150), dpi=dpi)
        axes = figure.add_axes([0.13, 0.12, 0.65, 0.78])
        bar_axes = figure.add_axes([0.82, 0.12, 0.025, 0.78])
        image = axes.imshow(age[rows, columns], cmap="viridis", vmin=0, vmax=150,
                            extent=(west, east, south, north), aspect="auto",
                            interpolation="bilinear")
        signed = ticker.FuncFormatter(lambda value, _: f"{value:g}°".replace("-", "\N{MINUS SIGN}"))
        axes.xaxis.set_major_formatter(signed)
        axes.yaxis.set_major_formatter(signed)
        figure.colorbar(image, cax=bar_axes)
        figure.canvas.draw()
        frame = pixel_box(axes, figure.canvas.get_width_height()[1])
        ticks = [float(value) for value in axes.get_xticks() if west <= value <= east]
        figure.savefig(path, dpi=dpi)
        plt.close(figure)
    return read_figure(str(path)).rgb, SimpleNamespace(frame=frame,
                                                        extent=(west, east, south, north),
                                                        x_ticks=ticks)


def read_with_halves_misread(rgb, monkeypatch):
    """The figure read with every x label's '.5' read '.9' ('−37.5°' as '−37.9°'), and no
    glyph to put them right: the figure's '5's read right elsewhere (which would read the
    '9's again, :func:`figure_reading._reread_digits`) are another font's, or none."""
    original = figure_reading._Reader._read_with_superscript
    monkeypatch.setattr(figure_reading._Reader, "_read_with_superscript",
                        lambda self, label: re.sub(r"\.5(°?)$", r".9\1",
                                                   original(self, label).strip()))
    monkeypatch.setattr(figure_reading, "_reread_digits",
                        lambda reader, rgb, layout, reading, *rest: reading)
    return read_figure_face(rgb, detect_layout(rgb))


def assert_x_axis_right(reading, truth, least):
    """The x axis keeps at least ``least`` labels, every one at a true tick's value, and
    places the frame's corners within a pixel of the renderer."""
    kept = sorted(label.value for label in reading.x_axis.kept)
    assert reading.x_axis.fit is not None, reading.x_axis.problem
    assert len(kept) >= least and set(kept) <= set(truth.x_ticks), \
        (kept, [(label.text, label.value) for label in reading.x_axis.labels])
    assert_axes_georeference(reading, truth)


def test_tesseract_misread_halves_do_not_outvote_the_right_labels(tmp_path, shared_data):
    """DejaVu Serif 10 pt at 150 dpi, the sweep's style: Tesseract itself reads the '5' of
    '−37.5°' .. '−22.5°' as '9' (the '50°' of the y axis too). Refused naming GCPS before
    (two labels left: '−37.9°', '−20°'); now the four right labels are kept, and the glyphs
    read '9' drawn as the '5's of '−35°', '−25°' are read again as '5'."""
    rgb, truth = render(tmp_path / "map.png", "DejaVu Serif", 10, 150, TIE, shared_data)
    reading = read_figure_face(rgb, detect_layout(rgb))
    assert_x_axis_right(reading, truth, least=6)
    assert sorted(label.value for label in reading.y_axis.kept) == [10, 20, 30, 40, 50, 60, 70]


@pytest.mark.parametrize("west_east", [TIE, OUTNUMBERED])
@pytest.mark.parametrize("font, size, dpi", [("DejaVu Sans", 10, 100), ("Nimbus Sans", 11, 96),
                                             ("DejaVu Serif", 12, 100)])
def test_misread_halves_never_outvote_the_right_labels(tmp_path, shared_data, monkeypatch, font,
                                                       size, dpi, west_east):
    """Every '.5' of the x labels read '.9', as many misreads as right labels (a tie) or more
    of them (five against four): the right labels are kept, whole multiples of their step,
    never the misreads' line 0.4° beside them. Before: the tie refused naming GCPS (the right
    labels dropped one by one, '−37.9°' and '−20°' left), and five against four kept the
    misreads, the map put 0.4° (17 px) east in silence, in DejaVu Sans 10 pt at 100 dpi and
    Nimbus Sans 11 pt at 96 dpi."""
    rgb, truth = render(tmp_path / "map.png", font, size, dpi, west_east, shared_data)
    reading = read_with_halves_misread(rgb, monkeypatch)
    assert_x_axis_right(reading, truth, least=4)


def labels_at(read, drawn):
    """Tick labels 40 px a unit apart: the values ``read`` at the ticks of the values
    ``drawn``."""
    return [TickLabel((0, 0, 1, 1), f"{value:g}", value, 1000.0 + 40.0 * at)
            for value, at in zip(read, drawn)]


@pytest.mark.parametrize("read, drawn, chosen", [
    # The misreads' line 0.4 beside the right labels', as many of them: the step's multiples.
    ([-37.9, -35, -32.9, -30, -27.9, -25, -22.9, -20],
     [-37.5, -35, -32.5, -30, -27.5, -25, -22.5, -20], [-35, -30, -25, -20]),
    # More misreads than right labels: still the multiples of the step.
    ([-42.9, -40, -37.9, -35, -32.9, -30, -27.9, -25, -22.9],
     [-42.5, -40, -37.5, -35, -32.5, -30, -27.5, -25, -22.5], [-40, -35, -30, -25]),
    # One misread: every other label.
    ([-40, -37.5, -35, -32.9, -30], [-40, -37.5, -35, -32.5, -30], [-40, -37.5, -35, -30]),
    # A true axis off the step's multiples (a grid offset), one misread: the most labels.
    ([1, 6, 11, 16, 27], [1, 6, 11, 16, 21], [1, 6, 11, 16]),
    # Three labels, one misread (sweep 195 #7's '40°' read '49°'): the one pair on its step.
    ([49, 70, 80], [40, 70, 80], [70, 80]),
    # Pairs on their step that disagree ('30', '40' read '50', '60'): none chosen.
    ([10, 20, 50, 60], [10, 20, 30, 40], []),
    # A misread on the step's multiples but off its place ('-25' read '-35'), two others.
    ([-40, -35, -30, -35, -20, -17.9], [-40, -35, -30, -25, -20, -17.5],
     [-40, -35, -30, -20]),
])
def test_largest_set_on_one_step(read, drawn, chosen):
    chosen_labels = largest_on_one_step(labels_at(read, drawn))
    assert sorted(label.value for label in chosen_labels) == chosen
