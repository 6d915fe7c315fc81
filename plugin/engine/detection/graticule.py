"""Is the graticule through the axis ticks straight and square to the frame?

GCPs from the axes pair each x tick with each y tick: that holds only when the map's lines of
constant x run straight across the frame, perpendicular to its side (plate carrée, Mercator,
a projected grid). On a conic or polar map the meridians through the bottom ticks lean, and the
parallels curve: the tick labels may still be evenly spaced along the frame (a Lambert
conformal map of 20° by 10° fits within half a pixel), yet a GCP at (tick x, tick y) is tens of
pixels from where that longitude and latitude are. Where the figure draws its graticule, this
is visible: the line starting at a tick leans (:func:`leaning_grid_lines`). Without grid lines,
the tick marks across the frame tell: a renderer that ticks all four sides puts a meridian's
marks on the top and the bottom at one x only when the meridians run straight across
(:func:`opposite_ticks_disagree`). A figure with neither gives no evidence either way.
"""
from dataclasses import dataclass

import numpy as np

from .lines import luminance

#: Directions tried for a grid line leaving a tick, degrees from the side's normal.
MAX_LEAN_DEGREES = 40.0
LEAN_STEP_DEGREES = 0.5
#: A line "is there" along a direction when this share of its samples are line pixels.
MIN_LINE_SUPPORT = 0.6
#: A leaning line must beat the square direction by this much support (a leaning line crosses
#: the square ray for a few pixels only).
MIN_SUPPORT_GAIN = 0.3
#: The ray's length, share of the frame's extent across the side; and the part near the side
#: left out (tick marks, the frame line's anti-aliasing).
RAY_SHARE = 0.4
SKIP_SHARE = 0.03
#: Luma contrast of a line pixel with both neighbours 2 px away across it, levels of 255.
MIN_LINE_CONTRAST = 10.0


@dataclass
class LeaningLine:
    """A grid line leaving a tick at an angle."""

    value: float
    text: str
    degrees: float
    support: float


def _line_response(lum, horizontal_lines):
    """Per pixel, how much it stands out from both neighbours 2 px away across the line
    direction, on the same side (a thin line, not a step between two regions)."""
    image = lum.T if horizontal_lines else lum
    response = np.zeros_like(image)
    before = image[:, 2:-2] - image[:, :-4]
    after = image[:, 2:-2] - image[:, 4:]
    same = np.sign(before) == np.sign(after)
    response[:, 2:-2] = np.where(same, np.minimum(np.abs(before), np.abs(after)), 0.0)
    return response.T if horizontal_lines else response


def leaning_grid_lines(rgb, frame_box, axis) -> list:
    """Grid lines that leave this axis' ticks at an angle (evidence of a curved graticule).

    Parameters
    ----------
    rgb : ndarray of uint8 (rows, cols, 3)
        The figure.
    frame_box : tuple (left, top, right, bottom)
        The map frame, pixel coordinates.
    axis : figure_reading.AxisReading
        With its fit; ``axis.side`` is the side its labels are on.

    Returns
    -------
    list of LeaningLine
        Empty when every line found runs square to the side, or when no line is drawn.
    """
    left, top, right, bottom = frame_box
    rows, cols = rgb.shape[:2]
    vertical = axis.side in ("bottom", "top")  # the lines leaving an x tick run up or down
    inward = -1.0 if axis.side in ("bottom", "right") else 1.0
    extent = (bottom - top) if vertical else (right - left)
    length = RAY_SHARE * extent
    steps = np.arange(SKIP_SHARE * extent, length, 1.0)
    if steps.size < 20:
        return []
    col0, row0 = int(max(np.floor(left) + 2, 0)), int(max(np.floor(top) + 2, 0))
    col1, row1 = int(min(np.ceil(right) - 2, cols)), int(min(np.ceil(bottom) - 2, rows))
    if row1 - row0 < 8 or col1 - col0 < 8:
        return []
    inside = luminance(rgb[row0:row1, col0:col1])
    response = _line_response(inside, horizontal_lines=not vertical) >= MIN_LINE_CONTRAST
    angles = np.radians(np.arange(-MAX_LEAN_DEGREES, MAX_LEAN_DEGREES + 1e-9,
                                  LEAN_STEP_DEGREES))
    square = int(np.argmin(np.abs(angles)))
    edge = {"bottom": bottom, "top": top, "left": left, "right": right}[axis.side]
    leaning = []
    for label in axis.kept:
        position = float(axis.fit.position_of(label.value))
        # Points along each direction, from the tick into the map.
        across = edge + inward * steps[None, :] * np.cos(angles[:, None])
        along = position + steps[None, :] * np.sin(angles[:, None])
        x, y = (along, across) if vertical else (across, along)
        c = np.rint(x).astype(int) - col0
        r = np.rint(y).astype(int) - row0
        valid = (c >= 0) & (c < response.shape[1]) & (r >= 0) & (r < response.shape[0])
        hits = np.zeros(valid.shape, bool)
        hits[valid] = response[r[valid], c[valid]]
        # A line one pixel off the sampled point still counts: look one pixel either side.
        for offset in (-1, 1):
            cc, rr = (c + offset, r) if vertical else (c, r + offset)
            ok = (cc >= 0) & (cc < response.shape[1]) & (rr >= 0) & (rr < response.shape[0])
            hits[ok] |= response[rr[ok], cc[ok]]
        support = hits.mean(axis=1)
        best = int(np.argmax(support))
        if (support[best] >= MIN_LINE_SUPPORT and abs(best - square) > 2
                and support[best] >= support[square] + MIN_SUPPORT_GAIN):
            leaning.append(LeaningLine(float(label.value), label.text,
                                       float(np.degrees(angles[best])), float(support[best])))
    return leaning


