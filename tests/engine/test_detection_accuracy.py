"""Issue 17's accuracy bar for the automatic decode, figure by figure: the decode with nothing
but GCP_CRS against the same figure decoded with hand-given parameters (the renderer's own
GCPs, the colormap and range it was drawn with), both against the grid that was drawn.

The error is measured as a user feels it: each output pixel's value against the drawn grid at
that pixel's map position, so a georeferencing a fraction of a pixel off costs as much as a
wrong colour on a steep slope.
"""
import numpy as np
from sample_figure import FIGURE, POINTS_FILE, TRUTH, sample_extents

from colormap_decoder.plugin.engine.pipeline import DecodeSettings, decode_map


def truth_on_output(result, truth_path, crs):
    """The truth raster resampled bilinearly (as matplotlib drew it) on the output's grid."""
    import rasterio
    from affine import Affine
    from rasterio.warp import Resampling, reproject

    expected = np.full(result.values.shape, np.nan, np.float32)
    with rasterio.open(truth_path) as truth:
        reproject(rasterio.band(truth, 1), expected,
                  dst_transform=Affine.from_gdal(*result.grid.geotransform), dst_crs=crs,
                  dst_nodata=np.nan, resampling=Resampling.bilinear)
    return expected


def p95_error(result, expected):
    values = np.asarray(result.values, float)
    both = np.isfinite(values) & np.isfinite(expected)
    return float(np.percentile(np.abs(values[both] - expected[both]), 95))


def test_sample_auto_decode_within_twice_the_hand_decode():
    """The bundled sample (UTM metres, y labels with matplotlib's '1e6'): its pixel-snapped tick
    marks and label rows place the GCPs within a tenth of a pixel, so the automatic decode's
    p95 error stays within twice the hand-given one (it was 2.9× with GCPs at the rounded tick
    marks themselves)."""
    plot_area = tuple(float(v) for v in sample_extents()["PLOT_AREA"].split(","))
    auto = decode_map(DecodeSettings(figure_path=str(FIGURE), gcp_crs="EPSG:32632",
                                     scale_automatic=True))
    hand = decode_map(DecodeSettings(figure_path=str(FIGURE), colormap="viridis", vmin=0,
                                     vmax=4000, gcps_path=str(POINTS_FILE),
                                     gcp_crs="EPSG:32632", plot_area_extent=plot_area))
    auto_p95 = p95_error(auto, truth_on_output(auto, TRUTH, "EPSG:32632"))
    hand_p95 = p95_error(hand, truth_on_output(hand, TRUTH, "EPSG:32632"))
    print("p95 error (m): auto", auto_p95, "hand", hand_p95)
    assert auto_p95 <= 2 * hand_p95, (auto_p95, hand_p95)
    # The georeferencing itself: the output grid's corner within a fifth of a pixel of the
    # renderer's (the hand decode's grid starts a pixel further out: its plot area is wider).
    auto_gt, hand_gt = auto.grid.geotransform, hand.grid.geotransform
    column = (auto_gt[0] - hand_gt[0]) / hand_gt[1]
    row = (auto_gt[3] - hand_gt[3]) / hand_gt[5]
    assert abs(column - round(column)) <= 0.2 and abs(row - round(row)) <= 0.2, (column, row)
    assert abs(auto_gt[5] / hand_gt[5] - 1) <= 0.001
