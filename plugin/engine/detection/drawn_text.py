"""Small tick labels read by drawing their candidate texts as the figure's renderer drew them.

Tesseract misreads glyphs 5-6 px high (7-8 pt at 72 dpi) at any upscaling: an '8' of
DejaVu Serif 5 px high reads '0' or '2', a '5' reads '3', and often the same way on every label
of an axis, which a line then fits. Yet a figure drawn by matplotlib draws each label with
FreeType through its own rasteriser (``matplotlib.ft2font``, autohinted, 8 × horizontal hinting
factor), and drawing a text again with the same font at the same size gives the label's pixels
exactly: '−84.27' of DejaVu Serif at 8 px matches its label to the last grey level, '−04.27'
differs by 3.5 pixels' worth of ink.

So a small label is read by trying texts near what Tesseract read (every text one character
from its reading, or from its reading of the crop thresholded bold: a digit, a point or a minus
sign changed, added or dropped) and keeping the one whose drawing matches the label's ink. The
font and size are the figure's: found once, as those that draw several labels exactly
(:func:`find_text_styles`). A label is read this way only when one text matches within
:data:`MATCH_ERROR` and every text of another value is at least :data:`MATCH_MARGIN` worse;
otherwise (another renderer, Ghostscript's GMT labels, a font not installed, a JPEG too coarse)
nothing is decided here and Tesseract's reading stands, with its checks, unless the figure's
font draws that reading unlike the label (:func:`reading_contradicted`): then the label has no
value (a misread kept the same on every label of an axis fits a line).
"""
import threading
from dataclasses import dataclass

import numpy as np

#: Tallest label (pixels) read by drawing: Tesseract misreads labels 5-6 px high (7-8 pt at
#: 72 dpi) at any upscaling, and reads taller ones well.
SMALL_TEXT_MAX_HEIGHT_PX = 6
#: A drawing matches a label when the ink it misses or adds (summed coverage, 0-1 a pixel) is at
#: most this share of the label's ink: 0 for a PNG drawn by the same FreeType; the nearest
#: other digits ('36.50' for '36.56', '−04.26' for '−84.26' at 5 px) differ by 0.07-0.12.
MATCH_ERROR = 0.03
#: Every text of another value must differ from the label by at least this share of its ink
#: more than the best.
MATCH_MARGIN = 0.05
#: Styles (the best found) a label's texts are drawn in.
MAX_STYLES = 2
#: Font families tried, as matplotlib finds them (its own DejaVu, and the system's fonts that
#: journal styles name: Helvetica and Times are drawn with their URW clones on Debian).
FONT_FAMILIES = ("DejaVu Sans", "DejaVu Serif", "Nimbus Sans", "Nimbus Roman",
                 "Liberation Sans", "Liberation Serif", "Arial", "Times New Roman")
#: Characters a text near a reading may gain or have changed.
EDIT_CHARACTERS = "0123456789.−"
#: Look-alikes Tesseract writes for characters of tick labels, drawn as the characters.
_LOOK_ALIKES = {'"': "°", "'": "°", "′": "°", "″": "°", "º": "°", "~": "−", "–": "−"}


@dataclass(frozen=True)
class TextStyle:
    """A font file, its size (pixels per em, in 64ths as FreeType takes it) and hinting."""

    path: str
    size64: int
    flags: int


def _ft2font():
    try:
        from matplotlib import ft2font
    except ImportError:
        return None
    return ft2font


_FONTS = {}
#: FreeType fonts keep the size and text last set: one drawing at a time (QGIS may run two
#: algorithms at once).
_LOCK = threading.Lock()


def font_paths(weight="normal") -> list:
    """Font files of :data:`FONT_FAMILIES` that matplotlib finds (no fallback), distinct, of
    a weight ("normal" or "bold")."""
    key = ("paths", weight)
    if key not in _FONTS:
        paths = []
        try:
            from matplotlib import font_manager
        except ImportError:
            font_manager = None
        for family in FONT_FAMILIES if font_manager is not None else ():
            try:
                path = font_manager.findfont(font_manager.FontProperties(family=family,
                                                                         weight=weight),
                                             fallback_to_default=False)
            except (ValueError, RuntimeError):
                continue
            if path not in paths:
                paths.append(path)
        _FONTS[key] = paths
    return _FONTS[key]


