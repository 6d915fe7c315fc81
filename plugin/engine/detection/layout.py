"""A figure's layout: its map frame and its colorbar, found from the pixels alone."""
from dataclasses import dataclass, field
from typing import Optional

import numpy as np

from ..cancellation import check as check_cancelled
from ..text_format import numbers_text
from .class_legend import find_class_patches
from .colorbar import ColorbarDetection, _overlap_share, find_colorbars
from .frame import MIN_FRAME_SHARE, FrameDetection, find_frame, find_panel
from .lines import dark_mask, find_rectangles, luminance, page_luminance, with_split_lines

#: Pixels around a colorbar box also left out of the decoding: its outline and tick marks.
COLORBAR_EXCLUSION_MARGIN = 3
#: Pixels around text read over the map also left out when its box is left out whole
#: (anti-aliased edges, a thin halo).
OVER_MAP_TEXT_MARGIN = 3
#: Pixels (chessboard) around a label's own ink over the map also left out: its strokes'
#: anti-aliased edges, blends of black and the map's colour, and a JPEG's ringing beside them.
TEXT_INK_HALO = 1
#: A label whose ink found over the map covers less of its box than this share is left out
#: whole: its glyphs were not told from the map (text over the colormap's dark end).
TEXT_INK_MIN_SHARE = 0.05
#: RGB distance (0-441) from every colour of the map round a label beyond which a pixel beside
#: the label's ink is of none of them: a box or buffer drawn behind the text (a smooth field's
#: colours under a label lie among those round it)...
TEXT_BUFFER_DISTANCE = 40.0
#: ...and the share of the label's pixels off its ink that such pixels must reach for the
#: label to be left out whole (a buffer is no data, and its colour may be the map's).
TEXT_BUFFER_SHARE = 0.05


@dataclass
class Layout:
    """Where the map and the colorbar are on a figure.

    Attributes
    ----------
    frame : FrameDetection or None
    colorbar : ColorbarDetection or None
        The most colourful bar found (others in ``other_colorbars``).
    page_rgb : ndarray of float (3,)
        The page colour (median of the image's border).
    rectangles : list of lines.Rectangle
        Every box closed by dark lines, for reports.
    max_thickness : int
        Thickest line expected, pixels (scales with the figure's size).
    """

    frame: Optional[FrameDetection]
    colorbar: Optional[ColorbarDetection]
    page_rgb: np.ndarray
    rectangles: list = field(default_factory=list)
    other_colorbars: list = field(default_factory=list)
    max_thickness: int = 4
    dark: np.ndarray = None
    #: Pixels to add to a line's centre (frame, colorbar outline, tick marks) for where the
    #: renderer meant it: -0.5 for crisp one-pixel lines, which Agg (matplotlib) snaps to
    #: the pixel centre after rounding to the nearest pixel edge (half a pixel late on average);
    #: 0 for anti-aliased or thicker lines, whose centres are unbiased.
    snap_offset: float = 0.0
    #: The named colormap recognised in the colorbar (colormap_match.RecognisedColormap).
    recognised: object = None
    #: The colorbar's tick fit (ticks.TickFit) when its labels were read.
    bar_fit: object = None
    #: Every label read (figure_reading.FigureReading), when labels were read.
    reading: object = None
    #: The legend box (col0, row0, col1, row1) holding a colorbar drawn inside the map frame
    #: or dropped across one of its sides (QGIS print layouts): its background, title and
    #: labels are no data.
    legend_box: Optional[tuple] = None
    #: Pixel boxes (col0, row0, col1, row1) of text read over the map inside the frame: a
    #: colorbar straight on the map with its ticks and labels, axis labels inside the frame or
    #: inline at their grid lines. Left out of the decoding (text is no data).
    over_map_text: list = field(default_factory=list)
    #: The labels of a colorbar straight on the map were read: their box is in
    #: ``over_map_text``, so no wide margin is guessed around the bar.
    bar_labels_read: bool = False
    #: Those of ``over_map_text`` left out whole (the bar straight on the map with its labels).
    over_map_solid: list = field(default_factory=list)
    #: The ink found over the map (figure_reading.FigureReading.over_map_ink): which pixels of
    #: the boxes of ``over_map_text`` are the text's own.
    over_map_ink: tuple = None
    #: The figure's luma (lines.luminance), computed once for the whole figure and handed on
    #: to the reading of its labels (figure_reading.read_figure_face takes it and lets it go).
    lum: np.ndarray = None
    #: A legend of class patches (class_legend.ClassLegend) found instead of a colour ramp:
    #: ``colorbar`` is then the column of its patches.
    class_legend: object = None
    #: Pixel boxes (col0, row0, col1, row1) of the figure's other map panels (a figure of
    #: several maps, each framed): ``frame`` is one of them, ``colorbar`` the one beside it.
    other_panels: list = field(default_factory=list)

    def colorbar_exclusion_margin(self) -> int:
        """Pixels around the colorbar left out of the decoding: its outline and ticks; with no
        frame found, its tick labels too (about twice the bar's width beside it)."""
        if self.colorbar is None:
            return 0
        if self.bar_labels_read or self.frame is not None and (self.legend_box is not None
                                       or not _inside(self.colorbar.box, self.frame.box, 0.0)):
            return COLORBAR_EXCLUSION_MARGIN
        left, top, right, bottom = self.colorbar.box
        return int(max(COLORBAR_EXCLUSION_MARGIN, 2.5 * min(right - left, bottom - top)))

    def excluded_boxes(self) -> list:
        """(pixel box, margin) pairs left out of the decoding: the colorbar with its outline,
        ticks (and labels, when nothing bounds them), a legend box holding it, and text read
        over the map."""
        boxes = []
        if self.colorbar is not None:
            boxes.append((self.colorbar.pixel_box(), self.colorbar_exclusion_margin()))
        if self.legend_box is not None:
            boxes.append((self.legend_box, 1))
        boxes += [(box, OVER_MAP_TEXT_MARGIN) for box in self.over_map_text
                  if box in self.over_map_solid]
        return boxes

    def text_mask(self, rgb) -> np.ndarray:
        """The pixels of the text read over the map (``over_map_text`` but the boxes left out
        whole), left out of the decoding: each label's own ink grown by :data:`TEXT_INK_HALO`,
        or its box grown by :data:`OVER_MAP_TEXT_MARGIN` where its ink cannot stand for it.

        A native grid's cell under a label is then read from its pixels between the glyphs
        and beside them, where a box would have emptied it.

        Parameters
        ----------
        rgb : ndarray of uint8 (rows, cols, 3)
            The figure.

        Returns
        -------
        ndarray of bool (rows, cols)
        """
        mask = np.zeros(rgb.shape[:2], bool)
        # A label read for two axes or as text too is listed again: its pixels found once.
        for box in dict.fromkeys(tuple(box) for box in self.over_map_text):
            if box in self.over_map_solid:
                continue
            ink = label_ink(rgb, box, self.over_map_ink)
            col0, row0, col1, row1 = (int(np.floor(box[0])) - OVER_MAP_TEXT_MARGIN,
                                      int(np.floor(box[1])) - OVER_MAP_TEXT_MARGIN,
                                      int(np.ceil(box[2])) + OVER_MAP_TEXT_MARGIN,
                                      int(np.ceil(box[3])) + OVER_MAP_TEXT_MARGIN)
            col0, row0 = max(col0, 0), max(row0, 0)
            if ink is None:
                mask[row0:row1, col0:col1] = True
            else:
                region = mask[row0:row1, col0:col1]
                region |= ink[:region.shape[0], :region.shape[1]]
        return mask


