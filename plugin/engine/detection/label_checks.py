"""Label checking: a tick label's reading held against the ink of its own glyphs.

After OCR (:mod:`.ocr`) and before the tick fit (:mod:`.ticks`): a decimal point or minus sign
dropped is put back, a point or comma made up or mistaken is mended, and a reading with a
character more or fewer than its glyphs hold is marked as no value.
"""
import contextlib
import dataclasses
import functools
import hashlib
import re
import threading
from collections.abc import Iterator

import numpy as np

from ..cancellation import check as check_cancelled
from .labels import normalise

#: Length units a tick label may carry a word space after its number (labels.parse_label's).
UNIT_WORDS = ("m", "km", "mm", "cm")
#: Widest a character of a tick label is, as a share of the digits' pitch (their advance,
#: centre to centre): digits are all one advance wide in the fonts renderers use (DejaVu Sans,
#: Helvetica); the others measured in both, the wider kept ('−' in DejaVu is 1.32 digits wide,
#: 'W' in Helvetica 1.7). A label's ink is never wider than its characters' advances.
CHARACTER_PITCHES = {**{digit: 1.0 for digit in "0123456789"}, ".": 0.55, ",": 0.55,
                     "-": 1.35, "+": 1.0, "°": 0.85, "'": 0.45, "N": 1.3, "S": 1.2, "E": 1.2,
                     "W": 1.75, "k": 0.95, "m": 1.6, "K": 1.2, "M": 1.5, "e": 1.0, "x": 0.95,
                     "×": 1.35, " ": 0.6}
#: A label wider than its reading's characters can be by more than this share of a pitch (and
#: :data:`WIDER_THAN_TEXT_MIN_PX`) holds a character more than was read.
WIDER_THAN_TEXT_SHARE = 0.35
WIDER_THAN_TEXT_MIN_PX = 2.0


def digit_pitch(labels, height, least_pairs=4) -> "float | None":
    """The digits' pitch (pixels, centre to centre of neighbouring glyphs) of the figure's text
    as tall as ``height`` (within a quarter), from every label's glyphs: neighbouring glyphs
    of a label's full height, each no wider than a digit can be (touching digits merged into
    one glyph are left out; a round glyph broken into its two sides is one,
    :func:`joined_halves`). The median over the figure, or None with fewer than
    ``least_pairs`` pairs.

    Parameters
    ----------
    labels : list of text.TextLabel
    height : float
        The label's height, pixels.
    """
    pitches = []
    for label in labels:
        if not label.members or len(label.members) < 2 or \
                abs(label.height - height) > 0.25 * height:
            continue
        glyphs = joined_halves(label.members)
        for a, b in zip(glyphs, glyphs[1:]):
            if min(a[3] - a[1], b[3] - b[1]) < FULL_HEIGHT_SHARE * label.height or \
                    max(a[2] - a[0], b[2] - b[0]) > 0.9 * label.height:
                continue
            pitches.append(0.5 * (b[0] + b[2]) - 0.5 * (a[0] + a[2]))
    if len(pitches) < least_pairs:
        return None
    return float(np.median(pitches))


def text_line_only(members) -> bool:
    """Whether a label's glyphs all stand on one line of text: none reaches above or below its
    tallest glyph's rows by more than a pixel and a tenth of its height (a comma's tail, a
    degree sign). Ink of something else merged into it (the letters of a rotated axis title
    beside a colorbar's label) does, and makes its width no measure of its text."""
    if not members:
        return False
    tallest = max(members, key=lambda box: box[3] - box[1])
    slack = 1.0 + 0.1 * (tallest[3] - tallest[1])
    return all(row0 >= tallest[1] - slack and row1 <= tallest[3] + slack
               for _, row0, _, row1 in members)


def wider_than_text(text, width, pitch, cell=None) -> bool:
    """Whether a label's ink (``width`` pixels) is wider than the characters read from it can
    be (each at most its :data:`CHARACTER_PITCHES` share of the digits' ``pitch``, or one
    ``cell`` of a monospaced font): a glyph was not read ('10' read '1' where the digits touch
    and make one glyph, a digit lost at a line). False when the reading holds a character of
    unknown width, or an exponent.

    ``cell`` (pixels, :func:`.text.cell_pitch`) is given for a label whose glyphs stand in a
    monospaced font's cells: its point and degree sign are a digit's width each (Courier's
    '50.00°N' is 7 cells, 6.7 of a proportional font's digits, and was taken for a character
    short)."""
    characters = normalise(text).strip()
    # A unit's space, which OCR drops ('3500 m' read '3500m'), has its width on the figure.
    characters = re.sub(r"(?<=\d)(?=[kmKM])", " ", characters)
    if not characters or pitch is None or "^" in characters or \
            any(character not in CHARACTER_PITCHES for character in characters):
        return False
    widest = sum(CHARACTER_PITCHES[character] for character in characters) * pitch
    if cell is not None:
        widest = max(widest, len(characters) * cell)
    return width > widest + max(WIDER_THAN_TEXT_MIN_PX, WIDER_THAN_TEXT_SHARE * pitch)


def unit_spaced(text) -> str:
    """A reading with a space put back before a unit after its number ('610000m' ->
    '610000 m'): Tesseract drops the space a label's width holds (``610000 m`` in a font
    whose word space is narrow enough for the glyphs to make one label)."""
    return re.sub(r"(?<=\d)(%s)$" % "|".join(UNIT_WORDS), r" \1", normalise(text))


#: Narrowest a character's step to the next is, as a share of the digits' pitch, for the
#: characters a label made of numbers holds: digits are one advance each (tabular, in every
#: font renderers use); a point or a separator at least this.
CHARACTER_MIN_PITCHES = {**{digit: 1.0 for digit in "0123456789"}, ".": 0.4, ",": 0.4}
#: Narrowest a label's last glyph's ink is, as a share of the digits' pitch: a '1' (its stem
#: and flag), a point; any other digit (DejaVu Sans' and Helvetica's are 0.75-0.85 of their
#: advance wide) 0.6; other characters :data:`LAST_GLYPH_MIN_SHARE`.
LAST_GLYPH_MIN_SHARES = {**{digit: 0.6 for digit in "023456789"}, "1": 0.25}
LAST_GLYPH_MIN_SHARE = 0.15
#: A label narrower than its reading's characters can be by more than this share of a pitch
#: (and :data:`WIDER_THAN_TEXT_MIN_PX`) holds a character fewer than was read: half a digit,
#: as a '1' first stands a little in from its advance's start, and a character too many is a
#: whole one.
NARROWER_THAN_TEXT_SHARE = 0.5


def narrower_than_text(text, members, pitch) -> bool:
    """Whether a label's glyphs are narrower than the characters read from them can be: a
    character was read that is not there.

    The span measured runs from the first glyph (a leading sign's bar, a hyphen or a wider
    Unicode minus, is left out with its character) to the last glyph's end. Each character
    but the last steps at least its :data:`CHARACTER_MIN_PITCHES` share of the digits'
    ``pitch`` to the next, and the last one's ink is at least its
    :data:`LAST_GLYPH_MIN_SHARES` share of it; a span narrower than that by more than
    :data:`NARROWER_THAN_TEXT_SHARE` of a pitch (and :data:`WIDER_THAN_TEXT_MIN_PX`) holds
    fewer characters than were read. OCR reading a digit twice on every label ('500 1000
    1500' as '5000 10000 15000') keeps the values on a line ten times the true one, which no
    fit tells; their ink is a digit's pitch short. Only readings of digits, points and
    separators after an optional sign are judged (other characters' widths vary between
    fonts).

    Parameters
    ----------
    text : str
        The reading.
    members : list of tuple or None
        The label's glyph boxes (col0, row0, col1, row1), pixels.
    pitch : float or None
        The digits' pitch (centre to centre), pixels.

    Returns
    -------
    bool
    """
    characters = normalise(text).strip().replace(" ", "")
    if not members or pitch is None:
        return False
    signed = characters[:1] in ("-", "+")
    characters = characters[1:] if signed else characters
    if len(characters) < 2 or not characters[0].isdigit() or \
            any(character not in CHARACTER_MIN_PITCHES for character in characters):
        return False
    tallest = max(box[3] - box[1] for box in members)
    glyphs = sorted(members)
    if signed and len(glyphs) > 1 and glyphs[0][3] - glyphs[0][1] <= 0.35 * tallest and \
            glyphs[0][2] - glyphs[0][0] >= glyphs[0][3] - glyphs[0][1]:
        glyphs = glyphs[1:]  # the sign's bar
    span = max(box[2] for box in glyphs) - min(box[0] for box in glyphs)
    narrowest = (sum(CHARACTER_MIN_PITCHES[character] for character in characters[:-1]) +
                 LAST_GLYPH_MIN_SHARES.get(characters[-1], LAST_GLYPH_MIN_SHARE)) * pitch
    return span < narrowest - max(WIDER_THAN_TEXT_MIN_PX, NARROWER_THAN_TEXT_SHARE * pitch)


def sign_beside_hemisphere(text, parsed) -> tuple:
    """A reading with a minus sign and a hemisphere letter ('-19.45°N'): renderers write one
    or the other, never both, so the sign is something beside the text read as one (QGIS's
    interior tick mark running from the frame to an annotation written inside it: every y
    label of such a layout at 150 dpi read '-19.45°N', and the map was georeferenced upside
    down in the southern hemisphere, in silence).

    The hemisphere letter gives the sign. A latitude (N, S) is placed by its centre across the
    text's rows, which a mark at its side leaves where it is: it is read without the sign. A
    longitude (E, W) is placed along the text, whose box the mark widens: no value.

    Parameters
    ----------
    text : str
    parsed : labels.ParsedLabel
        With a hemisphere letter.

    Returns
    -------
    tuple (str, ParsedLabel or None)
        The text (without the sign when its value is taken) and its value.
    """
    if parsed.hemisphere in ("E", "W"):
        return f"{text} (a sign before a hemisphere letter: a mark beside the label, whose " \
               f"place along it is not known)", None
    value = abs(parsed.value) * (-1.0 if parsed.hemisphere == "S" else 1.0)
    return normalise(text)[1:], dataclasses.replace(parsed, value=value)


def digit_on_its_side(text, members) -> bool:
    """Whether a label read as one digit (with signs or a degree sign, one glyph to each
    character) has that digit's glyph wider than tall: no digit written level
    is (a digit's ink is 0.5-0.8 of its height wide in the fonts renderers use, a '0' or '4'
    the widest), so the glyph is a digit written upward or downward, read level as another.
    QGIS's vertical y annotations '20', '0', '-20' (DejaVu Sans 7 pt at 96 dpi): the turned
    '0', 7 px wide and 5 high, read '3', made a level pair with a '7' read from the turned
    '-20', which stood in for the turned labels' pair and refused the axis.

    Parameters
    ----------
    text : str
        The reading.
    members : list of tuple or None
        The label's glyph boxes (col0, row0, col1, row1), pixels.

    Returns
    -------
    bool
    """
    characters = normalise(text).replace(" ", "")
    digits = [index for index, character in enumerate(characters) if character.isalnum()]
    # One glyph to each character (a degree sign or a sign beside the digit: '6°', the '6'
    # and '0' of '60°' touching in Nimbus Sans 12 pt at 72 dpi), so that the digit's glyph is
    # known; a digit touching its degree sign is one glyph for two characters, not judged.
    if len(digits) != 1 or not characters[digits[0]].isdigit() or not members or \
            len(members) != len(characters):
        return False
    col0, row0, col1, row1 = sorted(members)[digits[0]]
    return col1 - col0 > row1 - row0


def leading_zero(text) -> bool:
    """Whether a label's reading starts with a zero followed by a digit ('05', '-05'): a
    decimal point not read, as no tick formatter writes that."""
    return re.match(r"[-+]?0\d", normalise(text).replace(" ", "")) is not None


def points_lost_everywhere(labels, fit) -> str:
    """A problem when the labels a linear fit kept lost their decimal points like one read with
    a leading zero: '05' beside '10', '15', '20' ('0.5 1.0 1.5 2.0' with every point lost:
    the kept values lie on a line ten times the true one, which nothing else shows). The
    zero-led label's value with its point put back after the zero (0.5) lands where the fit
    puts it once every kept value is divided by 10, 100 or 1000: then the kept labels lost
    theirs too. "" otherwise (the zero-led label is only a misread, left out)."""
    if fit is None or fit.logarithmic or fit.projection is not None or len(fit.kept) < 2:
        return ""
    positions = np.sort([label.position for label in fit.kept])
    spacing = float(np.median(np.diff(positions)))
    tolerance = max(INLIER_PIXELS_FOR_POINTS, 0.1 * spacing)
    for label in labels:
        if label.kept or label.parsed is None or not leading_zero(label.text):
            continue
        digits = re.sub(r"\D", "", normalise(label.text).split(".")[0])
        sign = -1.0 if normalise(label.text).lstrip().startswith("-") else 1.0
        restored = sign * int(digits) / 10.0 ** (len(digits) - 1)
        for power in (1, 2, 3):
            position = float(fit.position_of(restored * 10.0 ** power))
            if np.isfinite(position) and abs(position - label.position) <= tolerance:
                said = ", ".join(f"'{kept.text}'" for kept in fit.kept)
                return (f"the labels were read without their decimal points: '{label.text}' "
                        f"(a leading zero: {restored:g}) lies where {restored * 10 ** power:g} "
                        f"would on the line through {said}, so these are {10 ** power:g} times "
                        "their true values")
    return ""


#: Farthest (pixels, or a tenth of the tick spacing when more) a zero-led label may lie from
#: where the fit puts its value with its point back, all values scaled.
INLIER_PIXELS_FOR_POINTS = 2.0


def characters_missing(text, members) -> bool:
    """More digits and letters in a label's glyphs than in its reading: OCR dropped one.

    Each digit or letter a tick label may hold (OCR's whitelist: digits, hemisphere letters,
    units) is one connected glyph of the text's full height on the figure; two digits touching
    at a low resolution make one glyph of two characters, never the reverse. So a reading with
    fewer of them than the label has full-height glyphs lost one ('150' read as '15', '15°S'
    as '15°'). Small glyphs (signs, points, the degree sign) and fragments below or above the
    text's line (the letters of a rotated axis title merged into the label) are not counted,
    and a round glyph broken into its two sides counts once (:func:`halves_of_one_glyph`).

    Parameters
    ----------
    text : str
        The reading (after :func:`restore_decimal_point`).
    members : list of tuple or None
        The label's glyph boxes (col0, row0, col1, row1).

    Returns
    -------
    bool
    """
    if not members:
        return False
    tallest = max(members, key=lambda box: box[3] - box[1])
    height = tallest[3] - tallest[1]
    if height <= 0:
        return False
    members = joined_halves(members)
    full, x_height = 0, 0
    columns = []  # the full glyphs' column spans counted so far
    for col0, row0, col1, row1 in sorted(members):
        if _full_height((col0, row0, col1, row1), tallest):
            # Two pieces over the same columns are one character come apart (a serif '6'
            # over a map's colours, its thin join lighter than the ink threshold: its bowl
            # a glyph of its own): characters stand side by side, a pixel's kerning apart.
            if columns and min(col1, columns[-1][1]) - max(col0, columns[-1][0]) >= \
                    0.5 * min(col1 - col0, columns[-1][1] - columns[-1][0]):
                columns[-1] = (min(col0, columns[-1][0]), max(col1, columns[-1][1]))
                continue
            columns.append((col0, col1))
            full += 1
            x_height += row1 - row0 < CAP_HEIGHT_SHARE * height
    characters = sum(1 for character in text if character.isalnum())
    # A lower-case unit's glyphs ('m' of '670 m': x-height, below the digits' cap height) may
    # break apart at a low resolution (a serif 'm' at 96 dpi is a stroke and an 'n'): those
    # are counted as the lower-case letters read, the digits and capitals by themselves.
    lower = sum(1 for character in text if character.islower())
    if lower and x_height >= lower:
        return full - x_height > characters - lower
    return full > characters


