"""The default output grid loses no figure pixel (issue 15, part 1).

With an affine georeferencing (Polynomial 1, Helmert, or the figure's own geotransform) in the GCP
CRS the output *is* the plot area's pixel grid, written with the fitted geotransform: nothing
is resampled, so every figure pixel's value sits at its own map position. In any other case the
north-up output grid has per-axis pixel sizes small enough that every figure pixel holds at least
one output pixel centre. Figures: matplotlib's Jacksboro DEM drawn on axes whose pixels are not
square in map units (taller than wide, and wider than tall), and the same figure as a scan
rotated by 7°.
"""
import re

import numpy as np
import pytest
from figures_for_tests import jacksboro_dem, render_grid
from scipy import ndimage

from colormap_decoder.plugin.engine.pipeline import DecodeSettings, decode_map
from colormap_decoder.plugin.engine.warping import (
    GeotransformPixelTransform,
    figure_pixel_grid,
    lossless_pixel_sizes,
    mean_pixel_size,
    plan_output_grid,
    source_pixels_for_grid,
)

LONLAT = "EPSG:4326"
UTM16 = "EPSG:32616"
# Plot boxes of the same 0.336° × 0.287° DEM: 580 × 260 px (pixels 1.9× taller than wide in
# degrees) and 290 × 460 px (pixels 1.9× wider than tall).
TALL_PIXELS = (110, 70, 690, 330)
WIDE_PIXELS = (110, 70, 400, 530)


@pytest.fixture(scope="module", params=[TALL_PIXELS, WIDE_PIXELS], ids=["tall", "wide"])
def non_square(request, tmp_path_factory):
    grid, extent = jacksboro_dem()
    folder = tmp_path_factory.mktemp("output_grid")
    figure = render_grid(grid, extent, folder / "jacksboro.png", cmap="viridis",
                         plot_box=request.param, interpolation="nearest")
    return figure, figure.gcps_csv(folder / "jacksboro.csv")


def decode(figure, gcps, **overrides):
    col0, row0, col1, row1 = figure.plot_box
    grid = figure.grid
    values = dict(figure_path=figure.path, colormap="viridis", vmin=float(np.nanmin(grid)),
                  vmax=float(np.nanmax(grid)), plot_area_extent=(col0, col1, -row1, -row0),
                  gcps_path=str(gcps), gcp_crs=LONLAT)
    values.update(overrides)
    return decode_map(DecodeSettings(**values))


def figure_pixels_reached(result):
    """Bool (rows, cols) of the plot box: figure pixels some output pixel centre falls in."""
    ref, grid = result.georeference, result.grid
    col0, row0, col1, row1 = result.plot_box
    x, y = source_pixels_for_grid(grid, ref.pixel_transform, ref.source_crs, ref.target_crs)
    col, row = np.floor(x).astype(int), np.floor(y).astype(int)
    inside = (col >= col0) & (col < col1) & (row >= row0) & (row < row1)
    reached = np.zeros((row1 - row0, col1 - col0), bool)
    reached[row[inside] - row0, col[inside] - col0] = True
    return reached


def test_affine_fit_in_the_gcp_crs_writes_the_figures_own_pixels(non_square):
    figure, gcps = non_square
    result = decode(figure, gcps)
    grid = result.grid
    col0, row0, col1, row1 = figure.plot_box
    assert grid.figure_box == figure.plot_box and not grid.rotated
    assert (grid.width, grid.height) == (col1 - col0, row1 - row0)
    left, right, bottom, top = figure.extent
    assert grid.pixel_sizes == pytest.approx(((right - left) / (col1 - col0),
                                              (top - bottom) / (row1 - row0)), rel=1e-9)
    assert "unresampled" in grid.note and any("unresampled" in m for m in result.messages)
    # Every figure pixel's value, unchanged, at the output pixel that holds its map position.
    decoded = result.field.values[row0:row1, col0:col1]
    assert np.array_equal(result.values, decoded.astype(np.float32), equal_nan=True)
    rows, cols = np.mgrid[row0:row1, col0:col1]
    mx, my = figure.pixel_to_map(cols + 0.5, rows + 0.5)
    x0, a, _, y0, _, e = grid.geotransform
    out_col, out_row = np.floor((mx - x0) / a).astype(int), np.floor((my - y0) / e).astype(int)
    assert np.array_equal(out_col, cols - col0) and np.array_equal(out_row, rows - row0)


