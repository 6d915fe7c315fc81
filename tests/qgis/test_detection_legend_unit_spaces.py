"""A QGIS colour-ramp legend whose values carry a unit suffix (' m') and whose word spaces
merge its text into one label.

Small legend text rounds the word space before the unit down to the gaps between glyphs the
label merging joins: '0 m' at 100 dpi (DejaVu Sans 8 pt, digits 8 px high, the space 4 px)
was one label, read 'm' by Tesseract (a lone small '0' before a word is dropped), and the
range was refused naming VMIN (sweep_qgis_layouts seed 275 #7). A short horizontal ramp's two
end labels stand a word space apart ('1,000 m 3,500 m', DejaVu Sans Condensed 10 pt at
150 dpi): one label read '1,000m3,500m', no number (seed 275 #1). Both are cut at their word
spaces into numbers and units, each number read alone.
"""
import shutil

import pytest
from qgis_layout_figure import render_print_layout

from colormap_decoder.plugin.engine.detection.figure_reading import (
    _words_at_spaces,
    read_figure_face,
)
from colormap_decoder.plugin.engine.detection.layout import detect_layout
from colormap_decoder.plugin.engine.figure import read_figure

CRS = "EPSG:32605"
EXTENT = (256000.0, 279000.0, 2136000.0, 2153000.0)


def _legend_range(tmp_path, shared_data, value_range, font, size, dpi, horizontal,
                  ramp_length):
    grid_path = tmp_path / "kilauea.nc"
    shutil.copy(shared_data / "gmtserver_Kilauea.utm.nc", grid_path)
    figure = render_print_layout(tmp_path / "layout.png", grid_path, CRS, EXTENT, value_range,
                                 horizontal_legend=horizontal, dpi=dpi, interval=5000.0,
                                 suffix=" m", legend_font=font, legend_font_size=size,
                                 ramp_length=ramp_length)
    rgb = read_figure(figure.path).rgb
    bar = read_figure_face(rgb, detect_layout(rgb), want_axes=False).colorbar
    return bar, [label.text for label in bar.axis.labels]


@pytest.mark.parametrize("value_range, font, size, dpi, horizontal, ramp_length", [
    # sweep_qgis_layouts 275 #7's legend: '0 m' read 'm'.
    ((0.0, 138.0), "DejaVu Sans", 8, 100, False, None),
    ((0.0, 138.0), "Nimbus Sans", 7, 96, False, None),
    ((0.0, 138.0), "DejaVu Sans Condensed", 8, 120, False, None),
    ((0.0, 138.0), "DejaVu Sans", 8, 96, True, 25),
    # 275 #1's legend (DejaVu Sans Condensed 10 pt at 150 dpi there): '1,000 m 3,500 m' one
    # label.
    ((1000.0, 3500.0), "DejaVu Serif", 8, 96, True, 25),
    ((1000.0, 3500.0), "DejaVu Sans", 8, 96, True, 25),
])
def test_legend_values_with_a_unit_cut_at_word_spaces(qgis_app, tmp_path, shared_data,
                                                      value_range, font, size, dpi, horizontal,
                                                      ramp_length):
    bar, texts = _legend_range(tmp_path, shared_data, value_range, font, size, dpi, horizontal,
                               ramp_length)
    low, high = value_range
    assert bar.vmin is not None and bar.vmax is not None, texts
    assert bar.vmin == pytest.approx(low, abs=0.005 * (high - low)), texts
    assert bar.vmax == pytest.approx(high, abs=0.005 * (high - low)), texts


def test_words_at_spaces():
    """Glyph boxes of '0 m' (100 dpi) and '1,000 m' (150 dpi) as QGIS draws them; a number's
    own gaps are no word space."""
    zero_m = [(129, 279, 135, 287), (139, 281, 147, 287)]
    assert _words_at_spaces(zero_m) == [zero_m[:1], zero_m[1:]]
    thousand_m = [(161, 1562, 169, 1577), (172, 1574, 174, 1579), (177, 1562, 186, 1577),
                  (188, 1562, 197, 1577), (198, 1562, 207, 1577), (215, 1566, 229, 1577)]
    assert _words_at_spaces(thousand_m) == [thousand_m[:5], thousand_m[5:]]
    number = [(10, 0, 18, 15), (20, 0, 28, 15), (31, 0, 39, 15)]
    assert _words_at_spaces(number) == [number]
