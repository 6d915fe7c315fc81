"""Real figures with their ticks and labels, drawn by matplotlib and GMT, and where everything is.

Detection is judged on figures as tools draw them: a map frame with labelled ticks (degrees
with hemisphere letters, metres), a colorbar with labelled ticks beside or below the map. Each
renderer returns the truth: the frame and colorbar boxes in pixels (from the renderer's own
transforms), the map extent and the value range.
"""
import contextlib
import os
import shutil
import subprocess
from dataclasses import dataclass, field

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from figures_for_tests import draw_contourf, topobathy  # noqa: E402
from matplotlib import colors as mcolors  # noqa: E402
from matplotlib import ticker  # noqa: E402


@dataclass
class DetectionFigure:
    """A rendered figure and its truth.

    Attributes
    ----------
    path : str
    frame : tuple (left, top, right, bottom)
        The map axes' edges, pixel coordinates (GDAL convention, y down).
    colorbar : tuple (left, top, right, bottom)
        The colorbar's edges.
    extent : tuple (west, east, south, north)
        Map coordinates at the frame's edges.
    value_range : tuple (low, high)
        The values at the colorbar's low and high ends.
    logarithmic : bool
    levels : tuple or None
        Class boundaries of a discrete bar.
    grid : ndarray
        The data drawn, row 0 at the top.
    vertical_bar : bool
    """

    path: str
    frame: tuple
    colorbar: tuple
    extent: tuple
    value_range: tuple
    grid: np.ndarray
    logarithmic: bool = False
    levels: tuple = None
    vertical_bar: bool = True
    crs: str = "EPSG:4326"
    notes: dict = field(default_factory=dict)

    def pixel_to_map(self, x, y):
        """Map coordinates of pixel coordinates, as the renderer placed the map (linear axes)."""
        west, east, south, north = self.extent
        left, top, right, bottom = self.frame
        return (west + (np.asarray(x, float) - left) / (right - left) * (east - west),
                north - (np.asarray(y, float) - top) / (bottom - top) * (north - south))

    def map_to_pixel(self, mx, my):
        west, east, south, north = self.extent
        left, top, right, bottom = self.frame
        return (left + (np.asarray(mx, float) - west) / (east - west) * (right - left),
                top + (north - np.asarray(my, float)) / (north - south) * (bottom - top))


def lonlat_topobathy():
    """The topo-bathymetry grid with west longitudes as map labels print them.

    Returns
    -------
    grid : ndarray (rows, columns)
    extent : tuple (west, east, south, north)
        Degrees; the file stores 234–238 °E, returned as -126 to -122.
    """
    grid, extent = topobathy()
    return grid, (extent[0] - 360, extent[1] - 360, extent[2], extent[3])


def render_cartopy_plate_carree(grid, extent, path, interpolation="bilinear", y_step=None):
    """cartopy plate carrée with gridline labels (no tick marks) and a colorbar (``y_step``:
    a parallel every so many degrees instead of cartopy's choice).

    Parameters
    ----------
    grid : ndarray (rows, columns)
    extent : tuple (west, east, south, north)
        Degrees.
    path : path-like
        The PNG to write.
    interpolation : str or None
        matplotlib's ``imshow`` interpolation (None: its default).

    Returns
    -------
    DetectionFigure
        The axes' frame and extent as cartopy placed them (no colorbar box).
    """
    import cartopy.crs as ccrs

    figure = plt.figure(figsize=(9, 6), dpi=100)
    axes = figure.add_axes([0.1, 0.1, 0.7, 0.8], projection=ccrs.PlateCarree())
    image = axes.imshow(grid, extent=extent, transform=ccrs.PlateCarree(), cmap="viridis",
                        origin="upper", interpolation=interpolation)
    axes.set_extent(extent, crs=ccrs.PlateCarree())
    lines = axes.gridlines(draw_labels=True, linewidth=0.5, color="gray")
    if y_step:
        lines.ylocator = ticker.MultipleLocator(y_step)
    lines.top_labels = False
    lines.right_labels = False
    figure.colorbar(image, cax=figure.add_axes([0.83, 0.1, 0.025, 0.8]))
    figure.canvas.draw()
    height = figure.canvas.get_width_height()[1]
    frame = pixel_box(axes, height)
    west, east, south, north = axes.get_extent()
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return DetectionFigure(str(path), frame, None,
                           (west, east, south, north),
                           (float(np.nanmin(grid)), float(np.nanmax(grid))),
                           np.asarray(grid, float))


