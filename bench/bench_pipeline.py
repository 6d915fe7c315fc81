"""Speed and peak memory of the engine against the seed pipeline (and ``unmap``), on real figures.

Run by hand, never from the tests:

    /usr/bin/python3 bench/bench_pipeline.py [--megapixels 12] [--quick]
                                             [--scaling [--scaling-100] [--scaling-only]]
                                             [--unmap-python /var/lib/colormap-decoder/peers/unmap-0.1.2/bin/python]
    /usr/bin/python3 bench/bench_pipeline.py --whole [--megapixels 12] [--repeats 3]
    /usr/bin/python3 bench/bench_pipeline.py --whole-scaling [1 4 12 25 50 100]

The whole run (``--whole``, ``--whole-scaling``)
    What a user waits for: ``qgis_process.bin run colormapdecoder:decodemap`` with default
    parameters on a contour-filled figure (matplotlib's Jacksboro fault DEM, ``contourf`` in 9
    discrete viridis classes, GCPs in EPSG:4326), against the seed script's whole process
    (``seed_pipeline.py IMAGE viridis 200 1100 --crop <plot area>``) on the same figure, each
    timed with its peak resident memory (``wait4``), and QGIS's own start
    (``qgis_process.bin help colormapdecoder:decodemap``). The per-stage table comes from the
    run's own log line ("Stage times: read ... s (peak ... MiB, resident ... MiB), ...",
    ``plugin/engine/stage_times.py``). ``--whole-scaling`` runs the whole job warped to UTM 16N
    (EPSG:32616, so GDAL's warper works) from 1 to 100 MP; at 12 MP also with every optional
    output, at 100 MP only with every optional output (the worst case). Bytes per figure pixel
    = (peak − QGIS's own peak) / figure pixels.

What it does
    Renders the 250 m Vinschgau DEM (``sample/terra_elev_vinschgau.tif``, UTM 32N) as a journal
    figure of the requested size (4:3, 12 MP = 4000 x 3000 px): matplotlib ``imshow`` with bilinear
    interpolation, viridis, black contours, colorbar, title and axis labels. A *blocky* variant
    draws the same DEM averaged over 4 x 4 cells with nearest interpolation, so nearly every
    pixel lies on a plateau (one per grid cell). A CSV GCP file (the axes' pixel corners -> UTM)
    is written for each figure. Everything goes to a temporary folder.

    Every measured stage runs in a fresh subprocess, so the peak resident memory (VmHWM of
    that child; see ``_peak_mib`` for why not the inherited ``ru_maxrss``) belongs to that stage
    alone, plus the interpreter, its imports and the input it needs. All stages see the same
    figure and the same crop: the axes box.

    seed           ``../shared/reference/seed_pipeline.py``'s ``run`` (load, decode, flat, dbscan)
    ours decode    ``read_figure`` + ``ColourDecoder.decode_image`` inside the axes box
    ours reduce    ``flat_mask`` + ``cluster_pixels`` + ``cluster_points`` on the decoded field
                   (read from an .npy the decode child saved)
    ours pipeline  ``pipeline.decode_map`` with the GCP file (decode, warp to UTM, reduce, check)
    unmap          ``unmap.unmap`` (PyPI ``unmap``) through ``--unmap-python``, if given

    Ratios: time = seed seconds / our seconds (> 1: we are faster); memory = our MiB / seed MiB
    (< 1: we use less).
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
DEM = os.path.join(REPO, "sample", "terra_elev_vinschgau.tif")
# The seed pipeline lives in shared/reference beside the checkout (or beside the folder of
# worktrees holding it).
SEED = os.environ.get("BENCH_SEED_PIPELINE") or next((path for path in (
    os.path.join(folder, "shared", "reference", "seed_pipeline.py")
                               for folder in (os.path.dirname(REPO),
                                              os.path.dirname(os.path.dirname(REPO))))
             if os.path.exists(path)),
            os.path.join(os.path.dirname(REPO), "shared", "reference", "seed_pipeline.py"))
CMAP, VMIN, VMAX = "viridis", 0.0, 4000.0
DPI = 100
BLOCK = 4  # the blocky variant averages the DEM over BLOCK x BLOCK cells


# -- rendering ----------------------------------------------------------------------------
def figure_size(megapixels):
    """Width, height (4:3) in multiples of 25 px, so size / DPI is exact and Agg keeps them."""
    height = (megapixels * 1e6 * 3 / 4) ** 0.5
    width = round(height * 4 / 3 / 25) * 25
    return int(width), int(round(height / 25) * 25)


def _save_with_corner_gcps(fig, axes, png, height, extent):
    """Save ``fig`` as ``png`` and write a GCP CSV at the axes' corners.

    Parameters
    ----------
    fig, axes : matplotlib figure and the axes that hold the map
    png : str
        Where the figure goes; the GCPs go to ``png + ".gcps.csv"``.
    height : int
        Figure height in pixels (matplotlib's y runs up, the image's rows down).
    extent : tuple (left, right, bottom, top)
        Map coordinates of the axes' edges.

    Returns
    -------
    box : list of int
        The axes' box in pixels (col0, row0, col1, row1).
    gcps : str
        The GCP file's path.
    """
    import matplotlib.pyplot as plt

    left, right, bottom, top = extent
    fig.canvas.draw()
    (x0, y0), (x1, y1) = axes.get_window_extent().get_points()
    fig.savefig(png, dpi=DPI)
    plt.close(fig)
    box = [int(round(x0)), int(round(height - y1)), int(round(x1)), int(round(height - y0))]
    gcps = png + ".gcps.csv"
    with open(gcps, "w", encoding="utf-8") as handle:
        handle.write("pixel_x,pixel_y,map_x,map_y\n")
        for px, mx in ((x0, left), (x1, right)):
            for py, my in ((height - y1, top), (height - y0, bottom)):
                handle.write(f"{px!r},{py!r},{mx!r},{my!r}\n")
    return box, gcps


def render(folder, megapixels, blocky):
    """Draw the DEM; return a description of the figure (path, axes box, GCP file...)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    import rasterio

    with rasterio.open(DEM) as dataset:
        elevation = dataset.read(1, masked=True).astype(float)
        left, bottom, right, top = dataset.bounds
    if blocky:
        rows, cols = (s // BLOCK * BLOCK for s in elevation.shape)
        elevation = elevation[:rows, :cols].reshape(rows // BLOCK, BLOCK, cols // BLOCK, BLOCK)
        elevation = elevation.mean(axis=(1, 3))
        right = left + cols * (right - left) / dataset.width
        bottom = top - rows * (top - bottom) / dataset.height
    width, height = figure_size(megapixels)
    scale = width / 4000  # fonts and lines grow with the figure, as a journal figure would
    # Axes on whole pixels: Agg snaps the image origin to the pixel grid.
    ax_left, ax_bottom = round(0.09 * width), round(0.08 * height)
    ax_width, ax_height = round(0.72 * width), round(0.84 * height)
    fig = plt.figure(figsize=(width / DPI, height / DPI), dpi=DPI)
    axes = fig.add_axes([ax_left / width, ax_bottom / height, ax_width / width, ax_height / height])
    colorbar_axes = fig.add_axes([(ax_left + ax_width + round(0.03 * width)) / width,
                                  ax_bottom / height, round(0.025 * width) / width,
                                  ax_height / height])
    image = axes.imshow(elevation, cmap=CMAP, vmin=VMIN, vmax=VMAX, aspect="auto",
                        extent=(left, right, bottom, top),
                        interpolation="nearest" if blocky else "bilinear")
    if not blocky:
        ny, nx = elevation.shape
        x = left + (np.arange(nx) + 0.5) * (right - left) / nx
        y = top - (np.arange(ny) + 0.5) * (top - bottom) / ny
        axes.contour(x, y, elevation, levels=[1000, 2000, 3000], colors="black",
                     linewidths=0.6 * scale)
    axes.set_title("Vinschgau, 250 m DEM" + (f" ({BLOCK}x{BLOCK} blocks)" if blocky else ""),
                   fontsize=12 * scale)
    axes.set_xlabel("Easting (m, UTM 32N)", fontsize=10 * scale)
    axes.set_ylabel("Northing (m)", fontsize=10 * scale)
    axes.tick_params(labelsize=8 * scale)
    colorbar = fig.colorbar(image, cax=colorbar_axes)
    colorbar.set_label("Elevation (m)", fontsize=10 * scale)
    colorbar_axes.tick_params(labelsize=8 * scale)
    name = f"vinschgau_{'blocky' if blocky else 'smooth'}_{width}x{height}.png"
    png = os.path.join(folder, name)
    # GCPs: the axes' pixel corners are the image extent's corners in UTM.
    box, gcps = _save_with_corner_gcps(fig, axes, png, height, (left, right, bottom, top))
    cells = int(np.ma.count(elevation))
    return dict(png=png, box=box, gcps=gcps, width=width, height=height, cells=cells,
                blocky=blocky, crs="EPSG:32632")


LEVELS = tuple(range(200, 1101, 100))  # contourf classes of the Jacksboro DEM (236..1076 m)


def render_contourf(folder, megapixels):
    """The whole-run figure: matplotlib's Jacksboro fault DEM (lon/lat) filled by ``contourf``.

    Discrete viridis over :data:`LEVELS` (9 classes), a colorbar, title and axis labels; the
    axes cover 0.72 x 0.84 of the figure (7.3 MP of a 12 MP figure). The GCP file holds the axes'
    pixel corners with their longitude/latitude (EPSG:4326).
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    sys.path.insert(0, os.path.join(REPO, "tests"))
    from figures_for_tests import jacksboro_dem

    elevation, (left, right, bottom, top) = jacksboro_dem()
    width, height = figure_size(megapixels)
    scale = width / 4000
    ax_left, ax_bottom = round(0.09 * width), round(0.08 * height)
    ax_width, ax_height = round(0.72 * width), round(0.84 * height)
    fig = plt.figure(figsize=(width / DPI, height / DPI), dpi=DPI)
    axes = fig.add_axes([ax_left / width, ax_bottom / height, ax_width / width, ax_height / height])
    colorbar_axes = fig.add_axes([(ax_left + ax_width + round(0.03 * width)) / width,
                                  ax_bottom / height, round(0.025 * width) / width,
                                  ax_height / height])
    x = np.linspace(left, right, elevation.shape[1])
    y = np.linspace(top, bottom, elevation.shape[0])
    filled = axes.contourf(x, y, elevation, levels=LEVELS, cmap=CMAP)
    axes.set_xlim(left, right)
    axes.set_ylim(bottom, top)
    axes.set_title("Jacksboro fault, 3\" DEM", fontsize=12 * scale)
    axes.set_xlabel("Longitude (°)", fontsize=10 * scale)
    axes.set_ylabel("Latitude (°)", fontsize=10 * scale)
    axes.tick_params(labelsize=8 * scale)
    colorbar = fig.colorbar(filled, cax=colorbar_axes)
    colorbar.set_label("Elevation (m)", fontsize=10 * scale)
    colorbar_axes.tick_params(labelsize=8 * scale)
    png = os.path.join(folder, f"jacksboro_contourf_{width}x{height}.png")
    box, gcps = _save_with_corner_gcps(fig, axes, png, height, (left, right, bottom, top))
    return dict(png=png, box=box, gcps=gcps, width=width, height=height, crs="EPSG:4326")


# -- the measured stages, each run in its own child process --------------------------------
def _peak_mib():
    """Peak resident memory of this process, MiB.

    ``/proc/self/status`` VmHWM is the high-water mark of this process's own address space.
    ``ru_maxrss`` (the fallback) is not: Linux carries it over from the parent at fork, so a
    child reports at least the RSS its parent had when it was started. That is why the parent
    of this script imports nothing heavy and renders the figures in children too.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux


def _engine():
    sys.path.insert(0, os.path.join(REPO, "tests"))
    from sample_figure import expose_package

    expose_package()
    from colormap_decoder.plugin.engine import pipeline, reduction
    from colormap_decoder.plugin.engine.colour_decoding import ColourDecoder, ValueMapping
    from colormap_decoder.plugin.engine.colour_scales import resolve_colour_scale
    from colormap_decoder.plugin.engine.figure import read_figure
    return dict(pipeline=pipeline, reduction=reduction, ColourDecoder=ColourDecoder,
                ValueMapping=ValueMapping, resolve_colour_scale=resolve_colour_scale,
                read_figure=read_figure)


def child_seed(spec):
    sys.path.insert(0, os.path.dirname(SEED))
    from seed_pipeline import run

    col0, row0, col1, row1 = spec["box"]
    start = time.perf_counter()
    data, points, stages = run(spec["png"], CMAP, VMIN, VMAX, crop=(col0, row0, col1, row1),
                               eps=1.5)
    total = time.perf_counter() - start
    return dict(stages=stages, total=total, points=len(points),
                reconstruction_rmse=_seed_reconstruction_rmse(data, points))


def _seed_reconstruction_rmse(data, points):
    """The seed's points judged by the engine's own reconstruction check, outside the timing."""
    import numpy as np

    e = _engine()
    values = np.ma.filled(data.astype(float), np.nan)
    clusters = e["reduction"].ClusterPoints(points[:, 0] + 0.5, points[:, 1] + 0.5, points[:, 2],
                                            np.zeros(len(points)), np.ones(len(points), int),
                                            np.zeros(len(points), bool))
    check = e["reduction"].reconstruction_check(values, clusters, (VMAX - VMIN) / 256)
    return None if check is None else check.rmse


def child_decode(spec):
    import numpy as np

    e = _engine()
    start = time.perf_counter()
    figure = e["read_figure"](spec["png"])
    load = time.perf_counter() - start
    col0, row0, col1, row1 = spec["box"]
    examine = figure.opaque.copy()
    examine[:row0] = examine[row1:] = False
    examine[:, :col0] = examine[:, col1:] = False
    # Like the seed, which imports matplotlib before its timer starts; building the colour
    # scale and the decoder stays inside the timing, as the seed's colormap sampling and k-d tree.
    import matplotlib.cm  # noqa: F401
    start = time.perf_counter()
    decoder = e["ColourDecoder"](e["resolve_colour_scale"](CMAP), e["ValueMapping"](VMIN, VMAX))
    # Values and the nodata mask, as the seed's decode gives; the per-pixel distance raster is an
    # extra output the pipeline computes only when OUTPUT_DISTANCE is asked for.
    field = decoder.decode_image(figure.rgb, examine=examine, max_distance=12.0,
                                 with_distance=False)
    decode = time.perf_counter() - start
    if spec.get("save"):
        np.save(spec["save"], field.values[row0:row1, col0:col1])
    return dict(load=load, decode=decode, resolution=decoder.value_resolution,
                matched=int(np.isfinite(field.values).sum()))


def child_reduce(spec):
    import numpy as np

    e = _engine()
    values = np.load(spec["values"])
    reduction = e["reduction"]
    start = time.perf_counter()
    tolerance = 0.5 * spec["resolution"]
    flat = reduction.flat_mask(values, tolerance)
    t_flat = time.perf_counter() - start
    labels, count = reduction.cluster_pixels(flat, 1.5, 1)
    t_cluster = time.perf_counter() - start - t_flat
    points = reduction.cluster_points(values, labels, count)
    total = time.perf_counter() - start
    check = reduction.reconstruction_check(values, points, spec["resolution"])
    return dict(flat=t_flat, cluster=t_cluster, points_time=total - t_flat - t_cluster,
                total=total, flat_pixels=int(flat.sum()), points=len(points),
                data_pixels=int(np.isfinite(values).sum()),
                reconstruction_rmse=None if check is None else check.rmse)


def child_pipeline(spec):
    e = _engine()
    pipeline = e["pipeline"]
    col0, row0, col1, row1 = spec["box"]
    settings = pipeline.DecodeSettings(
        figure_path=spec["png"], colormap=CMAP, vmin=VMIN, vmax=VMAX,
        plot_area_extent=(col0, col1, -row1, -row0), gcps_path=spec["gcps"],
        gcp_crs=spec["crs"], target_crs=spec["crs"])
    start = time.perf_counter()
    result = pipeline.decode_map(settings)
    total = time.perf_counter() - start
    return dict(total=total, points=len(result.points.clusters),
                grid=[result.grid.width, result.grid.height])


def child_unmap(spec):
    import numpy as np
    import unmap
    from PIL import Image

    start = time.perf_counter()
    image = np.asarray(Image.open(spec["png"]).convert("RGB"))
    load = time.perf_counter() - start
    col0, row0, col1, row1 = spec["box"]
    start = time.perf_counter()
    # Same crop as the others; unmap matches every pixel with a k-d tree over the colormap.
    # unmap compares colours in 0..1 RGB (its threshold is in those units).
    values = unmap.unmap(image[row0:row1, col0:col1] / 255.0, cmap=CMAP, vrange=(VMIN, VMAX),
                         threshold=0.1)
    decode = time.perf_counter() - start
    return dict(load=load, decode=decode, matched=int(np.isfinite(values).sum()),
                version=getattr(unmap, "__version__", "?"))


def child_render(spec):
    return render(spec["folder"], spec["megapixels"], spec["blocky"])


def child_render_contourf(spec):
    return render_contourf(spec["folder"], spec["megapixels"])


CHILDREN = dict(render=child_render, render_contourf=child_render_contourf, seed=child_seed, decode=child_decode,
                reduce=child_reduce,
                pipeline=child_pipeline, unmap=child_unmap)


def run_child(kind, spec, python=sys.executable, timeout=3600):
    """Run one stage in a fresh interpreter; return its result with its peak MiB."""
    command = [python, os.path.abspath(__file__), "--child", kind, json.dumps(spec)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                          env=dict(os.environ, PYTHONWARNINGS="ignore", MPLBACKEND="Agg"))
    if done.returncode != 0:
        sys.stderr.write(done.stderr[-3000:])
        raise RuntimeError(f"stage {kind} failed (exit {done.returncode})")
    return json.loads(done.stdout.strip().splitlines()[-1])


# -- whole processes: the seed script and qgis_process.bin ------------------------------------
QGIS_PROCESS = "/usr/bin/qgis_process.bin"


def run_process(command, env=None, timeout=3600):
    """Run a whole process; return (seconds, peak resident MiB, stdout).

    The peak is the child's ``ru_maxrss`` from ``wait4``: the high-water mark of the process
    (after ``exec``, at least the RSS this parent had at the fork; it holds no heavy imports,
    a few tens of MiB, far below any peak measured here).
    """
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               env=env, text=True)
    # Read while it runs (a full pipe would block it); then reap it for its rusage.
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        sys.stderr.write(output[-4000:])
        raise RuntimeError(f"{command[:3]} failed (exit {process.returncode})")
    return seconds, usage.ru_maxrss / 1024.0, output


def qgis_environment(folder):
    """A clean environment whose QGIS finds this checkout as the plugin ``colormap_decoder``."""
    plugins = os.path.join(folder, "plugins")
    os.makedirs(plugins, exist_ok=True)
    link = os.path.join(plugins, "colormap_decoder")
    if not os.path.islink(link):
        os.symlink(REPO, link, target_is_directory=True)
    home = os.path.join(folder, "home")
    os.makedirs(home, exist_ok=True)
    env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": home, "LANG": "C.UTF-8",
           "QT_QPA_PLATFORM": "offscreen", "QGIS_PLUGINPATH": plugins}
    subprocess.run([QGIS_PROCESS, "plugins", "enable", "colormap_decoder"], env=env,
                   capture_output=True, timeout=300)
    return env


