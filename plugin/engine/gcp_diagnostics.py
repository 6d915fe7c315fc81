"""What the GCPs say about the georeferencing: warnings for the log, refusals where it is wrong.

:func:`diagnose_georeferencing` looks at the ground control points, the transform chosen for
them, their CRS and their residuals (:func:`~.gcp_transform.compute_residuals`) and

* **warns** about a GCP whose leave-one-out error stands far above the others'
  (``residuals.suspicious``): most likely a typo in its coordinates. A GCP on the outer edge
  (a vertex of the convex hull of the GCPs' pixel positions) is only predicted by extrapolation,
  so the warning then also names the other cause: a transform that cannot follow the figure
  there (corner GCPs stand out first when the graticule is curved);
* **warns** when a transform that keeps straight lines straight (Polynomial 1, Helmert,
  projective) fits the GCPs poorly. With GCPs in longitude/latitude this is the usual mistake of
  georeferencing a figure drawn in a map projection (Lambert, polar stereographic, Robinson...)
  by its graticule: the meridians and parallels are curved on the figure, so no affine map from
  pixels to lon/lat exists. The remedy is to give the GCPs in the figure's own projected CRS
  (then Polynomial 1 is exact), or to let a thin plate spline or a polynomial of order 2-3 bend
  with the graticule;
* **warns** (:func:`extrapolation_warning`, once the figure is decoded) when a transform that
  bends (Polynomial 2 or 3, thin plate spline, projective) must place decoded pixels far outside
  the GCPs: there it only extrapolates, and its error grows with the distance from them;
* **refuses** (:class:`~.errors.GcpError`) GCPs in longitude/latitude that surround a pole: the
  longitude wraps through 360° around the pole's pixel and is undefined on it, so neither a
  polynomial nor a spline in lon/lat can represent the figure there — the result would be
  wrong, not just inaccurate. The remedy is to give the GCPs in the polar stereographic CRS
  (EPSG:3413 or EPSG:3995 in the north, EPSG:3031 in the south) or whatever projection the
  figure is drawn in;
* **refuses** longitudes that jump across the antimeridian (170, 180, -170): the GCPs lie on a
  short stretch of longitudes but their values span almost 360°, so every fit is bent around the
  wrong side of the globe. The remedy is to write them continuously (190 instead of -170).

No QGIS import: this runs in the engine, before the figure is warped.

Thresholds and why
------------------
:data:`POOR_FIT_LOO_PIXELS` = 1 px
    A careful click on a graticule crossing or a tick mark is good to a few tenths of a pixel,
    and nearest-neighbour output places values up to half a pixel off anyway. A leave-one-out
    RMSE (each GCP predicted by the transform fitted to the others, in pixels) above one pixel
    means the transform's own error has become the largest error of the output. Leave-one-out
    rather than plain residuals, because residuals shrink as the transform gains parameters and
    the fit is pulled towards each point; leave-one-out errors do not.
:data:`SYSTEMATIC_RATIO` = 0.5
    Whether the misfit is a curved graticule or sloppy clicks: with at least
    :data:`SYSTEMATIC_MIN_POINTS` = 7 enabled GCPs a polynomial of order 2 is fitted too and
    both misfits are corrected for degrees of freedom (``sigma = sqrt(SS / (n - p))``). Random
    click errors leave ``sigma`` about the same; a curved graticule is mostly absorbed by the
    second order, so its ``sigma`` drops below half the affine one.
:data:`EXTRAPOLATION_RATIO` = 0.5 and :data:`EXTRAPOLATION_SAMPLES` = 40,000
    Outside the convex hull of the GCPs' pixel positions a polynomial of order 2 or 3 grows as
    the square or cube of the distance, a projective transform towards its horizon, and a thin
    plate spline along whatever its last GCPs bent it to; small click errors in GCPs bunched in
    one part of the figure become large errors far from them, and no GCP shows it. The warning
    fires when at least 1 % of the decoded pixels lie farther outside the hull than half the
    GCPs' own spread (the square root of the hull's area): GCPs at the graticule crossings of a
    map leave a margin well under that, GCPs in one corner or along one half of the map do not.
    An affine transform (Polynomial 1, Helmert) extrapolates in straight lines and is not
    warned about. The distance is measured on at most 40,000 decoded pixels spread evenly over
    the plot area.
:data:`POLE_LATITUDE` = 89.999°
    A GCP this close to a pole sits on it: its longitude is arbitrary.
:data:`POLAR_MODEL_TOLERANCE` = 0.05 and :data:`POLAR_MODEL_ADVANTAGE` = 0.5
    The pole test fits the GCPs' pixel positions as an affine function of polar coordinates
    about the nearer pole, ``(r cos lon, r sin lon)`` with ``r`` the colatitude as in the
    azimuthal equidistant, stereographic (``2 tan(c/2)``) or equal-area (``2 sin(c/2)``)
    projections — the best of the three. A figure drawn in any polar azimuthal projection fits
    this to well under 1 % of the GCPs' pixel spread; a plate carrée world map does not fit it
    at all. The pole test fires when this model misfits by at most 5 % of the spread *and* less
    than half the misfit of an affine function of lon/lat, and the pole's pixel, as the model
    puts it, lies inside the convex hull of the GCPs, or a GCP sits on the pole, or the GCPs'
    longitudes wrap more than 180° around it (which puts the pole inside their hull too).
    A longitude span above 180° alone is not refused: GCPs of a world map in plate carrée
    (equirectangular) span 360° of longitude and are fitted exactly by Polynomial 1.
:data:`ANTIMERIDIAN_SPAN` = 180°
    Longitudes whose plain span (max - min) exceeds 180° while they fit in a stretch of less
    than 180° going round the circle jump across ±180°.
"""
import math

