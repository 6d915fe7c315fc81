"""Tick labels that are hard to read: crowded x labels touching or overlapping their
neighbours, powers of ten at 72 dpi whose exponent 0 looks like a degree sign, misreads that
happen to lie near the line. Real matplotlib figures against the renderer's own truth: read
right within the issue's limits (GCPs within a pixel, range within 0.5 % of the range, the
decode within twice the hand-given one's error), or refused naming GCPS, never guessed.
"""
import numpy as np
import pytest
from figures_for_detection import frame_gcps_csv, lonlat_topobathy, render_matplotlib
from test_detection_accuracy import grid_on_output
from test_detection_reading import assert_axes_georeference, assert_range_close

from colormap_decoder.plugin.engine.detection.figure_reading import (
    read_figure_face,
    values_on_one_step,
)
from colormap_decoder.plugin.engine.detection.layout import detect_layout
from colormap_decoder.plugin.engine.errors import EngineError
from colormap_decoder.plugin.engine.figure import read_figure
from colormap_decoder.plugin.engine.pipeline import DecodeSettings, decode_map

#: A tick every 5° over 50° of longitude: ten labels such as '165°W' side by side.
CROWDED_EXTENT = (-170.0, -120.0, 30.0, 60.0)


def read_face(path):
    figure = read_figure(str(path))
    layout = detect_layout(figure.rgb)
    return layout, read_figure_face(figure.rgb, layout)


def test_touching_x_labels_are_cut_apart_at_their_ticks(tmp_path):
    """At 100 dpi on a 6.5 inch figure matplotlib's '170°W' ... '125°W' touch: their glyphs
    merge into one label spanning ten ticks. Cut at the ticks, every label is read, the axis
    georeferences within a pixel and the automatic decode is within twice the hand-given
    decode's share of wrong pixels."""
    grid, _ = lonlat_topobathy()
    truth = render_matplotlib(grid, CROWDED_EXTENT, tmp_path / "crowded.png", vmin=-1500,
                              vmax=2500, size=(6.5, 5), x_step=5)
    _, reading = read_face(truth.path)
    x_axis = reading.x_axis
    assert x_axis.fit is not None, x_axis.problem
    assert sorted(label.value for label in x_axis.kept) == list(range(-170, -120, 5))
    assert_axes_georeference(reading, truth)
    assert_range_close(reading.colorbar, (-1500, 2500))

    auto = decode_map(DecodeSettings(figure_path=truth.path, scale_automatic=True))
    left, top, right, bottom = truth.frame
    hand = decode_map(DecodeSettings(
        figure_path=truth.path, colormap="viridis", vmin=-1500, vmax=2500,
        gcps_path=frame_gcps_csv(tmp_path / "gcps.csv", truth), gcp_crs="EPSG:4326",
        plot_area_extent=(np.ceil(left), np.floor(right), -np.floor(bottom), -np.ceil(top))))
    wrong = []
    for result in (auto, hand):
        expected = grid_on_output(result, truth.grid, truth.extent)
        data = np.isfinite(expected) & (expected >= -1500) & (expected <= 2500)
        values = np.asarray(result.values, float)
        error = np.where(np.isfinite(values), np.abs(values - expected), np.inf)[data]
        wrong.append(float(np.mean(error > 0.01 * 4000)))
    print("crowded x labels | wrong share: auto", wrong[0], "hand", wrong[1])
    assert wrong[0] <= 2 * wrong[1] + 0.002, wrong


@pytest.mark.parametrize("width, dpi", [(5.5, 100), (6.0, 100)])
def test_overlapping_x_labels_refused_naming_gcps(tmp_path, width, dpi):
    """Narrower, the same labels overlap ('170°W1' ink shared): the pieces cut apart read
    '65°', '60°' (the '1' and the 'W' lost to a neighbour), values that still lie on a line,
    offset by 100° and of the wrong sign. Pieces of a cut label are trusted only when all read
    as numbers, and a degree label without the hemisphere letter its neighbours carry is a
    misread; the whole run read at once ('170°W165°WW60°W...' at 100 dpi) is no run of ten
    labels either: the axis is refused, naming GCPS, never georeferenced wrong."""
    grid, _ = lonlat_topobathy()
    truth = render_matplotlib(grid, CROWDED_EXTENT, tmp_path / "overlapping.png", vmin=-1500,
                              vmax=2500, size=(width, 5), x_step=5, dpi=dpi)
    with pytest.raises(EngineError) as raised:
        decode_map(DecodeSettings(figure_path=truth.path, scale_automatic=True))
    assert raised.value.parameter == "GCPS", str(raised.value)
    assert "x axis" in str(raised.value)


