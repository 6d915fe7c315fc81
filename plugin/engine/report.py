"""A georeferencing report: the figure with its GCPs and residuals, a table, and the same as JSON.

:func:`write_georeferencing_report` writes one self-contained HTML file (the picture is embedded
as a base64 PNG, so the file can be mailed or attached to a paper's supplement) and, beside it,
a JSON file with the same numbers for scripts. Both are written under a temporary name and moved
into place when complete (:func:`~.writing.atomic_destination`).

No QGIS import. The picture is drawn with Pillow on the figure's own (downsampled) pixels, so
it works inside QGIS and in any thread, in a few bytes a picture pixel.
"""
import base64
import html
import json
import math
import os

import numpy as np

from .cancellation import check as check_cancelled
from .gcp_transform import transform_class
from .text_format import fixed, map_decimals
from .warping import crs_label
from .writing import write_text

#: Longest side of the embedded picture of the figure, in pixels: the figure at full size up to
#: this (the page shows it fitted to the window; a click shows it at full size).
PICTURE_MAX_SIDE = 3000
#: Length the largest residual arrow is drawn with, as a fraction of the figure's longer side.
ARROW_LENGTH_FRACTION = 0.08

_STYLE = """
body { font-family: sans-serif; margin: 1.5em; color: #222; }
table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.9em; }
th, td { border: 1px solid #bbb; padding: 0.2em 0.5em; text-align: right; }
th { background: #eee; }
td.label, th.label { text-align: left; }
tr.suspicious td { background: #fdd; }
tr.disabled td { color: #888; }
.warning { background: #fff4d6; border-left: 4px solid #e0a000; padding: 0.4em 0.8em; margin: 0.4em 0; }
img { max-width: 100%; border: 1px solid #ccc; }
img.zoomable { cursor: zoom-in; }
img.zoomable.full { max-width: none; cursor: zoom-out; }
.broken { color: #b00; font-weight: bold; }
"""

# A click shows a picture at full size (and back); a picture that cannot be shown says so.
# The body's data-images-shown attribute counts the pictures shown (read by the tests).
_SCRIPT = """
window.addEventListener("load", function () {
  var shown = 0;
  document.querySelectorAll("img").forEach(function (img) {
    if (img.complete && img.naturalWidth > 0) { shown += 1; } else {
      var note = document.createElement("p");
      note.className = "broken";
      note.textContent = "This picture could not be shown: " + img.alt;
      img.parentNode.insertBefore(note, img.nextSibling);
    }
    if (img.classList.contains("zoomable")) {
      img.title = "Click to see it at full size";
      img.addEventListener("click", function () { img.classList.toggle("full"); });
    }
  });
  document.body.setAttribute("data-images-shown", String(shown));
  document.body.setAttribute("data-images", String(document.images.length));
});
"""


def write_georeferencing_report(html_path, figure_rgb, gcps, kind, residuals, warnings, extra=None,
                                crs=None, sections=()) -> tuple:
    """Write an HTML georeferencing report and its JSON twin.

    Parameters
    ----------
    html_path : str or path-like
        The HTML file to write. The JSON goes beside it with the extension ``.json`` instead
        (``report.html`` -> ``report.json``; a name without ``.html`` gets ``.json`` appended).
    figure_rgb : ndarray of uint8, shape (rows, cols, 3) or (rows, cols, 4)
        The figure's pixels (``Figure.rgb``).
    gcps : GroundControlPoints
        All GCPs, disabled ones included.
    kind : TransformKind or int
        The transform fitted.
    residuals : GcpResiduals
        :func:`~.gcp_transform.compute_residuals` of `gcps` for `kind`.
    warnings : list of str
        Messages to show (e.g. from :func:`~.gcp_diagnostics.diagnose_georeferencing`).
    extra : dict, optional
        Further facts to show in a second table and to store under ``"extra"`` in the JSON
        (e.g. output grid size, decoded pixel share, reconstruction check numbers). Values are
        numbers, text, or lists/dicts of them.
    crs : str, optional
        CRS of the GCPs' map coordinates, shown in the title and used to name the map unit.
        Defaults to ``gcps.crs``.
    sections : sequence of (str, str)
        Further sections (title, HTML body) shown before the georeferencing ones, e.g. the
        decoding pictures of :func:`~.decode_report.decoding_sections`.

    Returns
    -------
    tuple of str
        The HTML and JSON paths written.

    Raises
    ------
    EngineError
        A file cannot be written (parameter ``OUTPUT_REPORT``).
    """
    kind = transform_class(kind).kind
    html_path = os.fspath(html_path)
    json_path = report_json_path(html_path)
    crs = crs if crs is not None else gcps.crs
    label, unit = _crs_label_and_unit(crs)
    warnings = [str(message) for message in (warnings or [])]
    extra = dict(extra or {})

    picture, scale_text = _picture(figure_rgb, gcps, residuals)
    document = _html_document(picture, scale_text, gcps, kind, residuals, warnings, extra,
                              label, unit, os.path.basename(json_path), sections)
    data = residuals.as_dict(gcps)
    data.update({
        "transform_name": transform_class(kind).name,
        "crs": label,
        "map_unit": unit,
        "figure_size": [int(figure_rgb.shape[1]), int(figure_rgb.shape[0])],
        "warnings": warnings,
        "extra": _json_ready(extra),
    })
    _write_text(html_path, document)
    _write_text(json_path, json.dumps(data, indent=2, allow_nan=False) + "\n")
    return html_path, json_path


