"""Colour scales: the mapping from a fraction of a value range to an sRGB colour.

A figure's colours can only be decoded back to values once the colour scale that produced them
is known. This module turns a user's description of that scale (a matplotlib / cmocean /
cmcrameri / colorcet colormap name, a QGIS default-style ramp, a cpt-city gradient shipped with
QGIS, a GMT ``.cpt`` colour table, or colours sampled from the figure's own colorbar) into one
data type, :class:`ColourScale`.

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

Nothing here imports QGIS: the QGIS resources (default style, cpt-city gradients) are read as
plain files, so the engine also works in scripts.
"""
import difflib
import functools
import importlib
import math
import os
import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import ColourScaleError

#: Below this many LUT entries a matplotlib colormap is treated as a set of distinct colours
#: (qualitative maps such as 'tab10' or 'Set1'); at or above, as a sampled continuous ramp.
MIN_LUT_SIZE_FOR_CONTINUOUS = 64

#: Samples per slice used to represent, in piecewise-linear sRGB, a GMT slice that GMT
#: interpolates in HSV or CMYK. 65 keeps the sRGB error below 1/255 for a full hue turn.
SAMPLES_PER_NON_RGB_SLICE = 65

#: Where QGIS keeps its resources on Linux packages; the QGIS glue passes the real folder.
DEFAULT_QGIS_RESOURCES = "/usr/share/qgis/resources"

#: X11 colour names file; GMT's colour names are the X11 ones.
X11_RGB_TXT_CANDIDATES = ("/usr/share/X11/rgb.txt", "/etc/X11/rgb.txt")

# Sources of named colour scales, in the documented order used for bare names.
_SOURCE_ORDER = ("matplotlib", "cmocean", "cmcrameri", "colorcet", "qgis", "cpt-city")

_PREFIX_ALIASES = {
    "mpl": "matplotlib",
    "matplotlib": "matplotlib",
    "cmocean": "cmocean",
    "cmcrameri": "cmcrameri",
    "crameri": "cmcrameri",
    "colorcet": "colorcet",
    "cc": "colorcet",
    "qgis": "qgis",
    "cpt-city": "cpt-city",
    "cpt": "cpt",
}

# Optional colormap packages: (module holding the name -> Colormap dict, attribute, pip name).
_OPTIONAL_PACKAGES = {
    "cmocean": ("cmocean.cm", "cmap_d", "cmocean"),
    "cmcrameri": ("cmcrameri.cm", "cmaps", "cmcrameri"),
    "colorcet": ("colorcet", "cm", "colorcet"),
}


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

    def __post_init__(self):
        positions = _read_only(np.array(self.positions, dtype=np.float64))
        colours = _read_only(np.array(self.colours, dtype=np.float64))
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
        object.__setattr__(self, "colours", _read_only(np.clip(colours, 0.0, 1.0)))
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
                object.__setattr__(self, field, _read_only(np.clip(value, 0.0, 1.0)))

    @property
    def band_count(self):
        """Number of bands of a discrete scale (None for a continuous one)."""
        return len(self.colours) if self.discrete else None

    def colour_at(self, fractions):
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

    def reversed(self):
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
        )


def _read_only(array):
    array.flags.writeable = False
    return array


# --------------------------------------------------------------------------------------------
# Entry point


def resolve_colour_scale(spec, search_qgis_resources=None):
    """Resolve a user's colour scale description into a :class:`ColourScale`.

    Parameters
    ----------
    spec : str
        One of:

        * a path to a GMT colour table (a file that exists, or any name ending in ``.cpt``),
          optionally prefixed ``cpt:``;
        * a prefixed name: ``mpl:`` / ``matplotlib:``, ``cmocean:``, ``cmcrameri:`` (alias
          ``crameri:``), ``colorcet:`` (alias ``cc:``), ``qgis:`` (ramps of QGIS's default
          style) or ``cpt-city:`` (the cpt-city gradients shipped with QGIS, named by their
          path without extension such as ``gmt/GMT_haxby``, or by a unique file name such as
          ``GMT_haxby``);
        * a bare name, looked up in this order: matplotlib, cmocean, cmcrameri, colorcet, QGIS
          ramps, cpt-city; first with exact case, then ignoring case. The first match wins.

        A trailing ``_r`` reverses any named scale.
    search_qgis_resources : str or None
        QGIS's resources folder (holding ``symbology-style.xml`` and ``cpt-city-qgis-min``).
        None tries ``/usr/share/qgis/resources`` and then ``$QGIS_PREFIX_PATH/share/qgis/resources``.

    Returns
    -------
    ColourScale
        Its `name` says which source was used, e.g. ``"matplotlib:Spectral"``.

    Raises
    ------
    ColourScaleError
        If the name is unknown (the message suggests close names), the package a prefix needs
        is not installed (the message names the pip package), or a colour table is malformed.
    """
    if not isinstance(spec, str) or not spec.strip():
        raise ColourScaleError("no colour scale given: expected a colormap name or a .cpt file path")
    spec = spec.strip()
    if spec.lower().endswith(".cpt") or os.path.isfile(spec):
        return read_cpt(spec)

    prefix, separator, name = spec.partition(":")
    source = _PREFIX_ALIASES.get(prefix.strip().lower()) if separator else None
    resources = _find_qgis_resources(search_qgis_resources)
    if source == "cpt":
        return read_cpt(name.strip())
    if source is not None:
        name = name.strip()
        if source in _OPTIONAL_PACKAGES:
            _optional_colormaps(source, required=True)
        for case_sensitive in (True, False):
            scale = _lookup_in_source(source, name, case_sensitive, resources)
            if scale is not None:
                return scale
        raise _unknown_name_error(spec, name, [source], resources)

    for case_sensitive in (True, False):
        for source in _SOURCE_ORDER:
            scale = _lookup_in_source(source, spec, case_sensitive, resources)
            if scale is not None:
                return scale
    raise _unknown_name_error(spec, spec, _SOURCE_ORDER, resources)


