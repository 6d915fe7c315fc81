"""The decodemap algorithm in a real headless QGIS, on the bundled real-data sample.

The sample is the Vinschgau 250 m DEM drawn by matplotlib with viridis over 0–4000 m: one
colormap step is 4000 / 256 ≈ 15.6 m, so a correct decode has a median error near a quarter of
that and a 95th percentile within a few steps (bilinear rendering and contour lines included).
"""
import os
import re
import shutil
import subprocess

import numpy as np
import pytest
import rasterio
from sample_figure import FIGURE, REPO_ROOT, STEP, TRUTH, sample_extents, truth_on_grid
from sample_figure import sample_parameters as parameters


def test_decodes_the_sample_into_a_georeferenced_raster_and_points(provider, tmp_path):
    import processing
    from qgis.core import QgsRasterLayer, QgsVectorLayer

    result = processing.run("colormapdecoder:decodemap", parameters(tmp_path))
    raster = QgsRasterLayer(result["OUTPUT"], "decoded")
    assert raster.isValid()
    assert raster.crs().authid() == "EPSG:32632"
    extent = raster.extent()
    # The axes show the DEM's whole extent, 598250–661250 E, 5144500–5193000 N.
    assert abs(extent.xMinimum() - 598250) < 120 and abs(extent.xMaximum() - 661250) < 240
    assert abs(extent.yMaximum() - 5193000) < 120 and abs(extent.yMinimum() - 5144500) < 240
    decoded, expected = truth_on_grid(result["OUTPUT"])
    both = ~decoded.mask & np.isfinite(expected)
    assert both.sum() > 0.85 * decoded.size
    error = np.abs(decoded.data[both] - expected[both])
    assert np.median(error) <= 0.5 * STEP
    assert np.percentile(error, 95) <= 2 * STEP
    with rasterio.open(result["OUTPUT"]) as dataset:
        assert dataset.dtypes[0] == "float32" and dataset.nodata is not None
        assert dataset.tags()["COLOUR_SCALE"] == "matplotlib:viridis"

    points = QgsVectorLayer(result["OUTPUT_POINTS"], "points", "ogr")
    assert points.isValid()
    assert points.crs().authid() == "EPSG:32632"
    names = points.fields().names()
    for field in ("value", "value_std", "n_pixels", "pixel_x", "pixel_y", "area_m2"):
        assert field in names
    features = list(points.getFeatures())
    assert len(features) > 100
    with rasterio.open(TRUTH) as truth:
        xy = [(f.geometry().asPoint().x(), f.geometry().asPoint().y()) for f in features]
        true_values = np.array([v[0] for v in truth.sample(xy, masked=True)], dtype=float)
    values = np.array([f["value"] for f in features])
    # A plateau of one colour spans one colormap step: its median is within a step of the truth
    # at its centroid (bilinear rendering between 250 m cells of a steep DEM adds a little).
    assert np.median(np.abs(values - true_values)) <= STEP
    assert all(f["n_pixels"] >= 1 and f["area_m2"] > 0 for f in features)


def test_point_fields_are_typed_with_qmetatype_from_qgis_3_38_and_qvariant_before(qgis_app):
    """QGIS 4 (Qt 6) takes only QMetaType types for a QgsField; QGIS 3.22 only QVariant's."""
    from qgis.core import QgsField
    from qgis.PyQt.QtCore import QMetaType

    from colormap_decoder.plugin.processing.decode_map_algorithm import field_type

    # QMetaType and QVariant number their types alike: Double 6, Int 2, Bool 1.
    for name, number in (("Double", 6), ("Int", 2), ("Bool", 1)):
        new, old = field_type(name, 33800), field_type(name, 32216)
        assert int(new) == int(old) == number
        assert type(new) is type(QMetaType.Type.Double) and type(old) is not type(new)
        # This QGIS takes the type chosen for it.
        assert QgsField("field", field_type(name)).type() == number


