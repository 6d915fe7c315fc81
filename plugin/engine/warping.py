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
from collections.abc import Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .errors import GeoreferencingError
from .text_format import number_text

if TYPE_CHECKING:
    from pyproj import Transformer
    from pyproj.aoi import AreaOfUse

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

    def pixel_to_map(self, x, y) -> tuple:
        return self.forward * (np.asarray(x, float), np.asarray(y, float))

    def map_to_pixel(self, mx, my) -> tuple:
        return self.backward * (np.asarray(mx, float), np.asarray(my, float))


# Rotation terms of an affine fit are kept only when leaving them out would move some figure
# pixel by more than this (figure pixels); below it the grid is written north-up.
ROTATION_TOLERANCE_PIXELS = 0.1


@dataclass(frozen=True)
class OutputGrid:
    """A raster grid in the target CRS.

    Attributes
    ----------
    geotransform : tuple of 6 floats
        GDAL geotransform: map x = gt[0] + col·gt[1] + row·gt[2], map y = gt[3] + col·gt[4] +
        row·gt[5] (col, row at pixel corners). North-up (gt[2] = gt[4] = 0) unless the grid is
        the figure's own, rotated, pixel grid.
    width, height : int
        Columns and rows.
    crs_wkt : str
    figure_box : tuple (col0, row0, col1, row1) or None
        When set, the grid *is* the figure's own pixel grid over this box (an affine
        georeferencing in the GCP CRS): output pixel (c, r) is figure pixel (col0 + c, row0 + r)
        and nothing is resampled.
    note : str
        How the grid was chosen, for the log.
    """

    geotransform: tuple
    width: int
    height: int
    crs_wkt: str
    figure_box: tuple = None
    note: str = ""

    @property
    def pixel_size(self) -> float:
        """Mean pixel size (target CRS units): the square root of one pixel's area."""
        gt = self.geotransform
        return float(np.sqrt(abs(gt[1] * gt[5] - gt[2] * gt[4])))

    @property
    def pixel_sizes(self) -> tuple:
        """Lengths of a pixel's column and row edges (target CRS units)."""
        gt = self.geotransform
        return float(np.hypot(gt[1], gt[4])), float(np.hypot(gt[2], gt[5]))

    @property
    def rotated(self) -> bool:
        return self.geotransform[2] != 0 or self.geotransform[4] != 0

    def describe(self) -> str:
        """E.g. '3000×2000 pixels of 10 × 12.5 target units (the figure's own pixels)'."""
        width, height = self.pixel_sizes
        size = f"{width:.6g}" if np.isclose(width, height, rtol=1e-9) else f"{width:.6g} × {height:.6g}"
        text = f"{self.width}×{self.height} pixels of {size} target units"
        return f"{text}{' (rotated)' if self.rotated else ''}; {self.note}" if self.note else text


def crs_transformer(source_crs, target_crs) -> "Transformer":
    """A pyproj transformer between two CRS given as WKT, PROJ strings or 'EPSG:n'."""
    from pyproj import CRS, Transformer
    from pyproj.exceptions import CRSError

    try:
        source, target = CRS.from_user_input(source_crs), CRS.from_user_input(target_crs)
    except CRSError as error:
        raise GeoreferencingError(f"Invalid CRS: {error}") from error
    return Transformer.from_crs(source, target, always_xy=True)


def crs_label(crs, limit=80) -> str:
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


def crs_unit_name(crs) -> str | None:
    """The name of a CRS's first axis unit ('metre', 'degree'...), or None when unknown."""
    from pyproj import CRS

    try:
        parsed = CRS.from_user_input(crs)
    except Exception:  # noqa: BLE001 - a label only
        return None
    return parsed.axis_info[0].unit_name if parsed.axis_info else None


def pixels_to_target(x, y, pixel_transform, source_crs, target_crs) -> tuple:
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


def region_outline(box, samples_per_edge=64) -> np.ndarray:
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