def available_colour_scale_names(search_qgis_resources=None, prefixed=True):
    """Names of every named colour scale that can be resolved here.

    Parameters
    ----------
    search_qgis_resources : str or None
        QGIS's resources folder, as for :func:`resolve_colour_scale`.
    prefixed : bool
        True: names carry their source prefix (``"qgis:Spectral"``), so each is unambiguous.
        False: bare names, without duplicates, in lookup order (what a bare spec resolves to).

    Returns
    -------
    list of str
        In the lookup order (matplotlib, cmocean, cmcrameri, colorcet, QGIS, cpt-city); the
        optional packages only when installed. Reversed ``_r`` variants are listed only where
        the source itself defines them.
    """
    resources = _find_qgis_resources(search_qgis_resources)
    names = []
    for source in _SOURCE_ORDER:
        names.extend(f"{source}:{name}" if prefixed else name for name in _source_names(source, resources))
    return names if prefixed else list(dict.fromkeys(names))


def _unknown_name_error(spec, name, sources, resources):
    candidates = list(dict.fromkeys(n for source in sources for n in _source_names(source, resources)))
    by_lower = {}
    for candidate in candidates:
        by_lower.setdefault(candidate.lower(), candidate)
    close = difflib.get_close_matches(name.lower(), list(by_lower), n=5, cutoff=0.6)
    suggestion = f" Did you mean: {', '.join(by_lower[c] for c in close)}?" if close else ""
    where = ", ".join(sources)
    return ColourScaleError(
        f"unknown colour scale {spec!r}: not a .cpt file and no colormap of that name in {where}.{suggestion}"
    )


def _lookup_in_source(source, name, case_sensitive, resources):
    """Find `name` in one source, falling back to reversing the base of an ``_r`` name."""
    scale = _build_from_source(source, name, case_sensitive, resources)
    if scale is None and len(name) > 2 and name.lower().endswith("_r"):
        base = _build_from_source(source, name[:-2], case_sensitive, resources)
        if base is not None:
            scale = base.reversed()
    return scale


def _match_name(name, available, case_sensitive):
    if name in available:
        return name
    if case_sensitive:
        return None
    # Sorting makes the choice among names differing only in case reproducible.
    matches = sorted(candidate for candidate in available if candidate.lower() == name.lower())
    return matches[0] if matches else None


def _source_names(source, resources):
    if source == "matplotlib":
        import matplotlib

        return sorted(matplotlib.colormaps)
    if source in _OPTIONAL_PACKAGES:
        colormaps = _optional_colormaps(source, required=False)
        return sorted(colormaps) if colormaps else []
    if source == "qgis":
        style = _qgis_style_path(resources)
        return list(_qgis_style_ramps(style)) if style else []
    if source == "cpt-city":
        folder = _cpt_city_folder(resources)
        if not folder:
            return []
        gradients, unique_stems = _cpt_city_gradients(folder)
        return list(gradients) + [stem for stem in unique_stems if stem not in gradients]
    raise AssertionError(f"unknown source {source}")