def frame_gcps_csv(path, truth):
    """Write the renderer's own GCPs: the frame's corners and centre in map coordinates.

    Parameters
    ----------
    path : pathlib.Path
        The CSV to write (``pixel_x,pixel_y,map_x,map_y``).
    truth : object
        With ``frame`` (left, top, right, bottom; pixels) and ``pixel_to_map(x, y)``.

    Returns
    -------
    str
        ``path``.
    """
    left, top, right, bottom = truth.frame
    lines = ["pixel_x,pixel_y,map_x,map_y"]
    for x, y in ((left, top), (right, top), (left, bottom), (right, bottom),
                 (0.5 * (left + right), 0.5 * (top + bottom))):
        mx, my = truth.pixel_to_map(x, y)
        lines.append(f"{x!r},{y!r},{float(mx)!r},{float(my)!r}")
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def degree_formatter(axis):
    """Tick labels as journals print them: 30°N, 10°S, 120°W, 0°, with a Unicode minus never."""
    def longitude(value, _):
        value = (value + 180) % 360 - 180
        if abs(value) < 1e-9:
            return "0°"
        return f"{abs(value):g}°{'E' if value > 0 else 'W'}"

    def latitude(value, _):
        if abs(value) < 1e-9:
            return "0°"
        return f"{abs(value):g}°{'N' if value > 0 else 'S'}"

    return ticker.FuncFormatter(longitude if axis == "x" else latitude)


def render_matplotlib(grid, extent, path, cmap="viridis", vmin=None, vmax=None, log=False,
                      levels=None, degrees=True, horizontal_bar=False, dpi=100, size=(9, 6),
                      jpeg_quality=None, reversed_axis=False, contours=True, title="A real grid",
                      xlabel=None, ylabel=None, reversed_bar=False, x_step=None, y_step=None,
                      aspect="auto"):
    """Draw a grid as a journal figure: imshow (or contourf) with labelled axes and a colorbar
    (``reversed_bar``: its value axis inverted, the low end at the top or right; ``x_step``:
    a tick every so many units along x, however crowded their labels; ``y_step`` along y;
    ``aspect``: imshow's, "equal" for equal scales along x and y).

    Positions are read back from matplotlib's own transforms after drawing, so the truth holds
    whatever the layout (no pixel snapping is arranged).
    """
    figure = plt.figure(figsize=size, dpi=dpi)
    if horizontal_bar:
        axes = figure.add_axes([0.12, 0.26, 0.76, 0.64])
        bar_axes = figure.add_axes([0.2, 0.1, 0.6, 0.035])
    else:
        axes = figure.add_axes([0.12, 0.12, 0.66, 0.78])
        bar_axes = figure.add_axes([0.81, 0.12, 0.025, 0.78])
    vmin = float(np.nanmin(grid)) if vmin is None else vmin
    vmax = float(np.nanmax(grid)) if vmax is None else vmax
    if levels is not None:
        mappable = draw_contourf(axes, grid, extent, levels, cmap)
        vmin, vmax = levels[0], levels[-1]
    else:
        norm = mcolors.LogNorm(vmin, vmax) if log else mcolors.Normalize(vmin, vmax)
        mappable = axes.imshow(grid, cmap=cmap, norm=norm, extent=extent, aspect=aspect,
                               interpolation="bilinear")
        if contours:
            x = np.linspace(extent[0], extent[1], grid.shape[1])
            y = np.linspace(extent[3], extent[2], grid.shape[0])
            contour_levels = (np.geomspace(vmin, vmax, 4)[1:-1] if log
                              else np.linspace(vmin, vmax, 5)[1:-1])
            axes.contour(x, y, grid, levels=contour_levels, colors="black", linewidths=0.6)
    if degrees:
        axes.xaxis.set_major_formatter(degree_formatter("x"))
        axes.yaxis.set_major_formatter(degree_formatter("y"))
    else:
        axes.ticklabel_format(useOffset=False, style="plain")
    if x_step:
        axes.xaxis.set_major_locator(ticker.MultipleLocator(x_step))
    if y_step:
        axes.yaxis.set_major_locator(ticker.MultipleLocator(y_step))
    if reversed_axis:
        axes.invert_yaxis()
    axes.set_title(title)
    if xlabel:
        axes.set_xlabel(xlabel)
    if ylabel:
        axes.set_ylabel(ylabel)
    figure.colorbar(mappable, cax=bar_axes, orientation="horizontal" if horizontal_bar else "vertical")
    if reversed_bar:
        (bar_axes.invert_xaxis if horizontal_bar else bar_axes.invert_yaxis)()
    figure.canvas.draw()
    height = figure.canvas.get_width_height()[1]
    frame, bar = pixel_box(axes, height), pixel_box(bar_axes, height)
    x0, x1 = axes.get_xlim()
    y0, y1 = axes.get_ylim()
    if jpeg_quality:
        figure.savefig(path, dpi=dpi, pil_kwargs={"quality": jpeg_quality})
    else:
        figure.savefig(path, dpi=dpi)
    plt.close(figure)
    # (west, east, south, north) at the frame's (left, right, bottom, top).
    return DetectionFigure(str(path), frame, bar, (x0, x1, y0, y1), (vmin, vmax),
                           np.asarray(grid, float), log, tuple(levels) if levels is not None else None,
                           not horizontal_bar)


