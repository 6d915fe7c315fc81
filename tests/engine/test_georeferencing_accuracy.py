"""How far the output lands from where it belongs: geolocation measured on figures of real grids.

Every figure here is drawn by matplotlib on pixel-exact axes from a real grid, so the truth of
every figure pixel is known: its map position (the axes' linear map in the figure's own CRS,
then pyproj to any other CRS) and its value. Three measurements, all in *figure pixels* (the
figure's mean resolution in the target CRS, :func:`~warping.mean_pixel_size`; output pixels can
be finer, so that no figure pixel is lost):

* **forward**: a lattice of figure pixel positions inside the plot area goes through the
  pipeline's georeference (:func:`~warping.pixels_to_target`, what the point layer uses) and is
  compared with where the truth puts it in the target CRS;
* **raster**: for every output pixel, the figure position the warp takes its value from
  (:func:`~warping.source_pixels_for_grid`, including its interpolated lattice) is mapped to the
  target CRS by the truth and compared with the output pixel's centre;
* **values**: the decoded raster (:func:`~pipeline.decode_map`) is compared with the truth grid
  sampled at each output pixel centre's map position, and the shift of the truth that matches the
  decoded raster best is searched on a ±1 output pixel lattice: it must be (close to) no shift.

Run as a script to print the table of measured errors::

    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root QT_QPA_PLATFORM=offscreen \\
        /usr/bin/python3 tests/engine/test_georeferencing_accuracy.py
"""
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

if __name__ == "__main__":  # as a script: the same set-up as pytest's conftest
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import conftest  # noqa: F401

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from figures_for_tests import RenderedFigure, _rect, jacksboro_dem, render_grid  # noqa: E402
from matplotlib import transforms  # noqa: E402
from pyproj import CRS, Transformer  # noqa: E402

from colormap_decoder.plugin.engine.errors import GcpError  # noqa: E402
from colormap_decoder.plugin.engine.figure import read_figure  # noqa: E402
from colormap_decoder.plugin.engine.gcp_diagnostics import diagnose_georeferencing  # noqa: E402
from colormap_decoder.plugin.engine.gcp_transform import TransformKind, compute_residuals  # noqa: E402
from colormap_decoder.plugin.engine.gcps import GroundControlPoints, read_gcps, write_points_file  # noqa: E402
from colormap_decoder.plugin.engine.pipeline import DecodeSettings, decode_map  # noqa: E402
from colormap_decoder.plugin.engine.report import write_georeferencing_report  # noqa: E402
from colormap_decoder.plugin.engine.warping import (  # noqa: E402
    mean_pixel_size,
    pixels_to_target,
    source_pixels_for_grid,
)

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "sample"
AGE_GRID = REPO / "tests" / "data" / "gmtserver_age.3.20.nc"
P1, TPS = TransformKind.POLYNOMIAL_1, TransformKind.THIN_PLATE_SPLINE

#: Lambert conformal conic with its own standard parallels, over the North Atlantic.
LAMBERT = ("+proj=lcc +lat_0=50 +lon_0=-35 +lat_1=40 +lat_2=60 +x_0=0 +y_0=0 +ellps=WGS84 "
           "+units=m +no_defs +type=crs")
POLAR = "EPSG:3413"  # NSIDC Sea Ice Polar Stereographic North (true scale at 70°N, lon 0 = -45°)


# ============================================================================================
# Truth of a figure


@dataclass
class Truth:
    """Where every figure pixel truly is, and what value it shows.

    ``native_crs`` is the CRS in which the axes are linear; ``pixel_to_native`` and
    ``native_to_pixel`` are the axes' exact linear maps; ``value_at_pixel`` the drawn value.
    """

    native_crs: str
    plot_box: tuple
    pixel_to_native: object
    native_to_pixel: object
    value_at_pixel: object

    def pixel_to(self, crs, x, y):
        nx, ny = self.pixel_to_native(np.asarray(x, float), np.asarray(y, float))
        if crs == self.native_crs:
            return np.asarray(nx), np.asarray(ny)
        tx, ty = Transformer.from_crs(self.native_crs, crs, always_xy=True).transform(nx, ny)
        return np.asarray(tx), np.asarray(ty)

    def pixel_from(self, crs, tx, ty):
        if crs != self.native_crs:
            tx, ty = Transformer.from_crs(crs, self.native_crs, always_xy=True).transform(tx, ty)
        return self.native_to_pixel(np.asarray(tx, float), np.asarray(ty, float))


def axes_maps(plot_box, xlim, ylim):
    """Exact linear maps between figure pixels (y down) and the axes' data coordinates."""
    col0, row0, col1, row1 = plot_box
    (left, right), (bottom, top) = xlim, ylim

    def to_data(x, y):
        return (left + (x - col0) / (col1 - col0) * (right - left),
                top - (y - row0) / (row1 - row0) * (top - bottom))

    def to_pixel(mx, my):
        return (col0 + (mx - left) / (right - left) * (col1 - col0),
                row0 + (top - my) / (top - bottom) * (row1 - row0))

    return to_data, to_pixel


def truth_of_rendered(figure, crs):
    """Truth of a figures_for_tests.RenderedFigure (imshow/contourf on linear axes)."""
    left, right, bottom, top = figure.extent
    to_data, to_pixel = axes_maps(figure.plot_box, (left, right), (bottom, top))
    return Truth(crs, figure.plot_box, to_data, to_pixel, figure.truth_at_pixels)


# ============================================================================================
# Figures


def jacksboro_figure(folder):
    """matplotlib's Jacksboro DEM (3″, lon/lat) drawn with imshow on lon/lat axes, EPSG:4326."""
    grid, extent = jacksboro_dem()
    figure = render_grid(grid, extent, folder / "jacksboro.png")
    return figure, truth_of_rendered(figure, "EPSG:4326")