def label_ink(rgb, box, over_map_ink) -> Optional[np.ndarray]:
    """A label's own pixels over the map: its ink grown by :data:`TEXT_INK_HALO`, in its box
    grown by :data:`OVER_MAP_TEXT_MARGIN`; None when the ink cannot stand for the label.

    The ink is :func:`.text.ink_over_map`'s (dark strokes of the map's hue), which misses
    text over the colormap's dark end (too little ink in the box) and boxes or buffers drawn
    behind text (pixels off the ink of colours not round the label): such a label is left
    out whole, as its box.

    Parameters
    ----------
    rgb : ndarray of uint8 (rows, cols, 3)
        The figure.
    box : tuple (col0, row0, col1, row1)
        The label's box, pixels.
    over_map_ink : tuple (ndarray of bool, (col0, row0)) or None
        The ink over the map and its origin.

    Returns
    -------
    ndarray of bool or None
        The label's pixels in its grown box (clipped to the figure at the top and left).
    """
    from scipy import ndimage

    if over_map_ink is None:
        return None
    ink, (ink_col0, ink_row0) = over_map_ink
    margin = OVER_MAP_TEXT_MARGIN
    rows, cols = rgb.shape[:2]
    col0, row0 = max(int(np.floor(box[0])) - margin, 0), max(int(np.floor(box[1])) - margin, 0)
    col1 = min(int(np.ceil(box[2])) + margin, cols)
    row1 = min(int(np.ceil(box[3])) + margin, rows)
    if col1 <= col0 or row1 <= row0:
        return None
    # The region's ink; beyond the ink's extent (the frame's lines and outside) nothing.
    found = np.zeros((row1 - row0, col1 - col0), bool)
    a0, a1 = max(row0, ink_row0), min(row1, ink_row0 + ink.shape[0])
    b0, b1 = max(col0, ink_col0), min(col1, ink_col0 + ink.shape[1])
    if a1 > a0 and b1 > b0:
        found[a0 - row0:a1 - row0, b0 - col0:b1 - col0] = \
            ink[a0 - ink_row0:a1 - ink_row0, b0 - ink_col0:b1 - ink_col0]
    inner = found[int(np.floor(box[1])) - row0:int(np.ceil(box[3])) - row0,
                  int(np.floor(box[0])) - col0:int(np.ceil(box[2])) - col0]
    area = max((box[2] - box[0]) * (box[3] - box[1]), 1.0)
    if inner.sum() < TEXT_INK_MIN_SHARE * area:
        return None
    # Strokes over the map's darker colours that the ink finder missed (too little contrast
    # there) are as dark as the strokes it found: every pixel so dark is taken too.
    value = rgb[row0:row1, col0:col1].max(axis=2)
    found |= value <= np.percentile(value[found], 90)
    grown = ndimage.binary_dilation(found, structure=np.ones((3, 3), bool),
                                    iterations=TEXT_INK_HALO)
    # The map round the label: a ring of the margin's width beyond its grown box.
    r0, c0 = max(row0 - margin, 0), max(col0 - margin, 0)
    around = rgb[r0:row1 + margin, c0:col1 + margin].astype(np.float32)
    ring = np.ones(around.shape[:2], bool)
    top, left = row0 - r0, col0 - c0
    ring[top:top + found.shape[0], left:left + found.shape[1]] = False
    if not ring.any():
        return None
    beside = around[top:top + found.shape[0], left:left + found.shape[1]][~grown]
    colours = np.unique(np.round(around[ring] / 4.0), axis=0) * 4.0
    nearest = np.full(len(beside), np.inf, np.float32)
    for start in range(0, len(colours), 256):
        # The squared distances to a block of the ring's colours at a time.
        block = colours[start:start + 256]
        nearest = np.minimum(nearest, ((beside[:, None, :] - block[None]) ** 2).sum(axis=2)
                             .min(axis=1))
    if (nearest > TEXT_BUFFER_DISTANCE ** 2).sum() > TEXT_BUFFER_SHARE * max(len(beside), 1):
        return None
    return grown


