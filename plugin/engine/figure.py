"""Reading a figure image into an RGB array and a mask of usable pixels.

Pixel coordinates follow GDAL and QGIS: (0, 0) is the top-left corner of the image, x grows to
the right (columns), y grows downwards (rows), and the first pixel's centre is (0.5, 0.5).

Every problem with the file is raised as :class:`FigureError` (parameter ``INPUT``) with a
message that says what is wrong and what to do; problems that do not stop the decoding (an
animated image of which only the first frame is used) are listed in ``Figure.warnings``.
"""
import contextlib
import os
import struct
import threading
from dataclasses import dataclass, field

import numpy as np

from .errors import FigureError
from .jpeg_cells import jpeg_coding

#: Largest figure read by default (pixels): Pillow's decompression-bomb error threshold,
#: about 13,400 × 13,400 pixels. Reading such a figure takes about 8 bytes per pixel here and
#: about 22 bytes per pixel in the whole job, some 36 with OUTPUT_DISTANCE and
#: OUTPUT_RECONSTRUCTION (measured by ``bench/bench_pipeline.py --whole-scaling``).
DEFAULT_MAX_PIXELS = 178_956_970
#: Environment variable that overrides :data:`DEFAULT_MAX_PIXELS`.
MAX_PIXELS_VARIABLE = "COLORMAP_DECODER_MAX_PIXELS"

_FORMATS = "PNG, JPEG, TIFF, GIF, BMP or WebP"
# Pillow's bomb limit is a module global; it is lifted only while one figure is opened, and our
# own limit applied instead.
_PIL_LIMIT_LOCK = threading.Lock()


@dataclass
class Figure:
    """A figure's pixels and what is known about its placement.

    Attributes
    ----------
    rgb : ndarray of uint8, shape (rows, cols, 3)
        sRGB colours.
    opaque : ndarray of bool, shape (rows, cols)
        False where the image is (partly) transparent: such pixels are not data. Read-only
        and of no memory (one True broadcast) when nothing is transparent.
    path : str
        The file the figure came from.
    geotransform : tuple of 6 floats or None
        GDAL geotransform (pixel -> map) when the file is already georeferenced
        (a GeoTIFF or a world file), else None.
    crs_wkt : str or None
        The CRS of ``geotransform`` when the file declares one.
    warnings : list of str
        Things the user should know that did not stop the reading (e.g. only the first frame
        of an animated image is used). ``pipeline.decode_map`` passes them to its log.
    image_format : str or None
        The file's image format as Pillow names it ("PNG", "JPEG"...).
    jpeg_coding : jpeg_cells.JpegCoding or None
        A Y'CbCr JPEG's quantisation tables and chroma subsampling (how its cells are read
        back, see ``jpeg_cells``); None for other files.
    """

    rgb: np.ndarray
    opaque: np.ndarray
    path: str
    geotransform: tuple = None
    crs_wkt: str = None
    warnings: list = field(default_factory=list)
    image_format: str = None
    jpeg_coding: object = None

    @property
    def shape(self) -> tuple:
        """(rows, cols) of the figure."""
        return self.rgb.shape[:2]


def max_pixels_limit() -> int:
    """The pixel limit: ``COLORMAP_DECODER_MAX_PIXELS`` when set, else :data:`DEFAULT_MAX_PIXELS`.

    Raises
    ------
    FigureError
        When the variable is set but is not a positive whole number.
    """
    text = os.environ.get(MAX_PIXELS_VARIABLE, "").strip()
    if not text:
        return DEFAULT_MAX_PIXELS
    try:
        value = int(float(text.replace("_", "").replace(",", "")))
    except (ValueError, OverflowError):
        value = 0
    if value <= 0:
        raise FigureError(
            f"The environment variable {MAX_PIXELS_VARIABLE}={text!r} is not a positive whole "
            f"number of pixels. Set it to e.g. 400000000, or unset it for the default limit of "
            f"{DEFAULT_MAX_PIXELS:,} pixels.")
    return value


