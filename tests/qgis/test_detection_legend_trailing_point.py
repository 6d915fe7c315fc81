"""A QGIS legend's serif '4' read '4.': the foot of the '4' taken for a point.

DejaVu Serif's '4' stands on a foot, a short bar on the baseline below its stem. On a QGIS
colour-ramp legend (10 pt, 150 dpi, JPEG q62: sweep_qgis_layouts seed 306 #4) Tesseract read
the low end's '4' as '4.', no number: the legend had one label left, and VMIN and VMAX were
refused. The label's glyph is one digit's, no wider than the figure's digits, with no ink of
its own for a point (label_checks.trailing_point_without_ink): the point is dropped, the range
is 4..280.
"""
import shutil

import pytest
from PIL import Image
from qgis_layout_figure import render_print_layout

from colormap_decoder.plugin.engine.detection.figure_reading import read_figure_face
from colormap_decoder.plugin.engine.detection.layout import detect_layout
from colormap_decoder.plugin.engine.figure import read_figure

CRS = "EPSG:32605"
EXTENT = (256000.0, 279000.0, 2136000.0, 2153000.0)


@pytest.mark.parametrize("jpeg", [62, None])
def test_serif_four_read_with_a_point_is_read_four(qgis_app, tmp_path, shared_data, jpeg):
    """Through a JPEG of quality 62 Tesseract reads the '4' '4.' (the PNG '4'): both give
    the legend's range, 4 to 280."""
    grid_path = tmp_path / "kilauea.nc"
    shutil.copy(shared_data / "gmtserver_Kilauea.utm.nc", grid_path)
    figure = render_print_layout(tmp_path / "layout.png", grid_path, CRS, EXTENT, (4.0, 280.0),
                                 ramp_name="RdYlGn", dpi=150, legend_font="DejaVu Serif",
                                 legend_font_size=10, ramp_length=50, ramp_thickness=6,
                                 legend_position=(160.0, 30.4))
    path = figure.path
    if jpeg:
        path = tmp_path / "layout.jpg"
        Image.open(figure.path).convert("RGB").save(path, quality=jpeg)
    rgb = read_figure(str(path)).rgb
    bar = read_figure_face(rgb, detect_layout(rgb), want_axes=False).colorbar
    texts = [label.text for label in bar.axis.labels]
    assert sorted(texts) == ["280", "4"], texts
    assert bar.vmin == pytest.approx(4.0, abs=0.01), texts
    assert bar.vmax == pytest.approx(280.0, abs=0.01), texts
