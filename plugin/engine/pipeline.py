"""The whole decoding job, stage by stage, without QGIS.

figure pixels -> colour scale -> values + colour distance -> mask -> GCP transform -> grid in the
target CRS; and values -> flat mask -> clusters -> points in the same CRS.

Each stage is a function of its own so scripts and tests can stop anywhere; :func:`decode_map`
runs them all. ``progress(fraction, message) -> bool`` is called between and within stages; when
it returns True the job stops with ``InterruptedError``.
"""
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Optional

import numpy as np

from .cancellation import cancellable_by_progress
from .colour_decoding import (
    NOISE_CAP_DELTA_E,
    NOISE_FLOOR_DELTA_E,
    NOISE_MODES,
    ColourDecoder,
    DecodedField,
    DenoisedRGB,
    ValueMapping,
)
from .colour_scales import colour_scale_from_samples, resolve_colour_scale, sample_colorbar
from .computed_arrays import ComputedArray
from .decode_report import DistanceOverviewWhenAsked, distance_overview, summarise_values
from .detection.answers import answer_from_figure, parameters_to_find
from .detection.colorbar import describe_out_of_range
from .detection.colormap_match import read_bar_colours
from .detection.layout import COLORBAR_EXCLUSION_MARGIN, describe_layout_use, detect_layout, layout_warnings
from .errors import ColourScaleError, EngineError, GcpError, GeoreferencingError
from .figure import read_figure, read_figure_header
from .gcp_diagnostics import (
    check_gcp_map_coordinates,
    check_gcp_pixels_on_figure,
    diagnose_georeferencing,
    extrapolation_warning,
    refuse_unusable_gcps,
    thin_gcps,
)
from .gcp_transform import TransformKind, compute_residuals, fit_gcp_transform, transform_class
from .gcps import gcps_on_georeferenced_figure, read_gcps
from .jpeg_cells import COARSE_JPEG_QUALITY
from .jpeg_cells import cell_values as jpeg_cell_values
from .memory_budget import check_memory, job_size, map_large_allocations, release_freed_memory
from .native_grid import cell_points, find_lattice, luma_weighted_field, native_rasters, north_up_axes, read_cells
from .reduction import (
    ClusterPoints,
    cluster_pixels,
    cluster_points,
    connectivity_for_eps,
    flat_mask,
    reconstruction_check,
)
from .regions import box_mask, extent_to_pixel_box, polygons_mask
from .stage_times import StageTimes
from .validation import (
    check_class_count,
    check_flat_tolerance,
    check_mapping_range,
    check_output_grid,
    check_settings,
    reversed_range,
    reversed_range_message,
)
from .warping import (
    GeotransformPixelTransform,
    OutputGrid,
    crs_label,
    crs_unit_name,
    pixels_to_target,
    plan_output_grid,
    warp_nearest,
)

SPACE_NAMES = {"cielab": "CIELAB", "ycbcr": "JPEG Y′CbCr", "srgb": "sRGB"}


@dataclass
class DecodeSettings:
    """Everything the job needs; names follow the algorithm's parameters.

    Extents (``colorbar_extent``, ``plot_area_extent``) are (xmin, xmax, ymin, ymax) in the
    figure layer's coordinates (see ``regions.py``).
    """

    figure_path: str
    colormap: str = ""
    colorbar_extent: Optional[tuple] = None
    colorbar_flip: bool = False
    vmin: Optional[float] = None
    vmax: Optional[float] = None
    logarithmic: bool = False
    # SCALE "Automatic": logarithmic when the colorbar's labels read from the figure say so.
    scale_automatic: bool = False
    levels: Optional[tuple] = None
    plot_area_extent: Optional[tuple] = None
    # None: from the figure's own colour noise (ColourDecoder.study_figure), logged.
    max_color_distance: Optional[float] = None
    mask_geometries: tuple = ()
    denoise: bool = False
    distance_output: bool = False
    reconstruction_output: bool = False
    # "auto": JPEG's Y'CbCr for JPEG files, CIELAB otherwise (see colour_decoding.py).
    match_space: str = "auto"
    gcps_path: Optional[str] = None
    gcp_crs: Optional[str] = None
    transform: TransformKind = TransformKind.POLYNOMIAL_1
    target_crs: Optional[str] = None
    pixel_size: float = 0.0
    # "auto": a figure drawn cell by cell comes back on its own grid (native_grid.py); "off".
    native_grid: str = "auto"
    dbscan_eps: float = 1.5
    dbscan_min_samples: int = 1
    flat_tolerance: float = 0.0
    # The HTML report (OUTPUT_REPORT) is written after the job: counted in its memory budget.
    report: bool = False
    qgis_resources: Optional[str] = None


@dataclass
class Georeference:
    """How the figure's pixels reach the target CRS."""

    pixel_transform: object
    source_crs: str
    target_crs: str
    description: str
    residuals: object = None
    gcps: object = None
    warnings: list = field(default_factory=list)


@dataclass
class PointLayer:
    """Representative points with their target-CRS coordinates."""

    clusters: ClusterPoints
    x: np.ndarray
    y: np.ndarray
    area_m2: np.ndarray


