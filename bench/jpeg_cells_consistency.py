"""Whether a JPEG's quantisation intervals hold more of its cells' colours than the plugin reads
(issue 16: the SST globe at 5.3 px, viridis, quality 75), and where its misses lie.

Run by hand, never from the tests (after ``jpeg_cells_accuracy.py`` has filled the cache; the
JPEG and its PNG must still be where they were rendered):

    /usr/bin/python3 bench/jpeg_cells_consistency.py [--cache DIR] [--figures NAME ...]
                                                     [--candidates K]

The plugin treats each stored DCT coefficient's rounding as Gaussian noise (variance step²/12).
The truth is a box: the coefficient the encoder computed lies in its step's interval. With the
cells' colours restricted to the stored integer Y'CbCr of the drawable colours, a candidate
colour can be checked against every block it touches: re-render the block (each pixel its
cell's stored colour; 4:2:0 chroma averaged as libjpeg does, ``(sum of 2 × 2 + 1 or 2) >> 2``,
the bias alternating along the row), transform it with libjpeg's integer DCT (``jfdctint.c``,
the default ``JDCT_ISLOW``), quantise it as libjpeg does and count by how many steps its
coefficients leave the file's. Only blocks whose pixels are all modelled data are used. The
plugin does this at lambda 1 (``jpeg_cells.consistent_values``); this script measures it
against the Gaussian estimate alone, whatever ``CONSISTENCY_WEIGHT`` is.

Printed per figure:

exact       share of those blocks (luma; Cb, Cr) whose coefficients the PNG (the encoder's
            input) reproduces exactly through that model: 100 % means the check is exact for
            this encoder (Pillow, libjpeg-turbo's islow); less, that the encoder computed
            otherwise (ImageMagick: near-ties rounded down).
Gaussian alone
            cells within one (two) value resolutions, the blocks' Gaussian estimate weighed
            against the stored colours (the plugin before the intervals weighed in).
lambda L    one pass over the cells: each cell's posterior over its K likeliest stored colours
            (the Gaussian posterior) weighted by exp(-L × the steps its colour puts
            the blocks it touches out of the file's, the other cells at the plugin's likeliest
            colour); the value the posterior mean. L = inf keeps only the most consistent.
ceiling     the same check with every other cell given its true colour and the candidates
            the three stored colours either side of the truth along the scale, weighted by
            the Gaussian posterior among the most consistent: what the intervals could add if
            a cell's neighbours were known.
along the scale
            the plugin's miss rate (not within one resolution) per tenth of the scale of the
            true value, and the separation of neighbouring drawable colours there (in
            standard deviations of the plugin's median precision).
"""
import argparse
import glob
import os
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import jpeg_cells_accuracy as accuracy  # noqa: E402

jpeg_cells = accuracy.jpeg_cells


def quantised_islow(blocks, table):
    """libjpeg's coefficients of (..., 8, 8) samples 0..255 (the plugin's
    ``jpeg_cells.libjpeg_coefficients``: jpeg_fdct_islow, then libjpeg's quantisation)."""
    return jpeg_cells.libjpeg_coefficients(blocks, table)


def _blocks(plane, rows, cols):
    """(rows, cols, 8, 8) blocks of the plane's top-left rows × cols blocks."""
    return plane[:rows * 8, :cols * 8].reshape(rows, 8, cols, 8).transpose(0, 2, 1, 3)


def _downsampled(plane):
    """libjpeg's h2v2_downsample of an integer plane (the trailing odd row/column dropped: only
    blocks inside the figure are used)."""
    rows, cols = plane.shape[0] // 2, plane.shape[1] // 2
    total = plane[:rows * 2, :cols * 2].reshape(rows, 2, cols, 2).sum(axis=(1, 3))
    bias = np.where(np.arange(cols) % 2 == 0, 1, 2)
    return (total + bias[None, :]) >> 2


