"""The engine's guards against hostile input, one by one (``validation.py``, ``memory_budget.py``,
the GCP subset and plausibility checks).

End-to-end counterparts through QGIS: ``tests/qgis/test_adversarial.py``.
"""
import json
import logging
import math
import os
import re
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from sample_figure import FIGURE, POINTS_FILE, REPO_ROOT

from colormap_decoder.plugin.engine import memory_budget, pipeline, validation
from colormap_decoder.plugin.engine.errors import EngineError, GcpError
from colormap_decoder.plugin.engine.figure import read_figure_header
from colormap_decoder.plugin.engine.gcps import GroundControlPoints, evenly_spread_subset


# -- text inputs ------------------------------------------------------------------------------
def test_text_input_is_read_when_a_small_regular_file(tmp_path):
    path = tmp_path / "a.cpt"
    path.write_bytes(b"0 red 1 blue\n")
    assert validation.read_text_input(path, "COLORMAP") == b"0 red 1 blue\n"


@pytest.mark.parametrize("kind", ["fifo", "device", "folder", "too long", "missing"])
def test_text_input_refusals_name_the_parameter(tmp_path, kind):
    path = tmp_path / "input.points"
    if kind == "fifo":
        os.mkfifo(path)  # opening it would wait for a writer forever
    elif kind == "device":
        path = "/dev/zero"  # reading it would never end
    elif kind == "folder":
        path.mkdir()
    elif kind == "too long":
        path.write_bytes(b"x" * 1001)
    with pytest.raises(GcpError) as raised:
        validation.read_text_input(path, "GCPS", "GCP file", max_bytes=1000, error=GcpError)
    assert raised.value.parameter == "GCPS"
    expected = {"fifo": "not a regular file", "device": "not a regular file",
                "folder": "is a folder", "too long": "more than the 0 MiB",
                "missing": "does not exist"}[kind]
    assert expected in str(raised.value)


# -- numbers ------------------------------------------------------------------------------
@pytest.mark.parametrize("vmin, vmax, levels, parameter, words", [
    (0.0, 1e300, None, "VMAX", "float32"),
    (-1e39, 0.0, None, "VMIN", "float32"),
    (float("nan"), 1.0, None, "VMIN", "not a finite number"),
    (0.0, float("inf"), None, "VMAX", "not a finite number"),
    (-3e38, 3e38, None, "VMAX", "overflows"),
    (1e10, 1e10 + 1, None, "VMAX", "distinct numbers"),
    (0.0, 1.0, (0.0, float("nan"), 1.0), "LEVELS", "not a finite number"),
    (0.0, 1.0, (0.0, 5e38), "LEVELS", "float32"),
])
def test_value_ranges_float32_cannot_hold(vmin, vmax, levels, parameter, words):
    with pytest.raises(EngineError) as raised:
        validation.check_value_range(vmin, vmax, levels)
    assert raised.value.parameter == parameter and words in str(raised.value)


@pytest.mark.parametrize("vmin, vmax", [(0, 4000), (-1e38, 1e38), (1e10, 1e10 + 1e7),
                                        (1e-30, 1e-29), (None, None)])
def test_value_ranges_float32_holds(vmin, vmax):
    validation.check_value_range(vmin, vmax)


@pytest.mark.parametrize("field, value, parameter", [
    ("max_color_distance", 0.0, "MAX_COLOR_DISTANCE"),
    ("max_color_distance", -3.0, "MAX_COLOR_DISTANCE"),
    ("max_color_distance", float("nan"), "MAX_COLOR_DISTANCE"),
    ("pixel_size", float("inf"), "PIXEL_SIZE"),
    ("pixel_size", -1.0, "PIXEL_SIZE"),
    ("flat_tolerance", float("nan"), "FLAT_TOLERANCE"),
    ("dbscan_eps", 0.0, "DBSCAN_EPS"),
    ("dbscan_eps", 1e6, "DBSCAN_EPS"),
    ("dbscan_min_samples", 0, "DBSCAN_MIN_SAMPLES"),
    ("plot_area_extent", (float("nan"), 10, -10, 0), "PLOT_AREA"),
    ("plot_area_extent", (10, 0, -10, 0), "PLOT_AREA"),
    ("colorbar_extent", (0, 10, 0, float("inf")), "COLORBAR"),
])
def test_settings_refused_name_their_parameter(field, value, parameter):
    settings = pipeline.DecodeSettings(figure_path=str(FIGURE), vmin=0.0, vmax=1.0)
    setattr(settings, field, value)
    with pytest.raises(EngineError) as raised:
        validation.check_settings(settings)
    assert raised.value.parameter == parameter


