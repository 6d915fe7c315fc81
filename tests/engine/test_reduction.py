"""Reduction of decoded figures to representative points, on figures rendered from real grids.

The figures are drawn by matplotlib's Agg renderer from matplotlib's own sample grids and decoded
by the engine, so every assertion is about what a user's figure would give:

* ``topobathy.npz`` (91 x 120 lon/lat topography) cropped to a rugged 20 x 25 window and drawn
  cell by cell (``interpolation='nearest'``), 8 px per cell, with colorbar, title and labels:
  each cell is a plateau whose truth (position, value) is known.
* ``jacksboro_fault_dem.npz`` cropped and drawn with bilinear interpolation: a smooth figure.

Pixel coordinates as the engine's (GDAL): (0, 0) top-left corner, pixel centres at +0.5.
"""
import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import cbook  # noqa: E402
from PIL import Image  # noqa: E402
from scipy import ndimage  # noqa: E402

from colormap_decoder.plugin.engine.colour_decoding import ColourDecoder, ValueMapping  # noqa: E402
from colormap_decoder.plugin.engine.colour_scales import resolve_colour_scale  # noqa: E402
from colormap_decoder.plugin.engine.errors import ReductionError  # noqa: E402
from colormap_decoder.plugin.engine.reduction import (  # noqa: E402
    cluster_pixels,
    cluster_points,
    connectivity_for_eps,
    flat_mask,
    reconstruction_check,
    reduce_to_points,
)

MAX_DISTANCE = 12.0
# Rugged window of topobathy (rows, cols): fewest touching cells drawn in the same colour.
TOPO_WINDOW = (slice(69, 89), slice(90, 115))
CELL_PX = 8
# Axes box on whole pixels (left, bottom from the figure's bottom-left corner), figure size.
AXES_LEFT, AXES_BOTTOM = 80, 60
DPI = 100


def _sample(name):
    return np.load(cbook.get_sample_data(name, asfileobj=False))


