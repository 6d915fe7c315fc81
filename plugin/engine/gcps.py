"""Reading and writing ground control points (GCPs) that tie a figure's pixels to a map.

Two file formats are understood:

* the QGIS Georeferencer ``.points`` file, as QGIS 3.22 writes it::

      #CRS: <WKT of the map coordinates' CRS>
      mapX,mapY,pixelX,pixelY,enable,dX,dY,residual
      523000.5,5281000.25,10.5,-20.5,1,0,0,0

  Newer QGIS versions name the source columns ``sourceX,sourceY``; files from old versions
  have no ``#CRS:`` line, may have only the first four or five columns and may separate them
  with tabs. The Georeferencer shows an image that has no georeferencing of its own with the
  y axis pointing *up*, so ``pixelY``/``sourceY`` is minus the row (``-row``);

* a plain CSV table with the header ``pixel_x,pixel_y,map_x,map_y`` and an optional
  ``enabled`` column, separated by ``,``, ``;`` or tabs, where ``pixel_y`` is the row (y
  *down*).

Whatever the file, :class:`GroundControlPoints` holds pixel coordinates the GDAL way: ``(0, 0)``
is the top-left corner of the image, the first pixel's centre is ``(0.5, 0.5)``, x grows to the
right and y grows *down* (x = column, y = row, in pixels).
"""
import csv
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .errors import EngineError, GcpError
from .validation import read_text_input, text_of_input
from .writing import write_text

#: Header QGIS 3.22 writes to (and the Georeferencer expects at the top of) a ``.points`` file.
POINTS_HEADER = "mapX,mapY,pixelX,pixelY,enable,dX,dY,residual"
#: Header of the plain CSV format (``enabled`` is optional).
CSV_HEADER = "pixel_x,pixel_y,map_x,map_y,enabled"

_POINTS_CRS_PREFIX = "#CRS:"
_POINTS_X_NAMES = ("pixelx", "sourcex")
_POINTS_Y_NAMES = ("pixely", "sourcey")
_CSV_REQUIRED = ("pixel_x", "pixel_y", "map_x", "map_y")
_CSV_DELIMITERS = (",", ";", "\t")
_TRUE_WORDS = {"1", "true", "yes", "y", "t", "on"}
_FALSE_WORDS = {"0", "false", "no", "n", "f", "off"}


@dataclass
class GroundControlPoints:
    """Pairs of pixel and map positions, as read from a GCP file.

    Attributes
    ----------
    pixel : ndarray of float64, shape (n, 2)
        Pixel position of each point: x = column, y = row, in pixels, origin at the top-left
        corner of the image, y pointing *down* (GDAL's pixel/line convention).
    map : ndarray of float64, shape (n, 2)
        Map position of each point, in the units of `crs` (easting, northing or lon, lat as
        the CRS's x/y, i.e. the order QGIS uses for ``mapX, mapY``).
    enabled : ndarray of bool, shape (n,)
        Whether the point takes part in fitting a transform.
    crs : str or None
        CRS of the map coordinates as text (the WKT of the ``#CRS:`` line), or None when the
        file does not say.
    source : str
        File the points came from, for messages.
    labels : list of str
        Name of each point in messages, e.g. ``"GCP 3 (line 5)"``.
    in_layer_frame : bool
        True for a QGIS Georeferencer ``.points`` file: its source coordinates are where QGIS
        showed the image, which for an image that already has georeferencing is that
        georeferencing, not pixels (see :func:`gcps_on_georeferenced_figure`).
    """

    pixel: np.ndarray
    map: np.ndarray
    enabled: np.ndarray
    crs: "str | None" = None
    source: str = "<memory>"
    labels: list = field(default_factory=list)
    in_layer_frame: bool = False

    def __post_init__(self):
        self.pixel = np.asarray(self.pixel, dtype=np.float64).reshape(-1, 2)
        self.map = np.asarray(self.map, dtype=np.float64).reshape(-1, 2)
        count = len(self.pixel)
        if self.enabled is None:
            self.enabled = np.ones(count, dtype=bool)
        self.enabled = np.asarray(self.enabled, dtype=bool).reshape(-1)
        if not self.labels:
            self.labels = [f"GCP {index + 1}" for index in range(count)]
        self.labels = list(self.labels)
        if not (len(self.map) == len(self.enabled) == len(self.labels) == count):
            raise ValueError(
                f"GroundControlPoints needs as many map positions ({len(self.map)}), enabled "
                f"flags ({len(self.enabled)}) and labels ({len(self.labels)}) as pixel "
                f"positions ({count})."
            )

    def __len__(self):
        return len(self.pixel)

    def active(self) -> "GroundControlPoints":
        """Return only the enabled points (the ones a transform is fitted to).

        Returns
        -------
        GroundControlPoints
            A copy holding the enabled points, in file order, with their labels.
        """
        keep = np.flatnonzero(self.enabled)
        return GroundControlPoints(
            pixel=self.pixel[keep].copy(),
            map=self.map[keep].copy(),
            enabled=np.ones(len(keep), dtype=bool),
            crs=self.crs,
            source=self.source,
            labels=[self.labels[index] for index in keep],
            in_layer_frame=self.in_layer_frame,
        )