# -- GMT ----------------------------------------------------------------------------------
def run_gmt(folder, *commands, timeout=120):
    """Run GMT commands in ``folder`` with a session of their own; output of the last returned.
    ``timeout`` is in seconds a command."""
    import pytest

    if shutil.which("gmt") is None or shutil.which("gs") is None:
        pytest.fail("GMT and Ghostscript are needed (make test installs gmt and ghostscript)")
    env = dict(os.environ, GMT_SESSION_NAME=str(os.getpid()), GMT_USERDIR=str(folder),
               GMT_TMPDIR=str(folder))
    output = ""
    for command in commands:
        output = subprocess.run(command, shell=True, check=True, cwd=folder, env=env,
                                capture_output=True, timeout=timeout, text=True).stdout
    return output


def gmt_map_to_pixel(folder, region, projection, points, x_offset_inch, y_offset_inch,
                     page_height_inch, dpi):
    """Pixel positions of map points as GMT placed them (``mapproject`` in inches)."""
    text = "\n".join(f"{x} {y}" for x, y in points)
    (folder / "points.txt").write_text(text + "\n")
    output = run_gmt(folder, f"gmt mapproject points.txt -R{region} -J{projection} -Di")
    inches = np.array([[float(v) for v in line.split()[:2]] for line in output.strip().splitlines()])
    col = (x_offset_inch + inches[:, 0]) * dpi
    row = (page_height_inch - y_offset_inch - inches[:, 1]) * dpi
    return col, row


#: GMT's Mercator map of ocean-floor age (:func:`render_gmt_age_mercator`): region, projection,
#: and the map's offset on the page (-X1i -Y1.5i on 8.5 x 7.5 in, drawn at 100 dpi).
AGE_MERCATOR = dict(region="-180/-100/-50/10", projection="M6i", x_offset_inch=1.0,
                    y_offset_inch=1.5, page_height_inch=7.5, dpi=100)


def render_gmt_age_mercator(folder, grid_path):
    """The age grid on a Mercator map with GMT's chequered 'fancy' frame, labelled in degrees,
    and a horizontal psscale 4 in wide centred 0.4 in below it; ``folder / "fig.png"``.

    Placed as :data:`AGE_MERCATOR` says (:func:`gmt_map_to_pixel` takes its values).
    """
    region, projection = AGE_MERCATOR["region"], AGE_MERCATOR["projection"]
    run_gmt(folder,
            "gmt makecpt -Chaxby -T0/180/10 > age.cpt",
            "gmt set PS_MEDIA 8.5ix7.5i",
            f"gmt grdimage {grid_path} -R{region} -J{projection} -Cage.cpt -X1i -Y1.5i -P "
            "-Baf -BWSne -K > fig.ps",
            "gmt psscale -R -J -Cage.cpt -DJBC+w4i/0.2i+o0/0.4i+h -Bxaf -O >> fig.ps",
            "gmt psconvert fig.ps -Tg -E100")
    return folder / "fig.png"


def age_mercator_to_pixel(folder, points):
    """Pixel positions of (lon, lat) points on :func:`render_gmt_age_mercator`'s figure."""
    a = AGE_MERCATOR
    return gmt_map_to_pixel(folder, a["region"], a["projection"], points, a["x_offset_inch"],
                            a["y_offset_inch"], a["page_height_inch"], a["dpi"])


