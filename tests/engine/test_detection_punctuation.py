"""Punctuation read by OCR checked against the label's own ink.

Tesseract adds decimal points that are not there ('12250' read '122.50': on every label of an
axis the values still lie on a line, a hundredth of the true one, which no tick fit can tell)
and takes a thousands comma for a point ('12,300' read '12.300', that is 12.3, on a QGIS
legend with nothing but its two end labels to go by). The labels' glyphs say what is there: a
point is a small blob on the digits' baseline, a comma hangs below it, and either takes half
a digit's room between the digits beside it. These tests draw real labels with real renderers
(matplotlib's text, a matplotlib colorbar, a QGIS print layout's legend in tests/qgis), give
Tesseract's reading a fault where it has none, and check that the fault is undone; and that
what the figure really says is never changed.
"""
import itertools
import re

import matplotlib
import numpy as np
import pytest
from figures_for_detection import lonlat_topobathy, render_matplotlib

from colormap_decoder.plugin.engine.detection import figure_reading
from colormap_decoder.plugin.engine.detection.figure_reading import read_figure_face
from colormap_decoder.plugin.engine.detection.label_checks import (
    digit_pitch,
    lone_separator_as_inked,
    separators_as_inked,
)
from colormap_decoder.plugin.engine.detection.labels import normalise
from colormap_decoder.plugin.engine.detection.layout import detect_layout
from colormap_decoder.plugin.engine.detection.text import find_glyphs, ink_mask, merge_into_labels
from colormap_decoder.plugin.engine.figure import read_figure
from colormap_decoder.plugin.engine.pipeline import DecodeSettings, decode_map

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

TEXTS = ("12,300", "12.300", "0.5", "-124.5", "44.5°N", "1,000,000", "10500", "3.25")


def drawn_labels(tmp_path, font, dpi, size=10, texts=TEXTS, with_luma=False, jpeg=None):
    """Each text of ``texts`` drawn by matplotlib in ``font`` at ``dpi``, found as the
    detection finds labels: (text, label) pairs, and the digits' pitch of the figure (and the
    figure's luma, ``with_luma``); saved as a JPEG of quality ``jpeg`` when given."""
    figure = plt.figure(figsize=(2.2, 0.35 * len(texts) * max(size, 10) / 10), dpi=dpi)
    for index, text in enumerate(texts):
        figure.text(0.05, 1 - (index + 0.7) / len(texts), text.replace("-", "\u2212"),
                    fontsize=size, family=font)
    path = tmp_path / f"texts_{dpi}.png"
    figure.savefig(path, dpi=dpi)
    plt.close(figure)
    if jpeg:
        from PIL import Image

        Image.open(path).convert("RGB").save(path.with_suffix(".jpg"), quality=jpeg)
        path = path.with_suffix(".jpg")
    lum = read_figure(str(path)).rgb.astype(float) @ np.array([0.299, 0.587, 0.114])
    labels = sorted(merge_into_labels(find_glyphs(ink_mask(lum, 255.0))), key=lambda label: label.row0)
    assert len(labels) == len(texts), [label.box() for label in labels]
    pitch = digit_pitch(labels, float(np.median([label.height for label in labels])),
                        least_pairs=4)
    if with_luma:
        return list(zip(texts, labels)), pitch, lum
    return list(zip(texts, labels)), pitch


@pytest.mark.parametrize("jpeg", [None, 60, 75, 90])
@pytest.mark.parametrize("font, dpi, size", [
    (font, dpi, size) for font in ("DejaVu Sans", "Nimbus Sans", "Nimbus Roman", "DejaVu Serif")
    for dpi in (72, 96, 120, 150) for size in (7, 10, 12)
    # Glyphs broken into pieces (Times's hairlines) or merged: no labels to read.
    if (font, dpi) not in (("Nimbus Roman", 72), ("Nimbus Roman", 96))
    and (font, dpi, size) not in (("Nimbus Sans", 72, 7), ("DejaVu Serif", 72, 10),
                                  ("Nimbus Roman", 120, 7), ("Nimbus Roman", 150, 7))])
