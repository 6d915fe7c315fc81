"""Native grid recovery: finding the lattice of a figure drawn cell by cell, and reading its cells.

Many map figures draw a coarse gridded product cell by cell (matplotlib ``pcolormesh`` or
``imshow(interpolation='nearest')``, GMT ``grdimage`` of a 1° grid). Each cell is then a
rectangle of one colour, and the cells tile the plot area in a regular lattice: vertical lines
every ``cell_width`` pixels from a phase ``origin_x``, horizontal lines every ``cell_height``
pixels from ``origin_y``. Once that lattice is known, every cell can be read back on its own,
even where two neighbouring cells share a colour and form one plateau in the picture.

Conventions: pixel coordinates as GDAL, (0, 0) the top-left corner of the figure, pixel centres
at +0.5, y down. A *boundary index* ``x`` is the line between pixel columns ``x - 1`` and ``x``,
at pixel coordinate ``x``.

Detection (:func:`find_lattice`)
    1. Colour steps. Along each axis, the *profile* holds per boundary index the mean absolute
       step of Y' (luma) between the decoded pixels either side (see :func:`find_lattice` for
       why luma). Its median is the background: zero in a clean PNG, the noise in a JPEG. A
       JPEG's 8 × 8 blocks add steps of their own along their borders, every 8 px: they are
       taken out, each index by the median of the indices at its place in the block period
       (where they stand far above the background, only in a second search, made when the
       first finds no lattice: at quality 40 and below they are as strong as the cells' edges).
    2. Lines. A lattice line crosses the whole plot area, so the profile is a comb of narrow
       peaks above the background. Local maxima above a quarter of the way from the background
       to the typical peak are lines, each at the centroid of its excess over itself and its
       two neighbours (a blended pixel column or a JPEG's blur spreads a line over two).
    3. Regularity. The comb's period comes from the spectrum of the profile's steps above the
       noise (the lowest strong peak: robust to missing and stray lines), or, failing that,
       from the other strong peaks of it and of the lines' own comb (where the data pixels are
       adds slow combs to the steps' spectrum); each line gets the number of the nearest
       lattice line, and a least-squares fit on the lines within a pixel gives a first size and
       phase; the lines numbered one or two cells more or fewer over their span are fitted too,
       and the numbering whose lattice the lines hug closest kept (:func:`_renumbered_lattice`:
       a first size a little off numbers a far group of lines a cell off, and the fit then
       drifts across the true lines within its tolerance). Too many lines off the lattice (a
       fifth; two fifths in a JPEG, whose noise makes stray lines where neighbouring cells
       differ by a luma step or two), or a fit off by more than half a pixel RMS, means no
       regular lattice. A harmonic of the cells' comb fits
       their lines too, every second (third) of its lines unseen: when most of the lines lie on
       one residue of their numbers, the coarser lattice is taken (:func:`_coarsest_lattice`);
       where fewer do, a coarser lattice on the lines (another comb's, or every second or third
       line) is taken when the strips of its cells between the finer lattice's other lines are
       one colour (:func:`_coarser_by_interiors`: a JPEG rings each cell edge into stray lines a
       few pixels in, which a lattice of a third of the cells holds with the cells' own).
       Size and phase are then pinned down by
       modelling the renderer (:func:`_rounded_edge_fit`): each edge is the pixel boundary
       nearest its line, so the edges bound the lattice to a small region, within which the
       lattice is tied to the plot area's frame (outer cell edges on the frame's pixel
       boundaries) or to round map coordinates (a round cell size in map units, lines on round
       coordinates) when exactly one such lattice fits the edges, and is the region's centroid
       otherwise.
       In a noisy figure (a JPEG) the lines' centroids wander by a few tenths of a pixel and
       no longer bound the lattice to the renderer's rounding; the lattice is then tied to the
       frame when the least-squares lattice's outer lines lie within three of their standard
       errors of its sides (:func:`_noisy_frame_tie`).
    4. Validation. Most colour steps above the noise must lie on lattice lines, in the
       figure as a whole and in each third of it (a lon/lat grid drawn in a projection has
       curved or unevenly spaced lines: they may line up near the centre, not everywhere), and
       cell interiors must be one colour up to noise: the share of interior pixels whose luma
       lies near their cell's median must be high, and clearly higher than for the same lattice
       shifted by half a cell (whose "cells" straddle the lines); in a noisy figure, the mean
       step between neighbouring pixels of one cell's interior, clearly smaller than in the
       half-shifted cells, proves it too (:func:`_interior_pair_step`: the shares are biased
       where half-shifted cells keep a single interior pixel). A smooth or contour-filled
       figure, whose colour changes follow its contours, fails these tests. The thresholds are
       stricter for a clean figure (most neighbouring data pixels of exactly one colour) than
       for a noisy one (a JPEG), which the half-shifted comparison then mostly judges; a noisy
       figure's lattice with an axis on the JPEG's own block grid is held to the clean thresholds (a strong
       JPEG flattens a smooth figure's blocks into cells of its own), and each such axis must
       prove itself alone (:func:`_axis_shift_step_ratio`: the other axis's true lines carry
       the tests above when this one's "cells" are the blocks). In a noisy figure, the
       steps counted leave out the data pixels within :data:`HALO_PX` of a line or label
       (their ringing) and the boundary indices within :data:`SIDE_REACH` of the plot area's
       sides (the frame's).

Reading the cells (:func:`read_cells`)
    A cell's value is the median of its *interior* pixels that decoded (those whose centre lies
    at least a pixel from the cell's sides, where the renderer's rounding and blending or the
    JPEG's blur mix the neighbour in); with an even count the lower middle value, so that it
    is one the colour scale can show. In a noisy figure (a JPEG) on a continuous scale, the
    pixels are decoded again with chroma at half luma's weight (JPEG keeps luma better,
    :func:`luma_weighted_field`) and read by their interquartile mean: as robust as the
    median, and less noisy. A cell is nodata when fewer than half of its interior pixels
    decoded: coastlines and labels over part of a cell leave the rest of the cell to speak.
"""
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .reduction import ClusterPoints

# Smallest cell side (pixels) looked for: a smaller cell has no interior to read.
MIN_CELL_PX = 3.0
# A lattice needs at least this many lines on each axis.
MIN_LINES = 4
# Lines farther than this (pixels) from the fitted lattice are outliers.
LINE_FIT_TOLERANCE = 1.0
# A line's mean luma step reaches this far from the background towards the typical peak.
LINE_LEVEL = 0.25
# Validation thresholds (shares, 0..1): (clean figure, noisy figure). A figure is clean when
# at least CLEAN_SHARE of neighbouring data pixels have exactly the same colour (a PNG drawn
# cell by cell); a JPEG's noise blurs the edges and mottles the cells, so it is held to less.
CLEAN_SHARE = 0.6
MIN_EDGE_SHARE = (0.9, 0.75)
MIN_BAND_SHARE = (0.8, 0.5)
# A third of a noisy figure is judged when its colour edges (the steps above the noise) are at
# least this share of the richest third's along the same axis: in a JPEG, a third with few
# cell edges has its share of them made by the noise.
MIN_BAND_EDGES = (0.0, 0.5)
MIN_INTERIOR_SHARE = (0.95, 0.5)
# How much more often interior pixels agree with their cell than with a half-shifted one, as
# a difference of shares and as a ratio of the shares that disagree. In a noisy figure the
# half-shifted comparison decides: on smooth figures as JPEGs (quality 30-90, cells of 4 to
# 16 px, on the JPEG's block grid or off it) the ratio was 0.76-1.16 and the difference at
# most 0.03; on lattices of 5-10 px as JPEGs of quality 50-80 (ImageMagick, Pillow), 1.55-1.74
# and 0.14-0.26, their neighbouring cells often a luma step or two apart, within the noise.
MIN_SHIFT_GAIN = (0.05, 0.08)
MIN_SHIFT_RATIO = (2.0, 1.35)
# In a noisy figure, a lattice is also proven when the mean luma step between neighbouring
# pixels of one cell's interior is this many times smaller than in the half-shifted cells
# (:func:`_interior_pair_step`), whatever the shares say: they are biased where half-shifted
# cells keep one interior pixel (cells of 5.5 px: interiors of 1 and 2 px in turn, a true
# lattice's 2 px). (With an axis on the JPEG's block grid, off it.) Measured as JPEGs
# (quality 10-80, lattices of 4 to 16 px at phases on and off the block grid): smooth figures
# 1.09-1.97 off the grid, up to 2.21 on it (quality 10); ERA-Interim's 3° field in RdBu_r at
# quality 80, cells of 4 to 8.3 px, 2.9-5.8 (4.1 for the 4 px cells whose rows lie on the
# block grid); larger cells less (10.3 px: 2.1), where the shares decide.
MIN_PAIR_STEP_RATIO = (3.5, 2.5)
# In a noisy figure, an axis whose lines lie on the JPEG's block grid must show it alone
# (:func:`_axis_shift_step_ratio`): the mean luma step between neighbouring interior pixels
# along it, this many times larger when the lattice is shifted by half a cell along that axis
# only. Measured (Pillow JPEGs): the block grid taken for lines along ERA-Interim's zonal z200
# (cells of 6.5-7.6 px, quality 60-75) 1.67-2.11; true lattices on the block grid in the tests
# (GMT and ERA-Interim at 4 and 8 px) 4.4-5.7, ERA-Interim's u200 in 8 px cells at quality
# 75 2.13 (refused: its cells fell short of the issue's bar anyway).
MIN_BLOCK_AXIS_STEP_RATIO = 3.0
# Share of the lines on the lattice: (clean, noisy); a JPEG's noise makes stray lines of its
# own where neighbouring cells differ by a luma step or two.
MIN_INLIER_SHARE = (0.8, 0.6)
# Share of the lattice's lines, between the first and the last found, that must be found:
# (clean, noisy). A JPEG's noise hides a smooth field's weakest cell edges (ERA-Interim's 3°
# zonal field at 4 px, quality 80: 47 % of its vertical lines rise above the line level); the
# lattice is then proven by the colour edges on all of its lines and by its cells' interiors.
# Below the first, either figure's lattice must also pass the chance test below (the second
# is the floor for both).
MIN_LINE_COVERAGE = (0.5, 0.35)
# Below the clean figure's coverage, the share of the lines on the lattice beyond what lines at
# random positions would give, as a fraction of the most there is to gain ((share - chance) /
# (1 - chance)): ERA-Interim's 4 px cells (83 % of the lines on the lattice, 50 % by chance)
# 0.66; the rows of a 1/3° grid drawn in Mercator on a narrow map (76 % on a 3 px comb, 67 % by
# chance) 0.29, taken for a lattice without it.
MIN_SPARSE_LINES_EXCESS = 0.5
# A clean figure's line lies within this (pixels) of its lattice line for that chance test: the
# renderer puts each edge on the pixel boundary nearest its line.
CLEAN_LINE_TOLERANCE = 0.5
# Weight of chroma against luma when a JPEG's cells are read (luma_weighted_field): measured
# on the test figures' cells within one value resolution, 0.5 gave 94.3 % (SST quality 90),
# 89.0 % (quality 75), 99.8 % (GMT) against 94.1, 83.5, 99.4 % for plain Y'CbCr (1.0), and
# 1.5 or 2 did worse on all three. A round value, not fitted further.
JPEG_CHROMA_WEIGHT = 0.5
# A cell is data when at least this share of its interior pixels decoded...
MIN_DECODED_SHARE = 0.5
# ...of those that are not text written over it (read_cells' ``text``), when they are at least
# this share of its interior: the pixels between and beside a label's glyphs are the cell's
# own colour, and a cell under a label is read from them rather than left empty.
MIN_BESIDE_TEXT_SHARE = 0.2
# Pixels per block of cell rows processed at once (bounds memory on large figures): a block
# holds some 40 bytes a pixel (cell numbers, values, their sort), so a 32nd of the raster read,
# between MIN_BLOCK_PIXELS and BLOCK_PIXELS (40 MiB would be 10 bytes a pixel of a 4 MP
# figure; 2**16 pixels, 2.6 MiB, were the native grid search's part of a 1 MP job's peak).
# A cell row is never split between blocks: the statistics are the same whatever the
# blocks.
BLOCK_PIXELS = 1_000_000
MIN_BLOCK_PIXELS = 1 << 14


@dataclass(frozen=True)
class Lattice:
    """A regular lattice of rectangular cells in the figure's pixel frame.

    Cell ``(row, col)`` of the native grid spans ``origin_x + col * cell_width`` to
    ``origin_x + (col + 1) * cell_width`` in x, likewise in y.

    Attributes
    ----------
    cell_width, cell_height : float
        Cell size, pixels.
    origin_x, origin_y : float
        Pixel coordinates of the top-left corner of cell (0, 0).
    columns, rows : int
        Cells of the native grid.
    edge_share : float
        Share (0..1) of the colour edges in the plot area that lie on lattice lines.
    interior_share : float
        Share (0..1) of cell-interior pixels within the noise threshold of their cell's median.
    line_rms : tuple of float
        RMS distance (pixels) of the detected lines from the fitted lattice, (x, y).
    clean : bool
        Whether neighbouring pixels inside cells have exactly one colour (a PNG), or are noisy
        (a JPEG, whose blur and ringing reach further into a cell from its sides).
    """

    cell_width: float
    cell_height: float
    origin_x: float
    origin_y: float
    columns: int
    rows: int
    edge_share: float = float("nan")
    interior_share: float = float("nan")
    line_rms: tuple = (float("nan"), float("nan"))
    clean: bool = True

    def describe(self) -> str:
        """One log line, e.g. 'lattice of 12.5 × 12.5 px, 80 × 40 cells, 97 % of colour edges
        on lattice lines'."""
        return (f"lattice of {self.cell_width:.4g} × {self.cell_height:.4g} px, {self.columns} × "
                f"{self.rows} cells, {100 * self.edge_share:.0f} % of colour edges on lattice "
                f"lines, cell interiors {100 * self.interior_share:.0f} % one colour; top-left "
                f"corner at pixel ({self.origin_x:.2f}, {self.origin_y:.2f})")

    def cell_to_pixel(self, col, row) -> tuple:
        """Figure pixel coordinates of native-grid coordinates (cell (0, 0) spans 0..1)."""
        return (self.origin_x + np.asarray(col, float) * self.cell_width,
                self.origin_y + np.asarray(row, float) * self.cell_height)

    def pixel_to_cell(self, x, y) -> tuple:
        """Native-grid coordinates of figure pixel coordinates."""
        return ((np.asarray(x, float) - self.origin_x) / self.cell_width,
                (np.asarray(y, float) - self.origin_y) / self.cell_height)

    def centres(self) -> tuple:
        """Pixel coordinates of every cell centre, arrays of shape (rows, columns)."""
        col, row = np.meshgrid(np.arange(self.columns) + 0.5, np.arange(self.rows) + 0.5)
        return self.cell_to_pixel(col, row)


@dataclass
class LatticeSearch:
    """What :func:`find_lattice` found.

    Attributes
    ----------
    lattice : Lattice or None
    message : str
        For the log: the lattice found, or why there is none.
    """

    lattice: object
    message: str


@dataclass
class _AxisFit:
    size: float
    phase: float
    rms: float
    lines: int
    # Lattices of the same lines a whole number of times coarser, finest first, for the cells'
    # interiors to judge (:func:`_coarser_by_interiors`).
    coarser: tuple = ()
    # The first comb's lattice when this one, another comb's, replaced it (its lines closer to
    # it, :func:`_closest_lattice`), for the pixels to confirm (:func:`_first_unless_colour`).
    replaced: object = None


