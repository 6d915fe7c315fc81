"""QGIS colour-ramp legends with a unit suffix (' m') whose readings contradict each other:
never taken in silence.

legend38's grid of legends (bench/legend_matrix.py ``--kind units``) read nine ranges wrong
in silence. A thousands comma read as a point on one of a legend's two labels ('3.500m'
beside '1,000m': Nimbus Sans and DejaVu Serif 7 pt at 96-120 dpi, whose '50' touch as one
glyph) gave 3.5-1,000: a linear scale's one format never writes both, and the range is
refused naming VMIN (:func:`.label_checks.separators_at_odds`), unless the comma's own glyph,
standing alone, tells it (Nimbus Sans 7 pt at 100 dpi, Nimbus Roman 8 pt at 96 dpi,
DejaVu Serif 7 pt at 96 dpi: read right, :func:`.label_checks.lone_separator_as_inked`).
A lone '0' read
'8' alone and 'om' with its unit ('0 m', DejaVu Sans 10 pt at 96 dpi) gave 8-138: two
readings of the same glyph that disagree confirm no value, and the end is not read.
"""
import shutil

import numpy as np
import pytest
from qgis_layout_figure import render_print_layout

from colormap_decoder.plugin.engine.detection.figure_reading import (
    _digits_read_otherwise,
    read_figure_face,
)
from colormap_decoder.plugin.engine.detection.label_checks import (
    digit_pitch,
    lone_separator_as_inked,
    separators_as_inked,
    separators_at_odds,
)
from colormap_decoder.plugin.engine.detection.layout import detect_layout
from colormap_decoder.plugin.engine.detection.text import find_glyphs, ink_mask, merge_into_labels
from colormap_decoder.plugin.engine.figure import read_figure

CRS = "EPSG:32605"
EXTENT = (256000.0, 279000.0, 2136000.0, 2153000.0)


def _legend_reading(tmp_path, shared_data, value_range, font, size, dpi, horizontal):
    grid_path = tmp_path / "kilauea.nc"
    shutil.copy(shared_data / "gmtserver_Kilauea.utm.nc", grid_path)
    figure = render_print_layout(tmp_path / "layout.png", grid_path, CRS, EXTENT, value_range,
                                 horizontal_legend=horizontal, dpi=dpi, interval=5000.0,
                                 suffix=" m", legend_font=font, legend_font_size=size,
                                 ramp_length=25 if horizontal else None)
    rgb = read_figure(figure.path).rgb
    bar = read_figure_face(rgb, detect_layout(rgb), want_axes=False).colorbar
    return bar, [label.text for label in bar.axis.labels]


@pytest.mark.parametrize("value_range, font, size, dpi, horizontal", [
    # '1.000m' beside '3,500m' (1-3,500 before).
    ((1000.0, 3500.0), "Nimbus Sans", 7, 120, False),
])
def test_separators_at_odds_refused(qgis_app, tmp_path, shared_data, value_range, font, size,
                                    dpi, horizontal):
    bar, texts = _legend_reading(tmp_path, shared_data, value_range, font, size, dpi,
                                 horizontal)
    assert bar.vmin is None and bar.vmax is None, texts
    assert "groups thousands with a comma" in bar.axis.problem


def test_lone_digit_read_otherwise_with_its_unit_not_taken(qgis_app, tmp_path, shared_data):
    bar, texts = _legend_reading(tmp_path, shared_data, (0.0, 138.0), "DejaVu Sans", 10, 96,
                                 False)
    # Either end read right, or not read: never 8.
    assert bar.vmin is None or bar.vmin == pytest.approx(0.0, abs=0.7), texts
    assert bar.vmax is None or bar.vmax == pytest.approx(138.0, abs=0.7), texts