def gcps_on_georeferenced_figure(gcps, geotransform) -> "GroundControlPoints":
    """Turn a ``.points`` file's source coordinates into pixels for a georeferenced image.

    The QGIS Georeferencer shows an image that already has georeferencing (a GeoTIFF, a world
    file) in those coordinates, and saves them as ``sourceX, sourceY``; this reader read them as
    ``(column, -row)``. CSV files always hold pixels and are returned unchanged.

    Parameters
    ----------
    gcps : GroundControlPoints
    geotransform : tuple of 6 floats or None
        The image's GDAL geotransform.

    Returns
    -------
    GroundControlPoints
    """
    if geotransform is None or not gcps.in_layer_frame:
        return gcps
    from affine import Affine

    inverse = ~Affine.from_gdal(*geotransform)
    column, row = inverse * (gcps.pixel[:, 0], -gcps.pixel[:, 1])
    return GroundControlPoints(np.column_stack([column, row]), gcps.map.copy(),
                               gcps.enabled.copy(), gcps.crs, gcps.source, list(gcps.labels),
                               in_layer_frame=False)


def read_gcps(path) -> "GroundControlPoints":
    """Read ground control points from a QGIS ``.points`` file or a CSV table.

    The format is recognised from the content, not the file name: a ``#CRS:`` first line or a
    header starting with ``mapX`` means a QGIS Georeferencer file, a header naming
    ``pixel_x, pixel_y, map_x, map_y`` (any case, any order, separated by ``,`` ``;`` or tab)
    means the CSV table.

    Parameters
    ----------
    path : str or path-like
        File to read.

    Returns
    -------
    GroundControlPoints
        Pixel positions with y pointing down (the ``.points`` ``pixelY = -row`` is turned back
        into the row), map positions, enabled flags, the CRS text (``.points`` only) and labels
        ``"GCP k (line L)"`` counting points and file lines from 1.

    Raises
    ------
    GcpError
        The file is missing, unreadable or empty, its header is not one of the two formats,
        a value is missing, not a number or not finite, or no point is enabled. The message
        names the file and line.
    """
    path = Path(path)
    lines = _read_text_lines(path)
    first_index = next((index for index, line in enumerate(lines) if line.strip()), None)
    if first_index is None:
        raise GcpError(
            f"GCP file {path} is empty. Save the ground control points from the QGIS "
            f"Georeferencer (.points) or write a CSV table with the header {CSV_HEADER}."
        )
    first_line = lines[first_index].strip()
    if first_line.startswith(_POINTS_CRS_PREFIX) or _looks_like_points_header(first_line):
        gcps = _parse_points_lines(path, lines, first_index)
        gcps.in_layer_frame = True
    else:
        gcps = _parse_csv_lines(path, lines, first_index)
    if len(gcps) == 0:
        raise GcpError(f"GCP file {path} has a header but no points. Add at least one GCP line.")
    if not gcps.enabled.any():
        raise GcpError(
            f"GCP file {path} has {len(gcps)} points but none is enabled. Enable the points to "
            f"use (enable/enabled column = 1)."
        )
    return gcps