@dataclass
class DecodeResult:
    """Everything a decode produced, built by keyword at the end of :func:`decode_map`.

    The figure-frame results (``field``: values and class of every figure pixel; its colour
    distance is let go once warped, the report keeping ``distance_overview``) and their
    output-grid counterparts (``values``, ``distance``, ``reconstruction_grid``: float32 on
    ``grid``, NaN where not data; ``class_grid``: int16, -1 where not data; None when not
    asked for), the points, and how they were obtained (``decoder`` with its colour scale and
    value mapping, ``georeference``, ``messages``, ``warnings``, ``times``).
    """

    settings: DecodeSettings
    figure: object
    decoder: ColourDecoder
    scale_name: str
    mapping: ValueMapping
    field: DecodedField
    plot_box: tuple
    georeference: Georeference
    grid: OutputGrid
    values: np.ndarray
    distance: np.ndarray  # None unless ``settings.distance_output``
    points: PointLayer
    reconstruction: object
    messages: list = field(default_factory=list)
    # Problems that did not stop the job (also in ``messages``), e.g. an empty point layer.
    warnings: list = field(default_factory=list)
    # The points interpolated back onto the output grid (``reconstruction_output`` only; on
    # the figure's own pixel grid a reduction.RebuiltField, computed where read).
    reconstruction_grid: np.ndarray = None
    # Discrete scales: each output pixel's class, 0 for the lowest: int16, -1 where not data
    # (float32, NaN where not data, on a native grid of cells).
    class_grid: np.ndarray = None
    # The map frame and colorbar found on the figure (detection.layout.Layout), when looked for.
    layout: object = None
    # ``distance_output``: what the report shows of the figure-frame colour distance
    # (decode_report.DistanceOverview); ``field.distance`` itself is let go once warped.
    distance_overview: object = None
    # Seconds and memory of each stage (see stage_times.py); the glue adds its writing stages.
    times: StageTimes = None
    # What the report reads of the figure-frame values (decode_report.ValuesSummary), once
    # ``summarise_for_report`` has let them go.
    values_summary: object = None

    def let_go_of_figure(self) -> None:
        """Drop the figure and its figure-frame rasters, which only the report reads.

        The figure's sRGB and opaque mask, the decoded values, the class index and the colour
        distance of every figure pixel: 7 to 13 bytes a figure pixel that writing the rasters
        and the point layer does not need (the Processing algorithm writes the report first,
        then calls this). An output raster on the figure's own pixel grid is a view of its
        figure-frame array and keeps that array until it is itself let go.
        """
        self.figure = None
        self.field = None
        self.values_summary = None
        # The report's overview of the colour distance (one made when asked reads the figure).
        self.distance_overview = None
        # Freed blocks of the C heap (a 1 MP figure's rasters lie below its mapping threshold)
        # handed back, not left resident under GDAL's writing.
        release_freed_memory()

    def summarise_for_report(self) -> None:
        """Keep what the report reads of the figure-frame values, and let them go.

        The report's pixel accounting, field pictures and histogram read the decoded value of
        every figure pixel (4 bytes each): summarised (``values_summary``, a
        ``decode_report.ValuesSummary``: the pictures' overview, a quarter of the plot area's
        pixels at 1 MP, and some counts), the values and the class index (2 bytes a figure
        pixel on a discrete scale, which the report does not read) are let go, and the values
        raster can be written before the report is drawn (the Processing algorithm does so when
        the rasters go before the report). An output raster on the figure's own pixel grid is a
        view of its figure-frame array and keeps that array until it is itself let go. The
        report made from the summary is the report made from the values, byte for byte.
        """
        if self.values_summary is None and self.field is not None:
            self.values_summary = summarise_values(self)
            self.field.values = None
            self.field.class_index = None
            release_freed_memory()

    def rasters_before_report(self) -> bool:
        """Whether the colour distance and rebuilt field rasters are written before the report.

        On the figure's own pixel grid they are views of figure-frame arrays (4 bytes a figure
        pixel each), and a warped grid's are about as large: written and let go first, they
        are not held under the report's pictures. A native grid's are a few bytes a cell:
        written first, they would only put GDAL's first write (8 MiB of its library's code
        read in, in a process that has not written a raster yet) under the report's peak.
        """
        rows, cols = self.figure.shape if self.figure is not None else (0, 0)
        return 4 * self.grid.width * self.grid.height >= rows * cols


# -- stage: colour scale ------------------------------------------------------------------
def build_colour_scale(settings, figure, layout=None) -> tuple:
    """The colour scale from the colorbar box or from the colormap name / .cpt file.

    With neither, the colorbar found on the figure (``layout``, see ``detection/``) is sampled.

    Returns
    -------
    scale : ColourScale
    colorbar_box : tuple or None
    """
    scale, colorbar_box = _given_or_found_colour_scale(settings, figure, layout)
    # VMIN above VMAX: the scale's first colour shows the higher value (validation.reversed_range).
    return (scale.reversed() if reversed_range(settings) else scale), colorbar_box


def _given_or_found_colour_scale(settings, figure, layout):
    colorbar_box = None
    if settings.colorbar_extent is not None:
        colorbar_box = extent_to_pixel_box(settings.colorbar_extent, figure.shape,
                                           figure.geotransform, parameter="COLORBAR")
        fractions, samples = sample_colorbar(figure.rgb, colorbar_box, flip=settings.colorbar_flip)
        return colour_scale_from_samples(samples, name="colorbar", positions=fractions), colorbar_box
    if not settings.colormap and layout is not None and layout.colorbar is not None:
        # A known colormap recognised in the bar decodes with its exact table.
        bar = read_bar_colours(figure.rgb, layout, settings,
                               jpeg=figure.image_format == "JPEG")
        layout.recognised = bar.recognised
        return bar.scale, layout.colorbar.pixel_box()
    if not settings.colormap:
        raise ColourScaleError("Give a COLORMAP (a name or a .cpt file) or draw the COLORBAR box: "
                               "no colorbar was found on the figure.")
    return resolve_colour_scale(settings.colormap, settings.qgis_resources), colorbar_box