def decodemap_arguments(info, folder, target_crs=None, optional_outputs=False):
    """qgis_process arguments for the contourf figure: default parameters, GCPs in EPSG:4326."""
    col0, row0, col1, row1 = info["box"]
    stem = os.path.join(folder, os.path.basename(info["png"])[:-4])
    arguments = [f"INPUT={info['png']}", f"COLORMAP={CMAP}",
                 "LEVELS=" + ",".join(str(v) for v in LEVELS),
                 f"PLOT_AREA={col0},{col1},{-row1},{-row0}", f"GCPS={info['gcps']}",
                 f"GCP_CRS={info['crs']}", f"OUTPUT={stem}_decoded.tif",
                 f"OUTPUT_POINTS={stem}_points.gpkg"]
    if target_crs:
        arguments.append(f"TARGET_CRS={target_crs}")
    if optional_outputs:
        arguments += [f"OUTPUT_DISTANCE={stem}_distance.tif",
                      f"OUTPUT_RECONSTRUCTION={stem}_reconstruction.tif",
                      f"OUTPUT_REPORT={stem}_report.html"]
    return arguments


def run_decodemap(env, arguments):
    """One ``qgis_process.bin run colormapdecoder:decodemap``: seconds, peak MiB, stage times."""
    import re

    seconds, peak, output = run_process(
        [QGIS_PROCESS, "run", "colormapdecoder:decodemap", "--"] + arguments, env=env)
    stages = {}
    line = next((text for text in output.splitlines() if "Stage times:" in text), "")
    pattern = r"([a-z ]+?) ([0-9.]+) s(?: \(peak ([0-9]+) MiB, resident ([0-9]+) MiB\))?"
    for name, value, stage_peak, resident in re.findall(pattern,
                                                        line.split("Stage times:", 1)[-1]):
        stages[name.strip(" ,")] = (float(value), float(stage_peak) if stage_peak else None,
                                    float(resident) if resident else None)
    points = re.search(r"Wrote (\d+)×(\d+) raster and ([0-9,]+) points", output)
    return dict(seconds=seconds, peak_mib=peak, stages=stages,
                grid=points.group(1) + "×" + points.group(2) if points else "?",
                points=points.group(3) if points else "?")