def _hinting_flags():
    ft2font = _ft2font()
    # matplotlib's default hinting ('force_autohint', also its 'auto' and the classic style's).
    return (ft2font.LOAD_FORCE_AUTOHINT,)


_DRAWN = {}


def _font(path):
    """matplotlib's FreeType font of a file, with its Agg backend's hinting factor (8)."""
    font = _FONTS.get(("font", path))
    if font is None:
        font = _ft2font().FT2Font(path, hinting_factor=8)
        _FONTS[("font", path)] = font
    return font


def draw_text(text, style) -> "np.ndarray | None":
    """A text's ink coverage (0-1) as matplotlib's Agg backend draws it, cropped to its ink.

    Parameters
    ----------
    text : str
    style : TextStyle

    Returns
    -------
    ndarray of float (rows, cols) or None
        None when nothing is drawn.
    """
    key = (text, style)
    if key in _DRAWN:
        return _DRAWN[key]
    with _LOCK:
        font = _font(style.path)
        font.set_size(style.size64 / 64.0, 72)
        font.set_text(text, 0.0, flags=style.flags)
        font.draw_glyphs_to_bitmap(antialiased=True)
        image = np.asarray(font.get_image(), np.float32) / 255.0
    rows = np.flatnonzero(image.max(axis=1) > 0)
    cols = np.flatnonzero(image.max(axis=0) > 0)
    drawn = None if rows.size == 0 else \
        image[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1].copy()
    if len(_DRAWN) > 20000:
        _DRAWN.clear()
    _DRAWN[key] = drawn
    return drawn


def label_coverage(lum, page, box, ink, pad=2) -> np.ndarray:
    """A label's ink coverage (0 the page's luma, 1 the text's: ``ink``) over its box and
    ``pad`` pixels round it (the page beyond the figure's edge)."""
    col0, row0, col1, row1 = box
    rows, cols = lum.shape
    patch = np.full((row1 - row0 + 2 * pad, col1 - col0 + 2 * pad), page, np.float32)
    r0, r1, c0, c1 = max(row0 - pad, 0), min(row1 + pad, rows), max(col0 - pad, 0), \
        min(col1 + pad, cols)
    patch[r0 - row0 + pad:r1 - row0 + pad, c0 - col0 + pad:c1 - col0 + pad] = lum[r0:r1, c0:c1]
    return np.clip((page - patch) / max(page - ink, 1.0), 0.0, 1.0)


def match_error(drawn, coverage) -> float:
    """The least ink (summed coverage difference) by which a drawing placed anywhere in a
    label's patch differs from it, as a share of the label's ink; inf when it does not fit
    (:func:`match_errors` of one drawing)."""
    if drawn is None:
        return np.inf
    return float(match_errors(drawn[None], coverage)[0])


def match_errors(drawings, coverage) -> np.ndarray:
    """:func:`match_error` of drawings of one shape (an array (count, rows, cols)), at once.

    Each drawing's ink is scaled at each place by the factor that fits it best (least
    squares, 0.7-1.3): the text's colour is known only roughly (a 5 px label's darkest pixel
    is rarely wholly covered), and a factor does not turn one digit's shape into another's.
    """
    count, height, width = drawings.shape
    rows, cols = coverage.shape
    if height > rows or width > cols:
        return np.full(count, np.inf)
    windows = np.lib.stride_tricks.sliding_window_view(coverage, (height, width))
    # (count, places) products of each drawing with each window, and each drawing's square.
    flat_windows = windows.reshape(-1, height * width)
    flat = drawings.reshape(count, -1)
    scale = np.clip((flat @ flat_windows.T) / np.maximum((flat * flat).sum(axis=1), 1e-6)[:, None],
                    0.7, 1.3)
    inside = np.abs(flat_windows[None, :, :] - scale[:, :, None] * flat[:, None, :]).sum(axis=2)
    total = float(coverage.sum())
    # Ink of the patch outside the drawing's window is ink the drawing misses.
    outside = total - flat_windows.sum(axis=1)
    return (inside + outside[None, :]).min(axis=1) / max(total, 1.0)


