"""Colour scales QGIS ships as plain files: the gradient ramps of its default style
(``symbology-style.xml``, prefix ``qgis:``) and the cpt-city SVG gradients
(``cpt-city-qgis-min``, prefix ``cpt-city:``). Read without QGIS, so scripts can use them too."""
import functools
import os
import re
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import numpy as np

from ..errors import ColourScaleError
from .registry import ColourScaleSource, match_name
from .scale import ColourScale, bands_if_stepwise, read_only


class QgisStyleSource(ColourScaleSource):
    """The gradient colour ramps of QGIS's default style (``qgis:``)."""

    key = "qgis"
    prefixes = ("qgis",)

    def names(self, resources) -> list:
        style = _qgis_style_path(resources)
        return list(_qgis_style_ramps(style)) if style else []

    def build(self, name, case_sensitive, resources) -> "ColourScale | None":
        style = _qgis_style_path(resources)
        if style is None:
            return None
        ramps = _qgis_style_ramps(style)
        found = match_name(name, ramps, case_sensitive)
        if found is None:
            return None
        positions, colours, discrete = ramps[found]
        return ColourScale(f"qgis:{found}", positions, colours, discrete=discrete)


class CptCitySource(ColourScaleSource):
    """The cpt-city gradients shipped with QGIS (``cpt-city:``), named by their path without
    extension (``gmt/GMT_haxby``) or by a file name that occurs once (``GMT_haxby``)."""

    key = "cpt-city"
    prefixes = ("cpt-city",)

    def names(self, resources) -> list:
        folder = _cpt_city_folder(resources)
        if not folder:
            return []
        gradients, unique_stems = _cpt_city_gradients(folder)
        return list(gradients) + [stem for stem in unique_stems if stem not in gradients]

    def build(self, name, case_sensitive, resources) -> "ColourScale | None":
        folder = _cpt_city_folder(resources)
        if folder is None:
            return None
        gradients, unique_stems = _cpt_city_gradients(folder)
        found = match_name(name, gradients, case_sensitive)
        if found is None:
            stem = match_name(name, unique_stems, case_sensitive)
            found = None if stem is None else unique_stems[stem]
        if found is None:
            # Reported only on the last, case-insensitive pass, so that another source's
            # case-insensitive match still gets its chance first.
            shared = [r for r in gradients if r.rsplit("/", 1)[-1].lower() == name.lower()]
            if not case_sensitive and len(shared) > 1:
                raise ColourScaleError(
                    f"cpt-city name {name!r} is ambiguous: use one of {', '.join('cpt-city:' + s for s in shared)}"
                )
            return None
        positions, colours, discrete = _read_svg_gradient(gradients[found])
        return ColourScale(f"cpt-city:{found}", positions, colours, discrete=discrete)


def _qgis_style_path(resources):
    if resources is None:
        return None
    path = os.path.join(resources, "symbology-style.xml")
    return path if os.path.isfile(path) else None


def _cpt_city_folder(resources):
    if resources is None:
        return None
    path = os.path.join(resources, "cpt-city-qgis-min")
    return path if os.path.isdir(path) else None


@functools.lru_cache(maxsize=4)
def _qgis_style_ramps(style_path):
    """Gradient ramps of a QGIS style file: name -> (positions, colours, discrete).

    Only ``type="gradient"`` ramps are read: random and preset ramps have no fixed order of
    colours along a value range.
    """
    try:
        root = ElementTree.parse(style_path).getroot()
    except (OSError, ElementTree.ParseError) as error:
        raise ColourScaleError(f"cannot read the QGIS style {style_path}: {error}") from None
    ramps = {}
    for ramp in root.iter("colorramp"):
        if ramp.get("type") != "gradient" or not ramp.get("name"):
            continue
        # QGIS writes properties as <prop k v/> (older) or <Option type="Map"><Option name value/>
        # (newer), sometimes both; read both.
        properties = {prop.get("k"): prop.get("v") for prop in ramp.findall("prop")}
        for option_map in ramp.findall("Option"):
            for option in option_map.findall("Option"):
                properties.setdefault(option.get("name"), option.get("value"))
        try:
            ramps[ramp.get("name")] = _qgis_gradient(properties)
        except (KeyError, ValueError) as error:
            raise ColourScaleError(
                f"QGIS style {style_path}: colour ramp {ramp.get('name')!r} cannot be read ({error})"
            ) from None
    return ramps


# One stop of a QGIS "stops" property: "offset;r,g,b,a". Newer QGIS appends ",rgb:..." to the
# colour and ";spec;direction" to the stop, and the "rgb:" part contains ':' (the stop
# separator), so stops are found by pattern rather than by splitting.
_QGIS_STOP = re.compile(r"(?:^|:)\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?);(\d+),(\d+),(\d+)")


def _qgis_colour(text):
    red, green, blue = (int(part) for part in text.split(",")[:3])
    return (red / 255.0, green / 255.0, blue / 255.0)