import numpy as np

from .errors import GcpError
from .gcp_transform import PointNormaliser, list_labels, polynomial_design, transform_class
from .gcps import evenly_spread_subset
from .text_format import number_text
from .warping import crs_label

POOR_FIT_LOO_PIXELS = 1.0
SYSTEMATIC_RATIO = 0.5
SYSTEMATIC_MIN_POINTS = 7
EXTRAPOLATION_RATIO = 0.5
EXTRAPOLATION_SAMPLES = 40_000
POLE_LATITUDE = 89.999
POLAR_MODEL_TOLERANCE = 0.05
POLAR_MODEL_ADVANTAGE = 0.5
ANTIMERIDIAN_SPAN = 180.0

_POLAR_CRS_HINT = ("EPSG:3413 (NSIDC Sea Ice Polar Stereographic North) or EPSG:3995 (Arctic "
                   "Polar Stereographic) in the north, EPSG:3031 (Antarctic Polar Stereographic) "
                   "in the south")


def diagnose_georeferencing(gcps, kind, crs, residuals) -> list:
    """Warnings about the GCPs and their fit; GcpError where the georeferencing would be wrong.

    Parameters
    ----------
    gcps : GroundControlPoints
        All GCPs of the file (disabled ones are only reported on, never tested).
    kind : TransformKind or int
        The transform fitted to them.
    crs : str or None
        CRS of the GCPs' map coordinates (WKT, ``EPSG:n`` or PROJ string). None or an
        unreadable CRS skips the checks that need to know whether it is geographic.
    residuals : GcpResiduals or None
        :func:`~.gcp_transform.compute_residuals` of `gcps` for `kind`; None runs only the
        refusals (:func:`refuse_unusable_gcps`).

    Returns
    -------
    list of str
        Warnings for the log, each a complete sentence with its remedy; empty when all is well.

    Raises
    ------
    GcpError
        GCPs in longitude/latitude around a pole, or with longitudes jumping across the
        antimeridian. The message says why and what to do instead.
    """
    transform = transform_class(kind)
    refuse_unusable_gcps(gcps, crs)
    if residuals is None:
        return []
    warnings = []
    enabled = np.asarray(residuals.enabled if residuals.enabled is not None else gcps.enabled,
                         dtype=bool)
    pixel = np.asarray(gcps.pixel, dtype=float)[enabled]
    map_xy = np.asarray(gcps.map, dtype=float)[enabled]
    geographic, _ = _geographic_units(crs)

    warnings.extend(_suspicious_warnings(gcps, residuals, enabled))
    degrees = _degrees_in_projected_crs_warning(map_xy, crs)
    if degrees:
        warnings.append(degrees)
    # A transform that keeps straight lines straight cannot follow a curved graticule.
    if transform.keeps_lines_straight:
        warning = _poor_fit_warning(pixel, map_xy, transform.name, residuals, geographic)
        if warning:
            warnings.append(warning)
    return warnings


