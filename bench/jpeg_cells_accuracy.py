"""Cells read back through a JPEG's blocks (plugin/engine/jpeg_cells.py): accuracy per figure and
where the misses come from.

Run by hand, never from the tests:

    /usr/bin/python3 bench/jpeg_cells_accuracy.py [--figures NAME ...] [--cache DIR] [--diagnose]
                                                  [--code OTHER_CHECKOUT] [--box]

Each figure is a real grid drawn cell by cell by a real renderer, written as a JPEG and, with the
same raster, as a PNG (the colours before compression). The JPEG is decoded by the pipeline as a
user's would be (``decode_map``); the cells' inputs to ``jpeg_cells.cell_values`` are kept
(``--cache``) so that the estimator can be run again on them without decoding. Printed per
figure: the share of judged cells (as in tests/engine/test_native_grid.py: the centre decoded,
the truth data) within one and two value resolutions of the grid's value, and within 1 % of the
scale's value range (the project's accuracy measure).

With ``--diagnose``, for the missed cells: the error of each estimated channel against the
colour the cell had before compression (in levels and in its estimate's standard deviations),
what the colour → value step alone costs (the true colour through the same matcher), the miss
rate by whether the cell touches a masked pixel, where its centre lies in the blocks, the
contrast with its neighbours, and the share that a right luma or right chroma alone would repair.

With ``--code OTHER_CHECKOUT`` the cells are estimated by that checkout's engine on the same
cached inputs (the figures are rendered and decoded once, by the first run, with this one's).

With ``--box``, an experiment the plugin does not use: the quantisation constraint set. Each
stored coefficient says the true one lies within half a step of it; the cells' colours are
chosen among each cell's four likeliest stored colours (of the Gaussian posterior) by iterated
conditional modes over the blocks whose pixels are all modelled (a cell at a time, neighbours
held, cells updated in 3 × 3 classes so that no two updated at once share a block), each
coefficient's likelihood the probability of its bin under a Gaussian of 0.7 of a level around
the hypothesis, floored at 0.03 (so a block the lattice's pixel model does not explain, e.g.
pcolormesh's edge pixels, does not decide); the value is the posterior mean over the four.

Figures (names for ``--figures``):

    sst90      SST Pacific, matplotlib imshow, viridis, Pillow quality 90 (4:2:0)
    sst75      the same at quality 75
    magma85    SST 1° W-139° E, pcolormesh, magma, quality 85
    topo85     matplotlib's topo-bathymetry, pcolormesh, plasma, quality 85
    gmt4px     GMT grdimage of the 1° age globe at 4.0 px, turbo, Ghostscript JPEG
    gmtindian  GMT Indian Ocean at 1°, turbo, Ghostscript JPEG
    gmtbatlow  GMT South Atlantic at 1°, batlow, Ghostscript JPEG
    cividis80  SST Atlantic-Indian, imshow, cividis, ImageMagick ``convert -quality 80``
    rdbu80     SST Pacific, pcolormesh, RdBu_r, ImageMagick ``convert -quality 80``
    viridis444 SST Pacific, imshow, viridis, Pillow quality 80 without chroma subsampling
    sst80 sst70 sst50
               the SST Pacific figure (sst90) at Pillow quality 80, 70, 50
    globe75im  the whole 2° SST, imshow at 5.3 px, viridis, ImageMagick ``-quality 75``
    globe75pil the same written by matplotlib (Pillow) at quality 75
    globe80im globe85im globe90im globe80pil globe85pil globe90pil
               the same at quality 80, 85, 90 (not in the default list)
    mesh80im mesh75im mesh70im mesh50im
               the whole 2° SST, pcolormesh at 6.4 × 5.7 px cut by the frame, RdYlBu_r,
               ImageMagick at quality 80, 75, 70, 50
    eraint4.6 eraint6.0 eraint7.5 eraint8.3
               ERA-Interim z200 at 3°, imshow, RdBu_r, cells of 4.6-8.3 px, Pillow quality 80
    gmtmagick80 gmtmagick75 gmtmagick75s444
               GMT Pacific at 1° (7.8 × 7.5 px), turbo, ImageMagick 80, 75, 75 in 4:4:4
    large75    SST tropical Pacific, imshow at 23.3 × 22.7 px, viridis, Pillow quality 75
"""
import argparse
import os
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tests" / "engine"))
# The engine that estimates: this checkout's, or another's (``--code``, e.g. an older commit's
# ``git worktree``) for a before/after table on the same cached figures.
CODE = ROOT
if "--code" in sys.argv:
    CODE = Path(sys.argv[sys.argv.index("--code") + 1]).resolve()
