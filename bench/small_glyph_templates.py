"""Can a figure's own digits read its small tick labels? Glyphs of 7 pt labels at 72-100 dpi
classified by nearest template among the glyphs of other labels of the same figure.

Run by hand (never by the tests; some 10 s):

    /usr/bin/python3 bench/small_glyph_templates.py [--fonts "DejaVu Sans" ...] [--dpi 72 96]
        [--verbose]
    /usr/bin/python3 bench/small_glyph_templates.py --figure FIGURE.png ...
    /usr/bin/python3 bench/small_glyph_templates.py --drawn FIGURE:SIDE:TEXT,TEXT,... [--own-ink]

``--drawn FIGURE:SIDE:TEXT,...`` gives the drawing reader (:mod:`.drawn_text`) one side's
true texts and prints whether a font and size draw them exactly and by how much the nearest
other text is worse (what it could read with texts to try that Tesseract does not give).

``--figure`` reads real figures (a sweep's kept ones) as the engine does and prints, for each
label no fit kept, its glyphs classified by the templates the fit-confirmed labels give
(``digit:best/second`` differences, ``?`` where no template is as high): whether the figure's
own digits could read it.

Tesseract reads 0-45 % of the labels whose digits are 4-7 px high (7 pt at 72-100 dpi:
``sweep_auto_decode.py --wide --wider`` 297 #0, 298 #5, 299 #2, 299 #6, 303 #6). The idea
measured here: the labels of a figure share one font and size, so the glyphs of labels read
and confirmed by the tick fit are templates for the digits of the labels that failed, each
glyph read as the template class it is nearest to (:func:`.label_checks.glyph_difference_share`,
aligned to an eighth of a pixel), and only when it is near enough and nearer by a margin than
any other class.

Each figure is a matplotlib axes (font, 7 pt, dpi, PNG or JPEG q70) with integer tick labels
(random start and step, so every digit appears); its x and y tick labels are cut out where
matplotlib drew them and split into glyphs as the engine does (:func:`.text.find_glyphs` on
:func:`.text.ink_mask`). A label gives glyphs only when it splits into one glyph a digit
(digits touching at these sizes make one glyph: ``touching``). Each glyph is then classified
by templates from

* **same side**: the other labels of its own side (leave one label out), and
* **other side**: the labels of the other side (what a failed axis would get from a read one:
  other sub-pixel phases),

and the outcome counted for thresholds (ACCEPT: largest difference of the best class;
MARGIN: least lead over the second class): right, wrong (a wrong digit, also when the glyph's
own digit has no template), refused. A reader must have no wrong: the line printed for each
height is the most right at zero wrong.
"""
import argparse
import io
import sys
from collections import defaultdict
from pathlib import Path

import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.image import imread  # noqa: E402
from matplotlib.ticker import FixedLocator, FormatStrFormatter  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from plugin.engine.detection.label_checks import (  # noqa: E402
    glyph_comparisons_kept,
    glyph_coverage,
    glyph_difference_share,
)
from plugin.engine.detection.text import find_glyphs, ink_mask  # noqa: E402

FONTS = ("DejaVu Sans", "DejaVu Serif", "Nimbus Sans", "Nimbus Roman")
DPIS = (72, 80, 96, 100)
FORMATS = ("png", "jpeg")
POINT_SIZE = 7
JPEG_QUALITY = 70
#: A digit's glyph is at least this share of the label's tallest glyph high.
FULL_HEIGHT_SHARE = 0.75
#: Thresholds tried: largest difference of the nearest class, least lead over the second.
ACCEPTS = (0.05, 0.1, 0.15, 0.2, 0.3)
MARGINS = (0.05, 0.1, 0.2, 0.3)