def test_commas_told_from_points_by_their_coverage(tmp_path, font, dpi, size, jpeg):
    """A comma's tail below the digits' baseline may be fainter than the ink mask (a fifth
    inked at 96 dpi): its box is then a point's. Measured by the pixels' coverage, every comma
    read as a point is put right wherever the glyphs map one to one on the characters, and no
    reading of a point is changed (none that the glyphs' boxes alone leave as it is); in a
    JPEG too, whose ringing round a point inks the page under it a tenth ('-124.5' was read
    '-124,5' in DejaVu Serif 7 pt at 100 dpi, quality 71, before the page's noise was
    measured)."""
    texts = ("12,300", "12.300", "0.5", "3,405", "1,000,000", "3.25", "1,799.0", "-124.5")
    try:
        pairs, pitch, lum = drawn_labels(tmp_path, font, dpi, size, texts, with_luma=True,
                                         jpeg=jpeg)
    except AssertionError:
        if jpeg is None:
            raise
        pytest.skip("the JPEG's noise breaks or joins glyphs: no labels to check")
    undone = faults = kept = 0
    for text, label in pairs:
        # Left as read; or, where the boxes alone change it (a point lost in its digits' ink
        # at 72 dpi, 7 pt), as they change it. A true comma the boxes alone turned into a
        # point ('12,300' into '12.300' at 7 pt) is kept.
        checked = separators_as_inked(text, label.members, pitch, lum, 255.0)
        boxes_only = separators_as_inked(text, label.members, pitch)
        assert checked in (text, boxes_only), (text, checked, label.members)
        kept += "," in text and checked == text != boxes_only
        if "," in text:
            fault = text.replace(",", ".")
            mended = separators_as_inked(fault, label.members, pitch, lum, 255.0)
            assert mended in (text, fault), (text, mended, label.members)
            faults += 1
            undone += mended == text
        if "." in text:
            fault = text.replace(".", ",")
            # Put right, left as read, or as the boxes alone leave it ('3,25' at 72 dpi, 7 pt,
            # its point one with the digits' ink: '325').
            assert separators_as_inked(fault, label.members, pitch, lum, 255.0) in \
                (text, fault, separators_as_inked(fault, label.members, pitch)), \
                (text, label.members)
    print(font, dpi, size, jpeg, "commas put right", undone, "of", faults, "true commas kept",
          kept)
    if jpeg is None:
        # Touching digits at 72-96 dpi may leave a reading as read (never a wrong one).
        assert undone >= (faults - 2 if dpi <= 96 else faults), (undone, faults)


@pytest.mark.parametrize("font, dpi", [
    (font, dpi) for font in ("DejaVu Sans", "Nimbus Sans", "Nimbus Roman")
    for dpi in (72, 100, 150, 300)
    # Times at 10 pt and 72 dpi: its hairlines break a '2' into pieces (no label to read).
    if (font, dpi) != ("Nimbus Roman", 72)])
def test_separators_read_right_are_kept_and_faults_undone(tmp_path, font, dpi):
    """On real glyphs: the true reading is never changed; a point where none is drawn is
    dropped, and a comma read as a point (a point as a comma) is put right, wherever the
    glyphs are told apart (touching digits at 72 dpi may leave a reading as it is)."""
    pairs, pitch = drawn_labels(tmp_path, font, dpi)
    assert pitch is not None
    changed = 0
    for text, label in pairs:
        true = normalise(text)
        assert separators_as_inked(true, label.members, pitch) == true, (text, label.members)
        digits = re.sub(r"[.,]", "", true)
        faults = {}
        if "," in true:
            faults[true.replace(",", ".")] = true
        if "." in true:
            faults[true.replace(".", ",")] = true
        if re.fullmatch(r"-?\d{4,}", true):
            faults[digits[:-2] + "." + digits[-2:]] = true  # '10500' read '105.00'
        for fault, right in faults.items():
            mended = separators_as_inked(fault, label.members, pitch)
            # Put right, or left as read where the glyphs cannot tell (never another fault).
            assert mended in (right, fault), (text, fault, mended, label.members)
            changed += mended == right
    print(font, dpi, "faults undone", changed)
    # Most faults are undone (at 72 dpi touching digits hide some, and '12.300' read '12,300'
    # is left as read: a point before three digits is taken only on digits 9 px high at
    # least, these are 8).
    assert changed >= (5 if dpi == 72 else 8), changed


