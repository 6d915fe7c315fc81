"""A colorbar found short of an end: its labels beyond the part found are read and move the end.

bench/sweep_auto_decode.py --wide, seed 51 figure 5 (matplotlib's bmh style, viridis_r, a
horizontal bar, 400 dpi, JPEG q65): the bar was found from x 950 instead of 689, its pale
yellow third left out; its '-500' label lay beyond the part found and was never looked at, the
other labels fitted, and the range came out -250..1500 for -500..1500 (12.5 % off) with
nothing said. Here real matplotlib figures have their detected bar cut short at one end (as
that detection did), and the reading must find the labels beyond it on the line through the
others, and the bar's colours running on to them: the end goes back within 2 px, the range
within 0.5 % of it.
"""
import numpy as np
import pytest
from figures_for_detection import lonlat_topobathy, render_matplotlib

from colormap_decoder.plugin.engine.detection import figure_reading
from colormap_decoder.plugin.engine.detection.figure_reading import read_figure_face
from colormap_decoder.plugin.engine.detection.layout import detect_layout
from colormap_decoder.plugin.engine.figure import read_figure

LOW, HIGH = -500.0, 1500.0


@pytest.mark.parametrize("horizontal, end, share, dpi, jpeg_quality, cmap", [
    (True, 0, 0.13, 200, 65, "viridis_r"),   # the sweep's case: the pale low end lost
    (True, 0, 0.3, 100, None, "viridis_r"),
    (True, 1, 0.2, 150, 80, "magma"),
    (False, 0, 0.2, 100, None, "cividis"),    # a vertical bar's bottom (low) end
    (False, 1, 0.3, 150, 70, "YlGnBu"),
])
def test_bar_found_short_goes_back_to_its_labels(tmp_path, monkeypatch, horizontal, end, share,
                                                 dpi, jpeg_quality, cmap):
    grid, extent = lonlat_topobathy()
    suffix = "jpg" if jpeg_quality else "png"
    truth = render_matplotlib(grid, extent, tmp_path / f"fig.{suffix}", cmap=cmap, vmin=LOW,
                              vmax=HIGH, horizontal_bar=horizontal, dpi=dpi,
                              jpeg_quality=jpeg_quality, contours=False)
    rgb = read_figure(truth.path).rgb

    def cut_layout():
        layout = detect_layout(rgb)
        box = list(layout.colorbar.box)
        assert np.abs(np.array(box) - np.array(truth.colorbar)).max() <= 2.0
        # The end cut: the low end is the left (horizontal) or the bottom (vertical) one.
        index = (0 if end == 0 else 2) if horizontal else (3 if end == 0 else 1)
        length = (box[2] - box[0]) if horizontal else (box[3] - box[1])
        box[index] += (share * length) * (1 if index in (0, 1) else -1)
        layout.colorbar.box = tuple(box)
        return layout

    # The fault is real: read from the part found, the range is wrong, with nothing said.
    with monkeypatch.context() as unchecked:
        unchecked.setattr(figure_reading._Reader, "labels_beyond_bar_ends",
                          lambda self, axis, bar: "")
        reading = read_figure_face(rgb, cut_layout(), want_axes=False)
        error = max(abs(reading.colorbar.vmin - LOW), abs(reading.colorbar.vmax - HIGH))
        assert error > 0.05 * (HIGH - LOW), (reading.colorbar.vmin, reading.colorbar.vmax)
    layout = cut_layout()
    reading = read_figure_face(rgb, layout, want_axes=False)
    print(reading.messages)
    assert any("found short of its" in message for message in reading.messages)
    assert np.abs(np.array(layout.colorbar.box) - np.array(truth.colorbar)).max() <= 2.0, \
        (layout.colorbar.box, truth.colorbar)
    error = max(abs(reading.colorbar.vmin - LOW), abs(reading.colorbar.vmax - HIGH))
    assert error <= 0.005 * (HIGH - LOW), (reading.colorbar.vmin, reading.colorbar.vmax)