def test_flat_tolerance_as_large_as_the_value_range_is_refused():
    from colormap_decoder.plugin.engine.colour_decoding import ValueMapping

    mapping = ValueMapping(0.0, 4000.0)
    validation.check_flat_tolerance(0.0, mapping)  # automatic
    validation.check_flat_tolerance(50.0, mapping)
    with pytest.raises(EngineError) as raised:
        validation.check_flat_tolerance(4000.0, mapping)
    assert raised.value.parameter == "FLAT_TOLERANCE" and "15.6" in str(raised.value)


# -- MASK_WKT ---------------------------------------------------------------------------------
def test_mask_wkt_polygons_parsed_and_repaired():
    square = "POLYGON((0 0, 10 0, 10 -10, 0 -10, 0 0))"
    bowtie = "POLYGON((0 0, 10 -10, 10 0, 0 -10, 0 0))"
    geometries = validation.parse_mask_wkt(f"{square}\n\n  {bowtie}  \n")
    assert [g.area for g in geometries] == [100.0, 50.0]
    assert all(g.is_valid for g in geometries)


@pytest.mark.parametrize("text, words", [
    ("POLYGON((0 0, 10 0, 10 -10))", "line 2: 'POLYGON((0 0, 10 0, 10 -10))' is not valid WKT"),
    ("POLYGON((0 0, nan 0, 10 -10, 0 0))", "not a finite number"),
    ("LINESTRING(0 0, 10 -10)", "a LineString, not a polygon"),
    ("the legend box", "is not valid WKT"),
    ("POLYGON EMPTY", "empty"),
])
def test_bad_mask_wkt_names_mask_wkt_and_keeps_geos_quiet(caplog, text, words):
    caplog.set_level(logging.DEBUG)
    with pytest.raises(EngineError) as raised:
        validation.parse_mask_wkt("POLYGON((0 0, 1 0, 1 -1, 0 0))\n" + text)
    assert raised.value.parameter == "MASK_WKT" and words in str(raised.value)
    assert not [r for r in caplog.records if r.name.startswith("shapely")]


# -- paths ------------------------------------------------------------------------------------
@pytest.fixture()
def figure_folder(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "fig.png").write_bytes(FIGURE.read_bytes())
    (folder / "fig.png.points").write_bytes(POINTS_FILE.read_bytes())
    (folder / "fig.pgw").write_text("1\n0\n0\n-1\n0\n0\n")
    out = tmp_path / "out"
    out.mkdir()
    return folder, out


def inputs_of(folder):
    return [("INPUT", validation.figure_companion_files(str(folder / "fig.png"))),
            ("GCPS", [str(folder / "fig.png.points")])]