def build_value_mapping(settings, scale) -> "ValueMapping":
    """Values at the ends of the scale: VMIN/VMAX (swapped when VMIN is above VMAX: the scale
    is then reversed, see :func:`build_colour_scale`), or a .cpt file's own z range."""
    vmin, vmax = settings.vmin, settings.vmax
    if reversed_range(settings):
        vmin, vmax = vmax, vmin
    if scale.value_range is not None:
        vmin = scale.value_range[0] if vmin is None else vmin
        vmax = scale.value_range[1] if vmax is None else vmax
    if (vmin is None or vmax is None) and settings.levels:
        vmin = settings.levels[0] if vmin is None else vmin
        vmax = settings.levels[-1] if vmax is None else vmax
    if vmin is None or vmax is None:
        raise ColourScaleError("Give VMIN and VMAX: the values at the low and high end of the colormap.",
                               parameter="VMIN")
    hinge = None
    if scale.hinge is not None and scale.value_range is not None and not settings.logarithmic:
        # A GMT hard hinge keeps its value (sea level) whatever VMIN and VMAX stretch each side to.
        low, high = scale.value_range
        hinge = ((scale.hinge - low) / (high - low), scale.hinge)
    return ValueMapping(float(vmin), float(vmax), settings.logarithmic,
                        tuple(settings.levels) if settings.levels else None, hinge)


def choose_match_space(settings, figure) -> str:
    """Where colours are matched: as asked, or JPEG's own Y'CbCr for a JPEG file."""
    if settings.match_space != "auto":
        return settings.match_space
    return "ycbcr" if figure.image_format == "JPEG" else "srgb"


# -- stage: what to decode ----------------------------------------------------------------
#: Fewest pixels a PLOT_AREA spans on each side (fewer when the figure itself is that small).
MIN_PLOT_AREA_PIXELS = 3


def plot_area_box(settings, figure) -> tuple:
    """The PLOT_AREA as a pixel box (col0, row0, col1, row1); the whole figure without one.

    ``figure`` is a :class:`~.figure.Figure` or a :class:`~.figure.FigureHeader`.
    """
    rows, cols = figure.shape
    if settings.plot_area_extent is None:
        return (0, 0, cols, rows)
    # A box a few pixels across is a slip of the mouse, not a map panel.
    return extent_to_pixel_box(settings.plot_area_extent, figure.shape, figure.geotransform,
                               parameter="PLOT_AREA", min_pixels=MIN_PLOT_AREA_PIXELS)


def pixels_to_examine(settings, figure, colorbar_box, layout=None) -> tuple:
    """Pixels that may hold data: opaque, in the plot area, not on the colorbar nor masked.

    Without PLOT_AREA, the map frame found on the figure (``layout``) is the plot area; a
    colorbar found there is always left out, with its labels when no frame was found.

    Returns
    -------
    examine : ndarray of bool
    plot_box : tuple (col0, row0, col1, row1)
    """
    plot_box = plot_area_box(settings, figure)
    if settings.plot_area_extent is None and layout is not None and layout.frame is not None:
        plot_box = layout.frame.inner_pixel_box()
    examine = _opaque_in_box(figure, plot_box)
    if colorbar_box is not None:
        examine &= ~box_mask(figure.shape, colorbar_box, COLORBAR_EXCLUSION_MARGIN)
    if layout is not None:
        # The colorbar, and the legend box holding it when it is drawn inside the map.
        for box, margin in layout.excluded_boxes():
            examine &= ~box_mask(figure.shape, box, margin)
        if layout.over_map_text:
            # Text over the map by its own pixels: a label's box would empty cells beside it.
            examine &= ~layout.text_mask(figure.rgb)
    if settings.mask_geometries:
        examine &= ~polygons_mask(settings.mask_geometries, figure.shape, figure.geotransform)
    return examine, plot_box


# -- stage: georeferencing ----------------------------------------------------------------
def build_georeference(settings, figure, found_gcps=None) -> "Georeference":
    """The pixel transform from the GCPs, or the figure's own geotransform.

    ``found_gcps`` are GCPs made from the figure's axis labels (``detection/answers.py``), used
    when no GCPS file is given.
    """
    if settings.gcps_path or found_gcps is not None:
        gcps = found_gcps if found_gcps is not None else gcps_on_georeferenced_figure(
            read_gcps(settings.gcps_path), figure.geotransform)
        source_crs = settings.gcp_crs or gcps.crs
        if not source_crs:
            raise GcpError("The GCP file does not say its CRS: set GCP_CRS.", parameter="GCP_CRS")
        if settings.gcp_crs:
            _check_crs(source_crs, "GCP_CRS")
        else:
            _check_crs(source_crs, "GCPS", "The '#CRS:' line of the GCP file does not hold a "
                                           "CRS; set GCP_CRS, or correct that line.")
        check_gcp_pixels_on_figure(gcps, figure)
        check_gcp_map_coordinates(gcps, source_crs)
        kind = transform_class(settings.transform).kind
        # Before fitting: GCPs around a pole would otherwise fail with a less helpful message.
        refuse_unusable_gcps(gcps, source_crs)
        gcps, thinned = thin_gcps(gcps, kind)
        transform = fit_gcp_transform(gcps, kind)
        residuals = compute_residuals(gcps, kind)
        description = f"{transform_class(kind).name} from {int(gcps.enabled.sum())} GCPs"
        target = settings.target_crs or source_crs
        _check_crs(target, "TARGET_CRS")
        return Georeference(transform, source_crs, target, description, residuals, gcps,
                            thinned + diagnose_georeferencing(gcps, kind, source_crs, residuals))
    if figure.geotransform is None:
        raise GcpError("The figure is not georeferenced: give a GCPS file (QGIS Georeferencer "
                       ".points or CSV pixel_x,pixel_y,map_x,map_y).")
    source_crs = figure.crs_wkt or settings.gcp_crs
    if not source_crs:
        raise GcpError("The figure's georeferencing has no CRS: set GCP_CRS.", parameter="GCP_CRS")
    target = settings.target_crs or source_crs
    _check_crs(target, "TARGET_CRS")
    return Georeference(GeotransformPixelTransform(figure.geotransform), source_crs, target,
                        "the figure's own geotransform")


