"""The decoding half of the HTML report: what a user checking a decode wants to look at.

Pictures (matplotlib's Agg canvas, no pyplot, so any thread will do), each embedded as a PNG:

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
import io
import math
from dataclasses import dataclass

import numpy as np

from .regions import extent_to_pixel_box, polygons_mask
from .text_format import decimals_for

#: Longest side of the decoding pictures, in pixels.
PICTURE_SIDE = 760
#: Colour of pixels that are not data in the pictures.
NO_DATA_RGB = (0.93, 0.93, 0.93)
#: Pixels a block of the figure-sized passes (pixel accounting, histogram) looks at at a time.
ACCOUNTING_BLOCK_PIXELS = 1 << 20


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


def decoding_sections(result) -> list:
    """The report's decoding sections: a list of (title, HTML) pairs."""
    e = html.escape
    col0, row0, col1, row1 = (int(round(v)) for v in result.plot_box)
    values = result.field.values[row0:row1, col0:col1]
    sections = []
    if getattr(result, "layout", None) is not None:
        # What was found on the figure (issue 17): frame, colorbar, every label read.
        from .detection.report import found_on_figure_section

        sections.append(found_on_figure_section(result, _img))

    accounting = pixel_accounting(result)
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

    field_png = _field_picture(result, values, with_points=False)
    points_png = _field_picture(result, values, with_points=True)
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
        + _img(_histogram_picture(result, values), "Histogram of the decoded values"))))
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


def _canvas(width_px, height_px, dpi=100):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width_px / dpi, height_px / dpi), dpi=dpi)
    FigureCanvasAgg(figure)
    return figure


def _png(figure):
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _step(shape):
    return max(1, int(math.ceil(max(shape) / PICTURE_SIDE)))


#: Values coloured at a time by :func:`_scale_colours`: the scale's interpolation holds some
#: 120 bytes a value (70 MiB for a whole 760 px picture at once).
COLOUR_BLOCK = 1 << 16


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


def _field_picture(result, values, with_points):
    step = _step(values.shape)
    small = values[::step, ::step]
    rgb = _scale_colours(result, small)
    rows, cols = values.shape
    height = 40 + PICTURE_SIDE * rows / max(rows, cols)
    width = PICTURE_SIDE * cols / max(rows, cols) + 20
    figure = _canvas(width, height)
    axes = figure.add_axes([0.01, 0.02, 0.98, 0.96])
    col0, row0 = result.plot_box[0], result.plot_box[1]
    extent = (col0, col0 + cols, row0 + rows, row0)
    # Handed to matplotlib as 8-bit RGB (its own conversion of float RGB truncates alike):
    # its resampling then holds bytes, not float copies of the picture.
    if with_points:
        faded = 1 - 0.55 * (1 - rgb)
        axes.imshow((faded * 255).astype(np.uint8), extent=extent, interpolation="nearest")
        del faded
        clusters = result.points.clusters
        if len(clusters):
            colours = _scale_colours(result, np.asarray(clusters.value, float))
            axes.scatter(clusters.pixel_x, clusters.pixel_y, s=14, c=colours,
                         edgecolors="#141414", linewidths=0.6, zorder=3)
    else:
        axes.imshow((rgb * 255).astype(np.uint8), extent=extent, interpolation="nearest")
    del rgb
    axes.set_xlim(extent[0], extent[1])
    axes.set_ylim(extent[2], extent[3])
    axes.set_axis_off()
    return _png(figure)


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


def distance_overview(distance, plot_box) -> "DistanceOverview":
    """The :class:`DistanceOverview` of a figure-frame colour distance raster."""
    col0, row0, col1, row1 = (int(round(v)) for v in plot_box)
    box = distance[row0:row1, col0:col1]
    step = _step(box.shape)
    return DistanceOverview(box[::step, ::step].copy(), box.shape,
                            any(np.isfinite(block).any() for block in _rows_of(distance)))


