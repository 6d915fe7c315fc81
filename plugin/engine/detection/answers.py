"""Parameters a user left empty, answered from the figure's own face.

What the user gives always wins: only the parameters left empty are looked for, and only when
the figure can answer them. ``VMIN``/``VMAX`` and the scale come from the colorbar's tick labels,
``GCPS`` from the frame's axis labels. A reading that does not hold up (too few labels agree, a
tick fit with residuals over :data:`.figure_reading.MAX_GEOREFERENCING_RESIDUAL_PX`) is refused
with a message naming the parameter to give by hand, never used silently.
"""
import copy
import dataclasses
import re
from dataclasses import dataclass, field
from typing import Optional

import numpy as np

from ..errors import ColourScaleError, EngineError, GcpError
from ..gcps import GroundControlPoints
from ..text_format import number_text
from .figure_reading import MAX_GEOREFERENCING_RESIDUAL_PX, describe_axis, read_figure_face
from .ocr import INSTALL_HINT, ocr_available
from .ticks import fit_ticks, value_step_problem

#: The CRS assumed for axis labels in degrees when GCP_CRS is empty.
DEGREES_CRS = "EPSG:4326"

#: Share of a joined colorbar piece's length that must lie along the map decoded (its extent
#: in the bar's direction) for the piece to be taken as that map's bar: a panel's own bar lies
#: wholly along it, the other panel's bar beside it not at all.
MIN_PIECE_ALONG_MAP = 0.5


@dataclass
class Needs:
    """Which parameters the figure is asked to answer."""

    value_range: bool = False
    scale: bool = False
    gcps: bool = False

    def __bool__(self):
        return self.value_range or self.scale or self.gcps


@dataclass
class Answers:
    """What was read, and the settings with the answers filled in."""

    settings: object
    reading: object = None
    gcps: Optional[GroundControlPoints] = None
    messages: list = field(default_factory=list)
    figure_rgb: object = None
    #: What may make the answers wrong though they were accepted (also logged as warnings).
    warnings: list = field(default_factory=list)


def bar_levels(rgb, layout, bar) -> tuple | None:
    """LEVELS of a discrete colorbar (its blocks' boundaries as values), or None."""
    from ..colour_scales import sample_colorbar
    from .levels import discrete_blocks, levels_from_blocks

    try:
        fractions, colours = sample_colorbar(rgb, layout.colorbar.pixel_box(), flip=bar.flip)
    except EngineError:
        return None
    blocks = discrete_blocks(fractions, colours)
    if blocks is None:
        return None
    return levels_from_blocks(blocks, bar.vmin, bar.vmax, bar.logarithmic,
                              [label.text for label in bar.axis.kept])


def colormap_carries_values(colormap) -> bool:
    """A .cpt file (cpt-city included) has its own value range."""
    import os

    text = (colormap or "").strip().lower()
    return text.endswith(".cpt") or text.startswith(("cpt:", "cpt-city:")) or (
        bool(text) and os.path.isfile(colormap) and text.endswith(".cpt"))


def parameters_to_find(settings, figure) -> "Needs":
    """Needs of a run: the parameters left empty that the figure's labels can answer."""
    range_missing = (settings.vmin is None or settings.vmax is None) and not settings.levels \
        and not colormap_carries_values(settings.colormap)
    return Needs(value_range=range_missing,
                 scale=bool(getattr(settings, "scale_automatic", False)) and range_missing,
                 gcps=not settings.gcps_path and figure.geotransform is None)


def answer_from_figure(settings, figure, layout, needs) -> "Answers":
    """Read the figure for what ``needs`` asks and fill the settings in.

    Parameters
    ----------
    settings : pipeline.DecodeSettings
    figure : figure.Figure
    layout : layout.Layout
    needs : Needs

    Returns
    -------
    Answers

    Raises
    ------
    EngineError
        Naming the parameter to give by hand when the figure cannot answer it (no colorbar, no
        frame, labels unreadable, a fit that explains too few labels, OCR missing).
    """
    if not ocr_available():
        missing = _missing_names(needs)
        raise EngineError(f"{missing} not given, and the figure's tick labels cannot be read: "
                          f"{INSTALL_HINT} Or give {missing} by hand.",
                          parameter=missing.split(" ")[0].split(",")[0])
    answers = Answers(settings)
    answers.figure_rgb = figure.rgb
    reading = read_figure_face(figure.rgb, layout, want_axes=needs.gcps,
                               want_colorbar=needs.value_range or needs.scale)
    if needs.value_range and settings.colorbar_extent is None:
        reading = _piece_beside_map_if_refused(answers, settings, figure, layout, needs,
                                               reading)
    answers.reading = reading
    layout.reading = reading  # for the report's picture of what was read
    # Text read over the map is no data.
    layout.over_map_text = list(reading.over_map_boxes)
    layout.bar_labels_read = reading.bar_labels_over_map
    layout.over_map_solid = list(reading.over_map_solid_boxes)
    layout.over_map_ink = reading.over_map_ink
    answers.messages += reading.messages
    answers.warnings += reading.warnings
    if needs.value_range or needs.scale:
        _answer_value_range(answers, layout, needs)
    if needs.gcps:
        _answer_gcps(answers, layout)
    return answers


