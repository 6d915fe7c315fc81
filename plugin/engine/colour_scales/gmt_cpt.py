"""GMT colour palette tables (``.cpt``): a file path, or a spec prefixed ``cpt:``.

A complete reader of GMT's format: slices in RGB, HSV and CMYK, categorical tables, hard
hinges, ``# RANGE`` directives, B/F/N colours and GMT's (X11) colour names.
"""
import functools
import math
import os
import re

import numpy as np

from ..errors import ColourScaleError
from ..text_format import number_text
from ..validation import read_text_input, text_of_input
from .registry import ColourScaleSource
from .scale import ColourScale, bands_if_stepwise

#: Samples per slice used to represent, in piecewise-linear sRGB, a GMT slice that GMT
#: interpolates in HSV or CMYK. 65 keeps the sRGB error below 1/255 for a full hue turn.
SAMPLES_PER_NON_RGB_SLICE = 65

#: X11 colour names file; GMT's colour names are the X11 ones.
X11_RGB_TXT_CANDIDATES = ("/usr/share/X11/rgb.txt", "/etc/X11/rgb.txt")


class CptFileSource(ColourScaleSource):
    """GMT colour tables: any spec that is a file or ends in ``.cpt``, or ``cpt:<path>``.

    Files have no list of names, so bare names are never looked up here.
    """

    key = "cpt"
    prefixes = ("cpt",)
    bare_lookup = False

    def claims_file(self, spec) -> bool:
        return spec.lower().endswith(".cpt") or os.path.isfile(spec)

    def names(self, resources) -> list:
        return []

    def build(self, name, case_sensitive, resources) -> ColourScale:
        return read_cpt(name)

    def resolve(self, name, resources, spec) -> ColourScale:
        return read_cpt(name)


def read_cpt(path) -> ColourScale:
    """Read a GMT colour palette table (``.cpt``).

    Parameters
    ----------
    path : str or path-like
        The file.

    Returns
    -------
    ColourScale
        ``name`` is ``"cpt:" + absolute path``. Positions are ``(z - z_first) / (z_last -
        z_first)`` over the slice boundaries and ``value_range = (z_first, z_last)``, except:

        * with a ``# RANGE = low/high`` directive (GMT's master tables with normalised z),
          ``value_range = (low, high)`` and z is stretched onto it, each side of a hard hinge
          (``# HARD_HINGE``, at z = 0) separately, so that the hinge lands on data value 0;
        * a categorical table (lines ``key colour``) becomes one band per key, centred on the
          key and reaching half-way to its neighbours.

        The table is discrete when every slice has equal start and end colours (one band per
        slice); otherwise continuous, with a vertex at each slice boundary and two vertices at
        the same position where consecutive slices meet with different colours.
        ``below_colour``, ``above_colour`` and ``nodata_colour`` come from the B, F and N lines.

    Raises
    ------
    ColourScaleError
        If the file cannot be read or is malformed (the message gives the line number).

    Notes
    -----
    Supported colour syntax: ``r/g/b`` and ``r g b`` (0-255), ``h-s-v`` and, with
    ``# COLOR_MODEL = HSV``, ``h s v`` (h in degrees, s and v in 0-1), ``c/m/y/k`` (0-100),
    ``#rrggbb``, a single grey level (0-255) and colour names (X11's, as GMT uses; from the
    system's ``rgb.txt`` when present, otherwise matplotlib's CSS names with the X11 values of
    the few names where they differ). A ``@transparency`` suffix is ignored. Annotation flags
    (``L``, ``U``, ``B``) and ``;label`` texts are accepted and ignored. GMT interpolates in
    the table's colour model, so a slice of an HSV or CMYK table is sampled finely and the
    samples joined linearly in sRGB. Fill patterns (``p...``) and skipped slices (``-``) are
    not supported. ``# SOFT_HINGE`` and ``# CYCLIC`` are ignored (they only matter when the
    table is re-stretched on request, or for values outside the range).
    """
    path = os.fspath(path)
    # A regular file of bounded size only: a .cpt linked to /dev/zero would never end.
    text = text_of_input(read_text_input(path, "COLORMAP", "colour table",
                                         error=ColourScaleError))
    if text is None:
        raise ColourScaleError(f"The colour table '{path}' is not a text file. Give a GMT .cpt "
                               "colour table, or a colormap name.")
    try:
        return _parse_cpt(path, text.splitlines())
    except ColourScaleError as error:
        # What to do, once for every line-level problem.
        raise ColourScaleError(f"{str(error).rstrip('.')}. {CPT_HINT}") from None


