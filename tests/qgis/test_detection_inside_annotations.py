"""QGIS's grid annotations inside the frame over a map of one colour ramp, the first and last
reaching over the frame's ends (sweep_qgis_layouts seed 185 #0: refused before).

QGIS centres each annotation inside the frame on its grid line and clips none: '255000' 9 px
from the frame's left end is cut by the frame's line into '245' on the page and '5000' over the
map, '260000' into '260' and '3900'; four pieces read as numbers on no line with the others,
and the x axis was refused (4 of 8 labels fit). Both pieces of a label the line cuts are no
value. Over the map's blues the y annotations' glyphs, compared in the figure's luma (ink over
a different blue under each), were taken as other digits ('2148000' read again '7148000'): they
are compared as OCR reads them, dark ink on white. The truth is QGIS's own: the map item's
rectangle and the extent it shows.
"""
import shutil

import numpy as np
import pytest
from qgis_layout_figure import render_print_layout

from colormap_decoder.plugin.engine.detection.figure_reading import (
    CUT_BY_FRAME,
    read_figure_face,
)
from colormap_decoder.plugin.engine.detection.layout import detect_layout
from colormap_decoder.plugin.engine.figure import read_figure

CRS = "EPSG:32605"
#: Sweep 185 #0's extent: 255000 and 260000 within 90 m (about 9 px) of the frame's ends.
EXTENT = (254911.8, 260038.2, 2146005.6, 2148914.4)
VALUE_RANGE = (1000.0, 1200.0)


@pytest.fixture(scope="module")
def layout_figure(qgis_app, tmp_path_factory, shared_data):
    folder = tmp_path_factory.mktemp("inside")
    grid_path = folder / "kilauea.nc"
    shutil.copy(shared_data / "gmtserver_Kilauea.utm.nc", grid_path)
    return render_print_layout(folder / "inside.png", grid_path, CRS, EXTENT, VALUE_RANGE,
                               ramp_name="Blues", invert_ramp=True, map_crs=CRS,
                               interval=1000.0, inside=True, frame_style="interior",
                               annotation_font="DejaVu Sans Condensed", annotation_font_size=7,
                               map_width=115.4, page_height=90.0, legend_position=(158, 22),
                               dpi=120)


def test_annotations_cut_by_the_frame_and_over_the_ramp(layout_figure):
    """Both axes read inside the frame, the pieces of the cut annotations left out, and each
    kept label within a pixel of where QGIS put its value (the sweeps' bar)."""
    rgb = read_figure(layout_figure.path).rgb
    reading = read_figure_face(rgb, detect_layout(rgb))
    left, top, right, bottom = layout_figure.frame
    west, east, south, north = layout_figure.extent
    truths = {"x": lambda value: left + (value - west) / (east - west) * (right - left),
              "y": lambda value: top + (north - value) / (north - south) * (bottom - top)}
    for name in ("x", "y"):
        axis = getattr(reading, f"{name}_axis")
        assert axis is not None and axis.fit is not None, (name, axis and axis.problem)
        assert axis.placement == "inside", (name, axis.placement)
        values = [label.value for label in axis.kept]
        placed = np.array([axis.fit.position_of(value) for value in values])
        truth = np.array([truths[name](value) for value in values])
        print(name, [label.text for label in axis.labels], np.abs(placed - truth))
        assert len(values) >= 2
        assert np.abs(placed - truth).max() <= 1.0, (name, values, placed, truth)
    cut = [label.text for label in reading.x_axis.labels if CUT_BY_FRAME in label.text]
    assert len(cut) >= 2, [label.text for label in reading.x_axis.labels]
    assert not any("may have been misread" in warning for warning in reading.warnings), \
        reading.warnings
