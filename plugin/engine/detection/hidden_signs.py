"""Hidden-sign checks: a label whose minus sign may be hidden in a line running through it or
against its start (read after OCR, before the tick fit), marked as no value.
"""
import numpy as np

from .ticks import box_sides, first_beyond_line

#: Said of labels whose first glyph stands against a line (:meth:`HiddenSignChecks._start_on_line`).
SIGN_HIDDEN_NOTE = "a minus sign there may be hidden in the line"
#: Widest gap between a minus sign and the digit after it, as a share of the text's height
#: (DejaVu Sans' U+2212 0.25, Helvetica's hyphen 0.12); tick labels stand farther from their
#: tick marks (matplotlib's pad 3.5 pt is 0.48 of a 10 pt label's digits).
SIGN_GAP_SHARE = 0.3
#: Ink taller than this many text heights is a line's, not a glyph's.
LINE_TALLER_THAN_TEXT = 1.5
#: Rows of a label (shares of its height from its top) where a minus sign stands: its bar
#: is at 0.4-0.55 of the digits' height above the baseline in DejaVu Sans and Helvetica. A
#: line across any of them may hide one.
HIDDEN_SIGN_ZONE = (0.35, 0.7)
#: A label written across a line is centred on its tick mark within this share of a digit's
#: pitch (a minus hidden under the line moves its visible glyphs by half its advance, 0.3-0.65
#: of a pitch).
CENTRED_ON_TICK_SHARE = 0.22
#: Pixels by which a tick mark's tip may lie from the ink before a label and still be that ink.
TICK_TIP_TOLERANCE_PX = 1
#: Narrowest minus sign, as a share of the text's height (ink widths over a '0''s height,
#: measured at 40 pt 400 dpi: the hyphen 0.32-0.35 in DejaVu Sans and Serif, Nimbus Sans and
#: Roman, U+2212 0.67-0.82): a sign touching a line sticks out of it by this much at least.
SIGN_WIDTH_SHARE = 0.25


