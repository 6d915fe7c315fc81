"""A random sweep of colorbars as renderers draw them: is each found and its range read?

Run by hand, never from the tests:

    /usr/bin/python3 bench/sweep_colorbars.py 1 7 11 23          # seeds; 16 cases each
    /usr/bin/python3 bench/sweep_colorbars.py --gmt 3 5           # GMT psscale cases too
    /usr/bin/python3 bench/sweep_colorbars.py --case '{"cmap": "hot", "dpi": 150}'

What it does
    For each seed, draws 16 matplotlib figures of matplotlib's topobathy grid with a colorbar
    (``tests/engine/test_detection_colorbars.render_bar_variant``), its variant drawn at random:
    colormap (among colormaps of every kind: diverging, white-ended, black-ended, cyclic),
    orientation, outline or none, extension triangles, reversal, label side, 72/100/150 dpi,
    PNG or JPEG at quality 60 or 85. With ``--gmt`` each seed also draws GMT ``psscale`` bars
    (Kilauea grid from ``/work/shared/data`` or ``$COLORMAP_DECODER_DATA``; colormap,
    orientation, triangles, reversal, label side, frame or none, 100/150 dpi, PNG/JPEG).
    Then ``detect_layout`` and ``read_figure_face`` (colorbar only) run on the pixels, as the
    plugin does.

    A case passes when the bar's box (as the plugin uses it, after its labels were read) is
    within 2 px of the renderer's truth, the value range
    read is within 0.5 % of the range, the direction (``flip``) is the truth's, and nothing
    else (a stretch of the map) is taken for a second colorbar: the issue's bars for the
    detection tests. The last line per seed counts the failures; the table at the
    end gives them per seed, and the detection time (layout + colorbar reading) per case.
"""
import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
sys.path.insert(0, str(HERE.parent / "tests" / "engine"))

from sample_figure import expose_package  # noqa: E402

expose_package()

import numpy as np  # noqa: E402
import test_detection_colorbars as bars  # noqa: E402

from colormap_decoder.plugin.engine.detection.figure_reading import read_figure_face  # noqa: E402
from colormap_decoder.plugin.engine.detection.layout import detect_layout  # noqa: E402
from colormap_decoder.plugin.engine.figure import read_figure  # noqa: E402

COLORMAPS = ["coolwarm", "Spectral", "terrain", "gist_earth", "Greys", "hot", "YlGnBu", "twilight",
             "cubehelix", "PuOr"]
GMT_COLORMAPS = ["turbo", "haxby", "polar", "gray", "hot", "jet", "viridis", "roma", "batlow",
                 "vik", "globe", "rainbow"]
CASES_PER_SEED = 16
GMT_CASES_PER_SEED = 6


def matplotlib_case(rng):
    """One random ``render_bar_variant`` keyword set (the draw order fixed: seeds repeat)."""
    kwargs = dict(cmap=str(rng.choice(COLORMAPS)), horizontal=bool(rng.integers(2)),
                  outline=bool(rng.integers(2)),
                  extend=str(rng.choice(["neither", "both", "min", "max"])),
                  reversed_bar=bool(rng.integers(2)), labels_on_far_side=bool(rng.integers(2)),
                  dpi=int(rng.choice([72, 100, 150])), jpeg_quality=rng.choice([None, 60, 85]))
    kwargs["jpeg_quality"] = None if kwargs["jpeg_quality"] is None else int(kwargs["jpeg_quality"])
    return kwargs


def run_matplotlib(folder, index, kwargs):
    suffix = ".jpg" if kwargs.get("jpeg_quality") else ".png"
    path = folder / f"mpl{index}{suffix}"
    truth, _, _ = bars.render_bar_variant(path, **kwargs)
    return path, truth, (bars.VMIN, bars.VMAX), kwargs.get("reversed_bar", False)


def gmt_case(rng):
    return dict(cmap=str(rng.choice(GMT_COLORMAPS)), horizontal=bool(rng.integers(2)),
                frame=bool(rng.integers(2)), triangles=str(rng.choice(["", "+e", "+eb", "+ef"])),
                reversed_bar=bool(rng.integers(2)), labels_on_far_side=bool(rng.integers(2)),
                dpi=int(rng.choice([100, 150])), jpeg_quality=rng.choice([None, 60, 85]))


