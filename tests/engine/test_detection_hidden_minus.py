"""A minus sign hidden by a vertical line at the start of a label outside the frame.

matplotlib draws a colorbar's labels (and a right-hand y axis' labels) starting at their tick
marks, ``pad`` points beyond them; with the ticks turned inward and a pad of 0 or less the
label's minus sign lies on the bar's outline (the spine), one component of ink with the line,
and is left out with it. Every label of an all-negative bar then reads without its sign
('-5000 ... -1000' as '5000 ... 1000'), which still lies on a line: the bar was read 1000 to
5000 (turned over, and of the wrong sign) with nothing said, and the y axis turned over. A
label whose first glyph stands just clear of a line's ink is now no value.
"""
import matplotlib
import numpy as np
import pytest
from figures_for_detection import lonlat_topobathy
from test_detection_never_silent import decode_or_refusal

from colormap_decoder.plugin.engine.detection import figure_reading
from colormap_decoder.plugin.engine.detection.figure_reading import read_figure_face
from colormap_decoder.plugin.engine.detection.layout import detect_layout
from colormap_decoder.plugin.engine.errors import EngineError
from colormap_decoder.plugin.engine.figure import read_figure

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

LOW, HIGH = -5000.0, -1000.0


def render(path, dpi, pad, where, low=LOW, high=HIGH):
    """An all-negative field with its colorbar's (``where`` "bar") or the right-hand y axis'
    (``where`` "y") tick marks inward and their labels ``pad`` points from them."""
    grid, _ = lonlat_topobathy()
    scaled = low + (grid - np.nanmin(grid)) / (np.nanmax(grid) - np.nanmin(grid)) * (high - low)
    figure, axes = plt.subplots(figsize=(7, 4.5), dpi=dpi)
    image = axes.imshow(scaled, extent=(-80, -20, -50, -5), cmap="viridis", aspect="auto",
                        vmin=low, vmax=high)
    bar = figure.colorbar(image)
    if where == "bar":
        bar.ax.tick_params(direction="in", pad=pad)
    else:
        axes.yaxis.tick_right()
        axes.tick_params(axis="y", direction="in", pad=pad)
    figure.savefig(path, dpi=dpi)
    plt.close(figure)
    return path


@pytest.mark.parametrize("dpi, pad", [(72, -1), (100, 0), (100, -1), (150, -3), (200, -1)])
def test_bar_labels_touching_the_outline_never_read_without_their_sign(tmp_path, monkeypatch,
                                                                       dpi, pad):
    path = render(tmp_path / "bar.png", dpi, pad, "bar")
    rgb = read_figure(str(path)).rgb
    # The fault is real: with the labels taken as read, the bar comes out positive.
    with monkeypatch.context() as unchecked:
        unchecked.setattr(figure_reading._Reader, "_start_on_line", lambda self, label, side=None, owner=None: False)
        bar = read_figure_face(rgb, detect_layout(rgb), want_axes=False).colorbar
        assert bar.vmin is not None and bar.vmin > 0, (bar.vmin, bar.vmax)
    bar = read_figure_face(rgb, detect_layout(rgb), want_axes=False).colorbar
    assert bar.vmin is None or (bar.vmin, bar.vmax) == pytest.approx((LOW, HIGH), abs=20.0)
    outcome = decode_or_refusal(path, "EPSG:4326")
    if isinstance(outcome, EngineError):
        assert outcome.parameter == "VMIN", outcome
        assert "a minus sign there may be hidden" in str(outcome)
    else:
        assert (outcome.mapping.vmin, outcome.mapping.vmax) == \
            pytest.approx((LOW, HIGH), abs=20.0)


