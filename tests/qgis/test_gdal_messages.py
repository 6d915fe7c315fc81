"""GDAL's "no geotransform" probe on a plain figure stays silent; real GDAL errors do not."""
import subprocess
import textwrap
from pathlib import Path

from sample_figure import sample_parameters as parameters

REPO_ROOT = Path(__file__).resolve().parents[2]
QGIS_ENV = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "QT_QPA_PLATFORM": "offscreen", "LANG": "C.UTF-8"}

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


def test_the_provider_filter_drops_the_probe_for_any_loading_and_only_while_installed(tmp_path):
    """qgis_process opens INPUT before any algorithm code runs, so the provider keeps the filter
    on the main thread while it is loaded. In a fresh QGIS (no provider loaded yet): QGIS's GDAL
    provider prints the probe; with the filter installed it does not, while a real GDAL error
    still gets through; once removed, the probe is printed again."""
    script = tmp_path / "probe.py"
    script.write_text(textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(REPO_ROOT / "tests")!r})
        from sample_figure import FIGURE, expose_package
        expose_package()
        from osgeo import gdal
        from qgis.core import QgsRasterLayer
        from qgis.testing import start_app
        from colormap_decoder.plugin.processing.gdal_messages import GeoreferencingProbeFilter
        start_app()

        def load(step):
            sys.stderr.write(f"<{{step}}>\\n"); sys.stderr.flush()
            assert QgsRasterLayer(str(FIGURE), step).isValid()
            sys.stderr.flush()

        load("bare")
        probe_filter = GeoreferencingProbeFilter()
        probe_filter.install()
        load("filtered")
        gdal.Error(gdal.CE_Failure, 4, "a real failure: file not readable")
        probe_filter.remove()
        load("removed")
        sys.stderr.write("<end>\\n")
        """))
    completed = subprocess.run(["/usr/bin/python3", str(script)], capture_output=True, text=True,
                               timeout=120, env=dict(QGIS_ENV, HOME=str(tmp_path)))
    assert completed.returncode == 0, completed.stderr
    err = completed.stderr
    bare = err.split("<bare>", 1)[1].split("<filtered>", 1)[0]
    filtered = err.split("<filtered>", 1)[1].split("<removed>", 1)[0]
    removed = err.split("<removed>", 1)[1].split("<end>", 1)[0]
    assert PROBE in bare, err
    assert PROBE not in filtered, err
    assert "a real failure: file not readable" in filtered, err
    assert PROBE in removed, err


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
