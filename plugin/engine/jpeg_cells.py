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
precision of the pixels that are data. So are data pixels whose luma lies far from their
cell's interior (:func:`_free_far_from_cell`): a line's anti-aliased blend with the cell that
decoded as data.

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

The Gaussian treats each coefficient's rounding as noise; in truth the coefficient the encoder
computed lies in its step's interval. Where a cell's pixels lie in blocks whose pixels are all
modelled, its likeliest stored colours are re-coded there as libjpeg codes them (its integer DCT,
quantisation and 4:2:0 downsampling, :func:`libjpeg_coefficients`; bit for bit what Pillow's
libjpeg-turbo stores), each candidate's posterior scaled down by the steps its coefficients
leave the file's (:func:`consistent_values`). A neighbouring entry keeps every coefficient in
its interval in about half the cells (a one-level change of a 5.3 px cell moves a block's DC by
3-4 units of a step of 8), so this adds 0-2 points of cells within one resolution, not more.
The other cells a candidate is re-coded with are held at two guesses, the steps out averaged:
their likeliest colours, and colours searched for (iterated conditional modes) to fit the file
(:func:`searched_consistency_costs`; SST globe at 5.3 px, quality 75: 90.5 -> 90.9 %).

Each cell's value is then not the posterior mean over its candidates but the place on the scale
likeliest to lie within 1 % of the range of the truth, and (a tenth as much) within one
resolution (:func:`within_tolerance_choice`): at 5.3 px and quality 75 a cell's posterior is
often split between entries two or three apart, and the mean between them misses both by more
than a resolution (the SST globe: 88.3 -> 90.5 % of cells within one resolution, Pillow).

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
#: Each candidate colour's posterior is scaled by exp(-this × the quantisation steps by which
#: it puts the blocks it touches out of the file's (:func:`consistent_values`). Measured on 16
#: cached figures (``bench/jpeg_cells_consistency.py``): 0.5, 1 and 2 all gained or held
#: everywhere; 1 gained most over them (keeping only the most consistent lost 1-3 points on
#: ImageMagick's files, whose DCT is not libjpeg's integer one).
CONSISTENCY_WEIGHT = 1.0
#: Stored colours weighed per cell by their consistency with the blocks: the likeliest under
#: the blocks' Gaussian estimate (7 held the cells within one resolution of all of them).
CONSISTENCY_CANDIDATES = 7
#: The accuracy a decoded value is held to: within 1 % of the scale's range (fraction).
ACCURACY_FRACTION = 0.01
#: How much more a cell's value being within ``ACCURACY_FRACTION`` of the truth counts than
#: its being within one resolution, when the value is chosen from the cell's posterior
#: (:func:`within_tolerance_choice`). Measured on the cached figures of
#: ``bench/jpeg_cells_accuracy.py``: the posterior mean, or 1 (the value likeliest within one
#: resolution, near enough), lost up to 0.9 point of the cells within 1 % on the SST globe at
#: quality 75; 10 kept those within 1 % at the mean's or above while adding 1.4-2.9 points
#: within one resolution (5 and 3 lost 0.1-0.3 point within 1 %).
ACCURACY_IMPORTANCE = 10.0
#: The other cells' colours the consistency is also measured with are searched for
#: (:func:`searched_consistency_costs`): each round moves the cells that gain most in their
#: neighbourhood to their best candidate under the Gaussian posterior and this many times the
#: steps out, at most ``CONSISTENCY_ROUNDS`` rounds. Measured on six cached figures of
#: ``bench/jpeg_cells_accuracy.py`` (search weight 1, 3, 10; final weight 1 or 3): 3 in the
#: search and ``CONSISTENCY_WEIGHT`` = 1 in the final weighing gained most on the SST globes at
#: 5.3 px without losing on GMT's; a final weight of 3 gained more on the globes but lost
#: cells on GMT's.
SEARCH_WEIGHT = 3.0
#: Rounds of that search at most: on the SST globe at 5.3 px and quality 75 the moved cells fall
#: 175, 116, 83, 39, 15, 6 and the share within one resolution holds from the fourth round.
CONSISTENCY_ROUNDS = 8
#: A data pixel whose luma lies more than this many levels from its cell's interior luma is
#: not the cell's colour (a line's anti-aliased blend that decoded as data) and is left free
#: before the least squares (:func:`_free_far_from_cell`), or more than ``INK_DC_STEPS`` luma
#: DC steps where those are larger (:func:`ink_luma_limit`). Measured on the cached figures of
#: ``bench/jpeg_cells_accuracy.py`` (cells within one resolution): 15 levels lost 0.1-0.2
#: point on the SST globes at quality 75 against 25; 25 gained 1.6 points on GMT's 4 px globe
#: and 0.7-1.0 on its ImageMagick Pacific, but lost 16 cells of 11,531 on the RdYlBu_r globe
#: at quality 50 (DC step 16: the ringing of its cells' edges reaches 25 levels), where 40
#: levels gained 2.
INK_LUMA_LEVELS = 25.0
INK_DC_STEPS = 2.5
#: Figure pixels judged at a time by :func:`_free_far_from_cell`.
INK_STRIP_PIXELS = 1 << 18
#: Blocks re-coded at once by :func:`consistent_values` (temporaries of some 6 kB a luma block,
#: four times that a 4:2:0 chroma block, of which a quarter as many at once: some 12 MiB).
CONSISTENCY_CHUNK = 2048


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
        planes = self._reread_ycbcr(shape, (shape[1], shape[0]), slice(None))
        return planes if planes is not None and planes.shape == (shape[0], shape[1], 3) else None

    def decoded_stored_chroma(self, shape) -> "np.ndarray | None":
        """The file's 4:2:0 chroma planes as the decoder computes them at their own size.

        Decoding at half scale, libjpeg gives each chroma block its 8 × 8 samples straight from
        the block's inverse DCT, with no upsampling: the coefficients the encoder stored come
        back from them by a forward DCT to within the decoder's rounding.

        Parameters
        ----------
        shape : tuple (rows, cols)
            The figure's, as read.

        Returns
        -------
        ndarray of uint8, shape (ceil(rows / 2), ceil(cols / 2), 2) or None
            Cb and Cr; None when the chroma is not 4:2:0 or the file cannot be read so again.
        """
        if any(tuple(s) != (2, 2) for s in self.subsampling[1:]):
            return None
        rows, cols = shape
        half = (-(-rows // 2), -(-cols // 2))
        return self._reread_ycbcr(shape, (cols // 2, rows // 2), slice(1, 3), (half[1], half[0]))

    def _reread_ycbcr(self, shape, draft_size, channels, expected_size=None) -> "np.ndarray | None":
        """The file read again through libjpeg's own Y'CbCr output (Pillow's draft mode).

        Parameters
        ----------
        shape : tuple (rows, cols)
            The figure's, as read first.
        draft_size : tuple (cols, rows)
            The size asked of the decoder: the figure's, or half of it for chroma at its own
            (4:2:0) size.
        channels : slice
            The Y'CbCr channels copied.
        expected_size : tuple (cols, rows) or None
            The decoded size required, when it is not simply the figure's.

        Returns
        -------
        ndarray of uint8 or None
            None when the file cannot be read so again (moved, or changed since: other size or
            tables, or its decoder gives no Y'CbCr).
        """
        import warnings

        from PIL import Image

        if not self.path:
            return None
        try:
            with warnings.catch_warnings():
                # The figure was read already, within the plugin's own pixel limit.
                warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                with Image.open(self.path) as image:
                    again = jpeg_coding(image) if image.size == (shape[1], shape[0]) else None
                    if not self._same_tables(again):
                        return None
                    image.draft("YCbCr", draft_size)
                    if image.mode != "YCbCr" or (expected_size and image.size != expected_size):
                        return None
                    return _strips_copied(image, channels)
        except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
            return None

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


def _strips_copied(image, channels=slice(None)) -> np.ndarray:
    """A 3-channel Pillow image's pixels as a (rows, cols, 3) uint8 array, copied a strip of
    rows at a time: ``np.asarray(image)`` went through one ``tobytes`` of the whole image,
    whose pieces and their joined copy (6 bytes a pixel) stood beside Pillow's own image (4
    bytes a pixel) at the peak of a JPEG's run; now only the result does. The same bytes.
    ``channels`` (a slice) keeps only those channels."""
    image.load()
    cols, rows = image.size
    out = np.empty((rows, cols, len(range(3)[channels])), np.uint8)
    strip_rows = max(1, STRIP_PIXELS // max(cols, 1))
    for start in range(0, rows, strip_rows):
        stop = min(rows, start + strip_rows)
        strip = image.crop((0, start, cols, stop))
        out[start:stop] = np.frombuffer(strip.tobytes(), np.uint8).reshape(
            stop - start, cols, 3)[..., channels]
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


def block_dct_matrix() -> np.ndarray:
    """The 2-D orthonormal DCT of an 8 × 8 block as a (64, 64) matrix acting on its pixels in
    row-major order: coefficient (u, v) is row u * 8 + v (natural order, as the quantisation
    tables are given)."""
    one = dct_matrix()
    return np.kron(one, one)


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
    two = block_dct_matrix()
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


# libjpeg's integer forward DCT (jfdctint.c, JDCT_ISLOW: the default of libjpeg and
# libjpeg-turbo, hence of Pillow, Qt, Ghostscript): 13-bit fixed-point constants, two more bits
# kept between the row and the column pass.
_ISLOW_CONST_BITS, _ISLOW_PASS1_BITS = 13, 2
_ISLOW = dict(c0298=2446, c0390=3196, c0541=4433, c0765=6270, c0899=7373, c1175=9633,
              c1501=12299, c1847=15137, c1961=16069, c2053=16819, c2562=20995, c3072=25172)


def _descale(x, bits):
    """libjpeg's DESCALE: divide by 2^bits, rounding half up."""
    return (x + (1 << (bits - 1))) >> bits


def _islow_pass(d, first):
    """One pass of jpeg_fdct_islow along the last axis (int32, as libjpeg's INT32)."""
    d0, d1, d2, d3, d4, d5, d6, d7 = (d[..., i] for i in range(BLOCK))
    tmp0, tmp7, tmp1, tmp6 = d0 + d7, d0 - d7, d1 + d6, d1 - d6
    tmp2, tmp5, tmp3, tmp4 = d2 + d5, d2 - d5, d3 + d4, d3 - d4
    tmp10, tmp13, tmp11, tmp12 = tmp0 + tmp3, tmp0 - tmp3, tmp1 + tmp2, tmp1 - tmp2
    out = [None] * BLOCK
    if first:
        out[0] = (tmp10 + tmp11) << _ISLOW_PASS1_BITS
        out[4] = (tmp10 - tmp11) << _ISLOW_PASS1_BITS
        bits = _ISLOW_CONST_BITS - _ISLOW_PASS1_BITS
    else:
        out[0] = _descale(tmp10 + tmp11, _ISLOW_PASS1_BITS)
        out[4] = _descale(tmp10 - tmp11, _ISLOW_PASS1_BITS)
        bits = _ISLOW_CONST_BITS + _ISLOW_PASS1_BITS
    z1 = (tmp12 + tmp13) * _ISLOW["c0541"]
    out[2] = _descale(z1 + tmp13 * _ISLOW["c0765"], bits)
    out[6] = _descale(z1 - tmp12 * _ISLOW["c1847"], bits)
    z1, z2, z3, z4 = tmp4 + tmp7, tmp5 + tmp6, tmp4 + tmp6, tmp5 + tmp7
    z5 = (z3 + z4) * _ISLOW["c1175"]
    tmp4, tmp5 = tmp4 * _ISLOW["c0298"], tmp5 * _ISLOW["c2053"]
    tmp6, tmp7 = tmp6 * _ISLOW["c3072"], tmp7 * _ISLOW["c1501"]
    z1, z2 = -z1 * _ISLOW["c0899"], -z2 * _ISLOW["c2562"]
    z3, z4 = -z3 * _ISLOW["c1961"] + z5, -z4 * _ISLOW["c0390"] + z5
    out[7] = _descale(tmp4 + z1 + z3, bits)
    out[5] = _descale(tmp5 + z2 + z4, bits)
    out[3] = _descale(tmp6 + z2 + z3, bits)
    out[1] = _descale(tmp7 + z1 + z4, bits)
    return np.stack(out, axis=-1)


def libjpeg_coefficients(samples, table) -> np.ndarray:
    """Quantised DCT coefficients of 8 × 8 blocks of 8-bit samples, as libjpeg codes them.

    jpeg_fdct_islow (its output 8 times the orthonormal DCT's), then each coefficient divided
    by 8 times its step and rounded half away from zero (jcdctmgr.c): bit for bit what
    libjpeg-turbo stores for these samples (tested against Pillow's files).

    Parameters
    ----------
    samples : ndarray of int, shape (..., 8, 8)
        0..255.
    table : array_like, shape (64,)
        Quantisation steps, natural order.

    Returns
    -------
    ndarray of int64, shape (..., 64)
        Natural (row-major) order.
    """
    # 32-bit as libjpeg computes (its INT32): no intermediate exceeds it for 8-bit samples.
    x = np.asarray(samples).astype(np.int32) - np.int32(128)
    x = _islow_pass(x, True)
    x = np.swapaxes(_islow_pass(np.swapaxes(x, -1, -2), False), -1, -2)
    coefficients = x.reshape(x.shape[:-2] + (BLOCK * BLOCK,)).astype(np.int64)
    divisor = np.asarray(table).astype(np.int64) << 3
    return np.sign(coefficients) * ((np.abs(coefficients) + (divisor >> 1)) // divisor)


def _h2v2_downsampled(samples) -> np.ndarray:
    """libjpeg's 4:2:0 downsampling (jcsample.c, h2v2_downsample) of (..., 16, 16) integer
    samples: each 2 × 2 sum plus a bias of 1 and 2 alternately along the row (1 at its even
    columns, as a block's first is), shifted down by 2."""
    # The four samples of each 2 × 2 added as strided views: the same integers as a sum over
    # two axes of the reshaped block, several times faster for small blocks.
    total = (samples[..., 0::2, 0::2] + samples[..., 0::2, 1::2]
             + samples[..., 1::2, 0::2] + samples[..., 1::2, 1::2])
    return (total + np.array([1, 2] * (BLOCK // 2))) >> 2


#: Largest magnitude kept of a block's AC coefficients (in steps), stored as int8: a strong
#: edge at fine steps can exceed it; the re-coded coefficients are saturated alike
#: (:func:`saturated`), so that such a coefficient counts for no candidate.
AC_LIMIT = 127


def saturated(coefficients) -> np.ndarray:
    """Quantised coefficients (..., 64) as :class:`FullBlocks` keeps them: the DC within int16,
    the AC within ±``AC_LIMIT``."""
    out = np.clip(coefficients, -AC_LIMIT, AC_LIMIT)
    out[..., 0] = np.clip(np.asarray(coefficients)[..., 0], -32768, 32767)
    return out


@dataclass
class FullBlocks:
    """One channel's blocks all of whose figure pixels are modelled data, with the file's
    quantised coefficients there.

    Attributes
    ----------
    channel : int
        0 Y', 1 Cb, 2 Cr.
    factor : int
        Figure pixels per stored sample along each axis (1, or 2 for 4:2:0 chroma).
    top, left : ndarray of int64, shape (n,)
        Each block's first figure row and column.
    dc : ndarray of int16, shape (n,)
        The file's quantised DC coefficient of each block.
    ac : ndarray of int8, shape (n, 63)
        Its AC coefficients (natural order), saturated at ±``AC_LIMIT``: a byte each, not the
        two of int16 (6 MiB of a 4 MP JPEG's run).
    table : ndarray, shape (64,)
        The channel's quantisation steps.
    """

    channel: int
    factor: int
    top: np.ndarray
    left: np.ndarray
    dc: np.ndarray
    ac: np.ndarray
    table: np.ndarray

    @property
    def coefficients(self) -> np.ndarray:
        """The kept coefficients, int64, shape (n, 64) (:func:`saturated`)."""
        return np.concatenate([self.dc[:, None], self.ac], axis=1).astype(np.int64)

    def misses(self, coded, index) -> np.ndarray:
        """Steps by which coefficients ``coded`` (k, 64) of blocks ``index`` (k,) leave the
        file's, summed over each block."""
        coded = saturated(coded)
        return (np.abs(coded[:, 0] - self.dc[index])
                + np.abs(coded[:, 1:] - self.ac[index]).sum(axis=1))


def full_blocks(plane, inside, channel, factor, table) -> "FullBlocks | None":
    """The blocks of a stored channel whose figure pixels are all in ``inside``, and the file's
    coefficients there (the decoded samples' orthonormal DCT over the steps, rounded: the
    decoder's rounding moves a coefficient by a few hundredths of a step).

    Parameters
    ----------
    plane : ndarray of uint8, shape (rows', cols')
        The channel as decoded at its own (stored) resolution.
    inside : ndarray of bool, shape (rows, cols)
        Figure pixels modelled as their cell's colour.
    channel : int
    factor : int
        Subsampling along each axis (1 or 2; the same along both).
    table : array_like, shape (64,)

    Returns
    -------
    FullBlocks or None
        None when no block is full.
    """
    span = BLOCK * factor
    blocks_y = min(plane.shape[0] // BLOCK, inside.shape[0] // span)
    blocks_x = min(plane.shape[1] // BLOCK, inside.shape[1] // span)
    if blocks_y < 1 or blocks_x < 1:
        return None
    full = inside[:blocks_y * span, :blocks_x * span].reshape(
        blocks_y, span, blocks_x, span).all(axis=(1, 3))
    by, bx = np.nonzero(full)
    if not by.size:
        return None
    table = np.asarray(table, dtype=np.float64)
    transform = block_dct_matrix()
    dc = np.empty(by.size, np.int16)
    ac = np.empty((by.size, BLOCK * BLOCK - 1), np.int8)
    step = np.arange(BLOCK)
    for start in range(0, by.size, CONSISTENCY_CHUNK):
        rows = by[start:start + CONSISTENCY_CHUNK, None, None] * BLOCK + step[None, :, None]
        cols = bx[start:start + CONSISTENCY_CHUNK, None, None] * BLOCK + step[None, None, :]
        samples = plane[rows, cols].reshape(-1, BLOCK * BLOCK).astype(np.float64) - 128.0
        kept = saturated(np.rint((samples @ transform.T) / table))
        dc[start:start + CONSISTENCY_CHUNK] = kept[:, 0]
        ac[start:start + CONSISTENCY_CHUNK] = kept[:, 1:]
    return FullBlocks(channel, factor, by.astype(np.int64) * span, bx.astype(np.int64) * span,
                      dc, ac, table)


def coded_full_blocks(ycbcr, inside, coding) -> list:
    """Each channel's :class:`FullBlocks` that can be re-coded exactly: luma always, chroma when
    it is not subsampled or is 4:2:0 and the file gives its planes at their own size
    (:meth:`JpegCoding.decoded_stored_chroma`).

    Parameters
    ----------
    ycbcr : list holding one ndarray of uint8, shape (rows, cols, 3)
        The decoder's own Y'CbCr (:meth:`JpegCoding.decoded_ycbcr`), in a list that is
        emptied once its blocks are read: the caller's reference let go, its 3 bytes a figure
        pixel are free before the file's 4:2:0 chroma is decoded again.
    inside : ndarray of bool, shape (rows, cols)
        Figure pixels modelled as their cell's colour.
    coding : JpegCoding

    Returns
    -------
    list of FullBlocks
    """
    planes = ycbcr.pop()
    found = [full_blocks(planes[..., 0], inside, 0, 1, coding.tables[0])]
    subsampling = [tuple(s) for s in coding.subsampling[1:]]
    if all(s == (1, 1) for s in subsampling):
        found += [full_blocks(planes[..., c], inside, c, 1, coding.tables[c]) for c in (1, 2)]
    del planes
    if all(s == (2, 2) for s in subsampling):
        chroma = coding.decoded_stored_chroma(inside.shape)
        if chroma is not None:
            found += [full_blocks(chroma[..., c - 1], inside, c, 2, coding.tables[c])
                      for c in (1, 2)]
    return [blocks for blocks in found if blocks is not None]


def _likeliest_stored(colour, information, stored, log_prior, count, chunk=512):
    """Each cell's ``count`` likeliest stored colours under its Gaussian estimate (as
    :meth:`colour_decoding.CurveMatcher.stored_colour_values` weighs them) and their negative
    log posteriors (up to a constant), shapes (n_cells, count)."""
    filled = np.where(np.isfinite(colour), colour, 128.0)
    weight = np.where(np.isfinite(information), information, 0.0)
    top = np.empty((len(colour), count), np.int64)
    negative = np.empty((len(colour), count))
    stored = np.asarray(stored, np.float64)
    for start in range(0, len(colour), chunk):
        part = slice(start, start + chunk)
        # The three channels' terms added in turn, as a sum over the last axis of three adds
        # them (the same numbers), without the (chunk, colours, 3) temporaries.
        total = None
        for channel in range(stored.shape[1]):
            term = filled[part, channel, None] - stored[None, :, channel]
            term *= term
            term *= weight[part, channel, None]
            total = term if total is None else np.add(total, term, out=total)
        cost = 0.5 * total - log_prior
        best = np.argpartition(cost, count - 1, axis=1)[:, :count] if count < stored.shape[0] \
            else np.broadcast_to(np.arange(count), cost.shape)
        best_cost = np.take_along_axis(cost, best, 1)
        order = np.argsort(best_cost, axis=1, kind="stable")
        top[part] = np.take_along_axis(best, order, 1)
        negative[part] = np.take_along_axis(best_cost, order, 1)
    return top, negative


def _block_cells(blocks, cell_row, cell_col, start, stop):
    """Rows and columns of the cells under blocks ``start:stop``: (n, span) each."""
    span = BLOCK * blocks.factor
    step = np.arange(span)
    return (cell_row[blocks.top[start:stop, None] + step[None, :]],
            cell_col[blocks.left[start:stop, None] + step[None, :]])


def consistency_costs(blocks_list, cell_row, cell_col, columns, stored, candidates,
                      wanted=None) -> np.ndarray:
    """Steps by which each cell's candidate colours put the full blocks it touches out of the
    file's coefficients, the other cells at their first candidate.

    Parameters
    ----------
    blocks_list : list of FullBlocks
    cell_row, cell_col : ndarray of int
        Cell of each figure row and column (every pixel of a full block has one).
    columns : int
        Cells along a row of the lattice.
    stored : ndarray, shape (m, 3)
        Integer Y'CbCr of the drawable colours.
    candidates : ndarray of int, shape (n_cells, k)
        Each cell's candidates (indices into ``stored``), the first its likeliest.
    wanted : ndarray of bool, shape (n_cells,), optional
        Only these cells' candidates are re-coded (the others' costs are left zero).

    Returns
    -------
    cost : ndarray of float64, shape (n_cells, k)
        Summed absolute differences of the quantised coefficients (in steps) over the blocks a
        cell's pixels lie in; zero for a cell in no full block.
    touched : ndarray of bool, shape (n_cells,)
        Cells with a pixel in a full block.
    """
    n_cells, count = candidates.shape
    stored = np.asarray(stored).astype(np.int32)
    cost = np.zeros((n_cells, count))
    touched = np.zeros(n_cells, bool)
    for blocks in blocks_list:
        channel = blocks.channel
        assigned = stored[candidates[:, 0], channel]
        options = stored[candidates, channel]
        chunk = max(1, CONSISTENCY_CHUNK // blocks.factor ** 2)
        for start in range(0, len(blocks.top), chunk):
            stop = min(start + chunk, len(blocks.top))
            rows, cols = _block_cells(blocks, cell_row, cell_col, start, stop)
            cells = rows[:, :, None] * columns + cols[:, None, :]
            touched[cells.ravel()] = True
            base = assigned[cells]
            # Each distinct cell of each block, tried with each of its candidates in turn.
            flat = cells.reshape(len(cells), -1)
            order = np.sort(flat, axis=1)
            distinct = np.concatenate([np.ones((len(cells), 1), bool),
                                       order[:, 1:] != order[:, :-1]], axis=1)
            block_index, position = np.nonzero(distinct)
            cell = order[block_index, position]
            if wanted is not None:
                block_index, cell = block_index[wanted[cell]], cell[wanted[cell]]
            # Each block as its cells' likeliest colours code it; a cell's candidate of the
            # same level in this channel changes nothing.
            samples = base if blocks.factor == 1 else _h2v2_downsampled(base)
            base_miss = blocks.misses(libjpeg_coefficients(samples, blocks.table),
                                      np.arange(start, stop))
            # A block with each of its cells in turn, CONSISTENCY_CHUNK at a time.
            for first in range(0, len(cell), CONSISTENCY_CHUNK):
                which = block_index[first:first + CONSISTENCY_CHUNK]
                changed = cell[first:first + CONSISTENCY_CHUNK]
                levels = options[changed]
                # A candidate whose level in this channel an earlier candidate of the cell
                # already had codes the block alike: its misses are copied, not re-coded.
                earlier = levels[:, None, :] == levels[:, :, None]
                earlier &= np.tri(count, k=-1, dtype=bool)[None]
                repeat_of = np.where(earlier.any(axis=2), earlier.argmax(axis=2), -1)
                misses = np.empty((len(changed), count))
                for option in range(count):
                    level = levels[:, option]
                    miss = base_miss[which].astype(np.float64)
                    again = repeat_of[:, option] >= 0
                    miss[again] = misses[again, repeat_of[again, option]]
                    differs = np.flatnonzero((level != assigned[changed]) & ~again)
                    if differs.size:
                        own = cells[which[differs]] == changed[differs, None, None]
                        samples = np.where(own, level[differs, None, None],
                                           base[which[differs]])
                        if blocks.factor == 2:
                            samples = _h2v2_downsampled(samples)
                        coded = libjpeg_coefficients(samples, blocks.table)
                        miss[differs] = blocks.misses(coded, start + which[differs])
                    misses[:, option] = miss
                    cost[:, option] += np.bincount(changed, miss, n_cells)
    return cost, touched


def _blocks_showing(blocks, cell_row, cell_col, columns, cells) -> tuple:
    """The blocks of ``blocks`` that show any of the marked ``cells`` (bool, n_cells), or None,
    and the cells those blocks show (bool, n_cells)."""
    keep = np.zeros(len(blocks.top), bool)
    shown_by_kept = np.zeros(len(cells), bool)
    chunk = max(1, CONSISTENCY_CHUNK // blocks.factor ** 2)
    for start in range(0, len(blocks.top), chunk):
        stop = min(start + chunk, len(blocks.top))
        rows, cols = _block_cells(blocks, cell_row, cell_col, start, stop)
        shown = (rows[:, :, None] * columns + cols[:, None, :]).reshape(stop - start, -1)
        hit = cells[shown].any(axis=1)
        keep[start:stop] = hit
        shown_by_kept[shown[hit]] = True
    if not keep.any():
        return None, shown_by_kept
    return FullBlocks(blocks.channel, blocks.factor, blocks.top[keep], blocks.left[keep],
                      blocks.dc[keep], blocks.ac[keep], blocks.table), shown_by_kept


def searched_consistency_costs(blocks_list, cell_row, cell_col, lattice, stored, candidates,
                               negative) -> np.ndarray:
    """Steps by which each cell's candidate colours put the full blocks it touches out of the
    file's coefficients, the other cells at colours searched for to fit the file.

    :func:`consistency_costs` holds the other cells at their likeliest colour under the blocks'
    Gaussian, wrong in a tenth of the cells of a 5.3 px lattice at quality 75, where a luma
    block shows 4-9 cells: most blocks then hold a wrong neighbour, and the steps a candidate
    is charged are partly that neighbour's. Here the cells are first moved, by iterated
    conditional modes, towards colours that code to the file: each round every cell's
    candidates are scored by their negative log posterior plus ``SEARCH_WEIGHT`` times their
    steps out, and the cells whose gain is the largest among the cells within a block's reach
    of them move to their best candidate (no two cells sharing a block move at once, so the
    total never rises by their moves' interplay); the cells whose blocks changed are scored
    again, until none gains or after ``CONSISTENCY_ROUNDS`` rounds. On the SST globe at 5.3 px
    and quality 75 (Pillow) the true colours leave 23 steps out of 20,000 blocks' coefficients,
    the likeliest colours 1,131 and the search's about 220; the search's are not the truth (many
    figures code nearly as well: 91 % of its cells' likeliest are within one resolution), so
    its state is one more guess of the neighbours that each cell's candidates are weighed
    with, beside the likeliest colours.

    Parameters
    ----------
    blocks_list : list of FullBlocks
    cell_row, cell_col : ndarray of int
        Cell of each figure row and column.
    lattice : native_grid.Lattice
    stored : ndarray, shape (m, 3)
        Integer Y'CbCr of the drawable colours.
    candidates : ndarray of int, shape (n_cells, k)
        Each cell's candidates (indices into ``stored``), the first its likeliest.
    negative : ndarray, shape (n_cells, k)
        Their negative log posteriors under the Gaussian (any offset per cell).

    Returns
    -------
    likeliest : ndarray of float64, shape (n_cells, k)
        :func:`consistency_costs`: the other cells at their likeliest colours.
    searched : ndarray of float64, shape (n_cells, k)
        The same, the other cells at the searched colours.
    """
    from scipy.ndimage import maximum_filter

    n_cells, count = candidates.shape
    shape = (lattice.rows, lattice.columns)
    # Cells that can share a block: within a block's span (16 px for 4:2:0 chroma) of cells.
    span = BLOCK * max([blocks.factor for blocks in blocks_list] + [1])
    reach = int(np.ceil(span / min(lattice.cell_width, lattice.cell_height)))
    window = np.ones((2 * reach + 1, 2 * reach + 1), bool)
    # Ties between equal gains go to the lower cell index, the same on every machine.
    tie = np.arange(n_cells)[::-1] * (1e-9 / n_cells)
    every = np.arange(n_cells)
    current = np.zeros(n_cells, np.int64)

    def costs_at(current, cells, chosen):
        # Each cell's candidates in order with its current colour first: the others are held
        # at their first.
        order = np.argsort(np.arange(count)[None, :] != current[:, None], axis=1, kind="stable")
        cost, touched = consistency_costs(chosen, cell_row, cell_col, lattice.columns, stored,
                                          np.take_along_axis(candidates, order, 1), cells)
        back = np.empty_like(cost)
        np.put_along_axis(back, order, cost, 1)
        return back, touched

    cost, touched = costs_at(current, None, blocks_list)
    likeliest = cost.copy()
    for _ in range(CONSISTENCY_ROUNDS):
        energy = negative + SEARCH_WEIGHT * cost
        best = energy.argmin(axis=1)
        gain = energy[every, current] - energy[every, best]
        ranked = np.where(touched & (gain > 1e-9), gain + tie, -1.0).reshape(shape)
        moved = ((ranked >= maximum_filter(ranked, footprint=window, mode="constant",
                                           cval=-1.0)) & (ranked > 0)).ravel()
        if not moved.any():
            break
        current[moved] = best[moved]
        # Scored again: the cells sharing a block with a moved cell, over all their blocks.
        again = np.zeros(n_cells, bool)
        for blocks in blocks_list:
            again |= _blocks_showing(blocks, cell_row, cell_col, lattice.columns, moved)[1]
        chosen = [found for found, _ in (
            _blocks_showing(blocks, cell_row, cell_col, lattice.columns, again)
            for blocks in blocks_list) if found is not None]
        fresh, _ = costs_at(current, again, chosen)
        cost[again] = fresh[again]
    return likeliest, cost


def within_tolerance_choice(fraction, weight, width, tolerances, importance,
                            chunk=CONSISTENCY_CHUNK) -> np.ndarray:
    """The place on the scale that best meets the given tolerances of the truth, under each
    cell's posterior over a few candidate colours.

    The truth under a candidate is uniform over the places the renderer draws in its colour
    (its share of the scale, ``width``, around its mean place). Each place tried scores the
    posterior probability of lying within each tolerance of the truth, times that
    tolerance's importance, summed. Tried: each candidate's place, that place half the first
    tolerance either way (between two neighbouring entries a window of ± one resolution
    holds both whole) and the posterior mean; the first of the best is kept, so a posterior
    on one candidate keeps that candidate's own place.

    Parameters
    ----------
    fraction : ndarray, shape (n, k)
        Each candidate's mean place on the scale (fraction 0..1).
    weight : ndarray, shape (n, k)
        Posterior weights (any positive scale per row).
    width : ndarray, shape (n, k)
        Share of the scale drawn in each candidate's colour (fraction).
    tolerances : sequence of float
        Half-widths of the windows (fraction), the finest first.
    importance : sequence of float
        Weight of each window's probability in the score.
    chunk : int
        Rows at once (temporaries of (rows, 3k + 1, k) floats).

    Returns
    -------
    ndarray of float64, shape (n,)
    """
    out = np.empty(len(fraction))
    for start in range(0, len(fraction), chunk):
        part = slice(start, start + chunk)
        f, w, half = fraction[part], weight[part], 0.5 * width[part]
        w = w / w.sum(axis=1, keepdims=True)
        trials = np.concatenate([f, f - 0.5 * tolerances[0], f + 0.5 * tolerances[0],
                                 (w * f).sum(axis=1, keepdims=True)], axis=1)
        score = np.zeros(trials.shape)
        for tolerance, factor in zip(tolerances, importance):
            low = np.maximum(trials[:, :, None] - tolerance, (f - half)[:, None, :])
            high = np.minimum(trials[:, :, None] + tolerance, (f + half)[:, None, :])
            cover = np.clip(high - low, 0.0, None) / np.maximum(2.0 * half, 1e-12)[:, None, :]
            score += factor * np.einsum("ntk,nk->nt", np.minimum(cover, 1.0), w)
        out[part] = trials[np.arange(len(trials)), score.argmax(axis=1)]
    return out


def consistent_values(blocks_list, shape, lattice, colour, information, decoder, quantiser,
                      values) -> np.ndarray:
    """Cells' values with each candidate colour also weighed by its consistency with the
    file's quantised coefficients, each the value likeliest within one resolution.

    The blocks' least squares treat each coefficient's rounding as Gaussian noise; in truth
    the coefficient the encoder computed lies in its step's interval. Each cell's
    ``CONSISTENCY_CANDIDATES`` likeliest stored colours are weighed; where the cell lies in a
    block whose pixels are all modelled, each is re-coded in every such block it touches
    (libjpeg's DCT, quantisation and 4:2:0 downsampling), its posterior scaled by
    exp(-``CONSISTENCY_WEIGHT`` × the steps its coefficients leave the file's, averaged over
    two guesses of the other cells' colours: their likeliest, and colours searched for to fit
    the file, :func:`searched_consistency_costs`). A file coded otherwise (another DCT, trellis quantisation) puts some
    coefficients a step off for every candidate alike: the weight is relative to the cell's
    most consistent candidate, so it only blurs the choice.

    The value given is not the posterior mean but the place likeliest to meet the two
    measures a cell's value is held to (:func:`within_tolerance_choice`): within 1 % of the
    scale's range (``ACCURACY_FRACTION``) first, ``ACCURACY_IMPORTANCE`` times as much as
    within one resolution of the truth. Where the posterior is split between entries two or
    more apart, or leans to one side, the mean falls between them and can miss both by more
    than a resolution.

    Parameters
    ----------
    blocks_list : list of FullBlocks
    shape : tuple (rows, cols)
        The figure's.
    lattice : native_grid.Lattice
    colour, information : ndarray, shape (n_cells, 3)
        The blocks' Gaussian estimate (:func:`cell_colours`).
    decoder : colour_decoding.ColourDecoder
        Knowing its drawable colours.
    quantiser : str
        The rounding :meth:`colour_decoding.ColourDecoder.stored_colour_values` chose.
    values : ndarray, shape (n_cells,)
        The Gaussian estimate's values (posterior means over every stored colour): kept
        where a cell's colour is unknown, or the scale has fewer than two stored colours.

    Returns
    -------
    ndarray of float64, shape (n_cells,)
    """
    stored, fraction, log_prior = decoder.stored_candidates(quantiser, stored_ycbcr)
    count = min(CONSISTENCY_CANDIDATES, len(stored))
    if count < 2 or decoder.resolution_fraction is None:
        return values
    known = np.isfinite(colour).all(axis=1) & np.isfinite(values)
    candidates, negative = _likeliest_stored(colour, information, stored, log_prior, count)
    exponent = -(negative - negative.min(axis=1, keepdims=True))
    if blocks_list:
        cell_row = _axis_cells(shape[0], lattice.origin_y, lattice.cell_height, lattice.rows)
        cell_col = _axis_cells(shape[1], lattice.origin_x, lattice.cell_width, lattice.columns)
        # The steps out averaged over two guesses of the neighbours: their likeliest colours
        # and colours searched for to fit the file. The searched ones alone gained more within
        # one resolution (SST globe 90.5 -> 91.1 %) but lost 3-7 cells within 1 % of the range
        # on five figures, the average 1-3 on three (bench/README.md, issue 16, eighth pass).
        likeliest, searched = searched_consistency_costs(
            blocks_list, cell_row, cell_col, lattice, stored, candidates, negative)
        cost = 0.5 * (likeliest + searched)
        exponent -= CONSISTENCY_WEIGHT * (cost - cost.min(axis=1, keepdims=True))
    chosen = within_tolerance_choice(
        fraction[candidates], np.exp(exponent), np.exp(log_prior)[candidates],
        (decoder.resolution_fraction, ACCURACY_FRACTION), (1.0, ACCURACY_IMPORTANCE))
    return np.where(known, decoder.mapping.to_value(chosen), values)


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
    knows = decoder.knows_drawable_colours
    # No blocks for a scale read off the figure: it has no stored colours to weigh them by.
    colour, information, freed, has_data, blocks = plot_area_cell_colours(
        rgb, values, lattice, box, coding, with_blocks=knows)
    if knows:
        # Weighed against the integer colours the encoder stored for each drawable colour,
        # and against the file's quantised coefficients where whole blocks are modelled.
        cell_value, quantiser = decoder.stored_colour_values(colour, information, stored_ycbcr)
        cell_value = consistent_values(blocks, values.shape, lattice, colour, information,
                                       decoder, quantiser, cell_value)
    else:
        # Colours read off the figure: against the curve, its rounding counted as noise.
        weights = 1.0 / (1.0 / np.maximum(information, 1e-12) + ROUNDING_VARIANCE)
        cell_value = decoder.weighted_ycbcr_values(colour, weights)
    cell_value[~has_data] = np.nan
    return cell_value.reshape(lattice.rows, lattice.columns), freed


def ink_luma_limit(coding) -> float:
    """Levels of luma beyond which a data pixel is taken for not its cell's colour: at least
    ``INK_LUMA_LEVELS``, and ``INK_DC_STEPS`` luma DC steps in a coarsely coded file, whose
    blocks' ringing moves a cell's own pixels that far."""
    return max(INK_LUMA_LEVELS, INK_DC_STEPS * float(coding.tables[0][0]))


def _free_far_from_cell(ycbcr, rgb, data, lattice, cell_luma, limit) -> int:
    """Leave free (``data`` set False in place) the data pixels whose luma lies more than
    ``limit`` levels (:func:`ink_luma_limit`) from their cell's own interior luma (NaN: none
    left free); how many.

    A thin line or gridline drawn over cells is blended with them by the renderer's
    anti-aliasing, and a dark blend of black and a cell's colour can lie near the scale's dark
    end: the decoder takes it for data, often for the scale's first entry. A cell's median
    ignores such pixels, but the least squares model them as the cell's colour, and where
    cells have a few pixels each (GMT's 2° age globe at 3.4 px, gridlines every 30°, Pillow
    quality 95) they pulled 22 % of the cells beyond one resolution; the outlier test of
    :meth:`ChannelBlocks.free_outliers` judges a pixel against a solution they have already
    pulled. Left free, the blocks still speak through the cells' other pixels.
    """
    rows, cols = data.shape
    cell_row = _axis_cells(rows, lattice.origin_y, lattice.cell_height, lattice.rows)
    cell_col = _axis_cells(cols, lattice.origin_x, lattice.cell_width, lattice.columns)
    freed = 0
    # A strip of rows at a time (some 14 bytes a pixel of it, a quarter of a million pixels:
    # 3.5 MiB): no figure-sized plane is held beside the others.
    step = max(1, INK_STRIP_PIXELS // max(cols, 1))
    inside_cols = cell_col >= 0
    cell_luma32 = cell_luma.astype(np.float32)
    for start in range(0, rows, step):
        stop = min(rows, start + step)
        strip_rows = cell_row[start:stop]
        if not (strip_rows >= 0).any():
            continue
        luma = (ycbcr_channel(rgb[start:stop], 0) if ycbcr is None
                else ycbcr[start:stop, :, 0].astype(np.float32))
        inside = data[start:stop] & (strip_rows[:, None] >= 0) & inside_cols[None, :]
        cell = np.where(inside, strip_rows[:, None] * lattice.columns + cell_col[None, :],
                        0).astype(np.int32)
        expected = cell_luma32[cell]
        with np.errstate(invalid="ignore"):
            far = inside & (np.abs(luma - expected) > limit)
        freed += int(far.sum())
        data[start:stop] &= ~far
    return freed


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


def plot_area_cell_colours(rgb, values, lattice, box, coding, with_blocks=False) -> tuple:
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
    with_blocks : bool
        Also return the blocks whose pixels are all modelled (:func:`coded_full_blocks`).

    Returns
    -------
    colour, information : ndarray of float64, shape (n_cells, 3)
        As :func:`cell_colours`.
    freed : int
    has_data : ndarray of bool, shape (n_cells,)
        Cells with a data pixel of their own.
    blocks : list of FullBlocks
        Empty without ``with_blocks``, or when the decoder's own Y'CbCr could not be read (the
        RGB's, rounded and clipped, does not give the stored coefficients back).
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
    freed_as_ink = _free_far_from_cell(ycbcr, rgb, data, lattice, prior[:, 0],
                                       ink_luma_limit(coding))
    prior_weight = np.full((n_cells, 3), PRIOR_WEIGHT)
    with _one_blas_thread():
        colour, information, freed = cell_colours(rgb, data, lattice, coding, prior,
                                                  prior_weight, ycbcr=ycbcr, overwrite_data=True)
    freed += freed_as_ink
    has_data = np.isfinite(prior).all(axis=1)
    if not with_blocks or ycbcr is None:
        return colour, information, freed, has_data, []
    # ``data`` is now the pixels modelled as their cell's colour; the figure's Y'CbCr is let go
    # as its blocks are read.
    holder = [ycbcr]
    del ycbcr
    return colour, information, freed, has_data, coded_full_blocks(holder, data, coding)