#: Tick marks this close to a side's ends are the frame's corners, not ticks.
CORNER_PIXELS = 3.0
#: Fewest tick marks on each of two opposite sides for their comparison to be evidence (three:
#: a small conic map annotated every 5° has no more along its top; two of them must then line
#: up, and any two marks line up by chance with a dense side's minor ticks too often).
MIN_OPPOSITE_TICKS = 3
#: Two tick marks on opposite sides line up when this close, pixels (snapping to the pixel
#: grid moves each by up to a pixel).
LINE_UP_PIXELS = 1.5
#: On a rectilinear graticule nearly every tick of the sparser side has a partner across the
#: frame; at most this share may lack one (a tick hidden under a label or the colorbar).
MAX_UNMATCHED_SHARE = 0.5


@dataclass
class OppositeTicks:
    """Tick marks of one side against the opposite side's."""

    side: str
    opposite: str
    matched: int
    compared: int
    spacing: float
    opposite_spacing: float


def opposite_ticks_disagree(dark, frame_box, side_name, line_thickness=2.0) -> "OppositeTicks | None":
    """The tick marks on both sides of the frame across from each other, when they do not line
    up (evidence of a graticule that is not rectilinear, whether or not grid lines are drawn).

    On a plate carrée, Mercator or projected-grid map a meridian or grid line crosses the top
    and the bottom of the frame at the same x, so a renderer that ticks both sides (GMT's
    ``-BWSne``, matplotlib's ``top=True``) puts their marks at the same positions. On a conic or
    polar map in a rectangular frame the meridians converge: the top side's ticks are closer
    together than the bottom's (a Lambert conformal map of 20° by 12° ticks every 5° at 32 px
    along the bottom and 28 px along the top), although each side's ticks alone are evenly
    spaced and its labels fit a line within a pixel.

    Parameters
    ----------
    dark : ndarray of bool (rows, cols)
        Dark pixels of the figure (``layout.Layout.dark``).
    frame_box : tuple (left, top, right, bottom)
        The map frame, pixel coordinates.
    side_name : str
        The side the axis labels are on ("bottom", "top", "left", "right").
    line_thickness : float
        The frame line's thickness, pixels.

    Returns
    -------
    OppositeTicks or None
        None when the ticks line up, or when either side has too few tick marks to tell (no
        ticks drawn there: no evidence either way).
    """
    from .ticks import box_sides, find_tick_marks

    opposite_name = {"bottom": "top", "top": "bottom", "left": "right", "right": "left"}[side_name]
    sides = box_sides(frame_box)
    found = []
    for name in (side_name, opposite_name):
        side = sides[name]
        positions, _ = find_tick_marks(dark, side, line_thickness)
        inside = (positions > side.start + CORNER_PIXELS) & (positions < side.end - CORNER_PIXELS)
        found.append(np.sort(positions[inside]))
    own, opposite = found
    if min(own.size, opposite.size) < MIN_OPPOSITE_TICKS:
        return None
    # The sparser side's ticks looked for among the denser side's (one side may carry minor
    # ticks the other has not).
    sparse, dense = (own, opposite) if own.size <= opposite.size else (opposite, own)
    distance = np.min(np.abs(sparse[:, None] - dense[None, :]), axis=1)
    matched = int(np.sum(distance <= LINE_UP_PIXELS))
    if sparse.size - matched <= MAX_UNMATCHED_SHARE * sparse.size:
        return None
    return OppositeTicks(side_name, opposite_name, matched, int(sparse.size),
                         float(np.median(np.diff(own))), float(np.median(np.diff(opposite))))
