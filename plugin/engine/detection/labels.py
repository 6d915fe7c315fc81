"""Tick label text into numbers: ``45°N``, ``−1,000 m``, ``3 900``, ``1e3``, ``10^2``.

OCR output is noisy: minus signs come back as hyphens, en dashes, tildes or underscores; the
degree sign as ``o`` or ``°``; ``0°`` sometimes as ``0o`` or ``O``. The parser accepts those
look-alikes; what it cannot read is None, and the geometric fit (:mod:`.ticks`) drops what was
read wrong.
"""
import re
from dataclasses import dataclass
from typing import Optional

MINUS_LOOKALIKES = "-−‐‑‒–—―~_﹣－"
_HEMISPHERE_SIGN = {"N": 1, "E": 1, "S": -1, "W": -1}
#: The largest degrees a hemisphere's letter is written with: a latitude '95°N' or a longitude
#: '670°W' is a misread ('170°W' with its '1' read again as a '6'), never a coordinate. East
#: longitudes run on to 360° in some tools ('240°E' over the Pacific). Only with a degree sign:
#: a grid's northings and eastings carry the letters too ('500000E').
_HEMISPHERE_REACH = {"N": 90.0, "S": 90.0, "E": 360.0, "W": 180.0}


@dataclass
class ParsedLabel:
    """A label's value and what it said about itself.

    Attributes
    ----------
    value : float
    hemisphere : str or None
        "N", "S", "E" or "W" when the label carried one (its sign is applied to ``value``).
    degrees : bool
        A degree sign or a hemisphere letter: a geographic coordinate.
    exponent_form : bool
        Written as a power (``1e3``, ``10^3``): a logarithmic axis' label.
    unit : str
        A unit after the number ("m", "km"), lower case, or "".
    """

    value: float
    hemisphere: Optional[str] = None
    degrees: bool = False
    exponent_form: bool = False
    unit: str = ""


_NUMBER = r"(\d+(?:[.,]\d+)*)"


def normalise(text) -> str:
    """OCR text with look-alikes replaced: one minus sign, one degree sign, no spaces."""
    text = text.strip().replace("\n", " ")
    for dash in MINUS_LOOKALIKES:
        text = text.replace(dash, "-")
    text = text.replace("º", "°").replace("˚", "°").replace("′", "'").replace("″", '"')
    text = re.sub(r"\s+", " ", text)
    # A degree sign read as a raised zero ('0^0' for '0°': DejaVu Sans 9-10 pt at 72-80 dpi,
    # JPEG q80): no renderer writes a power of a base other than ten on a tick label.
    text = re.sub(r"^(-?(?!10\^)\d+)\^[0oO]$", r"\1°", text)
    # A label never ends with a point after its unit or hemisphere: a sliver of the next
    # label's first glyph (crowded labels cut apart).
    text = re.sub(r"(?<=[°A-Za-z])[.,']+$", "", text)
    # The word space before a length unit read as a prime or a quote ("3,217'm" for
    # '3,217 m', QGIS's legend at 200 dpi JPEG): a prime follows minutes, which need a degree
    # sign before them, and no unit follows a prime.
    if "°" not in text:
        text = re.sub(r"(?<=\d)['\"`](?=(?:m|km|mm|cm)$)", " ", text)
    return text


def parse_label(text, decimal_comma=False) -> "ParsedLabel | None":
    """The value of a tick label, or None when the text is not a number.

    Parameters
    ----------
    text : str
    decimal_comma : bool
        Read "1,5" as 1.5 (a figure from a locale with decimal commas) instead of a thousands
        separator.

    Returns
    -------
    ParsedLabel or None
    """
    text = normalise(text)
    if not text:
        return None
    compact = text.replace(" ", "")
    # Powers: 1e3, 1E-2, 10^3, 10³, ×10^3.
    match = re.fullmatch(r"(-?)(\d+(?:\.\d+)?)[eE]([-+]?\d+)", compact)
    if match:
        value = float(f"{match.group(2)}e{match.group(3)}")
        return ParsedLabel(-value if match.group(1) else value, exponent_form=True)
    match = re.fullmatch(r"(-?)(\d+(?:\.\d+)?)?[x×]?10\^([-+]?\d+)", compact)
    if match:
        value = float(match.group(2) or 1.0) * 10.0 ** int(match.group(3))
        return ParsedLabel(-value if match.group(1) else value, exponent_form=True)
    # Degrees, minutes and seconds (QGIS's map grid: 124°20′30″W, 124°20′W): OCR reads the primes as
    # degree signs, doubles them or adds a degree sign ('49°10°0°N', "123°30'°0°W",
    # 36°42'0"°N): any one or two of the marks after the minutes and the seconds; the degree
    # sign after the degrees is needed, minutes and seconds below 60. Minutes with decimals
    # (QGIS's degrees-minutes at a precision: 155°15.00′W, its prime read as a degree sign)
    # have no seconds after them.
    match = re.fullmatch(r"(-?)(\d{1,3})°(\d{1,2}(?:\.\d+)?)['°\"]{1,2}(?:(\d{1,2}(?:\.\d+)?)"
                         r"['°\"]{0,2})?([NSEW])?", compact)
    if match and "." in match.group(3) and match.group(4) is not None:
        match = None
    if match and float(match.group(3)) < 60 and float(match.group(4) or 0) < 60:
        value = float(match.group(2)) + float(match.group(3)) / 60 + \
            float(match.group(4) or 0) / 3600
        hemisphere = match.group(5)
        if hemisphere and value > _HEMISPHERE_REACH[hemisphere]:
            return None
        sign = (-1 if match.group(1) else 1) * (_HEMISPHERE_SIGN[hemisphere] if hemisphere else 1)
        return ParsedLabel(sign * value, hemisphere, degrees=True)
    # Degrees with a hemisphere letter or a sign: 45°N, 45N, -45°, 45°30'N.
    match = re.fullmatch(r"(-?)(\d+(?:\.\d+)?)(?:[°o]|deg)?(?:(\d+(?:\.\d+)?)')?([NSEW])?",
                         compact)
    if match and (match.group(4) or "°" in compact or "'" in compact):
        value = float(match.group(2)) + (float(match.group(3)) / 60 if match.group(3) else 0.0)
        hemisphere = match.group(4)
        if hemisphere and "°" in compact and value > _HEMISPHERE_REACH[hemisphere]:
            return None
        sign = -1 if match.group(1) else 1
        if hemisphere:
            sign *= _HEMISPHERE_SIGN[hemisphere]
        return ParsedLabel(sign * value, hemisphere, degrees=True)
    # Plain numbers, thousands separators (1,000  3 900  1.000.000), both with decimals
    # (10,892.81  1.234,5: QGIS's legend labels with separators on), units after.
    match = re.fullmatch(r"([-+]?)\s?(\d{1,3}(?:[ ,.]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?|[.,]\d+)"
                         r"\s?([a-zA-Z]*)", text)
    if not match:
        return None
    sign, digits, unit = match.groups()
    unit = unit.lower()
    if unit and unit not in ("m", "km", "mm", "cm"):
        return None
    value = _number(digits, decimal_comma)
    if value is None:
        return None
    return ParsedLabel(-value if sign == "-" else value, unit=unit)