def affine_geotransform(pixel_transform) -> tuple | None:
    """The GDAL geotransform of a pixel transform that is affine, else None.

    A figure's own geotransform, a Polynomial 1 fit and a Helmert fit are affine; higher
    polynomials, thin plate splines and projective transforms are not.
    """
    if isinstance(pixel_transform, GeotransformPixelTransform):
        return tuple(pixel_transform.forward.to_gdal())
    if not getattr(pixel_transform, "is_affine", False):
        return None
    mx, my = pixel_transform.pixel_to_map(np.array([0.0, 1.0, 0.0]), np.array([0.0, 0.0, 1.0]))
    return (float(mx[0]), float(mx[1] - mx[0]), float(mx[2] - mx[0]),
            float(my[0]), float(my[1] - my[0]), float(my[2] - my[0]))


def same_crs(first, second) -> bool:
    """Whether two CRS descriptions (WKT, PROJ, 'EPSG:n') name the same CRS, axis order aside."""
    if first == second:
        return True
    from pyproj import CRS

    try:
        return CRS.from_user_input(first).equals(CRS.from_user_input(second),
                                                 ignore_axis_order=True)
    except Exception:  # noqa: BLE001 - unparsable CRSs are refused elsewhere, with a message
        return False


def figure_pixel_grid(pixel_transform, source_crs, target_crs, box) -> "OutputGrid | None":
    """The plot area's own pixel grid, when the georeferencing allows writing it unresampled.

    That is when the pixel transform is affine and the target CRS is the GCP CRS: the output
    geotransform is the fitted one, moved to the box's corner. Its rotation terms are dropped
    (and the origin moved by half their effect, so the largest shift is halved) when they would
    move no figure pixel by more than ``ROTATION_TOLERANCE_PIXELS``.

    Parameters
    ----------
    pixel_transform : pixel transform
    source_crs, target_crs : str
    box : tuple (col0, row0, col1, row1)
        The plot area, figure pixel corners.

    Returns
    -------
    OutputGrid or None
        None when the figure's grid cannot be written as it is.
    """
    gt = affine_geotransform(pixel_transform)
    if gt is None or not same_crs(source_crs, target_crs):
        return None
    col0, row0, col1, row1 = (int(round(v)) for v in box)
    width, height = col1 - col0, row1 - row0
    if width <= 0 or height <= 0 or not np.all(np.isfinite(gt)):
        return None
    origin_x = gt[0] + col0 * gt[1] + row0 * gt[2]
    origin_y = gt[3] + col0 * gt[4] + row0 * gt[5]
    a, b, d, e = gt[1], gt[2], gt[4], gt[5]
    if a * e - b * d == 0:
        return None
    # The shift (in figure pixels) that leaving out b and d causes at the farthest pixel, once
    # the origin is moved by half of it: the map offset divided by the pixel's own size there.
    shift_x = abs(b) * height / 2 / abs(a) if a else np.inf
    shift_y = abs(d) * width / 2 / abs(e) if e else np.inf
    shift = max(shift_x, shift_y)
    if (b or d) and shift <= ROTATION_TOLERANCE_PIXELS:
        geotransform = (origin_x + b * height / 2, a, 0.0, origin_y + d * width / 2, 0.0, e)
        note = (f"the figure's own pixels, unresampled (rotation of the fit left out: it moves no "
                f"pixel by more than {shift:.2g} px)")
    elif b or d:
        # The turn of the figure's rows against the map's x axis, each axis in its own pixel
        # size (map units need not be equal on both axes: degrees of longitude and latitude).
        angle = np.degrees(np.arctan2(-d / e, a / abs(a))) if e else 90.0
        geotransform = (origin_x, a, b, origin_y, d, e)
        note = (f"the figure's own pixels, unresampled, with the fit's rotation of {angle:.3g}° "
                f"written into the geotransform (it would move pixels by up to {shift:.2g} px)")
    else:
        geotransform = (origin_x, a, 0.0, origin_y, 0.0, e)
        note = "the figure's own pixels, unresampled"
    from pyproj import CRS

    return OutputGrid(tuple(float(v) for v in geotransform), width, height,
                      CRS.from_user_input(target_crs).to_wkt(), figure_box=(col0, row0, col1, row1),
                      note=note)


