"""Bad values and files of every class refused before any work, naming the parameter and saying
what to do (the engine's one validation layer, ``plugin/engine/validation.py``, which both
algorithms and the decode window go through).

End-to-end counterparts: ``tests/qgis/test_adversarial.py``, ``tests/qgis/test_outputs_all_or_nothing.py``.
"""
import os

import numpy as np
import pytest

from colormap_decoder.plugin.engine.colour_decoding import ValueMapping
from colormap_decoder.plugin.engine.colour_scales.gmt_cpt import read_cpt
from colormap_decoder.plugin.engine.errors import ColourScaleError, EngineError, FigureError, GcpError
from colormap_decoder.plugin.engine.figure import read_figure
from colormap_decoder.plugin.engine.pipeline import DecodeSettings
from colormap_decoder.plugin.engine.validation import check_paths, check_settings, read_text_input


def settings(**values):
    return DecodeSettings(figure_path="figure.png", **values)


@pytest.mark.parametrize("values, parameter, words", [
    # VMIN at or above VMAX: what VMIN and VMAX mean, and how a reversed bar is given.
    (dict(vmin=4000.0, vmax=0.0), "VMIN", ["VMIN = 4000 is above VMAX = 0",
                                           "give VMIN = 0 and VMAX = 4000", "'viridis_r'",
                                           "COLORBAR_FLIP"]),
    (dict(vmin=100.0, vmax=100.0), "VMIN", ["both 100", "two ends of the colorbar"]),
    # LEVELS out of order or too few: which boundary, and what LEVELS should hold.
    (dict(levels=(1000.0,)), "LEVELS", ["one boundary (1000)", "at least two"]),
    (dict(levels=(0.0, 2000.0, 1000.0, 4000.0)), "LEVELS",
     ["boundary 3 (1000) is below the one before it (2000)", "lowest to highest"]),
    (dict(levels=(0.0, 1000.0, 1000.0, 4000.0)), "LEVELS", ["boundary 3 (1000) repeats"]),
    # A logarithmic scale down to zero.
    (dict(vmin=0.0, vmax=4000.0, logarithmic=True), "VMIN",
     ["cannot reach 0 or below", "SCALE Linear"]),
    (dict(levels=(-1.0, 10.0, 100.0), logarithmic=True), "LEVELS", ["above 0"]),
    # A colour distance beyond black to white masks nothing.
    (dict(max_color_distance=1e9), "MAX_COLOR_DISTANCE", ["black to white", "12 suits most"]),
    (dict(max_color_distance=250.0), "MAX_COLOR_DISTANCE", ["beyond 100"]),
])
def test_values_that_cannot_work_are_refused_before_the_run(values, parameter, words):
    with pytest.raises(EngineError) as raised:
        check_settings(settings(**values))
    assert raised.value.parameter == parameter
    for word in words:
        assert word in str(raised.value), str(raised.value)


@pytest.mark.parametrize("values", [dict(vmin=-5.0, vmax=5.0), dict(levels=(0.0, 1.0, 2.0)),
                                    dict(max_color_distance=100.0),
                                    dict(vmin=0.1, vmax=1e4, logarithmic=True)])
def test_usable_values_pass(values):
    check_settings(settings(**values))


def test_the_decode_window_gets_the_same_words():
    """The preview builds its ValueMapping directly: the same checks, the same messages."""
    with pytest.raises(EngineError, match="'viridis_r'") as raised:
        ValueMapping(10.0, 1.0)
    assert raised.value.parameter == "VMIN"
    with pytest.raises(EngineError, match="boundary 2 .* repeats") as raised:
        ValueMapping(0.0, 10.0, levels=(0.0, 0.0, 10.0))
    assert raised.value.parameter == "LEVELS"


@pytest.mark.parametrize("text, words", [
    ("0 300/0/0 10 0/0/255\n", "outside its range (r/g/b from 0 to 255)"),
    ("0 255/0/0 10 0/0/-4\n", "outside its range"),
    ("0 50/0/0/120 10 0/0/0/0\n", "c/m/y/k from 0 to 100"),
    ("0 red 10 blue\n5 blue 3 red\n", "slices must go up in z"),
    ("this is not a colour table\n", "expected 'z colour z colour'"),
])
def test_malformed_cpt_names_the_line_and_says_what_to_do(tmp_path, text, words):
    path = tmp_path / "table.cpt"
    path.write_text(text)
    with pytest.raises(ColourScaleError) as raised:
        read_cpt(str(path))
    message = str(raised.value)
    assert raised.value.parameter == "COLORMAP"
    assert words in message and "Correct the colour table" in message, message
    assert ".." not in message.replace("...", "")


def test_a_binary_file_given_as_cpt_is_named_as_such(tmp_path):
    path = tmp_path / "table.cpt"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(ColourScaleError, match="is not a text file"):
        read_cpt(str(path))


@pytest.mark.parametrize("where", ["under_a_file", "link_loop", "too_long"])
def test_text_inputs_that_cannot_be_opened_name_the_parameter(tmp_path, where):
    """os.stat's own errors (not 'missing'): the message, not a TypeError from a shadowed name."""
    if where == "under_a_file":
        (tmp_path / "file.txt").write_text("a file")
        path = str(tmp_path / "file.txt" / "gcps.points")
    elif where == "link_loop":
        os.symlink(tmp_path / "b", tmp_path / "a")
        os.symlink(tmp_path / "a", tmp_path / "b")
        path = str(tmp_path / "a")
    else:
        path = str(tmp_path / ("x" * 5000))
    with pytest.raises(GcpError) as raised:
        read_text_input(path, "GCPS", "GCP file", error=GcpError)
    assert raised.value.parameter == "GCPS"
    assert "cannot be read" in str(raised.value) and "Check the GCPS path" in str(raised.value)


