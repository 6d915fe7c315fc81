"""Refusing hostile or mistaken input before it can do harm.

Three kinds of harm are guarded against here, each before the job starts:

* **Destroyed input or lost output.** An output path that is the same file as an input (the
  figure, its world file, the GCP file, a ``.cpt`` colour table, the mask layer) or as another
  output (the report's JSON sidecar included), after resolving links, relative paths and the
  file system's case rules; an output that is a folder or a device; a destination folder that
  cannot be written. See :func:`check_paths`.
* **Unbounded reading.** A text input (``.cpt``, ``.points``, CSV, WKT) is read only when it is
  a regular file of at most :data:`MAX_TEXT_INPUT_BYTES` (``/dev/zero`` never ends). See
  :func:`read_text_input`.
* **Numbers that make no sense** or overflow: non-finite values, value ranges a float32 raster
  cannot hold, non-positive colour distances, DBSCAN neighbourhoods as large as the figure, a
  flatness tolerance larger than the whole value range. See :func:`check_settings`.

Memory is budgeted in :mod:`.memory_budget`. Every refusal is an :class:`~.errors.EngineError`
naming the parameter to change.
"""
import contextlib
import logging
import math
import os
import stat
import tempfile

import numpy as np

from .errors import EngineError
from .text_format import number_text, numbers_text

#: Largest text input read (bytes): a GCP file of 100,000 points, or a .cpt of as many slices,
#: is under 8 MiB.
MAX_TEXT_INPUT_BYTES = 8 * 2 ** 20
#: Largest MASK_WKT text (characters) and polygon vertex count accepted.
MAX_WKT_CHARACTERS = MAX_TEXT_INPUT_BYTES
MAX_MASK_VERTICES = 1_000_000
#: Largest DBSCAN neighbourhood radius (pixels). A plateau is found by linking flat pixels
#: that lie within ``eps`` of each other; beyond some tens of pixels every plateau merges with
#: its neighbours across lines and labels, and the cost grows with eps².
MAX_DBSCAN_EPS = 32.0
#: Largest MAX_COLOR_DISTANCE (CIELAB ΔE): black to white. Beyond it no colour of a figure is
#: far enough from a colour scale to be left out.
MAX_COLOR_DISTANCE = 100.0
#: Most classes of a discrete scale (LEVELS, or the bands of a discrete .cpt).
MAX_CLASSES = 1024
FLOAT32_MAX = float(np.finfo(np.float32).max)
#: Fewest distinct float32 numbers the value range must span (a 256-colour scale needs 256).
MIN_FLOAT32_STEPS = 1024

#: Files GDAL reads beside a raster as part of it, named after its whole file name: its
#: metadata and georeferencing (.aux.xml, and ERDAS Imagine's .aux), its overviews (.ovr,
#: with their own .aux.xml) and its nodata mask (.msk). An output must not replace them.
GDAL_SIDECAR_SUFFIXES = (".aux.xml", ".aux", ".ovr", ".ovr.aux.xml", ".msk")
_SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg", ".qix", ".sbn", ".sbx", ".qmd")


# -- text inputs ------------------------------------------------------------------------------
def text_of_input(raw) -> "str | None":
    """The text of a text input's bytes (a GCP file, a .cpt), None when they are binary.

    UTF-8 with or without the byte-order mark spreadsheet programs write; UTF-16 (Windows
    Notepad's and Excel's "Unicode text"), with its byte-order mark or, without one, ASCII
    every other byte; else Latin-1 (older QGIS wrote the system code page; the numbers are
    ASCII either way). Bytes holding NUL otherwise are binary.

    Returns
    -------
    str or None
    """
    encoding = None
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        encoding = "utf-16"
    elif len(raw) >= 4 and len(raw) % 2 == 0:
        for text_bytes, zero_bytes, name in ((raw[0::2], raw[1::2], "utf-16-le"),
                                             (raw[1::2], raw[0::2], "utf-16-be")):
            if not zero_bytes.strip(b"\x00") and text_bytes.isascii() and \
                    b"\x00" not in text_bytes:
                encoding = name
    if encoding is not None:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            return None
    if b"\x00" in raw:
        return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def read_text_input(path, parameter, what="file", max_bytes=MAX_TEXT_INPUT_BYTES,
                    error=EngineError) -> bytes:
    """Read a text input's bytes, refusing anything but a regular file of bounded size.

    Parameters
    ----------
    path : str or path-like
    parameter : str
        The parameter the file comes from, for messages.
    what : str
        What the file is ("GCP file", "colour table"), for messages.
    max_bytes : int
    error : type
        The :class:`~.errors.EngineError` subclass to raise (``GcpError``...).

    Returns
    -------
    bytes

    Raises
    ------
    EngineError
        Missing, a folder, a device or pipe (``/dev/zero``, a FIFO), larger than
        ``max_bytes``, or unreadable.
    """
    path = os.fspath(path)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise error(f"cannot read the {what} '{path}': it does not exist. Check the "
                    f"{parameter} path.", parameter=parameter) from None
    except OSError as problem:  # not 'error': that is the exception class to raise
        raise error(f"The {what} '{path}' cannot be read: {problem.strerror or problem}. Check "
                    f"the {parameter} path.", parameter=parameter) from None
    if stat.S_ISDIR(info.st_mode):
        raise error(f"The {what} '{path}' is a folder; choose the file itself.",
                    parameter=parameter)
    if not stat.S_ISREG(info.st_mode):
        # Opening a FIFO would wait forever, reading /dev/zero never ends.
        raise error(f"The {what} '{path}' is not a regular file (a device, pipe or "
                    "socket). Save it as a file and choose that.", parameter=parameter)
    if info.st_size > max_bytes:
        raise error(_too_long(what, path, info.st_size, max_bytes), parameter=parameter)
    try:
        with open(path, "rb") as stream:
            data = stream.read(max_bytes + 1)
    except OSError as problem:
        raise error(f"The {what} '{path}' cannot be read: {problem.strerror or problem}. Check "
                    f"the {parameter} path and the file's permissions.",
                    parameter=parameter) from None
    if len(data) > max_bytes:
        # The file grew while being read (or /proc-like files that report size 0).
        raise error(_too_long(what, path, None, max_bytes), parameter=parameter)
    return data


