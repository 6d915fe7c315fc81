"""What a figure says about itself: its axes' tick labels and its colorbar's, read and fitted.

From a :class:`.layout.Layout` (frame and colorbar boxes) the labels beside each side are found
(:mod:`.text`), read (:mod:`.ocr`, :mod:`.labels`), placed at their tick marks and fitted
(:mod:`.ticks`). The result answers the parameters a user left empty: the colorbar's value
range and scale, and GCPs from the axes.
"""
import dataclasses
import re
from dataclasses import dataclass, field
from typing import Optional

import numpy as np

from ..errors import EngineError
from .labels import normalise, parse_label, unit_in_title
from .lines import luminance, page_luminance
from .ocr import OcrUnavailable, crop_label, read_label, read_text
from .text import (
    TextLabel,
    find_glyphs,
    ink_mask,
    ink_over_map,
    labels_across_horizontal_lines,
    marks_inside_box,
    mend_labels_cut_by_lines,
    merge_into_labels,
)
from .ticks import (
    MAX_EXTRA_LINE_PX,
    TickFit,
    TickLabel,
    attach_tick_marks,
    box_sides,
    detached_tick_marks,
    find_band_transitions,
    find_grid_lines,
    find_inward_tick_marks,
    find_tick_marks,
    fit_ticks,
    marks_snapped_offset,
    tick_marks_snapped,
    weigh_marks_and_labels,
)

#: Length units a tick label may carry a word space after its number (labels.parse_label's).
UNIT_WORDS = ("m", "km", "mm", "cm")
#: What a label touching the figure's edge is marked with instead of a value.
CUT_BY_EDGE = "(cut by the figure's edge)"
#: Said of a colorbar whose end its ticks or labels doubt and that was left where it was found.
CUT_SHORT = "the bar may have been found cut short"
#: Said of labels whose first glyph stands against a line (:meth:`_Reader._start_on_line`).
SIGN_HIDDEN_NOTE = "a minus sign there may be hidden in the line"
#: A fit must explain at least this many labels, and this share of those read as numbers.
MIN_KEPT_LABELS = 3
MIN_KEPT_SHARE = 0.6
#: A colorbar label this close (pixels) to the bar's end is the end's value.
END_LABEL_PIXELS = 1.0
#: Tallest a raised glyph read as a degree sign (or minute, second marks) may be, as a share of
#: the label's digits: a degree ring is 0.4-0.45 of them, a superscript digit 0.8.
DEGREE_MARK_SHARE = 0.6
#: Farthest a grid line may be from a label's centre, as a share of the text's height, for the
#: label to be placed by it.
GRID_LINE_LABEL_SHARE = 0.35
#: Largest tick-fit residual (pixels) accepted for georeferencing: more means a misplaced label.
MAX_GEOREFERENCING_RESIDUAL_PX = 2.0
#: Largest residual (pixels) of a colorbar label kept by the fit (a label farther off is dropped
#: as a misread or a misplaced fragment). Labels read right lie within half a pixel of their
#: line; one 10 px off on a 400 px bar moves the ends' values by a few % of the range.
MAX_COLORBAR_RESIDUAL_PX = 2.0


@dataclass
class AxisReading:
    """The labels along one side and their fit (None when it failed: ``problem`` says why)."""

    side: str
    labels: list
    fit: object = None
    multiplier: float = 1.0
    problem: str = ""
    #: The axis title read beyond the tick labels ("Easting (km)"), and the unit it names
    #: (labels.unit_in_title: "km", "m", "ft", "deg"... or "").
    title: str = ""
    title_unit: str = ""
    #: The labels were written at an angle and read turned level.
    rotated: bool = False
    #: Where the labels are: "outside" the frame (beside ``side``), "inside" it along
    #: ``side``, or "inline" over the map at their grid lines (cartopy's inline labels).
    placement: str = "outside"
    #: The line through exactly two labels when the fit was refused for having only those
    #: (nothing on the axis confirms them); :func:`_confirm_by_aspect` may take it.
    pair_fit: object = None
    #: The reading of the side across the frame, when its labels fit too (cartopy's and GMT's
    #: labels on all four sides): on a rectilinear graticule both put each value at one place.
    opposite: object = None

    @property
    def kept(self) -> list:
        return [label for label in self.labels if label.kept]

    @property
    def degrees(self) -> bool:
        return any(label.parsed is not None and label.parsed.degrees for label in self.kept)


@dataclass
class ColorbarReading:
    """The colorbar's labels, their fit, and the values at the bar's ends."""

    axis: AxisReading
    vmin: Optional[float] = None
    vmax: Optional[float] = None
    logarithmic: bool = False
    # The low end is at the top of a vertical bar or the right of a horizontal one.
    flip: bool = False


@dataclass
class FigureReading:
    """Everything read off a figure's face."""

    x_axis: Optional[AxisReading] = None
    y_axis: Optional[AxisReading] = None
    colorbar: Optional[ColorbarReading] = None
    messages: list = field(default_factory=list)
    all_labels: list = field(default_factory=list)
    #: Pixel boxes (col0, row0, col1, row1) of labels read over the map (inside the frame):
    #: text, never data.
    over_map_boxes: list = field(default_factory=list)
    #: The colorbar is straight on the map and its labels were read (they are in
    #: ``over_map_boxes`` with the bar).
    bar_labels_over_map: bool = False
    #: What may make the reading wrong though it was accepted (a colorbar end in doubt).
    warnings: list = field(default_factory=list)


#: Fewest grey tick marks of one length along a side (:meth:`_Reader._grey_tick_marks`).
GREY_MARKS_MIN = 3
#: Fewest tick marks along a side that measure a panel's light edge line
#: (:meth:`_Reader.light_edge_line`), and the narrowest line taken (less is the coverage of the
#: panel's edge pixel, not a line).
LIGHT_LINE_MIN_MARKS = 3
LIGHT_LINE_MIN_PX = 0.75


