"""An axis' leading digit misread alike on every label: its glyph is drawn as a digit read
otherwise on the same axis.

sweep_auto_decode --wide seed 142 #3 (matplotlib pcolormesh of the Vinschgau DEM in km, bmh,
DejaVu Serif 12 pt at 72 dpi, glyphs 10 px high): Tesseract read every y label's leading '5' as
'9' ('5167.5' as '9167.5', '5155' as '9155'). The labels stay evenly spaced in value, so the
fit took them (residuals 0.12 px) and the map was georeferenced 4000 km north, with nothing
said (GCP error 70,490 px). The glyph read '9' is drawn as the '5's read right further along
the same labels are. From 12 px high no pixel of one digit's two drawings differs
(label_checks.ALIKE_MAX_DIFFERING_PX); at 9-11 px two different digits may differ at no pixel
either, so glyphs that small are compared by their summed difference
(label_checks.SMALL_ALIKE_MAX_SHARE), and the axis gets a warning naming GCPS.

Real glyphs: the labels drawn by matplotlib as the figure drew them; the misread is
Tesseract's, as the sweep logged it.
"""
import matplotlib
import numpy as np
import pytest

from colormap_decoder.plugin.engine.detection.label_checks import (
    AXIS_ALIKE_MIN_HEIGHT_PX,
    digits_read_unlike_their_glyphs,
)
from colormap_decoder.plugin.engine.detection.text import find_glyphs, ink_mask, merge_into_labels
from colormap_decoder.plugin.engine.figure import read_figure

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402 - after choosing the backend

#: The y labels of the sweep's figure, top to bottom.
Y_LABELS = ["5167.5", "5165", "5162.5", "5160", "5157.5", "5155", "5152.5"]


def drawn_labels(tmp_path, texts, font, size, dpi, right_aligned=True):
    """``texts`` drawn one under the other by matplotlib (right-aligned, as y tick labels are),
    read back as labels: (luma, [label members])."""
    figure = plt.figure(figsize=(2.0, 0.35 * len(texts)), dpi=dpi)
    for row, text in enumerate(texts):
        figure.text(0.9 if right_aligned else 0.05, 1 - (row + 0.7) / len(texts), text,
                    fontsize=size, family=font, ha="right" if right_aligned else "left")
    path = tmp_path / "labels.png"
    figure.savefig(path, dpi=dpi)
    plt.close(figure)
    lum = read_figure(str(path)).rgb.astype(float) @ np.array([0.299, 0.587, 0.114])
    labels = sorted(merge_into_labels(find_glyphs(ink_mask(lum, 255.0), max_height=40),
                                      gap_factor=2.0), key=lambda label: label.row0)
    assert len(labels) == len(texts), [label.box() for label in labels]
    return lum, [label.members for label in labels]


def test_leading_digit_misread_on_every_label_is_seen(tmp_path):
    """DejaVu Serif 12 pt at 72 dpi, as the sweep's figure: its right readings raise nothing;
    its leading '5' read '9' on every label is seen (the glyph drawn as the '5's read right)."""
    lum, members = drawn_labels(tmp_path, Y_LABELS, "DejaVu Serif", 12, 72)
    heights = [max(box[3] - box[1] for box in label) for label in members]
    assert min(heights) >= AXIS_ALIKE_MIN_HEIGHT_PX and max(heights) < 12, heights
    right = [(text, label) for text, label in zip(Y_LABELS, members)]
    assert digits_read_unlike_their_glyphs(right, lum, 255.0, AXIS_ALIKE_MIN_HEIGHT_PX) == ""
    misread = [("9" + text[1:], label) for text, label in right]
    problem = digits_read_unlike_their_glyphs(misread, lum, 255.0, AXIS_ALIKE_MIN_HEIGHT_PX)
    assert "read '9'" in problem and "read '5'" in problem, problem