def _too_long(what, path, size, max_bytes):
    size_text = f"{size / 2 ** 20:.1f} MiB" if size is not None else "larger"
    if size is not None and f"{size / 2 ** 20:.1f}" == f"{max_bytes / 2 ** 20:.1f}":
        # Just over the limit: rounded, the two sizes would read the same ("8.0 MiB, more
        # than the 8 MiB").
        size_text = f"{size:,} bytes"
    return (f"The {what} '{path}' is {size_text}, more than the {max_bytes // 2 ** 20} MiB a "
            f"{what} can sensibly hold: is it the right file?")


# -- numbers ---------------------------------------------------------------------------------
def _finite(name, value, parameter=None, minimum=None, strictly=False, hint=""):
    if value is None:
        return
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise EngineError(f"{name} = {value!r} is not a number.",
                          parameter=parameter or name) from None
    if not math.isfinite(number):
        raise EngineError(f"{name} = {value!r} is not a finite number. {hint}".strip(),
                          parameter=parameter or name)
    if minimum is not None and (number < minimum or (strictly and number == minimum)):
        relation = "above" if strictly else "at least"
        raise EngineError(f"{name} = {number_text(number)} must be {relation} {number_text(minimum)}. {hint}".strip(),
                          parameter=parameter or name)


def check_mapping_range(mapping, settings) -> None:
    """:func:`check_value_range` on the values the job will really use.

    VMIN and VMAX may come from a .cpt file's own z values rather than from the user; then the
    colour table is named.
    """
    if settings.vmin is not None and settings.vmax is not None:
        return
    try:
        check_value_range(mapping.vmin, mapping.vmax)
    except EngineError as error:
        raise EngineError(f"The colour table's own value range, used for the missing VMIN or "
                          f"VMAX: {error} Give VMIN and VMAX yourself, or correct the .cpt "
                          "file's z values.", parameter="COLORMAP") from None
    # VMIN..VMAX not (wholly) the user's: a .cpt file's z range, or the colorbar's labels.
    check_levels_within_range(mapping.vmin, mapping.vmax, mapping.levels, mapping.logarithmic,
                              range_source="of the colour scale's own values")


def check_value_range(vmin, vmax, levels=None) -> None:
    """Refuse values a float32 raster cannot hold or tell apart.

    Parameters
    ----------
    vmin, vmax : float or None
    levels : sequence of float or None

    Raises
    ------
    EngineError
        Naming VMIN or VMAX (or LEVELS) when a value is not finite, beyond float32's range
        (±3.4e38), when VMAX − VMIN overflows, or when float32 has fewer than
        :data:`MIN_FLOAT32_STEPS` distinct numbers between them.
    """
    for name, value in (("VMIN", vmin), ("VMAX", vmax)):
        _finite(name, value, hint="Give the value printed at that end of the colorbar.")
        if value is not None and abs(float(value)) > FLOAT32_MAX:
            raise EngineError(
                f"{name} = {number_text(float(value))} is beyond what the float32 output raster can hold "
                f"(±{FLOAT32_MAX:.3g}). Give the value printed at that end of the colorbar, in "
                "units that keep it below that (e.g. 1e30 kg as 1e27 t).", parameter=name)
    for value in levels or ():
        _finite("LEVELS", value)
        if abs(float(value)) > FLOAT32_MAX:
            raise EngineError(f"LEVELS value {number_text(float(value))} is beyond what the float32 output "
                              f"raster can hold (±{FLOAT32_MAX:.3g}).", parameter="LEVELS")
    check_levels_order(levels)
    if vmin is None or vmax is None:
        return
    low, high = float(vmin), float(vmax)
    check_value_order(low, high, levels)
    span = high - low
    if not math.isfinite(span) or span > FLOAT32_MAX:
        raise EngineError(
            f"VMAX − VMIN = {number_text(high)} − ({number_text(low)}) overflows the float32 output raster "
            f"(more than {FLOAT32_MAX:.3g}). Give VMIN and VMAX in units that keep their "
            "difference smaller.", parameter="VMAX")
    magnitude = np.float32(max(abs(low), abs(high)))
    if span < MIN_FLOAT32_STEPS * float(np.spacing(magnitude)):
        steps = int(span / float(np.spacing(magnitude)))
        raise EngineError(
            f"VMIN = {low:.15g} and VMAX = {high:.15g} are so close for their size that the "
            f"float32 output raster holds only {steps} distinct numbers between them (a colour "
            f"scale needs at least {MIN_FLOAT32_STEPS}). Subtract a constant first (give the "
            "values relative to an offset) or check the two numbers.", parameter="VMAX")


