"""A separator's glyph told and placed on legend_matrix's QGIS legends, without OCR: each
legend's two number labels (as the detection finds them) are given readings made from their
true texts (as written, the separator dropped, comma and point swapped) and put through
``label_checks.separators_as_inked`` (a separator read) or ``lone_separator_as_inked`` (none
read), with the digits' pitches the reader gathers (the label's own, the figure's).

Run by hand with Debian's python3 in a clean environment, after ``legend_matrix.py render``
(vertical legends only; ranges whose texts QGIS writes as below; ``decimals``' true points
before three digits too):

    env -i PATH=/usr/bin:/bin HOME=/tmp/home-matrix LANG=C.UTF-8 /usr/bin/python3 \\
        bench/lone_separator_readings.py --folder /tmp/legends [--code OTHER_CHECKOUT]

Each reading ends ``right`` (the true text), ``left`` (as read) or ``made-wrong``; a fault
is a reading other than the true text. A checkout whose ``separators_as_inked`` takes no
``lone_pitches`` (main before sep48) is given the smaller pitch, as its reader gave it.

``--pitches`` instead measures the pitches against the truth on every legend (horizontal
too): the true pitch is the font's digit advance at its size and dpi, the labels those right
of the map as high as the font's digits (within 30 %); printed, the true pitch's share of the
digits' ink height, and the label's own and the figure's pitch as shares of the true one.
"""
import argparse
import collections
import inspect
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
#: Digit advance (em) of legend_matrix's fonts.
DIGIT_ADVANCE = {"DejaVuSans": 0.636, "DejaVuSerif": 0.636, "DejaVuSansCondensed": 0.572,
                 "NimbusSans": 0.556, "NimbusRoman": 0.5}
TRUTH = {"0.0_138.0": ("0m", "138m"), "1000.0_3500.0": ("1,000m", "3,500m"),
         "-1035.0_2205.0": ("-1,035m", "2,205m"), "5.0_62.0": ("5m", "62m"),
         "799.0_3405.0": ("799", "3,405"), "1250.0_12300.0": ("1,250", "12,300"),
         "0.5_2.25": ("0.5", "2.25"), "357.0_750.0": ("357", "750"),
         "1468.0_2093.0": ("1,468", "2,093"), "0.35_6.8": ("0.35", "6.8"),
         "23.5_91.6": ("23.5", "91.6"), "18.0_64.0": ("18", "64"), "-4.7_3.9": ("-4.7", "3.9"),
         "-1.035_2.205": ("-1.035m", "2.205m"), "0.125_3.405": ("0.125m", "3.405m")}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--folder", required=True, nargs="+",
                        help="legend_matrix.py's --folder (its units, base, digits inside)")
    parser.add_argument("--code", default=str(REPO), help="the checkout whose engine reads")
    parser.add_argument("--pitches", action="store_true",
                        help="measure the pitches against the fonts' advances instead")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO / "tests"))
    from sample_figure import expose_package

    expose_package(args.code)
    import numpy as np

    from colormap_decoder.plugin.engine.detection import label_checks
    from colormap_decoder.plugin.engine.detection.text import (
        find_glyphs,
        ink_mask,
        merge_into_labels,
    )
    from colormap_decoder.plugin.engine.figure import read_figure

    paths = sorted(path for folder in args.folder for kind in ("units", "base", "digits", "decimals")
                   for path in (Path(folder) / kind).glob("*.*"))
    if args.pitches:
        _pitch_shares(paths, label_checks, read_figure, find_glyphs, ink_mask,
                      merge_into_labels)
        return
    choosing = "lone_pitches" in inspect.signature(label_checks.separators_as_inked).parameters
    counts, made_wrong = collections.Counter(), []
    for path in paths:
        key = "_".join(path.stem.split("_")[:2])
        if key not in TRUTH or path.stem.endswith("_h"):
            continue
        lum = read_figure(str(path)).rgb.astype(float) @ np.array([0.299, 0.587, 0.114])
        labels = merge_into_labels(find_glyphs(ink_mask(lum, 255.0)))
        legend = sorted((label for label in labels if label.col0 >= 0.7 * lum.shape[1] and
                         label.row1 <= 0.8 * lum.shape[0] and label.members and
                         len(label.members) >= 2 and label.height < 30),
                        key=lambda label: label.row0)
        if len(legend) < 2 or abs(legend[-1].height - legend[-2].height) > 3:
            continue
        for label, truth in zip((legend[-1], legend[-2]), TRUTH[key]):
            pitches = [pitch for pitch in (
                label_checks.digit_pitch([label], label.height, least_pairs=1),
                label_checks.digit_pitch(labels, label.height)) if pitch is not None]
            readings = {truth, truth.replace(",", "").replace(".", ""),
                        truth.translate(str.maketrans(",.", ".,"))}
            for reading in sorted(readings):
                if any(mark in reading for mark in ".,"):
                    extra = [pitches] if choosing else []
                    mended = label_checks.separators_as_inked(
                        reading, label.members, pitches[0] if pitches else None, lum, 255.0,
                        *extra)
                else:
                    mended = label_checks.lone_separator_as_inked(
                        reading, label.members,
                        pitches if choosing else min(pitches, default=None), lum, 255.0)
                outcome = "right" if mended == truth else (
                    "left" if mended == reading else "made-wrong")
                counts[("fault" if reading != truth else "true") + " " + outcome] += 1
                if outcome == "made-wrong":
                    made_wrong.append(f"{path.stem} {reading!r} -> {mended!r}")
    for key, count in sorted(counts.items()):
        print(f"{key:18s} {count}")
    print("\n".join(made_wrong))


def _pitch_shares(paths, label_checks, read_figure, find_glyphs, ink_mask, merge_into_labels):
    """Print how the true pitch compares with the digits' height, and the measured pitches
    with the true one."""
    import numpy as np

    true_shares, own, figure = [], [], []
    for path in paths:
        _, _, font, size, dpi = path.stem.split("_")[:5]
        true_pitch = DIGIT_ADVANCE[font] * int(size) * int(dpi) / 72.0
        expected_height = 0.7 * int(size) * int(dpi) / 72.0
        lum = read_figure(str(path)).rgb.astype(float) @ np.array([0.299, 0.587, 0.114])
        labels = merge_into_labels(find_glyphs(ink_mask(lum, 255.0)))
        for label in labels:
            if label.col0 < 0.7 * lum.shape[1] or label.row1 > 0.8 * lum.shape[0] or \
                    not label.members or len(label.members) < 3:
                continue
            height = max(box[3] - box[1] for box in label.members)
            if abs(height - expected_height) > 0.3 * expected_height:
                continue
            true_shares.append(true_pitch / height)
            for pitches, pitch in ((own, label_checks.digit_pitch([label], label.height, 1)),
                                   (figure, label_checks.digit_pitch(labels, label.height))):
                if pitch is not None:
                    pitches.append(pitch / true_pitch)
    print(f"labels {len(true_shares)}; true pitch / digits' height, percentiles 0 1 50 99 100:",
          np.percentile(true_shares, [0, 1, 50, 99, 100]).round(2))
    for name, shares in (("label's own", own), ("figure's", figure)):
        shares = np.array(shares)
        print(f"{name} / true: {shares.size} measured, within 10 % "
              f"{int((abs(shares - 1) <= 0.1).sum())}, off > 20 % "
              f"{int((abs(shares - 1) > 0.2).sum())}, range {shares.min():.2f}-{shares.max():.2f}")


if __name__ == "__main__":
    main()