def write_points_file(path, gcps) -> None:
    """Write ground control points as a QGIS Georeferencer ``.points`` file.

    The file is laid out as QGIS 3.22 writes it, so the Georeferencer loads it unchanged: a
    ``#CRS: <WKT>`` line (left out when `gcps.crs` is None, in which case QGIS assumes the
    project CRS), the header :data:`POINTS_HEADER`, then one line per point with
    ``pixelY = -row`` (QGIS's y-up view of an image without georeferencing), ``enable`` as
    ``1``/``0``, and zero ``dX,dY,residual`` (QGIS recomputes them). Numbers are written with
    the shortest text that reads back to the same float64 (full precision).

    Parameters
    ----------
    path : str or path-like
        File to write (replaced atomically).
    gcps : GroundControlPoints
        Points to write, disabled ones included.

    Raises
    ------
    GcpError
        The file cannot be written.
    """
    path = Path(path)
    rows = []
    if gcps.crs:
        # A WKT pretty-printed over several lines must stay on the one '#CRS:' line QGIS reads.
        crs_text = " ".join(part.strip() for part in str(gcps.crs).splitlines() if part.strip())
        rows.append(f"{_POINTS_CRS_PREFIX} {crs_text}")
    rows.append(POINTS_HEADER)
    for (pixel_x, row), (map_x, map_y), enabled in zip(gcps.pixel, gcps.map, gcps.enabled):
        values = (map_x, map_y, pixel_x, -row)
        rows.append(",".join(_format_number(value) for value in values) + f",{int(bool(enabled))},0,0,0")
    # QGIS writes '\n' line ends on every platform, as write_text does; written under a
    # temporary name and moved into place, so a failure leaves a previous file intact.
    try:
        write_text(str(path), "\n".join(rows) + "\n", parameter=GcpError.parameter,
                   what="the GCP file")
    except EngineError as error:
        raise GcpError(str(error)) from error


def _read_text_lines(path):
    if not path.exists():
        raise GcpError(f"GCP file {path} does not exist. Check the path of the ground control points file.")
    if path.is_dir():
        raise GcpError(f"GCP path {path} is a folder, not a file. Choose the .points or .csv file itself.")
    # A regular file of bounded size only: /dev/zero or a FIFO would never end.
    text = text_of_input(read_text_input(path, "GCPS", "GCP file", error=GcpError))
    if text is None:
        raise GcpError(
            f"GCP file {path} is not a text file. Choose a QGIS Georeferencer .points file or "
            f"a CSV table with the header {CSV_HEADER}."
        )
    return text.splitlines()


def _beyond_the_header(path, line_number, fields, names, separator):
    """Refuse a row holding values in more columns than its header names: a decimal comma
    in a comma-separated file ('112,5' is two values) shifts every value after it, and the
    point would be read from the wrong columns in silence. Empty values beyond (a trailing
    separator) are fine."""
    extra = [value for value in fields[len(names):] if value.strip()]
    if not extra:
        return
    shown = separator.join(field.strip() for field in fields)
    hint = (" A decimal comma in a comma-separated file splits a number in two: write decimals "
            "with a point, or separate the values with ';' (then '112,5' reads 112.5)."
            if separator == "," else "")
    raise GcpError(
        f"GCP file {path}, line {line_number}: {len(fields)} values ({shown[:80]}"
        f"{'...' if len(shown) > 80 else ''}) where the header names {len(names)} columns "
        f"({separator.join(names)[:80]}); which value is which cannot be told.{hint} Fix or "
        "delete this line.")


