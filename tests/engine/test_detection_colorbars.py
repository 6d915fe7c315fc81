"""Colorbars as renderers draw them: without an outline, with extension triangles, vertical or
horizontal, either end up, labels on either side. Found on real figures of a real grid and
checked against the renderer's own truth.

The box is the bar's rectangular part (matplotlib's colorbar axes, GMT's ``-D`` geometry)
within 2 px; the triangles' colours are the colormap's out-of-range colours; the value range
read from the labels is within 0.5 % of the range and the direction is the labels'.
"""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from figures_for_detection import run_gmt  # noqa: E402
from figures_for_tests import topobathy  # noqa: E402

from colormap_decoder.plugin.engine.detection.figure_reading import read_figure_face  # noqa: E402
from colormap_decoder.plugin.engine.detection.layout import detect_layout, layout_warnings  # noqa: E402
from colormap_decoder.plugin.engine.figure import read_figure  # noqa: E402
from colormap_decoder.plugin.engine.pipeline import DecodeSettings  # noqa: E402

TOLERANCE_PX = 2.0
VMIN, VMAX = -1500.0, 2500.0


def render_bar_variant(path, cmap="viridis", horizontal=False, outline=True, extend="neither",
                       over=None, under=None, labels_on_far_side=False, reversed_bar=False,
                       dpi=100, jpeg_quality=None, vmax=VMAX):
    """A map of the topobathy grid with a colorbar drawn the asked way; the truth of its bar.

    ``labels_on_far_side`` puts the bar's ticks and labels on its left (vertical) or top
    (horizontal) side, between the bar and the map (the bar is moved away to make room).
    """
    grid, extent = topobathy()
    figure = plt.figure(figsize=(9, 6), dpi=dpi)
    gap = 0.07 if labels_on_far_side else 0.0
    if horizontal:
        axes = figure.add_axes([0.12, 0.3, 0.76, 0.6])
        bar_axes = figure.add_axes([0.2, 0.12 - gap / 2, 0.6, 0.035])
    else:
        axes = figure.add_axes([0.1, 0.12, 0.62, 0.78])
        bar_axes = figure.add_axes([0.76 + gap, 0.12, 0.025, 0.78])
    colormap = plt.get_cmap(cmap).copy()
    if over is not None:
        colormap.set_over(over)
    if under is not None:
        colormap.set_under(under)
    image = axes.imshow(grid, cmap=colormap, vmin=VMIN, vmax=vmax, extent=extent, aspect="auto")
    bar = figure.colorbar(image, cax=bar_axes, extend=extend,
                          orientation="horizontal" if horizontal else "vertical")
    if not outline:
        bar.outline.set_visible(False)
    if labels_on_far_side:
        if horizontal:
            bar_axes.xaxis.set_ticks_position("top")
        else:
            bar_axes.yaxis.set_ticks_position("left")
    if reversed_bar:
        (bar_axes.invert_xaxis if horizontal else bar_axes.invert_yaxis)()
    figure.canvas.draw()
    height = figure.canvas.get_width_height()[1]
    (x0, y0), (x1, y1) = bar_axes.get_window_extent().get_points()
    truth = (float(x0), float(height - y1), float(x1), float(height - y0))
    kwargs = {"pil_kwargs": {"quality": jpeg_quality}} if jpeg_quality else {}
    figure.savefig(path, dpi=dpi, **kwargs)
    plt.close(figure)
    under_rgb = np.round(np.array(colormap.get_under()[:3]) * 255)
    over_rgb = np.round(np.array(colormap.get_over()[:3]) * 255)
    return truth, under_rgb, over_rgb


def assert_box_close(found, truth, what="colorbar"):
    error = np.abs(np.array(found, float) - np.array(truth, float))
    assert error.max() <= TOLERANCE_PX, f"{what} {np.round(found, 2)} vs truth {np.round(truth, 2)}"


def assert_range_close(reading, low, high):
    assert reading is not None and reading.vmin is not None, "the colorbar's labels were not read"
    span = high - low
    assert abs(reading.vmin - low) <= 0.005 * span, (reading.vmin, low)
    assert abs(reading.vmax - high) <= 0.005 * span, (reading.vmax, high)


