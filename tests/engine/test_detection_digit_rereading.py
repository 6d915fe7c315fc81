"""Digits OCR misread alike on every label of an axis or a colorbar, read again from the
figure's own glyphs (figure_reading._reread_digits, label_checks.digit_rereadings).

sweep_auto_decode --wide seed 142 #3 (matplotlib pcolormesh of the Vinschgau DEM in km, bmh,
DejaVu Serif 12 pt at 72 dpi): Tesseract read every y label's leading '5' as '9' ('5167.5' as
'9167.5'). The labels stay evenly spaced in value, so the fit took them and the map was
placed 4000 km north; since 4647304 a warning said so, but the reading stayed wrong. The glyph
read '9' is drawn as the '5's read right elsewhere on the figure: read as '5' the labels still
fit, while the '5's read as '9' leave the x axis' and the colorbar's lines, so the figure is
read again with '5'.

Real figures drawn by matplotlib in three fonts at 72-150 dpi; the consistent misread is
Tesseract's (the sweep logged it), put on the OCR's output of one axis or the colorbar: any
pair of digits, any of the three label sets. Read right, nothing is read again.
"""
import collections
import re

import matplotlib
import numpy as np
import pytest

from colormap_decoder.plugin.engine.detection import figure_reading, label_checks
from colormap_decoder.plugin.engine.detection.figure_reading import read_figure_face
from colormap_decoder.plugin.engine.detection.label_checks import digit_on_its_side
from colormap_decoder.plugin.engine.detection.layout import detect_layout
from colormap_decoder.plugin.engine.detection.text import find_glyphs, ink_mask
from colormap_decoder.plugin.engine.figure import read_figure

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402 - after choosing the backend

#: The misreads put on the OCR's output: (a pattern of the labels' texts, the text read). The
#: y labels' leading '5' read '9' (the sweep's), the colorbar labels' leading '5' read '8'.
MISREADS = {"y": (r"^5(1\d\d(\.\d)?)$", r"9\1"), "bar": (r"^5([2-9]00)$", r"8\1"),
            "x": (r"^6(\d\d)$", r"8\1")}
READ_AS = {"y": ("9", "5"), "bar": ("8", "5"), "x": ("8", "6")}


def render(path, font, size, dpi):
    """A map in km as the sweep's figure: x 603-627, y 5150-5170, a colorbar 5200-5900 below,
    its labels in ``font`` at ``size`` points, ``dpi``."""
    rows, cols = np.mgrid[0:60, 0:80]
    field = 5200.0 + 700.0 * (0.5 + 0.25 * np.sin(cols / 9.0) + 0.25 * np.cos(rows / 7.0))
    with plt.rc_context({"font.family": font, "font.size": size}):
        figure, axes = plt.subplots(figsize=(520 / 72, 530 / 72), dpi=dpi)
        mesh = axes.pcolormesh(np.linspace(603, 627, 81), np.linspace(5150, 5170, 61), field,
                               cmap="viridis", vmin=5200, vmax=5900)
        axes.set_xlabel("Easting (km)")
        figure.colorbar(mesh, orientation="horizontal")
        figure.savefig(path, dpi=dpi)
        plt.close(figure)
    return read_figure(str(path)).rgb


def read_with_misread(rgb, monkeypatch, which):
    """The figure read with ``which`` labels' misread (None: as Tesseract reads them)."""
    return read_with(rgb, monkeypatch, MISREADS[which] if which is not None else None)


def read_with(rgb, monkeypatch, misread):
    """The figure read with ``misread`` (a pattern of the labels' texts, the text read) put on
    the OCR's output (None: as Tesseract reads them)."""
    if misread is not None:
        pattern, read_as = misread
        original = figure_reading._Reader._read_with_superscript
        monkeypatch.setattr(figure_reading._Reader, "_read_with_superscript",
                            lambda self, label: re.sub(pattern, read_as,
                                                       original(self, label).strip()))
    return read_figure_face(rgb, detect_layout(rgb))


def values(reading):
    """The values kept by the x axis', the y axis' and the colorbar's fits."""
    return {name: sorted(label.value for label in axis.kept) if axis is not None else []
            for name, axis in (("x", reading.x_axis), ("y", reading.y_axis),
                               ("bar", reading.colorbar.axis if reading.colorbar else None))}


