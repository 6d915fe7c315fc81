"""Colorbars close beside the map in styled, low-dpi figures cropped tight: found where drawn?

Run by hand, never from the tests:

    /usr/bin/python3 bench/sweep_styled_bars.py 1 2 3             # seeds; 24 figures each
    /usr/bin/python3 bench/sweep_styled_bars.py 1 --code /tmp/main  # another checkout's engine
    /usr/bin/python3 bench/sweep_styled_bars.py 1 2 --keep /tmp/styled       # keep the figures
    /usr/bin/python3 bench/sweep_styled_bars.py 1 2 --keep /tmp/styled --reuse --pick 2:7
    /usr/bin/python3 bench/sweep_styled_bars.py 1 2 --sparse      # no spines, a sparse band

What it does
    For each seed, draws 24 matplotlib figures of matplotlib's topobathy grid
    (``tests/figures_for_detection.render_styled_bar``), each at random: a style sheet
    (default, classic, bmh, ggplot, seaborn-v0_8, dark_background), 60-100 dpi, a colormap, a
    vertical bar beside the map (``colorbar(ax=axes, pad=0.01-0.02)``: 3-6 px from it) or,
    one figure in four, a horizontal one below it (pad 0.06-0.1, clear of the x labels), the
    figure saved with ``bbox_inches="tight", pad_inches=0``, cropped to its ink, or cropped
    2 px into it, PNG or (seven in ten) JPEG quality 60-80 through Pillow (4:2:0 chroma).
    Then ``detect_layout`` and ``read_figure_face`` (colorbar only) run on the pixels, as the
    plugin does.

    Each figure is measured against matplotlib's own boxes: the bar's box error (px, the
    largest side's), the frame's (px) and the range read (% of the range). A figure fails its
    bar when the box is more than 2 px off or none is found, its range when more than 1 % off
    or not read, its frame likewise. The last lines count the failures per seed, and the
    figures whose frame (the plot area decoded) or bar is off by more than 2 px.

    A horizontal bar under a map whose top spine is the image's first row (no label above
    it, ``pad_inches=0``), or cut off by the crop, leaves no frame line to close: the plot
    area's top is then the image's edge (the plot area shown), within 2 px of matplotlib's
    axes unless the crop cut more than 2 px of the map off (``cut2`` on a map whose top is
    the ink's first row cuts 2-2.5 px: such a figure counts as a frame failure here).

    ``--sparse`` draws each figure with no spines (the plot area is the map alone) and no
    data over most of a band along one side (``figures_for_detection.SPARSE_BANDS``, drawn
    from a second generator of the seed: the figures are otherwise the seed's); a frame
    side may then be doubted (``FrameDetection.doubt``), marked ``doubt`` on its line.

    ``--keep FOLDER`` keeps each figure with its truth (``s<seed>_<index>.json``: the map's
    and the bar's boxes); ``--reuse`` measures the kept figures again without drawing them,
    ``--pick 2:7`` only some of them. The last line counts the frame failures by the bar's
    orientation.
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
CASES_PER_SEED = 24


def draw_case(rng):
    """One random ``render_styled_bar`` keyword set (the draw order fixed: seeds repeat)."""
    horizontal = bool(rng.random() < 0.25)
    return dict(style=str(rng.choice(STYLES)), dpi=int(rng.choice([60, 72, 80, 90, 100])),
                cmap=str(rng.choice(COLORMAPS)), horizontal=horizontal,
                pad=float(rng.choice([0.06, 0.08, 0.1] if horizontal else [0.01, 0.015, 0.02])),
                jpeg_quality=int(rng.choice([60, 65, 70, 75, 80])) if rng.random() < 0.7
                else None,
                crop=str(rng.choice(["bbox", "ink", "cut2"])),
                size=(round(float(rng.uniform(5, 9)), 2), round(float(rng.uniform(4, 6.5)), 2)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("seeds", nargs="*", type=int, default=[1])
    parser.add_argument("--count", type=int, default=CASES_PER_SEED, help="figures per seed")
    parser.add_argument("--code", help="the checkout whose engine detects (default: this one)")
    parser.add_argument("--keep", help="folder to keep the figures (and their truths) in")
    parser.add_argument("--reuse", action="store_true",
                        help="with --keep: detect on the figures (and truths) kept there by an "
                             "earlier run instead of drawing them again")
    parser.add_argument("--sparse", action="store_true",
                        help="no spines, no data over most of a band along a side")
    parser.add_argument("--pick", nargs="+", metavar="SEED:INDEX",
                        help="detect only these figures of the sweep (e.g. 2:7 1:16)")
    arguments = parser.parse_args()
    expose_package(arguments.code)
    import numpy as np
    from figures_for_detection import SPARSE_BANDS, STYLED_VMAX, STYLED_VMIN, render_styled_bar

    from colormap_decoder.plugin.engine.detection.figure_reading import read_figure_face
    from colormap_decoder.plugin.engine.detection.layout import detect_layout
    from colormap_decoder.plugin.engine.figure import read_figure

    folder = Path(arguments.keep) if arguments.keep else \
        Path(tempfile.mkdtemp(prefix="sweep_styled_bars_"))
    folder.mkdir(parents=True, exist_ok=True)
    table = []
    by_orientation = {"vertical": [0, 0], "horizontal": [0, 0]}  # figures, frame > 2 px
    for seed in arguments.seeds:
        rng = np.random.default_rng(seed)
        bands = np.random.default_rng([seed, 1])
        failing = {"bar": 0, "range": 0, "frame": 0}
        measured = 0
        for index in range(arguments.count):
            kwargs = draw_case(rng)  # drawn for every index: the seed's figures stay the same
            if arguments.sparse:
                kwargs.update(spines=False, sparse_band=str(bands.choice(SPARSE_BANDS)))
            if arguments.pick and f"{seed}:{index}" not in arguments.pick:
                continue
            path = folder / f"s{seed}_{index}{'.jpg' if kwargs['jpeg_quality'] else '.png'}"
            # The truth kept beside the figure, so that the same figure is measured again.
            kept = folder / f"s{seed}_{index}.json"
            if arguments.reuse and kept.exists() and path.exists():
                frame, bar = (tuple(box) for box in json.loads(kept.read_text()))
            else:
                frame, bar = render_styled_bar(path, **kwargs)
                kept.write_text(json.dumps([list(map(float, frame)), list(map(float, bar))]))
            rgb = read_figure(str(path)).rgb
            layout = detect_layout(rgb)
            frame_error = bar_error = range_error = None
            if layout.frame is not None:
                frame_error = float(np.abs(np.array(layout.frame.box) - frame).max())
            if layout.colorbar is not None:
                bar_error = float(np.abs(np.array(layout.colorbar.box) - bar).max())
                reading = read_figure_face(rgb, layout, want_axes=False).colorbar
                if reading is not None and reading.vmin is not None:
                    range_error = max(abs(reading.vmin - STYLED_VMIN),
                                      abs(reading.vmax - STYLED_VMAX)) / \
                        (STYLED_VMAX - STYLED_VMIN) * 100
            bad = [name for name, error, limit in (("bar", bar_error, 2.0),
                                                   ("range", range_error, 1.0),
                                                   ("frame", frame_error, 2.0))
                   if error is None or error > limit]
            measured += 1
            for name in bad:
                failing[name] += 1
            orientation = "horizontal" if kwargs["horizontal"] else "vertical"
            by_orientation[orientation][0] += 1
            by_orientation[orientation][1] += "frame" in bad

            def shown(error):
                return "  none" if error is None else f"{error:6.2f}"

            print(f"{seed:>4} {index:>2} bar {shown(bar_error)}px range {shown(range_error)}% "
                  f"frame {shown(frame_error)}px"
                  f"{' doubt' if getattr(layout.frame, 'doubt', '') else ''} "
                  f"{json.dumps(kwargs)}"
                  f"{'  <-- ' + ' '.join(bad).upper() if bad else ''}", flush=True)
        table.append((seed, measured, failing))
    print("\n| seed | figures | bar > 2 px | range > 1 % | frame > 2 px |")
    print("|---|---|---|---|---|")
    for seed, count, failing in table:
        print(f"| {seed} | {count} | {failing['bar']} | {failing['range']} | "
              f"{failing['frame']} |")
    print("frame > 2 px (or none): " + ", ".join(
        f"{name} bars {bad} of {count}" for name, (count, bad) in by_orientation.items()))
    print("figures in", folder)


if __name__ == "__main__":
    main()
