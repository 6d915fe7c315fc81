"""The grid DBSCAN against scikit-learn's DBSCAN, label for label, on real decoded figures.

Flat masks come from figures decoded by the engine: the bundled sample (the Vinschgau DEM drawn
bilinear by matplotlib) as PNG and as a JPEG (whose noise leaves many lone flat pixels: noise
and border points for DBSCAN), and the 2° SST drawn cell by cell (large plateaus). scikit-learn
runs on crops of at most 40 000 flat pixels (its neighbour lists grow with eps²).
"""
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from sklearn.cluster import DBSCAN

from colormap_decoder.plugin.engine.colour_decoding import ColourDecoder, ValueMapping
from colormap_decoder.plugin.engine.colour_scale import resolve_colour_scale
from colormap_decoder.plugin.engine.figure import read_figure
from colormap_decoder.plugin.engine.grid_dbscan import disc_offsets, grid_dbscan
from colormap_decoder.plugin.engine.reduction import cluster_pixels, flat_mask

SAMPLE = Path(__file__).resolve().parents[2] / "sample"
PLOT_BOX = (112, 87, 672, 518)  # the sample's axes (col0, row0, col1, row1)


def decoded_flat_mask(path, match_space="cielab", tolerance_steps=0.5):
    rgb = read_figure(str(path)).rgb
    examine = np.zeros(rgb.shape[:2], bool)
    col0, row0, col1, row1 = PLOT_BOX
    examine[row0:row1, col0:col1] = True
    decoder = ColourDecoder(resolve_colour_scale("viridis"), ValueMapping(0, 4000), match_space)
    values = decoder.decode_image(rgb, examine, 12.0).values
    return flat_mask(values, tolerance_steps * decoder.value_resolution)[row0:row1, col0:col1]


def crop_to(mask, limit=40_000):
    """Whole rows from the top until ``limit`` flat pixels."""
    cumulative = np.cumsum(mask.sum(axis=1))
    return mask[:max(1, int(np.searchsorted(cumulative, limit, side="right")))]


def sklearn_labels(mask, eps, min_samples):
    """scikit-learn's labels + 1 (0 noise) as a raster, and its cluster count."""
    rows, cols = np.nonzero(mask)
    labels = np.zeros(mask.shape, np.int32)
    found = DBSCAN(eps=eps, min_samples=min_samples).fit(np.column_stack([cols, rows])).labels_
    labels[rows, cols] = found + 1
    return labels, int(found.max() + 1)


@pytest.fixture(scope="module")
def masks(tmp_path_factory):
    folder = tmp_path_factory.mktemp("dbscan")
    jpeg = folder / "sample.jpg"
    Image.open(SAMPLE / "vinschgau_viridis.png").convert("RGB").save(jpeg, quality=85)
    # For the JPEG a FLAT_TOLERANCE of two colour steps, as its noise asks for.
    return {"png": crop_to(decoded_flat_mask(SAMPLE / "vinschgau_viridis.png")),
            "jpeg": crop_to(decoded_flat_mask(jpeg, "ycbcr", tolerance_steps=2.0))}


@pytest.mark.parametrize("figure", ["png", "jpeg"])
@pytest.mark.parametrize("eps,min_samples", [
    (2.0, 1), (2.0, 3), (2.0, 5), (np.sqrt(5), 4), (2.5, 2), (2.9, 9), (3.0, 3), (3.0, 12),
    (4.5, 20), (1.5, 3), (1.0, 4), (1.2, 3), (0.9, 1), (6.0, 40)])
def test_grid_dbscan_gives_scikit_learns_labels(masks, figure, eps, min_samples):
    mask = masks[figure]
    assert 2_000 < mask.sum() <= 40_000
    labels, count = grid_dbscan(mask, eps, min_samples)
    reference, reference_count = sklearn_labels(mask, eps, min_samples)
    assert count == reference_count
    # The same labels, numbered alike (noise 0), pixel for pixel.
    assert np.array_equal(labels, reference)