#: What the figure's labels say.
RIGHT = {"x": [605.0, 610.0, 615.0, 620.0, 625.0],
         "y": [5150.0 + 2.5 * step for step in range(9)],
         "bar": [5200.0 + 100.0 * step for step in range(8)]}
#: Styles Tesseract reads right.
STYLES = [("DejaVu Serif", 10, 100), ("DejaVu Sans", 10, 100), ("DejaVu Sans", 10, 150),
          ("Nimbus Sans", 11, 96)]


def test_tesseract_misread_read_again(tmp_path):
    """DejaVu Serif 12 pt at 72 dpi, the sweep's style: Tesseract itself reads the leading '5'
    of every y label and every colorbar label as '9' ('9152.5', '9200'), which stays on a line
    (was taken: the map 4000 km north, the range 9200-9900). Read again as '5'."""
    rgb = render(tmp_path / "map.png", "DejaVu Serif", 12, 72)
    reading = read_figure_face(rgb, detect_layout(rgb))
    assert values(reading) == RIGHT, (values(reading), reading.warnings)
    said = [warning for warning in reading.warnings if "read again" in warning]
    # Which labels Tesseract misreads varies with the machine's libraries (every one where this
    # was written; with Debian 12's packages of 2026-12, '5200', '5400' and '5700' are read
    # right): at least one of each side's is named, its '9' read again as '5'.
    assert len(said) == 1 and "The y axis and colorbar tick labels" in said[0] and \
        "the glyphs read '9'" in said[0] and \
        re.search(r"'9(?P<hundreds>\d)00' -> '5(?P=hundreds)00'", said[0]) and \
        re.search(r"'91(?P<rest>\d\d\.\d)' -> '51(?P=rest)'", said[0]) and \
        "give GCPS and VMIN and VMAX" in said[0], said
    assert reading.colorbar.vmin == pytest.approx(5200.0, abs=7.0) and \
        reading.colorbar.vmax == pytest.approx(5900.0, abs=7.0)


def test_glyph_copies_released_after_reading(tmp_path):
    """The glyphs' moved copies made to compare their thousands of pairs (some 150 kB a glyph)
    and the pairs compared are kept while the figure is read and released when it has been,
    not kept in QGIS's memory after the run: DejaVu Serif 12 pt at 72 dpi, glyphs 9-11 px,
    compared at an eighth of a pixel."""
    rgb = render(tmp_path / "map.png", "DejaVu Serif", 12, 72)
    kept = []
    original = label_checks._moved_copies

    def counting(*args):
        kept.append((label_checks._cached_moved_copies.cache_info().currsize,
                     len(label_checks._PAIRS_COMPARED)))
        return original(*args)

    label_checks._moved_copies = counting
    try:
        read_figure_face(rgb, detect_layout(rgb))
    finally:
        label_checks._moved_copies = original
    # Copies and pairs were kept during the reading (from one check to the next).
    assert max(copies for copies, _ in kept) > 0 and max(pairs for _, pairs in kept) > 0, kept
    assert label_checks._cached_moved_copies.cache_info().currsize == 0
    assert label_checks._cached_half_shifted_copies.cache_info().currsize == 0
    assert not label_checks._PAIRS_COMPARED


@pytest.mark.parametrize("font, size, dpi", [("DejaVu Serif", 12, 72), ("DejaVu Sans", 10, 150)])
def test_each_pair_of_glyph_images_compared_once_a_reading(tmp_path, monkeypatch, font, size,
                                                          dpi):
    """A figure's labels repeat one digit drawn pixel for pixel alike (the '0's of '5200' ...
    '5900'), and its reading compares the labels' glyphs in several checks and again when
    digits are re-read: each pair of glyph images (and height) is compared once a reading,
    its answer kept (bench_detection's 1 MP figure compared 284 pairs of images 4124 times,
    a third of its detection time). Glyphs under 12 px (glyph_difference_share, 9-11 px here)
    and of 12 px and more (glyph_difference_px, 15 px); the findings are the same (the
    comparisons are deterministic: bench/detection_digests.py on 30 figures)."""
    rgb = render(tmp_path / "map.png", font, size, dpi)
    compared = []
    original = label_checks._compared_alike

    def counting(first, second, height):
        compared.append((first.tobytes(), first.shape, second.tobytes(), second.shape, height))
        return original(first, second, height)

    monkeypatch.setattr(label_checks, "_compared_alike", counting)
    read_figure_face(rgb, detect_layout(rgb))
    assert len(compared) > 50, len(compared)
    assert len(set(compared)) == len(compared), (len(set(compared)), len(compared))