def _render(folder, name, grid, cmap, vmin, vmax, axes_size, interpolation, contours=False):
    """Draw ``grid`` as a journal figure would be; return the decoded parts the tests need.

    The axes sit on whole pixels (Agg snaps the image origin to the pixel grid) and the image is
    drawn above the axes frame (``zorder=3``) so that the frame does not cover the outer cells:
    the frame then only shows outside the image.
    """
    width, height = axes_size
    # Sizes in multiples of 25 px: size / DPI is then exact in binary and Agg keeps every pixel.
    fig_w = -(-(AXES_LEFT + width + 130) // 25) * 25
    fig_h = -(-(AXES_BOTTOM + height + 50) // 25) * 25
    fig = plt.figure(figsize=(fig_w / DPI, fig_h / DPI), dpi=DPI)
    axes = fig.add_axes([AXES_LEFT / fig_w, AXES_BOTTOM / fig_h, width / fig_w, height / fig_h])
    colorbar_axes = fig.add_axes([(AXES_LEFT + width + 25) / fig_w, AXES_BOTTOM / fig_h,
                                  15 / fig_w, height / fig_h])
    image = axes.imshow(grid, cmap=cmap, vmin=vmin, vmax=vmax, interpolation=interpolation,
                        aspect="auto", zorder=3)
    if contours:
        axes.contour(grid, levels=4, colors="black", linewidths=0.6, zorder=4)
    fig.colorbar(image, cax=colorbar_axes, label="Elevation (m)")
    axes.set_title(f"{name} ({cmap})")
    axes.set_xlabel("column")
    axes.set_ylabel("row")
    fig.canvas.draw()
    (x0, y0), (x1, y1) = axes.get_window_extent().get_points()
    path = folder / f"{name}_{cmap}.png"
    fig.savefig(path, dpi=DPI)
    plt.close(fig)
    rgb = np.asarray(Image.open(path).convert("RGB"))
    assert rgb.shape[:2] == (fig_h, fig_w)
    # Display y grows upwards from the bottom edge; rows grow downwards.
    box = (int(round(x0)), int(round(fig_h - y1)), int(round(x1)), int(round(fig_h - y0)))
    assert np.allclose([x0, fig_h - y1, x1, fig_h - y0], box), "axes not on whole pixels"
    examine = np.zeros(rgb.shape[:2], bool)
    examine[box[1]:box[3], box[0]:box[2]] = True
    decoder = ColourDecoder(resolve_colour_scale(cmap), ValueMapping(vmin, vmax))
    field = decoder.decode_image(rgb, examine=examine, max_distance=MAX_DISTANCE)
    return rgb, box, decoder, field.values


@pytest.fixture(scope="module", params=["viridis", "RdBu_r"])
def blocky(request, tmp_path_factory):
    """The topobathy window drawn cell by cell, decoded and reduced."""
    cmap = request.param
    grid = _sample("topobathy.npz")["topo"].astype(np.float64)[TOPO_WINDOW]
    rows, cols = grid.shape
    vmin, vmax = float(grid.min()), float(grid.max())
    rgb, box, decoder, values = _render(tmp_path_factory.mktemp("blocky"), "topobathy", grid, cmap,
                                        vmin, vmax, (cols * CELL_PX, rows * CELL_PX), "nearest")
    points, labels = reduce_to_points(values, tolerance=0.5 * decoder.value_resolution,
                                      eps=1.5, min_samples=1)
    col0, row0 = box[0], box[1]
    # The colour matplotlib drew for each cell, read at the cell's centre pixel.
    centre_rows = row0 + CELL_PX * np.arange(rows) + CELL_PX // 2
    centre_cols = col0 + CELL_PX * np.arange(cols) + CELL_PX // 2
    drawn = rgb[centre_rows[:, None], centre_cols[None, :]].astype(np.int64)
    drawn_code = (drawn[..., 0] << 16) | (drawn[..., 1] << 8) | drawn[..., 2]
    # Value of the colormap entry matplotlib drew: entry i stands for [i/N, (i+1)/N).
    colormap = matplotlib.colormaps[cmap]
    fraction = (grid - vmin) / (vmax - vmin)
    entry = np.clip(np.floor(fraction * colormap.N), 0, colormap.N - 1)
    drawn_value = vmin + (entry + 0.5) / colormap.N * (vmax - vmin)
    return dict(cmap=cmap, grid=grid, rgb=rgb, box=box, decoder=decoder, values=values,
                points=points, labels=labels, drawn_code=drawn_code, drawn_value=drawn_value)


def _cell_of(blocky, pixel_x, pixel_y):
    """(row, col) of the grid cell under pixel positions, -1 outside the image."""
    col0, row0, col1, row1 = blocky["box"]
    rows, cols = blocky["grid"].shape
    i = np.floor((np.asarray(pixel_y) - row0) / CELL_PX).astype(int)
    j = np.floor((np.asarray(pixel_x) - col0) / CELL_PX).astype(int)
    outside = (i < 0) | (i >= rows) | (j < 0) | (j >= cols)
    return np.where(outside, -1, i), np.where(outside, -1, j)


def _same_colour_groups(drawn_code):
    """Label 4-connected groups of touching cells drawn in one colour: one plateau each."""
    groups = np.zeros(drawn_code.shape, int)
    count = 0
    for code in np.unique(drawn_code):
        labels, n = ndimage.label(drawn_code == code)
        groups[labels > 0] = labels[labels > 0] + count
        count += n
    return groups, count


def test_blocky_figure_gives_one_point_per_cell(blocky):
    grid, points, box = blocky["grid"], blocky["points"], blocky["box"]
    resolution = blocky["decoder"].value_resolution
    rows, cols = grid.shape
    col0, row0, col1, row1 = box
    assert (col1 - col0, row1 - row0) == (cols * CELL_PX, rows * CELL_PX)

    # No point outside the axes: not on the colorbar, the labels or the frame.
    assert len(points) > 0
    assert np.all((points.pixel_x > col0) & (points.pixel_x < col1))
    assert np.all((points.pixel_y > row0) & (points.pixel_y < row1))

    i, j = _cell_of(blocky, points.pixel_x, points.pixel_y)
    per_cell = np.zeros(grid.shape, int)
    np.add.at(per_cell, (i, j), 1)
    assert per_cell.max() == 1, "a cell came back as several points"

    groups, n_groups = _same_colour_groups(blocky["drawn_code"])
    sizes = np.bincount(groups.ravel(), minlength=n_groups + 1)
    single = sizes[groups] == 1  # cells whose colour differs from all four neighbours
    assert single.mean() >= 0.97  # the window was chosen for that

    centre_x = col0 + CELL_PX * (j + 0.5)
    centre_y = row0 + CELL_PX * (i + 0.5)
    good = np.zeros(grid.shape, bool)
    good[i, j] = ((np.abs(points.pixel_x - centre_x) <= 0.5)
                  & (np.abs(points.pixel_y - centre_y) <= 0.5)
                  & (np.abs(points.value - grid[i, j]) <= resolution))
    # Every visible cell that is a plateau of its own: one point, at its centre, its value.
    assert good[single].mean() >= 0.98, f"{good[single].mean():.3f} of distinguishable cells"
    assert good.mean() >= 0.95

    # Values: the decoded colour is the colormap entry matplotlib drew within the resolution;
    # the true value lies within half an entry of that, hence the looser bound for all points.
    assert np.all(np.abs(points.value - blocky["drawn_value"][i, j]) <= resolution)
    assert np.all(np.abs(points.value - grid[i, j]) <= 1.5 * resolution)

    # Touching cells of one colour are one plateau in the picture: exactly one point for it.
    per_group = np.bincount(groups[i, j], minlength=n_groups + 1)[1:]
    assert np.all(per_group == 1)


def test_touching_plateaus_of_different_value_never_merge(blocky):
    labels = blocky["labels"]
    rows_px, cols_px = np.nonzero(labels)
    assert rows_px.size > 0
    i, j = _cell_of(blocky, cols_px + 0.5, rows_px + 0.5)
    assert np.all(i >= 0), "a clustered pixel lies outside the image"
    member = labels[rows_px, cols_px]
    colour = blocky["drawn_code"][i, j]
    # One drawn colour per cluster, so no cluster joins two cells of different value...
    pairs = np.unique(np.column_stack([member, colour]), axis=0)
    assert len(pairs) == len(np.unique(member))
    # ...and with every touching cell of another colour, every cell stays one cluster of its own.
    groups, _ = _same_colour_groups(blocky["drawn_code"])
    pairs = np.unique(np.column_stack([member, groups[i, j]]), axis=0)
    assert len(pairs) == len(np.unique(member)) == len(np.unique(pairs[:, 1]))
    # The border ring of each cell is never flat: a cell's cluster stays inside its cell.
    inset = (cols_px - blocky["box"][0]) % CELL_PX, (rows_px - blocky["box"][1]) % CELL_PX
    single = np.bincount(groups.ravel())[groups[i, j]] == 1
    for offset in inset:
        assert np.all((offset[single] >= 1) & (offset[single] <= CELL_PX - 2))


# -- the connected-component fast path against scikit-learn's DBSCAN -------------------------
@pytest.fixture(scope="module")
def smooth(tmp_path_factory):
    """A crop of the Jacksboro fault DEM drawn with bilinear interpolation, decoded."""
    dem = _sample("jacksboro_fault_dem.npz")["elevation"].astype(np.float64)[100:200, 150:270]
    vmin, vmax = float(dem.min()), float(dem.max())
    rgb, box, decoder, values = _render(tmp_path_factory.mktemp("smooth"), "jacksboro", dem,
                                        "cividis", vmin, vmax, (360, 300), "bilinear",
                                        contours=True)
    return dict(grid=dem, box=box, decoder=decoder, values=values)


def _same_partition(ours, theirs):
    """True when two labellings (ours: 0 noise; theirs: -1 noise) group the same pixels."""
    if not np.array_equal(ours == 0, theirs == -1):
        return False
    kept = ours != 0
    a, b = ours[kept], theirs[kept]
    pairs = np.unique(np.column_stack([a, b]), axis=0)
    return len(pairs) == len(np.unique(a)) == len(np.unique(b))


def _flat_crop(values, resolution, limit=40_000):
    mask = flat_mask(values, 0.5 * resolution)
    rows = np.flatnonzero(mask.any(axis=1))
    top, bottom = rows[0], rows[-1] + 1
    # Keep whole rows until the limit of flat pixels (DBSCAN's neighbour lists grow with it).
    cumulative = np.cumsum(mask[top:bottom].sum(axis=1))
    bottom = top + int(np.searchsorted(cumulative, limit, side="right"))
    return mask[top:bottom]


def _check_fast_path_against_dbscan(data):
    from sklearn.cluster import DBSCAN

    mask = _flat_crop(data["values"], data["decoder"].value_resolution)
    assert 2_000 < mask.sum() <= 40_000
    rows, cols = np.nonzero(mask)
    coords = np.column_stack([cols, rows])
    noise_seen = False
    for eps in (1.0, 1.2, 1.5, 1.9):
        assert connectivity_for_eps(eps) is not None  # the fast path is taken
        for min_samples in (1, 2):
            labels, count = cluster_pixels(mask, eps, min_samples)
            reference = DBSCAN(eps=eps, min_samples=min_samples).fit(coords).labels_
            assert count == reference.max() + 1, (eps, min_samples)
            assert _same_partition(labels[rows, cols], reference), (eps, min_samples)
            noise_seen |= bool((reference == -1).any())
    return noise_seen


def test_fast_path_equals_dbscan_on_blocky_figure(blocky):
    _check_fast_path_against_dbscan(blocky)


def test_fast_path_equals_dbscan_on_smooth_figure(smooth):
    # The smooth figure has lone flat pixels, so min_samples=2 has noise to agree on.
    assert _check_fast_path_against_dbscan(smooth)


def test_outside_fast_path_goes_through_dbscan(smooth):
    from sklearn.cluster import DBSCAN

    mask = _flat_crop(smooth["values"], smooth["decoder"].value_resolution, limit=15_000)
    rows, cols = np.nonzero(mask)
    assert connectivity_for_eps(2.5) is None
    for min_samples in (1, 3):
        labels, count = cluster_pixels(mask, 2.5, min_samples)
        reference = DBSCAN(eps=2.5, min_samples=min_samples).fit(np.column_stack([cols, rows]))
        assert count == reference.labels_.max() + 1
        assert _same_partition(labels[rows, cols], reference.labels_)
    # min_samples 3 at eps 1.5 is no connected-component problem either: DBSCAN again.
    labels, count = cluster_pixels(mask, 1.5, 3)
    reference = DBSCAN(eps=1.5, min_samples=3).fit(np.column_stack([cols, rows])).labels_
    assert _same_partition(labels[rows, cols], reference)


def test_reconstruction_check_on_smooth_figure(smooth):
    values, decoder = smooth["values"], smooth["decoder"]
    points, _ = reduce_to_points(values, 0.5 * decoder.value_resolution, eps=1.5, min_samples=1)
    assert len(points) > 100
    check = reconstruction_check(values, points, decoder.value_resolution)
    assert check is not None
    std = float(np.nanstd(values))
    assert check.rmse < 0.5 * std, (check.rmse, std)
    assert 0 < check.within_resolution <= 1
    # A sample of at most 250,000 of the data pixels (this figure has fewer: all of them).
    assert check.pixels_compared > 0.5 * np.isfinite(values).sum()
    assert check.grid is None  # the full grid costs 4 bytes a pixel: only when asked for
    full = reconstruction_check(values, points, decoder.value_resolution, full_grid=True)
    filled = np.isfinite(full.grid)
    assert filled.sum() == check.pixels_compared == full.pixels_compared
    assert not filled[~np.isfinite(values)].any()
    assert full.rmse == pytest.approx(check.rmse, rel=1e-9)
    # The full grid holds, at each pixel, what the sampled check compared there.
    sampled = reconstruction_check(values, points, decoder.value_resolution, max_pixels=1000,
                                   full_grid=True)
    assert sampled.pixels_compared <= 1000
    assert np.array_equal(sampled.grid, full.grid, equal_nan=True)


# -- position rules ------------------------------------------------------------------------
def test_convex_cells_keep_their_centroid_and_ring_is_snapped(blocky):
    points, labels, values = blocky["points"], blocky["labels"], blocky["values"]
    assert not points.snapped.any()  # convex plateaus: the centroid stands on the cell
    # A ring cut from a real decoded plateau (a cell's 6 x 6 flat core without its middle).
    largest = np.argmax(points.n_pixels) + 1
    ring = labels == largest
    rows, cols = np.nonzero(ring)
    middle_r, middle_c = int(np.floor(rows.mean())), int(np.floor(cols.mean()))
    ring[middle_r - 1:middle_r + 2, middle_c - 1:middle_c + 2] = False
    ring_points = cluster_points(values, ring.astype(np.int32), 1)
    assert ring_points.snapped.tolist() == [True]
    x, y = ring_points.pixel_x[0], ring_points.pixel_y[0]
    assert ring[int(np.floor(y)), int(np.floor(x))]
    assert (x - 0.5) % 1 == 0 and (y - 0.5) % 1 == 0  # on a member pixel's centre
    # The nearest member pixel to where the centroid was.
    member_r, member_c = np.nonzero(ring)
    centroid = member_c.mean() + 0.5, member_r.mean() + 0.5
    distance = np.hypot(member_c + 0.5 - centroid[0], member_r + 0.5 - centroid[1])
    assert np.isclose(np.hypot(x - centroid[0], y - centroid[1]), distance.min())
    assert ring_points.value[0] == pytest.approx(np.median(values[ring]))


def test_crescent_is_snapped_onto_itself():
    field = np.full((30, 30), np.nan)
    yy, xx = np.mgrid[0:30, 0:30] + 0.5
    outer = np.hypot(xx - 15, yy - 15) <= 11
    inner = np.hypot(xx - 19, yy - 15) <= 9
    crescent = outer & ~inner
    field[crescent] = 42.0
    points, labels = reduce_to_points(field, tolerance=0.1, eps=1.5, min_samples=1)
    assert len(points) == 1 and points.snapped[0]
    assert labels[int(points.pixel_y[0]), int(points.pixel_x[0])] == 1
    assert points.value[0] == 42.0


# -- edge cases ----------------------------------------------------------------------------
def test_all_nan_field_gives_no_points():
    values = np.full((50, 60), np.nan, dtype=np.float32)
    points, labels = reduce_to_points(values, tolerance=1.0)
    assert len(points) == 0
    assert not labels.any()
    assert reconstruction_check(values, points, 1.0) is None


@pytest.mark.parametrize("eps", [0.0, -1.0])
def test_non_positive_eps_raises(eps):
    with pytest.raises(ReductionError):
        cluster_pixels(np.ones((5, 5), bool), eps, 1)


def test_min_samples_below_one_raises():
    with pytest.raises(ReductionError):
        cluster_pixels(np.ones((5, 5), bool), 1.5, 0)
