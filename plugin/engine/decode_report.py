"""The decoding half of the HTML report: what a user checking a decode wants to look at.

Pictures (drawn with Pillow on their own pixels, so any thread will do, and no matplotlib is
imported), each embedded as a PNG:

* the decoded field in the figure's own colour scale, and the representative points over it;
* the colour distance (CIELAB ΔE) of every examined pixel, with the threshold used;
* the colour scale as used (sampled from the colorbar: drawn beside the named colormap when one
  was also given), with its values;
* the histogram of decoded values;

and a table of where the pixels of the plot area went: decoded, off the colour scale, under a
MASK polygon, on the colorbar, transparent.

No QGIS import. :func:`write_decode_report` writes the whole report, with the georeferencing
sections of :mod:`.report` when GCPs were fitted.
"""
import base64
import html
import math
from dataclasses import dataclass

import numpy as np

from .memory_budget import release_freed_memory
from .regions import extent_to_pixel_box, polygons_mask
from .text_format import decimals_for

#: Longest side of the decoding pictures, in pixels.
PICTURE_SIDE = 760
#: Colour of pixels that are not data in the pictures.
NO_DATA_RGB = (0.93, 0.93, 0.93)
#: Pixels a block of the figure-sized passes (pixel accounting, histogram) looks at at a time
#: (their masks, finite values and histogram's indices: some 20 bytes a pixel of the block).
ACCOUNTING_BLOCK_PIXELS = 1 << 16


def write_decode_report(html_path, result) -> tuple:
    """Write the HTML report of a decode (and its JSON twin), georeferencing included.

    Parameters
    ----------
    html_path : str
    result : pipeline.DecodeResult
        The colour distance should be computed (``settings.distance_output``: the pipeline
        keeps its ``distance_overview``, or ``field.distance``) for the ΔE picture; without it
        the picture is left out and the report says so.

    Returns
    -------
    tuple of str
        The HTML and JSON paths written.
    """
    from .report import write_georeferencing_report, write_report_without_gcps

    # The rasters let go once written, below the heap's mapping threshold on a small figure,
    # handed back before the pictures are drawn.
    release_freed_memory()
    sections = decoding_sections(result)
    facts = decoding_facts(result)
    ref = result.georeference
    if ref.gcps is not None:
        return write_georeferencing_report(
            html_path, result.figure.rgb, ref.gcps, ref.residuals.kind, ref.residuals,
            ref.warnings, facts, crs=ref.source_crs, sections=sections)
    return write_report_without_gcps(html_path, result.figure.rgb, ref.description,
                                     ref.source_crs, facts, sections, result.warnings)


def decoding_facts(result) -> dict:
    """The decode's numbers for the report's table and JSON, rounded to what they mean."""
    from .warping import crs_label

    grid, check = result.grid, result.reconstruction
    resolution = result.decoder.value_resolution
    digits = decimals_for(resolution)
    facts = {
        "Colour scale": result.scale_name,
        "Values": f"{result.mapping.vmin:.{digits}f} to {result.mapping.vmax:.{digits}f}"
                  + (" (logarithmic)" if result.mapping.logarithmic else ""),
        "Value resolution (one colour step)": f"{resolution:.3g}",
        "Maximum colour distance (ΔE)": f"{result.settings.max_color_distance:g}",
        "Target CRS": crs_label(result.georeference.target_crs),
        "Output grid": f"{grid.width}×{grid.height} px of {grid.pixel_size:.4g} target units",
        "Representative points": len(result.points.clusters),
    }
    if check is not None:
        facts["Points as a summary of the field"] = (
            f"{100 * check.within_resolution:.1f} % of {check.pixels_compared:,} decoded pixels "
            f"come back within the value resolution when interpolated between the points "
            f"(RMS difference {check.rmse:.3g}); this measures the point layer only")
    return facts


