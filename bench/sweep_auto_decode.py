"""Figure in, data out on figures never seen: a seeded random sweep of whole map figures.

Run by hand (never by the tests; a figure takes 5-30 s on a shared machine):

    /usr/bin/python3 bench/sweep_auto_decode.py --seed 1 --count 8 [--only RENDERER | --subset RENDERER]
        [--wide [--wider]] [--keep FOLDER [--reuse]] [--pick SEED:INDEX ...]
        [--json results.json] [--code OTHER_CHECKOUT] [--verbose]

``--wide`` draws looks the first sweep never drew (style sheets, fonts, 72-600 dpi, JPEG q50-95,
other label formats, GMT's other projections); ``--wider`` adds publication looks on top (bold
or large text, degree-minute labels, the figure cropped tight round its ink), from draws of
their own (a seed's ``--wide`` figures stay the same). ``--keep`` keeps each figure with its
truth; ``--reuse --pick 31:4`` decodes one of them again without drawing it.

Each figure is drawn from a real grid (``../shared/data``, matplotlib's sample data) over a random
sub-region, by a random renderer: matplotlib ``imshow`` (nearest or bilinear), ``pcolormesh`` or
``contourf`` on plain axes (degrees with hemisphere letters, signed decimal degrees, or metres);
cartopy plate carrée or Mercator with gridline labels (grid lines drawn or not); cartopy Lambert
conformal or north polar stereographic with gridline labels on a rectangular frame; GMT
``grdimage`` + ``psscale`` (linear ``-JX`` in degrees or metres, Mercator ``-JM``, and Lambert
conformal ``-JL`` or polar stereographic ``-JS`` in a rectangular frame ticked on all four sides,
grid lines drawn or not). The conic and polar maps have no affine pixel -> lon/lat transform:
decoded from their axis labels they are wrong, so they must be refused or warned about. With a
random colormap (reversed or not), a vertical or horizontal colorbar, figure size, dpi 80-250,
PNG or JPEG quality 60-95.

Each is decoded as ``decodemap`` with only INPUT and GCP_CRS (``pipeline.decode_map`` with
``gcp_crs`` and SCALE automatic) and compared with the renderer's own truth:

* **frame px / bar px**: largest difference of a detected box edge from the renderer's, pixels;
* **range %**: largest difference of VMIN or VMAX from the bar's true ends, % of the range;
* **GCP px**: largest distance, over a 5 × 5 lattice of points in the frame, between where the
  decode's pixel → map transform puts a point and where the renderer's transform puts it, in the
  figure's pixels; **gcp op**: the same distance in the output GeoTIFF's pixels (issue 17's
  "within 1 output pixel"), both positions placed on the output grid; **op/px**: figure pixels
  an output pixel spans (1 at the figure's resolution, more on a native grid of cells);
* **right %**: share of the true data pixels (every 2nd figure pixel inside the frame, at least
  2 px from it, where the grid has a value) whose value, read from the output raster at the
  pixel's true map position, lies within 1 % of the range of the truth (discrete bars: the
  right class); a pixel the output misses counts as wrong. The truth is the drawn grid at the
  pixel's centre or up to a pixel from it along x or y (renderers' resampling places steep
  grids' values that closely, no closer);
* **outcome**: ``ok``; ``refused PARAM`` (a clear EngineError naming a parameter); ``warned``
  (wrong, with a warning in the result); ``WRONG`` (wrong and nothing said: the worst outcome);
  ``CRASH`` (another exception: a bug). Wrong means GCP px > 3, range % > 2 or right % < 70.
  A figure placed and scaled right (GCP and range within those) but with right % under 70 is
  decoded again by hand (the renderer's colorbar box, range, plot area and corner GCPs):
  ``ok-as-hand`` when its wrong share is within twice the hand-given decode's (issue 17's
  bar), the truth being what the sweep cannot model (GMT resamples a projected grid).
"""
import argparse
import json
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
SHARED = next((parent / "shared" for parent in REPO.parents
               if (parent / "shared" / "data").is_dir()), REPO.parent / "shared")
DATA = SHARED / "data"

#: Largest GCP error (pixels) and range error (% of the range) of a result called right, and
#: smallest share of true data pixels decoded right.
WRONG_GCP_PX = 3.0
WRONG_RANGE_PERCENT = 2.0
WRONG_RIGHT_SHARE = 0.70
#: Largest error (pixels) of a frame side found called right: issue 17's bar. The frame
#: bounds what is decoded (a side 9 px in leaves a band of the map out, one out takes the
#: frame's line and labels in), whatever the GCPs, which come from the ticks.
WRONG_FRAME_PX = 2.0

MPL_COLORMAPS = ("viridis", "plasma", "magma", "cividis", "inferno", "terrain", "RdYlBu",
                 "coolwarm", "turbo", "Spectral", "gist_earth", "YlGnBu", "jet", "ocean",
                 "cubehelix", "RdBu", "BrBG", "PuOr")
GMT_COLORMAPS = ("viridis", "turbo", "haxby", "jet", "polar", "rainbow", "geo", "batlow",
                 "roma", "hawaii", "plasma", "seis")

#: ``--wide``: each figure also drawn with looks the first sweep never drew (see ``Wide``).
WIDE = False
MPL_STYLES = ("default", "default", "ggplot", "seaborn-v0_8", "dark_background", "classic", "bmh")
MPL_FONTS = ("DejaVu Sans", "DejaVu Serif", "Nimbus Sans", "Nimbus Roman")
GMT_FONTS = ("Helvetica", "Times-Roman", "Helvetica-Bold", "Courier")


class Wide:
    """The ``--wide`` draws, from their own generator (seeded by the figure's seed and index)
    so that the figures of a sweep without ``--wide`` stay what they were."""

    def __init__(self, seed, index, wider=False):
        self.rng = np.random.default_rng([seed, index, 17])
        # ``--wider``: publication looks drawn from a generator of their own, so that the
        # ``--wide`` figures of a seed stay what they were.
        self.wider = np.random.default_rng([seed, index, 18]) if wider else None

    def publication(self):
        """``--wider`` looks of published figures (all off without it): bold text, large text
        (16-20 pt), degree-minute labels (45°30′N), the figure cropped tight round its ink
        (``savefig(bbox_inches="tight")``'s look: labels a tenth of an inch from the edge)."""
        if self.wider is None:
            return {"bold": False, "large": None, "dms": False, "tight": False}
        rng = self.wider
        return {"bold": bool(rng.random() < 0.3),
                "large": float(rng.choice([16, 18, 20])) if rng.random() < 0.3 else None,
                "dms": bool(rng.random() < 0.4), "tight": bool(rng.random() < 0.5)}

    @staticmethod
    def describe(publication):
        return "".join([" bold" if publication["bold"] else "",
                        f" large{publication['large']:g}pt" if publication["large"] else "",
                        " dms" if publication["dms"] else "",
                        " tight" if publication["tight"] else ""])

    def look(self, size, dpi, jpeg):
        """dpi 72-600 (the figure shrunk to stay under 6 MP at high dpi), JPEG q50-95."""
        rng = self.rng
        dpi = int(rng.choice([72, 96, 100, 150, 200, 300, 400, 600]))
        width, height = size
        shrink = min(1.0, float(np.sqrt(6e6 / (width * height * dpi * dpi))))
        jpeg = int(rng.integers(50, 96)) if rng.random() < 0.45 else None
        return (width * shrink, height * shrink), dpi, jpeg

    def mpl_style(self):
        """A matplotlib style sheet and font (family, size in points)."""
        return (str(self.rng.choice(MPL_STYLES)), str(self.rng.choice(MPL_FONTS)),
                float(self.rng.choice([7, 8, 10, 12, 14])))


#: The Wide draws of the figure being rendered (None without ``--wide``).
EXTRA = None


