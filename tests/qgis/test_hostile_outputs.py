"""Outputs however they are spelled: never into an input, never half written.

The attack table of ``bench/attack_algorithms.py`` found these faults; each test runs
``decodemap`` through ``processing.run`` on copies in a temporary folder and checks that every
input is byte-identical afterwards and that a refusal names the parameter to change.
"""
import hashlib
import os
from pathlib import Path

import pytest
from sample_figure import sample_parameters

ALGORITHM = "colormapdecoder:decodemap"
MASK_WKT = "POLYGON((200 -200, 300 -200, 300 -300, 200 -300, 200 -200))"


def digest(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def polygon_database(path, driver):
    """A database file (GeoPackage or SQLite) with one polygon layer 'mask'."""
    from osgeo import ogr

    source = ogr.GetDriverByName(driver).CreateDataSource(str(path))
    layer = source.CreateLayer("mask", None, ogr.wkbPolygon)
    feature = ogr.Feature(layer.GetLayerDefn())
    feature.SetGeometry(ogr.CreateGeometryFromWkt(MASK_WKT))
    layer.CreateFeature(feature)
    source = None


def refusal(values):
    import processing
    from qgis.core import QgsProcessingException

    with pytest.raises(QgsProcessingException) as raised:
        processing.run(ALGORITHM, values)
    return str(raised.value).removeprefix("Unable to execute algorithm\n")


@pytest.mark.parametrize("database, driver, spelling", [
    ("mask.gpkg", "GPKG", "ogr:dbname='{}' table=\"mask\" (geom)"),  # replacing the MASK layer
    ("mask.gpkg", "GPKG", "ogr:dbname='{}' table=\"points\" (geom)"),  # a layer beside it
    ("mask.gpkg", "GPKG", "ogr:{}|layername=points"),
    ("mask.sqlite", "SQLite", "ogr:dbname='{}' table=\"points\" (geom)"),
    ("mask.sqlite", "SQLite", "spatialite:dbname='{}' table=\"points\" (geom)"),
])
def test_a_layer_written_into_the_mask_database_is_refused(provider, figure_folder, tmp_path,
                                                          database, driver, spelling):
    """Adding a layer to the GeoPackage (or SQLite database) MASK is read from changes that
    input: refused before any work, whatever the output's provider prefix."""
    mask = figure_folder / database
    polygon_database(mask, driver)
    before = {name: digest(figure_folder / name) for name in os.listdir(figure_folder)}
    out = tmp_path / "out"
    values = sample_parameters(out, figure=figure_folder / "fig.png",
                               GCPS=str(figure_folder / "fig.png.points"),
                               MASK=f"{mask}|layername=mask",
                               OUTPUT_POINTS=spelling.format(mask))
    message = refusal(values)
    assert message.startswith("OUTPUT_POINTS: ") and "MASK" in message, message
    assert "same file" in message and str(mask) in message, message
    after = {name: digest(figure_folder / name) for name in os.listdir(figure_folder)
             if not name.endswith(".aux.xml")}
    assert after == before
    assert not out.exists() or os.listdir(out) == []


def test_a_layer_into_another_geopackage_still_passes(provider, figure_folder, tmp_path):
    """The same spelling into a GeoPackage that is no input writes the layer there."""
    import processing
    from osgeo import ogr

    other = tmp_path / "other.gpkg"
    polygon_database(other, "GPKG")
    polygon_database(figure_folder / "mask.gpkg", "GPKG")
    values = sample_parameters(tmp_path / "out", figure=figure_folder / "fig.png",
                               GCPS=str(figure_folder / "fig.png.points"),
                               MASK=str(figure_folder / "mask.gpkg"),
                               OUTPUT_POINTS=f"ogr:dbname='{other}' table=\"points\" (geom)")
    processing.run(ALGORITHM, values)
    source = ogr.Open(str(other))
    names = sorted(source.GetLayer(i).GetName() for i in range(source.GetLayerCount()))
    assert names == ["mask", "points"]
    assert source.GetLayerByName("points").GetFeatureCount() > 100


DETECT = "colormapdecoder:detectfigure"


def _decode_values(folder, out, **overrides):
    return {**sample_parameters(out, figure=folder / "fig.png",
                                GCPS=str(folder / "fig.png.points")), **overrides}


@pytest.mark.parametrize("algorithm, parameter, value", [
    (ALGORITHM, "OUTPUT", "{out}/de\x00coded.tif"),
    (ALGORITHM, "OUTPUT_POINTS", "{out}/po\x00ints.gpkg"),
    (ALGORITHM, "OUTPUT_REPORT", "{out}/re\x00port.html"),
    (ALGORITHM, "COLORMAP", "{out}/bar\x00.cpt"),
    (ALGORITHM, "GCPS", "{inputs}/fig.png.points\x00.csv"),
    (ALGORITHM, "INPUT", "{inputs}/fig.png\x00.jpg"),
    (DETECT, "OUTPUT_GCPS", "{out}/gc\x00ps.points"),
])
def test_a_nul_character_in_any_value_is_named(provider, figure_folder, tmp_path, algorithm,
                                               parameter, value):
    """Python refuses a path with a NUL ('embedded null byte', which reached the user as a
    bug) and QGIS cuts text there: refused before anything is read or written."""
    out = tmp_path / "out"
    value = value.format(out=out, inputs=figure_folder)
    if algorithm == ALGORITHM:
        values = _decode_values(figure_folder, out, **{parameter: value})
    else:
        values = {"INPUT": str(figure_folder / "fig.png"), parameter: value}
    message = refusal(values) if algorithm == ALGORITHM else _refusal(algorithm, values)
    assert message.startswith(f"{parameter}: the value holds a NUL character"), message
    assert not out.exists()


def _refusal(algorithm, values):
    import processing
    from qgis.core import QgsProcessingException

    with pytest.raises(QgsProcessingException) as raised:
        processing.run(algorithm, values)
    return str(raised.value).removeprefix("Unable to execute algorithm\n")


@pytest.mark.parametrize("parameter", ["OUTPUT", "OUTPUT_DISTANCE", "OUTPUT_RECONSTRUCTION"])
@pytest.mark.parametrize("value", ["memory:", "postgres://dbname='x' table=\"d\""])
def test_a_raster_output_that_is_no_file_is_refused(provider, figure_folder, tmp_path,
                                                   monkeypatch, parameter, value):
    """A raster given a provider's spelling was written as a file of that name ('memory:') in
    the current folder."""
    monkeypatch.chdir(tmp_path)
    message = refusal(_decode_values(figure_folder, tmp_path / "out", **{parameter: value}))
    assert message.startswith(f"{parameter}: '{value}' is not a file name"), message
    assert sorted(os.listdir(tmp_path)) == ["inputs"]


@pytest.mark.parametrize("algorithm, parameter, name", [
    (ALGORITHM, "OUTPUT", "d" * 300 + ".tif"),
    (ALGORITHM, "OUTPUT_POINTS", "p" * 300 + ".gpkg"),
    (ALGORITHM, "OUTPUT_REPORT", "r" * 251 + ".htm"),  # it fits; its sidecar .json does not
    (DETECT, "OUTPUT_GCPS", "g" * 300 + ".points"),
])
def test_a_file_name_too_long_is_refused_before_the_work(provider, figure_folder, tmp_path,
                                                         algorithm, parameter, name):
    """A name the file system refuses failed only when the finished output was moved into
    place: a bug message, and the outputs moved before it left behind."""
    out = tmp_path / "out"
    out.mkdir()
    if algorithm == ALGORITHM:
        values = _decode_values(figure_folder, out, **{parameter: str(out / name)})
        message = refusal(values)
    else:
        message = _refusal(algorithm, {"INPUT": str(figure_folder / "fig.png"),
                                       "GCP_CRS": "EPSG:32632", parameter: str(out / name)})
    assert message.startswith(f"{parameter}: {parameter} '{out / name}': "), message
    assert "bytes long, more than the 255 the file system allows. Choose a shorter name." \
        in message
    assert ("its file name" if parameter != "OUTPUT_REPORT" else "written beside it") in message
    assert os.listdir(out) == []


def test_a_gdal_virtual_path_is_no_destination(provider, figure_folder, tmp_path):
    message = refusal(_decode_values(figure_folder, tmp_path / "out",
                                     OUTPUT_REPORT="/vsimem/colormap_decoder_test/report.html"))
    assert message.startswith("OUTPUT_REPORT: OUTPUT_REPORT '/vsimem/colormap_decoder_test/"
                              "report.html' is a GDAL virtual file system path"), message
    assert not os.path.exists("/vsimem/colormap_decoder_test")


def test_the_point_layer_is_written_after_every_staged_output(provider, figure_folder, tmp_path,
                                                               monkeypatch):
    """A layer on a database server (PostGIS) cannot be staged: it is written last, so that a
    report that cannot be written stops the run before the server's table is touched."""
    from colormap_decoder.plugin.engine import decode_report
    from colormap_decoder.plugin.engine.errors import EngineError
    from colormap_decoder.plugin.processing.decode_map_algorithm import DecodeMapAlgorithm

    written = []
    monkeypatch.setattr(DecodeMapAlgorithm, "_write_points",
                        lambda *arguments: written.append("points"))

    def report_fails(*arguments):
        raise EngineError("the disk is full", parameter="OUTPUT_REPORT")

    monkeypatch.setattr(decode_report, "write_decode_report", report_fails)
    out = tmp_path / "out"
    message = refusal(_decode_values(figure_folder, out, OUTPUT_REPORT=str(out / "r.html")))
    assert message == "OUTPUT_REPORT: the disk is full"
    assert written == []
    assert not out.exists() or os.listdir(out) == []


def test_a_quote_in_a_geopackage_name_is_written_as_qgis_quotes_it(provider, figure_folder):
    """A layer of 'it's.gpkg': written ogr:dbname='…it\\'s.gpkg', as QGIS's own dialogs write
    it, the layer is made there; with the ' left bare QGIS reads another file name, and the
    refusal says how to write it. Names with spaces, umlauts and quotes elsewhere pass."""
    import processing
    from osgeo import ogr

    out = figure_folder.parent / "out 'ü' \"x\""
    out.mkdir()
    database = out / "it's.gpkg"
    quoted = str(database).replace("\\", "\\\\").replace("'", "\\'")
    bare = sample_parameters(out, figure=figure_folder / "fig.png",
                             GCPS=str(figure_folder / "fig.png.points"),
                             OUTPUT_POINTS=f"ogr:dbname='{database}' table=\"p\" (geom)")
    message = refusal(bare)
    assert message.startswith("OUTPUT_POINTS: cannot create the point layer"), message
    assert "a ' in the file name is written \\'" in message
    assert sorted(p.name for p in out.iterdir()) == []
    result = processing.run("colormapdecoder:decodemap", dict(
        bare, OUTPUT_POINTS=f"ogr:dbname='{quoted}' table=\"Punkte 'ü'\" (geom)"))
    source = ogr.Open(str(database))
    count = source.GetLayerByName("Punkte 'ü'").GetFeatureCount()
    source = None
    assert count > 300
    assert result["OUTPUT"] == str(out / "decoded.tif") and (out / "decoded.tif").exists()


@pytest.mark.parametrize("algorithm, parameter", [(ALGORITHM, "OUTPUT_REPORT"),
                                                  (DETECT, "OUTPUT_REPORT"),
                                                  (DETECT, "OUTPUT_GCPS")])
@pytest.mark.parametrize("sidecar", ["ovr", "msk"])
def test_an_output_onto_the_figures_overviews_or_mask_is_refused(provider, figure_folder,
                                                                  tmp_path, algorithm, parameter,
                                                                  sidecar):
    """The figure's external overviews and nodata mask, made by GDAL (gdaladdo, a mask band)
    and read by GDAL and QGIS as part of it: an output of that name replaced them in silence."""
    from osgeo import gdal

    figure = figure_folder / "fig.png"
    dataset = gdal.Open(str(figure))  # read-only: GDAL writes both beside the PNG
    if sidecar == "ovr":
        dataset.BuildOverviews("NEAREST", [2, 4])
    else:
        dataset.CreateMaskBand(gdal.GMF_PER_DATASET)
    dataset = None
    target = figure_folder / f"fig.png.{sidecar}"
    assert target.exists()
    before = {p.name: digest(p) for p in figure_folder.iterdir()}
    out = tmp_path / "out"
    out.mkdir()
    if algorithm == ALGORITHM:
        message = refusal(_decode_values(figure_folder, out, **{parameter: str(target)}))
    else:
        values = {"INPUT": str(figure), "GCP_CRS": "EPSG:32632",
                  "OUTPUT_REPORT": str(out / "report.html"), parameter: str(target)}
        message = _refusal(algorithm, values)
    assert message.startswith(f"{parameter}: {parameter} '{target}' is the same file as "
                              f"INPUT"), message
    assert {p.name: digest(p) for p in figure_folder.iterdir()
            if not p.name.endswith(".aux.xml")} == {
        name: value for name, value in before.items() if not name.endswith(".aux.xml")}
    assert os.listdir(out) == []


@pytest.mark.parametrize("extension, driver", [("gpx", "GPX"), ("dxf", "DXF"), ("dgn", "DGN")])
def test_a_point_format_that_cannot_hold_the_fields_is_refused_before_the_work(
        provider, figure_folder, tmp_path, monkeypatch, extension, driver):
    """A .gpx, .dxf or .dgn point layer: their drivers refuse the 'value' field, which was found
    only when the layer was created after the whole decode, with the advice to choose a folder
    that can be written. Refused before any work now, saying which formats hold the fields."""
    from colormap_decoder.plugin.engine import pipeline

    def no_work(*arguments, **keywords):
        raise AssertionError("the decode ran")

    monkeypatch.setattr(pipeline, "decode_map", no_work)
    out = tmp_path / "out"
    out.mkdir()
    destination = out / f"points.{extension}"
    message = refusal(_decode_values(figure_folder, out, OUTPUT_POINTS=str(destination)))
    assert message.startswith(f"OUTPUT_POINTS: '{destination}' would be a {driver} file"), message
    assert "value" in message and "GeoPackage (.gpkg)" in message, message
    assert "folder you can write to" not in message
    assert os.listdir(out) == []


def test_an_unusual_point_format_that_holds_the_fields_is_written(provider, figure_folder,
                                                                   tmp_path):
    """A format that declares no field types (GMT's vector format) but takes the fields is
    tried, not refused: the layer is written with every point's value."""
    import processing
    from osgeo import ogr

    out = tmp_path / "out"
    result = processing.run(ALGORITHM, _decode_values(figure_folder, out,
                                                      OUTPUT_POINTS=str(out / "points.gmt")))
    source = ogr.Open(result["OUTPUT_POINTS"])
    layer = source.GetLayer(0)
    values = [feature.GetField("value") for feature in layer]
    source = None
    assert len(values) > 100 and all(0 <= value <= 4000 for value in values)


def test_an_unreachable_database_server_is_named_as_such(provider, figure_folder, tmp_path):
    """A PostGIS point layer whose server cannot be reached was met with the advice to choose a
    folder that can be written: the advice is about the connection now."""
    out = tmp_path / "out"
    message = refusal(_decode_values(
        figure_folder, out,
        OUTPUT_POINTS="postgres://dbname='nodb' host=127.0.0.1 port=1 table=\"public\".\"p\" (geom)"))
    assert message.startswith("OUTPUT_POINTS: cannot create the point layer"), message
    assert "database can be reached" in message and "folder" not in message, message
    assert not out.exists() or os.listdir(out) == []
