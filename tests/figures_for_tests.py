"""Real grids rendered by matplotlib the way journal figures are, with their truth.

Axes and colorbar sit on whole pixels (Agg snaps an image's origin to the pixel grid, which would
otherwise shift the picture by up to half a pixel from where its axes say it is), so the truth
of every pixel is known: the grid interpolated at the pixel centre's map position.
"""
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib import colors as mcolors  # noqa: E402
from scipy.interpolate import RegularGridInterpolator  # noqa: E402


@dataclass
class RenderedFigure:
    path: str
    size: tuple            # (cols, rows)
    plot_box: tuple        # (col0, row0, col1, row1) pixels
    colorbar_box: tuple    # (col0, row0, col1, row1) pixels
    extent: tuple          # map (left, right, bottom, top) of the axes
    grid: np.ndarray       # the data, row 0 at the top
    interpolation: str
    annotation: np.ndarray  # bool (rows, cols): pixels changed by lines and text inside the axes

    def layer_extent(self, box):
        """A pixel box as QGIS shows an un-georeferenced image: (xmin, xmax, ymin, ymax), y = -row."""
        col0, row0, col1, row1 = box
        return (col0, col1, -row1, -row0)

    def pixel_to_map(self, x, y):
        left, right, bottom, top = self.extent
        col0, row0, col1, row1 = self.plot_box
        return (left + (np.asarray(x) - col0) / (col1 - col0) * (right - left),
                top - (np.asarray(y) - row0) / (row1 - row0) * (top - bottom))

    def truth_at_pixels(self, x, y):
        """True value at pixel coordinates (GDAL convention), as the renderer drew it."""
        mx, my = self.pixel_to_map(x, y)
        left, right, bottom, top = self.extent
        rows, cols = self.grid.shape
        if self.interpolation == "contourf":
            # contourf draws the grid as nodes spanning the whole extent.
            gx, gy = np.linspace(left, right, cols), np.linspace(top, bottom, rows)
        else:
            # imshow: cell centres, row 0 at the top.
            gx = left + (np.arange(cols) + 0.5) * (right - left) / cols
            gy = top - (np.arange(rows) + 0.5) * (top - bottom) / rows
        method = "nearest" if self.interpolation == "nearest" else "linear"
        interpolate = RegularGridInterpolator((gy[::-1], gx), self.grid[::-1], method=method,
                                              bounds_error=False, fill_value=np.nan)
        return interpolate(np.column_stack([np.ravel(my), np.ravel(mx)])).reshape(np.shape(x))

    def gcps_csv(self, path, count=3):
        """Write GCPs (pixel y down) at a count×count lattice inside the axes."""
        col0, row0, col1, row1 = self.plot_box
        lines = ["pixel_x,pixel_y,map_x,map_y"]
        for fx in np.linspace(0.1, 0.9, count):
            for fy in np.linspace(0.1, 0.9, count):
                x, y = col0 + fx * (col1 - col0), row0 + fy * (row1 - row0)
                mx, my = self.pixel_to_map(x, y)
                lines.append(f"{x!r},{y!r},{float(mx)!r},{float(my)!r}")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write("\n".join(lines) + "\n")
        return path