def _piece_beside_map_if_refused(answers, settings, figure, layout, needs, reading):
    """The reading of the colorbar's piece beside the map decoded when the bar found was joined
    across a stretch of the page's colour (``layout.colorbar.page_bridged``) and its labels
    could not be read: two panels' bars in line with the same range (-700..700 twice) repeat
    their values.

    The piece is the one lying along the map: the user's PLOT_AREA, else the frame found
    (``layout.frame``, the panel chosen). Only one piece may lie along it over more than
    :data:`MIN_PIECE_ALONG_MAP` of its length, and its labels must read: ``layout.colorbar``
    is then that piece, warned with its COLORBAR. Otherwise (no map found, none or several
    pieces along it: one bar under a wide map, say) ``reading`` and its refusal are kept.
    """
    bar = layout.colorbar
    bridged = getattr(bar, "page_bridged", ()) if bar is not None else ()
    if not bridged or (reading.colorbar is not None and reading.colorbar.vmin is not None):
        return reading
    map_box = _map_box(settings, figure, layout)
    if map_box is None:
        return reading
    left, top, right, bottom = bar.box
    start, end = (top, bottom) if bar.vertical else (left, right)
    map_start, map_end = (map_box[1], map_box[3]) if bar.vertical else (map_box[0], map_box[2])
    # Pieces between the bridges (each bridge: the last strip pixel before it and the first
    # after).
    cuts = [start] + [edge for before, after in sorted(bridged) for edge in (before + 1, after)]
    cuts.append(end)
    pieces = list(zip(cuts[::2], cuts[1::2]))
    along_map = [index for index, (low, high) in enumerate(pieces)
                 if min(high, map_end) - max(low, map_start) > MIN_PIECE_ALONG_MAP * (high - low)]
    if len(along_map) != 1:
        return reading
    index = along_map[0]
    low, high = pieces[index]
    box = (left, low, right, high) if bar.vertical else (low, top, high, bottom)
    # The joined bar's end marks (extension triangles, faded ends) belong to the end pieces.
    first, last = index == 0, index == len(pieces) - 1
    piece = dataclasses.replace(
        bar, box=box, page_bridged=(),
        extensions=(bar.extensions[0] if first else None, bar.extensions[1] if last else None),
        faded_ends=(bar.faded_ends[0] and first, bar.faded_ends[1] and last))
    layout.colorbar = piece
    piece_reading = read_figure_face(figure.rgb, layout, want_axes=needs.gcps,
                                     want_colorbar=needs.value_range or needs.scale)
    if piece_reading.colorbar is None or piece_reading.colorbar.vmin is None:
        layout.colorbar = bar
        return reading
    from .layout import extent_text, pixel_box_to_extent

    axis = "y" if bar.vertical else "x"
    problem = "none found" if reading.colorbar is None else reading.colorbar.axis.problem
    given = "PLOT_AREA" if settings.plot_area_extent is not None else "the map frame found"
    colorbar = extent_text(pixel_box_to_extent(piece.pixel_box(), figure.geotransform))
    answers.warnings.append(
        f"The colorbar found across a page-coloured stretch ({axis} {start:.0f}–{end:.0f}) had "
        f"labels that could not be read ({problem}): its piece along {given} ({axis} "
        f"{low:.0f}–{high:.0f}; as a parameter COLORBAR={colorbar}) is read and sampled "
        "instead, as one of two colorbars in line. If it is one bar, give COLORBAR, VMIN and "
        "VMAX.")
    return piece_reading


def _map_box(settings, figure, layout):
    """(col0, row0, col1, row1) of the map decoded: the user's PLOT_AREA, else the frame
    found; None when neither."""
    if settings.plot_area_extent is not None:
        from ..pipeline import plot_area_box

        return plot_area_box(settings, figure)
    return None if layout.frame is None else layout.frame.box


def _missing_names(needs):
    names = []
    if needs.value_range:
        names.append("VMIN and VMAX")
    if needs.gcps:
        names.append("GCPS")
    return ", ".join(names) or "SCALE"


def _range_not_given(settings):
    """(what of the value range was not given, as a sentence's start; the parameter to name):
    a range half given is said so, and the missing end named."""
    if settings.vmin is not None and settings.vmax is None:
        return f"VMAX not given (VMIN = {number_text(settings.vmin)} is)", "VMAX"
    if settings.vmax is not None and settings.vmin is None:
        return f"VMIN not given (VMAX = {number_text(settings.vmax)} is)", "VMIN"
    return "VMIN and VMAX not given", "VMIN"


def _answer_value_range(answers, layout, needs):
    settings = answers.settings
    bar = answers.reading.colorbar
    missing, parameter = _range_not_given(settings)
    if layout.colorbar is None or bar is None:
        raise ColourScaleError(
            f"{missing}, and no colorbar was found on the figure to read them from. "
            "Give VMIN and VMAX (the values at the colormap's ends), or draw the COLORBAR box.",
            parameter=parameter)
    if getattr(layout, "class_legend", None) is not None:
        _answer_classes(answers, layout, needs)
        return
    answers.messages.append(describe_axis(bar.axis, "Colorbar labels"))
    if bar.vmin is None:
        raise ColourScaleError(
            f"{missing}, and the colorbar's labels could not be read: "
            f"{bar.axis.problem}. Give VMIN and VMAX (the values at the colorbar's ends).",
            parameter=parameter)
    changes = {}
    if needs.value_range:
        changes["vmin"] = bar.vmin if settings.vmin is None else settings.vmin
        changes["vmax"] = bar.vmax if settings.vmax is None else settings.vmax
        if settings.colorbar_extent is None and not settings.colormap:
            # The sampled bar runs from its low end: the labels say which end that is.
            changes["colorbar_flip"] = bar.flip
    if needs.scale:
        changes["logarithmic"] = bar.logarithmic
    if needs.value_range and not settings.levels and not settings.colormap \
            and settings.colorbar_extent is None:
        levels = bar_levels(answers.figure_rgb, layout, bar)
        if levels is not None:
            changes["levels"] = levels
            answers.messages.append(
                f"The colorbar is discrete: {len(levels) - 1} colour blocks; their boundaries "
                f"from the tick fit, as a parameter LEVELS={','.join(f'{v:g}' for v in levels)}.")
    answers.settings = dataclasses.replace(settings, **changes)
    warning = _odd_values_warning(bar.axis, "colorbar", "VMIN and VMAX")
    if warning:
        answers.warnings.append(warning)
    warning = _extrapolated_ends_warning(bar.axis, layout.colorbar)
    if warning:
        answers.warnings.append(warning)
    # The bar's own tick fit places its colour samples (pipeline.build_colour_scale).
    layout.bar_fit = bar.axis.fit
    direction = ("top" if layout.colorbar.vertical else "right") if bar.flip else \
        ("bottom" if layout.colorbar.vertical else "left")
    answers.messages.append(
        f"Value range read from the colorbar: {bar.vmin:.6g} to {bar.vmax:.6g} "
        f"({'logarithmic' if bar.logarithmic else 'linear'}, low end at the {direction}); as "
        f"parameters VMIN={bar.vmin:.6g} VMAX={bar.vmax:.6g}"
        f"{' SCALE=1' if bar.logarithmic else ''}.")


