"""Which known colormap a figure's colorbar shows, if any.

The colours sampled along the detected bar (low end to high end) are compared, in CIELAB, with
every named colour scale of every source in the registry (matplotlib, cmocean, cmcrameri,
colorcet, QGIS ramps, cpt-city), in both directions. A scale is recognised when its colours lie
within the figure's own colour noise of the bar's everywhere along it; the best such scale is
then decoded with its exact table instead of the sampled one.
"""
import threading
from dataclasses import dataclass
from typing import Optional

import numpy as np

from ..cancellation import check as check_cancelled
from ..colour_decoding import srgb_to_lab
from ..errors import ColourScaleError

#: Mean CIELAB ΔE*ab between the bar and a scale below which the scale is the bar's, on top of
#: the bar's own noise (JPEG, anti-aliasing).
MATCH_MEAN_DELTA_E = 2.5
#: Mean ΔE*ab (plus noise) below which the recognised scale's exact table replaces the sampled
#: bar for decoding: the table then reproduces the bar to within 8-bit rounding. A close but
#: different table (GMT's turbo against matplotlib's, ΔE 0.7) is named, not used.
EXACT_MEAN_DELTA_E = 0.6
#: No stretch of :data:`WORST_WINDOW` samples may differ more than this on average (ΔE*ab,
#: plus noise): a different map that is close on average (viridis vs cividis ends) is not the
#: same.
MATCH_MAX_DELTA_E = 8.0
#: Neighbouring samples (about pixels along the bar) whose colours, the bar's and each scale's,
#: are averaged before their worst difference is taken (:data:`MATCH_MAX_DELTA_E`). A JPEG's
#: chroma is coded in blocks of 8 of its half-resolution pixels and rings by several ΔE round
#: them in saturated colours (a Blues ramp 135 px long at quality 73: 8.4 sample by sample,
#: 3.3 averaged over 9); two colormaps that differ do so over many more pixels than that.
WORST_WINDOW = 9
_SAMPLES = 64
_CACHE = {}
_LOCK = threading.Lock()


@dataclass
class RecognisedColormap:
    """A named scale that matches the bar.

    Attributes
    ----------
    name : str
        Prefixed name as :func:`~..colour_scales.resolve_colour_scale` takes it (``"_r"`` added
        when the bar runs the scale backwards).
    mean_delta_e, max_delta_e : float
        Distances between the bar's colours and the scale's, CIELAB ΔE*ab.
    runner_up : str
        The next best scale, for the log.
    """

    name: str
    mean_delta_e: float
    max_delta_e: float
    runner_up: str = ""
    runner_up_delta_e: float = float("nan")
    #: The table reproduces the bar (mean ΔE within EXACT_MEAN_DELTA_E plus noise): decode with it.
    exact: bool = False


def _candidates(resources):
    """(name, Lab colours at the sample fractions) of every named continuous scale; cached."""
    from ..colour_scales import registry

    key = resources
    with _LOCK:
        if key in _CACHE:
            return _CACHE[key]
        fractions = np.linspace(0.0, 1.0, 256)
        names, tables = [], []
        for name in registry.available_colour_scale_names(resources):
            # Some thousand tables read and parsed the first time (seconds): a cancellation
            # leaves the cache unmade.
            check_cancelled()
            try:
                scale = registry.resolve_colour_scale(name, resources)
            except Exception:  # noqa: BLE001 - a broken optional table is skipped, not fatal
                continue
            if getattr(scale, "discrete", False) or getattr(scale, "value_range", None):
                continue
            names.append(name)
            tables.append(srgb_to_lab(scale.colour_at(fractions)))
        _CACHE[key] = (names, np.array(tables), fractions)
        return _CACHE[key]