def vinschgau_figure():
    """The bundled sample: the 250 m Vinschgau DEM in UTM 32N, axes at pixels 112..672 x 87..518."""
    import rasterio

    with rasterio.open(SAMPLE / "terra_elev_vinschgau.tif") as dataset:
        grid = dataset.read(1, masked=True).filled(np.nan).astype(float)
        left, bottom, right, top = dataset.bounds
    # sample/make_sample.py: axes [112/900, 82/600, 560/900, 431/600] of a 900x600 figure.
    plot_box = (112, 600 - 82 - 431, 112 + 560, 600 - 82)
    figure = RenderedFigure(str(SAMPLE / "vinschgau_viridis.png"), (900, 600), plot_box,
                            (700, 87, 720, 518), (left, right, bottom, top), grid, "bilinear",
                            np.zeros((600, 900), bool))
    return figure, truth_of_rendered(figure, "EPSG:32632")


@dataclass
class ProjectedFigure:
    """A lon/lat grid drawn with pcolormesh in projected coordinates, graticule on top."""

    path: str
    size: tuple
    plot_box: tuple
    crs: str
    xlim: tuple
    ylim: tuple
    truth: Truth
    vmin: float
    vmax: float

    def graticule_gcps(self, lons, lats, crs, margin=3.0):
        """GCPs at the graticule crossings inside the axes, map coordinates in `crs`."""
        lon, lat = (a.ravel() for a in np.meshgrid(np.asarray(lons, float), np.asarray(lats, float)))
        x, y = self.truth.pixel_from("EPSG:4326", lon, lat)
        col0, row0, col1, row1 = self.plot_box
        keep = ((x > col0 + margin) & (x < col1 - margin) & (y > row0 + margin)
                & (y < row1 - margin))
        mx, my = (lon, lat) if CRS.from_user_input(crs).is_geographic else \
            Transformer.from_crs("EPSG:4326", crs, always_xy=True).transform(lon, lat)
        mx, my = np.asarray(mx)[keep], np.asarray(my)[keep]
        return GroundControlPoints(pixel=np.column_stack([x[keep], y[keep]]),
                                   map=np.column_stack([mx, my]), enabled=None,
                                   crs=CRS.from_user_input(crs).to_wkt(),
                                   source=f"graticule of {Path(self.path).name}")


def read_age_grid():
    """EarthByte ocean-floor age (Myr), 20′ nodes from -180..180, 90..-90; NaN on land."""
    import rasterio

    with rasterio.open(f"netcdf:{AGE_GRID}:z") as dataset:
        ages = dataset.read(1, masked=True).astype(float) * dataset.scales[0]
        return ages.filled(np.nan)


def age_truth_at_lonlat(ages, step, max_latitude):
    """Value of the cell holding each lon/lat (nodes every `step` degrees from -180 and 90).

    NaN poleward of `max_latitude`, where the cells get narrower than a figure pixel and the
    colour a pixel shows no longer follows from its centre alone.
    """
    def value(lon, lat):
        lon, lat = np.asarray(lon, float), np.asarray(lat, float)
        with np.errstate(invalid="ignore"):
            col = np.rint(np.mod(lon + 180.0, 360.0) / step)
            row = np.rint((90.0 - lat) / step)
            ok = (np.isfinite(col) & np.isfinite(row) & (np.abs(lat) <= max_latitude))
        out = np.full(np.shape(lon), np.nan)
        out[ok] = ages[row[ok].astype(int), np.mod(col[ok].astype(int), ages.shape[1])]
        return out
    return value


def render_projected(path, ages, crs, xlim, ylim, lon_range, lat_range, graticule_lons,
                     graticule_lats, size=(900, 600), plot_box=(110, 70, 690, 530), vmin=0.0,
                     vmax=280.0, stride=1, max_value_latitude=90.0):
    """Draw the age grid in `crs` the way a map figure is drawn, with a black graticule.

    Grid cells are quadrilaterals between the projected corners of each cell (pcolormesh,
    not antialiased: every pixel takes the colour of the cell holding its centre). Land (NaN)
    stays white. ``stride`` keeps every n-th node (cells of n × 20′).
    """
    ages = ages[::stride, ::stride]
    step = stride / 3.0
    rows = np.arange(ages.shape[0])
    cols = np.arange(ages.shape[1])
    node_lat = 90.0 - rows * step
    node_lon = -180.0 + cols * step
    keep_rows = rows[(node_lat >= lat_range[0]) & (node_lat <= lat_range[1])]
    keep_cols = cols[(node_lon >= lon_range[0]) & (node_lon <= lon_range[1])]
    values = ages[np.ix_(keep_rows, keep_cols)]
    lat_edges = np.clip(np.append(node_lat[keep_rows] + step / 2, node_lat[keep_rows[-1]] - step / 2),
                        -90, 90)
    lon_edges = np.append(node_lon[keep_cols] - step / 2, node_lon[keep_cols[-1]] + step / 2)
    to_crs = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    corner_x, corner_y = to_crs.transform(*np.meshgrid(lon_edges, lat_edges))

    width, height = size
    figure = plt.figure(figsize=(width / 100, height / 100), dpi=100)
    axes = figure.add_axes(_rect(plot_box, size))
    # Agg, filling without antialiasing or snapping, gives a pixel the colour found half a
    # pixel right of and below its centre (measured on this figure: the drawing lands half a
    # pixel up and left). Shifting the mesh half a pixel right and down makes every pixel show
    # the cell that holds its centre, so the truth below is exact (best match at no shift).
    half_pixel = transforms.Affine2D().translate(0.5, -0.5)
    axes.pcolormesh(corner_x, corner_y, np.ma.masked_invalid(values), cmap="viridis", vmin=vmin,
                    vmax=vmax, shading="flat", antialiased=False, edgecolors="none", snap=False,
                    transform=axes.transData + half_pixel)
    dense = np.linspace(0, 1, 400)
    for lon in graticule_lons:
        gx, gy = to_crs.transform(np.full_like(dense, lon), lat_range[0] + dense * np.ptp(lat_range))
        axes.plot(gx, gy, color="black", linewidth=0.8)
    for lat in graticule_lats:
        gx, gy = to_crs.transform(lon_range[0] + dense * np.ptp(lon_range), np.full_like(dense, lat))
        axes.plot(gx, gy, color="black", linewidth=0.8)
    axes.set_xlim(*xlim)
    axes.set_ylim(*ylim)
    axes.set_xticks([])
    axes.set_yticks([])
    axes.set_title("Age of the ocean floor (Myr)")
    figure.savefig(path, dpi=100)
    plt.close(figure)

    to_data, to_pixel = axes_maps(plot_box, xlim, ylim)
    lookup = age_truth_at_lonlat(ages, step, max_value_latitude)
    to_lonlat = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)

    def value_at_pixel(x, y):
        lon, lat = to_lonlat.transform(*to_data(np.asarray(x, float), np.asarray(y, float)))
        return lookup(np.asarray(lon), np.asarray(lat))

    truth = Truth(crs, plot_box, to_data, to_pixel, value_at_pixel)
    return ProjectedFigure(str(path), size, plot_box, crs, xlim, ylim, truth, vmin, vmax)