def qgis_start(env):
    """QGIS's own start-up with the plugin loaded: ``qgis_process.bin help`` of our algorithm."""
    seconds, peak, _ = run_process([QGIS_PROCESS, "help", "colormapdecoder:decodemap"], env=env)
    return seconds, peak


STAGE_ORDER = ("engine imports", "parameters", "prepare", "read", "detect layout", "read labels",
               "colour scale", "decode", "native grid", "reduce", "warp", "locate points",
               "write raster", "write points", "style outputs")


def whole_run(folder, megapixels, repeats=1, skip_seed=False):
    """The seed script's whole process against ``qgis_process`` on the contourf figure."""
    info = run_child("render_contourf", dict(folder=folder, megapixels=megapixels))
    box = info["box"]
    plot_px = (box[2] - box[0]) * (box[3] - box[1])
    print(f"\n### Whole run: contourf discrete viridis, Jacksboro DEM, {info['width']}x"
          f"{info['height']} px ({info['width'] * info['height'] / 1e6:.1f} MP), plot area "
          f"{plot_px / 1e6:.1f} MP, GCPs in EPSG:4326, default parameters\n", flush=True)
    env = qgis_environment(folder)
    start_seconds, start_peak = min(qgis_start(env) for _ in range(repeats))
    seed_command = [sys.executable, SEED, info["png"], CMAP, str(LEVELS[0]), str(LEVELS[-1]),
                    "--crop"] + [str(v) for v in box]
    if skip_seed:
        seed_seconds, seed_peak, seed_output = float("nan"), float("nan"), "skipped\n"
    else:
        seed_seconds, seed_peak, seed_output = run_process(seed_command)
    runs = [run_decodemap(env, decodemap_arguments(info, folder)) for _ in range(repeats)]
    ours = min(runs, key=lambda run: run["seconds"])
    lines = ["| process | seconds | peak MiB | speed-up vs seed | memory: seed / ours | notes |",
             "|---|---:|---:|---:|---:|---|",
             f"| seed_pipeline.py (whole process) | {seed_seconds:.2f} | {seed_peak:.0f} | | | "
             f"{seed_output.strip().splitlines()[-1]} |",
             f"| qgis_process.bin run colormapdecoder:decodemap | {ours['seconds']:.2f} | "
             f"{ours['peak_mib']:.0f} | {seed_seconds / ours['seconds']:.1f}x | "
             f"{seed_peak / ours['peak_mib']:.1f}x | output {ours['grid']}, {ours['points']} points"
             f"{'' if repeats == 1 else f'; best of {repeats}'} |",
             f"| qgis_process.bin help (QGIS start + plugin) | {start_seconds:.2f} | "
             f"{start_peak:.0f} | | | |"]
    print("\n".join(lines))
    print("\nPer stage, inside that qgis_process run (peak = the process's high-water mark at the "
          "end of the stage; resident = its memory then):\n")
    table = ["| stage | seconds | peak MiB so far | resident MiB after |", "|---|---:|---:|---:|",
             f"| QGIS start (qgis_process help) | {start_seconds:.2f} | {start_peak:.0f} | |"]
    for name in STAGE_ORDER + tuple(n for n in ours["stages"] if n not in STAGE_ORDER):
        if name in ours["stages"]:
            seconds, peak, resident = ours["stages"][name]
            table.append(f"| {name} | {seconds:.2f} | {'' if peak is None else f'{peak:.0f}'} | "
                         f"{'' if resident is None else f'{resident:.0f}'} |")
    # What no stage holds: QGIS parsing the command line and loading INPUT as a layer for its
    # own checks, Processing's framework around processAlgorithm, the results printed, the exit;
    # and the difference between this run's start-up and the separately timed `help`.
    staged = start_seconds + sum(seconds for seconds, _, _ in ours["stages"].values())
    table.append(f"| Processing framework / other | {ours['seconds'] - staged:.2f} | | |")
    table.append(f"| whole run | {ours['seconds']:.2f} | {ours['peak_mib']:.0f} | |")
    print("\n".join(table), flush=True)
    return info, start_peak


