"""Text on a figure: dark glyphs merged into one-line labels.

Glyphs are connected components of ink (pixels darker than the page by a clear margin, anti-
aliased edges included). Glyphs of one label sit on one line with gaps narrower than about
half a glyph's height, so the merging scales with the figure's resolution by itself (a 300 dpi
figure has taller glyphs and wider gaps). A degree sign or a minus is a small glyph: it joins
the label beside it.
"""
from dataclasses import dataclass, field

import numpy as np
from scipy import ndimage

from .lines import true_runs


@dataclass
class TextLabel:
    """One line of text: its box in pixel coordinates (col0, row0, col1, row1, end exclusive)."""

    col0: int
    row0: int
    col1: int
    row1: int
    glyphs: int = 1
    members: list = None  # the glyph boxes (col0, row0, col1, row1) merged into it
    gaps: list = field(default_factory=list)  # pixels between neighbouring glyphs
    #: Written over the map (inside the frame): read from :func:`ink_over_map`'s image.
    inside: bool = False
    #: Its own pixels (luma, its box's size) and their origin (col0, row0), when it was cut
    #: from labels that touched (the page's luma elsewhere): read from these, not the figure.
    patch: tuple = None
    #: The box of the merged label it was cut from (None: found whole).
    cut_from: tuple = None
    #: The side ("left" or "right") and the box (col0, row0, col1, row1: the frame's, the
    #: colorbar's) whose line runs through its glyphs (:func:`mend_labels_cut_by_lines`), or
    #: None. Its box then reaches across the line, over the glyphs it hid, and it is read from
    #: ``patch``.
    crossed_line: tuple = None
    #: A crossed label's own glyphs' box, before it was widened across the line.
    glyph_box: tuple = None
    #: One of two pieces of a label that the frame's line cuts, one piece over the map and one
    #: on the page (QGIS writes a grid annotation inside the frame centred on its line, and
    #: the first and last reach over the frame's ends): neither piece is the label's value.
    cut_by_frame: bool = False
    #: The glyph the line crosses is seen whole enough to be read with the label.
    hidden_glyph_seen: bool = False
    #: A unit written a space after the number ("m" of ``5185000 m``), joined to it
    #: (label_checks' unit words): the label is read as ``number_part``'s reading and this.
    unit_word: str = ""
    #: The number's own label, before the unit word was joined to it.
    number_part: object = None
    #: The rows (row0, row1) of the horizontal line a label is written across
    #: (:func:`labels_across_horizontal_lines`), or None.
    crossed_rows: tuple = None
    #: Such a label only stands on the line (nothing of it beyond).
    on_line: bool = False

    @property
    def centre(self) -> tuple:
        return 0.5 * (self.col0 + self.col1), 0.5 * (self.row0 + self.row1)

    @property
    def height(self) -> int:
        return self.row1 - self.row0

    @property
    def width(self) -> int:
        return self.col1 - self.col0

    def box(self) -> tuple:
        return (self.col0, self.row0, self.col1, self.row1)


def ink_mask(lum, page) -> bool:
    """Pixels of text: darker than the page by at least a third of its luma (anti-aliased glyph
    edges included, light grid lines and hatching not)."""
    return lum < page - max(40.0, page / 3.0)


def find_glyphs(ink, exclude=None, max_height=None, boxes=()) -> list:
    """Connected components of ink that may be glyphs.

    Parameters
    ----------
    ink : ndarray of bool
    exclude : ndarray of bool, optional
        Pixels that are not text (the map, the colorbar, frame lines): a component touching
        them is dropped whole, so tick marks standing on a frame line never join a label.
    max_height : int, optional
        Taller components are not glyphs (lines, logos); default 8 % of the figure's height.
    boxes : sequence of tuple (col0, row0, col1, row1), optional
        The boxes ``exclude`` holds (a pixel wider all round): glyphs joined to them by a tick
        mark (a label at the tick's end) are freed from it (:func:`_glyphs_off_stems`).

    Returns
    -------
    list of TextLabel
        One per glyph.
    """
    rows = ink.shape[0]
    labels, count = ndimage.label(ink, structure=np.ones((3, 3), bool))
    if count == 0:
        return []
    # Components with a pixel in ``exclude`` (label 0 is the background, never a glyph): a
    # flag per label, not np.unique's sort of every excluded pixel (0.12 s at 12 MP).
    touching = np.zeros(count + 1, bool)
    if exclude is not None:
        touching[labels[exclude]] = True
    max_height = max_height or max(12, int(0.08 * rows))
    glyphs = []
    for index, found in enumerate(ndimage.find_objects(labels)):
        if found is None or touching[index + 1]:
            continue
        rs, cs = found
        height, width = rs.stop - rs.start, cs.stop - cs.start
        if height > max_height or width > 6 * max_height:
            continue
        glyphs.append(TextLabel(cs.start, rs.start, cs.stop, rs.stop))
    if exclude is not None and boxes and touching[1:].any():
        glyphs += _glyphs_off_stems(ink, labels, touching, exclude, max_height, boxes)
    return glyphs


