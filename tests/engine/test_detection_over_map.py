"""Text written over the map, inside its frame: cartopy's inline gridline labels, GMT's
annotations inside the frame (``MAP_FRAME_TYPE=inside``), a colorbar straight on the map with
its labels over the map's colours (matplotlib's inset colorbar, GMT's ``psscale -DjBR``).

Each figure is read with nothing given (degrees: EPSG:4326 assumed) and checked against the
renderer's own truth: the frame and the bar within 2 px, the value range within 0.5 % of the
range, the GCP fit within a pixel, every label drawn over the map left out of the decoded data,
and the automatic decode within twice the error of the hand-given one.
"""
import numpy as np
import pytest
from figures_for_detection import (
    age_grid,
    age_mercator_to_pixel,
    frame_gcps_csv,
    render_cartopy_inline,
    render_gmt_age_inside,
    render_matplotlib_inside,
    sst_lonlat,
)
from figures_for_tests import jacksboro_dem
from test_detection_accuracy import (
    geographic_truth_on_output,
    gmt_age_gcp_errors,
    grid_on_output,
    write_gmt_age_corner_gcps,
    wrong_class_share,
)
from test_detection_reading import assert_axes_georeference, assert_range_close

from colormap_decoder.plugin.engine.detection.answers import Needs, answer_from_figure
from colormap_decoder.plugin.engine.detection.layout import detect_layout
from colormap_decoder.plugin.engine.errors import EngineError
from colormap_decoder.plugin.engine.figure import read_figure
from colormap_decoder.plugin.engine.pipeline import DecodeSettings, decode_map


def read_everything(path):
    figure = read_figure(str(path))
    layout = detect_layout(figure.rgb)
    answers = answer_from_figure(DecodeSettings(figure_path=str(path), scale_automatic=True),
                                 figure, layout, Needs(value_range=True, scale=True, gcps=True))
    return layout, answers


def assert_box_close(found, truth, what, pixels=2.0):
    error = np.abs(np.array(found, float) - np.array(truth, float))
    assert error.max() <= pixels, (what, found, truth)


def assert_text_left_out(layout, boxes, path, shrink=1.0):
    """Every label's ink (in its box shrunk by ``shrink`` px: its glyphs' black pixels, no
    channel above :data:`INK_LEVEL`) and the pixel each side of it along the rows and columns
    (its anti-aliased edge) are left out of the decoding: within a box left out whole, or
    among the text's own pixels (``layout.text_mask``)."""
    rgb = read_figure(str(path)).rgb
    left_out = layout.text_mask(rgb)
    for box, margin in layout.excluded_boxes():
        col0, row0, col1, row1 = (int(np.floor(v)) for v in box)
        left_out[max(row0 - margin, 0):row1 + margin, max(col0 - margin, 0):col1 + margin] = True
    black = rgb.max(axis=2) <= INK_LEVEL
    edge = black.copy()
    edge[1:] |= black[:-1]
    edge[:-1] |= black[1:]
    edge[:, 1:] |= black[:, :-1]
    edge[:, :-1] |= black[:, 1:]
    for col0, row0, col1, row1 in boxes:
        c0, r0 = int(np.ceil(col0 + shrink)), int(np.ceil(row0 + shrink))
        c1, r1 = int(np.floor(col1 - shrink)), int(np.floor(row1 - shrink))
        assert black[r0:r1, c0:c1].any(), ("no ink in the label box", (c0, r0, c1, r1))
        missed = edge[r0:r1, c0:c1] & ~left_out[r0:r1, c0:c1]
        assert not missed.any(), ((col0, row0, col1, row1), int(missed.sum()))


#: Brightest channel (0-255) of a black label's glyph pixel, JPEG noise included: above every
#: colour of the test figures' colormaps but the dark ends the labels left out by
#: :func:`visible` stand on.
INK_LEVEL = 60