def _answer_classes(answers, layout, needs):
    """VMIN, VMAX and LEVELS from a legend of class patches (``layout.class_legend``): its
    labels' class boundaries, the patches' colours the classes' (colormap_match)."""
    from .class_legend import uneven_classes

    settings = answers.settings
    bar = answers.reading.colorbar
    legend = layout.class_legend
    count = len(legend.patches)
    if bar.levels is None and bar.unlabelled_patches and legend.columns == 1:
        # Flat boxes of one size stacked evenly with no label beside them (a seaborn
        # figure's cells): no legend. Refused as a figure without a colorbar.
        missing, parameter = _range_not_given(settings)
        raise ColourScaleError(
            f"{missing}, and no colorbar was found on the figure to read them from "
            f"({count} flat patches stacked like a legend's were found, but "
            f"{bar.unlabelled_patches} have no label beside them: no legend). Give VMIN and "
            "VMAX (the values at the colormap's ends), or draw the COLORBAR box.",
            parameter=parameter)
    if bar.levels is None and legend.columns > 1:
        raise ColourScaleError(
            f"VMIN, VMAX and LEVELS not given, and the legend found on the figure, laid out "
            f"in {legend.columns} columns ({legend.patches_in_all} patches in all), could not "
            f"be read: {bar.axis.problem}. Give LEVELS (the boundaries of all "
            f"{legend.patches_in_all} classes, lowest first) with COLORMAP, VMIN and VMAX, or "
            "export the figure again with the legend in one column.", parameter="LEVELS")
    if bar.levels is None:
        raise ColourScaleError(
            f"VMIN, VMAX and LEVELS not given, and the legend of {count} class patches found "
            f"on the figure could not be read: {bar.axis.problem}. Give LEVELS (the class "
            "boundaries, lowest first) and draw the COLORBAR box over the patches, or give "
            "COLORMAP, VMIN and VMAX.", parameter="LEVELS")
    changes = {}
    if needs.value_range:
        # (LEVELS given by hand leave no range to find: parameters_to_find.)
        changes["vmin"] = bar.vmin if settings.vmin is None else settings.vmin
        changes["vmax"] = bar.vmax if settings.vmax is None else settings.vmax
        changes["levels"] = bar.levels
        changes["colorbar_flip"] = bar.flip
    if needs.scale:
        changes["logarithmic"] = False
    answers.settings = dataclasses.replace(settings, **changes)
    texts = ", ".join(f"'{text}'" for text in legend.texts)
    if legend.column_sizes:
        # Several columns, read column after column as QGIS fills them.
        where = (f"in {len(legend.column_sizes)} columns of "
                 f"{', '.join(str(size) for size in legend.column_sizes)} patches, labelled "
                 f"{texts} column after column, each from the top")
        lowest = "first" if bar.flip else "last"
    else:
        where = f"labelled {texts} from the top"
        lowest = f"at the {'top' if bar.flip else 'bottom'}"
    answers.messages.append(
        f"A legend of {count} class patches (one colour a class, no colour ramp), {where}: "
        f"decoded as {count} classes with the patches' colours, lowest {lowest}; as parameters "
        f"LEVELS={','.join(f'{v:g}' for v in bar.levels)} (a pixel gets its class's "
        f"midpoint; band 2 of OUTPUT its class).")
    for note in bar.class_notes:
        answers.messages.append(f"The legend's {note}.")
    warning = uneven_classes(bar.levels)
    if warning:
        answers.warnings.append(warning)


