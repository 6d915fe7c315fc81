"""The decode window's work on one figure, kept beside the figure so it can be decoded again.

A session is what the user found or fixed on a figure: the map frame (plot area), the colorbar
box, the colour scale and its range, the ground control points, the CRSs and the transform. It
is saved as two files beside the figure:

* ``<figure>.points``: the GCPs as the QGIS Georeferencer writes them (its own ``.points``
  format, which the Georeferencer loads for this figure, and ``decodemap`` reads as GCPS);
* ``<figure>.colormap_decoder.json``: everything else, small and readable.

Boxes are kept in figure pixels, ``(col0, row0, col1, row1)`` with y down and (0, 0) the
figure's top-left corner (floats: a box edge may lie between pixels); :func:`pixel_box_to_extent`
turns them into the layer extents ``decodemap``'s PLOT_AREA and COLORBAR take.
"""
import json
import math
import os
import shutil
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Optional

import numpy as np

from .errors import EngineError
from .gcps import GroundControlPoints, gcps_on_georeferenced_figure, read_gcps, write_points_file
from .pipeline import DecodeSettings
from .regions import layer_to_pixel_affine

SESSION_SUFFIX = ".colormap_decoder.json"
POINTS_SUFFIX = ".points"
SESSION_FORMAT = 1


class SessionError(EngineError):
    """A session file cannot be read or written."""

    parameter = "INPUT"


@dataclass
class Session:
    """Everything the decode window knows about one figure.

    Attributes
    ----------
    figure_path : str
    frame, colorbar : tuple (col0, row0, col1, row1) of float, or None
        The map frame (PLOT_AREA) and the colorbar box, in figure pixels, y down.
    colorbar_flip : bool
        The colorbar's low end is at its top (vertical) or right end (horizontal).
    use_colorbar : bool
        The colour scale is sampled from the colorbar box (else ``colormap`` names it).
    colormap : str
        Colormap name or ``.cpt`` path.
    vmin, vmax : float or None
        Values at the low and high end of the scale.
    logarithmic : bool
    levels : tuple of float or None
        Class boundaries of a discrete figure.
    max_color_distance : float or None
        CIELAB ΔE above which a pixel is not data; None lets the figure's own colour noise
        decide, as ``decodemap`` does with ``MAX_COLOR_DISTANCE`` left empty.
    match_space : str
        "auto", "cielab", "ycbcr" or "srgb".
    transform : int
        ``gcp_transform.TransformKind`` value.
    gcp_crs, target_crs : str or None
        CRSs as text (authority code, WKT or PROJ string).
    gcps : GroundControlPoints or None
        Pixel positions y down; saved in the ``.points`` file, not in the JSON.
    """

    figure_path: str
    frame: Optional[tuple] = None
    colorbar: Optional[tuple] = None
    colorbar_flip: bool = False
    use_colorbar: bool = False
    colormap: str = ""
    vmin: Optional[float] = None
    vmax: Optional[float] = None
    logarithmic: bool = False
    levels: Optional[tuple] = None
    max_color_distance: Optional[float] = None
    match_space: str = "auto"
    transform: int = 0
    gcp_crs: Optional[str] = None
    target_crs: Optional[str] = None
    gcps: Optional[GroundControlPoints] = field(default=None, repr=False)

    def decode_settings(self, geotransform=None, gcps_path=None, qgis_resources=None) -> "DecodeSettings":
        """The pipeline settings of this session (for the preview and for scripts).

        Parameters
        ----------
        geotransform : tuple of 6 floats or None
            The figure's own geotransform, when it is georeferenced (boxes become extents in
            its map coordinates, as QGIS shows the layer).
        gcps_path : str or None
            The ``.points`` file holding :attr:`gcps`.
        qgis_resources : str or None
            QGIS's resources folder, for QGIS colour ramps and cpt-city.

        Returns
        -------
        pipeline.DecodeSettings
        """
        mask = self.colorbar_mask_wkt(geotransform)
        return DecodeSettings(
            figure_path=self.figure_path, mask_geometries=(mask,) if mask else (),
            colormap="" if self.use_colorbar else self.colormap.strip(),
            colorbar_extent=(pixel_box_to_extent(self.colorbar, geotransform)
                             if self.use_colorbar and self.colorbar is not None else None),
            colorbar_flip=self.colorbar_flip,
            vmin=self.vmin, vmax=self.vmax, logarithmic=self.logarithmic,
            levels=tuple(self.levels) if self.levels else None,
            plot_area_extent=(pixel_box_to_extent(self.frame, geotransform)
                              if self.frame is not None else None),
            max_color_distance=self.max_color_distance,
            match_space=self.match_space,
            gcps_path=gcps_path, gcp_crs=self.gcp_crs, transform=self.transform,
            target_crs=self.target_crs, qgis_resources=qgis_resources)


    def colorbar_mask_wkt(self, geotransform=None) -> str | None:
        """The colorbar box as a polygon to leave out, when a named colormap decodes the figure
        and the colorbar lies on the map (a legend inside the frame), else None.

        Sampled from the colorbar, the scale leaves the bar out by itself; named, nothing else
        would keep the bar's colours from being decoded as data.

        Returns
        -------
        str or None
            WKT in the layer's coordinates (see :func:`pixel_box_to_extent`), the box grown by
            ``pipeline.COLORBAR_EXCLUSION_MARGIN`` pixels (its outline and ticks).
        """
        from .pipeline import COLORBAR_EXCLUSION_MARGIN

        if self.use_colorbar or self.colorbar is None:
            return None
        col0, row0, col1, row1 = self.colorbar
        if self.frame is not None:
            f0, g0, f1, g1 = self.frame
            if col1 <= f0 or col0 >= f1 or row1 <= g0 or row0 >= g1:
                return None  # beside the map: not in the pixels decoded
        margin = COLORBAR_EXCLUSION_MARGIN
        xmin, xmax, ymin, ymax = pixel_box_to_extent(
            (col0 - margin, row0 - margin, col1 + margin, row1 + margin), geotransform)
        return (f"POLYGON(({xmin:.10g} {ymin:.10g}, {xmax:.10g} {ymin:.10g}, {xmax:.10g} "
                f"{ymax:.10g}, {xmin:.10g} {ymax:.10g}, {xmin:.10g} {ymin:.10g}))")


