"""GMT figures across frame types, projections, resolutions and formats: is each read right?

Run by hand, never from the tests (a 300 dpi case takes a minute on a shared machine):

    /usr/bin/python3 bench/sweep_gmt_frames.py                     # 48 cases
    /usr/bin/python3 bench/sweep_gmt_frames.py --dpi 72 100 200 --frame fancy --format jpeg60
    /usr/bin/python3 bench/sweep_gmt_frames.py --frame inside --keep /tmp/inside   # keep them
    /usr/bin/python3 bench/sweep_gmt_frames.py --frame inside --keep /tmp/inside --reuse \
        --code /work/wt/base --verbose       # the same figures, another checkout's engine

What it does
    Draws GMT figures (``grdimage`` + ``psscale``, rasterised by Ghostscript through
    ``psconvert``) on every combination asked: the map frame ``plain``, ``fancy`` or ``inside``
    (``MAP_FRAME_TYPE``), the projection (``mercator``: the ocean-floor age grid under ``-JM``,
    labels in degrees; ``linear``: the Kilauea UTM grid under ``-JX``, labels in metres), the
    resolution (``-E`` dpi), PNG or JPEG (quality 60 or 85), and a horizontal bar below the
    map (``-DJBC``) or a vertical one beside it (``-DJRM``). Then ``detect_layout`` and
    ``read_figure_face`` read it as the plugin does, and the findings are compared with GMT's
    own geometry (``mapproject`` for the frame and each tick; the ``-D`` placement for the
    bar). ``--keep FOLDER`` keeps each case's figure in a folder named after it, ``--reuse``
    reads the figures kept there instead of drawing them again, ``--code`` reads them with
    another checkout's engine (a before/after table on the same figures) and ``--verbose``
    prints each axis' labels as read (text, centre, value, kept) and its problem:

    * frame px / bar px: largest difference of a box edge from GMT's, pixels;
    * range %: largest difference of the bar's ends' values from the .cpt's, % of the range;
    * x / y: labels kept and the largest distance between where the axis' fit puts a kept
      label's value and where GMT put its tick, pixels (the GCPs' error).

    A case is flagged (``<--``) beyond the issue's bars: frame or bar beyond 2 px, range
    beyond 0.5 %, an axis refused or placing a tick more than 1 px off. Data from
    ``$COLORMAP_DECODER_DATA`` or ``../shared/data``.
"""
import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from figures_for_detection import run_gmt as run_gmt_in_tests  # noqa: E402
from sample_figure import expose_package  # noqa: E402


def _code_argument():
    """``--code``'s checkout, read before the engine is imported (``expose_package``)."""
    arguments = sys.argv[1:]
    for index, argument in enumerate(arguments):
        if argument.startswith("--code="):
            return argument.split("=", 1)[1]
        if argument == "--code" and index + 1 < len(arguments):
            return arguments[index + 1]
    return None


expose_package(_code_argument())

import numpy as np  # noqa: E402

from colormap_decoder.plugin.engine.detection.figure_reading import read_figure_face  # noqa: E402
from colormap_decoder.plugin.engine.detection.layout import detect_layout  # noqa: E402
from colormap_decoder.plugin.engine.figure import read_figure  # noqa: E402

REPO = HERE.parent
DATA = Path(os.environ.get("COLORMAP_DECODER_DATA") or next(
    (parent / "shared" / "data" for parent in REPO.parents
     if (parent / "shared" / "data").is_dir()), REPO.parent / "shared" / "data"))
#: Per projection: grid, region, projection, colormap and its range, the map's offset (in).
MAPS = {
    "mercator": ("gmtserver_age.3.20.nc", (-60.0, -20.0, -40.0, 0.0), "M4.5i", "turbo", 180.0),
    "linear": ("gmtserver_Kilauea.utm.nc", (254340.0, 280020.0, 2129880.0, 2153640.0),
               "X4.5i/4.16i", "viridis", 1500.0),
}
X_OFFSET, Y_OFFSET = 1.0, 1.8


def run_gmt(folder, *commands):
    """The tests' GMT runner, with room for this sweep's larger pages."""
    return run_gmt_in_tests(folder, *commands, timeout=300)


