"""Long straight dark lines in a figure, and the rectangles they close.

Frames of map panels and colorbar outlines are drawn as thin dark lines on a light page. They
are found by luminance contrast, never by colour: JPEG's chroma bleed turns thin black lines dark
red, and a colormap's own dark colours (magma, viridis' low end) may touch the frame from the
inside. A line pixel is a dark pixel on the boundary of a dark region across the line (the page
side of a frame line is light even where the data side is dark), so a frame is found whatever
colours it encloses.
"""
from dataclasses import dataclass

import numpy as np

from ..cancellation import check as check_cancelled

# Rec. 709 luma weights, on the stored (gamma-encoded) values: what "dark" means on a page.
LUMA_WEIGHTS = np.array([0.2126, 0.7152, 0.0722], dtype=np.float32)


def luma_of(colours, dtype=None) -> np.ndarray:
    """Luma of colours, the same bits on every machine.

    Parameters
    ----------
    colours : array_like (..., 3)
        sRGB values, 0-255 (or differences of such values).
    dtype : numpy float dtype, optional
        Of the arithmetic and of the result; by default the type a matrix product with the
        float32 weights would give (float32 for bytes, float64 for float64 colours).

    Returns
    -------
    ndarray (...)
        Luma, 0-255 for colours (signed for differences).

    Notes
    -----
    Channel by channel, with element-wise products and sums in a fixed order, never a matrix
    product: numpy hands a product to BLAS, whose kernel OpenBLAS picks by the CPU, and the
    kernels round (and fuse) the sum of three products differently. A luma one ulp apart then
    crosses a grey level of a label's crop or a contrast threshold: from the same figure,
    Tesseract read a colorbar's '2250' as '2290' on OpenBLAS's Zen kernel and right on its
    Haswell kernel, and a legend's labels went unread.
    """
    colours = np.asarray(colours)
    dtype = np.result_type(colours.dtype, LUMA_WEIGHTS.dtype) if dtype is None else dtype
    weights = LUMA_WEIGHTS.astype(dtype)
    luma = colours[..., 0].astype(dtype) * weights[0]
    luma = luma + colours[..., 1].astype(dtype) * weights[1]
    return luma + colours[..., 2].astype(dtype) * weights[2]


@dataclass
class Segment:
    """A straight dark line, horizontal or vertical.

    Attributes
    ----------
    position : float
        Centre of the line across its direction (y for a horizontal line, x for a vertical
        one), pixel coordinates.
    start, end : float
        Its extent along its direction (pixel edges, start < end).
    thickness : float
        Dark pixels across the line (0 when the line borders a dark region on one side).
    horizontal : bool
    """

    position: float
    start: float
    end: float
    thickness: float
    horizontal: bool

    @property
    def length(self) -> int:
        return self.end - self.start


@dataclass
class Rectangle:
    """A box closed by four dark lines; sides at the lines' centres (pixel coordinates)."""

    left: float
    top: float
    right: float
    bottom: float

    @property
    def width(self) -> int:
        return self.right - self.left

    @property
    def height(self) -> int:
        return self.bottom - self.top

    @property
    def area(self) -> int:
        return self.width * self.height

    def as_tuple(self) -> tuple:
        return (self.left, self.top, self.right, self.bottom)

    def pixel_box(self) -> tuple:
        """Whole pixels the box touches, its lines included: (col0, row0, col1, row1)."""
        return (int(np.floor(self.left)), int(np.floor(self.top)), int(np.ceil(self.right)),
                int(np.ceil(self.bottom)))

    def contains(self, other, margin=0.0) -> bool:
        return (other.left >= self.left - margin and other.right <= self.right + margin
                and other.top >= self.top - margin and other.bottom <= self.bottom + margin)


#: Pixels whose luma is computed at a time: bounds the float32 copy of their bytes the
#: product is taken on (12 bytes a pixel: 3 MiB) whatever the figure's size; a copy of the
#: whole figure would be 12 bytes a figure pixel beside the 4 of the luma itself.
LUMA_BLOCK_PIXELS = 1 << 18


