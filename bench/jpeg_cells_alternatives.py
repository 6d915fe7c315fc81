"""Other ways to estimate a JPEG's cell values, against the plugin's, on the cached cells of
``jpeg_cells_accuracy.py`` (issue 16: the SST globe at 5.3 px and quality 75).

Run by hand, never from the tests (after ``jpeg_cells_accuracy.py`` has filled the cache):

    /usr/bin/python3 bench/jpeg_cells_alternatives.py [--cache DIR] [--figures NAME ...]

Printed per figure, the share of judged cells (the test's measure: centre decoded, truth data)
within one value resolution of the grid's value for:

plugin      the plugin's estimate (``jpeg_cells.cell_values``: the cells' Y'CbCr by least
            squares over the JPEG's blocks, weighed against the stored drawable colours).
mean        each cell's mean Y'CbCr (the decoder's own) over its data pixels, weighed once
            against the same stored colours, each channel's precision the pixels' count over
            their spread about their cell's mean (the whole figure's).
inner       the same over the pixels at least 1 px from the cell's sides.
ramp        the same, each pixel weighted by its distance from the sides less 1/4 px, up to 2.
hist        the plugin's colours with the figure's own histogram of values as the prior
            (empirical Bayes: the cells' mean posterior over the drawable colours, smoothed
            over 2 of them along the scale, mixed half and half with the uniform; four rounds).
smooth      the plugin's colours with a second-order smoothness prior: each cell's value
            predicted by the mean of its two opposite neighbours along either axis (their
            current posterior means), a Gaussian of ``--smooth-width`` resolutions around each
            prediction mixed ``--smooth-share`` with a uniform; three rounds.
window      the value maximising the posterior probability of lying within one resolution of
            the truth (instead of the posterior mean), the truth uniform over the colour's
            resolution.
bound       the posterior's own expectation of the share that ``window`` gets right: what any
            estimate from these cell colours and precisions can expect under the model.
"""
import argparse
import os
import sys
import tempfile
from pathlib import Path

import numpy as np
from scipy.ndimage import gaussian_filter1d

sys.path.insert(0, str(Path(__file__).resolve().parent))
import jpeg_cells_accuracy as accuracy  # noqa: E402

jpeg_cells = accuracy.jpeg_cells


def _posterior(log_like, log_prior):
    """Rows of posterior probabilities from log-likelihoods and a log-prior over candidates."""
    total = log_like + log_prior[None, :]
    total -= total.max(axis=1, keepdims=True)
    weight = np.exp(total)
    return weight / weight.sum(axis=1, keepdims=True)


def _log_likelihoods(colour, information, candidates, log_prior, block=2000):
    """Gaussian log-likelihood of every stored candidate colour for every cell (with the
    candidates' own prior, as the plugin weighs them)."""
    result = np.empty((len(colour), len(candidates)))
    for start in range(0, len(colour), block):
        point, weight = colour[start:start + block], information[start:start + block]
        distance = (weight[:, None, :] * (point[:, None, :] - candidates[None]) ** 2).sum(axis=2)
        result[start:start + block] = log_prior[None, :] - 0.5 * distance
    return result