def lambert_figure(folder, ages):
    """The North Atlantic in a Lambert conformal conic: 10 km pixels, 10° graticule."""
    return render_projected(folder / "atlantic_lambert.png", ages, LAMBERT,
                            xlim=(-2.9e6, 2.9e6), ylim=(-2.3e6, 2.3e6), lon_range=(-110, 40),
                            lat_range=(5, 89), graticule_lons=np.arange(-80, 11, 10),
                            graticule_lats=np.arange(20, 81, 10))


def polar_figure(folder, ages):
    """The Arctic north of about 60°N in EPSG:3413, 14 km pixels, 1° cells, 30°/10° graticule.

    Values are compared up to 80°N only: nearer the pole a 1° cell is narrower than a pixel.
    """
    return render_projected(folder / "arctic_3413.png", ages, POLAR, xlim=(-3.3e6, 3.3e6),
                            ylim=(-3.3e6, 3.3e6), lon_range=(-180.2, 180.2), lat_range=(45, 90),
                            graticule_lons=np.arange(-180, 180, 30),
                            graticule_lats=np.arange(60, 90, 10), size=(700, 600),
                            plot_box=(110, 70, 570, 530), stride=3, max_value_latitude=80.0)


# ============================================================================================
# Measurements


def pixel_box_extent(box):
    """PLOT_AREA as (xmin, xmax, ymin, ymax) in the layer frame (y = -row)."""
    col0, row0, col1, row1 = box
    return (col0, col1, -row1, -row0)


def decode(figure_path, plot_box, gcps_path, gcp_crs, kind, target_crs, vmin, vmax):
    settings = DecodeSettings(figure_path=str(figure_path), colormap="viridis", vmin=vmin,
                              vmax=vmax, plot_area_extent=pixel_box_extent(plot_box),
                              gcps_path=str(gcps_path), gcp_crs=gcp_crs, transform=kind,
                              target_crs=target_crs)
    return decode_map(settings)


def output_centres(grid):
    x0, a, b, y0, d, e = grid.geotransform
    cols, rows = np.meshgrid(np.arange(grid.width) + 0.5, np.arange(grid.height) + 0.5)
    return x0 + cols * a + rows * b, y0 + cols * d + rows * e


def figure_pixel_size(result):
    """The unit of every measurement here: one figure pixel's size in the target CRS."""
    ref = result.georeference
    return mean_pixel_size(ref.pixel_transform, ref.source_crs, ref.target_crs, result.plot_box)


def geolocation_errors(result, truth, within=None):
    """Forward and raster geolocation errors in figure pixels (see the module docstring).

    ``within`` (a callable on figure pixel x, y -> bool) restricts both to part of the figure.
    """
    ref, grid = result.georeference, result.grid
    unit = figure_pixel_size(result)
    col0, row0, col1, row1 = result.plot_box
    fx, fy = np.meshgrid(np.linspace(col0 + 0.5, col1 - 0.5, 60),
                         np.linspace(row0 + 0.5, row1 - 0.5, 45))
    fx, fy = fx.ravel(), fy.ravel()
    if within is not None:
        keep = within(fx, fy)
        fx, fy = fx[keep], fy[keep]
    px, py = pixels_to_target(fx, fy, ref.pixel_transform, ref.source_crs, ref.target_crs)
    tx, ty = truth.pixel_to(ref.target_crs, fx, fy)
    forward = np.hypot(np.asarray(px) - tx, np.asarray(py) - ty) / unit

    sx, sy = source_pixels_for_grid(grid, ref.pixel_transform, ref.source_crs, ref.target_crs)
    inside = (sx >= col0) & (sx < col1) & (sy >= row0) & (sy < row1)
    if within is not None:
        inside &= within(sx, sy)
    cx, cy = output_centres(grid)
    tx, ty = truth.pixel_to(ref.target_crs, sx[inside], sy[inside])
    raster = np.hypot(tx - cx[inside], ty - cy[inside]) / unit
    return forward, raster


def value_comparison(result, truth, step, sample=30000, seed=1):
    """Decoded values against the truth at the output centres, and the best-matching shift.

    Returns (fraction of compared pixels within one colour step of the truth, best shift in
    figure pixels (dx, dy), fraction within one step at that shift and at 1 px).
    """
    grid = result.grid
    unit = figure_pixel_size(result)
    cx, cy = output_centres(grid)
    decoded = result.values
    candidates = np.flatnonzero(np.isfinite(decoded).ravel())
    rng = np.random.default_rng(seed)
    chosen = rng.choice(candidates, size=min(sample, candidates.size), replace=False)
    cx, cy, decoded = cx.ravel()[chosen], cy.ravel()[chosen], decoded.ravel()[chosen]
    crs = result.georeference.target_crs

    def agreement(shift_x, shift_y):
        x, y = truth.pixel_from(crs, cx + shift_x * unit, cy - shift_y * unit)
        true = truth.value_at_pixel(np.asarray(x), np.asarray(y))
        ok = np.isfinite(true)
        return float(np.mean(np.abs(decoded[ok] - true[ok]) <= step)), int(ok.sum())

    shifts = np.arange(-1.0, 1.01, 0.25)
    table = {(sx, sy): agreement(sx, sy)[0] for sx in shifts for sy in shifts}
    best = max(table, key=table.get)
    return {"within_step": table[(0.0, 0.0)], "best_shift": best,
            "best_within_step": table[best], "at_one_pixel": table[(1.0, 0.0)]}


