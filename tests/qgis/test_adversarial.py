"""Hostile input, end to end: nothing overwritten, nothing lost, no memory exhausted.

Each case runs the whole ``decodemap`` algorithm on a mutated input and checks, as the adversarial
run of issue 12 did:

* the exit status (a refusal is a failure of the run, a usable odd input a success);
* the parameter to fix is named at the start of the message, and no traceback nor raw library
  message (GEOS ``ParseException``...) reaches the user;
* every input file is byte-identical afterwards;
* a refused run leaves no file in the output folder;
* the subprocess cases stay under :data:`PEAK_LIMIT` of resident memory, measured as the
  child's ``ru_maxrss`` from ``os.wait4`` (with an address-space limit of
  :data:`ADDRESS_SPACE_LIMIT` as a safety net should a guard ever fail, so a regression ends in a
  failed test instead of a machine out of memory).

The issue's own cases (outputs equal to inputs, the memory bombs, the 10,000-GCP thin plate
spline, ``/dev/zero`` as a .cpt, GCPs at 1e308, bad MASK_WKT, VMAX = 1e300,
MAX_COLOR_DISTANCE = 0) run through ``qgis_process.bin``, as a user's command line does; the
other cases run through ``processing.run`` in this process, where a subprocess adds nothing.
"""
import hashlib
import json
import os
import shutil
import struct
import subprocess
import sys
import threading
import zlib
from pathlib import Path

import numpy as np
import pytest
from sample_figure import FIGURE, POINTS_FILE, REPO_ROOT, sample_extents

ALGORITHM = "colormapdecoder:decodemap"
#: Resident memory a qgis_process case may reach: QGIS alone takes about 330 MiB, the sample
#: job about 100 MiB more; every refusal must come before the pixels are read.
PEAK_LIMIT = 1024 * 2 ** 20
#: Address-space limit of each qgis_process child: a safety net, far above PEAK_LIMIT.
ADDRESS_SPACE_LIMIT = 8 * 2 ** 30


# -- inputs -----------------------------------------------------------------------------------
def _png_chunk(tag, body):
    return struct.pack(">I", len(body)) + tag + body + struct.pack(
        ">I", zlib.crc32(tag + body) & 0xFFFFFFFF)


def palette_png(path, cols, rows, complete=True):
    """A palette PNG of cols×rows pixels, all of colour 0, written row by row.

    With ``complete`` False only the header and a few bytes of pixel data are written: a file
    whose header promises far more pixels than it holds.
    """
    palette = bytes(np.array([[68, 1, 84], [253, 231, 37]], np.uint8).ravel())
    compressor = zlib.compressobj(9)
    row = bytes(cols + 1)  # filter byte 0, then colour index 0
    if complete:
        data = b"".join(compressor.compress(row) for _ in range(rows)) + compressor.flush()
    else:
        data = compressor.compress(row * 4) + compressor.flush()
    Path(path).write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", struct.pack(">IIBBBBB", cols, rows, 8, 3, 0, 0, 0))
        + _png_chunk(b"PLTE", palette) + _png_chunk(b"IDAT", data) + _png_chunk(b"IEND", b""))


def ztxt_bomb(path):
    """The sample figure with a compressed text chunk that inflates to 64 MiB."""
    from PIL import Image, PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "A" * 64 * 2 ** 20, zip=True)
    with Image.open(FIGURE) as image:
        image.save(path, pnginfo=info)


def corner_gcps(path, cols, rows):
    """Four corner GCPs of a cols×rows figure onto 0..10° E, 0..10° N (CSV)."""
    Path(path).write_text("pixel_x,pixel_y,map_x,map_y\n"
                          f"0,0,0,10\n{cols},0,10,10\n0,{rows},0,0\n{cols},{rows},10,0\n")


def sample_gcp_rows():
    """The sample's GCPs as CSV rows (pixel y down), from its .points file."""
    from colormap_decoder.plugin.engine.gcps import read_gcps

    gcps = read_gcps(POINTS_FILE)
    return [(px, py, mx, my) for (px, py), (mx, my) in zip(gcps.pixel, gcps.map)]


def gcp_csv(path, rows, header="pixel_x,pixel_y,map_x,map_y", newline="\n", bom=False):
    text = newline.join([header] + [",".join(str(v) for v in row) for row in rows]) + newline
    Path(path).write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode())


