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


def _changed_colormap(name, weight_at, colour):
    """matplotlib's ``name`` blended towards ``colour`` with ``weight_at(t)`` (0-1) along it."""
    from matplotlib import colormaps
    from matplotlib.colors import ListedColormap, to_rgba

    fractions = np.linspace(0.0, 1.0, 256)
    weight = np.clip(weight_at(fractions), 0.0, 1.0)[:, None]
    colours = colormaps[name](fractions) * (1 - weight) + np.array(to_rgba(colour)) * weight
    return ListedColormap(colours, name=f"{name}-changed")


@pytest.mark.parametrize("jpeg", [None, 60])
@pytest.mark.parametrize("cmap", [
    # A known map's last 15-20 % bent to another colour: close on average.
    _changed_colormap("viridis", lambda t: (t - 0.85) / 0.15, "#ff8000"),
    _changed_colormap("Blues", lambda t: (t - 0.8) / 0.2, "#3f007d"),
    # A known map with a bump of another colour 16 % of its length wide (its middle, a third).
    _changed_colormap("viridis", lambda t: 1 - np.abs(t - 0.5) / 0.08, "#e04040"),
    _changed_colormap("magma", lambda t: 1 - np.abs(t - 0.3) / 0.06, "#20a020"),
], ids=["viridis-bent", "Blues-bent", "viridis-bump", "magma-bump"])
def test_a_close_colormap_is_not_taken_for_the_known_one_through_jpeg_noise(tmp_path, cmap, jpeg):
    """The worst difference between a bar and a scale is taken over 9 neighbouring samples
    averaged (a JPEG's ringing averages out, sweep_qgis_layouts seed 31 #5): a colormap that
    differs from a known one over a stretch of its length is still not that one, in a PNG
    and through a quality 60 JPEG's noise."""
    grid, extent = topobathy()
    suffix = ".jpg" if jpeg else ".png"
    render_matplotlib(grid, extent, tmp_path / f"figure{suffix}", cmap=cmap, jpeg_quality=jpeg,
                      degrees=False)
    assert recognised(tmp_path / f"figure{suffix}") is None
