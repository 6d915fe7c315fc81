"""Known colormaps recognised in a figure's colorbar (issue 17), and unknown ones not."""
import numpy as np
import pytest
from figures_for_detection import render_matplotlib
from figures_for_tests import topobathy
from matplotlib.colors import LinearSegmentedColormap

from colormap_decoder.plugin.engine.colour_scales import sample_colorbar
from colormap_decoder.plugin.engine.detection.colormap_match import recognise_colormap
from colormap_decoder.plugin.engine.detection.layout import detect_layout
from colormap_decoder.plugin.engine.figure import read_figure


def recognised(path):
    rgb = read_figure(str(path)).rgb
    layout = detect_layout(rgb)
    fractions, colours = sample_colorbar(rgb, layout.colorbar.pixel_box())
    return recognise_colormap(fractions, colours, layout.colorbar.across_spread)


@pytest.mark.parametrize("cmap, expected, jpeg", [
    ("viridis", "matplotlib:viridis", None),
    ("magma_r", "matplotlib:magma_r", None),       # a reversed map, either direction
    ("RdBu_r", "matplotlib:RdBu_r", None),
    ("cividis", "matplotlib:cividis", 75),         # through JPEG's colour noise
    ("cet_fire", "colorcet:fire", None),          # colorcet, drawn by matplotlib
])
def test_known_colormaps_are_recognised(tmp_path, cmap, expected, jpeg):
    if cmap.startswith("cet_"):
        import colorcet  # noqa: F401 - registers the cet_ colormaps with matplotlib
    grid, extent = topobathy()
    suffix = ".jpg" if jpeg else ".png"
    render_matplotlib(grid, extent, tmp_path / f"figure{suffix}", cmap=cmap, jpeg_quality=jpeg,
                      degrees=False)
    found = recognised(tmp_path / f"figure{suffix}")
    assert found is not None, cmap
    assert found.mean_delta_e < 2.5
    # The name found, or an alias with the same colours (matplotlib registers colorcet's
    # maps under their CET names too).
    from colormap_decoder.plugin.engine.colour_decoding import srgb_to_lab
    from colormap_decoder.plugin.engine.colour_scales import resolve_colour_scale

    fractions = np.linspace(0, 1, 101)
    same = np.linalg.norm(srgb_to_lab(resolve_colour_scale(found.name).colour_at(fractions))
                          - srgb_to_lab(resolve_colour_scale(expected).colour_at(fractions)),
                          axis=1)
    assert same.max() < 1.0, (found.name, expected)


def test_an_unknown_colormap_is_not_forced_onto_a_known_one(tmp_path):
    grid, extent = topobathy()
    own = LinearSegmentedColormap.from_list("own", ["#2a0a5e", "#f2a541", "#40c9a2", "#fefefe"])
    render_matplotlib(grid, extent, tmp_path / "own.png", cmap=own, degrees=False)
    assert recognised(tmp_path / "own.png") is None


def test_a_discrete_bar_is_not_matched_to_a_continuous_map(tmp_path):
    grid, extent = topobathy()
    render_matplotlib(grid, extent, tmp_path / "bands.png", cmap="viridis", degrees=False,
                      levels=np.linspace(-1500, 2500, 6))
    assert recognised(tmp_path / "bands.png") is None