def many_gcps(path, count, seed=12):
    """``count`` GCPs scattered over the sample figure, on its affine transform plus 5 m noise."""
    from colormap_decoder.plugin.engine.gcp_transform import fit_gcp_transform
    from colormap_decoder.plugin.engine.gcps import read_gcps

    transform = fit_gcp_transform(read_gcps(POINTS_FILE), 0)
    rng = np.random.default_rng(seed)
    x, y = rng.uniform(1, 899, count), rng.uniform(1, 599, count)
    mx, my = transform.pixel_to_map(x, y)
    mx, my = mx + rng.normal(0, 5, count), my + rng.normal(0, 5, count)
    gcp_csv(path, [(f"{a:.3f}", f"{b:.3f}", f"{c:.2f}", f"{d:.2f}")
                   for a, b, c, d in zip(x, y, mx, my)])


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    """A folder of hostile inputs, made once for the module."""
    folder = tmp_path_factory.mktemp("hostile inputs")
    shutil.copy(FIGURE, folder / "fig.png")
    shutil.copy(POINTS_FILE, folder / "fig.png.points")
    shutil.copy(REPO_ROOT / "tests" / "data" / "gmtserver_earth_age.cpt", folder / "age.cpt")
    os.symlink("/dev/zero", folder / "endless.cpt")
    palette_png(folder / "bomb.png", 13000, 13000)
    corner_gcps(folder / "bomb.csv", 13000, 13000)
    palette_png(folder / "lying.png", 12000, 12000, complete=False)
    corner_gcps(folder / "lying.csv", 12000, 12000)
    rows = sample_gcp_rows()
    gcp_csv(folder / "huge_map.csv", [rows[0][:2] + (1e308, rows[0][3])] + rows[1:])
    gcp_csv(folder / "bom_crlf.csv", rows, newline="\r\n", bom=True)
    gcp_csv(folder / "nan.csv", [rows[0][:2] + ("nan", rows[0][3])] + rows[1:])
    gcp_csv(folder / "inf.csv", rows[:-1] + [rows[-1][:3] + ("inf",)])
    gcp_csv(folder / "duplicate.csv", rows + [rows[2]])
    gcp_csv(folder / "empty.csv", [])
    (folder / "garbage_crs.points").write_text(
        "#CRS: this is no CRS at all\n" + (folder / "fig.png.points").read_text().split("\n", 1)[1])
    (folder / "big.csv").write_bytes(b"pixel_x,pixel_y,map_x,map_y\n" + b"1,2,3,4\n" * 1_200_000)
    (folder / "long_field.csv").write_text("pixel_x,pixel_y,map_x,map_y\n" + "1" * 200_000
                                           + ",2,3,4\n")
    many_gcps(folder / "gcps_5000.csv", 5000)
    many_gcps(folder / "gcps_10000.csv", 10000)
    os.mkfifo(folder / "pipe.png")
    os.mkfifo(folder / "pipe.gpkg")
    for name, world in (("nan_world", "nan\n0\n0\n-1\n10\n50\n"),
                        ("huge_world", "1e308\n0\n0\n-1e308\n10\n50\n")):
        shutil.copy(FIGURE, folder / f"{name}.png")
        (folder / f"{name}.pgw").write_text(world)
    ztxt_bomb(folder / "ztxt.png")
    (folder / "mask.wkt").write_text("POLYGON((200 -200, 300 -200, 300 -300, 200 -300, 200 -200))")
    return folder


def snapshot(folder):
    """sha256 of every file under ``folder`` (links to devices left out)."""
    digests = {}
    for root, _, files in os.walk(folder):
        for name in files:
            path = os.path.join(root, name)
            if os.path.isfile(path) and os.path.getsize(path) < 50 * 2 ** 20:
                digests[path] = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    return digests


def assert_inputs_unchanged(before, folder):
    """Every input file byte-identical, and no new file beside them.

    Not even GDAL's statistics (``.aux.xml``), which QGIS used to leave beside every figure it
    loaded (``plugin/processing/figure_loading.py``).
    """
    after = snapshot(folder)
    assert {path: after.get(path) for path in before} == before
    assert set(after) == set(before)


def files_under(folder):
    return sorted(os.path.join(root, name) for root, _, names in os.walk(folder)
                  for name in names)


def sample_values(inputs, out, **overrides):
    values = {"INPUT": str(inputs / "fig.png"), "GCPS": str(inputs / "fig.png.points"),
              "TARGET_CRS": "EPSG:32632", "COLORMAP": "viridis", "VMIN": 0, "VMAX": 4000,
              "PLOT_AREA": sample_extents()["PLOT_AREA"], "OUTPUT": str(out / "decoded.tif"),
              "OUTPUT_POINTS": str(out / "points.gpkg")}
    values.update(overrides)
    return {k: v for k, v in values.items() if v is not None}