def drawn_forms(reading) -> set:
    """A reading as it may be drawn: its look-alikes as the characters (a '"' for a degree
    sign), without spaces, a hyphen also as a minus sign and a minus sign as a hyphen."""
    text = "".join(_LOOK_ALIKES.get(character, character) for character in reading.strip())
    text = text.replace(" ", "")
    forms = {text, text.replace("-", "−"), text.replace("−", "-")}
    forms.discard("")
    return forms


def texts_near(readings) -> set:
    """Texts at most one character from any of the readings (:func:`drawn_forms`): the
    reading, one digit, point or minus sign changed, added or dropped."""
    bases = set()
    for reading in readings:
        bases |= drawn_forms(reading)
    near = set(bases)
    for text in bases:
        for index in range(len(text) + 1):
            for character in EDIT_CHARACTERS:
                near.add(text[:index] + character + text[index:])
                if index < len(text):
                    near.add(text[:index] + character + text[index + 1:])
            if index < len(text):
                near.add(text[:index] + text[index + 1:])
    near.discard("")
    return near


def ink_width(coverage) -> int:
    """Columns of a label's (or a drawing's) coverage holding ink above 0.05."""
    return int(np.count_nonzero(coverage.max(axis=0) > 0.05))


def _advance(character, style) -> float:
    """A character's hinted advance (pixels) in a style."""
    key = ("advance", character, style)
    if key not in _FONTS:
        with _LOCK:
            font = _font(style.path)
            font.set_size(style.size64 / 64.0, 72)
            glyph = font.load_char(ord(character), flags=style.flags)
        # 26.6 fixed point, drawn at the hinting factor's 8 times the horizontal resolution.
        _FONTS[key] = glyph.horiAdvance / 64.0 / 8.0
    return _FONTS[key]


def _advances(text, style) -> float:
    return sum(_advance(character, style) for character in text)


#: Steps (64ths of a pixel per em) of the coarse search for a style's size; the fine search
#: tries every size within one step of the best coarse ones.
COARSE_SIZE_STEP = 4


def find_text_styles(samples, least_labels=2, paths=None) -> list:
    """The fonts and sizes that draw several of a figure's small labels exactly.

    Sizes are searched coarsely (every :data:`COARSE_SIZE_STEP` 64ths of a pixel, near the
    size at which the reading is as wide as the label), then finely round the best coarse
    ones: a drawing a 16th of a pixel too large already differs from the label by 7 % of
    its ink, one of the right size by nothing.

    Parameters
    ----------
    samples : list of (ndarray, set of str)
        Each label's coverage (:func:`label_coverage`) and the texts it may be (its readings).
    least_labels : int
        Labels of distinct texts a style must draw within :data:`MATCH_ERROR`.
    paths : list of str, optional
        The font files tried (default :func:`font_paths`: the regular weights).

    Returns
    -------
    list of TextStyle
        Best first (most labels drawn, then least error); empty when matplotlib is missing or
        no style draws enough labels (another renderer).
    """
    if _ft2font() is None:
        return []
    matched = {}
    for coverage, readings in samples:
        width = ink_width(coverage)
        texts = set()
        for reading in readings:
            texts |= drawn_forms(reading)
        for path in font_paths() if paths is None else paths:
            for flags in _hinting_flags():
                for text in texts:
                    probe = draw_text(text, TextStyle(path, 640, flags))
                    if probe is None or ink_width(probe) < 2:
                        continue
                    estimate = 640 * width / ink_width(probe)
                    # Drawn again at that size: a 10 px probe's width is rounded to a pixel,
                    # a few per cent of the size, more than the search reaches for labels
                    # much larger than it (40 px glyphs at 300 dpi).
                    again = draw_text(text, TextStyle(path, max(int(estimate), 64), flags))
                    if again is not None and ink_width(again) >= 2:
                        estimate = max(int(estimate), 64) * width / ink_width(again)
                    reach = max(int(estimate * 2.5 / width), COARSE_SIZE_STEP)
                    coarse = []
                    for size64 in range(max(int(estimate) - reach, 64), int(estimate) + reach + 1,
                                        COARSE_SIZE_STEP):
                        drawn = draw_text(text, TextStyle(path, size64, flags))
                        if drawn is not None and abs(ink_width(drawn) - width) <= 1:
                            coarse.append((match_error(drawn, coverage), size64))
                    for error, centre in sorted(coarse)[:2]:
                        if error > 4 * MATCH_ERROR + 3 * MATCH_MARGIN:
                            continue
                        for size64 in range(centre - COARSE_SIZE_STEP + 1, centre + COARSE_SIZE_STEP):
                            style = TextStyle(path, size64, flags)
                            error = match_error(draw_text(text, style), coverage)
                            if error <= MATCH_ERROR:
                                found = matched.setdefault(style, {})
                                found[text] = min(error, found.get(text, np.inf))
    ranked = sorted(((len(found), -sum(found.values()), style)
                     for style, found in matched.items() if len(found) >= least_labels),
                    key=lambda item: (item[0], item[1]), reverse=True)
    distinct = []
    for _, _, style in ranked:
        # A size a few 64ths from a better one draws the same pixels: one of them is enough.
        if not any(style.path == other.path and style.flags == other.flags and
                   abs(style.size64 - other.size64) <= COARSE_SIZE_STEP for other in distinct):
            distinct.append(style)
    return distinct[:MAX_STYLES]