def _qgis_gradient(properties):
    """Vertices of a QgsGradientColorRamp from its properties.

    QGIS ramps are continuous between color1 at 0, the stops and color2 at 1. A discrete ramp
    (``discrete=1``) has bands ``[0, s1), [s1, s2), ..., [sk, 1]`` coloured color1, stop 1, ...,
    stop k: QgsGradientColorRamp::color() returns the colour of the last stop at or below the
    value, and color2 only exactly at 1.
    """
    offsets, colours = [0.0], [_qgis_colour(properties["color1"])]
    for match in _QGIS_STOP.finditer(properties.get("stops") or ""):
        offsets.append(min(max(float(match.group(1)), 0.0), 1.0))
        colours.append(tuple(int(match.group(i)) / 255.0 for i in (2, 3, 4)))
    order = np.argsort(offsets, kind="stable")
    offsets, colours = np.asarray(offsets)[order], np.asarray(colours)[order]
    if properties.get("discrete", "0").strip() == "1":
        return read_only(np.append(offsets, 1.0)), read_only(colours), True
    offsets = np.append(offsets, 1.0)
    colours = np.vstack([colours, _qgis_colour(properties["color2"])])
    return read_only(offsets), read_only(colours), False


@functools.lru_cache(maxsize=4)
def _cpt_city_gradients(folder):
    """The cpt-city SVG gradients under `folder`.

    Returns
    -------
    gradients : dict
        Relative path without ``.svg`` (with ``/``) -> absolute file path.
    unique_stems : dict
        File name without ``.svg`` -> relative path, for the names that occur only once.
    """
    gradients = {}
    for path in sorted(Path(folder).rglob("*.svg")):
        gradients[path.relative_to(folder).with_suffix("").as_posix()] = str(path)
    stems = {}
    for relative in gradients:
        stems.setdefault(relative.rsplit("/", 1)[-1], []).append(relative)
    unique_stems = {stem: paths[0] for stem, paths in stems.items() if len(paths) == 1}
    return gradients, unique_stems


_SVG_NAMESPACE = "{http://www.w3.org/2000/svg}"


@functools.lru_cache(maxsize=64)
def _read_svg_gradient(path):
    """Vertices of the first ``<linearGradient>`` of an SVG file: (positions, colours, discrete).

    SVG rules applied: an offset may be a fraction or a percentage and is clamped to [0, 1]
    and to at least the previous offset; a stop without ``stop-color`` is black; the first and
    last colours extend to the ends. A gradient made only of flat steps becomes discrete bands.
    """
    try:
        root = ElementTree.parse(path).getroot()
    except (OSError, ElementTree.ParseError) as error:
        raise ColourScaleError(f"cannot read the cpt-city gradient {path}: {error}") from None
    gradient = next(root.iter(f"{_SVG_NAMESPACE}linearGradient"), None)
    if gradient is None:
        gradient = next(root.iter("linearGradient"), None)
    if gradient is None:
        raise ColourScaleError(f"cpt-city gradient {path} has no <linearGradient>")
    offsets, colours = [], []
    for stop in gradient:
        if stop.tag not in (f"{_SVG_NAMESPACE}stop", "stop"):
            continue
        style = dict(
            item.split(":", 1) for item in (stop.get("style") or "").split(";") if ":" in item
        )
        style = {key.strip(): value.strip() for key, value in style.items()}
        colour_text = stop.get("stop-color") or style.get("stop-color") or "black"
        try:
            offset = _parse_svg_offset(stop.get("offset", "0"))
            colour = _parse_css_colour(colour_text)
        except ValueError as error:
            raise ColourScaleError(f"cpt-city gradient {path}: {error}") from None
        offsets.append(max(offset, offsets[-1]) if offsets else offset)
        colours.append(colour)
    if not offsets:
        raise ColourScaleError(f"cpt-city gradient {path} has no <stop>")
    if offsets[0] > 0:
        offsets.insert(0, 0.0)
        colours.insert(0, colours[0])
    if offsets[-1] < 1:
        offsets.append(1.0)
        colours.append(colours[-1])
    if len(offsets) == 1:
        offsets.append(1.0)
        colours.append(colours[0])
    positions, colours = np.asarray(offsets, dtype=np.float64), np.asarray(colours, dtype=np.float64)
    bands = bands_if_stepwise(positions, colours)
    if bands is not None:
        return read_only(bands[0]), read_only(bands[1]), True
    return read_only(positions), read_only(colours), False


def _parse_svg_offset(text):
    text = text.strip()
    value = float(text[:-1]) / 100.0 if text.endswith("%") else float(text)
    return min(max(value, 0.0), 1.0)


def _parse_css_colour(text):
    """An SVG/CSS colour (``#rgb``, ``#rrggbb``, ``rgb(r, g, b)`` with numbers or percentages,
    or a CSS name) as sRGB floats in [0, 1]."""
    import matplotlib.colors

    text = text.strip().lower()
    match = re.fullmatch(r"rgba?\(([^)]*)\)", text)
    if match:
        parts = [part.strip() for part in match.group(1).split(",")][:3]
        if len(parts) != 3:
            raise ValueError(f"bad colour {text!r}")
        return tuple(float(p[:-1]) / 100.0 if p.endswith("%") else float(p) / 255.0 for p in parts)
    if re.fullmatch(r"#[0-9a-f]{3}", text):
        text = "#" + "".join(digit * 2 for digit in text[1:])
    try:
        return matplotlib.colors.to_rgb(text)
    except ValueError:
        raise ValueError(f"bad colour {text!r}") from None