def extrapolation_warning(gcps, kind, values, box) -> str:
    """A warning when a bending transform places decoded pixels far outside the GCPs.

    Parameters
    ----------
    gcps : GroundControlPoints
        The GCPs the transform was fitted to (only the enabled ones count).
    kind : TransformKind or int
        The transform fitted to them.
    values : ndarray of float, shape (rows, cols)
        The decoded value of every figure pixel, NaN where it is not data.
    box : tuple of int
        ``(col0, row0, col1, row1)``, the plot area in pixels: only data inside it is placed.

    Returns
    -------
    str
        The warning, a complete sentence with its remedy; empty when the transform is affine,
        the GCPs span no area, or the decoded pixels lie within :data:`EXTRAPOLATION_RATIO`
        of the GCPs' spread from their convex hull (see the module's thresholds).
    """
    transform = transform_class(kind)
    if transform.is_affine:
        return ""
    pixel = np.asarray(gcps.pixel, dtype=float)[np.asarray(gcps.enabled, dtype=bool)]
    hull = _convex_hull(pixel)
    if hull is None:
        return ""
    col0, row0, col1, row1 = (int(v) for v in box)
    step = max(1, math.ceil(math.sqrt(max(col1 - col0, 0) * max(row1 - row0, 0)
                                      / EXTRAPOLATION_SAMPLES)))
    rows, cols = np.nonzero(np.isfinite(values[row0:row1:step, col0:col1:step]))
    if rows.size == 0:
        return ""
    x = col0 + cols * step + 0.5
    y = row0 + rows * step + 0.5
    # Signed distance outside the hull (px): the largest over its edges' lines, each equation
    # (a, b, c) with a unit normal and a x + b y + c <= 0 inside. Exact beside an edge, a lower
    # bound (by at most a factor sqrt 2 for a square hull) beyond a corner.
    beyond = np.full(x.shape, -np.inf)
    for a, b, c in hull.equations:
        np.maximum(beyond, a * x + b * y + c, out=beyond)
    spread = math.sqrt(hull.volume)  # a 2-D hull's volume is its area (px²)
    far = float(np.percentile(beyond, 99))
    if far <= EXTRAPOLATION_RATIO * spread:
        return ""
    outside = float(np.mean(beyond > 0))
    return (f"Warning: {100 * outside:.0f} % of the decoded pixels lie outside the GCPs (the "
            f"convex hull of their pixel positions), 1 % of them more than {far:.0f} px beyond "
            f"it, {far / spread:.1f} times the GCPs' own spread ({spread:.0f} px). There the "
            f"{transform.name} transform only extrapolates: it bends with nothing to hold it, "
            f"and small errors in the GCPs grow with the distance from them, unseen in the "
            f"residuals. Add GCPs near the map's corners and edges, or set TRANSFORM to "
            f"Polynomial 1 (or Helmert), which extrapolates in straight lines.")


def _convex_hull(points):
    """The scipy ConvexHull of 2-D points, or None when they span no area."""
    if len(points) < 3 or not np.all(np.isfinite(points)):
        return None
    from scipy.spatial import ConvexHull, QhullError

    try:
        hull = ConvexHull(points)
    except (QhullError, ValueError):
        return None
    return hull if hull.volume > 0 else None