def reversed_range(settings) -> bool:
    """Whether VMIN is given above VMAX for a colour scale the user named: a reversed scale.

    VMIN is the value at the colour scale's first colour and VMAX at its last; a colorbar whose
    first colour shows the highest value (a depth scale, an age scale drawn young to old) is
    that scale reversed, from VMAX to VMIN. So VMIN above VMAX, with a COLORMAP or a COLORBAR
    box, decodes with the scale reversed and the two values swapped: the same as giving the
    reversed colormap ('viridis_r') or flipping COLORBAR_FLIP with VMIN below VMAX. Not with
    LEVELS (boundaries from lowest to highest), nor for a scale left to the figure's own
    colorbar, whose labels say its direction.

    Parameters
    ----------
    settings : pipeline.DecodeSettings

    Returns
    -------
    bool
    """
    vmin, vmax = settings.vmin, settings.vmax
    if vmin is None or vmax is None or settings.levels:
        return False
    if not (settings.colormap or settings.colorbar_extent is not None):
        return False
    try:
        low, high = float(vmin), float(vmax)
    except (TypeError, ValueError):
        return False
    return math.isfinite(low) and math.isfinite(high) and low > high


def reversed_range_message(settings, scale_name) -> str:
    """The log line saying how a VMIN above VMAX was read (see :func:`reversed_range`)."""
    high, low = float(settings.vmin), float(settings.vmax)
    return (f"VMIN = {number_text(high)} is above VMAX = {number_text(low)}: read as a reversed "
            f"colour scale, its first colour showing {number_text(high)} and its last "
            f"{number_text(low)} (decoded with '{scale_name}' from {number_text(low)} to "
            f"{number_text(high)}). Give VMIN below VMAX for the scale the other way round.")


def check_value_order(vmin, vmax, levels=None) -> None:
    """Refuse VMIN at or above VMAX, saying how a reversed colorbar is given.

    Parameters
    ----------
    vmin, vmax : float
    levels : sequence of float or None
        With LEVELS a VMIN above VMAX is never read as a reversed scale: the message says so.
    """
    low, high = float(vmin), float(vmax)
    if levels and low > high:
        raise EngineError(
            f"VMIN = {number_text(low)} is above VMAX = {number_text(high)} with LEVELS given: with class boundaries "
            "VMIN and VMAX place the colormap's first and last colour and must be increasing, "
            "like LEVELS. For a colorbar whose first colour shows the highest class, give the "
            f"colormap reversed (e.g. 'viridis_r' for 'viridis') with VMIN = {number_text(high)} and "
            f"VMAX = {number_text(low)}, or leave VMIN and VMAX empty to use LEVELS' first and last "
            "boundary.", parameter="VMIN")
    if low == high:
        raise EngineError(
            f"VMIN and VMAX are both {number_text(low)}: the value range must be increasing. Give the "
            "values printed at the two ends of the colorbar (VMIN at its first colour, VMAX at "
            "its last).", parameter="VMIN")
    if low > high:
        raise EngineError(
            f"VMIN = {number_text(low)} is above VMAX = {number_text(high)}, but the value range must be increasing: "
            "VMIN is the value at the colormap's first colour, VMAX at its last. For a colorbar "
            "whose first colour shows the highest value, "
            f"give VMIN = {number_text(high)} and VMAX = {number_text(low)} with the colormap reversed (e.g. "
            "'viridis_r' for 'viridis'), or with COLORBAR_FLIP changed for a COLORBAR box; "
            "with a COLORMAP or COLORBAR given (no LEVELS), VMIN above VMAX is read as that "
            "reversed scale.", parameter="VMIN")


