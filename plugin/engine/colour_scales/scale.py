"""The colour scale type: the mapping from a fraction of a value range to an sRGB colour.

Conventions
-----------
* Colours are sRGB triplets of float64 in [0, 1]; alpha is dropped (a figure's pixels have none).
* Positions are fractions of the value range in [0, 1]: fraction 0 is the low end of the scale,
  fraction 1 the high end. Only a GMT colour table knows the values themselves
  (:attr:`ColourScale.value_range`).
* A continuous scale is piecewise linear in sRGB between its vertices. Two vertices may share a
  position: that is a hard step, and the fraction exactly at the step takes the upper colour
  (GMT's rule: a value on a slice boundary belongs to the upper slice).
* A discrete scale is a list of bands, each with one colour.
"""
from dataclasses import dataclass

import numpy as np

from ..errors import ColourScaleError


@dataclass(frozen=True, eq=False)
class ColourScale:
    """A colour scale mapping fractions of a value range to sRGB colours.

    Parameters
    ----------
    name : str
        Where the scale comes from, e.g. ``"matplotlib:viridis"``, ``"qgis:Spectral"``,
        ``"cpt-city:gmt/GMT_haxby"``, ``"cpt:/path/x.cpt"``, ``"colorbar"``. A trailing ``_r``
        means reversed.
    positions : ndarray of float64, shape (n,)
        Fractions of the value range in [0, 1], non-decreasing, first 0 and last 1. For a
        continuous scale they are the vertices; for a discrete scale the band boundaries.
    colours : ndarray of float64, shape (n, 3) or (n - 1, 3)
        sRGB in [0, 1]. Continuous: one colour per vertex. Discrete: one colour per band.
    discrete : bool
        False: the colour at fraction f is interpolated linearly in sRGB between the vertices
        enclosing f. True: band i spans ``positions[i] <= f < positions[i + 1]`` (the last band
        includes 1) with the single colour ``colours[i]``.
    value_range : tuple of float or None
        ``(vmin, vmax)`` in data units when the source defines values (a GMT colour table);
        fraction f then stands for ``vmin + f * (vmax - vmin)``. None otherwise.
    below_colour, above_colour, nodata_colour : ndarray of float64, shape (3,), or None
        The colours a GMT colour table gives to values below ``vmin`` (B), above ``vmax`` (F)
        and to missing values (N). None when the source does not say.
    hinge : float or None
        Data value (same units as `value_range`) of a GMT hard hinge: the colour table's two
        halves meet there, and whoever stretches the table to another range must stretch each
        side separately so that the hinge stays at this value. None when there is no hard hinge.
    lookup_table : bool
        True when the renderer draws only the scale's entries: a matplotlib colormap (and the
        packages built on it) is a lookup table, fraction f drawn with entry ``floor(f * N)``
        quantised by truncation. False when colours between the vertices are drawn too.
    sampled_from_figure : bool
        True when the colours were read off the figure itself (a colorbar, drawn by hand or
        found), whatever the scale is named: they are the figure's own 8-bit colours, not a
        source's table (the report shows such a scale beside the colormap named, if any).

    Notes
    -----
    Instances are immutable: the arrays are read-only copies, so cached scales can be shared.
    Equality is identity (comparing arrays element-wise has no single truth value).
    """

    name: str
    positions: np.ndarray
    colours: np.ndarray
    discrete: bool = False
    value_range: tuple = None
    below_colour: np.ndarray = None
    above_colour: np.ndarray = None
    nodata_colour: np.ndarray = None
    hinge: float = None
    lookup_table: bool = False
    sampled_from_figure: bool = False

    def __post_init__(self):
        positions = read_only(np.array(self.positions, dtype=np.float64))
        colours = read_only(np.array(self.colours, dtype=np.float64))
        if positions.ndim != 1 or positions.size < 2:
            raise ColourScaleError(
                f"colour scale {self.name!r}: needs at least 2 positions, got shape {positions.shape}"
            )
        if not np.all(np.isfinite(positions)) or np.any(np.diff(positions) < 0):
            raise ColourScaleError(f"colour scale {self.name!r}: positions must be finite and non-decreasing")
        if abs(positions[0]) > 1e-9 or abs(positions[-1] - 1.0) > 1e-9:
            raise ColourScaleError(
                f"colour scale {self.name!r}: positions must run from 0 to 1, "
                f"got {positions[0]!r} to {positions[-1]!r}"
            )
        expected_colours = positions.size - 1 if self.discrete else positions.size
        if colours.shape != (expected_colours, 3):
            kind = "discrete" if self.discrete else "continuous"
            raise ColourScaleError(
                f"colour scale {self.name!r}: a {kind} scale with {positions.size} positions needs "
                f"colours of shape ({expected_colours}, 3), got {colours.shape}"
            )
        if not np.all(np.isfinite(colours)) or colours.min() < -1e-9 or colours.max() > 1 + 1e-9:
            raise ColourScaleError(f"colour scale {self.name!r}: colours must be sRGB values in [0, 1]")
        object.__setattr__(self, "positions", positions)
        object.__setattr__(self, "colours", read_only(np.clip(colours, 0.0, 1.0)))
        object.__setattr__(self, "discrete", bool(self.discrete))
        if self.value_range is not None:
            vmin, vmax = (float(v) for v in self.value_range)
            object.__setattr__(self, "value_range", (vmin, vmax))
        if self.hinge is not None:
            object.__setattr__(self, "hinge", float(self.hinge))
        for field in ("below_colour", "above_colour", "nodata_colour"):
            value = getattr(self, field)
            if value is not None:
                value = np.array(value, dtype=np.float64).reshape(3)
                object.__setattr__(self, field, read_only(np.clip(value, 0.0, 1.0)))

    @property
    def band_count(self) -> int | None:
        """Number of bands of a discrete scale (None for a continuous one)."""
        return len(self.colours) if self.discrete else None

    def colour_at(self, fractions) -> np.ndarray:
        """Colours of the scale at fractions of the value range.

        Parameters
        ----------
        fractions : array_like of float, shape (m,) or scalar
            Fractions of the value range; values outside [0, 1] are clipped (the scale says
            nothing beyond its ends, see `below_colour` / `above_colour`).

        Returns
        -------
        ndarray of float64, shape (m, 3)
            sRGB in [0, 1]. At a hard step (two vertices, or a band boundary, at the same
            position) the upper colour is returned.
        """
        fractions = np.clip(np.atleast_1d(np.asarray(fractions, dtype=np.float64)).ravel(), 0.0, 1.0)
        if self.discrete:
            band = np.searchsorted(self.positions, fractions, side="right") - 1
            return self.colours[np.clip(band, 0, len(self.colours) - 1)].copy()
        # side="right" selects the last vertex at or before f, so at a hard step the segment
        # starting after the step is used and the upper colour wins.
        start = np.clip(np.searchsorted(self.positions, fractions, side="right") - 1, 0, self.positions.size - 2)
        left, right = self.positions[start], self.positions[start + 1]
        width = right - left
        weight = np.divide(fractions - left, width, out=np.zeros_like(fractions), where=width > 0)
        weight = np.clip(weight, 0.0, 1.0)[:, None]
        return (1.0 - weight) * self.colours[start] + weight * self.colours[start + 1]

    def reversed(self) -> "ColourScale":
        """The same scale run the other way (GMT's ``-I``, matplotlib's ``_r``).

        Returns
        -------
        ColourScale
            Fraction f of the result has the colour of fraction ``1 - f`` of this scale. The name
            gains (or loses) the ``_r`` suffix; `value_range` is kept, the below/above colours are
            swapped and a hinge is mirrored inside the value range.
        """
        name = self.name[:-2] if self.name.endswith("_r") else self.name + "_r"
        hinge = self.hinge
        if hinge is not None and self.value_range is not None:
            hinge = self.value_range[0] + self.value_range[1] - hinge
        return ColourScale(
            name=name,
            positions=1.0 - self.positions[::-1],
            colours=self.colours[::-1],
            discrete=self.discrete,
            value_range=self.value_range,
            below_colour=self.above_colour,
            above_colour=self.below_colour,
            nodata_colour=self.nodata_colour,
            hinge=hinge,
            lookup_table=self.lookup_table,
            sampled_from_figure=self.sampled_from_figure,
        )


def read_only(array: np.ndarray) -> np.ndarray:
    """``array``, made read-only (cached scales and their arrays are shared)."""
    array.flags.writeable = False
    return array


def bands_if_stepwise(positions, colours, atol=1e-9) -> "tuple | None":
    """Discrete bands of a piecewise-linear scale that is really a staircase, else None.

    A staircase comes as vertex pairs ``(start, c), (end, c)`` whose ends meet the next start.
    Zero-width pairs are dropped; adjacent bands of equal colour are kept apart, so the band
    count matches the source's slice count.
    """
    if positions.size < 2 or positions.size % 2:
        return None
    starts, ends = positions[0::2], positions[1::2]
    if not np.allclose(colours[0::2], colours[1::2], atol=atol, rtol=0):
        return None
    if not np.allclose(ends[:-1], starts[1:], atol=atol, rtol=0):
        return None
    keep = ends > starts
    if not np.any(keep):
        return None
    boundaries = np.append(starts[keep], ends[keep][-1])
    return boundaries, colours[0::2][keep]

