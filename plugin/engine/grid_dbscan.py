"""Exact DBSCAN of the pixels of a mask, on the pixel grid itself, in bounded memory.

scikit-learn's DBSCAN keeps every point's neighbour list (about ``π eps²`` indices of 8 bytes per
flat pixel, plus a KD-tree): a 100 MP figure does not fit. The points here are the pixels of a
raster, so the raster is the grid of the grid-based DBSCAN: neighbourhoods are fixed sets of
pixel offsets, and every step is a pass over the raster in strips of rows.

Definitions (scikit-learn's, which this reproduces label for label)
    Two pixels are neighbours when ``dx² + dy² <= eps²`` (as scikit-learn compares squared
    distances). A pixel of the mask is a *core* when at least ``min_samples`` mask pixels,
    itself included, are its neighbours. Cores that are neighbours belong to one cluster; a
    non-core mask pixel with a core neighbour is a *border* pixel and joins, of the clusters
    with a core among its neighbours, the one scikit-learn expands first; other mask pixels are
    noise. scikit-learn numbers clusters in the order of their first core in its input, which
    for ``np.nonzero(mask)`` is the raster (row-major) order, and expands cluster after cluster,
    so a border pixel joins the lowest-numbered cluster it touches.

Steps
    1. Neighbour counts. The disc of offsets is a stack of horizontal runs, one per ``dy``; the
       count at a pixel is the sum, over ``dy``, of the mask's run sum of half-width ``w(dy)``
       on row ``y + dy``, each from a cumulative sum along the rows. Strips of rows with a halo
       of ``floor(eps)`` rows keep memory to a few bytes per pixel of the strip.
    2. Cores that touch (8-connected; 4-connected for 1 <= eps < √2; none below 1) are one
       cluster whatever ``eps`` is, so ``scipy.ndimage.label`` makes them components first.
    3. Union of components. For ``eps >= 2`` two components may still hold cores within
       ``eps``. If core ``p`` of component A lies within ``eps`` of core ``q`` of component B,
       walk the digital (Bresenham) segment from ``p`` to ``q``: every step shortens neither
       coordinate difference, so the last pixel of A on it is no farther from ``q``, and it has
       a non-core neighbour (the next pixel of the walk). Likewise from ``q``. So only
       *boundary cores* (cores with a non-core 8-neighbour) need looking at: for each offset of
       the half disc beyond the 3 × 3 block, the boundary cores whose offset pixel is a core of
       another component give an edge between the two components. The components joined by
       those edges (``scipy.sparse.csgraph.connected_components``, a union-find) are the
       clusters.
    4. Numbering. ``ndimage.label`` numbers components in raster order of their first pixel,
       so a cluster's first core is that of its lowest component: clusters are numbered in the
       order of their lowest component, as scikit-learn numbers them.
    5. Border pixels. A minimum filter over the disc of the cores' cluster numbers (non-cores
       count as +∞) gives each non-core mask pixel the lowest cluster with a core within
       ``eps``, in strips.

Memory: the mask (1 byte a pixel), the core components and then the labels (4 bytes a pixel,
one array reused), plus strips; the union step holds the boundary cores' coordinates (a few
percent of the pixels of a plateau figure) and the edges between components.
"""
import numpy as np
from scipy import ndimage

# Rows per strip: bounds the temporaries of steps 1 and 5 (a few int32 arrays of a strip).
STRIP_ROWS = 512


def disc_offsets(eps) -> np.ndarray:
    """Pixel offsets within ``eps``: ``dx² + dy² <= eps²``, as scikit-learn compares them.

    Returns
    -------
    dy, dx : ndarray of int
    """
    radius = int(np.floor(eps))
    dy, dx = np.mgrid[-radius:radius + 1, -radius:radius + 1]
    inside = (dx * dx + dy * dy).astype(float) <= float(eps) * float(eps)
    return dy[inside], dx[inside]


def grid_dbscan(mask, eps, min_samples) -> tuple:
    """DBSCAN clusters of the True pixels of ``mask``, as scikit-learn labels them.

    Parameters
    ----------
    mask : ndarray of bool, shape (rows, cols)
    eps : float
        Neighbourhood radius, pixels (> 0).
    min_samples : int
        Neighbours (the pixel itself included) that make a core pixel (>= 1).

    Returns
    -------
    labels : ndarray of int32, shape (rows, cols)
        0 where not in the mask or noise, else the cluster number from 1, numbered as
        scikit-learn numbers them (its label + 1 for the pixels in ``np.nonzero`` order).
    count : int
        Number of clusters.
    """
    mask = np.asarray(mask, bool)
    dy, dx = disc_offsets(eps)
    core = _cores(mask, dy, dx, min_samples)
    structure = _touching(eps)
    labels, components = ndimage.label(core, structure=structure, output=np.int32)
    if components == 0:
        return np.zeros(mask.shape, np.int32), 0
    # Cluster of each component 1..components, as 0..count-1.
    _, cluster = np.unique(_join_components(core, labels, components, dy, dx)[1:],
                           return_inverse=True)
    count = int(cluster.max()) + 1
    # Number clusters by their lowest component (= their first core in raster order).
    lowest = np.full(count, np.iinfo(np.int64).max)
    np.minimum.at(lowest, cluster, np.arange(1, components + 1))
    number = np.empty(count, np.int32)
    number[np.argsort(lowest, kind="stable")] = np.arange(1, count + 1)
    lookup = np.zeros(components + 1, np.int32)
    lookup[1:] = number[cluster]
    # Component labels become cluster numbers in place (no second raster).
    np.take(lookup, labels, out=labels)
    _label_borders(mask, core, labels, dy, dx)
    return labels, int(count)