def assert_names(message, parameter):
    """The message says which parameter to fix, first, and shows no traceback."""
    # processing.run puts this line before what the parameter checks say.
    message = message.removeprefix("Unable to execute algorithm\n")
    assert "Traceback" not in message and 'File "' not in message, message
    assert (message.startswith(f"{parameter}: ")
            or f"Incorrect parameter value for {parameter}" in message), message


# -- through qgis_process -------------------------------------------------------------------
@pytest.fixture(scope="module")
def qgis_process(tmp_path_factory):
    """Run ``qgis_process.bin run decodemap``; returns (exit code, output, peak bytes).

    The plugin is enabled in a QGIS profile of this module's own (HOME in a temporary folder).
    """
    executable = shutil.which("qgis_process.bin", path="/usr/bin:/bin")
    assert executable, "qgis_process.bin is not installed (make test installs it)"
    home = tmp_path_factory.mktemp("home")
    plugins = tmp_path_factory.mktemp("plugins")
    (plugins / "colormap_decoder").symlink_to(REPO_ROOT, target_is_directory=True)
    env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": str(home), "LANG": "C.UTF-8",
           "QT_QPA_PLATFORM": "offscreen", "QGIS_PLUGINPATH": str(plugins)}
    subprocess.run([executable, "plugins", "enable", "colormap_decoder"], env=env,
                   capture_output=True, timeout=120, check=False)

    def limit_address_space():
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE_LIMIT, ADDRESS_SPACE_LIMIT))

    def run(values, timeout=300, algorithm=ALGORITHM):
        arguments = [executable, "run", algorithm, "--"] + [f"{k}={v}" for k, v in values.items()]
        child = subprocess.Popen(arguments, env=env, stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT, preexec_fn=limit_address_space)
        timer = threading.Timer(timeout, child.kill)
        timer.start()
        try:
            output = child.stdout.read().decode("utf-8", errors="replace")
            # wait4, not wait: the child's own resource usage, its peak resident memory included.
            _, status, usage = os.wait4(child.pid, 0)
            child.returncode = os.waitstatus_to_exitcode(status)
        finally:
            timer.cancel()
            child.stdout.close()
        return child.returncode, output, usage.ru_maxrss * 1024

    return run


def error_line(output):
    """The algorithm's error message as qgis_process prints it ('ERROR:<tab>...').

    A value refused by the algorithm's parameter checks comes on the tab-indented line after
    'ERROR:<tab>An error was encountered while checking parameter values'.
    """
    lines = output.splitlines()
    starts = [index for index, line in enumerate(lines) if line.startswith("ERROR:")]
    if not starts:
        return ""
    first = lines[starts[-1]][len("ERROR:"):].strip()
    following = lines[starts[-1] + 1:starts[-1] + 2]
    if first.startswith("An error was encountered while checking") and following:
        return following[0].strip()
    return first


def _same_as_input(inputs, out):
    return {"OUTPUT": str(inputs / "fig.png")}


def _report_on_input(inputs, out):
    return {"OUTPUT_REPORT": str(inputs / "fig.png")}


def _distance_on_output(inputs, out):
    return {"OUTPUT_DISTANCE": str(out / "decoded.tif")}


def _tiny_pixel_size(inputs, out):
    """A PIXEL_SIZE giving a 364-megapixel output grid, just under the output pixel guard."""
    from colormap_decoder.plugin.engine import pipeline
    from colormap_decoder.plugin.engine.figure import read_figure_header

    settings = pipeline.DecodeSettings(figure_path=str(inputs / "fig.png"),
                                       gcps_path=str(inputs / "fig.png.points"),
                                       target_crs="EPSG:32632")
    header = read_figure_header(settings.figure_path)
    ref = pipeline.build_georeference(settings, header)
    extent = [float(v) for v in sample_extents()["PLOT_AREA"].split(",")]
    settings.plot_area_extent = tuple(extent)
    box = pipeline.plot_area_box(settings, header)
    grid = pipeline.plan_output_grid(ref.pixel_transform, ref.source_crs, ref.target_crs, box)
    size = grid.pixel_size * np.sqrt(grid.width * grid.height / 364e6)
    return {"PIXEL_SIZE": f"{size:.6f}"}