def read_figure(path, max_pixels=None) -> "Figure":
    """Read an image file as sRGB pixels.

    Palette, grey, CMYK and RGBA images are converted to RGB (CMYK through its embedded ICC
    profile when it has one); transparent pixels are flagged in ``Figure.opaque``. For an
    animated or multi-page image only the first frame is read, and ``Figure.warnings`` says so.
    EXIF orientation is not applied: QGIS and GDAL show the pixels as stored, and the GCPs and
    boxes are drawn on that.

    Parameters
    ----------
    path : str
        PNG, JPEG, TIFF, GIF, BMP or WebP file.
    max_pixels : int, optional
        Refuse images with more pixels than this (decompression bombs); default
        :func:`max_pixels_limit`.

    Returns
    -------
    Figure

    Raises
    ------
    FigureError
        When the file is missing, unreadable, damaged, too large, holds data rather than
        colours, or is of an unsupported kind; the message says what to do.
    """
    if max_pixels is None:
        max_pixels = max_pixels_limit()
    ahead = _take_read_ahead(path, max_pixels)
    if ahead is not None:
        return ahead
    return _read_figure(path, max_pixels)


def _read_figure(path, max_pixels):
    """:func:`read_figure` itself (no figure read ahead)."""
    from PIL import Image, UnidentifiedImageError

    if not path or not os.path.exists(path):
        raise FigureError(f"The figure file '{path}' does not exist. Check the INPUT path.")
    if os.path.isdir(path):
        raise FigureError(f"The figure path '{path}' is a folder; choose the image file itself.")
    if not os.path.isfile(path):
        # A pipe or a device: reading it could wait forever or never end.
        raise FigureError(f"The figure path '{path}' is not a regular file (a device, pipe or "
                          "socket). Save the figure as an image file and choose that.")
    if os.path.getsize(path) == 0:
        raise FigureError(f"The figure file '{path}' is empty (0 bytes): save or download it "
                          "again.")
    warnings_ = []
    try:
        with _pil_limit_lifted():
            image = Image.open(path)
        with image:
            cols, rows = image.size
            if cols * rows == 0:
                raise FigureError(_no_pixels_message(path, cols, rows))
            if cols * rows > max_pixels:
                raise FigureError(_too_many_pixels_message(path, cols, rows, max_pixels))
            frames = getattr(image, "n_frames", 1)
            if frames > 1:
                warnings_.append(
                    f"Warning: the figure '{os.path.basename(path)}' has {frames} frames (an "
                    "animated GIF/PNG/WebP or a multi-page TIFF); only the first frame is "
                    "decoded. To decode another one, save that frame as a PNG.")
            blocks = _unwritten_tiff_blocks(image)
            if blocks is not None and blocks[0] == blocks[1]:
                raise FigureError(_never_written_message(path, *blocks))
            if blocks is not None:
                # Pillow reads a block never written from the file's start (the header and
                # another block's bytes as colours) or fails; GDAL, which wrote it so, reads it
                # as its nodata value (or 0), as QGIS shows it.
                rgb, opaque = _read_sparse_tiff(path, *blocks)
                warnings_.append(
                    f"Warning: {blocks[0]:,} of the {blocks[1]:,} {blocks[2]} of the TIFF "
                    f"'{os.path.basename(path)}' were never written (a sparse TIFF: GDAL leaves "
                    "out blocks that are all nodata or all 0). They are read as GDAL and QGIS "
                    "show them: no data where the file declares a nodata value or has an "
                    "alpha band, else black.")
            else:
                with _pil_limit_lifted():  # Pillow checks its limit again when cropping strips
                    rgb, opaque = _to_rgb(image, path)
            image_format = image.format
            coding = jpeg_coding(image)
    except FigureError:
        raise
    except PermissionError as error:
        raise FigureError(f"The figure '{path}' cannot be read: permission denied. Make the file "
                          "readable or copy it to a folder you can read.") from error
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as error:
        raise FigureError(_too_many_pixels_message(path, None, None, max_pixels)) from error
    except UnidentifiedImageError as error:
        raise FigureError(unreadable_figure_message(path)) from error
    except (OSError, SyntaxError, EOFError, struct.error, ValueError) as error:
        # Pillow's decoders report damaged data with these (EOFError / struct.error on short
        # headers, SyntaxError on broken PNG chunks, ValueError on a text chunk that inflates
        # beyond its limit: a decompression bomb in the metadata).
        if isinstance(error, ValueError):
            raise FigureError(
                f"The figure '{path}' cannot be read safely ({error}): part of it inflates far "
                "beyond its size, as a decompression bomb does. Export the figure again as a "
                "plain PNG.") from error
        raise FigureError(
            f"The figure '{path}' is damaged or incomplete ({error or type(error).__name__}): it "
            "was probably cut short while downloading or saving. Download or export it again."
        ) from error
    except MemoryError as error:
        raise FigureError(
            f"Not enough memory to read the figure '{path}'. Crop or shrink it, or free memory."
        ) from error
    geotransform, crs_wkt = read_georeferencing(path)
    return Figure(rgb=rgb, opaque=opaque, path=path, geotransform=geotransform, crs_wkt=crs_wkt,
                  warnings=warnings_, image_format=image_format, jpeg_coding=coding)


