"""The colorbar: an elongated box whose colours run along its long axis and not across it.

Candidate boxes come from two sources. A rectangle closed by dark lines (see :mod:`.lines`) is
the bar's outline when one is drawn. A colour strip is the bar itself when none is
(matplotlib's ``cbar.outline.set_visible(False)``, GMT's psscale without a frame, QGIS legend
ramps): many consecutive slices across the image, each one run of smoothly varying non-page
colour between the same two edges. Either candidate is a colorbar when, inside it, every slice
across the bar has one colour (ticks and the outline are left out) and the colour changes along
the bar by more than a colormap's worth of CIELAB distance, without long stretches of page
colour and without coming back to a colour it left (maps do, colormaps do not).

Extension triangles (matplotlib's ``extend``, GMT's ``-E``/``+e``) continue the strip beyond
the rectangle and narrow to a point: the box is the rectangular part only, where the strip's
width stops being constant, and each triangle's colour is kept as the out-of-range colour of
its end. Which end is low is not decided here: the tick labels decide it
(:mod:`.figure_reading`), because reversed bars exist.
"""
from dataclasses import dataclass

import numpy as np

from ..cancellation import check as check_cancelled
from ..colour_decoding import byte_srgb_to_lab, srgb_to_lab
from .lines import Rectangle, _runs, luma_of, true_runs

#: Long side / short side of the thinnest box taken for a bar: a square legend is not a bar.
#: QGIS draws a legend's ramp as long and as thick as its symbol's height and width, which a
#: user sets freely (25 mm x 9 mm: 2.8 times longer than wide; at 3 such a vertical ramp was
#: missed and its top, a short box of one colour across, taken for a horizontal bar).
MIN_ASPECT = 2.5
#: CIELAB ΔE along the bar, end to end along its path, below which it is a plain box.
MIN_COLOUR_PATH = 25.0
#: Median ΔE of a slice across the bar from its own median colour above which the box is not
#: one colour across (a map panel, a legend with text).
MAX_ACROSS_SPREAD = 6.0
#: Largest step between neighbouring pixels across a colour strip (|ΔR| + |ΔG| + |ΔB|, 0-765):
#: one colour across, with JPEG's noise.
STRIP_SMOOTH_STEP = 30
#: A strip pixel differs from the page colour by more than this in some channel (0-255).
STRIP_PAGE_CONTRAST = 16
#: Rows of the figure whose strip masks are worked out at a time (:func:`strip_masks`): a
#: band's dozen intermediate arrays (some 0.5 MB each on a 4000 px wide figure) stay in the
#: processor's cache, where the whole figure's went to memory and back for each (12 MP, with
#: the transposition band by band: 0.57 -> 0.20 s; bands of 64-512 rows all within 0.04 s of
#: each other).
STRIP_MASK_BAND_ROWS = 64
#: Slices across a strip may miss for this many consecutive rows (inward ticks, a label's
#: stroke crossing) and the strip still runs on.
STRIP_MAX_GAP = 3
#: Shortest colour strip as a share of the figure along it, and its narrowest width (pixels).
MIN_STRIP_SHARE = 0.12
MIN_STRIP_WIDTH = 4


@dataclass
class ColorbarDetection:
    """A colorbar found on a figure.

    Attributes
    ----------
    box : tuple of float (left, top, right, bottom)
        The bar's outline (line centres), pixel coordinates.
    vertical : bool
        The colours run from top to bottom (else from left to right).
    colour_path : float
        CIELAB ΔE summed along the bar: how much colour it shows.
    across_spread : float
        Median ΔE across the bar: how uniform each slice is (JPEG noise shows here).
    """

    box: tuple
    vertical: bool
    colour_path: float
    across_spread: float
    #: Found as a colour strip (no dark outline closes it) rather than as an outlined box.
    strip: bool = False
    #: Colours (sRGB, 0-255) of the extension triangles at the start (top of a vertical bar,
    #: left of a horizontal one) and at the end; None where the bar has none. They are the
    #: out-of-range colours: which is "below" depends on the bar's direction (its labels).
    extensions: tuple = (None, None)
    #: The start and the end fade into the page's colour (the white end of 'Greys' on a white
    #: page) and were placed by extrapolating the fade: known to a few pixels only, so a tick
    #: mark found beyond such an end moves it (a bar's ticks are never beyond its ends).
    faded_ends: tuple = (False, False)
    #: Which sides (left, top, right, bottom) are an outline's line centres, which a
    #: renderer's pixel snapping shifts (``Layout.snap_offset``); the others are a fill's
    #: pixel edges or a triangle's base, unbiased.
    line_edges: tuple = (True, True, True, True)
    #: Stretches of the page's very colour bridged inside the bar as a diverging colormap's
    #: white middle class ((from, to) pixel positions along it, :func:`_pale_class_between`):
    #: two panels' bars in line, facing with pale ends, look the same.
    page_bridged: tuple = ()

    def pixel_box(self) -> tuple:
        """(col0, row0, col1, row1) whole pixels, as the engine's boxes are."""
        left, top, right, bottom = self.box
        return (int(np.floor(left)), int(np.floor(top)), int(np.ceil(right)), int(np.ceil(bottom)))

    @property
    def length(self) -> int:
        left, top, right, bottom = self.box
        return bottom - top if self.vertical else right - left


def colorbar_evidence(rgb, rectangle, page_rgb=None) -> "ColorbarDetection | None":
    """How much a rectangle looks like a colorbar.

    Parameters
    ----------
    rgb : ndarray of uint8 (rows, cols, 3)
    rectangle : lines.Rectangle
    page_rgb : array-like of 3, optional
        The page's colour (long stretches of it inside mean a legend box, not a bar).

    Returns
    -------
    ColorbarDetection or None
        None when the box is not elongated, not one colour across, or shows no colour change.
    """
    long_side, short_side = max(rectangle.width, rectangle.height), min(rectangle.width,
                                                                         rectangle.height)
    # As wide as the narrowest strip at least: a box 3 px wide between dark
    # colours of a map (cubehelix) has a pixel of colour inside, nothing to sample.
    if short_side < MIN_STRIP_WIDTH or long_side < 30 or long_side < MIN_ASPECT * short_side:
        return None
    vertical = rectangle.height > rectangle.width
    col0, row0, col1, row1 = rectangle.pixel_box()
    # Inside the outline, its anti-aliased edge and inward ticks left out.
    inset_across = max(1, int(round(0.2 * short_side)))
    inset_along = 2
    if vertical:
        patch = rgb[row0 + inset_along:row1 - inset_along, col0 + inset_across:col1 - inset_across]
    else:
        patch = rgb[row0 + inset_across:row1 - inset_across,
                    col0 + inset_along:col1 - inset_along].transpose(1, 0, 2)
    # patch: (along, across, 3)
    if patch.shape[0] < 10 or patch.shape[1] < 1:
        return None
    lab = byte_srgb_to_lab(patch)
    slice_colour = np.median(lab, axis=1)
    spread = float(np.median(np.linalg.norm(lab - slice_colour[:, None, :], axis=2)))
    if spread > MAX_ACROSS_SPREAD:
        return None
    path = float(np.linalg.norm(np.diff(slice_colour, axis=0), axis=1).sum())
    if path < MIN_COLOUR_PATH:
        return None
    if _revisits_colours(slice_colour):
        return None
    if _boundaries_askew(patch):
        return None
    if page_rgb is not None:
        page_lab = srgb_to_lab(np.asarray(page_rgb, np.float64) / 255.0)
        page_like = np.linalg.norm(slice_colour - page_lab, axis=1) < 3.0
        # A bar may start or end at the page's colour (white end of 'Greys'), not be mostly it.
        if page_like.mean() > 0.3:
            return None
        if _page_along_inside(rgb, rectangle, page_rgb, vertical):
            return None
    return ColorbarDetection(rectangle.as_tuple(), vertical, path, spread)


#: Share of a line of pixels along a box, inside its outline, of the page's colour (luma
#: within :data:`STRIP_PAGE_CONTRAST`) above which the box holds page beside a bar.
PAGE_ALONG_SHARE = 0.8


