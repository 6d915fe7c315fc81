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
import pytest
from figures_for_detection import STYLED_VMAX, STYLED_VMIN, render_styled_bar

from colormap_decoder.plugin.engine.detection.colorbar import find_colorbars
from colormap_decoder.plugin.engine.detection.figure_reading import read_figure_face
from colormap_decoder.plugin.engine.detection.layout import detect_layout, luminance, page_luminance
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


TIGHT_FIGURES = {
    # The frame found (spine to spine), but the bar 4-8 px beyond its right side stood on the
    # line sampled outside it for "the map's colours all round": the frame was taken for a
    # stretch of the map, and the filled panel found instead held the bar (frame 22 px off,
    # no bar).
    "default style, 80 dpi, PNG, bbox_inches tight": (
        dict(style="default", dpi=80, cmap="viridis", pad=0.01, crop="bbox")),
    # The spine's top and bottom lines run on into the bar's outline's across the gap: the
    # box from the map's left to the bar's right line (and to its left one) was the frame.
    "default style, 60 dpi, JPEG q70, cropped 2 px into the ink": (
        dict(style="default", dpi=60, cmap="plasma", pad=0.015, jpeg_quality=70,
             crop="cut2", size=(6.77, 4.52))),
    # White lines on black: the bar's outline, darker in the turned luma than the thin spine
    # 3 px in, moved the frame's side onto it when its line was centred (4 px off).
    "dark_background, 72 dpi, JPEG q70, bbox_inches tight": (
        dict(style="dark_background", dpi=72, cmap="plasma", pad=0.01, jpeg_quality=70,
             crop="bbox", size=(5.522736983229107, 4.203155777789976))),
    # Styles with no dark spine: the map is a filled panel, and the closing that bridges
    # light grid lines joined the bar to it (the panel 14-28 px wide, no bar).
    "ggplot, 80 dpi, PNG, cropped 2 px into the ink": (
        dict(style="ggplot", dpi=80, cmap="YlGnBu", pad=0.01, crop="cut2", size=(8.54, 5.65))),
    "bmh, 60 dpi, JPEG q75, bbox_inches tight": (
        dict(style="bmh", dpi=60, cmap="plasma", pad=0.015, jpeg_quality=75, crop="bbox",
             size=(6.59, 4.01))),
    # The panel's top 2 px below the image's edge (the page's rows above it) was taken for a
    # map running off the image, and no frame was found.
    "seaborn, 90 dpi, JPEG q65, cropped to the ink": (
        dict(style="seaborn-v0_8", dpi=90, cmap="Spectral", pad=0.015, jpeg_quality=65,
             crop="ink", size=(5.31, 5.22))),
    "classic, 72 dpi, PNG, bbox_inches tight": (
        dict(style="classic", dpi=72, cmap="RdBu_r", pad=0.01, crop="bbox", size=(7.15, 4.82))),
    "classic, 80 dpi, JPEG q65, cropped 2 px into the ink": (
        dict(style="classic", dpi=80, cmap="Spectral", pad=0.01, jpeg_quality=65, crop="cut2",
             size=(5.986302120294555, 4.98527563681242))),
}


@pytest.mark.parametrize("name", list(TIGHT_FIGURES))
def test_bar_close_beside_the_map_in_a_tight_figure(tmp_path, name):
    kwargs = TIGHT_FIGURES[name]
    path = tmp_path / ("figure.jpg" if kwargs.get("jpeg_quality") else "figure.png")
    frame, bar = render_styled_bar(path, **kwargs)
    rgb = read_figure(str(path)).rgb
    layout = detect_layout(rgb)
    assert layout.frame is not None, "no map frame found"
    error = np.abs(np.array(layout.frame.box) - np.array(frame)).max()
    assert error <= TOLERANCE_PX, (np.round(layout.frame.box, 1), np.round(frame, 1))
    assert layout.colorbar is not None, "no colorbar found"
    error = np.abs(np.array(layout.colorbar.box) - np.array(bar)).max()
    assert error <= TOLERANCE_PX, (np.round(layout.colorbar.box, 1), np.round(bar, 1))
    reading = read_figure_face(rgb, layout, want_axes=False).colorbar
    assert reading is not None and reading.vmin is not None, "the bar's labels were not read"
    span = STYLED_VMAX - STYLED_VMIN
    assert abs(reading.vmin - STYLED_VMIN) <= 0.01 * span, reading.vmin
    assert abs(reading.vmax - STYLED_VMAX) <= 0.01 * span, reading.vmax