def _build_from_source(source, name, case_sensitive, resources):
    if source == "matplotlib":
        import matplotlib

        found = _match_name(name, matplotlib.colormaps, case_sensitive)
        return None if found is None else colour_scale_from_matplotlib(matplotlib.colormaps[found], f"matplotlib:{found}")
    if source in _OPTIONAL_PACKAGES:
        colormaps = _optional_colormaps(source, required=False)
        if not colormaps:
            return None
        found = _match_name(name, colormaps, case_sensitive)
        return None if found is None else colour_scale_from_matplotlib(colormaps[found], f"{source}:{found}")
    if source == "qgis":
        style = _qgis_style_path(resources)
        if style is None:
            return None
        ramps = _qgis_style_ramps(style)
        found = _match_name(name, ramps, case_sensitive)
        if found is None:
            return None
        positions, colours, discrete = ramps[found]
        return ColourScale(f"qgis:{found}", positions, colours, discrete=discrete)
    if source == "cpt-city":
        folder = _cpt_city_folder(resources)
        if folder is None:
            return None
        gradients, unique_stems = _cpt_city_gradients(folder)
        found = _match_name(name, gradients, case_sensitive)
        if found is None:
            stem = _match_name(name, unique_stems, case_sensitive)
            found = None if stem is None else unique_stems[stem]
        if found is None:
            # Reported only on the last, case-insensitive pass, so that another source's
            # case-insensitive match still gets its chance first.
            shared = [r for r in gradients if r.rsplit("/", 1)[-1].lower() == name.lower()]
            if not case_sensitive and len(shared) > 1:
                raise ColourScaleError(
                    f"cpt-city name {name!r} is ambiguous: use one of {', '.join('cpt-city:' + s for s in shared)}"
                )
            return None
        positions, colours, discrete = _read_svg_gradient(gradients[found])
        return ColourScale(f"cpt-city:{found}", positions, colours, discrete=discrete)
    raise AssertionError(f"unknown source {source}")


# --------------------------------------------------------------------------------------------
# matplotlib and the packages built on it


def colour_scale_from_matplotlib(colormap, name=None):
    """Convert a matplotlib colormap into a :class:`ColourScale`.

    Parameters
    ----------
    colormap : matplotlib.colors.Colormap
        Any colormap (the packages cmocean, cmcrameri and colorcet produce these too).
    name : str or None
        Recorded name; None uses ``"matplotlib:" + colormap.name``.

    Returns
    -------
    ColourScale
        matplotlib draws fraction f with LUT entry ``min(floor(f * N), N - 1)``, so entry i
        stands for fractions ``[i / N, (i + 1) / N)``. With ``N >= 64`` the scale is continuous
        with vertex i at the centre ``(i + 0.5) / N`` (plus the end colours repeated at 0 and 1,
        so that the ends are flat as in matplotlib); with fewer entries it is discrete, band i
        spanning ``[i / N, (i + 1) / N)``.
    """
    lut_size = int(colormap.N)
    lut = np.asarray(colormap(np.arange(lut_size)), dtype=np.float64)[:, :3]
    name = name or f"matplotlib:{colormap.name}"
    if lut_size < MIN_LUT_SIZE_FOR_CONTINUOUS:
        return ColourScale(name, np.arange(lut_size + 1) / lut_size, lut, discrete=True)
    centres = (np.arange(lut_size) + 0.5) / lut_size
    positions = np.concatenate([[0.0], centres, [1.0]])
    colours = np.concatenate([lut[:1], lut, lut[-1:]])
    return ColourScale(name, positions, colours)


def _optional_colormaps(source, required):
    """The name -> Colormap dictionary of an optional package, or None if it is missing."""
    module_name, attribute, pip_name = _OPTIONAL_PACKAGES[source]
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        if required:
            raise ColourScaleError(
                f"colour scales with the prefix '{source}:' need the Python package '{pip_name}', "
                f"which is not installed: install it with 'pip install {pip_name}' in the Python "
                "environment QGIS uses"
            ) from None
        return None
    colormaps = getattr(module, attribute, None)
    return colormaps if isinstance(colormaps, dict) else None


def colour_scale_from_samples(colours_srgb, name="colorbar", positions=None):
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
        Continuous, with one vertex per sample.
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
    return ColourScale(name, positions, colours)


# --------------------------------------------------------------------------------------------
# QGIS resources


def _find_qgis_resources(search_qgis_resources):
    if search_qgis_resources:
        return str(search_qgis_resources)
    candidates = [DEFAULT_QGIS_RESOURCES]
    prefix = os.environ.get("QGIS_PREFIX_PATH")
    if prefix:
        candidates.append(os.path.join(prefix, "share", "qgis", "resources"))
    return next((folder for folder in candidates if os.path.isdir(folder)), None)


def _qgis_style_path(resources):
    if resources is None:
        return None
    path = os.path.join(resources, "symbology-style.xml")
    return path if os.path.isfile(path) else None


def _cpt_city_folder(resources):
    if resources is None:
        return None
    path = os.path.join(resources, "cpt-city-qgis-min")
    return path if os.path.isdir(path) else None


