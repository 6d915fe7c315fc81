"""Loading the plugin costs QGIS next to nothing (issue 11): registering the provider and
building both algorithms' parameters imports none of the engine's scientific packages; they are
imported when an algorithm runs (``qgis_process`` loads every enabled plugin at each start)."""
import json
import subprocess

from sample_figure import REPO_ROOT

SCRIPT = """
import json, sys
sys.path.insert(0, {tests!r})
from sample_figure import expose_package
expose_package()
from qgis.core import QgsApplication
application = QgsApplication([], False)
application.initQgis()
from colormap_decoder.plugin.plugin import ColormapDecoderPlugin
plugin = ColormapDecoderPlugin(None)
plugin.initProcessing()
registry = QgsApplication.processingRegistry()
parameters = [len(registry.createAlgorithmById(name).parameterDefinitions())
              for name in ("colormapdecoder:decodemap", "colormapdecoder:detectfigure")]
heavy = ("numpy", "scipy", "PIL", "rasterio", "pyproj", "shapely", "sklearn", "matplotlib",
         "tesserocr")
print(json.dumps([parameters, [name for name in heavy if name in sys.modules]]))
"""


def test_provider_and_algorithms_load_without_the_scientific_packages(tmp_path):
    completed = subprocess.run(
        ["/usr/bin/python3", "-c", SCRIPT.format(tests=str(REPO_ROOT / "tests"))],
        capture_output=True, text=True, timeout=300,
        env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8",
             "QT_QPA_PLATFORM": "offscreen"})
    assert completed.returncode == 0, completed.stderr[-2000:]
    parameters, heavy = json.loads(completed.stdout.strip().splitlines()[-1])
    assert parameters[0] > 20 and parameters[1] >= 2
    assert heavy == []