def test_bar_apart_from_a_spineless_map_through_jpeg_chroma(tmp_path):
    # bench/sweep_auto_decode.py --wide --wider --seed 206, figure 4 (seaborn, 72 dpi, JPEG
    # q78, 18 pt serif labels, cropped a tenth of an inch round its ink): the bar 18 px from
    # the map, and the JPEG's chroma ringing over its 16-pixel blocks from both into the gap
    # made the gap's pixels unlike the page's in a channel (their luma the page's): the
    # panel ran on over it and took the bar in, and VMIN was refused for want of a bar.
    import io

    import matplotlib
    import matplotlib.pyplot as plt
    from figures_for_tests import topobathy
    from PIL import Image

    grid, extent = topobathy()
    with plt.style.context("seaborn-v0_8"), \
            matplotlib.rc_context({"font.family": "DejaVu Serif", "font.size": 18}):
        figure = plt.figure(figsize=(6.2, 5.6), dpi=72)
        axes = figure.add_axes([0.13, 0.12, 0.65, 0.78])
        bar_axes = figure.add_axes([0.82, 0.12, 0.025, 0.78])
        image = axes.imshow(grid, cmap="coolwarm_r", vmin=STYLED_VMIN, vmax=STYLED_VMAX,
                            extent=extent, aspect="auto", interpolation="nearest")
        figure.colorbar(image, cax=bar_axes)
        figure.canvas.draw()
        height = figure.canvas.get_width_height()[1]
        boxes = []
        for artist in (axes, bar_axes):
            (x0, y0), (x1, y1) = artist.get_window_extent().get_points()
            boxes.append(np.array([x0, height - y1, x1, height - y0]))
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=72)
        plt.close(figure)
    pixels = np.asarray(Image.open(buffer).convert("RGB"))
    ink = np.any(pixels != pixels[0, 0], axis=2)
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    top, left = max(int(rows[0]) - 7, 0), max(int(cols[0]) - 7, 0)
    path = tmp_path / "seaborn.jpg"
    Image.fromarray(pixels[top:int(rows[-1]) + 8, left:int(cols[-1]) + 8]).save(path, quality=78)
    frame, bar = (box - np.array([left, top, left, top]) for box in boxes)
    layout = detect_layout(read_figure(str(path)).rgb)
    assert layout.frame is not None and layout.colorbar is not None
    assert np.abs(np.array(layout.frame.box) - frame).max() <= TOLERANCE_PX, \
        (np.round(layout.frame.box, 1), np.round(frame, 1))
    assert np.abs(np.array(layout.colorbar.box) - bar).max() <= TOLERANCE_PX, \
        (np.round(layout.colorbar.box, 1), np.round(bar, 1))


@pytest.mark.parametrize("kwargs", [
    # bmh: ticks drawn inward, 3 px into a bar 10 px wide, no dark outline (the strip is the
    # bar); each tick and its JPEG ringing spoil 6-7 slices. The bar was cut at the first
    # tick below its top: 96 of 193 px, range 50 % off.
    dict(style="bmh", dpi=60, cmap="Spectral", pad=0.015, jpeg_quality=70, crop="bbox",
         size=(8.712844091841479, 4.176051440385492)),
])
def test_bar_goes_on_past_ticks_crossing_it(tmp_path, kwargs):
    path = tmp_path / "ticks.jpg"
    _, bar = render_styled_bar(path, **kwargs)
    rgb = read_figure(str(path)).rgb
    layout = detect_layout(rgb)
    assert layout.colorbar is not None, "no colorbar found"
    error = np.abs(np.array(layout.colorbar.box) - np.array(bar)).max()
    assert error <= TOLERANCE_PX, (np.round(layout.colorbar.box, 1), np.round(bar, 1))
    reading = read_figure_face(rgb, layout, want_axes=False).colorbar
    span = STYLED_VMAX - STYLED_VMIN
    assert abs(reading.vmin - STYLED_VMIN) <= 0.01 * span, reading.vmin
    assert abs(reading.vmax - STYLED_VMAX) <= 0.01 * span, reading.vmax


