"""Parts of a figure: the plot area, the colorbar, and which pixels are worth decoding.

Boxes are given by the user as extents in the figure layer's own coordinates, as QGIS shows
the layer, so they can be drawn on the canvas:

* an un-georeferenced image is shown with x = column and y = -row (the image's top-left corner
  at (0, 0), the image below the x axis);
* a georeferenced image (GeoTIFF, world file) is shown in its map coordinates.

Inside the engine a box is ``(col0, row0, col1, row1)`` in pixel coordinates (GDAL convention,
y down), with ``col0 < col1`` and ``row0 < row1``.
"""
from typing import TYPE_CHECKING

import numpy as np

from .colour_scales.colorbar import sample_colorbar  # noqa: F401 - kept importable here
from .errors import EngineError
from .text_format import numbers_text

if TYPE_CHECKING:
    from affine import Affine


def extent_to_pixel_box(extent, shape, geotransform=None, parameter="PLOT_AREA",
                        min_pixels=1) -> tuple:
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
    min_pixels : int
        Fewest pixels the box must span on each side within the figure (or the whole figure's
        side, when that is smaller).

    Returns
    -------
    tuple of int (col0, row0, col1, row1)
        Whole pixels touched by the extent.

    Raises
    ------
    EngineError
        When the extent does not overlap the figure, or spans fewer than ``min_pixels``.
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
            f"{parameter} ({numbers_text((xmin, xmax, ymin, ymax))}) does not overlap the figure "
            f"({n_cols}×{n_rows} pixels, {frame}). Draw it on the figure layer in QGIS.",
            parameter=parameter)
    width, height = col1 - col0, row1 - row0
    if width < min(min_pixels, n_cols) or height < min(min_pixels, n_rows):
        raise EngineError(
            f"{parameter} ({numbers_text((xmin, xmax, ymin, ymax))}) spans only {width}×{height} "
            f"pixels of the figure: a map panel is larger. Draw it over the whole map panel, or "
            "leave it empty to let the map frame be found.", parameter=parameter)
    return col0, row0, col1, row1


def layer_to_pixel_affine(geotransform=None) -> "Affine":
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


def polygons_mask(geometries, shape, geotransform=None) -> np.ndarray:
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


def box_mask(shape, box, margin=0) -> np.ndarray:
    """Boolean image that is True inside a pixel box grown by ``margin`` pixels."""
    mask = np.zeros(shape, dtype=bool)
    col0, row0, col1, row1 = box
    mask[max(row0 - margin, 0):row1 + margin, max(col0 - margin, 0):col1 + margin] = True
    return mask


#: Pixels of a label image counted at a time by :func:`label_sizes`.
LABEL_BLOCK_PIXELS = 1 << 18


def label_regions(mask) -> tuple:
    """``scipy.ndimage.label(mask)`` (4-connected regions): the same labels and count, as
    16-bit labels when they surely fit, 32-bit ones otherwise.

    Each region holds at least one run of True pixels along a row, so fewer than 65,536 runs
    (counted a block of rows at a time) means fewer than 65,536 regions: their labels, 2 bytes
    a pixel instead of 4, are made straight away, never made in 32 bits and narrowed (1.9 MiB
    of a 1 MP figure's layout detection, at its peak).

    Parameters
    ----------
    mask : ndarray of bool, shape (rows, cols)

    Returns
    -------
    labels : ndarray of uint16 or int32, shape (rows, cols)
        0 outside the regions, 1 to ``count`` in them, numbered as scipy numbers them.
    count : int
    """
    from scipy import ndimage

    runs = 0
    step = max(1, LABEL_BLOCK_PIXELS // max(mask.shape[1], 1))
    for first in range(0, mask.shape[0], step):
        block = mask[first:first + step]
        runs += int(np.count_nonzero(block[:, :1])) + \
            int(np.count_nonzero(block[:, 1:] & ~block[:, :-1]))
    narrow = runs <= np.iinfo(np.uint16).max
    return ndimage.label(mask, output=np.uint16 if narrow else np.int32)


def label_sizes(labels, count) -> np.ndarray:
    """Pixels of each label of a label image (``scipy.ndimage.label``'s), 0 included.

    ``np.bincount(labels.ravel())`` counts the same but first copies the whole image to 8-byte
    integers (8 bytes a pixel, twice the int32 labels themselves); here a block of rows at a
    time.

    Parameters
    ----------
    labels : ndarray of int, shape (rows, cols)
        0 to ``count``.
    count : int
        Largest label.

    Returns
    -------
    ndarray of int64, shape (count + 1,)
    """
    sizes = np.zeros(count + 1, np.int64)
    step = max(1, LABEL_BLOCK_PIXELS // max(labels.shape[1], 1))
    for first in range(0, labels.shape[0], step):
        sizes += np.bincount(labels[first:first + step].ravel(), minlength=count + 1)
    return sizes
