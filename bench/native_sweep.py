"""Native grids on figures no test draws: real grids rendered cell by cell, measured by the
issue's criteria (run by hand, never from the tests).

    /usr/bin/python3 bench/native_sweep.py [--seed N] [--count N] [--only INDEX ...]
                                           [--out FILE.json] [--code OTHER_CHECKOUT]

Each figure is drawn from a seeded random choice of: a grid (the 2° NOAA SST, ERA-Interim's u,
v or z of January or July at 850, 500 or 200 hPa averaged to 2.25-4.5°, matplotlib's
topo-bathymetry and Jacksboro fault DEM, the Kilauea and Vinschgau DEMs block-averaged, the age
of the oceanic lithosphere at 1° or 2°), a renderer (matplotlib ``imshow`` nearest,
``pcolormesh``, GMT ``grdimage`` with coastlines and a label), a colour map, a cell size of 3 to
20 px (mostly not whole), annotations (a line and a label) or none, and a file: PNG, or a JPEG of
quality 60 to 95 written by Pillow (4:2:0) or ImageMagick (``convert -quality``). The figure
is decoded by the pipeline as a user's would be, with the plot area and GCPs known (as the tests
give them), and measured as tests/engine/test_native_grid.py measures (``cell_recovery``):

    placed   the share of judged cells (centre decoded, truth data) with exactly one point
             within 0.5 px of the cell's centre
    1 res    of those, the value within one value resolution of the grid's (the issue's bar)
    2 res    within two
    raster   the native GeoTIFF's pixel within one resolution
    1 %      of the placed cells, the value within 1 % of the scale's range (the project's
             accuracy measure; a CPT of several segments of 255 levels each, GMT's polar or
             jet, has a resolution of a single colour level, finer than a JPEG's noise)
    gt       the geotransform's largest error, in cells (origin and size)

A figure passes when the lattice is found, the shape is the grid's, the geotransform within
0.5 % of a cell, and placed, 1 res and raster are all ≥ 95 %.

With ``--code OTHER_CHECKOUT`` the figures are decoded by that checkout's engine (before/after
on the same seeds: the figures are drawn the same way by both runs).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tests" / "engine"))
CODE = ROOT
if "--code" in sys.argv:
    CODE = Path(sys.argv[sys.argv.index("--code") + 1]).resolve()
from sample_figure import expose_package  # noqa: E402

expose_package(CODE)  # its temporary folder removed at exit
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import test_native_grid as cases  # noqa: E402

from colormap_decoder.plugin.engine.pipeline import decode_map  # noqa: E402

DATA = ROOT / "tests" / "data"
SHARED = ROOT.parent / "shared" / "data"
for parent in ROOT.parents:
    if (parent / "shared" / "data").is_dir():
        SHARED = parent / "shared" / "data"
        break
if not SHARED.is_dir():
    SHARED = Path("/work/shared/data")

COLORMAPS = ["viridis", "plasma", "inferno", "magma", "cividis", "turbo", "RdBu_r",
             "coolwarm", "Spectral_r", "RdYlBu_r", "YlGnBu", "gist_earth", "terrain", "BrBG"]
# A lattice whose origin or cell size is this many cells off the grid's is a wrong lattice.
WRONG_LATTICE_CELLS = 0.1
GMT_CPTS = ["turbo", "viridis", "batlow", "roma", "haxby", "polar", "jet", "hawaii"]


def block_mean(values, factor):
    rows, cols = values.shape[0] // factor * factor, values.shape[1] // factor * factor
    shaped = values[:rows, :cols].reshape(rows // factor, factor, cols // factor, factor)
    with np.errstate(invalid="ignore"):
        return np.nanmean(shaped, axis=(1, 3)) if np.isnan(values).any() else shaped.mean(
            axis=(1, 3))


def eraint(variable, level, month, factor):
    import rasterio

    source = f'NETCDF:"{SHARED / "xarray-data_eraint_uvz.nc"}":{variable}'
    with rasterio.open(source) as dataset:
        for band in range(1, dataset.count + 1):
            tags = dataset.tags(band)
            if tags["NETCDF_DIM_level"] == str(level) and tags["NETCDF_DIM_month"] == str(month):
                values = (dataset.read(band).astype(float) * dataset.scales[band - 1]
                          + dataset.offsets[band - 1])
                west, north = dataset.transform.c, dataset.transform.f
                step = dataset.transform.a
                break
    coarse = block_mean(values, factor)
    size = step * factor
    return coarse, (west, west + size * coarse.shape[1], north - size * coarse.shape[0], north)


def raster_grid(path, factor, nodata_below=None):
    import rasterio

    with rasterio.open(path) as dataset:
        values = dataset.read(1, masked=True).astype(float).filled(np.nan)
    if nodata_below is not None:
        values[values < nodata_below] = np.nan
    return block_mean(values, factor)


def choose_grid(rng):
    """(name, grid north up, extent in degrees, vmin, vmax)."""
    kind = rng.choice(["sst", "eraint", "eraint", "topobathy", "jacksboro", "kilauea",
                       "vinschgau"])
    if kind == "sst":
        sst, extent = cases.read_sst(SHARED)
        return "sst2", sst, extent, -2.0, 33.0
    if kind == "eraint":
        variable = str(rng.choice(["u", "v", "z"]))
        level = int(rng.choice([200, 500, 850]))
        month = int(rng.choice([1, 7]))
        factor = int(rng.choice([3, 4, 5, 6]))
        grid, extent = eraint(variable, level, month, factor)
        # The scale spans the field (a value beyond it saturates and cannot come back).
        return f"era_{variable}{level}m{month}/{factor * 0.75:g}deg", grid, extent, float(
            np.floor(np.nanmin(grid))), float(np.ceil(np.nanmax(grid)))
    if kind == "topobathy":
        from figures_for_tests import topobathy

        grid, extent = topobathy()
        return "topobathy", grid, extent, float(np.nanmin(grid)), float(np.nanmax(grid))
    if kind == "jacksboro":
        from matplotlib import cbook

        dem = np.load(cbook.get_sample_data("jacksboro_fault_dem.npz", asfileobj=False))
        factor = int(rng.choice([4, 6, 8]))
        grid = block_mean(dem["elevation"].astype(float), factor)
        extent = (-84.5, -84.5 + 0.01 * grid.shape[1], 36.0, 36.0 + 0.01 * grid.shape[0])
        return f"jacksboro/{factor}", grid, extent, float(np.floor(grid.min())), float(
            np.ceil(grid.max()))
    if kind == "kilauea":
        factor = int(rng.choice([12, 16, 20]))
        grid = raster_grid(SHARED / "gmtserver_Kilauea.utm.nc", factor)
        extent = (-155.5, -155.5 + 0.02 * grid.shape[1], 19.0, 19.0 + 0.02 * grid.shape[0])
        return f"kilauea/{factor}", grid, extent, float(np.floor(np.nanmin(grid))), float(
            np.ceil(np.nanmax(grid)))
    factor = int(rng.choice([3, 4, 5]))
    grid = raster_grid(SHARED / "terra_elev_vinschgau.tif", factor)
    extent = (10.5, 10.5 + 0.02 * grid.shape[1], 46.5, 46.5 + 0.02 * grid.shape[0])
    return f"vinschgau/{factor}", grid, extent, float(np.floor(np.nanmin(grid))), float(
        np.ceil(np.nanmax(grid)))


def crop_to_fit(rng, grid, extent, cell, max_width=1100, max_height=760):
    """A window of the grid whose axes fit the page at this cell size."""
    rows, cols = grid.shape
    keep_cols = min(cols, int(max_width // cell[0]))
    keep_rows = min(rows, int(max_height // cell[1]))
    if keep_cols < 8 or keep_rows < 8:
        return None
    for _ in range(20):
        r0 = int(rng.integers(0, rows - keep_rows + 1))
        c0 = int(rng.integers(0, cols - keep_cols + 1))
        window = grid[r0:r0 + keep_rows, c0:c0 + keep_cols]
        if np.isfinite(window).mean() > 0.4:
            break
    west, east, south, north = extent
    step_x, step_y = (east - west) / cols, (north - south) / rows
    return window, (west + c0 * step_x, west + (c0 + keep_cols) * step_x,
                    north - (r0 + keep_rows) * step_y, north - r0 * step_y)


def gmt_age_figure(folder, rng, cell_size):
    """GMT grdimage of the age grid at 1° or 2° over a region whose cells have about
    ``cell_size`` px, with coastlines and a label (as test_native_grid's gmt_figure)."""
    resolution = int(rng.choice([1, 2]))
    grid_path = folder / f"age{resolution}.nc"
    cases.run_gmt(folder, f"gmt grdsample {DATA / 'gmtserver_age.3.20.nc'} -I{resolution} -r "
                  f"-G{grid_path.name}")
    grid = cases.read_grid(grid_path)
    width_cells = int(min(360 // resolution, 700 // cell_size))
    height_cells = int(min(180 // resolution, 480 // cell_size))
    width_cells, height_cells = max(width_cells, 10), max(height_cells, 8)
    # A region mostly of ocean (the age grid has no value on land).
    for _ in range(50):
        west = int(rng.integers(-180 // resolution, 180 // resolution - width_cells + 1)
                   ) * resolution
        south = int(rng.integers(-90 // resolution, 90 // resolution - height_cells + 1)
                    ) * resolution
        east, north = west + width_cells * resolution, south + height_cells * resolution
        rows_from, cols_from = (90 - north) // resolution, (west + 180) // resolution
        crop = grid[rows_from:rows_from + height_cells, cols_from:cols_from + width_cells]
        if np.isfinite(crop).mean() > 0.5:
            break
    # Whole hundredths of an inch: the frame's pixel box is exact at 100 dpi.
    width_in = round(width_cells * cell_size) / 100
    height_in = round(height_cells * cell_size) / 100
    cpt_name = str(rng.choice(GMT_CPTS))
    # The scale spans the ages (a value beyond it saturates and cannot come back).
    top_age = int(np.ceil(np.nanmax(grid) / 10.0) * 10)
    cases.run_gmt(folder, f"gmt makecpt -C{cpt_name} -T0/{top_age} > scale.cpt",
                  "gmt set PS_MEDIA 10ix8.5i",
                  f"gmt grdimage {grid_path.name} -R{west}/{east}/{south}/{north} "
                  f"-JX{width_in}i/{height_in}i -Cscale.cpt -X1i -Y1.5i -P -Bafg -BWSne -K "
                  "> fig.ps",
                  "gmt pscoast -R -J -Dl -W0.6p,black -O -K >> fig.ps",
                  f"echo {(west + east) / 2} {(south + north) / 2} Label | gmt pstext -R -J "
                  "-F+f18p,Helvetica-Bold,black -O -K >> fig.ps",
                  f"gmt psscale -Cscale.cpt -Dx{width_in + 0.3}i/0i+w{height_in}i/0.3i -Bxaf "
                  "-O >> fig.ps",
                  f"gmt psconvert fig.ps -Tg -E{cases.DPI}")
    top = 850 - 150 - round(height_in * cases.DPI)
    box = (100, top, 100 + round(width_in * cases.DPI), top + round(height_in * cases.DPI))
    cell = ((box[2] - box[0]) / width_cells, (box[3] - box[1]) / height_cells)
    figure = cases.CellFigure(str(folder / "fig.png"), crop, (west, east, south, north),
                              (box[0], box[1]), cell, box, "", str(folder / "scale.cpt"))
    figure.gcps = cases.write_gcps(folder / "gcps.csv", figure)
    name = f"age{resolution}deg {cpt_name} {west}/{east}/{south}/{north}"
    return name, figure


def encode(figure, file_kind, quality):
    """The figure's PNG as it is, or written as a JPEG by Pillow or ImageMagick."""
    if file_kind == "png":
        return figure
    png = Path(figure.path)
    jpg = png.with_name(f"{png.stem}_{file_kind}{quality}.jpg")
    if file_kind == "pillow":
        from PIL import Image

        Image.open(png).convert("RGB").save(jpg, quality=quality)
    else:
        subprocess.run(["convert", str(png), "-background", "white", "-alpha", "remove",
                        "-quality", str(quality), str(jpg)], check=True, timeout=120)
    return cases.CellFigure(str(jpg), figure.grid, figure.extent, figure.origin, figure.cell,
                            figure.plot_box, figure.gcps, figure.colormap, figure.vmin,
                            figure.vmax)


def draw(index, seed, folder):
    """Figure ``index`` of the seed's sweep: (description, CellFigure)."""
    rng = np.random.default_rng([seed, index])
    renderer = str(rng.choice(["imshow", "pcolormesh", "gmt"], p=[0.4, 0.35, 0.25]))
    # Cell sizes 3-20 px, most not whole; small cells more often (where figures are hard).
    cell_size = float(np.round(3.0 + 17.0 * rng.random() ** 1.7, 1))
    aspect = float(rng.choice([1.0, 1.0, 0.9, 1.1]))
    file_kind = str(rng.choice(["png", "pillow", "magick"], p=[0.2, 0.4, 0.4]))
    quality = int(rng.choice(np.arange(60, 96, 5)))
    overlays = bool(rng.random() < 0.6)
    if renderer == "gmt":
        name, png = gmt_age_figure(folder, rng, cell_size)
        overlays = True
    else:
        for _ in range(10):
            name, grid, extent, vmin, vmax = choose_grid(rng)
            cell = (cell_size, round(cell_size * aspect, 1))
            cropped = crop_to_fit(rng, grid, extent, cell)
            if cropped is not None:
                break
            cell_size = max(3.0, cell_size * 0.7)
        grid, extent = cropped
        colormap = str(rng.choice(COLORMAPS))
        png = cases.matplotlib_figure(folder, f"fig{index}", grid, extent, colormap, vmin, vmax,
                                      cell, renderer, overlays=overlays)
        name = f"{name} {colormap}"
    figure = encode(png, file_kind, quality)
    file_label = "png" if file_kind == "png" else f"{file_kind} q{quality}"
    rows, cols = figure.grid.shape
    description = (f"{name}, {renderer}, {figure.cell[0]:.2f}x{figure.cell[1]:.2f} px, "
                   f"{cols}x{rows} cells, {file_label}{', overlays' if overlays else ''}")
    return description, figure


def measure(figure):
    started = time.perf_counter()
    result = decode_map(figure.settings())
    seconds = time.perf_counter() - started
    lattice_line = next((m for m in result.messages if m.startswith("Native grid")), "")
    found = lattice_line.startswith("Native grid: lattice of")
    row = dict(seconds=round(seconds, 1), lattice=found, log=lattice_line[:160])
    if not found:
        return row
    one = cases.cell_recovery(figure, result, 1.0)
    two = cases.cell_recovery(figure, result, 2.0)
    low, high = result.decoder.mapping.to_value(np.array([0.0, 1.0]))
    percent = cases.cell_recovery(figure, result,
                                  0.01 * abs(high - low) / result.decoder.value_resolution)
    gt_error = max(*one["origin_error"], *one["size_error"]) if one["same_shape"] else None
    row.update(cells=one["cells"], placed=one["placed"], one=one["points_ok"],
               two=two["points_ok"], percent=percent["points_ok"], raster=one["raster_ok"],
               same_shape=one["same_shape"],
               gt_error=gt_error)
    row["passes"] = bool(one["same_shape"] and gt_error <= 0.005 and min(
        one["placed"], one["points_ok"], one["raster_ok"]) >= 0.95)
    # A lattice that is not the grid's (another shape, or its cells a tenth of a cell off):
    # a silently wrong answer, worse than none.
    row["wrong"] = bool(not one["same_shape"] or gt_error > WRONG_LATTICE_CELLS)
    return row


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=30)
    parser.add_argument("--count", type=int, default=24)
    parser.add_argument("--only", type=int, nargs="*")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--code", type=Path)
    arguments = parser.parse_args()
    rows = []
    for index in arguments.only or range(arguments.count):
        folder = Path(tempfile.mkdtemp(prefix=f"native_sweep_{arguments.seed}_{index}_"))
        description, figure = draw(index, arguments.seed, folder)
        try:
            row = measure(figure)
        except Exception as error:  # noqa: BLE001 - a sweep reports every failure and goes on
            row = dict(error=f"{type(error).__name__}: {error}"[:200])
        row.update(index=index, figure=description, path=figure.path)
        rows.append(row)
        if "cells" in row:
            verdict = "WRONG" if row["wrong"] else "pass" if row["passes"] else "FAIL"
            gt_error = "-" if row["gt_error"] is None else f"{row['gt_error']:.2g}"
            print(f"{index:3d} {verdict} placed {row['placed']:.3f} 1res {row['one']:.3f} "
                  f"2res {row['two']:.3f} 1% {row['percent']:.3f} raster {row['raster']:.3f} "
                  f"gt {gt_error} cells {row['cells']} {row['seconds']} s | {description}"
                  + (f" | {row['log'][:90]}" if row["wrong"] else ""), flush=True)
        else:
            print(f"{index:3d} FAIL {row.get('error') or row['log']} | {description}",
                  flush=True)
        if arguments.out:
            arguments.out.write_text(json.dumps(rows, indent=1))
    passed = sum(bool(row.get("passes")) for row in rows)
    wrong = sum(bool(row.get("wrong")) for row in rows)
    print(f"{passed} of {len(rows)} figures pass; {wrong} wrong lattices")


if __name__ == "__main__":
    main()
