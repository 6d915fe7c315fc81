"""Both algorithms end with every output in place or with none changed, and explain bad values
the same way.

A write that fails part-way (a disk that fills: simulated with a file size limit, see
``tests/hostile_conditions.py``) must not leave a truncated raster moved into place, a
half-written point layer over the previous one, or one output of a run new and the others not.
"""
import shutil

import pytest
from hostile_conditions import file_size_limit
from sample_figure import FIGURE, POINTS_FILE
from sample_figure import sample_parameters as parameters


def run(algorithm, values, feedback=None):
    import processing

    return processing.run(algorithm, {k: v for k, v in values.items() if v is not None},
                          feedback=feedback)


def refusal(algorithm, values):
    from qgis.core import QgsProcessingException

    with pytest.raises(QgsProcessingException) as raised:
        run(algorithm, values)
    return str(raised.value).removeprefix("Unable to execute algorithm\n")


def previous_outputs(folder, *names):
    for name in names:
        (folder / name).write_bytes(b"previous " + name.encode())


def assert_previous_outputs_only(folder, *names):
    assert sorted(p.name for p in folder.iterdir()) == sorted(names)
    for name in names:
        assert (folder / name).read_bytes() == b"previous " + name.encode(), name


@pytest.fixture()
def figure_copy(tmp_path):
    folder = tmp_path / "inputs"
    folder.mkdir()
    shutil.copy(FIGURE, folder / FIGURE.name)
    shutil.copy(POINTS_FILE, folder / POINTS_FILE.name)
    return folder / FIGURE.name


def test_a_raster_the_disk_cannot_hold_is_refused_and_nothing_replaced(provider, tmp_path,
                                                                        figure_copy):
    out = tmp_path / "out"
    out.mkdir()
    previous_outputs(out, "decoded.tif", "points.gpkg")
    values = parameters(out, figure=figure_copy, GCPS=str(figure_copy) + ".points")
    # The sample's raster is about 270 kB, its point layer 150 kB.
    with file_size_limit(200_000):
        message = refusal("colormapdecoder:decodemap", values)
    assert message.startswith("OUTPUT: The raster '" + str(out / "decoded.tif")), message
    assert "disk is probably full" in message
    assert_previous_outputs_only(out, "decoded.tif", "points.gpkg")


def test_a_point_layer_the_disk_cannot_hold_leaves_every_output_as_it_was(provider, tmp_path,
                                                                         figure_copy):
    out = tmp_path / "out"
    out.mkdir()
    previous_outputs(out, "decoded.tif", "points.gpkg", "distance.tif")
    # 500 m pixels: rasters of some 20 kB, which fit; the point layer does not.
    values = parameters(out, figure=figure_copy, GCPS=str(figure_copy) + ".points",
                        PIXEL_SIZE=500, OUTPUT_DISTANCE=str(out / "distance.tif"))
    with file_size_limit(100_000):
        message = refusal("colormapdecoder:decodemap", values)
    assert message.startswith("OUTPUT_POINTS: "), message
    assert "Is the disk full?" in message and "Traceback" not in message
    assert_previous_outputs_only(out, "decoded.tif", "points.gpkg", "distance.tif")


