"""A legend's box larger than the map beside it is not the map frame.

sweep_qgis_layouts seed 276 #6: a QGIS print layout of the age grid over a strip 566 x 84 px
(120 dpi), its horizontal colour-ramp legend in a framed box of 299 x 171 px below it. Both
boxes are closed by dark lines; the larger one, the legend's, was taken for the frame (the map's
colours are not round it, so it is no stretch of a map), the map's x annotations read as that
box's top labels, and only their want of a second pair refused the GCPs: with more of them
read the legend's box would have been georeferenced as the map. A legend's box is the page
inside but for its bar and text; the map's own box beside it, clear of it and filled with the
map's colours, is the frame (:func:`layout._filled_map_beside`). The truth is QGIS's own: the
map item's rectangle.
"""
import shutil

import numpy as np
import pytest
from qgis_layout_figure import render_print_layout

from colormap_decoder.plugin.engine.detection.layout import detect_layout
from colormap_decoder.plugin.engine.figure import read_figure

CRS = "EPSG:32605"
#: A strip of the Kilauea DEM 6 km wide and 0.9 km tall: a map 120 mm x 18 mm.
EXTENT = (262000.0, 268000.0, 2136500.0, 2137400.0)
VALUE_RANGE = (0.0, 1200.0)


@pytest.fixture(scope="module", params=[96, 150])
def strip_over_legend(request, qgis_app, tmp_path_factory, shared_data):
    folder = tmp_path_factory.mktemp("strip")
    grid_path = folder / "kilauea.nc"
    shutil.copy(shared_data / "gmtserver_Kilauea.utm.nc", grid_path)
    return render_print_layout(folder / "strip.png", grid_path, CRS, EXTENT, VALUE_RANGE,
                               map_crs=CRS, interval=2000.0, ramp_name="Viridis",
                               invert_ramp=False, horizontal_legend=True, ramp_length=100.0,
                               legend_font_size=16, legend_position=(40, 55),
                               map_width=120.0, page_height=110.0, suffix=" m",
                               dpi=request.param)


def test_legend_box_larger_than_the_map_is_not_the_frame(strip_over_legend):
    """The map item found as the frame (within 2 px of QGIS's rectangle), though the legend's
    box below it is larger; the legend's ramp as the colorbar."""
    figure = strip_over_legend
    left, top, right, bottom = figure.frame
    legend = figure.legend
    assert (legend[2] - legend[0]) * (legend[3] - legend[1]) > (right - left) * (bottom - top), \
        "not the legend larger than the map this test is about"
    layout = detect_layout(read_figure(figure.path).rgb)
    assert layout.frame is not None
    error = np.max(np.abs(np.subtract(layout.frame.box, figure.frame)))
    print(figure.dpi, "frame", layout.frame.box, "truth", figure.frame, "legend", legend)
    assert error <= 2.0, (layout.frame.box, figure.frame)
    assert layout.colorbar is not None
    assert np.max(np.abs(np.subtract(layout.colorbar.box, figure.colorbar))) <= 2.0, \
        (layout.colorbar.box, figure.colorbar)