def _glyphs_off_stems(ink, labels, touching, exclude, max_height, boxes) -> list:
    """Glyphs joined to a box by a tick mark: a label written at the end of its tick (GMT's
    MAP_ANNOT_OFFSET 0, annotations drawn inside a frame or over a colorbar's outline).

    Beside each side of each box, the ink of the components touching the boxes stands on the
    side in stems: a tick mark alone is as thin all along as where it leaves the side; a label
    at its end is that stem, then a glyph wider than it. Each is peeled from the side, row by
    row (column by column beside a left or right side), while it stays as thin as it starts;
    what is left is glyphs. Anything wider where it leaves the side than a stem (another line,
    a triangle, a glyph sitting on the side itself) is left out as before.
    """
    touching = touching.copy()
    touching[0] = False  # the page, not a component
    rows, cols = ink.shape
    freed = np.zeros(ink.shape, bool)
    reach = int(max_height)
    for col0, row0, col1, row1 in boxes:
        # The excluded box is one pixel wider than the box all round; each side's band starts
        # beyond it, over the side's length.
        c0, c1 = max(col0 - 1, 0), min(col1 + 1, cols)
        r0, r1 = max(row0 - 1, 0), min(row1 + 1, rows)
        bands = (
            (np.s_[r1:min(r1 + reach, rows), c0:c1], lambda a: a, lambda a: a),
            (np.s_[max(r0 - reach, 0):r0, c0:c1], lambda a: a[::-1], lambda a: a[::-1]),
            (np.s_[r0:r1, c1:min(c1 + reach, cols)], lambda a: a.T, lambda a: a.T),
            (np.s_[r0:r1, max(c0 - reach, 0):c0], lambda a: a.T[::-1], lambda a: a[::-1].T))
        for band, turn, back in bands:
            region = touching[labels[band]] & ink[band]
            if region.size == 0 or not region.any():
                continue
            freed[band] |= back(_off_stems(turn(region)))
    glyphs = []
    # Labelled within the box round what was freed (often nothing: most figures' labels stand
    # apart from their ticks): the whole figure's labelling took 0.33 s at 12 MP.
    freed_rows = np.flatnonzero(freed.any(axis=1))
    if freed_rows.size == 0:
        return glyphs
    top, bottom = int(freed_rows[0]), int(freed_rows[-1]) + 1
    freed_cols = np.flatnonzero(freed[top:bottom].any(axis=0))
    left, right = int(freed_cols[0]), int(freed_cols[-1]) + 1
    parts, _ = ndimage.label(freed[top:bottom, left:right], structure=np.ones((3, 3), bool))
    for part in ndimage.find_objects(parts):
        if part is None:
            continue
        height, width = part[0].stop - part[0].start, part[1].stop - part[1].start
        if height > max_height or width > 6 * max_height or max(height, width) < 3:
            continue
        glyphs.append(TextLabel(left + part[1].start, top + part[0].start, left + part[1].stop,
                                top + part[0].stop))
    return glyphs


def _off_stems(outward):
    """What is left of a piece standing on a side (its rows outward from it) once the side's
    own line and the stems standing on it are peeled off: glyphs at the stems' ends."""
    kept = np.zeros_like(outward)
    # Rows of the side's line beyond the box (a frame drawn thicker than found) join every
    # stem into one piece: peeled first.
    first = 0
    while first < min(outward.shape[0], MAX_LINE_REMNANT_PX) and \
            outward[first].sum() > MAX_STEM_PX:
        first += 1
    beyond = outward[first:]
    if beyond.size == 0:
        return kept
    stems, _ = ndimage.label(beyond, structure=np.ones((3, 3), bool))
    for index, found in enumerate(ndimage.find_objects(stems)):
        if found is None or found[0].start > 0:
            continue  # not standing on the side (it was joined to it through the line's rows)
        part = stems == index + 1
        widths = part.sum(axis=1)
        stem = int(widths[0])
        if stem > MAX_STEM_PX or not np.any(widths > stem + 1):
            continue  # a line along the side, or a tick mark alone
        start = int(np.argmax(widths > stem + 1))
        # A glyph is a few pixels tall at the least; a blot at a tick's tip (a round cap, an
        # anti-aliased end) is not one.
        if start == 0 or np.count_nonzero(widths[start:]) < MIN_GLYPH_EXTENT_PX:
            continue
        part[:start] = False
        kept[first:] |= part
    return kept


#: Widest tick mark (pixels, where it leaves its side) peeled off a glyph at its end, and the
#: least extent (pixels, outward) of what is left for it to be glyphs.
MAX_STEM_PX = 4
MIN_GLYPH_EXTENT_PX = 5
#: Rows of a side's line that may lie beyond its box, peeled before the stems.
MAX_LINE_REMNANT_PX = 4