class _Reader:
    """Shared state for reading one figure: luma, ink, glyph labels."""

    def __init__(self, rgb, layout, progress=None):
        self.layout = layout
        self.rgb = rgb
        # progress(fraction) -> bool, asked before each label is read: True cancels.
        self.progress = progress
        self.fraction = 0.0
        # The layout's luma when it has it (one figure-sized array less to compute and hold);
        # it is let go there, so that it lives no longer than this reading.
        lum = getattr(layout, "lum", None)
        self.lum = lum if lum is not None and lum.shape == rgb.shape[:2] else luminance(rgb)
        if lum is not None:
            layout.lum = None
        self.page = page_luminance(self.lum)
        rows, cols = self.lum.shape
        exclude = np.zeros((rows, cols), bool)
        for box in self._boxes():
            col0, row0, col1, row1 = box
            exclude[max(row0 - 1, 0):row1 + 1, max(col0 - 1, 0):col1 + 1] = True
        legend = getattr(layout, "legend_box", None)
        if legend is not None:
            # A bar on a legend inside the map: its labels are inside the frame, on the legend
            # (its frame lines left out); the bar itself stays out.
            col0, row0, col1, row1 = legend
            inset = 2 + int(getattr(layout, "max_thickness", 4)) // 2
            exclude[row0 + inset:row1 - inset, col0 + inset:col1 - inset] = False
            col0, row0, col1, row1 = layout.colorbar.pixel_box()
            exclude[max(row0 - 1, 0):row1 + 1, max(col0 - 1, 0):col1 + 1] = True
        ink = ink_mask(self.lum, self.page)
        # Boxes whose labels may hang on their tick marks (not a legend's: its inside is text).
        glyphs = find_glyphs(ink, exclude, boxes=list(self._boxes()) if legend is None else ())
        # Tick marks standing apart from their side (no spine to touch) are no glyphs.
        glyphs, self.detached_ticks = detached_tick_marks(glyphs, list(self._boxes()),
                                                          self.lum, self.page)
        self.labels = merge_into_labels(glyphs)
        # Ink of the glyphs only (not of lines touching the frame): rotated labels' pixels.
        self.glyph_ink = np.zeros_like(ink)
        for glyph in glyphs:
            self.glyph_ink[glyph.row0:glyph.row1, glyph.col0:glyph.col1] = \
                ink[glyph.row0:glyph.row1, glyph.col0:glyph.col1]
        heights = np.array([label.height for label in self.labels if label.glyphs >= 2])
        self.text_height = float(np.median(heights)) if heights.size else 10.0
        # Labels a box's line runs through lost the glyphs it touches (left out with it):
        # widened over them and read with them.
        self.crossed = mend_labels_cut_by_lines(self.labels, self.lum, self.page,
                                                list(self._boxes()), self.text_height)
        # Labels a box's top or bottom line runs through (GMT's inside annotations centred on
        # a horizontal bar's outline) were left out whole with the line: found across it.
        if legend is None:
            across = labels_across_horizontal_lines(self.lum, self.page, list(self._boxes()),
                                                    self.text_height)
            for label in across:
                # Glyphs freed from the line by their stems (a part of each) are the label's
                # when it crosses the line; a label only standing on it is taken when no
                # glyph was found there (a label hanging on its tick mark, freed, stays).
                inner = [other for other in self.labels if _holds(label.box(), other.box())]
                if label.on_line and inner or \
                        any(_overlap(label.box(), other.box()) for other in self.labels
                            if not any(other is part for part in inner)):
                    continue
                self.labels = [other for other in self.labels
                               if not any(other is part for part in inner)] + [label]
        self.cache = {}
        self.claimed = set()
        # Pixel boxes of colorbars whose labels were read and fitted (read_figure_face), with
        # the side they were read on.
        self.bars_read = {}
        # Text over the map (inside the frame), found when first asked for (over_map_labels).
        self.over_map = None

    def _boxes(self):
        if self.layout.frame is not None:
            yield self.layout.frame.pixel_box()
        if self.layout.colorbar is not None:
            yield self.layout.colorbar.pixel_box()

    def labels_beside(self, side, owner):
        """The row (or column) of labels nearest to a side, outside it, and nearer to its own
        box (``owner``, a pixel box) than to any other detected box."""
        height = self.text_height
        reach = 4.0 * height + 0.03 * max(self.lum.shape)
        if side.horizontal and not side.inward:
            self._split_crowded(side, reach)
        self._join_unit_words()
        found = []
        for label in self.labels:
            if label.height < 0.5 * height or label.height > 2.5 * height or \
                    label.box() in self.claimed:
                continue
            cx, cy = label.centre
            if side.horizontal:
                gap = (label.row0 - side.position) * side.outward if side.outward > 0 else \
                    side.position - label.row1
                along_ok = side.start - 0.5 * label.width <= cx <= side.end + 0.5 * label.width
                if label.crossed_line == ("bottom" if side.outward > 0 else "top", owner):
                    gap = max(gap, 0.0)  # written across the side's line
            else:
                gap = (label.col0 - side.position) if side.outward > 0 else \
                    side.position - label.col1
                along_ok = side.start - height <= cy <= side.end + height
                if label.crossed_line == ("right" if side.outward > 0 else "left", owner):
                    gap = max(gap, 0.0)  # widened across the side's line over its glyphs
            # A tick mark cut off from its box (a box found a pixel short of a blurred edge)
            # is a thin stroke standing on the side, not a label: labels stand a tick's
            # length and a pad away.
            if label.glyphs == 1 and gap <= 2 and \
                    (label.width if side.horizontal else label.height) <= \
                    0.3 * (label.height if side.horizontal else label.width):
                continue
            # Nor the tick marks of a corner where both sides have a tick (axis limits at
            # tick values) joined into one small blob: with no frame line to hold them (a
            # style sheet's panel) they stood nearest to the side and took the row of labels.
            along = cx if side.horizontal else cy
            if label.glyphs == 1 and gap <= 2 and \
                    min(abs(along - side.start), abs(along - side.end)) <= 0.5 * height and \
                    max(label.width, label.height) <= height:
                continue
            # Another box claims a label nearer to it; not a box holding the owner (the map
            # frame around a legend's bar), nor a colorbar beyond this side whose labels were
            # read on its far side (they are claimed: a label between the side and the bar is
            # the side's, e.g. the map's x labels just above a bar close below the map).
            if 0 <= gap <= reach and along_ok and not any(
                    _gap(label.box(), other) < gap for other in self._boxes()
                    if other != owner and not _holds(other, owner)
                    and not _between_side_and_bar(label, side, other,
                                                  self.bars_read.get(other))):
                found.append((gap, label))
        if not found:
            return []
        # The labels of one axis form a row (or a column) with the nearest one: left-, right-
        # or centre-aligned, they overlap it across the side. Axis titles lie farther out.
        # Inside the frame, where both axes' labels meet in a corner, a label of the other
        # axis may be nearer but alone: the row holding the most labels, the nearest of
        # equals. (Outside, the letters of a rotated axis title stack into a longer column.)
        if side.horizontal:
            spans = [(label.row0, label.row1) for _, label in found]
        else:
            spans = [(label.col0, label.col1) for _, label in found]

        def row_of(span):
            return [label for (_, label), (lo, hi) in zip(found, spans)
                    if min(hi, span[1]) - max(lo, span[0]) >= 0.5 * min(hi - lo,
                                                                     span[1] - span[0])]

        rows = [(len(row_of(span)) if side.inward else 0, -gap, index)
                for index, ((gap, _), span) in enumerate(zip(found, spans))]
        _, _, seed = max(rows)
        return row_of(spans[seed])

    def side_ticks(self, side):
        """Tick marks outward from a side on the page (:func:`.ticks.find_tick_marks`), found
        once per side."""
        key = ("ticks", side.name, side.position, side.start, side.end, side.inward)
        if key not in self.cache:
            ticks = find_tick_marks(self.layout.dark, side, self._line_thickness(),
                                    lum=self.lum, page=self.page)
            if ticks[0].size == 0 and not side.inward:
                ticks = self._grey_tick_marks(side)
            if ticks[0].size == 0 and not side.inward:
                # None touch the side: those standing apart from it, if any.
                ticks = next((found for (box, name), found in self.detached_ticks.items()
                              if name == side.name and _box_has_side(box, side)), ticks)
            self.cache[key] = ticks
        return self.cache[key]

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

    def _split_crowded(self, side, reach):
        """Labels of a horizontal side that touch their neighbours, cut apart at their ticks.

        On a crowded axis (a small figure, long labels such as ``124.5°W``) matplotlib's
        centred labels touch or overlap, and their glyphs merge into one label that reads as
        nothing. A label centred on its tick is as wide on either side of it: from a merged
        label's first ink column, the first label ends as far past its tick as it begins
        before it; the cut is the emptiest column near there (a gap, or the thinnest contact
        of two glyphs), and the next label begins at the next ink. A merged label is one that
        spans two major tick marks or more (a label is never wider than the tick spacing
        unless it touches its neighbour). Done once per side; each piece replaces the merged
        label in :attr:`labels` when every piece is centred on its tick within a quarter of
        the spacing (else the label is left whole: its ticks were not its labels').
        """
        key = ("split", side.name, side.position, side.start, side.end)
        if key in self.cache:
            return
        self.cache[key] = True
        ticks, lengths = self.side_ticks(side)
        if ticks.size < 2:
            return
        # Major ticks: minor ones are shorter, and a label may span two of them.
        ticks = np.sort(ticks[lengths >= 0.75 * lengths.max()])
        if ticks.size < 2:
            return
        spacing = float(np.median(np.diff(ticks)))
        replaced = []
        for index, label in enumerate(self.labels):
            gap = label.row0 - side.position if side.outward > 0 else side.position - label.row1
            if not 0 <= gap <= reach or label.glyphs < 2 or label.box() in self.claimed:
                continue
            inside = ticks[(ticks > label.col0) & (ticks < label.col1)]
            if inside.size < 2:
                continue
            pieces = self._cut_at_ticks(label, inside, spacing)
            if pieces:
                replaced.append((index, pieces))
        for index, pieces in reversed(replaced):
            self.labels[index:index + 1] = pieces

    def _cut_at_ticks(self, label, ticks, spacing):
        """A merged label's pieces, one per tick (see :meth:`_split_crowded`), or None.

        Touching labels overlap by a pixel or two (the serif of a ``1`` reaches under the
        ``W`` before it), so no column separates them: the label is cut between glyphs. Each
        glyph is a core of ink (darker than half the page: anti-aliased contacts fall apart)
        with the lighter ink around it (given to the nearest core); faint marks with no core
        (a 72 dpi decimal point) are glyphs of their own. A glyph reaching across where
        the piece must end (as far past its tick as it began before it) is two overlapping
        ones, cut at its emptiest column there. Each piece takes as many of the next glyphs
        as centre its ink best on its tick, and is read from its own glyphs alone, on a clean
        page.
        """
        from scipy import ndimage

        box = (slice(label.row0, label.row1), slice(label.col0, label.col1))
        ink = self.glyph_ink[box]
        lum = self.lum[box]
        eight = np.ones((3, 3), bool)
        cores, count = ndimage.label(ink & (lum < 0.5 * self.page), structure=eight)
        faint, faint_count = ndimage.label(ink & (cores == 0), structure=eight)
        # Faint components touching a core belong to it; the others are glyphs themselves.
        if count:
            _, (rows, cols) = ndimage.distance_transform_edt(cores == 0, return_indices=True)
            nearest = cores[rows, cols]
            touching = ndimage.maximum(ndimage.binary_dilation(cores > 0, structure=eight),
                                       faint, np.arange(1, faint_count + 1))
        else:
            nearest = np.zeros_like(cores)
            touching = np.zeros(faint_count)
        glyph = np.where(cores > 0, cores, 0)
        for index in range(1, faint_count + 1):
            pixels = faint == index
            glyph[pixels] = nearest[pixels] if touching[index - 1] else count + index
        next_number = int(glyph.max()) + 1

        small = 0.25 * self.text_height

        def spans():
            # (centre, number, first column, end column, a real glyph) of every glyph, left to
            # right; not real: a sliver left by a cut (a label never begins with a dot).
            # find_objects gives None, not a pair, for a number no pixel has any more (a glyph
            # wholly moved to a new number by a cut).
            return sorted((0.5 * (cs.start + cs.stop), number + 1, cs.start, cs.stop,
                           cs.stop - cs.start > small or rs.stop - rs.start > small)
                          for number, (rs, cs) in
                          ((number, found) for number, found in
                           enumerate(ndimage.find_objects(glyph)) if found is not None))

        window = max(2, int(round(0.25 * self.text_height)))
        groups, taken = [], set()
        for number, tick in enumerate(ticks):
            remaining = [g for g in spans() if g[1] not in taken]
            if not any(g[4] for g in remaining):
                return None
            start = min(g[2] for g in remaining if g[4])
            end = 2 * (tick - label.col0) - start
            if number < len(ticks) - 1:
                # A glyph reaching across the end may be two overlapping glyphs (a ``W`` whose
                # arm meets the next label's ``1``): cut at its emptiest column there. (A
                # single glyph cut so is put together again below: both parts centre the
                # piece better than either.)
                for _, straddling, first, stop, _ in remaining:
                    if first + 1 <= end <= stop - 1:
                        candidates = np.arange(max(int(round(end)) - window, first + 1),
                                               min(int(round(end)) + window + 1, stop))
                        profile = (glyph[:, candidates] == straddling).sum(axis=0)
                        cut = int(candidates[np.lexsort((np.abs(candidates - end), profile))[0]])
                        right = glyph[:, cut:]
                        right[right == straddling] = next_number
                        next_number += 1
                remaining = [g for g in spans() if g[1] not in taken]
                # Of the first glyphs, as many as centre the piece's ink best on its tick
                # (a glyph more or less moves the centre by half a glyph; the estimate of the
                # end is only as good as the first glyph's side bearing), one at least left
                # for each later tick.
                options = []
                for count in range(1, len(remaining) - (len(ticks) - number - 1) + 1):
                    real = [g for g in remaining[:count] if g[4]]
                    if real:
                        centre = 0.5 * (min(g[2] for g in real) + max(g[3] for g in real))
                        options.append((abs(centre - (tick - label.col0)), count))
                if not options:
                    return None
                group = [g[1] for g in remaining[:min(options)[1]]]
            else:
                group = [g[1] for g in remaining]
            if not group:
                return None
            groups.append(group)
            taken.update(group)
        found = ndimage.find_objects(glyph)
        pieces = []
        for tick, numbers in zip(ticks, groups):
            mine = np.isin(glyph, numbers)
            rows, cols = np.nonzero(mine)
            row0, row1 = label.row0 + int(rows.min()), label.row0 + int(rows.max()) + 1
            col0, col1 = label.col0 + int(cols.min()), label.col0 + int(cols.max()) + 1
            if abs(0.5 * (col0 + col1) - tick) > 0.25 * spacing:
                return None
            members = sorted((label.col0 + found[n - 1][1].start, label.row0 + found[n - 1][0].start,
                              label.col0 + found[n - 1][1].stop, label.row0 + found[n - 1][0].stop)
                             for n in numbers)
            piece = TextLabel(col0, row0, col1, row1, len(members), members,
                              [max(b[0] - a[2], 0) for a, b in zip(members, members[1:])],
                              cut_from=label.box())
            # Its own glyphs on a clean page: a neighbour's overlapping serif left out.
            patch = np.where(mine, lum, self.page).astype(np.float32)
            piece.patch = (patch[row0 - label.row0:row1 - label.row0,
                                 col0 - label.col0:col1 - label.col0], (col0, row0))
            pieces.append(piece)
        return pieces

    def _join_unit_words(self):
        """Numbers with a length unit written a word space after them (``5185000 m``,
        ``3,900 m``) made one label each; done once.

        The space before a unit is wider than the gaps :func:`.text.merge_into_labels` joins
        (about 0.6 of the digits' height in DejaVu Sans), so the unit stands alone: beside a
        left side the column of units is nearest to the frame and hid the numbers behind it,
        and below a side the number alone is off its tick by half the unit's width and the
        space (renderers centre the whole text on the tick). A short label (three glyphs at
        most, no taller than the text, on the baseline of the label before it) within a
        digit's height after a label read as a plain number, and read as a length unit by
        itself, is joined to it.
        """
        if "units" in self.cache:
            return
        self.cache["units"] = True
        height = self.text_height
        words = [label for label in self.labels
                 if label.glyphs <= 3 and label.width <= 2.5 * height
                 and label.height <= 1.2 * height and label.patch is None
                 and not label.inside and label.crossed_line is None]
        joined = []
        for word in words:
            before = [label for label in self.labels
                      if label is not word and label.col1 <= word.col0
                      and word.col0 - label.col1 <= label.height
                      and abs(label.row1 - word.row1) <= max(1.5, 0.15 * label.height)
                      and word.height <= 1.15 * label.height + 1]
            if not before:
                continue
            number = max(before, key=lambda label: label.col1)
            if number.glyphs < 1 or number.unit_word or any(
                    number is pair[0] or number is pair[1] for pair in joined):
                continue
            text, parsed = self.read(number)
            if parsed is None or parsed.degrees or parsed.unit or parsed.exponent_form:
                continue
            # The unit read with its number, as one line of words (a lone 'm' is read 'mM');
            # the number must read as it did alone.
            both = re.fullmatch(r"(.*?)\s*([A-Za-z]+)", normalise(read_text(crop_label(
                self.lum, (number.col0, min(word.row0, number.row0), word.col1,
                           max(word.row1, number.row1)), self.page))))
            if both is None or both.group(2) not in UNIT_WORDS or \
                    re.sub(r"\D", "", both.group(1)) != re.sub(r"\D", "", text):
                continue
            unit = both.group(2)
            joined.append((number, word, unit))
        for number, word, unit in joined:
            label = TextLabel(number.col0, min(number.row0, word.row0), word.col1,
                              max(number.row1, word.row1), number.glyphs + word.glyphs,
                              list(number.members or [number.box()]) +
                              list(word.members or [word.box()]),
                              list(number.gaps) + [word.col0 - number.col1] + list(word.gaps),
                              unit_word=unit, number_part=number)
            self.labels[self.labels.index(number)] = label
            self.labels.remove(word)

    def read(self, label):
        """Text and parsed value of a label (cached)."""
        key = label.box()
        if key not in self.cache:
            if self.progress is not None and self.progress(self.fraction):
                raise InterruptedError("Cancelled.")
            if label.number_part is not None:
                # A number and its unit word: the number read alone, the unit as it was read.
                text, parsed = self.read(label.number_part)
                if parsed is not None:
                    text = f"{text} {label.unit_word}"
                    parsed = dataclasses.replace(parsed, unit=label.unit_word)
            else:
                text, parsed = self._read_checked(label)
                if label.crossed_line is not None:
                    text, parsed = self._read_crossed(label, text, parsed)
            rows, cols = self.lum.shape
            if parsed is not None and (label.col0 <= 0 or label.row0 <= 0 or
                                       label.col1 >= cols or label.row1 >= rows):
                # The figure's edge runs through the label: characters beyond it are lost
                # ('5180' of a y axis cut by a tight crop read '180', or '9180' from what is
                # left of the '1'), and nothing tells which.
                text, parsed = f"{text} {CUT_BY_EDGE}", None
            self.cache[key] = (text, parsed)
        return self.cache[key]

    def _read_checked(self, label):
        """A label's text and parsed value, its dropped decimal point or minus sign put back,
        None for the value when its glyphs hold more characters than were read."""
        text = restore_minus_sign(
            restore_decimal_point(self._read_with_superscript(label), label.members),
            label.members)
        if re.search(r"\d[.,]\d", text):
            pitches = [pitch for pitch in (digit_pitch([label], label.height, least_pairs=1),
                                           self.digit_pitch(label.height)) if pitch is not None]
            # A point or comma Tesseract made up or took for the other ('12250' read
            # '122.50' on every label of an axis: a line a hundredth of the true one).
            text = separators_as_inked(text, label.members, pitches[0] if pitches else None)
        parsed = parse_label(text)
        if parsed is not None and characters_missing(text, label.members):
            # Tesseract dropped a character ('150' read as '15', '-20' as '20', '15°S' as
            # '15°'): the number it gives is another one, and a few labels can fit a line
            # through it. Not a value: the fit goes on without it.
            text, parsed = f"{text} (a character not read)", None
        elif parsed is not None and text_line_only(label.members):
            pitches = [pitch for pitch in (self.digit_pitch(label.height),
                                           digit_pitch([label], label.height, least_pairs=1))
                       if pitch is not None]
            if pitches and wider_than_text(_unit_spaced(text), label.width,
                                            max(pitches)):
                # Glyphs wider than the characters read: one was not read though no glyph is
                # missing (two digits touching make one glyph: '10' read '1'; '-140°' read
                # '140°').
                text, parsed = f"{text} (wider than its text: a character not read)", None
            elif pitches and narrower_than_text(text, label.members, min(pitches)):
                # Glyphs narrower than the digits read: a character was read twice or made up
                # ('100' read '1000' on every label of an axis is still linear, ten times
                # the true scale).
                text, parsed = f"{text} (narrower than its text: a character too many)", None
        return text, parsed

    def digit_pitch(self, height):
        """The digits' pitch (pixels) of the figure's labels as tall as ``height``
        (:func:`digit_pitch`), found once per height."""
        key = ("pitch", int(round(height)))
        if key not in self.cache:
            self.cache[key] = digit_pitch(self.labels, height)
        return self.cache[key]

    def _read_crossed(self, label, text, parsed):
        """The reading of a label a box's line runs through (read with the glyph the line
        crosses: ``text``, ``parsed``), or its own glyphs' reading marked as no value.

        The reading with the crossed glyph is taken when that glyph was seen whole enough
        (:attr:`.text.TextLabel.hidden_glyph_seen`) and the reading is the label's own glyphs'
        reading with characters added at the line's end ('150' and '1500'): the line's pixels
        read as a stroke may make another character of what lies under it. Otherwise
        the label lost glyphs to the line that cannot be read ('200 150 100 50' for '2000 1500
        1000 500', which lie on a line as well): no value.
        """
        side, _ = label.crossed_line
        if side in ("top", "bottom"):
            problem = self._sign_hidden(label) if parsed is not None else None
            if problem:
                return f"{text} ({problem})", None
            return text, parsed
        own = TextLabel(*label.glyph_box, max(label.glyphs - 1, 1), label.members[:-1],
                        inside=label.inside)
        own_text, _ = self._read_checked(own)
        whole = normalise(text).replace(" ", "")
        part = normalise(own_text).replace(" ", "")
        extended = bool(part) and len(whole) > len(part) and (
            whole.startswith(part) if side == "left" else whole.endswith(part))
        if parsed is not None and label.hidden_glyph_seen and extended:
            return text, parsed
        return f"{own_text} (cut by a line: a glyph under it not read)", None

    def marks_of(self, side, labels):
        """Every tick mark of a side (minor and major), pixels along it: a GMT fancy frame's
        band turns, the marks inside a box its labels are written across, or the marks
        outward from the side."""
        band = self._fancy_band(side)
        if band.size >= 3:
            return band
        marks = self._marks_under_crossed(labels)
        if marks is not None:
            return marks
        return self.side_ticks(side)[0]

    def _inner_marks(self, crossed_line):
        """The tick marks inside the box a label is written across (``crossed_line``: the
        side and the box), standing on its other line (found once per box and side)."""
        side, box = crossed_line
        key = ("marks", box, side)
        if key not in self.cache:
            if side in ("top", "bottom"):
                marks = marks_inside_box(self.lum, box, self.page,
                                         "bottom" if side == "top" else "top")
            else:
                # A vertical box's sides are a horizontal one's on the transposed figure.
                col0, row0, col1, row1 = box
                marks = marks_inside_box(self.lum.T, (row0, col0, row1, col1), self.page,
                                         "bottom" if side == "left" else "top")
            self.cache[key] = marks
        return self.cache[key]

    def _marks_under_crossed(self, labels):
        """The tick marks of a side's labels written across one box's horizontal line, or
        None when they are not."""
        crossed = {label.box(): label.crossed_line for label in self.labels
                   if label.crossed_line is not None}
        owners = {crossed[tuple(label.box)] for label in labels if tuple(label.box) in crossed}
        if len(owners) != 1:
            return None
        marks = self._inner_marks(owners.pop())
        # Tick marks are evenly spaced: anything else inside the box is not them.
        return marks if even_spacing(marks) is not None else None

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

    def _read_with_superscript(self, label):
        """Read a label; a raised, smaller trailing part made of digits is an exponent (10² is
        read as 10^2). A raised degree sign is not: the whole label's reading then stands."""
        lum, (col0, row0) = self._source(label)

        def crop(box):
            return crop_label(lum, (box[0] - col0, box[1] - row0, box[2] - col0,
                                    box[3] - row0), self.page)

        text, _ = read_label(crop(label.box()))
        members = label.members or [label.box()]
        base, raised = _raised_split(members)
        if not raised:
            # Small text (72-96 dpi): the exponent's anti-aliased edge touches the base's last
            # digit and they came out as one glyph. Their cores (pixels darker than half the
            # page) stand apart.
            base, raised = _raised_split(
                [(c0 + col0, r0 + row0, c1 + col0, r1 + row0) for c0, r0, c1, r1 in _core_glyphs(
                    lum, (label.col0 - col0, label.row0 - row0, label.col1 - col0,
                          label.row1 - row0), self.page)])
        if not raised or not base or min(m[0] for m in raised) < max(m[2] for m in base) - 1:
            return text
        if any(mark in text for mark in "°'′″\"") and \
                max(m[3] - m[1] for m in raised) <= DEGREE_MARK_SHARE * max(m[3] - m[1]
                                                                        for m in base):
            # A degree ring (or primes) read as such, small: no exponent (GMT's '-20°' at
            # 197 dpi: its ring read alone as '8' made it -20^8). A raised digit is taller
            # (matplotlib's 10⁰, 0.8 of the base, which Tesseract reads as '10°').
            return text
        base_text, _ = read_label(crop(_union(base)))
        exponent_text, _ = read_label(crop(_union(raised)))
        exponent_text = normalise(exponent_text)
        if not re.fullmatch(r"-?\d{1,3}", exponent_text) and \
                re.search(r"[°oO]$", normalise(text)) and _superscript_zero(base, raised):
            # A raised ring is a degree sign or an exponent 0 (10⁰ at 72-96 dpi is read '10°',
            # its exponent alone 'e'): a degree sign is about 0.4 of a digit's height and
            # round, an exponent's digit some 0.7 of it and taller than wide.
            exponent_text = "0"
        if re.fullmatch(r"-?\d{1,3}", exponent_text) and re.fullmatch(r"-?\d+(\.\d+)?",
                                                                   normalise(base_text)):
            return f"{base_text}^{exponent_text}"
        return text

    def _source(self, label):
        """The image a label is read from, and its origin (column, row) in the figure: a
        label's own pixels when it was cut from touching ones, the figure's luma, or for text
        over the map its darkness over the colours around it."""
        if getattr(label, "patch", None) is not None:
            return label.patch
        if getattr(label, "inside", False) and self.over_map is not None:
            _, brightness, origin = self.over_map
            return brightness * self.page, origin
        return self.lum, (0, 0)

    def over_map_labels(self):
        """Text drawn over the map inside the frame (a colorbar straight on the map and its
        labels, inline graticule labels, annotations inside the frame), found once and added
        to the labels beside which sides are searched.

        Glyphs are found by :func:`.text.ink_over_map` in the frame (its lines, the colorbar
        and a legend box left out; a glyph touching them is a tick mark or part of their
        drawing), merged into labels like the page's.

        Returns
        -------
        list of TextLabel
        """
        if self.over_map is not None:
            return self.over_map[0]
        frame = self.layout.frame
        found = []
        if frame is None:
            self.over_map = (found, None, (0, 0))
            return found
        # The map inside the frame's lines, to the pixels beside them: an inward tick mark
        # starts there (on the bottom and right sides too: the row or column next to the line
        # is where find_tick_marks looks first). Glyphs touching its edge are ticks or the
        # line itself (excluded below).
        col0, row0, col1, row1 = frame.inner_pixel_box()
        if col1 - col0 < 10 or row1 - row0 < 10:
            self.over_map = (found, None, (0, 0))
            return found
        ink, brightness = ink_over_map(self.rgb[row0:row1, col0:col1], self.text_height)
        exclude = np.zeros(ink.shape, bool)
        exclude[[0, -1], :] = True
        exclude[:, [0, -1]] = True
        # The colorbar, not the other candidates (layout.other_colorbars): unconfirmed, one
        # made of the map's own colours would hide the labels written on it (a cartopy map's
        # inline '20°W' lost so); a real second bar's tick marks taken for glyphs are at worst
        # left out as text, which is no data either.
        boxes = [self.layout.colorbar.pixel_box()] if self.layout.colorbar is not None else []
        if getattr(self.layout, "legend_box", None) is not None:
            boxes.append(self.layout.legend_box)
        for b0, a0, b1, a1 in boxes:
            exclude[max(a0 - 1 - row0, 0):max(a1 + 1 - row0, 0),
                    max(b0 - 1 - col0, 0):max(b1 + 1 - col0, 0)] = True
        height = self.text_height
        glyph_ink = _rejoined_across_lines(ink, _without_lines(ink, int(2.5 * height) + 2))
        # Grid lines through labels (QGIS writes its annotations inside the frame centred on
        # their grid lines) are no strokes of them: OCR read the line's column as a '1'
        # ('620000' read '6201000', every label alike, a fit ten times too steep). The page
        # OCR reads is white there; a stroke the line covers loses a pixel or two of width.
        brightness = np.where(ink & ~glyph_ink, np.float32(1.0), brightness)
        glyphs = find_glyphs(glyph_ink, exclude, max_height=int(2.5 * height) + 2)
        for label in merge_into_labels(glyphs):
            if label.height < 0.5 * height or label.height > 2.5 * height:
                continue
            label.col0 += col0
            label.col1 += col0
            label.row0 += row0
            label.row1 += row0
            label.members = [(m[0] + col0, m[1] + row0, m[2] + col0, m[3] + row0)
                             for m in label.members]
            label.inside = True
            found.append(label)
        self.over_map = (found, brightness, (col0, row0))
        self.over_map_ink = (ink, (col0, row0))
        self.labels.extend(found)
        return found

    def _on_map(self, side):
        """Whether a side's line runs over the map (a colorbar straight on it), where the
        page's luma cannot tell tick marks from dark colours."""
        if self.layout.frame is None or getattr(self.layout, "legend_box", None) is not None:
            return False
        col0, row0, col1, row1 = self.layout.frame.inner_pixel_box()
        if side.horizontal:
            return row0 < side.position < row1 and col0 <= side.start and side.end <= col1
        return col0 < side.position < col1 and row0 <= side.start and side.end <= row1

    def _over_map_dark(self):
        """The over-map ink (:meth:`over_map_labels`) as a figure-sized mask."""
        if getattr(self, "_over_map_dark_mask", None) is not None:
            return self._over_map_dark_mask
        dark = np.zeros(self.lum.shape, bool)
        self.over_map_labels()
        if getattr(self, "over_map_ink", None) is not None:
            ink, (col0, row0) = self.over_map_ink
            dark[row0:row0 + ink.shape[0], col0:col0 + ink.shape[1]] = ink
        self._over_map_dark_mask = dark
        return dark

    def text_over_map(self, height):
        """Boxes of the text over the map as tall as an axis' labels (``height``, pixels,
        within a fifth): every label of two glyphs or more, read or not (contour labels and
        annotations beside no side are never read; a label OCR misread is text all the same),
        and single glyphs that were read as some text."""
        boxes = []
        for label in self.over_map_labels():
            if abs(label.height - height) > 0.2 * height + 1:
                continue
            read = self.cache.get(label.box())
            if label.glyphs >= 2 or (read is not None and read[0]):
                boxes.append(label.box())
        return boxes

    def inline_axis(self, axis):
        """Degree labels written over the map at their grid lines (cartopy's inline gridline
        labels): each longitude label centred on its meridian, each latitude label on its
        parallel, wherever along the other axis it sits (often repeated).

        Only labels in degrees are taken (a hemisphere letter or a degree sign: contour labels
        and other numbers on a map are not coordinates); E/W ones are x labels, N/S ones y
        labels, signed ones may be either and the fit decides. The grid lines crossing the
        whole map (:func:`.ticks.find_grid_lines`) place them; a label's centre alone when no
        line is found.

        Parameters
        ----------
        axis : str
            "x" or "y".

        Returns
        -------
        AxisReading
            ``side`` is the frame's bottom (x) or left (y) side, ``placement`` "inline".
        """
        labels = []
        for text_label in self.over_map_labels():
            if text_label.box() in self.claimed or text_label.glyphs < 2:
                continue
            text, parsed = self.read(text_label)
            if parsed is None or not parsed.degrees or \
                    parsed.hemisphere in (("N", "S") if axis == "x" else ("E", "W")):
                continue
            cx, cy = text_label.centre
            labels.append(TickLabel(text_label.box(), text, parsed.value,
                                    cx if axis == "x" else cy, parsed=parsed,
                                    across_text=axis == "y"))
        reading = AxisReading("bottom" if axis == "x" else "left", labels, placement="inline")
        if not labels:
            reading.problem = "no degree labels over the map"
            return reading
        lines = find_grid_lines(self.rgb, self.layout.frame.box, axis)
        # The drawn line is the tick; a label's centre is about a pixel off it vertically
        # (text is centred on its box, descent included).
        _attach_grid_lines(labels, lines + self.layout.snap_offset,
                           max(2.0, 0.6 * self.text_height), self.text_height)
        if self.layout.snap_offset == 0.0:
            _unsnap_grid_lines(labels)
        _place_by_the_others(labels)
        reading.fit = _on_one_step(labels, fit_ticks(labels))
        if axis == "y":
            reading.fit = _on_one_step(labels, _cylindrical_fit(labels, reading.fit))
        numbers = len(labels)
        kept = len(reading.kept)
        # Repeated labels (one per grid line crossing) count once.
        distinct = len({label.value for label in reading.kept})
        if reading.fit is None or distinct < MIN_KEPT_LABELS or kept < MIN_KEPT_SHARE * numbers:
            reading.problem = (f"{distinct} distinct of {numbers} degree labels over the map "
                               f"agree on one linear scale along {axis}")
            reading.fit = None
        return reading

    def read_side(self, side, owner, allow_log=False, ocr=True, cylindrical=False):
        """Labels beside a side, read, placed at their tick marks and fitted.

        With ``ocr`` False the labels are only found (not read nor fitted). With
        ``cylindrical`` (a map's y axis) latitude labels are also fitted as the common
        cylindrical projections space them (:func:`_cylindrical_fit`).
        """
        labels = []
        beside = self.labels_beside(side, owner)
        readings = [self.read(text_label) if ocr else ("", None) for text_label in beside]
        # Labels cut apart (:meth:`_split_crowded`) are trusted only together: a piece that
        # reads as no number took or lost a glyph at a cut, and so may have its neighbours
        # ('165°W' read '65°' beside '170°W1'), which would still lie on a line.
        unreadable = {label.cut_from for label, (_, parsed) in zip(beside, readings)
                      if label.cut_from is not None and parsed is None}
        hemispheres = {parsed.hemisphere for _, parsed in readings
                       if parsed is not None and parsed.hemisphere}
        if side.inward and not side.horizontal:
            # Labels inside the frame whose end touches its line (matplotlib's labels drawn
            # against the spine with a negative pad): a glyph there is one component with the
            # line, lost with it ('-10' read '10' on every label: the axis turned over).
            reach = self._line_thickness() + TOUCHING_LINE_PX
            readings = [(f"{text} (touching the frame's line: a glyph under it may not be "
                         f"read)", None)
                        if parsed is not None and text_label.crossed_line is None and
                        (text_label.col0 - side.position if side.outward > 0
                         else side.position - text_label.col1) <= reach
                        else (text, parsed)
                        for text_label, (text, parsed) in zip(beside, readings)]
        # A label whose first glyph stands just clear of a line's ink (a colorbar's outline, a
        # spine, a tick mark running into the label): its minus sign, if it had one, is one
        # component of ink with the line and was lost with it ('-5000 ... -1000' read '5000 ...
        # 1000' on a bar whose labels touch its outline: the range turned over in silence).
        readings = [(f"{text} (its start touches a line: {SIGN_HIDDEN_NOTE})", None)
                    if parsed is not None and parsed.value >= 0 and
                    self._start_on_line(text_label) else (text, parsed)
                    for text_label, (text, parsed) in zip(beside, readings)]
        for text_label, (text, parsed) in zip(beside, readings):
            if parsed is not None and (
                    text_label.cut_from in unreadable or
                    parsed.hemisphere in (("N", "S") if side.horizontal else ("E", "W")) or
                    (hemispheres and parsed.degrees and not parsed.hemisphere
                     and parsed.value != 0)):
                # Also a latitude along x (a longitude along y), and a degree label without
                # the hemisphere letter the axis' other labels carry: misreads ('125°W' cut
                # short to '25°N' or '25°') must not join the fit.
                parsed = None
            cx, cy = text_label.centre
            if parsed is not None and leading_zero(text):
                # '05': no renderer writes a leading zero; a decimal point was not read
                # ('0.5'). No value (its point may be put back by the fit, or tell that every
                # label lost its own: _points_lost_everywhere).
                labels.append(TickLabel(text_label.box(), text, None, cx if side.horizontal
                                        else cy, parsed=parsed, across_text=not side.horizontal))
                continue
            labels.append(TickLabel(text_label.box(), text,
                                    None if parsed is None else parsed.value,
                                    cx if side.horizontal else cy, parsed=parsed,
                                    across_text=not side.horizontal))
        reading = AxisReading(side.name, labels,
                              placement="inside" if side.inward else "outside")
        if not ocr:
            return reading
        self._place_and_fit(reading, side, allow_log, cylindrical)
        if reading.fit is None and not allow_log and not side.inward:
            # Labels written at an angle (matplotlib's rotation=45/90, GMT's vertical y
            # annotations) come apart into glyphs that read as nothing: read them turned.
            labels, anchors = self.rotated_labels(side)
            best = None
            # Where a turned label's tick is depends on its alignment (a 45° label is
            # right-aligned at its tick, a 90° one centred): the anchor whose labels meet the
            # most tick marks, then fit closest, is the figure's.
            for rule in range(len(anchors[0]) if anchors else 0):
                for label, anchor in zip(labels, anchors):
                    label.label_position, label.tick_position = anchor[rule], None
                    label.tick_only, label.tick_weight = False, 0.5
                turned = AxisReading(side.name, labels)
                self._place_and_fit(turned, side, allow_log, cylindrical)
                score = (turned.fit is not None, len(turned.kept),
                         sum(label.tick_position is not None for label in labels),
                         -turned.fit.rmse_px if turned.fit is not None else 0.0)
                if best is None or score > best[0]:
                    best = (score, rule, turned.problem)
            if best is not None:
                for label, anchor in zip(labels, anchors):
                    label.label_position, label.tick_position = anchor[best[1]], None
                    label.tick_only, label.tick_weight = False, 0.5
                turned = AxisReading(side.name, labels)
                self._place_and_fit(turned, side, allow_log, cylindrical)
                if turned.fit is not None:
                    turned.rotated = True
                    return turned
                reading.problem += (f"; read as labels written at an angle: "
                                    f"{turned.problem.split(' on the ')[0]}")
                if turned.pair_fit is not None and (reading.pair_fit is None or all(
                        any(_holds(_widened(other.box, 2), label.box) for other in turned.kept)
                        for label in reading.kept)):
                    # Two labels written at an angle (QGIS's vertical annotations of a short
                    # side): a pair, for the other axis' scale to confirm
                    # (_confirm_by_aspect) as a pair read level would be; a pair read level
                    # from glyphs of those labels ('0' and '4' of '36.70°N') is none.
                    turned.rotated = True
                    turned.problem = reading.problem
                    return turned
        return reading

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

    def _start_on_line(self, label) -> bool:
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
                return True
        return False

    def _fancy_band(self, side):
        """The turns of a GMT fancy frame's band beside ``side`` when it is one of the fancy
        frame's sides, outward (:func:`.ticks.find_band_transitions`); else empty."""
        frame = self.layout.frame
        if frame is None or frame.kind != "fancy" or side.inward:
            return np.zeros(0)
        left, top, right, bottom = frame.box
        position = {"left": left, "right": right, "top": top, "bottom": bottom}[side.name]
        if abs(side.position - position) > 0.5:
            return np.zeros(0)
        return find_band_transitions(self.lum, self.page, side, self.layout.max_thickness)

    def _attach_inward_marks(self, labels, side, thickness, tolerance):
        """Labels outside a side given the tick marks drawn inward from it, over the map
        (:func:`.ticks.find_inward_tick_marks`), or else from the frame's opposite side (the
        classic style and GMT tick all four sides alike; the map's dark colours hide marks
        along one side), when those place at least half of them, all at one offset from their
        labels' centres (within 1.5 px or a quarter of the text's height: renderers centre a
        label on its tick; dark data by the frame taken for marks would not agree). Marks
        snapped by Agg (every attached mark at one pixel phase) place their labels alone, half
        a pixel back for odd widths; others are weighed against the labels' centres."""
        before = [(label.tick_position, label.tick_only) for label in labels]
        frame_sides = box_sides(self.layout.frame.box)
        opposite = {"top": "bottom", "bottom": "top", "left": "right", "right": "left"}
        for candidate in (side, frame_sides[opposite[side.name]]):
            marks, _ = find_inward_tick_marks(self.lum, self.layout.dark, candidate, thickness)
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
                _place_by_the_others(labels)
                return
        for label, (tick, tick_only) in zip(labels, before):
            label.tick_position, label.tick_only = tick, tick_only

    def _place_and_fit(self, reading, side, allow_log, cylindrical):
        """Tick marks (or grid lines) attached to a reading's labels, and their fit."""
        labels = reading.labels
        if not labels:
            reading.problem = f"no labels beside the {side.name} side"
            return
        thickness = self._line_thickness()
        # Tick marks drawn inward stand on the map: found in its ink, not by the page's luma.
        over_map = side.inward or (self.over_map is not None and self.over_map[1] is not None
                                   and self._on_map(side))
        band = self._fancy_band(side)
        marks = self._marks_under_crossed(labels)
        if band.size >= 2:
            # A GMT fancy frame: its chequered band turns exactly at the ticks.
            ticks, snapped, offset = band, True, 0.0
        elif marks is not None:
            # Labels written across a box's line: their ticks stand inward from its other line.
            ticks, snapped, offset = marks, False, 0.0
        elif over_map:
            ticks, lengths = find_tick_marks(self._over_map_dark(), side, thickness)
            snapped, offset = False, 0.0
        else:
            ticks, lengths = self.side_ticks(side)
            # Marks snapped to the pixel grid place their ticks alone: the labels' boxes are
            # snapped too, and offset from the tick by their glyphs' metrics (matplotlib's by
            # half a pixel to a pixel at 100-200 dpi), so they would only pull the fit off.
            snapped, offset = tick_marks_snapped(self.lum, self.page, side, ticks, lengths,
                                                 thickness, self.layout.dark)
        if not snapped and self.layout.snap_offset != 0.0:
            snapped, offset = True, self.layout.snap_offset
        tolerance = max(2.0, 0.6 * self.text_height)
        attach_tick_marks(labels, ticks + offset, tolerance, tick_only=snapped)
        if not allow_log and not over_map and band.size < 3 and \
                self.layout.frame is not None and \
                sum(label.tick_position is not None for label in labels) < 0.5 * len(labels):
            # Marks the over-map ink does not hold (against the map's dark colours), or on
            # the frame's opposite side only: found by their contrast with the map.
            self._attach_inward_marks(labels, side, thickness, tolerance)
        if not allow_log and self.layout.frame is not None and \
                sum(label.tick_position is not None for label in labels) < 0.5 * len(labels):
            # No tick marks (cartopy's gridliner): the grid lines the labels name place them,
            # alone: a line's centre over the whole map is within a few tenths of a pixel,
            # while a latitude label's is biased (matplotlib centres the text box, not the ink:
            # 0.15 of its height high), and the mean of both kept half that bias.
            lines = find_grid_lines(self.rgb, self.layout.frame.box,
                                    "x" if side.horizontal else "y")
            before = [(label.tick_position, label.tick_only) for label in labels]
            # A label stands centred on its line (its ink ~0.15 of its height off): a "line"
            # farther away is an edge in the map's colours (GMT's 72 dpi Kilauea map: one at
            # half a label's height from the bottom label moved every label 2.5 px).
            _attach_grid_lines(labels, lines + self.layout.snap_offset,
                               min(tolerance, max(2.0, GRID_LINE_LABEL_SHARE * self.text_height)),
                               self.text_height)
            offsets = [label.tick_position - label.label_position
                       for label, (tick, _) in zip(labels, before)
                       if label.tick_position is not None and label.tick_position != tick]
            if offsets and np.ptp(offsets) > max(1.5, 0.25 * self.text_height):
                # The lines disagree on where text sits on them: not all of them are lines.
                for label, (tick, tick_only) in zip(labels, before):
                    label.tick_position, label.tick_only = tick, tick_only
            elif offsets and self.layout.snap_offset == 0.0:
                _unsnap_grid_lines([label for label, (tick, _) in zip(labels, before)
                                    if label.tick_position is not None
                                    and label.tick_position != tick])
            _place_by_the_others(labels)
        if not snapped:
            weigh_marks_and_labels(labels, allow_log)
        reading.fit = _on_one_step(
            labels, fit_ticks(labels, allow_log=allow_log,
                              max_residual_px=MAX_COLORBAR_RESIDUAL_PX if allow_log else None),
            allow_log=allow_log)
        if cylindrical:
            reading.fit = _on_one_step(labels, _cylindrical_fit(labels, reading.fit))
        if _restore_dropped_points(labels, reading.fit):
            reading.fit = _on_one_step(labels, fit_ticks(labels, allow_log=allow_log,
                                                         projection=reading.fit.projection),
                                       allow_log=allow_log)
        numbers = sum(label.value is not None for label in labels)
        kept = len(reading.kept)
        points_lost = _points_lost_everywhere(labels, reading.fit)
        if points_lost:
            reading.problem = points_lost
            reading.fit = None
        elif reading.fit is None or kept < MIN_KEPT_LABELS or kept < MIN_KEPT_SHARE * numbers:
            reading.problem = (f"{kept} of {numbers} labels read as numbers on the {side.name} "
                               f"side agree on one {'scale' if allow_log else 'linear scale'}")
            cut = sum(CUT_BY_EDGE in label.text for label in labels)
            if cut:
                reading.problem += (f" ({cut} more cut by the figure's edge: the figure was "
                                    "cropped through them)")
            on_line = sum(SIGN_HIDDEN_NOTE in label.text for label in labels)
            if on_line:
                reading.problem += (f" ({on_line} more start against a line: "
                                    f"{SIGN_HIDDEN_NOTE})")
            # The pair placed by tick marks or, without them (QGIS's interior ticks, no ticks
            # at all), by the labels' centres, as a longer axis is (warned about then).
            if not allow_log and kept == 2 and numbers <= 3 and \
                    len({label.value for label in reading.kept}) == 2:
                reading.pair_fit = fit_ticks(reading.kept)
                # fit_ticks marks its own labels: the two stay kept, the others as they were.
            reading.fit = None

    def rotated_labels(self, side):
        """Labels written at an angle beside a side, each read turned along its own long axis.

        The glyphs in a band outside the side are grouped by closeness (a label's glyphs are
        less than half a text height apart, neighbouring labels much more); each group's
        principal axis gives its angle; its ink alone (not a neighbour's reaching into its
        box) is turned level, both ways round, and read. A label's place along the side is
        the middle of its end nearest the side: the anchor of a right-aligned 45° label and
        the centre of a 90° one.

        Returns
        -------
        labels : list of TickLabel
        anchors : list of tuple of float
            Per label, where its tick may be along the side: its middle, its far end, its near
            end, the middle of its end nearest the side.
        """
        from scipy import ndimage

        height = self.text_height
        rows, cols = self.lum.shape
        reach = int(8 * height + 0.03 * max(rows, cols))
        if side.horizontal:
            lo, hi = (side.position + 2, side.position + reach) if side.outward > 0 else \
                (side.position - reach, side.position - 2)
            r0, r1 = int(max(lo, 0)), int(min(hi, rows))
            c0, c1 = int(max(side.start - 3 * height, 0)), int(min(side.end + 3 * height, cols))
        else:
            lo, hi = (side.position + 2, side.position + reach) if side.outward > 0 else \
                (side.position - reach, side.position - 2)
            c0, c1 = int(max(lo, 0)), int(min(hi, cols))
            r0, r1 = int(max(side.start - 3 * height, 0)), int(min(side.end + 3 * height, rows))
        if r1 - r0 < 4 or c1 - c0 < 4:
            return [], []
        ink = self.glyph_ink[r0:r1, c0:c1]
        # Grown as squares, not diamonds: a decimal point stands at the baseline, off the
        # digits' middle, and a diamond's reach along a diagonal is half its reach straight
        # (a vertical '49.5°N' in a serif font came apart at its point: '49' and '5°N').
        growth = max(1, int(round(0.2 * height)))
        grown = ndimage.binary_dilation(ink, structure=np.ones((3, 3), bool),
                                        iterations=growth)
        groups, count = ndimage.label(grown)
        groups = _join_text_line_pieces(groups, count, height, growth)
        labels, anchors = [], []
        for index, found in enumerate(ndimage.find_objects(groups)):
            if found is None:
                continue
            member = (groups[found] == index + 1) & ink[found]
            ys, xs = np.nonzero(member)
            if ys.size < 10 or max(ys.ptp(), xs.ptp()) < 1.5 * height:
                continue
            ys = ys + found[0].start + r0
            xs = xs + found[1].start + c0
            centred = np.column_stack([xs - xs.mean(), ys - ys.mean()]).astype(float)
            _, _, axes = np.linalg.svd(centred, full_matrices=False)
            angle = float(np.degrees(np.arctan2(axes[0][1], axes[0][0])))
            tilt = abs((angle + 90) % 180 - 90)
            if tilt < 15:
                continue  # level text: the ordinary reading's
            text, parsed = self._read_turned(ys, xs, angle)
            # Candidate anchors along the side: the ink's middle, either end of its extent,
            # and the middle of its end nearest the side.
            across, along = (ys, xs) if side.horizontal else (xs, ys)
            distance = np.abs(across - side.position)
            end = distance <= distance.min() + 0.5 * height
            anchors.append((0.5 * (along.min() + along.max() + 1), float(along.max()) + 1.0,
                            float(along.min()), float(along[end].mean()) + 0.5))
            box = (int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1)
            labels.append(TickLabel(box, text, None if parsed is None else parsed.value,
                                    anchors[-1][0], parsed=parsed,
                                    angle=(angle + 90.0) % 180.0 - 90.0))
        return labels, anchors

    def _read_turned(self, ys, xs, angle):
        """Text and parsed value of one label's ink turned level (both ways round tried)."""
        from scipy import ndimage

        height = self.text_height
        margin = int(height)
        row0, col0 = ys.min() - margin, xs.min() - margin
        patch = np.full((ys.ptp() + 1 + 2 * margin, xs.ptp() + 1 + 2 * margin), self.page,
                        np.float32)
        patch[ys - row0, xs - col0] = self.lum[ys, xs]
        best = ("", None)
        for turn in (angle, angle + 180.0):
            level = ndimage.rotate(patch, turn, reshape=True, order=1, cval=self.page)
            dark = np.nonzero(level < self.page - max(40.0, self.page / 3.0))
            if dark[0].size == 0:
                continue
            box = (int(dark[1].min()), int(dark[0].min()), int(dark[1].max()) + 1,
                   int(dark[0].max()) + 1)
            text, _ = read_label(crop_label(level, box, self.page))
            parsed = parse_label(text)
            if parsed is not None and (best[1] is None or len(text) > len(best[0])):
                best = (text, parsed)
        return best

    def _line_thickness(self):
        return 2.0

    def read_title(self, side, tick_labels):
        """The axis title beyond a side's tick labels ('' when none): one line of text within
        three text heights outward, along the side's middle; a vertical side's title is
        rotated (matplotlib's ylabel, GMT's y-axis label) and read turned upright."""
        if not tick_labels:
            return ""
        height = self.text_height
        if side.horizontal:
            if side.outward > 0:
                near = max(label.box[3] for label in tick_labels)
                region = (side.start, near + 1, side.end, near + 3 * height)
            else:
                near = min(label.box[1] for label in tick_labels)
                region = (side.start, near - 3 * height, side.end, near - 1)
        else:
            if side.outward > 0:
                near = max(label.box[2] for label in tick_labels)
                region = (near + 1, side.start, near + 3 * height, side.end)
            else:
                near = min(label.box[0] for label in tick_labels)
                region = (near - 3 * height, side.start, near - 1, side.end)
        inside = [label for label in self.labels
                  if label.col0 >= region[0] and label.col1 <= region[2]
                  and label.row0 >= region[1] and label.row1 <= region[3]
                  and label.box() not in self.claimed]
        if not inside:
            return ""
        col0, row0 = min(label.col0 for label in inside), min(label.row0 for label in inside)
        col1, row1 = max(label.col1 for label in inside), max(label.row1 for label in inside)
        margin = max(4, int(0.5 * height))
        rows, cols = self.lum.shape
        crop = self.lum[max(row0 - margin, 0):min(row1 + margin, rows),
                        max(col0 - margin, 0):min(col1 + margin, cols)]
        if not side.horizontal:
            # Text written upward (rotated 90°): turned clockwise to read left to right.
            crop = np.rot90(crop, k=-1)
        image = crop_label(crop, (0, 0, crop.shape[1], crop.shape[0]), self.page, margin=0)
        text = read_text(image)
        if not side.horizontal and not unit_in_title(text):
            # Written downward (rotated -90°), as some tools do on a right-hand axis.
            text_down = read_text(crop_label(np.rot90(crop, k=2), (0, 0, crop.shape[1],
                                                                   crop.shape[0]), self.page,
                                             margin=0))
            if unit_in_title(text_down):
                text = text_down
        return text

    def offset_multiplier(self, frame_box, axis):
        """matplotlib's offset text ('1e6' above the y axis, at the x axis' right end)."""
        left, top, right, bottom = frame_box
        height = self.text_height
        for label in self.labels:
            cx, cy = label.centre
            if axis == "y":
                near = (top - 3 * height <= label.row1 <= top + 1) and (
                    left - 4 * height <= cx <= left + 6 * height)
            else:
                near = (bottom < label.row0 <= bottom + 5 * height) and (
                    right - 6 * height <= cx <= right + 6 * height) and label.col1 > right
            if not near:
                continue
            text, parsed = self.read(label)
            if parsed is not None and parsed.exponent_form and parsed.value > 0:
                return parsed.value, text
        return 1.0, ""