@functools.lru_cache(maxsize=4)
def _qgis_style_ramps(style_path):
    """Gradient ramps of a QGIS style file: name -> (positions, colours, discrete).

    Only ``type="gradient"`` ramps are read: random and preset ramps have no fixed order of
    colours along a value range.
    """
    try:
        root = ElementTree.parse(style_path).getroot()
    except (OSError, ElementTree.ParseError) as error:
        raise ColourScaleError(f"cannot read the QGIS style {style_path}: {error}") from None
    ramps = {}
    for ramp in root.iter("colorramp"):
        if ramp.get("type") != "gradient" or not ramp.get("name"):
            continue
        # QGIS writes properties as <prop k v/> (older) or <Option type="Map"><Option name value/>
        # (newer), sometimes both; read both.
        properties = {prop.get("k"): prop.get("v") for prop in ramp.findall("prop")}
        for option_map in ramp.findall("Option"):
            for option in option_map.findall("Option"):
                properties.setdefault(option.get("name"), option.get("value"))
        try:
            ramps[ramp.get("name")] = _qgis_gradient(properties)
        except (KeyError, ValueError) as error:
            raise ColourScaleError(
                f"QGIS style {style_path}: colour ramp {ramp.get('name')!r} cannot be read ({error})"
            ) from None
    return ramps


# One stop of a QGIS "stops" property: "offset;r,g,b,a". Newer QGIS appends ",rgb:..." to the
# colour and ";spec;direction" to the stop, and the "rgb:" part contains ':' (the stop
# separator), so stops are found by pattern rather than by splitting.
_QGIS_STOP = re.compile(r"(?:^|:)\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?);(\d+),(\d+),(\d+)")


def _qgis_colour(text):
    red, green, blue = (int(part) for part in text.split(",")[:3])
    return (red / 255.0, green / 255.0, blue / 255.0)


def _qgis_gradient(properties):
    """Vertices of a QgsGradientColorRamp from its properties.

    QGIS ramps are continuous between color1 at 0, the stops and color2 at 1. A discrete ramp
    (``discrete=1``) has bands ``[0, s1), [s1, s2), ..., [sk, 1]`` coloured color1, stop 1, ...,
    stop k: QgsGradientColorRamp::color() returns the colour of the last stop at or below the
    value, and color2 only exactly at 1.
    """
    offsets, colours = [0.0], [_qgis_colour(properties["color1"])]
    for match in _QGIS_STOP.finditer(properties.get("stops") or ""):
        offsets.append(min(max(float(match.group(1)), 0.0), 1.0))
        colours.append(tuple(int(match.group(i)) / 255.0 for i in (2, 3, 4)))
    order = np.argsort(offsets, kind="stable")
    offsets, colours = np.asarray(offsets)[order], np.asarray(colours)[order]
    if properties.get("discrete", "0").strip() == "1":
        return _read_only(np.append(offsets, 1.0)), _read_only(colours), True
    offsets = np.append(offsets, 1.0)
    colours = np.vstack([colours, _qgis_colour(properties["color2"])])
    return _read_only(offsets), _read_only(colours), False


@functools.lru_cache(maxsize=4)
def _cpt_city_gradients(folder):
    """The cpt-city SVG gradients under `folder`.

    Returns
    -------
    gradients : dict
        Relative path without ``.svg`` (with ``/``) -> absolute file path.
    unique_stems : dict
        File name without ``.svg`` -> relative path, for the names that occur only once.
    """
    gradients = {}
    for path in sorted(Path(folder).rglob("*.svg")):
        gradients[path.relative_to(folder).with_suffix("").as_posix()] = str(path)
    stems = {}
    for relative in gradients:
        stems.setdefault(relative.rsplit("/", 1)[-1], []).append(relative)
    unique_stems = {stem: paths[0] for stem, paths in stems.items() if len(paths) == 1}
    return gradients, unique_stems


_SVG_NAMESPACE = "{http://www.w3.org/2000/svg}"


@functools.lru_cache(maxsize=64)
def _read_svg_gradient(path):
    """Vertices of the first ``<linearGradient>`` of an SVG file: (positions, colours, discrete).

    SVG rules applied: an offset may be a fraction or a percentage and is clamped to [0, 1]
    and to at least the previous offset; a stop without ``stop-color`` is black; the first and
    last colours extend to the ends. A gradient made only of flat steps becomes discrete bands.
    """
    try:
        root = ElementTree.parse(path).getroot()
    except (OSError, ElementTree.ParseError) as error:
        raise ColourScaleError(f"cannot read the cpt-city gradient {path}: {error}") from None
    gradient = next(root.iter(f"{_SVG_NAMESPACE}linearGradient"), None)
    if gradient is None:
        gradient = next(root.iter("linearGradient"), None)
    if gradient is None:
        raise ColourScaleError(f"cpt-city gradient {path} has no <linearGradient>")
    offsets, colours = [], []
    for stop in gradient:
        if stop.tag not in (f"{_SVG_NAMESPACE}stop", "stop"):
            continue
        style = dict(
            item.split(":", 1) for item in (stop.get("style") or "").split(";") if ":" in item
        )
        style = {key.strip(): value.strip() for key, value in style.items()}
        colour_text = stop.get("stop-color") or style.get("stop-color") or "black"
        try:
            offset = _parse_svg_offset(stop.get("offset", "0"))
            colour = _parse_css_colour(colour_text)
        except ValueError as error:
            raise ColourScaleError(f"cpt-city gradient {path}: {error}") from None
        offsets.append(max(offset, offsets[-1]) if offsets else offset)
        colours.append(colour)
    if not offsets:
        raise ColourScaleError(f"cpt-city gradient {path} has no <stop>")
    if offsets[0] > 0:
        offsets.insert(0, 0.0)
        colours.insert(0, colours[0])
    if offsets[-1] < 1:
        offsets.append(1.0)
        colours.append(colours[-1])
    if len(offsets) == 1:
        offsets.append(1.0)
        colours.append(colours[0])
    positions, colours = np.asarray(offsets, dtype=np.float64), np.asarray(colours, dtype=np.float64)
    bands = _bands_if_stepwise(positions, colours)
    if bands is not None:
        return _read_only(bands[0]), _read_only(bands[1]), True
    return _read_only(positions), _read_only(colours), False