def read_by_drawing(coverage, readings, styles, value_of) -> "tuple | None":
    """The one text near the readings whose drawing matches a label, or None.

    Parameters
    ----------
    coverage : ndarray
        The label's coverage (:func:`label_coverage`).
    readings : sequence of str
        What OCR read (the texts tried are those at most one character away).
    styles : list of TextStyle
        The figure's (:func:`find_text_styles`).
    value_of : callable(str) -> object or None
        A text's value (None: not a tick label); texts of one value are one answer.

    Returns
    -------
    (str, float) or None
        The text and its error (share of the label's ink), when exactly one value's text
        matches within :data:`MATCH_ERROR` and no other value's within
        :data:`MATCH_MARGIN` of it.
    """
    width = ink_width(coverage)
    bases = set()
    for reading in readings:
        bases |= drawn_forms(reading)
    candidates = [(text, value_of(text)) for text in texts_near(readings)]
    candidates = [(text, value) for text, value in candidates if value is not None]
    scored = []
    for style in styles:
        # Texts far wider or narrower than the label are not drawn: a text's ink is its
        # characters' advances less its ends' bearings, which a reading drawn tells.
        bearings = [_advances(text, style) - ink_width(drawn) for text in bases
                    for drawn in (draw_text(text, style),) if drawn is not None]
        if not bearings:
            continue
        bearing = float(np.median(bearings))
        by_shape = {}
        for text, value in candidates:
            if abs(_advances(text, style) - bearing - width) > 1.5:
                continue
            drawn = draw_text(text, style)
            if drawn is None or abs(ink_width(drawn) - width) > 1:
                continue
            by_shape.setdefault(drawn.shape, []).append((drawn, text, value))
        for group in by_shape.values():
            errors = match_errors(np.stack([drawn for drawn, _, _ in group]), coverage)
            scored += [(float(error), text, value)
                       for error, (_, text, value) in zip(errors, group)]
    if not scored:
        return None
    scored.sort(key=lambda item: item[0])
    best_error, best_text, best_value = scored[0]
    if best_error > MATCH_ERROR:
        return None
    if any(error < best_error + MATCH_MARGIN for error, _, value in scored[1:]
           if value != best_value):
        return None
    return best_text, best_error