def test_outputs_move_into_place_complete_and_load(provider, tmp_path, figure_copy):
    """Staged outputs arrive under their own names, readable, the report with its JSON twin, a
    shapefile with all its parts; previous files of those names replaced."""
    import rasterio
    from qgis.core import QgsVectorLayer

    out = tmp_path / "out"
    out.mkdir()
    previous_outputs(out, "decoded.tif", "points.shp", "report.html")
    values = parameters(out, figure=figure_copy, GCPS=str(figure_copy) + ".points",
                        OUTPUT_POINTS=str(out / "points.shp"),
                        OUTPUT_REPORT=str(out / "report.html"))
    result = run("colormapdecoder:decodemap", values)
    assert result["OUTPUT_POINTS"] == str(out / "points.shp")
    assert {p.name for p in out.iterdir()} == {
        "decoded.tif", "points.shp", "points.shx", "points.dbf", "points.prj", "points.cpg",
        "report.html", "report.json"} - ({"points.cpg"} - {p.name for p in out.iterdir()})
    layer = QgsVectorLayer(result["OUTPUT_POINTS"], "points", "ogr")
    assert layer.isValid() and layer.featureCount() > 300
    with rasterio.open(result["OUTPUT"]) as raster:
        assert raster.read(1, masked=True).count() > 150_000
    assert (out / "report.html").read_text().startswith("<!DOCTYPE html>")
    assert not [p for p in out.iterdir() if p.name.startswith(".partial")]
    # A GeoPackage keeps its layer name: the file's, not the staging file's.
    values["OUTPUT_POINTS"] = str(out / "Punkte.gpkg")
    result = run("colormapdecoder:decodemap", values)
    layer = QgsVectorLayer(result["OUTPUT_POINTS"], "points", "ogr")
    assert layer.isValid() and layer.featureCount() > 300
    assert [sub.split("!!::!!")[1] for sub in layer.dataProvider().subLayers()] == ["Punkte"]


def test_points_loaded_at_the_end_are_registered_where_they_land(provider, tmp_path, figure_copy):
    """A run that loads its outputs (the dialog, runAndLoadResults) loads the moved layer."""
    from qgis.core import (
        QgsProcessingContext,
        QgsProcessingFeedback,
        QgsProcessingOutputLayerDefinition,
        QgsProject,
    )

    out = tmp_path / "out"
    project = QgsProject()
    context = QgsProcessingContext()
    context.setProject(project)
    points = QgsProcessingOutputLayerDefinition(str(out / "points.gpkg"), project)
    values = parameters(out, figure=figure_copy, GCPS=str(figure_copy) + ".points",
                        OUTPUT_POINTS=points)
    import processing

    result = processing.run("colormapdecoder:decodemap", values, context=context,
                            feedback=QgsProcessingFeedback())
    assert result["OUTPUT_POINTS"] == str(out / "points.gpkg")
    assert context.willLoadLayerOnCompletion(str(out / "points.gpkg"))
    assert not [key for key in context.layersToLoadOnCompletion() if ".partial-" in key]


def test_detectfigure_writes_both_files_or_neither(provider, tmp_path, figure_copy):
    out = tmp_path / "out"
    out.mkdir()
    previous_outputs(out, "report.html")
    values = {"INPUT": str(figure_copy), "GCP_CRS": "EPSG:32632",
              "OUTPUT_GCPS": str(out / "axes.points"), "OUTPUT_REPORT": str(out / "report.html")}
    # The GCP file (a few kB) fits, the report (its picture embedded) does not.
    with file_size_limit(50_000):
        message = refusal("colormapdecoder:detectfigure", values)
    assert message.startswith("OUTPUT_REPORT: ") and str(out / "report.html") in message, message
    assert ".partial-" not in message
    assert_previous_outputs_only(out, "report.html")


@pytest.mark.parametrize("algorithm", ["colormapdecoder:decodemap",
                                       "colormapdecoder:detectfigure"])
@pytest.mark.parametrize("kind, words", [
    ("missing", "does not exist. Check the path"),
    ("empty", "is empty (0 bytes)"),
    ("text", "it is not an image"),
])
def test_an_input_qgis_cannot_load_is_explained_by_both(provider, tmp_path, algorithm, kind,
                                                         words):
    path = tmp_path / "figure.png"
    if kind == "empty":
        path.write_bytes(b"")
    elif kind == "text":
        path.write_text("pixel_x,pixel_y,map_x,map_y\n" * 20)
    values = ({"INPUT": str(path), "OUTPUT_REPORT": str(tmp_path / "report.html")}
              if algorithm.endswith("detectfigure") else
              parameters(tmp_path / "out", figure=path))
    message = refusal(algorithm, values)
    assert message.startswith("INPUT: ") and words in message, message
    assert "Could not load source layer" not in message
    assert not (tmp_path / "report.html").exists() and not (tmp_path / "out").exists()


