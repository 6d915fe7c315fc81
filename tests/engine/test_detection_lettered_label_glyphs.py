"""Digits of labels written with a unit or a hemisphere letter ('5186000 m', '46.4°N') compared
with the figure's other glyphs (label_checks._digit_glyphs, _digit_boxes_before_letters).

sweep_auto_decode --wide --wider seed 288 #3 (matplotlib imshow of the Vinschgau DEM, bmh,
DejaVu Serif Bold 10 pt at 150 dpi, labels '{x:.0f} m', cropped tight): Tesseract read every y
label's leading '5' as '3' ('5186000 m' as '3186000 m'). The labels stay evenly spaced, so the
fit took them and the map was placed 2000 km south with nothing said (GCPs 85,000 px off). The
glyph read '3' is drawn as the colorbar's '5's ('1500', '2500'), and
`figure_reading._reread_digits` reads such glyphs again; but a label with letters in it was
left out of the glyph comparison, so its digits were never compared.

Real figures drawn by matplotlib; the first misread is Tesseract's own, the others are put on
the OCR's output (any font, a unit or a hemisphere letter): read again as drawn. Read right,
nothing is read again.
"""

import matplotlib
import numpy as np
import pytest
from matplotlib import ticker
from test_detection_digit_rereading import read_with as read_with_misread
from test_detection_digit_rereading import values

from colormap_decoder.plugin.engine.detection import label_checks
from colormap_decoder.plugin.engine.detection.figure_reading import read_figure_face
from colormap_decoder.plugin.engine.detection.labels import parse_label
from colormap_decoder.plugin.engine.detection.layout import detect_layout
from colormap_decoder.plugin.engine.figure import read_figure

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402 - after choosing the backend

#: The sweep's map: UTM 32N metres (x 620500-637000, y 5174750-5187000), a colorbar 1500-3500.
METRES = {"extent": (620500, 637000, 5174750, 5187000), "format": "{x:.0f} m",
          "x": [622000.0 + 2000.0 * step for step in range(8)],
          "y": [5176000.0, 5178000.0, 5180000.0, 5182000.0, 5184000.0, 5186000.0]}
#: A map in degrees with hemisphere letters: x 10.1-10.9°E ('10.1°E'...), y 46.25-46.85°N.
DEGREES = {"extent": (10.1, 10.9, 46.25, 46.85), "format": "{x:.1f}°",
           "x": [10.1 + 0.1 * step for step in range(9)], "y": [46.3, 46.4, 46.5, 46.6, 46.7, 46.8]}
BAR = [1500.0 + 250.0 * step for step in range(9)]


def render(path, font, size, dpi, bold=False, style="default", labels=METRES):
    """A smooth field over ``labels``' extent with a horizontal colorbar 1500-3500 below, the
    labels in ``font`` at ``size`` points (bold or not), ``dpi``, saved cropped tight."""
    rows, cols = np.mgrid[0:49, 0:66]
    field = 1500.0 + 2000.0 * (0.5 + 0.25 * np.sin(cols / 7.0) + 0.25 * np.cos(rows / 5.0))
    rc = {"font.family": font, "font.size": size}
    if bold:
        rc["font.weight"] = "bold"
    with plt.style.context(style), matplotlib.rc_context(rc):
        figure = plt.figure(figsize=(10.3, 5.5), dpi=dpi)
        axes = figure.add_axes([0.13, 0.27, 0.77, 0.63])
        bar_axes = figure.add_axes([0.2, 0.1, 0.6, 0.035])
        image = axes.imshow(field, cmap="RdYlBu", vmin=1500, vmax=3500, extent=labels["extent"],
                            aspect="auto", interpolation="bilinear")
        if labels is DEGREES:
            axes.xaxis.set_major_formatter(ticker.StrMethodFormatter("{x:.1f}°E"))
            axes.yaxis.set_major_formatter(ticker.StrMethodFormatter("{x:.1f}°N"))
        else:
            axes.xaxis.set_major_formatter(ticker.StrMethodFormatter(labels["format"]))
            axes.yaxis.set_major_formatter(ticker.StrMethodFormatter(labels["format"]))
        figure.colorbar(image, cax=bar_axes, orientation="horizontal")
        figure.savefig(path, dpi=dpi, bbox_inches="tight")
        plt.close(figure)
    return read_figure(str(path)).rgb


def assert_read_as_drawn(reading, labels, read_again):
    """Every label kept holds its drawn value (all of the colorbar's; the y axis' and the x
    axis' up to one a side, which Tesseract may not read at all); the labels read again, if
    ``read_again``, said so naming the y axis first (the colorbar's too when Tesseract misread
    one of them as well, as it does '2250' as '2290' at 10 pt 150 dpi) and GCPS."""
    read = values(reading)
    assert read["bar"] == BAR, (read, reading.warnings)
    for name in ("x", "y"):
        assert read[name] and all(any(value == pytest.approx(drawn, abs=1e-6)
                                       for drawn in labels[name]) for value in read[name]) and \
            len(read[name]) >= len(labels[name]) - 1, (name, read, reading.warnings)
    said = [warning for warning in reading.warnings if "read again" in warning]
    if read_again:
        assert len(said) == 1 and said[0].startswith("The y axis ") and \
            "tick labels were read again" in said[0] and "give GCPS" in said[0], reading.warnings
    else:
        assert not said, said