def pixel_box_to_extent(box, geotransform=None) -> tuple:
    """A box in figure pixels as the extent (xmin, xmax, ymin, ymax) QGIS shows the layer in.

    Parameters
    ----------
    box : tuple (col0, row0, col1, row1)
        Figure pixels, y down.
    geotransform : tuple of 6 floats or None
        None for a plain image (x = column, y = -row).

    Returns
    -------
    tuple of 4 floats
    """
    col0, row0, col1, row1 = (float(v) for v in box)
    to_layer = layer_to_pixel_affine(geotransform)
    xs, ys = to_layer * (np.array([col0, col0, col1, col1]), np.array([row0, row1, row0, row1]))
    return (float(np.min(xs)), float(np.max(xs)), float(np.min(ys)), float(np.max(ys)))


def extent_to_pixel_box_exact(extent, geotransform=None) -> tuple:
    """The inverse of :func:`pixel_box_to_extent`, without rounding to whole pixels.

    Parameters
    ----------
    extent : tuple (xmin, xmax, ymin, ymax)
        In the layer's coordinates.
    geotransform : tuple of 6 floats or None

    Returns
    -------
    tuple (col0, row0, col1, row1) of float
    """
    xmin, xmax, ymin, ymax = (float(v) for v in extent)
    to_pixel = ~layer_to_pixel_affine(geotransform)
    cols, rows = to_pixel * (np.array([xmin, xmin, xmax, xmax]), np.array([ymin, ymax, ymin, ymax]))
    return (float(np.min(cols)), float(np.min(rows)), float(np.max(cols)), float(np.max(rows)))