#: A cylindrical projection replaces evenly spaced latitudes when its fit's RMS residual is at
#: most this share of theirs, and theirs shows a curve: a largest residual above
#: :data:`CURVE_EVIDENCE_PX` (below it the two cannot be told apart from the pixel grid).
PROJECTION_RMS_SHARE = 0.7
CURVE_EVIDENCE_PX = 0.75


def _cylindrical_fit(labels, linear):
    """The fit of latitude labels as evenly spaced degrees or as a cylindrical projection's
    northings (Mercator, Miller, ...), whichever explains more labels, then fits closer.

    Only labels written in degrees are tried; the winner's inliers are left ``kept``.
    """
    from .projections import CYLINDRICAL

    degrees = [label for label in labels if label.parsed is not None and label.parsed.degrees]
    if linear is not None and len(linear.kept) >= 3 and \
            linear.max_residual_px <= CURVE_EVIDENCE_PX:
        return linear
    if len(degrees) < 3 or len(degrees) < 0.5 * sum(label.value is not None for label in labels):
        return linear

    def score(fit):
        return (len(fit.kept), -fit.rmse_px) if fit is not None else (0, 0.0)

    def told_apart(challenger, holder):
        # More labels kept, or as many fitted clearly closer (the same bar as a projection
        # against evenly spaced degrees): within the pixel grid's noise the earlier candidate
        # stays. Mercator on the ellipsoid (GMT -JM, cartopy's Mercator, EPSG:3395) and on
        # the sphere (web maps) differ by a few tenths of a pixel at the labels, yet by up to
        # a pixel where the frame's corners are extrapolated: a tie must not go to the sphere
        # by noise.
        return challenger[0] > holder[0] or (
            challenger[0] == holder[0] and -challenger[1] <= PROJECTION_RMS_SHARE * -holder[1])

    # Scored before the projections are tried: each fit re-marks the labels' ``kept``.
    linear_score = score(linear)
    best, best_score = None, None
    for projection in CYLINDRICAL:
        fit = fit_ticks(labels, projection=projection)
        if fit is not None and (best is None or told_apart(score(fit), best_score)):
            best, best_score = projection, score(fit)
    wins = best is not None and told_apart(best_score, linear_score)
    # Leave the winner's inliers marked.
    return fit_ticks(labels, projection=best) if wins else fit_ticks(labels)


