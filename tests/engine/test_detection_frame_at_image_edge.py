"""A map's side on the image's edge: the plot area of a figure cropped tight (issue 17).

A figure saved with ``savefig(bbox_inches="tight", pad_inches=0)`` ends at the map's top when
no label stands above it (a horizontal colorbar below the map), and one cropped into its ink
cuts the map's top spine off: the map's colours reach the image's first row, no frame line
closes the box there, and the page lies round the three other sides, where the labels stand.
That side is the image's edge, the plot area shown. Drawn by matplotlib with its style sheets
(``tests/figures_for_detection.render_styled_bar``); the map frame and the bar must each be
found within 2 px of matplotlib's own boxes.
"""
import numpy as np
import pytest
from figures_for_detection import render_styled_bar

from colormap_decoder.plugin.engine.detection.layout import detect_layout
from colormap_decoder.plugin.engine.figure import read_figure

TOLERANCE_PX = 2.0


def detected(tmp_path, kwargs):
    """The layout found on a styled figure, with matplotlib's map and bar boxes."""
    path = tmp_path / ("figure.jpg" if kwargs.get("jpeg_quality") else "figure.png")
    frame, bar = render_styled_bar(path, **kwargs)
    return detect_layout(read_figure(str(path)).rgb), frame, bar


def assert_near(found, truth, what):
    assert found is not None, f"no {what} found"
    error = np.abs(np.array(found.box) - np.array(truth)).max()
    assert error <= TOLERANCE_PX, (what, np.round(found.box, 1), np.round(truth, 1))


EDGE_FIGURES = {
    # The top spine cut off by the crop: no line closes the box, and the panel found (the
    # map's colours, its three spines) ran to the image's edge and was refused. Then the bar
    # 22 px below the map, the map's labels between, its colours alike to the map's bottom
    # row on half its length, was taken for the map going on across a grid line and kept in
    # the panel (44 px off).
    "classic, 72 dpi, PNG, cropped 2 px into the ink, horizontal bar": (
        dict(style="classic", dpi=72, cmap="viridis", horizontal=True, pad=0.08, crop="cut2",
             size=(7.3, 5.0))),
    # No spine: before, a box closed by magma's dark data between white grid lines was kept
    # for want of a panel (67 px off, in silence).
    "ggplot, 60 dpi, JPEG q65, cropped 2 px into the ink, horizontal bar": (
        dict(style="ggplot", dpi=60, cmap="magma", horizontal=True, pad=0.1, jpeg_quality=65,
             crop="cut2", size=(8.0, 5.2))),
    "seaborn, 90 dpi, JPEG q70, bbox_inches tight, horizontal bar": (
        dict(style="seaborn-v0_8", dpi=90, cmap="YlGnBu", horizontal=True, pad=0.08,
             jpeg_quality=70, crop="bbox", size=(6.9, 5.1))),
    # White spines on black: the map's x labels come down to the bar's outline (pad=0.06),
    # the rows next to it 40 % unlike the page: the bar was not parted from the map.
    "dark_background, 100 dpi, PNG, cropped 2 px into the ink, labels against the bar": (
        dict(style="dark_background", dpi=100, cmap="cividis", horizontal=True, pad=0.06,
             crop="cut2", size=(6.13, 4.54))),
    # A vertical bar: bmh's light spine on the image's first row, a third of it there, the
    # map's top a pixel and a half below: no row of the page above, refused.
    "bmh, 60 dpi, JPEG q70, cropped 2 px into the ink, vertical bar": (
        dict(style="bmh", dpi=60, cmap="Spectral", pad=0.015, jpeg_quality=70, crop="cut2",
             size=(7.6, 5.9))),
    # The map's top 4 px below the image's edge, a JPEG's chroma ringing unlike the page on
    # the rows above: refused, and a box of plasma's dark data was kept (99 px off).
    "seaborn, 80 dpi, JPEG q65, bbox_inches tight, vertical bar": (
        dict(style="seaborn-v0_8", dpi=80, cmap="plasma", pad=0.02, jpeg_quality=65,
             crop="bbox", size=(5.69, 4.45))),
}


@pytest.mark.parametrize("name", list(EDGE_FIGURES))
def test_map_side_on_the_image_edge_is_the_frames(tmp_path, name):
    layout, frame, bar = detected(tmp_path, EDGE_FIGURES[name])
    assert_near(layout.frame, frame, "map frame")
    assert_near(layout.colorbar, bar, "colorbar")


def test_pale_even_map_edge_is_no_spine(tmp_path):
    # ggplot draws no spine; coolwarm's pale sea along the map's west side, even in luma 3 px
    # in from its edge, and its pale colours along two other sides were taken for a spine 2
    # px wide: the left side 5 px in.
    layout, frame, bar = detected(tmp_path, dict(
        style="ggplot", dpi=80, cmap="coolwarm", pad=0.015, jpeg_quality=60, crop="bbox",
        size=(7.68, 4.51)))
    assert_near(layout.frame, frame, "map frame")
    assert_near(layout.colorbar, bar, "colorbar")


def test_map_cut_on_two_sides_is_refused(tmp_path):
    # The map cut by the crop on its top and its left: too little of the page round it to
    # tell it from a map with no margin at all. No frame, rather than one the crop's.
    from PIL import Image

    path = tmp_path / "figure.png"
    frame, _ = render_styled_bar(path, style="ggplot", dpi=80, cmap="terrain", horizontal=True,
                                 pad=0.08, crop="bbox", size=(7.0, 5.0))
    pixels = np.asarray(Image.open(path).convert("RGB"))
    left = int(np.ceil(frame[0])) + 6
    Image.fromarray(pixels[6:, left:]).save(path)
    layout = detect_layout(read_figure(str(path)).rgb)
    assert layout.frame is None, np.round(layout.frame.box, 1)


def test_side_two_pixels_from_the_edge_is_measured(tmp_path):
    # The map's top 4 px below the image's edge, the rows above it a JPEG's chroma ringing
    # unlike the page: the panel's box begins on the third row, and with fewer than 3 px
    # of the image outside it the side was left on the box's row (2 px out), unmeasured.
    layout, frame, _ = detected(tmp_path, EDGE_FIGURES[
        "seaborn, 80 dpi, JPEG q65, bbox_inches tight, vertical bar"])
    assert layout.frame is not None, "no map frame found"
    assert abs(layout.frame.box[1] - frame[1]) <= 1.5, (round(layout.frame.box[1], 2), frame[1])


@pytest.mark.parametrize("style", ["default", "classic", "dark_background"])
def test_no_data_band_inside_the_spines_is_the_maps(tmp_path, style):
    # The map's bottom 12 % NaN (drawn as the page), its top spine cropped off: the only box
    # four dark lines close was the band of page between the data's edge and the bottom
    # spine (default: taken for the frame, 239 px off), and the map's colours fill 88 % of
    # the spines' box, too little for a panel (classic, dark_background: no frame). The
    # spines close the plot area whatever is drawn inside it.
    layout, frame, bar = detected(tmp_path, dict(
        style=style, dpi=100, cmap="viridis", horizontal=True, pad=0.08, crop="cut2",
        size=(9.0, 4.6), nan_bottom=0.12))
    assert_near(layout.frame, frame, "map frame")
    assert_near(layout.colorbar, bar, "colorbar")