class Model:
    """The figure's full-data blocks, the file's coefficients there and each cell's blocks."""

    def __init__(self, kept):
        from PIL import Image

        coding, lattice = kept["coding"], kept["lattice"]
        data = np.isfinite(kept["values"])
        rows, cols = data.shape
        col0, row0, col1, row1 = (int(round(v)) for v in kept["box"])
        in_box = np.zeros_like(data)
        in_box[max(row0, 0):row1, max(col0, 0):col1] = True
        cell_row = jpeg_cells._axis_cells(rows, lattice.origin_y, lattice.cell_height,
                                          lattice.rows)
        cell_col = jpeg_cells._axis_cells(cols, lattice.origin_x, lattice.cell_width,
                                          lattice.columns)
        self.inside = data & in_box & (cell_row[:, None] >= 0) & (cell_col[None, :] >= 0)
        self.cell_of = np.where(self.inside, cell_row[:, None] * lattice.columns
                                + cell_col[None, :], 0)
        self.n_cells = lattice.rows * lattice.columns
        self.shape = (rows, cols)
        self.tables = [np.asarray(t) for t in coding.tables]
        self.chroma = all(tuple(s) == (2, 2) for s in coding.subsampling[1:])
        transform = jpeg_cells.block_dct_matrix()
        with Image.open(coding.path) as image:
            image.draft("YCbCr", (cols, rows))
            full = np.asarray(image).astype(np.float64)
        planes = [full[..., 0]]
        if self.chroma:
            # At half scale libjpeg decodes 4:2:0 chroma at its own size: no upsampling.
            with Image.open(coding.path) as image:
                image.draft("YCbCr", (cols // 2, rows // 2))
                half = np.asarray(image).astype(np.float64)
            planes += [half[..., 1], half[..., 2]]
        self.observed, self.full, self.pairs = [], [], []
        for channel, plane in enumerate(planes):
            factor = 1 if channel == 0 else 2
            block_rows, block_cols = rows // (8 * factor), cols // (8 * factor)
            coefficients = (_blocks(plane - 128.0, block_rows, block_cols)
                            .reshape(block_rows, block_cols, 64) @ transform.T)
            self.observed.append(np.rint(coefficients / self.tables[channel]))
            inside = self.inside[:block_rows * 8 * factor, :block_cols * 8 * factor]
            full_block = inside.reshape(block_rows, 8 * factor, block_cols,
                                        8 * factor).all(axis=(1, 3))
            self.full.append(full_block)
            # (cell, block) pairs: each block a cell's pixels lie in, once.
            block_id = ((np.arange(rows) // (8 * factor))[:, None] * block_cols
                        + (np.arange(cols) // (8 * factor))[None, :])
            usable = (self.inside & (np.arange(rows) // (8 * factor) < block_rows)[:, None]
                      & (np.arange(cols) // (8 * factor) < block_cols)[None, :])
            pairs = np.unique(self.cell_of[usable].astype(np.int64) * block_id.size
                              + block_id[usable])
            self.pairs.append((pairs // block_id.size, pairs % block_id.size))

    def block_costs(self, stored):
        """Per channel, the steps by which each full block's coefficients leave the file's
        when each cell shows ``stored[cell]`` (integer Y'CbCr, (n_cells, 3))."""
        pixels = np.asarray(stored, np.int64)[self.cell_of]
        costs = []
        for channel in range(len(self.observed)):
            plane = pixels[..., channel]
            if channel:
                plane = _downsampled(plane)
            block_rows, block_cols = self.full[channel].shape
            index = quantised_islow(_blocks(plane, block_rows, block_cols), self.tables[channel])
            cost = np.abs(index - self.observed[channel]).sum(axis=2)
            costs.append(np.where(self.full[channel], cost, 0))
        return costs

    def cell_costs(self, stored):
        """Each cell's summed cost of the full blocks it touches."""
        total = np.zeros(self.n_cells)
        for (cells, blocks), cost in zip(self.pairs, self.block_costs(stored)):
            total += np.bincount(cells, cost.ravel()[blocks], self.n_cells)
        return total

    def touched(self):
        """Cells with a pixel in a full block."""
        out = np.zeros(self.n_cells, bool)
        for (cells, blocks), full in zip(self.pairs, self.full):
            out[cells[full.ravel()[blocks]]] = True
        return out

    def exactness(self, png_rgb):
        """Share of full blocks per channel that the encoder's input reproduces exactly."""
        stored = jpeg_cells.stored_ycbcr(png_rgb).astype(np.int64)
        shares = []
        for channel in range(len(self.observed)):
            plane = stored[..., channel] if channel == 0 else _downsampled(stored[..., channel])
            block_rows, block_cols = self.full[channel].shape
            index = quantised_islow(_blocks(plane, block_rows, block_cols), self.tables[channel])
            same = (index == self.observed[channel]).all(axis=2)
            full = self.full[channel]
            shares.append(float(same[full].mean()) if full.any() else float("nan"))
        return shares


def scored_one_at_a_time(model, assign, alternatives, span):
    """(n_cells, K) costs of each cell taking each of its alternatives (stored colours), the
    other cells as in ``assign``; cells ``span`` apart along either axis share no block and
    are tried at once."""
    lattice_columns = model.lattice_columns
    n = model.n_cells
    row, col = np.divmod(np.arange(n), lattice_columns)
    klass = (row % span) * span + col % span
    scores = np.zeros(alternatives.shape[:2])
    for k in range(span * span):
        update = klass == k
        for m in range(alternatives.shape[1]):
            stored = assign.copy()
            stored[update] = alternatives[update, m]
            scores[update, m] = model.cell_costs(stored)[update]
    return scores


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--figures", nargs="*", default=["globe75pil", "globe75im", "sst75"])
    parser.add_argument("--cache", default=os.path.join(tempfile.gettempdir(), "jpegcells_cache"))
    parser.add_argument("--candidates", type=int, default=7)
    arguments = parser.parse_args()
    from PIL import Image

    for name in arguments.figures:
        kept = accuracy.capture(name, Path(arguments.cache))
        if kept is None:
            continue
        decoder, lattice = kept["decoder"], kept["lattice"]
        truth, resolution = kept["truth"].ravel(), kept["resolution"]
        judged = np.isfinite(truth)

        def share(values):
            error = np.abs(values - truth)[judged] / resolution
            return f"{100 * np.mean(error <= 1):5.1f} % ({100 * np.mean(error <= 2):5.1f} %)"

        model = Model(kept)
        model.lattice_columns = lattice.columns
        span = int(np.ceil(16.0 / min(lattice.cell_width, lattice.cell_height))) + 1
        png = kept.get("png_path") or _png_beside(kept["coding"].path)
        exact = (model.exactness(np.asarray(Image.open(png).convert("RGB")))
                 if png else [float("nan")])
        print(f"{name}: full blocks luma {model.full[0].sum()}"
              + (f", chroma {model.full[1].sum()}" if model.chroma else "")
              + "; reproduced exactly by libjpeg's islow from the PNG: "
              + ", ".join(f"{100 * e:.1f} %" for e in exact), flush=True)
        with jpeg_cells._one_blas_thread():
            colour, information, _ = accuracy._colours(kept)
        # The Gaussian estimate alone (the plugin before the intervals weighed in).
        plugin, quantiser = decoder.stored_colour_values(colour, information,
                                                         jpeg_cells.stored_ycbcr)
        print(f"  Gaussian alone    {share(plugin)}")
        candidates, fraction, log_prior = decoder._matcher._stored_candidates(
            quantiser, jpeg_cells.stored_ycbcr)
        known = np.isfinite(colour).all(axis=1)
        filled = np.where(known[:, None], colour, 128.0)
        negative_log = np.empty((model.n_cells, len(candidates)))
        for start in range(0, model.n_cells, 2000):
            part = slice(start, start + 2000)
            negative_log[part] = 0.5 * (((filled[part, None, :] - candidates[None]) ** 2)
                                        * information[part, None, :]).sum(axis=2) - log_prior
        k = arguments.candidates
        top = np.argsort(negative_log, axis=1)[:, :k]
        top_nll = np.take_along_axis(negative_log, top, 1)
        touched = model.touched() & known

        def posterior_mean(alternatives, nll, cost, weight):
            exponent = -(nll - nll.min(axis=1, keepdims=True))
            if np.isinf(weight):
                exponent = np.where(cost <= cost.min(axis=1, keepdims=True), exponent, -np.inf)
            else:
                exponent = exponent - weight * (cost - cost.min(axis=1, keepdims=True))
            w = np.exp(exponent)
            mean = (w * fraction[alternatives]).sum(axis=1) / w.sum(axis=1)
            return np.where(touched, decoder.mapping.to_value(mean), plugin)

        costs = scored_one_at_a_time(model, candidates[top[:, 0]], candidates[top], span)
        for weight in (0.0, 0.5, 1.0, 2.0, np.inf):
            print(f"  lambda {weight:<4g}       {share(posterior_mean(top, top_nll, costs, weight))}",
                  flush=True)
        # Ceiling: every other cell at its true stored colour.
        true_stored = jpeg_cells.stored_ycbcr(kept["true_rgb"].reshape(-1, 3))
        code = (candidates @ [65536, 256, 1]).astype(np.int64)
        order = np.argsort(code)
        position = np.clip(np.searchsorted(code[order], (true_stored @ [65536, 256, 1])
                                           .astype(np.int64)), 0, len(code) - 1)
        true_index = np.where(judged, order[position], top[:, 0])
        true_index = np.where(judged & (code[true_index] == (true_stored @ [65536, 256, 1])),
                              true_index, top[:, 0])
        by_fraction = np.argsort(fraction)
        rank = np.empty_like(by_fraction)
        rank[by_fraction] = np.arange(len(by_fraction))
        alternatives = by_fraction[np.clip(rank[true_index][:, None] + np.arange(-3, 4)[None],
                                           0, len(fraction) - 1)]
        costs = scored_one_at_a_time(model, candidates[true_index], candidates[alternatives],
                                     span)
        nll = np.take_along_axis(negative_log, alternatives, 1)
        print(f"  ceiling           {share(posterior_mean(alternatives, nll, costs, np.inf))} "
              f"({touched[judged].mean() * 100:.0f} % of the judged cells touch a full block)")
        # Along the scale.
        miss = judged & ~(np.abs(plugin - truth) <= resolution)
        tenth = np.clip(np.nan_to_num(decoder.mapping.to_fraction(truth) * 10, nan=-1).astype(int),
                        -1, 9)
        sigma = 1.0 / np.sqrt(np.median(information[known], axis=0))
        stored_sorted = candidates[by_fraction]
        separation = np.sqrt((np.diff(stored_sorted, axis=0) ** 2 / sigma ** 2).sum(axis=1))
        tenth_of = np.clip((fraction[by_fraction][:-1] * 10).astype(int), 0, 9)
        line = []
        for t in range(10):
            where = judged & (tenth == t)
            if where.any():
                line.append(f"{t / 10:.1f}: {where.sum()} cells, {100 * miss[where].mean():.0f} % "
                            f"missed, {np.mean(separation[tenth_of == t]):.1f} sd apart")
        print("  along the scale   " + "; ".join(line), flush=True)


def _png_beside(jpeg):
    """The PNG rendered beside the JPEG (``jpeg_cells_accuracy.render``), if one."""
    found = glob.glob(os.path.join(os.path.dirname(jpeg), "*.png"))
    return found[0] if len(found) == 1 else None


if __name__ == "__main__":
    main()
