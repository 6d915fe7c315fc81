"""A degree sign read as a raised zero: '0°' read '0^0'.

A JPEG (q80) of a map labelled with hemisphere letters, DejaVu Sans 9-10 pt at 72-80 dpi
(the decode window's EGM96 geoid figure, JPEG: '0°' not read, 8 of 10 y labels kept):
Tesseract reads the equator's '0°' as '0^0', its small degree ring as a raised '0' (the
whitelist holds '^' for powers such as '10^3'). No renderer writes a power of a base other
than ten on a tick label, so '0^0' is the degree label; before, it was no number and the
equator's tick was left out of the fit.

Real figures drawn by matplotlib over the ocean floor's age grid (../shared/data).
"""
import io
from types import SimpleNamespace

import matplotlib
import numpy as np
import pytest
from figures_for_detection import pixel_box
from PIL import Image
from test_detection_accuracy import age_grid
from test_detection_reading import assert_axes_georeference

from colormap_decoder.plugin.engine.detection.figure_reading import read_figure_face
from colormap_decoder.plugin.engine.detection.labels import parse_label
from colormap_decoder.plugin.engine.detection.layout import detect_layout
from colormap_decoder.plugin.engine.figure import read_figure

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402 - after choosing the backend
from matplotlib import ticker  # noqa: E402


def render(path, shared_data, extent, dpi, size, quality=80):
    """The age grid over ``extent`` with '40°N' .. '0°' .. '50°S' labels, a colorbar, saved
    as a JPEG of ``quality``."""
    west, east, south, north = extent
    age, transform = age_grid(shared_data)
    columns = slice(*sorted(int(np.floor(~transform * (lon, 0))[0]) for lon in (west, east)))
    rows = slice(*sorted(int(np.floor(~transform * (0, lat))[1]) for lat in (north, south)))
    with plt.rc_context({"font.family": "DejaVu Sans", "font.size": size}):
        figure = plt.figure(figsize=(8, 5), dpi=dpi)
        axes = figure.add_axes([0.12, 0.12, 0.66, 0.78])
        bar_axes = figure.add_axes([0.82, 0.12, 0.025, 0.78])
        image = axes.imshow(age[rows, columns], cmap="viridis", vmin=0, vmax=150,
                            extent=extent, aspect="auto", interpolation="nearest")
        axes.xaxis.set_major_formatter(ticker.FuncFormatter(
            lambda value, _: f"{abs(value):g}°{'W' if value < 0 else 'E' if value > 0 else ''}"))
        axes.yaxis.set_major_formatter(ticker.FuncFormatter(
            lambda value, _: f"{abs(value):g}°{'S' if value < 0 else 'N' if value > 0 else ''}"))
        figure.colorbar(image, cax=bar_axes)
        figure.canvas.draw()
        frame = pixel_box(axes, figure.canvas.get_width_height()[1])
        buffer = io.BytesIO()
        figure.savefig(buffer, dpi=dpi, format="png")
        plt.close(figure)
    Image.open(buffer).convert("RGB").save(path, quality=quality)
    return read_figure(str(path)).rgb, SimpleNamespace(frame=frame, extent=extent)


@pytest.mark.parametrize("extent, dpi, size", [
    ((100.0, 180.0, -45.0, 45.0), 72, 10),
    ((100.0, 180.0, -45.0, 45.0), 80, 9),
    ((-60.0, 20.0, -45.0, 45.0), 72, 10),
])
def test_equator_read_with_its_degree_sign_as_a_raised_zero(tmp_path, shared_data, extent,
                                                            dpi, size):
    rgb, truth = render(tmp_path / "figure.jpg", shared_data, extent, dpi, size)
    reading = read_figure_face(rgb, detect_layout(rgb))
    equator = [label for label in reading.y_axis.labels
               if label.parsed is not None and label.value == 0.0]
    assert equator and all(label.kept for label in equator), \
        [(label.text, label.value, label.kept) for label in reading.y_axis.labels]
    assert_axes_georeference(reading, truth)


@pytest.mark.parametrize("text, value, degrees", [
    ("0^0", 0.0, True), ("20^o", 20.0, True), ("10^0", 1.0, False), ("10^2", 100.0, False),
])
def test_raised_zero_after_a_number_that_is_no_power_of_ten(text, value, degrees):
    parsed = parse_label(text)
    assert parsed.value == pytest.approx(value) and parsed.degrees == degrees
