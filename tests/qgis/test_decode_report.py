"""OUTPUT_REPORT as a user opens it: the decode's pictures and numbers, rendered by a real
browser (Debian's headless Chromium) with every picture shown and no script error."""
import re
import shutil
import subprocess
import tempfile

import numpy as np
from PIL import Image
from sample_figure import sample_parameters as parameters

ALGORITHM = "colormapdecoder:decodemap"
SECTIONS = ("Where the pixels went", "Decoded field", "Representative points",
            "Colour distance (ΔE)", "Colour scale as used", "Histogram of decoded values",
            "Figure and GCPs", "GCPs")


class Recorder:
    """A QgsProcessingFeedback keeping the log (made lazily: needs the QGIS app)."""

    def __new__(cls):
        from qgis.core import QgsProcessingFeedback

        class Feedback(QgsProcessingFeedback):
            def __init__(self):
                super().__init__()
                self.lines = []

            def pushInfo(self, info):  # noqa: N802 - QGIS API
                self.lines.append(info)

        return Feedback()


def chromium(*arguments, timeout=120):
    executable = shutil.which("chromium", path="/usr/bin:/bin")
    assert executable, "chromium is not installed (make test installs it)"
    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    try:
        return subprocess.run(
            [executable, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
             "--no-first-run", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", f"--user-data-dir={profile}", *arguments],
            capture_output=True, text=True, timeout=timeout)
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def text_without_pictures(page):
    return re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", page)


def run_with_report(folder, **overrides):
    import processing

    feedback = Recorder()
    values = parameters(folder, OUTPUT_REPORT=str(folder / "report.html"), **overrides)
    values = {k: v for k, v in values.items() if v is not None}
    result = processing.run(ALGORITHM, values, feedback=feedback)
    return result, feedback.lines


def test_report_shows_the_decode_and_a_browser_renders_it(provider, tmp_path):
    result, log = run_with_report(tmp_path)
    report = tmp_path / "report.html"
    assert result["OUTPUT_REPORT"] == str(report)
    assert any(line.startswith("Report: ") and str(report) in line for line in log)
    page = report.read_text(encoding="utf-8")
    text = text_without_pictures(page)
    for title in SECTIONS:
        assert f"<h2>{title}</h2>" in text, title
    # Rounded: no 4.01694e-14 px residuals, no 333.333333 values.
    assert not re.search(r"\de-\d", text), re.search(r".{40}\de-\d.{20}", text).group(0)
    assert "&lt; 0.001" in text  # the sample's exact GCPs
    # The accounting matches the log: every plot-area pixel is accounted for once.
    decoded, examined = (int(n.replace(",", "")) for n in re.search(
        r"Decoded ([\d,]+) of ([\d,]+) examined", "\n".join(log)).groups())
    counts = dict(re.findall(r'<tr><td class="label">([^<]+)</td><td>([\d,]+)</td>', text))
    assert int(counts["Decoded"].replace(",", "")) == decoded
    assert int(counts["Off the colour scale"].replace(",", "")) == examined - decoded
    plot_pixels = int(re.search(r"The ([\d,]+) pixels of the plot area", text).group(1)
                      .replace(",", ""))
    assert sum(int(v.replace(",", "")) for v in counts.values()) == plot_pixels

    # A real browser: every picture shown, no script error, something drawn.
    dom = chromium("--virtual-time-budget=10000", "--dump-dom", report.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    shown = re.search(r'data-images-shown="(\d+)" data-images="(\d+)"', dom.stdout)
    assert shown, "the page's load script did not run"
    # Field, points, ΔE, colour scale, histogram, figure with GCPs: all shown.
    assert int(shown.group(1)) == int(shown.group(2)) == page.count("<img ") == 6
    assert "class=\"broken\"" not in dom.stdout
    screenshot = tmp_path / "report.png"
    rendered = chromium("--enable-logging=stderr", "--v=0", "--window-size=1200,3000",
                        "--virtual-time-budget=10000", f"--screenshot={screenshot}",
                        report.as_uri())
    assert rendered.returncode == 0, rendered.stderr[-2000:]
    console = [line for line in rendered.stderr.splitlines() if "CONSOLE" in line]
    assert not [line for line in console if re.search(r"Uncaught|Error", line)], console
    assert "net::ERR" not in rendered.stderr and "Failed to load resource" not in rendered.stderr
    pixels = np.asarray(Image.open(screenshot).convert("L"))
    assert pixels.shape == (3000, 1200) and pixels.std() > 20  # text and pictures, not blank


def test_report_of_a_georeferenced_figure_without_gcps(provider, tmp_path):
    from test_first_run import georeferenced_copy

    figure = georeferenced_copy(tmp_path)
    # No GCPs; the plot area is found on the figure.
    values = {"GCPS": None, "INPUT": str(figure), "PLOT_AREA": None}
    result, log = run_with_report(tmp_path, **values)
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "<h1>Decoding report</h1>" in page
    assert "the figure&#x27;s own geotransform" in page or "own geotransform" in page
    assert "<h2>Decoded field</h2>" in page
    assert "WGS 84 / UTM zone 32N (EPSG:32632)" in page


def test_a_proj_string_crs_is_named_in_reports():
    from colormap_decoder.plugin.engine.warping import crs_label

    label = crs_label("+proj=lcc +lat_1=33 +lat_2=45 +lat_0=39 +lon_0=-96 +datum=WGS84 "
                      "+units=m +no_defs")
    assert "unknown" not in label.lower()
    assert label.startswith("custom Lambert Conic Conformal")
    assert "+lat_1=33" in label
