"""Turning pixel colours back into values by inverting a colour scale.

A colour scale is a curve through colour space. Each pixel colour is matched to the nearest point
of that curve and takes the value of that point. The distance to the curve, always reported as
the CIELAB colour difference ΔE*ab (CIE 1976), tells how well the colour is explained by the
scale: text, lines, background and hill shading lie far from it and become nodata.

Where the nearest point is looked for depends on what altered the colours:

* ``"srgb"`` (lossless figures, the default): sRGB, where colour tables (matplotlib, ``.cpt``,
  QGIS ramps) interpolate, so a colour between two stops lies on the curve there.
* ``"cielab"``: CIELAB, where Euclidean distance is perceptual difference.
* ``"ycbcr"`` (JPEG figures): JPEG quantises each figure in Y'CbCr (ITU-R BT.601, on the
  gamma-encoded sRGB values), with the chroma planes subsampled, so its errors are about even in
  that space and uneven in CIELAB, which magnifies some of them. Matching where the noise is even
  is the most likely original colour; on JPEG figures (quality 75) it lowers the median error by
  a sixth to a third against CIELAB matching.

Rules worth knowing:

* Continuous scales are matched against the curve, not against its samples: a colour between two
  samples gets a value between theirs, so values are resolved finer than the sample count.
* A pixel that mixes two colours of the scale (anti-aliasing, resampling, JPEG) lies on the chord
  between them. When the two colours are neighbours on the scale the chord hugs the curve and the
  pixel gets an intermediate value; when they are far apart on the scale the chord leaves the curve
  and the pixel is masked by ``max_distance``, rather than given the value of a third colour.
* Discrete scales (colour bands, contour-filled figures) are matched against the band colours:
  a pixel of class ``i`` gets the class's midpoint value (geometric midpoint on a logarithmic
  scale) and keeps ``i`` in ``DecodedField.class_index``.
* Each distinct colour is decoded once; the pixels then look their colour up in a table indexed
  by the 24-bit colour, so the cost grows with the number of distinct colours, not of pixels.
  Chunks of rows are processed on a few threads, which bounds temporary memory.
"""
import mmap
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from .cancellation import check as check_cancelled
from .computed_arrays import ComputedArray
from .errors import ColourScaleError, EngineError
from .memory_budget import release_freed_memory
from .text_format import number_text

# Chunk of figure rows processed at once: bounds temporary memory for very large figures
# (some 12 bytes a pixel of each of the two threads' chunks). A smaller figure's chunks are a
# 32nd of the window decoded, at least MIN_CHUNK_PIXELS: 24 MiB of chunks would be 6 bytes a
# pixel of a 4 MP figure (and 2^17 pixels' chunks 3 bytes a pixel of a 1 MP one). Every pixel
# is decoded alike whatever the chunks.
DEFAULT_CHUNK_PIXELS = 1_000_000
MIN_CHUNK_PIXELS = 1 << 15
#: A window of fewer pixels is decoded by the calling thread alone (ColourDecoder.decode_image):
#: the decoding threads' heaps stay for the process, some 1 MiB of a 1 MP job's peak (measured:
#: 1 MP figure, every option, drivers registered, 23.8-24.1 -> 23.0-23.2 MiB), while the pixels'
#: two passes take some hundredths of a second at 1 MP. The same outputs with any threads.
THREADED_DECODE_MIN_PIXELS = 1 << 21
#: The decoder's tables indexed by 24-bit colour (values, distances, classes) may take this
#: many bytes per decoded pixel; beyond (a small figure, or one of very many colours: a JPEG's
#: noise touches every page of them) pixels find their colour's entries by a sorted search.
LOOKUP_TABLE_PIXEL_BYTES = 3
#: A memory page: the unit in which a table's entries become resident.
TABLE_PAGE_BYTES = 4096
#: Pixels sorted at once where colours are placed without a table, and the memory that takes
#: (the codes' sorted copy, order and places, ~26 bytes a pixel, in each of the decoding's
#: threads): a table holding fewer bytes than this is always worth it.
SORTED_LOOKUP_PIXELS = 1 << 18
SORTED_LOOKUP_BYTES = 2 * 26 * SORTED_LOOKUP_PIXELS
# A continuous scale with this many vertices or more is taken for a lookup table.
LOOKUP_TABLE_MIN_VERTICES = 64
# Distinct colours projected at once (1.5-1.7 KiB of temporaries each: 7 MiB; blocks of
# 16,384 took 25 MiB of a job's peak, which a 1 MP figure's pixels do not weigh up; the same
# values whatever the block).
COLOUR_BLOCK = 4_096
# Densify a continuous scale until consecutive curve points differ by at most this ΔE, so the
# chord between them stands in for the curve (sRGB interpolation is curved in CIELAB).
CURVE_STEP_DELTA_E = 0.5

_D65_WHITE = np.array([0.95047, 1.0, 1.08883])
_SRGB_TO_XYZ = np.array([[0.4124564, 0.3575761, 0.1804375],
                         [0.2126729, 0.7151522, 0.0721750],
                         [0.0193339, 0.1191920, 0.9503041]])


def srgb_to_lab(srgb) -> np.ndarray:
    """Convert sRGB colours to CIELAB (D65 white point).

    Parameters
    ----------
    srgb : array_like, shape (..., 3)
        sRGB components in [0, 1].

    Returns
    -------
    ndarray of float64, shape (..., 3)
        L* in [0, 100], a*, b* roughly in [-128, 127].
    """
    srgb = np.asarray(srgb, dtype=np.float64)
    return _linear_to_lab(_linearised(srgb))


def _linearised(srgb) -> np.ndarray:
    """sRGB components in [0, 1] decoded to linear light (the sRGB transfer function)."""
    return np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)


#: Linear light of each byte value of an sRGB component (:func:`_linearised` of 0/255 ...
#: 255/255, the same float operations).
_LINEAR_OF_BYTE = _linearised(np.arange(256) / 255.0)


def byte_srgb_to_lab(srgb8) -> np.ndarray:
    """:func:`srgb_to_lab` of byte colours (``srgb_to_lab(srgb8 / 255.0)``, bit for bit): the
    transfer function looked up for each of the 256 byte values instead of raised to the
    power 2.4 pixel by pixel (half the time of a figure's patch: the colorbar search converts
    every candidate box's inside, 4 of 14 s profiled on a figure of 54 candidates).

    Parameters
    ----------
    srgb8 : ndarray of uint8, shape (..., 3)

    Returns
    -------
    ndarray of float64, shape (..., 3)
    """
    if srgb8.dtype != np.uint8:
        # Another type would index the table by its values' bytes' meaning, not as colours.
        raise TypeError(f"byte_srgb_to_lab takes uint8 colours, not {srgb8.dtype}")
    return _linear_to_lab(_LINEAR_OF_BYTE[srgb8])


def _linear_to_lab(linear) -> np.ndarray:
    """Linear-light sRGB (..., 3) to CIELAB (D65 white point)."""
    xyz = linear @ _SRGB_TO_XYZ.T / _D65_WHITE
    epsilon, kappa = 216 / 24389, 24389 / 27
    f = np.where(xyz > epsilon, np.cbrt(xyz), (kappa * xyz + 16) / 116)
    lightness = 116 * f[..., 1] - 16
    a = 500 * (f[..., 0] - f[..., 1])
    b = 200 * (f[..., 1] - f[..., 2])
    return np.stack([lightness, a, b], axis=-1)


# BT.601 full-range luma and chroma, as JPEG (JFIF) defines them; scaled to 0..100 like L*.
_SRGB_TO_YCBCR = 100 * np.array([[0.299, 0.587, 0.114],
                                 [-0.168736, -0.331264, 0.5],
                                 [0.5, -0.418688, -0.081312]])


def srgb_to_ycbcr(srgb) -> np.ndarray:
    """Convert sRGB colours to JPEG's Y'CbCr (BT.601 full range), scaled to 0..100.

    Parameters
    ----------
    srgb : array_like, shape (..., 3)
        Gamma-encoded sRGB components in [0, 1].

    Returns
    -------
    ndarray of float64, shape (..., 3)
        Y' in [0, 100], Cb and Cr in [-50, 50].
    """
    return np.asarray(srgb, dtype=np.float64) @ _SRGB_TO_YCBCR.T


def srgb_identity(srgb) -> np.ndarray:
    """sRGB itself, scaled to 0..100 like L* (the space where colour tables interpolate)."""
    return 100.0 * np.asarray(srgb, dtype=np.float64)


MATCH_SPACES = {"cielab": srgb_to_lab, "ycbcr": srgb_to_ycbcr, "srgb": srgb_identity}

#: How a renderer turns an interpolated colour (0..255, float) into 8 bits. "round": to the
#: nearest (GMT, Agg's patches: contourf, pcolormesh); "floor": truncated (matplotlib's
#: colormap lookup, ``(lut * 255).astype(uint8)``, used by imshow); "toward_lower": each channel
#: interpolated between 8-bit stops and truncated towards the segment's lower stop
#: (``c0 + int(t · (c1 - c0))``).
QUANTISERS = ("round", "floor", "toward_lower")
# A class wins only when its explanation of the pixel is nearer than the runner-up's by this
# fraction of the two colours' own separation (pixels on the bisector are a coin toss; any
# wider band masks data that the nearest class mostly gets right).
CLASS_MARGIN_FRACTION = 0.02
# Classes of LEVELS whose colours (the scale's at their midpoints) lie closer than this (ΔE*ab)
# cannot be told apart in any figure: 8-bit rounding alone moves a colour by up to about half
# of it. LEVELS in other units than VMIN and VMAX (km against m) give such classes.
MIN_CLASS_SEPARATION_DELTA_E = 1.0
# The figure study: pixels sampled, share of them a colour must cover to count as frequent,
# and the most non-data colours kept.
STUDY_SAMPLE = 200_000
# A frequent colour this far (ΔE*ab) from every colour of the scale is a colour of its own
# (twice the distance that separates data from noise by default): nearer ones are the data's
# own colours spoilt by noise or mixed with lines.
OFF_SCALE_DELTA_E = 24.0
FREQUENT_SHARE = 0.0005
MAX_NON_DATA_COLOURS = 8
# The default MAX_COLOR_DISTANCE: never below the long-standing 12 ΔE, else this many times the
# mode of the data pixels' colour distances (for noise with the same spread in the three
# channels the mode is √2 σ, and 3 modes ≈ 4.2 σ keep all but ~0.1 % of the noisy data), and
# never above the cap (beyond it the figure does not show this scale).
NOISE_FLOOR_DELTA_E = 12.0
# Continuous scales: colours farther from the scale than the noise (3 modes, at least this ΔE)
# are checked for being a mixture with a line's colour; and the least share of the line in
# such a mixture (less is within the noise anyway).
MIN_NOISE_DELTA_E = 2.0
MIN_LINE_SHARE = 0.1
# Up to this share of a line in a pixel the scale colour under it is taken (unmixed); more is
# left out. 0: every such mixture is left out — unmixing a line's edge from an 8-bit colour
# turned out too uncertain (the GMT figures' coastlines gained off-cell values), and leaving
# it out costs nothing: a line is not data.
MAX_UNMIXED_LINE_SHARE = 0.0
# JPEG figures (continuous scales): a colour the line rule calls a mixture is left out only
# where it touches a pixel of the line's own colour, i.e. on a line's edge. Colour by colour,
# as on lossless figures, it would also leave out data: beside a line JPEG's ringing darkens and
# lightens the data about evenly (not a mixture), and leaving out what looks like one cost 0.3–1.5
# points of good pixels on the bench's JPEG figures; on the edge alone it costs none and takes
# 2–7 points off the line pixels decoded wrong (bench/README.md, accuracy).
LEAVE_OUT_BESIDE_LINES = True
NOISE_MODES = 3.0
NOISE_CAP_DELTA_E = 40.0
# An exact 8-bit colour whose preimage on the scale spans more than this many value-resolution
# steps is ambiguous (the scale passes near it twice): it is projected instead.
AMBIGUOUS_SPAN_STEPS = 3.0
# Log-likelihood (up to the constant all candidates share, from the likeliest candidate's prior)
# below which an estimated colour is taken as no drawable colour at all when the renderer's
# rounding is chosen: a colour 5 standard deviations from every candidate (a cell under a
# label) weighs no more than that.
OUTLIER_LOG_LIKELIHOOD = -12.5
# Candidates whose log-likelihood lies this far below an estimate's likeliest are left out of
# its posterior (a relative weight under e^-40, 4e-18: nothing a float64 sum keeps).
NEGLIGIBLE_LOG_LIKELIHOOD = 40.0
# Candidates nearest an estimate along the first channel that bound its likeliest one.
WINDOW_PROBES = 8