def _parse_svg_offset(text):
    text = text.strip()
    value = float(text[:-1]) / 100.0 if text.endswith("%") else float(text)
    return min(max(value, 0.0), 1.0)


def _parse_css_colour(text):
    """An SVG/CSS colour (``#rgb``, ``#rrggbb``, ``rgb(r, g, b)`` with numbers or percentages,
    or a CSS name) as sRGB floats in [0, 1]."""
    import matplotlib.colors

    text = text.strip().lower()
    match = re.fullmatch(r"rgba?\(([^)]*)\)", text)
    if match:
        parts = [part.strip() for part in match.group(1).split(",")][:3]
        if len(parts) != 3:
            raise ValueError(f"bad colour {text!r}")
        return tuple(float(p[:-1]) / 100.0 if p.endswith("%") else float(p) / 255.0 for p in parts)
    if re.fullmatch(r"#[0-9a-f]{3}", text):
        text = "#" + "".join(digit * 2 for digit in text[1:])
    try:
        return matplotlib.colors.to_rgb(text)
    except ValueError:
        raise ValueError(f"bad colour {text!r}") from None


def _bands_if_stepwise(positions, colours, atol=1e-9):
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


# --------------------------------------------------------------------------------------------
# GMT colour tables


def read_cpt(path):
    """Read a GMT colour palette table (``.cpt``).

    Parameters
    ----------
    path : str or path-like
        The file.

    Returns
    -------
    ColourScale
        ``name`` is ``"cpt:" + absolute path``. Positions are ``(z - z_first) / (z_last -
        z_first)`` over the slice boundaries and ``value_range = (z_first, z_last)``, except:

        * with a ``# RANGE = low/high`` directive (GMT's master tables with normalised z),
          ``value_range = (low, high)`` and z is stretched onto it, each side of a hard hinge
          (``# HARD_HINGE``, at z = 0) separately, so that the hinge lands on data value 0;
        * a categorical table (lines ``key colour``) becomes one band per key, centred on the
          key and reaching half-way to its neighbours.

        The table is discrete when every slice has equal start and end colours (one band per
        slice); otherwise continuous, with a vertex at each slice boundary and two vertices at
        the same position where consecutive slices meet with different colours.
        ``below_colour``, ``above_colour`` and ``nodata_colour`` come from the B, F and N lines.

    Raises
    ------
    ColourScaleError
        If the file cannot be read or is malformed (the message gives the line number).

    Notes
    -----
    Supported colour syntax: ``r/g/b`` and ``r g b`` (0-255), ``h-s-v`` and, with
    ``# COLOR_MODEL = HSV``, ``h s v`` (h in degrees, s and v in 0-1), ``c/m/y/k`` (0-100),
    ``#rrggbb``, a single grey level (0-255) and colour names (X11's, as GMT uses; from the
    system's ``rgb.txt`` when present, otherwise matplotlib's CSS names with the X11 values of
    the few names where they differ). A ``@transparency`` suffix is ignored. Annotation flags
    (``L``, ``U``, ``B``) and ``;label`` texts are accepted and ignored. GMT interpolates in
    the table's colour model, so a slice of an HSV or CMYK table is sampled finely and the
    samples joined linearly in sRGB. Fill patterns (``p...``) and skipped slices (``-``) are
    not supported. ``# SOFT_HINGE`` and ``# CYCLIC`` are ignored (they only matter when the
    table is re-stretched on request, or for values outside the range).
    """
    path = os.fspath(path)
    try:
        with open(path, encoding="utf-8", errors="replace") as stream:
            lines = stream.read().splitlines()
    except OSError as error:
        raise ColourScaleError(f"cannot read the colour table {path}: {error.strerror or error}") from None
    name = f"cpt:{os.path.abspath(path)}"

    colour_model = "rgb"
    value_range = None
    hard_hinge = False
    slices, keys, special = [], [], {}
    for line_number, raw_line in enumerate(lines, start=1):
        line = raw_line.strip()
        if not line:
            continue
        if line.startswith("#"):
            directive = re.fullmatch(r"#\s*([A-Z_]+)\s*(?:=\s*(.*?))?\s*", line)
            if directive:
                keyword, value = directive.group(1), (directive.group(2) or "").strip()
                if keyword == "COLOR_MODEL":
                    colour_model = _cpt_colour_model(value, path, line_number)
                elif keyword == "HARD_HINGE":
                    hard_hinge = True
                elif keyword == "RANGE":
                    value_range = _cpt_range(value, path, line_number)
            continue
        tokens = line.split(";", 1)[0].split()
        if not tokens:
            continue
        if tokens[0] in ("B", "F", "N"):
            special[tokens[0]] = _cpt_special_colour(tokens[1:], colour_model, path, line_number)
            continue
        if tokens[-1] in ("L", "U", "B"):
            tokens = tokens[:-1]
        if len(tokens) == 2:
            keys.append((tokens[0], _cpt_colour(tokens[1:], colour_model, path, line_number), line_number))
        elif len(tokens) in (4, 8):
            width = len(tokens) // 2
            z_start = _cpt_number(tokens[0], path, line_number)
            z_end = _cpt_number(tokens[width], path, line_number)
            colour_start = _cpt_colour(tokens[1:width], colour_model, path, line_number)
            colour_end = _cpt_colour(tokens[width + 1 :], colour_model, path, line_number)
            slices.append((z_start, colour_start, z_end, colour_end, line_number))
        else:
            raise ColourScaleError(
                f"{path}, line {line_number}: expected 'z colour z colour' (or 'key colour'), "
                f"got {raw_line.strip()!r}"
            )

    if slices and keys:
        raise ColourScaleError(
            f"{path}, line {keys[0][2]}: a 'key colour' line in a table of 'z colour z colour' slices"
        )
    if keys:
        positions, colours, discrete, z_range = _categorical_bands(keys, path)
        hinge = None
    elif slices:
        positions, colours, discrete, z_range, hinge = _cpt_slices(slices, colour_model, hard_hinge, value_range, path)
    else:
        raise ColourScaleError(f"{path}: the colour table has no colour slices")
    if value_range is None or keys:
        value_range = z_range
    return ColourScale(
        name,
        positions,
        colours,
        discrete=discrete,
        value_range=value_range,
        below_colour=special.get("B"),
        above_colour=special.get("F"),
        nodata_colour=special.get("N"),
        hinge=hinge,
    )


