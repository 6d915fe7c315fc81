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


def _flat_mask_whole(rgb):
    """detection.class_legend._flat_mask as it was, on the whole figure at once (the
    reference the banded mask must equal)."""
    import numpy as np
    from scipy import ndimage

    from colormap_decoder.plugin.engine.detection.class_legend import FLAT_STEP

    rows, cols = rgb.shape[:2]
    step_x = np.ones((rows, cols - 1), bool)
    step_y = np.ones((rows - 1, cols), bool)
    for channel in range(3):
        image = ndimage.uniform_filter(rgb[..., channel].astype(np.int16) * 9, size=3)
        step_x &= np.abs(np.diff(image, axis=1)) <= 9 * FLAT_STEP
        step_y &= np.abs(np.diff(image, axis=0)) <= 9 * FLAT_STEP
    flat = np.ones((rows, cols), bool)
    flat[:, :-1] &= step_x
    flat[:, 1:] &= step_x
    flat[:-1] &= step_y
    flat[1:] &= step_y
    flat[:, [0, -1]] = False
    flat[[0, -1]] = False
    return flat


def _legend_of_patches_figure(path, jpeg_quality=None):
    """A matplotlib figure of classes with a legend of one patch a class (as QGIS draws a
    classified layer's), saved as PNG or JPEG; its RGB pixels as read by the engine."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    from matplotlib.patches import Patch

    field = np.add.outer(np.linspace(0, 4, 120), np.sin(np.linspace(0, 6, 160))) % 5
    colours = plt.get_cmap("viridis", 5)
    figure, axes = plt.subplots(figsize=(5, 3.5), dpi=150)
    axes.imshow(np.floor(field), cmap=colours, interpolation="nearest")
    axes.legend(handles=[Patch(facecolor=colours(k), label=f"{k * 10} - {k * 10 + 10}")
                         for k in range(5)], loc="center left", bbox_to_anchor=(1.02, 0.5),
                handleheight=1.5, handlelength=2.0)
    figure.savefig(path, bbox_inches="tight", **({} if jpeg_quality is None else
                                                 {"pil_kwargs": {"quality": jpeg_quality}}))
    plt.close(figure)
    return read_figure(str(path)).rgb


def test_flat_mask_by_blocks_is_the_whole_figures(tmp_path, monkeypatch):
    """The class legend's flat mask made a block of rows at a time (issue 11: its int16 sums
    and steps were some 10 bytes a figure pixel at once) is the mask made on the whole figure,
    bit for bit, with blocks of one row up to the whole figure: on the sample, the golden
    figures, a legend of patches as PNG and JPEG quality 60 and random noise of every small
    shape; and the legend of patches is found the same."""
    from pathlib import Path

    import numpy as np

    from colormap_decoder.plugin.engine.detection import class_legend

    golden = Path(__file__).resolve().parents[1] / "data" / "golden"
    figures = [read_figure(str(FIGURE)).rgb,
               read_figure(str(golden / "jacksboro_contourf.png")).rgb,
               _legend_of_patches_figure(tmp_path / "legend.png"),
               _legend_of_patches_figure(tmp_path / "legend.jpg", jpeg_quality=60)]
    rng = np.random.default_rng(11)
    # Noise of a few levels, mostly within FLAT_STEP of one another, now and then far.
    figures += [(100 + rng.integers(0, 8, (rows, cols, 3)) + 60 * (rng.random((rows, cols, 1))
                                                                   < 0.03)).astype(np.uint8)
                for rows, cols in [(1, 5), (2, 2), (3, 7), (4, 1), (5, 9), (17, 13), (60, 70)]]
    for rgb in figures:
        whole = _flat_mask_whole(rgb)
        assert whole.any() == (min(rgb.shape[:2]) >= 3), rgb.shape
        assert not whole.all()
        for block in (1, 2 * rgb.shape[1], 3 * rgb.shape[1] + 1, 4096, None, rgb.size):
            assert np.array_equal(class_legend._flat_mask(rgb, block), whole), (rgb.shape, block)
    legends = [class_legend.find_class_patches(rgb) for rgb in figures[2:4]]
    assert all(legend is not None and len(legend.patches) == 5 for legend in legends)
    # The same patches, colours and background as found with the whole figure's mask and
    # its labels counted at once.
    monkeypatch.setattr(class_legend, "_flat_mask", _flat_mask_whole)
    monkeypatch.setattr(class_legend, "label_sizes",
                        lambda labels, count: np.bincount(labels.ravel(), minlength=count + 1))
    for rgb, legend in zip(figures[2:4], legends):
        before = class_legend.find_class_patches(rgb)
        assert before.patches == legend.patches
        assert np.array_equal(before.colours, legend.colours)
        assert np.array_equal(before.background, legend.background)


def test_regions_labelled_in_16_bits_where_they_fit_are_scipys_labels(tmp_path, monkeypatch):
    """regions.label_regions: the labels and count of scipy's 32-bit labelling, in 16 bits when
    the mask's runs along rows (at least one a region) number fewer than 65,536, in 32 bits
    otherwise; and the map panel of a figure with no dark frame (matplotlib's ggplot style,
    found by detection.frame.find_panel, whose labels they are) is the one found with scipy's."""
    import matplotlib
    import numpy as np
    from scipy import ndimage

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from colormap_decoder.plugin.engine import regions
    from colormap_decoder.plugin.engine.detection import frame, layout

    rng = np.random.default_rng(5)
    for shape, share in (((300, 500), 0.5), ((40, 3), 0.9), ((1200, 1200), 0.5), ((7, 9), 0.0)):
        mask = rng.random(shape) < share
        expected, count = ndimage.label(mask)
        labels, got = regions.label_regions(mask)
        assert got == count and np.array_equal(labels, expected)
        assert labels.dtype == (np.uint16 if count < 30_000 else np.int32), (shape, count)

    x, y = np.meshgrid(np.linspace(0, 6, 320), np.linspace(0, 4, 240))
    with plt.style.context("ggplot"):
        figure, axes = plt.subplots(figsize=(6, 4.5), dpi=100)
        image = axes.imshow(np.sin(x) * np.cos(y), cmap="viridis", aspect="auto")
        figure.colorbar(image)
        path = tmp_path / "ggplot.png"
        figure.savefig(path)
        plt.close(figure)
    rgb = read_figure(str(path)).rgb
    found = layout.detect_layout(rgb)
    assert found.frame is not None and found.frame.kind != "plain"
    page_rgb = np.median(np.concatenate([rgb[0], rgb[-1], rgb[:, 0], rgb[:, -1]]), axis=0)
    bars = [found.colorbar.box] if found.colorbar is not None else []
    narrow = frame.find_panel(rgb, page_rgb, bars, found.max_thickness)
    monkeypatch.setattr(frame, "label_regions", ndimage.label)
    assert frame.find_panel(rgb, page_rgb, bars, found.max_thickness) == narrow
    assert narrow is not None
