"""Colours of a lattice's cells read back through a JPEG's own coding.

A JPEG stores each colour channel (Y', Cb, Cr) as 8 × 8 blocks of DCT coefficients, each
coefficient rounded to a multiple of its step in the file's quantisation table; the chroma
channels are first averaged over 2 × 2 pixels (4:2:0, the usual subsampling) so that their blocks
span 16 × 16 figure pixels. What a JPEG gets wrong in a cell drawn in one colour is therefore not
pixel noise but whole blocks shifted: a strong edge between two cells puts large high-frequency
coefficients into its block, their rounding spreads over all 64 pixels, and the cell beside the
edge reads off by a step or two of the colour scale however its pixels are averaged.

What a JPEG gets right is the low frequencies: the block means and gentle slopes, quantised with
the table's finest steps. Knowing the lattice, the figure before compression is known up to one
colour per cell: each channel of each block is a linear function of the colours of the few cells
it overlaps. Each channel of every cell is estimated by weighted least squares over all blocks:
the residual of each block in the DCT domain, each coefficient weighted by the inverse square of
its quantisation step (the rounding error of a coefficient is uniform over its step, so its
variance is the step squared over twelve). Pixels that are not data (lines, labels, land) are
left free: a block they touch still speaks through its other pixels, through the marginal
precision of the pixels that are data.

Each cell's Y'CbCr estimate is then weighed against the colours the renderer can draw from the
scale, each as the encoder stored it: libjpeg turns a pixel's 8-bit RGB into integer Y'CbCr
(:func:`stored_ycbcr`), so a cell's stored colour is one of a few hundred integer triples, which
the blocks pin down to a tenth of a level in luma (quality 90). Matching the estimate to the
scale's unrounded curve instead loses that: the rounding moves each channel by up to half a
level, as much as one entry of viridis moves its luma. The value is the posterior mean over the
drawable colours (:meth:`colour_decoding.CurveMatcher.stored_colour_values`), each channel
weighted by the information the blocks gave about it; scales read off the figure itself (no
exact table of drawable colours) are matched to their curve as before.

The decoded chroma is the 2 × 2 average upsampled by the decoder's triangle filter ("fancy
upsampling", libjpeg's default): averaging the decoded full-resolution chroma over the same 2 × 2
pixels gives the stored plane blurred by (1/8, 3/4, 1/8) along each subsampled axis, which is
undone exactly (a tridiagonal system, well conditioned: its response is at least 1/2).

The Y'CbCr modelled is the decoder's own (:meth:`JpegCoding.decoded_ycbcr`), not recomputed from
the RGB it gives: that RGB is rounded and clipped to 0..255, and a scale with saturated colours
has a channel clipped wherever the blocks' ringing overshoots (a third of the data pixels of an
RdYlBu_r figure, a sixth of a magma one), where the recomputed Y'CbCr is off by up to a level or
more.
"""
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.linalg import solve_banded
from scipy.sparse.linalg import spsolve

#: Pixels of a JPEG block along each side, in the channel's own (possibly subsampled) plane.
BLOCK = 8
#: A stored pixel whose conditional residual exceeds this many standard deviations of the
#: quantisation model is not its cell's colour (a thin line or a label's rim that decoded as
#: data) and is left free.
OUTLIER_SIGMAS = 4.0
#: Rounds of leaving such pixels free and solving again: a second round freed a few more and
#: changed the cells within one resolution by at most 0.04 points on the test figures, for a
#: third more time.
OUTLIER_ROUNDS = 1
#: A pixel whose centre lies this close (pixels) to a cell edge could be drawn in either cell:
#: eight times Agg's sub-pixel precision (1/256 px). On the pcolormesh test figures (cells of
#: 7.3 and 8.3 px put edges through pixel centres) 1-3 % of the cells' pixels are such, and
#: leaving them free lifted the cells within one resolution from 96.7 to 97.9 % (topography)
#: and 97.7 to 98.5 % (magma); 0.02-0.05 px gave the same, 0.15 px began to cost cells.
EDGE_TIE_PX = 1.0 / 32.0
#: Blocks handled at once: the temporaries are a few 64 × 64 matrices a block (32 kB each),
#: about 10 MiB at a time.
CHUNK_BLOCKS = 256
#: Blocks whose marginal precision (:meth:`ChannelBlocks._marginal_precision`) is made at once:
#: its 64 × 64 matrices and the Schur complements' temporaries are some 130 kB a block (a
#: chunk's 256 at once held 30 MiB of a 4 MP JPEG's run at its peak).
MARGINAL_BLOCKS = 64
#: Variance (levels²) of an integer's rounding: the encoder stores each channel of a cell's
#: colour rounded to a whole level, so the estimate of the stored level is that far from the
#: scale's own colour.
ROUNDING_VARIANCE = 1.0 / 12.0
#: Weight (1 / levels²) of a cell's own interior colour in its estimate: that of a reading
#: 10 levels uncertain, so that it decides only where the blocks say next to nothing (a
#: cell mostly under a label); 0.01-1 gave the same cells within a tenth of a percent.
PRIOR_WEIGHT = 0.01
#: Share of that weight with which a cell with no interior data pixel leans on its neighbours'
#: colour: only to keep the least squares well posed (:func:`_solve`), the blocks decide.
NEIGHBOUR_PRIOR_SHARE = 0.1