def lossless_pixel_sizes(pixel_transform, source_crs, target_crs, box, samples_per_edge=33) -> tuple | None:
    """Per-axis north-up pixel sizes with which nearest-neighbour resampling loses no figure pixel.

    At each place the figure's pixel grid maps onto the target CRS through the Jacobian J of
    pixel → target. An output grid of sizes (sx, sy) seen from the figure is a lattice with
    steps J⁻¹·(sx, 0) and J⁻¹·(0, sy); every figure pixel (a unit square) holds at least one
    output pixel centre when that lattice's cell fits in a unit square:
    sx·|M₀₀| + sy·|M₀₁| ≤ 1 and sx·|M₁₀| + sy·|M₁₁| ≤ 1 with M = J⁻¹ (the largest |Mᵢⱼ| over
    the box). Of those sizes the one with the largest pixel area (fewest output pixels) is
    chosen. For an unrotated figure this is exactly the figure pixel's width and height.

    Parameters
    ----------
    pixel_transform : pixel transform
    source_crs, target_crs : str
    box : tuple (col0, row0, col1, row1)

    Returns
    -------
    (float, float) or None
        Pixel width and height in target units; None where the Jacobian cannot be evaluated.
    """
    x, y = region_outline(box, samples_per_edge)
    half = 0.5
    x_left, y_left = pixels_to_target(x - half, y, pixel_transform, source_crs, target_crs)
    x_right, y_right = pixels_to_target(x + half, y, pixel_transform, source_crs, target_crs)
    x_up, y_up = pixels_to_target(x, y - half, pixel_transform, source_crs, target_crs)
    x_down, y_down = pixels_to_target(x, y + half, pixel_transform, source_crs, target_crs)
    j00 = (np.asarray(x_right) - x_left) / (2 * half)
    j10 = (np.asarray(y_right) - y_left) / (2 * half)
    j01 = (np.asarray(x_down) - x_up) / (2 * half)
    j11 = (np.asarray(y_down) - y_up) / (2 * half)
    det = j00 * j11 - j01 * j10
    usable = np.isfinite(det) & (det != 0)
    if not usable.any():
        return None
    with np.errstate(divide="ignore", invalid="ignore"):
        m00, m01 = np.abs(j11 / det)[usable], np.abs(j01 / det)[usable]
        m10, m11 = np.abs(j10 / det)[usable], np.abs(j00 / det)[usable]
    c00, c01, c10, c11 = m00.max(), m01.max(), m10.max(), m11.max()

    def sizes(ratio):
        """(sx, sy) with sy = ratio·sx as large as both constraints allow."""
        sx = 1.0 / max(c00 + ratio * c01, c10 + ratio * c11)
        return sx, ratio * sx

    candidates = []
    with np.errstate(divide="ignore", invalid="ignore"):
        # Each constraint alone is best at its own midpoint; both bind where they cross.
        for ratio in (c00 / c01, c10 / c11, (c00 - c10) / (c11 - c01)):
            if np.isfinite(ratio) and ratio > 0:
                candidates.append(sizes(ratio))
    if not candidates:
        return None
    return max(candidates, key=lambda pair: pair[0] * pair[1])