QGIS_PROCESS_REFUSALS = [
    ("output is the input figure", _same_as_input, "OUTPUT", ["INPUT"]),
    ("report is the input figure", _report_on_input, "OUTPUT_REPORT", ["INPUT"]),
    ("distance raster is the output", _distance_on_output, "OUTPUT_DISTANCE", ["OUTPUT and"]),
    ("13000x13000 palette PNG", lambda i, o: {
        "INPUT": str(i / "bomb.png"), "GCPS": str(i / "bomb.csv"), "GCP_CRS": "EPSG:4326",
        "TARGET_CRS": None, "PLOT_AREA": None}, "INPUT", ["GiB", "crop it"]),
    ("364 MP output grid", _tiny_pixel_size, "PIXEL_SIZE", ["GiB"]),
    ("DBSCAN everything with everything", lambda i, o: {
        "DBSCAN_EPS": 1e6, "FLAT_TOLERANCE": 1e9}, "DBSCAN_EPS", []),
    (".cpt that never ends", lambda i, o: {"COLORMAP": str(i / "endless.cpt")}, "COLORMAP",
     ["not a regular file"]),
    ("GCP map x of 1e308", lambda i, o: {
        "GCPS": str(i / "huge_map.csv"), "GCP_CRS": "EPSG:3857", "TARGET_CRS": None}, "GCPS",
     ["1e+308"]),
    ("INPUT is a named pipe", lambda i, o: {"INPUT": str(i / "pipe.png")}, "INPUT",
     ["not a regular file"]),
    # qgis_process loads every layer parameter (MASK too) to check it before the algorithm's
    # own checks run: a pipe there waited forever.
    ("MASK is a named pipe", lambda i, o: {"MASK": str(i / "pipe.gpkg")}, "MASK",
     ["not a regular file", "polygon layer"]),
    ("MASK is a named pipe, with a layer name", lambda i, o: {
        "MASK": str(i / "pipe.gpkg") + "|layername=mask"}, "MASK", ["not a regular file"]),
    ("unclosed MASK_WKT ring", lambda i, o: {
        "MASK_WKT": "POLYGON((0 0, 10 0, 10 -10))"}, "MASK_WKT", ["line 1"]),
    ("VMAX beyond float32", lambda i, o: {"VMAX": 1e300}, "VMAX", ["float32"]),
    ("MAX_COLOR_DISTANCE of 0", lambda i, o: {"MAX_COLOR_DISTANCE": 0}, "MAX_COLOR_DISTANCE",
     ["above 0"]),
]


@pytest.mark.parametrize("case, overrides, parameter, words", QGIS_PROCESS_REFUSALS,
                         ids=[case[0] for case in QGIS_PROCESS_REFUSALS])
def test_qgis_process_refuses(qgis_process, inputs, tmp_path, case, overrides, parameter, words):
    out = tmp_path / "out"
    out.mkdir()
    before = snapshot(inputs)
    # A regression would hang on the named pipe or run out of memory: a short leash.
    code, output, peak = qgis_process(sample_values(inputs, out, **overrides(inputs, out)),
                                      timeout=120)
    message = error_line(output)
    assert code != 0, output
    assert_names(message, parameter)
    for word in words:
        assert word in message, message
    assert "Traceback" not in output and "ParseException" not in output \
        and "IllegalArgumentException" not in output, output
    assert "0.0 away" not in output
    assert_inputs_unchanged(before, inputs)
    assert files_under(out) == []
    assert peak < PEAK_LIMIT, f"{case}: peak {peak / 2 ** 20:.0f} MiB"


def test_qgis_process_detectfigure_refuses_a_named_pipe(qgis_process, inputs, tmp_path):
    """detectfigure's INPUT is guarded as decodemap's: qgis_process loaded the pipe to check
    the value and waited forever."""
    out = tmp_path / "out"
    out.mkdir()
    before = snapshot(inputs)
    code, output, _ = qgis_process({"INPUT": str(inputs / "pipe.png"),
                                    "OUTPUT_REPORT": str(out / "report.html")},
                                   timeout=120, algorithm="colormapdecoder:detectfigure")
    message = error_line(output)
    assert code != 0, output
    assert_names(message, "INPUT")
    assert "not a regular file" in message, message
    assert "Traceback" not in output
    assert_inputs_unchanged(before, inputs)
    assert files_under(out) == []


def test_qgis_process_thin_plate_spline_on_10000_gcps(qgis_process, inputs, tmp_path):
    """Fitted on 500 evenly spread GCPs with a warning, not an O(n³) solve of all 10,000."""
    out = tmp_path / "out"
    before = snapshot(inputs)
    code, output, peak = qgis_process(sample_values(
        inputs, out, GCPS=str(inputs / "gcps_10000.csv"), GCP_CRS="EPSG:32632", TRANSFORM=3,
        OUTPUT_REPORT=str(out / "report.html")))
    assert code == 0, output
    assert "is fitted to 500 of them" in output
    assert_inputs_unchanged(before, inputs)
    assert {os.path.basename(p) for p in files_under(out)} == {
        "decoded.tif", "points.gpkg", "report.html", "report.json"}
    # The report lists a bounded number of the 10,000 GCPs; its JSON every one.
    assert "the table lists the suspicious ones" in (out / "report.html").read_text()
    assert len(json.loads((out / "report.json").read_text())["points"]) == 10000
    assert peak < PEAK_LIMIT, f"peak {peak / 2 ** 20:.0f} MiB"