def report_json_path(html_path) -> str:
    """The JSON file written beside an HTML report."""
    html_path = os.fspath(html_path)
    stem, extension = os.path.splitext(html_path)
    return (stem if extension.lower() in (".html", ".htm") else html_path) + ".json"


# --------------------------------------------------------------------------------------------
# Picture


#: Most GCPs numbered in the picture and listed in the HTML table (the JSON has them all).
MAX_LISTED_GCPS = 200


#: Colours of the GCP picture's marks (sRGB).
USED_GCP_COLOUR = (0, 80, 208)
DISABLED_GCP_COLOUR = (119, 119, 119)
SUSPICIOUS_GCP_COLOUR = (224, 0, 0)
RESIDUAL_COLOUR = (208, 28, 139)
#: Height of the legend strip under the GCP picture, in pixels.
LEGEND_HEIGHT = 45


def _picture(figure_rgb, gcps, residuals):
    """PNG bytes of the downsampled figure with GCPs and residual arrows, and the arrow scale.

    Drawn with Pillow on the picture's own pixels: the figure's every step-th pixel (at most
    :data:`PICTURE_MAX_SIDE` a side, never more than the figure) and the marks over it, about
    drawn and encoded a band of rows at a time (:func:`figure_png`): a band's few bytes a pixel,
    not the whole picture's 4 (matplotlib's canvas and image resampling held some 21).
    """
    rows, cols = np.asarray(figure_rgb).shape[:2]
    # The picture and a white strip for the legend under it.
    step = picture_step(figure_rgb)
    width, height = -(-cols // step), -(-rows // step)
    draw = RecordedDrawing()
    font = _font(11)
    # Figure pixels (GDAL convention) to picture pixels.
    sx, sy = width / cols, height / rows

    enabled = np.asarray(residuals.enabled if residuals.enabled is not None else gcps.enabled,
                         dtype=bool)
    suspicious = np.asarray(residuals.suspicious, dtype=bool)
    x, y = gcps.pixel[:, 0], gcps.pixel[:, 1]
    dx, dy = np.asarray(residuals.dx_pixels, float), np.asarray(residuals.dy_pixels, float)
    lengths = np.hypot(dx, dy)
    finite = np.isfinite(lengths)
    largest = float(lengths[finite].max()) if finite.any() else 0.0
    scale_text = "All residuals are zero (the transform passes through every GCP): no arrows."
    if largest > 1e-9 * max(rows, cols):
        # A round scale factor so that the largest arrow is about ARROW_LENGTH_FRACTION long.
        wanted = ARROW_LENGTH_FRACTION * max(rows, cols) / largest
        scale = _round_down(wanted)
        shaft = max(1, int(round(0.003 * width)))
        for index in np.flatnonzero(finite & (lengths > 0)):
            _arrow(draw, (x[index] * sx, y[index] * sy),
                   ((x[index] + dx[index] * scale) * sx, (y[index] + dy[index] * scale) * sy),
                   shaft, RESIDUAL_COLOUR)
        scale_text = (f"Residual arrows (from each GCP towards where the transform puts its map "
                      f"position, in pixels) are drawn {scale:g} times their length: an arrow "
                      f"100 px long on the full-size figure is a residual of {100 / scale:.3g} px. "
                      f"Largest residual {largest:.3g} px.")
    for index in np.flatnonzero(enabled & ~suspicious):
        _mark(draw, "circle", x[index] * sx, y[index] * sy, USED_GCP_COLOUR)
    for index in np.flatnonzero(~enabled):
        _mark(draw, "cross", x[index] * sx, y[index] * sy, DISABLED_GCP_COLOUR)
    for index in np.flatnonzero(suspicious):
        _mark(draw, "square", x[index] * sx, y[index] * sy, SUSPICIOUS_GCP_COLOUR)
    for index in _numbered_gcps(suspicious, lengths):
        px, py = x[index] * sx, y[index] * sy
        # Above right of the mark, outlined in white so that it reads on any colour.
        draw.text((px + 6, py - 6), str(index + 1), fill=(0, 0, 0), font=font, anchor="ls",
                  stroke_width=1, stroke_fill=(255, 255, 255))
    if len(gcps) > MAX_LISTED_GCPS:
        scale_text += (f" Of the {len(gcps):,} GCPs, only the suspicious ones and those with the "
                       f"largest residuals (at most {MAX_LISTED_GCPS:,}) are numbered.")
    _legend(draw, font, width, height)
    return figure_png(figure_rgb, step, draw, extra_rows=LEGEND_HEIGHT), scale_text


def _font(size):
    """DejaVu Sans (matplotlib's default) at ``size`` px where the system has it, else
    Pillow's own small font."""
    from PIL import ImageFont

    for name in ("DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"):
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default()


def _mark(draw, kind, x, y, colour):
    """A GCP's mark centred on (x, y) picture pixels: circle (used), cross (disabled) or
    square (suspicious), as matplotlib's markers of 6 and 9.5 points at 100 dpi."""
    if kind == "circle":
        draw.ellipse((x - 4, y - 4, x + 4, y + 4), outline=colour, width=2)
    elif kind == "cross":
        draw.line((x - 4, y - 4, x + 4, y + 4), fill=colour, width=2)
        draw.line((x - 4, y + 4, x + 4, y - 4), fill=colour, width=2)
    else:
        draw.rectangle((x - 7, y - 7, x + 7, y + 7), outline=colour, width=3)


def _arrow(draw, start, end, shaft, colour):
    """An arrow from ``start`` to ``end`` (picture pixels), its head 4 shafts wide."""
    (x0, y0), (x1, y1) = start, end
    length = math.hypot(x1 - x0, y1 - y0)
    if length < 1e-9:
        return
    ux, uy = (x1 - x0) / length, (y1 - y0) / length
    head = min(length, 4.5 * shaft + 3)
    bx, by = x1 - ux * head, y1 - uy * head
    draw.line((x0, y0, bx, by), fill=colour, width=shaft)
    half = 2 * shaft + 1.5
    draw.polygon([(x1, y1), (bx - uy * half, by + ux * half), (bx + uy * half, by - ux * half)],
                 fill=colour)


def _legend(draw, font, width, height):
    """The marks' meanings in one row, centred in the strip under the picture."""
    items = [("circle", USED_GCP_COLOUR, "GCP used"), ("cross", DISABLED_GCP_COLOUR, "GCP disabled"),
             ("square", SUSPICIOUS_GCP_COLOUR, "suspicious GCP"),
             ("arrow", RESIDUAL_COLOUR, "residual (scaled)")]
    widths = [26 + draw.textlength(text, font=font) + 18 for _, _, text in items]
    x = max(4.0, (width - sum(widths)) / 2)
    y = height + LEGEND_HEIGHT / 2
    for (kind, colour, text), item_width in zip(items, widths):
        if kind == "arrow":
            draw.line((x, y, x + 18, y), fill=colour, width=2)
        else:
            _mark(draw, kind, x + 9, y, colour)
        draw.text((x + 26, y), text, fill=(0, 0, 0), font=font, anchor="lm")
        x += item_width


def _numbered_gcps(suspicious, errors):
    """Indices of the GCPs to number in the picture and list in the table.

    All of them up to :data:`MAX_LISTED_GCPS`; beyond, the suspicious ones and those with the
    largest errors, in file order: ten thousand labels would take minutes and gigabytes to
    draw and bury the ones that matter (the JSON keeps every GCP).
    """
    count = len(errors)
    if count <= MAX_LISTED_GCPS:
        return range(count)
    ranked = np.where(np.isfinite(errors), errors, np.inf)
    ranked = np.where(suspicious, np.inf, ranked)
    return np.sort(np.argsort(-ranked, kind="stable")[:MAX_LISTED_GCPS])


def _round_down(value):
    """The largest of 1, 2, 5 times a power of ten not above `value`."""
    exponent = math.floor(math.log10(value))
    for mantissa in (5, 2, 1):
        candidate = mantissa * 10.0 ** exponent
        if candidate <= value:
            return candidate
    return 10.0 ** exponent


# --------------------------------------------------------------------------------------------
# HTML


def _html_document(picture, scale_text, gcps, kind, residuals, warnings, extra, crs_text, unit,
                   json_name, sections=()):
    e = html.escape
    enabled = np.asarray(residuals.enabled if residuals.enabled is not None else gcps.enabled,
                         dtype=bool)
    unit_text = unit or "map units"
    # Pixels to 0.001 px; map units to what 0.001 px is on the map (0.01 at least).
    map_digits = map_decimals(gcps.pixel, gcps.map, enabled)

    def px(value):
        return e(fixed(value, 3))

    def mu(value):
        return e(fixed(value, map_digits))

    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Decoding report: {e(os.path.basename(str(gcps.source)))}</title>",
        f"<style>{_STYLE}</style><script>{_SCRIPT}</script></head><body>",
        "<h1>Decoding and georeferencing report</h1>",
        f"<p>{e(transform_class(kind).name)} fitted to {int(enabled.sum())} of {len(gcps)} GCPs from "
        f"<code>{e(str(gcps.source))}</code>; map coordinates in {e(crs_text or 'an unnamed CRS')}. "
        f"The same numbers are in <code>{e(json_name)}</code>.</p>",
        "<h2>Summary</h2>",
        '<table class="summary"><tr><th class="label"></th><th>pixels</th>'
        f"<th>{e(unit_text)}</th></tr>",
        f'<tr><td class="label">RMSE of the residuals</td><td>{px(residuals.rmse_pixels)}</td>'
        f"<td>{mu(residuals.rmse_map)}</td></tr>",
        f'<tr><td class="label">RMSE of the leave-one-out errors</td>'
        f"<td>{px(residuals.loo_rmse_pixels)}</td><td>{mu(residuals.loo_rmse_map)}</td></tr>",
        "</table>",
    ]
    if extra:
        parts += ["<h2>Decoding</h2>", '<table class="extra">']
        for key, value in extra.items():
            parts.append(f'<tr><td class="label">{e(str(key))}</td>'
                         f'<td class="label">{e(_text(value))}</td></tr>')
        parts.append("</table>")
    for title, body in sections:
        parts += [f"<h2>{e(title)}</h2>", body]
    parts.append("<h2>Warnings</h2>")
    if warnings:
        parts.extend(f'<div class="warning">{e(message)}</div>' for message in warnings)
    else:
        parts.append("<p>None.</p>")
    encoded = base64.b64encode(picture).decode("ascii")
    parts += [
        "<h2>Figure and GCPs</h2>",
        f'<img class="zoomable" alt="The figure with its GCPs and residual arrows" '
        f'src="data:image/png;base64,{encoded}">',
        "<p><small>Click the picture to see it at full size (click again to fit it).</small></p>",
        f"<p>{e(scale_text)} Blue circles: GCPs used in the fit; grey crosses: disabled GCPs; "
        "red squares: suspicious GCPs (leave-one-out error far above the others').</p>",
        "<h2>GCPs</h2>",
        "<p>Pixel x = column, y = row (y down, (0, 0) the top-left corner of the figure). "
        "Residual: distance between a GCP and where the fitted transform puts it, in pixels "
        "(map position transformed to the figure) and in map units (pixel position transformed "
        "to the map). Leave-one-out: the same for the transform fitted to all the <em>other</em> "
        "enabled GCPs, i.e. how well the rest predicts this one.</p>",
        '<table class="gcps"><tr><th>#</th><th class="label">GCP</th><th>pixel x</th>'
        f"<th>pixel y</th><th>map x</th><th>map y</th><th>residual px</th>"
        f"<th>residual {e(unit_text)}</th><th>leave-one-out px</th>"
        f"<th>leave-one-out {e(unit_text)}</th><th>used</th><th>suspicious</th></tr>",
    ]
    listed = _numbered_gcps(np.asarray(residuals.suspicious, bool),
                            np.asarray(residuals.loo_error_pixels, float))
    if len(gcps) > MAX_LISTED_GCPS:
        parts.insert(-1, f"<p>{len(gcps):,} GCPs: the table lists the suspicious ones and those "
                         f"with the largest leave-one-out errors, {len(listed):,} in all; the "
                         "JSON beside this report lists every GCP.</p>")
    for index in listed:
        label = gcps.labels[index]
        classes = []
        if residuals.suspicious[index]:
            classes.append("suspicious")
        if not enabled[index]:
            classes.append("disabled")
        row_class = f' class="{" ".join(classes)}"' if classes else ""
        parts.append(
            f"<tr{row_class}><td>{index + 1}</td><td class=\"label\">{e(label)}</td>"
            f"<td>{e(fixed(gcps.pixel[index, 0], 2))}</td><td>{e(fixed(gcps.pixel[index, 1], 2))}</td>"
            f"<td>{mu(gcps.map[index, 0])}</td><td>{mu(gcps.map[index, 1])}</td>"
            f"<td>{px(residuals.residual_pixels[index])}</td>"
            f"<td>{mu(residuals.residual_map[index])}</td>"
            f"<td>{px(residuals.loo_error_pixels[index])}</td>"
            f"<td>{mu(residuals.loo_error_map[index])}</td>"
            f"<td>{'yes' if enabled[index] else 'no'}</td>"
            f"<td>{'yes' if residuals.suspicious[index] else 'no'}</td></tr>"
        )
    parts.append("</table>")
    parts.append("<p><small>Written by Colormap Decoder.</small></p></body></html>")
    return _lines(parts)