def test_reprojected_default_grid_loses_no_figure_pixel(non_square):
    figure, gcps = non_square
    result = decode(figure, gcps, target_crs=UTM16)
    assert result.grid.figure_box is None
    width, height = result.grid.pixel_sizes
    assert not np.isclose(width, height, rtol=0.05)  # per-axis sizes, not one square size
    assert figure_pixels_reached(result).all()
    # The square pixels of the figure's mean resolution (the former default) lose pixels along
    # the finer axis: this check can fail.
    ref = result.georeference
    square = mean_pixel_size(ref.pixel_transform, ref.source_crs, ref.target_crs, result.plot_box)
    coarse = decode(figure, gcps, target_crs=UTM16, pixel_size=square)
    assert (~figure_pixels_reached(coarse)).mean() > 0.05


def rotated_scan(figure, folder, degrees=7.0):
    """The figure rotated about its centre (bilinear, like a scanner's deskew, white around).

    Returns the new PNG path, its size and the affine map (x, y) -> (x', y') in GDAL pixel
    coordinates from the original figure to the scan.
    """
    from PIL import Image

    rgb = np.asarray(Image.open(figure.path).convert("RGB"))
    rows, cols = rgb.shape[:2]
    angle = np.radians(degrees)
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    corners = np.array([[0, 0], [cols, 0], [0, rows], [cols, rows]], float) - [cols / 2, rows / 2]
    turned = corners @ rotation.T
    new_cols, new_rows = (np.ceil(turned.max(axis=0) - turned.min(axis=0))).astype(int)
    centre, new_centre = np.array([cols / 2, rows / 2]), np.array([new_cols / 2, new_rows / 2])

    def forward(x, y):
        p = np.stack([np.asarray(x, float), np.asarray(y, float)], axis=-1) - centre
        q = p @ rotation.T + new_centre
        return q[..., 0], q[..., 1]

    # ndimage works on (row, col) indices, pixel centres at integers: index = GDAL coordinate - ½.
    inverse = rotation.T  # (x, y) -> (x, y)
    matrix = inverse[::-1, ::-1]
    offset = (centre[::-1] - 0.5) - matrix @ (new_centre[::-1] - 0.5)
    channels = [ndimage.affine_transform(rgb[..., band].astype(float), matrix, offset,
                                         output_shape=(new_rows, new_cols), order=1, cval=255)
                for band in range(3)]
    scan = np.clip(np.round(np.stack(channels, axis=-1)), 0, 255).astype(np.uint8)
    path = folder / "rotated_scan.png"
    Image.fromarray(scan).save(path)
    return str(path), (new_cols, new_rows), forward


