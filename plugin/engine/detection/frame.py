"""The map frame: the plot area a figure draws its map in.

The frame is the largest box closed by dark lines that is not a colorbar (:mod:`.lines`). GMT's
"fancy" frames are a chequered band between two lines: the map's edge is the band's inner line,
so a frame whose sides each have such a band just inside them is moved to the inner lines.
"""
from dataclasses import dataclass

import numpy as np

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
        "plain" (one line) or "fancy" (GMT's chequered band; the inner line is used).
    """

    box: tuple
    kind: str = "plain"

    def pixel_box(self) -> tuple:
        """(col0, row0, col1, row1): the pixels inside the frame, its lines included."""
        left, top, right, bottom = self.box
        return (int(np.floor(left)), int(np.floor(top)), int(np.ceil(right)), int(np.ceil(bottom)))

    def inner_pixel_box(self) -> tuple:
        """(col0, row0, col1, row1): the pixels strictly inside the frame's lines (the map)."""
        left, top, right, bottom = self.box
        return (int(np.ceil(left)), int(np.ceil(top)), int(np.floor(right)), int(np.floor(bottom)))


def find_frame(dark, rectangles, colorbar_boxes=(), max_thickness=None) -> "FrameDetection | None":
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
        if any(_covers(box.as_tuple(), bar) for bar in colorbar_boxes) and \
                _only_frame_around(box, colorbar_boxes):
            continue
        inner = _fancy_inner_box(dark, box, max_thickness)
        if inner is not None:
            return FrameDetection(inner.as_tuple(), "fancy")
        return FrameDetection(box.as_tuple(), "plain")
    return None


def _same(a, b, tolerance):
    return max(abs(x - y) for x, y in zip(a, b)) <= tolerance


def _covers(box, bar):
    return box[0] <= bar[0] and box[1] <= bar[1] and box[2] >= bar[2] and box[3] >= bar[3]


def _only_frame_around(box, colorbar_boxes):
    """A box whose area is mostly a colorbar it holds (a legend's frame around a bar)."""
    bar_area = sum((b[2] - b[0]) * (b[3] - b[1]) for b in colorbar_boxes if _covers(box.as_tuple(), b))
    return bar_area > 0.3 * box.area


def _fancy_inner_box(dark, box, max_thickness):
    """The inner line of a GMT fancy frame, on all four sides, or None.

    Just inside each side a chequered band (dark and light blocks, about half dark) must run
    the whole side, then a continuous dark line: the map's edge.
    """
    band_limit = max(4 * max_thickness, 0.03 * min(box.width, box.height))
    found = []
    for horizontal, position, inward, start, end in (
            (True, box.top, 1, box.left, box.right), (True, box.bottom, -1, box.left, box.right),
            (False, box.left, 1, box.top, box.bottom), (False, box.right, -1, box.top, box.bottom)):
        inner = _inner_line(dark, horizontal, position, inward, start, end, band_limit,
                            max_thickness)
        if inner is None:
            return None
        found.append(inner)
    top, bottom, left, right = found
    if right - left < 0.5 * box.width or bottom - top < 0.5 * box.height:
        return None
    return Rectangle(left, top, right, bottom)


def _inner_line(dark, horizontal, position, inward, start, end, band_limit, max_thickness):
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
    centre = closes_line(dark, horizontal, rows[beyond] + 0.5 + inward * 0.5 * max_thickness,
                         start + margin, end - margin, max_thickness, max_thickness)
    if centre is None or (centre - position) * inward <= 2:
        return None
    return centre