def check_levels_order(levels) -> None:
    """Refuse LEVELS that are not at least two boundaries, each above the one before.

    Parameters
    ----------
    levels : sequence of float or None

    Raises
    ------
    EngineError
        Naming LEVELS and the first boundary out of order.
    """
    if not levels:
        return
    values = [float(v) for v in levels]
    if len(values) < 2:
        raise EngineError(
            f"LEVELS holds one boundary ({number_text(values[0])}): a contour-filled figure's classes need "
            "at least two, the values printed at the edges of the colorbar's blocks from lowest "
            "to highest (e.g. 0,500,1000,2000). Leave LEVELS empty for a continuous scale.",
            parameter="LEVELS")
    for index, (before, after) in enumerate(zip(values, values[1:]), start=2):
        if not after > before:
            what = "repeats" if after == before else "is below"
            raise EngineError(
                f"LEVELS must be increasing: boundary {index} ({number_text(after)}) {what} the one before it "
                f"({number_text(before)}). Give each class boundary once, from lowest to highest.",
                parameter="LEVELS")


def check_levels_within_range(vmin, vmax, levels, logarithmic=False,
                              range_source="VMIN..VMAX") -> None:
    """Refuse LEVELS that VMIN..VMAX cannot colour: classes the colormap cannot tell apart.

    With LEVELS the class boundaries are the values (a class decodes to its midpoint); VMIN
    and VMAX, when given, place the colormap's ends, as matplotlib's ``contourf(levels=...,
    vmin=..., vmax=...)`` does (without them: the first and last boundary). Each class is
    painted with the colormap's colour at its midpoint, so a class whose midpoint lies below
    VMIN takes the colormap's first colour (above VMAX: its last). One class beyond each end
    is a figure matplotlib draws (it is decoded with that end colour); two or more beyond the
    same end share one colour and cannot be told apart, and LEVELS wholly outside VMIN..VMAX
    (other units, a typo) describe another figure: both are refused, naming what to change.

    Parameters
    ----------
    vmin, vmax : float
        The values at the colormap's ends (``vmin < vmax``).
    levels : sequence of float or None
        Increasing class boundaries, value units.
    logarithmic : bool
        Midpoints are geometric on a logarithmic scale.
    range_source : str
        Where VMIN and VMAX come from, for the message (the user's parameters, or a colour
        table's own z range).

    Raises
    ------
    EngineError
        Naming LEVELS.
    """
    if not levels or vmin is None or vmax is None or len(levels) < 2:
        return
    low, high = float(vmin), float(vmax)
    values = np.asarray(levels, dtype=np.float64)
    if not (np.all(np.isfinite(values)) and math.isfinite(low) and math.isfinite(high)
            and high > low) or (logarithmic and (values[0] <= 0 or low <= 0)):
        return  # refused elsewhere, with its own words
    midpoints = (np.sqrt(values[:-1] * values[1:]) if logarithmic
                 else (values[:-1] + values[1:]) / 2)
    # Boundaries written with a few digits: a midpoint on VMIN or VMAX is inside.
    slack = 1e-9 * (high - low)
    below, above = midpoints < low - slack, midpoints > high + slack
    listed = numbers_text(values[:6], ",") + (",…" if len(values) > 6 else "")
    what_to_change = (
        "Give VMIN and VMAX as the values at the colormap's two ends (for a contour-filled "
        "figure usually the colorbar's first and last boundary), leave them empty to put the "
        "colormap's ends at LEVELS' first and last boundary, or correct LEVELS (the same "
        "units as VMIN and VMAX).")
    if (below | above).all():
        side = "below" if below.all() else "above" if above.all() else "outside"
        raise EngineError(
            f"LEVELS ({listed}) lie {side} the range {range_source} ({number_text(low)} to "
            f"{number_text(high)}): no class would be painted with a colour of the colormap "
            "between its ends, so none could be "
            f"told apart. {what_to_change}", parameter="LEVELS")
    for beyond, end, colour in ((below, f"VMIN = {number_text(low)}", "first"),
                                (above, f"VMAX = {number_text(high)}", "last")):
        if beyond.sum() >= 2:
            classes = [f"{number_text(values[i])} to {number_text(values[i + 1])}" for i in np.flatnonzero(beyond)]
            shown = ", ".join(classes[:3]) + (", …" if len(classes) > 3 else "")
            raise EngineError(
                f"LEVELS and the range {range_source} contradict each other: {int(beyond.sum())} classes "
                f"({shown}) have their midpoints beyond {end}, so all would be painted with the "
                f"colormap's {colour} colour and could not be told apart. {what_to_change}",
                parameter="LEVELS")


def check_logarithmic_range(vmin, levels=None) -> None:
    """Refuse a logarithmic scale that reaches zero or below (its log is not defined there)."""
    if vmin is not None and float(vmin) <= 0:
        raise EngineError(
            f"VMIN = {number_text(float(vmin))}, but a logarithmic scale needs VMIN > 0: it cannot reach 0 "
            "or below. Give the "
            "lowest value printed on the colorbar (above 0, e.g. 0.1 or 1), or choose SCALE "
            "Linear if the colorbar's labels are evenly spaced.", parameter="VMIN")
    if levels and float(levels[0]) <= 0:
        raise EngineError(
            f"LEVELS starts at {number_text(float(levels[0]))}, but on a logarithmic scale every class "
            "boundary must be above 0. Give the boundaries printed on the colorbar, or choose "
            "SCALE Linear.", parameter="LEVELS")