#: Figures of at most this many pixels are read ahead (:func:`read_ahead`).
READ_AHEAD_MAX_PIXELS = 64_000_000
#: Memory a figure's reading holds at its peak, bytes a pixel: Pillow's decoded image (up to
#: 4) and the RGB array (3), with a strip's copies and the opaque mask besides.
READ_AHEAD_PIXEL_BYTES = 9


class ReadAhead:
    """A figure being read by :func:`read_figure` in a thread of its own, started by
    :func:`read_ahead`; :func:`read_figure` of the same file, unchanged since, takes the result.
    """

    def __init__(self, path, file_key, max_pixels, header):
        self.path, self.file_key, self.max_pixels = path, file_key, max_pixels
        # (rows, cols, mode, has_alpha) as Pillow opened the file: read_figure_header's,
        # without waiting for the reading (which holds Pillow's limit lock).
        self.header = header
        self.figure = self.error = None
        self._thread = threading.Thread(target=self._read, name="colormap-decoder-read-ahead",
                                        daemon=True)

    def _read(self):
        try:
            self.figure = _read_figure(self.path, self.max_pixels)
        except BaseException as error:  # noqa: BLE001 - raised again where the figure is read
            self.error = error

    def result(self) -> "Figure":
        """The figure, once read (waits for the thread); the reading's error raised again."""
        self._thread.join()
        if self.error is not None:
            raise self.error
        return self.figure

    def discard(self) -> None:
        """Forget the figure if nothing took it (the job stopped before reading it)."""
        with _READ_AHEAD_LOCK:
            if self in _READ_AHEAD:
                _READ_AHEAD.remove(self)


_READ_AHEAD = []
_READ_AHEAD_LOCK = threading.Lock()


def read_ahead(path) -> "ReadAhead | None":
    """Start reading a figure in a thread of its own while the job starts.

    The figure is decoded there (Pillow lets go of Python's lock while it inflates a PNG or
    decodes a JPEG) while the job imports its libraries and checks its parameters on the
    other core; :func:`read_figure` of the same file, unchanged since, then takes it instead
    of reading it again.

    Only a regular file of at most :data:`READ_AHEAD_MAX_PIXELS` pixels is read ahead, and
    only when the memory its reading holds (:data:`READ_AHEAD_PIXEL_BYTES` a pixel) cannot
    change the job's memory check (``memory_budget.job_room_unchanged_by``): a job is
    refused or not exactly as without it. A file Pillow cannot open is left to
    :func:`read_figure`, which explains what is wrong with it; an error found while reading
    is raised by :func:`read_figure` as it would have been.

    Returns
    -------
    ReadAhead or None
        None when the figure is not read ahead. Call ``discard()`` once the job is over.
    """
    from .memory_budget import job_room_unchanged_by, map_large_allocations

    # As decode_map sets it, before the reading's arrays are made.
    map_large_allocations()
    try:
        key = _file_key(path)
        if key is None:
            return None
        max_pixels = max_pixels_limit()
        from PIL import Image

        with _pil_limit_lifted(), Image.open(path) as image:
            cols, rows = image.size
            mode = image.mode
            has_alpha = _has_alpha(image)
    except Exception:  # noqa: BLE001 - read_figure explains every failure to open
        return None
    pixels = cols * rows
    if not 0 < pixels <= min(max_pixels, READ_AHEAD_MAX_PIXELS) or \
            not job_room_unchanged_by(READ_AHEAD_PIXEL_BYTES * pixels):
        return None
    ahead = ReadAhead(path, key, max_pixels, (rows, cols, mode, has_alpha))
    with _READ_AHEAD_LOCK:
        _READ_AHEAD.append(ahead)
    ahead._thread.start()
    return ahead


def _file_key(path):
    """What identifies a regular file's content: device, inode, size and modification time
    (None for anything but a non-empty regular file)."""
    try:
        stat = os.stat(path)
    except (OSError, TypeError, ValueError):
        return None
    import stat as stat_module

    if not stat_module.S_ISREG(stat.st_mode) or stat.st_size == 0:
        return None
    return stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns


def _pending_read_ahead(path, max_pixels, take=False):
    """The :class:`ReadAhead` of ``path`` (the same file, unchanged since, read with the same
    pixel limit), or None; ``take`` removes it from the pending ones."""
    with _READ_AHEAD_LOCK:
        if not _READ_AHEAD:
            return None
        key = _file_key(path)
        ahead = next((item for item in _READ_AHEAD if item.file_key == key
                      and item.max_pixels == max_pixels), None)
        if ahead is not None and take:
            _READ_AHEAD.remove(ahead)
        return ahead


def _take_read_ahead(path, max_pixels):
    """The figure read ahead from ``path`` (unchanged since, with the same pixel limit), or
    None."""
    ahead = _pending_read_ahead(path, max_pixels, take=True)
    if ahead is None:
        return None
    key = ahead.file_key
    figure = ahead.result()
    if _file_key(path) != key:
        return None  # changed while being read: read again
    if os.path.abspath(figure.path) != os.path.abspath(path):
        # The same file under another name (a link): the figure names the one asked for.
        figure.path = path
    return figure


@contextlib.contextmanager
def _pil_limit_lifted():
    """Open images without Pillow's own pixel limit; :func:`read_figure` applies its own."""
    from PIL import Image

    with _PIL_LIMIT_LOCK:
        saved = Image.MAX_IMAGE_PIXELS
        Image.MAX_IMAGE_PIXELS = None
        try:
            yield
        finally:
            Image.MAX_IMAGE_PIXELS = saved


def _too_many_pixels_message(path, cols, rows, max_pixels):
    size = "more pixels" if cols is None else f"{cols}×{rows} = {cols * rows:,} pixels"
    suggestion = max(2 * max_pixels, (cols or 0) * (rows or 0))
    return (f"The figure '{path}' has {size}, more than the limit of {max_pixels:,} pixels that "
            "guards against decompression bombs. Crop or shrink the figure; or, if you trust the "
            "file and have the memory (about 25 bytes per pixel, 40 with every optional "
            "output), raise the limit by setting the "
            f"environment variable {MAX_PIXELS_VARIABLE} (e.g. to {suggestion}) before starting "
            "QGIS.")


def _no_pixels_message(path, cols, rows):
    return (f"The figure '{path}' has no pixels ({cols}×{rows}): the file is empty or was "
            "saved wrongly. Export the figure again.")


def _unwritten_tiff_blocks(image):
    """(blocks never written, all blocks, "tiles" or "strips") of a TIFF with a block whose
    byte count or offset is 0 (GDAL's ``SPARSE_OK`` leaves out blocks all nodata or 0);
    None for any other image."""
    if image.format != "TIFF":
        return None
    tags = getattr(image, "tag_v2", {})
    kind = "tiles" if 324 in tags else "strips"
    offsets, counts = (tags.get(324), tags.get(325)) if kind == "tiles" else \
        (tags.get(273), tags.get(279))
    if not offsets or not counts or len(offsets) != len(counts):
        return None
    unwritten = sum(1 for offset, count in zip(offsets, counts) if not offset or not count)
    if not unwritten:
        return None
    return unwritten, len(counts), kind


def _never_written_message(path, unwritten, total, kind):
    return (f"The figure '{path}' holds no pixels: none of its {total:,} {kind} was ever "
            "written (a sparse TIFF, as GDAL makes with SPARSE_OK=TRUE, of which nothing was "
            "filled in; QGIS shows it as nodata or black). It is not damaged, but there is "
            "nothing to decode: export the figure again, its pixels written.")


