"""Never a wrong result without a warning: figures whose automatic reading went wrong silently.

Each class of fault is drawn by a real renderer (GMT, matplotlib) and decoded as ``decodemap``
with only INPUT (and GCP_CRS): the outcome must be right within issue 17's limits (value range
within 0.5 % of the range), or refused with an EngineError naming the parameter to give, or
carry a warning. A wrong range with nothing said fails.
"""
import re

import numpy as np
import pytest
from figures_for_detection import lonlat_topobathy, render_matplotlib, run_gmt

from colormap_decoder.plugin.engine.detection import (
    axis_confirmation,
    figure_reading,
    label_checks,
)
from colormap_decoder.plugin.engine.detection.figure_reading import read_figure_face
from colormap_decoder.plugin.engine.detection.labels import normalise
from colormap_decoder.plugin.engine.detection.layout import detect_layout
from colormap_decoder.plugin.engine.detection.ticks import TickFit, TickLabel, value_step_problem
from colormap_decoder.plugin.engine.errors import EngineError
from colormap_decoder.plugin.engine.figure import read_figure
from colormap_decoder.plugin.engine.pipeline import DecodeSettings, decode_map

KILAUEA_REGION = "-R254340/280020/2129880/2153640"
HORIZONTAL_BAR = "-DJBC+w4i/0.2i+o0/0.5i+h"
VERTICAL_BAR = "-DJRM+w3.5i/0.2i+o0.5i/0"


def decode_or_refusal(path, gcp_crs):
    """decodemap with only INPUT and GCP_CRS: its result, or the EngineError it raised."""
    try:
        return decode_map(DecodeSettings(figure_path=str(path), gcp_crs=gcp_crs,
                                         scale_automatic=True))
    except EngineError as error:
        print("refused:", error.parameter, error)
        return error


def assert_range_right_or_refused(outcome, low, high):
    """Right within 0.5 % of the range, or refused naming VMIN, or warned about."""
    if isinstance(outcome, EngineError):
        assert outcome.parameter == "VMIN", outcome
        assert "Give VMIN and VMAX" in str(outcome)
        return
    vmin, vmax = outcome.mapping.vmin, outcome.mapping.vmax
    error = max(abs(vmin - low), abs(vmax - high)) / (high - low)
    print("range", vmin, vmax, "error", error, "warnings", outcome.warnings)
    assert error <= 0.005 or outcome.warnings, (vmin, vmax, outcome.messages)


def render_gmt_kilauea(folder, shared_data, setting, bar, low, high, dpi=100, cmap="turbo"):
    """The Kilauea DEM on GMT's linear -JX map with a psscale bar, ``gmt set setting`` before
    drawing (a setting of the whole session, as a user's gmt.conf: psscale's annotations
    follow it too)."""
    run_gmt(folder,
            f"gmt makecpt -C{cmap} -T{low}/{high} -Z > t.cpt",
            "gmt set PS_MEDIA 8.5ix8.5i",
            f"gmt set {setting}",
            f"gmt grdimage {shared_data / 'gmtserver_Kilauea.utm.nc'} {KILAUEA_REGION} "
            "-JX5.5i/5i -Ct.cpt -X1i -Y2i -P -Baf -BWSne -K > fig.ps",
            f"gmt psscale -R -J -Ct.cpt {bar} -Bxaf -O >> fig.ps",
            f"gmt psconvert fig.ps -Tg -E{dpi}")
    return folder / "fig.png"


@pytest.mark.parametrize("setting, bar, low, high, dpi, outcome", [
    # No offset: the tick marks run into the labels' digits ('500' came apart into '5' and
    # '0' a few pixels apart, which with '1000' fitted a line 10 px loose: -971 to 1972). The
    # digits are freed from their ticks and read.
    ("MAP_ANNOT_OFFSET_PRIMARY 0", HORIZONTAL_BAR, 0, 1500, 100, "right"),
    ("MAP_ANNOT_OFFSET_PRIMARY 0", HORIZONTAL_BAR, 0, 1500, 150, "right"),
    ("MAP_ANNOT_OFFSET_PRIMARY 0", HORIZONTAL_BAR, -200, 1300, 150, "right"),
    ("MAP_ANNOT_OFFSET_PRIMARY 0", VERTICAL_BAR, 0, 4.5, 100, "right"),
    # 120-1180: two labels only (500, 1000) (-749 to 1353 before, then refused), confirmed by
    # the bar's ten evenly spaced tick marks: 5 marks apart, 100 a mark (121.6 to 1181.0).
    ("MAP_ANNOT_OFFSET_PRIMARY 0", HORIZONTAL_BAR, 120, 1180, 100, "right"),
    ("MAP_ANNOT_OFFSET_PRIMARY 1p", HORIZONTAL_BAR, 120, 1180, 100, "right"),
], ids=["offset0-h-100dpi", "offset0-h-150dpi", "offset0-h-negative", "offset0-v-decimals",
        "offset0-h-two-labels", "offset1p-h-two-labels"])
