"""Parts of a figure: the plot area, the colorbar, and which pixels are worth decoding.

Boxes are given by the user as extents in the figure layer's own coordinates, as QGIS shows
the layer, so they can be drawn on the canvas:

* an un-georeferenced image is shown with x = column and y = -row (the image's top-left corner
  at (0, 0), the image below the x axis);
* a georeferenced image (GeoTIFF, world file) is shown in its map coordinates.

Inside the engine a box is ``(col0, row0, col1, row1)`` in pixel coordinates (GDAL convention,
y down), with ``col0 < col1`` and ``row0 < row1``.
"""
import numpy as np

from .colour_decoding import srgb_to_lab
from .errors import EngineError


def extent_to_pixel_box(extent, shape, geotransform=None, parameter="PLOT_AREA"):
    """Convert an extent in layer coordinates to a pixel box clipped to the figure.

    Parameters
    ----------
    extent : tuple (xmin, xmax, ymin, ymax)
        In the layer's coordinates (see module docstring).
    shape : tuple (rows, cols)
    geotransform : tuple of 6 floats, optional
        The figure's GDAL geotransform when it is georeferenced.
    parameter : str
        Parameter name used in error messages.

    Returns
    -------
    tuple of int (col0, row0, col1, row1)
        Whole pixels touched by the extent.

    Raises
    ------
    EngineError
        When the extent does not overlap the figure.
    """
    xmin, xmax, ymin, ymax = (float(v) for v in extent)
    if geotransform is None:
        cols = np.array([xmin, xmax])
        rows = np.array([-ymax, -ymin])
    else:
        from affine import Affine

        inverse = ~Affine.from_gdal(*geotransform)
        corner_x, corner_y = inverse * (np.array([xmin, xmin, xmax, xmax]),
                                        np.array([ymin, ymax, ymin, ymax]))
        cols = np.array([corner_x.min(), corner_x.max()])
        rows = np.array([corner_y.min(), corner_y.max()])
    n_rows, n_cols = shape
    col0 = int(np.clip(np.floor(cols[0] + 1e-9), 0, n_cols))
    col1 = int(np.clip(np.ceil(cols[1] - 1e-9), 0, n_cols))
    row0 = int(np.clip(np.floor(rows[0] + 1e-9), 0, n_rows))
    row1 = int(np.clip(np.ceil(rows[1] - 1e-9), 0, n_rows))
    if col1 <= col0 or row1 <= row0:
        frame = "x = column, y = -row" if geotransform is None else "the layer's map coordinates"
        raise EngineError(
            f"{parameter} ({xmin:g}, {xmax:g}, {ymin:g}, {ymax:g}) does not overlap the figure "
            f"({n_cols}×{n_rows} pixels, {frame}). Draw it on the figure layer in QGIS.",
            parameter=parameter)
    return col0, row0, col1, row1


def layer_to_pixel_affine(geotransform=None):
    """Affine from figure pixel coordinates to the layer coordinates QGIS shows.

    Parameters
    ----------
    geotransform : tuple of 6 floats, optional
        The figure's GDAL geotransform; None for an un-georeferenced image (x = column, y = -row).

    Returns
    -------
    affine.Affine
    """
    from affine import Affine

    if geotransform is None:
        return Affine(1.0, 0.0, 0.0, 0.0, -1.0, 0.0)
    return Affine.from_gdal(*geotransform)


def polygons_mask(geometries, shape, geotransform=None):
    """Pixels covered by polygons drawn over the figure (insets, legends, labels to leave out).

    Parameters
    ----------
    geometries : iterable of shapely geometries or WKT strings
        Polygons in the layer's coordinates (see module docstring). Other geometry types are
        ignored.
    shape : tuple (rows, cols)
    geotransform : tuple of 6 floats, optional

    Returns
    -------
    ndarray of bool, shape (rows, cols)
        True where a pixel's centre lies inside a polygon, or the polygon touches the pixel
        (``all_touched``: the area to leave out is rather too large than too small).
    """
    from rasterio.features import rasterize
    from shapely import wkt
    from shapely.errors import ShapelyError

    shapes = []
    for geometry in geometries:
        if isinstance(geometry, str):
            try:
                geometry = wkt.loads(geometry)
            except ShapelyError as error:
                raise EngineError(f"MASK is not valid WKT: {error}", parameter="MASK") from error
        if geometry is None or geometry.is_empty or geometry.geom_type not in (
                "Polygon", "MultiPolygon", "GeometryCollection"):
            continue
        shapes.append(geometry if geometry.is_valid else geometry.buffer(0))
    if not shapes:
        return np.zeros(shape, dtype=bool)
    burned = rasterize(((geometry, 1) for geometry in shapes), out_shape=shape,
                       transform=layer_to_pixel_affine(geotransform), fill=0, all_touched=True,
                       dtype="uint8")
    return burned.astype(bool)


