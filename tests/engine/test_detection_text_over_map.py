"""Text over the map that belongs to no axis: matplotlib's contour labels (``clabel``) on a
figure whose tick labels are inside the frame. They are beside no side, so never read; they
are text all the same, and are left out of the decoded data."""
import numpy as np
from figures_for_detection import render_matplotlib_inside
from figures_for_tests import jacksboro_dem
from test_detection_over_map import (
    assert_text_left_out,
    inside_figure_wrong_shares,
    read_everything,
    separate_labels,
)

from colormap_decoder.plugin.engine.figure import read_figure


def test_contour_labels_over_the_map_left_out_unread(tmp_path):
    grid, extent = jacksboro_dem()
    truth = render_matplotlib_inside(grid, extent, tmp_path / "contours.png",
                                     contour_labels=True)
    contour_boxes = truth.notes["contour_labels"]
    assert len(contour_boxes) >= 10
    layout, answers = read_everything(truth.path)
    assert answers.reading.x_axis.placement == "inside"
    assert_text_left_out(layout, contour_boxes, truth.path, shrink=2.0)

    shares = inside_figure_wrong_shares(truth, grid, extent, tmp_path)
    print("contour labels | wrong share: auto", shares[0], "hand", shares[1])
    assert shares[0] <= 2 * shares[1] + 0.002, shares


def test_labels_on_a_white_buffer_left_out_as_their_boxes(tmp_path):
    """Tick labels inside the frame drawn over a white buffer (a stroke 3 points wide round
    the glyphs): the buffer is no data, and its white is terrain's top colour, which would
    decode as 1200 m. The labels' ink alone would leave it in; the label is left out whole,
    its box and 3 px round it, as before glyph masks were used."""
    grid, extent = jacksboro_dem()
    truth = render_matplotlib_inside(grid, extent, tmp_path / "buffer.png", label_buffer=True)
    layout, answers = read_everything(truth.path)
    assert answers.reading.x_axis.placement == "inside"
    rgb = read_figure(truth.path).rgb
    left_out = layout.text_mask(rgb)
    labels = separate_labels(truth.notes["labels"], truth.frame)
    axis_labels = [box for box in labels if box[3] < truth.colorbar[1] - 5
                   or box[1] > truth.colorbar[3] + 30]
    assert len(axis_labels) >= 10
    for col0, row0, col1, row1 in axis_labels:
        inner = left_out[int(np.ceil(row0)) + 1:int(row1) - 1, int(np.ceil(col0)) + 1:int(col1) - 1]
        assert inner.all(), ((col0, row0, col1, row1), int((~inner).sum()))
    assert_text_left_out(layout, labels, truth.path, shrink=2.0)

    shares = inside_figure_wrong_shares(truth, grid, extent, tmp_path)
    print("buffered labels | wrong share: auto", shares[0], "hand", shares[1])
    assert shares[0] <= 2 * shares[1] + 0.002, shares