#: The values of an axis' labels are whole multiples of one step, within this share of it
#: (printed labels are rounded: 0.33, 0.67, 1.00 steps by 0.34 and 0.33).
STEP_MULTIPLE_TOLERANCE = 0.05


def values_on_one_step(values) -> bool:
    """Whether values are whole multiples of one step apart (their smallest difference):
    what tick labels are, and what misreads that happen to lie near the line are not
    ('-125', '-24', '23.5' at three ticks of a '-125.5°W ... -122°W' axis, 1.06 px off it).

    Parameters
    ----------
    values : sequence of float

    Returns
    -------
    bool
        True for fewer than three distinct values (nothing to compare).
    """
    distinct = np.unique(np.asarray(values, float))
    if distinct.size < 3:
        return True
    step = float(np.min(np.diff(distinct)))
    multiples = (distinct - distinct[0]) / step
    return bool(np.all(np.abs(multiples - np.round(multiples)) <= STEP_MULTIPLE_TOLERANCE))


def _on_one_step(labels, fit, allow_log=False):
    """A linear fit whose kept labels' values are on one step (:func:`values_on_one_step`);
    while they are not, the kept label farthest from the line is dropped and the rest refitted
    (None when fewer than two are left). Logarithmic fits are left as they are (2, 5, 10 are
    on no common step)."""
    while fit is not None and not fit.logarithmic and \
            not values_on_one_step([label.value for label in fit.kept]):
        kept = fit.kept
        worst = kept[int(np.argmax(np.abs(fit.residuals_px)))]
        worst.value = None
        fit = fit_ticks(labels, allow_log=allow_log, projection=fit.projection)
    return fit


