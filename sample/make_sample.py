"""Render the bundled sample figure from a real DEM, with its ground control points.

The 250 m DEM of the Vinschgau valley (Italian Alps, UTM zone 32N) is drawn with matplotlib the
way a journal figure is drawn: viridis colormap, colorbar, title, axis labels and black contour
lines over the data. The GCPs are read from matplotlib's own axes transform at round UTM
coordinates, and written as a QGIS Georeferencer ``.points`` file (pixel y as -row).

usage: /usr/bin/python3 sample/make_sample.py [DEM] [OUTPUT_FOLDER]
"""
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import rasterio  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DEM = os.path.join(HERE, "terra_elev_vinschgau.tif")
VMIN, VMAX = 0.0, 4000.0
GCP_EASTINGS = (600_000, 630_000, 660_000)
GCP_NORTHINGS = (5_146_000, 5_170_000, 5_192_000)


def render(dem_path, folder):
    with rasterio.open(dem_path) as dataset:
        elevation = dataset.read(1, masked=True)
        left, bottom, right, top = dataset.bounds
        crs_wkt = dataset.crs.to_wkt()
    figure = plt.figure(figsize=(9, 6), dpi=100)
    # Axes edges on whole pixels: Agg snaps an image's origin to the pixel grid, which would
    # otherwise shift the picture by up to half a pixel from where the axes say it is.
    axes = figure.add_axes([112 / 900, 82 / 600, 560 / 900, 431 / 600])
    colorbar_axes = figure.add_axes([700 / 900, 82 / 600, 20 / 900, 431 / 600])
    image = axes.imshow(elevation, cmap="viridis", vmin=VMIN, vmax=VMAX, aspect="auto",
                        extent=(left, right, bottom, top), interpolation="bilinear")
    x = np.linspace(left, right, elevation.shape[1], endpoint=False) + 125
    y = np.linspace(top, bottom, elevation.shape[0], endpoint=False) - 125
    axes.contour(x, y, elevation, levels=[1000, 2000, 3000], colors="black", linewidths=0.6)
    axes.set_title("Vinschgau, 250 m DEM")
    axes.set_xlabel("Easting (m, UTM 32N)")
    axes.set_ylabel("Northing (m)")
    figure.colorbar(image, cax=colorbar_axes, label="Elevation (m)")
    figure.canvas.draw()
    height = figure.canvas.get_width_height()[1]
    png = os.path.join(folder, "vinschgau_viridis.png")
    figure.savefig(png, dpi=100)

    lines = [f"#CRS: {crs_wkt}", "mapX,mapY,pixelX,pixelY,enable,dX,dY,residual"]
    for easting in GCP_EASTINGS:
        for northing in GCP_NORTHINGS:
            display_x, display_y = axes.transData.transform((easting, northing))
            # Display y grows upwards from the bottom edge; the Georeferencer's pixelY is -row.
            lines.append(f"{easting},{northing},{display_x!r},{-(height - display_y)!r},1,0,0,0")
    with open(png + ".points", "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")

    # The axes box, to be passed as PLOT_AREA (x = column, y = -row).
    (x0, y0), (x1, y1) = axes.get_window_extent().get_points()
    (c0, d0), (c1, d1) = colorbar_axes.get_window_extent().get_points()
    with open(os.path.join(folder, "vinschgau_viridis.extents.txt"), "w", encoding="utf-8") as handle:
        handle.write(f"PLOT_AREA={x0:.1f},{x1:.1f},{y0 - height:.1f},{y1 - height:.1f}\n")
        handle.write(f"COLORBAR={c0:.1f},{c1:.1f},{d0 - height:.1f},{d1 - height:.1f}\n")
    plt.close(figure)
    return png


if __name__ == "__main__":
    dem = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_DEM
    out = sys.argv[2] if len(sys.argv) > 2 else HERE
    print(render(dem, out))