@pytest.mark.parametrize("font, size, dpi", STYLES)
def test_right_readings_are_not_read_again(tmp_path, font, size, dpi):
    rgb = render(tmp_path / "map.png", font, size, dpi)
    reading = read_figure_face(rgb, detect_layout(rgb))
    assert values(reading) == RIGHT, values(reading)
    assert not any("read again" in warning for warning in reading.warnings), reading.warnings


@pytest.mark.parametrize("font, size, dpi", STYLES)
def test_axis_digit_misread_on_every_label_is_read_again(tmp_path, monkeypatch, font, size,
                                                         dpi):
    """Every y label's leading '5' read '9' ('9150.0' ... '9170.0', on a line; taken in
    silence before, but for 4647304's warning within the axis). Read again as '5' where the
    glyph is drawn as '5's the fits confirm (the y labels' own '5155', '5165'). In Nimbus Sans
    11 pt at 96 dpi those '5's stand at other sub-pixel phases: aligned by half pixels they
    differed as much as two digits and the misread was only warned about; aligned to an
    eighth of a pixel (label_checks.glyph_difference_share) they are drawn alike."""
    rgb = render(tmp_path / "map.png", font, size, dpi)
    reading = read_with_misread(rgb, monkeypatch, "y")
    said = [warning for warning in reading.warnings if "read again" in warning]
    assert values(reading) == RIGHT, (values(reading), reading.warnings)
    assert len(said) == 1 and said[0].startswith("The y axis tick labels") and \
        "the glyphs read '9'" in said[0] and "drawn as the '5's" in said[0] and \
        "'9170.0' -> '5170.0'" in said[0] and said[0].endswith("give GCPS."), reading.warnings


@pytest.mark.parametrize("font, size, dpi", STYLES)
def test_colorbar_digit_misread_on_every_label_never_silent(tmp_path, monkeypatch, font, size,
                                                           dpi):
    """Every colorbar label's leading '5' read '8' ('8200' ... '8900', on a line): read again
    as '5' when the fits tell the two readings apart, else warned about naming VMIN and VMAX
    (the y labels' leading '5's read '8' would fit their ticks too); never taken in silence.
    Taken in silence before, wherever the glyphs are under 12 px."""
    rgb = render(tmp_path / "map.png", font, size, dpi)
    reading = read_with_misread(rgb, monkeypatch, "bar")
    kept = values(reading)
    if kept == RIGHT:
        said = [warning for warning in reading.warnings if "read again" in warning]
        assert len(said) == 1 and "the glyphs read '8'" in said[0], reading.warnings
    else:
        assert kept["bar"] == [8200.0 + 100.0 * step for step in range(8)], kept
        assert any("may have been misread" in warning and "VMIN and VMAX" in warning
                   for warning in reading.warnings), reading.warnings


@pytest.mark.parametrize("font, size, dpi", STYLES + [("DejaVu Sans", 12, 72)])
def test_x_leading_six_read_eight_never_silent(tmp_path, monkeypatch, font, size, dpi):
    """Every x label's leading '6' read '8' ('805' ... '825', on a line: the map 200 km east).
    Glyphs 9-11 px high: one '6' drawn at two sub-pixel phases differed by as much as a '6'
    and an '8' (0.27 of their ink, Nimbus Sans 11 pt at 96 dpi) when aligned by half pixels,
    so the glyphs read '8' were not seen drawn as the y labels' '6's ('5160', '5167.5') and the
    misread was taken in silence (Nimbus Sans 11 pt at 96 dpi, DejaVu Sans 12 pt at 72 dpi).
    Aligned to an eighth of a pixel, they are: read again as '6', or warned about naming GCPS
    when the fits cannot tell which reading is right."""
    rgb = render(tmp_path / "map.png", font, size, dpi)
    reading = read_with_misread(rgb, monkeypatch, "x")
    if values(reading)["x"] == RIGHT["x"]:
        said = [warning for warning in reading.warnings if "read again" in warning]
        assert len(said) == 1 and said[0].startswith("The x axis tick labels") and \
            "the glyphs read '8'" in said[0] and "drawn as the '6's" in said[0], reading.warnings
    else:
        assert any("read '8'" in warning and "read '6'" in warning and "GCPS" in warning
                   for warning in reading.warnings), (values(reading), reading.warnings)


