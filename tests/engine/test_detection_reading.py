"""Tick labels read off real figures (Tesseract), fitted, and turned into the value range,
the scale and GCPs, against the renderers' own truth.

Targets from issue 17: value range within 0.5 % of the range, GCP fit within one output pixel
of the renderer's transform. matplotlib's labels are drawn by its own formatters (degrees with
hemisphere letters, plain metres with an offset '1e6', powers of ten on a log bar); GMT's by
``-B`` and ``psscale``.
"""
import numpy as np
import pytest
from figures_for_detection import (
    lonlat_topobathy,
    render_cartopy_plate_carree,
    render_matplotlib,
    run_gmt,
)
from figures_for_tests import jacksboro_dem

from colormap_decoder.plugin.engine.detection.answers import Needs, answer_from_figure
from colormap_decoder.plugin.engine.detection.figure_reading import read_figure_face
from colormap_decoder.plugin.engine.detection.labels import parse_label
from colormap_decoder.plugin.engine.detection.layout import detect_layout
from colormap_decoder.plugin.engine.errors import EngineError
from colormap_decoder.plugin.engine.figure import read_figure
from colormap_decoder.plugin.engine.pipeline import DecodeSettings


@pytest.mark.parametrize("text, value, degrees", [
    ("45°N", 45.0, True), ("10°S", -10.0, True), ("120°W", -120.0, True), ("0°", 0.0, True),
    ("20°E", 20.0, True), ("−1,000 m", -1000.0, False), ("~500", -500.0, False),
    ("–2.5", -2.5, False), ("3 900", 3900.0, False), ("1e3", 1000.0, False),
    ("10^2", 100.0, False), ("10^-1", 0.1, False), ("2×10^3", 2000.0, False),
    ("-180°", -180.0, True), ("45°30'N", 45.5, True), ("640 km", 640.0, False),
    # QGIS's degrees-minutes-seconds as Tesseract read them on a print layout (DejaVu Serif
    # 9 pt, 200 dpi, JPEG q84: a degree sign after the seconds' mark, a minute's mark read
    # as one).
    ("36°42'0\"°N", 36.7, True), ("36°40°0\"°N", 36 + 40 / 60, True),
    ("84°15'0°W", -84.25, True), ("124°20'30\"W", -(124 + 20 / 60 + 30 / 3600), True),
    # QGIS's degrees-minutes at precision 2, its prime read as a degree sign (DejaVu Sans,
    # 150 dpi): minutes with decimals, no seconds.
    ("155°15.00°W", -155.25, True), ("155°9.00°W", -155.15, True),
])
def test_label_texts_as_figures_print_them(text, value, degrees):
    parsed = parse_label(text)
    assert parsed is not None and parsed.value == pytest.approx(value)
    assert parsed.degrees == degrees


@pytest.mark.parametrize("text", ["", "Elevation", "m", "E", "(km)", "--"])
def test_texts_that_are_not_numbers(text):
    assert parse_label(text) is None


def read(path):
    rgb = read_figure(str(path)).rgb
    layout = detect_layout(rgb)
    return layout, read_figure_face(rgb, layout)


def assert_range_close(bar, truth, logarithmic=False):
    low, high = truth
    if logarithmic:
        span = np.log10(high) - np.log10(low)
        assert abs(np.log10(bar.vmin) - np.log10(low)) <= 0.005 * span
        assert abs(np.log10(bar.vmax) - np.log10(high)) <= 0.005 * span
    else:
        assert abs(bar.vmin - low) <= 0.005 * (high - low), (bar.vmin, low)
        assert abs(bar.vmax - high) <= 0.005 * (high - low), (bar.vmax, high)
    assert bar.logarithmic == logarithmic


def assert_axes_georeference(reading, truth, degrees=True, pixels=1.0):
    """Both axis fits place every frame corner within ``pixels`` figure pixels (one by
    default) of the renderer."""
    x_fit, y_fit = reading.x_axis.fit, reading.y_axis.fit
    assert x_fit is not None and y_fit is not None
    assert reading.x_axis.degrees == degrees and reading.y_axis.degrees == degrees
    left, top, right, bottom = truth.frame
    west, east, south, north = truth.extent
    for position, value, fit in ((left, west, x_fit), (right, east, x_fit),
                                 (top, north, y_fit), (bottom, south, y_fit)):
        # Map units per figure pixel: the output grid's pixel (the figure's own resolution).
        step = abs(fit.slope)
        assert abs(float(fit.value_at(position)) - value) <= pixels * step, (position, value)
    assert x_fit.max_residual_px <= 1.0 and y_fit.max_residual_px <= 1.0