def plan_output_grid(pixel_transform, source_crs, target_crs, box, pixel_size=0.0) -> "OutputGrid":
    """Choose the grid in the target CRS that covers a pixel box of the figure.

    Parameters
    ----------
    pixel_transform : pixel transform
    source_crs, target_crs : str
    box : tuple (col0, row0, col1, row1)
        The part of the figure to place (the plot area).
    pixel_size : float
        Output pixel size in target CRS units, square. 0 (the default) writes the figure's own
        pixel grid when the transform is affine and the target CRS is the GCP CRS
        (:func:`figure_pixel_grid`: nothing is resampled); otherwise a north-up grid with
        per-axis pixel sizes that lose no figure pixel (:func:`lossless_pixel_sizes`).

    Returns
    -------
    OutputGrid
    """
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
        mean_size = _mean_pixel_size(tx, ty, box)
        own = figure_pixel_grid(pixel_transform, source_crs, target_crs, box)
        if own is not None:
            _check_output_size(own.width, own.height, own.pixel_size)
            return own
        sizes = lossless_pixel_sizes(pixel_transform, source_crs, target_crs, box)
        if sizes is None:
            size_x = size_y = mean_size
            note = "square pixels of the figure's mean resolution"
        else:
            # A non-affine transform varies between the sampled places: 0.5 % to spare.
            spare = 1.0 if affine_geotransform(pixel_transform) is not None else 0.995
            size_x, size_y = (float(v) * spare for v in sizes)
            note = "per-axis pixel sizes chosen so that no figure pixel is lost"
    else:
        size_x = size_y = float(pixel_size)
        note = "PIXEL_SIZE as given"
    # As floats first: a tiny PIXEL_SIZE (1e-300, or a subnormal 5e-324) makes counts beyond
    # any integer a raster can have, or infinite.
    columns, rows = float(xmax - xmin) / size_x, float(ymax - ymin) / size_y
    _check_output_size(columns, rows, min(size_x, size_y))
    # A hair of tolerance: an extent of exactly n pixels must not become n + 1.
    width = max(1, int(np.ceil(columns - 1e-6)))
    height = max(1, int(np.ceil(rows - 1e-6)))
    from pyproj import CRS

    crs_wkt = CRS.from_user_input(target_crs).to_wkt()
    return OutputGrid((float(xmin), size_x, 0.0, float(ymax), 0.0, -size_y),
                      width, height, crs_wkt, note=note)


def mean_pixel_size(pixel_transform, source_crs, target_crs, box) -> float:
    """The figure's mean resolution in the target CRS: √(area of the box / its pixel count).

    Parameters
    ----------
    pixel_transform : pixel transform
    source_crs, target_crs : str
    box : tuple (col0, row0, col1, row1)

    Returns
    -------
    float
        Target CRS units per figure pixel.
    """
    x, y = region_outline(box)
    tx, ty = pixels_to_target(x, y, pixel_transform, source_crs, target_crs)
    return _mean_pixel_size(np.asarray(tx), np.asarray(ty), box)


def _mean_pixel_size(tx, ty, box):
    """√(area / pixels) from the target coordinates of :func:`region_outline`'s lattice."""
    n = int(np.sqrt(len(tx)))
    outline = np.concatenate([np.arange(n), n * np.arange(1, n) + n - 1,
                              n * n - 1 - np.arange(1, n), n * np.arange(n - 2, 0, -1)])
    # The shoelace formula over the outline ring (coordinates relative to its first point, for
    # precision far from the origin); no shapely import for one area.
    x, y = tx[outline] - tx[outline[0]], ty[outline] - ty[outline[0]]
    area = abs(float(np.dot(x, np.roll(y, -1)) - np.dot(np.roll(x, -1), y))) / 2.0
    box_pixels = (box[2] - box[0]) * (box[3] - box[1])
    if not area > 0 or box_pixels <= 0:
        raise GeoreferencingError("The plot area maps onto an empty region of the target CRS; "
                                  "check the GCPs.", parameter="GCPS")
    return float(np.sqrt(area / box_pixels))


def _check_output_size(width, height, pixel_size):
    """Refuse an output raster of more than ``MAX_OUTPUT_PIXELS`` pixels (``width`` and
    ``height`` may be floats, infinite included: counted before they are made integers)."""
    if not (np.isfinite(width) and np.isfinite(height)) or width * height > MAX_OUTPUT_PIXELS:
        raise GeoreferencingError(
            f"A pixel size of {number_text(pixel_size)} makes a raster of {_pixel_count(width)}×"
            f"{_pixel_count(height)} pixels, more than the {MAX_OUTPUT_PIXELS:,} an output "
            "may have; choose a larger PIXEL_SIZE (in target CRS units), or 0 for the figure's "
            "own resolution.", parameter="PIXEL_SIZE")


def _pixel_count(count) -> str:
    """A number of pixels across, for a message: whole up to a trillion, then as 6.3e+302."""
    if not np.isfinite(count):
        return "infinitely many"
    return f"{int(np.ceil(count - 1e-6))}" if count < 1e12 else f"{count:.2g}"