#: The IJG's (libjpeg's) standard luma quantisation table at quality 50, natural order: the
#: table every IJG-based encoder scales by its quality setting.
IJG_LUMA_TABLE = np.array([
    16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55,
    14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62,
    18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
    49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99], dtype=np.float64)
#: Below this IJG quality a JPEG's noise can hide a lattice's edges (the SST test figure's
#: lattice is found down to quality 50, not at 40 or 30; cells of a few pixels whose
#: neighbours differ by less than the noise are lost sooner): the log says so when none is
#: found.
COARSE_JPEG_QUALITY = 75.0


@dataclass
class JpegCoding:
    """What a JPEG file says of how it coded its colours.

    Attributes
    ----------
    tables : list of ndarray, shape (64,)
        Quantisation steps of each component (Y', Cb, Cr), natural (row-major) order.
    subsampling : list of tuple (int, int)
        Each component's subsampling (rows, columns): (1, 1) for luma, (2, 2) for 4:2:0
        chroma.
    path : str or None
        The file, to read its Y'CbCr planes as the decoder computes them
        (:meth:`decoded_ycbcr`).
    """

    tables: list
    subsampling: list
    path: str = None

    @property
    def channels(self) -> int:
        """Components coded (3 for a colour JPEG)."""
        return len(self.tables)

    def quality(self) -> float:
        """The quality (1-100) on the IJG scale (libjpeg, Pillow, Ghostscript, ImageMagick,
        Qt) whose luma table is nearest this file's: the median ratio of its steps to the
        standard table's, turned back through the IJG's scaling. Other encoders' tables give
        the IJG quality of the same coarseness."""
        ratio = float(np.median(self.tables[0] / IJG_LUMA_TABLE)) * 100.0
        if ratio <= 0:
            return 100.0
        quality = (200.0 - ratio) / 2.0 if ratio <= 100.0 else 5000.0 / ratio
        return float(min(max(quality, 1.0), 100.0))

    def decoded_ycbcr(self, shape) -> "np.ndarray | None":
        """The file's Y'CbCr as libjpeg decodes it, before its conversion to RGB.

        The RGB a decoder gives is that Y'CbCr converted, rounded and clipped to 0..255: a
        scale with saturated colours (a channel at or near 0 or 255: RdYlBu_r's ends and
        middle, magma's black, turbo) has a channel clipped in up to a third of its data
        pixels, wherever the JPEG's ringing overshoots, and Y'CbCr recomputed from them is
        off there by up to a level or more (and by a sixth of a level everywhere from the
        rounding). libjpeg's own Y'CbCr output (Pillow's draft mode) is the same decode
        without that conversion: its chroma upsampled the same way.

        Parameters
        ----------
        shape : tuple (rows, cols)
            The figure's, as read.

        Returns
        -------
        ndarray of uint8, shape (rows, cols, 3) or None
            None when the file cannot be read so again (moved, changed since: other tables
            or size, or its decoder gives no Y'CbCr): its cells are then read from its RGB.
        """
        import warnings

        from PIL import Image

        if not self.path:
            return None
        size = (shape[1], shape[0])
        try:
            with warnings.catch_warnings():
                # The figure was read already, within the plugin's own pixel limit.
                warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                with Image.open(self.path) as image:
                    again = jpeg_coding(image) if image.size == size else None
                    if not self._same_tables(again):
                        return None
                    image.draft("YCbCr", size)
                    if image.mode != "YCbCr":
                        return None
                    planes = _strips_copied(image)
        except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
            return None
        return planes if planes.shape == (shape[0], shape[1], 3) else None

    def _same_tables(self, other) -> bool:
        """Whether ``other`` (a JpegCoding or None) codes alike: a file changed since is not
        read again."""
        return (other is not None and other.subsampling == self.subsampling
                and len(other.tables) == len(self.tables)
                and all(np.array_equal(a, b) for a, b in zip(self.tables, other.tables)))

    def describe(self) -> str:
        """For the log: the luma table's DC step and the chroma subsampling."""
        names = {(1, 1): "4:4:4", (1, 2): "4:2:2", (2, 2): "4:2:0", (2, 1): "4:4:0"}
        chroma = names.get(tuple(self.subsampling[1]), "x".join(map(str, self.subsampling[1])))
        return f"luma DC step {self.tables[0][0]:g}, chroma {chroma}"


#: Pixels of Pillow's decoded image copied out at a time by :func:`_strips_copied`.
STRIP_PIXELS = 1 << 20