@pytest.mark.parametrize("horizontal", [False, True])
def test_matplotlib_degrees_and_linear_colorbar(tmp_path, horizontal):
    grid, extent = lonlat_topobathy()
    truth = render_matplotlib(grid, extent, tmp_path / "figure.png", cmap="viridis",
                              horizontal_bar=horizontal, vmin=-1500, vmax=2500)
    _, reading = read(truth.path)
    assert_range_close(reading.colorbar, (-1500, 2500))
    assert not reading.colorbar.flip
    assert_axes_georeference(reading, truth)


def test_matplotlib_log_colorbar_with_powers_of_ten(tmp_path):
    grid, extent = lonlat_topobathy()
    truth = render_matplotlib(np.abs(grid) + 1, extent, tmp_path / "log.png", cmap="magma",
                              log=True, vmin=1, vmax=3000)
    _, reading = read(truth.path)
    assert_range_close(reading.colorbar, (1, 3000), logarithmic=True)
    labels = [label.text for label in reading.colorbar.axis.kept]
    assert "10^3" in labels and "10^0" in labels


@pytest.mark.parametrize("dpi", [72, 96])
def test_small_labels_at_screen_resolutions(tmp_path, dpi):
    """matplotlib figures saved at 72 and 96 dpi (digits 7-9 px tall): every latitude label
    '49.75°N' read whole (two touching digits then a decimal point 2 px off had split it into
    '49' and '.75°N', and the y axis was refused), every bar label read, and a log bar's
    exponents read even where the exponent's anti-aliased edge touches the '0' below it (10²
    had been read as '107')."""
    grid, extent = lonlat_topobathy()
    truth = render_matplotlib(grid, extent, tmp_path / "figure.png", cmap="viridis",
                              vmin=-1500, vmax=2500, dpi=dpi)
    _, reading = read(truth.path)
    assert_range_close(reading.colorbar, (-1500, 2500))
    assert sorted(label.value for label in reading.colorbar.axis.kept) == \
        list(range(-1500, 2501, 500))
    assert_axes_georeference(reading, truth)
    latitudes = sorted(label.value for label in reading.y_axis.kept)
    assert latitudes == [48.25, 48.5, 48.75, 49.0, 49.25, 49.5, 49.75], latitudes
    assert len(reading.x_axis.kept) == 8
    log = render_matplotlib(np.abs(grid) + 1, extent, tmp_path / "log.png", cmap="magma",
                            log=True, vmin=1, vmax=3000, dpi=dpi)
    _, reading = read(log.path)
    assert_range_close(reading.colorbar, (1, 3000), logarithmic=True)
    exponents = [label.text for label in reading.colorbar.axis.kept]
    assert {"10^1", "10^2", "10^3"} <= set(exponents), exponents


@pytest.mark.parametrize("dpi", [72, 96])
def test_decimal_points_of_small_labels(tmp_path, dpi):
    """matplotlib's default figure (6.4 x 4.8 in) and colorbar at 72 and 96 dpi, values 0-1:
    the bar's decimal points are one or two pixels, which Tesseract drops ('0.4' read as
    '04'); the glyphs put them back, and the fit keeps the labels."""
    import matplotlib.pyplot as plt

    grid, extent = lonlat_topobathy()
    scaled = (grid - np.nanmin(grid)) / (np.nanmax(grid) - np.nanmin(grid))
    figure, axes = plt.subplots(figsize=(6.4, 4.8), dpi=dpi)
    image = axes.imshow(scaled, extent=extent, cmap="viridis", vmin=0, vmax=1, aspect="auto")
    figure.colorbar(image, ax=axes)
    path = tmp_path / "default.png"
    figure.savefig(path, dpi=dpi)
    plt.close(figure)
    _, reading = read(path)
    assert_range_close(reading.colorbar, (0, 1))
    kept = sorted(round(label.value, 3) for label in reading.colorbar.axis.kept)
    print([label.text for label in reading.colorbar.axis.labels])
    assert {0.2, 0.4, 0.6, 0.8} <= set(kept), kept