def visible(boxes, path):
    """The label boxes whose surroundings are not nearly black: black text on magma's black
    end cannot be told from the map (and its pixels decode as that end either way)."""
    rgb = read_figure(str(path)).rgb
    kept = []
    for col0, row0, col1, row1 in boxes:
        c0, r0, c1, r1 = int(col0) - 3, int(row0) - 3, int(np.ceil(col1)) + 3, int(np.ceil(row1)) + 3
        ring = np.concatenate([rgb[r0, c0:c1], rgb[r1, c0:c1], rgb[r0:r1, c0], rgb[r0:r1, c1]])
        if np.median(ring.max(axis=1)) >= 80:
            kept.append((col0, row0, col1, row1))
    return kept


def nearest_cell_truth(result, grid, extent):
    """The drawn grid's cell (no interpolation: cartopy draws the 2° cells as blocks) at each
    output pixel's centre."""
    gt = result.grid.geotransform
    rows, cols = np.mgrid[0:result.grid.height, 0:result.grid.width] + 0.5
    mx, my = gt[0] + cols * gt[1] + rows * gt[2], gt[3] + cols * gt[4] + rows * gt[5]
    west, east, south, north = extent
    col = np.floor((mx - west) / (east - west) * grid.shape[1]).astype(int)
    row = np.floor((north - my) / (north - south) * grid.shape[0]).astype(int)
    inside = (col >= 0) & (col < grid.shape[1]) & (row >= 0) & (row < grid.shape[0])
    truth = np.full(mx.shape, np.nan)
    truth[inside] = grid[row[inside], col[inside]]
    return truth


def wrong_share(result, truth, low, high):
    """Share of the true data pixels decoded off by more than 1 % of the range (or not at all)."""
    values = np.asarray(result.values, float)
    data = np.isfinite(truth) & (truth >= low) & (truth <= high)
    error = np.where(np.isfinite(values), np.abs(values - truth), np.inf)[data]
    return float(np.mean(error > 0.01 * (high - low)))


@pytest.mark.parametrize("inline, cmap, jpeg_quality", [
    ("x", "plasma", None), ("y", "plasma", None), ("x", "cividis", 75), ("y", "magma", 75)])
def test_cartopy_inline_gridline_labels(tmp_path, shared_data, inline, cmap, jpeg_quality):
    """cartopy's inline labels (x_inline: longitudes centred on their meridians halfway
    between parallels; y_inline: latitudes on their parallels, repeated at two meridians):
    read over the map, placed by the grid lines, GCPs within a pixel of cartopy's transform,
    every label left out of the data, and the decode within twice the hand-given one's error."""
    grid, extent = sst_lonlat(shared_data)
    truth = render_cartopy_inline(grid, extent, tmp_path / ("inline.jpg" if jpeg_quality
                                                            else "inline.png"),
                                  (-80, 0, 0, 60), x_inline=inline == "x",
                                  y_inline=inline == "y", cmap=cmap, jpeg_quality=jpeg_quality)
    layout, answers = read_everything(truth.path)
    assert_box_close(layout.frame.box, truth.frame, "frame")
    reading = answers.reading
    axis = reading.x_axis if inline == "x" else reading.y_axis
    assert axis.placement == "inline", axis
    assert len({label.value for label in axis.kept}) >= 3
    assert_axes_georeference(reading, truth)
    assert_range_close(reading.colorbar, truth.value_range)
    assert len(truth.notes["labels"]) >= 6
    assert_text_left_out(layout, visible(truth.notes["labels"], truth.path), truth.path)

    auto = decode_map(DecodeSettings(figure_path=truth.path, scale_automatic=True))
    assert any("over the map at their grid lines" in message for message in auto.messages)
    left, top, right, bottom = truth.frame
    lines = ["pixel_x,pixel_y,map_x,map_y"]
    for x, y in ((left, top), (right, top), (left, bottom), (right, bottom)):
        mx, my = truth.pixel_to_map(x, y)
        lines.append(f"{x!r},{y!r},{float(mx)!r},{float(my)!r}")
    (tmp_path / "gcps.csv").write_text("\n".join(lines) + "\n")
    low, high = truth.value_range
    hand = decode_map(DecodeSettings(
        figure_path=truth.path, colormap=cmap, vmin=low, vmax=high,
        gcps_path=str(tmp_path / "gcps.csv"), gcp_crs="EPSG:4326",
        plot_area_extent=(np.ceil(left), np.floor(right), -np.floor(bottom), -np.ceil(top))))
    shares = [wrong_share(result, nearest_cell_truth(result, truth.grid, extent), low, high)
              for result in (auto, hand)]
    print(inline, "inline", cmap, jpeg_quality, "| wrong share: auto", shares[0], "hand",
          shares[1])
    assert shares[0] <= 2 * shares[1] + 0.002, shares


