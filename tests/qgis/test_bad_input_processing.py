"""Bad and odd inputs end to end, through ``processing.run`` in a headless QGIS.

Every failure must come back as a QgsProcessingException whose message starts with (or names)
the parameter to fix and says what to do, and must leave no output — neither a partial file nor
a changed previous one. Odd but usable inputs (CMYK JPEG, animated GIF, paths with spaces and
accents, QGIS temporary outputs, an empty point layer) must work.

Engine-level counterparts: ``tests/engine/test_bad_input.py`` (this file cannot share its
basename: the test folders are not packages, and pytest needs unique module names).
"""
import os
import shutil
import struct
import zlib

import numpy as np
import pytest
import rasterio
from PIL import Image
from sample_figure import FIGURE, POINTS_FILE, STEP, truth_on_grid
from sample_figure import sample_parameters as parameters

ALGORITHM = "colormapdecoder:decodemap"


def run(values, feedback=None):
    import processing

    values = {k: v for k, v in values.items() if v is not None}
    return processing.run(ALGORITHM, values, feedback=feedback)


def failure(values):
    """Run, expect a QgsProcessingException, and return its message."""
    from qgis.core import QgsProcessingException

    with pytest.raises(QgsProcessingException) as raised:
        run(values)
    return str(raised.value)


class LogFeedback:
    """A QgsProcessingFeedback that keeps every log line (made lazily: needs the QGIS app)."""

    def __new__(cls):
        from qgis.core import QgsProcessingFeedback

        class Recorder(QgsProcessingFeedback):
            def __init__(self):
                super().__init__()
                self.lines = []

            def pushInfo(self, text):  # noqa: N802 - Qt override
                self.lines.append(text)
                super().pushInfo(text)

            def pushWarning(self, text):  # noqa: N802 - Qt override
                self.lines.append(text)
                super().pushWarning(text)

        return Recorder()


def sample_rgb():
    return np.asarray(Image.open(FIGURE).convert("RGB"))


def leftovers(folder):
    return sorted(p for p in os.listdir(folder) if p.startswith(".partial-") or p.endswith(
        (".tif", ".gpkg")))