#: A label whose point was restored lies this close to the fit (pixels, or this share of the
#: tick spacing when larger): as close as a kept label.
RESTORED_POINT_PIXELS = 1.0
RESTORED_POINT_SPACING_SHARE = 0.05


def _restore_dropped_points(labels, fit) -> bool:
    """Labels the fit rejected that read as digits with their decimal point dropped ('1.0'
    read '10' at 72 dpi, where the point touches the 1's serif and makes one glyph with it),
    given the point back when the geometry confirms it.

    For each rejected label read as a plain number of two digits or more without a point,
    every placement of a point is tried; when exactly one puts the label on the fit (within
    :data:`RESTORED_POINT_PIXELS`, or :data:`RESTORED_POINT_SPACING_SHARE` of the tick
    spacing) and on the kept labels' step (:func:`values_on_one_step`), the label takes that
    value (its text gets the point too). A linear fit of at least three kept labels only.

    Returns
    -------
    bool
        Whether a label was changed (the fit must be redone).
    """
    if fit is None or fit.logarithmic or len(fit.kept) < MIN_KEPT_LABELS:
        return False
    kept_values = [label.value for label in fit.kept]
    positions = np.sort([label.position for label in fit.kept])
    spacing = float(np.median(np.diff(positions))) if positions.size > 1 else 0.0
    tolerance = max(RESTORED_POINT_PIXELS, RESTORED_POINT_SPACING_SHARE * spacing)
    changed = False
    for label in labels:
        if label.kept or label.parsed is None or label.parsed.exponent_form:
            continue
        match = re.fullmatch(r"(-?)(\d{2,})(.*)", normalise(label.text).replace(" ", ""))
        if not match:
            continue
        sign, digits, rest = match.groups()
        fits = []
        for cut in range(1, len(digits)):
            text = f"{sign}{digits[:cut]}.{digits[cut:]}{rest}"
            parsed = parse_label(text)
            if parsed is None:
                continue
            try:
                position = float(fit.position_of(parsed.value))
            except (ValueError, FloatingPointError):
                continue
            if np.isfinite(position) and abs(position - label.position) <= tolerance and \
                    values_on_one_step(kept_values + [parsed.value]):
                fits.append((text, parsed))
        if len(fits) == 1:
            label.text, label.parsed = fits[0]
            label.value = label.parsed.value
            changed = True
    return changed


#: Pixels beyond the frame's line thickness within which a label inside the frame touches
#: the line (anti-aliasing).
TOUCHING_LINE_PX = 1.5
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


#: Widest a character of a tick label is, as a share of the digits' pitch (their advance,
#: centre to centre): digits are all one advance wide in the fonts renderers use (DejaVu Sans,
#: Helvetica); the others measured in both, the wider kept ('−' in DejaVu is 1.32 digits wide,
#: 'W' in Helvetica 1.7). A label's ink is never wider than its characters' advances.
CHARACTER_PITCHES = {**{digit: 1.0 for digit in "0123456789"}, ".": 0.55, ",": 0.55,
                     "-": 1.35, "+": 1.0, "°": 0.85, "'": 0.45, "N": 1.3, "S": 1.2, "E": 1.2,
                     "W": 1.75, "k": 0.95, "m": 1.6, "K": 1.2, "M": 1.5, "e": 1.0, "x": 0.95,
                     "×": 1.35, " ": 0.6}
#: A label wider than its reading's characters can be by more than this share of a pitch (and
#: :data:`WIDER_THAN_TEXT_MIN_PX`) holds a character more than was read.
WIDER_THAN_TEXT_SHARE = 0.35
WIDER_THAN_TEXT_MIN_PX = 2.0


def digit_pitch(labels, height, least_pairs=4) -> "float | None":
    """The digits' pitch (pixels, centre to centre of neighbouring glyphs) of the figure's text
    as tall as ``height`` (within a quarter), from every label's glyphs: neighbouring glyphs
    of a label's full height, each no wider than a digit can be (touching digits merged into
    one glyph are left out). The median over the figure, or None with fewer than
    ``least_pairs`` pairs.

    Parameters
    ----------
    labels : list of text.TextLabel
    height : float
        The label's height, pixels.
    """
    pitches = []
    for label in labels:
        if not label.members or len(label.members) < 2 or \
                abs(label.height - height) > 0.25 * height:
            continue
        glyphs = sorted(label.members)
        for a, b in zip(glyphs, glyphs[1:]):
            if min(a[3] - a[1], b[3] - b[1]) < FULL_HEIGHT_SHARE * label.height or \
                    max(a[2] - a[0], b[2] - b[0]) > 0.9 * label.height:
                continue
            pitches.append(0.5 * (b[0] + b[2]) - 0.5 * (a[0] + a[2]))
    if len(pitches) < least_pairs:
        return None
    return float(np.median(pitches))


def text_line_only(members) -> bool:
    """Whether a label's glyphs all stand on one line of text: none reaches above or below its
    tallest glyph's rows by more than a pixel and a tenth of its height (a comma's tail, a
    degree sign). Ink of something else merged into it (the letters of a rotated axis title
    beside a colorbar's label) does, and makes its width no measure of its text."""
    if not members:
        return False
    tallest = max(members, key=lambda box: box[3] - box[1])
    slack = 1.0 + 0.1 * (tallest[3] - tallest[1])
    return all(row0 >= tallest[1] - slack and row1 <= tallest[3] + slack
               for _, row0, _, row1 in members)


def wider_than_text(text, width, pitch) -> bool:
    """Whether a label's ink (``width`` pixels) is wider than the characters read from it can
    be (each at most its :data:`CHARACTER_PITCHES` share of the digits' ``pitch``): a glyph
    was not read ('10' read '1' where the digits touch and make one glyph, a digit lost at a
    line). False when the reading holds a character of unknown width, or an exponent."""
    characters = normalise(text).strip()
    # A unit's space, which OCR drops ('3500 m' read '3500m'), has its width on the figure.
    characters = re.sub(r"(?<=\d)(?=[kmKM])", " ", characters)
    if not characters or pitch is None or "^" in characters or \
            any(character not in CHARACTER_PITCHES for character in characters):
        return False
    widest = sum(CHARACTER_PITCHES[character] for character in characters) * pitch
    return width > widest + max(WIDER_THAN_TEXT_MIN_PX, WIDER_THAN_TEXT_SHARE * pitch)


def _unit_spaced(text) -> str:
    """A reading with a space put back before a unit after its number ('610000m' ->
    '610000 m'): Tesseract drops the space a label's width holds (``610000 m`` in a font
    whose word space is narrow enough for the glyphs to make one label)."""
    return re.sub(r"(?<=\d)(%s)$" % "|".join(UNIT_WORDS), r" \1", normalise(text))


#: Narrowest a character's step to the next is, as a share of the digits' pitch, for the
#: characters a label made of numbers holds: digits are one advance each (tabular, in every
#: font renderers use); a point or a separator at least this.
CHARACTER_MIN_PITCHES = {**{digit: 1.0 for digit in "0123456789"}, ".": 0.4, ",": 0.4}
#: Narrowest a label's last glyph's ink is, as a share of the digits' pitch: a '1' (its stem
#: and flag), a point; any other digit (DejaVu Sans' and Helvetica's are 0.75-0.85 of their
#: advance wide) 0.6; other characters :data:`LAST_GLYPH_MIN_SHARE`.
LAST_GLYPH_MIN_SHARES = {**{digit: 0.6 for digit in "023456789"}, "1": 0.25}
LAST_GLYPH_MIN_SHARE = 0.15
#: A label narrower than its reading's characters can be by more than this share of a pitch
#: (and :data:`WIDER_THAN_TEXT_MIN_PX`) holds a character fewer than was read: half a digit,
#: as a '1' first stands a little in from its advance's start, and a character too many is a
#: whole one.
NARROWER_THAN_TEXT_SHARE = 0.5


def narrower_than_text(text, members, pitch) -> bool:
    """Whether a label's glyphs are narrower than the characters read from them can be: a
    character was read that is not there.

    The span measured runs from the first glyph (a leading sign's bar, a hyphen or a wider
    Unicode minus, is left out with its character) to the last glyph's end. Each character
    but the last steps at least its :data:`CHARACTER_MIN_PITCHES` share of the digits'
    ``pitch`` to the next, and the last one's ink is at least its
    :data:`LAST_GLYPH_MIN_SHARES` share of it; a span narrower than that by more than
    :data:`NARROWER_THAN_TEXT_SHARE` of a pitch (and :data:`WIDER_THAN_TEXT_MIN_PX`) holds
    fewer characters than were read. OCR reading a digit twice on every label ('500 1000
    1500' as '5000 10000 15000') keeps the values on a line ten times the true one, which no
    fit tells; their ink is a digit's pitch short. Only readings of digits, points and
    separators after an optional sign are judged (other characters' widths vary between
    fonts).

    Parameters
    ----------
    text : str
        The reading.
    members : list of tuple or None
        The label's glyph boxes (col0, row0, col1, row1), pixels.
    pitch : float or None
        The digits' pitch (centre to centre), pixels.

    Returns
    -------
    bool
    """
    characters = normalise(text).strip().replace(" ", "")
    if not members or pitch is None:
        return False
    signed = characters[:1] in ("-", "+")
    characters = characters[1:] if signed else characters
    if len(characters) < 2 or not characters[0].isdigit() or \
            any(character not in CHARACTER_MIN_PITCHES for character in characters):
        return False
    tallest = max(box[3] - box[1] for box in members)
    glyphs = sorted(members)
    if signed and len(glyphs) > 1 and glyphs[0][3] - glyphs[0][1] <= 0.35 * tallest and \
            glyphs[0][2] - glyphs[0][0] >= glyphs[0][3] - glyphs[0][1]:
        glyphs = glyphs[1:]  # the sign's bar
    span = max(box[2] for box in glyphs) - min(box[0] for box in glyphs)
    narrowest = (sum(CHARACTER_MIN_PITCHES[character] for character in characters[:-1]) +
                 LAST_GLYPH_MIN_SHARES.get(characters[-1], LAST_GLYPH_MIN_SHARE)) * pitch
    return span < narrowest - max(WIDER_THAN_TEXT_MIN_PX, NARROWER_THAN_TEXT_SHARE * pitch)


def leading_zero(text) -> bool:
    """Whether a label's reading starts with a zero followed by a digit ('05', '-05'): a
    decimal point not read, as no tick formatter writes that."""
    return re.match(r"[-+]?0\d", normalise(text).replace(" ", "")) is not None


def _points_lost_everywhere(labels, fit) -> str:
    """A problem when the labels a linear fit kept lost their decimal points like one read with
    a leading zero: '05' beside '10', '15', '20' ('0.5 1.0 1.5 2.0' with every point lost:
    the kept values lie on a line ten times the true one, which nothing else shows). The
    zero-led label's value with its point put back after the zero (0.5) lands where the fit
    puts it once every kept value is divided by 10, 100 or 1000: then the kept labels lost
    theirs too. "" otherwise (the zero-led label is only a misread, left out)."""
    if fit is None or fit.logarithmic or fit.projection is not None or len(fit.kept) < 2:
        return ""
    positions = np.sort([label.position for label in fit.kept])
    spacing = float(np.median(np.diff(positions)))
    tolerance = max(INLIER_PIXELS_FOR_POINTS, 0.1 * spacing)
    for label in labels:
        if label.kept or label.parsed is None or not leading_zero(label.text):
            continue
        digits = re.sub(r"\D", "", normalise(label.text).split(".")[0])
        sign = -1.0 if normalise(label.text).lstrip().startswith("-") else 1.0
        restored = sign * int(digits) / 10.0 ** (len(digits) - 1)
        for power in (1, 2, 3):
            position = float(fit.position_of(restored * 10.0 ** power))
            if np.isfinite(position) and abs(position - label.position) <= tolerance:
                said = ", ".join(f"'{kept.text}'" for kept in fit.kept)
                return (f"the labels were read without their decimal points: '{label.text}' "
                        f"(a leading zero: {restored:g}) lies where {restored * 10 ** power:g} "
                        f"would on the line through {said}, so these are {10 ** power:g} times "
                        "their true values")
    return ""