def run_gmt_case(folder, index, kwargs):
    """A GMT map of the Kilauea grid and a psscale bar
    (``test_detection_colorbars.render_gmt_bar``); truth from the -D geometry."""
    data = Path(os.environ.get("COLORMAP_DECODER_DATA", "/work/shared/data"))
    work = Path(tempfile.mkdtemp(prefix=f"gmt{index}_", dir=folder))
    quality = kwargs["jpeg_quality"]
    path, truth = bars.render_gmt_bar(work, data / "gmtserver_Kilauea.utm.nc",
                                      **dict(kwargs, jpeg_quality=None if quality is None
                                             else int(quality)))
    return path, truth, (0.0, 1500.0), kwargs["reversed_bar"]


def evaluate(path, truth, value_range, flip):
    """(box error px, range error % or None, flip read, extensions, other bars, seconds)."""
    rgb = read_figure(str(path)).rgb
    started = time.perf_counter()
    layout = detect_layout(rgb)
    if layout.colorbar is None:
        return None, None, None, None, 0, time.perf_counter() - started
    reading = read_figure_face(rgb, layout, want_axes=False).colorbar
    # The box after its labels were read: the one the plugin samples, reports and leaves out
    # (a faded end is moved to its outermost tick then).
    error = float(np.abs(np.array(layout.colorbar.box) - np.array(truth)).max())
    seconds = time.perf_counter() - started
    low, high = value_range
    range_error = None if reading is None or reading.vmin is None else \
        max(abs(reading.vmin - low), abs(reading.vmax - high)) / (high - low) * 100
    return error, range_error, None if reading is None else reading.flip, \
        layout.colorbar.extensions, len(layout.other_colorbars), seconds


def passed(error, range_error, flip_read, flip, others=0):
    return error is not None and error <= bars.TOLERANCE_PX and range_error is not None and \
        range_error <= 0.5 and flip_read == flip and others == 0


def report(name, kwargs, result, flip):
    error, range_error, flip_read, extensions, others, seconds = result
    ok = passed(error, range_error, flip_read, flip, others)
    if error is None:
        text = "  NO BAR"
    else:
        shown = "  none" if range_error is None else f"{range_error:6.3f}"
        text = f"{error:6.2f}px range {shown}% flip {flip_read!s:5} ext {extensions}"
        if others:
            text += f" +{others} other bar(s)"
    print(f"{name:8} {text} {seconds:5.2f}s {json.dumps(kwargs)}{'' if ok else '  <-- FAIL'}",
          flush=True)
    return ok


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("seeds", nargs="*", type=int, default=[1, 7])
    parser.add_argument("--gmt", action="store_true", help="GMT psscale cases too")
    parser.add_argument("--no-matplotlib", action="store_true")
    parser.add_argument("--case", action="append", default=[],
                        help="one matplotlib case as JSON keyword arguments (no seeds run)")
    arguments = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="sweep_colorbars_"))
    if arguments.case:
        for index, text in enumerate(arguments.case):
            kwargs = json.loads(text)
            path, truth, value_range, flip = run_matplotlib(folder, index, kwargs)
            report(f"case {index}", kwargs, evaluate(path, truth, value_range, flip), flip)
        return
    table = []
    for seed in arguments.seeds:
        rng = np.random.default_rng(seed)
        failures, total, seconds = 0, 0, []
        if not arguments.no_matplotlib:
            for index in range(CASES_PER_SEED):
                kwargs = matplotlib_case(rng)
                path, truth, value_range, flip = run_matplotlib(folder, index, kwargs)
                result = evaluate(path, truth, value_range, flip)
                failures += not report(f"{seed}/{index}", kwargs, result, flip)
                total += 1
                seconds.append(result[-1])
        gmt_failures, gmt_total = 0, 0
        if arguments.gmt:
            rng = np.random.default_rng(seed + 1000)
            for index in range(GMT_CASES_PER_SEED):
                kwargs = gmt_case(rng)
                path, truth, value_range, flip = run_gmt_case(folder, index, kwargs)
                result = evaluate(path, truth, value_range, flip)
                kwargs["jpeg_quality"] = None if kwargs["jpeg_quality"] is None else \
                    int(kwargs["jpeg_quality"])
                gmt_failures += not report(f"{seed}/g{index}", kwargs, result, flip)
                gmt_total += 1
                seconds.append(result[-1])
        print(f"seed {seed}: matplotlib {failures}/{total} failing, GMT {gmt_failures}/{gmt_total}"
              f" failing", flush=True)
        table.append((seed, failures, total, gmt_failures, gmt_total, np.median(seconds)))
    print("\n| seed | matplotlib failing | GMT failing | median detection s |")
    print("|---|---|---|---|")
    for seed, failures, total, gmt_failures, gmt_total, median in table:
        print(f"| {seed} | {failures}/{total} | {gmt_failures}/{gmt_total} | {median:.2f} |")


if __name__ == "__main__":
    main()