def test_point_inserted_on_every_colorbar_label_undone(tmp_path, monkeypatch):
    """A matplotlib colorbar 10500-12500 whose every label Tesseract reads with a point
    inserted ('12250' as '122.50'): the values lie on a line a hundredth of the true one,
    and were taken (105-125, no warning). Each label's glyphs show no point: the range is read
    right at 72, 100 and 200 dpi."""
    grid, extent = lonlat_topobathy()
    scaled = 10500 + (grid - np.nanmin(grid)) / (np.nanmax(grid) - np.nanmin(grid)) * 2000.0
    read_label = figure_reading.read_label

    def inserting_a_point(image):
        text, confidence = read_label(image)
        if re.fullmatch(r"1\d{4}", normalise(text)):
            return text[:3] + "." + text[3:], confidence
        return text, confidence

    monkeypatch.setattr(figure_reading, "read_label", inserting_a_point)
    for dpi in (72, 100, 200):
        truth = render_matplotlib(scaled, extent, tmp_path / f"fig{dpi}.png", cmap="viridis",
                                  vmin=10500.0, vmax=12500.0, dpi=dpi)
        rgb = read_figure(str(truth.path)).rgb
        bar = read_figure_face(rgb, detect_layout(rgb), want_axes=False).colorbar
        assert (bar.vmin, bar.vmax) == pytest.approx((10500.0, 12500.0), abs=10.0), \
            (dpi, [label.text for label in bar.axis.labels])
        outcome = decode_map(DecodeSettings(figure_path=str(truth.path), scale_automatic=True))
        assert (outcome.mapping.vmin, outcome.mapping.vmax) == \
            pytest.approx((10500.0, 12500.0), abs=10.0)
        # The fault is real: without the check the range is read a hundredth of the truth.
        with monkeypatch.context() as unchecked:
            unchecked.setattr(figure_reading, "separators_as_inked", lambda text, *ink: text)
            bar = read_figure_face(rgb, detect_layout(rgb), want_axes=False).colorbar
            assert bar.vmax == pytest.approx(125.0, abs=0.5), (dpi, bar.vmin, bar.vmax)


@pytest.mark.parametrize("texts, odd", [
    (("10,500", "12,300"), False),            # a QGIS legend's two end labels
    (("10,500", "12.300"), True),             # the second one's comma read as a point
    (("12,000", "12,500", "13,000"), False),
    (("12,000", "12500", "13,000"), True),    # a comma lost on one label
    (("10500", "11000", "11500"), False),
    (("0.5", "1.0", "1.5"), False),
    (("0", "0.5", "1", "1.5"), False),        # GMT's %g
    (("-1,500", "0", "1,500"), False),
])
def test_labels_of_one_bar_share_one_format(texts, odd):
    """The kept labels of an axis or a bar are written with one separator and one grouping:
    two labels are enough to tell (value_step_problem says so for any number of labels)."""
    from colormap_decoder.plugin.engine.detection.labels import parse_label
    from colormap_decoder.plugin.engine.detection.ticks import (
        TickFit,
        TickLabel,
        separators_problem,
        value_step_problem,
    )

    labels = [TickLabel((0, 0, 1, 1), text, parse_label(text).value, 100.0 * index)
              for index, text in enumerate(texts)]
    for label in labels:
        label.kept = True
    assert bool(separators_problem(labels)) == odd, separators_problem(labels)
    fit = TickFit(1.0, 0.0, False, labels, np.zeros(len(labels)))
    if odd:
        assert separators_problem(labels) == value_step_problem(fit)


@pytest.mark.parametrize("font", ["DejaVu Sans", "DejaVu Serif", "Nimbus Sans", "Nimbus Roman"])
@pytest.mark.parametrize("size", [11, 14])
def test_different_digits_never_taken_for_one_character(tmp_path, font, size):
    """Every digit pair of one font and size drawn by matplotlib at 120 dpi (glyphs 13-18 px
    high), each digit at several sub-pixel places: glyphs of different digits are never as
    alike as one character (label_checks.ALIKE_MAX_DIFFERING_PX), so a right reading is never
    doubted."""
    import matplotlib.pyplot as plt

    from colormap_decoder.plugin.engine.detection.label_checks import (
        digits_read_unlike_their_glyphs,
    )

    # Spaced, so that no two digits touch (each one glyph) and each stands at its own phase.
    texts = [" ".join(digits) for digits in ("0123456789", "9876543210", "5038271649",
                                             "2468013579")]
    figure = plt.figure(figsize=(4.0, 0.4 * len(texts)), dpi=120)
    for row, text in enumerate(texts):
        figure.text(0.05 + 0.013 * row, 1 - (row + 0.7) / len(texts), text, fontsize=size,
                    family=font)
    path = tmp_path / "digits.png"
    figure.savefig(path, dpi=120)
    plt.close(figure)
    lum = read_figure(str(path)).rgb.astype(float) @ np.array([0.299, 0.587, 0.114])
    labels = sorted(merge_into_labels(find_glyphs(ink_mask(lum, 255.0), max_height=40),
                                      gap_factor=2.0), key=lambda label: label.row0)
    assert len(labels) == len(texts)
    readings = list(zip(texts, [label.members for label in labels]))
    assert all(len(members) == 10 for _, members in readings), [len(m) for _, m in readings]
    assert digits_read_unlike_their_glyphs(readings, lum, 255.0) == ""
    # The check sees them: with one label's digits read in another order, it speaks.
    misread = [(texts[1], readings[0][1])] + readings[1:]
    assert digits_read_unlike_their_glyphs(misread, lum, 255.0) != ""