def refuse_unusable_gcps(gcps, crs) -> None:
    """Raise GcpError for GCPs no transform can use: lon/lat around a pole or across ±180°.

    The part of :func:`diagnose_georeferencing` that needs no fit, so it can run before
    fitting (GCPs on the pole itself share one pixel, which the fit would refuse first with a
    less helpful message).

    Parameters
    ----------
    gcps : GroundControlPoints
    crs : str or None
        CRS of the map coordinates; nothing is checked unless it is geographic.

    Raises
    ------
    GcpError
        See :func:`diagnose_georeferencing`.
    """
    geographic, to_degrees = _geographic_units(crs)
    enabled = np.asarray(gcps.enabled, dtype=bool)
    if not geographic or enabled.sum() < 3:
        return
    pixel = np.asarray(gcps.pixel, dtype=float)[enabled]
    map_xy = np.asarray(gcps.map, dtype=float)[enabled]
    if not (np.isfinite(pixel).all() and np.isfinite(map_xy).all()):
        return  # the fit names the bad points
    lon, lat = map_xy[:, 0] * to_degrees, map_xy[:, 1] * to_degrees
    _refuse_polar_gcps(pixel, lon, lat, gcps.source)
    _refuse_antimeridian_jump(lon, gcps.source)


# --------------------------------------------------------------------------------------------
# GCPs that cannot be right, and GCPs too many to fit


def thin_gcps(gcps, kind) -> tuple:
    """At most the transform's ``maximum_points`` enabled GCPs, spread over the figure, and a
    warning.

    Returns
    -------
    gcps : GroundControlPoints
    warnings : list of str
    """
    transform = transform_class(kind)
    limit = transform.maximum_points
    count = int(gcps.enabled.sum())
    if limit is None or count <= limit:
        return gcps, []
    return evenly_spread_subset(gcps, limit), [
        f"Warning: {count:,} GCPs are enabled; the {transform.name} transform is fitted to "
        f"{limit:,} of them, spread "
        f"evenly over the figure (fitting it to all would take O(n³) time and n² memory). The "
        f"other {count - limit:,} are reported as disabled check points: their residuals show "
        "how well the transform fits them. Polynomial 1–3 transforms use every GCP."]


def check_gcp_pixels_on_figure(gcps, figure, tolerance=0.5) -> None:
    """Refuse enabled GCPs whose pixel position lies off the figure, naming them.

    Parameters
    ----------
    gcps : GroundControlPoints
    figure : Figure or FigureHeader
        Its ``shape`` (rows, cols) and ``geotransform`` (None for a plain image).
    tolerance : float
        Pixels a GCP may lie beyond the figure's edge.
    """
    rows, cols = figure.shape
    x, y = gcps.pixel[:, 0], gcps.pixel[:, 1]
    with np.errstate(invalid="ignore"):
        off = gcps.enabled & np.isfinite(x) & np.isfinite(y) & (
            (x < -tolerance) | (x > cols + tolerance) | (y < -tolerance) | (y > rows + tolerance))
    if not off.any():
        return
    named = [f"{gcps.labels[i]} at pixel ({number_text(x[i])}, {number_text(y[i])})" for i in np.flatnonzero(off)]
    hint = ("The figure is itself georeferenced: a .points file made on it holds map "
            "coordinates, not pixels; leave GCPS empty to use the figure's own georeferencing."
            if figure.geotransform is not None else
            "Were they picked on another (larger or resized) version of the figure? In a .points "
            "file pixelY is minus the row: a positive pixelY lies above the image.")
    raise GcpError(
        f"{int(off.sum())} GCP{'s lie' if off.sum() > 1 else ' lies'} outside the figure ({cols}×{rows} "
        f"pixels; pixel x 0..{cols}, y 0..{rows} from the top-left corner): "
        f"{list_labels(named)}. {hint}", parameter="GCPS")


