"""Reading tick labels with Tesseract (Debian's ``tesseract-ocr`` through ``python3-tesserocr``).

Each label is read alone: cropped with a margin, turned to grey, upscaled so its glyphs are
about 40 px tall (Tesseract reads best at 20–40 px x-height), and read as a single text line
with a character whitelist of what tick labels hold. No network, no downloaded models: the
English model ``tesseract-ocr-eng`` from Debian.

Tesserocr is optional: without it the plugin loads, boxes are still found, and the automatic
reading of values says how to install it (:data:`INSTALL_HINT`).
"""
import os
import threading
from contextlib import contextmanager

import numpy as np

from ..cancellation import check as check_cancelled

INSTALL_HINT = ("Reading tick labels needs Tesseract OCR: on Debian/Ubuntu run "
                "'sudo apt-get install tesseract-ocr tesseract-ocr-eng python3-tesserocr' "
                "(or 'make deps' in the plugin's folder), then restart QGIS.")
#: Characters tick labels are made of: digits, signs and their look-alikes, decimal and
#: thousands separators, degree signs and hemispheres, exponents, common units.
WHITELIST = "0123456789-+.,°'′″\"NSEWekmKM×x^"
#: Glyph height the crops are scaled to, pixels.
TARGET_HEIGHT = 40
#: Glyph height of a second reading that checks the first where nothing else can (a legend's
#: two labels): a digit misread at one scale is seldom misread alike at another. On QGIS
#: legends (357/750, 1468/2093, 0.35/6.8, 23.5/91.6, 18/64, -4.7/3.9 in 4 fonts x 8-12 pt x
#: 96-120 dpi, PNG and JPEG q70: 578 labels), read again at 28 px none of the 569 read right
#: read other digits, and 7 of the 9 misread did ('23.9' for '23.5', '25.5' for '23.5', '307'
#: for '357'; the two others read as no number); at 60 or 80 px 3 % of right readings changed.
CHECK_TARGET_HEIGHT = 28
#: A label image taller than this (pixels, its page margins included: a crop is 2.2 times its
#: glyphs' height) that reads as nothing is read again scaled down to :data:`TARGET_HEIGHT`:
#: crops are never scaled down, and Tesseract reads no lone glyph of 100 px or more (a bold
#: '0' 125 px high, a colorbar's label at 600 dpi, read '0' at 30-80 px, nothing at 125).
LARGE_LABEL_ROWS = 4 * TARGET_HEIGHT
_LOCK = threading.Lock()
_API = {}


class OcrUnavailable(RuntimeError):
    """Tesseract or its Python binding is missing."""


def ocr_available() -> bool:
    """Whether labels can be read (tesserocr imports and finds the English model)."""
    try:
        _api()
    except OcrUnavailable:
        return False
    return True


def _api():
    with _LOCK:
        if "api" in _API:
            return _API["api"]
        try:
            import tesserocr
        except ImportError as error:
            raise OcrUnavailable(INSTALL_HINT) from error
        try:
            api = tesserocr.PyTessBaseAPI(lang="eng", psm=tesserocr.PSM.SINGLE_LINE)
        except RuntimeError as error:
            raise OcrUnavailable(f"Tesseract could not start ({error}). {INSTALL_HINT}") from error
        api.SetVariable("tessedit_char_whitelist", WHITELIST)
        # Tick labels are not words: no dictionary correction.
        api.SetVariable("load_system_dawg", "0")
        api.SetVariable("load_freq_dawg", "0")
        _API["api"] = api
        _API["module"] = tesserocr
        return api


def _openmp_runtime():
    """The GNU OpenMP runtime Tesseract was linked with, when it is loaded; else None."""
    if "gomp" in _API:
        return _API["gomp"]
    runtime = None
    try:
        import ctypes

        # RTLD_NOLOAD: a handle only to a library already in the process (loaded with
        # Tesseract); never load one Tesseract does not use.
        runtime = ctypes.CDLL("libgomp.so.1", mode=os.RTLD_NOLOAD | os.RTLD_LAZY)
        runtime.omp_get_max_active_levels.restype = ctypes.c_int
        runtime.omp_set_max_active_levels.argtypes = [ctypes.c_int]
    except (AttributeError, OSError, ImportError):
        runtime = None  # not Linux, or a Tesseract built without OpenMP
    _API["gomp"] = runtime
    return runtime


@contextmanager
def _single_thread():
    """Run Tesseract's OpenMP regions on the calling thread alone, for the ``with`` block.

    Debian's Tesseract runs its LSTM on four OpenMP threads. On a label of a few hundred
    pixels they spend more time waiting for each other than working: on two busy cores a label
    took 25–60 ms, on one thread 3–10 ms, with the same text (``bench/bench_detection.py``).
    Allowing no active parallel level makes every region run on the calling thread; the
    setting belongs to the calling thread and is put back afterwards, so no other OpenMP code
    in QGIS is affected.
    """
    runtime = _openmp_runtime()
    if runtime is None:
        yield
        return
    previous = runtime.omp_get_max_active_levels()
    runtime.omp_set_max_active_levels(0)
    try:
        yield
    finally:
        runtime.omp_set_max_active_levels(previous)


