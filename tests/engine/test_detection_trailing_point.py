"""A point read after a label's last digit, dropped only when no ink stands for it.

Tesseract reads the foot of a serif '4' as a point: QGIS's legend label '4' (DejaVu Serif
10 pt, 150 dpi, JPEG q62: sweep_qgis_layouts 306 #4, and tests/qgis's
test_detection_legend_trailing_point.py) read '4.', no number, and the bar's low end was not
known. The label's glyphs tell a point made up from one really there: a digit's glyph each and
nothing else, or a point merged into a glyph that it widens. The glyphs here are drawn by
matplotlib and found as the detection finds them; the readings are simulated: Tesseract reads
these renders right, the readings given are the one it made on the QGIS legend ('4.') and the
misreadings the rule must not mend (a digit after the point not read). The last test reads the
QGIS legend itself (tests/data/qgis_legend_serif_four_jpeg62.png), where Tesseract reads '4.'.
"""
import matplotlib
import numpy as np
import pytest

from colormap_decoder.plugin.engine.detection.figure_reading import _Reader, read_figure_face
from colormap_decoder.plugin.engine.detection.label_checks import (
    glyph_widths,
    split_leading_bar,
    trailing_point_without_ink,
)
from colormap_decoder.plugin.engine.detection.layout import detect_layout
from colormap_decoder.plugin.engine.detection.text import find_glyphs, ink_mask, merge_into_labels
from colormap_decoder.plugin.engine.figure import read_figure

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

#: The figure's (col, row) in its own ink: the whole figure is read.
ORIGIN = (0, 0)


def drawn_labels(texts, font, size, dpi, weight="normal"):
    """``texts`` drawn by matplotlib one under another, found as the detection finds labels:
    {text: label}, the figure's ink and its digits' width (pixels) at the labels' height."""
    # Tall enough for find_glyphs (glyphs up to 8 % of the figure's height).
    figure = plt.figure(figsize=(1.5, 3.0), dpi=dpi)
    for index, text in enumerate(texts):
        figure.text(0.05, 1 - (index + 0.7) / len(texts), text, fontsize=size, family=font,
                    weight=weight)
    figure.canvas.draw()
    rgb = np.asarray(figure.canvas.buffer_rgba())[..., :3].astype(float)
    plt.close(figure)
    lum = rgb @ np.array([0.299, 0.587, 0.114])
    ink = ink_mask(lum, 255.0)
    labels = sorted(merge_into_labels(find_glyphs(ink)),
                    key=lambda label: label.row0)
    assert len(labels) == len(texts), [label.box() for label in labels]
    height = float(np.median([label.height for label in labels]))
    return dict(zip(texts, labels)), ink, glyph_widths(labels, height)


@pytest.mark.parametrize("font, size, dpi", [
    ("DejaVu Serif", 10, 150), ("DejaVu Serif", 8, 96), ("Nimbus Roman", 10, 120),
    ("DejaVu Sans", 9, 100)])
def test_point_without_its_own_ink_dropped(font, size, dpi):
    """'4.' on a '4' drawn alone (its serif foot part of its glyph), '280.' on '280': every
    glyph is a digit's, none wider than a digit, nothing else: the point is dropped. A sign
    before the digits stays, the reading comes back normalised. The readings are simulated
    (Tesseract reads these renders without the point)."""
    labels, ink, digit_width = drawn_labels(["4", "280", "\u22124"], font, size, dpi)
    assert digit_width is not None
    assert trailing_point_without_ink("4.", labels["4"].members, ink, ORIGIN, digit_width) == "4"
    # The minus touching the '4' split off as the reader does (split_leading_bar).
    signed = split_leading_bar(labels["\u22124"].members, ink, ORIGIN)
    assert trailing_point_without_ink("\u22124,", signed, ink, ORIGIN, digit_width) == "-4"
    # '280': dropped when each digit is a glyph of its own; '28' touching (8 px high) is
    # a glyph for two digits, which may hold the point: kept.
    members = labels["280"].members
    assert trailing_point_without_ink("280.", members, ink, ORIGIN, digit_width) == \
        ("280" if len(members) == 3 else "280.")
    # Readings with no trailing point are left alone.
    assert trailing_point_without_ink("280", members, ink, ORIGIN, digit_width) == "280"


