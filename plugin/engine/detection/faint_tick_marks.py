"""Faint tick marks: those the lines' mask misses (grey, drawn inward over the map, behind a
light edge line), found for placing an axis' labels before the tick fit.
"""
import dataclasses

import numpy as np

from .text import ink_mask
from .ticks import (
    MAX_EXTRA_LINE_PX,
    attach_tick_marks,
    box_sides,
    find_inward_tick_marks,
    find_tick_marks,
    first_beyond_line,
    marks_snapped_offset,
    place_by_the_others,
)

#: Fewest grey tick marks of one length along a side (:meth:`FaintTickMarks._grey_tick_marks`).
GREY_MARKS_MIN = 3
#: Fewest tick marks along a side that measure a panel's light edge line
#: (:meth:`FaintTickMarks.light_edge_line`), and the narrowest line taken (less is the coverage of the
#: panel's edge pixel, not a line).
LIGHT_LINE_MIN_MARKS = 3
LIGHT_LINE_MIN_PX = 0.75
#: Farthest (pixels) an inward mark's centre lies from a grid line it is the end of: the same
#: pixels measured twice (:func:`.ticks.find_inward_tick_marks`, :func:`.ticks.find_grid_lines`),
#: which agree within 0.3 px (cartopy's grey lines, sweep_auto_decode --wide --wider 298 #1,
#: 300 #1, 300 #4). A real mark beside a "line" of the map's own (data only in every k-th
#: column, its edges found as lines) lay 0.68 px from it and must stay a mark: at 1 px, by
#: place alone, it was taken for a line's end, and the labels placed by the data's edges
#: 1.4 px off (:func:`grid_line_ends` compares their luma too).
GRID_LINE_END_PX = 0.5


def marks_on_grid_lines(marks, lines, tolerance=GRID_LINE_END_PX) -> np.ndarray:
    """Which inward marks lie on a grid line crossing the map.

    Parameters
    ----------
    marks : ndarray of float
        Mark centres along a side, pixels (:func:`.ticks.find_inward_tick_marks`).
    lines : ndarray of float
        Grid-line centres along the same axis, pixels (:func:`.ticks.find_grid_lines`).
    tolerance : float
        Largest distance (pixels) of a mark from its line.

    Returns
    -------
    ndarray of bool
        One per mark: True where a line lies within ``tolerance`` of it.
    """
    marks, lines = np.asarray(marks, float), np.asarray(lines, float)
    if marks.size == 0 or lines.size == 0:
        return np.zeros(marks.size, bool)
    return np.abs(marks[:, None] - lines[None, :]).min(axis=1) <= tolerance


#: How far (pixels) from a line the map beside it is read (:func:`grid_line_ends`): past a
#: line's anti-aliasing and a thick line's half width.
LINE_SURROUNDINGS_PX = 4


def grid_line_ends(lum, dark, side, marks, lengths, lines, span, line_thickness) -> np.ndarray:
    """Which inward marks are grid lines' ends: on a line (:func:`marks_on_grid_lines`) and
    of the line's own luma.

    A grid line's end is the line's own pixels. A tick mark drawn at a grid line (matplotlib's
    grid under its ticks: bmh's light grey lines, luma 64-182, under black marks, 17-41) is
    ink of its own, and stays a mark. The luma of each (the darkest of the three pixels
    round the centre, the median over the mark's rows, or along the map for the line) must
    agree within half the line's contrast with the map :data:`LINE_SURROUNDINGS_PX` to
    either side of it (cartopy's grey lines: 0-11 levels apart, their contrasts 8-127).

    Parameters
    ----------
    lum : ndarray of float (rows, cols)
        The figure's luma, 0-255.
    dark : ndarray of bool
        Ink mask (:func:`.ticks.first_beyond_line`: where the side's line ends).
    side : Side
        The frame's side, its labels outside.
    marks, lengths : ndarray
        As :func:`.ticks.find_inward_tick_marks` returns them (pixels).
    lines : ndarray of float
        Grid lines across the map along the same axis (:func:`.ticks.find_grid_lines`).
    span : tuple of int
        Where the map lies along the lines: its first and last row for a horizontal side's
        (vertical) lines, its first and last column for a vertical side's.
    line_thickness : float
        The frame's line thickness, pixels (the marks' own rows start beyond it).

    Returns
    -------
    ndarray of bool
        One per mark.
    """
    ends = marks_on_grid_lines(marks, lines)
    if not ends.any():
        return ends
    image = lum if side.horizontal else lum.T
    inner = dataclasses.replace(side, inward=not side.inward)
    first = first_beyond_line(dark, inner, line_thickness)
    lo, hi = span
    reach = LINE_SURROUNDINGS_PX
    for index in np.flatnonzero(ends):
        centre = int(np.floor(marks[index]))
        rows = first + inner.outward * np.arange(int(lengths[index]))
        if centre - reach < 0 or centre + reach >= image.shape[1] or hi - lo < 3 or \
                rows.min() < 0 or rows.max() >= image.shape[0]:
            ends[index] = False
            continue
        mark = float(np.median(image[rows, centre - 1:centre + 2].min(axis=1)))
        line = float(np.median(image[lo:hi, centre - 1:centre + 2].min(axis=1)))
        beside = float(np.median(np.concatenate([image[lo:hi, centre - reach],
                                                 image[lo:hi, centre + reach]])))
        ends[index] = abs(mark - line) <= 0.5 * abs(line - beside)
    return ends