def check_settings(settings) -> None:
    """Refuse numbers that are not finite, out of range or that make the job meaningless.

    Parameters
    ----------
    settings : pipeline.DecodeSettings

    Raises
    ------
    EngineError
        Naming the parameter.
    """
    vmin, vmax = settings.vmin, settings.vmax
    if reversed_range(settings):
        vmin, vmax = vmax, vmin
    check_value_range(vmin, vmax, settings.levels)
    if settings.logarithmic:
        check_logarithmic_range(vmin, settings.levels)
    check_levels_within_range(vmin, vmax, settings.levels, settings.logarithmic)
    if settings.max_color_distance is not None:
        hint = ("It is a CIELAB ΔE: 12 suits most figures, 5 a clean PNG, 20 a noisy JPEG; leave "
                "it empty to derive it from the figure's noise.")
        _finite("MAX_COLOR_DISTANCE", settings.max_color_distance, minimum=0.0, strictly=True,
                hint=hint)
        if settings.max_color_distance > MAX_COLOR_DISTANCE:
            raise EngineError(
                f"MAX_COLOR_DISTANCE = {number_text(settings.max_color_distance)} is beyond "
                f"{number_text(MAX_COLOR_DISTANCE)}, the distance from black to white: every pixel, the "
                f"page's white and the black lines and labels included, would count as data. "
                f"{hint}", parameter="MAX_COLOR_DISTANCE")
    _finite("PIXEL_SIZE", settings.pixel_size, minimum=0.0,
            hint="Give the output pixel size in target CRS units, or 0 for automatic.")
    _finite("FLAT_TOLERANCE", settings.flat_tolerance, minimum=0.0,
            hint="Give a value difference, or 0 for automatic.")
    _finite("DBSCAN_EPS", settings.dbscan_eps, minimum=0.0, strictly=True,
            hint="1.5 px links a plateau's 8-connected pixels.")
    if settings.dbscan_eps > MAX_DBSCAN_EPS:
        raise EngineError(
            f"DBSCAN_EPS = {number_text(settings.dbscan_eps)} px links pixels up to that far apart into "
            f"one plateau: beyond {number_text(MAX_DBSCAN_EPS)} px every plateau merges with its neighbours "
            "(and the clustering's cost grows with its square). Use 1.5 (8-connected plateaus) "
            f"or at most {number_text(MAX_DBSCAN_EPS)}.", parameter="DBSCAN_EPS")
    samples = settings.dbscan_min_samples
    if not isinstance(samples, (int, np.integer)) or samples < 1:
        raise EngineError(f"DBSCAN_MIN_SAMPLES = {samples!r} must be a whole number ≥ 1.",
                          parameter="DBSCAN_MIN_SAMPLES")
    for name, extent in (("PLOT_AREA", settings.plot_area_extent),
                         ("COLORBAR", settings.colorbar_extent)):
        check_extent(name, extent)


def check_extent(parameter, extent) -> None:
    """Refuse a box whose corners are not finite or whose size is not positive.

    Parameters
    ----------
    parameter : str
    extent : tuple (xmin, xmax, ymin, ymax) or None
    """
    if extent is None:
        return
    try:
        xmin, xmax, ymin, ymax = (float(v) for v in extent)
    except (TypeError, ValueError):
        raise EngineError(f"{parameter} {extent!r} is not four numbers xmin,xmax,ymin,ymax.",
                          parameter=parameter) from None
    if not all(math.isfinite(v) for v in (xmin, xmax, ymin, ymax)):
        raise EngineError(f"{parameter} ({numbers_text((xmin, xmax, ymin, ymax))}) has a corner "
                          "that is not a finite number. Draw the box on the figure layer.",
                          parameter=parameter)
    if xmax <= xmin or ymax <= ymin:
        raise EngineError(f"{parameter} ({numbers_text((xmin, xmax, ymin, ymax))}) has no area: "
                          "give xmin,xmax,ymin,ymax with xmin < xmax and ymin < ymax.",
                          parameter=parameter)


def check_class_count(settings, scale) -> None:
    """Refuse more classes than colours can tell apart.

    An 8-bit figure shows a few hundred distinguishable colours; beyond
    :data:`MAX_CLASSES` classes (LEVELS, or the bands of a discrete colour table) the class
    matching would compare every class with every other, in memory that grows with the square.

    Parameters
    ----------
    settings : pipeline.DecodeSettings
    scale : ColourScale
    """
    if settings.levels and len(settings.levels) - 1 > MAX_CLASSES:
        raise EngineError(
            f"LEVELS holds {len(settings.levels):,} boundaries, {len(settings.levels) - 1:,} "
            f"classes: more than the {MAX_CLASSES:,} a figure's colours can tell apart. Give the "
            "class boundaries printed on the colorbar, or leave LEVELS empty for a continuous "
            "scale.", parameter="LEVELS")
    if scale.discrete and not settings.levels and len(scale.colours) > MAX_CLASSES:
        raise EngineError(
            f"The colour table '{scale.name}' has {len(scale.colours):,} distinct bands, more "
            f"than the {MAX_CLASSES:,} a figure's colours can tell apart. Is it the right "
            "table?", parameter="COLORMAP")