def reading_contradicted(coverage, text, styles) -> bool:
    """Whether a reading drawn in the figure's fonts (``styles``) differs from the label by
    more than :data:`MATCH_ERROR` + :data:`MATCH_MARGIN` of its ink in every one of them (a
    hyphen drawn as a minus sign too): the label is another text."""
    texts = drawn_forms(text)
    if not texts or not styles:
        return False
    best = min(match_error(draw_text(candidate, style), coverage)
               for candidate in texts for style in styles)
    return best > MATCH_ERROR + MATCH_MARGIN


#: Coverage (0-1) from which a drawn pixel is a label's ink: a third of the page's luma darker
#: (:func:`.text.ink_mask`, black text on a white page).
INK_COVERAGE = 1.0 / 3.0


def ink_centre_offsets(text, style) -> "tuple | None":
    """Where matplotlib's Agg backend puts a text's ink centre from the centre of the text's
    layout box (pixels: right, down), the box as ``ha='center'`` and ``va='center'`` align it,
    and (down) from the anchor of ``va='center_baseline'``.

    matplotlib lays a text out by a box as wide as its glyphs' outlines (``FT2Font``'s
    ``get_width_height``) and as tall as 'lp' (the ascender of 'l', the descender of 'p'),
    but draws the glyphs' bitmap from its first glyph's side bearing on (``get_bitmap_offset``):
    a label starting with a narrow '1' has its ink about a tenth of an em right of its box's
    centre, one starting with '0' or a minus sign none or left of it. Vertically, digits stand
    on the baseline and the box reaches the descender's depth below it: their ink is
    (c + d - a) / 2 above the box's centre (digits c high, 'l' a, 'p' d deep), 0.11-0.17 of the
    digits' height in DejaVu and Nimbus. Each within the half pixel the drawing's placement
    rounds to.

    Parameters
    ----------
    text : str
    style : TextStyle

    Returns
    -------
    (float, float, float) or None
        Right, down (``va='center'``), down (``va='center_baseline'``); None when nothing is
        drawn.
    """
    key = ("offsets", text, style)
    if key in _FONTS:
        return _FONTS[key]
    with _LOCK:
        font = _font(style.path)
        font.set_size(style.size64 / 64.0, 72)
        font.set_text("lp", 0.0, flags=style.flags)
        _, box_height = font.get_width_height()
        box_descent = font.get_descent()
        font.set_text(text, 0.0, flags=style.flags)
        width, box_text_height = font.get_width_height()
        box_text_descent = font.get_descent()
        bitmap_left = font.get_bitmap_offset()[0] / 64.0
        font.draw_glyphs_to_bitmap(antialiased=True)
        image = np.asarray(font.get_image(), np.float32) / 255.0
        # The ink's rows as the labels' are placed: less the separators' tails below the
        # digits (figure_reading.rows_without_tails).
        body = "".join(character for character in text if character not in ",.") or text
        font.set_text(body, 0.0, flags=style.flags)
        _, height = font.get_width_height()
        descent = font.get_descent()
    columns = np.flatnonzero(image.max(axis=0) > INK_COVERAGE)
    if columns.size == 0:
        _FONTS[key] = None
        return None
    # Along x: the bitmap is drawn from the box's left edge plus the first glyph's bearing;
    # the ink's middle column within it (pixels the labels' ink takes) against the box's
    # middle.
    right = bitmap_left + 0.5 * (columns[0] + columns[-1] + 1) - width / 64.0 / 2.0
    # Along y (up, baseline 0, 26.6 fixed point): the ink from -descent to height - descent;
    # the box from -max(descents) to max(heights) - max(descents), its centre ``va='center'``'s
    # anchor; ``va='center_baseline'`` (matplotlib's y tick labels) anchors half the box's
    # height above the baseline.
    box_height, box_descent = max(box_text_height, box_height), max(box_text_descent, box_descent)
    ink = (height - 2 * descent) / 2.0
    up = (ink - (box_height - 2 * box_descent) / 2.0) / 64.0
    up_of_baseline = (ink - (box_height - box_descent) / 2.0) / 64.0
    _FONTS[key] = (float(right), float(-up), float(-up_of_baseline))
    return _FONTS[key]