MATPLOTLIB_VARIANTS = {
    # name: (render keyword arguments, colour tolerance for the triangles, 0-255 per channel)
    "vertical, no outline": (dict(outline=False), 3),
    "vertical, labels left, extend both, own out-of-range colours": (
        dict(cmap="magma", extend="both", under="#00c8ff", over="#32c832",
             labels_on_far_side=True), 3),
    "vertical, high end at the bottom, no outline, extend both, JPEG": (
        dict(cmap="plasma", outline=False, extend="both", reversed_bar=True,
             jpeg_quality=90), 14),
    "horizontal, no outline, extend max, labels on top": (
        dict(cmap="RdBu_r", horizontal=True, outline=False, extend="max",
             labels_on_far_side=True), 3),
    "horizontal, high end at the left, extend min, 300 dpi": (
        dict(cmap="cividis", horizontal=True, extend="min", reversed_bar=True, dpi=300), 3),
    # A white end like the page's: the outline carries the bar through it.
    "horizontal, white low end (Greys), outline, extend max": (
        dict(cmap="Greys", horizontal=True, extend="max"), 3),
    "vertical, black to white (cubehelix), outline, extend both, JPEG": (
        dict(cmap="cubehelix", extend="both", jpeg_quality=85), 14),
    # A white end like the page's and no outline: the palest stretch is followed by its fade
    # into the page's colour (Greys' first tenth is within 16 levels of white).
    "vertical, white high end (Greys reversed), no outline": (
        dict(cmap="Greys_r", outline=False), 3),
    "horizontal, white low end (Greys), no outline, extend max, labels on top, 150 dpi, JPEG": (
        dict(cmap="Greys", horizontal=True, outline=False, extend="max",
             labels_on_far_side=True, dpi=150, jpeg_quality=85), 14),
    "horizontal, black to white (cubehelix), no outline, extend min": (
        dict(cmap="cubehelix", horizontal=True, outline=False, extend="min"), 3),
    "horizontal, extend both, own colours, JPEG": (
        dict(cmap="viridis", horizontal=True, extend="both", under="black", over="#e0e0e0",
             jpeg_quality=85), 14),
    # A strong JPEG (quality 60): its blocks ring along the bar's edges and cut the colour
    # strip into pieces tens of pixels apart; a pale end (YlGnBu's) is blurred into the page
    # over a few pixels and must not be taken for a fade.
    "horizontal, pale low end (YlGnBu), no outline, 150 dpi, JPEG quality 60": (
        dict(cmap="YlGnBu", horizontal=True, outline=False, dpi=150, jpeg_quality=60), 20),
    "vertical, black to white (cubehelix), no outline, labels left, 150 dpi, JPEG quality 60": (
        dict(cmap="cubehelix", outline=False, labels_on_far_side=True, dpi=150,
             jpeg_quality=60), 20),
    # A triangle as pale as the page (gist_earth's over colour, 9 levels from white): seen, and
    # the bar ends at its base, not where its narrowing tip fades into the page.
    "vertical, near-white over triangle (gist_earth), no outline, extend max, 150 dpi, JPEG": (
        dict(cmap="gist_earth", outline=False, extend="max", dpi=150, jpeg_quality=85), 6),
    # A white over triangle on a white page, inside the outline (cubehelix, hot, bone): only
    # the outline's slanted sides show it, and there the bar ends (no line across its base).
    "vertical, white over triangle (cubehelix) inside the outline, labels left, 150 dpi": (
        dict(cmap="cubehelix", extend="max", labels_on_far_side=True, dpi=150), 3),
    # An outline around the bar and its triangles: the triangle's width measured to a fraction
    # of a pixel (its anti-aliased outline) where whole pixels step by two at once.
    "horizontal, outline, extend both (Spectral), labels on top, JPEG": (
        dict(cmap="Spectral", horizontal=True, extend="both", labels_on_far_side=True,
             jpeg_quality=85), 14),
    # matplotlib draws its triangles without anti-aliasing: every pixel an edge touches is
    # the triangle's, and its sides meet the bar's width two pixels too far out.
    "vertical, high end at the bottom, no outline, extend min (twilight), labels left, 150 dpi": (
        dict(cmap="twilight", outline=False, extend="min", reversed_bar=True,
             labels_on_far_side=True, dpi=150), 3),
    # A pale triangle with an outline through a strong JPEG at 72 dpi: the shares of its edge
    # pixels are noise and fitted a base 6 px inside the bar; whole pixels and the outline's
    # slanted sides place it.
    "horizontal, outline, extend min (twilight), high end at the left, 72 dpi, JPEG quality 60": (
        dict(cmap="twilight", horizontal=True, extend="min", reversed_bar=True, dpi=72,
             jpeg_quality=60), 20),
    # A fill's edges and a triangle's base are not lines: the frame's pixel snapping (half a
    # pixel) is not added to them (it took the range 0.55 % off at 72 dpi).
    # Past a triangle's tip, a strong JPEG's blocks and the tick marks make the widths grow
    # again: they are not its sides (the fit failed and the triangle was missed, 3 px off).
    # The outline turning the bar's corner widens the slices there: not a triangle drawn
    # wider than the bar (GMT's), whose wider slices are its own colour beyond both edges.
    "horizontal, outline, extend both (Spectral), high end at the left, 150 dpi, JPEG q60": (
        dict(cmap="Spectral", horizontal=True, extend="both", reversed_bar=True, dpi=150,
             jpeg_quality=60), 20),
    # 'hot' saturates a whole region of the map to nearly one red; a column of the coarse
    # grid's cells there had a strip's edges wherever its neighbours changed, and was taken
    # for a second colorbar. A bar differs from what lies beside it nearly all along.
    "horizontal, hot, no outline, extend both, labels on top, 150 dpi": (
        dict(cmap="hot", horizontal=True, outline=False, extend="both", labels_on_far_side=True,
             dpi=150), 3),
    # A pale end that ends sharply (YlGnBu's, 150 dpi, JPEG q60): its blurred edge is placed
    # from the bar's last few slices, not from a longer stretch whose colours still change
    # (that took the edge for a fade and ran 41 px into the page).
    "vertical, pale low end (YlGnBu) at the bottom, no outline, 150 dpi, JPEG quality 60": (
        dict(cmap="YlGnBu", outline=False, dpi=150, jpeg_quality=60), 20),
    # Triangles drawn without anti-aliasing at 72 dpi: their sides meet the bar's width up to
    # two slices inside the last full-width one, which is no sign of a fit to noise.
    "horizontal, no outline, extend both (coolwarm), 72 dpi, JPEG": (
        dict(cmap="coolwarm", horizontal=True, outline=False, extend="both", dpi=72,
             jpeg_quality=85), 14),
    # JPEG q60 on PuOr's saturated purple: no slice is smooth across, only the outline carries
    # the bar there (it was cut 157 px short, range 32 % off).
    "horizontal, outline, extend both (PuOr), high end at the left, JPEG quality 60": (
        dict(cmap="PuOr", horizontal=True, extend="both", reversed_bar=True,
             jpeg_quality=60), 20),
    # terrain's dark blue end: the JPEG rings along the bar's edges over 40 slices, longer
    # than half the shortest strip; every slice is still one colour running on (the bar was
    # cut 84 px short, range 19-21 % off).
    "horizontal, terrain, high end at the left, no outline, labels on top, 72 dpi, JPEG": (
        dict(cmap="terrain", horizontal=True, outline=False, reversed_bar=True,
             labels_on_far_side=True, dpi=72, jpeg_quality=85), 14),
    "vertical, terrain, high end at the bottom, no outline, extend min, JPEG": (
        dict(cmap="terrain", outline=False, extend="min", reversed_bar=True,
             jpeg_quality=85), 14),
    # terrain at 72 dpi through JPEG q60: a single slice not one colour stopped the outline
    # from carrying the bar through its dark blue end (41 px short, range 12 % off); then the
    # colours either side of terrain's sharp turn at its brown, a few percent of the bar
    # apart, were taken for a map coming back to a colour (no bar found).
    "horizontal, outline, extend both (terrain), high end at the left, labels on top, 72 dpi, "
    "JPEG quality 60": (
        dict(cmap="terrain", horizontal=True, extend="both", reversed_bar=True,
             labels_on_far_side=True, dpi=72, jpeg_quality=60), 20),
    # YlGnBu's pale yellow end at 72 dpi, JPEG q60: its blue channel falls to the page's over
    # a JPEG block (8 px), a blurred edge, not a fade (the end was put 3.6 px out).
    "horizontal, pale low end (YlGnBu) at the right, no outline, 72 dpi, JPEG quality 60": (
        dict(cmap="YlGnBu", horizontal=True, outline=False, reversed_bar=True, dpi=72,
             jpeg_quality=60), 20),
    # A pale outlined triangle (twilight's) through JPEG q60: its blocks throw some widths off
    # by several pixels; the sides are the line most slices keep to (the end was 5 px out).
    "vertical, outline, extend both (twilight), 100 dpi, JPEG quality 60": (
        dict(cmap="twilight", extend="both", jpeg_quality=60), 20),
    # cubehelix's dark colours close boxes 3 px wide on the map: nothing to sample, no bar.
    "horizontal, outline, extend both (cubehelix), labels on top, 150 dpi, JPEG": (
        dict(cmap="cubehelix", horizontal=True, extend="both", labels_on_far_side=True,
             dpi=150, jpeg_quality=85), 14),
    # hot's white end at 72 dpi fades a tenth of its contrast per slice: as fast as a JPEG's
    # blurred edge falls, but at the pace of the bar's own last slices, so a fade.
    "vertical, white high end (hot) at the bottom, no outline, extend max (white), 72 dpi": (
        dict(cmap="hot", outline=False, extend="max", reversed_bar=True, dpi=72), 3),
    # A box 5 px wide closed by cubehelix's dark map colours, its colours wavering back and
    # forth: no second bar (a colormap may waver only at a sharp turn, two runs apart).
    "horizontal, outline (cubehelix), high end at the left, labels on top, JPEG quality 60": (
        dict(cmap="cubehelix", horizontal=True, reversed_bar=True, labels_on_far_side=True,
             jpeg_quality=60), 20),
    "vertical, high end at the bottom, no outline, extend max (PuOr), 72 dpi": (
        dict(cmap="PuOr", outline=False, extend="max", reversed_bar=True, dpi=72), 3),
    "vertical, high end at the bottom, no outline, extend both (coolwarm), 72 dpi": (
        dict(cmap="coolwarm", outline=False, extend="both", reversed_bar=True, dpi=72), 3),
    # A pale end that ends in a sharp step through a JPEG: YlGnBu's pale yellow falls from 40
    # to 9 to 1 (the page) over two slices; the step is seen with the page's slice (the slow
    # trend before it was extrapolated 13 px into the page, range 1.6 % off).
    "horizontal, pale low end (YlGnBu) at the right, no outline, labels on top, 150 dpi, JPEG": (
        dict(cmap="YlGnBu", horizontal=True, outline=False, reversed_bar=True,
             labels_on_far_side=True, dpi=150, jpeg_quality=85), 14),
    # A pale end that is not the page's colour (Blues' (247, 251, 255)): the page seen right
    # after it contradicts a fade, and the end is the step (a fade was extrapolated 20 px
    # into the page, range 3 % off).
    "vertical, near-white low end (Blues) at the top, no outline, extend max, 150 dpi, JPEG": (
        dict(cmap="Blues", outline=False, extend="max", reversed_bar=True, dpi=150,
             jpeg_quality=85), 14),
    # A tick mark at the bar's end widens the slices there, and a few pixels past the
    # triangle's tip (a JPEG's block) tilted the fit of its sides: the fit ends where the
    # triangle's width first falls below a fifth of the bar's (base 2.6 px out, range 0.69 %).
    "horizontal, no outline, extend min (Spectral), high end at the left, 72 dpi, JPEG": (
        dict(cmap="Spectral", horizontal=True, outline=False, extend="min", reversed_bar=True,
             dpi=72, jpeg_quality=85), 14),
    # An outlined triangle's tip: its outlines meet and stay 3 px wide for 8 slices past the
    # fill, which put the fitted base 4 px inside the bar (2.1 px off after the labels).
    "horizontal, outline, extend max (coolwarm), 150 dpi, JPEG quality 60": (
        dict(cmap="coolwarm", horizontal=True, extend="max", dpi=150, jpeg_quality=60), 20),
}