def detect_layout(rgb, plot_box=None) -> "Layout":
    """Find the map frame and the colorbar of a figure.

    On a figure of several framed maps (panels), the frame is the largest one, or the one
    holding ``plot_box``, and the colorbar the one beside it (nearer it than any other panel):
    a figure's panels often share a colormap over different ranges, and a bar read for the
    wrong panel decodes it silently wrong.

    Parameters
    ----------
    rgb : ndarray of uint8 (rows, cols, 3)
    plot_box : tuple (col0, row0, col1, row1), optional
        The plot area the user gave (PLOT_AREA), pixels: the frame is then the smallest
        frame found holding it (the panel chosen, or the map around a part of it).

    Returns
    -------
    Layout
        ``frame`` and ``colorbar`` are None when not found.
    """
    rows, cols = rgb.shape[:2]
    lum = luminance(rgb)
    page = page_luminance(lum)
    if page < 128:
        # A dark page (matplotlib's dark_background, slides): its lines and text are light.
        # Its luma turned over, they are dark ink on a light page, as the frame, tick and
        # label finders and the OCR expect (the colours, which the colorbar is found and
        # sampled by, stay as they are).
        np.subtract(255.0, lum, out=lum)  # in place: no second figure-sized copy
        page = 255.0 - page
    border = np.concatenate([rgb[0], rgb[-1], rgb[:, 0], rgb[:, -1]])
    page_rgb = np.median(border, axis=0)
    dark = dark_mask(lum, page)
    max_thickness = max(4, int(round(0.01 * min(rows, cols))))
    min_side = max(30, int(0.05 * min(rows, cols)))
    # Each step takes seconds on a figure of ten megapixels: the job's cancellation between.
    check_cancelled()
    rectangles = find_rectangles(dark, min_side=min_side, max_thickness=max_thickness)
    check_cancelled()
    colorbars = find_colorbars(rgb, rectangles, page_rgb, dark=dark, max_thickness=max_thickness)
    check_cancelled()
    frame = None
    if plot_box is not None:
        # The smallest box holding the given plot area: the panel the user chose.
        holding = sorted((box for box in rectangles
                          if box.area >= MIN_FRAME_SHARE * rows * cols
                          and _inside(plot_box, box.as_tuple(), max_thickness + 2)),
                         key=lambda box: box.area)
        if holding:
            frame = find_frame(dark, holding, [bar.box for bar in colorbars], max_thickness,
                               lum)
    if frame is None:
        frame = find_frame(dark, rectangles, [bar.box for bar in colorbars], max_thickness,
                           lum)
    check_cancelled()
    if frame is None and len(colorbars) > 1:
        # A narrow map whose colours run along it (a tall strip of a latitude-banded field)
        # is a colorbar candidate too, and was left out as the frame. Beside the bar chosen
        # (the most colourful), a candidate far thicker than it is the map, no second bar.
        thickness = _thickness(colorbars[0].box)
        maps = [bar.box for bar in colorbars[1:]
                if _thickness(bar.box) >= MAP_OVER_BAR_THICKNESS * thickness
                and _length(bar.box) <= MAP_MAX_ELONGATION * _thickness(bar.box)]
        if maps:
            frame = find_frame(dark, rectangles,
                               [bar.box for bar in colorbars if bar.box not in maps],
                               max_thickness, lum)
    map_around = frame is not None and frame.kind == "plain" and \
        _map_around(rgb, page_rgb, frame.box, max_thickness, [bar.box for bar in colorbars])
    # A box round a colorbar, with no map round it, may be a legend's beside the map when the
    # map's own frame line was not found (a QGIS map item with a hairline frame, or none,
    # over dark colours at 96 dpi): a filled rectangle twice its size clear of it is the map.
    legend_like = frame is not None and frame.kind == "plain" and not map_around and \
        any(_inside(bar.box, frame.box, 0.0) for bar in colorbars)
    if legend_like:
        # A legend's box, page inside but for its bar and text, larger than the map beside it
        # (a QGIS layout's strip of a map, 566 x 84 px, over a 299 x 171 px legend): the
        # map's own box, filled with its colours, is the frame, however much smaller.
        beside = _filled_map_beside(rgb, page_rgb, dark, lum, rectangles, frame.box,
                                    [bar.box for bar in colorbars], max_thickness)
        if beside is not None:
            frame, legend_like = beside, False
    if frame is None or map_around or legend_like:
        # A frame side drawn as a hairline between two pixels, neither dark (QGIS's map item
        # at 96 dpi): the box it closes, found with such pairs as lines, holds the box taken
        # (a legend's inside the map) or stands where none was. Looked for here only: on
        # colorbars' outlines the pairs moved bars found right (GMT's, 0.5 -> 2.1 px).
        split = find_frame(dark, find_rectangles(with_split_lines(dark, lum, page),
                                                 min_side=min_side,
                                                 max_thickness=max_thickness),
                           [bar.box for bar in colorbars], max_thickness, lum)
        if split is not None and split.kind == "plain" and \
                not _map_around(rgb, page_rgb, split.box, max_thickness,
                                [bar.box for bar in colorbars]) and \
                (frame is None or _inside(frame.box, split.box, max_thickness)
                 and _area(split.box) >= PANEL_OVER_BOX * _area(frame.box)):
            frame, map_around, legend_like = split, False, False
    if frame is None or map_around or legend_like:
        # No box closed by dark lines, or one with the map's colours all around it (a
        # stretch of dark data between light grid lines): a plot area drawn by a style with
        # no dark spines (matplotlib's ggplot, seaborn, bmh) is the map's filled rectangle.
        panel = find_panel(rgb, page_rgb, [bar.box for bar in colorbars], max_thickness,
                           [box.as_tuple() for box in rectangles])
        if legend_like and panel is not None and (_area(panel.box) < 2 * _area(frame.box)
                                                  or _overlap_share(frame.box, panel.box) > 0):
            panel = None
        # The panel replaces a box it holds that is clearly smaller (a stretch of dark data
        # beside the panel's own colour where data is missing: bmh's grey NaN region left
        # the dark data a box of 60 % of the map), or any box twice smaller, or a band of
        # the map across it (sharing two opposite sides with it).
        if panel is not None and (frame is None or _area(panel.box) >= 2 * _area(frame.box)
                                  or (_inside(frame.box, panel.box, max_thickness)
                                      and _area(panel.box) >= PANEL_OVER_BOX * _area(frame.box))
                                  or _band_across(frame.box, panel.box, max_thickness + 2)):
            frame = panel
    if frame is not None:
        # A colorbar is beside the map or on a legend inside it, never the map itself nor a
        # strip of the map cut off by grid lines (such a strip shares the frame's sides).
        # Nor one mostly on the map that runs on beyond its frame: a strip of the map between
        # a style's white grid lines, continued over the ticks and labels of a panel with no
        # frame line to stop it (ggplot, seaborn); a bar beside the map is outside the frame,
        # one on a legend wholly inside it.
        colorbars = [bar for bar in colorbars if not _same_box(bar.box, frame.box)
                     and not (_inside(bar.box, frame.box, max_thickness)
                              and _shared_sides(bar.box, frame.box, max_thickness + 2) >= 1)
                     and not (_overlap_share(bar.box, frame.box) >= MAP_STRIP_SHARE
                              and not _inside(bar.box, frame.box, max_thickness))]
        other_panels = find_other_panels(rectangles, frame.box, [bar.box for bar in colorbars],
                                         max_thickness + 2)
        colorbars = own_colorbars_first(colorbars, frame.box, other_panels)
    else:
        other_panels = []
    if frame is not None and (not colorbars or _inside(colorbars[0].box, frame.box, 0.0)):
        # A bar straight on the map: dark colours of the map next to its outline hide the
        # outline from the page's luma; the ink drawn over the map shows it.
        on_map = colorbars_over_map(rgb, frame, page_rgb, max_thickness)
        # Its four outline lines confirm the bar: it replaces a box found on the same bar by
        # the page's luma (cut short where the outline ran along dark colours, or a strip
        # run on into the map's own colour beyond its end). Not a box whose outline stands on
        # a plain background all round (a legend's, QGIS's): the page's luma sees that
        # outline as it sees a bar's beside the map, while the ink over the map loses it
        # where the bar's own end is as dark (Inferno's, Magma's black: the end found a
        # line's width to 4 px short, the colormap not recognised).
        if on_map and (not colorbars or _overlap_share(colorbars[0].box, on_map[0].box) > 0.5
                       and not _on_plain_background(rgb, lum, dark, colorbars[0].box,
                                                    max_thickness)):
            colorbars = on_map + [bar for bar in colorbars
                                  if not _overlap_share(bar.box, on_map[0].box) > 0.5]
    if colorbars:
        colorbars[0] = _outlined_end_past_page(rgb, page_rgb, lum, page, colorbars[0],
                                               max_thickness)
    class_legend = None
    if not colorbars or frame is not None and _inside(colorbars[0].box, frame.box, 0.0):
        # No ramp beside the map: a legend of one patch a class (QGIS's classified layers)
        # is the scale, rather than a strip of the map shaped and coloured like a bar.
        class_legend = find_class_patches(rgb, dark)
        if class_legend is not None and colorbars and \
                _overlap_share(colorbars[0].box, class_legend.box) > 0:
            class_legend = None  # a ramp drawn in steps (a bar), no column of patches
        if class_legend is not None:
            colorbars = [_patch_column(rgb, class_legend)]
    snap_offset = _snap_offset(lum, page, frame.box) if frame is not None else 0.0
    layout = Layout(frame, colorbars[0] if colorbars else None, page_rgb, rectangles,
                    colorbars[1:], max_thickness, dark, snap_offset, lum=lum,
                    class_legend=class_legend, other_panels=other_panels)
    if layout.colorbar is not None and frame is not None and \
            _inside(layout.colorbar.box, frame.box, 0.0):
        layout.legend_box = find_legend_box(rgb, rectangles, layout.colorbar.box, frame.box,
                                            max_thickness)
    return layout