# -- Text over the map: inline graticule labels, annotations inside the frame, bars on the map
def sst_lonlat(data_folder):
    """The 2° NOAA OI SST (°C, land missing), north up, longitudes -181..179.

    Returns
    -------
    grid : ndarray (90, 180)
    extent : tuple (west, east, south, north)
        Cell edges, degrees.
    """
    import rasterio

    with rasterio.open(f'NETCDF:"{data_folder / "stars_reduced_oisst.nc"}":sst') as dataset:
        sst = dataset.read(1, masked=True).astype(float).filled(np.nan) * dataset.scales[0]
        west, south, east, north = dataset.bounds
    half = sst.shape[1] // 2
    return np.roll(sst, half, axis=1), (west - 180, east - 180, south, north)


def render_cartopy_coast(path, grid, extent, region, cmap="viridis", dpi=100,
                         jpeg_quality=None):
    """cartopy plate carrée of a grid over ``region`` (west, east, south, north, degrees)
    with no outline (``spines["geo"]`` hidden: the plot area is the map alone), grey grid
    lines labelled left and below, a colorbar beside; cells drawn as they are (nearest). The
    SST's land is NaN: along a side crossing a coast the data is sparse. JPEG of
    ``jpeg_quality`` through Pillow when given (``path`` then ends in .jpg).

    Returns
    -------
    tuple (left, top, right, bottom)
        The axes' box in pixels, from cartopy's transforms.
    """
    import cartopy.crs as ccrs
    from PIL import Image

    figure = plt.figure(figsize=(8, 5.5), dpi=dpi)
    axes = figure.add_axes([0.1, 0.12, 0.7, 0.8], projection=ccrs.PlateCarree())
    image = axes.imshow(grid, extent=extent, transform=ccrs.PlateCarree(), cmap=cmap,
                        origin="upper", interpolation="nearest")
    axes.set_extent(region, crs=ccrs.PlateCarree())
    axes.spines["geo"].set_visible(False)
    lines = axes.gridlines(draw_labels=True, linewidth=0.5, color="gray")
    lines.top_labels = lines.right_labels = False
    figure.colorbar(image, cax=figure.add_axes([0.84, 0.12, 0.025, 0.8]))
    figure.canvas.draw()
    frame = pixel_box(axes, figure.canvas.get_width_height()[1])
    png = str(path) if not jpeg_quality else str(path) + ".png"
    figure.savefig(png, dpi=dpi)
    plt.close(figure)
    if jpeg_quality:
        Image.open(png).convert("RGB").save(path, quality=int(jpeg_quality))
        os.remove(png)
    return frame


def text_boxes(artists, height):
    """Pixel boxes (col0, row0, col1, row1) of the visible text artists, after a draw."""
    boxes = []
    for artist in artists:
        if not artist.get_visible() or not artist.get_text():
            continue
        boxes.append(pixel_box(artist, height))
    return boxes


def pixel_box(artist, height):
    """An artist's (axes', text's) box in the image's pixels, (col0, row0, col1, row1), after a
    draw; ``height`` is the canvas' in pixels (matplotlib counts display y from the bottom)."""
    (x0, y0), (x1, y1) = artist.get_window_extent().get_points()
    return (float(x0), float(height - y1), float(x1), float(height - y0))