def _answer_gcps(answers, layout):
    settings = answers.settings
    reading = answers.reading
    if layout.frame is None:
        raise GcpError("The figure is not georeferenced, no GCPS were given, and no map frame "
                       "with labelled axes was found on it. Give a GCPS file (QGIS Georeferencer "
                       ".points or CSV pixel_x,pixel_y,map_x,map_y).", parameter="GCPS")
    problems = []
    for name, axis in (("x", reading.x_axis), ("y", reading.y_axis)):
        answers.messages.append(describe_axis(axis, f"{name.upper()} axis labels"))
        if axis is None or axis.fit is None:
            problem = f"the {name} axis: {axis.problem if axis else 'no labels found'}"
            if axis is not None and axis.degrees and _minus_signs_lost(axis):
                # '-20°' and '-40°' read '20°' and '40°' leave two labels agreeing ('20°' with
                # '-30°'), or none: say what went wrong, which a GCPS file alone works around.
                problem += (" (its labels written without a sign, taken as negative, put more "
                            "of them on one line: minus signs may have been lost in reading, "
                            "'-20°' read '20°')")
            problems.append(problem)
        elif axis.fit.max_residual_px > MAX_GEOREFERENCING_RESIDUAL_PX:
            problems.append(
                f"the {name} axis labels are not evenly spaced (tick-fit residuals up to "
                f"{axis.fit.max_residual_px:.1f} px): a curved graticule or a projection whose "
                f"axis is not linear in the labels' units")
    if not problems:
        problems += [problem for name, axis in (("x", reading.x_axis), ("y", reading.y_axis))
                     for problem in (_turning_labels(name, axis), _opposite_labels_disagree(axis))
                     if problem]
        mirrored = _mirror_image(reading.x_axis, reading.y_axis)
        if mirrored:
            problems.append(mirrored)
    if not problems and answers.figure_rgb is not None:
        problems += _curved_graticule(answers.figure_rgb, layout, reading)
    if not problems:
        problems += _converging_ticks(layout, reading)
    if problems:
        raise GcpError("GCPS not given and the figure's axes cannot georeference it: "
                       + "; ".join(problems) + ". Give a GCPS file (QGIS Georeferencer .points "
                       "or CSV pixel_x,pixel_y,map_x,map_y).", parameter="GCPS")
    x_axis, y_axis = reading.x_axis, reading.y_axis
    degrees = x_axis.degrees and y_axis.degrees
    gcp_crs = settings.gcp_crs
    if not gcp_crs:
        if not degrees:
            raise GcpError("GCP_CRS: the axis labels are numbers without degree signs; give "
                           "GCP_CRS, the CRS the axis labels are written in (e.g. EPSG:32632 for "
                           "UTM 32N metres).", parameter="GCP_CRS")
        gcp_crs = DEGREES_CRS
        answers.messages.append("GCP_CRS not given: the axis labels are in degrees, "
                                f"{DEGREES_CRS} (WGS 84 longitude/latitude) is assumed.")
    x_scale = x_axis.multiplier * _unit_factor(x_axis, gcp_crs, "x", answers.messages)
    y_scale = y_axis.multiplier * _unit_factor(y_axis, gcp_crs, "y", answers.messages)
    if not degrees and x_axis.fit.projection is None and y_axis.fit.projection is None:
        x_scale, y_scale = _agree_on_one_unit(x_axis, y_axis, x_scale, y_scale,
                                              answers.messages)
    pixels, coordinates, names = [], [], []
    # Each tick where its axis' fit puts it: the fit of all ticks is closer to where the
    # renderer drew them than any one mark (snapped to the pixel grid, or a label's centre).
    for xl in _distinct(x_axis.kept):
        for yl in _distinct(y_axis.kept):
            pixels.append((float(x_axis.fit.position_of(xl.value)),
                           float(y_axis.fit.position_of(yl.value))))
            coordinates.append((xl.value * x_scale, yl.value * y_scale))
            names.append(f"x '{xl.text}' × y '{yl.text}'")
    coordinates = np.array(coordinates, float)
    if degrees:
        coordinates[:, 0] += _longitude_turn(x_axis, x_scale, layout.frame.box, gcp_crs,
                                             answers.messages)
    projection = y_axis.fit.projection
    if projection is not None:
        gcp_crs, coordinates = _project_gcps(answers, projection, gcp_crs, coordinates, y_axis)
    answers.gcps = GroundControlPoints(np.array(pixels), coordinates, None,
                                       crs=gcp_crs, source="the figure's axis labels",
                                       labels=names)
    answers.settings = dataclasses.replace(settings, gcp_crs=gcp_crs)
    warning = _graticule_unconfirmed(x_axis, y_axis)
    if warning:
        answers.warnings.append(warning)
    for name, axis in (("x", x_axis), ("y", y_axis)):
        warning = _placed_by_label_centres(name, axis)
        if warning:
            answers.warnings.append(warning)
        warning = _odd_values_warning(axis, f"{name} axis", "GCPS")
        if warning:
            answers.warnings.append(warning)
    answers.messages.append(
        f"GCPS made from the axis labels: {len(pixels)} points (each x tick with each y tick); "
        f"tick-fit residuals x {x_axis.fit.rmse_px:.2f} px RMS (max "
        f"{x_axis.fit.max_residual_px:.2f}), y {y_axis.fit.rmse_px:.2f} px RMS (max "
        f"{y_axis.fit.max_residual_px:.2f}).")


#: Up to this many kept labels, a fit's values are also checked for a round step: with few
#: labels a misread can lie on another line.
FEW_KEPT_LABELS = 3


def _odd_values_warning(axis, what, parameter):
    """A warning when the values an axis' fit kept are not tick labels' usual multiples of one
    step, or (with few labels) step by an odd number: a misread may have been kept."""
    problem = value_step_problem(axis.fit, degrees=axis.degrees)
    if not problem or ("not a round step" in problem and len(axis.kept) > FEW_KEPT_LABELS):
        return ""
    return (f"The {what}'s tick labels may have been misread: {problem}, as tick labels seldom "
            f"are (a dropped or misread digit can still lie on a line with few labels). Check "
            f"the labels in the report, or give {parameter}.")


#: The colorbar's labels kept must span at least this share of the bar's length: the values at
#: its ends are extrapolated from them, a label's error growing by the bar's length over theirs.
MIN_LABELLED_SHARE = 0.35
#: A label's place is known within this many pixels at best (a renderer's rounding).
LABEL_PLACE_PX = 0.5


def _extrapolated_ends_warning(axis, bar) -> str:
    """A warning when the labels a colorbar's fit kept span a small part of the bar: its ends'
    values are extrapolated far beyond them (most labels rejected, or only a few near its middle
    read), and half a pixel of error in their places moves the ends by more than the value
    range's 0.5 % the issue holds the reading to. "" otherwise."""
    if axis is None or axis.fit is None or bar is None or axis.fit.logarithmic:
        return ""
    col0, row0, col1, row1 = bar.pixel_box()
    length = float((row1 - row0) if bar.vertical else (col1 - col0))
    positions = [label.position for label in axis.kept]
    if length <= 0 or len(positions) < 2:
        return ""
    span = float(np.ptp(positions))
    if span >= MIN_LABELLED_SHARE * length:
        return ""
    error_share = max(axis.fit.rmse_px, LABEL_PLACE_PX) / max(span, 1.0)
    return (f"The colorbar's values were read from labels spanning {span:.0f} px of its "
            f"{length:.0f} px ({100 * span / length:.0f} %): the values at its ends are "
            f"extrapolated, and a {max(axis.fit.rmse_px, LABEL_PLACE_PX):.1f} px error in the "
            f"labels' places moves them by about {100 * error_share:.1f} % of the range. Check "
            f"the labels in the report, or give VMIN and VMAX.")


def _distinct(labels):
    """One label per value (inline graticule labels repeat at every grid line crossing)."""
    seen = {}
    for label in labels:
        seen.setdefault(label.value, label)
    return list(seen.values())