@dataclass
class Grid:
    """A grid with its cell-centre coordinates (x increasing, y decreasing: row 0 north)."""

    name: str
    values: np.ndarray
    x: np.ndarray
    y: np.ndarray
    crs: str
    path: str = None  # the file GMT reads (None: written as netCDF when GMT draws it)

    def sub(self, rng, min_cells=30, max_cells=260):
        """A random sub-region with at least ``min_cells`` along each side."""
        rows, cols = self.values.shape
        n_rows = int(rng.integers(min(min_cells, rows), min(max_cells, rows) + 1))
        n_cols = int(rng.integers(min(min_cells, cols), min(max_cells, cols) + 1))
        for _ in range(50):
            r0 = int(rng.integers(0, rows - n_rows + 1))
            c0 = int(rng.integers(0, cols - n_cols + 1))
            block = self.values[r0:r0 + n_rows, c0:c0 + n_cols]
            finite = np.isfinite(block)
            if finite.mean() > 0.6 and np.ptp(block[finite]) > 0:
                break
        return Grid(self.name, block, self.x[c0:c0 + n_cols], self.y[r0:r0 + n_rows], self.crs,
                    self.path)

    @property
    def cell(self):
        return abs(self.x[1] - self.x[0]), abs(self.y[1] - self.y[0])

    @property
    def edges(self):
        """(west, east, south, north) of the cells' outer edges."""
        dx, dy = self.cell
        return (self.x[0] - dx / 2, self.x[-1] + dx / 2, self.y[-1] - dy / 2, self.y[0] + dy / 2)


def load_grids():
    """The real grids the sweep draws from."""
    import rasterio
    from matplotlib import cbook

    grids = []

    def from_raster(name, path, crs, band=1, scale=1.0):
        with rasterio.open(path) as dataset:
            values = dataset.read(band).astype(float)
            nodata = dataset.nodata
            transform = dataset.transform
            # netCDF packing (ERA-Interim stores short integers with a scale and an offset).
            packing = dataset.scales[band - 1], dataset.offsets[band - 1]
        if nodata is not None:
            values[values == nodata] = np.nan
        values = (values * packing[0] + packing[1]) * scale
        values[np.abs(values) > 1e20] = np.nan
        x = transform.c + (np.arange(values.shape[1]) + 0.5) * transform.a
        y = transform.f + (np.arange(values.shape[0]) + 0.5) * transform.e
        if transform.e > 0:
            values, y = values[::-1], y[::-1]
        return Grid(name, values, x, y, crs, str(path))

    grids.append(from_raster("age", DATA / "gmtserver_age.3.20.nc", "EPSG:4326"))
    grids.append(from_raster("kilauea", DATA / "gmtserver_Kilauea.utm.nc", "EPSG:32605"))
    grids.append(from_raster("vinschgau", DATA / "terra_elev_vinschgau.tif", "EPSG:32632"))
    era = from_raster("eraint_z", f"netcdf:{DATA / 'xarray-data_eraint_uvz.nc'}:z",
                      "EPSG:4326", band=1)
    # ERA-Interim runs 0..360 east: the western half moved first, as maps print it.
    half = era.x >= 180
    era = Grid("eraint_z", np.concatenate([era.values[:, half], era.values[:, ~half]], axis=1),
               np.concatenate([era.x[half] - 360, era.x[~half]]), era.y, "EPSG:4326")
    era.values /= 9.80665  # geopotential height, metres
    grids.append(era)
    data = np.load(cbook.get_sample_data("jacksboro_fault_dem.npz", asfileobj=False))
    elevation = data["elevation"].astype(float)
    north, south = max(float(data["ymin"]), float(data["ymax"])), min(float(data["ymin"]),
                                                                      float(data["ymax"]))
    x = np.linspace(float(data["xmin"]), float(data["xmax"]), elevation.shape[1])
    y = np.linspace(north, south, elevation.shape[0])
    grids.append(Grid("jacksboro", elevation, x, y, "EPSG:4326"))
    data = np.load(cbook.get_sample_data("topobathy.npz", asfileobj=False))
    lon, lat, topo = data["longitude"] - 360.0, data["latitude"], data["topo"].astype(float)
    if lat[0] < lat[-1]:
        topo, lat = topo[::-1], lat[::-1]
    grids.append(Grid("topobathy", topo, lon.astype(float), lat.astype(float), "EPSG:4326"))
    return {grid.name: grid for grid in grids}


# -- truth --------------------------------------------------------------------------------
@dataclass
class Truth:
    """Where the renderer put everything, and how its pixels map to its CRS.

    ``frame`` and ``colorbar`` are (left, top, right, bottom) in pixels; the frame maps linearly
    to ``extent`` (west, east, south, north) in ``crs`` (the map's own, projected for cartopy's
    and GMT's projections); ``grid`` in ``grid.crs`` holds the values drawn.
    """

    path: str
    description: str
    frame: tuple
    colorbar: tuple
    extent: tuple
    crs: str
    grid: Grid
    value_range: tuple
    levels: tuple = None
    interpolation: str = "linear"  # how the renderer filled between the grid's values
    gcp_crs: str = "EPSG:4326"
    affine_expected: bool = True  # False: no affine pixel -> GCP_CRS transform exists
    notes: dict = field(default_factory=dict)

    def pixel_to_map(self, x, y):
        west, east, south, north = self.extent
        left, top, right, bottom = self.frame
        return (west + (np.asarray(x, float) - left) / (right - left) * (east - west),
                north - (np.asarray(y, float) - top) / (bottom - top) * (north - south))

    def map_to_pixel(self, mx, my):
        west, east, south, north = self.extent
        left, top, right, bottom = self.frame
        return (left + (np.asarray(mx, float) - west) / (east - west) * (right - left),
                top + (north - np.asarray(my, float)) / (north - south) * (bottom - top))


def random_colormap(rng, names):
    name = str(rng.choice(names))
    return name, bool(rng.random() < 0.3)


def value_range(rng, values, levels_wanted):
    """A colour scale's range: the data's, or rounded percentiles (values beyond are clipped)."""
    finite = values[np.isfinite(values)]
    low, high = float(finite.min()), float(finite.max())
    if rng.random() < 0.5:
        low, high = np.percentile(finite, [float(rng.uniform(0, 5)), float(rng.uniform(95, 100))])
        step = 10 ** np.floor(np.log10(max(high - low, 1e-9))) / 2
        low, high = np.floor(low / step) * step, np.ceil(high / step) * step
    if levels_wanted:
        from matplotlib.ticker import MaxNLocator

        levels = MaxNLocator(int(rng.integers(5, 12))).tick_values(low, high)
        return float(levels[0]), float(levels[-1]), tuple(float(v) for v in levels)
    return float(low), float(high), None


def save(figure, path, dpi, jpeg_quality, tight=False):
    """Save a matplotlib figure as PNG, or as JPEG of that quality. With ``tight``, cropped to
    its ink with a tenth of an inch around (whole pixels, so that the truth's boxes move by
    whole pixels): returns the path and the crop's (left, top) offset, pixels."""
    import matplotlib.pyplot as plt

    figure.savefig(path, dpi=dpi)
    plt.close(figure)
    offset = (0, 0)
    if tight:
        from PIL import Image

        image = np.asarray(Image.open(path).convert("RGB"))
        ink = np.any(image != image[0, 0], axis=2)
        rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
        pad = int(round(0.1 * dpi))
        top, bottom = max(int(rows[0]) - pad, 0), min(int(rows[-1]) + 1 + pad, image.shape[0])
        left, right = max(int(cols[0]) - pad, 0), min(int(cols[-1]) + 1 + pad, image.shape[1])
        Image.fromarray(image[top:bottom, left:right]).save(path)
        offset = (left, top)
    if jpeg_quality:
        from PIL import Image

        jpeg = str(Path(path).with_suffix(".jpg"))
        Image.open(path).convert("RGB").save(jpeg, quality=int(jpeg_quality))
        os.remove(path)
        return (jpeg, offset) if tight else jpeg
    return (str(path), offset) if tight else str(path)


def shifted(box, offset):
    """A (left, top, right, bottom) box moved by a crop's (left, top) offset."""
    return (box[0] - offset[0], box[1] - offset[1], box[2] - offset[0], box[3] - offset[1])