@pytest.mark.parametrize("text, members, restored", [
    # '0.4' read as '04': the point's glyph between the two digits, on the baseline.
    ("04", [(0, 0, 4, 8), (5, 7, 6, 8), (7, 0, 11, 8)], "0.4"),
    ("-1245", [(0, 3, 4, 4), (5, 0, 9, 8), (10, 0, 14, 8), (15, 0, 19, 8), (20, 7, 21, 8),
               (22, 0, 26, 8)], "-124.5"),
    # A comma hangs below the baseline: never made a point.
    ("1000", [(0, 0, 4, 8), (5, 6, 6, 10), (7, 0, 11, 8), (12, 0, 16, 8), (17, 0, 21, 8)],
     "1000"),
    # A raised degree sign, a mid-height minus: not points either.
    ("450N", [(0, 0, 4, 8), (5, 0, 9, 8), (10, 0, 12, 2), (13, 0, 17, 8)], "450N"),
    # A point already read, or characters and glyphs not one to one: left alone.
    ("0.4", [(0, 0, 4, 8), (5, 7, 6, 8), (7, 0, 11, 8)], "0.4"),
    ("4", [(0, 0, 4, 8), (5, 7, 6, 8), (7, 0, 11, 8)], "4"),
    # A piece of a digit broken off under the ink mask, within that digit's columns: the ball
    # of Nimbus Roman's '5' as QGIS draws '750' at 10 pt, 120 dpi (and '357' at 10 pt, 96 dpi,
    # 9 px high): no point ('7.50', '3.57' before).
    ("750", [(685, 368, 692, 380), (693, 378, 697, 380), (694, 368, 700, 379),
             (702, 368, 710, 380)], "750"),
    ("357", [(548, 389, 553, 398), (554, 397, 556, 398), (555, 389, 559, 398),
             (561, 389, 566, 398)], "357"),
    # QGIS's '−4.7' in Nimbus Roman 8 pt at 96 dpi read '47': its minus sign not read either
    # (left to restore_minus_sign); in Nimbus Sans its point a pixel wide and two high.
    ("47", [(548, 394, 550, 395), (551, 390, 556, 397), (557, 396, 558, 397),
            (559, 390, 564, 397)], "4.7"),
    ("47", [(548, 394, 550, 395), (551, 390, 556, 397), (558, 396, 559, 398),
            (560, 390, 566, 397)], "4.7"),
    # QGIS's '3.9' in Nimbus Roman 10 pt at 120 dpi through a JPEG: the 3's bottom curve
    # broken off under its own columns.
    ("39", [(685, 378, 689, 380), (686, 368, 692, 379), (694, 378, 696, 380),
            (698, 368, 705, 380)], "3.9"),
    # A sign read: its bar is a character, not a piece to leave out.
    ("-47", [(548, 394, 550, 395), (551, 390, 556, 397), (557, 396, 558, 397),
             (559, 390, 564, 397)], "-4.7"),
])
def test_decimal_point_from_the_glyphs(text, members, restored):
    from colormap_decoder.plugin.engine.detection.label_checks import restore_decimal_point

    assert restore_decimal_point(text, members) == restored


def test_matplotlib_contourf_levels_range(tmp_path):
    grid, extent = jacksboro_dem()
    truth = render_matplotlib(grid, extent, tmp_path / "contourf.png", cmap="terrain",
                              levels=np.arange(200, 1201, 100))
    _, reading = read(truth.path)
    assert_range_close(reading.colorbar, (200, 1200))
    assert_axes_georeference(reading, truth)


def test_reversed_colorbar_direction_from_the_labels(tmp_path):
    import matplotlib.pyplot as plt

    grid, extent = lonlat_topobathy()
    truth = render_matplotlib(grid, extent, tmp_path / "reversed.png", cmap="viridis",
                              vmin=-1500, vmax=2500)
    # The same figure with the colorbar's axis inverted: low values at the top.
    figure = plt.figure(figsize=(9, 6), dpi=100)
    axes = figure.add_axes([0.12, 0.12, 0.66, 0.78])
    bar_axes = figure.add_axes([0.81, 0.12, 0.025, 0.78])
    image = axes.imshow(grid, cmap="viridis", vmin=-1500, vmax=2500, extent=extent, aspect="auto")
    figure.colorbar(image, cax=bar_axes)
    bar_axes.invert_yaxis()
    figure.savefig(tmp_path / "reversed.png", dpi=100)
    plt.close(figure)
    _, reading = read(truth.path)
    assert reading.colorbar.flip
    assert_range_close(reading.colorbar, (-1500, 2500))


