"""Outputs however they are spelled: never into an input, never half written.

The attack table of ``bench/attack_algorithms.py`` found these faults; each test runs
``decodemap`` through ``processing.run`` on copies in a temporary folder and checks that every
input is byte-identical afterwards and that a refusal names the parameter to change.
"""
import hashlib
import os
import shutil
from pathlib import Path

import pytest
from sample_figure import FIGURE, POINTS_FILE, sample_parameters

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


@pytest.fixture()
def figure_folder(tmp_path):
    folder = tmp_path / "inputs"
    folder.mkdir()
    shutil.copy(FIGURE, folder / "fig.png")
    shutil.copy(POINTS_FILE, folder / "fig.png.points")
    return folder


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