def write_csv_gcps(path, gcps):
    lines = ["pixel_x,pixel_y,map_x,map_y,enabled"]
    for (x, y), (mx, my), on in zip(gcps.pixel, gcps.map, gcps.enabled):
        lines.append(f"{x!r},{y!r},{mx!r},{my!r},{int(on)}")
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# ============================================================================================
# Fixtures: every figure is rendered once per session


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("georeferencing_accuracy")


@pytest.fixture(scope="module")
def jacksboro(folder):
    return jacksboro_figure(folder)


@pytest.fixture(scope="module")
def ages():
    return read_age_grid()


@pytest.fixture(scope="module")
def lambert(folder, ages):
    return lambert_figure(folder, ages)


@pytest.fixture(scope="module")
def polar(folder, ages):
    return polar_figure(folder, ages)


# ============================================================================================
# EPSG:4326: the Jacksboro DEM


def jacksboro_case(folder, figure, truth):
    gcps_path = figure.gcps_csv(folder / "jacksboro_gcps.csv")
    grid = figure.grid
    result = decode(figure.path, figure.plot_box, gcps_path, "EPSG:4326", P1, "EPSG:4326",
                    np.nanmin(grid), np.nanmax(grid))
    return result


def test_jacksboro_in_epsg4326_lands_within_half_an_output_pixel(folder, jacksboro):
    figure, truth = jacksboro
    result = jacksboro_case(folder, figure, truth)
    forward, raster = geolocation_errors(result, truth)
    assert forward.max() <= 1e-6          # exact GCPs, Polynomial 1: the transform is exact
    assert raster.max() <= 0.5            # warp lattice interpolation included
    step = np.ptp(figure.grid[np.isfinite(figure.grid)]) / 255
    values = value_comparison(result, truth, 2 * step)
    assert values["best_shift"] == (0.0, 0.0)
    assert values["within_step"] >= 0.75 > values["at_one_pixel"] + 0.2
    ref = result.georeference
    assert diagnose_georeferencing(ref.gcps, P1, ref.source_crs, ref.residuals) == []


# ============================================================================================
# UTM: the bundled sample, in its own CRS and in EPSG:4326


def vinschgau_case(target_crs):
    figure, truth = vinschgau_figure()
    result = decode(figure.path, figure.plot_box, SAMPLE / "vinschgau_viridis.png.points", None,
                    P1, target_crs, 0, 4000)
    return figure, truth, result


@pytest.mark.parametrize("target_crs", ["EPSG:32632", "EPSG:4326"])
def test_sample_in_utm_and_in_epsg4326_lands_within_half_an_output_pixel(target_crs):
    figure, truth, result = vinschgau_case(target_crs)
    forward, raster = geolocation_errors(result, truth)
    assert forward.max() <= 1e-3
    assert raster.max() <= 0.5
    values = value_comparison(result, truth, 2 * 4000 / 255)
    assert values["best_shift"] == (0.0, 0.0)
    assert values["within_step"] >= 0.85 > values["at_one_pixel"] + 0.2


# ============================================================================================
# A projection that is not the data's: the age grid in a Lambert conformal conic


LAMBERT_GRATICULE = (np.arange(-80, 11, 10), np.arange(20, 81, 10))


def hull_of(gcps):
    """within() callable: inside the convex hull of the GCPs' pixel positions."""
    from scipy.spatial import Delaunay

    triangulation = Delaunay(gcps.pixel)

    def within(x, y):
        points = np.column_stack([np.ravel(x), np.ravel(y)])
        return (triangulation.find_simplex(points) >= 0).reshape(np.shape(x))
    return within


def lambert_projected_case(folder, figure, target_crs):
    gcps = figure.graticule_gcps(*LAMBERT_GRATICULE, LAMBERT)
    path = folder / "atlantic_lambert.png.points"
    write_points_file(path, gcps)
    return decode(figure.path, figure.plot_box, path, None, P1, target_crs, 0, 280)


def lambert_lonlat_case(folder, figure, kind):
    gcps = figure.graticule_gcps(*LAMBERT_GRATICULE, "EPSG:4326")
    path = write_csv_gcps(folder / "atlantic_lambert_lonlat.csv", gcps)
    return decode(figure.path, figure.plot_box, path, "EPSG:4326", kind, "EPSG:4326", 0, 280)


@pytest.mark.parametrize("target_crs", [LAMBERT, "EPSG:4326"])
def test_lambert_figure_with_gcps_in_its_projected_crs_is_exact(folder, lambert, target_crs):
    result = lambert_projected_case(folder, lambert, target_crs)
    forward, raster = geolocation_errors(result, lambert.truth)
    assert forward.max() <= 1e-6
    assert raster.max() <= (1e-6 if target_crs == LAMBERT else 0.5)
    values = value_comparison(result, lambert.truth, 280 / 255)
    assert values["best_shift"] == (0.0, 0.0)
    assert values["within_step"] >= 0.85
    ref = result.georeference
    assert diagnose_georeferencing(ref.gcps, P1, ref.source_crs, ref.residuals) == []


def test_lambert_figure_with_lonlat_gcps_and_thin_plate_spline(folder, lambert):
    """TPS through the 32 crossings of a 10° graticule: good in the middle, far off at the rim.

    Measured (raster, output pixels of 0.113°): median 0.77, 95th percentile 16, at most 13
    inside the GCPs' hull (the thin sliver under the two 70°N crossings) and 26 in the corners
    outside it, where the spline can only extrapolate. Polynomial 3 on the same GCPs does
    better (median 0.36, at most 4.1); GCPs in the figure's projected CRS are exact.
    """
    result = lambert_lonlat_case(folder, lambert, TPS)
    forward, raster = geolocation_errors(result, lambert.truth)
    inside_forward, inside_raster = geolocation_errors(result, lambert.truth,
                                                       within=hull_of(result.georeference.gcps))
    assert np.median(raster) <= 1.0
    assert np.median(inside_raster) <= 1.0
    assert inside_raster.max() < raster.max()
    values = value_comparison(result, lambert.truth, 280 / 255)
    assert values["within_step"] >= 0.6