def bar_reading(path, bar=None):
    """The colorbar's reading (labels only) of a styled figure, the bar found (within
    :data:`TOLERANCE_PX` of ``bar``, matplotlib's box, when given)."""
    rgb = read_figure(str(path)).rgb
    layout = detect_layout(rgb)
    assert layout.colorbar is not None, "no colorbar found"
    if bar is not None:
        assert np.abs(np.array(layout.colorbar.box) - np.array(bar)).max() <= TOLERANCE_PX
    return read_figure_face(rgb, layout, want_axes=False).colorbar


def assert_styled_range(found):
    """``found.vmin`` and ``found.vmax`` within 0.5 % of the styled figures' range."""
    span = STYLED_VMAX - STYLED_VMIN
    assert abs(found.vmin - STYLED_VMIN) <= 0.005 * span, (found.vmin, found.vmax)
    assert abs(found.vmax - STYLED_VMAX) <= 0.005 * span, (found.vmin, found.vmax)


def assert_bar_range_right_or_refused(path, bar):
    """The figure's colorbar found within :data:`TOLERANCE_PX` of ``bar`` (matplotlib's box)
    and its range read within 0.5 % of the range drawn, or not read (VMIN and VMAX asked
    for): never another range."""
    reading = bar_reading(path, bar)
    if reading is None or reading.vmin is None:
        return  # refused: VMIN and VMAX are asked for
    assert_styled_range(reading)


def decode_settings_with_hand_gcps(folder, path, frame):
    """The automatic decode of a styled figure with GCPS given by hand: the corners of its
    ``frame`` (matplotlib's axes box, pixels) at the topobathy grid's extent (EPSG:4326)."""
    from figures_for_detection import frame_gcps_csv
    from figures_for_tests import topobathy

    from colormap_decoder.plugin.engine.pipeline import DecodeSettings

    west, east, south, north = topobathy()[1]
    left, top, right, bottom = frame

    class Truth:
        pass

    truth = Truth()
    truth.frame = frame
    truth.pixel_to_map = lambda x, y: (west + (x - left) / (right - left) * (east - west),
                                       north - (y - top) / (bottom - top) * (north - south))
    return DecodeSettings(figure_path=str(path), scale_automatic=True, gcp_crs="EPSG:4326",
                         gcps_path=frame_gcps_csv(folder / "g.csv", truth))


MAP_LABELS_ABOVE_THE_BAR = {
    # The map's x labels stand between the map and a horizontal bar below it, 6 px from the
    # bar and 8 px from the frame; the bar's own labels, touching the image's bottom edge,
    # are each cut by it and not read. The map's row was fitted as the bar's: 234-238 (its
    # longitudes) for -1500 to 2500, with no warning.
    "default style, 72 dpi, JPEG q65, cropped to the ink": (
        dict(style="default", dpi=72, cmap="plasma", horizontal=True, pad=0.1,
             jpeg_quality=65, crop="ink", size=(5.94, 4.04))),
    # The panel's top is the image's first row: no frame; the bar's own labels read, but
    # '-1500-1000-500' as one (6 kept against the map's 7): the map's row was chosen.
    "seaborn, 90 dpi, PNG, bbox_inches tight": (
        dict(style="seaborn-v0_8", dpi=90, cmap="Spectral", horizontal=True, pad=0.1,
             crop="bbox", size=(5.25, 6.06))),
    "bmh, 60 dpi, PNG, cropped to the ink": (
        dict(style="bmh", dpi=60, cmap="turbo", horizontal=True, pad=0.06, crop="ink",
             size=(8.4, 5.61))),
    # Cropped 2 px into the ink: the bar's labels lost their bottoms (6 px of 8 left).
    "ggplot, 80 dpi, JPEG q80, cropped 2 px into the ink": (
        dict(style="ggplot", dpi=80, cmap="RdBu_r", horizontal=True, pad=0.06,
             jpeg_quality=80, crop="cut2", size=(6.42, 5.73))),
}