def draw(font, dpi, fmt, rng):
    """A 4 x 3 in axes with random integer ticks; returns (luma, [(side, text, box)])."""
    plt.rcParams.update({"font.family": font, "font.size": POINT_SIZE})
    figure, axes = plt.subplots(figsize=(4, 3), dpi=dpi)
    sides = {}
    for side, count in (("x", 6), ("y", 7)):
        step = int(rng.choice([125, 250, 500, 1000, 2500, 5000]))
        start = int(rng.integers(10, 900)) * 1000 + int(rng.integers(0, 8)) * step
        values = [start + k * step for k in range(count)]
        lo, hi = values[0] - 0.3 * step, values[-1] + 0.3 * step
        axis = axes.xaxis if side == "x" else axes.yaxis
        (axes.set_xlim if side == "x" else axes.set_ylim)(lo, hi)
        axis.set_major_locator(FixedLocator(values))
        axis.set_major_formatter(FormatStrFormatter("%d"))
        sides[side] = axis
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    height = figure.bbox.height
    labels = []
    for side, axis in sides.items():
        for tick in axis.get_ticklabels():
            box = tick.get_window_extent(renderer)
            labels.append((side, tick.get_text(),
                           (int(np.floor(box.x0)) - 1, int(np.floor(height - box.y1)) - 1,
                            int(np.ceil(box.x1)) + 1, int(np.ceil(height - box.y0)) + 1)))
    buffer = io.BytesIO()
    options = {"pil_kwargs": {"quality": JPEG_QUALITY}} if fmt == "jpeg" else {}
    figure.savefig(buffer, format=fmt, dpi=dpi, **options)
    plt.close(figure)
    buffer.seek(0)
    rgb = imread(buffer, format=fmt)
    if rgb.dtype != np.uint8:
        rgb = (rgb[..., :3] * 255 + 0.5).astype(np.uint8)
    lum = rgb[..., :3].astype(float) @ np.array([0.299, 0.587, 0.114])
    return lum, labels


def glyphs_of(lum, labels, page=255.0):
    """[(side, label index, digit, coverage, height)] and how many labels gave fewer glyphs
    than digits (touching), more (broken), or as many with one not full height."""
    glyphs, unsplit = [], {"fewer": 0, "more": 0, "short": 0}
    for index, (side, text, (col0, row0, col1, row1)) in enumerate(labels):
        ink = ink_mask(lum[row0:row1, col0:col1], page)
        found = sorted((g.col0, g.row0, g.col1, g.row1) for g in find_glyphs(ink, max_height=40))
        tallest = max((r1 - r0 for _, r0, _, r1 in found), default=0)
        # One full-height glyph a digit: touching digits make one glyph, and a serif's thin
        # strokes under the ink mask break one into pieces.
        if len(found) != len(text) or any(r1 - r0 < FULL_HEIGHT_SHARE * tallest
                                           for _, r0, _, r1 in found):
            unsplit["fewer" if len(found) < len(text) else
                    "more" if len(found) > len(text) else "short"] += 1
            continue
        for digit, (c0, r0, c1, r1) in zip(text, found):
            box = (col0 + c0, row0 + r0, col0 + c1, row0 + r1)
            glyphs.append((side, index, digit, glyph_coverage(lum, page, box), r1 - r0))
    return glyphs, unsplit


def outcomes(glyphs, cross):
    """Per glyph (height, true digit, {class: smallest difference}) against its templates."""
    rows = []
    for side, index, digit, coverage, height in glyphs:
        nearest = {}
        for other_side, other_index, other_digit, other_coverage, _ in glyphs:
            if (other_side == side) == cross or other_index == index:
                continue
            difference = glyph_difference_share(coverage, other_coverage)
            nearest[other_digit] = min(nearest.get(other_digit, 9.0), difference)
        if nearest:
            rows.append((height, digit, nearest))
    return rows


def judge(row, accept, margin):
    """'right', 'wrong' or 'refused' for one glyph at the thresholds."""
    _, digit, nearest = row
    ranked = sorted(nearest.items(), key=lambda item: item[1])
    best, second = ranked[0], ranked[1][1] if len(ranked) > 1 else 9.0
    if best[1] > accept or second - best[1] < margin:
        return "refused"
    return "right" if best[0] == digit else "wrong"


def read_figure(path):
    """(the engine's reading of the figure at ``path``, the label reader it used)."""
    from plugin.engine.detection import figure_reading
    from plugin.engine.detection.layout import detect_layout
    readers = []
    original = figure_reading._Reader.__init__

    def keep_reader(self, *args, **kwargs):
        original(self, *args, **kwargs)
        readers.append(self)
    figure_reading._Reader.__init__ = keep_reader
    try:
        rgb = imread(path)
        if rgb.dtype != np.uint8:
            rgb = (rgb[..., :3] * 255 + 0.5).astype(np.uint8)
        rgb = np.ascontiguousarray(rgb[..., :3])
        reading = figure_reading.read_figure_face(rgb, detect_layout(rgb, None))
    finally:
        figure_reading._Reader.__init__ = original
    return reading, readers[-1]