from sample_figure import expose_package  # noqa: E402

expose_package(CODE)  # its temporary folder removed at exit
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import test_native_grid as cases  # noqa: E402

from colormap_decoder.plugin.engine import jpeg_cells, pipeline  # noqa: E402
from colormap_decoder.plugin.engine.pipeline import decode_map  # noqa: E402

DATA = ROOT / "tests" / "data"
FIGURES = ["sst90", "sst75", "magma85", "topo85", "gmt4px", "gmtindian", "gmtbatlow",
           "cividis80", "rdbu80", "viridis444", "sst80", "sst70", "sst50", "globe75im",
           "globe75pil", "mesh80im", "mesh75im", "mesh70im", "mesh50im", "eraint4.6",
           "eraint6.0", "eraint7.5", "eraint8.3", "gmtmagick80", "gmtmagick75",
           "gmtmagick75s444", "large75"]


def _imagemagick_jpeg(png, quality, extra=()):
    jpg = png.with_suffix(".jpg")
    subprocess.run(["convert", str(png), "-background", "white", "-alpha", "remove",
                    *extra, "-quality", str(quality), str(jpg)], check=True)
    return jpg


def render(name, folder):
    """(figure for the JPEG, path of the PNG of the same raster)."""
    sst, extent = cases.read_sst(DATA)
    pacific = sst[15:75, 60:140], (119, 279, -60, 60)
    if name in ("sst90", "sst75", "sst80", "sst70", "sst50"):
        quality = int(name[3:])
        args = (*pacific, "viridis", -2, 33, (9.6, 9.2), "imshow")
        label = "sst_pacific_jpeg" if quality == 90 else f"sst_pacific_jpeg{quality}"
        png = cases.matplotlib_figure(folder, label, *args)
        figure = cases.matplotlib_figure(folder, label, *args, jpeg_quality=quality)
        return figure, png.path
    if name == "magma85":
        args = (sst[15:75, 0:70], (-1, 139, -60, 60), "magma", -2, 33, (8.3, 8.7), "pcolormesh")
        png = cases.matplotlib_figure(folder, "sst_magma_85", *args)
        return cases.matplotlib_figure(folder, "sst_magma_85", *args, jpeg_quality=85), png.path
    if name == "topo85":
        from figures_for_tests import topobathy

        grid, topo_extent = topobathy()
        args = (grid, topo_extent, "plasma", float(np.nanmin(grid)), float(np.nanmax(grid)),
                (7.3, 6.9), "pcolormesh")
        png = cases.matplotlib_figure(folder, "topo_plasma_85", *args)
        return cases.matplotlib_figure(folder, "topo_plasma_85", *args, jpeg_quality=85), png.path
    if name in ("cividis80", "rdbu80", "viridis444"):
        if name == "cividis80":
            args = (sst[20:70, 10:90], (19, 179, -50, 50), "cividis", -2, 33, (8.7, 9.4),
                    "imshow")
        elif name == "rdbu80":
            args = (*pacific, "RdBu_r", -2, 33, (9.1, 8.4), "pcolormesh")
        else:
            args = (*pacific, "viridis", -2, 33, (9.6, 9.2), "imshow")
        png = cases.matplotlib_figure(folder, name, *args)
        if name == "viridis444":
            from PIL import Image

            jpg = Path(png.path).with_suffix(".jpg")
            Image.open(png.path).convert("RGB").save(jpg, quality=80, subsampling=0)
        else:
            jpg = _imagemagick_jpeg(Path(png.path), 80)
        figure = cases.matplotlib_figure.__globals__["CellFigure"](
            str(jpg), png.grid, png.extent, png.origin, png.cell, png.plot_box, png.gcps,
            png.colormap, png.vmin, png.vmax)
        return figure, png.path
    if name.startswith(("globe", "mesh")):
        if name.startswith("globe"):
            args = (sst, extent, "viridis", -2, 33, (5.3, 5.3), "imshow")
            label, xlim = "sst_globe_magick75", None
        else:
            args = (sst, extent, "RdYlBu_r", -2, 33, (6.4, 5.7), "pcolormesh")
            label, xlim = "sst_mesh_magick80", (extent[0] + 0.8, extent[1] - 0.8)
        png = cases.matplotlib_figure(folder, label, *args, xlim=xlim)
        if name.endswith("pil"):
            figure = cases.matplotlib_figure(folder, label, *args, xlim=xlim,
                                             jpeg_quality=int(name[5:7]))
            return figure, png.path
        return cases.imagemagick_jpeg(png, int(name[-4:-2])), png.path
    if name.startswith("eraint"):
        data = np.load(DATA / "eraint_z200_january_3deg.npz")
        size = float(name[6:])
        args = (data["z"].astype(float), tuple(float(v) for v in data["extent"]), "RdBu_r",
                106000.0, 123000.0, (size, size), "imshow")
        png = cases.matplotlib_figure(folder, name, *args)
        return cases.matplotlib_figure(folder, name, *args, jpeg_quality=80), png.path
    if name == "large75":
        args = (sst[30:60, 90:130], (179, 259, -30, 30), "viridis", -2, 33, (23.3, 22.7),
                "imshow")
        png = cases.matplotlib_figure(folder, "sst_large_cells_jpeg75", *args)
        return (cases.matplotlib_figure(folder, "sst_large_cells_jpeg75", *args, jpeg_quality=75),
                png.path)
    grid_path = folder / "age1.nc"
    if not grid_path.exists():
        cases.run_gmt(folder, f"gmt grdsample {DATA / 'gmtserver_age.3.20.nc'} -I1 -r -Gage1.nc")
    grid = cases.read_grid(grid_path)
    if name == "gmt4px":
        width, height = 14.4, 7.2
        for kind in ("g", "j"):
            cases.run_gmt(folder,
                          "gmt makecpt -Cturbo -T0/200 > turbo.cpt", "gmt set PS_MEDIA 17ix10i",
                          f"gmt grdimage {grid_path} -R-180/180/-90/90 -JX{width}i/{height}i "
                          "-Cturbo.cpt -X1i -Y1.5i -P -Bafg -BWSne -K > fig.ps",
                          "gmt pscoast -R -J -Dl -W0.6p,black -O -K >> fig.ps",
                          f"gmt psscale -Cturbo.cpt -Dx{width + 0.3}i/0i+w{height}i/0.3i -Bxaf "
                          "-O >> fig.ps", f"gmt psconvert fig.ps -T{kind} -E{cases.DPI}")
        top = 1000 - 150 - round(height * cases.DPI)
        box = (100, top, 100 + round(width * cases.DPI), top + round(height * cases.DPI))
        figure = cases.CellFigure(str(folder / "fig.jpg"), grid, (-180, 180, -90, 90), box[:2],
                                  ((box[2] - box[0]) / 360, (box[3] - box[1]) / 180), box, "",
                                  str(folder / "turbo.cpt"))
        figure.gcps = cases.write_gcps(folder / "gcps.csv", figure)
        return figure, str(folder / "fig.png")
    if name.startswith("gmtmagick"):
        png = cases.gmt_figure(folder, grid_path, grid, (-180, -100, -50, 10), (6.25, 4.5))
        subsampling = "1x1" if name.endswith("s444") else None
        return cases.imagemagick_jpeg(png, int(name[9:11]), subsampling), png.path
    if name == "gmtindian":
        region, size, cpt = (40, 110, -50, 0), (6.5, 4.5), None
    else:
        cases.run_gmt(folder, "gmt makecpt -Cbatlow -T0/180 > batlow.cpt")
        region, size, cpt = (-60, 0, -40, 20), (5.5, 5.2), folder / "batlow.cpt"
    cases.gmt_figure(folder, grid_path, grid, region, size, jpeg=False, cpt=cpt)
    figure = cases.gmt_figure(folder, grid_path, grid, region, size, jpeg=True, cpt=cpt)
    return figure, str(folder / "fig.png")


