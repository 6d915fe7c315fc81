"""matplotlib's offset text at a colorbar's end taken with its labels
(figure_reading._Reader.bar_offset_text, _apply_bar_offset).

sweep_auto_decode --wide --wider 284 #0 (matplotlib contourf, classic style, 150 dpi JPEG):
the bar runs 12240 to 12480, and matplotlib's ScalarFormatter writes '240' to '480' with
'+1.2e4' above the bar's top. Read as values, VMIN and VMAX were 240 and 480 (5000 % of the
range off, every pixel wrong) and nothing said so. Values as small as 1e-5 are written as
multiples of the power of ten written at the bar's end ('1e-5'); where OCR drops its '1'
('e-5', DejaVu Sans 10 pt at 120 dpi) the range is refused (VMIN), never read as '1'-'5'.

Real figures drawn by matplotlib (its default style), vertical and horizontal bars.
"""
import matplotlib
import numpy as np
import pytest

from colormap_decoder.plugin.engine.detection.figure_reading import read_figure_face
from colormap_decoder.plugin.engine.detection.layout import detect_layout
from colormap_decoder.plugin.engine.figure import read_figure

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402 - after choosing the backend


def render(path, vmin, vmax, horizontal, style, dpi=120):
    """A smooth field from vmin to vmax in degrees, its colorbar beside or below, in a
    matplotlib ``style``; returns the figure's pixels and the offset text matplotlib drew."""
    rows, cols = np.mgrid[0:50, 0:70]
    field = vmin + (vmax - vmin) * (0.5 + 0.25 * np.sin(cols / 8.0) + 0.25 * np.cos(rows / 6.0))
    with plt.style.context(style):
        return _draw(path, field, vmin, vmax, horizontal, dpi)


def _draw(path, field, vmin, vmax, horizontal, dpi):
    figure, axes = plt.subplots(figsize=(7.0, 5.5), dpi=dpi)
    image = axes.imshow(field, cmap="viridis", extent=(-20, 15, 30, 55), vmin=vmin,
                        vmax=vmax, interpolation="nearest")
    bar = figure.colorbar(image, orientation="horizontal" if horizontal else "vertical")
    figure.canvas.draw()
    axis = bar.ax.xaxis if horizontal else bar.ax.yaxis
    offset = axis.get_offset_text().get_text()
    figure.savefig(path, dpi=dpi)
    plt.close(figure)
    return read_figure(str(path)).rgb, offset


@pytest.mark.parametrize("vmin, vmax, horizontal, style", [
    (12240.0, 12480.0, False, "classic"), (1000240.0, 1000480.0, False, "default"),
    (1000240.0, 1000480.0, True, "default"), (1e-5, 5e-5, False, "default")])
def test_colorbar_labels_taken_with_the_offset_text(tmp_path, vmin, vmax, horizontal, style):
    rgb, offset = render(tmp_path / "figure.png", vmin, vmax, horizontal, style)
    assert offset  # matplotlib wrote the labels relative to it
    reading = read_figure_face(rgb, detect_layout(rgb))
    bar = reading.colorbar
    assert bar is not None
    if bar.vmin is None:
        assert "relative to the text" in bar.axis.problem and vmax < 1e-3, bar.axis.problem
        return
    span = vmax - vmin
    assert abs(bar.vmin - vmin) <= 0.005 * span and abs(bar.vmax - vmax) <= 0.005 * span, \
        (bar.vmin, bar.vmax, offset)
