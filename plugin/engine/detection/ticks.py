"""Tick marks along a side of the frame or the colorbar, and the fit of label values to them.

A tick mark is a short dark line standing out from a side, perpendicular to it. Its position is
where the renderer put the tick, snapped to the pixel grid. Marks snapped as Agg (matplotlib)
snaps them, every one with the same core and even edges (:func:`tick_marks_snapped`), place
their ticks alone, as intervals a pixel wide (:func:`_snapped_line`): the labels' boxes are
snapped too, offset from the tick by half a pixel to a pixel. Otherwise (Ghostscript, anti-
aliased marks) the centre of a label is unbiased but noisy (± 0.5–1 px, more with a degree
sign), and each label's position is the mean of both.

Values are fitted to positions robustly: every pair of labels proposes a line (or a line in
log10(value) for a logarithmic bar), the one most labels agree with wins (RANSAC), and it is
refined by least squares on those. Labels the fit does not explain are misreads and are
reported as rejected; a fit that explains too few labels is refused.
"""
import re
from dataclasses import dataclass, field
from itertools import combinations
from typing import Optional

import numpy as np

from .lines import true_runs

#: A label within this many pixels of the fitted position (or a quarter of the tick spacing,
#: when larger) agrees with the fit.
INLIER_PIXELS = 2.0


@dataclass
class Side:
    """One side of a box: where its line is and which way is outward.

    Attributes
    ----------
    name : str
        "top", "bottom", "left" or "right".
    position : float
        The line's centre across the side (y for top/bottom, x for left/right).
    start, end : float
        The side's extent along it.
    outward : int
        +1 when outward is towards larger coordinates (bottom, right), else -1; the other
        way round for ``inward``.
    inward : bool
        The labels and tick marks looked for are those inside the box (annotations drawn
        inside a map's frame: GMT's MAP_FRAME_TYPE=inside, matplotlib's negative pad).
    """

    name: str
    position: float
    start: float
    end: float
    inward: bool = False

    @property
    def outward(self) -> int:
        direction = 1 if self.name in ("bottom", "right") else -1
        return -direction if self.inward else direction

    @property
    def horizontal(self) -> bool:
        """The side runs horizontally (its ticks are columns)."""
        return self.name in ("top", "bottom")


def box_sides(box) -> dict:
    """The four sides of a (left, top, right, bottom) box."""
    left, top, right, bottom = box
    return {"top": Side("top", top, left, right), "bottom": Side("bottom", bottom, left, right),
            "left": Side("left", left, top, bottom), "right": Side("right", right, top, bottom)}


#: Pixels a side's line may reach beyond its nominal thickness.
MAX_EXTRA_LINE_PX = 6


def first_beyond_line(dark, side, line_thickness=2.0) -> int:
    """The first row (a column, for a vertical side) outward of a side's line, where tick
    marks start: past the nominal thickness, and on while the row is dark along most of the
    side (a frame drawn thicker, GMT's 5 px frame at 150 dpi: starting inside it, every
    position would look like a tick, and none would be found)."""
    mask = dark if side.horizontal else dark.T
    first = int(np.floor(side.position + side.outward * (0.5 * line_thickness + 0.5)))
    span = side.end - side.start
    lo = int(max(side.start + 0.1 * span, 0))
    hi = int(min(side.end - 0.1 * span, mask.shape[1]))
    for _ in range(MAX_EXTRA_LINE_PX):
        if hi - lo < 3 or not 0 <= first < mask.shape[0] or mask[first, lo:hi].mean() < 0.5:
            break
        first += side.outward
    return first