def test_x_leading_six_read_eight_read_again_where_digits_touch(tmp_path, monkeypatch):
    """DejaVu Serif 12 pt at 72 dpi (the sweep's seed 142 #3 style), every x label's '6' read
    '8'. The glyphs are compared only in labels with a glyph to each digit: in '805', '820'
    and '825' two digits touch, so only '810' and '815' were offered to be read again, which
    broke the axis' line and was refused: the x axis kept 805..825, the map 200 km east, with
    only the y axis' and colorbar's rereading said. The axis' labels sharing that unconfirmed
    leading '8' are read again with them: 605..625, said."""
    rgb = render(tmp_path / "map.png", "DejaVu Serif", 12, 72)
    reading = read_with_misread(rgb, monkeypatch, "x")
    assert values(reading) == RIGHT, (values(reading), reading.warnings)
    said = [warning for warning in reading.warnings if warning.startswith("The x axis")]
    assert len(said) == 1 and "the glyphs read '8'" in said[0] and \
        "'805' -> '605'" in said[0] and "'825' -> '625'" in said[0], reading.warnings


def drawn_glyphs(tmp_path, text, font, size, dpi, rotation):
    """``text`` drawn by matplotlib at ``rotation`` degrees, read back as glyphs: boxes."""
    figure = plt.figure(figsize=(3.0, 1.2), dpi=dpi)
    figure.text(0.5, 0.5, text, fontsize=size, family=font, rotation=rotation,
                ha="center", va="center")
    path = tmp_path / "glyphs.png"
    figure.savefig(path, dpi=dpi)
    plt.close(figure)
    lum = read_figure(str(path)).rgb.astype(float) @ np.array([0.299, 0.587, 0.114])
    return [glyph.box() for glyph in find_glyphs(ink_mask(lum, 255.0), max_height=60)]


@pytest.mark.parametrize("font", ["DejaVu Sans", "DejaVu Serif", "Nimbus Sans", "Nimbus Roman"])
@pytest.mark.parametrize("size, dpi", [(6, 96), (7, 96), (8, 72), (10, 100), (12, 150)])
def test_level_digits_are_never_on_their_side(tmp_path, font, size, dpi):
    """Every digit written level, from 5 px high: no glyph wider than tall (a serif digit
    may come apart at 6-8 pt: several glyphs, never judged), never taken for a digit on its
    side (label_checks.digit_on_its_side); the same digits turned a quarter (QGIS's upward y
    annotations: sweep_qgis_layouts seed 54 #3, whose upward '0' in DejaVu Sans 7 pt at 96
    dpi, 7 px wide and 5 high, read '3' level and made a level pair that refused the axis)
    are, four of the ten at least (the narrow '1' and '7' never; a serif '0' at 6 pt is as
    wide as tall)."""
    turned_seen = 0
    for digit in "0123456789":
        level = drawn_glyphs(tmp_path, digit, font, size, dpi, 0)
        assert not digit_on_its_side(digit, level), (digit, level)
        assert len(level) > 1 or level[0][2] - level[0][0] <= level[0][3] - level[0][1]
        turned = drawn_glyphs(tmp_path, digit, font, size, dpi, 90)
        turned_seen += digit_on_its_side("3", turned)
    assert turned_seen >= 4



