"""Colormap Decoder at home in QGIS: styled outputs, models, batches, the plugin zip, the dialog.

Everything runs on the bundled real-data sample: the Vinschgau 250 m DEM drawn by matplotlib
with viridis over 0–4000 m (``sample/make_sample.py``). One viridis step is 4000 / 256 ≈ 15.6 m.
"""
import configparser
import json
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
import rasterio
from sample_figure import FIGURE, POINTS_FILE, REPO_ROOT, STEP, TRUTH, sample_extents, truth_on_grid
from sample_figure import sample_parameters as parameters

MODEL = REPO_ROOT / "tests" / "data" / "decode_and_sample.model3"
QGIS_ENV = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": os.environ.get("HOME", "/root"),
            "QT_QPA_PLATFORM": "offscreen"}


def plot_area():
    return sample_extents()["PLOT_AREA"]


def median_error_against_truth(path):
    """Median |decoded - DEM| over the data pixels, the DEM bilinear on the output's grid."""
    decoded, expected = truth_on_grid(path)
    both = ~decoded.mask & np.isfinite(expected)
    assert both.sum() > 0.8 * decoded.size
    return float(np.median(np.abs(decoded.data[both] - expected[both])))


def hex_colour(rgb):
    return "#" + "".join(f"{round(255 * c):02x}" for c in rgb[:3])


def same_colour(qcolor, rgb, tolerance=2):
    """A QColor within `tolerance` (of 255) of an sRGB triplet in [0, 1], channel by channel."""
    got = np.array([qcolor.red(), qcolor.green(), qcolor.blue()])
    return bool(np.all(np.abs(got - 255 * np.asarray(rgb[:3])) <= tolerance))



@pytest.fixture
def project(qgis_app):
    from qgis.core import QgsProject

    instance = QgsProject.instance()
    instance.removeAllMapLayers()
    yield instance
    instance.removeAllMapLayers()


# -- (a) styled outputs ---------------------------------------------------------------------
def test_loaded_outputs_open_with_the_figures_colormap_and_range(provider, project,
                                                                  tmp_path):
    import processing
    from matplotlib import colormaps
    from qgis.core import (
        QgsColorRampShader,
        QgsGraduatedSymbolRenderer,
        QgsRasterLayer,
        QgsSingleBandPseudoColorRenderer,
        QgsVectorLayer,
    )

    from colormap_decoder.plugin.engine.colour_scales import resolve_colour_scale

    result = processing.runAndLoadResults("colormapdecoder:decodemap", parameters(
        tmp_path, OUTPUT="TEMPORARY_OUTPUT", OUTPUT_POINTS="TEMPORARY_OUTPUT"))
    layers = {layer.name(): layer for layer in project.mapLayers().values()}
    assert set(layers) == {"Decoded values (viridis)", "Representative points (viridis)"}
    raster, points = layers["Decoded values (viridis)"], layers["Representative points (viridis)"]
    assert isinstance(raster, QgsRasterLayer) and isinstance(points, QgsVectorLayer)
    assert raster.source() == result["OUTPUT"]

    viridis = colormaps["viridis"]
    renderer = raster.renderer()
    assert isinstance(renderer, QgsSingleBandPseudoColorRenderer)
    assert (renderer.classificationMin(), renderer.classificationMax()) == (0, 4000)
    shader = renderer.shader().rasterShaderFunction()
    assert shader.colorRampType() == QgsColorRampShader.Type.Interpolated
    items = shader.colorRampItemList()
    # One item per vertex of the colour scale the decoder used, from VMIN to VMAX.
    assert len(items) == len(resolve_colour_scale("viridis").positions)
    assert (items[0].value, items[-1].value) == (0, 4000)
    assert items[0].color.name() == hex_colour(viridis(0.0)) == "#440154"
    assert items[-1].color.name() == hex_colour(viridis(1.0)) == "#fde725"
    ok, red, green, blue, _ = shader.shade(1000.0)
    assert ok and np.allclose((red, green, blue), np.array(viridis(0.25)[:3]) * 255, atol=1.5)

    graduated = points.renderer()
    assert isinstance(graduated, QgsGraduatedSymbolRenderer)
    assert graduated.classAttribute() == "value"
    ranges = graduated.ranges()  # keep the list: its symbols die with it
    assert ranges[0].lowerValue() == 0 and ranges[-1].upperValue() == 4000
    middle = (ranges[0].lowerValue() + ranges[0].upperValue()) / 2 / 4000
    assert same_colour(ranges[0].symbol().color(), viridis(middle))
    assert points.featureCount() > 100
    # Every point falls into a class, so every point is drawn.
    assert all(any(r.lowerValue() <= f["value"] <= r.upperValue() for r in ranges)
               for f in points.getFeatures())