def check_gcp_map_coordinates(gcps, source_crs) -> None:
    """Refuse enabled GCPs whose map position cannot exist in the GCP CRS (latitude 95°...)."""
    from pyproj import CRS

    crs = CRS.from_user_input(source_crs)
    mx, my = gcps.map[:, 0], gcps.map[:, 1]
    usable = gcps.enabled & np.isfinite(mx) & np.isfinite(my)
    if crs.is_geographic:
        # Map x is the longitude, y the latitude (QGIS's order, whatever the CRS's axis order).
        with np.errstate(invalid="ignore"):
            bad = usable & ((np.abs(my) > 90 + 1e-9) | (np.abs(mx) > 360 + 1e-9))
        rule = "in a geographic CRS map_x is a longitude (−360..360) and map_y a latitude (−90..90)"
        if bad.any() and np.all(np.abs(gcps.map[bad]) > 1000):
            rule += "; these look like projected coordinates (metres)"
    else:
        bad = np.zeros(len(gcps), bool)
        if usable.any():
            bad[usable] = ~projected_coordinates_plausible(crs, mx[usable], my[usable])
        rule = "they lie outside the projection's domain"
    if not bad.any():
        return
    named = [f"{gcps.labels[i]} at ({number_text(mx[i])}, {number_text(my[i])})" for i in np.flatnonzero(bad)]
    every = bad.sum() == usable.sum()
    raise GcpError(
        f"GCP map coordinates impossible in the GCP CRS {crs_label(source_crs)}: "
        f"{list_labels(named)} — {rule}. "
        + ("Set GCP_CRS to the CRS the map coordinates are in." if every else
           "Correct those points' map coordinates (or disable them)."),
        parameter="GCP_CRS" if every else "GCPS")


def projected_coordinates_plausible(crs, x, y) -> np.ndarray:
    """Whether projected coordinates are the image of some longitude and latitude.

    The inverse projection alone is not enough: Mercator turns x = 1e308 into a finite (if
    absurd) longitude. A coordinate is plausible when it goes to a real longitude/latitude and
    back to itself (within a millimetre, or 1e-9 of its size).

    Returns
    -------
    ndarray of bool
    """
    from pyproj import Transformer

    geodetic = crs.geodetic_crs or "EPSG:4326"
    to_lonlat = Transformer.from_crs(crs, geodetic, always_xy=True)
    from_lonlat = Transformer.from_crs(geodetic, crs, always_xy=True)
    with np.errstate(invalid="ignore", over="ignore"):
        lon, lat = (np.asarray(v, float) for v in to_lonlat.transform(x, y, errcheck=False))
        plausible = np.isfinite(lon) & np.isfinite(lat) & (np.abs(lat) <= 90 + 1e-9) \
            & (np.abs(lon) <= 540)
        back_x, back_y = (np.asarray(v, float) for v in from_lonlat.transform(
            np.where(plausible, lon, 0.0), np.where(plausible, lat, 0.0), errcheck=False))
        tolerance = np.maximum(1e-3, 1e-9 * np.maximum(np.abs(x), np.abs(y)))
        plausible &= (np.abs(back_x - x) <= tolerance) & (np.abs(back_y - y) <= tolerance)
    return plausible


# --------------------------------------------------------------------------------------------
# Suspicious GCPs