def _longitude_turn(x_axis, x_scale, frame_box, gcp_crs, messages) -> float:
    """Degrees to add to the longitudes read from a map labelled 0-360° (GMT's ``+D``,
    ``235°`` for 125°W) so that it is written where a -180..180° world puts it.

    QGIS draws a raster in a geographic CRS where its coordinates say, and never wraps it: a
    map written at longitudes 235-240 lies beyond the right edge of every -180..180° basemap
    and layer, where the user does not look for it. A map whose frame lies wholly east of
    180° (or west of -180°) is therefore moved by a whole turn into -180..180°, and the log
    says so. One that straddles 180° (a Pacific map labelled 170° to 190°) is kept as its
    labels say: it stays one continuous raster, east of 180° on its eastern side, as QGIS
    shows a layer in EPSG:4326 that crosses the antimeridian (moved, it would be cut in two).

    Parameters
    ----------
    x_axis : AxisReading
        The longitude axis, fitted.
    x_scale : float
        Its labels' values to GCP_CRS units (1 for degrees).
    frame_box : tuple (left, top, right, bottom)
        The map frame, pixels.
    gcp_crs : str
    messages : list of str
        The log, appended to when the longitudes are moved.

    Returns
    -------
    float
        Degrees: -360, 360 or 0.
    """
    from pyproj import CRS

    if not CRS.from_user_input(gcp_crs).is_geographic:
        return 0.0
    left, _, right, _ = frame_box
    edges = sorted(x_scale * float(x_axis.fit.value_at(position)) for position in (left, right))
    if edges[0] >= 180.0:
        turn = -360.0
    elif edges[1] <= -180.0:
        turn = 360.0
    else:
        return 0.0
    messages.append(
        f"The longitude labels run {edges[0]:g}° to {edges[1]:g}° at the frame's edges (a map "
        f"labelled 0-360°): the GCPs are written {turn:+g}° from them, at {edges[0] + turn:g}° "
        f"to {edges[1] + turn:g}°, where a -180..180° world (QGIS's basemaps and layers in "
        "EPSG:4326) has these meridians.")
    return turn


def _project_gcps(answers, projection, gcp_crs, coordinates, y_axis):
    """Degree GCPs of a cylindrical map in its projection: (the projected CRS as WKT, x/y)."""
    from pyproj import CRS

    if not CRS.from_user_input(gcp_crs).is_geographic:
        raise GcpError(
            f"GCP_CRS {gcp_crs} is not geographic, but the axis labels are degrees spaced as on "
            f"a {projection.name} map. Give a geographic GCP_CRS (e.g. EPSG:4326), or a GCPS "
            "file.", parameter="GCP_CRS")
    linear = fit_ticks(y_axis.labels)
    latitude_fit = projection
    if np.any(np.abs(coordinates[:, 0]) > 180.0):
        # A map across the antimeridian (its labels 160°E ... 160°W read 160 ... 200): PROJ
        # takes a longitude within half a turn of the central meridian, so centred on
        # Greenwich the map's eastern half would be projected a world's width west of its
        # western half. Centred on 180° (as cartopy draws such maps) it stays whole.
        projection = dataclasses.replace(projection, central_meridian=180.0)
    projected = projection.crs(gcp_crs)
    x, y = projection.forward(coordinates[:, 0], coordinates[:, 1], gcp_crs)
    fit_ticks(y_axis.labels, projection=latitude_fit)  # its inliers marked again
    answers.messages.append(
        f"The latitude labels are spaced as on a {projection.name} map, not evenly: tick-fit "
        f"residuals {y_axis.fit.rmse_px:.2f} px RMS in {projection.name}, "
        + (f"{linear.rmse_px:.2f} px RMS (max {linear.max_residual_px:.1f}, {len(linear.kept)} "
           f"of {len(y_axis.kept)} labels) as evenly spaced degrees"
           if linear is not None else "no fit as evenly spaced degrees")
        + f". GCPS made in {projected.name} from the degree labels; the output is in that CRS "
        "unless TARGET_CRS is given.")
    return projected.to_wkt(), np.column_stack([x, y])


def _curved_graticule(rgb, layout, reading):
    """Problems when grid lines drawn from the ticks lean (a conic or polar map): evenly
    spaced labels along the frame do not make a rectilinear graticule."""
    from .graticule import leaning_grid_lines

    leaning = {name: leaning_grid_lines(rgb, layout.frame.box, axis)
               for name, axis in (("x", reading.x_axis), ("y", reading.y_axis))}
    if sum(len(lines) for lines in leaning.values()) < 2:
        return []  # one leaning line may be a coastline or a contour near a tick
    said = "; ".join(
        f"the {name} axis' " + ", ".join(f"'{line.text}' by {line.degrees:+.1f}°"
                                         for line in lines)
        for name, lines in leaning.items() if lines)
    return [f"the grid lines drawn from the tick labels are not square to the frame ({said}): "
            "the graticule is curved (a conic, polar or other projection whose lines of "
            "constant longitude or latitude are not straight across the map), so pairing an "
            "x tick with a y tick does not give a point of the map"]


#: Largest turn (degrees) of labels written at an angle, from one end of a side to the other,
#: on a rectilinear graticule: a renderer writing every label at one angle (matplotlib's
#: rotation=30/45/90) measures within 1° (the principal axis of different digits), whereas
#: cartopy writes a conic map's labels along their meridians, which converge (4-10° across
#: the bottom of 6-20° wide Lambert maps).
MAX_LABEL_TURN_DEGREES = 1.5

#: How far (pixels) a glyph that differs from label to label moves a label's ink across its
#: long axis, at one end: a label's angle is its ink's principal axis, which a minus sign below
#: the digits' middle or a '7' heavier at its top turns by about 6·(share of the ink)·shift·L /
#: (L² - H²) radians for a label L long and H high (taken with a sixth of the ink shifted),
#: little on long thin labels, much on short squat ones. QGIS's upward annotations 9-10 × 17
#: px (Nimbus Roman 8 pt at 120 dpi) measure 77.8-94.2° for 90°; cartopy's 39 × 11 px labels
#: lie within 0.4° of their turning line (a turn of 4.3° against a limit of 3.8° here).
LABEL_INK_SHIFT_PX = 0.5