def test_psscale_labels_touching_the_bar_read_right_or_refused(tmp_path, shared_data, setting,
                                                               bar, low, high, dpi, outcome):
    """GMT psscale whose annotations touch its tick marks and outline: the labels broken by
    them are not fitted loosely into a wrong range; read right when three or more are there."""
    path = render_gmt_kilauea(tmp_path, shared_data, setting, bar, low, high, dpi)
    result = decode_or_refusal(path, "EPSG:32605")
    assert_range_right_or_refused(result, low, high)
    assert isinstance(result, EngineError) == (outcome == "refused")
    if outcome == "right":
        assert not result.warnings, result.warnings


@pytest.mark.parametrize("bar", [HORIZONTAL_BAR, VERTICAL_BAR], ids=["horizontal", "vertical"])
def test_frame_type_inside_everywhere_read_right_or_refused(tmp_path, shared_data, bar):
    """``gmt set MAP_FRAME_TYPE inside``: the map's annotations inside its frame and psscale's
    inside too (on the bar's other side, the end labels left out)."""
    path = render_gmt_kilauea(tmp_path, shared_data, "MAP_FRAME_TYPE inside", bar, 0, 1500)
    rgb = read_figure(str(path)).rgb
    colorbar = read_figure_face(rgb, detect_layout(rgb), want_axes=False).colorbar
    if colorbar.vmin is not None:
        assert max(abs(colorbar.vmin), abs(colorbar.vmax - 1500)) <= 0.005 * 1500, \
            (colorbar.vmin, colorbar.vmax)
    outcome = decode_or_refusal(path, "EPSG:32605")
    if isinstance(outcome, EngineError):
        # The bar read, the map's annotations over its light colours may not be: GCPS.
        assert outcome.parameter in ("VMIN", "GCPS"), outcome
    else:
        assert_range_right_or_refused(outcome, 0, 1500)


@pytest.mark.parametrize("cmap, dpi", [("turbo", 100), ("gray", 100), ("turbo", 150)])
def test_labels_written_across_the_bar_outline_read_whole(tmp_path, shared_data, cmap, dpi):
    """``MAP_FRAME_TYPE inside`` with a 0-2000 bar: psscale right-aligns its annotations against
    the vertical bar's outline, which runs through each label's last '0'. That glyph was left
    out with the line, and '1500 1000 500' read '150 100 50', still linear: the range came
    out 0-200 with nothing said. The labels are now read with the glyph the line crosses
    (over the line and over the bar's colours: gray's dark low end too)."""
    path = render_gmt_kilauea(tmp_path, shared_data, "MAP_FRAME_TYPE inside", VERTICAL_BAR, 0,
                              2000, dpi, cmap)
    rgb = read_figure(str(path)).rgb
    bar = read_figure_face(rgb, detect_layout(rgb), want_axes=False).colorbar
    assert bar is not None and bar.vmin is not None, bar
    assert max(abs(bar.vmin - 0), abs(bar.vmax - 2000)) <= 0.005 * 2000, (bar.vmin, bar.vmax)
    assert sorted(label.text for label in bar.axis.kept) == ["1000", "1500", "500"], \
        [label.text for label in bar.axis.labels]


@pytest.mark.parametrize("dpi", [100, 150])
def test_labels_written_across_a_horizontal_bar_outline_read(tmp_path, shared_data, dpi):
    """``MAP_FRAME_TYPE inside`` with a horizontal 0-2000 bar: psscale centres its annotations
    on the bar's top outline, which runs through the middle of every label; the labels were
    left out with the line and the range refused. They are now read across it (the line's
    rows as the strokes crossing it, the part over the bar against its colours) and placed
    by the tick marks inside the bar."""
    path = render_gmt_kilauea(tmp_path, shared_data, "MAP_FRAME_TYPE inside", HORIZONTAL_BAR,
                              0, 2000, dpi)
    rgb = read_figure(str(path)).rgb
    bar = read_figure_face(rgb, detect_layout(rgb), want_axes=False).colorbar
    assert bar is not None and bar.vmin is not None, bar and bar.axis.problem
    print("range", bar.vmin, bar.vmax)
    assert max(abs(bar.vmin - 0), abs(bar.vmax - 2000)) <= 0.005 * 2000, (bar.vmin, bar.vmax)
    assert sorted(label.text for label in bar.axis.kept) == ["1000", "1500", "500"], \
        [label.text for label in bar.axis.labels]


@pytest.mark.parametrize("dpi", [72, 100, 150])
def test_minus_sign_hidden_under_a_horizontal_outline_never_read_as_positive(
        tmp_path, shared_data, dpi):
    """The same bar from -2500 to -500: the outline through the labels' middle hides each
    minus sign whole, and '-2000 -1500 -1000' read '2000 1500 1000' still lie on a line (the
    bar's range turned over, nothing said). A label centred on its tick mark is whole; these
    stand half a minus sign's advance off theirs: no value, and the range is asked for."""
    path = render_gmt_kilauea(tmp_path, shared_data, "MAP_FRAME_TYPE inside", HORIZONTAL_BAR,
                              -2500, -500, dpi, cmap="viridis")
    rgb = read_figure(str(path)).rgb
    bar = read_figure_face(rgb, detect_layout(rgb), want_axes=False).colorbar
    texts = [label.text for label in bar.axis.labels]
    print(texts)
    assert not any(label.value is not None and label.value > 0 for label in bar.axis.kept), texts
    assert any("a sign under the line" in text for text in texts), texts
    assert_range_right_or_refused(decode_or_refusal(path, "EPSG:32605"), -2500, -500)