@pytest.mark.parametrize("make, parameter, other", [
    (lambda f, o: [("OUTPUT", str(f / "fig.png"))], "OUTPUT", "INPUT"),
    (lambda f, o: [("OUTPUT", str(f / "fig.pgw"))], "OUTPUT", "INPUT"),  # its world file
    (lambda f, o: [("OUTPUT_REPORT", str(f / "fig.png.points"))], "OUTPUT_REPORT", "GCPS"),
    (lambda f, o: [("OUTPUT_REPORT", str(f / "fig.png.html"))], "OUTPUT_REPORT", None),
    (lambda f, o: [("OUTPUT", str(o / "a.tif")), ("OUTPUT_DISTANCE", str(o / "a.tif"))],
     "OUTPUT_DISTANCE", "OUTPUT"),
    (lambda f, o: [("OUTPUT", str(o / "r.json")), ("OUTPUT_REPORT", str(o / "r.html"))],
     "OUTPUT_REPORT", "OUTPUT"),
    (lambda f, o: [("OUTPUT", str(o / "p.dbf")), ("OUTPUT_POINTS", str(o / "p.shp"))],
     "OUTPUT_POINTS", "OUTPUT"),
    (lambda f, o: [("OUTPUT", str(o / ".." / "in" / "." / "fig.png"))], "OUTPUT", "INPUT"),
])
def test_outputs_onto_inputs_or_each_other_are_refused(figure_folder, make, parameter, other):
    folder, out = figure_folder
    outputs = make(folder, out)
    if outputs[0][1].endswith(".html"):
        # The report's JSON sidecar of fig.png.html would be fig.png.json: make that an input.
        (folder / "fig.png.json").write_text("{}")
        inputs = [("GCPS", [str(folder / "fig.png.json")])]
        other = "GCPS"
    else:
        inputs = inputs_of(folder)
    with pytest.raises(EngineError) as raised:
        validation.check_paths(inputs, outputs)
    message = str(raised.value)
    assert raised.value.parameter == parameter
    assert parameter in message and other in message


def test_links_are_followed(figure_folder):
    folder, out = figure_folder
    os.symlink(folder / "fig.png", out / "soft.tif")
    os.link(folder / "fig.png.points", out / "hard.tif")
    for name in ("soft.tif", "hard.tif"):
        with pytest.raises(EngineError):
            validation.check_paths(inputs_of(folder), [("OUTPUT", str(out / name))])


def test_distinct_outputs_pass_and_create_nothing(figure_folder):
    folder, out = figure_folder
    before = sorted(os.listdir(out))
    validation.check_paths(inputs_of(folder), [
        ("OUTPUT", str(out / "decoded.tif")), ("OUTPUT_DISTANCE", str(out / "distance.tif")),
        ("OUTPUT_POINTS", str(out / "new folder" / "points.shp")),
        ("OUTPUT_REPORT", str(out / "report.html"))])
    assert sorted(os.listdir(out)) == before


@pytest.mark.parametrize("destination, words", [
    ("/dev/null", "not a regular file"),
    ("{out}", "is a folder"),
    ("{folder}/fig.png.points/x.tif", "is a file, not a folder"),
    ("/proc/x.tif", "Cannot write in the folder"),
])
def test_unwritable_destinations(figure_folder, destination, words):
    folder, out = figure_folder
    with pytest.raises(EngineError) as raised:
        validation.check_destination("OUTPUT", destination.format(out=out, folder=folder))
    assert raised.value.parameter == "OUTPUT" and words in str(raised.value)


# -- memory ------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    ("8G", 8 * 2 ** 30), ("512 MiB", 512 * 2 ** 20), ("4e9", 4_000_000_000),
    ("1_000", 1000), ("2.5g", int(2.5 * 2 ** 30)), ("0", None), ("-1G", None),
    ("plenty", None), ("nanG", None), ("infM", None),
])
def test_memory_sizes(text, expected):
    assert memory_budget.parse_memory_size(text) == expected


def test_memory_override_and_its_typos(monkeypatch):
    monkeypatch.setenv(memory_budget.MAX_MEMORY_VARIABLE, "3G")
    assert memory_budget.available_memory() == (3 * 2 ** 30, memory_budget.MAX_MEMORY_VARIABLE)
    monkeypatch.setenv(memory_budget.MAX_MEMORY_VARIABLE, "lots")
    with pytest.raises(EngineError, match="is not a memory size"):
        memory_budget.available_memory()


def test_available_memory_sees_an_address_space_limit():
    code = textwrap.dedent(f"""
        import resource, sys, json
        sys.path.insert(0, {str(REPO_ROOT / 'tests')!r})
        from sample_figure import expose_package
        expose_package()
        from colormap_decoder.plugin.engine import memory_budget
        resource.setrlimit(resource.RLIMIT_AS, (3 * 2 ** 30, 3 * 2 ** 30))
        print(json.dumps(memory_budget.available_memory()))
    """)
    env = {k: v for k, v in os.environ.items() if k != memory_budget.MAX_MEMORY_VARIABLE}
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                               env=env, check=True)
    available, source = json.loads(completed.stdout)
    assert 0 < available < 3 * 2 ** 30 and "ulimit" in source