def test_lambert_figure_with_lonlat_gcps_and_polynomial_1_warns_about_a_curved_graticule(
        folder, lambert):
    result = lambert_lonlat_case(folder, lambert, P1)
    _, raster = geolocation_errors(result, lambert.truth)
    assert np.median(raster) > 10  # the affine map from lon/lat is tens of pixels off
    ref = result.georeference
    warnings = diagnose_georeferencing(ref.gcps, P1, ref.source_crs, ref.residuals)
    curved = [message for message in warnings if "graticule is curved" in message]
    assert len(curved) == 1
    assert "projected CRS" in curved[0] and "Thin Plate Spline" in curved[0]
    # The corner GCPs stand out, but they are on the edge: not blamed on a typo alone.
    for message in warnings:
        if "from where the other GCPs put it" in message:
            assert "outer edge" in message


# ============================================================================================
# Around the pole: the Arctic in polar stereographic EPSG:3413


POLAR_LONS, POLAR_LATS = np.arange(-180, 180, 30), [60, 70, 80]


def test_polar_figure_with_gcps_in_epsg3413_is_exact(folder, polar):
    gcps = polar.graticule_gcps(POLAR_LONS, POLAR_LATS, POLAR)
    pole = polar.graticule_gcps([0], [90], POLAR)
    both = GroundControlPoints(np.vstack([gcps.pixel, pole.pixel]), np.vstack([gcps.map, pole.map]),
                               None, crs=gcps.crs)
    path = folder / "arctic_3413.png.points"
    write_points_file(path, both)
    result = decode(polar.path, polar.plot_box, path, None, P1, POLAR, 0, 280)
    forward, raster = geolocation_errors(result, polar.truth)
    assert forward.max() <= 1e-6 and raster.max() <= 1e-6
    # The geolocation is exact; the values match best a quarter pixel off, as they do in the
    # figure itself (Agg's fill rule for the rotated, sub-pixel-aligned cells), not an error
    # of the georeferencing.
    values = value_comparison(result, polar.truth, 280 / 255)
    assert max(abs(shift) for shift in values["best_shift"]) <= 0.25
    assert values["within_step"] >= 0.8
    ref = result.georeference
    assert diagnose_georeferencing(ref.gcps, P1, ref.source_crs, ref.residuals) == []


@pytest.mark.parametrize("kind", [P1, TPS])
def test_lonlat_gcps_around_the_pole_are_refused(polar, kind):
    gcps = polar.graticule_gcps(POLAR_LONS, POLAR_LATS, "EPSG:4326")
    residuals = compute_residuals(gcps, kind)
    with pytest.raises(GcpError, match="surround the North Pole") as caught:
        diagnose_georeferencing(gcps, kind, "EPSG:4326", residuals)
    assert "EPSG:3413" in str(caught.value) and "longitude wraps" in str(caught.value)
    assert caught.value.parameter == "GCP_CRS"


def test_lonlat_gcps_on_the_pole_or_winding_half_round_it_are_refused(polar):
    from colormap_decoder.plugin.engine.gcp_diagnostics import refuse_unusable_gcps

    # Every meridian meets at the pole: twelve GCPs on one pixel. Refused before any fit.
    on_pole = polar.graticule_gcps(POLAR_LONS, [70, 80, 90], "EPSG:4326")
    with pytest.raises(GcpError, match="lie on the pole itself"):
        refuse_unusable_gcps(on_pole, "EPSG:4326")
    # Only the crossings of a 210° arc of longitudes: the pole is still inside their hull.
    arc = polar.graticule_gcps(np.arange(-150, 61, 30), [60, 70], "EPSG:4326")
    with pytest.raises(GcpError, match="wind 210°"):
        refuse_unusable_gcps(arc, "EPSG:4326")
    # A 90° sector well away from the pole is an ordinary (curved) graticule: not refused.
    sector = polar.graticule_gcps(np.arange(-90, 1, 30), [60, 70], "EPSG:4326")
    refuse_unusable_gcps(sector, "EPSG:4326")


def test_world_map_in_plate_carree_spanning_360_degrees_is_not_refused():
    lon, lat = np.meshgrid(np.arange(-180, 181, 60.0), np.arange(-90, 91, 45.0))
    pixel = np.column_stack([(lon.ravel() + 180) * 2 + 50, (90 - lat.ravel()) * 2 + 40])
    gcps = GroundControlPoints(pixel, np.column_stack([lon.ravel(), lat.ravel()]), None)
    assert diagnose_georeferencing(gcps, P1, "EPSG:4326", compute_residuals(gcps, P1)) == []


def test_longitudes_jumping_across_the_antimeridian_are_refused():
    lon, lat = np.meshgrid([160.0, 170, 180, 190, 200], [-20.0, -10, 0])
    pixel = np.column_stack([(lon.ravel() - 150) * 10, (10 - lat.ravel()) * 10])
    continuous = GroundControlPoints(pixel, np.column_stack([lon.ravel(), lat.ravel()]), None)
    assert diagnose_georeferencing(continuous, P1, "EPSG:4326",
                                   compute_residuals(continuous, P1)) == []
    wrapped = np.where(lon.ravel() > 180, lon.ravel() - 360, lon.ravel())
    jumping = GroundControlPoints(pixel, np.column_stack([wrapped, lat.ravel()]), None)
    with pytest.raises(GcpError, match="antimeridian"):
        diagnose_georeferencing(jumping, P1, "EPSG:4326", compute_residuals(jumping, P1))


# ============================================================================================
# Typos, noise


