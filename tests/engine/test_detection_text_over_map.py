"""Text over the map that belongs to no axis: matplotlib's contour labels (``clabel``) on a
figure whose tick labels are inside the frame. They are beside no side, so never read; they
are text all the same, and are left out of the decoded data."""
import numpy as np
from figures_for_detection import frame_gcps_csv, render_matplotlib_inside
from figures_for_tests import jacksboro_dem
from test_detection_accuracy import grid_on_output
from test_detection_over_map import assert_text_left_out, read_everything

from colormap_decoder.plugin.engine.pipeline import DecodeSettings, decode_map


def test_contour_labels_over_the_map_left_out_unread(tmp_path):
    grid, extent = jacksboro_dem()
    truth = render_matplotlib_inside(grid, extent, tmp_path / "contours.png",
                                     contour_labels=True)
    contour_boxes = truth.notes["contour_labels"]
    assert len(contour_boxes) >= 10
    layout, answers = read_everything(truth.path)
    assert answers.reading.x_axis.placement == "inside"
    assert_text_left_out(layout, contour_boxes, shrink=2.0)

    auto = decode_map(DecodeSettings(figure_path=truth.path, scale_automatic=True))
    left, top, right, bottom = truth.colorbar
    cover = (f"POLYGON(({left - 3} {-top + 3}, {right + 3} {-top + 3}, {right + 3} "
             f"{-bottom - 25}, {left - 3} {-bottom - 25}, {left - 3} {-top + 3}))")
    left, top, right, bottom = truth.frame
    hand = decode_map(DecodeSettings(
        figure_path=truth.path, colormap="terrain", vmin=200, vmax=1200,
        gcps_path=frame_gcps_csv(tmp_path / "gcps.csv", truth), gcp_crs="EPSG:4326",
        mask_geometries=(cover,),
        plot_area_extent=(np.ceil(left), np.floor(right), -np.floor(bottom), -np.ceil(top))))
    shares = []
    for result in (auto, hand):
        expected = grid_on_output(result, grid, extent)
        values = np.asarray(result.values, float)
        data = np.isfinite(expected) & (expected >= 200) & (expected <= 1200)
        error = np.where(np.isfinite(values), np.abs(values - expected), np.inf)[data]
        shares.append(float(np.mean(error > 10.0)))
    print("contour labels | wrong share: auto", shares[0], "hand", shares[1])
    assert shares[0] <= 2 * shares[1] + 0.002, shares