def _check_crs(crs, parameter, message=None):
    from pyproj import CRS
    from pyproj.exceptions import CRSError

    try:
        CRS.from_user_input(crs)
    except CRSError as error:
        raise EngineError(message or f"{parameter} is not a valid CRS: {error}",
                          parameter=parameter) from error


# -- stage: points ------------------------------------------------------------------------
def auto_flat_tolerance(decoder) -> float:
    """Half the colour scale's value resolution: neighbours of one colour count as flat, the next
    colour of the scale does not."""
    return 0.5 * decoder.value_resolution


def locate_points(clusters, georeference) -> "PointLayer":
    """Target-CRS coordinates and the area (m²) covered by each cluster."""
    from pyproj import CRS, Geod

    ref = georeference
    x, y = pixels_to_target(clusters.pixel_x, clusters.pixel_y, ref.pixel_transform,
                            ref.source_crs, ref.target_crs)
    # Area of one figure pixel at the point, times the pixels the point stands for.
    corners_x = clusters.pixel_x[:, None] + np.array([-0.5, 0.5, 0.5, -0.5])
    corners_y = clusters.pixel_y[:, None] + np.array([-0.5, -0.5, 0.5, 0.5])
    cx, cy = pixels_to_target(corners_x, corners_y, ref.pixel_transform, ref.source_crs,
                              ref.target_crs)
    cx, cy = np.asarray(cx), np.asarray(cy)
    crs = CRS.from_user_input(ref.target_crs)
    if crs.is_geographic:
        geod = crs.get_geod() or Geod(ellps="WGS84")
        pixel_area = np.array([abs(geod.polygon_area_perimeter(px, py)[0]) if np.all(np.isfinite(px))
                               else np.nan for px, py in zip(cx, cy)])
    else:
        # The shoelace on corners taken from the first corner: on raw UTM coordinates its
        # products (~10¹³ m²) cancel to a pixel's area (~10⁴ m²) and keep only 7 digits.
        cx, cy = cx - cx[:, :1], cy - cy[:, :1]
        shoelace = 0.5 * np.abs(np.sum(cx * np.roll(cy, -1, axis=1) - np.roll(cx, -1, axis=1) * cy,
                                       axis=1))
        pixel_area = shoelace * crs.axis_info[0].unit_conversion_factor ** 2
    covered = clusters.n_pixels if clusters.footprint is None else clusters.footprint
    return PointLayer(clusters, np.asarray(x, float), np.asarray(y, float), pixel_area * covered)


# -- the whole job ------------------------------------------------------------------------
def import_libraries() -> None:
    """Import the libraries every decode uses, which this module imports only where needed.

    Called first by the Processing algorithm, so that a run's "engine imports" stage holds
    every import (some 0.15 s on a shared 2-core machine) instead of the first stage that
    happens to need each of them.
    """
    import PIL.Image  # noqa: F401 - imported for its side effect: the module is loaded
    import pyproj  # noqa: F401
    import rasterio  # noqa: F401


def decode_map(settings, progress=None, log=None, times=None) -> "DecodeResult":
    """Run every stage.

    Parameters
    ----------
    settings : DecodeSettings
    progress : callable(fraction, message) -> bool, optional
        Returning True cancels with ``InterruptedError``.
    log : callable(message), optional
    times : StageTimes, optional
        Where the stages' seconds and memory go (the caller's, holding its own stages too);
        a new one when not given. Returned as ``DecodeResult.times``.

    Returns
    -------
    DecodeResult
    """
    # The stages' inner loops ask ``progress`` too (cancellation.check): at the fraction last
    # reported, with no new message.
    with cancellable_by_progress(progress) as reported:
        return _decode_map(settings, progress, log, times, reported)