def _cpt_slices(slices, colour_model, hard_hinge, value_range, path):
    """Vertices of a table of slices: (positions, colours, discrete, (z_first, z_last), hinge)."""
    for previous, current in zip(slices, slices[1:]):
        if current[0] < previous[0] or current[2] < current[0]:
            raise ColourScaleError(f"{path}, line {current[4]}: slices must go up in z")
        if not math.isclose(current[0], previous[2], rel_tol=1e-9, abs_tol=1e-12):
            raise ColourScaleError(
                f"{path}, line {current[4]}: this slice starts at z = {current[0]:g} but the "
                f"previous one ends at z = {previous[2]:g} (gaps and overlaps are not supported)"
            )
    if slices[0][2] < slices[0][0]:
        raise ColourScaleError(f"{path}, line {slices[0][4]}: slices must go up in z")
    z_first, z_last = slices[0][0], slices[-1][2]
    if not z_last > z_first:
        raise ColourScaleError(f"{path}: the colour table spans no z range ({z_first:g} to {z_last:g})")

    z_values, colours = [], []
    for z_start, colour_start, z_end, colour_end, _ in slices:
        weights, samples = _slice_samples(colour_start, colour_end, colour_model)
        z_values.extend(z_start + weights * (z_end - z_start))
        colours.extend(samples)
    z_values, colours = np.asarray(z_values), np.asarray(colours)

    hinge = None
    if value_range is not None:
        low, high = value_range
        if hard_hinge and z_first < 0 < z_last and low < 0 < high:
            # GMT's master tables put the hinge at z = 0 and stretch each side onto its own part
            # of the range, so the hinge lands on data value 0.
            data = np.where(z_values < 0, z_values / -z_first * -low, z_values / z_last * high)
            hinge = 0.0
        else:
            data = low + (z_values - z_first) / (z_last - z_first) * (high - low)
        positions = (data - low) / (high - low)
    else:
        if hard_hinge and z_first < 0 < z_last:
            hinge = 0.0
        positions = (z_values - z_first) / (z_last - z_first)
    positions = np.clip(positions, 0.0, 1.0)

    bands = _bands_if_stepwise(positions, colours)
    if bands is not None:
        return bands[0], bands[1], True, (z_first, z_last), hinge
    # Where one slice ends with the colour the next one starts with, one vertex is enough.
    keep = _drop_repeated_vertices(positions, colours)
    return positions[keep], colours[keep], False, (z_first, z_last), hinge