def whole_scaling(folder, sizes, target_crs="EPSG:32616", optional_at=()):
    """The whole qgis_process job (warped to ``target_crs``) from 1 to 100 MP."""
    env = qgis_environment(folder)
    _, baseline = qgis_start(env)
    print(f"\n### Scaling: the whole qgis_process run, contourf figure warped to {target_crs}\n")
    print(f"QGIS baseline (qgis_process help): {baseline:.0f} MiB. Bytes per pixel = (peak − "
          "baseline) / figure pixels.\n")
    print("| MP (figure) | plot-area MP | outputs | seconds | peak MiB | bytes / figure px | "
          "slowest stages |")
    print("|---:|---:|---|---:|---:|---:|---|", flush=True)
    for megapixels in sizes:
        info = run_child("render_contourf", dict(folder=folder, megapixels=megapixels))
        box = info["box"]
        pixels = info["width"] * info["height"]
        variants = [True] if megapixels >= 100 else [False] + ([True] if megapixels in optional_at else [])
        for optional in variants:
            run = run_decodemap(env, decodemap_arguments(info, folder, target_crs, optional))
            slowest = sorted(run["stages"].items(), key=lambda item: -item[1][0])[:3]
            print(f"| {pixels / 1e6:.1f} ({info['width']}x{info['height']}) | "
                  f"{(box[2] - box[0]) * (box[3] - box[1]) / 1e6:.1f} | "
                  f"{'all (+distance, reconstruction, report)' if optional else 'raster + points'} | "
                  f"{run['seconds']:.2f} | {run['peak_mib']:.0f} | "
                  f"{(run['peak_mib'] - baseline) * 2 ** 20 / pixels:.1f} | "
                  + ", ".join(f"{name} {value[0]:.2f} s" for name, value in slowest) + " |",
                  flush=True)
        for leftover in os.listdir(folder):
            if leftover.startswith(os.path.basename(info["png"])[:-4]):
                os.remove(os.path.join(folder, leftover))