def session_paths(figure_path) -> tuple:
    """The two files of a figure's session: (``<figure>.points``, ``<figure>.colormap_decoder.json``)."""
    figure_path = str(figure_path)
    return figure_path + POINTS_SUFFIX, figure_path + SESSION_SUFFIX


def save_session(session, geotransform=None) -> list:
    """Write a session beside its figure.

    The ``.points`` file is written only when the session has GCPs. For a figure that is
    itself georeferenced, its source coordinates are written in the figure's map frame, as the
    Georeferencer writes them for such a figure.

    Parameters
    ----------
    session : Session
    geotransform : tuple of 6 floats or None
        The figure's own geotransform.

    Returns
    -------
    list of str
        The files written.

    Raises
    ------
    SessionError
        A file cannot be written (a read-only folder): save the figure somewhere writable.
    """
    points_path, json_path = session_paths(session.figure_path)
    files = []  # (destination, writer): all written to temporary files first, then moved
    if session.gcps is not None and len(session.gcps):
        files.append((points_path, lambda path: write_session_points(path, session.gcps,
                                                                     geotransform)))
    document = {key: value for key, value in asdict(session).items()
                if key not in ("gcps", "figure_path")}
    document["format"] = SESSION_FORMAT
    document["figure"] = os.path.basename(session.figure_path)
    document["points_file"] = os.path.basename(points_path) if files else None

    def write_json(path):
        with open(path, "w", encoding="utf-8") as stream:
            json.dump(_json_ready(document), stream, indent=2, ensure_ascii=False)
            stream.write("\n")

    # All or nothing: when either file cannot be written or moved, both stay as they were.
    files.insert(0, (json_path, write_json))
    _write_all(files)
    return sorted(path for path, _ in files)


def write_session_points(path, gcps, geotransform=None) -> None:
    """Write GCPs (pixel y down) as the ``.points`` file the Georeferencer makes for the figure.

    For a plain image its source coordinates are ``(column, -row)``; for a figure that is
    itself georeferenced, the figure's map coordinates (where the Georeferencer shows it), which
    :func:`gcps.gcps_on_georeferenced_figure` turns back into pixels.

    Parameters
    ----------
    path : str
    gcps : GroundControlPoints
    geotransform : tuple of 6 floats or None
    """
    if geotransform is not None:
        layer_x, layer_y = layer_to_pixel_affine(geotransform) * (gcps.pixel[:, 0],
                                                                   gcps.pixel[:, 1])
        # write_points_file writes (x, -y): give it the layer's y negated.
        gcps = GroundControlPoints(np.column_stack([layer_x, -np.asarray(layer_y)]), gcps.map,
                                   gcps.enabled, gcps.crs, gcps.source, gcps.labels)
    write_points_file(path, gcps)


def load_session(figure_path, geotransform=None) -> "Session | None":
    """Read a figure's session from beside it.

    Parameters
    ----------
    figure_path : str
    geotransform : tuple of 6 floats or None
        The figure's own geotransform (a ``.points`` file made on a georeferenced figure holds
        its map coordinates, turned back into pixels here).

    Returns
    -------
    Session or None
        None when the figure has neither a session file nor a ``.points`` file. A ``.points``
        file alone (made with the Georeferencer) gives a session with only its GCPs and CRS; a
        session saved without GCPs ignores a ``.points`` file beside it.

    Raises
    ------
    SessionError
        The JSON file is damaged or of a newer format.
    GcpError
        The ``.points`` file cannot be read.
    """
    points_path, json_path = session_paths(figure_path)
    has_json, has_points = os.path.isfile(json_path), os.path.isfile(points_path)
    if not has_json and not has_points:
        return None
    session = Session(figure_path=str(figure_path))
    use_points = has_points
    if has_json:
        try:
            with open(json_path, encoding="utf-8") as stream:
                document = json.load(stream)
        except (OSError, ValueError) as error:
            raise SessionError(f"The session file {json_path} cannot be read ({error}). Delete "
                               "it or restore it from a backup.") from error
        if not isinstance(document, dict) or document.get("format", 0) > SESSION_FORMAT:
            raise SessionError(f"The session file {json_path} was written by a newer Colormap "
                               "Decoder (or is not a session file). Update the plugin.")
        # A session saved without GCPs leaves an older .points file (a Georeferencer's) alone,
        # and does not take its GCPs back.
        use_points = has_points and document.get("points_file") is not None
        names = {f.name for f in fields(Session)} - {"gcps", "figure_path"}
        for key in names & set(document):
            value = document[key]
            if key in ("frame", "colorbar", "levels") and value is not None:
                value = tuple(float(v) for v in value)
            setattr(session, key, value)
    if use_points:
        gcps = gcps_on_georeferenced_figure(read_gcps(points_path), geotransform)
        session.gcps = gcps
        if session.gcp_crs is None and gcps.crs:
            session.gcp_crs = gcps.crs
    return session