#: Farthest (pixels, or a tenth of the tick spacing when more) a zero-led label may lie from
#: where the fit puts its value with its point back, all values scaled.
INLIER_PIXELS_FOR_POINTS = 2.0


def characters_missing(text, members) -> bool:
    """More digits and letters in a label's glyphs than in its reading: OCR dropped one.

    Each digit or letter a tick label may hold (OCR's whitelist: digits, hemisphere letters,
    units) is one connected glyph of the text's full height on the figure; two digits touching
    at a low resolution make one glyph of two characters, never the reverse. So a reading with
    fewer of them than the label has full-height glyphs lost one ('150' read as '15', '15°S'
    as '15°'). Small glyphs (signs, points, the degree sign) and fragments below or above the
    text's line (the letters of a rotated axis title merged into the label) are not counted.

    Parameters
    ----------
    text : str
        The reading (after :func:`restore_decimal_point`).
    members : list of tuple or None
        The label's glyph boxes (col0, row0, col1, row1).

    Returns
    -------
    bool
    """
    if not members:
        return False
    tallest = max(members, key=lambda box: box[3] - box[1])
    height = tallest[3] - tallest[1]
    if height <= 0:
        return False
    full, x_height = 0, 0
    for _, row0, _, row1 in members:
        overlap = min(row1, tallest[3]) - max(row0, tallest[1])
        if row1 - row0 >= FULL_HEIGHT_SHARE * height and overlap >= FULL_HEIGHT_SHARE * height:
            full += 1
            x_height += row1 - row0 < CAP_HEIGHT_SHARE * height
    characters = sum(1 for character in text if character.isalnum())
    # A lower-case unit's glyphs ('m' of '670 m': x-height, below the digits' cap height) may
    # break apart at a low resolution (a serif 'm' at 96 dpi is a stroke and an 'n'): those
    # are counted as the lower-case letters read, the digits and capitals by themselves.
    lower = sum(1 for character in text if character.islower())
    if lower and x_height >= lower:
        return full - x_height > characters - lower
    return full > characters


#: A glyph this share of a label's tallest glyph high, on its line, is a digit or a letter.
FULL_HEIGHT_SHARE = 0.6
#: Below this share of the tallest glyph's height a full glyph is a lower-case letter's
#: x-height (0.72-0.8 of the digits' height in DejaVu, Nimbus, Liberation).
CAP_HEIGHT_SHARE = 0.85


def restore_decimal_point(text, members) -> str:
    """A decimal point Tesseract dropped, put back where the label's glyphs show it.

    At 72-96 dpi a point is one or two pixels, and Tesseract reads '0.4' as '04' and '-124.5'
    as '-1245'. The glyphs say where it was: one small square glyph on the baseline between
    two others (a comma hangs below the baseline; a minus sign sits at mid-height; a degree
    sign is raised). When the text has no separator and one character per other glyph, the
    point goes between the characters of the glyphs around it, if both are digits.

    Parameters
    ----------
    text : str
        Tesseract's reading.
    members : list of tuple or None
        The label's glyph boxes (col0, row0, col1, row1).

    Returns
    -------
    str
    """
    if not members or len(members) < 3 or any(mark in text for mark in ".,"):
        return text
    glyphs = sorted(members, key=lambda box: box[0])
    base_height = max(box[3] - box[1] for box in glyphs)
    baseline = max(box[3] for box in glyphs)
    points = [index for index, (col0, row0, col1, row1) in enumerate(glyphs)
              if 0 < index < len(glyphs) - 1 and row1 - row0 <= 0.3 * base_height
              and row1 - row0 <= col1 - col0 and row1 >= baseline - max(1.0, 0.1 * base_height)]
    characters = text.replace(" ", "")
    if len(points) != 1 or len(characters) != len(glyphs) - 1:
        return text
    before, after = characters[:points[0]], characters[points[0]:]
    if not (before[-1:].isdigit() and after[:1].isdigit()):
        return text
    return f"{before}.{after}"


def restore_minus_sign(text, members) -> str:
    """A leading minus sign Tesseract dropped, put back where the label's glyphs show it.

    Tesseract reads GMT's '−45' (a Unicode minus, a short bar before the digits) as '45' now
    and then, on a clean crop, with confidence 0. The glyphs say it was there: the first
    glyph is a bar (at least one and a half times as wide as tall, at most a third of the
    label's height) with its centre in the middle third of the label's height (a hyphen or
    minus; an underscore sits on the baseline, a degree sign is raised), and the text starts
    with a digit and has exactly one character per glyph but that one. Then '-' goes in
    front.

    Parameters
    ----------
    text : str
        Tesseract's reading.
    members : list of tuple or None
        The label's glyph boxes (col0, row0, col1, row1).

    Returns
    -------
    str
    """
    if not members or len(members) < 2:
        return text
    characters = text.replace(" ", "")
    if not characters or not characters[0].isdigit():
        return text
    glyphs = sorted(members, key=lambda box: box[0])
    top, bottom = min(box[1] for box in glyphs), max(box[3] for box in glyphs)
    height = bottom - top
    col0, row0, col1, row1 = glyphs[0]
    centre = 0.5 * (row0 + row1)
    if not (col1 - col0 >= 1.5 * (row1 - row0) and row1 - row0 <= height / 3
            and top + height / 3 <= centre <= bottom - height / 3):
        return text
    # The rest: exactly one character per other glyph (more characters: the bar may have been
    # read as a digit, or digits touch; either way the reading is left to the tick fit).
    if len(characters) != len(glyphs) - 1:
        return text
    return "-" + text


#: A separator's glyph is confirmed by the distance between the digits beside it: at least
#: this many digit pitches centre to centre (a point's or a comma's advance is half a digit's
#: in the fonts renderers use, so they stand 1.5 pitches apart around one, 1.0 without).
SEPARATOR_MIN_PITCHES = 1.25
#: A separator glyph whose bottom lies this share of the text's height (a pixel at least)
#: below the digits' baseline, and taller than wide, is a comma; else a point.
COMMA_DESCENT_SHARE = 0.08
#: A glyph wider than its digits' pitches but this share of one may hold a point or a comma
#: touching a digit (a digit's ink is 0.75-0.95 of its pitch).
MERGED_EXTRA_PITCHES = 0.05
_SEPARATED_NUMBER = re.compile(r"([-+]?)(\d[\d.,]*\d)(°?[NSEW]?(?: ?(?:%s))?)" % "|".join(UNIT_WORDS))


def separators_as_inked(text, members, pitch) -> str:
    """A reading's decimal points and commas checked against the label's own ink: each kept
    where a separator's glyph stands, swapped where it is the other one, dropped where none is.

    Tesseract adds a point that is not there ('12250' read '122.50': every label of an axis
    so, and the values lie on a line a hundredth of the true one, which no fit can tell) and
    takes a comma for a point ('12,300' read '12.300', that is 12.3). The glyphs say what is
    there. Each digit or letter is one glyph of the text's full height; when the reading has
    exactly one character per such glyph, the separator after the k-th digit lies between the
    k-th and the next full-height glyph. It is confirmed by a small glyph between them in the
    lower half of the text (a point sits on the digits' baseline; a comma hangs below it, and
    is taller than wide), or by the two digits standing :data:`SEPARATOR_MIN_PITCHES` digit
    pitches apart (a point too faint to be ink, or touching its digit at 72 dpi, still takes
    its room). Neither: no separator there, and it is dropped. A point where a comma's glyph
    hangs becomes a comma, and a comma where a point's glyph sits a point. Readings of other
    shapes (exponents, minutes), or whose glyphs do not map one to one on their characters
    (two digits touching make one glyph), are returned as they are.

    Parameters
    ----------
    text : str
        The reading.
    members : list of tuple or None
        The label's glyph boxes (col0, row0, col1, row1), pixels.
    pitch : float or None
        The digits' pitch (centre to centre), pixels; None when unknown (then only a glyph
        between the digits confirms a separator, and none found leaves the reading as it is).

    Returns
    -------
    str
    """
    characters = normalise(text).replace(" ", "")
    match = _SEPARATED_NUMBER.fullmatch(characters)
    if not members or match is None or not any(mark in match.group(2) for mark in ".,"):
        return text
    tallest = max(members, key=lambda box: box[3] - box[1])
    height = tallest[3] - tallest[1]
    if height <= 0:
        return text
    full, small = [], []
    for box in sorted(members):
        overlap = min(box[3], tallest[3]) - max(box[1], tallest[1])
        if box[3] - box[1] >= FULL_HEIGHT_SHARE * height and \
                overlap >= FULL_HEIGHT_SHARE * height:
            full.append(box)
        else:
            small.append(box)
    # Characters per full-height glyph: digits touching at a low resolution make one glyph of
    # several, as wide as their pitches and a digit's ink (about 0.8 of a pitch). The number's
    # digits come first; each letter after it (a hemisphere, a unit: wider than a digit) is
    # one glyph.
    digits = sum(1 for character in match.group(2) if character.isdigit())
    letters = sum(1 for character in match.group(3) if character.isalnum())
    counts, assigned = [], 0
    for box in full:
        if assigned == digits:
            break
        count = 1 if pitch is None else max(1, int(round((box[2] - box[0]) / pitch + 0.2)))
        counts.append(min(count, digits - assigned))
        assigned += counts[-1]
    if assigned != digits or len(full) - len(counts) != letters:
        return text
    # Each character's glyph and, in it, its centre (pixels along the line).
    owners, centres = [], []
    for index, (box, count) in enumerate(zip(full, counts)):
        for place in range(count):
            owners.append(index)
            centres.append(0.5 * (box[0] + box[2]) +
                           (place - 0.5 * (count - 1)) * (pitch or 0.0))
    digits_bottom = float(np.median([box[3] for box in full]))
    middle = 0.5 * (tallest[1] + tallest[3])
    number = match.group(2)
    mended, digits_before = [], 0
    for character in number:
        if character.isdigit():
            digits_before += 1
            mended.append(character)
            continue
        if owners[digits_before - 1] == owners[digits_before]:
            # Within one glyph of touching digits: a point between them would widen it by
            # half a digit (touching both); as narrow as its digits, it holds none.
            owner = owners[digits_before]
            if pitch is not None and full[owner][2] - full[owner][0] <= \
                    (counts[owner] + MERGED_EXTRA_PITCHES) * pitch:
                continue
            return text
        left, right = full[owners[digits_before - 1]], full[owners[digits_before]]
        between = [box for box in small
                   if left[2] - 1 <= 0.5 * (box[0] + box[2]) <= right[0] + 1 and box[1] >= middle]
        descent = max(1.0, COMMA_DESCENT_SHARE * height)
        if between:
            col0, row0, col1, row1 = max(between, key=lambda box: box[3])
            comma = row1 - digits_bottom >= descent and row1 - row0 > col1 - col0
            mended.append("," if comma else ".")
        elif left[3] - digits_bottom >= descent:
            mended.append(",")  # a comma touching the digit before it (no digit descends)
        elif pitch is None or any(
                box[2] - box[0] > (counts[index] + MERGED_EXTRA_PITCHES) * pitch
                for index, box in ((owners[digits_before - 1], left),
                                   (owners[digits_before], right))):
            # No pitch to go by, or a glyph wider than its digits: a point may touch one.
            mended.append(character)
        elif centres[digits_before] - centres[digits_before - 1] >= \
                SEPARATOR_MIN_PITCHES * pitch:
            mended.append(character)  # room for one: kept as read
        # else: neither a glyph nor room for one: not there.
    if "".join(mended) == number:
        return text
    return f"{match.group(1)}{''.join(mended)}{match.group(3)}"


def _raised_split(members):
    """Glyph boxes split into the base line's and the raised ones (an exponent: smaller, its
    bottom well above the base's)."""
    if not members:
        return [], []
    base_height = max(m[3] - m[1] for m in members)
    base_bottom = max(m[3] for m in members)
    raised = [m for m in members
              if (m[3] - m[1]) <= 0.9 * base_height and m[3] < base_bottom - 0.3 * base_height]
    return [m for m in members if m not in raised], raised


def _superscript_zero(base, raised) -> bool:
    """Whether the raised ink after the base is a digit's size and shape (an exponent 0),
    not a degree sign's: at least 0.55 of the base's height and 1.2 times taller than wide."""
    if not raised or not base:
        return False
    # The raised ink together (a pixel of anti-aliased edge may stand apart at 72 dpi).
    col0, row0, col1, row1 = _union(raised)
    base_height = max(m[3] - m[1] for m in base)
    return row1 - row0 >= 0.55 * base_height and row1 - row0 >= 1.2 * (col1 - col0)


def _core_glyphs(lum, box, page):
    """Boxes of the ink cores in a label's box (pixels darker than half the page's luma,
    8-connected), in figure pixel coordinates: glyphs that touch only through their
    anti-aliased edges come apart."""
    from scipy import ndimage

    col0, row0, col1, row1 = box
    core = lum[row0:row1, col0:col1] < 0.5 * page
    labelled, count = ndimage.label(core, structure=np.ones((3, 3), bool))
    if count < 2:
        return []
    return [(col0 + cs.start, row0 + rs.start, col0 + cs.stop, row0 + rs.stop)
            for rs, cs in ndimage.find_objects(labelled)]


def _attach_grid_lines(labels, lines, tolerance, text_height):
    """Each label given its grid line: the nearest within ``tolerance`` of its centre, then,
    for labels placed across their text lines (a y axis': their glyphs share their vertical
    metrics) when three or more have one, the nearest to where the others' lines say it is
    (its centre moved by their median offset from their centres: text sits the same way on
    every line), within a sixth of the text height. A coastline or the edge of a field
    running along a parallel is a line too, and may lie nearer to a label's centre than its
    own parallel (cartopy's '60°S' 2.4 px from one, 3.1 px from its parallel)."""
    attach_tick_marks(labels, lines, tolerance, tick_only=True)
    placed = [label for label in labels if label.tick_position is not None]
    if len(placed) < 3 or lines.size == 0 or not all(label.across_text for label in labels):
        # Along a line of text (an x axis' labels) the ink's centre moves with the glyphs
        # ('10°W' and '10°E' differ by a pixel or two): no common offset.
        return
    offset = float(np.median([label.tick_position - label.label_position for label in placed]))
    near = max(1.5, text_height / 6.0)
    for label in labels:
        expected = label.label_position + offset
        nearest = lines[np.argmin(np.abs(lines - expected))]
        if abs(nearest - expected) <= near:
            label.tick_position, label.tick_only = float(nearest), True
        elif label.tick_position is not None and \
                abs(label.tick_position - expected) > near:
            # Its own line was not found: placed by the others (_place_by_the_others).
            label.tick_position = None


def _unsnap_grid_lines(labels) -> bool:
    """Labels placed by grid lines that Agg snapped moved back to where the lines were meant.

    Agg draws a crisp line of odd width at ``floor(x + 0.5) + 0.5`` (image coordinates, rows
    down): a pixel's centre, 0 to 1 px after the line's true position ``x``, half a pixel late
    on average (cartopy's 0.6 pt grid lines at 100-170 dpi, matplotlib's grid over a map). Half
    a pixel is taken off when the lines look so (:func:`.ticks.marks_snapped_offset`); lines of
    even width sit on pixel edges, unbiased, and are left alone, as are anti-aliased ones.

    Parameters
    ----------
    labels : list of TickLabel
        Labels whose ``tick_position`` is a grid line's centre (the others are ignored).

    Returns
    -------
    bool
        Whether the positions were moved.
    """
    placed = [label for label in labels if label.tick_position is not None]
    offset = marks_snapped_offset([label.tick_position for label in placed])
    if not offset:
        return False
    for label in placed:
        label.tick_position += offset
    return True


