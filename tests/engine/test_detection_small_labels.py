"""Tick labels 5 px high (7-8 pt at 72 dpi) read by drawing the texts near Tesseract's reading
in the figure's own font and size (``detection/drawn_text.py``).

Tesseract misreads such labels at any upscaling ('−84.27' read '−04.27' on every label of the
x axis, '500' read '300', '36.61' read '.6'); matplotlib draws each label with FreeType, and
the text drawn again with the same font at the same size gives the label's pixels exactly.
Real figures: matplotlib imshow of its Jacksboro fault DEM at 72 dpi with plain signed
degree labels (sweep_auto_decode --wide seed 72 #4 was such a figure, refused naming GCPS).
"""
import matplotlib
import numpy as np
import pytest
from figures_for_detection import render_matplotlib
from figures_for_tests import jacksboro_dem
from test_detection_two_labels import corner_errors

from colormap_decoder.plugin.engine.detection import drawn_text
from colormap_decoder.plugin.engine.detection.figure_reading import read_figure_face
from colormap_decoder.plugin.engine.detection.layout import detect_layout
from colormap_decoder.plugin.engine.pipeline import DecodeSettings, decode_map

pytestmark = pytest.mark.skipif(not drawn_text.font_paths(),
                                reason="matplotlib's fonts are needed to draw labels")


def render_small(tmp_path, family, points, horizontal_bar):
    """The Jacksboro DEM (236-1076 m, inferno_r) at 72 dpi, tick labels in ``family`` at
    ``points`` pt (5 px digits), labels as plain signed numbers (−84.26, 36.55)."""
    grid, extent = jacksboro_dem()
    name = f"small_{family.replace(' ', '')}_{points}.png"
    with matplotlib.rc_context({"font.family": family, "font.size": points}):
        return render_matplotlib(grid, extent, tmp_path / name, cmap="inferno_r", degrees=False,
                                 horizontal_bar=horizontal_bar, dpi=72, contours=False)


def test_five_pixel_labels_read_by_drawing_decode(tmp_path):
    """DejaVu Serif 8 pt at 72 dpi, a horizontal bar: every label read (before: the x axis'
    '−84.27' read '−04.27', refused naming GCPS); the frame corners within a pixel of
    matplotlib's, the value range within 0.5 % of the bar's."""
    truth = render_small(tmp_path, "DejaVu Serif", 8, horizontal_bar=True)
    result = decode_map(DecodeSettings(figure_path=truth.path, scale_automatic=True,
                                       gcp_crs="EPSG:4326"))
    log = "\n".join(result.messages)
    error = corner_errors(result, truth)
    low, high = truth.value_range
    print("corners off by", error, "px; range", result.settings.vmin, result.settings.vmax, "truth", low, high)
    assert error <= 1.0, log
    assert abs(result.settings.vmin - low) <= 0.005 * (high - low), log
    assert abs(result.settings.vmax - high) <= 0.005 * (high - low), log


def test_five_pixel_labels_read_right_or_not_at_all(tmp_path):
    """DejaVu Sans 7 pt at 72 dpi, a vertical bar: the y axis (36.45-36.70) and the bar's
    labels (300-1000) are read right by drawing, and no label keeps a wrong value (the x
    labels, '−84.40' found as '−84' and '.40' apart, are read as no value or as the parts
    they are). Before, Tesseract read '36.55' alone on the y axis right (no fit), and '300'
    for '900' and '20' for '300' on the bar."""
    truth = render_small(tmp_path, "DejaVu Sans", 7, horizontal_bar=False)
    from PIL import Image

    rgb = np.asarray(Image.open(truth.path).convert("RGB"))
    reading = read_figure_face(rgb, detect_layout(rgb))
    y_values = [label.value for label in reading.y_axis.kept]
    print("y", [(label.text, label.value) for label in reading.y_axis.labels])
    print("bar", [(label.text, label.value) for label in reading.colorbar.axis.labels])
    assert reading.y_axis.fit is not None and len(y_values) >= 5, reading.y_axis.problem
    assert all(np.isclose(value, np.arange(36.45, 36.71, 0.05)).any() for value in y_values)
    low, high = truth.value_range
    assert abs(reading.colorbar.vmin - low) <= 0.005 * (high - low)
    assert abs(reading.colorbar.vmax - high) <= 0.005 * (high - low)
    bar_values = [label.value for label in reading.colorbar.axis.labels if label.value is not None]
    assert all(value in range(300, 1001, 100) for value in bar_values), bar_values
    # Every value read off the figure is a tick's own (a part of a split label included).
    x_parts = {-84.0} | {round(value, 2) for value in np.arange(0.10, 0.41, 0.05)}
    for label in reading.x_axis.labels if reading.x_axis is not None else []:
        assert label.value is None or round(label.value, 2) in x_parts or \
            np.isclose(label.value, -84.0 - np.arange(0.10, 0.41, 0.05)).any(), label.text