#: A glyph read as one digit at least this many pixels, and this share of the label's other
#: digits' width, wider than they are (and wider than the digits' pitch, which no single
#: digit's ink is) holds two digits touching.
TWO_DIGITS_MIN_EXCESS_PX = 1.5
TWO_DIGITS_MIN_EXCESS_SHARE = 0.35


def digits_touching_read_as_one(text, members, pitch, digit_width=None) -> bool:
    """Whether a glyph of a label read as one digit holds two digits touching: a character
    not read though the label has a glyph for each character read.

    At 4-5 px, two digits touching make one glyph, which OCR may read as one digit:
    DejaVu Sans 6 pt at 72 dpi draws '36.65' as '36' touching, a point and '6', '5', read
    '4.65' on every label of the y axis, which lie on a line with the right step and give a
    georeferencing 32 degrees off. The label's ink is then no wider than the reading's
    characters can be (:func:`wider_than_text` allows for the widest fonts), and its glyphs
    are as many as the characters read (:func:`characters_missing`), but that digit's glyph
    is wider than the digits' ``pitch`` (a digit's ink is narrower than its advance in every
    font) and by :data:`TWO_DIGITS_MIN_EXCESS_PX` and :data:`TWO_DIGITS_MIN_EXCESS_SHARE`
    wider than the label's other digits (a '1' left out: it is narrow), or than
    ``digit_width`` when the label has no other.

    Judged only when each character read has a glyph of its own: as many full-height glyphs
    as digits and hemisphere letters read (a unit's letters are not judged), each apart from
    the next by a blank column and none matched to a digit narrower than
    :data:`BROKEN_DIGIT_MAX_SHARE` of a digit (a glyph broken in two pieces with a blank
    column between them), and as many smaller ones (points, signs, degree signs) as other
    characters. A point, a minus or a degree sign touching a digit (one glyph wider than the
    digit, which is right) makes fewer glyphs than characters, and is not judged.

    Parameters
    ----------
    text : str
        The reading.
    members : list of tuple or None
        The label's glyph boxes (col0, row0, col1, row1), pixels.
    pitch : float or None
        The digits' pitch (centre to centre), pixels.
    digit_width : float or None
        The width (pixels) of the figure's digits as tall (:func:`glyph_widths`).

    Returns
    -------
    bool
    """
    characters = normalise(text).replace(" ", "")
    if not members or pitch is None or pitch <= 0 or not characters or \
            any(character not in CHARACTER_PITCHES for character in characters) or \
            any(character.isalpha() and character not in HEMISPHERE_LETTERS
                for character in characters):
        # A unit's letters break and merge unlike digits ('m' of '1,000m' in two pieces,
        # Nimbus Roman 8 pt at 96 dpi, made up for '00' touching in a right reading): only
        # digits and hemisphere letters are matched to glyphs one to one.
        return False
    glyphs = joined_halves(members)
    tallest = max(glyphs, key=lambda box: box[3] - box[1])
    height = tallest[3] - tallest[1]
    if height <= 0:
        return False
    full, small = [], 0
    for col0, row0, col1, row1 in glyphs:
        if _full_height((col0, row0, col1, row1), tallest):
            if full and col0 <= full[-1][1]:
                # No blank column between two pieces: one glyph broken (DejaVu Sans' 'W' at
                # 7 px is two), which would shift the glyphs against the characters read
                # ('84.4°W': '84' touching, the 'W''s halves taken for '4' and 'W').
                return False
            full.append((col0, col1))
        else:
            small += 1
    alnum = [character for character in characters if character.isalnum()]
    if len(full) != len(alnum) or small != len(characters) - len(alnum):
        return False
    widths = [(character, box[1] - box[0]) for character, box in zip(alnum, full)]
    digit_widths = [width for character, width in widths
                    if character.isdigit() and character != "1"]
    narrow_reference = digit_width if digit_width is not None else \
        (float(np.median(digit_widths)) if digit_widths else None)
    if narrow_reference is not None and \
            any(width < BROKEN_DIGIT_MAX_SHARE * narrow_reference for width in digit_widths):
        # A digit matched to a piece this narrow is a glyph broken apart with a blank column
        # between its pieces (a serif '0' through JPEG, '900' in pieces 7, 4 and 2 px wide):
        # the extra piece makes up for two digits touching, and the glyphs no longer match
        # the characters one to one.
        return False
    for index, (character, width) in enumerate(widths):
        if not character.isdigit() or width <= pitch:
            continue
        others = [other for position, (digit, other) in enumerate(widths)
                  if position != index and digit.isdigit() and digit != "1"]
        reference = float(np.median(others)) if others else digit_width
        if reference is not None and \
                width >= reference + max(TWO_DIGITS_MIN_EXCESS_PX,
                                         TWO_DIGITS_MIN_EXCESS_SHARE * reference):
            return True
    return False


#: The letters :func:`digits_touching_read_as_one` matches to glyphs (a degree label's).
HEMISPHERE_LETTERS = frozenset("NSEW")
#: A digit other than '1' is never narrower than this share of its font's digit width
#: (:func:`digits_touching_read_as_one`: a piece narrower is part of a broken glyph).
BROKEN_DIGIT_MAX_SHARE = 0.6
#: The narrowest digits' pitch as a share of their height (Arial Narrow 0.64, Nimbus Roman
#: 0.74, DejaVu Sans Condensed 0.78, DejaVu Sans and Serif 0.87): two glyphs together no wider
#: than one character's box at this pitch cannot be two characters in any of them.
NARROWEST_PITCH_HEIGHTS = 0.6
#: Each side of a round glyph broken in two (a serif '0', 'O', '8', '6' whose thin top and
#: bottom strokes are lighter than the ink threshold at 96-120 dpi) is at most this share of
#: that pitch wide, the two at most this share of it apart (the lost stroke's width) and
#: together at most this many pitches wide: one character's box. Two narrow characters side
#: by side ('11', a serif '1' 0.4 of its digits' height wide) stand half a pitch apart and
#: span 1.4 pitches ('ft' a pitch and more).
HALF_GLYPH_WIDTH_PITCHES = 0.6
HALF_GLYPH_GAP_PITCHES = 0.25
ONE_GLYPH_PITCHES = 1.15


def halves_of_one_glyph(left, right, tallest) -> bool:
    """Whether two neighbouring glyphs of a label are the two sides of one character.

    A serif '0' at 7-10 pt and 96-120 dpi loses its thin top and bottom strokes to the ink
    threshold: its two sides are glyphs of their own, each the text's full height and half a
    digit wide, together one digit's box. Two characters are a pitch apart: their glyphs
    together are wider than one character's box, or stand apart by more than a stroke. The
    pitch is the narrowest a font's digits have at the text's height
    (:data:`NARROWEST_PITCH_HEIGHTS`), not one measured on the label, whose broken glyphs
    make its own pitch look half a digit.

    Parameters
    ----------
    left, right : tuple
        The two glyphs' boxes (col0, row0, col1, row1), pixels, ``left`` first.
    tallest : tuple
        The label's tallest glyph's box: both sides span its rows (within a pixel and a
        tenth of its height).

    Returns
    -------
    bool
    """
    height = tallest[3] - tallest[1]
    pitch = NARROWEST_PITCH_HEIGHTS * height
    slack = 1.0 + 0.1 * height
    for box in (left, right):
        if box[1] > tallest[1] + slack or box[3] < tallest[3] - slack or \
                box[2] - box[0] > HALF_GLYPH_WIDTH_PITCHES * pitch:
            return False
    return (right[0] - left[2] <= HALF_GLYPH_GAP_PITCHES * pitch
            and right[2] - left[0] <= ONE_GLYPH_PITCHES * pitch)


def stacked_by_columns(boxes) -> list:
    """Glyph boxes whose columns overlap, one over the other, joined into one box each.

    Parameters
    ----------
    boxes : iterable of tuple (col0, row0, col1, row1)
        Glyph boxes, pixels, in any order.

    Returns
    -------
    list of tuple (col0, row0, col1, row1)
        Left to right: each box the union of a run of boxes (sorted by their left edge) that
        starts before the run's right edge so far.
    """
    stacks = []
    for col0, row0, col1, row1 in sorted(boxes):
        if stacks and col0 < stacks[-1][2]:
            last = stacks[-1]
            stacks[-1] = (last[0], min(last[1], row0), max(last[2], col1), max(last[3], row1))
        else:
            stacks.append((col0, row0, col1, row1))
    return stacks


def joined_halves(members) -> list:
    """A label's glyph boxes, left to right, each round glyph broken into its two sides
    (:func:`halves_of_one_glyph`) joined into one box.

    Parameters
    ----------
    members : list of tuple
        The label's glyph boxes (col0, row0, col1, row1), pixels.

    Returns
    -------
    list of tuple
    """
    glyphs = sorted(members)
    if len(glyphs) < 2:
        return glyphs
    tallest = max(glyphs, key=lambda box: box[3] - box[1])
    joined, alone = [], False  # alone: the last box is one piece, not two sides joined
    for box in glyphs:
        if alone and halves_of_one_glyph(joined[-1], box, tallest):
            left = joined[-1]
            joined[-1] = (left[0], min(left[1], box[1]), box[2], max(left[3], box[3]))
            alone = False  # a glyph has two sides: a third piece is a character of its own
            continue
        joined.append(box)
        alone = True
    return joined


#: A glyph this share of the text's height high at least, and this share of a digit's pitch
#: wide, may be a digit partly hidden by a line (a minus sign is a fifth of the height high, a
#: point or comma a third of a pitch wide).
PART_HIDDEN_SHARE = 0.35
PART_HIDDEN_WIDTH_PITCHES = 0.5


def characters_made_up(text, members, pitch) -> bool:
    """More digits in a label's reading than its glyphs can hold: OCR made one up.

    Each digit is one glyph of the text's full height, or a share of a glyph as wide as two or
    more digits' pitches (digits touching at a low resolution). So the glyphs of a label hold
    at most one digit each, or as many as their width holds pitches; a reading with more
    digits than that read one from something else (QGIS's '-1,500.5' in DejaVu Sans 12 pt at
    120 dpi through a JPEG read '21,5005', its minus sign a '2' and its point a '0': -21.5005,
    with no third label to tell; '2.25' read '2125', its point a '1'). Letters and signs are
    not counted (their glyphs' shapes vary between fonts).

    Parameters
    ----------
    text : str
        The reading (after :func:`restore_decimal_point` and :func:`separators_as_inked`).
    members : list of tuple or None
        The label's glyph boxes (col0, row0, col1, row1), pixels.
    pitch : float or None
        The digits' pitch (centre to centre), pixels: a glyph holds as many digits as its
        width holds pitches (rounded up from 0.3: two '1's touching are 1.3 pitches wide).
        None: unknown, nothing judged.

    Returns
    -------
    bool
    """
    characters = normalise(text)
    if not members or pitch is None or pitch <= 0 or \
            re.search(r"[\^×xX]|\d[eE][-+]?\d", characters):
        return False  # an exponent's digits are raised and small: no full-height glyphs
    capacity = digit_capacity(members, pitch)
    return capacity is not None and \
        sum(1 for character in characters if character.isdigit()) > capacity


def digit_capacity(members, pitch) -> "int | None":
    """How many digits a label's glyphs hold: one each, or as many as a glyph's width holds
    digits' ``pitch``es (rounded up from 0.3: two '1's touching are 1.3 pitches wide), for the
    glyphs of the text's full height or partly hidden digits (signs and points hold none);
    None when the glyphs have no height or ``pitch`` is not positive
    (:func:`characters_made_up`).

    Parameters
    ----------
    members : list of tuple
        The label's glyph boxes (col0, row0, col1, row1), pixels.
    pitch : float
        The digits' pitch (centre to centre), pixels.

    Returns
    -------
    int or None
    """
    if not members or pitch is None or pitch <= 0:
        return None
    # Pieces of one glyph, one above the other (a glyph broken at a thin stroke, a line
    # drawn through the label), are one: their columns overlap.
    stacks = stacked_by_columns(members)
    tallest = max(stacks, key=lambda box: box[3] - box[1])
    height = tallest[3] - tallest[1]
    if height <= 0:
        return None
    capacity = 0
    for box in stacks:
        full = _full_height(box, tallest)
        # A digit partly hidden (a grid line through an annotation written on it takes the
        # line's rows of its ink) keeps a digit's width; signs and points are thin or narrow.
        hidden = box[3] - box[1] >= PART_HIDDEN_SHARE * height and \
            box[2] - box[0] >= PART_HIDDEN_WIDTH_PITCHES * pitch
        if full or hidden:
            capacity += max(1, int(np.floor((box[2] - box[0]) / pitch + 0.7)))
    return capacity


#: A glyph this share of a label's tallest glyph high, on its line, is a digit or a letter.
FULL_HEIGHT_SHARE = 0.6
#: Below this share of the tallest glyph's height a full glyph is a lower-case letter's
#: x-height (0.72-0.8 of the digits' height in DejaVu, Nimbus, Liberation).
CAP_HEIGHT_SHARE = 0.85


def _full_height(box, tallest) -> bool:
    """Whether a glyph (box (col0, row0, col1, row1), pixels) is of its text's full height,
    a digit or a letter: :data:`FULL_HEIGHT_SHARE` of the label's ``tallest`` glyph high at
    least, and sharing that many of its rows (a comma's tail or a degree sign beside the
    digits shares few)."""
    height = tallest[3] - tallest[1]
    overlap = min(box[3], tallest[3]) - max(box[1], tallest[1])
    return box[3] - box[1] >= FULL_HEIGHT_SHARE * height and overlap >= FULL_HEIGHT_SHARE * height