@pytest.mark.parametrize("setting, bar, low, high, dpi", [
    ("MAP_FRAME_TYPE plain", VERTICAL_BAR, 10, 140, 100),
    ("MAP_FRAME_TYPE plain", VERTICAL_BAR, 10, 140, 150),
    ("MAP_FRAME_TYPE inside", HORIZONTAL_BAR, 0, 1500, 100),
    ("MAP_FRAME_TYPE inside", HORIZONTAL_BAR, 0, 1500, 150),
    ("MAP_FRAME_TYPE inside", VERTICAL_BAR, 0, 1500, 100),
], ids=["plain-v-100dpi", "plain-v-150dpi", "inside-h-100dpi", "inside-h-150dpi",
        "inside-v-100dpi"])
def test_two_label_gmt_bar_confirmed_by_its_tick_marks(tmp_path, shared_data, setting, bar,
                                                       low, high, dpi):
    """A GMT bar annotated twice ('50' and '100' on 10-140; '500' and '1000' on 0-1500 with
    the frame inside, its end annotations left out, its ticks inside the bar on its other
    side) was refused: two labels make a line, a
    misread one another. Its frame ticks are evenly spaced, both labels stand on one, and
    their values differ by a round step that is a round step per mark: taken, the range
    within 0.5 %, and the log says what confirmed them."""
    path = render_gmt_kilauea(tmp_path, shared_data, setting, bar, low, high, dpi)
    rgb = read_figure(str(path)).rgb
    reading = read_figure_face(rgb, detect_layout(rgb), want_axes=False)
    bar_reading = reading.colorbar
    assert bar_reading.vmin is not None, bar_reading.axis.problem
    print("range", bar_reading.vmin, bar_reading.vmax)
    assert max(abs(bar_reading.vmin - low), abs(bar_reading.vmax - high)) <= \
        0.005 * (high - low), (bar_reading.vmin, bar_reading.vmax)
    assert len(bar_reading.axis.kept) == 2
    assert any("confirmed by" in message and "evenly spaced tick marks" in message
               for message in reading.messages), reading.messages


@pytest.mark.parametrize("misread", [("500", "300"), ("1000", "1500"), ("500", "50")])
def test_two_label_gmt_bar_misread_refused(tmp_path, shared_data, monkeypatch, misread):
    """The same two-label bar with one label misread ('500' as '300', '1000' as '1500', '500'
    as '50'): the ticks no longer confirm the pair (a step of 700 or 2.5 marks, ...), and the
    range is asked for by name; or the misread digit's glyph is drawn as the digit the axes'
    labels read right there, and read again as it (figure_reading._reread_digits: '300' and
    '1500' are, the range then right and the reading said in a warning)."""
    path = render_gmt_kilauea(tmp_path, shared_data, "MAP_ANNOT_OFFSET_PRIMARY 1p",
                              HORIZONTAL_BAR, 120, 1180, 100)
    read_label = figure_reading.read_label

    def misreading(image):
        text, confidence = read_label(image)
        return (misread[1], confidence) if normalise(text) == misread[0] else \
            (text, confidence)

    monkeypatch.setattr(figure_reading, "read_label", misreading)
    outcome = decode_or_refusal(path, "EPSG:32605")
    if isinstance(outcome, EngineError):
        assert outcome.parameter == "VMIN"
        return
    assert any("read again from the figure's own glyphs" in warning and
               f"'{misread[1]}' -> '{misread[0]}'" in warning
               for warning in outcome.warnings), (outcome.mapping.vmin, outcome.warnings)
    assert max(abs(outcome.mapping.vmin - 120), abs(outcome.mapping.vmax - 1180)) <= \
        0.005 * (1180 - 120), (outcome.mapping.vmin, outcome.mapping.vmax)


@pytest.mark.parametrize("step, round_", [(100, True), (0.25, True), (2.5, True), (5e-4, True),
                                          (-20, True), (400, False), (700, False),
                                          (0.3, False), (140, False), (0, False)])
def test_round_steps(step, round_):
    assert axis_confirmation.round_step(step) == round_


