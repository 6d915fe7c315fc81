"""Two-label legends read in silence: a matrix of QGIS print-layout legends, each read as
Tesseract reads it and with every comma read as a point.

Run by hand (never by the tests), with Debian's python3 (it imports ``qgis``) in a clean
environment; render once, then read with any checkout's engine:

    env -i PATH=/usr/bin:/bin HOME=/tmp/home-matrix QT_QPA_PLATFORM=offscreen LANG=C.UTF-8 \\
        /usr/bin/python3 bench/legend_matrix.py render --kind base --folder /tmp/legends
    env -i ... /usr/bin/python3 bench/legend_matrix.py read --kind base --folder /tmp/legends \\
        [--code OTHER_CHECKOUT] [--only NAME_PART] [--json rows.json]

A legend is QGIS's colour-ramp legend of the Kilauea grid (``tests/qgis_layout_figure.py``)
with two end labels: ``base`` the ranges 799/3405, 1250/12300, 0.5/2.25, -1500.5/1200 (commas
and points); ``digits`` 357/750, 1468/2093, 0.35/6.8, 23.5/91.6, 18/64, -4.7/3.9 (every digit);
each in DejaVu Sans, Nimbus Sans, DejaVu Serif and Nimbus Roman at 8, 10 and 12 pt, 96 and
120 dpi, PNG and JPEG q70 (192 and 288 legends). Each reading of the range (``answers``, only
``INPUT`` given) is ``ok`` (right, no warning naming VMIN or VMAX), ``refused``,
``warned-right``, ``warned-wrong`` or ``WRONG`` (wrong in silence).

``units`` is legend38's grid of labels with a unit suffix (' m'): the ranges 0/138,
1000/3500, -1035/2205, 5/62 in DejaVu Sans, DejaVu Sans Condensed, Nimbus Sans, DejaVu Serif
and Nimbus Roman at 7, 8 and 10 pt, 96, 100 and 120 dpi, PNG, vertical and horizontal on a
25 mm ramp (360 legends). It is read as legend38 read it: the colorbar alone
(``read_figure_face(want_axes=False)``), once (no comma mode), a bar end within 0.5 % of the
range right; ``ok``, ``refused`` (an end not read) or ``WRONG``.

``decimals`` is the control of ``units``' thousands commas: true decimals with three digits
after the point, -1.035/2.205 and 0.125/3.405 with the suffix ' m', in the same fonts, sizes
and dpis, vertical only (90 legends), read alike: a separator before three digits must stay
a point where it is one.
"""
import argparse
import itertools
import json
import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FONTS = ["DejaVu Sans", "Nimbus Sans", "DejaVu Serif", "Nimbus Roman"]
SIZES = [8, 10, 12]
DPIS = [96, 120]
RANGES = {"base": [(799.0, 3405.0), (1250.0, 12300.0), (0.5, 2.25), (-1500.5, 1200.0)],
          "digits": [(357.0, 750.0), (1468.0, 2093.0), (0.35, 6.8), (23.5, 91.6), (18.0, 64.0),
                     (-4.7, 3.9)],
          "units": [(0.0, 138.0), (1000.0, 3500.0), (-1035.0, 2205.0), (5.0, 62.0)],
          "decimals": [(-1.035, 2.205), (0.125, 3.405)]}
UNIT_FONTS = ["DejaVu Sans", "DejaVu Sans Condensed", "Nimbus Sans", "DejaVu Serif",
              "Nimbus Roman"]
UNIT_SIZES = [7, 8, 10]
UNIT_DPIS = [96, 100, 120]
UNIT_RAMP_LENGTH = 25  # mm, the horizontal ramps' (legend38's)
CRS = "EPSG:32605"
EXTENT = (256000.0, 279000.0, 2136000.0, 2153000.0)


def figures(kind):
    """Each legend's file name (without extension), range, font, size, dpi and JPEG quality."""
    if kind in ("units", "decimals"):
        for value_range, font, size, dpi in itertools.product(
                RANGES[kind], UNIT_FONTS, UNIT_SIZES, UNIT_DPIS):
            for horizontal in (False, True) if kind == "units" else (False,):
                name = (f"{value_range[0]}_{value_range[1]}_{font.replace(' ', '')}_{size}_"
                        f"{dpi}_{'h' if horizontal else 'v'}")
                yield name, value_range, font, size, dpi, None
        return
    for value_range, font, size, dpi, jpeg in itertools.product(
            RANGES[kind], FONTS, SIZES, DPIS, [None, 70]):
        name = (f"{value_range[0]}_{value_range[1]}_{font.replace(' ', '')}_{size}_{dpi}_"
                f"{jpeg or 'png'}")
        yield name, value_range, font, size, dpi, jpeg


def render(kind, folder):
    """Export every legend of ``kind`` not yet in ``folder`` with QGIS."""
    sys.path.insert(0, str(REPO / "tests"))
    from PIL import Image
    from qgis.testing import start_app
    from qgis_layout_figure import render_print_layout

    start_app()
    folder.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="legend_matrix_"))
    grid = scratch / "kilauea.nc"
    shutil.copy(REPO / "tests" / "data" / "gmtserver_Kilauea.utm.nc", grid)
    for name, value_range, font, size, dpi, jpeg in figures(kind):
        out = folder / (name + (".jpg" if jpeg else ".png"))
        if out.exists():
            continue
        unit_options = {}
        if kind in ("units", "decimals"):
            horizontal = name.endswith("_h")
            unit_options = dict(suffix=" m", horizontal_legend=horizontal,
                                ramp_length=UNIT_RAMP_LENGTH if horizontal else None)
        figure = render_print_layout(scratch / "layout.png", grid, CRS, EXTENT, value_range,
                                     dpi=dpi, interval=5000.0, legend_font=font,
                                     legend_font_size=size, **unit_options)
        if jpeg:
            Image.open(figure.path).convert("RGB").save(out, quality=jpeg)
        else:
            shutil.copy(figure.path, out)