def test_piece_of_a_digit_confirms_no_point():
    """A point Tesseract read where a piece of a digit lies (the ball of Nimbus Roman's '5',
    broken off under the ink mask, within the '5''s columns: QGIS's '750' at 10 pt, 120 dpi)
    is no separator: the digits around it stand a pitch apart, not a separator's room. A
    point standing clear of both digits, with its room, stays."""
    broken = [(685, 368, 692, 380), (693, 378, 697, 380), (694, 368, 700, 379),
              (702, 368, 710, 380)]
    assert separators_as_inked("7.50", broken, 8.8) == "750"
    apart = [(685, 368, 692, 380), (694, 378, 696, 380), (698, 368, 704, 379),
             (707, 368, 713, 380)]
    assert separators_as_inked("7.50", apart, 8.8) == "7.50"


#: QGIS's '2,205m' in Nimbus Roman 7 pt at 96 dpi as the ink mask cuts it (legend_matrix
#: units): the '2', the comma's head (its tail a pixel under the mask), the second '2' in two
#: pieces (its foot under the comma's column's neighbours, its top), '05' as one glyph and the
#: 'm' in two.
BROKEN_2205 = [(548, 290, 551, 297), (552, 296, 553, 297), (554, 296, 558, 297),
               (556, 290, 560, 296), (561, 291, 567, 297), (570, 293, 571, 297),
               (572, 292, 576, 297)]


def test_lone_separator_told_among_broken_glyphs():
    """Glyphs that map on no characters (a serif font broken apart under the ink mask) leave
    the one glyph that stands alone in the text's lower half, where the reading has its
    separator: it decides the separator's kind (by its box here, no luma given), and a point
    Tesseract dropped is put back there when the digits either side stand a separator's room
    apart."""
    comma = [box if box != (552, 296, 553, 297) else (552, 296, 553, 299)
             for box in BROKEN_2205]
    assert lone_separator_as_inked("2.205m", comma, 6.0) == "2,205m"
    assert separators_as_inked("2.205m", comma, 6.0) == "2,205m"
    # (The true '2,205m', its comma's tail under the mask, is kept by its coverage on the
    # real render: tests/qgis/test_detection_legend_unconfirmed_readings.py.)
    # The reading's separator elsewhere than the glyph: left as read.
    assert lone_separator_as_inked("22.05m", comma, 6.0) == "22.05m"
    # No pitch measured, or none plausible for 7 px digits (3.5 px, 9 px): one from their
    # height (0.76 of it) places the glyph.
    for pitch in (None, 3.5, 9.0, [None, 9.0]):
        assert lone_separator_as_inked("2.205m", comma, pitch) == "2,205m"
    # A second piece standing alone: nothing tells which is the separator.
    assert lone_separator_as_inked("2.205m", comma + [(568, 296, 569, 297)], 6.0) == "2.205m"
    # QGIS's '23.5' in Nimbus Roman 12 pt at 120 dpi through a JPEG of quality 70, read '235':
    # its point three pixels high, the ball of the '5' broken off within the '5''s columns.
    dropped = [(685, 487, 694, 501), (695, 487, 703, 501), (706, 498, 708, 501),
               (710, 499, 714, 501), (711, 487, 718, 500)]
    assert lone_separator_as_inked("235", dropped, 9.5) == "23.5"
    # A speck between digits a pitch apart (no separator's room) puts nothing back.
    speck = [(685, 487, 694, 501), (694, 498, 695, 501), (695, 487, 703, 501),
             (704, 487, 712, 501)]
    assert lone_separator_as_inked("235", speck, 9.5) == "235"


