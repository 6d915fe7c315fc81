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
    parts, _ = ndimage.label(freed, structure=np.ones((3, 3), bool))
    for part in ndimage.find_objects(parts):
        if part is None:
            continue
        height, width = part[0].stop - part[0].start, part[1].stop - part[1].start
        if height > max_height or width > 6 * max_height or max(height, width) < 3:
            continue
        glyphs.append(TextLabel(part[1].start, part[0].start, part[1].stop, part[0].stop))
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
            if gap > gap_factor * max(height, typical) or gap < -0.5 * height:
                continue
            # Within a label the glyph gaps are even: a gap much wider than the label's own
            # reaches another text (a rotated axis title beside a colorbar's labels). The slack
            # scales with the text: at 72-96 dpi two digits touch (gap 0) and the decimal point
            # after them stands 2 px off. (Gaps under a pixel count as one: a stray pixel where
            # a grid line crossed the text makes a label's own gaps look smaller than they are.)
            if label.gaps and gap > 2.5 * max(float(np.median(label.gaps)), 1.0) + \
                    max(1.5, 0.3 * typical):
                continue
            # On the same line: the small glyph's centre inside the label's rows (a minus sign
            # or a degree sign sits within the digits' height).
            centre = 0.5 * (glyph.row0 + glyph.row1)
            label_centre = 0.5 * (label.row0 + label.row1)
            if label.row0 - 0.25 * height <= centre <= label.row1 + 0.25 * height or \
                    glyph.row0 - 0.25 * height <= label_centre <= glyph.row1 + 0.25 * height:
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