#: Standard errors of the turn, beyond :data:`MAX_LABEL_TURN_DEGREES`, that make it evidence.
LABEL_TURN_STANDARD_ERRORS = 2.0


def label_turn_noise(angles, positions, lengths, heights) -> float:
    """The standard error (degrees) of a side's label turn measured as in
    :func:`_turning_labels`.

    Each label's angle is uncertain by the larger of the scatter the labels show about a line
    along the side and what :data:`LABEL_INK_SHIFT_PX` turns the principal axis of a label of
    the median length and height by; a line through few labels turns that much more from one
    end of the side to the other.

    Parameters
    ----------
    angles : ndarray
        The labels' deviations from their mean angle, degrees.
    positions : ndarray
        The labels' positions along the side, pixels (not all equal).
    lengths, heights : ndarray
        The labels' sizes along and across their own axes, pixels.

    Returns
    -------
    float
        The turn's standard error, degrees.
    """
    coefficients = np.polyfit(positions, angles, 1)
    residuals = angles - np.polyval(coefficients, positions)
    scatter = float(np.sqrt(np.sum(residuals ** 2) / max(len(angles) - 2, 1)))
    length = float(np.median(lengths))
    height = min(float(np.median(heights)), 0.9 * length)
    floor = float(np.degrees(np.arctan(
        LABEL_INK_SHIFT_PX * length / (length ** 2 - height ** 2))))
    spread = float(np.sqrt(np.sum((positions - positions.mean()) ** 2)))
    return max(scatter, floor) * float(np.ptp(positions)) / spread


def _turning_labels(name, axis) -> str:
    """A problem when an axis' labels, written at an angle, turn along the side: each follows
    its own grid line (cartopy's gridliner on a conic or polar map), and the lines converge,
    though no line nor tick mark is drawn and the labels' spacing is even within a pixel.
    "" otherwise, and when the turn is within what the angles of labels that short (or that
    scattered) measure on a graticule that does not turn (:func:`label_turn_noise`)."""
    if axis is None or axis.fit is None or not axis.rotated:
        return ""
    # A label too short for its own ink to give its angle was read at its side's: no evidence.
    turned = [label for label in axis.kept if label.angle is not None
              and not getattr(label, "angle_from_side", False)]
    if len(turned) < 3:
        return ""
    angles = np.array([label.angle for label in turned])
    positions = np.array([label.position for label in turned])
    # Angles of lines are axial (90° and -90° are one direction): taken about their mean.
    doubled = np.radians(2.0 * angles)
    mean = 0.5 * np.degrees(np.arctan2(np.sin(doubled).mean(), np.cos(doubled).mean()))
    deviations = (angles - mean + 90.0) % 180.0 - 90.0
    if np.ptp(positions) <= 0:
        return ""
    slope = np.polyfit(positions, deviations, 1)[0]
    turn = abs(slope) * np.ptp(positions)
    sizes = np.array([_size_along_and_across(label) for label in turned])
    noise = label_turn_noise(deviations, positions, sizes[:, 0], sizes[:, 1])
    if turn <= MAX_LABEL_TURN_DEGREES + LABEL_TURN_STANDARD_ERRORS * noise:
        return ""
    return (f"the {name} axis labels, written at an angle, turn by {turn:.1f}° from one end of "
            f"the {axis.side} side to the other (a renderer following its grid lines, which "
            f"converge; the labels' angles measure within ±{noise:.1f}° of such a turn): the "
            "graticule is curved (a conic, polar or other projection whose lines "
            "of constant longitude or latitude are not straight across the map), so pairing an "
            "x tick with a y tick does not give a point of the map")


def _size_along_and_across(label) -> tuple:
    """A label's length along its own axis and its height across it (pixels), from its
    upright box and its angle; the height 0 when the text runs near the box's diagonal
    (within 30° of 45°, where the box cannot tell them apart)."""
    width = float(label.box[2] - label.box[0])
    height = float(label.box[3] - label.box[1])
    cosine, sine = abs(np.cos(np.radians(label.angle))), abs(np.sin(np.radians(label.angle)))
    # width = L·cos + H·sin, height = L·sin + H·cos.
    determinant = cosine ** 2 - sine ** 2
    if abs(determinant) < 0.5:
        return max(width, height) / (cosine + sine), 0.0
    along = (width * cosine - height * sine) / determinant
    across = (height * cosine - width * sine) / determinant
    along, across = max(along, across), min(along, across)
    return max(along, 1.0), max(across, 0.0)


def _mirror_image(x_axis, y_axis) -> str:
    """A problem when degree labels that lost their minus signs picture the map as in a mirror;
    "" otherwise.

    Longitudes growing rightward with latitudes growing downward (or leftward with upward)
    is a mirror image of the map. Matplotlib draws one when asked (an inverted y axis), but it
    is also what southern latitudes read without their minus signs look like: GMT's Helvetica
    8 pt at 100 dpi, '-20°' and '-40°' read '20°' and '40°', the '-30°' between them rejected,
    and the two, confirmed by the x axis' scale, put the map 587 px off in silence. So a
    mirror image is refused when an axis' labels written without a sign or hemisphere letter,
    taken as negative, put more of its labels on one line (:func:`_minus_signs_lost`).
    Projected labels (metres, feet) are left alone: a vertical section (depth growing
    downward) is drawn so.
    """
    if x_axis is None or y_axis is None or x_axis.fit is None or y_axis.fit is None or \
            not (x_axis.degrees and y_axis.degrees):
        return ""
    # Values per pixel: x to the right, y down the rows.
    if np.sign(x_axis.fit.slope) != np.sign(y_axis.fit.slope):
        return ""
    lost = [name for name, axis in (("longitude", x_axis), ("latitude", y_axis))
            if _minus_signs_lost(axis)]
    if not lost:
        return ""
    return (f"the longitude labels grow {'rightward' if x_axis.fit.slope > 0 else 'leftward'} "
            f"and the latitude labels {'downward' if y_axis.fit.slope > 0 else 'upward'}, as "
            f"in a mirror image of the map, and the {' and '.join(lost)} labels written "
            f"without a sign, taken as negative, put more of their labels on one line: "
            f"minus signs were lost in reading ('-20°' read '20°')")