@pytest.mark.parametrize("bands", [2, 5])
def test_a_multi_band_raster_is_not_called_damaged(tmp_path, bands):
    import rasterio

    path = tmp_path / "stack.tif"
    with rasterio.open(path, "w", driver="GTiff", width=40, height=30, count=bands,
                       dtype="uint8") as out:
        out.write(np.arange(bands * 1200, dtype=np.uint8).reshape(bands, 30, 40))
    with pytest.raises(FigureError) as raised:
        read_figure(str(path))
    message = str(raised.value)
    assert f"holds {bands} 8-bit bands" in message and "gdal_translate -b 1 -b 2 -b 3" in message
    assert "damaged" not in message


@pytest.mark.parametrize("name, words", [
    ("decoded.png", "'.png' names another format"),
    ("decoded.jpg", "e.g. '"),
    ("decoded", "it has no extension"),
])
@pytest.mark.parametrize("parameter", ["OUTPUT", "OUTPUT_DISTANCE", "OUTPUT_RECONSTRUCTION"])
def test_a_raster_output_named_as_another_format_is_refused(tmp_path, parameter, name, words):
    with pytest.raises(EngineError) as raised:
        check_paths([], [(parameter, str(tmp_path / name))])
    assert raised.value.parameter == parameter
    assert words in str(raised.value) and "ending in .tif" in str(raised.value)
    assert list(tmp_path.iterdir()) == []


def test_geotiff_names_and_other_outputs_pass(tmp_path):
    check_paths([], [("OUTPUT", str(tmp_path / "a.tif")), ("OUTPUT_DISTANCE", str(tmp_path / "b.TIFF")),
                     ("OUTPUT_POINTS", str(tmp_path / "points.csv")),
                     ("OUTPUT_REPORT", str(tmp_path / "report.htm"))])


@pytest.mark.parametrize("extent, spans", [((112.0, 113.0, -518.0, -517.0), "1×1"),
                                           ((112.2, 112.6, -518.0, -517.7), "1×1"),
                                           ((100.0, 600.0, -300.0, -298.5), "500×2")])
def test_a_plot_area_of_a_few_pixels_is_named_as_such(extent, spans):
    """Not 'no pixel matched the colour scale' (naming COLORMAP) for a slip of the mouse."""
    from types import SimpleNamespace

    from colormap_decoder.plugin.engine.pipeline import plot_area_box

    figure = SimpleNamespace(shape=(600, 900), geotransform=None)
    with pytest.raises(EngineError) as raised:
        plot_area_box(settings(plot_area_extent=extent), figure)
    assert raised.value.parameter == "PLOT_AREA"
    assert f"spans only {spans} pixels" in str(raised.value) and "whole map panel" in str(raised.value)
    # A tiny figure's whole area is a plot area.
    tiny = SimpleNamespace(shape=(2, 2), geotransform=None)
    assert plot_area_box(settings(plot_area_extent=(0.0, 2.0, -2.0, 0.0)), tiny) == (0, 0, 2, 2)


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_a_figure_path_that_is_a_pipe_or_device_is_named_as_such(tmp_path, kind):
    """The decode window reads figures through the engine directly: not 'empty (0 bytes)'."""
    from colormap_decoder.plugin.engine.figure import read_figure_header

    path = tmp_path / "figure.png"
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path = "/dev/zero"
    for read in (read_figure, read_figure_header):
        with pytest.raises(FigureError, match="not a regular file"):
            read(str(path))


@pytest.mark.parametrize("parameter, name, words", [
    ("OUTPUT_REPORT", "report.tif", "the report is written as HTML, but '.tif' names another format"),
    ("OUTPUT_REPORT", "report.png", "e.g. '{folder}/report.html'"),
    ("OUTPUT_REPORT", "report", "it has no extension"),
    ("OUTPUT_GCPS", "gcps.png", "Georeferencer .points file, but '.png' names another format"),
    ("OUTPUT_GCPS", "gcps.gpkg", "e.g. '{folder}/gcps.points'"),
    ("OUTPUT_GCPS", "gcps", "it has no extension"),
])
def test_a_report_or_gcp_file_named_as_another_format_is_refused(tmp_path, parameter, name,
                                                                 words):
    """An HTML report saved as 'report.tif' (or a GCP file as 'gcps.png') is taken for a raster
    by every other program, and by the next run as a figure: refused like a raster output named
    'decoded.png' (before, both were written under any name)."""
    with pytest.raises(EngineError) as raised:
        check_paths([], [(parameter, str(tmp_path / name))])
    assert raised.value.parameter == parameter
    assert str(raised.value).startswith(f"{parameter} '{tmp_path / name}': ")
    assert words.format(folder=tmp_path) in str(raised.value)
    assert list(tmp_path.iterdir()) == []


def test_report_and_gcp_files_named_as_text_pass(tmp_path):
    for report, gcps in (("r.html", "g.points"), ("R.HTM", "g.csv"), ("r.Html", "g.TXT")):
        check_paths([], [("OUTPUT_REPORT", str(tmp_path / report)),
                         ("OUTPUT_GCPS", str(tmp_path / gcps))])
