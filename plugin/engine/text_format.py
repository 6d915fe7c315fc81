"""Numbers and tables as people read them: rounded to what matters, aligned, with units.

No QGIS import. Used by the log lines of :mod:`.pipeline` and :mod:`.gcp_transform` and by the
HTML report (:mod:`.report`).
"""
import math

import numpy as np

#: Decimals of lengths in figure pixels (GCP residuals and errors): 0.001 px.
PIXEL_DECIMALS = 3


class TableText(str):
    """A log message laid out in columns with spaces (one line of a table).

    A plain ``str`` to every caller; a log that shows messages in a proportional font, or
    collapses runs of spaces (QGIS's Processing log is HTML), can tell it apart and show it in
    a fixed-width font with the spaces kept.
    """


def fixed(value, decimals) -> str:
    """`value` with `decimals` digits after the point; tiny non-zero values as '< 0.001'.

    Parameters
    ----------
    value : float
    decimals : int
        Digits after the decimal point (0 or more).

    Returns
    -------
    str
        'n/a' for NaN or infinity; '< 0.001' (for 3 decimals) when the
        value is not zero but rounds to zero, so that a residual of 4e-14 px neither shows
        as '4.01694e-14' nor pretends to be exactly 0.
    """
    value = float(value)
    decimals = max(0, int(decimals))
    if not math.isfinite(value):
        return "n/a"
    smallest = 10.0 ** -decimals
    if 0 < abs(value) < 0.5 * smallest:
        return f"{'> -' if value < 0 else '< '}{smallest:.{decimals}f}"
    return f"{value:.{decimals}f}"


def number_text(value) -> str:
    """A number as a message quotes a value given or read: every digit it holds.

    The one way refusals and warnings write a user's numbers: ``f"{value:g}"`` kept six
    significant digits (a GCP at northing 5,193,000.5 or VMIN = 5193000 and VMAX = 5192999
    showed as '5.193e+06', two different values quoted alike), and a locale's grouping
    ('5.193.000') reads as another number elsewhere. Whole numbers below 10^16 are written
    without a point or exponent ('5193000'), others as the shortest text that reads back as
    the same float ('598250.5', '1e-07', '1e+308'); NaN and infinities as 'nan', 'inf', '-inf'.

    Parameters
    ----------
    value : float or int

    Returns
    -------
    str
    """
    value = float(value)
    if not math.isfinite(value):
        return str(value)
    if value == int(value) and abs(value) < 1e16:
        return str(int(value))
    return repr(value)


def numbers_text(values, separator=", ") -> str:
    """Numbers as a message quotes them, each with every digit it holds (:func:`number_text`),
    joined by ``separator``: an extent's four corners, a list of class boundaries.

    Parameters
    ----------
    values : iterable of float or int
    separator : str

    Returns
    -------
    str
    """
    return separator.join(number_text(value) for value in values)


def decimals_for(step) -> int:
    """Digits after the point that show a quantity known to about `step` (a positive number).

    ``decimals_for(15.6) == 0``, ``decimals_for(0.25) == 1``, ``decimals_for(1e-5) == 5``.
    """
    step = abs(float(step))
    if not math.isfinite(step) or step == 0:
        return 3
    return max(0, int(math.ceil(-math.log10(step) - 1e-9)))


def unit_symbol(unit_name) -> str:
    """A short symbol for a CRS axis unit name: 'metre' -> 'm', 'degree' -> '°'."""
    if not unit_name:
        return "map units"
    symbols = {"metre": "m", "meter": "m", "degree": "°", "kilometre": "km", "foot": "ft",
               "US survey foot": "US ft"}
    return symbols.get(unit_name, unit_name)


#: Most GCPs whose pairs :func:`map_units_per_pixel` compares.
MAX_PAIRED_POINTS = 300


def map_units_per_pixel(pixel, map_xy, enabled=None) -> float:
    """The typical size of one figure pixel in map units, from GCPs.

    Parameters
    ----------
    pixel, map_xy : ndarray, shape (n, 2)
        GCPs' pixel and map positions.
    enabled : ndarray of bool, optional

    Returns
    -------
    float
        Median over pairs of GCPs of map distance / pixel distance; NaN when fewer than two
        distinct usable points.
    """
    pixel, map_xy = np.asarray(pixel, float), np.asarray(map_xy, float)
    use = np.all(np.isfinite(pixel), axis=1) & np.all(np.isfinite(map_xy), axis=1)
    if enabled is not None:
        use &= np.asarray(enabled, bool)
    pixel, map_xy = pixel[use], map_xy[use]
    if len(pixel) < 2:
        return float("nan")
    if len(pixel) > MAX_PAIRED_POINTS:
        # Every pair of 10,000 GCPs is 50 million pairs (gigabytes); the median of a few
        # hundred points' pairs is as good a typical scale.
        keep = np.linspace(0, len(pixel) - 1, MAX_PAIRED_POINTS).round().astype(int)
        pixel, map_xy = pixel[keep], map_xy[keep]
    first, second = np.triu_indices(len(pixel), 1)
    pixel_distance = np.hypot(*(pixel[first] - pixel[second]).T)
    map_distance = np.hypot(*(map_xy[first] - map_xy[second]).T)
    keep = pixel_distance > 0
    if not keep.any():
        return float("nan")
    return float(np.median(map_distance[keep] / pixel_distance[keep]))


def aligned_table(header, rows, align=None) -> list:
    """Lines of a table whose columns are padded with spaces to line up in a fixed-width font.

    Parameters
    ----------
    header : sequence of str
    rows : sequence of sequences of str
    align : str, optional
        One character per column, '<' (left) or '>' (right); default: first column left,
        the others right.

    Returns
    -------
    list of TableText
        The header line, then one line per row.
    """
    columns = len(header)
    align = align or "<" + ">" * (columns - 1)
    widths = [max(len(str(line[i])) for line in [header, *rows]) for i in range(columns)]
    return [TableText("  ".join(f"{str(cell):{align[i]}{widths[i]}}"
                                for i, cell in enumerate(line)).rstrip())
            for line in [header, *rows]]


def map_decimals(pixel, map_xy, enabled=None) -> int:
    """Decimals that show map lengths to what 0.001 px is on the map (2 to 9).

    Pixel errors are shown to 0.001 px; map errors to the same precision, so a residual of
    3e-12 px reads '< 0.001' in both columns.

    Parameters
    ----------
    pixel, map_xy : ndarray, shape (n, 2)
        GCPs' pixel and map positions.
    enabled : ndarray of bool, optional

    Returns
    -------
    int
        2 when the map scale cannot be told (fewer than two usable GCPs).
    """
    per_pixel = map_units_per_pixel(pixel, map_xy, enabled)
    if not np.isfinite(per_pixel):
        return 2
    return min(9, max(2, decimals_for(0.001 * per_pixel)))
