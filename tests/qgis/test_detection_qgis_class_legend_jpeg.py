"""A QGIS class legend in a JPEG: every patch found, however noisy its saturated colours
(class_legend.find_class_patches, _extended, MIN_FILL_IN_COLUMN).

sweep_qgis_layouts seed 279 #3 (the ERA-Interim grid classified in Inferno_r, a legend of six
patches beside the map, 120 dpi JPEG quality 60): the orange and red patches' flat pixels
filled 0.89 and 0.88 of their boxes (4:2:0 chroma noise), under the 0.9 a patch needs, so the
column was cut below them and only its three lower patches were taken. The three upper
classes' colours were then taken for colours off the scale, 23 % of the map left undecoded
and the range read 11750-12500 for 11000-12500, with nothing said. A flat region one pitch
beyond a column's end, of its patches' size and aligned with them, now continues the column
when it fills 0.75 of its box.

Inferno's black patch in QGIS's dark grey outline is one flat region with its outline, the
patch's box grown by it on every side (23 x 12 px beside 21 x 9 at 96 dpi): it was left out
of the column (Inferno_r at 96 dpi in a PNG: 5 of 6 patches), and when it was the column's
first patch its width set the column's edges, against which the next patches' were too narrow
(Inferno at 120 dpi q55: 4 of 6; at 100 dpi q70: 4 of 6). A region round the column's box at
its pitch, larger by at most an outline (:data:`class_legend.OUTLINE_PX`) on each side, is
that patch; the column's edges are its patches' median ones.

Real layouts exported by QGIS (tests/qgis_layout_figure.render_print_layout: the Kilauea DEM
in six equal classes, the legend beside the map, DejaVu Sans 12 pt), saved as JPEG by
Pillow; the truth is QGIS's: the class boundaries and the patches' pixels.
"""
import shutil

import pytest
from PIL import Image
from qgis_layout_figure import render_print_layout

from colormap_decoder.plugin.engine.detection.figure_reading import read_figure_face
from colormap_decoder.plugin.engine.detection.layout import detect_layout
from colormap_decoder.plugin.engine.figure import read_figure

CRS = "EPSG:32605"
EXTENT = (256000.0, 279000.0, 2136000.0, 2153000.0)


@pytest.mark.parametrize("ramp, invert, dpi, quality", [
    ("Inferno", False, 120, 60), ("Inferno", True, 120, 65), ("Magma", True, 100, 65),
    ("Spectral", True, 120, 55), ("Inferno", False, 120, 55), ("Inferno", False, 100, 70),
    ("Inferno", True, 96, None)])
def test_every_patch_of_a_jpeg_class_legend_found(qgis_app, tmp_path, shared_data, ramp, invert,
                                                  dpi, quality):
    """Six classes, six patches found (three to five before, the column cut at a saturated
    patch), within 2 px of QGIS's, and the six classes read from their labels."""
    grid_path = tmp_path / "kilauea.nc"
    shutil.copy(shared_data / "gmtserver_Kilauea.utm.nc", grid_path)
    figure = render_print_layout(tmp_path / "layout.png", grid_path, CRS, EXTENT, (0.0, 1500.0),
                                 map_crs=CRS, interval=5000.0, classes=6, dpi=dpi,
                                 ramp_name=ramp, invert_ramp=invert, legend_position=(160, 40),
                                 legend_font="DejaVu Sans", legend_font_size=12)
    path = tmp_path / "layout.jpg"
    if quality is None:
        path = figure.path  # the PNG QGIS exported
    else:
        Image.open(figure.path).convert("RGB").save(path, quality=quality)
    rgb = read_figure(str(path)).rgb
    layout = detect_layout(rgb)
    assert layout.class_legend is not None
    assert len(layout.class_legend.patches) == len(figure.levels) - 1, layout.class_legend.patches
    assert max(abs(found - drawn) for found, drawn in
               zip(layout.colorbar.box, figure.colorbar)) <= 2.0, (layout.colorbar.box,
                                                                   figure.colorbar)
    bar = read_figure_face(rgb, layout, want_axes=False).colorbar
    assert bar.levels == pytest.approx(figure.levels)
