"""Reducing a decoded field to representative points.

Most figures were interpolated from much sparser data, or drawn cell by cell from a coarse grid.
Where the decoded field is flat, the figure shows one value over an area: such plateaus are
clustered and each cluster becomes one point, at its centroid, carrying the cluster's median value.

Conventions: pixel coordinates as GDAL, (0, 0) the top-left corner, pixel centres at +0.5.

Flatness
    A pixel is flat when it and its four edge neighbours are all data and each neighbour differs
    from it by at most ``tolerance``. Requiring every neighbour (not only the next one, as the
    seed pipeline does) means the border pixels between two touching plateaus are never flat, so
    plateaus of different value never merge into one cluster, and a plateau's centroid is not
    pulled towards one side.

Clustering
    DBSCAN on the coordinates of the flat pixels. With ``min_samples <= 2`` every flat pixel is a
    core point or lies next to one within ``eps``; on the integer pixel grid the clusters are then
    exactly the connected components under the neighbourhood that ``eps`` reaches: 4-connected
    for 1 <= eps < √2, 8-connected for √2 <= eps < 2 (and single pixels below 1). Those cases are
    labelled with ``scipy.ndimage.label``, which gives DBSCAN's clusters in linear time; every
    other setting runs the exact grid DBSCAN of ``grid_dbscan.py`` (scikit-learn's labels, in
    memory bounded per pixel, at any figure size).

Position
    The centroid of the cluster's pixel centres, not snapped to a member pixel: for the convex
    plateaus a blocky figure is made of it is the cell centre to sub-pixel accuracy, which a
    snapped position cannot be. Only when the centroid falls outside the cluster (a crescent,
    a ring) is it moved to the nearest member pixel so that the point's value is that of the
    place it stands on.
"""
from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from .cancellation import check as check_cancelled
from .computed_arrays import ComputedArray
from .errors import ReductionError
from .grid_dbscan import grid_dbscan
from .memory_budget import release_freed_memory
from .regions import label_sizes

_SQRT2 = np.sqrt(2.0)


#: Most pixels handled per block by the row-chunked passes below: bounds their temporaries
#: (about 40 bytes a pixel of the block) to some 40 MiB whatever the figure's size.
BLOCK_PIXELS = 1 << 20
#: Fewest pixels per block: a block is a 32nd of the array between this and BLOCK_PIXELS, so
#: that its temporaries stay near 1.25 bytes a pixel of a small figure (40 MiB would be 40
#: bytes a pixel of a 1 MP one), and a block's own costs stay small beside its work.
MIN_BLOCK_PIXELS = 1 << 16


