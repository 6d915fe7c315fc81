"""Digests of everything detection finds on figures, to show that a change that only saves
time finds the same, value for value.

Run by hand, never from the tests:

    /usr/bin/python3 bench/detection_digests.py FIGURE_OR_FOLDER ... [--code OTHER_CHECKOUT]

What it does
    For each figure (a folder stands for its ``*.png`` and ``*.jpg``, e.g. a
    ``sweep_auto_decode.py --keep`` folder), runs ``findings.find_everything`` (what
    ``detectfigure`` shows: the frame and the colorbar, every tick and label read, the fits,
    the value range, the colormap recognised, the GCPs, the messages and problems) and prints
    its wall time and a digest of all of it (every field of the layout, the reading, the
    parameters, the GCPs and the colormap recognised: ``count_ocr_calls.described``), then a
    digest of all the figures' digests. ``--code`` runs another checkout's engine (e.g. a
    worktree of main): two runs whose digests are equal found the same on every figure.
"""
import argparse
import hashlib
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
sys.path.insert(0, str(HERE))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("figures", nargs="+")
    parser.add_argument("--code", help="the checkout whose engine detects (default: this one)")
    args = parser.parse_args()
    from count_ocr_calls import described, figures
    from sample_figure import expose_package

    expose_package(args.code)
    from colormap_decoder.plugin.engine.detection.findings import find_everything
    from colormap_decoder.plugin.engine.detection.ocr import ocr_available
    from colormap_decoder.plugin.engine.errors import EngineError
    from colormap_decoder.plugin.engine.figure import read_figure

    assert ocr_available(), "Tesseract OCR is needed (make deps)"
    every, total = [], 0.0
    for path in figures(args.figures):
        figure = read_figure(str(path))
        start = time.perf_counter()
        try:
            found = find_everything(figure)
            parts = [described(found.layout), described(found.reading),
                     described(found.parameters), described(found.gcps), found.messages,
                     found.problems, described(found.recognised)]
        except EngineError as error:
            parts = ["refused", str(error)]
        seconds = time.perf_counter() - start
        total += seconds
        result = hashlib.sha1(repr(parts).encode()).hexdigest()[:12]
        every.append(result)
        print(f"{os.path.basename(str(path)):<44} {seconds:>7.2f} s  {result}", flush=True)
    print(f"{len(every)} figures, {total:.2f} s, all: "
          f"{hashlib.sha1(' '.join(every).encode()).hexdigest()[:12]}")


if __name__ == "__main__":
    main()