def merge_into_labels(glyphs, gap_factor=0.5) -> list:
    """Glyphs on one line with small gaps become one label.

    Parameters
    ----------
    glyphs : list of TextLabel
    gap_factor : float
        Largest gap between neighbouring glyphs, as a share of the taller one's height (a space
        between words is about 0.3–0.4 em, a label's distance to the next label much more).

    Returns
    -------
    list of TextLabel
    """
    glyphs = sorted(glyphs, key=lambda g: g.col0)
    # The typical glyph height: digits and capitals, not dots and minus signs.
    heights = np.array([g.height for g in glyphs]) if glyphs else np.array([1])
    typical = float(np.median(heights[heights >= 0.5 * heights.max()])) if glyphs else 1.0
    labels = []
    for glyph in glyphs:
        joined = None
        for label in labels:
            height = max(label.height, glyph.height, 0.6 * typical)
            gap = glyph.col0 - label.col1
            if gap < -0.5 * height:
                continue
            # On the same line: the small glyph's centre inside the label's rows (a minus sign
            # or a degree sign sits within the digits' height).
            centre = 0.5 * (glyph.row0 + glyph.row1)
            label_centre = 0.5 * (label.row0 + label.row1)
            if not (label.row0 - 0.25 * height <= centre <= label.row1 + 0.25 * height or
                    glyph.row0 - 0.25 * height <= label_centre <= glyph.row1 + 0.25 * height):
                continue
            # Within a label the glyph gaps are even: a gap much wider than the label's own
            # reaches another text (a rotated axis title beside a colorbar's labels). The slack
            # scales with the text: at 72-96 dpi two digits touch (gap 0) and the decimal point
            # after them stands 2 px off. (Gaps under a pixel count as one: a stray pixel where
            # a grid line crossed the text makes a label's own gaps look smaller than they are.)
            spread = gap > gap_factor * max(height, typical) or \
                bool(label.gaps) and gap > 2.5 * max(float(np.median(label.gaps)), 1.0) + \
                max(1.5, 0.3 * typical)
            # A monospaced font (Courier: GMT's, many journals') centres a narrow glyph in a
            # cell as wide as a digit's: the gap after a decimal point is wider than half a
            # glyph's height, and '49.5' came apart as '49.' and '5' (an axis read 5, 0, 5,
            # 0, still evenly spaced). The glyph one cell on is the label's. (A cell is about
            # as wide as a digit is tall: wider gaps are not asked about, nor glyphs the gaps
            # join anyway, so the lattice is fitted for few pairs.)
            if spread and not (gap <= 1.5 * typical and _next_cell(label, glyph, typical)):
                continue
            joined = label
            break
        if joined is None:
            labels.append(TextLabel(glyph.col0, glyph.row0, glyph.col1, glyph.row1, 1,
                                    [glyph.box()]))
        else:
            joined.gaps.append(max(glyph.col0 - joined.col1, 0))
            joined.col0, joined.row0 = min(joined.col0, glyph.col0), min(joined.row0, glyph.row0)
            joined.col1, joined.row1 = max(joined.col1, glyph.col1), max(joined.row1, glyph.row1)
            joined.glyphs += 1
            joined.members.append(glyph.box())
    return labels


#: A label's glyphs stand in cells of one width (a monospaced font) when their centres lie on a
#: lattice within this share of its step (at least 1.5 px: a glyph's centre
#: is its ink's box's, whole pixels, and a '1', a point or a degree sign stands up to 1.3 px
#: off its cell's centre: Courier 10 pt at 100 dpi, cells 8.3 px, steps of 7.5-9 px; 14 pt
#: at 72 dpi, cells 8.4 px, '10°3' steps of 7.5, 8 and 9.5 px; 8 pt at 100 dpi, '-123.'
#: steps of 5.5, 7, 7.5 and 5.5 px). The next label stands two cells on at the least (a space
#: between)...
MONOSPACE_PITCH_SLACK = 0.25
#: ...and a cell is at least this share of the digits' height wide (a digit's cell is 0.6 em,
#: its height some 0.6-0.75 em: pitches under half the height are glyphs merely touching).
MONOSPACE_MIN_PITCH_SHARE = 0.6


def cell_pitch(members, height) -> "float | None":
    """The width of a monospaced font's cells a label's glyphs stand in, or None.

    Two or more glyphs, their centres on a lattice of one step (each within
    :func:`_cell_slack` of the straight line through them, by their order) of at least
    :data:`MONOSPACE_MIN_PITCH_SHARE` of the text's height. A proportional font's narrow
    glyphs (a point, a '1') stand closer to their neighbours than its digits do, so its
    labels seldom qualify, and when they do, their cells are narrower than their digits'
    advances.

    Parameters
    ----------
    members : list of tuple (col0, row0, col1, row1) or None
        The label's glyph boxes, in order of their left edge.
    height : float
        The text's digits' height, pixels.

    Returns
    -------
    float or None
        The cells' width, pixels (centre to centre).
    """
    lattice = _cell_lattice(members, height)
    return None if lattice is None else lattice[1]


def _cell_lattice(members, height) -> "tuple | None":
    """(the first cell's centre, the cells' width), pixels, of :func:`cell_pitch`, or None."""
    if not members or len(members) < 2:
        return None
    centres = np.array([0.5 * (box[0] + box[2]) for box in members], float)
    order = np.arange(len(centres), dtype=float)
    # The straight line through the centres by their order, fitted in closed form (a
    # sign's or a point's centre stands up to a pixel off its cell's: a line, not the steps
    # between neighbours, tells the cells).
    spread = order - order.mean()
    pitch = float((spread * (centres - centres.mean())).sum() / (spread ** 2).sum())
    origin = float(centres.mean() - pitch * order.mean())
    if pitch < MONOSPACE_MIN_PITCH_SHARE * height or \
            np.abs(centres - origin - pitch * order).max() > _cell_slack(pitch):
        return None
    return origin, pitch


def _cell_slack(pitch) -> float:
    """How far (pixels) a glyph's centre may stand from its cell's in a monospaced label."""
    return max(1.5, MONOSPACE_PITCH_SLACK * pitch)


def _next_cell(label, glyph, typical) -> bool:
    """Whether ``glyph`` stands in the next cell of a label written in a monospaced font
    (:func:`cell_pitch`): its centre where the label's lattice of cells puts the next one.

    A proportional font's glyphs are never spaced wider than the gap rule joins, so this only
    joins what the monospaced cells spread: the decimal point centred in its cell, the digit
    after it, a degree sign. The next label is a space (a cell) further at the least, and the
    caller keeps the glyph on the label's line.

    Parameters
    ----------
    label : TextLabel
        The label being built, its ``members`` in order of their left edge.
    glyph : TextLabel
        The next glyph (to the right of the label's left edge).
    typical : float
        The digits' height, pixels.

    Returns
    -------
    bool
    """
    lattice = _cell_lattice(label.members, typical)
    if lattice is None:
        return False
    origin, pitch = lattice
    return abs(0.5 * (glyph.col0 + glyph.col1) - origin - pitch * len(label.members)) <= \
        _cell_slack(pitch)


