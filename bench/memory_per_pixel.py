#!/usr/bin/python3
"""Measure the engine's peak memory per figure pixel and per output pixel, stage by stage.

The figures behind the constants of ``plugin/engine/memory_budget.py``. Run by hand, never by
the tests::

    /usr/bin/python3 bench/memory_per_pixel.py                 # 1, 4 and 9 MP, every option set
    /usr/bin/python3 bench/memory_per_pixel.py --sizes 1000 3000 --options plain

Each run is a fresh child process (``subprocess`` + ``exec``: nothing inherited) that reads a
figure rendered here, runs ``pipeline.decode_map`` and writes the GeoTIFF outputs and the
report as the Processing algorithm does, and reports its ``VmHWM`` (peak resident memory) minus
its ``VmRSS`` once the engine's packages are imported. The figure is the worst case for the
reduction: a field drawn cell by cell (16 px cells), so that nearly every pixel is flat, in an
RGBA PNG (the widest pixel format Pillow converts from), with four corner GCPs in EPSG:4326 so
that the output grid has about as many pixels as the figure.

``--jpeg-quality Q`` makes the figure an RGB JPEG of that quality instead: its native grid's
cells are then read through the JPEG's blocks (``jpeg_cells``).

Prints, per option set and size, the job's peak in MiB and bytes per figure pixel, and the
estimate of ``memory_budget.estimate_job_bytes`` beside it (the estimate must stay above);
with several sizes, also the bytes each further figure pixel costs (the slope between the
smallest and the largest figure) and the fixed part that does not grow with the figure.

That first run pays for what a process does once: the imports made during the run (Pillow's
image plugins, the report's font), GDAL registering its drivers (8 MiB of its library's code
read in), pyproj's database. In QGIS these are done by the first run of a session (GDAL's
drivers by QGIS itself at start), and every later run starts with them resident.

``--baseline`` says what the peak is measured above, each in a fresh process of its own:
``interpreter`` (the interpreter with the engine's modules and packages imported: GDAL's
drivers are then registered during the job, at its first GeoTIFF, and their 8 MiB of code
count in its peak), ``qgis`` (that, and GDAL's drivers registered before the job, as QGIS and
``qgis_process`` have them before any algorithm runs: only that registration differs; no
module, array or library the job uses is loaded beforehand), or ``both`` (the default: one
table each). Issue 11's bar, "≤ 24 bytes per figure pixel above the interpreter's baseline",
is checked under both.
``--runs 2`` runs the same job a second time in the same process and prints that run's peak
above the memory resident when it starts (``VmHWM`` reset through ``/proc/self/clear_refs``)
in the columns "2nd run MiB" and "B/px", and what the first run left resident ("left MiB":
the modules it imported, and freed memory the C heap keeps and the second run reuses; the
second run's peak above the interpreter's baseline is the sum of the two).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT / "tests"))

OPTION_SETS = {
    "plain": {},
    "native grid off": {"native_grid": "off"},
    "no detection": {"native_grid": "off", "plot_area_extent": "whole"},
    "lattice only": {"plot_area_extent": "whole"},
    "distance": {"distance_output": True},
    "reconstruction": {"reconstruction_output": True},
    "denoise": {"denoise": True},
    "report": {"report": True, "distance_output": True},
    "all": {"distance_output": True, "reconstruction_output": True, "denoise": True,
            "report": True},
    "all, native off": {"distance_output": True, "reconstruction_output": True, "denoise": True,
                        "report": True, "native_grid": "off"},
}

CHILD = r"""
import json, os, sys
sys.path.insert(0, {tests!r})
from sample_figure import expose_package
expose_package()
import numpy, scipy, scipy.spatial, scipy.ndimage, sklearn.cluster, rasterio, pyproj, PIL.Image
from colormap_decoder.plugin.engine import decode_report, pipeline, writing

def status(key):
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024

job = json.loads(sys.argv[1])
if job.get("plot_area_extent") == "whole":
    # The whole figure as PLOT_AREA: no frame detection.
    import PIL.Image
    with PIL.Image.open(job["figure_path"]) as image:
        cols, rows = image.size
    job["plot_area_extent"] = (0, cols, -rows, 0)
want_report = job.get("report", False)
out = job.pop("out")
settings = pipeline.DecodeSettings(**job)
captured = {{}}
check = pipeline.check_memory
def spy(*arguments, **keywords):
    captured["estimate"] = check(*arguments, **keywords)
    return captured["estimate"]