class FaintTickMarks:
    """The tick-mark finders of :class:`.figure_reading._Reader` for marks lighter or other
    than a line (a mixin: it uses the reader's ``layout``, ``lum``, ``rgb``, ``page``,
    ``text_height``, ``side_ticks``, ``_line_thickness`` and ``grid_lines``)."""

    def light_edge_line(self) -> float:
        """The width (pixels) of a light line drawn over a panel's edge, or 0.

        A style sheet's white spines (ggplot's, seaborn's) on a white page hide the map's
        edge: the panel found (:func:`.frame.find_panel`) is the map's colours, which begin
        half the line's width inside the axes' edge, the line's centre. Its tick marks begin
        at the line's outer edge, so the page-coloured gap between the map's colours and the
        marks' inner ends is the line, whole. It is measured at each mark, from the panel's
        edge to the mark's first pixel placed by its coverage, on every side with
        :data:`LIGHT_LINE_MIN_MARKS` marks or more agreeing within a pixel; the sides' median
        is taken for the four (a style draws its spines at one width). 0 for a frame that is
        no panel, or was moved already, or when no side has such marks (touching marks: no
        light line; no marks: nothing tells its width).
        """
        frame = self.layout.frame
        if frame is None or frame.kind != "panel" or frame.light_line_px:
            return 0.0
        widths = []
        for side in box_sides(frame.box).values():
            positions, _ = self.side_ticks(side)
            gaps = [gap for gap in (self._light_gap(side, position) for position in positions)
                    if gap is not None]
            if len(gaps) >= LIGHT_LINE_MIN_MARKS and np.ptp(gaps) <= 1.0:
                widths.append(float(np.median(gaps)))
        if not widths:
            return 0.0
        width = float(np.median(widths))
        return width if LIGHT_LINE_MIN_PX <= width <= 2 * self.layout.max_thickness + 1 else 0.0

    def _light_gap(self, side, position):
        """Page-coloured pixels (a fraction of a pixel by the mark's coverage) between a
        panel's side and the tick mark at ``position`` along it, or None when no mark begins
        within twice the thickest line's width of the side."""
        image = self.lum if side.horizontal else self.lum.T
        along = int(np.floor(position))
        if not 0 <= along < image.shape[1]:
            return None
        profile = image[:, along]
        reach = 2 * int(self.layout.max_thickness) + 2
        light = self.page - max(40.0, self.page / 3.0)
        # The first pixel at least half outside the panel's colours.
        start = int(np.floor(side.position - 0.5)) if side.outward < 0 else \
            int(np.ceil(side.position - 0.5))
        steps = [start + side.outward * k for k in range(reach + 2)]
        if not all(0 <= step < profile.size for step in steps):
            return None
        values = profile[steps]
        dark = np.flatnonzero(values < light)
        if dark.size == 0 or dark[0] == 0 or dark[0] >= reach or \
                values[min(dark[0] + 1, len(steps) - 1)] >= light:
            return None  # touching, none, or a speck rather than a mark
        first = steps[dark[0]]
        core = float(min(values[dark[0]], values[min(dark[0] + 1, len(steps) - 1)]))
        coverage = float(np.clip((self.page - values[dark[0]]) / max(self.page - core, 1.0),
                                 0.0, 1.0))
        inner_end = first + coverage if side.outward < 0 else first + 1.0 - coverage
        return float(abs(inner_end - side.position))

    def _grey_tick_marks(self, side):
        """Tick marks outward from a side that are lighter than a line: grey (style sheets
        draw them so: ggplot's #555555) and thin, anti-aliased paler still (ggplot's 0.8 pt at
        72 dpi: luma 119, the lines' mask takes 115 and below). Found in the text's ink (as
        dark against the page as a glyph's stroke, :func:`.text.ink_mask`) of a strip along
        the side, and taken when :data:`GREY_MARKS_MIN` or more stand there, of one length
        within a pixel (a row of marks, not the odd glyph or ringing of a JPEG's edge).

        Returns
        -------
        positions, lengths : ndarray
            As :func:`.ticks.find_tick_marks` returns them; empty when none are taken.
        """
        none = (np.zeros(0), np.zeros(0, int))
        rows, cols = self.lum.shape
        longest = max(8, int(0.025 * min(rows, cols)))
        reach = int(np.ceil(0.5 * self._line_thickness())) + MAX_EXTRA_LINE_PX + longest + 2
        if side.horizontal:
            across0 = int(max(np.floor(side.position) - reach, 0))
            across1 = int(min(np.ceil(side.position) + reach + 1, rows))
            strip = self.lum[across0:across1]
        else:
            across0 = int(max(np.floor(side.position) - reach, 0))
            across1 = int(min(np.ceil(side.position) + reach + 1, cols))
            strip = self.lum[:, across0:across1]
        if across1 - across0 < 3:
            return none
        local = dataclasses.replace(side, position=side.position - across0)
        positions, lengths = find_tick_marks(ink_mask(strip, self.page), local,
                                             self._line_thickness(), max_length=longest,
                                             lum=strip, page=self.page)
        if positions.size < GREY_MARKS_MIN:
            return none
        common = np.bincount(lengths).argmax()
        alike = np.abs(lengths - common) <= 1
        if alike.sum() < GREY_MARKS_MIN:
            return none
        return positions[alike], lengths[alike]

    def _attach_inward_marks(self, labels, side, thickness, tolerance):
        """Labels outside a side given the tick marks drawn inward from it, over the map
        (:func:`.ticks.find_inward_tick_marks`), or else from the frame's opposite side (the
        classic style and GMT tick all four sides alike; the map's dark colours hide marks
        along one side), when those place at least half of them, all at one offset from their
        labels' centres (within 1.5 px or a quarter of the text's height: renderers centre a
        label on its tick; dark data by the frame taken for marks would not agree). Marks
        snapped by Agg (every attached mark at one pixel phase) place their labels alone, half
        a pixel back for odd widths; others are weighed against the labels' centres.

        Grid lines drawn across the map are dark from the side inward too, and where a line
        across them (or the map's colours) breaks their contrast they look like marks
        (cartopy's grey grid lines over a light map: every parallel a "mark" 8 px long, cut
        by the first meridian). When at least half of a side's marks are grid lines' ends
        (:func:`grid_line_ends`: on a line, of its luma), its marks are taken for the lines'
        ends, none for a tick mark (the rest are edges of the map's colours cut as short):
        the labels are left to the grid lines (:meth:`._Reader._place_and_fit`), which
        place them as well as marks on those lines would."""
        before = [(label.tick_position, label.tick_only) for label in labels]
        frame_sides = box_sides(self.layout.frame.box)
        opposite = {"top": "bottom", "bottom": "top", "left": "right", "right": "left"}
        left, top, right, bottom = self.layout.frame.box
        # Along the lines, the map's inside clear of the frame's lines.
        span = (int(np.ceil(top)) + 3, int(np.floor(bottom)) - 3) if side.horizontal else \
            (int(np.ceil(left)) + 3, int(np.floor(right)) - 3)
        for candidate in (side, frame_sides[opposite[side.name]]):
            marks, lengths = find_inward_tick_marks(self.lum, self.layout.dark, candidate,
                                                    thickness)
            if marks.size and grid_line_ends(
                    self.lum, self.layout.dark, candidate, marks, lengths,
                    self.grid_lines("x" if side.horizontal else "y"), span,
                    thickness).sum() >= 0.5 * marks.size:
                marks = marks[:0]
            for label in labels:
                label.tick_position, label.tick_only = None, False
            if marks.size >= 2:
                attach_tick_marks(labels, marks, tolerance)
            placed = [label for label in labels if label.tick_position is not None]
            offsets = [label.tick_position - label.label_position for label in placed]
            if len(placed) >= max(2, 0.5 * len(labels)) and \
                    np.ptp(offsets) <= max(1.5, 0.25 * self.text_height):
                offset = marks_snapped_offset(
                    np.unique([label.tick_position for label in placed]))
                if offset is not None:
                    for label in placed:
                        label.tick_position += offset
                        label.tick_only = True
                # A mark hidden by the map's dark colours: its label placed as the others
                # sit from their marks.
                place_by_the_others(labels)
                return
        for label, (tick, tick_only) in zip(labels, before):
            label.tick_position, label.tick_only = tick, tick_only
