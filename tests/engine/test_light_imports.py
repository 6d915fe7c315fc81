"""A decode imports only what it uses (issue 11): with a colormap matplotlib lists (viridis,
magma, turbo...), a drawn PLOT_AREA and GCPs, neither matplotlib (its colormap tables are
bundled), shapely, scikit-learn nor Tesseract is imported: each costs tens of milliseconds of a
run a user waits for."""
import json
import subprocess
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]

SCRIPT = """
import json, sys
sys.path.insert(0, {tests!r})
sys.path.insert(0, {data!r})
from sample_figure import expose_package
expose_package()
from make_golden import cases
from colormap_decoder.plugin.engine.pipeline import DecodeSettings, decode_map
result = decode_map(DecodeSettings(**cases()[{case!r}]))
print(json.dumps([len(result.points.clusters),
                  sorted(name for name in ("matplotlib", "shapely", "sklearn", "tesserocr")
                         if name in sys.modules)]))
"""


def _imported_by_a_decode(case):
    completed = subprocess.run(
        ["/usr/bin/python3", "-c", SCRIPT.format(tests=str(TESTS), data=str(TESTS / "data"),
                                                 case=case)],
        capture_output=True, text=True, timeout=300,
        env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": "/tmp", "LANG": "C.UTF-8"})
    assert completed.returncode == 0, completed.stderr[-2000:]
    return json.loads(completed.stdout.strip().splitlines()[-1])


def test_a_named_listed_colormap_decode_imports_no_matplotlib_shapely_sklearn_or_ocr():
    for case in ("jacksboro_contourf", "jacksboro_blocky"):  # own grid; GDAL warp to UTM 16N
        points, heavy = _imported_by_a_decode(case)
        assert points > 50
        assert heavy == [], (case, heavy)
