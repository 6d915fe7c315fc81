"""The colorbar: an elongated box whose colours run along its long axis and not across it.

A candidate box (a rectangle closed by dark lines, see :mod:`.lines`) is a colorbar when, inside
its outline, every slice across the bar has one colour (ticks and the outline are left out) and
the colour changes along the bar by more than a colormap's worth of CIELAB distance, without
long stretches of page colour. Which end is low is not decided here: the tick labels decide it
(:mod:`.figure_reading`), because reversed bars exist.
"""
from dataclasses import dataclass

import numpy as np

from ..colour_decoding import srgb_to_lab

#: Long side / short side of the thinnest box taken for a bar: a square legend is not a bar.
MIN_ASPECT = 3.0
#: CIELAB ΔE along the bar, end to end along its path, below which it is a plain box.
MIN_COLOUR_PATH = 25.0
#: Median ΔE of a slice across the bar from its own median colour above which the box is not
#: one colour across (a map panel, a legend with text).
MAX_ACROSS_SPREAD = 6.0


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
    if short_side < 3 or long_side < 30 or long_side < MIN_ASPECT * short_side:
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
    lab = srgb_to_lab(patch.astype(np.float64) / 255.0)
    slice_colour = np.median(lab, axis=1)
    spread = float(np.median(np.linalg.norm(lab - slice_colour[:, None, :], axis=2)))
    if spread > MAX_ACROSS_SPREAD:
        return None
    path = float(np.linalg.norm(np.diff(slice_colour, axis=0), axis=1).sum())
    if path < MIN_COLOUR_PATH:
        return None
    if _revisits_colours(slice_colour):
        return None
    if page_rgb is not None:
        page_lab = srgb_to_lab(np.asarray(page_rgb, np.float64) / 255.0)
        page_like = np.linalg.norm(slice_colour - page_lab, axis=1) < 3.0
        # A bar may start or end at the page's colour (white end of 'Greys'), not be mostly it.
        if page_like.mean() > 0.3:
            return None
    return ColorbarDetection(rectangle.as_tuple(), vertical, path, spread)


def _revisits_colours(profile, samples=64, same_colour=4.0):
    """Whether a colour comes back along the profile, as in a map and never in a colormap.

    The profile is first cut into runs of one colour (a discrete bar's bands are long runs);
    a colour seen again in a run that is not the next one is a revisit. The ends are left out:
    cyclic colormaps (twilight, hsv) start and end on one colour.
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
    apart = np.abs(np.arange(len(runs))[:, None] - np.arange(len(runs))[None, :]) >= 2
    return bool(np.any(distance[apart] < same_colour))


def find_colorbars(rgb, rectangles, page_rgb=None) -> list:
    """Every rectangle that is a colorbar, the most colourful first.

    Parameters
    ----------
    rgb : ndarray of uint8 (rows, cols, 3)
    rectangles : list of lines.Rectangle
    page_rgb : array-like of 3, optional

    Returns
    -------
    list of ColorbarDetection
    """
    found = [evidence for evidence in (colorbar_evidence(rgb, r, page_rgb) for r in rectangles)
             if evidence is not None]
    # A bar's outline and a box just inside it (its ticks drawn inward) are one bar: keep the
    # outer one.
    kept = []
    for bar in sorted(found, key=lambda b: -(b.box[2] - b.box[0]) * (b.box[3] - b.box[1])):
        if not any(_inside(bar.box, other.box, 3.0) for other in kept):
            kept.append(bar)
    return sorted(kept, key=lambda b: -b.colour_path * b.length)


def _inside(box, other, margin):
    return (box[0] >= other[0] - margin and box[2] <= other[2] + margin
            and box[1] >= other[1] - margin and box[3] <= other[3] + margin)


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