def _decode_map(settings, progress, log, times, reported):
    """:func:`decode_map` itself, ``reported[0]`` kept at the fraction last reported."""
    messages = []
    times = StageTimes() if times is None else times

    def say(message):
        messages.append(message)
        if log is not None:
            log(message)

    def stage(start, end, message=None):
        def report(fraction):
            reported[0] = start + (end - start) * fraction
            return progress is not None and progress(reported[0], message)
        if report(0):
            raise InterruptedError("Cancelled.")
        return report

    # Large arrays given back to the system as soon as freed (memory_budget).
    map_large_allocations()
    stage(0.0, 0.05, "Reading the figure")
    with times("prepare"):
        header, needs, georeference, detecting = _place_and_budget(settings, say)
    with times("read"):
        figure = read_figure(settings.figure_path)
        # Each stage's freed temporaries handed back to the system as it ends (the C heap
        # keeps freed blocks below 4 MiB resident: Pillow's decoding, the detection's).
        release_freed_memory()
    rows, cols = figure.shape
    say(f"Figure: {cols}×{rows} pixels, {settings.figure_path}")
    warnings = []
    for warning in getattr(figure, "warnings", ()):
        warnings.append(warning)
        say(warning)

    layout, answers = None, None
    if detecting:
        with times("detect layout"):
            # A given PLOT_AREA picks the panel whose frame, axes and colorbar are read.
            layout = detect_layout(figure.rgb, None if settings.plot_area_extent is None else
                                   plot_area_box(settings, figure))
        for line in describe_layout_use(layout, settings, figure.geotransform):
            say(line)
        for warning in layout_warnings(layout, settings):
            warnings.append(warning)
            say(warning)
    if needs:
        stage(0.0, 0.05, "Reading the figure's labels")
        with times("read labels"):
            answers = answer_from_figure(settings, figure, layout, needs)
        settings = answers.settings
        for line in answers.messages:
            say(line)
        for warning in answers.warnings:
            warnings.append(warning)
            say(warning)
    if layout is not None:
        # The figure's luma and ink mask (5 bytes a figure pixel) serve the reading of its
        # labels only: not held through the decoding, reduction and warp.
        layout.lum = layout.dark = None
        release_freed_memory()

    if georeference is None:
        with times("prepare"):
            georeference = build_georeference(settings, figure, answers.gcps)
    say(f"Georeferencing: {georeference.description}; source CRS "
        f"{crs_label(georeference.source_crs)}, target CRS {crs_label(georeference.target_crs)}")
    if georeference.residuals is not None:
        for line in georeference.residuals.as_table_lines(
                georeference.gcps, crs_unit_name(georeference.source_crs)):
            say(line)
    for warning in georeference.warnings:
        warnings.append(warning)
        say(warning)

    with times("colour scale"):
        scale, colorbar_box = build_colour_scale(settings, figure, layout)
    if reversed_range(settings):
        say(reversed_range_message(settings, scale.name))
    if layout is not None and getattr(layout, "recognised", None) is not None:
        found = layout.recognised
        use = ("decoded with its exact table" if found.exact else
               "but the map's pixels lie closer to the bar's own colours, which are decoded")
        say(f"Colormap recognised in the colorbar: {found.name} (mean ΔE {found.mean_delta_e:.2f}, "
            f"max {found.max_delta_e:.2f} from the bar's colours; next best {found.runner_up} at "
            f"{found.runner_up_delta_e:.2f}); {use}. Give COLORMAP or COLORBAR to choose "
            f"otherwise.")
    with times("colour scale"):
        mapping = build_value_mapping(settings, scale)
        check_mapping_range(mapping, settings)
        check_class_count(settings, scale)
        check_flat_tolerance(settings.flat_tolerance, mapping)
        decoder = ColourDecoder(scale, mapping, choose_match_space(settings, figure))
    say(f"Colour scale: {scale.name} ({'discrete' if decoder.is_discrete else 'continuous'}), "
        f"values {mapping.vmin:g} to {mapping.vmax:g}"
        f"{' (logarithmic)' if mapping.logarithmic else ''}; value resolution "
        f"{decoder.value_resolution:.4g}; colours matched in "
        f"{SPACE_NAMES[decoder.match_space]}")

    with times("decode"):
        examine, plot_box = pixels_to_examine(settings, figure, colorbar_box, layout)
    if not examine.any():
        raise EngineError("No pixel is left to decode inside PLOT_AREA: every pixel there is "
                          "transparent, on the COLORBAR or inside a MASK polygon. Draw PLOT_AREA "
                          "over the map panel, or remove the MASK polygons that cover it.",
                          parameter="PLOT_AREA")
    with times("decode"):
        # DENOISE: each block filtered where the decoding reads it (colour_decoding.DenoisedRGB),
        # no filtered copy of the figure (3 bytes a pixel) held.
        rgb = DenoisedRGB(figure.rgb) if settings.denoise else figure.rgb
        decoder.study_figure(rgb, study_region(figure, plot_box))
        # The study's sample and its temporaries (some 7 MiB of freed heap) handed back before
        # the figure-sized outputs are made.
        release_freed_memory()
        # The colour distance computed where read (colour_decoding.DistanceField): 4 bytes a
        # figure pixel not held from here to its output.
        distance = "where read" if settings.distance_output else False
        field_ = decoder.decode_image(rgb, examine, settings.max_color_distance,
                                      feedback=stage(0.05, 0.45, "Decoding colours"),
                                      with_distance=distance, study=False)
    far = _far_from_the_scale(settings, decoder, scale.name)
    settings = _with_threshold(settings, decoder, say)
    if far:
        warnings.append(far)
        say(far)
    with times("decode"):
        # Counted in the plot area: nothing outside it is examined.
        col0, row0, col1, row1 = plot_box
        n_examined = int(np.count_nonzero(examine))
        n_matched = int(np.count_nonzero(np.isfinite(field_.values[row0:row1, col0:col1])))
    say(f"Decoded {n_matched:,} of {n_examined:,} examined pixels "
        f"({100.0 * n_matched / n_examined:.1f} %) within ΔE {settings.max_color_distance:g}")
    if georeference.gcps is not None:
        beyond = extrapolation_warning(georeference.gcps, georeference.pixel_transform.kind,
                                       field_.values, plot_box)
        if beyond:
            warnings.append(beyond)
            say(beyond)
    if layout is not None and layout.colorbar is not None and settings.colorbar_extent is None:
        for line in describe_out_of_range(figure.rgb, examine & ~np.isfinite(field_.values),
                                          layout.colorbar, settings.colorbar_flip):
            say(line)
    if n_matched == 0:
        nearest = float(np.nanmin(decoder.decode_image(rgb, examine).distance))
        if nearest <= settings.max_color_distance:
            # Colours did match: the values are what failed, not the colour distance.
            raise ColourScaleError(
                f"Pixels match the colour scale (the closest lies {nearest:.3g} ΔE away, within "
                f"MAX_COLOR_DISTANCE = {settings.max_color_distance:g}), yet none got a finite "
                f"value from VMIN = {mapping.vmin:g}, VMAX = {mapping.vmax:g}"
                f"{', LEVELS' if mapping.levels else ''}"
                f"{' on a logarithmic scale' if mapping.logarithmic else ''}. Check those "
                "numbers.", parameter="VMIN")
        raise ColourScaleError(
            f"No pixel matched the colour scale within MAX_COLOR_DISTANCE = "
            f"{settings.max_color_distance:g} ΔE; the closest pixel lies {nearest:.3g} away. Check "
            "the colormap (or its reversed '_r' form), or raise MAX_COLOR_DISTANCE.",
            parameter="COLORMAP")
    # 1 byte a figure pixel not held through the later stages.
    del examine, rgb
    release_freed_memory()

    # The points come first: the field rebuilt from them is warped with the other grids.
    with times("native grid"):
        lattice = _native_lattice(settings, figure, field_, plot_box, georeference, say)
    with times("reduce"):
        if lattice is None:
            clusters, check = _reduce(settings, decoder, field_, plot_box, say, warnings,
                                      stage(0.45, 0.65, "Reducing to representative points"))
        else:
            cells, clusters, check = _reduce_to_cells(settings, decoder, figure, field_,
                                                      lattice, plot_box, say, layout)
    release_freed_memory()
    report = stage(0.65, 0.95, "Placing the figure in the target CRS")
    # The figure-frame grids placed on the output grid, by name: an output is one entry here.
    figure_frame = {"values": field_.values}
    if settings.distance_output:
        figure_frame["distance"] = field_.distance
    if settings.reconstruction_output and check is not None:
        figure_frame["reconstruction"] = check.grid
    if field_.class_index is not None and lattice is None:
        # Warped as it is (int16, -1 where not data): no float32 copy of the figure.
        figure_frame["classes"] = field_.class_index
    elif field_.class_index is not None:
        classes = field_.class_index.astype(np.float32)
        classes[field_.class_index < 0] = np.nan
        figure_frame["classes"] = classes
    distance_summary = None
    with times("warp"):
        if lattice is None:
            grid = plan_output_grid(georeference.pixel_transform, georeference.source_crs,
                                    georeference.target_crs, plot_box, settings.pixel_size)
            say(f"Output grid: {grid.describe()}")
            warped = {}
            names = sorted(figure_frame, key=("reconstruction", "distance").count, reverse=True)
            for index, name in enumerate(names):
                # One grid at a time, the rebuilt field and the distance first: their
                # figure-frame rasters (4 bytes a figure pixel each, needed for nothing else
                # but the report's picture) are let go before the others are warped.
                warped.update(warp_nearest(
                    {name: figure_frame.pop(name)}, plot_box, grid, georeference.pixel_transform,
                    georeference.source_crs, georeference.target_crs,
                    feedback=lambda fraction, done=index: report((done + fraction) / len(names))))
                distance_summary = _let_go(name, field_, check, plot_box) or distance_summary
        else:
            grid, warped, how = native_rasters(figure_frame, lattice, plot_box, georeference,
                                               settings.pixel_size, report, first=cells.value)
            say(f"Output grid: {lattice.columns}×{lattice.rows} cells, {how}")
            for name in list(figure_frame):
                distance_summary = _let_go(name, field_, check, plot_box) or distance_summary
        del figure_frame
    release_freed_memory()
    if not np.isfinite(warped["values"]).any():
        raise GeoreferencingError("No decoded pixel falls on the output grid; check the GCPs and "
                                  "the target CRS.")

    with times("locate points"):
        points = locate_points(clusters, georeference)
    release_freed_memory()
    stage(0.95, 1.0, "Writing")
    return DecodeResult(settings=settings, figure=figure, decoder=decoder, scale_name=scale.name,
                        mapping=mapping, field=field_, plot_box=plot_box,
                        georeference=georeference, grid=grid, values=warped["values"],
                        distance=warped.get("distance"), points=points, reconstruction=check,
                        messages=messages, warnings=warnings,
                        reconstruction_grid=warped.get("reconstruction"),
                        class_grid=warped.get("classes"), layout=layout, times=times,
                        distance_overview=distance_summary)