@pytest.mark.parametrize("dpi, pad", [(100, -16), (150, -14), (150, -16)])
def test_labels_against_the_spine_not_read_without_their_sign(tmp_path, dpi, pad):
    """matplotlib's y labels drawn inside the axes against the left spine (a negative tick
    pad): each label's minus sign lies on the spine, one component of ink with it, lost with
    it; '-10 -15 ... -45' read '10 15 ... 45' were all kept, the y axis turned over in
    silence (150 dpi, pad -16). A label inside the frame touching its line is no value: the
    axis is refused (or read right)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(6, 4.5), dpi=dpi)
    grid = np.add.outer(np.linspace(0, 1, 80), np.linspace(0, 1, 100))
    image = axes.imshow(grid, extent=(-80, -20, -50, -5), cmap="viridis", aspect="auto")
    axes.tick_params(axis="y", pad=pad)
    figure.colorbar(image)
    path = tmp_path / "spine.png"
    figure.savefig(path, dpi=dpi)
    plt.close(figure)
    rgb = read_figure(str(path)).rgb
    y_axis = read_figure_face(rgb, detect_layout(rgb)).y_axis
    print(y_axis.fit is not None, [(label.text, label.kept) for label in y_axis.labels])
    assert y_axis.fit is None or all(label.value < 0 for label in y_axis.kept), \
        [label.text for label in y_axis.kept]


def test_dropped_digit_on_every_label_refused(tmp_path, monkeypatch):
    """Tesseract dropping one digit of each colorbar label ('-3000' read as '-300'): the
    values still lie on a line, a tenth of the true one. Each label has a glyph more than its
    reading has characters: not a value, and the range is asked for by name."""
    grid, extent = lonlat_topobathy()
    truth = render_matplotlib(grid, extent, tmp_path / "fig.png", cmap="viridis", vmin=-3000.0,
                              vmax=1500.0)
    read_label = figure_reading.read_label

    def dropping_the_last_digit(image):
        text, confidence = read_label(image)
        if re.fullmatch(r"-?\d{2,}", normalise(text)):
            return text[:-1], confidence
        return text, confidence

    monkeypatch.setattr(figure_reading, "read_label", dropping_the_last_digit)
    outcome = decode_or_refusal(truth.path, None)
    assert isinstance(outcome, EngineError), (outcome.mapping.vmin, outcome.mapping.vmax)
    assert outcome.parameter == "VMIN"
    assert "a character not read" in str(outcome) or "agree on one scale" in str(outcome)


def test_dropped_digit_on_one_label_left_out(tmp_path, monkeypatch):
    """One label misread with a digit dropped ('1000' read as '100'): left out of the fit, and
    the range read from the others stays right."""
    grid, extent = lonlat_topobathy()
    truth = render_matplotlib(grid, extent, tmp_path / "fig.png", cmap="viridis", vmin=-3000.0,
                              vmax=1500.0)
    read_label = figure_reading.read_label

    def dropping_a_digit_of_1000(image):
        text, confidence = read_label(image)
        return ("100", confidence) if normalise(text) == "1000" else (text, confidence)

    monkeypatch.setattr(figure_reading, "read_label", dropping_a_digit_of_1000)
    outcome = decode_or_refusal(truth.path, None)
    assert not isinstance(outcome, EngineError), outcome
    assert_range_right_or_refused(outcome, -3000.0, 1500.0)
    assert not outcome.warnings, outcome.warnings
    assert any("'100 (a character not read)'" in message for message in outcome.messages), \
        outcome.messages


@pytest.mark.parametrize("dpi, jpeg_quality", [(72, None), (100, 60), (200, None)])
def test_label_wider_than_its_reading_is_no_value(tmp_path, dpi, jpeg_quality):
    """Every label of a real figure is as wide as its reading's characters allow (digits one
    pitch each, the pitch measured on the figure's own glyphs), and no narrower than a
    character more: read with its last character dropped ('-3000' as '-300', where two
    touching digits make one glyph and no glyph count tells), each is wider than its text.
    Reading so, the label is no value ('-140°' read '140°' was kept on a GMT axis)."""
    grid, extent = lonlat_topobathy()
    name = "fig.jpg" if jpeg_quality else "fig.png"
    truth = render_matplotlib(grid, extent, tmp_path / name, cmap="viridis", vmin=-3000.0,
                              vmax=1500.0, dpi=dpi, jpeg_quality=jpeg_quality)
    rgb = read_figure(str(truth.path)).rgb
    reading = read_figure_face(rgb, detect_layout(rgb))
    checked = 0
    for axis in (reading.x_axis, reading.y_axis, reading.colorbar.axis):
        for label in axis.kept:
            text = normalise(label.text)
            width, height = label.box[2] - label.box[0], label.box[3] - label.box[1]
            pitch = label_checks.digit_pitch(reading.all_labels, height)
            assert pitch is not None
            assert not label_checks.wider_than_text(text, width, pitch), (text, width, pitch)
            if len(re.sub(r"\D", "", text)) >= 2:
                last = max(index for index, character in enumerate(text)
                           if character.isdigit())
                dropped = text[:last] + text[last + 1:]
                assert label_checks.wider_than_text(dropped, width, pitch), \
                    (text, dropped, width, pitch)
                checked += 1
    assert checked >= 8


@pytest.mark.parametrize("dpi, jpeg_quality", [(72, None), (100, 60), (200, None)])
def test_label_narrower_than_its_reading_is_no_value(tmp_path, dpi, jpeg_quality):
    """Every label of a real figure is as wide as its reading's characters need (digits one
    pitch each, the pitch measured on the figure's own glyphs), and a digit read twice
    ('-3000' as '-30000': a uniform x10 misread, which the linear fit cannot see) makes the
    reading wider than the label's ink: that label is no value."""
    grid, extent = lonlat_topobathy()
    name = "fig.jpg" if jpeg_quality else "fig.png"
    truth = render_matplotlib(grid, extent, tmp_path / name, cmap="viridis", vmin=-3000.0,
                              vmax=1500.0, dpi=dpi, jpeg_quality=jpeg_quality)
    rgb = read_figure(str(truth.path)).rgb
    reading = read_figure_face(rgb, detect_layout(rgb))
    glyphs = {label.box(): label.members for label in reading.all_labels}
    checked = 0
    for axis in (reading.x_axis, reading.y_axis, reading.colorbar.axis):
        for label in axis.kept:
            text = normalise(label.text)
            members = glyphs[tuple(label.box)]
            pitch = label_checks.digit_pitch(reading.all_labels, label.box[3] - label.box[1])
            assert not label_checks.narrower_than_text(text, members, pitch), \
                (text, members, pitch)
            if re.fullmatch(r"-?\d+", text):
                doubled = text + "0" if text.endswith("0") else text + text[-1]
                assert label_checks.narrower_than_text(doubled, members, pitch), \
                    (text, doubled, members, pitch)
                # The check of labels wider than their reading does not see it.
                width = label.box[2] - label.box[0]
                assert not label_checks.wider_than_text(doubled, width, pitch)
                checked += 1
    assert checked >= 8