# -- INPUT ----------------------------------------------------------------------------------
def make_input(tmp_path, kind):
    """A bad figure of the given kind, in a subfolder (outputs go to tmp_path itself)."""
    tmp_path = tmp_path / "input"
    tmp_path.mkdir(exist_ok=True)
    png = FIGURE.read_bytes()
    if kind == "truncated.png":
        data = png[:len(png) // 2]
    elif kind == "corrupt.png":
        broken = bytearray(png)
        broken[len(png) // 2:len(png) // 2 + 64] = bytes(64)
        data = bytes(broken)
    elif kind == "truncated.jpg":
        Image.fromarray(sample_rgb()).save(tmp_path / "full.jpg", quality=90)
        full = (tmp_path / "full.jpg").read_bytes()
        data = full[:len(full) // 2]
    elif kind in ("uint16_rgb.tif", "float32.tif"):
        dtype, count = ("uint16", 3) if kind.startswith("uint16") else ("float32", 1)
        path = tmp_path / kind
        with rasterio.open(path, "w", driver="GTiff", width=900, height=600, count=count,
                           dtype=dtype) as out:
            out.write(np.ones((count, 600, 900), dtype))
        return path
    elif kind == "text.png":
        data = b"This is not an image.\n"
    elif kind == "zero.png":
        def chunk(tag, body):
            return struct.pack(">I", len(body)) + tag + body + struct.pack(
                ">I", zlib.crc32(tag + body) & 0xFFFFFFFF)
        data = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 0, 600, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b""))
    path = tmp_path / kind
    path.write_bytes(data)
    return path


@pytest.mark.filterwarnings("ignore::rasterio.errors.NotGeoreferencedWarning")
@pytest.mark.parametrize("kind, words", [
    ("truncated.png", "damaged or incomplete"),
    ("corrupt.png", "damaged or incomplete"),
    ("truncated.jpg", "damaged or incomplete"),
    ("uint16_rgb.tif", "data raster"),
    ("float32.tif", "data raster"),
])
def test_unusable_figures_are_explained(provider, tmp_path, kind, words):
    message = failure(parameters(tmp_path, INPUT=str(make_input(tmp_path, kind))))
    assert message.startswith("INPUT: ") and words in message
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("kind, words", [("text.png", "not an image"), ("zero.png", "no pixels")])
def test_files_qgis_cannot_load_are_explained(provider, tmp_path, kind, words):
    # QGIS cannot load these as a layer; the algorithm's checkParameterValues says why instead
    # of QGIS's "Could not load source layer for INPUT".
    message = failure(parameters(tmp_path, INPUT=str(make_input(tmp_path, kind))))
    assert "INPUT: " in message and words in message
    assert leftovers(tmp_path) == []


def test_pixel_limit_is_named_with_the_variable_that_raises_it(provider, tmp_path, monkeypatch):
    monkeypatch.setenv("COLORMAP_DECODER_MAX_PIXELS", "100000")
    message = failure(parameters(tmp_path))
    assert message.startswith("INPUT: ") and "900×600 = 540,000 pixels" in message
    assert "limit of 100,000" in message and "COLORMAP_DECODER_MAX_PIXELS" in message
    assert leftovers(tmp_path) == []


def test_cmyk_jpeg_decodes_like_the_png(provider, tmp_path):
    path = tmp_path / "cmyk.jpg"
    Image.fromarray(sample_rgb()).convert("CMYK").save(path, quality=95)
    result = run(parameters(tmp_path, INPUT=str(path), DENOISE=True))
    decoded, expected = truth_on_grid(result["OUTPUT"])
    both = ~decoded.mask & np.isfinite(expected)
    assert both.sum() > 0.7 * decoded.size
    assert np.median(np.abs(decoded.data[both] - expected[both])) <= STEP


def test_animated_gif_decodes_its_first_frame_and_says_so(provider, tmp_path):
    first = Image.open(FIGURE).convert("RGB").quantize(256, method=Image.Quantize.MEDIANCUT)
    second = Image.new("RGB", first.size, (255, 0, 0)).quantize(4)
    path = tmp_path / "animated.gif"
    first.save(path, save_all=True, append_images=[second], duration=500, loop=0)
    feedback = LogFeedback()
    result = run(parameters(tmp_path, INPUT=str(path), MAX_COLOR_DISTANCE=15), feedback=feedback)
    assert any("2 frames" in line and "first frame" in line for line in feedback.lines)
    decoded, expected = truth_on_grid(result["OUTPUT"])
    both = ~decoded.mask & np.isfinite(expected)
    assert both.sum() > 0.5 * decoded.size
    assert np.median(np.abs(decoded.data[both] - expected[both])) <= 2 * STEP


# -- GCPS / GCP_CRS / TARGET_CRS ------------------------------------------------------------
def test_gcp_off_the_figure_is_named(provider, tmp_path):
    lines = POINTS_FILE.read_text().splitlines()
    fields = lines[3].split(",")
    fields[2] = "5000"   # pixelX far right of the 900-pixel-wide figure
    lines[3] = ",".join(fields)
    points = tmp_path / "moved.points"
    points.write_text("\n".join(lines) + "\n")
    message = failure(parameters(tmp_path, GCPS=str(points)))
    assert message.startswith("GCPS: ") and "outside the figure (900×600 pixels" in message
    assert "GCP 2 (line 4) at pixel (5000," in message


def test_latitude_beyond_the_pole_is_named(provider, tmp_path):
    points = tmp_path / "lonlat.csv"
    points.write_text("pixel_x,pixel_y,map_x,map_y\n128,504.7,10.30,46.47\n"
                      "659.4,504.7,11.08,46.47\n128,97,10.30,95.0\n659.4,97,11.08,46.90\n")
    message = failure(parameters(tmp_path, GCPS=str(points), GCP_CRS="EPSG:4326"))
    assert message.startswith("GCPS: ") and "GCP 3 (line 4) at (10.3, 95)" in message
    assert "latitude" in message


@pytest.mark.parametrize("name", ["GCP_CRS", "TARGET_CRS"])
def test_crs_text_qgis_does_not_know_is_refused(provider, tmp_path, name):
    message = failure(parameters(tmp_path, **{name: "EPSG:not-a-code"}))
    assert message.startswith(f"{name}: ") and "EPSG:4326" in message
    assert leftovers(tmp_path) == []


def test_target_crs_on_the_other_side_of_the_earth(provider, tmp_path):
    message = failure(parameters(tmp_path, TARGET_CRS="EPSG:32760"))
    assert message.startswith("TARGET_CRS: ") and "far outside" in message
    assert "Choose a target CRS" in message


# -- COLORMAP, VMIN/VMAX, SCALE, LEVELS, COLORBAR -------------------------------------------
def malformed_cpt(tmp_path):
    path = tmp_path / "broken.cpt"
    path.write_text("# a GMT colour table\n0 0/0/255 1000 0/255/0\n1000 zero/255/0 4000 255/0/0\n")
    return str(path)


@pytest.mark.parametrize("override, parameter, words", [
    ({"COLORMAP": "magmma"}, "COLORMAP", "magma"),
    ({"COLORMAP": "cpt"}, "COLORMAP", "line 3"),
    ({"VMIN": 4000, "VMAX": 4000}, "VMIN", "increasing"),
    ({"SCALE": 1, "VMIN": 0}, "VMIN", "logarithmic"),
    ({"SCALE": 1, "VMIN": -5}, "VMIN", "VMIN > 0"),
    ({"LEVELS": "0,2000,1000,4000"}, "LEVELS", "increasing"),
    ({"LEVELS": "0, 1000, lots"}, "LEVELS", "not a comma-separated list of numbers"),
    ({"COLORMAP": "", "COLORBAR": "2000,2020,-500,-100"}, "COLORBAR", "does not overlap"),
    ({"COLORMAP": "", "COLORBAR": "700,704,-300,-296"}, "COLORBAR", "too small to sample"),
    ({"COLORMAP": "", "COLORBAR": "800,820,-500,-100"}, "COLORBAR", "no colour gradient"),
    ({"MASK_WKT": "POLYGON((100 -80, 680 -80, 680 -530, 100 -530, 100 -80))"}, "PLOT_AREA",
     "No pixel is left to decode"),
])
def test_colour_scale_and_range_problems_name_the_parameter(provider, tmp_path, override,
                                                            parameter, words):
    if override.get("COLORMAP") == "cpt":
        override = dict(override, COLORMAP=malformed_cpt(tmp_path))
    message = failure(parameters(tmp_path, **override))
    assert message.startswith(f"{parameter}: ") and words in message, message
    assert leftovers(tmp_path) == []


def test_no_cluster_still_writes_the_raster_and_an_empty_point_layer(provider, tmp_path):
    from qgis.core import QgsVectorLayer

    feedback = LogFeedback()
    result = run(parameters(tmp_path, DBSCAN_EPS=1.0, DBSCAN_MIN_SAMPLES=20), feedback=feedback)
    with rasterio.open(result["OUTPUT"]) as dataset:
        assert dataset.read(1, masked=True).count() > 100000
    layer = QgsVectorLayer(result["OUTPUT_POINTS"], "points", "ogr")
    assert layer.isValid() and layer.featureCount() == 0
    assert "value" in layer.fields().names() and layer.crs().authid() == "EPSG:32632"
    warning = [line for line in feedback.lines if "point layer is empty" in line]
    assert warning and "DBSCAN_MIN_SAMPLES" in warning[0]


# -- outputs --------------------------------------------------------------------------------
def test_failure_and_cancellation_leave_previous_outputs_untouched(provider, tmp_path):
    from qgis.core import QgsProcessingFeedback

    values = parameters(tmp_path)
    for name in ("OUTPUT", "OUTPUT_POINTS"):
        with open(values[name], "wb") as handle:
            handle.write(b"previous result of " + name.encode())
    failure(dict(values, COLORMAP="viridsi"))

    class CancelWhilePlacing(QgsProcessingFeedback):
        def setProgressText(self, text):  # noqa: N802 - Qt override
            super().setProgressText(text)
            if "Placing" in text:
                self.cancel()

    assert run(values, feedback=CancelWhilePlacing()).get("OUTPUT") is None
    for name in ("OUTPUT", "OUTPUT_POINTS"):
        with open(values[name], "rb") as handle:
            assert handle.read() == b"previous result of " + name.encode()
    assert not [p for p in os.listdir(tmp_path) if p.startswith(".partial-")]


def test_paths_with_spaces_and_accents(provider, tmp_path):
    from qgis.core import QgsVectorLayer

    folder = tmp_path / "Karte für Vinschgau – données é 地图"
    folder.mkdir()
    figure = folder / "Abbildung 3 (Höhe).png"
    points = folder / "Passpunkte ü.points"
    shutil.copy(FIGURE, figure)
    shutil.copy(POINTS_FILE, points)
    values = parameters(folder, INPUT=str(figure), GCPS=str(points),
                        OUTPUT=str(folder / "décodé résultat.tif"),
                        OUTPUT_POINTS=str(folder / "Punkte ß.gpkg"))
    result = run(values)
    assert result["OUTPUT"] == values["OUTPUT"] and os.path.isfile(values["OUTPUT"])
    with rasterio.open(values["OUTPUT"]) as dataset:
        assert dataset.tags()["SOURCE_FIGURE"] == str(figure)
        assert dataset.read(1, masked=True).count() > 100000
    assert QgsVectorLayer(result["OUTPUT_POINTS"], "points", "ogr").featureCount() > 100


@pytest.mark.parametrize("name", ["OUTPUT", "OUTPUT_DISTANCE"])
@pytest.mark.parametrize("where", ["under_a_file", "proc"])
def test_unwritable_raster_destination_names_the_parameter(provider, tmp_path, name, where):
    # Tests run as root, and root writes into a chmod 555 folder anyway; a destination whose
    # "folder" is a regular file, or /proc (where no regular file can be created), fails for
    # root too, the way a read-only folder fails for a user.
    if where == "under_a_file":
        blocker = tmp_path / "file.txt"
        blocker.write_text("a file, not a folder")
        destination = str(blocker / "out.tif")
    else:
        destination = "/proc/colormap_decoder_out.tif"
    message = failure(parameters(tmp_path, **{name: destination}))
    assert message.startswith(f"{name}: Cannot write in the folder") and "another destination" in message
    assert not os.path.exists(destination)


def test_unwritable_point_destination_names_output_points(provider, tmp_path):
    blocker = tmp_path / "file.txt"
    blocker.write_text("a file, not a folder")
    message = failure(parameters(tmp_path, OUTPUT_POINTS=str(blocker / "points.gpkg")))
    # Found before the job runs (engine/validation.py), not when the layer is created.
    assert message.startswith("OUTPUT_POINTS: Cannot write in the folder")
    assert "folder you can write to" in message


def test_outputs_in_the_qgis_temporary_folder(provider, tmp_path):
    from qgis.core import QgsProcessingUtils, QgsRasterLayer, QgsVectorLayer

    temporary = QgsProcessingUtils.tempFolder()
    explicit = run(parameters(tmp_path, OUTPUT=os.path.join(temporary, "decoded in temp.tif"),
                              OUTPUT_POINTS="TEMPORARY_OUTPUT"))
    assert explicit["OUTPUT"].startswith(temporary)
    assert QgsRasterLayer(explicit["OUTPUT"], "decoded").isValid()
    generated = run(parameters(tmp_path, OUTPUT="TEMPORARY_OUTPUT",
                               OUTPUT_POINTS=os.path.join(temporary, "points.gpkg")))
    assert generated["OUTPUT"].startswith(temporary) and generated["OUTPUT"].endswith(".tif")
    assert QgsRasterLayer(generated["OUTPUT"], "decoded").isValid()
    points = generated["OUTPUT_POINTS"]
    layer = points if not isinstance(points, str) else QgsVectorLayer(points, "points", "ogr")
    assert layer.isValid() and layer.featureCount() > 100
    assert not [p for p in os.listdir(os.path.dirname(generated["OUTPUT"]))
                if p.startswith(".partial-")]


@pytest.mark.parametrize("override, words", [
    ({"VMAX": "4000m"}, "VMAX: '4000m' is not a number"),
    ({"PLOT_AREA": "112,112,-518,-87"}, "PLOT_AREA: the box"),
    ({"DBSCAN_MIN_SAMPLES": 0}, "DBSCAN_MIN_SAMPLES"),
])
def test_other_bad_parameters_keep_their_own_name(provider, tmp_path, override, words):
    # A bad parameter other than INPUT must not be blamed on the figure.
    message = failure(parameters(tmp_path, **override))
    assert words in message and "figure" not in message.split(":")[0]
