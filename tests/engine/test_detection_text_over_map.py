"""Text over the map that belongs to no axis: matplotlib's contour labels (``clabel``) on a
figure whose tick labels are inside the frame. They are beside no side, so never read; they
are text all the same, and are left out of the decoded data."""
from figures_for_detection import render_matplotlib_inside
from figures_for_tests import jacksboro_dem
from test_detection_over_map import assert_text_left_out, inside_figure_wrong_shares, read_everything


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
