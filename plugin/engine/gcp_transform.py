"""Fitting transforms from figure pixels to map coordinates on ground control points.

The transforms are the ones of the QGIS Georeferencer, computed the same way so that a figure
placed by this plugin lands where QGIS (and GDAL, which QGIS uses for some of them) would put it:

* ``POLYNOMIAL_1/2/3``: least-squares polynomials of total order 1, 2 or 3 in the pixel
  coordinates, like GDAL's GCP transformer (``GDALCreateGCPTransformer``). As in GDAL, the
  map-to-pixel direction is a *separate* least-squares polynomial fitted the other way round,
  so it is not the exact inverse of the pixel-to-map polynomial when the GCPs are noisy.
* ``THIN_PLATE_SPLINE``: the interpolating thin plate spline (kernel ``r**2 log r`` plus an
  affine part) through every GCP, like GDAL's TPS transformer; the map-to-pixel direction is
  again a second spline fitted the other way round.
* ``HELMERT``: 4-parameter similarity (uniform scale, rotation, translation; no mirroring of
  the figure as QGIS displays it) fitted by least squares, as ``QgsHelmertGeorefTransform``.
  Its inverse is exact.
* ``PROJECTIVE``: homography fitted by the normalised direct linear transform (algebraic least
  squares on coordinates centred and scaled to a mean distance of sqrt(2)), as
  ``QgsProjectiveGeorefTransform``. Its inverse is exact.

Pixel coordinates follow GDAL: ``(0, 0)`` is the top-left corner of the figure, the first
pixel's centre is ``(0.5, 0.5)``, x = column grows right and y = row grows *down*. (QGIS
feeds these transforms ``(column, -row)``; every transform above gives the same map position
for either convention, as the tests check against QGIS.)

Deliberate difference from QGIS 3.22 / GDAL 3.6: polynomials are solved with an orthogonal
least-squares solver on centred and scaled coordinates, where GDAL solves the normal equations
on coordinates that are only centred. The results are the same least-squares polynomial; for
order 3 on a figure about a thousand pixels wide GDAL's normal equations lose about
``1e-12`` relative precision, i.e. GDAL's map positions can differ from the exact fit by
``~1e-5`` m when the map coordinates are UTM metres. Ours are the exact fit to ``~1e-9`` m.

Each transform is a class with one interface (scikit-image's ``skimage.transform`` is the
model): what it is and needs (:attr:`GcpTransform.kind`, ``name``, ``minimum_points``), how it
is fitted (the constructor), applied both ways (``pixel_to_map``, and its inverse
``map_to_pixel``), checked (``check_determined``), and how each GCP is predicted from the
others (``leave_one_out``). :data:`TRANSFORMS` holds them by :class:`TransformKind`; adding a
transform is one class and one line there (and, to offer it in the dialog, its label in the
algorithm's ``TRANSFORM_LABELS``). Fits share one point normaliser (:class:`PointNormaliser`)
and one polynomial design (:func:`polynomial_design`) with the GCP diagnostics.
"""
import enum
from dataclasses import dataclass, field

import numpy as np
from scipy import linalg
from scipy.spatial import cKDTree

from .errors import GcpError


class TransformKind(enum.IntEnum):
    """Transform types, in the order of the plugin's public enum parameter."""

    POLYNOMIAL_1 = 0
    POLYNOMIAL_2 = 1
    POLYNOMIAL_3 = 2
    THIN_PLATE_SPLINE = 3
    HELMERT = 4
    PROJECTIVE = 5


# Relative singular value below which a design matrix counts as rank deficient: the GCPs then
# leave some parameter undetermined (all on one line, or on one conic for order 2, ...).
_RANK_TOLERANCE = 1e-10
# Points closer than this fraction of the GCPs' extent count as the same position.
_DUPLICATE_TOLERANCE = 1e-9
# Memory bound when transforming many points: about 4 Mi float64 (32 MiB) per work array.
_WORK_ELEMENTS = 1 << 22


# --------------------------------------------------------------------------------------------
# Shared by the fits and the GCP diagnostics


@dataclass(frozen=True)
class PointNormaliser:
    """Shift to the points' centroid and divide by their RMS distance from it.

    Polynomial and spline fits are unchanged by such a similarity of their input, and working
    on coordinates of order 1 keeps the linear systems well conditioned.

    Attributes
    ----------
    centre : ndarray of float64, shape (2,)
        The points' centroid.
    spread : float
        Their RMS distance from it (0 for coincident points), in the points' units.
    scale : float
        What :meth:`apply` divides by: `spread`, or 1 when the spread is 0.
    """

    centre: np.ndarray
    spread: float
    scale: float

    @classmethod
    def fitted_to(cls, points) -> "PointNormaliser":
        """The normaliser of ``points`` (ndarray, shape (n, 2))."""
        centre = points.mean(axis=0)
        spread = float(np.sqrt(np.mean(np.sum((points - centre) ** 2, axis=1))))
        return cls(centre=centre, spread=spread, scale=spread if spread > 0 else 1.0)

    def apply(self, points) -> np.ndarray:
        """``points`` centred and scaled: RMS distance 1 from the origin."""
        return (points - self.centre) / self.scale


def polynomial_design(points, order) -> np.ndarray:
    """Columns 1, x, y, x², xy, y², x³, x²y, xy², y³ up to total degree `order`."""
    x, y = points[:, 0], points[:, 1]
    columns = [x ** (degree - power_of_y) * y ** power_of_y
               for degree in range(order + 1) for power_of_y in range(degree + 1)]
    return np.column_stack(columns)


# --------------------------------------------------------------------------------------------
# The transforms


