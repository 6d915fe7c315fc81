"""The plot area beside a colorbar whose outline, pieces or labels mislead (issue 17).

Drawn by matplotlib with its style sheets as ``bench/sweep_styled_bars.py`` draws them
(``tests/figures_for_detection.render_styled_bar``; each figure is the sweep's own, its seed
and index named); the map frame and the bar must each be found within 2 px of matplotlib's
own boxes. Before, each frame was 22-313 px off or not found (in silence on the figure: the
decode was refused only for want of the bar's range or of axis labels the crop cut).
"""
import pytest
from test_detection_frame_at_image_edge import assert_near, detected

BAR_OUTLINE_FIGURES = {
    # 12#10. RdBu_r's navy end is dark in the ink mask: its edge split the bar's box, and
    # that piece of the bar (no top line closes the map, cut by the crop) was taken for
    # the frame, 313 px off, the bar then dropped as a strip of that "map".
    "classic, 100 dpi, PNG, cut 2 px, horizontal bar with a navy end": dict(
        style="classic", dpi=100, cmap="RdBu_r", horizontal=True, pad=0.06, crop="cut2",
        size=(8.85, 4.6)),
    # 13#12. bmh's light spines: magma's dark rows closed a box with the outline of the bar
    # 4 px beside the map, its top a dark row 138 px into the map.
    "bmh, 80 dpi, PNG, ink, vertical magma bar": dict(
        style="bmh", dpi=80, cmap="magma", pad=0.01, crop="ink", size=(6.5, 5.95)),
    # 13#1 and 13#8. The map's x labels stand in a 39-46 px gap to the bar below: the
    # closing joined map, labels and bar, and the bar was looked for only 36 px out of the
    # map: the panel ran down to the bar's bottom (61, 71 px).
    "dark_background, 100 dpi, JPEG q70, cut 2 px, horizontal bar at pad 0.1": dict(
        style="dark_background", dpi=100, cmap="plasma", horizontal=True, pad=0.1,
        jpeg_quality=70, crop="cut2", size=(5.33, 5.1)),
    "classic, 90 dpi, JPEG q70, cut 2 px, horizontal bar at pad 0.1": dict(
        style="classic", dpi=90, cmap="magma", horizontal=True, pad=0.1, jpeg_quality=70,
        crop="cut2", size=(6.6, 6.41)),
    # 16#13. The row under the bar, its outline's anti-aliasing (the box's edge at x.0), and
    # the column past its end were left as content: through the map's spine column down
    # past the bar's end they joined the map to the bar's labels, and no panel was found.
    "default, 100 dpi, JPEG q60, cut 2 px, horizontal bar": dict(
        style="default", dpi=100, cmap="viridis", horizontal=True, pad=0.06,
        jpeg_quality=60, crop="cut2", size=(7.67, 4.56)),
    # 16#0. A one-pixel gap of the page, its chroma rung on 24 % of its length, and the
    # bar's white outline a filled line of the page's luma: the close bar not found was not
    # told from the map, the panel's right side on the bar's (22 px off).
    "seaborn, 80 dpi, JPEG q60, ink, vertical Spectral bar 3 px beside": dict(
        style="seaborn-v0_8", dpi=80, cmap="Spectral", pad=0.01, jpeg_quality=60,
        crop="ink", size=(5.09, 6.19)),
}


@pytest.mark.parametrize("name", list(BAR_OUTLINE_FIGURES))
def test_frame_and_bar_beside_found(tmp_path, name):
    layout, frame, bar = detected(tmp_path, BAR_OUTLINE_FIGURES[name])
    assert_near(layout.frame, frame, "map frame")
    assert_near(layout.colorbar, bar, "colorbar")


#: Largest error (px) of a panel's side placed on a spine of ink: the line's centre, within
#: the anti-aliasing's share of a pixel.
INK_SPINE_TOLERANCE_PX = 1.0


@pytest.mark.parametrize("kwargs", [
    # 1#9: dark_background's white spine on its black page, PNG.
    dict(style="dark_background", dpi=100, cmap="cividis", horizontal=True, pad=0.06,
         crop="cut2", size=(6.13, 4.54)),
    # 7#17: the default style's black spine, JPEG q80.
    dict(style="default", dpi=100, cmap="RdBu_r", horizontal=True, pad=0.1, jpeg_quality=80,
         crop="cut2", size=(8.17, 5.28)),
], ids=["dark_background-png", "default-jpeg80"])
def test_panel_side_on_a_one_pixel_ink_spine_is_its_centre(tmp_path, kwargs):
    # The crop cut the top spine off: the map is a panel, its sides measured on the three
    # spines left (1.4 px at 100 dpi: a pixel of ink and one of grey, 205 on white, beyond
    # it). The grey was taken for the spine, each side a pixel out (1.2-1.7 px from
    # matplotlib's axes); the top is the image's edge.
    layout, frame, _ = detected(tmp_path, kwargs)
    assert layout.frame is not None and layout.frame.kind == "panel"
    for side in (0, 2, 3):
        assert abs(layout.frame.box[side] - frame[side]) <= INK_SPINE_TOLERANCE_PX, \
            (side, layout.frame.box, frame)


def test_a_frame_beside_a_thin_bar_is_not_closed_by_its_outline():
    """A thin bar a few pixels beside the map, taller than it (``colorbar(ax=...)`` beside
    an equal-aspect map): the bar's far side lies within the tolerance of the map's own
    frame line, but the frame stands clear of the bar, and it is the map's. A box closed by
    the bar's outline holds the bar's near side (its side past the bar's middle)."""
    from colormap_decoder.plugin.engine.detection.frame import _closed_by_bar_outline

    # The map's frame, a 6 px bar 4 px right of it, 20 px longer each way: not closed.
    assert not _closed_by_bar_outline((100, 100, 700, 600), (704, 80, 710, 620), 10)
    assert not _closed_by_bar_outline((200, 200, 1400, 1200), (1406, 150, 1418, 1250), 20)
    # The same bar left of the map, and a horizontal one above it.
    assert not _closed_by_bar_outline((100, 100, 700, 600), (90, 80, 96, 620), 10)
    assert not _closed_by_bar_outline((100, 100, 700, 600), (80, 90, 720, 96), 10)
    # A box of the map's dark rows closed by the bar's far side (13#12's): closed.
    assert _closed_by_bar_outline((100, 238, 710, 600), (684, 100, 710, 620), 10)


def test_a_bar_no_wider_than_its_edges_is_no_bar_beside():
    """A stretch beside the map filled on exactly :data:`BAR_BESIDE_MIN_PX` lines leaves
    nothing between its two edge lines on each side to measure: no bar, not a failure (the
    empty stretch raised ValueError)."""
    import numpy as np

    from colormap_decoder.plugin.engine.detection.frame import BAR_BESIDE_MIN_PX, _bar_beside

    rgb = np.full((100, 200, 3), 255, np.uint8)
    rgb[10:90, :193] = np.linspace(40, 200, 193, dtype=np.uint8)[None, :, None]
    rgb[10:90, 200 - BAR_BESIDE_MIN_PX:] = np.linspace(20, 230, 80, dtype=np.uint8)[:, None, None]
    content = (rgb != 255).any(axis=2)
    page = np.array([255.0, 255.0, 255.0], np.float32)
    assert _bar_beside(content, rgb, page, (0, 10, 200, 90), 2, 6) is None