def test_target_crs_other_than_the_gcps_puts_values_in_the_right_place(provider, tmp_path):
    import processing

    result = processing.run("colormapdecoder:decodemap",
                            parameters(tmp_path, TARGET_CRS="EPSG:4326"))
    decoded, expected = truth_on_grid(result["OUTPUT"])
    with rasterio.open(result["OUTPUT"]) as dataset:
        assert dataset.crs.to_epsg() == 4326
        assert 10.2 < dataset.bounds.left < 10.4 and 46.4 < dataset.bounds.bottom < 46.5
    # Nearest-neighbour resampling onto a grid turned against the figure's takes values from up
    # to half a figure pixel (~56 m) away: on this steep DEM that is worth about a colormap step.
    both = ~decoded.mask & np.isfinite(expected)
    error = np.median(np.abs(decoded.data[both] - expected[both]))
    assert error <= STEP
    # The right place: one output pixel off in any direction is clearly worse.
    for shift in ((0, 1), (1, 0), (0, -1), (-1, 0)):
        moved = np.roll(expected, shift, axis=(0, 1))
        both = ~decoded.mask & np.isfinite(moved)
        assert np.median(np.abs(decoded.data[both] - moved[both])) > 1.5 * error


def test_loaded_figure_layer_frame_is_the_one_extents_use(qgis_app):
    from qgis.core import QgsRasterLayer

    layer = QgsRasterLayer(str(FIGURE), "figure")
    extent = layer.extent()
    assert (extent.xMinimum(), extent.xMaximum(), extent.yMinimum(), extent.yMaximum()) == \
        (0, 900, -600, 0)


def test_colorbar_box_instead_of_a_colormap_name(provider, tmp_path):
    import processing

    result = processing.run("colormapdecoder:decodemap", parameters(
        tmp_path, COLORMAP="", COLORBAR=sample_extents()["COLORBAR"]))
    decoded, expected = truth_on_grid(result["OUTPUT"])
    both = ~decoded.mask & np.isfinite(expected)
    assert np.median(np.abs(decoded.data[both] - expected[both])) <= 0.75 * STEP


@pytest.mark.parametrize("override, parameter, words", [
    ({"COLORMAP": "viridsi"}, "COLORMAP", "viridis"),
    # A missing VMIN is read off the sample's colorbar (issue 17): see test_detection_*.py for
    # figures whose labels cannot answer it.
    # VMIN above VMAX with a COLORMAP is a reversed scale (test_pipeline.py); equal is refused.
    ({"VMIN": 10, "VMAX": 10}, "VMIN", "increasing"),
    ({"GCPS": "/nonexistent/file.points"}, "GCPS", "file.points"),
    ({"PLOT_AREA": "2000,3000,-100,0"}, "PLOT_AREA", "overlap"),
    ({"COLORMAP": "Reds", "MAX_COLOR_DISTANCE": 0.001}, "COLORMAP", "MAX_COLOR_DISTANCE"),
])
def test_bad_input_names_the_parameter(provider, tmp_path, override, parameter, words):
    import processing
    from qgis.core import QgsProcessingException

    values = parameters(tmp_path, **override)
    values = {k: v for k, v in values.items() if v is not None}
    with pytest.raises(QgsProcessingException) as raised:
        processing.run("colormapdecoder:decodemap", values)
    message = str(raised.value)
    assert parameter in message and words in message
    assert not os.path.exists(values["OUTPUT"])


def test_cancelled_run_leaves_no_output(provider, tmp_path):
    import processing
    from qgis.core import QgsProcessingFeedback

    class CancelWhileDecoding(QgsProcessingFeedback):
        def setProgressText(self, text):  # noqa: N802 - Qt override
            super().setProgressText(text)
            if "Decoding" in text:
                self.cancel()

    values = parameters(tmp_path)
    result = processing.run("colormapdecoder:decodemap", values, feedback=CancelWhileDecoding())
    assert result.get("OUTPUT") is None
    assert not os.path.exists(values["OUTPUT"])
    assert [p for p in os.listdir(tmp_path) if p.endswith(".tif")] == []


def test_missing_package_is_explained(provider, tmp_path, monkeypatch):
    import importlib.util

    import processing
    from qgis.core import QgsProcessingException

    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "shapely" else real_find_spec(name, *a))
    with pytest.raises(QgsProcessingException) as raised:
        processing.run("colormapdecoder:decodemap", parameters(tmp_path))
    message = str(raised.value)
    assert "shapely" in message and "OSGeo4W" in message and "python3-shapely" in message