def test_detectfigure_refuses_a_crs_qgis_does_not_know(provider, tmp_path, figure_copy):
    message = refusal("colormapdecoder:detectfigure",
                      {"INPUT": str(figure_copy), "GCP_CRS": "the one from the paper",
                       "OUTPUT_GCPS": str(tmp_path / "axes.points")})
    assert message.startswith("GCP_CRS: 'the one from the paper' is not a CRS QGIS knows")
    assert not (tmp_path / "axes.points").exists()


@pytest.mark.parametrize("override, parameter, words", [
    ({"TRANSFORM": 9}, "TRANSFORM", "Give one of 0 (Polynomial 1 (affine)"),
    ({"SCALE": 7}, "SCALE", "Give one of 0 (Linear)"),
    ({"PIXEL_SIZE": -5}, "PIXEL_SIZE", "Give a number at least 0"),
    ({"DBSCAN_MIN_SAMPLES": 0}, "DBSCAN_MIN_SAMPLES", "Give a whole number at least 1"),
    ({"PLOT_AREA": "left,right,bottom,top"}, "PLOT_AREA", "Give four numbers xmin,xmax,ymin,ymax"),
    ({"PLOT_AREA": "1,2,3"}, "PLOT_AREA", "Give four numbers xmin,xmax,ymin,ymax"),
    # Numbers typed as text say how to write them.
    ({"VMAX": "4,000"}, "VMAX", "Give a plain number"),
    ({"VMIN": "0 m"}, "VMIN", "no unit"),
    ({"LEVELS": "0, 1000, lots"}, "LEVELS", "e.g. 0,500,1000,2000"),
])
def test_values_qgis_refuses_say_what_is_accepted(provider, tmp_path, figure_copy, override,
                                                  parameter, words):
    values = parameters(tmp_path / "out", figure=figure_copy,
                        GCPS=str(figure_copy) + ".points", **override)
    message = refusal("colormapdecoder:decodemap", values)
    assert message.startswith(f"{parameter}: ") and words in message, message
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("stage", ["Reading the figure", "Decoding colours",
                                   "Reducing to representative points",
                                   "Placing the figure in the target CRS", "Writing"])
def test_cancelled_at_any_stage_every_previous_output_stays(provider, tmp_path, figure_copy,
                                                           stage):
    from qgis.core import QgsProcessingFeedback

    class CancelAt(QgsProcessingFeedback):
        def setProgressText(self, text):  # noqa: N802 - Qt override
            super().setProgressText(text)
            if text == stage:
                self.cancel()

    out = tmp_path / "out"
    out.mkdir()
    names = ("decoded.tif", "points.gpkg", "distance.tif", "rebuilt.tif", "report.html",
             "report.json")
    previous_outputs(out, *names)
    values = parameters(out, figure=figure_copy, GCPS=str(figure_copy) + ".points",
                        OUTPUT_DISTANCE=str(out / "distance.tif"),
                        OUTPUT_RECONSTRUCTION=str(out / "rebuilt.tif"),
                        OUTPUT_REPORT=str(out / "report.html"))
    feedback = CancelAt()
    assert run("colormapdecoder:decodemap", values, feedback=feedback) == {}
    assert feedback.isCanceled()
    assert_previous_outputs_only(out, *names)