def _read_sparse_tiff(path, unwritten, total, kind):
    """An 8-bit grey, RGB, RGBA or palette TIFF with blocks never written, read through GDAL
    (which reads such a block as the band's nodata value, else 0): the sRGB array and the
    opaque mask (False where the alpha band is below :data:`DATA_ALPHA` or a nodata value
    was read)."""
    import warnings

    import rasterio
    from rasterio.enums import ColorInterp
    from rasterio.errors import NotGeoreferencedWarning, RasterioIOError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", NotGeoreferencedWarning)
            with rasterio.open(path) as dataset:
                interpretation = dataset.colorinterp
                if set(dataset.dtypes) != {"uint8"}:
                    raise FigureError(_data_raster_message(path, _gdal_data_raster(path)))
                bands = dataset.read()
                if interpretation[0] == ColorInterp.palette:
                    table = np.zeros((256, 4), np.uint8)
                    table[:, 3] = 255
                    for index, colour in dataset.colormap(1).items():
                        table[index] = colour
                    bands = np.moveaxis(table[bands[0]], 2, 0)
                    interpretation = [ColorInterp.red, ColorInterp.green, ColorInterp.blue,
                                      ColorInterp.alpha]
                nodata_mask = dataset.dataset_mask() if dataset.nodata is not None else None
    except RasterioIOError as error:
        raise FigureError(
            f"The figure '{path}' is a sparse TIFF ({unwritten:,} of its {total:,} {kind} never "
            f"written) that cannot be read ({error}). Save it again as a PNG (e.g. "
            "gdal_translate -of PNG) and decode that.") from error
    count = bands.shape[0]
    if count in (1, 2):
        rgb = np.repeat(bands[0][:, :, None], 3, axis=2)
    elif count in (3, 4):
        rgb = np.ascontiguousarray(np.moveaxis(bands[:3], 0, 2))
    else:
        raise FigureError(
            f"The figure '{path}' is a sparse TIFF of {count} bands ({unwritten:,} of its "
            f"{total:,} {kind} never written), not a grey, RGB or RGBA picture. Save it again "
            "as an RGB PNG and decode that.")
    opaque = np.ones(rgb.shape[:2], dtype=bool)
    if count in (2, 4) and interpretation[-1] == ColorInterp.alpha:
        opaque &= bands[-1] >= DATA_ALPHA
    if nodata_mask is not None:
        opaque &= nodata_mask > 0
    if opaque.all():
        opaque = _all_opaque(rgb.shape[:2])
    return rgb, opaque


#: Pixels converted per strip by :func:`_to_rgb`: bounds the temporary copies (the strip's
#: converted image and its bytes, some 10 bytes a pixel of the strip) to under a MiB; strips of
#: 2^20 pixels were a whole 1 MP figure's copies at once, 10 MiB beside its image and array.
STRIP_PIXELS = 1 << 16


def _to_rgb(image, path):
    """Convert a PIL image to an sRGB (rows, cols, 3) uint8 array and an opaque mask.

    The image is decoded once (into Pillow's own buffer) and copied out strip by strip of about
    :data:`STRIP_PIXELS` pixels, each converted by Pillow in C (a palette or grey image through
    its palette / by repeating the grey): the figure is never held as a whole in a second
    converted image, nor as one ``tobytes`` string, nor as a float array. Memory: Pillow's
    buffer (1–4 bytes a pixel, freed when the image is closed) plus the 4 bytes a pixel of the
    result.
    """
    mode = image.mode
    if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F", "I;32", "F;32"):
        kind = {"F": "32-bit floating-point"}.get(mode, "16-bit" if "16" in mode else "32-bit integer")
        raise FigureError(_data_raster_message(
            path, _gdal_data_raster(path) or f"{kind} numbers (one band)"))
    if mode == "CMYK":
        image = _cmyk_to_rgb(image)
        mode = image.mode
    has_alpha = _has_alpha(image)
    target = "RGBA" if has_alpha else "RGB"
    cols, rows = image.size
    try:
        image.load()
        rgb = np.empty((rows, cols, 3), dtype=np.uint8)
        opaque = np.empty((rows, cols), dtype=bool) if has_alpha else _all_opaque((rows, cols))
        strip_rows = max(1, STRIP_PIXELS // max(cols, 1))
        for start in range(0, rows, strip_rows):
            stop = min(rows, start + strip_rows)
            strip = image.crop((0, start, cols, stop))
            if strip.mode != target:
                strip = strip.convert(target)
            # Pillow packs the colour channels (and the alpha) itself, straight into the bytes
            # copied here: no 4-byte array sliced down to 3 in numpy (five times slower).
            shape = (stop - start, cols)
            rgb[start:stop] = np.frombuffer(strip.tobytes("raw", "RGB"), np.uint8).reshape(shape + (3,))
            if has_alpha:
                alpha = np.frombuffer(strip.tobytes("raw", "A"), np.uint8).reshape(shape)
                np.greater_equal(alpha, DATA_ALPHA, out=opaque[start:stop])
    except ValueError as error:
        raise FigureError(
            f"The figure '{path}' uses the colour mode {mode}, which cannot be converted to RGB "
            f"({error}). Save it as an RGB PNG.") from error
    if has_alpha and opaque.all():
        opaque = _all_opaque((rows, cols))  # an alpha channel with nothing transparent
    return rgb, opaque


#: The least alpha (of 255) a pixel's colour is read at. Image files store colour and alpha
#: apart (straight alpha: PNG, TIFF, WebP), so a partly transparent pixel keeps the colour it
#: was drawn with: a map drawn with some transparency on a transparent background
#: (matplotlib's ``imshow(alpha=0.7)`` saved with ``transparent=True``: every map pixel at
#: alpha 178) is decoded by its colours. Writers keep colours premultiplied until they save
#: them, so a colour at alpha a comes back up to 255 / (2a) levels off: 2 levels at 64, where
#: a value lands within 1 % of the range; fainter pixels are left out as transparent.
DATA_ALPHA = 64


def _has_alpha(image):
    """Whether a PIL image has transparency (an alpha channel or a transparent colour)."""
    return image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info


def _all_opaque(shape):
    """The opaque mask of a figure without transparency: one True seen at every pixel
    (read-only, no memory a pixel)."""
    return np.broadcast_to(np.True_, shape)


def _cmyk_to_rgb(image):
    """CMYK (printing) pixels to sRGB: through the embedded ICC profile when there is one."""
    profile = image.info.get("icc_profile")
    if profile:
        try:
            import io

            from PIL import ImageCms

            source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
            target = ImageCms.createProfile("sRGB")
            return ImageCms.profileToProfile(image, source, target, outputMode="RGB")
        except Exception:  # noqa: BLE001 - a damaged profile: fall back to the plain formula
            pass
    return image.convert("RGB")


def _data_raster_message(path, what):
    return (f"The figure '{path}' holds {what}, not 8-bit colours: it is a data raster, not a "
            "colour-mapped picture, and needs no decoding — load it in QGIS directly. If it is "
            "a picture saved with 16 bits per channel, save it again with 8 bits per channel "
            "(e.g. as PNG).")


_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "PNG"), (b"\xff\xd8", "JPEG"), (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"), (b"BM", "BMP"), (b"II*\x00", "TIFF"), (b"MM\x00*", "TIFF"),
    (b"II+\x00", "BigTIFF"), (b"MM\x00+", "BigTIFF"),
)