def find_tick_marks(dark, side, line_thickness=2.0, max_length=None, lum=None,
                    page=None) -> tuple:
    """Tick marks standing outward from a side.

    Parameters
    ----------
    dark : ndarray of bool
    side : Side
    line_thickness : float
        The side's line thickness, pixels (ticks start beyond it).
    max_length : int, optional
        Longest tick, pixels; default 2.5 % of the figure's smaller dimension (at least 8).
    lum : ndarray of float, optional
        Luma (0-255); with ``page``, each mark is placed by the centroid of its darkness
        (an anti-aliased mark drawn where it was meant, as QGIS's Qt painter draws its grid
        ticks, shares its coverage between two columns: the dark pixels alone round it to
        half a pixel).
    page : float, optional
        The page's luma.

    Returns
    -------
    positions : ndarray of float
        Tick centres along the side (pixel coordinates).
    lengths : ndarray of int
        Their lengths, pixels (major ticks are the longer ones).
    """
    rows, cols = dark.shape
    max_length = max_length or max(8, int(0.025 * min(rows, cols)))
    mask = dark if side.horizontal else dark.T
    n_across = mask.shape[0]
    first = first_beyond_line(dark, side, line_thickness)
    offsets = first + side.outward * np.arange(max_length)
    offsets = offsets[(offsets >= 0) & (offsets < n_across)]
    lo, hi = int(max(np.floor(side.start) - 1, 0)), int(min(np.ceil(side.end) + 1, mask.shape[1]))
    if offsets.size < 2 or hi - lo < 3:
        return np.zeros(0), np.zeros(0, int)
    strip = mask[offsets, lo:hi]
    # Dark run from the line outward, per position along the side.
    length = np.cumprod(strip, axis=0).sum(axis=0)
    is_tick = (length >= 2) & (length < offsets.size)
    positions, lengths = [], []
    for start, end in true_runs(is_tick):
        if end - start > max(3, max_length // 2):
            continue  # a label or a line touching the side, not a tick
        weights = length[start:end].astype(float)
        position = lo + float(np.average(np.arange(start, end) + 0.5, weights=weights))
        longest = int(length[start:end].max())
        if lum is not None and page:
            position = _darkness_centroid(lum if side.horizontal else lum.T, page,
                                          offsets[:longest], lo + start, lo + end, position)
        positions.append(position)
        lengths.append(longest)
    return np.array(positions), np.array(lengths, int)


#: Least luma step (0-255) by which a tick mark drawn over the map is darker than the map a few
#: pixels to either side of it, along the side.
INWARD_TICK_CONTRAST = 40.0


def find_inward_tick_marks(lum, dark, side, line_thickness=2.0, max_length=None) -> tuple:
    """Tick marks drawn inward from a side, over the map (matplotlib's ``direction='in'``, its
    classic and bmh styles; journals' inward ticks), with the labels outside.

    Over the map the ink mask holds the map's dark colours too, so a mark is found by
    contrast: in each of the rows (columns) just inside the side's line, a position darker
    by :data:`INWARD_TICK_CONTRAST` than the map both ``reach`` pixels before and after it
    along the side. A mark is a run of such positions, a few pixels wide, dark from the line
    inward for 2 rows or more and not across the whole reach (a grid line or the edge of a
    field of the map's colours runs on). Its position is the centroid of its contrast over
    its rows, to a fraction of a pixel.

    Parameters
    ----------
    lum : ndarray of float (rows, cols)
    dark : ndarray of bool
        Ink mask: where the side's line ends (:func:`first_beyond_line`).
    side : Side
        The side, its labels outside (its ``outward`` away from the map).
    line_thickness : float
    max_length : int, optional
        Longest tick, pixels; default 2.5 % of the figure's smaller dimension (at least 8).

    Returns
    -------
    positions : ndarray of float
    lengths : ndarray of int
    """
    rows_, cols_ = lum.shape
    max_length = max_length or max(8, int(0.025 * min(rows_, cols_)))
    inner = Side(side.name, side.position, side.start, side.end, inward=not side.inward)
    image = lum if side.horizontal else lum.T
    first = first_beyond_line(dark, inner, line_thickness)
    offsets = first + inner.outward * np.arange(max_length)
    offsets = offsets[(offsets >= 0) & (offsets < image.shape[0])]
    reach = max(3, int(np.ceil(line_thickness)) + 1)
    lo = int(max(np.ceil(side.start) + reach + 2, reach))
    hi = int(min(np.floor(side.end) - reach - 2, image.shape[1] - reach))
    if offsets.size < 3 or hi - lo < 3:
        return np.zeros(0), np.zeros(0, int)
    strip = image[offsets].astype(np.float32)
    centre = strip[:, lo:hi]
    contrast = np.minimum(strip[:, lo - reach:hi - reach], strip[:, lo + reach:hi + reach]) - centre
    strong = contrast >= INWARD_TICK_CONTRAST
    length = np.cumprod(strong, axis=0).sum(axis=0)
    is_tick = (length >= 2) & (length < offsets.size)
    positions, lengths = [], []
    for start, end in true_runs(is_tick):
        if end - start > max(3, 2 * reach - 1):
            continue  # wider than a mark: the map's own dark stretch
        longest = int(length[start:end].max())
        a, b = max(start - 1, 0), min(end + 1, centre.shape[1])
        weights = np.clip(contrast[:longest, a:b], 0, None).sum(axis=0)
        if weights.sum() <= 0:
            continue
        positions.append(lo + float(np.average(np.arange(a, b) + 0.5, weights=weights)))
        lengths.append(longest)
    return np.array(positions), np.array(lengths, int)


def marks_snapped_offset(positions, phase_tolerance=0.05, share=0.5) -> "float | None":
    """The offset to add to marks (or lines) snapped to the pixel grid by Agg, or None when
    they look drawn where they were meant (anti-aliased at any phase).

    Agg draws a crisp mark of odd width at ``floor(x + 0.5) + 0.5``, a pixel's centre, 0 to
    1 px after its true place ``x`` (half a pixel late on average: offset -0.5), and one of
    even width at ``floor(x + 0.5)``, a pixel's edge, unbiased (offset 0). A crisp mark's
    centroid is its pixel phase to the hundredth; JPEG or the map's colours beside it move
    some off it. Marks count as snapped when at least ``share`` of them, and two or more,
    lie within ``phase_tolerance`` of one of the two phases: anti-aliased marks drawn at any
    phase pass by chance (two of three: 3 % of the time).

    Parameters
    ----------
    positions : ndarray of float
        Mark centres, pixel coordinates.
    phase_tolerance : float
        Pixels.
    share : float

    Returns
    -------
    float or None
    """
    positions = np.unique(np.asarray(positions, float))
    if positions.size < 2:
        return None
    phases = positions % 1.0
    for phase, offset in ((0.5, -0.5), (0.0, 0.0)):
        near = np.abs((phases - phase + 0.5) % 1.0 - 0.5) <= phase_tolerance
        if near.sum() >= 2 and near.mean() >= share:
            return offset
    return None


def find_band_transitions(lum, page, side, max_thickness) -> np.ndarray:
    """Tick positions along a side of a GMT "fancy" frame: where its chequered band turns.

    Outside the map's edge (``side``, the band's inner line) the band alternates dark and
    light blocks, one per frame interval: every turn is a tick, placed exactly by GMT and
    drawn with straight, anti-aliased ends. The rows (columns) of the band just outward of
    the inner line, each part dark and part light along the side, are averaged; each turn is
    where that mean crosses half way between its dark and light levels, to a fraction of a
    pixel. The corner squares' closing lines are left out (:func:`band_end_zone`).

    Parameters
    ----------
    lum : ndarray of float (rows, cols)
    page : float
        The page's luma.
    side : Side
        A side of the frame's inner box (the map's edge), outward towards the band.
    max_thickness : int
        Thickest line expected, pixels (the band is searched within six times it).

    Returns
    -------
    ndarray of float
        Turn positions along the side (pixel coordinates), or empty when no band is there.
    """
    return band_turns(lum, page, side, max_thickness)[0]


#: Pixels, beyond half the thickest line, left out at each end of a chequered band for the
#: line closing a corner square: its anti-aliased edge, and where in it the inner box's
#: corner was found.
BAND_END_MARGIN_PX = 2.0


def band_end_zone(max_thickness) -> float:
    """Pixels left out at each end of a chequered band (:func:`band_turns`): the part of the
    line closing the corner square that lies within the side's ends when the side ends at
    its centre (half the thickest line expected: ``max_thickness``, 1 % of the image's short
    side, no measured width) and :data:`BAND_END_MARGIN_PX`. A block that ends within it is
    not told from that line and gives no turn. A closing line thicker than the thickest
    expected, or a side ending off its centre, leaves a turn against it beyond this zone:
    :func:`band_turns_clear_of_corners`."""
    return 0.5 * max_thickness + BAND_END_MARGIN_PX


def band_turns(lum, page, side, max_thickness) -> tuple:
    """A band's turns (:func:`find_band_transitions`) and, for each, whether a dark block
    begins there (light before it): (ndarray of float, ndarray of bool), both empty when no
    band is there.

    The band runs from the frame's inner corner to the other (``side.start`` to ``side.end``,
    where the perpendicular sides' inner lines were found: within those lines, not
    necessarily at their centres); the corner squares lie beyond. The line closing each
    corner square, continuing the perpendicular side's inner line across the band, stands
    about the side's end: a light block against it turns there. :func:`band_end_zone` pixels
    at each end are left out here, and no more: a tick a band's width or two from the corner
    (QGIS's 60°W 10 px from it at 200 dpi, GMT's first parallel) is a turn like any other. A
    closing line thicker than that (QGIS's zebra drawn with a thick pen: 12 px at 1 mm and
    300 dpi) still gives a turn against it: :func:`band_turns_clear_of_corners` drops it
    once the blocks' outline is measured."""
    none = (np.zeros(0), np.zeros(0, bool))
    image = lum if side.horizontal else lum.T
    n_across, n_along = image.shape
    reach = 6 * max_thickness
    end_zone = band_end_zone(max_thickness)
    lo = int(max(np.ceil(side.start + end_zone), 0))
    hi = int(min(np.floor(side.end - end_zone), n_along))
    if hi - lo < 20:
        return none
    rows = int(np.floor(side.position)) + side.outward * np.arange(1, reach + 1)
    rows = rows[(rows >= 0) & (rows < n_across)]
    if rows.size < 3:
        return none
    dark = image[rows, lo:hi] < 0.5 * page
    fractions = dark.mean(axis=1)
    turns = np.abs(np.diff(dark.astype(np.int8), axis=1)).sum(axis=1)
    # Two turns at least: a short side of a QGIS zebra frame (two grid intervals shown, the
    # corners left out) turns twice; the frame's other sides already showed it is banded.
    banded = (fractions > 0.2) & (fractions < 0.8) & (turns >= 2)
    if not banded.any():
        return none
    first = int(np.argmax(banded))
    last = first
    while last + 1 < banded.size and banded[last + 1]:
        last += 1
    if last - first >= 3:
        first, last = first + 1, last - 1  # the band's anti-aliased edge rows
    profile = image[rows[first:last + 1], lo:hi].mean(axis=0)
    dark_level, light_level = np.percentile(profile, 5), np.percentile(profile, 95)
    if light_level - dark_level < 0.3 * page:
        return none
    half = 0.5 * (dark_level + light_level)
    above = profile >= half
    index = np.flatnonzero(above[1:] != above[:-1])
    share = (half - profile[index]) / (profile[index + 1] - profile[index])
    return lo + index + 0.5 + share, above[index]


#: Fewest pairs of whole blocks (a dark one beside a light one), over a frame's sides, that
#: measure its blocks' outline, and the least half width (pixels) worth a correction.
MIN_OUTLINE_PAIRS = 2
MIN_OUTLINE_HALF_WIDTH = 0.25


def band_outline_half_width(bands) -> float:
    """Half the width (pixels) of the outline a chequered band's blocks are drawn with, from
    how much longer its dark blocks are than its light ones.

    QGIS strokes each block of its zebra frame with the frame's pen (0.3 mm: 3.5 px at
    300 dpi), dark over the light blocks' ends: every dark block looks a pen's width longer
    than its interval, every light one as much shorter, and each turn lies half a pen's
    width outward of the dark block it ends. The blocks are the grid's intervals, all one
    length along a side: each pair of neighbouring whole blocks (between two turns) gives
    ``(dark - light) / 4`` (a pair's blocks side by side, so a length changing along the side
    changes both alike). The pen is the frame's on every side: the pairs of all the sides are
    pooled, and a short side with two turns (one whole block, no pair) is corrected with the
    others' width. 0 when fewer than :data:`MIN_OUTLINE_PAIRS` pairs, or when they do not
    agree on a width of :data:`MIN_OUTLINE_HALF_WIDTH` or more (GMT's fancy frame: its
    blocks are not outlined).

    Parameters
    ----------
    bands : iterable of (turns, into_dark)
        Each side's turns (ascending, pixels along the side) and whether a dark block begins
        at each (:func:`find_band_transitions` with ``into_dark``).

    Returns
    -------
    float
    """
    pairs = []
    for turns, into_dark in bands:
        lengths = np.diff(np.asarray(turns, float))
        dark = np.asarray(into_dark, bool)[:-1]  # the block after each turn but the last
        for k in range(lengths.size - 1):
            if dark[k] == dark[k + 1]:
                continue  # two turns the same way: a turn missed between them
            long_, short = (lengths[k], lengths[k + 1]) if dark[k] else \
                (lengths[k + 1], lengths[k])
            pairs.append(0.25 * (long_ - short))
    if len(pairs) < MIN_OUTLINE_PAIRS:
        return 0.0
    pairs = np.array(pairs)
    half_width = float(np.median(pairs))
    # Every pair wider the same way: a pen, not the noise of a few blocks.
    if half_width < MIN_OUTLINE_HALF_WIDTH or np.mean(pairs > 0) < 1.0:
        return 0.0
    return half_width


def band_turns_clear_of_corners(turns, into_dark, side, half_width, max_thickness) -> tuple:
    """A band's turns (:func:`band_turns`) but those against the lines closing its corner
    squares: (turns, into_dark), as given less the dropped.

    QGIS strokes each block of its zebra frame, the corner squares too, with the frame's pen
    (``half_width`` pixels each side of the block's edge: :func:`band_outline_half_width`).
    The line closing a corner square is that pen across the band, centred on the map's
    corner; a light block ending against it turns half the pen before the corner, and moved
    on by the outline's half width (:func:`outlined_band_turns`) that turn lands on the
    corner. The side's end lies within that line (the inner box is put inside the
    perpendicular sides' inner lines), up to half its width off its centre: a turn whose
    outlined position lies within :func:`band_end_zone` and the outline's half width of
    either end is the closing line, not a tick (a 1 mm pen at 300 dpi: a turn 10.2 px before
    the end, 4.2 px once outlined, the zone 15 px; the side's end 4.7 px outward of the
    line's centre). A tick nearer the corner than that is lost with it, and its label placed
    by its text (as before turns were looked for near the corners). GMT's fancy frame
    (no outline: ``half_width`` 0) keeps the turns :func:`band_turns` gave.

    Parameters
    ----------
    turns : ndarray of float
        Pixel coordinates along the side, ascending.
    into_dark : ndarray of bool
        Whether a dark block begins at each turn.
    side : Side
        The side of the frame's inner box the band lies beside.
    half_width : float
        The blocks' outline's half width, pixels (0 when none).
    max_thickness : int
        Thickest line expected, pixels.

    Returns
    -------
    tuple of (ndarray of float, ndarray of bool)
    """
    turns, into_dark = np.asarray(turns, float), np.asarray(into_dark, bool)
    outlined = outlined_band_turns(turns, into_dark, half_width)
    zone = band_end_zone(max_thickness) + half_width
    clear = (outlined - side.start > zone) & (side.end - outlined > zone)
    return turns[clear], into_dark[clear]


def fancy_band_ticks(lum, page, sides, max_thickness) -> dict:
    """The ticks a chequered frame's bands show, by side name: each band's turns
    (:func:`band_turns`) clear of the corners' closing lines
    (:func:`band_turns_clear_of_corners`), moved in by the half width of the outline its
    blocks are drawn with, measured over all the sides (:func:`band_outline_half_width`)
    with those near the corners left out.

    Parameters
    ----------
    lum : ndarray of float (rows, cols)
    page : float
        The page's luma.
    sides : dict of str to Side
        The frame's inner box's sides (:func:`box_sides`), outward towards the bands.
    max_thickness : int
        Thickest line expected, pixels.

    Returns
    -------
    dict of str to ndarray of float
        Tick positions along each side (pixel coordinates), empty where no band is.
    """
    bands = {name: band_turns(lum, page, side, max_thickness) for name, side in sides.items()}
    half_width = band_outline_half_width(bands.values())
    bands = {name: band_turns_clear_of_corners(turns, into_dark, sides[name], half_width,
                                               max_thickness)
             for name, (turns, into_dark) in bands.items()}
    # A turn against a closing line ends a block short of its interval: measured again
    # without it.
    half_width = band_outline_half_width(bands.values())
    return {name: outlined_band_turns(turns, into_dark, half_width)
            for name, (turns, into_dark) in bands.items()}


def outlined_band_turns(turns, into_dark, half_width) -> np.ndarray:
    """A band's turns moved in by its blocks' outline's half width (pixels): a dark block's
    start on by it, its end back (:func:`band_outline_half_width`)."""
    turns = np.asarray(turns, float)
    return turns + np.where(np.asarray(into_dark, bool), half_width, -half_width)


def _darkness_centroid(image, page, rows, start, end, fallback) -> float:
    """Centroid along a side of a tick mark's darkness (0 page, 1 ink) over its own rows
    (not the one against the side's line nor its tip), from one column before its dark run
    to one after; ``fallback`` when that reaches the image's edge or holds no darkness."""
    if rows.size >= 4:
        rows = rows[1:-1]
    col0, col1 = start - 1, end + 1
    if col0 < 0 or col1 > image.shape[1] or rows.size == 0:
        return fallback
    darkness = np.clip((page - image[np.ix_(rows, np.arange(col0, col1))]) / page, 0.0, 1.0)
    weights = darkness.sum(axis=0)
    if weights.sum() <= 0:
        return fallback
    return float(np.average(np.arange(col0, col1) + 0.5, weights=weights))


#: Darkness (0 page, 1 ink) by which the two pixels flanking a tick mark's core may differ and
#: still count as the symmetric edges of a line snapped to the pixel grid (8-bit rounding and
#: JPEG noise), and the darkness the pixels beyond them may keep.
SNAP_EDGE_TOLERANCE = 0.06
SNAP_BEYOND_DARKNESS = 0.03


def tick_marks_snapped(lum, page, side, positions, lengths, line_thickness=2.0,
                       dark=None) -> tuple:
    """Whether a side's tick marks were snapped to the pixel grid (Agg: matplotlib), and the
    offset from each mark's centre to where its tick was meant to be.

    Agg snaps a straight line's centre to a pixel centre (odd rounded width) or a pixel edge
    (even width) after rounding its position to the nearest pixel: every mark then has the same
    core of fully dark pixels, flanked by equal partial coverage on both sides (the stroke's
    fractional width, shared evenly), at the same sub-pixel phase. Where the tick was meant
    is within half a pixel of the core's centre less half a pixel (odd widths) or of the centre
    itself (even widths). Marks drawn unsnapped (anti-aliased at their true position) or by a
    rasteriser that paints every touched pixel (Ghostscript) show uneven edges or cores of
    varying width.

    Parameters
    ----------
    lum : ndarray of float (rows, cols)
        Luma, 0-255.
    page : float
        The page's luma.
    side : Side
    positions, lengths : ndarray
        Tick marks (:func:`find_tick_marks`).
    line_thickness : float
        The side's line thickness, pixels.
    dark : ndarray of bool, optional
        The figure's dark pixels: where the side's line ends (:func:`first_beyond_line`).

    Returns
    -------
    snapped : bool
        At least two marks, all with symmetric edges, one core width and one phase.
    offset : float
        Pixels to add to a snapped mark's centre: -0.5 for odd core widths, 0 for even ones
        (0 when not snapped).
    """
    if len(positions) < 2 or page <= 0:
        return False, 0.0
    image = lum if side.horizontal else lum.T
    first = first_beyond_line(dark, side, line_thickness) if dark is not None else \
        int(np.floor(side.position + side.outward * (0.5 * line_thickness + 0.5)))
    widths, phases = set(), set()
    for position, length in zip(positions, lengths):
        # The mark's own rows: not the one against the side's line nor its rounded tip.
        steps = np.arange(1, length - 1) if length >= 4 else np.arange(length)
        rows = first + side.outward * steps
        col0 = int(np.floor(position)) - 4
        cols = np.arange(col0, col0 + 9)
        if rows.min() < 0 or rows.max() >= image.shape[0] or cols[0] < 0 or \
                cols[-1] >= image.shape[1]:
            return False, 0.0
        darkness = np.clip((page - image[np.ix_(rows, cols)]) / page, 0.0, 1.0).mean(axis=0)
        core = np.flatnonzero(darkness >= 0.5)
        if core.size == 0 or core[-1] - core[0] + 1 != core.size or core[0] < 2 or \
                core[-1] > cols.size - 3:
            return False, 0.0
        before, after = darkness[core[0] - 1], darkness[core[-1] + 1]
        if abs(before - after) > SNAP_EDGE_TOLERANCE or \
                max(darkness[core[0] - 2], darkness[core[-1] + 2]) > SNAP_BEYOND_DARKNESS:
            return False, 0.0
        widths.add(int(core.size))
        phases.add(round(float(col0 + 0.5 * (core[0] + core[-1] + 1)) % 1.0, 3))
    if len(widths) != 1 or len(phases) != 1:
        return False, 0.0
    return True, (-0.5 if widths.pop() % 2 else 0.0)


#: A grid line stands out from the map's colours beside it by this much (RGB distance, median
#: along the line) and by this factor over the typical column (or row) of the map.
GRID_LINE_MIN_CONTRAST = 8.0
GRID_LINE_CONTRAST_FACTOR = 4.0
#: A "line" this many times weaker (or more) than a line found within
#: :data:`GRID_LINE_GHOST_PX` pixels of it is that line's JPEG ringing, no line of its own.
GRID_LINE_GHOST_FACTOR = 2.5
#: How far (pixels) a JPEG rings beside a line: a 4:2:0 JPEG codes its chroma in blocks of
#: 16 × 16 pixels, and a grey line over colours differs from them mostly in chroma.
GRID_LINE_GHOST_PX = 16.0


def find_grid_lines(rgb, box, across) -> np.ndarray:
    """Straight lines crossing the whole map at constant x (``across`` "x") or y ("y"):
    gridlines (cartopy's gridliner, GMT's ``-Bg``), where labels without tick marks point.

    A gridline differs from the pixels three to each side of it, both the same way, all along
    the map, whatever the colours under it (gray on a colormap differs in chroma where not in
    luma); the map's own edges differ from one side only, and do not run the whole height.
    Each line's position is the centroid of that contrast over its core (pixel-snapped lines
    are one pixel; anti-aliased ones spread over two). A JPEG's quantisation rings beside a
    line, within the block coding it: a weaker "line" (:data:`GRID_LINE_GHOST_FACTOR` times or
    more) within :data:`GRID_LINE_GHOST_PX` of a line is its ghost and left out (a label
    beside a line may lie nearer its ghost).

    Parameters
    ----------
    rgb : ndarray of uint8 (rows, cols, 3)
    box : tuple (left, top, right, bottom)
        The map frame (its lines left out).
    across : str
        "x" for vertical lines (meridians on a plate carrée map), "y" for horizontal ones.

    Returns
    -------
    ndarray of float
        Line centres, pixel coordinates along ``across``.
    """
    left, top, right, bottom = box
    c0, r0 = int(np.ceil(left)) + 2, int(np.ceil(top)) + 2
    c1, r1 = int(np.floor(right)) - 2, int(np.floor(bottom)) - 2
    if c1 - c0 < 12 or r1 - r0 < 12:
        return np.zeros(0)
    image = rgb[r0:r1, c0:c1].astype(np.float32)
    if across == "y":
        image = image.transpose(1, 0, 2)
    # Columns strided along the line: the median of a few hundred rows is as good as all.
    step = max(1, image.shape[0] // 400)
    image = image[::step]
    # A line differs from the pixels on both sides the same way (per channel); a step between
    # two regions (an edge of the data's cells, a coastline) differs from one side only.
    # Channel by channel: a third of the memory of all three at once.
    contrast = np.zeros(image.shape[:2], np.float32)
    contrast = contrast[:, 3:-3]
    for channel in range(3):
        plane = image[:, :, channel]
        before = plane[:, 3:-3] - plane[:, :-6]
        after = plane[:, 3:-3] - plane[:, 6:]
        same_way = before * after > 0
        np.abs(before, out=before)
        np.abs(after, out=after)
        np.minimum(before, after, out=before)
        before[~same_way] = 0.0
        contrast += before * before
        del before, after, same_way
    np.sqrt(contrast, out=contrast)
    profile = np.median(contrast, axis=0)
    threshold = max(GRID_LINE_MIN_CONTRAST, GRID_LINE_CONTRAST_FACTOR * float(np.median(profile)))
    origin = (c0 if across == "x" else r0) + 3
    positions, strengths = [], []
    for index in np.flatnonzero(profile > threshold):
        lo, hi = max(index - 1, 0), min(index + 2, profile.size)
        if profile[index] < profile[lo:hi].max():
            continue  # not the line's peak
        # The contrast is taken against pixels 3 away: a line also shows, at half its
        # strength, 3 pixels to either side of itself. Those echoes are not lines.
        echo_of = profile[max(index - 4, 0):max(index - 1, 0)].tolist() + \
            profile[index + 2:index + 5].tolist()
        if echo_of and max(echo_of) >= 1.6 * profile[index]:
            continue
        core = profile[lo:hi] - float(np.median(profile))
        core = np.clip(core, 0, None)
        # Only the side neighbour that is part of the line (half the peak or more) counts.
        core[core < 0.35 * core.max()] = 0
        positions.append(origin + float(np.average(np.arange(lo, hi) + 0.5, weights=core)))
        strengths.append(float(profile[index]))
    positions, strengths = np.array(positions), np.array(strengths)
    # A JPEG's ringing beside a line (cartopy's 0.6 pt grey lines at quality 60 showed ghosts
    # 6-11 px from every line, 4-12 times weaker) is no line.
    ghost = [bool(np.any((np.abs(positions - position) <= GRID_LINE_GHOST_PX)
                         & (strengths >= GRID_LINE_GHOST_FACTOR * strength)))
             for position, strength in zip(positions, strengths)]
    return positions[~np.array(ghost, bool)] if positions.size else positions


@dataclass
class TickLabel:
    """One label beside a side, read and placed."""

    box: tuple
    text: str
    value: Optional[float]
    label_position: float
    tick_position: Optional[float] = None
    kept: bool = False
    parsed: object = None
    # The tick mark alone places the label (pixel-snapped drawing, corrected for its bias:
    # a text box is snapped too and centred on the glyphs, not on the anchor).
    tick_only: bool = False
    # ``label_position`` runs across the text's lines (the row of a label beside a vertical
    # side): every label's glyphs then share their vertical metrics, so the label centres are
    # the tick positions snapped with one common phase and offset.
    across_text: bool = False
    # The tick mark's share in the label's position, the label's centre having the rest
    # (:func:`weigh_marks_and_labels`: by how closely each lies on a line).
    tick_weight: float = 0.5
    #: The angle (degrees, in (-90, 90], image axes: x right, y down) of a label written at an
    #: angle and read turned level (figure_reading's rotated labels); None for level text.
    angle: Optional[float] = None
    #: The label lost its value for lying off the step the other labels of its side are on
    #: (figure_reading._on_one_step): a misread, which its glyphs may put right.
    off_step: bool = False

    @property
    def position(self) -> float:
        """Where the label's tick is: the tick mark and the label's centre, weighted."""
        if self.tick_position is None:
            return self.label_position
        if self.tick_only:
            return self.tick_position
        return self.tick_weight * self.tick_position + (1 - self.tick_weight) * self.label_position


@dataclass
class TickFit:
    """value = slope × position + offset (in log10(value) for a logarithmic fit).

    Attributes
    ----------
    residuals_px : ndarray
        Each kept label's distance from the fit, pixels.
    """

    slope: float
    offset: float
    logarithmic: bool
    labels: list
    residuals_px: np.ndarray = field(default_factory=lambda: np.zeros(0))
    #: A cylindrical projection (projections.Cylindrical) whose northing, not the latitude
    #: label itself, is linear in position; None for a linear axis.
    projection: object = None

    def value_at(self, position) -> float:
        linear = self.slope * np.asarray(position, float) + self.offset
        if self.projection is not None:
            return self.projection.latitude(linear)
        return 10.0 ** linear if self.logarithmic else linear

    def position_of(self, value) -> float:
        value = np.asarray(value, float)
        if self.projection is not None:
            value = self.projection.northing(value)
        elif self.logarithmic:
            value = np.log10(value)
        return (value - self.offset) / self.slope

    @property
    def kept(self) -> list:
        return [label for label in self.labels if label.kept]

    @property
    def rmse_px(self) -> float:
        return float(np.sqrt(np.mean(self.residuals_px ** 2))) if self.residuals_px.size else 0.0

    @property
    def max_residual_px(self) -> float:
        return float(np.abs(self.residuals_px).max()) if self.residuals_px.size else 0.0


def attach_tick_marks(labels, tick_positions, tolerance, tick_only=False) -> None:
    """Give each label the nearest tick mark within ``tolerance`` pixels of its centre."""
    for label in labels:
        if tick_positions.size == 0:
            return
        nearest = tick_positions[np.argmin(np.abs(tick_positions - label.label_position))]
        if abs(nearest - label.label_position) <= tolerance:
            label.tick_position = float(nearest)
            label.tick_only = tick_only


#: Bounds of a tick mark's weight against its label's centre, and the smallest scatter (px)
#: either is credited with: three or four labels measure a scatter only roughly.
TICK_WEIGHT_BOUNDS = (0.2, 0.9)
MIN_SCATTER_PX = 0.05


def place_by_the_others(labels) -> None:
    """A label whose grid line was not found (hidden under the map's colours, or blurred by
    JPEG) placed at its centre moved as the others' lines are from their centres (the median
    offset: text sits the same way on every line), when at least two have lines."""
    placed = [label for label in labels if label.tick_position is not None]
    if len(placed) < 2 or len(placed) == len(labels):
        return
    offset = float(np.median([label.tick_position - label.label_position for label in placed]))
    tick_only = all(label.tick_only for label in placed)
    for label in labels:
        if label.tick_position is None:
            label.tick_position = label.label_position + offset
            label.tick_only = tick_only


def weigh_marks_and_labels(labels, allow_log=False) -> None:
    """Weigh each label's tick mark against its centre by how closely each set lies on a line.

    Marks that are not snapped to the pixel grid are placed as precisely as their renderer
    drew them: QGIS's anti-aliased grid ticks lie on their line within a few hundredths of a
    pixel, its labels' centres scatter by a few tenths; Ghostscript's marks and labels scatter
    alike. Each set is fitted alone (the same robust fit), and the weights are the inverse of
    their mean squared residuals; ``tick_weight`` is set on every label. Nothing changes with
    fewer than three labels having both, or when either set's fit keeps fewer of them.
    """
    both = [label for label in labels
            if label.tick_position is not None and not label.tick_only
            and label.value is not None and np.isfinite(label.value)]
    if len(both) < 3:
        return
    scatter = []
    for placed_by_mark in (True, False):
        alone = [TickLabel(label.box, label.text, label.value,
                           label.tick_position if placed_by_mark else label.label_position)
                 for label in both]
        fit = fit_ticks(alone, allow_log=allow_log)
        if fit is None or len(fit.kept) < len(both):
            return
        scatter.append(max(fit.rmse_px, MIN_SCATTER_PX))
    marks, centres = scatter
    weight = centres ** 2 / (marks ** 2 + centres ** 2)
    weight = float(np.clip(weight, *TICK_WEIGHT_BOUNDS))
    for label in both:
        label.tick_weight = weight


def fit_ticks(labels, allow_log=False, linear_only_if_nonpositive=True,
              projection=None, max_residual_px=None) -> "TickFit | None":
    """The robust fit of values to positions, or None when fewer than two labels have values.

    The labels the fit keeps are confirmed by the geometry twice over: each lies within the
    inlier tolerance of the line, and their values run in the order of their positions (a
    misread that lies within the tolerance but on the wrong side of a neighbour, such as a
    label broken in two by a tick mark, '5' and '0' of '500' a few pixels apart, is dropped:
    the worst residual first, then the line refitted).

    Parameters
    ----------
    labels : list of TickLabel
        ``kept`` is set on each.
    allow_log : bool
        Try log10(value) as well (a colorbar); the model explaining more labels (then the
        smaller residuals) wins.
    projection : projections.Cylindrical, optional
        Fit the projection's northing of the values (latitudes in degrees) instead of the
        values themselves.
    max_residual_px : float, optional
        Largest residual (pixels) a kept label may have: the worst one is dropped and the line
        refitted until every kept one is within it (a colorbar's labels, whose ends' values
        are extrapolated from the line: a label 10 px off shifts them by several % of the
        range). None keeps the inlier tolerance alone (an axis, whose residuals are judged
        by the caller: large ones mean a curved graticule).

    Returns
    -------
    TickFit or None
    """
    usable = [label for label in labels if label.value is not None and np.isfinite(label.value)]
    for label in labels:
        label.kept = False
    if len(usable) < 2:
        return None
    positions = np.array([label.position for label in usable])
    values = np.array([label.value for label in usable])
    if projection is not None:
        if np.any(np.abs(values) >= 89.9):
            return None
        values = projection.northing(values)
    candidates = [False]
    if allow_log and projection is None and np.all(values > 0):
        candidates.append(True)
    best = None
    for logarithmic in candidates:
        y = np.log10(values) if logarithmic else values
        found = _ransac_line(positions, y)
        if found is None:
            continue
        slope, offset, inliers, residuals = _confirmed(positions, y, *found,
                                                       max_residual_px=max_residual_px)
        if inliers.sum() < 2:
            continue
        score = (inliers.sum(), -np.sqrt(np.mean(residuals[inliers] ** 2)))
        if best is None or score > best[0]:
            best = (score, logarithmic, slope, offset, inliers, residuals)
    if best is None:
        return None
    _, logarithmic, slope, offset, inliers, residuals = best
    for label, inlier in zip(usable, inliers):
        label.kept = bool(inlier)
    kept = [label for label in usable if label.kept]
    if len(kept) >= 3 and all(label.tick_only and label.tick_position is not None
                              for label in kept):
        y = np.log10(values) if logarithmic else values
        snapped = _snapped_line(kept, y[inliers])
        if snapped is not None:
            slope, offset = snapped
            residuals = (y - offset) / slope - positions
    return TickFit(slope, offset, logarithmic, labels, residuals[inliers], projection)


#: Slack (pixels) on the snapping bounds, for a renderer whose rounding is not exact.
SNAP_SLACK_PX = 0.05


def _snapped_line(labels, values):
    """The line through pixel-snapped tick marks (and label rows), from the set of lines that
    every snapping allows, or None when no line does (the marks are not snapped after all).

    A mark snapped to the pixel grid is within half a pixel of where the renderer meant it:
    every line value→position allowed by all marks forms a polygon, whose centroid is the
    estimate (a least-squares fit of rounded positions is up to twice as far off). Labels
    stacked across their text lines (``across_text``) are snapped too, with a phase of their
    own: the difference of two labels' rows is within one pixel of the difference of their
    ticks' true positions, which bounds the slope further.

    Parameters
    ----------
    labels : list of TickLabel
        The fit's inliers, each with ``tick_position``.
    values : ndarray
        Their values (log10 for a logarithmic fit).

    Returns
    -------
    tuple (slope, offset) or None
        value = slope × position + offset.
    """
    from shapely.geometry import Polygon, box

    ticks = np.array([label.tick_position for label in labels], float)
    rows = np.array([label.label_position for label in labels], float)
    centre, spread = float(values.mean()), float(values.std())
    if spread == 0:
        return None
    u = (values - centre) / spread
    # position = a + b·u; the polygon is in (b, a), around the least-squares line.
    b0, a0 = np.polyfit(u, ticks, 1)
    reach = 4.0 + abs(b0)
    bs = np.array([b0 - reach, b0 + reach])

    def strip(coefficient, target, half):
        # target - half <= a + b·coefficient <= target + half, as a polygon in (b, a).
        low, high = target - half - bs * coefficient, target + half - bs * coefficient
        return Polygon([(bs[0], low[0]), (bs[1], low[1]), (bs[1], high[1]), (bs[0], high[0])])

    def slope_band(du, target, half):
        # target - half <= b·du <= target + half: a band of slopes, any offset.
        low, high = sorted(((target - half) / du, (target + half) / du))
        return box(max(low, bs[0]), a0 - 4 * reach, min(high, bs[1]), a0 + 4 * reach)

    region = box(bs[0], a0 - 4 * reach, bs[1], a0 + 4 * reach)
    for ui, tick in zip(u, ticks):
        region = region.intersection(strip(ui, tick, 0.5 + SNAP_SLACK_PX))
    if region.is_empty or region.area == 0:
        return None
    if all(label.across_text for label in labels):
        with_rows = region
        for i in range(len(u)):
            for j in range(i + 1, len(u)):
                if u[j] == u[i]:
                    continue  # one value written twice (inline labels repeat)
                with_rows = with_rows.intersection(
                    slope_band(u[j] - u[i], rows[j] - rows[i], 1.0 + 2 * SNAP_SLACK_PX))
        if not with_rows.is_empty and with_rows.area > 0:
            region = with_rows
    b, a = region.centroid.x, region.centroid.y
    if b == 0:
        return None
    # position = a + b (value - centre) / spread  →  value = slope·position + offset
    slope = spread / b
    return slope, centre - slope * a


def values_in_order(positions, values, slope, tolerance=0.5) -> bool:
    """The values run along the positions as the line's slope says: sorted by position, each
    next value lies on the slope's side of the one before (equal values within
    ``tolerance`` pixels of each other are one label written twice)."""
    order = np.argsort(positions)
    steps = np.diff(values[order]) * np.sign(slope)
    gaps = np.diff(positions[order])
    return bool(np.all((steps > 0) | ((steps == 0) & (gaps <= tolerance))))


def _confirmed(positions, values, slope, offset, inliers, residuals, max_residual_px=None):
    """A line's inliers with those the geometry does not confirm dropped, worst residual
    first, and the line refitted on the rest: until the inliers' values run in their
    positions' order and (with ``max_residual_px``) every residual is within it.

    Returns
    -------
    slope, offset, inliers, residuals
        As :func:`_ransac_line`; fewer than two inliers when nothing is confirmed.
    """
    inliers = inliers.copy()
    while inliers.sum() >= 2:
        worst = float(np.abs(residuals[inliers]).max())
        ordered = values_in_order(positions[inliers], values[inliers], slope)
        if ordered and (max_residual_px is None or worst <= max_residual_px):
            break
        candidates = np.flatnonzero(inliers)
        inliers[candidates[np.argmax(np.abs(residuals[candidates]))]] = False
        if inliers.sum() < 2:
            break
        slope, offset = np.polyfit(positions[inliers], values[inliers], 1)
        if slope == 0:
            inliers[:] = False
            break
        residuals = (values - offset) / slope - positions
    return slope, offset, inliers, residuals


def _ransac_line(positions, values):
    """Best line through pairs, refined on its inliers: slope, offset, inliers, residuals (px)."""
    n = len(positions)
    spacing = np.median(np.diff(np.sort(positions))) if n > 2 else abs(positions[1] - positions[0])
    tolerance = max(INLIER_PIXELS, 0.25 * spacing) if n > 2 else np.inf
    best = None
    for i, j in combinations(range(n), 2):
        if abs(positions[j] - positions[i]) < 1e-6 or values[i] == values[j]:
            continue
        slope = (values[j] - values[i]) / (positions[j] - positions[i])
        offset = values[i] - slope * positions[i]
        residuals = (values - offset) / slope - positions
        inliers = np.abs(residuals) <= tolerance
        score = (inliers.sum(), -np.abs(residuals[inliers]).sum())
        if best is None or score > best[0]:
            best = (score, inliers)
    if best is None:
        return None
    inliers = best[1]
    slope, offset = np.polyfit(positions[inliers], values[inliers], 1)
    residuals = (values - offset) / slope - positions
    # Refit once with the refined line's own inliers (a misread near the edge of the tolerance).
    inliers = np.abs(residuals) <= tolerance
    if inliers.sum() >= 2:
        slope, offset = np.polyfit(positions[inliers], values[inliers], 1)
        residuals = (values - offset) / slope - positions
    return slope, offset, inliers, residuals


#: Steps between tick labels that axis locators choose (matplotlib's MaxNLocator: 1, 2, 2.5,
#: 5 × 10^k; GMT's automatic intervals are among them), as mantissas in [1, 10).
ROUND_STEPS = (1.0, 2.0, 2.5, 5.0)
#: Steps of degree labels (cartopy's and GMT's: 15°, 30°, 45° as well).
ROUND_DEGREE_STEPS = ROUND_STEPS + (1.5, 3.0, 4.5, 6.0, 7.5)


def value_step_problem(fit, degrees=False) -> str:
    """What is odd about the values a linear fit kept, or "" when they look like tick labels.

    Tick labels are the multiples of one step, and the step is a round number (1, 2, 2.5 or
    5 × 10^k; for degrees 15°, 30°, 45° as well). A misread that lies on another line (a
    dropped digit, '150' read as '15', with two labels to agree with) seldom keeps that
    structure: its step is odd, or the kept values are not multiples of a common step. The
    geometry alone confirms three labels weakly; this is the second witness.

    Parameters
    ----------
    fit : TickFit
    degrees : bool
        The labels are degrees (their steps may be 15, 30, 45).

    Returns
    -------
    str
        Empty when the values are a round step's multiples (or the fit is logarithmic, or
        keeps fewer than three labels); otherwise a sentence for the log and the warning.
    """
    if fit is None or fit.logarithmic or fit.projection is not None:
        return ""
    problem = separators_problem(fit.kept) or (
        "" if degrees else thousands_or_decimals(fit.kept))
    if problem:
        return problem
    values = np.unique([float(label.value) for label in fit.kept])
    if values.size < 3:
        return ""
    gaps = np.diff(values)
    step = float(gaps.min())
    if step <= 0:
        return ""
    multiples = gaps / step
    if np.any(np.abs(multiples - np.round(multiples)) > 1e-3):
        return (f"the labels kept ({', '.join(f'{value:g}' for value in values)}) are not "
                f"multiples of one step")
    mantissa = step / 10.0 ** np.floor(np.log10(step))
    if not (degree_step_is_round(step) if degrees else any(
            abs(mantissa - round_step) <= 1e-6 * round_step
            for round_step in ROUND_STEPS + (10.0,))):
        return (f"the labels kept ({', '.join(f'{value:g}' for value in values)}) step by "
                f"{step:g}, not a round step (1, 2, 2.5 or 5 × 10^k)")
    return decimals_problem(fit.kept)


def _decimals(text) -> "int | None":
    """Digits after a label's decimal separator (0 for none), None when the text holds no
    plain number (an exponent, minutes)."""
    from .labels import normalise

    text = normalise(text)
    if "'" in text or "^" in text or re.search(r"\d[eE][-+]?\d", text):
        return None
    match = re.search(r"\d[\d.,]*", text)
    if match is None:
        return None
    number = match.group(0)
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+", number):
        return 0  # thousands separators
    for separator in ".,":
        if separator in number:
            return len(number.rsplit(separator, 1)[1])
    return 0


#: A label off the fitted line by this share of a unit of its last written digit at least, and
#: as much short of a whole unit, is rounded: a misread digit moves a right label by whole units.
ROUNDED_MIN_UNITS = 0.2
#: ...and off it by this many pixels at least: a line moved less is as good as exact.
ROUNDED_MIN_PIXELS = 1.0


def rounded_off_the_line(labels, fit) -> str:
    """A problem when the labels a fit rejected lie off its line by a fraction of a unit of
    their last written digit, or "": the labels are rounded to fewer decimals than their
    spacing needs, and the fit went through one half of them.

    QGIS writes annotations at a 0.25° interval with one decimal: '125.8°W 125.5°W 125.3°W
    125.0°W 124.8°W' (125.75, 125.5, 125.25, 125.0, 124.75). Every other label lies on one
    line and the others on a parallel line 0.05° away, and a fit keeping either half is off by
    that much (sweep_qgis_layouts seed 61 #5: 36 px, decoded in silence). A label read right
    off an exact axis lies on its line; a misread one is off by whole units of some digit. A
    rejected label off by between :data:`ROUNDED_MIN_UNITS` and 1 - that of a unit of the
    last digit written is neither: rounding.

    Parameters
    ----------
    labels : list of TickLabel
        A side's labels, ``kept`` marking the fit's.
    fit : TickFit or None
        The side's fit (or its pair's), linear.

    Returns
    -------
    str
    """
    if fit is None or fit.logarithmic:
        return ""
    kept = [label for label in labels if label.value is not None and label.kept]

    def read_value(label):
        # A label dropped off the kept labels' step lost its value (_on_one_step): as read.
        if label.value is not None:
            return float(label.value)
        return None if label.parsed is None else float(label.parsed.value)

    numbers = sorted(label.position for label in labels if read_value(label) is not None)
    if len(numbers) < 3:
        return ""
    # The interval between neighbouring labels, as the fit gives it: rounding moves labels only
    # when it is no whole number of units of the last digit (0.25 written with one decimal).
    step = float(np.median(np.abs(np.diff(fit.value_at(numbers)))))
    off = []
    for label in labels:
        if read_value(label) is None or label.kept:
            continue
        decimals = [_decimals(other.text) for other in kept + [label]]
        if any(count is None for count in decimals):
            continue
        unit = 10.0 ** -max(decimals)
        if abs(step / unit - round(step / unit)) < ROUNDED_MIN_UNITS:
            continue  # a whole number of units: a label off the line was misplaced or misread
        units = abs(read_value(label) - float(fit.value_at(label.position))) / unit
        # Only where rounding moves the line by a pixel or more (a colorbar's thirds written
        # '0.33 0.67 1.00' are off by a third of a unit, a fraction of a pixel).
        pixels = abs(float(fit.position_of(read_value(label))) - label.position)
        if ROUNDED_MIN_UNITS <= units <= 1.0 - ROUNDED_MIN_UNITS and \
                pixels >= ROUNDED_MIN_PIXELS:
            off.append(label.text)
    if not off:
        return ""
    return (f"the label{'s' if len(off) > 1 else ''} {', '.join(repr(text) for text in off)} "
            f"lie{'' if len(off) > 1 else 's'} off the line of "
            f"{', '.join(repr(label.text) for label in kept)} by less than a unit of the last "
            f"digit written: the labels are rounded to fewer decimals than their spacing needs, "
            f"so where each value lies is not known")


def dropped_ties_off_the_fit(labels, fit, tied) -> str:
    """A problem when a fit dropped plain-number labels that its side's reading with ties
    (:func:`tied_reading`) explains, every label with it, and that reading places a label a
    pixel or more off the fit, or "".

    matplotlib writes a 2.5 grid with no decimals as '0 2 5 8 10' (0, 2.5, 5, 7.5, 10
    rounded, ties either way): a line goes through '0 2 8 10' within the fit's tolerance, the
    exact '5' is dropped, and the fit is 8 px off at the frame's ends (the decimals51 review's
    k25; '0.0 0.2 0.5 0.8 1.0' the same). :func:`rounded_off_the_line` sees nothing: the label
    dropped lies on that line. A misread label is no tie's: the reading must explain every
    label, the dropped ones too. Degrees are left to :func:`degree_readings`.

    Parameters
    ----------
    labels : list of TickLabel
        A side's labels, ``kept`` marking the fit's.
    fit : TickFit or None
        The side's fit, linear.
    tied : tuple or None
        The side's reading with ties: (interval, [(label, value)]), every label with a value
        when it was made.

    Returns
    -------
    str
    """
    if fit is None or fit.logarithmic or fit.projection is not None or tied is None:
        return ""
    interval, pairs = tied
    if any(label.parsed is None or label.parsed.degrees for label, _ in pairs):
        return ""
    dropped = [label for label, _ in pairs if not label.kept]
    kept = sum(label.kept for label in labels)
    if not dropped or kept + len(dropped) != len(pairs):
        return ""
    # The fit and the reading with ties agree within a pixel: the fit is right, keep it.
    off_px = max(abs(float(fit.position_of(value)) - label.position) for label, value in pairs)
    if off_px < ROUNDED_MIN_PIXELS:
        return ""
    values = ", ".join(f"{value:.6g}" for _, value in pairs)
    return (f"the labels {', '.join(repr(label.text) for label, _ in pairs)} read as "
            f"multiples of {interval:g} rounded with ties either way ({values}) lie up to "
            f"{off_px:.1f} px off the line through "
            f"{', '.join(repr(label.text) for label in labels if label.kept)}, which dropped "
            f"{', '.join(repr(label.text) for label in dropped)}: the labels are rounded to "
            "fewer decimals than their spacing needs, so where each value lies is not known")


#: Intervals of decimal-degree labels in minutes and seconds of arc (GMT's, QGIS's and
#: cartopy's degree intervals), degrees: written with two decimals, 1' (0.01667°) is '84.27°',
#: '84.25°', '84.23°', ...
MINUTE_STEPS = tuple(minutes / 60.0 for minutes in (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30)) + \
    tuple(seconds / 3600.0 for seconds in (1, 2, 3, 5, 6, 10, 15, 20, 30))
#: The counts of steps the labels' exact values are at may stray this far (in steps) from a
#: line through their positions: label centres are placed within a pixel or two, a step
#: between neighbouring labels is tens of pixels.
UNROUNDED_COUNT_SLACK = 0.25


def degree_step_is_round(step) -> bool:
    """Whether a step between degree labels is one a map's graticule is drawn at: a round
    step (:data:`ROUND_DEGREE_STEPS` × 10^k) or whole minutes or seconds of arc
    (:data:`MINUTE_STEPS`)."""
    mantissa = step / 10.0 ** np.floor(np.log10(step))
    return any(abs(mantissa - round_step) <= 1e-6 * round_step
               for round_step in ROUND_DEGREE_STEPS + (10.0,)) or \
        any(abs(step - minutes) <= 1e-9 for minutes in MINUTE_STEPS)


def unrounded_degrees(labels) -> "tuple | None":
    """The exact values of decimal-degree labels written with fewer decimals than their
    interval needs, or None.

    GMT's ``ddd.xx`` and QGIS's decimal annotations write a 1' or 2' interval with two
    decimals: '84.27°W 84.23°W 84.20°W 84.17°W 84.13°W' are 84°16', 84°14', ... 84°8'. No line
    goes through the values as written, and three of them ('84.23', '84.20', '84.17') lie on
    one whose step, 0.03°, is not the interval: a fit through them georeferenced the map 11 %
    off in scale, in silence (sweep_auto_decode --wide --wider 207 #5, GCPs 125 px off).
    The labels are the multiples of one interval rounded: for each interval a graticule is
    drawn at (:data:`ROUND_DEGREE_STEPS` × 10^k and :data:`MINUTE_STEPS`), largest first,
    each label's nearest multiple of it must round to the label (closer than half a unit of
    its last digit), and the multiples' counts must lie on a line through the labels'
    positions, each label at its own. The largest interval that explains every label gives
    their values; a misread label explains none and leaves the labels as read (the fit and
    :func:`rounded_off_the_line` judge them). An interval that needs a tie (a multiple exactly
    half a unit from its label, rounded either way) is not taken here: one misread digit is
    then explained as often as a rounding ('84.32 84.30 84.28 84.25', 0.02° with '84.26' read
    '84.25', are 0.025° multiples through ties), so only :func:`degree_readings` offers it,
    for the other axis' scale to decide.

    Parameters
    ----------
    labels : list of TickLabel
        One side's labels; those with a value take part (three at least, all degrees, all
        written with the same decimals, one or more).

    Returns
    -------
    tuple (float, ndarray) or None
        The interval (degrees) and the exact values of the labels with a value, in their
        order; None when the labels are exact as written, or no interval explains them all.
    """
    for step, values, _, _, exact, tied in _rounded_multiples(labels, 3):
        if step > np.ptp(values) or tied:
            continue
        if np.allclose(exact, values, rtol=0.0, atol=1e-9):
            return None
        return step, exact
    return None


def _rounded_multiples(labels, least_labels, plain=False):
    """Each graticule interval (:data:`ROUND_DEGREE_STEPS` × 10^k, :data:`MINUTE_STEPS`),
    largest first and no larger than the labels' span plus a unit of their last digit, whose
    multiples round to the labels (within half that unit) as distinct counts on a line
    through the labels' positions: what :func:`unrounded_degrees` and
    :func:`degree_readings` each take their reading from.

    A multiple exactly half a unit from its label (a tie) is rounded either way by the
    renderer's rule and its binary fractions: QGIS wrote the 0.025° multiples 84.325, 84.3,
    84.275, 84.25, 84.225 as '84.33°W', '84.30°W', '84.27°W', '84.25°W', '84.22°W'
    (sweep_qgis_layouts seed 282 #3). Such an interval is yielded, marked: a tie explains one
    misread digit as well as a rounding, so its reading is never taken without a check.

    Parameters
    ----------
    labels : list of TickLabel
        One side's labels; those with a value take part (``least_labels`` at least, all
        degrees, all written with the same decimals, one or more).
    least_labels : int
    plain : bool
        Take plain numbers too (no degree sign, hemisphere, unit or exponent, none of them a
        degree label), whole numbers among them, at the round steps of plain numbers
        (:data:`ROUND_STEPS` × 10^k): QGIS's decimal annotations without a suffix, a 2.5 km
        grid written without decimals ('0 2 5 8 10'). 1.25 × 10^k is no such step: a metre
        grid at 12.5 m written '0 12 25 38 50' gives nothing.

    Yields
    ------
    tuple (float, ndarray, ndarray, ndarray, ndarray, bool)
        The interval (degrees), the labels' values as read, their positions (pixels), the
        multiples' counts and their exact values (degrees), in the labels' order, and whether
        a label needs a tie; nothing when the labels are not such.
    """
    usable = [label for label in labels if label.value is not None]
    if len(usable) < least_labels or any(label.parsed is None for label in usable):
        return
    degrees = all(label.parsed.degrees for label in usable)
    if not degrees and not (plain and not any(
            label.parsed.degrees or label.parsed.unit or label.parsed.exponent_form
            for label in usable)):
        return
    decimals = {_decimals(label.text) for label in usable}
    # Whole degrees are a graticule's own values; whole plain numbers may be a grid's
    # rounded (2.5 km written '2', '5', '8').
    if len(decimals) != 1 or None in decimals or (degrees and 0 in decimals):
        return
    unit = 10.0 ** -decimals.pop()
    values = np.array([float(label.value) for label in usable])
    positions = np.array([label.position for label in usable])
    if np.unique(values).size < values.size or np.ptp(positions) <= 0:
        return
    if degrees:
        steps = sorted({round_step * 10.0 ** power for round_step in ROUND_DEGREE_STEPS
                        for power in range(-4, 3)} | set(MINUTE_STEPS), reverse=True)
    else:
        steps = sorted({round_step * 10.0 ** power for round_step in ROUND_STEPS
                        for power in range(-4, 7)}, reverse=True)
    design = np.vstack([positions, np.ones_like(positions)]).T
    for step in steps:
        if step > np.ptp(values) + unit or step < 0.1 * unit:
            continue
        counts = np.round(values / step)
        exact = counts * step
        off = np.abs(exact - values)
        if np.any(off > 0.5 * unit + 1e-9) or np.unique(counts).size < counts.size:
            continue
        line, *_ = np.linalg.lstsq(design, counts, rcond=None)
        if np.any(np.abs(design @ line - counts) > UNROUNDED_COUNT_SLACK):
            continue
        yield step, values, positions, counts, exact, bool(np.any(off > 0.5 * unit - 1e-9))


def degree_readings(labels) -> list:
    """Every reading of decimal-degree labels as multiples of one graticule interval, rounded
    to the decimals written: the labels as written and, when they are rounded, the multiples
    of each interval (:data:`ROUND_DEGREE_STEPS` × 10^k, :data:`MINUTE_STEPS`) that round to
    them, counts on a line through the labels' positions (as :func:`unrounded_degrees`) and
    the interval between neighbouring labels a round one (:func:`degree_step_is_round`: a
    graticule is annotated at a round interval, not every 70").

    A reading is checked as :func:`unrounded_degrees` checks its interval; the labels as
    written are one when they are exact multiples. Few labels may have more than one: GMT's
    ``ddd.xx`` writes the 1' multiples
    36.5833, 36.6, 36.6167 as '36.58°', '36.60°', '36.62°', evenly spaced as written (0.02°);
    two labels '275.87°', '275.88°' are 0.01° apart as written, or 1', 30" or 20" rounded.
    Only the other axis' scale tells them apart (:func:`.axis_confirmation.resolve_degree_readings`).
    A reading needing a tie (:func:`_rounded_multiples`) comes after every other, its values
    multiples of its interval (a graticule's lines are): it is taken only when the other
    axis' scale confirms it.

    Parameters
    ----------
    labels : list of TickLabel
        One side's labels; those with a value take part (two at least, all degrees, all
        written with the same decimals, one or more).

    Returns
    -------
    list of (float, ndarray, bool)
        The interval between neighbouring labels (degrees), the labels' values in their
        order and whether the reading needs a tie, distinct readings only, the largest
        interval first among those needing no tie, then those needing one (the labels as
        written are one when they lie on a line at a round interval); empty when the labels
        are not such.
    """
    readings = []
    for step, _, positions, counts, exact, tied in _rounded_multiples(labels, 2):
        differences = np.abs(np.diff(counts[np.argsort(positions)]))
        least = float(differences.min())
        if np.any(np.abs(differences / least - np.round(differences / least)) > 1e-9) or \
                not degree_step_is_round(least * step):
            continue
        # A graticule is drawn at its interval's multiples: exact labels at 0.3° steps from
        # 10.0° ('10.0 10.3 10.6') are also 10.05, 10.35, 10.65 each rounded through a tie,
        # the same scale half a unit aside, which no other axis can tell apart.
        multiples = exact / (least * step)
        if tied and np.any(np.abs(multiples - np.round(multiples)) > 1e-6):
            continue
        if any(np.allclose(exact, other, rtol=0.0, atol=1e-9) for _, other, _ in readings):
            continue
        readings.append((least * step, exact, tied))
    # Stable: the untied readings first, each group largest interval first.
    return sorted(readings, key=lambda reading: reading[2])


def tied_reading(labels) -> "tuple | None":
    """The one reading of an axis' labels as multiples of a round interval rounded to the
    decimals written with ties either way, when that is what explains them, or None.

    QGIS writes a 0.025° graticule's annotations with two decimals, plain or with a degree
    sign: '-84.18 -84.15 -84.13 -84.10' are -84.175, -84.15, -84.125, -84.1 (sweep_qgis_layouts
    seed 311 #7). No line goes through them as written, two lie half a unit of their last
    digit off the line of the other two, and :func:`rounded_off_the_line` refuses the axis.
    This reading is the interval (a round one: :func:`degree_step_is_round` for degrees,
    :data:`ROUND_STEPS` × 10^k for plain numbers) whose multiples round to every label, each
    at its own count on a line through their positions, the labels' values multiples of the
    interval between neighbours (a grid's lines are). A tie explains one misread digit as
    well as a rounding, so the reading is never taken alone:
    :func:`.axis_confirmation.confirm_tied_readings` takes it only when the other axis' scale
    agrees.

    Parameters
    ----------
    labels : list of TickLabel
        One side's labels; those with a value take part (three at least, all degrees or all
        plain numbers, written with the same decimals).

    Returns
    -------
    tuple (float, ndarray) or None
        The interval between neighbouring labels (the labels' units) and the labels' values,
        in the order of the labels with a value; None when no such reading, or more than one,
        needs a tie.
    """
    readings = []
    for step, _, positions, counts, exact, tied in _rounded_multiples(labels, 3, plain=True):
        if not tied:
            continue
        degrees = all(label.parsed.degrees for label in labels if label.value is not None)
        differences = np.abs(np.diff(counts[np.argsort(positions)]))
        least = float(differences.min())
        interval = least * step
        mantissa = interval / 10.0 ** np.floor(np.log10(interval))
        round_interval = degree_step_is_round(interval) if degrees else any(
            abs(mantissa - round_step) <= 1e-6 * round_step for round_step in ROUND_STEPS + (10.0,))
        multiples = exact / interval
        if np.any(np.abs(differences / least - np.round(differences / least)) > 1e-9) or \
                not round_interval or np.any(np.abs(multiples - np.round(multiples)) > 1e-6):
            continue
        if not any(np.allclose(exact, other, rtol=0.0, atol=1e-9) for _, other in readings):
            readings.append((interval, exact))
    return readings[0] if len(readings) == 1 else None


def _plain_numbers(labels):
    """Each read label written as a plain number (no exponent, no minutes) with its digits and
    separators as written, spaces taken out ('12 300' -> '12300', '-1,500.5' -> '1,500.5'):
    (label, number) pairs, in the labels' order."""
    from .labels import normalise

    for label in labels:
        if label.value is None or _decimals(label.text) is None:
            continue
        match = re.search(r"\d[\d.,]*\d|\d", normalise(label.text).replace(" ", ""))
        if match is not None:
            yield label, match.group(0)


def separators_problem(labels) -> str:
    """What is odd about the separators of an axis' kept labels, or "": renderers write one
    axis' (one bar's) numbers in one format, so one label's point where another has a comma
    ('10,500' and '12.300', the comma of '12,300' read as a point: 12.3), or thousands grouped
    on one label and not on another as large ('12,000' and '12500'), means a separator was
    misread. Two labels are enough (a QGIS legend has no more).

    Parameters
    ----------
    labels : list of TickLabel
        The labels a fit kept.
    """
    marks, grouped, ungrouped = {}, [], []
    for label, number in _plain_numbers(labels):
        used = "".join(sorted(set(re.findall(r"[.,]", number))))
        if used:
            marks.setdefault(used, []).append(label.text)
        if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", number) and len(number) > 5:
            grouped.append(label.text)  # two groups at least: '1,000,000', '12,300'
        elif re.fullmatch(r"\d{1,3}(?:,\d{3})+", number):
            grouped.append(label.text)  # '1,000': a comma before three digits groups them
        elif re.fullmatch(r"\d{4,}", number):
            ungrouped.append(label.text)
    texts = ", ".join(repr(label.text) for label in labels if label.value is not None)
    if len(marks) > 1 and not any("," in used and "." in used for used in marks):
        return (f"the labels kept ({texts}) are not written with one separator (a point on "
                f"some, a comma on others)")
    if grouped and ungrouped:
        return (f"the labels kept ({texts}) are not written with one format (thousands "
                f"grouped on some and not on others as large)")
    return ""


def thousands_or_decimals(labels) -> str:
    """A problem when the kept labels' points may as well group thousands, or "".

    '3.405' is 3.405 written with a decimal point, or 3405 with its comma read as a point (a
    comma of one or two pixels looks like a point: QGIS's Nimbus Roman 8 pt at 96 dpi), or
    written by a locale that groups thousands with points. When every label with a separator
    has a point before exactly three digits, after one to three digits that do not start with a
    zero, and no label shows the format otherwise (a point before more or fewer digits, a
    comma, a leading '0.', an integer of four digits or more written without grouping),
    nothing on the figure tells a thousand times apart: the range is said to be uncertain.

    Parameters
    ----------
    labels : list of TickLabel
        The labels a fit kept.
    """
    ambiguous = []
    for label, number in _plain_numbers(labels):
        if re.fullmatch(r"[1-9]\d{0,2}\.\d{3}", number):
            ambiguous.append(label.text)
        elif "," in number or "." in number or re.fullmatch(r"\d{4,}", number):
            return ""  # the format shows: a comma, other decimals, or no grouping
    if not ambiguous:
        return ""
    return (f"the label{'s' if len(ambiguous) > 1 else ''} "
            f"{', '.join(repr(text) for text in ambiguous)} may be read a thousand times too "
            f"small: a point before three digits is a decimal point, or a comma too small to "
            f"tell from one (or a point grouping thousands), and no other label shows which")


def decimals_problem(labels) -> str:
    """What is odd about the decimals of an axis' kept labels, or "": renderers write one
    axis' labels in one format, either every label with the same decimals (matplotlib:
    '0.0 0.5 1.0') or each with as few as its value needs (GMT's %g: '0 0.5 1'). A label
    fitting neither lost or gained a digit or a point that its value hides ('0.50' read
    '0.5' is harmless; '1.5' among '0.50 1.00' means a digit went missing somewhere).

    Parameters
    ----------
    labels : list of TickLabel
        The labels a fit kept.
    """
    written, needed, texts = [], [], []
    for label in labels:
        decimals = _decimals(label.text)
        if decimals is None or label.value is None:
            continue
        shortest = format(abs(float(label.value)), ".10g")
        written.append(decimals)
        needed.append(len(shortest.split(".")[1]) if "." in shortest and "e" not in shortest
                      else 0)
        texts.append(label.text)
    if len(written) < 3 or len(set(written)) == 1 or written == needed:
        return ""
    return (f"the labels kept ({', '.join(repr(text) for text in texts)}) are not written with "
            f"one format of decimals (neither all with as many, nor each with as few as its "
            f"value needs)")


#: Farthest a tick mark standing apart from its box's side may begin from it: pixels, or this
#: share of the mark's length when more.
DETACHED_GAP_PX = 4.0
DETACHED_GAP_SHARE = 0.5
#: A detached mark is a stroke at most this share of its length wide (and 4 px at least)...
DETACHED_WIDTH_SHARE = 0.3
#: ...with no glyph beginning within this share of its length beyond its far end on its line
#: (a minus sign's digits follow it closely; a label stands a pad beyond its tick).
DETACHED_CLEAR_SHARE = 0.3
#: Fewest marks of one length, beginning at one distance from a side, that make its ticks.
DETACHED_MIN_MARKS = 3


def detached_tick_marks(glyphs, boxes, lum, page) -> tuple:
    """Tick marks standing a few pixels apart from their box's side, taken out of the glyphs.

    A style sheet that draws no spine (matplotlib's ggplot: a grey panel, grey ticks) leaves
    its tick marks apart from the plot area's found edge, so no mark touches the box and
    :func:`find_tick_marks` finds none: each is a glyph, and the nearest "label" of a side
    ('1' below it, '-' glued to the end of '40' beside it). A side's ticks are three or more
    strokes across it, each as thin as :data:`DETACHED_WIDTH_SHARE` of its length, beginning
    within :data:`DETACHED_GAP_PX` (or :data:`DETACHED_GAP_SHARE` of the length) of the side
    at one distance and of one length (within a pixel), with no glyph right beyond their far
    ends (a minus sign's digits).

    Parameters
    ----------
    glyphs : list of text.TextLabel
        The figure's glyphs (:func:`.text.find_glyphs`).
    boxes : sequence of tuple (col0, row0, col1, row1)
        The frame's and the colorbar's pixel boxes.
    lum : ndarray of float
        Luma (0-255): each mark is placed by the centroid of its darkness across it.
    page : float

    Returns
    -------
    glyphs : list of text.TextLabel
        Without the tick marks.
    ticks : dict
        (box, side name) -> (positions along the side, lengths in pixels), as
        :func:`find_tick_marks` returns them.
    """
    marks = {}
    taken = set()
    for box in boxes:
        col0, row0, col1, row1 = box
        for name in ("top", "bottom", "left", "right"):
            horizontal = name in ("top", "bottom")
            candidates = []
            for index, glyph in enumerate(glyphs):
                # A mark at the side's end is centred on it: it reaches half its width past
                # the end, which a box found a pixel or two short adds to (ggplot's colorbar:
                # the '0' mark 2-4 px below the bar's last row, else glued to its label: '-0').
                if horizontal:
                    length, width = glyph.height, glyph.width
                    slack = 3 + width
                    along_ok = col0 - slack <= glyph.col0 and glyph.col1 <= col1 + slack
                    gap = glyph.row0 - row1 if name == "bottom" else row0 - glyph.row1
                else:
                    length, width = glyph.width, glyph.height
                    slack = 3 + width
                    along_ok = row0 - slack <= glyph.row0 and glyph.row1 <= row1 + slack
                    gap = glyph.col0 - col1 if name == "right" else col0 - glyph.col1
                if length < 3 or width > max(4.0, DETACHED_WIDTH_SHARE * length) or \
                        not along_ok or \
                        not -1 <= gap <= max(DETACHED_GAP_PX, DETACHED_GAP_SHARE * length):
                    continue
                candidates.append((int(gap), int(length), index))
            if len(candidates) < DETACHED_MIN_MARKS:
                continue
            # The commonest distance and length, within a pixel each.
            best = max(((gap, length) for gap, length, _ in candidates),
                       key=lambda key: sum(abs(g - key[0]) <= 1 and abs(n - key[1]) <= 1
                                           for g, n, _ in candidates))
            group = [index for gap, length, index in candidates
                     if abs(gap - best[0]) <= 1 and abs(length - best[1]) <= 1
                     and _clear_around(glyphs, glyphs[index], name)]
            if len(group) < DETACHED_MIN_MARKS:
                continue
            positions, lengths = [], []
            for index in group:
                glyph = glyphs[index]
                patch = lum[glyph.row0:glyph.row1, glyph.col0:glyph.col1]
                darkness = np.clip((page - patch) / max(page, 1.0), 0.0, 1.0)
                weights = darkness.sum(axis=0 if horizontal else 1)
                start = glyph.col0 if horizontal else glyph.row0
                centre = start + 0.5 * weights.size if weights.sum() <= 0 else \
                    start + float(np.average(np.arange(weights.size) + 0.5, weights=weights))
                positions.append(centre)
                lengths.append(glyph.height if horizontal else glyph.width)
            order = np.argsort(positions)
            marks[(tuple(box), name)] = (np.asarray(positions)[order],
                                         np.asarray(lengths, int)[order])
            taken.update(group)
    return [glyph for index, glyph in enumerate(glyphs) if index not in taken], marks


def _clear_around(glyphs, mark, name) -> bool:
    """No glyph begins within :data:`DETACHED_CLEAR_SHARE` of a mark's length beyond its far
    end (a minus sign's digits do), nor stands beside it along the side within half its
    length (a label's leading '1' has its digits there; ticks stand far apart)."""
    length = mark.height if name in ("top", "bottom") else mark.width
    reach = max(2.0, DETACHED_CLEAR_SHARE * length)
    beside = max(2.0, 0.5 * length)
    for glyph in glyphs:
        if glyph is mark:
            continue
        if name == "bottom":
            near = 0 <= glyph.row0 - mark.row1 <= reach and \
                glyph.col0 < mark.col1 and glyph.col1 > mark.col0
        elif name == "top":
            near = 0 <= mark.row0 - glyph.row1 <= reach and \
                glyph.col0 < mark.col1 and glyph.col1 > mark.col0
        elif name == "right":
            near = 0 <= glyph.col0 - mark.col1 <= reach and \
                glyph.row0 < mark.row1 and glyph.row1 > mark.row0
        else:
            near = 0 <= mark.col0 - glyph.col1 <= reach and \
                glyph.row0 < mark.row1 and glyph.row1 > mark.row0
        if name in ("top", "bottom"):
            near = near or (glyph.row0 < mark.row1 and glyph.row1 > mark.row0 and
                            max(glyph.col0 - mark.col1, mark.col0 - glyph.col1) <= beside)
        else:
            near = near or (glyph.col0 < mark.col1 and glyph.col1 > mark.col0 and
                            max(glyph.row0 - mark.row1, mark.row0 - glyph.row1) <= beside)
        if near:
            return False
    return True
