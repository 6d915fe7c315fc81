"""Colorbars close beside the map in figures cropped tight, at 60-100 dpi (issue 17).

Papers save their maps with ``savefig(bbox_inches="tight", pad_inches=0)`` or crop them
tighter, and draw the bar with ``figure.colorbar(image, ax=axes, pad=0.01)``: at 60-100 dpi
the bar stands 3-6 px from the map, its ends in line with the map's top and bottom, often
through a JPEG whose 4:2:0 chroma smears the colours of both into the gap between. Drawn by
matplotlib with its style sheets (``tests/figures_for_detection.render_styled_bar``); the map
frame and the bar must each be found within 2 px of matplotlib's own boxes, and the bar's
range read within 1 %.
"""
import numpy as np
from figures_for_detection import render_styled_bar

from colormap_decoder.plugin.engine.detection.colorbar import find_colorbars
from colormap_decoder.plugin.engine.detection.layout import luminance, page_luminance
from colormap_decoder.plugin.engine.detection.lines import dark_mask, find_rectangles
from colormap_decoder.plugin.engine.figure import read_figure

TOLERANCE_PX = 2.0


def candidates(rgb):
    """The colorbars found on a figure, as :func:`detect_layout` first finds them."""
    lum = luminance(rgb)
    page = page_luminance(lum)
    border = np.concatenate([rgb[0], rgb[-1], rgb[:, 0], rgb[:, -1]])
    page_rgb = np.median(border, axis=0)
    dark = dark_mask(lum, page)
    max_thickness = max(4, int(round(0.01 * min(rgb.shape[:2]))))
    rectangles = find_rectangles(dark, min_side=max(30, int(0.05 * min(rgb.shape[:2]))),
                                 max_thickness=max_thickness)
    return find_colorbars(rgb, rectangles, page_rgb, dark=dark, max_thickness=max_thickness)


def test_box_from_the_maps_spine_to_the_bar_is_not_the_bar(tmp_path):
    # classic style, 80 dpi, JPEG q65, cropped 2 px into the ink: the map's right spine and
    # the bar's outline, 3 px apart, close a box with the top and bottom lines, and the
    # JPEG's chroma gives the gap between them up to 26 levels of the map's and the bar's
    # colours (its luma stays the page's). That box was kept as the bar, the gap in it (2.8 px
    # off; its middle, which the bar's evidence samples, is the bar's).
    path = tmp_path / "classic.jpg"
    _, truth = render_styled_bar(path, style="classic", dpi=80, cmap="Spectral", pad=0.01,
                                 jpeg_quality=65, crop="cut2",
                                 size=(5.986302120294555, 4.98527563681242))
    bars = candidates(read_figure(str(path)).rgb)
    assert bars, "no colorbar found"
    error = np.abs(np.array(bars[0].box) - np.array(truth)).max()
    assert error <= TOLERANCE_PX, (np.round(bars[0].box, 1), np.round(truth, 1))