@pytest.mark.parametrize("font", ["DejaVu Sans", "DejaVu Serif", "Nimbus Sans", "Nimbus Roman"])
@pytest.mark.parametrize("size, dpi", [(7, 96), (8, 72)])
def test_touching_digits_beside_a_degree_sign_read_as_one(tmp_path, font, size, dpi):
    """'60°' whose '6' and '0' touch (one glyph wider than tall) beside its degree sign, read
    '6°' (sweep_auto_decode --wide --wider seed 195 #7: Nimbus Sans 12 pt at 72 dpi through
    a JPEG, its y labels '60°' and '50°' read '6°' and '5°', values on a line of their own):
    a digit's glyph wider than tall, one glyph to each character, is no level digit
    (label_checks.digit_on_its_side), and the label has no value. Failed before: only labels
    of one glyph were judged. The digits with their degree sign, level, never are."""
    merged = 0
    for tens in "2345689":
        glyphs = sorted(drawn_glyphs(tmp_path, f"{tens}0°", font, size, dpi, 0))
        if len(glyphs) == 2 and glyphs[0][2] - glyphs[0][0] > glyphs[0][3] - glyphs[0][1] and \
                glyphs[1][3] - glyphs[1][1] <= 0.6 * (glyphs[0][3] - glyphs[0][1]):
            # The two digits one glyph, the degree sign another (DejaVu at both sizes, Nimbus
            # Sans at 7 pt: at 8 pt at 72 dpi its degree sign touches too, one glyph for three
            # characters, not judged; Nimbus Roman's digits stay apart).
            merged += 1
            assert digit_on_its_side(f"{tens}°", glyphs), (tens, glyphs)
    assert merged >= (5 if font.startswith("DejaVu") or (font, size) == ("Nimbus Sans", 7)
                      else 0), merged
    for digit in "0123456789":
        level = drawn_glyphs(tmp_path, f"{digit}°", font, size, dpi, 0)
        assert not digit_on_its_side(f"{digit}°", level), (digit, level)


def test_touching_digits_read_as_one_are_not_called_a_digit_on_its_side(tmp_path, monkeypatch):
    """DejaVu Sans 8 pt at 72 dpi: the digits of '20' … '90' touch and make one glyph 9 px
    wide and 7 high. Tesseract reading one digit from it ('60' read '6', put on its output
    here) is a character not read, and the label has no value; the log said "one glyph wider
    than tall: a digit on its side", the note of QGIS's turned digits (5 px high beside 7 px
    text), which sent the user looking for rotated labels. As tall as the text's digits, the
    glyph is digits touching, and the log says so."""
    rows, cols = np.mgrid[0:60, 0:80]
    with plt.rc_context({"font.family": "DejaVu Sans", "font.size": 8}):
        figure, axes = plt.subplots(figsize=(6.4, 4.8), dpi=72)
        mesh = axes.pcolormesh(np.linspace(0, 95, 81), np.linspace(10, 90, 61),
                               np.sin(cols / 9.0) + np.cos(rows / 7.0), cmap="viridis")
        figure.colorbar(mesh)
        figure.savefig(tmp_path / "map.png", dpi=72)
        plt.close(figure)
    rgb = read_figure(str(tmp_path / "map.png")).rgb
    original = figure_reading._Reader._read_with_superscript
    monkeypatch.setattr(figure_reading._Reader, "_read_with_superscript",
                        lambda self, label: re.sub(r"^60$", "6",
                                                   original(self, label).strip()))
    reading = read_figure_face(rgb, detect_layout(rgb))
    read_six = [label for axis in (reading.x_axis, reading.y_axis) if axis is not None
                for label in axis.labels if label.text.startswith("6 ")]
    assert len(read_six) == 2, [label.text for label in reading.y_axis.labels]
    for label in read_six:
        assert label.value is None and "digits touching" in label.text and \
            "on its side" not in label.text, label.text


def test_axis_title_read_once_when_the_face_is_read_again(tmp_path, monkeypatch):
    """The face is read again for each way of re-reading digits (the sweep's style: the '5's
    read '9' are read again), and each time its axis titles were read anew by Tesseract
    (bench_detection's 1 MP figure: 6 title readings of 2 images, 0.28 of its 0.44 s of
    Tesseract, perf44): a line of words goes to Tesseract once per image while the figure is
    read (figure_reading._Reader._read_words), the title read as before."""
    rgb = render(tmp_path / "map.png", "DejaVu Serif", 12, 72)
    images, faces = collections.Counter(), []
    real_read_text, real_read_face = figure_reading.read_text, figure_reading._read_face

    def counted_read_text(image):
        images[(image.shape, image.tobytes())] += 1
        return real_read_text(image)

    def counted_read_face(*args):
        faces.append(args)
        return real_read_face(*args)

    monkeypatch.setattr(figure_reading, "read_text", counted_read_text)
    monkeypatch.setattr(figure_reading, "_read_face", counted_read_face)
    reading = read_figure_face(rgb, detect_layout(rgb))
    assert len(faces) > 1  # read again
    assert images and set(images.values()) == {1}, sorted(images.values())
    assert "Easting" in reading.x_axis.title and values(reading) == RIGHT