@pytest.mark.parametrize("name", list(MATPLOTLIB_VARIANTS))
def test_matplotlib_colorbar_variants(tmp_path, name):
    kwargs, colour_tolerance = MATPLOTLIB_VARIANTS[name]
    suffix = ".jpg" if kwargs.get("jpeg_quality") else ".png"
    truth, under_rgb, over_rgb = render_bar_variant(tmp_path / f"figure{suffix}", **kwargs)
    rgb = read_figure(str(tmp_path / f"figure{suffix}")).rgb
    layout = detect_layout(rgb)
    bar = layout.colorbar
    assert bar is not None, "no colorbar found"
    horizontal = kwargs.get("horizontal", False)
    assert bar.vertical == (not horizontal)
    assert_box_close(bar.box, truth)
    assert layout.other_colorbars == []
    # The triangles: at the start (top / left) and the end (bottom / right) of the bar.
    extend = kwargs.get("extend", "neither")
    # Is the low end first (at the left of a horizontal bar, the top of a vertical one)?
    low_first = (not kwargs.get("reversed_bar", False)) if horizontal else \
        kwargs.get("reversed_bar", False)
    expected = {"min": (under_rgb, None), "max": (None, over_rgb), "both": (under_rgb, over_rgb),
                "neither": (None, None)}[extend]
    expected = expected if low_first else expected[::-1]
    for found, truth_colour, end in zip(bar.extensions, expected, ("start", "end")):
        if truth_colour is not None and np.abs(truth_colour - 255).max() <= 2:
            # A page-white triangle shows no colour to read; a near-white one does.
            truth_colour = None
        if truth_colour is None:
            assert found is None, f"a triangle found at the {end}: {found}"
        else:
            assert found is not None, f"no triangle found at the {end}"
            assert np.abs(np.array(found) - truth_colour).max() <= colour_tolerance, \
                (end, found, truth_colour)
    reading = read_figure_face(rgb, layout, want_axes=False).colorbar
    assert_range_close(reading, VMIN, VMAX)
    assert reading.flip == kwargs.get("reversed_bar", False)


#: Variants whose box is known to within 2 px only once the labels are read (the box the
#: plugin uses): an end hard to see, moved out to the bar's outermost tick (a bar's ticks
#: never lie beyond its ends). (render keyword arguments, an end fades into the page)
ENDS_AT_TICKS_VARIANTS = {
    # Greys at 150 dpi keeps one 8-bit grey for ten pixels: the fade's trend was judged on 8
    # slices, seen flat, and the bar cut 114 px short (range 14 % off, silently).
    "horizontal, white low end (Greys), no outline, labels on top, 150 dpi, JPEG quality 60": (
        dict(cmap="Greys", horizontal=True, outline=False, labels_on_far_side=True, dpi=150,
             jpeg_quality=60), True),
    "vertical, white high end (Greys reversed), no outline, 150 dpi, JPEG quality 60": (
        dict(cmap="Greys_r", outline=False, dpi=150, jpeg_quality=60), True),
    # A near-white over triangle (gist_earth's) beyond a near-white end, through JPEG q60: no
    # triangle seen, the end 3.5 px inside.
    "horizontal, near-white high end and triangle (gist_earth) at the left, no outline, "
    "extend both, labels on top, JPEG quality 60": (
        dict(cmap="gist_earth", horizontal=True, outline=False, extend="both",
             reversed_bar=True, labels_on_far_side=True, jpeg_quality=60), False),
    # hot's white end through JPEG q60 at 72 dpi narrows a little and is cut off by the page's
    # colour: not a triangle, which narrows to a tip (the bar was cut 22 px short, its labels
    # read only from there); its fade is then followed, and its tick ends it.
    "horizontal, white high end (hot) at the left, no outline, labels on top, 72 dpi, JPEG "
    "quality 60": (
        dict(cmap="hot", horizontal=True, outline=False, reversed_bar=True,
             labels_on_far_side=True, dpi=72, jpeg_quality=60), True),
    # terrain reversed at 72 dpi through JPEG q60 (bench/sweep_colorbars.py seed 71 #2): its
    # bright green stretch made no strip and its dark blue end a box of its own, so the bar
    # was cut at the green and its range read from the labels along the first piece alone
    # (-278..2500 for -1500..2500, nothing said): the pieces in line are one bar.
    "horizontal, terrain reversed (white end at the left, green middle), no outline, labels "
    "on top, 72 dpi, JPEG quality 60": (
        dict(cmap="terrain", horizontal=True, outline=False, reversed_bar=True,
             labels_on_far_side=True, dpi=72, jpeg_quality=60), False),
    # twilight's pale end at 72 dpi through JPEG q60: its edge blurred 2.4 px inward.
    "horizontal, pale end (twilight), no outline, extend min, 72 dpi, JPEG quality 60": (
        dict(cmap="twilight", horizontal=True, outline=False, extend="min", dpi=72,
             jpeg_quality=60), False),
    # gist_earth's white end inside an outline through JPEG q60 (bench/sweep_colorbars.py
    # seed 101 #0): its fade reaches the JPEG's floor of 9 levels, then the triangle's
    # outline greys rise; the line through it all "faded" 65 px past the end (range 13 %
    # off, only warned). A fade only falls: the end is fitted up to its palest slice.
    "horizontal, white high end (gist_earth), outline, extend both, labels on top, JPEG "
    "quality 60": (
        dict(cmap="gist_earth", horizontal=True, extend="both", labels_on_far_side=True,
             jpeg_quality=60), False),
}