#: Ink over a map: at most this share of the brightness of the colours around it...
OVER_MAP_MAX_RATIO = 0.6
#: ...darker than them by at least this much (0-255)...
OVER_MAP_MIN_DROP = 40.0
#: ...and of their hue (RGB distance, 0-765, from the background darkened to the pixel's
#: brightness, as a share of the background's brightness, at least 30; JPEG's halved chroma
#: resolution smears the hue around black strokes).
OVER_MAP_HUE_SHARE = 0.5


def ink_over_map(rgb, text_height, lines=False) -> tuple:
    """Black text and tick marks drawn over a map's colours: where they are, and the region as
    a page of dark text on white for OCR.

    On a map the page's luma tells nothing: dark colours of the colormap are as dark as text.
    Black ink drawn over a colour darkens it without changing its hue (an anti-aliased edge
    is a blend of black and that colour), whereas the colormap's own dark colours differ in
    hue from the colours beside them. The colours around each pixel are the grey closing of
    each channel over a window wider than a glyph's stroke (thin dark strokes vanish from it,
    wide dark areas of data stay); a pixel is ink when it is much darker than that background,
    of the same hue. Halos and boxes behind labels (white) only make the contrast clearer.

    Parameters
    ----------
    rgb : ndarray of uint8 (rows, cols, 3)
        The region (the map inside its frame).
    text_height : float
        Typical glyph height, pixels (the closing window is half of it).
    lines : bool
        Looking for long straight lines (a colorbar's outline), not glyphs: any clear darkening
        counts, whatever its hue (JPEG smears the hue of a one-pixel line; the map's own
        colours seldom darken along a straight line).

    Returns
    -------
    ink : ndarray of bool (rows, cols)
    brightness : ndarray of float32 (rows, cols)
        Each pixel's brightness over its background's, 0-1 (1 where no ink): dark text on a
        white page.
    """
    size = max(5, int(round(0.6 * text_height)) | 1)
    image = rgb.astype(np.float32)
    background = np.stack([ndimage.grey_closing(image[:, :, channel], size=(size, size))
                           for channel in range(3)], axis=2)
    value = image.max(axis=2)
    background_value = np.maximum(background.max(axis=2), 1.0)
    ratio = np.clip(value / background_value, 0.0, 1.0)
    hue_error = np.abs(image - background * ratio[:, :, None]).sum(axis=2)
    ink = (ratio <= OVER_MAP_MAX_RATIO) & (background_value - value >= OVER_MAP_MIN_DROP) & \
        (hue_error <= np.maximum(30.0, OVER_MAP_HUE_SHARE * background_value))
    if lines:
        ink |= (ratio <= 0.75) & (background_value - value >= 0.5 * OVER_MAP_MIN_DROP)
    # Pure black is ink whatever surrounds it.
    ink |= (value < 30.0) & (background_value - value >= OVER_MAP_MIN_DROP)
    brightness = np.where(hue_error <= np.maximum(30.0, OVER_MAP_HUE_SHARE * background_value),
                          ratio, 1.0).astype(np.float32)
    return ink, brightness


#: Reach (a share of the label's height) beyond a label's end in which a box's line is taken to
#: run through the label's next glyph: a glyph gap and a little (labels standing clear of a
#: line are a tick mark's length and a pad away, about a glyph's height or more).
CROSSING_REACH_SHARE = 0.6
#: Share of a label's rows in which ink the line does not explain must show beside or beyond the
#: line for it to have hidden glyphs there (a tick mark touching the label is one to three rows).
CROSSING_ROWS_SHARE = 0.4
#: ...and beside the line alone, over this share of its rows for the glyph to be read with the
#: label (less is the tip of a degree sign, a point or a sign: the rest lies under the line,
#: or behind the box when it was drawn over the label).
FULL_GLYPH_ROWS_SHARE = 0.6


