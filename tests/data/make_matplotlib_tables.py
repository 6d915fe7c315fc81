#!/usr/bin/python3
"""Write ``plugin/engine/colour_scales/matplotlib_listed.npz``: matplotlib's listed colormaps.

matplotlib's perceptually uniform maps (viridis, plasma, inferno, magma, cividis, turbo,
twilight) and its qualitative ones (tab10, Set1...) are tables of colours fixed in matplotlib's
source (``ListedColormap``). Importing matplotlib to read one costs about 80 ms of a decode
(its ``rcsetup`` pulls in pyparsing), more than the colour decoding itself on a 12 MP figure, so
the engine reads these tables from this file and imports matplotlib only for the other maps.

Each entry is ``colormap(np.arange(colormap.N))[:, :3]`` as float64, exactly what
:func:`colour_scale_from_matplotlib` reads from matplotlib; a ``_r`` map is its base map's table
reversed, which matplotlib's ``ListedColormap.reversed`` is, bit for bit
(``tests/engine/test_colour_scale.py`` checks every entry against the installed matplotlib).

Run again when matplotlib adds a listed colormap::

    /usr/bin/python3 tests/data/make_matplotlib_tables.py
"""
from pathlib import Path

import numpy as np

TABLES = Path(__file__).resolve().parents[2] / "plugin" / "engine" / "colour_scales" / "matplotlib_listed.npz"


def listed_tables() -> dict:
    """Name -> (N, 3) float64 table of every listed colormap matplotlib registers (no ``_r``)."""
    import matplotlib
    from matplotlib.colors import ListedColormap

    tables = {}
    for name in sorted(matplotlib.colormaps):
        colormap = matplotlib.colormaps[name]
        if isinstance(colormap, ListedColormap) and not name.endswith("_r"):
            tables[name] = np.asarray(colormap(np.arange(colormap.N)), dtype=np.float64)[:, :3]
    return tables


if __name__ == "__main__":
    np.savez_compressed(TABLES, **listed_tables())
    print(TABLES)
