"""PLOT_AREA and COLORBAR drawn with QGIS's extent widget on a figure that is not georeferenced.

The widget appends the canvas's CRS to what is drawn: "112,672,-518,-87 [EPSG:32632]". On a
plain image those numbers are figure pixels (x = column, y = -row) whatever that CRS says. QGIS
3.22 parses the string fine, but ``parameterAsExtent`` reprojects it into the layer's CRS when
the layer has one, and a plain image can have one (a ``.aux.xml`` naming a CRS, or QGIS's
"use a default CRS for layers without one" setting): pixels taken as UTM metres came back as
degrees (112 -> 4.51). Such boxes must be read as pixels, and a georeferenced figure's boxes
still follow their CRS.
"""
import shutil

import numpy as np
import pytest
import rasterio
from sample_figure import FIGURE, POINTS_FILE, sample_extents
from sample_figure import sample_parameters as parameters

WGS84_WKT = ('GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],'
             'PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433],AUTHORITY["EPSG","4326"]]')


@pytest.fixture()
def plain_figure_with_a_crs(tmp_path):
    """The sample (no geotransform) with a GDAL .aux.xml that gives it a CRS, as QGIS or
    another tool leaves beside images: QGIS then shows the layer with a valid CRS."""
    folder = tmp_path / "figure"
    folder.mkdir()
    figure = folder / FIGURE.name
    shutil.copy(FIGURE, figure)
    shutil.copy(POINTS_FILE, str(figure) + ".points")
    (folder / (FIGURE.name + ".aux.xml")).write_text(
        f"<PAMDataset><SRS>{WGS84_WKT}</SRS></PAMDataset>", encoding="utf-8")
    return figure


def settings_for(values):
    from qgis.core import QgsProcessingContext

    from colormap_decoder.plugin.processing.decode_map_algorithm import DecodeMapAlgorithm

    algorithm = DecodeMapAlgorithm()
    algorithm.initAlgorithm()
    return algorithm._settings(values, QgsProcessingContext()), algorithm._box_notes


def numbers(text):
    return tuple(float(v) for v in text.split(","))


@pytest.mark.parametrize("suffix", ["", " [EPSG:32632]", " [EPSG:3857]", " [EPSG:4326]"])
def test_a_box_on_a_plain_image_is_pixels_whatever_crs_it_carries(provider, tmp_path,
                                                                   plain_figure_with_a_crs,
                                                                   suffix):
    from qgis.core import QgsRasterLayer

    layer = QgsRasterLayer(str(plain_figure_with_a_crs), "figure")
    assert layer.isValid() and layer.crs().isValid()  # the case QGIS reprojected
    extents = sample_extents()
    values = parameters(tmp_path / "out", figure=plain_figure_with_a_crs,
                        PLOT_AREA=extents["PLOT_AREA"] + suffix,
                        COLORBAR=extents["COLORBAR"] + suffix)
    settings, notes = settings_for(values)
    assert settings.plot_area_extent == numbers(extents["PLOT_AREA"])
    assert settings.colorbar_extent == numbers(extents["COLORBAR"])
    if suffix:
        # The log says the CRS was not used, with the box as read.
        notes = sorted(notes)
        assert notes[0].startswith("COLORBAR: 700,720,-518,-87 read as figure pixels")
        assert notes[1].startswith("PLOT_AREA: 112,672,-518,-87 read as figure pixels")
        assert all(suffix.strip(" []") in note and "not used" in note for note in notes)
    else:
        assert notes == []


def test_a_box_on_a_georeferenced_figure_still_follows_its_crs(provider, tmp_path):
    """A GeoTIFF in EPSG:4326: a box given in EPSG:3857 is brought into degrees."""
    from pyproj import Transformer

    figure = tmp_path / "georeferenced.tif"
    with rasterio.open(figure, "w", driver="GTiff", width=100, height=50, count=3, dtype="uint8",
                       crs="EPSG:4326",
                       transform=rasterio.transform.from_origin(10.0, 47.0, 0.02, 0.02)) as out:
        out.write(np.full((3, 50, 100), 200, np.uint8))
    to_metres = Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True)
    x0, y0 = to_metres.transform(10.5, 46.3)
    x1, y1 = to_metres.transform(11.5, 46.8)
    values = parameters(tmp_path / "out", figure=figure, GCPS=None,
                        PLOT_AREA=f"{x0},{x1},{y0},{y1} [EPSG:3857]")
    values.pop("COLORBAR", None)
    settings, notes = settings_for(values)
    assert settings.plot_area_extent == pytest.approx((10.5, 11.5, 46.3, 46.8), abs=1e-6)
    assert notes == []


def test_a_box_on_a_figure_georeferenced_by_its_aux_xml_follows_its_crs(provider, tmp_path):
    """A PNG placed in EPSG:4326 by a GDAL .aux.xml only: QGIS loads the figure without its
    .aux.xml (so as to write nothing beside it), and the box is still brought into degrees, by
    the figure's own georeferencing."""
    from pyproj import Transformer

    figure = tmp_path / "placed.png"
    shutil.copy(FIGURE, figure)
    (tmp_path / "placed.png.aux.xml").write_text(
        f"<PAMDataset><SRS>{WGS84_WKT}</SRS>"
        "<GeoTransform>10.0, 0.002, 0.0, 47.0, 0.0, -0.002</GeoTransform></PAMDataset>",
        encoding="utf-8")
    to_metres = Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True)
    x0, y0 = to_metres.transform(10.3, 46.2)
    x1, y1 = to_metres.transform(11.2, 46.9)
    values = parameters(tmp_path / "out", figure=figure, GCPS=None,
                        PLOT_AREA=f"{x0},{x1},{y0},{y1} [EPSG:3857]")
    settings, notes = settings_for(values)
    assert settings.plot_area_extent == pytest.approx((10.3, 11.2, 46.2, 46.9), abs=1e-6)
    assert notes == []


def test_decoding_with_crs_tagged_pixel_boxes_gives_the_same_raster(provider, tmp_path,
                                                                   plain_figure_with_a_crs):
    import processing

    extents = sample_extents()
    rasters = []
    for name, suffix in (("plain", ""), ("tagged", " [EPSG:32632]")):
        values = parameters(tmp_path / name, figure=plain_figure_with_a_crs,
                            PLOT_AREA=extents["PLOT_AREA"] + suffix)
        (tmp_path / name).mkdir()
        result = processing.run("colormapdecoder:decodemap", values)
        with rasterio.open(result["OUTPUT"]) as dataset:
            rasters.append(dataset.read(1, masked=True))
    assert rasters[0].count() > 100000
    assert np.array_equal(rasters[0].filled(np.nan), rasters[1].filled(np.nan), equal_nan=True)
