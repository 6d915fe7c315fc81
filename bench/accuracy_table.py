"""Accuracy of the decoding on real grids drawn by real renderers, against the grids themselves.

Run by hand (never by the tests, which assert the same targets case by case):

    /usr/bin/python3 bench/accuracy_table.py [--unmap-python /tmp/unmap-venv/bin/python]

For each figure (matplotlib's Jacksboro DEM drawn with five colormaps, with colorbar, title,
labels and black contour lines, as PNG and as JPEG quality 75) it prints, as fractions of the
value range and on pixels at least 2 px from the axes edge and from any line or text: the median
and 95th-percentile absolute error, the share of true data pixels left undecoded, and the share
of contour-line pixels masked. The same figures are decoded by the seed
pipeline (`../shared/reference/seed_pipeline.py`) and, when given, by `unmap`.
"""
import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
SEED = REPO.parent / "shared" / "reference" / "seed_pipeline.py"
sys.path.insert(0, str(REPO / "tests"))


def _engine():
    from sample_figure import expose_package

    expose_package()
    from colormap_decoder.plugin.engine import colour_decoding, colour_scales, figure, regions
    return colour_decoding, colour_scales, figure, regions


def matplotlib_cases(folder):
    from figures_for_tests import jacksboro_dem, render_grid

    grid, extent = jacksboro_dem()
    vmin, vmax = float(np.nanmin(grid)), float(np.nanmax(grid))
    for cmap in ("viridis", "jet", "RdBu_r", "cividis", "turbo"):
        for quality in (None, 75):
            suffix = "png" if quality is None else "jpg"
            figure = render_grid(grid, extent, folder / f"{cmap}.{suffix}", cmap=cmap,
                                 jpeg_quality=quality)
            yield dict(name=f"matplotlib {cmap} {suffix.upper()}{'' if quality is None else ' q75'}",
                       figure=figure, cmap=cmap, vmin=vmin, vmax=vmax)


def measure(case, decoded_values, rgb):
    """Errors on clean data pixels, and how much data and non-data was masked."""
    from figures_for_tests import data_pixels

    figure = case["figure"]
    rows, cols = np.nonzero(data_pixels(figure))
    truth = figure.truth_at_pixels(cols + 0.5, rows + 0.5)
    known = np.isfinite(truth)
    values = decoded_values[rows[known], cols[known]]
    missing = np.isnan(values)
    error = np.abs(values[~missing] - truth[known][~missing]) / (case["vmax"] - case["vmin"])
    line_cores = figure.annotation & (rgb.max(axis=2) < 40)
    return dict(median=float(np.median(error)), p95=float(np.percentile(error, 95)),
                data_masked=float(missing.mean()),
                lines_masked=float(np.isnan(decoded_values[line_cores]).mean()))


def ours(case, named=True):
    colour_decoding, colour_scales, figure_module, regions = _engine()
    figure = case["figure"]
    image = figure_module.read_figure(figure.path)
    rgb = image.rgb
    if named:
        scale = colour_scales.resolve_colour_scale(case["cmap"])
    else:
        col0, row0, col1, row1 = figure.colorbar_box
        fractions, samples = colour_scales.sample_colorbar(rgb, (col0 - 2, row0 - 3, col1 + 2, row1 + 3))
        scale = colour_scales.colour_scale_from_samples(samples, positions=fractions)
    # As the pipeline chooses by default: JPEG's own colour space for JPEG files.
    space = "ycbcr" if image.image_format == "JPEG" else "cielab"
    decoder = colour_decoding.ColourDecoder(
        scale, colour_decoding.ValueMapping(case["vmin"], case["vmax"]), space)
    examine = regions.box_mask(rgb.shape[:2], figure.plot_box)
    decoded = decoder.decode_image(rgb, examine, 12.0)
    return measure(case, decoded.values, rgb)


def seed(case):
    sys.path.insert(0, str(SEED.parent))
    from seed_pipeline import run

    figure = case["figure"]
    col0, row0, col1, row1 = figure.plot_box
    data, _, _ = run(figure.path, case["cmap"], case["vmin"], case["vmax"],
                     crop=(col0, row0, col1, row1))
    values = np.full((figure.size[1], figure.size[0]), np.nan)
    values[row0:row1, col0:col1] = np.ma.filled(data.astype(float), np.nan)
    from PIL import Image

    rgb = np.asarray(Image.open(figure.path).convert("RGB"))
    return measure(case, values, rgb)


def unmap_values(case, python):
    figure = case["figure"]
    col0, row0, col1, row1 = figure.plot_box
    out = Path(tempfile.mkdtemp()) / "values.npy"
    script = (
        "import numpy as np, unmap, sys\n"
        "from PIL import Image\n"
        f"image = np.asarray(Image.open({figure.path!r}).convert('RGB'))[{row0}:{row1}, {col0}:{col1}]\n"
        f"values = unmap.unmap(image / 255.0, cmap={case['cmap']!r}, vrange=({case['vmin']!r}, "
        f"{case['vmax']!r}), threshold=0.1)\n"
        f"np.save({str(out)!r}, np.ma.filled(np.ma.masked_invalid(values).astype(float), np.nan))\n")
    subprocess.run([python, "-c", script], check=True, capture_output=True, timeout=600)
    values = np.full((figure.size[1], figure.size[0]), np.nan)
    values[row0:row1, col0:col1] = np.load(out)
    from PIL import Image

    rgb = np.asarray(Image.open(figure.path).convert("RGB"))
    return measure(case, values, rgb)


def _cell(result):
    return (f"{100 * result['median']:.3f} | {100 * result['p95']:.3f} | "
            f"{100 * result['data_masked']:.2f} | {100 * result['lines_masked']:.1f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--unmap-python")
    parser.add_argument("--json", help="also write the numbers here")
    arguments = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="accuracy_"))
    rows, numbers = [], {}
    header = ("| figure | decoder | median % | p95 % | data masked % | line cores masked % |\n"
              "|---|---|---:|---:|---:|---:|")
    for case in matplotlib_cases(folder):
        results = {"ours, named colormap": ours(case), "ours, colorbar box": ours(case, named=False),
                   "seed pipeline": seed(case)}
        if arguments.unmap_python:
            try:
                results["unmap"] = unmap_values(case, arguments.unmap_python)
            except subprocess.CalledProcessError as error:
                print(f"unmap failed on {case['name']}: {error.stderr[-300:]}", file=sys.stderr)
        for decoder, result in results.items():
            rows.append(f"| {case['name']} | {decoder} | {_cell(result)} |")
        numbers[case["name"]] = results
        print(f"done: {case['name']}", file=sys.stderr, flush=True)
    print(header)
    print("\n".join(rows))
    if arguments.json:
        with open(arguments.json, "w", encoding="utf-8") as handle:
            json.dump(numbers, handle, indent=1)


if __name__ == "__main__":
    main()
