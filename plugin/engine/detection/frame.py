"""The map frame: the plot area a figure draws its map in.

The frame is the largest box closed by dark lines that is not a colorbar, a piece of one, or
closed by one's outline (:mod:`.lines`). GMT's "fancy" frames are a chequered band between two
lines: the map's edge is the band's inner line, so a frame whose sides each have such a band
just inside them is moved to the inner lines.
"""
from dataclasses import dataclass

import numpy as np

from ..regions import label_regions, label_sizes
from .lines import Rectangle, closes_line

#: Smallest share of the figure a map frame covers (a legend box or an inset is smaller).
MIN_FRAME_SHARE = 0.04


@dataclass
class FrameDetection:
    """A map frame found on a figure.

    Attributes
    ----------
    box : tuple of float (left, top, right, bottom)
        The frame's lines' centres, pixel coordinates: the plot area's edges.
    kind : str
        "plain" (one line), "fancy" (GMT's chequered band; the inner line is used) or
        "panel" (no dark line: the edges of the map's filled rectangle, :func:`find_panel`).
    light_line_px : float
        A panel's light edge line (a white spine over the map's edge) the box was moved out
        to the centre of, its width in pixels (0: none found).
    doubt : str
        Why a side may lie elsewhere, a sentence naming it ("" when none): a panel's side
        beside sparse data that could not be followed out, or whose walk ended on data mixed
        with ink (:func:`_sparse_band`).
    """

    box: tuple
    kind: str = "plain"
    light_line_px: float = 0.0
    doubt: str = ""

    def pixel_box(self) -> tuple:
        """(col0, row0, col1, row1): the pixels inside the frame, its lines included."""
        left, top, right, bottom = self.box
        return (int(np.floor(left)), int(np.floor(top)), int(np.ceil(right)), int(np.ceil(bottom)))

    def inner_pixel_box(self) -> tuple:
        """(col0, row0, col1, row1): the pixels strictly inside the frame's lines (the map)."""
        left, top, right, bottom = self.box
        return (int(np.ceil(left)), int(np.ceil(top)), int(np.floor(right)), int(np.floor(bottom)))


def find_frame(dark, rectangles, colorbar_boxes=(), max_thickness=None,
               lum=None) -> "FrameDetection | None":
    """The map frame among the rectangles closed by dark lines.

    Parameters
    ----------
    dark : ndarray of bool (rows, cols)
        Dark (ink) pixels, see :func:`.lines.dark_mask`.
    rectangles : list of Rectangle
        From :func:`.lines.find_rectangles`, largest first.
    colorbar_boxes : sequence of (left, top, right, bottom)
        Colorbars found: never the frame.
    max_thickness : int, optional
        Thickest line expected, pixels.
    lum : ndarray of float (rows, cols), optional
        Luma (0-255): a plain frame's thick lines that border dark data are centred by it
        (:func:`_centre_thick_sides`).

    Returns
    -------
    FrameDetection or None
    """
    rows, cols = dark.shape
    if max_thickness is None:
        max_thickness = max(4, int(round(0.01 * min(rows, cols))))
    for box in rectangles:
        if box.area < MIN_FRAME_SHARE * rows * cols:
            break
        if any(_same(box.as_tuple(), bar, 3.0) for bar in colorbar_boxes):
            continue
        # A box inside a bar found is a piece of the bar, cut off by a line across it: its
        # dark end's edge (RdBu_r's navy at -1500, dark in the ink mask) or a tick drawn in
        # over it (classic's). It is no map (classic's horizontal bar 686 px long below a map
        # with no top line, cropped: the bar's box from its navy end's edge on was taken for
        # the frame, 313 px off, and the bar itself then dropped as a strip of that "map").
        if any(_covers(bar, box.as_tuple(), 3.0) for bar in colorbar_boxes):
            continue
        if any(_closed_by_bar_outline(box.as_tuple(), bar, max_thickness + 2)
               for bar in colorbar_boxes):
            continue
        if any(_covers(box.as_tuple(), bar) for bar in colorbar_boxes) and \
                _only_frame_around(box, colorbar_boxes, max_thickness + 2):
            continue
        if _joined_to_bar(dark, box, rectangles, colorbar_boxes, max_thickness):
            continue
        inner = _fancy_inner_box(dark, box, max_thickness)
        if inner is not None:
            return FrameDetection(inner.as_tuple(), "fancy")
        if lum is not None:
            box = _centre_thick_sides(lum, box, max_thickness, dark)
        return FrameDetection(box.as_tuple(), "plain")
    return None


def _joined_to_bar(dark, box, rectangles, colorbar_boxes, max_thickness) -> bool:
    """Whether a box is the map's frame run on over a colorbar close beside it.

    A bar drawn a few pixels beside the map (matplotlib's ``colorbar(pad=0.01)``: 4-8 px at
    60-100 dpi) as long as the map has its outline's ends in line with the frame's top and
    bottom lines, across a gap narrower than the line finder bridges: the box from the
    frame's far side to the bar's (or to the bar's near outline) is closed too, and is
    larger than the map's own. It is such a box when it overlaps a colorbar found and a
    box sharing three of its sides (the map's frame: the same lines, within 2 px) is clear of
    every bar and at least half its area, its fourth side apart from the bar by a gap of two
    pixels or more that is no ink on most of its length (the page between the map and the
    bar). A stretch of the map taken for a bar along the frame's inside lies right against
    the line that closes the smaller box (a grid line): no gap, and the frame stays.
    """
    frame = box.as_tuple()
    # The three shared sides are the same lines: their centres agree to a pixel or two.
    tolerance = 2.0

    def grown(bar):
        return (bar[0] - 1, bar[1] - 1, bar[2] + 1, bar[3] + 1)

    def overlaps(a, b):
        return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])

    bars = [bar for bar in colorbar_boxes if overlaps(frame, grown(bar))]
    if not bars:
        return False
    for other in rectangles:
        inner = other.as_tuple()
        if other.area < 0.5 * box.area or other.area >= box.area or \
                any(overlaps(inner, grown(bar)) for bar in colorbar_boxes):
            continue
        shared = [abs(a - b) <= tolerance for a, b in zip(inner, frame)]
        if sum(shared) != 3:
            continue
        side = shared.index(False)
        for bar in bars:
            # The gap between the smaller box's fourth side (its line's outer edge) and the
            # bar's near side, along the bar's length within the box.
            if side in (0, 2):
                lo, hi = (bar[2], inner[0]) if side == 0 else (inner[2], bar[0])
                along = (max(bar[1], frame[1]), min(bar[3], frame[3]))
            else:
                lo, hi = (bar[3], inner[1]) if side == 1 else (inner[3], bar[1])
                along = (max(bar[0], frame[0]), min(bar[2], frame[2]))
            # The pixels strictly between the two lines' (centres') pixels.
            first, last = int(np.floor(lo)) + 1, int(np.ceil(hi)) - 1
            a0, a1 = int(np.ceil(along[0])), int(np.floor(along[1]))
            if last - first < 1 or a1 - a0 < 10:
                continue
            gap = dark[a0:a1, first:last] if side in (0, 2) else dark[first:last, a0:a1].T
            if gap.size and float(gap.any(axis=1).mean()) <= 0.2:
                return True
    return False


def _same(a, b, tolerance):
    return max(abs(x - y) for x, y in zip(a, b)) <= tolerance


def _covers(box, bar, margin=0.0):
    """Whether ``box`` holds ``bar`` (both (left, top, right, bottom)), each side of
    ``bar`` up to ``margin`` px beyond ``box``'s."""
    return box[0] - margin <= bar[0] and box[1] - margin <= bar[1] and \
        box[2] + margin >= bar[2] and box[3] + margin >= bar[3]


def _closed_by_bar_outline(box, bar, tolerance) -> bool:
    """Whether a box's side is a colorbar's outer long side, the bar inside the box across
    its width but running on beyond it along its length: the box is closed there by the
    bar's outline, not the map's frame line.

    A map drawn with no dark frame line (bmh's light grey spines) over dark data (magma's
    purple) closes boxes with dark rows of the map; the one reaching to the outline of a
    bar 4 px beside the map was taken for the frame (its top a dark row 138 px into the map,
    its right side the bar's far one, the bar's top 138 px above it, in silence). A map's
    frame holds a bar whole (a legend on the map) or stands clear of it.

    Parameters
    ----------
    box, bar : tuple (left, top, right, bottom)
        Pixels.
    tolerance : float
        Pixels within which two sides are one line.
    """
    vertical = bar[3] - bar[1] > bar[2] - bar[0]
    across, along = ((0, 2), (1, 3)) if vertical else ((1, 3), (0, 2))
    # A long side of the bar on a side of the box (the bar's far one: the near one stands
    # in the page between the bar and the map), the bar within the box across. The box's
    # side lies past the bar's middle: a thin bar a few pixels beside a map has its far side
    # within the tolerance of the map's own frame line, which stands clear of the bar.
    middle = 0.5 * (bar[across[0]] + bar[across[1]])
    on_side = abs(box[across[0]] - bar[across[0]]) <= tolerance and box[across[0]] < middle or \
        abs(box[across[1]] - bar[across[1]]) <= tolerance and box[across[1]] > middle
    within = box[across[0]] - tolerance <= bar[across[0]] and \
        bar[across[1]] <= box[across[1]] + tolerance
    beyond = bar[along[0]] < box[along[0]] - tolerance or bar[along[1]] > box[along[1]] + tolerance
    overlapping = min(bar[along[1]], box[along[1]]) > max(bar[along[0]], box[along[0]])
    return on_side and within and beyond and overlapping


def _only_frame_around(box, colorbar_boxes, tolerance):
    """A box whose area is mostly a colorbar it holds (a legend's frame around a bar).

    A legend's frame holds its bar with a margin on every side. A "bar" sharing a side with
    the box (within ``tolerance`` pixels) is a stretch of the map along its frame (a gray
    map's dark edge is one colour across and changes along), never what a legend holds; and
    overlapping candidates count their union once (a dozen boxes on one dark stretch summed
    to more than the frame).
    """
    frame = box.as_tuple()
    held = [b for b in colorbar_boxes if _covers(frame, b)
            and not any(abs(x - y) <= tolerance for x, y in zip(b, frame))]
    if not held:
        return False
    left, top = int(np.floor(min(b[0] for b in held))), int(np.floor(min(b[1] for b in held)))
    union = np.zeros((int(np.ceil(max(b[3] for b in held))) - top + 1,
                      int(np.ceil(max(b[2] for b in held))) - left + 1), bool)
    for b in held:
        union[int(round(b[1])) - top:int(round(b[3])) - top,
              int(round(b[0])) - left:int(round(b[2])) - left] = True
    return union.sum() > 0.3 * box.area