def capture(name, cache):
    """Decode the figure's JPEG, keeping the inputs of jpeg_cells.cell_values."""
    path = cache / f"{name}.pickle"
    if path.exists():
        with open(path, "rb") as handle:
            kept = pickle.load(handle)
        kept["decoder"]._matcher._exact_tables = {}  # tables as the code in use builds them
        return kept
    folder = Path(tempfile.mkdtemp(prefix=f"jpegcells_{name}_"))
    figure, png_path = render(name, folder)
    kept = {}
    original = pipeline.jpeg_cell_values

    def keep(rgb, values, lattice, box, coding, decoder):
        kept.update(rgb=rgb.copy(), values=values.copy(), lattice=lattice, box=box,
                    coding=coding, decoder=decoder)
        return original(rgb, values, lattice, box, coding, decoder)

    pipeline.jpeg_cell_values = keep
    try:
        result = decode_map(figure.settings())
    finally:
        pipeline.jpeg_cell_values = original
    if not kept:
        line = [m for m in result.messages if m.startswith("Native grid")]
        print(f"{name}: the cells were not read through the blocks ({line})", flush=True)
        return None
    one = cases.cell_recovery(figure, result, 1.0)
    two = cases.cell_recovery(figure, result, 2.0)
    from PIL import Image

    png = np.asarray(Image.open(png_path).convert("RGB"))
    lattice = kept["lattice"]
    # Each lattice cell's truth (NaN where the measure does not judge it): the grid's cell
    # under its centre.
    i, j = np.mgrid[0:lattice.rows, 0:lattice.columns]
    cx = lattice.origin_x + (j + 0.5) * lattice.cell_width
    cy = lattice.origin_y + (i + 0.5) * lattice.cell_height
    gi = np.floor((cy - figure.origin[1]) / figure.cell[1]).astype(int)
    gj = np.floor((cx - figure.origin[0]) / figure.cell[0]).astype(int)
    rows, cols = figure.grid.shape
    ok = (gi >= 0) & (gi < rows) & (gj >= 0) & (gj < cols)
    truth = np.full(i.shape, np.nan)
    truth[ok] = figure.grid[gi[ok], gj[ok]]
    col0, row0, col1, row1 = figure.plot_box
    centre_r = np.clip(np.floor(cy).astype(int), 0, png.shape[0] - 1)
    centre_c = np.clip(np.floor(cx).astype(int), 0, png.shape[1] - 1)
    visible = (cx > col0) & (cx < col1) & (cy > row0) & (cy < row1)
    judged = visible & np.isfinite(truth) & np.isfinite(result.field.values[centre_r, centre_c])
    truth[~judged] = np.nan
    kept.update(truth=truth, true_rgb=png[centre_r, centre_c], name=name, png_path=png_path,
                resolution=result.decoder.value_resolution,
                pipeline_one=one["within_resolution"], pipeline_two=two["points_ok"],
                pipeline_cells=one["cells"])
    cache.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        pickle.dump(kept, handle)
    return kept