@pytest.mark.parametrize("font, dpi, size, truth, reading", [
    # Digits 7 px high: the comma's coverage reaches 0.26-0.30 px below them, a point's
    # threshold 0.32 px; sep48 read '1.250' (no plausible pitch: 0.76 of the height).
    ("URW Bookman", 72, 10, "1,250", "1,250"),
    ("URW Bookman", 72, 10, "1,250", "1250"),
    # A condensed font: its pitch 0.5-0.65 of the height, the height's 0.76 too wide; sep48
    # read '1,2300' (its separator a digit early).
    ("Nimbus Sans Narrow", 72, 10, "12,300", "12300"),
    ("Nimbus Sans Narrow", 96, 8, "12,300", "12300"),
])
def test_lone_separator_outside_the_measured_fonts_left_as_read(tmp_path, font, dpi, size,
                                                                truth, reading):
    """A lone separator among glyphs that map on no characters, in fonts outside those its
    pitch and descent were measured on (legend_matrix's five), is put right or left as read,
    never made wrong: with no measured pitch it is placed only where every plausible pitch
    (0.6-1.0 of the digits' height) puts it, and a comma becomes a point before three digits
    only on digits 9 px high at least whose coverage says so clearly."""
    texts = ("1,250", "3,405", "5,500", "12,300")
    pairs, _, lum = drawn_labels(tmp_path, font, dpi, size, texts, with_luma=True)
    labels = [label for _, label in pairs]
    label = dict(pairs)[truth]
    # The pitches as the reader gathers them: the label's own, then the figure's.
    pitches = [digit_pitch([label], label.height, least_pairs=1),
               digit_pitch(labels, label.height)]
    if "," in reading:
        first = next((pitch for pitch in pitches if pitch is not None), None)
        mended = separators_as_inked(reading, label.members, first, lum, 255.0, pitches)
    else:
        mended = lone_separator_as_inked(reading, label.members, pitches, lum, 255.0)
    assert mended in (truth, reading), (sorted(label.members), pitches)


def colorbar_tick_labels(tmp_path, font, size, texts, jpeg):
    """``texts`` written by matplotlib in ``font`` (``size`` pt) as the tick labels of a
    vertical colour bar at 96 dpi, saved as a JPEG of quality ``jpeg``, and found as the
    detection finds labels: (text, label) pairs, every label found, and the figure's luma."""
    from PIL import Image

    figure = plt.figure(figsize=(2.0, 3.6), dpi=96)
    axes = figure.add_axes([0.1, 0.05, 0.15, 0.9])
    axes.imshow(np.linspace(0, 1, 100)[:, None], aspect="auto", cmap="viridis",
                origin="lower", extent=[0, 1, 0, len(texts)])
    axes.set_xticks([])
    axes.yaxis.tick_right()
    axes.set_yticks([index + 0.5 for index in range(len(texts))])
    axes.set_yticklabels(texts, fontfamily=font, fontsize=size)
    path = tmp_path / "colorbar.png"
    figure.savefig(path, dpi=96, facecolor="white")
    plt.close(figure)
    Image.open(path).convert("RGB").save(path.with_suffix(".jpg"), quality=jpeg)
    lum = read_figure(str(path.with_suffix(".jpg"))).rgb.astype(float) @ \
        np.array([0.299, 0.587, 0.114])
    labels = merge_into_labels(find_glyphs(ink_mask(lum, 255.0)))
    # The tick labels right of the bar, from the lowest (the first text) up.
    ticks = sorted((label for label in labels if label.col0 >= 0.3 * lum.shape[1]
                    and label.members and len(label.members) >= 2),
                   key=lambda label: -label.row0)
    assert len(ticks) == len(texts), [label.box() for label in ticks]
    return list(zip(texts, ticks)), labels, lum


@pytest.mark.parametrize("font, size, jpeg, truth, reading", [
    # Digits 10 px high: the comma's coverage reaches 0.34 px below them (0.034 of their
    # height), the comma's threshold 0.45 px; sep48 read '12.300' (0.11 px from it was sure).
    ("Nimbus Roman", 11, 60, "12,300", "12300"),
    ("Nimbus Roman", 11, 60, "12,300", "12,300"),
    # Glyphs mapped on the characters: the comma read was turned a point ('1.250').
    ("Nimbus Roman", 12, 45, "1,250", "1,250"),
    ("URW Bookman", 13, 45, "1,250", "1,250"),
])
def test_thousands_comma_faint_in_a_jpeg_never_turned_a_point(tmp_path, font, size, jpeg,
                                                               truth, reading):
    """A thousands comma whose tail, in a JPEG at 96 dpi, reaches barely below the digits
    (0.034-0.039 of their height, a point's 0.038 at most) is never made a point before its
    three digits (the number a thousand times smaller): put right or left as read, whether
    its glyphs map on the characters (:func:`separators_as_inked`) or not
    (:func:`lone_separator_as_inked`)."""
    texts = ("1,250", "3,405", "5,500", "12,300")
    pairs, labels, lum = colorbar_tick_labels(tmp_path, font, size, texts, jpeg)
    label = dict(pairs)[truth]
    # The pitches as the reader gathers them: the label's own, then the figure's.
    pitches = [pitch for pitch in (digit_pitch([label], label.height, least_pairs=1),
                                   digit_pitch(labels, label.height)) if pitch is not None]
    if "," in reading:
        mended = separators_as_inked(reading, label.members, pitches[0] if pitches else None,
                                     lum, 255.0, pitches)
    else:
        mended = lone_separator_as_inked(reading, label.members, pitches, lum, 255.0)
    assert mended in (truth, reading), (sorted(label.members), pitches)


