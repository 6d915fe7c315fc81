"""Colorbar end checks: after the colorbar's labels are fitted, its ends held against its
ticks, its labels and its colours (an end found short, faded into the page, or labelled only
at its two ends), before its value range is read.
"""
import numpy as np

from .lines import page_luminance
from .ticks import TickFit, TickLabel, box_sides, find_tick_marks

#: Said of a colorbar whose end its ticks or labels doubt and that was left where it was found.
CUT_SHORT = "the bar may have been found cut short"


def fit_end_labels(axis, bar) -> bool:
    """A colorbar labelled only at its two ends: the values there, as a two-point fit.

    QGIS's colour-ramp legend (3.22) prints the minimum and the maximum beside the ramp's ends
    and nothing between. Exactly two labels read as numbers, each reaching (or within a
    half its own size of) a different end of the bar, are taken as the values at those
    ends; ``axis.fit`` is set and True returned. Anything else is left unfitted.
    """
    numbers = [label for label in axis.labels if label.value is not None]
    if len(numbers) != 2:
        return False
    left, top, right, bottom = bar.box
    start, end = (bottom, top) if bar.vertical else (left, right)
    at = {}
    for label in numbers:
        col0, row0, col1, row1 = _with_unit_pieces(label, axis.labels)
        low, high = (row0, row1) if bar.vertical else (col0, col1)
        # QGIS aligns a label's text box with the ramp's end: the ink of a label beside a
        # vertical ramp starts below its top by the font's internal leading (up to about
        # half the ink's height, 13 px for 26 px digits at 250 dpi), so a label's whole
        # height there; along a horizontal ramp half the label's length.
        slack = max(2.0, (1.0 if bar.vertical else 0.5) * (high - low))
        for name, position in (("start", start), ("end", end)):
            if low - slack <= position <= high + slack:
                at.setdefault(name, []).append(label)
    if len(at.get("start", ())) != 1 or len(at.get("end", ())) != 1 or \
            at["start"][0] is at["end"][0] or at["start"][0].value == at["end"][0].value:
        return False
    first, last = at["start"][0], at["end"][0]
    slope = (last.value - first.value) / (end - start)
    for label, position in ((first, start), (last, end)):
        label.kept = True
        label.tick_position = float(position)
        label.tick_only = True
    axis.fit = TickFit(float(slope), float(first.value - slope * start), False, axis.labels,
                       np.zeros(2))
    axis.problem = ""
    return True


#: How far (pixels) an end label's ink may reach beyond the end of a horizontal ramp it is
#: aligned with (anti-aliasing; a glyph's ink starts inside its advance box).
END_LABEL_OVERHANG_PX = 2.0


def end_labels_overhang(axis, bar) -> str:
    """A warning when a horizontal ramp's end labels (fitted by :func:`fit_end_labels`) reach
    beyond the bar's ends: QGIS aligns the first label's text with the ramp's start and the
    last one's with its end, and a glyph's ink lies within its text, so a label's ink
    starting before the bar's start (ending after its end) by more than
    :data:`END_LABEL_OVERHANG_PX` says the bar was found short there: a ramp's dark end
    beside its dark outline taken for the outline (Turbo's at 300 dpi: 6 px, and most of the
    map's values more than 1 % off). "" otherwise, and for vertical ramps (whose labels QGIS
    places by their text's height, not their ink)."""
    if bar.vertical or axis.fit is None or len(axis.kept) != 2:
        return ""
    left, _, right, _ = bar.box
    first, last = sorted(axis.kept, key=lambda label: label.position)
    said = []
    col0 = _with_unit_pieces(first, axis.labels)[0]
    col1 = _with_unit_pieces(last, axis.labels)[2]
    if col0 < left - END_LABEL_OVERHANG_PX:
        said.append(f"the label '{first.text}' starts at x {col0:.0f}, {left - col0:.0f} px "
                    f"before the bar's left end found at {left:.1f}")
    if col1 > right + END_LABEL_OVERHANG_PX:
        said.append(f"the label '{last.text}' ends at x {col1:.0f}, {col1 - right:.0f} px "
                    f"after the bar's right end found at {right:.1f}")
    if not said:
        return ""
    return ("The colorbar may have been found shorter than it is: " + "; ".join(said) +
            " (a legend's end labels are aligned with the ramp's ends), so the values near "
            "that end may be wrong. Check the colorbar in the report, or give COLORBAR.")