@pytest.mark.parametrize("name", list(ENDS_AT_TICKS_VARIANTS))
def test_colorbar_end_hard_to_see_reaches_its_ticks(tmp_path, name):
    """A bar whose end is hard to see (fading into the page's white, a pale end or a
    near-white triangle blurred by a strong JPEG): found nearly whole from its pixels, then
    its end placed at its outermost tick once its labels are read, and the log says so."""
    kwargs, fades = ENDS_AT_TICKS_VARIANTS[name]
    path = tmp_path / ("figure.jpg" if kwargs.get("jpeg_quality") else "figure.png")
    truth, _, _ = render_bar_variant(path, **kwargs)
    rgb = read_figure(str(path)).rgb
    layout = detect_layout(rgb)
    bar = layout.colorbar
    assert bar is not None and bar.vertical == (not kwargs.get("horizontal", False))
    # Before the labels: within a few pixels, not cut short.
    error = np.abs(np.array(bar.box) - np.array(truth))
    assert error.max() <= 8, (np.round(bar.box, 1), truth)
    assert any(bar.faded_ends) == fades
    before = tuple(bar.box)
    face = read_figure_face(rgb, layout, want_axes=False)
    assert_box_close(layout.colorbar.box, truth)
    assert_range_close(face.colorbar, VMIN, VMAX)
    assert face.colorbar.flip == kwargs.get("reversed_bar", False)
    # A moved end is said in the log.
    moved = layout.colorbar.box != before
    assert moved == any("placed at its outermost tick" in line for line in face.messages), \
        (before, layout.colorbar.box, face.messages)


def test_colorbar_end_extrapolated_from_a_fade_is_warned(tmp_path):
    """gist_earth's near-white high end and near-white over triangle through JPEG q60: the
    fade is followed into the triangle (the end lands 12 px out, beyond the bar's last
    tick) and nothing shows where the bar ends. The log says the end is extrapolated and to
    check COLORBAR: never a silently shifted range."""
    path = tmp_path / "figure.jpg"
    truth, _, _ = render_bar_variant(path, cmap="gist_earth", horizontal=True, outline=False,
                                     extend="max", reversed_bar=True, dpi=150, jpeg_quality=60)
    rgb = read_figure(str(path)).rgb
    layout = detect_layout(rgb)
    assert layout.colorbar is not None and not layout.colorbar.vertical
    face = read_figure_face(rgb, layout, want_axes=False)
    error = np.abs(np.array(layout.colorbar.box) - np.array(truth))
    warned = [line for line in face.messages if "left end fades into the page's colour and "
              "shows no edge" in line and "COLORBAR" in line]
    # Either the end is right or the user is told it may not be.
    assert error.max() <= TOLERANCE_PX or warned, (np.round(layout.colorbar.box, 1), truth,
                                                   face.messages)
    assert warned, face.messages


def test_colorbar_tick_far_beyond_an_end_is_warned_not_trusted():
    """A kept tick farther beyond a bar's end than a tenth of the bar does not move the end
    (a bar found that short is not trusted): the log says to check COLORBAR."""
    from colormap_decoder.plugin.engine.detection.bar_ends import ends_beyond_ticks
    from colormap_decoder.plugin.engine.detection.colorbar import ColorbarDetection
    from colormap_decoder.plugin.engine.detection.figure_reading import AxisReading
    from colormap_decoder.plugin.engine.detection.ticks import TickFit, TickLabel

    bar = ColorbarDetection((100.0, 50.0, 120.0, 350.0), True, 100.0, 0.0, strip=True)
    labels = []
    for value, row in ((2500.0, 10.0), (1100.0, 150.0), (100.0, 250.0), (-900.0, 350.0)):
        label = TickLabel(text=f"{value:g}", box=(125, int(row) - 5, 150, int(row) + 5),
                          value=value, label_position=row, kept=True)
        labels.append(label)
    axis = AxisReading("right", labels, fit=TickFit(-10.0, 2600.0, False, labels, np.zeros(4)))
    lines = ends_beyond_ticks(axis, bar)
    assert bar.box == (100.0, 50.0, 120.0, 350.0)
    assert len(lines) == 1 and "40.0 px beyond the bar's detected top end" in lines[0] and \
        "COLORBAR" in lines[0], lines


TURBO_LOW, TURBO_HIGH = (48, 18, 59), (122, 4, 3)  # GMT's turbo at 0 and 1500 (turbo.cpt)
BATLOW_HIGH = (250, 204, 250)  # GMT's batlow at 1500