@pytest.mark.parametrize("family, dpi", [("Nimbus Roman", 96), ("Nimbus Sans", 72)])
def test_grey_small_labels_under_a_black_title_read_by_drawing(tmp_path, family, dpi):
    """matplotlib's ggplot style writes tick labels grey (#555555) under a black title: the
    small labels' coverage, taken against the title's black, was some 0.6 of what their font
    draws, and no style drew them (sweep_auto_decode --wide --wider 298 #5: Nimbus Roman 7 pt
    at 96 dpi, no colorbar label read, refused naming VMIN). Against their own darkest pixel
    the drawing reads the colorbar's five-digit labels (5-6 px high) at 7 pt; on main the
    bar had no fit ('1,1600', '11700 (wider than its text ...)'). Every value kept is a
    tick's own."""
    import matplotlib.pyplot as plt
    from PIL import Image

    grid, extent = jacksboro_dem()
    with plt.style.context("ggplot"), \
            matplotlib.rc_context({"font.family": family, "font.size": 7}):
        # The DEM lifted by 11000 m: the bar's ticks 11300-12000, five digits each.
        truth = render_matplotlib(grid + 11000.0, extent, tmp_path / "ggplot.png",
                                  cmap="magma_r", degrees=False, dpi=dpi, contours=False)
    rgb = np.asarray(Image.open(truth.path).convert("RGB"))
    reading = read_figure_face(rgb, detect_layout(rgb))
    bar = reading.colorbar
    print("bar", [(label.text, label.value, label.kept) for label in bar.axis.labels])
    assert bar.axis.fit is not None, bar.axis.problem
    assert len(bar.axis.kept) >= 4
    assert all(label.value in range(11300, 12001, 100) for label in bar.axis.kept)
    low, high = truth.value_range
    assert abs(bar.vmin - low) <= 0.005 * (high - low)
    assert abs(bar.vmax - high) <= 0.005 * (high - low)


@pytest.mark.parametrize("style, label_colour", [("ggplot", None), ("default", "tab:blue")])
def test_lighter_small_labels_under_a_black_title_decode_right(tmp_path, style, label_colour):
    """Tick labels lighter than the black title (ggplot's grey #555555, or tab:blue), DejaVu
    Sans 7 pt at 80 dpi (digits 5-6 px high): against their own darkest pixel the drawing
    reads the x labels (−84.40 ... −84.10) and the frame corners are within a pixel of
    matplotlib's. Before, their coverage against the title's black found no style,
    Tesseract's '−64.40 ... −64.15' ('8' read '6' on every label, still a line) was fitted
    without a warning, and the north-west corner put at column −28226 (true 86.4)."""
    import matplotlib.pyplot as plt

    grid, extent = jacksboro_dem()
    colours = {} if label_colour is None else {"xtick.labelcolor": label_colour,
                                               "ytick.labelcolor": label_colour}
    with plt.style.context(style), \
            matplotlib.rc_context({"font.family": "DejaVu Sans", "font.size": 7, **colours}):
        truth = render_matplotlib(grid + 11000.0, extent, tmp_path / "lighter.png",
                                  cmap="magma_r", degrees=False, dpi=80, contours=False)
    result = decode_map(DecodeSettings(figure_path=truth.path, scale_automatic=True,
                                       gcp_crs="EPSG:4326"))
    log = "\n".join(result.messages)
    error = corner_errors(result, truth)
    low, high = truth.value_range
    print("corners off by", error, "px; range", result.settings.vmin, result.settings.vmax,
          "truth", low, high)
    assert error <= 1.0, log
    assert abs(result.settings.vmin - low) <= 0.005 * (high - low), log
    assert abs(result.settings.vmax - high) <= 0.005 * (high - low), log