def recognise_colormap(fractions, colours_srgb, noise_delta_e=0.0, resources=None) -> "RecognisedColormap | None":
    """The named colormap the bar shows, or None.

    Parameters
    ----------
    fractions : ndarray (n,)
        Positions of the samples along the bar, 0 at the low end, 1 at the high end.
    colours_srgb : ndarray (n, 3)
        The bar's colours there, sRGB in [0, 1].
    noise_delta_e : float
        The figure's colour noise (ΔE*ab, e.g. the spread across the bar): the thresholds grow
        by it.
    resources : str, optional
        QGIS's resources folder (QGIS ramps and cpt-city).

    Returns
    -------
    RecognisedColormap or None
    """
    fractions = np.asarray(fractions, float)
    if fractions.size < 8:
        return None
    index = np.linspace(0, fractions.size - 1, min(_SAMPLES, fractions.size)).round().astype(int)
    # The bar's ends carry its outline's anti-aliasing: compare the inner 96 %.
    index = index[(fractions[index] >= 0.02) & (fractions[index] <= 0.98)]
    bar = srgb_to_lab(np.asarray(colours_srgb, float)[index])
    where = fractions[index]
    names, tables, grid = _candidates(resources)
    if not names:
        return None
    # Each scale's Lab at the samples' fractions, forwards and backwards (linear interpolation
    # of the 256-entry tables is far below the thresholds).
    position = where * (grid.size - 1)
    low = np.clip(np.floor(position).astype(int), 0, grid.size - 2)
    weight = (position - low)[None, :, None]
    forward = tables[:, low] * (1 - weight) + tables[:, low + 1] * weight
    position = (1 - where) * (grid.size - 1)
    low = np.clip(np.floor(position).astype(int), 0, grid.size - 2)
    weight = (position - low)[None, :, None]
    backward = tables[:, low] * (1 - weight) + tables[:, low + 1] * weight
    distance_forward = np.linalg.norm(forward - bar[None], axis=2)
    distance_backward = np.linalg.norm(backward - bar[None], axis=2)
    worst = _worst_averaged(fractions, colours_srgb, index, tables, grid, distance_forward,
                            distance_backward, noise_delta_e)
    return _best_of(names, distance_forward, distance_backward, noise_delta_e, *worst)


def _worst_averaged(fractions, colours_srgb, index, tables, grid, distance_forward,
                    distance_backward, noise_delta_e):
    """The worst distance (ΔE*ab) between the bar and each scale close to it on average, both
    averaged over :data:`WORST_WINDOW` neighbouring samples first (JPEG's ringing averages
    out, a true difference does not); each direction's own worst sample's distance for the
    other scales (they are too far on average to be taken anyway).

    Parameters
    ----------
    fractions, colours_srgb : ndarray
        Every sample of the bar (its fractions and sRGB colours).
    index : ndarray of int
        The compared samples.
    tables, grid : ndarray
        The scales' Lab tables and the fractions of their entries.
    distance_forward, distance_backward : ndarray (scales, compared samples)
        ΔE*ab of each compared sample from each scale, both directions.
    noise_delta_e : float

    Returns
    -------
    tuple of ndarray (scales,)
        The worst distance forwards and backwards.
    """
    worst = [distance_forward.max(axis=1), distance_backward.max(axis=1)]
    close = np.flatnonzero(np.minimum(distance_forward.mean(axis=1), distance_backward.mean(axis=1))
                           <= MATCH_MEAN_DELTA_E + noise_delta_e)
    if not close.size:
        return tuple(worst)
    half = WORST_WINDOW // 2
    count = fractions.size
    starts = np.clip(index - half, 0, count - 1)
    stops = np.clip(index + half, 0, count - 1) + 1

    def averaged(lab):
        total = np.concatenate([np.zeros((1, 3)), np.cumsum(lab, axis=0)])
        return (total[stops] - total[starts]) / (stops - starts)[:, None]

    bar = averaged(srgb_to_lab(np.asarray(colours_srgb, float)))
    for direction, where in enumerate((fractions, 1.0 - fractions)):
        for scale in close:
            table = np.stack([np.interp(where, grid, tables[scale][:, channel])
                              for channel in range(3)], axis=1)
            worst[direction][scale] = float(np.linalg.norm(averaged(table) - bar, axis=1).max())
    return tuple(worst)