def test_a_typo_in_one_gcp_is_named(jacksboro):
    figure, truth = jacksboro
    col0, row0, col1, row1 = figure.plot_box
    x, y = np.meshgrid(np.linspace(col0 + 30, col1 - 30, 4), np.linspace(row0 + 30, row1 - 30, 4))
    x, y = x.ravel(), y.ravel()
    lon, lat = truth.pixel_to("EPSG:4326", x, y)
    lat = lat.copy()
    lat[5] = float(f"{lat[5]:.4f}".replace("36.6", "36.5", 1))  # 36.6xxx typed as 36.5xxx
    gcps = GroundControlPoints(np.column_stack([x, y]), np.column_stack([lon, lat]), None)
    warnings = diagnose_georeferencing(gcps, P1, "EPSG:4326", compute_residuals(gcps, P1))
    named = [message for message in warnings if message.startswith("GCP 6 ")]
    assert len(named) == 1 and "Likely a typo" in named[0]
    assert not any(message.startswith("GCP 1 ") for message in warnings)


def test_random_click_errors_are_not_taken_for_a_curved_graticule(jacksboro):
    figure, truth = jacksboro
    col0, row0, col1, row1 = figure.plot_box
    x, y = np.meshgrid(np.linspace(col0 + 20, col1 - 20, 4), np.linspace(row0 + 20, row1 - 20, 4))
    x, y = x.ravel(), y.ravel()
    lon, lat = truth.pixel_to("EPSG:4326", x, y)
    clicked = np.column_stack([x, y]) + np.random.default_rng(5).normal(0, 2.0, (len(x), 2))
    gcps = GroundControlPoints(clicked, np.column_stack([lon, lat]), None)
    warnings = diagnose_georeferencing(gcps, P1, "EPSG:4326", compute_residuals(gcps, P1))
    assert any("errors look random" in message for message in warnings)
    assert not any("curved" in message for message in warnings)


def bunched_or_spread_gcps(folder, figure, truth, corner, name):
    """A 3 x 3 lattice of GCPs clicked with 0.3 px of error, over the top-left ``corner`` share
    of the plot area's width and height (1: the whole plot area, 20 px in from its edges)."""
    col0, row0, col1, row1 = figure.plot_box
    x, y = np.meshgrid(np.linspace(col0 + 20, col0 + 20 + corner * (col1 - col0 - 40), 3),
                       np.linspace(row0 + 20, row0 + 20 + corner * (row1 - row0 - 40), 3))
    x, y = x.ravel(), y.ravel()
    lon, lat = truth.pixel_to("EPSG:4326", x, y)
    clicked = np.column_stack([x, y]) + np.random.default_rng(7).normal(0, 0.3, (len(x), 2))
    gcps = GroundControlPoints(clicked, np.column_stack([lon, lat]), None)
    return write_csv_gcps(folder / f"jacksboro_{name}.csv", gcps)


def extrapolation_warnings(result):
    return [message for message in result.warnings if "only extrapolates" in message]


def test_a_bending_transform_far_outside_bunched_gcps_is_warned_about(folder, jacksboro):
    """GCPs in the top-left fifth of the map, Polynomial 2: the map's far corner is placed by
    extrapolation, many pixels off (0.3 px click errors grow with the square of the distance),
    and the residuals cannot show it; the log says so. The same GCPs with Polynomial 1, or
    Polynomial 2 with the GCPs over the whole map, are not warned about."""
    figure, truth = jacksboro
    grid = figure.grid
    vmin, vmax = np.nanmin(grid), np.nanmax(grid)
    bunched = bunched_or_spread_gcps(folder, figure, truth, 0.2, "bunched")
    result = decode(figure.path, figure.plot_box, bunched, "EPSG:4326",
                    TransformKind.POLYNOMIAL_2, "EPSG:4326", vmin, vmax)
    forward, _ = geolocation_errors(result, truth)
    assert forward.max() > 2.0  # the warning is earned: the far corner is pixels off
    assert result.georeference.residuals.loo_rmse_pixels < 1.0  # and the GCPs do not show it
    warned = extrapolation_warnings(result)
    assert len(warned) == 1
    assert "Polynomial 2" in warned[0] and "TRANSFORM" in warned[0]
    share = float(re.search(r"Warning: (\d+) % of the decoded pixels", warned[0]).group(1))
    assert 85 <= share <= 100  # the GCPs' hull covers 1/25 of the plot area

    affine = decode(figure.path, figure.plot_box, bunched, "EPSG:4326", P1, "EPSG:4326",
                    vmin, vmax)
    assert extrapolation_warnings(affine) == []
    spread = bunched_or_spread_gcps(folder, figure, truth, 1.0, "spread")
    result = decode(figure.path, figure.plot_box, spread, "EPSG:4326",
                    TransformKind.POLYNOMIAL_2, "EPSG:4326", vmin, vmax)
    assert extrapolation_warnings(result) == []
    assert geolocation_errors(result, truth)[0].max() < 1.0


# ============================================================================================
# GCP files


QGIS_322_WKT_4326 = (
    'GEOGCRS["WGS 84",ENSEMBLE["World Geodetic System 1984 ensemble",MEMBER["World Geodetic '
    'System 1984 (Transit)"],MEMBER["World Geodetic System 1984 (G730)"],MEMBER["World Geodetic '
    'System 1984 (G873)"],MEMBER["World Geodetic System 1984 (G1150)"],MEMBER["World Geodetic '
    'System 1984 (G1674)"],MEMBER["World Geodetic System 1984 (G1762)"],MEMBER["World Geodetic '
    'System 1984 (G2139)"],ELLIPSOID["WGS 84",6378137,298.257223563,LENGTHUNIT["metre",1]],'
    'ENSEMBLEACCURACY[2.0]],PRIMEM["Greenwich",0,ANGLEUNIT["degree",0.0174532925199433]],'
    'CS[ellipsoidal,2],AXIS["geodetic latitude (Lat)",north,ORDER[1],ANGLEUNIT["degree",'
    '0.0174532925199433]],AXIS["geodetic longitude (Lon)",east,ORDER[2],ANGLEUNIT["degree",'
    '0.0174532925199433]],USAGE[SCOPE["Horizontal component of 3D system."],AREA["World."],'
    'BBOX[-90,-180,90,180]],ID["EPSG",4326]]'
)