def check_area_of_use(x, y, pixel_transform, source_crs, target_crs, margin_degrees=10.0) -> None:
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
    far = far_outside_area_of_use(x, y, pixel_transform, source_crs, target_crs, margin_degrees)
    if far is None:
        return
    lon, lat, area = far
    if far_outside_area_of_use(x, y, pixel_transform, source_crs, source_crs,
                               margin_degrees) is not None:
        # Far from the area of the CRS it is placed in, too: the placement is what is wrong.
        raise GeoreferencingError(
            f"The figure is placed at longitudes {lon.min():.2f}..{lon.max():.2f} and latitudes "
            f"{lat.min():.2f}..{lat.max():.2f}, far outside the area where its own CRS "
            f"{crs_label(source_crs)} is meant to be used: its GCPs' map coordinates are not "
            "in that CRS. Check them (are x and y swapped? map_x is the easting or longitude, "
            "map_y the northing or latitude), or set GCP_CRS to the CRS they are written in.",
            parameter="GCPS")
    raise GeoreferencingError(
        f"The figure covers longitudes {lon.min():.2f}..{lon.max():.2f} and latitudes "
        f"{lat.min():.2f}..{lat.max():.2f}, far outside the area where the target CRS is "
        f"meant to be used ({area.name}: {area.west:g}..{area.east:g} E, {area.south:g}.."
        f"{area.north:g} N). Choose a target CRS that covers the figure's region.")


def area_of_use(crs) -> "AreaOfUse | None":
    """The area where ``crs`` is meant to be used, or None when it declares none.

    A WKT without its USAGE (as QGIS writes a .points file's #CRS: line) declares no area; the
    authority's CRS it matches (an EPSG code) does.

    Returns
    -------
    pyproj.aoi.AreaOfUse or None
    """
    from pyproj import CRS
    from pyproj.exceptions import CRSError

    parsed = CRS.from_user_input(crs)
    if parsed.area_of_use is not None:
        return parsed.area_of_use
    try:
        match = parsed.to_authority(min_confidence=90)
        return CRS.from_authority(*match).area_of_use if match else None
    except CRSError:
        return None


def far_outside_area_of_use(x, y, pixel_transform, source_crs, crs,
                            margin_degrees=10.0) -> "tuple | None":
    """The figure's longitudes, latitudes and ``crs``'s area of use when no point of the figure
    lies within that area (widened by ``margin_degrees``); None when one does, or when ``crs``
    declares no area.

    Parameters
    ----------
    x, y : ndarray
        Figure pixel coordinates spread over the region to place.
    pixel_transform
        Pixels to ``source_crs``.
    source_crs, crs : str
    margin_degrees : float

    Returns
    -------
    tuple (lon, lat, pyproj.aoi.AreaOfUse) or None
    """
    area = area_of_use(crs)
    if area is None:
        return None
    lon, lat = pixels_to_target(x, y, pixel_transform, source_crs, "EPSG:4326")
    lon, lat = np.asarray(lon), np.asarray(lat)
    usable = np.isfinite(lon) & np.isfinite(lat)
    if not usable.any():
        return None
    west, east = area.west - margin_degrees, area.east + margin_degrees
    south, north = area.south - margin_degrees, area.north + margin_degrees
    lon, lat = lon[usable], lat[usable]
    # Compare longitudes modulo 360 so that areas crossing the antimeridian work too.
    inside_lon = ((lon - west) % 360) <= ((east - west) % 360 if east - west < 360 else 360)
    if np.any(inside_lon & (lat >= south) & (lat <= north)):
        return None
    return lon, lat, area


def source_pixels_for_grid(grid, pixel_transform, source_crs, target_crs, rows=None) -> np.ndarray:
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
    x0, a, b, y0, d, e = grid.geotransform
    transformer = None if source_crs == target_crs else crs_transformer(target_crs, source_crs)

    def to_source(col, row):
        col, row = np.asarray(col, float) + 0.5, np.asarray(row, float) + 0.5
        tx = x0 + col * a + row * b
        ty = y0 + col * d + row * e
        if transformer is not None:
            tx, ty = transformer.transform(tx, ty, errcheck=False)
        return pixel_transform.map_to_pixel(np.asarray(tx), np.asarray(ty))

    return to_source


