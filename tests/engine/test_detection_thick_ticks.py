"""Tick marks thick beside small text: a colorbar's outward ticks standing on its outline were
taken for labels standing on the line (GMT's inside annotations), read '-' or nothing, and the
bar's real labels beyond them were never read: VMIN refused (sweep_auto_decode --wide seed 72
#5: dark_background, 7 pt labels, 600 dpi, ticks 7 px wide against 42 px digits, wider than a
glyph's stem is allowed to be). A lone solid bar standing on the line is a tick mark. Real
matplotlib figures; the range read against the renderer's.
"""
import matplotlib
import numpy as np
import pytest
from figures_for_detection import lonlat_topobathy

from colormap_decoder.plugin.engine.detection.figure_reading import read_figure_face
from colormap_decoder.plugin.engine.detection.layout import detect_layout
from colormap_decoder.plugin.engine.figure import read_figure

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


@pytest.mark.parametrize("style, dpi", [("dark_background", 600), ("default", 400),
                                        ("dark_background", 300)])
def test_bar_labels_read_beyond_thick_tick_marks(tmp_path, style, dpi):
    """A horizontal bar 500..3500 with 7 pt labels: its ends' values within 0.5 % of the range
    (before: no label read, the range refused)."""
    grid, extent = lonlat_topobathy()
    path = tmp_path / "thick_ticks.png"
    with plt.style.context(style), plt.rc_context({"font.size": 7}):
        figure = plt.figure(figsize=(3.6, 3.0), dpi=dpi)
        axes = figure.add_axes([0.15, 0.3, 0.75, 0.6])
        bar_axes = figure.add_axes([0.2, 0.1, 0.6, 0.04])
        image = axes.imshow(np.clip(grid, 500, 3500), cmap="gist_earth_r", vmin=500,
                            vmax=3500, extent=extent, aspect="auto", interpolation="nearest")
        figure.colorbar(image, cax=bar_axes, orientation="horizontal")
        figure.savefig(path, dpi=dpi)
        plt.close(figure)
    rgb = read_figure(str(path)).rgb
    layout = detect_layout(rgb)
    assert layout.colorbar is not None
    reading = read_figure_face(rgb, layout, want_axes=False)
    bar = reading.colorbar
    assert bar is not None and bar.vmin is not None, bar and bar.axis.problem
    print(style, dpi, "| range read", bar.vmin, bar.vmax)
    assert abs(bar.vmin - 500) <= 0.005 * 3000 and abs(bar.vmax - 3500) <= 0.005 * 3000