def render_cartopy_inline(grid, extent, path, shown, x_inline, y_inline, cmap="plasma",
                          vmin=-2.0, vmax=32.0, jpeg_quality=None):
    """cartopy plate carrée whose gridline labels are written over the map (``x_inline``,
    ``y_inline``: cartopy's inline labels, centred on their grid lines), a colorbar beside.

    Parameters
    ----------
    grid : ndarray
    extent : tuple (west, east, south, north)
        The grid's cell edges, degrees.
    shown : tuple (west, east, south, north)
        The map's extent.

    Returns
    -------
    DetectionFigure
        ``notes["labels"]``: pixel boxes of the gridline labels drawn over the map.
    """
    import cartopy.crs as ccrs

    figure = plt.figure(figsize=(9, 6), dpi=100)
    axes = figure.add_axes([0.1, 0.1, 0.7, 0.8], projection=ccrs.PlateCarree())
    image = axes.imshow(grid, extent=extent, transform=ccrs.PlateCarree(), cmap=cmap,
                        vmin=vmin, vmax=vmax, origin="upper", interpolation="bilinear")
    axes.set_extent(shown, crs=ccrs.PlateCarree())
    lines = axes.gridlines(draw_labels=True, x_inline=x_inline, y_inline=y_inline,
                           linewidth=0.5, color="gray")
    bar_axes = figure.add_axes([0.83, 0.1, 0.025, 0.8])
    figure.colorbar(image, cax=bar_axes)
    figure.canvas.draw()
    height = figure.canvas.get_width_height()[1]
    frame, bar = pixel_box(axes, height), pixel_box(bar_axes, height)
    inline = [artist for artist in lines.label_artists if
              (x_inline and artist in lines.xlabel_artists) or
              (y_inline and artist in lines.ylabel_artists)] \
        if hasattr(lines, "xlabel_artists") else lines.label_artists
    labels = [box for box in text_boxes(inline, height)
              if frame[0] < box[0] and box[2] < frame[2] and frame[1] < box[1] and
              box[3] < frame[3]]
    west, east, south, north = axes.get_extent()
    if jpeg_quality:
        figure.savefig(path, dpi=100, pil_kwargs={"quality": jpeg_quality})
    else:
        figure.savefig(path, dpi=100)
    plt.close(figure)
    return DetectionFigure(str(path), frame, bar, (west, east, south, north), (vmin, vmax),
                           np.asarray(grid, float), notes={"labels": labels})


def render_gmt_age_inside(folder, grid_path):
    """:func:`render_gmt_age_mercator`'s map with its annotations and ticks inside the frame
    (``MAP_FRAME_TYPE=inside``) and a vertical psscale straight on the map at its bottom
    right corner (``-DjBR+w2.5i/0.2i+o0.7i/0.4i``); ``folder / "fig.png"``.

    Returns
    -------
    bar : tuple (left, top, right, bottom)
        The psscale bar's edges, pixels.
    """
    a = AGE_MERCATOR
    region, projection = a["region"], a["projection"]
    run_gmt(folder,
            "gmt makecpt -Chaxby -T0/180/10 > age.cpt",
            "gmt set PS_MEDIA 8.5ix7.5i",
            f"gmt grdimage {grid_path} -R{region} -J{projection} -Cage.cpt -X1i -Y1.5i -P "
            "-Baf -BWSne --MAP_FRAME_TYPE=inside -K > fig.ps",
            "gmt psscale -R -J -Cage.cpt -DjBR+w2.5i/0.2i+o0.7i/0.4i -Bxaf -O >> fig.ps",
            "gmt psconvert fig.ps -Tg -E100")
    # The bar's corners in inches from the map's lower left: 0.7 in from its right side,
    # 0.4 in above its bottom, 0.2 in wide and 2.5 in long.
    width = float(run_gmt(folder, f"gmt mapproject -R{region} -J{projection} -W -Di").split()[0])
    right, bottom = width - 0.7, 0.4
    dpi, page, x_off, y_off = a["dpi"], a["page_height_inch"], a["x_offset_inch"], a["y_offset_inch"]
    return ((x_off + right - 0.2) * dpi, (page - y_off - bottom - 2.5) * dpi,
            (x_off + right) * dpi, (page - y_off - bottom) * dpi)