def mend_labels_cut_by_lines(labels, lum, page, boxes, text_height) -> list:
    """Labels whose last (or first) glyphs a box's line runs through, given those glyphs back.

    A label written across the outline of a colorbar (GMT's ``MAP_FRAME_TYPE=inside``: the
    annotations on the bar's other side, right-aligned against its outline) or against the
    map's frame loses the glyphs the line touches: they are one component of ink with the line,
    left out with it (:func:`find_glyphs`), and '2000 1500 1000 500' is read '200 150 100 50',
    still perfectly linear. A line running through a label's next glyph is found beside its
    end: a vertical side of a box within a glyph gap of the end, and, in the label's rows, ink
    beside or beyond the line that the same columns above and below the label do not have
    (the glyph's strokes: darker than the background there, be it the page, the line's own
    pixels or the bar's colours, by a third of the page's luma).

    Each such label's box is widened across the line over that ink, it is given one more
    glyph (the hidden one: :func:`.label_checks.characters_missing` then asks for one more
    character than the label had), and its pixels to read (``patch``): its own and the hidden
    glyph's, each over its background (the line's pixels in the label's rows stay, as a
    glyph's stroke they cover: a stroke the line hides is only seen so), on a white page
    beyond the line.

    Parameters
    ----------
    labels : list of TextLabel
        Changed in place.
    lum : ndarray of float (rows, cols)
    page : float
        The page's luma.
    boxes : sequence of tuple (col0, row0, col1, row1)
        Boxes whose lines were left out of the glyphs (the frame, the colorbar).
    text_height : float
        Typical label height, pixels.

    Returns
    -------
    list of TextLabel
        The labels mended.
    """
    margin = max(40.0, page / 3.0)
    mended = []
    lines = {}  # the columns of each box side's line, measured once
    for label in labels:
        height = label.height
        if label.crossed_line or height < 0.5 * text_height or height > 2.5 * text_height:
            continue
        for col0, row0, col1, row1 in boxes:
            if label.row0 < row0 or label.row1 > row1:
                continue  # the line must run on above and below the label
            reach = max(3, int(round(CROSSING_REACH_SHARE * height)))
            glyph_width = max(3, int(round(0.9 * height)))
            # The box's left side faces a label ending before it; its right side a label
            # beginning after it.
            if 0 <= col0 - label.col1 <= reach:
                side, span = "left", (label.col1, min(col0 + glyph_width, col1))
            elif 0 <= label.col0 - col1 <= reach:
                side, span = "right", (max(col1 - glyph_width, col0), label.col0)
            else:
                continue
            key = (col0, row0, col1, row1, side)
            if key not in lines:
                lines[key] = side_line_columns(lum, page, (col0, row0, col1, row1), side)
            if lines[key] is None:
                continue
            found = _hidden_glyph(lum, page, label, span, lines[key], margin, side)
            if found is None:
                continue
            hidden, line, stroke_rows, whole = found
            c0, c1 = min(label.col0, hidden[0]), max(label.col1, hidden[1])
            patch = _mended_patch(lum, page, label, (c0, c1), span, hidden, line)
            label.glyph_box = label.box()
            label.members = (label.members or [label.box()]) + [
                (hidden[0], stroke_rows[0], hidden[1], stroke_rows[1])]
            label.glyphs += 1
            label.hidden_glyph_seen = whole
            label.col0, label.col1 = c0, c1
            label.patch = (patch, (c0, label.row0))
            label.crossed_line = (side, (col0, row0, col1, row1))
            mended.append(label)
            break
    return mended


