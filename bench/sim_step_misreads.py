"""Simulated OCR misreads through an axis' step check: how many a checkout keeps.

Run by hand (never by the tests; a few seconds per thousand axes):

    /usr/bin/python3 bench/sim_step_misreads.py [--code OTHER_CHECKOUT] [--trials 2000]
        [--misreads 1] [--count 3 12] [--near] [--seed 48]

Each trial draws an exact set of tick labels (a step of 0.1-10000, or a third or a seventh
printed at two decimals; 3-12 labels by default, ``--count 60 60`` for crowded axes; values
growing either way along the axis, 15-80 px apart, positions with 0.5 px of noise), changes
one digit of ``--misreads`` labels to another digit (``--near``: only misreads within 5 % of
the step, the step check's tolerance, e.g. '272009' for '272000'), and fits them as an axis is
fitted (``ticks.fit_ticks``, then ``figure_reading._on_one_step``). Counted: misreads kept
with their value (in fits of three or more labels, and in pairs, which the other axis must
confirm), right labels kept, axes left with fewer than three labels (of all, and of those
drawn with four or more), and the seconds spent.
``--code`` runs another checkout's engine (e.g. main) on the same draws.
"""
import argparse
import random
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

#: Steps and the decimals their labels are printed with.
STEPS = [(0.1, 1), (0.2, 1), (0.25, 2), (0.5, 1), (1, 0), (2, 0), (2.5, 1), (5, 0), (10, 0),
         (20, 0), (25, 0), (50, 0), (100, 0), (200, 0), (500, 0), (1000, 0), (2000, 0),
         (5000, 0), (10000, 0), (1 / 3, 2), (1 / 7, 2)]


def draw_axis(rng, count_range, misreads, near):
    """One axis: (texts read, true values, indices misread, step), or None to draw again."""
    from colormap_decoder.plugin.engine.detection.labels import parse_label

    step, decimals = rng.choice(STEPS)
    count = rng.randint(*count_range)
    start = rng.randint(-50, 300)
    values = [round((start + k) * step, decimals) for k in range(count)]
    read = [f"{value:.{decimals}f}" for value in values]
    chosen = rng.sample(range(count), min(misreads, count))
    for index in chosen:
        text = read[index]
        place = rng.choice([i for i, character in enumerate(text) if character.isdigit()])
        digit = rng.choice([d for d in "0123456789" if d != text[place]])
        read[index] = text[:place] + digit + text[place + 1:]
    parsed = [parse_label(text) for text in read]
    if any(reading is None for reading in parsed) or \
            any(parsed[i].value == values[i] for i in chosen):
        return None
    if near and any(abs(parsed[i].value - values[i]) > 0.05 * step for i in chosen):
        return None
    return read, parsed, values, set(chosen)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--code", help="the checkout whose engine fits (default: this one)")
    parser.add_argument("--trials", type=int, default=2000)
    parser.add_argument("--misreads", type=int, default=1, help="labels misread per axis")
    parser.add_argument("--count", type=int, nargs=2, default=(3, 12), metavar=("LEAST", "MOST"))
    parser.add_argument("--near", action="store_true",
                        help="only misreads within 5 %% of the step")
    parser.add_argument("--seed", type=int, default=48)
    args = parser.parse_args()
    sys.path.insert(0, str(REPO / "tests"))
    from sample_figure import expose_package

    expose_package(args.code or REPO)
    from colormap_decoder.plugin.engine.detection.figure_reading import _on_one_step
    from colormap_decoder.plugin.engine.detection.ticks import TickLabel, fit_ticks

    rng = random.Random(args.seed)
    totals = dict(axes=0, misreads=0, kept_misreads=0, kept_misreads_in_pairs=0, right=0,
                  right_kept=0, under_three=0, under_three_of_four_or_more=0)
    seconds, slowest, examples = 0.0, 0.0, []
    while totals["axes"] < args.trials:
        drawn = draw_axis(rng, args.count, args.misreads, args.near)
        if drawn is None:
            continue
        read, parsed, values, wrong = drawn
        spacing, direction = rng.uniform(15, 80), rng.choice([1, -1])
        labels = [TickLabel((0, 0, 1, 1), text, reading.value,
                            500 + direction * spacing * (k - len(read) / 2) + rng.gauss(0, 0.5),
                            parsed=reading)
                  for k, (text, reading) in enumerate(zip(read, parsed))]
        began = time.perf_counter()
        fit = _on_one_step(labels, fit_ticks(labels))
        took = time.perf_counter() - began
        seconds, slowest = seconds + took, max(slowest, took)
        kept = [k for k, label in enumerate(labels)
                if fit is not None and label.kept and label.value is not None]
        kept_wrong = [k for k in kept if k in wrong]
        totals["axes"] += 1
        totals["misreads"] += len(wrong)
        totals["kept_misreads" if len(kept) >= 3 else "kept_misreads_in_pairs"] += len(kept_wrong)
        totals["right"] += len(read) - len(wrong)
        totals["right_kept"] += sum(k not in wrong for k in kept)
        totals["under_three"] += len(kept) < 3
        totals["under_three_of_four_or_more"] += len(kept) < 3 and len(read) >= 4
        if kept_wrong and len(kept) >= 3 and len(examples) < 12:
            examples.append((read, [read[k] for k in kept_wrong]))
    print(f"{args.code or REPO}: misreads {args.misreads}/axis, labels {args.count[0]}-"
          f"{args.count[1]}{', near' if args.near else ''}: "
          + ", ".join(f"{key} {value}" for key, value in totals.items())
          + f", seconds {seconds:.2f} (slowest axis {slowest:.3f})")
    for read, kept_wrong in examples:
        print("    kept", kept_wrong, "of", " ".join(read))


if __name__ == "__main__":
    main()