def range_share(kept, estimate):
    """Share of the judged cells within 1 % of the scale's value range (the project's accuracy
    measure, as pixels are held to it)."""
    truth = kept["truth"].ravel()
    judged = np.isfinite(truth)
    low, high = kept["decoder"].mapping.to_value(np.array([0.0, 1.0]))
    error = np.abs(estimate - truth)[judged]
    return float((np.where(np.isfinite(error), error, np.inf) <= 0.01 * abs(high - low)).mean())


def shares(kept, estimate):
    truth, resolution = kept["truth"].ravel(), kept["resolution"]
    judged = np.isfinite(truth)
    error = np.abs(estimate - truth)[judged] / resolution
    error = np.where(np.isfinite(error), error, np.inf)
    return float((error <= 1.0).mean()), float((error <= 2.0).mean()), int(judged.sum())


def diagnose(kept, colour, information, value):
    """Where the missed cells' error comes from."""
    decoder, lattice = kept["decoder"], kept["lattice"]
    truth, resolution = kept["truth"].ravel(), kept["resolution"]
    judged = np.isfinite(truth)
    true_ycc = jpeg_cells.stored_ycbcr(kept["true_rgb"].reshape(-1, 3))
    miss = judged & ~(np.abs(value - truth) <= resolution)
    err = colour - true_ycc
    sigma = 1.0 / np.sqrt(np.maximum(information, 1e-12))
    print(f"  judged {judged.sum()}, missed {miss.sum()}")
    for label, where in (("hit", judged & ~miss), ("miss", miss)):
        print(f"  {label:5s} |error| levels Y/Cb/Cr (against the stored integers) median "
              f"{np.round(np.median(np.abs(err[where]), axis=0), 2)}, 90% "
              f"{np.round(np.percentile(np.abs(err[where]), 90, axis=0), 2)}; "
              f"sigma median {np.round(np.median(sigma[where], axis=0), 2)}; "
              f"|z| median {np.round(np.median(np.abs(err[where] / sigma[where]), axis=0), 2)}")

    def through(ycc, precision):
        return decoder.stored_colour_values(ycc, precision, jpeg_cells.stored_ycbcr)[0]

    with np.errstate(invalid="ignore"):
        oracle = through(true_ycc, np.full_like(information, 100.0))
        oracle_miss = judged & ~(np.abs(oracle - truth) <= resolution)
        swap_y = through(np.column_stack([true_ycc[:, 0], colour[:, 1:]]),
                         np.column_stack([np.full(len(colour), 100.0), information[:, 1:]]))
        swap_c = through(np.column_stack([colour[:, 0], true_ycc[:, 1:]]),
                         np.column_stack([information[:, 0], np.full((len(colour), 2), 100.0)]))
    print(f"  the stored colour itself misses {oracle_miss.sum()} (colours the file stores alike)")
    for label, swapped in (("stored luma", swap_y), ("stored chroma", swap_c)):
        still = judged & ~(np.abs(swapped - truth) <= resolution)
        print(f"  with the {label} known: misses {still.sum()} ({(miss & ~still).sum()} repaired)")
    # Geometry: cell size, block borders, masked neighbours.
    data = np.isfinite(kept["values"])
    rows, cols = data.shape
    cell_row = jpeg_cells._axis_cells(rows, lattice.origin_y, lattice.cell_height, lattice.rows)
    cell_col = jpeg_cells._axis_cells(cols, lattice.origin_x, lattice.cell_width, lattice.columns)
    inside = (cell_row[:, None] >= 0) & (cell_col[None, :] >= 0)
    index = np.where(inside, cell_row[:, None] * lattice.columns + cell_col[None, :], -1)
    n = lattice.rows * lattice.columns
    total = np.bincount(index[inside], minlength=n)
    masked = np.bincount(index[inside & ~data], minlength=n)
    touched = masked > 0
    print(f"  cells touching masked pixels: miss rate {miss[touched].mean():.3f} "
          f"({touched[judged].sum()} cells) vs {miss[~touched & judged].mean():.3f}")
    # Where in the 16-px chroma block the cell's centre lies.
    i, j = np.divmod(np.arange(n), lattice.columns)
    cy = (lattice.origin_y + (i + 0.5) * lattice.cell_height) % 16
    cx = (lattice.origin_x + (j + 0.5) * lattice.cell_width) % 16
    border = (np.minimum(cy, 16 - cy) < 3) | (np.minimum(cx, 16 - cx) < 3) | \
        (np.abs(cy - 8) < 3) | (np.abs(cx - 8) < 3)
    print(f"  centre within 3 px of an 8-px block line: miss {miss[border & judged].mean():.3f}, "
          f"else {miss[~border & judged].mean():.3f}")
    # Contrast with neighbours (the strongest step to a 4-neighbour, levels of luma).
    y = colour[:, 0].reshape(lattice.rows, lattice.columns)
    contrast = np.zeros_like(y)
    for axis in (0, 1):
        step = np.abs(np.diff(y, axis=axis))
        step = np.where(np.isfinite(step), step, 0)
        pad = [(0, 0), (0, 0)]
        pad[axis] = (1, 0)
        contrast = np.maximum(contrast, np.pad(step, pad))
        pad[axis] = (0, 1)
        contrast = np.maximum(contrast, np.pad(step, pad))
    contrast = contrast.ravel()
    for low, high in ((0, 5), (5, 20), (20, 60), (60, 300)):
        where = judged & (contrast >= low) & (contrast < high)
        if where.any():
            print(f"  luma step to a neighbour {low}-{high}: {where.sum()} cells, miss "
                  f"{miss[where].mean():.3f}")
    return dict(total=total, masked=masked)