def restore_decimal_point(text, members) -> str:
    """A decimal point Tesseract dropped, put back where the label's glyphs show it.

    At 72-96 dpi a point is one or two pixels, and Tesseract reads '0.4' as '04' and '-124.5'
    as '-1245'. The glyphs say where it was: one small glyph on the baseline between two
    others (a comma hangs below the baseline; a minus sign sits at mid-height; a degree sign
    is raised), square or, drawn into two pixels' rows by anti-aliasing, a pixel wide and two
    high. When the text has no separator and one character per other glyph, the point goes
    between the characters of the glyphs around it, if both are digits.

    The other glyphs are counted as characters are: pieces over one another's columns are one
    character come apart (a JPEG's '3' whose bottom curve breaks off), small pieces beyond the
    first or the last character's centre belong to it, and a leading minus sign's bar
    (:func:`restore_minus_sign`'s test) is left to that function when the reading starts with
    a digit. QGIS's '−4.7' (Nimbus Sans or Roman, 8 pt at 96 dpi) read '47' with both the
    sign and the point dropped, and '3.9' read '39' beside a broken '3' (Nimbus Roman, 8-10 pt
    at 120 dpi, JPEG), were left as read before: the bar came out 39..47, in silence.

    Parameters
    ----------
    text : str
        Tesseract's reading.
    members : list of tuple or None
        The label's glyph boxes (col0, row0, col1, row1).

    Returns
    -------
    str
    """
    if not members or len(members) < 3 or any(mark in text for mark in ".,"):
        return text
    characters = text.replace(" ", "")
    glyphs = sorted(members, key=lambda box: box[0])
    if characters[:1].isdigit() and _sign_bar(glyphs[0], glyphs):
        glyphs = glyphs[1:]  # a minus sign not read: restore_minus_sign's to put back
    if len(glyphs) < 3:
        return text
    base_height = max(box[3] - box[1] for box in glyphs)
    baseline = max(box[3] for box in glyphs)

    def small(box):
        col0, row0, col1, row1 = box
        return row1 - row0 <= 0.3 * base_height and \
            (row1 - row0 <= col1 - col0 or row1 - row0 <= POINT_MAX_PX) and \
            row1 >= baseline - max(1.0, 0.1 * base_height)

    # The characters' glyphs: pieces over one another's columns stacked into one.
    stacks = stacked_by_columns([box for box in glyphs if not small(box)])
    if len(stacks) < 2 or len(characters) != len(stacks):
        return text
    centres = [0.5 * (box[0] + box[2]) for box in stacks]
    # Small glyphs between two characters' centres; the others are pieces of the end ones.
    points = [(int(np.searchsorted(centres, 0.5 * (box[0] + box[2]))), box)
              for box in glyphs if small(box) and centres[0] < 0.5 * (box[0] + box[2]) <
              centres[-1]]
    if len(points) != 1:
        return text
    index, point = points[0]
    before, after = characters[:index], characters[index:]
    if not (before[-1:].isdigit() and after[:1].isdigit()):
        return text
    if not _piece_stands_apart(point, (stacks[index - 1], stacks[index])):
        # A piece of a digit broken off under the ink mask (the ball of Nimbus Roman's '5' at
        # 96-120 dpi, beside its stem): '750' became '7.50'. A point under a neighbour's
        # overhang still takes its room between the digits' centres.
        gaps = [b - a for a, b in zip(centres, centres[1:])]
        across = gaps.pop(index - 1)
        if not gaps or across < SEPARATOR_MIN_PITCHES * float(np.median(gaps)):
            return text
    return f"{before}.{after}"


def point_read_as_digit(text, members, pitch, lum=None, page=None) -> str:
    """A decimal point (or comma) Tesseract read as a digit, put back where the label's
    glyphs show it.

    QGIS's '23.5' in Nimbus Roman 12 pt at 120 dpi through a JPEG was read '2355' (its 3 px
    point a '5'): one digit more than the label's digits' glyphs, and no number of the label.
    The glyphs map on the characters one to one when pieces over one another's columns are
    taken as one character (a serif '5' whose foot breaks off under the ink mask): every
    glyph a digit's (of the text's full height, one digit wide by ``pitch``) but one, which
    stands alone between two of them (a blank column either side) and is a separator's, no
    more than :data:`SEPARATOR_MAX_HEIGHT_SHARE` of the text's height high or wide, in its
    lower half. The digits around it stand :data:`SEPARATOR_MIN_PITCHES` pitches apart (a
    separator takes its room: a speck between touching digits does not). The character read
    for that glyph becomes what the glyph is (:func:`_separator_glyph`, by its coverage when
    ``lum`` is given); a point before three digits only on a glyph :func:`_surely_point`
    (else the number would be a thousand times smaller on a comma's glyph).

    Only readings of three digits or more, after an optional sign whose bar is the first
    glyph, are judged; anything else (a glyph wider than a digit, two small glyphs, a glyph
    that cannot be told, too little room) leaves the reading as it is, for the checks of
    the glyphs' count (:func:`characters_made_up`) to set aside.

    The separator's place is the glyphs' alone, not the digits': another digit misread
    beside it stands. '23.5' read '2235' (the '3' taken for a '2' as well) is made '22.5',
    which the reader's second reading at another scale (figure_reading's
    ``digits_unlike_at_another_scale``) confirms when Tesseract makes the same double misread
    there: mended here from the same glyphs, it puts its point at the same glyph, and 22.5
    is read with no warning, where the reading was set aside before (more digits than its
    glyphs hold). A misread at one scale only still reads other digits at the other.

    Parameters
    ----------
    text : str
        The reading, with no separator.
    members : list of tuple or None
        The label's glyph boxes (col0, row0, col1, row1), pixels.
    pitch : float, list of float, or None
        The digits' pitch (centre to centre), pixels, or the pitches to choose from in order
        (:func:`_plausible_pitch`; the height's typical share when none is plausible).
    lum, page : optional
        The figure's luma and the page's, as for :func:`separators_as_inked`.

    Returns
    -------
    str
    """
    match = re.fullmatch(r"([-+]?)(\d{3,})", normalise(text).replace(" ", ""))
    if not members or match is None:
        return text
    tallest = max(members, key=lambda box: box[3] - box[1])
    height = tallest[3] - tallest[1]
    if height <= 0:
        return text
    # The characters' glyphs: pieces over one another's columns are one character come apart.
    stacks = stacked_by_columns(members)
    if match.group(1):
        # A sign read: its bar is the first glyph, and no digit.
        if not stacks or _full_height(stacks[0], tallest):
            return text
        stacks = stacks[1:]
    number = match.group(2)
    full = [box for box in stacks if _full_height(box, tallest)]
    if len(stacks) != len(number) or len(full) != len(stacks) - 1:
        return text
    index = next(place for place, box in enumerate(stacks) if not _full_height(box, tallest))
    point = stacks[index]
    if not 0 < index < len(stacks) - 1 or \
            max(point[2] - point[0], point[3] - point[1]) > SEPARATOR_MAX_HEIGHT_SHARE * height \
            or not _in_lower_half(point, tallest) or \
            not _piece_stands_apart(point, [box for box in stacks if box != point], gap=1):
        return text
    measured = _plausible_pitch(pitch if isinstance(pitch, (list, tuple)) else [pitch], height)
    pitch = TYPICAL_PITCH_HEIGHT_SHARE * height if measured is None else measured
    if digit_capacity(full, pitch) != len(full):
        return text  # a glyph wider than a digit: touching digits, no one-to-one map
    before, after = stacks[index - 1], stacks[index + 1]
    if 0.5 * (after[0] + after[2] - before[0] - before[2]) < SEPARATOR_MIN_PITCHES * pitch:
        return text
    mark = _separator_glyph(point, full, lum, page, by_coverage=True)
    if mark is None:
        return text
    tail = number[index + 1:]
    if mark == "." and len(tail) == 3 and not _surely_point(point, full, height, lum, page):
        return text
    return f"{match.group(1)}{number[:index]}{mark}{tail}"


#: A point drawn across two pixels' rows by anti-aliasing is a pixel wide and two high at
#: 96-120 dpi (QGIS's Nimbus Sans and Roman at 8-10 pt): a glyph this tall (pixels) on the
#: baseline may be a point whatever its width.
POINT_MAX_PX = 2


#: A glyph read as one digit that is wider than the figure's digits by this many pixels at
#: least (and :data:`MERGED_POINT_MIN_SHARE` of their width) holds more than that digit.
MERGED_POINT_MIN_PX = 2
MERGED_POINT_MIN_SHARE = 0.3
#: Rows from the digits' baseline (a share of their height, two pixels at least) where a
#: point's ink lies.
POINT_ROWS_SHARE = 0.3
#: Columns (pixels, and this share of the digits' height) by which a glyph's ink in the
#: baseline's rows alone reaches farther on one side than on the other when a point touches
#: it there: DejaVu Sans' '1.' at 72 dpi 4 (8 px digits), its '1' alone 1-2.
MERGED_POINT_RUN_PX = 3
MERGED_POINT_RUN_SHARE = 0.35


def glyph_widths(labels, height) -> "float | None":
    """The median width (pixels) of the full-height glyphs of the figure's labels as tall as
    ``height`` (within a pixel): a digit's ink, most glyphs of tick labels being one digit
    each. None without any."""
    widths = []
    for label in labels:
        if not label.members or abs(label.height - height) > 1:
            continue
        tallest = max(box[3] - box[1] for box in label.members)
        widths += [box[2] - box[0] for box in label.members
                   if box[3] - box[1] >= FULL_HEIGHT_SHARE * tallest]
    return float(np.median(widths)) if widths else None


def point_touching_a_digit(text, members, ink, origin, digit_width) -> str:
    """A decimal point Tesseract dropped that touches the digit beside it, put back.

    At 72 dpi matplotlib's DejaVu Sans '1.10' draws the point a pixel from the foot of its
    '1', and the anti-aliased pixels between join them: one glyph, read '1' by Tesseract,
    and the label '110'. Every label of the colorbar lost its point so ('1.10 1.08 ... 1.00'
    read '110 108 ... 100', '1.250 ... 1.450' read '1250 ... 1450'), their values still on a
    line: the range a hundred or a thousand times the true one, in silence. The glyph tells:
    wider than the figure's digits (``digit_width``, or the label's other digits when
    narrower) by a point's room (:data:`MERGED_POINT_MIN_PX`, :data:`MERGED_POINT_MIN_SHARE`
    of a digit), with its ink on one side in the rows of the baseline alone
    (:data:`POINT_ROWS_SHARE`) reaching :data:`MERGED_POINT_RUN_PX` farther than on the
    other: a point there, between that digit and its neighbour. Only readings of digits (a sign before
    them) with one full-height glyph to each digit are judged; a glyph reaching below the
    others' baseline (a comma) is left as read.

    Parameters
    ----------
    text : str
        The reading (with no separator).
    members : list of tuple or None
        The label's glyph boxes (col0, row0, col1, row1), pixels.
    ink : ndarray of bool
        Ink of the image the label is read from; ``origin`` its (col, row) in the figure.
    digit_width : float or None
        The figure's digits' width (:func:`glyph_widths`), pixels.

    Returns
    -------
    str
    """
    match = re.fullmatch(r"([-+]?)(\d{2,})", normalise(text).replace(" ", ""))
    if not members or match is None or digit_width is None:
        return text
    sign, digits = match.groups()
    height = max(box[3] - box[1] for box in members)
    full = [box for box in sorted(members) if box[3] - box[1] >= FULL_HEIGHT_SHARE * height]
    if len(full) != len(digits):
        return text
    widths = [box[2] - box[0] for box in full]
    index = int(np.argmax(widths))
    # The digit's width: the figure's, or the label's other digits' widest when narrower
    # (the figure's labels of one height may be set in a wider font, an axis' beside a bar's).
    others = widths[:index] + widths[index + 1:]
    if not _wider_than_a_digit(widths[index], min(digit_width, max(others))):
        return text
    col0, row0, col1, row1 = full[index]
    baseline = float(np.median([box[3] for box in full]))
    if row1 > baseline:
        return text  # reaching below the digits: a comma's tail, or something else
    c0, r0 = col0 - origin[0], row0 - origin[1]
    patch = ink[max(r0, 0):r0 + row1 - row0, max(c0, 0):c0 + col1 - col0]
    if patch.shape != (row1 - row0, col1 - col0):
        return text
    point_rows = max(2, int(round(POINT_ROWS_SHARE * (row1 - row0))))
    above = patch[:-point_rows].any(axis=0)
    inked_above = np.flatnonzero(above)
    if inked_above.size == 0:
        return text
    # Columns at either end inked only in the baseline's rows: a '1''s foot reaches a pixel
    # or two past its stem (on both sides in a serif font), a point and its gap more.
    left, right = int(inked_above[0]), int(above.size - 1 - inked_above[-1])
    reach = max(MERGED_POINT_RUN_PX, MERGED_POINT_RUN_SHARE * (row1 - row0))
    if right - left >= reach and index < len(full) - 1:
        cut = index + 1
    elif left - right >= reach and index > 0:
        cut = index
    else:
        return text
    return f"{sign}{digits[:cut]}.{digits[cut:]}"


#: A digit's ink is at most this many times its height wide: 0.86 in DejaVu Sans and Serif,
#: Nimbus Sans and Roman, DejaVu Sans Mono at 6-14 pt and 72-300 dpi, 1.0 in their bold (a
#: '0' 5 px high at 72 dpi); a digit and a point drawn as one glyph are wider (DejaVu Serif's
#: '4.' 8 px wide and 7 high at 72 dpi, bold Nimbus Roman's '0.5' 6 and 4).
DIGIT_MAX_WIDTH_HEIGHTS = 1.0


#: Digits shorter than this (pixels) may have lost a point to the ink mask altogether: bold
#: Nimbus Sans' '2.5' 5 px high (7 pt at 72 dpi) is a '2' and a '5', read '25.' it would be
#: 25. Their trailing point is left as read.
TRAILING_POINT_MIN_HEIGHT_PX = 7


def _wider_than_a_digit(width, digit_width) -> bool:
    """Whether a glyph ``width`` pixels wide holds more than one digit ``digit_width`` pixels
    wide: wider by a point's room at least (:data:`MERGED_POINT_MIN_PX`, and
    :data:`MERGED_POINT_MIN_SHARE` of a digit)."""
    return width >= digit_width + max(MERGED_POINT_MIN_PX, MERGED_POINT_MIN_SHARE * digit_width)


def trailing_point_without_ink(text, members, ink, origin, digit_width) -> str:
    """A point or comma read after a number's last digit with no glyph to stand for it,
    dropped: the reading normalised (:func:`.labels.normalise`, spaces taken out) and without
    it, or ``text`` as given when anything tells of a point there.

    A serif font's '4' stands on a foot, a short bar on the baseline below its stem, which
    Tesseract reads as a point: QGIS's legend label '4' in DejaVu Serif 10 pt at 150 dpi (JPEG
    q62) read '4.', no number, and the bar's low end was not known (VMIN refused). A point is
    ink of its own, or in a glyph it widens. The trailing mark is dropped only when every glyph
    of the label is a digit's: as many full-height glyphs (:data:`FULL_HEIGHT_SHARE` of the
    tallest) as digits read, none of them wider than a digit (:func:`_wider_than_a_digit`, as
    :func:`point_touching_a_digit` tells a point merged into a digit; the figure's digits' width
    counts the label's own glyphs, so with no other label as tall only its height tells) nor
    wider than :data:`DIGIT_MAX_WIDTH_HEIGHTS` times the text's height, nor with its first or
    last column inked only where a point lies (:func:`_baseline_alone_at_an_end`: a point merged
    into the digit's glyph without widening it by a digit's share), and no other glyph after the
    first digit's start (a point of its own, a comma, a speck, a broken foot: any may be the
    mark read), on digits :data:`TRAILING_POINT_MIN_HEIGHT_PX` high at least. '10.5' with its
    '0.5' drawn as one glyph and read '10.' keeps its point (that glyph is wider than a digit),
    as does any reading whose glyphs hold more than its digits: such readings are no number, and
    the label is not used, as before.

    Parameters
    ----------
    text : str
        The reading.
    members : list of tuple or None
        The label's glyph boxes (col0, row0, col1, row1), pixels.
    ink : ndarray of bool
        Ink of the image the label is read from; ``origin`` its (col, row) in the figure.
    digit_width : float or None
        The figure's digits' width (:func:`glyph_widths`), pixels. Unknown, a one-digit
        label's glyph cannot be told a digit's: the reading is left as it is.

    Returns
    -------
    str
        The normalised reading without its trailing mark, or ``text`` unchanged.
    """
    match = re.fullmatch(r"([-+]?)(\d+)[.,]", normalise(text).replace(" ", ""))
    if not members or match is None:
        return text
    sign, digits = match.groups()
    tallest = max(members, key=lambda box: box[3] - box[1])
    height = tallest[3] - tallest[1]
    if height < TRAILING_POINT_MIN_HEIGHT_PX:
        return text  # a point may leave no ink of its own, nor widen its neighbour
    full = sorted(box for box in members if box[3] - box[1] >= FULL_HEIGHT_SHARE * height)
    if len(full) != len(digits):
        return text
    widths = sorted(box[2] - box[0] for box in full)
    # The widest glyph against a digit's width: the figure's, or the label's other glyphs'
    # widest when narrower (as point_touching_a_digit). Neither known, a one-digit label's
    # glyph may be a digit and a point merged.
    references = [width for width in (digit_width, widths[-2] if len(widths) > 1 else None)
                  if width is not None]
    if not references or _wider_than_a_digit(widths[-1], min(references)) or \
            widths[-1] > DIGIT_MAX_WIDTH_HEIGHTS * height:
        return text
    # Any other glyph after the first digit's start (a point, a comma, a speck, a piece of a
    # digit broken off) may be the mark read: kept. A sign's bar lies before the digits.
    if any(box[0] > full[0][0] for box in members if box not in full):
        return text
    if any(_baseline_alone_at_an_end(box, ink, origin) for box in full):
        return text
    return f"{sign}{digits}"


