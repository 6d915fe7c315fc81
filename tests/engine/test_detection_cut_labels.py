"""Y labels cropped through by the figure's edge are never taken in silence.

A figure cropped tight on its left side can lose the leading characters of every y label
wholly beyond the edge, with the gap after them left inside: '5,185,000' ... '5,160,000' then
read '185,000' ... '160,000', still evenly spaced, so the tick fit takes them and the map lands
5,000 km off. The ink left starts a few pixels from the edge, so the check for labels touching
it (figure_reading.CUT_BY_EDGE) does not fire. Labels ending closer to the edge than half their
text's height (figure_reading.EDGE_GAP_HEIGHTS) are now warned about, naming GCPS. Before,
three of the four styles below were taken in silence (the fourth's y axis is refused).
"""
import numpy as np
import pytest
from figures_for_detection import utm_map_with_comma_labels

from colormap_decoder.plugin.engine.detection.figure_reading import read_figure_face
from colormap_decoder.plugin.engine.detection.layout import detect_layout
from colormap_decoder.plugin.engine.figure import read_figure

STYLES = [("Nimbus Sans", 10, 300), ("DejaVu Sans", 12, 200), ("DejaVu Serif", 10, 250),
          ("DejaVu Sans", 10, 100)]


def render(path, font, size, dpi):
    """A UTM map with y labels '5,185,000' ...: the figure, and the column where the text
    '5,' of the longest label ends (its layout box, pixels from the figure's left)."""
    with utm_map_with_comma_labels(font, size, dpi) as (figure, axes):
        figure.savefig(path, dpi=dpi)
        renderer = figure.canvas.get_renderer()
        labels = [label for label in axes.get_yticklabels() if label.get_text()]
        start = min(label.get_window_extent(renderer).x0 for label in labels)
        probe = figure.text(0, 0, "5,", fontproperties=labels[0].get_fontproperties())
        prefix = probe.get_window_extent(renderer).width
    return read_figure(str(path)).rgb, int(round(start + prefix))


def edge_warnings(reading):
    return [warning for warning in reading.warnings if "figure's left edge" in warning]


@pytest.mark.parametrize("font, size, dpi", STYLES)
def test_labels_cropped_through_are_warned_or_refused(tmp_path, font, size, dpi):
    rgb, cut = render(tmp_path / "map.png", font, size, dpi)
    whole = read_figure_face(rgb, detect_layout(rgb), want_colorbar=False)
    assert whole.y_axis.fit is not None
    assert [label.value for label in whole.y_axis.kept][:2] == [5185000, 5180000]
    assert edge_warnings(whole) == []

    cropped = np.ascontiguousarray(rgb[:, cut:])
    reading = read_figure_face(cropped, detect_layout(cropped), want_colorbar=False)
    axis = reading.y_axis
    if axis is not None and axis.fit is not None:
        assert all(label.text.startswith("1") for label in axis.kept)  # '5,' lost
        warned = edge_warnings(reading)
        assert len(warned) == 1 and "GCPS" in warned[0]
        assert "'185,000'" in warned[0]
    assert reading.x_axis.fit is not None  # the x axis, whole, still read
