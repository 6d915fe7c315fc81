"""A decode imports only what it uses (issue 11): with a colormap matplotlib lists (viridis,
magma, turbo...), a drawn PLOT_AREA and GCPs, neither matplotlib (its colormap tables are
bundled), shapely, scikit-learn nor Tesseract is imported: each costs tens of milliseconds of a
run a user waits for. Nor does writing the report (its pictures are drawn with Pillow):
matplotlib's import alone held 18 MiB of the run."""
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
result = decode_map(DecodeSettings(**cases()[{case!r}], distance_output={report!r}))
if {report!r}:
    from colormap_decoder.plugin.engine.decode_report import write_decode_report
    html, _ = write_decode_report({folder!r} + "/report.html", result)
    assert open(html, encoding="utf-8").read().count("data:image/png;base64,") >= 6
print(json.dumps([len(result.points.clusters),
                  sorted(name for name in ("matplotlib", "shapely", "sklearn", "tesserocr")
                         if name in sys.modules)]))
"""


def _imported_by_a_decode(case, report_folder=None):
    completed = subprocess.run(
        ["/usr/bin/python3", "-c", SCRIPT.format(tests=str(TESTS), data=str(TESTS / "data"),
                                                 case=case, report=report_folder is not None,
                                                 folder=str(report_folder))],
        capture_output=True, text=True, timeout=300,
        env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": "/tmp", "LANG": "C.UTF-8"})
    assert completed.returncode == 0, completed.stderr[-2000:]
    return json.loads(completed.stdout.strip().splitlines()[-1])


def test_a_named_listed_colormap_decode_imports_no_matplotlib_shapely_sklearn_or_ocr():
    for case in ("jacksboro_contourf", "jacksboro_blocky"):  # own grid; GDAL warp to UTM 16N
        points, heavy = _imported_by_a_decode(case)
        assert points > 50
        assert heavy == [], (case, heavy)


def test_writing_the_report_imports_no_matplotlib(tmp_path):
    """The report's charts (field, points, colour distance with its bar, colour scale,
    histogram) are drawn with Pillow."""
    points, heavy = _imported_by_a_decode("jacksboro_contourf", tmp_path)
    assert points > 50
    assert heavy == [], heavy


def test_the_package_link_of_a_test_or_bench_process_is_removed_at_exit(tmp_path):
    """expose_package (every bench script, every test process) left a folder
    /tmp/colormap_decoder_pkg_* behind per process; its link is removed at exit, not what it
    points to."""
    script = (f"import sys\nsys.path.insert(0, {str(TESTS)!r})\n"
              "from sample_figure import expose_package\n"
              f"print(expose_package(), expose_package({str(tmp_path)!r}))\n"
              "import colormap_decoder.plugin.engine.text_format\n")
    folders = subprocess.run(["/usr/bin/python3", "-c", script], check=True, capture_output=True,
                             text=True).stdout.split()
    assert len(folders) == 2
    for folder in folders:
        assert not Path(folder).exists()
    assert tmp_path.is_dir() and (TESTS / "sample_figure.py").is_file()