@pytest.mark.parametrize("dpi, pad", [(72, -3), (100, -1), (150, -1), (200, -3)])
def test_right_axis_labels_touching_the_spine_never_read_without_their_sign(tmp_path,
                                                                            monkeypatch, dpi,
                                                                            pad):
    path = render(tmp_path / "axis.png", dpi, pad, "y")
    rgb = read_figure(str(path)).rgb
    with monkeypatch.context() as unchecked:
        unchecked.setattr(figure_reading._Reader, "_start_on_line", lambda self, label, side=None, owner=None: False)
        y_axis = read_figure_face(rgb, detect_layout(rgb)).y_axis
        assert y_axis.fit is not None and all(label.value > 0 for label in y_axis.kept)
    y_axis = read_figure_face(rgb, detect_layout(rgb)).y_axis
    assert y_axis.fit is None or all(label.value < 0 for label in y_axis.kept), \
        [label.text for label in y_axis.kept]


@pytest.mark.parametrize("dpi, pad", [(100, 0), (150, -1)])
def test_positive_bar_labels_touching_the_outline_refused_not_misread(tmp_path, dpi, pad):
    """The same bar all positive: its labels may have had a sign under the line just as well,
    so they are no value either (refused naming VMIN, never a guess)."""
    path = render(tmp_path / "bar.png", dpi, pad, "bar", low=1000.0, high=5000.0)
    outcome = decode_or_refusal(path, "EPSG:4326")
    if isinstance(outcome, EngineError):
        assert outcome.parameter == "VMIN", outcome
    else:
        assert (outcome.mapping.vmin, outcome.mapping.vmax) == pytest.approx((1000, 5000),
                                                                             abs=20.0)


def render_positive_bar(path, style, font, dpi, size, inches):
    """A positive field (200 to 1400) in degrees with a vertical colorbar, its tick marks out
    and its labels matplotlib's pad from them, in a style sheet at a dpi and type size where
    that pad is within a minus sign's gap of the label's height (``inches``: the figure's
    size, which sets the tick's tip and the label's first ink to the sub-pixel). Returns the path, the
    colorbar's box and the frame's (left, top, right, bottom, pixels) and the axes' transform
    data -> pixel (y down)."""
    grid, _ = lonlat_topobathy()
    scaled = 200.0 + (grid - np.nanmin(grid)) / (np.nanmax(grid) - np.nanmin(grid)) * 1200.0
    with plt.style.context(style), plt.rc_context({"font.size": size, "font.family": font}):
        figure, axes = plt.subplots(figsize=inches, dpi=dpi)
        image = axes.imshow(scaled, extent=(-80, -20, -50, -5), cmap="viridis", aspect="auto",
                            vmin=200.0, vmax=1400.0)
        axes.grid(False)
        bar = figure.colorbar(image)
        figure.canvas.draw()
        height = figure.bbox.height

        def box(extent):
            return (extent.x0, height - extent.y1, extent.x1, height - extent.y0)

        bar_box, frame_box = box(bar.ax.get_window_extent()), box(axes.get_window_extent())
        to_pixel = axes.transData.transform
        figure.savefig(path, dpi=dpi)
    plt.close(figure)
    return path, bar_box, frame_box, lambda x, y: (to_pixel((x, y))[0],
                                                      height - to_pixel((x, y))[1])


@pytest.mark.parametrize("style", ["default", "dark_background"])
@pytest.mark.parametrize("font, dpi, size, inches", [("Nimbus Sans", 72, 14, (6.4, 5.9)),
                                                     ("DejaVu Sans", 96, 16, (6.4, 4.8))])