def _place_and_budget(settings, say):
    """Check the settings, place the job and refuse it if it cannot fit in memory.

    Done before any pixel is read, from the figure's header: a job that cannot fit is refused
    in a second instead of being killed after minutes.

    Returns
    -------
    header : FigureHeader
    needs : what the figure's own face is to answer (``detection.answers.parameters_to_find``)
    georeference : Georeference or None
        None when the GCPs are to be read off the figure's axes.
    detecting : bool
        Whether the figure's layout (frame, colorbar) is looked for.
    """
    check_settings(settings)
    # The plot area and output grid are the largest they can be: a frame detected on the
    # figure or a native grid of cells only make them smaller.
    header = read_figure_header(settings.figure_path)
    # Parameters left empty that the figure's own face answers (detection/): frame, colorbar,
    # value range and scale from its labels, GCPs from its axes.
    needs = parameters_to_find(settings, header)
    largest_box = plot_area_box(settings, header)
    if needs.gcps:
        # GCPs from the axes' labels come once the pixels are read; until then the job is
        # budgeted on the figure's own pixel grid, which such GCPs give about.
        georeference = None
        largest_grid = SimpleNamespace(width=largest_box[2] - largest_box[0],
                                       height=largest_box[3] - largest_box[1])
    else:
        georeference = build_georeference(settings, header)
        largest_grid = plan_output_grid(georeference.pixel_transform, georeference.source_crs,
                                        georeference.target_crs, largest_box, settings.pixel_size)
    check_output_grid(largest_grid, settings.pixel_size)
    grid_dbscan = not (settings.dbscan_min_samples <= 2
                       and connectivity_for_eps(settings.dbscan_eps) is not None)
    # The figure's face is read when a box, the range or GCPs are left to it.
    detecting = settings.plot_area_extent is None or bool(needs) or (
        settings.colorbar_extent is None and not settings.colormap)
    gcp_count = len(georeference.gcps) if georeference is not None and \
        georeference.gcps is not None else 0
    check_memory(job_size(settings, header, largest_box, largest_grid, grid_dbscan, detecting,
                          gcp_count),
                 header.shape, (largest_grid.width, largest_grid.height), log=say)
    return header, needs, georeference, detecting