def _best_of(names, distance_forward, distance_backward, noise_delta_e, worst_forward=None,
             worst_backward=None):
    """The scale, read in its better direction, nearest on average to the samples, or None.

    Parameters
    ----------
    names : list of str
        The candidate scales.
    distance_forward, distance_backward : ndarray (len(names), n)
        ΔE*ab from each sample to each scale read low to high, and high to low.
    noise_delta_e : float
        The figure's colour noise (ΔE*ab): the thresholds grow by it.
    worst_forward, worst_backward : ndarray (len(names),), optional
        Each scale's worst distance from the bar, each direction (default: its worst
        sample's).

    Returns
    -------
    RecognisedColormap or None
        None when even the nearest scale is beyond :data:`MATCH_MEAN_DELTA_E` on average or
        :data:`MATCH_MAX_DELTA_E` at its worst (both plus the noise).
    """
    mean_f, mean_b = distance_forward.mean(axis=1), distance_backward.mean(axis=1)
    reverse = mean_b < mean_f
    mean = np.where(reverse, mean_b, mean_f)
    if worst_forward is None:
        worst_forward, worst_backward = distance_forward.max(axis=1), distance_backward.max(axis=1)
    worst = np.where(reverse, worst_backward, worst_forward)
    order = np.argsort(mean, kind="stable")
    best = order[0]
    if mean[best] > MATCH_MEAN_DELTA_E + noise_delta_e or \
            worst[best] > MATCH_MAX_DELTA_E + 2 * noise_delta_e:
        return None

    def named(i):
        name = names[i]
        if not reverse[i]:
            return name
        # A source that lists reversed scales itself: the reverse of 'x_r' is 'x'.
        return name[:-2] if name.endswith("_r") else name + "_r"

    # The same scale listed twice (viridis forwards and viridis_r backwards) is not a rival.
    best_name = named(best)
    rivals = [i for i in order[1:] if named(i) != best_name]
    second = rivals[0] if rivals else None
    return RecognisedColormap(
        best_name, float(mean[best]), float(worst[best]),
        "" if second is None else named(second),
        float("nan") if second is None else float(mean[second]),
        bool(mean[best] <= EXACT_MEAN_DELTA_E + noise_delta_e))


def recognise_discrete_colormap(block_fractions, block_colours_srgb, noise_delta_e=0.0,
                                resources=None) -> "RecognisedColormap | None":
    """The named colormap a discrete bar's blocks are samples of, or None.

    A stepped bar (matplotlib's contourf, a GMT discrete .cpt) shows a few colours of a
    continuous colormap; compared sample by sample with the continuous table it never matches.
    Each block's colour is compared instead with each scale's colour at the block's middle (the
    colour matplotlib's contourf gives a class), both directions.

    Parameters
    ----------
    block_fractions : ndarray (k,)
        Each block's middle along the bar, 0 at the low end, 1 at the high end.
    block_colours_srgb : ndarray (k, 3)
        Each block's colour, sRGB in [0, 1].
    noise_delta_e : float
    resources : str, optional

    Returns
    -------
    RecognisedColormap or None
        ``exact`` when every block is within :data:`EXACT_MEAN_DELTA_E` (plus noise) on average
        of the scale at its middle: the table then gives the exact class colours.
    """
    where = np.clip(np.asarray(block_fractions, float), 0.0, 1.0)
    if where.size < 3:
        return None
    blocks = srgb_to_lab(np.asarray(block_colours_srgb, float))
    names, tables, grid = _candidates(resources)
    if not names:
        return None
    distances = []
    for fractions in (where, 1.0 - where):
        # The table entry the middle falls in (matplotlib's lookup), not a blend of two.
        entry = np.minimum((fractions * grid.size).astype(int), grid.size - 1)
        distances.append(np.linalg.norm(tables[:, entry] - blocks[None], axis=2))
    return _best_of(names, distances[0], distances[1], noise_delta_e)


def _class_colours(scale, middles):
    """The colours the decoder gives classes of ``scale`` (colour_decoding.ClassMatcher.
    from_levels): a lookup table's entry each middle falls in, else the colour there."""
    from ..colour_decoding import _is_lookup_table

    if _is_lookup_table(scale):
        entries = np.asarray(scale.colours)[1:-1]
        return entries[np.minimum((np.asarray(middles) * len(entries)).astype(int),
                                  len(entries) - 1)]
    return scale.colour_at(np.asarray(middles))


def _block_colours(fractions, samples, settings):
    """Middles (fractions) and colours of a discrete bar's classes (``settings.levels``)."""
    levels = np.asarray(settings.levels, float)
    if settings.logarithmic:
        low, high = np.log10(settings.vmin), np.log10(settings.vmax)
        edges = (np.log10(levels) - low) / (high - low)
    else:
        edges = (levels - settings.vmin) / (settings.vmax - settings.vmin)
    middles, colours = [], []
    for start, end in zip(edges[:-1], edges[1:]):
        # The block's inner 60 %: clear of the boundary between two colours.
        inner = (fractions >= start + 0.2 * (end - start)) & (fractions <= end - 0.2 * (end - start))
        if not inner.any():
            return None, None
        middles.append(0.5 * (start + end))
        colours.append(np.median(np.asarray(samples)[inner], axis=0))
    return np.array(middles), np.array(colours)