def box_mask(shape, box, margin=0):
    """Boolean image that is True inside a pixel box grown by ``margin`` pixels."""
    mask = np.zeros(shape, dtype=bool)
    col0, row0, col1, row1 = box
    mask[max(row0 - margin, 0):row1 + margin, max(col0 - margin, 0):col1 + margin] = True
    return mask


def sample_colorbar(rgb, box, flip=False, margin_fraction=0.25, jump_delta_e=12.0,
                    max_trim_pixels=8):
    """Read the colour scale off a figure's colorbar.

    The bar's orientation is taken from the box's shape (longer side = value axis). Across the
    bar, the median colour of its middle part is taken, which ignores tick marks and the frame at
    the sides and averages out JPEG noise. Along the bar, the frame and any background the box
    caught at the two ends are cut off where the colour jumps.

    Parameters
    ----------
    rgb : ndarray of uint8, shape (rows, cols, 3)
    box : tuple (col0, row0, col1, row1)
        The colorbar in pixel coordinates; a little background or frame around it is tolerated.
    flip : bool
        The low end is at the bottom of a vertical bar, at the left of a horizontal one; True
        reverses that.
    margin_fraction : float
        Share of the width dropped on each side before the median.
    jump_delta_e : float
        ΔE*ab between neighbouring samples above which an end sample is taken for frame or
        background rather than bar.
    max_trim_pixels : int
        At most this many samples are trimmed at each end: room for the frame and a loosely
        drawn box, not for a class of a discrete colorbar, whose edges are jumps too.

    Returns
    -------
    fractions : ndarray of float64, shape (n,)
        Position of each sample along the bar, 0 at the low end's edge and 1 at the high end's
        (the frame line's centre), increasing.
    colours : ndarray of float64, shape (n, 3)
        sRGB colours in [0, 1], from the low end to the high end.

    Raises
    ------
    EngineError
        When the box is too small or holds no gradient.
    """
    col0, row0, col1, row1 = box
    patch = rgb[row0:row1, col0:col1].astype(np.float64) / 255.0
    height, width = patch.shape[:2]
    vertical = height >= width
    if vertical:
        # Top of the image is the high end: reverse so the profile runs low to high.
        patch = patch[::-1].transpose(1, 0, 2)
    # patch is now (across, along, 3)
    across, along = patch.shape[:2]
    if along < 8 or across < 1:
        raise EngineError(f"The COLORBAR box is {width}×{height} pixels: too small to sample. "
                          "Draw it along the whole colorbar (at least 8 pixels along the colour "
                          "gradient).", parameter="COLORBAR")
    drop = int(across * margin_fraction)
    core = patch[drop:across - drop] if across - 2 * drop >= 1 else patch
    profile = np.median(core, axis=0)
    lab = srgb_to_lab(profile)
    step = np.linalg.norm(np.diff(lab, axis=0), axis=1)
    limit = max(jump_delta_e, 4 * np.median(step))
    max_trim = max(1, min(max_trim_pixels, along // 4))
    # The frame line is centred on the bar's edge: a frame sample's centre marks an end of the
    # value range. Without a frame, the outer edge of the end sample does.
    low_edge, high_edge = -0.5, along - 0.5
    first, last = 0, along - 1
    jumps = np.flatnonzero(step[:max_trim] > limit)
    if jumps.size:
        low_edge = jumps[-1]
        # One more sample is dropped: the frame's anti-aliased edge blends into the bar.
        first = jumps[-1] + 2
    jumps = np.flatnonzero(step[along - 1 - max_trim:] > limit)
    if jumps.size:
        high_edge = along - max_trim + jumps[0]
        last = high_edge - 2
    if last - first < 7:
        raise EngineError("The COLORBAR box holds too few colorbar pixels once its frame is cut "
                          "off. Draw it along the whole colorbar, from one end to the other.",
                          parameter="COLORBAR")
    index = np.arange(first, last + 1)
    fractions = (index - low_edge) / (high_edge - low_edge)
    profile = profile[first:last + 1]
    span = np.linalg.norm(srgb_to_lab(profile[-1]) - srgb_to_lab(profile[0]))
    total = np.linalg.norm(np.diff(srgb_to_lab(profile), axis=0), axis=1).sum()
    if max(span, total / 4) < 10:
        raise EngineError("The COLORBAR box holds no colour gradient; draw it over the colorbar itself.",
                          parameter="COLORBAR")
    if flip:
        return 1.0 - fractions[::-1], profile[::-1]
    return fractions, profile
