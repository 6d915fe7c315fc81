"""A lone separator among a QGIS legend label's broken glyphs, placed by a pitch its digits'
height makes plausible.

At 7-10 pt and 96-120 dpi the thin strokes of serif digits fall under the ink mask, and the
glyphs of a legend's label map on no characters: the one small glyph standing alone tells
where the separator is and which one (:func:`.label_checks.lone_separator_as_inked`). Its
place is counted in digit pitches, and the pitches at hand may be far off: the label's own,
measured over a '0' in two halves (0.57 of the digits' height), or the figure's, measured
over the map's annotations in another font (0.95 of it). main took the smaller of the two
and put the separator a digit off ('035' read '03.5', '12300' read '1,2300'). A pitch is
now taken only within 0.6-1.0 of the digits' height (the label's own first, then the
figure's), else 0.76 of it where no pitch of 0.6-1.1 of the height places the glyph
elsewhere (:func:`.label_checks._plausible_pitch`); a separator read where a
point's glyph stands is a point by its pixels' coverage, whatever its box ('0,5' kept a
comma before).
"""
import shutil

import numpy as np
import pytest
from PIL import Image
from qgis_layout_figure import render_print_layout

from colormap_decoder.plugin.engine.detection.label_checks import (
    digit_pitch,
    lone_separator_as_inked,
    separators_as_inked,
)
from colormap_decoder.plugin.engine.detection.labels import normalise
from colormap_decoder.plugin.engine.detection.text import find_glyphs, ink_mask, merge_into_labels
from colormap_decoder.plugin.engine.figure import read_figure

CRS = "EPSG:32605"
EXTENT = (256000.0, 279000.0, 2136000.0, 2153000.0)


def _legend_labels(tmp_path, shared_data, value_range, font, size, dpi, jpeg=None, suffix=None):
    """The legend's number labels (low end, high end) as the detection finds them, the
    figure's labels and its luma."""
    grid_path = tmp_path / "kilauea.nc"
    shutil.copy(shared_data / "gmtserver_Kilauea.utm.nc", grid_path)
    options = {"suffix": suffix} if suffix else {}
    figure = render_print_layout(tmp_path / "layout.png", grid_path, CRS, EXTENT, value_range,
                                 dpi=dpi, interval=5000.0, legend_font=font,
                                 legend_font_size=size, **options)
    path = figure.path
    if jpeg:
        path = str(tmp_path / "layout.jpg")
        Image.open(figure.path).convert("RGB").save(path, quality=jpeg)
    lum = read_figure(path).rgb.astype(float) @ np.array([0.299, 0.587, 0.114])
    labels = merge_into_labels(find_glyphs(ink_mask(lum, 255.0)))
    # The vertical legend stands right of the map, above the map's bottom annotations; its
    # two number labels are its lowest (the low end) and the one above.
    legend = sorted((label for label in labels if label.col0 >= 0.7 * lum.shape[1] and
                     label.row1 <= 0.8 * lum.shape[0] and label.members and
                     len(label.members) >= 2 and label.height < 30),
                    key=lambda label: label.row0)
    assert len(legend) >= 2, [label.box() for label in legend]
    return (legend[-1], legend[-2]), labels, lum


@pytest.mark.parametrize("value_range, font, size, dpi, jpeg, suffix, end, reading, truth", [
    # A '0' in two halves: the label's own pitch 0.57 of the height; main read '03.5'.
    ((0.35, 6.8), "Nimbus Roman", 8, 96, None, None, 0, "035", "0.35"),
    # main read '1,2300' by a pitch from broken pieces. No pitch plausible (the figure's 1.06
    # of the digits' 8 px): pitches 0.6-1.1 of the height put the glyph after one digit or
    # two, so the reading is left (its value right).
    ((1250.0, 12300.0), "Nimbus Roman", 8, 96, 70, None, 1, "12300", "12300"),
    # A point read as a comma, its glyph a point by coverage; main kept '0,5'.
    ((0.5, 2.25), "Nimbus Roman", 8, 96, None, None, 0, "0,5", "0.5"),
    # The figure's pitch is the map's annotations' (another font); main read '35,00m'.
    ((1000.0, 3500.0), "DejaVu Serif", 7, 96, None, " m", 1, "3500m", "3,500m"),
    # A true reading is kept.
    ((1250.0, 12300.0), "Nimbus Roman", 8, 96, 70, None, 1, "12,300", "12,300"),
])
def test_lone_separator_placed_by_a_plausible_pitch(qgis_app, tmp_path, shared_data,
                                                    value_range, font, size, dpi, jpeg,
                                                    suffix, end, reading, truth):
    ends, labels, lum = _legend_labels(tmp_path, shared_data, value_range, font, size, dpi,
                                       jpeg, suffix)
    label = ends[end]
    # The pitches as the reader gathers them: the label's own, then the figure's.
    pitches = [digit_pitch([label], label.height, least_pairs=1),
               digit_pitch(labels, label.height)]
    if any(mark in reading for mark in ".,"):
        first = next((pitch for pitch in pitches if pitch is not None), None)
        mended = separators_as_inked(reading, label.members, first, lum, 255.0, pitches)
    else:
        mended = lone_separator_as_inked(reading, label.members, pitches, lum, 255.0)
    assert normalise(mended) == truth, (label.box(), sorted(label.members), pitches)