def test_run_from_the_dialog_in_a_background_task_styles_what_it_loads(provider, project,
                                                                       qgis_app):
    """The dialog's way: a QgsTask thread runs the algorithm, the main thread loads and styles."""
    import gc
    import time

    from processing.core.ProcessingConfig import ProcessingConfig
    from processing.gui.AlgorithmDialog import AlgorithmDialog
    from qgis.core import QgsApplication, QgsGraduatedSymbolRenderer

    ProcessingConfig.setSettingValue(ProcessingConfig.WARN_UNMATCHING_CRS, False)  # no pop-up
    algorithm = QgsApplication.processingRegistry().createAlgorithmById(
        "colormapdecoder:decodemap")
    dialog = AlgorithmDialog(algorithm)
    values = parameters(Path("/unused"))
    del values["OUTPUT"], values["OUTPUT_POINTS"]  # the dialog's default: temporary outputs
    dialog.setParameters(values)
    dialog.runAlgorithm()
    # A wait, not a timing: the whole suite on the shared 2-core machine under load 19 took
    # over 60 s for this run (alone: a few seconds).
    deadline = time.monotonic() + 300
    while len(project.mapLayers()) < 2 and time.monotonic() < deadline:
        qgis_app.processEvents()
        gc.collect()  # post-processors made in the task's thread must survive this
        time.sleep(0.02)
    dialog.close()
    renderers = {layer.name(): layer.renderer() for layer in project.mapLayers().values()}
    assert set(renderers) == {"Decoded values (viridis)", "Representative points (viridis)"}
    assert renderers["Decoded values (viridis)"].type() == "singlebandpseudocolor"
    assert isinstance(renderers["Representative points (viridis)"], QgsGraduatedSymbolRenderer)


def test_classified_figure_gets_discrete_classes_at_its_boundaries(provider, tmp_path):
    """LEVELS: a Discrete shader with one item per class, coloured as contourf colours it."""
    from matplotlib import colormaps
    from qgis.core import (
        QgsColorRampShader,
        QgsProcessingContext,
        QgsProcessingFeedback,
        QgsRasterLayer,
        QgsVectorLayer,
    )
    from qgis.PyQt.QtGui import QColor

    from colormap_decoder.plugin.engine.colour_decoding import ColourDecoder, ValueMapping
    from colormap_decoder.plugin.engine.colour_scales import resolve_colour_scale
    from colormap_decoder.plugin.processing.output_styling import (
        DecodedRasterStyler,
        RepresentativePointsStyler,
        style_spec,
    )

    levels = (0.0, 500.0, 1500.0, 2500.0, 4000.0)
    mapping = ValueMapping(0.0, 4000.0, False, levels)
    result = SimpleNamespace(decoder=ColourDecoder(resolve_colour_scale("viridis"), mapping),
                             mapping=mapping, scale_name="matplotlib:viridis")
    spec = style_spec(result)
    raster = QgsRasterLayer(str(TRUTH), "dem")
    points = QgsVectorLayer("Point?crs=EPSG:32632&field=value:double", "points", "memory")
    context, feedback = QgsProcessingContext(), QgsProcessingFeedback()
    DecodedRasterStyler(spec).postProcessLayer(raster, context, feedback)
    RepresentativePointsStyler(spec).postProcessLayer(points, context, feedback)

    shader = raster.renderer().shader().rasterShaderFunction()
    assert shader.colorRampType() == QgsColorRampShader.Type.Discrete
    items = shader.colorRampItemList()
    assert [item.value for item in items] == list(levels[1:])
    # The styles read the decoder's own classes: the colours pixels were matched against.
    assert [item.color.name() for item in items] == [
        QColor.fromRgbF(*colour).name() for colour in result.decoder.classes.colours]
    viridis = colormaps["viridis"]
    for item, low, high in zip(items, levels[:-1], levels[1:]):
        # matplotlib's colormaps look up the nearest of 256 colours, the engine interpolates.
        assert same_colour(item.color, viridis((low + high) / 2 / 4000)), item.color.name()
    ranges = points.renderer().ranges()
    assert [(r.lowerValue(), r.upperValue()) for r in ranges] == list(zip(levels[:-1], levels[1:]))
    assert [r.symbol().color().name() for r in ranges] == [i.color.name() for i in items]


