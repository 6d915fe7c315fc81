"""How promptly a run can be cancelled: the longest stretch between two cancellation checks,
per progress phase, for both algorithms (run by hand, not a test).

A run is cancelled at the first check after the user asks: the worst wait is the longest time
between two consecutive checks (``feedback.isCanceled()``, which the engine's progress hook asks).
Each case runs through ``processing.run`` in this process with a feedback that timestamps every
check and every progress text; a stretch is charged to the phase whose text was shown when it
began. Prints, per case, each phase's longest stretch and number of checks, then the worst.
``--confirm N`` also cancels N runs of each case from another thread at random moments and
prints how long each took to return after the cancel.

    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/tmp/home-x QT_QPA_PLATFORM=offscreen \
        LANG=C.UTF-8 /usr/bin/python3 bench/cancel_latency.py [--only WORD] [--confirm 5]
"""

import argparse
import random
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
from sample_figure import FIGURE, POINTS_FILE, expose_package, sample_extents  # noqa: E402

expose_package()

DECODE, DETECT = "colormapdecoder:decodemap", "colormapdecoder:detectfigure"


def enlarged_figure(folder, factor):
    """The sample drawn ``factor`` times larger (nearest neighbour) and its GCPs scaled."""
    from PIL import Image

    with Image.open(FIGURE) as image:
        image.convert("RGB").resize((image.width * factor, image.height * factor),
                                    Image.NEAREST).save(folder / f"fig{factor}.png")
    lines = []
    for line in POINTS_FILE.read_text().splitlines():
        values = line.split(",")
        if line[:1].isdigit() and len(values) > 3:
            values[2] = repr(float(values[2]) * factor)
            values[3] = repr(float(values[3]) * factor)
        lines.append(",".join(values))
    (folder / f"fig{factor}.points").write_text("\n".join(lines) + "\n")
    return folder / f"fig{factor}.png", folder / f"fig{factor}.points"


def cases(folder):
    """(name, algorithm, parameters) of the runs measured."""
    big, big_points = enlarged_figure(folder, 4)
    plot_area = sample_extents()["PLOT_AREA"]
    scaled_area = ",".join(str(4 * float(v)) for v in plot_area.split(","))

    def outputs(name):
        out = folder / name
        out.mkdir()
        return {"OUTPUT": str(out / "decoded.tif"), "OUTPUT_POINTS": str(out / "points.gpkg"),
                "OUTPUT_DISTANCE": str(out / "distance.tif"),
                "OUTPUT_RECONSTRUCTION": str(out / "reconstruction.tif"),
                "OUTPUT_REPORT": str(out / "report.html")}

    hand = {"INPUT": str(FIGURE), "GCPS": str(POINTS_FILE), "TARGET_CRS": "EPSG:32632",
            "COLORMAP": "viridis", "VMIN": 0, "VMAX": 4000, "PLOT_AREA": plot_area}
    yield "decodemap by hand, every output", DECODE, {**hand, **outputs("hand")}
    yield "decodemap read off the figure (OCR)", DECODE, {
        "INPUT": str(FIGURE), "GCP_CRS": "EPSG:32632", **outputs("auto")}
    yield "decodemap 8.6 MP by hand, every output", DECODE, {
        **hand, "INPUT": str(big), "GCPS": str(big_points), "PLOT_AREA": scaled_area,
        **outputs("big")}
    out = folder / "detect"
    out.mkdir()
    yield "detectfigure", DETECT, {"INPUT": str(FIGURE), "GCP_CRS": "EPSG:32632",
                                   "OUTPUT_GCPS": str(out / "g.points"),
                                   "OUTPUT_REPORT": str(out / "r.html")}
    yield "detectfigure 8.6 MP", DETECT, {"INPUT": str(big), "GCP_CRS": "EPSG:32632",
                                          "OUTPUT_GCPS": str(out / "g4.points"),
                                          "OUTPUT_REPORT": str(out / "r4.html")}


def measure(algorithm, parameters):
    """Per phase: (longest stretch between checks in s, checks); and the run's time."""
    import processing
    from qgis.core import QgsProcessingContext, QgsProcessingFeedback

    checks = []  # (time, phase shown then)
    phase = ["(before the first progress text)"]

    class Timed(QgsProcessingFeedback):
        def setProgressText(self, text):  # noqa: N802 - Qt override
            phase[0] = text
            super().setProgressText(text)

        def isCanceled(self):  # noqa: N802 - Qt override
            checks.append((time.perf_counter(), phase[0]))
            return super().isCanceled()

    start = time.perf_counter()
    checks.append((start, "(start)"))
    try:
        processing.run(algorithm, parameters, feedback=Timed(), context=QgsProcessingContext())
    except Exception as error:  # noqa: BLE001 - a refused run is measured up to its refusal
        print(f"   refused: {str(error)[:200]}", flush=True)
    end = time.perf_counter()
    checks.append((end, "(end)"))
    phases = {}
    for (began, name), (ended, _) in zip(checks, checks[1:]):
        longest, count = phases.get(name, (0.0, 0))
        phases[name] = (max(longest, ended - began), count + 1)
    return phases, end - start


def confirm(algorithm, parameters, runs, duration, seed):
    """Return delays (s) after cancels at random moments of a run of ``duration`` s."""
    import processing
    from qgis.core import QgsProcessingContext, QgsProcessingFeedback

    rng = random.Random(seed)
    waits = []
    for _ in range(runs):
        feedback = QgsProcessingFeedback()
        delay = rng.uniform(0.05, 0.95) * duration
        asked = []

        def cancel(feedback=feedback, asked=asked):
            asked.append(time.perf_counter())
            feedback.cancel()

        timer = threading.Timer(delay, cancel)
        timer.start()
        try:
            processing.run(algorithm, parameters, feedback=feedback, context=QgsProcessingContext())
        except Exception:  # noqa: BLE001, S110 - a cancelled run raises
            pass
        returned = time.perf_counter()
        timer.cancel()
        if asked:
            waits.append((delay, returned - asked[0]))
    return waits


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", default="")
    parser.add_argument("--confirm", type=int, default=0, help="random cancels per case")
    parser.add_argument("--seed", type=int, default=1)
    arguments = parser.parse_args()
    from qgis.testing import start_app

    start_app()
    sys.path.insert(0, "/usr/share/qgis/python/plugins")
    from processing.core.Processing import Processing
    from qgis.core import QgsApplication

    Processing.initialize()
    from colormap_decoder.plugin.processing.provider import ColormapDecoderProvider

    provider = ColormapDecoderProvider()  # kept: the registry does not own a Python provider
    QgsApplication.processingRegistry().addProvider(provider)
    folder = Path(tempfile.mkdtemp(prefix="cancel_latency_"))
    try:
        for name, algorithm, parameters in cases(folder):
            if arguments.only and arguments.only.lower() not in name.lower():
                continue
            phases, duration = measure(algorithm, parameters)
            print(f"== {name}: {duration:.2f} s, {sum(c for _, c in phases.values())} checks",
                  flush=True)
            for phase, (longest, count) in sorted(phases.items(), key=lambda p: -p[1][0]):
                print(f"   {longest:7.3f} s  {count:6d}  {phase}", flush=True)
            if arguments.confirm:
                waits = confirm(algorithm, parameters, arguments.confirm, duration, arguments.seed)
                print("   cancelled at " + ", ".join(f"{d:.2f} s -> returned {w:.3f} s later"
                                                      for d, w in waits), flush=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
