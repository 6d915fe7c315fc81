"""A tall narrow map of a few classes is no colorbar: its bands meet along boundaries askew.

sweep_qgis_layouts seed 38 #0: a QGIS print layout of the Kilauea DEM over a strip 1.1 km wide
and 4.5 km tall, classified in four classes of Turbo, in a zebra frame, its legend of class
patches beside it. The map's zebra frame closes a box 4 times taller than wide whose colours
change along its long side, one way: it was taken for the colorbar, the legend's box for the
map frame, and the figure refused naming VMIN (the "bar's" labels were the map's y
annotations, written upwards). A colorbar draws each value straight across the bar; the map's
classes meet along wandering lines, so the slices across where they cross hold two colours side
by side (:func:`colorbar._boundaries_askew`). The truth is QGIS's own: the map item's rectangle.
"""
import shutil

import numpy as np
import pytest
from qgis_layout_figure import render_print_layout

from colormap_decoder.plugin.engine.detection.colorbar import colorbar_evidence
from colormap_decoder.plugin.engine.detection.layout import detect_layout
from colormap_decoder.plugin.engine.detection.lines import Rectangle
from colormap_decoder.plugin.engine.figure import read_figure

CRS = "EPSG:32605"
#: A strip of the DEM 1.1 km wide and 4.5 km tall: its classes run across it as bands.
EXTENT = (265300.0, 266400.0, 2135300.0, 2139800.0)
VALUE_RANGE = (300.0, 900.0)


@pytest.fixture(scope="module", params=[96, 150])
def tall_map(request, qgis_app, tmp_path_factory, shared_data):
    folder = tmp_path_factory.mktemp("tall")
    grid_path = folder / "kilauea.nc"
    shutil.copy(shared_data / "gmtserver_Kilauea.utm.nc", grid_path)
    return render_print_layout(folder / "tall.png", grid_path, CRS, EXTENT, VALUE_RANGE,
                               map_crs=CRS, interval=500.0, classes=4, ramp_name="Turbo",
                               invert_ramp=False, frame_style="zebra", map_width=40.0,
                               page_height=200.0, legend_position=(85, 80),
                               vertical_y_labels=True, dpi=request.param)


def test_tall_map_is_the_frame_not_a_colorbar(tall_map):
    """The map item found as the frame (within 2 px of QGIS's rectangle, its zebra border
    outside it), the legend's class patches as the scale, no colorbar on the map."""
    rgb = read_figure(tall_map.path).rgb
    left, top, right, bottom = tall_map.frame
    assert (bottom - top) >= 3.5 * (right - left), "not the tall map this test is about"
    layout = detect_layout(rgb)
    assert layout.frame is not None
    error = np.max(np.abs(np.subtract(layout.frame.box, tall_map.frame)))
    print(tall_map.dpi, "frame", layout.frame.box, "truth", tall_map.frame, "off", error)
    assert error <= 2.0, (layout.frame.box, tall_map.frame)
    assert layout.class_legend is not None, "the legend's class patches were not found"
    assert len(layout.class_legend.colours) == 4
    for bar in [layout.colorbar] + list(layout.other_colorbars):
        assert bar is not None
        overlap = (min(bar.box[2], right) - max(bar.box[0], left)) > 0 and \
            (min(bar.box[3], bottom) - max(bar.box[1], top)) > 0
        assert not overlap, f"a colorbar on the map: {bar.box}"


def test_map_box_has_no_colorbar_evidence(tall_map):
    """The map's own rectangle, as the frame finder closes it, is no colorbar: its colours
    change along its long side, one way, but not straight across it."""
    rgb = read_figure(tall_map.path).rgb
    left, top, right, bottom = tall_map.frame
    assert colorbar_evidence(rgb, Rectangle(left, top, right, bottom), None) is None