# -- (b) a model: decode, then sample at the user's own points in another CRS ----------------
def test_model_decodes_and_samples_points_given_in_another_crs(tmp_path):
    from pyproj import Transformer
    from qgis.core import QgsVectorLayer
    from scipy.ndimage import map_coordinates

    executable = shutil.which("qgis_process.bin", path="/usr/bin:/bin")
    assert executable, "qgis_process.bin is not installed (make test installs it)"
    # The user's points: lon/lat (EPSG:4326) over the figure's area, which is in UTM 32N.
    rng = np.random.default_rng(7)
    eastings = rng.uniform(600_000, 660_000, 300)
    northings = rng.uniform(5_146_000, 5_192_000, 300)
    lon, lat = Transformer.from_crs(32632, 4326, always_xy=True).transform(eastings, northings)
    features = [{"type": "Feature", "properties": {"id": i},
                 "geometry": {"type": "Point", "coordinates": [x, y]}}
                for i, (x, y) in enumerate(zip(lon, lat))]
    points_path = tmp_path / "my_points.geojson"
    points_path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))

    plugin_folder = tmp_path / "plugins"
    plugin_folder.mkdir()
    (plugin_folder / "colormap_decoder").symlink_to(REPO_ROOT, target_is_directory=True)
    env = dict(QGIS_ENV, QGIS_PLUGINPATH=str(plugin_folder))
    subprocess.run([executable, "plugins", "enable", "colormap_decoder"], env=env,
                   capture_output=True, timeout=120)
    sampled_path = tmp_path / "sampled.gpkg"
    arguments = {"figure": FIGURE, "gcps": POINTS_FILE, "plot_area": plot_area(),
                 "colormap": "viridis", "vmin": 0, "vmax": 4000, "target_crs": "EPSG:32632",
                 "points": points_path, "decode:decoded": tmp_path / "decoded.tif",
                 "sample:sampled": sampled_path}
    completed = subprocess.run(
        [executable, "run", str(MODEL), "--"] + [f"{k}={v}" for k, v in arguments.items()],
        env=env, capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stdout + completed.stderr

    sampled = QgsVectorLayer(str(sampled_path), "sampled", "ogr")
    assert sampled.isValid() and sampled.featureCount() == len(features)
    assert sampled.crs().authid() == "EPSG:4326"  # the points keep their own CRS
    # NULL (a point on nodata) arrives as a null QVariant.
    decoded = {f["id"]: f["decoded_1"] for f in sampled.getFeatures()}
    values = np.array([np.nan if decoded[i] is None or getattr(decoded[i], "isNull", bool)()
                       else float(decoded[i]) for i in range(len(features))])

    # The chaining: each point got the decoded raster's pixel under its UTM position.
    with rasterio.open(tmp_path / "decoded.tif") as raster:
        assert raster.crs.to_epsg() == 32632
        direct = np.array([np.nan if np.ma.is_masked(v[0]) else v[0]
                           for v in raster.sample(zip(eastings, northings), masked=True)])
    assert np.array_equal(np.isfinite(values), np.isfinite(direct))
    assert np.nanmax(np.abs(values - direct)) < 1e-3
    # Contour lines and the DEM's own holes are nodata; nearly all points still get a value.
    assert np.isfinite(values).sum() >= 0.8 * len(features)

    # The values: the DEM at the same positions, interpolated bilinearly as matplotlib drew it
    # (rasterio's sample() takes the nearest 250 m cell, up to 177 m away: ~25 m on this relief).
    with rasterio.open(TRUTH) as truth:
        dem = truth.read(1, masked=True).filled(np.nan).astype(float)
        columns, rows = ~truth.transform * (eastings, northings)
    true = map_coordinates(dem, [rows - 0.5, columns - 0.5], order=1, cval=np.nan)
    both = np.isfinite(values) & np.isfinite(true)
    # Tolerance, one colormap step: a decoded pixel is one of 256 colours (±STEP/2 at best), and
    # it holds the figure pixel nearest its centre, up to ~80 m from the point: on this steep
    # relief that is worth several metres more. A point sampled in the wrong place (a CRS
    # mix-up, swapped axes, a pixel's shift in the model's chaining) is off by far more.
    error = np.abs(values[both] - true[both])
    assert both.sum() >= 0.75 * len(features)
    assert np.median(error) <= STEP, np.median(error)


# -- (c) batch: several figures, one after the other -----------------------------------------
def render_variant(colormap, path):
    """The sample figure drawn again with another colormap: same axes, so the same GCPs."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with rasterio.open(TRUTH) as dataset:
        elevation = dataset.read(1, masked=True)
        left, bottom, right, top = dataset.bounds
    figure = plt.figure(figsize=(9, 6), dpi=100)
    axes = figure.add_axes([112 / 900, 82 / 600, 560 / 900, 431 / 600])
    colorbar_axes = figure.add_axes([700 / 900, 82 / 600, 20 / 900, 431 / 600])
    image = axes.imshow(elevation, cmap=colormap, vmin=0, vmax=4000, aspect="auto",
                        extent=(left, right, bottom, top), interpolation="bilinear")
    axes.set_title(f"Vinschgau, {colormap}")
    figure.colorbar(image, cax=colorbar_axes, label="Elevation (m)")
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return path


def test_batch_over_several_figures(provider, tmp_path):
    import processing
    from qgis.core import QgsProcessingAlgorithm

    from colormap_decoder.plugin.processing import output_styling

    algorithm = provider.algorithm("decodemap")
    assert algorithm.flags() & QgsProcessingAlgorithm.Flag.FlagSupportsBatch
    figures = {"magma": render_variant("magma", tmp_path / "vinschgau_magma.png"),
               "cividis": render_variant("cividis", tmp_path / "vinschgau_cividis.png")}
    kept_before = dict(output_styling._POST_PROCESSORS)
    outputs = {}
    for colormap, figure in figures.items():
        folder = tmp_path / colormap
        folder.mkdir()
        result = processing.run("colormapdecoder:decodemap",
                                parameters(folder, figure=figure, colormap=colormap))
        outputs[colormap] = result["OUTPUT"]
    for colormap, path in outputs.items():
        with rasterio.open(path) as dataset:
            assert dataset.tags()["COLOUR_SCALE"] == f"matplotlib:{colormap}"
        assert median_error_against_truth(path) <= 0.5 * STEP, colormap
    # processing.run loads nothing, so nothing is styled or kept.
    assert output_styling._POST_PROCESSORS == kept_before


# -- (d) the plugin zip ----------------------------------------------------------------------
LOAD_FROM_ZIP = r"""
import json, sys
from unittest import mock
sys.path.insert(0, sys.argv[1])
sys.path.insert(1, "/usr/share/qgis/python/plugins")
from qgis.testing import start_app
app = start_app()
import colormap_decoder
from qgis.core import QgsApplication
iface = mock.MagicMock()
iface.mainWindow.return_value = None
plugin = colormap_decoder.classFactory(iface)
plugin.initGui()
registry = QgsApplication.processingRegistry()
algorithm = registry.algorithmById("colormapdecoder:decodemap")
print(json.dumps({"file": colormap_decoder.__file__,
                  "provider": registry.providerById("colormapdecoder").name(),
                  "algorithm": algorithm.displayName() if algorithm else None,
                  "parameters": len(algorithm.parameterDefinitions()) if algorithm else 0,
                  "toolbar": iface.addToolBarIcon.call_count}))
plugin.unload()
"""


def test_make_package_builds_a_zip_that_qgis_can_load(tmp_path):
    version = configparser.ConfigParser()
    version.read(REPO_ROOT / "metadata.txt", encoding="utf-8")
    version = version["general"]["version"]
    # Built and zipped in the test's own folder: the tests write nothing into the checkout.
    built = subprocess.run(["make", "-s", "package", f"BUILD_DIR={tmp_path / 'build'}",
                            f"DIST_DIR={tmp_path / 'dist'}"], cwd=REPO_ROOT, env=QGIS_ENV,
                           capture_output=True, text=True, timeout=120)
    assert built.returncode == 0, built.stdout + built.stderr
    archive = tmp_path / "dist" / f"colormap_decoder-{version}.zip"
    assert archive.is_file()
    assert archive.stat().st_size < 25 * 1024 * 1024
    with zipfile.ZipFile(archive) as zipped:
        names = zipped.namelist()
        assert {name.split("/")[0] for name in names} == {"colormap_decoder"}
        inside = {name.split("/", 1)[1] for name in names}
        for required in ("metadata.txt", "__init__.py", "LICENSE", "CHANGELOG.md",
                         "icons/colormap_decoder.svg", "plugin/plugin.py",
                         "plugin/processing/output_styling.py", "plugin/engine/pipeline.py"):
            assert required in inside, required
        for name in inside:
            parts = name.split("/")
            assert parts[0] not in ("tests", "bench", "sample", "docs", "demo-output", "build",
                                    "dist"), name
            assert not any(p == "__pycache__" or (p.startswith(".") and p) for p in parts), name
            assert not name.endswith((".pyc", ".ts", ".pro", ".tif", ".gpkg")), name
        metadata = zipped.read("colormap_decoder/metadata.txt").decode("utf-8")
        assert f"version={version}" in metadata
        zipped.extractall(tmp_path / "plugins")

    plugin_folder = tmp_path / "plugins"
    loaded = subprocess.run(["/usr/bin/python3", "-c", LOAD_FROM_ZIP, str(plugin_folder)],
                            env=QGIS_ENV, capture_output=True, text=True, timeout=120)
    assert loaded.returncode == 0, loaded.stdout + loaded.stderr
    report = json.loads(loaded.stdout.strip().splitlines()[-1])
    assert report["file"].startswith(str(plugin_folder / "colormap_decoder"))
    assert report["provider"] == "Colormap Decoder"
    assert report["algorithm"] == "Decode colour-mapped map"
    assert report["parameters"] >= 20 and report["toolbar"] == 1


# -- (e) lint: Qt through qgis.PyQt only, and exec() rather than its old underscore form -------
def test_plugin_code_uses_qgis_pyqt_and_no_exec_underscore():
    forbidden = re.compile(r"^\s*(from\s+PyQt5\b|import\s+PyQt5\b)|\bexec_\s*\(", re.MULTILINE)
    skipped = {".git", "build", "dist", "__pycache__", ".pytest_cache"}
    offenders = []
    checked = 0
    for folder, subfolders, files in os.walk(REPO_ROOT):
        subfolders[:] = [s for s in subfolders if s not in skipped]
        for name in files:
            if name.endswith(".py"):
                path = Path(folder) / name
                checked += 1
                text = path.read_text(encoding="utf-8")
                offenders += [f"{path.relative_to(REPO_ROOT)}:{text[:m.start()].count(chr(10)) + 1}"
                              for m in forbidden.finditer(text)]
    assert checked > 20
    assert offenders == [], "use qgis.PyQt imports and exec(): " + ", ".join(offenders)


# -- the dialog -----------------------------------------------------------------------------
def test_dialog_parameters_have_help_and_rare_ones_are_advanced(provider):
    from qgis.core import QgsProcessingAlgorithm, QgsProcessingParameterDefinition

    algorithm = provider.algorithm("decodemap")
    definitions = algorithm.parameterDefinitions()
    names = [d.name() for d in definitions]
    assert names[:2] == ["INPUT", "PLOT_AREA"]
    assert names.index("COLORMAP") < names.index("GCPS") < names.index("OUTPUT")
    advanced = {d.name() for d in definitions
                if d.flags() & QgsProcessingParameterDefinition.Flag.FlagAdvanced}
    assert advanced == {"COLORBAR_FLIP", "MASK_WKT", "MATCH_SPACE", "DENOISE", "PIXEL_SIZE", "NATIVE_GRID",
                        "DBSCAN_EPS",
                        "DBSCAN_MIN_SAMPLES", "FLAT_TOLERANCE"}
    assert all(d.help().strip() for d in definitions), \
        [d.name() for d in definitions if not d.help().strip()]
    # Runs as a background task: no FlagNoThreading, cancellable, batchable.
    flags = algorithm.flags()
    assert not flags & QgsProcessingAlgorithm.Flag.FlagNoThreading
    assert flags & QgsProcessingAlgorithm.Flag.FlagCanCancel
    # The help link points to a README section that exists (GitHub's heading anchors).
    from colormap_decoder.plugin.processing.decode_map_algorithm import ONLINE_HELP_URL

    anchor = ONLINE_HELP_URL.split("#", 1)[1]
    headings = re.findall(r"^#+\s+(.+)$", (REPO_ROOT / "README.md").read_text(encoding="utf-8"),
                          re.MULTILINE)
    slugs = {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in headings}
    assert anchor in slugs
    assert "colormap" in algorithm.shortHelpString()


def test_translation_scaffolding_lists_every_translatable_source():
    project = (REPO_ROOT / "i18n" / "colormap_decoder.pro").read_text(encoding="utf-8")
    listed = {Path(p).as_posix().replace("../", "", 1)
              for p in re.findall(r"\.\./[\w/]+\.py", project)}
    translatable = set()
    for path in list((REPO_ROOT / "plugin").rglob("*.py")) + [REPO_ROOT / "__init__.py"]:
        if "engine" in path.parts or "__pycache__" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"\.tr\(\s*[\"']|translate\(\s*[\"']|QT_TRANSLATE_NOOP\(", text):
            translatable.add(path.relative_to(REPO_ROOT).as_posix())
    assert translatable <= listed, translatable - listed