# -- in this process ------------------------------------------------------------------------
def run_in_process(values):
    import processing

    return processing.run(ALGORITHM, values)


def refusal(values):
    from qgis.core import QgsProcessingException

    with pytest.raises(QgsProcessingException) as raised:
        run_in_process(values)
    return str(raised.value)


def _link_to_input(inputs, out):
    os.symlink(inputs / "fig.png", out / "link.tif")
    return {"OUTPUT": str(out / "link.tif")}


def _hard_link_to_gcps(inputs, out):
    os.link(inputs / "fig.png.points", out / "hard.tif")
    return {"OUTPUT_DISTANCE": str(out / "hard.tif")}


def _relative_path_to_input(inputs, out):
    os.chdir(out)
    return {"OUTPUT": os.path.join("..", os.path.relpath(inputs, out.parent), "fig.png")}


def _dotted_path_to_gcps(inputs, out):
    return {"OUTPUT_RECONSTRUCTION": str(inputs / "." / ".." / inputs.name / "fig.png.points")}


def _points_on_cpt(inputs, out):
    shutil.copy(inputs / "age.cpt", out / "age.cpt")
    return {"COLORMAP": str(out / "age.cpt"), "VMIN": None, "VMAX": None,
            "OUTPUT_REPORT": str(out / "age.cpt")}


def _output_on_mask(inputs, out):
    from qgis.core import QgsCoordinateTransformContext, QgsFeature, QgsGeometry, QgsVectorFileWriter, QgsVectorLayer

    layer = QgsVectorLayer("Polygon", "mask", "memory")
    feature = QgsFeature()
    feature.setGeometry(QgsGeometry.fromWkt((inputs / "mask.wkt").read_text()))
    layer.dataProvider().addFeatures([feature])
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    QgsVectorFileWriter.writeAsVectorFormatV3(layer, str(out / "mask.gpkg"),
                                              QgsCoordinateTransformContext(), options)
    return {"MASK": str(out / "mask.gpkg"), "OUTPUT": str(out / "mask.gpkg")}


def _report_sidecar_on_output(inputs, out):
    return {"OUTPUT_REPORT": str(out / "decoded.html"), "OUTPUT": str(out / "decoded.json")}


def _reconstruction_on_distance(inputs, out):
    return {"OUTPUT_DISTANCE": str(out / "same.tif"), "OUTPUT_RECONSTRUCTION": str(out / "same.tif")}


def _points_on_output(inputs, out):
    return {"OUTPUT": str(out / "both.gpkg"), "OUTPUT_POINTS": str(out / "both.gpkg")}


def _output_is_folder(inputs, out):
    (out / "folder.tif").mkdir()
    return {"OUTPUT": str(out / "folder.tif")}


def _output_under_file(inputs, out):
    return {"OUTPUT": str(inputs / "fig.png.points" / "decoded.tif")}


