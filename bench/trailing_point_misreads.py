"""A point read after a label's last digit: how often dropping it makes a wrong number.

Run by hand (never by the tests; some 30 s):

    /usr/bin/python3 bench/trailing_point_misreads.py [--code OTHER_CHECKOUT]

Draws labels with matplotlib (DejaVu Sans and Serif, Nimbus Sans and Roman, regular and bold,
6-12 pt, 60-150 dpi), finds their glyphs as the detection does, and calls
``label_checks.trailing_point_without_ink`` with two kinds of reading:

* misreadings of labels that have a point ('4.5', '10.5', '0.5', '2.5', '1.5', '12.5',
  '7.25'): the point moved to the end ('45.') or the digits after it dropped ('4.'); each
  reading the function turns into a number is a wrong value;
* digit-only labels ('4', '280', '14', '40') read with a trailing point ('4.'): each one the
  function mends is a label read that was lost before.
"""
import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import sweep_auto_decode as sweep  # noqa: E402 - the bench folder's own module

WITH_A_POINT = ("4.5", "10.5", "0.5", "2.5", "1.5", "12.5", "7.25")
DIGITS_ONLY = ("4", "280", "14", "40")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--code", help="the checkout whose engine reads (default: this one)")
    args = parser.parse_args()
    sweep.use_engine(args.code)
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    from colormap_decoder.plugin.engine.detection.label_checks import (
        glyph_widths,
        trailing_point_without_ink,
    )
    from colormap_decoder.plugin.engine.detection.text import (
        find_glyphs,
        ink_mask,
        merge_into_labels,
    )

    texts = WITH_A_POINT + DIGITS_ONLY
    misreads = wrong = digit_only = mended = 0
    for weight in ("normal", "bold"):
        for font in ("DejaVu Sans", "DejaVu Serif", "Nimbus Sans", "Nimbus Roman"):
            for dpi in (60, 72, 80, 96, 120, 150):
                for size in (6, 7, 8, 9, 10, 12):
                    figure = plt.figure(figsize=(1.6, 6.0), dpi=dpi)
                    for index, text in enumerate(texts):
                        figure.text(0.05, 1 - (index + 0.7) / len(texts), text, fontsize=size,
                                    family=font, weight=weight)
                    figure.canvas.draw()
                    rgb = np.asarray(figure.canvas.buffer_rgba())[..., :3].astype(float)
                    plt.close(figure)
                    ink = ink_mask(rgb @ np.array([0.299, 0.587, 0.114]), 255.0)
                    labels = sorted(merge_into_labels(find_glyphs(ink)),
                                    key=lambda label: label.row0)
                    if len(labels) != len(texts):
                        continue  # glyphs merged across labels or lost: not comparable
                    digit_width = glyph_widths(labels, float(np.median(
                        [label.height for label in labels])))
                    for text, label in zip(texts, labels):
                        if "." not in text:
                            digit_only += 1
                            mended += trailing_point_without_ink(
                                text + ".", label.members, ink, (0, 0), digit_width) == text
                            continue
                        whole, fraction = text.split(".")
                        for reading in (whole + fraction + ".", whole + "."):
                            misreads += 1
                            out = trailing_point_without_ink(reading, label.members, ink, (0, 0),
                                                             digit_width)
                            if out != reading:
                                wrong += 1
                                print(f"wrong: {weight} {font} {size} pt {dpi} dpi {text!r} "
                                      f"read {reading!r} -> {out!r}")
    print(f"misreadings of labels with a point: {misreads}, turned into a number: {wrong}")
    print(f"digit-only labels read with a trailing point: {digit_only}, mended: {mended}")


if __name__ == "__main__":
    main()
