"""Time of reading a figure's own face (frame, colorbar, colormap, labels, fits) on 1 and 12 MP.

Run by hand, never from the tests:

    /usr/bin/python3 bench/bench_detection.py [--megapixels 1 12] [--repeat 3]
        [--code OTHER_CHECKOUT]

What it does
    Renders the bundled Vinschgau DEM as the sample figure is drawn (matplotlib, viridis,
    contours, colorbar, UTM axes in metres) at the requested sizes (4:3, same layout, the dpi
    scaled so text and lines grow with the figure as a higher-resolution export does), then
    times, each best of ``--repeat`` runs in this process:

    layout     ``detection.layout.detect_layout`` (frame and colorbar boxes)
    colormap   sampling the bar and ``colormap_match.recognise_colormap`` (the registry's
               tables cached by a first, untimed call)
    labels     ``figure_reading.read_figure_face`` (glyphs, OCR of every tick label, fits)
    decode     ``pipeline.decode_map`` with every box and number given (the run detection saves
               the user from preparing), for the share detection adds to a whole run.

    The OCR engine is started once before timing (Tesseract's model load, ~0.1 s, is paid once
    per QGIS session). ``--code`` times another checkout's engine (e.g. a worktree of main) on
    the same renders, for a before/after table.
"""
import argparse
import os
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests"))


def render(folder, megapixels):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    import rasterio

    with rasterio.open(os.path.join(HERE, "..", "sample", "terra_elev_vinschgau.tif")) as dataset:
        elevation = dataset.read(1, masked=True)
        left, bottom, right, top = dataset.bounds
    width_px = int(round((megapixels * 1e6 * 4 / 3) ** 0.5))
    dpi = width_px / 9.0
    figure = plt.figure(figsize=(9, 6.75), dpi=dpi)
    axes = figure.add_axes([0.12, 0.12, 0.64, 0.78])
    bar_axes = figure.add_axes([0.8, 0.12, 0.025, 0.78])
    image = axes.imshow(elevation, cmap="viridis", vmin=0, vmax=4000, aspect="auto",
                        extent=(left, right, bottom, top), interpolation="bilinear")
    axes.contour(np.linspace(left, right, elevation.shape[1]),
                 np.linspace(top, bottom, elevation.shape[0]), elevation,
                 levels=[1000, 2000, 3000], colors="black", linewidths=0.6)
    axes.set_xlabel("Easting (m)")
    axes.set_ylabel("Northing (m)")
    figure.colorbar(image, cax=bar_axes, label="Elevation (m)")
    path = os.path.join(folder, f"figure_{megapixels:g}mp.png")
    figure.savefig(path, dpi=dpi)
    plt.close(figure)
    return path


CPU_SECONDS = {}


def best_of(repeat, function, name=None):
    """Best wall time of ``repeat`` runs; the CPU time (all threads) of that run is kept in
    CPU_SECONDS[name]: on a shared machine it moves less than the wall time, and it shows
    threads that spin (Tesseract's OpenMP) where the wall time only shows waiting."""
    times = []
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        result = function()
        times.append((time.perf_counter() - start, time.process_time() - cpu))
    wall, cpu = min(times)
    if name:
        CPU_SECONDS[name] = cpu
    return wall, result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--megapixels", type=float, nargs="+", default=[1, 12])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--code", help="the checkout whose engine detects (default: this one)")
    args = parser.parse_args()
    from sample_figure import expose_package

    expose_package(args.code)
    from colormap_decoder.plugin.engine.colour_scales import sample_colorbar
    from colormap_decoder.plugin.engine.detection.colormap_match import recognise_colormap
    from colormap_decoder.plugin.engine.detection.figure_reading import read_figure_face
    from colormap_decoder.plugin.engine.detection.layout import detect_layout, pixel_box_to_extent
    from colormap_decoder.plugin.engine.detection.ocr import ocr_available
    from colormap_decoder.plugin.engine.figure import read_figure
    from colormap_decoder.plugin.engine.pipeline import DecodeSettings, decode_map

    assert ocr_available(), "Tesseract OCR is needed (make deps)"
    print(f"{'figure':>14} {'layout s':>9} {'colormap s':>10} {'labels s':>9} {'labels':>6} "
          f"{'detect total s':>14} {'detect CPU s':>12} {'decode s':>9} {'share':>6}")
    with tempfile.TemporaryDirectory() as folder:
        for megapixels in args.megapixels:
            path = render(folder, megapixels)
            figure = read_figure(path)
            rows, cols = figure.shape
            layout_s, layout = best_of(args.repeat, lambda: detect_layout(figure.rgb), "layout")
            fractions, colours = sample_colorbar(figure.rgb, layout.colorbar.pixel_box())
            recognise_colormap(fractions, colours)  # builds the registry's table cache
            colormap_s, _ = best_of(args.repeat, lambda: recognise_colormap(
                fractions, colours, layout.colorbar.across_spread), "colormap")
            labels_s, reading = best_of(args.repeat, lambda: read_figure_face(figure.rgb, layout),
                                        "labels")
            count = sum(len(axis.labels) for axis in
                        (reading.x_axis, reading.y_axis, reading.colorbar.axis) if axis)
            gcps = os.path.join(folder, "gcps.csv")
            x_fit, y_fit = reading.x_axis.fit, reading.y_axis.fit
            left, top, right, bottom = layout.frame.box
            with open(gcps, "w", encoding="utf-8") as handle:
                handle.write("pixel_x,pixel_y,map_x,map_y\n")
                for px, py in ((left, top), (right, top), (left, bottom), (right, bottom)):
                    handle.write(f"{px},{py},{float(x_fit.value_at(px))},"
                                 f"{float(y_fit.value_at(py)) * reading.y_axis.multiplier}\n")
            settings = DecodeSettings(
                figure_path=path, colormap="viridis", vmin=0, vmax=4000, gcps_path=gcps,
                gcp_crs="EPSG:32632",
                plot_area_extent=pixel_box_to_extent(layout.frame.inner_pixel_box()),
                colorbar_extent=None)
            decode_s, _ = best_of(1, lambda: decode_map(settings))
            detect = layout_s + colormap_s + labels_s
            print(f"{cols:>6}x{rows:<7} {layout_s:>9.3f} {colormap_s:>10.3f} {labels_s:>9.3f} "
                  f"{count:>6} {detect:>14.3f} {sum(CPU_SECONDS.values()):>12.3f} {decode_s:>9.3f} "
                  f"{100 * detect / (detect + decode_s):>5.0f}%")


if __name__ == "__main__":
    main()