def _place_by_the_others(labels):
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


#: Largest gap (text heights) between the boxes of two pieces of one line of text that are
#: joined: a decimal point's box is 0.23 text heights from a '7' (DejaVu Serif); labels one
#: after another along a side are farther apart (matplotlib's crowded 90° y labels: 0.6).
TEXT_LINE_GAP = 0.35
#: Widest a line of text written upright or sideways may be across its run (text heights: a
#: glyph's height with its accents and descenders).
TEXT_LINE_WIDTH = 1.6


def _join_text_line_pieces(groups, count, height, growth) -> np.ndarray:
    """Glyph groups that are pieces of one line of text written up, down or level, joined.

    A label's glyphs are grouped by closeness; a decimal point stands at the baseline, off the
    digits' middle, and a glyph whose ink is thin at that side ('7', '1' in a serif font) can
    leave more than the grouping's reach to it: a vertical '36.70°N' came apart into '36.' and
    '70°N'. Two groups are one line when both are no wider across than a line of text
    (:data:`TEXT_LINE_WIDTH`), their extents across overlap on most of the narrower one, and
    the gap between their ink's boxes along the line is under :data:`TEXT_LINE_GAP` text
    heights. Labels at 45° are wider than a line of text across either direction and are left
    as grouped.

    Parameters
    ----------
    groups : ndarray of int
        ``scipy.ndimage.label``'s labels (0 background) of the grown ink.
    count : int
    height : float
        Text height, pixels.
    growth : int
        Pixels the ink was grown by on every side before it was labelled.

    Returns
    -------
    ndarray of int
        The labels, joined pieces under one number (some numbers then unused).
    """
    from scipy import ndimage

    if count < 2:
        return groups
    boxes = [(found[0].start, found[0].stop, found[1].start, found[1].stop)
             if found is not None else None for found in ndimage.find_objects(groups)]
    parent = list(range(count + 1))

    def root(index):
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    widest = TEXT_LINE_WIDTH * height + 2 * growth
    gap = TEXT_LINE_GAP * height - 2 * growth
    for first in range(count):
        for second in range(first + 1, count):
            a, b = boxes[first], boxes[second]
            if a is None or b is None:
                continue
            # Along rows (text written up or down) and along columns (level text).
            for along, across in (((0, 1), (2, 3)), ((2, 3), (0, 1))):
                width_a, width_b = a[across[1]] - a[across[0]], b[across[1]] - b[across[0]]
                joined_width = max(a[across[1]], b[across[1]]) - min(a[across[0]], b[across[0]])
                overlap = min(a[across[1]], b[across[1]]) - max(a[across[0]], b[across[0]])
                separation = max(a[along[0]], b[along[0]]) - min(a[along[1]], b[along[1]])
                if max(width_a, width_b, joined_width) <= widest and \
                        overlap >= 0.6 * min(width_a, width_b) and separation <= gap:
                    parent[root(second + 1)] = root(first + 1)
                    break
    mapping = np.array([root(index) for index in range(count + 1)])
    return mapping[groups]


def _rejoined_across_lines(ink, glyph_ink, reach=3):
    """Glyph ink with the pixels of a removed horizontal line put back where a glyph's ink
    lies above and below them within ``reach`` pixels: the strokes the line crossed. QGIS
    centres an annotation inside the frame on its grid line, which cuts every glyph of a
    label beside a vertical side in two halves too short to be text. (A vertical line leaves
    its glyphs their height; put back between two glyphs it would read as a '1'.)"""
    removed = ink & ~glyph_ink
    if not removed.any():
        return glyph_ink
    above = np.zeros_like(glyph_ink)
    below = np.zeros_like(glyph_ink)
    for step in range(1, min(reach, glyph_ink.shape[0] - 1) + 1):
        above[step:] |= glyph_ink[:-step]
        below[:-step] |= glyph_ink[step:]
    return glyph_ink | (removed & above & below)


def _without_lines(ink, length):
    """Ink less its straight horizontal and vertical runs of ``length`` pixels or more:
    grid lines, coastlines along a parallel, a bar's outline. A glyph's strokes are shorter
    than that; a grid line through a label would join its glyphs into one tall blot."""
    from scipy import ndimage

    lines = ndimage.binary_opening(ink, structure=np.ones((1, length), bool)) | \
        ndimage.binary_opening(ink, structure=np.ones((length, 1), bool))
    return ink & ~lines


def _box_has_side(box, side) -> bool:
    """Whether ``side`` is one of a pixel box's (col0, row0, col1, row1) sides (within a
    pixel: the box holds the side's line)."""
    col0, row0, col1, row1 = box
    position = {"top": row0, "bottom": row1, "left": col0, "right": col1}[side.name]
    start, end = (col0, col1) if side.horizontal else (row0, row1)
    return abs(side.position - position) <= 1.0 and abs(side.start - start) <= 1.0 and \
        abs(side.end - end) <= 1.0


def _between_side_and_bar(label, side, bar_box, labels_side) -> bool:
    """Whether a label stands between a side and a colorbar beyond it (outward, facing it
    along the side) whose labels were read on its far side; False when they were not read."""
    if labels_side is None:
        return False
    col0, row0, col1, row1 = bar_box
    cx, cy = label.centre
    if labels_side != side.name:
        return False  # its labels face this side: what stands between is theirs to claim
    if side.horizontal:
        if not col0 <= cx <= col1:
            return False
        return side.position < cy < row0 if side.outward > 0 else row1 < cy < side.position
    if not row0 <= cy <= row1:
        return False
    return side.position < cx < col0 if side.outward > 0 else col1 < cx < side.position


def _gap(box, other):
    """Distance between two pixel boxes (0 when they touch or overlap)."""
    dx = max(other[0] - box[2], box[0] - other[2], 0)
    dy = max(other[1] - box[3], box[1] - other[3], 0)
    return float(np.hypot(dx, dy))


def _overlap(box, other) -> bool:
    """Whether two pixel boxes share pixels."""
    return min(box[2], other[2]) > max(box[0], other[0]) and \
        min(box[3], other[3]) > max(box[1], other[1])


def _holds(box, other):
    """Whether pixel box ``box`` contains pixel box ``other``."""
    return box[0] <= other[0] and box[1] <= other[1] and box[2] >= other[2] and box[3] >= other[3]


def _widened(box, margin):
    """A pixel box grown by ``margin`` pixels on every side."""
    return (box[0] - margin, box[1] - margin, box[2] + margin, box[3] + margin)


def _union(boxes):
    boxes = np.array(boxes)
    return (int(boxes[:, 0].min()), int(boxes[:, 1].min()), int(boxes[:, 2].max()),
            int(boxes[:, 3].max()))


def read_figure_face(rgb, layout, want_axes=True, want_colorbar=True,
                     progress=None) -> "FigureReading":
    """Read the tick labels of the frame's axes and of the colorbar.

    Parameters
    ----------
    rgb : ndarray of uint8
    layout : layout.Layout
    want_axes, want_colorbar : bool
        What to read (OCR takes some 3–20 ms a label).
    progress : callable(fraction) -> bool, optional
        Called before each label is read, with the share of the sides done (0–1); returning
        True cancels with ``InterruptedError`` (the engine's cancellation, as
        :func:`..pipeline.decode_map`).

    Returns
    -------
    FigureReading

    Raises
    ------
    OcrUnavailable
        When Tesseract or tesserocr is missing (the message says how to install them).
    InterruptedError
        When ``progress`` asked to stop.
    """
    reader = _Reader(rgb, layout, progress)
    reading = FigureReading(all_labels=reader.labels)
    side_count = 2 * (layout.colorbar is not None) + 4 * (want_axes and layout.frame is not None)
    sides_started = [0]

    def next_side():
        reader.fraction = sides_started[0] / max(side_count, 1)
        sides_started[0] += 1

    frame = layout.frame
    if layout.colorbar is not None:
        bar = layout.colorbar
        over_map = frame is not None and getattr(layout, "legend_box", None) is None and \
            _holds(frame.pixel_box(), bar.pixel_box())
        if over_map:
            # A bar straight on the map: its labels are written over the map's colours.
            reader.over_map_labels()
        if _faded_ends_to_marks(reader.lum, layout.dark, bar, layout.page_rgb, rgb):
            reading.messages.append(
                "The colorbar fades into the page's colour at an end, which shows no edge: "
                "that end is placed at its outermost tick mark, where the marks running on "
                "beyond the faded colours end (a bar's ticks never lie beyond its ends).")
        sides = box_sides(bar.box)
        names = ("right", "left") if bar.vertical else ("bottom", "top")
        best = None
        for name in names:
            next_side()
            candidate = reader.read_side(sides[name], bar.pixel_box(), allow_log=True,
                                         ocr=want_colorbar)
            # With none kept either side, the side with labels says why they were not.
            if best is None or (len(candidate.kept), len(candidate.labels)) > \
                    (len(best.kept), len(best.labels)):
                best = candidate
        # The bar's labels are never an axis' labels (a bar beside the map is near its side).
        # Only the side read as the bar's: the other side of a bar close below the map holds
        # the map's own x labels (GMT's psscale 0.4 in below the frame), which stay the axis'.
        reader.claimed.update(tuple(label.box) for label in best.labels)
        if best.fit is not None:
            reader.bars_read[bar.pixel_box()] = best.side
        if want_colorbar:
            if best.fit is None and _fit_end_labels(best, bar):
                reading.messages.append(
                    "The colorbar has two labels, one at each end (as QGIS legends draw a colour "
                    "ramp): they are taken as the values at its ends, with no third label to "
                    "confirm them. Check VMIN and VMAX against the figure.")
            if best.fit is None:
                confirmed = _confirm_pair_by_marks(best, reader.marks_of(sides[best.side],
                                                                         best.labels))
                if confirmed:
                    reading.messages.append(f"The colorbar has {confirmed}.")
            beyond = reader.labels_beyond_bar_ends(best, bar)
            for line in ([beyond] if beyond else []) + _ends_beyond_ticks(best, bar):
                # An end doubted and left where it was found may be wrong: a warning.
                (reading.warnings if CUT_SHORT in line else reading.messages).append(line)
            if best.fit is not None and _faded_ends_to_ticks(rgb, bar, best, layout.page_rgb):
                reading.messages.append(
                    "The colorbar fades into the page's colour at an end, which shows no edge: "
                    "that end is placed at its outermost tick, a few pixels inside where the "
                    "fade was extrapolated to (GMT annotates a bar's ends).")
            reading.colorbar = _colorbar_values(best, bar, layout.snap_offset)
            if over_map and best.fit is not None:
                # The bar, its tick marks and its labels are one block of no data on the map.
                reading.over_map_boxes.append(_union(
                    [bar.pixel_box()] + [label.box for label in best.labels
                                         if label.value is not None]))
                reading.bar_labels_over_map = True
    if want_axes and layout.frame is not None:
        sides = box_sides(layout.frame.box)
        for axis, names in (("x", ("bottom", "top")), ("y", ("left", "right"))):
            best, read = None, []
            for name in names:
                next_side()
                candidate = reader.read_side(sides[name], layout.frame.pixel_box(),
                                             cylindrical=axis == "y")
                read.append(candidate)
                if best is None or len(candidate.kept) > len(best.kept):
                    best = candidate
            # The labels across the frame, when they fit too: they must say the same.
            best.opposite = next((candidate for candidate in read if candidate is not best
                                  and candidate.fit is not None), None)
            if best.fit is None:
                # Annotations inside the frame along a side (GMT's MAP_FRAME_TYPE=inside,
                # matplotlib's negative pad), then labels over the map at their grid lines.
                best = _inside_reading(reader, sides, names, layout.frame.pixel_box(), axis,
                                       best)
                if best.fit is not None:
                    # Every label of the axis, and every other one read over the map as
                    # digits (a misread label of that axis is text too), is no data.
                    reading.over_map_boxes += [label.box for label in best.labels
                                               if label.value is not None]
                    heights = [label.box[3] - label.box[1] for label in best.kept]
                    reading.over_map_boxes += reader.text_over_map(float(np.median(heights)))
            if best.fit is not None and best.placement == "outside":
                best.title = reader.read_title(sides[best.side], best.labels)
                best.title_unit = unit_in_title(best.title)
                best.multiplier, text = reader.offset_multiplier(layout.frame.box, axis)
                if best.multiplier != 1.0:
                    reading.messages.append(
                        f"The {axis} axis labels are multiplied by {best.multiplier:g} (the "
                        f"'{text}' written at the axis' end).")
            setattr(reading, f"{axis}_axis", best)
        _confirm_by_aspect(reading, layout.frame.box)
        width = reader.light_edge_line()
        if width:
            left, top, right, bottom = layout.frame.box
            half = 0.5 * width
            layout.frame = dataclasses.replace(
                layout.frame, box=(left - half, top - half, right + half, bottom + half),
                light_line_px=width)
            reading.messages.append(
                f"The map's panel has a light edge line {width:.1f} px wide (a white spine "
                "over the map's edge, between its colours and the tick marks): the frame is "
                "placed at the line's centre.")
        for axis in ("x", "y"):
            best = getattr(reading, f"{axis}_axis")
            if best is not None and best.fit is None and best.placement == "outside" and \
                    best.side in sides:
                confirmed = _confirm_pair_by_marks(best, reader.marks_of(sides[best.side],
                                                                         best.labels))
                if confirmed:
                    reading.messages.append(f"The {axis} axis has {confirmed}.")
    return reading


#: Largest relative difference between the scale two labels give an axis and the scale the
#: other axis implies (equal aspect), beyond the two labels' own placement uncertainty.
ASPECT_TOLERANCE = 0.01