#: Threads GDAL's warper may use (the machines this runs on have few cores to share).
WARP_THREADS = 2
#: Memory GDAL's warper may use for its working buffers (bytes). Measured on a 20 MP float32
#: raster with 2 threads: 16 MiB took 0.35 s and 29 MiB of memory, 64 MiB 0.71 s and 87 MiB
#: (larger chunks only cost more; the source is read in place, see :func:`_gdal_view`).
WARP_MEMORY_LIMIT = 16 * 2 ** 20
#: Nodata of integer figure-frame rasters (a discrete scale's class index).
INTEGER_NODATA = -1


def _as_output(values):
    """Warped values: a float raster's as float32; an integer raster's (the class index) as
    they are, ``INTEGER_NODATA`` where not data (2 bytes an output pixel, not a float32 copy)."""
    if np.issubdtype(values.dtype, np.floating):
        return np.asarray(values, dtype=np.float32)
    return values


def _as_float(values):
    """Values as float32, NaN where an integer raster held ``INTEGER_NODATA``."""
    if np.issubdtype(values.dtype, np.floating):
        return np.asarray(values, dtype=np.float32)
    output = values.astype(np.float32)
    output[values == INTEGER_NODATA] = np.nan
    return output


def _empty_output(grid, source, fill=np.nan):
    """An output grid of ``fill`` for ``source``: float32, or an integer raster's own dtype
    holding ``INTEGER_NODATA`` where a float one holds NaN."""
    if np.issubdtype(source.dtype, np.floating) or not np.isnan(fill):
        return np.full((grid.height, grid.width), fill, dtype=np.float32)
    return np.full((grid.height, grid.width), INTEGER_NODATA, dtype=source.dtype)


def gdal_source_georeferencing(pixel_transform, offset=(0, 0)) -> dict | None:
    """How GDAL's warper reproduces ``pixel_transform``, or None when it should not.

    GDAL has the transforms of the QGIS Georeferencer but the projective one: a geotransform
    (a figure's own georeferencing, or a Helmert similarity, which is affine and exactly
    invertible), the GCP polynomials of order 1–3 (forward and reverse least-squares fits, as
    :mod:`.gcp_transform` fits them) and the thin plate spline. The spline stays with the
    engine's own warp all the same: rasterio 1.3 always wraps GDAL's transformer in the
    approximate one (0.125 pixel, checked at the middle of each row segment only), which on a
    spline's bends puts values up to 3 figure pixels away from where the spline says (seen on
    a Lambert conformal figure with lon/lat GCPs); the engine's approximation checks the
    middle of every lattice cell and falls back to exact transforms.

    Parameters
    ----------
    pixel_transform : pixel transform (see module docstring)
    offset : (col, row)
        Figure pixel at the source array's top-left corner (the source is a window).

    Returns
    -------
    dict or None
        Keyword arguments for ``rasterio.warp.reproject``: ``src_transform`` or ``gcps`` and
        the GDAL transformer options (``MAX_GCP_ORDER``, ``SRC_METHOD``).
    """
    from affine import Affine

    col_offset, row_offset = offset
    window = Affine.translation(col_offset, row_offset)
    if isinstance(pixel_transform, GeotransformPixelTransform):
        return dict(src_transform=pixel_transform.forward * window)
    # GDAL's GCP polynomial of the same order is the same least-squares fit; another affine
    # transform (Helmert) is its geotransform; the others GDAL does not have.
    order = getattr(pixel_transform, "gdal_polynomial_order", None)
    control_points = getattr(pixel_transform, "control_points", None)
    if order is None or control_points is None:
        if not getattr(pixel_transform, "is_affine", False):
            return None
        (ox, ax, bx), (oy, ay, by) = pixel_transform.pixel_to_map(np.array([0.0, 1.0, 0.0]),
                                                                  np.array([0.0, 0.0, 1.0]))
        return dict(src_transform=Affine(ax - ox, bx - ox, ox, ay - oy, by - oy, oy) * window)
    options = dict(MAX_GCP_ORDER=order)
    from rasterio.control import GroundControlPoint

    pixel, map_xy = control_points
    gcps = [GroundControlPoint(row=float(py) - row_offset, col=float(px) - col_offset,
                               x=float(mx), y=float(my))
            for (px, py), (mx, my) in zip(pixel, map_xy)]
    return dict(gcps=gcps, **options)