def box_constraint_values(kept, candidates_per_cell=4, sigma=0.7, floor=0.03, sweeps=4):
    """Values from the quantisation constraint set (the ``--box`` experiment, see the module
    docstring); cells in no fully modelled block keep the plugin's value."""
    from scipy.special import ndtr

    decoder, lattice = kept["decoder"], kept["lattice"]
    with jpeg_cells._one_blas_thread():
        colour, information, _ = _colours(kept)
    value, quantiser = decoder.stored_colour_values(colour, information, jpeg_cells.stored_ycbcr)
    candidates, fraction, log_prior = decoder._matcher._stored_candidates(
        quantiser, jpeg_cells.stored_ycbcr)
    known = np.isfinite(colour).all(axis=1)
    filled = np.where(known[:, None], colour, 128.0)
    distance = (((filled[:, None, :] - candidates[None]) ** 2)
                * information[:, None, :]).sum(axis=2) - 2 * log_prior
    top = np.argsort(distance, axis=1)[:, :candidates_per_cell]
    terms = _full_block_terms(kept)
    n = len(colour)

    def log_bin(coefficient, index, step):
        low, high = (index - 0.5) * step, (index + 0.5) * step
        return np.log(ndtr((high - coefficient) / sigma) - ndtr((low - coefficient) / sigma)
                      + floor)

    def scores(assign, update):
        current = candidates[assign]
        score = np.zeros((n, candidates_per_cell))
        for channel, (index, step, cell, valid, basis) in enumerate(terms):
            x = np.where(valid, current[cell, channel] - 128.0, 0.0)
            coefficient = np.einsum("nik,nk->ni", basis, x)
            base = log_bin(coefficient, index, step).sum(axis=1)
            for k in range(cell.shape[1]):
                rows = valid[:, k] & update[cell[:, k]]
                if not rows.any():
                    continue
                local = cell[rows, k]
                for m in range(candidates_per_cell):
                    delta = candidates[top[local, m], channel] - current[local, channel]
                    moved = coefficient[rows] + delta[:, None] * basis[rows, :, k]
                    gain = log_bin(moved, index[rows], step).sum(axis=1) - base[rows]
                    np.add.at(score[:, m], local, gain)
        return score

    assign = top[:, 0].copy()
    row, col = np.divmod(np.arange(n), lattice.columns)
    colour_class = (row % 3) * 3 + col % 3
    for _ in range(sweeps):
        changed = 0
        for klass in range(9):
            update = colour_class == klass
            best = top[np.arange(n), np.argmax(scores(assign, update), axis=1)]
            changed += int((best[update] != assign[update]).sum())
            assign[update] = best[update]
        if not changed:
            break
    score = scores(assign, np.ones(n, bool))
    weight = np.exp(score - score.max(axis=1, keepdims=True))
    mean = (weight * fraction[top]).sum(axis=1) / weight.sum(axis=1)
    covered = np.zeros(n, bool)
    for _, _, cell, valid, _ in terms:
        covered[cell[valid]] = True
    result = np.where(covered, decoder.mapping.to_value(mean), value)
    result[~known] = np.nan
    return result