pipeline.check_memory = spy
def run():
    result = pipeline.decode_map(settings)
    # As the Processing algorithm does (_write_outputs): the report alone reads the figure,
    # let go after it; the report's summary of the figure-frame values made first
    # (DecodeResult.summarise_for_report) before the first of the report and the values; the
    # report before the rasters on a native grid (DecodeResult.rasters_before_report), after
    # them otherwise, the values written before it (after it without a report); each raster
    # let go once written.
    def report():
        if want_report:
            decode_report.write_decode_report(out + "/report.html", result)
        result.let_go_of_figure()
    def values():
        bands = [result.values] + ([result.class_grid] if result.class_grid is not None else [])
        writing.write_geotiff(out + "/decoded.tif", bands, result.grid.geotransform,
                              result.grid.crs_wkt)
        del bands
        result.values = result.class_grid = None
    first = result.rasters_before_report()
    if not first:
        if want_report:
            result.summarise_for_report()
        report()
    if result.distance is not None:
        writing.write_geotiff(out + "/distance.tif", [result.distance], result.grid.geotransform,
                              result.grid.crs_wkt)
        result.distance = None
    if result.reconstruction_grid is not None:
        writing.write_geotiff(out + "/rebuilt.tif", [result.reconstruction_grid],
                              result.grid.geotransform, result.grid.crs_wkt)
        result.reconstruction_grid = None
    if first and want_report:
        result.summarise_for_report()
        values()
        report()
    elif first:
        report()
        values()
    else:
        values()
    return [result.grid.width, result.grid.height]

if {register_drivers}:
    # The "qgis" baseline: GDAL's drivers registered before the job, as QGIS (and
    # qgis_process) registers them at start, before any algorithm runs.
    with rasterio.Env():
        pass