@pytest.mark.parametrize("font", ["DejaVu Sans", "DejaVu Serif", "Nimbus Sans"])
@pytest.mark.parametrize("dpi, size", [(72, 12), (72, 14), (96, 10), (100, 11)])
def test_different_small_digits_never_taken_for_one_character(tmp_path, font, dpi, size):
    """Every digit pair of one font and size drawn by matplotlib with glyphs 9-12 px high, each
    digit at several sub-pixel places: glyphs of different digits are never as alike as one
    character, so a right reading of an axis is never doubted; one label's digits read in
    another order are seen."""
    texts = [" ".join(digits) for digits in ("0123456789", "9876543210", "5038271649",
                                             "2468013579", "1357924680")]
    lum, members = drawn_labels(tmp_path, texts, font, size, dpi, right_aligned=False)
    assert all(len(label) == 10 for label in members), [len(label) for label in members]
    readings = list(zip(texts, members))
    assert digits_read_unlike_their_glyphs(readings, lum, 255.0, AXIS_ALIKE_MIN_HEIGHT_PX) == ""
    misread = [(texts[1], members[0])] + readings[1:]
    assert digits_read_unlike_their_glyphs(misread, lum, 255.0, AXIS_ALIKE_MIN_HEIGHT_PX) != ""


@pytest.mark.parametrize("font, size, dpi", [("DejaVu Sans", 8, 72), ("Nimbus Sans", 8, 100),
                                             ("DejaVu Serif", 12, 72)])
def test_glyphs_whose_inks_differ_are_never_aligned_alike(tmp_path, font, size, dpi):
    """label_checks._drawn_alike skips the alignment of two glyphs whose inks differ by more
    than the share allowed: moving a glyph keeps its ink, so their summed difference
    (glyph_difference_share) is never less than the difference of their inks. Checked on every
    pair of digits drawn by matplotlib at several sub-pixel phases (7-10 px glyphs): the bound
    holds, so the skip changes no decision (behaviour unchanged, faster)."""
    from colormap_decoder.plugin.engine.detection.label_checks import (
        glyph_coverage,
        glyph_difference_share,
    )

    texts = ["0123456789", " 0123456789", "  0123456789", "9876543210"]
    lum, members = drawn_labels(tmp_path, texts, font, size, dpi, right_aligned=False)
    coverages = [glyph_coverage(lum, 255.0, box) for label in members for box in label]
    assert len(coverages) >= 30, len(coverages)
    for index, first in enumerate(coverages):
        for second in coverages[index + 1:]:
            inks = float(first.sum()), float(second.sum())
            bound = abs(inks[0] - inks[1]) / max(max(inks), 1e-9)
            assert glyph_difference_share(first, second) >= bound - 1e-9


def test_glyphs_of_12_px_and_more_are_moved_once_each_not_once_a_pair(tmp_path, monkeypatch):
    """label_checks.glyph_difference_px (glyphs 12 px high and more) compares every pair of
    digit glyphs of a figure's labels at 36 placements: the glyphs' half-pixel moves
    (_half_shifted) are made once per glyph and canvas size, not once per pair (a QGIS legend
    with 137 digit glyphs 12 px high, sweep_qgis_layouts 275 #1, made 75,416 moves and spent
    10-19 s of its 1-3 s reading there). The counts are the ones the placements taken one by
    one give, so no decision changes."""
    from colormap_decoder.plugin.engine.detection import label_checks

    texts = ["0123456789", " 9876543210", "  5038271649", "2468013579"]
    lum, members = drawn_labels(tmp_path, texts, "DejaVu Sans", 12, 120, right_aligned=False)
    assert min(max(box[3] - box[1] for box in label) for label in members) >= \
        label_checks.ALIKE_MIN_HEIGHT_PX
    readings = [(text.strip(), label) for text, label in zip(texts, members)]
    moves = []
    real_half_shifted = label_checks._half_shifted

    def counted_half_shifted(coverage, rows, cols):
        moves.append(coverage.shape)
        return real_half_shifted(coverage, rows, cols)

    monkeypatch.setattr(label_checks, "_half_shifted", counted_half_shifted)
    label_checks._cached_half_shifted_copies.cache_clear()  # another test's copies, none made
    assert label_checks.digits_read_unlike_their_glyphs(readings, lum, 255.0) == ""
    glyphs = sum(len(label) for label in members)
    pairs = glyphs * (glyphs - 1) // 2
    # Every pair of different digits is compared (the readings are right): 4 moves a pair
    # before, here 4 a glyph and canvas size (a glyph meets one or two sizes).
    assert len(moves) <= 4 * 2 * glyphs < pairs, (len(moves), glyphs, pairs)

    def one_by_one(first, second):
        counts = []
        for half_rows in (0, 1):
            for half_cols in (0, 1):
                moved = real_half_shifted(second, half_rows, half_cols)
                rows = max(first.shape[0], moved.shape[0]) + 2
                cols = max(first.shape[1], moved.shape[1]) + 2
                fixed = np.zeros((rows, cols))
                fixed[1:1 + first.shape[0], 1:1 + first.shape[1]] = first
                for row in (0, 1, 2):
                    for col in (0, 1, 2):
                        placed = np.zeros((rows, cols))
                        placed[row:row + moved.shape[0], col:col + moved.shape[1]] = moved
                        counts.append(int((np.abs(fixed - placed) >
                                           label_checks.DIFFERING_COVERAGE).sum()))
        return min(counts)

    coverages = [label_checks.glyph_coverage(lum, 255.0, box)
                 for label in members for box in label]
    try:
        for first in coverages[:12]:
            for second in coverages:
                assert label_checks.glyph_difference_px(first, second) == \
                    one_by_one(first, second)
    finally:
        # Called directly, not through a releasing comparison: its copies are released here.
        label_checks._cached_half_shifted_copies.cache_clear()