def dropped_point_readings(text, parsed) -> list:
    """Every reading of a label with a decimal point OCR dropped put back ('1.0' read '10' at
    72 dpi, where the point touches the 1's serif and makes one glyph with it; '48.5°' read
    '485°'): a point before each digit but the first of its number.

    Parameters
    ----------
    text : str
        The label as read.
    parsed : ParsedLabel or None
        ``parse_label(text)``: a label that is no number, or a power (``1e3``: its digits are
        a mantissa and an exponent, no point dropped between them), has no other reading.

    Returns
    -------
    list of (str, ParsedLabel)
        The texts with a point placed, left to right, and what they parse to; empty when the
        label is not a plain number of two digits or more without a point.
    """
    if parsed is None or parsed.exponent_form:
        return []
    match = re.fullmatch(r"(-?)(\d{2,})(.*)", normalise(text).replace(" ", ""))
    if not match:
        return []
    sign, digits, rest = match.groups()
    readings = []
    for cut in range(1, len(digits)):
        restored = f"{sign}{digits[:cut]}.{digits[cut:]}{rest}"
        restored_parsed = parse_label(restored)
        if restored_parsed is not None:
            readings.append((restored, restored_parsed))
    return readings


def _number(digits, decimal_comma):
    grouped = re.fullmatch(r"(\d{1,3}([ ,.])\d{3}(?:\2\d{3})*)([.,])(\d+)", digits)
    if grouped and grouped.group(2) != grouped.group(3):
        # Thousands grouped, then decimals after another mark ('10,892.81', '1.234,5',
        # '3 900.5'): the last mark is the decimal one. One mark throughout ('1,234,567') is
        # grouping alone, read below.
        integer = grouped.group(1).replace(grouped.group(2), "")
        return float(f"{integer}.{grouped.group(4)}")
    if re.fullmatch(r"\d{1,3}(?:[ ,.]\d{3})+", digits):
        separators = set(re.findall(r"[ ,.]", digits))
        if len(separators) == 1:
            separator = separators.pop()
            groups = digits.split(separator)
            if separator == "," and decimal_comma and len(groups) == 2:
                return float(digits.replace(",", "."))
            if separator == "." and len(groups) == 2:
                # "1.000" is one (a decimal) more often than a thousand on a tick label.
                return float(digits)
            return float("".join(groups))
        return None
    if decimal_comma:
        digits = digits.replace(",", ".")
    elif "," in digits:
        # "2,5" with no thousands grouping: a decimal comma.
        digits = digits.replace(",", ".")
    try:
        return float(digits)
    except ValueError:
        return None


#: Length units an axis title names, in metres each (what "(km)" next to a metre CRS means).
LENGTH_UNITS_METRES = {"m": 1.0, "km": 1000.0, "cm": 0.01, "mm": 0.001, "ft": 0.3048,
                       "mi": 1609.344}
_UNIT_WORDS = {"metres": "m", "meters": "m", "metre": "m", "meter": "m", "kilometres": "km",
               "kilometers": "km", "kilometre": "km", "kilometer": "km", "feet": "ft",
               "foot": "ft", "miles": "mi", "mile": "mi", "deg": "deg", "degrees": "deg",
               "degree": "deg", "°": "deg"}


def unit_in_title(text) -> str:
    """The unit an axis title names: "km" for ``Easting (km)``, ``Northing [km]``,
    ``x / km``, ``Distance in kilometres``; "deg" for degrees; "" when none is named.

    Returns
    -------
    str
        A key of :data:`LENGTH_UNITS_METRES`, "deg", or "".
    """
    text = normalise(text)
    patterns = (r"[(\[]\s*([A-Za-z°]+)\s*[)\]]",  # Easting (km), Northing [m]
                r"(?:/|,|\bin)\s*([A-Za-z°]+)\s*$")  # x / km, Easting, km, Distance in km
    for pattern in patterns:
        match = re.search(pattern, text)
        if match:
            word = match.group(1)
            unit = word if word in LENGTH_UNITS_METRES else _UNIT_WORDS.get(word.lower(), "")
            if not unit and word.lower() in LENGTH_UNITS_METRES:
                unit = word.lower()
            if unit:
                return unit
    return ""
