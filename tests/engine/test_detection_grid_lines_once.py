"""Grid lines across the map searched once per frame box and axis while a figure is read
(figure_reading._Reader.grid_lines): the sides' readers ask for them where labels have no
tick marks to hang on, the inside labels' reader too, and the whole face is read again when
digits are re-read. The bundled sample searched 10 times for one box's lines along x and y,
matplotlib's labels inside the frame 20 times (perf44: 0.04 s a search at 1 MP, 0.2 s at
12 MP). The lines handed out are read-only (every caller gets the same array) and the
reading is the one a fresh search each time gives.
"""
import collections

import pytest
from figures_for_detection import lonlat_topobathy, render_matplotlib_inside
from sample_figure import FIGURE

from colormap_decoder.plugin.engine.detection import figure_reading
from colormap_decoder.plugin.engine.detection.figure_reading import read_figure_face
from colormap_decoder.plugin.engine.detection.layout import detect_layout
from colormap_decoder.plugin.engine.figure import read_figure


def inside_frame_figure(tmp_path):
    """matplotlib's topography in degrees west, its tick labels inside the frame."""
    grid, extent = lonlat_topobathy()
    return render_matplotlib_inside(grid, extent, tmp_path / "inside.png").path


def axes_found(reading):
    """Each axis' labels (text, tick position) and fit, as read."""
    return [(None if axis is None else
             ([(label.text, label.tick_position) for label in axis.labels],
              None if axis.fit is None else (axis.fit.slope, axis.fit.offset)))
            for axis in (reading.x_axis, reading.y_axis)]


@pytest.mark.parametrize("figure", ["sample", "inside"])
def test_grid_lines_searched_once_per_frame_box(tmp_path, monkeypatch, figure):
    path = FIGURE if figure == "sample" else inside_frame_figure(tmp_path)
    rgb = read_figure(str(path)).rgb
    searches, handed = collections.Counter(), []
    real_search, real_grid_lines = figure_reading.find_grid_lines, figure_reading._Reader.grid_lines

    def counted_search(image, box, axis):
        searches[(tuple(box), axis)] += 1
        return real_search(image, box, axis)

    def handed_out(reader, axis):
        handed.append(real_grid_lines(reader, axis))
        return handed[-1]

    monkeypatch.setattr(figure_reading, "find_grid_lines", counted_search)
    monkeypatch.setattr(figure_reading._Reader, "grid_lines", handed_out)
    once = axes_found(read_figure_face(rgb, detect_layout(rgb)))
    assert searches and set(searches.values()) == {1}, searches
    assert len(handed) > len(searches)  # asked again, not searched again
    assert not any(lines.flags.writeable for lines in handed)

    # A fresh search at every question reads the same.
    monkeypatch.setattr(figure_reading._Reader, "grid_lines", lambda reader, axis: real_search(
        reader.rgb, reader.layout.frame.box, axis))
    assert axes_found(read_figure_face(rgb, detect_layout(rgb))) == once