def _distance_picture(overview, threshold):
    from matplotlib import colormaps
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import Normalize

    small = overview.small
    rows, cols = overview.shape
    width = PICTURE_SIDE * cols / max(rows, cols) + 120
    height = PICTURE_SIDE * rows / max(rows, cols) + 40
    figure = _canvas(width, height)
    axes = figure.add_axes([0.01, 0.02, 0.8, 0.96])
    top = max(2.0 * threshold, float(np.nanpercentile(small, 99)) if np.isfinite(small).any()
              else 2.0 * threshold)
    cmap = colormaps["magma_r"].with_extremes(bad=NO_DATA_RGB)
    norm = Normalize(0, top)
    # Coloured here as 8-bit RGB, the pixels above the threshold tinted with 35 % of cool's
    # top colour: matplotlib then resamples bytes, not float copies of the picture.
    rgb = cmap(norm(np.ma.masked_invalid(small)))[..., :3]
    above = small > threshold
    rgb[above] = 0.65 * rgb[above] + 0.35 * np.asarray(colormaps["cool"](1.0)[:3])
    axes.imshow((rgb * 255).astype(np.uint8), interpolation="nearest")
    del rgb
    axes.set_axis_off()
    bar_axes = figure.add_axes([0.86, 0.08, 0.04, 0.84])
    bar = figure.colorbar(ScalarMappable(norm, cmap), cax=bar_axes)
    bar.set_label("ΔE to the colour scale")
    bar_axes.axhline(threshold, color="#00a0ff", linestyle="--", linewidth=2)
    bar_axes.text(1.3, threshold, f"threshold {threshold:g}", transform=bar_axes.get_yaxis_transform(),
                  fontsize=7, va="bottom", color="#006090")
    return _png(figure)


def _scale_picture(result):
    """The colour scale as used, and beside it the named colormap when the scale was sampled."""
    mapping, scale = result.mapping, result.decoder.scale
    fractions = np.linspace(0.0, 1.0, 512)
    strips = [(f"used: {scale.name}", scale.colour_at(fractions))]
    note = f"The colour scale the pixels were matched against ({scale.name}), with its values."
    named = (result.settings.colormap or "").strip()
    if scale.sampled_from_figure and named:
        try:
            from .colour_scales import resolve_colour_scale

            other = resolve_colour_scale(named, result.settings.qgis_resources)
            strips.append((f"named: {other.name}", other.colour_at(fractions)))
            note = (f"Sampled from the figure's colorbar (top) and, for comparison, the named "
                    f"colormap {other.name} (bottom): they should match.")
        except Exception:  # noqa: BLE001 - only a comparison picture
            pass
    figure = _canvas(PICTURE_SIDE, 70 + 45 * len(strips))
    height = 1.0 / (len(strips) + 1.2)
    for index, (label, colours) in enumerate(strips):
        axes = figure.add_axes([0.2, 1 - (index + 1) * height, 0.76, height * 0.8])
        axes.imshow(colours[None, :, :], aspect="auto", extent=(0, 1, 0, 1))
        axes.set_yticks([])
        axes.set_ylabel(label, rotation=0, ha="right", va="center", fontsize=8)
        if index < len(strips) - 1:
            axes.set_xticks([])
        else:
            ticks = np.linspace(0, 1, 6)
            digits = decimals_for(result.decoder.value_resolution)
            axes.set_xticks(ticks)
            axes.set_xticklabels([f"{v:.{digits}f}" if not mapping.logarithmic else f"{v:.3g}"
                                  for v in mapping.to_value(ticks)], fontsize=8)
    return _png(figure), note


def _histogram_picture(result, values):
    # Block by block of rows: the finite values of the whole plot area are never gathered.
    low, high, positive, any_finite = np.inf, -np.inf, True, False
    for block in _rows_of(values):
        finite = block[np.isfinite(block)]
        if finite.size:
            any_finite = True
            low, high = min(low, finite.min()), max(high, finite.max())
            positive = positive and bool(np.all(finite > 0))
    figure = _canvas(PICTURE_SIDE, 300)
    axes = figure.add_axes([0.1, 0.17, 0.86, 0.75])
    mapping = result.mapping
    if any_finite:
        if mapping.logarithmic and positive:
            edges = np.geomspace(mapping.vmin, mapping.vmax, 61)
            axes.set_xscale("log")
        else:
            edges = np.linspace(min(mapping.vmin, low), max(mapping.vmax, high), 61)
        counts = sum(np.histogram(block[np.isfinite(block)], bins=edges)[0]
                     for block in _rows_of(values))
        centres = (edges[:-1] + edges[1:]) / 2
        axes.bar(edges[:-1], counts, width=np.diff(edges), align="edge",
                 color=_scale_colours(result, centres), edgecolor="#555555", linewidth=0.3)
    axes.set_xlabel("decoded value")
    axes.set_ylabel("pixels")
    return _png(figure)