def _lines(parts):
    """The document of ``parts``, one a line, as pieces written one after the other
    (:func:`writing.write_text`): its pictures' base64 text is not joined into one more string
    of the whole document, nor encoded as a whole (two copies of it: 1 MiB of a 1 MP report's
    peak). The same file, byte for byte, as ``"\\n".join(parts) + "\\n"``."""
    for part in parts:
        yield part
        yield "\n"


def write_report_without_gcps(html_path, figure_rgb, georeferencing, crs, extra, sections,
                              warnings=()) -> tuple:
    """The report of a decode whose figure carried its own georeferencing (no GCPs fitted).

    Parameters are those of :func:`write_georeferencing_report`; `georeferencing` says how
    the figure was placed (e.g. "the figure's own geotransform").

    Returns
    -------
    tuple of str
        The HTML and JSON paths written.
    """
    e = html.escape
    html_path = os.fspath(html_path)
    json_path = report_json_path(html_path)
    label, unit = _crs_label_and_unit(crs)
    extra = dict(extra or {})
    picture = _plain_picture(figure_rgb)
    encoded = base64.b64encode(picture).decode("ascii")
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        "<title>Decoding report</title>",
        f"<style>{_STYLE}</style><script>{_SCRIPT}</script></head><body>",
        "<h1>Decoding report</h1>",
        f"<p>Placed on the map by {e(georeferencing)}; map coordinates in "
        f"{e(label or 'an unnamed CRS')}. The same numbers are in "
        f"<code>{e(os.path.basename(json_path))}</code>.</p>",
        "<h2>Decoding</h2>", '<table class="extra">']
    for key, value in extra.items():
        parts.append(f'<tr><td class="label">{e(str(key))}</td>'
                     f'<td class="label">{e(_text(value))}</td></tr>')
    parts.append("</table>")
    if warnings:
        parts.append("<h2>Warnings</h2>")
        parts.extend(f'<div class="warning">{e(str(message))}</div>' for message in warnings)
    for title, body in sections:
        parts += [f"<h2>{e(title)}</h2>", body]
    parts += ["<h2>Figure</h2>",
              f'<img class="zoomable" alt="The figure" src="data:image/png;base64,{encoded}">',
              "<p><small>Click the picture to see it at full size.</small></p>",
              "<p><small>Written by Colormap Decoder.</small></p></body></html>"]
    data = {"crs": label, "map_unit": unit, "georeferencing": georeferencing,
            "figure_size": [int(figure_rgb.shape[1]), int(figure_rgb.shape[0])],
            "warnings": [str(w) for w in warnings], "extra": _json_ready(extra)}
    _write_text(html_path, _lines(parts))
    _write_text(json_path, json.dumps(data, indent=2, allow_nan=False) + "\n")
    return html_path, json_path