def test_the_pipeline_imports_without_the_unix_only_resource_module():
    """QGIS on Windows has no ``resource`` module: the engine must still import and budget."""
    code = textwrap.dedent(f"""
        import sys, json
        sys.modules["resource"] = None  # 'import resource' now raises ImportError
        sys.path.insert(0, {str(REPO_ROOT / 'tests')!r})
        from sample_figure import expose_package
        expose_package()
        from colormap_decoder.plugin.engine import memory_budget, pipeline
        print(json.dumps([memory_budget._rlimit_room(), memory_budget.available_memory()]))
    """)
    env = {k: v for k, v in os.environ.items() if k != memory_budget.MAX_MEMORY_VARIABLE}
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                               env=env)
    assert completed.returncode == 0, completed.stderr
    rlimit_room, (available, source) = json.loads(completed.stdout)
    assert rlimit_room is None and available > 0 and "ulimit" not in source

def test_estimate_grows_with_the_figure_and_the_output():
    small = memory_budget.estimate_job_bytes(memory_budget.JobSize(
        1_000_000, decoded_pixels=1_000_000, output_width=1000, output_height=1000))
    big_figure = memory_budget.estimate_job_bytes(memory_budget.JobSize(
        100_000_000, decoded_pixels=100_000_000, output_width=1000, output_height=1000))
    big_output = memory_budget.estimate_job_bytes(memory_budget.JobSize(
        1_000_000, decoded_pixels=1_000_000, output_width=20000, output_height=20000))
    assert small.total < big_figure.total and small.total < big_output.total
    # A 100 MP figure needs a few GB, never less than its kept arrays.
    assert big_figure.total > 100_000_000 * 10
    assert big_output.peak_stage == "writing" and big_figure.peak_stage != "writing"


@pytest.mark.parametrize("size, parameter", [
    (dict(figure_pixels=169_000_000, figure_mode="P", has_alpha=False,
          decoded_pixels=169_000_000, output_width=13000, output_height=13000), "INPUT"),
    (dict(figure_pixels=540_000, decoded_pixels=240_000, output_width=19000,
          output_height=19000), "PIXEL_SIZE"),
    (dict(figure_pixels=400_000_000, decoded_pixels=400_000_000, output_width=100,
          output_height=100, reconstruction_output=True), "INPUT"),
])
def test_too_large_jobs_name_what_to_change(monkeypatch, size, parameter):
    monkeypatch.setenv(memory_budget.MAX_MEMORY_VARIABLE, "4G")
    job = memory_budget.JobSize(**size)
    with pytest.raises(EngineError) as raised:
        memory_budget.check_memory(job, (13000, 13000), (job.output_width, job.output_height))
    message = str(raised.value)
    assert raised.value.parameter == parameter
    assert "4.0 GiB may be used (COLORMAP_DECODER_MAX_MEMORY)" in message
    assert re.search(r"would need about \d+(\.\d)? GiB", message)


@pytest.mark.parametrize("options", [
    dict(distance_output=True, reconstruction_output=True),
    dict(distance_output=True, reconstruction_output=True, denoise=True, report=True),
    dict(native_grid="off", target_crs=None, report=True, distance_output=True),
    dict(figure="jpeg", distance_output=True)])