def render_matplotlib_inside(grid, extent, path, cmap="terrain", vmin=200.0, vmax=1200.0,
                             jpeg_quality=None, contour_labels=False, label_buffer=False):
    """matplotlib with its tick marks and labels inside the frame over the map (negative pads,
    the y labels left-aligned from the left side) and a horizontal colorbar in an inset axes
    on the map's lower left, its labels below it over the map.

    With ``contour_labels``, the values of the 500 and 1000 m contours written on the map
    where those run (matplotlib's ``clabel``, level, as large as the tick labels; the contour
    lines themselves not drawn). With ``label_buffer``, the axes' tick labels are drawn over a
    white buffer 3 points wide (``patheffects.withStroke``), as maps often write text over
    their colours.

    Returns
    -------
    DetectionFigure
        ``notes["labels"]``: pixel boxes of every tick label drawn over the map (axes and
        colorbar); ``notes["contour_labels"]``: those of the contour labels.
    """
    figure = plt.figure(figsize=(9, 6), dpi=100)
    axes = figure.add_axes([0.08, 0.08, 0.84, 0.86])
    image = axes.imshow(grid, cmap=cmap, extent=extent, aspect="auto", interpolation="bilinear",
                        vmin=vmin, vmax=vmax)
    axes.xaxis.set_major_formatter(degree_formatter("x"))
    axes.yaxis.set_major_formatter(degree_formatter("y"))
    axes.tick_params(axis="x", direction="in", pad=-15)
    axes.tick_params(axis="y", direction="in", pad=-8)
    for label in axes.get_yticklabels():
        label.set_horizontalalignment("left")
    if label_buffer:
        from matplotlib import patheffects

        for label in axes.get_xticklabels() + axes.get_yticklabels():
            label.set_path_effects([patheffects.withStroke(linewidth=3, foreground="white")])
    bar_axes = axes.inset_axes([0.4, 0.12, 0.4, 0.04])
    figure.colorbar(image, cax=bar_axes, orientation="horizontal")
    written = []
    if contour_labels:
        x = np.linspace(extent[0], extent[1], grid.shape[1])
        y = np.linspace(extent[3], extent[2], grid.shape[0])
        # The lines themselves not drawn: over the map they cross the axes' labels inside
        # the frame, which is another matter; the labels are what is looked at here.
        lines = axes.contour(x, y, grid, levels=[500, 1000], colors="black", linewidths=0.0)
        # Placed on the contours nearest to points well inside the map, away from the
        # axes' labels along its sides and from the inset colorbar.
        west, east, south, north = extent
        spots = [(west + fx * (east - west), south + fy * (north - south))
                 for fx in (0.3, 0.5, 0.7, 0.85) for fy in (0.45, 0.65, 0.85)]
        written = axes.clabel(lines, fontsize=plt.rcParams["xtick.labelsize"], fmt="%d",
                              manual=spots)
        for text in written:
            text.set_rotation(0)  # written level, as annotations on a map mostly are
    figure.canvas.draw()
    height = figure.canvas.get_width_height()[1]
    frame, bar = pixel_box(axes, height), pixel_box(bar_axes, height)
    x0, x1 = axes.get_xlim()
    y0, y1 = axes.get_ylim()

    def shown(artist_axes, labels, along):
        low, high = sorted(along())
        return [label for label in labels if low <= label.get_position()[
            0 if along == artist_axes.get_xlim else 1] <= high]

    labels = text_boxes(shown(axes, axes.get_xticklabels(), axes.get_xlim) +
                        shown(axes, axes.get_yticklabels(), axes.get_ylim) +
                        shown(bar_axes, bar_axes.get_xticklabels(), bar_axes.get_xlim), height)
    contour_boxes = text_boxes(written, height) if written else []
    if jpeg_quality:
        figure.savefig(path, dpi=100, pil_kwargs={"quality": jpeg_quality})
    else:
        figure.savefig(path, dpi=100)
    plt.close(figure)
    return DetectionFigure(str(path), frame, bar, (x0, x1, y0, y1), (vmin, vmax),
                           np.asarray(grid, float), vertical_bar=False,
                           notes={"labels": labels, "contour_labels": contour_boxes})


def gcp_error_px(result, frame, limits):
    """Largest distance (pixels), over a 5 × 5 lattice of the frame, between where the
    decode's pixel -> map transform and the axes' own put a point."""
    left, top, right, bottom = frame
    west, east, south, north = limits
    px, py = np.meshgrid(np.linspace(left, right, 5), np.linspace(top, bottom, 5))
    mx, my = result.georeference.pixel_transform.pixel_to_map(px.ravel(), py.ravel())
    x_back = left + (np.asarray(mx) - west) / (east - west) * (right - left)
    y_back = top + (north - np.asarray(my)) / (north - south) * (bottom - top)
    return float(np.max(np.hypot(x_back - px.ravel(), y_back - py.ravel())))


