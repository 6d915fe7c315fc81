"""Placing the decoded figure in a target CRS.

A *pixel transform* maps figure pixels to map coordinates of a source CRS and back: any object
with ``pixel_to_map(x, y)`` and ``map_to_pixel(mx, my)`` (vectorised, pixel y down), such as a
fitted :class:`~.gcp_transform.GcpTransform` or :class:`GeotransformPixelTransform` for a figure
that is already georeferenced. Projection changes go through pyproj; nothing here does
projection maths by hand.

Values are resampled nearest-neighbour: a decoded value is never averaged with nodata or with a
neighbour across a line.
"""
import warnings
from dataclasses import dataclass

import numpy as np

from .errors import GeoreferencingError

# Like GDAL's approximate transformer: exact transforms on a coarse lattice of output pixels,
# bilinear in between, accepted when the interpolation error stays below this (source pixels).
APPROXIMATION_MAX_ERROR = 0.125
APPROXIMATION_STEP = 16
# Largest output raster accepted (pixels); beyond it the pixel size was surely mistyped.
MAX_OUTPUT_PIXELS = 400_000_000


class GeotransformPixelTransform:
    """Pixel transform of a figure that already carries a GDAL geotransform."""

    def __init__(self, geotransform):
        from affine import Affine

        self.forward = Affine.from_gdal(*geotransform)
        if abs(self.forward.determinant) == 0:
            raise GeoreferencingError("The input's geotransform is degenerate.", parameter="INPUT")
        self.backward = ~self.forward

    def pixel_to_map(self, x, y):
        return self.forward * (np.asarray(x, float), np.asarray(y, float))

    def map_to_pixel(self, mx, my):
        return self.backward * (np.asarray(mx, float), np.asarray(my, float))


@dataclass(frozen=True)
class OutputGrid:
    """A north-up raster grid in the target CRS.

    Attributes
    ----------
    geotransform : tuple of 6 floats
        GDAL geotransform (origin x, pixel width, 0, origin y, 0, -pixel height).
    width, height : int
        Columns and rows.
    crs_wkt : str
    """

    geotransform: tuple
    width: int
    height: int
    crs_wkt: str

    @property
    def pixel_size(self):
        return self.geotransform[1]


def crs_transformer(source_crs, target_crs):
    """A pyproj transformer between two CRS given as WKT, PROJ strings or 'EPSG:n'."""
    from pyproj import CRS, Transformer
    from pyproj.exceptions import CRSError

    try:
        source, target = CRS.from_user_input(source_crs), CRS.from_user_input(target_crs)
    except CRSError as error:
        raise GeoreferencingError(f"Invalid CRS: {error}") from error
    return Transformer.from_crs(source, target, always_xy=True)


def crs_label(crs, limit=80):
    """A CRS's name and authority code for messages, e.g. 'WGS 84 / UTM zone 32N (EPSG:32632)'."""
    from pyproj import CRS

    try:
        parsed = CRS.from_user_input(crs)
    except Exception:  # noqa: BLE001 - a label only: any text will do
        return str(crs)[:limit]
    code = parsed.to_authority()
    if code:
        return f"{parsed.name} ({':'.join(code)})"
    if parsed.name and parsed.name.lower() != "unknown":
        return parsed.name
    # A PROJ string ('+proj=lcc ...') has no name: say what it is, and its parameters.
    if parsed.is_geographic:
        kind = "geographic CRS"
    elif parsed.coordinate_operation is not None:
        kind = f"{parsed.coordinate_operation.method_name} projection"
    else:
        kind = "CRS"
    ellipsoid = parsed.ellipsoid.name if parsed.ellipsoid is not None else ""
    on = f" on {ellipsoid}" if ellipsoid and ellipsoid.lower() != "unknown" else ""
    with warnings.catch_warnings():
        # pyproj warns that a PROJ string loses information; here it is only a label.
        warnings.simplefilter("ignore")
        proj = parsed.to_proj4() or ""
    if len(proj) > limit:
        proj = proj[:limit].rsplit(" ", 1)[0] + " …"
    return f"custom {kind}{on}" + (f" ({proj})" if proj else "")