def test_cartopy_inline_labels_naming_too_few_parallels_asks_for_gcps(tmp_path, shared_data):
    """Both axes inline where cartopy drops the longitude labels (they collide with the
    latitudes'): the x axis has no labels anywhere, so GCPS is asked for by name, never a
    guess."""
    grid, extent = sst_lonlat(shared_data)
    truth = render_cartopy_inline(grid, extent, tmp_path / "both.png", (-80, 0, 0, 60),
                                  x_inline=True, y_inline=True)
    with pytest.raises(EngineError) as raised:
        decode_map(DecodeSettings(figure_path=truth.path, scale_automatic=True))
    assert raised.value.parameter == "GCPS", raised.value
    assert "Give a GCPS file" in str(raised.value)


def test_gmt_annotations_and_colorbar_inside_the_frame(tmp_path, shared_data):
    """GMT with MAP_FRAME_TYPE=inside (annotations and ticks inside the frame, over the map)
    and a psscale straight on the map at its lower right: the frame, the bar (its outline
    beside haxby's dark blue) and both sets of labels found; every GCP within a pixel of GMT's
    own placement (the latitudes as Mercator); the bar and its labels left out of the data; the
    decode's wrong-class share within twice the hand-given one's."""
    bar = render_gmt_age_inside(tmp_path, shared_data / "gmtserver_age.3.20.nc")
    path = str(tmp_path / "fig.png")
    layout, answers = read_everything(path)
    corners = [(-180, -50), (-100, -50), (-180, 10), (-100, 10)]
    col, row = age_mercator_to_pixel(tmp_path, corners)
    assert_box_close(layout.frame.box, (col.min(), row.min(), col.max(), row.max()), "frame")
    assert_box_close(layout.colorbar.box, bar, "colorbar")
    reading = answers.reading
    assert reading.x_axis.placement == "inside" and reading.y_axis.placement == "inside"
    assert abs(reading.colorbar.vmin - 0) <= 0.005 * 180
    assert abs(reading.colorbar.vmax - 180) <= 0.005 * 180
    # The bar with its ticks and labels (right of it, 'm'-wide) is no data.
    assert layout.bar_labels_read
    assert_text_left_out(layout, [(bar[0], bar[1], bar[2] + 20, bar[3])], path, shrink=0)

    auto = decode_map(DecodeSettings(figure_path=path, scale_automatic=True))
    error = gmt_age_gcp_errors(auto, tmp_path)
    print("GCP error px: max", error.max())
    assert error.max() <= 1.0, error
    write_gmt_age_corner_gcps(tmp_path, corners)
    # By hand: GMT's corners, the .cpt, the frame, and the bar with its labels masked as a
    # user would draw them.
    left, top, right, bottom = bar[0] - 3, bar[1] - 3, bar[2] + 30, bar[3] + 3
    cover = (f"POLYGON(({left} {-top}, {right} {-top}, {right} {-bottom}, {left} {-bottom}, "
             f"{left} {-top}))")
    hand = decode_map(DecodeSettings(
        figure_path=path, colormap=str(tmp_path / "age.cpt"), gcps_path=str(tmp_path / "gcps.csv"),
        gcp_crs="EPSG:3395", mask_geometries=(cover,),
        plot_area_extent=(col.min() + 1, col.max() - 1, -row.max() + 1, -row.min() - 1)))
    grid, transform = age_grid(shared_data)
    levels = np.arange(0, 181, 10)
    shares = [wrong_class_share(result, geographic_truth_on_output(result, grid, transform),
                                levels) for result in (auto, hand)]
    print("wrong class: auto", shares[0], "hand", shares[1])
    assert shares[0] <= 2 * shares[1] + 0.002, shares