def unreadable_figure_message(path) -> str:
    """Explain why an image library cannot read ``path`` and what to do about it.

    Used when Pillow does not recognise the file (and by the Processing algorithm when QGIS
    cannot load the INPUT layer): recognises empty images, vector documents (PDF, SVG, EPS),
    data rasters GDAL reads but that hold numbers rather than colours, and damaged image files.

    Returns
    -------
    str
    """
    try:
        with open(path, "rb") as handle:
            head = handle.read(512)
    except OSError as error:
        return (f"The figure '{path}' cannot be read: {error.strerror or error}. Make the file "
                "readable (check its permissions) or copy it to a folder you can read.")
    if not head:
        return f"The figure file '{path}' is empty (0 bytes): save or download it again."
    size = _header_size(head)
    if size is not None and size[0] * size[1] == 0:
        return _no_pixels_message(path, *size)
    stripped = head.lstrip()
    if head.startswith(b"%PDF"):
        return (f"The figure '{path}' is a PDF document, not a picture. Export the figure as a "
                "PNG (150–300 dpi), e.g. with pdftoppm -png -r 200, and decode that.")
    if head.startswith((b"%!PS", b"\xc5\xd0\xd3\xc6")):
        return (f"The figure '{path}' is a PostScript/EPS drawing, not a picture. Export it as a "
                "PNG (150–300 dpi) and decode that.")
    if stripped.startswith(b"<svg") or (stripped.startswith(b"<?xml") and b"<svg" in head):
        return (f"The figure '{path}' is an SVG drawing, not a picture. Export it as a PNG and "
                "decode that.")
    data_raster = _gdal_data_raster(path)
    if data_raster:
        return _data_raster_message(path, data_raster)
    bands, driver = _gdal_byte_bands(path)
    if bands is not None:
        # Not damaged: GDAL reads it. A picture has 1 (grey), 3 (RGB) or 4 (RGBA) bands.
        if bands not in (1, 3, 4):
            return (f"The figure '{path}' holds {bands} 8-bit bands: a multi-band raster (a "
                    "satellite scene, a stack of grids), not a picture, which has 1 grey, 3 RGB "
                    "or 4 RGBA bands. Save the map figure as an RGB PNG (for a raster whose first "
                    "three bands are red, green and blue: gdal_translate -b 1 -b 2 -b 3 "
                    "figure.tif figure_rgb.tif), or load it in QGIS directly if it is data.")
        return (f"The figure '{path}' is stored in a way the image library cannot read (GDAL "
                f"reads it: {_gdal_format_said(driver)}). Save it again as a PNG (e.g. "
                "gdal_translate -of PNG) and decode that.")
    kind = next((name for signature, name in _SIGNATURES if head.startswith(signature)), None)
    if kind is None and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        kind = "WebP"
    if kind is not None:
        return (f"The figure '{path}' looks like a {kind} file but is damaged or incomplete: it "
                "was probably cut short while downloading or saving. Download or export it "
                "again.")
    return (f"The figure '{path}' cannot be read: it is not an image. Give a {_FORMATS} "
            "picture of the map.")