#: A box closed by dark lines, clear of the frame and at least this share of its area, is
#: another map panel (a figure of several maps). A scale bar's or a title's box is smaller.
OTHER_PANEL_SHARE = 0.25


def find_other_panels(rectangles, frame_box, colorbar_boxes, tolerance) -> list:
    """The figure's other map panels: boxes closed by dark lines beside the frame.

    Parameters
    ----------
    rectangles : list of lines.Rectangle
        Every box closed by dark lines, largest first.
    frame_box : tuple (left, top, right, bottom)
        The map frame chosen, pixels.
    colorbar_boxes : sequence of tuple
        Colorbars found: neither a bar's outline nor a legend's box round a bar is a panel.
    tolerance : float
        Pixels within which two boxes are one (a line's thickness).

    Returns
    -------
    list of tuple (left, top, right, bottom)
        Boxes of at least :data:`OTHER_PANEL_SHARE` of the frame's area that do not overlap
        it (an inset map on it, the page's border round it and a fancy frame's other line
        do), one per panel (a double line's nested boxes once).
    """
    panels = []
    for rectangle in rectangles:
        box = rectangle.as_tuple()
        if _area(box) < OTHER_PANEL_SHARE * _area(frame_box) or \
                _overlap_share(box, frame_box) > 0:
            continue
        if any(_same_box(box, bar, tolerance) or _inside(bar, box, 0.0)
               for bar in colorbar_boxes):
            continue
        if any(_inside(box, panel, tolerance) or _inside(panel, box, tolerance)
               for panel in panels):
            continue
        panels.append(box)
    return panels


def _gap(a, b):
    """Pixels between two boxes (0 when they touch or overlap)."""
    across = max(0.0, max(a[0], b[0]) - min(a[2], b[2]))
    down = max(0.0, max(a[1], b[1]) - min(a[3], b[3]))
    return float(np.hypot(across, down))


def own_colorbars_first(colorbars, frame_box, other_panels) -> list:
    """The colorbars nearer the frame than any other panel first, each group in its order.

    A figure of several maps often draws each with its own bar, one colormap over different
    ranges: the most colourful bar (the first) may be another panel's. A bar nearer no panel
    than the frame (a bar shared by the panels, drawn beside the last one) stays where it is
    when no bar is the frame's own.
    """
    if not other_panels or len(colorbars) < 2:
        return colorbars
    own = [bar for bar in colorbars
           if _gap(bar.box, frame_box) < min(_gap(bar.box, panel) for panel in other_panels)]
    owned = {id(bar) for bar in own}
    return own + [bar for bar in colorbars if id(bar) not in owned]


def _patch_column(rgb, legend):
    """The column of a legend's class patches as the figure's colorbar (its box, for what is
    left out of the decoding and for the report)."""
    from ..colour_decoding import srgb_to_lab

    lab = srgb_to_lab(np.asarray(legend.colours, float) / 255.0)
    path = float(np.linalg.norm(np.diff(lab, axis=0), axis=1).sum())
    return ColorbarDetection(tuple(float(v) for v in legend.box), True, path, 0.0,
                             line_edges=(False,) * 4)


#: Share of a colorbar candidate's area inside the frame beyond which, running on beyond the
#: frame, it is a strip of the map.
MAP_STRIP_SHARE = 0.8
#: A panel holding a box closed by dark lines that has the map's colours outside a side
#: replaces it when this much larger.
PANEL_OVER_BOX = 1.2
#: Share of the pixels just outside one of a frame's sides unlike the page above which the
#: frame is taken to lie within the map (outside a real frame is page, but for its ticks and
#: labels).
MAP_AROUND_SHARE = 0.7


#: Share of a box's inside (its bars left out) unlike the page below which it is a legend's
#: box (text and a bar on the page: 5-15 % ink), and above which a box beside it is a map
#: filled with its colours (missing data may leave some of it page).
LEGEND_INK_SHARE = 0.3
MAP_FILL_SHARE = 0.6


def _unlike_page_share(rgb, page_rgb, box, bar_boxes, margin) -> float:
    """Share of a box's inside (``margin`` px in from its lines), the colorbars' pixels left
    out, whose colour is unlike the page's (by more than :data:`.frame.PANEL_CONTRAST` in a
    channel); 1.0 when nothing is left."""
    from .frame import PANEL_CONTRAST

    rows, cols = rgb.shape[:2]
    c0, r0 = max(int(np.ceil(box[0])) + margin, 0), max(int(np.ceil(box[1])) + margin, 0)
    c1, r1 = min(int(np.floor(box[2])) - margin, cols), min(int(np.floor(box[3])) - margin, rows)
    if c1 <= c0 or r1 <= r0:
        return 1.0
    unlike = np.abs(rgb[r0:r1, c0:c1].astype(np.float32)
                    - np.asarray(page_rgb, np.float32)).max(axis=2) > PANEL_CONTRAST
    counted = np.ones(unlike.shape, bool)
    for bar in bar_boxes:
        b0 = max(int(np.floor(bar[0])) - margin - c0, 0)
        b1 = max(int(np.floor(bar[1])) - margin - r0, 0)
        b2, b3 = int(np.ceil(bar[2])) + margin - c0, int(np.ceil(bar[3])) + margin - r0
        counted[b1:max(b3, b1), b0:max(b2, b0)] = False
    if not counted.any():
        return 1.0
    return float(unlike[counted].mean())


