"""Speed and memory of native grid recovery and of the grid DBSCAN, on real figures.

Run by hand, never from the tests:

    /usr/bin/python3 bench/bench_native.py [--lattice 1 12] [--jpeg-lattice 1 12]
                                           [--jpeg-cells] [--dbscan 12 100]
                                           [--sklearn 1 12] [--eps 2.5] [--min-samples 5]

What it does
    Figures are those of ``bench_pipeline.py`` (the 250 m Vinschgau DEM, UTM 32N, drawn by
    matplotlib at 4:3 with colorbar, title and labels), rendered in a child process:

    lattice   the *blocky* figure (the DEM averaged over 4 × 4 cells, ``imshow`` nearest: a grid
              drawn cell by cell). The child reads and decodes it (not timed), then times
              ``native_grid.find_lattice`` and ``native_grid.read_cells`` (every cell's median,
              spread and pixel count). Memory: the tracemalloc peak of each call (numpy's
              allocations are traced), i.e. what the stage itself adds.
    jpeg lattice  the same blocky figure saved by Pillow as a JPEG of quality 75 (4:2:0): the
              search of a noisy figure (the halo around lines and labels left out, the
              half-shifted comparison deciding), timed and traced as above.
    jpeg cells    GMT's ``grdimage`` of the 1° age of the ocean floor over the whole globe,
              cells of exactly 4 px (360 × 180, 64,800 cells), coastlines over them, rasterised
              to JPEG by Ghostscript at 100 dpi (1700 × 1000 px, 1.7 MP; the figure of
              ``test_gmt_grdimage_of_the_whole_1_degree_grid_at_4_px``), decoded whole by
              ``pipeline.decode_map`` with its turbo CPT: the whole decode, and within it
              ``find_lattice`` and ``jpeg_cells.cell_values`` (every cell's colour by least
              squares over the JPEG's blocks, then its value), timed where the pipeline calls
              them; a digest of the cell values, to check that a faster version gives the same
              ones.
    dbscan    the *blocky* figure (``--figure smooth``: the bilinear one with black contours):
              its flat mask (tolerance half a colour step; most of the blocky figure's pixels,
              a few percent of the smooth one's) is made in one child and saved (the figure
              is then deleted); another child loads it and times
              ``grid_dbscan.grid_dbscan(mask, eps, min_samples)``. Memory: the child's VmHWM
              minus its resident size just before the call (mask loaded, imports done), per
              figure pixel and per flat pixel.
    sklearn   scikit-learn's ``DBSCAN(eps, min_samples).fit`` on the same flat pixels' (col, row)
              coordinates, in a child whose address space is capped at 6 GiB: where it does not
              fit, the row says so.

    Every measured stage runs in a fresh subprocess. Run the 100 MP figure alone on a shared
    machine: rendering and decoding it takes a few GB.
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
sys.path.insert(0, HERE)
import bench_pipeline  # noqa: E402  (imports nothing heavy at module level)

SKLEARN_ADDRESS_SPACE = 6 * 1024 ** 3


def _status_mib(field):
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def _engine():
    sys.path.insert(0, os.path.join(REPO, "tests"))
    from sample_figure import expose_package

    expose_package()


def _decode(png, box):
    """Read and decode a bench figure inside its axes box (viridis, 0..4000 m)."""
    import numpy as np

    _engine()
    from colormap_decoder.plugin.engine.colour_decoding import ColourDecoder, ValueMapping
    from colormap_decoder.plugin.engine.colour_scales import resolve_colour_scale
    from colormap_decoder.plugin.engine.figure import read_figure
    from colormap_decoder.plugin.engine.regions import box_mask

    figure = read_figure(png)
    decoder = ColourDecoder(resolve_colour_scale(bench_pipeline.CMAP),
                            ValueMapping(bench_pipeline.VMIN, bench_pipeline.VMAX))
    values = decoder.decode_image(figure.rgb, box_mask(figure.rgb.shape[:2], tuple(box)),
                                  12.0).values
    return figure, decoder, values, np


# -- children -----------------------------------------------------------------------------
def child_render(spec):
    return bench_pipeline.render(spec["folder"], spec["megapixels"], spec["blocky"])


def child_lattice(spec):
    import tracemalloc

    figure, decoder, values, np = _decode(spec["png"], spec["box"])
    from colormap_decoder.plugin.engine.native_grid import find_lattice, read_cells

    data = np.isfinite(values)
    box = tuple(spec["box"])
    tracemalloc.start()
    start = time.perf_counter()
    search = find_lattice(figure.rgb, data, box, extent_box=box,
                          noisy=True if figure.image_format == "JPEG" else None)
    find_seconds = time.perf_counter() - start
    find_peak = tracemalloc.get_traced_memory()[1] / 2 ** 20
    tracemalloc.reset_peak()
    result = dict(width=figure.rgb.shape[1], height=figure.rgb.shape[0],
                  found=search.message, find_seconds=find_seconds, find_peak_mib=find_peak)
    if search.lattice is not None:
        start = time.perf_counter()
        cells = read_cells(values, search.lattice, box)
        result.update(read_seconds=time.perf_counter() - start,
                      read_peak_mib=tracemalloc.get_traced_memory()[1] / 2 ** 20,
                      cells=int(np.isfinite(cells.value).sum()))
    tracemalloc.stop()
    return result


def child_jpeg(spec):
    """The blocky PNG saved by Pillow as a JPEG (quality ``spec['quality']``, 4:2:0)."""
    from PIL import Image

    jpeg = spec["png"].rsplit(".", 1)[0] + f"_q{spec['quality']}.jpg"
    with Image.open(spec["png"]) as image:
        image.convert("RGB").save(jpeg, quality=spec["quality"], subsampling=2)
    return dict(jpeg=jpeg)


def child_gmt_globe(spec):
    """GMT's 1° age grid over the globe at 4 px a cell, as a Ghostscript JPEG (see the module
    docstring); the figure, its CPT, its plot area and a GCP file of the axes' corners."""
    sys.path.insert(0, os.path.join(REPO, "tests"))
    from figures_for_detection import run_gmt

    folder = spec["folder"]
    age = os.path.join(REPO, "tests", "data", "gmtserver_age.3.20.nc")
    width, height = 14.4, 7.2
    run_gmt(folder,
            f"gmt grdsample {age} -I1 -r -Gage1.nc",
            "gmt makecpt -Cturbo -T0/200 > turbo.cpt",
            "gmt set PS_MEDIA 17ix10i",
            f"gmt grdimage age1.nc -R-180/180/-90/90 -JX{width}i/{height}i -Cturbo.cpt "
            "-X1i -Y1.5i -P -Bafg -BWSne -K > fig.ps",
            "gmt pscoast -R -J -Dl -W0.6p,black -O -K >> fig.ps",
            f"gmt psscale -Cturbo.cpt -Dx{width + 0.3}i/0i+w{height}i/0.3i -Bxaf -O >> fig.ps",
            "gmt psconvert fig.ps -Tj -E100")
    top = 1000 - 150 - round(height * 100)
    box = (100, top, 100 + round(width * 100), top + round(height * 100))
    # Nine GCPs inside the axes (corners at ±180° would sit on the antimeridian).
    gcps = os.path.join(folder, "globe_gcps.csv")
    lines = ["pixel_x,pixel_y,map_x,map_y"]
    for fx in (0.1, 0.5, 0.9):
        for fy in (0.1, 0.5, 0.9):
            lines.append(f"{box[0] + fx * (box[2] - box[0])},{box[1] + fy * (box[3] - box[1])},"
                         f"{-180 + 360 * fx},{90 - 180 * fy}")
    with open(gcps, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    return dict(jpeg=os.path.join(folder, "fig.jpg"), cpt=os.path.join(folder, "turbo.cpt"),
                box=box, gcps=gcps)


def child_jpeg_cells(spec):
    """Decode the GMT globe, timing the lattice search and the JPEG cells where the pipeline
    calls them."""
    import hashlib

    import numpy as np

    _engine()
    from colormap_decoder.plugin.engine import pipeline

    timed = {}

    def timer(name, function):
        def wrapped(*args, **kwargs):
            start = time.perf_counter()
            result = function(*args, **kwargs)
            timed[name] = time.perf_counter() - start
            timed[name + "_result"] = result
            return result
        return wrapped

    pipeline.find_lattice = timer("find_lattice", pipeline.find_lattice)
    pipeline.jpeg_cell_values = timer("cell_values", pipeline.jpeg_cell_values)
    col0, row0, col1, row1 = spec["box"]
    settings = pipeline.DecodeSettings(figure_path=spec["jpeg"], colormap=spec["cpt"],
                                       plot_area_extent=(col0, col1, -row1, -row0),
                                       gcps_path=spec["gcps"], gcp_crs="EPSG:4326")
    start = time.perf_counter()
    result = pipeline.decode_map(settings)
    whole = time.perf_counter() - start
    lattice = timed["find_lattice_result"].lattice
    values = np.asarray(timed["cell_values_result"][0], np.float64)
    return dict(seconds=whole, find_seconds=timed["find_lattice"],
                cells_seconds=timed["cell_values"],
                lattice=f"{lattice.cell_width:g} × {lattice.cell_height:g} px, "
                        f"{lattice.columns} × {lattice.rows} cells",
                cells=int(np.isfinite(values).sum()),
                digest=hashlib.sha256(np.nan_to_num(values, nan=-1e300).tobytes()).hexdigest()[:16],
                points=len(result.points.clusters))


def child_flat_mask(spec):
    figure, decoder, values, np = _decode(spec["png"], spec["box"])
    from colormap_decoder.plugin.engine.reduction import flat_mask

    mask = flat_mask(values, 0.5 * decoder.value_resolution)
    np.save(spec["mask"], mask)
    return dict(pixels=int(mask.size), flat=int(mask.sum()))


def child_grid_dbscan(spec):
    import numpy as np

    _engine()
    from colormap_decoder.plugin.engine.grid_dbscan import grid_dbscan

    mask = np.load(spec["mask"])
    before = _status_mib("VmRSS")
    start = time.perf_counter()
    labels, count = grid_dbscan(mask, spec["eps"], spec["min_samples"])
    seconds = time.perf_counter() - start
    added = _status_mib("VmHWM") - before
    flat = int(mask.sum())
    return dict(seconds=seconds, clusters=count, noise=int((mask & (labels == 0)).sum()),
                added_mib=added, bytes_per_pixel=added * 2 ** 20 / mask.size,
                bytes_per_flat_pixel=added * 2 ** 20 / max(flat, 1))


def child_sklearn(spec):
    import numpy as np

    resource.setrlimit(resource.RLIMIT_AS, (SKLEARN_ADDRESS_SPACE, SKLEARN_ADDRESS_SPACE))
    from sklearn.cluster import DBSCAN

    mask = np.load(spec["mask"])
    rows, cols = np.nonzero(mask)
    coords = np.column_stack([cols, rows])
    del rows, cols
    before = _status_mib("VmRSS")
    start = time.perf_counter()
    try:
        found = DBSCAN(eps=spec["eps"], min_samples=spec["min_samples"]).fit(coords).labels_
    except MemoryError:
        return dict(fits=False)
    seconds = time.perf_counter() - start
    added = _status_mib("VmHWM") - before
    return dict(fits=True, seconds=seconds, clusters=int(found.max() + 1), added_mib=added,
                bytes_per_flat_pixel=added * 2 ** 20 / max(len(found), 1))


CHILDREN = dict(render=child_render, lattice=child_lattice, jpeg=child_jpeg,
                gmt_globe=child_gmt_globe, jpeg_cells=child_jpeg_cells, flat_mask=child_flat_mask,
                grid_dbscan=child_grid_dbscan, sklearn=child_sklearn)


def run_child(kind, spec, timeout=7200):
    command = [sys.executable, os.path.abspath(__file__), "--child", kind, json.dumps(spec)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                          env=dict(os.environ, PYTHONWARNINGS="ignore", MPLBACKEND="Agg"))
    if done.returncode != 0:
        sys.stderr.write(done.stderr[-3000:])
        if kind == "sklearn":
            return dict(fits=False, error=done.stderr.strip().splitlines()[-1][:200])
        raise RuntimeError(f"stage {kind} failed (exit {done.returncode})")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return result


# -- main ---------------------------------------------------------------------------------
def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lattice", type=float, nargs="*", default=[1, 12],
                        help="megapixels of the blocky figures for lattice detection")
    parser.add_argument("--jpeg-lattice", type=float, nargs="*", default=[1, 12],
                        help="megapixels of the blocky figures saved as JPEG (quality 75)")
    parser.add_argument("--jpeg-cells", action=argparse.BooleanOptionalAction, default=True,
                        help="decode the 1.7 MP GMT globe JPEG (64,800 cells of 4 px)")
    parser.add_argument("--dbscan", type=float, nargs="*", default=[1, 12],
                        help="megapixels of the smooth figures for the grid DBSCAN "
                             "(add 100 for the large run)")
    parser.add_argument("--sklearn", type=float, nargs="*", default=[1, 12],
                        help="sizes (among --dbscan's and 1) where scikit-learn runs beside")
    parser.add_argument("--figure", choices=("blocky", "smooth"), default="blocky",
                        help="the figure whose flat mask DBSCAN clusters (blocky: most pixels "
                             "flat, the heavy case; smooth: a few percent)")
    parser.add_argument("--eps", type=float, default=2.5)
    parser.add_argument("--min-samples", type=int, default=5)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, spec = args.child
        result = CHILDREN[kind](json.loads(spec))
        result["peak_mib"] = _status_mib("VmHWM")
        print(json.dumps(result))
        return
    folder = tempfile.mkdtemp(prefix="bench_native_")
    print(f"Figures in {folder}")
    for megapixels in args.lattice:
        info = run_child("render", dict(folder=folder, megapixels=megapixels, blocky=True))
        found = run_child("lattice", dict(png=info["png"], box=info["box"]))
        print(f"lattice {megapixels:g} MP ({found['width']}×{found['height']}): "
              f"find_lattice {found['find_seconds']:.2f} s, +{found['find_peak_mib']:.0f} MiB; "
              f"read_cells {found.get('read_seconds', float('nan')):.2f} s, "
              f"+{found.get('read_peak_mib', float('nan')):.0f} MiB; {found['found']}")
    for megapixels in args.jpeg_lattice:
        info = run_child("render", dict(folder=folder, megapixels=megapixels, blocky=True))
        jpeg = run_child("jpeg", dict(png=info["png"], quality=75))["jpeg"]
        found = run_child("lattice", dict(png=jpeg, box=info["box"]))
        print(f"jpeg lattice {megapixels:g} MP ({found['width']}×{found['height']}, quality 75): "
              f"find_lattice {found['find_seconds']:.2f} s, +{found['find_peak_mib']:.0f} MiB; "
              f"{found['found']}")
    if args.jpeg_cells:
        globe = run_child("gmt_globe", dict(folder=folder))
        decoded = run_child("jpeg_cells", globe)
        print(f"jpeg cells: GMT globe 1.7 MP JPEG, {decoded['lattice']}: whole decode "
              f"{decoded['seconds']:.2f} s, find_lattice {decoded['find_seconds']:.2f} s, "
              f"jpeg_cells.cell_values {decoded['cells_seconds']:.2f} s "
              f"({decoded['cells']:,} cells with a value, digest {decoded['digest']}); "
              f"child peak {decoded['peak_mib']:.0f} MiB")
    sizes = sorted(set(args.dbscan) | set(args.sklearn))
    for megapixels in sizes:
        info = run_child("render", dict(folder=folder, megapixels=megapixels,
                                        blocky=args.figure == "blocky"))
        mask = os.path.join(folder, f"flat_{megapixels:g}.npy")
        flat = run_child("flat_mask", dict(png=info["png"], box=info["box"], mask=mask))
        os.remove(info["png"])
        spec = dict(mask=mask, eps=args.eps, min_samples=args.min_samples)
        head = (f"dbscan {args.figure} {megapixels:g} MP ({info['width']}×{info['height']}, "
                f"{flat['flat']:,} flat px), eps {args.eps:g}, "
                f"min_samples {args.min_samples}:")
        if megapixels in args.dbscan:
            ours = run_child("grid_dbscan", spec)
            print(f"{head} grid {ours['seconds']:.1f} s, +{ours['added_mib']:.0f} MiB "
                  f"({ours['bytes_per_pixel']:.1f} B/px, {ours['bytes_per_flat_pixel']:.1f} "
                  f"B/flat px), {ours['clusters']:,} clusters, {ours['noise']:,} noise; "
                  f"child peak {ours['peak_mib']:.0f} MiB")
        if megapixels in args.sklearn:
            theirs = run_child("sklearn", spec)
            if theirs.get("fits"):
                print(f"{head} scikit-learn {theirs['seconds']:.1f} s, "
                      f"+{theirs['added_mib']:.0f} MiB ({theirs['bytes_per_flat_pixel']:.0f} "
                      f"B/flat px), {theirs['clusters']:,} clusters")
            else:
                print(f"{head} scikit-learn does not fit in "
                      f"{SKLEARN_ADDRESS_SPACE / 2 ** 30:.0f} GiB of address space "
                      f"({theirs.get('error', 'MemoryError')})")
        os.remove(mask)


if __name__ == "__main__":
    main()