def test_qgis_process_on_a_full_disk_fails_naming_the_output_and_writes_nothing(tmp_path,
                                                                              figure_copy):
    """The command line as a user runs it, with files limited to 100 kB (a disk that fills):
    a failed exit, the output named, no traceback, previous outputs untouched."""
    import resource
    import signal
    import subprocess

    from sample_figure import REPO_ROOT

    executable = shutil.which("qgis_process.bin", path="/usr/bin:/bin")
    assert executable, "qgis_process.bin is not installed (make test installs it)"
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "colormap_decoder").symlink_to(REPO_ROOT, target_is_directory=True)
    env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": str(tmp_path / "home"),
           "LANG": "C.UTF-8", "QT_QPA_PLATFORM": "offscreen", "QGIS_PLUGINPATH": str(plugins)}
    subprocess.run([executable, "plugins", "enable", "colormap_decoder"], env=env,
                   capture_output=True, timeout=120, check=False)
    out = tmp_path / "out"
    out.mkdir()
    previous_outputs(out, "decoded.tif", "points.gpkg")

    def small_files():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, resource.RLIM_INFINITY))

    values = parameters(out, figure=figure_copy, GCPS=str(figure_copy) + ".points")
    completed = subprocess.run(
        [executable, "run", "colormapdecoder:decodemap", "--"]
        + [f"{key}={value}" for key, value in values.items()],
        env=env, capture_output=True, text=True, timeout=300, preexec_fn=small_files)
    output = completed.stdout + completed.stderr
    assert completed.returncode != 0, output
    assert "ERROR:\tOUTPUT: The raster '" in output and "disk is probably full" in output, output
    assert "Traceback" not in output and "This is a bug" not in output
    assert_previous_outputs_only(out, "decoded.tif", "points.gpkg")


def _geopackage_with_two_layers(path):
    """A user's GeoPackage (or SpatiaLite database, by its extension): a layer 'roads' of 3
    lines and a layer 'points' of 1 point."""
    from osgeo import ogr, osr

    srs = osr.SpatialReference()
    srs.ImportFromEPSG(32632)
    if str(path).endswith(".gpkg"):
        data = ogr.GetDriverByName("GPKG").CreateDataSource(str(path))
    else:
        data = ogr.GetDriverByName("SQLite").CreateDataSource(str(path), ["SPATIALITE=YES"])
    for name, kind, shapes in (("roads", ogr.wkbLineString,
                                ["LINESTRING(0 0,1 1)", "LINESTRING(1 1,2 0)", "LINESTRING(2 0,3 3)"]),
                               ("points", ogr.wkbPoint, ["POINT(5 5)"])):
        layer = data.CreateLayer(name, srs, kind)
        layer.CreateField(ogr.FieldDefn("note", ogr.OFTString))
        for shape in shapes:
            feature = ogr.Feature(layer.GetLayerDefn())
            feature.SetGeometry(ogr.CreateGeometryFromWkt(shape))
            feature.SetField("note", "the user's")
            layer.CreateFeature(feature)
    data = None


def _layers(path):
    """{name: (feature count, first feature's fields)} of a GeoPackage, read with OGR."""
    from osgeo import ogr

    data = ogr.Open(str(path))
    found = {}
    for index in range(data.GetLayerCount()):
        layer = data.GetLayer(index)
        first = layer.GetNextFeature()
        found[layer.GetName()] = (layer.GetFeatureCount(), first.items() if first else None)
    data = None
    return found