def test_sample_metres_with_matplotlib_offset_text():
    """The bundled sample: UTM metres, the y labels '5.19' with '1e6' above the axis."""
    from sample_figure import FIGURE, POINTS_FILE

    from colormap_decoder.plugin.engine.gcps import read_gcps

    layout, reading = read(FIGURE)
    assert reading.y_axis.multiplier == 1e6
    assert not reading.x_axis.degrees
    assert_range_close(reading.colorbar, (0, 4000))
    # The renderer's own GCPs (matplotlib's transData at round coordinates).
    truth = read_gcps(str(POINTS_FILE))
    x_fit, y_fit = reading.x_axis.fit, reading.y_axis.fit
    step = 112.5  # metres per figure pixel
    for (px, py), (mx, my) in zip(truth.pixel, truth.map):
        assert abs(float(x_fit.value_at(px)) - mx) <= step
        assert abs(float(y_fit.value_at(py)) * 1e6 - my) <= step


def test_the_legend_unit_cut_reads_nothing_on_a_figure_without_units(monkeypatch):
    """The bundled sample writes no number with a unit: the legend unit cut
    (``_cut_at_unit_spaces``) makes no Tesseract call. Its y title's rotated '(m)', two
    2 px strokes a word space apart (a 'number' and a one-letter 'unit' to the glyph
    checks), no taller than a quarter of the tick labels, was read 15 times there (the
    detection's 33 Tesseract calls became 48)."""
    from sample_figure import FIGURE

    from colormap_decoder.plugin.engine.detection import figure_reading

    in_cut, cut_reads = [False], []
    real_read_label = figure_reading.read_label
    real_cut = figure_reading._Reader._cut_at_unit_spaces

    def counting_read_label(image):
        if in_cut[0]:
            cut_reads.append(image.shape)
        return real_read_label(image)

    def counted_cut(reader):
        in_cut[0] = True
        try:
            return real_cut(reader)
        finally:
            in_cut[0] = False

    monkeypatch.setattr(figure_reading, "read_label", counting_read_label)
    monkeypatch.setattr(figure_reading._Reader, "_cut_at_unit_spaces", counted_cut)
    _, reading = read(FIGURE)
    assert cut_reads == []
    assert_range_close(reading.colorbar, (0, 4000))


@pytest.mark.parametrize("dpi, x_inch, y_inch", [(100, 1.0, 1.0), (150, 1.03, 1.07)])
def test_gmt_plain_frame_and_psscale(tmp_path, shared_data, dpi, x_inch, y_inch):
    """GMT's plain frame with grid lines; at 150 dpi the frame is 5 px thick (its tick marks
    had been looked for inside it, none found on the y axis, and the labels alone left the
    fit 1.06 px off), and the map placed off the pixel grid."""
    grid_path = shared_data / "gmtserver_Kilauea.utm.nc"
    run_gmt(tmp_path,
            "gmt makecpt -Cturbo -T0/1500 > turbo.cpt",
            "gmt set PS_MEDIA 8.5ix7.5i",
            f"gmt grdimage {grid_path} -R254340/280020/2129880/2153640 -JX6i/5.5i -Cturbo.cpt "
            f"-X{x_inch}i -Y{y_inch}i -P -Bafg -BWSne+tKilauea -K > fig.ps",
            "gmt psscale -Cturbo.cpt -Dx6.4i/0i+w5.5i/0.3i -Bxaf -By+lm -O >> fig.ps",
            f"gmt psconvert fig.ps -Tg -E{dpi}")
    layout, reading = read(tmp_path / "fig.png")
    assert_range_close(reading.colorbar, (0, 1500))

    class Truth:
        # -X -Y from the page's lower left corner (7.5 in high); the map 6 x 5.5 in.
        frame = (x_inch * dpi, (7.5 - y_inch - 5.5) * dpi, (x_inch + 6) * dpi,
                 (7.5 - y_inch) * dpi)
        extent = (254340, 280020, 2129880, 2153640)

    assert_axes_georeference(reading, Truth, degrees=False, pixels=0.5)