def _fancy_inner_box(dark, box, max_thickness):
    """The inner line of a GMT fancy frame, on all four sides, or None.

    Just inside each side a chequered band (dark and light blocks, about half dark) must run
    the whole side, then a continuous dark line: the map's edge. The line begins where the band
    ends; it is as thick on every side, so where dark data or a grid line beside it makes it
    look thicker, it is given the thickness seen on the other sides (a grid line a few pixels
    in, or a dark stretch of the map along the side, is no map edge).
    """
    band_limit = max(4 * max_thickness, 0.03 * min(box.width, box.height))
    lines = []
    for horizontal, position, inward, start, end in (
            (True, box.top, 1, box.left, box.right), (True, box.bottom, -1, box.left, box.right),
            (False, box.left, 1, box.top, box.bottom), (False, box.right, -1, box.top, box.bottom)):
        inner = _inner_line(dark, horizontal, position, inward, start, end, band_limit,
                            max_thickness)
        if inner is None:
            return None
        lines.append((inner, inward))
    thickness = min(width for (_, width), _ in lines)
    top, bottom, left, right = (band_end + inward * 0.5 * thickness
                                for (band_end, _), inward in lines)
    if right - left < 0.5 * box.width or bottom - top < 0.5 * box.height:
        return None
    return Rectangle(left, top, right, bottom)


#: Share of a row's pixels that are dark on a line running the whole side.
LINE_DARK_SHARE = 0.9


def _inner_line(dark, horizontal, position, inward, start, end, band_limit, max_thickness):
    """Where a fancy frame's inner line begins past the band beside a side (its edge on the
    band's side, pixel coordinates) and how many rows it looks thick (more where dark data
    or a line runs beside it), or None when no band and line lie there."""
    mask = dark if horizontal else dark.T
    margin = band_limit + max_thickness
    c0, c1 = int(round(start + margin)), int(round(end - margin))
    if c1 - c0 < 20:
        return None
    step = int(np.ceil(band_limit))
    first = int(np.floor(position)) + inward
    rows = first + inward * np.arange(step)
    rows = rows[(rows >= 0) & (rows < mask.shape[0])]
    if rows.size < 3:
        return None
    fractions = mask[rows, c0:c1].mean(axis=1)
    # Band rows: part dark, part light, blocks alternating; then the inner line, all dark.
    banded = (fractions > 0.2) & (fractions < 0.8)
    if banded.sum() < 2 or not banded[:max_thickness + 2].any():
        return None
    # The band is the first run of such rows; what lies past the inner line may be dark data.
    beyond = int(np.argmax(banded))
    while beyond < banded.size and banded[beyond]:
        beyond += 1
    if beyond - int(np.argmax(banded)) < 2:
        return None
    if beyond >= rows.size:
        return None
    # The inner line: the rows dark the whole side long from the band's end on.
    line = beyond
    while line < rows.size and fractions[line] >= LINE_DARK_SHARE:
        line += 1
    band_end = rows[beyond] + (0.0 if inward > 0 else 1.0)
    if line == beyond or (band_end - position) * inward <= 1:
        return None
    if closes_line(dark, horizontal, rows[beyond] + 0.5, start + margin, end - margin, 1.0,
                   max_thickness) is None:
        return None
    return band_end, line - beyond


#: Least luma step (0-255) between a frame line's core and the data beside it for the line's
#: inner side to be seen there.
LINE_DATA_CONTRAST = 24.0
#: Least move (pixels) of a side to its line's centre measured in luma.
MIN_CENTRING_MOVE_PX = 0.25


def _centre_thick_sides(lum, box, max_thickness, dark=None, samples=41):
    """A plain frame with each side moved to its line's centre measured in luma.

    A thick line (GMT's plain frame is 4-7 px at 150-250 dpi) along dark data (plasma's,
    viridis' dark purple) is dark on both sides in the ink mask: the line's boundary row is
    then its page side, and the side was put there, half the line's thickness out. In luma
    the line is darker still than such data: across each side, at positions along it where
    the data just inside is at least :data:`LINE_DATA_CONTRAST` lighter than the line's
    core, the line's two edges are where the luma is half way from its core to the page
    (outside) and to the data (inside); their middle is its centre. A side moves to the
    median of those centres when at least a quarter of the positions show both edges no
    further apart than ``max_thickness`` (the thickest line), they agree to a pixel, and it
    lies 1 to ``max_thickness`` pixels from where the side was.

    The ink mask may also merge a thin line with a band of dark data inside it into one run
    no thicker than ``max_thickness`` (turbo's dark red between the frame and a light grid
    line 9 px in, at 150 dpi where ``max_thickness`` is 10 px): the side was put at the
    run's middle, the line's core half the run out of it. The core is looked for out to the
    run's page side, as far as the ink goes on unbroken from the side.

    Parameters
    ----------
    lum : ndarray of float (rows, cols)
    box : lines.Rectangle
    max_thickness : int
    dark : ndarray of bool (rows, cols), optional
        The ink mask the box was found in (:func:`.lines.dark_mask`): the run the side lies in.
    samples : int
        Positions along each side (its middle 80 %).

    Returns
    -------
    lines.Rectangle
    """
    sides = list(box.as_tuple())
    reach = 2 * max_thickness + 3
    offsets = np.arange(-reach, reach + 1)
    # left, top, right, bottom: (the side runs horizontally, outward direction)
    for index, (horizontal, outward) in enumerate(((False, -1), (True, -1), (False, 1),
                                                   (True, 1))):
        position = sides[index]
        along_start, along_end = (sides[0], sides[2]) if horizontal else (sides[1], sides[3])
        image = lum if horizontal else lum.T
        ink = None if dark is None else (dark if horizontal else dark.T)
        along = np.linspace(along_start + 0.1 * (along_end - along_start),
                            along_end - 0.1 * (along_end - along_start), samples).astype(int)
        first = int(np.floor(position)) - reach
        if first < 0 or first + offsets.size > image.shape[0]:
            continue
        profiles = image[first:first + offsets.size, along].T  # (samples, across)
        inks = None if ink is None else ink[first:first + offsets.size, along].T
        # The line's core lies inward of the side or within a pixel out of it (the ink
        # mask puts a thick line's side at its page side), or further out in the side's own
        # run of ink (a thin line merged with dark data, the side at the run's middle). A
        # line beyond page pixels is another thing's, a colorbar's outline drawn 2-4 px
        # beside the map (``colorbar(pad=0.01)`` at 60-100 dpi), darker than a thin spine,
        # which moved the side onto the bar.
        within = (np.arange(offsets.size) - reach) * outward <= 1
        found = []
        for number, profile in enumerate(profiles):
            own = within if inks is None else within | _ink_run_outward(inks[number], reach,
                                                                         outward)
            darkest = float(profile[own].min())
            candidates = np.flatnonzero((profile <= darkest + 10) & own)
            core = int(candidates[np.argmin(np.abs(candidates - reach))])
            outer = _line_edge(profile, core, outward)
            inner = _line_edge(profile, core, -outward)
            # Edges further apart than the thickest line are no line's: the walk from the
            # core ran on through data nearly as dark (jet's navy end beside a 1 px frame)
            # up to the next light thing inside, a grid line 10-20 px in, whose middle
            # would be taken for the frame's.
            if outer is not None and inner is not None and \
                    abs(outer - inner) <= max_thickness:
                found.append(first + 0.5 * (outer + inner))
        if len(found) < 0.25 * samples:
            continue
        found = np.array(found)
        middle = float(np.median(found))
        if np.median(np.abs(found - middle)) <= 1.0 and \
                MIN_CENTRING_MOVE_PX <= abs(middle - position) <= max_thickness:
            sides[index] = middle
    from .lines import Rectangle

    return Rectangle(*sides)


def _ink_run_outward(ink, start, outward) -> np.ndarray:
    """The pixels of a profile's unbroken run of ink from ``start`` in direction
    ``outward`` (±1), ``start`` included (none when it is not ink)."""
    run = np.zeros(ink.size, bool)
    index = start
    while 0 <= index < ink.size and ink[index]:
        run[index] = True
        index += outward
    return run


def _line_edge(profile, core, step):
    """A line's edge in a luma profile across it, from its darkest pixel ``core`` in
    direction ``step`` (±1): where the luma is half way from the core to the level beyond
    the line (profile coordinates: pixel i covers i..i+1). None when that level is within
    :data:`LINE_DATA_CONTRAST` of the core or the profile ends first."""
    line = float(profile[core])
    size = profile.size
    last = core
    while 0 <= last + step < size and profile[last + step] < line + 0.5 * LINE_DATA_CONTRAST:
        last += step
    level_at = [last + k * step for k in (2, 3, 4)]
    if not all(0 <= i < size for i in level_at):
        return None
    level = float(np.median(profile[level_at]))
    if level - line < LINE_DATA_CONTRAST:
        return None
    half = 0.5 * (level + line)
    k = core
    while 0 <= k + step < size and profile[k + step] < half:
        k += step
    if not 0 <= k + step < size:
        return None
    share = (half - profile[k]) / max(float(profile[k + step] - profile[k]), 1e-6)
    return k + 0.5 + step * share


#: Smallest colour difference (largest of R, G, B, 0-255) from the page of a pixel taken as
#: part of a panel drawn without a dark frame (JPEG q50 noise on white stays under it).
PANEL_CONTRAST = 12.0
#: Smallest share of a panel's row (column) its pixels fill for the row to be the panel's side.
PANEL_EDGE_FILL = 0.75
#: Smallest share of a panel's box its content fills (no-data holes show the axes'
#: background, itself unlike the page, or the data's colours).
PANEL_FILL = 0.9
#: Smallest share of a panel's box its content fills when ink spines close the box on every
#: side but those a crop cut off (:func:`_closed_by_ink_spines`): no-data drawn in the page's
#: colour leaves a band of page inside the spines (a matplotlib map whose bottom 12 % is NaN
#: fills 88 % of its box), while a box of lines round mostly page is a legend's or a table's.
SPINE_BOX_MIN_FILL = 0.5
#: Fewest sides of a panel closed by an ink spine for :func:`_closed_by_ink_spines`.
SPINE_BOX_MIN_SIDES = 3