def _header_size(head):
    """(cols, rows) from a PNG, GIF or BMP header, or None."""
    try:
        if head.startswith(b"\x89PNG\r\n\x1a\n") and head[12:16] == b"IHDR":
            return struct.unpack(">II", head[16:24])
        if head[:6] in (b"GIF87a", b"GIF89a"):
            return struct.unpack("<HH", head[6:10])
        if head.startswith(b"BM") and len(head) >= 26:
            cols, rows = struct.unpack("<ii", head[18:26])
            return abs(cols), abs(rows)
    except struct.error:
        return None
    return None


def _gdal_format_said(driver):
    """What the file is, said from the GDAL driver that reads it (``"GTiff"``, ``"VRT"``...)."""
    if driver == "GTiff":
        return "an unusual TIFF compression or layout"
    if driver == "VRT":
        return "a GDAL virtual raster (VRT), which only points at other files"
    return f"a raster in GDAL's {driver} format, which the image library does not read"


def _gdal_byte_bands(path):
    """The number of bands when GDAL reads ``path`` as 8-bit bands (a raster, not damaged),
    and the short name of GDAL's driver for it; (None, None) otherwise."""
    try:
        import warnings

        import rasterio
        from rasterio.errors import NotGeoreferencedWarning, RasterioIOError

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", NotGeoreferencedWarning)
            with rasterio.open(path) as dataset:
                if set(dataset.dtypes) != {"uint8"}:
                    return None, None
                # A damaged file opens too: its first and last rows must read.
                dataset.read(1, window=((0, 1), (0, dataset.width)))
                dataset.read(dataset.count, window=((dataset.height - 1, dataset.height),
                                                    (0, dataset.width)))
                return dataset.count, dataset.driver
    except (ImportError, RasterioIOError, OSError):
        return None, None


def _gdal_data_raster(path):
    """A description of the bands when GDAL reads ``path`` as numbers other than 8-bit, else None."""
    try:
        import warnings

        import rasterio
        from rasterio.errors import NotGeoreferencedWarning, RasterioIOError

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", NotGeoreferencedWarning)
            with rasterio.open(path) as dataset:
                dtypes = set(dataset.dtypes)
                count = dataset.count
    except (ImportError, RasterioIOError, OSError):
        return None
    if dtypes <= {"uint8"}:
        return None
    dtype = sorted(dtypes)[0]
    bits = {"uint16": "16-bit", "int16": "16-bit", "uint32": "32-bit integer",
            "int32": "32-bit integer", "float32": "32-bit floating-point",
            "float64": "64-bit floating-point"}.get(dtype, dtype)
    return f"{bits} numbers ({count} band{'s' if count != 1 else ''})"


def read_georeferencing(path) -> tuple:
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
    if _no_georeferencing_beside(path):
        return None, None
    import warnings

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


#: Starts of the files GDAL finds georeferencing for only in files beside them, never inside:
#: PNG and JPEG (GDAL does not use JPEG's EXIF position).
_SIDECAR_GEOREFERENCED = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")


def _georeferencing_sidecars(name) -> set:
    """The names (case-folded) of the files GDAL reads a PNG's or JPEG's georeferencing from:
    its world files (``fig.pgw``, ``fig.pngw``, ``fig.wld``; ``.jgw``, ``.jpgw``, ``.jpegw``
    for a JPEG: the extension's first and last letter and a w, or the extension and a w),
    a MapInfo ``.tab``, and GDAL's own ``fig.png.aux.xml`` and ``.aux`` files."""
    stem, extension = os.path.splitext(name.casefold())
    extension = extension[1:]
    endings = {"wld", "tab", "aux", "aux.xml"}
    if extension:
        endings |= {extension[0] + extension[-1] + "w", extension + "w"}
    return {f"{stem}.{ending}" for ending in endings} | {
        f"{name.casefold()}.aux.xml", f"{name.casefold()}.aux"}