def _let_go(name, field_, check, plot_box):
    """Drop a figure-frame raster the job keeps only to warp it, once warped.

    The rebuilt field's grid (``check.grid``) and the colour distance (``field_.distance``,
    of which the report's picture keeps every step-th pixel: returned as its
    ``DistanceOverview``) are 4 bytes a figure pixel each.
    """
    if name == "reconstruction" and check is not None:
        check.grid = None
    if name == "distance" and field_.distance is not None:
        # A distance computed where read keeps 1 bit a figure pixel: the overview is made from
        # it when the report asks (nothing else reads it).
        overview = (DistanceOverviewWhenAsked(field_.distance, plot_box)
                    if isinstance(field_.distance, ComputedArray)
                    else distance_overview(field_.distance, plot_box))
        field_.distance = None
        return overview
    return None


def _native_lattice(settings, figure, field_, plot_box, georeference, say):
    """The figure's lattice of cells (NATIVE_GRID Automatic), or None, with its log line."""
    if settings.native_grid != "auto":
        return None
    # The cells whose centre lies in the plot area (drawn, or the frame found on the figure);
    # without either, in the box around the decoded pixels.
    rows, cols = figure.shape
    extent = None if tuple(plot_box) == (0, 0, cols, rows) else plot_box
    # A north-up affine georeference lets round map coordinates pin the lattice down.
    search = find_lattice(figure.rgb, np.isfinite(field_.values), plot_box, extent_box=extent,
                          map_axes=north_up_axes(georeference.pixel_transform, cols, rows),
                          noisy=True if figure.image_format == "JPEG" else None,
                          # A JPEG read as such has its blocks from the top-left corner.
                          block_origin=(0, 0) if figure.jpeg_coding is not None else None)
    if search.lattice is None:
        coding = figure.jpeg_coding
        coarse = ""
        if coding is not None and coding.quality() < COARSE_JPEG_QUALITY:
            coarse = (f" (the JPEG is coded coarsely, about quality {coding.quality():.0f} on "
                      "the IJG scale: its noise can hide the edges of cells; if the figure "
                      "was drawn cell by cell, a PNG of it or a less compressed JPEG may come "
                      "back on its own grid)")
        say(f"Native grid: {search.message}; reducing to plateaus instead{coarse}.")
    else:
        coding = figure.jpeg_coding
        coarse = ""
        if coding is not None and coding.quality() < COARSE_JPEG_QUALITY:
            # Measured on the SST Pacific (viridis, cells of 9.6 px): quality 30 puts 66 % of
            # the cells within one step of the scale and 91 % within two; 40: 75 and 96 %.
            coarse = (f" (the JPEG is coded coarsely, about quality {coding.quality():.0f} on "
                      "the IJG scale: cells' values may be a step or two of the colour scale "
                      "off; a PNG of the figure or a less compressed JPEG reads them closer)")
        say(f"Native grid: {search.message}{coarse}")
    return search.lattice


def _reduce_to_cells(settings, decoder, figure, field_, lattice, plot_box, say, layout=None):
    """Cells, one point per cell and the reconstruction check, with their log lines; a cell
    under text found over the map (``layout``) read from its pixels beside the text."""
    # A noisy figure's values on a continuous scale: decoded again, luma above chroma, and
    # read by their interquartile mean (less JPEG noise than the median); a clean figure's
    # cells are one exact colour, the median keeps it.
    noisy = not (decoder.is_discrete or lattice.clean)
    cell_field = (luma_weighted_field(figure.rgb, field_.values, decoder, plot_box) if noisy
                  else field_.values)
    text = layout.text_mask(figure.rgb) if layout is not None and layout.over_map_text else None
    cells = read_cells(cell_field, lattice, plot_box, interquartile_mean=noisy, text=text)
    del cell_field, text
    if noisy and figure.jpeg_coding is not None:
        # A JPEG's cells: each colour estimated through the file's own blocks (jpeg_cells.py).
        estimate, freed = jpeg_cell_values(figure.rgb, field_.values, lattice, plot_box,
                                           figure.jpeg_coding, decoder)
        cells.value = np.where(np.isfinite(cells.value), estimate, np.nan)
        say(f"Native grid: cell colours estimated through the JPEG's 8 × 8 blocks "
            f"({figure.jpeg_coding.describe()}); {freed:,} coded pixels not of their cell's "
            "colour left out")
    clusters = cell_points(cells, lattice)
    say(f"Reduction: {len(clusters):,} cells with a value, one point each at the cell's centre "
        f"({int(clusters.partial.sum()):,} cut by the frame, marked partial; "
        f"{int((cells.n_interior > 0).sum()) - len(clusters):,} cells mostly masked left empty)")
    check = reconstruction_check(field_.values, clusters, decoder.value_resolution,
                                 full_grid=settings.reconstruction_output)
    if check is not None:
        say(f"Reconstruction from the points: RMSE {check.rmse:.4g}, "
            f"{100 * check.within_resolution:.1f} % of {check.pixels_compared:,} pixels within the "
            f"value resolution")
    return cells, clusters, check


def study_region(figure, plot_box) -> np.ndarray:
    """Where the decoder studies a figure's noise and non-data colours: the whole plot area
    (MASK polygons and the colorbar aside or not, the study is the same)."""
    return _opaque_in_box(figure, plot_box)


def _opaque_in_box(figure, box):
    """The figure's opaque pixels inside a pixel box, as a new mask."""
    inside = box_mask(figure.shape, box)
    opaque = figure.opaque
    # A figure with nothing transparent has one True seen at every pixel (figure.py): ANDing
    # with it would only cost a pass over the mask.
    if not (opaque.strides == (0,) * opaque.ndim and opaque.flat[0]):
        inside &= opaque
    return inside