#: A point's rows: this share of the digits' height above their baseline (two pixels at
#: least). A point is 0.15-0.2 of a digit's height; the crossbar of a '4' lies 0.25-0.35 of
#: it above the baseline (DejaVu Serif 10 pt at 150 dpi: rows 12-13 of 19).
POINT_OWN_ROWS_SHARE = 0.2


def _baseline_alone_at_an_end(box, ink, origin) -> bool:
    """Whether a glyph's first or last pixel column is inked in the point's rows above its
    baseline (:data:`POINT_OWN_ROWS_SHARE`) alone, or the glyph's ink cannot be seen: a point
    drawn against the digit (Nimbus Sans' '4.5' at 7 pt and 96 dpi: '4.' one glyph a pixel
    wider than the '4'), or a foot reaching past its stem (a serif '1'). ``box`` (col0, row0,
    col1, row1) and ``origin`` (col, row) of ``ink`` in pixels."""
    col0, row0, col1, row1 = box
    c0, r0 = col0 - origin[0], row0 - origin[1]
    if c0 < 0 or r0 < 0:
        return True
    patch = ink[r0:r0 + row1 - row0, c0:c0 + col1 - col0]
    if patch.shape != (row1 - row0, col1 - col0):
        return True
    point_rows = max(2, int(round(POINT_OWN_ROWS_SHARE * patch.shape[0])))
    above = patch[:-point_rows].any(axis=0)
    return not (above[0] and above[-1])


def _piece_stands_apart(piece, others, gap=0) -> bool:
    """Whether a small glyph shares no pixel column with any of ``others`` (boxes (col0,
    row0, col1, row1), ``col1`` exclusive), ``gap`` blank columns at least between: a
    separator stands in its own room; a piece of a digit broken off under the ink mask lies
    within that digit's columns, or in the column next to them (``gap=1`` tells it)."""
    return all(piece[0] >= other[2] + gap or piece[2] + gap <= other[0] for other in others)


def _in_lower_half(piece, tallest) -> bool:
    """Whether a glyph's top lies in the lower half of a label's tallest glyph (boxes (col0,
    row0, col1, row1)): where a point sits on the baseline and a comma hangs from it."""
    return piece[1] >= 0.5 * (tallest[1] + tallest[3])


#: A minus sign is at least this share of the digits' height long (0.6 in Nimbus Sans at
#: 72 dpi, 0.7-0.9 elsewhere; an ASCII hyphen touching an '8' in Nimbus Sans 8 pt at 100 dpi
#: shows 3 columns of its own beside 8 px digits, 0.375); the crossbar of a '4' that reaches
#: left of its stem, at most a pixel or two, is no sign.
SIGN_MIN_WIDTH_SHARE = 0.35
#: A minus sign's centre lies at least this share of the label's height from its top and its
#: bottom: Helvetica's (Nimbus Sans) sits at 0.70 of the digits' height from their top,
#: DejaVu's at 0.55; an underscore lies on the baseline, a degree sign at the top.
SIGN_CENTRE_SHARE = 0.25


def restore_minus_sign(text, members, pitch=None) -> str:
    """A leading minus sign Tesseract dropped, put back where the label's glyphs show it.

    Tesseract reads GMT's '−45' (a Unicode minus, a short bar before the digits) as '45' now
    and then, on a clean crop, with confidence 0. The glyphs say it was there: the first
    glyph is a bar (at least one and a half times as wide as tall, at most a third of the
    label's height) with its centre in the middle half of the label's height (a hyphen or
    minus; an underscore sits on the baseline, a degree sign is raised), and the text starts
    with a digit and has exactly one character per glyph but that one. Then '-' goes in
    front. Digits touching make one glyph of two: the text may then have more characters
    than glyphs after the bar when its digits and letters are exactly as many as the
    full-height glyphs after it hold by their widths (:func:`digit_capacity`; the bar read
    as a digit is one more): '-84.34°' in Nimbus Sans 8 pt at 100 dpi, its ASCII hyphen
    touching the '8' (split off by :func:`split_leading_bar`), the '3' and '4' one glyph,
    read '84.34°'.

    Parameters
    ----------
    text : str
        Tesseract's reading.
    members : list of tuple or None
        The label's glyph boxes (col0, row0, col1, row1).
    pitch : callable() -> float or None, optional
        The digits' pitch (centre to centre), pixels, asked only when the text has more
        characters than the glyphs after the bar; None (or None returned): not judged.

    Returns
    -------
    str
    """
    if not members or len(members) < 2:
        return text
    characters = text.replace(" ", "")
    if not characters or not characters[0].isdigit():
        return text
    glyphs = sorted(members, key=lambda box: box[0])
    if not _sign_bar(glyphs[0], glyphs):
        return text
    # The rest: exactly one character per other glyph, or more where digits touch and the
    # full-height glyphs' widths hold exactly the digits and letters read (one more: the bar
    # read as a digit; a degree sign or a point holds none; fewer characters, or no pitch:
    # the reading is left to the tick fit).
    if len(characters) != len(glyphs) - 1:
        known = pitch() if pitch is not None and len(characters) > len(glyphs) - 1 else None
        tallest = max(box[3] - box[1] for box in glyphs)
        full = [box for box in glyphs[1:] if box[3] - box[1] >= FULL_HEIGHT_SHARE * tallest]
        if known is None or not full or sum(1 for character in characters
                                            if character.isalnum()) != \
                digit_capacity(full, known):
            return text
    return "-" + text


def _sign_bar(glyph, glyphs) -> bool:
    """Whether a glyph is a minus sign's bar among a label's glyphs: at least one and a half
    times as wide as tall, at most a third of the label's height, its centre in the middle
    half of the label's height (an underscore sits on the baseline, a degree sign is
    raised)."""
    top, bottom = min(box[1] for box in glyphs), max(box[3] for box in glyphs)
    height = bottom - top
    col0, row0, col1, row1 = glyph
    centre = 0.5 * (row0 + row1)
    return col1 - col0 >= 1.5 * (row1 - row0) and row1 - row0 <= height / 3 and \
        top + SIGN_CENTRE_SHARE * height <= centre <= bottom - SIGN_CENTRE_SHARE * height


def split_leading_bar(members, ink, origin) -> list:
    """A label's glyphs with a minus sign that touches its first digit split off.

    A Unicode minus is drawn close to the digit after it: at 100-150 dpi its anti-aliased end
    touches a round digit ('−6' in Nimbus Roman 8 pt at 150 dpi, '−0' in DejaVu at 72 dpi) and
    the two are one glyph, which Tesseract reads as the digit alone ('−60' read '60', marked
    wider than its text, and the axis refused for want of labels). The first glyph's leftmost
    columns are then the bar: each inked only within a band of rows at most a third of the
    glyph's height, together at least one and a half times as wide as that band and centred in
    the middle half of its height (:data:`SIGN_CENTRE_SHARE`), with a digit's full height after
    them, and no plus sign's right arm after a stem. Those columns
    become a glyph of their own, for :func:`restore_minus_sign` to see.

    Parameters
    ----------
    members : list of tuple or None
        The label's glyph boxes (col0, row0, col1, row1).
    ink : ndarray of bool
        Ink of the image the label is read from.
    origin : tuple (col, row)
        That image's origin in the figure.

    Returns
    -------
    list of tuple
        ``members`` unchanged, or with the first glyph split in two.
    """
    if not members:
        return members
    glyphs = sorted(members, key=lambda box: box[0])
    col0, row0, col1, row1 = glyphs[0]
    top = min(box[1] for box in glyphs)
    bottom = max(box[3] for box in glyphs)
    height = bottom - top
    if row1 - row0 < 0.6 * height or col1 - col0 < 3:
        return members
    c0, r0 = col0 - origin[0], row0 - origin[1]
    patch = ink[max(r0, 0):r0 + row1 - row0, max(c0, 0):c0 + col1 - col0]
    if patch.shape != (row1 - row0, col1 - col0):
        return members
    # The bar's columns: inked within a row of the first column's rows (its anti-aliased
    # edge, the digit's stroke where they meet).
    first = np.flatnonzero(patch[:, 0])
    if first.size == 0 or first[-1] - first[0] + 1 > height / 3:
        return members
    band_top, band_bottom = max(int(first[0]) - 1, 0), int(first[-1]) + 2
    width = 0
    for column in patch.T:
        rows = np.flatnonzero(column)
        if rows.size == 0 or rows[0] < band_top or rows[-1] >= band_bottom:
            break
        width += 1
    thickness = int(np.median(patch[:, :width].sum(axis=0))) if width else 0
    centre = row0 + 0.5 * (first[0] + first[-1] + 1)
    # The sign's length against the digit's height (the glyph's: the label's is taller by a
    # point or comma anti-aliased a pixel below the baseline, QGIS's '−4.7' in Nimbus Sans
    # 8 pt at 96 dpi through a JPEG, whose 4 px bar then fell short of 0.45 of 9 px).
    if not (width and width < col1 - col0 - 1 and thickness <= height / 3
            and width >= max(1.5 * thickness, SIGN_MIN_WIDTH_SHARE * (row1 - row0))
            and top + SIGN_CENTRE_SHARE * height <= centre
            <= bottom - SIGN_CENTRE_SHARE * height):
        return members
    rest = patch[:, width:]
    if np.ptp(np.flatnonzero(rest.any(axis=1))) + 1 < 0.6 * height:
        return members
    # A plus sign's left arm is such a bar too: after its stem (a stroke about as wide as the
    # bar is thick, reaching as far above the bar as below) the ink is back in the bar's rows
    # alone (its right arm). A digit after a minus is wider than a stroke (a '4' whose
    # crossbar the minus runs into reaches only above it before its stem).
    above, below = rest[:band_top].any(axis=0), rest[band_bottom:].any(axis=0)
    both = above & below
    stem = int(np.argmin(both)) if not both.all() else both.size
    if 0 < stem <= thickness + 2 and stem < both.size and rest[:, stem].any() \
            and not above[stem] and not below[stem]:
        return members
    inked = np.flatnonzero(patch[:, :width].any(axis=1))
    bar = (col0, row0 + int(inked[0]), col0 + width, row0 + int(inked[-1]) + 1)
    digit = (col0 + width, row0, col1, row1)
    return [bar, digit] + glyphs[1:]


#: A separator's glyph standing alone is at most this share of the text's height high: QGIS's
#: Nimbus Roman commas and points under the ink mask at 7-12 pt, 96-120 dpi, PNG and JPEG q70
#: are 0.14-0.4 (a comma with its tail 4 px of 10 at 10 pt, 100 dpi). A piece broken off a
#: digit may be as small (a '3''s foot, 1 px of 8): its columns tell it.
SEPARATOR_MAX_HEIGHT_SHARE = 0.45

#: A separator's glyph is confirmed by the distance between the digits beside it: at least
#: this many digit pitches centre to centre (a point's or a comma's advance is half a digit's
#: in the fonts renderers use, so they stand 1.5 pitches apart around one, 1.0 without).
SEPARATOR_MIN_PITCHES = 1.25
#: A lone separator's glyph lies within this share of a digits' pitch of its place: as many
#: pitches after the first digit's left edge as digits precede it. True separators lie
#: -0.25..+0.31 of the true pitch off it (QGIS legends of legend_matrix, every font, size and
#: dpi); off by half a pitch, the piece is as near one place as the next.
SEPARATOR_PLACE_TOLERANCE = 0.4
#: A digits' pitch is this share of their height at least and at most (ink boxes, pixels):
#: the true pitches of legend_matrix's fonts (DejaVu Sans, Sans Condensed and Serif, Nimbus
#: Sans and Roman, 7-12 pt, 96-120 dpi) are 0.66-0.88 of it for 95 % of their labels (the 3 %
#: below 0.62, all at 12 pt, one per legend: likely its title). Fonts outside these bounds
#: fall back on :data:`TYPICAL_PITCH_HEIGHT_SHARE`: a monospaced Courier's (Nimbus Mono PS,
#: GMT's) digits are 0.6 em apart and as high, 1.0 of the height, on the bound and either side
#: of it as measured; a condensed font's (Nimbus Sans Narrow) 0.5-0.65. Raising the bound to
#: 1.1 took in a figure's pitch of another font (Nimbus Roman '12300' read '1,2300') and put
#: fewer right. The pitches a label's broken glyphs or the figure's other labels give spread
#: far wider (0.54-1.85 of the true pitch there): outside these shares one is no measure of
#: the label's digits (bench/lone_separator_readings.py ``--pitches``).
PITCH_HEIGHT_SHARES = (0.6, 1.0)
#: A lone separator's glyph's centre lies this many of its digits' pitches off its place at
#: least and at most (true separators: -0.25..+0.31 of the true pitch, legend_matrix's QGIS
#: legends), for the places a glyph can take when its pitch is unknown.
SEPARATOR_PLACE_OFFSETS = (-0.3, 0.35)
#: ... by any pitch this share of the digits' height at least and at most: a monospaced font's
#: (Nimbus Mono PS: 1.0 of it, its point's centre half a pitch after its digit) included; with
#: 1.0 '225' still read '22.5' in Nimbus Mono 10 pt at 100 dpi.
PLACE_AGREEMENT_SHARES = (0.6, 1.1)
#: A digits' pitch as a share of their height when no measured one is plausible: the median of
#: legend_matrix's fonts (1942 labels, true pitches from the fonts' advances). A separator is
#: placed by it only where no share of :data:`PLACE_AGREEMENT_SHARES` puts it elsewhere: a
#: condensed font's pitch is 0.5-0.65 of its height (Nimbus Sans Narrow: '12300' read
#: '1,2300'), a monospaced one's 1.0 (Nimbus Mono: '7025' read '702.5').
TYPICAL_PITCH_HEIGHT_SHARE = 0.76
#: Digits this many pixels high at least (ink boxes) tell a comma from a point by its
#: coverage well enough to turn a comma read into a point, or to put a point back, before
#: three digits (a point there reads the number a thousand times smaller): URW Bookman's comma
#: at 10 pt and 72 dpi (digits 7 px high) reaches 0.26-0.30 px below them, a point's 0.32 px
#: (:data:`COMMA_COVERAGE_DESCENT_SHARE`), and '1,250' read '1.250'.
SURE_POINT_MIN_HEIGHT_PX = 9
#: ... and a descent this share of the digits' height (ink boxes) near the comma's threshold
#: tells neither: on digits 9 px high at least, true commas (Nimbus Roman, URW Bookman 11-13 pt
#: at 96 dpi, JPEG quality 45-60) reached 0.034-0.039 of the height below the digits, 0.006-0.011
#: under the threshold's 0.045 ('12,300' read '12.300'); true points 0.038 at most, 215 of
#: 217 of them 0.02 or more under it. A margin in pixels (0.1) let the commas of digits
#: 10-12 px high through.
SURE_POINT_MARGIN_SHARE = 0.02
#: A separator glyph whose bottom lies this share of the text's height (a pixel at least)
#: below the digits' baseline, and taller than wide, is a comma; else a point.
COMMA_DESCENT_SHARE = 0.08
#: A glyph wider than its digits' pitches but this share of one may hold a point or a comma
#: touching a digit (a digit's ink is 0.75-0.95 of its pitch).
MERGED_EXTRA_PITCHES = 0.05
#: Two digits with a space between them: a number grouped by spaces ('12 300').
_DIGITS_SPACED = re.compile(r"\d\s+\d")
_SEPARATED_NUMBER = re.compile(r"([-+]?)(\d[\d.,]*\d)(°?[NSEW]?(?: ?(?:%s))?)" % "|".join(UNIT_WORDS))