def test_scikit_learn_is_not_required():
    """The engine clusters with its own DBSCAN (reduction.py, grid_dbscan.py): scikit-learn is
    only the tests' and the benchmarks' reference, not a dependency of the plugin."""
    from colormap_decoder.plugin.processing.dependencies import REQUIRED_PACKAGES

    assert "sklearn" not in REQUIRED_PACKAGES
    engine = REPO_ROOT / "plugin"
    imports = [path for path in engine.rglob("*.py")
               if re.search(r"^\s*(from|import) sklearn", path.read_text(encoding="utf-8"), re.M)]
    assert imports == []


def test_runs_through_qgis_process(tmp_path):
    executable = shutil.which("qgis_process.bin", path="/usr/bin:/bin")
    if executable is None:
        pytest.fail("qgis_process.bin is not installed (make test installs it)")
    plugin_folder = tmp_path / "plugins"
    plugin_folder.mkdir()
    (plugin_folder / "colormap_decoder").symlink_to(REPO_ROOT, target_is_directory=True)
    env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": os.environ.get("HOME", "/root"),
           "QT_QPA_PLATFORM": "offscreen", "QGIS_PLUGINPATH": str(plugin_folder)}
    subprocess.run([executable, "plugins", "enable", "colormap_decoder"], env=env,
                   capture_output=True, timeout=120)
    values = parameters(tmp_path)
    arguments = [f"{k}={v}" for k, v in values.items()]
    completed = subprocess.run([executable, "run", "colormapdecoder:decodemap", "--"] + arguments,
                               env=env, capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "OUTPUT_POINTS" in completed.stdout
    decoded, expected = truth_on_grid(values["OUTPUT"])
    both = ~decoded.mask & np.isfinite(expected)
    assert np.median(np.abs(decoded.data[both] - expected[both])) <= 0.5 * STEP
    assert os.path.getsize(values["OUTPUT_POINTS"]) > 0


def test_mask_layer_and_distance_output(provider, tmp_path):
    import processing
    from qgis.core import QgsFeature, QgsGeometry, QgsVectorLayer

    mask = QgsVectorLayer("Polygon", "mask", "memory")
    feature = QgsFeature()
    feature.setGeometry(QgsGeometry.fromWkt("POLYGON((200 -200, 300 -200, 300 -300, 200 -300, 200 -200))"))
    mask.dataProvider().addFeatures([feature])
    plain = processing.run("colormapdecoder:decodemap", parameters(tmp_path / "plain"))
    masked = processing.run("colormapdecoder:decodemap", parameters(
        tmp_path, MASK=mask, OUTPUT_DISTANCE=str(tmp_path / "distance.tif")))
    with rasterio.open(plain["OUTPUT"]) as a, rasterio.open(masked["OUTPUT"]) as b:
        lost = a.read(1, masked=True).count() - b.read(1, masked=True).count()
    # 100×100 figure pixels, mostly data, map to about as many output pixels.
    assert 8000 < lost < 10500
    with rasterio.open(masked["OUTPUT_DISTANCE"]) as distance, rasterio.open(masked["OUTPUT"]) as values:
        delta_e = distance.read(1, masked=True)
        data = values.read(1, masked=True)
        assert delta_e.min() >= 0
        assert delta_e[~data.mask].max() <= 12.0
        assert (delta_e[data.mask & ~delta_e.mask] > 12.0).all()


def test_report_and_reconstruction_outputs(provider, tmp_path):
    import json

    import processing

    result = processing.run("colormapdecoder:decodemap", parameters(
        tmp_path, OUTPUT_REPORT=str(tmp_path / "report.html"),
        OUTPUT_RECONSTRUCTION=str(tmp_path / "rebuilt.tif")))
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "data:image/png;base64," in html and "RMSE" in html
    numbers = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert len(json.dumps(numbers)) > 100
    with rasterio.open(result["OUTPUT_RECONSTRUCTION"]) as rebuilt, \
            rasterio.open(result["OUTPUT"]) as decoded:
        assert rebuilt.transform == decoded.transform and rebuilt.crs == decoded.crs
        a, b = rebuilt.read(1, masked=True), decoded.read(1, masked=True)
        both = ~a.mask & ~b.mask
        # The points rebuild the DEM within a few hundred metres (the log's RMSE, ~330 m).
        assert both.sum() > 0.8 * (~b.mask).sum()
        assert np.sqrt(np.mean((a[both] - b[both]) ** 2)) < 500


def test_cancelling_between_two_written_rasters_moves_none_into_place(provider, tmp_path,
                                                                       monkeypatch):
    """Cancelled after OUTPUT is written (to its temporary file), before OUTPUT_DISTANCE: the
    previous OUTPUT stays, no new raster appears, no points layer is created."""
    import processing
    from qgis.core import QgsProcessingFeedback

    from colormap_decoder.plugin.engine import writing

    feedback = QgsProcessingFeedback()
    real_write = writing.write_geotiff

    def write_then_cancel(*args, **kwargs):
        real_write(*args, **kwargs)
        feedback.cancel()

    monkeypatch.setattr(writing, "write_geotiff", write_then_cancel)
    (tmp_path / "decoded.tif").write_bytes(b"previous")
    values = parameters(tmp_path, OUTPUT_DISTANCE=str(tmp_path / "distance.tif"))
    assert processing.run("colormapdecoder:decodemap", values, feedback=feedback) == {}
    assert (tmp_path / "decoded.tif").read_bytes() == b"previous"
    assert not (tmp_path / "distance.tif").exists()
    assert not (tmp_path / "points.gpkg").exists()
    assert not [p for p in os.listdir(tmp_path) if p.startswith(".partial")]


def test_target_crs_as_a_proj_string(provider, tmp_path):
    """A figure's own projection often has no EPSG code: a PROJ string is accepted as is."""
    import processing

    lambert = ("+proj=lcc +lat_1=44 +lat_2=49 +lat_0=46.5 +lon_0=11 +datum=WGS84 +units=m "
               "+no_defs")
    result = processing.run("colormapdecoder:decodemap", parameters(tmp_path, TARGET_CRS=lambert))
    from pyproj import Transformer

    with rasterio.open(TRUTH) as truth:
        left, bottom, right, top = truth.bounds
    corners_x, corners_y = Transformer.from_crs("EPSG:32632", lambert, always_xy=True).transform(
        [left, left, right, right], [bottom, top, bottom, top])
    with rasterio.open(result["OUTPUT"]) as dataset:
        assert "Lambert" in dataset.crs.to_wkt()
        size = dataset.res[0]
        # The axes show the DEM's whole extent: the output covers its corners' hull.
        assert abs(dataset.bounds.left - min(corners_x)) < 2 * size
        assert abs(dataset.bounds.top - max(corners_y)) < 2 * size
    decoded, expected = truth_on_grid(result["OUTPUT"])
    both = ~decoded.mask & np.isfinite(expected)
    assert np.median(np.abs(decoded.data[both] - expected[both])) <= STEP


def test_extent_taken_from_the_loaded_figure_layer(provider, tmp_path):
    """A PLOT_AREA drawn on the canvas over the figure layer arrives as a rectangle in the
    layer's frame (x = column, y = -row); it must select the same pixels as the typed one."""
    import processing
    from qgis.core import QgsRasterLayer, QgsRectangle, QgsReferencedRectangle

    layer = QgsRasterLayer(str(FIGURE), "figure")
    xmin, xmax, ymin, ymax = (float(v) for v in sample_extents()["PLOT_AREA"].split(","))
    drawn = QgsReferencedRectangle(QgsRectangle(xmin, ymin, xmax, ymax), layer.crs())
    typed = processing.run("colormapdecoder:decodemap", parameters(tmp_path / "typed"))
    canvas = processing.run("colormapdecoder:decodemap", parameters(
        tmp_path / "canvas", INPUT=layer, PLOT_AREA=drawn))
    with rasterio.open(typed["OUTPUT"]) as a, rasterio.open(canvas["OUTPUT"]) as b:
        assert a.transform == b.transform and a.shape == b.shape
        assert np.array_equal(a.read(1), b.read(1))


def test_contour_filled_figure_keeps_each_pixels_class(provider, tmp_path):
    """LEVELS: band 1 holds the class midpoint, band 2 the class index."""
    import processing
    from figures_for_tests import jacksboro_dem, render_grid

    grid, extent = jacksboro_dem()
    levels = [float(v) for v in np.linspace(np.nanmin(grid), np.nanmax(grid), 7)]
    figure = render_grid(grid, extent, tmp_path / "classes.png", levels=levels, overlays=False)
    col0, row0, col1, row1 = figure.plot_box
    result = processing.run("colormapdecoder:decodemap", {
        "INPUT": figure.path, "GCPS": str(figure.gcps_csv(tmp_path / "gcps.csv")),
        "GCP_CRS": "EPSG:4326", "COLORMAP": "viridis", "LEVELS": ",".join(map(str, levels)),
        "PLOT_AREA": f"{col0},{col1},{-row1},{-row0}",
        "OUTPUT": str(tmp_path / "classes.tif"), "OUTPUT_POINTS": str(tmp_path / "p.gpkg")})
    with rasterio.open(result["OUTPUT"]) as dataset:
        assert dataset.count == 2 and "class" in dataset.descriptions[1]
        values, classes = dataset.read(1, masked=True), dataset.read(2, masked=True)
    midpoints = (np.array(levels[:-1]) + np.array(levels[1:])) / 2
    data = ~values.mask
    assert data.mean() > 0.9 and np.array_equal(data, ~classes.mask)
    assert set(np.unique(classes[data]).astype(int)) == set(range(len(levels) - 1))
    assert np.allclose(values[data], midpoints[classes[data].astype(int)], rtol=1e-6)


def test_stage_times_line_accounts_for_the_whole_run(provider, tmp_path):
    """The log's "Stage times" line holds every part of processAlgorithm, in the order they ran:
    the engine's imports and the parameters' reading before the engine's own stages, the
    outputs' writing and styling after (bench_pipeline.py's per-stage table is parsed from it)."""
    import processing
    from qgis.core import QgsProcessingFeedback

    class Log(QgsProcessingFeedback):
        lines = []

        def pushInfo(self, info):  # noqa: N802 - Qt override
            self.lines.append(info)
            super().pushInfo(info)

    feedback = Log()
    processing.run("colormapdecoder:decodemap", parameters(tmp_path), feedback=feedback)
    line = next(text for text in feedback.lines if text.startswith("Stage times: "))
    names = re.findall(r"(?:: |, )([a-z ]+?) [0-9.]+ s", line)
    assert names == ["engine imports", "parameters", "prepare", "read", "colour scale",
                     "decode", "native grid", "reduce", "warp", "locate points",
                     "write raster", "write points", "style outputs"], line


def test_a_figure_chosen_as_a_project_layer_is_read_ahead(provider, tmp_path, monkeypatch):
    """The dialog gives INPUT as the id of a layer of the project: its file is read ahead (in
    a thread of its own while the job starts) as a path's is, the run takes that reading, and
    the result is the path's. A layer id naming no raster layer starts nothing."""
    import processing
    from qgis.core import QgsProcessingContext, QgsProcessingFeedback, QgsProject, QgsRasterLayer

    from colormap_decoder.plugin.engine import figure as figure_module

    copy = tmp_path / "figure.png"
    shutil.copy(FIGURE, copy)
    layer = QgsRasterLayer(str(copy), "the figure")
    project = QgsProject()
    assert project.addMapLayer(layer) is not None
    started, taken = [], []
    read_ahead, take = figure_module.read_ahead, figure_module._take_read_ahead
    monkeypatch.setattr(figure_module, "read_ahead",
                        lambda path: started.append(path) or read_ahead(path))
    monkeypatch.setattr(figure_module, "_take_read_ahead",
                        lambda *args: taken.append(take(*args)) or taken[-1])

    def run(folder, figure):
        context = QgsProcessingContext()
        context.setProject(project)
        return processing.run("colormapdecoder:decodemap", parameters(folder, INPUT=figure),
                              context=context, feedback=QgsProcessingFeedback())

    by_id = run(tmp_path / "by_id", layer.id())
    assert started == [str(copy)]
    assert len(taken) == 1 and taken[0] is not None and taken[0].path == str(copy)
    by_path = run(tmp_path / "by_path", str(copy))
    with rasterio.open(by_id["OUTPUT"]) as a, rasterio.open(by_path["OUTPUT"]) as b:
        assert a.transform == b.transform and np.array_equal(a.read(1), b.read(1))
    started.clear()
    from qgis.core import QgsProcessingException

    # The id of no layer: refused as before, nothing read.
    with pytest.raises(QgsProcessingException):
        run(tmp_path / "nothing", "no_such_layer_id")
    assert started == []