@pytest.mark.parametrize("renderer", ["matplotlib", "gmt"])
def test_digit_read_twice_on_every_label_refused(tmp_path, shared_data, monkeypatch, renderer):
    """Tesseract reading a zero twice on every colorbar label ('500 1000 1500' as '5000 10000
    15000'): the values still lie on a line, ten times the true one, and the glyph count
    cannot tell (two digits touching make one glyph). Each label is a pitch narrower than its
    reading: no value, and the range is asked for by name, never 0-20000 in silence."""
    if renderer == "matplotlib":
        grid, extent = lonlat_topobathy()
        path = render_matplotlib(grid, extent, tmp_path / "fig.png", cmap="viridis",
                                 vmin=-3000.0, vmax=1500.0).path
        low, high = -3000.0, 1500.0
    else:
        path = render_gmt_kilauea(tmp_path, shared_data, "MAP_FRAME_TYPE plain",
                                  VERTICAL_BAR, 0, 2000)
        low, high = 0.0, 2000.0
    read_label = figure_reading.read_label

    def zero_read_twice(image):
        text, confidence = read_label(image)
        if re.fullmatch(r"-?[1-9]\d*0", normalise(text)) and abs(int(normalise(text))) < 10000:
            return text + "0", confidence
        return text, confidence

    monkeypatch.setattr(figure_reading, "read_label", zero_read_twice)
    rgb = read_figure(str(path)).rgb
    bar = read_figure_face(rgb, detect_layout(rgb), want_axes=False).colorbar
    assert bar is not None
    # Either check sees it: more digits than glyphs, or glyphs too narrow for the digits.
    assert any("narrower than its text" in label.text or
               "more digits than its glyphs hold" in label.text
               for label in bar.axis.labels), [label.text for label in bar.axis.labels]
    outcome = decode_or_refusal(path, None if renderer == "matplotlib" else "EPSG:32605")
    if isinstance(outcome, EngineError):
        assert outcome.parameter in ("VMIN", "GCPS"), outcome
    else:
        assert_range_right_or_refused(outcome, low, high)


def test_decimal_points_lost_on_every_label_refused(tmp_path, monkeypatch):
    """Tesseract dropping every decimal point of a colorbar's labels ('0.5 1.0 1.5 2.0' read
    '05 10 15 20', as at 72 dpi where a point touches its digit and no glyph shows it): the
    values still lie on a line, ten times the true one. The label read with a leading zero
    ('05') lies where 5 would on that line: every label lost its point, and the range is asked
    for by name."""
    grid, extent = lonlat_topobathy()
    scaled = (grid - np.nanmin(grid)) / (np.nanmax(grid) - np.nanmin(grid)) * 2.0
    truth = render_matplotlib(scaled, extent, tmp_path / "fig.png", cmap="viridis", vmin=0.0,
                              vmax=2.0)
    read_label = figure_reading.read_label

    def dropping_the_points(image):
        text, confidence = read_label(image)
        return text.replace(".", ""), confidence

    monkeypatch.setattr(figure_reading, "read_label", dropping_the_points)
    # No glyph shows the points either: neither reading of the glyphs may put them back.
    monkeypatch.setattr(figure_reading, "restore_decimal_point", lambda text, members: text)
    monkeypatch.setattr(figure_reading, "lone_separator_as_inked", lambda text, *_: text)
    outcome = decode_or_refusal(truth.path, None)
    assert isinstance(outcome, EngineError), (outcome.mapping.vmin, outcome.mapping.vmax)
    assert outcome.parameter == "VMIN"
    assert "without their decimal points" in str(outcome), str(outcome)


@pytest.mark.parametrize("texts, odd", [
    (("0.0", "0.5", "1.0", "1.5"), False),   # matplotlib: one number of decimals
    (("0", "0.5", "1", "1.5"), False),       # GMT's %g: as few as each needs
    (("1,000", "2,000", "3,000"), False),    # thousands separators
    (("44.5°N", "45°N", "45.5°N"), False),
    (("0.50", "1.0", "1.50"), True),
    (("0", "0.5", "1.0", "1.5"), True),
])
def test_decimals_of_one_axis(texts, odd):
    """The kept labels of an axis are written with one format of decimals."""
    from colormap_decoder.plugin.engine.detection.labels import parse_label
    from colormap_decoder.plugin.engine.detection.ticks import decimals_problem

    labels = [TickLabel((0, 0, 1, 1), text, parse_label(text).value, 10.0 * index)
              for index, text in enumerate(texts)]
    assert bool(decimals_problem(labels)) == odd, decimals_problem(labels)