def test_real_masks_exercise_noise_border_and_merging(masks):
    """The comparisons above are not trivial: noise, border points and clusters that only eps
    beyond the 3 × 3 block joins all occur."""
    mask = masks["jpeg"]
    labels, count = grid_dbscan(mask, 3.0, 12)
    reference, _ = sklearn_labels(mask, 3.0, 12)
    assert (mask & (labels == 0)).sum() > 100           # noise
    from colormap_decoder.plugin.engine.grid_dbscan import _cores

    dy, dx = disc_offsets(3.0)
    core = _cores(mask, dy, dx, 12)
    assert (mask & ~core & (labels > 0)).sum() > 100     # border points
    from scipy import ndimage

    _, components = ndimage.label(core, structure=np.ones((3, 3)))
    assert count < components                            # components joined across gaps


def test_cluster_pixels_uses_it_beyond_the_fast_path(masks):
    mask = masks["png"]
    for eps, min_samples in ((2.5, 1), (1.5, 3)):
        labels, count = cluster_pixels(mask, eps, min_samples)
        reference, reference_count = sklearn_labels(mask, eps, min_samples)
        assert count == reference_count and np.array_equal(labels, reference)


def test_blocky_figure_at_scale_of_strips(tmp_path, shared_data):
    """The SST drawn cell by cell, larger than one strip of rows: plateaus cross strips."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import rasterio

    from colormap_decoder.plugin.engine import grid_dbscan as module

    with rasterio.open(f'NETCDF:"{shared_data / "stars_reduced_oisst.nc"}":sst') as dataset:
        sst = dataset.read(1, masked=True).astype(float).filled(np.nan) * dataset.scales[0]
    figure = plt.figure(figsize=(4.8, 2.4), dpi=100)
    axes = figure.add_axes([0, 0, 1, 1])
    axes.imshow(sst[20:60, 0:80], cmap="viridis", vmin=-2, vmax=33, interpolation="nearest",
                aspect="auto")
    axes.set_axis_off()
    path = tmp_path / "sst.png"
    figure.savefig(path, dpi=100)
    plt.close(figure)
    rgb = read_figure(str(path)).rgb
    decoder = ColourDecoder(resolve_colour_scale("viridis"), ValueMapping(-2, 33))
    values = decoder.decode_image(rgb, np.ones(rgb.shape[:2], bool), 12.0).values
    mask = flat_mask(values, 0.5 * decoder.value_resolution)
    assert mask.sum() > 15_000
    strip = module.STRIP_ROWS
    module.STRIP_ROWS = 16  # many strips on a small figure
    try:
        for eps, min_samples in ((2.0, 5), (3.5, 20), (5.0, 60)):
            labels, count = grid_dbscan(mask, eps, min_samples)
            reference, reference_count = sklearn_labels(mask, eps, min_samples)
            assert count == reference_count and np.array_equal(labels, reference)
    finally:
        module.STRIP_ROWS = strip


def test_disc_offsets_compare_squared_distances_as_scikit_learn():
    dy, dx = disc_offsets(np.sqrt(5))
    assert ((dy == 1) & (dx == 2)).any()          # at exactly eps: a neighbour
    dy, dx = disc_offsets(2.236)
    assert not ((dy == 1) & (dx == 2)).any()      # just beyond eps: not
    assert len(disc_offsets(0.5)[0]) == 1
    assert len(disc_offsets(1.0)[0]) == 5
    assert len(disc_offsets(2.0)[0]) == 13


def test_empty_and_full_masks():
    labels, count = grid_dbscan(np.zeros((20, 30), bool), 3.0, 5)
    assert count == 0 and not labels.any()
    labels, count = grid_dbscan(np.ones((20, 30), bool), 3.0, 5)
    assert count == 1 and (labels == 1).all()