def test_figure_without_labels_names_the_parameters(tmp_path):
    import matplotlib.pyplot as plt

    grid, extent = lonlat_topobathy()
    figure = plt.figure(figsize=(9, 6), dpi=100)
    axes = figure.add_axes([0.12, 0.12, 0.66, 0.78])
    bar_axes = figure.add_axes([0.81, 0.12, 0.025, 0.78])
    image = axes.imshow(grid, cmap="viridis", extent=extent, aspect="auto")
    axes.set_xticks([])
    axes.set_yticks([])
    figure.colorbar(image, cax=bar_axes, ticks=[])
    figure.savefig(tmp_path / "bare.png", dpi=100)
    plt.close(figure)
    loaded = read_figure(str(tmp_path / "bare.png"))
    layout = detect_layout(loaded.rgb)
    assert layout.frame is not None and layout.colorbar is not None
    settings = DecodeSettings(figure_path=loaded.path)
    with pytest.raises(EngineError) as raised:
        answer_from_figure(settings, loaded, layout, Needs(value_range=True))
    assert raised.value.parameter == "VMIN" and "Give VMIN and VMAX" in str(raised.value)
    with pytest.raises(EngineError) as raised:
        answer_from_figure(settings, loaded, layout, Needs(gcps=True))
    assert raised.value.parameter == "GCPS" and "Give a GCPS file" in str(raised.value)


def test_cartopy_plate_carree_with_gridline_labels(tmp_path):
    """cartopy's gridline labels (no tick marks: label centres alone place them)."""
    grid, extent = lonlat_topobathy()
    truth = render_cartopy_plate_carree(grid, extent, tmp_path / "cartopy.png", interpolation=None)
    layout, reading = read(tmp_path / "cartopy.png")
    error = np.abs(np.array(layout.frame.box) - np.array(truth.frame))
    assert error.max() <= 2.0, (layout.frame.box, truth.frame)
    # Gridline labels without tick marks: the grid lines they name place them (a text box's
    # centre is not the renderer's anchor: about a pixel off vertically here).
    assert_axes_georeference(reading, truth)
    assert_range_close(reading.colorbar, truth.value_range)


@pytest.mark.parametrize("title, unit", [
    ("Easting (km)", "km"), ("Northing [km]", "km"), ("x / km", "km"), ("Distance, m", "m"),
    ("Elevation (ft)", "ft"), ("Northing in kilometres", "km"), ("Latitude (°)", "deg"),
    ("Easting", ""), ("Time (s)", ""), ("", "")])
def test_units_named_by_axis_titles(title, unit):
    from colormap_decoder.plugin.engine.detection.labels import unit_in_title

    assert unit_in_title(title) == unit


@pytest.mark.parametrize("x_rotation, x_align, y_rotation", [
    (45, "right", 0), (90, "center", 0), (30, "right", 0), (0, "center", 90)])
def test_rotated_tick_labels_read_turned(tmp_path, x_rotation, x_align, y_rotation):
    """matplotlib tick labels at an angle (rotation=45 right-aligned, 90 centred; y labels at
    90°) are read turned level and placed at their tick marks: both axes within a pixel."""
    import matplotlib.pyplot as plt
    from figures_for_detection import degree_formatter

    grid, extent = lonlat_topobathy()
    figure = plt.figure(figsize=(9, 6), dpi=100)
    axes = figure.add_axes([0.12, 0.16, 0.66, 0.74])
    bar_axes = figure.add_axes([0.81, 0.16, 0.025, 0.74])
    image = axes.imshow(grid, cmap="viridis", vmin=-1500, vmax=2500, extent=extent,
                        aspect="auto")
    axes.xaxis.set_major_formatter(degree_formatter("x"))
    axes.yaxis.set_major_formatter(degree_formatter("y"))
    plt.setp(axes.get_xticklabels(), rotation=x_rotation, ha=x_align)
    plt.setp(axes.get_yticklabels(), rotation=y_rotation, va="center")
    figure.colorbar(image, cax=bar_axes)
    figure.canvas.draw()
    height = figure.canvas.get_width_height()[1]
    (x0, y0), (x1, y1) = axes.get_window_extent().get_points()
    figure.savefig(tmp_path / "rotated.png", dpi=100)
    plt.close(figure)

    class Truth:
        frame = (x0, height - y1, x1, height - y0)

    Truth.extent = extent
    _, reading = read(tmp_path / "rotated.png")
    turned = reading.x_axis if x_rotation else reading.y_axis
    assert turned.rotated and len(turned.kept) >= 5
    assert_axes_georeference(reading, Truth)


