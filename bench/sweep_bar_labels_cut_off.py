"""Horizontal colorbars under the map with their own labels cropped off: is the map's row taken?

Run by hand, never from the tests:

    /usr/bin/python3 bench/sweep_bar_labels_cut_off.py 3 11              # seeds; 12 figures each
    /usr/bin/python3 bench/sweep_bar_labels_cut_off.py 3 --code /tmp/base  # another checkout's engine

What it does
    For each seed, draws 12 matplotlib figures of matplotlib's topobathy grid with a
    horizontal bar below the map (``tests/figures_for_detection.render_styled_bar``: a style
    sheet, 60-100 dpi, a colormap, pad 0.06-0.1, ``bbox_inches="tight"`` or cropped to the
    ink), then crops the image 1, 2 or 4 px below the bar, as a paper cropping the bar's
    labels away would, saved as PNG or JPEG quality 65 or 75. The only labels left along
    the bar are the map's x labels, between it and the map. ``detect_layout`` and
    ``read_figure_face`` (colorbar only) run on the pixels, as the plugin does.

    Each row: whether the bar was found and the range read (its error, % of the range); a
    range read is the map's longitudes (234-238) or worse, and WRONG when more than 1 % off.
    The right outcome is a refusal (VMIN and VMAX asked for).
"""
import argparse
import json
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from sample_figure import expose_package  # noqa: E402

STYLES = ["default", "classic", "bmh", "ggplot", "seaborn-v0_8", "dark_background"]
COLORMAPS = ["viridis", "plasma", "coolwarm", "terrain", "RdBu_r", "magma", "cividis",
             "Spectral", "YlGnBu", "turbo"]
CASES_PER_SEED = 12


def draw_case(rng):
    """One random figure: ``render_styled_bar`` keywords, pixels kept below the bar, JPEG
    quality (0: PNG); the draw order fixed (seeds repeat)."""
    kwargs = dict(style=str(rng.choice(STYLES)), dpi=int(rng.choice([60, 72, 80, 90, 100])),
                  cmap=str(rng.choice(COLORMAPS)), horizontal=True,
                  pad=float(rng.choice([0.06, 0.08, 0.1])), jpeg_quality=None,
                  crop=str(rng.choice(["bbox", "ink"])),
                  size=(round(float(rng.uniform(5, 9)), 2), round(float(rng.uniform(4, 6.5)), 2)))
    return kwargs, int(rng.choice([1, 2, 4])), int(rng.choice([0, 65, 75]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("seeds", nargs="*", type=int, default=[3])
    parser.add_argument("--count", type=int, default=CASES_PER_SEED, help="figures per seed")
    parser.add_argument("--code", help="the checkout whose engine detects (default: this one)")
    arguments = parser.parse_args()
    expose_package(arguments.code)
    import numpy as np
    from figures_for_detection import STYLED_VMAX, STYLED_VMIN, render_styled_bar
    from PIL import Image

    from colormap_decoder.plugin.engine.detection.figure_reading import read_figure_face
    from colormap_decoder.plugin.engine.detection.layout import detect_layout
    from colormap_decoder.plugin.engine.figure import read_figure

    folder = Path(tempfile.mkdtemp(prefix="sweep_bar_labels_cut_off_"))
    counts = {"wrong": 0, "refused": 0, "right": 0, "no bar": 0}
    for seed in arguments.seeds:
        rng = np.random.default_rng(seed)
        for index in range(arguments.count):
            kwargs, below, quality = draw_case(rng)
            whole = folder / f"s{seed}_{index}_whole.png"
            _, bar = render_styled_bar(whole, **kwargs)
            pixels = np.asarray(Image.open(whole).convert("RGB"))[:int(round(bar[3])) + below]
            path = folder / f"s{seed}_{index}{'.jpg' if quality else '.png'}"
            Image.fromarray(pixels).save(path, **({"quality": quality} if quality else {}))
            rgb = read_figure(str(path)).rgb
            layout = detect_layout(rgb)
            values = error = None
            if layout.colorbar is None:
                outcome = "no bar"
            else:
                reading = read_figure_face(rgb, layout, want_axes=False).colorbar
                if reading is not None and reading.vmin is not None:
                    values = (round(reading.vmin, 1), round(reading.vmax, 1))
                    error = max(abs(reading.vmin - STYLED_VMIN), abs(reading.vmax - STYLED_VMAX)) \
                        / (STYLED_VMAX - STYLED_VMIN) * 100
                outcome = "refused" if error is None else "right" if error <= 1.0 else "wrong"
            counts[outcome] += 1
            shown = "" if error is None else f" {values} {error:.2f} %"
            print(f"{seed:>4} {index:>2} {outcome.upper() if outcome == 'wrong' else outcome:8}"
                  f"{shown} below {below} px {'JPEG q%d' % quality if quality else 'PNG'} "
                  f"{json.dumps(kwargs)}", flush=True)
    print("outcomes: " + ", ".join(f"{name} {count}" for name, count in counts.items()))
    print("figures in", folder)


if __name__ == "__main__":
    main()