def test_estimate_stays_above_the_measured_peak(tmp_path, options):
    """The sample job's peak resident memory, measured in a child that writes its outputs as
    the Processing algorithm does (the report too when asked), stays under its estimate: with
    the rasters warped to UTM 32N or on the figure's own grid, and read from a JPEG, whose
    noise fills the decoder's look-up tables."""
    options = dict(options)
    # The report is budgeted as its own stage when the settings say it will be written.
    report = options.get("report", False)
    figure = FIGURE
    if options.pop("figure", None) == "jpeg":
        from PIL import Image

        figure = tmp_path / "sample.jpg"
        with Image.open(FIGURE) as image:
            image.convert("RGB").save(figure, quality=70)
    options.setdefault("target_crs", "EPSG:32632")
    code = textwrap.dedent(f"""
        import json, sys
        sys.path.insert(0, {str(REPO_ROOT / 'tests')!r})
        from sample_figure import expose_package, sample_extents
        expose_package()
        import numpy, scipy.ndimage, scipy.spatial, rasterio, pyproj, PIL.Image
        from colormap_decoder.plugin.engine import decode_report, pipeline, writing

        def status(key):
            for line in open("/proc/self/status"):
                if line.startswith(key + ":"):
                    return int(line.split()[1]) * 1024

        extent = tuple(float(v) for v in sample_extents()["PLOT_AREA"].split(","))
        settings = pipeline.DecodeSettings(
            figure_path={str(figure)!r}, gcps_path={str(POINTS_FILE)!r},
            colormap="viridis", vmin=0.0, vmax=4000.0, plot_area_extent=extent,
            **{options!r})
        found = {{}}
        check = pipeline.check_memory
        pipeline.check_memory = lambda *a, **k: found.setdefault("estimate", check(*a, **k))
        baseline = status("VmRSS")
        result = pipeline.decode_map(settings)
        for name in ("values", "distance", "reconstruction_grid"):
            if getattr(result, name) is not None:
                writing.write_geotiff({str(tmp_path)!r} + "/" + name + ".tif",
                                      [getattr(result, name)], result.grid.geotransform,
                                      result.grid.crs_wkt)
                if name != "values":
                    setattr(result, name, None)
        if {report!r}:
            decode_report.write_decode_report({str(tmp_path / 'report.html')!r}, result)
        print(json.dumps([status("VmHWM") - baseline, found["estimate"].total]))
    """)
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                               check=True)
    peak, estimate = json.loads(completed.stdout.strip().splitlines()[-1])
    assert 0 < peak <= estimate


# -- GCPs --------------------------------------------------------------------------------------
def test_evenly_spread_subset_keeps_corners_and_covers_the_figure():
    rng = np.random.default_rng(3)
    pixel = np.vstack([[[0, 0], [1000, 0], [0, 800], [1000, 800]], rng.uniform(0, [1000, 800],
                                                                               (5000, 2))])
    gcps = GroundControlPoints(pixel, pixel * 2.0, None)
    kept = evenly_spread_subset(gcps, 200)
    assert int(kept.enabled.sum()) == 200 and kept.enabled[:4].all()
    # Every point has a kept point near it: about the spacing of 200 points on 1000 × 800.
    from scipy.spatial import cKDTree

    distance, _ = cKDTree(kept.pixel[kept.enabled]).query(pixel)
    assert distance.max() < 2.0 * math.sqrt(1000 * 800 / 200)
    assert evenly_spread_subset(gcps, 10_000) is gcps
    assert np.array_equal(evenly_spread_subset(gcps, 200).enabled, kept.enabled)


def test_thin_plate_spline_on_thousands_of_gcps_is_fitted_on_a_subset(tmp_path):
    from colormap_decoder.plugin.engine.gcp_transform import fit_gcp_transform, transform_class
    from colormap_decoder.plugin.engine.gcps import read_gcps

    affine = fit_gcp_transform(read_gcps(POINTS_FILE), 0)
    rng = np.random.default_rng(4)
    x, y = rng.uniform(1, 899, 5000), rng.uniform(1, 599, 5000)
    mx, my = affine.pixel_to_map(x, y)
    path = tmp_path / "many.csv"
    path.write_text("pixel_x,pixel_y,map_x,map_y\n" + "".join(
        f"{a:.3f},{b:.3f},{c + rng.normal(0, 2):.3f},{d + rng.normal(0, 2):.3f}\n"
        for a, b, c, d in zip(x, y, mx, my)))
    settings = pipeline.DecodeSettings(figure_path=str(FIGURE), gcps_path=str(path),
                                       gcp_crs="EPSG:32632", transform=3)
    ref = pipeline.build_georeference(settings, read_figure_header(str(FIGURE)))
    assert int(ref.gcps.enabled.sum()) == transform_class(3).maximum_points == 500
    assert any(f"the {transform_class(3).name} transform is fitted to 500 of them" in w
               for w in ref.warnings)
    # The points left out check the spline: 2 m of noise, ~250 m pixels.
    check = ~ref.gcps.enabled
    assert np.sqrt(np.mean(ref.residuals.residual_map[check] ** 2)) < 10.0