def crop_label(lum, box, page, margin=None, target_height=None) -> np.ndarray:
    """A label's pixels as an upscaled grey image with white around, ready for Tesseract.

    Parameters
    ----------
    lum : ndarray of float (rows, cols)
        Luma of the figure.
    box : tuple (col0, row0, col1, row1)
    page : float
        Page luma (the crop's background).
    margin : int, optional
        Page pixels round the label, before upscaling (default 0.6 of its height, 4 at least).
    target_height : float, optional
        The label's height once upscaled, pixels (default :data:`TARGET_HEIGHT`); never
        scaled down.

    Returns
    -------
    ndarray of uint8
    """
    col0, row0, col1, row1 = box
    height = row1 - row0
    margin = max(4, int(0.6 * height)) if margin is None else margin
    rows, cols = lum.shape
    crop = np.full((height + 2 * margin, (col1 - col0) + 2 * margin), page, np.float32)
    r0, r1, c0, c1 = max(row0, 0), min(row1, rows), max(col0, 0), min(col1, cols)
    crop[margin + r0 - row0:margin + r1 - row0, margin + c0 - col0:margin + c1 - col0] = \
        lum[r0:r1, c0:c1]
    # Black text on white whatever the page's own tone.
    lo = float(crop.min())
    stretched = np.clip((crop - lo) / max(page - lo, 1.0), 0, 1) * 255
    scale = max(1.0, (target_height or TARGET_HEIGHT) / max(height, 1))
    if scale > 1.01:
        from PIL import Image

        image = Image.fromarray(stretched.astype(np.uint8))
        image = image.resize((int(round(image.width * scale)), int(round(image.height * scale))),
                             Image.Resampling.LANCZOS if hasattr(Image, "Resampling")
                             else Image.LANCZOS)
        return np.asarray(image)
    return stretched.astype(np.uint8)


def read_label(image) -> tuple:
    """Text and mean confidence (0-100) of one label image (uint8 grey, dark text on white).

    Raises
    ------
    InterruptedError
        When the job reading it has been cancelled (asked before every reading: one label
        may be read many times over, crossed by a line, small, or checked digit by digit).
    """
    from PIL import Image

    check_cancelled()
    api = _api()
    tesserocr = _API["module"]
    with _LOCK, _single_thread():
        api.SetImage(Image.fromarray(image))
        text = api.GetUTF8Text().strip()
        confidence = float(api.MeanTextConf())
        if not text:
            # A lone glyph ('0', '5') can defeat the line layout analysis: read it as one
            # word, then as one character, with more page around it, and a large one scaled
            # down to the glyph height Tesseract reads best.
            padded = np.pad(image, image.shape[0] // 2, constant_values=255)
            candidates = [image, padded]
            if image.shape[0] > LARGE_LABEL_ROWS:
                scale = 2.2 * TARGET_HEIGHT / image.shape[0]
                candidates.append(np.asarray(Image.fromarray(image).resize(
                    (max(1, int(round(image.shape[1] * scale))), int(round(2.2 * TARGET_HEIGHT))),
                    Image.Resampling.LANCZOS if hasattr(Image, "Resampling") else Image.LANCZOS)))
            for mode in (tesserocr.PSM.SINGLE_WORD, tesserocr.PSM.SINGLE_CHAR):
                api.SetPageSegMode(mode)
                for candidate in candidates:
                    api.SetImage(Image.fromarray(candidate))
                    text = api.GetUTF8Text().strip()
                    if text:
                        confidence = float(api.MeanTextConf())
                        break
                if text:
                    break
            api.SetPageSegMode(tesserocr.PSM.SINGLE_LINE)
    return text, confidence


#: Characters of axis titles ("Easting (km)", "Northing [m]", "Latitude (°N)").
TITLE_WHITELIST = ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
                   "()[]/,.-°' ")


def read_text(image) -> str:
    """Text of one line of words (an axis title), uint8 grey, dark text on white.

    Raises
    ------
    InterruptedError
        When the job reading it has been cancelled.
    """
    from PIL import Image

    check_cancelled()
    api = _api()
    with _LOCK:
        api.SetVariable("tessedit_char_whitelist", TITLE_WHITELIST)
        try:
            api.SetImage(Image.fromarray(image))
            return api.GetUTF8Text().strip()
        finally:
            api.SetVariable("tessedit_char_whitelist", WHITELIST)


#: Characters of a legend's class labels: a tick label's, range dashes and comparison signs,
#: and 'inf' (QGIS's discrete shader labels its last class so).
CLASS_WHITELIST = WHITELIST + "<>=≤≥–—inf "


def read_class_label(image) -> tuple:
    """Text and mean confidence (0-100) of one class label ('0 - 500', '<= 200', 'inf'),
    uint8 grey, dark text on white."""
    api = _api()
    with _LOCK:
        api.SetVariable("tessedit_char_whitelist", CLASS_WHITELIST)
    try:
        return read_label(image)
    finally:
        with _LOCK:
            api.SetVariable("tessedit_char_whitelist", WHITELIST)