@pytest.mark.parametrize("name", list(MAP_LABELS_ABOVE_THE_BAR))
def test_maps_x_labels_above_a_horizontal_bar_are_not_its_labels(tmp_path, name):
    # The bar's range is read right (within 0.5 % of it) or not at all; never the map's.
    kwargs = MAP_LABELS_ABOVE_THE_BAR[name]
    path = tmp_path / ("figure.jpg" if kwargs.get("jpeg_quality") else "figure.png")
    _, bar = render_styled_bar(path, **kwargs)
    assert_bar_range_right_or_refused(path, bar)


def test_hand_gcps_do_not_let_the_maps_x_labels_be_the_bars_range(tmp_path):
    # With GCPS given by hand the x labels are not needed for the georeferencing: the decode
    # took them for the bar's and decoded over 234-238 without a word. Refused now, naming
    # VMIN and VMAX (or read right).
    from colormap_decoder.plugin.engine.errors import EngineError
    from colormap_decoder.plugin.engine.pipeline import decode_map

    path = tmp_path / "figure.jpg"
    frame, _ = render_styled_bar(path, **MAP_LABELS_ABOVE_THE_BAR[
        "default style, 72 dpi, JPEG q65, cropped to the ink"])
    settings = decode_settings_with_hand_gcps(tmp_path, path, frame)
    try:
        mapping = decode_map(settings).mapping
    except EngineError as error:
        assert "VMIN" in str(error), str(error)
        return
    assert_styled_range(mapping)


@pytest.mark.parametrize("name", [
    "default style, 72 dpi, JPEG q65, cropped to the ink", "bmh, 60 dpi, PNG, cropped to the ink",
    "classic, 60 dpi, JPEG q70, cropped to the ink", "ggplot, 100 dpi, JPEG q70, cropped to the ink"])
def test_bar_labels_on_the_last_row_of_a_crop_to_the_ink_are_read(tmp_path, name):
    # Cropped to the ink, the bar's labels end on the image's last row: each was taken for
    # cut by the figure's edge and none was read (range refused). Whole they are as tall
    # as the map's x labels, and read: the range within 0.5 %.
    kwargs = {**MAP_LABELS_ABOVE_THE_BAR,
              "classic, 60 dpi, JPEG q70, cropped to the ink": dict(
                  style="classic", dpi=60, cmap="terrain", horizontal=True, pad=0.06,
                  jpeg_quality=70, crop="ink", size=(7.35, 6.1)),
              "ggplot, 100 dpi, JPEG q70, cropped to the ink": dict(
                  style="ggplot", dpi=100, cmap="RdBu_r", horizontal=True, pad=0.06,
                  jpeg_quality=70, crop="ink", size=(8.55, 5.14))}[name]
    path = tmp_path / ("figure.jpg" if kwargs.get("jpeg_quality") else "figure.png")
    render_styled_bar(path, **kwargs)
    reading = bar_reading(path)
    assert reading is not None and reading.vmin is not None, "the bar's labels were not read"
    assert_styled_range(reading)