@pytest.mark.parametrize("crs, x, y, plausible", [
    ("EPSG:32632", 640000.0, 5170000.0, True),
    ("EPSG:32632", 1e308, 5170000.0, False),
    ("EPSG:3857", 1e308, 0.0, False),
    ("EPSG:3857", 1e20, 0.0, False),
    ("EPSG:3857", 1.0e6, 5.0e6, True),
    ("+proj=lcc +lat_1=45 +lat_2=55 +lon_0=10", 1e200, 0.0, False),
])
def test_projected_coordinates_plausibility(crs, x, y, plausible):
    from pyproj import CRS

    from colormap_decoder.plugin.engine.gcp_diagnostics import projected_coordinates_plausible

    result = projected_coordinates_plausible(CRS.from_user_input(crs), np.array([x]),
                                             np.array([y]))
    assert bool(result[0]) is plausible


# -- sizes that grow with the square ---------------------------------------------------------
def test_more_classes_than_colours_can_tell_apart_are_refused(tmp_path):
    from colormap_decoder.plugin.engine.colour_scales import read_cpt, resolve_colour_scale

    settings = pipeline.DecodeSettings(figure_path=str(FIGURE),
                                       levels=tuple(float(v) for v in range(100_001)))
    with pytest.raises(EngineError) as raised:
        validation.check_class_count(settings, resolve_colour_scale("viridis"))
    assert raised.value.parameter == "LEVELS" and "100,000 classes" in str(raised.value)
    table = tmp_path / "bands.cpt"
    table.write_text("".join(f"{i} {i % 256}/{i // 256 % 256}/{i * 7 % 256} {i + 1} "
                             f"{i % 256}/{i // 256 % 256}/{i * 7 % 256}\n" for i in range(5000)))
    settings = pipeline.DecodeSettings(figure_path=str(FIGURE))
    with pytest.raises(EngineError) as raised:
        validation.check_class_count(settings, read_cpt(table))
    assert raised.value.parameter == "COLORMAP" and "5,000 distinct bands" in str(raised.value)
    # 10 classes pass.
    validation.check_class_count(pipeline.DecodeSettings(
        figure_path=str(FIGURE), levels=tuple(range(11))), resolve_colour_scale("viridis"))


def test_pixel_size_from_thousands_of_gcps_compares_a_bounded_number_of_pairs():
    from colormap_decoder.plugin.engine.text_format import map_units_per_pixel

    rng = np.random.default_rng(5)
    pixel = rng.uniform(0, 1000, (100_000, 2))
    # 250 map units a pixel, a rotation of 30°: every pair says 250.
    angle = np.radians(30)
    rotation = 250 * np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    assert map_units_per_pixel(pixel, pixel @ rotation.T + 5e5) == pytest.approx(250, rel=1e-9)


def test_report_numbers_at_most_a_few_hundred_gcps(tmp_path):
    from colormap_decoder.plugin.engine import report

    suspicious = np.zeros(5000, bool)
    suspicious[[7, 4321]] = True
    errors = np.arange(5000, dtype=float)
    listed = report._numbered_gcps(suspicious, errors)
    assert len(listed) == report.MAX_LISTED_GCPS
    assert {7, 4321, 4999, 4998} <= set(int(i) for i in listed)
    assert list(listed) == sorted(listed)
    assert list(report._numbered_gcps(suspicious[:50], errors[:50])) == list(range(50))


