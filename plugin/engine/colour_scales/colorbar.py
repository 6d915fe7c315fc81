"""Colour scales read off a figure's own colorbar: sampling the bar, and the scale built from the
samples."""
import numpy as np

from ..colour_decoding import srgb_to_lab
from ..errors import ColourScaleError, EngineError
from .scale import ColourScale


def sample_colorbar(rgb, box, flip=False, margin_fraction=0.25, jump_delta_e=12.0,
                    max_trim_pixels=8) -> tuple:
    """Read the colour scale off a figure's colorbar.

    The bar's orientation is taken from the box's shape (longer side = value axis). Across the
    bar, the median colour of its middle part is taken, which ignores tick marks and the frame at
    the sides and averages out JPEG noise. Along the bar, the frame and any background the box
    caught at the two ends are cut off where the colour jumps.

    Parameters
    ----------
    rgb : ndarray of uint8, shape (rows, cols, 3)
    box : tuple (col0, row0, col1, row1)
        The colorbar in pixel coordinates; a little background or frame around it is tolerated.
    flip : bool
        The low end is at the bottom of a vertical bar, at the left of a horizontal one; True
        reverses that.
    margin_fraction : float
        Share of the width dropped on each side before the median.
    jump_delta_e : float
        ΔE*ab between neighbouring samples above which an end sample is taken for frame or
        background rather than bar.
    max_trim_pixels : int
        At most this many samples are trimmed at each end: room for the frame and a loosely
        drawn box, not for a class of a discrete colorbar, whose edges are jumps too.

    Returns
    -------
    fractions : ndarray of float64, shape (n,)
        Position of each sample along the bar, 0 at the low end's edge and 1 at the high end's
        (the frame line's centre), increasing.
    colours : ndarray of float64, shape (n, 3)
        sRGB colours in [0, 1], from the low end to the high end.

    Raises
    ------
    EngineError
        When the box is too small or holds no gradient.
    """
    col0, row0, col1, row1 = box
    patch = rgb[row0:row1, col0:col1].astype(np.float64) / 255.0
    height, width = patch.shape[:2]
    vertical = height >= width
    if vertical:
        # Top of the image is the high end: reverse so the profile runs low to high.
        patch = patch[::-1].transpose(1, 0, 2)
    # patch is now (across, along, 3)
    across, along = patch.shape[:2]
    if along < 8 or across < 1:
        raise EngineError(f"The COLORBAR box is {width}×{height} pixels: too small to sample. "
                          "Draw it along the whole colorbar (at least 8 pixels along the colour "
                          "gradient).", parameter="COLORBAR")
    drop = int(across * margin_fraction)
    core = patch[drop:across - drop] if across - 2 * drop >= 1 else patch
    profile = np.median(core, axis=0)
    lab = srgb_to_lab(profile)
    step = np.linalg.norm(np.diff(lab, axis=0), axis=1)
    limit = max(jump_delta_e, 4 * np.median(step))
    max_trim = max(1, min(max_trim_pixels, along // 4))
    # The frame line is centred on the bar's edge: a frame sample's centre marks an end of the
    # value range. Without a frame, the outer edge of the end sample does.
    low_edge, high_edge = -0.5, along - 0.5
    first, last = 0, along - 1
    jumps = np.flatnonzero(step[:max_trim] > limit)
    if jumps.size:
        low_edge = jumps[-1]
        # One more sample is dropped: the frame's anti-aliased edge blends into the bar.
        first = jumps[-1] + 2
    jumps = np.flatnonzero(step[along - 1 - max_trim:] > limit)
    if jumps.size:
        high_edge = along - max_trim + jumps[0]
        last = high_edge - 2
    if last - first < 7:
        raise EngineError("The COLORBAR box holds too few colorbar pixels once its frame is cut "
                          "off. Draw it along the whole colorbar, from one end to the other.",
                          parameter="COLORBAR")
    index = np.arange(first, last + 1)
    fractions = (index - low_edge) / (high_edge - low_edge)
    profile = profile[first:last + 1]
    span = np.linalg.norm(srgb_to_lab(profile[-1]) - srgb_to_lab(profile[0]))
    total = np.linalg.norm(np.diff(srgb_to_lab(profile), axis=0), axis=1).sum()
    if max(span, total / 4) < 10:
        raise EngineError("The COLORBAR box holds no colour gradient; draw it over the colorbar itself.",
                          parameter="COLORBAR")
    if flip:
        return 1.0 - fractions[::-1], profile[::-1]
    return fractions, profile


def colour_scale_from_samples(colours_srgb, name="colorbar", positions=None) -> ColourScale:
    """Build a continuous :class:`ColourScale` from colours sampled along a colorbar.

    Parameters
    ----------
    colours_srgb : array_like, shape (n, 3) or (n, 4)
        sRGB colours from the low end to the high end; floats in [0, 1], or integers in
        [0, 255] (any integer dtype is divided by 255). A 4th (alpha) column is dropped.
    name : str
        Recorded name.
    positions : array_like of float, shape (n,), or None
        Fractions where the samples were taken, non-decreasing within [0, 1]; when they stop
        short of 0 or 1 the end colours are repeated there. None means equally spaced: the first
        sample at the low end of the colorbar (fraction 0) and the last at the high end (1).

    Returns
    -------
    ColourScale
        Continuous, with one vertex per sample; ``sampled_from_figure`` is True.
    """
    colours = np.asarray(colours_srgb)
    if colours.ndim != 2 or colours.shape[1] not in (3, 4) or colours.shape[0] < 2:
        raise ColourScaleError(
            f"colorbar samples must be an (n, 3) or (n, 4) array with n >= 2, got shape {colours.shape}"
        )
    colours = colours[:, :3]
    colours = colours / 255.0 if np.issubdtype(colours.dtype, np.integer) else colours.astype(np.float64)
    if positions is None:
        positions = np.linspace(0.0, 1.0, colours.shape[0])
    positions = np.clip(np.asarray(positions, dtype=np.float64), 0.0, 1.0)
    # Samples taken inside the bar's ends: its end colours hold out to the ends of the range.
    if positions[0] > 0:
        positions, colours = np.r_[0.0, positions], np.vstack([colours[:1], colours])
    if positions[-1] < 1:
        positions, colours = np.r_[positions, 1.0], np.vstack([colours, colours[-1:]])
    return ColourScale(name, positions, colours, sampled_from_figure=True)