@pytest.mark.parametrize("database_name, spelling", [
    ("survey.gpkg", "ogr:dbname='{}' table=\"points\" (geom)"),
    # SpatiaLite is SQLite too: the same transaction (it was written in place).
    ("survey.sqlite", "ogr:dbname='{}' table=\"points\" (geom)"),
    ("survey.sqlite", "spatialite:dbname='{}' table=\"points\" (geom)"),
])
@pytest.mark.parametrize("how", ["cancelled", "failed while copied", "complete"])
def test_a_layer_written_into_an_existing_geopackage_is_all_or_nothing(provider, tmp_path,
                                                                        figure_copy, monkeypatch,
                                                                        how, database_name,
                                                                        spelling):
    """OUTPUT_POINTS as a layer of a GeoPackage that holds other layers (ogr:dbname=... table=...,
    what QGIS's 'Save to GeoPackage' gives): written away from it and copied in one
    transaction at the end. Cancelled while writing, or failing half-way through the copy,
    the GeoPackage keeps both its layers as they were; complete, the layer 'points' is
    replaced by the decoded points and 'roads' is untouched."""
    from qgis.core import QgsProcessingFeedback, QgsVectorLayer

    from colormap_decoder.plugin.processing import staged_outputs

    out = tmp_path / "out"
    out.mkdir()
    database = out / database_name
    _geopackage_with_two_layers(database)
    before = _layers(database)
    values = parameters(out, figure=figure_copy, GCPS=str(figure_copy) + ".points",
                        OUTPUT_POINTS=spelling.format(database))

    class CancelAfterTheFirstPoints(QgsProcessingFeedback):
        """Cancels once the first batch of points has been handed to the sink: the raster's
        check passes, the one after the first batch of points stops the run."""
        asked = None

        def setProgressText(self, text):  # noqa: N802 - Qt override
            super().setProgressText(text)
            if text == "Writing":
                self.asked = 0

        def isCanceled(self):  # noqa: N802 - asked by the algorithm's Python code
            if self.asked is not None:
                self.asked += 1
                if self.asked == 2:
                    self.cancel()
            return super().isCanceled()

    if how == "cancelled":
        from colormap_decoder.plugin.processing import decode_map_algorithm

        monkeypatch.setattr(decode_map_algorithm, "POINT_BATCH", 50)
        feedback = CancelAfterTheFirstPoints()
        assert run("colormapdecoder:decodemap", values, feedback=feedback) == {}
        assert feedback.asked >= 2
    elif how == "failed while copied":
        copy_features = staged_outputs._copy_features

        def fail_half_way(source_layer, target, name, geometry_column):
            # The features are all copied into the new layer inside the transaction, then the
            # disk 'fills' before the commit.
            copy_features(source_layer, target, name, geometry_column)
            assert target.GetLayerByName(name).GetFeatureCount() > 300
            raise RuntimeError("disk I/O error")

        monkeypatch.setattr(staged_outputs, "_copy_features", fail_half_way)
        message = refusal("colormapdecoder:decodemap", values)
        assert message.startswith("OUTPUT_POINTS: the point layer could not be written into '"
                                  + str(database)), message
        assert "disk I/O error" in message and "left as it was" in message
    else:
        result = run("colormapdecoder:decodemap", values)
        assert result["OUTPUT_POINTS"] == f"{database}|layername=points"
        layer = QgsVectorLayer(result["OUTPUT_POINTS"], "points", "ogr")
        assert layer.isValid() and layer.featureCount() > 300
        assert "value" in layer.fields().names()
        del layer
    after = _layers(database)
    if how == "complete":
        assert after["roads"] == before["roads"]
        assert set(after) == {"roads", "points"}
        assert after["points"][0] > 300 and "value" in after["points"][1]
        assert (out / "decoded.tif").exists()
    else:
        assert after == before
        assert not (out / "decoded.tif").exists()
    # No staging folder or temporary layer is left.
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [database_name] + (["decoded.tif"] if how == "complete" else []))


def _geopackage_with_layers(path, layers):
    """A GeoPackage holding point layers {name: feature count}."""
    from osgeo import ogr, osr

    crs = osr.SpatialReference()
    crs.ImportFromEPSG(32632)
    source = ogr.GetDriverByName("GPKG").CreateDataSource(str(path))
    for name, count in layers.items():
        layer = source.CreateLayer(name, crs, ogr.wkbPoint)
        for index in range(count):
            feature = ogr.Feature(layer.GetLayerDefn())
            feature.SetGeometry(ogr.CreateGeometryFromWkt(f"POINT ({600000 + index} 5150000)"))
            layer.CreateFeature(feature)
    source = None


def _layer_counts(path):
    from osgeo import ogr

    source = ogr.Open(str(path))
    found = {source.GetLayer(i).GetName(): source.GetLayer(i).GetFeatureCount()
             for i in range(source.GetLayerCount())}
    source = None
    return found


