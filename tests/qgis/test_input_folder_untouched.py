"""A run writes nothing beside its figure: the input folder is the same, file for file and byte
for byte, after ``decodemap`` or ``detectfigure``.

QGIS computes a raster layer's band statistics when it loads it (its renderer's contrast
enhancement), and GDAL saves them in ``<figure>.aux.xml`` when the file closes: every run used
to leave a new sidecar beside a PNG, JPEG or TIFF figure, and to rewrite a user's own
``.aux.xml`` (which may hold the figure's georeferencing) with statistics added. Such an
``.aux.xml`` must still be read: the decoded raster lies where it puts the figure.
"""
import hashlib
import os
import shutil
from pathlib import Path

import numpy as np
import pytest
import rasterio
from PIL import Image
from sample_figure import FIGURE, POINTS_FILE, sample_extents
from test_adversarial import error_line, qgis_process  # noqa: F401 - a fixture

#: The georeferencing of the georeferenced figures (a user's own GDAL .aux.xml beside a PNG, a
#: GeoTIFF's tags): UTM 32N from 600 km E, 5200 km N, two metres a pixel.
PAM_GEOTRANSFORM = (600000.0, 2.0, 0.0, 5200000.0, 0.0, -2.0)
PAM_XML = ("<PAMDataset>\n  <SRS>EPSG:32632</SRS>\n  <GeoTransform>{}</GeoTransform>\n"
           "</PAMDataset>\n").format(", ".join(f"{v:.1f}" for v in PAM_GEOTRANSFORM))


def tree(folder):
    """Every file under ``folder``: its path and sha256."""
    return {os.path.relpath(os.path.join(root, name), folder):
            hashlib.sha256(Path(root, name).read_bytes()).hexdigest()
            for root, _, names in os.walk(folder) for name in names}


def figure_in(folder, kind):
    """The sample as ``kind``; its GCP file beside it for a plain image."""
    folder.mkdir()
    rgb = np.asarray(Image.open(FIGURE).convert("RGB"))
    if kind == "geotiff":
        path = folder / "fig.tif"
        with rasterio.open(path, "w", driver="GTiff", width=rgb.shape[1], height=rgb.shape[0],
                           count=3, dtype="uint8", crs="EPSG:32632",
                           transform=rasterio.Affine.from_gdal(*PAM_GEOTRANSFORM)) as out:
            out.write(np.moveaxis(rgb, 2, 0))
        return path
    if kind == "jpeg":
        path = folder / "fig.jpg"
        Image.fromarray(rgb).save(path, quality=95)
    else:
        path = folder / "fig.png"
        shutil.copy(FIGURE, path)
    if kind == "png with its .aux.xml":
        (folder / "fig.png.aux.xml").write_text(PAM_XML)
    else:
        shutil.copy(POINTS_FILE, str(path) + ".points")
    return path


KINDS = ["png", "jpeg", "geotiff", "png with its .aux.xml"]


def decode_values(figure, out, kind):
    extents = sample_extents()
    values = {"INPUT": str(figure), "COLORMAP": "viridis", "VMIN": 0, "VMAX": 4000,
              "OUTPUT": str(out / "decoded.tif"), "OUTPUT_POINTS": str(out / "points.gpkg")}
    if kind in ("geotiff", "png with its .aux.xml"):
        # Map coordinates of the plot area under the figure's georeferencing.
        x0, x1, y0, y1 = (float(v) for v in extents["PLOT_AREA"].split(","))
        originx, size, _, originy, _, _ = PAM_GEOTRANSFORM
        values["PLOT_AREA"] = (f"{originx + size * x0},{originx + size * x1},"
                               f"{originy + size * y0},{originy + size * y1}")
    else:
        values["PLOT_AREA"] = extents["PLOT_AREA"]
    if kind in ("png", "jpeg"):
        values.update(GCPS=str(figure) + ".points", TARGET_CRS="EPSG:32632")
    return values


@pytest.mark.parametrize("kind", KINDS)
def test_decodemap_leaves_the_figure_folder_as_it_was(provider, tmp_path, kind):
    import processing

    figure = figure_in(tmp_path / "inputs", kind)
    before = tree(tmp_path / "inputs")
    out = tmp_path / "out"
    result = processing.run("colormapdecoder:decodemap", decode_values(figure, out, kind))
    assert tree(tmp_path / "inputs") == before
    with rasterio.open(result["OUTPUT"]) as decoded:
        assert decoded.read(1, masked=True).count() > 100000
        if kind in ("geotiff", "png with its .aux.xml"):
            # Read with its georeferencing: the plot area's corner, two metres a pixel.
            x0, _, _, y1 = (float(v) for v in sample_extents()["PLOT_AREA"].split(","))
            assert decoded.crs.to_epsg() == 32632
            assert decoded.transform.a == pytest.approx(2.0, rel=1e-9)
            assert (decoded.transform.c, decoded.transform.f) == pytest.approx(
                (600000.0 + 2 * x0, 5200000.0 + 2 * y1), abs=1e-6)


@pytest.mark.parametrize("kind", KINDS)
def test_detectfigure_leaves_the_figure_folder_as_it_was(provider, tmp_path, kind):
    import processing

    figure = figure_in(tmp_path / "inputs", kind)
    before = tree(tmp_path / "inputs")
    result = processing.run("colormapdecoder:detectfigure", {
        "INPUT": str(figure), "GCP_CRS": "EPSG:32632",
        "OUTPUT_REPORT": str(tmp_path / "out" / "findings.html")})
    assert result["COLORMAP"]  # the run went through
    assert tree(tmp_path / "inputs") == before