@dataclass(frozen=True)
class ValueMapping:
    """How a fraction of the colour scale becomes a value.

    Parameters
    ----------
    vmin, vmax : float
        Values at the low and high end of the scale.
    logarithmic : bool
        When True the fraction is spread over log10(value).
    levels : tuple of float or None
        Class boundaries of a discrete (contour-filled) figure, increasing, in value units.
    hinge : tuple (fraction, value) or None
        A GMT hard hinge: the scale's fraction ``fraction`` always stands for ``value`` (sea
        level between bathymetry and topography colours), and each side is stretched on its
        own between it and ``vmin`` or ``vmax``. Linear scales only.
    """

    vmin: float
    vmax: float
    logarithmic: bool = False
    levels: tuple = None
    hinge: tuple = None

    def __post_init__(self):
        from .validation import check_levels_order, check_logarithmic_range, check_value_order

        if not (np.isfinite(self.vmin) and np.isfinite(self.vmax)):
            raise ColourScaleError(
                f"The value range must be finite: VMIN={self.vmin}, VMAX={self.vmax}. Give the "
                "values printed at the two ends of the colorbar.", parameter="VMIN")
        if self.levels is not None and not np.all(np.isfinite(np.asarray(self.levels, float))):
            raise ColourScaleError(f"LEVELS must be finite numbers (got {list(self.levels)}).",
                                   parameter="LEVELS")
        # The same words as the checks before the run (validation.py), for the decode window.
        try:
            check_value_order(self.vmin, self.vmax)
            check_levels_order(self.levels)
            if self.logarithmic:
                check_logarithmic_range(self.vmin, self.levels)
        except EngineError as error:
            raise ColourScaleError(str(error), parameter=error.parameter) from None

    def to_value(self, fractions) -> np.ndarray:
        """Value at each fraction (0 = ``vmin``, 1 = ``vmax``) of the scale."""
        fractions = np.asarray(fractions, dtype=np.float64)
        if self.logarithmic:
            low, high = np.log10(self.vmin), np.log10(self.vmax)
            return 10.0 ** (low + fractions * (high - low))
        return self._piecewise(fractions, *self._knots()[::-1])

    def to_fraction(self, values) -> np.ndarray:
        """Fraction of the scale at each value; the inverse of :meth:`to_value`."""
        values = np.asarray(values, dtype=np.float64)
        if self.logarithmic:
            low, high = np.log10(self.vmin), np.log10(self.vmax)
            return (np.log10(values) - low) / (high - low)
        return self._piecewise(values, *self._knots())

    def _knots(self):
        """(values, fractions) of the piecewise-linear map: the ends, and the hinge if any."""
        if self.hinge is not None and self.vmin < self.hinge[1] < self.vmax:
            fraction, value = self.hinge
            return (np.array([self.vmin, value, self.vmax]), np.array([0.0, fraction, 1.0]))
        return np.array([self.vmin, self.vmax]), np.array([0.0, 1.0])

    @staticmethod
    def _piecewise(x, xs, ys) -> np.ndarray:
        """Piecewise-linear through (xs, ys), extended linearly beyond the ends."""
        segment = np.clip(np.searchsorted(xs, x, side="right") - 1, 0, len(xs) - 2)
        x0, x1, y0, y1 = xs[segment], xs[segment + 1], ys[segment], ys[segment + 1]
        return y0 + (x - x0) * (y1 - y0) / (x1 - x0)

    def class_values(self, boundaries=None) -> np.ndarray:
        """Representative value of each class: its midpoint, geometric on a logarithmic scale.

        Parameters
        ----------
        boundaries : array_like, optional
            Class boundaries in value units; ``levels`` by default.
        """
        boundaries = np.asarray(self.levels if boundaries is None else boundaries, dtype=np.float64)
        if self.logarithmic:
            return np.sqrt(boundaries[:-1] * boundaries[1:])
        return (boundaries[:-1] + boundaries[1:]) / 2


@dataclass
class FigureStudy:
    """What :meth:`ColourDecoder.study_figure` learnt from a figure.

    Attributes
    ----------
    pixels : int
        Pixels sampled.
    noise_mode : float
        Mode of the sampled data pixels' ΔE*ab to the scale (NaN when none was sampled).
    threshold : float
        The default maximum colour distance (ΔE*ab) it implies.
    non_data_colours : ndarray (k, 3)
        sRGB in [0, 1] of the frequent colours off the scale (and the scale's NaN colour).
    """

    pixels: int
    noise_mode: float
    threshold: float
    non_data_colours: np.ndarray


@dataclass
class DecodedField:
    """The result of decoding a figure.

    Attributes
    ----------
    values : ndarray of float32, shape (rows, cols)
        Decoded value; NaN where the pixel is not data.
    distance : ndarray of float32, shape (rows, cols)
        ΔE*ab from the pixel colour to the scale; NaN where the pixel was not examined
        (transparent, outside the plot area).
    class_index : ndarray of int16 or None
        For discrete scales, the class of each pixel (-1 where not data).
    """

    values: np.ndarray
    distance: np.ndarray
    class_index: np.ndarray = None


@dataclass(frozen=True)
class DecoderClasses:
    """The classes a discrete decode matches pixels against (and the styles colour by).

    Attributes
    ----------
    colours : ndarray of float64, shape (n, 3)
        sRGB in [0, 1] of each class, as the figure paints it.
    boundaries : ndarray of float64, shape (n + 1,)
        Class i holds the values from ``boundaries[i]`` to ``boundaries[i + 1]``, value units.
    values : ndarray of float64, shape (n,)
        The value a pixel of class i gets (the class midpoint, see
        :meth:`ValueMapping.class_values`).
    """

    colours: np.ndarray
    boundaries: np.ndarray
    values: np.ndarray


@dataclass(frozen=True)
class FigureColours:
    """What a matcher uses of the figure being decoded (learnt by
    :meth:`ColourDecoder.study_figure`).

    Attributes
    ----------
    noise_mode : float
        Mode of the data pixels' ΔE*ab to the scale; NaN when the figure was not studied.
    non_data_colours : ndarray of float64, shape (k, 3)
        sRGB in [0, 1] of the figure's frequent colours off the scale (and the scale's NaN
        colour).
    quantiser : str
        The renderer's 8-bit rounding, one of ``QUANTISERS``.
    """

    noise_mode: float
    non_data_colours: np.ndarray
    quantiser: str


def _colour_forms(srgb8, match_space):
    """The colours as sRGB in [0, 1], in CIELAB and in the match space."""
    srgb = srgb8.astype(np.float64) / 255.0
    lab = srgb_to_lab(srgb)
    match = lab if match_space == "cielab" else MATCH_SPACES[match_space](srgb)
    return srgb, lab, match


def _is_lookup_table(scale) -> bool:
    """A scale of a lookup table's entries (matplotlib): only its vertices are drawn."""
    return len(scale.colours) >= LOOKUP_TABLE_MIN_VERTICES and scale.lookup_table