class HiddenSignChecks:
    """The checks of :class:`.figure_reading._Reader` for signs hidden in lines (a mixin: it
    uses the reader's ``lum``, ``page``, ``layout``, ``digit_pitch``, ``side_ticks`` and
    ``_inner_marks``)."""

    def _sign_hidden(self, label):
        """Why a label read across a horizontal line may have lost a sign under it, or None.

        A line through a label's middle rows hides a minus sign whole (GMT's '-1500' centred
        on a bar's outline reads '1500': every label of an all-negative bar so, their values
        still on a line, the bar's range turned over). The label's glyphs are then judged by
        their tick mark (drawn inward over the box's colours, :func:`.text.marks_inside_box`):
        a label is centred on its tick, and a hidden sign moves its visible glyphs off it by
        half the sign's advance. Within :data:`CENTRED_ON_TICK_SHARE` of a digit's pitch it
        is whole; off it, or with no tick mark to tell, it is no value.
        """
        lo, hi = label.crossed_rows
        zone = (label.row0 + HIDDEN_SIGN_ZONE[0] * label.height,
                label.row0 + HIDDEN_SIGN_ZONE[1] * label.height)
        if hi <= zone[0] or lo >= zone[1]:
            return None  # a sign there would show beside the line
        marks = self._inner_marks(label.crossed_line)
        pitch = self.digit_pitch(label.height) or 0.6 * label.height
        centre = 0.5 * (label.col0 + label.col1)
        if marks.size == 0 or np.abs(marks - centre).min() > pitch:
            return ("across a line hiding its middle, with no tick mark to show a sign was not "
                    "hidden")
        offset = centre - marks[np.argmin(np.abs(marks - centre))]
        if abs(offset) > CENTRED_ON_TICK_SHARE * pitch:
            return (f"across a line hiding its middle, {offset:+.1f} px off its tick: a sign "
                    f"under the line")
        return None

    def _start_on_line(self, label, side=None, owner=None) -> bool:
        """Whether a label's first glyph stands just clear of a line's ink: a minus sign before
        it may be hidden in the line.

        A minus sign is a short bar at the text's mid-height, a small gap before the first
        digit. Where a vertical line (a colorbar's outline, a spine, another panel's edge) or
        a tick mark running from one touches it, the sign is one component of ink with the
        line and is left out with it, and the label reads without it. What is left to see: in
        the label's middle rows, ink within :data:`SIGN_GAP_SHARE` of its height (two pixels
        at least) before its first glyph, not touching it (a digit freed from the tick mark it
        stood on touches it), and belonging to something taller than the text (a line, or a
        stroke joined to one; a glyph would have been merged into the label).

        The ink may instead be the tip of the label's own tick mark (``side``: the line the
        label stands beside, of the box ``owner``, pixels (col0, row0, col1, row1)): at low
        dpi or in large type, matplotlib's pad of 3.5 pt between tick and label is within that
        reach (a 14 pt label at 72 dpi: 3 px; a 16 pt one at 96 dpi: 5 px), and every label
        of a positive colorbar was refused. A tick mark exactly as long as the map frame's
        others (:meth:`_frame_tick_length`) has nothing joined to it (a sign touching it
        would have made it longer by the sign's width), and is no line; unless the side's
        tick marks point inward (``direction="in"``), when what stands out from the line is
        no tick mark at all.

        Nor is a plain line whose edge the label's middle rows reach no farther than the rows
        above and below it (:func:`_nothing_out_of_line`): a sign joined to the line would
        stick out there by its width (matplotlib's classic style at 72 dpi in 16 pt sets its
        labels 4 px from a colorbar's outline, its tick marks inward: every label of a
        positive bar but two was no value, refused naming VMIN).
        """
        if label.inside or label.patch is not None or label.crossed_line is not None:
            return False
        height = label.height
        rows, cols = self.lum.shape
        reach = max(2, int(round(SIGN_GAP_SHARE * height)))
        inset = int(0.25 * height)
        r0, r1 = label.row0 + inset, label.row1 - inset
        if r1 <= r0:
            r0, r1 = label.row0, label.row1
        c0 = max(label.col0 - reach - 1, 0)
        margin = max(40.0, self.page / 3.0)
        near = self.lum[r0:r1, c0:label.col0] < self.page - margin
        inked = np.flatnonzero(near.any(axis=0))
        if inked.size == 0 or c0 + int(inked.max()) >= label.col0 - 1:
            return False  # nothing there, or touching the label (a tick mark it stood on)
        # The ink's component, in a window around the label: taller than the text?
        w0, w1 = max(label.row0 - 2 * height, 0), min(label.row1 + 2 * height, rows)
        v0 = max(label.col0 - 3 * height, 0)
        window = self.lum[w0:w1, v0:label.col0] < self.page - margin
        from scipy import ndimage

        parts, _ = ndimage.label(window, structure=np.ones((3, 3), bool))
        column = c0 + int(inked.max()) - v0
        seeds = parts[r0 - w0:r1 - w0, column]
        for seed in np.unique(seeds[seeds > 0]):
            extent = np.flatnonzero((parts == seed).any(axis=1))
            if extent.max() - extent.min() + 1 > LINE_TALLER_THAN_TEXT * height:
                if _nothing_out_of_line(parts == seed, (r0 - w0, r1 - w0),
                                        (label.row0 - w0, label.row1 - w0), height):
                    return False
                return not self._tick_tip_before(label, side, owner, c0 + int(inked.max()))
        return False

    def _tick_tip_before(self, label, side, owner, tip_column) -> bool:
        """Whether the ink ending at ``tip_column`` before a label is the end of the label's
        own tick mark on ``side`` of the box ``owner`` (a vertical side, labels outward to its
        right), as long as the map frame's tick marks, with no tick mark pointing inward from
        the side there."""
        if side is None or owner is None or side.name != "right" or side.inward:
            return False
        centre_row = 0.5 * (label.row0 + label.row1)
        # Marks standing on the box's right line, over its inside (keyed by the other side:
        # _inner_marks gives the marks on the line opposite a crossed one).
        inward = self._inner_marks(("left", tuple(int(round(v)) for v in owner)))
        if np.any(np.abs(inward - centre_row) <= 0.5 * label.height):
            return False
        frame_length = self._frame_tick_length(side)
        if frame_length is None:
            return False
        ticks, lengths = self.side_ticks(side)
        near = np.abs(ticks - centre_row) <= 0.5 * label.height
        if not near.any():
            return False
        length = int(lengths[near][np.argmin(np.abs(ticks[near] - centre_row))])
        tip = first_beyond_line(self.layout.dark, side, self._line_thickness()) + length - 1
        return length == frame_length and \
            abs(tip - tip_column) <= TICK_TIP_TOLERANCE_PX

    def _frame_tick_length(self, other_than):
        """The map frame's tick marks' length (pixels, the commonest over the major marks of
        its outer sides but ``other_than``, whose own marks may be signs joined to its line),
        or None without a frame or tick marks."""
        key = ("frame tick length", other_than.name, round(other_than.position))
        if key not in self.cache:
            frame = getattr(self.layout, "frame", None)
            found = []
            if frame is not None:
                for side in box_sides(frame.pixel_box()).values():
                    if side.name == other_than.name and \
                            abs(side.position - other_than.position) <= 2:
                        continue  # the side itself (its box given in whole pixels)
                    lengths = self.side_ticks(side)[1]
                    if lengths.size:
                        found += [int(v) for v in lengths[lengths >= 0.75 * lengths.max()]]
            self.cache[key] = int(np.bincount(found).argmax()) if found else None
        return self.cache[key]


def _nothing_out_of_line(line, middle, text_rows, height) -> bool:
    """Whether a line's ink before a label sticks out no farther toward the label in the
    label's middle rows than it does above and below the label: a plain line, no sign joined
    to it.

    A minus sign touching the line is one component with it and reaches the label's side at
    mid-height by its width (at least :data:`SIGN_WIDTH_SHARE` of the text's height); a label
    standing its pad clear of a plain line (matplotlib's classic style at 72 dpi: 4 px from a
    colorbar's outline, its tick marks inward) has the line's edge there as everywhere else.
    A pixel of blur is allowed where a sign would stick out two pixels or more.

    Parameters
    ----------
    line : numpy.ndarray of bool
        The line's component in a window ending at the label's first column.
    middle, text_rows : tuple of int
        The label's middle rows and all its rows, (first, past the last), window rows.
    height : float
        The label's height, pixels.
    """
    has_ink = line.any(axis=1)
    rightmost = np.where(has_ink, line.shape[1] - 1 - np.argmax(line[:, ::-1], axis=1), -1)
    off_text = np.ones(line.shape[0], bool)
    off_text[max(text_rows[0], 0):max(text_rows[1], 0)] = False
    edges = rightmost[off_text & has_ink]
    if edges.size == 0:
        return False
    tolerance = 1 if SIGN_WIDTH_SHARE * height >= 2 else 0
    return int(rightmost[middle[0]:middle[1]].max()) <= int(np.median(edges)) + tolerance