# -- tables ------------------------------------------------------------------------------
def _row(stage, seconds, mib, seed_seconds=None, seed_mib=None, note=""):
    speed = f"{seed_seconds / seconds:6.1f}x" if seed_seconds and seconds else "      "
    memory = f"{mib / seed_mib:5.2f}" if seed_mib and mib else "     "
    return f"| {stage:<36} | {seconds:8.2f} | {mib:8.0f} | {speed} | {memory} | {note} |"


def compare(folder, megapixels, blocky, unmap_python):
    info = run_child("render", dict(folder=folder, megapixels=megapixels, blocky=blocky))
    box = info["box"]
    plot_px = (box[2] - box[0]) * (box[3] - box[1])
    label = "blocky (nearest, 4x4-cell blocks)" if blocky else "smooth (bilinear + contours)"
    print(f"\n### {label}: {info['width']}x{info['height']} px "
          f"({info['width'] * info['height'] / 1e6:.1f} MP), axes box {box} "
          f"({plot_px / 1e6:.1f} MP), {info['cells']} grid cells\n", flush=True)
    spec = dict(info, save=os.path.join(folder, "values.npy"))
    seed = run_child("seed", spec)
    decode = run_child("decode", spec)
    reduce_ = run_child("reduce", dict(values=spec["save"], resolution=decode["resolution"]))
    whole = run_child("pipeline", spec)
    s = seed["stages"]
    seed_reduce = s["flat"] + s["dbscan"]
    lines = ["| stage | seconds | peak MiB | speed-up vs seed | memory vs seed | notes |",
             "|---|---:|---:|---:|---:|---|"]
    lines = [lines[0].replace("stage", f"{'stage':<36}"), lines[1]]
    lines.append(_row("seed: load (PIL)", s["load"], seed["peak_mib"]))
    lines.append(_row("seed: decode (cKDTree RGB)", s["decode"], seed["peak_mib"]))
    lines.append(_row("seed: flat + DBSCAN + snap", seed_reduce, seed["peak_mib"],
                      note=f"{seed['points']:,} points"))
    lines.append(_row("seed: total", seed["total"], seed["peak_mib"]))
    lines.append(_row("ours: decode (read_figure excluded)", decode["decode"], decode["peak_mib"],
                      s["decode"], seed["peak_mib"],
                      note=f"read_figure {decode['load']:.2f} s; {decode['matched']:,} px matched"))
    lines.append(_row("ours: reduce (flat+cluster+points)", reduce_["total"], reduce_["peak_mib"],
                      seed_reduce, seed["peak_mib"],
                      note=(f"flat {reduce_['flat']:.2f} / cluster {reduce_['cluster']:.2f} / "
                            f"points {reduce_['points_time']:.2f} s; "
                            f"{reduce_['flat_pixels']:,} flat px -> {reduce_['points']:,} points")))
    lines.append(_row("ours: decode_map (whole job, GCPs)", whole["total"], whole["peak_mib"],
                      seed["total"], seed["peak_mib"],
                      note=f"warped grid {whole['grid'][0]}x{whole['grid'][1]}, "
                           f"{whole['points']:,} points"))
    if unmap_python:
        um = run_child("unmap", spec, python=unmap_python)
        lines.append(_row(f"unmap {um['version']}: unmap() decode", um["decode"], um["peak_mib"],
                          s["decode"], seed["peak_mib"],
                          note=f"load {um['load']:.2f} s; no reduction; "
                               f"{um['matched']:,} px matched"))
    else:
        lines.append("| unmap | – | – | – | – | skipped: give --unmap-python (see README) |")
    print("\n".join(lines))
    if seed.get("reconstruction_rmse") is not None and reduce_.get("reconstruction_rmse") is not None:
        print(f"\nReconstruction from the points (linear over their triangulation, same check "
              f"for both): seed {seed['points']:,} points, RMSE {seed['reconstruction_rmse']:.1f} m; "
              f"ours {reduce_['points']:,} points, RMSE {reduce_['reconstruction_rmse']:.1f} m; "
              f"{reduce_['data_pixels'] / max(reduce_['points'], 1):,.0f} decoded pixels per point",
              flush=True)
    if blocky:
        print(f"\nReduction ratio (blocky): {reduce_['data_pixels']:,} decoded pixels -> "
              f"{reduce_['points']:,} points = {reduce_['data_pixels'] / max(reduce_['points'], 1):,.0f}"
              f" pixels per point ({info['cells']:,} grid cells drawn; seed: "
              f"{seed['points']:,} points)", flush=True)
    return lines


