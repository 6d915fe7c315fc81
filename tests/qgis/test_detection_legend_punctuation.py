"""A QGIS print layout's colour-ramp legend with thousands separators ('10,500', '12,300'),
its comma read by OCR as a decimal point.

QGIS 3.22 labels a continuous ramp legend with its two end values only, written with the
locale's thousands separator; with no third label, nothing in the geometry can tell '12,300'
read '12.300' (12.3) from the truth, and the bar was read 10500 to 12.3. The comma's glyph
hangs below the digits' baseline, a point's would not: the reading is put right from the ink.
"""
import shutil

import pytest
from qgis_layout_figure import render_print_layout

from colormap_decoder.plugin.engine.detection import figure_reading
from colormap_decoder.plugin.engine.detection.figure_reading import read_figure_face
from colormap_decoder.plugin.engine.detection.layout import detect_layout
from colormap_decoder.plugin.engine.figure import read_figure

CRS = "EPSG:32605"
EXTENT = (256000.0, 279000.0, 2136000.0, 2153000.0)


@pytest.mark.parametrize("value_range", [(10500.0, 12300.0), (-1500.0, 12300.0)])
@pytest.mark.parametrize("dpi, horizontal", [(100, False), (150, False), (200, True)])
def test_legend_comma_read_as_a_point_put_right(qgis_app, tmp_path, shared_data, monkeypatch,
                                                value_range, dpi, horizontal):
    grid_path = tmp_path / "kilauea.nc"
    shutil.copy(shared_data / "gmtserver_Kilauea.utm.nc", grid_path)
    figure = render_print_layout(tmp_path / "layout.png", grid_path, CRS, EXTENT, value_range,
                                 horizontal_legend=horizontal, dpi=dpi, interval=5000.0)
    read_label = figure_reading.read_label

    def comma_as_point(image):
        text, confidence = read_label(image)
        return text.replace(",", "."), confidence

    monkeypatch.setattr(figure_reading, "read_label", comma_as_point)
    rgb = read_figure(figure.path).rgb
    bar = read_figure_face(rgb, detect_layout(rgb), want_axes=False).colorbar
    texts = [label.text for label in bar.axis.labels]
    assert sorted(texts) == sorted(f"{value:,.0f}" for value in value_range)
    assert (bar.vmin, bar.vmax) == pytest.approx(value_range, abs=1e-6), texts
    # The fault is real: read as Tesseract gave it, the legend says 12.3 at its top.
    with monkeypatch.context() as unchecked:
        unchecked.setattr(figure_reading, "separators_as_inked", lambda text, *ink: text)
        bar = read_figure_face(rgb, detect_layout(rgb), want_axes=False).colorbar
        assert 12.3 in (bar.vmin, bar.vmax), [label.text for label in bar.axis.labels]


@pytest.mark.parametrize("font, size, dpi", [
    ("DejaVu Sans", 12, 96),     # sweep_qgis_layouts seed 32 #3: '3,405' read 3.405 in silence
    ("DejaVu Sans", 10, 96),
    ("Nimbus Sans", 12, 96),
    ("DejaVu Serif", 11, 100),
])
def test_legend_comma_with_a_faint_tail_read_whole(qgis_app, tmp_path, shared_data, monkeypatch,
                                                   font, size, dpi):
    """At 96-100 dpi a legend's comma is two pixels whose tail below the digits' baseline is a
    fifth inked, under the ink mask: its glyph box was a point's, and '3,405' read '3.405' by
    Tesseract was kept as 3.405 (the bar read 3.405 to 799 for 799 to 3405). The separator's
    and the digits' bottoms measured from their pixels' coverage tell the comma. Read by
    Tesseract as it reads them, and with every comma turned into a point."""
    grid_path = tmp_path / "kilauea.nc"
    shutil.copy(shared_data / "gmtserver_Kilauea.utm.nc", grid_path)
    value_range = (799.0, 3405.0)
    figure = render_print_layout(tmp_path / "layout.png", grid_path, CRS, EXTENT, value_range,
                                 dpi=dpi, interval=5000.0, legend_font=font,
                                 legend_font_size=size)
    rgb = read_figure(figure.path).rgb
    bar = read_figure_face(rgb, detect_layout(rgb), want_axes=False).colorbar
    assert (bar.vmin, bar.vmax) == pytest.approx(value_range, abs=1e-6), \
        [label.text for label in bar.axis.labels]
    read_label = figure_reading.read_label

    def comma_as_point(image):
        text, confidence = read_label(image)
        return text.replace(",", "."), confidence

    monkeypatch.setattr(figure_reading, "read_label", comma_as_point)
    bar = read_figure_face(rgb, detect_layout(rgb), want_axes=False).colorbar
    assert (bar.vmin, bar.vmax) == pytest.approx(value_range, abs=1e-6), \
        [label.text for label in bar.axis.labels]


def test_legend_comma_told_by_coverage_only_at_96_dpi(qgis_app, tmp_path, shared_data,
                                                      monkeypatch):
    """The fault is real: with the glyphs' boxes alone (no coverage), the comma of '3,405'
    drawn by QGIS in DejaVu Sans 12 pt at 96 dpi is a point's box, and its reading as a point
    stands: the bar ends at 3.405."""
    grid_path = tmp_path / "kilauea.nc"
    shutil.copy(shared_data / "gmtserver_Kilauea.utm.nc", grid_path)
    figure = render_print_layout(tmp_path / "layout.png", grid_path, CRS, EXTENT,
                                 (799.0, 3405.0), dpi=96, interval=5000.0,
                                 legend_font="DejaVu Sans", legend_font_size=12)
    read_label = figure_reading.read_label
    monkeypatch.setattr(figure_reading, "read_label", lambda image: (
        read_label(image)[0].replace(",", "."), read_label(image)[1]))
    boxes_only = figure_reading.separators_as_inked
    monkeypatch.setattr(figure_reading, "separators_as_inked",
                        lambda text, members, pitch, lum=None, page=None:
                        boxes_only(text, members, pitch))
    rgb = read_figure(figure.path).rgb
    bar = read_figure_face(rgb, detect_layout(rgb), want_axes=False).colorbar
    assert 3.405 in (bar.vmin, bar.vmax), [label.text for label in bar.axis.labels]