def _with_unit_pieces(label, labels) -> tuple:
    """A number label's box grown over the text after it on its line that was read apart
    and as no number (the unit of '664 m', merged into a label of its own across the space).

    Parameters
    ----------
    label : ticks.TickLabel
        A label read as a number.
    labels : list of ticks.TickLabel
        The labels of its side.

    Returns
    -------
    tuple
        (col0, row0, col1, row1), pixels.
    """
    col0, row0, col1, row1 = label.box
    height = row1 - row0
    grown = True
    while grown:
        grown = False
        for other in labels:
            if other is label or other.value is not None:
                continue
            o_col0, o_row0, o_col1, o_row1 = other.box
            same_line = min(row1, o_row1) - max(row0, o_row0) >= 0.5 * min(height,
                                                                           o_row1 - o_row0)
            if same_line and o_col1 > col1 and 0 <= o_col0 - col1 <= 1.5 * height and \
                    o_col1 - o_col0 <= 3 * height:
                col1, grown = o_col1, True
    return col0, row0, col1, row1


#: Pixels a kept tick may lie beyond a colorbar's detected end before the end is doubted
#: (a tick on the end line, its centre a pixel off with anti-aliasing).
TICK_BEYOND_END_PX = 1.5


def ends_beyond_ticks(axis, bar) -> list:
    """A colorbar's ends moved out to its outermost kept ticks where these lie beyond them;
    log lines saying so.

    A bar's tick marks never lie beyond its ends (matplotlib, GMT and QGIS draw ticks within
    the bar's range only), so a kept tick (one the fit confirms) beyond a detected end shows
    the bar reaches at least that far: the end is moved there, which can only bring it nearer
    the truth. It happens where the end is hard to see: an end fading into the page's colour
    (the white end of 'Greys' on a white page, placed by extrapolating the fade:
    ``bar.faded_ends``), a pale end or a near-white triangle blurred by a strong JPEG. A tick
    farther out than a tenth of the bar is not trusted to move it, and a faded end with no
    tick on it is only an extrapolation: in both cases the user is told to check COLORBAR,
    since a wrong end silently shifts every decoded value.

    Parameters
    ----------
    axis : AxisReading
        The colorbar's labels and their fit (``axis.fit`` not None).
    bar : colorbar.ColorbarDetection
        Changed in place when an end is moved.

    Returns
    -------
    list of str
    """
    if axis.fit is None or not axis.kept:
        return []
    left, top, right, bottom = bar.box
    low, high = (top, bottom) if bar.vertical else (left, right)
    positions = np.array([label.position for label in axis.kept], float)
    lines = []
    box = list(bar.box)
    names = ("top", "bottom") if bar.vertical else ("left", "right")
    for index, (outermost, beyond) in enumerate(((positions.min(), low - positions.min()),
                                                 (positions.max(), positions.max() - high))):
        if beyond < -TICK_BEYOND_END_PX and bar.faded_ends[index]:
            # No tick at a faded end: nothing confirms where the extrapolated fade put it.
            lines.append(f"The colorbar's {names[index]} end fades into the page's colour and "
                         f"shows no edge: its position is extrapolated from the fade and may be "
                         f"a few pixels off (more with a near-white extension triangle), which "
                         f"shifts the values near that end. Check the colorbar drawn in the "
                         f"report and give COLORBAR (and VMIN, VMAX) by hand if it is wrong.")
            continue
        if beyond <= TICK_BEYOND_END_PX:
            continue
        if beyond > 0.1 * (high - low):
            lines.append(f"A colorbar tick lies {beyond:.1f} px beyond the bar's detected "
                         f"{names[index]} end: {CUT_SHORT}. Check "
                         f"the colorbar drawn in the report and give COLORBAR (and VMIN, VMAX) "
                         f"by hand if it is wrong.")
            continue
        box[(1 if bar.vertical else 0) + 2 * index] = float(outermost)
        why = "fades into the page's colour" if bar.faded_ends[index] else \
            "could not be seen to the pixel"
        lines.append(f"The colorbar's {names[index]} end {why}: it is placed at its outermost "
                     f"tick, {beyond:.1f} px beyond the end seen (a bar's ticks never lie "
                     f"beyond its ends).")
    bar.box = tuple(box)
    return lines