def _minus_signs_lost(axis) -> bool:
    """Whether an axis' labels with no sign and no hemisphere letter, taken as negative, put
    more of its labels on one line than its fit keeps (a rejected '-30°' between '20°' and
    '40°' read without theirs)."""
    labels = [label for label in axis.labels
              if label.value is not None and np.isfinite(label.value)]
    if len(labels) < 3:
        return False
    turned = []
    for label in labels:
        # A copy with whatever the reading attached to it: fit_ticks marks the ones it keeps.
        label = copy.copy(label)
        if label.value > 0 and not re.search("[-\u2212\u2013+NSEW]", label.text):
            label.value = -label.value
        turned.append(label)
    fit = fit_ticks(turned)
    return fit is not None and sum(label.kept for label in turned) > \
        sum(label.kept for label in labels)


#: Largest distance (pixels) between where the labels on two opposite sides put one value on
#: a rectilinear graticule (each fit is within a pixel of its ticks).
OPPOSITE_LABELS_PIXELS = 3.0


def _opposite_labels_disagree(axis) -> str:
    """A problem when the labels across the frame from an axis' labels put their values
    elsewhere (a conic map labelled on all four sides: the top's meridians are closer together
    than the bottom's); "" when they agree or are not there."""
    opposite = getattr(axis, "opposite", None)
    if axis is None or axis.fit is None or opposite is None or opposite.fit is None or \
            axis.fit.logarithmic or opposite.fit.logarithmic:
        return ""
    values = sorted({float(label.value) for label in axis.kept + opposite.kept})
    if len(values) < 2:
        return ""
    here = np.asarray(axis.fit.position_of(values), float)
    there = np.asarray(opposite.fit.position_of(values), float)
    worst = int(np.argmax(np.abs(here - there)))
    if abs(here[worst] - there[worst]) <= OPPOSITE_LABELS_PIXELS:
        return ""
    return (f"the labels on the {axis.side} and {opposite.side} sides put {values[worst]:g} "
            f"{abs(here[worst] - there[worst]):.1f} px apart (at {here[worst]:.1f} and "
            f"{there[worst]:.1f}): the lines of constant longitude or latitude are not straight "
            "across the map (a conic, polar or other projection whose graticule is not "
            "rectilinear), so pairing an x tick with a y tick does not give a point of the map")


def _graticule_unconfirmed(x_axis, y_axis) -> str:
    """A warning when degree labels stand alone: no tick mark and no grid line beside any of
    them (cartopy's gridliner without lines). Then nothing on the figure tells a rectilinear
    graticule from a conic or polar one written with level labels: grid lines that lean,
    opposite tick marks that do not line up and labels that turn are the evidence, and none
    is drawn. On a Lambert map of 3° to 20° such GCPs are 8 to 50 px wrong, with each side's
    labels evenly spaced within a pixel. "" when any label has its mark or line, or the labels
    are not degrees (a projected grid's labels are straight by construction), or when the
    labels across the frame agree with them."""
    if not (x_axis.degrees and y_axis.degrees) or any(
            label.tick_position is not None for label in x_axis.kept + y_axis.kept):
        return ""
    if getattr(x_axis, "opposite", None) is not None or \
            getattr(y_axis, "opposite", None) is not None:
        return ""  # labels across the frame agreed (_opposite_labels_disagree)
    return ("The axis labels are degrees with neither tick marks nor grid lines beside them: "
            "nothing on the figure shows whether its meridians and parallels are straight and "
            "square to the frame. The GCPs assume they are (plate carrée, Mercator); if the "
            "map is in a conic, polar or other projection whose graticule is curved, they are "
            "wrong, by tens of pixels on a map a few degrees across: then give GCPS.")


#: Renderers centre a label beside a vertical side on its tick by the text's layout box, which
#: reaches below the baseline, not by its ink: matplotlib's and cartopy's latitude labels
#: have their digits' ink about this share of its height above the tick (2.3-3.5 px measured
#: at 186-222 dpi; the label's own ink cannot tell how much).
LABEL_CENTRE_OFFSET_SHARE = 0.15


def _placed_by_label_centres(name, axis):
    """A warning when most of a vertical side's labels have neither tick marks nor grid lines
    beside them (cartopy's gridliner without lines): their ink centres place the GCPs, which may be
    off along y by :data:`LABEL_CENTRE_OFFSET_SHARE` of the label height. None otherwise (tick
    marks place the labels; a horizontal side's labels are centred along it by their ink)."""
    kept = axis.kept
    placed = sum(label.tick_position is not None for label in kept)
    if axis.side not in ("left", "right") or axis.rotated or not kept or \
            placed >= 0.5 * len(kept) or getattr(axis, "centre_offset", None) is not None:
        return None  # (or the offset was measured: the labels across the x axis said it)
    height = float(np.median([label.box[3] - label.box[1] for label in kept]))
    uncertainty = LABEL_CENTRE_OFFSET_SHARE * height
    if uncertainty < 1.0:
        return None
    return (f"The {name} axis' labels ({axis.side} side) have no tick marks or grid lines beside "
            f"them: the GCPs are placed at the labels' centres, and renderers centre a label's "
            f"text box, not its ink, on the tick (matplotlib's and cartopy's ink sits about "
            f"{LABEL_CENTRE_OFFSET_SHARE:.2f} of its height above it: {uncertainty:.1f} px here, "
            f"for labels {height:.0f} px high), so the georeferencing may be off along {name} by "
            f"about {uncertainty:.1f} px. Check it in the report, or give GCPS.")