@pytest.mark.parametrize("name, page_height, scale_position, cpt_options, truth_box, triangles", [
    # The map: -X1i, 6 × 5.5 in, its top 1 in below the page's top (100 dpi): pixels
    # 100-700 × 100-650. -Dx places the bar's bottom-left corner relative to the map's.
    # -D on makecpt makes the triangles the end colours, as most figures have them.
    # (Labels on the left, between map and bar: the bar moved out to make room for them.)
    ("vertical, both triangles, labels left", 7.5, "x6.9i/0i+w5.5i/0.3i+e+ma", "-D",
     (790, 100, 820, 650), (TURBO_HIGH, TURBO_LOW)),
    # GMT's default back- and foreground: black below, white above. A white triangle on a
    # white page shows no colour to read: only the outline's line closes the bar there.
    ("vertical, default black and white triangles", 7.5, "x6.4i/0i+w5.5i/0.3i+e", "",
     (740, 100, 770, 650), (None, (0, 0, 0))),
    # No frame: a fully transparent frame pen (the bar stands alone on the page).
    ("vertical, no frame", 7.5, "x6.4i/0i+w5.5i/0.3i", "", (740, 100, 770, 650),
     (None, None)),
    # Reversed (+r): the high end at the bottom.
    ("vertical, high end at the bottom, both triangles", 7.5, "x6.4i/0i+w5.5i/0.3i+e+r", "-D",
     (740, 100, 770, 650), (TURBO_LOW, TURBO_HIGH)),
    # Horizontal below the map, labels on top, a triangle at the high end only.
    ("horizontal, foreground triangle, labels on top", 8.5, "x1i/-0.9i+w4i/0.25i+h+ef+ma", "-D",
     (200, 715, 600, 740), (None, TURBO_HIGH)),
    # A coloured triangle whose base GMT closes with the frame's line: the line is the end
    # (batlow: its pale pink high end).
    ("vertical, batlow, high end at the bottom, foreground triangle, labels left", 7.5,
     "x6.9i/0i+w5.5i/0.3i+ef+r+ma", "-D", (790, 100, 820, 650), (None, BATLOW_HIGH)),
])
def test_gmt_psscale_variants(tmp_path, shared_data, name, page_height, scale_position,
                              cpt_options, truth_box, triangles):
    grid_path = shared_data / "gmtserver_Kilauea.utm.nc"
    pen = " --MAP_FRAME_PEN=0p,white@100" if "no frame" in name else ""
    run_gmt(tmp_path,
            f"gmt makecpt -C{'batlow' if 'batlow' in name else 'turbo'} -T0/1500 {cpt_options}"
            " > turbo.cpt",
            f"gmt set PS_MEDIA 8.5ix{page_height}i",
            f"gmt grdimage {grid_path} -R254340/280020/2129880/2153640 -JX6i/5.5i -Cturbo.cpt "
            f"-X1i -Y{page_height - 6.5}i -P -Baf -BWSne -K > fig.ps",
            f"gmt psscale -Cturbo.cpt -D{scale_position} -Bxaf -O{pen} >> fig.ps",
            "gmt psconvert fig.ps -Tg -E100")
    rgb = read_figure(str(tmp_path / "fig.png")).rgb
    layout = detect_layout(rgb)
    bar = layout.colorbar
    assert bar is not None
    assert bar.vertical == ("vertical" in name)
    assert_box_close(bar.box, truth_box)
    for found, expected, end in zip(bar.extensions, triangles, ("start", "end")):
        if expected is None:
            assert found is None, (end, found)
        else:
            assert found is not None and np.abs(np.array(found) - expected).max() <= 12, \
                (end, found, expected)
    reading = read_figure_face(rgb, layout, want_axes=False).colorbar
    assert_range_close(reading, 0.0, 1500.0)
    assert reading.flip == ("+r" in scale_position)


def render_gmt_bar(folder, grid_path, cmap="turbo", horizontal=False, frame=True, triangles="",
                   reversed_bar=False, labels_on_far_side=False, dpi=100, jpeg_quality=None):
    """A GMT map of the Kilauea grid (values 0-1500 on the colormap) and a psscale bar drawn
    the asked way; (figure path, the bar's box from the -D geometry, pixels).

    ``frame=False`` draws the bar's frame with a fully transparent pen; ``triangles`` is
    psscale's ``+e`` modifier (``"+e"``, ``"+eb"``, ``"+ef"`` or ``""``).
    """
    page_height = 8.5 if horizontal else 7.5
    # The map: -X1i, 6 x 5.5 in, its top 1 in below the page's top.
    if horizontal:
        # Bar 4 x 0.25 in, bottom-left corner 1 in right of the map's, 0.9 in below it (more
        # with labels on top, between bar and map).
        x, y, length, width = 1.0, -0.9 - (0.35 if labels_on_far_side else 0), 4.0, 0.25
        position = f"x{x}i/{y}i+w{length}i/{width}i+h"
        box_inch = (1.0 + x, page_height - (page_height - 6.5 + y + width), 1.0 + x + length,
                    page_height - (page_height - 6.5 + y))
    else:
        x, y, length, width = 6.4 + (0.5 if labels_on_far_side else 0), 0.0, 5.5, 0.3
        position = f"x{x}i/{y}i+w{length}i/{width}i"
        box_inch = (1.0 + x, page_height - (page_height - 6.5 + y + length), 1.0 + x + width,
                    page_height - (page_height - 6.5 + y))
    position += triangles + ("+r" if reversed_bar else "") + ("+ma" if labels_on_far_side else "")
    pen = "" if frame else " --MAP_FRAME_PEN=0p,white@100"
    run_gmt(folder,
            f"gmt makecpt -C{cmap} -T0/1500 > bar.cpt",
            f"gmt set PS_MEDIA 8.5ix{page_height}i",
            f"gmt grdimage {grid_path} -R254340/280020/2129880/2153640 -JX6i/5.5i -Cbar.cpt "
            f"-X1i -Y{page_height - 6.5}i -P -Baf -BWSne -K > fig.ps",
            f"gmt psscale -Cbar.cpt -D{position} -Bxaf -O{pen} >> fig.ps",
            f"gmt psconvert fig.ps -Tg -E{dpi}")
    path = folder / "fig.png"
    if jpeg_quality:
        from PIL import Image

        Image.open(path).convert("RGB").save(folder / "fig.jpg", quality=jpeg_quality)
        path = folder / "fig.jpg"
    return path, tuple(v * dpi for v in box_inch)


GMT_BAR_END_VARIANTS = {
    # batlow's pale pink high end (contrast ~65 to the page, paling towards it), a white seam
    # and a foreground triangle above it, no frame: a line fitted to those slices' flat
    # contrasts "faded" into the page 200 px above the bar, off the image (no bar found).
    "batlow, no frame, foreground triangle, 150 dpi, JPEG": dict(
        cmap="batlow", frame=False, triangles="+ef", dpi=150, jpeg_quality=85),
    "batlow, no frame, both triangles, 150 dpi, JPEG": dict(
        cmap="batlow", frame=False, triangles="+e", dpi=150, jpeg_quality=85),
    "batlow, no frame, foreground triangle, 100 dpi": dict(
        cmap="batlow", frame=False, triangles="+ef", dpi=100),
    # globe's greys above 1100 through JPEG q60: the bar's edges ring, its runs start 2 px
    # off them and no slice of that stretch counted; the bar stopped 107 px short of its
    # white end, range read 0-1097 for 0-1500 with nothing said.
    "globe, horizontal, no frame, both triangles, 100 dpi, JPEG quality 60": dict(
        cmap="globe", horizontal=True, frame=False, triangles="+e", dpi=100, jpeg_quality=60),
    # viridis' yellow end blurred by a JPEG's chroma over 2-3 px that are not strip slices:
    # the end is where its colour falls half way to the page (it was 2.0 px in).
    "viridis, horizontal, high end at the left, no frame, background triangle, 150 dpi, "
    "JPEG quality 60": dict(cmap="viridis", horizontal=True, frame=False, triangles="+eb",
                            reversed_bar=True, dpi=150, jpeg_quality=60),
    # globe darkens on towards 0 m (its greens halve their difference from black over the
    # last 18 slices) before the frame's line and the black triangle: the edge's fall is
    # measured from the level just before it (the triangle's fit put the end 2.8 px out).
    "globe, high end at the bottom, frame, both triangles, 150 dpi, JPEG quality 60": dict(
        cmap="globe", triangles="+e", reversed_bar=True, dpi=150, jpeg_quality=60),
    # haxby fades to white at its high end: the strip, carried on past its edges' ringing,
    # ends where the colours turn pale, and the fade is followed from there (the bar stopped
    # 32 px short, range 8 % off; 56 px, 14 % on main).
    "haxby, horizontal, no frame, background triangle, 100 dpi, JPEG quality 60": dict(
        cmap="haxby", horizontal=True, frame=False, triangles="+eb", dpi=100, jpeg_quality=60),
    # A frame's dark line across the pale pink end (batlow reversed): no bar colour to carry
    # the strip on through (it ran 3 px into the line and the triangle, 2.05 px off).
    "batlow, high end at the bottom, frame, both triangles, labels left, 150 dpi, JPEG "
    "quality 60": dict(cmap="batlow", triangles="+e", reversed_bar=True,
                       labels_on_far_side=True, dpi=150, jpeg_quality=60),
}