def test_tick_mark_tip_before_a_bar_label_is_no_hidden_sign(tmp_path, style, font, dpi, size,
                                                            inches):
    """At 72 dpi in 14 pt (96 dpi in 16 pt) the 3.5 pt between a colorbar's tick mark and its
    label is within a sign's gap (3 px of an 11 px label): the tick's tip was taken for a line
    that may hide a minus sign, and the labels it stood before were no value: at 72 dpi every
    label of the positive bar, refused naming VMIN; at 96 dpi the lowest, the bar's low end
    then read 207 for 200 (0.6 % of the range) in silence. The tip of a tick mark as long as
    the frame's is no such line: the bar is read, 200 to 1400, and the figure decodes."""
    path, bar_box, frame_box, to_pixel = render_positive_bar(tmp_path / "bar.png", style, font,
                                                             dpi, size, inches)
    outcome = decode_or_refusal(path, "EPSG:4326")
    assert not isinstance(outcome, EngineError), outcome
    assert np.max(np.abs(np.subtract(outcome.layout.colorbar.box, bar_box))) <= 2.0
    assert np.max(np.abs(np.subtract(outcome.layout.frame.box, frame_box))) <= 2.0
    # The range within 0.5 % of it, read off the labels.
    assert (outcome.mapping.vmin, outcome.mapping.vmax) == pytest.approx((200.0, 1400.0),
                                                                         abs=6.0)
    # The GCPs from the axes: the frame's corners where matplotlib put them, within 1.5 px
    # (at 72-96 dpi its ticks and spines snap to whole pixels, up to a pixel off the data's
    # transform, and the fit extrapolates to the corners: 0.6-1.1 px here).
    left, top, right, bottom = frame_box
    px, py = np.array([left, right, left, right]), np.array([top, top, bottom, bottom])
    lon, lat = outcome.georeference.pixel_transform.pixel_to_map(px, py)
    back = np.array([to_pixel(x, y) for x, y in zip(lon, lat)])
    assert np.max(np.hypot(back[:, 0] - px, back[:, 1] - py)) <= 1.5


def render_classic_bar(path, font, kind, low, high):
    """A field from ``low`` to ``high`` drawn by ``kind`` ("contourf", six classes, or
    "imshow") in matplotlib's classic style at 72 dpi in 16 pt ``font``, with its colorbar:
    tick marks inward, labels 4 pt (4 px) from the bar's outline."""
    grid, _ = lonlat_topobathy()
    scaled = low + (grid - np.nanmin(grid)) / (np.nanmax(grid) - np.nanmin(grid)) * (high - low)
    with plt.style.context("classic"), plt.rc_context({"font.size": 16, "font.family": font}):
        figure, axes = plt.subplots(figsize=(8.0, 6.8), dpi=72)
        if kind == "contourf":
            image = axes.contourf(np.linspace(-80, -20, grid.shape[1]),
                                  np.linspace(-50, -5, grid.shape[0]), scaled,
                                  levels=np.linspace(low, high, 7), cmap="RdYlBu_r")
        else:
            image = axes.imshow(scaled, extent=(-80, -20, -50, -5), cmap="viridis",
                                aspect="auto", vmin=low, vmax=high)
        figure.colorbar(image)
        figure.savefig(path, dpi=72)
    plt.close(figure)
    return path


@pytest.mark.parametrize("font, kind, low, high", [("DejaVu Serif", "contourf", 0.0, 3600.0),
                                                   ("DejaVu Serif", "imshow", 0.0, 3600.0),
                                                   ("DejaVu Sans", "contourf", 0.0, 3600.0),
                                                   ("DejaVu Sans", "contourf", -3600.0, 0.0)])
def test_label_standing_its_pad_from_a_plain_outline_is_no_hidden_sign(tmp_path, font, kind,
                                                                        low, high):
    """matplotlib's classic style turns a colorbar's tick marks inward and sets their labels
    4 pt from the outline: at 72 dpi in 16 pt that is 4 px, within a sign's gap of a 12 px
    label, so the outline was taken for a line that may hide a minus sign and every label but
    two was no value: refused naming VMIN (sweep seed 303 #7, a contourf in
    DejaVu Serif 16 pt). The outline is straight there; nothing joined to it sticks out at
    the label's middle rows as a touching sign does (the tests above): the bar is read and
    the figure decodes, a minus standing clear of the line read with the label."""
    path = render_classic_bar(tmp_path / "bar.png", font, kind, low, high)
    outcome = decode_or_refusal(path, "EPSG:4326")
    assert not isinstance(outcome, EngineError), outcome
    # Within 0.5 % of the range, read off the labels.
    assert (outcome.mapping.vmin, outcome.mapping.vmax) == pytest.approx((low, high), abs=18.0)