IN_PROCESS_REFUSALS = [
    # Outputs onto inputs or onto each other, however the path is spelled.
    ("output is a link to the figure", _link_to_input, "OUTPUT"),
    ("distance is a hard link to the GCP file", _hard_link_to_gcps, "OUTPUT_DISTANCE"),
    ("output by a relative path to the figure", _relative_path_to_input, "OUTPUT"),
    ("reconstruction on the GCP file through ..", _dotted_path_to_gcps, "OUTPUT_RECONSTRUCTION"),
    ("report on the .cpt colormap", _points_on_cpt, "OUTPUT_REPORT"),
    ("output on the mask layer", _output_on_mask, "OUTPUT"),
    ("report sidecar on the output", _report_sidecar_on_output, "OUTPUT_REPORT"),
    ("reconstruction on the distance raster", _reconstruction_on_distance,
     "OUTPUT_RECONSTRUCTION"),
    ("points on the output raster", _points_on_output, "OUTPUT_POINTS"),
    ("output is /dev/null", lambda i, o: {"OUTPUT": "/dev/null"}, "OUTPUT"),
    ("output is a folder", _output_is_folder, "OUTPUT"),
    ("output under a file", _output_under_file, "OUTPUT"),
    ("output in /proc", lambda i, o: {"OUTPUT_DISTANCE": "/proc/decoded.tif"}, "OUTPUT_DISTANCE"),
    # Figures that are not files, whose header lies or promises too much.
    ("INPUT is /dev/zero", lambda i, o: {"INPUT": "/dev/zero"}, "INPUT"),
    ("INPUT is a folder", lambda i, o: {"INPUT": str(i)}, "INPUT"),
    ("PNG text chunk inflating to 64 MiB", lambda i, o: {"INPUT": str(i / "ztxt.png")}, "INPUT"),
    ("world file of NaN", lambda i, o: {"INPUT": str(i / "nan_world.png"), "GCPS": None,
                                        "GCP_CRS": "EPSG:4326", "TARGET_CRS": None}, "INPUT"),
    ("world file of 1e308 pixels", lambda i, o: {"INPUT": str(i / "huge_world.png"),
                                                 "GCPS": None, "GCP_CRS": "EPSG:3857",
                                                 "TARGET_CRS": None}, "INPUT"),
    # Refused from its header before any pixel is read, the job's memory held to 4 GiB (the
    # default floor) so that the machine's own memory does not decide: the estimate of a
    # 144 MP job is above it, its truth well below a quarter of a large machine's memory.
    ("12000x12000 header, 60 bytes of pixels", lambda i, o: {
        "INPUT": str(i / "lying.png"), "GCPS": str(i / "lying.csv"), "GCP_CRS": "EPSG:4326",
        "TARGET_CRS": None, "PLOT_AREA": None, "_max_memory": "4G"}, "INPUT"),
    # GCP files.
    ("GCP map x of NaN", lambda i, o: {"GCPS": str(i / "nan.csv"), "GCP_CRS": "EPSG:32632"},
     "GCPS"),
    ("GCP map y of inf", lambda i, o: {"GCPS": str(i / "inf.csv"), "GCP_CRS": "EPSG:32632"},
     "GCPS"),
    ("duplicate GCP", lambda i, o: {"GCPS": str(i / "duplicate.csv"), "GCP_CRS": "EPSG:32632"},
     "GCPS"),
    ("GCP header without points", lambda i, o: {"GCPS": str(i / "empty.csv"),
                                                "GCP_CRS": "EPSG:32632"}, "GCPS"),
    ("GCP file of 9 MB", lambda i, o: {"GCPS": str(i / "big.csv"), "GCP_CRS": "EPSG:32632"},
     "GCPS"),
    ("GCP file is /dev/zero", lambda i, o: {"GCPS": "/dev/zero"}, "GCPS"),
    ("GCP CSV field of 200 kB", lambda i, o: {"GCPS": str(i / "long_field.csv"),
                                               "GCP_CRS": "EPSG:32632"}, "GCPS"),
    ("GCP file is the figure", lambda i, o: {"GCPS": str(i / "fig.png")}, "GCPS"),
    ("garbage #CRS line", lambda i, o: {"GCPS": str(i / "garbage_crs.points")}, "GCPS"),
    ("CSV GCPs without a CRS", lambda i, o: {"GCPS": str(i / "bom_crlf.csv"), "GCP_CRS": ""},
     "GCP_CRS"),
    ("GCP CRS garbage", lambda i, o: {"GCP_CRS": "no such CRS"}, "GCP_CRS"),
    ("target CRS garbage", lambda i, o: {"TARGET_CRS": "EPSG:99999999"}, "TARGET_CRS"),
    ("GCP map x of 1e308 in UTM", lambda i, o: {"GCPS": str(i / "huge_map.csv"),
                                                "GCP_CRS": "EPSG:32632"}, "GCPS"),
    # Boxes.
    ("plot area with NaN", lambda i, o: {"PLOT_AREA": "nan,600,-500,-100"}, "PLOT_AREA"),
    ("plot area of infinite size", lambda i, o: {"PLOT_AREA": "0,inf,-500,-100"}, "PLOT_AREA"),
    ("colorbar of no size", lambda i, o: {"COLORBAR": "700,700,-500,-100", "COLORMAP": ""},
     "COLORBAR"),
    # Numbers.
    ("VMIN NaN", lambda i, o: {"VMIN": "nan"}, "VMIN"),
    ("VMIN -1e39", lambda i, o: {"VMIN": -1e39}, "VMIN"),
    ("VMAX - VMIN overflows float32", lambda i, o: {"VMIN": -3e38, "VMAX": 3e38}, "VMAX"),
    ("VMIN and VMAX float32 cannot tell apart", lambda i, o: {"VMIN": 1e10, "VMAX": 1e10 + 1},
     "VMAX"),
    ("LEVELS with NaN", lambda i, o: {"LEVELS": "0,nan,4000"}, "LEVELS"),
    ("negative MAX_COLOR_DISTANCE", lambda i, o: {"MAX_COLOR_DISTANCE": -1},
     "MAX_COLOR_DISTANCE"),
    ("MAX_COLOR_DISTANCE NaN", lambda i, o: {"MAX_COLOR_DISTANCE": "nan"}, "MAX_COLOR_DISTANCE"),
    ("PIXEL_SIZE inf", lambda i, o: {"PIXEL_SIZE": "inf"}, "PIXEL_SIZE"),
    ("PIXEL_SIZE of 1 mm", lambda i, o: {"PIXEL_SIZE": 0.001}, "PIXEL_SIZE"),
    ("PIXEL_SIZE larger than the map", lambda i, o: {"PIXEL_SIZE": 1e30}, "PIXEL_SIZE"),
    ("LEVELS of 100,000 classes", lambda i, o: {
        "LEVELS": ",".join(str(v) for v in range(100_001)), "VMIN": None, "VMAX": None},
     "LEVELS"),
    ("DBSCAN_EPS of 100 px", lambda i, o: {"DBSCAN_EPS": 100}, "DBSCAN_EPS"),
    ("FLAT_TOLERANCE beyond the value range", lambda i, o: {"FLAT_TOLERANCE": 1e9},
     "FLAT_TOLERANCE"),
    # MASK_WKT.
    ("MASK_WKT with NaN", lambda i, o: {"MASK_WKT": "POLYGON((0 0, nan 0, 10 -10, 0 0))"},
     "MASK_WKT"),
    ("MASK_WKT not WKT", lambda i, o: {"MASK_WKT": "a box around the legend"}, "MASK_WKT"),
    ("MASK_WKT a line", lambda i, o: {"MASK_WKT": "LINESTRING(0 0, 10 -10)"}, "MASK_WKT"),
    # .cpt files.
    ("COLORMAP cpt: prefix to /dev/zero", lambda i, o: {"COLORMAP": "cpt:/dev/zero"}, "COLORMAP"),
]