def _filled_map_beside(rgb, page_rgb, dark, lum, rectangles, legend_box, bar_boxes,
                       max_thickness):
    """The map's frame beside a legend's box taken for it, or None.

    The legend's box (a box round a colorbar with no map around it) is mostly page inside
    (under :data:`LEGEND_INK_SHARE` of its pixels, its bars left out, unlike the page); the
    map is the box :func:`.frame.find_frame` takes among those clear of it, when its inside is
    mostly the map's colours (over :data:`MAP_FILL_SHARE`; a map whose colours run along it
    may be a colorbar candidate too: only the legend's own bars are left out) and the page is
    round it (:func:`_map_around`: a box of the map's own colours between grid lines is no
    frame). A figure whose legend box is larger than the map kept the legend as the frame:
    the map's labels beside it were read as its axes, and only their want of a second pair
    refused the GCPs.
    """
    margin = max_thickness + 1
    # The legend's own bars; a candidate outside it may be the map itself (a strip of a map
    # whose colours run along it is a colorbar candidate too).
    held = [bar for bar in bar_boxes if _inside(bar, legend_box, 0.0)]
    if _unlike_page_share(rgb, page_rgb, legend_box, held, margin) >= LEGEND_INK_SHARE:
        return None
    others = [box for box in rectangles if _overlap_share(box.as_tuple(), legend_box) == 0]
    found = find_frame(dark, others, held, max_thickness, lum)
    if found is None or found.kind != "plain" or \
            _unlike_page_share(rgb, page_rgb, found.box, (), margin) <= MAP_FILL_SHARE or \
            _map_around(rgb, page_rgb, found.box, max_thickness, held):
        return None
    return found


#: A second colorbar candidate this many times thicker (its short side) than the bar chosen
#: is the map, when no other frame was found: figures give their bars one thickness, and a
#: map is rarely 4 times narrower than tall...
MAP_OVER_BAR_THICKNESS = 3.0
#: ... when it is no more than this many times longer than thick: a bar of the usual
#: proportions (10-20 times) beside a thin strip of the map taken for the bar (a 600 dpi
#: figure's top edge, 7 px by 2400) stays a bar.
MAP_MAX_ELONGATION = 8.0


def _thickness(box):
    """A box's short side, pixels."""
    return min(box[2] - box[0], box[3] - box[1])


def _length(box):
    """A box's long side, pixels."""
    return max(box[2] - box[0], box[3] - box[1])


def _map_around(rgb, page_rgb, box, max_thickness, colorbar_boxes=()) -> bool:
    """Whether the pixels just outside one of a box's sides (a line ``2 · max_thickness + 3``
    px out, the side's middle 80 %) are mostly unlike the page: the box is then a stretch
    of a map (dark data between light grid lines), not its frame.

    The pixels of the colorbars found (``colorbar_boxes``, grown by ``max_thickness``) are
    left out of those lines: a bar drawn close beside the map (matplotlib's ``colorbar(pad=
    0.01)``, 4-8 px out at 60-100 dpi) stands where the line runs, and its colours are the
    bar's, not the map going on. A line that is mostly bar says nothing.
    """
    from .frame import PANEL_CONTRAST

    rows, cols = rgb.shape[:2]
    reach = 2 * max_thickness + 3
    left, top, right, bottom = box
    width, height = right - left, bottom - top
    c0, c1 = int(left + 0.1 * width), int(right - 0.1 * width)
    r0, r1 = int(top + 0.1 * height), int(bottom - 0.1 * height)
    page = np.asarray(page_rgb, np.float32)
    lines = (("row", int(np.floor(top)) - reach), ("row", int(np.ceil(bottom)) + reach),
             ("col", int(np.floor(left)) - reach), ("col", int(np.ceil(right)) + reach))
    for kind, at in lines:
        if kind == "row" and 0 <= at < rows and c1 > c0:
            pixels, along, across = rgb[at, c0:c1], np.arange(c0, c1), (1, 3)
        elif kind == "col" and 0 <= at < cols and r1 > r0:
            pixels, along, across = rgb[r0:r1, at], np.arange(r0, r1), (0, 2)
        else:
            continue
        keep = np.ones(along.size, bool)
        for bar in colorbar_boxes:
            # (bar's extent along the line, bar's extent across it), grown by a line's width.
            lo, hi = (bar[0], bar[2]) if kind == "row" else (bar[1], bar[3])
            first, last = (bar[across[0]], bar[across[1]])
            if first - max_thickness <= at <= last + max_thickness:
                keep &= (along < lo - max_thickness) | (along > hi + max_thickness)
        if keep.sum() < 0.5 * keep.size:
            continue
        unlike = np.abs(pixels[keep].astype(np.float32) - page).max(axis=1) > PANEL_CONTRAST
        if float(unlike.mean()) > MAP_AROUND_SHARE:
            return True
    return False


