"""A logarithmic colorbar whose labels are written by one format with thousands grouped
('{x:,g}': '0.001' ... '1,000'): its separators are not at odds (issue 17).

comma39 refused a legend's range when one label had a point before three digits and another
grouped thousands with a comma ('3.500m' beside '1,000m': a comma misread on a QGIS legend,
:func:`.label_checks.separators_at_odds`). On a log bar one format writes both: matplotlib's
``StrMethodFormatter('{x:,g}')`` labels 0.001 '0.001' and 1000 '1,000', and the range was
refused though every label was read right. The check holds for a linear bar's two labels
only, where no fit tells a misread one.
"""
import matplotlib
import numpy as np
import pytest
from figures_for_detection import lonlat_topobathy

from colormap_decoder.plugin.engine.detection.figure_reading import read_figure_face
from colormap_decoder.plugin.engine.detection.layout import detect_layout
from colormap_decoder.plugin.engine.figure import read_figure

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402 - after choosing the backend
from matplotlib import colors, ticker  # noqa: E402


@pytest.mark.parametrize("dpi", [100, 150])
def test_log_bar_labels_with_grouped_thousands_read(tmp_path, dpi):
    grid, _ = lonlat_topobathy()
    # The grid's heights made a positive field over six decades: 10 ** (-3 ... 3).
    field = 10.0 ** (-3 + 6 * (grid - grid.min()) / np.ptp(grid))
    figure, axes = plt.subplots(figsize=(6, 4.5))
    image = axes.imshow(field, cmap="viridis", norm=colors.LogNorm(1e-3, 1e3),
                        extent=(-125, -120, 45, 50))
    bar = figure.colorbar(image, ax=axes, format=ticker.StrMethodFormatter("{x:,g}"))
    texts = [label.get_text() for label in bar.ax.get_yticklabels()]
    path = tmp_path / "log_bar.png"
    figure.savefig(path, dpi=dpi)
    plt.close(figure)
    assert "1,000" in texts and "0.001" in texts, texts  # the format writes both
    rgb = read_figure(str(path)).rgb
    reading = read_figure_face(rgb, detect_layout(rgb), want_axes=False).colorbar
    assert reading.axis.fit is not None and reading.axis.fit.logarithmic, reading.axis.problem
    assert reading.vmin == pytest.approx(1e-3, rel=0.02), reading.axis.problem
    assert reading.vmax == pytest.approx(1e3, rel=0.02), reading.axis.problem