@pytest.mark.parametrize("case, overrides, parameter", IN_PROCESS_REFUSALS,
                         ids=[case[0] for case in IN_PROCESS_REFUSALS])
def test_refused_in_process(provider, inputs, tmp_path, monkeypatch, capfd, case, overrides,
                            parameter):
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.chdir(tmp_path)
    values = overrides(inputs, out)
    if "_max_memory" in values:
        monkeypatch.setenv("COLORMAP_DECODER_MAX_MEMORY", values.pop("_max_memory"))
    made_by_the_case = set(files_under(out))
    before = snapshot(inputs)
    before_out = snapshot(out)
    message = refusal(sample_values(inputs, out, **values))
    assert_names(message, parameter)
    assert "0.0 away" not in message
    assert_inputs_unchanged(before, inputs)
    assert snapshot(out) == before_out
    assert set(files_under(out)) == made_by_the_case, "a refused run left a file"
    captured = capfd.readouterr()
    assert "ParseException" not in captured.err + captured.out
    assert "IllegalArgumentException" not in captured.err + captured.out


#: A child process running ``processing.run`` (the path scripts and the dialog take, where
#: the algorithm's own checks come first): a regression waiting on a pipe is killed by the
#: timeout instead of hanging the suite (GDAL may open the pipe for reading and writing, which
#: nothing outside can end).
IN_PROCESS_CHILD = r"""
import sys
sys.path.insert(0, {tests!r})
from sample_figure import start_qgis_with_provider
app, provider = start_qgis_with_provider()
import processing
from qgis.core import QgsProcessingException
try:
    processing.run({algorithm!r}, {values!r})
    print("RAN")
except QgsProcessingException as error:
    print("REFUSED " + str(error).removeprefix("Unable to execute algorithm\n"))
"""


def refusal_in_a_child(values, algorithm=ALGORITHM, timeout=120):
    """The refusal ``processing.run`` gives in a child process, which a hang cannot outlive."""
    child = subprocess.run(
        [sys.executable, "-c", IN_PROCESS_CHILD.format(tests=str(REPO_ROOT / "tests"),
                                                        algorithm=algorithm, values=values)],
        capture_output=True, text=True, timeout=timeout)
    lines = [line for line in child.stdout.splitlines() if line.startswith(("RAN", "REFUSED"))]
    assert lines and lines[0].startswith("REFUSED "), child.stdout[-2000:] + child.stderr[-2000:]
    return child.stdout[child.stdout.index("REFUSED ") + len("REFUSED "):].strip()


@pytest.mark.parametrize("mask", ["pipe.gpkg", "pipe.gpkg|layername=mask"])
def test_a_mask_that_is_a_named_pipe_is_refused_before_loading(inputs, tmp_path, mask):
    """MASK named a pipe: QGIS's own check of the value loaded it and waited forever. Now
    refused, naming MASK, before QGIS opens it."""
    out = tmp_path / "out"
    out.mkdir()
    message = refusal_in_a_child(sample_values(inputs, out, MASK=str(inputs / mask)))
    assert_names(message, "MASK")
    assert "not a regular file" in message and "polygon layer" in message, message
    assert files_under(out) == []