def test_lone_speck_in_a_space_grouped_number_puts_no_point():
    """A speck alone in the gap of a number grouped by a space ('12 300': five digits, a
    1x2 px speck between the '2' and the '3') puts no point there: '12.300' would read the
    number a thousand times too small."""
    digits = [(0, 0, 6, 10), (7, 0, 13, 10), (18, 0, 24, 10), (25, 0, 31, 10),
              (32, 0, 38, 10)]
    speck = (15, 8, 16, 10)
    assert lone_separator_as_inked("12 300", digits + [speck], 7.0) == "12 300"



@pytest.mark.parametrize("font", ["DejaVu Sans", "Nimbus Sans", "Nimbus Roman", "DejaVu Serif"])
def test_point_read_as_a_digit_put_back(tmp_path, font):
    """A separator read by Tesseract as a digit (QGIS's '23.5' in Nimbus Roman 12 pt at 120
    dpi through a JPEG read '2355', '2.25' read '2125'): one digit more than the label's
    digits' glyphs. On matplotlib's labels at 8-12 pt, 96-150 dpi, PNG and JPEG 70 and 50,
    each separator of each one read as every digit in turn is put back as drawn (a comma a
    comma) or the reading left as it is (a point touching its digit, digits touching: no
    glyph to each character). A point may be put back as a comma before fewer than three digits (its
    coverage's descent near a comma's: Nimbus Sans 8 pt at 96 dpi, JPEG 50, '1.11' read
    '1011' put back '1,11'), which :func:`separators_as_inked` makes a point again where
    the reader meets it: the value read in the end is the true one, never another. Right
    readings are never changed."""
    from colormap_decoder.plugin.engine.detection.label_checks import point_read_as_digit
    from colormap_decoder.plugin.engine.detection.labels import parse_label

    texts = ("23.5", "0.5", "2.25", "-124.5", "12,300", "3.25", "10500", "91.6", "1,250",
             "1.11", "11.1", "-11.15")
    undone = faults = as_comma = 0
    for dpi, size, jpeg in itertools.product((96, 120, 150), (8, 10, 12), (None, 70, 50)):
        folder = tmp_path / f"{dpi}_{size}_{jpeg}"
        folder.mkdir()
        try:
            pairs, pitch, lum = drawn_labels(folder, font, dpi, size, texts, with_luma=True,
                                             jpeg=jpeg)
        except AssertionError:
            continue  # glyphs broken into pieces (Times's hairlines) or merged: no labels
        for text, label in pairs:
            true = normalise(text)
            assert point_read_as_digit(true, label.members, pitch, lum, 255.0) == true
            if true.count(".") + true.count(",") != 1:
                continue
            place = true.index("." if "." in true else ",")
            for digit in "0123456789":
                fault = true[:place] + digit + true[place + 1:]
                mended = point_read_as_digit(fault, label.members, [pitch], lum, 255.0)
                if mended not in (true, fault):
                    # A point put back as a comma: the reader's next check of the label's
                    # separators (separators_as_inked) reads it as the true value.
                    inked = separators_as_inked(mended, label.members, pitch, lum, 255.0,
                                                [pitch])
                    assert mended == true.replace(".", ",") and \
                        parse_label(inked).value == parse_label(true).value, \
                        (dpi, size, jpeg, fault, mended, inked, label.members)
                    as_comma += 1
                faults += 1
                undone += mended in (true, true.replace(".", ","))
    print(font, "points read as digits put back", undone, "of", faults, "as a comma", as_comma)
    # Most are put back; the rest are points touching a digit, or digits touching each other.
    assert faults and undone >= 0.6 * faults, (undone, faults)


# Glyph boxes (col0, row0, col1, row1) of '23.5' with digits 20 px high, 10 wide, 14 apart
# (centre to centre), the point between the '3' and the '5' taking half a digit's room: the
# reading '2355' is put back '23.5'. Each case below changes one thing the guards of
# point_read_as_digit judge, and the small glyph is then no separator.
_DIGITS_23_5 = [(0, 0, 10, 20), (14, 0, 24, 20), (35, 0, 45, 20)]
_POINT_23_5 = (28, 17, 31, 20)