def choose_look(rng):
    """Figure size (inches), dpi (the figure kept under 3.5 MP), JPEG quality or None, bar side."""
    width, height = float(rng.uniform(6, 11)), float(rng.uniform(4.5, 8))
    dpi = int(rng.integers(80, 251))
    dpi = int(min(dpi, np.sqrt(3.5e6 / (width * height))))
    jpeg = int(rng.integers(60, 96)) if rng.random() < 0.4 else None
    return (width, height), dpi, jpeg, bool(rng.random() < 0.35)


def mpl_colormap(name, reversed_):
    import matplotlib

    cmap = matplotlib.colormaps[name]
    return cmap.reversed() if reversed_ else cmap


def render_matplotlib(rng, grids, folder, index):
    """Plain axes: imshow, pcolormesh or contourf; degrees (letters or signs) or metres."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    metres = rng.random() < 0.35
    grid = grids[str(rng.choice(["kilauea", "vinschgau"] if metres else
                                ["age", "eraint_z", "jacksboro", "topobathy"]))].sub(rng)
    kind = str(rng.choice(["imshow-nearest", "imshow-bilinear", "pcolormesh", "contourf"]))
    cmap_name, reversed_ = random_colormap(rng, MPL_COLORMAPS)
    vmin, vmax, levels = value_range(rng, grid.values, kind == "contourf")
    size, dpi, jpeg, horizontal = choose_look(rng)
    look = ""
    if EXTRA is not None:
        size, dpi, jpeg = EXTRA.look(size, dpi, jpeg)
        style, font, font_size = EXTRA.mpl_style()
        publication = EXTRA.publication()
        rc = {"font.family": font, "font.size": publication["large"] or font_size}
        if publication["bold"]:
            rc.update({"font.weight": "bold", "axes.labelweight": "bold",
                       "axes.titleweight": "bold"})
        look = f" {style} {font.replace(' ', '')} {font_size:g}pt{Wide.describe(publication)}"
        with plt.style.context(style), matplotlib.rc_context(rc):
            return _draw_matplotlib(rng, grid, kind, cmap_name, reversed_, vmin, vmax, levels,
                                    size, dpi, jpeg, horizontal, metres, folder, index, look,
                                    publication)
    return _draw_matplotlib(rng, grid, kind, cmap_name, reversed_, vmin, vmax, levels, size,
                            dpi, jpeg, horizontal, metres, folder, index, look)


def _draw_matplotlib(rng, grid, kind, cmap_name, reversed_, vmin, vmax, levels, size, dpi, jpeg,
                     horizontal, metres, folder, index, look, publication=None):
    import matplotlib
    import matplotlib.pyplot as plt
    from matplotlib import colors as mcolors
    from matplotlib import ticker

    figure = plt.figure(figsize=size, dpi=dpi)
    if horizontal:
        axes = figure.add_axes([0.13, 0.27, 0.77, 0.63])
        bar_axes = figure.add_axes([0.2, 0.1, 0.6, 0.035])
    else:
        axes = figure.add_axes([0.13, 0.12, 0.65, 0.78])
        bar_axes = figure.add_axes([0.82, 0.12, 0.025, 0.78])
    cmap = mpl_colormap(cmap_name, reversed_)
    west, east, south, north = grid.edges
    interpolation = "nearest"
    if kind == "contourf":
        mappable = axes.contourf(grid.x, grid.y, grid.values, levels=levels, cmap=cmap)
        axes.set_xlim(grid.x[0], grid.x[-1])
        axes.set_ylim(grid.y[-1], grid.y[0])
        interpolation = "linear"
    elif kind == "pcolormesh":
        xe = np.concatenate([grid.x - grid.cell[0] / 2, [grid.x[-1] + grid.cell[0] / 2]])
        ye = np.concatenate([grid.y + grid.cell[1] / 2, [grid.y[-1] - grid.cell[1] / 2]])
        mappable = axes.pcolormesh(xe, ye, np.ma.masked_invalid(grid.values), cmap=cmap,
                                   norm=mcolors.Normalize(vmin, vmax))
    else:
        interpolation = kind.split("-")[1]
        mappable = axes.imshow(grid.values, cmap=cmap, norm=mcolors.Normalize(vmin, vmax),
                               extent=(west, east, south, north), aspect="auto",
                               interpolation=interpolation)
        interpolation = "linear" if interpolation == "bilinear" else "nearest"
    style = "metres" if metres else str(rng.choice(["letters", "signed"]))
    if EXTRA is not None:
        # Label formats beyond matplotlib's own: signed degrees with a degree sign, metres
        # with thousands separators, a unit after the number, or kilometres named by the
        # axis title.
        style = str(EXTRA.rng.choice(["metres", "metres-comma", "metres-unit", "km"] if metres
                                     else ["letters", "signed", "signed-degrees"]))
        if publication and publication["dms"] and not metres:
            style = "dms"
    if style == "signed-degrees":
        def signed_degrees(value, _):
            text = f"{value:g}°"
            return text.replace("-", "\N{MINUS SIGN}") if matplotlib.rcParams[
                "axes.unicode_minus"] else text

        axes.xaxis.set_major_formatter(ticker.FuncFormatter(signed_degrees))
        axes.yaxis.set_major_formatter(ticker.FuncFormatter(signed_degrees))
    elif style == "metres-comma":
        axes.xaxis.set_major_formatter(ticker.StrMethodFormatter("{x:,.0f}"))
        axes.yaxis.set_major_formatter(ticker.StrMethodFormatter("{x:,.0f}"))
    elif style == "metres-unit":
        axes.xaxis.set_major_formatter(ticker.StrMethodFormatter("{x:.0f} m"))
        axes.yaxis.set_major_formatter(ticker.StrMethodFormatter("{x:.0f} m"))
    elif style == "km":
        axes.xaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: f"{v / 1000:g}"))
        axes.yaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: f"{v / 1000:g}"))
        axes.set_xlabel("Easting (km)")
        axes.set_ylabel("Northing (km)")
    elif style == "dms":
        # Degrees and minutes with hemisphere letters (45°30′N), as many journals' maps.
        def dms(value, letters):
            value = round(abs(value) * 60, 6) * (1 if value >= 0 else -1)
            degrees, minutes = divmod(abs(value), 60)
            letter = "" if abs(value) < 1e-9 else letters[0 if value > 0 else 1]
            text = f"{degrees:.0f}°" + (f"{minutes:02g}′" if minutes > 1e-6 else "")
            return text + letter

        axes.xaxis.set_major_formatter(ticker.FuncFormatter(
            lambda v, _: dms((v + 180) % 360 - 180, "EW")))
        axes.yaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: dms(v, "NS")))
    elif style == "letters":
        def longitude(value, _):
            value = (value + 180) % 360 - 180
            return "0°" if abs(value) < 1e-9 else f"{abs(value):g}°{'E' if value > 0 else 'W'}"

        def latitude(value, _):
            return "0°" if abs(value) < 1e-9 else f"{abs(value):g}°{'N' if value > 0 else 'S'}"

        axes.xaxis.set_major_formatter(ticker.FuncFormatter(longitude))
        axes.yaxis.set_major_formatter(ticker.FuncFormatter(latitude))
    else:
        axes.ticklabel_format(useOffset=False, style="plain")
    if rng.random() < 0.5:
        axes.set_title(f"{grid.name} ({kind})")
    figure.colorbar(mappable, cax=bar_axes, orientation="horizontal" if horizontal else "vertical")
    figure.canvas.draw()
    height = figure.canvas.get_width_height()[1]

    def box(artist_axes):
        (x0, y0), (x1, y1) = artist_axes.get_window_extent().get_points()
        return (float(x0), float(height - y1), float(x1), float(height - y0))

    frame, bar = box(axes), box(bar_axes)
    x0, x1 = axes.get_xlim()
    y0, y1 = axes.get_ylim()
    path = save(figure, folder / f"figure{index}.png", dpi, jpeg,
                tight=bool(publication and publication["tight"]))
    if publication and publication["tight"]:
        path, offset = path
        frame, bar = shifted(frame, offset), shifted(bar, offset)
    return Truth(path, f"matplotlib {kind} {grid.name} {style} {cmap_name}{'_r' if reversed_ else ''} "
                 f"{'h' if horizontal else 'v'}bar {dpi}dpi {'jpeg' + str(jpeg) if jpeg else 'png'}"
                 f"{look}",
                 frame, bar, (x0, x1, y0, y1), grid.crs, grid, (vmin, vmax), levels,
                 interpolation, gcp_crs=grid.crs)


def render_cartopy(rng, grids, folder, index, projection_name=None):
    """cartopy with gridline labels: plate carrée, Mercator, Lambert conformal, polar stereo."""
    import cartopy.crs as ccrs
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import colors as mcolors

    projection_name = projection_name or str(rng.choice(
        ["PlateCarree", "PlateCarree", "Mercator", "Mercator", "LambertConformal",
         "NorthPolarStereo"]))
    source = grids[str(rng.choice(["age", "eraint_z"]))]
    if projection_name == "NorthPolarStereo":
        rows = np.flatnonzero(source.y >= 40)
        grid = Grid(source.name, source.values[rows], source.x, source.y[rows], source.crs)
        projection = ccrs.NorthPolarStereo()
    else:
        grid = source.sub(rng, 30, 200)
        if projection_name == "Mercator":
            keep = np.abs(grid.y) < 75
            grid = Grid(grid.name, grid.values[keep], grid.x, grid.y[keep], grid.crs)
        west, east, south, north = grid.edges
        if projection_name == "LambertConformal":
            middle = 0.5 * (south + north)
            if abs(middle) < 15 or abs(middle) > 70:
                south, north = (25.0, 55.0) if middle >= 0 else (-55.0, -25.0)
                keep = (source.y > south) & (source.y < north)
                cols = np.flatnonzero((source.x > west) & (source.x < west + max(east - west, 30)))
                grid = Grid(source.name, source.values[keep][:, cols], source.x[cols],
                            source.y[keep], source.crs)
            west, east, south, north = grid.edges
            projection = ccrs.LambertConformal(central_longitude=0.5 * (west + east),
                                               standard_parallels=(south + (north - south) / 4,
                                                                   north - (north - south) / 4),
                                               central_latitude=0.5 * (south + north))
        elif projection_name == "Mercator":
            projection = ccrs.Mercator()
        else:
            projection = ccrs.PlateCarree()
    cmap_name, reversed_ = random_colormap(rng, MPL_COLORMAPS)
    vmin, vmax, _ = value_range(rng, grid.values, False)
    size, dpi, jpeg, horizontal = choose_look(rng)
    look, labelled, rc = "", True, {}
    publication = None
    if EXTRA is not None:
        size, dpi, jpeg = EXTRA.look(size, dpi, jpeg)
        _, font, font_size = EXTRA.mpl_style()
        rc = {"font.family": font, "font.size": font_size}
        # A plate carrée map without gridline labels: nothing says where it is (GCPS refused).
        labelled = projection_name != "PlateCarree" or EXTRA.rng.random() >= 0.25
        look = f" {font.replace(' ', '')} {font_size:g}pt{'' if labelled else ' labels=off'}"
        publication = EXTRA.publication()
        if publication["large"]:
            rc["font.size"] = publication["large"]
        if publication["bold"]:
            rc["font.weight"] = "bold"
        look += Wide.describe(publication)
    with matplotlib.rc_context(rc):
        figure = plt.figure(figsize=size, dpi=dpi)
    if horizontal:
        axes = figure.add_axes([0.1, 0.25, 0.8, 0.65], projection=projection)
        bar_axes = figure.add_axes([0.2, 0.08, 0.6, 0.035])
    else:
        axes = figure.add_axes([0.1, 0.1, 0.68, 0.8], projection=projection)
        bar_axes = figure.add_axes([0.84, 0.1, 0.025, 0.8])
    xe = np.concatenate([grid.x - grid.cell[0] / 2, [grid.x[-1] + grid.cell[0] / 2]])
    ye = np.concatenate([grid.y + grid.cell[1] / 2, [grid.y[-1] - grid.cell[1] / 2]])
    mappable = axes.pcolormesh(xe, ye, np.ma.masked_invalid(grid.values),
                               cmap=mpl_colormap(cmap_name, reversed_),
                               norm=mcolors.Normalize(vmin, vmax), transform=ccrs.PlateCarree())
    if projection_name == "NorthPolarStereo":
        axes.set_extent([-180, 180, 45, 90], crs=ccrs.PlateCarree())
    else:
        west, east, south, north = grid.edges
        inset = 0.02
        axes.set_extent([west + inset * (east - west), east - inset * (east - west),
                         south + inset * (north - south), north - inset * (north - south)],
                        crs=ccrs.PlateCarree())
    lines_drawn = bool(rng.random() < 0.5)
    # Labels outside the frame, as on plate carrée (cartopy writes a conic's inside by default).
    with matplotlib.rc_context(rc):
        gridlines = axes.gridlines(draw_labels=labelled, linewidth=0.6 if lines_drawn else 0,
                                   color="gray", alpha=1.0 if lines_drawn else 0.0,
                                   x_inline=False, y_inline=False)
        if rng.random() < 0.6:
            gridlines.top_labels = False
            gridlines.right_labels = False
        if publication and publication["dms"]:
            from cartopy.mpl.ticker import LatitudeFormatter, LongitudeFormatter

            gridlines.xformatter = LongitudeFormatter(dms=True)
            gridlines.yformatter = LatitudeFormatter(dms=True)
        figure.colorbar(mappable, cax=bar_axes,
                        orientation="horizontal" if horizontal else "vertical")
        figure.canvas.draw()
    height = figure.canvas.get_width_height()[1]
    (x0, y0), (x1, y1) = axes.get_window_extent().get_points()
    (b0, c0), (b1, c1) = bar_axes.get_window_extent().get_points()
    extent = tuple(axes.get_extent())  # in the projection's own coordinates
    frame = (float(x0), float(height - y1), float(x1), float(height - y0))
    bar = (float(b0), float(height - c1), float(b1), float(height - c0))
    tight = bool(publication and publication["tight"])
    with matplotlib.rc_context(rc):
        path = save(figure, folder / f"figure{index}.png", dpi, jpeg, tight=tight)
    if tight:
        path, offset = path
        frame, bar = shifted(frame, offset), shifted(bar, offset)
    return Truth(path, f"cartopy {projection_name} {grid.name} lines={'on' if lines_drawn else 'off'} "
                 f"{cmap_name}{'_r' if reversed_ else ''} {'h' if horizontal else 'v'}bar {dpi}dpi "
                 f"{'jpeg' + str(jpeg) if jpeg else 'png'}{look}",
                 frame, bar,
                 extent, projection.to_wkt(), grid, (vmin, vmax), None, "nearest",
                 gcp_crs="EPSG:4326",
                 affine_expected=projection_name in ("PlateCarree", "Mercator"))


def run_gmt(folder, *commands):
    env = dict(os.environ, GMT_SESSION_NAME=str(os.getpid()), GMT_USERDIR=str(folder),
               GMT_TMPDIR=str(folder))
    output = ""
    for command in commands:
        output = subprocess.run(command, shell=True, check=True, cwd=folder, env=env,
                                capture_output=True, timeout=180, text=True).stdout
    return output


def render_gmt(rng, grids, folder, index):
    """GMT grdimage + psscale: -JX in degrees or metres, or Mercator -JM."""
    work = folder / f"gmt{index}"
    work.mkdir(exist_ok=True)
    choice = str(rng.choice(["linear-degrees", "linear-metres", "mercator", "mercator",
                             "conic", "polar"]))
    if EXTRA is not None and choice in ("linear-degrees", "mercator") and \
            EXTRA.rng.random() < 0.5:
        # Other rectangular cylindrical projections: equidistant (-JQ: linear in degrees),
        # Miller (-JJ) and equal-area (-JY), whose latitudes are spaced as their formula says.
        choice = str(EXTRA.rng.choice(["equidistant", "miller", "equal-area"]))
    if choice in ("conic", "polar"):
        return render_gmt_converging(rng, grids, work, folder, index, choice)
    name = str(rng.choice(["kilauea", "vinschgau"] if choice == "linear-metres" else
                          ["age", "jacksboro", "topobathy"]))
    look, settings = "", ""
    if EXTRA is not None:
        # Annotation fonts and degree formats GMT users pick (FORMAT_GEO_MAP).
        font = str(EXTRA.rng.choice(GMT_FONTS))
        size = int(EXTRA.rng.choice([8, 10, 12, 14]))
        geo = str(EXTRA.rng.choice(["ddd:mm:ssF", "ddd.xxF", "+ddd.xx", "ddd:mmF", "+D"]))
        settings = f" FONT_ANNOT_PRIMARY {size}p,{font} FORMAT_GEO_MAP {geo}"
        look = f" {font} {size}p {geo}"
    grid = grids[name].sub(rng, 40, 260)
    # The sub-grid as GMT reads it: a pixel-registered GeoTIFF (GMT reads it through GDAL).
    import rasterio
    from rasterio.transform import from_origin

    west, east, south, north = grid.edges
    with rasterio.open(work / "grid.tif", "w", driver="GTiff", width=grid.values.shape[1],
                       height=grid.values.shape[0], count=1, dtype="float32", nodata=np.nan,
                       transform=from_origin(west, north, *grid.cell)) as dataset:
        dataset.write(grid.values.astype("float32"), 1)
    if choice in ("mercator", "miller", "equal-area"):
        keep = np.abs(grid.y) < 75
        grid = Grid(grid.name, grid.values[keep], grid.x, grid.y[keep], grid.crs)
        west, east, south, north = grid.edges
    inset_x, inset_y = 0.03 * (east - west), 0.03 * (north - south)
    region = (west + inset_x, east - inset_x, south + inset_y, north - inset_y)
    cmap_name, reversed_ = random_colormap(rng, GMT_COLORMAPS)
    vmin, vmax, _ = value_range(rng, grid.values, False)
    (width_in, height_in), dpi, jpeg, horizontal = choose_look(rng)
    if EXTRA is not None:
        _, dpi, jpeg = EXTRA.look((width_in, height_in), dpi, jpeg)
        dpi = int(min(dpi, np.sqrt(6e6 / (width_in * height_in))))
    map_width = width_in - (2.6 if not horizontal else 2.0)
    map_height = height_in - (2.0 if not horizontal else 2.8)
    r = "/".join(f"{v:.6f}" for v in region)
    cylinder = {"mercator": "M", "miller": "J", "equal-area": "Y"}.get(choice)
    if cylinder == "Y":
        cylinder = f"Y{0.5 * (region[0] + region[1]):.4f}/0/"
    elif cylinder == "J":
        cylinder = f"J{0.5 * (region[0] + region[1]):.4f}/"
    if choice == "equidistant":
        cylinder = f"Q{0.5 * (region[0] + region[1]):.4f}/"
    if cylinder:
        # A cylindrical map's height follows from the width and the latitudes (-JQ's too: a
        # tall region drew 1 in of its map off the page's top, its frame's top side and
        # labels lost, --wide --wider 197 #1): the page grows to hold it (it ran off the
        # page's top, taking the map and its bar with it), up to 8 in of map, narrower
        # beyond; the dpi keeps the figure under 3.5 MP as choose_look does.
        _, natural_height = (float(v) for v in run_gmt(
            work, f"gmt mapproject -R{r} -J{cylinder}{map_width:.3f}i -W -Di").split()[:2])
        if natural_height > map_height:
            margin = height_in - map_height
            map_width *= min(1.0, 8.0 / natural_height)
            height_in = min(natural_height, 8.0) + margin
            dpi = int(min(dpi, np.sqrt(3.5e6 / (width_in * height_in))))
        projection = f"{cylinder}{map_width:.3f}i"
    else:
        projection = f"X{map_width:.3f}i/{map_height:.3f}i"
    x_off, y_off = 1.0, (1.0 if not horizontal else 1.8)
    frame = "-Baf -BWSne" if rng.random() < 0.7 else "-Bafg -BWSne"
    if horizontal:
        scale = "gmt psscale -R -J -Ccm.cpt -DJBC+w4i/0.2i+o0/0.5i+h -Bxaf -O >> fig.ps"
    else:
        scale = "gmt psscale -R -J -Ccm.cpt -DJRM+w3.5i/0.2i+o0.5i/0 -Bxaf -O >> fig.ps"
    run_gmt(work,
            "gmt grdconvert grid.tif=gd grid.nc",
            f"gmt makecpt -C{cmap_name} -T{vmin!r}/{vmax!r} -Z {'-I' if reversed_ else ''} > cm.cpt",
            f"gmt set PS_MEDIA {width_in:.3f}ix{height_in:.3f}i MAP_FRAME_TYPE "
            f"{'fancy' if choice == 'mercator' and rng.random() < 0.5 else 'plain'}{settings}",
            f"gmt grdimage grid.nc -R{r} -J{projection} -Ccm.cpt -X{x_off}i -Y{y_off}i -P "
            f"{frame} -K > fig.ps",
            scale,
            f"gmt psconvert fig.ps -Tg -E{dpi}")
    # The frame's corners and the bar as GMT placed them.
    frame_box = gmt_frame_box(work, (region[0], region[2], region[1], region[3]), f"-R{r}",
                              projection, (x_off, y_off), dpi)
    if choice in ("mercator", "miller", "equal-area"):
        # GMT's Miller and equal-area are spherical; a sphere's scale does not matter here
        # (the truth is affine in the projection's coordinates).
        proj = {"mercator": "+proj=merc +ellps=WGS84 +units=m +no_defs",
                "miller": "+proj=mill +R=6371008.7714 +units=m +no_defs",
                "equal-area": "+proj=cea +R=6371008.7714 +units=m +no_defs"}[choice]
        from pyproj import Transformer

        t = Transformer.from_crs("EPSG:4326", proj, always_xy=True)
        mx0, my0 = t.transform(region[0], region[2])
        mx1, my1 = t.transform(region[1], region[3])
        extent, crs = (mx0, mx1, my0, my1), proj
    else:
        extent, crs = region, grid.crs
    bar_box = gmt_bar_box(frame_box, horizontal, dpi)
    path = save_png_or_jpeg(work / "fig.png", folder / f"figure{index}", jpeg)
    return Truth(path, f"GMT {choice} {grid.name} {cmap_name}{'_r' if reversed_ else ''} "
                 f"{'h' if horizontal else 'v'}bar {dpi}dpi {'jpeg' + str(jpeg) if jpeg else 'png'}"
                 f"{' grid' if 'g' in frame.split()[0] else ''}{look}",
                 frame_box, bar_box, extent, crs, grid, (vmin, vmax), None,
                 # grdimage draws one image pixel per node, which Ghostscript scales up.
                 "nearest",
                 gcp_crs=grid.crs)


def gmt_bar_box(frame_box, horizontal, dpi):
    """Where psscale put the bar (left, top, right, bottom), pixels: ``-DJBC+w4i/0.2i+o0/0.5i``
    centres a 4 × 0.2 in bar 0.5 in below the map's edge, ``-DJRM+w3.5i/0.2i+o0.5i/0`` a
    3.5 × 0.2 in bar 0.5 in right of it (from the map's edge, a fancy frame's inner line)."""
    left, top, right, bottom = frame_box
    if horizontal:
        middle = 0.5 * (left + right)
        return (middle - 2.0 * dpi, bottom + 0.5 * dpi, middle + 2.0 * dpi, bottom + 0.7 * dpi)
    middle = 0.5 * (top + bottom)
    return (right + 0.5 * dpi, middle - 1.75 * dpi, right + 0.7 * dpi, middle + 1.75 * dpi)


#: Ocean regions of the age grid (west, south, east, north: the frame's lower-left and
#: upper-right corners) for conic and polar maps in a rectangular frame.
#: The small ones (15-20° across) have each side's labels evenly spaced within a pixel or two.
CONVERGING_REGIONS = ((-165, 20, -135, 45), (-160, 25, -140, 40), (-60, 22, -20, 48),
                      (-50, 30, -30, 42), (150, 15, 180, 40), (-40, -50, 0, -25),
                      (60, -45, 100, -20), (-160, 25, -145, 37), (-50, 30, -35, 40),
                      (160, 20, 175, 32), (-35, -40, -20, -28))


def render_gmt_converging(rng, grids, work, folder, index, choice):
    """GMT Lambert conformal (``-JL``) or polar stereographic (``-JS``) map of the age grid in a
    rectangular frame (``-R...+r``) ticked on all four sides, with or without grid lines: no
    affine pixel -> lon/lat transform exists (the sweep expects a refusal or a warning)."""
    from pyproj import Transformer

    west, south, east, north = CONVERGING_REGIONS[int(rng.integers(len(CONVERGING_REGIONS)))]
    middle_lon, middle_lat = 0.5 * (west + east), 0.5 * (south + north)
    (width_in, height_in), dpi, jpeg, horizontal = choose_look(rng)
    map_width = min(width_in - 2.6, height_in * 1.2)
    if choice == "conic":
        lat1, lat2 = south + 0.25 * (north - south), north - 0.25 * (north - south)
        projection = f"L{middle_lon:g}/{middle_lat:g}/{lat1:g}/{lat2:g}/{map_width:.3f}i"
        proj = (f"+proj=lcc +lon_0={middle_lon} +lat_0={middle_lat} +lat_1={lat1} +lat_2={lat2} "
                "+ellps=WGS84 +units=m +no_defs")
    else:
        pole = 90 if middle_lat > 0 else -90
        projection = f"S{middle_lon:g}/{pole}/{map_width:.3f}i"
        proj = f"+proj=stere +lat_0={pole} +lon_0={middle_lon} +ellps=WGS84 +units=m +no_defs"
    region = f"-R{west}/{south}/{east}/{north}+r"
    cmap_name, reversed_ = random_colormap(rng, GMT_COLORMAPS)
    grid = grids["age"]
    vmin, vmax = 0.0, float(rng.choice([150.0, 180.0, 200.0]))
    frame = "-Baf -BWSne" if rng.random() < 0.6 else "-Bafg -BWSne"
    x_off, y_off = 1.0, (1.0 if not horizontal else 1.8)
    bar = ("-DJBC+w4i/0.2i+o0/0.5i+h" if horizontal else "-DJRM+w3.5i/0.2i+o0.5i/0")
    run_gmt(work,
            f"gmt makecpt -C{cmap_name} -T{vmin!r}/{vmax!r} -Z {'-I' if reversed_ else ''} > cm.cpt",
            f"gmt set PS_MEDIA {width_in:.3f}ix{height_in + 1:.3f}i",
            f"gmt grdimage {grid.path} {region} -J{projection} -Ccm.cpt -X{x_off}i -Y{y_off}i -P "
            f"{frame} -K > fig.ps",
            f"gmt psscale -R -J -Ccm.cpt {bar} -Bxaf -O >> fig.ps",
            f"gmt psconvert fig.ps -Tg -E{dpi}")
    frame_box = gmt_frame_box(work, (west, south, east, north), region, projection,
                              (x_off, y_off), dpi)
    to_map = Transformer.from_crs("EPSG:4326", proj, always_xy=True)
    mx0, my0 = to_map.transform(west, south)
    mx1, my1 = to_map.transform(east, north)
    path = save_png_or_jpeg(work / "fig.png", folder / f"figure{index}", jpeg)
    return Truth(path, f"GMT {choice} age {cmap_name}{'_r' if reversed_ else ''} "
                 f"{'h' if horizontal else 'v'}bar {dpi}dpi {'jpeg' + str(jpeg) if jpeg else 'png'}"
                 f"{' grid' if 'g' in frame.split()[0] else ''}",
                 frame_box, gmt_bar_box(frame_box, horizontal, dpi), (mx0, mx1, my0, my1), proj,
                 grid, (vmin, vmax), None, "nearest",
                 gcp_crs="EPSG:4326", affine_expected=False)


def gmt_frame_box(work, corners, region, projection, offset, dpi):
    """The map frame's pixel box (left, top, right, bottom) in ``work``/fig.png, as GMT placed it.

    ``corners`` (west, south, east, north) in degrees are the frame's lower-left and
    upper-right corners, projected with ``region`` (a -R option) and ``projection`` (-J's
    argument) to inches on the map, then moved by the plot's ``offset`` (-X, -Y in inches).
    Ghostscript anchors the page at its bottom-left corner and rounds its height up to whole
    pixels: rows count from the image's bottom.
    """
    from PIL import Image

    west, south, east, north = corners
    projected = run_gmt(work, f"echo '{west} {south}\n{east} {north}' | "
                              f"gmt mapproject {region} -J{projection} -Di")
    (cx0, cy0), (cx1, cy1) = [[float(v) for v in line.split()[:2]]
                              for line in projected.strip().splitlines()]
    with Image.open(work / "fig.png") as image:
        rows = image.size[1]
    x_off, y_off = offset
    return ((x_off + cx0) * dpi, rows - (y_off + cy1) * dpi,
            (x_off + cx1) * dpi, rows - (y_off + cy0) * dpi)


def save_png_or_jpeg(png, stem, jpeg):
    """Copy a rendered PNG to ``stem``.png, or save it as ``stem``.jpg of that quality."""
    from PIL import Image

    if jpeg:
        path = f"{stem}.jpg"
        Image.open(png).convert("RGB").save(path, quality=int(jpeg))
    else:
        path = f"{stem}.png"
        shutil.copy(png, path)
    return path


RENDERERS = {"matplotlib": render_matplotlib, "cartopy": render_cartopy, "gmt": render_gmt}


# -- scoring ------------------------------------------------------------------------------
def transformer(source, target):
    from pyproj import CRS, Transformer

    if CRS.from_user_input(source) == CRS.from_user_input(target):
        return None
    return Transformer.from_crs(source, target, always_xy=True)


def convert(t, x, y):
    if t is None:
        return np.asarray(x, float), np.asarray(y, float)
    x, y = t.transform(np.asarray(x, float), np.asarray(y, float))
    return np.asarray(x, float), np.asarray(y, float)


def same_turn(x, reference, crs):
    """Longitudes ``x`` moved by whole turns to lie within half a turn of ``reference`` when
    ``crs`` is geographic (else as they are): a map labelled 0-360° (GMT's ``+D`` on a region
    given as 235/237) decodes to longitudes 235-237, the same meridians as the truth's
    -125..-123, which a comparison in degrees would put 360° apart."""
    from pyproj import CRS

    x = np.asarray(x, float)
    if not CRS.from_user_input(crs).is_geographic:
        return x
    return x - 360.0 * np.round((x - reference) / 360.0)


def truth_values(truth, gx, gy):
    """The drawn grid at points in its CRS (NaN outside)."""
    from scipy.interpolate import RegularGridInterpolator

    grid = truth.grid
    method = "nearest" if truth.interpolation == "nearest" else "linear"
    interpolate = RegularGridInterpolator((grid.y[::-1], grid.x), grid.values[::-1], method=method,
                                          bounds_error=False, fill_value=np.nan)
    values = interpolate(np.column_stack([gy.ravel(), gx.ravel()])).reshape(gx.shape)
    return np.clip(values, *truth.value_range)


def score(truth, result):
    """The numbers of one decode against its truth (see the module's docstring)."""
    row = {}
    layout = result.layout
    if layout is not None and layout.frame is not None:
        row["frame_px"] = float(np.max(np.abs(np.subtract(layout.frame.box, truth.frame))))
        drawn = truth.notes.get("drawn_frame")
        if drawn is not None:
            # QGIS draws its map item 1-2.4 px short of the nominal rectangle the truth
            # holds (sweep_qgis_layouts.drawn_map_rectangle): the frame found is held
            # against the nearer of the two.
            row["frame_px"] = min(row["frame_px"], float(np.max(np.abs(
                np.subtract(layout.frame.box, drawn)))))
    if layout is not None and layout.colorbar is not None and truth.colorbar is not None:
        row["bar_px"] = float(np.max(np.abs(np.subtract(layout.colorbar.box, truth.colorbar))))
    low, high = truth.value_range
    span = high - low
    row["range_pct"] = 100 * max(abs(result.mapping.vmin - low), abs(result.mapping.vmax - high)) / span
    georeference = result.georeference
    left, top, right, bottom = truth.frame
    px, py = np.meshgrid(np.linspace(left, right, 5), np.linspace(top, bottom, 5))
    mx, my = georeference.pixel_transform.pixel_to_map(px.ravel(), py.ravel())
    tx, ty = convert(transformer(georeference.source_crs, truth.crs), mx, my)
    back_x, back_y = truth.map_to_pixel(tx, ty)
    row["gcp_px"] = float(np.nanmax(np.hypot(back_x - px.ravel(), back_y - py.ravel())))
    # The same error in the output GeoTIFF's pixels (issue 17's "1 output pixel"): the decoded
    # and the true map positions of each lattice point, both in the output grid's columns and
    # rows. A native-grid output (one pixel a drawn cell) has pixels coarser than the figure's.
    true_x, true_y = convert(transformer(truth.crs, georeference.target_crs),
                             *truth.pixel_to_map(px.ravel(), py.ravel()))
    decoded_x, decoded_y = convert(transformer(georeference.source_crs, georeference.target_crs),
                                   mx, my)
    out = result.grid.geotransform
    out_det = out[1] * out[5] - out[2] * out[4]
    true_x = same_turn(true_x, decoded_x, georeference.target_crs)

    def output_cell(x, y):
        return (((x - out[0]) * out[5] - (y - out[3]) * out[2]) / out_det,
                ((y - out[3]) * out[1] - (x - out[0]) * out[4]) / out_det)

    (c0, r0), (c1, r1) = output_cell(true_x, true_y), output_cell(decoded_x, decoded_y)
    row["gcp_out_px"] = float(np.nanmax(np.hypot(c1 - c0, r1 - r0)))
    # Figure pixels an output pixel spans along the frame's top edge (1 when the output keeps
    # the figure's resolution; a native grid's cell is several).
    edge_x, edge_y = convert(transformer(truth.crs, georeference.target_crs),
                             *truth.pixel_to_map(np.array([left, right]), np.array([top, top])))
    edge_x = same_turn(edge_x, out[0], georeference.target_crs)
    edge_col, edge_row = output_cell(edge_x, edge_y)
    row["out_px_size"] = float((right - left) / max(np.hypot(np.diff(edge_col)[0],
                                                             np.diff(edge_row)[0]), 1e-9))
    # Every 2nd figure pixel inside the frame, 2 px in: its true value against the output's.
    # The truth is taken at the pixel's centre and up to a pixel either way along x and y: a
    # renderer's resampling places a steep grid's values within that (matplotlib stretches an
    # image to whole output pixels, 0.6 px off at the frame's far side; Ghostscript scales
    # GMT's image), which is the truth's own uncertainty, not the decode's.
    fx, fy = np.meshgrid(np.arange(np.ceil(left) + 2.5, np.floor(right) - 2, 2),
                         np.arange(np.ceil(top) + 2.5, np.floor(bottom) - 2, 2))
    to_grid = transformer(truth.crs, truth.grid.crs)
    around = []
    for dx, dy in ((0, 0), (-1, 0), (1, 0), (0, -1), (0, 1), (-0.5, 0), (0.5, 0), (0, -0.5),
                   (0, 0.5)):
        gx, gy = convert(to_grid, *truth.pixel_to_map(fx + dx, fy + dy))
        around.append(truth_values(truth, gx, gy))
    around = np.array(around)
    map_x, map_y = truth.pixel_to_map(fx, fy)
    ox, oy = convert(transformer(truth.crs, georeference.target_crs), map_x, map_y)
    gt = result.grid.geotransform
    # The output's own turn of the globe: its centre's longitude.
    ox = same_turn(ox, gt[0] + 0.5 * (gt[1] * result.values.shape[1]
                                      + gt[2] * result.values.shape[0]), georeference.target_crs)
    det = gt[1] * gt[5] - gt[2] * gt[4]
    col = ((ox - gt[0]) * gt[5] - (oy - gt[3]) * gt[2]) / det
    rw = ((oy - gt[3]) * gt[1] - (ox - gt[0]) * gt[4]) / det
    ci, ri = np.floor(col).astype(int), np.floor(rw).astype(int)
    inside = (ci >= 0) & (ci < result.values.shape[1]) & (ri >= 0) & (ri < result.values.shape[0])
    decoded = np.full(fx.shape, np.nan)
    decoded[inside] = result.values[ri[inside], ci[inside]]
    data = np.isfinite(around[0])
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN neighbourhoods: not data
        if truth.levels is not None:
            levels = np.asarray(truth.levels)
            classes = np.searchsorted(levels, around, side="right")
            right = np.isfinite(decoded) & np.any(
                classes == np.searchsorted(levels, decoded, side="right")[None], axis=0)
        else:
            low, high = np.nanmin(around, axis=0), np.nanmax(around, axis=0)  # NaN: not data
            right = (decoded >= low - 0.01 * span) & (decoded <= high + 0.01 * span)
    row["right_pct"] = 100 * float(np.mean(right[data])) if data.any() else float("nan")
    return row


def decode(truth):
    """decodemap with only INPUT and GCP_CRS."""
    from colormap_decoder.plugin.engine.pipeline import DecodeSettings, decode_map

    return decode_map(DecodeSettings(figure_path=truth.path, gcp_crs=truth.gcp_crs,
                                     scale_automatic=True))


def decode_by_hand(truth):
    """decodemap with the renderer's own parameters: the colorbar box (or the colormap's name,
    ``truth.notes["colormap"]``, when the user knows it), VMIN/VMAX (LEVELS), the plot area
    and GCPs at the frame's corners in the truth's CRS."""
    from colormap_decoder.plugin.engine.pipeline import DecodeSettings, decode_map

    folder = Path(tempfile.mkdtemp(prefix="sweep_hand_"))
    left, top, right, bottom = truth.frame
    lines = ["pixel_x,pixel_y,map_x,map_y"]
    for x, y in ((left, top), (right, top), (left, bottom), (right, bottom)):
        mx, my = truth.pixel_to_map(x, y)
        lines.append(f"{x!r},{y!r},{float(mx)!r},{float(my)!r}")
    (folder / "gcps.csv").write_text("\n".join(lines) + "\n")
    b0, b1, b2, b3 = truth.colorbar
    low, high = truth.value_range
    # The colormap by its name when the user knows it (a QGIS layout's ramp), else the bar;
    # classes whose patches no one box covers (a legend in columns) by their colours in a
    # table ("class_table", a .cpt).
    named = truth.notes.get("colormap") if truth.levels is None else \
        truth.notes.get("class_table")
    return decode_map(DecodeSettings(
        figure_path=truth.path, colormap=named,
        colorbar_extent=None if named else (b0, b2, -b3, -b1), vmin=low, vmax=high,
        colorbar_flip=truth.notes.get("flip", False),
        levels=truth.levels, gcps_path=str(folder / "gcps.csv"), gcp_crs=truth.crs,
        plot_area_extent=(np.ceil(left), np.floor(right), -np.floor(bottom), -np.ceil(top)),
        mask_geometries=legend_mask(truth)))


def legend_mask(truth):
    """A legend box drawn over the map (``truth.notes["legend"]``, pixels), as the polygon a
    user masks it with (QGIS's un-georeferenced y = -row), or nothing."""
    box = truth.notes.get("legend")
    if box is None:
        return ()
    x0, y0, x1, y1 = box
    return (f"POLYGON(({x0} {-y0}, {x1} {-y0}, {x1} {-y1}, {x0} {-y1}, {x0} {-y0}))",)


def run_one(truth, always_by_hand=False):
    """Decode one figure with only INPUT and GCP_CRS and score it; ``always_by_hand``: also
    score the hand-given decode (``hand_right_pct``) when the automatic one is right."""
    from colormap_decoder.plugin.engine.errors import EngineError

    row = {"figure": Path(truth.path).name, "what": truth.description}
    start = time.perf_counter()
    try:
        result = decode(truth)
    except EngineError as error:
        row.update(outcome=f"refused {error.parameter}", message=str(error)[:300])
        row["seconds"] = time.perf_counter() - start
        return row
    except Exception as error:  # a bug: the sweep goes on and says so
        row.update(outcome="CRASH", message=f"{type(error).__name__}: {error}"[:300],
                   trace=traceback.format_exc()[-1500:])
        row["seconds"] = time.perf_counter() - start
        return row
    row["seconds"] = time.perf_counter() - start
    row.update(score(truth, result))
    row["warnings"] = [w[:200] for w in result.warnings]
    frame_off = row.get("frame_px", 0.0) > WRONG_FRAME_PX
    wrong = (row["gcp_px"] > WRONG_GCP_PX or row["range_pct"] > WRONG_RANGE_PERCENT
             or not row["right_pct"] >= 100 * WRONG_RIGHT_SHARE or frame_off)
    if always_by_hand or (wrong and not frame_off and row["gcp_px"] <= WRONG_GCP_PX
                          and row["range_pct"] <= WRONG_RANGE_PERCENT):
        # Placed and scaled right, yet few pixels right: the same figure decoded with the
        # renderer's own parameters tells a decoding fault from a truth this sweep cannot
        # model (GMT resamples a grid it projects, so a Mercator map's cells are not the
        # grid's): issue 17's bar is the hand-given decode's error, twice.
        try:
            row["hand_right_pct"] = score(truth, decode_by_hand(truth))["right_pct"]
        except Exception as error:  # noqa: BLE001 - reported, the sweep goes on
            row["hand_error"] = f"{type(error).__name__}: {error}"[:200]
        hand = row.get("hand_right_pct")
        if wrong and not frame_off and hand is not None and \
                100 - row["right_pct"] <= 2 * (100 - hand) + 0.5:
            row["outcome"] = "ok-as-hand"
            row["messages"] = [m[:240] for m in result.messages]
            return row
    row["outcome"] = ("warned" if result.warnings else "WRONG") if wrong else "ok"
    row["messages"] = [m[:240] for m in result.messages]
    return row


TABLE_HEADER = (f"{'seed':>4} {'#':>2} {'outcome':<16} {'frame':>6} {'bar':>6} {'range%':>7} "
                f"{'gcp px':>7} {'gcp op':>7} {'op/px':>5} {'right%':>7} {'s':>5}  figure")


def print_row(row, verbose=False):
    """One figure's line of the table (and its refusal message, warnings, log)."""

    def number(key, width, digits=1):
        value = row.get(key)
        return f"{value:>{width}.{digits}f}" if isinstance(value, float) else f"{'-':>{width}}"

    print(f"{row['seed']:>4} {row['index']:>2} {row['outcome']:<16} {number('frame_px', 6, 2)} "
          f"{number('bar_px', 6)} {number('range_pct', 7, 2)} {number('gcp_px', 7, 2)} "
          f"{number('gcp_out_px', 7, 2)} {number('out_px_size', 5)} "
          f"{number('right_pct', 7)} {row['seconds']:>5.0f}  {row['what']}"
          f"{'' if row.get('hand_right_pct') is None else ' | hand %.1f' % row['hand_right_pct']}",
          flush=True)
    if row.get("message"):
        print(f"{'':>8}{row['message'][:230]}")
    for warning in row.get("warnings", [])[:2]:
        print(f"{'':>8}warning: {warning[:200]}")
    if verbose:
        for message in row.get("messages", []):
            print(f"{'':>10}| {message}")


def print_outcomes(rows):
    """The count of each outcome."""
    counts = {}
    for row in rows:
        key = row["outcome"].split(" ")[0]
        counts[key] = counts.get(key, 0) + 1
    print("outcomes:", ", ".join(f"{key} {value}" for key, value in sorted(counts.items())))


def use_engine(code=None):
    """Make ``colormap_decoder`` this checkout's engine, or another's (``code``, e.g. an older
    commit's ``git archive``) for a before/after table on the same figures."""
    sys.path.insert(0, str(REPO / "tests"))
    from sample_figure import expose_package

    expose_package(code or REPO)  # its temporary folder removed at exit


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, nargs="+", default=[1])
    parser.add_argument("--count", type=int, default=8, help="figures per seed")
    parser.add_argument("--only", choices=sorted(RENDERERS), help="one renderer")
    parser.add_argument("--subset", choices=sorted(RENDERERS),
                        help="decode only this renderer's figures of the full sweep (the same "
                             "figures as without it, unlike --only)")
    parser.add_argument("--keep", help="folder to keep the figures in")
    parser.add_argument("--json", help="write every row (with the log) here")
    parser.add_argument("--verbose", action="store_true", help="print each decode's log")
    parser.add_argument("--code", help="the checkout whose engine decodes (default: this one)")
    parser.add_argument("--wider", action="store_true",
                        help="with --wide: also publication looks (bold text, large text, "
                             "degree-minute labels, figures cropped tight round their ink)")
    parser.add_argument("--pick", nargs="+", metavar="SEED:INDEX",
                        help="decode only these figures of the sweep (e.g. 31:4 32:0)")
    parser.add_argument("--reuse", action="store_true",
                        help="with --keep: decode the figures (and truths) kept there by an "
                             "earlier run instead of drawing them again")
    parser.add_argument("--wide", action="store_true",
                        help="looks beyond the first sweep's: matplotlib styles and fonts, dpi "
                             "72-600, JPEG q50-95, label formats (signed degrees, thousands "
                             "separators, units, km), GMT -JQ/-JJ/-JY, fonts and degree "
                             "formats, cartopy plate carrée without labels")
    args = parser.parse_args()
    global EXTRA

    use_engine(args.code)
    import matplotlib

    matplotlib.use("Agg")
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="sweep_auto_"))
    folder.mkdir(parents=True, exist_ok=True)
    grids = load_grids()
    rows = []
    print(TABLE_HEADER)
    for seed in args.seed:
        rng = np.random.default_rng(seed)
        for index in range(args.count):
            name = args.only or str(rng.choice(["matplotlib", "matplotlib", "cartopy", "gmt"]))
            if args.subset and name != args.subset:
                continue
            if args.pick and f"{seed}:{index}" not in args.pick:
                continue
            figure_rng = np.random.default_rng([seed, index])
            EXTRA = Wide(seed, index, wider=args.wider) if args.wide else None
            # The truth kept beside the figure, so that one figure can be decoded again.
            kept = folder / (f"truth{seed}_{index}{'_wide' if args.wide else ''}"
                             f"{'r' if args.wider else ''}.pickle")
            if args.reuse and kept.exists():
                truth = pickle.loads(kept.read_bytes())
            else:
                try:
                    truth = RENDERERS[name](figure_rng, grids, folder, f"{seed}_{index}")
                except Exception as error:
                    print(f"{seed:>4} {index:>2} render failed: {type(error).__name__}: {error}")
                    continue
                kept.write_bytes(pickle.dumps(truth))
            row = run_one(truth)
            row.update(seed=seed, index=index, path=truth.path, affine=truth.affine_expected)
            rows.append(row)
            print_row(row, args.verbose)
    print_outcomes(rows)
    print("figures in", folder)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1, default=str))


if __name__ == "__main__":
    main()
