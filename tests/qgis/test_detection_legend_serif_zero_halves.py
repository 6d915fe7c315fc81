"""A QGIS colour-ramp legend whose serif '0' is broken into its two sides.

Nimbus Roman at 7-10 pt and 96-120 dpi draws a '0' whose thin top and bottom strokes are
lighter than the ink threshold: the two sides are glyphs of their own, each half a digit wide.
The legend's '0 m', read '0m' by Tesseract, was counted three characters for the two read and
refused as one a character short (and the half-digit pairs made the digits' pitch look half a
digit: its width then looked a character too wide). Both now take the two sides for one
character (bench/legend_matrix.py units).
"""
import shutil

import pytest
from qgis_layout_figure import render_print_layout

from colormap_decoder.plugin.engine.detection.figure_reading import read_figure_face
from colormap_decoder.plugin.engine.detection.layout import detect_layout
from colormap_decoder.plugin.engine.figure import read_figure

CRS = "EPSG:32605"
EXTENT = (256000.0, 279000.0, 2136000.0, 2153000.0)


@pytest.mark.parametrize("font, size, dpi", [
    ("Nimbus Roman", 7, 120),
    ("Nimbus Roman", 10, 96),
])
def test_serif_zero_in_two_pieces_read(qgis_app, tmp_path, shared_data, font, size, dpi):
    grid_path = tmp_path / "kilauea.nc"
    shutil.copy(shared_data / "gmtserver_Kilauea.utm.nc", grid_path)
    low, high = 0.0, 138.0
    figure = render_print_layout(tmp_path / "layout.png", grid_path, CRS, EXTENT, (low, high),
                                 dpi=dpi, interval=5000.0, suffix=" m", legend_font=font,
                                 legend_font_size=size)
    rgb = read_figure(figure.path).rgb
    bar = read_figure_face(rgb, detect_layout(rgb), want_axes=False).colorbar
    texts = [label.text for label in bar.axis.labels]
    assert bar.vmin == pytest.approx(low, abs=0.005 * (high - low)), texts
    assert bar.vmax == pytest.approx(high, abs=0.005 * (high - low)), texts