@pytest.mark.parametrize("digits, glyph, why", [
    (_DIGITS_23_5, (28, 10, 32, 20), "half the digits' height: no separator's size"),
    (_DIGITS_23_5, (27, 9, 33, 11), "a dash at mid-height: not in the lower half"),
    (_DIGITS_23_5, (28, 0, 32, 5), "a degree sign: in the upper half"),
    (_DIGITS_23_5, (24, 17, 27, 20), "touching the '3': no blank column between"),
    ([(0, 0, 10, 20), (14, 0, 24, 20), (28, 0, 38, 20)], (25, 17, 27, 20),
     "digits a pitch apart: no separator's room between"),
])
def test_small_glyph_that_is_no_separator_left_as_read(digits, glyph, why):
    """A small glyph between two digits that is not a separator's, by its size, its place in
    the text's height, a blank column either side or the room between the digits beside it,
    leaves the reading as Tesseract made it ('2355', one digit more than the digits' glyphs),
    for the count of the glyphs to set aside: no point is put where none is drawn. The same
    boxes with a point's glyph in its place are put back (the guard alone decides)."""
    from colormap_decoder.plugin.engine.detection.label_checks import point_read_as_digit

    assert point_read_as_digit("2355", _DIGITS_23_5 + [_POINT_23_5], 14.0) == "23.5"
    assert point_read_as_digit("2355", digits + [glyph], 14.0) == "2355", why


def test_point_before_three_digits_left_as_read_unless_surely_one():
    """A point before three digits is put back only on a glyph surely a point: on digits
    under :data:`SURE_POINT_MIN_HEIGHT_PX` high a comma's tail may be lost to the ink mask,
    and '1,250' taken for '1.250' would read the number a thousand times too small. '12250'
    over digits 8 px high is left as read; '1225' (two digits after it) is put back."""
    from colormap_decoder.plugin.engine.detection.label_checks import point_read_as_digit

    digits = [(0, 0, 4, 8), (9, 0, 13, 8), (15, 0, 19, 8), (21, 0, 25, 8)]
    point = (5, 6, 7, 8)
    assert point_read_as_digit("12250", digits + [point], 6.0) == "12250"
    assert point_read_as_digit("1225", digits[:3] + [point], 6.0) == "1.25"


@pytest.mark.parametrize("font", ["DejaVu Sans", "Nimbus Sans", "DejaVu Serif"])
def test_small_glyph_read_as_a_digit_is_no_point(tmp_path, font):
    """A range's dash or a degree sign between digits (matplotlib's '10\u201320', '12\u00b05')
    that Tesseract read as a digit ('10120', '1215') is no point: it stands at mid-height or
    above, or is wider than a separator. The reading is left as read, never made '10.20' or
    '12.5'."""
    from colormap_decoder.plugin.engine.detection.label_checks import point_read_as_digit

    texts = ("10\u201320", "12\u00b05", "5\u201310", "100\u2013200", "3\u00b025")
    judged = 0
    for dpi, size, jpeg in itertools.product((96, 150), (8, 12), (None, 70)):
        folder = tmp_path / f"{dpi}_{size}_{jpeg}"
        folder.mkdir()
        try:
            pairs, pitch, lum = drawn_labels(folder, font, dpi, size, texts, with_luma=True,
                                             jpeg=jpeg)
        except AssertionError:
            continue  # glyphs broken into pieces or merged: no labels
        for text, label in pairs:
            place = next(index for index, character in enumerate(text)
                         if not character.isdigit())
            for digit in "0123456789":
                fault = text[:place] + digit + text[place + 1:]
                assert point_read_as_digit(fault, label.members, [pitch], lum, 255.0) == \
                    fault, (dpi, size, jpeg, fault, label.members)
                judged += 1
    assert judged, "no labels drawn"


GAP_TEXTS = ("0.125", "3.405", "-1.035", "12.250", "9.375", "0.975", "1,035", "2,205", "12,300")