def _strips_copied(image) -> np.ndarray:
    """A 3-channel Pillow image's pixels as a (rows, cols, 3) uint8 array, copied a strip of
    rows at a time: ``np.asarray(image)`` went through one ``tobytes`` of the whole image,
    whose pieces and their joined copy (6 bytes a pixel) stood beside Pillow's own image (4
    bytes a pixel) at the peak of a JPEG's run; now only the result does. The same bytes."""
    image.load()
    cols, rows = image.size
    out = np.empty((rows, cols, 3), np.uint8)
    strip_rows = max(1, STRIP_PIXELS // max(cols, 1))
    for start in range(0, rows, strip_rows):
        stop = min(rows, start + strip_rows)
        strip = image.crop((0, start, cols, stop))
        out[start:stop] = np.frombuffer(strip.tobytes(), np.uint8).reshape(stop - start, cols, 3)
    return out


def jpeg_coding(image) -> "JpegCoding | None":
    """The quantisation tables and subsampling of an open Pillow JPEG in Y'CbCr, else None.

    None for anything but a baseline or progressive JPEG of three Y'CbCr components with
    subsampling of 1 or 2 (an Adobe JPEG stored as RGB or CMYK, a grey one, unusual sampling):
    its cells are read from their decoded pixels instead.
    """
    if getattr(image, "format", None) != "JPEG" or image.mode != "RGB":
        return None
    layers = getattr(image, "layer", None)
    tables = getattr(image, "quantization", None)
    if not layers or len(layers) != 3 or not tables:
        return None
    if image.info.get("adobe_transform") == 0:
        return None  # components stored as R, G, B
    most_h = max(layer[1] for layer in layers)
    most_v = max(layer[2] for layer in layers)
    subsampling = []
    for _, horizontal, vertical, _ in layers:
        if most_h % horizontal or most_v % vertical:
            return None
        subsampling.append((most_v // vertical, most_h // horizontal))
    if subsampling[0] != (1, 1) or any(max(factors) > 2 for factors in subsampling):
        return None
    try:
        steps = [np.asarray(tables[layer[3]], dtype=np.float64) for layer in layers]
    except KeyError:
        return None
    if any(step.size != BLOCK * BLOCK for step in steps):
        return None
    return JpegCoding(steps, subsampling, getattr(image, "filename", None) or None)

# Rows: Y', Cb, Cr (JFIF, 0..255 with chroma centred on 128) from R, G, B.
_RGB_TO_YCBCR = np.array([[0.299, 0.587, 0.114],
                          [-0.168736, -0.331264, 0.5],
                          [0.5, -0.418688, -0.081312]])


# libjpeg's fixed-point RGB -> Y'CbCr (jccolor.c): coefficients scaled by 2^16 and rounded.
_FIXED_BITS = 16
_FIXED_HALF = 1 << (_FIXED_BITS - 1)
_FIXED_RGB_TO_YCBCR = np.array([[0.29900, 0.58700, 0.11400],
                                [-0.16874, -0.33126, 0.50000],
                                [0.50000, -0.41869, -0.08131]])


def stored_ycbcr(rgb8) -> np.ndarray:
    """The integer Y'CbCr a libjpeg-based encoder stores for 8-bit RGB colours.

    libjpeg (and libjpeg-turbo, hence Pillow, ImageMagick, Ghostscript, Qt) converts each pixel
    in fixed point, ``(sum FIX(c) * channel + offset) >> 16`` with ``FIX(c) = round(c * 2^16)``:
    luma rounded half up, chroma offset by 128 and rounded with ties down. A cell drawn in one
    colour is stored as these integers (4:2:0 averages four equal samples back to the same
    integer).

    Parameters
    ----------
    rgb8 : ndarray of uint8, shape (..., 3)

    Returns
    -------
    ndarray of float64, shape (..., 3)
        Y', Cb, Cr as whole numbers 0..255.
    """
    rgb = np.asarray(rgb8).astype(np.int64)
    fixed = np.floor(_FIXED_RGB_TO_YCBCR * (1 << _FIXED_BITS) + 0.5).astype(np.int64)
    out = np.empty(rgb.shape, np.float64)
    offsets = (_FIXED_HALF, (128 << _FIXED_BITS) + _FIXED_HALF - 1,
               (128 << _FIXED_BITS) + _FIXED_HALF - 1)
    for channel in range(3):
        out[..., channel] = (rgb @ fixed[channel] + offsets[channel]) >> _FIXED_BITS
    return out


def dct_matrix(size=BLOCK) -> np.ndarray:
    """Orthonormal DCT-II matrix (rows: frequencies), the JPEG's transform along one axis."""
    k = np.arange(size)[:, None]
    n = np.arange(size)[None, :]
    matrix = np.cos(np.pi * (2 * n + 1) * k / (2 * size)) * np.sqrt(2.0 / size)
    matrix[0] /= np.sqrt(2.0)
    return matrix


def block_precision(table) -> np.ndarray:
    """Precision (inverse covariance) of a block's 64 pixels from one quantisation table.

    Parameters
    ----------
    table : array_like, shape (64,) or (8, 8)
        Quantisation steps in natural (row-major) order, as Pillow reports them.

    Returns
    -------
    ndarray, shape (64, 64)
        ``C^T diag(12 / q^2) C`` with ``C`` the 2-D orthonormal DCT: the rounding error of each
        coefficient is uniform over its step ``q``, variance ``q^2 / 12``.
    """
    steps = np.asarray(table, dtype=np.float64).reshape(BLOCK, BLOCK)
    one = dct_matrix()
    two = np.kron(one, one)  # coefficient (u, v) row u * 8 + v; pixels row-major
    weights = 12.0 / np.maximum(steps, 1.0).ravel() ** 2
    return two.T @ (weights[:, None] * two)


def rgb_to_ycbcr(rgb) -> np.ndarray:
    """JFIF Y'CbCr (float32, 0..255) of RGB uint8 colours, shape (..., 3)."""
    out = np.empty(rgb.shape, np.float32)
    for channel in range(3):
        out[..., channel] = ycbcr_channel(rgb, channel)
    return out


def ycbcr_channel(rgb, channel) -> np.ndarray:
    """One JFIF Y'CbCr channel (0 Y', 1 Cb, 2 Cr; float32, 0..255) of RGB uint8 colours."""
    row = _RGB_TO_YCBCR[channel].astype(np.float32)
    out = rgb[..., 0] * row[0]
    out += rgb[..., 1] * row[1]
    out += rgb[..., 2] * row[2]
    if channel:
        out += np.float32(128.0)
    return out


#: Stored chroma pixels made (averaged, or solved along a line) at a time: bounds the float
#: copies of the figure-sized chroma plane to a block's (the whole plane at once held some
#: 11 bytes a figure pixel: 40 MiB of a 4 MP JPEG's run).
CHROMA_BLOCK_PIXELS = 1 << 16


def _unblur_axis(plane, axis):
    """Undo the (1/8, 3/4, 1/8) blur along ``axis`` (edges replicated, as the decoder does).

    Lines a block at a time (each line's solution is its own: the same numbers), into a
    float64 plane: ``plane`` itself when it is one, else a new one.
    """
    n = plane.shape[axis]
    if n < 3:
        return plane
    bands = np.zeros((3, n))
    bands[0, 1:] = 1 / 8
    bands[1, :] = 3 / 4
    bands[2, :-1] = 1 / 8
    bands[1, 0] += 1 / 8
    bands[1, -1] += 1 / 8
    solved = plane if plane.dtype == np.float64 else np.empty(plane.shape, np.float64)
    moved, into = np.moveaxis(plane, axis, 0), np.moveaxis(solved, axis, 0)
    step = max(1, CHROMA_BLOCK_PIXELS // n)
    for first in range(0, moved.shape[1], step):
        lines = slice(first, first + step)
        into[:, lines] = solve_banded((1, 1), bands, moved[:, lines].astype(np.float64))
    return solved


def stored_chroma(chroma, factor_y, factor_x) -> np.ndarray:
    """A chroma channel as the JPEG stored it (subsampled), from the decoded full resolution.

    Parameters
    ----------
    chroma : ndarray, shape (rows, cols)
        Decoded chroma at the figure's resolution.
    factor_y, factor_x : int
        Subsampling (1 or 2) along each axis.
    """
    rows, cols = chroma.shape
    out_rows, out_cols = -(-rows // factor_y), -(-cols // factor_x)
    plane = np.empty((out_rows, out_cols), np.float32)
    # A block of stored rows at a time, edges replicated to whole blocks, as read and then
    # made float32 (the same means as of the whole plane).
    step = max(1, CHROMA_BLOCK_PIXELS // out_cols)
    for first in range(0, out_rows, step):
        last = min(out_rows, first + step)
        part = chroma[first * factor_y:last * factor_y]
        padded = np.pad(part, ((0, (last - first) * factor_y - part.shape[0]),
                               (0, out_cols * factor_x - cols)),
                        mode="edge").astype(np.float32, copy=False)
        plane[first:last] = padded.reshape(last - first, factor_y, out_cols,
                                           factor_x).mean(axis=(1, 3))
    if factor_y == 2:
        plane = _unblur_axis(plane, 0)
    if factor_x == 2:
        plane = _unblur_axis(plane, 1)
    return plane


def _axis_cells(n_pixels, origin, size, count):
    """Cell of each pixel (by its centre) along one axis, -1 outside the lattice or where the
    pixel's centre lies on a cell edge (within ``EDGE_TIE_PX``): the renderer's sub-pixel
    arithmetic gives such a pixel to either cell (matplotlib's pcolormesh gave two thirds of
    them to the right-hand one), so it is left free rather than modelled in the wrong one."""
    position = (np.arange(n_pixels) + 0.5 - origin) / size
    cell = np.floor(position).astype(np.int64)
    on_edge = np.abs(position - np.rint(position)) * size < EDGE_TIE_PX
    return np.where((cell >= 0) & (cell < count) & ~on_edge, cell, -1)


def _first_and_offset(cells):
    """First cell (of the lattice) in each block and each pixel's offset from it.

    Parameters
    ----------
    cells : ndarray of int, shape (blocks, span)
        Cell of each pixel along one axis, -1 outside the lattice.
    """
    inside = cells >= 0
    first = np.where(inside, cells, np.iinfo(np.int64).max).min(axis=1)
    first = np.where(inside.any(axis=1), first, 0)
    return first, np.where(inside, cells - first[:, None], 0)


class ChannelBlocks:
    """One channel's stored plane cut into the JPEG's blocks, with the cells each block shows.

    Parameters
    ----------
    plane : ndarray, shape (rows', cols')
        The channel as stored (subsampled by ``factor_y``, ``factor_x``).
    data : ndarray of bool, shape (rows, cols)
        Figure pixels that are data and inside the lattice.
    cell_row, cell_col : ndarray of int
        Cell of each figure row and column, -1 outside the lattice.
    shape : tuple (rows, columns)
        Cells of the lattice.
    table : array_like, shape (64,)
        The channel's quantisation table.
    factor_y, factor_x : int
        Subsampling of the channel along each axis.
    """

    def __init__(self, plane, data, cell_row, cell_col, shape, table, factor_y, factor_x):
        self.shape = shape
        self.precision = block_precision(table)
        self.covariance = np.linalg.inv(self.precision)
        span_y, span_x = BLOCK * factor_y, BLOCK * factor_x
        blocks_y = min(plane.shape[0] // BLOCK, data.shape[0] // span_y)
        blocks_x = min(plane.shape[1] // BLOCK, data.shape[1] // span_x)
        self.factors = (factor_y, factor_x)
        # A stored pixel is modelled when all the figure pixels it averages are data.
        stored = data[:blocks_y * span_y, :blocks_x * span_x].reshape(
            blocks_y, BLOCK, factor_y, blocks_x, BLOCK, factor_x).all(axis=(2, 5))
        self.observed = _in_block_order(stored, bool)
        del stored
        # The decoder's own 8-bit Y' stays 8-bit (a float32 copy of it was 4 bytes a figure
        # pixel beside the rest of the job: 15 MiB of a 4 MP run's peak); each chunk's pixels
        # are made float32 as they are used (:meth:`_pixels`), the same numbers.
        self.values = _in_block_order(
            plane[:blocks_y * BLOCK, :blocks_x * BLOCK].reshape(blocks_y, BLOCK, blocks_x, BLOCK),
            np.uint8 if plane.dtype == np.uint8 else np.float32)
        self.first_row, self.offset_row = _first_and_offset(
            cell_row[:blocks_y * span_y].reshape(blocks_y, span_y))
        self.first_col, self.offset_col = _first_and_offset(
            cell_col[:blocks_x * span_x].reshape(blocks_x, span_x))
        self.local_x = int(self.offset_col.max()) + 1
        self.local = (int(self.offset_row.max()) + 1) * self.local_x

    def _pixels(self, by, bx):
        """The stored pixels of blocks (``by``, ``bx``), float32: shape (n, 64)."""
        pixels = self.values[by, bx]
        return pixels.astype(np.float32) if pixels.dtype == np.uint8 else pixels

    def _chunks(self, chunk=CHUNK_BLOCKS):
        """Blocks holding data, in chunks: (block rows, block columns, observed (n, 64),
        fractions (n, 64, k): share of each stored pixel's figure pixels in each local cell,
        global cell of each local cell (n, k), whether it is one)."""
        by_all, bx_all = np.nonzero(self.observed.any(axis=2))
        factor_y, factor_x = self.factors
        sub, pixels, k = factor_y * factor_x, BLOCK * BLOCK, self.local
        for start in range(0, len(by_all), chunk):
            by, bx = by_all[start:start + chunk], bx_all[start:start + chunk]
            n = len(by)
            observed = self.observed[by, bx]
            local = (self.offset_row[by][:, :, None] * self.local_x
                     + self.offset_col[bx][:, None, :])
            local = local.reshape(n, BLOCK, factor_y, BLOCK, factor_x).transpose(0, 1, 3, 2, 4)
            local = local.reshape(n, pixels, sub)
            fractions = (local[..., None] == np.arange(k)).mean(axis=2) * observed[:, :, None]
            row = self.first_row[by][:, None] + np.arange(k)[None, :] // self.local_x
            col = self.first_col[bx][:, None] + np.arange(k)[None, :] % self.local_x
            valid = (row < self.shape[0]) & (col < self.shape[1]) & (fractions.sum(axis=1) > 0)
            cell = np.where(valid, row * self.shape[1] + col, 0)
            yield by, bx, observed, fractions, cell, valid

    def _apply_precision(self, observed, vectors):
        """Each block's marginal precision (:meth:`_marginal_precision`) times its vectors.

        Parameters
        ----------
        observed : ndarray of bool, shape (n, 64)
        vectors : ndarray, shape (n, 64, j)

        Returns
        -------
        products : ndarray, shape (n, 64, j)
        diagonal : ndarray, shape (n, 64)
            The precisions' diagonals.
        """
        products = np.matmul(self.precision, vectors)
        diagonal = np.broadcast_to(np.diag(self.precision), observed.shape).copy()
        partly = np.flatnonzero(~observed.all(axis=1))
        # MARGINAL_BLOCKS blocks at a time: each block's marginal precision is its own (the
        # same numbers whatever blocks it is computed with), and its 64 × 64 matrices and
        # their Schur complements' temporaries (some 130 kB a block) are a piece's only.
        for start in range(0, partly.size, MARGINAL_BLOCKS):
            piece = partly[start:start + MARGINAL_BLOCKS]
            precision = self._marginal_precision(observed[piece])
            products[piece] = np.matmul(precision, vectors[piece])
            diagonal[piece] = np.einsum("npp->np", precision)
            del precision
        return products, diagonal

    def _marginal_precision(self, observed):
        """Precision of each block's observed pixels, the others left free: (n, 64, 64), zero
        on the free pixels' rows and columns.

        With few free pixels ``m``, the Schur complement ``P - P[:, m] P[m, m]^-1 P[m, :]``;
        with few observed ones ``o``, the inverse of their covariance ``Σ[o, o]``: either way
        one small inverse a block (padded to the group's size with identity).
        """
        n, pixels = observed.shape
        result = np.empty((n, pixels, pixels))
        result[:] = self.precision
        hole = ~observed
        count = hole.sum(axis=1)
        # Free pixels first, each in its row's order.
        order = np.argsort(observed, axis=1, kind="stable")
        for low, high in ((1, 4), (5, 8), (9, 16), (17, 32)):
            group = np.flatnonzero((count >= low) & (count <= high))
            if group.size:
                result[group] = _schur(self.precision, order[group, :high], count[group])
        # Mostly free: the observed pixels come last in ``order``.
        for low, high in ((1, 4), (5, 8), (9, 16), (17, 31)):
            group = np.flatnonzero((pixels - count >= low) & (pixels - count <= high)
                                   & (count > 32))
            if group.size:
                result[group] = _observed_inverse(self.covariance, order[group, -high:],
                                                  pixels - count[group])
        result[count == pixels] = 0.0
        either = hole[:, :, None] | hole[:, None, :]
        result[either] = 0.0
        return result

    def normal_equations(self) -> tuple:
        """Normal matrix (sparse, n_cells²) and right-hand side of the cells' least squares."""
        n_cells = self.shape[0] * self.shape[1]
        right = np.zeros(n_cells)
        normal = sparse.csr_matrix((n_cells, n_cells))
        for by, bx, observed, fractions, cell, valid in self._chunks():
            seen = np.where(observed, self._pixels(by, bx), 0.0)
            # One product: the precision times each local cell's fractions and the pixels.
            stacked = np.concatenate([fractions, seen[:, :, None]], axis=2)
            products, _ = self._apply_precision(observed, stacked)
            gram = np.matmul(fractions.transpose(0, 2, 1), products[:, :, :-1])
            rhs = np.matmul(fractions.transpose(0, 2, 1), products[:, :, -1:])[:, :, 0]
            right += np.bincount(cell[valid], rhs[valid], n_cells)
            pair = valid[:, :, None] & valid[:, None, :]
            # Summed chunk by chunk: memory bounded by the cells' neighbours, not the blocks.
            normal = normal + sparse.coo_matrix(
                (gram[pair], (np.broadcast_to(cell[:, :, None], gram.shape)[pair],
                              np.broadcast_to(cell[:, None, :], gram.shape)[pair])),
                shape=(n_cells, n_cells)).tocsr()
        return normal, right

    def free_outliers(self, solution, limit) -> int:
        """Leave free the stored pixels the model does not explain; how many were freed.

        A pixel's conditional residual given the rest of its block, ``(P r)_i / P_ii``, has
        variance ``1 / P_ii`` under the quantisation model; where it exceeds ``limit`` standard
        deviations the pixel is something else than its cell (a thin line, a label's rim that
        decoded as data) and is left free from then on.
        """
        freed = 0
        filled = np.where(np.isfinite(solution), solution, 0.0)
        for by, bx, observed, fractions, cell, valid in self._chunks():
            model = np.matmul(fractions, np.where(valid, filled[cell], 0.0)[:, :, None])
            residual = np.where(observed[:, :, None], self._pixels(by, bx)[:, :, None] - model,
                                0.0)
            conditional, diagonal = self._apply_precision(observed, residual)
            conditional = conditional[:, :, 0]
            score = np.abs(conditional) / np.sqrt(np.maximum(diagonal, 1e-12))
            outlier = observed & (score > limit)
            if outlier.any():
                freed += int(outlier.sum())
                self.observed[by, bx] = observed & ~outlier
        return freed


def _in_block_order(pixels, dtype):
    """(blocks_y, 8, blocks_x, 8) pixels as (blocks_y, blocks_x, 64) of ``dtype``, each block's
    pixels row-major: written straight into the new array (converted element by element as
    ``astype`` does), no copy of the plane in another order or type beside it."""
    blocks_y, _, blocks_x, _ = pixels.shape
    out = np.empty((blocks_y, blocks_x, BLOCK, BLOCK), dtype)
    out[...] = pixels.transpose(0, 2, 1, 3)
    return out.reshape(blocks_y, blocks_x, BLOCK * BLOCK)


def _schur(precision, index, count):
    """Marginal precision with the first ``count`` of ``index`` (each row) left free."""
    n, size = index.shape
    real = np.arange(size)[None, :] < count[:, None]
    columns = precision[:, index].transpose(1, 0, 2) * real[:, None, :]  # (n, 64, size)
    inner = precision[index[:, :, None], index[:, None, :]]  # (n, size, size)
    padding = ~(real[:, :, None] & real[:, None, :])
    inner[padding] = 0.0
    inner += np.eye(size) * ~real[:, :, None]
    return precision - columns @ np.linalg.solve(inner, columns.transpose(0, 2, 1))


def _observed_inverse(covariance, index, count):
    """Marginal precision of the last ``count`` of ``index`` (each row), the rest free."""
    n, size = index.shape
    real = np.arange(size)[None, :] >= size - count[:, None]
    inner = covariance[index[:, :, None], index[:, None, :]]
    padding = ~(real[:, :, None] & real[:, None, :])
    inner[padding] = 0.0
    inner += np.eye(size) * ~real[:, :, None]
    small = np.linalg.inv(inner) * (real[:, :, None] & real[:, None, :])
    result = np.zeros((n,) + covariance.shape)
    rows = np.arange(n)[:, None, None]
    result[rows, index[:, :, None], index[:, None, :]] = small
    return result


def _solve(normal, right, prior, prior_weight, neighbour_prior):
    """Cells' least squares leaning on ``prior`` with ``prior_weight``; NaN where unknown.

    A cell the blocks see but that has no colour of its own (no interior data pixel) leans on
    ``neighbour_prior`` with a tenth of the weight: two such cells seen only through the same
    blocks (a 4:2:0 chroma block averages 2 × 2 pixels of both) are one unknown for two, and
    the system is singular without it. SuperLU then returns NaN for every cell of the channel
    or not depending on the BLAS's rounding (OpenBLAS's Haswell kernels did, its SkylakeX ones
    did not, on the same figure); with the pull the system is positive definite.
    """
    diagonal = normal.diagonal()
    known = np.isfinite(prior)
    orphan = ~known & (diagonal > 0) & np.isfinite(neighbour_prior)
    weight = np.where(known, prior_weight, np.where(orphan, NEIGHBOUR_PRIOR_SHARE * prior_weight,
                                                    0.0))
    anchor = np.where(known, prior, np.where(orphan, neighbour_prior, 0.0))
    right = right + weight * anchor
    diagonal = diagonal + weight
    solution = np.full(len(right), np.nan)
    index = np.flatnonzero(diagonal > 0)
    if index.size:
        system = (normal + sparse.diags(weight))[index][:, index].tocsc()
        solution[index] = spsolve(system, right[index])
    return solution, diagonal


def _neighbour_mean(prior, rows, columns):
    """Each cell's mean of the known priors among its eight neighbours and itself, per
    channel, shape (rows * columns, channels); where none is known, the channel's median."""
    from scipy.ndimage import uniform_filter

    grid = prior.reshape(rows, columns, -1)
    known = np.isfinite(grid)
    total = uniform_filter(np.where(known, grid, 0.0), size=(3, 3, 1), mode="constant")
    count = uniform_filter(known.astype(np.float64), size=(3, 3, 1), mode="constant")
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(count > 1e-9, total / np.maximum(count, 1e-9), np.nan)
    mean = mean.reshape(prior.shape)
    for channel in range(prior.shape[1]):
        column = mean[:, channel]
        if np.isfinite(prior[:, channel]).any():
            column[~np.isfinite(column)] = np.nanmedian(prior[:, channel])
    return mean


def cell_colours(rgb, data, lattice, coding, prior, prior_weight, outlier_limit=OUTLIER_SIGMAS,
                 rounds=OUTLIER_ROUNDS, ycbcr=None, overwrite_data=False) -> tuple:
    """Y'CbCr of each cell by weighted least squares over the JPEG's blocks.

    Parameters
    ----------
    rgb : ndarray of uint8, shape (rows, cols, 3)
        The figure as decoded: its Y'CbCr recomputed from it unless ``ycbcr`` is given.
    data : ndarray of bool, shape (rows, cols)
        Pixels that decoded as data.
    lattice : native_grid.Lattice
    coding : JpegCoding
    prior : ndarray, shape (n_cells, 3)
        Each cell's colour from its interior pixels (NaN where none); the estimate leans on it
        with ``prior_weight`` only where the blocks say little.
    prior_weight : ndarray, shape (n_cells, 3)
    outlier_limit : float
        Standard deviations beyond which a stored pixel is left free (``OUTLIER_SIGMAS``).
    rounds : int
        Rounds of freeing outliers and solving again.
    ycbcr : ndarray of uint8, shape (rows, cols, 3), optional
        The decoder's Y'CbCr (:meth:`JpegCoding.decoded_ycbcr`).
    overwrite_data : bool
        ``data`` may be narrowed in place to the lattice's pixels (no second mask of the
        figure, 1 byte a pixel, beside it).

    Returns
    -------
    colour : ndarray, shape (n_cells, 3)
        JFIF Y'CbCr (0..255) of each cell as stored, NaN where unknown.
    information : ndarray, shape (n_cells, 3)
        The normal matrix's diagonal per channel (precision of the estimate, 1 / level^2).
    freed : int
        Stored pixels left free as outliers.
    """
    rows, cols = data.shape
    freed = 0
    cell_row = _axis_cells(rows, lattice.origin_y, lattice.cell_height, lattice.rows)
    cell_col = _axis_cells(cols, lattice.origin_x, lattice.cell_width, lattice.columns)
    inside = data if overwrite_data else data.copy()
    inside &= cell_row[:, None] >= 0
    inside &= cell_col[None, :] >= 0
    n_cells = lattice.rows * lattice.columns
    colour = np.full((n_cells, 3), np.nan)
    information = np.zeros((n_cells, 3))
    neighbour_prior = _neighbour_mean(prior, lattice.rows, lattice.columns)
    for channel in range(coding.channels):
        factor_y, factor_x = coding.subsampling[channel]
        plane = ycbcr_channel(rgb, channel) if ycbcr is None else ycbcr[..., channel]
        if factor_y > 1 or factor_x > 1:
            plane = stored_chroma(plane, factor_y, factor_x)
        blocks = ChannelBlocks(plane, inside, cell_row, cell_col, (lattice.rows, lattice.columns),
                               coding.tables[channel], factor_y, factor_x)
        # The blocks hold the channel's pixels: its plane (a chroma plane's float64, 2 bytes a
        # figure pixel) is not kept through the solving.
        del plane
        for round_ in range(rounds + 1):
            normal, right = blocks.normal_equations()
            solution, diagonal = _solve(normal, right, prior[:, channel], prior_weight[:, channel],
                                        neighbour_prior[:, channel])
            if round_ == rounds:
                break
            newly = blocks.free_outliers(solution, outlier_limit)
            freed += newly
            if not newly:
                break
        colour[:, channel] = solution
        information[:, channel] = diagonal
        # This channel's blocks (2 to 5 bytes a stored pixel) let go before the next
        # channel's are made.
        del blocks
    return colour, information, freed


def _one_blas_thread():
    """BLAS on one thread: the products and inverses here are thousands of 64 × 64 ones, which
    a threaded BLAS spreads over cores at a loss (on the 2-core test machine under load, 10 s
    instead of 1 s for the 80 × 60 cells of the SST figure)."""
    import contextlib

    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # scikit-learn's dependency; without it, BLAS as configured
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def cell_values(rgb, values, lattice, box, coding, decoder) -> tuple:
    """Each cell's value from its colour estimated through the JPEG's blocks.

    Parameters
    ----------
    rgb : ndarray of uint8, shape (rows, cols, 3)
        The figure as decoded.
    values : ndarray of float, shape (rows, cols)
        The figure's decoded values, NaN where not data: only data pixels are modelled.
    lattice : native_grid.Lattice
    box : tuple (col0, row0, col1, row1)
        The plot area.
    coding : JpegCoding
    decoder : colour_decoding.ColourDecoder
        A continuous scale's decoder.

    Returns
    -------
    cell_value : ndarray of float64, shape (lattice.rows, lattice.columns)
        NaN where a cell has no data pixel.
    freed : int
        Stored pixels left free as not their cell's colour.
    """
    colour, information, freed, has_data = plot_area_cell_colours(rgb, values, lattice, box,
                                                                   coding)
    if decoder.knows_drawable_colours:
        # Weighed against the integer colours the encoder stored for each drawable colour.
        cell_value, _ = decoder.stored_colour_values(colour, information, stored_ycbcr)
    else:
        # Colours read off the figure: against the curve, its rounding counted as noise.
        weights = 1.0 / (1.0 / np.maximum(information, 1e-12) + ROUNDING_VARIANCE)
        cell_value = decoder.weighted_ycbcr_values(colour, weights)
    cell_value[~has_data] = np.nan
    return cell_value.reshape(lattice.rows, lattice.columns), freed


class _DataChannel:
    """One Y'CbCr channel of the figure as float32, NaN where not data, made a block at a time
    where it is read (``channel[np.ix_(rows, columns)]``, as :func:`native_grid.read_cells`
    reads its raster): the same numbers as the whole plane made at once, without its 4 bytes
    a figure pixel.

    Parameters
    ----------
    rgb : ndarray of uint8, shape (rows, cols, 3)
        The figure as decoded: the channel is computed from it when ``ycbcr`` is None.
    ycbcr : ndarray of uint8, shape (rows, cols, 3) or None
        The decoder's Y'CbCr (:meth:`JpegCoding.decoded_ycbcr`).
    channel : int
        0 Y', 1 Cb, 2 Cr.
    data : ndarray of bool, shape (rows, cols)
        Pixels that are data.
    """

    def __init__(self, rgb, ycbcr, channel, data):
        self.rgb, self.ycbcr, self.channel, self.data = rgb, ycbcr, channel, data
        self.shape, self.size = data.shape, data.size

    def __getitem__(self, index):
        if self.ycbcr is None:
            block = ycbcr_channel(self.rgb[index], self.channel)
        else:
            block = self.ycbcr[index + (self.channel,)].astype(np.float32)
        block[~self.data[index]] = np.nan
        return block


def plot_area_cell_colours(rgb, values, lattice, box, coding) -> tuple:
    """Each cell's stored Y'CbCr estimated through the JPEG's blocks from the data pixels of
    the plot area (:func:`cell_colours`), started from the cell's own pixels; the Y'CbCr read
    from the file as the decoder computes it where it can be (:meth:`JpegCoding.decoded_ycbcr`),
    else from the figure's RGB.

    Parameters
    ----------
    rgb : ndarray of uint8, shape (rows, cols, 3)
    values : ndarray of float, shape (rows, cols)
        NaN where not data.
    lattice : native_grid.Lattice
    box : tuple (col0, row0, col1, row1)
        The plot area, pixels.
    coding : JpegCoding

    Returns
    -------
    colour, information : ndarray of float64, shape (n_cells, 3)
        As :func:`cell_colours`.
    freed : int
    has_data : ndarray of bool, shape (n_cells,)
        Cells with a data pixel of their own.
    """
    from .native_grid import read_cells

    # The file decoded again first, before the data mask is made: its decoding holds Pillow's
    # image and its copy (7 bytes a figure pixel) for a moment, the job's peak on a JPEG.
    ycbcr = coding.decoded_ycbcr(values.shape)
    data = np.isfinite(values)
    # Only the plot area's pixels (no second figure-sized mask for it).
    col0, row0, col1, row1 = (int(round(v)) for v in box)
    for axis, (start, stop) in enumerate(((row0, row1), (col0, col1))):
        inside = range(data.shape[axis])[max(start, 0):stop]
        outside = ([slice(None)] if not inside else
                   [slice(None, inside.start), slice(inside.stop, None)])
        for part in outside:
            data[(slice(None),) * axis + (part,)] = False
    n_cells = lattice.rows * lattice.columns
    # Each cell's colour from its own interior (interquartile mean of each channel): only a
    # regulariser, for cells the blocks say nothing of (its pixels are in the blocks already).
    prior = np.full((n_cells, 3), np.nan)
    for channel in range(3):
        plane = _DataChannel(rgb, ycbcr, channel, data)
        prior[:, channel] = read_cells(plane, lattice, box, median_only=True,
                                       interquartile_mean=True).value.ravel()
    prior_weight = np.full((n_cells, 3), PRIOR_WEIGHT)
    with _one_blas_thread():
        colour, information, freed = cell_colours(rgb, data, lattice, coding, prior,
                                                  prior_weight, ycbcr=ycbcr, overwrite_data=True)
    return colour, information, freed, np.isfinite(prior).all(axis=1)