def separators_at_odds(texts) -> str:
    """A problem when the labels of one scale write their separators two ways that one format
    never does, or "".

    One renderer writes every label of a scale in one format: thousands grouped by a comma
    ('1,000'), or decimals after a point with as many decimals on each label. A label read with
    a point and exactly three digits after it ('3.500') beside one whose only separators
    group thousands by a comma ('1,000') reads one of the two separators otherwise: a comma
    read as a point (QGIS's '3,500 m' in Nimbus Sans 7 pt at 96-120 dpi, its '50' one glyph,
    read '3.500m': the range 3.5-1,000), or a point read as a comma. Nothing in the texts
    tells which; with two labels no fit does. (Called for a linear bar's two labels: on a log
    bar '{x:,g}' writes '0.125' and '1,000' alike.)

    Parameters
    ----------
    texts : list of str
        The labels' readings (numbers, with a unit or not).

    Returns
    -------
    str
    """
    points, commas = [], []
    for text in texts:
        match = _SEPARATED_NUMBER.fullmatch(normalise(text).replace(" ", ""))
        if match is None:
            continue
        number = match.group(2)
        if re.fullmatch(r"\d+\.\d{3}", number):
            points.append(text)
        elif re.fullmatch(r"\d{1,3}(?:,\d{3})+", number):
            commas.append(text)
    if not points or not commas:
        return ""
    return (f"{points[0]!r} has a point before three digits where {commas[0]!r} groups "
            f"thousands with a comma: a linear scale's labels are written in one format, so "
            f"one separator was misread (a comma read as a point, or a point as a comma), and "
            f"nothing tells which")


def separators_as_inked(text, members, pitch, lum=None, page=None, lone_pitches=None) -> str:
    """A reading's decimal points and commas checked against the label's own ink: each kept
    where a separator's glyph stands, swapped where it is the other one, dropped where none is.

    Tesseract adds a point that is not there ('12250' read '122.50': every label of an axis
    so, and the values lie on a line a hundredth of the true one, which no fit can tell) and
    takes a comma for a point ('12,300' read '12.300', that is 12.3). The glyphs say what is
    there. Each digit or letter is one glyph of the text's full height; when the reading has
    exactly one character per such glyph, the separator after the k-th digit lies between the
    k-th and the next full-height glyph. It is confirmed by a small glyph between them in the
    lower half of the text (a point sits on the digits' baseline; a comma hangs below it, and
    is taller than wide), or by the two digits standing :data:`SEPARATOR_MIN_PITCHES` digit
    pitches apart (a point too faint to be ink, or touching its digit at 72 dpi, still takes
    its room). Neither: no separator there, and it is dropped. A point where a comma's glyph
    hangs becomes a comma, and a comma where a point's glyph sits a point. Readings of other
    shapes (exponents, minutes) are returned as they are; those whose glyphs do not map on
    their characters (glyphs broken apart) have their one separator judged by
    :func:`lone_separator_as_inked`. A comma read before exactly three digits becomes a point
    (the number a thousand times smaller) only on a glyph :func:`_surely_point`; otherwise it
    is left as read. A point read before exactly three digits where no glyph stands between
    them becomes a comma when a comma's ink hangs in the gap (:func:`_comma_in_gap`: its
    pieces joined no label, the digits' room alone kept the point): on digits
    :data:`SURE_POINT_MIN_HEIGHT_PX` high at least, reaching surely below them from a head on
    the baseline and ending there, not going on as a line under the text does.

    Parameters
    ----------
    text : str
        The reading.
    members : list of tuple or None
        The label's glyph boxes (col0, row0, col1, row1), pixels.
    pitch : float or None
        The digits' pitch (centre to centre), pixels; None when unknown (then only a glyph
        between the digits confirms a separator, and none found leaves the reading as it is).
    lum : ndarray, optional
        The figure's luma, and ``page`` the page's: the separator's and the digits' bottoms
        measured from their pixels' coverage too (:func:`comma_descent`), so that a comma
        whose tail is fainter than the ink mask at 96 dpi is still told from a point.
    lone_pitches : list of float or None, optional
        The pitches :func:`lone_separator_as_inked` chooses from, in order, when the glyphs
        map on no characters (default: ``pitch``).

    Returns
    -------
    str
    """
    characters = normalise(text).replace(" ", "")
    match = _SEPARATED_NUMBER.fullmatch(characters)
    if not members or match is None or not any(mark in match.group(2) for mark in ".,"):
        return text
    tallest = max(members, key=lambda box: box[3] - box[1])
    height = tallest[3] - tallest[1]
    if height <= 0:
        return text
    full, small = [], []
    for box in sorted(members):
        if _full_height(box, tallest):
            full.append(box)
        else:
            small.append(box)
    # A round glyph broken into its two sides is one character: counted as two, it made up
    # for a digit not of full height (QGIS's '12.05' in Nimbus Roman 8 pt at 120 dpi through
    # a JPEG, its '2' cut short and its '0' in halves: the point was looked for between the
    # '0''s sides, no glyph nor room was there, and the label read 1205 in silence).
    full = joined_halves(full)
    # Characters per full-height glyph: digits touching at a low resolution make one glyph of
    # several, as wide as their pitches and a digit's ink (about 0.8 of a pitch). The number's
    # digits come first; each letter after it (a hemisphere, a unit: wider than a digit) is
    # one glyph.
    digits = sum(1 for character in match.group(2) if character.isdigit())
    letters = sum(1 for character in match.group(3) if character.isalnum())
    counts, assigned = [], 0
    for box in full:
        if assigned == digits:
            break
        count = 1 if pitch is None else max(1, int(round((box[2] - box[0]) / pitch + 0.2)))
        counts.append(min(count, digits - assigned))
        assigned += counts[-1]
    if assigned != digits or len(full) - len(counts) != letters:
        # Glyphs broken apart under the ink mask (a serif '2' in two pieces at 7 pt, 96 dpi)
        # map on no characters; a lone separator's own glyph may still be told.
        return lone_separator_as_inked(text, members,
                                       pitch if lone_pitches is None else lone_pitches,
                                       lum, page)
    # Each character's glyph and, in it, its centre (pixels along the line).
    owners, centres = [], []
    for index, (box, count) in enumerate(zip(full, counts)):
        for place in range(count):
            owners.append(index)
            centres.append(0.5 * (box[0] + box[2]) +
                           (place - 0.5 * (count - 1)) * (pitch or 0.0))
    digits_bottom = float(np.median([box[3] for box in full]))
    number = match.group(2)
    room_pitch = _unseparated_pitch(number, owners, centres) or pitch
    mended, digits_before = [], 0
    for position, character in enumerate(number):
        if character.isdigit():
            digits_before += 1
            mended.append(character)
            continue
        if owners[digits_before - 1] == owners[digits_before]:
            # Within one glyph of touching digits: a point between them would widen it by
            # half a digit (touching both); as narrow as its digits, it holds none.
            owner = owners[digits_before]
            if pitch is not None and full[owner][2] - full[owner][0] <= \
                    (counts[owner] + MERGED_EXTRA_PITCHES) * pitch:
                continue
            return text
        left, right = full[owners[digits_before - 1]], full[owners[digits_before]]
        between = [box for box in small if left[2] - 1 <= 0.5 * (box[0] + box[2]) <=
                   right[0] + 1 and _in_lower_half(box, tallest)]
        room = pitch is not None and centres[digits_before] - centres[digits_before - 1] >= \
            SEPARATOR_MIN_PITCHES * room_pitch
        if not room and pitch is not None:
            # A piece sharing a digit's columns is that digit's, broken off under the ink mask
            # (the ball of Nimbus Roman's '5' at 96-120 dpi: '750' read '7.50'), unless the
            # digits stand a separator's room apart (a comma's tail under the digit before).
            between = [box for box in between if _piece_stands_apart(box, (left, right))]
        if between:
            # A coverage that cannot be measured leaves a point (as a box that looks like one).
            glyph = max(between, key=lambda box: box[3])
            mark = _separator_glyph(glyph, full, lum, page) or "."
            group = re.match(r"\d*", number[position + 1:]).group()
            if mark == "." and character == "," and len(group) == 3 and \
                    not _surely_point(glyph, full, height, lum, page):
                # A comma before three digits turned a point reads the number a thousand
                # times smaller: only on a glyph surely a point (Nimbus Roman's comma at
                # 12 pt, 96 dpi, JPEG quality 45 reaches 0.035 of its digits' height below
                # them, the threshold's 0.045: '1,250' read '1.250').
                mark = character
            mended.append(mark)
        elif left[3] - digits_bottom >= max(1.0, COMMA_DESCENT_SHARE * height):
            mended.append(",")  # a comma touching the digit before it (no digit descends)
        elif character == "." and len(re.match(r"\d*", number[position + 1:]).group()) == 3 \
                and _comma_in_gap(left, right, full, digits_bottom, height, lum, page):
            # A point read before three digits where no glyph stands, but a comma's ink
            # hangs in the gap: its pieces joined no label (QGIS's '2,205 m' in Nimbus
            # Roman 10 pt at 96 dpi, the comma and the first '2''s foot apart under the ink
            # mask, read '2.205m': 2.205 kept by the digits' room alone).
            mended.append(",")
        elif pitch is None or any(
                box[2] - box[0] > (counts[index] + MERGED_EXTRA_PITCHES) * pitch
                for index, box in ((owners[digits_before - 1], left),
                                   (owners[digits_before], right))):
            # No pitch to go by, or a glyph wider than its digits: a point may touch one.
            mended.append(character)
        elif room:
            mended.append(character)  # room for one: kept as read
        # else: neither a glyph nor room for one: not there.
    if "".join(mended) == number:
        return text
    return f"{match.group(1)}{''.join(mended)}{match.group(3)}"


def _comma_in_gap(left, right, full, digits_bottom, height, lum=None, page=None) -> bool:
    """Whether a comma's ink hangs in the gap between two digits' glyphs ``left`` and
    ``right`` (boxes (col0, row0, col1, row1), pixels) where no glyph of the label stands:
    the gap's coverage reaches below the digits' (``full``; their boxes' median bottom
    ``digits_bottom`` and ``height``, pixels) by the comma's threshold and
    :data:`SURE_POINT_MARGIN_SHARE` more (:func:`comma_descent`), from a head inked on the
    baseline, and ends there as a comma's tail does (:func:`_gap_ink_ends`); False without
    the luma ``lum`` and the page's ``page``, with no column between the glyphs, or on digits
    under :data:`SURE_POINT_MIN_HEIGHT_PX` (a point's coverage reaches a comma's there).

    A comma's pieces may join no label (its tail a fifth inked under the ink mask, its head
    beside a digit's broken foot that the label's glyphs left out): the digits' room was all
    that showed a separator there, and a point read before three digits was kept, the number
    a thousand times smaller. Only a descent surely a comma's turns it: a true point lost from
    the glyphs lies on the baseline, its coverage no lower than the digits'.
    """
    if lum is None or page is None or right[0] <= left[2] or height < SURE_POINT_MIN_HEIGHT_PX:
        return False
    bottom = int(round(digits_bottom))
    gap = (left[2], bottom - max(1, int(round(0.25 * height))), right[0], bottom)
    descent = comma_descent(lum, page, gap, full)
    return descent is not None and \
        descent >= (COMMA_COVERAGE_DESCENT_SHARE + SURE_POINT_MARGIN_SHARE) * height and \
        _gap_ink_ends(lum, page, gap, full, height)


#: Rows below the digits' bottom a comma's tail may reach, as a share of their height (ink
#: boxes; two rows at least, :func:`comma_descent`'s search), and rows under those that must
#: be page: ink reaching further, or lying under the tail, is a line's (a tick under the
#: point) whose edge or JPEG ringing would be measured as a comma's descent.
COMMA_TAIL_MAX_SHARE = 0.25
GAP_CLEAR_ROWS = 3
#: Coverage (0-1) a comma's head has at least, in a row of its ink joined to the gap's last
#: row on the baseline (a comma at 96 dpi may sit its darkest row under the digits' last:
#: Nimbus Roman's of '2,093' at 10 pt, JPEG q70, 0.33 on the baseline and 0.92 under it).
COMMA_HEAD_COVERAGE = 0.5


def _gap_ink_ends(lum, page, gap, digits, height) -> bool:
    """Whether the ink in the gap ``gap`` (col0, row0, col1, row1; pixels, ending on the
    digits' bottom) between ``digits`` (boxes of the full-height glyphs, ``height`` pixels
    high) is a comma's: ink in the gap's last row on the baseline, going down from there
    without a break, as dark as a comma's head (:data:`COMMA_HEAD_COVERAGE`), and ending within
    :data:`COMMA_TAIL_MAX_SHARE` of the height (two rows at least), and the
    :data:`GAP_CLEAR_ROWS` rows under that page (under :data:`COVERAGE_FLOOR`).
    """
    text_lum = min(float(lum[row0:row1, col0:col1].min()) for col0, row0, col1, row1 in digits)
    col0, _, col1, bottom = gap
    tail_rows = max(2, int(np.ceil(COMMA_TAIL_MAX_SHARE * height)))
    rows = ink_coverage(lum, page, page - text_lum,
                        (col0, bottom - 1, col1, bottom + tail_rows + GAP_CLEAR_ROWS))
    if rows.shape[0] < 1 + tail_rows + GAP_CLEAR_ROWS:
        return False  # the figure's edge: nothing shows where the ink ends
    covered = rows.max(axis=1)
    if covered[0] < COVERAGE_FLOOR:
        return False  # nothing on the baseline: ink under the gap is not hung from it
    last = 0
    while last + 1 < covered.size and covered[last + 1] >= COVERAGE_FLOOR:
        last += 1
    return last <= tail_rows and covered[:last + 1].max() >= COMMA_HEAD_COVERAGE and \
        bool((covered[1 + tail_rows:] < COVERAGE_FLOOR).all())


