"""Accuracy of the decoding on real grids drawn by real renderers, against the grids themselves.

Run by hand (never by the tests, which assert the same targets case by case):

    /usr/bin/python3 bench/accuracy_table.py [--unmap-python /var/lib/colormap-decoder/peers/unmap-0.1.2/bin/python]
        [--only SUBSTRING] [--json numbers.json]

Figures (each from a real grid, drawn by a real renderer; see ``cases``):

* matplotlib's Jacksboro DEM with five colormaps, black contours, title, labels and colorbar, as
  PNG and as JPEG quality 75;
* the same DEM on axes whose pixels are not square in map units (1.9× taller than wide, and
  1.9× wider than tall), and as a scan rotated by 7° (bilinear);
* NOAA OI SST (land missing, drawn grey), contour-filled in 16 classes, black contour lines, JPEG
  quality 75: a discrete JPEG with lines and a NaN colour;
* GMT ``grdimage`` of the Kilauea DEM with continuous ``.cpt`` tables (turbo, haxby), contours;
* QGIS's own renderer (singleband pseudocolour, interpolated ramp shader) of the Vinschgau DEM
  with the Spectral and Viridis gradient ramps;
* a ``LinearSegmentedColormap`` of five stops on the Vinschgau DEM (matplotlib);
* the discrete SST, the turbo ``.cpt`` and the LinearSegmentedColormap figures rescaled to 80 %
  (Lanczos) and saved as JPEG quality 60, as a screenshot of a PDF page would be.

Decoders, all handed the exact colour table:

* **ours**: the whole pipeline (:func:`pipeline.decode_map`) with its defaults and a GCP file of
  the figure's true pixel → map mapping; its output raster is read at each figure pixel's own map
  position, so pixels the output grid loses count as lost;
* **seed pipeline** (``../shared/reference/seed_pipeline.py``): nearest of 10,000 samples of the
  table in RGB, masked beyond 70 (0–255 units), on the plot area's crop;
* **unmap** (PyPI ``unmap``, when ``--unmap-python`` is given): nearest of 10,000 samples of the
  same table (``levels=10000``), its default threshold 0.1, on the same crop.

Columns (fractions of the value range; discrete figures: class errors as fractions of the class
count), on data pixels at least 2 px from the axes edge and from any line or text:

* **good %**: share of all true data pixels that come back within 1 % of the range (discrete:
  in the right class) — masking data is a loss, a wrong value is no gain;
* median and 95th percentile of the error of the decoded pixels; data masked %;
* line cores masked %: black line pixels (all channels < 40) inside the plot area left undecoded;
* line pixels wrong %: pixels of lines and text (matplotlib figures, continuous scales) decoded
  to a value off by more than 1 % of the range (left out is fine: a line is not data).
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
# The shared folder beside the checkout (a worktree may sit a level deeper).
SHARED = next((parent / "shared" for parent in REPO.parents
               if (parent / "shared" / "reference" / "seed_pipeline.py").is_file()),
              REPO.parent / "shared")
SEED = SHARED / "reference" / "seed_pipeline.py"
# The grids the figures are drawn from: the repository keeps copies of those it needs in
# tests/data, so the tests built on these figures run without shared/ beside the checkout.
SHARED_DATA = REPO / "tests" / "data"
DEM_VINSCHGAU = REPO / "sample" / "terra_elev_vinschgau.tif"
SAMPLES = 10_000
sys.path.insert(0, str(REPO / "tests"))


def _engine():
    from sample_figure import expose_package

    expose_package()
    from colormap_decoder.plugin.engine import pipeline
    return pipeline


@dataclass
class Case:
    """One figure with its truth.

    ``truth_at(x, y)`` gives the true value at pixel coordinates (GDAL convention) of this
    figure, ``pixel_to_map(x, y)`` their map position in ``crs``; ``data`` marks the pixels
    measured. ``table`` is the exact colour table handed to the peers: ("listed", colours) for
    equal bands / a lookup table, ("segments", positions, colours) for a piecewise-linear table
    with hard steps where two positions are equal.
    """

    name: str
    path: str
    size: tuple
    plot_box: tuple
    crs: str
    pixel_to_map: object
    truth_at: object
    data: np.ndarray
    vmin: float
    vmax: float
    table: tuple
    settings: dict
    boundaries: np.ndarray = None
    colorbar_box: tuple = None
    annotation: np.ndarray = None  # pixels changed by lines and text (matplotlib figures)


# -- figures ---------------------------------------------------------------------------------
def _matplotlib_case(name, figure, cmap, table, settings=None, boundaries=None):
    from figures_for_tests import data_pixels

    vmin, vmax = float(np.nanmin(figure.grid)), float(np.nanmax(figure.grid))
    return Case(name, figure.path, figure.size, figure.plot_box, "EPSG:4326",
                figure.pixel_to_map, figure.truth_at_pixels, data_pixels(figure), vmin, vmax,
                table, settings or dict(colormap=cmap), boundaries, figure.colorbar_box,
                figure.annotation)


def _listed(cmap):
    import matplotlib

    colormap = matplotlib.colormaps[cmap] if isinstance(cmap, str) else cmap
    return ("listed", np.asarray(colormap(np.arange(colormap.N)))[:, :3])


def jacksboro_cases(folder):
    from figures_for_tests import jacksboro_dem, render_grid

    grid, extent = jacksboro_dem()
    for cmap in ("viridis", "jet", "RdBu_r", "cividis", "turbo"):
        for quality in (None, 75):
            suffix = "png" if quality is None else "jpg"
            figure = render_grid(grid, extent, folder / f"{cmap}.{suffix}", cmap=cmap,
                                 jpeg_quality=quality)
            yield _matplotlib_case(
                f"matplotlib {cmap} {suffix.upper()}{'' if quality is None else ' q75'}",
                figure, cmap, _listed(cmap))
    for label, box in (("taller", (110, 70, 690, 330)), ("wider", (110, 70, 400, 530))):
        figure = render_grid(grid, extent, folder / f"nonsquare_{label}.png", cmap="viridis",
                             plot_box=box)
        yield _matplotlib_case(f"non-square pixels, 1.9x {label} (viridis PNG)", figure,
                               "viridis", _listed("viridis"))
    figure = render_grid(grid, extent, folder / "to_rotate.png", cmap="viridis")
    base = _matplotlib_case("", figure, "viridis", _listed("viridis"))
    yield rotated(base, 7.0, folder, "scan rotated 7° (viridis PNG, bilinear)")


def sst_case(folder):
    """OI SST contour-filled in 16 classes, land (NaN) grey, black contour lines, JPEG q75."""
    import warnings

    import matplotlib
    import rasterio
    from figures_for_tests import data_pixels, render_grid

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with rasterio.open(f"netcdf:{SHARED_DATA / 'stars_reduced_oisst.nc'}:sst") as dataset:
            sst = dataset.read(1, masked=True).astype(float).filled(np.nan) * dataset.scales[0]
            left, bottom, right, top = dataset.bounds
    levels = np.linspace(-2, 30, 17)
    sst = np.clip(sst, levels[0] + 1e-6, levels[-1] - 1e-6)
    figure = render_grid(sst, (left, right, bottom, top), folder / "sst_classes.jpg",
                         cmap="RdYlBu_r", levels=levels, jpeg_quality=75, facecolor="0.6")
    # The class colours contourf painted (its norm spans the levels; colour at each midpoint).
    colormap = matplotlib.colormaps["RdYlBu_r"]
    mids = (levels[:-1] + levels[1:]) / 2
    colours = np.asarray(colormap((mids - levels[0]) / (levels[-1] - levels[0])))[:, :3]
    case = _matplotlib_case("discrete SST, 16 classes, grey NaN, contours (JPEG q75)", figure,
                            "RdYlBu_r", ("listed", colours),
                            dict(colormap="RdYlBu_r", levels=tuple(levels)), levels)
    case.data = data_pixels(figure)
    # The colorbar of a contour-filled figure spans the levels: the value range handed to all.
    case.vmin, case.vmax = float(levels[0]), float(levels[-1])
    return case


def gmt_cases(folder):
    """GMT grdimage of the Kilauea DEM, continuous .cpt tables, 250 m contours, 100 dpi PNG.

    The truth at each pixel is the grid node GMT and Ghostscript painted there, read from the
    same frame drawn again with the nodes' column and row numbers as colours (see
    :func:`_gmt_painted_nodes`), not the node nearest to the pixel's centre: where a centre lies
    within about a fiftieth of a node spacing of half-way between two nodes (1.4 % of this
    figure's pixels), the rasterizer's fixed-point rounding paints either one.
    """
    import rasterio

    if shutil.which("gmt") is None:
        print("GMT missing: no GMT figures", file=sys.stderr)
        return
    grid_path = SHARED_DATA / "gmtserver_Kilauea.utm.nc"
    region = (254340, 280020, 2129880, 2153640)
    with rasterio.open(grid_path) as dataset:
        grid = dataset.read(1, masked=True).astype(float).filled(np.nan)
    frame = (f"-R{'/'.join(map(str, region))} -JX6i/5.5i -X1i -Y1i -P", "8.5ix7.5i", 100)
    painted_row, painted_col = _gmt_painted_nodes(grid_path, grid.shape, frame, folder)
    for master in ("turbo", "haxby"):
        work = folder / f"gmt_{master}"
        work.mkdir()
        projection, media, dpi = frame
        _run_gmt(work, (
            f"gmt makecpt -C{master} -T0/1500 > table.cpt",
            f"gmt set PS_MEDIA {media}",
            f"gmt grdimage {grid_path} {projection} -Ctable.cpt -Bafg -BWSne+tKilauea -K > fig.ps",
            f"gmt grdcontour {grid_path} -R -J -C250 -Wthin,black -O -K >> fig.ps",
            "gmt psscale -Ctable.cpt -Dx6.4i/0i+w5.5i/0.3i -Bxaf -By+lm -O >> fig.ps",
            f"gmt psconvert fig.ps -Tg -E{dpi}"))
        box = (100, 100, 700, 650)
        west, east, south, north = region

        def pixel_to_map(x, y, box=box):
            return (west + (np.asarray(x) - box[0]) / (box[2] - box[0]) * (east - west),
                    north - (np.asarray(y) - box[1]) / (box[3] - box[1]) * (north - south))

        def truth_at(x, y):
            # The node painted at the pixel holding (x, y) (a gridline node is drawn as a cell
            # centred on it; which of two nodes wins at a tie is the rasterizer's rounding).
            rows, cols = np.floor(np.asarray(y)).astype(int), np.floor(np.asarray(x)).astype(int)
            height, width = painted_row.shape
            inside = (rows >= 0) & (rows < height) & (cols >= 0) & (cols < width)
            out = np.full(np.shape(rows), np.nan)
            i, j = painted_row[rows[inside], cols[inside]], painted_col[rows[inside], cols[inside]]
            known = (i >= 0) & (j >= 0)
            values = np.full(i.shape, np.nan)
            values[known] = grid[i[known], j[known]]
            out[inside] = values
            return np.where(out > 0, out, np.nan)  # 0 is the sea, drawn with noise

        from PIL import Image

        rgb = np.asarray(Image.open(work / "fig.png").convert("RGB"))
        positions, colours = _cpt_table(work / "table.cpt")
        yield Case(f"GMT .cpt {master} (continuous, contours, PNG)", str(work / "fig.png"),
                   (rgb.shape[1], rgb.shape[0]), box, "EPSG:32605", pixel_to_map, truth_at,
                   _clean_pixels(rgb, box), 0.0, 1500.0, ("segments", positions, colours),
                   dict(colormap=str(work / "table.cpt")),
                   colorbar_box=(740, 100, 770, 650))


def _run_gmt(work, commands):
    """Run GMT commands in ``work`` with a session of their own (parallel runs never share)."""
    env = dict(os.environ, GMT_SESSION_NAME=str(os.getpid()), GMT_USERDIR=str(work),
               GMT_TMPDIR=str(work))
    for command in commands:
        subprocess.run(command, shell=True, check=True, cwd=work, env=env,
                       capture_output=True, timeout=300)


def _gmt_painted_nodes(grid_path, shape, frame, folder):
    """Row and column number of the grid node GMT paints at each pixel of ``frame``.

    The grid's own node numbers (``grdmath XCOL``, ``YROW``) are drawn in the same frame, page
    and resolution as the figure, each through a table that gives every number its own flat
    colour (red = number mod 256, green = number // 256, blue 0), and read back from the PNG.
    Pixels GMT leaves white (outside the frame) get -1.
    """
    projection, media, dpi = frame
    work = folder / "gmt_painted_nodes"
    work.mkdir()
    numbers = {}
    for name, operator, count in (("row", "YROW", shape[0]), ("col", "XCOL", shape[1])):
        with open(work / f"{name}.cpt", "w", encoding="utf-8") as table:
            for k in range(count):
                colour = f"{k % 256}/{k // 256}/0"
                table.write(f"{k - 0.5} {colour} {k + 0.5} {colour}\n")
        _run_gmt(work, (
            f"gmt grdmath -R{grid_path} {operator} = {name}.nc",
            f"gmt set PS_MEDIA {media}",
            f"gmt grdimage {name}.nc {projection} -C{name}.cpt > {name}.ps",
            f"gmt psconvert {name}.ps -Tg -E{dpi}"))
        from PIL import Image

        rgb = np.asarray(Image.open(work / f"{name}.png").convert("RGB")).astype(int)
        number = rgb[..., 0] + 256 * rgb[..., 1]
        numbers[name] = np.where((rgb[..., 2] == 0) & (number < count), number, -1)
    return numbers["row"], numbers["col"]


def _cpt_table(path):
    """(positions, colours) of a continuous .cpt as the engine reads it (exact stops)."""
    from colormap_decoder.plugin.engine.colour_scale import read_cpt

    scale = read_cpt(str(path))
    return np.asarray(scale.positions), np.asarray(scale.colours)


def _clean_pixels(rgb, box, margin=2):
    from scipy.ndimage import binary_dilation

    inside = np.zeros(rgb.shape[:2], bool)
    inside[box[1] + 4:box[3] - 4, box[0] + 4:box[2] - 4] = True
    dark = rgb.max(axis=2) < 90
    return inside & ~binary_dilation(dark, iterations=margin)


def qgis_cases(folder):
    """The Vinschgau DEM drawn by QGIS's renderer with its gradient ramps, 2 px per cell."""
    import rasterio

    try:
        from qgis.core import QgsApplication
    except ImportError:
        print("QGIS missing: no QGIS figures", file=sys.stderr)
        return
    global _QGIS_APP
    if QgsApplication.instance() is None:  # a test session has its own
        _QGIS_APP = QgsApplication([], False)
        _QGIS_APP.initQgis()
    sys.path.insert(0, str(REPO / "tests" / "qgis"))
    from test_qgis_rendered_figures import render_with_qgis

    with rasterio.open(DEM_VINSCHGAU) as dataset:
        dem = dataset.read(1, masked=True).astype(float).filled(np.nan)
        transform = dataset.transform
        crs = dataset.crs.to_string()
    from colormap_decoder.plugin.engine.colour_scale import resolve_colour_scale

    for ramp in ("Spectral", "Viridis"):
        path = folder / f"qgis_{ramp}.png"
        render_with_qgis(path, ramp)
        rows, cols = dem.shape[0] * 2, dem.shape[1] * 2

        def pixel_to_map(x, y):
            return transform * (np.asarray(x) / 2, np.asarray(y) / 2)

        def truth_at(x, y):
            i, j = np.floor(np.asarray(y) / 2).astype(int), np.floor(np.asarray(x) / 2).astype(int)
            inside = (i >= 0) & (i < dem.shape[0]) & (j >= 0) & (j < dem.shape[1])
            out = np.full(np.shape(x), np.nan)
            out[inside] = dem[i[inside], j[inside]]
            return out

        data = np.zeros((rows, cols), bool)
        data[2:-2, 2:-2] = True
        scale = resolve_colour_scale(f"qgis:{ramp}")
        yield Case(f"QGIS gradient ramp {ramp} (PNG)", str(path), (cols, rows),
                   (0, 0, cols, rows), crs, pixel_to_map, truth_at, data, 0.0, 4000.0,
                   ("segments", np.asarray(scale.positions), np.asarray(scale.colours)),
                   dict(colormap=f"qgis:{ramp}"))


def linear_segmented_case(folder):
    """A five-stop LinearSegmentedColormap (matplotlib's default 256-entry table) on Vinschgau."""
    import matplotlib
    import rasterio
    from figures_for_tests import render_grid
    from matplotlib.colors import LinearSegmentedColormap

    with rasterio.open(DEM_VINSCHGAU) as dataset:
        dem = dataset.read(1, masked=True).astype(float).filled(np.nan)
        left, bottom, right, top = dataset.bounds
    colormap = LinearSegmentedColormap.from_list(
        "bench_five_stops", ["#2b0f54", "#1f78b4", "#b2df8a", "#ffd92f", "#e31a1c"])
    if "bench_five_stops" not in matplotlib.colormaps:
        matplotlib.colormaps.register(colormap)
    figure = render_grid(dem, (left, right, bottom, top), folder / "five_stops.png",
                         cmap="bench_five_stops", vmin=0, vmax=4000)
    case = _matplotlib_case("LinearSegmentedColormap, 5 stops (PNG)", figure,
                            "bench_five_stops", _listed(colormap))
    case.crs = "EPSG:32632"
    case.vmin, case.vmax = 0.0, 4000.0
    case.settings = dict(colormap="bench_five_stops")
    return case


def rescaled_jpeg(case, folder, scale=0.8, quality=60):
    """The figure shrunk (Lanczos) and saved as JPEG: a screenshot of a PDF page."""
    from PIL import Image
    from scipy.ndimage import binary_erosion

    image = Image.open(case.path).convert("RGB")
    size = (int(round(case.size[0] * scale)), int(round(case.size[1] * scale)))
    path = folder / (Path(case.path).stem + f"_x{scale:g}_q{quality}.jpg")
    image.resize(size, Image.LANCZOS).save(path, quality=quality)
    rows, cols = np.mgrid[0:size[1], 0:size[0]]
    source_row = np.clip(np.floor((rows + 0.5) / scale).astype(int), 0, case.size[1] - 1)
    source_col = np.clip(np.floor((cols + 0.5) / scale).astype(int), 0, case.size[0] - 1)
    data = binary_erosion(case.data[source_row, source_col], iterations=1)
    box = tuple(int(round(v * scale)) for v in case.plot_box)
    colorbar = None if case.colorbar_box is None else tuple(
        int(round(v * scale)) for v in case.colorbar_box)
    return replace(case, name=f"{case.name} -> {int(scale * 100)} %, JPEG q{quality}",
                   path=str(path), size=size, plot_box=box, colorbar_box=colorbar,
                   annotation=None,
                   pixel_to_map=lambda x, y: case.pixel_to_map(np.asarray(x) / scale,
                                                               np.asarray(y) / scale),
                   truth_at=lambda x, y: case.truth_at(np.asarray(x) / scale,
                                                       np.asarray(y) / scale),
                   data=data)


def rotated(case, degrees, folder, name):
    """The figure rotated about its centre (bilinear, white around), as a deskewed scan."""
    from PIL import Image
    from scipy import ndimage

    rgb = np.asarray(Image.open(case.path).convert("RGB"))
    rows, cols = rgb.shape[:2]
    angle = np.radians(degrees)
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    corners = np.array([[0, 0], [cols, 0], [0, rows], [cols, rows]], float) - [cols / 2, rows / 2]
    turned = corners @ rotation.T
    new_cols, new_rows = np.ceil(turned.max(axis=0) - turned.min(axis=0)).astype(int)
    centre, new_centre = np.array([cols / 2, rows / 2]), np.array([new_cols / 2, new_rows / 2])

    def back(x, y):
        q = np.stack([np.asarray(x, float), np.asarray(y, float)], axis=-1) - new_centre
        p = q @ rotation + centre  # rotation⁻¹ = rotationᵀ
        return p[..., 0], p[..., 1]

    matrix = rotation.T[::-1, ::-1]
    offset = (centre[::-1] - 0.5) - matrix @ (new_centre[::-1] - 0.5)
    channels = [ndimage.affine_transform(rgb[..., band].astype(float), matrix, offset,
                                         output_shape=(new_rows, new_cols), order=1, cval=255)
                for band in range(3)]
    path = folder / f"rotated_{degrees:g}.png"
    Image.fromarray(np.clip(np.round(np.stack(channels, -1)), 0, 255).astype(np.uint8)).save(path)
    col0, row0, col1, row1 = case.plot_box
    corners = np.array([[col0, row0], [col1, row0], [col0, row1], [col1, row1]], float)
    moved = (corners - centre) @ rotation.T + new_centre
    box = (int(np.floor(moved[:, 0].min())), int(np.floor(moved[:, 1].min())),
           int(np.ceil(moved[:, 0].max())), int(np.ceil(moved[:, 1].max())))
    r, c = np.mgrid[0:new_rows, 0:new_cols]
    sx, sy = back(c + 0.5, r + 0.5)
    source_row = np.clip(np.floor(sy).astype(int), 0, rows - 1)
    source_col = np.clip(np.floor(sx).astype(int), 0, cols - 1)
    inside = (sx >= 0) & (sx < cols) & (sy >= 0) & (sy < rows)
    data = ndimage.binary_erosion(inside & case.data[source_row, source_col], iterations=1)
    return replace(case, name=name, path=str(path), size=(new_cols, new_rows), plot_box=box,
                   colorbar_box=None, annotation=None,
                   pixel_to_map=lambda x, y: case.pixel_to_map(*back(x, y)),
                   truth_at=lambda x, y: case.truth_at(*back(x, y)), data=data)


def cases(folder):
    yield from jacksboro_cases(folder)
    sst = sst_case(folder)
    yield sst
    gmt = list(gmt_cases(folder))
    yield from gmt
    yield from qgis_cases(folder)
    lsc = linear_segmented_case(folder)
    yield lsc
    for base in [sst] + gmt[:1] + [lsc]:
        yield rescaled_jpeg(base, folder)


# -- measuring -------------------------------------------------------------------------------
def _truth(case):
    rows, cols = np.nonzero(case.data)
    truth = case.truth_at(cols + 0.5, rows + 0.5)
    known = np.isfinite(truth)
    return rows[known], cols[known], truth[known]


def _classes(values, case):
    """Class of each value (the boundaries' interval), -1 where NaN."""
    index = np.searchsorted(case.boundaries, values, side="right") - 1
    index = np.clip(index, 0, len(case.boundaries) - 2)
    return np.where(np.isfinite(values), index, -1)


def measure(case, decoded_at_data, decoded_image=None, rgb=None):
    """Good pixels, error percentiles, data masked, line cores masked."""
    rows, cols, truth = _truth(case)
    values = decoded_at_data(rows, cols)
    missing = np.isnan(values)
    if case.boundaries is not None:
        classes, true_classes = _classes(values, case), _classes(truth, case)
        good = (classes == true_classes) & ~missing
        error = np.abs(classes - true_classes)[~missing] / (len(case.boundaries) - 1)
    else:
        error_all = np.abs(values - truth) / (case.vmax - case.vmin)
        good = error_all <= 0.01
        error = error_all[~missing]
    result = dict(good=float(good.mean()), median=float(np.median(error)) if error.size else np.nan,
                  p95=float(np.percentile(error, 95)) if error.size else np.nan,
                  data_masked=float(missing.mean()), lines_masked=np.nan, lines_wrong=np.nan)
    if case.annotation is not None and case.boundaries is None:
        # Pixels of lines and text with data under them: decoded to a wrong value is a loss
        # no mask shows (left out is fine).
        col0, row0, col1, row1 = case.plot_box
        inside = np.zeros(case.annotation.shape, bool)
        inside[row0 + 2:row1 - 2, col0 + 2:col1 - 2] = True
        line_rows, line_cols = np.nonzero(case.annotation & inside)
        line_truth = case.truth_at(line_cols + 0.5, line_rows + 0.5)
        known = np.isfinite(line_truth)
        line_values = decoded_at_data(line_rows[known], line_cols[known])
        wrong = np.abs(line_values - line_truth[known]) / (case.vmax - case.vmin) > 0.01
        result["lines_wrong"] = float(np.mean(wrong & np.isfinite(line_values)))
    if decoded_image is not None and rgb is not None:
        col0, row0, col1, row1 = case.plot_box
        cores = np.zeros(rgb.shape[:2], bool)
        cores[row0 + 2:row1 - 2, col0 + 2:col1 - 2] = True
        cores &= rgb.max(axis=2) < 40
        if cores.sum() > 50:
            result["lines_masked"] = float(np.isnan(decoded_image[cores]).mean())
    return result


def _rgb(case):
    from PIL import Image

    return np.asarray(Image.open(case.path).convert("RGB"))


def ours(case, folder, colorbar=False):
    """The whole pipeline with its defaults; the output read at each pixel's map position."""
    pipeline = _engine()
    col0, row0, col1, row1 = case.plot_box
    gcps = folder / (Path(case.path).stem + ".gcps.csv")
    lines = ["pixel_x,pixel_y,map_x,map_y"]
    for fx in (0.1, 0.5, 0.9):
        for fy in (0.1, 0.5, 0.9):
            x, y = col0 + fx * (col1 - col0), row0 + fy * (row1 - row0)
            mx, my = case.pixel_to_map(x, y)
            lines.append(f"{x!r},{y!r},{float(mx)!r},{float(my)!r}")
    gcps.write_text("\n".join(lines) + "\n", encoding="utf-8")
    settings = dict(case.settings)
    if colorbar:
        c0, r0, c1, r1 = case.colorbar_box
        settings = dict(colorbar_extent=(c0 - 2, c1 + 2, -(r1 + 3), -(r0 - 3)))
        if case.boundaries is not None:
            settings["levels"] = tuple(case.boundaries)
    settings.setdefault("vmin", case.vmin)
    settings.setdefault("vmax", case.vmax)
    result = pipeline.decode_map(pipeline.DecodeSettings(
        figure_path=case.path, plot_area_extent=(col0, col1, -row1, -row0), gcps_path=str(gcps),
        gcp_crs=case.crs, **settings))
    grid = result.grid
    output = result.values
    if case.boundaries is not None and result.class_grid is not None:
        mids = (case.boundaries[:-1] + case.boundaries[1:]) / 2
        classes = result.class_grid
        output = np.where(np.isfinite(classes), mids[np.nan_to_num(classes).astype(int)], np.nan)
    from affine import Affine

    inverse = ~Affine.from_gdal(*grid.geotransform)

    def at(rows, cols):
        mx, my = case.pixel_to_map(cols + 0.5, rows + 0.5)
        c, r = inverse * (np.asarray(mx), np.asarray(my))
        c, r = np.floor(c).astype(int), np.floor(r).astype(int)
        inside = (c >= 0) & (c < grid.width) & (r >= 0) & (r < grid.height)
        out = np.full(len(rows), np.nan)
        out[inside] = output[r[inside], c[inside]]
        return out

    measured = measure(case, at, result.field.values, _rgb(case))
    threshold = [m for m in result.messages if "ΔE" in m and "Decoded" in m]
    measured["log"] = threshold[0] if threshold else ""
    return measured


def _peer_table(case):
    """The exact table as a matplotlib colormap (what the seed and unmap are handed)."""
    from matplotlib.colors import LinearSegmentedColormap, ListedColormap

    if case.table[0] == "listed":
        return ListedColormap(case.table[1], name="bench_exact")
    _, positions, colours = case.table
    return LinearSegmentedColormap.from_list("bench_exact", list(zip(positions, colours)),
                                             N=SAMPLES)


def _peer_values(case, values):
    """A peer's values on the plot-area crop, as a full figure array (class midpoints kept)."""
    full = np.full((case.size[1], case.size[0]), np.nan)
    col0, row0, col1, row1 = case.plot_box
    full[row0:row1, col0:col1] = values
    return full


def seed(case):
    import matplotlib

    sys.path.insert(0, str(SEED.parent))
    from seed_pipeline import run

    colormap = _peer_table(case)
    name = f"bench_exact_{abs(hash(case.name))}"
    matplotlib.colormaps.register(colormap, name=name, force=True)
    col0, row0, col1, row1 = case.plot_box
    data, _, _ = run(case.path, name, case.vmin, case.vmax, crop=(col0, row0, col1, row1))
    values = _peer_values(case, np.ma.filled(data.astype(float), np.nan))
    return measure(case, lambda r, c: values[r, c], values, _rgb(case))


def unmap_values(case, python, folder):
    col0, row0, col1, row1 = case.plot_box
    table = folder / "unmap_table.npz"
    if case.table[0] == "listed":
        np.savez(table, kind="listed", colours=case.table[1], positions=np.zeros(0))
    else:
        np.savez(table, kind="segments", positions=case.table[1], colours=case.table[2])
    out = folder / "unmap_values.npy"
    script = (
        "import numpy as np, unmap\n"
        "from PIL import Image\n"
        "from matplotlib.colors import LinearSegmentedColormap, ListedColormap\n"
        f"t = np.load({str(table)!r})\n"
        "cmap = (ListedColormap(t['colours']) if str(t['kind']) == 'listed' else\n"
        f"        LinearSegmentedColormap.from_list('exact', list(zip(t['positions'], t['colours'])), N={SAMPLES}))\n"
        f"image = np.asarray(Image.open({case.path!r}).convert('RGB'))[{row0}:{row1}, {col0}:{col1}]\n"
        f"values = unmap.unmap(image / 255.0, cmap=cmap, vrange=({case.vmin!r}, {case.vmax!r}),\n"
        f"                     levels={SAMPLES}, threshold=0.1)\n"
        f"np.save({str(out)!r}, np.ma.filled(np.ma.masked_invalid(values).astype(float), np.nan))\n")
    subprocess.run([python, "-c", script], check=True, capture_output=True, timeout=900)
    values = _peer_values(case, np.load(out))
    return measure(case, lambda r, c: values[r, c], values, _rgb(case))


def _cell(result):
    def pct(value, digits):
        return "–" if not np.isfinite(value) else f"{100 * value:.{digits}f}"

    return (f"{pct(result['good'], 2)} | {pct(result['median'], 3)} | {pct(result['p95'], 3)} | "
            f"{pct(result['data_masked'], 2)} | {pct(result['lines_masked'], 1)} | "
            f"{pct(result.get('lines_wrong', np.nan), 1)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--unmap-python")
    parser.add_argument("--only", help="only figures whose name contains this")
    parser.add_argument("--json", help="also write the numbers here")
    arguments = parser.parse_args()
    _engine()
    folder = Path(tempfile.mkdtemp(prefix="accuracy_"))
    rows, numbers = [], {}
    header = ("| figure | decoder | good % | median % | p95 % | data masked % | line cores masked % "
              "| line pixels wrong % |\n|---|---|---:|---:|---:|---:|---:|---:|")
    for case in cases(folder):
        if arguments.only and arguments.only not in case.name:
            continue
        results = {"ours": ours(case, folder)}
        if case.colorbar_box is not None and case.name.startswith("matplotlib"):
            results["ours, colorbar box"] = ours(case, folder, colorbar=True)
        results["seed pipeline"] = seed(case)
        if arguments.unmap_python:
            try:
                results["unmap"] = unmap_values(case, arguments.unmap_python, folder)
            except subprocess.CalledProcessError as error:
                print(f"unmap failed on {case.name}: {error.stderr[-300:]}", file=sys.stderr)
        for decoder, result in results.items():
            rows.append(f"| {case.name} | {decoder} | {_cell(result)} |")
        numbers[case.name] = results
        print(f"done: {case.name}  ({results['ours'].get('log', '')})", file=sys.stderr, flush=True)
    print(header)
    print("\n".join(rows))
    if arguments.json:
        with open(arguments.json, "w", encoding="utf-8") as handle:
            json.dump(numbers, handle, indent=1)


if __name__ == "__main__":
    main()