#: GCPs of the Jacksboro figure as the QGIS 3.22 Georeferencer saves them: '#CRS:' with
#: toWkt(WKT_PREFERRED), pixelY = -row, enable 1/0, QGIS's own dX,dY,residual (pixels).
QGIS_322_POINTS = (
    f"#CRS: {QGIS_322_WKT_4326}\n"
    "mapX,mapY,pixelX,pixelY,enable,dX,dY,residual\n"
    "-84.3800219109195,36.7039384057971,168.25,-116.5,1,-1.57221e-09,2.65375e-10,1.47982e-09\n"
    "-84.3800219109195,36.5894275362319,168.25,-300.25,1,6.2352e-10,7.54322e-10,2.62115e-10\n"
    "-84.3800219109195,36.4744492753623,168.25,-484.75,1,-2.92099e-09,2.02481e-09,1.03742e-09\n"
    "-84.2455438218391,36.7039384057971,400.5,-116.5,1,-1.59401e-09,2.97387e-09,1.88105e-09\n"
    "-84.2,36.6,500,-200,0,0,0,0\n"
    "-84.2455438218391,36.5894275362319,400.5,-300.25,1,2.01877e-09,-1.41881e-10,2.55627e-09\n"
    "-84.2455438218391,36.4744492753623,400.5,-484.75,1,-2.0963e-09,8.09164e-10,3.47218e-09\n"
    "-84.1110657327586,36.7039384057971,632.75,-116.5,1,1.39087e-10,1.44751e-09,2.68565e-09\n"
    "-84.1110657327586,36.5894275362319,632.75,-300.25,1,-2.61581e-09,1.54938e-09,2.3644e-09\n"
    "-84.1110657327586,36.4744492753623,632.75,-484.75,1,-1.19239e-09,-2.81393e-09,3.46211e-09\n"
)


def test_points_file_as_qgis_322_writes_it_places_the_figure_right(folder, jacksboro):
    figure, truth = jacksboro
    path = folder / "jacksboro.png.points"
    path.write_text(QGIS_322_POINTS, encoding="utf-8")
    gcps = read_gcps(path)
    assert gcps.crs == QGIS_322_WKT_4326 and CRS.from_user_input(gcps.crs).to_epsg() == 4326
    np.testing.assert_array_equal(gcps.pixel[:3], [[168.25, 116.5], [168.25, 300.25], [168.25, 484.75]])
    np.testing.assert_array_equal(gcps.enabled, [True] * 4 + [False] + [True] * 5)
    # The rows are rows: the truth puts every enabled GCP at its map position (1e-13 degrees is
    # the 15 significant digits of the file).
    lon, lat = truth.pixel_to("EPSG:4326", gcps.pixel[gcps.enabled, 0], gcps.pixel[gcps.enabled, 1])
    np.testing.assert_allclose(np.column_stack([lon, lat]), gcps.map[gcps.enabled], atol=1e-12)
    result = decode(figure.path, figure.plot_box, path, None, P1, "EPSG:4326",
                    np.nanmin(figure.grid), np.nanmax(figure.grid))
    forward, raster = geolocation_errors(result, truth)
    assert forward.max() <= 1e-6 and raster.max() <= 1e-6


def test_gcps_written_load_back_unchanged(folder, lambert):
    gcps = lambert.graticule_gcps(*LAMBERT_GRATICULE, LAMBERT)
    gcps.enabled[[0, 5]] = False
    path = folder / "round_trip.points"
    write_points_file(path, gcps)
    back = read_gcps(path)
    np.testing.assert_array_equal(back.pixel, gcps.pixel)
    np.testing.assert_array_equal(back.map, gcps.map)
    np.testing.assert_array_equal(back.enabled, gcps.enabled)
    assert CRS.from_user_input(back.crs) == CRS.from_user_input(LAMBERT)
    assert " ".join(gcps.crs.split()) == back.crs


# ============================================================================================
# The report