def _looks_like_points_header(line):
    names = [name.strip().lower() for name in _split_points_line(line)]
    return len(names) >= 2 and names[0] == "mapx" and names[1] == "mapy"


def _split_points_line(line):
    # Same rule as the QGIS loader: commas in current files, tabs in files of the old plugin.
    return line.split(",") if "," in line else line.split("\t")


def _parse_points_lines(path, lines, first_index):
    crs = None
    header_index = first_index
    first_line = lines[first_index].strip()
    if first_line.startswith(_POINTS_CRS_PREFIX):
        crs = first_line[len(_POINTS_CRS_PREFIX):].strip() or None
        header_index = next(
            (index for index in range(first_index + 1, len(lines)) if lines[index].strip()), None
        )
        if header_index is None:
            raise GcpError(
                f"GCP file {path} has a '#CRS:' line but no header and no points. Expected the "
                f"header {POINTS_HEADER} on line {first_index + 2}."
            )
    header_line_number = header_index + 1
    names = [name.strip().lower() for name in _split_points_line(lines[header_index].strip())]
    if (
        len(names) < 4
        or names[:2] != ["mapx", "mapy"]
        or names[2] not in _POINTS_X_NAMES
        or names[3] not in _POINTS_Y_NAMES
    ):
        raise GcpError(
            f"GCP file {path}, line {header_line_number}: header {lines[header_index].strip()!r} is "
            f"not a QGIS Georeferencer header. Expected {POINTS_HEADER} (or with "
            f"sourceX,sourceY instead of pixelX,pixelY)."
        )
    has_enable_column = len(names) >= 5 and names[4] == "enable"
    header_names = [name.strip() for name in _split_points_line(lines[header_index].strip())]
    column_names = ("mapX", "mapY", "pixelX" if names[2] == "pixelx" else "sourceX",
                    "pixelY" if names[3] == "pixely" else "sourceY")

    pixel, map_xy, enabled, labels = [], [], [], []
    for index in range(header_index + 1, len(lines)):
        line = lines[index].strip()
        if not line or line.startswith("#"):
            continue
        line_number = index + 1
        fields = _split_points_line(line)
        _beyond_the_header(path, line_number, fields, header_names,
                           "," if "," in line else "\t")
        if len(fields) < 4:
            raise GcpError(
                f"GCP file {path}, line {line_number}: {len(fields)} value(s) where at least 4 are "
                f"needed ({','.join(column_names)}). Fix or delete this line."
            )
        map_x, map_y, source_x, source_y = (
            _parse_number(path, line_number, name, text) for name, text in zip(column_names, fields[:4])
        )
        is_enabled = True
        if has_enable_column and len(fields) >= 5 and fields[4].strip():
            is_enabled = _parse_flag(path, line_number, "enable", fields[4])
        # QGIS shows an image without georeferencing with y up, so sourceY = -row.
        pixel.append((source_x, 0.0 - source_y))
        map_xy.append((map_x, map_y))
        enabled.append(is_enabled)
        labels.append(f"GCP {len(labels) + 1} (line {line_number})")
    return GroundControlPoints(
        pixel=np.array(pixel, dtype=np.float64).reshape(-1, 2),
        map=np.array(map_xy, dtype=np.float64).reshape(-1, 2),
        enabled=np.array(enabled, dtype=bool),
        crs=crs,
        source=str(path),
        labels=labels,
    )


