"""Make the golden outputs the optimisations must keep (tests/engine/test_golden_outputs.py).

Run once with the engine *before* an optimisation (the outputs stored here were made by the
engine of commit 2128481 (main with the figure-pixel output grid), before issue 11's speed work,
and made again when issue 15 deliberately changed the decoded values: continuous scales
projected in sRGB with exact colours through the renderer's rounding, classes of a LEVELS
figure in the table entry matplotlib paints them with, a threshold from the figure's noise and
line edges left out, proven by the accuracy tests):

    /usr/bin/python3 tests/data/make_golden.py [--figures-only]

Figures (kept here, so the goldens do not depend on the renderer of the machine that tests):

* ``jacksboro_contourf.png``: matplotlib's Jacksboro fault DEM filled by ``contourf`` in nine
  discrete viridis classes, with black contour lines, GCPs in lon/lat (EPSG:4326).
* ``jacksboro_palette.png``: the same figure saved as a 256-colour palette PNG.
* ``jacksboro_blocky.png``: the DEM averaged over 8 × 8 cells, drawn with ``imshow``
  nearest (one plateau per cell), GCPs in lon/lat, output in UTM 16N (a warp to another CRS).
* the bundled sample ``sample/vinschgau_viridis.png`` (bilinear, contours, .points GCPs in UTM).

For each, ``<name>.golden.npz`` holds the decoded figure-frame values and classes, every
point's attributes and the output raster of ``pipeline.decode_map``.
"""
import argparse
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "golden"
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO / "tests"))
LEVELS = tuple(range(200, 1101, 100))


def cases():
    """name -> DecodeSettings keyword arguments (paths absolute)."""
    from sample_figure import FIGURE, POINTS_FILE, sample_extents

    extent = tuple(float(v) for v in sample_extents()["PLOT_AREA"].split(","))
    jacksboro_box = (110.0, 690.0, -530.0, -70.0)  # render_grid's default plot box
    return {
        "vinschgau_sample": dict(figure_path=str(FIGURE), colormap="viridis", vmin=0.0,
                                 vmax=4000.0, plot_area_extent=extent,
                                 gcps_path=str(POINTS_FILE), target_crs="EPSG:32632"),
        "jacksboro_contourf": dict(figure_path=str(GOLDEN / "jacksboro_contourf.png"),
                                   colormap="viridis", levels=LEVELS,
                                   plot_area_extent=jacksboro_box,
                                   gcps_path=str(GOLDEN / "jacksboro_contourf.gcps.csv"),
                                   gcp_crs="EPSG:4326"),
        "jacksboro_palette": dict(figure_path=str(GOLDEN / "jacksboro_palette.png"),
                                  colormap="viridis", levels=LEVELS,
                                  plot_area_extent=jacksboro_box,
                                  gcps_path=str(GOLDEN / "jacksboro_contourf.gcps.csv"),
                                  gcp_crs="EPSG:4326"),
        "jacksboro_blocky": dict(figure_path=str(GOLDEN / "jacksboro_blocky.png"),
                                 colormap="viridis", vmin=200.0, vmax=1100.0,
                                 plot_area_extent=jacksboro_box,
                                 gcps_path=str(GOLDEN / "jacksboro_blocky.gcps.csv"),
                                 gcp_crs="EPSG:4326", target_crs="EPSG:32616",
                                 # The plateau reduction, as when the golden was made (before
                                 # NATIVE_GRID, which reads such a figure cell by cell).
                                 native_grid="off"),
    }


def make_figures():
    from figures_for_tests import jacksboro_dem, render_grid
    from PIL import Image

    grid, extent = jacksboro_dem()
    figure = render_grid(grid, extent, GOLDEN / "jacksboro_contourf.png", levels=LEVELS)
    figure.gcps_csv(GOLDEN / "jacksboro_contourf.gcps.csv")
    with Image.open(GOLDEN / "jacksboro_contourf.png") as image:
        image.convert("RGB").quantize(256, method=Image.Quantize.MEDIANCUT).save(
            GOLDEN / "jacksboro_palette.png")
    rows, cols = (s // 8 * 8 for s in grid.shape)
    blocks = grid[:rows, :cols].reshape(rows // 8, 8, cols // 8, 8).mean(axis=(1, 3))
    left, right, bottom, top = extent
    block_extent = (left, left + cols * (right - left) / grid.shape[1],
                    top - rows * (top - bottom) / grid.shape[0], top)
    figure = render_grid(blocks, block_extent, GOLDEN / "jacksboro_blocky.png", vmin=200,
                         vmax=1100, interpolation="nearest", overlays=False)
    figure.gcps_csv(GOLDEN / "jacksboro_blocky.gcps.csv")


def outputs(settings_kwargs):
    """The arrays a golden holds, from one decode_map run."""
    from colormap_decoder.plugin.engine.pipeline import DecodeSettings, decode_map

    result = decode_map(DecodeSettings(**settings_kwargs))
    clusters, points = result.points.clusters, result.points
    empty = np.zeros(0, np.float32)
    return dict(
        field_values=result.field.values,
        field_classes=empty if result.field.class_index is None else result.field.class_index,
        pixel_x=clusters.pixel_x, pixel_y=clusters.pixel_y, value=clusters.value,
        value_std=clusters.value_std, n_pixels=clusters.n_pixels, snapped=clusters.snapped,
        x=points.x, y=points.y, area_m2=points.area_m2,
        raster=result.values, raster_geotransform=np.array(result.grid.geotransform),
        rmse=np.array(np.nan if result.reconstruction is None else result.reconstruction.rmse))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--figures-only", action="store_true")
    args = parser.parse_args()
    from sample_figure import expose_package

    expose_package()
    GOLDEN.mkdir(exist_ok=True)
    if not (GOLDEN / "jacksboro_contourf.png").exists():
        make_figures()
    if args.figures_only:
        return
    for name, settings in cases().items():
        np.savez_compressed(GOLDEN / f"{name}.golden.npz", **outputs(settings))
        print(name, "written")


if __name__ == "__main__":
    main()