def _plain_picture(figure_rgb):
    """PNG bytes of the figure (downsampled to PICTURE_MAX_SIDE at most)."""
    return figure_png(figure_rgb, picture_step(figure_rgb), RecordedDrawing())


def picture_step(figure_rgb, max_side=None) -> int:
    """Every how many pixels of the figure its picture takes one, so that the picture is
    ``max_side`` (:data:`PICTURE_MAX_SIDE` by default) long at most."""
    max_side = PICTURE_MAX_SIDE if max_side is None else max_side
    return max(1, -(-max(np.shape(figure_rgb)[:2]) // max_side))


class RecordedDrawing:
    """Pillow's ``ImageDraw`` calls on a picture, recorded with the rows each can touch, to be
    replayed on bands of the picture's rows (:func:`banded_png`).

    Takes ``ellipse``, ``line``, ``rectangle``, ``polygon`` and ``text`` with the arguments
    ``ImageDraw.Draw``'s take (coordinates in picture pixels), ``paste`` with ``Image.paste``'s
    (an image at a whole-pixel position), and answers ``textlength``.

    Ellipses and rectangles take their coordinates in whole pixels, truncated as Pillow
    truncates them (the same pixels): moved by whole rows they stay exact wherever they land,
    so that a band draws them, and pasted images, however high above it they begin (a frame
    round the whole figure); every other call is drawn on a band's image that holds it from
    its top.
    """

    #: Rows a drawing call may reach beyond its coordinates, besides its line width and, for
    #: text, twice its font's size and its outline (ascenders, descenders, anchors).
    MARGIN_ROWS = 2

    def __init__(self, size=None):
        # (first row, last row, may straddle bands, method name, arguments, keywords)
        self.calls = []
        #: The picture's (width, height) in pixels, where the drawing knows it.
        self.size = size
        #: What paints the picture's rows before the calls are drawn (``banded_png``'s
        #: ``paint``), or None: white.
        self.paint = None

    def textlength(self, text, font=None) -> float:
        """The text's advance in pixels, as ``ImageDraw.Draw.textlength`` measures it."""
        from PIL import Image, ImageDraw

        return ImageDraw.Draw(Image.new("RGB", (1, 1))).textlength(text, font=font)

    def _record(self, name, xy, arguments, keywords, straddles=False):
        ys = [float(y) for y in _ys(xy)]
        reach = self.MARGIN_ROWS + int(keywords.get("width", 1))
        if name == "text":
            reach += 2 * int(getattr(keywords.get("font"), "size", 16)) + \
                int(keywords.get("stroke_width", 0))
        self.calls.append((math.floor(min(ys)) - reach, math.ceil(max(ys)) + reach, straddles,
                           name, (xy,) + tuple(arguments), keywords))

    def ellipse(self, xy, *arguments, **keywords) -> None:
        self._record("ellipse", _whole_pixels(xy), arguments, keywords, straddles=True)

    def line(self, xy, *arguments, **keywords) -> None:
        self._record("line", xy, arguments, keywords)

    def rectangle(self, xy, *arguments, **keywords) -> None:
        self._record("rectangle", _whole_pixels(xy), arguments, keywords, straddles=True)

    def polygon(self, xy, *arguments, **keywords) -> None:
        self._record("polygon", xy, arguments, keywords)

    def text(self, xy, *arguments, **keywords) -> None:
        self._record("text", xy, arguments, keywords)

    def ellipses(self, boxes, fills, **keywords) -> None:
        """Ellipses drawn one after the other, as ``ellipse`` draws each: ``boxes`` (n, 4) of
        (x0, y0, x1, y1), ``fills`` (n, 3) their 8-bit fill colours, ``keywords`` (outline,
        width) shared. Held as two arrays (the thousands of points of a field picture), each
        band drawing those that reach it."""
        boxes = np.trunc(np.asarray(boxes, float).reshape(-1, 4)).astype(np.int64)
        if not len(boxes):
            return
        reach = self.MARGIN_ROWS + int(keywords.get("width", 1))
        fills = np.asarray(fills, np.uint8).reshape(-1, 3)
        self.calls.append((int(boxes[:, 1].min()) - reach, int(boxes[:, 3].max()) + reach, True,
                           "ellipses", (boxes, fills, reach), keywords))

    def paste(self, image, position) -> None:
        """Paste Pillow image ``image`` with its top-left corner at ``position`` (whole
        pixels)."""
        left, top = (int(value) for value in position)
        self.calls.append((top, top + image.size[1] - 1, True, "paste", ((left, top), image),
                           {}))


def _whole_pixels(xy):
    """``xy``'s coordinates truncated towards zero (as Pillow's ellipse and rectangle take
    them), in the flat form (x0, y0, x1, y1)."""
    flat = list(xy)
    if flat and np.ndim(flat[0]) == 1:
        flat = [value for point in flat for value in point]
    return tuple(int(value) for value in flat)


def _ys(xy):
    """The y coordinates of an ``ImageDraw`` coordinate argument: (x, y, ...) or ((x, y), ...)."""
    flat = list(xy)
    if flat and np.ndim(flat[0]) == 1:
        return [point[1] for point in flat]
    return flat[1::2]


def _shifted(xy, rows):
    """``xy`` (as :func:`_ys` reads it) ``rows`` rows up, in the form it came in."""
    flat = list(xy)
    if flat and np.ndim(flat[0]) == 1:
        return [(point[0], point[1] - rows) for point in flat]
    return tuple(value - rows if index % 2 else value for index, value in enumerate(flat))


#: Pixels of a picture drawn and encoded at a time by :func:`banded_png`.
PICTURE_BAND_PIXELS = 1 << 16
#: Pillow's PNG: DEFLATE level 6, window 2**15, memory level 9, the filtered strategy, and
#: IDAT chunks of 65,536 bytes (ImageFile.MAXBLOCK): a picture encoded in bands is the file
#: Pillow writes of the whole picture, byte for byte.
_PNG_DEFLATE = (6, 15, 9, 1)
_PNG_CHUNK_BYTES = 65536


def _filtered_rows(image):
    """The PNG scanlines of a Pillow RGB image (each row's filter byte and filtered bytes), as
    Pillow's PNG encoder filters them."""
    import zlib

    # Pillow's PNG encoder at level 0 (stored): its filtering, no compression to undo.
    return zlib.decompress(image.tobytes("zip", "RGB", False, 0))


def _png_chunk(kind, data):
    import zlib

    return (len(data).to_bytes(4, "big") + kind + data
            + zlib.crc32(kind + data).to_bytes(4, "big"))


def banded_png(width, rows, drawing, paint=None) -> bytes:
    """PNG bytes of a ``width`` × ``rows`` picture, white, painted by ``paint`` and with
    ``drawing``'s calls drawn over it, made a band of rows at a time.

    Each band (:data:`PICTURE_BAND_PIXELS`) is made on an image of its own that begins two
    rows above it, or higher where a call that reaches the band begins higher (but for
    whole-pixel ones, which land exactly anywhere), at an even row: painted, the calls that
    reach the band drawn on it in their order, moved up by the image's first row (an even
    number of rows, never past the call's own top: the same pixels as drawn on the whole
    picture); the two rows above the band are put back as drawn, Pillow filters the rows (the
    filters look at the row above) and the band's scanlines are compressed on into one stream
    as Pillow's encoder compresses them: the file is the one Pillow writes of the whole
    picture drawn at once. Memory: a band's image and scanlines, and the compressed file, not
    the whole picture's 4 bytes a pixel.

    Parameters
    ----------
    width, rows : int
        The picture's size, pixels.
    drawing : RecordedDrawing
    paint : callable(image, first, end), optional
        Paints rows ``first`` to ``end`` (excluded) of the picture on Pillow RGB ``image``,
        white and ``end - first`` rows high, before the calls are drawn.

    Returns
    -------
    bytes
    """
    import zlib

    from PIL import Image, ImageDraw

    scanline = 1 + 3 * width
    level, window, memory, strategy = _PNG_DEFLATE
    compressor = zlib.compressobj(level, zlib.DEFLATED, window, memory, strategy)
    calls = drawing.calls
    firsts = np.array([call[0] for call in calls], dtype=np.int64)
    lasts = np.array([call[1] for call in calls], dtype=np.int64)
    straddles = np.array([call[2] for call in calls], dtype=bool)
    band_rows = max(2, PICTURE_BAND_PIXELS // max(width, 1))
    band_rows += band_rows % 2
    stream, above = [], None
    for start in range(0, rows, band_rows):
        check_cancelled()  # a large figure's picture takes seconds
        end = min(rows, start + band_rows)
        reach = np.flatnonzero((firsts < end) & (lasts >= start))
        # Two rows above the band for the filters, put back as drawn once the calls are
        # drawn; higher up to where a call drawn here begins, at an even row.
        top = start - (0 if above is None else 2)
        beginning = firsts[reach[~straddles[reach]]]
        if beginning.size:
            top = min(top, int(beginning.min()))
        top = max(0, top - top % 2)
        image = Image.new("RGB", (width, end - top), (255, 255, 255))
        if paint is not None:
            paint(image, top, end)
        draw = ImageDraw.Draw(image)
        for index in reach:
            *_, name, arguments, keywords = calls[index]
            if name == "paste":
                (left, upper), pasted = arguments
                image.paste(pasted, (left, upper - top))
            elif name == "ellipses":
                boxes, fills, margin = arguments
                for number in np.flatnonzero((boxes[:, 1] - margin < end)
                                             & (boxes[:, 3] + margin >= top)):
                    x0, y0, x1, y1 = (int(value) for value in boxes[number])
                    draw.ellipse((x0, y0 - top, x1, y1 - top),
                                 fill=tuple(int(value) for value in fills[number]), **keywords)
            else:
                getattr(draw, name)(_shifted(arguments[0], top), *arguments[1:], **keywords)
        if above is not None:
            image.paste(above, (0, start - 2 - top))
        stream.append(compressor.compress(_filtered_rows(image)[(start - top) * scanline:]))
        above = image.crop((0, image.size[1] - 2, width, image.size[1]))
        del image, draw
    stream.append(compressor.flush())
    data = b"".join(stream)
    del stream
    header = (width.to_bytes(4, "big") + rows.to_bytes(4, "big")
              + bytes((8, 2, 0, 0, 0)))  # 8 bits a sample, RGB, no interlace
    return b"".join([b"\x89PNG\r\n\x1a\n", _png_chunk(b"IHDR", header)]
                    + [_png_chunk(b"IDAT", data[start:start + _PNG_CHUNK_BYTES])
                       for start in range(0, len(data), _PNG_CHUNK_BYTES)]
                    + [_png_chunk(b"IEND", b"")])


def figure_png(figure_rgb, step, drawing, extra_rows=0) -> bytes:
    """PNG bytes of the figure's every ``step``-th pixel, ``extra_rows`` white rows under it,
    and ``drawing``'s calls drawn over them (:func:`banded_png`: a band at a time)."""
    from PIL import Image

    small = np.asarray(figure_rgb)[::step, ::step, :3]
    height, width = small.shape[:2]

    def paint(image, first, end):
        if first < min(end, height):
            image.paste(Image.fromarray(np.ascontiguousarray(small[first:min(end, height)]),
                                        "RGB"), (0, 0))

    return banded_png(width, height + extra_rows, drawing, paint)


def _cell(value, digits=6):
    value = float(value)
    return "n/a" if not math.isfinite(value) else f"{value:.{digits}g}"


def _text(value):
    if isinstance(value, (float, np.floating)):
        return _cell(value, 4)
    if isinstance(value, (list, tuple, np.ndarray)):
        return ", ".join(_text(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{key}: {_text(item)}" for key, item in value.items())
    return str(value)


def _json_ready(value):
    if isinstance(value, dict):
        return {str(key): _json_ready(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [_json_ready(item) for item in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    if value is None or isinstance(value, str):
        return value
    return str(value)


def _crs_label_and_unit(crs):
    if not crs:
        return None, None
    from pyproj import CRS

    try:
        parsed = CRS.from_user_input(crs)
    except Exception:  # noqa: BLE001 - a label only
        return crs_label(crs), None
    unit = parsed.axis_info[0].unit_name if parsed.axis_info else None
    return crs_label(crs), unit


def _write_text(path, text):
    write_text(path, text, parameter="OUTPUT_REPORT")