def check_output_grid(grid, pixel_size) -> None:
    """Refuse a PIXEL_SIZE so large that the output grid is a pixel or two across.

    Parameters
    ----------
    grid : warping.OutputGrid
        The grid planned for the whole plot area with ``pixel_size``.
    pixel_size : float
        The user's PIXEL_SIZE (0: automatic, always accepted).
    """
    if pixel_size and min(grid.width, grid.height) < 2:
        raise EngineError(
            f"PIXEL_SIZE = {number_text(pixel_size)} makes a raster of {grid.width}×{grid.height} pixels: "
            "coarser than the plot area itself. Give the size of one output pixel in target CRS "
            "units (much smaller than the map's extent), or 0 for the figure's own resolution.",
            parameter="PIXEL_SIZE")


def check_flat_tolerance(tolerance, mapping) -> None:
    """Refuse a FLAT_TOLERANCE at least as large as the whole value range.

    With it every pixel counts as flat and the whole figure becomes one plateau: one point,
    and a clustering of every pixel with every other.

    Parameters
    ----------
    tolerance : float
        The user's FLAT_TOLERANCE (0: automatic, always accepted).
    mapping : ValueMapping
    """
    if not tolerance:
        return
    span = float(mapping.vmax) - float(mapping.vmin)
    if tolerance >= span:
        raise EngineError(
            f"FLAT_TOLERANCE = {number_text(tolerance)} is not smaller than the whole value range "
            f"({number_text(mapping.vmin)} to {number_text(mapping.vmax)}): every pixel would count as flat and the "
            "figure would become one plateau. Use 0 (half the colour scale's resolution) or a "
            f"small share of the range, e.g. {span / 256:.3g}.", parameter="FLAT_TOLERANCE")


# -- MASK_WKT ---------------------------------------------------------------------------------
@contextlib.contextmanager
def _geos_quiet():
    """Keep GEOS's own parse messages out of the log: the error raised says it all."""
    loggers = [logging.getLogger(name) for name in ("shapely.geos", "shapely")]
    saved = [logger.disabled for logger in loggers]
    for logger in loggers:
        logger.disabled = True
    try:
        yield
    finally:
        for logger, was in zip(loggers, saved):
            logger.disabled = was


def parse_mask_wkt(text, parameter="MASK_WKT") -> list:
    """Parse WKT polygons, one per line, refusing anything that is not a usable polygon.

    Parameters
    ----------
    text : str
        One WKT geometry per line (empty lines ignored).
    parameter : str

    Returns
    -------
    list of shapely geometries
        Polygons and multipolygons, repaired when self-intersecting.

    Raises
    ------
    EngineError
        Naming the parameter and the line: not WKT, not a polygon, non-finite coordinates,
        empty, or too large.
    """
    from shapely import wkt

    if len(text) > MAX_WKT_CHARACTERS:
        raise EngineError(f"{parameter} holds {len(text):,} characters, more than the "
                          f"{MAX_WKT_CHARACTERS:,} accepted. Draw the areas as a polygon layer "
                          "and give it as MASK.", parameter=parameter)
    geometries = []
    vertices = 0
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        shown = line if len(line) <= 60 else line[:57] + "..."
        try:
            with _geos_quiet():
                geometry = wkt.loads(line)
        except Exception as error:  # noqa: BLE001 - shapely raises several types for bad WKT
            reason = str(error).splitlines()[0] if str(error) else type(error).__name__
            raise EngineError(
                f"{parameter}, line {number}: '{shown}' is not valid WKT ({reason}). Write one "
                "polygon per line, e.g. POLYGON((0 0, 100 0, 100 -50, 0 -50, 0 0)), with x = "
                "column and y = -row; every ring closed (last point = first).",
                parameter=parameter) from None
        if geometry.geom_type not in ("Polygon", "MultiPolygon"):
            raise EngineError(
                f"{parameter}, line {number}: a {geometry.geom_type}, not a polygon. Only "
                "areas can be left out: give POLYGON or MULTIPOLYGON.", parameter=parameter)
        if geometry.is_empty:
            raise EngineError(f"{parameter}, line {number}: the polygon is empty.",
                              parameter=parameter)
        coordinates = _polygon_coordinates(geometry)
        if not np.all(np.isfinite(coordinates)):
            raise EngineError(f"{parameter}, line {number}: a coordinate is not a finite "
                              "number (NaN or infinity).", parameter=parameter)
        vertices += len(coordinates)
        if vertices > MAX_MASK_VERTICES:
            raise EngineError(f"{parameter}: more than {MAX_MASK_VERTICES:,} vertices. Simplify "
                              "the polygons.", parameter=parameter)
        if not geometry.is_valid:
            with _geos_quiet():
                geometry = _repaired(geometry)
        geometries.append(geometry)
    return geometries


