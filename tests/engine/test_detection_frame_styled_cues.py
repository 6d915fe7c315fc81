"""The plot area of styled figures whose map edge misleads: JPEG ringing next to a bar close
beside the map, and even pale edges of the map taken for a spine (issue 17).

Drawn by matplotlib with its style sheets (``tests/figures_for_detection.render_styled_bar``,
as ``bench/sweep_styled_bars.py`` draws them); the map frame and the bar must each be found
within 2 px of matplotlib's own boxes: a frame further off decodes the page or loses the
map's edge.
"""
import pytest
from test_detection_frame_at_image_edge import assert_near, detected

#: Figures whose frame and bar are both found within 2 px, each as its sweep drew it.
FRAME_AND_BAR_FIGURES = {
    # The bar 6 px right of the map; JPEG q60 rings in chroma on the gap's column against
    # the bar (unlike the page in a channel on 77 % of its length): the bar was parted from
    # the map, that column left in, and the closing bridged the gap's 4 quiet columns from
    # it to the map: the panel's right side on the bar's (5.7 px off).
    "JPEG ringing next to a close bar is not the map": dict(
        style="ggplot", dpi=90, cmap="turbo", pad=0.01, jpeg_quality=60, crop="bbox",
        size=(8.8, 4.63)),
    # ggplot's white spines do not show on its white page. coolwarm's pale sea along the
    # west side and pale colours along the east and south ones were even runs at one luma,
    # taken for a spine 2 px wide on the west: the left side 3.2 px in. The top side has no
    # such run with the page beyond it: no spine is drawn.
    "pale map edges on three sides are no spine": dict(
        style="ggplot", dpi=80, cmap="coolwarm", pad=0.01, jpeg_quality=70, crop="bbox",
        size=(6.5, 4.51)),
    # seaborn's RdBu_r bar 3 px right of the map at 72 dpi, JPEG q65: the panel ran on to the
    # bar (18.7 px off) and no colorbar was found; with the map's side found the bar is.
    "a close bar joined to the map is found once parted": dict(
        style="seaborn-v0_8", dpi=72, cmap="RdBu_r", pad=0.01, jpeg_quality=65, crop="bbox",
        size=(5.28, 5.88)),
}


@pytest.mark.parametrize("name", list(FRAME_AND_BAR_FIGURES))
def test_frame_and_bar_found(tmp_path, name):
    layout, frame, bar = detected(tmp_path, FRAME_AND_BAR_FIGURES[name])
    assert_near(layout.frame, frame, "map frame")
    assert_near(layout.colorbar, bar, "colorbar")


def test_a_close_bar_not_found_is_left_out_of_the_panel(tmp_path):
    # dark_background's turbo bar 6 px right of the map at 60 dpi, JPEG q60: no colorbar was
    # found, and the closing joined the bar to the map: the panel's right side on the bar's
    # (21.4 px off, in silence). The bar's luma, even across its width and changing along
    # it, stands beyond a gap of the page: the side is the map's.
    layout, frame, _ = detected(tmp_path, dict(
        style="dark_background", dpi=60, cmap="turbo", pad=0.02, jpeg_quality=60,
        crop="cut2", size=(6.91, 5.98)))
    assert_near(layout.frame, frame, "map frame")