@pytest.mark.parametrize("ticks, warned", [((600, 700, 800), True),
                                           ((0, 500, 1000, 1500), False)])
def test_colorbar_labelled_near_its_middle_only_warned(tmp_path, ticks, warned):
    """A colorbar whose only labels lie near its middle (ticks given by hand: 600, 700, 800 on a
    0-1500 bar): its ends' values are extrapolated over five times the labels' span, and a
    half-pixel error in their places moves them by more than the 0.5 % the reading is held
    to. Read, with a warning saying so and naming VMIN and VMAX; a bar labelled along its
    length is not warned about."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from colormap_decoder.plugin.engine.detection.answers import _extrapolated_ends_warning

    grid, _ = lonlat_topobathy()
    figure, axes = plt.subplots(figsize=(6, 4), dpi=100)
    image = axes.imshow(np.clip(grid, 0, 1500), cmap="viridis", vmin=0, vmax=1500)
    figure.colorbar(image, ticks=list(ticks))
    path = tmp_path / "fig.png"
    figure.savefig(path)
    plt.close(figure)
    rgb = read_figure(str(path)).rgb
    layout = detect_layout(rgb)
    bar = read_figure_face(rgb, layout, want_axes=False).colorbar
    assert bar is not None and bar.vmin is not None
    assert sorted(label.value for label in bar.axis.kept) == sorted(ticks)
    warning = _extrapolated_ends_warning(bar.axis, layout.colorbar)
    assert bool(warning) == warned, warning
    if warned:
        assert "give VMIN and VMAX" in warning


def labels_at(values, spacing=50.0):
    labels = [TickLabel((0, 0, 1, 1), f"{value:g}", float(value), 10.0 + spacing * index)
              for index, value in enumerate(values)]
    for label in labels:
        label.kept = True
    return labels


@pytest.mark.parametrize("values, degrees, odd", [
    ((0, 500, 1000, 1500), False, ""),
    ((-0.5, 0, 0.5), False, ""),
    ((0, 25, 50), False, ""),
    ((120, 135, 150), True, ""),  # 15° steps are a degree axis' round steps
    ((120, 135, 150), False, "not a round step"),
    ((0, 50, 101), False, "not multiples of one step"),
    ((10, 15, 20), False, ""),
    ((3, 6, 9), False, "not a round step"),
])
def test_value_step_structure(values, degrees, odd):
    """Kept tick values are multiples of one round step; anything else is named."""
    labels = labels_at(values)
    fit = TickFit(1.0, 0.0, False, labels, np.zeros(len(labels)))
    problem = value_step_problem(fit, degrees=degrees)
    assert (odd in problem) if odd else problem == "", problem


# -- A conic map whose graticule nothing on the figure draws -----------------------------------
@pytest.mark.parametrize("extent, dpi, rotate_labels, all_sides, expected", [
    # cartopy writes each longitude label along its meridian: the labels turn 4-6° across.
    ((-160, -150, 30, 38), 100, True, False, "turn by"),
    ((-50, -44, 35, 40), 200, True, False, "turn by"),
    # Level labels on all four sides: the top's longitudes are closer together (7 px on 3°).
    ((-160, -157, 30, 33), 100, False, True, "px apart"),
    ((-40, -30, 30, 40), 150, False, True, "px apart"),
], ids=["turning-100dpi", "turning-200dpi", "four-sides-3deg", "four-sides-150dpi"])
def test_conic_map_without_grid_lines_refused_naming_gcps(tmp_path, shared_data, extent, dpi,
                                                          rotate_labels, all_sides, expected):
    """cartopy Lambert conformal maps with gridline labels and no grid lines nor tick marks:
    each side's labels are evenly spaced within a pixel, and GCPs from them were 8-50 px wrong
    (the only warning said 1.8 px). Refused, naming GCPS and what was measured."""
    import cartopy.crs as ccrs
    from test_detection_accuracy import render_cartopy_age

    west, east, south, north = extent
    projection = ccrs.LambertConformal(
        central_longitude=0.5 * (west + east), central_latitude=0.5 * (south + north),
        standard_parallels=(south + 0.25 * (north - south), north - 0.25 * (north - south)))
    path = tmp_path / "lambert.png"
    render_cartopy_age(path, shared_data, projection, extent, dpi, grid_lines=False,
                       rotate_labels=rotate_labels, all_sides=all_sides)
    outcome = decode_or_refusal(path, None)
    assert isinstance(outcome, EngineError), outcome.warnings
    assert outcome.parameter == "GCPS"
    assert expected in str(outcome) and "Give a GCPS file" in str(outcome)


def test_conic_map_with_level_labels_on_two_sides_warned(tmp_path, shared_data):
    """Level labels on two sides only, no grid lines, no tick marks: nothing on the figure tells
    a conic graticule from a rectilinear one. Decoded (7.7 px wrong at the corners), with a
    warning that says so and names GCPS."""
    import cartopy.crs as ccrs
    from test_detection_accuracy import render_cartopy_age

    extent = (-160, -150, 30, 38)
    projection = ccrs.LambertConformal(central_longitude=-155, central_latitude=34,
                                       standard_parallels=(32, 36))
    path = tmp_path / "lambert.png"
    render_cartopy_age(path, shared_data, projection, extent, 100, grid_lines=False,
                       rotate_labels=False)
    outcome = decode_or_refusal(path, None)
    if isinstance(outcome, EngineError):
        assert outcome.parameter == "GCPS"
        return
    assert any("conic" in warning and "give GCPS" in warning for warning in outcome.warnings), \
        outcome.warnings


@pytest.mark.parametrize("projection_name", ["PlateCarree", "Mercator"])
def test_rectilinear_map_labelled_on_four_sides_not_refused(tmp_path, shared_data,
                                                            projection_name):
    """The opposite sides' labels agree on plate carrée and Mercator maps (cartopy's labels on
    all four sides, no grid lines): decoded, the corners within 2 px of cartopy's, and no
    warning about the graticule (the labels across the frame confirm it)."""
    import cartopy.crs as ccrs
    from test_detection_accuracy import corner_errors, render_cartopy_age

    extent = (-170, -130, 10, 45)
    path = tmp_path / "map.png"
    pixel = render_cartopy_age(path, shared_data, getattr(ccrs, projection_name)(), extent, 100,
                               grid_lines=False, rotate_labels=False, all_sides=True)
    outcome = decode_or_refusal(path, None)
    assert not isinstance(outcome, EngineError), outcome
    errors = corner_errors(outcome, extent, pixel)
    print("corner errors", errors, outcome.warnings)
    assert max(errors) <= 2.0
    assert not any("conic" in warning for warning in outcome.warnings), outcome.warnings


@pytest.mark.parametrize("dpi, rotation", [(72, 90), (100, 30), (150, 45), (220, 60)])
def test_labels_written_at_one_angle_do_not_turn(tmp_path, dpi, rotation):
    """matplotlib's rotated tick labels (one angle for all) on a plate carrée map are not taken
    for a conic's turning labels: the turn measured stays under the limit."""
    import matplotlib.pyplot as plt
    from figures_for_detection import degree_formatter

    from colormap_decoder.plugin.engine.detection.answers import _turning_labels
    from colormap_decoder.plugin.engine.detection.figure_reading import read_figure_face
    from colormap_decoder.plugin.engine.detection.layout import detect_layout
    from colormap_decoder.plugin.engine.figure import read_figure

    grid, extent = lonlat_topobathy()
    figure = plt.figure(figsize=(9, 6), dpi=dpi)
    axes = figure.add_axes([0.12, 0.16, 0.66, 0.74])
    image = axes.imshow(grid, cmap="viridis", vmin=-1500, vmax=2500, extent=extent,
                        aspect="auto")
    axes.xaxis.set_major_formatter(degree_formatter("x"))
    axes.yaxis.set_major_formatter(degree_formatter("y"))
    plt.setp(axes.get_xticklabels(), rotation=rotation, ha="right" if rotation < 90 else "center")
    figure.colorbar(image, cax=figure.add_axes([0.81, 0.16, 0.025, 0.74]))
    figure.savefig(tmp_path / "rotated.png", dpi=dpi)
    plt.close(figure)
    rgb = read_figure(str(tmp_path / "rotated.png")).rgb
    reading = read_figure_face(rgb, detect_layout(rgb), want_colorbar=False)
    assert reading.x_axis.rotated and len(reading.x_axis.kept) >= 5
    assert _turning_labels("x", reading.x_axis) == ""


