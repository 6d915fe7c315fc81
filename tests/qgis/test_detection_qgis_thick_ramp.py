"""A QGIS legend ramp less than three times longer than wide is still the colorbar.

QGIS draws a continuous ramp legend as long and as thick as its symbol's height and width, which
a user sets freely: bench/sweep_qgis_layouts.py draws it 25-60 mm long and 4-9 mm thick, down
to 2.8 times longer than wide. A box had to be 3 times longer than wide to be taken for a bar
(``colorbar.MIN_ASPECT``): seed 280 #3's vertical Spectral_r ramp (85 x 246 px at 250 dpi, in a
JPEG at q90) was missed and only its top 26 px, a short box of red across it, was taken for a
horizontal bar (VMIN refused: no labels along it); seed 278 #4's horizontal BrBG ramp (295 x 99
px at 300 dpi, JPEG q83) was not found at all (VMIN refused). A bar's other evidence (one colour
across, a colormap's worth of colour along, no colour visited twice, values straight across)
does not depend on its proportions; 2.5 keeps a square legend patch or a map out. The truth is
QGIS's own: the ramp's pixels and the shader's range.
"""
import shutil

import numpy as np
import pytest
from qgis_layout_figure import render_print_layout

from colormap_decoder.plugin.engine.detection.figure_reading import read_figure_face
from colormap_decoder.plugin.engine.detection.layout import detect_layout
from colormap_decoder.plugin.engine.figure import read_figure

CRS = "EPSG:32605"
EXTENT = (256000.0, 279000.0, 2136000.0, 2153000.0)  # west, east, south, north (on land)
VALUE_RANGE = (0.0, 1500.0)

#: name: (ramp, inverted, horizontal, dpi, JPEG quality, legend position mm): 25 mm x 9 mm
#: ramps, 2.8 times longer than wide, as the sweep's two refused figures.
THICK_RAMPS = {
    "vertical Spectral_r beside the map, 250 dpi q90": ("Spectral", True, False, 250, 90,
                                                        (163, 40)),
    "horizontal BrBG below the map, 300 dpi q83": ("BrBG", False, True, 300, 83, (50, 128)),
}


@pytest.fixture(scope="module", params=list(THICK_RAMPS))
def thick_ramp(request, qgis_app, tmp_path_factory, shared_data):
    from PIL import Image

    ramp_name, invert, horizontal, dpi, quality, position = THICK_RAMPS[request.param]
    folder = tmp_path_factory.mktemp("thick")
    grid_path = folder / "kilauea.nc"
    shutil.copy(shared_data / "gmtserver_Kilauea.utm.nc", grid_path)
    figure = render_print_layout(
        folder / "layout.png", grid_path, CRS, EXTENT, VALUE_RANGE, ramp_name=ramp_name,
        invert_ramp=invert, horizontal_legend=horizontal, dpi=dpi, interval=5000.0,
        map_width=130.0, ramp_length=25.0, ramp_thickness=9.0, legend_position=position,
        page_height=165.0, suffix=" m")
    path = folder / "layout.jpg"
    Image.open(figure.path).convert("RGB").save(path, quality=quality)
    figure.path = str(path)
    figure.horizontal = horizontal
    return figure


def test_thick_ramp_found_whole_and_its_range_read(thick_ramp):
    """The whole ramp found (within 2 px of QGIS's pixels), the right way round, and the range
    read from its two end labels (within 0.5 %)."""
    left, top, right, bottom = thick_ramp.colorbar
    long_side, short_side = sorted((right - left, bottom - top), reverse=True)
    assert long_side < 3.0 * short_side, "not the thick ramp this test is about"
    rgb = read_figure(thick_ramp.path).rgb
    layout = detect_layout(rgb)
    assert layout.colorbar is not None, "no colorbar found"
    assert layout.colorbar.vertical == (not thick_ramp.horizontal)
    assert np.max(np.abs(np.subtract(layout.colorbar.box, thick_ramp.colorbar))) <= 2.0, \
        (layout.colorbar.box, thick_ramp.colorbar)
    bar = read_figure_face(rgb, layout).colorbar
    low, high = VALUE_RANGE
    assert abs(bar.vmin - low) <= 0.005 * (high - low), bar.vmin
    assert abs(bar.vmax - high) <= 0.005 * (high - low), bar.vmax