def _repaired(geometry):
    """A self-intersecting polygon made valid, keeping all its area (a bow tie keeps both
    halves; ``buffer(0)`` would keep one)."""
    try:
        from shapely.validation import make_valid
    except ImportError:  # shapely < 1.8
        return geometry.buffer(0)
    return make_valid(geometry)


def _polygon_coordinates(geometry):
    polygons = getattr(geometry, "geoms", [geometry])
    arrays = []
    for polygon in polygons:
        arrays.append(np.asarray(polygon.exterior.coords, dtype=float).reshape(-1, 2))
        arrays.extend(np.asarray(ring.coords, dtype=float).reshape(-1, 2)
                      for ring in polygon.interiors)
    return np.concatenate(arrays) if arrays else np.zeros((0, 2))


# -- paths ------------------------------------------------------------------------------------
def figure_companion_files(path) -> list:
    """The figure and the files GDAL reads beside it: its sidecars (:data:`GDAL_SIDECAR_SUFFIXES`),
    an .aux named after its stem, and its world file (.wld, .pgw, .pngw...)."""
    stem, extension = os.path.splitext(path)
    companions = [path] + [path + suffix for suffix in GDAL_SIDECAR_SUFFIXES]
    companions += [stem + ".aux", stem + ".wld"]
    if len(extension) >= 3:
        letters = extension[1:]
        # GDAL's world file names: .pgw (first and last letter + w) and .pngw.
        for suffix in (letters[0] + letters[-1] + "w", letters + "w"):
            companions += [stem + "." + suffix, stem + "." + suffix.upper()]
    return companions


def output_files(parameter, path) -> list:
    """Every file an output writes: the report's JSON sidecar, a shapefile's parts."""
    files = [path]
    stem, extension = os.path.splitext(path)
    if parameter == "OUTPUT_REPORT":
        from .report import report_json_path

        files.append(report_json_path(path))
    elif extension.lower() == ".shp":
        files += [stem + part for part in _SHAPEFILE_PARTS if part != ".shp"]
    else:
        files.append(path + ".aux.xml")
    return files


def _same_file(first, second):
    """True when two paths name one file: links, '..', relative paths, case-folding file systems."""
    if os.path.normcase(os.path.realpath(first)) == os.path.normcase(os.path.realpath(second)):
        return True
    try:
        return os.path.samefile(first, second)
    except OSError:
        return False


def check_paths(inputs, outputs) -> None:
    """Refuse outputs that would overwrite an input or each other, or cannot be written.

    Parameters
    ----------
    inputs : list of (parameter, list of str)
        Each input parameter and the files it reads (see :func:`figure_companion_files`).
    outputs : list of (parameter, str)
        Each output parameter and its destination file (outputs not asked for left out).

    Raises
    ------
    EngineError
        Naming both parameters when two paths are one file; naming the output when its
        destination is a folder, a device, or in a folder that cannot be written.
    """
    written = [(name, os.fspath(path), file) for name, path in outputs
               for file in output_files(name, os.fspath(path))]
    for name, path in outputs:
        check_destination(name, os.fspath(path))
    for index, (name, path, file) in enumerate(written):
        for input_name, input_files in inputs:
            for input_file in input_files:
                if input_file and os.path.exists(input_file) and _same_file(file, input_file):
                    described = "" if file == path else f" (through its file '{file}')"
                    raise EngineError(
                        f"{name} '{path}'{described} is the same file as {input_name} "
                        f"'{input_file}': writing it would destroy that input. Choose another "
                        f"file name for {name}.", parameter=name)
        for other_name, _, other_file in written[index + 1:]:
            if other_name != name and _same_file(file, other_file):
                raise EngineError(
                    f"{name} and {other_name} are the same file ('{file}'): one output would "
                    f"silently replace the other. Give {other_name} its own file name.",
                    parameter=other_name)
    # After the overlaps: an output onto the figure is that, before it is a misnamed raster.
    for name, path in outputs:
        check_extension(name, os.fspath(path))


#: The raster outputs, written as GeoTIFF whatever their name, and the names that say so.
GEOTIFF_OUTPUTS = ("OUTPUT", "OUTPUT_DISTANCE", "OUTPUT_RECONSTRUCTION")
GEOTIFF_EXTENSIONS = (".tif", ".tiff")


#: The file outputs other than rasters: what each is written as, and the extensions that say so
#: (the first one suggested).
TEXT_OUTPUT_FORMATS = {"OUTPUT_REPORT": ("the report is written as HTML", (".html", ".htm")),
                       "OUTPUT_GCPS": ("the GCPs are written as a QGIS Georeferencer .points "
                                       "file", (".points", ".csv", ".txt"))}


