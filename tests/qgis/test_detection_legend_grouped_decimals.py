"""A QGIS print layout's colour-ramp legend whose two end values are written with thousands
separators and decimals ('10,892.81 m'), the word space before its unit read as a prime, and
the two labels of a short horizontal legend run into each other.

QGIS writes a legend's values with the locale's thousands separator and as many decimals as
the value needs: '10,892.81', '12,464.51'. ``labels.parse_label`` read separators or decimals,
not both, so neither label was a number and the range was refused naming VMIN
(sweep_qgis_layouts seed 172 #6). On a JPEG legend at 200 dpi Tesseract read '3,217 m' as
"3,217'm" (seed 172 #0): a prime between a number and a unit, which no label writes.
"""
import re
import shutil

import pytest
from qgis_layout_figure import render_print_layout

from colormap_decoder.plugin.engine.detection import figure_reading
from colormap_decoder.plugin.engine.detection.figure_reading import (
    numbers_run_together,
    read_figure_face,
)
from colormap_decoder.plugin.engine.detection.labels import parse_label
from colormap_decoder.plugin.engine.detection.layout import detect_layout
from colormap_decoder.plugin.engine.figure import read_figure

CRS = "EPSG:32605"
EXTENT = (256000.0, 279000.0, 2136000.0, 2153000.0)


@pytest.mark.parametrize("text, value", [
    ("10,892.81", 10892.81), ("12,464.51 m", 12464.51), ("-1,500.5", -1500.5),
    ("1,234,567.5", 1234567.5), ("1.234,5", 1234.5), ("3 900.5", 3900.5),
    ("3,217'm", 3217.0), ("3,217\"m", 3217.0),
])
def test_grouped_numbers_with_decimals_parse(text, value):
    parsed = parse_label(text)
    assert parsed is not None and parsed.value == pytest.approx(value)


@pytest.mark.parametrize("text", ["12,448.710,946.6", "1,234.5.6", "1,234.567.5"])
def test_two_numbers_run_together_are_none(text):
    """Labels run into one another are no number: neither value could be told."""
    assert parse_label(text) is None


@pytest.mark.parametrize("text, pieces", [
    ("12,448.710,946.6", ["12,448.7", "10,946.6"]), ("-1.5-2.5", ["-1.5", "-2.5"]),
    ("10,892.8112,464.51", ["10,892.81", "12,464.51"]),
    ("500600", []),          # integers run together: cut anywhere
    ("1.251.5", []),         # '1.25' '1.5' or '1.2' '51.5'? not written alike either way
    ("12,448.7", []),        # one number
])
def test_numbers_run_together_cut_one_way_only(text, pieces):
    assert numbers_run_together(text) == pieces


@pytest.mark.parametrize("value_range, dpi, horizontal", [
    ((10892.81, 12464.51), 120, False),
    ((10892.81, 12464.51), 200, False),
    ((-1500.25, 2417.75), 150, False),
])
def test_legend_grouped_with_decimals_read(qgis_app, tmp_path, shared_data, value_range, dpi,
                                           horizontal):
    grid_path = tmp_path / "kilauea.nc"
    shutil.copy(shared_data / "gmtserver_Kilauea.utm.nc", grid_path)
    figure = render_print_layout(tmp_path / "layout.png", grid_path, CRS, EXTENT, value_range,
                                 horizontal_legend=horizontal, dpi=dpi, interval=5000.0,
                                 suffix=" m")
    rgb = read_figure(figure.path).rgb
    bar = read_figure_face(rgb, detect_layout(rgb), want_axes=False).colorbar
    texts = [label.text for label in bar.axis.labels]
    assert any("," in text and "." in text for text in texts), texts  # the format drawn
    assert (bar.vmin, bar.vmax) == pytest.approx(value_range, abs=1e-6), texts


def test_unit_after_a_prime_read(qgis_app, tmp_path, shared_data, monkeypatch):
    """The legend's labels as Tesseract read seed 172 #0's ("3,217'm"; DejaVu Serif 7 pt at
    200 dpi, JPEG q60): the space before the unit turned into a prime on every label."""
    grid_path = tmp_path / "kilauea.nc"
    shutil.copy(shared_data / "gmtserver_Kilauea.utm.nc", grid_path)
    value_range = (560.0, 3217.0)
    figure = render_print_layout(tmp_path / "layout.png", grid_path, CRS, EXTENT, value_range,
                                 dpi=200, interval=5000.0, suffix=" m",
                                 legend_font="DejaVu Serif", legend_font_size=7)
    read_label = figure_reading.read_label

    def space_as_prime(image):
        text, confidence = read_label(image)
        return re.sub(r"(?<=\d) ?m$", "'m", text), confidence

    monkeypatch.setattr(figure_reading, "read_label", space_as_prime)
    rgb = read_figure(figure.path).rgb
    bar = read_figure_face(rgb, detect_layout(rgb), want_axes=False).colorbar
    texts = [label.text for label in bar.axis.labels]
    assert any("'m" in text for text in texts), texts
    assert (bar.vmin, bar.vmax) == pytest.approx(value_range, abs=1e-6), texts


@pytest.mark.parametrize("value_range, dpi, options", [
    # '10,892.81 m12,464.51 m': cut at its word spaces as '10,892.81', 'm12,464.51', 'm'.
    ((10892.81, 12464.51), 150, {"suffix": " m"}),
    # sweep_qgis_layouts 169 #6: '12,448.710,946.6' (reversed, DejaVu Serif, 300 dpi).
    ((10946.6, 12448.7), 300, {"reversed_legend": True, "legend_font": "DejaVu Serif",
                               "legend_font_size": 9, "ramp_length": 25.0}),
])
def test_horizontal_legend_labels_run_together_read(qgis_app, tmp_path, shared_data,
                                                    value_range, dpi, options):
    """A short horizontal legend's two end labels touch: before, neither read as a number and
    the range was refused naming VMIN."""
    grid_path = tmp_path / "kilauea.nc"
    shutil.copy(shared_data / "gmtserver_Kilauea.utm.nc", grid_path)
    figure = render_print_layout(tmp_path / "layout.png", grid_path, CRS, EXTENT, value_range,
                                 horizontal_legend=True, dpi=dpi, interval=5000.0, **options)
    rgb = read_figure(figure.path).rgb
    layout = detect_layout(rgb)
    bar = read_figure_face(rgb, layout, want_axes=False).colorbar
    texts = [label.text for label in bar.axis.labels]
    assert (bar.vmin, bar.vmax) == pytest.approx(value_range, abs=1e-6), texts
    assert bar.flip == bool(options.get("reversed_legend")), texts
    # The labels run together: no word space between them.
    left, right = sorted(bar.axis.labels, key=lambda label: label.box[0])
    assert right.box[0] - left.box[2] < 0.5 * (left.box[3] - left.box[1]), texts