@pytest.mark.parametrize("title, y_size", [("Northing (m)", None), (None, 9)])
def test_upward_labels_decoded_where_drawn(tmp_path, title, y_size):
    """matplotlib y tick labels at rotation=90 (6 x 4 in at 100 dpi, ticks 0-25). Beside a y
    axis title ('Northing (m)') the title's pieces are long labels written upward, and the
    short labels they leave ('15', '10', '5', '0') are not read as stacked glyphs on their own
    (a lone glyph's ink sits off its tick otherwise than a two-digit label's: '25' was placed
    6.8 px off, the corners 6.3 px). In 9 pt beside 12 pt x labels every y label is too short
    to give its angle, and they are read as glyphs stacked upward ('5' and '0' lone glyphs;
    refused naming GCPS before). The automatic decode puts the frame's corners within a pixel
    of matplotlib's."""
    import matplotlib.pyplot as plt

    from colormap_decoder.plugin.engine.pipeline import decode_map

    grid = np.random.default_rng(3).random((40, 60)).cumsum(0)
    extent = (100.0, 160.0, 0.0, 25.0)
    figure = plt.figure(figsize=(6, 4), dpi=100)
    axes = figure.add_axes([0.15, 0.12, 0.6, 0.78])
    image = axes.imshow(grid, extent=extent, aspect="auto", cmap="viridis")
    plt.setp(axes.get_yticklabels(), rotation=90, va="center")
    if title:
        axes.set_ylabel(title)
    if y_size:
        axes.tick_params(axis="y", labelsize=y_size)
        axes.tick_params(axis="x", labelsize=12)
    figure.colorbar(image, cax=figure.add_axes([0.8, 0.12, 0.03, 0.78]))
    figure.canvas.draw()
    height = figure.canvas.get_width_height()[1]
    (x0, y0), (x1, y1) = axes.get_window_extent().get_points()
    path = tmp_path / "upward.png"
    figure.savefig(path, dpi=100)
    plt.close(figure)
    auto = decode_map(DecodeSettings(figure_path=str(path), gcp_crs="EPSG:4326",
                                     scale_automatic=True))
    transform = auto.georeference.pixel_transform
    west, east, south, north = extent
    errors = []
    for x, column in ((west, x0), (east, x1)):
        for y, row in ((north, height - y1), (south, height - y0)):
            found = transform.map_to_pixel(x, y)
            errors.append(float(np.hypot(found[0] - column, found[1] - row)))
    assert max(errors) <= 1.0, (errors, auto.warnings)


def test_gmt_vertical_y_annotations_read_turned(tmp_path, shared_data):
    """GMT with MAP_ANNOT_ORTHO empty writes the y annotations along the axis (rotated 90°)."""
    grid_path = shared_data / "gmtserver_Kilauea.utm.nc"
    run_gmt(tmp_path,
            "gmt makecpt -Cturbo -T0/1500 > turbo.cpt",
            "gmt set PS_MEDIA 8.5ix7.5i MAP_ANNOT_ORTHO z",
            f"gmt grdimage {grid_path} -R254340/280020/2129880/2153640 -JX6i/5.5i -Cturbo.cpt "
            "-X1i -Y1i -P -Baf -BWSne -K > fig.ps",
            "gmt psscale -Cturbo.cpt -Dx6.4i/0i+w5.5i/0.3i -Bxaf -By+lm -O >> fig.ps",
            "gmt psconvert fig.ps -Tg -E100")
    _, reading = read(tmp_path / "fig.png")

    class Truth:
        frame = (100, 100, 700, 650)
        extent = (254340, 280020, 2129880, 2153640)

    assert reading.y_axis.rotated
    assert_axes_georeference(reading, Truth, degrees=False)