def separate_labels(boxes, frame):
    """Label boxes wholly inside the frame and clear of each other (two labels drawn over one
    another in a corner are one blot, read as neither)."""
    clear = [box for box in boxes if not any(
        other is not box and min(box[2], other[2]) > max(box[0], other[0])
        and min(box[3], other[3]) > max(box[1], other[1]) for other in boxes)]
    return [box for box in clear if frame[0] + 1 <= box[0] and box[2] <= frame[2] - 1
            and frame[1] + 1 <= box[1] and box[3] <= frame[3] - 1]


def inside_figure_wrong_shares(truth, grid, extent, folder):
    """Wrong shares (see :func:`wrong_share`) of a ``render_matplotlib_inside`` figure decoded
    with nothing given and with the renderer's parameters (terrain 200-1200, its frame's GCPs
    and plot area, the inset colorbar and its labels masked by hand): [auto, hand]."""
    auto = decode_map(DecodeSettings(figure_path=truth.path, scale_automatic=True))
    left, top, right, bottom = truth.colorbar
    cover = (f"POLYGON(({left - 3} {-top + 3}, {right + 3} {-top + 3}, {right + 3} "
             f"{-bottom - 25}, {left - 3} {-bottom - 25}, {left - 3} {-top + 3}))")
    left, top, right, bottom = truth.frame
    hand = decode_map(DecodeSettings(
        figure_path=truth.path, colormap="terrain", vmin=200, vmax=1200,
        gcps_path=frame_gcps_csv(folder / "gcps.csv", truth), gcp_crs="EPSG:4326",
        mask_geometries=(cover,),
        plot_area_extent=(np.ceil(left), np.floor(right), -np.floor(bottom), -np.ceil(top))))
    return [wrong_share(result, grid_on_output(result, grid, extent), 200, 1200)
            for result in (auto, hand)]


@pytest.mark.parametrize("jpeg_quality", [None, 75])
def test_matplotlib_tick_labels_and_colorbar_inside_the_frame(tmp_path, jpeg_quality):
    """matplotlib with its ticks and labels inside the frame (negative pads, y labels
    left-aligned) and a horizontal inset colorbar on the map, PNG and JPEG: both axes read
    inside along their sides, the bar and its range found, GCPs within a pixel, every label
    left out of the data, the decode within twice the hand-given one's error."""
    grid, extent = jacksboro_dem()
    name = "inside.jpg" if jpeg_quality else "inside.png"
    truth = render_matplotlib_inside(grid, extent, tmp_path / name, jpeg_quality=jpeg_quality)
    layout, answers = read_everything(truth.path)
    assert_box_close(layout.frame.box, truth.frame, "frame")
    assert_box_close(layout.colorbar.box, truth.colorbar, "colorbar")
    reading = answers.reading
    assert reading.x_axis.placement == "inside" and reading.y_axis.placement == "inside"
    assert_axes_georeference(reading, truth)
    assert_range_close(reading.colorbar, truth.value_range)
    labels = separate_labels(truth.notes["labels"], truth.frame)
    assert len(labels) >= 15
    assert_text_left_out(layout, labels, truth.path, shrink=2.0)

    shares = inside_figure_wrong_shares(truth, grid, extent, tmp_path)
    print(name, "| wrong share: auto", shares[0], "hand", shares[1])
    assert shares[0] <= 2 * shares[1] + 0.002, shares