def _separator_glyph(box, full, lum=None, page=None, by_coverage=False) -> "str | None":
    """',' or '.': what a separator's glyph is, beside the number's full-height glyphs
    ``full`` (boxes (col0, row0, col1, row1), pixels); None when its coverage decides and
    cannot be measured (:func:`comma_descent`).

    A comma reaches :data:`COMMA_DESCENT_SHARE` of the text's height (a pixel at least) below
    the digits' baseline and is taller than wide; else a point. With the figure's luma
    ``lum`` and the page's ``page``, a box that looks like a point, or two pixels high (a
    point drawn across two rows by anti-aliasing: QGIS's Nimbus Sans 8 pt at 96 dpi), is
    judged by its pixels' coverage (:func:`comma_descent`): a 2 px comma's tail at 96 dpi is
    one pixel a fifth inked, and its box is a point's. ``by_coverage``: every box is judged
    so when the luma is given, for digits broken apart whose boxes' bottoms are no baseline
    (:func:`lone_separator_as_inked`: a JPEG's 3 px point under Nimbus Roman's broken '5'
    looked like a comma by its box, and '23.5' read '23,5').
    """
    height = max(glyph[3] - glyph[1] for glyph in full)
    digits_bottom = float(np.median([glyph[3] for glyph in full]))
    col0, row0, col1, row1 = box
    comma = row1 - digits_bottom >= max(1.0, COMMA_DESCENT_SHARE * height) and \
        row1 - row0 > col1 - col0
    ambiguous = by_coverage or (comma and row1 - row0 <= POINT_MAX_PX)
    if (ambiguous or not comma) and lum is not None and page is not None:
        descent = comma_descent(lum, page, box, full)
        if descent is None:
            return None
        comma = descent >= COMMA_COVERAGE_DESCENT_SHARE * height
    return "," if comma else "."


def _plausible_pitch(pitches, height) -> "float | None":
    """The first of ``pitches`` (pixels; None skipped) within :data:`PITCH_HEIGHT_SHARES` of
    the digits' ``height`` (pixels); None when none is: the pitch a lone separator's place is
    measured by (:func:`lone_separator_as_inked`, which falls back on
    :data:`TYPICAL_PITCH_HEIGHT_SHARE` of the height).

    The pitch measured over a label's own glyphs takes in broken pieces of serif digits (a
    '0' in two halves: 0.57 of the height) and the pair around a separator touching a digit
    (a pitch and a half); the figure's takes in labels of another font as tall (a map's
    annotations beside a legend's: 0.95 of the height for Nimbus Roman's 0.74). A separator's
    place measured by such a pitch lands a digit off ('035' read '03.5', '12300' '1,2300').
    Over legend_matrix's vertical legends (2714 readings of their true texts, as written,
    the separator dropped, comma and point swapped: ``lone_separator_as_inked`` and
    ``separators_as_inked``), the label's own, the figure's, then the height's share put 1433
    faults right and none wrong; the smaller of the two, unchecked, half a pitch's place
    tolerance and the box deciding first (as before), 1395 right and 10 wrong
    (bench/lone_separator_readings.py). The height's share is a guess for five fonts:
    :func:`lone_separator_as_inked` places a glyph by it only where no other share puts it
    elsewhere (1429 right, none wrong).
    """
    low, high = PITCH_HEIGHT_SHARES
    return next((float(pitch) for pitch in pitches
                 if pitch is not None and low * height <= pitch <= high * height), None)


def lone_separator_as_inked(text, members, pitch, lum=None, page=None) -> str:
    """A number's one separator told comma or point by the one glyph a separator can be, or
    put back there when not read, where the label's glyphs map on no characters.

    At 7-12 pt and 96-120 dpi the thin strokes of a serif font fall under the ink mask
    (QGIS's Nimbus Roman: '2,205 m' in eight pieces, its second '2' in two, its 'm' in two;
    a '0' in two halves), and no glyph can be matched to each character
    (:func:`separators_as_inked`, :func:`restore_decimal_point`). Tesseract read the comma a
    point ('2.205m' and '-1.035m': the range -1.035 to 2.205 in silence), or dropped a point
    drawn three pixels high through a JPEG ('23.5' read '235': 91.6 to 235). The separator's
    glyph still stands alone: a small piece (at most :data:`SEPARATOR_MAX_HEIGHT_SHARE` of the
    text's height) in the lower half of the text (:func:`_in_lower_half`) with a blank pixel
    column between it and every other glyph of the label (:func:`_piece_stands_apart`: a
    digit's broken piece lies within its columns, or in the next one: the foot of a '3' in
    Nimbus Roman 7 pt at 120 dpi, beside its '1', made '138m' '1.38m'), as many digit pitches
    after the first digit's left edge as digits precede it, within
    :data:`SEPARATOR_PLACE_TOLERANCE` of a pitch. The pitch is the first of those given that
    the digits' height makes plausible, else one from that height (:func:`_plausible_pitch`),
    and then only where no pitch of :data:`PLACE_AGREEMENT_SHARES` of the height puts the
    glyph at another place (:func:`_places_by_any_pitch`: a condensed or a monospaced font's
    pitch lies far from the typical one: Nimbus Sans Narrow's '12300' read '1,2300', Nimbus
    Mono's '7025' '702.5').
    Exactly one such piece in the number, then:

    - one separator read there: it becomes what its glyph is (:func:`_separator_glyph`, by
      its coverage when ``lum`` is given: broken digits' boxes make no baseline);
    - none read: the glyph's separator is put there when the full-height glyphs either side
      of it stand :data:`SEPARATOR_MIN_PITCHES` pitches apart centre to centre (a separator
      takes its room; a speck between touching digits does not).

    A point before three digits, where a comma was read or none, reads the number a thousand
    times smaller: only on a glyph :func:`_surely_point` (digits 9 px high at least, its
    coverage clear of the comma's threshold: URW Bookman's comma at 10 pt and 72 dpi made
    '1,250' '1.250').

    Anything else (two separators, none or several such pieces, the piece where no separator
    was read and no room) leaves the reading as it is.

    Parameters
    ----------
    text : str
        The reading.
    members : list of tuple or None
        The label's glyph boxes (col0, row0, col1, row1), pixels.
    pitch : float, list of float, or None
        The digits' pitch (centre to centre), pixels, or the pitches to choose from in order
        (the label's own, then the figure's digits'; None for one unknown).
    lum, page : optional
        The figure's luma and the page's, as for :func:`separators_as_inked`.

    Returns
    -------
    str
    """
    match = _SEPARATED_NUMBER.fullmatch(normalise(text).replace(" ", ""))
    if not members or match is None:
        return text
    tallest = max(members, key=lambda box: box[3] - box[1])
    height = tallest[3] - tallest[1]
    if height <= 0:
        return text
    measured = _plausible_pitch(pitch if isinstance(pitch, (list, tuple)) else [pitch], height)
    pitch = TYPICAL_PITCH_HEIGHT_SHARE * height if measured is None else measured
    number = match.group(2)
    separators = [index for index, character in enumerate(number) if character in ".,"]
    if len(separators) > 1:
        return text
    full = [box for box in members if _full_height(box, tallest)]
    # The number's first digit: the first full-height glyph (a sign is a short bar).
    first, last = min(box[0] for box in full), max(box[2] for box in full)
    pieces = [box for box in members
              if box[3] - box[1] <= SEPARATOR_MAX_HEIGHT_SHARE * height and
              _in_lower_half(box, tallest) and first < box[0] and box[2] < last and
              _piece_stands_apart(box, [other for other in members if other != box], gap=1)]
    if len(pieces) != 1:
        return text
    piece = pieces[0]
    centre = 0.5 * (piece[0] + piece[2])
    place = (centre - first) / pitch
    digits_before = int(round(place))
    if abs(place - digits_before) > SEPARATOR_PLACE_TOLERANCE:
        return text
    if measured is None and _places_by_any_pitch(centre - first, height,
                                                 len(number)) != [digits_before]:
        # No measured pitch: the place must not hang on the font's.
        return text
    mark = _separator_glyph(piece, full, lum, page, by_coverage=True)
    if mark is None:
        return text  # its coverage not measured: the digits' broken pieces lie under them
    tail = number[digits_before + 1:] if separators else number[digits_before:]
    if mark == "." and len(tail) == 3 and (not separators or number[digits_before] == ",") \
            and not _surely_point(piece, full, height, lum, page):
        # A point before three digits where a comma was read, or none: the number a thousand
        # times smaller, on a glyph too small or too near the comma's descent to be sure.
        return text
    if separators:
        if separators[0] != digits_before or number[digits_before] == mark:
            return text
        mended = number[:digits_before] + mark + number[digits_before + 1:]
    elif _DIGITS_SPACED.search(normalise(text)):
        # '12 300': digits grouped by a space, the piece a speck in the group's gap. A point
        # put there would read the number a thousand times too small.
        return text
    else:
        left = [box for box in full if box[2] <= piece[0]]
        right = [box for box in full if box[0] >= piece[2]]
        if not 0 < digits_before < len(number) or not left or not right:
            return text
        before = max(left, key=lambda box: box[2])
        after = min(right, key=lambda box: box[0])
        if 0.5 * (after[0] + after[2] - before[0] - before[2]) < SEPARATOR_MIN_PITCHES * pitch:
            return text
        mended = number[:digits_before] + mark + number[digits_before:]
    return f"{match.group(1)}{mended}{match.group(3)}"


def _places_by_any_pitch(offset, height, count) -> list:
    """The places (digits before it, 0 to ``count``) a lone separator's glyph ``offset``
    pixels (its centre) after the first digit's left edge can take by some pitch within
    :data:`PLACE_AGREEMENT_SHARES` of the digits' ``height`` (pixels): those whose
    :data:`SEPARATOR_PLACE_OFFSETS` it lies within by one of them."""
    low, high = PLACE_AGREEMENT_SHARES
    early, late = SEPARATOR_PLACE_OFFSETS
    places = []
    for place in range(count + 1):
        # The pitches putting the glyph at this place: offset / (place + late) up to
        # offset / (place + early), as shares of the height.
        least = offset / (height * (place + late))
        most = offset / (height * (place + early)) if place + early > 0 else np.inf
        if least <= high and most >= low:
            places.append(place)
    return places


def _surely_point(box, full, height, lum=None, page=None) -> bool:
    """Whether a lone separator's glyph ``box`` told a point (:func:`_separator_glyph`) is one
    surely: its digits (``full``, boxes (col0, row0, col1, row1); ``height`` pixels) are
    :data:`SURE_POINT_MIN_HEIGHT_PX` high at least and, with the figure's luma ``lum`` and
    the page's ``page``, its coverage's descent below them lies
    :data:`SURE_POINT_MARGIN_SHARE` of their height from the comma's threshold at least."""
    if height < SURE_POINT_MIN_HEIGHT_PX:
        return False
    if lum is None or page is None:
        return True
    descent = comma_descent(lum, page, box, full)
    return descent is not None and \
        abs(descent - COMMA_COVERAGE_DESCENT_SHARE * height) >= SURE_POINT_MARGIN_SHARE * height


def _unseparated_pitch(number, owners, centres) -> "float | None":
    """The digits' pitch (pixels) measured between neighbouring digits of a reading with no
    separator read between them, each in a glyph of its own; None without such a pair.

    A label's own pitch measured over all its neighbouring glyphs (:func:`digit_pitch`) takes
    in the pair around its separator, 1.5 pitches apart: with few digits ('2.25' in Nimbus
    Roman 8 pt at 120 dpi, whose point touched nothing and whose '2' broke apart) it is a
    pitch and a quarter, and a true point's room looked too small for one."""
    gaps, digit, separated = [], -1, False
    for character in number:
        if not character.isdigit():
            separated = True
            continue
        digit += 1
        if digit > 0 and not separated and owners[digit] != owners[digit - 1]:
            gaps.append(centres[digit] - centres[digit - 1])
        separated = False
    return float(np.median(gaps)) if gaps else None


#: A separator glyph whose bottom, measured by its pixels' coverage, lies this share of the
#: text's height below the digits' (measured alike) is a comma. The two overlap: on digits
#: 9 px high or more, 395 commas reach 0.034-0.25 of the height below the digits (95 % of them
#: 0.058 or more; the least, Nimbus Roman and URW Bookman at 11-13 pt, 96 dpi, JPEG quality
#: 45-60, are told points), 217 points -0.033-0.038; on smaller digits points reach 0.052
#: (URW Bookman and Nimbus Mono 7 pt at 100 dpi, told commas). Measured on matplotlib's
#: vertical colour bars in eleven fonts (DejaVu Sans, Sans Bold and Sans Mono, Nimbus Sans
#: Bold, Sans Narrow, Roman and Mono PS, URW Bookman and Gothic, C059, P052) at 7-14 pt and
#: 72-100 dpi, PNG and JPEG of quality 45-70; QGIS's DejaVu Sans 12 pt at 96 dpi: 0.10. A
#: point before three digits is therefore taken only when sure (:func:`_surely_point`).
COMMA_COVERAGE_DESCENT_SHARE = 0.045
#: Coverage under which a pixel is taken as page (the text's anti-aliased edge's faintest
#: pixels), and how many times the page's own noise round the text (a JPEG's ringing) it is
#: at least.
COVERAGE_FLOOR = 0.1
COVERAGE_NOISE_FACTOR = 1.5


def ink_coverage(lum, page, contrast, box) -> np.ndarray:
    """How much each pixel of a box (cut to the figure) is inked, 0-1: the page's luma 0, a
    luma ``contrast`` below it 1 or more (clipped).

    Parameters
    ----------
    lum : ndarray of float
        The figure's luma.
    page : float
        The page's luma.
    contrast : float
        The text's luma below the page's (> 0).
    box : tuple (col0, row0, col1, row1)
        Pixels; may reach past the figure's edges.

    Returns
    -------
    ndarray of float, shape (rows, cols) of the box within the figure; (0, 0) when none is.
    """
    col0, row0, col1, row1 = box
    rows, cols = lum.shape
    col0, col1 = max(col0, 0), min(col1, cols)
    row0, row1 = max(row0, 0), min(row1, rows)
    if col1 <= col0 or row1 <= row0:
        return np.zeros((0, 0))
    return np.clip((page - lum[row0:row1, col0:col1]) / contrast, 0.0, 1.0)