def interior_means(kept, weighting):
    """Each cell's mean decoded Y'CbCr over its data pixels weighted by ``weighting(distance
    from the cell's sides, px)``, and its precision; NaN where no weight."""
    lattice = kept["lattice"]
    data = np.isfinite(kept["values"])
    col0, row0, col1, row1 = (int(round(v)) for v in kept["box"])
    in_box = np.zeros_like(data)
    in_box[max(row0, 0):row1, max(col0, 0):col1] = True
    data &= in_box
    ycbcr = kept["coding"].decoded_ycbcr(data.shape)
    if ycbcr is None:
        ycbcr = jpeg_cells.rgb_to_ycbcr(kept["rgb"])
    ycbcr = ycbcr.astype(float)
    rows, cols = data.shape

    def axis(n, origin, size, count):
        position = (np.arange(n) + 0.5 - origin) / size
        cell = np.floor(position).astype(int)
        part = position - cell
        return (np.where((cell >= 0) & (cell < count), cell, -1),
                np.minimum(part, 1 - part) * size)

    cell_row, distance_row = axis(rows, lattice.origin_y, lattice.cell_height, lattice.rows)
    cell_col, distance_col = axis(cols, lattice.origin_x, lattice.cell_width, lattice.columns)
    inside = data & (cell_row[:, None] >= 0) & (cell_col[None, :] >= 0)
    index = np.where(inside, cell_row[:, None] * lattice.columns + cell_col[None, :], 0).ravel()
    weight = (weighting(np.minimum(distance_row[:, None], distance_col[None, :])) * inside)
    n = lattice.rows * lattice.columns
    total = np.bincount(index, weight.ravel(), n)
    mean = np.stack([np.bincount(index, (weight * ycbcr[..., k]).ravel(), n)
                     / np.maximum(total, 1e-9) for k in range(3)], axis=1)
    mean[total < 1e-9] = np.nan
    effective = total ** 2 / np.maximum(np.bincount(index, (weight ** 2).ravel(), n), 1e-9)
    used = inside & (weight > 0)
    residual = ycbcr - mean[index.reshape(rows, cols)]
    variance = np.array([np.average(residual[..., k][used] ** 2, weights=weight[used])
                         for k in range(3)])
    return mean, effective[:, None] / variance[None, :]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--figures", nargs="*", default=["globe75im", "globe75pil", "sst75"])
    parser.add_argument("--cache", default=os.path.join(tempfile.gettempdir(), "jpegcells_cache"))
    parser.add_argument("--smooth-width", type=float, default=1.5)
    parser.add_argument("--smooth-share", type=float, default=0.3)
    arguments = parser.parse_args()
    columns = ["plugin", "mean", "inner", "ramp", "hist", "smooth", "window", "bound"]
    print(f"{'figure':16s} {'cells':>6s} " + " ".join(f"{c:>7s}" for c in columns))
    for name in arguments.figures:
        kept = accuracy.capture(name, Path(arguments.cache))
        if kept is None:
            continue
        decoder, lattice = kept["decoder"], kept["lattice"]
        truth, resolution = kept["truth"].ravel(), kept["resolution"]
        judged = np.isfinite(truth)

        def share(values):
            return float((np.abs(values - truth)[judged] <= resolution).mean())

        with jpeg_cells._one_blas_thread():
            colour, information, _ = accuracy._colours(kept)
        plugin, quantiser = decoder.stored_colour_values(colour, information,
                                                         jpeg_cells.stored_ycbcr)
        candidates, fraction, log_prior = decoder._matcher._stored_candidates(
            quantiser, jpeg_cells.stored_ycbcr)
        values = decoder.mapping.to_value(fraction)
        known = np.flatnonzero(np.isfinite(colour).all(axis=1))
        log_like = _log_likelihoods(colour[known], information[known], candidates, log_prior)
        uniform = np.zeros(len(candidates))

        def spread(posterior_values):
            out = np.full(len(truth), np.nan)
            out[known] = posterior_values
            return out

        row = {"plugin": share(plugin)}
        for label, weighting in (("mean", np.ones_like),
                                 ("inner", lambda d: (d >= 1.0).astype(float)),
                                 ("ramp", lambda d: np.clip(d - 0.25, 0.0, 2.0))):
            mean, precision = interior_means(kept, weighting)
            row[label] = share(decoder.stored_colour_values(mean, precision,
                                                            jpeg_cells.stored_ycbcr)[0])
        # Empirical Bayes over the figure's histogram.
        order = np.argsort(fraction)
        posterior = _posterior(log_like, uniform)
        for _ in range(4):
            histogram = posterior.mean(axis=0) / np.exp(log_prior)
            smoothed = np.empty_like(histogram)
            smoothed[order] = gaussian_filter1d(histogram[order], 2.0)
            smoothed /= smoothed.sum()
            posterior = _posterior(log_like, np.log(0.5 * smoothed + 0.5 / len(smoothed))
                                   + np.log(len(smoothed)))
        row["hist"] = share(spread(posterior @ values))
        # Second-order smoothness prior.
        estimate = spread(_posterior(log_like, uniform) @ values)
        width = arguments.smooth_width * resolution
        value_range = float(np.nanmax(values) - np.nanmin(values))
        for _ in range(3):
            grid = np.pad(estimate.reshape(lattice.rows, lattice.columns), 1,
                          constant_values=np.nan)
            predictions = np.stack([(grid[:-2, 1:-1] + grid[2:, 1:-1]) / 2,
                                    (grid[1:-1, :-2] + grid[1:-1, 2:]) / 2]).reshape(2, -1)[:, known]
            valid = np.isfinite(predictions)
            parts = np.where(valid[:, :, None],
                             -0.5 * ((values[None, None, :] - np.where(valid, predictions, 0.0)
                                      [:, :, None]) / width) ** 2
                             - np.log(width * np.sqrt(2 * np.pi)), -np.inf)
            count = valid.sum(axis=0)
            mixture = np.logaddexp(parts[0], parts[1]) - np.log(np.maximum(count, 1))[:, None]
            prior = np.where(count[:, None] > 0,
                             np.logaddexp(np.log(arguments.smooth_share) + mixture,
                                          np.log(1 - arguments.smooth_share)
                                          - np.log(value_range)),
                             -np.log(value_range))
            total = log_like + prior
            total -= total.max(axis=1, keepdims=True)
            weight = np.exp(total)
            estimate = spread((weight / weight.sum(axis=1, keepdims=True)) @ values)
        row["smooth"] = share(estimate)
        # The value likeliest within one resolution, and the posterior's own expectation.
        posterior = _posterior(log_like, uniform)
        mean = posterior @ values
        best, best_score = mean.copy(), np.full(len(mean), -1.0)
        for offset in np.arange(-3.0, 3.001, 0.05) * resolution:
            trial = mean + offset
            low = np.maximum(trial[:, None] - resolution, values[None, :] - 0.5 * resolution)
            high = np.minimum(trial[:, None] + resolution, values[None, :] + 0.5 * resolution)
            score = (posterior * np.clip(high - low, 0.0, None) / resolution).sum(axis=1)
            better = score > best_score + 1e-12
            best[better], best_score[better] = trial[better], score[better]
        row["window"] = share(spread(best))
        on_judged = np.isin(known, np.flatnonzero(judged))
        row["bound"] = float(best_score[on_judged].mean())
        print(f"{name:16s} {int(judged.sum()):6d} "
              + " ".join(f"{100 * row[c]:6.1f}%" for c in columns), flush=True)


if __name__ == "__main__":
    main()
