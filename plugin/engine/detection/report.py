"""An HTML page showing what was found on a figure, checkable in one look.

The figure is drawn with the map frame (blue), the colorbar (magenta) and every tick label read
(green: kept by the fit, red: rejected), each with the value read; beside it a table of the
parameters found, the labels with their positions, the fits' residuals in pixels, and what
could not be found with the parameter to give by hand.
"""
import base64
import html

from ..writing import write_text

FRAME_COLOUR = (30, 90, 255)
COLORBAR_COLOUR = (220, 0, 200)
KEPT_COLOUR = (0, 170, 60)
REJECTED_COLOUR = (230, 30, 30)


#: Longest side of the annotated picture, in pixels: the figure at full size up to this, every
#: step-th pixel beyond (as the report's other picture of the figure), so that the picture and
#: its PNG stay a few megapixels whatever the figure.
PICTURE_MAX_SIDE = 3000


def annotated_figure(rgb, findings) -> bytes:
    """The figure as a PNG (bytes) with the findings drawn on it.

    A figure longer than :data:`PICTURE_MAX_SIDE` is drawn at every step-th pixel, the
    findings at their places scaled by the same step (lines keep their width in pixels).
    """
    from ..report import RecordedDrawing, figure_png, picture_step

    step = picture_step(rgb, PICTURE_MAX_SIDE)
    size = (-(-rgb.shape[1] // step), -(-rgb.shape[0] // step))
    # Drawn and encoded a band of rows at a time: a band's few bytes a pixel, not the whole
    # picture's 4 (8 MiB of a 2 MP report's peak).
    draw = RecordedDrawing()

    def at(*coordinates):
        return tuple(value / step for value in coordinates)

    layout = findings.layout
    width = max(1, int(round(min(size) / 300)))
    if layout.frame is not None:
        draw.rectangle(at(*layout.frame.box), outline=FRAME_COLOUR, width=width)
    if layout.colorbar is not None:
        draw.rectangle(at(*layout.colorbar.box), outline=COLORBAR_COLOUR, width=width)
    reading = findings.reading
    if reading is not None:
        axes = [reading.x_axis, reading.y_axis]
        if reading.colorbar is not None:
            axes.append(reading.colorbar.axis)
        for axis in axes:
            if axis is None:
                continue
            horizontal = axis.side in ("top", "bottom")
            for label in axis.labels:
                colour = KEPT_COLOUR if label.kept else REJECTED_COLOUR
                col0, row0, col1, row1 = at(*label.box)
                draw.rectangle((col0 - 1, row0 - 1, col1, row1), outline=colour, width=1)
                # The tick position used, as a short line across the label's side.
                p = label.position / step
                if horizontal:
                    draw.line((p, row0 - 6, p, row0 - 2), fill=colour, width=width)
                else:
                    draw.line((col0 - 6, p, col0 - 2, p), fill=colour, width=width)
    return figure_png(rgb, step, draw)


def write_findings_report(path, rgb, findings, title="What the figure says about itself") -> None:
    """Write the findings as a self-contained HTML page (the picture embedded).

    Parameters
    ----------
    path : str
    rgb : ndarray of uint8
    findings : findings.FigureFindings
    """
    picture = base64.b64encode(annotated_figure(rgb, findings)).decode("ascii")
    e = html.escape
    rows = "".join(f"<tr><th>{e(str(k))}</th><td>{e(_format(v))}</td></tr>"
                   for k, v in findings.parameters.items())
    problems = "".join(f"<li>{e(p)}</li>" for p in findings.problems) or "<li>none</li>"
    messages = "".join(f"<li>{e(m)}</li>" for m in findings.messages)
    labels = ""
    reading = findings.reading
    if reading is not None:
        axes = [("x axis", reading.x_axis), ("y axis", reading.y_axis)]
        if reading.colorbar is not None:
            axes.append(("colorbar", reading.colorbar.axis))
        for name, axis in axes:
            if axis is None:
                continue
            fit = axis.fit
            summary = (f"{'logarithmic' if fit.logarithmic else 'linear'} fit, residuals RMS "
                       f"{fit.rmse_px:.2f} px, max {fit.max_residual_px:.2f} px"
                       if fit is not None else f"no fit: {axis.problem}")
            body = "".join(
                f"<tr class='{'kept' if label.kept else 'rejected'}'><td>{e(label.text)}</td>"
                f"<td>{'' if label.value is None else f'{label.value:g}'}</td>"
                f"<td>{label.position:.2f}</td><td>{'kept' if label.kept else 'rejected'}</td>"
                f"<td>{'' if fit is None or not label.kept else _residual(fit, label)}</td></tr>"
                for label in axis.labels)
            labels += (f"<h3>{e(name)} ({e(axis.side)} side): {e(summary)}</h3><table>"
                       "<tr><th>text read</th><th>value</th><th>position (px)</th><th></th>"
                       f"<th>residual (px)</th></tr>{body}</table>")
    page = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{e(title)}</title>
<style>body{{font-family:sans-serif;margin:1em}} img{{max-width:100%;border:1px solid #ccc}}
td,th{{padding:2px 8px;text-align:left}} tr.rejected td{{color:#c00}} tr.kept td{{color:#070}}
</style></head><body>
<h1>{e(title)}</h1>
<p>Blue: map frame. Magenta: colorbar. Green: tick labels kept by the fit; red: rejected.
A short line marks the position each label gives its tick.</p>
<a href="data:image/png;base64,{picture}"><img alt="the figure with what was found"
 src="data:image/png;base64,{picture}"></a>
<h2>Parameters found</h2><table>{rows}</table>
<h2>Not found (give by hand)</h2><ul>{problems}</ul>
<h2>Tick labels</h2>{labels or '<p>not read</p>'}
<h2>Log</h2><ul>{messages}</ul>
</body></html>
"""
    write_text(path, page, parameter="OUTPUT_REPORT")


def _residual(fit, label):
    return f"{float(fit.position_of(label.value) - label.position):+.2f}"


def _format(value):
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


_FOUND_PREFIXES = ("PLOT_AREA not given", "Colorbar found", "No colorbar", "Colorbar labels",
                   "Value range read", "The colorbar is discrete", "X axis labels",
                   "Y axis labels", "GCPS made", "GCP_CRS not given", "Colormap recognised",
                   "The x axis labels", "The y axis labels", "Extension triangle",
                   "The colorbar is on a legend box", "The colorbar has two labels")


def found_on_figure_section(result, image_html) -> tuple:
    """A (title, HTML) section of the decode report: the figure with what was found on it, and
    the log lines that say so.

    Parameters
    ----------
    result : pipeline.DecodeResult
        With ``layout`` (and ``layout.reading`` when labels were read).
    image_html : callable(png_bytes, alt) -> str
    """
    from types import SimpleNamespace

    layout = result.layout
    findings = SimpleNamespace(layout=layout, reading=getattr(layout, "reading", None))
    picture = image_html(annotated_figure(result.figure.rgb, findings),
                         "the figure with the frame, the colorbar and the labels read")
    lines = "".join(f"<li>{html.escape(message)}</li>" for message in result.messages
                    if message.startswith(_FOUND_PREFIXES))
    return ("Found on the figure", (
        "<p>Blue: map frame. Magenta: colorbar. Green: tick labels kept by the fit; red: "
        "rejected. Give the matching parameter to correct any of it.</p>" + picture
        + f"<ul>{lines}</ul>"))