@pytest.mark.parametrize("case", ["decodemap", "detectfigure", "refused"])
def test_qgis_process_leaves_the_figure_folder_as_it_was(qgis_process, tmp_path, case):
    """qgis_process loads INPUT itself to check it, before the algorithm's own code; a run
    refused after that loading (an output onto the figure's own .aux.xml) too."""
    kind = "jpeg" if case == "detectfigure" else "png with its .aux.xml"
    figure = figure_in(tmp_path / "inputs", kind)
    before = tree(tmp_path / "inputs")
    out = tmp_path / "out"
    values = ({"INPUT": str(figure), "OUTPUT_GCPS": str(out / "axes.points")}
              if case == "detectfigure" else decode_values(figure, out, kind))
    if case == "refused":
        values["OUTPUT"] = str(figure) + ".aux.xml"
    algorithm = "detectfigure" if case == "detectfigure" else "decodemap"
    code, output, _ = qgis_process(values, algorithm=f"colormapdecoder:{algorithm}")
    if case == "refused":
        assert code != 0 and error_line(output).startswith("OUTPUT: "), output[-2000:]
    else:
        assert code == 0, error_line(output) or output[-2000:]
    assert tree(tmp_path / "inputs") == before


def test_a_model_leaves_the_figure_folder_as_it_was(provider, tmp_path):
    """A model logs each child's inputs as Python (``valueAsPythonString``), which loads the
    figure as a layer: that left an .aux.xml beside it. (A model's own raster layer parameter
    is QGIS's, loaded before any of the plugin's code: the figure is given as a file here.)"""
    import processing
    from qgis.core import (
        QgsProcessingModelAlgorithm,
        QgsProcessingModelChildAlgorithm,
        QgsProcessingModelChildParameterSource,
        QgsProcessingModelOutput,
        QgsProcessingModelParameter,
        QgsProcessingParameterFile,
    )

    figure = figure_in(tmp_path / "inputs", "png")
    before = tree(tmp_path / "inputs")
    model = QgsProcessingModelAlgorithm("decode a figure", "tests")
    for name in ("figure", "gcps"):
        model.addModelParameter(QgsProcessingParameterFile(name, name),
                                QgsProcessingModelParameter(name))
    child = QgsProcessingModelChildAlgorithm("colormapdecoder:decodemap")
    child.setChildId("decode")
    values = decode_values(figure, tmp_path / "out", "png")
    for name in ("COLORMAP", "VMIN", "VMAX", "PLOT_AREA", "TARGET_CRS"):
        child.addParameterSources(
            name, [QgsProcessingModelChildParameterSource.fromStaticValue(values[name])])
    child.addParameterSources(
        "INPUT", [QgsProcessingModelChildParameterSource.fromModelParameter("figure")])
    child.addParameterSources(
        "GCPS", [QgsProcessingModelChildParameterSource.fromModelParameter("gcps")])
    outputs = {}
    for name in ("OUTPUT", "OUTPUT_POINTS"):
        output = QgsProcessingModelOutput(name.lower(), name.lower())
        output.setChildId("decode")
        output.setChildOutputName(name)
        outputs[name.lower()] = output
    child.setModelOutputs(outputs)
    model.addChildAlgorithm(child)
    result = processing.run(model, {"figure": values["INPUT"], "gcps": values["GCPS"],
                                    "decode:output": values["OUTPUT"],
                                    "decode:output_points": values["OUTPUT_POINTS"]})
    with rasterio.open(result["decode:output"]) as decoded:
        assert decoded.read(1, masked=True).count() > 100000
    assert tree(tmp_path / "inputs") == before


@pytest.mark.parametrize("algorithm", ["decodemap", "detectfigure"])
def test_a_vrt_figure_is_refused_before_qgis_rewrites_it(qgis_process, tmp_path, algorithm):
    """A GDAL virtual raster keeps the statistics QGIS's renderer asks for in its own XML and
    writes itself back when closed: loading one as INPUT rewrote the user's .vrt (its sources'
    relative paths made absolute) before the refusal came. Refused before QGIS opens it."""
    from osgeo import gdal

    folder = tmp_path / "inputs"
    folder.mkdir()
    shutil.copy(FIGURE, folder / "fig.png")
    gdal.Translate(str(folder / "fig.vrt"), str(folder / "fig.png"), format="VRT")
    assert 'relativeToVRT="1"' in (folder / "fig.vrt").read_text()
    before = tree(folder)
    values = {"INPUT": str(folder / "fig.vrt"), "OUTPUT_REPORT": str(tmp_path / "out" / "r.html")}
    if algorithm == "decodemap":
        values.update(COLORMAP="viridis", VMIN=0, VMAX=4000, GCPS=str(POINTS_FILE),
                      OUTPUT=str(tmp_path / "out" / "d.tif"),
                      OUTPUT_POINTS=str(tmp_path / "out" / "p.gpkg"))
    code, output, _ = qgis_process(values, algorithm=f"colormapdecoder:{algorithm}")
    message = error_line(output)
    assert code != 0 and message.startswith("INPUT: ") and "virtual raster (VRT)" in message, \
        output[-2000:]
    assert tree(folder) == before
