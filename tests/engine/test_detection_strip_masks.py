"""The colour-strip masks (colorbar.strip_masks) worked out band by band as over the whole
figure at once: a strip pixel pair, along a row or down a column, differs from the page by
more than STRIP_PAGE_CONTRAST in some channel at both pixels and steps by at most
STRIP_SMOOTH_STEP (|ΔR| + |ΔG| + |ΔB|) between them. The masks are made in bands of
STRIP_MASK_BAND_ROWS rows (perf44: 12 MP 0.38 -> 0.19 s), so a pair straddling two bands
must be judged as any other.
"""
import numpy as np
import pytest
from sample_figure import FIGURE

from colormap_decoder.plugin.engine.detection import colorbar
from colormap_decoder.plugin.engine.detection.colorbar import strip_masks
from colormap_decoder.plugin.engine.figure import read_figure


def masks_by_definition(rgb, page_rgb):
    """The masks as the docstring defines them, on the whole figure in signed integers."""
    pixels = rgb.astype(np.int32)
    unlike_page = (np.abs(pixels - np.asarray(page_rgb)) > colorbar.STRIP_PAGE_CONTRAST).any(axis=2)
    along_rows = (np.abs(np.diff(pixels, axis=1)).sum(axis=2) <= colorbar.STRIP_SMOOTH_STEP) & \
        unlike_page[:, 1:] & unlike_page[:, :-1]
    down_columns = (np.abs(np.diff(pixels, axis=0)).sum(axis=2) <= colorbar.STRIP_SMOOTH_STEP) & \
        unlike_page[1:] & unlike_page[:-1]
    return along_rows, down_columns.T


def assert_masks_as_defined(rgb, page_rgb):
    across_rows, across_columns = strip_masks(rgb, page_rgb)
    expected_rows, expected_columns = masks_by_definition(rgb, page_rgb)
    assert across_rows.shape == expected_rows.shape and \
        across_columns.shape == expected_columns.shape
    assert np.array_equal(across_rows, expected_rows)
    assert np.array_equal(across_columns, expected_columns)
    return across_rows, across_columns


def test_the_sample_figure_s_masks_are_the_whole_figure_s():
    """matplotlib's viridis DEM with its colorbar, 1155 x 866 px: 14 bands, the last partial."""
    rgb = read_figure(str(FIGURE)).rgb
    assert rgb.shape[0] % colorbar.STRIP_MASK_BAND_ROWS != 0
    across_rows, across_columns = assert_masks_as_defined(rgb, (255, 255, 255))
    # The map and the bar are strip pixels, the page and the text are not.
    assert 0.2 < across_rows.mean() < 0.9 and 0.2 < across_columns.mean() < 0.9


@pytest.mark.parametrize("rows", [1, 2, colorbar.STRIP_MASK_BAND_ROWS,
                                  colorbar.STRIP_MASK_BAND_ROWS + 1,
                                  2 * colorbar.STRIP_MASK_BAND_ROWS + 3])
def test_strips_across_band_edges(rows):
    """Vertical colour strips of smooth ramps with noisy steps and page gaps, as many rows as
    a band, one more, two and a few: every pair, the ones across a band's edge too, as over
    the whole figure; a grey page as well as white (both sides of the contrast)."""
    generator = np.random.default_rng(rows)
    ramp = np.linspace(0, 255, rows * 7).reshape(rows, 7, 1).repeat(3, axis=2)
    noise = generator.integers(-12, 13, (rows, 7, 3))
    rgb = np.clip(ramp + noise, 0, 255).astype(np.uint8)
    rgb[generator.random((rows, 7)) < 0.2] = 240  # page-coloured pixels breaking the strips
    for page in ((255, 255, 255), (128, 128, 128)):
        assert_masks_as_defined(rgb, page)