def find_panel(rgb, page_rgb, colorbar_boxes=(), max_thickness=4,
               boxes=()) -> "FrameDetection | None":
    """A map's plot area drawn with no dark frame: the largest filled rectangle unlike the page.

    Style sheets draw axes with no spines or with light ones (matplotlib's ggplot,
    seaborn and bmh: a grey panel, white grid lines over the map), so no box is closed by
    dark lines; the map itself, filling its axes, is a rectangle of colour with straight
    edges on the page. Pixels unlike the page are closed along rows and, apart, along
    columns over light grid lines (up to ``2 · max_thickness + 1`` px), the largest
    connected region is taken, and its sides are its outermost columns and rows that its
    pixels fill for more than :data:`PANEL_EDGE_FILL` of its height or width (a grid line
    across the map is a gap inside; tick marks, and rows of labels joined to it by the
    closing, fill less: even touching serif digits fill some 60 %). A side beside a band of
    sparse data (no-data cells, a coast) is walked out over it to the last line of the map's
    colours (:func:`_sparse_band`; a side it cannot follow is named in
    :attr:`FrameDetection.doubt`). Each side is placed to a fraction of a pixel by the
    coverage of the pixels across it (an edge pixel half covered by the map is half way
    between the page's colour and the map's). Returned when it fills
    :data:`PANEL_FILL` of its box, covers :data:`MIN_FRAME_SHARE` of the figure and is not
    itself a colorbar found (stretches of the map taken for bars may lie inside it).

    Parameters
    ----------
    rgb : ndarray of uint8 (rows, cols, 3)
    page_rgb : ndarray of float (3,)
    colorbar_boxes : sequence of (left, top, right, bottom)
    max_thickness : int
        Thickest line expected, pixels.
    boxes : sequence of (left, top, right, bottom)
        Boxes closed by dark lines (:func:`.lines.find_rectangles`): one across a side (a
        legend dropped over the map's edge) hides the map there from :func:`_sparse_band`.

    Returns
    -------
    FrameDetection or None
    """
    from scipy import ndimage

    rows, cols = rgb.shape[:2]
    page = np.asarray(page_rgb, np.float32)
    # A block of rows at a time: the float differences of the whole figure would be 28 bytes
    # a figure pixel at once (a float copy, its difference from the page, the maximum).
    content = np.empty((rows, cols), bool)
    step = max(1, PANEL_BLOCK_PIXELS // max(cols, 1))
    for first in range(0, rows, step):
        content[first:first + step] = \
            _page_difference(rgb[first:first + step], page) > PANEL_CONTRAST
    bridge = 2 * max_thickness + 1
    for bar in colorbar_boxes:
        _leave_out_bar(content, bar, bridge, rgb, page)
    # Closed along rows, light vertical grid lines are bridged; along columns, horizontal
    # ones: the map is one region, whatever its grid. Each closing is merged as soon as made.
    connected = ndimage.binary_closing(content, structure=np.ones((1, bridge), bool))
    connected |= content
    along_cols = ndimage.binary_closing(content, structure=np.ones((bridge, 1), bool))
    connected |= along_cols
    del along_cols
    labels, count = label_regions(connected)  # 16-bit labels where they fit
    del connected
    if count == 0:
        return None
    sizes = label_sizes(labels, count)
    sizes[0] = 0
    region = labels == int(np.argmax(sizes))
    del labels
    row_span = np.flatnonzero(region.any(axis=1))
    col_span = np.flatnonzero(region.any(axis=0))
    span = (int(col_span[0]), int(row_span[0]), int(col_span[-1]) + 1, int(row_span[-1]) + 1)
    del row_span, col_span
    # The sides as the rows and columns the region fills, narrowed together; and, in turn,
    # each axis' sides over the region's whole span on that axis across the other axis'
    # sides just found, rows first or columns first: a box beside the map joined to it
    # through its labels (a QGIS legend below the map) fills the columns it shares with the
    # map more than the map alone fills the region's rows, and the map's rows, found over the
    # whole span, give its columns back. The largest box its content fills is the panel.
    candidates = [box for box in (_filled_sides(content, region, span, None),
                                  _filled_sides(content, region, span, 0),
                                  _filled_sides(content, region, span, 1)) if box is not None]
    filled = [box for box in candidates
              if content[box[1]:box[3], box[0]:box[2]].mean() >= PANEL_FILL
              or region[box[1]:box[3], box[0]:box[2]].mean() >= PANEL_FILL
              or content[box[1]:box[3], box[0]:box[2]].mean() >= SPINE_BOX_MIN_FILL
              and _closed_by_ink_spines(rgb, page_rgb, box, max_thickness)]
    if not filled:
        return None
    left, top, right, bottom = max(filled, key=lambda box: (box[2] - box[0]) * (box[3] - box[1]))
    # A bar close beside the map that no colorbar was found for is joined to it by the
    # closing: the panel's side is moved to the map's across the gap (:func:`_bar_beside`).
    sides = [left, top, right, bottom]
    past_bar = [False] * 4
    for index in range(4):
        moved = _bar_beside(content, rgb, page, tuple(sides), index, bridge)
        if moved is not None:
            sides[index], past_bar[index] = moved, True
    # Sparse data along a side (no-data cells, a coast, lines of the map's colours) fills too
    # little of the rows (columns) there for them to be the panel's: each side is walked out
    # over them, all four from the same box, before anything compares the box's sides. Not
    # a side moved in past a bar (the walk would go back out over the gap's JPEG ringing
    # into the bar's colours); nor by less than the closing's reach, which a JPEG's ringing
    # in the palette's hues and the gap to a bar beside the map (3-6 px at 60-100 dpi) span.
    palette = _map_palette(rgb, content, sides, colorbar_boxes)
    walked = [_sparse_band(rgb, page, palette, tuple(sides), index, colorbar_boxes, boxes)
              if not past_bar[index] else (sides[index], "") for index in range(4)]
    doubts = [doubt for _, doubt in walked if doubt]
    sides = [side if abs(side - moved) < bridge else moved
             for side, (moved, _) in zip(sides, walked)]
    left, top, right, bottom = sides
    if (right - left) * (bottom - top) < MIN_FRAME_SHARE * rows * cols or \
            min(right - left, bottom - top) < 20:
        return None
    if not _edge_sides_are_map(content, (left, top, right, bottom)):
        # A plot area has the page around it (its labels stand there): a region running to
        # the image's edge on two sides or more, or along one its colours do not fill, is
        # the image itself (a map with no margin), whose extent the whole figure already is.
        return None
    box = (float(left), float(top), float(right), float(bottom))
    if any(_same(box, bar, 3.0) for bar in colorbar_boxes):
        return None
    # A light spine (bmh's grey 0.8 pt) is centred on the plot area's edge: its centre is the
    # edge. Without one, the edge is where the map's colours begin.
    edges = _spine_centres(rgb, page_rgb, box, max_thickness) or [None] * 4
    edges = [_panel_edge(rgb, page, box, index) if edge is None else edge
             for index, edge in enumerate(edges)]
    edges = [box[index] if edge is None else edge for index, edge in enumerate(edges)]
    return FrameDetection(tuple(edges), "panel", doubt=" ".join(doubts))


def _closed_by_ink_spines(rgb, page_rgb, box, max_thickness) -> bool:
    """Whether a panel's box is the axes' box drawn in ink: a thin line of ink (a spine,
    :func:`_spine_run` at :data:`INK_SPINE_CONTRAST` from the page or more, at most
    ``max_thickness`` wide) along each side, but a side within :data:`PANEL_EDGE_MARGIN` px of
    the image's edge (a crop cut its spine off), and :data:`SPINE_BOX_MIN_SIDES` such lines or
    more.

    The spines give the plot area whatever is drawn inside it: no-data shown in the page's
    colour along a side (matplotlib draws NaN transparent) leaves the map's colours short of
    that side's spine. With the top spine cropped off, no box is closed by four dark lines
    but the one between the data's edge and the bottom spine (a band of page 239 px below
    the plot area's top), and the map's colours alone fill too little of the box to be a
    panel.
    """
    from .lines import luma_of

    rows, cols = rgb.shape[:2]
    page = float(luma_of(page_rgb, np.float32))
    extents = (cols, rows, cols, rows)
    spines = 0
    for index in range(4):
        edge = box[index] if index in (0, 1) else extents[index] - box[index]
        if edge <= PANEL_EDGE_MARGIN:
            continue
        run = _spine_run(rgb, page_rgb, box, index, max_thickness)
        if run is None or run[1] is None or abs(run[2] - page) < INK_SPINE_CONTRAST:
            return False
        spines += 1
    return spines >= SPINE_BOX_MIN_SIDES


#: Widest share of a panel's extent across a side a bar beside the map, joined to it, takes.
BAR_BESIDE_SHARE = 0.15
#: Fewest lines (pixels) a bar beside the map fills across its width.
BAR_BESIDE_MIN_PX = 4
#: Most lines at a bar's outer edge, filled but of the page's luma, taken as its outline's.
BAR_OUTLINE_LINES = 2
#: Least share of a bar's length its luma is even across its width at (within twice
#: :data:`PANEL_CONTRAST`; its two lines on each edge left out): a colorbar's colour changes
#: along it only.
BAR_EVEN_ACROSS_SHARE = 0.8


def _bar_beside(content, rgb, page, box, index, reach) -> "int | None":
    """A panel's side (0-3: left, top, right, bottom) moved in to the map's edge, past a
    colorbar the closing joined to the map, or None when there is none.

    A bar drawn a few pixels from the map (``colorbar(pad=0.01)``: 3-6 px at 60-100 dpi)
    that the colorbar search missed (dark_background's turbo bar at 60 dpi, JPEG q60) is
    bridged to the map by the closing and fills the region's side: the panel took it in,
    15-21 px off, in silence. It is such a bar when, within :data:`BAR_BESIDE_SHARE` of the
    panel's extent from the side, a stretch filled on :data:`BAR_BESIDE_MIN_PX` lines or
    more (after up to :data:`BAR_OUTLINE_LINES` of its outline, filled but of the page's
    luma) is parted from the map by lines of the page along the panel's whole length (in
    luma, as :func:`_leave_out_bar` sees a gap, or in luma alone on all but
    :data:`BAR_GAP_LUMA_CONTENT` of it), no wider than the closing's reach; the
    stretch's luma is even across its width on :data:`BAR_EVEN_ACROSS_SHARE` of its
    length (a JPEG's chroma rings across a narrow bar) and changes along it (a colorbar's),
    and the map's colours do not go on across the gap (:func:`_map_goes_on`: a light grid
    line across the map). Returns the first
    line the map fills beyond the gap (a pixel's start for left/top, its end otherwise).
    """
    from .lines import luma_of

    left, top, right, bottom = (int(v) for v in box)
    if index in (0, 2):
        image, mask, a0, a1 = rgb, content, top, bottom
        extent, outer = right - left, (left if index == 0 else right - 1)
    else:
        image, mask, a0, a1 = rgb.transpose(1, 0, 2), content.T, left, right
        extent, outer = bottom - top, (top if index == 1 else bottom - 1)
    inward = 1 if index in (0, 1) else -1
    limit = int(BAR_BESIDE_SHARE * extent)
    if a1 - a0 < 20 or limit <= BAR_BESIDE_MIN_PX + 1:
        return None
    lines = [outer + inward * step for step in range(limit + reach + 2)]
    if min(lines) < 0 or max(lines) >= mask.shape[1]:
        return None

    def filled(line):
        return float(mask[a0:a1, line].mean()) >= PANEL_EDGE_FILL

    def quiet(line):
        difference = image[a0:a1, line].astype(np.float32) - page
        unlike_luma = np.abs(luma_of(difference)) > PANEL_CONTRAST
        unlike = unlike_luma | (np.abs(difference) > 3 * PANEL_CONTRAST).any(axis=1)
        # Or the page's in luma nearly all along, whatever its chroma: a one-pixel gap
        # between a JPEG's map and bar (seaborn, 80 dpi, quality 60, Spectral's colours on
        # both sides) has its chroma rung past three times the contrast on 24 % of its
        # length, its luma the page's on all of it.
        return float(unlike.mean()) <= BAR_GAP_CONTENT or \
            float(unlike_luma.mean()) <= BAR_GAP_LUMA_CONTENT

    full = [filled(line) for line in lines]
    calm = [quiet(line) for line in lines]
    if not full[0]:
        return None
    # The bar's outline may show as a line or two filled but of the page's luma before its
    # colours (seaborn's white outline, anti-aliased into a JPEG's chroma at 80 dpi).
    start = 0
    while start < BAR_OUTLINE_LINES and full[start] and calm[start]:
        start += 1
    width = start
    while width < limit and full[width] and not calm[width]:
        width += 1
    if width - start < BAR_BESIDE_MIN_PX or width >= limit:
        return None
    # The gap: lines the page's in luma (a JPEG's chroma rings there) or little filled, one
    # at least quiet, then the map.
    gap_end = width
    while gap_end < len(lines) and (calm[gap_end] or not full[gap_end]):
        gap_end += 1
    if gap_end >= len(lines) or gap_end - width > reach or not any(calm[width:gap_end]):
        return None
    # The bar's luma across its width (two lines at each edge left out: anti-aliasing, its
    # outline); a bar no wider than those four lines shows nothing to tell it by.
    inner = [lines[k] for k in range(start + 2, width - 2)]
    if not inner:
        return None
    stretch = image[a0:a1, inner].astype(np.float32)
    across = np.ptp(luma_of(stretch), axis=1)
    if np.mean(across <= 2 * PANEL_CONTRAST) < BAR_EVEN_ACROSS_SHARE:
        return None
    middle = luma_of(stretch[:, stretch.shape[1] // 2])
    if np.ptp(middle) < 3 * PANEL_CONTRAST:
        return None
    if _map_goes_on(image[a0:a1], lines[width - 2], lines[gap_end] + inward):
        return None
    return lines[gap_end] if inward == 1 else lines[gap_end] + 1


#: Farthest (times the closing's reach) the map is looked for beyond a bar's gap.
BAR_GAP_WALK = 4
#: Farthest (share of the bar's length) the map is looked for beyond a bar's gap, when more
#: than :data:`BAR_GAP_WALK` reaches: the map's labels between a horizontal bar and the map.
BAR_GAP_WALK_SHARE = 0.15
#: Most share of a bar's length a line of pixels just beyond one of its long sides may be
#: unlike the page for that side to be a gap to the page (ticks cross it; JPEG noise).
BAR_GAP_CONTENT = 0.2
#: Most share of a panel's length a line of the gap between it and a bar beside it may be
#: unlike the page in luma alone, its chroma let off (:func:`_bar_beside`).
BAR_GAP_LUMA_CONTENT = 0.05


def _leave_out_bar(content, bar, reach, rgb, page):
    """Take a colorbar found out of a panel's content (in place) when a gap of the page
    parts it from a filled stretch beside it: the map it stands beside.

    A bar drawn close beside the map (matplotlib's ``colorbar(pad=0.01)``, 3-6 px at 60-100
    dpi) is joined to the map by the closing that bridges light grid lines, and its length
    fills the region's side as the map does: the panel took it in (the plot area then held
    the bar); so is one farther off (20 px) through a JPEG's chroma ringing in the gap.
    Beyond one of its long sides, a line of pixels 2-3 px out is the page's (in luma, the
    chroma let off to three times :data:`PANEL_CONTRAST`) nearly all along
    (:data:`BAR_GAP_CONTENT`), and within :data:`BAR_GAP_WALK` times ``reach`` px (or
    :data:`BAR_GAP_WALK_SHARE` of the bar's length, when more: the map's labels may stand in
    the gap) a line is the map's (unlike the page on :data:`PANEL_EDGE_FILL` of the bar's
    length), the lines before it mostly the page's. A stretch of the map taken for a bar
    along the map's edge has the map right against its inner side and the page, with its
    sparse tick labels, beyond its outer one: it stays, whatever stands further off.

    Parameters
    ----------
    content : ndarray of bool (rows, cols)
        Pixels unlike the page, changed in place.
    bar : tuple (left, top, right, bottom)
        The bar's box, pixels.
    reach : int
        Widest gap bridged by the closing, pixels.
    rgb : ndarray of uint8 (rows, cols, 3)
    page : ndarray of float32 (3,)
        The page's colour.
    """
    from .lines import luma_of

    rows, cols = content.shape
    left, top, right, bottom = bar
    vertical = bottom - top > right - left
    if vertical:
        first, last, near, far, size = top, bottom, left, right, cols
        mask = content
    else:
        first, last, near, far, size = left, right, top, bottom, rows
        mask = content.T
    a0, a1 = max(int(np.ceil(first)), 0), min(int(np.floor(last)), mask.shape[0])
    if a1 - a0 < 10:
        return

    image = rgb if vertical else rgb.transpose(1, 0, 2)

    def share(line):
        return float(mask[a0:a1, line].mean()) if 0 <= line < size else None

    def gap_share(line):
        # Unlike the page in luma, or far unlike it in a channel: a JPEG's 4:2:0 chroma
        # rings over its 16-pixel blocks from the map's and the bar's colours into the gap
        # between them (20 px of it at 72 dpi, quality 78: 'content' all across), its luma
        # the page's.
        if not 0 <= line < size:
            return None
        difference = image[a0:a1, line].astype(np.float32) - page
        unlike = (np.abs(luma_of(difference)) > PANEL_CONTRAST) | \
            (np.abs(difference) > 3 * PANEL_CONTRAST).any(axis=1)
        return float(unlike.mean())

    # The bar's own line of pixels next to each long side, a pixel in from its edge (the
    # edge's anti-aliasing), for :func:`_map_goes_on`.
    inside = {-1: int(np.ceil(near)) + 1, 1: int(np.ceil(far)) - 2}
    # Up to the closing's reach a few times over (the page 3-20 px wide between a bar and
    # the map), or a share of the bar's length: a horizontal bar below the map with the
    # map's x labels between (classic, dark_background: pad=0.1 at 90-100 dpi, 39-46 px),
    # joined to the map through them by the closing, took the panel 61-71 px down over the
    # labels to the bar's bottom.
    walk = max(BAR_GAP_WALK * reach, int(BAR_GAP_WALK_SHARE * (a1 - a0)))
    far_parted = map_along = False
    parted_sides = set()
    gap_lines = []
    for outward, edge in ((-1, int(np.floor(near)) - 1), (1, int(np.ceil(far)))):
        lines = [edge + outward * step for step in range(1, walk + 1)]
        quiet = [gap_share(line) is not None and gap_share(line) <= BAR_GAP_CONTENT
                 for line in lines]
        # The filled stretch the gap parts the bar from: its first line the content fills
        # (the map's edge), most of the lines before it quiet; or, where the map's tick
        # labels come down to the bar's outline (a horizontal bar at pad=0.06 under 100 dpi
        # labels: rows 40 % unlike the page right against it), two lines of the page in a
        # row between them, the lines before the map none of them filled.
        filled = [index for index, line in enumerate(lines) if index > 1
                  and share(line) is not None and share(line) >= PANEL_EDGE_FILL]
        if not filled:
            continue
        before = quiet[:filled[0]]
        gap = (any(quiet[:2]) and np.mean(before) >= 0.5) or \
            any(a and b for a, b in zip(before, before[1:]))
        goes_on = filled[0] <= reach and \
            _map_goes_on(image[a0:a1], inside[outward], lines[filled[0]] + outward)
        map_along |= goes_on
        # A light line across the map is one the closing bridged (``reach`` px at most); a
        # wider gap holds the page, and what stands beyond it is no map going on, whatever
        # its colours (classic's viridis bar 22 px below the map, the map's labels between:
        # the bar's colours and the map's bottom row were alike on half its length, and the
        # panel took the bar in, 44 px off).
        if gap and not goes_on:
            parted_sides.add(outward)
            far_parted |= filled[0] > BAR_GAP_WALK * reach
            gap_lines += lines[:filled[0]]
    # A stretch of the map between a light grid line and the map's edge, taken for a bar,
    # has the map going on across the line on one side; the page and what stands beyond it
    # on the other, far off, is no map it is parted from.
    if not parted_sides or far_parted and map_along:
        return
    # The bar and its outline's anti-aliased edge, a pixel out on the map's side; and the
    # gap up to the map, page in luma: a JPEG's chroma ringing next to the bar there
    # (ggplot's turbo bar 6 px from the map at quality 60: the line against the bar unlike
    # the page in a channel on 77 % of its length) is no content, or the closing bridges the
    # gap's few quiet lines from it to the map and the panel runs on to the bar (5.7 px off).
    # Beyond the bar's ends and its side away from the map, two pixels out: its outline's
    # anti-aliasing reaches there (matplotlib's 0.8 pt outline at 100 dpi, its box's edge at
    # the outline's centre, x.0: the row past it 99 % unlike the page), and a line of it left
    # as content joined the map, through its spine's column running down past the bar's
    # end, to the bar's labels (default viridis, a horizontal bar below the map, 100 dpi
    # JPEG: the panel ran down to them and was refused, no frame).
    c0 = max(int(np.floor(near)) - (1 if -1 in parted_sides else 2), 0)
    c1 = min(int(np.ceil(far)) + (1 if 1 in parted_sides else 2), size)
    along = slice(max(a0 - 2, 0), min(a1 + 2, mask.shape[0]))
    mask[along, c0:c1] = False
    for line in gap_lines:
        mask[along, line] = False


#: Most difference (levels, in any channel) between two pixels either side of a line drawn
#: across the map for them to be the same colour (a JPEG's noise let off).
MAP_ACROSS_LINE_DIFFERENCE = 3 * PANEL_CONTRAST
#: Least share of a gap's length the pixels either side of it are alike for it to be a line
#: drawn across the map, not the page between the map and a bar.
MAP_ACROSS_LINE_SHARE = 0.5


def _map_goes_on(image, bar_line, map_line) -> bool:
    """Whether a gap of the page between a bar found and a filled stretch is a light line
    drawn across the map (a grid line, white in ggplot's and seaborn's style), the "bar" a
    stretch of the map along its edge: the map's colours go on across it, the pixels either
    side alike (within :data:`MAP_ACROSS_LINE_DIFFERENCE`) on :data:`MAP_ACROSS_LINE_SHARE`
    of its length or more. ggplot at 300 dpi, its white grid line 3 px wide 140 px above the
    map's bottom: that stretch, taken for a bar, was left out of the panel (the frame 140 px
    short, the x axis's labels not beside it). A bar's colours change along its length and
    its outline is dark: they are not the map's beside it.

    Parameters
    ----------
    image : ndarray of uint8 (length, across, 3)
        The pixels along the bar's length (rows along it, columns across it).
    bar_line, map_line : int
        The bar's line of pixels next to the gap and the map's beyond it, pixels across.
    """
    across = image.shape[1]
    if not (0 <= bar_line < across and 0 <= map_line < across):
        return False
    difference = np.abs(image[:, bar_line].astype(np.float32)
                        - image[:, map_line].astype(np.float32)).max(axis=1)
    return float((difference <= MAP_ACROSS_LINE_DIFFERENCE).mean()) >= MAP_ACROSS_LINE_SHARE


#: Share of a panel's width (height) left out along each side where its palette is sampled
#: (:func:`_map_palette`): the band of sparse data, and a legend over the map's edge.
PALETTE_MARGIN_SHARE = 0.05
#: Pixels in from a box's outline (a colorbar's, a legend's) its inside is read from: a 1-2 px
#: line, anti-aliased a pixel further.
OUTLINE_INSET_PX = 2
#: Luma levels (0-255) of a bin of a map's palette (:func:`_map_palette`).
PALETTE_LUMA_BIN = 16
#: Degrees of hue of a bin of a map's palette.
PALETTE_HUE_BIN = 10
#: Bins either way (luma and hue) a colour may lie from one of the map's to be of its
#: palette: JPEG keeps a pixel's luma to 10-20 levels and its hue, while its 4:2:0 chroma
#: subsampling mixes a narrow run of data's chroma with the page's beside it (turbo's cyan
#: columns 5 px wide at 80 dpi, quality 75: (74, 194, 195) for (26, 228, 182)), its
#: saturation halved but its hue kept. Red, green and blue bins of 8 levels grown by two
#: took half such a column's pixels for colours off the palette.
PALETTE_TOLERANCE_BINS = 1
#: Least chroma (the largest of a pixel's R, G, B less the smallest, 0-255) of a colour of a
#: map's palette. Text, tick marks and frame lines are black or grey (chroma 0), their
#: anti-aliased edges too, and JPEG rings their chroma up by 10-20 levels: a grey is never
#: taken for data, whatever the colormap (magma's and inferno's near-black end is left out
#: with it, so a band of such data alone is not followed: the side stays, short).
PALETTE_MIN_CHROMA = 30.0
#: Least share of a map's sampled colours of that chroma for its palette to tell data from
#: ink; a map under it (gray, Greys, a greyscale print: 0 %) is not walked
#: (:func:`_sparse_band`); so is a map mostly of cividis' grey middle (the topobathy grid in
#: cividis: 4.5 % of its colours of that chroma), while viridis', turbo's and RdYlBu's maps
#: are 95-100 % chromatic.
PALETTE_CHROMATIC_SHARE = 0.5
#: Most luma difference (0-255) from the page of a pixel of little chroma that is JPEG's
#: ringing, not ink: quality 60-80 tints the page round narrow data by up to 20-30 levels in
#: a channel, a few in luma; anti-aliased ink is further off.
RINGING_LUMA = 3 * PANEL_CONTRAST
#: Least share of a line's content pixels in the map's palette for the line to be data.
#: Anti-aliasing and JPEG's ringing round sparse cells put 5-20 % of a data line's content
#: off the palette (measured on matplotlib renders, PNG and JPEG q75-80).
SPARSE_DATA_SHARE = 0.75
#: Least share of a line's length the content fills for the line to be data whatever its
#: runs: a row (column) of the map itself between no-data ones.
SPARSE_FULL_SHARE = PANEL_EDGE_FILL
#: Fewest runs of the palette's colours on a line filled less than that, past a gap of page,
#: for it to be sparse data: a colorbar's end is one run (a column through a legend's stacked
#: patches makes one run a class, and is told from data by its spread,
#: :data:`SPARSE_SPREAD_SHARE`).
SPARSE_MIN_RUNS = 3
#: Least share of the side's length (as read) from a line's first to its last pixel of the
#: palette for a line past a gap, filled less than :data:`SPARSE_FULL_SHARE`, to be sparse
#: data on its own: a band of data runs along the side, while a frameless legend of patches
#: beside the map spans its entries (5 classes: 31 % of a 288 px side, 10 px past the map,
#: matplotlib's ``frameon=False``, seaborn styles' default). A line spread less is data
#: still when :data:`SPARSE_OVERLAP_SHARE` of its palette's pixels lie on (within
#: :data:`SPARSE_OVERLAP_PX` of) those of the data lines before the gap.
SPARSE_SPREAD_SHARE = 0.5
#: See :data:`SPARSE_SPREAD_SHARE`.
SPARSE_OVERLAP_SHARE = 0.5
#: See :data:`SPARSE_SPREAD_SHARE`: anti-aliasing and a JPEG's chroma move a cell's edge by
#: a pixel or two from one line to the next.
SPARSE_OVERLAP_PX = 2
#: Most share of a box's inside (:func:`_palette_share`) of the map's colours for a box of dark
#: lines across a side to hide the map (a legend's white inside, its labels; a box closed by
#: the map's dark data is mostly of its colours).
HIDING_BOX_PALETTE_SHARE = 0.25
#: Most share of a line's length its content fills for the line to be page (a gap in the
#: sparse data): tick marks (1-3 % of a side: matplotlib's 5-8 ticks 1-2 px wide; classic's
#: point inward, across a band of sparse data) and a JPEG's specks of ringing beyond the map's
#: edge (1.2 % at 80 dpi, quality 75: a side put there, 4 px out). Labels fill more.
SPARSE_GAP_SHARE = 0.05
#: Least share of the data lines' median fill an outermost data line fills to be kept (see
#: :func:`_sparse_band`: JPEG's ringing past the data's edge).
SPARSE_EDGE_LINE_SHARE = 0.5
#: Widest gap of page (a share of the panel's extent across the side) walked over between
#: lines of data: no-data rows (columns) between the data's, 4 grid rows of a 91-row grid
#: (4.4 % of the map) in the tests. The page between a map and its colorbar or the next
#: panel is wider, and its outline or labels stop the walk before.
SPARSE_MAX_GAP_SHARE = 0.08
#: Most times the widest gap walked over before (between the band's data lines) a later gap
#: may be wide for the walk to go on over it; data past a wider one is doubted, not walked.
SPARSE_GAP_GROWTH = 2
#: Farthest (a share of the panel's extent across the side) a side is walked out.
SPARSE_MAX_WALK_SHARE = 0.4
#: Least share of a line's length a greyscale map's content fills on the second and third
#: lines beyond a side (in :data:`SPARSE_MIN_RUNS` runs or more) for that side to be doubted
#: (a band of sparse data there, not followed): tick marks fill 1-3 % (matplotlib's 5-8
#: ticks, 1-2 px wide).
SPARSE_GREY_DOUBT_SHARE = 0.1


def _map_palette(rgb, content, box, colorbar_boxes=(), samples=200_000) -> "tuple | None":
    """The colours a panel's map is drawn in, for :func:`_sparse_band`.

    The content (pixels unlike the page) of the box's middle (:data:`PALETTE_MARGIN_SHARE`
    left out on every side) is sampled, up to ``samples`` pixels, with the inside of each
    colorbar found (:data:`OUTLINE_INSET_PX` in from its outline: the bar holds the colours
    a band of data along a side may hold alone, turbo's deep-sea blues along a map's
    bottom), and their colours of :data:`PALETTE_MIN_CHROMA` or more binned by luma
    (:data:`PALETTE_LUMA_BIN`) and hue (:data:`PALETTE_HUE_BIN`); a bin seen three times or
    more, grown by
    :data:`PALETTE_TOLERANCE_BINS` both ways, is the palette's.

    Returns
    -------
    (table, chromatic) or None
        ``table``: ndarray of bool (luma bins, hue bins), the palette's bins; ``chromatic``:
        whether :data:`PALETTE_CHROMATIC_SHARE` of the samples are of that chroma (False: a
        greyscale map, whose data cannot be told from ink by its colour). None when the box
        holds too little content to sample.
    """
    from scipy import ndimage

    left, top, right, bottom = (int(v) for v in box)
    margin_x = int(PALETTE_MARGIN_SHARE * (right - left))
    margin_y = int(PALETTE_MARGIN_SHARE * (bottom - top))
    window = (slice(top + margin_y, bottom - margin_y), slice(left + margin_x, right - margin_x))
    inside = content[window]
    step = max(1, int(np.ceil(np.sqrt(inside.size / samples))))
    pixels = rgb[window][::step, ::step][inside[::step, ::step]]
    if pixels.shape[0] < 100:
        return None
    chromatic = _chroma(pixels) >= PALETTE_MIN_CHROMA
    inset = OUTLINE_INSET_PX
    bars = [rgb[int(np.ceil(bar[1])) + inset:int(bar[3]) - inset,
                int(np.ceil(bar[0])) + inset:int(bar[2]) - inset].reshape(-1, 3)
            for bar in colorbar_boxes]
    pixels = np.concatenate([pixels[chromatic]] + bars)
    luma, hue = _luma_hue_bins(pixels[_chroma(pixels) >= PALETTE_MIN_CHROMA])
    counts = np.zeros((256 // PALETTE_LUMA_BIN, 360 // PALETTE_HUE_BIN), np.int64)
    np.add.at(counts, (luma, hue), 1)
    grow = np.ones((2 * PALETTE_TOLERANCE_BINS + 1,) * 2, bool)
    # Hue wraps round: the table is grown over a copy with its hue ends joined.
    pad = PALETTE_TOLERANCE_BINS
    seen = np.concatenate([counts[:, -pad:], counts, counts[:, :pad]], axis=1) >= 3
    table = ndimage.binary_dilation(seen, structure=grow)[:, pad:-pad]
    return table, bool(chromatic.mean() >= PALETTE_CHROMATIC_SHARE)


def _luma_hue_bins(pixels) -> tuple:
    """Each pixel's (uint8, RGB on the last axis) luma bin and hue bin (ndarrays of int):
    its luma over :data:`PALETTE_LUMA_BIN`, its hue angle in the (B - Y, R - Y) plane over
    :data:`PALETTE_HUE_BIN` degrees."""
    from .lines import luma_of

    colours = pixels.astype(np.float32)
    luma = luma_of(colours)
    angle = np.degrees(np.arctan2(colours[..., 0] - luma, colours[..., 2] - luma)) % 360.0
    return (np.minimum(luma // PALETTE_LUMA_BIN, 256 // PALETTE_LUMA_BIN - 1).astype(int),
            np.minimum(angle // PALETTE_HUE_BIN, 360 // PALETTE_HUE_BIN - 1).astype(int))


def _in_palette(pixels, table) -> np.ndarray:
    """Whether each pixel (uint8, RGB on the last axis) is of a map's palette: its luma and
    hue bins in ``table`` (:func:`_map_palette`) and its chroma :data:`PALETTE_MIN_CHROMA` or
    more."""
    luma, hue = _luma_hue_bins(pixels)
    return table[luma, hue] & (_chroma(pixels) >= PALETTE_MIN_CHROMA)


def _palette_share(rgb, page, table, box) -> float:
    """The share of a box's inside (:data:`OUTLINE_INSET_PX` in from its outline) that is
    content (unlike the page, ``page`` float32 RGB) of the map's palette (:func:`_in_palette`)."""
    left, top, right, bottom = (int(round(v)) for v in box)
    inset = OUTLINE_INSET_PX
    window = (slice(max(top + inset, 0), max(bottom - inset, 0)),
              slice(max(left + inset, 0), max(right - inset, 0)))
    pixels = rgb[window]
    if pixels.size == 0:
        return 0.0
    inside = _page_difference(pixels, page) > PANEL_CONTRAST
    return float((inside & _in_palette(pixels, table)).mean())


def _chroma(pixels) -> np.ndarray:
    """The largest of each pixel's R, G, B less the smallest (float32, 0-255)."""
    return (pixels.max(axis=-1).astype(np.float32) - pixels.min(axis=-1))


#: The sides of a box by index, as warnings name them.
SIDE_NAMES = ("left", "top", "right", "bottom")


def _sparse_band(rgb, page, palette, box, index, colorbar_boxes=(), boxes=()) -> tuple:
    """A panel's side (0-3: left, top, right, bottom) walked out over sparse data beyond it.

    The panel's sides are its outermost rows (columns) its content fills for
    :data:`PANEL_EDGE_FILL`; a band of sparse data along a side (no-data cells drawn in the
    page's colour, a coast, rows of data between no-data rows) fills less, and the side was
    put where the map's colours become dense: 42-89 px inside the plot area on matplotlib
    maps with no spines, in silence. From the side outward, each line of pixels along the
    side is read (:func:`_band_line`): it is page when its content (colour or ink) fills
    :data:`SPARSE_GAP_SHARE` of it at most (a tick mark or two, JPEG's tints); data when
    :data:`SPARSE_DATA_SHARE` of its content is of the map's palette (:func:`_map_palette`)
    and it lies right against the map or the last data line, or fills
    :data:`SPARSE_FULL_SHARE` of the line, or makes :data:`SPARSE_MIN_RUNS` runs or more
    spread along the side (:data:`SPARSE_SPREAD_SHARE`) or on the band's data before the gap
    (:data:`SPARSE_OVERLAP_SHARE`): not a column through a frameless legend's patches.
    The walk goes on over data and over gaps of page up to :data:`SPARSE_MAX_GAP_SHARE` of the
    panel's extent and :data:`SPARSE_GAP_GROWTH` times the widest gap walked over before (data
    past a wider one is not walked: doubted), and stops at anything else (labels, a bar's
    outline: ink, off the palette), at a colorbar found beside the side, at the image's edge
    or :data:`SPARSE_MAX_WALK_SHARE` of the extent out (on data there, or against a bar, the
    side is kept, doubted: the band's end is not seen); the side is moved to the outer edge of
    the last data line (past lines filling under :data:`SPARSE_EDGE_LINE_SHARE` of the data
    lines' median, JPEG's ringing beyond the data's edge, left out). A box of dark lines
    across the side whose inside is not the map's colours (a legend dropped over the map's
    edge, QGIS's: its white inside and its labels, 43 px of the map's width beside them) hides
    the map along its span, which the lines leave out.

    Doubted (a warning naming the side): a walk that stopped right against data on a line
    whose palette's colours go on beyond it (data mixed with ink), or at its limit (the side
    kept), or before data past a gap wider than the band's; a side the walk left past a gap of
    page (or did not leave) with a line within the gap's reach beyond it filled for
    :data:`SPARSE_FULL_SHARE`, not of the palette (data too grey to tell from ink:
    dark_background's map); and a greyscale map's side (its data is not told from ink by its
    colour: not walked) when the second and third lines beyond it hold content on
    :data:`SPARSE_GREY_DOUBT_SHARE` of their length in :data:`SPARSE_MIN_RUNS` runs or more,
    or one within the gap's reach fills :data:`SPARSE_FULL_SHARE` of it (tick marks and labels
    fill less).

    Parameters
    ----------
    rgb : ndarray of uint8 (rows, cols, 3)
    page : ndarray of float32 (3,)
        The page's colour. Content is read from the figure, not :func:`find_panel`'s
        content mask, which has the page between a colorbar and the map (and a band of
        sparse data there) cleared.
    palette : tuple or None
        :func:`_map_palette`'s (None: nothing is walked).
    box : tuple of int (left, top, right, bottom)
        The panel's sides so far (right and bottom exclusive), pixels.
    index : int
    colorbar_boxes, boxes : sequence of (left, top, right, bottom)
        Colorbars found; boxes closed by dark lines.

    Returns
    -------
    side : int
        The side, moved or not (a pixel's start for left/top, its end otherwise).
    doubt : str
        A sentence saying why the side may lie further out, or "".
    """
    side = box[index]
    if palette is None:
        return side, ""
    table, chromatic = palette
    left, top, right, bottom = box
    if index in (0, 2):
        image, a0, a1, extent, size = rgb, top, bottom, right - left, rgb.shape[1]
        along_low, along_high, across_low, across_high = 1, 3, 0, 2
    else:
        image, a0, a1, extent, size = (rgb.transpose(1, 0, 2), left, right, bottom - top,
                                       rgb.shape[0])
        along_low, along_high, across_low, across_high = 0, 2, 1, 3
    inward = 1 if index in (0, 1) else -1
    if a1 - a0 < 20:
        return side, ""
    # A bar beside the side runs along it (a vertical one beside the left or right side); a
    # "bar" across the side, in the band, is a column (row) of the sparse data itself.
    bars = [bar for bar in colorbar_boxes
            if bar[along_high] - bar[along_low] > bar[across_high] - bar[across_low]
            and min(bar[along_high], a1) > max(bar[along_low], a0)]
    lines, at_image_edge = [], False
    for step in range(int(SPARSE_MAX_WALK_SHARE * extent)):
        line = (side - 1 if inward == 1 else side) - inward * step
        at_image_edge = not 0 <= line < size
        if at_image_edge or \
                any(bar[across_low] - 1 <= line <= bar[across_high] for bar in bars):
            break
        lines.append(line)
    # The spans along the side that a box across it hides (a legend over the map's edge, its
    # inside mostly not the map's colours: a box closed by dark data, a column of viridis'
    # purple in the band, is the map).
    seen = np.ones(a1 - a0, bool)
    for other in boxes:
        if other[across_low] < side < other[across_high] and \
                a0 < other[along_low] and other[along_high] < a1 and \
                _palette_share(rgb, page, table, other) < HIDING_BOX_PALETTE_SHARE:
            seen[max(int(other[along_low]) - 1 - a0, 0):
                 max(int(np.ceil(other[along_high])) + 2 - a0, 0)] = False
    if seen.sum() < 20 or not lines:
        return side, ""
    readings = {}

    def read(step):
        if step not in readings:
            readings[step] = _band_line(image[a0:a1, lines[step]][seen], page, table)
        return readings[step]

    max_gap = max(2, int(SPARSE_MAX_GAP_SHARE * extent))
    doubt = f"The map's {SIDE_NAMES[index]} side may lie further out than found: sparse " \
        "data runs beyond it"

    def content_beyond(first, sparse):
        # Content beyond a side the walk did not follow, from ``first`` (the step of the
        # line right beyond the side): a line within the gap's reach filled as the map is
        # (labels fill less), or, ``sparse``, the second and third lines out holding content
        # in many runs (the first is the map's edge blurred: a JPEG's ringing fills 15 % of
        # it in as many runs as the map's colours change). Tick labels 3-4 px below a
        # map at 60 dpi (classic's inward ticks) fill those lines so, told from data by
        # their colour only: ``sparse`` is for a greyscale map, whose ink is its colours.
        near = sparse and len(lines) >= first + 3 and all(
            read(step).share >= SPARSE_GREY_DOUBT_SHARE and read(step).runs >= SPARSE_MIN_RUNS
            for step in (first + 1, first + 2))
        return near or any(read(step).share >= SPARSE_FULL_SHARE
                           for step in range(first, min(first + max_gap + 1, len(lines))))

    unfollowed = (" (a line beyond filled as the map is, not of its colours: data too grey "
                  "to tell from ink, not followed). Check PLOT_AREA.")
    if not chromatic:
        if content_beyond(0, sparse=True):
            return side, doubt + (" (a greyscale map: its colours are not told from ink, so "
                                  "the side was not followed out). Check PLOT_AREA.")
        return side, ""
    data, gap, stop = [], 0, None
    # The data lines' pixels of the palette so far, grown along the side by
    # :data:`SPARSE_OVERLAP_PX`: where a line past a gap continues the band's data.
    band = np.zeros(int(seen.sum()), bool)
    # The widest gap walked over so far: the band's own spacing.
    widest, far = 0, False
    for step in range(len(lines)):
        line = read(step)
        if line.share <= SPARSE_GAP_SHARE:
            gap += 1
            if gap > max_gap:
                break
            continue
        # Right against the map (or the last data line) the data goes on, in however few
        # runs (a coast's sea); past a gap of page it must look like data on its own: the
        # map's colours in many runs spread along the side, or on the band's data before
        # the gap (a column through a frameless legend's patches is neither).
        if line.ours >= SPARSE_DATA_SHARE and (
                gap == 0 or line.share >= SPARSE_FULL_SHARE
                or line.palette_runs >= SPARSE_MIN_RUNS
                and (line.palette_span >= SPARSE_SPREAD_SHARE
                     or _overlap(line.palette, band) >= SPARSE_OVERLAP_SHARE)):
            if widest and gap > SPARSE_GAP_GROWTH * widest:
                # Data past a gap wider than the band's: another thing's, or the band's
                # beyond a wider stretch of no data; not walked, doubted.
                far = True
                break
            widest = max(widest, gap)
            data.append(step)
            band |= _grown(line.palette, SPARSE_OVERLAP_PX)
            gap = 0
            continue
        # Something else: ink (labels, an outline), the palette's colours in one or two runs
        # past a gap (a bar or a legend's patch not found), or data mixed with ink.
        stop = step if gap == 0 else None
        break
    else:
        # Data up to the walk's end: the image's edge (the map cut by the crop, its side the
        # image's, shown) or, unsure, the walk's limit or a bar.
        stop = len(lines) if gap == 0 and not at_image_edge else None
    if not data:
        # Nothing followed past a gap (a walk stopped right against the side stopped on its
        # frame line or ink): a line beyond as full as the map's is data the palette does not
        # hold (magma's near-black end, RdBu's white-to-grey middle: chroma under
        # :data:`PALETTE_MIN_CHROMA`; dark_background's map).
        if stop is None and content_beyond(0, sparse=False):
            return side, doubt + unfollowed
        return side, ""
    # A JPEG's chroma rings a pixel or two past the data's outer edge in the palette's hues
    # (turbo at 80 dpi, quality 75: a line 16 % filled beyond the band's 36-52 %): the
    # outermost lines filling less than :data:`SPARSE_EDGE_LINE_SHARE` of the data lines'
    # median are no data.
    typical = float(np.median([read(step).share for step in data]))
    while len(data) > 1 and read(data[-1]).share < SPARSE_EDGE_LINE_SHARE * typical:
        data.pop()
    # Unsure when the palette's colours go on beyond where the walk stopped right against the
    # data (data mixed with ink there), or the walk ended on data short of the image's edge
    # (past a gap of page, what stopped the walk is another thing's: a bar's outline, its
    # colours beyond). A frame line
    # the data ran up to (QGIS's hairline, anti-aliased with the map's colours) has the page
    # beyond.
    beyond = [] if stop is None else [read(step) for step in (stop + 1, stop + 2)
                                      if step < len(lines)]
    unsure = any(line.share > SPARSE_GAP_SHARE and line.ours >= 1.0 - SPARSE_DATA_SHARE
                 for line in beyond)
    if stop == len(lines):
        # Data up to the walk's limit or a bar: where the band ends is not seen, and a side
        # moved that far out may be another thing's; it stays, doubted.
        return side, doubt + ". Check PLOT_AREA."
    moved = lines[data[-1]] if inward == 1 else lines[data[-1]] + 1
    if stop is None and content_beyond(data[-1] + 1, sparse=False):
        return moved, doubt + unfollowed
    return moved, (doubt + ". Check PLOT_AREA." if unsure or far else "")


@dataclass
class _BandLine:
    """A line of pixels beyond a panel's side as :func:`_sparse_band` reads it.

    Attributes
    ----------
    share : float
        The share of its pixels that are content: unlike the page (:data:`PANEL_CONTRAST`)
        and of colour (chroma :data:`PALETTE_MIN_CHROMA` or more) or ink (luma more than
        :data:`RINGING_LUMA` from the page's); a JPEG's faint tints of the page round
        narrow data are page.
    ours : float
        The share of its content of the map's palette (0 when it has none).
    palette_runs, runs : int
        Its runs of the palette's colours; of content.
    palette : ndarray of bool
        Its pixels of the palette's colours.
    palette_span : float
        The share of its length from its first pixel of the palette to its last (0 when it
        has none).
    """

    share: float
    ours: float
    palette_runs: int
    runs: int
    palette: np.ndarray
    palette_span: float


def _grown(mask, pixels) -> np.ndarray:
    """A line's mask (ndarray of bool) grown by ``pixels`` both ways along it."""
    from scipy import ndimage

    return ndimage.binary_dilation(mask, iterations=pixels) if mask.any() else mask


def _overlap(mask, band) -> float:
    """The share of a line's pixels in ``mask`` that lie in ``band`` (0 when it has none)."""
    return float(band[mask].mean()) if mask.any() else 0.0


def _band_line(pixels, page, table) -> "_BandLine":
    """A line of pixels (uint8 (length, 3)) read for :func:`_sparse_band`."""
    from .lines import luma_of, true_runs

    content = _page_difference(pixels, page) > PANEL_CONTRAST
    picked = pixels[content]
    luma_off = np.abs(luma_of(picked, np.float32) - float(luma_of(page)))
    content[content] = (_chroma(picked) >= PALETTE_MIN_CHROMA) | (luma_off > RINGING_LUMA)
    ours = np.zeros(content.size, bool)
    if not content.any():
        return _BandLine(0.0, 0.0, 0, 0, ours, 0.0)
    ours[content] = _in_palette(pixels[content], table)
    where = np.flatnonzero(ours)
    span = (where[-1] - where[0] + 1) / ours.size if where.size else 0.0
    return _BandLine(float(content.mean()), float(ours.sum() / content.sum()),
                     len(true_runs(ours)), len(true_runs(content)), ours, float(span))


#: Pixels from the image's edge within which a panel's side is at the edge.
PANEL_EDGE_MARGIN = 2


def _sides_off_image(content, box) -> list:
    """The sides (0-3: left, top, right, bottom) of a panel's box that run to the image's
    edge: within :data:`PANEL_EDGE_MARGIN` px of it with no row (column) of the page
    between. A figure cropped tight round its ink (``savefig(bbox_inches="tight",
    pad_inches=0)``) has the map's top a pixel or two below the edge when a label stands
    above it, with the page's row or two beyond (a JPEG's ringing or the spine's
    anti-aliasing blurs its edge into one): that side does not run off."""
    rows, cols = content.shape
    left, top, right, bottom = box
    beyond = {}
    if left <= PANEL_EDGE_MARGIN:
        beyond[0] = content[top:bottom, :left].T
    if top <= PANEL_EDGE_MARGIN:
        beyond[1] = content[:top, left:right]
    if right >= cols - PANEL_EDGE_MARGIN:
        beyond[2] = content[top:bottom, right:].T
    if bottom >= rows - PANEL_EDGE_MARGIN:
        beyond[3] = content[bottom:, left:right]
    # Each line beyond the side, from the edge in: the page when the content fills little
    # of it (ticks and labels stand there).
    return [index for index, lines in beyond.items()
            if lines.shape[0] == 0 or not (lines.mean(axis=1) <= BAR_GAP_CONTENT).any()]


def _edge_sides_are_map(content, box) -> bool:
    """Whether a panel's box is a plot area as far as the image's edges go: no side runs to
    the edge (:func:`_sides_off_image`), or one only. The map's colours (or its spine's)
    then reach that edge, with no line of the page between: the map's top spine on the
    image's first row, or the map cut by the crop (``bbox_inches="tight", pad_inches=0``
    with no label above a map whose bar is below it, or a crop into the ink); the side is
    the image's edge, the plot area shown. The three other sides have the page beyond them,
    where the labels stand: a plot area's. Two sides or more at the edge leave too little of
    the page round the region to tell it from the image itself (a map with no margin)."""
    return len(_sides_off_image(content, box)) <= 1


def _filled_sides(content, region, span, first_axis):
    """A panel's sides (left, top, right, bottom) within the region's ``span``: its outermost
    rows and columns that the region's content fills for more than :data:`PANEL_EDGE_FILL`,
    found three times over. With ``first_axis`` None both are narrowed together within the
    last box; with 0 (rows first) or 1 (columns first) each axis is sought over the whole
    span, across the other axis' sides just found. None when no row or column is filled."""
    sides = list(span)
    for _ in range(3):
        found = {}
        for axis in ((0, 1) if first_axis is None else (first_axis, 1 - first_axis)):
            # Rows (axis 0) are the sides top and bottom, sought across the columns left to
            # right; columns the reverse.
            low, high = (1, 3) if axis == 0 else (0, 2)
            across = (sides[0], sides[2]) if axis == 0 else (sides[1], sides[3])
            along = (sides[low], sides[high]) if first_axis is None else (span[low], span[high])
            filled = _filled_range(content, region, axis, along, across)
            if filled is None:
                return None
            found[axis] = filled
            if first_axis is not None:
                sides[low], sides[high] = filled
        if first_axis is None:
            (sides[1], sides[3]), (sides[0], sides[2]) = found[0], found[1]
    return tuple(sides)


def _filled_range(content, region, axis, along, across):
    """The first and last (exclusive) rows (``axis`` 0) or columns (1) within ``along``
    (start, stop) that the region's content fills for more than :data:`PANEL_EDGE_FILL` across
    ``across`` (start, stop) of the other axis; None when none is."""
    (start, stop), (first, last) = along, across
    if axis == 0:
        block = content[start:stop, first:last] & region[start:stop, first:last]
    else:
        block = content[first:last, start:stop] & region[first:last, start:stop]
    filled = np.flatnonzero(block.mean(axis=1 - axis) > PANEL_EDGE_FILL)
    if filled.size == 0:
        return None
    return start + int(filled[0]), start + int(filled[-1]) + 1


#: Pixels compared with the page at a time by :func:`find_panel`.
PANEL_BLOCK_PIXELS = 1 << 18


def _page_difference(pixels, page) -> np.ndarray:
    """The largest of a pixel's R, G, B differences from the page's (float32, 0-255), over
    the last axis of ``pixels`` (uint8); ``page`` float32 of 3."""
    return np.abs(pixels.astype(np.float32) - page).max(axis=-1)


#: Pixels deeper into the map a panel's side's level is also looked for at (see
#: :func:`_panel_edge`).
PANEL_DEEPER_PX = 3


def _across_side(rgb, box, index, samples):
    """A panel's side (0-3: left, top, right, bottom) as its side functions read it.

    Returns
    -------
    image : numpy.ndarray
        ``rgb`` turned so that its rows run across the side (rows for top and bottom,
        columns for left and right).
    along : numpy.ndarray of int
        ``samples`` positions along the side's middle 80 %, pixels.
    side : int
        The side's coordinate, the box's rounded to a whole pixel.
    """
    left, top, right, bottom = (int(round(v)) for v in box)
    horizontal = index in (1, 3)
    image = rgb if horizontal else rgb.transpose(1, 0, 2)
    start, end = (left, right) if horizontal else (top, bottom)
    along = np.linspace(start + 0.1 * (end - start), end - 0.1 * (end - start),
                        samples).astype(int)
    return image, along, (left, top, right, bottom)[index]


def _panel_edge(rgb, page, box, index, samples=61):
    """Where a panel's side lies, to a fraction of a pixel: across the side, where the
    difference from the page rises to half the map's just inside it (3-5 px in; 6-8 px in
    where a light line crosses those, :data:`PANEL_DEEPER_PX`), found from the outside
    inward and interpolated between pixels (a pixel half covered by the map, or blurred by
    JPEG, is half way); the median over positions along the side (its
    middle 80 %) where the map inside is even and differs clearly from the page. None
    when too few positions do."""
    image, along, edge = _across_side(rgb, box, index, samples)
    inward = 1 if index in (0, 1) else -1
    # Pixel rows (columns) from 5 px inside the side to 3 px outside it, inside first; the
    # side's own coordinate is `edge` (a pixel's start) for left/top, `edge` (a pixel's end)
    # for right/bottom.
    first_inside = edge if inward == 1 else edge - 1
    offsets = np.arange(5 + PANEL_DEEPER_PX, -4, -1)
    pixels = first_inside + inward * offsets
    # A side a pixel or two from the image's edge (a figure cropped tight, a JPEG's ringing
    # unlike the page in the rows beyond the map's top) has fewer pixels outside it: those
    # on the image are used, one at least.
    beyond_image = (offsets < 0) & ((pixels < 0) | (pixels >= image.shape[0]))
    if beyond_image.any():
        if beyond_image.sum() >= 3:
            return None
        offsets, pixels = offsets[~beyond_image], pixels[~beyond_image]
    deeper = pixels.min() >= 0 and pixels.max() < image.shape[0]
    if not deeper:
        offsets, pixels = offsets[PANEL_DEEPER_PX:], pixels[PANEL_DEEPER_PX:]
        if pixels.min() < 0 or pixels.max() >= image.shape[0]:
            return None
    found = []
    for position in along:
        profile = _page_difference(image[pixels, position], page).astype(float)
        # The map's level 3-5 px in; or, where a light line crosses those pixels, 6-8 px in:
        # JPEG's ringing beyond a map's edge is unlike the page up to 3 px out, and so in
        # the region, and a white grid line at a tick on the side (seaborn's) then lies
        # 3-5 px inside the region's side. Searched from the outside inward as before.
        windows = [profile[PANEL_DEEPER_PX:PANEL_DEEPER_PX + 3], profile[:3]] if deeper \
            else [profile[:3]]
        for inner in windows:
            level = float(np.median(inner))
            if level >= 3 * PANEL_CONTRAST and np.ptp(inner) <= 0.25 * level:
                break
        else:
            continue
        half = 0.5 * level
        # From outside inward (a light grid line along the side, just inside it, is a dip
        # the map's edge lies beyond): k - 1 the first pixel over half the map's level.
        above = np.flatnonzero(profile[::-1] >= half)
        k = profile.size - int(above[0])
        if k >= profile.size:  # the outermost pixel is map already: no edge seen
            continue
        share = (profile[k - 1] - half) / max(profile[k - 1] - profile[k], 1e-6)
        # Pixel k-1's centre is at offset offsets[k - 1] + 0.5 inward of the side's pixel edge.
        distance_in = offsets[k - 1] + 0.5 - share  # from `first_inside`'s outer edge, inward
        found.append(edge + inward * distance_in if inward == 1 else edge - distance_in)
    if len(found) < 0.25 * samples:
        return None
    return float(np.median(found))


#: Largest difference (luma, 0-255) from a row's median of the pixels along a spine's row
#: (the side's middle 80 %), and from the spine's level, of a row taken as the spine: one
#: colour up to JPEG's noise (q50 moves a light grey by up to ±8 in luma).
SPINE_SPREAD = 12.0
#: Least share of a spine row's pixels within :data:`SPINE_SPREAD` of its median (a map's
#: colours along the side spread further).
SPINE_EVEN_SHARE = 0.8
#: Least luma difference (0-255) from the page of a spine row of ink: a pixel darker than
#: 45 % of a white page's luma (:func:`.lines.dark_mask`), or as much lighter than a black one.
INK_SPINE_CONTRAST = 0.55 * 255.0


#: Largest difference (pixels) of a side's spine width from the others' for its inner edge to
#: be taken as its own.
SPINE_WIDTH_AGREEMENT = 1.0
#: Farthest (pixels) a spine's outer edge lies inside a panel's box (where the content
#: begins: a JPEG's ringing or a pixel the spine covers in part beyond it).
SPINE_MAX_INSET_PX = 2.0


def _spine_centres(rgb, page_rgb, box, max_thickness) -> "list | None":
    """The centres of a panel's four spines (left, top, right, bottom; pixel coordinates), or
    None when the panel has no spine of one colour and width on three sides or more.

    A style draws its spines in one colour and width: each side's first run of even rows
    (:func:`_spine_run`) counts when its level agrees with the others' (a run of the map's own
    even colour, Antarctica along a bottom side, is none), and two or more of those agree on a
    width. A side whose run is wider runs on into the map's colours of the spine's luma
    (cividis' light end next to bmh's grey): its spine is placed the common width in from its
    outer edge, which the page shows well. A side with no line at that level gives None (its
    map's edge is found as a panel's without a spine).
    """
    runs = [_spine_run(rgb, page_rgb, box, index, max_thickness) for index in range(4)]
    unseen = [run is None for run in runs]
    found = [run for run in runs if run is not None]
    if len(found) < 3:
        return None
    level = float(np.median([run[2] for run in found]))
    # Again at that level: a one-pixel line next to an even stretch of the map is read as a
    # pixel the map's "line" covers in part when its level is not known.
    runs = [_spine_run(rgb, page_rgb, box, index, max_thickness, level) for index in range(4)]
    # A spine is the panel's outermost thing: its outer edge at the box's side, where the
    # content begins. A run beginning further in is an even stretch of the map past a few
    # of its own columns (coolwarm's pale sea along a ggplot map's west side, 3 px in: with
    # the even pale columns along two other sides it made a "spine" 2 px wide, and the
    # side was put 5 px in).
    inset = [None if run is None else run[0] - (1 if index in (0, 1) else -1) * box[index]
             for index, run in enumerate(runs)]
    agreeing = [run is not None and abs(run[2] - level) <= SPINE_SPREAD
                and inset[index] <= SPINE_MAX_INSET_PX for index, run in enumerate(runs)]
    if sum(agreeing) < 3:
        return None
    # A style's spines are drawn on all four sides: a side with no even line along it at
    # any level, the page right beyond it (no crop cut its spine off, no bar or label lies
    # against it), shows the panel has none, and the even runs on the others are the map's
    # own edge colours (coolwarm's pale sea and land along three sides of a ggplot map,
    # whose white spines on the white page do not show: the left side put 3 px in). Unless
    # the runs stand apart from the map just inside them on two sides or more
    # (:func:`_run_stands_apart`): they are lines then, not the map's colours going on
    # (ggplot's white edge line 5.5 px wide at 400 dpi over a dark map leaves a pixel of
    # 220 in luma against the map's 100-126 on three sides: dropping those put the frame
    # 0.36 px out, its light line read 5.86 px for 5.5, and the x ticks 2.3 px off).
    if any(unseen[index] and _page_beyond(rgb, page_rgb, box, index) for index in range(4)) \
            and sum(ok and _run_stands_apart(rgb, box, index, runs[index])
                    for index, ok in enumerate(agreeing)) < 2:
        return None
    widths = np.array([run[1] - run[0] for run, ok in zip(runs, agreeing)
                       if ok and run[1] is not None])
    if widths.size < 2:
        return None
    width = float(np.median(widths))
    if np.sum(np.abs(widths - width) <= SPINE_WIDTH_AGREEMENT) < 2:
        return None
    centres = []
    for index, (run, ok) in enumerate(zip(runs, agreeing)):
        if not ok:
            centres.append(None)
            continue
        outer, inner, _ = run
        if inner is None or abs(inner - outer - width) > SPINE_WIDTH_AGREEMENT:
            inner = outer + width
        inward = 1 if index in (0, 1) else -1
        centres.append(float(inward * 0.5 * (outer + inner)))
    return centres


def _run_stands_apart(rgb, box, index, run, samples=101) -> bool:
    """Whether a side's spine run (:func:`_spine_run`'s (outer edge, inner edge, luma level)
    on side ``index``, 0-3: left, top, right, bottom) ends against the map: the pixel row
    (column) just inside its inner edge, along the side's middle 80 %, has a median luma more
    than :data:`SPINE_SPREAD` from the run's level. A run whose level goes on past
    ``max_thickness`` (no inner edge), or into the next row, is the map's own even colour
    there: False."""
    from .lines import luma_of

    outer, inner, level = run
    if inner is None:
        return False
    image, along, _ = _across_side(rgb, box, index, samples)
    # The inner edge in inward coordinates: the next row's start (left, top) or, negated,
    # the last row's start (right, bottom).
    beyond = int(round(inner)) if index in (0, 1) else -int(round(inner)) - 1
    if not 0 <= beyond < image.shape[0]:
        return False
    luma = luma_of(image[beyond, along])
    return bool(abs(float(np.median(luma)) - level) > SPINE_SPREAD)


#: Pixels just outside a panel's side looked at by :func:`_page_beyond`.
PAGE_BEYOND_PX = 2
#: Least share of those pixels like the page (luma within :data:`PANEL_CONTRAST`) for the
#: page to lie beyond the side (a tick mark crosses it here and there).
PAGE_BEYOND_SHARE = 0.8


def _page_beyond(rgb, page_rgb, box, index, samples=101) -> bool:
    """Whether the page lies right beyond one of a panel's sides (0-3: left, top, right,
    bottom): the :data:`PAGE_BEYOND_PX` pixel rows (columns) just outside its box, along the
    side's middle 80 %, each like the page at :data:`PAGE_BEYOND_SHARE` of its positions. A
    side within :data:`PANEL_EDGE_MARGIN` px of the image's edge (a crop may have cut its
    spine off) has no such rows: False."""
    from .lines import luma_of

    image, along, side = _across_side(rgb, box, index, samples)
    outward = -1 if index in (0, 1) else 1
    first_outside = side - 1 if outward == -1 else side
    rows = first_outside + outward * np.arange(PAGE_BEYOND_PX)
    if min(rows.min(), image.shape[0] - 1 - rows.max()) < PANEL_EDGE_MARGIN:
        return False
    page = float(luma_of(page_rgb, np.float32))
    luma = luma_of(image[rows][:, along])
    return bool((np.mean(np.abs(luma - page) <= PANEL_CONTRAST, axis=1)
                 >= PAGE_BEYOND_SHARE).all())


def _spine_run(rgb, page_rgb, box, index, max_thickness, level=None, samples=101):
    """A line of one colour, unlike the page, along one of a panel's sides, as (outer edge,
    inner edge, luma level); the edges are in pixels inward (the pixel coordinate for the
    left and top sides, its negative for the right and bottom ones), the inner one None when
    the line's level runs on beyond ``max_thickness`` (into the map's colours of its luma, or
    an even band of the map). None when the first rows inside vary along the side as a map
    does.

    Across the side, from 3 px outside the panel's box to ``max_thickness`` + 2 px inside,
    each row (column) along the side's middle 80 % gives its median luma and whether it is
    even. The line begins at the first even row unlike the page; its level is that row's, or
    the next two rows' when the first lies between the page and them (a pixel the line
    covers in part); it goes on while the rows are even and at its level. Its outer edge is where each
    pixel's coverage, read from its luma between the page and that level, puts it; its inner
    edge is the end of its last row (the map beyond differs along the side, so no coverage
    is read there). With ``level`` (the luma the other sides' lines show) the line's first
    full row is the first or second row at that level. Measured in luma: JPEG keeps a grey's luma but
    mixes its chroma with the map's beside it (4:2:0 subsampling shares one chroma sample
    between two pixels), and at 400 dpi the spine is 4-5 px wide: its outer edge alone put
    the frame 3 px out.
    """
    from .lines import luma_of

    image, along, side = _across_side(rgb, box, index, samples)
    page = float(luma_of(page_rgb, np.float32))
    inward = 1 if index in (0, 1) else -1
    # Pixel rows from outside inward; `side` is a pixel's start (left/top) or end.
    first_inside = side if inward == 1 else side - 1
    rows = first_inside + inward * np.arange(-3, max_thickness + 3)
    if rows.min() < 0 or rows.max() >= image.shape[0]:
        return None
    levels, even = [], []
    for row in rows:
        pixels = luma_of(image[row, along])
        median = float(np.median(pixels))
        levels.append(median)
        even.append(np.mean(np.abs(pixels - median) <= SPINE_SPREAD) >= SPINE_EVEN_SHARE)
    levels = np.array(levels)
    unlike_page = np.abs(levels - page) > PANEL_CONTRAST
    candidates = np.flatnonzero(np.array(even) & unlike_page)
    if candidates.size == 0 or candidates[0] == 0:
        return None
    first_full = run_start = int(candidates[0])
    if level is not None:
        # The level the other sides' lines show: this row's or the next one's.
        at = [k for k in (run_start, run_start + 1)
              if k < rows.size and even[k] and abs(levels[k] - level) <= SPINE_SPREAD]
        if not at:
            return None
        first_full = at[0]
    elif run_start + 2 < rows.size and even[run_start + 1] and even[run_start + 2] and \
            abs(levels[run_start + 1] - levels[run_start]) > SPINE_SPREAD and \
            abs(levels[run_start + 2] - levels[run_start + 1]) <= SPINE_SPREAD and \
            abs(levels[run_start] - page) < abs(levels[run_start + 1] - page):
        # A pixel the line covers in part, between the page and a line two rows or more
        # thick (a one-row "line" beyond it is the map's edge, its colour even there).
        first_full += 1
    elif run_start + 1 < rows.size and even[run_start + 1] and \
            abs(levels[run_start + 1] - page) > INK_SPINE_CONTRAST and \
            abs(levels[run_start] - page) < abs(levels[run_start + 1] - page) - SPINE_SPREAD:
        # Or between the page and a one-row line of ink (classic's and the default style's
        # black spine, 1.4 px at 100 dpi: a grey pixel of 205 beyond a black one), which no
        # map's even edge row is mistaken for: the grey was taken for the spine, the side
        # a pixel out (2.0 px from matplotlib's axes).
        first_full += 1
    level = float(levels[first_full])
    if abs(level - page) <= 2 * PANEL_CONTRAST:
        return None
    run_end = first_full
    while run_end + 1 < rows.size and even[run_end + 1] and \
            abs(levels[run_end + 1] - level) <= SPINE_SPREAD:
        run_end += 1
    # The outer edge: the pixels before the first full row cover part of theirs each (the
    # page's own noise further out is not coverage).
    coverage = np.clip((page - levels[run_start - 1:first_full]) / (page - level), 0.0, 1.0)
    # Offsets from the outer side of rows[0]; rows[0] starts at rows[0] (left, top) or ends at
    # rows[0] + 1 (right, bottom): in inward coordinates both are inward * that.
    origin = float(rows[0]) if inward == 1 else -float(rows[0] + 1)
    outer = origin + first_full - float(coverage.sum())
    inner = origin + run_end + 1.0
    if run_end + 1 >= rows.size or run_end - first_full + 1 > max_thickness:
        inner = None  # on into the map's colours of its luma, or an even band of the map
    return outer, inner, level

