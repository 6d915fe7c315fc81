"""A QGIS colour-ramp legend whose serif '0' is broken into its two sides.

Nimbus Roman at 7-10 pt and 96-120 dpi draws a '0' whose thin top and bottom strokes are
lighter than the ink threshold: the two sides are glyphs of their own, each half a digit wide.
The legend's '0 m', read '0m' by Tesseract, was counted three characters for the two read and
refused as one a character short ('1,000 m' and '3,500 m' likewise), and the half-digit pairs
made the digits' pitch look half a digit (the label then a character too wide for its text).
Both now take the two sides for one character (bench/legend_matrix.py units).
"""
import shutil

import pytest
from qgis_layout_figure import render_print_layout

from colormap_decoder.plugin.engine.detection.figure_reading import read_figure_face
from colormap_decoder.plugin.engine.detection.layout import detect_layout
from colormap_decoder.plugin.engine.figure import read_figure

CRS = "EPSG:32605"
EXTENT = (256000.0, 279000.0, 2136000.0, 2153000.0)


@pytest.mark.parametrize("value_range, size, dpi, horizontal", [
    ((0.0, 138.0), 7, 120, False),
    ((0.0, 138.0), 10, 96, False),
    # '1,000 m' and '3,500 m' on a 25 mm horizontal ramp: a '0''s sides among digits.
    ((1000.0, 3500.0), 10, 96, True),
    ((1000.0, 3500.0), 8, 120, True),
])
def test_serif_zero_in_two_pieces_read(qgis_app, tmp_path, shared_data, value_range, size, dpi,
                                       horizontal):
    grid_path = tmp_path / "kilauea.nc"
    shutil.copy(shared_data / "gmtserver_Kilauea.utm.nc", grid_path)
    figure = render_print_layout(tmp_path / "layout.png", grid_path, CRS, EXTENT, value_range,
                                 dpi=dpi, interval=5000.0, suffix=" m",
                                 legend_font="Nimbus Roman", legend_font_size=size,
                                 horizontal_legend=horizontal,
                                 ramp_length=25 if horizontal else None)
    rgb = read_figure(figure.path).rgb
    bar = read_figure_face(rgb, detect_layout(rgb), want_axes=False).colorbar
    texts = [label.text for label in bar.axis.labels]
    low, high = value_range
    assert bar.vmin == pytest.approx(low, abs=0.005 * (high - low)), texts
    assert bar.vmax == pytest.approx(high, abs=0.005 * (high - low)), texts