def _converging_ticks(layout, reading):
    """Problems when the tick marks across the frame from the labelled sides do not line up
    with theirs (a conic or polar map, grid lines drawn or not)."""
    from .graticule import opposite_ticks_disagree

    if layout.dark is None:
        return []
    said = []
    for axis in (reading.x_axis, reading.y_axis):
        found = opposite_ticks_disagree(layout.dark, layout.frame.box, axis.side)
        if found is not None:
            said.append(
                f"only {found.matched} of {found.compared} tick marks on the {found.side} and "
                f"{found.opposite} sides line up across the frame (ticks every "
                f"{found.spacing:.1f} px along the {found.side}, {found.opposite_spacing:.1f} px "
                f"along the {found.opposite})")
    if not said:
        return []
    return ["; ".join(said) + ": the lines of constant longitude or latitude are not straight "
            "across the map (a conic, polar or other projection whose graticule is not "
            "rectilinear), so pairing an x tick with a y tick does not give a point of the map, "
            "although each side's labels are evenly spaced"]


#: Largest ratio of a projected map's two axes' scales (map units per pixel): a figure drawn
#: with aspect="auto" stretches a map a few times at most; one axis read in other units
#: (km against m) is a thousand times off.
MAX_AXIS_SCALE_RATIO = 20.0


def _named_unit(axis) -> str:
    """The length unit an axis' labels or title name ("" when neither does)."""
    units = {label.parsed.unit for label in axis.kept if label.parsed is not None} - {""}
    return units.pop() if len(units) == 1 else axis.title_unit


def _agree_on_one_unit(x_axis, y_axis, x_scale, y_scale, messages) -> tuple:
    """The two axes' scale factors, made to agree when they are a thousand times apart.

    A map in a projected CRS gives both axes one unit. When only one axis names it (its
    title 'Easting (km)'; the other's title cut off by the figure's edge or not drawn), the
    other's bare numbers ('2133.5') are in it too: its factor is taken for both when their
    scales (map units per pixel) are more than :data:`MAX_AXIS_SCALE_RATIO` apart and within
    it so. Scales that far apart otherwise are refused: one axis' labels are in other units
    than the figure says.

    Raises
    ------
    GcpError
        Naming GCPS, when the scales cannot be made to agree.
    """
    def units_per_pixel(axis, scale):
        values = [label.value for label in axis.kept]
        low, high = min(values), max(values)
        return abs(scale * (high - low) / (axis.fit.position_of(high) - axis.fit.position_of(low)))

    x_units, y_units = units_per_pixel(x_axis, 1.0), units_per_pixel(y_axis, 1.0)
    if not (x_units > 0 and y_units > 0):
        return x_scale, y_scale

    def ratio(x, y):
        return max(x * x_units / (y * y_units), y * y_units / (x * x_units))

    if ratio(x_scale, y_scale) <= MAX_AXIS_SCALE_RATIO:
        return x_scale, y_scale
    named = {"x": _named_unit(x_axis), "y": _named_unit(y_axis)}
    for name, unit, other, scale in (("y", named["x"], named["y"], x_scale),
                                     ("x", named["y"], named["x"], y_scale)):
        if unit and not other:
            trial = (x_scale, scale) if name == "y" else (scale, y_scale)
            if ratio(*trial) <= MAX_AXIS_SCALE_RATIO:
                messages.append(
                    f"The {name} axis names no unit and its labels are {ratio(x_scale, y_scale):.0f} "
                    f"times off the other axis' scale: they are taken in {unit}, as the other "
                    f"axis' (their scales then agree within {ratio(*trial):.1f} times).")
                return trial
    raise GcpError(
        f"GCPS not given and the figure's axes cannot georeference it: the x axis' labels "
        f"give {x_units * x_scale:.4g} and the y axis' {y_units * y_scale:.4g} map units a "
        f"pixel, {ratio(x_scale, y_scale):.0f} times apart: one axis is in other units than "
        "its labels and title say (km against m). Give a GCPS file (QGIS Georeferencer "
        ".points or CSV pixel_x,pixel_y,map_x,map_y), or GCP_CRS in the labels' unit.",
        parameter="GCPS")


def _unit_factor(axis, crs, name="x", messages=None):
    """GCP_CRS units per label unit: the unit the labels carry (``640 km``) or, failing that,
    the one their axis title names (``Easting (km)``), against the CRS's own (×1000 for
    kilometres on a metre CRS, 0.3048 for feet on metres...). 1 when neither names a length.

    Raises
    ------
    GcpError
        A length unit on a geographic GCP_CRS (the labels are not degrees): naming GCP_CRS.
    """
    from pyproj import CRS

    from .labels import LENGTH_UNITS_METRES

    units = {label.parsed.unit for label in axis.kept if label.parsed is not None} - {""}
    unit = units.pop() if len(units) == 1 else ""
    source = f"its labels' '{unit}'" if unit else f"its title '{axis.title.strip()}'"
    unit = unit or axis.title_unit
    if unit not in LENGTH_UNITS_METRES:
        return 1.0
    reference = CRS.from_user_input(crs)
    if reference.is_geographic:
        raise GcpError(
            f"GCP_CRS {crs} is in degrees, but the {name} axis is in {unit} ({source}). Give "
            "GCP_CRS, the projected CRS the axis labels are written in (e.g. EPSG:32632 for "
            "UTM 32N).", parameter="GCP_CRS")
    crs_unit_metres = reference.axis_info[0].unit_conversion_factor
    factor = LENGTH_UNITS_METRES[unit] / crs_unit_metres
    if messages is not None and abs(factor - 1) > 1e-9:
        messages.append(
            f"The {name} axis is in {unit} ({source}) and GCP_CRS in "
            f"{reference.axis_info[0].unit_name}: its labels are multiplied by {factor:.10g}.")
    return factor