def _parse_csv_lines(path, lines, first_index):
    header_line_number = first_index + 1
    header_line = lines[first_index]
    delimiter, columns = _find_csv_columns(header_line)
    header_names = None if delimiter is None else \
        [name.strip() for name in next(csv.reader([header_line], delimiter=delimiter))]
    if delimiter is None:
        raise GcpError(
            f"GCP file {path}, line {header_line_number}: header {header_line.strip()!r} is "
            f"neither a QGIS Georeferencer header ({POINTS_HEADER}) nor a CSV header with the "
            f"columns {CSV_HEADER} ('enabled' optional; separated by ',', ';' or tab)."
        )
    read_names = [name.strip().strip('"').strip().lower() for name in header_names]
    twice = [name for name in (*_CSV_REQUIRED, "enabled") if read_names.count(name) > 1]
    if twice:
        # Which of the two holds the values cannot be told (the last one was read, in silence).
        raise GcpError(
            f"GCP file {path}, line {header_line_number}: the header names the column "
            f"{twice[0]!r} {read_names.count(twice[0])} times (columns "
            f"{', '.join(str(i + 1) for i, n in enumerate(read_names) if n == twice[0])}); which "
            f"one holds the values cannot be told. Rename or delete the others, so that each of "
            f"{CSV_HEADER} appears once.")
    pixel, map_xy, enabled, labels = [], [], [], []
    data_lines = lines[first_index + 1:]
    for offset, fields in enumerate(_csv_rows(data_lines, delimiter, path, header_line_number + 1)):
        line_number = header_line_number + 1 + offset
        if not fields or all(not value.strip() for value in fields):
            continue
        _beyond_the_header(path, line_number, fields, header_names, delimiter)
        # A trailing 'enabled' value may be left out (the point is then enabled).
        needed = max(columns[name] for name in _CSV_REQUIRED) + 1
        if len(fields) < needed:
            raise GcpError(
                f"GCP file {path}, line {line_number}: {len(fields)} value(s) where the header "
                f"needs at least {needed}. Fix or delete this line."
            )
        values = {
            name: _parse_number(path, line_number, name, fields[columns[name]],
                                decimal_comma=delimiter != ",")
            for name in _CSV_REQUIRED
        }
        is_enabled = True
        if "enabled" in columns and columns["enabled"] < len(fields) and fields[columns["enabled"]].strip():
            is_enabled = _parse_flag(path, line_number, "enabled", fields[columns["enabled"]])
        pixel.append((values["pixel_x"], values["pixel_y"]))
        map_xy.append((values["map_x"], values["map_y"]))
        enabled.append(is_enabled)
        labels.append(f"GCP {len(labels) + 1} (line {line_number})")
    return GroundControlPoints(
        pixel=np.array(pixel, dtype=np.float64).reshape(-1, 2),
        map=np.array(map_xy, dtype=np.float64).reshape(-1, 2),
        enabled=np.array(enabled, dtype=bool),
        crs=None,
        source=str(path),
        labels=labels,
    )


def _csv_rows(lines, delimiter, path, first_line_number):
    """The CSV reader's rows; its own errors (a field over 128 kB, a stray quote) as GcpError."""
    reader = csv.reader(lines, delimiter=delimiter, skipinitialspace=True)
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise GcpError(
                f"GCP file {path}, line {first_line_number + reader.line_num - 1}: cannot be read "
                f"as CSV ({error}). Fix or delete this line.") from None
        yield fields


def _find_csv_columns(header_line):
    """Pick the separator under which the header names every required column.

    Trying each candidate is sturdier than csv.Sniffer on a one-line sample, which guesses
    wrong when a header has no repeated separator pattern.
    """
    for delimiter in _CSV_DELIMITERS:
        try:
            names = next(csv.reader([header_line], delimiter=delimiter))
        except csv.Error:  # e.g. a field over the csv module's size limit: not a header
            continue
        names = [name.strip().strip('"').strip().lower() for name in names]
        columns = {name: index for index, name in enumerate(names) if name}
        if all(name in columns for name in _CSV_REQUIRED):
            wanted = {name: columns[name] for name in _CSV_REQUIRED}
            if "enabled" in columns:
                wanted["enabled"] = columns["enabled"]
            return delimiter, wanted
    return None, None