def comma_descent(lum, page, separator, digits) -> "float | None":
    """How far (pixels) a separator's ink reaches below its digits' ink, each bottom measured
    to a fraction of a pixel from the coverage of its last row.

    The ink mask takes a pixel a third darker than the page; a comma's tail at 96 dpi is one
    pixel a fifth inked, so its box ends where a point's would. The coverage of a row is its
    darkest pixel's, as a share of the page's luma to the text's (its darkest pixel): the
    bottom is the last row covered above the page's own noise plus that row's coverage (a
    horizontal edge crossing the row). The noise is the most covered pixel of the page in two
    rows above the text, two rows clear of it, and in the two rows under each digit below its
    faint last one (a JPEG's ringing round the glyphs: a pixel a tenth inked under a point
    would otherwise make it reach a pixel lower, a comma's). The
    separator is searched a pixel either side of its box and down to two rows below it, as
    are the digits (their faint last row is under the mask's), as long as each next row is
    covered.

    Parameters
    ----------
    lum : ndarray of float
        The figure's luma.
    page : float
        The page's luma.
    separator : tuple
        The separator's glyph box (col0, row0, col1, row1), pixels.
    digits : list of tuple
        The boxes of the number's full-height glyphs.

    Returns
    -------
    float or None
        The separator's bottom less the median of the digits' bottoms, pixels (positive:
        below them); None when the text cannot be told from the page.
    """
    text_lum = min(float(lum[row0:row1, col0:col1].min()) for col0, row0, col1, row1 in digits)
    if page - text_lum <= 0:
        return None

    def coverage(*box):
        return ink_coverage(lum, page, page - text_lum, box)

    # Rows below a box its faint edge may reach (a comma's tail, the last row of a digit's
    # curve): no further, so that a line under the text is not measured instead.
    reach = 2
    boxes = list(digits) + [separator]
    col0, row0 = min(box[0] for box in boxes), min(box[1] for box in boxes)
    col1, row1 = max(box[2] for box in boxes), max(box[3] for box in boxes)
    # The page above the text, and under each digit a row clear of its faint last one: where
    # a JPEG rings as it does under the separator. Under the digits' common bottom at least:
    # a digit whose foot broke off under the ink mask ends short (Nimbus Roman's '3' of
    # '-1,035 m' at 10 pt, 96 dpi, its foot a piece of its own), and its foot, taken for the
    # page's noise, raised the floor over the comma's faint tail: '-1,035m' was told a point.
    common_bottom = int(np.median([digit[3] for digit in digits]))
    around = [coverage(col0, row0 - 2 - reach, col1, row0 - reach)] + [
        coverage(digit[0], max(digit[3], common_bottom) + 1, digit[2],
                 max(digit[3], common_bottom) + 1 + reach) for digit in digits]
    noise = max([float(band.max()) for band in around if band.size] + [0.0])
    floor = max(COVERAGE_FLOOR, COVERAGE_NOISE_FACTOR * noise)
    if floor >= 0.5:
        return None  # the page as dark as a glyph's edge: nothing to measure to a fraction

    def bottom(col0, row0, col1, row1):
        # The glyph's rows and those below it covered without a break (a JPEG's ringing a
        # row further down is not its ink).
        covered_rows = coverage(col0, row0, col1, row1 + reach).max(axis=1)
        last = min(row1 - row0, covered_rows.size) - 1
        while last + 1 < covered_rows.size and covered_rows[last + 1] >= floor:
            last += 1
        return row0 + last + float(covered_rows[last])

    digits_bottom = float(np.median([bottom(*digit) for digit in digits]))
    col0, row0, col1, row1 = separator
    return bottom(col0 - 1, row0, col1 + 1, row1) - digits_bottom


#: Glyphs this many pixels high at least are compared (below, one digit's glyphs at two
#: sub-pixel phases differ as much as two digits' do: a stroke is a pixel or two wide).
ALIKE_MIN_HEIGHT_PX = 12
#: Two glyphs differ at a pixel where their coverages differ by more than this, aligned as
#: well as whole and half pixel shifts align them (a sub-pixel phase left over moves an edge
#: pixel's coverage by at most half).
DIFFERING_COVERAGE = 0.6
#: Glyphs differing at no more pixels than this are one character: from 12 px high, two
#: glyphs of one digit differed at none, two different digits at 2 or more (QGIS legends in
#: DejaVu Sans/Serif and Nimbus Sans/Roman at 8-12 pt, 96-120 dpi, PNG and JPEG q70: 183 pairs
#: of one digit, 1341 of two), and a '5' read '9' at none from a '5' read right.
ALIKE_MAX_DIFFERING_PX = 0
#: Axis labels' glyphs are compared from this height: a consistent misread of an axis' leading
#: digit shifts every label alike, which its fit cannot see and which georeferences the map
#: thousands of km away ('5167.5' read '9167.5' on every y label of DejaVu Serif 12 pt at 72
#: dpi, glyphs 10 px high). Below :data:`ALIKE_MIN_HEIGHT_PX` the differing pixels do not
#: tell digits apart (two digits differ at none in DejaVu Sans/Serif and Nimbus Sans at 9-11
#: px); the summed difference does (:data:`SMALL_ALIKE_MAX_SHARE`).
AXIS_ALIKE_MIN_HEIGHT_PX = 9
#: Axis labels' glyphs under :data:`AXIS_ALIKE_MIN_HEIGHT_PX` and this high at least are
#: compared too, called one character only when drawn as one bitmap (their coverages, aligned
#: as :data:`SMALL_ALIKE_MAX_SHARE`'s, differing by at most :data:`EXACT_ALIKE_MAX_SHARE`):
#: GMT's Courier 8 pt at 100 dpi (glyphs 7 px high), rasterised by Ghostscript, draws every
#: copy of a digit pixel for pixel alike (223 pairs of one digit on one map, all 0.00), two
#: different digits 0.43 apart or more; Tesseract read the '9' of '49.0' and '49.6' as '3'
#: there, glyphs drawn as the '9's of '49.2' and '49.4' (0.00) and unlike the x labels' '3's.
#: Drawn at sub-pixel phases (matplotlib), one digit's copies at this height differ as much as
#: two digits do, and are never called alike.
EXACT_ALIKE_MIN_HEIGHT_PX = 7
#: Glyphs shorter than :data:`AXIS_ALIKE_MIN_HEIGHT_PX` are one character when their summed
#: difference is at most this share of their ink: one bitmap, up to a JPEG's noise (a stroke
#: pixel of a 7 px digit is some 0.07 of its ink).
EXACT_ALIKE_MAX_SHARE = 0.05
#: Glyphs under :data:`ALIKE_MIN_HEIGHT_PX` high are one character when their coverages,
#: aligned to an eighth of a pixel (:func:`glyph_difference_share`), differ by at most this
#: share of their ink in all. Every digit drawn by matplotlib in DejaVu Sans/Serif and Nimbus
#: Sans at 8-12 pt, 72-120 dpi (glyphs 9-13 px) at eight sub-pixel phases: one digit's two
#: drawings differ by 0.26 at most and mostly under 0.15, two different digits by 0.27 or
#: more (Nimbus Sans' '6' and '8'); aligned by half pixels only, one digit's drawings differed
#: by up to 0.46, as much as two digits, and a '6' read '8' on every label of an axis was not
#: seen. Several glyphs of a digit stand at several phases: the nearest is compared.
SMALL_ALIKE_MAX_SHARE = 0.15
#: The sub-pixel steps (pixels) and reach (pixels either way, along the text) of the alignment
#: of :func:`glyph_difference_share`.
ALIGNMENT_STEP_PX = 0.125
ALIGNMENT_REACH_PX = 1.5
#: Glyphs under 12 px whose moved copies are kept while the comparisons are kept (some
#: 150 kB each); released when they are not (:func:`glyph_comparisons_kept`).
MOVED_COPIES_CACHED = 256
#: Glyphs (at each canvas size) whose half-pixel copies are kept likewise, for glyphs of 12 px
#: and more (four copies, some 15 kB): pairs are visited glyph after glyph, so a cache smaller
#: than a figure's glyphs times its canvas sizes (137 digits of a QGIS legend, 2 sizes) would
#: drop each copy before its next use.
HALF_SHIFTED_COPIES_CACHED = 1024
#: The canvas sides' step, pixels (:func:`glyph_difference_share`, :func:`glyph_difference_px`).
CANVAS_STEP_PX = 4


def glyph_coverage(lum, page, box) -> np.ndarray:
    """How much each pixel of a glyph's box (and a pixel round it) is inked, 0-1: the page's
    luma 0, the glyph's darkest pixel 1."""
    col0, row0, col1, row1 = (int(v) for v in box)
    darkest = float(lum[row0:row1, col0:col1].min())
    return ink_coverage(lum, page, max(page - darkest, 1.0),
                        (col0 - 1, row0 - 1, col1 + 1, row1 + 1))


def _half_shifted(coverage, rows, cols):
    """A glyph's coverage moved by half a pixel down (``rows``) and right (``cols``), as it
    would be drawn there (each pixel the mean of the two it straddles)."""
    if cols:
        padded = np.pad(coverage, ((0, 0), (1, 1)))
        coverage = 0.5 * (padded[:, 1:] + padded[:, :-1])
    if rows:
        padded = np.pad(coverage, ((1, 1), (0, 0)))
        coverage = 0.5 * (padded[1:] + padded[:-1])
    return coverage


def _half_shifted_copies(coverage, rows, cols) -> np.ndarray:
    """A glyph's coverage moved by half pixels (:func:`_half_shifted`: none, right, down,
    both), each on a ``rows`` x ``cols`` canvas from its row and column 1: shape (4, rows,
    cols), the canvas at least the glyph's size plus 3 each way.

    A glyph is compared with every other digit glyph of a figure (9427 pairs of 137 glyphs on
    a QGIS legend with 12 px digits, twice), so its copies are made once and kept
    (:func:`_cached_half_shifted_copies`, released with the moved copies when the last
    :func:`glyph_comparisons_kept` scope ends).
    """
    return _cached_half_shifted_copies(
        np.ascontiguousarray(coverage, dtype=np.float64).tobytes(), coverage.shape, rows, cols)


@functools.lru_cache(maxsize=HALF_SHIFTED_COPIES_CACHED)
def _cached_half_shifted_copies(coverage_bytes, shape, rows, cols):
    coverage = np.frombuffer(coverage_bytes, dtype=np.float64).reshape(shape)
    copies = np.zeros((4, rows, cols))
    for index, (half_rows, half_cols) in enumerate(((0, 0), (0, 1), (1, 0), (1, 1))):
        moved = _half_shifted(coverage, half_rows, half_cols)
        copies[index, 1:1 + moved.shape[0], 1:1 + moved.shape[1]] = moved
    copies.flags.writeable = False
    return copies