def figure_templates(path, accept, margin):
    """Print each label of ``path`` no fit kept, its glyphs classified by templates from the
    glyphs of the fit-confirmed labels (as the engine split them: one glyph a character)."""
    from plugin.engine.detection.labels import normalise
    reading, reader = read_figure(path)
    lum, page = reader.glyph_lum(), reader.page
    text_labels = {label.box(): label for label in reader.labels}
    sides = (("x", reading.x_axis), ("y", reading.y_axis),
             ("bar", reading.colorbar.axis if reading.colorbar else None))
    templates, failed = [], []
    for name, axis in sides:
        for label in getattr(axis, "labels", ()):
            text_label = text_labels.get(tuple(label.box))
            members = sorted(text_label.members or []) if text_label is not None else []
            if not (label.kept and axis.fit is not None):
                failed.append((name, label, members))
                continue
            characters = [c for c in normalise(label.text) if c.isdigit() or c in ".,-"]
            if len(members) == len(characters):
                templates += [(character, glyph_coverage(lum, page, box), box[3] - box[1])
                              for character, box in zip(characters, members)
                              if character.isdigit()]
    classes = sorted({(character, height) for character, _, height in templates})
    print(f"== {path}: {len(templates)} template glyphs (digit, height px) {classes}")
    for name, label, members in failed:
        shown, read = [], []
        for box in members:
            coverage = glyph_coverage(lum, page, box)
            nearest = {}
            for character, template, height in templates:
                if abs(height - (box[3] - box[1])) <= 1:
                    difference = glyph_difference_share(coverage, template)
                    nearest[character] = min(nearest.get(character, 9.0), difference)
            ranked = sorted(nearest.items(), key=lambda item: item[1])
            if not ranked:
                shown.append("?")
                read.append("?")
                continue
            second = ranked[1][1] if len(ranked) > 1 else 9.0
            shown.append(f"{ranked[0][0]}:{ranked[0][1]:.2f}/{second:.2f}")
            read.append(ranked[0][0] if ranked[0][1] <= accept and second - ranked[0][1] >= margin
                        else "?")
        print(f"  {name} {tuple(label.box)} OCR {label.text!r}: glyphs {' '.join(shown) or '-'}"
              f" -> {''.join(read) or '-'}")


def drawn_truth(spec, own_ink):
    """Print how the drawing reader (:mod:`.drawn_text`) would fare on one side's labels given
    their true texts: the styles :func:`.drawn_text.find_text_styles` finds from them, and for
    each label its true text's error against the best other text (the side's other texts and
    every text one digit from the true one).

    ``spec`` is FIGURE:SIDE:TEXT,TEXT,... (SIDE x_axis, y_axis or colorbar; the texts top to
    bottom or left to right); ``own_ink`` takes the text's colour from these labels instead of
    the figure's darkest label pixel (grey tick labels under a black title: ggplot's style)."""
    from plugin.engine.detection.drawn_text import draw_text, find_text_styles, match_error
    path, side, texts = spec.split(":")
    truth = texts.split(",")
    reading, reader = read_figure(path)
    axis = reading.colorbar.axis if side == "colorbar" else getattr(reading, side)
    text_labels = {label.box(): label for label in reader.labels}
    vertical = axis.side in ("left", "right")
    labels = sorted((text_labels[tuple(label.box)] for label in axis.labels),
                    key=lambda t: (t.row0, t.col0) if vertical else (t.col0, t.row0))
    if len(labels) != len(truth):
        print(f"{spec}: {len(labels)} labels found, {len(truth)} texts given")
        return
    # The text's colour as given, whatever the engine's reading took.
    reader.cache["text ink"] = reader._darkest_text_pixel(labels if own_ink else reader.labels)
    styles = find_text_styles([(reader._small_coverage(label), {text})
                               for label, text in zip(labels, truth)])
    names = [(Path(style.path).name, style.size64) for style in styles]
    print(f"{path} {side}: heights {sorted({label.height for label in labels})} px, "
          f"styles {names or 'none'}")
    for label, text in zip(labels, truth) if styles else ():
        coverage = reader._small_coverage(label)
        near = {text[:place] + digit + text[place + 1:] for place, character in enumerate(text)
                if character.isdigit() for digit in "0123456789" if digit != character}
        others = sorted((match_error(draw_text(other, styles[0]), coverage), other)
                        for other in (near | set(truth)) - {text})
        print(f"  {text}: own {match_error(draw_text(text, styles[0]), coverage):.3f}, "
              f"best other {others[0][0]:.3f} ({others[0][1]})")