def render_grid(grid, extent, path, cmap="viridis", vmin=None, vmax=None, log=False,
                levels=None, interpolation="bilinear", size=(900, 600), plot_box=(110, 70, 690, 530),
                colorbar_box=(720, 70, 740, 530), overlays=True, jpeg_quality=None, facecolor=None,
                levels_range=None):
    """Render a grid as a journal-style figure and return where everything is.

    Parameters
    ----------
    grid : ndarray (rows, cols), row 0 at the top (north).
    extent : (left, right, bottom, top) in map units.
    path : output file (.png, or .jpg with ``jpeg_quality``).
    levels : class boundaries for a contour-filled (discrete) figure.
    overlays : draw black contour lines over the data.
    facecolor : the axes' colour, which shows where the grid is NaN (matplotlib's default white).
    levels_range : (vmin, vmax) given to ``contourf`` with ``levels``: where the colormap's ends
        lie (matplotlib's default: the first and last level).
    """
    width, height = size
    vmin = np.nanmin(grid) if vmin is None else vmin
    vmax = np.nanmax(grid) if vmax is None else vmax
    annotation = None
    images = []
    for draw_overlays in ((False, True) if overlays else (False,)):
        figure = plt.figure(figsize=(width / 100, height / 100), dpi=100)
        axes = figure.add_axes(_rect(plot_box, size))
        if facecolor is not None:
            axes.set_facecolor(facecolor)
        colorbar_axes = figure.add_axes(_rect(colorbar_box, size))
        norm = mcolors.LogNorm(vmin, vmax) if log else mcolors.Normalize(vmin, vmax)
        if levels is not None:
            mappable = draw_contourf(axes, grid, extent, levels, cmap, *(levels_range or ()))
        else:
            mappable = axes.imshow(grid, cmap=cmap, norm=norm, extent=extent, aspect="auto",
                                   interpolation=interpolation)
        if draw_overlays:
            x = np.linspace(extent[0], extent[1], grid.shape[1])
            y = np.linspace(extent[3], extent[2], grid.shape[0])
            contour_levels = np.linspace(vmin, vmax, 6)[1:-1] if not log else \
                np.geomspace(vmin, vmax, 4)[1:-1]
            axes.contour(x, y, grid, levels=contour_levels, colors="black", linewidths=0.8)
            axes.text(0.05, 0.05, "label", transform=axes.transAxes, fontsize=14)
        axes.set_title("A real grid")
        axes.set_xlabel("x")
        axes.set_ylabel("y")
        figure.colorbar(mappable, cax=colorbar_axes)
        figure.canvas.draw()
        images.append(np.asarray(figure.canvas.buffer_rgba())[..., :3].copy())
        if draw_overlays or not overlays:
            if jpeg_quality:
                figure.savefig(path, dpi=100, pil_kwargs={"quality": jpeg_quality})
            else:
                figure.savefig(path, dpi=100)
        plt.close(figure)
    if overlays:
        annotation = np.any(images[0] != images[1], axis=2)
    else:
        annotation = np.zeros(images[0].shape[:2], bool)
    return RenderedFigure(str(path), size, plot_box, colorbar_box, extent, np.asarray(grid, float),
                          "contourf" if levels is not None else interpolation, annotation)


def draw_contourf(axes, grid, extent, levels, cmap, vmin=None, vmax=None):
    """``contourf`` of a grid over the whole axes: its first row along the top (north) edge,
    its first and last columns on the left and right edges; returns the mappable.

    Parameters
    ----------
    extent : tuple (left, right, bottom, top)
        Map coordinates of the axes' edges.
    vmin, vmax : float, optional
        The values at the colormap's ends (matplotlib's default: the first and last level).
    """
    x = np.linspace(extent[0], extent[1], grid.shape[1])
    y = np.linspace(extent[3], extent[2], grid.shape[0])
    mappable = axes.contourf(x, y, grid, levels=levels, cmap=cmap, vmin=vmin, vmax=vmax)
    axes.set_xlim(extent[0], extent[1])
    axes.set_ylim(extent[2], extent[3])
    return mappable


def _rect(box, size):
    col0, row0, col1, row1 = box
    width, height = size
    return [col0 / width, 1 - row1 / height, (col1 - col0) / width, (row1 - row0) / height]


def jacksboro_dem():
    """matplotlib's 3-arc-second DEM of the Jacksboro fault: grid and lon/lat extent."""
    from matplotlib import cbook

    data = np.load(cbook.get_sample_data("jacksboro_fault_dem.npz", asfileobj=False))
    # The file's ymin/ymax are swapped (north is ymin); rows run north to south.
    north, south = float(data["ymin"]), float(data["ymax"])
    extent = (float(data["xmin"]), float(data["xmax"]), min(north, south), max(north, south))
    return data["elevation"].astype(float), extent


def topobathy():
    """matplotlib's 91×120 lon/lat topography grid, north up."""
    from matplotlib import cbook

    data = np.load(cbook.get_sample_data("topobathy.npz", asfileobj=False))
    lon, lat, topo = data["longitude"], data["latitude"], data["topo"].astype(float)
    if lat[0] < lat[-1]:
        topo, lat = topo[::-1], lat[::-1]
    step_x, step_y = abs(lon[1] - lon[0]), abs(lat[1] - lat[0])
    extent = (lon.min() - step_x / 2, lon.max() + step_x / 2, lat.min() - step_y / 2,
              lat.max() + step_y / 2)
    return topo, extent


def data_pixels(figure, margin=2):
    """Pixels at least ``margin`` px from the axes edge and from any annotation, with truth."""
    from scipy.ndimage import binary_dilation

    cols, rows = figure.size
    col0, row0, col1, row1 = figure.plot_box
    inside = np.zeros((rows, cols), bool)
    inside[row0 + margin:row1 - margin, col0 + margin:col1 - margin] = True
    near_annotation = binary_dilation(figure.annotation, iterations=margin)
    return inside & ~near_annotation