def crs_unit_name(crs):
    """The name of a CRS's first axis unit ('metre', 'degree'...), or None when unknown."""
    from pyproj import CRS

    try:
        parsed = CRS.from_user_input(crs)
    except Exception:  # noqa: BLE001 - a label only
        return None
    return parsed.axis_info[0].unit_name if parsed.axis_info else None


def pixels_to_target(x, y, pixel_transform, source_crs, target_crs):
    """Figure pixel coordinates to target CRS coordinates.

    Parameters
    ----------
    x, y : array_like
        Pixel coordinates (GDAL convention, y down).
    pixel_transform : pixel transform (see module docstring)
    source_crs, target_crs : str

    Returns
    -------
    tuple of ndarray
        Target coordinates; inf or NaN where the target CRS cannot represent a point.
    """
    mx, my = pixel_transform.pixel_to_map(x, y)
    if source_crs == target_crs:
        return np.asarray(mx, float), np.asarray(my, float)
    return crs_transformer(source_crs, target_crs).transform(mx, my, errcheck=False)


def region_outline(box, samples_per_edge=64):
    """Points along the outline and across the inside of a pixel box.

    Parameters
    ----------
    box : tuple (col0, row0, col1, row1)
        Pixel box, corners in pixel coordinates.

    Returns
    -------
    x, y : ndarray
    """
    col0, row0, col1, row1 = box
    t = np.linspace(0, 1, samples_per_edge)
    gx, gy = np.meshgrid(col0 + t * (col1 - col0), row0 + t * (row1 - row0))
    return gx.ravel(), gy.ravel()


def plan_output_grid(pixel_transform, source_crs, target_crs, box, pixel_size=0.0):
    """Choose the north-up grid in the target CRS that covers a pixel box of the figure.

    Parameters
    ----------
    pixel_transform : pixel transform
    source_crs, target_crs : str
    box : tuple (col0, row0, col1, row1)
        The part of the figure to place (the plot area).
    pixel_size : float
        Output pixel size in target CRS units; 0 picks one that keeps about the figure's own
        resolution: the square root of the box's target-CRS area per figure pixel.

    Returns
    -------
    OutputGrid
    """
    from shapely.geometry import Polygon

    x, y = region_outline(box)
    check_area_of_use(x, y, pixel_transform, source_crs, target_crs)
    tx, ty = pixels_to_target(x, y, pixel_transform, source_crs, target_crs)
    tx, ty = np.asarray(tx), np.asarray(ty)
    if not (np.all(np.isfinite(tx)) and np.all(np.isfinite(ty))):
        raise GeoreferencingError(
            "The figure's area cannot be represented in the target CRS (some of its points fall "
            "outside the CRS's domain). Choose a target CRS that covers the figure's region.")
    xmin, xmax, ymin, ymax = tx.min(), tx.max(), ty.min(), ty.max()
    if pixel_size <= 0:
        n = int(np.sqrt(len(x)))
        outline = np.concatenate([np.arange(n), n * np.arange(1, n) + n - 1,
                                  n * n - 1 - np.arange(1, n), n * np.arange(n - 2, 0, -1)])
        area = Polygon(np.column_stack([tx[outline], ty[outline]])).area
        box_pixels = (box[2] - box[0]) * (box[3] - box[1])
        if not area > 0 or box_pixels <= 0:
            raise GeoreferencingError("The plot area maps onto an empty region of the target CRS; "
                                      "check the GCPs.", parameter="GCPS")
        pixel_size = float(np.sqrt(area / box_pixels))
    # A hair of tolerance: an extent of exactly n pixels must not become n + 1.
    width = max(1, int(np.ceil((xmax - xmin) / pixel_size - 1e-6)))
    height = max(1, int(np.ceil((ymax - ymin) / pixel_size - 1e-6)))
    if width * height > MAX_OUTPUT_PIXELS:
        raise GeoreferencingError(
            f"A pixel size of {pixel_size:g} makes a raster of {width}×{height} pixels; choose a "
            "larger PIXEL_SIZE (in target CRS units).", parameter="PIXEL_SIZE")
    from pyproj import CRS

    crs_wkt = CRS.from_user_input(target_crs).to_wkt()
    return OutputGrid((float(xmin), pixel_size, 0.0, float(ymax), 0.0, -pixel_size),
                      width, height, crs_wkt)