@pytest.mark.parametrize("text, value", [
    ("-19.45°N", 19.45), ("-19°27'0\"N", 19.45), ("\u221249°S", -49.0),
    ("-155.25°W", None), ("-12°E", None)])
def test_a_sign_before_a_hemisphere_letter_is_no_sign(text, value):
    """Renderers write a sign or a hemisphere letter, never both: a minus read before a label
    with a hemisphere letter is a mark beside it (QGIS's interior tick mark running into its
    annotation: every y label '-19.45°N', the map turned upside down into the southern
    hemisphere in silence; tests/qgis/test_detection_qgis_layout.py draws it). A latitude is
    read without it (placed across its rows, which the mark leaves alone); a longitude, whose
    place along the text the mark moves, is no value."""
    from colormap_decoder.plugin.engine.detection.label_checks import sign_beside_hemisphere
    from colormap_decoder.plugin.engine.detection.labels import parse_label

    parsed = parse_label(text)
    assert parsed is not None and parsed.hemisphere
    text_read, parsed_read = sign_beside_hemisphere(text, parsed)
    if value is None:
        assert parsed_read is None and "a sign before a hemisphere letter" in text_read
    else:
        assert parsed_read.value == pytest.approx(value) and not text_read.startswith("-")


def _jacksboro_colorbar_at_72_dpi(tmp_path, low, high) -> tuple:
    """The Jacksboro DEM scaled to ``low``-``high``, drawn by matplotlib at 72 dpi: the figure's
    RGB and its colorbar as the detection reads it."""
    from figures_for_tests import jacksboro_dem

    grid, extent = jacksboro_dem()
    scaled = low + (grid - np.nanmin(grid)) / (np.nanmax(grid) - np.nanmin(grid)) * (high - low)
    truth = render_matplotlib(scaled, extent, tmp_path / "fig.png", vmin=low, vmax=high,
                              dpi=72)
    rgb = read_figure(truth.path).rgb
    return rgb, read_figure_face(rgb, detect_layout(rgb), want_axes=False).colorbar


