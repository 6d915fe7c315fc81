"""How long the decode window's live preview takes to follow a change, on 1 and 12 MP figures.

Run by hand, never from the tests:

    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/tmp/home-bench QT_QPA_PLATFORM=offscreen \
        /usr/bin/python3 bench/bench_preview.py [--megapixels 1 12] [--repeats 5]

What it does
    Renders the Vinschgau DEM as a journal figure of each size with ``bench_pipeline.render``
    (matplotlib, viridis, contours, colorbar). Then, in a headless QGIS, opens it in the real
    decode window and times ``DecodeWindow.update_preview`` (decode the reduced copy with the
    window's settings, colour it, draw it) after each kind of change the user makes:

    frame      the map frame dragged (same colour scale: the decoder is reused)
    range      the value range typed (the colour decoder is built again)
    colorbar   the colorbar box dragged, with the scale sampled from the colorbar (sampled
               again and the decoder built again)

    and the engine part alone (``PreviewDecoder.decode``) for the frame change. Median of
    ``--repeats`` runs each; figures larger than 1 MP are previewed on a reduced copy (every
    n-th pixel, n given as "step"). Opening the figure (reading it, showing it) is timed once.
"""
import argparse
import os
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(REPO, "tests"))


def median_seconds(function, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure(figure, repeats):
    from qgis.PyQt.QtCore import QRectF

    from colormap_decoder.ui.decode_window import DecodeWindow

    window = DecodeWindow()
    window.show()
    start = time.perf_counter()
    window.open_figure(figure["png"])
    opened = time.perf_counter() - start
    col0, row0, col1, row1 = figure["box"]
    window.colormap_edit.setText("viridis")
    window.vmin_edit.setText("0")
    window.vmax_edit.setText("4000")
    window.view.set_box("frame", QRectF(col0, row0, col1 - col0, row1 - row0))
    window.update_preview()
    results = {"open": opened, "step": window.preview.step,
               "pixels": window.preview.values.size}
    shrink = [0]

    def frame_change():
        shrink[0] = (shrink[0] + 1) % 4
        window.view.set_box("frame", QRectF(col0 + shrink[0], row0, col1 - col0 - shrink[0],
                                            row1 - row0))
        window.update_preview()

    def range_change():
        shrink[0] += 1
        window.vmax_edit.setText(str(4000 + shrink[0]))
        window.update_preview()

    results["frame"] = median_seconds(frame_change, repeats)
    results["range"] = median_seconds(range_change, repeats)
    settings = window.decode_settings()
    results["engine frame"] = median_seconds(lambda: window.preview_decoder.decode(settings),
                                             repeats)
    # The colorbar: right of the axes in bench_pipeline's layout.
    width = figure["width"]
    bar_left = col1 + round(0.03 * width)
    bar = [bar_left + 2, row0 + 2, bar_left + round(0.025 * width) - 2, row1 - 2]
    window.vmax_edit.setText("4000")
    window.colorbar_radio.setChecked(True)

    def colorbar_change():
        shrink[0] = (shrink[0] + 1) % 4
        window.view.set_box("colorbar", QRectF(bar[0], bar[1] + shrink[0], bar[2] - bar[0],
                                               bar[3] - bar[1] - shrink[0]))
        window.update_preview()

    results["colorbar"] = median_seconds(colorbar_change, repeats)
    results["data"] = window.preview.data_fraction
    window.close()
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--megapixels", type=float, nargs="+", default=[1, 12])
    parser.add_argument("--repeats", type=int, default=5)
    arguments = parser.parse_args()
    from sample_figure import start_qgis_with_provider

    app, provider = start_qgis_with_provider()  # noqa: F841 - kept alive
    from bench_pipeline import render

    rows = []
    with tempfile.TemporaryDirectory(prefix="bench_preview_") as folder:
        for megapixels in arguments.megapixels:
            figure = render(folder, megapixels, blocky=False)
            result = measure(figure, arguments.repeats)
            rows.append((figure, result))
    print(f"Preview update in the decode window (median of {arguments.repeats}; "
          f"{os.cpu_count()} cores)")
    print(f"{'figure':>12} {'step':>4} {'preview px':>10} {'open s':>7} {'frame ms':>9} "
          f"{'range ms':>9} {'colorbar ms':>11} {'engine ms':>9} {'data %':>6}")
    for figure, result in rows:
        print(f"{figure['width']}x{figure['height']:<7} {result['step']:>4} "
              f"{result['pixels']:>10,} {result['open']:>7.2f} {1000 * result['frame']:>9.0f} "
              f"{1000 * result['range']:>9.0f} {1000 * result['colorbar']:>11.0f} "
              f"{1000 * result['engine frame']:>9.0f} {100 * result['data']:>6.1f}")


if __name__ == "__main__":
    main()
