"""Tesseract calls of one figure's detection, and the share of them each reader of
``figure_reading`` makes (issue 17: the bundled sample's detection made 33 calls, then 48).

Run by hand, never from the tests:

    /usr/bin/python3 bench/count_ocr_calls.py [FIGURE_OR_FOLDER ...] [--code OTHER_CHECKOUT]
        [--repeat 1]

What it does
    For each figure (default: the bundled sample ``sample/vinschgau_viridis.png``; a folder
    stands for its ``*.png`` and ``*.jpg``, e.g. a ``sweep_qgis_layouts.py --keep`` folder),
    runs ``read_figure_face(rgb, detect_layout(rgb))`` once with ``figure_reading.read_label``
    and ``figure_reading.read_text`` (the module attributes the reader calls Tesseract
    through) replaced by counting wrappers, and prints:

    read_label    calls of ``ocr.read_label`` (one label image each: its crop, bold, at another
                  scale, its raised part, a check's re-reading)
    read_text     calls of ``ocr.read_text`` (a line of words: an axis title, a unit word with
                  its number)
    unit cut      of those, the calls made inside ``_cut_at_unit_spaces`` (the legend unit
                  cut's own reads)
    labels s      wall time of ``read_figure_face`` (best of ``--repeat``; the counts do not
                  change between runs: Tesseract is deterministic)
    result        a digest of what was read (the frame's axes' and the bar's labels, fits and
                  range), the same before and after a change that only saves reads

    ``--code`` counts another checkout's engine (e.g. a worktree of main), for a before/after
    table on the same figures. The OCR engine is started before timing.
"""
import argparse
import dataclasses
import hashlib
import os
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))


def figures(paths):
    """The figure files named, a folder standing for its PNG and JPEG files."""
    found = []
    for path in map(Path, paths):
        if path.is_dir():
            found.extend(sorted(p for p in path.iterdir()
                                if p.suffix.lower() in (".png", ".jpg", ".jpeg")))
        else:
            found.append(path)
    return found


def described(value):
    """A value as nested lists and text, for a digest: a dataclass's fields (fields left None
    left out), an object's attributes, an array's shape and the SHA-1 of its bytes; the same
    text for the same findings, in any process."""
    if dataclasses.is_dataclass(value):
        # Fields left None are left out: a field added since (None where it does not
        # apply) changes no digest of a reading it does not apply to.
        return [f"{item.name}={described(getattr(value, item.name))}"
                for item in dataclasses.fields(value)
                if getattr(value, item.name) is not None]
    if isinstance(value, (list, tuple)):
        return [described(item) for item in value]
    if isinstance(value, dict):
        return {repr(key): described(item) for key, item in value.items()}
    if isinstance(value, (set, frozenset)):
        # Sorted: a set of text is iterated in another order in another process.
        return sorted(repr(described(item)) for item in value)
    if isinstance(value, np.ndarray):
        return (f"array{value.shape} {value.dtype.str} "
                f"{hashlib.sha1(np.ascontiguousarray(value).tobytes()).hexdigest()[:10]}")
    if hasattr(value, "__dict__") and not callable(value):
        return [type(value).__name__, described(vars(value))]
    return repr(value)


def digest(reading):
    """A short digest of what the reading found: every field of the axes' and the bar's
    readings (labels by box and text, fits, range, problems; fields left None left out) and
    the messages."""
    parts = [described(reading.x_axis), described(reading.y_axis),
             described(reading.colorbar), reading.messages]
    return hashlib.sha1(repr(parts).encode()).hexdigest()[:10]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("figures", nargs="*")
    parser.add_argument("--code", help="the checkout whose engine reads (default: this one)")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    from sample_figure import FIGURE, expose_package

    expose_package(args.code)
    from colormap_decoder.plugin.engine.detection import figure_reading
    from colormap_decoder.plugin.engine.detection.layout import detect_layout
    from colormap_decoder.plugin.engine.detection.ocr import ocr_available
    from colormap_decoder.plugin.engine.errors import EngineError
    from colormap_decoder.plugin.engine.figure import read_figure

    assert ocr_available(), "Tesseract OCR is needed (make deps)"
    counts = {"read_label": 0, "read_text": 0, "unit cut": 0}
    inside_cut = [False]

    def counting(name, real):
        def call(image):
            counts[name] += 1
            counts["unit cut"] += inside_cut[0]
            return real(image)
        return call

    figure_reading.read_label = counting("read_label", figure_reading.read_label)
    figure_reading.read_text = counting("read_text", figure_reading.read_text)
    real_cut = figure_reading._Reader._cut_at_unit_spaces

    def cut(self, *args, **kwargs):
        inside_cut[0] = True
        try:
            return real_cut(self, *args, **kwargs)
        finally:
            inside_cut[0] = False

    figure_reading._Reader._cut_at_unit_spaces = cut
    print(f"{'figure':<28} {'read_label':>10} {'read_text':>9} {'unit cut':>8} "
          f"{'labels s':>8}  result")
    for path in figures(args.figures or [FIGURE]):
        rgb = read_figure(str(path)).rgb
        layout = detect_layout(rgb)
        times = []
        for _ in range(args.repeat):
            for key in counts:
                counts[key] = 0
            start = time.perf_counter()
            try:
                result = digest(figure_reading.read_figure_face(rgb, layout))
            except EngineError as error:
                result = f"refused: {str(error)[:40]}"
            times.append(time.perf_counter() - start)
        print(f"{os.path.basename(str(path)):<28} {counts['read_label']:>10} "
              f"{counts['read_text']:>9} {counts['unit cut']:>8} {min(times):>8.2f}  {result}")


if __name__ == "__main__":
    main()
