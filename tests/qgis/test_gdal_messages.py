"""GDAL's "no geotransform" probe on a plain figure stays silent; real GDAL errors do not."""
from sample_figure import sample_parameters as parameters

PROBE = "Unable to compute a transformation between pixel/line"


def test_decoding_a_plain_png_prints_no_gdal_georeferencing_error(provider, tmp_path, capfd):
    import processing

    processing.run("colormapdecoder:decodemap", parameters(tmp_path))
    captured = capfd.readouterr()
    assert PROBE not in captured.err and PROBE not in captured.out


def test_detecting_on_a_plain_png_prints_no_gdal_georeferencing_error(provider, tmp_path, capfd):
    import processing

    processing.run("colormapdecoder:detectfigure", {
        "INPUT": parameters()["INPUT"], "GCP_CRS": "EPSG:32632",
        "OUTPUT_GCPS": str(tmp_path / "found.points")})
    captured = capfd.readouterr()
    assert PROBE not in captured.err and PROBE not in captured.out


def test_a_plain_png_opened_outside_the_guard_still_prints_it(qgis_app, tmp_path, capfd):
    """The guard is what silences it: without the guard QGIS's GDAL provider does print it."""
    from qgis.core import QgsRasterLayer
    from sample_figure import FIGURE

    assert QgsRasterLayer(str(FIGURE), "figure").isValid()
    assert PROBE in capfd.readouterr().err


def test_other_gdal_errors_pass_through_the_guard(qgis_app, capfd):
    from osgeo import gdal

    from colormap_decoder.plugin.processing.gdal_messages import (
        GEOREFERENCING_PROBE_MESSAGE,
        quiet_georeferencing_probe,
    )

    with quiet_georeferencing_probe():
        gdal.Error(gdal.CE_Failure, 4, "a real failure: file not readable")
        gdal.Error(gdal.CE_Failure, 1, GEOREFERENCING_PROBE_MESSAGE + " for figure.png.")
    err = capfd.readouterr().err
    assert "a real failure: file not readable" in err
    assert PROBE not in err