def scaling(folder, sizes):
    print("\n### Scaling: our decode + reduction (smooth figure, axes box)\n")
    print("| MP (figure) | plot-area MP | decode s | decode MiB | reduce s | reduce MiB | "
          "flat px | points |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|", flush=True)
    for megapixels in sizes:
        info = run_child("render", dict(folder=folder, megapixels=megapixels, blocky=False))
        box = info["box"]
        spec = dict(info, save=os.path.join(folder, "values.npy"))
        decode = run_child("decode", spec)
        reduce_ = run_child("reduce", dict(values=spec["save"], resolution=decode["resolution"]))
        print(f"| {info['width'] * info['height'] / 1e6:.1f} ({info['width']}x{info['height']}) | "
              f"{(box[2] - box[0]) * (box[3] - box[1]) / 1e6:.1f} | {decode['decode']:.2f} | "
              f"{decode['peak_mib']:.0f} | {reduce_['total']:.2f} | {reduce_['peak_mib']:.0f} | "
              f"{reduce_['flat_pixels']:,} | {reduce_['points']:,} |", flush=True)
        os.remove(info["png"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--megapixels", type=float, default=12.0)
    parser.add_argument("--quick", action="store_true", help="1 MP figures, no scaling")
    parser.add_argument("--scaling", action="store_true",
                        help="also time decode + reduction at 1, 4, 12, 25, 50 MP")
    parser.add_argument("--scaling-100", action="store_true", help="add 100 MP to --scaling")
    parser.add_argument("--scaling-only", action="store_true",
                        help="with --scaling: skip the seed/unmap comparison")
    parser.add_argument("--unmap-python", help="python of a venv where `unmap` is installed")
    parser.add_argument("--whole", action="store_true",
                        help="the whole-run comparison only: seed script vs qgis_process on the "
                             "contourf figure, with the per-stage table")
    parser.add_argument("--whole-scaling", nargs="*", type=float, metavar="MP",
                        help="the whole qgis_process run (warped to UTM 16N) at these sizes "
                             "(default 1 4 12 25 50 100; 100 MP with every optional output)")
    parser.add_argument("--skip-seed", action="store_true",
                        help="--whole without the seed script (while iterating; ratios are nan)")
    parser.add_argument("--repeats", type=int, default=1,
                        help="--whole: run qgis_process this many times, keep the fastest")
    parser.add_argument("--seed", help="path of seed_pipeline.py (default: found in "
                                       "shared/reference beside the checkout)")
    parser.add_argument("--keep", help="write the figures here instead of a temporary folder")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, spec = args.child
        result = CHILDREN[kind](json.loads(spec))
        result["peak_mib"] = _peak_mib()
        result["ru_maxrss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
        print(json.dumps(result))
        return
    megapixels = 1.0 if args.quick else args.megapixels
    if args.seed:
        global SEED
        SEED = os.environ["BENCH_SEED_PIPELINE"] = os.path.abspath(args.seed)  # children too
    with tempfile.TemporaryDirectory(prefix="bench_pipeline_") as temporary:
        folder = args.keep or temporary
        os.makedirs(folder, exist_ok=True)
        print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, figures in {folder}, "
              f"load average {os.getloadavg()[0]:.1f} at the start")
        if args.whole or args.whole_scaling is not None:
            if args.whole:
                whole_run(folder, megapixels, args.repeats, args.skip_seed)
            if args.whole_scaling is not None:
                whole_scaling(folder, args.whole_scaling or [1, 4, 12, 25, 50, 100],
                              optional_at=(12,))
            print(f"\nload average {os.getloadavg()[0]:.1f} at the end")
            return
        if not (args.scaling and args.scaling_only):
            for blocky in (False, True):
                compare(folder, megapixels, blocky, args.unmap_python)
        if args.scaling and not args.quick:
            sizes = [1, 4, 12, 25, 50] + ([100] if args.scaling_100 else [])
            scaling(folder, sizes)


if __name__ == "__main__":
    main()