def _full_block_terms(kept):
    """Per channel, the blocks whose pixels all lie in modelled cells: the stored coefficient
    indices (blocks, 64), the steps (64,), the cells each block shows (blocks, k) and whether
    each is one, and each cell's DCT basis in the block (blocks, 64, k)."""
    rgb, lattice, box, coding = kept["rgb"], kept["lattice"], kept["box"], kept["coding"]
    data = np.isfinite(kept["values"])
    col0, row0, col1, row1 = (int(round(v)) for v in box)
    in_box = np.zeros(data.shape, bool)
    in_box[max(row0, 0):row1, max(col0, 0):col1] = True
    rows, cols = data.shape
    cell_row = jpeg_cells._axis_cells(rows, lattice.origin_y, lattice.cell_height, lattice.rows)
    cell_col = jpeg_cells._axis_cells(cols, lattice.origin_x, lattice.cell_width,
                                      lattice.columns)
    inside = data & in_box & (cell_row[:, None] >= 0) & (cell_col[None, :] >= 0)
    transform = jpeg_cells.block_dct_matrix()
    terms = []
    for channel in range(3):
        factor_y, factor_x = coding.subsampling[channel]
        plane = jpeg_cells.ycbcr_channel(rgb, channel)
        if factor_y > 1 or factor_x > 1:
            plane = jpeg_cells.stored_chroma(plane, factor_y, factor_x)
        blocks = jpeg_cells.ChannelBlocks(plane, inside, cell_row, cell_col,
                                          (lattice.rows, lattice.columns),
                                          coding.tables[channel], factor_y, factor_x)
        step = np.asarray(coding.tables[channel], float)
        parts = []
        for by, bx, observed, fractions, cell, valid in blocks._chunks():
            full = observed.all(axis=1)
            index = np.rint(((blocks.values[by, bx] - 128.0) @ transform.T) / step)
            basis = np.einsum("ij,njk->nik", transform, fractions)
            parts.append((index[full], cell[full], valid[full], basis[full]))
        index, cell, valid, basis = (np.concatenate(part) for part in zip(*parts))
        terms.append((index, step, cell, valid, basis))
    return terms