@pytest.mark.parametrize("size, dpi, bold, style", [
    (10, 150, True, "bmh"), (10, 150, False, "default"), (12, 120, False, "default")])
def test_tesseract_misread_of_a_unit_label_read_again(tmp_path, size, dpi, bold, style):
    """DejaVu Serif with ' m' after the number: Tesseract reads each y label's leading '5' as
    '3' (the sweep's look: bmh, bold 10 pt at 150 dpi) or '9' (regular, 10 pt at 150 dpi and
    12 pt at 120 dpi), every label alike: the map 2000 km south or 4000 km north in silence.
    The glyph is drawn as the colorbar's '5's, and read again as '5'."""
    rgb = render(tmp_path / "map.png", "DejaVu Serif", size, dpi, bold=bold, style=style)
    reading = read_figure_face(rgb, detect_layout(rgb))
    # Which labels Tesseract misreads may vary with the machine's libraries (all read '3...'
    # or '9...' with Debian 12's packages of 2026-12): read again or read right, the values
    # are the drawn ones.
    misread = any("read again" in warning for warning in reading.warnings)
    assert_read_as_drawn(reading, METRES, read_again=misread)


#: Misreads put on the OCR's output: the y labels' shared leading digit read as another.
MISREAD = (r"^46(\.\d°N)$", r"48\1")


@pytest.mark.parametrize("font, size, dpi", [("DejaVu Sans", 10, 100), ("DejaVu Serif", 12, 100)])
def test_shared_digit_misread_on_hemisphere_labels_read_again(tmp_path, monkeypatch, font, size,
                                                              dpi):
    """'46.5°N' read '48.5°N' on every y label (the map 222 km north): the glyph is drawn as the
    x labels' '6's ('10.6°E'), which their fit confirms, and the labels are read again."""
    rgb = render(tmp_path / "map.png", font, size, dpi, labels=DEGREES)
    reading = read_with_misread(rgb, monkeypatch, MISREAD)
    assert_read_as_drawn(reading, DEGREES, read_again=True)


@pytest.mark.parametrize("font, size, dpi", [("DejaVu Sans", 10, 100), ("DejaVu Serif", 12, 100)])
def test_hemisphere_labels_read_right_stay(tmp_path, font, size, dpi):
    """Read right, labels with a hemisphere letter are compared and nothing is read again."""
    rgb = render(tmp_path / "map.png", font, size, dpi, labels=DEGREES)
    assert_read_as_drawn(read_figure_face(rgb, detect_layout(rgb)), DEGREES, read_again=False)


def test_digit_boxes_before_letters():
    """The digits are the first full-height glyphs; a glyph as wide as the text is high (two
    digits run together, an 'm') or more full-height glyphs than letters after the digits
    leave the label out."""
    boxes = label_checks._digit_boxes_before_letters
    digit = [(10 * place, 0, 10 * place + 8, 12) for place in range(4)]
    unit = [(45, 3, 60, 12)]
    assert boxes("5186 m", digit + unit, 4, 12) == digit
    assert boxes("5186 m", digit, 4, 12) == digit
    assert boxes("46.5°N", digit[:3] + [(35, 0, 44, 12)], 3, 12) == digit[:3]
    run_together = [(0, 0, 18, 12), (20, 0, 28, 12), (30, 0, 38, 12)]
    assert boxes("5186 m", run_together + unit, 4, 12) == []
    assert boxes("5186 m", digit + unit + unit, 4, 12) == []
    assert boxes("E5186", digit, 4, 12) == []


@pytest.mark.parametrize("text, value", [
    ("670°W", None), ("365°E", None), ("95°N", None), ("91°30'S", None), ("200°10'°W", None),
    ("180°W", -180.0), ("90°S", -90.0), ("170°W", -170.0), ("240°E", 240.0), ("359°", 359.0),
    ("500000E", 500000.0)])
def test_degrees_beyond_their_hemisphere_are_no_reading(text, value):
    """A hemisphere letter is written with at most 90° (N, S) or 180° (E, W): '670°W' is
    '170°W' with its '1' read again as a '6', never a coordinate. East longitudes run on to
    360° in some tools ('240°E'); without a degree sign the letter may be a grid label's
    ('500000E'), and without a letter 0-360 longitudes run on."""
    parsed = parse_label(text)
    assert (parsed.value if parsed is not None else None) == value