def warp_nearest(arrays, box, grid, pixel_transform, source_crs, target_crs,
                 chunk_rows=512, fill=np.nan, feedback=None) -> list | dict:
    """Resample figure-frame arrays onto an output grid, nearest neighbour.

    On the figure's own pixel grid (``grid.figure_box``) the box's pixels are the output.
    Otherwise through GDAL's warper (``rasterio.warp.reproject``: nearest, ``WARP_THREADS`` threads,
    ``WARP_MEMORY_LIMIT`` of working buffers, GDAL's approximate transformer within 0.125
    source pixel) for a geotransform, Helmert and the GCP polynomials (see
    :func:`gdal_source_georeferencing`), as QGIS's Georeferencer does; through
    :func:`warp_nearest_own`, in blocks of output rows, for the thin plate spline and the
    projective transform. Both take each output pixel's value from the figure pixel under its
    centre: the two agree to within one figure pixel (where a centre falls within the
    approximation error of a pixel edge).

    Parameters
    ----------
    arrays : list of ndarray, shape (rows, cols), or a mapping of names to them
        Figure-frame rasters (values, distance...): float (NaN is nodata) or integer
        (``INTEGER_NODATA`` is nodata, e.g. the class index, warped without a float copy).
    box : tuple (col0, row0, col1, row1)
        Only figure pixels inside this box are used; the rest of the output is ``fill``.
    grid : OutputGrid
    fill : float
        NaN (GDAL's path); another fill goes through :func:`warp_nearest_own`.
    feedback : callable(progress) -> bool, optional
        Returning True cancels (``InterruptedError``).

    Returns
    -------
    list of ndarray, shape (grid.height, grid.width), or a dict of them
        In the order, or by the names, of `arrays`: float32 (NaN where not data) for float
        inputs; an integer input's dtype (``INTEGER_NODATA`` where not data) for integer ones.
        Memory: these outputs (views of the inputs on the figure's own pixel grid), plus
        GDAL's working buffers (bounded), plus a float32 copy of a float input that is not
        float32.
    """
    if isinstance(arrays, Mapping):
        return dict(zip(arrays, warp_nearest(list(arrays.values()), box, grid, pixel_transform,
                                             source_crs, target_crs, chunk_rows, fill, feedback)))
    if grid.figure_box is not None:
        # The figure's own pixel grid: the box's pixels are the output, nothing is resampled
        # (nor copied: float32 arrays come back as views of the box).
        col0, row0, col1, row1 = grid.figure_box
        # A raster computed where it is read (reduction.RebuiltField) stays so: its box.
        outputs = [source.window(slice(row0, row1), slice(col0, col1)) if hasattr(source, "window")
                   else _as_output(source[row0:row1, col0:col1]) for source in arrays]
        if feedback is not None and feedback(1.0):
            raise InterruptedError("Warping was cancelled.")
        return outputs
    col0, row0, col1, row1 = (int(round(v)) for v in box)
    georeferencing = gdal_source_georeferencing(pixel_transform, (col0, row0))
    if georeferencing is None or not np.isnan(fill):
        return warp_nearest_own(arrays, box, grid, pixel_transform, source_crs, target_crs,
                                chunk_rows, fill, feedback)
    import rasterio
    from affine import Affine
    from rasterio.crs import CRS
    from rasterio.warp import Resampling, reproject

    source_crs_, target_crs_ = CRS.from_user_input(source_crs), CRS.from_user_input(grid.crs_wkt)
    gcps = georeferencing.pop("gcps", None)
    source_transform = georeferencing.pop("src_transform", None)
    outputs = []
    for index, array in enumerate(arrays):
        source = array[row0:row1, col0:col1]
        output = _empty_output(grid, source)
        if not np.issubdtype(source.dtype, np.floating):
            nodata = INTEGER_NODATA
        else:
            source, nodata = np.asarray(source, dtype=np.float32), np.nan
        # GDAL reads the box where it lies in the figure-frame array and writes into output:
        # handed as arrays, rasterio would copy both into GDAL's memory first (4 bytes a
        # plot-area pixel and an output pixel each).
        with _gdal_view(source) as source_dataset, _gdal_view(output) as output_dataset:
            if gcps is not None:
                source_dataset.gcps = (gcps, source_crs_)
            else:
                source_dataset.transform, source_dataset.crs = source_transform, source_crs_
            output_dataset.transform = Affine.from_gdal(*grid.geotransform)
            output_dataset.crs = target_crs_
            reproject(rasterio.band(source_dataset, 1), rasterio.band(output_dataset, 1),
                      src_nodata=nodata, dst_nodata=nodata, resampling=Resampling.nearest,
                      num_threads=WARP_THREADS, warp_mem_limit=WARP_MEMORY_LIMIT // 2 ** 20,
                      **georeferencing)
        outputs.append(output)
        if feedback is not None and feedback((index + 1) / len(arrays)):
            raise InterruptedError("Warping was cancelled.")
    return outputs