@pytest.mark.parametrize("name", list(GMT_BAR_END_VARIANTS))
def test_gmt_bar_ends(tmp_path, shared_data, name):
    """GMT psscale bars whose ends are hard to place (a pale end that is a colour of its own,
    edges a JPEG rang along, a blurred end, a colormap darkening into its black triangle):
    the box (after the labels were read, as the plugin uses it) and the range against GMT's
    -D geometry."""
    kwargs = GMT_BAR_END_VARIANTS[name]
    path, truth = render_gmt_bar(tmp_path, shared_data / "gmtserver_Kilauea.utm.nc", **kwargs)
    rgb = read_figure(str(path)).rgb
    layout = detect_layout(rgb)
    assert layout.colorbar is not None, "no colorbar found"
    assert layout.other_colorbars == []
    reading = read_figure_face(rgb, layout, want_axes=False).colorbar
    assert_box_close(layout.colorbar.box, truth)
    assert_range_close(reading, 0.0, 1500.0)
    assert reading.flip == kwargs.get("reversed_bar", False)
    if not kwargs.get("frame", True):
        # No frame, no outline's line centres: batlow's dark navy end is not a line (it was
        # taken for one and the end put 1.5 px inside, at the dark's "centre").
        assert not any(layout.colorbar.line_edges), layout.colorbar.line_edges


def test_out_of_range_colours_are_named_not_decoded(tmp_path):
    """A map whose highest values lie above the bar's range, drawn in matplotlib's own 'over'
    colour (magenta): the range read stays the bar's, and those pixels are counted as above
    VMAX, not decoded as a value of the scale."""
    import re

    from colormap_decoder.plugin.engine.pipeline import DecodeSettings, decode_map

    path = tmp_path / "over.png"
    bar_truth, _, _ = render_bar_variant(path, cmap="viridis", extend="both", over="#ff00ff",
                                         under="#00ffff", vmax=1000.0)
    result = decode_map(DecodeSettings(figure_path=str(path), scale_automatic=True,
                                       gcp_crs="EPSG:4326"))
    assert result.mapping.vmax == pytest.approx(1000.0, abs=0.005 * 2500)
    rgb = result.figure.rgb
    magenta = np.abs(rgb.astype(int) - (255, 0, 255)).sum(axis=2) <= 6
    magenta[:, int(bar_truth[0]) - 5:] = False  # the map only, not the bar's triangle
    assert magenta.sum() > 10_000
    assert not np.isfinite(result.field.values[magenta]).any()
    counted = [m for m in result.messages if "extension triangle (values above VMAX)" in m]
    assert len(counted) == 1, result.messages
    count = int(re.match(r"([\d,]+) pixels", counted[0]).group(1).replace(",", ""))
    assert abs(count - magenta.sum()) <= 0.01 * magenta.sum(), (count, magenta.sum())


def render_inset_bar(path, legend_box):
    """matplotlib's colorbar in an inset axes inside the map, on a white framed legend box or
    straight over the map; the truth: frame, bar and legend box."""
    from matplotlib.patches import Rectangle

    grid, extent = topobathy()
    figure = plt.figure(figsize=(9, 6), dpi=100)
    axes = figure.add_axes([0.1, 0.1, 0.8, 0.8])
    image = axes.imshow(grid, cmap="viridis", extent=extent, aspect="auto", vmin=VMIN, vmax=VMAX)
    bar_axes = axes.inset_axes([0.86, 0.1, 0.03, 0.6])
    figure.colorbar(image, cax=bar_axes)
    legend = None
    if legend_box:
        patch = Rectangle((0.8, 0.05), 0.18, 0.7, transform=axes.transAxes, facecolor="white",
                          edgecolor="black", zorder=3)
        axes.add_patch(patch)
        bar_axes.set_zorder(4)
        legend = patch
    figure.canvas.draw()
    height = figure.canvas.get_width_height()[1]

    def box(extent_points):
        (x0, y0), (x1, y1) = extent_points
        return (float(x0), float(height - y1), float(x1), float(height - y0))

    truth = {"frame": box(axes.get_window_extent().get_points()),
             "bar": box(bar_axes.get_window_extent().get_points()),
             "labels": [box(label.get_window_extent().get_points())
                        for label in bar_axes.get_yticklabels()
                        if label.get_visible() and label.get_text()
                        and bottom_to_top(bar_axes, label)],
             "legend": None if legend is None else box(legend.get_window_extent().get_points())}
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return truth


def bottom_to_top(bar_axes, label):
    """A tick label within the bar's value range (matplotlib keeps others, invisible)."""
    low, high = sorted(bar_axes.get_ylim())
    return low <= label.get_position()[1] <= high