# -- detection ----------------------------------------------------------------------------
def luma(rgb, chunk_rows=None) -> np.ndarray:
    """Y' (Rec. 601 luma, 0..255) of an RGB image, float32: the channel a JPEG keeps sharpest.

    Computed in strips of rows (by default of some 2**18 pixels: 3 MiB of float32
    temporaries), so that its temporaries stay small beside the result.
    """
    if chunk_rows is None:
        chunk_rows = max(1, (1 << 18) // max(1, rgb.shape[1]))
    rows, cols = rgb.shape[:2]
    result = np.empty((rows, cols), np.float32)
    # One strip's product, made once: a fresh array of a strip's size would be mapped from
    # the system and faulted in again for every strip and weight.
    product = np.empty((min(chunk_rows, rows), cols), np.float32)
    for start in range(0, rows, chunk_rows):
        block = rgb[start:start + chunk_rows]
        strip, term = result[start:start + chunk_rows], product[:len(block)]
        np.multiply(block[..., 0], np.float32(0.299), out=strip)
        np.multiply(block[..., 1], np.float32(0.587), out=term)
        strip += term
        np.multiply(block[..., 2], np.float32(0.114), out=term)
        strip += term
    return result


def find_lattice(rgb, data, box, extent_box=None, min_cell=MIN_CELL_PX,
                 map_axes=None, noisy=None, block_origin=None) -> "LatticeSearch":
    """Look for a regular lattice of cells in the figure.

    Parameters
    ----------
    rgb : ndarray of uint8, shape (rows, cols, 3)
        The figure.
    data : ndarray of bool, shape (rows, cols)
        Pixels that decoded to a value (not lines, text, background).
    box : tuple (col0, row0, col1, row1)
        The plot area, pixels; only pixels inside it are examined.
    extent_box : tuple (col0, row0, col1, row1), optional
        The native grid holds the cells whose centre lies inside this box (the plot area the
        user drew). Default: the box around the decoded pixels.
    min_cell : float
        Smallest cell side looked for, pixels.
    map_axes : tuple ((x0, a), (y0, e)), optional
        A north-up affine georeference of the figure (map x = x0 + a * pixel x, map y = y0 + e *
        pixel y; see :func:`north_up_axes`): the lattice's phase and size are then tied to round
        map coordinates when the edges allow exactly one such lattice.
    noisy : bool, optional
        Whether the figure is noisy (a JPEG: True), whatever its pixels look like. By default
        judged from them: noisy unless most neighbouring data pixels have exactly the same
        colour (:data:`CLEAN_SHARE`), which a JPEG of large flat cells can have (cells of
        46 × 52 px at quality 75: 65 %) while its ringing still makes stray lines.
    block_origin : tuple (x, y), optional
        Where the JPEG's 8 × 8 blocks start, figure pixels ((0, 0) for a figure read from a
        JPEG file). Only the steps along those block borders are then taken out of the
        profiles (:func:`_without_block_steps`); unknown (None, a JPEG cropped or saved again
        since), the place in the 8-px period that stands out alone is.

    Returns
    -------
    LatticeSearch

    Notes
    -----
    Colour changes are measured on Y' (luma, 0..255): a JPEG keeps it at full resolution while
    it halves and blurs the colour channels, and a colour-mapped figure's neighbouring cells
    nearly always differ in it. The profiles hold, per boundary index, the mean absolute luma
    step between the data pixels either side (steps clipped at 64 so that a few strong edges
    do not outweigh the rest); the *background* is the profile's median, which is JPEG noise in
    a JPEG and zero in a clean PNG. "Colour edges" in the log are the profile above background.
    """
    col0, row0, col1, row1 = (int(round(v)) for v in box)
    crop_data = data[row0:row1, col0:col1]
    if not crop_data.any():
        return LatticeSearch(None, "no decoded pixel to look for a lattice in")
    crop_luma = luma(rgb[row0:row1, col0:col1])
    noise, identical = _neighbour_steps(crop_luma, crop_data)
    regime = (0 if identical >= CLEAN_SHARE else 1) if noisy is None else int(bool(noisy))
    # In a noisy figure (a JPEG), a line or label over the cells rings into the data pixels
    # around it: their steps are the line's, not the cells'.
    step_data = crop_data if regime == 0 else _away_from_masked(crop_data, HALO_PX)
    # Each axis's profiles, computed once (the second search below uses them again).
    profiles = {}

    def axis_profiles(axis):
        if axis not in profiles:
            profiles[axis] = _step_profiles(crop_luma, step_data, axis)
        return profiles[axis]

    # In a clean figure, the same profiles without the pixels next to thin lines and labels,
    # made only when the shares of colour edges on a lattice ask for them (_search_lattice).
    halo = {}

    def halo_profiles(axis):
        if axis not in halo:
            if "data" not in halo:
                halo["data"] = _away_from_thin_masks(crop_data, THIN_MASK_PX, CLEAN_HALO_PX)
            halo[axis] = _step_profiles(crop_luma, halo["data"], axis)
        return halo[axis]

    # The block borders' place in the 8-px period, in each axis's crop boundary indices.
    border_places = ((None, None) if block_origin is None else
                     tuple(int(round(origin - start)) % JPEG_BLOCK
                           for origin, start in zip(block_origin, (col0, row0))))
    search = _search_lattice(crop_luma, crop_data, axis_profiles, (col0, row0, col1, row1), data,
                             box, extent_box, min_cell, map_axes, regime, noise,
                             strong_borders=False, border_places=border_places,
                             halo_profiles=halo_profiles if regime == 0 else None)
    if search.lattice is None and regime == 1:
        # A strong JPEG (quality 40 and below) leaves steps along its block borders as strong
        # as the cells' own edges: they are then lines of their own, every 8 px, and the
        # lattice fitted to them fails. Searched again with them taken out however strong
        # (:func:`_without_block_steps`); the same validation decides, and the first search's
        # reason is kept when this one finds nothing either.
        second = _search_lattice(crop_luma, crop_data, axis_profiles, (col0, row0, col1, row1),
                                 data, box, extent_box, min_cell, map_axes, regime, noise,
                                 strong_borders=True, border_places=border_places)
        if second.lattice is not None:
            return second
    return search


def _search_lattice(crop_luma, crop_data, axis_profiles, crop_box, data, box, extent_box,
                    min_cell, map_axes, regime, noise, strong_borders,
                    border_places=(None, None), halo_profiles=None) -> "LatticeSearch":
    """One search of :func:`find_lattice` on the plot area's crop; with ``strong_borders`` a
    JPEG's block borders are taken out of the profiles however strong
    (:func:`_without_block_steps`; ``border_places``: their place in the 8-px period along x
    and y, or None where unknown). Sets the crop's luma NaN where not data once both axes'
    profiles are made."""
    col0, row0, col1, row1 = crop_box
    fits, excess, band_profiles = [], [], []
    for axis, start, place in (("x", col0, border_places[0]), ("y", row0, border_places[1])):
        steps, pairs, bands = axis_profiles(axis)
        band_profiles.append(bands)
        lines = _profile_lines(steps, pairs, strong_borders, place)
        if isinstance(lines, str):
            return LatticeSearch(None, f"no lattice: along {axis}, {lines}")
        lines, line_steps = lines
        excess.append(_excess_steps(steps, pairs, strong_borders, place))
        map_axis = None
        if map_axes is not None:
            # In the crop's boundary coordinates.
            offset, scale = map_axes[len(fits)]
            map_axis = (offset + scale * start, scale)
        fit = _fit_lines(lines, excess[-1], min_cell, frame=(0, len(steps) - 1),
                         map_axis=map_axis, clean=regime == 0, strengths=line_steps)
        if isinstance(fit, str):
            return LatticeSearch(None, f"no regular lattice: along {axis}, {fit}")
        fits.append(fit)
    # Luma of the decoded pixels only (the crop's own array: both axes' profiles are made).
    crop_luma[~crop_data] = np.nan
    # A lattice whose lines are the cells' and strays between them (a JPEG's ringing) gives
    # way to the cells' when their interiors are one colour across the strays.
    fit_x = _first_unless_colour(crop_luma, fits[0], fits[1], "x", regime == 0)
    fit_y = _first_unless_colour(crop_luma, fits[1], fit_x, "y", regime == 0)
    fit_x = _coarser_by_interiors(crop_luma, fit_x, fit_y, "x", regime == 0)
    fit_y = _coarser_by_interiors(crop_luma, fit_y, fit_x, "y", regime == 0)
    edge_share, band_share = _lattice_shares(excess, band_profiles, fit_x, fit_y, regime,
                                             strong_borders, border_places)
    if (halo_profiles is not None and (edge_share < MIN_EDGE_SHARE[regime]
                                       or band_share < MIN_BAND_SHARE[regime])):
        # A clean figure's thin lines and labels blend with the cells under them into colours
        # that decode as data (a black line over gist_earth: its dark end), whose steps lie off
        # the lattice wherever the line runs: judged again without the pixels next to them.
        # (Only then, and only for the shares: the lines are found with them, and a halo
        # around every masked pixel lost a sparse lattice's lines.)
        halo_excess, halo_bands = [], []
        for axis, place in (("x", border_places[0]), ("y", border_places[1])):
            steps, pairs, bands = halo_profiles(axis)
            halo_excess.append(_excess_steps(steps, pairs, strong_borders, place))
            halo_bands.append(bands)
        halo_shares = _lattice_shares(halo_excess, halo_bands, fit_x, fit_y, regime,
                                      strong_borders, border_places)
        if (halo_shares[0] >= MIN_EDGE_SHARE[regime]
                and halo_shares[1] >= MIN_BAND_SHARE[regime]):
            edge_share, band_share = halo_shares
    description = f"lines every {fit_x.size:.4g} px along x and {fit_y.size:.4g} px along y"
    if edge_share < MIN_EDGE_SHARE[regime]:
        return LatticeSearch(None, f"no lattice: {description}, but only {100 * edge_share:.0f} % "
                                   "of colour edges lie on them")
    # The same lattice in every part of the figure: straight lines, not a projection's curves.
    if band_share < MIN_BAND_SHARE[regime]:
        return LatticeSearch(None, f"no regular lattice: {description} in the figure as a whole, "
                                   f"but in some third of it only {100 * band_share:.0f} % of "
                                   "colour edges lie on them (cells that are not rectangles in "
                                   "the figure, e.g. a lon/lat grid drawn in a projection)")
    agreement = max(0.75, 3.0 * noise)
    uniform, shifted, pair_step, shifted_pair_step = _interior_uniformity(
        crop_luma, (0, 0, col1 - col0, row1 - row0), fit_x, fit_y, agreement, clean=regime == 0)
    # Phases from the crop's frame to the figure's.
    fit_x.phase = (fit_x.phase + col0) % fit_x.size
    fit_y.phase = (fit_y.phase + row0) % fit_y.size
    # Half-shifted "cells" straddle the lines: on a true lattice they disagree far more often.
    # (Less clearly with few colours, where most neighbouring cells share one: a discrete
    # scale.)
    # A noisy figure's lattice with either axis on its JPEG block grid is held to the clean
    # figure's ratio and gain: a strong JPEG flattens a smooth figure's blocks into cells of
    # its own (the smooth SST as a JPEG of quality 10: lines every 8 px, interiors 75 % one
    # colour against 61 % half-shifted, which the noisy thresholds would take for a lattice),
    # and its block borders can outweigh weak cell lines along one axis (the SST Pacific at
    # quality 30: 8 px along x, the cells' 9.2 px along y).
    block_axes = [] if regime == 0 else _axes_on_block_grid(fit_x, fit_y,
                                                             (col0, row0, col1, row1))
    strict = 0 if regime == 0 or block_axes else 1
    by_shares = ((1 - shifted) >= MIN_SHIFT_RATIO[strict] * (1 - uniform)
                 and uniform - shifted >= max(MIN_SHIFT_GAIN[regime], MIN_SHIFT_GAIN[strict]))
    # The neighbouring pixels' steps inside cells witness small cells, whose shares are biased
    # (a cell of one interior pixel always agrees with itself).
    step_ratio = shifted_pair_step / pair_step if pair_step > 0 else 0.0
    by_steps = regime == 1 and step_ratio >= MIN_PAIR_STEP_RATIO[strict]
    if not (uniform >= MIN_INTERIOR_SHARE[regime] and (by_shares or by_steps)):
        return LatticeSearch(None, f"no lattice: {description}, but cell interiors are not one "
                                   f"colour ({100 * uniform:.0f} % of interior pixels agree with "
                                   f"their cell, {100 * shifted:.0f} % with a half-cell-shifted "
                                   f"lattice; neighbouring interior pixels' steps {step_ratio:.2f} "
                                   "times larger in the half-shifted cells)")
    # An axis on the block grid is proven on its own: the interior tests above judge both axes
    # at once, and the other axis's true lines carry them even when this one's "cells" are the
    # blocks (ERA-Interim's zonal z200 in 7 px cells as a JPEG of quality 60-75: 8 px along
    # x, where the field barely changes, 70 × 40 cells for the grid's 80 × 40).
    for axis in block_axes:
        ratio = _axis_shift_step_ratio(
            crop_luma, (0, 0, col1 - col0, row1 - row0),
            _AxisFit(fit_x.size, fit_x.phase - col0, 0, 0),
            _AxisFit(fit_y.size, fit_y.phase - row0, 0, 0), axis)
        if not ratio >= MIN_BLOCK_AXIS_STEP_RATIO:
            return LatticeSearch(None, f"no lattice: {description}, but the lines along {axis} "
                                       "lie on the JPEG's 8 × 8 blocks' borders and the cells' "
                                       "interiors do not prove them cells' edges (neighbouring "
                                       f"interior pixels' steps along {axis} only {ratio:.2f} "
                                       "times larger in cells shifted by half a cell along it)")
    if extent_box is None:
        extent_box = _data_box(data, box)
    lattice = _lattice_over(fit_x, fit_y, extent_box, edge_share, uniform, clean=regime == 0)
    if lattice.columns < 2 or lattice.rows < 2:
        return LatticeSearch(None, f"no lattice: {description}, but fewer than 2 × 2 cells")
    return LatticeSearch(lattice, lattice.describe())


# A coarser lattice replaces a finer one on the same lines when the mean luma difference between
# neighbouring strips of one of its cells (strips between the finer lattice's lines) is at most
# this share of that across its own lines (:func:`_coarser_by_interiors`). Measured: 0.14 for
# the cells of 14.6 px of GMT's 1° age as a Pillow JPEG of quality 75 and the strays a third of
# a cell apart between their lines, 0.42 for GMT's 2° age in cells of 14.6 px as a Pillow JPEG
# of quality 65 and a lattice of half its cells (the parallels' ringing across the cells'
# middles); 0.91-1.15 for true cells of 4.6-11.4 px (PNG and JPEG, under GMT's gridlines and
# coastlines) against every lattice of two or three of them.
SUBCELL_CONTRAST_RATIO = 0.5
# ... and when that across its lines is at least this (luma, 0..255): something to judge by.
MIN_SUBCELL_CONTRAST = 1.0
# Strip pairs of each kind needed to judge.
MIN_SUBCELL_PAIRS = 50


def _coarser_by_interiors(luma_field, fit, other, axis, clean=True) -> "_AxisFit":
    """``fit``, or the coarsest of its coarser lattices (``fit.coarser``, each a whole number of
    times ``fit``'s size, on its lines) whose cells are one colour across ``fit``'s other lines.

    The lines cannot tell a JPEG's ringing a third of a cell from the cells' edges, all along
    the lattice, from the edges of cells a third of the size; the pixels can: across a true
    cell line the colour changes as often and as much as across any other, across a stray
    line inside one cell it does not (:func:`_subcell_contrast`). Each coarser lattice, finest
    first, is taken when the strips of its cells between the current lattice's lines differ
    by at most :data:`SUBCELL_CONTRAST_RATIO` of what they differ across its own lines.

    Parameters
    ----------
    luma_field : ndarray, shape (rows, cols)
        Luma of the plot area's crop, NaN where not decoded.
    fit, other : _AxisFit
        The lattice along ``axis`` and along the other axis (crop pixel coordinates).
    axis : str
        "x" (``fit``'s lines are vertical) or "y".
    clean : bool
        Whether the figure is clean (a PNG): the other axis's lines' blends reach a pixel into
        a cell, a JPEG's two.

    Returns
    -------
    _AxisFit
    """
    current = fit
    for coarser in fit.coarser:
        # Each a whole number of times the first; after one is taken, only its own multiples.
        ratio = coarser.size / current.size
        if round(ratio) < 2 or abs(ratio - round(ratio)) > 0.05:
            continue
        within, across = _subcell_contrast(luma_field, current, coarser, other, axis, clean)
        if across >= MIN_SUBCELL_CONTRAST and within <= SUBCELL_CONTRAST_RATIO * across:
            current = coarser
    return current


def _first_unless_colour(luma_field, fit, other, axis, clean=True) -> "_AxisFit":
    """``fit``, or the first comb's lattice it replaced (``fit.replaced``) when the lines of
    ``fit`` that are not lines of the first carry no colour change of their own.

    A lattice whose lines lie closer to the lines found can be one through the cells' edges
    and through their middles in turn (GMT's 2° age in cells of 11.6 px as a Pillow JPEG of
    quality 70, under gridlines and coastlines: 17.4 px, a cell and a half, the strong steps a
    JPEG rings beside them scoring it above the cells' 11.6 px); across its lines in the cells'
    middles, the pixels either side are one cell's (:func:`_line_contrast`). ``fit`` stands
    when its lines off the first's change colour more than :data:`SUBCELL_CONTRAST_RATIO` of
    what its lines on the first's do (the first comb's lattice drifting across the cells'
    lines, ``fit`` the cells': every line of ``fit`` is a cell edge).
    """
    first = fit.replaced
    if first is None or not _interleaved(fit, first, luma_field.shape[1 if axis == "x" else 0]):
        return fit
    off, on = _line_contrast(luma_field, fit, first, other, axis, clean)
    if on >= MIN_SUBCELL_CONTRAST and off <= SUBCELL_CONTRAST_RATIO * on:
        return first
    return fit


def _interleaved(lattice, reference, length, largest=4) -> bool:
    """Whether ``q`` lines of ``lattice`` span ``p`` of ``reference`` (``p``, ``q`` up to
    ``largest``, not both 1), the two drifting apart by at most :data:`LINE_FIT_TOLERANCE` over
    ``length`` pixels: the lattice's lines then fall on the reference's and off it in turn all
    over the figure. Two lattices of nearly one size (the first comb's drifting across the
    cells' lines, 3.785 px for the cells' 3.697) put their lines together in one part of the
    figure and apart in another, and the colour changes there differ for other reasons (a
    flat part of the field), so that only interleaved lattices are compared
    (:func:`_first_unless_colour`: Kilauea in cells of 3.39 × 3.70 px as an ImageMagick JPEG of
    quality 95, the rows' true lines off the first comb's changing colour 0.38 times as much as
    those on it)."""
    for lines in range(1, largest + 1):
        spanned = round(lattice.size * lines / reference.size)
        if spanned < 1 or spanned > largest or spanned == lines == 1:
            continue
        period = reference.size * spanned
        if abs(lattice.size * lines - period) * length / period <= LINE_FIT_TOLERANCE:
            return True
    return False


def _rows_off_lines(rows, other, clean) -> np.ndarray:
    """Indices of the ``rows`` pixel rows whose centres lie at least a pixel (two in a JPEG,
    ``clean`` False; a third of a cell for cells under 3 px) from the lines of the lattice
    ``other`` across them: rows whose pixels are cell interiors along that axis."""
    offset = ((np.arange(rows) + 0.5 - other.phase) / other.size) % 1.0
    distance = np.minimum(offset, 1.0 - offset) * other.size
    return np.flatnonzero(distance >= min(1.0 if clean else 2.0, other.size / 3.0))


def _line_contrast(luma_field, lattice, reference, other, axis, clean=True,
                   max_pixels=500_000) -> tuple:
    """Mean absolute luma difference between the pixels either side of each line of
    ``lattice`` (from one to four pixels off it, less for small cells), over the rows (columns
    for ``axis`` "y") away from ``other``'s lines as in :func:`_subcell_contrast`: for its lines
    that are not lines of ``reference`` and for those that are.

    Returns
    -------
    off, on : float
        The means (luma, 0..255); NaN where fewer than :data:`MIN_SUBCELL_PAIRS` pairs.
    """
    field = luma_field if axis == "x" else luma_field.T
    rows, cols = field.shape
    lines = _rows_off_lines(rows, other, clean)
    width = max(1.0, min(3.0, 0.5 * min(lattice.size, reference.size) - 1.0))
    centres = np.arange(cols) + 0.5
    first = int(np.ceil((1.0 + width - lattice.phase) / lattice.size))
    last = int(np.floor((cols - 1.0 - width - lattice.phase) / lattice.size))
    positions = lattice.phase + lattice.size * np.arange(first, last + 1)
    if lines.size == 0 or positions.size == 0:
        return float("nan"), float("nan")
    lines = lines[::max(1, int(np.ceil(lines.size * positions.size * 2 * width / max_pixels)))]
    at = positions - reference.phase
    at = np.abs(at - reference.size * np.round(at / reference.size))
    on_reference = at <= min(LINE_FIT_TOLERANCE, 0.25 * reference.size)
    sums = {True: [0.0, 0], False: [0.0, 0]}
    block = field[lines]
    for position, kind in zip(positions, on_reference):
        left = np.flatnonzero((centres <= position - 1.0) & (centres > position - 1.0 - width))
        right = np.flatnonzero((centres >= position + 1.0) & (centres < position + 1.0 + width))
        if left.size == 0 or right.size == 0:
            continue
        with np.errstate(invalid="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # rows with no decoded pixel
            steps = np.abs(np.nanmean(block[:, left], axis=1) - np.nanmean(block[:, right], axis=1))
        steps = steps[np.isfinite(steps)]
        sums[bool(kind)][0] += float(steps.sum())
        sums[bool(kind)][1] += int(steps.size)
    return tuple(sums[kind][0] / sums[kind][1] if sums[kind][1] >= MIN_SUBCELL_PAIRS
                 else float("nan") for kind in (False, True))


def _subcell_contrast(luma_field, fine, coarse, other, axis, clean=True, max_pixels=500_000):
    """Mean absolute luma difference between neighbouring strips of a cell row, across the
    lines of ``fine`` that are not lines of ``coarse``, and across those that are.

    A strip is a cell of ``fine`` in one pixel row (column for ``axis`` "y"): the mean of its
    decoded pixels at least a pixel (a third of a cell for cells under 3 px) from ``fine``'s
    lines; the rows are those at least a pixel (two in a JPEG) from ``other``'s lines, every
    few of them for about ``max_pixels`` pixels.

    Returns
    -------
    within, across : float
        The means (luma, 0..255); NaN where fewer than :data:`MIN_SUBCELL_PAIRS` pairs.
    """
    field = luma_field if axis == "x" else luma_field.T
    rows, cols = field.shape
    centres = np.arange(cols) + 0.5
    strip = np.floor((centres - fine.phase) / fine.size)
    offset = (centres - fine.phase) / fine.size - strip
    distance = np.minimum(offset, 1.0 - offset) * fine.size
    columns = np.flatnonzero(distance >= min(1.0, fine.size / 3.0))
    lines = _rows_off_lines(rows, other, clean)
    if columns.size < 2 or lines.size == 0:
        return float("nan"), float("nan")
    lines = lines[::max(1, int(np.ceil(lines.size * columns.size / max_pixels)))]
    strip = strip[columns].astype(np.int64)
    # Each strip's columns are consecutive: summed by reduceat from each one's first.
    starts = np.flatnonzero(np.r_[True, strip[1:] != strip[:-1]])
    numbers = strip[starts]
    # The fine line between strips n - 1 and n lies at phase + n * size: on a coarse line?
    at = fine.phase + numbers[1:] * fine.size - coarse.phase
    at = np.abs(at - coarse.size * np.round(at / coarse.size))
    on_coarse = at <= min(LINE_FIT_TOLERANCE, 0.25 * fine.size)
    neighbours = numbers[1:] == numbers[:-1] + 1
    sums = {True: [0.0, 0], False: [0.0, 0]}
    for start in range(0, lines.size, 256):
        block = field[lines[start:start + 256]][:, columns]
        decoded = np.isfinite(block)
        totals = np.add.reduceat(np.where(decoded, block, 0.0), starts, axis=1)
        counts = np.add.reduceat(decoded, starts, axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            means = totals / counts
        steps = np.abs(means[:, 1:] - means[:, :-1])
        usable = np.isfinite(steps) & neighbours
        for kind in (True, False):
            chosen = usable & (on_coarse == kind)
            sums[kind][0] += float(steps[chosen].sum())
            sums[kind][1] += int(chosen.sum())
    within, across = (sums[kind][0] / sums[kind][1] if sums[kind][1] >= MIN_SUBCELL_PAIRS
                      else float("nan") for kind in (False, True))
    return within, across


def _lattice_shares(excess, band_profiles, fit_x, fit_y, regime, strong_borders,
                    border_places) -> tuple:
    """The share of colour edges on the lattice's lines in the plot area, and the smallest in
    any third of it (:func:`_band_shares`), the plot area's sides left out
    (:data:`SIDE_REACH`); ``excess``: each axis's profile above background."""
    # The frame's own edge (and in a JPEG its ringing, up to a block) lies along the sides.
    reach = SIDE_REACH[regime]
    excess = [_away_from_sides(part, reach) for part in excess]
    noisy = regime == 1
    on_lines = _near_lines(excess[0], fit_x, noisy) + _near_lines(excess[1], fit_y, noisy)
    total = excess[0].sum() + excess[1].sum()
    edge_share = float(on_lines / total) if total else 0.0
    # The same lattice in every part of the figure: straight lines, not a projection's curves.
    band_share = _band_shares(band_profiles, fit_x, fit_y, reach, MIN_BAND_EDGES[regime], noisy,
                              strong_borders, border_places)
    return edge_share, band_share


# Luma steps larger than this (0..255) count as this much: a few black-on-colour edges must not
# outweigh the cell edges.
STEP_CLIP = 64.0


# The lattice must hold in each of this many bands of the figure, across each axis.
BANDS = 3


def _band_blocks(rows, cols, chunk_pixels, bands):
    """(band, start, stop) of the blocks of rows :func:`_step_profiles` works in: about
    ``chunk_pixels`` pixels each, none straddling the border of one of the ``bands`` thirds
    of the rows."""
    chunk_rows = max(8, chunk_pixels // max(cols, 1))
    row_edges = [band * rows // bands for band in range(bands + 1)]
    starts = sorted(set(range(0, rows, chunk_rows)) | set(row_edges[:-1]))
    return [(int(np.searchsorted(row_edges, start, side="right")) - 1, start, stop)
            for start, stop in zip(starts, starts[1:] + [rows])]


def _clipped_steps(first, second, first_data, second_data, step, pair):
    """The luma steps between ``first`` and ``second`` clipped at :data:`STEP_CLIP`, 0 where
    either pixel is not data, into ``step``; whether both are data into ``pair``."""
    np.subtract(second, first, out=step)
    np.abs(step, out=step)
    np.minimum(step, STEP_CLIP, out=step)
    np.logical_and(second_data, first_data, out=pair)
    # 0 where not both data, whatever the luma there (NaN once the search has set it so).
    np.putmask(step, ~pair, 0.0)


def _step_profiles(crop_luma, crop_data, axis, chunk_pixels=2_000_000, bands=BANDS,
                   block_pixels=None):
    """Summed luma steps and data-pair counts per boundary index along ``axis`` ("x" or "y"),
    for the whole crop and for each of its ``bands`` thirds, in one pass.

    Returns
    -------
    steps, pairs : ndarray of float64, shape (cols + 1,) along x, (rows + 1,) along y
        Along x, index ``x``: the pairs (column ``x - 1``, column ``x``), summed over rows;
        along y likewise for rows.
    band_profiles : list of (steps, pairs)
        Along x, over each third of the rows; along y, over each third of the columns
        (:func:`_band_shares`).

    Notes
    -----
    Each axis is a pass of its own, so that :func:`find_lattice` stops after the first when
    that finds no lines (a smooth or contour-filled figure). The steps are summed in float32
    over each chunk of about ``chunk_pixels`` pixels (:func:`_band_blocks`), row after row as
    numpy sums them, and each chunk's sum added in float64; the chunk is worked through in
    blocks of ``block_pixels`` (a 32nd of the crop, between 2**16 and ``chunk_pixels``), the
    float32 sum carried from block to block in the buffer's first row, so that the sums are
    those of whole chunks bit for bit while the buffers hold a block (5 bytes a pixel: a 1 MP
    crop's whole 4.8 MiB before). The blocks' steps and pairs go into two buffers made once (a
    fresh array of that size would be mapped from the system and faulted in again for every
    block).
    """
    rows, cols = crop_data.shape
    blocks = _band_blocks(rows, cols, chunk_pixels, bands)
    if block_pixels is None:
        block_pixels = min(chunk_pixels, max(1 << 16, rows * cols // 32))
    block_rows = max(8, block_pixels // max(cols, 1))
    length = (cols if axis == "x" else rows) + 1
    band_profiles = [(np.zeros(length), np.zeros(length)) for _ in range(bands)]
    largest = min(block_rows, max(stop - start for _, start, stop in blocks))
    # Along x, row 0 of the step buffer carries the chunk's float32 sum so far.
    shape = (largest + 1, cols - 1) if axis == "x" else (largest, cols)
    step_buffer, pair_buffer = np.empty(shape, np.float32), np.empty(shape, bool)
    col_edges = [band * cols // bands for band in range(bands + 1)]
    for band, chunk_start, chunk_stop in blocks:
        steps, pairs = band_profiles[band]
        if axis == "x":
            carried = np.zeros(cols - 1, np.float32)  # 0 + the first row is the first row
        for start in range(chunk_start, chunk_stop, block_rows):
            stop = min(start + block_rows, chunk_stop)
            block, block_data = crop_luma[start:stop], crop_data[start:stop]
            if axis == "x":
                n = stop - start
                step, pair = step_buffer[1:n + 1], pair_buffer[1:n + 1]
                _clipped_steps(block[:, :-1], block[:, 1:], block_data[:, :-1],
                               block_data[:, 1:], step, pair)
                pairs[1:cols] += pair.sum(axis=0)
                step_buffer[0] = carried
                np.sum(step_buffer[:n + 1], axis=0, out=carried)
                continue
            # Vertical pairs, including the one across the block's lower border.
            below, below_data = crop_luma[start + 1:stop + 1], crop_data[start + 1:stop + 1]
            n = len(below)
            step, pair = step_buffer[:n], pair_buffer[:n]
            _clipped_steps(block[:n], below, block_data[:n], below_data, step, pair)
            for column_band, (band_steps, band_pairs) in enumerate(band_profiles):
                columns = slice(col_edges[column_band], col_edges[column_band + 1])
                band_pairs[start + 1:start + 1 + n] += pair[:, columns].sum(axis=1)
                band_steps[start + 1:start + 1 + n] += step[:, columns].sum(axis=1)
        if axis == "x":
            steps[1:cols] += carried
    steps, pairs = (np.sum([band[i] for band in band_profiles], axis=0) for i in (0, 1))
    return steps, pairs, band_profiles


def _neighbour_steps(crop_luma, crop_data, sample_pixels=1_000_000):
    """Median luma step between horizontal data neighbours, and the share of those steps that
    are exactly zero (the figure is clean when most are), on about ``sample_pixels`` pixels
    (every few rows)."""
    rows, cols = crop_data.shape
    row_step = max(1, int(np.ceil(crop_data.size / sample_pixels)))
    sampled, sampled_data = crop_luma[::row_step], crop_data[::row_step]
    # The data pairs' steps, a few of the sampled rows at a time: the steps of exactly zero
    # (most of a clean figure's) are only counted, the others kept (4 bytes a pair: a clean
    # 1 MP figure's steps held 4 MiB, nearly all of them zeros).
    chunk = max(1, (1 << 17) // max(1, cols))
    parts, zeros, pairs = [], 0, 0
    for start in range(0, len(sampled), chunk):
        block, block_data = sampled[start:start + chunk], sampled_data[start:start + chunk]
        steps = np.abs(block[:, 1:] - block[:, :-1])[block_data[:, 1:] & block_data[:, :-1]]
        pairs += steps.size
        nonzero = steps[steps != 0]
        zeros += steps.size - nonzero.size
        parts.append(nonzero)
    if not pairs:
        return 0.0, 0.0
    zero_share = float(zeros / pairs)
    return float(_median_with_zeros(np.concatenate(parts), zeros)), zero_share


def _median_with_zeros(nonzero, zeros):
    """``np.median`` of ``nonzero`` (positive float32 steps) together with ``zeros`` zeros,
    without the zeros: the same number (the middle value, or the float32 mean of the two
    middle ones, as np.median takes it)."""
    total = nonzero.size + zeros
    middle = [(total - 1) // 2, total // 2]  # ranks of the middle value(s) in sorted order
    if middle[0] == middle[1]:
        middle = middle[:1]
    ranks = [rank - zeros for rank in middle if rank >= zeros]
    if ranks:
        # Partitioned in place: the steps are the caller's own (a copy would be 4 bytes each).
        nonzero.partition(ranks)
    picked = np.array([nonzero[rank - zeros] if rank >= zeros else 0
                       for rank in middle], dtype=nonzero.dtype)
    return np.median(picked)


# In a noisy figure, data pixels this close (pixels) to a masked one (a line, a label) are left
# out of the colour steps: a JPEG rings a dark line into its neighbours (on GMT's coastlines
# and gridlines at quality 75, 4:4:4: 59 % of the colour edges on the lattice with the pixels
# next to them counted, 72 % at 2 px, 80 % at 3 px, 88 % at 4 px; 3 keeps more of the
# cells of a few pixels).
HALO_PX = 3
# Boundary indices this close to the plot area's sides are left out of the shares of colour
# edges on the lattice: (clean figure, noisy figure). The frame's antialiasing reaches a pixel
# or two; a JPEG rings the frame's edge through the blocks it crosses, up to 7 px in.
SIDE_REACH = (2, 7)


def _away_from_masked(data, distance):
    """Data pixels farther than ``distance`` pixels (chessboard) from any pixel that is not."""
    from scipy import ndimage

    if distance <= 0 or data.all():
        return data
    kept = ndimage.maximum_filter(~data, size=2 * distance + 1, mode="constant", cval=False)
    np.logical_not(kept, out=kept)
    kept &= data
    return kept


# In a clean figure, the colour edges on a lattice may be counted again without the data pixels
# within CLEAN_HALO_PX (chessboard) of masked features thinner than THIN_MASK_PX (lines,
# labels; not nodata areas, which are cells): their blends with the cells under them decode as
# data and step off the lattice along the line (a black line over ERA-Interim's u500 in
# gist_earth, 11.3 × 12.4 px cells: 75 % of the colour edges on the lattice in one third of the
# figure, 96 % in the whole without them).
THIN_MASK_PX = 5
CLEAN_HALO_PX = 1


def _away_from_thin_masks(data, thickness, distance, strip_rows=512) -> np.ndarray:
    """Data pixels farther than ``distance`` pixels (chessboard) from any pixel of a thin
    feature of pixels that are not data: one that a square of ``thickness`` pixels does not
    fit in (a morphological opening removes it). Worked in strips of ``strip_rows`` rows with
    the rows either side that reach them, so that it holds a strip's masks at a time."""
    from scipy import ndimage

    if distance <= 0 or data.all():
        return data
    rows = data.shape[0]
    reach = thickness + distance
    square = np.ones((thickness, thickness), bool)
    kept = np.empty_like(data)
    for start in range(0, rows, strip_rows):
        stop = min(rows, start + strip_rows)
        low, high = max(0, start - reach), min(rows, stop + reach)
        masked = ~data[low:high]
        thin = masked & ~ndimage.binary_opening(masked, structure=square)
        near = ndimage.maximum_filter(thin, size=2 * distance + 1, mode="constant", cval=False)
        kept[start:stop] = data[start:stop] & ~near[start - low:stop - low]
    return kept


def _away_from_sides(excess, reach):
    """The profile with its ``reach`` indices at either end set to zero (a copy)."""
    out = np.array(excess, float)
    if reach > 0:
        out[:reach + 1] = 0.0
        out[max(len(out) - reach - 1, 0):] = 0.0
    return out


def _band_shares(band_profiles, fit_x, fit_y, reach=0, min_band_edges=0.0, noisy=False,
                 strong_borders=False, border_places=(None, None)):
    """The smallest share of colour edges on the lattice's lines in any third of the figure
    (thirds of its height for the vertical lines, of its width for the horizontal ones),
    leaving out the ``reach`` boundary indices at either side (:func:`_away_from_sides`)."""
    x_bands, y_bands = band_profiles
    shares = []
    for profiles, fit, place in ((x_bands, fit_x, border_places[0]),
                                 (y_bands, fit_y, border_places[1])):
        excesses = [_away_from_sides(_excess_steps(steps, pairs, strong_borders, place), reach)
                    for steps, pairs in profiles]
        largest = max(excess.sum() for excess in excesses)
        for excess in excesses:
            # A third with few colour edges (a zonal field's vertical ones) tells little.
            if excess.sum() > 0 and excess.sum() >= min_band_edges * largest:
                shares.append(_near_lines(excess, fit, noisy) / excess.sum())
    return min(shares) if shares else 0.0


# A JPEG codes its luma in blocks of this many pixels, aligned with the image's top-left corner
# (unless cropped since), and its coarser quantisation leaves steps along the block borders.
JPEG_BLOCK = 8


def _strength(steps, pairs, strong_borders=False, border_place=None):
    """Mean luma step per boundary index (0 where too few data pairs) and the usable indices.

    The steps along a JPEG's block borders are taken out (:func:`_without_block_steps`; with
    ``strong_borders`` however strong they are; ``border_place`` their place in the 8-px
    period where known).
    """
    usable = pairs >= max(0.1 * pairs.max(), 1.0)
    strength = np.zeros(len(steps))
    strength[usable] = steps[usable] / pairs[usable]
    return _without_block_steps(strength, usable, strong_borders, border_place), usable


def _without_block_steps(strength, usable, strong=False, border_place=None):
    """The profile without the steps a JPEG's blocks add along their borders.

    A JPEG at the usual qualities (75 and below) leaves a faint step along every border of its
    8 × 8 blocks: a second comb, of period 8 px, beside the cells'. Each boundary index's
    background is the median of the indices at the same place in the block period (whatever
    the blocks' phase, so a JPEG cropped since is served too); cell lines make a
    minority of each such class unless the cells are themselves whole blocks on the block
    grid, and then their class's median is a line's step, far above the rest: such a class
    is left alone (its lines are cells' lines either way). Only the one place of the block
    borders is taken out, and only when it stands alone: cells of 4 or 2 px put their lines
    at two or four places of the period alike.

    With ``strong``, the block borders' place is taken out however far it stands above the
    background: a JPEG of quality 40 and below steps along its borders as much as, or more
    than, across the cells' edges (:func:`find_lattice` asks for it when the first search
    found nothing).

    With ``border_place`` (the file's block borders' place in the period, known when the
    figure is the JPEG itself) only that place is a block border: cells of exactly 8 px (or a
    multiple) off the block grid put every line of theirs at one other place, which stood out
    alone and was taken out as the borders (GMT's 1° age at 8 px, Pillow quality 85: "no
    lines along x").
    """
    if usable.sum() < 4 * JPEG_BLOCK:
        return strength
    residue = np.arange(len(strength)) % JPEG_BLOCK
    background = float(np.median(strength[usable]))
    excess = np.zeros(JPEG_BLOCK)
    for offset in range(JPEG_BLOCK):
        members = usable & (residue == offset)
        if members.any():
            excess[offset] = float(np.median(strength[members])) - background
    # Lines of cells stand far above the background; block borders barely.
    top = float(np.percentile(strength[usable], 99)) - background
    excess[(excess <= 0) | ((excess > 0.5 * top) & (not strong))] = 0.0
    if not excess.any():
        return strength
    # A block border is one place in the period: where several places stand out alike, the
    # cells' own lines do (cells of 4 or 2 px, every one of their lines on the block grid;
    # in a smooth field most of them are weak, and taking their class's median out of each
    # left half of them unseen), and the profile is left alone.
    border = int(np.argmax(excess)) if border_place is None else border_place
    if excess[border] <= 0 or np.delete(excess, border).max() > 0.5 * excess[border]:
        return strength
    excess[np.arange(JPEG_BLOCK) != border] = 0.0
    return np.where(usable, np.maximum(strength - excess[residue], 0.0), strength)


def _axes_on_block_grid(fit_x, fit_y, box, tolerance=0.02):
    """The axes ("x", "y") whose lines follow a JPEG's block grid (figure pixel coordinates): a size
    within ``tolerance`` (relative) of 8 px, 16 px (a 4:2:0 chroma block) or 4 px (half a
    block: a strong JPEG's smooth figure steps there too), with at least half of its lines
    over the box within a pixel of multiples of it (of 8 px for 16). Counted line by line, not
    from the phase alone: a lattice fitted to block borders may be a fraction of a pixel off
    their size and drift across them."""
    col0, row0, col1, row1 = box
    axes = []
    for axis, fit, (start, stop) in (("x", fit_x, (col0, col1)), ("y", fit_y, (row0, row1))):
        sizes = [n * JPEG_BLOCK for n in (0.5, 1, 2)
                 if abs(fit.size - n * JPEG_BLOCK) <= tolerance * n * JPEG_BLOCK]
        if not sizes:
            continue
        period = min(sizes[0], JPEG_BLOCK)
        first = np.ceil((start - fit.phase) / fit.size)
        lines = fit.phase + fit.size * np.arange(first, (stop - fit.phase) / fit.size + 1)
        offset = lines % period
        if lines.size and np.mean(np.minimum(offset, period - offset) <= 1.0) >= 0.5:
            axes.append(axis)
    return axes


def _axis_shift_step_ratio(luma_field, box, fit_x, fit_y, axis, clean=False,
                           max_pixels=500_000):
    """How much larger the luma steps between neighbouring interior pixels along ``axis`` are
    when the lattice is shifted by half a cell along that axis alone
    (:func:`_interior_pair_step`, its pairs along ``axis`` only; the lattice in ``box``'s
    frame). On the cells' own lines the shifted interiors straddle them; on a JPEG's block
    borders they straddle only those. Infinite when the lattice's interiors have no step at
    all, NaN when either has no pair.
    """
    steps = []
    for shift in (0.0, 0.5):
        shifted_x = shift * fit_x.size if axis == "x" else 0.0
        shifted_y = shift * fit_y.size if axis == "y" else 0.0
        lattice = _lattice_over(_AxisFit(fit_x.size, fit_x.phase + shifted_x, 0, 0),
                                _AxisFit(fit_y.size, fit_y.phase + shifted_y, 0, 0),
                                box, 0.0, 0.0, clean=clean)
        steps.append(_interior_pair_step(luma_field, lattice, box, max_pixels, axes=(axis,)))
    if steps[0] == 0.0:
        return float("inf") if steps[1] > 0 else float("nan")
    return steps[1] / steps[0]


def _excess_steps(steps, pairs, strong_borders=False, border_place=None):
    """Summed luma steps above the profile's background (noise), per boundary index.

    The background is the profile's median plus twice its spread (1.4826 median absolute
    deviations): zero in a clean figure, and in a JPEG above most of the noise's own
    fluctuations, which would otherwise count as colour edges off the lattice everywhere.
    """
    strength, usable = _strength(steps, pairs, strong_borders, border_place)
    if not usable.any():
        return np.zeros(len(steps))
    background = float(np.median(strength[usable]))
    spread = 1.4826 * float(np.median(np.abs(strength[usable] - background)))
    return np.where(usable, np.maximum(strength - background - 2 * spread, 0.0) * pairs, 0.0)


def _profile_lines(steps, pairs, strong_borders=False, border_place=None):
    """Positions (boundary coordinates, pixels) of the comb's peaks and their mean luma steps
    above the background, or why there are none (``strong_borders``, ``border_place``: see
    :func:`_strength`)."""
    strength, usable = _strength(steps, pairs, strong_borders, border_place)
    if usable.sum() < 2 * MIN_LINES:
        return "too few data pixels"
    background = float(np.median(strength[usable]))
    inner = strength[1:-1]
    maxima = inner[(inner >= strength[:-2]) & (inner > strength[2:]) & usable[1:-1]]
    if maxima.size < MIN_LINES:
        return "no colour edges"
    peak = float(np.percentile(maxima, 90))
    if peak - background < max(0.5, background):
        return ("no lines: colour changes are spread evenly (a smooth or contour-filled "
                "figure)")
    level = background + LINE_LEVEL * (peak - background)
    # Local maxima above the level, each placed at the centroid of its excess over itself and
    # its two neighbours (a blended pixel column or a JPEG's blur spreads a line over two).
    at = np.flatnonzero((inner >= strength[:-2]) & (inner > strength[2:]) & (inner >= level)
                        & usable[1:-1]) + 1
    weight = np.maximum(np.stack([strength[at - 1], strength[at], strength[at + 1]]) - background,
                        0.0)
    positions = at + (weight[2] - weight[0]) / weight.sum(axis=0)
    # Edges next to the plot area's sides come from its frame's antialiasing, not from cells:
    # the same boundary indices as the shares of colour edges leave out (SIDE_REACH's clean
    # figure's). A spine of 1.1 px over the frame blends into the first two rows of cells
    # (matplotlib's 0.8 pt at 100 dpi over cividis: a line at 2.12 px, between the blended row
    # and the cells, which pulled a sparse lattice's rows of 3.41 px to 3.43 px).
    reach = SIDE_REACH[0] + 0.5
    inside = (positions > reach) & (positions < len(strength) - 1 - reach)
    positions = positions[inside]
    if len(positions) < MIN_LINES:
        return f"only {len(positions)} thin lines of colour edges"
    return np.array(positions), weight[1][inside]


def _comb_periods(excess, min_cell):
    """Candidate cell sizes and phases (pixels) of the combs in a profile, from its spectrum.

    A comb of period ``s`` has its spectrum's peaks at ``1/s`` and its multiples, none below:
    the period is the lowest frequency whose peak reaches most of the strongest one. That
    one comes first; the other strong peaks follow, by frequency (a slow beat between the
    cells' comb and a JPEG's 8-px blocks can reach as high as the cells' own peak), for
    :func:`_closest_lattice` to weigh. Computed with a zero-padded FFT (a quarter of a
    frequency bin) and refined around each peak.

    Yields
    ------
    size, phase : float
        ``phase`` in [0, size); nothing when the profile has no peak in the band. Each is
        refined only when asked for.
    """
    n = len(excess)
    padded = 1 << int(np.ceil(np.log2(4 * n)))
    spectrum = np.abs(np.fft.rfft(excess, padded))
    frequency = np.fft.rfftfreq(padded)
    band = (frequency >= MIN_LINES / n) & (frequency <= 1.0 / min_cell)
    if not band.any():
        return
    inner = np.flatnonzero(band[1:-1]) + 1
    peaks = inner[(spectrum[inner] >= spectrum[inner - 1])
                  & (spectrum[inner] > spectrum[inner + 1])]
    if peaks.size == 0:
        return
    strong = np.sort(peaks[spectrum[peaks] >= 0.7 * spectrum[peaks].max()])
    # The lowest first; then the strongest (a smooth field's slow undulations in where its
    # cell edges are strong put several strong peaks below the cells' own).
    strong = np.concatenate([strong[:1], strong[1:][np.argsort(-spectrum[strong[1:]],
                                                                kind="stable")]])
    x = np.arange(n)
    for peak in strong[:MAX_COMBS]:
        f0 = frequency[peak]
        # Refine: direct evaluation on a fine grid around the peak.
        fine = np.linspace(f0 - 1.0 / padded, f0 + 1.0 / padded, 41)
        sums = np.exp(-2j * np.pi * fine[:, None] * x[None, :]) @ excess
        best = int(np.argmax(np.abs(sums)))
        f0 = fine[best]
        size = 1.0 / f0
        # Σ w exp(-2πi f x) peaks with angle -2π f phase when the lines sit at phase + k size.
        yield size, float((-np.angle(sums[best]) / (2 * np.pi * f0)) % size)


# At most this many of a profile's strong spectral peaks are tried as the cells' comb.
MAX_COMBS = 6


def _lattice_of_lines(positions, size, phase, min_cell, clean, strengths=None):
    """Least-squares lattice of the lines from a comb's size and phase, with its checks.

    In a noisy figure the share of the lines on the lattice is weighed by ``strengths`` (each
    line's mean luma step above the background, when given): the JPEG's noise makes weak stray
    lines between the cells' own, many of them where cells are large (cells of 46 × 52 px in a
    12 MP JPEG of quality 75: 52 strays beside 63 lines, 46 % of the lines but 11 % of their
    steps).

    Returns
    -------
    tuple (number, inliers, size, phase, rms) or str
        Each line's number and whether it lies within :data:`LINE_FIT_TOLERANCE` of the
        lattice, the lattice and the inliers' RMS distance (pixels); or why the lines do not
        make one.
    """
    fitted = _least_squares_lattice(positions, size, phase, min_cell)
    if isinstance(fitted, str):
        return fitted
    weights = _line_weights(positions, clean, strengths)
    size, phase = _renumbered_lattice(positions, *fitted, min_cell, weights)
    number = np.round((positions - phase) / size)
    residual = positions - (phase + number * size)
    inliers = np.abs(residual) <= LINE_FIT_TOLERANCE
    kept_numbers = number[inliers]
    share, counted = inliers.mean(), ""
    if not clean and strengths is not None and np.sum(strengths) > 0:
        share, counted = float(np.sum(strengths[inliers]) / np.sum(strengths)), "of their steps "
    if share < MIN_INLIER_SHARE[0 if clean else 1] or len(np.unique(kept_numbers)) < MIN_LINES:
        return (f"{len(positions)} lines found but not evenly spaced ({100 * (1 - share):.0f} % "
                f"{counted}lie more than {LINE_FIT_TOLERANCE:g} px off any lattice; cells that "
                "are not rectangles in the figure, e.g. a lon/lat grid drawn in a projection)")
    rms = float(np.sqrt(np.mean(residual[inliers] ** 2)))
    if rms > 0.5:
        return f"lines not evenly spaced (RMS {rms:.2f} px off the best lattice)"
    coverage = len(np.unique(kept_numbers)) / (kept_numbers.max() - kept_numbers.min() + 1)
    # A clean figure's lattice seen as sparsely as a noisy one's may be: a smooth field's rows
    # of small cells share a colour more often than not (the Kilauea DEM in cells of 3.1 px, 17
    # of 36 row lines seen), and the chance test below holds it to its lines.
    if coverage < MIN_LINE_COVERAGE[1]:
        return f"lines too sparse for a lattice ({100 * coverage:.0f} % of them seen)"
    # Lines at random positions fall within the tolerance of a comb of small cells by chance
    # (two in three for cells of 3 px): a lattice seen sparsely must carry its lines far
    # beyond that share, or any dense set of uneven lines (rows of a lon/lat grid in Mercator)
    # passes for one. A clean figure's edges lie within half a pixel of their lines (the
    # renderer's rounding): its share and chance are taken within that.
    tolerance = CLEAN_LINE_TOLERANCE if clean else LINE_FIT_TOLERANCE
    chance = min(1.0, 2.0 * tolerance / size)
    if clean:
        share = float(np.mean(np.abs(residual) <= tolerance))
    excess = (share - chance) / (1.0 - chance) if chance < 1.0 else 0.0
    if coverage < MIN_LINE_COVERAGE[0] and excess < MIN_SPARSE_LINES_EXCESS:
        return (f"lines too sparse and too uneven for a lattice ({100 * coverage:.0f} % of them "
                f"seen, {100 * share:.0f} % of the lines on it where {100 * chance:.0f} % "
                "would be by chance)")
    return number, inliers, size, phase, rms


def _line_weights(positions, clean, strengths):
    """Each line's weight in judging how well a lattice fits the lines: its luma step above the
    background in a noisy figure (``strengths``, when given), else 1 (:func:`_lattice_of_lines`)."""
    if not clean and strengths is not None and np.sum(strengths) > 0:
        return strengths
    return np.ones(len(positions))


def _least_squares_lattice(positions, size, phase, min_cell):
    """The lattice of the lines from a first size and phase (pixels): each line numbered after
    the nearest lattice line, the lines within :data:`LINE_FIT_TOLERANCE` fitted by least
    squares, four times; (size, phase), or why the lines are too close for cells."""
    for _ in range(4):
        number = np.round((positions - phase) / size)
        residual = positions - (phase + number * size)
        inliers = np.abs(residual) <= LINE_FIT_TOLERANCE
        if len(np.unique(number[inliers])) < MIN_LINES:
            break
        size, phase = (float(v) for v in np.polyfit(number[inliers], positions[inliers], 1))
        if size < min_cell - 1e-3:
            return f"lines {size:.3g} px apart, closer than cells can be read ({min_cell:g} px)"
    return size, phase


def _line_score(positions, size, phase, weights):
    """How closely the lines lie on the lattice: each line's weight times 1 - (d / t)², d its
    distance from the nearest lattice line, t the fit's tolerance (:data:`LINE_FIT_TOLERANCE`,
    a quarter of a cell for cells under 4 px), 0 beyond it."""
    residual = positions - phase
    residual = residual - size * np.round(residual / size)
    tolerance = min(LINE_FIT_TOLERANCE, 0.25 * size)
    return float(np.sum(weights * np.maximum(0.0, 1.0 - (residual / tolerance) ** 2)))


def _line_score_by_chance(size) -> float:
    """The mean of :func:`_line_score`'s term for a line at a random place on a lattice of
    ``size`` pixels: the integral of 1 - (d / t)² over |d| < t, 4 t / 3, over the size."""
    tolerance = min(LINE_FIT_TOLERANCE, 0.25 * size)
    return min(1.0, 4.0 * tolerance / (3.0 * size))


# An alternative numbering of the lines replaces the least-squares one when its lattice scores
# this much more (:func:`_line_score`).
RENUMBERING_GAIN = 1.05


def _renumbered_lattice(positions, size, phase, min_cell, weights):
    """The lattice of the lines, its lines numbered again with one or two cells more or fewer
    over their span when that fits them far better.

    The least-squares fit keeps the numbering the comb's first size gave the lines; a size
    off by a little (the spectrum's resolution, lines seen in two groups across a smooth
    region) numbers the far lines a cell off, and the fit settles on a lattice whose lines
    drift across the true ones, each still within :data:`LINE_FIT_TOLERANCE`, which is a
    third of a cell of 3 px (ERA-Interim's v500 in 3 px cells as a JPEG of quality 65: 28 rows
    of lines in two groups 61 px apart, fitted at 3.068 px with residuals up to 0.74 px, 59
    rows for 60; numbered one cell more over the span, 3.000 px, residuals within 0.17 px).
    Each numbering of one or two cells more or fewer over the span is fitted again by least
    squares from a lattice kept on the middle line, and the best by :func:`_line_score`
    replaces the first when it scores :data:`RENUMBERING_GAIN` times more.

    Returns
    -------
    size, phase : float
    """
    low, high = float(positions.min()), float(positions.max())
    cells = (high - low) / size
    if cells < MIN_LINES:
        return size, phase
    middle = 0.5 * (low + high)
    at = phase + size * np.round((middle - phase) / size)
    best_score, best = _line_score(positions, size, phase, weights), (size, phase)
    first_score = best_score
    for more in (-2, -1, 1, 2):
        # Started from whatever size, even below the smallest cell: the fit is what must not be
        # (cells of exactly 3 px whose lines a first size of 3.067 px numbers two cells short
        # start from 2.988 px and fit 3.000 px).
        fitted = _least_squares_lattice(positions, size * cells / (cells + more), at, min_cell)
        if isinstance(fitted, str):
            continue
        score = _line_score(positions, *fitted, weights)
        if score > best_score:
            best_score, best = score, fitted
    return best if best_score >= RENUMBERING_GAIN * first_score else (size, phase)


def _fit_lines(positions, excess, min_cell, frame=None, map_axis=None, clean=True,
               strengths=None):
    """Fit ``position = phase + number * size`` to line positions, or say why it fails.

    The spectrum of the profile gives candidate sizes and phases (robust to missing and spurious
    lines); for each, each line gets the number of the nearest lattice line, and a least-squares
    fit on the lines within :data:`LINE_FIT_TOLERANCE` gives size and phase to sub-pixel
    precision; the lattice the lines lie closest to is kept (:func:`_closest_lattice`).
    That fit is then refined by modelling the renderer (:func:`_rounded_edge_fit`): each edge
    lies on the pixel boundary nearest its line.

    Parameters
    ----------
    positions : ndarray
        Line positions (boundary coordinates, pixels).
    excess : ndarray
        The profile's luma steps above background (for the comb's period).
    min_cell : float
        Smallest cell side looked for, pixels.
    frame : tuple (start, stop), optional
        Boundary coordinates of the plot area's sides along this axis.
    map_axis : tuple (offset, scale), optional
        Map coordinate of boundary coordinate ``p``: ``offset + scale * p``.
    clean : bool
        Whether the figure is clean (a PNG) or noisy (a JPEG), for the share of lines that
        must lie on the lattice (:data:`MIN_INLIER_SHARE`) and a tie to the frame.
    strengths : ndarray, optional
        Each line's mean luma step above the background (:func:`_lattice_of_lines`).

    Returns
    -------
    _AxisFit or str
    """
    def combs():
        yield from _comb_periods(excess, min_cell)
        # The lines themselves, one each, as a second source of combs: where the data pixels
        # are (land, labels) weighs on the steps' spectrum with slow combs of its own, not on
        # theirs.
        train = np.zeros(len(excess))
        np.add.at(train, np.clip(np.round(positions).astype(int), 0, len(excess) - 1), 1.0)
        yield from _comb_periods(train, min_cell)

    def pinned(fit, coarser=()):
        number, inliers, size, phase, rms = fit
        tied = None if clean else _noisy_frame_tie(number[inliers], positions[inliers], size,
                                                   phase, frame)
        if tied is None:
            size, phase = _rounded_edge_fit(number[inliers], positions[inliers], size, phase,
                                            frame, map_axis, 0.0 if clean else NOISY_TIE_STRAYS)
        else:
            size, phase = tied
        return _AxisFit(size, float(phase % size), rms, int(inliers.sum()), coarser)

    fit = _closest_lattice(combs(), positions, min_cell, clean, strengths)
    if isinstance(fit, str):
        return fit
    fit, coarser, replaced = fit
    chosen = pinned(fit, tuple(pinned(other) for other in coarser))
    if replaced is not None:
        first, first_coarser = replaced
        chosen.replaced = pinned(first, tuple(pinned(other) for other in first_coarser))
    return chosen


# Another comb's lattice replaces the first comb's when the lines lie this much closer to it
# (:func:`_line_score`).
CLOSER_LATTICE_GAIN = 1.05


def _closest_lattice(combs, positions, min_cell, clean, strengths):
    """The lattice of the lines that they lie closest to, among those of every candidate comb.

    Each comb's lattice is fitted (:func:`_lattice_of_lines`) and taken to its coarsest
    (:func:`_coarsest_lattice`), and scored by :func:`_line_score` above what as many lines at
    random places would score on it (a finer lattice catches more of them). The first comb's
    lattice whose lines fit (most often the spectrum's lowest strong peak's) is kept unless
    another scores :data:`CLOSER_LATTICE_GAIN` times more; a finer harmonic of the first that
    holds its lines and strays between them never replaces it (:func:`_finer_harmonic`).
    Taking the first comb whose lines fit, whatever the others, took a lattice drifting across
    the lines when that comb's size was off: the GMT 2° globe in cells of 3.6 px as an
    ImageMagick JPEG of quality 65 has 36 rows of lines fitted at 3.544 px from its first comb
    (22 % of them more than 1 px off, score 165 before chance), and at the cells' 3.601 px
    from its second (3 % off, score 224).

    Parameters
    ----------
    combs : iterable of (size, phase)
        The candidate combs, pixels, the first first (:func:`_comb_periods`).
    positions, min_cell, clean, strengths
        As for :func:`_lattice_of_lines`.

    Returns
    -------
    tuple (fit, coarser, replaced) or str
        The lattice (:func:`_lattice_of_lines`) and the lattices of the lines a whole number of
        times coarser than it, finest first (:func:`_coarser_lattices`); and when that lattice
        is not the first comb's, the first comb's and its own coarser ones (else None); or why
        the first comb's lines do not fit one when no comb's do.
    """
    weights = _line_weights(positions, clean, strengths)
    total = float(np.sum(weights))
    failures, first, best, best_score, fitted = [], None, None, -np.inf, []
    for size, phase in combs:
        fit = _lattice_of_lines(positions, size, phase, min_cell, clean, strengths)
        if isinstance(fit, str):
            failures.append(fit)
            continue
        fit = _coarsest_lattice(fit, positions, min_cell, clean, strengths)
        fitted.append(fit)
        size, phase = fit[2], fit[3]
        # Above what lines anywhere would score: a lattice of half the cells' size scores every
        # line of theirs and the strays between them too.
        chance = _line_score_by_chance(size)
        score = (_line_score(positions, size, phase, weights) - chance * total) / (1.0 - chance)
        if first is None:
            first = (fit, score)
        # A finer harmonic of the first lattice that holds its lines and strays between them
        # (JPEG ringing half-way between the cells' lines) scores those too: the first stands,
        # as the spectrum's lowest comb (the SST Pacific in cells of 9.6 px as a JPEG of quality
        # 30: lattices of 9.601 and 4.799 px, the finer's chance-corrected score 11 % higher).
        # Only the first's: a lattice of every second cell line scores below the cells' own but
        # holds most of their lines all the same (GMT's gridlines every 10 cells of 10.9 px
        # make combs of 109.3, 21.8 and 10.9 px; 61 % of the cells' lines on the 21.8 px).
        if score > best_score and not (fit is not first[0] and _finer_harmonic(fit, first[0],
                                                                               positions)):
            best, best_score = fit, score
    if first is None:
        return failures[0] if failures else "no periodic pattern of lines"
    first_fit, first_score = first
    closer = best_score - first_score >= (CLOSER_LATTICE_GAIN - 1.0) * abs(first_score)
    chosen = best if closer and best_score > first_score else first_fit
    coarser = _coarser_lattices(chosen, fitted, positions, min_cell, clean, strengths)
    if chosen is first_fit:
        return chosen, coarser, None
    return chosen, coarser, (first_fit, _coarser_lattices(first_fit, fitted, positions, min_cell,
                                                          clean, strengths))


def _coarser_lattices(fit, others, positions, min_cell, clean, strengths) -> list:
    """The lattices of the lines a whole number of times coarser than ``fit`` and on its lines
    (:func:`_harmonic_multiple`), finest first: every other comb's (``others``), and the lattice
    of every second (third) line of ``fit`` on the residue of their numbers that holds most
    of its lines (:func:`_lattice_of_lines`; where its lines do not fit, strong strays
    between them, the lattice of those it holds, :func:`_sublattice_on_lines`), which holds
    too few of them for :func:`_coarsest_lattice` to take it alone. Which of them are the cells is for the
    cells' interiors to say (:func:`_coarser_by_interiors`): the lines alone cannot tell a
    JPEG's ringing between the cells' lines (GMT's 1° age in cells of 14.6 px as a Pillow
    JPEG of quality 75: a third of the cells, 70 % of its lines on the cells' lattice) from
    the cells under a sparser comb (GMT's gridlines every 10 cells of 10.9 px: 61 % of the
    cells' lines on twice their size)."""
    number, inliers, size, phase, _ = fit
    kept = number[inliers]
    candidates = list(others)
    for multiple in (2, 3):
        shares = [np.mean((kept - residue) % multiple == 0) for residue in range(multiple)]
        residue = int(np.argmax(shares))
        coarser = _lattice_of_lines(positions, multiple * size, phase + residue * size, min_cell,
                                    clean, strengths)
        if isinstance(coarser, str):
            # Strong stray lines between the cells' own can carry most of the lines' steps, so
            # that the lattice of every second line does not fit them (GMT's gridlines every
            # 7.5 cells of 14.6 px, across the cells' middles, ringing in a Pillow JPEG of
            # quality 65: 56 % of the rows' steps, and a lattice of half the cells held both):
            # it is still offered to the interiors, on the lines it holds.
            coarser = _sublattice_on_lines(positions, multiple * size, phase + residue * size)
        if coarser is not None:
            candidates.append(coarser)
    found = []
    for candidate in candidates:
        if _harmonic_multiple(fit, candidate, positions) < 2:
            continue
        # One of each lattice: two combs often fit the same one.
        if any(abs(candidate[2] - other[2]) <= 0.01 * other[2]
               and _harmonic_multiple(other, candidate, positions) == 1 for other in found):
            continue
        found.append(candidate)
    return sorted(found, key=lambda candidate: candidate[2])


def _sublattice_on_lines(positions, size, phase):
    """The least-squares lattice of the lines within :data:`LINE_FIT_TOLERANCE` of the lattice
    ``size``, ``phase`` (pixels), whatever the share of the lines it holds, as
    :func:`_lattice_of_lines` returns one; None when it holds lines of fewer than
    :data:`MIN_LINES` numbers or they lie more than half a pixel RMS off it."""
    number = np.round((positions - phase) / size)
    inliers = np.abs(positions - (phase + number * size)) <= LINE_FIT_TOLERANCE
    if len(np.unique(number[inliers])) < MIN_LINES:
        return None
    size, phase = (float(v) for v in np.polyfit(number[inliers], positions[inliers], 1))
    number = np.round((positions - phase) / size)
    residual = positions - (phase + number * size)
    inliers = np.abs(residual) <= LINE_FIT_TOLERANCE
    if len(np.unique(number[inliers])) < MIN_LINES:
        return None
    rms = float(np.sqrt(np.mean(residual[inliers] ** 2)))
    if rms > 0.5:
        return None
    return number, inliers, size, phase, rms


def _harmonic_multiple(fine, coarse, positions) -> int:
    """How many times the lattice ``fine`` goes into ``coarse`` (a whole number, rounded) when a
    line of each lies within :data:`LINE_FIT_TOLERANCE` of the other's in the middle of the
    lines and the two drift apart by at most that over half their span; else 0.

    Parameters
    ----------
    fine, coarse : tuple (number, inliers, size, phase, rms)
        Lattices of the lines (:func:`_lattice_of_lines`).
    positions : ndarray
        The lines (pixels).
    """
    fine_size, fine_phase = fine[2], fine[3]
    coarse_size, coarse_phase = coarse[2], coarse[3]
    multiple = int(round(coarse_size / fine_size))
    if multiple < 1:
        return 0
    low, high = float(positions.min()), float(positions.max())
    drift = abs(coarse_size - multiple * fine_size) * 0.5 * (high - low) / coarse_size
    middle = 0.5 * (low + high)
    at = coarse_phase + coarse_size * np.round((middle - coarse_phase) / coarse_size)
    offset = at - fine_phase
    offset = abs(offset - fine_size * np.round(offset / fine_size))
    if drift > LINE_FIT_TOLERANCE or offset > LINE_FIT_TOLERANCE:
        return 0
    return multiple


def _finer_harmonic(fine, coarse, positions) -> bool:
    """Whether the lattice ``fine`` is ``coarse`` with strays between its lines: its size a
    whole number of times smaller (at least 2), a line of each within :data:`LINE_FIT_TOLERANCE`
    of the other's in the middle of the lines, the two drifting apart by at most that over half
    their span, and at least :data:`HARMONIC_COARSE_SHARE` of the lines on ``fine`` on
    ``coarse`` too. Where fewer are, ``coarse`` is a sparse subset of the cells' lines: GMT's
    gridlines every 10 cells of 10.9 px in the age grid at 1° (a comb of 109.3 px holding 17 %
    of the lines, the cells' 74 %: 23 % of the cells' lines on it).

    Parameters
    ----------
    fine, coarse : tuple (number, inliers, size, phase, rms)
        Lattices of the lines (:func:`_lattice_of_lines`).
    positions : ndarray
        The lines (pixels).
    """
    if _harmonic_multiple(fine, coarse, positions) < 2:
        return False
    coarse_size, coarse_phase = coarse[2], coarse[3]
    on_fine = positions[fine[1]]
    residual = on_fine - coarse_phase
    residual = residual - coarse_size * np.round(residual / coarse_size)
    return bool(np.mean(np.abs(residual) <= LINE_FIT_TOLERANCE) >= HARMONIC_COARSE_SHARE)


# A finer harmonic of a lattice is taken for it with strays between when at least this share of
# its lines lie on it (:func:`_finer_harmonic`). Measured: the SST Pacific as a JPEG of quality
# 30, 0.72 of the lines on 4.8 px on its cells' 9.6 px; GMT's age at 1° in 10.9 px cells under
# gridlines every 10 cells, 0.23 of the cells' lines on the gridlines' 109 px.
HARMONIC_COARSE_SHARE = 0.5


# A lattice whose lines found lie this much (a share of them) on every second (third) of its
# lines is that coarser lattice: its size a harmonic of the cells' (a strong spectral peak at
# twice the cells' frequency). Measured on JPEGs of ERA-Interim and the SST: 0.50-0.57 of the
# lines on one parity for the cells' own lattice, 0.84-1.00 for the harmonic.
SUBLATTICE_SHARE = 0.75


def _coarsest_lattice(fit, positions, min_cell, clean, strengths):
    """The coarsest lattice whose every second or third line carries the lines of ``fit``.

    The combs are tried strongest first after the lowest (:func:`_comb_periods`), and a
    harmonic of the cells' comb (cells of 8.3 px: lines every 4.15 px) fits their lines too,
    half of its own lines unseen; when at least :data:`SUBLATTICE_SHARE` of the lines on the
    lattice fall on one residue of their numbers modulo 2 (or 3), the lattice of that residue's
    lines is fitted instead, and so on while one fits.

    Parameters
    ----------
    fit : tuple (number, inliers, size, phase, rms)
        A lattice of the lines (:func:`_lattice_of_lines`).
    positions : ndarray
        The lines (pixels).
    min_cell, clean, strengths
        As for :func:`_lattice_of_lines`.

    Returns
    -------
    tuple (number, inliers, size, phase, rms)
    """
    while True:
        number, inliers, size, phase, _ = fit
        kept = number[inliers]
        coarser = None
        for multiple in (2, 3):
            shares = [np.mean((kept - residue) % multiple == 0) for residue in range(multiple)]
            residue = int(np.argmax(shares))
            if shares[residue] >= SUBLATTICE_SHARE:
                coarser = _lattice_of_lines(positions, multiple * size, phase + residue * size,
                                            min_cell, clean, strengths)
                if not isinstance(coarser, str):
                    break
                coarser = None
        if coarser is None:
            return fit
        fit = coarser


# A noisy figure's lattice is tied to the frame when the least-squares lattice puts its outer
# lines within this many standard errors of the frame's sides (and at most half a pixel).
FRAME_TIE_SIGMAS = 3.0


def _noisy_frame_tie(number, position, size, phase, frame):
    """The lattice with its outer lines on the plot area's sides, when a noisy figure's lines
    say so: size and phase, or None.

    In a JPEG the lines' centroids wander by a few tenths of a pixel (the blocks' noise and
    ringing, a chroma step smeared over two pixels), so that the renderer's rounding
    (:func:`_rounded_edge_fit`) can no longer bound them. The least-squares lattice is then
    known to its standard error at each side (from the lines' scatter); where both sides of the
    plot area lie within :data:`FRAME_TIE_SIGMAS` of those errors (and half a pixel) of the
    lattice's nearest lines, the grid fills the axes, as a full-extent figure's does, and its
    outer lines are the frame's.

    Parameters
    ----------
    number, position : ndarray
        The lines on the lattice: their numbers and positions (pixels).
    size, phase : float
        The least-squares lattice.
    frame : tuple (start, stop) or None
        Boundary coordinates of the plot area's sides along this axis.
    """
    if frame is None or len(number) < MIN_LINES:
        return None
    residual = position - (phase + number * size)
    dof = max(len(number) - 2, 1)
    sigma = max(float(np.sqrt(np.sum(residual ** 2) / dof)), 0.05)
    mean = float(np.mean(number))
    spread = float(np.sum((number - mean) ** 2))
    if spread <= 0:
        return None
    lines = []
    for side in frame:
        line = round((side - phase) / size)
        error = sigma * np.sqrt(1.0 / len(number) + (line - mean) ** 2 / spread)
        if abs(phase + line * size - side) > min(0.5, FRAME_TIE_SIGMAS * error):
            return None
        lines.append(line)
    if lines[1] - lines[0] < MIN_LINES:
        return None
    tied_size = (frame[1] - frame[0]) / (lines[1] - lines[0])
    return tied_size, frame[0] - lines[0] * tied_size


# A renderer's edge lies within half a pixel of its line; this much more (pixels) is allowed
# for a tie rounded either way and for an edge a JPEG's blur moved.
EDGE_TOLERANCE = 0.05
# At most this share of the lines may be dropped as strays before the edge model is given up.
MAX_STRAY_EDGES = 0.1
# The lattice line nearest a side of the plot area is tied to it when within this (pixels).
FRAME_REACH = 2.0
# In a noisy figure, the share of the lines a tie to the frame on both sides may leave off
# their bounds.
NOISY_TIE_STRAYS = 0.05


def _rounded_edge_fit(number, position, size, phase, frame=None, map_axis=None, strays=0.0,
                      steps=2001):
    """Size and phase of the lattice from its edges, modelling the renderer's rounding.

    A renderer (Agg, Ghostscript, GMT) draws the edge of a cell on the pixel boundary nearest to
    its line, ``edge = round(phase + number * size)`` (ties either way); a JPEG blurs that edge
    but keeps it where it was, so the nearest boundary to the edge's centroid is the edge (an
    edge whose centroid lies between boundaries may be either of the two). Each edge thus
    bounds its line to within half a pixel, and the lattices that satisfy every bound form a
    small region of (size, phase). Least squares on such uniform errors is far less precise
    than that region.

    Which point of the region: the lattice is tied to the plot area's frame when it can be. A
    figure whose grid fills its axes (a full-extent ``pcolormesh``, ``imshow``, ``grdimage``)
    has its outer cell edges on the frame, which renderers put on a pixel boundary (Agg snaps
    an image's origin to whole pixels; GMT's frame offsets are whole inches). So when the
    lattice line nearest a side of the plot area (within :data:`FRAME_REACH`) can lie exactly
    on one pixel boundary, and only one, consistently with every edge, it is put there; with
    both sides so tied, the cell size is their distance over the cells between them. Otherwise
    (a grid cut by the frame) the lattice is tied to the map when it can be
    (:func:`_map_tie`: a round cell size with its lines on round coordinates, as a gridded
    product's are); else (a figure resampled off the pixel grid, a map with no round lattice)
    the region's centroid, the mean of the lattices the edges allow, is the estimate. Every
    edge stays within its bound either way, so the error is at most the region's width: exact
    when tied, else about a tenth of a pixel or less at the outer cells, up to a quarter of one
    when the cell size is a simple fraction of a pixel (7.5 px: its edges fall on two phases
    only, and allow lattices half a pixel apart).

    When no lattice keeps every edge within half a pixel, :data:`EDGE_TOLERANCE` more is
    allowed; when none does even then, edges (a line over the cells, a stray edge) are
    dropped, the one farthest from the mid-range lattice (:func:`_minimax_lattice`) first, up
    to :data:`MAX_STRAY_EDGES` of them; beyond that the least-squares values are kept. When
    fewer than :data:`MIN_SHARP_SHARE` of the edges lie on pixel boundaries (an antialiased or
    resampled figure), least squares is kept.

    Parameters
    ----------
    number, position : ndarray
        Each line's number in the lattice and its position (pixels, boundary coordinates).
    size, phase : float
        The least-squares lattice.
    frame : tuple (start, stop), optional
        Boundary coordinates of the plot area's sides along this axis.
    map_axis : tuple (offset, scale), optional
        The map coordinate along this axis of a boundary coordinate ``p``: ``offset + scale *
        p`` (a north-up affine georeference), for :func:`_map_tie`.
    strays : float
        Share of the lines a tie to the frame may leave outside their bounds
        (:func:`_frame_tie`).

    Returns
    -------
    size, phase : float
    """
    edge = np.round(position)
    sharp = np.abs(position - edge) <= SHARP_EDGE
    if sharp.mean() < MIN_SHARP_SHARE:
        # Edges between pixel boundaries (antialiased or resampled): least squares it is.
        return size, phase
    # Each line lies within half a pixel of its edge; an edge whose centroid a JPEG moved off
    # the pixel boundaries may be either neighbouring boundary.
    lower = np.where(sharp, edge, np.floor(position)) - 0.5
    upper = np.where(sharp, edge, np.ceil(position)) + 0.5
    centre = float(np.mean(number))
    k = number - centre
    span = max(float(np.ptp(k)), 1.0)
    sizes = size + np.linspace(-2.0 / span, 2.0 / span, steps)
    keep = np.ones(len(edge), bool)
    for _ in range(int(MAX_STRAY_EDGES * len(edge)) + 1):
        for slack in (TIE, EDGE_TOLERANCE):
            region = _edge_region(k[keep], lower[keep], upper[keep], sizes, slack)
            if region is not None:
                break
        if region is not None:
            break
        # Not even with a JPEG's moved edges tolerated: the edge farthest off goes.
        best_size, middle = _minimax_lattice(k[keep], 0.5 * (lower + upper)[keep], sizes)
        line = middle + k * best_size
        miss = np.maximum(lower - line, line - upper)
        miss[~keep] = -np.inf
        keep[int(np.argmax(miss))] = False
    else:
        return size, phase
    region_sizes, low, high = region
    length = high - low
    new_size = float(np.sum(region_sizes * length) / length.sum())
    middle = float(np.sum(0.5 * (low + high) * length) / length.sum())
    # A noisy figure's tie allows what its edges needed at most: the JPEG's tolerance.
    tie_slack = max(slack, EDGE_TOLERANCE) if strays else slack
    tied = _frame_tie(number[keep], lower[keep] - tie_slack, upper[keep] + tie_slack, centre,
                      new_size, middle, frame, strays, both_sides=True)
    resampling_slack = max(EDGE_TOLERANCE, new_size * RESAMPLING_PRECISION)
    if tied is None and not strays and resampling_slack > slack:
        # A resampled image's edges may be rounded the other way near a tie: the grid that
        # fills the axes is then on the frame at both sides and every edge within the
        # resampling's precision of its bounds (an imshow PNG of 18.49 px cells: one row edge
        # 0.012 px past its half pixel, so no lattice on the frame kept every edge, and the
        # region's centroid put the rows 0.16 px, 0.85 % of a cell, off). Before a tie at one
        # side only: one side's line alone can often be put on a pixel boundary consistently
        # with every edge when both sides' cannot (an imshow PNG of 18.71 px cells: tied at one
        # side, 18.7088 px for 18.7069, 0.6 % of a cell off at the far side).
        tied = _frame_tie(number[keep], lower[keep] - resampling_slack,
                          upper[keep] + resampling_slack, centre, new_size, middle, frame,
                          both_sides=True)
    if tied is None:
        tied = _frame_tie(number[keep], lower[keep] - tie_slack, upper[keep] + tie_slack,
                          centre, new_size, middle, frame, strays)
    if tied is None:
        tied = _map_tie(number[keep], lower[keep] - slack, upper[keep] + slack, centre,
                        region_sizes, map_axis)
    if tied is not None:
        new_size, middle = tied
    return new_size, middle - new_size * centre


# Allowance (pixels) for a line exactly half way between two pixel boundaries.
TIE = 1e-6
# Precision of a resampled image's cell edges, as a share of a cell: Agg (matplotlib's
# ``imshow``) maps each output pixel's centre into the image at 1/256 of a source pixel, one
# cell, rounded, so that an edge within half that of a tie between two pixel boundaries may go
# either way (measured: 0.012-0.013 px past the tie for cells of 7.2 and 18.5 px).
RESAMPLING_PRECISION = 1.0 / 256
# An edge is sharp (on a pixel boundary) when its centroid lies this close (pixels) to one.
SHARP_EDGE = 0.15
# The renderer's rounding is modelled when at least this share of the edges is sharp.
MIN_SHARP_SHARE = 0.5


def _edge_region(k, lower, upper, sizes, slack):
    """The lattices that keep every line within its bounds (``slack`` more), or None.

    Parameters
    ----------
    k : ndarray
        Line numbers, counted from the middle line.
    lower, upper : ndarray
        Bounds of each line's position, pixels.
    sizes : ndarray
        Trial sizes, evenly spaced.
    slack : float
        Allowance beyond the bounds, pixels.

    Returns
    -------
    sizes, low, high : ndarray
        Trial sizes, finely spaced over those where some lattice fits, and for each the interval
        of positions of line number 0 (the middle line, so that size and position are nearly
        independent) that fit.
    """
    def intervals(trial):
        low = np.max(lower[None, :] - trial[:, None] * k[None, :], axis=1) - slack
        high = np.min(upper[None, :] - trial[:, None] * k[None, :], axis=1) + slack
        return low, high

    low, high = intervals(sizes)
    feasible = np.flatnonzero(high > low)
    if feasible.size == 0:
        return None
    # Refine over the feasible sizes, one coarse step beyond them either side.
    step = sizes[1] - sizes[0] if len(sizes) > 1 else 0.0
    fine = np.linspace(sizes[feasible[0]] - step, sizes[feasible[-1]] + step, len(sizes))
    low, high = intervals(fine)
    feasible = high > low
    if not feasible.any():
        return None
    return fine[feasible], low[feasible], high[feasible]


def _minimax_lattice(k, position, sizes):
    """The lattice whose largest distance from a line position to its line is smallest.

    Parameters
    ----------
    k : ndarray
        Line numbers, counted from the middle line.
    position : ndarray
        Line positions, pixels.
    sizes : ndarray
        Trial sizes.

    Returns
    -------
    size, middle : float
        Cell size, and position of line number 0 (the middle line).
    """
    offsets = position[None, :] - sizes[:, None] * k[None, :]
    low, high = offsets.min(axis=1), offsets.max(axis=1)
    best = int(np.argmin(high - low))
    return float(sizes[best]), float(0.5 * (high[best] + low[best]))


def _frame_tie(number, lower, upper, centre, size, middle, frame, strays=0.0,
               both_sides=False):
    """Size and middle-line position of the lattice whose outer lines lie on pixel boundaries
    at the plot area's sides (see :func:`_rounded_edge_fit`), or None.

    Parameters
    ----------
    number : ndarray
        Line numbers.
    lower, upper : ndarray
        Bounds of each line's position, pixels.
    centre : float
        Number of the middle line.
    size, middle : float
        The lattice found so far: size, position of the middle line.
    frame : tuple (start, stop) or None
        The plot area's sides, pixel boundaries.
    strays : float
        Share of the lines that may lie outside their bounds when both sides are tied (a
        JPEG's blur moves an edge by a pixel now and then); the tie with the fewest such
        lines is taken when it is the only one.
    both_sides : bool
        Only a lattice tied at both sides, none tied at one side only.
    """
    if frame is None:
        return None
    candidates = []
    for side in frame:
        line = round((side - (middle - size * centre)) / size)
        at = middle + (line - centre) * size
        near = []
        if abs(at - side) <= FRAME_REACH:
            near = [(line, boundary)
                    for boundary in range(int(np.floor(at - 1)), int(np.ceil(at + 1)) + 1)]
        candidates.append(near)
    allowed = int(strays * len(number))
    joint = []
    for line_a, boundary_a in candidates[0]:
        for line_b, boundary_b in candidates[1]:
            if line_a == line_b:
                continue
            size_ab = (boundary_b - boundary_a) / (line_b - line_a)
            position = boundary_a + (number - line_a) * size_ab
            misses = int(np.sum((position < lower - 1e-9) | (position > upper + 1e-9)))
            if misses <= allowed:
                joint.append((misses, size_ab, boundary_a - (line_a - centre) * size_ab))
    if joint:
        fewest = min(misses for misses, _, _ in joint)
        best = [(size_ab, at) for misses, size_ab, at in joint if misses == fewest]
        return best[0] if len(best) == 1 else None
    if both_sides:
        return None
    # One side only: whole-pixel positions of its line consistent with every edge.
    ties = []
    for near in candidates:
        options = []
        for line, boundary in near:
            allowed_sizes = _sizes_through(number, lower, upper, line, boundary)
            if allowed_sizes is not None:
                options.append((line, boundary, allowed_sizes))
        ties.append(options)
    if any(len(options) > 1 for options in ties):
        return None
    single = [options[0] for options in ties if options]
    if len(single) != 1:
        return None
    line, boundary, (smallest, largest) = single[0]
    size = 0.5 * (smallest + largest)
    return size, boundary - (line - centre) * size


# Round cell sizes in map units: 1, 2, 2.5 and 5 times a power of ten, and the arc minutes and
# seconds of a degree that gridded products use.
ROUND_MANTISSAS = (1.0, 2.0, 2.5, 5.0)
SEXAGESIMAL_SIZES = tuple(n / 60 for n in (1, 2, 3, 4, 5, 6, 7.5, 10, 12, 15, 20, 30)) + tuple(
    n / 3600 for n in (1, 3, 5, 6, 10, 15, 20, 30))


def _round_sizes(smallest, largest) -> list:
    """Round cell sizes (map units) between ``smallest`` and ``largest``."""
    if not (0 < smallest <= largest and np.isfinite(largest)):
        return []
    found = [size for size in SEXAGESIMAL_SIZES if smallest <= size <= largest]
    for exponent in range(int(np.floor(np.log10(smallest))) - 1,
                          int(np.ceil(np.log10(largest))) + 1):
        found += [m * 10.0 ** exponent for m in ROUND_MANTISSAS
                  if smallest <= m * 10.0 ** exponent <= largest]
    return sorted(set(found))


def _map_tie(number, lower, upper, centre, sizes, map_axis):
    """Size and middle-line position of the lattice that is round on the map, or None.

    A gridded product has a round cell size in its own units (2°, 0.25°, 5′, 10 km) and its
    cell edges on round coordinates: on multiples of the cell size (edges at 0°, 2°...) or
    half way between (cells centred on them: edges at -1°, 1°...). Through a north-up affine
    georeference, each round size between the smallest and the largest the edges allow gives
    a pixel lattice; the one whose lines fall on multiples of half its size in map units while
    keeping every line within its bounds is the grid's, when there is exactly one.

    Parameters
    ----------
    number : ndarray
        Line numbers.
    lower, upper : ndarray
        Bounds of each line's position, pixels.
    centre : float
        Number of the middle line.
    sizes : ndarray
        Cell sizes (pixels) the edges allow, ascending.
    map_axis : tuple (offset, scale) or None
        Map coordinate of a boundary coordinate ``p``: ``offset + scale * p``.
    """
    if map_axis is None:
        return None
    offset, scale = (float(v) for v in map_axis)
    if not (np.isfinite(offset) and np.isfinite(scale)) or scale == 0:
        return None
    magnitude = abs(scale)
    # One coarse step of slack: a lattice exactly on its bounds may fall between trial sizes.
    step = (sizes[-1] - sizes[0]) / max(1, len(sizes) - 1) + 1e-9 * sizes[0]
    k = number - centre
    base = int(round(centre))
    found = []
    for size_map in _round_sizes((sizes[0] - step) * magnitude, (sizes[-1] + step) * magnitude):
        size = size_map / magnitude
        low = np.max(lower - size * k)
        high = np.min(upper - size * k)
        if high < low:
            continue
        # Map coordinates of the line numbered ``base`` over the positions allowed.
        ends = sorted((offset + scale * (low + (base - centre) * size),
                       offset + scale * (high + (base - centre) * size)))
        half = 0.5 * size_map
        for multiple in range(int(np.ceil(ends[0] / half - 1e-9)),
                              int(np.floor(ends[1] / half + 1e-9)) + 1):
            at = (multiple * half - offset) / scale
            middle = at - (base - centre) * size
            line = middle + k * size
            if np.all((line >= lower - 1e-9) & (line <= upper + 1e-9)):
                found.append((size, middle))
    return found[0] if len(found) == 1 else None


def _sizes_through(number, lower, upper, line, boundary):
    """The interval of cell sizes (pixels) for which the lattice with line ``line`` at pixel
    boundary ``boundary`` keeps every line within its bounds, or None."""
    distance = number - line
    through = distance == 0
    if np.any((boundary < lower[through]) | (boundary > upper[through])) or through.all():
        return None
    distance = distance[~through]
    first = (lower[~through] - boundary) / distance
    second = (upper[~through] - boundary) / distance
    smallest = float(np.max(np.minimum(first, second)))
    largest = float(np.min(np.maximum(first, second)))
    return (smallest, largest) if largest >= smallest else None


def _near_lines(excess, fit, noisy=False):
    """Luma steps summed over the boundary indices within a pixel (a quarter cell for tiny
    cells) of a lattice line; in a noisy figure (a JPEG) within an eighth of a cell, up to
    the 7 px through which a JPEG's block rings a cell's edge (cells of 46 px in a JPEG of
    quality 75: 49 % of the steps within a pixel of the lines, 97 % within 7 px), so that
    steps spread evenly would still have at most a quarter of their sum near the lines."""
    index = np.arange(len(excess))
    offset = (index - fit.phase) % fit.size
    distance = np.minimum(offset, fit.size - offset)
    reach = min(max(1.0, fit.size / 8), JPEG_BLOCK - 1.0) if noisy else 1.0
    return float(excess[distance <= min(reach, fit.size / 4)].sum())


def _interior_uniformity(luma_field, box, fit_x, fit_y, agreement, clean=True,
                         max_cells=20_000, max_pixels=500_000):
    """Share of interior pixels whose luma lies within ``agreement`` of their cell's median:
    for the lattice, and for the lattice shifted by half a cell along both axes.

    Judged on at most about ``max_cells`` cells (every few rows of cells) and ``max_pixels``
    pixels (every few pixel rows and columns, keeping a few of each cell's): enough to judge,
    and a large figure's search stays fast.

    Returns
    -------
    uniform, shifted : float
        The shares for the lattice and the half-shifted one.
    pair_step, shifted_pair_step : float
        The mean luma step between neighbouring interior pixels of one cell, for each
        (:func:`_interior_pair_step`); NaN for a clean figure, whose search does not use them.
    """
    col0, row0, col1, row1 = box
    stride = int(np.ceil(np.sqrt((col1 - col0) * (row1 - row0) / max_pixels)))
    stride = max(1, min(stride, int(min(fit_x.size, fit_y.size) // 6)))
    shares, pair_steps = [], []
    for shift in (0.0, 0.5):
        lattice = _lattice_over(_AxisFit(fit_x.size, fit_x.phase + shift * fit_x.size, 0, 0),
                                _AxisFit(fit_y.size, fit_y.phase + shift * fit_y.size, 0, 0),
                                box, 0.0, 0.0, clean=clean)
        # Every step-th row of cells is enough to judge: keeps large figures fast.
        step = max(1, int(np.ceil(lattice.rows * lattice.columns / max_cells)))
        cells = read_cells(luma_field, lattice, box, agreement=agreement, row_step=step,
                           median_only=True, judging=True, stride=stride)
        counted = cells.n_pixels.sum()
        shares.append(float(cells.agreeing.sum() / counted) if counted else 0.0)
        # Only a noisy figure's search uses them (MIN_PAIR_STEP_RATIO).
        pair_steps.append(float("nan") if clean else
                          _interior_pair_step(luma_field, lattice, box, max_pixels))
    return shares[0], shares[1], pair_steps[0], pair_steps[1]


def _interior_pair_step(luma_field, lattice, box, max_pixels=500_000, axes=("x", "y")):
    """Mean absolute luma step between neighbouring decoded pixels of one cell's interior.

    Each pair is two pixels side by side (or one above the other) both in the judged interior
    of the same cell (:func:`interior_margin`); every few rows (columns) are taken so that
    about ``max_pixels`` pixels are read along each axis. Unlike the share of pixels near their
    cell's median, it has no bias towards cells of one or two interior pixels (a pixel always
    agrees with a median it is part of): a half-shifted lattice of cells of 5.5 px has
    interiors of 1 and 2 px in turn, a true one of 2 px. ``axes`` names the directions whose
    pairs count ("x": pixels side by side, "y": one above the other).

    Returns
    -------
    float
        The mean step (luma, 0..255) over the pairs side by side and one above the other; NaN
        when there is no such pair.
    """
    rows, cols = luma_field.shape
    margin = interior_margin(lattice, judging=True)
    col0, row0, col1, row1 = box
    col_cell = _axis_cells(cols, lattice.origin_x, lattice.cell_width, lattice.columns, margin,
                           col0, col1)
    row_cell = _axis_cells(rows, lattice.origin_y, lattice.cell_height, lattice.rows, margin,
                           row0, row1)
    total, count = 0.0, 0
    for axis, cell, other_cell, field in (("x", col_cell, row_cell, luma_field),
                                          ("y", row_cell, col_cell, luma_field.T)):
        if axis not in axes:
            continue
        # Pairs along this axis: neighbours in the same cell; lines across it: any interior.
        pair = np.flatnonzero((cell[1:] == cell[:-1]) & (cell[:-1] >= 0))
        lines = np.flatnonzero(other_cell >= 0)
        if pair.size == 0 or lines.size == 0:
            continue
        lines = lines[::max(1, int(np.ceil(lines.size * pair.size / max_pixels)))]
        for start in range(0, lines.size, 256):
            block = field[lines[start:start + 256]]
            steps = np.abs(block[:, pair + 1] - block[:, pair])
            finite = np.isfinite(steps)
            total += float(steps[finite].sum())
            count += int(finite.sum())
    return total / count if count else float("nan")


def _data_box(data, box, share=0.02):
    """Box (col0, row0, col1, row1) around the columns and rows with decoded pixels."""
    col0, row0, col1, row1 = (int(round(v)) for v in box)
    data = data[row0:row1, col0:col1]
    per_col, per_row = data.sum(axis=0), data.sum(axis=1)
    cols = np.flatnonzero(per_col >= max(1, share * per_col.max()))
    rows = np.flatnonzero(per_row >= max(1, share * per_row.max()))
    return (col0 + cols[0], row0 + rows[0], col0 + cols[-1] + 1, row0 + rows[-1] + 1)


def _lattice_over(fit_x, fit_y, extent_box, edge_share, interior_share, clean=True):
    """The lattice restricted to the cells whose centre lies inside ``extent_box``."""
    x0, y0, x1, y1 = extent_box
    first_col = int(np.ceil((x0 - fit_x.phase) / fit_x.size - 0.5))
    last_col = int(np.ceil((x1 - fit_x.phase) / fit_x.size - 0.5)) - 1
    first_row = int(np.ceil((y0 - fit_y.phase) / fit_y.size - 0.5))
    last_row = int(np.ceil((y1 - fit_y.phase) / fit_y.size - 0.5)) - 1
    return Lattice(cell_width=fit_x.size, cell_height=fit_y.size,
                   origin_x=fit_x.phase + first_col * fit_x.size,
                   origin_y=fit_y.phase + first_row * fit_y.size,
                   columns=max(0, last_col - first_col + 1), rows=max(0, last_row - first_row + 1),
                   edge_share=edge_share, interior_share=interior_share,
                   line_rms=(fit_x.rms, fit_y.rms), clean=clean)


# -- reading the cells --------------------------------------------------------------------
@dataclass
class Cells:
    """Per-cell statistics on the native grid; arrays of shape (lattice.rows, lattice.columns).

    Attributes
    ----------
    value : ndarray of float64
        Median of the decoded interior pixels (lower middle value for an even count), or their
        interquartile mean when asked; NaN where fewer than half of the interior pixels decoded.
    value_std : ndarray of float64
        Standard deviation of those pixels' values.
    n_pixels : ndarray of int64
        Interior pixels that decoded.
    n_interior : ndarray of int64
        Interior pixels inside the plot area.
    agreeing : ndarray of int64
        Decoded interior pixels within ``agreement`` of the median (0 unless asked).
    partial : ndarray of bool
        Cells not wholly inside the plot area (cut by the frame).
    """

    value: np.ndarray
    value_std: np.ndarray
    n_pixels: np.ndarray
    n_interior: np.ndarray
    agreeing: np.ndarray
    partial: np.ndarray


def interior_margin(lattice, judging=False) -> float:
    """Distance (pixels) from a cell side within which pixels are not read.

    A pixel: the renderer's rounding and blending reach no further, and in a JPEG the cell's
    value is best read from every pixel but the outer ring (its median over the cells of the
    test figures: within the colour scale's resolution in 93 % of a quality-90 JPEG's cells at
    one pixel, 91 % at two, 86 % at three; the JPEG's own colour shifts, block by block, set
    the rest). When *judging* whether cells are one colour (:func:`find_lattice`), two pixels
    in a noisy figure, away from a JPEG's blur and ringing around an edge. Never so much that
    fewer than a third of a cell's width and height (at least its central pixel) stays.
    """
    wanted = 2.0 if judging and not lattice.clean else 1.0
    smallest = min(lattice.cell_width, lattice.cell_height)
    return max(0.0, min(wanted, smallest / 3.0, 0.5 * smallest - 0.5))


def _axis_cells(n_pixels, origin, size, count, margin, start, stop):
    """Cell number of each pixel along one axis, -1 outside the grid, the box or the interior."""
    centre = np.arange(n_pixels) + 0.5
    position = (centre - origin) / size
    cell = np.floor(position).astype(np.int64)
    within = (position - cell) * size
    keep = ((cell >= 0) & (cell < count) & (within >= margin) & (within <= size - margin)
            & (centre > start) & (centre < stop))
    return np.where(keep, cell, -1)


def read_cells(array, lattice, box, agreement=None, row_step=1, median_only=False,
               judging=False, stride=1, interquartile_mean=False, text=None) -> "Cells":
    """Statistics of each cell's interior pixels.

    Parameters
    ----------
    array : ndarray of float, shape (rows, cols)
        A figure-frame raster (decoded values, colour distance...), NaN where not data.
    lattice : Lattice
    box : tuple (col0, row0, col1, row1)
        The plot area; pixels outside it are not read.
    agreement : float, optional
        Also count the pixels within this of their cell's median (``Cells.agreeing``).
    row_step : int
        Read only every ``row_step``-th row of cells (the others stay NaN / 0).
    median_only : bool
        Skip the standard deviation.
    judging : bool
        Read the interiors judged for uniformity (:func:`interior_margin`).
    stride : int
        Read every ``stride``-th pixel row and column of the interiors only.
    interquartile_mean : bool
        A cell's value is the mean of its middle half of decoded pixels (the quarter lowest
        and the quarter highest left out) instead of their median. For continuous values only
        (never class indices or class values). As robust to a line over part of the cell as
        the median, and less noisy where a JPEG spreads the cell's pixels over a few colour
        steps: on the test figures, the share of cells within one value resolution went from
        93.2 to 94.1 % (SST, quality 90), 81.9 to 83.5 % (quality 75), 99.3 to 99.4 % (GMT);
        a plain mean, weights by distance from the cell's sides, a decoding of the cell's mean
        Y'CbCr colour (luma or chroma weighted) did worse on at least one of them.
    text : ndarray of bool, shape (rows, cols), optional
        Pixels left out as text written over the map (its glyphs and their halo): a cell's
        share of decoded pixels is taken of its other interior pixels, when they are at least
        :data:`MIN_BESIDE_TEXT_SHARE` of its interior.

    Returns
    -------
    Cells
    """
    rows, cols = array.shape
    margin = interior_margin(lattice, judging)
    col0, row0, col1, row1 = box
    col_cell = _axis_cells(cols, lattice.origin_x, lattice.cell_width, lattice.columns, margin,
                           col0, col1)
    row_cell = _axis_cells(rows, lattice.origin_y, lattice.cell_height, lattice.rows, margin,
                           row0, row1)
    if row_step > 1:
        row_cell = np.where(row_cell % row_step == 0, row_cell, -1)
    n_cells = lattice.rows * lattice.columns
    value = np.full(n_cells, np.nan)
    std = np.full(n_cells, np.nan)
    n_pixels = np.zeros(n_cells, np.int64)
    n_interior = np.zeros(n_cells, np.int64)
    agreeing = np.zeros(n_cells, np.int64)
    used_cols = np.flatnonzero(col_cell >= 0)[::stride]
    used_rows = np.flatnonzero(row_cell >= 0)[::stride]
    if used_cols.size and used_rows.size:
        # Blocks of whole cell rows, so that each cell is read in one block.
        block_pixels = min(BLOCK_PIXELS, max(MIN_BLOCK_PIXELS, array.size // 32))
        rows_per_block = max(1, block_pixels // max(1, used_cols.size))
        cell_of_row = row_cell[used_rows]
        block_start = 0
        while block_start < used_rows.size:
            block_end = min(block_start + rows_per_block, used_rows.size)
            # Extend to the end of the last cell row in the block.
            while (block_end < used_rows.size
                   and cell_of_row[block_end] == cell_of_row[block_end - 1]):
                block_end += 1
            block_rows = used_rows[block_start:block_end]
            _read_block(array[np.ix_(block_rows, used_cols)],
                        cell_of_row[block_start:block_end], col_cell[used_cols], lattice.columns,
                        agreement, median_only, value, std, n_pixels, n_interior, agreeing,
                        interquartile_mean)
            block_start = block_end
    readable = n_interior
    if text is not None and used_cols.size and used_rows.size:
        # Only the text's pixels are gathered (few), not a cell index for every pixel.
        text_rows, text_cols = np.nonzero(text[np.ix_(used_rows, used_cols)])
        n_text = np.bincount(row_cell[used_rows][text_rows] * lattice.columns
                             + col_cell[used_cols][text_cols], minlength=n_cells)
        beside = n_interior - n_text
        readable = np.where(beside >= MIN_BESIDE_TEXT_SHARE * n_interior, beside, n_interior)
    decoded_share = np.divide(n_pixels, readable, out=np.zeros(n_cells), where=readable > 0)
    value[decoded_share < MIN_DECODED_SHARE] = np.nan
    shape = (lattice.rows, lattice.columns)
    return Cells(value.reshape(shape), std.reshape(shape), n_pixels.reshape(shape),
                 n_interior.reshape(shape), agreeing.reshape(shape), _partial_cells(lattice, box))


def _read_block(block, cell_rows, cell_cols, columns, agreement, median_only, value, std,
                n_pixels, n_interior, agreeing, interquartile_mean=False):
    """Fill the statistics of the cells in one block of pixels (see :func:`read_cells`)."""
    cell = (cell_rows[:, None] * columns + cell_cols[None, :]).ravel()
    data = block.ravel()
    n_cells = len(value)
    n_interior += np.bincount(cell, minlength=n_cells)
    finite = np.isfinite(data)
    cell, data = cell[finite], data[finite].astype(np.float64)
    if cell.size == 0:
        return
    counts = np.bincount(cell, minlength=n_cells)
    n_pixels += counts
    present = np.flatnonzero(counts)
    low, high = data.min(), data.max()
    spread = high - low if high > low else 1.0
    # One sort orders the pixels by cell, and within a cell by value.
    order = np.argsort(cell + 0.5 * (data - low) / spread, kind="stable")
    ordered = data[order]
    starts = np.concatenate([[0], np.cumsum(counts[present])[:-1]])
    median = ordered[starts + (counts[present] - 1) // 2]
    value[present] = median
    if interquartile_mean:
        # Rank of each pixel within its cell; the middle half (at least one pixel) is kept.
        cell_count = counts[present]
        owner = np.repeat(np.arange(present.size), cell_count)
        rank = np.arange(ordered.size) - starts[owner]
        cut = (cell_count // 4)[owner]
        middle = (rank >= cut) & (rank < cell_count[owner] - cut)
        kept = np.bincount(owner[middle], minlength=present.size)
        value[present] = np.bincount(owner[middle], ordered[middle], present.size) / kept
    if not median_only:
        total = np.bincount(cell, data, minlength=n_cells)[present]
        square = np.bincount(cell, data * data, minlength=n_cells)[present]
        mean = total / counts[present]
        std[present] = np.sqrt(np.maximum(square / counts[present] - mean ** 2, 0.0))
    if agreement is not None:
        cell_median = np.zeros(n_cells)
        cell_median[present] = median
        close = np.abs(data - cell_median[cell]) <= agreement
        agreeing += np.bincount(cell[close], minlength=n_cells)


#: Plot-area pixels whose colours :func:`luma_weighted_field` gathers at a time.
LUMA_FIELD_BLOCK_PIXELS = 1 << 18


def luma_weighted_field(rgb, values, decoder, box, chroma_weight=JPEG_CHROMA_WEIGHT) -> np.ndarray:
    """The decoded pixels of the plot area decoded again, matching luma above chroma.

    For reading a noisy figure's cells (a JPEG's) on a continuous scale: a JPEG keeps luma at
    full resolution and finely quantised, chroma subsampled 2 × 2 and quantised more coarsely,
    so in a cell's flat interior the luma is the better witness of the colour drawn.

    Parameters
    ----------
    rgb : ndarray of uint8, shape (rows, cols, 3)
    values : ndarray of float, shape (rows, cols)
        The decoded values; NaN where not data (those stay NaN).
    decoder : colour_decoding.ColourDecoder
        A continuous scale's decoder (its figure study done: its 8-bit rounding is used).
    box : tuple (col0, row0, col1, row1)
        The plot area; pixels outside it are NaN.
    chroma_weight : float
        Weight of Cb and Cr against Y' in the colour distance.

    Returns
    -------
    ndarray of float32, shape (rows, cols)
    """
    col0, row0, col1, row1 = (int(round(v)) for v in box)
    out = np.full(values.shape, np.nan, np.float32)
    window, window_rgb = values[row0:row1, col0:col1], rgb[row0:row1, col0:col1]
    target = out[row0:row1, col0:col1]
    # A block of rows at a time: the decoded pixels' colours of the whole plot area, their
    # codes, sort and places held at once were some 50 bytes a pixel (190 MiB of a 4 MP JPEG's
    # run). Each distinct colour is matched once, as before; the same values.
    step = max(1, LUMA_FIELD_BLOCK_PIXELS // max(window.shape[1], 1))
    blocks = [slice(first, first + step) for first in range(0, window.shape[0], step)]

    def block_codes(block):
        """The 24-bit codes (R + 256 G + 65536 B) of a block's decoded pixels, and where."""
        decoded = np.isfinite(window[block])
        colours = window_rgb[block][decoded]
        codes = colours[:, 2].astype(np.uint32)
        codes <<= 8
        codes |= colours[:, 1]
        codes <<= 8
        codes |= colours[:, 0]
        return codes, decoded

    codes = np.unique(np.concatenate([np.unique(block_codes(block)[0]) for block in blocks]))
    if not codes.size:
        return out
    distinct = np.stack([codes & 255, (codes >> 8) & 255, codes >> 16], axis=1).astype(np.uint8)
    matched = decoder.luma_weighted_values(distinct, chroma_weight)
    for block in blocks:
        block_pixels, decoded = block_codes(block)
        unique, inverse = np.unique(block_pixels, return_inverse=True)
        target[block][decoded] = matched[np.searchsorted(codes, unique)][inverse]
    return out


def _partial_cells(lattice, box, tolerance=1.5):
    """Cells reaching more than ``tolerance`` pixels beyond the plot area's sides.

    The tolerance covers the frame's line: an axes spine is drawn over the outer pixel or two
    of the outer cells, and a frame found on the figure ends inside it.
    """
    col0, row0, col1, row1 = box
    left, top = lattice.cell_to_pixel(np.arange(lattice.columns), np.arange(lattice.rows))
    right, bottom = left + lattice.cell_width, top + lattice.cell_height
    cut_x = (left < col0 - tolerance) | (right > col1 + tolerance)
    cut_y = (top < row0 - tolerance) | (bottom > row1 + tolerance)
    return cut_y[:, None] | cut_x[None, :]


# -- georeferencing -----------------------------------------------------------------------
class CellFrameTransform:
    """Pixel transform of the native grid: cell coordinates -> figure pixels -> map.

    Parameters
    ----------
    lattice : Lattice
    pixel_transform : pixel transform of the figure (``pixel_to_map``, ``map_to_pixel``)
    """

    def __init__(self, lattice, pixel_transform):
        self.lattice = lattice
        self.pixel_transform = pixel_transform

    def pixel_to_map(self, col, row) -> tuple:
        return self.pixel_transform.pixel_to_map(*self.lattice.cell_to_pixel(col, row))

    def map_to_pixel(self, map_x, map_y) -> tuple:
        return self.lattice.pixel_to_cell(*self.pixel_transform.map_to_pixel(map_x, map_y))


def affine_cell_geotransform(transform, columns, rows, tolerance=1e-6) -> tuple | None:
    """The GDAL geotransform of a transform that is affine over a grid, or None.

    Parameters
    ----------
    transform : pixel transform (``pixel_to_map``) of the grid's (col, row) coordinates
    columns, rows : int
        The grid's size; the transform must be affine over it.
    tolerance : float
        Largest departure from the affine prediction allowed, in cells.

    Returns
    -------
    tuple of 6 floats or None
        (x0, a, b, y0, d, e) with map = (x0 + a col + b row, y0 + d col + e row). Rotation
        terms smaller than ``tolerance`` of a cell over the whole grid are set to zero.
    """
    (x0, x1, x2), (y0, y1, y2) = (np.asarray(v, float) for v in
                                  transform.pixel_to_map(np.array([0.0, 1.0, 0.0]),
                                                         np.array([0.0, 0.0, 1.0])))
    a, b, d, e = x1 - x0, x2 - x0, y1 - y0, y2 - y0
    if not np.all(np.isfinite([x0, y0, a, b, d, e])):
        return None
    col = np.array([columns, 0, columns, columns / 2, columns / 3])
    row = np.array([0, rows, rows, rows / 2, 2 * rows / 3])
    mx, my = (np.asarray(v, float) for v in transform.pixel_to_map(col, row))
    # Departures measured in cells through the affine part's inverse.
    determinant = a * e - b * d
    if determinant == 0:
        return None
    dx, dy = mx - (x0 + a * col + b * row), my - (y0 + d * col + e * row)
    dcol = (e * dx - b * dy) / determinant
    drow = (-d * dx + a * dy) / determinant
    if not (np.all(np.isfinite(dcol)) and np.max(np.hypot(dcol, drow)) <= tolerance):
        return None
    # Rotation terms that move no corner by a measurable part of a cell: a north-up grid.
    if (abs(b) * rows <= tolerance * np.hypot(b, e)
            and abs(d) * columns <= tolerance * np.hypot(a, d)):
        b = d = 0.0
    return (float(x0), float(a), float(b), float(y0), float(d), float(e))


def north_up_axes(pixel_transform, columns, rows) -> tuple | None:
    """The figure's georeference as two axes, when it is affine and north up over the figure.

    Parameters
    ----------
    pixel_transform : pixel transform of the figure (``pixel_to_map``)
    columns, rows : int
        The figure's size, pixels.

    Returns
    -------
    tuple ((x0, a), (y0, e)) or None
        Map x = x0 + a * pixel x, map y = y0 + e * pixel y (map units); None for a rotated or
        non-affine transform.
    """
    gt = affine_cell_geotransform(pixel_transform, columns, rows)
    if gt is None or gt[2] != 0.0 or gt[4] != 0.0:
        return None
    return (gt[0], gt[1]), (gt[3], gt[5])


# -- points and rasters on the native grid ------------------------------------------------
def cell_points(cells, lattice) -> "ClusterPoints":
    """One point per cell with a value, at the cell's centre.

    Returns
    -------
    ClusterPoints
        With ``grid_row``, ``grid_col`` (the cell in the native grid, from 0 at the top left),
        ``partial`` (cut by the frame) and ``footprint`` (the cell's area in figure pixels).
    """
    from .reduction import ClusterPoints

    row, col = np.nonzero(np.isfinite(cells.value))
    x, y = lattice.cell_to_pixel(col + 0.5, row + 0.5)
    count = len(row)
    return ClusterPoints(pixel_x=np.asarray(x, float), pixel_y=np.asarray(y, float),
                         value=cells.value[row, col], value_std=cells.value_std[row, col],
                         n_pixels=cells.n_pixels[row, col].astype(np.int64),
                         snapped=np.zeros(count, bool), grid_row=row.astype(np.int64),
                         grid_col=col.astype(np.int64), partial=cells.partial[row, col],
                         footprint=np.full(count, lattice.cell_width * lattice.cell_height))


def native_rasters(arrays, lattice, box, georeference, pixel_size=0.0, feedback=None,
                   first=None) -> tuple:
    """Figure-frame rasters read cell by cell and placed in the target CRS.

    Parameters
    ----------
    arrays : list of ndarray, shape (rows, cols), or a mapping of names to them
        Figure-frame rasters (values, distance...), NaN where not data.
    lattice : Lattice
    box : tuple (col0, row0, col1, row1)
        The plot area.
    georeference : pipeline.Georeference
        ``pixel_transform``, ``source_crs``, ``target_crs``.
    pixel_size : float
        Output pixel size in target CRS units; 0 keeps the native grid.
    feedback : callable(progress) -> bool, optional
    first : ndarray, shape (lattice.rows, lattice.columns), optional
        The first array's cell values when already read.

    Returns
    -------
    grid : warping.OutputGrid
    rasters : list of ndarray of float32, or a dict of them
        In the order, or by the names, of `arrays`.
    how : str
        For the log: "georeferenced exactly (affine)" or how it was warped.
    """
    if isinstance(arrays, Mapping):
        grid, rasters, how = native_rasters(list(arrays.values()), lattice, box, georeference,
                                            pixel_size, feedback, first)
        return grid, dict(zip(arrays, rasters)), how

    from .warping import plan_output_grid, same_crs, warp_nearest

    native = []
    for index, array in enumerate(arrays):
        if index == 0 and first is not None:
            native.append(np.asarray(first, np.float32))
        else:
            native.append(read_cells(array, lattice, box, median_only=True).value
                          .astype(np.float32))
    transform = CellFrameTransform(lattice, georeference.pixel_transform)
    source, target = georeference.source_crs, georeference.target_crs
    if pixel_size <= 0 and same_crs(source, target):
        grid = _exact_native_grid(transform, lattice, target)
        if grid is not None:
            return grid, native, grid.note
    cells_box = (0, 0, lattice.columns, lattice.rows)
    grid = plan_output_grid(transform, source, target, cells_box, pixel_size)
    warped = warp_nearest(native, cells_box, grid, transform, source, target, feedback=feedback)
    why = ("PIXEL_SIZE is set" if pixel_size > 0 else
           "the transform is not affine" if same_crs(source, target) else
           "the target CRS is not the GCP CRS")
    return grid, warped, f"warped nearest-neighbour to {grid.width}×{grid.height} pixels ({why})"


def _exact_native_grid(transform, lattice, target_crs):
    """The native grid with its exact geotransform, when the cell frame maps affinely.

    Rotation terms are left out (the origin moved by half their effect) when they move no cell
    by more than ``warping.ROTATION_TOLERANCE_PIXELS`` figure pixels, as for the figure's own
    pixel grid; otherwise they are written into the geotransform.

    Returns
    -------
    warping.OutputGrid or None
    """
    from pyproj import CRS

    from .warping import ROTATION_TOLERANCE_PIXELS, OutputGrid

    gt = affine_cell_geotransform(transform, lattice.columns, lattice.rows)
    if gt is None:
        return None
    x0, a, b, y0, d, e = gt
    # Largest shift (figure pixels) leaving out b and d causes, once the origin takes half.
    shift_x = abs(b) * lattice.rows / 2 / abs(a) * lattice.cell_width if a else np.inf
    shift_y = abs(d) * lattice.columns / 2 / abs(e) * lattice.cell_height if e else np.inf
    shift = max(shift_x, shift_y)
    note = "the native grid, georeferenced exactly through the affine transform"
    if (b or d) and shift <= ROTATION_TOLERANCE_PIXELS:
        gt = (x0 + b * lattice.rows / 2, a, 0.0, y0 + d * lattice.columns / 2, 0.0, e)
        note += f" (rotation of the fit left out: it moves no cell by more than {shift:.2g} px)"
    elif b or d:
        note += " (its rotation written into the geotransform)"
    return OutputGrid(tuple(float(v) for v in gt), lattice.columns, lattice.rows,
                      CRS.from_user_input(target_crs).to_wkt(), note=note)