def _suspicious_warnings(gcps, residuals, enabled):
    suspicious = np.asarray(residuals.suspicious, dtype=bool)
    if not suspicious.any():
        return []
    reference = residuals.loo_error_map[enabled & ~suspicious]
    reference = reference[np.isfinite(reference)]
    typical = float(np.median(reference)) if reference.size else float("nan")
    reference_px = residuals.loo_error_pixels[enabled & ~suspicious]
    reference_px = reference_px[np.isfinite(reference_px)]
    typical_px = float(np.median(reference_px)) if reference_px.size else float("nan")
    on_edge = _on_hull(np.asarray(gcps.pixel, dtype=float), enabled)
    lines = []
    for index in np.flatnonzero(suspicious):
        if on_edge[index]:
            cause = ("It lies on the outer edge of the GCPs, where the others can only "
                     "extrapolate: likely a typo in its coordinates, unless the transform cannot "
                     "follow the figure there (see any warning about a curved graticule). Check it")
        else:
            cause = "Likely a typo in its coordinates. Check it"
        lines.append(
            f"{gcps.labels[index]} (pixel {gcps.pixel[index, 0]:.6g}, {gcps.pixel[index, 1]:.6g}; "
            f"map {gcps.map[index, 0]:.10g}, {gcps.map[index, 1]:.10g}) is "
            f"{_number(residuals.loo_error_map[index])} map units "
            f"({_number(residuals.loo_error_pixels[index])} px) from where the other GCPs put it, "
            f"far above the others (median {_number(typical)} map units, {_number(typical_px)} px). "
            + (f"{cause}, or disable it (enable = 0)." if enabled[index] else
               "It is disabled, rightly: correct its coordinates before enabling it again.")
        )
    return lines


def _on_hull(pixel, enabled):
    """Whether each GCP is a vertex of the convex hull of the enabled GCPs' pixel positions."""
    flags = np.zeros(len(pixel), dtype=bool)
    indices = np.flatnonzero(enabled)
    hull = _convex_hull(pixel[indices])
    # Fewer than three GCPs, or GCPs on one line: every one is on the edge.
    flags[indices if hull is None else indices[hull.vertices]] = True
    return flags


# --------------------------------------------------------------------------------------------
# Poor fit of a straight-line transform


def _poor_fit_warning(pixel, map_xy, name, residuals, geographic):
    loo = float(residuals.loo_rmse_pixels)
    if not (math.isfinite(loo) and loo > POOR_FIT_LOO_PIXELS):
        return None
    spread = _rms_spread(pixel)
    relative = f" ({100 * loo / spread:.2g} % of the GCPs' pixel spread)" if spread > 0 else ""
    systematic = _misfit_is_systematic(pixel, map_xy)
    measured = (f"The {name} transform misses the GCPs by a leave-one-out RMSE of {loo:.3g} px"
                f"{relative}, above {POOR_FIT_LOO_PIXELS:g} px.")
    if systematic is False:
        return (f"{measured} A second-order polynomial fits them no better, so the errors look "
                f"random: check the GCPs' pixel and map coordinates (see the residual table).")
    if geographic:
        return (f"{measured} The GCPs are in longitude/latitude, so the figure is probably drawn "
                f"in a map projection and its graticule is curved: no {name} transform can follow "
                f"it. Give the GCPs in the figure's projected CRS (then Polynomial 1 is exact), or "
                f"choose Polynomial 2/3 or Thin Plate Spline, with GCPs spread over the whole "
                f"figure (both only interpolate between them).")
    return (f"{measured} The figure is probably drawn in another projection than the GCPs' CRS. "
            f"Give the GCPs in the figure's own CRS, or choose Thin Plate Spline or Polynomial 2/3.")


def _misfit_is_systematic(pixel, map_xy):
    """True/False when enough GCPs tell curved from noisy; None when too few to tell."""
    count = len(pixel)
    if count < SYSTEMATIC_MIN_POINTS:
        return None
    sigma_1 = _polynomial_sigma(map_xy, pixel, 1)
    sigma_2 = _polynomial_sigma(map_xy, pixel, 2)
    if not (math.isfinite(sigma_1) and math.isfinite(sigma_2)) or sigma_1 == 0:
        return None
    return sigma_2 < SYSTEMATIC_RATIO * sigma_1