@pytest.mark.parametrize("legend_box", [True, False])
def test_colorbar_inside_the_map(tmp_path, legend_box):
    """A bar on a legend box inside the map is found, its labels read, and the box left out of
    the data. Straight over the map (no box), its labels are read over the map's colours, and
    the bar with its ticks and labels is left out as one box."""
    from colormap_decoder.plugin.engine.detection.answers import Needs, answer_from_figure
    from colormap_decoder.plugin.engine.pipeline import DecodeSettings

    path = tmp_path / "inset.png"
    truth = render_inset_bar(path, legend_box)
    figure = read_figure(str(path))
    layout = detect_layout(figure.rgb)
    assert_box_close(layout.frame.box, truth["frame"], "frame")
    assert_box_close(layout.colorbar.box, truth["bar"])
    if legend_box:
        assert_box_close(layout.legend_box, truth["legend"], "legend box")
        reading = read_figure_face(figure.rgb, layout, want_axes=False).colorbar
        assert_range_close(reading, VMIN, VMAX)
        return
    assert layout.legend_box is None
    # Until its labels are read, a margin of about twice the bar's width is left out with it.
    left, top, right, bottom = truth["bar"]
    assert layout.colorbar_exclusion_margin() >= 2 * (right - left)
    # Its labels, written over the map's colours, are read...
    answers = answer_from_figure(DecodeSettings(figure_path=str(path)), figure, layout,
                                 Needs(value_range=True))
    assert_range_close(answers.reading.colorbar, VMIN, VMAX)
    # ...and the bar, its ticks and its labels are left out as one box, not a guessed margin.
    assert layout.bar_labels_read and layout.colorbar_exclusion_margin() <= 3
    excluded = layout.excluded_boxes()
    for col0, row0, col1, row1 in truth["labels"]:
        # The glyphs: the text's box less the font's ascent and descent (2 px at 10 pt).
        assert any(box[0] - margin <= col0 + 2 and box[1] - margin <= row0 + 2
                   and col1 - 2 <= box[2] + margin and row1 - 2 <= box[3] + margin
                   for box, margin in excluded), (truth["labels"], excluded)


def render_discrete_bar(path, cmap, classes, horizontal, style, dpi, jpeg_quality=None):
    """A contourf map of a smooth field in ``classes`` equal classes from -700 to 700, in a
    matplotlib style that draws the colorbar without an outline; the truth of its bar box."""
    levels = np.linspace(-700.0, 700.0, classes + 1)
    with plt.style.context(style):
        figure, axes = plt.subplots(figsize=(6, 4.5), dpi=dpi)
        east, north = np.meshgrid(np.linspace(0, 1000, 81), np.linspace(0, 750, 61))
        field = np.sin(east / 160) * 600 + (north - 375) * 0.8
        filled = axes.contourf(east, north, field, levels=levels, cmap=cmap)
        bar = figure.colorbar(filled, orientation="horizontal" if horizontal else "vertical")
        figure.canvas.draw()
        height = figure.canvas.get_width_height()[1]
        (x0, y0), (x1, y1) = bar.ax.get_window_extent().get_points()
        kwargs = {"pil_kwargs": {"quality": jpeg_quality}} if jpeg_quality else {}
        figure.savefig(path, dpi=dpi, **kwargs)
        plt.close(figure)
    return (float(x0), float(height - y1), float(x1), float(height - y0))


#: Discrete bars without an outline whose middle class is (nearly) the page's white: that class
#: made no strip pixels and the bar was found cut in two, its range read from one piece's
#: labels (bench/sweep_auto_decode.py seed 313 #2: PuOr_r, seaborn; -700..-100 read for
#: -700..700, only warned). (colormap, classes, horizontal, style, dpi, JPEG quality)
PALE_MIDDLE_CLASS_VARIANTS = {
    # seismic's middle class (255, 253, 253) is the page's colour to 2 levels.
    "seismic, 5 classes, horizontal, seaborn, 120 dpi": (
        "seismic", 5, True, "seaborn-v0_8", 120, None),
    # BrBG's (245, 245, 245): 10 levels off the page.
    "BrBG, 7 classes, horizontal, ggplot, 96 dpi": ("BrBG", 7, True, "ggplot", 96, None),
    "PiYG, 11 classes, vertical, seaborn, 150 dpi": ("PiYG", 11, False, "seaborn-v0_8", 150,
                                                      None),
    "RdBu, 7 classes, vertical, seaborn, 96 dpi, JPEG quality 60": (
        "RdBu", 7, False, "seaborn-v0_8", 96, 60),
    # RdGy's white middle between a pink and a grey class.
    "RdGy, 9 classes, vertical, ggplot, 72 dpi": ("RdGy_r", 9, False, "ggplot", 72, None),
}


@pytest.mark.parametrize("name", list(PALE_MIDDLE_CLASS_VARIANTS))
def test_discrete_bar_with_a_page_coloured_middle_class_is_one_bar(tmp_path, name):
    cmap, classes, horizontal, style, dpi, jpeg_quality = PALE_MIDDLE_CLASS_VARIANTS[name]
    path = tmp_path / ("figure.jpg" if jpeg_quality else "figure.png")
    truth = render_discrete_bar(path, cmap, classes, horizontal, style, dpi, jpeg_quality)
    rgb = read_figure(str(path)).rgb
    layout = detect_layout(rgb)
    assert layout.colorbar is not None and layout.colorbar.vertical == (not horizontal)
    assert_box_close(layout.colorbar.box, truth)
    reading = read_figure_face(rgb, layout, want_axes=False).colorbar
    assert_range_close(reading, -700.0, 700.0)


def render_two_panels(path, cmaps, side_by_side, classes=5, dpi=100,
                      ranges=((-700.0, 700.0), (-700.0, 700.0)), panel_boxes=None):
    """Two contourf panels (``plt.subplots`` 1×2 or 2×1, default spacing) in the seaborn style,
    each with its own outline-less discrete colorbar (``fig.colorbar(ax=...)``) of ``classes``
    classes from -700 to 700 (or each panel's ``ranges``): the page between the two bars is
    about one class long. The truth of both bars' boxes, the first panel's first; the panels'
    axes boxes (col0, row0, col1, row1) appended to ``panel_boxes`` when given."""
    with plt.style.context("seaborn-v0_8"):
        if side_by_side:
            figure, panels = plt.subplots(1, 2, figsize=(8, 3.5), dpi=dpi)
        else:
            figure, panels = plt.subplots(2, 1, figsize=(4.5, 7), dpi=dpi)
        east, north = np.meshgrid(np.linspace(0, 1000, 81), np.linspace(0, 750, 61))
        field = np.sin(east / 160) * 600 + (north - 375) * 0.8
        bars = []
        for axes, cmap, (low, high) in zip(panels, cmaps, ranges):
            # The field from -700 to 700 drawn over the panel's range.
            values = low + (field + 700.0) / 1400.0 * (high - low)
            filled = axes.contourf(east, north, values,
                                   levels=np.linspace(low, high, classes + 1), cmap=cmap)
            bars.append(figure.colorbar(filled, ax=axes,
                                        orientation="horizontal" if side_by_side else "vertical"))
        figure.canvas.draw()
        height = figure.canvas.get_width_height()[1]
        truths = []
        for bar in bars:
            (x0, y0), (x1, y1) = bar.ax.get_window_extent().get_points()
            truths.append((float(x0), float(height - y1), float(x1), float(height - y0)))
        for axes in panels if panel_boxes is not None else ():
            (x0, y0), (x1, y1) = axes.get_window_extent().get_points()
            panel_boxes.append((float(x0), float(height - y1), float(x1), float(height - y0)))
        figure.savefig(path, dpi=dpi)
        plt.close(figure)
    return truths