class GcpTransform:
    """A transform between figure pixels and map coordinates, fitted to GCPs.

    The base of every transform; made by :func:`fit_gcp_transform` (which validates the GCPs
    first). A subclass sets the class attributes and implements :meth:`_fit`; it may refine
    :meth:`check_determined` and :meth:`_leave_one_out`.

    Class attributes
    ----------------
    kind : TransformKind
        The key of the transform in :data:`TRANSFORMS` (a transform added by
        :func:`register_transform` may use a member of another ``IntEnum``).
    name : str
        The transform's name in messages, as QGIS spells it.
    minimum_points : int
        Fewest enabled GCPs it needs.
    maximum_points : int or None
        Most GCPs it is fitted to (more are thinned, evenly over the figure); None: any number.
        The thin plate spline solves an (n + 3)² system and inverts it for the leave-one-out
        errors (O(n³) time, n² memory) and every warped pixel evaluates n kernels; Helmert and
        projective transforms are refitted once per GCP for the leave-one-out errors (O(n²)).
        Polynomials cost O(n) and take any number.
    keeps_lines_straight : bool
        Whether straight lines stay straight (it then cannot follow a curved graticule).
    is_affine : bool
        Whether ``pixel_to_map`` is affine (the output can then keep the figure's own pixels).
    gdal_polynomial_order : int or None
        The order of GDAL's GCP polynomial transformer that is the same transform (GDAL's
        warper then warps with it); None when GDAL has no equivalent.
    exact_inverse : bool
        Whether ``map_to_pixel`` is the exact inverse of ``pixel_to_map``; otherwise it is a
        second transform of the same kind fitted the other way round, as in GDAL.

    Attributes
    ----------
    point_count : int
        Number of GCPs it was fitted to.
    control_points : tuple of ndarray
        ``(pixel, map_xy)``, the point pairs it was fitted to, each of shape (n, 2).
    """

    kind = None
    name = "Transform"
    minimum_points = 3
    maximum_points = 500
    keeps_lines_straight = False
    is_affine = False
    gdal_polynomial_order = None
    exact_inverse = False

    def __init__(self, pixel, map_xy):
        """Fit to validated point pairs: ``pixel`` and ``map_xy`` of shape (n, 2)."""
        self.point_count = int(len(pixel))
        # The GCPs it was fitted to, so that GDAL's warper can fit the same transform (see
        # warping.gdal_source_georeferencing).
        self.control_points = (np.array(pixel, float), np.array(map_xy, float))
        self._pixel_to_map, self._map_to_pixel = self._fit(pixel, map_xy)

    @classmethod
    def _fit(cls, pixel, map_xy) -> tuple:
        """The pixel-to-map and map-to-pixel functions, each taking and giving (m, 2) arrays."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"GcpTransform({self.kind.name}, fitted to {self.point_count} GCPs)"

    def pixel_to_map(self, x, y) -> tuple:
        """Map positions of pixel positions.

        Parameters
        ----------
        x, y : array_like of float
            Pixel column and row (y down; the first pixel's centre is ``(0.5, 0.5)``). Any
            shapes that broadcast together.

        Returns
        -------
        map_x, map_y : ndarray of float64
            Map coordinates in the GCPs' CRS, with the broadcast shape of `x` and `y`. NaN where
            the transform is undefined (a projective transform's horizon).
        """
        return _apply_to_arrays(self._pixel_to_map, x, y)

    def map_to_pixel(self, map_x, map_y) -> tuple:
        """Pixel positions of map positions: the inverse direction.

        For polynomials and the thin plate spline this is the separately fitted reverse
        transform (as in GDAL), so ``map_to_pixel(pixel_to_map(x, y))`` returns ``(x, y)`` only
        up to the fit's residuals; for Helmert and projective transforms it is the exact
        inverse (:attr:`exact_inverse`).

        Parameters
        ----------
        map_x, map_y : array_like of float
            Map coordinates in the GCPs' CRS. Any shapes that broadcast together.

        Returns
        -------
        x, y : ndarray of float64
            Pixel column and row (y down), with the broadcast shape of the inputs.
        """
        return _apply_to_arrays(self._map_to_pixel, map_x, map_y)

    def residuals(self, pixel, map_xy) -> tuple:
        """How far the transform puts point pairs from where they are.

        Parameters
        ----------
        pixel, map_xy : ndarray of float64, shape (n, 2)
            Pixel positions (y down) and map positions.

        Returns
        -------
        delta_map : ndarray, shape (n, 2)
            ``pixel_to_map(pixel) - map_xy``, map units.
        delta_pixel : ndarray, shape (n, 2)
            ``map_to_pixel(map_xy) - pixel``, pixels.
        """
        fitted_map = np.column_stack(self.pixel_to_map(pixel[:, 0], pixel[:, 1]))
        fitted_pixel = np.column_stack(self.map_to_pixel(map_xy[:, 0], map_xy[:, 1]))
        return fitted_map - map_xy, fitted_pixel - pixel

    @classmethod
    def check_determined(cls, active) -> None:
        """Raise GcpError when the enabled GCPs leave the transform undetermined.

        The default asks for pixel and map positions off one straight line (an affine part).

        Parameters
        ----------
        active : GroundControlPoints
            The enabled GCPs, already checked for count, finite and distinct positions.
        """
        _check_polynomial_determined(active, 1, cls.name)

    @classmethod
    def leave_one_out(cls, pixel, map_xy) -> tuple:
        """Map and pixel position of each point predicted by the transform fitted to the others.

        Returns
        -------
        predicted_map, predicted_pixel : ndarray of float64, shape (n, 2)
            Map position predicted from the pixel position, and pixel position predicted from
            the map position; NaN rows where the remaining points are too few or degenerate.
        """
        count = len(pixel)
        if count - 1 < cls.minimum_points:
            return np.full((count, 2), np.nan), np.full((count, 2), np.nan)
        return cls._leave_one_out(pixel, map_xy)

    @classmethod
    def _leave_one_out(cls, pixel, map_xy) -> tuple:
        """:meth:`leave_one_out` by refitting without each point in turn."""
        count = len(pixel)
        predicted_map = np.full((count, 2), np.nan)
        predicted_pixel = np.full((count, 2), np.nan)
        for index in range(count):
            keep = np.arange(count) != index
            try:
                if cls._degenerate(pixel[keep], map_xy[keep]):
                    continue
                refit = cls(pixel[keep], map_xy[keep])
                predicted_map[index] = refit._pixel_to_map(pixel[index:index + 1])[0]
                predicted_pixel[index] = refit._map_to_pixel(map_xy[index:index + 1])[0]
            except (np.linalg.LinAlgError, linalg.LinAlgError, ZeroDivisionError):
                continue
        return predicted_map, predicted_pixel

    @classmethod
    def _degenerate(cls, pixel, map_xy) -> bool:
        """Whether the points of a leave-one-out refit leave the transform undetermined."""
        return False


class PolynomialTransform(GcpTransform):
    """Least-squares polynomial of total order :attr:`order`, each direction fitted on its own."""

    order = 1
    maximum_points = None
    keeps_lines_straight = False

    @property
    def gdal_polynomial_order(self) -> int:
        return self.order

    @classmethod
    def _fit(cls, pixel, map_xy) -> tuple:
        return _fit_polynomial(pixel, map_xy, cls.order), _fit_polynomial(map_xy, pixel, cls.order)

    @classmethod
    def check_determined(cls, active) -> None:
        _check_polynomial_determined(active, cls.order, cls.name)

    @classmethod
    def _leave_one_out(cls, pixel, map_xy) -> tuple:
        return (_polynomial_leave_one_out(pixel, map_xy, cls.order),
                _polynomial_leave_one_out(map_xy, pixel, cls.order))


class Polynomial1Transform(PolynomialTransform):
    kind = TransformKind.POLYNOMIAL_1
    name = "Polynomial 1"
    minimum_points = 3
    order = 1
    keeps_lines_straight = True
    is_affine = True


class Polynomial2Transform(PolynomialTransform):
    kind = TransformKind.POLYNOMIAL_2
    name = "Polynomial 2"
    minimum_points = 6
    order = 2


class Polynomial3Transform(PolynomialTransform):
    kind = TransformKind.POLYNOMIAL_3
    name = "Polynomial 3"
    minimum_points = 10
    order = 3


class ThinPlateSplineTransform(GcpTransform):
    """Interpolating thin plate spline through every GCP, each direction fitted on its own.

    Needs 3 points off one line to define its affine part (QGIS accepts 1, but GDAL then
    cannot build the spline).
    """

    kind = TransformKind.THIN_PLATE_SPLINE
    name = "Thin Plate Spline"
    minimum_points = 3

    @classmethod
    def _fit(cls, pixel, map_xy) -> tuple:
        return _fit_thin_plate_spline(pixel, map_xy), _fit_thin_plate_spline(map_xy, pixel)

    @classmethod
    def _leave_one_out(cls, pixel, map_xy) -> tuple:
        return _thin_plate_leave_one_out(pixel, map_xy), _thin_plate_leave_one_out(map_xy, pixel)


class HelmertTransform(GcpTransform):
    """Similarity (uniform scale, rotation, translation; no mirroring), as QGIS fits it."""

    kind = TransformKind.HELMERT
    name = "Helmert"
    minimum_points = 2
    keeps_lines_straight = True
    is_affine = True
    exact_inverse = True

    @classmethod
    def _fit(cls, pixel, map_xy) -> tuple:
        forward = _fit_helmert(pixel, map_xy)
        return forward, forward.inverse()

    @classmethod
    def check_determined(cls, active) -> None:
        # A similarity cannot mirror: GCPs whose map is the figure's mirror image fit it with
        # zero scale, a singular transform.
        fitted_scale2 = abs(np.linalg.det(_fit_helmert(active.pixel, active.map).matrix))
        expected_scale2 = (np.std(active.map) / max(np.std(active.pixel), 1e-300)) ** 2
        if fitted_scale2 <= 1e-6 * expected_scale2:
            raise GcpError(
                f"The {len(active)} enabled GCPs of {active.source} ({list_labels(active.labels)}) "
                f"map the figure onto its mirror image, which a {cls.name} transform (rotation, "
                "scale, shift) cannot do. Check the GCPs' map coordinates (a swapped axis?) or "
                "choose Polynomial 1."
            )


class ProjectiveTransform(GcpTransform):
    """Homography by the normalised direct linear transform, as QGIS fits it."""

    kind = TransformKind.PROJECTIVE
    name = "Projective"
    minimum_points = 4
    keeps_lines_straight = True
    exact_inverse = True

    @classmethod
    def _fit(cls, pixel, map_xy) -> tuple:
        forward = _fit_projective(pixel, map_xy)
        return forward, forward.inverse()

    @classmethod
    def check_determined(cls, active) -> None:
        singular_values = linalg.svdvals(_projective_equations(*_normalise_like_qgis(active.pixel),
                                                               *_normalise_like_qgis(active.map)))
        if singular_values[7] <= _RANK_TOLERANCE * singular_values[0]:
            raise GcpError(
                f"The {len(active)} enabled GCPs of {active.source} ({list_labels(active.labels)}) "
                f"do not determine a {cls.name} transform: they lie (almost) on one line, or three of "
                f"four lie on one line. Add GCPs spread over the figure."
            )

    @classmethod
    def _degenerate(cls, pixel, map_xy) -> bool:
        return _projective_is_degenerate(pixel, map_xy)


#: Every transform by its kind, in the order of the plugin's TRANSFORM parameter.
TRANSFORMS = {transform.kind: transform for transform in (
    Polynomial1Transform,
    Polynomial2Transform,
    Polynomial3Transform,
    ThinPlateSplineTransform,
    HelmertTransform,
    ProjectiveTransform,
)}

#: Fewest enabled GCPs each built-in transform needs (from :data:`TRANSFORMS`).
MINIMUM_POINTS = {kind: transform.minimum_points for kind, transform in TRANSFORMS.items()}

#: Names of the built-in transforms in messages, as QGIS spells them (from :data:`TRANSFORMS`).
TRANSFORM_NAMES = {kind: transform.name for kind, transform in TRANSFORMS.items()}


def transform_class(kind) -> type:
    """The :class:`GcpTransform` subclass of a kind (a TransformKind, or its integer value)."""
    try:
        return TRANSFORMS[kind]
    except (KeyError, TypeError):
        raise ValueError(f"{kind!r} is not a known transform kind") from None


def register_transform(transform: type) -> type:
    """Add a transform (a :class:`GcpTransform` subclass) under its ``kind``; returns it."""
    if transform.kind in TRANSFORMS:
        raise ValueError(f"a transform of kind {transform.kind!r} is already registered")
    TRANSFORMS[transform.kind] = transform
    return transform


def unregister_transform(transform: type) -> None:
    """Remove a transform added with :func:`register_transform`."""
    if TRANSFORMS.get(transform.kind) is transform:
        del TRANSFORMS[transform.kind]


def fit_gcp_transform(gcps, kind) -> GcpTransform:
    """Fit a pixel-to-map transform (and its map-to-pixel counterpart) to the enabled GCPs.

    Parameters
    ----------
    gcps : GroundControlPoints
        Ground control points; only the enabled ones are used.
    kind : TransformKind or int
        Transform to fit.

    Returns
    -------
    GcpTransform
        The fitted transform.

    Raises
    ------
    GcpError
        Too few enabled points for `kind`, non-finite coordinates, two points at the same pixel
        or the same map position, or points that leave the transform undetermined (e.g. all on
        one line). The message names the points by their labels.
    """
    transform = transform_class(kind)
    active = gcps.active()
    _validate_for_fit(active, transform)
    return transform(active.pixel, active.map)


#: GCPs the log's residual table shows at most, one line each: a GCP file of 200,000 points (a
#: few MB) wrote 200,000 lines into the Processing log, which QGIS's dialog shows as a text
#: widget. The report and its JSON keep every GCP.
MAX_LOGGED_GCPS = 100


@dataclass
class GcpResiduals:
    """How well a transform fits each GCP, and how well each GCP is predicted by the others.

    One entry per GCP of the file, disabled ones included (their errors are measured against
    the fit to the enabled points, which they took no part in).

    Attributes
    ----------
    dx_pixels, dy_pixels, residual_pixels : ndarray of float64, shape (n,)
        ``map_to_pixel(map position) - pixel position`` (y down) and its length, in pixels.
    dx_map, dy_map, residual_map : ndarray of float64, shape (n,)
        ``pixel_to_map(pixel position) - map position`` and its length, in map units.
    loo_error_pixels, loo_error_map : ndarray of float64, shape (n,)
        Leave-one-out error: distance between the GCP and where a transform fitted to all the
        *other* enabled GCPs puts it, in pixels (map-to-pixel) and map units (pixel-to-map).
        For a disabled GCP this is its residual (the fit already leaves it out). NaN where the
        remaining points are too few or degenerate for the transform.
    rmse_pixels, rmse_map : float
        Root mean square of the residuals of the enabled GCPs. Not corrected for degrees of
        freedom (QGIS's "mean error" divides by ``n - minimum`` instead of ``n``); zero for an
        interpolating thin plate spline.
    loo_rmse_pixels, loo_rmse_map : float
        Root mean square of the finite leave-one-out errors of the enabled GCPs; NaN if none.
    suspicious : ndarray of bool, shape (n,)
        GCPs whose map leave-one-out error stands out; see :func:`compute_residuals`.
    enabled : ndarray of bool, shape (n,)
        Whether each GCP took part in the fit.
    kind : TransformKind
        Transform the residuals are for.
    """

    dx_pixels: np.ndarray
    dy_pixels: np.ndarray
    residual_pixels: np.ndarray
    dx_map: np.ndarray
    dy_map: np.ndarray
    residual_map: np.ndarray
    loo_error_pixels: np.ndarray
    loo_error_map: np.ndarray
    rmse_pixels: float
    rmse_map: float
    loo_rmse_pixels: float
    loo_rmse_map: float
    suspicious: np.ndarray
    enabled: np.ndarray = field(default=None)
    kind: TransformKind = field(default=None)

    def as_table_lines(self, gcps, unit=None) -> list:
        """Describe the residuals as lines of text for a log.

        Parameters
        ----------
        gcps : GroundControlPoints
            The points the residuals were computed for (for their labels).
        unit : str, optional
            Name of the map unit ('metre', 'degree'...), for the column headers.

        Returns
        -------
        list of str
            A title, an aligned table (:class:`~.text_format.TableText` lines: two header
            lines, with units, then one line per GCP: its number, residual and leave-one-out
            error in map units and pixels, label, and whether it is disabled or suspicious), the
            RMS errors and one advice line per suspicious GCP. Pixel errors are rounded to
            0.001 px, map errors to the map length of 0.001 px (at least 0.01 map units), so a
            residual of 3e-12 px reads '< 0.001'.
        """
        from .text_format import PIXEL_DECIMALS, aligned_table, fixed, map_decimals, unit_symbol

        name = TRANSFORMS[self.kind].name if self.kind in TRANSFORMS else "Transform"
        enabled = self._enabled(gcps)
        symbol = unit_symbol(unit)
        pixel_decimals = PIXEL_DECIMALS
        decimals = map_decimals(gcps.pixel, gcps.map, enabled)

        def in_map(value):
            return fixed(value, decimals)

        def in_pixels(value):
            return fixed(value, pixel_decimals)

        # Numbers first, text last: the columns line up even in a proportional font (QGIS's
        # Processing log, where two no-break spaces stand for a digit). Narrow enough for that
        # log; the x/y parts of each residual are in the report and its JSON.
        top = ["", "residual", "", "leave-one-out", "", ""]
        units = ["#", symbol, "px", symbol, "px", "GCP"]
        shown = self._rows_shown(enabled)
        rows = [[str(index + 1), in_map(self.residual_map[index]),
                 in_pixels(self.residual_pixels[index]), in_map(self.loo_error_map[index]),
                 in_pixels(self.loo_error_pixels[index]),
                 gcps.labels[index] + ("" if enabled[index] else " (disabled)")
                 + (" <- suspicious" if self.suspicious[index] else "")]
                for index in shown]
        lines = [f"{name} fitted to {int(enabled.sum())} of {len(enabled)} GCPs from {gcps.source}"]
        lines += aligned_table(top, [units] + rows, align=">>>>><")
        if len(shown) < len(enabled):
            lines.append(f"... {len(enabled) - len(shown):,} more GCPs (shown: the suspicious ones "
                         "and the largest leave-one-out errors); every GCP is in the report "
                         "(OUTPUT_REPORT) and its JSON.")
        lines.append(
            f"RMSE {in_map(self.rmse_map)} {symbol}, {in_pixels(self.rmse_pixels)} px; "
            f"leave-one-out RMSE {in_map(self.loo_rmse_map)} {symbol}, "
            f"{in_pixels(self.loo_rmse_pixels)} px"
        )
        finite = np.isfinite(self.loo_error_map[enabled]).any()
        typical = np.nanmedian(self.loo_error_map[enabled]) if finite else np.nan
        suspicious = np.flatnonzero(self.suspicious)
        for index in suspicious[:MAX_LOGGED_GCPS]:
            lines.append(
                f"Suspicious: {gcps.labels[index]} is {in_map(self.loo_error_map[index])} {symbol} "
                f"from where the other GCPs put it (typical {in_map(typical)}). "
                + ("Check its coordinates or disable it." if enabled[index] else
                   "It is disabled: correct it before enabling it again.")
            )
        if len(suspicious) > MAX_LOGGED_GCPS:
            lines.append(f"... and {len(suspicious) - MAX_LOGGED_GCPS:,} more suspicious GCPs "
                         "(in the report).")
        return lines

    def _rows_shown(self, enabled):
        """The GCPs the log's table shows, in their order: all of them up to
        :data:`MAX_LOGGED_GCPS`; beyond, the suspicious ones and those of the largest
        leave-one-out errors (then residuals)."""
        count = len(enabled)
        if count <= MAX_LOGGED_GCPS:
            return np.arange(count)
        error = np.nan_to_num(np.asarray(self.loo_error_pixels, dtype=float), nan=np.inf)
        residual = np.nan_to_num(np.asarray(self.residual_pixels, dtype=float), nan=np.inf)
        order = np.lexsort((-residual, -error, ~np.asarray(self.suspicious, dtype=bool)))
        return np.sort(order[:MAX_LOGGED_GCPS])

    def as_dict(self, gcps) -> dict:
        """Describe the residuals as a JSON-ready dictionary (NaN becomes None).

        Parameters
        ----------
        gcps : GroundControlPoints
            The points the residuals were computed for (for labels and coordinates).

        Returns
        -------
        dict
            ``transform``, ``source``, the four RMS errors and ``points``: one dictionary per
            GCP with its label, enabled flag, pixel and map position, residuals, leave-one-out
            errors and ``suspicious`` flag.
        """
        enabled = self._enabled(gcps)
        points = []
        for index, label in enumerate(gcps.labels):
            points.append({
                "label": label,
                "enabled": bool(enabled[index]),
                "pixel_x": _json_number(gcps.pixel[index, 0]),
                "pixel_y": _json_number(gcps.pixel[index, 1]),
                "map_x": _json_number(gcps.map[index, 0]),
                "map_y": _json_number(gcps.map[index, 1]),
                "dx_pixels": _json_number(self.dx_pixels[index]),
                "dy_pixels": _json_number(self.dy_pixels[index]),
                "residual_pixels": _json_number(self.residual_pixels[index]),
                "dx_map": _json_number(self.dx_map[index]),
                "dy_map": _json_number(self.dy_map[index]),
                "residual_map": _json_number(self.residual_map[index]),
                "loo_error_pixels": _json_number(self.loo_error_pixels[index]),
                "loo_error_map": _json_number(self.loo_error_map[index]),
                "suspicious": bool(self.suspicious[index]),
            })
        return {
            "transform": self.kind.name if self.kind is not None else None,
            "source": gcps.source,
            "rmse_pixels": _json_number(self.rmse_pixels),
            "rmse_map": _json_number(self.rmse_map),
            "loo_rmse_pixels": _json_number(self.loo_rmse_pixels),
            "loo_rmse_map": _json_number(self.loo_rmse_map),
            "points": points,
        }

    def _enabled(self, gcps):
        return self.enabled if self.enabled is not None else np.asarray(gcps.enabled, dtype=bool)


def compute_residuals(gcps, kind) -> GcpResiduals:
    """Residuals and leave-one-out errors of every GCP for a transform fitted to the enabled ones.

    Parameters
    ----------
    gcps : GroundControlPoints
        Ground control points; the transform is fitted to the enabled ones, errors are
        reported for all.
    kind : TransformKind or int
        Transform to fit.

    Returns
    -------
    GcpResiduals
        See :class:`GcpResiduals` for the sign conventions and units.

    Raises
    ------
    GcpError
        As :func:`fit_gcp_transform`.

    Notes
    -----
    Leave-one-out predictions are exact refits without the point. Polynomials use the
    hat-matrix identity ``e_loo = e / (1 - h_ii)`` and the thin plate spline Rippa's identity
    ``e_loo = c_i / (M^-1)_ii`` [1]_, so both cost one fit; Helmert and projective transforms
    are refitted once per point.

    A GCP is flagged ``suspicious`` when its map leave-one-out error ``e`` stands out from
    those of the enabled GCPs by a robust rule: ``e > 3 * median``, ``e - median >
    3 * 1.4826 * MAD`` (three robust standard deviations) and ``e`` above a floor of
    ``1e-6`` of the enabled GCPs' map extent (so exact GCPs with round-off errors are never
    flagged). The rule needs at least 4 finite errors among the enabled GCPs; with fewer,
    nothing is flagged.

    References
    ----------
    .. [1] S. Rippa, "An algorithm for selecting a good value for the parameter c in radial
       basis function interpolation", Adv. Comput. Math. 11 (1999) 193-210.
    """
    transform_type = transform_class(kind)
    transform = fit_gcp_transform(gcps, transform_type.kind)
    enabled = np.asarray(gcps.enabled, dtype=bool)

    delta_map, delta_pixel = transform.residuals(gcps.pixel, gcps.map)
    residual_map = np.hypot(delta_map[:, 0], delta_map[:, 1])
    residual_pixels = np.hypot(delta_pixel[:, 0], delta_pixel[:, 1])

    active = gcps.active()
    loo_map, loo_pixel = transform_type.leave_one_out(active.pixel, active.map)
    loo_error_map = residual_map.copy()
    loo_error_pixels = residual_pixels.copy()
    loo_error_map[enabled] = np.hypot(*(loo_map - active.map).T)
    loo_error_pixels[enabled] = np.hypot(*(loo_pixel - active.pixel).T)

    map_extent = np.ptp(active.map, axis=0)
    floor = 1e-6 * float(np.hypot(*map_extent))
    return GcpResiduals(
        dx_pixels=delta_pixel[:, 0],
        dy_pixels=delta_pixel[:, 1],
        residual_pixels=residual_pixels,
        dx_map=delta_map[:, 0],
        dy_map=delta_map[:, 1],
        residual_map=residual_map,
        loo_error_pixels=loo_error_pixels,
        loo_error_map=loo_error_map,
        rmse_pixels=_root_mean_square(residual_pixels[enabled]),
        rmse_map=_root_mean_square(residual_map[enabled]),
        loo_rmse_pixels=_root_mean_square(loo_error_pixels[enabled]),
        loo_rmse_map=_root_mean_square(loo_error_map[enabled]),
        suspicious=_flag_outstanding_errors(loo_error_map, enabled, floor),
        enabled=enabled.copy(),
        kind=transform_type.kind,
    )


# --------------------------------------------------------------------------------------------
# Validation


def _validate_for_fit(active, transform):
    name = transform.name
    count = len(active)
    needed = transform.minimum_points
    if count < needed:
        listed = f" ({list_labels(active.labels)})" if count else ""
        raise GcpError(
            f"{name} transform needs at least {needed} enabled GCPs; {active.source} has "
            f"{count}{listed}. Add or enable GCPs, or choose a transform that needs fewer "
            f"({_fewest_points_hint(count)})."
        )
    for coordinates, what in ((active.pixel, "pixel"), (active.map, "map")):
        bad = ~np.isfinite(coordinates).all(axis=1)
        if bad.any():
            labels = [active.labels[index] for index in np.flatnonzero(bad)]
            raise GcpError(
                f"GCPs {list_labels(labels)} of {active.source} have a {what} coordinate that is "
                f"not a finite number. Fix or disable them."
            )
    _check_distinct_positions(active.pixel, active.labels, "pixel", active.source)
    _check_distinct_positions(active.map, active.labels, "map", active.source)
    transform.check_determined(active)


def _check_distinct_positions(points, labels, what, source):
    extent = float(np.max(np.ptp(points, axis=0)))
    # In units of the extent: huge coordinates (1e308) would overflow the tree's distances.
    scaled = (points - points.min(axis=0)) / (extent if 0 < extent < np.inf else 1.0)
    pairs = sorted(cKDTree(scaled).query_pairs(r=_DUPLICATE_TOLERANCE if extent > 0 else 0.0))
    if pairs:
        described = "; ".join(
            f"{labels[first]} and {labels[second]} at ({points[first, 0]:.10g}, {points[first, 1]:.10g})"
            for first, second in pairs[:5]
        )
        more = f" and {len(pairs) - 5} more pairs" if len(pairs) > 5 else ""
        raise GcpError(
            f"GCPs of {source} share a {what} position: {described}{more}. Delete or disable one "
            f"GCP of each pair."
        )


def _check_polynomial_determined(active, order, name):
    """GcpError unless the pixel and the map positions determine a polynomial of ``order``."""
    for what, points in (("pixel", active.pixel), ("map", active.map)):
        design = polynomial_design(PointNormaliser.fitted_to(points).apply(points), order)
        singular_values = linalg.svdvals(design)
        if singular_values[-1] <= _RANK_TOLERANCE * singular_values[0]:
            shape = "one straight line" if order == 1 else f"one line or curve of order {order} or less"
            raise GcpError(
                f"The {what} positions of the {len(active)} enabled GCPs of {active.source} "
                f"({list_labels(active.labels)}) lie (almost) on {shape}, so they do not "
                f"determine a {name} transform. Add GCPs away from it or choose a simpler transform."
            )


def _fewest_points_hint(count):
    usable = [transform.name for transform in TRANSFORMS.values() if transform.minimum_points <= count]
    fewest = min(transform.minimum_points for transform in TRANSFORMS.values())
    return "usable with this many: " + ", ".join(usable) if usable else f"every transform needs at least {fewest}"


def list_labels(labels, limit=10) -> str:
    """Up to ``limit`` point labels for a message, and how many more there are."""
    shown = ", ".join(labels[:limit])
    return shown + (f" and {len(labels) - limit} more" if len(labels) > limit else "")


# --------------------------------------------------------------------------------------------
# Fitting


class _Polynomial:
    """Polynomial map of total order 1-3, with coefficients on normalised input coordinates."""

    def __init__(self, normaliser, coefficients, order, target_offset):
        self.normaliser = normaliser
        self.coefficients = coefficients
        self.order = order
        self.target_offset = target_offset

    def __call__(self, points):
        rows = max(1, _WORK_ELEMENTS // self.coefficients.shape[0])
        return _in_chunks(points, rows, self._evaluate)

    def _evaluate(self, points):
        design = polynomial_design(self.normaliser.apply(points), self.order)
        return design @ self.coefficients + self.target_offset


def _fit_polynomial(source, target, order):
    normaliser = PointNormaliser.fitted_to(source)
    design = polynomial_design(normaliser.apply(source), order)
    # Fitting offsets from the target centroid keeps the large map coordinates (UTM metres)
    # out of the solver, so round-off is relative to the GCPs' spread, not to 5e6 m.
    target_offset = target.mean(axis=0)
    coefficients, *_ = linalg.lstsq(design, target - target_offset, lapack_driver="gelsd")
    return _Polynomial(normaliser, coefficients, order, target_offset)


def _thin_plate_kernel(squared_distances):
    """``r² log r`` written as ``½ r² log r²``, 0 at r = 0 (its limit)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        values = 0.5 * squared_distances * np.log(squared_distances)
    values[squared_distances == 0] = 0.0
    return values


def _thin_plate_system(centres):
    """The (n + 3) square matrix [[K, P], [Pᵀ, 0]] of an interpolating thin plate spline."""
    count = len(centres)
    differences = centres[:, None, :] - centres[None, :, :]
    kernel = _thin_plate_kernel(np.sum(differences ** 2, axis=-1))
    affine = np.column_stack([np.ones(count), centres])
    system = np.zeros((count + 3, count + 3))
    system[:count, :count] = kernel
    system[:count, count:] = affine
    system[count:, :count] = affine.T
    return system


class _ThinPlateSpline:
    """Interpolating thin plate spline, evaluated in chunks to bound memory."""

    def __init__(self, normaliser, centres, weights, affine, target_offset):
        self.normaliser = normaliser
        self.centres = centres
        self.weights = weights
        self.affine = affine
        self.target_offset = target_offset

    def __call__(self, points):
        rows = max(1, _WORK_ELEMENTS // len(self.centres))
        return _in_chunks(points, rows, self._evaluate)

    def _evaluate(self, points):
        normalised = self.normaliser.apply(points)
        squared = ((normalised[:, None, 0] - self.centres[None, :, 0]) ** 2
                   + (normalised[:, None, 1] - self.centres[None, :, 1]) ** 2)
        values = _thin_plate_kernel(squared) @ self.weights
        values += self.affine[0] + normalised @ self.affine[1:]
        return values + self.target_offset


def _fit_thin_plate_spline(source, target, system=None):
    normaliser = PointNormaliser.fitted_to(source)
    centres = normaliser.apply(source)
    if system is None:
        system = _thin_plate_system(centres)
    target_offset = target.mean(axis=0)
    right_hand_side = np.zeros((len(source) + 3, 2))
    right_hand_side[:len(source)] = target - target_offset
    # The kernel r² log r is invariant in form under the normalising similarity (the extra
    # r² log s term is absorbed by the affine part), so this is GDAL's spline exactly.
    solution = linalg.solve(system, right_hand_side, assume_a="sym")
    return _ThinPlateSpline(normaliser, centres, solution[:len(source)], solution[len(source):],
                            target_offset)


class _AffineMap:
    """``target = matrix @ source + translation``."""

    def __init__(self, matrix, translation):
        self.matrix = matrix
        self.translation = translation

    def __call__(self, points):
        return points @ self.matrix.T + self.translation

    def inverse(self):
        inverse_matrix = np.linalg.inv(self.matrix)
        return _AffineMap(inverse_matrix, -inverse_matrix @ self.translation)


def _fit_helmert(pixel, map_xy):
    """Least-squares similarity, as QgsLeastSquares::helmert.

    QGIS fits ``map = t + s R(angle) (column, -row)``; in pixel coordinates with y down that is
    ``map = t + [[a, b], [b, -a]] (x, y)`` with ``a = s cos(angle)``, ``b = s sin(angle)``.
    """
    source = np.column_stack([pixel[:, 0], -pixel[:, 1]])
    source_centre = source.mean(axis=0)
    target_centre = map_xy.mean(axis=0)
    u, v = (source - source_centre).T
    east, north = (map_xy - target_centre).T
    spread = np.sum(u * u + v * v)
    a = np.sum(u * east + v * north) / spread
    b = np.sum(u * north - v * east) / spread
    rotation_scale = np.array([[a, -b], [b, a]])
    translation = target_centre - rotation_scale @ source_centre
    flip_y = np.diag([1.0, -1.0])
    return _AffineMap(rotation_scale @ flip_y, translation)


def _normalise_like_qgis(points):
    """Centroid to the origin, mean distance to sqrt(2), as QgsLeastSquares normalizeCoordinates.

    Returns the normalised points and the 3x3 normalising and de-normalising matrices. The
    projective fit is an algebraic (not geometric) least-squares fit, whose result depends on
    this normalisation, so it must be QGIS's to land on QGIS's transform.
    """
    centre = points.mean(axis=0)
    mean_distance = float(np.mean(np.hypot(*(points - centre).T)))
    scale_back = mean_distance / np.sqrt(2.0) if mean_distance > 0 else 1.0
    normalised = (points - centre) / scale_back
    normalise = np.array([[1 / scale_back, 0, -centre[0] / scale_back],
                          [0, 1 / scale_back, -centre[1] / scale_back],
                          [0, 0, 1.0]])
    denormalise = np.array([[scale_back, 0, centre[0]], [0, scale_back, centre[1]], [0, 0, 1.0]])
    return normalised, normalise, denormalise


def _projective_equations(source, _normalise_source, _denormalise_source,
                          target, _normalise_target, _denormalise_target):
    """The 2n x 9 direct-linear-transform matrix S with S h = 0 for the homography h."""
    x, y = source[:, 0], source[:, 1]
    tx, ty = target[:, 0], target[:, 1]
    ones, zeros = np.ones_like(x), np.zeros_like(x)
    rows_x = np.column_stack([x, y, ones, zeros, zeros, zeros, -tx * x, -tx * y, -tx])
    rows_y = np.column_stack([zeros, zeros, zeros, x, y, ones, -ty * x, -ty * y, -ty])
    return np.stack([rows_x, rows_y], axis=1).reshape(-1, 9)


class _Homography:
    """``target ~ H @ (x, y, 1)``; NaN where the point maps to infinity."""

    def __init__(self, matrix):
        self.matrix = matrix

    def __call__(self, points):
        x, y = points[:, 0], points[:, 1]
        h = self.matrix
        w = h[2, 0] * x + h[2, 1] * y + h[2, 2]
        # Like QGIS, refuse points on (or numerically at) the horizon of the homography.
        size = np.abs(h[2, 0] * x) + np.abs(h[2, 1] * y) + abs(h[2, 2])
        with np.errstate(divide="ignore", invalid="ignore"):
            result = np.column_stack([(h[0, 0] * x + h[0, 1] * y + h[0, 2]) / w,
                                      (h[1, 0] * x + h[1, 1] * y + h[1, 2]) / w])
        result[np.abs(w) <= 1024 * np.finfo(float).eps * size] = np.nan
        return result

    def inverse(self):
        return _Homography(np.linalg.inv(self.matrix))


def _fit_projective(pixel, map_xy):
    """Homography by the normalised DLT, as QgsLeastSquares::projective."""
    source = _normalise_like_qgis(pixel)
    target = _normalise_like_qgis(map_xy)
    equations = _projective_equations(*source, *target)
    # The right singular vector of the smallest singular value minimises |S h| with |h| = 1.
    # A full SVD only when 4 points give 8 equations for 9 unknowns (the null vector is then
    # missing from the thin SVD); for many points the full U would be (2n)² in size.
    _, _, right_vectors = linalg.svd(equations, full_matrices=len(equations) < 9)
    normalised_matrix = right_vectors[-1].reshape(3, 3)
    matrix = target[2] @ normalised_matrix @ source[1]
    # QGIS fits on (column, -row); the DLT with this normalisation is unchanged by that
    # mirroring, so fitting on (column, row) gives the same transform.
    return _Homography(matrix / np.max(np.abs(matrix)))


# --------------------------------------------------------------------------------------------
# Leave-one-out


def _polynomial_leave_one_out(source, target, order):
    """Hat-matrix identity: the refit without i misses point i by ``e_i / (1 - h_ii)``."""
    normaliser = PointNormaliser.fitted_to(source)
    design = polynomial_design(normaliser.apply(source), order)
    orthonormal_basis, _ = linalg.qr(design, mode="economic")
    leverage = np.sum(orthonormal_basis ** 2, axis=1)
    fitted = _fit_polynomial(source, target, order)(source)
    complement = 1.0 - leverage
    predicted = np.full_like(target, np.nan)
    # 1 - h_ii near 0: the other points leave the polynomial undetermined at point i.
    usable = complement > 1e-8
    predicted[usable] = target[usable] + (fitted[usable] - target[usable]) / complement[usable, None]
    return predicted


def _thin_plate_leave_one_out(source, target):
    """Rippa's identity: the spline without point i misses it by ``c_i / (M^-1)_ii``."""
    count = len(source)
    normaliser = PointNormaliser.fitted_to(source)
    system = _thin_plate_system(normaliser.apply(source))
    spline = _fit_thin_plate_spline(source, target, system)
    diagonal = np.diag(linalg.inv(system))[:count]
    predicted = np.full_like(target, np.nan)
    usable = (np.abs(diagonal) > 0) & ~_remainder_is_collinear(source)
    predicted[usable] = target[usable] - spline.weights[usable] / diagonal[usable, None]
    return predicted


def _remainder_is_collinear(points):
    """For each point, whether all the other points lie on one straight line."""
    count = len(points)
    centred = PointNormaliser.fitted_to(points).apply(points)
    # Second moments of the remainder from the full sums minus the left-out point's share.
    sums = centred.sum(axis=0) - centred
    products = np.einsum("ni,nj->nij", centred, centred)
    second = products.sum(axis=0) - products
    remaining = count - 1
    means = sums / remaining
    covariance = second / remaining - np.einsum("ni,nj->nij", means, means)
    determinant = covariance[:, 0, 0] * covariance[:, 1, 1] - covariance[:, 0, 1] ** 2
    trace = covariance[:, 0, 0] + covariance[:, 1, 1]
    return determinant <= _RANK_TOLERANCE * trace ** 2


def _projective_is_degenerate(pixel, map_xy):
    singular_values = linalg.svdvals(_projective_equations(*_normalise_like_qgis(pixel),
                                                           *_normalise_like_qgis(map_xy)))
    return len(singular_values) < 8 or singular_values[7] <= _RANK_TOLERANCE * singular_values[0]


def _flag_outstanding_errors(errors, enabled, floor):
    reference = errors[enabled & np.isfinite(errors)]
    flagged = np.zeros(len(errors), dtype=bool)
    if reference.size < 4:
        return flagged
    median = float(np.median(reference))
    robust_spread = 1.4826 * float(np.median(np.abs(reference - median)))
    finite = np.isfinite(errors)
    flagged[finite] = ((errors[finite] > 3.0 * median)
                       & (errors[finite] - median > 3.0 * robust_spread)
                       & (errors[finite] > floor))
    return flagged


# --------------------------------------------------------------------------------------------
# Helpers


def _apply_to_arrays(function, x, y):
    x, y = np.broadcast_arrays(np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64))
    points = np.column_stack([x.ravel(), y.ravel()])
    result = function(points) if len(points) else np.empty((0, 2))
    return result[:, 0].reshape(x.shape), result[:, 1].reshape(x.shape)


def _in_chunks(points, rows, evaluate):
    if len(points) <= rows:
        return evaluate(points)
    result = np.empty((len(points), 2))
    for start in range(0, len(points), rows):
        result[start:start + rows] = evaluate(points[start:start + rows])
    return result


def _root_mean_square(values):
    finite = values[np.isfinite(values)]
    return float(np.sqrt(np.mean(finite ** 2))) if finite.size else float("nan")


def _json_number(value):
    value = float(value)
    return value if np.isfinite(value) else None