def _polynomial_sigma(source, target, order):
    """Residual standard deviation (per coordinate, dof-corrected) of a polynomial fit."""
    design = polynomial_design(PointNormaliser.fitted_to(source).apply(source), order)
    dof = len(source) - design.shape[1]
    if dof <= 0:
        return float("nan")
    solution, *_ = np.linalg.lstsq(design, target, rcond=None)
    squares = float(np.sum((design @ solution - target) ** 2))
    return math.sqrt(squares / (2 * dof))


# --------------------------------------------------------------------------------------------
# Poles and the antimeridian


def _refuse_polar_gcps(pixel, lon, lat, source):
    if len(pixel) < 4:
        return
    hemisphere = 1.0 if np.mean(lat) >= 0 else -1.0
    pole_name = "North" if hemisphere > 0 else "South"
    spread = _rms_spread(pixel)
    if spread == 0:
        return
    polar_misfit, pole_pixel = _polar_model(pixel, lon, lat, hemisphere)
    lonlat_misfit = _affine_misfit(np.column_stack([lon, lat]), pixel)
    fits_polar = (polar_misfit <= POLAR_MODEL_TOLERANCE * spread
                  and polar_misfit < POLAR_MODEL_ADVANTAGE * lonlat_misfit)
    if not fits_polar:
        return
    at_pole = np.abs(lat) >= POLE_LATITUDE
    wraps = _circular_span(lon) > 180.0
    inside = _inside_hull(pixel, pole_pixel)
    if not (inside or at_pole.any() or wraps):
        return
    reason = []
    if inside:
        reason.append(f"they surround the {pole_name} Pole, which the figure shows at about pixel "
                      f"({pole_pixel[0]:.0f}, {pole_pixel[1]:.0f})")
    if at_pole.any():
        reason.append(f"{int(at_pole.sum())} of them lie on the pole itself, where the longitude "
                      f"is arbitrary")
    if wraps:
        reason.append(f"their longitudes wind {_circular_span(lon):.0f}° around the pole")
    raise GcpError(
        f"The GCPs of {source} are in longitude/latitude on a figure drawn around a pole: "
        f"{'; '.join(reason)}. Around a pole the longitude wraps through 360° and is undefined "
        f"at the pole itself, so no polynomial or thin plate spline in longitude/latitude can "
        f"fit the figure — the result would be wrong. Give the GCPs in the figure's polar "
        f"projection instead, e.g. {_POLAR_CRS_HINT} (compute their coordinates from lon/lat "
        f"with a CRS converter), and use Polynomial 1.",
        parameter="GCP_CRS",
    )


def _refuse_antimeridian_jump(lon, source):
    plain = float(np.ptp(lon))
    circular = _circular_span(lon)
    if plain > ANTIMERIDIAN_SPAN and circular < ANTIMERIDIAN_SPAN:
        raise GcpError(
            f"The longitudes of the GCPs of {source} run from {lon.min():.6g} to "
            f"{lon.max():.6g} ({plain:.0f}°) but the points cover only {circular:.0f}° of "
            f"longitude across the antimeridian (±180°): a fit would bend the figure around "
            f"the wrong side of the globe. Write the longitudes continuously, e.g. "
            f"{(lon.min() + 360):.6g} instead of {lon.min():.6g} (longitudes above 180° are "
            f"fine), or give the GCPs in a projected CRS.",
            parameter="GCPS",
        )


def _polar_model(pixel, lon, lat, hemisphere):
    """Best misfit (RMS px) of pixel = p0 + M (r cos lon, r sin lon) and the pole pixel p0."""
    colatitude = np.radians(90.0 - hemisphere * lat)
    radii = (colatitude, 2 * np.tan(colatitude / 2), 2 * np.sin(colatitude / 2))
    best = (float("inf"), np.array([np.nan, np.nan]))
    for radius in radii:
        if not np.all(np.isfinite(radius)):
            continue
        polar = np.column_stack([radius * np.cos(np.radians(lon)), radius * np.sin(np.radians(lon))])
        misfit, intercept = _affine_fit(polar, pixel)
        if misfit < best[0]:
            best = (misfit, intercept)
    return best