def to_pixels(folder, region, projection, points, rows, dpi):
    """GMT's placement of (x, y) map points, pixels (rows count from the image's bottom)."""
    text = "\n".join(f"{x!r} {y!r}" for x, y in points)
    (folder / "points.txt").write_text(text + "\n")
    output = run_gmt(folder, f"gmt mapproject points.txt -R{region} -J{projection} -Di")
    inches = np.array([[float(v) for v in line.split()[:2]]
                       for line in output.strip().splitlines()])
    return (X_OFFSET + inches[:, 0]) * dpi, rows - (Y_OFFSET + inches[:, 1]) * dpi


def run_case(folder, projection_name, frame_type, dpi, image_format, horizontal, reuse=False,
             verbose=False):
    grid, bounds, projection, cmap, top = MAPS[projection_name]
    region = "/".join(repr(v) for v in bounds)
    bar = "-DJBC+w4i/0.2i+o0/0.5i+h" if horizontal else "-DJRM+w3.5i/0.2i+o0.5i/0"
    kept = folder / ("fig.png" if image_format == "png" else "fig.jpg")
    if not (reuse and kept.is_file()):
        draw_case(folder, grid, region, projection, cmap, top, bar, frame_type, dpi,
                  image_format)
    return measure_case(folder, kept, region, projection, bounds, top, dpi, horizontal, verbose)


def draw_case(folder, grid, region, projection, cmap, top, bar, frame_type, dpi,
              image_format):
    """GMT's figure of the case, in ``folder`` (fig.png, and fig.jpg for a JPEG)."""
    run_gmt(folder,
            f"gmt makecpt -C{cmap} -T0/{top!r} > bar.cpt",
            f"gmt set PS_MEDIA 7.5ix7.8i MAP_FRAME_TYPE {frame_type}",
            f"gmt grdimage {DATA / grid} -R{region} -J{projection} -Cbar.cpt -X{X_OFFSET}i "
            f"-Y{Y_OFFSET}i -P -Baf -BWSne -K > fig.ps",
            f"gmt psscale -R -J -Cbar.cpt {bar} -Bxaf -O >> fig.ps",
            f"gmt psconvert fig.ps -Tg -E{dpi}")
    if image_format != "png":
        from PIL import Image

        Image.open(folder / "fig.png").convert("RGB").save(folder / "fig.jpg",
                                                           quality=int(image_format[4:]))


def measure_case(folder, path, region, projection, bounds, top, dpi, horizontal, verbose):
    """The case's figure read as the plugin does, against GMT's geometry (see the module)."""
    rgb = read_figure(str(path)).rgb
    rows = rgb.shape[0]
    west, east, south, north = bounds
    cols, rows_ = to_pixels(folder, region, projection, [(west, south), (east, north)], rows, dpi)
    frame = np.array([cols[0], rows_[1], cols[1], rows_[0]])
    if horizontal:
        middle = 0.5 * (frame[0] + frame[2])
        bar_box = np.array([middle - 2 * dpi, frame[3] + 0.5 * dpi, middle + 2 * dpi,
                            frame[3] + 0.7 * dpi])
    else:
        middle = 0.5 * (frame[1] + frame[3])
        bar_box = np.array([frame[2] + 0.5 * dpi, middle - 1.75 * dpi, frame[2] + 0.7 * dpi,
                            middle + 1.75 * dpi])
    started = time.perf_counter()
    layout = detect_layout(rgb)
    reading = read_figure_face(rgb, layout)
    seconds = time.perf_counter() - started
    result = {"seconds": seconds}
    result["frame"] = None if layout.frame is None else \
        float(np.abs(np.array(layout.frame.box) - frame).max())
    result["bar"] = None if layout.colorbar is None else \
        float(np.abs(np.array(layout.colorbar.box) - bar_box).max())
    bar_reading = reading.colorbar
    result["range"] = None if bar_reading is None or bar_reading.vmin is None else \
        max(abs(bar_reading.vmin), abs(bar_reading.vmax - top)) / top * 100
    for name, axis in (("x", reading.x_axis), ("y", reading.y_axis)):
        if verbose and axis is not None:
            print(f"  {name}: {axis.placement} {axis.side}: "
                  + ", ".join(f"{label.text!r}@({0.5 * (label.box[0] + label.box[2]):.0f},"
                              f"{0.5 * (label.box[1] + label.box[3]):.0f})={label.value}"
                              f"{'' if label.kept else '(out)'}" for label in axis.labels)
                  + f" | {axis.problem}")
        if axis is None or axis.fit is None:
            result[name] = ("refused", (axis.problem if axis is not None else "no frame"))
            continue
        values = [label.value for label in axis.kept]
        points = [(v, south) if name == "x" else (west, v) for v in values]
        cols, rows_ = to_pixels(folder, region, projection, points, rows, dpi)
        truth = cols if name == "x" else rows_
        placed = np.array([axis.fit.position_of(v) for v in values])
        result[name] = (len(values), float(np.abs(placed - truth).max()))
    return result