@pytest.mark.parametrize("font, size, dpi", [
    ("DejaVu Serif", 10, 72), ("DejaVu Serif", 8, 80), ("Nimbus Sans", 7, 96)])
def test_point_of_its_own_kept(font, size, dpi):
    """'4.5' read '4.' (the '5' not read): the point's glyph, or the '5''s, is there beside
    the '4': more glyphs than the digit read, the point kept (no number, as before). The
    readings are simulated (Tesseract reads these renders right)."""
    labels, ink, digit_width = drawn_labels(["4.5", "280"], font, size, dpi)
    assert trailing_point_without_ink("4.", labels["4.5"].members, ink, ORIGIN, digit_width) == "4."
    assert trailing_point_without_ink("45.", labels["4.5"].members, ink, ORIGIN, digit_width) == "45."


def test_point_merged_into_a_digit_kept():
    """Bold Nimbus Sans 7 pt at 80 dpi draws '10.5''s '10.' as one glyph: read '10.' (its
    '5' not read) it has a glyph to each digit read, but one wider than a digit: the point
    is in it, and kept. The reading is simulated (Tesseract reads this render right)."""
    labels, ink, digit_width = drawn_labels(["10.5", "280"], "Nimbus Sans", 7, 80, weight="bold")
    members = labels["10.5"].members
    assert len(members) == 2  # '10.' and '5'
    assert trailing_point_without_ink("10.", members, ink, ORIGIN, digit_width) == "10."


def test_digit_and_point_in_one_glyph_kept_with_no_other_digit():
    """Bold Nimbus Roman 7 pt at 96 dpi draws '0.5' and '2.5' as one glyph each, 7 px high
    and wider than tall: read '0.' or '2.' the point is in the glyph. The figure's digits'
    width, measured on such glyphs alone, does not tell (a two-label legend): the glyph's
    shape does. The readings are simulated (Tesseract reads these renders right)."""
    labels, ink, digit_width = drawn_labels(["0.5", "2.5"], "Nimbus Roman", 7, 96, weight="bold")
    for text, reading in (("0.5", "0."), ("2.5", "2.")):
        members = labels[text].members
        assert len(members) == 1
        assert trailing_point_without_ink(reading, members, ink, ORIGIN, digit_width) == reading
        assert trailing_point_without_ink(reading, members, ink, ORIGIN, None) == reading


def test_point_lost_under_the_ink_mask_kept():
    """Bold Nimbus Sans 7 pt at 72 dpi draws '2.5' 5 px high with no ink for its point: a
    '2' and a '5', each a digit's width. Read '25.' (the point put after the '5') nothing in
    its glyphs tells, and 25 would be ten times the value: digits this small keep the
    reading as it is (no number, as before). The reading is simulated (a misreading the
    bench's trailing_point_misreads.py makes of the label's real reading)."""
    labels, ink, digit_width = drawn_labels(["2.5", "280"], "Nimbus Sans", 7, 72, weight="bold")
    members = labels["2.5"].members
    assert len(members) == 2  # the point under the mask
    assert trailing_point_without_ink("25.", members, ink, ORIGIN, digit_width) == "25."


def test_qgis_legend_four_read_with_a_point(shared_data):
    """QGIS's colour-ramp legend of sweep_qgis_layouts 306 #4 (DejaVu Serif 10 pt, 150 dpi,
    the layout saved as JPEG q62; its decoded pixels kept): Tesseract reads the low end's '4'
    as '4.' (asserted: the premise), which was no number and left the bar one label (VMIN and
    VMAX refused). Checked, the reading is 4, and the legend's range 4 to 280."""
    rgb = read_figure(str(shared_data / "qgis_legend_serif_four_jpeg62.png")).rgb
    layout = detect_layout(rgb)
    assert layout.colorbar is not None
    reader = _Reader(rgb, layout)
    bottom = layout.colorbar.box[3]
    # The label beside the bar's low end.
    four = min((label for label in reader.labels if label.col0 > layout.colorbar.box[2]),
               key=lambda label: abs(label.centre[1] - bottom))
    assert reader._read_with_superscript(four) == "4."
    text, parsed = reader._read_checked(four)
    assert text == "4" and parsed is not None and parsed.value == 4.0, (text, parsed)
    bar = read_figure_face(rgb, layout, want_axes=False).colorbar
    assert (bar.vmin, bar.vmax) == (4.0, 280.0), [label.text for label in bar.axis.labels]
