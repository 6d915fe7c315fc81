"""Reading a lattice's cells through a JPEG's own coding (plugin/engine/jpeg_cells.py).

The figures are real JPEGs written by Pillow (libjpeg), read back as the plugin reads them;
the truth is the image before compression.
"""
import io

import numpy as np
import pytest
from PIL import Image

from colormap_decoder.plugin.engine import jpeg_cells
from colormap_decoder.plugin.engine.figure import read_figure
from colormap_decoder.plugin.engine.native_grid import Lattice, read_cells


def encode(rgb, quality, subsampling=2):
    """The figure as Pillow writes and reads a JPEG of it: (decoded RGB, open image)."""
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, "JPEG", quality=quality, subsampling=subsampling)
    buffer.seek(0)
    image = Image.open(buffer)
    image.load()
    return np.asarray(image.convert("RGB")), image


def block_offsets(plane, table):
    """Mean distance (in steps) of a plane's 8 × 8 block DCT coefficients from the nearest
    multiple of their quantisation step, the first 3 × 3 frequencies."""
    one = jpeg_cells.dct_matrix()
    rows, cols = (size // 8 * 8 for size in plane.shape)
    blocks = plane[:rows, :cols].reshape(rows // 8, 8, cols // 8, 8).transpose(0, 2, 1, 3) - 128
    coefficients = np.einsum("ui,abij,vj->abuv", one, blocks, one)
    ratio = coefficients / np.asarray(table, float).reshape(8, 8)
    return float(np.abs(ratio - np.round(ratio))[..., :3, :3].mean())


def smooth_image(rows=128, cols=160, seed=1):
    """A smooth colourful image (no clipping at 0 or 255), uint8."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:rows, 0:cols] / 40.0
    channels = [128 + 60 * np.sin(x * rng.uniform(0.5, 2) + rng.uniform(0, 6))
                * np.cos(y * rng.uniform(0.5, 2) + rng.uniform(0, 6)) for _ in range(3)]
    return np.clip(np.rint(np.stack(channels, axis=2)), 0, 255).astype(np.uint8)


def test_coding_read_from_the_file(tmp_path):
    rgb = smooth_image()
    for subsampling, expected in ((2, (2, 2)), (0, (1, 1)), (1, (1, 2))):
        path = tmp_path / f"figure_{subsampling}.jpg"
        Image.fromarray(rgb).save(path, quality=85, subsampling=subsampling)
        figure = read_figure(str(path))
        coding = figure.jpeg_coding
        assert coding.subsampling == [(1, 1), expected, expected]
        with Image.open(path) as image:
            assert np.array_equal(coding.tables[0], image.quantization[0])
            assert np.array_equal(coding.tables[1], image.quantization[1])
    Image.fromarray(rgb).save(tmp_path / "figure.png")
    assert read_figure(str(tmp_path / "figure.png")).jpeg_coding is None
    Image.fromarray(rgb[..., 0]).save(tmp_path / "grey.jpg", quality=85)
    assert read_figure(str(tmp_path / "grey.jpg")).jpeg_coding is None


def test_stored_planes_sit_on_the_quantisation_steps():
    """Luma from the decoded RGB, and chroma averaged over 2 × 2 with the decoder's triangle
    upsampling undone, give back the planes the file stored: their block coefficients sit on
    multiples of the table's steps (a plane unrelated to the coding sits anywhere: 0.25 of a
    step on average); the plain 2 × 2 average does not, on cells with strong edges (on a
    smooth image the upsampling changes the low frequencies too little to tell)."""
    rgb = lattice_figure()[0]
    decoded, image = encode(rgb, quality=75)
    coding = jpeg_cells.jpeg_coding(image)
    ycbcr = jpeg_cells.rgb_to_ycbcr(decoded).astype(np.float64)
    rows, cols = (size // 2 * 2 for size in rgb.shape[:2])
    assert block_offsets(ycbcr[..., 0], coding.tables[0]) < 0.1
    for channel in (1, 2):
        stored = jpeg_cells.stored_chroma(ycbcr[..., channel], 2, 2)
        assert block_offsets(stored, coding.tables[channel]) < 0.08
        plain = ycbcr[:rows, :cols, channel].reshape(rows // 2, 2, cols // 2, 2).mean(axis=(1, 3))
        assert block_offsets(plain, coding.tables[channel]) > 0.15


def test_marginal_precision_is_the_inverse_of_the_observed_covariance():
    """Every route (few free pixels, many, none, all) against the direct inverse."""
    table = np.array([[3, 2, 2, 3, 5, 8, 10, 12]] * 8, float).ravel() + np.arange(64) % 7
    blocks = jpeg_cells.ChannelBlocks.__new__(jpeg_cells.ChannelBlocks)
    blocks.precision = jpeg_cells.block_precision(table)
    blocks.covariance = np.linalg.inv(blocks.precision)
    rng = np.random.default_rng(3)
    free_counts = [0, 1, 3, 4, 5, 9, 16, 17, 32, 33, 40, 48, 60, 63, 64]
    observed = np.ones((len(free_counts), 64), bool)
    for row, count in enumerate(free_counts):
        observed[row, rng.choice(64, count, replace=False)] = False
    got = blocks._marginal_precision(observed)
    for row, seen in enumerate(observed):
        expected = np.zeros((64, 64))
        if seen.any():
            expected[np.ix_(seen, seen)] = np.linalg.inv(blocks.covariance[np.ix_(seen, seen)])
        assert got[row] == pytest.approx(expected, abs=1e-9 * max(1.0, np.abs(expected).max()))


def lattice_figure(cell=(9.6, 9.2), shape=(24, 30), seed=5, line=False):
    """Cells of viridis's 8-bit colours (neighbours far apart on the scale: strong edges) at
    non-integer sizes, edges on the pixel boundary nearest each line, as Agg draws them."""
    from matplotlib import colormaps

    rng = np.random.default_rng(seed)
    table = np.rint(colormaps["viridis"](np.arange(256))[:, :3] * 255).astype(np.uint8)
    index = rng.integers(0, 256, shape)
    rows, cols = int(np.ceil(shape[0] * cell[1])) + 8, int(np.ceil(shape[1] * cell[0])) + 8
    cell_row = np.floor((np.arange(rows) + 0.5 - 4) / cell[1]).astype(int)
    cell_col = np.floor((np.arange(cols) + 0.5 - 4) / cell[0]).astype(int)
    inside = ((cell_row[:, None] >= 0) & (cell_row[:, None] < shape[0])
              & (cell_col[None, :] >= 0) & (cell_col[None, :] < shape[1]))
    rgb = np.full((rows, cols, 3), 255, np.uint8)
    rgb[inside] = table[index[np.clip(cell_row, 0, shape[0] - 1)[:, None],
                              np.clip(cell_col, 0, shape[1] - 1)[None, :]]][inside]
    data = inside.copy()
    if line:
        # A black line two pixels wide across the cells: not data.
        rgb[100:102, 20:cols - 20] = 0
        data[100:102, 20:cols - 20] = False
    lattice = Lattice(cell[0], cell[1], 4.0, 4.0, shape[1], shape[0], 1.0, 1.0, (0.0, 0.0),
                      clean=False)
    true = jpeg_cells.rgb_to_ycbcr(table[index].reshape(-1, 1, 3))[:, 0].astype(np.float64)
    return rgb, data, lattice, np.rint(true)


@pytest.mark.parametrize("quality, line", [(90, False), (80, True)])
def test_cell_colours_through_the_blocks_beat_the_cells_own_pixels(quality, line):
    """Each cell's stored Y'CbCr, estimated through the blocks, is nearer the truth than the
    interquartile mean of its interior pixels, channel by channel (90th percentile)."""
    rgb, data, lattice, true = lattice_figure(line=line)
    decoded, image = encode(rgb, quality)
    coding = jpeg_cells.jpeg_coding(image)
    n_cells = lattice.rows * lattice.columns
    box = (0, 0, rgb.shape[1], rgb.shape[0])
    ycbcr = jpeg_cells.rgb_to_ycbcr(decoded)
    own = np.stack([read_cells(np.where(data, ycbcr[..., c], np.nan), lattice, box,
                               median_only=True, interquartile_mean=True).value.ravel()
                    for c in range(3)], axis=1)
    colour, information, freed = jpeg_cells.cell_colours(
        decoded, data, lattice, coding, own, np.full((n_cells, 3), jpeg_cells.PRIOR_WEIGHT))
    blocks_error = np.percentile(np.abs(colour - true), 90, axis=0)
    own_error = np.percentile(np.abs(own - true), 90, axis=0)
    print(quality, line, "blocks", blocks_error, "own pixels", own_error, "freed", freed)
    assert np.all(blocks_error < 0.8 * own_error), (blocks_error, own_error)
    assert blocks_error[0] < 0.5
    assert np.all(information > 0)


@pytest.mark.parametrize("quality", [30, 50, 60, 75, 85, 90, 95])
def test_quality_read_back_from_the_tables(quality):
    _, image = encode(smooth_image(), quality)
    assert jpeg_cells.jpeg_coding(image).quality() == pytest.approx(quality, abs=0.5)