def _page_along_inside(rgb, rectangle, page_rgb, vertical) -> bool:
    """Whether a line of pixels along a box, inside its outline, is the page's colour along
    most of the box's length (:data:`PAGE_ALONG_SHARE`, its middle 80 %).

    A bar is filled across its whole width. A box closed from another line beside the bar
    (the map's spine 2-4 px from the bar's outline, ``colorbar(pad=0.01)`` at 60-100 dpi,
    their ends in line) holds the page's gap between them along its whole length: it is not
    the bar's outline, whose own box lies inside it. The slices' middle, which
    :func:`colorbar_evidence` samples, does not see the gap at the box's side.
    """
    col0, row0, col1, row1 = rectangle.pixel_box()
    image = rgb if vertical else rgb.transpose(1, 0, 2)
    first, last, start, end = (row0, row1, col0, col1) if vertical else (col0, col1, row0, row1)
    length = last - first
    band = image[first + length // 10:last - length // 10, start + 1:end - 1]
    if band.shape[0] < 10 or band.shape[1] < 1:
        return False
    # In luma, with the chroma let off further: a JPEG's 4:2:0 subsampling shares one chroma
    # sample among 2 x 2 pixels, and a gap of 2-3 px between the map's colours and the bar's
    # takes on some of theirs (26 levels off white beside Spectral's, at quality 65) while its
    # luma stays the page's.
    page = np.asarray(page_rgb, np.float32)
    difference = band.astype(np.float32) - page
    near_page = (np.abs(luma_of(difference)) <= STRIP_PAGE_CONTRAST) & \
        (np.abs(difference) <= 3 * STRIP_PAGE_CONTRAST).all(axis=2)
    return bool((near_page.mean(axis=0) >= PAGE_ALONG_SHARE).any())


#: Slices across a bar of which at least this share of the coloured pixels lie within
#: :data:`STRIP_SMOOTH_STEP` of the slice's median are one colour across.
ONE_COLOUR_SLICE_SHARE = 0.8
#: Consecutive slices not one colour across, at least, that make a boundary crossing the box
#: askew: a tick mark drawn inward (1-7 px wide at 72-600 dpi, grey ink, which is left out
#: anyway) or a JPEG's ringing at a block's edge spoils fewer.
ASKEW_RUN = 4
#: Share of the box's slices in such runs above which its colours change along lines not
#: square to its axis: a map's bands, not a colorbar's (0 on the bars of the sweeps, 7-16 %
#: on maps taken for bars).
MAX_ASKEW_SHARE = 0.04
#: Largest channel spread (max - min, 0-255) of a pixel taken for grey ink (tick marks,
#: outlines, text), left out of a slice's colours.
INK_GREY_SPREAD = 20


def _boundaries_askew(patch) -> bool:
    """Whether a candidate's colours change along lines askew to its axis, as a map's do.

    A colorbar draws each value straight across the bar: every slice across is one colour
    (its anti-aliased edges between blocks too, a blend that is the same across). A map's
    bands (a tall narrow map of a few classes, a strip of a map) meet along boundaries that
    wander, so the slices where they cross hold two colours side by side, for as many
    slices as the boundary wanders along the box.

    Parameters
    ----------
    patch : ndarray of uint8 (along, across, 3)
        The inside of the box, slices across it as rows.

    Returns
    -------
    bool
        True when more than :data:`MAX_ASKEW_SHARE` of the slices are in runs of at least
        :data:`ASKEW_RUN` that are not one colour across (grey ink left out).
    """
    pixels = patch.astype(np.int16)
    ink = (pixels.max(axis=2) - pixels.min(axis=2)) <= INK_GREY_SPREAD
    median = np.median(pixels, axis=1)
    near = np.abs(pixels - median[:, None, :]).sum(axis=2) <= STRIP_SMOOTH_STEP
    counted = np.maximum((~ink).sum(axis=1), 1)
    one_colour = (near & ~ink).sum(axis=1) >= ONE_COLOUR_SLICE_SHARE * counted
    # Slices mostly grey (the bar's own grey colours, a tick across it): judged on all pixels.
    mostly_ink = ink.mean(axis=1) > 0.5
    one_colour |= mostly_ink & (near.mean(axis=1) >= ONE_COLOUR_SLICE_SHARE)
    askew = 0
    for run in true_runs(~one_colour):
        if run[1] - run[0] >= ASKEW_RUN:
            askew += run[1] - run[0]
    return askew > MAX_ASKEW_SHARE * len(one_colour)


def _revisits_colours(profile, samples=64, same_colour=4.0, left_by=12.0):
    """Whether a colour comes back along the profile, as in a map and never in a colormap.

    The profile is first cut into runs of one colour (a discrete bar's bands are long runs);
    a colour seen again in a run that is not the next one is a revisit, except two runs apart
    when the run between stays within ``left_by`` (CIELAB ΔE) of it: a colormap slowing down
    at a sharp turn (terrain at its brown) wavers there through a JPEG's noise without
    leaving. The ends are left out: cyclic colormaps (twilight, hsv) start and end on one
    colour.
    """
    index = np.linspace(0, len(profile) - 1, min(samples, len(profile))).round().astype(int)
    colours = profile[index]
    n = len(colours)
    colours = colours[int(0.05 * n) + 1:n - int(0.05 * n) - 1]
    runs = []
    for colour in colours:
        if not runs or np.linalg.norm(colour - runs[-1]) >= same_colour:
            runs.append(colour)
    runs = np.array(runs)
    if len(runs) < 3:
        return False
    distance = np.linalg.norm(runs[:, None, :] - runs[None, :, :], axis=2)
    for first, second in zip(*np.nonzero(distance < same_colour)):
        if second - first >= 3 or second - first == 2 and distance[first, first + 1] >= left_by:
            return True
    return False


def find_colorbars(rgb, rectangles, page_rgb=None, strips=None, dark=None,
                   max_thickness=4) -> list:
    """Every rectangle or colour strip that is a colorbar, the most colourful first.

    Parameters
    ----------
    rgb : ndarray of uint8 (rows, cols, 3)
    rectangles : list of lines.Rectangle
    page_rgb : array-like of 3, optional
    strips : list of ColourStrip, optional
        Default: :func:`find_colour_strips` on ``rgb`` (``page_rgb`` needed).
    dark : ndarray of bool, optional
    max_thickness : int
        Ink pixels and the thickest line, for strips inside an outline (see
        :func:`find_colour_strips`).

    Returns
    -------
    list of ColorbarDetection
    """
    found = []
    for rectangle in rectangles:
        # Seconds in all on a figure of ten megapixels: the job's cancellation asked between.
        check_cancelled()
        if dark is None or not _end_runs_on(dark, rectangle, max_thickness):
            evidence = colorbar_evidence(rgb, rectangle, page_rgb)
            if evidence is not None:
                found.append(evidence)
    if strips is None and page_rgb is not None:
        strips = find_colour_strips(rgb, page_rgb, dark=dark, max_thickness=max_thickness)
    for strip in strips or ():
        check_cancelled()
        box = strip.rectangle.as_tuple()
        if any(strip.extensions):
            # An outline drawn around a bar and its triangles closes somewhere on the
            # triangles' slanted sides: the strip knows where the rectangle ends.
            found = [bar for bar in found if not _overlap_share(bar.box, box) > 0.8]
        elif any(_same_box(box, bar.box, max(3.0, 0.5 * max_thickness)) for bar in found):
            # An outlined bar is also a strip just inside its outline (or through it to its
            # outer side, where the colormap's end is as dark as the line: GMT's 8 px outline
            # at 300 dpi around turbo's dark ends): the outline's centre is where the
            # renderer put the bar's edge, so the outlined box stays.
            continue
        evidence = colorbar_evidence(rgb, strip.rectangle, page_rgb)
        if evidence is not None and evidence.vertical == strip.vertical:
            evidence.strip = True
            evidence.extensions = strip.extensions
            evidence.faded_ends = strip.faded_ends
            evidence.line_edges = strip.line_edges
            evidence.page_bridged = strip.page_bridged
            found.append(evidence)
    if page_rgb is not None:
        found = _join_pieces(rgb, page_rgb, found)
    # A bar's outline and a box just inside it (its ticks drawn inward) are one bar: keep the
    # outer one.
    kept = []
    for bar in sorted(found, key=lambda b: -(b.box[2] - b.box[0]) * (b.box[3] - b.box[1])):
        if not any(_inside(bar.box, other.box, 3.0) for other in kept):
            kept.append(bar)
    # A stretch of a map between lines drawn over it (a grid line, a legend's frame) whose
    # colours go on beyond one of those lines is the map, not a bar (QGIS's grid cells beside
    # a legend: one was taken for the bar, more colourful than the legend's ramp).
    kept = [bar for bar in kept if not _map_goes_on(rgb, bar, max_thickness)]
    return sorted(kept, key=lambda b: -b.colour_path * b.length)


#: CIELAB ΔE within which the colours beyond a candidate's long side, past the line there,
#: are the colours just inside it: the map goes on across that line.
MAP_GOES_ON_DELTA_E = 8.0
#: Share of the slices along a candidate on which the colours go on across one long side for
#: it to be a stretch of the map (a label drawn over the map across the side breaks a few).
MAP_GOES_ON_SHARE = 0.75


def _map_goes_on(rgb, bar, max_thickness, band=3) -> bool:
    """Whether a candidate's colours go on, slice by slice, beyond one of its long sides.

    A stretch of a map cut off by lines drawn over it (grid lines, a legend's frame) is one
    colour across and changes along, as a bar does; past the line on its side the map goes on
    with the same colours. A bar borders its legend's background, the page, its outline, ticks
    and labels, or, drawn straight on a map, colours that change along it unlike its own.

    Parameters
    ----------
    rgb : ndarray of uint8 (rows, cols, 3)
    bar : ColorbarDetection
    max_thickness : int
        The thickest line expected (pixels): the colours are compared
        ``max_thickness // 2 + 3`` px beyond the side (past a line centred on it) and as far
        inside (at most half the bar's width).
    band : int
        Pixels across averaged (median) on each side, per slice.

    Returns
    -------
    bool
        True when on :data:`MAP_GOES_ON_SHARE` of the slices (the middle 90 % of the length)
        the colours beyond one long side are within :data:`MAP_GOES_ON_DELTA_E` of those
        inside.
    """
    left, top, right, bottom = bar.box
    image = rgb if bar.vertical else rgb.transpose(1, 0, 2)
    if not bar.vertical:
        left, top, right, bottom = top, left, bottom, right
    n_across = image.shape[1]
    length = bottom - top
    first, stop = int(np.ceil(top + 0.05 * length)), int(np.floor(bottom - 0.05 * length))
    if stop - first < 10:
        return False
    reach = max_thickness // 2 + 3
    inset = max(1, min(reach, int((right - left) // 2)))
    half = band // 2
    for side, outward in ((int(np.floor(left)), -1), (int(np.ceil(right)), 1)):
        inner = side - outward * inset
        outer = side + outward * reach
        if outer - half < 0 or outer + half >= n_across:
            continue
        slices = image[first:stop]
        inside = np.median(slices[:, inner - half:inner + half + 1], axis=1)
        beyond = np.median(slices[:, outer - half:outer + half + 1], axis=1)
        difference = np.linalg.norm(srgb_to_lab(inside / 255.0) - srgb_to_lab(beyond / 255.0),
                                    axis=1)
        if float(np.mean(difference < MAP_GOES_ON_DELTA_E)) >= MAP_GOES_ON_SHARE:
            return True
    return False


def _join_pieces(rgb, page_rgb, bars, share=0.9) -> list:
    """Colour strips that are pieces of one bar, joined.

    A stretch of a bar with no outline can fail to make a strip (terrain's bright green
    through a JPEG at 72 dpi, ticks on its side): the bar is found as two strips in line,
    the first taken for the colorbar and its range read from the labels along it alone
    (terrain reversed, -1500..2500 read as -278..2500, nothing said; its dark blue end was
    a box closed by its own dark colours). Two candidates of one orientation, one of them a
    strip (no outline), with the same sides across (within 2 px) are one bar when the stretch between
    them, no longer than both together, is unlike the page across the strips' width on
    ``share`` of its slices (two bars in a row have page between them)."""
    page = np.asarray(page_rgb, np.float32)
    bars = list(bars)
    joined = True
    while joined:
        joined = False
        for i, first in enumerate(bars):
            for second in bars[i + 1:]:
                if not (first.strip or second.strip) or first.vertical != second.vertical:
                    continue
                a, b = first.box, second.box
                if first.vertical:
                    across = (a[0], a[2], b[0], b[2])
                    (lo, hi), (other_lo, other_hi) = sorted([(a[1], a[3]), (b[1], b[3])])
                else:
                    across = (a[1], a[3], b[1], b[3])
                    (lo, hi), (other_lo, other_hi) = sorted([(a[0], a[2]), (b[0], b[2])])
                if abs(across[0] - across[2]) > 2 or abs(across[1] - across[3]) > 2:
                    continue
                gap_start, gap_end = int(np.ceil(hi)), int(np.floor(other_lo))
                if gap_end <= gap_start or gap_end - gap_start > (hi - lo) + (other_hi - other_lo):
                    continue
                width = min(across[1], across[3]) - max(across[0], across[2])
                c0 = int(max(across[0], across[2]) + 0.2 * width)
                c1 = int(np.ceil(min(across[1], across[3]) - 0.2 * width))
                if c1 <= c0:
                    continue
                gap = rgb[gap_start:gap_end, c0:c1] if first.vertical else \
                    rgb[c0:c1, gap_start:gap_end].transpose(1, 0, 2)
                unlike = (np.abs(gap.astype(np.float32) - page).max(axis=2)
                          > STRIP_PAGE_CONTRAST).all(axis=1)
                if unlike.mean() < share:
                    continue
                start, end = (first, second) if (a[1] if first.vertical else a[0]) <= \
                    (b[1] if first.vertical else b[0]) else (second, first)
                union = (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))
                evidence = colorbar_evidence(rgb, Rectangle(*union), page_rgb)
                if evidence is None or evidence.vertical != first.vertical:
                    continue
                evidence.strip = True
                evidence.extensions = (start.extensions[0], end.extensions[1])
                evidence.faded_ends = (start.faded_ends[0], end.faded_ends[1])
                evidence.page_bridged = start.page_bridged + end.page_bridged
                # (left, top, right, bottom): the start's side and the end's along the bar,
                # either piece's across it.
                s_edges, e_edges = start.line_edges, end.line_edges
                if first.vertical:
                    evidence.line_edges = (s_edges[0] and e_edges[0], s_edges[1],
                                           s_edges[2] and e_edges[2], e_edges[3])
                else:
                    evidence.line_edges = (s_edges[0], s_edges[1] and e_edges[1], e_edges[2],
                                           s_edges[3] and e_edges[3])
                bars = [bar for bar in bars if bar is not first and bar is not second]
                bars.append(evidence)
                joined = True
                break
            if joined:
                break
    return bars


def _inside(box, other, margin):
    return (box[0] >= other[0] - margin and box[2] <= other[2] + margin
            and box[1] >= other[1] - margin and box[3] <= other[3] + margin)


def _end_runs_on(dark, rectangle, max_thickness=4, reach=3):
    """Whether a line closing an end of an elongated box runs on past both its corners.

    A bar's own outline turns at its corners (a tick may stick out on one side); a box whose
    "end" is a longer line (a legend's frame below a ramp, a grid line) is not the bar's box.
    """
    horizontal_end = rectangle.height > rectangle.width  # a vertical bar's ends are rows
    mask = dark if horizontal_end else dark.T
    left, top, right, bottom = rectangle.as_tuple()
    low, high = (left, right) if horizontal_end else (top, bottom)
    ends = (top, bottom) if horizontal_end else (left, right)
    # Past the long sides' own lines (GMT's outline is 8 px at 300 dpi): half their thickness,
    # measured across each on the bar's middle.
    middle = mask[int(np.clip(0.5 * (ends[0] + ends[1]), 0, mask.shape[0] - 1))]
    outside = [min(_half_run(middle, int(np.floor(side))), max_thickness // 2)
               for side in (low, high)]
    for position in ends:
        row = int(np.floor(position))
        if row < 0 or row >= mask.shape[0]:
            continue
        rows = mask[max(row - 1, 0):row + 2]
        first = int(np.floor(low)) - outside[0]
        before = rows[:, max(first - reach - 1, 0):max(first - 1, 0)]
        last = int(np.ceil(high)) + outside[1]
        after = rows[:, last + 1:last + reach + 1]
        if before.size and after.size and before.any(axis=0).all() and after.any(axis=0).all():
            return True
    return False


def _half_run(line, index):
    """Half the length (whole pixels, rounded down) of the run of True through ``line[index]``
    beyond its middle pixel; 0 when that pixel is False or out of the line."""
    start, end = _run_bounds(line, index)
    if start is None:
        return 0
    return (end - start + 1) // 2


def _same_box(a, b, tolerance):
    return max(abs(x - y) for x, y in zip(a, b)) <= tolerance


def _overlap_share(a, b):
    """Area of the intersection of two boxes over the smaller box's area."""
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    if width <= 0 or height <= 0:
        return 0.0
    smaller = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return width * height / smaller if smaller > 0 else 0.0


@dataclass
class ColourStrip:
    """A run of one-colour-across slices between constant edges: a colorbar candidate.

    Attributes
    ----------
    rectangle : lines.Rectangle
        Its rectangular part, pixel edges (extension triangles left out).
    vertical : bool
        The slices are rows (a vertical bar) rather than columns.
    extensions : tuple
        Colours (sRGB, 0-255) of the triangles beyond the start and the end, or None.
    faded_ends : tuple of bool
        Whether the start and the end fade into the page's colour and were placed by
        extrapolating the fade (:func:`_follow_pale_ends`): known to a few pixels only.
    line_edges : tuple of bool
        Whether each side (left, top, right, bottom) is an outline's line centre.
    page_bridged : tuple of (int, int)
        Stretches of the page's very colour bridged as a diverging colormap's middle class
        (the last strip slice before and the first after, pixel positions along the strip).
    """

    rectangle: Rectangle
    vertical: bool
    extensions: tuple = (None, None)
    faded_ends: tuple = (False, False)
    line_edges: tuple = (False, False, False, False)
    page_bridged: tuple = ()


def strip_masks(rgb, page_rgb) -> tuple:
    """Pixels of colour strips across rows and across columns: unlike the page, and like their
    next neighbour along the slice.

    Returns
    -------
    across_rows : ndarray of bool (rows, cols - 1)
        ``[r, c]`` is True when pixels ``c`` and ``c + 1`` of row ``r`` both differ from the
        page and from each other by at most :data:`STRIP_SMOOTH_STEP` (slices of a vertical
        bar).
    across_columns : ndarray of bool (cols, rows - 1)
        The same along columns, transposed (slices of a horizontal bar).
    """
    page = np.asarray(page_rgb, np.int16)
    rows, cols = rgb.shape[:2]
    across_rows = np.empty((rows, cols - 1), bool)
    # Made transposed band by band: the whole mask transposed at the end took 0.06 s at 12 MP
    # (a column of it is a row of the figure, read across memory), a band's 0.5 ms.
    across_columns = np.empty((cols, max(rows - 1, 0)), bool)
    for row0 in range(0, rows, STRIP_MASK_BAND_ROWS):
        check_cancelled()  # some 4 ms a band of a 4000 px wide figure
        # The band and the next row below it: the steps down from its last row.
        band = rgb[row0:row0 + STRIP_MASK_BAND_ROWS + 1]
        step_rows = np.zeros((band.shape[0], cols - 1), np.uint16)
        step_columns = np.zeros((band.shape[0] - 1, cols), np.uint16)
        unlike_page = np.zeros(band.shape[:2], bool)
        for channel in range(3):
            # |a - b| of bytes as max - min, in bytes (no signed copies).
            plane = band[:, :, channel]
            step_rows += np.maximum(plane[:, 1:], plane[:, :-1]) - np.minimum(plane[:, 1:],
                                                                             plane[:, :-1])
            step_columns += np.maximum(plane[1:], plane[:-1]) - np.minimum(plane[1:],
                                                                           plane[:-1])
            unlike_page |= (plane < int(page[channel]) - STRIP_PAGE_CONTRAST) | \
                (plane > int(page[channel]) + STRIP_PAGE_CONTRAST)
        own = min(STRIP_MASK_BAND_ROWS, rows - row0)  # the band's rows, less the next one
        across_rows[row0:row0 + own] = ((step_rows <= STRIP_SMOOTH_STEP) & unlike_page[:, 1:] &
                                        unlike_page[:, :-1])[:own]
        across_columns[:, row0:row0 + band.shape[0] - 1] = \
            ((step_columns <= STRIP_SMOOTH_STEP) & unlike_page[1:] & unlike_page[:-1]).T
    return across_rows, across_columns


def find_colour_strips(rgb, page_rgb, min_length=None, max_candidates=40, dark=None,
                       max_thickness=4) -> list:
    """Colour strips: candidates for colorbars drawn without an outline.

    Across a vertical bar every row holds one run of strip pixels (:func:`strip_masks`) between
    the same two columns, for as many rows as the bar is long; a map's runs end wherever its
    data changes. Runs with the same edges (±1 px, for anti-aliasing) on consecutive rows, with
    gaps of at most :data:`STRIP_MAX_GAP` rows, make a strip when it is at least
    :data:`MIN_ASPECT` times longer than wide. Horizontal bars are found the same way on the
    transposed image.

    Parameters
    ----------
    rgb : ndarray of uint8 (rows, cols, 3)
    page_rgb : array-like of 3
        The page colour.
    min_length : int, optional
        Shortest strip, pixels; default :data:`MIN_STRIP_SHARE` of the image along the strip,
        at least 40.
    max_candidates : int
        Most frequent run edges examined per orientation (the rest are a map's chance runs).
    dark : ndarray of bool (rows, cols), optional
        Ink pixels (:func:`.lines.dark_mask`): a strip inside a dark outline (drawn around
        extension triangles, where no rectangle closes) is given the outline's centre as its
        edges, as an outlined bar is.
    max_thickness : int
        Thickest outline expected, pixels.

    Returns
    -------
    list of ColourStrip
    """
    strips = []
    page = np.asarray(page_rgb, np.int16)
    masks = strip_masks(rgb, page_rgb)
    for vertical, mask in zip((True, False), masks):
        image = rgb if vertical else rgb.transpose(1, 0, 2)
        # A bar with no outline to confirm it must be a real share of the figure: a map's
        # chance strips are short.
        shortest = min_length or max(40, int(MIN_STRIP_SHARE * image.shape[0]))
        max_width = max(3, int(0.3 * image.shape[1]))
        run_rows, starts, ends = _runs(mask, 2)
        # Pairs a..b-1 smooth: pixels a..b are the strip (b + 1 exclusive).
        ends = ends + 1
        keep = (ends - starts) <= max_width
        run_rows, starts, ends = run_rows[keep], starts[keep], ends[keep]
        if run_rows.size == 0:
            continue
        keys = starts.astype(np.int64) * (image.shape[1] + 2) + ends
        unique, counts = np.unique(keys, return_counts=True)
        order = np.argsort(-counts)
        order = order[counts[order] >= max(3, shortest // 4)][:max_candidates]
        taken = []
        for key in unique[order]:
            # Each candidate's slices are followed, bridged and measured: together the
            # longest stretch of the layout on a large figure (2-8 s on 8.6 MP, before the job
            # asked here), so the job's cancellation is asked per candidate and per bridge.
            check_cancelled()
            start, end = divmod(int(key), image.shape[1] + 2)
            if any(abs(start - s) <= 2 and abs(end - e) <= 2 for s, e, _, _ in taken):
                continue
            # A slice belongs when a run starts at the strip's start and one ends at its end:
            # the same run, or two where JPEG noise broke one step inside.
            starting = (np.abs(starts - start) <= 1) & (ends <= end + 1)
            ending = (np.abs(ends - end) <= 1) & (starts >= start - 1)
            along = np.intersect1d(run_rows[starting], run_rows[ending])
            if along.size == 0:
                continue
            continuity, page_bridged = [], []

            def bridge(before, after, start=start, end=end, along=along,
                       page_bridged=page_bridged):
                # A stretch shorter than the strips on either side, all of it near the page's
                # colour between the strip's edges (a diverging colormap's white middle), or
                # the bar itself with its edges blurred (a JPEG's blocks).
                # (A stretch of the bar whose edges a JPEG rings over is as long as the
                # colormap's stretch of saturated or dark colours it rings on: every slice of it
                # must then be one colour running on smoothly, so it may be longer.)
                check_cancelled()
                if after - before > 2 * max(shortest, 1):
                    return False
                gap = image[before + 1:after, start + 1:max(end - 1, start + 2)].astype(np.int16)
                pale = (np.abs(gap - page) <= 2 * STRIP_PAGE_CONTRAST).all(axis=2)
                # (Past its blurred ends: a longer one, a discrete bar's pale class, is
                # checked further only when pale.)
                pale_inside = pale[BLOCK_EDGE_SLICES // 2:-(BLOCK_EDGE_SLICES // 2)]
                page_coloured = []
                if after - before <= 0.5 * max(shortest, 1) and pale.mean() >= 0.95 or \
                        pale_inside.size and pale_inside.mean() >= 0.95 and \
                        _pale_class_between(image, before, after, start, end, page, along[0],
                                            along[-1], page_coloured):
                    # A colormap's pale middle lies between two different colours; one colour
                    # on both sides of a gap of page is two things of that colour in line (a
                    # map's thick top spine and a bar's outline, with the white gap between).
                    # A longer one is a discrete bar's pale class when as long as its blocks.
                    joined = not _same_colour_across(image, before, after, start, end, page)
                    if joined and page_coloured:
                        page_bridged.append((before, after))
                    return joined
                if not continuity:
                    # Worked out once per candidate, over all its slices, for every gap.
                    continuity.append(_StripContinuity(image, along[0], along[-1], start, end,
                                                       page))
                return continuity[0].continues(before, after) or \
                    _continues_past_tick(image, before, after, start, end)

            first, last = _longest_chain(along, STRIP_MAX_GAP + 1, bridge)
            if dark is not None:
                # A pale end (white, like the page: Greys, terrain, cubehelix) breaks the strip
                # but not the bar's outline: follow the outline through it.
                oriented = dark if vertical else dark.T
                first, last = _follow_outline(image, oriented, start, end, first, last,
                                              max_thickness)
                first, last = _trim_past_outline(image, oriented, page_rgb, start, end, first,
                                                 last, max_thickness)
            length = last - first + 1
            width = end - start
            if length < shortest or length < MIN_ASPECT * width or width < MIN_STRIP_WIDTH or \
                    not _quiet_sides(image, start, end, first, last + 1, max_thickness + 4) or \
                    not _stands_out(image, start, end, first, last + 1):
                continue
            taken.append((start, end, first, last))
            # A bar with no outline whose end fades into the page's colour (Greys, cubehelix,
            # gist_earth): its palest stretch is not a strip pixel; follow the fade to its end.
            first, last = _follow_edges_astray(image, page_rgb, start, end, first, last)
            first, last, faded = _follow_pale_ends(image, page_rgb, start, end, first, last)
            lo, hi, ends_colours, pale_triangles = _extension_ends(image, page_rgb, start, end,
                                                                   first, last + 1)
            edges = [float(start), float(end), lo, hi]
            if dark is not None:
                edges = _onto_outline(dark if vertical else dark.T, edges, ends_colours,
                                      max_thickness, pale_triangles, image, page_rgb)
            # Which edges are an outline's line centres (the others: a fill's pixel edges, a
            # triangle's base), in the box's order (left, top, right, bottom).
            on_line = [moved != found for moved, found in zip(edges, (start, end, lo, hi))]
            on_line = (on_line[0], on_line[2], on_line[1], on_line[3]) if vertical else \
                (on_line[2], on_line[0], on_line[3], on_line[1])
            # A faded end stays uncertain unless a triangle or an outline line placed it.
            faded = tuple(bool(faded[i]) and ends_colours[i] is None and not pale_triangles[i]
                          and edges[2 + i] == (lo, hi)[i] for i in (0, 1))
            # Plain ends (no triangle, outline or fade placed them): where the end's colour
            # falls half way to the page (a JPEG's chroma blurs a saturated end, viridis'
            # yellow, over 2-3 px that are not strip slices).
            for index, outward in ((0, -1), (1, 1)):
                if ends_colours[index] is None and not pale_triangles[index] and \
                        not faded[index] and edges[2 + index] == (lo, hi)[index] == \
                        float((first, last + 1)[index]):
                    edges[2 + index] = _blurred_end(image, page_rgb, start, end,
                                                    (first, last)[index], outward)
            # Sides no outline closes: where the colour falls half way to the page (a strong
            # JPEG rings inside the bar's edges, and the strip's runs start a few pixels in).
            for index, outward in ((0, -1), (1, 1)):
                if edges[index] == float((start, end)[index]):
                    edges[index] = _colour_edge(image, page_rgb, start, end, first, last,
                                                outward, edges[index],
                                                None if dark is None else
                                                dark if vertical else dark.T)
            left, right, lo, hi = edges
            if vertical:
                box = Rectangle(left, lo, right, hi)
            else:
                box = Rectangle(lo, left, hi, right)
            # (Only the bridges inside the chain kept: others joined pieces left out.)
            inside = tuple((before, after) for before, after in page_bridged
                           if first <= before and after <= last)
            strips.append(ColourStrip(box, vertical, ends_colours, faded, on_line, inside))
    return strips


#: Most slices a tick mark crossing the strip spoils: its line (1-2 px at 60-150 dpi) and the
#: JPEG block its ringing spreads over (8 px).
TICK_SPOILT_SLICES = 8
#: Least share of a tick-spoilt slice's pixels across the strip that are the bar's colour
#: (within twice :data:`STRIP_SMOOTH_STEP`): the part the tick does not cross.
TICK_CLEAR_SHARE = 0.4


def _continues_past_tick(image, before, after, start, end) -> bool:
    """Whether a strip goes on across a few slices spoilt by a tick mark crossing it.

    Ticks drawn inward (bmh's, classic's) cross 3-5 px into a bar 10-20 px wide at 60-100
    dpi; their ink and, in a JPEG, their ringing over the 8-pixel block leave up to
    :data:`TICK_SPOILT_SLICES` slices that are no strip's run, and not one colour across, so
    the strip was cut at the first tick (a bar found a half or a sixth of its length). The
    strip goes on when the gap is that short and the colour on its far side is the colour
    on its near side carried on at the bar's own pace: the median colour of
    :data:`GAP_SIDE_SLICES` slices either side differs by no more than
    :data:`STRIP_SMOOTH_STEP` beyond the change the slices before it make over as many
    slices (a map's stretch in line with the bar, or the next thing, has a colour of its own),
    and every slice of the gap is that colour on :data:`TICK_CLEAR_SHARE` of its width at
    least (a line drawn across the bar is none of it).

    Parameters
    ----------
    image : ndarray of uint8 (slices, across, 3)
        The figure, oriented so that slices across the strip are rows.
    before, after : int
        The last slice before the gap and the first after it.
    start, end : int
        The strip's edges across (``end`` exclusive).
    """
    if after - before - 1 > TICK_SPOILT_SLICES or before - 2 * GAP_SIDE_SLICES + 1 < 0 or \
            after + GAP_SIDE_SLICES > image.shape[0]:
        return False
    # The slices before the gap, twice as many as compared: their pace of change.
    earlier, one_before = _slice_colours(image, slice(before - 2 * GAP_SIDE_SLICES + 1,
                                                      before + 1), start, end)
    later, one_after = _slice_colours(image, slice(after, after + GAP_SIDE_SLICES), start, end)
    if not (one_before[-GAP_SIDE_SLICES:].all() and one_after.all()):
        return False
    near = np.median(earlier[-GAP_SIDE_SLICES:], axis=0)
    far = np.median(later, axis=0)
    pace = np.abs(near - np.median(earlier[:GAP_SIDE_SLICES], axis=0)).sum() / GAP_SIDE_SLICES
    if np.abs(far - near).sum() > STRIP_SMOOTH_STEP + pace * (after - before):
        return False
    # A tick crosses part of the bar's width: every slice of the gap shows the bar's colour
    # on a good share of it. A line drawn across the bar (GMT's before a triangle of the
    # end's colour) shows none: the bar ends there.
    gap = image[before + 1:after, start:end].astype(np.float32)
    expected = 0.5 * (near + far)
    bar_coloured = np.abs(gap - expected).sum(axis=2) <= 2 * STRIP_SMOOTH_STEP
    return bool((bar_coloured.mean(axis=1) >= TICK_CLEAR_SHARE).all())


#: The strip's colours on either side of a stretch of page are one colour when closer to each
#: other than this share of their distance from the page (CIELAB ΔE): a map's black spine and
#: a bar's black outline, ΔE ~1 apart and ~100 from white, are; a diverging colormap's two
#: pale hues beside its white middle, as far from each other as from the page (a QGIS RdBu
#: ramp: ΔE 9 apart, 7-8 from white), are not.
SAME_COLOUR_ACROSS_GAP = 0.25
#: Slices on either side of a gap whose colour is compared.
GAP_SIDE_SLICES = 4


def _same_colour_across(image, before, after, start, end, page) -> bool:
    """Whether the strip's colour just before slice ``before`` (included) and just after slice
    ``after`` (included) is one colour, away from the page's: no colormap leaves a colour
    through white and comes back to it (:data:`SAME_COLOUR_ACROSS_GAP`).

    Parameters
    ----------
    image : ndarray of uint8 (slices, across, 3)
        The figure, oriented so that slices across the strip are rows.
    before, after : int
        The last slice before the gap and the first after it.
    start, end : int
        The strip's edges across (``end`` exclusive).
    page : array-like of 3
        The page's colour (sRGB, 0-255).
    """
    first = max(0, before - GAP_SIDE_SLICES + 1)
    last = min(image.shape[0], after + GAP_SIDE_SLICES)
    colours_before, _ = _slice_colours(image, slice(first, before + 1), start, end)
    colours_after, _ = _slice_colours(image, slice(after, last), start, end)
    lab = srgb_to_lab(np.array([np.median(colours_before, axis=0),
                                np.median(colours_after, axis=0),
                                np.asarray(page, np.float64)]) / 255.0)
    apart = np.linalg.norm(lab[0] - lab[1])
    from_page = min(np.linalg.norm(lab[0] - lab[2]), np.linalg.norm(lab[1] - lab[2]))
    return bool(apart < SAME_COLOUR_ACROSS_GAP * from_page)


#: Most a slice's colour (median across the strip's middle half; the three channels'
#: differences summed, 0-255 each) may differ from a colour block's to be of that block: a
#: strong JPEG rings by up to 10 levels a channel on a narrow bar at 72 dpi; the classes
#: beside a discrete colormap's pale middle differ by 60 and more (RdBu in 11 classes).
BLOCK_COLOUR_TOLERANCE = STRIP_SMOOTH_STEP
#: Largest difference between the lengths of a pale gap and of a colour block beside it for
#: the gap to be one more block (pixels, or this share of the gap's length if more): a
#: renderer rounds each class to whole pixels and a JPEG blurs every edge by 1-2 px.
CLASS_LENGTH_TOLERANCE_PX = 3
CLASS_LENGTH_TOLERANCE_SHARE = 0.08
#: A pale class this close to the page's colour (each channel, 0-255) cannot be told from
#: page by its own colour: both blocks beside it must then be as long as it.
PAGE_COLOURED_CLASS = 3


def _flat_run(colours, centre, tolerance=BLOCK_COLOUR_TOLERANCE, reach=2) -> tuple:
    """(first, last) index of the run of slices around ``centre`` whose colour lies within
    ``tolerance`` (channels' differences summed, 0-255) of the median colour of the slices
    ``reach`` either side of it (a JPEG's noise on one slice): one colour block."""
    reference = np.median(colours[max(0, centre - reach):centre + reach + 1], axis=0)
    flat = np.abs(colours - reference).sum(axis=1) <= tolerance
    return _run_bounds(flat, centre)


def _pale_class_between(image, before, after, start, end, page, first, last,
                        page_coloured=None) -> bool:
    """Whether a stretch of pale slices between two pieces of a strip is one class of a
    discrete bar whose colour is (nearly) the page's.

    A discrete colormap centred on white (RdBu, PuOr, BrBG, bwr, seismic with an odd number of
    classes) has a middle class within :data:`STRIP_PAGE_CONTRAST` of a white page: drawn
    without an outline (seaborn, ggplot), its slices are not strip pixels and the bar falls in
    two. Such a class is one colour from one of its neighbours to the other, and as long as
    they are (matplotlib gives every class the same length): a colour block of exactly the
    blocks' length, in line with them. Page between two things in line is neither bounded by
    flat blocks nor as long as them but by chance.

    Parameters
    ----------
    image : ndarray of uint8 (slices, across, 3)
        The figure, oriented so that slices across the strip are rows.
    before, after : int
        The last strip slice before the stretch and the first after it.
    start, end : int
        The strip's edges across (``end`` exclusive).
    page : array-like of 3
        The page's colour (sRGB, 0-255).
    first, last : int
        The first and last slice of the candidate strip (its colours are looked at between,
        up to three times the stretch's length from it).
    page_coloured : list, optional
        True is appended to it when the stretch is the page's very colour (and True returned):
        the bar is then joined by its shape only, as two bars in line may be.

    Returns
    -------
    bool
        True when the stretch is one pale colour over its length (but for
        :data:`BLOCK_EDGE_SLICES` // 2 blurred slices at either end), the strip's slices
        beside it are flat colour blocks, and the stretch is as long as one of them
        (:data:`CLASS_LENGTH_TOLERANCE_PX`, :data:`CLASS_LENGTH_TOLERANCE_SHARE`); when the
        stretch is the page's very colour (:data:`PAGE_COLOURED_CLASS`), as long as both, and
        they of opposite hues (:func:`_opposite_hues`).
    """
    blur = BLOCK_EDGE_SLICES // 2
    # Blocks up to twice the stretch's length beside it are looked at: one cut off there is
    # longer than the stretch anyway.
    # (Three times: the diverging shape's test looks at the block beyond each of them.)
    reach = 3 * (after - before) + 4 * blur
    first, last = max(first, before - reach), min(last, after + reach)
    colours, _ = _slice_colours(image, slice(first, last + 1), start, end)
    page = np.asarray(page, np.float64)
    gap_first, gap_last = _flat_run(colours, (before + after) // 2 - first)
    if gap_first is None or gap_first > before + 1 - first + blur or \
            gap_last < after - 1 - first - blur:
        return False
    gap_colour = np.median(colours[gap_first:gap_last + 1], axis=0)
    if np.abs(gap_colour - page).max() > 2 * STRIP_PAGE_CONTRAST:
        return False
    gap_length = gap_last - gap_first + 1
    tolerance = max(CLASS_LENGTH_TOLERANCE_PX, CLASS_LENGTH_TOLERANCE_SHARE * gap_length)
    matches, block_colours, beyond_colours = [], [], []
    for edge, outward in ((gap_first - 1, -1), (gap_last + 1, 1)):
        # The block's colour is taken a few slices in from the gap, past the blurred edge.
        centre = edge + outward * blur
        if not 0 <= centre < len(colours):
            return False
        block_first, block_last = _flat_run(colours, centre)
        if block_first is None:
            return False
        block_length = block_last - block_first + 1
        if block_length < 0.5 * gap_length:
            # Not a block of a discrete bar: a continuous colormap, or something else in line.
            return False
        matches.append(abs(block_length - gap_length) <= tolerance)
        block_colours.append(np.median(colours[block_first:block_last + 1], axis=0))
        # The next block out, past its blurred edge (None where the strip ends there).
        beyond = (block_first if outward < 0 else block_last) + outward * (1 + blur)
        beyond_run = _flat_run(colours, beyond) if 0 <= beyond < len(colours) else (None, None)
        beyond_colours.append(None if beyond_run[0] is None else
                              np.median(colours[beyond_run[0]:beyond_run[1] + 1], axis=0))
    # A diverging colormap is palest at its middle class and darkens outward on both sides:
    # two bars in line darken (or lighten) the same way across the page between them
    # (viridis beside viridis, Blues beside Reds, coolwarm beside coolwarm).
    if not _diverging_shape(block_colours, beyond_colours):
        return False
    if np.abs(gap_colour - page).max() > PAGE_COLOURED_CLASS:
        return any(matches)
    # The page's very colour: two things in line with page between them as long as their
    # blocks (two panels' bars) look the same. A diverging colormap's classes beside its white
    # one are as long as it and of opposite hues (red and blue, orange and purple).
    if not (all(matches) and _opposite_hues(*block_colours)):
        return False
    if page_coloured is not None:
        page_coloured.append(True)
    return True


#: Least CIELAB lightness (L*) by which the block beyond each of the blocks beside a pale
#: class must be darker than it: a diverging colormap's classes darken outward by 4 L* and
#: more (coolwarm in 11 classes: 84 then 77; RdBu 90 then 74), JPEG moves L* by 1-2.
DIVERGING_DARKENING_LSTAR = 3.0
#: Most the L* of the blocks beside a pale middle class may differ: a diverging colormap's two
#: palest classes are nearly as light as each other (RdBu, BrBG, RdGy within 2; PuOr, PRGn
#: within 11 in 5 classes; seismic, whose blue is darker than its red, 21).
DIVERGING_LIGHTNESS_APART_LSTAR = 25.0


def _diverging_shape(block_colours, beyond_colours) -> bool:
    """Whether the blocks beside a pale stretch are each its side's palest and nearly as
    light as each other: the classes beyond them (sRGB, 0-255, one per side, None where the
    strip ends) are darker by :data:`DIVERGING_DARKENING_LSTAR` and the two blocks' L* lie
    within :data:`DIVERGING_LIGHTNESS_APART_LSTAR` of each other."""
    if any(colour is None for colour in beyond_colours):
        # A bar of three classes (or a strip ending there) shows no shape: left cut in two.
        return False
    lightness = srgb_to_lab(np.array(list(block_colours) + list(beyond_colours),
                                     np.float64) / 255.0)[:, 0]
    darker_outward = (lightness[2:] <= lightness[:2] - DIVERGING_DARKENING_LSTAR).all()
    return bool(darker_outward and
                abs(lightness[0] - lightness[1]) <= DIVERGING_LIGHTNESS_APART_LSTAR)


#: Least CIELAB chroma of a colour whose hue is told (a diverging colormap's palest classes
#: beside its white middle: RdBu's in 11 classes have 15-20).
MIN_HUE_CHROMA = 5.0
#: Least CIELAB hue angle between the classes beside a white middle one (degrees): bwr's and
#: seismic's red and blue lie 88° apart, RdBu's, PuOr's, PiYG's, BrBG's 93-180°; viridis'
#: yellow end beside Reds' pale start (two panels' bars in line) 60°. Asked only of a class of
#: the page's very colour, after the diverging shape (:func:`_diverging_shape`): it still
#: parts Reds_r beside Oranges (both palest facing), but 76 of 136 pairs of ColorBrewer's
#: sequential maps' palest classes lie further apart, so such a join is also warned about
#: (``page_bridged``). (Spectral's and RdYlGn's neighbours in 9-11 classes lie 23-35° apart,
#: but their yellow middle is no page colour: this is not asked there.)
MIN_HUE_APART_DEG = 75.0


def _opposite_hues(colour, other) -> bool:
    """Whether two colours (sRGB, 0-255) have hues at least :data:`MIN_HUE_APART_DEG` apart in
    CIELAB, or one is a grey (chroma below :data:`MIN_HUE_CHROMA`) and the other not (RdGy's
    pink and grey)."""
    lab = srgb_to_lab(np.array([colour, other], np.float64) / 255.0)
    chroma = np.hypot(lab[:, 1], lab[:, 2])
    chromatic = chroma >= MIN_HUE_CHROMA
    if chromatic.all():
        cosine = np.dot(lab[0, 1:], lab[1, 1:]) / (chroma[0] * chroma[1])
        return bool(cosine <= np.cos(np.radians(MIN_HUE_APART_DEG)))
    return bool(chromatic.any())


def _colour_edge(image, page_rgb, start, end, first, last, outward, position, dark=None,
                 samples=60):
    """A strip's side (a pixel edge across it) where its colour meets the page, or
    ``position`` when the slices do not agree on one.

    On each slice (up to ``samples`` of ``first``..``last``, the pale ones left out: they
    show no edge) every pixel's coverage is its colour's share of the way from the page to
    the slice's own colour (the median of its middle half); walking outward from the middle,
    the side is where the coverage falls below one half, between the two pixels' centres.
    An anti-aliased edge gives its sub-pixel position, a crisp one its pixel edge; a JPEG's
    ringing inside the edge (which ends the strip's runs early) does not move it. The median
    over the slices is kept when it lies within :data:`EDGE_BLUR` pixels outside
    ``position`` (never inside it: the runs' pixels are the bar's) and the slices agree on
    it to a pixel. A side whose outermost strip pixels are ink (``dark``) where the bar's
    own colour is not is an outline the strip took in (a dark colormap end merges with it):
    it stays.

    Parameters
    ----------
    image : ndarray of uint8 (slices, across, 3)
        The figure, oriented so that slices across the strip are rows.
    page_rgb : array-like of 3
    start, end : int
        The strip's runs' edges across (``end`` exclusive).
    first, last : int
        The strip's first and last slice.
    outward : int
        -1 for the ``start`` side, 1 for the ``end`` side.
    position : float
        The side as found so far (pixel edge).
    dark : ndarray of bool (slices, across), optional
        Ink pixels, oriented as ``image``.

    Returns
    -------
    float
    """
    page = np.asarray(page_rgb, np.float64)
    n_across = image.shape[1]
    quarter = max((end - start) // 4, 1)
    middle = (start + end) // 2
    rows = np.unique(np.linspace(first, last, min(samples, last - first + 1)).astype(int))
    colours = np.median(image[rows, start + quarter:max(end - quarter, start + quarter + 1)]
                        .astype(np.float64), axis=1) - page
    strength = (colours ** 2).sum(axis=1)
    strong = np.abs(colours).sum(axis=1) >= 6 * STRIP_PAGE_CONTRAST
    if strong.sum() < 5:
        return position
    if dark is not None:
        light = ~dark[rows, (start + end) // 2]
        outermost = start if outward < 0 else end - 1
        if light.any() and dark[rows[light], outermost].mean() > 0.5:
            return position
    reach = EDGE_BLUR + 2
    if outward < 0:
        columns = np.arange(middle, max(start - reach, 0) - 1, -1)
    else:
        columns = np.arange(middle, min(end + reach, n_across))
    pixels = image[rows[strong]][:, columns].astype(np.float64) - page
    coverage = np.einsum("sck,sk->sc", pixels, colours[strong]) / strength[strong][:, None]
    found = []
    for row in coverage:
        below = np.flatnonzero(row < 0.5)
        if below.size == 0 or below[0] == 0:
            continue
        k = int(below[0])
        inner, outer = row[k - 1], row[k]
        # Pixel centres columns[k - 1] + 0.5 and columns[k] + 0.5, a pixel apart.
        share = (inner - 0.5) / max(inner - outer, 1e-6)
        found.append(columns[k - 1] + 0.5 + outward * share)
    if len(found) < 5:
        return position
    found = np.array(found)
    edge = float(np.median(found))
    if np.median(np.abs(found - edge)) > 1.0 or not 0.0 < (edge - position) * outward <= EDGE_BLUR:
        return position
    return edge


def _blurred_end(image, page_rgb, start, end, edge, outward, own=4):
    """A strip's end (pixel edge along it) where its end colour falls half way to the page.

    Each slice's colour (the median of its middle half) is measured as its share of the way
    from the page to the end's own colour (the median of its last ``own`` slices); walking
    outward from the last slice ``edge``, the end is where that share falls below one half,
    between the two slices' centres: a crisp end's pixel edge, a blurred one's middle. The
    strip's own edge (``edge``'s outer side) stands when the share does not fall within
    :data:`EDGE_BLUR` slices, or the end's colour is too near the page's to measure.

    Parameters
    ----------
    image : ndarray of uint8 (slices, across, 3)
        The figure, oriented so that slices across the strip are rows.
    page_rgb : array-like of 3
    start, end : int
        The strip's edges across (``end`` exclusive).
    edge : int
        The strip's last slice at that end.
    outward : int
        -1 at the first slice's end, 1 at the last's.

    Returns
    -------
    float
    """
    found = float(edge + (outward > 0))
    page = np.asarray(page_rgb, np.float64)
    inside = edge - outward * np.arange(own)
    beyond = edge + outward * np.arange(1, EDGE_BLUR + 1)
    rows = np.concatenate([inside[::-1], beyond])
    if rows.min() < 0 or rows.max() >= image.shape[0]:
        return found
    colours, _ = _slice_colours(image, rows, start, end)
    towards = np.median(colours[:own], axis=0) - page
    strength = float((towards ** 2).sum())
    if np.abs(towards).sum() < 6 * STRIP_PAGE_CONTRAST:
        return found
    share = (colours - page) @ towards / strength
    for k in range(own - 1, rows.size - 1):
        if share[k] >= 0.5 > share[k + 1]:
            fraction = (share[k] - 0.5) / (share[k] - share[k + 1])
            # Slice i's centre is i + 0.5: where a covering share of one half lies, so is
            # the end.
            return float(rows[k] + outward * fraction + 0.5)
        if share[k] < 0.5:
            break
    return found


#: Longest step (slices) taken as the edge between a stepped bar's colour blocks: a JPEG's
#: ringing reaches across its 8-pixel block; rough steps this few smooth ones apart (a
#: ringing's swings) are one step; and the fewest smooth steps on either side.
BLOCK_EDGE_SLICES = 8
RINGING_SMOOTH_STEPS = 4
BLOCK_EDGE_FLAT = 2
#: Fewest flat slices of a block as dark and grey as a line beside such a step (luma below
#: 0.45 of white, channels within :data:`LINE_GREY_SPREAD`): a line drawn across the bar (a
#: frame's, an outline's before a triangle) is flat too, but thin, and is the bar's end.
DARK_BLOCK_MIN_SLICES = 10
LINE_GREY_SPREAD = 40
#: Farthest (|ΔR| + |ΔG| + |ΔB|) a slice inside such a step may lie outside the range of the
#: two blocks' colours: a JPEG's ringing over- and undershoots by some 30 (q60); a dark line
#: across the bar lies hundreds away.
RINGING_OVERSHOOT = 2 * STRIP_SMOOTH_STEP


def _block_edges(colours, smooth, page):
    """Steps between slices that are the edge between two colour blocks of a stepped bar.

    A stepped bar (contourf, discrete levels) changes colour at once between its blocks: a
    step of at most :data:`BLOCK_EDGE_SLICES` slices (rough steps, over
    :data:`STRIP_SMOOTH_STEP`, at most :data:`RINGING_SMOOTH_STEPS` smooth ones apart) with
    :data:`BLOCK_EDGE_FLAT` smooth steps on either side (:data:`DARK_BLOCK_MIN_SLICES` beside
    a line's dark grey), from a colour unlike the page to another unlike it (a step to the
    page's colour is where the bar ends, or a gap between two things), through slices whose
    colours lie between the two (within :data:`RINGING_OVERSHOOT`: a blend, a JPEG's
    ringing; a dark line across the bar, its end, does not).

    Parameters
    ----------
    colours : ndarray of float (n, 3)
        Each slice's colour (:func:`_slice_colours`), RGB 0-255.
    smooth : ndarray of bool (n - 1,)
        Whether each step to the next slice is within :data:`STRIP_SMOOTH_STEP`.
    page : array-like of 3
        The page colour, RGB 0-255.

    Returns
    -------
    ndarray of bool (n - 1,)
        True at the steps of such edges.
    """
    edges = np.zeros(smooth.shape, bool)
    unlike_page = (np.abs(colours - np.asarray(page, np.float64)) > STRIP_PAGE_CONTRAST).any(
        axis=1)
    steps = []
    for first, stop in true_runs(~smooth):
        if steps and first - steps[-1][1] <= RINGING_SMOOTH_STEPS:
            steps[-1][1] = int(stop)
        else:
            steps.append([int(first), int(stop)])
    bounds = [0] + [bound for step in steps for bound in step] + [smooth.size]
    for index, (first, stop) in enumerate(steps):
        if stop - first > BLOCK_EDGE_SLICES or first < BLOCK_EDGE_FLAT or \
                stop + BLOCK_EDGE_FLAT > smooth.size or \
                not unlike_page[first - BLOCK_EDGE_FLAT:stop + BLOCK_EDGE_FLAT + 1].all():
            continue
        # The blocks' flat stretches either side: from the step before, to the step after.
        flats = (first - bounds[2 * index], bounds[2 * index + 3] - stop)
        if any(flat < (DARK_BLOCK_MIN_SLICES if _line_grey(colour) else BLOCK_EDGE_FLAT)
               for flat, colour in zip(flats, (colours[first], colours[stop]))):
            continue
        # The slices about the step lie between the two blocks' colours, taken a little off
        # it (a blend, or a JPEG's ringing just past them); a dark line across the bar does
        # not.
        before, after = first - BLOCK_EDGE_FLAT, stop + BLOCK_EDGE_FLAT
        low = np.minimum(colours[before], colours[after])
        high = np.maximum(colours[before], colours[after])
        inside = colours[before + 1:after]
        outside = (np.maximum(low - inside, 0) + np.maximum(inside - high, 0)).sum(axis=1)
        if (outside <= RINGING_OVERSHOOT).all():
            edges[first:stop] = True
    return edges


def _line_grey(colour):
    """Whether a colour (sRGB 0-255) is as dark and grey as a drawn line's."""
    return _ink_dark(colour) and float(np.ptp(colour)) <= LINE_GREY_SPREAD


class _StripContinuity:
    """Which stretches of slices ``lo``..``hi`` go on as one bar whose edges a JPEG blurred.

    A strong JPEG (quality 60) rings along sharp edges: the first few pixels inside the bar's
    edges step by more than :data:`STRIP_SMOOTH_STEP`, on some 8-pixel blocks and not others,
    so the strip's runs start and end a few pixels inside its edges there and the strip is cut
    into pieces tens of slices apart. The bar goes on through such a stretch when the middle
    half across every slice is one colour (:func:`_slice_colours`), and that colour runs on
    smoothly from slice to slice, from the strip before to the strip after, but for the edges
    between a stepped bar's colour blocks (:func:`_block_edges`): a JPEG rings most along
    those, between saturated colours (contourf's dark orange after a pale one).

    Parameters
    ----------
    image : ndarray of uint8 (slices, across, 3)
        The figure, oriented so that slices across the strip are rows.
    lo, hi : int
        The first and last slice of the candidate strip.
    start, end : int
        The strip's edges across (``end`` exclusive).
    page : array-like of 3, optional
        The page colour; without it no step between blocks is taken as one.
    """

    def __init__(self, image, lo, hi, start, end, page=None):
        self.lo = int(lo)
        colours, one_colour = _slice_colours(image, slice(self.lo, int(hi) + 1), start, end)
        smooth = np.abs(np.diff(colours, axis=0)).sum(axis=1) <= STRIP_SMOOTH_STEP
        if page is not None:
            smooth |= _block_edges(colours, smooth, page)
        # Counts of failing slices and steps up to each slice: any stretch is tested at once.
        self.bad_slices = np.concatenate([[0], np.cumsum(~one_colour)])
        self.bad_steps = np.concatenate([[0], np.cumsum(~smooth)])

    def continues(self, before, after) -> bool:
        """Whether slices ``before``..``after`` (both included) are one bar."""
        first, last = before - self.lo, after - self.lo
        return bool(self.bad_slices[last + 1] == self.bad_slices[first]
                    and self.bad_steps[last] == self.bad_steps[first])


def _onto_outline(dark, edges, extension_colours, max_thickness,
                  pale_triangles=(False, False), image=None, page_rgb=None):
    """Strip edges (start, end across; lo, hi along) moved to an outline just outside them.

    ``dark`` is oriented as the strip's slices (rows across). An end with an extension triangle
    (a colour in ``extension_colours``, or one of the page's colour in ``pale_triangles``) was
    placed where the triangle's slanted sides meet the bar's width, to a pixel or two: a line
    across near it, on either side, is the bar's end (GMT closes the bar with one; matplotlib
    draws none there). A dark triangle is as dark as the line (GMT draws both black): there
    the end is found from ``image`` (oriented as ``dark``) by :func:`_dark_triangle_base`.
    With ``image`` and ``page_rgb``, a line beyond a stretch of the page's colour is not the
    bar's outline (:func:`_page_between`): a legend's frame a few pixels out, across its
    padding, where the bar's own thin outline is too faint for the dark mask.
    """
    from .lines import closes_line

    start, end, lo, hi = edges
    # The nearest line to the edge, outward: a legend's own frame may run a little farther out.
    tolerance = max_thickness + 1
    moved = list(edges)
    for index, (position, outward) in enumerate(((start, -1), (end, 1))):
        centre = closes_line(dark, False, position + outward * 0.5, lo, hi, tolerance,
                             max_thickness)
        if centre is not None and (centre - position) * outward > -1.0 and \
                not _page_between(image, page_rgb, position, centre, outward, lo, hi, False):
            moved[index] = centre
    for index, (position, outward, colour) in enumerate(((lo, -1, extension_colours[0]),
                                                         (hi, 1, extension_colours[1]))):
        triangle = colour is not None or pale_triangles[index]
        if colour is not None and _ink_dark(colour):
            # A dark triangle is itself dark across: no line can be told from it in the
            # dark mask; the bar's colour ending against the dark does tell the line's inner
            # side.
            if image is not None:
                found = _dark_triangle_base(image, dark, moved[:2], (lo, hi), position,
                                            outward, max_thickness)
                if found is not None:
                    moved[2 + index] = found
            continue
        centre = closes_line(dark, True, position + outward * 0.5, start, end, tolerance,
                             max_thickness)
        if centre is not None and not triangle and moved[:2] == [start, end] and \
                image is not None and _own_dark_end(image, start, end, centre, outward,
                                                    max_thickness):
            # No line along either side (no frame) and the "line" across is the bar's own
            # colour on its inner side: a dark colormap end (batlow's navy without a frame
            # was put 1.5 px inside its end, at the dark's "centre").
            continue
        if centre is not None and ((centre - position) * outward > -1.0 and not triangle
                                   or triangle and abs(centre - position) <= tolerance) and \
                not _page_between(image, page_rgb, position, centre, outward, start, end, True):
            moved[2 + index] = centre
    return moved


#: Pixels of the page's colour between a strip's edge and a line beyond it that make the line
#: something else's (a legend's frame across its padding), not the bar's outline.
PAGE_BETWEEN_PX = 2


def _page_between(image, page_rgb, position, centre, outward, first, last, across) -> bool:
    """Whether :data:`PAGE_BETWEEN_PX` or more rows (``across``: an end's) or columns (a
    side's) of the page's colour lie between a strip's edge at ``position`` and a line
    centred at ``centre`` beyond it, along the strip from ``first`` to ``last``; False
    without ``image`` or ``page_rgb``.

    A pixel is the page's when each channel lies within :data:`STRIP_PAGE_CONTRAST` of it;
    a row or column is, when 90 % of its pixels are. An outline touches its bar (its
    anti-aliased edge is no page colour)."""
    if image is None or page_rgb is None:
        return False
    if outward < 0:
        between = np.arange(int(np.floor(centre)) + 1, int(np.floor(position)))
    else:
        between = np.arange(int(np.ceil(position)), int(np.floor(centre)))
    size = image.shape[0] if across else image.shape[1]
    between = between[(between >= 0) & (between < size)]
    if between.size < PAGE_BETWEEN_PX:
        return False
    along = np.arange(max(int(first), 0), min(int(np.ceil(last)),
                                              image.shape[1] if across else image.shape[0]))
    if along.size == 0:
        return False
    pixels = image[between][:, along] if across else image[along][:, between]
    page = np.abs(pixels.astype(np.int16) - np.asarray(page_rgb, np.int16)).max(axis=2) <= \
        STRIP_PAGE_CONTRAST
    shares = page.mean(axis=1) if across else page.mean(axis=0)
    return int((shares >= 0.9).sum()) >= PAGE_BETWEEN_PX


def _own_dark_end(image, start, end, centre, outward, max_thickness):
    """Whether the slices just inside a dark "line" across a strip at ``centre`` have the
    line's own colour (within 2 × :data:`STRIP_SMOOTH_STEP`): the bar's dark end, no line."""
    line = int(np.floor(centre))
    inner = line - outward * (max_thickness // 2 + 2)
    start, end = int(np.ceil(start)), int(np.floor(end))
    if not (0 <= line < image.shape[0] and 0 <= inner < image.shape[0]):
        return False
    line_colour, _ = _slice_colour(image, line, start, end)
    inner_colour, _ = _slice_colour(image, inner, start, end)
    return bool(np.abs(line_colour - inner_colour).sum() <= 2 * STRIP_SMOOTH_STEP)


def _dark_triangle_base(image, dark, sides, ends, position, outward, max_thickness,
                        least_step=60.0):
    """The end of an outlined bar under a dark extension triangle, or None.

    Along the bar's middle, the bar's colour ends where it is half way from the bar's end
    colour to the darkest colour beyond it (|ΔR| + |ΔG| + |ΔB|): the inner side of the dark
    that the line closing the bar and the triangle make together. That line is as thick as
    the lines along the bar's long sides, and the bar's end is its centre, half that
    thickness farther out. Only for outlined bars: without an outline the triangle's fitted
    base is not confounded with a line, and stands. Kept when within ``max_thickness`` + 1
    of ``position`` (the fitted base) and the bar's end colour differs from the dark by at
    least ``least_step`` and falls to the dark within a JPEG's blur (else it shows no edge:
    a colormap running into black itself fades over many pixels).

    Parameters
    ----------
    image : ndarray of uint8 (slices, across, 3)
    dark : ndarray of bool (slices, across)
    sides : (float, float)
        The bar's sides across (outline centres or colour edges).
    ends : (float, float)
        The bar's ends along it as estimated so far.
    position : float
        The end as estimated so far (pixel edge along the bar).
    outward : int
        -1 at the start end, 1 at the far end.
    max_thickness : int

    Returns
    -------
    float or None
    """
    start, end = int(np.ceil(sides[0])), int(np.floor(sides[1]))
    if end - start < 4:
        return None
    quarter = max((end - start) // 4, 1)
    inside = slice(start + quarter, end - quarter)
    reach = max_thickness + EDGE_BLUR + 4
    n_slices = image.shape[0]
    slices = int(np.floor(position)) - outward * reach + outward * np.arange(2 * reach + 1)
    slices = slices[(slices >= 0) & (slices < n_slices)]
    if slices.size < reach:
        return None
    colours = np.median(image[slices, inside].astype(np.float64), axis=1)
    darkest = colours[int(np.argmin(luma_of(colours)))]
    # How far each slice's colour is from the dark (|ΔR| + |ΔG| + |ΔB|): the bar's own dark
    # end (viridis' purple) still differs from black in colour.
    distance = np.abs(colours - darkest).sum(axis=1)
    bar = float(np.median(distance[:EDGE_BLUR]))
    if bar < least_step:
        return None
    k = _sharp_fall(distance, bar)
    if k is None:
        # The colormap darkens on towards its end (globe's greens at 0 m halve their
        # difference from black over the last 18 slices) and the edge's fall starts lower:
        # measured from the level just before the steepest fall.
        steepest = int(np.argmax(distance[:-1] - distance[1:])) + 1
        bar = float(np.median(distance[max(steepest - 3, 0):steepest]))
        k = _sharp_fall(distance, bar) if bar >= least_step else None
        if k is None:
            return None
    half = 0.5 * bar
    share = (distance[k - 1] - half) / max(distance[k - 1] - distance[k], 1e-6)
    edge = slices[k - 1] + 0.5 + outward * share
    # The outline's thickness: the dark run through each side's line, on slices along the
    # bar (where its own colours are dark the run is longer than a line and says nothing).
    rows = np.linspace(ends[0] + 0.1 * (ends[1] - ends[0]), ends[1] - 0.1 * (ends[1] - ends[0]),
                       21).astype(int)
    rows = rows[(rows >= 0) & (rows < n_slices)]
    thickness = []
    for side in sides:
        column = int(np.floor(side))
        if not 0 <= column < dark.shape[1]:
            continue
        for row in rows:
            a, b = _run_bounds(dark[row], column)
            if a is not None and b - a + 1 <= max_thickness:
                thickness.append(b - a + 1)
    if len(thickness) < 10:
        # No outline: the triangle's fitted base stands (a renderer may leave a seam of its
        # own between the bar and the triangle, which a colour edge would take for the end).
        return None
    line = float(np.median(thickness))
    found = float(edge + outward * 0.5 * line)
    if abs(found - position) > max_thickness + 1:
        return None
    return found


def _sharp_fall(distance, level):
    """The first index where ``distance`` falls below half of ``level``, when the fall from
    80 % of it to 20 % takes a JPEG's blur at most (:data:`EDGE_BLUR` + 1 slices); None for
    no such fall (a colormap that runs into black itself, gist_earth's end, fades over many
    slices: no edge)."""
    below = np.flatnonzero(distance < 0.5 * level)
    if below.size == 0 or below[0] == 0:
        return None
    k = int(below[0])
    high = np.flatnonzero(distance[:k] >= 0.8 * level)
    low = np.flatnonzero(distance[k:] <= 0.2 * level)
    if high.size == 0 or low.size == 0 or k + low[0] - high[-1] > EDGE_BLUR + 1:
        return None
    return k


def _ink_dark(colour):
    """Whether a colour (sRGB 0-255) is as dark as ink on a white page (see
    :func:`.lines.dark_mask`)."""
    return float(luma_of(colour, np.float64)) < 0.45 * 255.0


def _follow_outline(image, dark, start, end, first, last, max_thickness=4,
                    max_step=STRIP_SMOOTH_STEP):
    """(first, last) slices of a strip extended along its outline through pale slices.

    Beyond each end, a slice continues the bar while dark outline pixels stand just outside
    both its edges, its inside is one colour, and that colour is near the previous slice's; it
    stops at a slice dark across (the outline's end line) or where the outline turns away (an
    extension triangle's slanted side).
    """
    n_slices, n_across = dark.shape
    left = slice(max(start - 3, 0), max(start, 1))
    right = slice(min(end, n_across - 1), min(end + 3, n_across))
    inside = slice(start + 1, max(end - 1, start + 2))
    bounds = [first, last]
    for index, direction in ((0, -1), (1, 1)):
        current = bounds[index]
        previous, _ = _slice_colour(image, current, start, end)
        row = current
        while 0 <= row + direction < n_slices and abs(row - current) <= STRIP_MAX_GAP:
            row += direction
            if not (dark[row, left].any() and dark[row, right].any()):
                break
            if dark[row, inside].mean() > 0.5:
                # The outline's end line is thin; a bar's own dark end runs on (hot, magma).
                ahead = dark[row:min(row + direction * (max_thickness + 2), n_slices):direction
                             ] if direction > 0 else dark[max(row - max_thickness - 1, 0):row + 1]
                if ahead.shape[0] <= max_thickness or \
                        not (ahead[:, inside].mean(axis=1) > 0.5).all():
                    break
            # One colour across as _slice_colours judges it (the middle half, most of its
            # pixels): a strong JPEG's chroma noise on a saturated colour steps by more than
            # max_step between some neighbours all along the bar.
            # A few slices in a row may miss (a strong JPEG's block, a tick's stroke): the
            # bar goes on from the next one that is one colour near the last one kept.
            colour, one_colour = _slice_colour(image, row, start, end)
            if not one_colour or np.abs(colour - previous).sum() > max_step:
                continue
            previous, current = colour, row
        bounds[index] = current
    return bounds[0], bounds[1]


def _trim_past_outline(image, dark, page_rgb, start, end, first, last, max_thickness):
    """(first, last) slices of a strip cut at an outline's end line it ran through.

    A strong JPEG bleeds a bar's colour (its chroma, at half resolution) a few pixels past the
    black line closing its end: pale slices of nearly the page's luma but tinted, one colour
    across like the bar, so the strip's runs go on through the line (dark pixels are smooth
    too) into the bleed. Near each end, a thin run of slices dark across (at most
    ``max_thickness``) with the bar's colours inside it and only slices nearly as light as the
    page beyond it is the outline's end line: the strip ends at its inner side, and
    :func:`_onto_outline` then finds the line's centre.
    """
    page = float(luma_of(page_rgb, np.float64))
    inside = slice(start + 1, max(end - 1, start + 2))
    reach = max_thickness + 2 * EDGE_BLUR + 8
    bounds = [first, last]
    for index, inward in ((0, 1), (1, -1)):
        edge = bounds[index]
        slices = edge + inward * np.arange(min(reach, (last - first) // 4))
        dark_across = dark[slices, inside].mean(axis=1) > 0.5
        if not dark_across.any() or dark_across[0]:
            continue
        run_start = int(np.argmax(dark_across))
        run_end = run_start
        while run_end + 1 < dark_across.size and dark_across[run_end + 1]:
            run_end += 1
        if run_end - run_start + 1 > max_thickness or run_end + 1 >= dark_across.size:
            continue
        beyond = luma_of(image[slices[:run_start], inside], np.float64)
        if beyond.mean(axis=1).min() < 0.85 * page:
            continue
        bounds[index] = int(slices[run_end + 1])
    return bounds[0], bounds[1]


def _follow_edges_astray(image, page_rgb, start, end, first, last, tolerance=2,
                         min_contrast=6 * STRIP_PAGE_CONTRAST):
    """(first, last) slices of a strip extended along the bar where its runs' edges strayed.

    A strong JPEG rings along a bar's long edges: where the first pixels inside an edge step
    by more than :data:`STRIP_SMOOTH_STEP` on some stretch and not elsewhere, the strip's runs
    start a pixel or two off its edges there, and no slice of that stretch counts (GMT's
    globe through JPEG q60 at 100 dpi: its greys beyond 1100 m, 107 px of the bar, range read
    0-1097 for 0-1500). Beyond each end, a slice continues the bar while it is one colour
    across (:func:`_slice_colour`), near the previous slice's colour, unlike the page by at
    least ``min_contrast`` (|ΔR| + |ΔG| + |ΔB|; a paler end is :func:`_follow_pale_ends`'),
    and its pixels unlike the page span what they span on the strip's own last slices, to
    within ``tolerance`` at each side (a triangle narrows away from them); up to
    :data:`STRIP_MAX_GAP` slices in a row may miss.

    Parameters
    ----------
    image : ndarray of uint8 (slices, across, 3)
        The figure, oriented so that slices across the strip are rows.
    page_rgb : array-like of 3
    start, end : int
        The strip's runs' edges across (``end`` exclusive).
    first, last : int
        The strip's first and last slice.

    Returns
    -------
    first, last : int
    """
    page = np.asarray(page_rgb, np.int16)
    n_slices, n_across = image.shape[:2]
    window = (max(start - tolerance - 2, 0), min(end + tolerance + 2, n_across))
    middle = (start + end) // 2 - window[0]
    bounds = [first, last]

    def extents(rows):
        # The pixels unlike the page through the slices' middle: (first, last), -1 on a slice
        # with none there.
        unlike = (np.abs(image[rows, window[0]:window[1]].astype(np.int16) - page)
                  > STRIP_PAGE_CONTRAST).any(axis=2)
        return _runs_through(unlike, middle)

    for index, direction in ((0, -1), (1, 1)):
        current = bounds[index]
        # The bar's own extent across (its edges' ringing included), on its last slices.
        rows = np.array([row for row in range(current, current - direction * 8, -direction)
                         if first <= row <= last], int)
        lefts, rights = extents(rows)
        own = np.array([(left, right) for left, right in zip(lefts, rights) if left >= 0],
                       float)
        if own.shape[0] < 4:
            continue
        reference = np.median(own, axis=0)
        # The end's colour from its last few slices: the last one alone may be a line's
        # (a frame's dark line across, which the strip ran into, is no bar to follow).
        last_slices = np.arange(current, current - direction * 5, -direction)
        last_slices = last_slices[(last_slices >= first) & (last_slices <= last)]
        previous = np.median(_slice_colours(image, last_slices, start, end)[0], axis=0)
        row, misses, ahead = current, 0, np.zeros(0, int)
        while 0 <= row + direction < n_slices and misses <= STRIP_MAX_GAP:
            row += direction
            step = (row - ahead[0]) * direction if ahead.size else 0
            if step >= ahead.size:
                # The next slices measured together: the walk goes on for hundreds of slices
                # along a bar (sweep 297 #2: 6698 slices, one by one before).
                ahead = row + direction * np.arange(FOLLOWED_SLICES_AT_ONCE)
                ahead = ahead[(ahead >= 0) & (ahead < n_slices)]
                colours, one_colours = _slice_colours(image, ahead, start, end)
                lefts, rights = extents(ahead)
                step = 0
            colour, one_colour = colours[step], bool(one_colours[step])
            left, right = lefts[step], rights[step]
            if one_colour and left >= 0 and \
                    np.abs(colour - previous).sum() <= STRIP_SMOOTH_STEP and \
                    np.abs(colour - page).sum() >= min_contrast and \
                    abs(left - reference[0]) <= tolerance and \
                    abs(right - reference[1]) <= tolerance:
                previous, current, misses = colour, row, 0
            else:
                misses += 1
        bounds[index] = current
    return bounds[0], bounds[1]


def _turns_pale(image, page, start, end, row, previous):
    """Whether slice ``row`` goes on from an end's colour ``previous`` (one colour, within
    :data:`STRIP_SMOOTH_STEP` of it) and is pale (within 6 × :data:`STRIP_PAGE_CONTRAST` of
    the page): the bar's colours turn pale there, not its edge blurred into the page."""
    if not 0 <= row < image.shape[0]:
        return False
    colour, one_colour = _slice_colour(image, row, start, end)
    return one_colour and np.abs(colour - previous).sum() <= STRIP_SMOOTH_STEP and \
        np.abs(colour - page).sum() <= 6 * STRIP_PAGE_CONTRAST


def _follow_pale_ends(image, page_rgb, start, end, first, last, min_contrast=4.0,
                      max_share=0.35):
    """(first, last) slices of a strip extended through an end that fades into the page.

    Where a colormap's end is the page's colour (the white end of 'Greys', 'cubehelix',
    'gist_earth' on a white page), the slices within :data:`STRIP_PAGE_CONTRAST` of the page
    are not strip pixels and the strip stops short of the bar's end. Beyond such an end the
    slices are followed while each is one colour across, near its neighbour, and no farther
    from the page than the palest one before by more than :data:`STRIP_PAGE_CONTRAST` (the
    colormap's own continuation towards the page's colour; a strong JPEG's 8-pixel blocks
    step back by a few levels at their edges). The contrast to the page (|ΔR| + |ΔG| + |ΔB|)
    of the slices still at least ``min_contrast`` from it is fitted with a line along the
    bar; where that line reaches the page's colour is the bar's end (the last few slices are
    the page's colour within the figure's noise and show no edge of their own). An end that does not fade (an outline, a
    colour unlike the page, a fade with no steady trend) stays where it is.

    Parameters
    ----------
    image : ndarray of uint8 (slices, across, 3)
        The figure, oriented so that slices across the strip are rows.
    page_rgb : array-like of 3
        The page colour (sRGB, 0-255).
    start, end : int
        The strip's edges across (pixel edges; ``end`` exclusive).
    first, last : int
        The strip's first and last slice.
    min_contrast : float
        Least contrast to the page (sum over channels, 0-765) of a slice used in the fit.
    max_share : float
        Longest extension at each end, as a share of the strip's length.

    Returns
    -------
    first, last : int
        The strip's first and last slice, ends extended to the fitted page crossing (rounded
        to whole slices).
    faded : tuple of bool
        Whether each end (first, last) was placed by that crossing: the colormap's last few
        slices there are the page's colour within the figure's noise, so the end is an
        extrapolation, known to a few pixels only.
    """
    page = np.asarray(page_rgb, np.float64)
    n_slices = image.shape[0]
    length = last - first + 1
    bounds = [first, last]
    faded = [False, False]

    for index, direction in ((0, -1), (1, 1)):
        edge = bounds[index]
        previous, _ = _slice_colour(image, edge, start, end)
        contrast_at_edge = np.abs(previous - page).sum()
        # Only an end already pale continues into the page's colour (or one whose next
        # slice is: _follow_edges_astray hands over where the colours turn pale, haxby's
        # white end through JPEG q60).
        if contrast_at_edge > 6 * STRIP_PAGE_CONTRAST and not _turns_pale(
                image, page, start, end, edge + direction, previous):
            continue
        # The strip's own last slices set the trend the pale ones must continue. A colormap
        # fading slowly along a long bar (Greys at 150 dpi and more) keeps one 8-bit colour
        # for ten slices or more: the trend is taken over a sixteenth of the strip (at least 8
        # slices), its first and last quarters compared.
        window = min(max(8, length // 16), length // 4)
        trend = [np.abs(_slice_colour(image, row, start, end)[0] - page).sum()
                 for row in range(edge - direction * window, edge + direction, direction)]
        quarter = max(2, len(trend) // 4)
        if np.median(trend[-quarter:]) >= np.median(trend[:quarter]):
            continue
        # The level the end falls from (a blurred edge, not a fade): its last 8 slices.
        own = min(8, length // 4) + 1
        rows = list(range(edge - direction * (own - 1), edge + direction, direction))
        contrasts = trend[-own:]
        limit = int(max_share * length)
        row = edge
        # The first slice beyond that is the page's colour (within ``min_contrast``): where a
        # sharp end's blurred edge lands, which the step test needs to see (YlGnBu's pale end
        # at 150 dpi through a JPEG falls 40 -> 9 -> 1 over two slices: without the page's
        # slice no fall to a fifth was seen, and the slow trend before it was extrapolated
        # 13 px into the page).
        page_slice = None
        while True:
            nxt = row + direction
            if not 0 <= nxt < n_slices or abs(nxt - edge) > limit:
                break
            colour, one_colour = _slice_colour(image, nxt, start, end)
            contrast = np.abs(colour - page).sum()
            if contrast < min_contrast:
                page_slice = (nxt, contrast)
                break
            if not one_colour or \
                    not _full_width(image, nxt, start, end, page, contrast) or \
                    np.abs(colour - previous).sum() > STRIP_SMOOTH_STEP or \
                    contrast > min(contrasts[own - 1:]) + STRIP_PAGE_CONTRAST:
                break
            rows.append(nxt)
            contrasts.append(contrast)
            previous, row = colour, nxt
        if row == edge:
            continue
        if page_slice is not None:
            step = _blurred_step(np.array(rows + [page_slice[0]], float),
                                 np.array(contrasts + [page_slice[1]]), own, min_contrast)
        else:
            step = _blurred_step(np.array(rows, float), np.array(contrasts), own, min_contrast)
        rows, contrasts = np.array(rows, float), np.array(contrasts)
        if step is not None:
            # An end unlike the page, its edge blurred (a JPEG's chroma, anti-aliasing) into
            # a short fall that only looks like a fade: the edge is half way down.
            crossing = step
        else:
            # A fade into the page only falls: the slices past its lowest contrast are the
            # page's noise, a tick's or an outline's grey (gist_earth's white end through
            # JPEG q60, flat at 9 levels then rising where its triangle's outline starts:
            # the line through it all "faded" 65 px past the end, range 13 % off).
            lowest = own - 1 + int(np.argmin(contrasts[own - 1:]))
            rows, contrasts = rows[:lowest + 1], contrasts[:lowest + 1]
            row = int(rows[-1])
            if row == edge:
                continue
            # The fit on the pale stretch only (its colours run on one segment of the
            # colormap).
            pale = contrasts <= 2 * STRIP_PAGE_CONTRAST + min_contrast
            if not pale[-1]:
                # The slices followed never came near the page's colour: no fade into it to
                # extrapolate (batlow's pale pink end, a seam and a triangle beyond it: a line
                # fitted to their flat, noisy contrasts reached the page 200 px away, off the
                # image). The slices followed are the bar's, as for any fit refused below.
                bounds[index] = row
                continue
            if pale.sum() < 4:
                pale[:] = True
            slope, intercept = np.polyfit(rows[pale], contrasts[pale], 1)
            if slope * direction >= 0:
                bounds[index] = row
                continue
            crossing = -intercept / slope
            # The crossing lies beyond the last slice followed, within the invisible stretch:
            # where the line is within the least contrast followed and the fit's noise (a
            # JPEG flattens the palest colours into the page's) of the page.
            noise = np.std(contrasts[pale] - (slope * rows[pale] + intercept))
            if page_slice is not None and slope * page_slice[0] + intercept > \
                    page_slice[1] + min_contrast + 2 * noise:
                # The page is seen where the fade would still show colour (above the least
                # contrast followed and the fit's noise): the colormap's end is pale but not
                # the page's colour (Blues' (247, 251, 255), 12 levels from white), and it
                # ends there in a step, not a fade (the line through its pale stretch reached
                # the page 20 px farther, range 3 % off). The end is where the contrast falls
                # below half its last level.
                step = _last_fall(np.array(list(rows) + [page_slice[0]], float),
                                  np.array(list(contrasts) + [page_slice[1]]))
                crossing = step
            elif (crossing - row) * direction < 0 or not 0 <= crossing <= n_slices or \
                    abs(crossing - edge) > limit or \
                    abs(crossing - row) > max(3.0, 2 * (min_contrast + 2 * noise) / abs(slope)
                                              + 1):
                bounds[index] = row
                continue
        # Slice k covers k..k+1 and is measured at its centre k + 0.5: the bar's end (a pixel
        # edge) is at crossing + 0.5, which the whole slices first..last span to within 0.5.
        bounds[index] = int(round(crossing - 0.5)) if direction > 0 else int(round(crossing + 0.5))
        faded[index] = step is None
    return bounds[0], bounds[1], tuple(faded)


def _last_fall(rows, contrasts, last=4):
    """Where the contrasts (to the page) of the slices ``rows`` last fall below half the level
    of the ``last`` slices before the final one (slice index, measured at slice centres)."""
    level = float(np.median(contrasts[-1 - last:-1]))
    half = 0.5 * level
    for k in range(len(contrasts) - 2, -1, -1):
        if contrasts[k] >= half > contrasts[k + 1]:
            share = (contrasts[k] - half) / (contrasts[k] - contrasts[k + 1])
            return float(rows[k] + share * (rows[k + 1] - rows[k]))
    return float(rows[-1])


#: Slices beyond a strip's end measured at once while :func:`_follow_edges_astray` follows it.
FOLLOWED_SLICES_AT_ONCE = 32
#: Pixels over which a renderer's anti-aliasing and a JPEG's chroma blur an edge between a
#: colour and the page: a JPEG's 8-pixel block (at quality 60 a pale yellow end's blue
#: channel, YlGnBu's, falls to the page over 6-8 pixels at 72 dpi; a colormap's own fade into
#: the page's white takes tens of pixels).
EDGE_BLUR = 8


def _slice_colours(image, slices, start, end, one_colour_share=0.8):
    """(median colours, one colour) of the middle half of slices across a strip.

    The middle half: a JPEG rings next to the strip's edges. One colour: at least
    ``one_colour_share`` of its pixels within :data:`STRIP_SMOOTH_STEP` of the median.

    Parameters
    ----------
    image : ndarray of uint8 (slices, across, 3)
    slices : slice
    start, end : int
        The strip's edges across (``end`` exclusive).

    Returns
    -------
    colours : ndarray of float (n, 3)
    one_colour : ndarray of bool (n,)
    """
    quarter = max((end - start) // 4, 1)
    pixels = image[slices, start + quarter:max(end - quarter, start + quarter + 1)]
    pixels = pixels.astype(np.float32)
    colours = np.median(pixels, axis=1)
    near = np.abs(pixels - colours[:, None, :]).sum(axis=2) <= STRIP_SMOOTH_STEP
    return colours.astype(np.float64), near.mean(axis=1) >= one_colour_share


def _slice_colour(image, row, start, end):
    """(median colour, one colour) of the middle half of one slice (:func:`_slice_colours`)."""
    colours, one_colour = _slice_colours(image, slice(row, row + 1), start, end)
    return colours[0], bool(one_colour[0])


def _full_width(image, row, start, end, page, contrast):
    """Whether a pale slice spans the strip: its outer quarters are as far from the page as
    its middle (within half), as a bar fading into the page is, and a pale extension triangle
    narrowing to its tip is not."""
    quarter = max((end - start) // 4, 1)
    for part in (image[row, start + 1:start + quarter + 1], image[row, end - quarter - 1:end - 1]):
        if part.size and np.abs(np.median(part.astype(np.float64), axis=0) - page).sum() < \
                0.5 * contrast:
            return False
    return True


def _blurred_step(rows, contrasts, own, min_contrast):
    """Where a strip's end falls to the page as a blurred edge, not a fade (slice index).

    ``contrasts`` are the slices' contrasts to the page, the strip's own ``own`` last slices
    first, then the slices followed beyond its end. The end is a step when the contrast falls
    from the strip's level to a fifth of it within :data:`EDGE_BLUR` slices, more than twice
    as fast as the strip's own last slices change (a colormap's fade into the page falls at
    the colormap's own pace, over many slices). Returns the position
    (slice index, measured at slice centres) where the contrast crosses half the level, or
    None for a fade.
    """
    level = float(np.median(contrasts[:own]))
    if level < 4 * min_contrast:
        return None
    high = np.flatnonzero(contrasts >= 0.8 * level)
    if high.size == 0:
        return None
    after = high[-1]
    low = np.flatnonzero(contrasts[after:] <= 0.2 * level)
    if low.size == 0 or low[0] > EDGE_BLUR:
        return None
    # A fall the strip's own trend would make over as many slices is the colormap fading on
    # (hot's white end at 72 dpi loses a tenth of its contrast per slice), not an edge.
    own_slope = abs(float(np.polyfit(rows[:own], contrasts[:own], 1)[0]))
    if own_slope * max(int(low[0]), 1) >= 0.5 * (contrasts[after] - contrasts[after + low[0]]):
        return None
    half = 0.5 * level
    for k in range(after, after + low[0]):
        if contrasts[k] >= half > contrasts[k + 1]:
            share = (contrasts[k] - half) / (contrasts[k] - contrasts[k + 1])
            return float(rows[k] + share * (rows[k + 1] - rows[k]))
    return None


#: Least share of a strip's slices whose colour differs from what lies beside it on both
#: sides (see :func:`_stands_out`).
MIN_EDGE_SHARE = 0.5


def _stands_out(image, start, end, first, stop, samples=60):
    """Whether a strip's colour differs from the pixels just beyond both its edges on at
    least :data:`MIN_EDGE_SHARE` of its slices.

    A colorbar stands on the page, a legend's background or its outline, which its colours
    differ from all along but for a stretch as pale as the page (a white end, a diverging
    colormap's white middle). A column of a map's cells between neighbours of nearly the same
    colour ('hot' saturating to one red over a whole region, its cells' edges lined up by a
    coarse grid) has the edges of a strip only where its neighbours happen to change.
    """
    n_across = image.shape[1]
    outside = [column for column in (start - 2, end + 1) if 0 <= column < n_across]
    if len(outside) < 2:
        return True
    rows = np.unique(np.linspace(first, stop - 1, min(samples, stop - first)).astype(int))
    colours, _ = _slice_colours(image, rows, start, end)
    beside = image[rows][:, outside].astype(np.float64)
    differs = (np.abs(beside - colours[:, None, :]).sum(axis=2) > STRIP_SMOOTH_STEP).all(axis=1)
    return bool(differs.mean() >= MIN_EDGE_SHARE)


def _quiet_sides(image, start, end, first, stop, reach=6, share=0.7, same_colour=20):
    """Whether both long sides of a strip border one colour along most of its length.

    A colorbar stands on the page, on a legend's background or against its outline, with only
    ticks breaking that; a stretch of a map borders more map, which changes along it. The
    pixel columns from 2 to ``reach`` pixels beyond each edge are tried (the first ones may be
    an anti-aliased blend of the bar's colours and an outline).
    """
    n_across = image.shape[1]
    for columns in (range(start - 2, start - reach - 1, -1), range(end + 1, end + reach)):
        quiet = False
        for column in columns:
            if column < 0 or column >= n_across:
                break
            side = image[first:stop, column].astype(np.int16)
            usual = np.median(side, axis=0)
            if np.mean(np.abs(side - usual).sum(axis=1) <= same_colour) >= share:
                quiet = True
                break
        if not quiet:
            return False
    return True


def _longest_chain(values, max_step, bridge=None):
    """(first, last) of the longest run of sorted values with steps of at most ``max_step``.

    ``bridge(a, b)``, when given, says whether a longer step from ``a`` to ``b`` may be
    bridged too (a diverging colormap's white middle is the page's colour, and breaks the
    strip there; so do a JPEG's blocks).
    """
    breaks = np.flatnonzero(np.diff(values) > max_step)
    starts = list(np.concatenate([[0], breaks + 1]))
    stops = list(np.concatenate([breaks, [values.size - 1]]))
    if bridge is not None:
        index = 0
        while index < len(starts) - 1:
            before, after = values[stops[index]], values[starts[index + 1]]
            if bridge(int(before), int(after)):
                stops[index] = stops[index + 1]
                del starts[index + 1], stops[index + 1]
            else:
                index += 1
    starts, stops = np.array(starts), np.array(stops)
    best = int(np.argmax(values[stops] - values[starts]))
    return int(values[starts[best]]), int(values[stops[best]])


def _run_bounds(flags, centre):
    """(first, last) index of the run of True in ``flags`` through ``centre``; (None, None)
    when it is False there."""
    if centre < 0 or centre >= flags.size or not flags[centre]:
        return None, None
    left = centre
    while left > 0 and flags[left - 1]:
        left -= 1
    right = centre
    while right < flags.size - 1 and flags[right + 1]:
        right += 1
    return left, right


def _runs_through(flags, centre) -> tuple:
    """:func:`_run_bounds` of every row of ``flags`` (2-D) at once: arrays (first, last) of the
    run of True through column ``centre`` on each row, -1 on rows False there.

    The extension-end search measures a bar's width on every slice beyond its ends, each run
    walked pixel by pixel: 50,518 walks, 0.85 of a figure's 9.6 s layout (profiled, sweep
    auto_decode --wide --wider 298 #1).
    """
    rows, cols = flags.shape
    if not 0 <= centre < cols:
        return np.full(rows, -1), np.full(rows, -1)
    on = flags[:, centre]
    # The last False at or before the centre, the first False at or after it (none: the row's
    # end): the run lies between them.
    before = ~flags[:, :centre + 1]
    last_false = np.where(before.any(axis=1), centre - np.argmax(before[:, ::-1], axis=1), -1)
    after = ~flags[:, centre:]
    first_false = np.where(after.any(axis=1), centre + np.argmax(after, axis=1), cols)
    return np.where(on, last_false + 1, -1), np.where(on, first_false - 1, -1)


def _extension_ends(image, page_rgb, start, end, first, stop):
    """The rectangular part's ends along the strip, and the colours of triangles beyond them.

    Beyond each end the width of what is not page is measured on every slice through the bar's
    centre line (an outline, if drawn, counts on the bar and on the triangle alike); an
    extension triangle narrows it steadily to a point. Its base (where its straight sides meet
    the bar's width) ends the rectangle; its colour (the median of its middle) is the
    out-of-range colour of that end. A triangle in the page's own colour (white over a white
    page: 'hot', 'cubehelix', GMT's default foreground) shows only its outline: then the span
    from the outline's left side to its right side narrows the same way; it has no colour to
    read, and a line across its base (GMT draws one) is still the bar's end.

    Returns
    -------
    lo, hi : float
        The rectangle's ends along the strip (pixel edges).
    colours : tuple
        (start triangle colour, end triangle colour), sRGB 0-255 tuples or None.
    pale_triangles : tuple of bool
        Whether the end has a triangle of the page's colour (no colour to read), start and end.
    """
    strip_width = end - start
    centre = (start + end) // 2
    reach = max(3 * strip_width, 10)
    window = (max(start - 4, 0), min(end + 4, image.shape[1]))
    page = np.asarray(page_rgb, np.float64)
    ends = [float(first), float(stop)]
    colours = [None, None]
    pale_triangles = [False, False]
    middle = centre - window[0]

    def coverage_at(slices):
        # How far each pixel is from the page towards the slice's centre colour (1: that
        # colour; an outline, darker, more).
        patch = image[slices, window[0]:window[1]].astype(np.float64) - page
        towards = np.median(patch[:, max(middle - 1, 0):middle + 2], axis=1)
        strength = (towards ** 2).sum(axis=1)
        coverage = np.einsum("sck,sk->sc", patch, towards) / np.maximum(strength, 1.0)[:, None]
        return coverage, np.abs(towards).max(axis=1) > least_contrast

    def widths_at(slices, whole=False):
        # The run of pixels at least half way from the page to the slice's centre colour,
        # through the centre; its edge pixels and their outer neighbours count by how far
        # they are (an anti-aliased edge's pixel by the share of it covered): the width to a
        # fraction of a pixel, where whole pixels step by two at once on a symmetric triangle.
        # ``whole``: the run's length in whole pixels (a strong JPEG's noise on a pale fill
        # makes the shares of its edge pixels meaningless).
        coverage, strong = coverage_at(slices)
        lefts, rights = _runs_through((coverage >= 0.5) & strong[:, None], middle)
        widths = np.zeros(len(coverage))
        for index in np.flatnonzero(lefts >= 0):
            left, right = int(lefts[index]), int(rights[index])
            if whole:
                widths[index] = float(right - left + 1)
                continue
            share = np.clip(coverage[index, max(left - 1, 0):right + 2], 0.0, 1.0)
            widths[index] = float(share.sum())
        return widths

    def hard_edged(slices):
        # Whether the slices' edges are drawn without anti-aliasing: the pixels just outside
        # each side are the page's and the last ones inside the fill's own colour, with no
        # share between (an outline, darker than the fill, is not a fill's edge).
        coverage, strong = coverage_at(slices)
        mixed = []
        rows = coverage[strong]
        lefts, rights = _runs_through(rows >= 0.5, middle)
        for row, left, right in zip(rows, lefts, rights):
            if left <= 0 or right == row.size - 1:
                continue
            ends = row[[left - 1, left, right, right + 1]]
            if ends[1] > 1.15 or ends[2] > 1.15:
                return False
            mixed.append(((ends > 0.15) & (ends < 0.85)).sum())
        return bool(mixed) and float(np.mean(mixed)) < 0.25

    def spans_at(slices):
        # From the first pixel unlike the page left of the centre line to the last one right
        # of it (an outline's sides), 0 where one side has none.
        unlike = (np.abs(image[slices, window[0]:window[1]].astype(np.float64) - page).max(
            axis=2) > max(STRIP_PAGE_CONTRAST, least_contrast))
        left_any, right_any = unlike[:, :middle].any(axis=1), unlike[:, middle + 1:].any(axis=1)
        leftmost = np.argmax(unlike[:, :middle], axis=1)
        rightmost = unlike.shape[1] - 1 - np.argmax(unlike[:, ::-1], axis=1)
        return np.where(left_any & right_any, rightmost - leftmost + 1, 0).astype(float)

    # The bar's own width, measured the same way, on its middle part.
    length = stop - first
    interior = np.linspace(first + 0.2 * length, stop - 0.2 * length, 15).astype(int)
    # A triangle as pale as the page (the white over colour of 'gist_earth', 'terrain') is
    # seen wherever its colour stands out of the figure's noise (a JPEG's, measured across
    # the bar, where a slice is one colour).
    across = image[interior, start + 1:max(end - 1, start + 2)].astype(np.float64)
    noise = float(np.median(np.abs(across - np.median(across, axis=1)[:, None]).max(axis=2)))
    least_contrast = max(2.0, 3.0 * noise)
    measured = widths_at(interior)
    measured = measured[measured > 0]
    if measured.size < 5:
        return ends[0], ends[1], tuple(colours), tuple(pale_triangles)
    width = float(np.median(measured))
    measured_spans = spans_at(interior)
    span_width = float(np.median(measured_spans)) if (measured_spans > 0).mean() > 0.5 else None
    for index, (edge, direction) in enumerate(((first, -1), (stop - 1, 1))):
        # From inside the end: the chained slices may already run into the triangle a little.
        back = int(min(max(5, 2 * strip_width), length // 4))
        slices = edge - direction * back + direction * np.arange(reach + back)
        slices = slices[(slices >= 0) & (slices < image.shape[0])]
        if slices.size < back + 3:
            continue
        widths = widths_at(slices)
        found = _triangle_base(widths, width, back)
        if found is None or not _base_plausible(found, widths, width):
            # Fractional widths too noisy to fit (a pale fill through a strong JPEG): whole
            # pixels, against the bar's own width in whole pixels.
            whole = widths_at(slices, whole=True)
            whole_width = float(np.median(widths_at(interior, whole=True)))
            found = _triangle_base(whole, whole_width, back)
            if found is not None and _base_plausible(found, whole, whole_width):
                widths = whole
            else:
                found = None
        page_coloured = False
        if found is None and span_width is not None:
            # No coloured triangle: an outlined one of the page's colour?
            widths = spans_at(slices)
            found = _triangle_base(widths, span_width, back)
            page_coloured = True
        if found is None:
            continue
        offset, base, inner, first_narrow = found
        widths, slices = widths[offset:], slices[offset:]
        if not page_coloured and hard_edged(slices[inner]):
            # A fill drawn without anti-aliasing (matplotlib's extension triangles) covers
            # every pixel its edge touches: each row of the triangle is wider than its middle
            # line by the sides' run over the row and a pixel of rounding on average, so the
            # fitted sides meet the bar's width that much too far out.
            slope = np.polyfit(inner, widths[inner], 1)[0]
            base += (abs(slope) / 2 + 1) / slope
        # Its colour: the middle of its wider half (the tip is all anti-aliased edge).
        pixels = np.concatenate([
            image[int(slices[i]), max(centre - max(1, int(widths[i]) // 4), 0):
                  centre + max(1, int(widths[i]) // 4) + 1]
            for i in inner[:max(1, inner.size // 2)]]).astype(float)
        colour = np.median(pixels, axis=0)
        if page_coloured and np.abs(colour - page).max() <= max(STRIP_PAGE_CONTRAST,
                                                                least_contrast):
            ends[index] = float(slices[0] + direction * base + 0.5)
            pale_triangles[index] = True
            continue
        colours[index] = tuple(int(v) for v in np.round(colour))
        # A triangle drawn wider than the bar at its base (GMT's, a black one merging with its
        # outline) leaves the bar's width with a jump outward: the first wider slice of the
        # triangle's colour is the base. (A bar's own dark end merging with its outline is
        # wider too, but in the bar's colour.)
        centre_colours = image[slices[:first_narrow], centre].astype(float)
        of_triangle = np.abs(centre_colours - colour).sum(axis=1) <= STRIP_SMOOTH_STEP
        wider = np.flatnonzero((widths[:first_narrow] > width + 1) & of_triangle)
        if wider.size and wider[0] < base and of_triangle[wider[0]:].all() and \
                _filled_beyond(image, int(slices[wider[0]]), start, end, colour):
            base = wider[0] - 0.5
        ends[index] = float(slices[0] + direction * base + 0.5)
    return ends[0], ends[1], tuple(colours), tuple(pale_triangles)


def _filled_beyond(image, row, start, end, colour):
    """Whether slice ``row`` has the triangle's colour just beyond both of the strip's edges
    (``start`` - 1 and ``end``): a triangle wider than the bar, where a wider slice of other
    colour is an outline turning the bar's corner (matplotlib's, anti-aliased)."""
    outside = [column for column in (start - 1, end) if 0 <= column < image.shape[1]]
    return len(outside) == 2 and all(
        np.abs(image[row, column].astype(float) - colour).sum() <= 2 * STRIP_SMOOTH_STEP
        for column in outside)


def _base_plausible(found, widths, width):
    """Whether a triangle's fitted base (:func:`_triangle_base` on ``widths``) lies near the
    last slice measured at the bar's full width (within half a pixel) and before the first
    narrower one. A triangle drawn without anti-aliasing covers every pixel its edges touch,
    so its fitted sides meet the bar's width up to about two slices inside that slice; a base
    fitted farther inside (into slices measured full width), or beyond narrower ones, is a fit
    to noise (a pale triangle's edge shares through a strong JPEG)."""
    offset, base, _, first_narrow = found
    full = np.flatnonzero(widths[:offset + first_narrow + 1] >= width - 0.5)
    last_full = int(full[-1]) - offset if full.size else -offset
    return last_full - 2.5 <= base <= first_narrow + 1.0


def _triangle_base(widths, width, back):
    """Where a triangle narrowing the widths measured beyond a strip's end meets its width.

    Parameters
    ----------
    widths : ndarray of float
        Widths of the slices from ``back`` slices inside the end outward.
    width : float
        The bar's own width, measured the same way.
    back : int
        How many of the slices lie inside the end.

    Returns
    -------
    tuple or None
        (offset, base, inner, first_narrow): the slices from ``offset`` on are the last
        full-width one and beyond; ``base`` is the triangle's base in slices from there,
        ``inner`` the slices (from there) whose widths the fit used, ``first_narrow`` the
        first narrower one. None when no straight-sided narrowing is found.
    """
    # Slices narrower than the bar before the end's neighbourhood are the bar's own pale
    # colours, not a triangle: the triangle is searched from the last full-width slice.
    full = np.flatnonzero(np.abs(widths[:back + 1] - width) <= 1.5)
    if full.size == 0:
        return None
    offset = int(full[-1])
    widths = widths[offset:]
    # The triangle: slices narrower than the bar by more than its anti-aliasing, until the
    # strip vanishes.
    narrowing = np.flatnonzero(widths < width - 2)
    if narrowing.size == 0:
        return None
    first_narrow = int(narrowing[0])
    vanish = np.flatnonzero(widths[first_narrow:] < 2)
    last_narrow = first_narrow + (int(vanish[0]) if vanish.size else widths.size - first_narrow)
    # A triangle only narrows: where the widths grow again near its tip (a tick mark, a label
    # or a strong JPEG's blocks beyond it), the triangle has ended. (Near its tip only: a pale
    # triangle's widths through a JPEG wobble all along.)
    tail = widths[first_narrow:last_narrow]
    least = np.minimum.accumulate(tail)
    grows = np.flatnonzero((tail > least + 2.0) & (least < 0.3 * width))
    if grows.size:
        last_narrow = first_narrow + int(grows[0])
    span = np.arange(first_narrow, last_narrow)
    inner = span[(widths[span] > 2) & (widths[span] < width - 2)]
    if inner.size < max(3, 0.25 * width):
        return None
    if widths[inner].min() > 0.35 * width:
        # It stops before narrowing to a tip: a pale end cut off by the page's colour (hot's
        # white end through a strong JPEG), not a triangle.
        return None
    # The tip is left out of the fit: there the sides' outlines or anti-aliasing meet, and
    # the widths stop narrowing a few pixels wide (matplotlib's outlined triangle at 150 dpi
    # through a JPEG keeps 3 px for 8 slices past its tip, which tilted the fit and put the
    # base 4 px inside the bar): the fit ends where the width first falls below a fifth of
    # the bar's.
    tip = np.flatnonzero(widths[first_narrow:] < 0.2 * width)
    body = inner[inner < first_narrow + tip[0]] if tip.size else inner
    if body.size >= max(3, 0.25 * width):
        inner = body
    slope, intercept = np.polyfit(inner, widths[inner], 1)
    residuals = np.abs(slope * inner + intercept - widths[inner])
    if np.median(residuals) > 1.5:
        # A pale triangle through a strong JPEG: its blocks throw some widths off by several
        # pixels. The sides are the line most slices keep to (at least 60 % of them).
        keep = residuals <= max(2.0, 2 * float(np.median(residuals)))
        if keep.mean() >= 0.6 and keep.sum() >= max(3, 0.25 * width):
            inner = inner[keep]
            slope, intercept = np.polyfit(inner, widths[inner], 1)
            residuals = np.abs(slope * inner + intercept - widths[inner])
    if slope > -0.2 or np.median(residuals) > 1.5 or widths[inner[0]] < 0.5 * width:
        return None
    # Where the triangle's sides meet the bar's full width: the rectangle's end (slice i is
    # measured at its pixels' centre line, slices[0] + direction * i + 0.5).
    base = (width - intercept) / slope
    return offset, base, inner, first_narrow


def sample_bar_by_ticks(rgb, bar, fit, vmin, vmax, margin=2) -> tuple:
    """The bar's colours at the values its tick fit gives each pixel row (or column).

    Sampling a bar by its own edges puts every colour at a fraction of the box, and the box's
    edges (an outline a pixel or two thick, merging with a dark end colour) are known to about
    a pixel. The tick fit knows the value at every position along the bar to a fraction of a
    pixel, so each sample gets its fraction of the value range from it.

    Parameters
    ----------
    rgb : ndarray of uint8
    bar : ColorbarDetection
    fit : ticks.TickFit
        Values along the bar (the colorbar's labels).
    vmin, vmax : float
        The values at the scale's ends (fractions 0 and 1).
    margin : int
        Pixels left out next to the outline at each end.

    Returns
    -------
    fractions : ndarray, increasing
    colours : ndarray (n, 3), sRGB in [0, 1]
    """
    col0, row0, col1, row1 = bar.pixel_box()
    across = (col1 - col0) if bar.vertical else (row1 - row0)
    drop = max(1, int(0.25 * across))
    if bar.vertical:
        strip = rgb[row0:row1, col0 + drop:col1 - drop]
    else:
        strip = rgb[row0 + drop:row1 - drop, col0:col1].transpose(1, 0, 2)
    colours = np.median(strip.astype(np.float64), axis=1) / 255.0
    start = row0 if bar.vertical else col0
    positions = start + np.arange(len(colours)) + 0.5
    values = fit.value_at(positions)
    if fit.logarithmic:
        fractions = (np.log10(values) - np.log10(vmin)) / (np.log10(vmax) - np.log10(vmin))
    else:
        fractions = (values - vmin) / (vmax - vmin)
    # Inside the outline: the line's own pixels (and its anti-aliasing) are not bar colours.
    low, high = (bar.box[1], bar.box[3]) if bar.vertical else (bar.box[0], bar.box[2])
    inside = (positions > low + margin + 1) & (positions < high - margin - 1)
    fractions, colours = fractions[inside], colours[inside]
    order = np.argsort(fractions)
    return np.clip(fractions[order], 0.0, 1.0), colours[order]


def describe_out_of_range(rgb, undecoded, bar, flip=False, same_colour=24) -> list:
    """Log lines on the map pixels drawn in an extension triangle's out-of-range colour.

    A triangle in its own colour (matplotlib's ``set_over``, GMT's B and F) marks values beyond
    the range: such pixels match no colour of the scale and are left as no data, counted here
    so the user knows what they are. A triangle in the bar's end colour cannot be told from the
    end: its pixels decode to the end's value, which then stands for "this or beyond".

    Parameters
    ----------
    rgb : ndarray of uint8 (rows, cols, 3)
    undecoded : ndarray of bool (rows, cols)
        Pixels examined but not decoded.
    bar : ColorbarDetection
    flip : bool
        The bar's low end is at its top (vertical) or right (horizontal).
    same_colour : int
        |ΔR| + |ΔG| + |ΔB| within which a pixel has the triangle's colour.

    Returns
    -------
    list of str
    """
    lines = []
    start_is_high = bar.vertical != flip
    profile = _bar_end_colours(rgb, bar)
    for index, colour in enumerate(bar.extensions):
        if colour is None:
            continue
        high = start_is_high == (index == 0)
        which = "above VMAX" if high else "below VMIN"
        if np.abs(np.array(colour, float) - profile[index]).sum() <= same_colour:
            lines.append(f"The {'high' if high else 'low'} end's extension triangle has the end's "
                         f"own colour: pixels decoded as the {'VMAX' if high else 'VMIN'} value "
                         f"may be {which}.")
            continue
        rows, cols = np.nonzero(undecoded)
        if rows.size == 0:
            continue
        distance = np.abs(rgb[rows, cols].astype(np.int16) - np.array(colour, np.int16)).sum(axis=1)
        count = int((distance <= same_colour).sum())
        if count:
            lines.append(f"{count:,} pixels have the colour of the {'high' if high else 'low'} "
                         f"end's extension triangle (values {which}): left as no data.")
    return lines


def _bar_end_colours(rgb, bar):
    """Median colours (0-255) of the bar's first and last few slices (start, end)."""
    col0, row0, col1, row1 = bar.pixel_box()
    patch = rgb[row0:row1, col0:col1] if bar.vertical else rgb[row0:row1, col0:col1].transpose(1, 0, 2)
    across = patch.shape[1]
    middle = patch[:, across // 4:max(across - across // 4, across // 4 + 1)].astype(float)
    depth = max(2, min(6, patch.shape[0] // 20))
    return (np.median(middle[2:2 + depth].reshape(-1, 3), axis=0),
            np.median(middle[-2 - depth:-2].reshape(-1, 3), axis=0))