@contextlib.contextmanager
def utm_map_with_comma_labels(font, size, dpi, tick_marks=True):
    """A UTM map in metres whose labels carry thousands' commas (y '5,185,000' ... '5,160,000'),
    drawn in ``font`` at ``size`` pt and ``dpi``: yields (figure, axes) inside the font's
    rc_context, for the caller to save and measure; closed after. ``tick_marks=False`` draws
    none (as seaborn's styles)."""
    style = {"font.family": font, "font.size": size}
    if not tick_marks:
        style.update({"ytick.major.size": 0, "xtick.major.size": 0})
    rows, cols = np.mgrid[0:50, 0:60]
    field_ = np.sin(cols / 8.0) + np.cos(rows / 6.0)
    with plt.rc_context(style):
        figure, axes = plt.subplots(figsize=(6.0, 5.0), dpi=dpi)
        try:
            figure.subplots_adjust(left=0.3)
            axes.pcolormesh(np.linspace(607000, 626000, 61), np.linspace(5157500, 5185500, 51),
                            field_, cmap="viridis")
            axes.yaxis.set_major_formatter(ticker.StrMethodFormatter("{x:,.0f}"))
            axes.xaxis.set_major_formatter(ticker.StrMethodFormatter("{x:,.0f}"))
            axes.set_xticks([610000, 615000, 620000, 625000])
            yield figure, axes
        finally:
            plt.close(figure)


def age_grid(shared_data):
    """The ocean floor's age (Myr; NaN on land) of ``../shared/data`` and its affine transform
    (rasterio's, degrees)."""
    import rasterio

    with rasterio.open(shared_data / "gmtserver_age.3.20.nc") as dataset:
        grid = dataset.read(1).astype(float)
        grid[grid == dataset.nodata] = np.nan
        # Stored in hundredths of a million years (the variable's scale_factor).
        return grid * float(dataset.tags(1).get("scale_factor", 1)), dataset.transform


#: Two map panels of one figure: (west, east, south, north) in degrees and the range (Myr) of
#: each. The left one (the Atlantic) is drawn wider (each panel fills its share of the figure,
#: as matplotlib's ``aspect="auto"`` does): it is the largest frame.
PANELS = (((-60.0, 0.0, -40.0, 40.0), (0.0, 180.0)),
          ((-170.0, -120.0, -30.0, 20.0), (0.0, 100.0)))


def render_two_panels(path, grid, transform, right_colormap):
    """A geographic grid (the age grid, ``transform`` its affine) in the two :data:`PANELS` of
    one matplotlib figure, viridis on the left and ``right_colormap`` on the right, each with
    its colorbar beside it and degree labels; returns each panel's axes box in pixels (left,
    top, right, bottom)."""
    figure, axes = plt.subplots(1, 2, figsize=(11, 4.4), dpi=120,
                                gridspec_kw={"width_ratios": [1.3, 1.0]})
    for ax, (extent, (vmin, vmax)), colormap in zip(axes, PANELS, ("viridis", right_colormap)):
        image = ax.imshow(grid, extent=(transform.c, transform.c + transform.a * grid.shape[1],
                                        transform.f + transform.e * grid.shape[0], transform.f),
                          cmap=colormap, vmin=vmin, vmax=vmax, interpolation="nearest",
                          aspect="auto")
        ax.set_xlim(extent[:2])
        ax.set_ylim(extent[2:])
        ax.xaxis.set_major_formatter(degree_formatter("x"))
        ax.yaxis.set_major_formatter(degree_formatter("y"))
        figure.colorbar(image, ax=ax, label="Age (Myr)")
    figure.tight_layout()
    figure.canvas.draw()
    height = figure.canvas.get_width_height()[1]
    boxes = [(ax.get_window_extent().x0, height - ax.get_window_extent().y1,
              ax.get_window_extent().x1, height - ax.get_window_extent().y0) for ax in axes]
    figure.savefig(path, dpi=120)
    plt.close(figure)
    return boxes


# -- styled bars close beside the map, cropped tight ----------------------------------------
STYLED_VMIN, STYLED_VMAX = -1500.0, 2500.0


#: Bands of sparse data along a side of a map (:func:`sparse_edge_band`).
SPARSE_BANDS = ("bottom columns", "right cells", "top rows", "left sea")