def flagged(result):
    def beyond(key, limit):
        return result[key] is None or result[key] > limit

    axes_bad = any(result[name][0] == "refused" or result[name][1] > 1.0 for name in "xy")
    return beyond("frame", 2.0) or beyond("bar", 2.0) or beyond("range", 0.5) or axes_bad


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projection", nargs="+", default=sorted(MAPS), choices=sorted(MAPS))
    parser.add_argument("--frame", nargs="+", default=["plain", "fancy"],
                        choices=["plain", "fancy", "inside"])
    parser.add_argument("--dpi", nargs="+", type=int, default=[72, 150, 300])
    parser.add_argument("--format", nargs="+", default=["png", "jpeg60"],
                        choices=["png", "jpeg60", "jpeg85"])
    parser.add_argument("--bar", nargs="+", default=["h", "v"], choices=["h", "v"])
    parser.add_argument("--keep", help="folder to keep the figures in, one folder a case")
    parser.add_argument("--reuse", action="store_true",
                        help="with --keep: read the figures kept there, not drawn again")
    parser.add_argument("--code", help="the checkout whose engine reads (default: this one)")
    parser.add_argument("--verbose", action="store_true",
                        help="print each axis' labels as read and its problem")
    arguments = parser.parse_args()
    work = Path(arguments.keep) if arguments.keep else \
        Path(tempfile.mkdtemp(prefix="sweep_gmt_frames_"))
    flags, total = 0, 0
    for projection_name in arguments.projection:
        for frame_type in arguments.frame:
            for dpi in arguments.dpi:
                for image_format in arguments.format:
                    for bar in arguments.bar:
                        name = f"{projection_name} {frame_type} {dpi}dpi {image_format} {bar}bar"
                        if arguments.keep:
                            folder = work / name.replace(" ", "_")
                            folder.mkdir(parents=True, exist_ok=True)
                        else:
                            folder = Path(tempfile.mkdtemp(dir=work))
                        try:
                            result = run_case(folder, projection_name, frame_type, dpi,
                                              image_format, bar == "h", arguments.reuse,
                                              arguments.verbose)
                        except Exception as error:  # a crash is a finding, not an abort
                            print(f"{name:34} CRASH {type(error).__name__}: {error}", flush=True)
                            flags, total = flags + 1, total + 1
                            continue

                        def number(value):
                            return "  -  " if value is None else f"{value:5.2f}"

                        axes = " ".join(
                            f"{axis}: {result[axis][1][:50]}" if result[axis][0] == "refused"
                            else f"{axis}: {result[axis][0]} labels {result[axis][1]:.2f} px"
                            for axis in "xy")
                        bad = flagged(result)
                        flags, total = flags + bad, total + 1
                        print(f"{name:34} frame {number(result['frame'])} bar "
                              f"{number(result['bar'])} range% {number(result['range'])} "
                              f"{axes} {result['seconds']:5.1f}s{'  <--' if bad else ''}",
                              flush=True)
    print(f"{flags} of {total} cases beyond the issue's bars; figures in {work}")


if __name__ == "__main__":
    main()