def test_rotated_scan_keeps_every_pixel_at_its_map_position(tmp_path):
    grid, extent = jacksboro_dem()
    figure = render_grid(grid, extent, tmp_path / "jacksboro.png", cmap="viridis",
                         interpolation="nearest", overlays=False)
    path, (cols, rows), forward = rotated_scan(figure, tmp_path)
    col0, row0, col1, row1 = figure.plot_box
    # GCPs: the axes' corners and centre, where the scan shows them.
    lines = ["pixel_x,pixel_y,map_x,map_y"]
    for x, y in ((col0, row0), (col1, row0), (col0, row1), (col1, row1),
                 ((col0 + col1) / 2, (row0 + row1) / 2)):
        mx, my = figure.pixel_to_map(x, y)
        sx, sy = forward(x, y)
        lines.append(f"{float(sx)!r},{float(sy)!r},{float(mx)!r},{float(my)!r}")
    gcps = tmp_path / "scan.csv"
    gcps.write_text("\n".join(lines) + "\n", encoding="utf-8")
    # The plot area: the box around the rotated axes (white corners are nodata).
    xs, ys = forward(np.array([col0, col1, col0, col1]), np.array([row0, row0, row1, row1]))
    box = (int(xs.min()), int(ys.min()), int(np.ceil(xs.max())), int(np.ceil(ys.max())))
    settings = dict(figure_path=path, colormap="viridis", vmin=float(np.nanmin(grid)),
                    vmax=float(np.nanmax(grid)), plot_area_extent=(box[0], box[2], -box[3], -box[1]),
                    gcps_path=str(gcps), gcp_crs=LONLAT)
    for transform in (0, 4):  # Polynomial 1 and Helmert
        result = decode_map(DecodeSettings(**settings, transform=transform))
        out = result.grid
        assert out.figure_box == box and out.rotated and re.search(r"rotation of -?7(\.00?)?°", out.note)
        assert np.array_equal(result.values, result.field.values[box[1]:box[3], box[0]:box[2]]
                              .astype(np.float32), equal_nan=True)
        # Each output pixel centre, through the written geotransform, is the map position of
        # the scan pixel it holds (through the scan's true rotation and the axes' map).
        r, c = np.mgrid[0:out.height:7, 0:out.width:7]
        x0, a, b, y0, d, e = out.geotransform
        mx, my = x0 + (c + 0.5) * a + (r + 0.5) * b, y0 + (c + 0.5) * d + (r + 0.5) * e
        sx, sy = c + box[0] + 0.5, r + box[1] + 0.5
        inverse_rotation = np.linalg.inv(np.array([[np.cos(np.radians(7)), -np.sin(np.radians(7))],
                                                   [np.sin(np.radians(7)), np.cos(np.radians(7))]]))
        p = np.stack([sx - cols / 2, sy - rows / 2], axis=-1) @ inverse_rotation.T
        fx, fy = p[..., 0] + figure.size[0] / 2, p[..., 1] + figure.size[1] / 2
        pixel_x = (extent[1] - extent[0]) / (col1 - col0)
        # The written geotransform is the fit itself...
        fit_x, fit_y = result.georeference.pixel_transform.pixel_to_map(sx, sy)
        assert np.max(np.hypot(mx - fit_x, my - fit_y)) < 1e-6 * pixel_x
        if transform == 0:
            # ... and Polynomial 1 through exact GCPs is the truth. (Helmert keeps one scale for
            # both axes, which these lon/lat pixels, 7 % taller than wide, do not have.)
            tx, ty = figure.pixel_to_map(fx, fy)
            assert np.max(np.hypot(mx - tx, my - ty)) < 1e-6 * pixel_x
        # And the values there are the DEM's (bilinear deskew blends neighbouring cells).
        truth = figure.truth_at_pixels(fx, fy)
        decoded = result.values[r, c]
        both = np.isfinite(truth) & np.isfinite(decoded)
        assert both.sum() > 1000
        step = (np.nanmax(grid) - np.nanmin(grid)) / 256
        assert np.median(np.abs(decoded[both] - truth[both])) <= 2 * step
    # Reprojected, the north-up grid still reaches every scan pixel inside the axes.
    result = decode_map(DecodeSettings(**settings, transform=4, target_crs=UTM16))
    reached = figure_pixels_reached(result)
    bx, by = np.meshgrid(np.arange(box[0], box[2]) + 0.5, np.arange(box[1], box[3]) + 0.5)
    inv = np.linalg.inv(np.array([[np.cos(np.radians(7)), -np.sin(np.radians(7))],
                                  [np.sin(np.radians(7)), np.cos(np.radians(7))]]))
    p = np.stack([bx - cols / 2, by - rows / 2], axis=-1) @ inv.T
    fx, fy = p[..., 0] + figure.size[0] / 2, p[..., 1] + figure.size[1] / 2
    in_axes = (fx > col0 + 1) & (fx < col1 - 1) & (fy > row0 + 1) & (fy < row1 - 1)
    assert reached[in_axes].all()


def test_a_negligible_rotation_is_left_out_and_said():
    # 0.02 px of shear across 500 rows: below a tenth of a pixel, the grid is written north-up.
    transform = GeotransformPixelTransform((500000.0, 10.0, 0.02 * 10 / 500, 5e6, 0.0, -10.0))
    grid = figure_pixel_grid(transform, UTM16, UTM16, (0, 0, 400, 500))
    assert not grid.rotated and "left out" in grid.note
    assert grid.geotransform[1] == 10.0 and grid.geotransform[5] == -10.0
    # 2 px of shear: kept.
    transform = GeotransformPixelTransform((500000.0, 10.0, 2 * 10 / 500, 5e6, 0.0, -10.0))
    assert figure_pixel_grid(transform, UTM16, UTM16, (0, 0, 400, 500)).rotated


@pytest.mark.parametrize("degrees", [0.0, 30.0, 45.0])
def test_lossless_sizes_of_a_rotated_square_pixel_grid(degrees):
    angle = np.radians(degrees)
    c, s = 10 * np.cos(angle), 10 * np.sin(angle)
    transform = GeotransformPixelTransform((500000.0, c, s, 5e6, s, -c))
    sizes = lossless_pixel_sizes(transform, UTM16, UTM16, (0, 0, 300, 200))
    expected = 10 / (abs(np.cos(angle)) + abs(np.sin(angle)))
    assert sizes == pytest.approx((expected, expected), rel=1e-6)
    # With an explicit PIXEL_SIZE the grid is north-up in any case.
    grid = plan_output_grid(transform, UTM16, UTM16, (0, 0, 300, 200), pixel_size=5.0)
    assert grid.figure_box is None and grid.pixel_sizes == (5.0, 5.0)