def _no_georeferencing_beside(path) -> bool:
    """Whether GDAL would surely find no georeferencing for ``path``: a PNG or JPEG with none
    of the files beside it that GDAL reads georeferencing from (:func:`_georeferencing_sidecars`,
    in any case; checked with GDAL 3.6 on every world file name).

    Opening such a figure with GDAL only to learn that costs a run more than the opening: the
    first dataset a process opens through rasterio registers every GDAL driver, reading some
    8 MiB of GDAL's library into memory while the figure is decoded (in QGIS they are already
    registered). Other files named after the figure (its GCPs, ``fig.png.points``) are not
    georeferencing.
    """
    try:
        if not os.path.isfile(path):
            return False
        with open(path, "rb") as handle:
            head = handle.read(8)
        if not head.startswith(_SIDECAR_GEOREFERENCED):
            return False
        folder, name = os.path.split(os.path.abspath(path))
        sidecars = _georeferencing_sidecars(name)
        with os.scandir(folder) as entries:
            return not any(entry.name.casefold() in sidecars for entry in entries)
    except (OSError, ValueError):
        return False


@dataclass
class FigureHeader:
    """What a figure file says about itself, read without decoding its pixels.

    Enough to place the figure and budget the job before any pixel is read (see
    ``memory_budget``): the same ``shape``, ``geotransform`` and ``crs_wkt`` as :class:`Figure`.

    Attributes
    ----------
    path : str
    shape : tuple (rows, cols)
    mode : str
        Pillow's pixel mode ("RGB", "RGBA", "P", ...).
    has_alpha : bool
        Whether the pixels carry transparency.
    geotransform : tuple of 6 floats or None
    crs_wkt : str or None
    """

    path: str
    shape: tuple
    mode: str
    has_alpha: bool
    geotransform: tuple = None
    crs_wkt: str = None


def read_figure_header(path, max_pixels=None) -> "FigureHeader":
    """The size, pixel mode and georeferencing of a figure, without decoding its pixels.

    Parameters
    ----------
    path : str
    max_pixels : int, optional
        As for :func:`read_figure`.

    Returns
    -------
    FigureHeader

    Raises
    ------
    FigureError
        As :func:`read_figure` for a file that is missing, not an image, without pixels or
        over the pixel limit. Damage past the header is found when the pixels are read.
    """
    from PIL import Image

    if max_pixels is None:
        max_pixels = max_pixels_limit()
    ahead = _pending_read_ahead(path, max_pixels)
    try:
        if ahead is not None:
            rows, cols, mode, has_alpha = ahead.header
        else:
            if not path or not os.path.isfile(path) or os.path.getsize(path) == 0:
                raise OSError("not a usable file")
            with _pil_limit_lifted():
                image = Image.open(path)
            with image:
                cols, rows = image.size
                mode = image.mode
                has_alpha = _has_alpha(image)
    except Exception:  # noqa: BLE001 - read_figure explains every failure to open
        figure = read_figure(path, max_pixels)
        return FigureHeader(path, figure.shape, "RGB", not figure.opaque.all(),
                            figure.geotransform, figure.crs_wkt)
    if cols * rows == 0:
        raise FigureError(_no_pixels_message(path, cols, rows))
    if cols * rows > max_pixels:
        raise FigureError(_too_many_pixels_message(path, cols, rows, max_pixels))
    geotransform, crs_wkt = read_georeferencing(path)
    _check_geotransform(path, geotransform, rows, cols)
    return FigureHeader(path, (rows, cols), mode, has_alpha, geotransform, crs_wkt)


def _check_geotransform(path, geotransform, rows, cols):
    """Refuse georeferencing that places no pixel anywhere: NaN, zero size, overflowing corners.

    Raises
    ------
    FigureError
    """
    if geotransform is None:
        return
    x0, dx, rx, y0, ry, dy = (float(v) for v in geotransform)
    with np.errstate(over="ignore", invalid="ignore"):
        corners_x = x0 + np.array([0, cols, 0, cols]) * dx + np.array([0, 0, rows, rows]) * rx
        corners_y = y0 + np.array([0, cols, 0, cols]) * ry + np.array([0, 0, rows, rows]) * dy
        determinant = dx * dy - rx * ry
    if np.all(np.isfinite(corners_x)) and np.all(np.isfinite(corners_y)) \
            and np.isfinite(determinant) and determinant != 0:
        return
    raise FigureError(
        f"The figure '{path}' carries georeferencing that places no pixel on a map "
        f"(geotransform {tuple(float(v) for v in geotransform)}: not finite, zero pixel size, or "
        "beyond any coordinate range). It comes from a world file beside it (.pgw, .wld...), an "
        ".aux.xml or GeoTIFF tags: correct or delete that, then give GCPS if the figure is not "
        "georeferenced.")
