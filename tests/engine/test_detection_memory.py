"""The memory budget of reading a figure's face (detection/ and detectfigure's report) stays
above what it really allocates, measured with tracemalloc on the bundled sample."""
import tracemalloc

from sample_figure import FIGURE

from colormap_decoder.plugin.engine import memory_budget
from colormap_decoder.plugin.engine.detection.findings import find_everything
from colormap_decoder.plugin.engine.detection.report import write_findings_report
from colormap_decoder.plugin.engine.figure import read_figure, read_figure_header


def test_detection_estimate_is_above_the_measured_peak(tmp_path):
    header = read_figure_header(str(FIGURE))
    estimate = memory_budget.estimate_job_bytes(memory_budget.detection_job_size(header))
    # Caches filled by a first run (colormap tables, the OCR engine) are fixed costs, not
    # per-pixel ones: measured on the second run.
    find_everything(read_figure(str(FIGURE)), "EPSG:32632")
    tracemalloc.start()
    try:
        figure = read_figure(str(FIGURE))
        held = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        findings = find_everything(figure, "EPSG:32632")
        detection_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        write_findings_report(str(tmp_path / "report.html"), figure.rgb, findings)
        report_peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    rows, cols = figure.shape
    assert held >= 3 * rows * cols  # the figure itself was traced
    assert findings.parameters.get("COLORMAP") == "matplotlib:viridis"
    assert detection_peak <= estimate.stages["detection"]
    assert report_peak <= estimate.stages["report"]
    # ... and not wildly above (a budget that refuses figures the machine could read).
    assert estimate.stages["detection"] <= 2.5 * detection_peak
    assert estimate.peak_stage == "detection"


def test_annotated_picture_of_a_large_figure_is_drawn_at_every_step_th_pixel(monkeypatch):
    """The findings' picture is at most PICTURE_MAX_SIDE long (it was the whole figure at full
    size, 8 bytes a pixel while drawn): the frame and the colorbar found on the sample are
    drawn at their places divided by the step."""
    import io

    import numpy as np
    from PIL import Image

    from colormap_decoder.plugin.engine.detection import report

    figure = read_figure(str(FIGURE))
    findings = find_everything(figure, "EPSG:32632")
    rows, cols = figure.shape
    pictures = {}
    for side in (max(rows, cols), max(rows, cols) // 3):
        monkeypatch.setattr(report, "PICTURE_MAX_SIDE", side)
        with Image.open(io.BytesIO(report.annotated_figure(figure.rgb, findings))) as image:
            pictures[side] = np.asarray(image.convert("RGB"))
    full, small = pictures.values()
    assert full.shape[:2] == (rows, cols)
    assert small.shape[:2] == (-(-rows // 3), -(-cols // 3))
    for box, colour in ((findings.layout.frame.box, report.FRAME_COLOUR),
                        (findings.layout.colorbar.box, report.COLORBAR_COLOUR)):
        for picture, step in ((full, 1), (small, 3)):
            col0, row0, col1, row1 = (int(round(v / step)) for v in box)
            drawn = np.all(picture == colour, axis=2)
            # The box's left side is drawn in its colour, within a pixel of where it belongs.
            assert drawn[row0 + 2:row1 - 2, max(col0 - 1, 0):col0 + 2].any(axis=1).mean() > 0.9