def estimate(kept, **options):
    """Values of every cell by jpeg_cells.cell_values on the kept inputs."""
    values, _ = jpeg_cells.cell_values(kept["rgb"], kept["values"], kept["lattice"], kept["box"],
                                       kept["coding"], kept["decoder"], **options)
    return values.ravel()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--figures", nargs="*", default=FIGURES)
    parser.add_argument("--cache", default=os.path.join(tempfile.gettempdir(), "jpegcells_cache"))
    parser.add_argument("--diagnose", action="store_true")
    parser.add_argument("--code", help="the checkout whose engine estimates (default: this one)")
    parser.add_argument("--box", action="store_true",
                        help="also the quantisation constraint set experiment")
    arguments = parser.parse_args()
    cache = Path(arguments.cache)
    # "decoded": the pipeline's share when the figure was decoded (by the code of that run);
    # "1 res", "2 res", "1 %" (of the scale's range): the cells estimated now by the engine of
    # --code (default: this one).
    print(f"{'figure':11s} {'cells':>6s} {'decoded':>8s} {'1 res':>7s} {'2 res':>7s} {'1 %':>7s}"
          f"{'  box 1 res, 2 res' if arguments.box else ''}  coding")
    for name in arguments.figures:
        kept = capture(name, cache)
        if kept is None:
            continue
        value = estimate(kept)
        one, two, count = shares(kept, value)
        box = ""
        if arguments.box:
            box_one, box_two, _ = shares(kept, box_constraint_values(kept))
            box = f"  {100 * box_one:5.1f}% {100 * box_two:5.1f}%    "
        print(f"{name:11s} {count:6d} {100 * kept['pipeline_one']:7.2f}% {100 * one:6.2f}% "
              f"{100 * two:6.2f}% {100 * range_share(kept, value):6.2f}%{box}  "
              f"{kept['coding'].describe()}, quality "
              f"{kept['coding'].quality():.0f}, {_planes(kept)}", flush=True)
        if arguments.diagnose:
            with jpeg_cells._one_blas_thread():
                colour, information, _ = _colours(kept)
            diagnose(kept, colour, information, value)


def _planes(kept):
    """Where the estimating engine's Y'CbCr comes from: the decoder's own (read again from the
    JPEG, which must still be where it was rendered) or recomputed from the decoded RGB."""
    read = getattr(kept["coding"], "decoded_ycbcr", None)
    if read is not None and read(kept["rgb"].shape[:2]) is not None:
        return "the decoder's Y'CbCr"
    return "Y'CbCr from the RGB"


def _colours(kept):
    """The cells' colours through the blocks on the kept inputs, as cell_values estimates them."""
    # The first three of its results: four from checkouts before the blocks' weighing (--code),
    # five since.
    return jpeg_cells.plot_area_cell_colours(
        kept["rgb"], kept["values"], kept["lattice"], kept["box"], kept["coding"])[:3]


if __name__ == "__main__":
    main()