#: GDAL's names of the dtypes :func:`_gdal_view` wraps.
_GDAL_TYPES = {"uint8": "Byte", "int16": "Int16", "uint16": "UInt16", "int32": "Int32",
               "uint32": "UInt32", "float32": "Float32", "float64": "Float64"}


@contextmanager
def _gdal_view(array):
    """A GDAL in-memory dataset (``MEM``, opened for update) over ``array``'s own memory.

    Rows and pixels may be strided (a window of a larger array): GDAL reads and writes the
    pixels where they lie, nothing is copied. ``array`` must outlive the dataset, which is
    closed on leaving the block.
    """
    import rasterio
    from rasterio.errors import NotGeoreferencedWarning

    line_offset, pixel_offset = array.strides
    name = (f"MEM:::DATAPOINTER={array.__array_interface__['data'][0]},"
            f"PIXELS={array.shape[1]},LINES={array.shape[0]},BANDS=1,"
            f"DATATYPE={_GDAL_TYPES[array.dtype.name]},PIXELOFFSET={pixel_offset},"
            f"LINEOFFSET={line_offset}")
    # GDAL 3.10 and later open a MEM::: name only when told to.
    with rasterio.Env(GDAL_MEM_ENABLE_OPEN="YES"), warnings.catch_warnings():
        warnings.simplefilter("ignore", NotGeoreferencedWarning)
        dataset = rasterio.open(name, "r+")
    try:
        yield dataset
    finally:
        dataset.close()


def warp_nearest_own(arrays, box, grid, pixel_transform, source_crs, target_crs,
                     chunk_rows=512, fill=np.nan, feedback=None) -> list:
    """Resample figure-frame arrays onto an output grid, nearest neighbour, without GDAL.

    For the projective transform (GDAL lacks it) and the thin plate spline (see
    :func:`gdal_source_georeferencing`): each block of ``chunk_rows`` output rows maps
    its pixel centres to the figure (exactly on a lattice, bilinearly in between, see
    :func:`source_pixels_for_grid`) and takes the figure pixel under each.

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
    list of ndarray, shape (grid.height, grid.width)
        As :func:`warp_nearest`'s: float32, or an integer input's dtype when ``fill`` is NaN.
    """
    col0, row0, col1, row1 = (int(round(v)) for v in box)
    outputs = [_empty_output(grid, source, fill) for source in arrays]
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
            picked = source[row, col]
            output[block][inside] = picked if output.dtype == picked.dtype else _as_float(picked)
        if feedback is not None and feedback(block.stop / grid.height):
            raise InterruptedError("Warping was cancelled.")
    return outputs