def check_area_of_use(x, y, pixel_transform, source_crs, target_crs, margin_degrees=10.0):
    """Refuse a target CRS whose area of use is nowhere near the figure.

    Projections such as transverse Mercator return finite but meaningless coordinates far from
    their area (a UTM zone on the other side of the Earth); such a raster would be wrong, not
    empty. The CRS's declared area of use, widened by ``margin_degrees`` (UTM is often used a
    little outside its zone), must overlap the figure's longitude/latitude bounds.

    Parameters
    ----------
    x, y : ndarray
        Figure pixel coordinates spread over the region to place.
    """
    from pyproj import CRS

    area = CRS.from_user_input(target_crs).area_of_use
    if area is None:
        return
    lon, lat = pixels_to_target(x, y, pixel_transform, source_crs, "EPSG:4326")
    lon, lat = np.asarray(lon), np.asarray(lat)
    usable = np.isfinite(lon) & np.isfinite(lat)
    if not usable.any():
        return
    west, east = area.west - margin_degrees, area.east + margin_degrees
    south, north = area.south - margin_degrees, area.north + margin_degrees
    lon, lat = lon[usable], lat[usable]
    # Compare longitudes modulo 360 so that areas crossing the antimeridian work too.
    inside_lon = ((lon - west) % 360) <= ((east - west) % 360 if east - west < 360 else 360)
    if not np.any(inside_lon & (lat >= south) & (lat <= north)):
        raise GeoreferencingError(
            f"The figure covers longitudes {lon.min():.2f}..{lon.max():.2f} and latitudes "
            f"{lat.min():.2f}..{lat.max():.2f}, far outside the area where the target CRS is "
            f"meant to be used ({area.name}: {area.west:g}..{area.east:g} E, {area.south:g}.."
            f"{area.north:g} N). Choose a target CRS that covers the figure's region.")