def _outlined_end_past_page(rgb, page_rgb, lum, page, bar, max_thickness):
    """The bar with an end moved in to its outline where the bar found ran on over the page
    to a line beyond it: a QGIS legend's ramp whose pale end (YlGnBu's, Blues') was taken on
    through the legend's white padding to the legend's frame line, the ramp's own thin grey
    outline between them left behind (seed 36 #7: the bar 11 px long at its pale end, its
    colours sampled off by 4 %, 30.8 % of the map right, in silence).

    From each end inward: a line (optional: where the end was found, with its anti-aliased
    edge), page colour for two pixels or more, a line one to ``max_thickness`` pixels wide,
    then colours. Only then is
    the end moved, to that line's centre; a bar whose end fades into the page with no
    outline (matplotlib's 'Greys' on white) is left as found.
    """
    import dataclasses

    left, top, right, bottom = bar.box
    length = (bottom - top) if bar.vertical else (right - left)
    across = (left, right) if bar.vertical else (top, bottom)
    inset = 0.25 * (across[1] - across[0])
    first, last = int(np.ceil(across[0] + inset)), int(np.floor(across[1] - inset))
    if last - first < 2 or length < 20:
        return bar
    reach = int(min(0.25 * length, 10 * max_thickness))
    page_rgb = np.asarray(page_rgb, float)

    def kind(position):
        """'line', 'page' or 'colour': the pixels across the bar at ``position``."""
        if bar.vertical:
            pixels, luma = rgb[position, first:last], lum[position, first:last]
        else:
            pixels, luma = rgb[first:last, position], lum[first:last, position]
        if np.mean(luma < page - OUTLINE_CONTRAST) >= 0.8:
            return "line"
        if np.mean(np.abs(pixels.astype(float) - page_rgb).max(axis=1) <= PAGE_LIKE) >= 0.9:
            return "page"
        return "colour"

    limit = rgb.shape[0] if bar.vertical else rgb.shape[1]
    ends = [top, bottom] if bar.vertical else [left, right]
    for index, direction in ((0, 1), (1, -1)):
        start = int(np.floor(ends[index])) if direction == 1 else int(np.ceil(ends[index])) - 1
        positions = [start + direction * step for step in range(-1, reach)
                     if 0 <= start + direction * step < limit]
        kinds = [kind(position) for position in positions]
        runs = []  # (kind, [positions]) in order from the end inward
        for position, found in zip(positions, kinds):
            if runs and runs[-1][0] == found:
                runs[-1][1].append(position)
            else:
                runs.append((found, [position]))
        if runs and runs[0][0] == "line":
            runs = runs[1:]
            if len(runs) >= 2 and runs[0][0] == "colour" and len(runs[0][1]) <= 2 and \
                    runs[1][0] == "page":
                runs = runs[1:]  # the line's anti-aliased edge
        if len(runs) >= 3 and runs[0][0] == "page" and len(runs[0][1]) >= 2 and \
                runs[1][0] == "line" and len(runs[1][1]) <= max_thickness and \
                runs[2][0] == "colour":
            ends[index] = float(np.mean(runs[1][1])) + 0.5
    if bar.vertical:
        box = (left, ends[0], right, ends[1])
    else:
        box = (ends[0], top, ends[1], bottom)
    return bar if box == tuple(bar.box) else dataclasses.replace(bar, box=box)


#: Luma below the page's by which the pixels across a bar are an outline's line.
OUTLINE_CONTRAST = 60.0
#: Largest channel difference from the page's colour of a pixel taken as the page.
PAGE_LIKE = 6.0


def _area(box):
    return (box[2] - box[0]) * (box[3] - box[1])


def colorbars_over_map(rgb, frame, page_rgb, max_thickness) -> list:
    """Colorbars drawn straight on the map inside its frame, their outlines found in the ink
    drawn over the map (:func:`.text.ink_over_map`), not by the page's luma.

    A black outline beside the colormap's own dark colours (viridis' purple, haxby's blue) is
    as dark as they are, so the outline is lost where the bar passes over them; over the map,
    black ink darkens the colours without changing their hue, the map's dark colours do not.

    Parameters
    ----------
    rgb : ndarray of uint8 (rows, cols, 3)
    frame : FrameDetection
    page_rgb : array-like of 3
    max_thickness : int

    Returns
    -------
    list of ColorbarDetection
        Inside the frame, sharing none of its sides, the most colourful first.
    """
    from .lines import Rectangle
    from .text import ink_over_map

    col0, row0, col1, row1 = frame.inner_pixel_box()
    col0, row0, col1, row1 = col0 + 1, row0 + 1, col1 - 1, row1 - 1
    if col1 - col0 < 30 or row1 - row0 < 30:
        return []
    ink, _ = ink_over_map(rgb[row0:row1, col0:col1], 2 * max_thickness + 1, lines=True)
    rows, cols = rgb.shape[:2]
    min_side = max(30, int(0.05 * min(rows, cols)))
    inside = find_rectangles(ink, min_side=min_side, max_thickness=max_thickness)
    dark = np.zeros((rows, cols), bool)
    dark[row0:row1, col0:col1] = ink
    shifted = [Rectangle(box.left + col0, box.top + row0, box.right + col0, box.bottom + row0)
               for box in inside]
    bars = find_colorbars(rgb, shifted, page_rgb, strips=[], dark=dark,
                          max_thickness=max_thickness)
    return [bar for bar in bars if _shared_sides(bar.box, frame.box, max_thickness + 2) == 0]


#: Colour distance (|ΔR| + |ΔG| + |ΔB|) within which a pixel is a legend box's background.
LEGEND_BACKGROUND_STEP = 24
#: Share of the pixels just outside a bar's outline that must have the background's colour
#: for the outline to stand on a plain background (a label's ink may come close at 96 dpi).
PLAIN_BACKGROUND_SHARE = 0.9


def _on_plain_background(rgb, lum, dark, box, max_thickness) -> bool:
    """Whether a bar's outline (``box``: line centres) stands on one light colour all round.

    Just outside each side, past its dark line (up to ``max_thickness`` pixels) and a pixel
    of anti-aliasing, two pixels along the side (its corners left out): at least
    :data:`PLAIN_BACKGROUND_SHARE` of them within :data:`LEGEND_BACKGROUND_STEP` of their
    median colour, and lighter than the line by :data:`OUTLINE_CONTRAST` of luma. A bar
    drawn straight on the map has the map's colours there.
    """
    rows, cols = lum.shape
    left, top, right, bottom = box
    col0, row0 = int(np.floor(left)), int(np.floor(top))
    col1, row1 = int(np.ceil(right)) - 1, int(np.ceil(bottom)) - 1
    if col1 - col0 < 8 or row1 - row0 < 8:
        return False
    colours, ring_luma, line_luma = [], [], []
    # (the line's column or row, outward step, the side's first and last pixel, vertical)
    sides = ((col0, -1, row0 + 3, row1 - 3, True), (col1, 1, row0 + 3, row1 - 3, True),
             (row0, -1, col0 + 3, col1 - 3, False), (row1, 1, col0 + 3, col1 - 3, False))
    for start, step, first, last, vertical in sides:
        along = np.arange(first, last + 1)
        limit = cols if vertical else rows
        # Outward from the line's pixel while dark (the line's own thickness).
        offset = np.zeros(along.size, int)
        for _ in range(max_thickness):
            position = np.clip(start + step * (offset + 1), 0, limit - 1)
            offset += dark[along, position] if vertical else dark[position, along]
        line_luma.append(lum[along, start] if vertical else lum[start, along])
        # Past a pixel of anti-aliasing, two pixels.
        for extra in (2, 3):
            position = start + step * (offset + extra)
            if position.min() < 0 or position.max() >= limit:
                return False
            pixels = (along, position) if vertical else (position, along)
            colours.append(rgb[pixels])
            ring_luma.append(lum[pixels])
    colours = np.concatenate(colours).astype(np.int16)
    background = np.median(colours, axis=0)
    near = np.abs(colours - background).sum(axis=1) <= LEGEND_BACKGROUND_STEP
    return bool(near.mean() >= PLAIN_BACKGROUND_SHARE and
                np.median(np.concatenate(ring_luma)) >=
                np.median(np.concatenate(line_luma)) + OUTLINE_CONTRAST)