def _quantiles(values) -> str:
    """Median, 90th percentile and largest of ``values``, or '-'."""
    if not values:
        return "-"
    return " ".join(f"{q:.2f}" for q in np.quantile(values, [0.5, 0.9, 1.0]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fonts", nargs="+", default=list(FONTS))
    parser.add_argument("--dpi", type=int, nargs="+", default=list(DPIS))
    parser.add_argument("--seed", type=int, default=48)
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--figure", nargs="+", help="real figures to read (see above)")
    parser.add_argument("--accept", type=float, default=0.3,
                        help="--figure: largest difference of a glyph's nearest class")
    parser.add_argument("--margin", type=float, default=0.1,
                        help="--figure: least lead of the nearest class over the second")
    parser.add_argument("--drawn", nargs="+", metavar="FIGURE:SIDE:TEXTS",
                        help="the drawing reader given the true texts (see drawn_truth)")
    parser.add_argument("--own-ink", action="store_true",
                        help="--drawn: the text's colour from the side's own labels")
    args = parser.parse_args()
    if args.drawn:
        for spec in args.drawn:
            drawn_truth(spec, args.own_ink)
        return
    if args.figure:
        with glyph_comparisons_kept():
            for path in args.figure:
                figure_templates(path, args.accept, args.margin)
        return
    rng = np.random.default_rng(args.seed)
    results = {False: [], True: []}
    labels_total = 0
    unsplit = defaultdict(int)
    with glyph_comparisons_kept():
        for font in args.fonts:
            for dpi in args.dpi:
                for fmt in FORMATS:
                    lum, labels = draw(font, dpi, fmt, rng)
                    glyphs, not_split = glyphs_of(lum, labels)
                    labels_total += len(labels)
                    for kind, count in not_split.items():
                        unsplit[kind] += count
                    if args.verbose:
                        print(f"{font} {dpi} dpi {fmt}: {len(labels)} labels, not split "
                              f"{not_split}, glyph heights {sorted({g[4] for g in glyphs})}")
                    for cross in (False, True):
                        results[cross] += outcomes(glyphs, cross)
    print(f"labels {labels_total}, split one glyph a digit {labels_total - sum(unsplit.values())}; "
          f"fewer glyphs than digits (touching) {unsplit['fewer']}, more (broken) "
          f"{unsplit['more']}, as many but one not full height {unsplit['short']}")
    for cross in (False, True):
        print(f"\ntemplates from the {'other' if cross else 'same'} side")
        by_height = defaultdict(list)
        for row in results[cross]:
            by_height[min(row[0], 9)].append(row)
        for height, rows in sorted(by_height.items()):
            same = [row[2][row[1]] for row in rows if row[1] in row[2]]
            other = [min(v for k, v in row[2].items() if k != row[1]) for row in rows
                     if any(k != row[1] for k in row[2])]
            missing = sum(row[1] not in row[2] for row in rows)
            best = (0, None)
            for accept in ACCEPTS:
                for margin in MARGINS:
                    counts = defaultdict(int)
                    for row in rows:
                        counts[judge(row, accept, margin)] += 1
                    if counts["wrong"] == 0 and counts["right"] > best[0]:
                        best = (counts["right"], (accept, margin))
                    if args.verbose:
                        print(f"  h {height} accept {accept} margin {margin}: "
                              f"right {counts['right']} wrong {counts['wrong']} "
                              f"refused {counts['refused']}")
            lowest = f"{min(other):.2f}" if other else "-"
            print(f"  height {height}{'+' if height == 9 else ''} px: glyphs {len(rows)} "
                  f"(own digit without template {missing}); own digit's nearest copy median/90%/max "
                  f"{_quantiles(same)}; nearest other digit min {lowest}; "
                  f"most right at 0 wrong: {best[0]} at {best[1]}")


if __name__ == "__main__":
    main()
