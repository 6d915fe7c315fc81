"""A discrete colorbar's classes: its colour blocks and the values at their boundaries.

A contour-filled figure's bar is a few blocks of one colour each. Along the sampled bar the
colour then stays constant for long runs and jumps between them; the jumps are the class
boundaries, and the tick fit (:mod:`.ticks`) turns their positions into values. Those values
are rounded to the precision the labels are printed with, since a figure's levels are round
numbers and the labels say how round.
"""
import numpy as np

from ..colour_decoding import srgb_to_lab

#: Neighbouring samples closer than this (ΔE*ab) are one block.
SAME_BLOCK_DELTA_E = 2.0
#: A bar is discrete when its blocks cover this share of it, each block at least 3 samples.
MIN_BLOCK_COVER = 0.9
MAX_BLOCKS = 40
#: Runs drifting inside, in all, more than this share of the steps between them are a gradient.
GRADIENT_DRIFT_SHARE = 0.3


def discrete_blocks(fractions, colours_srgb) -> np.ndarray | None:
    """Boundaries of a discrete bar's blocks as fractions along it (0 and 1 included), or None.

    Parameters
    ----------
    fractions : ndarray (n,)
        Sample positions, 0 at the low end and 1 at the high end.
    colours_srgb : ndarray (n, 3)

    Returns
    -------
    ndarray or None
        Increasing fractions: 0, the jumps between blocks, 1. None for a continuous bar.
    """
    lab = srgb_to_lab(np.asarray(colours_srgb, float))
    # Runs of one colour: every sample within SAME_BLOCK_DELTA_E of the run's median so far
    # (a smooth gradient drifts out of any run quickly, a block does not).
    starts, ends = [0], []
    for index in range(1, len(lab)):
        run = lab[starts[-1]:index]
        if np.linalg.norm(lab[index] - np.median(run, axis=0)) >= SAME_BLOCK_DELTA_E:
            ends.append(index)
            starts.append(index)
    ends.append(len(lab))
    starts, ends = np.array(starts), np.array(ends)
    lengths = ends - starts
    # A block is a class of the bar, not a few pixels of a smooth colormap drawn from a
    # 256-colour table (a flat run of 2-3 pixels each).
    blocks = lengths >= max(3, 0.015 * len(lab))
    if blocks.sum() < 2 or blocks.sum() > MAX_BLOCKS or \
            lengths[blocks].sum() < MIN_BLOCK_COVER * len(lab):
        return None
    if _drifts_like_a_gradient(lab, starts[blocks], ends[blocks]):
        return None
    # Between two blocks the boundary is the middle of the (one- or two-sample) transition.
    boundaries = [0.0]
    block_index = np.flatnonzero(blocks)
    for left, right in zip(block_index[:-1], block_index[1:]):
        last_of_left = fractions[ends[left] - 1]
        first_of_right = fractions[starts[right]]
        boundaries.append(0.5 * (last_of_left + first_of_right))
    boundaries.append(1.0)
    return np.array(boundaries)


def _drifts_like_a_gradient(lab, starts, ends) -> bool:
    """Whether the runs are stretches of a smooth gradient rather than blocks of one colour.

    A short bar of a slowly changing colormap (a QGIS legend's ramp 200 px long, 8-bit colours)
    drifts less than ``SAME_BLOCK_DELTA_E`` over several samples: its runs look like blocks.
    Blocks are flat: the colour changes at their boundaries, and inside a block its first and
    last thirds agree (noise aside, medians taken). A gradient's run drifts inside as much as
    it steps to the next: its thirds differ by about two thirds of the step between
    neighbouring runs' medians. Judged on the sums over the bar, against a third of the steps.

    Parameters
    ----------
    lab : ndarray (n, 3)
        The bar's samples, CIELAB.
    starts, ends : ndarray of int
        The blocks' first and one-past-last sample indices, in order along the bar.
    """
    medians = np.array([np.median(lab[start:end], axis=0) for start, end in zip(starts, ends)])
    steps = np.linalg.norm(np.diff(medians, axis=0), axis=1).sum()
    drift = 0.0
    for start, end in zip(starts, ends):
        third = max(1, (end - start) // 3)
        drift += np.linalg.norm(np.median(lab[end - third:end], axis=0) -
                                np.median(lab[start:start + third], axis=0))
    return bool(drift > GRADIENT_DRIFT_SHARE * steps)


def levels_from_blocks(boundaries, vmin, vmax, logarithmic, label_texts=()) -> tuple:
    """Values at the block boundaries, rounded to the labels' precision.

    Parameters
    ----------
    boundaries : ndarray
        Fractions along the bar (from :func:`discrete_blocks`).
    vmin, vmax : float
        Values at the bar's low and high ends.
    logarithmic : bool
    label_texts : iterable of str
        The bar's labels as read: their decimals set the rounding (none: 3 significant digits
        of the class width).

    Returns
    -------
    tuple of float
    """
    boundaries = np.asarray(boundaries, float)
    if logarithmic:
        values = 10 ** (np.log10(vmin) + boundaries * (np.log10(vmax) - np.log10(vmin)))
        return tuple(float(f"{v:.3g}") for v in values)
    values = vmin + boundaries * (vmax - vmin)
    widths = np.diff(values)
    if widths.size and widths.min() > 0 and widths.max() < 1.3 * widths.min():
        # Equal classes: a round start and a round step (0, 10, 20 ... not 0, 9.3, 19.2 ...).
        step = _nice(float(np.median(widths)))
        start = round(values[0] / step) * step
        regular = start + step * np.arange(values.size)
        if np.all(np.abs(regular - values) <= 0.25 * step):
            return tuple(float(f"{v:.12g}") for v in regular)
    decimals = [len(text.split(".")[1]) for text in label_texts if "." in text
                and text.split(".")[1].isdigit()]
    if decimals:
        digits = max(decimals)
    else:
        width = np.min(np.diff(values))
        digits = max(0, int(-np.floor(np.log10(width))) + 1) if width > 0 else 0
        # Whole-number labels: round to the labels' own step when they have none.
        if label_texts and all(text.lstrip("-").isdigit() for text in label_texts):
            digits = 0
    rounded = np.round(values, digits)
    if np.any(np.diff(rounded) <= 0):
        rounded = values
    return tuple(float(v) for v in rounded)


def _nice(width):
    """The round number (1, 2, 2.5 or 5 times a power of ten) nearest to ``width``."""
    power = 10.0 ** np.floor(np.log10(width))
    candidates = np.array([1, 2, 2.5, 5, 10]) * power
    return float(candidates[np.argmin(np.abs(candidates - width))])