def _reference_rows(lum, label, span):
    """Luma of the columns ``span`` just above and just below a label (the background its
    glyphs are drawn on there: page, line, bar colours), each row band's median per column;
    None when there is no room."""
    rows = lum.shape[0]
    band = max(2, label.height // 3)
    above = (max(label.row0 - 2 - band, 0), max(label.row0 - 2, 0))
    below = (min(label.row1 + 2, rows), min(label.row1 + 2 + band, rows))
    if above[1] - above[0] < 2 or below[1] - below[0] < 2:
        return None
    c0, c1 = span
    return (np.median(lum[above[0]:above[1], c0:c1], axis=0),
            np.median(lum[below[0]:below[1], c0:c1], axis=0))


def side_line_columns(lum, page, box, side) -> "tuple | None":
    """The columns (lo, hi) a box's vertical side's line covers, in figure pixels.

    Through the side's column, each row of the box is dark over a run: the line, and beyond it
    whatever dark colours the box holds there (a bar's dark end, a dark map). The line's outer
    edge is the run's usual end outward (the page beyond); its inner edge the run's shortest
    reach inward over the rows (where the colours inside are light), so the line is not taken
    to run into a bar's dark colours.

    Parameters
    ----------
    lum : ndarray of float (rows, cols)
    page : float
    box : tuple (col0, row0, col1, row1)
    side : str
        "left" or "right".

    Returns
    -------
    tuple (lo, hi) or None
        None when the side has no dark line along most of its rows.
    """
    col0, row0, col1, row1 = box
    rows, cols = lum.shape
    height = row1 - row0
    reach = max(3, min(12, (col1 - col0) // 3))
    centre = col0 if side == "left" else col1 - 1
    lo, hi = max(centre - reach, 0), min(centre + reach + 1, cols)
    r0, r1 = max(row0 + height // 10, 0), min(row1 - height // 10, rows)
    if r1 - r0 < 3 or hi - lo < 3:
        return None
    dark = lum[r0:r1, lo:hi] < page - max(40.0, page / 3.0)
    middle = centre - lo
    lines = dark[:, middle] | dark[:, max(middle - 1, 0)] | dark[:, min(middle + 1, hi - lo - 1)]
    if lines.mean() < 0.8:
        return None
    starts, stops = [], []
    for row in dark[lines]:
        seed = next(c for c in (middle, middle - 1, middle + 1) if 0 <= c < row.size and row[c])
        a = seed
        while a - 1 >= 0 and row[a - 1]:
            a -= 1
        b = seed + 1
        while b < row.size and row[b]:
            b += 1
        starts.append(a)
        stops.append(b)
    starts, stops = np.array(starts), np.array(stops)
    if side == "left":
        outer, inner = int(np.median(starts)), int(np.percentile(stops, 10))
        return lo + outer, lo + max(inner, outer + 1)
    outer, inner = int(np.median(stops)), int(np.percentile(starts, 90))
    return lo + min(inner, outer - 1), lo + outer


def _hidden_glyph(lum, page, label, span, line_columns, margin, side):
    """Where a glyph a line hides lies in a label's rows.

    Returns
    -------
    tuple or None
        The columns (col0, col1) of ink within ``span`` (beside and beyond the line) that the
        rows above and below do not have, over the line's own columns between its parts; the
        line's columns (relative to ``span``); the rows (row0, row1) of that ink; and whether
        the glyph is seen whole enough to be read (its strokes beyond the line, or beside it
        over most of the text's height). None when too few of the label's rows show such ink.
    """
    c0, c1 = int(span[0]), int(span[1])
    if c1 - c0 < 2:
        return None
    references = _reference_rows(lum, label, (c0, c1))
    if references is None:
        return None
    # Darker than the background on both sides: the bar's colours change along it, a glyph's
    # stroke is darker than either neighbour.
    background = np.minimum(*references)
    line = (max(line_columns[0] - c0, 0), max(line_columns[1] - c0, 0))
    region = lum[label.row0:label.row1, c0:c1]
    # Much darker than the page or the light colours around, or a clear share darker than
    # dark colours (black over a dark grey).
    strokes = (region < background[None, :] - margin) | (
        (region <= OVER_MAP_MAX_RATIO * background[None, :]) &
        (region <= background[None, :] - 0.5 * OVER_MAP_MIN_DROP))
    strokes[:, line[0]:line[1]] = False
    inked_rows = np.flatnonzero(strokes.any(axis=1))
    if inked_rows.size < CROSSING_ROWS_SHARE * label.height:
        return None
    columns = np.flatnonzero(strokes.any(axis=0))
    lo = min(int(columns.min()), line[0])
    hi = max(int(columns.max()) + 1, line[1])
    # The glyph is seen as one when its strokes show beyond the line (a label written over
    # the box), or beside it over most of the text's height (a glyph's side, not the tip of a
    # degree sign or a sign: what else it was is hidden under or behind the line).
    before, after = strokes[:, :line[0]], strokes[:, line[1]:]
    outside, beyond = (before, after) if side == "left" else (after, before)
    whole = bool(np.count_nonzero(beyond.any(axis=1)) >= CROSSING_ROWS_SHARE * label.height or
                 np.count_nonzero(outside.any(axis=1)) >= FULL_GLYPH_ROWS_SHARE * label.height)
    return (c0 + lo, c0 + hi), line, \
        (label.row0 + int(inked_rows.min()), label.row0 + int(inked_rows.max()) + 1), whole


def _mended_patch(lum, page, label, columns, span, hidden, line):
    """A cut label's pixels to read: the figure's luma, and over the line and beyond it each
    pixel's darkness against the background above and below (the bar's colours become page;
    the line's pixels stay as they are in the label's rows, as a stroke of the glyph)."""
    c0, c1 = columns
    patch = lum[label.row0:label.row1, c0:c1].astype(np.float32).copy()
    s0, s1 = int(span[0]), int(span[1])
    background = np.maximum(np.minimum(*_reference_rows(lum, label, (s0, s1))), 1.0)
    region = lum[label.row0:label.row1, s0:s1].astype(np.float32)
    over = np.clip(region / background[None, :], 0.0, 1.0) * page
    # The line's own columns: kept dark within the label's rows (a glyph's stroke under it).
    over[:, line[0]:line[1]] = region[:, line[0]:line[1]]
    # Outside the hidden glyph's columns: page (the bar's colours, the frame's map).
    keep = np.zeros(s1 - s0, bool)
    keep[max(hidden[0] - s0, 0):max(hidden[1] - s0, 0)] = True
    over[:, ~keep] = page
    lo, hi = max(s0, c0), min(s1, c1)
    if hi > lo:
        patch[:, lo - c0:hi - c0] = over[:, lo - s0:hi - s0]
    return patch


#: Widest a tick mark drawn outward from a horizontal line is, pixels, and as a share of the
#: text's height: parts standing on the line no wider are not glyphs (a '1' has its flag).
CROSSING_STEM_MAX_PX = 2
CROSSING_STEM_MAX_SHARE = 0.15


def labels_across_horizontal_lines(lum, page, boxes, text_height) -> list:
    """Labels a box's horizontal side runs through, found and given pixels to read.

    GMT's ``MAP_FRAME_TYPE=inside`` writes psscale's annotations of a horizontal bar centred
    on the bar's outline: the line runs through the middle of every label, whose glyphs are
    one component of ink with it and left out with it (:func:`find_glyphs`), so the bar's
    labels were not found and the range was refused. Here each box's top and bottom line is
    found (:func:`side_line_columns` on the transposed figure), and beside it, outward, the
    parts of glyphs that stand on the line (components of ink touching it, not thin tick
    marks) and go on across it (strokes darker than the box's colours in the rows just beyond
    the line, in their columns). Parts close together make a label; its pixels to read
    (``patch``) are the page's side as it is, the box's side as each pixel's darkness against
    the colours above or below the label there (:func:`_mended_patch`'s way), and the line's
    rows as the strokes crossing it (a pixel dark where both rows beside the line are dark:
    a stroke running along inside the line is not seen, and a glyph that hid one may read as
    another or break in two, which the glyph count and the tick fit then tell).

    Parameters
    ----------
    lum : ndarray of float (rows, cols)
    page : float
        The page's luma.
    boxes : sequence of tuple (col0, row0, col1, row1)
        Boxes whose lines were left out of the glyphs (the frame, the colorbar).
    text_height : float
        Typical label height, pixels.

    Returns
    -------
    list of TextLabel
        New labels, their ``crossed_line`` ("top" or "bottom", the box) set.
    """
    rows, cols = lum.shape
    margin = max(40.0, page / 3.0)
    stem = max(CROSSING_STEM_MAX_PX, CROSSING_STEM_MAX_SHARE * text_height)
    found = []
    for box in boxes:
        col0, row0, col1, row1 = (int(round(v)) for v in box)
        if col1 - col0 < 3 * text_height or row1 - row0 < 3:
            continue
        for side in ("top", "bottom"):
            line = side_line_columns(lum.T, page, (row0, col0, row1, col1),
                                     "left" if side == "top" else "right")
            if line is None:
                continue
            lo, hi = line
            # The labels' height: the figure's (which may count none when every label crosses
            # a line), or a share of the figure's.
            reach = int(round(max(1.5 * text_height, 0.03 * rows))) + 2
            c0, c1 = max(col0 - int(text_height), 0), min(col1 + int(text_height), cols)
            if side == "top":
                band = (max(lo - reach, 0), lo)
                touching_row = band[1] - band[0] - 1
            else:
                band = (hi, min(hi + reach, rows))
                touching_row = 0
            if band[1] - band[0] < 3:
                continue
            ink = lum[band[0]:band[1], c0:c1] < page - margin
            labelled, count = ndimage.label(ink, structure=np.ones((3, 3), bool))
            parts = []
            for index, found_slice in enumerate(ndimage.find_objects(labelled)):
                if found_slice is None:
                    continue
                rs, cs = found_slice
                touches = np.any(labelled[touching_row, cs] == index + 1)
                height, width = rs.stop - rs.start, cs.stop - cs.start
                # The glyph's whole height: its part here, the line's, as much beyond.
                whole = 2 * height + (hi - lo)
                if not touches or width <= stem or height < 2 or \
                        whole < 0.5 * text_height or width > 3 * whole:
                    continue
                parts.append(TextLabel(c0 + cs.start, band[0] + rs.start,
                                       c0 + cs.stop, band[0] + rs.stop))
            for group in _group_parts(parts, text_height, hi - lo):
                mended = _label_across(lum, page, margin, group, (lo, hi), side, box,
                                       text_height)
                if mended is not None:
                    found.append(mended)
    return found


def _group_parts(parts, text_height, line_width) -> list:
    """Glyph parts standing on one line grouped into labels: neighbours closer than half the
    text's height (the larger of ``text_height`` and twice the parts' and the line's width,
    ``line_width``: a label centred on the line stands half on either side of it)."""
    groups = []
    for part in sorted(parts, key=lambda part: part.col0):
        last = groups[-1] if groups else None
        if last is not None and part.col0 - last.col1 <= 0.5 * max(
                text_height, 2 * max(part.height, last.height) + line_width):
            last.members.append(part.box())
            last.col1 = max(last.col1, part.col1)
            last.row0, last.row1 = min(last.row0, part.row0), max(last.row1, part.row1)
            last.glyphs += 1
        else:
            groups.append(TextLabel(*part.box(), 1, [part.box()]))
    return groups


def _label_across(lum, page, margin, group, line, side, box, text_height):
    """A label whose outward part is ``group`` (a label of glyph parts standing on a box's
    horizontal line), with its part beyond the line when it crosses it, its glyphs and its
    pixels to read; None when it has no glyphs."""
    rows, cols = lum.shape
    lo, hi = line
    outward = (lo - group.row0) if side == "top" else (group.row1 - hi)
    c0, c1 = max(group.col0 - 1, 0), min(group.col1 + 1, cols)
    # Beyond the line, as far as the outward part reaches (a label centred on the line) and
    # a little more; the colours there from the rows after that.
    depth = outward + 2
    if side == "top":
        beyond = (hi, min(hi + depth, rows))
        reference = (beyond[1], min(beyond[1] + 3, rows))
    else:
        beyond = (max(lo - depth, 0), lo)
        reference = (max(beyond[0] - 3, 0), beyond[0])
    if reference[1] - reference[0] < 2 or beyond[1] - beyond[0] < 2:
        return None
    inside = (box[1] + 1 <= reference[0] and reference[1] <= box[3] - 1)
    background = np.median(lum[reference[0]:reference[1], c0:c1], axis=0)
    if not inside:
        background = np.full(c1 - c0, page, np.float32)
    region = lum[beyond[0]:beyond[1], c0:c1].astype(np.float32)
    strokes = (region < background[None, :] - margin) | (
        (region <= OVER_MAP_MAX_RATIO * background[None, :]) &
        (region <= background[None, :] - 0.5 * OVER_MAP_MIN_DROP))
    next_row = strokes[0] if side == "top" else strokes[-1]
    covered = strokes.any(axis=1)
    extent = np.flatnonzero(covered)
    # Beyond the line within the box only (a part reaching across the whole box is no
    # label's: its colours there cannot be told from strokes).
    on_line = not inside or not next_row.any() or np.count_nonzero(covered) < 0.25 * outward
    if on_line:
        # Nothing goes on across the line: the label stands on it (GMT's inside annotations
        # at 300 dpi, their baseline on the bar's outline), whole on the page's side; unless
        # it only hangs there on a tick mark (a stem where it meets the line: MAP_ANNOT_OFFSET
        # 0's '0' with its tick would read '8').
        touching = lum[lo - 1 if side == "top" else hi, c0:c1] < page - margin
        runs = np.diff(np.concatenate([[0], touching.astype(np.int8), [0]]))
        widths = np.flatnonzero(runs == -1) - np.flatnonzero(runs == 1)
        if widths.size == 0 or widths.max() <= max(CROSSING_STEM_MAX_PX,
                                                   CROSSING_STEM_MAX_SHARE * text_height):
            return None
        if all(_straight_bar(lum[member[1]:member[3], member[0]:member[2]] < page - margin)
               for member in group.members or [group.box()]):
            # Straight bars standing on the line: tick marks drawn outward, wider than a
            # stem where the ticks are thick beside small text (matplotlib's 0.8 pt ticks by
            # 7 pt labels at 600 dpi: 7 px against 42 px digits), no glyphs; a minor and a
            # major mark close together are one group (GMT's 3 px marks 20 px apart under a
            # frame line that grey land beside it widens to 15 px, by Courier 8 pt at
            # 185 dpi), a label of two glyphs that took the x axis' row.
            return None
        r0, r1 = (group.row0, lo) if side == "top" else (hi, group.row1)
    elif side == "top":
        # The outward part, the line and the strokes beyond it that join it.
        r0, r1 = group.row0, beyond[0] + int(extent.max()) + 1
    else:
        r0, r1 = beyond[0] + int(extent.min()), group.row1
    patch = lum[r0:r1, c0:c1].astype(np.float32).copy()
    # The box's side: darkness against the colours there, as on a page.
    b0, b1 = (hi, r1) if side == "top" else (r0, lo)
    b0, b1 = max(b0, r0), min(b1, r1)
    if b1 > b0:
        over = np.clip(lum[b0:b1, c0:c1] / np.maximum(background, 1.0)[None, :], 0.0, 1.0)
        patch[b0 - r0:b1 - r0] = over * page
    # The page's side: only the outward part's own ink (another label's tail, a tick mark
    # beside it, left out).
    o0, o1 = (r0, lo) if side == "top" else (hi, r1)
    if o1 > o0:
        own = np.zeros((o1 - o0, c1 - c0), bool)
        for member in group.members or [group.box()]:
            own[max(member[1] - o0, 0):max(member[3] - o0, 0),
                max(member[0] - c0, 0):max(member[2] - c0, 0)] = True
        patch[o0 - r0:o1 - r0][~own] = page
    # The line's rows: the strokes that cross it (dark on both sides of it).
    if r0 < lo and hi < r1:
        before, after = patch[lo - r0 - 1], patch[hi - r0]
        patch[lo - r0:hi - r0] = np.maximum(before, after)[None, :]
    # Its glyphs, found on the mended pixels.
    dark = patch < page - margin
    labelled, _ = ndimage.label(dark, structure=np.ones((3, 3), bool))
    members = [(c0 + cs.start, r0 + rs.start, c0 + cs.stop, r0 + rs.stop)
               for rs, cs in ndimage.find_objects(labelled) if rs is not None]
    if not members:
        return None
    col0, col1 = min(m[0] for m in members), max(m[2] for m in members)
    row0, row1 = min(m[1] for m in members), max(m[3] for m in members)
    if row1 - row0 > 1.5 * max(text_height, 2 * outward + hi - lo):
        return None
    crop = patch[row0 - r0:row1 - r0, col0 - c0:col1 - c0]
    members.sort()
    label = TextLabel(col0, row0, col1, row1, len(members), members,
                      [max(b[0] - a[2], 0) for a, b in zip(members, members[1:])])
    label.patch = (crop, (col0, row0))
    label.crossed_line = (side, box)
    label.crossed_rows = (lo, hi)
    label.on_line = on_line
    label.glyph_box = group.box()
    return label


#: Share of a tick mark's rows inked alike (a straight bar across the line: every row the same
#: but its anti-aliased end, which a short mark of 5 rows may have alone: all rows but one);
#: a '1' standing alone, its flag and foot apart, has at most some 0.75 of them alike, other
#: glyphs far fewer.
TICK_MARK_ALIKE_ROWS = 0.85


def _straight_bar(ink) -> bool:
    """Whether a part's ink (rows along the tick, columns across) is one straight bar taller
    than wide: its rows inked alike, in one run of columns."""
    rows, cols = ink.shape
    if rows <= cols or not ink.any():
        return False
    patterns, counts = np.unique(ink, axis=0, return_counts=True)
    common = patterns[np.argmax(counts)]
    runs = np.flatnonzero(np.diff(np.concatenate([[0], common.astype(np.int8), [0]])))
    return counts.max() >= min(TICK_MARK_ALIKE_ROWS * rows, rows - 1) and runs.size == 2


#: A tick mark over a box's colours is at most this share of their luma...
MARK_MAX_RATIO = 0.75
#: ...and darker than them by at least this much (0-255).
MARK_MIN_DROP = 30.0


def marks_inside_box(lum, box, page, side) -> np.ndarray:
    """Tick marks drawn inward from a horizontal box's top or bottom line over its colours
    (GMT's psscale with ``MAP_FRAME_TYPE=inside``): their centres along the box, pixels.

    Inside the box, each column's colour is its median over the box's rows; a mark is a run
    of pixels darker than that colour (below :data:`MARK_MAX_RATIO` of it and
    :data:`MARK_MIN_DROP` under it: a one-pixel mark at 72 dpi through JPEG is grey) from the
    ``side`` line inward, at least two
    pixels long. Neighbouring columns of marks make one mark.

    Parameters
    ----------
    lum : ndarray of float (rows, cols)
    box : tuple (col0, row0, col1, row1)
    page : float
    side : str
        The line the marks stand on, "top" or "bottom" (not the one labels are written
        across: their glyphs' parts over the colours are no marks).

    Returns
    -------
    ndarray of float
    """
    col0, row0, col1, row1 = (int(round(v)) for v in box)
    lines = [side_line_columns(lum.T, page, (row0, col0, row1, col1), side)
             for side in ("left", "right")]
    if any(line is None for line in lines) or col1 - col0 < 3:
        return np.zeros(0)
    inner0, inner1 = lines[0][1], lines[1][0]
    if inner1 - inner0 < 4:
        return np.zeros(0)
    inner = lum[inner0:inner1, col0:col1].astype(np.float32)
    colour = np.median(inner, axis=0)
    dark = (inner <= MARK_MAX_RATIO * colour[None, :]) & \
        (inner <= colour[None, :] - MARK_MIN_DROP)
    height = inner1 - inner0
    # A mark may run on into a label's glyph written across the other line (a black stretch
    # of the colours is its own median: never darker than it).
    marked = np.cumprod(dark if side == "top" else dark[::-1], axis=0).sum(axis=0) >= 2
    return np.array([col0 + 0.5 * (start + end) for start, end in true_runs(marked)
                     if end - start <= max(3, height // 3)])