def _confirm_by_aspect(reading, frame_box):
    """An axis with two labels only, taken when the other axis confirms its scale.

    Two labels make a line, but a misread one makes another line, and nothing on the axis
    tells which. Maps are mostly drawn with equal scales in x and y: a plate carrée map in
    degrees (cartopy always; matplotlib's imshow by default), a projected map in metres, a
    Mercator, Miller or equal-area map (GMT -JM, cartopy, web maps: a degree of longitude is
    ``a·π/180`` metres of easting, and as many of northing per pixel). When the two labels'
    scale equals the fitted axis' within their placement uncertainty (half a pixel each over
    their distance) plus :data:`ASPECT_TOLERANCE`, in one of those models, a misread is ruled
    out (it would have to change the scale by less than that): the axis takes the other's
    scale, placed by the pair, and the messages say so. Otherwise the axis stays refused.
    """
    from .projections import CYLINDRICAL, REFERENCE_GEOGRAPHIC

    _confirm_pairs_by_each_other(reading, frame_box)
    for name, other_name in (("y", "x"), ("x", "y")):
        axis, other = getattr(reading, f"{name}_axis"), getattr(reading, f"{other_name}_axis")
        if axis is None or other is None or axis.fit is not None or axis.pair_fit is None \
                or other.fit is None or other.fit.logarithmic:
            continue
        pair = axis.kept
        if len(pair) != 2 or any(label.parsed is None for label in pair):
            continue
        degrees = all(label.parsed.degrees for label in pair)
        if degrees != other.degrees or axis.multiplier != other.multiplier:
            continue
        distance = abs(pair[1].position - pair[0].position)
        if distance < 10:
            continue
        tolerance = 1.0 / distance + ASPECT_TOLERANCE
        # Candidate models: (what it is called, fit of the pair, the other axis' scale in the
        # pair's fitted units per pixel).
        models = []
        other_projection = other.fit.projection
        if other_projection is None:
            models.append(("equal scales along x and y", fit_ticks(pair), abs(other.fit.slope)))
        if degrees:
            from pyproj import CRS

            radius = CRS.from_user_input(REFERENCE_GEOGRAPHIC).ellipsoid.semi_major_metre
            metres_per_degree = radius * np.pi / 180.0
            for projection in CYLINDRICAL:
                if name == "y" and other_projection is None:
                    # Longitude degrees per pixel along x as northing metres per pixel.
                    models.append((projection.name, fit_ticks(pair, projection=projection),
                                   abs(other.fit.slope) * metres_per_degree))
                elif name == "x" and other_projection is projection:
                    models.append((projection.name, fit_ticks(pair),
                                   abs(other.fit.slope) / metres_per_degree))
        for model, fit, expected in models:
            if fit is None or expected <= 0:
                continue
            difference = abs(abs(fit.slope) / expected - 1.0)
            if difference <= tolerance:
                for label in pair:
                    label.kept = True
                # The other axis' scale, fitted on more labels over a longer distance, is the
                # closer one; the pair places the line.
                positions = np.array([label.position for label in pair])
                values = np.array([label.value for label in pair], float)
                if fit.projection is not None:
                    values = fit.projection.northing(values)
                slope = float(np.sign(fit.slope)) * expected
                offset = float(np.mean(values - slope * positions))
                residuals = (values - offset) / slope - positions
                axis.fit = TickFit(slope, offset, False, axis.labels, residuals, fit.projection)
                axis.problem = ""
                reading.messages.append(
                    f"The {name} axis has only two labels ({pair[0].text!r}, {pair[1].text!r}); "
                    f"their scale agrees with the {other_name} axis' within "
                    f"{100 * difference:.2f} % ({model}), which confirms them. Check the "
                    f"georeferencing in the report if the figure was not drawn with equal "
                    f"scales, or give GCPS.")
                break
        else:
            axis.problem += (f"; only two labels, and their scale does not match the "
                             f"{other_name} axis' as on a map drawn with equal scales")


#: Mantissas of a round step between ticks (GMT's and matplotlib's automatic intervals).
ROUND_STEPS = (1.0, 2.0, 2.5, 5.0)
#: Least number of evenly spaced tick marks that confirm two labels.
MIN_CONFIRMING_MARKS = 5


def round_step(step) -> bool:
    """Whether a value step is 1, 2, 2.5 or 5 times a power of ten."""
    if not np.isfinite(step) or step == 0:
        return False
    exponent = np.floor(np.log10(abs(step)))
    mantissa = abs(step) / 10.0 ** exponent
    return any(abs(mantissa - candidate) <= 1e-6 * candidate or
               abs(mantissa - 10 * candidate) <= 1e-5 * candidate for candidate in ROUND_STEPS)


def even_spacing(marks) -> "tuple | None":
    """Tick-mark centres (pixels, sorted) on one even spacing, each within a pixel and a tenth
    of it: their indices, spacing, first place and residuals; None for fewer than three
    marks, marks under 3 px apart, or marks off one spacing."""
    marks = np.sort(np.asarray(marks, float))
    if marks.size < 3:
        return None
    spacing = float(np.median(np.diff(marks)))
    if spacing < 3.0:
        return None
    # The marks' own fit, each indexed by rounding from the first.
    index = np.round((marks - marks[0]) / spacing)
    if np.unique(index).size != index.size:
        return None
    slope, intercept = np.polyfit(index, marks, 1)
    residuals = marks - (intercept + slope * index)
    if np.abs(residuals).max() > max(1.0, 0.1 * slope):
        return None
    return index, float(slope), float(intercept), residuals


def _confirm_pair_by_marks(axis, marks) -> str:
    """An axis (or a colorbar) with two labels only, taken when its tick marks confirm them.

    Two labels make a line, and a misread one makes another. The tick marks beside them are
    geometry the reading cannot change: renderers draw them evenly spaced (GMT's frame and
    annotation ticks, matplotlib's minor and major ticks) at multiples of a round interval,
    and a label stands on every few of them. The two labels are confirmed when at least
    :data:`MIN_CONFIRMING_MARKS` marks lie on one even spacing (each within a pixel and a
    tenth of the spacing), each label stands on one of them (within a quarter of the
    spacing), the values' difference is a round step (1, 2, 2.5 or 5 times a power of ten:
    :func:`round_step`), and so is that difference divided by the marks between them, the
    two values being multiples of it. A misread ('500' as '300', '1000' as '1500', a digit
    dropped or added) breaks one of these but for rare coincidences; a lost sign is not seen
    here (it is by the labels' own checks). The fit is then the marks' spacing with the
    values' step per mark, through both labels; ``axis.fit`` is set and a message returned
    ('' when not confirmed).

    Parameters
    ----------
    axis : AxisReading
    marks : ndarray of float
        Tick-mark centres along the side, pixels (minor and major).

    Returns
    -------
    str
    """
    numbers = [label for label in axis.labels if label.value is not None and
               np.isfinite(label.value)]
    marks = np.sort(np.asarray(marks, float))
    if len(numbers) != 2 or numbers[0].value == numbers[1].value or \
            marks.size < MIN_CONFIRMING_MARKS:
        return ""
    spacing = even_spacing(marks)
    if spacing is None:
        return ""
    index, slope, intercept, residuals = spacing
    places = []
    for label in numbers:
        where = label.tick_position if label.tick_position is not None else \
            label.label_position
        nearest = int(np.round((where - intercept) / slope))
        if abs(where - (intercept + slope * nearest)) > 0.25 * slope or \
                not np.any(index == nearest):
            return ""
        places.append(nearest)
    if places[0] == places[1]:
        return ""
    difference = numbers[1].value - numbers[0].value
    per_mark = difference / (places[1] - places[0])
    if not round_step(difference) or not round_step(per_mark) or any(
            abs(label.value / per_mark - round(label.value / per_mark)) > 1e-6
            for label in numbers):
        return ""
    # value = a + b * index, index = (position - intercept) / slope.
    value_per_px = per_mark / slope
    offset = numbers[0].value - per_mark * places[0] - value_per_px * intercept
    for label, place in zip(numbers, places):
        label.kept = True
        label.tick_position = float(intercept + slope * place)
        label.tick_only = True
    axis.fit = TickFit(float(value_per_px), float(offset), False, axis.labels,
                       np.array([0.0, 0.0]))
    axis.problem = ""
    return (f"only two labels ({numbers[0].text!r}, {numbers[1].text!r}), confirmed by "
            f"{marks.size} evenly spaced tick marks ({slope:.2f} px apart, within "
            f"{np.abs(residuals).max():.2f} px): the labels stand {abs(places[1] - places[0])} "
            f"marks apart, {abs(per_mark):g} a mark, a round step. Check the values in the "
            f"report")


#: Largest error (pixels) at the frame's far end that two labels' placement may cause when both
#: axes rest on two labels each.
PAIR_FRAME_ERROR_PX = 1.5


def _confirm_pairs_by_each_other(reading, frame_box):
    """Both axes with two labels only, taken when their scales are equal (a map drawn with
    equal scales along x and y: projected metres, or plate carrée degrees).

    A QGIS print layout of a small area often shows two grid annotations a side. Each pair
    makes a line, and a misread label another; two misreads giving both axes one scale within
    the pairs' placement uncertainty (half a pixel each over each pair's distance) plus
    :data:`ASPECT_TOLERANCE` would be a coincidence, and one that changes a scale by less
    than that is harmless. Both axes then take the mean of the two scales, each placed by its
    pair, and the messages say so. Other cases are left to :func:`_confirm_by_aspect`.

    Each scale then rests on two placements only, so their precision is checked too: where a
    label's tick mark (or a zebra band's turn) and its text's centre disagree, the pair's
    distance is uncertain by the difference of the two labels' disagreements (at least a
    pixel), and carried to the frame's far end that must stay within
    :data:`PAIR_FRAME_ERROR_PX`. A QGIS zebra frame
    draws each block with an outline, which moves every turn towards the light block (0.8 px
    at 100 dpi, both axes alike): 0.8 % of scale, 3 px at the frame's corner, undetected by
    the scales' agreement.
    """
    x_axis, y_axis = reading.x_axis, reading.y_axis
    if x_axis is None or y_axis is None or x_axis.fit is not None or y_axis.fit is not None or \
            x_axis.pair_fit is None or y_axis.pair_fit is None:
        return
    pairs = []
    for axis in (x_axis, y_axis):
        pair = axis.kept
        if len(pair) != 2 or any(label.parsed is None for label in pair):
            return
        distance = abs(pair[1].position - pair[0].position)
        if distance < 10 or pair[1].value == pair[0].value:
            return
        # A label's text off its tick by the same amount at both ends moves the pair, not
        # its distance (the ink's centre below a tick beside a vertical side): the
        # difference of the two offsets is what the distance is unsure of.
        offsets = [label.label_position - label.tick_position for label in pair
                   if label.tick_position is not None]
        disagreement = abs(offsets[1] - offsets[0]) if len(offsets) == 2 else 0.0
        middle = 0.5 * (pair[0].position + pair[1].position)
        left, top, right, bottom = frame_box
        start, end = (left, right) if axis is x_axis else (top, bottom)
        reach = max(abs(start - middle), abs(end - middle))
        error_px = max(disagreement, 1.0) / distance * reach
        if error_px > PAIR_FRAME_ERROR_PX:
            axis.problem += (f"; its two labels' tick marks and texts disagree by "
                             f"{disagreement:.1f} px, {error_px:.1f} px at the frame's end")
            return
        pairs.append((pair, distance, (pair[1].value - pair[0].value) /
                      (pair[1].position - pair[0].position)))
    degrees = [all(label.parsed.degrees for label in pair) for pair, _, _ in pairs]
    if degrees[0] != degrees[1] or x_axis.multiplier != y_axis.multiplier:
        return
    (x_pair, x_distance, x_slope), (y_pair, y_distance, y_slope) = pairs
    difference = abs(abs(x_slope) / abs(y_slope) - 1.0)
    if difference > 1.0 / x_distance + 1.0 / y_distance + ASPECT_TOLERANCE:
        return
    scale = float(np.sqrt(abs(x_slope) * abs(y_slope)))
    for axis, pair, slope in ((x_axis, x_pair, x_slope), (y_axis, y_pair, y_slope)):
        positions = np.array([label.position for label in pair])
        values = np.array([label.value for label in pair], float)
        signed = float(np.sign(slope)) * scale
        offset = float(np.mean(values - signed * positions))
        for label in pair:
            label.kept = True
        axis.fit = TickFit(signed, offset, False, axis.labels,
                           (values - offset) / signed - positions)
        axis.problem = ""
    reading.messages.append(
        f"Both axes have only two labels (x {x_pair[0].text!r}, {x_pair[1].text!r}; y "
        f"{y_pair[0].text!r}, {y_pair[1].text!r}); their scales agree within "
        f"{100 * difference:.2f} % (equal scales along x and y), which confirms them. Check "
        f"the georeferencing in the report if the figure was not drawn with equal scales, or "
        f"give GCPS.")


def _inside_reading(reader, sides, names, owner, axis, outside):
    """An axis read from labels inside the frame when its outside sides gave no fit: along
    either side, inward (the one explaining more labels), else inline over the map. The
    outside reading is kept (its problem extended) when neither fits."""
    from dataclasses import replace

    reader.over_map_labels()
    best = None
    for name in names:
        candidate = reader.read_side(replace(sides[name], inward=True), owner,
                                     cylindrical=axis == "y")
        if candidate.fit is not None and (best is None or len(candidate.kept) > len(best.kept)):
            best = candidate
    if best is None:
        best = reader.inline_axis(axis)
    if best.fit is not None:
        return best
    outside.problem += f"; inside the frame: {best.problem}"
    return outside


def _fit_end_labels(axis, bar) -> bool:
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


def _ends_beyond_ticks(axis, bar) -> list:
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


def _faded_ends_to_marks(lum, dark, bar, page_rgb, rgb) -> bool:
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


def _faded_ends_to_ticks(rgb, bar, axis, page_rgb) -> bool:
    """Move a colour strip's ends that fade into the page in to their end ticks.

    A bar with no outline whose end colour is the page's (gray's white end on a white page)
    shows no edge there: its end was extrapolated from the fade, to a few pixels (JPEG 60
    flattens the palest greys into the page: 3 px too far out). A kept tick within
    :data:`FADED_END_SNAP_PX` inside such an end is the end's own tick (GMT's psscale
    annotates its ends) and the end moves in to it; ticks beyond an end move it out
    (:func:`_ends_beyond_ticks`). ``bar.box`` is changed in place; returns whether an end
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


def _colorbar_values(axis, bar, snap_offset=0.0):
    reading = ColorbarReading(axis)
    if axis.fit is None:
        return reading
    # Pixel snapping shifts lines (an outline), not a fill's edges (a bar with no outline).
    left, top, right, bottom = np.array(bar.box) + snap_offset * np.array(
        getattr(bar, "line_edges", (True,) * 4), float)
    # The bar's ends are its outline's lines; the value there is the fit's.
    start, end = (bottom, top) if bar.vertical else (left, right)
    at_start, at_end = (float(v) for v in axis.fit.value_at([start, end]))
    # A label printed at a bar's end (GMT's psscale, many hand-made bars) is its value: within
    # a pixel of the end, the label's exact value beats the line's detected centre.
    for label in axis.kept:
        if abs(label.position - start) <= END_LABEL_PIXELS:
            at_start = float(label.value)
        if abs(label.position - end) <= END_LABEL_PIXELS:
            at_end = float(label.value)
    reading.logarithmic = axis.fit.logarithmic
    reading.vmin, reading.vmax = min(at_start, at_end), max(at_start, at_end)
    # sample_colorbar's default: low end at the bottom (vertical) or the left (horizontal).
    reading.flip = at_start > at_end
    return reading


def describe_axis(axis, what) -> str:
    """One log line for an axis or colorbar reading."""
    if axis is None:
        return f"{what}: not read."
    read = ", ".join(
        f"'{label.text}'→{'?' if label.value is None else f'{label.value:g}'}"
        f"@{label.position:.1f}{'' if label.kept else ' (rejected)'}" for label in axis.labels)
    if axis.fit is None:
        return f"{what} ({axis.side} side): {axis.problem}. Labels: {read or 'none'}."
    fit = axis.fit
    turned = ", written at an angle and read turned level" if axis.rotated else ""
    where = {"inside": f"{axis.side} side, inside the frame",
             "inline": "over the map at their grid lines"}.get(axis.placement,
                                                                f"{axis.side} side")
    return (f"{what} ({where}{turned}): {len(axis.kept)} of {len(axis.labels)} labels kept, "
            f"{'logarithmic' if fit.logarithmic else 'linear'} fit, residuals RMS "
            f"{fit.rmse_px:.2f} px, max {fit.max_residual_px:.2f} px. Labels (text→value@pixel): "
            f"{read}.")


def require_ocr() -> None:
    """Raise :class:`EngineError` with install advice when OCR is unavailable."""
    from .ocr import INSTALL_HINT, ocr_available

    if not ocr_available():
        raise EngineError(INSTALL_HINT, parameter="INPUT")


__all__ = ["read_figure_face", "FigureReading", "AxisReading", "ColorbarReading",
           "describe_axis", "OcrUnavailable", "require_ocr"]