@pytest.mark.parametrize("low, high, read_as", [
    (1.0, 1.1, (100.0, 110.0)),       # '1.10 1.08 ... 1.00' read '110 108 ... 100'
    (1.25, 1.45, (1250.0, 1450.0)),   # '1.250 ... 1.450' read '1250 ... 1450'
    (1.0, 1.2, (1000.0, 1200.0)),
])
def test_points_touching_their_digit_at_72_dpi_put_back(tmp_path, monkeypatch, low, high,
                                                        read_as):
    """matplotlib's DejaVu Sans at 72 dpi draws a colorbar label's point a pixel from the foot
    of the '1' before it, and the anti-aliased pixels between join them: one glyph, read '1',
    on every label. The values still lie on a line, a hundred or a thousand times the true
    one, and the range came out so with nothing said. The glyph is wider than the figure's
    digits, its extra ink on the baseline's rows alone: the point is put back."""
    rgb, bar = _jacksboro_colorbar_at_72_dpi(tmp_path, low, high)
    texts = [label.text for label in bar.axis.labels]
    assert (bar.vmin, bar.vmax) == pytest.approx((low, high), abs=0.005 * (high - low)), texts
    # The fault is real: with the glyph taken as its digit alone, the range is read too large.
    monkeypatch.setattr(figure_reading, "point_touching_a_digit", lambda text, *glyphs: text)
    bar = read_figure_face(rgb, detect_layout(rgb), want_axes=False).colorbar
    assert (bar.vmin, bar.vmax) == pytest.approx(read_as, rel=0.01), \
        [label.text for label in bar.axis.labels]


@pytest.mark.parametrize("low, high", [(1000.0, 1200.0), (1100.0, 1190.0), (10.0, 19.0)])
def test_digit_one_alone_at_72_dpi_gains_no_point(tmp_path, low, high):
    """The same colorbars with integer labels ('1175', '1190', '19'): each '1''s foot reaches a
    pixel or two past its stem on the baseline, no point's room; no point is made up."""
    _, bar = _jacksboro_colorbar_at_72_dpi(tmp_path, low, high)
    texts = [label.text for label in bar.axis.labels]
    assert not any("." in text for text in texts), texts
    assert (bar.vmin, bar.vmax) == pytest.approx((low, high), abs=0.005 * (high - low)), texts


def test_latitudes_read_without_their_minus_signs_refused(tmp_path, shared_data):
    """GMT's equidistant cylindrical map of the age grid south of Africa, Helvetica 8 pt at
    100 dpi, a Pillow JPEG (quality 92), as sweep 205 #1 drew it: Tesseract reads '-20°' and
    '-40°' as '20°' and '40°' and rejects the '-30°' between them; the two, confirmed by the x
    axis' scale, put the map upside down, 587 px off, in silence. Latitudes growing downward
    with longitudes growing rightward picture the map as in a mirror, and the three labels,
    '20°' and '40°' taken as negative, lie on one line: minus signs were lost. Refused, naming
    GCPS. Ghostscript 10.0.0~dfsg-11+deb12u9 draws glyphs Tesseract reads '20°', '-30°', '40°':
    the two that agree ('20°', '-30°') are refused as two, and the refusal says the minus signs
    were lost too. (Read whole on another machine, the labels must put '-30°' at its tick.)"""
    region = "-R8.346667/76.653333/-42.873333/-12.793333"
    run_gmt(tmp_path,
            "gmt makecpt -Cviridis -T0/200 -Z > cm.cpt",
            "gmt set PS_MEDIA 6.675ix7.71i MAP_FRAME_TYPE plain FONT_ANNOT_PRIMARY 8p,Helvetica "
            "FORMAT_GEO_MAP +D",
            f"gmt grdimage {shared_data / 'gmtserver_age.3.20.nc'} {region} -JQ42.5/4.675i "
            "-Ccm.cpt -X1.0i -Y1.8i -P -Baf -BWSne -K > fig.ps",
            "gmt psscale -R -J -Ccm.cpt -DJBC+w4i/0.2i+o0/0.5i+h -Bxaf -O >> fig.ps",
            "gmt psconvert fig.ps -Tg -E100")
    from PIL import Image

    Image.open(tmp_path / "fig.png").convert("RGB").save(tmp_path / "fig.jpg", quality=92)
    outcome = decode_or_refusal(tmp_path / "fig.jpg", None)
    if isinstance(outcome, EngineError):
        assert outcome.parameter == "GCPS", outcome
        assert "minus signs" in str(outcome) and "lost in reading" in str(outcome), outcome
        return
    # Read whole: '-30°' stands at its tick, row 503 (the label fit's), on the frame's left
    # side (column 101); a pixel there is 0.15° of latitude.
    _, latitude = outcome.georeference.pixel_transform.pixel_to_map(101.0, 503.0)
    assert abs(latitude + 30.0) < 0.2, latitude