#: A horizontal bar under the map, the figure cropped a few pixels below the bar: its own
#: labels are gone, and the map's x labels, between the bar and the map, are the only row
#: along it. (keyword arguments of render_styled_bar, pixels kept below the bar, JPEG quality)
MAP_LABELS_ALONE_ALONG_THE_BAR = {
    # Read as the bar's: 234-238 (the map's longitudes) for -1500 to 2500, no warning.
    "default style, 72 dpi, JPEG q75, cropped 2 px below the bar": (
        dict(style="default", dpi=72, cmap="magma", horizontal=True, pad=0.08, crop="bbox",
             size=(7.45, 4.49)), 2, 75),
    "bmh, 90 dpi, JPEG q65, cropped 2 px below the bar": (
        dict(style="bmh", dpi=90, cmap="RdBu_r", horizontal=True, pad=0.06, crop="bbox",
             size=(7.94, 4.28)), 2, 65),
    "ggplot, 100 dpi, PNG, cropped 2 px below the bar": (
        dict(style="ggplot", dpi=100, cmap="turbo", horizontal=True, pad=0.06, crop="ink",
             size=(6.19, 5.85)), 2, None),
    "dark_background, 72 dpi, PNG, cropped 4 px below the bar": (
        dict(style="dark_background", dpi=72, cmap="plasma", horizontal=True, pad=0.06,
             crop="bbox", size=(7.34, 5.18)), 4, None),
    # Read 2339.8-2380 (96 % off), no warning.
    "seaborn, 80 dpi, JPEG q65, cropped 2 px below the bar": (
        dict(style="seaborn-v0_8", dpi=80, cmap="viridis", horizontal=True, pad=0.06,
             crop="ink", size=(6.5, 4.23)), 2, 65),
}


def render_cropped_below_the_bar(folder, name):
    """A :data:`MAP_LABELS_ALONE_ALONG_THE_BAR` figure: its path, frame and bar boxes."""
    from PIL import Image

    kwargs, below, quality = MAP_LABELS_ALONE_ALONG_THE_BAR[name]
    frame, bar = render_styled_bar(folder / "whole.png", **kwargs)
    pixels = np.asarray(Image.open(folder / "whole.png").convert("RGB"))
    path = folder / ("figure.jpg" if quality else "figure.png")
    Image.fromarray(pixels[:int(round(bar[3])) + below]).save(
        path, **({"quality": quality} if quality else {}))
    return path, frame, bar


@pytest.mark.parametrize("name", list(MAP_LABELS_ALONE_ALONG_THE_BAR))
def test_maps_x_labels_alone_along_a_horizontal_bar_are_not_its_labels(tmp_path, name):
    # The only row along the bar has the map just beyond it: the map's axis labels. The
    # bar's range is read right (within 0.5 %) or refused; never the map's longitudes.
    path, _, bar = render_cropped_below_the_bar(tmp_path, name)
    assert_bar_range_right_or_refused(path, bar)


def test_hand_gcps_do_not_let_the_maps_lone_x_labels_be_the_bars_range(tmp_path):
    # With GCPS given by hand the decode went through over 234-238 with no warning; refused
    # now, naming VMIN and VMAX.
    from colormap_decoder.plugin.engine.errors import EngineError
    from colormap_decoder.plugin.engine.pipeline import decode_map

    path, frame, _ = render_cropped_below_the_bar(
        tmp_path, "default style, 72 dpi, JPEG q75, cropped 2 px below the bar")
    settings = decode_settings_with_hand_gcps(tmp_path, path, frame)
    with pytest.raises(EngineError) as raised:
        decode_map(settings)
    assert "VMIN" in str(raised.value), str(raised.value)


@pytest.mark.parametrize("kwargs", [
    # A bar above the map (its labels above it, nothing beyond them) and one on the map's
    # left (its labels on its left, the map's y labels between it and the map): read.
    dict(style="default", dpi=72, cmap="cividis", pad=0.08, crop="bbox", location="top",
         size=(8.2, 4.59), jpeg_quality=None),
    dict(style="default", dpi=80, cmap="YlGnBu", pad=0.05, crop="bbox", location="left",
         size=(8.94, 4.92), jpeg_quality=75)])
def test_bars_labelled_away_from_the_map_are_read(tmp_path, kwargs):
    path = tmp_path / ("figure.jpg" if kwargs.get("jpeg_quality") else "figure.png")
    render_styled_bar(path, **kwargs)
    reading = bar_reading(path)
    assert reading is not None and reading.vmin is not None, "the bar's labels were not read"
    assert_styled_range(reading)