def fits_data_better(rgb, box, table_scale, sampled_scale, samples=20000, seed=0) -> bool:
    """Whether the map's own pixels lie at least as close to a named table as to the bar sampled
    off the figure (median CIELAB distance to each scale's colours, over pixels near either).

    A recognised table close to the bar (GMT's turbo against matplotlib's, ΔE 0.5) can still
    be the wrong one; the data drawn with it tell.

    Parameters
    ----------
    rgb : ndarray of uint8
    box : tuple (col0, row0, col1, row1)
        The map's pixels.
    table_scale, sampled_scale : ColourScale

    Returns
    -------
    bool
    """
    fractions = np.linspace(0.0, 1.0, 2048)
    return _data_closer_to_first(rgb, box, table_scale.colour_at(fractions),
                                 sampled_scale.colour_at(fractions), samples, seed)


def _data_closer_to_first(rgb, box, first_srgb, second_srgb, samples=20000, seed=0) -> bool:
    """Whether the map's pixels lie at least as close to the first set of colours as to the
    second (median CIELAB distance to the nearest colour of each, over pixels near either)."""
    from scipy.spatial import cKDTree

    col0, row0, col1, row1 = box
    patch = rgb[row0:row1, col0:col1].reshape(-1, 3)
    if patch.shape[0] == 0:
        return True
    rng = np.random.default_rng(seed)
    pick = patch[rng.choice(patch.shape[0], min(samples, patch.shape[0]), replace=False)]
    lab = srgb_to_lab(pick.astype(np.float64) / 255.0)
    distances = []
    for colours in (first_srgb, second_srgb):
        tree = cKDTree(srgb_to_lab(np.asarray(colours, np.float64)))
        distances.append(tree.query(lab)[0])
    table, sampled = distances
    # Pixels of the data (near either scale), not lines, text or background.
    data = np.minimum(table, sampled) < 6.0
    if data.sum() < 100:
        return True
    return float(np.median(table[data])) <= float(np.median(sampled[data])) + 0.05


@dataclass
class BarColours:
    """The colorbar found on a figure, sampled, and the named colormap it shows.

    Attributes
    ----------
    sampled : ColourScale
        The bar's own colours (``sampled_from_figure``).
    recognised : RecognisedColormap or None
        The named colormap the bar shows; its ``exact`` says whether the map's own pixels lie
        at least as close to its table as to the bar's colours.
    table : ColourScale or None
        The recognised colormap's table.
    """

    sampled: object
    recognised: Optional[RecognisedColormap] = None
    table: object = None

    @property
    def scale(self) -> object:
        """The scale to decode with: the recognised table when it fits the map's pixels at
        least as well (``recognised.exact``), else the bar's own colours."""
        if self.recognised is not None and self.recognised.exact:
            return self.table
        return self.sampled