@pytest.mark.parametrize("suffix", [".aux.xml", ".aux", ".ovr", ".ovr.aux.xml", ".msk"])
@pytest.mark.parametrize("parameter", ["OUTPUT_REPORT", "OUTPUT_POINTS", "OUTPUT_GCPS"])
def test_files_gdal_reads_beside_the_figure_are_inputs_too(figure_folder, suffix, parameter):
    """GDAL reads a figure's overviews (.ovr), nodata mask (.msk) and metadata (.aux.xml,
    .aux) as part of it: an output onto one (a report named 'fig.png.ovr') destroyed that input
    in silence; only .aux.xml and the world files were guarded."""
    folder, _ = figure_folder
    sidecar = folder / ("fig.png" + suffix)
    sidecar.write_bytes(b"the figure's own")
    with pytest.raises(EngineError) as raised:
        validation.check_paths(inputs_of(folder), [(parameter, str(sidecar))])
    message = str(raised.value)
    assert raised.value.parameter == parameter
    assert message.startswith(f"{parameter} '{sidecar}' is the same file as INPUT"), message
    assert f"Choose another file name for {parameter}" in message
    assert sidecar.read_bytes() == b"the figure's own"


@pytest.mark.parametrize("pixel_size, across", [(0.01, "4000000×3000000"),
                                                (1e-300, "4e+304×3e+304"),
                                                (5e-324, "infinitely many×infinitely many")])
def test_a_pixel_size_too_small_for_any_raster_is_refused_in_a_few_words(pixel_size, across):
    """A PIXEL_SIZE of 5e-324 (a subnormal number: the extent divided by it is infinite) failed
    with 'OverflowError: cannot convert float infinity to integer', reported as a bug; 1e-300
    printed a 305-digit number of pixels."""
    from colormap_decoder.plugin.engine.warping import GeotransformPixelTransform, plan_output_grid

    # A 400 × 300 px plot area of 100 m pixels: 40 km × 30 km.
    transform = GeotransformPixelTransform((600000.0, 100.0, 0.0, 5200000.0, 0.0, -100.0))
    with pytest.raises(EngineError) as raised:
        plan_output_grid(transform, "EPSG:32632", "EPSG:32632", (0, 0, 400, 300),
                         pixel_size=pixel_size)
    message = str(raised.value)
    assert raised.value.parameter == "PIXEL_SIZE"
    assert f"makes a raster of {across} pixels, more than the 400,000,000 an output may have; " \
           "choose a larger PIXEL_SIZE" in message, message
    assert len(message) < 300


def test_the_report_of_many_gcps_is_budgeted_before_the_work(tmp_path, monkeypatch):
    """The report holds a row, arrows and a JSON record a GCP (3.5 KB each, measured): 200,000
    GCPs raised a run's peak from 436 to 1,129 MiB behind an estimate that counted none. A GCP
    file of 60,000 points with a report is refused naming OUTPUT_REPORT under a 250 MB limit
    the same job without a report keeps."""
    from PIL import Image

    from colormap_decoder.plugin.engine.pipeline import DecodeSettings, decode_map

    rng = np.random.default_rng(9)
    rgb = np.broadcast_to(np.linspace(0, 255, 64).astype(np.uint8)[None, :, None], (40, 64, 3))
    Image.fromarray(np.ascontiguousarray(rgb)).save(tmp_path / "figure.png")
    pixel = rng.uniform(0, [64, 40], (60_000, 2)).round(3)
    rows = [f"{x:g},{y:g},{600000 + 100 * x:.1f},{5200000 - 100 * y:.1f}" for x, y in pixel]
    (tmp_path / "gcps.csv").write_text("pixel_x,pixel_y,map_x,map_y\n" + "\n".join(rows) + "\n")
    monkeypatch.setenv(memory_budget.MAX_MEMORY_VARIABLE, "250M")
    settings = DecodeSettings(figure_path=str(tmp_path / "figure.png"), colormap="gray",
                              vmin=0, vmax=255, gcps_path=str(tmp_path / "gcps.csv"),
                              gcp_crs="EPSG:32632", report=True, plot_area_extent=(0, 64, -40, 0))
    with pytest.raises(EngineError, match="GCP records are a large part") as raised:
        decode_map(settings)
    assert raised.value.parameter == "OUTPUT_REPORT"
    without_report = memory_budget.JobSize(2560, decoded_pixels=2560, output_width=64,
                                           output_height=40, gcps=60_000)
    assert memory_budget.estimate_job_bytes(without_report).total < 250 * 2 ** 20