def _row_blocks(shape, block_pixels=None, start=0):
    """Slices of consecutive rows (from ``start`` to ``shape[0]``) of about ``block_pixels``
    pixels each (None: a 32nd of ``shape``'s pixels, between :data:`MIN_BLOCK_PIXELS` and
    :data:`BLOCK_PIXELS`)."""
    rows, cols = shape
    if block_pixels is None:
        block_pixels = min(BLOCK_PIXELS, max(MIN_BLOCK_PIXELS, rows * cols // 32))
    step = max(1, block_pixels // max(cols, 1))
    return [slice(first, min(rows, first + step)) for first in range(start, rows, step)]


def _span(used):
    """The slice from the first to the last True of a 1-D mask (empty when none)."""
    where = np.flatnonzero(used)
    return slice(int(where[0]), int(where[-1]) + 1) if where.size else slice(0, 0)


def flat_mask(values, tolerance) -> np.ndarray:
    """Pixels whose four neighbours are data and within ``tolerance`` of them.

    Parameters
    ----------
    values : ndarray of float, shape (rows, cols)
        Decoded field, NaN where not data.
    tolerance : float
        Largest value difference (value units) between neighbours on a plateau.

    Returns
    -------
    ndarray of bool, shape (rows, cols)
        Image-border pixels are never flat (their outer neighbour is unknown).

    Notes
    -----
    One pass in blocks of rows: besides the 1 byte a pixel of the result, only a block's
    differences are held, in two buffers made once (a fresh array of a block's size would be
    mapped from the system and faulted in again for every comparison).
    """
    flat = np.isfinite(values)
    flat[0, :] = flat[-1, :] = False
    flat[:, 0] = flat[:, -1] = False
    # Only around the data (the plot area, not the figure's margins), with a pixel to spare
    # on each side so that data at the window's edge is compared with its nodata neighbours.
    rows, cols = values.shape
    data_rows, data_cols = _span(flat.any(axis=1)), _span(flat.any(axis=0))
    if data_rows.stop == 0:
        return flat
    window_cols = slice(max(0, data_cols.start - 1), min(cols, data_cols.stop + 1))
    last_row = min(rows, data_rows.stop + 1)
    width = window_cols.stop - window_cols.start
    blocks = _row_blocks((last_row, width), start=max(0, data_rows.start - 1))
    block_rows = max(block.stop - block.start for block in blocks)
    difference = np.empty((block_rows, width), values.dtype)
    within = np.empty((block_rows, width), bool)
    left = slice(window_cols.start, window_cols.stop - 1)
    right = slice(window_cols.start + 1, window_cols.stop)
    with np.errstate(invalid="ignore"):
        for block in blocks:
            # NaN comparisons are False, so a nodata neighbour makes a pixel not flat.
            part = values[block, window_cols]
            n = len(part)
            horizontal = _within(part[:, :-1], part[:, 1:], tolerance,
                                 difference[:n, :width - 1], within[:n, :width - 1])
            flat[block, right] &= horizontal
            flat[block, left] &= horizontal
            # Each row against the next one (the block's last row against the next block's first).
            below = values[block.start:min(last_row, block.stop + 1), window_cols]
            n = len(below) - 1
            vertical = _within(below[:-1], below[1:], tolerance, difference[:n], within[:n])
            flat[block.start + 1:block.start + 1 + n, window_cols] &= vertical
            flat[block.start:block.start + n, window_cols] &= vertical
    return flat


def _within(first, second, tolerance, difference, out):
    """Whether ``|second - first| <= tolerance`` (False where either is NaN), into ``out``,
    through the buffer ``difference``."""
    np.subtract(second, first, out=difference)
    np.abs(difference, out=difference)
    return np.less_equal(difference, tolerance, out=out)


def cluster_pixels(mask, eps, min_samples) -> tuple:
    """Label the DBSCAN clusters of the True pixels of ``mask``.

    Parameters
    ----------
    mask : ndarray of bool, shape (rows, cols)
    eps : float
        DBSCAN neighbourhood radius, pixels.
    min_samples : int
        DBSCAN's minimum neighbourhood size (the point itself included).

    Returns
    -------
    labels : ndarray of int32, shape (rows, cols)
        0 where not clustered (not in the mask, or DBSCAN noise), else cluster number from 1.
    count : int
        Number of clusters.
    """
    if eps <= 0 or min_samples < 1:
        raise ReductionError(f"DBSCAN needs eps > 0 and min_samples >= 1 (got {eps}, {min_samples}).")
    structure = connectivity_for_eps(eps) if min_samples <= 2 else None
    if structure is not None and (min_samples == 1 or structure.sum() > 1):
        labels, count = ndimage.label(mask, structure=structure)
        if min_samples == 2 and count:
            # A lone pixel has no neighbour within eps: DBSCAN calls it noise.
            sizes = label_sizes(labels, count)
            lone = sizes == 1
            lone[0] = False
            if lone.any():
                labels[lone[labels]] = 0
                labels, count = ndimage.label(labels > 0, structure=structure)
        return labels.astype(np.int32, copy=False), int(count)
    return grid_dbscan(mask, eps, min_samples)


def connectivity_for_eps(eps) -> np.ndarray | None:
    """Neighbourhood of a pixel within ``eps`` on the integer grid, or None when larger than 8.

    Returns
    -------
    ndarray of bool, shape (3, 3) or None
    """
    if eps < 1:
        return np.array([[0, 0, 0], [0, 1, 0], [0, 0, 0]], bool)
    if eps < _SQRT2:
        return ndimage.generate_binary_structure(2, 1)
    if eps < 2:
        return ndimage.generate_binary_structure(2, 2)
    return None


@dataclass
class ClusterPoints:
    """One representative point per cluster.

    Attributes
    ----------
    pixel_x, pixel_y : ndarray of float64
        Position in pixel coordinates (GDAL convention, y down).
    value : ndarray of float64
        Median decoded value of the cluster's pixels.
    value_std : ndarray of float64
        Standard deviation of the cluster's values.
    n_pixels : ndarray of int64
    snapped : ndarray of bool
        True where the centroid fell outside the cluster and was moved onto it.
    grid_row, grid_col : ndarray of int64 or None
        For points of a native grid (``native_grid.py``): the cell's row and column.
    partial : ndarray of bool or None
        For points of a native grid: the cell is cut by the plot area's frame.
    footprint : ndarray of float64 or None
        Figure pixels the point stands for, when not ``n_pixels`` (a cell's whole area).
    """

    pixel_x: np.ndarray
    pixel_y: np.ndarray
    value: np.ndarray
    value_std: np.ndarray
    n_pixels: np.ndarray
    snapped: np.ndarray
    grid_row: np.ndarray = None
    grid_col: np.ndarray = None
    partial: np.ndarray = None
    footprint: np.ndarray = None

    def __len__(self):
        return len(self.value)


def cluster_points(values, labels, count, offset=(0, 0)) -> "ClusterPoints":
    """Centroid, median value and spread of each labelled cluster.

    Parameters
    ----------
    values : ndarray of float, shape (rows, cols)
    labels : ndarray of int, shape (rows, cols)
        Cluster number from 1, 0 elsewhere (see :func:`cluster_pixels`).
    count : int
    offset : tuple (col, row)
        Where ``values[0, 0]`` lies in the figure, pixels: the points' coordinates are the
        figure's when the arrays are a window of it (the plot area's).

    Returns
    -------
    ClusterPoints

    Notes
    -----
    One pass over the labels in blocks of rows cuts each row into runs of one label and one
    value (a filled-contour or blocky figure has a few per row, however wide): each cluster's
    pixel count and coordinate sums come from its runs (``np.bincount``; the sums of pixel
    centres are multiples of ½, exact in float64 in any order), and whether all its values are
    equal, which they are on every plateau of a discrete scale: such a cluster's median is that
    value and its spread 0, with no sorting. Only the pixels of clusters that hold several
    values are gathered (as int32 label and float32 value) and sorted for their median; only
    clusters whose centroid falls outside them are gathered again to be snapped. Temporary
    memory is a block's (a few bytes a pixel), plus its runs and those gathered pixels.
    """
    if count == 0:
        empty = np.zeros(0)
        return ClusterPoints(empty, empty, empty, empty, np.zeros(0, np.int64), np.zeros(0, bool))
    bins = count + 1
    n = np.zeros(bins, np.int64)
    sum_x = np.zeros(bins)
    sum_y = np.zeros(bins)
    # One member value of each cluster, NaN until the cluster is met; then whether any member
    # differs from it.
    some_value = np.full(bins, np.nan)
    mixed = np.zeros(bins, bool)
    # Only the rows and columns that hold clusters (the plot area, not the figure's margins);
    # coordinates stay the figure's.
    rows_used, cols_used = _span(labels.any(axis=1)), _span(labels.any(axis=0))
    offset_col, offset_row = offset
    for block in _row_blocks((rows_used.stop, cols_used.stop - cols_used.start),
                             start=rows_used.start):
        run_row, run_col, length, member, run_values = _runs(labels[block, cols_used],
                                                             values[block, cols_used])
        n += np.bincount(member, length, bins).astype(np.int64)
        # Σ (c + ½) over the run's columns c0 .. c0 + length - 1, and its rows' centres.
        first_col = run_col + (cols_used.start + offset_col)
        sum_x += np.bincount(member, length * (2 * first_col + length) / 2.0, bins)
        sum_y += np.bincount(member, length * (run_row + (block.start + offset_row) + 0.5), bins)
        unmet = np.isnan(some_value)
        new = unmet[member]
        some_value[member[new]] = run_values[new]  # any member's value will do
        with np.errstate(invalid="ignore"):
            mixed[member[run_values != some_value[member]]] = True
    mixed[0] = False
    n, sum_x, sum_y = n[1:], sum_x[1:], sum_y[1:]
    x, y = sum_x / n, sum_y / n
    median = some_value[1:].copy()
    std = np.zeros(count)
    if mixed.any():
        member, member_values = _gather(labels, values, mixed)
        sizes = np.bincount(member, minlength=bins)[1:]
        several = sizes > 0
        mean = np.bincount(member, member_values, bins)[1:][several] / sizes[several]
        square = np.bincount(member, member_values ** 2, bins)[1:][several] / sizes[several]
        std[several] = np.sqrt(np.maximum(square - mean ** 2, 0))
        median[several] = _grouped_median(member, member_values, sizes[several])
    x, y, snapped = _snap_outside_centroids(labels, x, y, offset)
    return ClusterPoints(x, y, median, std, n, snapped)


def _runs(labels, values):
    """The runs of one cluster and one value along each row of a block (label 0 left out).

    Parameters
    ----------
    labels : ndarray of int, shape (rows, cols)
    values : ndarray of float, shape (rows, cols)

    Returns
    -------
    row, col : ndarray of int64
        Where each run starts (in the block).
    length : ndarray of int64
        Its pixels.
    label : ndarray of int
    value : ndarray of float
        Its label and its pixels' one value (a NaN pixel is a run of its own).
    """
    rows, cols = labels.shape
    starts = np.empty((rows, cols), bool)
    starts[:, 0] = True
    np.not_equal(labels[:, 1:], labels[:, :-1], out=starts[:, 1:])
    with np.errstate(invalid="ignore"):
        value_changes = values[:, 1:] != values[:, :-1]
    value_changes &= labels[:, 1:] != 0
    starts[:, 1:] |= value_changes
    del value_changes
    row, col = np.nonzero(starts)
    del starts
    flat_start = row * cols + col
    length = np.diff(flat_start, append=rows * cols)  # a row's last run ends with the row
    label = labels[row, col]
    clustered = label != 0
    return (row[clustered], col[clustered], length[clustered], label[clustered],
            values[row[clustered], col[clustered]])


def _gather(labels, values, wanted, with_positions=False):
    """Labels and float64 values (and rows, cols) of the pixels of the ``wanted`` clusters.

    Row-major order, as ``np.nonzero`` gives it, collected block by block.
    """
    parts = []
    for block in _row_blocks(labels.shape):
        part = labels[block]
        where = np.nonzero(wanted[part])
        picked = [part[where], values[block][where].astype(np.float64)]
        if with_positions:
            picked += [where[0] + block.start, where[1]]
        parts.append(picked)
    return [np.concatenate(column) for column in zip(*parts)]


def _grouped_median(member, member_values, sizes):
    """Median of the values of each cluster, with one sort for all clusters.

    Parameters
    ----------
    member : ndarray of int
        Cluster number (from 1) of each value.
    member_values : ndarray of float64
    sizes : ndarray of int
        Number of values of each cluster present in ``member``, in cluster order (all > 0).
    """
    low, high = member_values.min(), member_values.max()
    spread = high - low if high > low else 1.0
    # Cluster number plus the value scaled into [0, 0.5]: sorting this one key orders the
    # values by cluster, and within a cluster by value.
    order = np.argsort(member + 0.5 * (member_values - low) / spread, kind="stable")
    ordered = member_values[order]
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    return 0.5 * (ordered[starts + (sizes - 1) // 2] + ordered[starts + sizes // 2])


def _snap_outside_centroids(labels, x, y, offset=(0, 0)):
    """Move centroids that fall outside their own cluster onto its nearest pixel.

    ``x``, ``y`` are the figure's pixel coordinates, ``labels[0, 0]`` its pixel at ``offset``
    (col, row).

    The nearest pixel is searched in square windows around the centroid that double in size
    until one holds a member, then in the window that holds every pixel as near as that one:
    the work is the window's, not the cluster's (a large ring or crescent of a filled-contour
    figure holds millions of pixels). Among equally near pixels the first in row-major order is
    taken.
    """
    cluster = np.arange(1, len(x) + 1)
    rows, cols = labels.shape
    offset_col, offset_row = offset
    # In the window's own coordinates; snapped points go back to the figure's.
    local_x, local_y = x - offset_col, y - offset_row
    row = np.clip(np.floor(local_y).astype(int), 0, rows - 1)
    col = np.clip(np.floor(local_x).astype(int), 0, cols - 1)
    outside = labels[row, col] != cluster
    for i in np.flatnonzero(outside):
        radius = 1
        while True:
            found = _members_near(labels, cluster[i], row[i], col[i], radius, local_x[i],
                                  local_y[i])
            if found is not None or radius > rows + cols:
                break
            radius *= 2
        # Every pixel nearer than the one found lies within this radius of the centroid's pixel.
        reach = int(np.ceil(np.sqrt(found[2]))) + 1
        if reach > radius:
            found = _members_near(labels, cluster[i], row[i], col[i], reach, local_x[i],
                                  local_y[i])
        x[i], y[i] = found[1] + offset_col + 0.5, found[0] + offset_row + 0.5
    return x, y, outside


def _members_near(labels, cluster, row, col, radius, x, y):
    """(row, col, squared distance) of the member nearest to (x, y) within ``radius`` pixels of
    (row, col), or None when the window holds no member."""
    top, left = max(0, row - radius), max(0, col - radius)
    window = labels[top:row + radius + 1, left:col + radius + 1]
    member_rows, member_cols = np.nonzero(window == cluster)
    if member_rows.size == 0:
        return None
    member_rows += top
    member_cols += left
    dx, dy = member_cols + 0.5 - x, member_rows + 0.5 - y
    squared = dx * dx + dy * dy
    nearest = np.argmin(squared)
    return member_rows[nearest], member_cols[nearest], squared[nearest]


def reduce_to_points(values, tolerance, eps=1.5, min_samples=1) -> tuple:
    """Flat mask, clusters and one point per cluster, in one call.

    Parameters
    ----------
    values : ndarray of float, shape (rows, cols)
        Decoded field, NaN where not data.
    tolerance : float
        See :func:`flat_mask`.
    eps, min_samples :
        See :func:`cluster_pixels`.

    Returns
    -------
    points : ClusterPoints
    labels : ndarray of int32
        The clusters, for inspection.
    """
    labels, count = cluster_pixels(flat_mask(values, tolerance), eps, min_samples)
    return cluster_points(values, labels, count), labels


@dataclass
class ReconstructionCheck:
    """How well the points reproduce the decoded field.

    Attributes
    ----------
    rmse : float
        Root mean square difference, value units, over the data pixels inside the points' hull.
    within_resolution : float
        Share (0..1) of those pixels reproduced within the colour scale's value resolution.
    pixels_compared : int
    grid : RebuiltField or None
        The reconstruction (NaN outside the hull or where the figure has no data), when asked
        for with ``full_grid``: read as a float32 array, computed where read.
        ``pipeline.decode_map`` lets it go once it is warped (the result's
        ``reconstruction_grid``, on the figure's own grid a window of it).
    """

    rmse: float
    within_resolution: float
    pixels_compared: int
    grid: object


def reconstruction_check(values, points, resolution, max_pixels=250_000,
                         full_grid=False) -> "ReconstructionCheck | None":
    """Interpolate the points back onto the figure's grid and compare with the decoded field.

    Linear interpolation over the points' Delaunay triangulation, as the seed pipeline checks it.

    Parameters
    ----------
    values : ndarray of float, shape (rows, cols)
    points : ClusterPoints
    resolution : float
        Value resolution of the colour scale (value units).
    max_pixels : int
        The statistics are computed on about this many data pixels, evenly spread over the
        figure (every s-th row and column): a quarter of a million pixels pin an RMSE down far
        better than the figure resolves it.
    full_grid : bool
        Also interpolate every data pixel into ``ReconstructionCheck.grid`` (else that grid is
        None: 4 bytes a figure pixel are not spent on it), in blocks of rows.

    Returns
    -------
    ReconstructionCheck or None
        None with fewer than three points or when they are collinear.
    """
    from scipy.spatial import Delaunay, QhullError

    if len(points) < 3:
        return None
    try:
        triangulation = Delaunay(np.column_stack([points.pixel_x, points.pixel_y]))
    except QhullError:
        return None
    finally:
        # Qhull's working memory (~600 bytes a point, freed in small blocks) back to the
        # system before the grid and the interpolation's blocks are made.
        release_freed_memory()
    _compute_barycentric_transforms(triangulation)
    # The interpolation holds ~200 bytes a pixel of its block: blocks of an eighth of a
    # million pixels at most, and on a smaller figure of a 128th of its pixels (1.6 bytes a
    # figure pixel; 26 MiB would be 27 bytes a pixel of a 1 MP figure).
    block_pixels = interpolation_block_pixels(values.size)
    # Data pixels counted (and found) block by block: no mask of the whole figure.
    total = sum(int(np.count_nonzero(np.isfinite(values[block])))
                for block in _row_blocks(values.shape))
    grid = None
    if full_grid:
        # Block by block of rows: the index arrays of a block's data pixels (16 bytes each)
        # and its estimates are all that is held. The statistics use every step-th data pixel
        # in row-major order, as a sample of at most max_pixels. The grid itself is computed
        # where it is read (RebuiltField): no 4 bytes a figure pixel held from here to the
        # writing of its raster.
        grid = RebuiltField(triangulation, points.value, values, block_pixels)
        step = int(np.ceil(total / max_pixels)) if total > max_pixels else 1
        seen = 0
        sample = []
        for block in _row_blocks(values.shape, block_pixels=block_pixels):
            block_rows, block_cols = np.nonzero(np.isfinite(values[block]))
            block_rows += block.start
            block_estimate = _interpolate_linear(triangulation, points.value, block_cols + 0.5,
                                                 block_rows + 0.5)
            kept = slice((-seen) % step, None, step)
            # Only the sample's differences are kept (8 bytes a sampled pixel, not the 24 of
            # its row, column and estimate): the same numbers in the same order.
            sample.append(_differences(values, block_rows[kept], block_cols[kept],
                                       block_estimate[kept]))
            seen += block_rows.size
        difference = np.concatenate(sample)
        del sample
    else:
        # Every s-th row and column: the sample is spread evenly, and no index array of all
        # the data pixels is ever made (16 bytes a pixel on a large figure). Its pixels are
        # found and interpolated a block of rows at a time, every step-th of them (in row-major
        # order) kept where they outnumber max_pixels: the same differences in the same order
        # as all at once, without the whole sample's rows, columns and estimates (24 bytes a
        # sampled pixel: 6 MiB of a 1 MP figure's run).
        stride = max(1, int(np.ceil(np.sqrt(total / max_pixels))))
        sampled = values[::stride, ::stride]
        count = sum(int(np.count_nonzero(np.isfinite(sampled[block])))
                    for block in _row_blocks(sampled.shape))
        step = int(np.ceil(count / max_pixels)) if count > max_pixels else 1
        seen = 0
        parts = []
        for block in _row_blocks(sampled.shape, block_pixels=block_pixels):
            rows, cols = np.nonzero(np.isfinite(sampled[block]))
            kept = slice((-seen) % step, None, step)
            seen += rows.size
            rows, cols = (rows[kept] + block.start) * stride, cols[kept] * stride
            estimate = _interpolate_linear(triangulation, points.value, cols + 0.5, rows + 0.5,
                                           chunk=block_pixels)
            parts.append(_differences(values, rows, cols, estimate))
        difference = np.concatenate(parts) if parts else np.zeros(0)
        del parts
    if difference.size == 0:
        return None
    return ReconstructionCheck(rmse=float(np.sqrt(np.mean(difference ** 2))),
                               within_resolution=float(np.mean(np.abs(difference) <= resolution)),
                               pixels_compared=int(difference.size), grid=grid)


class RebuiltField(ComputedArray):
    """The field interpolated from the points at every data pixel of a figure-frame raster,
    computed where it is read: a read-only float32 array of ``values``' shape (NaN outside the
    points' hull and where ``values`` is NaN).

    Read as an array is read (``field[rows, cols]`` with slices, index arrays or
    ``np.ix_``; ``np.asarray(field)`` for all of it), each pixel's estimate is the one
    :func:`reconstruction_check` compared, bit for bit (each pixel's estimate is its own,
    whatever the block it is computed in). Memory: the triangulation and the points' values,
    and ``values`` (the decoded field, held by the job anyway), instead of 4 bytes a figure
    pixel; each read holds its pixels' coordinates and estimates and interpolates them in
    blocks of ``block_pixels``.
    """

    dtype = np.dtype(np.float32)
    ndim = 2

    def __init__(self, triangulation, vertex_values, values, block_pixels, offset=(0, 0)):
        self._triangulation = triangulation
        self._vertex_values = vertex_values
        self._values = values
        self._block_pixels = block_pixels
        self._offset = offset
        self.shape = values.shape

    def window(self, rows, cols) -> "RebuiltField":
        """The field over ``[rows, cols]`` (two slices of step 1), itself computed where read."""
        rows, cols = self._window_ranges(rows, cols, "a rebuilt field")
        return RebuiltField(self._triangulation, self._vertex_values,
                            self._values[rows.start:rows.stop, cols.start:cols.stop],
                            self._block_pixels,
                            (self._offset[0] + rows.start, self._offset[1] + cols.start))

    def __getitem__(self, key) -> np.ndarray:
        data = np.isfinite(self._values[key])
        estimate = np.full(data.shape, np.nan, dtype=np.float32)
        if data.ndim == 0:
            # One pixel, [row, col]: read as a one-pixel array.
            return self[tuple(np.atleast_1d(index) for index in key)][0]
        # Each read pixel's row and column, from index arrays that take no memory (views, for
        # slices), gathered and interpolated about block_pixels at a time.
        rows = np.broadcast_to(np.arange(self.shape[0])[:, None], self.shape)[key]
        cols = np.broadcast_to(np.arange(self.shape[1])[None, :], self.shape)[key]
        step = max(1, self._block_pixels * data.shape[0] // max(data.size, 1))
        for start in range(0, data.shape[0], step):
            part = slice(start, start + step)
            inside = data[part]
            estimate[part][inside] = _interpolate_linear(
                self._triangulation, self._vertex_values,
                cols[part][inside] + (self._offset[1] + 0.5),
                rows[part][inside] + (self._offset[0] + 0.5), chunk=self._block_pixels)
        return estimate


def _differences(values, rows, cols, estimate):
    """Estimate minus decoded value at the pixels (rows, cols) the estimate reaches (inside
    the points' hull), in their order."""
    inside = np.isfinite(estimate)
    return estimate[inside] - values[rows[inside], cols[inside]]


#: Most pixels interpolated at a time over the points' triangulation (~200 bytes each).
INTERPOLATION_BLOCK_PIXELS = 1 << 17
#: Fewest, however small the figure: a block's fixed costs stay small beside its work.
MIN_INTERPOLATION_BLOCK_PIXELS = 1 << 13


def interpolation_block_pixels(figure_pixels) -> int:
    """Pixels :func:`reconstruction_check` interpolates at a time on a figure of
    ``figure_pixels``: a 128th of the figure, between :data:`MIN_INTERPOLATION_BLOCK_PIXELS`
    and :data:`INTERPOLATION_BLOCK_PIXELS`, so that the block's temporaries stay within some
    1.6 bytes a figure pixel down to 1 MP (and 26 MiB on any larger figure)."""
    return int(min(INTERPOLATION_BLOCK_PIXELS,
                   max(MIN_INTERPOLATION_BLOCK_PIXELS, figure_pixels // 128)))


def _interpolate_linear(triangulation, vertex_values, x, y, chunk=INTERPOLATION_BLOCK_PIXELS):
    """Linear interpolation over a Delaunay triangulation; NaN outside its hull.

    Barycentric weights from the triangulation's affine transforms, in chunks of ``chunk``
    pixels (~200 bytes each; each pixel's estimate is its own, whatever the chunks); several
    times faster than ``LinearNDInterpolator`` on millions of pixels.
    """
    estimate = np.full(len(x), np.nan)
    for start in range(0, len(x), chunk):
        where = np.column_stack([x[start:start + chunk], y[start:start + chunk]])
        simplex = _simplices_of(triangulation, where)
        inside = simplex >= 0
        transform = triangulation.transform[simplex[inside]]
        weights = np.einsum("nij,nj->ni", transform[:, :2], where[inside] - transform[:, 2])
        weights = np.column_stack([weights, 1 - weights.sum(axis=1)])
        corners = vertex_values[triangulation.simplices[simplex[inside]]]
        part = estimate[start:start + chunk]
        part[inside] = np.sum(corners * weights, axis=1)
    return estimate


#: Triangles whose barycentric transforms are computed at a time (~100 bytes each), the job's
#: cancellation asked between.
TRANSFORM_BLOCK_SIMPLICES = 1 << 16


def _compute_barycentric_transforms(triangulation) -> None:
    """Fill a 2-D triangulation's barycentric transforms (``Delaunay.transform``) here, a
    block of :data:`TRANSFORM_BLOCK_SIMPLICES` triangles at a time, the job's cancellation
    asked between.

    scipy computes them on the first ``find_simplex`` or ``transform``, in one call that asks
    nothing: one LAPACK factorisation, condition estimate and solve per triangle, 8.5 s for
    the 435,000 triangles of a native grid of 217,933 cells (an 8.6 MP figure of 4 px cells),
    and minutes on a loaded machine (312 s measured beside other jobs on 2 cores), with no
    way to cancel. Here each triangle's 2 × 2 matrix ``T`` (column ``j``: vertex ``j`` minus
    vertex 2) is inverted by its cofactors, vectorised: a tenth of a second. The same array as
    scipy's: ``T``'s inverse in ``[:2, :2]``, vertex 2 in ``[2]``, NaN for a triangle whose
    reciprocal condition number (infinity norm, as scipy's LAPACK call on the transposed
    matrix) is below the machine epsilon, scipy's own limit. The inverses agree with scipy's
    LU solve within 5e-15 of each transform's largest entry (random points, lattices, a
    nearly flat triangle), the rounding of two ways of solving, so ``find_simplex`` and the
    interpolation are those of scipy's transforms up to that rounding.

    Leaves the triangulation alone when it is not 2-D, when its transforms are already
    computed, or when this scipy keeps them elsewhere than ``_transform`` (computed by scipy
    then, as before).
    """
    if triangulation.ndim != 2 or getattr(triangulation, "_transform", False) is not None:
        return
    points, simplices = triangulation.points, triangulation.simplices
    transforms = np.empty((len(simplices), 3, 2))
    eps = np.finfo(float).eps
    for start in range(0, len(simplices), TRANSFORM_BLOCK_SIMPLICES):
        check_cancelled()
        corners = simplices[start:start + TRANSFORM_BLOCK_SIMPLICES]
        last = points[corners[:, 2]]
        first, second = points[corners[:, 0]] - last, points[corners[:, 1]] - last
        # T = [[first_x, second_x], [first_y, second_y]]; its inverse by cofactors.
        determinant = first[:, 0] * second[:, 1] - second[:, 0] * first[:, 1]
        block = transforms[start:start + len(corners)]
        with np.errstate(divide="ignore", invalid="ignore"):
            block[:, 0, 0] = second[:, 1] / determinant
            block[:, 0, 1] = -second[:, 0] / determinant
            block[:, 1, 0] = -first[:, 1] / determinant
            block[:, 1, 1] = first[:, 0] / determinant
            norm = np.maximum(np.abs(first[:, 0]) + np.abs(second[:, 0]),
                              np.abs(first[:, 1]) + np.abs(second[:, 1]))
            inverse_norm = np.maximum(np.abs(block[:, 0, 0]) + np.abs(block[:, 0, 1]),
                                      np.abs(block[:, 1, 0]) + np.abs(block[:, 1, 1]))
            reciprocal_condition = 1.0 / (norm * inverse_norm)
        block[:, 2] = last
        # Flat triangles (and NaN conditions: a zero determinant) have no transform.
        block[~(reciprocal_condition >= eps)] = np.nan
    triangulation._transform = transforms


#: scipy's own tolerance on the triangulation's bounding box (``Delaunay.find_simplex``).
_BOX_TOLERANCE = 100 * np.finfo(float).eps


def _simplices_of(triangulation, where):
    """``triangulation.find_simplex(where)``, -1 outside the points' bounding box without a
    search; the others :data:`INTERPOLATION_BLOCK_PIXELS` at a time (one scipy call for any
    chunk :func:`_interpolate_linear` is given), the job's cancellation asked between.

    The same simplices as one call: scipy answers -1 beyond the box (its own tolerance)
    before it walks, and such a point leaves the walk's start where it was.
    """
    simplex = np.full(len(where), -1, dtype=np.intc)
    in_box = np.flatnonzero(np.all((where >= triangulation.min_bound - _BOX_TOLERANCE)
                                   & (where <= triangulation.max_bound + _BOX_TOLERANCE), axis=1))
    for start in range(0, in_box.size, INTERPOLATION_BLOCK_PIXELS):
        check_cancelled()
        part = in_box[start:start + INTERPOLATION_BLOCK_PIXELS]
        simplex[part] = triangulation.find_simplex(where[part])
    return simplex