def test_glyphs_under_12_px_are_moved_in_two_passes_not_one_copy_at_a_time(tmp_path,
                                                                            monkeypatch):
    """label_checks.glyph_difference_share (glyphs under 12 px) aligns two glyphs at 75
    offsets: each glyph's 75 moved copies are made in one pass along the text and one across
    it (label_checks._moved called twice a glyph, 75 times before: sweep_auto_decode --wide
    --wider 281 #5 made 23,925 copies one at a time, some 2 s of its 3.3 s reading). The
    copies are the ones moving each by itself gives, so no share changes."""
    from colormap_decoder.plugin.engine.detection import label_checks

    lum, members = drawn_labels(tmp_path, ["0123456789", " 5038271649"], "DejaVu Sans", 8, 100,
                                right_aligned=False)
    coverages = [label_checks.glyph_coverage(lum, 255.0, box)
                 for label in members for box in label]
    passes = []
    real_moved = label_checks._moved

    def counted_moved(*args):
        passes.append(len(args))
        return real_moved(*args)

    monkeypatch.setattr(label_checks, "_moved", counted_moved)
    label_checks._cached_moved_copies.cache_clear()
    share = label_checks.glyph_difference_share(coverages[0], coverages[11])
    label_checks._cached_moved_copies.cache_clear()
    assert len(passes) == 4, len(passes)

    def moved_one_by_one(coverage, rows, cols, direction):
        canvas = np.zeros((rows, cols))
        canvas[:coverage.shape[0], :coverage.shape[1]] = coverage
        steps = int(round(label_checks.ALIGNMENT_REACH_PX / label_checks.ALIGNMENT_STEP_PX))
        copies = []
        for step in range(-steps, steps + 1):
            for row in (-1, 0, 1):
                moved = np.pad(canvas, 2)
                for axis, shift in ((1, direction * step * label_checks.ALIGNMENT_STEP_PX / 2),
                                    (0, direction * row / 2)):
                    if shift:
                        whole = int(np.floor(shift))
                        fraction = shift - whole
                        moved = (1.0 - fraction) * np.roll(moved, whole, axis=axis) + \
                            fraction * np.roll(moved, whole + 1, axis=axis)
                copies.append(moved)
        return np.stack(copies)

    first, second = coverages[0], coverages[11]
    rows = -(-max(first.shape[0], second.shape[0]) // 4) * 4
    cols = -(-max(first.shape[1], second.shape[1]) // 4) * 4
    ink = max(float(first.sum()), float(second.sum()), 1e-9)
    assert share == float(np.abs(moved_one_by_one(first, rows, cols, 1) -
                                 moved_one_by_one(second, rows, cols, -1))
                          .sum(axis=(1, 2)).min()) / ink
    for coverage in coverages:
        for direction in (1, -1):
            assert np.array_equal(label_checks._moved_copies(coverage, 12, 12, direction),
                                  moved_one_by_one(coverage, 12, 12, direction))
    label_checks._cached_moved_copies.cache_clear()