def check_extension(parameter, path) -> None:
    """Refuse an output whose name says another format than the one it will hold.

    A GeoTIFF saved as 'decoded.png' is taken for a PNG by every other program (and by the next
    run, as a figure); a report saved as 'report.tif', for a raster. Rasters must end in .tif,
    the report in .html, the GCPs in .points (or .csv, .txt: they are text).
    """
    if parameter in GEOTIFF_OUTPUTS:
        written_as, extensions = "the raster is written as a GeoTIFF", GEOTIFF_EXTENSIONS
    elif parameter in TEXT_OUTPUT_FORMATS:
        written_as, extensions = TEXT_OUTPUT_FORMATS[parameter]
    else:
        return
    stem, extension = os.path.splitext(path)
    if extension.lower() in extensions:
        return
    named = f"'{extension}' names another format" if extension else "it has no extension"
    raise EngineError(
        f"{parameter} '{path}': {written_as}, but {named}. Give a file name ending in "
        f"{extensions[0]}, e.g. '{stem if extension else path}{extensions[0]}'.",
        parameter=parameter)


#: A file name of each output's own kind, for the messages that suggest one.
EXAMPLE_FILE_NAMES = {"OUTPUT": "decoded.tif", "OUTPUT_DISTANCE": "distance.tif",
                      "OUTPUT_RECONSTRUCTION": "reconstruction.tif",
                      "OUTPUT_POINTS": "points.gpkg", "OUTPUT_REPORT": "report.html",
                      "OUTPUT_GCPS": "gcps.points"}


def check_file_name(parameter, path) -> None:
    """Refuse a destination no file can be written as: a name holding a NUL character, a GDAL
    virtual path (``/vsimem/…``: Python would make a real folder of that name), or a name (of
    the output or of a file written beside it, see :func:`output_files`) longer than the file
    system allows, which would fail only when the finished output is moved into place.
    """
    if "\x00" in path:
        raise EngineError(f"{parameter}: the file name holds a NUL character (\\0), which no file "
                          "name can hold. Type or paste it again.", parameter=parameter)
    if path.replace("\\", "/").startswith("/vsi"):
        raise EngineError(f"{parameter} '{path}' is a GDAL virtual file system path, not a file "
                          "on disk. Give a file name in a folder you can write to.",
                          parameter=parameter)
    folder = os.path.dirname(os.path.abspath(path))
    existing = folder
    while not os.path.isdir(existing) and os.path.dirname(existing) != existing:
        existing = os.path.dirname(existing)
    try:
        longest_name = os.pathconf(existing, "PC_NAME_MAX")
        longest_path = os.pathconf(existing, "PC_PATH_MAX")
    except (OSError, ValueError, AttributeError):  # no pathconf (Windows), or no such limit
        longest_name, longest_path = 255, 4096
    for file in output_files(parameter, path):
        name_bytes = len(os.fsencode(os.path.basename(file)))
        if name_bytes > longest_name:
            named = ("its file name" if file == path else
                     f"the name of the file '{os.path.basename(file)}' written beside it")
            raise EngineError(
                f"{parameter} '{path}': {named} is {name_bytes} bytes long, more than the "
                f"{longest_name} the file system allows. Choose a shorter name.",
                parameter=parameter)
        if len(os.fsencode(os.path.abspath(file))) >= longest_path:
            raise EngineError(
                f"{parameter} '{path}': the path is longer than the {longest_path} bytes the "
                "file system allows. Choose a shorter folder or name.", parameter=parameter)


def check_destination(parameter, path) -> None:
    """Refuse a destination that is a folder or device, or whose folder cannot be written.

    The folder is tested by creating (and removing) a temporary file in it, which is what
    writing will do; a missing folder is tested at its nearest existing parent (it is created
    when the output is written).
    """
    check_file_name(parameter, path)
    if os.path.isdir(path):
        example = EXAMPLE_FILE_NAMES.get(parameter, "decoded.tif")
        raise EngineError(f"{parameter} '{path}' is a folder. Give a file name in it, e.g. "
                          f"'{os.path.join(path, example)}'.", parameter=parameter)
    if os.path.exists(path) and not os.path.isfile(path):
        raise EngineError(f"{parameter} '{path}' is not a regular file (a device, pipe or "
                          "socket) and cannot be replaced by an output. Choose a file name.",
                          parameter=parameter)
    folder = os.path.dirname(os.path.abspath(path))
    existing = folder
    while not os.path.exists(existing):
        parent = os.path.dirname(existing)
        if parent == existing:
            break
        existing = parent
    if not os.path.isdir(existing):
        raise EngineError(f"Cannot write in the folder '{folder}': '{existing}' is a file, not "
                          "a folder. Choose another destination, in a folder you can write to.",
                          parameter=parameter)
    try:
        handle, probe = tempfile.mkstemp(prefix=".write-test-", dir=existing)
    except OSError as error:
        from .writing import write_failure_advice

        raise EngineError(f"Cannot write in the folder '{existing}' ({error.strerror or error}). "
                          + write_failure_advice(error, existing), parameter=parameter) from None
    os.close(handle)
    with contextlib.suppress(OSError):
        os.remove(probe)