def test_a_mask_that_is_a_device_is_refused_saying_so(provider, inputs, tmp_path):
    """A device as MASK was said not to exist; it is refused as what it is, naming MASK."""
    out = tmp_path / "out"
    out.mkdir()
    message = refusal(sample_values(inputs, out, MASK="/dev/zero"))
    assert_names(message, "MASK")
    assert "not a regular file" in message and "does not exist" not in message, message
    assert files_under(out) == []


def test_memory_override_is_obeyed_and_explained(provider, inputs, tmp_path, monkeypatch):
    out = tmp_path / "out"
    monkeypatch.setenv("COLORMAP_DECODER_MAX_MEMORY", "64M")
    message = refusal(sample_values(inputs, out))
    # The sample's largest part is the figure read and detected: its output grid is the plot
    # area's own pixels (an affine fit into the GCPs' CRS), views of the figure-frame rasters.
    assert_names(message, "INPUT")
    assert "COLORMAP_DECODER_MAX_MEMORY" in message and "only 64 MiB may be used" in message
    monkeypatch.setenv("COLORMAP_DECODER_MAX_MEMORY", "plenty")
    message = refusal(sample_values(inputs, out))
    assert "COLORMAP_DECODER_MAX_MEMORY='plenty' is not a memory size" in message
    assert files_under(tmp_path / "out") == [] if (tmp_path / "out").exists() else True


USABLE = [
    ("GCP CSV with BOM and CRLF", lambda i, o: {"GCPS": str(i / "bom_crlf.csv"),
                                                "GCP_CRS": "EPSG:32632"}, None),
    ("5000 GCPs, affine", lambda i, o: {"GCPS": str(i / "gcps_5000.csv"),
                                         "GCP_CRS": "EPSG:32632"}, None),
    ("5000 GCPs, projective", lambda i, o: {"GCPS": str(i / "gcps_5000.csv"),
                                             "GCP_CRS": "EPSG:32632", "TRANSFORM": 5},
     "is fitted to 500 of them"),
    ("outputs in missing folders", lambda i, o: {
        "OUTPUT": str(o / "new" / "deeper" / "decoded.tif"),
        "OUTPUT_POINTS": str(o / "other" / "points.gpkg")}, None),
    ("outputs in a non-ASCII folder", lambda i, o: {
        "OUTPUT": str(o / "Ergebnisse – Höhe ☃" / "decoded.tif"),
        "OUTPUT_POINTS": str(o / "Ergebnisse – Höhe ☃" / "points.gpkg")}, None),
]


@pytest.mark.parametrize("case, overrides, warning", USABLE, ids=[case[0] for case in USABLE])
def test_odd_but_usable(provider, inputs, tmp_path, case, overrides, warning):
    import rasterio
    from qgis.core import QgsProcessingFeedback

    out = tmp_path / "out"
    before = snapshot(inputs)
    lines = []

    class Recorder(QgsProcessingFeedback):
        def pushWarning(self, text):  # noqa: N802 - Qt override
            lines.append(text)
            super().pushWarning(text)

        def pushInfo(self, text):  # noqa: N802 - Qt override
            lines.append(text)
            super().pushInfo(text)

    import processing

    result = processing.run(ALGORITHM, sample_values(inputs, out, **overrides(inputs, out)),
                            feedback=Recorder())
    assert_inputs_unchanged(before, inputs)
    with rasterio.open(result["OUTPUT"]) as raster:
        band = raster.read(1, masked=True)
    # The sample's values lie in 0..4000 m and most of the plot area is data.
    assert band.count() > 150_000 and 0 <= band.min() and band.max() <= 4000
    if warning:
        assert any(warning in line for line in lines)


def test_a_bug_is_reported_without_a_traceback(provider, inputs, tmp_path, monkeypatch):
    """Whatever the engine raises that is not a user's mistake still reaches the user as one
    line that says it is a bug and where it happened, and leaves no output."""
    from colormap_decoder.plugin.engine import pipeline

    def broken(*arguments, **keywords):
        raise ZeroDivisionError("float division by zero")

    monkeypatch.setattr(pipeline, "read_figure", broken)
    out = tmp_path / "out"
    message = refusal(sample_values(inputs, out))
    assert "Traceback" not in message and "\n" not in message.strip()
    assert "ZeroDivisionError: float division by zero" in message and "This is a bug" in message
    assert not out.exists() or files_under(out) == []