def _affine_misfit(source, target):
    return _affine_fit(source, target)[0]


def _affine_fit(source, target):
    """RMS distance of an affine least-squares fit target ~ a + B source, and a."""
    normaliser = PointNormaliser.fitted_to(source)
    design = polynomial_design(normaliser.apply(source), 1)
    solution, *_ = np.linalg.lstsq(design, target, rcond=None)
    misfit = float(np.sqrt(np.mean(np.sum((design @ solution - target) ** 2, axis=1))))
    # The intercept in the source's own coordinates: target at source = (0, 0).
    origin = np.concatenate([[1.0], -normaliser.centre / normaliser.scale]) @ solution
    return misfit, origin


def _circular_span(lon):
    """Shortest stretch of the longitude circle (degrees) holding every longitude."""
    wrapped = np.sort(np.mod(lon, 360.0))
    if len(wrapped) < 2:
        return 0.0
    gaps = np.diff(np.concatenate([wrapped, [wrapped[0] + 360.0]]))
    return float(360.0 - gaps.max())


def _inside_hull(points, point):
    if not np.all(np.isfinite(point)):
        return False
    from scipy.spatial import Delaunay, QhullError

    try:
        return bool(Delaunay(points).find_simplex(point[None, :])[0] >= 0)
    except (QhullError, ValueError):
        return False


def _rms_spread(points):
    if len(points) == 0:
        return 0.0
    return PointNormaliser.fitted_to(points).spread


#: Widest span (in the projected CRS's units) of GCP map coordinates that look like degrees:
#: a map figure of whole degrees spans a few units, a real map in metres or feet spans
#: thousands (a site of 360 m drawn by a journal figure right at its CRS's origin is rare).
DEGREE_LIKE_SPAN = 360.0


def _degrees_in_projected_crs_warning(map_xy, crs):
    """A warning when GCP map coordinates in a projected CRS read like longitudes and
    latitudes (all within ±180, ±90 and spanning a few units): the figure would be placed as
    a map of a few metres near the CRS's origin, in silence. Empty string otherwise."""
    if not crs or len(map_xy) == 0 or not np.all(np.isfinite(map_xy)):
        return ""
    try:
        from pyproj import CRS

        parsed = CRS.from_user_input(crs)
    except Exception:  # noqa: BLE001 - an unreadable CRS is reported elsewhere
        return ""
    if not parsed.is_projected:
        return ""
    x, y = map_xy[:, 0], map_xy[:, 1]
    if np.abs(x).max() > 180 or np.abs(y).max() > 90:
        return ""
    span = max(np.ptp(x), np.ptp(y))
    if span > DEGREE_LIKE_SPAN:
        return ""
    unit = parsed.axis_info[0].unit_name if parsed.axis_info else "unit"
    return (f"Warning: the GCP map coordinates (x {_number(x.min())} to {_number(x.max())}, y "
            f"{_number(y.min())} to {_number(y.max())}) look like longitudes and latitudes, but "
            f"the GCP CRS {parsed.name} is projected: the figure is placed as a map "
            f"{_number(span)} {unit} across near that CRS's origin. If they are degrees, set "
            "GCP_CRS to the geographic CRS they are written in (e.g. EPSG:4326).")


def _geographic_units(crs):
    """(is the CRS geographic, factor from its angular unit to degrees)."""
    if not crs:
        return False, 1.0
    try:
        from pyproj import CRS

        parsed = CRS.from_user_input(crs)
    except Exception:  # noqa: BLE001 - an unreadable CRS is reported elsewhere
        return False, 1.0
    if not parsed.is_geographic:
        return False, 1.0
    factor = 1.0
    if parsed.axis_info:
        radians = parsed.axis_info[0].unit_conversion_factor
        if radians:
            factor = math.degrees(radians)
    return True, factor


def _number(value):
    value = float(value)
    return "n/a" if not math.isfinite(value) else f"{value:.4g}"
