"""Stepped colorbars (contourf's discrete levels) drawn with no outline and saved as JPEG: the
bar is found whole, through the edges between its colour blocks.

A strong JPEG rings along the sharp edge between two saturated blocks (PuOr's pale orange to
dark orange), so the strip's runs start a few pixels inside the bar's sides for a few slices
there; where the bar has no outline to follow (ggplot's white spines on a white page), the
stretch must be bridged by its own colours. A step between two flat colours, neither the
page's, is a block's edge, not the bar's end: bars were cut there, and their range read from
the labels along the part found (sweep_auto_decode.py --wide seed 73 #5: -200..1000 for
-600..1000, nothing said).
"""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from figures_for_detection import lonlat_topobathy, render_matplotlib  # noqa: E402

from colormap_decoder.plugin.engine.detection.figure_reading import read_figure_face  # noqa: E402
from colormap_decoder.plugin.engine.detection.layout import detect_layout  # noqa: E402
from colormap_decoder.plugin.engine.figure import read_figure  # noqa: E402

#: contourf's levels over the topo-bathymetry grid: eight blocks, the low ones saturated.
LEVELS = list(range(-600, 1001, 200))

#: name: (colormap, dpi, JPEG quality, horizontal bar). Each of these was cut at a block's
#: edge before (bar 96-270 px short).
STEPPED_BARS = {
    "PuOr, vertical, 200 dpi, JPEG quality 60": ("PuOr", 200, 60, False),
    "RdBu, horizontal, 200 dpi, JPEG quality 75": ("RdBu", 200, 75, True),
    "BrBG, vertical, 100 dpi, JPEG quality 60": ("BrBG", 100, 60, False),
    "Spectral, horizontal, 200 dpi, JPEG quality 60": ("Spectral", 200, 60, True),
    # The JPEG's ringing undershoots the darker block by 31 beside its edge.
    "Spectral, vertical, 200 dpi, JPEG quality 60": ("Spectral", 200, 60, False),
}


@pytest.mark.parametrize("name", list(STEPPED_BARS))
def test_stepped_bar_without_outline_found_whole_through_jpeg_ringing(tmp_path, name):
    cmap, dpi, quality, horizontal = STEPPED_BARS[name]
    grid, extent = lonlat_topobathy()
    path = tmp_path / "figure.jpg"
    with plt.style.context("ggplot"):
        truth = render_matplotlib(grid, extent, path, cmap=cmap, levels=LEVELS, dpi=dpi,
                                  jpeg_quality=quality, horizontal_bar=horizontal,
                                  size=(9, 5))
    rgb = read_figure(str(path)).rgb
    layout = detect_layout(rgb)
    bar = layout.colorbar
    assert bar is not None, "no colorbar found"
    assert bar.vertical == (not horizontal)
    error = np.abs(np.array(bar.box, float) - np.array(truth.colorbar, float))
    assert error.max() <= 2.0, (np.round(bar.box, 1), np.round(truth.colorbar, 1))
    reading = read_figure_face(rgb, layout, want_axes=False).colorbar
    assert reading is not None and reading.vmin is not None, "the colorbar's labels not read"
    span = LEVELS[-1] - LEVELS[0]
    assert abs(reading.vmin - LEVELS[0]) <= 0.005 * span, (reading.vmin, LEVELS[0])
    assert abs(reading.vmax - LEVELS[-1]) <= 0.005 * span, (reading.vmax, LEVELS[-1])