#: Overlapping x labels whose run Tesseract reads whole: (style, font size in points, figure
#: width in inches, dpi, map extent, tick step). The pieces cut at the ticks lose ink to each
#: other ('.23.2°', 'N123°W1'): the axis was refused before.
OVERLAPPING_READ_WHOLE = {
    "'170°W' every 5°, 6.5 inch, 200 dpi": ("default", 10, 6.5, 200, CROWDED_EXTENT, 5),
    "'123.4°W' every 0.2°, ggplot, 14 pt, 400 dpi (sweep_auto_decode --wide 73 #3)": (
        "ggplot", 14, 7.2, 400, (-123.45, -122.25, 48.15, 49.55), 0.2),
    "'123.4°W' every 0.2°, 14 pt, 300 dpi": (
        "default", 14, 7.2, 300, (-123.45, -122.25, 48.15, 49.55), 0.2),
}


@pytest.mark.parametrize("name", list(OVERLAPPING_READ_WHOLE))
def test_overlapping_x_labels_read_from_their_whole_run(tmp_path, name):
    """Labels that overlap share ink no cut gives back to either, but their run reads as one
    line ('123.4°W123.2°W123°W...'): split at the degree signs and hemisphere letters into as
    many labels as ticks, evenly stepped, each piece takes its own. The axis then
    georeferences within a pixel of the renderer."""
    import matplotlib
    import matplotlib.pyplot as plt

    style, font, width, dpi, extent, step = OVERLAPPING_READ_WHOLE[name]
    grid, _ = lonlat_topobathy()
    with plt.style.context(style), matplotlib.rc_context({"font.size": font}):
        truth = render_matplotlib(grid, extent, tmp_path / "overlapping.png", vmin=-1500,
                                  vmax=2500, size=(width, 5), x_step=step, dpi=dpi)
    _, reading = read_face(truth.path)
    x_axis = reading.x_axis
    assert x_axis.fit is not None, x_axis.problem
    # Every tick's label (one at the frame's corner may be left out), with its own value.
    ticks = np.arange(np.ceil(extent[0] / step), np.floor(extent[1] / step) + 1) * step
    kept = np.array(sorted(label.value for label in x_axis.kept))
    assert kept.size >= ticks.size - 1 and \
        np.abs(kept[:, None] - ticks[None, :]).min(axis=1).max() < 1e-9, \
        [(label.text, label.value) for label in x_axis.labels]
    assert_axes_georeference(reading, truth)


@pytest.mark.parametrize("size", [(9, 6), (6, 4)])
def test_power_of_ten_exponent_zero_at_72_dpi(tmp_path, size):
    """matplotlib's 10⁰ at 72 dpi: the raised 0 is read as a degree sign ('10°') and the
    exponent alone as 'e'. Its size (some 0.7 of the digits' height, taller than wide; a
    degree sign is about 0.4 and round) says it is the exponent 0: all four powers are read
    and kept, and the range is within 0.5 % of the (log) range."""
    grid, extent = lonlat_topobathy()
    truth = render_matplotlib(np.abs(grid) + 1, extent, tmp_path / "log.png", cmap="magma",
                              log=True, vmin=1, vmax=3000, dpi=72, size=size)
    _, reading = read_face(truth.path)
    bar = reading.colorbar
    assert sorted(label.value for label in bar.axis.kept) == [1, 10, 100, 1000], \
        [(label.text, label.value) for label in bar.axis.labels]
    assert_range_close(bar, (1, 3000), logarithmic=True)


@pytest.mark.parametrize("values, on_step", [
    ([-170, -165, -160, -150], True), ([0.33, 0.67, 1.0], True), ([1.5, 2.5, 4.5], True),
    ([-125, -24, 23.5], False), ([10, 20, 35], False)])
def test_label_values_on_one_step(values, on_step):
    """Tick values are whole multiples of one step apart (rounded printing allowed)."""
    assert values_on_one_step(values) == on_step


@pytest.mark.parametrize("horizontal", [False, True])
def test_decimal_point_dropped_at_72_dpi_restored_by_the_fit(tmp_path, horizontal):
    """matplotlib's '1.0' at 72 dpi: the point touches the 1's serif, makes one glyph with it,
    and Tesseract reads '10'. The fit of the other labels (0.0 ... 0.8) puts 1.0, and only 1.0
    of the point's placements, at that label's tick: it is kept, and the bar's end takes the
    label's exact value (it was extrapolated 0.2 % off)."""
    grid, extent = lonlat_topobathy()
    unit = (grid - np.nanmin(grid)) / (np.nanmax(grid) - np.nanmin(grid))
    truth = render_matplotlib(unit, extent, tmp_path / "unit.png", vmin=0, vmax=1, dpi=72,
                              horizontal_bar=horizontal)
    _, reading = read_face(truth.path)
    bar = reading.colorbar
    assert [label.value for label in bar.axis.labels if not label.kept] == []
    assert sorted(label.value for label in bar.axis.kept) == [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    assert (bar.vmin, bar.vmax) == (0.0, 1.0)