#: Two panels' bars in line whose facing ends are not a diverging colormap's palest classes
#: about its white middle: the page between them, one class long, was bridged and the two
#: read as one bar (Blues beside Reds: the joined range, no warning), or the joined strip's
#: shape then spoilt the first bar (viridis twice: -700..-140; coolwarm twice: no bar).
TWO_PANEL_BARS = {
    "Blues | Reds, side by side": (("Blues", "Reds"), True),
    "Blues | Reds, stacked": (("Blues", "Reds"), False),
    "viridis | viridis, side by side": (("viridis", "viridis"), True),
    "viridis | viridis, stacked": (("viridis", "viridis"), False),
    "coolwarm | coolwarm, side by side": (("coolwarm", "coolwarm"), True),
    "coolwarm | coolwarm, stacked": (("coolwarm", "coolwarm"), False),
}


@pytest.mark.parametrize("name", list(TWO_PANEL_BARS))
def test_two_panels_bars_in_line_are_not_joined_across_the_page(tmp_path, name):
    cmaps, side_by_side = TWO_PANEL_BARS[name]
    path = tmp_path / "figure.png"
    first, second = render_two_panels(path, cmaps, side_by_side)
    layout = detect_layout(read_figure(str(path)).rgb)
    assert layout.colorbar is not None
    # The first panel's bar, whole, as found before pale classes were bridged.
    assert_box_close(layout.colorbar.box, first)


@pytest.mark.parametrize("side_by_side", [True, False], ids=["side by side", "stacked"])
def test_bar_joined_across_the_page_is_warned_about(tmp_path, side_by_side):
    # Blues_r beside Oranges: the facing ends are each bar's palest class, darkening outward,
    # of opposite hues: a diverging bar's white middle to its colours. Where joined (side by
    # side; stacked, the page between is not one class long), the range read runs over both
    # bars (-700..2380 for two consecutive ranges): it must be said, with what to give.
    path = tmp_path / "figure.png"
    first, second = render_two_panels(path, ("Blues_r", "Oranges"), side_by_side)
    layout = detect_layout(read_figure(str(path)).rgb)
    assert layout.colorbar is not None
    warnings = layout_warnings(layout, DecodeSettings(figure_path=str(path)))
    joined = layout.colorbar.length > 1.5 * (first[2] - first[0] if side_by_side else
                                             first[3] - first[1])
    assert joined == any("page-coloured stretch" in warning and "give COLORBAR" in warning
                         for warning in warnings), (layout.colorbar.box, warnings)
    if not joined:
        assert_box_close(layout.colorbar.box, first)


def test_two_bars_joined_across_the_page_with_repeated_labels_read_from_one(tmp_path):
    # Blues_r beside Oranges side by side, both -700..700: joined into one bar across the page
    # between them, whose labels then repeat (-700..700 twice) and were refused. The first
    # piece's labels give the range, said so; the colour scale is sampled from that piece.
    from colormap_decoder.plugin.engine.pipeline import decode_map

    path = tmp_path / "figure.png"
    first, _ = render_two_panels(path, ("Blues_r", "Oranges"), side_by_side=True)
    result = decode_map(DecodeSettings(figure_path=str(path), scale_automatic=True,
                                       gcp_crs="EPSG:3857"))
    assert (result.mapping.vmin, result.mapping.vmax) == pytest.approx((-700.0, 700.0),
                                                                       abs=0.005 * 1400)
    assert any("piece along the map frame found" in warning and "give COLORBAR" in warning
               for warning in result.warnings), result.warnings


#: Blues_r beside Oranges side by side, each panel its own range: joined into one bar whose
#: labels (-700..700, 700..2100) are refused.
OWN_RANGES = ((-700.0, 700.0), (700.0, 2100.0))


def _decode_two_panels(path, panel_boxes, panel=None, **given):
    """decode_map of a two-panel figure, PLOT_AREA the ``panel``-th panel's axes (2 px inside)
    when given."""
    from colormap_decoder.plugin.engine.pipeline import decode_map

    if panel is not None:
        col0, row0, col1, row1 = panel_boxes[panel]
        given["plot_area_extent"] = (col0 + 2, col1 - 2, -row1 + 2, -row0 - 2)
    return decode_map(DecodeSettings(figure_path=str(path), gcp_crs="EPSG:3857", **given))


@pytest.mark.parametrize("panel", [0, 1])
def test_two_bars_joined_read_from_the_piece_along_the_plot_area(tmp_path, panel):
    # PLOT_AREA on either panel: the joined bar's piece beside it is read (its range, its
    # colours sampled, its COLORBAR in the warning), never the other panel's (main and the
    # longer-piece retry read the first bar's -700..700 for the second panel, COLORMAP given).
    path, panel_boxes = tmp_path / "figure.png", []
    bars = render_two_panels(path, ("Blues_r", "Oranges"), side_by_side=True,
                             ranges=OWN_RANGES, panel_boxes=panel_boxes)
    result = _decode_two_panels(path, panel_boxes, panel, colormap="Oranges")
    assert (result.mapping.vmin, result.mapping.vmax) == pytest.approx(OWN_RANGES[panel],
                                                                       abs=0.005 * 1400)
    warning = next(warning for warning in result.warnings if "piece along PLOT_AREA" in warning)
    colorbar = warning.split("COLORBAR=")[1].split(")")[0]
    col0, col1, row_low, row_high = (float(value) for value in colorbar.split(","))
    assert (col0, -row_high, col1, -row_low) == pytest.approx(bars[panel], abs=3), warning


def test_two_bars_joined_read_from_the_piece_along_the_frame_found(tmp_path):
    # No PLOT_AREA: the piece along the frame found (the panel decoded) is read.
    path, panel_boxes = tmp_path / "figure.png", []
    render_two_panels(path, ("Blues_r", "Oranges"), side_by_side=True, ranges=OWN_RANGES,
                      panel_boxes=panel_boxes)
    frame = detect_layout(read_figure(str(path)).rgb).frame.box
    decoded = next(index for index, box in enumerate(panel_boxes)
                   if box[0] - 3 <= frame[0] and frame[2] <= box[2] + 3)
    result = _decode_two_panels(path, panel_boxes, scale_automatic=True)
    assert (result.mapping.vmin, result.mapping.vmax) == pytest.approx(OWN_RANGES[decoded],
                                                                       abs=0.005 * 1400)


def test_two_bars_joined_under_a_plot_area_over_both_are_refused(tmp_path):
    # PLOT_AREA over both panels lies along both pieces: which bar is the map's cannot be told,
    # and the refusal of the joined bar's repeated labels is kept.
    from colormap_decoder.plugin.engine.errors import ColourScaleError

    path, panel_boxes = tmp_path / "figure.png", []
    render_two_panels(path, ("Blues_r", "Oranges"), side_by_side=True, panel_boxes=panel_boxes)
    panel_boxes.append((panel_boxes[0][0], panel_boxes[0][1], panel_boxes[1][2],
                        panel_boxes[1][3]))
    with pytest.raises(ColourScaleError, match="VMIN"):
        _decode_two_panels(path, panel_boxes, 2, scale_automatic=True)