def find_legend_box(rgb, rectangles, bar_box, frame_box, max_thickness) -> "tuple | None":
    """The legend box holding a colorbar drawn inside the map frame or across one of its
    sides, as a pixel box.

    QGIS print layouts (and many hand-made figures) put the colour ramp on a legend box over
    the map: its background, title and labels are no data. The box is the smallest rectangle
    of dark lines around the bar inside the frame or lying across one of its sides (a legend
    item dropped over the map's edge, :func:`_across_one_side`); without a drawn frame, the uniform
    background around the bar, as far as it reaches (it must end before the search window's
    edge, or it is the map's own colour, not a box).

    Parameters
    ----------
    rgb : ndarray of uint8 (rows, cols, 3)
    rectangles : list of lines.Rectangle
    bar_box, frame_box : tuple (left, top, right, bottom)
        The colorbar and the map frame, line centres.
    max_thickness : int

    Returns
    -------
    tuple (col0, row0, col1, row1) or None
    """
    frame_area = (frame_box[2] - frame_box[0]) * (frame_box[3] - frame_box[1])
    bar_area = (bar_box[2] - bar_box[0]) * (bar_box[3] - bar_box[1])
    # Larger than the bar by room for its labels (not the bar's own outline), smaller than
    # half the map; inside the frame, or dropped over the map's edge across one of its sides
    # (QGIS's legend item placed over the map's right edge: its labels inside the frame and
    # beyond it, all the legend's).
    around = [box for box in rectangles
              if _inside(bar_box, box.as_tuple(), 1.0) and box.area >= 1.5 * bar_area
              and (_inside(box.as_tuple(), frame_box, max_thickness)
                   or _across_one_side(box.as_tuple(), frame_box, max_thickness))
              and not _same_box(box.as_tuple(), frame_box) and box.area < 0.5 * frame_area]
    if around:
        return min(around, key=lambda box: box.area).pixel_box()
    return _background_box(rgb, bar_box, frame_box)


def _background_box(rgb, bar_box, frame_box):
    """The extent of the uniform background around a bar, or None (see find_legend_box)."""
    from scipy.ndimage import label

    left, top, right, bottom = bar_box
    short = min(right - left, bottom - top)
    long = max(right - left, bottom - top)
    reach = int(max(4 * short, 0.5 * long))
    col0 = int(max(np.ceil(frame_box[0]) + 1, left - reach))
    row0 = int(max(np.ceil(frame_box[1]) + 1, top - reach))
    col1 = int(min(np.floor(frame_box[2]) - 1, right + reach))
    row1 = int(min(np.floor(frame_box[3]) - 1, bottom + reach))
    if col1 - col0 < 10 or row1 - row0 < 10:
        return None
    window = rgb[row0:row1, col0:col1].astype(np.int16)
    # The background: the most common colour of a ring a few pixels outside the bar.
    ring = np.zeros(window.shape[:2], bool)
    b0, b1 = int(np.floor(left)) - col0, int(np.ceil(right)) - col0
    a0, a1 = int(np.floor(top)) - row0, int(np.ceil(bottom)) - row0
    ring[max(a0 - 6, 0):a1 + 6, max(b0 - 6, 0):b1 + 6] = True
    ring[max(a0 - 3, 0):a1 + 3, max(b0 - 3, 0):b1 + 3] = False
    colours = window[ring]
    if colours.size == 0:
        return None
    background = np.median(colours, axis=0)
    near = np.abs(colours - background).sum(axis=1) <= LEGEND_BACKGROUND_STEP
    if near.mean() < 0.6:
        return None
    same = np.abs(window - background).sum(axis=2) <= LEGEND_BACKGROUND_STEP
    components, _ = label(same, structure=np.ones((3, 3), bool))
    touching = np.unique(components[ring & same])
    touching = touching[touching > 0]
    if touching.size == 0:
        return None
    region = np.isin(components, touching)
    if region[0].any() or region[-1].any() or region[:, 0].any() or region[:, -1].any():
        return None  # the background runs on: the map's colour, not a box
    rows, cols = np.nonzero(region)
    return (int(min(cols.min() + col0, np.floor(left))), int(min(rows.min() + row0, np.floor(top))),
            int(max(cols.max() + 1 + col0, np.ceil(right))),
            int(max(rows.max() + 1 + row0, np.ceil(bottom))))


def _snap_offset(lum, page, box):
    """-0.5 when the frame's top and left lines are crisp (no partly dark pixel on the page
    side) and one pixel thick: the mark of Agg's pixel snapping (matplotlib's thin spines);
    else 0. Ghostscript draws GMT's thicker frames unbiased."""
    left, top, right, bottom = box
    thicknesses = []
    for horizontal, position, start, end in ((True, top, left, right), (False, left, top, bottom)):
        image = lum if horizontal else lum.T
        along = np.linspace(start + 0.2 * (end - start), end - 0.2 * (end - start), 25).astype(int)
        edge = int(np.floor(position))
        rows = np.arange(edge - 4, edge + 5)
        if rows[0] < 0 or rows[-1] >= image.shape[0]:
            return 0.0
        profile = np.median(image[np.ix_(rows, along)], axis=1)
        core = profile < 0.3 * page
        if not core[4]:
            return 0.0
        # From the line's centre row outward (towards the page, row index decreasing).
        outer = 4
        while outer > 0 and core[outer - 1]:
            outer -= 1
        beyond = profile[outer - 1]
        if beyond < 0.9 * page:
            return 0.0  # anti-aliased (or a second line): not snapped
        inner = 4
        while inner < len(core) - 1 and core[inner + 1]:
            inner += 1
        thicknesses.append(inner - outer + 1)
    if all(t == 1 for t in thicknesses):
        return -0.5
    return 0.0


def _band_across(box, panel, tolerance):
    """A box inside a panel sharing two opposite sides with it: a band of the map across the
    panel (a dark band of data between light spines, inferno_r's black tropics on a bmh map),
    not a frame around it, however much of the panel it covers."""
    if not _inside(box, panel, tolerance):
        return False
    left, top, right, bottom = (abs(x - y) <= tolerance for x, y in zip(box, panel))
    return (left and right) or (top and bottom)


def _shared_sides(a, b, tolerance):
    return sum(abs(x - y) <= tolerance for x, y in zip(a, b))