baseline = status("VmRSS")
grid = run()
answer = {{"peak": status("VmHWM") - baseline, "estimate": captured["estimate"].total,
           "stages": {{k: v // 2**20 for k, v in captured["estimate"].stages.items()}},
           "grid": grid}}
if {runs} > 1:
    # The same job again in this process: its peak above what is resident when it starts.
    with open("/proc/self/clear_refs", "w") as handle:
        handle.write("5")
    again = status("VmRSS")
    run()
    answer["second"] = status("VmHWM") - again
    answer["left"] = again - baseline
print(json.dumps(answer))
"""


def render_figure(folder, size, jpeg_quality=None):
    """A size×size RGBA PNG of a field drawn in 16 px cells with viridis (or, with
    ``jpeg_quality``, an RGB JPEG of it: its cells are then read through the JPEG's blocks),
    and its GCP CSV."""
    import numpy as np
    from matplotlib import colormaps
    from PIL import Image

    cells = size // 16 + 1
    rng = np.random.default_rng(size)
    coarse = rng.random((cells, cells))
    field = np.kron(coarse, np.ones((16, 16)))[:size, :size]
    rgba = (colormaps["viridis"](field) * 255).round().astype(np.uint8)
    if jpeg_quality is None:
        figure = Path(folder) / f"cells_{size}.png"
        Image.fromarray(rgba, "RGBA").save(figure)
    else:
        figure = Path(folder) / f"cells_{size}.jpg"
        Image.fromarray(rgba[..., :3], "RGB").save(figure, quality=jpeg_quality)
    gcps = Path(folder) / f"cells_{size}.csv"
    gcps.write_text("pixel_x,pixel_y,map_x,map_y\n"
                    f"0,0,0,10\n{size},0,10,10\n0,{size},0,0\n{size},{size},10,0\n")
    return figure, gcps


#: What each baseline holds before the job starts (printed with the table).
BASELINES = {
    "interpreter": "the interpreter with the engine's modules and packages imported (numpy, "
                   "scipy, scikit-learn, rasterio, pyproj, Pillow)",
    "qgis": "that, and GDAL's drivers registered, as QGIS has them before any algorithm runs "
            "(8 MiB of GDAL's code read in; a bare interpreter reads it at the job's first "
            "GeoTIFF)",
}


def measure(figure, gcps, options, out, runs=1, baseline="interpreter"):
    job = dict(figure_path=str(figure), gcps_path=str(gcps), gcp_crs="EPSG:4326",
               colormap="viridis", vmin=0.0, vmax=1.0, out=str(out), **options)
    env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": os.environ.get("HOME", "/tmp"),
           "LANG": "C.UTF-8"}
    completed = subprocess.run(
        ["/usr/bin/python3", "-c", CHILD.format(tests=str(REPO_ROOT / "tests"), runs=runs,
                                        register_drivers=baseline == "qgis"),
         json.dumps(job)],
        capture_output=True, text=True, env=env, check=False)
    if completed.returncode != 0:
        raise RuntimeError(completed.stderr[-2000:])
    return json.loads(completed.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 2000, 3000],
                        help="figure side lengths in pixels")
    parser.add_argument("--options", nargs="+", default=list(OPTION_SETS),
                        choices=list(OPTION_SETS))
    parser.add_argument("--stages", action="store_true",
                        help="also print the estimate of each stage")
    parser.add_argument("--jpeg-quality", type=int, default=None,
                        help="the figure as a JPEG of this quality (1-95) instead of a PNG")
    parser.add_argument("--runs", type=int, choices=(1, 2), default=1,
                        help="2: also run the job a second time in the same process and print "
                             "its peak above the memory resident when it starts")
    parser.add_argument("--repeat", type=int, default=1,
                        help="run each job in this many fresh processes and print the median "
                             "peak (and the spread, MiB, in a last column): a 1 MP job's peak "
                             "differs by a few MiB from one process to the next")
    parser.add_argument("--baseline", choices=(*BASELINES, "both"), default="both",
                        help="what the job's peak is measured above (each its own fresh "
                             "process): 'interpreter' (" + BASELINES["interpreter"] + "), 'qgis' ("
                             + BASELINES["qgis"] + "), or both, one after the other (default)")
    arguments = parser.parse_args()
    for baseline in (BASELINES if arguments.baseline == "both" else [arguments.baseline]):
        print(f"\nBaseline '{baseline}': {BASELINES[baseline]}.")
        table(arguments, baseline)


def table(arguments, baseline):
    """Measure and print the table for one baseline."""
    peaks = {}
    with tempfile.TemporaryDirectory() as folder:
        second = f"{'2nd run MiB':>13}{'B/px':>8}{'left MiB':>10}" if arguments.runs > 1 else ""
        spread = f"{'spread MiB':>12}" if arguments.repeat > 1 else ""
        print(f"{'options':<18}{'figure':>10}{'grid':>12}{'peak MiB':>10}{'B/px':>8}"
              f"{'estimate MiB':>14}{'est/peak':>9}{second}{spread}")
        for size in arguments.sizes:
            figure, gcps = render_figure(folder, size, arguments.jpeg_quality)
            for name in arguments.options:
                out = Path(folder) / name
                out.mkdir(exist_ok=True)
                rows = sorted((measure(figure, gcps, OPTION_SETS[name], out, arguments.runs,
                                       baseline) for _ in range(arguments.repeat)),
                              key=lambda row: row["peak"])
                row = rows[len(rows) // 2]  # the median process (the upper one of an even count)
                spread = (f"{(rows[-1]['peak'] - rows[0]['peak']) / 2**20:>12.1f}"
                          if arguments.repeat > 1 else "")
                pixels = size * size
                second = (f"{row['second'] / 2**20:>13.0f}{row['second'] / pixels:>8.1f}"
                          f"{row['left'] / 2**20:>10.0f}" if "second" in row else "")
                print(f"{name:<18}{size}²{'':>3}{'×'.join(map(str, row['grid'])):>12}"
                      f"{row['peak'] / 2**20:>10.0f}{row['peak'] / pixels:>8.1f}"
                      f"{row['estimate'] / 2**20:>14.0f}{row['estimate'] / row['peak']:>9.2f}"
                      f"{second}{spread}", flush=True)
                if arguments.stages:
                    print(f"{'':<16}estimated stages (MiB, no margin): {row['stages']}")
                peaks.setdefault(name, []).append((pixels, row["peak"]))
        if len(arguments.sizes) > 1:
            # What each further figure pixel costs, and the part that does not grow with the
            # figure (imports the job makes, look-up tables, the report's pictures), from the
            # smallest and the largest figure.
            print(f"\n{'options':<18}{'B / further px':>16}{'fixed MiB':>11}")
            for name, measured in peaks.items():
                (small, small_peak), (large, large_peak) = min(measured), max(measured)
                slope = (large_peak - small_peak) / (large - small)
                print(f"{name:<18}{slope:>16.1f}{(large_peak - slope * large) / 2**20:>11.0f}")


if __name__ == "__main__":
    main()
