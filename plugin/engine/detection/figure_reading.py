"""What a figure says about itself: its axes' tick labels and its colorbar's, read and fitted.

From a :class:`.layout.Layout` (frame and colorbar boxes) the labels beside each side are found
(:mod:`.text`), read (:mod:`.ocr`, :mod:`.labels`), placed at their tick marks and fitted
(:mod:`.ticks`). The result answers the parameters a user left empty: the colorbar's value
range and scale, and GCPs from the axes.
"""
import dataclasses
import re
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import combinations
from typing import Optional

import numpy as np

from ..errors import EngineError
from .axis_confirmation import (
    confirm_by_aspect,
    confirm_pair_by_marks,
    confirm_tied_readings,
    even_spacing,
    pair_by_marks_text,
    resolve_degree_readings,
)
from .bar_ends import (
    CUT_SHORT,
    BarEndChecks,
    end_labels_overhang,
    ends_beyond_ticks,
    faded_ends_to_marks,
    faded_ends_to_ticks,
    fit_end_labels,
)
from .drawn_text import (
    MATCH_ERROR,
    MATCH_MARGIN,
    SMALL_TEXT_MAX_HEIGHT_PX,
    draw_text,
    drawn_forms,
    find_text_styles,
    font_paths,
    ink_centre_offsets,
    label_coverage,
    match_error,
    read_by_drawing,
    reading_contradicted,
)
from .faint_tick_marks import FaintTickMarks
from .hidden_signs import SIGN_HIDDEN_NOTE, HiddenSignChecks
from .label_checks import (
    ALIKE_MIN_HEIGHT_PX,
    EXACT_ALIKE_MIN_HEIGHT_PX,
    UNIT_WORDS,
    characters_made_up,
    characters_missing,
    digit_on_its_side,
    digit_pitch,
    digit_rereadings,
    digits_confirmed_by_fit,
    digits_read_unlike_their_glyphs,
    digits_touching_read_as_one,
    glyph_comparisons_kept,
    glyph_widths,
    image_digest,
    leading_zero,
    lone_separator_as_inked,
    narrower_than_text,
    point_read_as_digit,
    point_touching_a_digit,
    points_lost_everywhere,
    restore_decimal_point,
    restore_minus_sign,
    separators_as_inked,
    separators_at_odds,
    sign_beside_hemisphere,
    split_leading_bar,
    text_line_only,
    trailing_point_without_ink,
    unit_spaced,
    wider_than_text,
    with_digits_replaced,
)
from .labels import dropped_point_readings, normalise, parse_label, unit_in_title
from .lines import luminance, page_luminance
from .ocr import CHECK_TARGET_HEIGHT, OcrUnavailable, crop_label, read_label, read_text
from .text import (
    TextLabel,
    cell_pitch,
    find_glyphs,
    ink_mask,
    ink_over_map,
    labels_across_horizontal_lines,
    marks_inside_box,
    mend_labels_cut_by_lines,
    merge_into_labels,
)
from .ticks import (
    INLIER_PIXELS,
    TickLabel,
    attach_tick_marks,
    box_sides,
    degree_readings,
    detached_tick_marks,
    dropped_ties_off_the_fit,
    fancy_band_ticks,
    find_grid_lines,
    find_tick_marks,
    fit_ticks,
    marks_snapped_offset,
    place_by_the_others,
    rounded_off_the_line,
    tick_marks_snapped,
    tied_reading,
    unrounded_degrees,
    values_in_order,
    weigh_marks_and_labels,
)

#: What a label touching the figure's edge is marked with instead of a value.
CUT_BY_EDGE = "(cut by the figure's edge)"
#: ...and a label written inside the map frame that its edge cuts off (QGIS clips annotations
#: inside the frame to the map).
CUT_BY_FRAME = "(cut by the frame's edge)"
#: ...and an axis' label whose text runs into the colorbar's box (a bar drawn over it).
CUT_BY_BAR = "(its text runs into the colorbar: characters under the bar not read)"
#: At most this many labels read but set aside by a check (their texts with its note) are
#: named in an axis' or a colorbar's refusal.
SET_ASIDE_NAMED = 3
#: A fit must explain at least this many labels, and this share of those read as numbers.
MIN_KEPT_LABELS = 3
MIN_KEPT_SHARE = 0.6
#: Least extent across its own line (a share of the text height) of ink read as a label written
#: at an angle: a line of text spans its glyphs' height, a tick mark or a piece of a line one
#: stroke.
ROTATED_MIN_THICKNESS_SHARE = 0.4

#: A label written at an angle whose own ink's axis is this far (degrees) off its side's is
#: read again at the side's (:meth:`_Reader.rotated_labels`): a renderer writes one side's
#: labels at one angle (or, following converging grid lines, a few degrees apart), and a short
#: label's principal axis follows its glyphs ('0°', 26 × 33 px in DejaVu Serif 12 pt at 200
#: dpi: the raised degree sign turned it 24°, and it was read '00').
ROTATED_REREAD_DEGREES = 5.0

#: Labels written at an angle whose side's angle is within this many degrees of upright are
#: also read turned by exactly a quarter turn (:meth:`_Reader.rotated_labels`).
UPRIGHT_READING_DEGREES = 10.0

#: How far (a share of their thickness) a side's labels written at an angle differ in
#: thickness across their line: one font, one size (digits, signs and letters of one
#: height; a degree sign or a descender adds a little).
SHORT_TURNED_THICKNESS_SHARE = 0.2
#: How much thicker (a share of the figure's text height) the ink of one side's labels written
#: at an angle must be for them to be grouped again at their own height: the figure's is the
#: median of its level labels' (a legend's among them), and a glyph's height varies by less.
TURNED_HEIGHT_EXCESS = 0.25
#: Labels written at least this steeply (degrees from level) are upright text: anchored at
#: their middle unless tick marks show another anchor.
UPRIGHT_TEXT_DEGREES = 75.0
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
#: What a warning says of tick labels whose digits may have been misread.
MAY_BE_MISREAD = "may have been misread"
#: Labels whose ink ends closer than this to the figure's edge along their line of text (a
#: share of the text's height: more than the space after a comma, a degree sign or a thousands'
#: space) may have lost characters beyond it, with the gap between two characters left inside:
#: '5,185,000' cropped to '185,000' on every label still fits its ticks, at a value shifted by
#: 5,000,000. A label touching the edge is cut for sure (:data:`CUT_BY_EDGE`); one this close is
#: only doubted, as matplotlib's tight bounding box leaves 0.1 inch (about a digit's height)
#: and a crop to the ink leaves none.
EDGE_GAP_HEIGHTS = 0.5
#: An axis' label whose ink ends closer than this to the colorbar's box (a share of its
#: height), on the bar's rows, may be one the bar is drawn over: measured, a cartopy label under
#: the bar ends 0.12-0.18 of its height off the box (the bar's outline and its anti-aliasing
#: between; 100-300 dpi, PNG and JPEG q70). A whole label may stand as close (0.18 h, a bar
#: placed against the labels), so nearness alone cuts nothing (:meth:`_Reader._cut_by_bar`).
BAR_GAP_HEIGHTS = 0.3
#: Least number of labels in a row, touching no edge, whose height tells how tall a label
#: touching only the top or bottom edge must be to be whole (:meth:`_Reader._cut_by_edge`).
WHOLE_TEXT_MIN_LABELS = 3

#: A glyph wider than tall read as one digit is digits touching when it is at least this share
#: of the figure's text height tall (a digit's ink is as tall as the text's); a digit turned a
#: quarter is as tall as a level digit is wide, 0.5-0.8 of its height (QGIS's upward '0' in
#: DejaVu Sans 7 pt at 96 dpi: 5 px beside 7 px digits).
TOUCHING_DIGITS_HEIGHT_SHARE = 0.85
#: Least height of a tick label, a share of the text's height (the page's; the over-map
#: text's for labels over the map): lower is a title's rotated '(m)', a rule or a speck.
LABEL_LEAST_HEIGHT_SHARE = 0.5


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
    #: (nothing on the axis confirms them); :func:`confirm_by_aspect` may take it.
    pair_fit: object = None
    #: The reading of the side across the frame, when its labels fit too (cartopy's and GMT's
    #: labels on all four sides): on a rectilinear graticule both put each value at one place.
    opposite: object = None
    #: Pixels (down) the labels' ink centres were moved to their ticks, measured from the
    #: labels above and below the frame (:func:`centre_offset_from_x_labels`); None when the
    #: ink centres place a side's labels as they are.
    centre_offset: Optional[float] = None
    #: The reading of the side across the frame, fitted or not (its labels' ink measures
    #: where text sits: :func:`centre_offset_from_x_labels`).
    across: object = None
    #: The interval (degrees) of decimal-degree labels written with fewer decimals than it
    #: needs, their values taken as its multiples (:func:`.ticks.unrounded_degrees`); None
    #: when the labels were taken as written.
    unrounded_step: Optional[float] = None
    #: Every reading of decimal-degree labels as multiples of a graticule interval
    #: (:func:`.ticks.degree_readings`): (interval in degrees, [(label, value)], whether it
    #: needs a tie); more than one when the labels are too few to tell or a tie explains them,
    #: for the other axis' scale to choose (:func:`.axis_confirmation.resolve_degree_readings`).
    degree_readings: list = field(default_factory=list)
    #: The labels read as one interval's multiples rounded with ties either way
    #: (:func:`.ticks.tied_reading`): (interval, [(label, value)]), for the other axis' scale
    #: to confirm (:func:`.axis_confirmation.confirm_tied_readings`); else None.
    tied_reading: Optional[tuple] = None
    #: Refused by :func:`.ticks.rounded_off_the_line`: its labels lie off the fit's line by a
    #: fraction of a unit of their last digit.
    rounded_off_line: bool = False
    #: Two labels confirmed by the tick marks (:func:`.axis_confirmation.confirm_pair_by_marks`):
    #: (marks, their spacing px, largest residual px, marks between the labels); else None.
    marks_confirmation: Optional[tuple] = None

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
    #: A legend of class patches (layout.class_legend): the boundaries its labels give.
    levels: Optional[tuple] = None
    #: What was assumed to get them (open end classes closed), for the log.
    class_notes: list = field(default_factory=list)
    #: Patches were found with no label beside some of them: no legend after all.
    unlabelled_patches: int = 0


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
    #: Those of ``over_map_boxes`` that are no text alone (the bar straight on the map with
    #: its ticks and labels): left out whole, not by their ink.
    over_map_solid_boxes: list = field(default_factory=list)
    #: The dark ink found over the map inside the frame (:func:`.text.ink_over_map`: glyphs,
    #: tick marks, lines) and its origin (col0, row0), or None: the pixels of the text in
    #: ``over_map_boxes``.
    over_map_ink: tuple = None
    #: What may make the reading wrong though it was accepted (a colorbar end in doubt).
    warnings: list = field(default_factory=list)


#: One tick label in a run of merged ones: a number closed by a degree sign or a hemisphere
#: letter (both: '123.4°W'), which tells where the next label begins; and a run of them.
_RUN_LABEL = re.compile(r"[-+]?\d+(?:\.\d+)?(?:°[NSEW]?|[NSEW])")
_LABEL_RUN = re.compile(r"(?:[-+]?\d+(?:\.\d+)?(?:°[NSEW]?|[NSEW])){2,}")


#: A number a run of touching labels may hold: thousands grouped by a comma
#: and decimals after a point, or decimals alone; no leading zero but before the point.
_GROUPED_OR_DECIMAL = re.compile(r"-?(?:[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?|(?:0|[1-9]\d*)\.\d+)")


#: More ways than this to cut a run of numbers: it is not looked into further.
MAX_RUN_CUTS = 16


def numbers_run_together(text) -> list:
    """The labels of a run of numbers written together, or []: '12,448.710,946.6' is
    '12,448.7' and '10,946.6' (a short horizontal QGIS legend's two end labels touching).

    Plain integers run together ('500600') can be cut anywhere; numbers whose thousands are
    grouped or that have decimals can often be cut one way only. The run is cut into two or
    more numbers (:data:`_GROUPED_OR_DECIMAL`): kept when that can be done one way only
    ('-1.5-2.5'), or when the numbers group their thousands and one way only writes them
    alike, with the same decimals ('10,892.8112,464.51': not '10,892.811', '2,464.51'), as
    a legend writes its values. Decimals alone do not tell '1.251.5' apart ('1.25' and '1.5',
    or '1.2' and '51.5').

    Parameters
    ----------
    text : str
        The run as read, normalised, no spaces.

    Returns
    -------
    list of str
    """
    def cuts(start, pieces, found):
        if len(found) > MAX_RUN_CUTS:
            return found  # too many ways: none is told apart
        if start == len(text):
            if len(pieces) >= 2:
                found.append(list(pieces))
            return found
        for end in range(start + 1, len(text) + 1):
            if _GROUPED_OR_DECIMAL.fullmatch(text[start:end]):
                cuts(end, pieces + [text[start:end]], found)
        return found

    found = cuts(0, [], [])
    if len(found) > MAX_RUN_CUTS:
        return []
    if len(found) == 1:
        return found[0]
    alike = [pieces for pieces in found
             if all("," in piece for piece in pieces) and
             len({len(piece.split(".")[1]) if "." in piece else 0 for piece in pieces}) == 1]
    return alike[0] if len(alike) == 1 else []


#: Narrowest a word space between a number and its unit is, as a share of the label's
#: tallest glyph: 0.5-0.55 in QGIS's legends (DejaVu Sans 10 pt at 100 dpi: 4 px for 8-px
#: digits; DejaVu Sans Condensed 10 pt at 150 dpi: 8 px for 15 px), the gaps between a
#: number's glyphs 0.1-0.25 (1-3 px).
WORD_SPACE_SHARE = 0.3
#: The glyph counts of the length units a legend's values are written with (``UNIT_WORDS``).
UNIT_WORD_LENGTHS = frozenset(len(unit) for unit in UNIT_WORDS)


def _unit_on_numbers_line(number_glyphs, unit_glyphs) -> bool:
    """Whether a word's glyph boxes (col0, row0, col1, row1) stand as a unit after the
    number's: no taller than the number (its top within 15 % of the digits' height, 1 px at
    least, of theirs) and on its baseline (within 15 %, 1.5 px at least; the digits' median
    bottom: a comma's tail reaches below it)."""
    baseline = float(np.median([glyph[3] for glyph in number_glyphs]))
    digit_height = max(glyph[3] - glyph[1] for glyph in number_glyphs)
    number_top = min(glyph[1] for glyph in number_glyphs)
    unit_top = min(glyph[1] for glyph in unit_glyphs)
    unit_bottom = max(glyph[3] for glyph in unit_glyphs)
    return unit_top >= number_top - max(1.0, 0.15 * digit_height) and \
        abs(unit_bottom - baseline) <= max(1.5, 0.15 * digit_height)


#: Letters Tesseract reads for a digit's glyph when words stand near it (a round '0' read
#: 'o' before a unit): in a number's place, that digit.
DIGIT_LETTERS = {"o": "0", "O": "0"}


def _digits_read_otherwise(together, alone) -> bool:
    """Whether a number read with its unit word (``together``: the number's characters then
    a length unit, ``UNIT_WORDS``) gives its number other digits than it was read alone
    (``alone``), letters drawn as a digit (:data:`DIGIT_LETTERS`) taken as that digit.

    A number part read as nothing (Tesseract drops a lone small digit before a word) or with
    characters other than a number's confirms nothing and contradicts nothing: False.
    """
    match = re.fullmatch(r"(.*?)\s*(%s)" % "|".join(sorted(UNIT_WORDS, key=len, reverse=True)),
                         together)
    if match is None:
        return False
    number = "".join(DIGIT_LETTERS.get(character, character) for character in match.group(1))
    if not re.fullmatch(r"-?[\d.,]*\d[\d.,]*", number):
        return False
    return re.sub(r"\D", "", number) != re.sub(r"\D", "", alone)


def _words_at_spaces(glyphs) -> list:
    """A label's glyph boxes (col0, row0, col1, row1), left to right, cut at its word spaces:
    gaps at least :data:`WORD_SPACE_SHARE` of its tallest glyph and twice its widest other
    gap (at least 1 px). One word (the whole label) when it has no such gap.

    Returns
    -------
    list of list of tuple
    """
    height = max(glyph[3] - glyph[1] for glyph in glyphs)
    gaps = [b[0] - a[2] for a, b in zip(glyphs, glyphs[1:])]
    spaces = [gap >= WORD_SPACE_SHARE * height for gap in gaps]
    others = [gap for gap, space in zip(gaps, spaces) if not space]
    if any(spaces) and min(gap for gap, space in zip(gaps, spaces) if space) < \
            2 * max(others + [1]):
        return [list(glyphs)]
    words, start = [], 0
    for index, space in enumerate(spaces):
        if space:
            words.append(list(glyphs[start:index + 1]))
            start = index + 1
    words.append(list(glyphs[start:]))
    return words