@pytest.mark.parametrize("points", ["file", "geopackage layer"])
def test_a_commit_failing_part_way_leaves_every_output_as_it_was(provider, tmp_path, figure_copy,
                                                                 monkeypatch, points):
    """Every output written; between the work and the commit the raster's folder becomes
    unwritable (read-only; immutable for root). The point layer, moved or copied into its
    GeoPackage before the raster's turn, is undone: previous files and layers as they were."""
    import contextlib

    from hostile_conditions import unwritable_folder

    from colormap_decoder.plugin.engine.writing import OutputTransaction

    rasters, layers = tmp_path / "rasters", tmp_path / "layers"
    rasters.mkdir()
    layers.mkdir()
    previous_outputs(rasters, "decoded.tif", "distance.tif")
    if points == "file":
        previous_outputs(layers, "points.gpkg")
        destination = str(layers / "points.gpkg")
    else:
        _geopackage_with_layers(layers / "data.gpkg", {"roads": 3, "points": 2})
        destination = f"ogr:dbname='{layers / 'data.gpkg'}' table=\"points\" (geom)"
    before = {p.name: p.read_bytes() for p in layers.iterdir()}
    values = parameters(rasters, figure=figure_copy, GCPS=str(figure_copy) + ".points",
                        OUTPUT_DISTANCE=str(rasters / "distance.tif"), OUTPUT_POINTS=destination)
    commit = OutputTransaction.commit
    with contextlib.ExitStack() as locked:
        def commit_into_a_locked_folder(transaction):
            if any(move[1] == str(rasters / "decoded.tif") for move in transaction._moves):
                locked.enter_context(unwritable_folder(rasters))
            return commit(transaction)

        monkeypatch.setattr(OutputTransaction, "commit", commit_into_a_locked_folder)
        message = refusal("colormapdecoder:decodemap", values)
        assert sorted(p.name for p in rasters.iterdir()
                      if not p.name.startswith(".partial-")) == ["decoded.tif", "distance.tif"]
    assert message.startswith("OUTPUT"), message
    assert "could not be moved into place" in message and "No output was changed" in message
    assert "Traceback" not in message
    # The run's temporaries could not be removed from the locked folder; nothing else changed.
    for name in ("decoded.tif", "distance.tif"):
        assert (rasters / name).read_bytes() == b"previous " + name.encode()
    assert {p.name: p.read_bytes() for p in layers.iterdir()} == before
    if points == "geopackage layer":
        assert _layer_counts(layers / "data.gpkg") == {"roads": 3, "points": 2}
    # Once the folder can be written again, the same run moves everything in.
    monkeypatch.setattr(OutputTransaction, "commit", commit)
    result = run("colormapdecoder:decodemap", values)
    assert (rasters / "decoded.tif").read_bytes()[:2] in (b"II", b"MM")
    if points == "geopackage layer":
        found = _layer_counts(layers / "data.gpkg")
        assert found["roads"] == 3 and found["points"] > 300 and len(found) == 2
    else:
        assert result["OUTPUT_POINTS"] == destination
        assert (layers / "points.gpkg").read_bytes()[:15] == b"SQLite format 3"


def test_an_output_made_a_folder_before_the_commit_is_named(provider, tmp_path, figure_copy,
                                                            monkeypatch):
    from colormap_decoder.plugin.engine.writing import OutputTransaction

    out = tmp_path / "out"
    out.mkdir()
    previous_outputs(out, "decoded.tif", "points.gpkg")
    values = parameters(out, figure=figure_copy, GCPS=str(figure_copy) + ".points",
                        OUTPUT_REPORT=str(out / "report.html"))
    commit = OutputTransaction.commit

    def report_made_a_folder(transaction):
        # The run's commit (the report's own files are written with commits of their own).
        if any(move[1] == str(out / "report.html") for move in transaction._moves):
            (out / "report.html").mkdir()
        return commit(transaction)

    monkeypatch.setattr(OutputTransaction, "commit", report_made_a_folder)
    message = refusal("colormapdecoder:decodemap", values)
    assert message.startswith(f"OUTPUT_REPORT: '{out / 'report.html'}' is a folder now"), message
    (out / "report.html").rmdir()
    assert_previous_outputs_only(out, "decoded.tif", "points.gpkg")