#: Said after every problem found inside a .cpt file.
CPT_HINT = ("Correct the colour table (GMT's format: one 'z_low colour z_high colour' slice a "
            "line, colours as r/g/b from 0 to 255, z going up) or choose another COLORMAP.")


def _parse_cpt(path, lines) -> ColourScale:
    """:func:`read_cpt` on the file's lines."""
    name = f"cpt:{os.path.abspath(path)}"

    colour_model = "rgb"
    value_range = None
    hard_hinge = False
    slices, keys, special = [], [], {}
    for line_number, raw_line in enumerate(lines, start=1):
        line = raw_line.strip()
        if not line:
            continue
        if line.startswith("#"):
            directive = re.fullmatch(r"#\s*([A-Z_]+)\s*(?:=\s*(.*?))?\s*", line)
            if directive:
                keyword, value = directive.group(1), (directive.group(2) or "").strip()
                if keyword == "COLOR_MODEL":
                    colour_model = _cpt_colour_model(value, path, line_number)
                elif keyword == "HARD_HINGE":
                    hard_hinge = True
                elif keyword == "RANGE":
                    value_range = _cpt_range(value, path, line_number)
            continue
        tokens = line.split(";", 1)[0].split()
        if not tokens:
            continue
        if tokens[0] in ("B", "F", "N"):
            special[tokens[0]] = _cpt_special_colour(tokens[1:], colour_model, path, line_number)
            continue
        if tokens[-1] in ("L", "U", "B"):
            tokens = tokens[:-1]
        if len(tokens) == 2:
            keys.append((tokens[0], _cpt_colour(tokens[1:], colour_model, path, line_number), line_number))
        elif len(tokens) in (4, 8):
            width = len(tokens) // 2
            z_start = _cpt_number(tokens[0], path, line_number)
            z_end = _cpt_number(tokens[width], path, line_number)
            colour_start = _cpt_colour(tokens[1:width], colour_model, path, line_number)
            colour_end = _cpt_colour(tokens[width + 1 :], colour_model, path, line_number)
            slices.append((z_start, colour_start, z_end, colour_end, line_number))
        else:
            raise ColourScaleError(
                f"{path}, line {line_number}: expected 'z colour z colour' (or 'key colour'), "
                f"got {raw_line.strip()!r}"
            )

    if slices and keys:
        raise ColourScaleError(
            f"{path}, line {keys[0][2]}: a 'key colour' line in a table of 'z colour z colour' slices"
        )
    if keys:
        positions, colours, discrete, z_range = _categorical_bands(keys, path)
        hinge = None
    elif slices:
        positions, colours, discrete, z_range, hinge = _cpt_slices(slices, colour_model, hard_hinge, value_range, path)
    else:
        raise ColourScaleError(f"{path}: the colour table has no colour slices")
    if value_range is None or keys:
        value_range = z_range
    return ColourScale(
        name,
        positions,
        colours,
        discrete=discrete,
        value_range=value_range,
        below_colour=special.get("B"),
        above_colour=special.get("F"),
        nodata_colour=special.get("N"),
        hinge=hinge,
    )