def _drop_repeated_vertices(positions, colours):
    """Mask dropping a vertex equal (same position and colour) to the one before it."""
    same_position = np.isclose(positions[1:], positions[:-1], rtol=0, atol=1e-12)
    same_colour = np.all(np.isclose(colours[1:], colours[:-1], rtol=0, atol=1e-9), axis=1)
    return np.concatenate([[True], ~(same_position & same_colour)])


def _slice_samples(colour_start, colour_end, colour_model):
    """sRGB vertices of one slice: its two ends, or a fine sampling of GMT's HSV/CMYK path.

    Returns
    -------
    weights : ndarray, shape (k,)
        Where the vertices are, as fractions of the slice (0 at its start, 1 at its end).
    colours : list of k sRGB triplets
    """
    ends = np.array([0.0, 1.0])
    start_rgb, end_rgb = _to_rgb(colour_start), _to_rgb(colour_end)
    if colour_model == "rgb":
        return ends, [start_rgb, end_rgb]
    start, end = _in_model(colour_start, colour_model), _in_model(colour_end, colour_model)
    if np.allclose(start, end, rtol=0, atol=1e-12):
        return ends, [start_rgb, end_rgb]
    weights = np.linspace(0.0, 1.0, SAMPLES_PER_NON_RGB_SLICE)
    if colour_model == "hsv" and start[0] != end[0]:
        # sRGB is piecewise linear in hue with corners every 60 degrees: a vertex on each
        # corner makes a constant-saturation, constant-value slice exact.
        corners = np.arange(math.ceil(min(start[0], end[0]) / 60.0), math.floor(max(start[0], end[0]) / 60.0) + 1) * 60.0
        weights = np.union1d(weights, np.clip((corners - start[0]) / (end[0] - start[0]), 0.0, 1.0))
    path_in_model = (1.0 - weights[:, None]) * np.asarray(start) + weights[:, None] * np.asarray(end)
    return weights, [_to_rgb((colour_model, tuple(values))) for values in path_in_model]


def _categorical_bands(keys, path):
    """Bands of a categorical table, one per key, reaching half-way to the neighbouring keys."""
    try:
        values = np.array([float(key) for key, _, _ in keys])
    except ValueError:
        # Text keys (e.g. rock types) have no values: number them in file order.
        values = np.arange(len(keys), dtype=np.float64)
    if np.any(np.diff(values) <= 0):
        raise ColourScaleError(f"{path}: the keys of a categorical table must go up")
    if values.size == 1:
        edges = np.array([values[0] - 0.5, values[0] + 0.5])
    else:
        middles = (values[1:] + values[:-1]) / 2.0
        edges = np.concatenate(
            [[values[0] - (middles[0] - values[0])], middles, [values[-1] + (values[-1] - middles[-1])]]
        )
    colours = np.array([_to_rgb(colour) for _, colour, _ in keys])
    positions = (edges - edges[0]) / (edges[-1] - edges[0])
    return positions, colours, True, (float(edges[0]), float(edges[-1]))


def _cpt_colour_model(value, path, line_number):
    model = value.lstrip("+").strip().lower()
    if model not in ("rgb", "hsv", "cmyk"):
        raise ColourScaleError(f"{path}, line {line_number}: unknown COLOR_MODEL {value!r}")
    # "+HSV" means: colours written as r/g/b, interpolated in HSV. Colours are parsed by their
    # own syntax anyway, so only the interpolation model matters.
    return model


def _cpt_range(value, path, line_number):
    parts = value.split("/")
    try:
        low, high = float(parts[0]), float(parts[1])
    except (IndexError, ValueError):
        raise ColourScaleError(f"{path}, line {line_number}: RANGE must be 'low/high', got {value!r}") from None
    if not high > low:
        raise ColourScaleError(f"{path}, line {line_number}: RANGE {value!r} is empty")
    return (low, high)


def _cpt_number(token, path, line_number):
    try:
        value = float(token)
    except ValueError:
        raise ColourScaleError(f"{path}, line {line_number}: {token!r} is not a number") from None
    if not math.isfinite(value):
        raise ColourScaleError(f"{path}, line {line_number}: {token!r} is not a finite number")
    return value


def _cpt_special_colour(tokens, colour_model, path, line_number):
    """Colour of a B, F or N line as sRGB, None for '-' (not painted)."""
    if len(tokens) == 1 and tokens[0] == "-":
        return None
    if len(tokens) not in (1, 3):
        raise ColourScaleError(f"{path}, line {line_number}: expected one colour after B, F or N")
    return np.array(_to_rgb(_cpt_colour(tokens, colour_model, path, line_number)))