def texts_over_a_tick(font, size, dpi, jpeg=None, tick_under=None, colour="k"):
    """:data:`GAP_TEXTS` written by matplotlib's ``fig.text`` in ``font`` (``size`` pt, at
    ``dpi``, in ``colour``), three to a row, each with a tick 6 px long drawn down from
    ``tick_under`` pixels under its baseline below its separator (none when None), saved as a
    PNG or a JPEG of quality ``jpeg``: the members of each text's label, by text, and the
    figure's luma."""
    import io

    from PIL import Image

    figure = plt.figure(figsize=(6, 2.2), dpi=dpi)
    placed = [(text, figure.text(0.05 + 0.32 * (index % 3), 0.8 - 0.33 * (index // 3), text,
                                 fontsize=size, va="baseline", family=font, color=colour))
              for index, text in enumerate(GAP_TEXTS)]
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()

    def width(text):
        probe = figure.text(0, 0, text, fontsize=size, family=font)
        extent = probe.get_window_extent(renderer).width
        probe.remove()
        return extent

    for text, artist in placed:
        if tick_under is None:
            continue
        head = text[:text.index("." if "." in text else ",")]
        # Under the separator: midway along its advance.
        centre = artist.get_window_extent(renderer).x0 + 0.5 * (width(head) + width(head + "."))
        baseline = artist.get_transform().transform(artist.get_position())[1]
        top = baseline - tick_under - 0.5
        figure.add_artist(plt.Line2D([centre, centre], [top, top - 6], transform=None,
                                     color=colour, lw=72 / dpi))
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    plt.close(figure)
    image = Image.open(buffer).convert("RGB")
    if jpeg:
        compressed = io.BytesIO()
        image.save(compressed, format="jpeg", quality=jpeg)
        image = Image.open(compressed).convert("RGB")
    lum = np.asarray(image).astype(float) @ np.array([0.299, 0.587, 0.114])
    members = {}
    for label in merge_into_labels(find_glyphs(ink_mask(lum, 255.0))):
        centre_row = 1 - 0.5 * (label.row0 + label.row1) / lum.shape[0]
        near = [text for index, text in enumerate(GAP_TEXTS)
                if abs(label.col0 / lum.shape[1] - 0.05 - 0.32 * (index % 3)) < 0.05
                and abs(centre_row - 0.8 + 0.33 * (index // 3)) < 0.12]
        # A text's label is its largest (a tick alone is a label of its own).
        if label.members and len(near) == 1 and \
                len(label.members) > len(members.get(near[0], ())):
            members[near[0]] = label.members
    return members, lum


def comma_seen_in_the_gap(text, members, lum):
    """What :func:`label_checks._comma_in_gap` says of the gap before ``text``'s last three
    digits, between their glyphs among ``members``, as :func:`separators_as_inked` asks it."""
    from colormap_decoder.plugin.engine.detection import label_checks

    tallest = max(members, key=lambda box: box[3] - box[1])
    height = tallest[3] - tallest[1]
    full = sorted(box for box in members if label_checks._full_height(box, tallest))
    assert len(full) == sum(character.isdigit() for character in text), (text, sorted(members))
    before = sum(character.isdigit() for character in text[:-4])
    return label_checks._comma_in_gap(full[before - 1], full[before], full,
                                      float(np.median([box[3] for box in full])), height,
                                      lum, 255.0)


@pytest.mark.parametrize("font, size, dpi, jpeg, colour, text", [
    # Digits 4 px high: the point's coverage reached 0.076 of them below the digits.
    ("P052", 7, 72, 80, "k", "-1.035"),
    # Digits 6 px high, grey text: 0.097.
    ("URW Bookman", 12, 72, None, "0.5", "0.975"),
])
def test_point_on_small_digits_never_taken_for_a_comma_in_the_gap(font, size, dpi, jpeg, colour,
                                                                  text):
    """A true point before three digits on digits under SURE_POINT_MIN_HEIGHT_PX (coverage
    cannot tell a point from a comma there) is never taken for a comma hanging in the gap:
    the number would be read a thousand times too large."""
    members, lum = texts_over_a_tick(font, size, dpi, jpeg, colour=colour)
    assert not comma_seen_in_the_gap(text, members[text], lum)


@pytest.mark.parametrize("font, size, dpi, jpeg, text", [
    ("Nimbus Sans", 7, 150, None, "9.375"),    # digits 11 px high
    ("Nimbus Sans", 7, 150, 50, "0.975"),
    ("Nimbus Roman", 8, 120, None, "3.405"),   # 9 px
    ("P052", 10, 96, None, "12.250"),          # 9 px
])
def test_tick_under_a_point_never_taken_for_a_comma_tail(font, size, dpi, jpeg, text):
    """A tick drawn down from a true point before three digits (a line, not a comma's tail:
    its ink goes on past where a comma's ends) is never taken for a comma hanging in the
    gap."""
    members, lum = texts_over_a_tick(font, size, dpi, jpeg, tick_under=0)
    assert not comma_seen_in_the_gap(text, members[text], lum)


@pytest.mark.parametrize("font, size, dpi, jpeg, colour", [
    ("Nimbus Roman", 12, 96, 80, "k"),    # digits 10 px high, the comma's tail 0.16 of them
    ("Nimbus Sans", 12, 72, None, "0.5"),  # 9 px, grey
])
def test_comma_in_the_gap_still_seen(font, size, dpi, jpeg, colour):
    """The control of the two tests above: a true comma of '2,205' whose glyph joined no
    label (the digits' gap empty of glyphs) is still seen in the gap by its ink, on digits
    tall enough, with no line under it."""
    members, lum = texts_over_a_tick(font, size, dpi, jpeg, colour=colour)
    assert comma_seen_in_the_gap("2,205", members["2,205"], lum)