def _across_one_side(box, frame, margin) -> bool:
    """Whether ``box`` lies across one of ``frame``'s sides: running on beyond that side's
    line (by more than ``margin`` px), its three other sides inside the frame (up to
    ``margin`` px). Both (left, top, right, bottom), pixels."""
    beyond = [box[0] < frame[0] - margin < box[2], box[1] < frame[1] - margin < box[3],
              box[0] < frame[2] + margin < box[2], box[1] < frame[3] + margin < box[3]]
    within = [box[0] >= frame[0] - margin, box[1] >= frame[1] - margin,
              box[2] <= frame[2] + margin, box[3] <= frame[3] + margin]
    return sum(beyond) == 1 and all(ok or out for ok, out in zip(within, beyond))


def _inside(box, other, margin):
    return (box[0] >= other[0] - margin and box[2] <= other[2] + margin
            and box[1] >= other[1] - margin and box[3] <= other[3] + margin)


def _same_box(a, b, tolerance=3.0):
    return max(abs(x - y) for x, y in zip(a, b)) <= tolerance


def pixel_box_to_extent(box, geotransform=None) -> tuple:
    """A pixel box as the extent a user would type or draw: (xmin, xmax, ymin, ymax).

    In the figure layer's coordinates (see ``regions.py``): x = column and y = -row for a
    plain image, map coordinates for a georeferenced one.
    """
    col0, row0, col1, row1 = box
    if geotransform is None:
        return (float(col0), float(col1), float(-row1), float(-row0))
    from affine import Affine

    forward = Affine.from_gdal(*geotransform)
    xs, ys = forward * (np.array([col0, col0, col1, col1], float),
                        np.array([row0, row1, row0, row1], float))
    return (float(xs.min()), float(xs.max()), float(ys.min()), float(ys.max()))


def extent_text(extent) -> str:
    """An extent as the command line takes it: 'xmin,xmax,ymin,ymax'.

    To ten significant digits (a millimetre at northing 5,000 km; the arithmetic's last digits
    left out): six, as before, wrote a frame at northing 5148250 as '5.14825e+06' and one at
    5148262.5 as '5.14826e+06', a parameter 2.5 m off given back to the user.
    """
    return numbers_text((float(f"{value:.10g}") for value in extent), ",")


def _pixel_range(box):
    col0, row0, col1, row1 = box
    return f"x {col0}–{col1}, y {row0}–{row1}"


def layout_warnings(layout, settings) -> list:
    """Warnings about what was found on the figure that may be wrong: a side of the map frame
    found that may lie elsewhere (:attr:`.frame.FrameDetection.doubt`), unless the user gave
    PLOT_AREA; a colorbar joined across a stretch of the page's colour (a diverging colormap's
    white middle class, or the page between two panels' bars in line:
    :attr:`.colorbar.ColorbarDetection.page_bridged`), unless the user gave COLORBAR.

    Parameters
    ----------
    layout : Layout or None
    settings : pipeline.DecodeSettings

    Returns
    -------
    list of str
    """
    if layout is None:
        return []
    warnings = []
    if layout.frame is not None and settings.plot_area_extent is None and layout.frame.doubt:
        warnings.append(layout.frame.doubt)
    bar = layout.colorbar
    if bar is not None and settings.colorbar_extent is None and \
            getattr(bar, "page_bridged", ()):
        axis = "y" if bar.vertical else "x"
        stretches = ", ".join(f"{axis} {before + 1}–{after - 1}"
                              for before, after in bar.page_bridged)
        warnings.append(
            f"The colorbar found was joined across a page-coloured stretch ({stretches}) taken "
            "for its white middle class; if these are two colorbars in line, give COLORBAR.")
    return warnings


def describe_layout_use(layout, settings, geotransform=None) -> list:
    """Log lines saying what was found on the figure and what it is used for.

    Parameters
    ----------
    layout : Layout
    settings : pipeline.DecodeSettings
        What the user gave: a given PLOT_AREA, COLORBAR or COLORMAP always wins.
    geotransform : tuple, optional
        The figure's own, for extents in the layer's coordinates.

    Returns
    -------
    list of str
    """
    lines = []
    if settings.plot_area_extent is None:
        if layout.frame is not None:
            box = layout.frame.inner_pixel_box()
            lines.append(
                f"PLOT_AREA not given: the map frame found on the figure is used "
                f"({layout.frame.kind} frame, pixels {_pixel_range(box)}; as a parameter "
                f"PLOT_AREA={extent_text(pixel_box_to_extent(box, geotransform))}).")
        else:
            lines.append(
                "PLOT_AREA not given and no map frame (a box of straight dark lines) was found: "
                "the whole figure is examined"
                + (", except the colorbar and its labels" if layout.colorbar is not None else "")
                + ". Draw PLOT_AREA over the map panel if titles or legends come back as data.")
    if layout.frame is not None and layout.other_panels:
        panels = "; ".join(_pixel_range(tuple(int(round(v)) for v in box))
                           for box in layout.other_panels)
        chosen = ("the one holding PLOT_AREA" if settings.plot_area_extent is not None else
                  "the largest")
        lines.append(
            f"The figure holds {len(layout.other_panels) + 1} map panels (boxes of straight "
            f"dark lines; the others at pixels {panels}): {chosen} is read, with the colorbar "
            f"nearest it. To decode another, give its PLOT_AREA (and its COLORBAR if the bar "
            f"found is not its own).")
    bar = layout.colorbar
    if bar is not None:
        box = bar.pixel_box()
        given_scale = settings.colorbar_extent is not None or bool(settings.colormap)
        use = ("left out of the decoding" if given_scale else
               "sampled as the colour scale and left out of the decoding")
        lines.append(
            f"Colorbar found on the figure ({'vertical' if bar.vertical else 'horizontal'}, "
            f"pixels {_pixel_range(box)}; as a parameter "
            f"COLORBAR={extent_text(pixel_box_to_extent(box, geotransform))}): {use}.")
        ends = ("top", "bottom") if bar.vertical else ("left", "right")
        for end, colour in zip(ends, bar.extensions):
            if colour is not None:
                lines.append(
                    f"Extension triangle at the colorbar's {end} end, colour "
                    f"#{''.join(f'{int(v):02x}' for v in colour)}: the out-of-range colour of "
                    f"that end (values beyond it), not part of the scale; the bar's range ends "
                    f"at the triangle's base.")
        if layout.legend_box is not None:
            lines.append(
                f"The colorbar is on a legend box over the map (pixels "
                f"{_pixel_range(layout.legend_box)}): the box, its labels and its background "
                f"are left out of the decoding.")
    elif settings.colorbar_extent is None and not settings.colormap:
        lines.append("No colorbar was found on the figure.")
    return lines