def test_a_glyph_come_apart_is_one_character():
    """A character in two pieces over the same columns is one: QGIS's '645000' (Nimbus Roman
    10 pt, 150 dpi, over Plasma's colours: sweep_qgis_layouts seed 37 #6) came apart at the
    '6', whose bowl's thin join was lighter than the ink threshold, seven glyph boxes for six
    characters, and its right reading was refused as one a character short. A character
    really dropped is still found."""
    from colormap_decoder.plugin.engine.detection.label_checks import characters_missing

    # The label's glyph boxes as found on that figure (col0, row0, col1, row1).
    members = [(244, 1231, 252, 1245), (248, 1236, 253, 1245), (254, 1231, 264, 1245),
               (265, 1231, 273, 1245), (276, 1231, 285, 1245), (286, 1231, 295, 1245),
               (296, 1231, 306, 1245)]
    assert not characters_missing("645000", members)
    assert characters_missing("64500", members)
    # Side by side, a pixel of kerning apart, two glyphs stay two.
    assert characters_missing("6", [(0, 0, 9, 14), (8, 0, 17, 14)])


def test_a_round_glyph_broken_into_its_sides_is_one_character():
    """A serif '0' whose thin top and bottom strokes fall below the ink threshold is two
    glyphs, its sides, each half a digit wide: QGIS's legend '0 m' (Nimbus Roman 7 pt at
    120 dpi, 10 pt at 96 dpi: bench/legend_matrix.py units) was counted three characters for
    the two read ('0m') and its right reading refused. Two narrow characters a pitch apart
    ('11'), and a third piece beside the two sides, stay characters of their own."""
    from colormap_decoder.plugin.engine.detection.label_checks import (
        characters_missing,
        joined_halves,
    )

    # The labels' glyph boxes as found on those legends (col0, row0, col1, row1): the '0''s
    # two sides, then the 'm' (whole, or broken into a stroke and an 'n').
    zero_m_7pt = [(685, 489, 687, 497), (688, 489, 690, 497), (694, 491, 702, 497)]
    zero_m_10pt = [(547, 389, 550, 398), (551, 390, 553, 398), (558, 392, 559, 398),
                   (560, 392, 566, 398)]
    assert not characters_missing("0m", zero_m_7pt)
    assert not characters_missing("0m", zero_m_10pt)
    assert joined_halves(zero_m_7pt) == [(685, 489, 690, 497), (694, 491, 702, 497)]
    # '10 m' read '0m' (its '1' dropped) is still a character short.
    one_zero_m = [(680, 489, 682, 497)] + zero_m_7pt
    assert characters_missing("0m", one_zero_m)
    # '11' in a serif font 8 px high: each '1' a 2 px sliver, a pitch (6 px) apart.
    ones = [(0, 0, 2, 8), (6, 0, 8, 8)]
    assert joined_halves(ones) == ones
    assert characters_missing("1", ones)
    # Three slivers side by side: two sides and a character of its own.
    assert len(joined_halves([(0, 0, 2, 8), (3, 0, 5, 8), (6, 0, 8, 8)])) == 2


def test_a_lone_glyph_a_hundred_pixels_high_read(tmp_path):
    """A colorbar labelled '0', '500', '1000' in DejaVu Sans Bold 20 pt at 600 dpi (glyphs 125
    px high, sweep_auto_decode --wide --wider 199 #0): Tesseract reads the lone '0' as nothing
    at that size (crops are never scaled down), and the two labels left were refused as an
    unconfirmed pair; read again scaled down, it is '0', and the range comes from three."""
    import matplotlib.pyplot as plt

    grid, extent = jacksboro_dem()
    path = tmp_path / "large.png"
    with plt.rc_context({"font.family": "DejaVu Sans", "font.weight": "bold",
                         "font.size": 20}):
        figure = plt.figure(figsize=(6.0, 4.2), dpi=600)
        axes = figure.add_axes([0.13, 0.27, 0.77, 0.63])
        image = axes.imshow(grid, cmap="cubehelix", extent=extent, aspect="auto",
                            interpolation="nearest", vmin=-500, vmax=1200)
        bar_axes = figure.add_axes([0.2, 0.1, 0.6, 0.035])
        figure.colorbar(image, cax=bar_axes, orientation="horizontal", ticks=[0, 500, 1000])
        figure.savefig(path, dpi=600)
        plt.close(figure)
    rgb = read_figure(str(path)).rgb
    reading = read_figure_face(rgb, detect_layout(rgb), want_axes=False).colorbar
    assert sorted(label.value for label in reading.axis.kept) == [0, 500, 1000]
    assert_range_close(reading, (-500, 1200))
