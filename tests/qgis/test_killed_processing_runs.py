"""decodemap killed (SIGKILL: no clean-up at all) at any stage of a real run, through Processing.

The run is a child process killed for real: at each stage of the work, while its outputs are
written, between its renames, and while its point layer is copied into an existing GeoPackage
(the new layer filled under a temporary name, '<table>_partial_…', in an SQLite transaction not
yet committed). Afterwards every output is whole (its previous version or its new one), no
input changed, the GeoPackage holds its layers as they were with no temporary table, and the
next run works as if nothing had happened and leaves no temporary file.
"""
import hashlib
import subprocess
import sys
from pathlib import Path

import pytest
from sample_figure import FIGURE, POINTS_FILE
from sample_figure import sample_parameters as parameters

TESTS = str(Path(__file__).resolve().parents[1])

#: The child: a decode of the sample with every output, killing itself at KILL (see WHEN).
CHILD = r"""
import os, signal, sys
sys.path.insert(0, {tests!r})
from sample_figure import start_qgis_with_provider
app, provider = start_qgis_with_provider()
import processing
from qgis.core import QgsProcessingFeedback
from colormap_decoder.plugin.engine import writing
from colormap_decoder.plugin.processing import staged_outputs

kill, values = {kill!r}, {values!r}

def die():
    os.kill(os.getpid(), signal.SIGKILL)

class Feedback(QgsProcessingFeedback):
    def setProgressText(self, text):
        super().setProgressText(text)
        if kill == "stage " + text:
            die()

if kill.startswith("change "):  # before the n-th rename or link of the commit
    count, at = [0], int(kill.split()[1])
    def killing(real):
        def change(*args, **kwargs):
            count[0] += 1
            if count[0] == at:
                die()
            return real(*args, **kwargs)
        return change
    commit = writing.OutputTransaction.commit
    def commit_killing(self):
        os.link, os.replace = killing(os.link), killing(os.replace)
        commit(self)
    writing.OutputTransaction.commit = commit_killing
elif kill == "layer filled":  # the new layer filled under its temporary name, uncommitted
    copy_features = staged_outputs._copy_features
    def copy_then_die(source_layer, target, name, geometry_column):
        copy_features(source_layer, target, name, geometry_column)
        assert "_partial_" in name and target.GetLayerByName(name).GetFeatureCount() > 300
        die()
    staged_outputs._copy_features = copy_then_die
elif kill == "layer renamed":  # the layer renamed in place and the files moved, uncommitted
    def die_before(self):
        die()
    staged_outputs._OpenLayerCopy.commit = die_before
processing.run("colormapdecoder:decodemap", values, feedback=Feedback())
print("completed")
"""

OUTPUTS = ("decoded.tif", "distance.tif", "report.html", "report.json")


def run_child(values, kill):
    child = subprocess.run([sys.executable, "-c", CHILD.format(tests=TESTS, kill=kill,
                                                               values=values)],
                           capture_output=True, text=True, timeout=300)
    return child.returncode, child.stdout + child.stderr


def digests(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()
            if p.is_file() and not p.name.endswith(".aux.xml")}


def geopackage(path):
    """The user's GeoPackage: 'roads' (3 lines) and a previous 'points' (1 point)."""
    from osgeo import ogr, osr

    srs = osr.SpatialReference()
    srs.ImportFromEPSG(32632)
    data = ogr.GetDriverByName("GPKG").CreateDataSource(str(path))
    for name, kind, shapes in (("roads", ogr.wkbLineString,
                                ["LINESTRING(0 0,1 1)", "LINESTRING(1 1,2 0)", "LINESTRING(2 0,3 3)"]),
                               ("points", ogr.wkbPoint, ["POINT(5 5)"])):
        layer = data.CreateLayer(name, srs, kind)
        for shape in shapes:
            feature = ogr.Feature(layer.GetLayerDefn())
            feature.SetGeometry(ogr.CreateGeometryFromWkt(shape))
            layer.CreateFeature(feature)
    data = None


def tables(path):
    """Every table of a GeoPackage (its layers and GeoPackage's own) with its row count, read
    with SQLite itself after an integrity check."""
    import sqlite3

    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        names = [row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'rtree%' "
            "AND name NOT LIKE 'sqlite_%'")]
        counts = {name: connection.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0]
                  for name in names}
        contents = sorted(row[0] for row in connection.execute(
            "SELECT table_name FROM gpkg_contents"))
    return counts, contents


def output_state(out, name, previous):
    path = out / name
    if not path.exists():
        return "missing"
    data = path.read_bytes()
    if data == previous:
        return "previous"
    if name.endswith(".tif"):
        import rasterio

        with rasterio.open(path) as dataset:
            dataset.read(1)
        return "new"
    if name == "report.html":
        return "new" if data.rstrip().endswith(b"</html>") else "damaged"
    import json

    json.loads(data)
    return "new"


@pytest.mark.parametrize("kill", [
    "stage Decoding colours", "stage Writing", "layer filled", "layer renamed",
    # Before the 1st, 4th and 7th of the commit's 8 links and renames (4 outputs with previous
    # files; the GeoPackage layer is committed after them).
    "change 1", "change 4", "change 7"])
def test_a_run_killed_at_any_point_leaves_whole_outputs_and_the_next_run_works(
        provider, tmp_path, kill):
    import processing

    inputs, out = tmp_path / "inputs", tmp_path / "out"
    inputs.mkdir()
    out.mkdir()
    figure = inputs / "fig.png"
    figure.write_bytes(FIGURE.read_bytes())
    (inputs / "fig.png.points").write_bytes(POINTS_FILE.read_bytes())
    database = out / "survey.gpkg"
    geopackage(database)
    previous = {name: b"previous " + name.encode() for name in OUTPUTS}
    for name, data in previous.items():
        (out / name).write_bytes(data)
    before_tables, before_inputs = tables(database), digests(inputs)
    values = parameters(out, figure=figure, GCPS=str(inputs / "fig.png.points"),
                        OUTPUT_POINTS=f"ogr:dbname='{database}' table=\"points\" (geom)",
                        OUTPUT_DISTANCE=str(out / "distance.tif"),
                        OUTPUT_REPORT=str(out / "report.html"))
    code, output = run_child(values, kill)
    assert code == -9, output  # killed, not ended
    assert digests(inputs) == before_inputs
    states = {name: output_state(out, name, previous[name]) for name in OUTPUTS}
    assert set(states.values()) <= {"previous", "new"}, states
    counts, contents = tables(database)
    assert not [name for name in counts if "_partial_" in name], counts
    assert contents == ["points", "roads"]
    assert counts["roads"] == 3
    # The layer is committed last: the previous one while the run had not ended.
    assert (counts, contents) == before_tables
    # The next run works, replaces everything, and leaves no temporary behind.
    result = processing.run("colormapdecoder:decodemap", values)
    assert result["OUTPUT_POINTS"] == f"{database}|layername=points"
    counts, contents = tables(database)
    assert contents == ["points", "roads"] and counts["roads"] == 3 and counts["points"] > 300
    assert not [name for name in counts if "_partial_" in name]
    for name in OUTPUTS:
        assert output_state(out, name, previous[name]) == "new", name
    assert sorted(p.name for p in out.iterdir() if not p.name.endswith(".aux.xml")) == sorted(
        ("survey.gpkg",) + OUTPUTS)
    assert digests(inputs) == before_inputs