def read_bar_colours(rgb, layout, settings, jpeg=False) -> "BarColours":
    """Sample the colorbar found on a figure and recognise its colormap, as ``decodemap`` does
    it for ``settings``; ``detectfigure`` calls the same, so the two name the same colormap.

    The bar's low end is where ``settings.colorbar_flip`` says (the labels tell it, see
    ``answers``). With VMIN and VMAX known and the bar's tick fit read (``layout.bar_fit``),
    each sample is placed by the fit rather than by the box's edges. A recognised colormap
    (:func:`recognise_colormap`) is then checked against the map's own pixels
    (:func:`fits_data_better`).

    Parameters
    ----------
    rgb : ndarray of uint8
    layout : layout.Layout
        With a ``colorbar`` (and a ``frame`` when found).
    settings : pipeline.DecodeSettings
    jpeg : bool
        The figure is a JPEG: its pixels, the bar's and the map's alike, carry the coding's
        noise, which the bar's samples are averaged over before the map's pixels are held
        against them and the table.

    Returns
    -------
    BarColours

    Raises
    ------
    EngineError
        When the bar cannot be sampled (see ``sample_colorbar``).
    """
    from ..colour_scales import colour_scale_from_samples, resolve_colour_scale, sample_colorbar
    from .colorbar import sample_bar_by_ticks

    if getattr(layout, "class_legend", None) is not None:
        return BarColours(class_scale(layout.class_legend, settings))
    fractions, samples = sample_colorbar(rgb, layout.colorbar.pixel_box(),
                                         flip=settings.colorbar_flip)
    bar_fit = getattr(layout, "bar_fit", None)
    if bar_fit is not None and settings.vmin is not None and settings.vmax is not None:
        # Each sample placed by the colorbar's tick fit rather than by the box's edges.
        fractions, samples = sample_bar_by_ticks(rgb, layout.colorbar, bar_fit, settings.vmin,
                                                 settings.vmax)
    recognised = recognise_colormap(fractions, samples, layout.colorbar.across_spread,
                                    settings.qgis_resources)
    middles = None
    if recognised is None and settings.levels and settings.vmin is not None and \
            settings.vmax is not None:
        # A stepped bar: its blocks may be samples of a named colormap.
        middles, colours = _block_colours(fractions, samples, settings)
        if middles is not None:
            recognised = recognise_discrete_colormap(middles, colours,
                                                     layout.colorbar.across_spread,
                                                     settings.qgis_resources)
    sampled = colour_scale_from_samples(samples, name="colorbar (found on the figure)",
                                        positions=fractions)
    if recognised is None:
        return BarColours(sampled)
    table = resolve_colour_scale(recognised.name, settings.qgis_resources)
    box = layout.frame.inner_pixel_box() if layout.frame is not None else \
        (0, 0, rgb.shape[1], rgb.shape[0])
    if middles is not None:
        # Classes: the table's colours at the blocks' middles against the blocks' own.
        # Both as a renderer writes them, in 8 bits (else the bar's own, read off those very
        # pixels, always wins by the rounding).
        recognised.exact = recognised.exact and _data_closer_to_first(
            rgb, box, np.round(_class_colours(table, middles) * 255) / 255, colours)
    elif jpeg:
        # A JPEG: against the bar's colours averaged along it over WORST_WINDOW samples.
        # Sample by sample they carry the coding's noise (its 8 × 8 blocks, its ringing), and a
        # curve that wanders by that noise lies nearer to the map's noisy pixels than any
        # smooth table, the right one too (layouts seed 165 #6, BrBG_r at q74: median ΔE 0.49
        # to the samples, 0.61 to QGIS's table, 0.78 to the samples averaged; decoded with the
        # samples 79.0 % right, by hand with the table 99.8 %). Not on a lossless figure,
        # whose samples are the very colours drawn: GMT's turbo, in steps a pixel or two long,
        # lies on its samples (0.07) and off matplotlib's turbo (0.15), and averaged over 9
        # (0.14) it would lose that.
        smoothed = colour_scale_from_samples(_averaged_along(samples, WORST_WINDOW),
                                             name=sampled.name, positions=fractions)
        recognised.exact = fits_data_better(rgb, box, table, smoothed)
    else:
        recognised.exact = fits_data_better(rgb, box, table, sampled)
    return BarColours(sampled, recognised, table)


def _averaged_along(colours, window):
    """Colours (n, 3) averaged over ``window`` neighbours along the bar, centred: near an end
    the window shrinks to the samples on both sides alike, so that a gradient's averages stay
    on it and the end colours are the bar's own."""
    colours = np.asarray(colours, np.float64)
    count = colours.shape[0]
    index = np.arange(count)
    half = np.minimum(window // 2, np.minimum(index, count - 1 - index))
    total = np.vstack([np.zeros((1, colours.shape[1])), np.cumsum(colours, axis=0)])
    return (total[index + half + 1] - total[index - half]) / (2 * half + 1)[:, None]


def class_scale(legend, settings) -> object:
    """The discrete scale of a legend of class patches: one band a patch, of its colour,
    between the class boundaries ``settings.levels``, lowest class first (the top patch when
    the legend's labels said so, ``legend.low_first``).

    Raises
    ------
    ColourScaleError
        When LEVELS do not give one class a patch, or the labels were not read (LEVELS given
        by hand): then which end of the column is the lowest class is not known.
    """
    from ..colour_scales.scale import ColourScale

    levels = np.asarray(settings.levels if settings.levels else (), float)
    count = len(legend.patches)
    if levels.size != count + 1:
        raise ColourScaleError(
            f"The figure's legend has {count} class patches: give LEVELS with {count + 1} "
            f"boundaries (one class a patch, lowest first), or draw the COLORBAR box and give "
            f"the colormap's range.", parameter="LEVELS")
    if legend.low_first is None:
        raise ColourScaleError(
            f"The figure's legend has {count} class patches, but its labels were not read "
            f"(LEVELS given), so which end of the column is the lowest class is not known: "
            f"leave LEVELS empty to read them from the legend, or draw the COLORBAR box over "
            f"the patches and set COLORBAR_FLIP.", parameter="COLORBAR")
    colours = np.asarray(legend.colours, float) / 255.0
    if not legend.low_first:
        colours = colours[::-1]  # the lowest class at the bottom
    low, high = float(levels[0]), float(levels[-1])
    positions = np.clip((levels - low) / (high - low), 0.0, 1.0)
    positions[0], positions[-1] = 0.0, 1.0
    return ColourScale("classes of the legend (found on the figure)", positions, colours,
                       discrete=True, sampled_from_figure=True)
