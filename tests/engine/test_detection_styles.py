"""Figures drawn with matplotlib's style sheets and fonts the detection was not built on.

Each figure is drawn by matplotlib itself (a style sheet from ``plt.style``, a font family and
size, a dpi, a JPEG quality, as bench/sweep_auto_decode.py ``--wide`` draws them) from a real
grid and decoded as ``decodemap`` with only INPUT and GCP_CRS: the outcome must be right
within issue 17's limits, or a refusal naming the parameter to give; never a crash, never
wrong without a warning.
"""
import matplotlib
import numpy as np
import pytest

from colormap_decoder.plugin.engine.errors import EngineError
from colormap_decoder.plugin.engine.pipeline import DecodeSettings, decode_map

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def eraint_heights(shared_data):
    """ERA-Interim's January 200 hPa geopotential height (metres) on a 3° grid, north up,
    and its extent (west, east, south, north), degrees."""
    data = np.load(shared_data / "eraint_z200_january_3deg.npz")
    return data["z"].astype(float) / 9.80665, tuple(float(v) for v in data["extent"])


def render_styled(path, grid, extent, style, font, font_size, dpi, jpeg_quality, cmap,
                  value_range, xlim=None, horizontal=True):
    """``imshow`` (bilinear) of a lon/lat grid on plain axes in a style sheet, degree labels
    signed with a Unicode minus ('−40°'), a colorbar below the map (or beside it); saved as
    PNG, then as a JPEG of that quality when one is given (Pillow). Returns the figure's
    path, the axes' and the bar's pixel boxes (left, top, right, bottom) and the axes'
    limits (west, east, south, north)."""
    import matplotlib.pyplot as plt
    from matplotlib import colors as mcolors
    from matplotlib import ticker
    from PIL import Image

    def degrees(value, _):
        return f"{value:g}°".replace("-", "\N{MINUS SIGN}")

    with plt.style.context(style), matplotlib.rc_context({"font.family": font,
                                                          "font.size": font_size}):
        figure = plt.figure(figsize=(8.2, 4.5), dpi=dpi)
        if horizontal:
            axes = figure.add_axes([0.13, 0.27, 0.77, 0.63])
            bar_axes = figure.add_axes([0.2, 0.1, 0.6, 0.035])
        else:
            axes = figure.add_axes([0.13, 0.12, 0.65, 0.78])
            bar_axes = figure.add_axes([0.82, 0.12, 0.025, 0.78])
        image = axes.imshow(grid, cmap=cmap, norm=mcolors.Normalize(*value_range),
                            extent=extent, aspect="auto", interpolation="bilinear")
        if xlim is not None:
            axes.set_xlim(*xlim)
        axes.xaxis.set_major_formatter(ticker.FuncFormatter(degrees))
        axes.yaxis.set_major_formatter(ticker.FuncFormatter(degrees))
        figure.colorbar(image, cax=bar_axes,
                        orientation="horizontal" if horizontal else "vertical")
        figure.canvas.draw()
        height = figure.canvas.get_width_height()[1]

        def box(artist_axes):
            (x0, y0), (x1, y1) = artist_axes.get_window_extent().get_points()
            return (float(x0), float(height - y1), float(x1), float(height - y0))

        frame, bar = box(axes), box(bar_axes)
        limits = (*axes.get_xlim(), *axes.get_ylim())
        png = path.with_suffix(".png")
        figure.savefig(png, dpi=dpi)
        plt.close(figure)
    if jpeg_quality:
        Image.open(png).convert("RGB").save(path, quality=jpeg_quality)
        return path, frame, bar, limits
    return png, frame, bar, limits


def test_seaborn_labels_merged_across_the_figure_refused_not_crashing(tmp_path,
                                                                       eraint_heights):
    """seaborn-v0_8 at 300 dpi, DejaVu Serif 7 pt, JPEG q67 (bench/sweep_auto_decode.py
    --wide, seed 21 #4): no spines, no tick marks, white grid lines. A row of glyphs was cut
    at the tick positions of a 'label' as wide as the figure, and a glyph wholly moved to a
    new number by a cut left a hole in scipy's find_objects (None, not a pair of slices):
    TypeError. Now: no crash; the figure is decoded right or refused naming a parameter."""
    grid, extent = eraint_heights
    path, frame, bar, limits = render_styled(tmp_path / "seaborn.jpg", grid, extent,
                                             "seaborn-v0_8", "DejaVu Serif", 7, 300, 67,
                                             "BrBG_r", (10900.0, 12450.0), xlim=(-58, 50))
    try:
        result = decode_map(DecodeSettings(figure_path=str(path), gcp_crs="EPSG:4326",
                                           scale_automatic=True))
    except EngineError as error:
        assert error.parameter in ("GCPS", "VMIN", "PLOT_AREA", "COLORBAR"), error
        assert "Give" in str(error), error
        return
    low, high = 10900.0, 12450.0
    error = max(abs(result.mapping.vmin - low), abs(result.mapping.vmax - high)) / (high - low)
    assert error <= 0.005 or result.warnings, (result.mapping, result.messages)