def read(kind, folder, code, only=None):
    """Read every legend twice (as read, commas as points); print and return the rows."""
    sys.path.insert(0, str(REPO / "tests"))
    from sample_figure import expose_package

    expose_package(code)  # its temporary folder removed at exit
    from colormap_decoder.plugin.engine.detection import figure_reading
    from colormap_decoder.plugin.engine.detection.answers import Needs, answer_from_figure
    from colormap_decoder.plugin.engine.detection.layout import detect_layout
    from colormap_decoder.plugin.engine.errors import EngineError
    from colormap_decoder.plugin.engine.figure import read_figure
    from colormap_decoder.plugin.engine.pipeline import DecodeSettings

    as_read = figure_reading.read_label

    def commas_as_points(image):
        text, confidence = as_read(image)
        return text.replace(",", "."), confidence

    counts, rows = {}, []
    for name, value_range, _, _, _, jpeg in figures(kind):
        if only and only not in name:
            continue
        path = folder / (name + (".jpg" if jpeg else ".png"))
        if kind in ("units", "decimals"):
            status, detail = _read_colorbar_alone(path, value_range)
            counts[status] = counts.get(status, 0) + 1
            rows.append(dict(name=name, mode="tess", status=status, detail=detail))
            print(f"{status:13s} tess  {name} {detail}", flush=True)
            continue
        for mode, reader in (("tess", as_read), ("comma", commas_as_points)):
            figure_reading.read_label = reader
            figure = read_figure(str(path))
            settings = DecodeSettings(figure_path=str(path), scale_automatic=True)
            try:
                answers = answer_from_figure(settings, figure, detect_layout(figure.rgb),
                                             Needs(value_range=True, scale=True))
                got = (answers.settings.vmin, answers.settings.vmax)
                bar = answers.reading.colorbar
                texts = [label.text for label in bar.axis.labels] if bar is not None else []
                warnings = [w for w in answers.warnings if "VMIN" in w or "VMAX" in w]
                right = all(abs(a - b) <= 1e-6 * max(1.0, abs(b))
                            for a, b in zip(got, value_range))
                status = ("ok" if right else "WRONG") if not warnings else (
                    "warned-right" if right else "warned-wrong")
                detail = f"{got} {texts} {' | '.join(w[:160] for w in warnings)}"
            except EngineError as error:
                status, detail = "refused", f"{error.parameter}: {str(error)[:200]}"
            counts[status] = counts.get(status, 0) + 1
            rows.append(dict(name=name, mode=mode, status=status, detail=detail))
            print(f"{status:13s} {mode:5s} {name} {detail}", flush=True)
    figure_reading.read_label = as_read
    print("outcomes:", json.dumps(counts, sort_keys=True))
    return rows


def _read_colorbar_alone(path, value_range):
    """Read a legend's colorbar as legend38 did: its status and what was read."""
    from colormap_decoder.plugin.engine.detection.figure_reading import read_figure_face
    from colormap_decoder.plugin.engine.detection.layout import detect_layout
    from colormap_decoder.plugin.engine.errors import EngineError
    from colormap_decoder.plugin.engine.figure import read_figure

    rgb = read_figure(str(path)).rgb
    try:
        reading = read_figure_face(rgb, detect_layout(rgb), want_axes=False)
    except EngineError as error:
        return "refused", f"{error.parameter}: {str(error)[:200]}"
    bar = reading.colorbar
    if bar is None or bar.vmin is None or bar.vmax is None:
        texts = [label.text for label in bar.axis.labels] if bar is not None else []
        problem = getattr(bar.axis, "problem", "") if bar is not None else ""
        return "refused", f"no range {texts} {problem or ''}"[:300]
    texts = [label.text for label in bar.axis.labels]
    low, high = value_range
    tolerance = 0.005 * (high - low)
    right = abs(bar.vmin - low) <= tolerance and abs(bar.vmax - high) <= tolerance
    # A warning on the colorbar's reading is said to the user (the answers name VMIN/VMAX).
    warnings = [w for w in reading.warnings if "colorbar" in w or "VMIN" in w or "VMAX" in w]
    status = ("ok" if right else "WRONG") if not warnings else (
        "warned-right" if right else "warned-wrong")
    return status, f"({bar.vmin}, {bar.vmax}) {texts} {' | '.join(w[:120] for w in warnings)}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("step", choices=["render", "read"])
    parser.add_argument("--kind", default="base", choices=sorted(RANGES))
    parser.add_argument("--folder", required=True, help="where the legends are kept")
    parser.add_argument("--code", default=str(REPO),
                        help="the checkout whose engine reads (default: this one)")
    parser.add_argument("--only", help="read only legends whose name holds this")
    parser.add_argument("--json", help="write every row here")
    args = parser.parse_args()
    folder = Path(args.folder) / args.kind
    if args.step == "render":
        render(args.kind, folder)
    else:
        rows = read(args.kind, folder, args.code, args.only)
        if args.json:
            Path(args.json).write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