def luminance(rgb) -> np.ndarray:
    """Luma (0-255, float32) of an sRGB image (rows, cols, 3), computed a block of rows at a
    time (each pixel's luma is :func:`luma_of` its colour: the same values, bit for bit)."""
    rows, cols = rgb.shape[:2]
    lum = np.empty((rows, cols), np.float32)
    step = max(1, LUMA_BLOCK_PIXELS // max(cols, 1))
    for first in range(0, rows, step):
        check_cancelled()  # most of a second on ten megapixels, before the layout's first step
        lum[first:first + step] = luma_of(rgb[first:first + step])
    return lum


def page_luminance(lum) -> float:
    """Luma of the page: the median of the image's outermost rows and columns."""
    border = np.concatenate([lum[0], lum[-1], lum[:, 0], lum[:, -1]])
    return float(np.median(border))


def dark_mask(lum, page=None) -> bool:
    """Pixels that contrast with the page like ink: darker than 45 % of a light page's luma.

    A dark page (rare: slides) has light lines; the mask then holds pixels lighter than the page
    by the same share of the remaining range.
    """
    page = page_luminance(lum) if page is None else page
    if page >= 128:
        return lum < 0.45 * page
    return lum > page + 0.55 * (255.0 - page)


#: Least darkness (share of the page's luma) of each pixel of a pair taken as one line drawn
#: between them (:func:`with_split_lines`), and least darkness of the two together: a black
#: pixel's 0.55 (:func:`dark_mask`) and more, so that a light grey grid line two pixels
#: wide (matplotlib's #b0b0b0: 0.31 each, 0.62 together) stays out.
SPLIT_LINE_PIXEL_DARKNESS = 0.25
SPLIT_LINE_PAIR_DARKNESS = 0.7


def with_split_lines(dark, lum, page) -> np.ndarray:
    """The dark mask with the pixel pairs of hairlines drawn between two pixels.

    A line about a pixel wide whose centre falls on a pixel edge is drawn as two grey pixels,
    neither dark (QGIS's 0.3 mm map frame at 96 dpi: luma 147 and 172 beside each other on a
    white page, three quarters of a black pixel's ink together): the frame was found with
    three sides, and the largest box closed was a legend's inside the map (sweep_qgis_layouts
    184 #4). Two pixels side by side across a line, each at least
    :data:`SPLIT_LINE_PIXEL_DARKNESS` of the page's luma darker than the page and together
    :data:`SPLIT_LINE_PAIR_DARKNESS`, with a lighter pixel beside them on one side at least,
    are both marked. For finding the lines that close boxes
    only: tick marks, labels and colorbars keep the plain mask.

    Parameters
    ----------
    dark : ndarray of bool (rows, cols)
        :func:`dark_mask` of ``lum``.
    lum : ndarray of float (rows, cols)
        Luma, 0-255, a dark page's turned over.
    page : float
        The page's luma (light).

    Returns
    -------
    ndarray of bool (rows, cols)
    """
    out = dark.copy()
    for across in (1, 0):  # pairs along rows (vertical lines), then along columns
        darkness = np.moveaxis(page - np.asarray(lum, np.float32), across, 0)
        part = darkness > SPLIT_LINE_PIXEL_DARKNESS * page
        pair = part[:-1] & part[1:] & \
            (darkness[:-1] + darkness[1:] > SPLIT_LINE_PAIR_DARKNESS * page)
        # The page on one side at least: a line's, not two pixels inside a region of
        # mid-dark colours (the map's), whose pairs would all pass.
        light = ~part
        beside = np.zeros_like(pair)
        beside[1:] |= light[:-2]
        beside[:-1] |= light[2:]
        pair &= beside
        marked = np.moveaxis(out, across, 0)  # a view: marks out itself
        marked[:-1] |= pair
        marked[1:] |= pair
    return out


def _runs(mask, min_length):
    """Runs of True along axis 1: arrays (row, start, end) with end exclusive."""
    rows, cols = mask.shape
    padded = np.zeros((rows, cols + 2), dtype=bool)
    padded[:, 1:-1] = mask
    # Each padded row starts and ends False, so its changes alternate start, end: one pass
    # over the flattened changes finds both (two 2-D nonzero calls took six times as long at
    # 12 MP, where this runs six times per figure).
    changes = np.flatnonzero(padded[:, 1:] != padded[:, :-1])
    starts, ends = changes[0::2], changes[1::2]
    start_rows, starts = np.divmod(starts, cols + 1)
    ends = ends - start_rows * (cols + 1)
    keep = ends - starts >= min_length
    return start_rows[keep], starts[keep], ends[keep]


def find_segments(dark, min_length, max_thickness) -> list:
    """Horizontal and vertical dark lines at least ``min_length`` pixels long.

    Parameters
    ----------
    dark : ndarray of bool (rows, cols)
    min_length : int
        Shortest line kept, pixels.
    max_thickness : int
        Thickest line expected, pixels: runs on rows closer than this merge into one line.

    Returns
    -------
    list of Segment
    """
    segments = []
    for horizontal in (True, False):
        mask = dark if horizontal else dark.T
        # The line's pixels: dark, with light on at least one side across the line.
        above = np.ones_like(mask)
        above[1:] = mask[:-1]
        below = np.ones_like(mask)
        below[:-1] = mask[1:]
        edge = mask & ~(above & below)
        # Tick marks and grid lines crossing the line leave no light side there: bridge such
        # short breaks along the line.
        gap = max_thickness // 2 + 1
        edge = _close_along_rows(edge, 2 * gap + 1)
        rows, starts, ends = _runs(edge, min_length)
        segments += _merge_runs(mask, rows, starts, ends, max_thickness, horizontal)
    return segments


def _close_along_rows(mask, size):
    """Binary closing along axis 1 by a row of ``size`` pixels (odd), outside the image light.

    Equal to ``scipy.ndimage.binary_closing(mask, np.ones((1, size), bool))`` (tested), border
    included: a pixel within ``size // 2`` of the row's ends is never set. The dilation and
    the erosion are each a few whole-array operations (:func:`_along_rows`), in the mask's own
    memory order: scipy's running maximum and minimum filters went along the transposed view
    the search for vertical lines passes (a column of the figure, pixel by pixel across
    memory), 0.21-0.24 s at 12 MP, now 0.07 s (0.11 -> 0.08 s along rows; 1 MP 8 -> 1-2 ms).
    """
    reach = size // 2
    rows, cols = mask.shape
    order = "F" if mask.flags.f_contiguous and not mask.flags.c_contiguous else "C"
    # Light columns before each row: the window starting at padded pixel p is the one
    # centred on pixel p of the mask.
    padded = np.zeros((rows, cols + reach), bool, order=order)
    padded[:, reach:] = mask
    dilated = _along_rows(padded, size, every=False)[:, :cols]
    closed = np.zeros((rows, cols), bool, order=order)
    if cols > reach:
        closed[:, reach:] = _along_rows(dilated, size, every=True)[:, :cols - reach]
    return closed


def _along_rows(mask, length, every):
    """For each pixel p: whether any (``every`` False) or every (True) pixel p to
    p + ``length`` - 1 of its row is set, pixels past the row's end unset.

    Windows doubled (1, 2, 4... pixels: a window is itself or'ed or and'ed with the one its
    length further on), then one last step to ``length``: some log2(length) whole-array
    operations, whatever the mask's memory order.
    """
    def joined(windows, shift):
        # Each window with the one ``shift`` pixels further on (none past the end).
        out = windows.copy(order="K")
        if shift >= out.shape[1]:
            if every:
                out[:] = False
            return out
        if every:
            out[:, :-shift] &= windows[:, shift:]
            out[:, -shift:] = False
        else:
            out[:, :-shift] |= windows[:, shift:]
        return out

    windows, covered = mask, 1
    while 2 * covered <= length:
        windows, covered = joined(windows, covered), 2 * covered
    if covered < length:
        windows = joined(windows, length - covered)
    return windows


def _merge_runs(mask, rows, starts, ends, max_thickness, horizontal):
    """Runs on the same or the next row that overlap along the line become one segment.

    Runs farther apart across the line are kept apart even when close: the two sides of one
    thick line give the same centre (duplicates are removed with the rectangles), while the two
    lines of a GMT fancy frame, a few pixels apart, must stay two lines.
    """
    order = np.lexsort((starts, rows))
    rows, starts, ends = rows[order], starts[order], ends[order]
    used = np.zeros(len(rows), bool)
    segments = []
    for i in range(len(rows)):
        if used[i]:
            continue
        used[i] = True
        row, lo, hi = rows[i], starts[i], ends[i]
        last = row
        for j in range(i + 1, len(rows)):
            if rows[j] > last + 1:
                break
            if used[j] or rows[j] == row:
                continue
            overlap = min(hi, ends[j]) - max(lo, starts[j])
            if overlap >= 0.5 * min(hi - lo, ends[j] - starts[j]):
                used[j] = True
                lo, hi, last = min(lo, starts[j]), max(hi, ends[j]), rows[j]
        segments.append(_segment_from_rows(mask, row, last, lo, hi, max_thickness, horizontal))
    return segments


def _segment_from_rows(mask, first, last, lo, hi, max_thickness, horizontal):
    """A segment's centre across it, from the contiguous dark run through its boundary rows.

    Where that run is thin (at most ``max_thickness``), its middle is the line's centre; where it
    is thicker the line borders a dark region (the data, a GMT frame's black block) and says
    nothing there. The median over the thin places is the line's position.
    """
    n_rows = mask.shape[0]
    reach = max_thickness + 1
    top, bottom = max(first - reach, 0), min(last + reach + 1, n_rows)
    window = mask[top:bottom, lo:hi]
    seed_first, seed_last = first - top, last - top
    # Dark rows counted outward from the boundary rows, stopping at the first light one.
    above = np.cumprod(window[:seed_first][::-1], axis=0).sum(axis=0)
    below = np.cumprod(window[seed_last + 1:], axis=0).sum(axis=0)
    core = window[seed_first:seed_last + 1].all(axis=0)
    thickness = above + below + (last - first + 1)
    thin = core & (thickness <= max_thickness)
    if thin.mean() >= 0.3:
        centres = first - above[thin] + 0.5 * thickness[thin]
        return Segment(float(np.median(centres)), float(lo), float(hi),
                       float(np.median(thickness[thin])), horizontal)
    return Segment(0.5 * (first + last + 1), float(lo), float(hi), 0.0, horizontal)


def closes_line(dark, horizontal, position, start, end, tolerance, max_thickness,
                min_fraction=0.9, line_thickness=1.0) -> float | None:
    """Where a dark line crosses from ``start`` to ``end`` near ``position``: its centre or None.

    Parameters
    ----------
    dark : ndarray of bool
    horizontal : bool
        A horizontal line (a row near ``position`` from column ``start`` to ``end``).
    position, start, end : float
    tolerance : float
        How far from ``position`` the line may lie, pixels.
    max_thickness : int
        Thickest line expected: a longer run of dark rows is a dark region, whose light-side
        boundary is taken as the line.
    min_fraction : float
        Share of the pixels from start to end that must be dark on the line's row; no light
        gap longer than ``max_thickness`` is allowed (a gap means two lines, not one).
    line_thickness : float
        The line's thickness where it is seen alone (the other sides): a line merged with a
        dark region is placed this far in from the region's light edge, halved.

    Returns
    -------
    float or None
        The line's centre, or None when there is no such line.
    """
    mask = dark if horizontal else dark.T
    n_rows, n_cols = mask.shape
    lo = int(np.clip(np.floor(position - tolerance), 0, n_rows - 1))
    hi = int(np.clip(np.ceil(position + tolerance), 0, n_rows - 1))
    c0 = int(np.clip(round(start), 0, n_cols))
    c1 = int(np.clip(round(end), 0, n_cols))
    if c1 - c0 < 2:
        return None
    band = mask[lo:hi + 1, c0:c1]
    fractions = band.mean(axis=1)
    qualifies = fractions >= min_fraction
    for index in np.flatnonzero(qualifies):
        if _longest_false_run(band[index]) > max_thickness:
            qualifies[index] = False
    candidates = []
    for run_start, run_end in true_runs(qualifies):
        rows = np.arange(run_start, run_end)
        if run_end - run_start <= max_thickness:
            candidates.append(lo + float(np.average(rows + 0.5, weights=fractions[rows])))
        else:
            half = 0.5 * max(line_thickness, 1.0)
            candidates += [lo + run_start + half, lo + run_end - half]
    if not candidates:
        return None
    candidates = np.array(candidates)
    return float(candidates[np.argmin(np.abs(candidates - position))])


def true_runs(flags) -> list:
    """The runs of True in a 1-D boolean array, as (start, end) index pairs (``end``
    exclusive)."""
    padded = np.concatenate([[False], flags, [False]]).astype(np.int8)
    change = np.diff(padded)
    return list(zip(np.flatnonzero(change == 1), np.flatnonzero(change == -1)))


def _longest_false_run(flags):
    runs = true_runs(~flags)
    return max((b - a for a, b in runs), default=0)


def find_rectangles(dark, min_side=40, max_thickness=None) -> list:
    """Boxes closed by four dark lines: map frames, colorbar outlines, legend boxes.

    Two long parallel lines of about the same extent are paired; the box is kept when dark
    lines close both of its ends.

    Parameters
    ----------
    dark : ndarray of bool (rows, cols)
    min_side : int
        Shortest long side, pixels.
    max_thickness : int, optional
        Thickest frame line expected, pixels; default from the image size (about 1 % of its
        smaller side, at least 4).

    Returns
    -------
    list of Rectangle
        Without duplicates, largest first.
    """
    rows, cols = dark.shape
    if max_thickness is None:
        max_thickness = max(4, int(round(0.01 * min(rows, cols))))
    segments = find_segments(dark, min_side, max_thickness)
    rectangles = []
    tolerance = 2.0 * max_thickness + 2
    for horizontal in (False, True):
        lines = sorted((s for s in segments if s.horizontal == horizontal),
                       key=lambda s: s.position)
        for i, first in enumerate(lines):
            check_cancelled()  # pairs of thousands of segments on a large busy figure
            for second in lines[i + 1:]:
                gap = second.position - first.position
                if gap < 3:
                    continue
                start, end = max(first.start, second.start), min(first.end, second.end)
                if end - start < 0.85 * max(first.length, second.length):
                    continue
                # The closing lines run across between the two, at the shared extent's ends.
                thickness = max(first.thickness, second.thickness, 1.0)
                near = closes_line(dark, not horizontal, start + 0.5, first.position,
                                   second.position, tolerance, max_thickness,
                                   line_thickness=thickness)
                far = closes_line(dark, not horizontal, end - 0.5, first.position,
                                  second.position, tolerance, max_thickness,
                                  line_thickness=thickness)
                if near is None or far is None or far - near < 3:
                    continue
                if horizontal:
                    box = Rectangle(near, first.position, far, second.position)
                else:
                    box = Rectangle(first.position, near, second.position, far)
                rectangles.append(box)
    return _unique(rectangles)


def _unique(rectangles, tolerance=2.0):
    kept = []
    for box in sorted(rectangles, key=lambda b: -b.area):
        if not any(max(abs(a - b) for a, b in zip(box.as_tuple(), other.as_tuple())) <= tolerance
                   for other in kept):
            kept.append(box)
    return kept