def _cpt_slices(slices, colour_model, hard_hinge, value_range, path):
    """Vertices of a table of slices: (positions, colours, discrete, (z_first, z_last), hinge)."""
    for previous, current in zip(slices, slices[1:]):
        if current[0] < previous[0] or current[2] < current[0]:
            raise ColourScaleError(f"{path}, line {current[4]}: slices must go up in z")
        if not math.isclose(current[0], previous[2], rel_tol=1e-9, abs_tol=1e-12):
            raise ColourScaleError(
                f"{path}, line {current[4]}: this slice starts at z = {number_text(current[0])} but the "
                f"previous one ends at z = {number_text(previous[2])} (gaps and overlaps are not supported)"
            )
    if slices[0][2] < slices[0][0]:
        raise ColourScaleError(f"{path}, line {slices[0][4]}: slices must go up in z")
    z_first, z_last = slices[0][0], slices[-1][2]
    if not z_last > z_first:
        raise ColourScaleError(f"{path}: the colour table spans no z range "
                               f"({number_text(z_first)} to {number_text(z_last)})")

    z_values, colours = [], []
    for z_start, colour_start, z_end, colour_end, _ in slices:
        weights, samples = _slice_samples(colour_start, colour_end, colour_model)
        z_values.extend(z_start + weights * (z_end - z_start))
        colours.extend(samples)
    z_values, colours = np.asarray(z_values), np.asarray(colours)

    hinge = None
    if value_range is not None:
        low, high = value_range
        if hard_hinge and z_first < 0 < z_last and low < 0 < high:
            # GMT's master tables put the hinge at z = 0 and stretch each side onto its own part
            # of the range, so the hinge lands on data value 0.
            data = np.where(z_values < 0, z_values / -z_first * -low, z_values / z_last * high)
            hinge = 0.0
        else:
            data = low + (z_values - z_first) / (z_last - z_first) * (high - low)
        positions = (data - low) / (high - low)
    else:
        if hard_hinge and z_first < 0 < z_last:
            hinge = 0.0
        positions = (z_values - z_first) / (z_last - z_first)
    positions = np.clip(positions, 0.0, 1.0)

    bands = bands_if_stepwise(positions, colours)
    if bands is not None:
        return bands[0], bands[1], True, (z_first, z_last), hinge
    # Where one slice ends with the colour the next one starts with, one vertex is enough.
    keep = _drop_repeated_vertices(positions, colours)
    return positions[keep], colours[keep], False, (z_first, z_last), hinge


def _drop_repeated_vertices(positions, colours):
    """Mask dropping a vertex equal (same position and colour) to the one before it."""
    same_position = np.isclose(positions[1:], positions[:-1], rtol=0, atol=1e-12)
    same_colour = np.all(np.isclose(colours[1:], colours[:-1], rtol=0, atol=1e-9), axis=1)
    return np.concatenate([[True], ~(same_position & same_colour)])


def _slice_samples(colour_start, colour_end, colour_model):
    """sRGB vertices of one slice: its two ends, or a fine sampling of GMT's HSV/CMYK path.

    Returns
    -------
    weights : ndarray, shape (k,)
        Where the vertices are, as fractions of the slice (0 at its start, 1 at its end).
    colours : list of k sRGB triplets
    """
    ends = np.array([0.0, 1.0])
    start_rgb, end_rgb = _to_rgb(colour_start), _to_rgb(colour_end)
    if colour_model == "rgb":
        return ends, [start_rgb, end_rgb]
    start, end = _in_model(colour_start, colour_model), _in_model(colour_end, colour_model)
    if np.allclose(start, end, rtol=0, atol=1e-12):
        return ends, [start_rgb, end_rgb]
    weights = np.linspace(0.0, 1.0, SAMPLES_PER_NON_RGB_SLICE)
    if colour_model == "hsv" and start[0] != end[0]:
        # sRGB is piecewise linear in hue with corners every 60 degrees: a vertex on each
        # corner makes a constant-saturation, constant-value slice exact.
        corners = np.arange(math.ceil(min(start[0], end[0]) / 60.0),
                            math.floor(max(start[0], end[0]) / 60.0) + 1) * 60.0
        weights = np.union1d(weights, np.clip((corners - start[0]) / (end[0] - start[0]), 0.0, 1.0))
    path_in_model = (1.0 - weights[:, None]) * np.asarray(start) + weights[:, None] * np.asarray(end)
    return weights, [_to_rgb((colour_model, tuple(values))) for values in path_in_model]