#: A number written with its digits grouped in thousands ('5,193,000', '5.193.000',
#: '5 193 000', "5'193'000"), maybe with decimals: no separator a GCP file can be read with.
_GROUPED_DIGITS = re.compile(r"[+-]?\d{1,3}(?:([,.\s'\u00a0\u202f])\d{3})(?:\1\d{3})*(?:[.,]\d+)?")


def _parse_number(path, line_number, column, text, decimal_comma=False):
    """The number a GCP file's field holds; refused naming the line, the column and the field
    exactly as the file writes it (never as converted for reading: '5,193,000' was quoted as
    '5.193.000', a number the file never held).

    ``decimal_comma``: the field may use a decimal comma ('12,5'), as spreadsheets in many
    locales write ';'- and tab-separated files.
    """
    stripped = text.strip()
    if not stripped:
        raise GcpError(f"GCP file {path}, line {line_number}: the {column} value is empty. Fill it in or "
                       "delete the line.")
    readable = stripped.replace(",", ".") if decimal_comma and "," in stripped and \
        "." not in stripped else stripped
    try:
        value = float(readable)
    except ValueError:
        grouped = _GROUPED_DIGITS.fullmatch(stripped) is not None
        raise GcpError(
            f"GCP file {path}, line {line_number}: {column} value {stripped!r} is not a number"
            + (" (its digits are grouped in thousands)" if grouped else "")
            + ". Use plain decimal numbers such as 523000.25, without thousands separators."
        ) from None
    if not math.isfinite(value):
        raise GcpError(
            f"GCP file {path}, line {line_number}: {column} value {stripped!r} is not finite. "
            f"Give the real coordinate or delete the line."
        )
    return value


def _parse_flag(path, line_number, column, text):
    word = text.strip().strip('"').lower()
    if word in _TRUE_WORDS:
        return True
    if word in _FALSE_WORDS:
        return False
    raise GcpError(
        f"GCP file {path}, line {line_number}: {column} value {text.strip()!r} is not a yes/no "
        f"flag. Use 1/0, true/false or yes/no."
    )


def _format_number(value):
    """Shortest text that reads back to exactly `value`, like QGIS's qgsDoubleToString.

    Whole numbers are written without a decimal part ("1200", not "1200.0"), and -0 as "0".
    """
    value = float(value)
    if value == 0.0:
        return "0"
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def evenly_spread_subset(gcps, count) -> "GroundControlPoints":
    """Keep ``count`` of the enabled GCPs, spread evenly over the figure; disable the others.

    Farthest-point sampling on the pixel positions: start from the point nearest the enabled
    points' centroid, then repeatedly add the point farthest from every point kept so far.
    Deterministic, and it keeps the GCPs at the figure's edges, where a transform needs them.

    Parameters
    ----------
    gcps : GroundControlPoints
    count : int
        How many enabled points to keep.

    Returns
    -------
    GroundControlPoints
        The same points, with only the chosen ones enabled (the others can serve as check
        points); ``gcps`` itself when it has no more than ``count`` enabled points.
    """
    enabled = np.flatnonzero(gcps.enabled)
    if len(enabled) <= count:
        return gcps
    positions = gcps.pixel[enabled]
    first = int(np.argmin(np.sum((positions - positions.mean(axis=0)) ** 2, axis=1)))
    chosen = [first]
    nearest = np.sum((positions - positions[first]) ** 2, axis=1)
    for _ in range(count - 1):
        following = int(np.argmax(nearest))
        chosen.append(following)
        nearest = np.minimum(nearest, np.sum((positions - positions[following]) ** 2, axis=1))
    keep = np.zeros(len(gcps), dtype=bool)
    keep[enabled[chosen]] = True
    return GroundControlPoints(gcps.pixel.copy(), gcps.map.copy(), keep, gcps.crs, gcps.source,
                               list(gcps.labels), gcps.in_layer_frame)
