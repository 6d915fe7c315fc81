"""Colour scales: the mapping from a fraction of a value range to an sRGB colour.

A figure's colours can only be decoded back to values once the colour scale that produced them
is known. This package turns a user's description of that scale into one data type,
:class:`ColourScale`:

=====================  ==========================================================================
``scale.py``           the :class:`ColourScale` type (conventions: sRGB in [0, 1], fractions)
``registry.py``        the sources of named scales, :func:`resolve_colour_scale`, adding a source
``matplotlib_source``  matplotlib's colormaps and the optional cmocean, cmcrameri, colorcet
``qgis_resources.py``  QGIS's default-style ramps and its cpt-city SVG gradients (plain files)
``gmt_cpt.py``         GMT ``.cpt`` colour tables
``colorbar.py``        colours sampled from the figure's own colorbar
=====================  ==========================================================================

Adding a source of named colour scales: a module with a :class:`ColourScaleSource` subclass
(its key, prefixes, names and how to build a scale from one) and one line in
:func:`registry.default_sources`.

Nothing here imports QGIS: the QGIS resources are read as plain files, so the engine also works
in scripts.
"""
from .colorbar import colour_scale_from_samples, sample_colorbar
from .gmt_cpt import read_cpt
from .matplotlib_source import colour_scale_from_matplotlib
from .registry import (
                       ColourScaleSource,
                       available_colour_scale_names,
                       register_source,
                       resolve_colour_scale,
                       unregister_source,
)
from .scale import ColourScale

__all__ = ["ColourScale", "ColourScaleSource", "available_colour_scale_names",
           "colour_scale_from_matplotlib", "colour_scale_from_samples", "read_cpt",
           "register_source", "resolve_colour_scale", "sample_colorbar", "unregister_source"]