def _categorical_bands(keys, path):
    """Bands of a categorical table, one per key, reaching half-way to the neighbouring keys."""
    try:
        values = np.array([float(key) for key, _, _ in keys])
    except ValueError:
        # Text keys (e.g. rock types) have no values: number them in file order.
        values = np.arange(len(keys), dtype=np.float64)
    if np.any(np.diff(values) <= 0):
        raise ColourScaleError(f"{path}: the keys of a categorical table must go up")
    if values.size == 1:
        edges = np.array([values[0] - 0.5, values[0] + 0.5])
    else:
        middles = (values[1:] + values[:-1]) / 2.0
        edges = np.concatenate(
            [[values[0] - (middles[0] - values[0])], middles, [values[-1] + (values[-1] - middles[-1])]]
        )
    colours = np.array([_to_rgb(colour) for _, colour, _ in keys])
    positions = (edges - edges[0]) / (edges[-1] - edges[0])
    return positions, colours, True, (float(edges[0]), float(edges[-1]))


def _cpt_colour_model(value, path, line_number):
    model = value.lstrip("+").strip().lower()
    if model not in ("rgb", "hsv", "cmyk"):
        raise ColourScaleError(f"{path}, line {line_number}: unknown COLOR_MODEL {value!r}")
    # "+HSV" means: colours written as r/g/b, interpolated in HSV. Colours are parsed by their
    # own syntax anyway, so only the interpolation model matters.
    return model


def _cpt_range(value, path, line_number):
    parts = value.split("/")
    try:
        low, high = float(parts[0]), float(parts[1])
    except (IndexError, ValueError):
        raise ColourScaleError(f"{path}, line {line_number}: RANGE must be 'low/high', got {value!r}") from None
    if not high > low:
        raise ColourScaleError(f"{path}, line {line_number}: RANGE {value!r} is empty")
    return (low, high)


def _cpt_number(token, path, line_number):
    try:
        value = float(token)
    except ValueError:
        raise ColourScaleError(f"{path}, line {line_number}: {token!r} is not a number") from None
    if not math.isfinite(value):
        raise ColourScaleError(f"{path}, line {line_number}: {token!r} is not a finite number")
    return value


def _cpt_special_colour(tokens, colour_model, path, line_number):
    """Colour of a B, F or N line as sRGB, None for '-' (not painted)."""
    if len(tokens) == 1 and tokens[0] == "-":
        return None
    if len(tokens) not in (1, 3):
        raise ColourScaleError(f"{path}, line {line_number}: expected one colour after B, F or N")
    return np.array(_to_rgb(_cpt_colour(tokens, colour_model, path, line_number)))


_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"


def _cpt_colour(tokens, colour_model, path, line_number):
    """A GMT colour from one or three tokens, as (model, values) with values in GMT's units
    converted to 0-1 (hue stays in degrees)."""
    try:
        if len(tokens) == 3:
            values = tuple(float(token.split("@")[0]) for token in tokens)
            colour = ("hsv", values) if colour_model == "hsv" else ("rgb", tuple(v / 255.0 for v in values))
        else:
            colour = _parse_gmt_colour_token(tokens[0].split("@")[0])
        _check_colour_range(colour, " ".join(tokens))
        return colour
    except ValueError as error:
        raise ColourScaleError(f"{path}, line {line_number}: {error}") from None


def _check_colour_range(colour, text):
    """Refuse colour components outside their model's range (GMT refuses them too)."""
    model, values = colour
    if model == "hsv":
        hue, *others = values
        ranges, units = [(-720.0, 720.0), (0.0, 1.0), (0.0, 1.0)], "h in degrees, s and v 0-1"
        values = (hue, *others)
    elif model == "cmyk":
        ranges, units = [(0.0, 1.0)] * 4, "c/m/y/k from 0 to 100"
    else:
        ranges, units = [(0.0, 1.0)] * 3, "r/g/b from 0 to 255"
    for value, (low, high) in zip(values, ranges):
        if not (math.isfinite(value) and low <= value <= high):
            raise ValueError(f"colour {text!r} has a component outside its range ({units})")