def source_pixels_for_grid(grid, pixel_transform, source_crs, target_crs, rows=None):
    """Figure pixel coordinates (x, y) of the output grid's pixel centres.

    Exact transforms are evaluated on a lattice of every ``APPROXIMATION_STEP``-th output
    pixel and interpolated bilinearly in between when that stays within
    ``APPROXIMATION_MAX_ERROR`` source pixels at the lattice cells' centres; otherwise each
    pixel is transformed exactly.

    Parameters
    ----------
    grid : OutputGrid
    rows : slice, optional
        Output rows to compute (all by default).

    Returns
    -------
    x, y : ndarray of float64, shape (n_rows, grid.width)
    """
    from scipy.ndimage import map_coordinates

    rows = rows or slice(0, grid.height)
    row_index = np.arange(grid.height)[rows]
    to_source = _target_to_pixel(grid, pixel_transform, source_crs, target_crs)
    step = APPROXIMATION_STEP
    lattice_cols = _lattice(grid.width, step)
    lattice_rows = _lattice(len(row_index), step)
    if len(lattice_cols) > 2 or len(lattice_rows) > 2:
        lc, lr = np.meshgrid(lattice_cols, row_index[0] + lattice_rows)
        lx, ly = to_source(lc, lr)
        mc = (lattice_cols[:-1] + lattice_cols[1:]) / 2
        mr = (lattice_rows[:-1] + lattice_rows[1:]) / 2
        if np.all(np.isfinite(lx)) and np.all(np.isfinite(ly)) and len(mc) and len(mr):
            check_c, check_r = np.meshgrid(mc, row_index[0] + mr)
            exact_x, exact_y = to_source(check_c, check_r)
            fc = np.interp(mc, lattice_cols, np.arange(len(lattice_cols)))
            fr = np.interp(mr, lattice_rows, np.arange(len(lattice_rows)))
            grid_r, grid_c = np.meshgrid(fr, fc, indexing="ij")
            approx_x = map_coordinates(lx, [grid_r, grid_c], order=1)
            approx_y = map_coordinates(ly, [grid_r, grid_c], order=1)
            error = np.hypot(approx_x - exact_x, approx_y - exact_y)
            if np.all(np.isfinite(error)) and error.max() <= APPROXIMATION_MAX_ERROR:
                fc = np.interp(np.arange(grid.width), lattice_cols, np.arange(len(lattice_cols)))
                fr = np.interp(np.arange(len(row_index)), lattice_rows,
                               np.arange(len(lattice_rows)))
                grid_r, grid_c = np.meshgrid(fr, fc, indexing="ij")
                return (map_coordinates(lx, [grid_r, grid_c], order=1),
                        map_coordinates(ly, [grid_r, grid_c], order=1))
    cols, rws = np.meshgrid(np.arange(grid.width), row_index)
    return to_source(cols, rws)


def _lattice(n, step):
    """Indices 0, step, 2·step, ... and always the last index n - 1."""
    return np.unique(np.append(np.arange(0, n, step), n - 1)).astype(float)


def _target_to_pixel(grid, pixel_transform, source_crs, target_crs):
    """Function from output (col, row) indices to figure pixel coordinates."""
    x0, size, _, y0, _, negative_size = grid.geotransform
    transformer = None if source_crs == target_crs else crs_transformer(target_crs, source_crs)

    def to_source(col, row):
        tx = x0 + (np.asarray(col, float) + 0.5) * size
        ty = y0 + (np.asarray(row, float) + 0.5) * negative_size
        if transformer is not None:
            tx, ty = transformer.transform(tx, ty, errcheck=False)
        return pixel_transform.map_to_pixel(np.asarray(tx), np.asarray(ty))

    return to_source


def warp_nearest(arrays, box, grid, pixel_transform, source_crs, target_crs,
                 chunk_rows=512, fill=np.nan, feedback=None):
    """Resample figure-frame arrays onto an output grid, nearest neighbour.

    Parameters
    ----------
    arrays : list of ndarray, shape (rows, cols)
        Figure-frame rasters (values, distance...).
    box : tuple (col0, row0, col1, row1)
        Only figure pixels inside this box are used; the rest of the output is ``fill``.
    grid : OutputGrid
    fill : float
    feedback : callable(progress) -> bool, optional
        Returning True cancels (``InterruptedError``).

    Returns
    -------
    list of ndarray of float32, shape (grid.height, grid.width)
    """
    col0, row0, col1, row1 = (int(round(v)) for v in box)
    outputs = [np.full((grid.height, grid.width), fill, dtype=np.float32) for _ in arrays]
    for start in range(0, grid.height, chunk_rows):
        block = slice(start, min(start + chunk_rows, grid.height))
        x, y = source_pixels_for_grid(grid, pixel_transform, source_crs, target_crs, block)
        with np.errstate(invalid="ignore"):
            col = np.floor(x)
            row = np.floor(y)
            inside = (col >= col0) & (col < col1) & (row >= row0) & (row < row1)
        col = col[inside].astype(np.intp)
        row = row[inside].astype(np.intp)
        for source, output in zip(arrays, outputs):
            output[block][inside] = source[row, col]
        if feedback is not None and feedback(block.stop / grid.height):
            raise InterruptedError("Warping was cancelled.")
    return outputs