def _far_from_the_scale(settings, decoder, scale_name):
    """A warning when the figure's usual colour lies far from the colour scale, else "".

    The threshold follows the figure's noise (``NOISE_MODES`` times the most common distance of
    its pixels to the scale) up to ``NOISE_CAP_DELTA_E``; a figure whose most common distance
    reaches that cap does not look drawn with this scale (a grey picture decoded as viridis
    came back 96 % "decoded"), or most of its plot area is something else: either way the
    values are doubtful, and the user is told what to check.
    """
    mode = decoder.figure_study.noise_mode
    if settings.max_color_distance is not None or not np.isfinite(mode) or \
            NOISE_MODES * mode < NOISE_CAP_DELTA_E:
        return ""
    return (f"Warning: the figure's pixels lie far from the colour scale '{scale_name}' (their "
            f"most common colour distance to it is ΔE {mode:.3g}; a figure drawn with it shows "
            f"a few): the threshold rose to its cap, ΔE {NOISE_CAP_DELTA_E:g}, and the values are "
            "doubtful. If the figure was drawn with another colormap, give it as COLORMAP (or "
            "draw COLORBAR over the figure's own colorbar); if the plot area holds mostly "
            "something else, draw PLOT_AREA tighter or set MAX_COLOR_DISTANCE.")


def _with_threshold(settings, decoder, say):
    """The settings with the colour distance threshold the decoding used, which is logged."""
    from dataclasses import replace

    study = decoder.figure_study
    threshold = settings.max_color_distance
    if threshold is None:
        threshold = study.threshold
        say(f"Colour distance threshold: ΔE {threshold:.3g}, from the figure's own noise (mode "
            f"of {study.pixels:,} sampled pixels' ΔE to the scale {study.noise_mode:.2g}, times "
            f"{NOISE_MODES:g}, at least {NOISE_FLOOR_DELTA_E:g}); MAX_COLOR_DISTANCE sets it")
    else:
        say(f"Colour distance threshold: ΔE {threshold:g} (MAX_COLOR_DISTANCE); the figure's "
            f"noise alone would give {study.threshold:.3g}")
    if len(study.non_data_colours):
        listed = ", ".join("#" + "".join(f"{int(round(255 * v)):02x}" for v in colour)
                           for colour in study.non_data_colours)
        say(f"Non-data colours (background, NaN colour, lines) found in the figure: {listed}"
            + ("; pixels mixed with them keep their class" if decoder.is_discrete else ""))
    if decoder.uses_exact_colours:
        say(f"Exact colours read through the renderer's 8-bit rounding: {decoder.quantiser}")
    return replace(settings, max_color_distance=float(threshold))


def _reduce(settings, decoder, field_, plot_box, say, warnings, report):
    """Flat mask, clusters, points and the reconstruction check, with their log lines.

    The flat mask and the clusters are made on the plot area with a pixel around it (nothing
    is decoded outside it, and a pixel next to nodata is not flat), not the whole figure.

    Returns
    -------
    clusters : ClusterPoints
    check : ReconstructionCheck or None
    """
    rows, cols = field_.values.shape
    col0, row0, col1, row1 = plot_box
    row0, col0 = max(row0 - 1, 0), max(col0 - 1, 0)
    values = field_.values[row0:min(row1 + 1, rows), col0:min(col1 + 1, cols)]
    tolerance = settings.flat_tolerance or auto_flat_tolerance(decoder)
    if decoder.mapping.logarithmic and not settings.flat_tolerance \
            and decoder.resolution_fraction is not None:
        # One colour step spans a constant ratio, not a constant difference: compare log10
        # values, with half a step in decades.
        decades = np.log10(decoder.mapping.vmax / decoder.mapping.vmin)
        tolerance = 0.5 * decoder.resolution_fraction * decades
        with np.errstate(invalid="ignore", divide="ignore"):
            flat = flat_mask(np.log10(values), tolerance)
        tolerance_text = f"{tolerance:.4g} decades"
    else:
        flat = flat_mask(values, tolerance)
        tolerance_text = f"{tolerance:.4g}"
    report(0.2)
    labels, count = cluster_pixels(flat, settings.dbscan_eps, settings.dbscan_min_samples)
    report(0.6)
    clusters = cluster_points(values, labels, count, offset=(col0, row0))
    # The flat mask and labels (5 bytes a pixel) are not kept for the reconstruction check.
    flat_pixels = int(flat.sum())
    del flat, labels, values
    say(f"Reduction: {flat_pixels:,} flat pixels (tolerance {tolerance_text}) in "
        f"{len(clusters):,} clusters (DBSCAN eps {settings.dbscan_eps:g} px, min_samples "
        f"{settings.dbscan_min_samples})")
    if len(clusters) == 0:
        # The raster is still right: write it, with an empty point layer, and say why.
        if not flat_pixels:
            why = (f"no pixel is flat within FLAT_TOLERANCE = {tolerance_text}; "
                   "raise FLAT_TOLERANCE to get points")
        else:
            why = (f"DBSCAN (DBSCAN_EPS = {settings.dbscan_eps:g} px, DBSCAN_MIN_SAMPLES = "
                   f"{settings.dbscan_min_samples}) found no cluster among the "
                   f"{flat_pixels:,} flat pixels; lower DBSCAN_MIN_SAMPLES (1 keeps every "
                   "plateau) or raise DBSCAN_EPS to get points")
        warnings.append(f"Warning: the point layer is empty: {why}. The raster is complete.")
        say(warnings[-1])
    report(0.8)
    check = reconstruction_check(field_.values, clusters, decoder.value_resolution,
                                 full_grid=settings.reconstruction_output)
    if check is not None:
        # Not the raster's accuracy: how much of the field the points alone keep.
        say(f"Points as a summary of the field: interpolated between the points, the field comes "
            f"back within the value resolution at {100 * check.within_resolution:.1f} % of "
            f"{check.pixels_compared:,} decoded pixels (RMS difference {check.rmse:.3g} value "
            f"units). This measures the point layer only; the raster keeps every decoded pixel.")
    return clusters, check