class _Reader(HiddenSignChecks, FaintTickMarks, BarEndChecks):
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
        for box in self._unread_boxes():
            col0, row0, col1, row1 = box
            exclude[max(row0 - 1, 0):row1 + 1, max(col0 - 1, 0):col1 + 1] = True
        legend = getattr(layout, "legend_box", None)
        if legend is not None:
            # A bar on a legend inside the map: its labels are inside the frame, on the legend
            # (its frame lines left out); the bar itself stays out.
            col0, row0, col1, row1 = legend
            inset = 2 + int(getattr(layout, "max_thickness", 4)) // 2
            exclude[row0 + inset:row1 - inset, col0 + inset:col1 - inset] = False
            for col0, row0, col1, row1 in self._bar_boxes():
                exclude[max(row0 - 1, 0):row1 + 1, max(col0 - 1, 0):col1 + 1] = True
        ink = ink_mask(self.lum, self.page)
        # Boxes whose labels may hang on their tick marks (not a legend's: its inside is text).
        glyphs = find_glyphs(ink, exclude, boxes=list(self._unread_boxes()) if legend is None else ())
        # Tick marks standing apart from their side (no spine to touch) are no glyphs.
        glyphs, self.detached_ticks = detached_tick_marks(glyphs, list(self._unread_boxes()),
                                                          self.lum, self.page)
        self.labels = merge_into_labels(glyphs)
        # Ink of the glyphs only (not of lines touching the frame): rotated labels' pixels.
        self.glyph_ink = np.zeros_like(ink)
        for glyph in glyphs:
            self.glyph_ink[glyph.row0:glyph.row1, glyph.col0:glyph.col1] = \
                ink[glyph.row0:glyph.row1, glyph.col0:glyph.col1]
        heights = np.array([label.height for label in self.labels if label.glyphs >= 2])
        self.text_height = float(np.median(heights)) if heights.size else 10.0
        # Whether the page showed it on enough labels: else the text over the map may show it
        # (over_map_labels). One or two labels are no measure (a JPEG's ringing beside a bar
        # not found merged into a '3 px label' when every annotation is inside the frame).
        self.text_height_measured = heights.size >= OVER_MAP_TEXT_LABELS
        # Labels a box's line runs through lost the glyphs it touches (left out with it):
        # widened over them and read with them.
        self.crossed = mend_labels_cut_by_lines(self.labels, self.lum, self.page,
                                                list(self._unread_boxes()), self.text_height)
        # Labels a box's top or bottom line runs through (GMT's inside annotations centred on
        # a horizontal bar's outline) were left out whole with the line: found across it.
        if legend is None:
            across = labels_across_horizontal_lines(self.lum, self.page, list(self._unread_boxes()),
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
        #: Readings taken instead of OCR's, by label box: digits read again from the figure's
        #: own glyphs (:func:`_reread_digits`).
        self.rereadings = {}
        self.claimed = set()
        # Pixel boxes of colorbars whose labels were read and fitted (read_figure_face), with
        # the side they were read on.
        self.bars_read = {}
        # Text over the map (inside the frame), found when first asked for (over_map_labels).
        self.over_map = None
        # Its glyphs' height (over_map_text_height), pixels: the page's until it is found.
        self.over_map_text_height = self.text_height
        # Grid lines across the map, by frame box and axis (grid_lines).
        self._grid_lines = {}
        # Lines of words read, by image (_read_words).
        self._words_read = {}

    def grid_lines(self, axis) -> np.ndarray:
        """The grid lines crossing the whole map along ``axis`` ("x": at constant x) inside
        the frame's box as it now stands (:func:`.ticks.find_grid_lines`), found once per box:
        the sides' readers and the inline labels' ask for them, and the figure is read again
        when digits are re-read (bench_detection's 1 MP figure: three searches of one box,
        0.09 of its 0.99 s profiled). Read-only: the same array is handed to every caller.

        Returns
        -------
        ndarray of float
            Line centres, pixels along ``axis``.
        """
        key = (tuple(self.layout.frame.box), axis)
        lines = self._grid_lines.get(key)
        if lines is None:
            lines = self._grid_lines[key] = find_grid_lines(self.rgb, self.layout.frame.box,
                                                            axis)
            lines.flags.writeable = False
        return lines

    def _boxes(self):
        if self.layout.frame is not None:
            yield self.layout.frame.pixel_box()
        if self.layout.colorbar is not None:
            yield self.layout.colorbar.pixel_box()

    def _bar_boxes(self):
        """The colorbar's pixel boxes whose ink is no text: a legend of class patches laid
        out in several columns, each patch (the box round them all holds the labels of every
        column but the last); else the colorbar's box."""
        legend = getattr(self.layout, "class_legend", None)
        if legend is not None and legend.column_sizes:
            return [tuple(int(v) for v in patch) for patch in legend.patches]
        return [self.layout.colorbar.pixel_box()] if self.layout.colorbar is not None else []

    def _unread_boxes(self):
        """The frame's and the colorbar's boxes whose inside holds no label to read."""
        if self.layout.frame is not None:
            yield self.layout.frame.pixel_box()
        yield from self._bar_boxes()

    def labels_beside(self, side, owner):
        """The row (or column) of labels nearest to a side, outside it, and nearer to its own
        box (``owner``, a pixel box) than to any other detected box."""
        height = self.text_height
        reach = 4.0 * height + 0.03 * max(self.lum.shape)
        if side.horizontal and not side.inward:
            self._split_crowded(side, reach)
        self._join_unit_words()
        # A bar on a legend box inside the map has its labels on the legend: the map's own
        # axis labels just outside the frame beside it are not the bar's (a legend against
        # the frame's left side took the y labels' degrees for the bar's values).
        legend = getattr(self.layout, "legend_box", None)
        on_legend = legend is not None and self.layout.colorbar is not None and \
            tuple(owner) == tuple(self.layout.colorbar.pixel_box())
        found = []
        for label in self.labels:
            # Annotations over the map may be smaller than the page's text (a legend's).
            over_map = getattr(label, "inside", False) and label.glyphs >= 2
            least = LABEL_LEAST_HEIGHT_SHARE * (self.over_map_text_height if over_map else height)
            if label.height < least or label.height > 2.5 * height or \
                    label.box() in self.claimed:
                continue
            if on_legend and not (legend[0] <= label.centre[0] <= legend[2]
                                  and legend[1] <= label.centre[1] <= legend[3]):
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
            self._split_runs_by_glyphs(side, reach)
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
                self._read_merged_whole(label, pieces)
                replaced.append((index, pieces))
        for index, pieces in reversed(replaced):
            self.labels[index:index + 1] = pieces

    def _split_runs_by_glyphs(self, side, reach):
        """Labels of a horizontal side with no tick marks that touch their neighbours, cut
        apart glyph by glyph.

        cartopy's gridline labels on a narrow map stand close enough to touch ('94°W90°W',
        one label reading as nothing) and have no tick marks to cut them at
        (:meth:`_cut_at_ticks`); so do the two end labels of a short horizontal QGIS legend
        ('12,448.710,946.6'). A merged label read as a run of degree labels, each closed by
        a degree sign or a hemisphere letter (:data:`_LABEL_RUN`), or as numbers written
        alike that can be told apart one way only (:func:`numbers_run_together`), with values
        evenly stepped in order, is cut where its text is: when it has exactly one glyph per
        character, the first label takes as many glyphs as it has characters, and so on.
        Each piece is placed at its own glyphs' centre, as a label with no tick, and the fit
        judges it.
        """
        replaced = []
        for index, label in enumerate(self.labels):
            gap = label.row0 - side.position if side.outward > 0 else side.position - label.row1
            if not 0 <= gap <= reach or label.glyphs < 4 or label.box() in self.claimed or \
                    not side.start - label.width <= label.centre[0] <= side.end + label.width:
                continue
            text, parsed = self.read(label)
            run = normalise(text).replace(" ", "")
            if parsed is not None:
                continue
            texts = _RUN_LABEL.findall(run) if _LABEL_RUN.fullmatch(run) else \
                numbers_run_together(run)
            if not texts:
                continue
            values = [parse_label(piece_text) for piece_text in texts]
            members = sorted(label.members or [])
            if any(value is None for value in values) or \
                    sum(len(piece_text) for piece_text in texts) != len(members):
                continue
            steps = np.diff([value.value for value in values])
            if not np.all(steps != 0) or np.ptp(steps) > 1e-6 * np.abs(steps).max():
                continue
            pieces, first = [], 0
            for piece_text, value in zip(texts, values):
                own = members[first:first + len(piece_text)]
                first += len(piece_text)
                piece = TextLabel(min(m[0] for m in own), min(m[1] for m in own),
                                  max(m[2] for m in own), max(m[3] for m in own), len(own),
                                  own, [max(b[0] - a[2], 0) for a, b in zip(own, own[1:])],
                                  cut_from=label.box())
                self.cache[piece.box()] = (piece_text, value)
                pieces.append(piece)
            replaced.append((index, pieces))
        for index, pieces in reversed(replaced):
            self.labels[index:index + 1] = pieces

    def _read_merged_whole(self, label, pieces):
        """Pieces of a merged label given their readings from the whole label's reading,
        when their own do not all read as numbers.

        Labels that overlap (a ``W`` reaching over the next label's ``1``: matplotlib's
        '123.4°W' labels in 14 pt at 400 dpi) share ink that no cut gives back whole to either,
        and a piece reads '.23.2°' or 'N123°W1'; Tesseract reads the run of them as one line
        ('123.4°W123.2°W123°W...'). When that reading is a run of exactly as many tick labels
        as pieces, each closed by a degree sign or a hemisphere letter (nothing else tells
        where one label ends and the next begins), with values evenly stepped in order (the
        pieces stand at evenly spaced ticks), each piece takes its own, left to right. The
        tick fit then judges them as any other labels.
        """
        if all(self.read(piece)[1] is not None for piece in pieces):
            return
        text, _ = self.read(label)
        run = normalise(text).replace(" ", "")
        if not _LABEL_RUN.fullmatch(run):
            return
        texts = _RUN_LABEL.findall(run)
        parsed = [parse_label(piece_text) for piece_text in texts]
        if len(texts) != len(pieces) or any(value is None for value in parsed):
            return
        steps = np.diff([value.value for value in parsed])
        if steps.size == 0 or not np.all(steps != 0) or \
                np.ptp(steps) > 1e-6 * np.abs(steps).max():
            return
        for piece, piece_text, value in zip(pieces, texts, parsed):
            self.cache[piece.box()] = (piece_text, value)

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
        self._cut_at_unit_spaces()
        self._split_leading_units()
        height = self.text_height
        words = [label for label in self.labels
                 if label.glyphs <= 3 and label.width <= 2.5 * height
                 and label.height <= 1.2 * height and label.patch is None
                 and not label.inside and label.crossed_line is None and not label.unit_word]
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
            together = normalise(self._read_words(crop_label(
                self.lum, (number.col0, min(word.row0, number.row0), word.col1,
                           max(word.row1, number.row1)), self.page)))
            if _digits_read_otherwise(together, text):
                # The second reading, with the unit, reads other digits in the number's
                # place ('0 m' in DejaVu Sans 10 pt at 96 dpi: the '0' alone read '8', with
                # its unit 'om'): one of them is wrong and nothing tells which. Not a value.
                self.cache[number.box()] = (
                    f"{text} (read {together!r} with its unit: digits not confirmed)", None)
                continue
            both = re.fullmatch(r"(.*?)\s*([A-Za-z]+)", together)
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

    def _cut_at_unit_spaces(self):
        """Labels of numbers with a length unit, merged across the word spaces between them,
        cut at those spaces into one label per number and its unit.

        Small text rounds a word space down to the gaps :func:`.text.merge_into_labels`
        joins (4 px before the 'm' of QGIS's '0 m' at 100 dpi, its digits 8 px high), and
        a short horizontal legend's two end labels stand a word space apart ('1,000 m
        3,500 m' in DejaVu Sans Condensed 10 pt at 150 dpi: spaces of 8 px, digits 15 px
        high, 1-3 px between their glyphs). The merged label reads as no number: 'm' (a
        lone small '0' before a word is dropped), '1,000m3,500m'. A label read as no number
        whose letters are all length units is cut at its word spaces (gaps of at least
        :data:`WORD_SPACE_SHARE` of its tallest glyph and twice its other gaps) into words
        that alternate number and unit, each unit as many glyphs as its letters, no
        taller than its number and on its baseline; each number read alone as a plain
        number (with every check of a label's reading), the digits the whole reading gave
        it, if any, the same (Tesseract may drop a number, not read it otherwise here).
        Each number then makes one label with its unit (``unit_word``, ``number_part``),
        as :meth:`_join_unit_words` joins a unit standing apart. Otherwise the label is
        left as it was.
        """
        replaced = []
        for index, label in enumerate(self.labels):
            members = sorted(label.members or [])
            if label.glyphs < 2 or len(members) != label.glyphs or label.patch is not None or \
                    label.inside or label.crossed_line is not None or label.unit_word:
                continue
            # Lower than any tick label :meth:`labels_beside` takes (half the text's height;
            # the page's, as the cut skips text over the map), so are the pieces cut from it:
            # no side's or bar's labels. The rotated '(m)' of the bundled sample's y title,
            # two 2 px strokes a word space apart, cost 15 Tesseract calls here (48, not 33).
            if label.height < LABEL_LEAST_HEIGHT_SHARE * self.text_height:
                continue
            # The glyphs first: a label whose words do not alternate a number and a unit of
            # as many glyphs as a unit word's letters, on the number's line, is not read here
            # (Tesseract on every label of the figure, titles included, was 19 calls more on
            # the bundled sample, 0.8 s).
            words = _words_at_spaces(members)
            if len(words) < 2 or len(words) % 2 or \
                    any(len(word) not in UNIT_WORD_LENGTHS for word in words[1::2]) or \
                    not all(map(_unit_on_numbers_line, words[::2], words[1::2])):
                continue
            text, parsed = self.read(label)
            whole = normalise(text).replace(" ", "")
            units = re.findall(r"[A-Za-z]+", whole)
            if parsed is not None or not units or any(unit not in UNIT_WORDS for unit in units) \
                    or not re.search(r"[A-Za-z]$", whole):
                continue
            if len(words) != 2 * len(units):
                continue
            pieces = []
            for number_glyphs, unit_glyphs, unit, digits_read in zip(
                    words[::2], words[1::2], units, re.split(r"[A-Za-z]+", whole)):
                piece = self._number_and_unit(label, number_glyphs, unit_glyphs, unit,
                                              re.sub(r"\D", "", digits_read))
                if piece is None:
                    break
                pieces.append(piece)
            else:
                replaced.append((index, pieces))
        for index, pieces in reversed(replaced):
            # A single number and unit keeps the merged label's box: its reading ('m') goes.
            self.cache.pop(self.labels[index].box(), None)
            self.labels[index:index + 1] = pieces

    def _number_and_unit(self, label, number_glyphs, unit_glyphs, unit, digits_read):
        """One number and its unit cut from a merged label (:meth:`_cut_at_unit_spaces`), as a
        label read as the number with its unit, or None when its glyphs do not show that."""
        def piece(glyphs, **kwargs):
            return TextLabel(min(g[0] for g in glyphs), min(g[1] for g in glyphs),
                             max(g[2] for g in glyphs), max(g[3] for g in glyphs), len(glyphs),
                             list(glyphs), [max(b[0] - a[2], 0) for a, b in zip(glyphs, glyphs[1:])],
                             cut_from=label.box(), **kwargs)

        if len(unit_glyphs) != len(unit):
            return None
        number = piece(number_glyphs)
        text, parsed = self.read(number)
        if parsed is None or parsed.unit or parsed.degrees or parsed.exponent_form or \
                (digits_read and digits_read != re.sub(r"\D", "", text)):
            return None
        return piece(list(number_glyphs) + list(unit_glyphs), unit_word=unit, number_part=number)

    def _split_leading_units(self):
        """Labels that begin with the unit of the number before them cut after the unit.

        Where two labels with a unit run into each other (a short horizontal QGIS legend:
        '10,892.81 m12,464.51 m'), the word spaces cut the run as '10,892.81', 'm12,464.51',
        'm': the first unit stands with the second number, and neither number has its unit.
        A label read as a length unit then a number, one glyph a character, whose first glyph
        stands no taller than the digits after it, within a word space after a label read as
        a plain number on its baseline, is cut into the unit (a word of its own, joined to the
        number before as any unit word) and the number.
        """
        replaced = []
        for index, label in enumerate(self.labels):
            members = sorted(label.members or [])
            if label.glyphs < 3 or len(members) != label.glyphs or label.patch is not None or \
                    label.inside or label.crossed_line is not None:
                continue
            # The unit's letters are x-height: shorter than the digits after them.
            if members[0][3] - members[0][1] > 0.85 * label.height:
                continue
            before = [other for other in self.labels
                      if other is not label and other.col1 <= label.col0
                      and label.col0 - other.col1 <= other.height
                      and abs(other.row1 - label.row1) <= max(1.5, 0.15 * other.height)]
            if not before:
                continue
            text, parsed = self.read(label)
            led = re.fullmatch(r"(%s)(.+)" % "|".join(UNIT_WORDS), normalise(text).replace(" ", ""))
            if parsed is not None or led is None or len(normalise(text).replace(" ", "")) != \
                    len(members):
                continue
            number = parse_label(led.group(2))
            previous = parse_label(self.read(max(before, key=lambda other: other.col1))[0])
            if number is None or number.degrees or number.unit or previous is None or \
                    previous.degrees or previous.unit:
                continue
            split = len(led.group(1))
            pieces = []
            for own in (members[:split], members[split:]):
                piece = TextLabel(min(m[0] for m in own), min(m[1] for m in own),
                                  max(m[2] for m in own), max(m[3] for m in own), len(own),
                                  own, [max(b[0] - a[2], 0) for a, b in zip(own, own[1:])],
                                  cut_from=label.box())
                pieces.append(piece)
            self.cache[pieces[1].box()] = (led.group(2), number)
            replaced.append((index, pieces))
        for index, pieces in reversed(replaced):
            self.labels[index:index + 1] = pieces

    def _read_words(self, image) -> str:
        """Tesseract's reading of a line of words (:func:`.ocr.read_text`: an axis title, a
        number with its unit word), once per image while the figure is read: the face is read
        again for each way of re-reading digits, and each time its axis titles were read
        anew (bench_detection's 1 MP figure: 6 title readings of 2 images, 0.28 of its 0.44 s
        of Tesseract, profiled)."""
        key = image_digest(image)
        if key not in self._words_read:
            self._words_read[key] = read_text(image)
        return self._words_read[key]

    def _ocr(self, image):
        """Tesseract's reading of one label image (:func:`.ocr.read_label`), the
        cancellation asked first: a label's readings (its crop, bold, at another scale, its
        raised part) and the re-readings of checks after the labels' loop are each a
        Tesseract call of 3-60 ms, and a cancel stops before the next one, not only before
        the next label."""
        if self.progress is not None and self.progress(self.fraction):
            raise InterruptedError("Cancelled.")
        return read_label(image)

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
                elif label.height <= SMALL_TEXT_MAX_HEIGHT_PX:
                    text, parsed = self._read_small(label, text, parsed)
            if parsed is not None and parsed.hemisphere and normalise(text).startswith("-"):
                text, parsed = sign_beside_hemisphere(text, parsed)
            if parsed is not None and self._cut_by_edge(label):
                # The figure's edge runs through the label: characters beyond it are lost
                # ('5180' of a y axis cut by a tight crop read '180', or '9180' from what is
                # left of the '1'), and nothing tells which.
                text, parsed = f"{text} {CUT_BY_EDGE}", None
            self.cache[key] = (text, parsed)
        text, parsed = self.rereadings.get(key, self.cache[key])
        if label.cut_by_frame and parsed is not None:
            # Marked when the text over the map was found, maybe after this piece was read.
            text, parsed = f"{text} {CUT_BY_FRAME}", None
        return text, parsed

    def _cut_by_edge(self, label) -> bool:
        """Whether the figure's edge may cut a label: its ink touches the edge.

        Level text touching the left or right edge (along its line) may have lost
        characters. Touching only the top or bottom edge (a figure cropped to its ink, the
        bar's labels on its last row), it lost no character, only maybe the glyphs' bottoms
        (or tops): it is whole when it is a level row of glyphs (two or more, wider than
        tall) as tall as the figure's other text (:meth:`_whole_text_height`), and cut (2 px
        of 8 into a 'cut2' crop) when shorter.
        """
        rows, cols = self.lum.shape
        if label.col0 <= 0 or label.col1 >= cols:
            return True
        if label.row0 > 0 and label.row1 < rows:
            return False
        if label.glyphs < 2 or label.width <= label.height:
            return True
        whole = self._whole_text_height()
        return whole is None or label.height < whole

    def _whole_text_height(self):
        """The height (pixels) of the figure's whole text: the tallest row of at least
        :data:`WHOLE_TEXT_MIN_LABELS` level labels of two glyphs or more touching no edge,
        their tops and heights within a pixel (an axis' tick labels; specks over a map are
        of every height and in no row); None when there is no such row.

        The tallest, not the commonest: a row of smaller text would take a row cut short
        for whole."""
        if "whole text height" not in self.cache:
            rows, cols = self.lum.shape
            level = [label for label in self.labels
                     if label.glyphs >= 2 and label.width > label.height and
                     label.col0 > 0 and label.row0 > 0 and label.col1 < cols and
                     label.row1 < rows]
            in_rows = [label.height for label in level
                       if sum(abs(other.row0 - label.row0) <= 1 and
                              abs(other.height - label.height) <= 1 for other in level)
                       >= WHOLE_TEXT_MIN_LABELS]
            self.cache["whole text height"] = float(max(in_rows)) if in_rows else None
        return self.cache["whole text height"]

    def _read_checked(self, label):
        """A label's text and parsed value, its dropped decimal point or minus sign put back,
        None for the value when its glyphs hold more characters than were read."""
        text = restore_decimal_point(self._read_with_superscript(label), label.members)
        members = label.members
        lum, (col, row) = self._source(label)
        r0, c0 = max(label.row0 - row, 0), max(label.col0 - col, 0)
        ink = ink_mask(lum[r0:label.row1 - row, c0:label.col1 - col], self.page)
        if text[:1].isdigit() or normalise(text)[:1] == "-":
            # A minus touching the first digit is one glyph with it: split off to be seen
            # (read or not: read, its glyph held two digits' width, and the separator
            # check took the bar for the first digit and the point for none: '-84.32°' in
            # Nimbus Sans 8 pt at 100 dpi read '-8432°').
            members = split_leading_bar(members, ink, (c0 + col, r0 + row))

        def known_pitches():
            # The digits' pitch from the label's own glyphs, then from the figure's labels as
            # tall (either may be unknown). Asked only where a check needs it: the figure's is
            # found once per height from the labels as they stand when first asked.
            return [pitch for pitch in (digit_pitch([label], label.height, least_pairs=1),
                                        self.digit_pitch(label.height)) if pitch is not None]

        text = restore_minus_sign(text, members, lambda: min(known_pitches(), default=None))
        if label.crossed_line is None and re.fullmatch(r"[-+]?\d{3,}", normalise(text)):
            # A point read as a digit: one digit more than the digits' glyphs, and a point's
            # glyph where it stands (Nimbus Roman through a JPEG: '23.5' read '2355').
            text = point_read_as_digit(text, members, known_pitches(), self.glyph_lum(),
                                       self.page)
        if re.search(r"\d[.,]\d", text):
            pitches = known_pitches()
            # A point or comma Tesseract made up or took for the other ('12250' read
            # '122.50' on every label of an axis: a line a hundredth of the true one). A lone
            # separator among broken glyphs goes by the first plausible pitch of both.
            text = separators_as_inked(text, members, pitches[0] if pitches else None,
                                       self.glyph_lum(), self.page, pitches)
        elif label.crossed_line is None:
            # No separator read: a point touching a digit makes one glyph with it, which
            # Tesseract reads as the digit ('1.10' read '110' at 72 dpi).
            touching = point_touching_a_digit(text, label.members, ink, (c0 + col, r0 + row),
                                              self.digit_width(label.height))
            if touching == text:
                # A point standing alone between digits whose glyphs are broken apart
                # (Nimbus Roman through a JPEG: '23.5' read '235').
                touching = lone_separator_as_inked(text, members, known_pitches(),
                                                   self.glyph_lum(), self.page)
            # A serif '4''s foot read as a point after it ('4.'): no number, though every
            # glyph is a digit's and none stands for a point.
            text = trailing_point_without_ink(touching, members, ink, (c0 + col, r0 + row),
                                              self.digit_width(label.height))
        parsed = parse_label(text)
        if parsed is not None and digit_on_its_side(text, label.members):
            if label.height >= TOUCHING_DIGITS_HEIGHT_SHARE * self.text_height:
                # As tall as the figure's digits: digits touching, one glyph, read as one
                # digit ('60' read '6' in DejaVu Sans 8 pt at 72 dpi), not a digit turned.
                text, parsed = (f"{text} (one glyph wider than a digit: digits touching, "
                                "a character not read)"), None
            else:
                # One glyph wider than tall read as a digit: a digit written at a quarter
                # turn (read with its turned neighbours, rotated_labels), never a level one.
                text, parsed = f"{text} (one glyph wider than tall: a digit on its side)", None
        elif parsed is not None and characters_missing(text, label.members):
            # Tesseract dropped a character ('150' read as '15', '-20' as '20', '15°S' as
            # '15°'): the number it gives is another one, and a few labels can fit a line
            # through it. Not a value: the fit goes on without it.
            text, parsed = f"{text} (a character not read)", None
        elif parsed is not None and digits_touching_read_as_one(
                text, members, max(known_pitches(), default=None),
                self.digit_width(label.height)):
            # Two digits touching, one glyph read as one digit ('36.65' read '4.65' at 4 px
            # on every label of an axis: a line with the right step, 32 off).
            text, parsed = f"{text} (a glyph two digits wide read as one: a digit not read)", None
        elif parsed is not None and characters_made_up(text, label.members,
                                                       min(known_pitches(), default=None)):
            # More digits read than its glyphs hold ('-1,500.5' read '21,5005', its sign a
            # '2' and its point a '0'): one was made up, and with two labels nothing tells.
            text, parsed = f"{text} (more digits than its glyphs hold)", None
        elif parsed is not None and text_line_only(label.members):
            pitches = known_pitches()
            if pitches and wider_than_text(unit_spaced(text), label.width, max(pitches),
                                           cell_pitch(sorted(label.members), label.height)):
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

    def _read_small(self, label, text, parsed):
        """A small label's reading (glyphs at most :data:`.drawn_text.SMALL_TEXT_MAX_HEIGHT_PX`
        high) by drawing the texts near what Tesseract read in the figure's own font and size
        (:mod:`.drawn_text`): the one text whose drawing matches its pixels, else Tesseract's
        reading (``text``, ``parsed``), set aside when the figure's font draws it unlike the
        label."""
        styles = self._small_text_styles()
        if not styles:
            return text, parsed
        # Against the text's colour the styles were found with (:meth:`_small_text_styles`).
        coverage = self._small_coverage(label, self.cache["small text ink"])
        readings = [reading for reading in (self._raw_reading(label), self._bold_reading(label))
                    if reading]
        drawn = read_by_drawing(coverage, readings, styles, _parsed_value)
        if drawn is not None:
            drawn_text, _ = drawn
            return drawn_text, parse_label(drawn_text)
        if parsed is not None and reading_contradicted(coverage, normalise(text), styles):
            # Tesseract's text drawn in the figure's font is not the label ('−04.27' for
            # '−84.27', 5 px high): a misread that keeps the label's shape, and often the
            # same on every label of the axis, which a line would fit.
            return f"{text} (drawn in the figure's font it is not this label)", None
        return text, parsed

    def _small_text_styles(self):
        """The fonts and sizes that draw the figure's small labels exactly, found once from
        Tesseract's readings of the longest of them (:func:`.drawn_text.find_text_styles`).

        Their coverage is measured against the text's colour: the darkest pixel of any label
        (a small glyph's own darkest pixel is rarely wholly covered), else, when that finds
        no style and the small labels' own darkest pixel is lighter by
        :data:`LIGHTER_SMALL_TEXT_LUMA` or more, theirs: grey tick labels under a black title
        (matplotlib's ggplot style, #555555) are drawn at 0.6 of their coverage against black,
        and no style matched them (sweep_auto_decode --wide --wider 298 #5: Nimbus Roman 7 pt
        at 96 dpi, no colorbar label read)."""
        if "small styles" not in self.cache:
            small = [label for label in self.labels
                     if label.height <= SMALL_TEXT_MAX_HEIGHT_PX and label.width >= label.height
                     and label.crossed_line is None and label.number_part is None]
            readings = {label.box(): {reading for reading in (self._raw_reading(label),
                                                              self._bold_reading(label))
                                      if reading} for label in small}
            # Labels both readings agree on first (more likely read right), the widest first.
            small.sort(key=lambda label: (-(len(readings[label.box()]) == 1), -label.width))
            sampled = [label for label in small[:SMALL_STYLE_SAMPLES] if readings[label.box()]]

            def styles_against(ink):
                return find_text_styles([(self._small_coverage(label, ink),
                                          readings[label.box()]) for label in sampled])

            figure_ink = self._text_ink()
            styles, ink = styles_against(figure_ink), figure_ink
            own_ink = self._darkest_text_pixel(small)
            if not styles and own_ink - figure_ink >= LIGHTER_SMALL_TEXT_LUMA:
                own_styles = styles_against(own_ink)
                if own_styles:
                    styles, ink = own_styles, own_ink
            # Kept for reading the small labels only: every other drawing compared with a
            # label (:func:`_labels_drawn_by_matplotlib`, :func:`_label_ink_offsets`, labels
            # of any height) keeps the figure's darkest label pixel, which a black label
            # taller than these reaches and a lighter colour would clip.
            self.cache["small styles"], self.cache["small text ink"] = styles, ink
        return self.cache["small styles"]

    def _darkest_text_pixel(self, labels) -> float:
        """The darkest luma (0-255) of the figure within the labels' boxes (0 when none)."""
        return min((float(self.lum[label.row0:label.row1, label.col0:label.col1].min())
                    for label in labels if label.width > 0 and label.height > 0), default=0.0)

    def _text_ink(self) -> float:
        """The text's colour (luma, 0-255): the darkest pixel of any label (a small glyph's
        own darkest pixel is rarely wholly covered), once."""
        if "text ink" not in self.cache:
            self.cache["text ink"] = self._darkest_text_pixel(self.labels)
        return self.cache["text ink"]

    def _small_coverage(self, label, ink=None):
        """The label's coverage (0-1 a pixel, :func:`.drawn_text.label_coverage`) against
        ``ink`` (luma, 0-255; the figure's text colour, :meth:`_text_ink`, when None)."""
        lum, (col, row) = self._source(label)
        return label_coverage(lum, self.page, (label.col0 - col, label.row0 - row,
                                               label.col1 - col, label.row1 - row),
                              self._text_ink() if ink is None else ink)

    def _raw_reading(self, label):
        """Tesseract's reading of a label as it stands (no checks), once."""
        key = ("raw", label.box())
        if key not in self.cache:
            self.cache[key] = normalise(self._read_with_superscript(label))
        return self.cache[key]

    def _bold_reading(self, label):
        """Tesseract's reading of a label upscaled and thresholded at 200 of 255 (its anti-
        aliased edges made ink): at 5-6 px it reads other digits right than the grey crop."""
        key = ("bold", label.box())
        if key not in self.cache:
            lum, (col, row) = self._source(label)
            image = crop_label(lum, (label.col0 - col, label.row0 - row, label.col1 - col,
                                     label.row1 - row), self.page)
            self.cache[key] = normalise(self._ocr(np.where(image < 200, 0, 255)
                                                   .astype(np.uint8))[0])
        return self.cache[key]

    def digits_unlike_glyphs(self, labels, min_height=ALIKE_MIN_HEIGHT_PX) -> str:
        """:func:`.label_checks.digits_read_unlike_their_glyphs` over the labels (TickLabel)
        read as numbers: their readings and their glyphs (``min_height`` px high at least)."""
        return digits_read_unlike_their_glyphs(
            self.readings_and_glyphs([label for label in labels if label.value is not None]),
            self.glyph_lum(), self.page, min_height)

    def readings_and_glyphs(self, labels) -> list:
        """Each label's (reading, glyph boxes) for the glyph comparisons of
        :mod:`.label_checks`: the boxes None for a label whose glyphs may not be its own.

        A label cut from a merged one (``cut_from``) touched its neighbours: overlapping
        labels share ink no cut gives back whole ('170°W165°W' at 10 pt and 200 dpi: the 'W'
        reaches under the next '1', one glyph 15 px wide where a '1' is 12). With letters
        after its number, its first full-height glyphs are taken for its digits
        (:func:`.label_checks._digit_boxes_before_letters`), and a '1' with a 'W''s tip,
        drawn as a '6' is, had every x label's shared '1' read again as '6' ('670°W' ...
        '625°W', the fit kept). Such a piece gives no glyphs; one of digits only still does,
        each glyph one digit's (:func:`.label_checks._digit_glyphs` counts them).
        """
        glyphs = {label.box(): label for label in self.labels}
        readings = []
        for label in labels:
            text_label = glyphs.get(tuple(label.box))
            shares_ink = text_label is not None and text_label.cut_from is not None and \
                any(character.isalpha() for character in label.text)
            readings.append((label.text, None if text_label is None or shares_ink
                             else text_label.members))
        return readings

    def glyph_lum(self):
        """The figure's luma with the text over the map as dark ink on the white page: the
        pixels glyphs are compared by (:func:`.label_checks.digit_rereadings`).

        Over the map a glyph's pixels in the figure's luma are its ink over the colours round
        it, and those colours change from glyph to glyph (a blue ramp under QGIS's annotations
        inside the frame): two drawings of one digit differed, and two digits' matched, so
        '2148000' was read again '7148000' and the y axis placed 5000 km off behind a warning.
        Inside the frame each pixel is taken as its brightness over its background
        (:func:`.text.ink_over_map`) on the page's luma, as OCR reads it there.
        """
        if self.over_map is None or self.over_map[1] is None:
            return self.lum
        if getattr(self, "_glyph_lum", None) is None:
            _, brightness, (col0, row0) = self.over_map
            lum = self.lum.copy()
            rows, cols = brightness.shape
            lum[row0:row0 + rows, col0:col0 + cols] = brightness * self.page
            self._glyph_lum = lum
        return self._glyph_lum

    def digits_unlike_at_another_scale(self, labels) -> str:
        """A problem when a label read as a number reads other digits at a second scale
        (:data:`.ocr.CHECK_TARGET_HEIGHT`), or "": one of the two readings is a misread.

        With two labels (a QGIS legend's ends) no fit confirms a reading, and glyphs under 12 px
        high are too coarse to tell one digit's drawings from another's
        (:func:`digits_read_unlike_their_glyphs`): '23.5' read '25.5' in DejaVu Sans 8 pt at
        96 dpi, '357' read '307' in DejaVu Serif 12 pt at 120 dpi. A misread seldom repeats at
        another scale; a label read right reads the same. A second reading with no digits
        (Tesseract lost at that scale) says nothing.

        Parameters
        ----------
        labels : list of TickLabel
            The labels kept.

        Returns
        -------
        str
        """
        own = {label.box(): label for label in self.labels}
        for label in labels:
            text_label = own.get(tuple(label.box))
            if label.value is None or text_label is None or label.parsed is None or \
                    label.parsed.exponent_form:
                continue
            text_label = text_label.number_part or text_label
            lum, (col0, row0) = self._source(text_label)
            box = text_label.box()
            second, _ = self._ocr(crop_label(
                lum, (box[0] - col0, box[1] - row0, box[2] - col0, box[3] - row0), self.page,
                target_height=CHECK_TARGET_HEIGHT))
            if re.fullmatch(r"[-+]?\d{3,}", normalise(second).replace(" ", "")):
                # The point read as a digit again, where its glyph stands ('2.25' read '2125'
                # at both scales, put back from the first): the same reading, no misread.
                second = point_read_as_digit(
                    second, text_label.members,
                    [digit_pitch([text_label], text_label.height, least_pairs=1),
                     self.digit_pitch(text_label.height)], self.glyph_lum(), self.page)
            first_digits = re.sub(r"\D", "", normalise(label.text.split(" (")[0]))
            second_digits = re.sub(r"\D", "", normalise(second))
            if second_digits and second_digits != first_digits:
                return (f"the label {label.text!r} reads {second!r} when read again at another "
                        f"scale: one reading is a misread")
        return ""

    def digit_width(self, height):
        """The width (pixels) of the figure's digits as tall as ``height``
        (:func:`.label_checks.glyph_widths`), found once per height."""
        key = ("digit width", int(round(height)))
        if key not in self.cache:
            self.cache[key] = glyph_widths(self.labels, height)
        return self.cache[key]

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

    def _read_with_superscript(self, label):
        """Read a label; a raised, smaller trailing part made of digits is an exponent (10² is
        read as 10^2). A raised degree sign is not: the whole label's reading then stands."""
        lum, (col0, row0) = self._source(label)

        def crop(box):
            return crop_label(lum, (box[0] - col0, box[1] - row0, box[2] - col0,
                                    box[3] - row0), self.page)

        text, _ = self._ocr(crop(label.box()))
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
        base_text, _ = self._ocr(crop(_union(base)))
        exponent_text, _ = self._ocr(crop(_union(raised)))
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

        def glyphs_over_map(ink, brightness, height):
            glyph_ink = _rejoined_across_lines(ink, _without_lines(ink, int(2.5 * height) + 2))
            # Grid lines through labels (QGIS writes its annotations inside the frame centred
            # on their grid lines) are no strokes of them: OCR read the line's column as a '1'
            # ('620000' read '6201000', every label alike, a fit ten times too steep). The
            # page OCR reads is white there; a stroke the line covers loses a pixel or two.
            brightness = np.where(ink & ~glyph_ink, np.float32(1.0), brightness)
            glyphs = find_glyphs(glyph_ink, exclude, max_height=int(2.5 * height) + 2)
            return glyph_ink, brightness, merge_into_labels(glyphs)

        glyph_ink, brightness_read, merged = glyphs_over_map(ink, brightness, height)
        if not self.text_height_measured:
            # No text on the page to measure (GMT's MAP_FRAME_TYPE=inside writes every
            # annotation over the map): the 10 px assumed held a 300 dpi figure's 37 px labels
            # to 27 px, and none was found. Looked for again as tall as text on a page this
            # size may be; their own height taken when enough labels show it. Likewise when
            # fewer page labels than that measured it: JPEG ringing beside GMT's bar (not
            # found, its labels inside its box) read as one 3 px label of two glyphs held the
            # 19-37 px annotations to glyphs of 7 px at most, and none was found.
            guess = UNMEASURED_TEXT_SHARE * max(self.lum.shape)
            if guess > 1.5 * height:
                _, _, trial = glyphs_over_map(*ink_over_map(self.rgb[row0:row1, col0:col1],
                                                            guess), guess)
                shared = tallest_shared_height([label.height for label in trial
                                                if label.glyphs >= 3])
                if shared is not None and shared > 1.5 * height:
                    height = self.text_height = shared
                    ink, brightness = ink_over_map(self.rgb[row0:row1, col0:col1], height)
                    glyph_ink, brightness_read, merged = glyphs_over_map(ink, brightness,
                                                                         height)
        brightness = brightness_read
        self.over_map_text_height = over_map_text_height(merged, height)
        for label in merged:
            # The smaller text's height lets in labels of two glyphs or more, not a glyph
            # alone (a piece of a 6 pt label's digit read '7').
            least = LABEL_LEAST_HEIGHT_SHARE * (
                self.over_map_text_height if label.glyphs >= 2 else height)
            if label.height < least or label.height > 2.5 * height:
                continue
            label.col0 += col0
            label.col1 += col0
            label.row0 += row0
            label.row1 += row0
            label.members = [(m[0] + col0, m[1] + row0, m[2] + col0, m[3] + row0)
                             for m in label.members]
            label.inside = True
            found.append(label)
        # Tick marks drawn inward from the frame (QGIS's interior ticks, GMT's inside frame)
        # stand on its line as lone strokes: no glyph of a label.
        found = _without_frame_tick_stems(found, frame.box, self._line_thickness())
        _cut_by_frame(found, [label for label in self.labels if not label.inside],
                      frame.box, self._line_thickness() + 0.3 * height + 1.0)
        self.over_map = (found, brightness, (col0, row0))
        self.over_map_ink = (ink, (col0, row0))
        # The glyphs' ink alone (lines, the colorbar and a legend left out): the pixels of
        # labels written at an angle inside the frame (rotated_labels).
        self.over_map_glyph_ink = (glyph_ink & ~exclude, (col0, row0))
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
        if axis == "x":
            unwrap_longitudes(labels)
        lines = self.grid_lines(axis)
        # The drawn line is the tick; a label's centre is about a pixel off it vertically
        # (text is centred on its box, descent included).
        _attach_grid_lines(labels, lines + self.layout.snap_offset,
                           max(2.0, 0.6 * self.text_height), self.text_height)
        if self.layout.snap_offset == 0.0:
            _unsnap_grid_lines(labels)
        place_by_the_others(labels)
        reading.fit = _on_one_step(labels, fit_ticks(labels))
        if axis == "y":
            reading.fit = _on_one_step(labels, _cylindrical_fit(labels, reading.fit))
        numbers = len(labels)
        kept = len(reading.kept)
        # Repeated labels (one per grid line crossing) count once.
        distinct = len({label.value for label in reading.kept})
        if reading.fit is None or distinct < MIN_KEPT_LABELS or kept < MIN_KEPT_SHARE * numbers:
            single = one_value_only(labels)
            reading.problem = f"only one degree label over the map along {axis} ({single})" \
                if single else (f"{distinct} distinct of {numbers} degree labels over the map "
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
                    self._start_on_line(text_label, side, owner) else (text, parsed)
                    for text_label, (text, parsed) in zip(beside, readings)]
        bar = self.layout.colorbar
        if bar is not None and tuple(owner) != bar.pixel_box():
            # An axis' label whose text runs into the colorbar (a bar placed against the map,
            # drawn over the right-hand labels: cartopy's '45°S' shows '45'): the characters
            # under the bar are lost, and what is left may still fit a line (the latitudes
            # turned over: the map put in the other hemisphere in silence).
            readings = [(f"{text} {CUT_BY_BAR}", None)
                        if parsed is not None and self._cut_by_bar(text_label, parsed, side,
                                                                    bar.box)
                        else (text, parsed)
                        for text_label, (text, parsed) in zip(beside, readings)]
        for text_label, (text, parsed) in zip(beside, readings):
            if parsed is not None and (
                    text_label.cut_from in unreadable or
                    parsed.hemisphere in (("N", "S") if side.horizontal else ("E", "W")) or
                    (hemispheres and parsed.degrees and not parsed.hemisphere
                     and not written_without_hemisphere(parsed.value, side.horizontal))):
                # Also a latitude along x (a longitude along y), and a degree label without
                # the hemisphere letter the axis' other labels carry: misreads ('125°W' cut
                # short to '25°N' or '25°') must not join the fit.
                parsed = None
            cx, cy = text_label.centre
            if not side.horizontal:
                cy = rows_without_tails(text_label)
            if parsed is not None and leading_zero(text):
                # '05': no renderer writes a leading zero; a decimal point was not read
                # ('0.5'). No value (its point may be put back by the fit, or tell that every
                # label lost its own: points_lost_everywhere).
                labels.append(TickLabel(text_label.box(), text, None, cx if side.horizontal
                                        else cy, parsed=parsed, across_text=not side.horizontal))
                continue
            labels.append(TickLabel(text_label.box(), text,
                                    None if parsed is None else parsed.value,
                                    cx if side.horizontal else cy, parsed=parsed,
                                    across_text=not side.horizontal))
        placement = "inside" if side.inward else "outside"
        reading = AxisReading(side.name, labels, placement=placement)
        if not ocr:
            return reading
        self._place_and_fit(reading, side, allow_log, cylindrical)
        if reading.fit is None and not allow_log:
            # Labels written at an angle (matplotlib's rotation=45/90, GMT's and QGIS's vertical
            # y annotations, outside the frame or inside it) come apart into glyphs that read
            # as nothing: read them turned.
            labels, anchors = self.rotated_labels(side)
            best = None
            # One side's labels are all written one way round: each way is tried for all of
            # them (a label read upside down is other digits, '2149000' read '0006712').
            # Where a turned label's tick is depends on its alignment (a 45° label is
            # right-aligned at its tick, a 90° one centred): the way and anchor whose labels
            # fit, meet the most tick marks, then read the most surely, then fit closest, are
            # the figure's.
            ways = turn_ways(labels)
            upright = bool(labels) and all(abs(label.angle) >= UPRIGHT_TEXT_DEGREES
                                           for label in labels)
            lone = [getattr(label, "lone_glyph", False) for label in labels]

            def ruled(rule):
                # A label's far or near end (rules 1 and 2) is half its length from its
                # middle: a lone glyph's ('0', '5') half a glyph, a longer label's more, so
                # beside longer labels a lone glyph's end is off its tick otherwise than
                # theirs and would tilt the fit (the middle and the end nearest the side
                # agree for text written upward). Its end is held to the fit only when every
                # label is a lone glyph.
                if rule in (1, 2) and any(lone) and not all(lone):
                    return [label for label, alone in zip(labels, lone) if not alone]
                return labels

            for way in ways:
                confidence = set_turn_way(labels, way, side.horizontal)
                for rule in range(len(anchors[0]) if anchors else 0):
                    for label, anchor in zip(labels, anchors):
                        label.label_position, label.tick_position = anchor[rule], None
                        label.tick_only, label.tick_weight = False, 0.5
                    turned = AxisReading(side.name, ruled(rule), placement=placement)
                    self._place_and_fit(turned, side, allow_log, cylindrical)
                    # Unless tick marks or grid lines say otherwise, upright text is centred
                    # on its tick (QGIS's vertical annotations, matplotlib's and GMT's
                    # rotation=90): all the anchors of labels of one length fit alike,
                    # offset by half a label, and a closer fit only follows a label cut
                    # short (by the frame's corner).
                    score = (turned.fit is not None, len(turned.kept),
                             turned.pair_fit is not None, confidence,
                             sum(label.tick_position is not None for label in labels),
                             upright and rule == 0,
                             -turned.fit.rmse_px if turned.fit is not None else 0.0)
                    if best is None or score > best[0]:
                        best = (score, rule, turned.problem, way)
            if best is not None:
                set_turn_way(labels, best[3], side.horizontal)
                for label, anchor in zip(labels, anchors):
                    label.label_position, label.tick_position = anchor[best[1]], None
                    label.tick_only, label.tick_weight = False, 0.5
                turned = AxisReading(side.name, ruled(best[1]), placement=placement)
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
                    # (confirm_by_aspect) as a pair read level would be; a pair read level
                    # from glyphs of those labels ('0' and '4' of '36.70°N') is none.
                    turned.rotated = True
                    turned.problem = reading.problem
                    return turned
        return reading

    def _fancy_band(self, side):
        """The turns of a chequered band (GMT's fancy frame, QGIS's zebra) beside ``side``
        when it is one of the fancy frame's sides, outward, clear of the corners and moved
        in by the half width of the outline its blocks are drawn with
        (:func:`.ticks.fancy_band_ticks`); else empty."""
        frame = self.layout.frame
        if frame is None or frame.kind != "fancy" or side.inward:
            return np.zeros(0)
        left, top, right, bottom = frame.box
        position = {"left": left, "right": right, "top": top, "bottom": bottom}[side.name]
        if abs(side.position - position) > 0.5:
            return np.zeros(0)
        key = ("band turns", frame.box)
        if key not in self.cache:
            self.cache[key] = fancy_band_ticks(self.lum, self.page, box_sides(frame.box),
                                               self.layout.max_thickness)
        return self.cache[key][side.name]

    def _cut_by_bar(self, label, parsed, side, bar_box) -> bool:
        """Whether the colorbar is drawn over a frame side's label: its text runs into the
        bar's box (:func:`_runs_into`) and its reading lacks what the frame's labels clear of
        the bar carry: a degree sign (or hemisphere letter) that any of them has, or a
        hemisphere letter that those of its own axis have (on either side; '45°S' shows '45'
        under the bar). A whole label may stand as near the bar as a cut one (a bar placed
        against matplotlib's right-hand labels, 0.35 of their height off), so nearness alone
        cuts nothing.

        Parameters
        ----------
        label : TextLabel
            The label, beside ``side``.
        parsed : ParsedLabel
            Its reading.
        side : Side
            The frame's side it stands beside.
        bar_box : tuple of float
            The colorbar's box (col0, row0, col1, row1), pixels.
        """
        if not _runs_into(label, bar_box):
            return False
        letters = ("E", "W") if side.horizontal else ("N", "S")
        if parsed.degrees and (parsed.hemisphere or
                               written_without_hemisphere(parsed.value, side.horizontal)):
            return False
        degrees, hemispheres = self._marks_clear_of_bar(bar_box)
        if not parsed.degrees:
            return degrees
        return bool(hemispheres & set(letters))

    def _marks_clear_of_bar(self, bar_box) -> tuple:
        """What the labels beside the frame's four sides that do not run into the colorbar
        carry: (any a degree sign or hemisphere letter, the hemisphere letters read), from
        their text as read (a label the figure's edge cut keeps its end: '5°S' of '65°S');
        once per frame and bar box (asked for each label that runs into the bar)."""
        frame = self.layout.frame
        if frame is None:
            return False, set()
        owner = frame.pixel_box()
        key = ("marks clear of bar", tuple(owner), tuple(bar_box))
        if key in self.cache:
            return self.cache[key]
        degrees, hemispheres = False, set()
        for frame_side in box_sides(frame.box).values():
            for other in self.labels_beside(frame_side, owner):
                if _runs_into(other, bar_box):
                    continue
                text, parsed = self.read(other)
                if parsed is None and CUT_BY_EDGE in text:
                    parsed = parse_label(text.replace(CUT_BY_EDGE, ""))
                if parsed is not None and parsed.degrees:
                    degrees = True
                    hemispheres.add(parsed.hemisphere)
        self.cache[key] = degrees, hemispheres - {None}
        return self.cache[key]

    def _place_and_fit(self, reading, side, allow_log, cylindrical):
        """Tick marks (or grid lines) attached to a reading's labels, and their fit."""
        labels = reading.labels
        if not labels:
            reading.problem = f"no labels beside the {side.name} side"
            return
        if side.horizontal and not allow_log:
            unwrap_longitudes(labels)
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
            lines = self.grid_lines("x" if side.horizontal else "y")
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
            place_by_the_others(labels)
        if not snapped:
            weigh_marks_and_labels(labels, allow_log)
        unrounded = None if allow_log else unrounded_degrees(labels)
        if not allow_log:
            numbered = [label for label in labels if label.value is not None]
            reading.degree_readings = [(interval, list(zip(numbered, values)), tied)
                                       for interval, values, tied in degree_readings(labels)]
            tied = tied_reading(labels)
            if tied is not None:
                reading.tied_reading = (tied[0], list(zip(numbered, tied[1])))
        if unrounded is not None:
            # Decimal degrees rounded at a minutes' interval: each label at its exact value.
            reading.unrounded_step = unrounded[0]
            for label, value in zip([label for label in labels if label.value is not None],
                                    unrounded[1]):
                label.value = float(value)
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
        points_lost = points_lost_everywhere(labels, reading.fit)
        values = [label.value for label in labels if label.value is not None]
        repeated = sorted({value for value in values if values.count(value) > 1})
        if len(repeated) >= 2:
            # Two values written twice each along one side: annotations rounded to a coarser
            # precision than their interval (QGIS's degrees-minutes at a 30" interval: 38', 37',
            # 37', 36', 36'), whose exact ones are every other label or none: a fit through
            # either half may be half an interval off (seed 45 #1: 120 px, in silence).
            reading.problem = (f"the labels on the {side.name} side repeat values "
                               f"({', '.join(f'{value:g}' for value in repeated)}): they are "
                               "rounded to fewer digits than their spacing needs, so where "
                               "each value lies is not known")
            reading.fit = None
        elif points_lost:
            reading.problem = points_lost
            reading.fit = None
        elif reading.fit is None or kept < MIN_KEPT_LABELS or kept < MIN_KEPT_SHARE * numbers:
            # A colorbar's labels are no grid's (allow_log): its one label is said as others.
            single = "" if allow_log else one_value_only(labels)
            pair = not allow_log and kept == 2 and numbers <= 3 and \
                len({label.value for label in reading.kept}) == 2
            if single:
                reading.problem = f"only one label on the {side.name} side read as a number " \
                                  f"({single})"
            elif pair:
                first, second = reading.kept
                reading.problem = (f"only two labels on the {side.name} side agree on one "
                                   f"linear scale ({first.text!r}, {second.text!r}): two make "
                                   "a line whether read right or not, so the other axis' scale "
                                   "must confirm them")
            else:
                reading.problem = (f"{kept} of {numbers} labels read as numbers on the "
                                   f"{side.name} side agree on one "
                                   f"{'scale' if allow_log else 'linear scale'}")
            cut = sum(CUT_BY_EDGE in label.text for label in labels)
            if cut:
                reading.problem += (f" ({cut} more cut by the figure's edge: the figure was "
                                    "cropped through them)")
            under_bar = sum(CUT_BY_BAR in label.text for label in labels)
            if under_bar:
                reading.problem += (f" ({under_bar} more run into the colorbar: the "
                                    "characters under the bar were not read)")
            on_line = sum(SIGN_HIDDEN_NOTE in label.text for label in labels)
            if on_line:
                reading.problem += (f" ({on_line} more start against a line: "
                                    f"{SIGN_HIDDEN_NOTE})")
            # Labels read but set aside by a check of their glyphs are named: a legend's
            # '23.5' read '23.55' and set aside (before point_read_as_digit) left '0 of 1
            # labels read as numbers', which said nothing of the label the user should look
            # at. Any label with no value and a note but the excluded ones is named.
            set_aside = [label.text for label in labels
                         if label.value is None and " (" in label.text and not any(
                             note in label.text for note in (CUT_BY_EDGE, CUT_BY_FRAME,
                                                             CUT_BY_BAR, SIGN_HIDDEN_NOTE))]
            if set_aside:
                named = ", ".join(repr(text) for text in set_aside[:SET_ASIDE_NAMED])
                more = ", ..." if len(set_aside) > SET_ASIDE_NAMED else ""
                reading.problem += (f" ({len(set_aside)} more read but set aside: "
                                    f"{named}{more})")
            # The pair placed by tick marks or, without them (QGIS's interior ticks, no ticks
            # at all), by the labels' centres, as a longer axis is (warned about then).
            if pair:
                reading.pair_fit = fit_ticks(reading.kept)
                # fit_ticks marks its own labels: the two stay kept, the others as they were.
            reading.fit = None
        rounded = rounded_off_the_line(labels, reading.fit or reading.pair_fit) or \
            dropped_ties_off_the_fit(labels, reading.fit, reading.tied_reading)
        if rounded:
            reading.problem = rounded
            reading.fit = reading.pair_fit = None
            reading.rounded_off_line = True

    def rotated_labels(self, side):
        """Labels written at an angle beside a side, each read turned along its own long axis.

        The glyphs in a band beside the side (outside it, or inside the frame for an inward
        side: QGIS's vertical annotations inside the map, whose ink is found over the map's
        colours) are grouped by closeness (a label's glyphs are less than half a text height
        apart, neighbouring labels much more); each group's principal axis gives its angle;
        its ink alone (not a neighbour's reaching into its box) is turned level, both ways
        round, and read each way (:meth:`choose_turn` picks one way for the whole side). A
        label's place along the side is the middle of its end nearest the side: the anchor of
        a right-aligned 45° label and the centre of a 90° one.

        Returns
        -------
        labels : list of TickLabel
            Each read the way its own reading is the more confident; ``turn_readings`` holds
            both ways' (turn in degrees, text, parsed, confidence).
        anchors : list of tuple of float
            Per label, where its tick may be along the side: its middle, its far end, its near
            end, the middle of its end nearest the side.
        """
        height = self.text_height
        rows, cols = self.lum.shape
        reach = int(8 * height + 0.03 * max(rows, cols))
        lo, hi = (side.position + 2, side.position + reach) if side.outward > 0 else \
            (side.position - reach, side.position - 2)
        if side.horizontal:
            r0, r1 = int(max(lo, 0)), int(min(hi, rows))
            c0, c1 = int(max(side.start - 3 * height, 0)), int(min(side.end + 3 * height, cols))
        else:
            c0, c1 = int(max(lo, 0)), int(min(hi, cols))
            r0, r1 = int(max(side.start - 3 * height, 0)), int(min(side.end + 3 * height, rows))
        if r1 - r0 < 4 or c1 - c0 < 4:
            return [], []
        ink, tone = self._turned_text_source(side, r0, r1, c0, c1)
        # Inside the frame, where the map's edge clips the annotations (along the side).
        clip = None
        if side.inward and getattr(self, "over_map_glyph_ink", None) is not None:
            inner, (col0, row0) = self.over_map_glyph_ink
            clip = (row0, row0 + inner.shape[0]) if not side.horizontal else \
                (col0, col0 + inner.shape[1])
        pieces, short = self._turned_groups(ink, height)
        own_height = _turned_text_height(pieces)
        if own_height is not None and own_height > (1.0 + TURNED_HEIGHT_EXCESS) * height:
            # The labels written at an angle are in larger type than the figure's level text
            # (its text height taken from a smaller legend): their glyphs stand farther apart
            # than the level text's reach and came apart ('2140000' upward in Nimbus Sans
            # 12 pt at 250 dpi, 31 px thick, with a 9 px gap after its '1', grouped at 21.5
            # px as '21' and '40000'). Grouped again at their own thickness.
            height = own_height
            pieces, short = self._turned_groups(ink, height)
        side_angle = _sides_text_angle(pieces)
        # Text written upward or downward is written at exactly 90° (QGIS's vertical
        # annotations, matplotlib's and GMT's rotation=90), which small labels' ink measures
        # several degrees off ('20' and '-20', DejaVu Sans 7 pt at 96 dpi: 82.2°); they are
        # read upright too, a quarter turn that moves no pixel's value.
        upright = 90.0 if abs((side_angle % 180.0) - 90.0) <= UPRIGHT_READING_DEGREES else None
        labels, anchors = [], []
        for ys, xs, angle, _, _ in pieces:
            turn_readings = self._read_turned(ys, xs, angle, tone)
            for other, least in ((side_angle if len(pieces) >= 2 else None,
                                  ROTATED_REREAD_DEGREES), (upright, 0.5)):
                off = None if other is None else (other - angle + 90.0) % 180.0 - 90.0
                if off is not None and abs(off) > least:
                    turn_readings = _surer_each_way(
                        turn_readings, self._read_turned(ys, xs, angle + off, tone))
            labels.append(self._turned_label(side, ys + r0, xs + c0, angle, turn_readings,
                                             anchors, clip, height))
        shorts = self._short_labels_at_angle(side, short, pieces, side_angle, r0, c0, height)
        if not shorts and not pieces:
            # No label long enough to give the side's angle ('20', '10' and '0' upward in
            # DejaVu Serif 10 pt at 150 dpi: 23 px long, 16 px thick): glyphs stacked one
            # above another in one column are text written upward or downward. Not beside
            # a long label (an axis title's pieces among them): there the long labels' angle,
            # thickness and distance are the side's, and short groups they do not take are
            # not its labels (matplotlib's '15' '10' '5' '0' at rotation=90 beside
            # 'Northing (m)' put '25' 6.8 px off).
            shorts = _upright_short_labels(side, short, r0, c0)
            if shorts:
                side_angle, upright = 90.0, 90.0
        for ys, xs in shorts:
            turn_readings = self._read_turned(ys, xs, side_angle, tone)
            off = None if upright is None else (upright - side_angle + 90.0) % 180.0 - 90.0
            if off is not None and abs(off) > 0.5:
                turn_readings = _surer_each_way(
                    turn_readings, self._read_turned(ys, xs, side_angle + off, tone))
            label = self._turned_label(side, ys + r0, xs + c0, side_angle, turn_readings,
                                       anchors, clip, height)
            # Its angle is its side's, not measured: no evidence of a turn along the side.
            label.angle_from_side = True
            # Shorter along its line than thick across it: one glyph ('0' upward).
            across_side, along_side = (ys, xs) if side.horizontal else (xs, ys)
            label.lone_glyph = bool(np.ptp(along_side) < np.ptp(across_side))
            labels.append(label)
        return labels, anchors

    def _turned_groups(self, ink, height):
        """The groups of glyph ink (a band's ``ink``) that may be labels written at an angle,
        grouped by closeness at text height ``height`` (pixels).

        Returns
        -------
        pieces : list of tuple
            Groups long enough for their own axis to give their angle and not level: per
            group (rows, columns, angle in degrees, length, thickness in pixels).
        short : list of tuple
            Groups too short for that: per group (rows, columns).
        """
        from scipy import ndimage

        # Grown as squares, not diamonds: a decimal point stands at the baseline, off the
        # digits' middle, and a diamond's reach along a diagonal is half its reach straight
        # (a vertical '49.5°N' in a serif font came apart at its point: '49' and '5°N').
        growth = max(1, int(round(0.2 * height)))
        grown = ndimage.binary_dilation(ink, structure=np.ones((3, 3), bool),
                                        iterations=growth)
        groups, count = ndimage.label(grown)
        groups = _join_text_line_pieces(groups, count, height, growth)
        pieces, short = [], []
        for index, found in enumerate(ndimage.find_objects(groups)):
            if found is None:
                continue
            member = (groups[found] == index + 1) & ink[found]
            ys, xs = np.nonzero(member)
            if ys.size < 10:
                continue
            ys = ys + found[0].start
            xs = xs + found[1].start
            if max(np.ptp(ys), np.ptp(xs)) < 1.5 * height:
                # Too short for its own axis to give its angle ('0°' upward): read at its
                # side's angle when labels long enough give that (_short_labels_at_angle).
                short.append((ys, xs))
                continue
            centred = np.column_stack([xs - xs.mean(), ys - ys.mean()]).astype(float)
            _, _, axes = np.linalg.svd(centred, full_matrices=False)
            angle = float(np.degrees(np.arctan2(axes[0][1], axes[0][0])))
            tilt = abs((angle + 90) % 180 - 90)
            if tilt < 15:
                continue  # level text: the ordinary reading's
            across = centred @ axes[1]
            if np.ptp(across) < ROTATED_MIN_THICKNESS_SHARE * height:
                # One stroke, not a line of text (a tick mark of the next side inside the
                # frame, a piece of a line): no glyph is that thin across its line.
                continue
            pieces.append((ys, xs, angle, float(np.ptp(centred @ axes[0])),
                           float(np.ptp(across))))
        return pieces, short

    def _turned_label(self, side, ys, xs, angle, turn_readings, anchors, clip, height):
        """A label written at an angle, from its ink (page rows ``ys``, columns ``xs``), its
        angle (degrees) and its readings turned both ways round; its candidate anchors along
        the side appended to ``anchors``; ``height`` the turned text's height (pixels)."""
        _, text, parsed, _ = max(turn_readings, key=lambda reading: (
            reading[2] is not None, reading[3]))
        # Candidate anchors along the side: the ink's middle, either end of its extent,
        # and the middle of its end nearest the side.
        across_side, along = (ys, xs) if side.horizontal else (xs, ys)
        distance = np.abs(across_side - side.position)
        end = distance <= distance.min() + 0.5 * height
        anchors.append((0.5 * (along.min() + along.max() + 1), float(along.max()) + 1.0,
                        float(along.min()), float(along[end].mean()) + 0.5))
        box = (int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1)
        label = TickLabel(box, text, None if parsed is None else parsed.value,
                          anchors[-1][0], parsed=parsed,
                          angle=(angle + 90.0) % 180.0 - 90.0)
        label.turn_readings = turn_readings
        # Ink within a couple of pixels of the map's edge (the glyph ink stops a pixel
        # inside it) is cut off there.
        label.clipped = clip is not None and (along.min() <= clip[0] + 2 or
                                              along.max() >= clip[1] - 3)
        return label

    def _short_labels_at_angle(self, side, short, pieces, side_angle, r0, c0, height):
        """The groups of ink too short for their own axis to give their angle that are read
        at the side's: as thick across the side's angle as its long labels (within
        :data:`SHORT_TURNED_THICKNESS_SHARE`), at least that long along it (two glyphs or
        more: a lone glyph's height is the line's thickness), as far from the side as they
        are (QGIS, matplotlib and GMT align a side's labels on one line), and apart from them
        along it. ``height``: the turned text's height (pixels)."""
        if not pieces or not short:
            return []
        direction = np.array([np.cos(np.radians(side_angle)), np.sin(np.radians(side_angle))])
        normal = np.array([-direction[1], direction[0]])
        thickness = float(np.median([piece[4] for piece in pieces]))

        def gap(ys, xs):
            across_side = ys + r0 if side.horizontal else xs + c0
            return float(np.abs(across_side - side.position).min())

        def extent(ys, xs):
            along_side = xs if side.horizontal else ys
            return float(along_side.min()), float(along_side.max())

        usual_gap = float(np.median([gap(ys, xs) for ys, xs, _, _, _ in pieces]))
        taken = [extent(ys, xs) for ys, xs, _, _, _ in pieces]
        found = []
        for ys, xs in short:
            points = np.column_stack([xs, ys]).astype(float)
            along = float(np.ptp(points @ direction))
            across = float(np.ptp(points @ normal))
            start, end = extent(ys, xs)
            # A side's labels stand apart along it: ink beside a label's is a piece of
            # something else (a legend's text, the label's own stray glyph).
            apart = all(end < first - 1 or start > last + 1 for first, last in taken)
            if apart and abs(across - thickness) <= SHORT_TURNED_THICKNESS_SHARE * thickness \
                    and along >= thickness and \
                    abs(gap(ys, xs) - usual_gap) <= 0.25 * height + 2.0:
                found.append((ys, xs))
        return found

    def _turned_text_source(self, side, r0, r1, c0, c1):
        """The ink of glyphs and the luma text is read from, in rows r0:r1 and columns c0:c1:
        the page's (glyphs off the boxes' lines) for a side's outside; for an inward side
        the text over the map (:meth:`over_map_labels`), its darkness over the colours
        around it as dark text on the page's white, nothing beyond the frame's inside."""
        if not side.inward:
            return self.glyph_ink[r0:r1, c0:c1], self.lum[r0:r1, c0:c1]
        self.over_map_labels()
        ink = np.zeros((r1 - r0, c1 - c0), bool)
        tone = np.full((r1 - r0, c1 - c0), self.page, np.float32)
        found = getattr(self, "over_map_glyph_ink", None)
        if found is None:
            return ink, tone
        glyph_ink, (col0, row0) = found
        _, brightness, _ = self.over_map
        # The overlap of the band and the map's inside, in both arrays' coordinates.
        a0, a1 = max(r0, row0), min(r1, row0 + glyph_ink.shape[0])
        b0, b1 = max(c0, col0), min(c1, col0 + glyph_ink.shape[1])
        if a1 <= a0 or b1 <= b0:
            return ink, tone
        ink[a0 - r0:a1 - r0, b0 - c0:b1 - c0] = glyph_ink[a0 - row0:a1 - row0,
                                                          b0 - col0:b1 - col0]
        tone[a0 - r0:a1 - r0, b0 - c0:b1 - c0] = self.page * brightness[a0 - row0:a1 - row0,
                                                                         b0 - col0:b1 - col0]
        return ink, tone

    def _read_turned(self, ys, xs, angle, tone):
        """One label's ink (rows ``ys``, columns ``xs`` of ``tone``, the luma it is read
        from) turned level both ways round, each read.

        Returns
        -------
        list of tuple
            Per way, (turn in degrees, text, parsed or None, Tesseract's confidence 0-100).
        """
        from scipy import ndimage

        height = self.text_height
        margin = int(height)
        row0, col0 = ys.min() - margin, xs.min() - margin
        patch = np.full((np.ptp(ys) + 1 + 2 * margin, np.ptp(xs) + 1 + 2 * margin), self.page,
                        np.float32)
        patch[ys - row0, xs - col0] = tone[ys, xs]
        readings = []
        for turn in (angle, angle + 180.0):
            level = ndimage.rotate(patch, turn, reshape=True, order=1, cval=self.page)
            dark = np.nonzero(level < self.page - max(40.0, self.page / 3.0))
            if dark[0].size == 0:
                readings.append((turn, "", None, 0.0))
                continue
            box = (int(dark[1].min()), int(dark[0].min()), int(dark[1].max()) + 1,
                   int(dark[0].max()) + 1)
            text, confidence = self._ocr(crop_label(level, box, self.page))
            readings.append((turn, text, parse_label(text), confidence))
        return readings

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
        text = self._read_words(image)
        if not side.horizontal and not unit_in_title(text):
            # Written downward (rotated -90°), as some tools do on a right-hand axis.
            text_down = self._read_words(crop_label(
                np.rot90(crop, k=2), (0, 0, crop.shape[1], crop.shape[0]), self.page, margin=0))
            if unit_in_title(text_down):
                text = text_down
        return text

    def bar_offset_text(self, bar, axis) -> str:
        """matplotlib's offset text at a colorbar's end, or "": its ScalarFormatter writes
        values close together as their difference from an offset ('+1.2e4' above a vertical
        bar, at a horizontal bar's right end: '240 ... 480' are 12240 to 12480) or as
        multiples of a power of ten ('1e-5'). The labels alone are then not the values.

        A text beside the bar's far end (within three text heights above a vertical bar's
        top, its centre at most four heights left and two right of it; within five heights
        of a horizontal bar on its labels' side, ending at most two heights before its right
        end) that is none of the bar's tick labels and reads as a power of ten or a signed
        number in exponent form, or looks like one ('e-5': OCR dropped the '1' of '1e-5').

        Parameters
        ----------
        bar : ColorbarDetection
        axis : AxisReading
            The bar's labels as read.
        """
        left, top, right, bottom = bar.pixel_box()
        height = self.text_height
        own = {tuple(label.box) for label in axis.labels}
        for label in self.labels:
            if tuple(label.box()) in own:
                continue
            cx, _ = label.centre
            if bar.vertical:
                near = top - 3 * height <= label.row1 <= top + 1 and \
                    left - 4 * height <= cx <= right + 2 * height
            else:
                # On the labels' side only: the map's own x offset text may stand between
                # the map and a bar below it.
                beside = label.row0 >= bottom if axis.side == "bottom" else label.row1 <= top
                near = beside and abs(label.centre[1] - 0.5 * (top + bottom)) <= 5 * height \
                    and label.col1 >= right - 2 * height and \
                    0.5 * (left + right) <= label.col0 <= right + 6 * height
            if not near:
                continue
            text, parsed = self.read(label)
            compact = normalise(text).replace(" ", "")
            if re.fullmatch(r"[-+]?\d*(\.\d+)?[eE][-+]?\d+", compact) or \
                    (parsed is not None and parsed.exponent_form):
                return compact
        return ""

    def axis_offset_text(self, frame_box, axis, labels) -> str:
        """matplotlib's offset text at a map axis' end, or "": its ScalarFormatter writes
        labels that share many leading digits as their difference from an offset ('0'-'100'
        with '+5.15e6' above the y axis: northings 5150000-5150100, a map 100 m across in
        metres) and large ones as multiples of a power of ten ('1e6'), or both ('1e3+5.15e6').

        A text above the y axis' top-left corner (within three text heights above the frame,
        its centre at most four heights left of it and six right), or under the x axis'
        right end (within five heights below the frame, its centre within six heights of the
        right side, reaching at least to two heights before it), joined with the pieces
        beside it on its line, that reads as a power of ten or a number in exponent form,
        holds one ('10^6' after a piece not read), or looks like one
        (:func:`offset_text_terms` may still not read it whole: '+5.15e', its exponent
        dropped).

        Parameters
        ----------
        frame_box : tuple
            The map frame (left, top, right, bottom), pixels.
        axis : str
            "x" or "y".
        labels : list of TickLabel
            The axis' own tick labels (the last x label may end at the offset text's spot).
        """
        left, top, right, bottom = frame_box
        height = self.text_height
        own = {tuple(label.box) for label in labels}
        for label in self.labels:
            cx, cy = label.centre
            if axis == "y":
                near = (top - 3 * height <= label.row1 <= top + 1) and (
                    left - 4 * height <= cx <= left + 6 * height)
            else:
                near = (bottom < label.row0 <= bottom + 5 * height) and (
                    right - 6 * height <= cx <= right + 6 * height) and \
                    label.col1 >= right - 2 * height
            if not near or tuple(label.box()) in own:
                continue
            compact = self._joined_line(label, own)
            parsed = parse_label(compact)
            if (parsed is not None and parsed.exponent_form) or re.search(
                    r"\d[.\d]*e[-+]?\d|10\^", compact) or (
                    re.fullmatch(OFFSET_TEXT_LOOK, compact) and re.search(r"\d", compact)):
                return compact
        return ""

    def _joined_line(self, label, own) -> str:
        """The text of ``label`` and of the pieces beside it on its line (each at most one
        and a half text heights from the next, none of ``own``'s boxes), left to right,
        normalised, no spaces: matplotlib's mathtext offset text ('+6.123×10⁵') is found as
        pieces ('+6.123x', '10^5'), and one alone is not the text."""
        gap = 1.5 * self.text_height
        line = [label]
        grown = True
        while grown:
            grown = False
            for other in self.labels:
                if other in line or tuple(other.box()) in own:
                    continue
                if min(other.row1, label.row1) <= max(other.row0, label.row0):
                    continue  # not on the line
                if any(other.col0 - piece.col1 <= gap and piece.col0 - other.col1 <= gap
                       for piece in line):
                    line.append(other)
                    grown = True
        line.sort(key=lambda piece: piece.col0)
        return "".join(normalise(self.read(piece)[0]).replace(" ", "") for piece in line)


#: What an offset text may look like once read (an exponent form, perhaps with a sign or
#: both a power of ten and a signed number; digits may be missing). matplotlib writes a small
#: 'e' (a capital one ends a longitude: '15E', its degree sign lost), and a digit at least
#: (a lone 'e' is a piece of a label written at an angle). Refused when
#: :func:`offset_text_terms` cannot read it whole, never taken as no offset.
OFFSET_TEXT_LOOK = r"[-+]?[\d.]*e[-+]?\d*(?:[-+][\d.]*(?:e[-+]?\d*)?)?|" \
                   r"[\d.]*e[-+]?\d*[-+][\d.]+|[-+]?[\d.]*[x×]?10\^[-+]?\d*"


def offset_text_terms(text):
    """The factor and the shift matplotlib's offset text says (value = label × factor +
    shift), or None when the text is not read whole.

    Its ScalarFormatter writes a power of ten ('1e6', '×10^6': factor 1e6), a signed number
    ('+5.15e6', '-1.2e3', with mathtext '+5.15×10^6': shift), or both, the power first
    ('1e-3+1e6'). A factor is only a
    power of ten: an unsigned '5.15e6' is a shift whose sign was lost, not a factor.

    Parameters
    ----------
    text : str
        The text as read (normalised here: one minus sign, no spaces).
    """
    compact = normalise(text).replace(" ", "")
    match = re.fullmatch(r"(\d+(?:\.\d+)?[eE][-+]?\d+|(?:\d+(?:\.\d+)?)?[x×]?10\^[-+]?\d+)?"
                         r"([-+]\d+(?:\.\d+)?(?:[eE][-+]?\d+|[x×]10\^[-+]?\d+)?)?", compact)
    if match is None or not compact:
        return None
    power, signed = match.groups()
    factor, shift = 1.0, 0.0
    if power:
        parsed = parse_label(power)
        if parsed is None or not parsed.exponent_form or parsed.value <= 0 or \
                abs(np.log10(parsed.value) - round(np.log10(parsed.value))) > 1e-9:
            return None
        factor = float(parsed.value)
    if signed:
        parsed = parse_label(signed.lstrip("+"))
        if parsed is None:
            return None
        shift = float(parsed.value)
    return factor, shift


#: A cylindrical projection replaces evenly spaced latitudes when its fit's RMS residual is at
#: most this share of theirs, and theirs shows a curve: a largest residual above
#: :data:`CURVE_EVIDENCE_PX` (below it the two cannot be told apart from the pixel grid).
PROJECTION_RMS_SHARE = 0.7
CURVE_EVIDENCE_PX = 0.75


#: Small labels whose readings are tried for the figure's font and size.
SMALL_STYLE_SAMPLES = 10
#: The small labels' own darkest pixel is tried as the text's colour when the figure's darkest
#: label pixel found no style and theirs is at least this much lighter (luma, 0-255;
#: :meth:`_Reader._small_text_styles`). Measured on 7 pt labels at 72-96 dpi under a black
#: title: ggplot's grey (#555555) labels' own darkest pixel 87-119 over the title's 0-10,
#: tab:blue's 117 and #888888's 145 over 2. Black labels 4-6 px high (5.5 and 6 pt at 72 dpi,
#: Nimbus and DejaVu) are 0-30 lighter than the figure's darkest label pixel, 7 of 8 within
#: 1: DejaVu Serif 5.5 pt's 30 (74 over 44) is searched again and finds no style (time only:
#: a style must still draw the sampled labels exactly).
LIGHTER_SMALL_TEXT_LUMA = 24


def _sides_text_angle(pieces) -> float:
    """The angle (degrees) one side's labels written at an angle are written at: the axial
    mean of their ink's principal axes, each weighted by how surely its axis gives it (a label
    L long and H high: (L² - H²) / L; a squat label's axis follows its glyphs, see
    :data:`.answers.LABEL_INK_SHIFT_PX`). 0 without labels.

    Parameters
    ----------
    pieces : list of tuple
        Per label (rows, columns, angle in degrees, length L, thickness H in pixels).
    """
    if not pieces:
        return 0.0
    angles = np.array([piece[2] for piece in pieces])
    weights = np.array([max(length ** 2 - thickness ** 2, 0.0) / max(length, 1.0)
                        for _, _, _, length, thickness in pieces])
    if weights.sum() <= 0:
        weights = np.ones(len(pieces))
    doubled = np.radians(2.0 * angles)
    return 0.5 * float(np.degrees(np.arctan2((weights * np.sin(doubled)).sum(),
                                             (weights * np.cos(doubled)).sum())))


def _turned_text_height(pieces):
    """The height (pixels) of the text of one side's labels written at an angle: the median
    of their ink's thickness across its own axis; None with fewer than two labels (one may be
    an axis title in larger type).

    Parameters
    ----------
    pieces : list of tuple
        Per label (rows, columns, angle in degrees, length L, thickness H in pixels).
    """
    if len(pieces) < 2:
        return None
    return float(np.median([piece[4] for piece in pieces]))


def _upright_short_labels(side, short, r0, c0) -> list:
    """The groups of glyph ink too short to give their own angle that are labels written
    upward or downward, when no label beside the side is long enough to give the side's
    angle (an axis title's pieces are such labels: beside them none is read so).

    Text written upward stands in one column: its glyphs one above another (rows with no ink
    between them; level text has glyphs side by side, with columns between them), every
    column of its extent inked, as wide as the digits are high. At least two groups stacked
    so (two-glyph labels: '20', '10'), of one width (within
    :data:`SHORT_TURNED_THICKNESS_SHARE`), give the column; the groups as wide, in no more
    than one run of columns, at least a glyph's width long, and as far from the side as they
    are (a renderer aligns a side's labels on one line) join them ('0', one glyph). Their
    readings are held to the tick fit like every turned label's.

    Parameters
    ----------
    side : Side
        The side beside which the groups were found.
    short : list of tuple
        Per group (rows, columns) of its ink, in the band's coordinates.
    r0, c0 : int
        The band's first row and column on the page.

    Returns
    -------
    list of tuple
        The groups (rows, columns) to read turned by a quarter turn; empty unless two
        stacked groups are among them.
    """
    if len(short) < 2:
        return []

    def width(xs):
        return float(np.ptp(xs) + 1)

    def gap(ys, xs):
        across_side = ys + r0 if side.horizontal else xs + c0
        return float(np.abs(across_side - side.position).min())

    # Every column of the group's extent inked: one column of glyphs, not glyphs side by side.
    columns = [group for group in short if np.unique(group[1]).size == np.ptp(group[1]) + 1]
    stacked = [group for group in columns if np.unique(group[0]).size < np.ptp(group[0]) + 1]
    if len(stacked) < 2:
        return []
    thickness = float(np.median([width(xs) for _, xs in stacked]))
    stacked = [group for group in stacked
               if abs(width(group[1]) - thickness) <= SHORT_TURNED_THICKNESS_SHARE * thickness]
    if len(stacked) < 2:
        return []
    usual_gap = float(np.median([gap(ys, xs) for ys, xs in stacked]))
    found = [group for group in columns
             if abs(width(group[1]) - thickness) <= SHORT_TURNED_THICKNESS_SHARE * thickness
             and np.ptp(group[0]) + 1 >= ROTATED_MIN_THICKNESS_SHARE * thickness
             and abs(gap(*group) - usual_gap) <= 0.25 * thickness + 2.0]
    if sum(any(group is other for other in stacked) for group in found) < 2:
        return []
    return found


def _surer_each_way(own, again) -> list:
    """A label's readings turned both ways round by its own axis (``own``) and by its side's
    (``again``): each way, the one that gives a value, then the surer (Tesseract's
    confidence), under the turn of its own axis (:func:`set_turn_way` pairs turns)."""
    merged = []
    for first, second in zip(own, again):
        better = max((first, second), key=lambda reading: (reading[2] is not None, reading[3]))
        merged.append((first[0],) + tuple(better[1:]))
    return merged


def turn_ways(labels) -> list:
    """The two ways round (turns, degrees) the labels of one side written at an angle may be
    read: the first label's turn and its opposite (every other label is read the way nearer
    to the one tried, :func:`set_turn_way`). Empty without labels."""
    if not labels:
        return []
    turn = labels[0].turn_readings[0][0]
    return [turn, turn + 180.0]


def set_turn_way(labels, way, horizontal) -> float:
    """Each label written at an angle given its reading turned the way nearer to ``way``
    (degrees; ``TickLabel.turn_readings``), and the sum of those readings' confidences
    (Tesseract's, 0-100 each; those that give a value only).

    The readings are held to what level labels are held to (:meth:`_Reader.read_side`): a
    latitude beside a ``horizontal`` side (a longitude beside a vertical one), a degree label
    without the hemisphere letter the side's other labels carry, and a reading with a leading
    zero ('00' for a '0°' whose degree sign was read as a zero) give no value; nor a label
    cut off by the frame's edge (``TickLabel.clipped``: its ink's middle is not its tick's).
    """
    chosen = []
    for label in labels:
        _, text, parsed, sure = min(
            label.turn_readings,
            key=lambda reading: abs((reading[0] - way + 180.0) % 360.0 - 180.0))
        chosen.append((text, parsed, sure))
    hemispheres = {parsed.hemisphere for _, parsed, _ in chosen
                   if parsed is not None and parsed.hemisphere}
    confidence = 0.0
    for label, (text, parsed, sure) in zip(labels, chosen):
        if parsed is not None and (
                parsed.hemisphere in (("N", "S") if horizontal else ("E", "W")) or
                (hemispheres and parsed.degrees and not parsed.hemisphere
                 and not written_without_hemisphere(parsed.value, horizontal))):
            parsed = None
        value = None if parsed is None or leading_zero(text) else parsed.value
        if getattr(label, "clipped", False):
            text, value = f"{text} {CUT_BY_FRAME}", None
        label.text, label.parsed, label.value = text, parsed, value
        if value is not None:
            confidence += sure
    return confidence


#: Least number of labels over the map, of three glyphs or more each, whose heights tell the
#: height of the text written there.
OVER_MAP_TEXT_LABELS = 4
#: The tallest text (a share of the figure's larger dimension) looked for over the map when the
#: page has none to measure: 12 pt at 300 dpi on a page of 7.5 in (GMT's sweep: 37 px of 2340).
UNMEASURED_TEXT_SHARE = 0.018


def written_without_hemisphere(value, horizontal) -> bool:
    """Whether a degree label may lack the hemisphere letter its axis' other labels carry:
    0° (the equator, the prime meridian), and along x 180° (the antimeridian, neither east nor
    west: cartopy and GMT write '180°'). Any other degree label without one is a misread
    ('125°W' cut short to '25°')."""
    return value == 0 or (horizontal and abs(value) == 180)


def unwrap_longitudes(labels) -> None:
    """Longitude labels of a map that crosses the antimeridian made continuous, in place.

    A map over the Pacific is labelled '160°E 170°E 180° 170°W 160°W' (cartopy, GMT): read
    as signed degrees they run 160, 170, 180, -170, -160, on no line, and the axis was
    refused. Taken a whole turn on where they jump by more than half a turn between
    neighbours (left to right, :func:`numpy.unwrap`) they run 160 ... 200, the meridians the
    map shows, which a -180..180° world has at -160 (answers' ``_longitude_turn`` moves a map
    wholly east of 180° back). Only labels in degrees with an east or west letter among them
    (longitudes, not a colorbar's degrees), and only when the turned values rise from label
    to label more often than the read ones: a misread far off its neighbours ('170°E' read
    '10°W') turns nothing around it.

    Parameters
    ----------
    labels : list of TickLabel
        One horizontal side's labels, ``label_position`` their x (pixels).
    """
    valued = sorted((label for label in labels if label.value is not None
                     and label.parsed is not None and label.parsed.degrees),
                    key=lambda label: label.label_position)
    if len(valued) < 2 or not any(label.parsed.hemisphere in ("E", "W") for label in valued):
        return
    values = np.array([label.value for label in valued], float)
    turned = np.unwrap(values, period=360.0)
    if np.count_nonzero(np.diff(turned) > 0) > np.count_nonzero(np.diff(values) > 0):
        for label, value in zip(valued, turned):
            label.value = float(value)


def tallest_shared_height(heights) -> Optional[float]:
    """The height of the tallest text that :data:`OVER_MAP_TEXT_LABELS` labels or more share.

    An axis' annotations are written in one font: their heights agree within a pixel (or
    5 %). Over a map whose colours are noisy (the NaN cells GMT draws grey among a grid's
    valid ones, then a JPEG's ringing) the texture is found as many small 'labels' of three
    glyphs and more, of every height: their median (9-10 px) hid the four 37 px y labels of
    GMT's Kilauea map at 300 dpi. The tallest group of :data:`OVER_MAP_TEXT_LABELS` or more
    alike heights gives the height; with none, the median of all, when there are enough.

    Parameters
    ----------
    heights : list of int
        Pixels.

    Returns
    -------
    float or None
        Pixels; None with fewer than :data:`OVER_MAP_TEXT_LABELS` heights.
    """
    if len(heights) < OVER_MAP_TEXT_LABELS:
        return None
    values = np.sort(np.asarray(heights, float))[::-1]
    for value in values:
        alike = values[np.abs(values - value) <= max(1.0, 0.05 * value)]
        if alike.size >= OVER_MAP_TEXT_LABELS:
            return float(np.median(alike))
    return float(np.median(values))


def over_map_text_height(labels, page_height) -> float:
    """The height of text written over the map, where it is smaller than the page's.

    The page's text height is the median of its labels of two glyphs or more; on a QGIS
    layout those are often the legend's (its title, the layer's name, the ramp's labels,
    12-20 px), while the map's annotations inside the frame are written smaller (Nimbus Sans
    6 pt at 150 dpi: 9 px, under the half of the page's height that labels had to reach, so
    every x annotation of sweep_qgis_layouts 54 #6 was left out). Labels of three glyphs or
    more over the map, when there are :data:`OVER_MAP_TEXT_LABELS` or more, give their own
    median height; the page's stays when it is smaller (text over a map is never held to a
    larger size than the page's).

    Parameters
    ----------
    labels : list of TextLabel
        The labels found over the map.
    page_height : float
        The page's text height, pixels.

    Returns
    -------
    float
        Pixels.
    """
    heights = [label.height for label in labels if label.glyphs >= 3]
    if len(heights) < OVER_MAP_TEXT_LABELS:
        return page_height
    return min(page_height, float(np.median(heights)))


def one_value_only(labels) -> str:
    """Why labels that all read one value give no scale, or "" when they read two or more.

    A map crossed by a single grid line along an axis (an extent narrower than the grid's
    interval: QGIS annotates only the lines it draws) shows one label there, or the same one
    on two sides. Two values are needed for a scale, and none is taken from the other axis:
    equal scales along x and y hold for many maps, but nothing on such a figure shows it
    (a Mercator map in degrees, a figure stretched to its box), so the axis is refused with
    that said, not as labels that failed to agree.

    Parameters
    ----------
    labels : list of TickLabel

    Returns
    -------
    str
        E.g. "'84.35°W': one label gives no scale; the map may be crossed by one grid line
        only along this axis, and equal scales along x and y are not assumed".
    """
    read = [label for label in labels if label.value is not None]
    if not read or len({label.value for label in read}) != 1:
        return ""
    return (f"{read[0].text!r}: one label gives no scale; the map may be crossed by one grid "
            "line only along this axis, and equal scales along x and y are not assumed")


def _parsed_value(text):
    """A text's value as a tick label (rounded: texts of one value are one answer), or None."""
    parsed = parse_label(text)
    return None if parsed is None else round(parsed.value, 9)


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


#: The finest decimal place a label's value is taken to be printed at: a value with no last
#: digit above it (a degree-minute label's 30.333...°) is exact to it.
FINEST_PRINTED_PLACE = 1e-9


@lru_cache(maxsize=4096)
def printed_unit(value) -> float:
    """The place of a value's last non-zero digit: 32030 -> 10, 0.33 -> 0.01, 270000 -> 10000.

    A label printed with more digits wrote zeros there, so the value printed lies within half
    this unit of the value it stands for, whatever the printing rounded.

    Parameters
    ----------
    value : float

    Returns
    -------
    float
        In the value's unit; infinite for zero (a multiple of every place),
        :data:`FINEST_PRINTED_PLACE` for values with no last digit above it.
    """
    magnitude = abs(float(value))
    if magnitude == 0 or not np.isfinite(magnitude):
        return np.inf
    place = 10.0 ** np.floor(np.log10(magnitude))
    while place > FINEST_PRINTED_PLACE:
        if abs(magnitude - np.round(magnitude / place) * place) <= 1e-10 * magnitude:
            return float(place)
        place /= 10.0
    return FINEST_PRINTED_PLACE


def _significant_digits(value) -> int:
    """How many significant digits a value has down to its last non-zero one
    (:func:`printed_unit`): 272009 -> 6, 270000 -> 2, 0.282 -> 3; 0 for zero."""
    magnitude = abs(float(value))
    if magnitude == 0 or not np.isfinite(magnitude):
        return 0
    return int(round(np.floor(np.log10(magnitude)) - np.log10(printed_unit(value)))) + 1


def _printing_tolerances(values):
    """Per value, half the unit each way its label could have been rounded to, under each
    way axes print labels: with fixed decimals (every label at the finest last digit among
    them: '0.82 79.16 314.21'), and with fixed significant digits (every label at as many as
    the ones with most, when two or more have that many: '0.282 28.3 112', '0 639 1280';
    else as fixed decimals). Zero takes the smallest of the others (it is exact under both).

    Parameters
    ----------
    values : numpy.ndarray
        Distinct values, three or more, two of them non-zero at least.

    Returns
    -------
    list of numpy.ndarray
        One array of tolerances (the values' unit) per printing, each just under half a unit.
    """
    values = np.asarray(values, float)
    units = np.array([printed_unit(value) for value in values])
    nonzero = np.isfinite(units)
    # Under half the unit: rounding reaches half of it only at ties ('0.125' printed '0.12'
    # or '0.13'), whose steps alternate and fail values_on_one_step first, while one label
    # off by a whole unit amid exact ones ('55001' among '45000' .. '90000') is half a unit
    # off the line between them. The float noise of millions is far below the margin.
    half = 0.5 * (1.0 - 1e-6)
    fixed = np.full(values.shape, half * float(np.min(units[nonzero])))
    counts = sorted(_significant_digits(value) for value in values[nonzero])
    digits = counts[-1]
    if len(counts) < 2 or counts[-2] < digits:
        # One label alone with the most digits: a misread adding them ('95001' among
        # '65000' .. '100000') would make every larger label's last digits rounding.
        return [fixed, fixed.copy()]
    places = np.zeros(values.shape)
    places[nonzero] = np.floor(np.log10(np.abs(values[nonzero])))
    significant = half * 10.0 ** (places - digits + 1)
    significant[~nonzero] = float(np.min(significant[nonzero]))
    return [fixed, significant]


#: Mantissas of two digits of the steps axis locators and grid intervals draw
#: (matplotlib's MaxNLocator: 2.5; eighths and quarters: 1.25, 7.5; 1.5), times a power of
#: ten; every mantissa of one digit is taken too (5000, 0.3).
LOCATOR_STEP_MANTISSAS = (1.25, 1.5, 2.5, 7.5)


def _locator_step(step) -> bool:
    """Whether a step (the values' unit) is one axis locators draw: one significant digit, or
    a mantissa of :data:`LOCATOR_STEP_MANTISSAS` times a power of ten (5000, 0.25, 0.125;
    not 1058 or 6.2)."""
    step = abs(float(step))
    if step == 0 or not np.isfinite(step):
        return False
    mantissa = step / 10.0 ** np.floor(np.log10(step))
    return abs(mantissa - round(mantissa)) <= 1e-9 * mantissa or \
        any(abs(mantissa - nice) <= 1e-9 * nice for nice in LOCATOR_STEP_MANTISSAS)


def _one_line_within(multiples, offsets, tolerances) -> bool:
    """Whether one line ``a + step * multiple`` passes within each value's own tolerance
    of it (interval feasibility).

    For a slope, the line's offset must lie in every interval ``offset - step * multiple
    +- tolerance``: possible when the largest lower end is under the smallest upper end. Their
    difference is convex and piecewise linear in the slope, bending only at slopes through
    two lower ends or two upper ends, so those slopes decide."""
    lower, upper = offsets - tolerances, offsets + tolerances
    first, second = np.triu_indices(len(offsets), 1)
    apart = multiples[first] != multiples[second]
    first, second = first[apart], second[apart]
    run = multiples[second] - multiples[first]
    slopes = np.concatenate([(lower[second] - lower[first]) / run,
                             (upper[second] - upper[first]) / run])
    lowest = lower[None, :] - slopes[:, None] * multiples[None, :]
    highest = upper[None, :] - slopes[:, None] * multiples[None, :]
    return bool(np.any(lowest.max(axis=1) <= highest.min(axis=1)))


def on_printed_lattice(values) -> bool:
    """Whether values on one step (:func:`values_on_one_step`) are whole multiples of one
    exact step apart within what printing them rounded: each within just under half the unit
    of its own last printed digit, under one way of printing them all (fixed decimals or
    fixed significant digits, :func:`_printing_tolerances`).

    :func:`values_on_one_step` allows a share of the step for rounded labels ('0.33', '0.67',
    '1.00' are 0.34 and 0.33 apart), which a misread of a digit the step does not need also
    fits in ('272009' among '270000' .. '276000', 9 off a step of 1000); printed labels are
    off by at most half their last digit's unit (0.0034 off for a third; '1280' of %.3g, for
    1277.6, 2.4 where '639' is within 0.5; but 9 > 0.5 for '272009', whose six digits put
    the others' last digit at the unit too), so right labels pass. An end must besides be
    within half a unit of the others' line when they lie exactly on whole multiples of one
    step that an axis locator draws (:func:`_locator_step`: '0.25 0.50 0.75' before '1.01')
    or that needs no digit as fine as the end's ('-70001' before '-65000' .. '-30000'): one
    line tilted puts such an end within half a unit, but nothing the others print was
    rounded. Rounded labels ('3445.34 5494.31 7543.28 9592.24', '0 1058 2116 3174 4232
    5289' of %.0f, four thirds '0.33 0.67 1.00 1.33') are judged by the line alone: their
    ends are rounded as much as any other label.

    Parameters
    ----------
    values : sequence of float
        On one step.

    Returns
    -------
    bool
        True for fewer than three distinct values (two are on any step).
    """
    distinct = np.unique(np.asarray(values, float))
    if distinct.size < 3:
        return True
    step = float(np.min(np.diff(distinct)))
    multiples = np.round((distinct - distinct[0]) / step)
    # Relative to the first value: northings of millions lose no digits to the subtraction.
    offsets = distinct - distinct[0]
    printings = _printing_tolerances(distinct)
    # A least-squares line within them is proof enough (and cheap); the intervals decide.
    slope, offset = np.polyfit(multiples, offsets, 1)
    deviations = np.abs(offsets - (offset + slope * multiples))
    if not any(np.all(deviations <= tolerances) or
               _one_line_within(multiples, offsets, tolerances) for tolerances in printings):
        return False
    if distinct.size < 4:
        return True
    # A unit off at an end is half a unit off no more once the line tilts ('-70001' before
    # '-65000' .. '-30000', '1080100' before '1090000' .. '1110000'): when the others lie
    # exactly on whole multiples of one step (three or more of them) that is a locator's or
    # is printed coarser than the end, an end must be on their line within half a unit too.
    # Rounded labels can be exact multiples too (a zero among them makes any step's phase),
    # but seldom of a locator's step, and their ends print no finer digit than the others.
    allowed = float(printings[0][0])
    exact = 1e-6 * allowed
    steps = np.diff(offsets) / np.diff(multiples)
    significant = printings[1]
    significant_digits = max(_significant_digits(value) for value in distinct)
    for end, inner_steps, nearest, others in ((0, steps[1:], 1, slice(1, None)),
                                              (-1, steps[:-1], -2, slice(None, -1))):
        if np.ptp(inner_steps) * (multiples[-1] - multiples[0]) > exact:
            continue
        inner_step = float(np.mean(inner_steps))
        phase = distinct[others] - np.round(distinct[others] / inner_step) * inner_step
        if np.max(np.abs(phase)) > exact:
            continue
        # An end printed finer only for being smaller, with as many significant digits as
        # any ('0.048' before '50 1e+02 1.5e+02' of %.2g), says the others were rounded at
        # their last digit: their being exact is no proof. ('0.001' after '-0.500 .. -0.125'
        # has fewer digits than they: no printing of significant digits rounded them.)
        if significant[end] < float(np.min(significant[others])) and \
                _significant_digits(distinct[end]) == significant_digits:
            continue
        # Whole multiples of a step are no proof alone: rounded labels are too at small
        # multiples ('14.3 28.6 42.9' of sevenths, before '57.1') and a zero makes any step's
        # phase ('0 1058 2116 3174 4232' of %.0f, before '5289'). Only a locator's step, or
        # an end printed finer than the others ('-70001'), says the others are unrounded.
        end_unit = printed_unit(float(distinct[end]))
        if not _locator_step(inner_step) and \
                min(printed_unit(float(value)) for value in distinct[others]) <= end_unit:
            continue
        expected = offsets[nearest] + inner_step * (multiples[end] - multiples[nearest])
        if abs(offsets[end] - expected) > allowed:
            return False
    return True


def _on_exact_step(distinct) -> bool:
    """Whether sorted distinct values on one step are exact multiples of it (within float
    noise), unrounded: every difference the same multiple of the smallest."""
    if distinct.size < 3:
        return True
    offsets = distinct - distinct[0]
    multiples = np.round(offsets / float(np.min(np.diff(distinct))))
    steps = np.diff(offsets) / np.diff(multiples)
    return bool(np.ptp(steps) * multiples[-1] <= 1e-9 * max(float(np.max(np.abs(distinct))),
                                                            FINEST_PRINTED_PLACE))


def values_as_printed_on_one_step(values) -> bool:
    """Whether values are on one step (:func:`values_on_one_step`) and, as printed, on one
    exact step (:func:`on_printed_lattice`)."""
    return values_on_one_step(values) and on_printed_lattice(values)


def _on_one_step(labels, fit, allow_log=False):
    """A linear fit whose kept labels' values are on one step, as printed too
    (:func:`values_as_printed_on_one_step`).

    While they are not, the largest set of the kept labels that is on one step and on one
    line (:func:`largest_on_one_step`) keeps its values, the others lose theirs, and the rest
    are refitted; when no such set of three or more is found, the kept label farthest from the
    line is dropped instead (None when fewer than two are left). Dropping by residual alone
    lets misreads that agree with each other outvote the true labels: sweep 191 #0 (DejaVu
    Serif at 150 dpi) read every '-37.5°', '-32.5°', ... as '-37.9°', '-32.9°', ...; the
    line through all eight lies between the two sets, and its worst residual was a right
    label, then the next, until two labels ('-37.9°', '-20°') were left. Logarithmic fits
    are left as they are (2, 5, 10 are on no common step)."""
    while fit is not None and not fit.logarithmic and \
            not values_as_printed_on_one_step([label.value for label in fit.kept]):
        kept = fit.kept
        chosen = largest_on_one_step(kept, fit.projection)
        if len(chosen) >= 2:
            for label in kept:
                if not any(label is other for other in chosen):
                    label.value, label.off_step = None, True
        else:
            worst = kept[int(np.argmax(np.abs(fit.residuals_px)))]
            worst.value, worst.off_step = None, True
        fit = fit_ticks(labels, allow_log=allow_log, projection=fit.projection)
    return fit


def _multiples_of(values, step) -> bool:
    """Whether every value is a whole multiple of ``step`` (within the labels' rounding)."""
    multiples = np.asarray(values, float) / step
    return bool(np.all(np.abs(multiples - np.round(multiples)) <= STEP_MULTIPLE_TOLERANCE))


def largest_on_one_step(labels, projection=None) -> list:
    """The largest set of labels whose values are on one step (:func:`values_on_one_step`),
    run in their positions' order and lie on one line (a consensus, as RANSAC's, over value
    steps rather than lines).

    Every step between two distinct values and every value as the anchor propose a set: the
    labels whole multiples of the step away from it. A set must then be on one step by itself,
    as printed too (:func:`on_printed_lattice`: no member off by more than the printing's
    rounding, so a misread within the step's tolerance is kept only where rounding could have
    printed it), and lie on the line fitted through it within the inlier tolerance
    (``max(INLIER_PIXELS, a quarter of the labels' spacing)``, as :func:`.ticks.fit_ticks`). A
    set whose values fail either check is tried again without each of its labels in turn (one
    misread within the tolerance, '272009' among '270000' .. '276000' on sweep 303 #6, failed
    the whole set: 3 of 7 labels were kept), while that could beat the set chosen so far. Only
    one label is taken out: two misreads within the tolerance lose the set, and a smaller one
    without either is chosen (or none), as is a set with a misread on the step but off its place
    besides. A misread by one unit of the last digit at an end of three labels ('77001' after
    '75000 76000') or among rounded thirds or sevenths ('45.01' among '44.33 44.67 .. 46.67') is
    what a slightly other step, rounded, would print: it is kept, off its place by that unit's
    share of the step times the spacing. A set of three or more whose values are whole multiples
    of their step (what axis locators draw: -35°, -30°, not -37.9°, -32.9°) wins over any that
    is not, whatever their sizes: misreads that agree with each other may be the more numerous
    ('-42.5°' .. '-22.5°' read '-42.9°' .. '-22.9°' beside four right labels), but they seldom
    keep the step's phase, and a true axis' labels that miss it (a grid offset) have no subset
    that keeps it. Then the most labels win, then the set whose values are whole multiples of
    their step, then one that is a whole lattice over one left by the retry ('80.0 83.3 86.7'
    over '76.5 83.3 86.7', on an exact 3.4, for '76.7' read '76.5': '80.0' is within the other
    lattice's tolerance, '76.5' off this one's), then the one whose values are exact multiples
    of one step (of '-10000 -8000 -6000 -4001', the three without '-4001': the three with it are
    as close to a step as rounding allows), then the one closer to its line. Two sets left by
    the retry and alike so far ('96.7 100.1 106.7 110.0 113.3' and '96.7 103.3 106.7 ..' of
    rounded thirds, '100.0' read '100.1') are told apart by their lines alone: the misread may
    win. Repeated values (inline labels) count each time.

    Parameters
    ----------
    labels : list of TickLabel
        With values.
    projection : projections.Cylindrical, optional
        The line is in the projection's northing of the values (latitudes).

    Returns
    -------
    list of TickLabel
        The set chosen (empty when no two labels make one).
    """
    labels = [label for label in labels if label.value is not None and np.isfinite(label.value)]
    if len(labels) < 2:
        return []
    values = np.array([label.value for label in labels], float)
    positions = np.array([label.position for label in labels], float)
    linear = projection.northing(values) if projection is not None else values
    distinct = np.unique(values)
    steps = np.unique(np.abs(distinct[:, None] - distinct[None, :]))
    steps = steps[steps > 0]
    spacing = float(np.median(np.diff(np.sort(positions)))) if positions.size > 2 else 0.0
    tolerance = max(INLIER_PIXELS, 0.25 * spacing)
    best, best_score, seen, rivals = [], None, set(), 0

    def on_a_line(members):
        # The line through the members, or None when one is farther than the tolerance or
        # their values do not run in their positions' order.
        slope, offset = np.polyfit(positions[members], linear[members], 1)
        if slope == 0:
            return None
        residuals = (linear[members] - offset) / slope - positions[members]
        if np.abs(residuals).max() > tolerance or \
                not values_in_order(positions[members], values[members], slope):
            return None
        return residuals

    def lines_through(members):
        # Members on the step but not on one line (a misread on the step's lattice, off its
        # place): each line through two of them, with the members within the tolerance of it.
        indices = np.flatnonzero(members)
        for i, j in combinations(indices, 2):
            if positions[i] == positions[j] or linear[i] == linear[j]:
                continue
            slope = (linear[j] - linear[i]) / (positions[j] - positions[i])
            near = np.abs((linear - linear[i]) / slope + positions[i] - positions) <= tolerance
            yield members & near

    def lattices():
        found = {}
        for step in steps:
            for anchor in distinct:
                multiples = (values - anchor) / step
                members = np.abs(multiples - np.round(multiples)) <= STEP_MULTIPLE_TOLERANCE
                found.setdefault(members.tobytes(), members)
        # The largest first: a lattice smaller than the set chosen so far holds no larger one.
        return sorted(found.values(), key=lambda mask: -int(mask.sum()))

    def consider(members, retried=False):
        # Score a set against the best so far; False when its values are off one step as
        # printed (the set without one of them may not be), True otherwise. ``retried``: a
        # lattice without one of its members (a lattice itself too, when it is one).
        nonlocal best, best_score, rivals
        key = members.tobytes()
        if key in seen or np.unique(values[members]).size < 2:
            return True
        seen.add(key)
        if not values_on_one_step(values[members]):
            return False
        residuals = on_a_line(members)
        if residuals is None:
            return True
        if not on_printed_lattice(values[members]):
            return False
        member_values = np.unique(values[members])
        own_step = float(np.min(np.diff(member_values)))
        on_phase = _multiples_of(member_values, own_step)
        count = int(members.sum())
        # Of sets as large and as much on their step, one found whole wins over one that
        # leaves out a label within its lattice's tolerance ('80.0 83.3 86.7' over '76.5 83.3
        # 86.7', exact on 3.4, for '76.7' misread '76.5': a label off a lattice by more than
        # its tolerance is the likelier misread), then one on an exact step.
        whole = not retried or key in whole_lattices
        score = (on_phase and count >= MIN_KEPT_LABELS, count, on_phase, whole,
                 _on_exact_step(member_values), -float(np.sqrt(np.mean(residuals ** 2))))
        if best_score is None or score[:3] > best_score[:3]:
            rivals = 0
        elif score[:3] == best_score[:3]:
            rivals += 1
        if best_score is None or score > best_score:
            best, best_score = [label for label, m in zip(labels, members) if m], score
        return True

    all_lattices = lattices()
    whole_lattices = {members.tobytes() for members in all_lattices}
    for members in all_lattices:
        # One misread within the lattice's tolerance ('272009' among '270000' .. '276000')
        # puts the whole lattice off its step: the lattice without each member in turn. Only
        # while that could beat the set chosen so far, and never twice (two misreads lose
        # the lattice: a smaller one is chosen, or none).
        if not consider(members) and \
                (best_score is None or members.sum() - 1 >= best_score[1]):
            for index in np.flatnonzero(members):
                without = members.copy()
                without[index] = False
                consider(without, retried=True)
        if np.unique(values[members]).size > 2 and on_a_line(members) is None and \
                (best_score is None or members.sum() >= best_score[1]):
            for near in lines_through(members):
                consider(near)
    # Two labels are on one step whatever they say: a pair is chosen only when its values
    # are whole multiples of their step and no other pair's are ('70°', '80°' beside '49°'
    # read for '40°'), never among as many pairs by how close they lie to their lines.
    if best_score is None or len(best) < MIN_KEPT_LABELS and (not best_score[2] or rivals):
        return []
    return best


#: A label whose point was restored lies this close to the fit (pixels, or this share of the
#: tick spacing when larger): as close as a kept label.
RESTORED_POINT_PIXELS = 1.0
RESTORED_POINT_SPACING_SHARE = 0.05


def _restore_dropped_points(labels, fit) -> bool:
    """Labels the fit rejected that read as digits with their decimal point dropped ('1.0'
    read '10' at 72 dpi, where the point touches the 1's serif and makes one glyph with it),
    given the point back when the geometry confirms it.

    For each rejected label read as a plain number of two digits or more without a point,
    every placement of a point is tried (:func:`.labels.dropped_point_readings`); when
    exactly one puts the label on the fit (within :data:`RESTORED_POINT_PIXELS`, or
    :data:`RESTORED_POINT_SPACING_SHARE` of the tick spacing) and on the kept labels' step
    (:func:`values_on_one_step`), the label takes that value (its text gets the point too).
    A linear fit of at least three kept labels only.

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
        if label.kept:
            continue
        fits = []
        for text, parsed in dropped_point_readings(label.text, label.parsed):
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
            # Its own line was not found: placed by the others (place_by_the_others).
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


#: Least share of a colorbar's length that a line beyond a row of labels must cover in
#: colours unlike the page's to be a drawing's edge there (a map's spine or panel), not text.
DRAWING_EDGE_SHARE = 0.5
#: Least number of labels in a row on a colorbar's side, spread along it, taken as a row of tick
#: labels (a bar's title is one or two words).
BAR_ROW_MIN_LABELS = 3
#: Pixels by which a row of labels reaches into a colorbar over its outline, beyond which it
#: is the bar's own written across it (GMT's MAP_FRAME_TYPE inside), never a map's axis row.
LABELS_ACROSS_OUTLINE_PX = 1.0


def _drawing_beyond(edge, side, bar_box, rgb, page_rgb, reach):
    """The first line of pixels, outward of ``edge`` (a row, or a column for a vertical
    side) and within ``reach`` pixels of it, along the colorbar's length, that is a
    drawing's edge: colours unlike the page's (:data:`frame.PANEL_CONTRAST`) cover
    :data:`DRAWING_EDGE_SHARE` of it. None when there is none before ``reach`` or the
    figure's edge."""
    from .frame import PANEL_CONTRAST

    col0, row0, col1, row1 = (int(round(v)) for v in bar_box)
    rows, cols = rgb.shape[:2]
    start, end = (max(col0, 0), min(col1, cols)) if side.horizontal else \
        (max(row0, 0), min(row1, rows))
    if end - start < 2:
        return None
    page = np.asarray(page_rgb, float)
    limit = rows if side.horizontal else cols
    for step in range(1, int(reach) + 1):
        position = int(edge) - step if side.outward < 0 else int(edge) + step
        if not 0 <= position < limit:
            return None
        line = rgb[position, start:end] if side.horizontal else rgb[start:end, position]
        unlike = np.abs(line.astype(float) - page).max(axis=1) > PANEL_CONTRAST
        if unlike.mean() >= DRAWING_EDGE_SHARE:
            return position
    return None


def _row_edge(labels, side) -> float:
    """The outer edge (pixels, across the side) of a row of labels beside a side."""
    if side.horizontal:
        return min(label.box[1] for label in labels) if side.outward < 0 else \
            max(label.box[3] for label in labels)
    return min(label.box[0] for label in labels) if side.outward < 0 else \
        max(label.box[2] for label in labels)


def _row_faces_drawing(labels, side, bar_box, rgb, page_rgb, reach) -> bool:
    """Whether a drawing (the map: its spine or its panel's colours) lies just beyond a row of
    labels beside a colorbar's side, within ``reach`` pixels of the row's outer edge
    (:func:`_drawing_beyond`)."""
    return _drawing_beyond(_row_edge(labels, side), side, bar_box, rgb, page_rgb,
                           reach) is not None


def _is_label_row(reading, bar_box, vertical) -> bool:
    """Whether a side's reading holds a row of tick labels (read or not): at least
    :data:`BAR_ROW_MIN_LABELS`, spread over half the bar's length or more."""
    labels = reading.labels
    if len(labels) < BAR_ROW_MIN_LABELS:
        return False
    centres = [0.5 * (label.box[1] + label.box[3]) if vertical else 0.5 * (label.box[0] + label.box[2])
               for label in labels]
    length = (bar_box[3] - bar_box[1]) if vertical else (bar_box[2] - bar_box[0])
    return max(centres) - min(centres) >= 0.5 * length


def _bar_side_facing_away(best, readings, sides, bar_box, rgb, page_rgb, text_height):
    """The reading of a colorbar's labels on its side facing away from the map, when both of
    its sides hold a row of labels and only one row has the map just beyond it.

    A bar close below (or beside) a map whose frame was not found (a style's panel running
    off the image) has two rows of labels along it: its own, and the map's axis labels
    between it and the map. No bar is labelled on both sides (matplotlib, GMT's psscale, QGIS
    legends), so the row with the map beyond it is the map's, even when it alone reads (the
    bar's own cut by the crop, or too small): it is never taken for the bar's. The row facing
    away is returned, fitted or not (not: the bar's range is refused, naming VMIN and VMAX),
    instead of a fit of the map's coordinates over the bar (234-238 for -1500 to 2500, no
    warning).

    Parameters
    ----------
    best : AxisReading
        The side chosen by the number of labels kept.
    readings : list of AxisReading
        Both sides' readings.
    sides : dict
        The bar's sides by name (:func:`box_sides`).
    bar_box : tuple of int
        The bar's pixel box (col0, row0, col1, row1).
    rgb : numpy.ndarray
        The figure, (rows, cols, 3) uint8.
    page_rgb : sequence of float
        The page's colour.
    text_height : float
        The labels' height, pixels: the drawing is looked for within three of them.

    Returns
    -------
    AxisReading
    """
    if len(readings) != 2 or page_rgb is None:
        return best
    vertical = not sides[readings[0].side].horizontal if readings[0].side in sides else False
    if not all(reading.side in sides and _is_label_row(reading, bar_box, vertical)
               for reading in readings):
        return best
    facing = [_row_faces_drawing(reading.labels, sides[reading.side], bar_box, rgb, page_rgb,
                                 3.0 * text_height) for reading in readings]
    if facing.count(True) != 1:
        return best
    away = readings[facing.index(False)]
    if away is not best and away.fit is None and not away.problem:
        away.problem = (f"the {away.side} side's labels could not be read, and those on the "
                        f"{best.side} side lie between the colorbar and the map (its axis "
                        f"labels)")
    return away


def _drawing_goes_on(position, side, bar_box, rgb, page_rgb, depth) -> bool:
    """Whether the drawing whose edge is the line at ``position`` goes on outward (a map's
    panel: colours unlike the page's over :data:`DRAWING_EDGE_SHARE` of the bar's length on
    average over the ``depth`` lines from it), not a line alone (a legend's frame)."""
    from .frame import PANEL_CONTRAST

    col0, row0, col1, row1 = (int(round(v)) for v in bar_box)
    rows, cols = rgb.shape[:2]
    limit = rows if side.horizontal else cols
    first, last = (position, position + side.outward * int(depth))
    lo, hi = max(min(first, last), 0), min(max(first, last) + 1, limit)
    if hi - lo < 0.5 * depth:
        return False
    if side.horizontal:
        block = rgb[lo:hi, max(col0, 0):min(col1, cols)]
    else:
        block = rgb[max(row0, 0):min(row1, rows), lo:hi]
    if block.size == 0:
        return False
    unlike = np.abs(block.astype(float) - np.asarray(page_rgb, float)).max(axis=2) > \
        PANEL_CONTRAST
    return float(unlike.mean()) >= DRAWING_EDGE_SHARE


def _side_clear_of_drawings(reading, side, bar_box, rgb, page_rgb, text_height,
                            reach) -> bool:
    """Whether a colorbar's side has no drawing beside it: none within ``reach`` pixels
    beyond its labels, or beyond the bar's own edge when it has none (past the bar's outline
    and a JPEG's ringing, at most half a text height; a bar whose colours run on into a
    drawing's is not clear)."""
    if reading.labels:
        return _drawing_beyond(_row_edge(reading.labels, side), side, bar_box, rgb, page_rgb,
                               reach) is None
    edge = int(round(side.position))
    ink = _drawing_beyond(edge, side, bar_box, rgb, page_rgb, 1)
    outline = 0
    while ink is not None:
        outline += 1
        if outline > 0.5 * text_height:
            return False
        edge = ink
        ink = _drawing_beyond(edge, side, bar_box, rgb, page_rgb, 1)
    return _drawing_beyond(edge, side, bar_box, rgb, page_rgb, reach) is None


def _lone_row_facing_the_map(best, readings, sides, bar_box, rgb, page_rgb, text_height):
    """The reading of a colorbar's side facing away from the map when the only labels
    chosen for the bar lie between it and the map: the map's axis labels.

    A bar close below (or beside) a map has the map's axis labels between it and the map
    (matplotlib's x labels above a horizontal bar, its y labels beside a bar on the map's
    left, GMT's annotations over psscale's bar); its own labels are on its side facing away
    (matplotlib, GMT's psscale, QGIS legends beside or under the map). When those are lost
    (a crop through or above them, labels too small or run together), the map's row alone
    was read and fitted as the bar's (234-238, the map's longitudes, for -1500 to 2500, no
    warning). A row of labels with, within three text heights beyond it, the map (a drawing
    whose colours go on, :func:`_drawing_goes_on`, not a legend's frame line), while the bar's
    other side has no drawing beside it as far out (:func:`_side_clear_of_drawings`; a bar
    between two panels, over the map or on a box inside it, is left to the count of labels),
    is the map's: the other side's reading is returned, the bar's range refused naming VMIN
    and VMAX unless it was read.

    Parameters and returns as :func:`_bar_side_facing_away`.
    """
    if len(readings) != 2 or page_rgb is None or not best.labels or best.side not in sides:
        return best
    other = readings[1] if readings[0] is best else readings[0]
    if other is best or other.side not in sides:
        return best
    side = sides[best.side]
    # Labels written across the bar's outline, into it, are its own: GMT's MAP_FRAME_TYPE
    # inside sets psscale's annotations against the outline on the side toward the map
    # (5.5-8 px into a vertical bar at 100-150 dpi); a map's axis row stands clear of the bar
    # (0 px or more, touching it at most).
    overlap = float(np.median([side.position - label.box[{"bottom": 1, "top": 3, "right": 0,
                                                          "left": 2}[side.name]]
                               for label in best.labels]) * side.outward)
    if overlap > LABELS_ACROSS_OUTLINE_PX:
        return best
    reach = 3.0 * text_height
    position = _drawing_beyond(_row_edge(best.labels, side), side, bar_box, rgb, page_rgb, reach)
    if position is None or not _drawing_goes_on(position, side, bar_box, rgb, page_rgb, reach):
        return best
    # As far out as the map stands on the row's side: a bar on a box inside the map has the
    # map beyond the box on every side.
    far_reach = max(reach, abs(position - side.position) + text_height)
    if not _side_clear_of_drawings(other, sides[other.side], bar_box, rgb, page_rgb,
                                   text_height, far_reach):
        return best
    if other.fit is None:
        other.problem = (f"the labels on the {best.side} side lie between the colorbar and the "
                         f"map (its axis labels), and none on the {other.side} side, facing "
                         f"away from the map, were read")
    return other


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


def _without_frame_tick_stems(labels, frame_box, line_thickness) -> list:
    """Labels over the map less those that are a tick mark drawn inward from the frame.

    A tick mark drawn inward is one straight stroke standing on the frame's line, across it;
    where it stands apart from the line (anti-aliased into the page's colour at 120 dpi) it
    is found as a glyph, and the side beside its end takes it for a label: QGIS's interior
    tick at the bottom left, beside the left side, was read '1' and made a pair with
    '2148000' on a scale 20 times too steep (and GMT's 3 × 7 px minor ticks at 300 dpi were
    all the text the map had). A label is a stem when it is one glyph, a stroke at most half
    as wide as it is long (and at most 3 px), perpendicular to a side and ending within the
    side's line and 2 px of it.

    Parameters
    ----------
    labels : list of TextLabel
        Text over the map (figure pixels).
    frame_box : tuple of float
        The frame (left, top, right, bottom), pixels.
    line_thickness : float
        The frame's line, pixels.

    Returns
    -------
    list of TextLabel
    """
    left, top, right, bottom = frame_box
    reach = line_thickness + 2.0
    kept = []
    for label in labels:
        long, thin = max(label.width, label.height), min(label.width, label.height)
        stroke = label.glyphs == 1 and thin <= min(3, 0.5 * long)
        if stroke and label.height > label.width:
            stem = label.row0 - top <= reach or bottom - label.row1 <= reach
        elif stroke:
            stem = label.col0 - left <= reach or right - label.col1 <= reach
        else:
            stem = False
        if not stem:
            kept.append(label)
            _cut_off_stem(label, left, right, reach)
    return kept


#: Least gap (a share of the label's height) between a tick mark's stem and the label it
#: merged into: the annotation's offset from the tick's end. A minus sign stands a tenth of
#: an em or so before its digit.
STEM_GAP_SHARE = 0.4


def _cut_off_stem(label, left, right, reach) -> None:
    """A tick mark drawn inward from a vertical side of the frame, merged into the label
    beside it as its first (or last) glyph, cut off the label, in place.

    GMT's ``MAP_FRAME_TYPE=inside`` writes a y annotation a tick's length and its offset in
    from the frame: where the tick's stem stands apart from the frame's line (anti-aliased
    into the map's colours) it is a glyph, and the gap to the label (6 px at 100 dpi, the
    digits 12 px high) joins it to the label as a minus sign: '-2145000', then taken as cut
    by the frame's line and read as no value (Kilauea's y axis at 100 dpi: two labels of
    four left, refused GCPS). The first glyph is a stem when it is a level stroke (at most
    3 px thick and half as thick as long) starting within ``reach`` of the side's line, and
    its gap to the next glyph is wider than every other gap of the label and
    :data:`STEM_GAP_SHARE` of its height (a minus sign stands as close to its digit as the
    digits stand to each other).

    Parameters
    ----------
    label : TextLabel
        Text over the map (figure pixels), its members sorted left to right.
    left, right : float
        The frame's vertical sides, pixel columns.
    reach : float
        Pixels from a side within which the stem starts (the line's width and a little).
    """
    members = label.members or []
    if label.glyphs < 2 or len(members) != label.glyphs or len(label.gaps) != len(members) - 1:
        return
    for first, at_left in ((0, True), (len(members) - 1, False)):
        col0, row0, col1, row1 = members[first]
        long, thin = col1 - col0, row1 - row0
        gap = label.gaps[0] if at_left else label.gaps[-1]
        others = label.gaps[1:] if at_left else label.gaps[:-1]
        starts_on_line = col0 - left <= reach if at_left else right - col1 <= reach
        if not (thin <= min(3, 0.5 * long) and starts_on_line and
                gap >= STEM_GAP_SHARE * label.height and all(gap > other for other in others)):
            continue
        rest = members[1:] if at_left else members[:-1]
        label.members = rest
        label.gaps = label.gaps[1:] if at_left else label.gaps[:-1]
        label.glyphs -= 1
        label.col0, label.row0 = min(m[0] for m in rest), min(m[1] for m in rest)
        label.col1, label.row1 = max(m[2] for m in rest), max(m[3] for m in rest)
        return


def _cut_by_frame(inside, outside, frame_box, reach) -> None:
    """Labels the frame's line cuts in two, marked (``cut_by_frame``), in place.

    QGIS writes a grid annotation inside the frame centred on its grid line, and clips none:
    the first and last along a side reach across the frame's line, one piece over the map and
    one on the page ('255000' at the left end read '245' outside and '5000' inside, the glyph
    under the line lost). Each piece reads as a number, on no line with the others, and
    neither is the label's: both are marked and read as no value.

    Parameters
    ----------
    inside : list of TextLabel
        Text over the map, inside the frame.
    outside : list of TextLabel
        Text on the page.
    frame_box : tuple of float
        The frame (left, top, right, bottom), pixels.
    reach : float
        Pixels from the frame's line within which both pieces' ends must lie (the line's
        width and a little).
    """
    left, top, right, bottom = frame_box
    for piece in inside:
        for other in outside:
            if piece.row1 - piece.row0 > 0 and other.row1 - other.row0 > 0:
                rows = min(piece.row1, other.row1) - max(piece.row0, other.row0)
                cols = min(piece.col1, other.col1) - max(piece.col0, other.col0)
                # Level text cut by a vertical side: the same row of text either side of it.
                level = rows >= 0.5 * min(piece.height, other.height) and any(
                    _from_line(piece.col0, piece.col1, line) <= reach and
                    _from_line(other.col0, other.col1, line) <= reach and
                    min(piece.col0, other.col0) < line < max(piece.col1, other.col1)
                    for line in (left, right))
                # ...and text cut by a horizontal side: one column of text either side of it.
                across = cols >= 0.5 * min(piece.width, other.width) and any(
                    _from_line(piece.row0, piece.row1, line) <= reach and
                    _from_line(other.row0, other.row1, line) <= reach and
                    min(piece.row0, other.row0) < line < max(piece.row1, other.row1)
                    for line in (top, bottom))
                if level or across:
                    piece.cut_by_frame = other.cut_by_frame = True


def _from_line(start, end, line) -> float:
    """Pixels from a span (start, end) to a line across it: 0 when the span reaches over it
    (a label widened across the frame's line, :func:`.text.mend_labels_cut_by_lines`)."""
    return 0.0 if start <= line <= end else min(abs(start - line), abs(end - line))


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
    unread = _layout_state(layout)
    # The labels' glyphs are compared by several checks and again when digits are re-read.
    with glyph_comparisons_kept():
        reading = _read_face(reader, rgb, layout, want_axes, want_colorbar)
        reading = _reread_digits(reader, rgb, layout, reading, unread, want_axes, want_colorbar)
    reading.over_map_ink = getattr(reader, "over_map_ink", None)
    return reading


def _runs_into(label, box) -> bool:
    """Whether a label's text runs into a box (col0, row0, col1, row1), pixels: its rows meet
    the box's and its first or last column comes within :data:`BAR_GAP_HEIGHTS` of its height
    of the box's side, or into it (a label a colorbar is drawn over ends at the bar's outline,
    5-6 px off its box at 200 dpi). Asked of the frame's labels only, never of the bar's own."""
    col0, row0, col1, row1 = box
    if label.row0 >= row1 or label.row1 <= row0:
        return False
    gap = BAR_GAP_HEIGHTS * label.height
    return max(col0 - label.col1, label.col0 - col1) <= gap


def _layout_state(layout, state=None) -> tuple:
    """What reading the figure's face changes in its layout (the frame moved to a light edge
    line's centre, the colorbar's ends to its ticks): (frame, colorbar box) as it stands, set
    back to ``state`` first when given."""
    if state is not None:
        layout.frame = state[0]
        if layout.colorbar is not None:
            layout.colorbar.box = state[1]
    return layout.frame, None if layout.colorbar is None else layout.colorbar.box


def _read_face(reader, rgb, layout, want_axes, want_colorbar) -> "FigureReading":
    """The tick labels of the frame's axes and of the colorbar read (:func:`read_figure_face`),
    the labels as ``reader`` reads them (with its re-read digits)."""
    reading = FigureReading(all_labels=reader.labels)
    side_count = 2 * (layout.colorbar is not None) + 4 * (want_axes and layout.frame is not None)
    sides_started = [0]

    def next_side():
        reader.fraction = sides_started[0] / max(side_count, 1)
        sides_started[0] += 1

    frame = layout.frame
    if getattr(layout, "class_legend", None) is not None:
        next_side()
        reading.colorbar = _read_class_legend(reader, layout.class_legend, want_colorbar)
    elif layout.colorbar is not None:
        bar = layout.colorbar
        over_map = frame is not None and getattr(layout, "legend_box", None) is None and \
            _holds(frame.pixel_box(), bar.pixel_box())
        if over_map:
            # A bar straight on the map: its labels are written over the map's colours.
            reader.over_map_labels()
        if faded_ends_to_marks(reader.lum, layout.dark, bar, layout.page_rgb, rgb):
            reading.messages.append(
                "The colorbar fades into the page's colour at an end, which shows no edge: "
                "that end is placed at its outermost tick mark, where the marks running on "
                "beyond the faded colours end (a bar's ticks never lie beyond its ends).")
        sides = box_sides(bar.box)
        names = ("right", "left") if bar.vertical else ("bottom", "top")
        best, read_sides = None, []
        for name in names:
            next_side()
            candidate = reader.read_side(sides[name], bar.pixel_box(), allow_log=True,
                                         ocr=want_colorbar)
            read_sides.append(candidate)
            # With none kept either side, the side with labels says why they were not.
            if best is None or (len(candidate.kept), len(candidate.labels)) > \
                    (len(best.kept), len(best.labels)):
                best = candidate
        best = _bar_side_facing_away(best, read_sides, sides, bar.pixel_box(), rgb,
                                     layout.page_rgb, reader.text_height)
        if not over_map and getattr(layout, "legend_box", None) is None:
            # (On a legend box the labels beside the bar inside the box are its own.)
            best = _lone_row_facing_the_map(best, read_sides, sides, bar.pixel_box(), rgb,
                                            layout.page_rgb, reader.text_height)
        # The bar's labels are never an axis' labels (a bar beside the map is near its side).
        # Only the side read as the bar's: the other side of a bar close below the map holds
        # the map's own x labels (GMT's psscale 0.4 in below the frame), which stay the axis'.
        reader.claimed.update(tuple(label.box) for label in best.labels)
        if best.fit is not None:
            reader.bars_read[bar.pixel_box()] = best.side
        if want_colorbar:
            if best.fit is None and fit_end_labels(best, bar):
                reading.messages.append(
                    "The colorbar has two labels, one at each end (as QGIS legends draw a colour "
                    "ramp): they are taken as the values at its ends, with no third label to "
                    "confirm them. Check VMIN and VMAX against the figure.")
                overhang = end_labels_overhang(best, bar)
                if overhang:
                    reading.warnings.append(overhang)
            if best.fit is None:
                confirmed = confirm_pair_by_marks(best, reader.marks_of(sides[best.side],
                                                                         best.labels))
                if confirmed:
                    reading.messages.append(f"The colorbar has {confirmed}.")
            beyond = reader.labels_beyond_bar_ends(best, bar)
            for line in ([beyond] if beyond else []) + ends_beyond_ticks(best, bar):
                # An end doubted and left where it was found may be wrong: a warning.
                (reading.warnings if CUT_SHORT in line else reading.messages).append(line)
            if best.fit is not None and faded_ends_to_ticks(rgb, bar, best, layout.page_rgb):
                reading.messages.append(
                    "The colorbar fades into the page's colour at an end, which shows no edge: "
                    "that end is placed at its outermost tick, a few pixels inside where the "
                    "fade was extrapolated to (GMT annotates a bar's ends).")
            reading.colorbar = _colorbar_values(best, bar, layout.snap_offset)
            offset = reader.bar_offset_text(bar, best) \
                if best.fit is not None and not best.fit.logarithmic else ""
            if offset:
                # The labels are offsets from a value (or multiples of a power of ten) that
                # the text says: read as values, the range was off by the offset, in silence
                # (sweep_auto_decode --wide --wider 284 #0: '240'-'480' with '+1.2e4').
                if _apply_bar_offset(best, offset):
                    reading.colorbar = _colorbar_values(best, bar, layout.snap_offset)
                    reading.messages.append(
                        f"The colorbar's labels are written relative to the text {offset!r} "
                        f"at its end (matplotlib's "
                        f"{'offset' if offset[0] in '+-' else 'multiplier'}): their values "
                        f"are taken with it.")
                else:
                    reading.colorbar.vmin = reading.colorbar.vmax = None
                    best.problem = (f"the colorbar's labels are written relative to the text "
                                    f"{offset!r} at its end (matplotlib's offset or "
                                    f"multiplier), which was not read whole")
            odds = separators_at_odds([label.text for label in best.kept]) \
                if best.fit is not None and not best.fit.logarithmic and \
                len(best.kept) == 2 and reading.colorbar.vmin is not None else ""
            if odds:
                # Taken as read, the range is off by a thousand at one end, in silence. With
                # a third label the fit tells the misread one; on a log bar one format
                # ('{x:,g}') writes '0.125' and '1,000' alike.
                reading.colorbar.vmin = reading.colorbar.vmax = None
                best.problem = odds
            if best.fit is not None:
                unlike = reader.digits_unlike_glyphs(best.labels)
                if not unlike and len(best.kept) == 2:
                    # Two labels: no fit tells a misread digit, and small glyphs are too
                    # coarse to compare; a second reading at another scale may.
                    unlike = reader.digits_unlike_at_another_scale(best.kept)
                if unlike:
                    reading.warnings.append(
                        f"The colorbar's tick labels {MAY_BE_MISREAD}: {unlike}. Check "
                        f"the labels in the report, or give VMIN and VMAX.")
                near = near_the_edge(best.kept, reader.lum.shape)
                if near:
                    reading.warnings.append(f"The colorbar's {near} Check the labels in the "
                                            f"report, or give VMIN and VMAX.")
            if over_map and best.fit is not None:
                # The bar, its tick marks and its labels are one block of no data on the map.
                reading.over_map_boxes.append(_union(
                    [bar.pixel_box()] + [label.box for label in best.labels
                                         if label.value is not None]))
                reading.over_map_solid_boxes.append(reading.over_map_boxes[-1])
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
            best.across = next((candidate for candidate in read if candidate is not best), None)
            if best.fit is None:
                # The side whose labels the colorbar is drawn over is said, not only the one
                # with most labels left ("no labels beside the left side" hid the cause).
                for candidate in read:
                    under_bar = sum(CUT_BY_BAR in label.text for label in candidate.labels)
                    if candidate is not best and under_bar:
                        best.problem += (f"; {under_bar} labels on the {candidate.side} side "
                                         "run into the colorbar and were not read (characters "
                                         "under the bar lost)")
                # Annotations inside the frame along a side (GMT's MAP_FRAME_TYPE=inside,
                # matplotlib's negative pad), then labels over the map at their grid lines.
                best = _inside_reading(reader, sides, names, layout.frame.pixel_box(), axis,
                                       best)
            elif axis == "y" and reading.x_axis.fit is not None and \
                    reading.x_axis.placement == "inside":
                best = _placed_as_x(reader, sides, names, layout.frame.pixel_box(), best,
                                    reading)
            if best.fit is not None and best.placement != "outside":
                # Every label of the axis, and every other one read over the map as
                # digits (a misread label of that axis is text too), is no data.
                reading.over_map_boxes += [label.box for label in best.labels
                                           if label.value is not None]
                heights = [label.box[3] - label.box[1] for label in best.kept]
                reading.over_map_boxes += reader.text_over_map(float(np.median(heights)))
            if best.fit is not None:
                # An x label is never a y label: inside the frame the x labels along the
                # bottom are over the map as the y labels are, and an inline reading of y
                # took one as its third degree label (GMT's MAP_FRAME_TYPE=inside at 200 dpi:
                # '-40°' at the bottom joined '-20°' and '-30°' on the left, y 37 px off).
                # Those the fit left out too, when inside: the piece of one that the frame's
                # line cut ('5000' of QGIS's '255000') stands beside the left side.
                reader.claimed.update(tuple(label.box) for label in best.labels
                                      if label.kept or best.placement == "inside")
            if best.fit is not None and best.placement == "outside":
                best.title = reader.read_title(sides[best.side], best.labels)
                best.title_unit = unit_in_title(best.title)
                _take_axis_offset_text(best, reader.axis_offset_text(layout.frame.box, axis,
                                                               best.labels),
                                       axis, reading.messages)
            setattr(reading, f"{axis}_axis", best)
        _move_centres_to_ticks(reader, reading, layout.frame.box)
        _move_centres_by_their_font(reader, reading, layout.frame.kind == "panel")
        # Before the pairs: an axis its rounded labels' reading confirms may confirm a pair.
        confirm_tied_readings(reading)
        confirm_by_aspect(reading, layout.frame.box)
        for axis in (reading.x_axis, reading.y_axis):
            if axis is not None and axis.fit is not None and axis.placement == "inside" and \
                    axis.pair_fit is not None:
                # A pair inside the frame confirmed: its labels are no data either.
                reading.over_map_boxes += [label.box for label in axis.labels
                                           if label.value is not None]
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
        confirmed_pairs = []
        for axis in ("x", "y"):
            best = getattr(reading, f"{axis}_axis")
            if best is not None and best.fit is not None:
                # A digit misread alike on every label ('5167.5' read '9167.5') moves the
                # axis, not its fit: its glyph drawn as a digit read otherwise elsewhere.
                unlike = reader.digits_unlike_glyphs(best.labels, EXACT_ALIKE_MIN_HEIGHT_PX)
                if unlike:
                    reading.warnings.append(
                        f"The {axis} axis' tick labels {MAY_BE_MISREAD}: {unlike}. "
                        f"Check the labels in the report, or give GCPS.")
            if best is not None and best.fit is not None:
                near = near_the_edge(best.kept, reader.lum.shape)
                if near:
                    reading.warnings.append(f"The {axis} axis' {near} Check the labels in the "
                                            f"report, or give GCPS.")
            if best is not None and best.fit is None and best.placement == "outside" and \
                    best.side in sides:
                confirmed = confirm_pair_by_marks(best, reader.marks_of(sides[best.side],
                                                                         best.labels))
                if confirmed:
                    confirmed_pairs.append((len(reading.messages), axis, best))
                    reading.messages.append(f"The {axis} axis has {confirmed}.")
        # Once both axes are read (a pair by its tick marks too): rounded degree labels.
        resolve_degree_readings(reading)
        # A pair's step a mark as its values now are (taken as 1' multiples, maybe); a pair
        # the rounded readings left unresolved is no longer confirmed (its problem says why).
        for index, axis, best in confirmed_pairs:
            reading.messages[index] = f"The {axis} axis has {pair_by_marks_text(best)}." \
                if best.fit is not None else ""
        reading.messages = [message for message in reading.messages if message]
    return reading


def near_the_edge(labels, shape) -> str:
    """Which labels end within :data:`EDGE_GAP_HEIGHTS` of the figure's edge, said for a warning.

    Parameters
    ----------
    labels : list of TickLabel
        Labels kept by a fit.
    shape : tuple of int
        The figure's (rows, cols).

    Returns
    -------
    str
        The second half of a sentence ("tick labels '185,000', ... end 2 px from the
        figure's left edge ...") naming the labels, the nearest gap and the edge; empty when
        no label's ink comes that close along its line of text (level text: the left and
        right edges; text written upward or downward: the top and bottom).
    """
    rows, cols = shape
    near, closest = [], None
    for label in labels:
        col0, row0, col1, row1 = label.box
        if label.angle is not None and abs(label.angle) > 45:
            height, gaps = col1 - col0, ((row0, "top"), (rows - row1, "bottom"))
        else:
            height, gaps = row1 - row0, ((col0, "left"), (cols - col1, "right"))
        gap, edge = min(gaps)
        if gap < EDGE_GAP_HEIGHTS * height:
            near.append(label)
            if closest is None or gap < closest[0]:
                closest = (gap, edge)
    if not near:
        return ""
    texts = ", ".join(repr(label.text) for label in near)
    return (f"tick labels {texts} end {closest[0]:.0f} px from the figure's {closest[1]} edge, "
            f"closer than the space between two characters: the figure may have been cropped "
            f"through them, and characters lost beyond the edge still leave labels that fit "
            f"their ticks, at shifted values ('5,185,000' read '185,000').")


#: The readings whose fits confirm digits read again (:func:`_reread_digits`), with what to
#: give instead when the reading is doubted.
_FITTED_READINGS = (("x_axis", "x axis", "GCPS"), ("y_axis", "y axis", "GCPS"),
                    ("colorbar", "colorbar", "VMIN and VMAX"))


def _axis_of(reading, name):
    """The AxisReading of a figure reading's x axis, y axis or colorbar (None when not read)."""
    found = getattr(reading, name)
    return found.axis if isinstance(found, ColorbarReading) else found


def _reread_digits(reader, rgb, layout, reading, unread, want_axes, want_colorbar):
    """The figure read again with digits OCR misread alike re-read from the figure's own
    glyphs, when the tick fits confirm it; else ``reading`` as it was.

    One font at one size draws a digit alike wherever it stands: glyphs read as two different
    digits but drawn alike (:func:`.label_checks.digit_rereadings`) are one digit, misread
    once or the other way. Each way is tried by reading the figure again with those glyphs
    re-read (OCR's readings cached, so only the fits run again); a way is taken when it alone
    of the two keeps every fit with every label it kept, and each label it re-reads kept by
    one (and the ways offered re-read no digit the fits confirm, by glyphs drawn as digits
    they do: :func:`.label_checks.digits_confirmed_by_fit`). Tesseract read every y label's
    leading '5' as '9' in DejaVu Serif 12 pt at 72 dpi ('5167.5' as '9167.5'): the labels
    stay evenly spaced, and the map was placed 4000 km north in silence; the glyphs are drawn
    as the '5's of '5165' and of the x labels '605', '615', which read as '9's leave their
    lines. A way both fits take, or neither, changes
    nothing (a warning says the glyphs were read as two digits). ``unread`` is the layout's
    state (:func:`_layout_state`) before the first reading, which may have changed it.
    """
    read_state = _layout_state(layout)
    labels = [label for name, _, _ in _FITTED_READINGS
              for label in getattr(_axis_of(reading, name), "labels", ())
              if (label.value is not None or label.off_step) and "(" not in label.text]
    readings = reader.readings_and_glyphs(labels)
    confirmed = set()
    for name, _, _ in _FITTED_READINGS:
        axis = _axis_of(reading, name)
        if axis is None or axis.fit is None:
            continue
        kept = [index for index, label in enumerate(labels) if label.kept and
                any(label is other for other in axis.labels)]
        confirmed |= {(kept[index], order) for index, order in
                      digits_confirmed_by_fit([labels[index].text for index in kept])}
    rereadings, unlike = digit_rereadings(readings, confirmed, reader.glyph_lum(),
                                           reader.page)
    if not unlike:
        return reading
    sets = [[index for index, label in enumerate(labels)
             if any(label is other for other in getattr(_axis_of(reading, name), "labels", ()))]
            for name, _, _ in _FITTED_READINGS]
    rereadings = [_with_shared_digits(way, labels, sets, confirmed) for way in rereadings]

    def read_again(texts):
        reader.rereadings = {tuple(labels[index].box): (text, parse_label(text))
                             for index, text in texts.items()}
        _layout_state(layout, unread)
        reader.claimed, reader.bars_read = set(), {}
        return _read_face(reader, rgb, layout, want_axes, want_colorbar)

    def fits_keep(again, texts):
        kept = set()
        for name, _, _ in _FITTED_READINGS:
            before, after = _axis_of(reading, name), _axis_of(again, name)
            if before is None:
                continue
            kept_after = {tuple(label.box) for label in getattr(after, "kept", ())}
            if before.fit is not None and getattr(after, "fit", None) is None or \
                    not {tuple(label.box) for label in before.kept} <= kept_after:
                return False
            kept |= kept_after
        return all(tuple(labels[index].box) in kept for index in texts)

    taken, ways = {}, []
    for pair in dict.fromkeys(tuple(sorted((way.read, way.drawn_as))) for way in rereadings):
        fitting = []
        for way in rereadings:
            if tuple(sorted((way.read, way.drawn_as))) != pair or \
                    any(parse_label(text) is None for text in way.texts.values()):
                continue
            texts = {**taken, **way.texts}
            if fits_keep(read_again(texts), texts):
                fitting.append(way)
        if len(fitting) == 1:
            taken.update(fitting[0].texts)
            ways.append(fitting[0])
    again = read_again(taken) if taken else None
    if again is None or not fits_keep(again, taken):
        reader.rereadings = {}
        _layout_state(layout, read_state)
        if not any(MAY_BE_MISREAD in warning for warning in reading.warnings):
            # Glyphs of two label sets (an axis' and the colorbar's) drawn alike, read as two
            # digits, and the fits not telling which reading is right: said.
            reading.warnings.append(
                f"The tick labels {MAY_BE_MISREAD}: {unlike}, and the tick fits do not tell "
                f"which. Check the labels in the report, or give GCPS (an axis), or VMIN and "
                f"VMAX (the colorbar).")
        return reading
    for way in ways:
        changed = [index for index in way.texts if index in taken]
        where = [(what, give) for name, what, give in _FITTED_READINGS
                 if any(labels[index] is other for index in changed
                        for other in getattr(_axis_of(reading, name), "labels", ()))]
        said = ", ".join(f"{labels[index].text!r} -> {taken[index]!r}" for index in changed)
        give = " and ".join(dict.fromkeys(give for _, give in where))
        again.warnings.append(
            f"The {' and '.join(what for what, _ in where)} tick labels were read again from "
            f"the figure's own glyphs: the glyphs read '{way.read}' there are drawn as the "
            f"'{way.drawn_as}'s read elsewhere on the figure (and as no other '{way.read}'), "
            f"and read as '{way.drawn_as}' the labels still fit their ticks: {said}. Check the "
            f"labels in the report, or give {give}.")
    return again


def _with_shared_digits(way, labels, sets, confirmed):
    """A way to read digits again (:class:`.label_checks.DigitRereading`) extended to the
    labels of each set (an axis, the colorbar) it re-reads some of whose digit, at the place it
    re-reads, is the one re-read and no fit confirms: their glyphs could not be compared.

    The glyphs are compared only in labels with one glyph to each digit; where digits touch
    (DejaVu Serif 12 pt at 72 dpi: '805', '820', '825' of an x axis whose '6's were read '8'),
    the label is left out, and a way re-reading '810' and '815' alone breaks the axis' line and
    was refused, leaving the axis 200 km off. A digit every label of the set shares at that
    place is one misread alike on all of them (the fits confirm none of them); the labels that
    have it, with as many digits and the point at the same place, are re-read with the others,
    and the fits judge the way as before.

    Parameters
    ----------
    way : label_checks.DigitRereading
    labels : list of ticks.TickLabel
        The labels compared, in the order of the way's indexes.
    sets : list of list of int
        The indexes of each set's labels.
    confirmed : set of (int, int)
        (a label's index, a digit's order among its digits) the fits confirm.

    Returns
    -------
    label_checks.DigitRereading
    """
    texts = dict(way.texts)
    for index, text in way.texts.items():
        old, new = normalise(labels[index].text), normalise(text)
        shape = re.sub(r"\d", "0", old)
        old_digits = [character for character in old if character.isdigit()]
        new_digits = [character for character in new if character.isdigit()]
        places = {place for place, (a, b) in enumerate(zip(old_digits, new_digits)) if a != b}
        for members in sets:
            if index not in members:
                continue
            for other in members:
                if other in texts:
                    continue
                digits = [character for character in normalise(labels[other].text)
                          if character.isdigit()]
                if re.sub(r"\d", "0", normalise(labels[other].text)) != shape or \
                        any(digits[place] != way.read or (other, place) in confirmed
                            for place in places):
                    continue
                texts[other] = with_digits_replaced(labels[other].text, places, way.drawn_as)
    return dataclasses.replace(way, texts=dict(sorted(texts.items())))


#: Largest share of the labels' height by which the ink centres of labels beside a vertical
#: side are moved to their ticks (:func:`centre_offset_from_x_labels`): a text box centred on
#: the tick puts the digits' ink 0.10-0.13 of their height above it (DejaVu, Nimbus); more is
#: no font's metrics, but labels above and below the frame not written alike.
MAX_CENTRE_OFFSET_SHARE = 0.25
#: Largest difference (pixels, or this share of their height) between the heights of the x and
#: y labels for them to be taken as one font at one size.
SAME_TEXT_HEIGHT_PX = 1.5
SAME_TEXT_HEIGHT_SHARE = 0.1
#: Fewest labels read as numbers on each x side to measure where text sits.
MIN_CENTRE_OFFSET_LABELS = 2


def _ink_rows(label, members):
    """(top, bottom) rows of a label's ink less its separators' tails (as
    :func:`rows_without_tails`)."""
    if not members:
        return float(label.box[1]), float(label.box[3])
    tallest = max(members, key=lambda box: box[3] - box[1])
    middle = 0.5 * (tallest[1] + tallest[3])
    body = [box for box in members if box[1] < middle]
    return float(min(box[1] for box in body)), float(max(box[3] for box in body))


def centre_offset_from_x_labels(above, below, frame_box, members, height) -> Optional[tuple]:
    """How far (pixels, down) the ticks of labels beside a vertical side lie below their ink
    centres, measured from the x labels above and below the frame; None when not measured.

    A renderer that writes its labels by their text's layout box (ascent a and descent d
    round the baseline, digits c high), the same pad p from the frame on every side, and
    centres the y labels' box on their ticks (cartopy's gridliner: ``va='center'``) puts the
    top labels' ink bottom (their baseline) p + d above the frame, the bottom labels' ink top
    p + a - c below it, and each y label's ink centre (c + d - a) / 2 above its tick: half
    the difference of the two gaps, whatever the font, its size or the pad. A renderer that
    centres the ink (QGIS's annotations) writes the gaps alike and is left as it is.

    Parameters
    ----------
    above, below : AxisReading
        The x labels above the frame's top and below its bottom, fitted, written level.
    frame_box : tuple (left, top, right, bottom)
        Pixels.
    members : dict
        Each text label's glyph boxes by its box.
    height : float
        The y labels' ink height (pixels): the x labels must be as high (one font, one size).

    Returns
    -------
    tuple (offset, gap above, gap below) or None
        Pixels.
    """
    _, top, _, bottom = frame_box
    rows = {}
    for name, axis in (("above", above), ("below", below)):
        # Its labels read as numbers (those of a side whose fit failed too: cartopy's crowded
        # top labels), each its own ink.
        inks = [_ink_rows(label, members.get(tuple(label.box))) for label in axis.labels
                if label.value is not None and label.angle is None]
        heights = [ink_bottom - ink_top for ink_top, ink_bottom in inks]
        if len(inks) < MIN_CENTRE_OFFSET_LABELS or abs(float(np.median(heights)) - height) > \
                max(SAME_TEXT_HEIGHT_PX, SAME_TEXT_HEIGHT_SHARE * height):
            return None
        rows[name] = [ink_bottom if name == "above" else ink_top for ink_top, ink_bottom in inks]
    gap_above = top - float(np.median(rows["above"]))
    gap_below = float(np.median(rows["below"])) - bottom
    offset = 0.5 * (gap_above - gap_below)
    if abs(offset) > MAX_CENTRE_OFFSET_SHARE * height:
        return None
    return offset, gap_above, gap_below


def _fits_of(axis) -> list:
    """An axis reading's fit and its pair's (a line through two labels), each once."""
    fits = []
    for fit in (axis.fit, axis.pair_fit):
        if fit is not None and not any(fit is other for other in fits):
            fits.append(fit)
    return fits


def _placed_by_centres(axis) -> list:
    """The labels an axis reading's fit kept when none has a tick mark or grid line (each
    placed by its ink's centre alone); empty otherwise."""
    fits = _fits_of(axis)
    placed = fits[0].kept if fits else []
    if any(label.tick_position is not None for label in placed):
        return []
    return placed


def _move_centres_to_ticks(reader, reading, frame_box) -> None:
    """The y labels placed by their ink centres alone (no tick marks nor grid lines: cartopy's
    gridliner without lines) moved to their ticks by the offset the x labels above and below
    the frame measure (:func:`centre_offset_from_x_labels`), their fit with them; said in the
    log. The labels across the frame (``opposite``), placed alike, are moved with them: they
    are set alike, and must still meet them at each value. Nothing changes unless both x
    sides' labels were read."""
    x_axis, y_axis = reading.x_axis, reading.y_axis
    if x_axis is None or y_axis is None or x_axis.across is None or x_axis.rotated or \
            y_axis.rotated or x_axis.placement != "outside" or y_axis.placement != "outside":
        return
    placed = _placed_by_centres(y_axis)
    if not placed:
        return
    sides = {axis.side: axis for axis in (x_axis, x_axis.across)}
    if set(sides) != {"top", "bottom"}:
        return
    members = {label.box(): label.members for label in reader.labels}
    inks = [_ink_rows(label, members.get(tuple(label.box))) for label in placed]
    height = float(np.median([ink_bottom - ink_top for ink_top, ink_bottom in inks]))
    measured = centre_offset_from_x_labels(sides["top"], sides["bottom"], frame_box, members,
                                           height)
    if measured is None:
        return
    offset, gap_above, gap_below = measured
    for axis in (y_axis, y_axis.opposite):
        if axis is None or axis.rotated or axis.placement != "outside" or \
                not _placed_by_centres(axis):
            continue
        for label in axis.labels:
            if label.tick_position is None:
                label.label_position += offset
        # Every position one offset on: the same line, its value at a position that much
        # lower.
        for fit in _fits_of(axis):
            fit.offset -= fit.slope * offset
        axis.centre_offset = offset
    reading.messages.append(
        f"The y axis' labels ({y_axis.side} side) have no tick marks or grid lines beside "
        f"them: each is placed {abs(offset):.2f} px {'below' if offset >= 0 else 'above'} its "
        f"ink's centre ({offset / height:+.2f} of its height): half the difference of the "
        f"gaps from the frame to the x labels' ink above it ({gap_above:.1f} px) and below it "
        f"({gap_below:.1f} px), which text set by its layout box, descent included, leaves "
        f"(cartopy's gridline labels).")


#: Labels of one side (distinct texts, the widest first) drawn again to find the font and size
#: they were drawn in (:func:`.drawn_text.find_text_styles`).
FONT_STYLE_SAMPLES = 4


def _labels_drawn_by_matplotlib(reader, labels):
    """The font and size (:class:`.drawn_text.TextStyle`) in which matplotlib's own FreeType
    drawing gives several of these labels to the last grey level, or None (another renderer:
    QGIS's Qt, GMT's Ghostscript; a JPEG; a font not installed)."""
    by_box = {label.box(): label for label in reader.labels}
    samples, texts = [], set()
    for label in sorted(labels, key=lambda label: label.box[0] - label.box[2]):
        own = by_box.get(tuple(label.box))
        if own is None or label.value is None or label.text in texts:
            continue
        texts.add(label.text)
        samples.append((reader._small_coverage(own), {label.text}))
        if len(samples) >= FONT_STYLE_SAMPLES:
            break
    if len(samples) < 2:
        return None
    # Bold text too (a journal's style): its own font files.
    paths = list(dict.fromkeys(font_paths() + font_paths("bold")))
    styles = find_text_styles(samples, paths=paths)
    return styles[0] if styles else None


def _label_ink_offsets(reader, labels, style) -> dict:
    """Each label's ink centre from its layout box's centre (pixels: right, down;
    :func:`.drawn_text.ink_centre_offsets`), its text drawn as it reads and matches its ink
    (a hyphen or a minus sign); labels whose drawing does not match are left out."""
    by_box = {label.box(): label for label in reader.labels}
    offsets = {}
    for label in labels:
        own = by_box.get(tuple(label.box))
        if own is None or label.value is None:
            continue
        coverage = reader._small_coverage(own)
        scored = sorted((match_error(draw_text(text, style), coverage), text)
                        for text in drawn_forms(label.text))
        if scored and scored[0][0] <= MATCH_ERROR + MATCH_MARGIN:
            found = ink_centre_offsets(scored[0][1], style)
            if found is not None:
                offsets[id(label)] = found
    return offsets


def _refit_moved(axis, moves) -> None:
    """An axis' labels placed by their ink moved by ``moves`` (pixels, by ``id`` of the
    label; the others by the median move), and its fits refitted on the moved positions."""
    median = float(np.median(list(moves.values())))
    for label in axis.labels:
        if label.tick_position is None:
            label.label_position += moves.get(id(label), median)
    for fit in _fits_of(axis):
        kept = fit.kept
        if len(kept) < 2:
            continue
        positions = np.array([label.position for label in kept], float)
        values = np.array([label.value for label in kept], float)
        if fit.projection is not None:
            values = np.asarray(fit.projection.northing(values), float)
        elif fit.logarithmic:
            values = np.log10(values)
        slope, offset = np.polyfit(positions, values, 1)
        if slope == 0:
            continue
        fit.slope, fit.offset = float(slope), float(offset)
        fit.residuals_px = (values - offset) / slope - positions


def _move_centres_by_their_font(reader, reading, panel) -> None:
    """Labels placed by their ink alone (no tick marks nor grid lines: cartopy's gridliner
    without lines) moved to their anchors by their own font's layout, when matplotlib's
    FreeType draws them exactly (:func:`_labels_drawn_by_matplotlib`): matplotlib centres a
    text's layout box on its anchor (cartopy's gridline labels: ``ha='center'`` below and
    above the frame, ``va='center'`` beside it), not its ink (:func:`.drawn_text.
    ink_centre_offsets`). The ink of '40°S' sits 0.11-0.17 of its height above its parallel,
    that of '170°W' a tenth of an em right of its meridian (the '1''s side bearing). The x
    labels are moved label by label, and the y labels unless the x labels above and below the
    frame measured their offset (:func:`_move_centres_to_ticks`); the fits are refitted and
    the log says so. On a ``panel`` (a style sheet's axes with no spines and no tick marks:
    seaborn's), and for labels that are not degrees (cartopy's gridliner writes degrees: a
    map in metres with its tick marks turned off), the labels are matplotlib's own tick
    labels, whose y ones are anchored at half their box's height above the baseline
    (``va='center_baseline'``): their ink sits a little below the tick, 2-2.5 px at 600 dpi.
    Labels drawn by another renderer are not matched and stay as they are (QGIS centres its
    annotations on their digits' ink)."""
    axes = [axis for axis in (reading.x_axis, reading.y_axis)
            if axis is not None and not axis.rotated and axis.placement == "outside" and
            _placed_by_centres(axis)]
    if not axes:
        return
    style = None
    for axis in axes:
        style = _labels_drawn_by_matplotlib(reader, _placed_by_centres(axis))
        if style is not None:
            break
    if style is None:
        return
    font = style.path.rsplit("/", 1)[-1]
    said = []
    for axis in axes:
        vertical = axis.side in ("left", "right")
        if vertical and axis.centre_offset is not None:
            continue  # measured by the labels above and below the frame
        for each in (axis, axis.opposite):
            if each is None or each.rotated or each.placement != "outside" or \
                    not _placed_by_centres(each):
                continue
            offsets = _label_ink_offsets(reader, each.labels, style)
            if len(offsets) < 2:
                continue
            # The anchor is the ink's centre less its offset from the box's centre.
            # cartopy's gridliner writes degrees and centres them (va='center'); matplotlib's
            # tick labels (on a panel, or numbers: metres) are centred on their baseline.
            tick_labels = panel or not each.degrees
            moves = {key: -((baseline_down if tick_labels else down) if vertical else right)
                     for key, (right, down, baseline_down) in offsets.items()}
            _refit_moved(each, moves)
            if vertical and not tick_labels:
                # Degrees beside a dark frame are cartopy's gridline labels or matplotlib's
                # own tick labels with their marks turned off: nothing drawn tells the two
                # apart, and the second anchoring puts the map this much lower.
                other = float(np.median([down - baseline_down
                                         for _, down, baseline_down in offsets.values()]))
                if abs(other) >= ANCHORING_DOUBT_PX:
                    reading.warnings.append(_anchoring_doubt(each.side, other))
            if vertical:
                each.centre_offset = float(np.median(list(moves.values())))
            said.append(f"{each.side} {min(moves.values()):+.2f}..{max(moves.values()):+.2f} px"
                        + (" (as tick labels)" if vertical and tick_labels else ""))
    if said:
        reading.messages.append(
            f"Labels with no tick marks or grid lines beside them, drawn by matplotlib in "
            f"{font} at {style.size64 / 64:.2f} px an em (their glyphs match to the last grey "
            f"level), moved from their ink's centre to where matplotlib anchors their text's "
            f"layout box (along each side, the "
            f"{'; '.join(said)}).")


#: Least difference (pixels) between the two ways degree labels beside a vertical side may be
#: anchored (:func:`_move_centres_by_their_font`) that is warned of.
ANCHORING_DOUBT_PX = 1.0


def _anchoring_doubt(side, shift) -> str:
    """The warning that degree labels on a ``side`` with neither tick marks nor grid lines
    were anchored as cartopy's gridline labels, and that matplotlib's tick labels with their
    marks turned off would put the map ``shift`` pixels lower (negative: higher)."""
    return (f"The {side} side's degree labels have neither tick marks nor grid lines beside "
            "them: they were placed as cartopy's gridline labels (their text's box centred on "
            "its parallel). If the figure is a plain matplotlib plot with its tick marks turned "
            "off, its labels are centred on their baseline instead, and the map lies "
            f"{abs(shift):.1f} px {'lower' if shift > 0 else 'higher'} than the GCPs put it: "
            "nothing drawn tells the two apart. Check the GCPs in the report, or give GCPS.")


def rows_without_tails(label) -> float:
    """The row (pixels) at the middle of a label's ink less its separators' tails: pieces
    standing wholly in the lower half of its tallest glyph's rows (a comma's tail below the
    baseline; a point, which reaches no lower than the digits) are left out.

    A label beside a vertical side is centred on its tick by its text's layout box, the same
    for every label of one font whatever its characters (matplotlib's ``center_baseline``),
    so its ink's middle is that much off the tick on every label alike: unless commas hang
    below some labels' or all labels' digits. '5,185,000' in Nimbus Sans at 300 dpi (digits 32
    px high, commas 5 px below them) put every y label 2.5 px low, and the map's GCPs 3.6 px
    off where the labels alone place them (sweep_auto_decode --wide seed 151 #1, no tick
    marks). A raised exponent ('10³') is kept, as a vertical bar's log labels were placed
    with it.
    """
    members = label.members
    if not members:
        return label.centre[1]
    tallest = max(members, key=lambda box: box[3] - box[1])
    middle = 0.5 * (tallest[1] + tallest[3])
    body = [box for box in members if box[1] < middle]
    return 0.5 * (min(box[1] for box in body) + max(box[3] for box in body))


def _inside_reading(reader, sides, names, owner, axis, outside):
    """An axis read from labels inside the frame when its outside sides gave no fit: along
    either side, inward (the one explaining more labels), else inline over the map. The
    outside reading is kept (its problem extended) when neither fits."""
    from dataclasses import replace

    reader.over_map_labels()
    best, pair = None, None
    for name in names:
        candidate = reader.read_side(replace(sides[name], inward=True), owner,
                                     cylindrical=axis == "y")
        if candidate.fit is not None and (best is None or len(candidate.kept) > len(best.kept)):
            best = candidate
        elif candidate.fit is None and candidate.pair_fit is not None and pair is None:
            pair = candidate
    if best is None:
        best = reader.inline_axis(axis)
    if best.fit is not None:
        return best
    outside.problem += f"; inside the frame: {best.problem}"
    if pair is not None and outside.pair_fit is None:
        # Two annotations inside along a side (QGIS's, a short side's): a pair, for the other
        # axis' scale to confirm (confirm_by_aspect) as a pair outside would be.
        pair.problem = f"{outside.problem} (inside: {pair.problem})"
        return pair
    return outside


def _placed_as_x(reader, sides, names, owner, outside, reading):
    """The y axis read inside the frame, as the x axis was, when its labels there fit too.

    A figure annotates both axes alike: GMT's ``MAP_FRAME_TYPE=inside`` writes every
    annotation inside the frame, and matplotlib's negative pads move both axes' labels in.
    Labels that fit beside the frame's outside then are someone else's: a colorbar's that
    was not found (GMT's psscale 0.5 in right of the map: '150', '100', '50' taken as the y
    axis' 15, 10, 5, which put the y axis 270-380 px off in silence). The inside reading is
    taken when its labels fit and are degrees exactly when the x axis' are; the outside one
    is kept when only it agrees with the x axis in that.

    Parameters
    ----------
    reader : _Reader
    sides : dict of Side
        The frame's sides (:func:`.ticks.box_sides`).
    names : tuple of str
        The y axis' sides ("left", "right").
    owner : tuple of int
        The frame's pixel box.
    outside : AxisReading
        The y axis as read outside the frame (fitted).
    reading : FigureReading
        With its x axis read inside the frame.

    Returns
    -------
    AxisReading
        The inside reading, else ``outside``; or two labels inside unconfirmed
        (``pair_fit``) when only they agree with the x axis.
    """
    from dataclasses import replace

    reader.over_map_labels()
    degrees = reading.x_axis.degrees
    best, pair = None, None
    for name in names:
        candidate = reader.read_side(replace(sides[name], inward=True), owner, cylindrical=True)
        if candidate.fit is not None and (best is None or len(candidate.kept) > len(best.kept)):
            best = candidate
        elif candidate.fit is None and candidate.pair_fit is not None and pair is None:
            pair = candidate
    if best is None and pair is not None and pair.degrees == degrees != outside.degrees:
        # Two labels inside that agree with the x axis, against labels outside that do not:
        # the pair, for the x axis' scale to confirm (confirm_by_aspect) or the axis refused.
        pair.problem = (f"{pair.problem}; the labels beside the {outside.side} side outside "
                        f"the frame fit, but {'are not' if degrees else 'are'} degrees as the "
                        "x axis' labels inside it are")
        return pair
    if best is None or (best.degrees != degrees and outside.degrees == degrees):
        return outside
    texts = ", ".join(repr(label.text) for label in outside.kept)
    reading.messages.append(
        f"The y axis' labels are read inside the frame along its {best.side} side, as the x "
        f"axis' are, not the labels beside its {outside.side} side outside it ({texts}): "
        "a figure writes both axes' labels alike.")
    return best


def _read_class_legend(reader, legend, want_values=True):
    """The labels of a legend's class patches read, and the class boundaries they give
    (:func:`.class_legend.class_boundaries`); the reading's ``axis.problem`` says why not."""
    from .class_legend import class_boundaries, label_boxes
    from .ocr import read_class_label

    axis = AxisReading("right", [])
    reading = ColorbarReading(axis)
    boxes = label_boxes(legend, reader.labels)
    # Every piece of text beside the patches is the legend's, never an axis' label.
    for label in reader.labels:
        if any(box is not None and _holds(box, label.box()) for box in boxes):
            reader.claimed.add(label.box())
    if not want_values:
        return reading
    if legend.columns > 1 and not legend.column_sizes:
        axis.problem = ("its columns could not be put together as one legend's (patches "
                        "of one column at another pitch, columns overlapping, or neighbouring "
                        "classes of one colour)")
        return reading
    missing = sum(box is None for box in boxes)
    if missing:
        axis.problem = (f"{missing} of the legend's {len(boxes)} class patches have no label "
                        "beside them")
        reading.unlabelled_patches = missing
        return reading
    background = float(np.median(luminance(legend.background[None, None, :].astype(np.uint8))))
    texts = []
    for box in boxes:
        if reader.progress is not None and reader.progress(reader.fraction):
            raise InterruptedError("Cancelled.")
        text, _ = read_class_label(crop_label(reader.lum, box, background))
        texts.append(text)
    legend.texts, legend.label_boxes = texts, boxes
    try:
        levels, low_first, notes = class_boundaries(texts)
    except ValueError as error:
        axis.problem = (f"the legend's class labels ({', '.join(repr(t) for t in texts)}) "
                        f"give no class boundaries: {error}")
        return reading
    if len(levels) - 1 != len(boxes):
        axis.problem = (f"the legend's labels ({', '.join(repr(t) for t in texts)}) give "
                        f"{len(levels) - 1} classes for its {len(boxes)} patches")
        return reading
    reading.levels, reading.class_notes = levels, notes
    legend.low_first = low_first
    reading.vmin, reading.vmax = levels[0], levels[-1]
    # Low end at the top (the first patch the lowest class): a vertical bar's 'flip'.
    reading.flip = low_first
    return reading


def _apply_bar_offset(axis, offset) -> bool:
    """A colorbar's labels and fit taken with matplotlib's offset text: a signed number
    ('+1.2e4', '-3e2') is added to every label, an unsigned one ('1e-5') multiplies them.
    False (nothing changed) when the text is no whole number ('e-5').

    Parameters
    ----------
    axis : AxisReading
        The bar's labels and linear fit (value = slope · pixel + offset), changed in place.
    offset : str
        The text as read, normalised, no spaces.
    """
    terms = offset_text_terms(offset)
    if terms is None:
        return False
    factor, shift = terms
    _shift_labels(axis, factor, shift)
    return True


def _shift_labels(axis, factor, shift) -> None:
    """An axis' labels and linear fit taken as ``label × factor + shift`` (in place)."""
    for label in axis.labels:
        if label.value is not None:
            label.value = float(label.value) * factor + shift
    axis.fit = dataclasses.replace(axis.fit, slope=axis.fit.slope * factor,
                                   offset=axis.fit.offset * factor + shift)


def _take_axis_offset_text(best, text, name, messages) -> None:
    """A map axis' labels taken with matplotlib's offset text at its end (``text``, "" for
    none): a power of ten ('1e6') becomes the axis' multiplier, a signed number ('+5.15e6')
    is added to the labels (divided by the multiplier, which the answer applies to them).

    An offset the labels alone missed put a map 100 m across at northing 0-100 (the equator)
    instead of 5150000-5150100, its GCPs fitting perfectly, in silence. A text that looks like
    an offset but is not read whole ('+5.15e'), or an offset on labels not on a line (a
    projection's latitudes, a logarithmic axis), leaves the axis refused (GCPS).

    Parameters
    ----------
    best : AxisReading
        The axis' reading, changed in place.
    text : str
        The offset text as read (:meth:`_Reader.axis_offset_text`).
    name : str
        "x" or "y", for the messages.
    messages : list of str
        The reading's messages, appended to.
    """
    if not text:
        return
    terms = offset_text_terms(text)
    if terms is not None and terms[1] and (best.fit.logarithmic or
                                           best.fit.projection is not None):
        terms = None
    if terms is None:
        best.fit = None
        best.problem = (f"its labels are written relative to the text {text!r} at the axis' "
                        f"end (matplotlib's offset or multiplier), which was not read whole")
        return
    factor, shift = terms
    best.multiplier = factor
    if shift:
        _shift_labels(best, 1.0, shift / factor)
        messages.append(f"The {name} axis labels are written relative to the text {text!r} at "
                        f"the axis' end (matplotlib's offset): {shift:+g} is added to their "
                        f"values{f' multiplied by {factor:g}' if factor != 1.0 else ''}.")
    elif factor != 1.0:
        messages.append(f"The {name} axis labels are multiplied by {factor:g} (the "
                        f"'{text}' written at the axis' end).")


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
    unrounded = ""
    if axis.unrounded_step is not None:
        step = axis.unrounded_step
        interval = f"{step * 60:g}′" if step < 1 and abs(step * 60 - round(step * 60)) < 1e-6 \
            else f"{step * 3600:g}″" if step < 1 / 60 else f"{step:g}°"
        unrounded = (f" The labels are rounded: they are multiples of {interval} written with "
                     f"fewer decimals, and each is taken at its exact value.")
    return (f"{what} ({where}{turned}): {len(axis.kept)} of {len(axis.labels)} labels kept, "
            f"{'logarithmic' if fit.logarithmic else 'linear'} fit, residuals RMS "
            f"{fit.rmse_px:.2f} px, max {fit.max_residual_px:.2f} px. Labels (text→value@pixel): "
            f"{read}.{unrounded}")


def require_ocr() -> None:
    """Raise :class:`EngineError` with install advice when OCR is unavailable."""
    from .ocr import INSTALL_HINT, ocr_available

    if not ocr_available():
        raise EngineError(INSTALL_HINT, parameter="INPUT")


__all__ = ["read_figure_face", "FigureReading", "AxisReading", "ColorbarReading",
           "describe_axis", "OcrUnavailable", "require_ocr"]
