"""Reading a figure image into an RGB array and a mask of usable pixels.

Pixel coordinates follow GDAL and QGIS: (0, 0) is the top-left corner of the image, x grows to
the right (columns), y grows downwards (rows), and the first pixel's centre is (0.5, 0.5).
"""
import os
import warnings
from dataclasses import dataclass

import numpy as np

from .errors import FigureError

# Pillow's own default; a larger figure must be allowed explicitly.
DEFAULT_MAX_PIXELS = 178_956_970


@dataclass
class Figure:
    """A figure's pixels and what is known about its placement.

    Attributes
    ----------
    rgb : ndarray of uint8, shape (rows, cols, 3)
        sRGB colours.
    opaque : ndarray of bool, shape (rows, cols)
        False where the image is (partly) transparent: such pixels are not data.
    path : str
        The file the figure came from.
    geotransform : tuple of 6 floats or None
        GDAL geotransform (pixel -> map) when the file is already georeferenced
        (a GeoTIFF or a world file), else None.
    crs_wkt : str or None
        The CRS of ``geotransform`` when the file declares one.
    """

    rgb: np.ndarray
    opaque: np.ndarray
    path: str
    geotransform: tuple = None
    crs_wkt: str = None

    @property
    def shape(self):
        """(rows, cols) of the figure."""
        return self.rgb.shape[:2]


def read_figure(path, max_pixels=DEFAULT_MAX_PIXELS):
    """Read an image file as sRGB pixels.

    Palette, grey and RGBA images are converted to RGB; transparent pixels are flagged in
    ``Figure.opaque``. For an animated image only the first frame is read.

    Parameters
    ----------
    path : str
        PNG, JPEG, TIFF, GIF, BMP or WebP file.
    max_pixels : int
        Refuse images with more pixels than this (decompression bombs).

    Returns
    -------
    Figure

    Raises
    ------
    FigureError
        When the file is missing, unreadable or of an unsupported kind.
    """
    from PIL import Image, UnidentifiedImageError

    if not path or not os.path.isfile(path):
        raise FigureError(f"The figure file '{path}' does not exist.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                cols, rows = image.size
                if cols * rows == 0:
                    raise FigureError(f"The figure '{path}' has no pixels ({cols}×{rows}).")
                if cols * rows > max_pixels:
                    raise FigureError(
                        f"The figure '{path}' has {cols * rows:,} pixels, more than the limit of "
                        f"{max_pixels:,}; crop it, or raise the limit if you trust the file.")
                rgba = _to_rgba(image, path)
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombWarning,
            Image.DecompressionBombError) as error:
        raise FigureError(f"The figure '{path}' cannot be read as an image: {error}") from error
    geotransform, crs_wkt = read_georeferencing(path)
    return Figure(rgb=np.ascontiguousarray(rgba[..., :3]), opaque=rgba[..., 3] == 255,
                  path=path, geotransform=geotransform, crs_wkt=crs_wkt)


def _to_rgba(image, path):
    """Convert a PIL image to an (rows, cols, 4) uint8 array."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        raise FigureError(
            f"The figure '{path}' holds {image.mode} numbers, not colours: it is a data raster, "
            "not a colour-mapped picture. Load it in QGIS directly.")
    if image.mode == "CMYK":
        image = image.convert("RGB")
    return np.asarray(image.convert("RGBA"))


def read_georeferencing(path):
    """Read the geotransform and CRS of an image that is already georeferenced.

    Parameters
    ----------
    path : str
        The image file; GDAL also looks for a world file (``.pgw``, ``.wld``...) beside it.

    Returns
    -------
    geotransform : tuple of 6 floats or None
        None when the file carries no georeferencing (GDAL's default identity).
    crs_wkt : str or None
    """
    import rasterio
    from rasterio.errors import NotGeoreferencedWarning, RasterioIOError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", NotGeoreferencedWarning)
            with rasterio.open(path) as dataset:
                transform = dataset.transform
                crs = dataset.crs
    except RasterioIOError:
        return None, None
    if transform.is_identity:
        return None, None
    return transform.to_gdal(), (crs.to_wkt() if crs else None)