def glyph_difference_px(first, second) -> int:
    """At how many pixels two glyphs' coverages differ by more than
    :data:`DIFFERING_COVERAGE`, the second moved by whole pixels (up to one either way) and
    half pixels to where they differ least (0: one shape, up to its sub-pixel phase)."""
    # The second glyph's half-pixel copies stand on a canvas from its row and column 1; the
    # first glyph on one two pixels larger each way, from its row and column 2, whose nine
    # windows of the smaller canvas's size (starting at rows and columns 0-2) put it a pixel
    # either way of the second. Both canvases' sides are at least the glyphs' plus 3 (a copy
    # is a pixel larger, the whole move one more either way), rounded up to CANVAS_STEP_PX so
    # that a glyph meets few canvas sizes and its copies are reused: pixels outside both
    # glyphs are 0 in both and differ nowhere, so the count is the one on their union.
    rows = -(-(max(first.shape[0], second.shape[0]) + 3) // CANVAS_STEP_PX) * CANVAS_STEP_PX
    cols = -(-(max(first.shape[1], second.shape[1]) + 3) // CANVAS_STEP_PX) * CANVAS_STEP_PX
    fixed = np.zeros((rows + 2, cols + 2))
    fixed[2:2 + first.shape[0], 2:2 + first.shape[1]] = first
    windows = np.lib.stride_tricks.sliding_window_view(fixed, (rows, cols))
    moved = _half_shifted_copies(second, rows, cols)[:, None, None]
    return int((np.abs(windows - moved) > DIFFERING_COVERAGE).sum(axis=(3, 4)).min())


def _moved(coverages, shifts, axis):
    """Glyphs' coverages (a stack) each moved along ``axis`` (0 down, 1 right) by its shift,
    pixels (fractions, at most one either way), as it would be drawn there: each pixel takes
    from the pixels it straddles in proportion to the overlap (the caller pads the coverages:
    what leaves one side would wrap round to the other).

    Parameters
    ----------
    coverages : ndarray of float, shape (n, rows, cols)
    shifts : ndarray of float, shape (n,)
        Pixels; 0 leaves a coverage as it is.
    axis : int

    Returns
    -------
    ndarray of float, shape (n, rows, cols)
    """
    moved = np.array(coverages, dtype=np.float64)
    whole = np.floor(shifts).astype(int)
    fraction = shifts - whole
    # One roll of all the coverages moved by the same whole pixels: a glyph's 75 offsets
    # (glyph_difference_share) take two or three, instead of two a copy.
    for whole_px in np.unique(whole[shifts != 0]):
        picked = (whole == whole_px) & (shifts != 0)
        share = fraction[picked][:, None, None]
        moved[picked] = (1.0 - share) * np.roll(coverages[picked], whole_px, axis=axis + 1) + \
            share * np.roll(coverages[picked], whole_px + 1, axis=axis + 1)
    return moved


def glyph_difference_share(first, second) -> float:
    """How much two glyphs' coverages differ in all (summed, as a share of the larger one's
    ink), aligned where they differ least: along the text by eighths of a pixel up to
    :data:`ALIGNMENT_REACH_PX` either way, across it by half pixels up to one (0: one shape at
    one sub-pixel phase). Each glyph is moved half the offset, the two opposite ways, so both
    are smoothed alike by the move: moving one glyph only would smooth it and not the other,
    which a glyph drawn at another phase is not.

    Parameters
    ----------
    first, second : ndarray of float
        The glyphs' coverages (:func:`glyph_coverage`), 0-1, each from its box's top-left
        corner less a pixel.

    Returns
    -------
    float
    """
    # Both on one canvas, its sides rounded up to CANVAS_STEP_PX so that a glyph meets few
    # canvas sizes and its copies are reused; the canvas's extra zeros add nothing.
    rows = -(-max(first.shape[0], second.shape[0]) // CANVAS_STEP_PX) * CANVAS_STEP_PX
    cols = -(-max(first.shape[1], second.shape[1]) // CANVAS_STEP_PX) * CANVAS_STEP_PX
    ink = max(float(first.sum()), float(second.sum()), 1e-9)
    moved_first = _moved_copies(first, rows, cols, 1)
    moved_second = _moved_copies(second, rows, cols, -1)
    return float(np.abs(moved_first - moved_second).sum(axis=(1, 2)).min()) / ink


def _moved_copies(coverage, rows, cols, direction):
    """A glyph's coverage on a ``rows`` x ``cols`` canvas, moved by half of every offset that
    :func:`glyph_difference_share` tries, the offsets' way (``direction`` 1) or the opposite
    way (-1): shape (offsets, rows + 4, cols + 4).

    A glyph is compared with every other glyph of a figure (thousands of pairs from some
    hundred glyphs), so its copies are made once and kept (:func:`_cached_moved_copies`).
    """
    return _cached_moved_copies(np.ascontiguousarray(coverage, dtype=np.float64).tobytes(),
                                coverage.shape, rows, cols, direction)


@functools.lru_cache(maxsize=MOVED_COPIES_CACHED)
def _cached_moved_copies(coverage_bytes, shape, rows, cols, direction):
    coverage = np.frombuffer(coverage_bytes, dtype=np.float64).reshape(shape)
    canvas = np.zeros((rows, cols))
    canvas[:shape[0], :shape[1]] = coverage
    steps = int(round(ALIGNMENT_REACH_PX / ALIGNMENT_STEP_PX))
    offsets = [(step * ALIGNMENT_STEP_PX, row) for step in range(-steps, steps + 1)
               for row in (-1, 0, 1)]
    # Padded by two pixels, then moved along the text and across it.
    padded = np.broadcast_to(np.pad(canvas, 2), (len(offsets), rows + 4, cols + 4))
    along = _moved(padded, np.array([direction * cols_off / 2 for cols_off, _ in offsets]), 1)
    copies = _moved(along, np.array([direction * row / 2 for _, row in offsets]), 0)
    copies.flags.writeable = False
    return copies


#: How many :func:`glyph_comparisons_kept` scopes are open (the copies and pairs are released
#: when the last one ends).
_SCOPES_KEEPING_GLYPHS = [0]
_SCOPES_LOCK = threading.Lock()


@contextlib.contextmanager
def glyph_comparisons_kept() -> Iterator[None]:
    """The glyphs' moved copies (:func:`_cached_moved_copies`,
    :func:`_cached_half_shifted_copies`) and the pairs compared (:data:`_PAIRS_COMPARED`) kept
    from one comparison of labels to the next while it lasts, released when the outermost such
    scope ends: they serve thousands of pairs, and would otherwise stay in QGIS's memory after
    the run. A figure's reading compares its labels' glyphs up to ten times, mostly the same
    glyphs, so :func:`.figure_reading.read_figure_face` keeps them for the whole reading."""
    # QGIS runs Processing tasks in threads: the count is changed under a lock, or two
    # readings ending together could leave it above zero and the copies held for the session.
    with _SCOPES_LOCK:
        _SCOPES_KEEPING_GLYPHS[0] += 1
    try:
        yield
    finally:
        with _SCOPES_LOCK:
            _SCOPES_KEEPING_GLYPHS[0] -= 1
            if not _SCOPES_KEEPING_GLYPHS[0]:
                _cached_moved_copies.cache_clear()
                _cached_half_shifted_copies.cache_clear()
                _PAIRS_COMPARED.clear()


def _releasing_glyph_copies(function):
    """``function``, which compares glyphs, inside a :func:`glyph_comparisons_kept` scope: the
    copies and pairs it made are released when it returns, unless an outer scope keeps them."""
    @functools.wraps(function)
    def releasing(*args, **kwargs):
        with glyph_comparisons_kept():
            return function(*args, **kwargs)
    return releasing


#: Whether two glyph images are drawn alike (:func:`_drawn_alike`), by the images' digests
#: and the height compared at, while the comparisons are kept: a figure's labels repeat
#: one digit drawn at one sub-pixel phase pixel for pixel ('0' in '1000', '2000', '3000'), so
#: the same two images are compared again and again (bench_detection's 1 MP figure: 4124
#: comparisons in ten checks, of 284 different pairs of images). Released with the copies
#: (:func:`glyph_comparisons_kept`).
_PAIRS_COMPARED = {}


def image_digest(image) -> tuple:
    """A key that tells two arrays apart by their values, shape and type."""
    values = np.ascontiguousarray(image)
    return image.shape, values.dtype.str, hashlib.sha1(values.tobytes()).digest()


def _drawn_alike(first, second, height) -> bool:
    """Whether two glyphs ``height`` px high are one character's drawings (each pair of images
    compared once while the comparisons are kept: :data:`_PAIRS_COMPARED`)."""
    key = (image_digest(first), image_digest(second), height)
    alike = _PAIRS_COMPARED.get(key)
    if alike is None:
        alike = _PAIRS_COMPARED[key] = _compared_alike(first, second, height)
    return alike


def _compared_alike(first, second, height) -> bool:
    """:func:`_drawn_alike` itself: the two glyphs compared."""
    if height >= ALIKE_MIN_HEIGHT_PX:
        return glyph_difference_px(first, second) <= ALIKE_MAX_DIFFERING_PX
    most = EXACT_ALIKE_MAX_SHARE if height < AXIS_ALIKE_MIN_HEIGHT_PX else SMALL_ALIKE_MAX_SHARE
    # Moving a glyph keeps its ink (its copies are padded), so the summed difference is at
    # least the difference of the inks: glyphs whose inks differ by more are not aligned at
    # all (most pairs of different digits; the 7-8 px glyphs compared for
    # EXACT_ALIKE_MAX_SHARE doubled a figure's reading time).
    first_ink, second_ink = float(first.sum()), float(second.sum())
    if abs(first_ink - second_ink) > most * max(first_ink, second_ink, 1e-9) + 1e-9:
        return False
    return glyph_difference_share(first, second) <= most


@_releasing_glyph_copies
def digits_read_unlike_their_glyphs(readings, lum, page, min_height=ALIKE_MIN_HEIGHT_PX) -> str:
    """A problem when two glyphs alike as one character were read as two different digits, or
    "": OCR misread one of them.

    One font at one size draws a digit alike wherever it stands (up to its sub-pixel phase):
    QGIS's '2.25' read '2.29' beside '0.5' (Nimbus Roman 12 pt and DejaVu Serif at 120 dpi)
    has its last glyph, read '9', as alike to the '5' of '0.5' as two fives are. With a
    legend's two labels nothing else tells 2.29 from 2.25. Only labels with one digit to each
    full-height glyph, glyphs ``min_height`` high at least and of one height (within a pixel)
    are compared.

    Parameters
    ----------
    readings : list of (str, list of tuple)
        Each label's reading and its glyph boxes (col0, row0, col1, row1).
    lum : ndarray of float (rows, cols)
        The figure's luma; ``page`` the page's.
    min_height : int
        Shortest glyphs compared, pixels (:data:`ALIKE_MIN_HEIGHT_PX`; axes
        :data:`EXACT_ALIKE_MIN_HEIGHT_PX`).

    Returns
    -------
    str
    """
    glyphs = [(glyph.digit, readings[glyph.reading][0], glyph.height, glyph.coverage)
              for glyph in _digit_glyphs(readings, lum, page, min_height)]
    for index, (digit, text, height, coverage) in enumerate(glyphs):
        for other, other_text, other_height, other_coverage in glyphs[index + 1:]:
            if other == digit or abs(other_height - height) > 1:
                continue
            if _drawn_alike(coverage, other_coverage, min(height, other_height)):
                return (f"a glyph read '{digit}' in {text!r} and one read '{other}' in "
                        f"{other_text!r} are drawn alike, as one character is: one of them "
                        f"was misread")
    return ""


@dataclasses.dataclass
class DigitGlyph:
    """One digit's glyph of a label: which reading (an index), which of its digits, the digit
    read, the text's height (pixels) and the glyph's coverage (:func:`glyph_coverage`)."""

    reading: int
    place: int
    digit: str
    height: int
    coverage: np.ndarray


def _digit_glyphs(readings, lum, page, min_height) -> list:
    """The digits' glyphs of labels read as numbers with one digit to each full-height glyph,
    ``min_height`` px high at least: list of :class:`DigitGlyph`. A label whose number is
    followed by letters (a unit, a hemisphere: '5186000 m', '36°N') gives its digits' glyphs
    too (:func:`_digit_boxes_before_letters`)."""
    glyphs = []
    for index, (text, members) in enumerate(readings):
        if not members:
            continue
        tallest = max(members, key=lambda box: box[3] - box[1])
        height = tallest[3] - tallest[1]
        if height < min_height:
            continue
        full = [box for box in sorted(members) if _full_height(box, tallest)]
        digits = [character for character in normalise(text) if character.isdigit()]
        if any(character.isalpha() for character in text):
            full = _digit_boxes_before_letters(normalise(text), full, len(digits), height)
        if len(full) != len(digits):
            continue
        glyphs += [DigitGlyph(index, place, digit, height, glyph_coverage(lum, page, box))
                   for place, (digit, box) in enumerate(zip(digits, full))]
    return glyphs


def _digit_boxes_before_letters(text, full, digits, height) -> list:
    """The full-height glyph boxes (left to right) of a label read as a number followed by
    letters ('5186000 m', '36°N', '12 km') that are its ``digits`` digits, or [] when the
    glyphs do not tell which they are.

    The letters follow the last digit, so the digits are the first full-height glyphs, as
    many as the digits; the rest, at most one to each letter (an 'm' may be shorter than
    :data:`FULL_HEIGHT_SHARE` of the digits, or not), are the letters'. Each digit's glyph is
    narrower than the text is high (DejaVu Serif Bold 10 pt at 150 dpi: 10-13 px wide, 15 px
    high; its 'm' 22 px wide): two digits run together, or an 'm', taken for one would put
    the letters' glyphs among the digits and every digit after it one place out.

    A unit or hemisphere left the label out of the glyph comparison: every y label
    '5186000 m' read '3186000 m' (DejaVu Serif Bold 10 pt at 150 dpi) kept the map 2000 km
    south, the glyphs read '3' drawn as the colorbar's '5's.
    """
    last_digit = max((place for place, character in enumerate(text) if character.isdigit()),
                     default=-1)
    letters = sum(character.isalpha() for character in text[last_digit + 1:])
    if last_digit < 0 or any(character.isalpha() for character in text[:last_digit]) or \
            not digits <= len(full) <= digits + letters:
        return []
    boxes = full[:digits]
    if any(box[2] - box[0] >= height for box in boxes):
        return []
    return boxes


@dataclasses.dataclass
class DigitRereading:
    """A way to read again the glyphs read as one digit (``read``) that are drawn as glyphs
    read as another (``drawn_as``) elsewhere: ``texts`` maps each reading's index to its text
    with those glyphs read as ``drawn_as``."""

    read: str
    drawn_as: str
    texts: dict


def with_digits_replaced(text, places, digit) -> str:
    """A reading (normalised) with its digits at ``places`` (their order among its digits, 0
    first) replaced by ``digit``."""
    characters, place = list(normalise(text)), -1
    for index, character in enumerate(characters):
        if character.isdigit():
            place += 1
            if place in places:
                characters[index] = digit
    return "".join(characters)


@_releasing_glyph_copies
def digit_rereadings(readings, confirmed, lum, page,
                     min_height=EXACT_ALIKE_MIN_HEIGHT_PX) -> "tuple[list, str]":
    """The ways a figure's labels may be read again where glyphs read as two different digits
    are drawn alike (:func:`digits_read_unlike_their_glyphs`): for each such pair of digits X
    and Y, the glyphs read X drawn as a glyph read Y re-read as Y, and the other way round.

    One font at one size draws a digit alike wherever it stands, so a glyph read X drawn as
    the Ys read elsewhere on the figure is a Y misread, or they are Xs misread: the caller
    tells which by the tick fits (Tesseract read every y label's leading '5' as '9' in DejaVu
    Serif 12 pt at 72 dpi, '5167.5' as '9167.5': the labels stay on a line; the '5's of the x
    labels, '605' and '615', read as '9's leave theirs). A way is left out when a glyph it
    re-reads is also drawn as a glyph read X that no glyph read Y is drawn as (an X read right:
    the glyphs do not tell X from Y), when it would re-read a glyph whose reading the fits
    confirm (``confirmed``), and when none of the glyphs read Y it re-reads by is one the fits
    confirm: a digit every label of a set shares (an axis' leading '5') stays on a line
    whatever it is read as, so it tells nothing of another glyph. Glyphs of one height within
    a pixel are compared.

    Parameters
    ----------
    readings : list of (str, list of tuple)
        Each label's reading and its glyph boxes (col0, row0, col1, row1).
    confirmed : set of (int, int)
        The digits (a reading's index, the digit's order among its digits) whose readings the
        tick fits confirm (:func:`digits_confirmed_by_fit`).
    lum : ndarray of float (rows, cols)
        The figure's luma; ``page`` the page's.
    min_height : int
        Shortest glyphs compared, pixels.

    Returns
    -------
    list of DigitRereading
        The ways for each pair of digits whose glyphs are drawn alike, in the digits' order.
    str
        The first two glyphs drawn alike but read as two digits, said as
        :func:`digits_read_unlike_their_glyphs` says them; "" when there are none.
    """
    glyphs = _digit_glyphs(readings, lum, page, min_height)

    alike = {}

    def drawn_alike(first, second):
        # Pairs of every digit glyph of the figure's labels: a second and more. The comparison
        # moves the second glyph only, and the two orders may differ by a pixel (12 px glyphs
        # must not differ at all), so a pair keeps the answer of the order it was first asked
        # in, whichever way it is asked again; _drawn_alike remembers each order's answer
        # across the reading's checks.
        key = (min(first, second), max(first, second))
        if key not in alike:
            check_cancelled()
            one, other = glyphs[first], glyphs[second]
            alike[key] = abs(one.height - other.height) <= 1 and _drawn_alike(
                one.coverage, other.coverage, min(one.height, other.height))
        return alike[key]

    crossed = [(first, second) for first in range(len(glyphs))
               for second in range(first + 1, len(glyphs))
               if glyphs[first].digit != glyphs[second].digit and drawn_alike(first, second)]
    if not crossed:
        return [], ""
    first, second = glyphs[crossed[0][0]], glyphs[crossed[0][1]]
    problem = (f"a glyph read '{first.digit}' in {readings[first.reading][0]!r} and one read "
               f"'{second.digit}' in {readings[second.reading][0]!r} are drawn alike, as one "
               f"character is: one of them was misread")
    rereadings = []
    for pair in sorted({tuple(sorted((glyphs[a].digit, glyphs[b].digit))) for a, b in crossed}):
        for read, drawn_as in (pair, pair[::-1]):
            suspects = {index for a, b in crossed for index in (a, b)
                        if glyphs[index].digit == read
                        and {glyphs[a].digit, glyphs[b].digit} == set(pair)}
            others = [index for index, glyph in enumerate(glyphs)
                      if glyph.digit == read and index not in suspects]
            if any(drawn_alike(suspect, other) for suspect in suspects for other in others) \
                    or any((glyphs[index].reading, glyphs[index].place) in confirmed
                           for index in suspects) \
                    or not any((glyphs[other].reading, glyphs[other].place) in confirmed
                               for a, b in crossed for other in (a, b)
                               if glyphs[other].digit == drawn_as
                               and {a, b} & suspects):
                continue
            places = {}
            for index in suspects:
                places.setdefault(glyphs[index].reading, set()).add(glyphs[index].place)
            rereadings.append(DigitRereading(read, drawn_as, {
                reading: with_digits_replaced(readings[reading][0], held, drawn_as)
                for reading, held in sorted(places.items())}))
    return rereadings, problem


def digits_confirmed_by_fit(texts) -> set:
    """The digits of a set of labels kept by one tick fit whose readings the fit confirms: at
    the places (units, tens, tenths...) where the labels' digits differ. The values' steps
    fix those; a digit every label shares (the '5' of '5150' ... '5170') is not fixed by
    anything: read as another on every label, the values still lie on a line.

    Parameters
    ----------
    texts : list of str
        The kept labels' readings.

    Returns
    -------
    set of (int, int)
        (the text's index, the digit's order among its digits).
    """
    places = []
    for text in texts:
        number = re.sub(r"[^\d.]", "", normalise(text).replace(",", ""))
        whole, _, fraction = number.partition(".")
        places.append({**{len(whole) - 1 - order: digit for order, digit in enumerate(whole)},
                       **{-1 - order: digit for order, digit in enumerate(fraction)}})
    every = set().union(*places) if places else set()
    differing = {place for place in every
                 if len({digits.get(place, "0") for digits in places}) > 1}
    confirmed = set()
    for index, digits in enumerate(places):
        for order, place in enumerate(sorted(digits, reverse=True)):
            if place in differing:
                confirmed.add((index, order))
    return confirmed