def _parse_gmt_colour_token(token):
    if token == "-" or re.fullmatch(r"[pP]\d+.*", token):
        raise ValueError(f"fill {token!r} is not a colour (patterns and skipped slices are not supported)")
    if re.fullmatch(rf"{_NUMBER}/{_NUMBER}/{_NUMBER}", token):
        return ("rgb", tuple(float(v) / 255.0 for v in token.split("/")))
    if re.fullmatch(rf"{_NUMBER}/{_NUMBER}/{_NUMBER}/{_NUMBER}", token):
        return ("cmyk", tuple(float(v) / 100.0 for v in token.split("/")))
    match = re.fullmatch(rf"({_NUMBER})-({_NUMBER})-({_NUMBER})", token)
    if match:
        return ("hsv", tuple(float(v) for v in match.groups()))
    if re.fullmatch(_NUMBER, token):
        grey = float(token) / 255.0
        return ("rgb", (grey, grey, grey))
    if re.fullmatch(r"#[0-9a-fA-F]{6}", token):
        return ("rgb", tuple(int(token[i : i + 2], 16) / 255.0 for i in (1, 3, 5)))
    rgb = _named_colours().get(token.lower().replace(" ", "").replace("_", ""))
    if rgb is None:
        raise ValueError(f"{token!r} is not a colour GMT understands")
    return ("rgb", rgb)


def _to_rgb(colour):
    model, values = colour
    if model == "rgb":
        rgb = values
    elif model == "hsv":
        import matplotlib.colors

        hue, saturation, value = values
        hue = (hue % 360.0) / 360.0
        rgb = matplotlib.colors.hsv_to_rgb([hue, min(max(saturation, 0), 1), min(max(value, 0), 1)])
    else:
        # GMT's plain conversion, without under-colour removal: rgb = 1 - cmy - k.
        cyan, magenta, yellow, black = values
        rgb = tuple(1.0 - channel - black for channel in (cyan, magenta, yellow))
    return tuple(float(min(max(channel, 0.0), 1.0)) for channel in rgb)


def _in_model(colour, colour_model):
    """A colour's coordinates in the table's interpolation model (hue in degrees)."""
    model, values = colour
    if model == colour_model:
        return tuple(values)
    red, green, blue = _to_rgb(colour)
    if colour_model == "hsv":
        import matplotlib.colors

        hue, saturation, value = matplotlib.colors.rgb_to_hsv([red, green, blue])
        return (hue * 360.0, saturation, value)
    black = 1.0 - max(red, green, blue)
    return (1.0 - red - black, 1.0 - green - black, 1.0 - blue - black, black)


@functools.lru_cache(maxsize=1)
def _named_colours():
    """Colour name (lower case, no spaces) -> sRGB, with X11's values as GMT uses them."""
    import matplotlib.colors

    colours = {name: matplotlib.colors.to_rgb(value) for name, value in matplotlib.colors.CSS4_COLORS.items()}
    # CSS gives these names other colours than X11 (and GMT) do.
    colours.update(
        {
            "gray": (190 / 255, 190 / 255, 190 / 255),
            "grey": (190 / 255, 190 / 255, 190 / 255),
            "green": (0.0, 1.0, 0.0),
            "maroon": (176 / 255, 48 / 255, 96 / 255),
            "purple": (160 / 255, 32 / 255, 240 / 255),
        }
    )
    for level in range(101):
        grey = round(level * 255 / 100) / 255
        colours[f"gray{level}"] = colours[f"grey{level}"] = (grey, grey, grey)
    for candidate in X11_RGB_TXT_CANDIDATES:
        try:
            with open(candidate, encoding="latin-1") as stream:
                for line in stream:
                    parts = line.split()
                    if len(parts) < 4 or line.lstrip().startswith("!"):
                        continue
                    try:
                        red, green, blue = (int(p) / 255.0 for p in parts[:3])
                    except ValueError:
                        continue
                    colours["".join(parts[3:]).lower()] = (red, green, blue)
            break
        except OSError:
            continue
    return colours