def pixel_accounting(result) -> list:
    """Where the plot area's pixels went, in the order they were taken out.

    Counted a block of rows at a time (a few bytes a pixel of the block, not of the figure:
    the report is written while the job's largest arrays are all still held).

    Returns
    -------
    list of (str, int, str)
        (what, pixel count, why) for: transparent, colorbar, MASK, off the scale, decoded.
    """
    settings, figure = result.settings, result.figure
    shape = figure.shape
    colorbar_boxes = []
    if settings.colorbar_extent is not None:
        colorbar_boxes.append((extent_to_pixel_box(settings.colorbar_extent, shape,
                                                   figure.geotransform, parameter="COLORBAR"), 3))
    layout = getattr(result, "layout", None)
    if layout is not None and getattr(layout, "colorbar", None) is not None:
        colorbar_boxes.append((layout.colorbar.pixel_box(), layout.colorbar_exclusion_margin()))
    under_mask = (polygons_mask(settings.mask_geometries, shape, figure.geotransform)
                  if settings.mask_geometries else None)
    counts = dict.fromkeys(("decoded", "off", "masked", "colorbar", "transparent"), 0)
    step = max(1, ACCOUNTING_BLOCK_PIXELS // max(shape[1], 1))
    for start in range(0, shape[0], step):
        rows = slice(start, min(shape[0], start + step))
        plot = _box_mask_rows(shape, result.plot_box, rows)
        opaque = figure.opaque[rows]
        counts["transparent"] += int(np.count_nonzero(plot & ~opaque))
        left = plot & opaque
        colorbar = np.zeros_like(left)
        for box, margin in colorbar_boxes:
            colorbar |= _box_mask_rows(shape, box, rows, margin)
        colorbar &= left
        counts["colorbar"] += int(np.count_nonzero(colorbar))
        left &= ~colorbar
        if under_mask is not None:
            masked = left & under_mask[rows]
            counts["masked"] += int(np.count_nonzero(masked))
            left &= ~masked
        decoded = np.isfinite(result.field.values[rows]) & left
        counts["decoded"] += int(np.count_nonzero(decoded))
        counts["off"] += int(np.count_nonzero(left & ~decoded))
    threshold = settings.max_color_distance
    return [
        ("Decoded", counts["decoded"], "colour within the threshold of the colour scale"),
        ("Off the colour scale", counts["off"],
         f"colour farther than ΔE {threshold:g} from every colour of the scale: text, lines, "
         "background, hillshading"),
        ("Under a MASK polygon", counts["masked"], "left out by MASK / MASK_WKT"),
        ("On the colorbar", counts["colorbar"], "the colorbar and its frame are never data"),
        ("Transparent", counts["transparent"], "alpha 0 in the figure"),
    ]


def _box_mask_rows(shape, box, rows, margin=0):
    """``box_mask(shape, box, margin)[rows]``, without the whole figure's mask."""
    mask = np.zeros((len(range(shape[0])[rows]), shape[1]), dtype=bool)
    col0, row0, col1, row1 = box
    inside = range(shape[0])[max(row0 - margin, 0):row1 + margin]
    first, last = max(inside.start, rows.start), min(inside.stop, rows.stop)
    if first < last:
        mask[first - rows.start:last - rows.start, max(col0 - margin, 0):col1 + margin] = True
    return mask


def _rows_of(array):
    """Consecutive blocks of rows of ``array``, about :data:`ACCOUNTING_BLOCK_PIXELS` each."""
    step = max(1, ACCOUNTING_BLOCK_PIXELS // max(array.shape[1], 1))
    return (array[start:start + step] for start in range(0, array.shape[0], step))


@dataclass
class ValuesSummary:
    """What the report reads of the figure-frame decoded values (4 bytes a figure pixel), made
    while they are held so that they can be let go before the report is drawn
    (``DecodeResult.summarise_for_report``): the report made from it is the report made from
    the values themselves, byte for byte.

    Attributes
    ----------
    accounting : list of (str, int, str)
        :func:`pixel_accounting`.
    small : ndarray of float32
        The plot area's values at the field pictures' resolution (every :func:`_step`-th pixel,
        a quarter of the plot area's at 1 MP).
    shape : tuple (rows, cols)
        The plot area's.
    histogram : tuple
        :func:`_histogram_counts` of the plot area's values.
    """

    accounting: list
    small: np.ndarray
    shape: tuple
    histogram: tuple


def summarise_values(result) -> "ValuesSummary":
    """The :class:`ValuesSummary` of a decode's figure-frame values (``result.field.values``),
    read a block of rows at a time."""
    col0, row0, col1, row1 = (int(round(v)) for v in result.plot_box)
    values = result.field.values[row0:row1, col0:col1]
    step = _step(values.shape)
    return ValuesSummary(accounting=pixel_accounting(result),
                         small=values[::step, ::step].copy(), shape=values.shape,
                         histogram=_histogram_counts(result, values))


def decoding_sections(result) -> list:
    """The report's decoding sections: a list of (title, HTML) pairs.

    From ``result.values_summary`` when the figure-frame values were summarised and let go
    (:class:`ValuesSummary`), else from ``result.field.values``.
    """
    e = html.escape
    col0, row0, col1, row1 = (int(round(v)) for v in result.plot_box)
    summary = getattr(result, "values_summary", None)
    if summary is None:
        summary = summarise_values(result)
    sections = []
    if getattr(result, "layout", None) is not None:
        # What was found on the figure (issue 17): frame, colorbar, every label read.
        from .detection.report import found_on_figure_section

        sections.append(found_on_figure_section(result, _img))

    accounting = summary.accounting
    total = sum(count for _, count, _ in accounting) or 1
    rows = "".join(
        f'<tr><td class="label">{e(what)}</td><td>{count:,}</td>'
        f"<td>{_share(count, total)}</td><td class=\"label\">{e(why)}</td></tr>"
        for what, count, why in accounting)
    sections.append(("Where the pixels went", (
        f"<p>The {total:,} pixels of the plot area (columns {col0}–{col1}, rows {row0}–{row1} "
        "of the figure).</p>"
        '<table class="accounting"><tr><th class="label"></th><th>pixels</th><th>share</th>'
        f'<th class="label">why</th></tr>{rows}</table>')))

    field_png = _field_picture(result, summary.small, summary.shape, with_points=False)
    points_png = _field_picture(result, summary.small, summary.shape, with_points=True)
    sections.append(("Decoded field", (
        "<p>Each decoded pixel in the colour scale it was decoded with: it should look like "
        "the figure's map panel without its text and lines (grey: not data).</p>"
        + _img(field_png, "The decoded field in the figure's colour scale"))))
    sections.append(("Representative points", (
        f"<p>The {len(result.points.clusters):,} representative points (one per flat plateau, "
        "coloured by their value, dark outline) over the faded field.</p>"
        + _img(points_png, "The representative points over the decoded field"))))

    overview = getattr(result, "distance_overview", None)
    if overview is None and result.field.distance is not None:
        overview = distance_overview(result.field.distance, result.plot_box)
    threshold = result.settings.max_color_distance
    if overview is not None and overview.any_finite:
        sections.append(("Colour distance (ΔE)", (
            f"<p>Distance in CIELAB ΔE from each examined pixel's colour to the nearest colour "
            f"of the scale. Pixels above the threshold, ΔE {threshold:g} (the dashed line on the "
            "colour bar), are not data; many data-looking pixels above it mean a wrong colormap "
            "(or its reversed '_r' form) or a figure drawn with shading or transparency.</p>"
            + _img(_distance_picture(overview, threshold),
                   "Colour distance of each pixel to the colour scale"))))
    else:
        sections.append(("Colour distance (ΔE)", "<p>Not computed for this run.</p>"))

    scale_png, scale_note = _scale_picture(result)
    sections.append(("Colour scale as used", f"<p>{e(scale_note)}</p>" + _img(
        scale_png, "The colour scale with its values")))
    sections.append(("Histogram of decoded values", (
        "<p>How many pixels came back with each value; spikes at the ends of the scale often "
        "mean clipped data (values beyond the colorbar's range drawn in its end colours).</p>"
        + _img(_histogram_picture(result, summary.histogram),
               "Histogram of the decoded values"))))
    return sections


# --------------------------------------------------------------------------------------------
# Pictures


def _share(count, total):
    share = 100.0 * count / total
    if count and share < 0.1:
        return "< 0.1 %"
    return f"{share:.1f} %"


def _img(png, alt):
    encoded = base64.b64encode(png).decode("ascii")
    return (f'<img class="zoomable" alt="{html.escape(alt)}" '
            f'src="data:image/png;base64,{encoded}">')


def _step(shape):
    return max(1, int(math.ceil(max(shape) / PICTURE_SIDE)))


#: Values coloured at a time by :func:`_scale_colours`: the scale's interpolation holds some
#: 120 bytes a value (70 MiB for a whole 760 px picture at once, 0.5 MiB a block; 2 MiB blocks
#: of 2**14 values were a third of a 1 MP report's peak).
COLOUR_BLOCK = 1 << 12


def _scale_colours(result, values):
    """sRGB of each value in the decode's colour scale (NO_DATA_RGB where NaN)."""
    values = np.asarray(values)
    fractions = np.clip(result.mapping.to_fraction(np.nan_to_num(values)), 0.0, 1.0).ravel()
    rgb = np.empty((fractions.size, 3))
    for start in range(0, fractions.size, COLOUR_BLOCK):
        part = slice(start, start + COLOUR_BLOCK)
        rgb[part] = result.decoder.scale.colour_at(fractions[part])
    rgb = rgb.reshape(values.shape + (3,))
    rgb[~np.isfinite(values)] = NO_DATA_RGB
    return np.clip(rgb, 0, 1, out=rgb)


def _scale_colours_8bit(result, values, fade=0.0):
    """:func:`_scale_colours` as 8-bit sRGB (truncated, as matplotlib converts), made towards
    white by ``fade`` (0: the colour itself), block by block: 3 bytes a value, not 24. A 2-D
    picture (every step-th pixel of the field, a view) is read a block of its rows at a time,
    not copied whole."""
    values = np.asarray(values)
    rgb = np.empty(values.shape + (3,), dtype=np.uint8)
    if values.ndim == 2:
        source, target = values, rgb
        step = max(1, COLOUR_BLOCK // max(values.shape[1], 1))
    else:
        source, target = values.reshape(-1), rgb.reshape(-1, 3)
        step = COLOUR_BLOCK
    for start in range(0, source.shape[0], step):
        part = slice(start, start + step)
        colours = _scale_colours(result, source[part])
        if fade:
            colours = 1 - (1 - fade) * (1 - colours)
        target[part] = colours * 255
    return rgb


# -- drawing with Pillow -----------------------------------------------------------------------
# The pictures are drawn on their own pixels with Pillow (as the report's picture of the figure
# is): no matplotlib import (18 MiB of a run) nor canvas.

#: Text sizes of the pictures, in pixels (DejaVu Sans, as matplotlib's 9 and 10 points).
TICK_FONT_PX = 12
LABEL_FONT_PX = 13
TEXT_RGB = (0, 0, 0)
#: The threshold's dashed line on the colour distance bar and its label.
THRESHOLD_RGB = (0, 160, 255)
THRESHOLD_TEXT_RGB = (0, 96, 144)
#: Outline of the histogram's bars.
BAR_EDGE_RGB = (85, 85, 85)
#: Length of a tick mark, pixels.
TICK_PX = 4


def _font(size):
    from .report import _font as report_font

    return report_font(size)


def _white_picture(width, height):
    """A white picture of ``width`` × ``height`` pixels (rounded) to draw on: (picture, draw),
    one ``report.RecordedDrawing`` taking Pillow's drawing calls, ``paste`` and a ``paint``
    of its rows; :func:`_png_bytes` draws and encodes it a band of rows at a time."""
    from .report import RecordedDrawing

    picture = RecordedDrawing((int(round(width)), int(round(height))))
    return picture, picture


def _png_bytes(picture):
    """The PNG of a picture of :func:`_white_picture`, drawn and encoded a band of rows at a
    time (``report.banded_png``: a band's image, not the picture's 4 bytes a pixel)."""
    from .report import banded_png

    png = banded_png(*picture.size, picture, picture.paint)
    # Pillow's images and the PNG encoder's buffers of the bands (below the heap's mapping
    # threshold) stay resident when freed: handed back.
    release_freed_memory()
    return png


#: Pixels of a picture pasted into the report's image at a time (:func:`_paste_rgb`).
PASTE_BLOCK_PIXELS = 1 << 16


def _nearest_indices(source, target):
    """The source pixel each of ``target`` pixels takes when ``source`` pixels are scaled to
    ``target`` by Pillow's nearest-neighbour resize: Pillow steps a position from half a step
    by repeated addition of the step (source / target, a double) and truncates it; the same
    sums here, in the same order."""
    steps = np.full(target, source / target)
    steps[0] *= 0.5
    return np.minimum(np.cumsum(steps).astype(np.intp), source - 1)


def _paste_rgb(image, rgb, box):
    """Paste an 8-bit RGB array into ``image`` scaled (nearest pixel) to fill ``box``
    (left, top, right, bottom).

    The pixels Pillow's nearest-neighbour resize would take, picked and pasted a block of
    rows at a time: neither the array as a whole Pillow image nor the scaled picture (4 bytes
    a picture pixel each, 3 MiB of a report's peak) is made. The same picture, pixel for pixel.
    """
    from PIL import Image

    left, top, right, bottom = (int(round(v)) for v in box)
    width, height = max(1, right - left), max(1, bottom - top)
    rows = _nearest_indices(rgb.shape[0], height)
    columns = _nearest_indices(rgb.shape[1], width)
    block = max(1, PASTE_BLOCK_PIXELS // width)
    for first in range(0, height, block):
        part = np.ascontiguousarray(rgb[rows[first:first + block]][:, columns], np.uint8)
        image.paste(Image.fromarray(part, "RGB"), (left, top + first))


def _vertical_text(image, centre, text, font, fill=TEXT_RGB):
    """``text`` read bottom to top (an axis label), centred on ``centre``."""
    from PIL import Image, ImageDraw

    left, top, right, bottom = font.getbbox(text)
    strip = Image.new("RGB", (right - left + 2, bottom - top + 2), (255, 255, 255))
    ImageDraw.Draw(strip).text((1 - left, 1 - top), text, fill=fill, font=font)
    strip = strip.transpose(Image.Transpose.ROTATE_90)
    image.paste(strip, (int(round(centre[0] - strip.width / 2)),
                        int(round(centre[1] - strip.height / 2))))


def nice_ticks(low, high, most=8) -> np.ndarray:
    """Round tick values (1, 2, 2.5 or 5 times a power of ten apart) from ``low`` to ``high``,
    at most ``most`` of them (at least two where the range is not empty)."""
    if not (math.isfinite(low) and math.isfinite(high)) or high <= low:
        return np.array([low]) if math.isfinite(low) else np.zeros(0)
    raw = (high - low) / max(most - 1, 1)
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw * (1 - 1e-9))
    first = math.ceil(low / step - 1e-9)
    last = math.floor(high / step + 1e-9)
    ticks = np.arange(first, last + 1) * step
    ticks[np.abs(ticks) < 1e-12 * step] = 0.0
    return ticks


def tick_labels(ticks) -> list:
    """The tick values as text with the decimals their spacing needs (all alike)."""
    ticks = np.asarray(ticks, dtype=float)
    if ticks.size == 0:
        return []
    largest = float(np.max(np.abs(ticks)))
    if largest >= 1e6 or 0 < largest < 1e-4:
        return [f"{value:.3g}" for value in ticks]
    step = float(np.min(np.diff(ticks))) if ticks.size > 1 else (largest or 1.0)
    digits = decimals_for(step) if step > 0 else 0
    if ticks.size > 1 and step > 0 and not np.allclose(np.round(ticks, digits), ticks, rtol=0,
                                                        atol=1e-9 * step):
        digits += 1  # a step of 2.5 times a power of ten
    return [f"{value:.{digits}f}" for value in ticks]


def _log_ticks(low, high):
    """Tick values on a logarithmic axis from ``low`` to ``high`` (both > 0): the powers of
    ten within, with 2 and 5 times them when fewer than three powers fall inside."""
    decades = np.arange(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1)
    for multipliers in ((1,), (1, 2, 5), (1, 2, 3, 4, 5, 6, 7, 8, 9)):
        ticks = np.array([m * 10.0 ** int(d) for d in decades for m in multipliers])
        ticks = ticks[(ticks >= low * (1 - 1e-9)) & (ticks <= high * (1 + 1e-9))]
        if ticks.size >= 3:
            break
    return ticks


def _draw_x_axis(draw, font, box, ticks, to_x, labels):
    left, top, right, bottom = box
    for value, label in zip(ticks, labels):
        x = to_x(value)
        if left - 0.5 <= x <= right + 0.5:
            draw.line((x, bottom, x, bottom + TICK_PX), fill=TEXT_RGB, width=1)
            draw.text((x, bottom + TICK_PX + 2), label, fill=TEXT_RGB, font=font, anchor="mt")


def _draw_y_axis(draw, font, box, ticks, to_y, labels, side="left"):
    left, top, right, bottom = box
    for value, label in zip(ticks, labels):
        y = to_y(value)
        if top - 0.5 <= y <= bottom + 0.5:
            if side == "left":
                draw.line((left - TICK_PX, y, left, y), fill=TEXT_RGB, width=1)
                draw.text((left - TICK_PX - 3, y), label, fill=TEXT_RGB, font=font, anchor="rm")
            else:
                draw.line((right, y, right + TICK_PX, y), fill=TEXT_RGB, width=1)
                draw.text((right + TICK_PX + 3, y), label, fill=TEXT_RGB, font=font, anchor="lm")


def _field_picture(result, small, shape, with_points):
    """The decoded field in its colour scale (faded, with the points over it), as PNG bytes.

    ``small`` is the plot area's values at every :func:`_step`-th pixel, ``shape`` the plot
    area's (rows, cols). Coloured, drawn and encoded a band of rows at a time
    (``report.banded_png``): a band's image and the colours of its rows, not the picture's (4
    bytes a pixel) and every colour of the field's overview (3 more).
    """
    rows, cols = shape
    width = PICTURE_SIDE * cols / max(rows, cols)
    height = PICTURE_SIDE * rows / max(rows, cols)
    margin = 10
    fade = 0.55 if with_points else 0.0
    image, draw = _white_picture(width + 2 * margin, height + 2 * margin)
    image.paint = _scaled_rows(
        lambda picked: _scale_colours_8bit(result, small[picked], fade=fade), small.shape,
        (margin, margin, margin + width, margin + height))
    clusters = result.points.clusters
    if with_points and len(clusters):
        # Figure pixels (GDAL convention) to picture pixels; each point a disc of 7 px in its
        # value's colour with a dark outline.
        col0, row0 = result.plot_box[0], result.plot_box[1]
        x = margin + (np.asarray(clusters.pixel_x, float) - col0) * width / cols
        y = margin + (np.asarray(clusters.pixel_y, float) - row0) * height / rows
        draw.ellipses(np.column_stack([x - 3, y - 3, x + 3, y + 3]),
                      _scale_colours_8bit(result, np.asarray(clusters.value, float)),
                      outline=(20, 20, 20), width=1)
    return _png_bytes(image)


def _scaled_rows(colours_of_rows, shape, box):
    """A painter for ``report.banded_png``: a picture of ``shape`` (rows, cols) scaled
    (nearest pixel) to fill ``box`` (left, top, right, bottom), as :func:`_paste_rgb` pastes
    it, a band's rows at a time; ``colours_of_rows(indices)`` gives the 8-bit sRGB (n, cols, 3)
    of the picture's rows ``indices`` (each once, increasing)."""
    from PIL import Image

    left, top, right, bottom = (int(round(v)) for v in box)
    width, height = max(1, right - left), max(1, bottom - top)
    rows = _nearest_indices(shape[0], height)
    columns = _nearest_indices(shape[1], width)

    def paint(image, first, end):
        low, high = max(first, top), min(end, top + height)
        if low >= high:
            return
        picked, inverse = np.unique(rows[low - top:high - top], return_inverse=True)
        part = np.ascontiguousarray(colours_of_rows(picked)[inverse][:, columns], np.uint8)
        image.paste(Image.fromarray(part, "RGB"), (left, low - first))

    return paint


@dataclass
class DistanceOverview:
    """What the report shows of the colour distance raster: the plot area's every step-th
    pixel (the picture's resolution), so that the pipeline need not keep the whole raster.

    Attributes
    ----------
    small : ndarray of float32
        ``distance[plot box][::step, ::step]``.
    shape : tuple (rows, cols)
        The plot area's.
    any_finite : bool
        Whether any pixel of the whole raster was examined.
    """

    small: np.ndarray
    shape: tuple
    any_finite: bool


class DistanceOverviewWhenAsked:
    """The :class:`DistanceOverview` of a colour distance computed where read
    (``colour_decoding.DistanceField``: 1 bit a figure pixel and small tables), made when the
    report first asks for it: the overview's 4 bytes a pixel of the picture are not held
    from the warp through the rasters' writing. Same attributes, same values.
    """

    def __init__(self, distance, plot_box):
        self._distance = distance
        self._plot_box = plot_box
        self._overview = None

    def _made(self):
        if self._overview is None:
            self._overview = distance_overview(self._distance, self._plot_box)
        return self._overview

    @property
    def small(self) -> np.ndarray:
        """``distance[plot box][::step, ::step]`` (float32)."""
        return self._made().small

    @property
    def shape(self) -> tuple:
        """The plot area's (rows, cols)."""
        return self._made().shape

    @property
    def any_finite(self) -> bool:
        """Whether any pixel of the whole raster was examined."""
        return self._made().any_finite


def distance_overview(distance, plot_box) -> "DistanceOverview":
    """The :class:`DistanceOverview` of a figure-frame colour distance raster."""
    col0, row0, col1, row1 = (int(round(v)) for v in plot_box)
    # A distance computed where read (colour_decoding.DistanceField) reads only the
    # overview's pixels.
    box = (distance.window(slice(row0, row1), slice(col0, col1)) if hasattr(distance, "window")
           else distance[row0:row1, col0:col1])
    step = _step(box.shape)
    return DistanceOverview(box[::step, ::step].copy(), box.shape,
                            any(np.isfinite(block).any() for block in _rows_of(distance)))


#: The colour distance's colours: matplotlib's magma reversed (light for a small distance),
#: pixels above the threshold tinted with 35 % of magenta (matplotlib's cool at its top).
DISTANCE_COLORMAP = "magma_r"
ABOVE_THRESHOLD_TINT = (1.0, 0.0, 1.0)


def _distance_colours():
    """The 8-bit colour tables of the distance picture, the no-data colour last: (at or below
    the threshold, above it)."""
    from .colour_scales.matplotlib_source import listed_table

    table = np.vstack([listed_table(DISTANCE_COLORMAP), NO_DATA_RGB])
    tinted = 0.65 * table + 0.35 * np.asarray(ABOVE_THRESHOLD_TINT)
    return (table * 255).astype(np.uint8), (tinted * 255).astype(np.uint8)


def _distance_rgb(distance, top, threshold):
    """8-bit colours of ΔE values on a scale from 0 to ``top``: the colormap's entry
    ``floor(ΔE / top * N)`` as matplotlib picks it, NO_DATA_RGB where not finite (not
    examined, or left out beside a line: infinite), tinted where above the threshold
    (infinite included)."""
    plain, tinted = _distance_colours()
    entries = len(plain) - 1
    distance = np.asarray(distance)
    rgb = np.empty(distance.shape + (3,), dtype=np.uint8)
    flat, flat_rgb = distance.reshape(-1), rgb.reshape(-1, 3)
    # A block of values at a time: their indices (8 bytes a value), masks and both tables'
    # colours, not the picture's.
    for start in range(0, flat.size, COLOUR_BLOCK):
        part = flat[start:start + COLOUR_BLOCK]
        finite = np.isfinite(part)
        index = np.clip(np.where(finite, part, 0) / top * entries, 0,
                        entries - 1).astype(np.intp)
        index[~finite] = entries
        with np.errstate(invalid="ignore"):
            above = part > threshold
        flat_rgb[start:start + COLOUR_BLOCK] = np.where(above[:, None], tinted[index],
                                                        plain[index])
    return rgb


def _distance_picture(overview, threshold):
    """The colour distance of the plot area's pixels, with a colour bar marking the threshold."""
    small = overview.small
    rows, cols = overview.shape
    width = PICTURE_SIDE * cols / max(rows, cols)
    height = max(PICTURE_SIDE * rows / max(rows, cols), 160)
    top = max(2.0 * threshold, float(np.nanpercentile(small, 99)) if np.isfinite(small).any()
              else 2.0 * threshold)
    tick_font, label_font = _font(TICK_FONT_PX), _font(LABEL_FONT_PX)
    margin, gap, bar_width, legend = 10, 30, 22, 26
    image, draw = _white_picture(width + 2 * margin + gap + bar_width + 95, height + 2 * margin)
    picture_rows = PICTURE_SIDE * rows / max(rows, cols)
    image.paint = _scaled_rows(lambda picked: _distance_rgb(small[picked], top, threshold),
                               small.shape, (margin, margin, margin + width,
                                             margin + picture_rows))

    # The bar: 0 at the bottom, ``top`` at the top, its colours as the picture's.
    left = margin + width + gap
    bar = (left, margin + 6, left + bar_width, margin + height - legend - 6)
    bar_height = int(round(bar[3] - bar[1]))
    levels = top * (1 - (np.arange(bar_height) + 0.5) / bar_height)
    column = _distance_rgb(levels, top, np.inf)
    _paste_rgb(image, np.repeat(column[:, None, :], bar_width, axis=1),
               (bar[0], bar[1], bar[2], bar[1] + bar_height))
    draw.rectangle(bar, outline=TEXT_RGB, width=1)

    def to_y(value):
        return bar[3] - (bar[3] - bar[1]) * value / top

    ticks = nice_ticks(0.0, top, most=6)
    _draw_y_axis(draw, tick_font, bar, ticks, to_y, tick_labels(ticks), side="right")
    _vertical_text(image, (bar[2] + 70, (bar[1] + bar[3]) / 2), "ΔE to the colour scale",
                   label_font)
    # The threshold: a dashed line across the bar, and its value below the bar with a sample.
    y = to_y(min(threshold, top))
    for x in range(int(bar[0]) - 4, int(bar[2]) + 4, 7):
        draw.line((x, y, min(x + 4, bar[2] + 4), y), fill=THRESHOLD_RGB, width=2)
    y = bar[3] + legend / 2 + 2
    for x in range(int(bar[0]) - 4, int(bar[0]) + 14, 7):
        draw.line((x, y, x + 4, y), fill=THRESHOLD_RGB, width=2)
    draw.text((bar[0] + 18, y), f"threshold {threshold:g}", fill=THRESHOLD_TEXT_RGB,
              font=tick_font, anchor="lm")
    return _png_bytes(image)


def _scale_picture(result):
    """The colour scale as used, and beside it the named colormap when the scale was sampled."""
    mapping, scale = result.mapping, result.decoder.scale
    strips = [(f"used: {scale.name}", scale)]
    note = f"The colour scale the pixels were matched against ({scale.name}), with its values."
    named = (result.settings.colormap or "").strip()
    if scale.sampled_from_figure and named:
        try:
            from .colour_scales import resolve_colour_scale

            other = resolve_colour_scale(named, result.settings.qgis_resources)
            strips.append((f"named: {other.name}", other))
            note = (f"Sampled from the figure's colorbar (top) and, for comparison, the named "
                    f"colormap {other.name} (bottom): they should match.")
        except Exception:  # noqa: BLE001 - only a comparison picture
            pass
    font = _font(TICK_FONT_PX)
    strip_height, strip_gap = 28, 10
    left, right = 0.2 * PICTURE_SIDE, 0.96 * PICTURE_SIDE
    image, draw = _white_picture(PICTURE_SIDE, 12 + len(strips) * (strip_height + strip_gap) + 30)
    width = int(round(right - left))
    # Each column of a strip is the scale's colour at its centre's fraction.
    fractions = (np.arange(width) + 0.5) / width
    top = 12
    for label, strip_scale in strips:
        colours = (np.clip(strip_scale.colour_at(fractions), 0, 1) * 255).astype(np.uint8)
        _paste_rgb(image, np.repeat(colours[None], strip_height, axis=0),
                   (left, top, left + width, top + strip_height))
        draw.rectangle((left, top, left + width, top + strip_height), outline=TEXT_RGB, width=1)
        draw.text((left - 8, top + strip_height / 2), label, fill=TEXT_RGB, font=font,
                  anchor="rm")
        top += strip_height + strip_gap
    ticks = np.linspace(0, 1, 6)
    digits = decimals_for(result.decoder.value_resolution)
    labels = [f"{v:.{digits}f}" if not mapping.logarithmic else f"{v:.3g}"
              for v in mapping.to_value(ticks)]
    box = (left, 12, left + width, top - strip_gap)
    _draw_x_axis(draw, font, box, ticks, lambda f: left + f * width, labels)
    return _png_bytes(image), note


def _histogram_counts(result, values):
    """The histogram of ``values`` the report draws: (edges, counts, logarithmic, any_finite),
    60 bins over the scale's range and the values' (log-spaced on a logarithmic scale when
    every value is positive)."""
    # Block by block of rows: the finite values of the whole plot area are never gathered.
    low, high, positive, any_finite = np.inf, -np.inf, True, False
    for block in _rows_of(values):
        finite = block[np.isfinite(block)]
        if finite.size:
            any_finite = True
            low, high = min(low, finite.min()), max(high, finite.max())
            positive = positive and bool(np.all(finite > 0))
    mapping = result.mapping
    logarithmic = bool(any_finite and mapping.logarithmic and positive)
    if any_finite:
        if logarithmic:
            edges = np.geomspace(mapping.vmin, mapping.vmax, 61)
        else:
            edges = np.linspace(min(mapping.vmin, low), max(mapping.vmax, high), 61)
        counts = sum(np.histogram(block[np.isfinite(block)], bins=edges)[0]
                     for block in _rows_of(values))
    else:
        edges, counts = np.array([0.0, 1.0]), np.zeros(1, dtype=np.int64)
    return edges, counts, logarithmic, any_finite


def _histogram_picture(result, histogram):
    """How many pixels came back with each value: 60 bars in the values' colours, from
    :func:`_histogram_counts`."""
    edges, counts, logarithmic, any_finite = histogram
    tick_font, label_font = _font(TICK_FONT_PX), _font(LABEL_FONT_PX)
    image, draw = _white_picture(PICTURE_SIDE, 300)
    box = (76, 12, PICTURE_SIDE - 24, 300 - 52)

    # The axes as matplotlib sets them: the bars' span with 5 % either side, counts from 0.
    def axis_position(value):
        return math.log10(value) if logarithmic else float(value)

    span_low, span_high = axis_position(edges[0]), axis_position(edges[-1])
    pad = 0.05 * ((span_high - span_low) or 1.0)
    span_low, span_high = span_low - pad, span_high + pad
    tallest = float(max(counts.max(), 1)) * 1.05

    def to_x(value):
        return box[0] + (box[2] - box[0]) * (axis_position(value) - span_low) / (span_high - span_low)

    def to_y(count):
        return box[3] - (box[3] - box[1]) * count / tallest

    if any_finite:
        centres = np.sqrt(edges[:-1] * edges[1:]) if logarithmic else (edges[:-1] + edges[1:]) / 2
        colours = _scale_colours_8bit(result, centres)
        for index, count in enumerate(counts):
            if count:
                draw.rectangle((to_x(edges[index]), to_y(count), to_x(edges[index + 1]),
                                to_y(0)), fill=tuple(int(v) for v in colours[index]),
                               outline=BAR_EDGE_RGB, width=1)
    draw.rectangle(box, outline=TEXT_RGB, width=1)
    if logarithmic:
        x_ticks = _log_ticks(10 ** span_low, 10 ** span_high)
        x_labels = [f"{value:g}" for value in x_ticks]
    else:
        x_ticks = nice_ticks(span_low, span_high, most=9)
        x_labels = tick_labels(x_ticks)
    _draw_x_axis(draw, tick_font, box, x_ticks, to_x, x_labels)
    y_ticks = nice_ticks(0.0, tallest, most=7)
    _draw_y_axis(draw, tick_font, box, y_ticks, to_y, tick_labels(y_ticks))
    draw.text(((box[0] + box[2]) / 2, box[3] + 26), "decoded value", fill=TEXT_RGB,
              font=label_font, anchor="mt")
    _vertical_text(image, (16, (box[1] + box[3]) / 2), "pixels", label_font)
    return _png_bytes(image)