def _write_all(files):
    """Write each (destination, writer) all or nothing: every file through a temporary beside
    its destination, then all moved into place.

    A failure while writing leaves every destination as it was. A failure while moving (a
    destination that cannot be replaced) puts back the destinations already moved: each
    existing destination is first kept under a second name (a hard link, or a copy where the
    file system has none), restored on failure and removed on success. The temporaries never
    outlive the call.

    Parameters
    ----------
    files : list of (str, callable(path))
        Each destination and the function that writes its content to a given path.

    Raises
    ------
    SessionError
        A file could not be written or moved; no destination has changed (the message names
        any that could not be put back, and where its earlier content is).
    """
    suffix = f".{os.getpid()}.tmp"
    temporaries, kept, moved = [], {}, []
    try:
        for destination, write in files:
            temporaries.append(destination + suffix)
            write(temporaries[-1])
        for destination, _ in files:
            if os.path.isfile(destination):
                kept[destination] = destination + ".kept" + suffix
                _keep_copy(destination, kept[destination])
        for (destination, _), temporary in zip(files, temporaries):
            os.replace(temporary, destination)
            moved.append(destination)
    except (OSError, EngineError) as error:
        stranded = _put_back(moved, kept)
        advice = ("" if not stranded else " " + "; ".join(
            f"{destination} could not be put back: its earlier content is in {copy}"
            for destination, copy in stranded) + ".")
        if isinstance(error, OSError):
            raise SessionError(f"Cannot write {error.filename or files[0][0]}: "
                               f"{error.strerror or error}. Copy the figure to a folder you can "
                               f"write to and open it from there.{advice}") from error
        raise SessionError(f"Cannot write the session: {error} Copy the figure to a folder you "
                           f"can write to and open it from there.{advice}") from error
    finally:
        for leftover in temporaries + list(kept.values()):
            if os.path.lexists(leftover):
                os.remove(leftover)


def _keep_copy(path, copy):
    """Keep ``path``'s content under ``copy``: a hard link, or a copy where there is none."""
    try:
        os.link(path, copy)
    except OSError:
        shutil.copy2(path, copy)


def _put_back(moved, kept) -> list:
    """Undo the moves of :func:`_write_all`, last first: each moved destination gets its kept
    content back, or is removed when it did not exist before.

    Returns
    -------
    list of (str, str)
        Destinations that could not be put back, with the file holding their earlier content
        (taken out of ``kept``, so that it is not removed).
    """
    stranded = []
    for destination in reversed(moved):
        try:
            if destination in kept:
                os.replace(kept[destination], destination)
                del kept[destination]
            else:
                os.remove(destination)
        except OSError:
            if destination in kept:
                stranded.append((destination, kept.pop(destination)))
    return stranded


def _json_ready(value):
    if isinstance(value, dict):
        return {key: _json_ready(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_ready(item) for item in value]
    if isinstance(value, (np.floating, float)):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, Path):
        return str(value)
    return value