def _touching(eps):
    """The 3 × 3 structure of offsets within ``eps``."""
    structure = np.zeros((3, 3), bool)
    for y in (-1, 0, 1):
        for x in (-1, 0, 1):
            structure[y + 1, x + 1] = float(x * x + y * y) <= float(eps) * float(eps)
    return structure


def _cores(mask, dy, dx, min_samples):
    """Mask pixels with at least ``min_samples`` mask pixels within the disc (step 1)."""
    rows, cols = mask.shape
    core = np.zeros(mask.shape, bool)
    if min_samples <= 1:
        core[...] = mask
        return core
    radius = int(max(np.abs(dy).max(), np.abs(dx).max()))
    half_width = {}
    for y, x in zip(dy, dx):
        half_width[int(y)] = max(half_width.get(int(y), 0), abs(int(x)))
    for start in range(0, rows, STRIP_ROWS):
        stop = min(start + STRIP_ROWS, rows)
        low, high = max(0, start - radius), min(rows, stop + radius)
        # Cumulative sums along rows, with radius + 1 zero columns before and radius after.
        padded = np.zeros((high - low, cols + 2 * radius + 1), np.int32)
        padded[:, radius + 1:radius + 1 + cols] = mask[low:high]
        cumulative = np.cumsum(padded, axis=1, out=padded)
        counts = np.zeros((stop - start, cols), np.int32)
        for y, w in half_width.items():
            first, last = max(start + y, 0), min(stop + y, rows)
            if first >= last:
                continue
            source = slice(first - low, last - low)
            # Sum of mask[row, c - w .. c + w] = C[c + w + radius + 1] - C[c - w + radius].
            run = (cumulative[source, radius + 1 + w:radius + 1 + w + cols]
                   - cumulative[source, radius - w:radius - w + cols])
            counts[first - y - start:last - y - start] += run
        core[start:stop] = mask[start:stop] & (counts >= min_samples)
    return core


def _join_components(core, labels, components, dy, dx):
    """Cluster of each component, an array indexed by component label (index 0 unused)
    (step 3)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    far = (np.abs(dy) >= 2) | (np.abs(dx) >= 2)
    # Half of the disc: each pair of pixels is seen once.
    half = far & ((dy > 0) | ((dy == 0) & (dx > 0)))
    identity = np.arange(components + 1)
    if not half.any():
        return identity
    boundary = core & ~ndimage.binary_erosion(core, structure=np.ones((3, 3), bool),
                                              border_value=0)
    rows, cols = core.shape
    by, bx = np.nonzero(boundary)
    source = labels[by, bx]
    sources, targets = [], []
    for y, x in zip(dy[half], dx[half]):
        ty, tx = by + y, bx + x
        inside = (ty >= 0) & (ty < rows) & (tx >= 0) & (tx < cols)
        other = np.zeros(len(by), np.int32)
        other[inside] = labels[ty[inside], tx[inside]]
        joined = (other > 0) & (other != source)
        if joined.any():
            pairs = np.unique(np.column_stack([source[joined], other[joined]]), axis=0)
            sources.append(pairs[:, 0])
            targets.append(pairs[:, 1])
    if not sources:
        return identity
    sources, targets = np.concatenate(sources), np.concatenate(targets)
    graph = coo_matrix((np.ones(len(sources), np.int8), (sources, targets)),
                       shape=(components + 1, components + 1))
    _, cluster = connected_components(graph, directed=False)
    return cluster


def _label_borders(mask, core, labels, dy, dx):
    """Give each non-core mask pixel the lowest cluster with a core within eps (step 5)."""
    rows, cols = mask.shape
    radius = int(max(np.abs(dy).max(), np.abs(dx).max()))
    footprint = np.zeros((2 * radius + 1, 2 * radius + 1), bool)
    footprint[dy + radius, dx + radius] = True
    none = np.iinfo(np.int32).max
    for start in range(0, rows, STRIP_ROWS):
        stop = min(start + STRIP_ROWS, rows)
        border = mask[start:stop] & ~core[start:stop]
        if not border.any():
            continue
        low, high = max(0, start - radius), min(rows, stop + radius)
        numbers = np.where(core[low:high], labels[low:high], none)
        nearest = ndimage.minimum_filter(numbers, footprint=footprint, mode="constant",
                                         cval=none)[start - low:stop - low]
        strip = labels[start:stop]
        strip[border] = np.where(nearest[border] == none, 0, nearest[border])