def test_report_holds_picture_table_warnings_and_json_equal_to_the_residuals(folder, jacksboro):
    import base64
    import io
    import os

    from PIL import Image

    figure, truth = jacksboro
    col0, row0, col1, row1 = figure.plot_box
    x, y = np.meshgrid(np.linspace(col0 + 30, col1 - 30, 4), np.linspace(row0 + 30, row1 - 30, 4))
    x, y = x.ravel(), y.ravel()
    lon, lat = truth.pixel_to("EPSG:4326", x, y)
    lon = lon.copy()
    lon[9] += 0.02                     # a typo
    enabled = np.ones(len(x), bool)
    enabled[2] = False                 # a disabled GCP
    gcps = GroundControlPoints(np.column_stack([x, y]), np.column_stack([lon, lat]), enabled,
                               crs="EPSG:4326", source="jacksboro.csv")
    residuals = compute_residuals(gcps, P1)
    warnings = diagnose_georeferencing(gcps, P1, gcps.crs, residuals)
    assert residuals.suspicious[9] and warnings
    html_path = folder / "report" / "georeferencing.html"
    extra = {"Output grid": "560 × 478 pixels", "Reconstruction RMSE": np.float64(3.25),
             "Points": 1234, "Within resolution": [0.95, None]}
    written = write_georeferencing_report(html_path, read_figure(figure.path).rgb, gcps, P1,
                                          residuals, warnings, extra)
    assert written == (str(html_path), str(folder / "report" / "georeferencing.json"))
    assert sorted(os.listdir(html_path.parent)) == ["georeferencing.html", "georeferencing.json"]

    text = html_path.read_text(encoding="utf-8")
    assert text.count("<tr") >= len(gcps) + 1 + 3 + len(extra)
    assert "leave-one-out px" in text and "residual degree" in text
    assert "Reconstruction RMSE" in text and "3.25" in text
    assert "suspicious" in text and "likely a typo" in text.lower()
    picture = re.search(r'<img[^>]*src="data:image/png;base64,([A-Za-z0-9+/=]+)"', text)
    image = Image.open(io.BytesIO(base64.b64decode(picture.group(1))))
    assert image.format == "PNG" and image.width == figure.size[0]
    assert re.search(r"drawn \d+(\.\d+)? times their length", text)
    # Each GCP's mark is drawn where the GCP is, in its colour: the typo a red square, the
    # disabled one a grey cross, the others blue circles; the residual arrows in magenta.
    from colormap_decoder.plugin.engine import report

    pixels = np.asarray(image.convert("RGB")).astype(int)

    def colour_near(index, colour, reach=8):
        col, row = int(round(x[index])), int(round(y[index]))
        patch = pixels[row - reach:row + reach + 1, col - reach:col + reach + 1]
        return bool(np.all(np.abs(patch - colour) <= 1, axis=2).any())

    assert colour_near(9, report.SUSPICIOUS_GCP_COLOUR)
    assert colour_near(2, report.DISABLED_GCP_COLOUR)
    assert all(colour_near(i, report.USED_GCP_COLOUR) for i in (0, 5, 15))
    assert not colour_near(0, report.SUSPICIOUS_GCP_COLOUR)
    assert np.all(np.abs(pixels - report.RESIDUAL_COLOUR) <= 1, axis=2).sum() > 20
    # The legend strip under the figure.
    assert image.height == figure.size[1] + report.LEGEND_HEIGHT

    data = json.loads((folder / "report" / "georeferencing.json").read_text(encoding="utf-8"))
    assert data["transform"] == "POLYNOMIAL_1" and data["warnings"] == warnings
    assert data["extra"]["Reconstruction RMSE"] == 3.25
    for name in ("residual_pixels", "residual_map", "loo_error_pixels", "loo_error_map",
                 "dx_pixels", "dy_map"):
        np.testing.assert_allclose([point[name] for point in data["points"]],
                                   getattr(residuals, name), rtol=1e-15)
    assert [point["suspicious"] for point in data["points"]] == residuals.suspicious.tolist()
    assert [point["enabled"] for point in data["points"]] == enabled.tolist()
    assert data["rmse_pixels"] == pytest.approx(residuals.rmse_pixels, rel=1e-15)
    assert data["loo_rmse_map"] == pytest.approx(residuals.loo_rmse_map, rel=1e-15)


def test_report_of_an_interpolating_spline_says_there_are_no_arrows(folder, jacksboro):
    figure, _ = jacksboro
    gcps = read_gcps(figure.gcps_csv(folder / "report_tps.csv"))
    residuals = compute_residuals(gcps, TPS)
    html_path, json_path = write_georeferencing_report(
        folder / "tps_report.html", read_figure(figure.path).rgb, gcps, TPS, residuals, [],
        crs="EPSG:4326")
    text = Path(html_path).read_text(encoding="utf-8")
    assert "All residuals are zero" in text and "<p>None.</p>" in text
    assert json.loads(Path(json_path).read_text())["transform_name"] == "Thin Plate Spline"


# ============================================================================================
# The table of measured errors, when run as a script


def _measure_all():
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="georeferencing_accuracy_"))
    ages = read_age_grid()
    rows = []

    def add(case, result, truth, step, gcps_for_hull=None, steps=1):
        forward, raster = geolocation_errors(result, truth)
        values = value_comparison(result, truth, steps * step)
        line = [case, f"{result.grid.pixel_size:.4g}", f"{forward.max():.2g}",
                f"{np.median(raster):.2g}", f"{np.percentile(raster, 95):.2g}", f"{raster.max():.2g}"]
        if gcps_for_hull is not None:
            _, inside = geolocation_errors(result, truth, within=hull_of(gcps_for_hull))
            line.append(f"{inside.max():.2g}")
        else:
            line.append("=")
        line += [f"{100 * values['within_step']:.1f} ({steps})", str(values["best_shift"])]
        rows.append(line)

    figure, truth = jacksboro_figure(folder)
    step = np.ptp(figure.grid) / 255
    add("Jacksboro DEM, GCPs EPSG:4326, Polynomial 1 -> EPSG:4326",
        jacksboro_case(folder, figure, truth), truth, step, steps=2)
    for target in ("EPSG:32632", "EPSG:4326"):
        figure, truth, result = vinschgau_case(target)
        add(f"sample Vinschgau, GCPs EPSG:32632, Polynomial 1 -> {target}", result, truth,
            4000 / 255, steps=2)
    lam = lambert_figure(folder, ages)
    for target in (LAMBERT, "EPSG:4326"):
        add(f"age grid in Lambert, GCPs in Lambert, Polynomial 1 -> "
            f"{'Lambert' if target == LAMBERT else target}",
            lambert_projected_case(folder, lam, target), lam.truth, 280 / 255)
    for kind in (TPS, TransformKind.POLYNOMIAL_3, P1):
        result = lambert_lonlat_case(folder, lam, kind)
        add(f"age grid in Lambert, GCPs lon/lat, {kind.name} -> EPSG:4326", result, lam.truth,
            280 / 255, result.georeference.gcps)
    pol = polar_figure(folder, ages)
    gcps = pol.graticule_gcps(POLAR_LONS, POLAR_LATS, POLAR)
    path = folder / "arctic.points"
    write_points_file(path, gcps)
    add("age grid in EPSG:3413, GCPs in EPSG:3413, Polynomial 1 -> EPSG:3413",
        decode(pol.path, pol.plot_box, path, None, P1, POLAR, 0, 280), pol.truth, 280 / 255)
    header = ["case", "output pixel", "forward max", "raster median", "raster p95", "raster max",
              "raster max in GCP hull", "% values within (n) colour steps", "best shift (px)"]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for line in rows:
        print("| " + " | ".join(line) + " |")


if __name__ == "__main__":
    _measure_all()