def sparse_edge_band(grid, kind, seed=0):
    """The grid with no data (NaN) over most of a band along one of its sides.

    ``kind``: "bottom columns", the bottom 20 % of the rows with data in one pair of columns
    out of six; "right cells", the right 15 % of the columns with a quarter of the cells kept
    at random; "top rows", the top 15 % of the rows with one row out of five kept (row 0
    among them); "left sea", the left 20 % of the columns with the sea's cells (values below
    0) only, as a coastal data set.
    """
    grid = np.array(grid, dtype=float)
    rows, cols = grid.shape
    if kind == "bottom columns":
        grid[rows - rows // 5:, (np.arange(cols) // 2) % 6 != 0] = np.nan
    elif kind == "right cells":
        band = grid[:, cols - int(0.15 * cols):]
        band[np.random.default_rng(seed).random(band.shape) > 0.25] = np.nan
    elif kind == "top rows":
        count = int(0.15 * rows)
        grid[:count][np.arange(count) % 5 != 0] = np.nan
    elif kind == "left sea":
        band = grid[:, :int(0.2 * cols)]
        band[band >= 0] = np.nan
    else:
        raise ValueError(kind)
    return grid


def render_styled_bar(path, style="default", dpi=80, cmap="viridis", horizontal=False,
                      pad=0.015, jpeg_quality=None, crop="bbox", size=(7.0, 5.0),
                      location=None, nan_bottom=0.0, sparse_band=None, spines=True):
    """matplotlib's topobathy grid with a colorbar close beside the map, as papers crop it.

    ``style`` is a matplotlib style sheet; the bar is ``figure.colorbar(image, ax=axes,
    pad=pad)`` (``pad`` a share of the axes' size: 0.01 puts it 3-6 px from the map at 60-100
    dpi); ``location`` ("left", "top", ...), when given, puts it on that side of the map
    instead (its labels on its side facing away from the map). ``crop``: "bbox" saves with
    ``bbox_inches="tight", pad_inches=0``; "ink" crops the drawing to its ink (no margin);
    "cutN" crops N px into the ink (tighter still). JPEG of ``jpeg_quality`` through Pillow
    (4:2:0 chroma subsampling, its default). ``nan_bottom``: share of the grid's rows, at its
    bottom, set to NaN (no data: matplotlib draws it transparent, the page shows);
    ``sparse_band``, one of :data:`SPARSE_BANDS`, NaN over most of a band along a side
    (:func:`sparse_edge_band`; drawn cell by cell, ``interpolation="nearest"``). ``spines``
    False hides the axes' spines and grid (a plot area drawn as the map alone).

    Returns
    -------
    frame, colorbar : tuple (left, top, right, bottom)
        The map axes' and the bar's edges in the saved image's pixels, from matplotlib's own
        transforms and the crop's offset.
    """
    import io

    from PIL import Image

    grid, extent = topobathy()
    if nan_bottom:
        grid = np.array(grid, dtype=float)
        grid[grid.shape[0] - int(round(nan_bottom * grid.shape[0])):] = np.nan
    drawing = {}
    if sparse_band:
        grid, drawing = sparse_edge_band(grid, sparse_band), dict(interpolation="nearest")
    with plt.style.context(style):
        figure = plt.figure(figsize=size, dpi=dpi)
        axes = figure.add_subplot(111)
        image = axes.imshow(grid, cmap=cmap, vmin=STYLED_VMIN, vmax=STYLED_VMAX, extent=extent,
                            aspect="auto", **drawing)
        if not spines:
            for spine in axes.spines.values():
                spine.set_visible(False)
            axes.grid(False)
        placing = dict(location=location) if location else \
            dict(orientation="horizontal" if horizontal else "vertical")
        bar = figure.colorbar(image, ax=axes, pad=pad, **placing)
        figure.canvas.draw()
        height = figure.canvas.get_width_height()[1]
        frame, bar_box = pixel_box(axes, height), pixel_box(bar.ax, height)
        buffer = io.BytesIO()
        if crop == "bbox":
            tight = figure.get_tightbbox(figure.canvas.get_renderer())
            figure.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight", pad_inches=0)
            left, top = tight.x0 * dpi, height - tight.y1 * dpi
        else:
            figure.savefig(buffer, format="png", dpi=dpi)
        plt.close(figure)
    pixels = np.asarray(Image.open(buffer).convert("RGB"))
    if crop != "bbox":
        cut = int(crop[3:]) if crop.startswith("cut") else 0
        ink = np.any(pixels != pixels[0, 0], axis=2)
        rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
        top, left = int(rows[0]) + cut, int(cols[0]) + cut
        pixels = pixels[top:int(rows[-1]) + 1 - cut, left:int(cols[-1]) + 1 - cut]
    frame = (frame[0] - left, frame[1] - top, frame[2] - left, frame[3] - top)
    bar_box = (bar_box[0] - left, bar_box[1] - top, bar_box[2] - left, bar_box[3] - top)
    if jpeg_quality:
        Image.fromarray(pixels).save(path, quality=int(jpeg_quality))
    else:
        Image.fromarray(pixels).save(path)
    return frame, bar_box
