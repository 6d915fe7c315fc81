"""Colour scales from matplotlib's colormaps and from the packages built on them (cmocean,
cmcrameri, colorcet: optional, used when installed)."""
import importlib
import os
import warnings

import numpy as np

from ..errors import ColourScaleError
from .registry import ColourScaleSource, match_name
from .scale import ColourScale

#: Below this many LUT entries a matplotlib colormap is treated as a set of distinct colours
#: (qualitative maps such as 'tab10' or 'Set1'); at or above, as a sampled continuous ramp.
MIN_LUT_SIZE_FOR_CONTINUOUS = 64

#: matplotlib's listed colormaps (viridis, magma, turbo, tab10...), their tables as matplotlib
#: gives them (``tests/data/make_matplotlib_tables.py`` writes it, a test compares it with the
#: installed matplotlib): found here, a name costs no matplotlib import (about 80 ms).
LISTED_TABLES_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "matplotlib_listed.npz")
_LISTED_TABLES = {}


def listed_table(name) -> "np.ndarray | None":
    """The (N, 3) float64 table of matplotlib's listed colormap ``name`` (exact case; a ``_r``
    name is its base reversed, as matplotlib reverses a listed map), or None if not listed."""
    if not _LISTED_TABLES:
        try:
            with np.load(LISTED_TABLES_PATH) as archive:
                _LISTED_TABLES.update((key, archive[key]) for key in archive.files)
        except OSError:  # not shipped: every name goes through matplotlib
            _LISTED_TABLES[""] = None
    if _LISTED_TABLES.get(name) is not None:
        return _LISTED_TABLES[name].copy()
    if name.endswith("_r") and _LISTED_TABLES.get(name[:-2]) is not None:
        return _LISTED_TABLES[name[:-2]][::-1].copy()
    return None


class MatplotlibSource(ColourScaleSource):
    """matplotlib's registered colormaps (``mpl:`` / ``matplotlib:``)."""

    key = "matplotlib"
    prefixes = ("mpl", "matplotlib")

    def names(self, resources) -> list:
        import matplotlib

        return sorted(matplotlib.colormaps)

    def build(self, name, case_sensitive, resources) -> "ColourScale | None":
        table = listed_table(name)
        if table is not None:
            return colour_scale_from_table(table, f"matplotlib:{name}")
        import matplotlib

        found = match_name(name, matplotlib.colormaps, case_sensitive)
        if found is None:
            return None
        return colour_scale_from_matplotlib(matplotlib.colormaps[found], f"matplotlib:{found}")


class OptionalPackageSource(ColourScaleSource):
    """The colormaps of an optional package that keeps them in a name -> Colormap dictionary.

    Parameters
    ----------
    key : str
        The source's name (``"cmocean"``).
    prefixes : tuple of str
        Prefixes selecting it.
    module_name, attribute : str
        Where the dictionary is: ``module_name.attribute``.
    pip_name : str
        The package to install, for the message when a prefix asks for it and it is missing.
    """

    def __init__(self, key, prefixes, module_name, attribute, pip_name):
        self.key, self.prefixes = key, tuple(prefixes)
        self.module_name, self.attribute, self.pip_name = module_name, attribute, pip_name

    def colormaps(self, required=False) -> "dict | None":
        """The name -> Colormap dictionary of the package, or None if it is missing."""
        try:
            with warnings.catch_warnings():
                # colorcet registers ~200 colormaps through a deprecated matplotlib function: a
                # warning each, which would flood QGIS's Python warnings for one name lookup.
                warnings.simplefilter("ignore")
                module = importlib.import_module(self.module_name)
        except ImportError:
            if required:
                raise ColourScaleError(
                    f"colour scales with the prefix '{self.key}:' need the Python package '{self.pip_name}', "
                    f"which is not installed: install it with 'pip install {self.pip_name}' in the Python "
                    "environment QGIS uses"
                ) from None
            return None
        colormaps = getattr(module, self.attribute, None)
        return colormaps if isinstance(colormaps, dict) else None

    def require(self) -> None:
        self.colormaps(required=True)

    def names(self, resources) -> list:
        colormaps = self.colormaps()
        return sorted(colormaps) if colormaps else []

    def build(self, name, case_sensitive, resources) -> "ColourScale | None":
        colormaps = self.colormaps()
        if not colormaps:
            return None
        found = match_name(name, colormaps, case_sensitive)
        return None if found is None else colour_scale_from_matplotlib(colormaps[found], f"{self.key}:{found}")


def colour_scale_from_matplotlib(colormap, name=None) -> ColourScale:
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
    lut = np.asarray(colormap(np.arange(int(colormap.N))), dtype=np.float64)[:, :3]
    return colour_scale_from_table(lut, name or f"matplotlib:{colormap.name}")


def colour_scale_from_table(lut, name) -> ColourScale:
    """A :class:`ColourScale` from a matplotlib colormap's table (see
    :func:`colour_scale_from_matplotlib`).

    Parameters
    ----------
    lut : ndarray of float, shape (N, 3)
        The colormap's entries, sRGB in 0..1: ``colormap(np.arange(colormap.N))[:, :3]``.
    name : str
    """
    lut_size = len(lut)
    lut = np.asarray(lut, dtype=np.float64)
    if lut_size < MIN_LUT_SIZE_FOR_CONTINUOUS:
        return ColourScale(name, np.arange(lut_size + 1) / lut_size, lut, discrete=True,
                           lookup_table=True)
    centres = (np.arange(lut_size) + 0.5) / lut_size
    positions = np.concatenate([[0.0], centres, [1.0]])
    colours = np.concatenate([lut[:1], lut, lut[-1:]])
    return ColourScale(name, positions, colours, lookup_table=True)