@pytest.mark.parametrize("value_range, font, size, dpi, horizontal", [
    ((1000.0, 3500.0), "DejaVu Sans", 8, 96, False),
    ((-1035.0, 2205.0), "DejaVu Sans", 10, 120, False),
    ((0.0, 138.0), "DejaVu Sans", 8, 100, False),
    # '3.500m' beside '1,000m', refused so before: the comma's glyph, standing alone among
    # glyphs broken apart, tells it now (label_checks.lone_separator_as_inked).
    ((1000.0, 3500.0), "Nimbus Sans", 7, 100, False),
    ((1000.0, 3500.0), "Nimbus Roman", 8, 96, True),
    # '3.500m' beside '1,000m', refused so before (3.5-1,000 before that): the comma's glyph,
    # placed by a pitch its 8 px digits make plausible, tells it now (the figure's pitch is the
    # map annotations', the label's own its broken pieces').
    ((1000.0, 3500.0), "DejaVu Serif", 7, 96, False),
])
def test_consistent_legends_still_read(qgis_app, tmp_path, shared_data, value_range, font,
                                       size, dpi, horizontal):
    bar, texts = _legend_reading(tmp_path, shared_data, value_range, font, size, dpi,
                                 horizontal)
    low, high = value_range
    assert bar.vmin == pytest.approx(low, abs=0.005 * (high - low)), texts
    assert bar.vmax == pytest.approx(high, abs=0.005 * (high - low)), texts


def test_lone_comma_kept_by_its_coverage_on_the_real_render(qgis_app, tmp_path, shared_data):
    """QGIS's '2,205m' in Nimbus Roman 7 pt at 96 dpi, its glyphs broken apart under the ink
    mask (BROKEN_2205 of tests/engine/test_detection_punctuation.py): the comma's head is a
    1x1 px box, its tail a pixel a fifth inked below the digits. Its box alone is a point's;
    the figure's luma tells the comma, so a comma read there is kept and a point read there
    (Tesseract's '2.205m') becomes one."""
    grid_path = tmp_path / "kilauea.nc"
    shutil.copy(shared_data / "gmtserver_Kilauea.utm.nc", grid_path)
    figure = render_print_layout(tmp_path / "layout.png", grid_path, CRS, EXTENT,
                                 (-1035.0, 2205.0), dpi=96, interval=5000.0, suffix=" m",
                                 legend_font="Nimbus Roman", legend_font_size=7)
    lum = read_figure(figure.path).rgb.astype(float) @ np.array([0.299, 0.587, 0.114])
    labels = merge_into_labels(find_glyphs(ink_mask(lum, 255.0)))
    # The legend's labels stand right of the map; '2,205m' is the upper of its two numbers
    # ('-1,035m' has a sign's bar more).
    legend = sorted((label for label in labels if label.col0 > 0.6 * lum.shape[1] and
                     label.members and len(label.members) >= 7 and label.height < 10),
                    key=lambda label: label.row0)
    assert len(legend) == 2, [label.box() for label in legend]
    label = legend[0]
    pitches = [digit_pitch(labels, label.height), digit_pitch([label], label.height, 1)]
    for text in ("2,205m", "2.205m"):
        assert lone_separator_as_inked(text, label.members, pitches, lum, 255.0) == "2,205m"
        assert separators_as_inked(text, label.members, pitches[1], lum, 255.0,
                                   lone_pitches=pitches) == "2,205m"


def test_separators_at_odds():
    assert separators_at_odds(["3.500m", "1,000m"])
    assert separators_at_odds(["1.000 m", "12,300 m"])
    assert not separators_at_odds(["1,000 m", "3,500 m"])
    assert not separators_at_odds(["0.500", "2.250"])
    assert not separators_at_odds(["1,000.5", "3,500.5"])
    assert not separators_at_odds(["0.5", "1,250"])


def test_digits_read_otherwise():
    assert _digits_read_otherwise("om", "8")
    assert _digits_read_otherwise("9 m", "8")
    assert not _digits_read_otherwise("m", "0")  # the lone digit dropped: nothing said
    assert not _digits_read_otherwise("0 m", "0")
    assert not _digits_read_otherwise("1,000m", "1,000")
    assert not _digits_read_otherwise("Ee", "8")