_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"


def _cpt_colour(tokens, colour_model, path, line_number):
    """A GMT colour from one or three tokens, as (model, values) with values in GMT's units
    converted to 0-1 (hue stays in degrees)."""
    try:
        if len(tokens) == 3:
            values = tuple(float(token.split("@")[0]) for token in tokens)
            return ("hsv", values) if colour_model == "hsv" else ("rgb", tuple(v / 255.0 for v in values))
        return _parse_gmt_colour_token(tokens[0].split("@")[0])
    except ValueError as error:
        raise ColourScaleError(f"{path}, line {line_number}: {error}") from None


def _parse_gmt_colour_token(token):
    if token == "-" or re.fullmatch(r"[pP]\d+.*", token):
        raise ValueError(f"fill {token!r} is not a colour (patterns and skipped slices are not supported)")
    if re.fullmatch(rf"{_NUMBER}/{_NUMBER}/{_NUMBER}", token):
        return ("rgb", tuple(float(v) / 255.0 for v in token.split("/")))
    if re.fullmatch(rf"{_NUMBER}/{_NUMBER}/{_NUMBER}/{_NUMBER}", token):
        return ("cmyk", tuple(float(v) / 100.0 for v in token.split("/")))
    match = re.fullmatch(rf"({_NUMBER})-({_NUMBER})-({_NUMBER})", token)
    if match:
        return ("hsv", tuple(float(v) for v in match.groups()))
    if re.fullmatch(_NUMBER, token):
        grey = float(token) / 255.0
        return ("rgb", (grey, grey, grey))
    if re.fullmatch(r"#[0-9a-fA-F]{6}", token):
        return ("rgb", tuple(int(token[i : i + 2], 16) / 255.0 for i in (1, 3, 5)))
    rgb = _named_colours().get(token.lower().replace(" ", "").replace("_", ""))
    if rgb is None:
        raise ValueError(f"{token!r} is not a colour GMT understands")
    return ("rgb", rgb)


def _to_rgb(colour):
    model, values = colour
    if model == "rgb":
        rgb = values
    elif model == "hsv":
        import matplotlib.colors

        hue, saturation, value = values
        hue = (hue % 360.0) / 360.0
        rgb = matplotlib.colors.hsv_to_rgb([hue, min(max(saturation, 0), 1), min(max(value, 0), 1)])
    else:
        # GMT's plain conversion, without under-colour removal: rgb = 1 - cmy - k.
        cyan, magenta, yellow, black = values
        rgb = tuple(1.0 - channel - black for channel in (cyan, magenta, yellow))
    return tuple(float(min(max(channel, 0.0), 1.0)) for channel in rgb)


def _in_model(colour, colour_model):
    """A colour's coordinates in the table's interpolation model (hue in degrees)."""
    model, values = colour
    if model == colour_model:
        return tuple(values)
    red, green, blue = _to_rgb(colour)
    if colour_model == "hsv":
        import matplotlib.colors

        hue, saturation, value = matplotlib.colors.rgb_to_hsv([red, green, blue])
        return (hue * 360.0, saturation, value)
    black = 1.0 - max(red, green, blue)
    return (1.0 - red - black, 1.0 - green - black, 1.0 - blue - black, black)


@functools.lru_cache(maxsize=1)
def _named_colours():
    """Colour name (lower case, no spaces) -> sRGB, with X11's values as GMT uses them."""
    import matplotlib.colors

    colours = {name: matplotlib.colors.to_rgb(value) for name, value in matplotlib.colors.CSS4_COLORS.items()}
    # CSS gives these names other colours than X11 (and GMT) do.
    colours.update(
        {
            "gray": (190 / 255, 190 / 255, 190 / 255),
            "grey": (190 / 255, 190 / 255, 190 / 255),
            "green": (0.0, 1.0, 0.0),
            "maroon": (176 / 255, 48 / 255, 96 / 255),
            "purple": (160 / 255, 32 / 255, 240 / 255),
        }
    )
    for level in range(101):
        grey = round(level * 255 / 100) / 255
        colours[f"gray{level}"] = colours[f"grey{level}"] = (grey, grey, grey)
    for candidate in X11_RGB_TXT_CANDIDATES:
        try:
            with open(candidate, encoding="latin-1") as stream:
                for line in stream:
                    parts = line.split()
                    if len(parts) < 4 or line.lstrip().startswith("!"):
                        continue
                    try:
                        red, green, blue = (int(p) / 255.0 for p in parts[:3])
                    except ValueError:
                        continue
                    colours["".join(parts[3:]).lower()] = (red, green, blue)
            break
        except OSError:
            continue
    return colours