class CurveMatcher:
    """Matches colours to a continuous scale: each colour takes the value of the nearest point
    of the scale's curve (see the module docstring).

    The matchers share one interface, which :class:`ColourDecoder` relies on:
    ``discrete``, ``classes``, ``value_resolution``, ``resolution_fraction``,
    ``uses_exact_colours``, ``anchor_colours``, ``off_scale_limit``,
    ``default_threshold(noise_threshold)``, ``distance(srgb)`` and
    ``match(srgb8, figure) -> (values, distance, class_index)``.

    Parameters
    ----------
    scale : ColourScale
        A continuous scale.
    mapping : ValueMapping
        Fractions to values (without ``levels``).
    match_space : {"srgb", "ycbcr", "cielab"}
    """

    discrete = False
    #: Continuous scales have no classes.
    classes = None

    def __init__(self, scale, mapping, match_space):
        self.scale = scale
        self.mapping = mapping
        self.match_space = match_space
        self._to_match_space = MATCH_SPACES[match_space]
        self._exact_tables = {}
        self._weighted_curves = {}
        positions = np.asarray(scale.positions, dtype=np.float64)
        colours = np.asarray(scale.colours, dtype=np.float64)
        _refuse_endless_curve(colours)
        curve_fraction, curve_srgb = _densify(positions, colours)
        self._curve_fraction = curve_fraction
        self._curve_srgb = curve_srgb
        self._curve_lab = srgb_to_lab(curve_srgb)
        self._curve_lab_tree = cKDTree(self._curve_lab)
        if match_space == "cielab":
            self._curve_match, self._curve_tree = self._curve_lab, self._curve_lab_tree
        else:
            self._curve_match = self._to_match_space(curve_srgb)
            self._curve_tree = cKDTree(self._curve_match)
        # How many distinct colours an 8-bit figure can show. A scale of many vertices is a
        # lookup table (matplotlib's 256 entries): a figure shows its entries, one step each.
        # A gradient of few stops is interpolated by the renderer: between two stops, as many
        # colours as the largest channel change in 8-bit steps.
        change = np.abs(np.diff(colours, axis=0)).max(axis=1)
        if len(colours) >= LOOKUP_TABLE_MIN_VERTICES:
            steps = np.count_nonzero(change > 0.5 / 255)
        else:
            steps = np.ceil(change * 255 - 1e-6).sum()
        #: The resolution as a fraction of the scale.
        self.resolution_fraction = (positions[-1] - positions[0]) / max(steps, 1.0)
        low, high = mapping.to_value([0.0, self.resolution_fraction])
        #: Smallest value step an 8-bit figure can show, value units.
        self.value_resolution = float(abs(high - low))
        #: Exact 8-bit colours are looked up in the renderer's table on lossless figures. Also
        #: for a scale sampled off the figure's own colorbar: a bar drawn from a lookup table
        #: repeats each entry's colour over several samples, and the table gives such a colour
        #: the middle of its run where the curve gives any of them (measured on matplotlib
        #: figures of 0.5-5 MP: median error as low or lower, down by a fifth on large ones).
        self.uses_exact_colours = match_space == "srgb"

    @property
    def anchor_colours(self) -> np.ndarray:
        """sRGB colours along the scale that a non-data colour may be mixed with."""
        return self.scale.colour_at(np.linspace(0, 1, 257))

    @property
    def off_scale_limit(self) -> float:
        """ΔE*ab from the scale beyond which a frequent colour is a colour of its own."""
        return OFF_SCALE_DELTA_E

    def default_threshold(self, noise_threshold) -> float:
        """The default MAX_COLOR_DISTANCE (ΔE*ab): the one the figure's noise implies."""
        return noise_threshold

    def distance(self, srgb) -> np.ndarray:
        """ΔE*ab from sRGB colours (0..1) to the nearest point of the curve."""
        return _project_on_curve(srgb_to_lab(srgb), self._curve_lab, self._curve_lab_tree,
                                 self._curve_fraction)[1]

    def match(self, srgb8, figure) -> tuple:
        """Values of distinct colours (see :meth:`ColourDecoder.decode_colours`).

        Parameters
        ----------
        srgb8 : ndarray of uint8, shape (k, 3)
        figure : FigureColours

        Returns
        -------
        values, distance : ndarray of float64, shape (k,)
        class_index : None
        """
        srgb, lab, match = _colour_forms(srgb8, self.match_space)
        same_space = self.match_space == "cielab"
        if figure.quantiser == "floor" and not same_space:
            # A truncating renderer drew anything in [c, c + 1) as c: its centre is c + ½.
            match = self._to_match_space(np.minimum(srgb + 0.5 / 255, 1.0))
        # The value comes from the match space; the distance is always to the scale in CIELAB,
        # so that MAX_COLOR_DISTANCE means the same whatever the space.
        fraction, distance = _project_on_curve(match, self._curve_match, self._curve_tree,
                                               self._curve_fraction)
        if not same_space:
            _, distance = _project_on_curve(lab, self._curve_lab, self._curve_lab_tree,
                                            self._curve_fraction)
        if self.uses_exact_colours:
            # A colour the renderer can draw exactly: the mean fraction of all that it draws so.
            codes, mean_fraction, ambiguous = self.exact_table(figure.quantiser)
            where = np.clip(np.searchsorted(codes, _pack(srgb8)), 0, len(codes) - 1)
            exact = (codes[where] == _pack(srgb8)) & ~ambiguous[where]
            fraction = np.where(exact, mean_fraction[where], fraction)
        values = self.mapping.to_value(fraction)
        if len(figure.non_data_colours) and self.match_space == "srgb":
            # Lossless figures only: JPEG's noise makes the unmixing guess (measured: more
            # line pixels decoded wrong, not fewer); JPEG's line edges are left out in
            # ColourDecoder.decode_image, where a mixture touches the line.
            values, distance = self._unmix_from_lines(srgb, lab, values, distance, figure)
        return values, distance, None

    def luma_weighted_values(self, srgb8, quantiser, chroma_weight) -> np.ndarray:
        """Values of distinct colours matched in Y'CbCr with the chroma scaled down.

        A JPEG keeps luma at full resolution and finely quantised, chroma subsampled 2 × 2 and
        quantised more coarsely: in a flat area its luma is the better witness of the colour.

        Parameters
        ----------
        srgb8 : ndarray of uint8, shape (k, 3)
        quantiser : str
            The renderer's 8-bit rounding ("floor": a colour c stands for [c, c + 1)).
        chroma_weight : float
            Weight of Cb and Cr against Y' in the distance to the curve (1: plain Y'CbCr).

        Returns
        -------
        ndarray of float64, shape (k,)
        """
        srgb = np.asarray(srgb8, dtype=np.float64) / 255.0
        if quantiser == "floor":
            srgb = np.minimum(srgb + 0.5 / 255, 1.0)
        weights = np.array([1.0, chroma_weight, chroma_weight])
        key = float(chroma_weight)
        if key not in self._weighted_curves:
            curve = srgb_to_ycbcr(self._curve_srgb) * weights
            self._weighted_curves[key] = (curve, cKDTree(curve))
        curve, tree = self._weighted_curves[key]
        fraction, _ = _project_on_curve(srgb_to_ycbcr(srgb) * weights, curve, tree,
                                        self._curve_fraction)
        return self.mapping.to_value(fraction)

    def weighted_ycbcr_values(self, ycbcr, weights, quantiser, block=256) -> np.ndarray:
        """Values of colours given as JPEG Y'CbCr estimates, each channel weighted on its own.

        For colours estimated rather than read (a JPEG cell's colour from its blocks, see
        ``jpeg_cells``): each is matched to the nearest point of the curve in JFIF Y'CbCr
        (0..255) under ``sum_c w_c (x_c - curve_c)^2``, with weights per colour and channel
        (the inverse variances of the estimates).

        Parameters
        ----------
        ycbcr : ndarray of float, shape (k, 3)
            JFIF Y', Cb, Cr (0..255, chroma centred on 128); NaN rows give NaN.
        weights : ndarray of float, shape (k, 3)
        quantiser : str
            The renderer's 8-bit rounding ("floor": a colour c stands for [c, c + 1), its luma
            half a level below the curve's).
        block : int
            Colours matched at once (bounds the temporaries to ``block`` × curve vertices).

        Returns
        -------
        ndarray of float64, shape (k,)
        """
        curve = srgb_to_ycbcr(self._curve_srgb) * 2.55
        curve[:, 1:] += 128.0
        if quantiser == "floor":
            curve[:, 0] -= 0.5
        last = len(curve) - 1
        values = np.full(len(ycbcr), np.nan)
        known = np.flatnonzero(np.isfinite(ycbcr).all(axis=1) & np.isfinite(weights).all(axis=1))
        for start in range(0, len(known), block):
            rows = known[start:start + block]
            point, weight = ycbcr[rows], weights[rows]
            distance = (((point[:, None, :] - curve[None]) ** 2) * weight[:, None, :]).sum(axis=2)
            nearest = np.argmin(distance, axis=1)
            # The nearest point lies on one of the two segments beside the nearest vertex.
            best_fraction = self._curve_fraction[nearest]
            best = distance[np.arange(len(rows)), nearest]
            for begin in (np.maximum(nearest - 1, 0), nearest):
                end = np.minimum(begin + 1, last)
                a, direction = curve[begin], curve[end] - curve[begin]
                length = (direction * direction * weight).sum(axis=1)
                along = ((point - a) * direction * weight).sum(axis=1)
                t = np.clip(np.divide(along, length, out=np.zeros_like(along),
                                      where=length > 0), 0.0, 1.0)
                offset = point - a - t[:, None] * direction
                d = (offset * offset * weight).sum(axis=1)
                fraction = (self._curve_fraction[begin]
                            + t * (self._curve_fraction[end] - self._curve_fraction[begin]))
                better = d < best
                best = np.where(better, d, best)
                best_fraction = np.where(better, fraction, best_fraction)
            values[rows] = self.mapping.to_value(best_fraction)
        return values

    def _unmix_from_lines(self, srgb, lab, values, distance, figure):
        """Colours that are a scale colour mixed with a non-data colour (a line's anti-aliased
        edge): unmixed while the line's share is at most ``MAX_UNMIXED_LINE_SHARE``, else left
        out.

        Only colours beyond the figure's noise are examined. A renderer blends a line over the
        data in sRGB, ``p = (1 − α)·q + α·n``, so the scale colour ``q`` lies on the ray from the
        non-data colour ``n`` through ``p``, beyond ``p``. When a scale colour lies on that ray
        (its mixture explains ``p`` within the noise, and at most half as far as the scale does
        alone) and ``α ≥ MIN_LINE_SHARE``, the pixel takes ``q``'s value if
        ``α ≤ MAX_UNMIXED_LINE_SHARE`` and is left out (NaN value, infinite distance) otherwise.
        """
        mixture, share, vertex, residual = self.line_mixtures(srgb, lab, distance, figure)
        if not mixture.any():
            return values, distance
        values, distance = values.copy(), distance.copy()
        unmixed = mixture & (share <= MAX_UNMIXED_LINE_SHARE)
        left_out = mixture & ~unmixed
        values[unmixed] = self.mapping.to_value(self._curve_fraction[vertex[unmixed]])
        distance[unmixed] = residual[unmixed]
        values[left_out] = np.nan
        distance[left_out] = np.inf
        return values, distance

    @staticmethod
    def _noise(figure) -> float:
        """ΔE*ab within which a colour is the figure's noise around what was drawn."""
        return (max(NOISE_MODES * figure.noise_mode, MIN_NOISE_DELTA_E)
                if np.isfinite(figure.noise_mode) else MIN_NOISE_DELTA_E)

    def line_mixtures(self, srgb, lab, distance, figure) -> tuple:
        """Which colours are a scale colour mixed with a non-data colour, by the rule of
        :meth:`_unmix_from_lines`.

        Parameters
        ----------
        srgb, lab : ndarray of float64, shape (k, 3)
            The colours in sRGB (0..1) and CIELAB.
        distance : ndarray of float64, shape (k,)
            Their ΔE*ab to the scale.
        figure : FigureColours

        Returns
        -------
        mixture : ndarray of bool, shape (k,)
        share : ndarray of float64, shape (k,)
            The line's share α of each colour (0 where not examined).
        vertex : ndarray of int, shape (k,)
            The curve vertex of the scale colour under the line.
        residual : ndarray of float64, shape (k,)
            ΔE*ab from the mixture to the colour (inf where not examined).
        """
        noise = self._noise(figure)
        count = len(srgb)
        mixture = np.zeros(count, dtype=bool)
        best_share_all = np.zeros(count)
        best_vertex_all = np.zeros(count, dtype=int)
        best_residual_all = np.full(count, np.inf)
        suspect = np.flatnonzero(distance > noise)
        if suspect.size == 0 or not len(figure.non_data_colours):
            return mixture, best_share_all, best_vertex_all, best_residual_all
        curve = self._curve_srgb
        for block in np.array_split(suspect, max(1, suspect.size // 512)):
            check_cancelled()  # a second a block of colours on a busy figure
            pixel = srgb[block]
            best_residual = np.full(len(block), np.inf)
            best_share = np.zeros(len(block))
            best_vertex = np.zeros(len(block), dtype=int)
            for other in figure.non_data_colours:
                ray = pixel - other  # from the non-data colour through the pixel
                length2 = np.maximum(np.einsum("ik,ik->i", ray, ray), 1e-12)
                # Each curve vertex's position s along the ray (s = 1 / (1 − α) ≥ 1 beyond p).
                along = ((curve[None, :, :] - other) * ray[:, None, :]).sum(axis=2) / length2[:, None]
                along = np.maximum(along, 1.0)
                offset = curve[None, :, :] - (other + along[..., None] * ray[:, None, :])
                gap = np.sqrt(np.einsum("ijk,ijk->ij", offset, offset))
                vertex = np.argmin(gap, axis=1)
                rows = np.arange(len(block))
                share = 1.0 - 1.0 / along[rows, vertex]
                mixed = (1 - share)[:, None] * curve[vertex] + share[:, None] * other
                residual = np.linalg.norm(lab[block] - srgb_to_lab(mixed), axis=1)
                better = residual < best_residual
                best_residual = np.where(better, residual, best_residual)
                best_share = np.where(better, share, best_share)
                best_vertex = np.where(better, vertex, best_vertex)
            mixture[block] = ((best_residual <= noise) & (best_residual <= 0.5 * distance[block])
                              & (best_share >= MIN_LINE_SHARE))
            best_share_all[block] = best_share
            best_vertex_all[block] = best_vertex
            best_residual_all[block] = best_residual
        return mixture, best_share_all, best_vertex_all, best_residual_all

    def line_colours(self, srgb8, figure) -> np.ndarray:
        """Which colours are a line's own colour: within the figure's noise (ΔE*ab) of one of
        its non-data colours.

        Parameters
        ----------
        srgb8 : ndarray of uint8, shape (k, 3)
        figure : FigureColours

        Returns
        -------
        ndarray of bool, shape (k,)
        """
        lab = srgb_to_lab(np.asarray(srgb8, np.float64) / 255.0)
        others = srgb_to_lab(np.asarray(figure.non_data_colours, float).reshape(-1, 3))
        to_line = np.linalg.norm(lab[:, None, :] - others[None], axis=2).min(axis=1)
        return to_line <= self._noise(figure)

    def line_mixture_colours(self, srgb8, distance, figure) -> np.ndarray:
        """Which colours are a scale colour mixed with a non-data colour
        (:meth:`line_mixtures`), for figures whose lines are not unmixed colour by colour
        (JPEG; see ``LEAVE_OUT_BESIDE_LINES``).

        Parameters
        ----------
        srgb8 : ndarray of uint8, shape (k, 3)
        distance : ndarray of float64, shape (k,)
            ΔE*ab to the scale.
        figure : FigureColours

        Returns
        -------
        ndarray of bool, shape (k,)
        """
        srgb, lab, _ = _colour_forms(np.asarray(srgb8), self.match_space)
        return self.line_mixtures(srgb, lab, distance, figure)[0]

    def exact_table(self, quantiser) -> tuple:
        """Every 8-bit colour the renderer can draw from this scale, and where it stands.

        Parameters
        ----------
        quantiser : str
            One of ``QUANTISERS``.

        Returns
        -------
        codes : ndarray of int64, sorted
            24-bit codes (see ``_pack``) of the drawable colours.
        fraction : ndarray of float64
            Mean fraction of the scale drawn in each colour (uniform over the fractions).
        ambiguous : ndarray of bool
            Colours drawn at places of the scale more than ``AMBIGUOUS_SPAN_STEPS`` value
            steps apart.
        """
        return self._exact_table_with_shares(quantiser)[:3]

    def _exact_table_with_shares(self, quantiser) -> tuple:
        """:meth:`exact_table` and the share of the scale drawn in each colour (sums to 1)."""
        if quantiser in self._exact_tables:
            return self._exact_tables[quantiser]
        positions = np.asarray(self.scale.positions, dtype=np.float64)
        colours = 255.0 * np.asarray(self.scale.colours, dtype=np.float64)
        if _is_lookup_table(self.scale):
            # Entry i is drawn for the fractions nearer to its vertex than to its neighbours'.
            edges = np.concatenate([[positions[0]], (positions[:-1] + positions[1:]) / 2,
                                    [positions[-1]]])
            fractions, weights, nominal = positions, np.diff(edges), colours
            drawn = np.floor(nominal + 1e-7) if quantiser == "floor" else np.rint(nominal)
            sums = [_drawn_colour_sums(drawn, weights, fractions)]
        else:
            starts, ends = colours[:-1], colours[1:]
            change = np.abs(ends - starts).max(axis=1)
            counts = np.ceil(8 * change).astype(int) + 2
            width = positions[1:] - positions[:-1]
            # Sampled a group of segments at a time: a scale of many segments whose colours
            # jump (a hostile or random .cpt of 100,000 slices) would otherwise take 2,000
            # samples a segment at once, gigabytes.
            sums = []
            for group in _segment_groups(counts, EXACT_TABLE_SAMPLES):
                group_counts = counts[group]
                segment = np.repeat(group, group_counts)
                first = np.repeat(np.cumsum(group_counts) - group_counts, group_counts)
                t = (np.arange(group_counts.sum()) - first) / np.repeat(group_counts - 1,
                                                                         group_counts)
                fractions = positions[segment] + t * width[segment]
                weights = np.repeat(width[group] / group_counts, group_counts)
                if quantiser == "toward_lower":
                    low, high = np.rint(starts), np.rint(ends)
                    drawn = low[segment] + np.trunc(t[:, None] * (high - low)[segment] + 1e-7
                                                    * np.sign((high - low)[segment]))
                else:
                    nominal = starts[segment] + t[:, None] * (ends - starts)[segment]
                    drawn = np.floor(nominal + 1e-7) if quantiser == "floor" else np.rint(nominal)
                sums.append(_drawn_colour_sums(drawn, weights, fractions))
        codes, total, weighted, low_end, high_end = _merged_colour_sums(sums)
        mean = weighted / np.maximum(total, 1e-300)
        ambiguous = (high_end - low_end) > AMBIGUOUS_SPAN_STEPS * self.resolution_fraction
        self._exact_tables[quantiser] = (codes, mean, ambiguous,
                                         total / max(total.sum(), 1e-300))
        return self._exact_tables[quantiser]

    def stored_colour_values(self, estimates, precision, to_stored, quantisers,
                             block=512) -> tuple:
        """Values of colours estimated as a lossy file stored them, over the colours drawable.

        A renderer draws only the 8-bit colours of :meth:`exact_table`, and an encoder turns
        each into integer channels (a JPEG's Y'CbCr, see ``jpeg_cells.stored_ycbcr``): an
        estimate of those stored channels, with its precision per channel, is weighed against
        every drawable colour at once. Each drawable colour's likelihood is Gaussian in the
        estimate's precision, its prior the share of the scale drawn in it (a uniform prior on
        the scale); the value is the posterior mean of the scale's fraction. Drawable colours
        that the encoder stores alike are one candidate at their mean fraction: the file cannot
        tell them apart. (A curve instead asks the estimate to hit the scale's unrounded colour,
        where the stored one is up to half a level off in each channel: with viridis's luma
        climbing 0.6 level an entry, that rounding alone moves a cell by an entry.)

        Parameters
        ----------
        estimates : ndarray of float, shape (k, 3)
            Estimated stored channels; NaN rows give NaN.
        precision : ndarray of float, shape (k, 3)
            Inverse variance of each channel's estimate (1 / channel units²).
        to_stored : callable
            uint8 RGB (n, 3) to the stored channels (n, 3), as the encoder computes them.
        quantisers : sequence of str
            The renderer's 8-bit roundings (``QUANTISERS``) to consider: the one under which
            the estimates are most likely (summed over colours, each colour's likelihood
            floored so that a colour of no candidate, a cell under a label, weighs little)
            is used.
        block : int
            Estimates weighed at once (temporaries of ``block`` × drawable colours).

        Returns
        -------
        values : ndarray of float64, shape (k,)
        quantiser : str
            The rounding used.
        """
        estimates = np.asarray(estimates, dtype=np.float64)
        precision = np.asarray(precision, dtype=np.float64)
        known = np.flatnonzero(np.isfinite(estimates).all(axis=1)
                               & np.isfinite(precision).all(axis=1))
        best = (-np.inf, None, None)
        tried = set()
        for quantiser in quantisers:
            candidates, fraction, log_prior = self._stored_candidates(quantiser, to_stored)
            signature = (candidates.tobytes(), fraction.tobytes())
            if signature in tried:
                continue  # another rounding drawing the same colours (a lookup table's)
            tried.add(signature)
            order = np.argsort(candidates[:, 0], kind="stable")
            candidates, fraction, log_prior = candidates[order], fraction[order], log_prior[order]
            # Each estimate meets only the candidates within its reach along the first
            # channel (a JPEG's luma: a few levels of 255). Estimates of about the same reach
            # (within a factor of two) in the order of that channel: a block of them meets a
            # narrow band of the candidates.
            reach = _candidate_reach(estimates[known], precision[known], candidates,
                                     log_prior)
            with np.errstate(divide="ignore"):
                reach_class = np.ceil(np.log2(np.clip(reach, 1.0, 1e6)))
            by_reach = np.lexsort((estimates[known, 0], reach_class))
            in_order, reach = known[by_reach], reach[by_reach]
            squared = (candidates * candidates).T
            result = np.full(len(estimates), np.nan)
            evidence = 0.0
            for start in range(0, len(in_order), block):
                rows = in_order[start:start + block]
                point, weight = estimates[rows], precision[rows]
                band = reach[start:start + block]
                near = slice(int(np.searchsorted(candidates[:, 0], (point[:, 0] - band).min())),
                             int(np.searchsorted(candidates[:, 0], (point[:, 0] + band).max(),
                                                 side="right")))
                # sum_c w_c (x_c - y_c)^2, expanded into products over all candidates at once
                distance = ((weight * point * point).sum(axis=1)[:, None]
                            - 2.0 * (weight * point) @ candidates[near].T
                            + weight @ squared[:, near])
                log_like = log_prior[near] - 0.5 * distance
                top = log_like.max(axis=1)
                like = np.exp(log_like - top[:, None])
                total = like.sum(axis=1)
                result[rows] = (like @ fraction[near]) / total
                evidence += np.logaddexp(top + np.log(total),
                                         OUTLIER_LOG_LIKELIHOOD + log_prior.max()).sum()
            if evidence > best[0]:
                best = (evidence, result, quantiser)
        _, fractions, quantiser = best
        return self.mapping.to_value(fractions), quantiser

    def _stored_candidates(self, quantiser, to_stored):
        """Distinct stored colours of the drawable ones: (stored (m, 3), mean fraction (m,),
        log share of the scale (m,))."""
        codes, fraction, _, share = self._exact_table_with_shares(quantiser)
        rgb = np.stack([codes & 255, (codes >> 8) & 255, codes >> 16], axis=1).astype(np.uint8)
        stored, inverse = np.unique(np.asarray(to_stored(rgb), dtype=np.float64), axis=0,
                                    return_inverse=True)
        inverse = inverse.ravel()
        total = np.bincount(inverse, share, len(stored))
        mean = np.bincount(inverse, share * fraction, len(stored)) / np.maximum(total, 1e-300)
        return stored, mean, np.log(np.maximum(total, 1e-300))

    def recognise_quantiser(self, codes, default) -> str:
        """The renderer's 8-bit rounding that draws most of the figure's distinct colours.

        Parameters
        ----------
        codes : ndarray of int
            24-bit codes of the colours that occur in the figure.
        default : str
            The quantiser assumed so far, one of ``QUANTISERS``.

        Returns
        -------
        str
            One of ``QUANTISERS``: ``default`` unless another draws clearly more of the
            figure's colours.
        """
        hits = {}
        for quantiser in QUANTISERS:
            table, _, ambiguous = self.exact_table(quantiser)
            hits[quantiser] = int(np.isin(codes, table[~ambiguous]).sum())
        best = max(hits, key=hits.get)
        # Clearly more: beyond the chance agreement of the tables (a colour both draw).
        return best if hits[best] > 1.1 * hits[default] + 10 else default



def _candidate_reach(point, weight, candidates, log_prior, block=4096) -> np.ndarray:
    """How far along the first channel a candidate can lie from each estimate and still weigh
    in its posterior.

    A candidate ``c`` has log-likelihood ``log_prior[c] - sum_k w_k (x_k - y_ck)^2 / 2``, at
    most ``max(log_prior) - w_0 (x_0 - y_c0)^2 / 2``; the likeliest of the few candidates
    nearest along the first channel bounds the best from below, so a candidate farther along
    it than ``sqrt(2 (max(log_prior) - bound + NEGLIGIBLE_LOG_LIKELIHOOD) / w_0)`` weighs less
    than e^-40 of the best.

    Parameters
    ----------
    point, weight : ndarray, shape (k, 3)
        Estimates and their precisions.
    candidates : ndarray, shape (m, 3)
        Sorted by the first channel.
    log_prior : ndarray, shape (m,)

    Returns
    -------
    ndarray, shape (k,)
        Channel units; infinite where the first channel's precision is zero.
    """
    first = candidates[:, 0]
    reach = np.empty(len(point))
    offsets = np.arange(-WINDOW_PROBES // 2, WINDOW_PROBES // 2)
    for start in range(0, len(point), block):
        x, w = point[start:start + block], weight[start:start + block]
        probes = np.clip(np.searchsorted(first, x[:, 0])[:, None] + offsets, 0, len(first) - 1)
        bound = (log_prior[probes] - 0.5 * (w[:, None, :] * (x[:, None, :] - candidates[probes])
                                             ** 2).sum(axis=2)).max(axis=1)
        with np.errstate(divide="ignore"):
            reach[start:start + block] = np.sqrt(
                2.0 * (log_prior.max() - bound + NEGLIGIBLE_LOG_LIKELIHOOD) / w[:, 0])
    return reach


def _check_classes_apart(colours, levels, mapping, scale) -> None:
    """Refuse LEVELS two neighbouring classes of which the scale paints alike.

    Parameters
    ----------
    colours : ndarray (n, 3)
        sRGB (0..1) of the n classes.
    levels : ndarray (n + 1,)
    mapping : ValueMapping
    scale : ColourScale

    Raises
    ------
    ColourScaleError
        Naming LEVELS, the two classes and their colour difference.
    """
    if len(colours) < 2:
        return
    lab = srgb_to_lab(colours)
    separation = np.linalg.norm(np.diff(lab, axis=0), axis=1)
    closest = int(np.argmin(separation))
    if separation[closest] >= MIN_CLASS_SEPARATION_DELTA_E:
        return
    first = f"{number_text(levels[closest])} to {number_text(levels[closest + 1])}"
    second = f"{number_text(levels[closest + 1])} to {number_text(levels[closest + 2])}"
    raise ColourScaleError(
        f"The LEVELS classes {first} and {second} would be painted with almost the same "
        f"colour of '{scale.name}' between VMIN = {number_text(mapping.vmin)} and VMAX = {number_text(mapping.vmax)} "
        f"(ΔE {separation[closest]:.2f}, below {MIN_CLASS_SEPARATION_DELTA_E:g}): no figure "
        "tells them apart. Are LEVELS and VMIN/VMAX in the same units? Give VMIN and VMAX as "
        "the values at the colormap's two ends (for a contour-filled figure usually the "
        "colorbar's first and last boundary), or leave them empty to put the colormap's ends at "
        "LEVELS' first and last boundary; give each class boundary the colorbar shows once.",
        parameter="LEVELS")


class ClassMatcher:
    """Matches colours to the classes of a discrete decode: each colour takes the class whose
    colour explains it clearly (see :meth:`match`), and that class's value.

    Same interface as :class:`CurveMatcher`. Build it with :meth:`from_bands` (a discrete
    scale) or :meth:`from_levels` (a continuous scale cut into classes by ``mapping.levels``).

    Parameters
    ----------
    classes : DecoderClasses
    match_space : {"srgb", "ycbcr", "cielab"}
    """

    discrete = True
    #: Class colours are matched whole, never looked up in a renderer's table.
    uses_exact_colours = False
    resolution_fraction = None

    def __init__(self, classes, match_space):
        self.classes = classes
        self.match_space = match_space
        self._to_match_space = MATCH_SPACES[match_space]
        self._class_lab = srgb_to_lab(classes.colours)
        self._class_match = self._to_match_space(classes.colours)
        self._class_lab_tree = cKDTree(self._class_lab)
        #: The narrowest class, value units.
        self.value_resolution = float(np.min(np.diff(classes.boundaries)))

    @classmethod
    def from_bands(cls, scale, mapping, match_space) -> "ClassMatcher":
        """One class per band of a discrete scale."""
        positions = np.asarray(scale.positions, dtype=np.float64)
        return cls._from(np.asarray(scale.colours, dtype=np.float64),
                         mapping.to_value(positions), mapping, match_space)

    @classmethod
    def from_levels(cls, scale, mapping, match_space) -> "ClassMatcher":
        """One class per interval of ``mapping.levels``, coloured as matplotlib's ``contourf``
        colours it (the scale's colour at the interval's midpoint)."""
        levels = np.asarray(mapping.levels, dtype=np.float64)
        class_values = mapping.class_values()
        fractions = np.clip(mapping.to_fraction(class_values), 0, 1)
        if _is_lookup_table(scale):
            # matplotlib paints a class with the table entry its midpoint falls in, not with a
            # blend of two entries.
            entries = np.asarray(scale.colours)[1:-1]
            colours = entries[np.minimum((fractions * len(entries)).astype(int), len(entries) - 1)]
        else:
            colours = scale.colour_at(fractions)
        _check_classes_apart(np.asarray(colours, dtype=np.float64), levels, mapping, scale)
        return cls._from(colours, levels, mapping, match_space)

    @classmethod
    def _from(cls, colours_srgb, boundaries, mapping, match_space) -> "ClassMatcher":
        classes = DecoderClasses(np.asarray(colours_srgb, dtype=np.float64),
                                 np.asarray(boundaries, dtype=np.float64),
                                 mapping.class_values(boundaries))
        return cls(classes, match_space)

    @property
    def anchor_colours(self) -> np.ndarray:
        """sRGB colours of the classes, which a non-data colour may be mixed with."""
        return self.classes.colours

    @property
    def off_scale_limit(self) -> float:
        """ΔE*ab from every class beyond which a frequent colour is a colour of its own: half
        the narrowest class separation, at least ``OFF_SCALE_DELTA_E``."""
        separation = np.linalg.norm(self._class_lab[:, None] - self._class_lab[None], axis=2)
        separation[np.eye(len(separation), dtype=bool)] = np.inf
        return max(0.5 * float(separation.min()) if len(separation) > 1 else 0.0,
                   OFF_SCALE_DELTA_E)

    def default_threshold(self, noise_threshold) -> float:
        """The default MAX_COLOR_DISTANCE (ΔE*ab): the cap, whatever the noise.

        Classes are told apart by the rules of :meth:`match` (nearest class, margin, non-data
        colours): the distance only keeps out colours that are no class at all.
        """
        return NOISE_CAP_DELTA_E

    def distance(self, srgb) -> np.ndarray:
        """ΔE*ab from sRGB colours (0..1) to the nearest class colour."""
        return self._class_lab_tree.query(srgb_to_lab(srgb))[0]

    def match(self, srgb8, figure) -> tuple:
        """Classes and values of distinct colours (see :meth:`ColourDecoder.decode_colours`).

        Parameters
        ----------
        srgb8 : ndarray of uint8, shape (k, 3)
        figure : FigureColours

        Returns
        -------
        values, distance : ndarray of float64, shape (k,)
            The class value (NaN where no class), and ΔE*ab to the class colour.
        class_index : ndarray of int64, shape (k,)
            -1 where no class explains the colour clearly.
        """
        srgb, lab, match = _colour_forms(srgb8, self.match_space)
        # Mixtures are weighed against every class: bounded temporaries, block by block.
        step = max(1024, 1_000_000 // max(len(self.classes.values), 1))
        parts = [self._classify(lab[start:start + step], match[start:start + step], figure)
                 for start in range(0, len(srgb), step)]
        index = np.concatenate([part[0] for part in parts]) if parts else np.zeros(0, int)
        distance = np.concatenate([part[1] for part in parts]) if parts else np.zeros(0)
        values = np.where(index >= 0, self.classes.values[np.maximum(index, 0)], np.nan)
        return values, distance, index

    def _classify(self, lab, match, figure):
        """Class of each colour, or -1 where no class explains it clearly.

        A colour within the figure's noise of a class colour (CIELAB ΔE up to the study's
        noise limit) is that class's. Beyond it, the nearest class (in the match space) must be
        nearer than the runner-up by ``CLASS_MARGIN_FRACTION`` of the two class colours'
        separation. Either way it must be nearer to the class than to every non-data colour
        of the figure (``figure.non_data_colours``: background, NaN colour, lines).

        Returns
        -------
        index : ndarray of int64 (k,)
        distance : ndarray of float64 (k,)
            ΔE*ab from the colour to its class colour.
        """
        classes = self._class_match
        offset = match[:, None, :] - classes[None, :, :]
        apart = np.sqrt(np.einsum("ijk,ijk->ij", offset, offset))
        rows = np.arange(len(match))
        if apart.shape[1] > 1:
            order = np.argsort(apart, axis=1)[:, :2]
            first, second = order[:, 0], order[:, 1]
            separation = np.linalg.norm(classes[first] - classes[second], axis=1)
            clear = apart[rows, second] - apart[rows, first] >= CLASS_MARGIN_FRACTION * separation
        else:
            first = np.zeros(len(match), dtype=int)
            clear = np.ones(len(match), bool)
        distance = np.linalg.norm(lab - self._class_lab[first], axis=1)
        noise = (min(max(NOISE_MODES * figure.noise_mode, NOISE_FLOOR_DELTA_E), NOISE_CAP_DELTA_E)
                 if np.isfinite(figure.noise_mode) else NOISE_FLOOR_DELTA_E)
        clear |= distance <= noise
        if len(figure.non_data_colours):
            others = self._to_match_space(figure.non_data_colours)
            to_other = np.linalg.norm(match[:, None, :] - others[None, :, :], axis=2).min(axis=1)
            clear &= to_other > apart[rows, first]
        return np.where(clear, first, -1), distance


class ColourDecoder:
    """Inverts one colour scale; build once, decode many colours.

    The matching itself is done by one of two matchers chosen here: :class:`CurveMatcher` for a
    continuous scale, :class:`ClassMatcher` for classes (a discrete scale, or ``mapping.levels``).
    The decoder studies the figure and applies the matcher to its distinct colours.

    Parameters
    ----------
    scale : ColourScale
        The colour scale (see ``colour_scales/``); continuous or discrete.
    mapping : ValueMapping
        Fractions to values. With ``mapping.levels`` a continuous scale is turned into one
        class per level interval, coloured as matplotlib's ``contourf`` colours it (the scale's
        colour at the interval's midpoint).
    match_space : {"srgb", "ycbcr", "cielab"}
        Where the nearest colour of the scale is looked for (see the module docstring);
        distances are reported in CIELAB either way.
    quantiser : {"round", "floor", "toward_lower"} or None
        How the renderer turned interpolated colours into 8 bits (see ``QUANTISERS``); None
        (the default) starts from the source's own renderer (matplotlib's lookup truncates,
        others round) and lets :meth:`decode_image` recognise it from the figure's colours.
    """

    def __init__(self, scale, mapping, match_space="srgb", quantiser=None):
        if match_space not in MATCH_SPACES:
            raise ValueError(f"match_space must be one of {sorted(MATCH_SPACES)}")
        if quantiser is not None and quantiser not in QUANTISERS:
            raise ValueError(f"quantiser must be one of {QUANTISERS}")
        self.scale = scale
        self.mapping = mapping
        self.match_space = match_space
        self.non_data_colours = np.zeros((0, 3))
        self.figure_study = None
        self.quantiser = quantiser or (
            "floor" if scale.lookup_table else "round")
        self._recognise_quantiser = quantiser is None
        if mapping.levels is not None:
            self._matcher = ClassMatcher.from_levels(scale, mapping, match_space)
        elif scale.discrete:
            self._matcher = ClassMatcher.from_bands(scale, mapping, match_space)
        else:
            self._matcher = CurveMatcher(scale, mapping, match_space)
        #: The classes pixels are matched to (:class:`DecoderClasses`); None for a continuous
        #: scale. The output styles colour by them.
        self.classes = self._matcher.classes

    @property
    def is_discrete(self) -> bool:
        """Whether pixels are matched to classes (:attr:`classes`) rather than to a curve."""
        return self._matcher.discrete

    @property
    def class_boundaries(self) -> np.ndarray | None:
        """Class i holds the values from ``class_boundaries[i]`` to ``class_boundaries[i + 1]``
        (value units); None for a continuous scale."""
        return None if self.classes is None else self.classes.boundaries

    @property
    def value_resolution(self) -> float:
        """Smallest value step the scale can tell apart in an 8-bit figure, in value units.

        For a continuous scale: the range divided by the number of distinct colours an 8-bit
        figure can show with it (a lookup table's entries, or the 8-bit steps of a gradient
        between its stops); on a logarithmic scale, that step at the low end (the smallest). For
        a discrete scale: the narrowest class.
        """
        return self._matcher.value_resolution

    @property
    def resolution_fraction(self) -> float | None:
        """The resolution as a fraction of the scale (continuous scales; None for discrete)."""
        return self._matcher.resolution_fraction

    @property
    def uses_exact_colours(self) -> bool:
        """Whether exact 8-bit colours are looked up in the renderer's table (continuous
        scales on lossless figures)."""
        return self._matcher.uses_exact_colours

    @property
    def is_lookup_table(self) -> bool:
        """A scale of a lookup table's entries (matplotlib): only its vertices are drawn."""
        return _is_lookup_table(self.scale)

    def exact_table(self, quantiser) -> tuple:
        """Every 8-bit colour the renderer can draw from this (continuous) scale; see
        :meth:`CurveMatcher.exact_table`."""
        return self._matcher.exact_table(quantiser)

    def recognise_quantiser(self, codes) -> str:
        """The renderer's 8-bit rounding that draws most of the figure's distinct colours
        (continuous scales; see :meth:`CurveMatcher.recognise_quantiser`), :attr:`quantiser`
        unless another draws clearly more of them."""
        return self._matcher.recognise_quantiser(codes, self.quantiser)

    # -- decoding -----------------------------------------------------------------------
    def decode_colours(self, srgb8) -> tuple:
        """Decode distinct colours.

        Parameters
        ----------
        srgb8 : ndarray of uint8, shape (k, 3)

        Returns
        -------
        values : ndarray of float64, shape (k,)
        distance : ndarray of float64, shape (k,)
            ΔE*ab to the nearest point of the scale.
        class_index : ndarray of int64, shape (k,), or None for continuous scales
        """
        srgb8 = np.asarray(srgb8)
        if len(srgb8) > COLOUR_BLOCK:
            # A JPEG can hold millions of colours: bounded temporaries, block by block.
            parts = [self._decode_colour_block(srgb8[start:start + COLOUR_BLOCK])
                     for start in range(0, len(srgb8), COLOUR_BLOCK)]
            values, distance, index = (np.concatenate(part) if part[0] is not None else None
                                       for part in zip(*parts))
            return values, distance, index
        return self._decode_colour_block(srgb8)

    def _decode_colour_block(self, srgb8) -> tuple:
        """:meth:`decode_colours` of at most :data:`COLOUR_BLOCK` colours."""
        study = self.figure_study
        figure = FigureColours(np.nan if study is None else study.noise_mode,
                               self.non_data_colours, self.quantiser)
        return self._matcher.match(srgb8, figure)

    def luma_weighted_values(self, srgb8, chroma_weight=0.5) -> np.ndarray:
        """Values (continuous scales) of distinct colours matched in Y'CbCr with chroma
        weighted by ``chroma_weight`` against luma; see :meth:`CurveMatcher.luma_weighted_values`.

        Parameters
        ----------
        srgb8 : ndarray of uint8, shape (k, 3)
        chroma_weight : float

        Returns
        -------
        ndarray of float64, shape (k,)
        """
        if self.is_discrete:
            raise ValueError("luma-weighted matching is for continuous scales")
        srgb8 = np.asarray(srgb8)
        return np.concatenate([
            self._matcher.luma_weighted_values(srgb8[start:start + COLOUR_BLOCK],
                                               self.quantiser, chroma_weight)
            for start in range(0, max(len(srgb8), 1), COLOUR_BLOCK)])

    def weighted_ycbcr_values(self, ycbcr, weights) -> np.ndarray:
        """Values (continuous scales) of estimated JPEG Y'CbCr colours, each channel weighted
        on its own; see :meth:`CurveMatcher.weighted_ycbcr_values`.

        Parameters
        ----------
        ycbcr : ndarray of float, shape (k, 3)
            JFIF Y', Cb, Cr, 0..255.
        weights : ndarray of float, shape (k, 3)

        Returns
        -------
        ndarray of float64, shape (k,)
        """
        if self.is_discrete:
            raise ValueError("weighted Y'CbCr matching is for continuous scales")
        return self._matcher.weighted_ycbcr_values(np.asarray(ycbcr, dtype=np.float64),
                                                   np.asarray(weights, dtype=np.float64),
                                                   self.quantiser)

    def stored_colour_values(self, estimates, precision, to_stored) -> tuple:
        """Values (continuous scales from a source's table) of colours estimated as a lossy
        file stored them; see :meth:`CurveMatcher.stored_colour_values`. The renderer's 8-bit
        rounding is the decoder's :attr:`quantiser` when it was given, else the likeliest.

        Parameters
        ----------
        estimates, precision : ndarray of float, shape (k, 3)
        to_stored : callable
            uint8 RGB (n, 3) to the stored channels (n, 3).

        Returns
        -------
        values : ndarray of float64, shape (k,)
        quantiser : str
        """
        if self.is_discrete or self.scale.sampled_from_figure:
            raise ValueError("stored-colour matching needs a continuous scale from a source's "
                             "table (its drawable colours exactly known)")
        quantisers = QUANTISERS if self._recognise_quantiser else (self.quantiser,)
        return self._matcher.stored_colour_values(estimates, precision, to_stored, quantisers)

    def stored_candidates(self, quantiser, to_stored) -> tuple:
        """The drawable colours as a lossy file stores them (see
        :meth:`CurveMatcher.stored_colour_values`): colours stored alike are one candidate.

        Parameters
        ----------
        quantiser : str
            The renderer's 8-bit rounding, as :meth:`stored_colour_values` returned it.
        to_stored : callable
            uint8 RGB (n, 3) to the stored channels (n, 3).

        Returns
        -------
        stored : ndarray of float64, shape (m, 3)
        fraction : ndarray of float64, shape (m,)
            Mean fraction of the scale drawn in each (:meth:`ValueMapping.to_value` gives
            values).
        log_prior : ndarray of float64, shape (m,)
            Log of the share of the scale drawn in each.
        """
        if not self.knows_drawable_colours:
            raise ValueError("stored candidates need a continuous scale from a source's table")
        return self._matcher._stored_candidates(quantiser, to_stored)

    @property
    def knows_drawable_colours(self) -> bool:
        """Whether every 8-bit colour the renderer can draw is known exactly: a continuous
        scale from a source's table (not colours read off the figure, which are its own noisy
        samples)."""
        return not (self.is_discrete or self.scale.sampled_from_figure)

    def study_figure(self, rgb, examine=None, seed=0) -> "FigureStudy":
        """Learn the figure's non-data colours, its colour noise and (lossless figures) its
        renderer's 8-bit rounding from a sample of pixels.

        Frequent colours of the examined pixels that lie off the scale (farther than
        ``OFF_SCALE_DELTA_E``, and for a discrete scale than half the narrowest class
        separation), and are not a mixture of the scale with a more frequent one, become
        ``non_data_colours`` (with the scale's own NaN colour, if it has one). The mode of the
        sampled pixels' ΔE to the scale is the figure's noise.

        Parameters
        ----------
        rgb : ndarray of uint8 (rows, cols, 3)
        examine : ndarray of bool, optional
        seed : int
            Seed of the pixel sample (the study is reproducible).

        Returns
        -------
        FigureStudy
        """
        rows, cols = rgb.shape[:2]
        rng = np.random.default_rng(seed)
        # The draw as 32-bit integers where the figure allows: numpy draws a range under 2**32
        # with the same 32-bit generator whatever the dtype asked for, so the sample is the
        # int64 one, in half the memory. Filtered before being split into rows and columns:
        # 5 bytes a drawn pixel at the peak, not 40 (35 MiB at 1 MP, whatever the figure).
        index_dtype = np.uint32 if rows * cols <= 1 << 32 else np.int64
        flat = rng.integers(0, rows * cols, size=min(4 * STUDY_SAMPLE, rows * cols),
                            dtype=index_dtype)
        if examine is not None:
            if examine.flags.c_contiguous:
                keep = examine.reshape(-1)[flat]
            else:
                keep = examine[np.divmod(flat, cols)]
            flat = flat[keep]
            del keep
        r, c = np.divmod(flat[:STUDY_SAMPLE], cols)
        del flat
        # 32-bit channels: the bins and 24-bit codes below fit, and the sample's temporaries
        # (a few per sampled pixel) are half the size.
        sample = rgb[r, c].astype(np.int32)
        del r, c
        if len(sample) == 0:
            self.figure_study = FigureStudy(0, np.nan, NOISE_FLOOR_DELTA_E, np.zeros((0, 3)))
            return self.figure_study
        known = [] if self.scale.nodata_colour is None else [np.asarray(self.scale.nodata_colour)]
        self.non_data_colours = np.array(known).reshape(-1, 3)
        # Frequent colours: 32 levels per channel, each bin's mean colour.
        bins = (sample[:, 0] >> 3) | ((sample[:, 1] >> 3) << 5) | ((sample[:, 2] >> 3) << 10)
        counts = np.bincount(bins, minlength=1 << 15)
        frequent = np.flatnonzero(counts >= max(FREQUENT_SHARE * len(sample), 10))
        if frequent.size:
            means = np.stack([np.bincount(bins, sample[:, k], 1 << 15)[frequent]
                              for k in range(3)], axis=1) / counts[frequent, None] / 255.0
            distance = self._matcher.distance(means)
            off = np.flatnonzero(distance > self._matcher.off_scale_limit)
            candidates = []
            for index in off[np.argsort(-counts[frequent][off])]:
                if all(np.linalg.norm(srgb_to_lab(means[index]) - srgb_to_lab(means[other]))
                       > 5.0 for other in candidates):
                    candidates.append(index)
            # A colour between the scale and a more frequent colour is their mixture (JPEG's
            # bleeding at the edge of a NaN area), not a colour of its own.
            chosen = list(self.non_data_colours)
            for index in candidates:
                farther = [means[other] for other in candidates
                           if counts[frequent][other] > counts[frequent][index]]
                if farther and self._is_mixture(means[index], np.array(farther), distance[index]):
                    continue
                if len(chosen) < MAX_NON_DATA_COLOURS:
                    chosen.append(means[index])
            self.non_data_colours = np.array(chosen).reshape(-1, 3)
        del bins
        # Noise: the mode of the sampled pixels' ΔE to the scale (lines, text and non-data
        # colours lie far out in the tail and do not move the mode).
        codes, inverse = np.unique(sample[:, 0] | (sample[:, 1] << 8) | (sample[:, 2] << 16),
                                   return_inverse=True)
        if self._recognise_quantiser and self.uses_exact_colours:
            self.quantiser = self.recognise_quantiser(codes)
        colours = np.stack([codes & 255, (codes >> 8) & 255, codes >> 16], axis=1) / 255.0
        # Block by block: a JPEG's sample holds some hundred thousand distinct colours, each
        # with about 1 KiB of temporaries while projected on the scale.
        pixel_distance = np.concatenate([
            self._matcher.distance(colours[start:start + COLOUR_BLOCK])
            for start in range(0, max(len(colours), 1), COLOUR_BLOCK)])[inverse]
        pixel_distance = pixel_distance[np.isfinite(pixel_distance)
                                        & (pixel_distance < NOISE_CAP_DELTA_E)]
        if pixel_distance.size:
            histogram, edges = np.histogram(pixel_distance, bins=np.arange(0, NOISE_CAP_DELTA_E
                                                                           + 0.25, 0.25))
            smooth = np.convolve(histogram, np.ones(5) / 5, mode="same")
            mode = float(edges[np.argmax(smooth)] + 0.125)
        else:
            mode = np.nan
        threshold = self._matcher.default_threshold(
            NOISE_FLOOR_DELTA_E if not np.isfinite(mode) else float(
                np.clip(NOISE_MODES * mode, NOISE_FLOOR_DELTA_E, NOISE_CAP_DELTA_E)))
        self.figure_study = FigureStudy(len(sample), mode, threshold, self.non_data_colours)
        return self.figure_study

    def _is_mixture(self, colour, others, off_distance):
        """Whether an sRGB colour is a scale colour mixed with one of ``others`` (sRGB), to
        within a fifth of its distance from the scale (at least 3 ΔE)."""
        anchors = self._matcher.anchor_colours
        lab = srgb_to_lab(colour)
        for other in others:
            t = np.linspace(0, 1, 21)[:, None, None]
            mixed = srgb_to_lab((1 - t) * anchors[None] + t * other[None, None])
            if np.linalg.norm(mixed - lab, axis=2).min() <= max(0.2 * off_distance, 3.0):
                return True
        return False

    def decode_image(self, rgb, examine=None, max_distance=np.inf,
                     chunk_pixels=None, feedback=None, with_distance=True,
                     study=True) -> "DecodedField":
        """Decode every pixel of an image.

        Parameters
        ----------
        rgb : ndarray of uint8, shape (rows, cols, 3)
        examine : ndarray of bool, shape (rows, cols), optional
            Pixels to decode; the others get NaN value and distance.
        max_distance : float or None
            Pixels farther than this ΔE*ab from the scale get a NaN value (their distance is
            still reported). None: the threshold :meth:`study_figure` derives from the figure's
            own noise (``figure_study.threshold``).
        chunk_pixels : int, optional
            Pixels handled per chunk; bounds temporary memory. Default: a 32nd of the window
            of examined pixels, between :data:`MIN_CHUNK_PIXELS` and
            :data:`DEFAULT_CHUNK_PIXELS`.
        feedback : callable(progress: float) -> bool, optional
            Called with the fraction done; returning True cancels (raises ``InterruptedError``).
        with_distance : bool or "where read"
            Also return each pixel's colour distance (``DecodedField.distance``, else None);
            ``"where read"``: as a :class:`DistanceField`, computed where read (1 bit a pixel
            held, not 4 bytes), the same values bit for bit.
        study : bool
            Study this image first (:meth:`study_figure` on the examined pixels). False keeps
            the study made before, e.g. of the whole plot area, so that the decoding of any
            part of it does not depend on which pixels are examined.

        Returns
        -------
        DecodedField
        """
        rows, cols = rgb.shape[:2]
        if study or self.figure_study is None:
            self.study_figure(rgb, examine)
        if max_distance is None:
            max_distance = self.figure_study.threshold
        out_values = np.full((rows, cols), np.nan, dtype=np.float32)
        where_read = isinstance(with_distance, str) and with_distance == "where read"
        out_distance = np.full((rows, cols), np.nan, dtype=np.float32) \
            if with_distance and not where_read else None
        out_class = np.full((rows, cols), -1, dtype=np.int16) if self.is_discrete else None
        # Only the bounding box of the examined pixels is read.
        row_span, col_span = _bounding_slices(examine, (rows, cols))
        if row_span is None:
            if where_read:
                out_distance = np.full((rows, cols), np.nan, dtype=np.float32)
            return DecodedField(out_values, out_distance, out_class)
        window = _window(rgb, row_span, col_span)
        window_examine = None if examine is None else examine[row_span, col_span]
        if window_examine is not None and window_examine.all():
            window_examine = None
        window_rows, window_cols = window.shape[:2]
        if chunk_pixels is None:
            chunk_pixels = min(DEFAULT_CHUNK_PIXELS,
                               max(MIN_CHUNK_PIXELS, window_rows * window_cols // 32))
        chunk_rows = max(1, chunk_pixels // max(window_cols, 1))
        blocks = [slice(start, min(start + chunk_rows, window_rows))
                  for start in range(0, window_rows, chunk_rows)]
        # A small window is decoded by this thread alone: each further thread keeps a heap of
        # its own for the process (1 MiB of a 1 MP job's peak), for a few hundredths of a second.
        workers = 1 if window_rows * window_cols < THREADED_DECODE_MIN_PIXELS else None

        # Pass 1, chunks in parallel: the 24-bit codes of the colours that occur, sorted.
        codes = _colour_codes(window, blocks, feedback, 0.0, 0.4, workers)
        colours = np.stack([codes & 255, (codes >> 8) & 255, codes >> 16], axis=1)
        values, distance, class_index = self.decode_colours(colours.astype(np.uint8))
        # The matching's temporaries (7 MiB of freed heap where there are thousands of
        # colours) handed back before the pixels' pass holds its table and chunks.
        release_freed_memory()
        matched = distance <= max_distance
        _report(feedback, 0.5)

        # Pass 2: every pixel finds its colour's place among the figure's colours (``codes``),
        # then takes that place's entry of each output. The entry after the last is the fill of
        # pixels not examined.
        tables = [(np.append(np.where(matched, values, np.nan), np.nan).astype(np.float32),
                   out_values)]
        if out_distance is not None:
            tables.append((np.append(distance, np.nan).astype(np.float32), out_distance))
        if out_class is not None:
            tables.append((np.append(np.where(matched, class_index, -1), -1).astype(np.int16),
                           out_class))
        place_of = _places_of_colours(codes, window_rows * window_cols)

        def look_up(block):
            places = place_of(_pack(window[block]))
            if window_examine is not None:
                places[~window_examine[block]] = len(codes)
            target = (slice(row_span.start + block.start, row_span.start + block.stop), col_span)
            for entries, output in tables:
                output[target] = entries[places]

        _run_chunks(look_up, blocks, feedback, 0.5, 1.0, workers)
        left_out = None
        if (LEAVE_OUT_BESIDE_LINES and not self.is_discrete and self.match_space != "srgb"
                and len(self.non_data_colours)):
            # Lossless figures unmix colour by colour (CurveMatcher.match); JPEG's only where a
            # mixture touches the line itself.
            left_out = self._leave_out_beside_lines(window, blocks, codes, colours, distance,
                                                    row_span, col_span, window_examine,
                                                    out_values, out_distance)
        if where_read:
            out_distance = DistanceField(
                rgb, examine, np.append(distance, np.nan).astype(np.float32), codes, left_out)
        return DecodedField(out_values, out_distance, out_class)

    def _leave_out_beside_lines(self, window, blocks, codes, colours, distance, row_span,
                                col_span, window_examine, out_values, out_distance):
        """Leave out (NaN value, infinite distance) the pixels of the window whose colour is a
        line mixture and that touch (8-neighbourhood) a pixel of a line's own colour: a line's
        anti-aliased edge, which JPEG's noise keeps from being told apart by colour alone.

        Only the colours of pixels beside a line are tested for being a mixture: a JPEG holds
        hundreds of thousands of colours, and the test of each against every line colour and
        curve vertex would cost more than the whole decoding.

        Returns the figure rows and columns left out (None when no colour is a line's).
        """
        study = self.figure_study
        figure = FigureColours(study.noise_mode, self.non_data_colours, self.quantiser)
        line = self._matcher.line_colours(colours.astype(np.uint8), figure)
        if not line.any():
            return None
        # Only the line colours' pages of the table become resident (see _code_table).
        table = _code_table(bool)
        table[codes[line]] = True
        on_line = np.empty(window.shape[:2], dtype=bool)  # 1 byte per pixel, block by block
        for block in blocks:
            on_line[block] = table[_pack(window[block])]
        del table
        beside = _dilate_3x3(on_line)
        beside &= ~on_line
        if window_examine is not None:
            beside &= window_examine
        rows, cols = np.nonzero(beside)
        packed = _pack(window[rows, cols])
        near, inverse = np.unique(packed, return_inverse=True)
        where = np.searchsorted(codes, near)
        mixture = self._matcher.line_mixture_colours(colours[where].astype(np.uint8),
                                                     distance[where], figure)
        left_out = mixture[inverse]
        rows, cols = rows[left_out] + row_span.start, cols[left_out] + col_span.start
        out_values[rows, cols] = np.nan
        if out_distance is not None:
            out_distance[rows, cols] = np.inf
        return rows, cols


def _project_on_curve(points, curve, tree, curve_fraction, candidates=4):
    """Nearest point of a densified curve to each colour: its fraction and its distance.

    Parameters
    ----------
    points : ndarray (k, 3)
        Colours, in the space of ``curve``.
    curve : ndarray (m, 3)
        The curve's vertices; ``tree`` is a k-d tree over them.
    curve_fraction : ndarray (m,)
        Fraction of the scale at each vertex.
    """
    last = len(curve) - 1
    candidates = min(candidates, len(curve))
    _, nearest = tree.query(points, k=candidates)
    nearest = nearest.reshape(len(points), candidates)
    # The nearest curve point lies on a segment ending at one of the nearest vertices.
    starts = np.concatenate([np.clip(nearest - 1, 0, last), nearest], axis=1)
    ends = np.minimum(starts + 1, last)
    a, b = curve[starts], curve[ends]
    direction = b - a
    length2 = np.einsum("ijk,ijk->ij", direction, direction)
    along = np.einsum("ijk,ijk->ij", points[:, None, :] - a, direction)
    t = np.clip(np.divide(along, length2, out=np.zeros_like(along), where=length2 > 0), 0, 1)
    closest = a + t[..., None] * direction
    offset = points[:, None, :] - closest
    distance2 = np.einsum("ijk,ijk->ij", offset, offset)
    best = np.argmin(distance2, axis=1)
    rows = np.arange(len(points))
    start, end, t_best = starts[rows, best], ends[rows, best], t[rows, best]
    fraction = curve_fraction[start] + t_best * (curve_fraction[end] - curve_fraction[start])
    return fraction, np.sqrt(distance2[rows, best])


def _worker_count():
    """Threads for chunked work: the machine's cores, at most 4 (memory bandwidth bound)."""
    return max(1, min(4, os.cpu_count() or 1))


def _run_chunks(work, blocks, feedback, start, end, workers=None):
    """Run ``work(block)`` for every block on a few threads (``workers``, by default
    :func:`_worker_count`), reporting progress in between.

    Cancellation (``feedback`` returning True) stops the blocks not yet started.
    """
    workers = min(workers or _worker_count(), len(blocks))
    if workers <= 1:
        for number, block in enumerate(blocks, start=1):
            work(block)
            _report(feedback, start + (end - start) * number / len(blocks))
        return
    pool = ThreadPoolExecutor(max_workers=workers)
    try:
        for number, _ in enumerate(pool.map(work, blocks), start=1):
            _report(feedback, start + (end - start) * number / len(blocks))
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _bounding_slices(mask, shape):
    """Row and column slices of the smallest box holding every True pixel (all without a mask).

    Returns (None, None) when the mask is all False.
    """
    if mask is None:
        return slice(0, shape[0]), slice(0, shape[1])
    rows = np.flatnonzero(mask.any(axis=1))
    if rows.size == 0:
        return None, None
    cols = np.flatnonzero(mask.any(axis=0))
    return slice(rows[0], rows[-1] + 1), slice(cols[0], cols[-1] + 1)


def denoise(rgb, size=3) -> np.ndarray:
    """Median-filter each colour channel: removes JPEG ringing and isolated noisy pixels.

    Parameters
    ----------
    rgb : ndarray of uint8, shape (rows, cols, 3)
    size : int
        Filter window, pixels (odd).

    Returns
    -------
    ndarray of uint8, shape (rows, cols, 3)

    Notes
    -----
    A per-channel median keeps sharp edges between flat areas in place, unlike a mean; it can
    make colours that occur in no input pixel where channels change at different places, which
    the colour distance then judges like any other colour.
    """
    from scipy.ndimage import median_filter

    filtered = np.empty_like(rgb)
    if size == 3:
        # The 3 × 3 median through sorted columns, a block of rows at a time with the row
        # around it (scipy's selection per pixel took 7 s on a 12 MP figure).
        rows, cols = rgb.shape[:2]
        step = max(1, DENOISE_BLOCK_PIXELS // max(cols, 1))
        for start in range(0, rows, step):
            stop = min(start + step, rows)
            top, bottom = max(start - 1, 0), min(stop + 1, rows)
            block = _median_3x3(rgb[top:bottom])
            filtered[start:stop] = block[start - top:stop - top]
        return filtered
    # Each channel filtered straight into its place in the result: no per-channel copies
    # to stack (3 bytes a pixel more at the peak).
    for band in range(3):
        median_filter(rgb[..., band], size=size, mode="nearest", output=filtered[..., band])
    return filtered


#: Pixels :func:`denoise` filters at a time (its temporaries: some 20 bytes a pixel).
DENOISE_BLOCK_PIXELS = 1 << 16


def _median_3x3(rgb) -> np.ndarray:
    """Each channel's median of every pixel's 3 × 3 neighbourhood, the image's edge repeated
    beyond it: ``median_filter(size=3, mode="nearest")`` bit for bit.

    Each column of three sorted once (its minimum, median and maximum); a pixel's median of
    nine is the median of the largest of its three columns' minima, the median of their
    medians and the smallest of their maxima (each of those three excludes four values that
    lie on its side of the median; together they bracket it).
    """
    padded = np.pad(rgb, ((1, 1), (1, 1), (0, 0)), mode="edge")
    above, centre, below = padded[:-2], padded[1:-1], padded[2:]
    low = np.minimum(above, centre)
    high = np.maximum(above, centre)
    middle = np.maximum(low, np.minimum(high, below))
    np.minimum(low, below, out=low)
    np.maximum(high, below, out=high)
    del padded, above, centre, below

    def median_of_three(first, second, third):
        return np.maximum(np.minimum(first, second),
                          np.minimum(np.maximum(first, second), third))

    left, mid, right = slice(None, -2), slice(1, -1), slice(2, None)
    largest_low = np.maximum(np.maximum(low[:, left], low[:, mid]), low[:, right])
    smallest_high = np.minimum(np.minimum(high[:, left], high[:, mid]), high[:, right])
    middle = median_of_three(middle[:, left], middle[:, mid], middle[:, right])
    return median_of_three(largest_low, middle, smallest_high)


class DenoisedRGB(ComputedArray):
    """A figure's sRGB as :func:`denoise` makes it, computed where read: no 3 bytes a figure
    pixel of filtered copy held while the figure is decoded.

    Read as the array ``denoise(rgb, size)`` is read, every pixel the same bit for bit:
    ``denoised[rows, cols]`` with two slices of step 1 (a region, filtered with the
    ``size // 2`` pixels around it, which the median of its edge pixels reads; at the figure's
    own edges ``mode="nearest"`` repeats the edge as the whole figure's filter does), or with
    two index arrays (each pixel the median of its clamped ``size`` × ``size`` neighbourhood,
    per channel, as ``median_filter`` takes it). :meth:`window` gives a region that is itself
    computed where read. Each read filters its pixels again: a decoding that reads every pixel
    in two or three passes filters the figure two or three times (time for memory).

    Parameters
    ----------
    rgb : ndarray of uint8, shape (rows, cols, 3)
        The figure's sRGB, held (not copied).
    size : int
        Filter window, pixels (odd), as :func:`denoise`'s.
    """

    dtype = np.dtype(np.uint8)
    ndim = 3

    def __init__(self, rgb, size=3, rows=None, cols=None):
        self._rgb = rgb
        self._size = size
        self._rows = range(rgb.shape[0]) if rows is None else rows
        self._cols = range(rgb.shape[1]) if cols is None else cols
        self.shape = (len(self._rows), len(self._cols), 3)

    def window(self, rows, cols) -> "DenoisedRGB":
        """The denoised figure over ``[rows, cols]`` (two slices of step 1), itself computed
        where read."""
        rows, cols = self._window_ranges(rows, cols, "a denoised figure")
        return DenoisedRGB(self._rgb, self._size, self._rows[rows.start:rows.stop],
                           self._cols[cols.start:cols.stop])

    def __getitem__(self, key) -> np.ndarray:
        key = self._rows_and_cols(key, "A denoised figure")
        if all(isinstance(part, slice) for part in key):
            return self._region(self._rows[key[0]], self._cols[key[1]])
        return self._pixels(*key)

    def _region(self, rows, cols) -> np.ndarray:
        if rows.step != 1 or cols.step != 1:
            # Every step-th pixel: each filtered on its own.
            return self._pixels(np.asarray(rows)[:, None], np.asarray(cols)[None, :],
                                absolute=True)
        if len(rows) == 0 or len(cols) == 0:
            return np.empty((len(rows), len(cols), 3), np.uint8)
        halo = self._size // 2
        total_rows, total_cols = self._rgb.shape[:2]
        top, left = max(rows.start - halo, 0), max(cols.start - halo, 0)
        bottom = min(rows.stop + halo, total_rows)
        right = min(cols.stop + halo, total_cols)
        filtered = denoise(self._rgb[top:bottom, left:right], self._size)
        return filtered[rows.start - top:rows.stop - top, cols.start - left:cols.stop - left]

    def _pixels(self, row_index, col_index, absolute=False) -> np.ndarray:
        """Pixels at index arrays (of this window, or of the figure with ``absolute``)."""
        row_index, col_index = np.broadcast_arrays(np.asarray(row_index), np.asarray(col_index))
        if not absolute:
            row_index = np.asarray(self._rows)[row_index]
            col_index = np.asarray(self._cols)[col_index]
        total_rows, total_cols = self._rgb.shape[:2]
        halo = self._size // 2
        result = np.empty(row_index.shape + (3,), np.uint8)
        flat_rows, flat_cols = row_index.reshape(-1), col_index.reshape(-1)
        out = result.reshape(-1, 3)
        # Some thousands of pixels at a time: size² neighbours of each.
        for start in range(0, flat_rows.size, 1 << 14):
            part = slice(start, start + (1 << 14))
            offsets = np.arange(-halo, halo + 1)
            near_rows = np.clip(flat_rows[part, None, None] + offsets[None, :, None], 0,
                                total_rows - 1)
            near_cols = np.clip(flat_cols[part, None, None] + offsets[None, None, :], 0,
                                total_cols - 1)
            near = self._rgb[near_rows, near_cols].reshape(near_rows.shape[0], -1, 3)
            middle = near.shape[1] // 2
            out[part] = np.partition(near, middle, axis=1)[:, middle]
        return result


class DistanceField(ComputedArray):
    """Each pixel's colour distance (ΔE*ab to the scale; NaN where not examined, infinite
    where left out beside a line) as :meth:`ColourDecoder.decode_image` returns it, computed
    where read: a pixel's distance is its colour's, looked up again from the figure's sRGB, so
    that what is held is the examined mask as bits (1 bit a pixel), the figure's colours'
    table and the pixels left out, not 4 bytes a pixel from the decoding to the output.

    Read as a float32 array is read (``field[rows, cols]`` with slices of any step or index
    arrays; ``np.asarray(field)`` for all of it); :meth:`window` gives a region that is itself
    computed where read. The figure's sRGB (or :class:`DenoisedRGB`) must stay unchanged while
    the field is read.

    Parameters
    ----------
    rgb : ndarray of uint8 (rows, cols, 3), or DenoisedRGB
        What the decoding read.
    examine : ndarray of bool (rows, cols), or None (every pixel)
    entries : ndarray of float32
        The distance of each of the figure's colours, and NaN after the last (not examined).
    codes : ndarray of int, sorted
        The 24-bit codes of the colours decoded (``entries`` has one more entry): a colour's
        place is found by a binary search (the decoding's table of 2**24 places, whose pages
        of the colours that occur are resident, is not kept: up to 4 MiB a thousand colours).
    left_out : (rows, cols) of index arrays, or None
        Pixels left out beside lines: infinite distance.
    """

    dtype = np.dtype(np.float32)
    ndim = 2
    #: Pixels looked up at a time: some 40 bytes each (their colours, denoised where DENOISE
    #: is on, packed, their places in the table, the examined bits), 0.6 MiB a block; blocks
    #: of 2**16 put 2.5 MiB under a 1 MP job's distance raster being written, which holds the
    #: figure and the values at the same time.
    BLOCK_PIXELS = 1 << 14

    def __init__(self, rgb, examine, entries, codes, left_out, offset=(0, 0), shape=None):
        self._rgb = rgb
        full_shape = tuple(rgb.shape[:2])
        if examine is None or isinstance(examine, tuple):
            self._examined = examine
        else:
            self._examined = (np.packbits(examine, axis=1), full_shape[1])
        self._entries = entries
        self._codes = codes
        self._outside = len(codes)
        if left_out is None or isinstance(left_out, np.ndarray):
            self._left_out = left_out
        else:
            rows, cols = left_out
            flat = np.sort(np.asarray(rows, np.int64) * full_shape[1] + cols)
            self._left_out = flat if flat.size else None
        self._offset = offset
        self.shape = full_shape if shape is None else shape

    def window(self, rows, cols) -> "DistanceField":
        """The field over ``[rows, cols]`` (two slices of step 1), itself computed where read."""
        rows, cols = self._window_ranges(rows, cols, "a distance field")
        return DistanceField(self._rgb, self._examined, self._entries, self._codes,
                             self._left_out,
                             (self._offset[0] + rows.start, self._offset[1] + cols.start),
                             (len(rows), len(cols)))

    def __getitem__(self, key) -> np.ndarray:
        key = self._rows_and_cols(key, "A distance field")
        if all(isinstance(part, slice) for part in key):
            rows, cols = (range(n)[part] for n, part in zip(self.shape, key))
            if rows.step == 1 and cols.step == 1:
                return self._region(rows, cols)
            # Every step-th pixel (the report's overview): a row at a time, no index arrays
            # of every pixel read.
            distance = np.empty((len(rows), len(cols)), np.float32)
            if len(cols):
                span = range(min(cols[0], cols[-1]), max(cols[0], cols[-1]) + 1)
                for index, row in enumerate(rows):
                    line = self._region(range(row, row + 1), span)[0]
                    distance[index] = line[np.asarray(cols) - span.start]
            return distance
        if not any(isinstance(part, slice) for part in key) and \
                all(np.ndim(part) == 0 for part in key):
            # One pixel, [row, col].
            return self._pixels(np.atleast_1d(key[0]), np.atleast_1d(key[1]))[0]
        row_index = np.broadcast_to(np.arange(self.shape[0])[:, None], self.shape)[key]
        col_index = np.broadcast_to(np.arange(self.shape[1])[None, :], self.shape)[key]
        return self._pixels(row_index, col_index)

    def _region(self, rows, cols) -> np.ndarray:
        """Rows and columns (ranges of step 1 of this window), a block of pixels at a time."""
        distance = np.empty((len(rows), len(cols)), np.float32)
        if distance.size == 0:
            return distance
        top, left = rows.start + self._offset[0], cols.start + self._offset[1]
        figure_cols = slice(left, left + len(cols))
        width = self._rgb.shape[1]
        step = max(1, self.BLOCK_PIXELS // len(cols))
        for start in range(0, len(rows), step):
            stop = min(start + step, len(rows))
            figure_rows = slice(top + start, top + stop)
            places = np.searchsorted(self._codes, _pack(self._rgb[figure_rows, figure_cols]))
            if self._examined is not None:
                packed, columns = self._examined
                examined = np.unpackbits(packed[figure_rows], axis=1, count=columns)
                places[examined[:, figure_cols] == 0] = self._outside
                del examined
            distance[start:stop] = self._entries[places]
            if self._left_out is not None:
                first, last = np.searchsorted(self._left_out, [(top + start) * width,
                                                               (top + stop) * width])
                out_rows, out_cols = np.divmod(self._left_out[first:last], width)
                inside = (out_cols >= figure_cols.start) & (out_cols < figure_cols.stop)
                distance[out_rows[inside] - top, out_cols[inside] - left] = np.inf
        return distance

    def _pixels(self, row_index, col_index) -> np.ndarray:
        """Pixels at index arrays of this window (broadcast to one shape)."""
        row_index, col_index = np.broadcast_arrays(np.asarray(row_index), np.asarray(col_index))
        distance = np.empty(row_index.shape, np.float32)
        flat_rows = row_index.reshape(-1).astype(np.intp) + self._offset[0]
        flat_cols = col_index.reshape(-1).astype(np.intp) + self._offset[1]
        out = distance.reshape(-1)
        for start in range(0, flat_rows.size, self.BLOCK_PIXELS):
            part = slice(start, start + self.BLOCK_PIXELS)
            rows, cols = flat_rows[part], flat_cols[part]
            places = np.searchsorted(self._codes, _pack(self._rgb[rows, cols]))
            if self._examined is not None:
                packed = self._examined[0]
                bits = (packed[rows, cols >> 3] >> (7 - (cols & 7)).astype(np.uint8)) & 1
                places[bits == 0] = self._outside
            values = self._entries[places]
            if self._left_out is not None:
                flat = rows.astype(np.int64) * self._rgb.shape[1] + cols
                found = np.minimum(np.searchsorted(self._left_out, flat),
                                   len(self._left_out) - 1)
                values[self._left_out[found] == flat] = np.inf
            out[part] = values
        return distance


def _window(rgb, rows, cols):
    """``rgb[rows, cols]``, kept computed where read for a :class:`DenoisedRGB`."""
    return rgb.window(rows, cols) if isinstance(rgb, DenoisedRGB) else rgb[rows, cols]


def _dilate_3x3(mask) -> np.ndarray:
    """``mask`` grown by one pixel in its 8-neighbourhood (scipy's ``binary_dilation`` with a
    3×3 structure), by shifted ORs: a few times faster on a whole figure."""
    grown = mask.copy()
    rows, cols = mask.shape
    for row_shift, col_shift in ((1, 0), (0, 1), (1, 1), (1, -1)):
        # Each pixel takes its neighbour at (+row_shift, +col_shift) and at the opposite side.
        low_col, high_col = max(col_shift, 0), cols + min(col_shift, 0)
        grown[row_shift:, low_col:high_col] |= mask[:rows - row_shift, max(-col_shift, 0):cols - low_col]
        grown[:rows - row_shift, max(-col_shift, 0):cols - low_col] |= mask[row_shift:, low_col:high_col]
    return grown


def _code_table(dtype) -> np.ndarray:
    """A zeroed table of 2**24 entries, one per 24-bit colour code, of which only the pages
    written become resident.

    numpy asks for transparent huge pages for large arrays: one colour written into each
    2 MiB would make a whole 64 MiB table resident. The table is mapped privately from
    anonymous memory instead (4 KiB pages, read-only zero pages where nothing is written),
    and unmapped when the array is let go. Where the system has no such mapping (Windows),
    a numpy array.
    """
    dtype = np.dtype(dtype)
    flags = getattr(mmap, "MAP_PRIVATE", None), getattr(mmap, "MAP_ANONYMOUS", None)
    if None in flags:
        return np.zeros(1 << 24, dtype=dtype)
    buffer = mmap.mmap(-1, dtype.itemsize << 24, flags=flags[0] | flags[1])
    return np.frombuffer(buffer, dtype=dtype)


def _places_of_colours(codes, pixels):
    """A function from 24-bit codes (uint32 array) to their places in ``codes`` (uint16 when
    there are fewer than 65,535 colours, so that the place of the entry after the last fits
    too, else int32).

    Parameters
    ----------
    codes : ndarray of int, sorted
        The colours that occur; every code looked up must be one of them.
    pixels : int
        Pixels to be looked up, which the memory of a table must be worth.

    Returns
    -------
    callable(ndarray of uint32) -> ndarray of uint16 or int32, same shape

    Notes
    -----
    A table of 2**24 places (:func:`_code_table`) finds them in one gather, but each 4 KiB
    page holding a colour's place becomes resident: few pages for a lossless figure's colours,
    all 32 or 64 MiB for a JPEG's noise (the 12,000 colours of a 4 MP figure of viridis cells
    through DENOISE: 8.2 MiB of int32 places, 4.6 MiB of uint16). Where those pages would exceed
    :data:`LOOKUP_TABLE_PIXEL_BYTES` per pixel (and a block's sort), each block is sorted
    instead, its colours placed by a binary search; identical places, slower.
    """
    place = np.dtype(np.uint16 if len(codes) < np.iinfo(np.uint16).max else np.int32)
    per_page = TABLE_PAGE_BYTES // place.itemsize
    pages = 1 + int(np.count_nonzero(np.diff(codes // per_page))) if len(codes) else 0
    if pages * TABLE_PAGE_BYTES <= max(LOOKUP_TABLE_PIXEL_BYTES * pixels, SORTED_LOOKUP_BYTES):
        table = _code_table(place)
        table[codes] = np.arange(len(codes), dtype=place)

        def by_table(packed):
            return table[packed]

        return by_table

    def by_sorting(packed):
        flat = packed.reshape(-1)
        places = np.empty(flat.shape, dtype=np.int32)
        for start in range(0, len(flat), SORTED_LOOKUP_PIXELS):
            part = flat[start:start + SORTED_LOOKUP_PIXELS]
            unique, inverse = np.unique(part, return_inverse=True)
            places[start:start + len(part)] = np.searchsorted(codes, unique)[inverse]
        return places.reshape(packed.shape)

    return by_sorting


def _colour_codes(window, blocks, feedback, start, end, workers=None) -> np.ndarray:
    """The sorted 24-bit codes of the colours that occur in ``window`` (uint8 rows × cols × 3).

    A large figure marks them in a table of 2**24 flags (16 MiB at most, fast); a smaller one,
    for which that table would be a large share of its memory, through each block's own
    colours (a sort per block, memory of a block).
    """
    rows, cols = window.shape[:2]
    if rows * cols * LOOKUP_TABLE_PIXEL_BYTES >= 1 << 24:
        seen = _code_table(bool)

        def mark(block):
            # Writing True from two threads into one table is harmless; numpy releases the GIL.
            seen[_pack(window[block])] = True

        _run_chunks(mark, blocks, feedback, start, end, workers)
        return np.flatnonzero(seen)
    found = []

    def collect(block):
        found.append(np.unique(_pack(window[block])))

    _run_chunks(collect, blocks, feedback, start, end, workers)
    return np.unique(np.concatenate(found)).astype(np.intp) if found else np.zeros(0, np.intp)


#: Samples of the scale's segments taken at a time by ``exact_table`` (about 100 bytes each).
EXACT_TABLE_SAMPLES = 1 << 20


def _segment_groups(counts, samples):
    """Consecutive groups of segment indices, each of at most ``samples`` samples (a segment
    of more stands alone)."""
    ends = np.cumsum(counts)
    groups, start = [], 0
    while start < len(counts):
        stop = max(int(np.searchsorted(ends, ends[start] - counts[start] + samples, "right")),
                   start + 1)
        groups.append(np.arange(start, stop))
        start = stop
    return groups


def _drawn_colour_sums(drawn, weights, fractions):
    """Per distinct drawn colour: its 24-bit code, summed weight, summed weight × fraction, and
    the least and greatest fraction drawn in it."""
    drawn = np.clip(drawn, 0, 255).astype(np.uint8)
    codes, inverse = np.unique(_pack(drawn).astype(np.int64), return_inverse=True)
    low_end = np.full(len(codes), np.inf)
    high_end = np.full(len(codes), -np.inf)
    np.minimum.at(low_end, inverse, fractions)
    np.maximum.at(high_end, inverse, fractions)
    return (codes, np.bincount(inverse, weights, len(codes)),
            np.bincount(inverse, weights * fractions, len(codes)), low_end, high_end)


def _merged_colour_sums(sums):
    """:func:`_drawn_colour_sums` of several groups of samples as of one."""
    if len(sums) == 1:
        return sums[0]
    codes, total, weighted, low, high = (np.concatenate(part) for part in zip(*sums))
    merged, inverse = np.unique(codes, return_inverse=True)
    low_end = np.full(len(merged), np.inf)
    high_end = np.full(len(merged), -np.inf)
    np.minimum.at(low_end, inverse, low)
    np.maximum.at(high_end, inverse, high)
    return (merged, np.bincount(inverse, total, len(merged)),
            np.bincount(inverse, weighted, len(merged)), low_end, high_end)


def _pack(rgb):
    """24-bit integer code of each sRGB colour: red + 256 green + 65536 blue.

    Shifted in place: one 32-bit temporary instead of one per channel.
    """
    packed = rgb[..., 2].astype(np.uint32)
    packed <<= 8
    packed |= rgb[..., 1]
    packed <<= 8
    packed |= rgb[..., 0]
    return packed


def _report(feedback, progress):
    if feedback is not None and feedback(progress):
        raise InterruptedError("Decoding was cancelled.")


#: The longest path through CIELAB (ΔE, summed over the scale's segments) a continuous colour
#: scale may take: ten times the longest of the 2,233 named scales (colorcet's glasbey_bw,
#: 19,453: 256 categorical colours in a row). The curve holds a point every
#: ``CURVE_STEP_DELTA_E`` along it, some 200 bytes each with its trees: 400,000 points here.
#: A .cpt of 20,000 random slices runs 3.2 million ΔE and took 1.4 GB; of 100,000, 19 GB.
MAX_CURVE_DELTA_E = 200_000


def _refuse_endless_curve(colours):
    """Raise ColourScaleError for a scale whose colours wander further than any colour scale
    (:data:`MAX_CURVE_DELTA_E`), before its curve is built."""
    path = float(np.linalg.norm(np.diff(srgb_to_lab(colours), axis=0), axis=1).sum())
    if path > MAX_CURVE_DELTA_E:
        raise ColourScaleError(
            f"The colour scale's {len(colours):,} colours wander {path:,.0f} ΔE through colour "
            f"space, more than {MAX_CURVE_DELTA_E:,} (ten times the longest known colour scale): "
            "no figure can be read back with it, and its curve would not fit in memory. Is it "
            "a colour scale? Give the .cpt the figure was drawn with, a colormap name, or draw "
            "the COLORBAR box; a .cpt of categories (one colour a slice) is read as classes.")


def _densify(positions, colours, step=CURVE_STEP_DELTA_E):
    """Subdivide a piecewise-linear sRGB curve until its steps are small in CIELAB.

    Returns
    -------
    fractions : ndarray (m,)
    srgb : ndarray (m, 3)
    """
    lab = srgb_to_lab(colours)
    segment_delta_e = np.linalg.norm(np.diff(lab, axis=0), axis=1)
    pieces = np.maximum(1, np.ceil(segment_delta_e / step).astype(int))
    fractions, srgb = [positions[:1]], [colours[:1]]
    for i, count in enumerate(pieces):
        t = np.arange(1, count + 1) / count
        fractions.append(positions[i] + t * (positions[i + 1] - positions[i]))
        srgb.append(colours[i] + t[:, None] * (colours[i + 1] - colours[i]))
    return np.concatenate(fractions), np.concatenate(srgb)