#: A colorbar's end within this contrast to the page (|ΔR| + |ΔG| + |ΔB|, 0-765) fades into
#: it: its position was extrapolated from the fade (colorbar._follow_pale_ends).
FADED_END_CONTRAST = 48
#: Pixels inside a faded end within which its outermost tick mark is taken as the end.
FADED_END_SNAP_PX = 4.0


def _faded_end_flags(rgb, bar, page_rgb):
    """For a colour strip's (start, end) along it: whether its colour there is the page's
    (within :data:`FADED_END_CONTRAST`), its position extrapolated from the fade."""
    page = np.asarray(page_rgb, np.float64)
    left, top, right, bottom = bar.box
    start, end = (top, bottom) if bar.vertical else (left, right)
    across = (left, right) if bar.vertical else (top, bottom)
    quarter = max(int((across[1] - across[0]) // 4), 1)
    middle = slice(int(np.ceil(across[0])) + quarter, int(np.floor(across[1])) - quarter)
    flags = []
    for edge, outward in ((start, -1), (end, 1)):
        row = int(np.floor(edge)) - outward * 2 - (outward > 0)
        if not bar.strip or not 0 <= row < (rgb.shape[0] if bar.vertical else rgb.shape[1]):
            flags.append(False)
            continue
        pixels = rgb[row, middle] if bar.vertical else rgb[middle, row]
        flags.append(pixels.size > 0 and np.abs(np.median(pixels.astype(np.float64), axis=0)
                                                - page).sum() <= FADED_END_CONTRAST)
    return flags


def faded_ends_to_marks(lum, dark, bar, page_rgb, rgb) -> bool:
    """Extend a colour strip's faded ends over the tick marks that run on beyond them.

    Where a bar with no outline fades into the page (globe's white end), its extrapolated end
    can stop well short of the real one, and the labels beyond it are never read. The bar's
    tick marks go on to its end: on each long side, the marks beyond a faded end that continue
    the side's own spacing (no gap longer than one and a half of the median spacing of the
    marks on the bar) extend it to the last of them, within a third of the bar's length.
    ``bar.box`` changes in place; returns whether it did.
    """
    if dark is None or not any(_faded_end_flags(rgb, bar, page_rgb)):
        return False
    faded = _faded_end_flags(rgb, bar, page_rgb)
    left, top, right, bottom = bar.box
    start, end = (top, bottom) if bar.vertical else (left, right)
    reach = (end - start) / 3
    page = page_luminance(lum)
    ends = [start, end]
    for name in (("left", "right") if bar.vertical else ("top", "bottom")):
        side = box_sides(bar.box)[name]
        side.start, side.end = start - reach * faded[0], end + reach * faded[1]
        positions, _ = find_tick_marks(dark, side, 1.0, lum=lum, page=page)
        on_bar = np.sort(positions[(positions > start) & (positions < end)])
        if on_bar.size < 3:
            continue
        spacing = float(np.median(np.diff(on_bar)))
        if spacing < 2:
            continue
        for index, outward in ((0, -1), (1, 1)):
            if not faded[index]:
                continue
            last = on_bar[0] if outward < 0 else on_bar[-1]
            beyond = np.sort(positions[(positions - last) * outward > 0.5] * outward) * outward
            for position in beyond:
                if abs(position - last) > 1.5 * spacing:
                    break
                last = position
            if (last - ends[index]) * outward > 0:
                ends[index] = float(last)
    if ends == [start, end]:
        return False
    bar.box = (left, ends[0], right, ends[1]) if bar.vertical else (ends[0], top, ends[1],
                                                                      bottom)
    return True


def faded_ends_to_ticks(rgb, bar, axis, page_rgb) -> bool:
    """Move a colour strip's ends that fade into the page in to their end ticks.

    A bar with no outline whose end colour is the page's (gray's white end on a white page)
    shows no edge there: its end was extrapolated from the fade, to a few pixels (JPEG 60
    flattens the palest greys into the page: 3 px too far out). A kept tick within
    :data:`FADED_END_SNAP_PX` inside such an end is the end's own tick (GMT's psscale
    annotates its ends) and the end moves in to it; ticks beyond an end move it out
    (:func:`ends_beyond_ticks`). ``bar.box`` is changed in place; returns whether an end
    moved.
    """
    if not bar.strip or not axis.kept:
        return False
    faded = _faded_end_flags(rgb, bar, page_rgb)
    left, top, right, bottom = bar.box
    start, end = (top, bottom) if bar.vertical else (left, right)
    positions = np.array([label.position for label in axis.kept], float)
    ends = [start, end]
    for index, (edge, outward) in enumerate(((start, -1), (end, 1))):
        if not faded[index]:
            continue
        outermost = float(positions.max() if outward > 0 else positions.min())
        beyond = (outermost - edge) * outward
        if -FADED_END_SNAP_PX <= beyond < -0.25:
            ends[index] = outermost
    if ends == [start, end]:
        return False
    bar.box = (left, ends[0], right, ends[1]) if bar.vertical else (ends[0], top, ends[1],
                                                                      bottom)
    return True


#: Largest colour step (|ΔR| + |ΔG| + |ΔB|, 0-765) between neighbouring slices of a bar's
#: colours followed beyond a detected end, over a few slices' median (JPEG noise).
STRIP_STEP = 40.0
#: Widest outline (pixels) taken as one beyond a strip's colours.
OUTLINE_MAX_PX = 8


def _strip_runs_on(rgb, bar, edge, target, page_rgb):
    """How far a colour strip's colours run on smoothly from a detected end ``edge`` towards
    ``target`` (pixels along the bar) and beyond it, up to where they stop (the page, an
    outline, a jump); None when they do not reach ``target``.

    The bar's middle half across, slice by slice outward: each slice one colour, within
    :data:`STRIP_STEP` of the median of the previous three, and not the page's (within
    :data:`FADED_END_CONTRAST`). The end is the last such slice's outer edge.
    """
    left, top, right, bottom = bar.box
    vertical = bar.vertical
    across = (left, right) if vertical else (top, bottom)
    quarter = max(int((across[1] - across[0]) // 4), 1)
    middle = slice(int(np.ceil(across[0])) + quarter, int(np.floor(across[1])) - quarter)
    if middle.stop <= middle.start:
        return None
    page = np.asarray(page_rgb, np.float64)
    limit = rgb.shape[0] if vertical else rgb.shape[1]
    outward = 1 if target > edge else -1
    # Start inside the detected end (its own slice may be the edge's blend).
    current = int(np.floor(edge)) - outward * 3
    recent = []
    last_good = None
    while 0 <= current < limit:
        pixels = (rgb[current, middle] if vertical else rgb[middle, current]).astype(np.float64)
        colour = np.median(pixels, axis=0)
        spread = np.abs(pixels - colour).sum(axis=1)
        if np.median(spread) > STRIP_STEP or np.abs(colour - page).sum() <= FADED_END_CONTRAST:
            break
        if len(recent) >= 3 and np.abs(colour - np.median(recent[-3:], axis=0)).sum() > STRIP_STEP:
            break
        recent.append(colour)
        last_good = current
        if (current - target) * outward > 0.5 * abs(target - edge) + 10:
            return None  # far beyond the label: no end of a bar's colours found
        current += outward
    # The colours reach the label's place, or an outline there (a label at the bar's end
    # stands on its outline's centre, half a line beyond the colours).
    if last_good is None or (last_good - target) * outward < -0.5 * OUTLINE_MAX_PX:
        return None
    # An outline beyond the colours (a few slices of another colour, then the page): the bar's
    # end is its line's centre, as where an outline was found.
    line = 0
    while line <= OUTLINE_MAX_PX and 0 <= current + outward * line < limit:
        row = current + outward * line
        pixels = rgb[row, middle] if vertical else rgb[middle, row]
        if np.abs(np.median(pixels.astype(np.float64), axis=0) - page).sum() <= \
                FADED_END_CONTRAST:
            break
        line += 1
    edge_out = float(last_good + 1) if outward > 0 else float(last_good)
    if 0 < line <= OUTLINE_MAX_PX:
        return edge_out + outward * 0.5 * line
    return edge_out


class BarEndChecks:
    """The colorbar end check of :class:`.figure_reading._Reader` that reads more labels (a
    mixin: it uses the reader's ``labels``, ``claimed``, ``read``, ``rgb`` and ``layout``)."""

    def labels_beyond_bar_ends(self, axis, bar) -> str:
        """Labels of a colorbar's row beyond the bar's detected ends that its fit confirms:
        the bar was found cut short. Each joins ``axis`` as kept, and the end is moved out
        over the bar's colours that run on to it (:func:`_strip_runs_on`); a line for the log
        saying so, or "".

        A bar found short of an end (its pale end taken for the page, a tick mark drawn over
        its colours taken for its edge: matplotlib's bmh style at 400 dpi found viridis_r's
        yellow third missing) has its labels there left out, as they lie beyond it, and the
        rest fit: the range read was that of the part found, 24.9 % short, with nothing said.
        A label in the row of the kept ones (overlapping it across), beyond an end by at most
        half the bar's length, read as a number that the fit puts where the label is (within
        a tenth of the labels' spacing, two pixels at least), says the bar goes on to there.
        """
        if axis.fit is None or axis.fit.logarithmic or len(axis.kept) < 3:
            return ""
        vertical = bar.vertical
        left, top, right, bottom = bar.box
        start, end = (top, bottom) if vertical else (left, right)
        length = end - start
        kept = axis.kept
        along = np.sort([label.position for label in kept])
        spacing = float(np.median(np.diff(along)))
        tolerance = max(2.0, 0.1 * spacing)
        # The row of the kept labels, across the bar.
        lo = float(np.median([label.box[0 if vertical else 1] for label in kept]))
        hi = float(np.median([label.box[2 if vertical else 3] for label in kept]))
        height = float(np.median([label.box[3] - label.box[1] for label in kept]))
        known = {tuple(label.box) for label in axis.labels}
        found = []
        for text_label in self.labels:
            box = text_label.box()
            if box in known or box in self.claimed or text_label.inside or \
                    not 0.6 * height <= text_label.height <= 1.6 * height:
                continue
            a0, a1 = (text_label.col0, text_label.col1) if vertical else \
                (text_label.row0, text_label.row1)
            if min(a1, hi) - max(a0, lo) < 0.5 * min(a1 - a0, hi - lo):
                continue
            cx, cy = text_label.centre
            position = cy if vertical else cx
            outward = start - position if position < start else position - end
            if outward <= 0 or outward > 0.5 * length:
                continue
            text, parsed = self.read(text_label)
            if parsed is None:
                continue
            placed = float(axis.fit.position_of(parsed.value))
            if not np.isfinite(placed) or abs(placed - position) > tolerance:
                continue
            found.append(TickLabel(box, text, parsed.value, position, parsed=parsed,
                                   across_text=not vertical))
        if not found:
            return ""
        ends = [start, end]
        for label in found:
            label.kept = True
            axis.labels.append(label)
            index = 0 if label.position < start else 1
            reach = _strip_runs_on(self.rgb, bar, ends[index], label.position,
                                   self.layout.page_rgb)
            if reach is not None and (reach - ends[index]) * (1 if index else -1) > 0:
                ends[index] = reach
        moved = [name for name, old, new in zip(
            ("top", "bottom") if vertical else ("left", "right"), (start, end), ends)
            if abs(new - old) > 0.5]
        bar.box = (left, ends[0], right, ends[1]) if vertical else (ends[0], top, ends[1],
                                                                      bottom)
        said = ", ".join(f"'{label.text}'" for label in found)
        if moved:
            return (f"The colorbar was found short of its {' and '.join(moved)} end: its "
                    f"labels {said} lie beyond it on the line through the others, and its "
                    f"colours run on to them; the end is moved there (check COLORBAR in the "
                    f"report).")
        return (f"The colorbar's labels {said} lie beyond the bar found, on the line through "
                f"the others: {CUT_SHORT}. Check the colorbar drawn "
                f"in the report and give COLORBAR (and VMIN, VMAX) by hand if it is wrong.")
