"""Tick labels in a monospaced font (GMT's Courier): each glyph centred in a cell as wide as a
digit's, so a decimal point or a degree sign stands alone in the middle of its cell.

bench/sweep_auto_decode.py --wide --only gmt (FONT_ANNOT_PRIMARY Courier): the gap after a
point is wider than half a glyph's height, and '49.50°N' came apart as '49.' and '50°N' (a y
axis read 6, 4, 2, 8, 6, 4, 2 was once still evenly spaced; the repeated values refused it).
Labels are now merged by the label's own cells (text.cell_pitch), and a label whose point and
degree sign take a digit's cell each is no longer taken for a character short
(label_checks.wider_than_text). Real GMT figures (grdimage + psscale, rasterised by
Ghostscript): every label of both axes read, each linear axis' fit within a pixel of where GMT
put its ticks (mapproject).
"""
import numpy as np
import pytest
from figures_for_detection import gmt_map_to_pixel, run_gmt

from colormap_decoder.plugin.engine.detection.figure_reading import read_figure_face
from colormap_decoder.plugin.engine.detection.layout import detect_layout
from colormap_decoder.plugin.engine.figure import read_figure

PAGE_HEIGHT_INCH = 8.0
#: The map's region (west, east, south, north) and the values its labels say.
EAST_OF_GREENWICH = ((10.3, 12.7, 48.5, 50.4),
                     {"x": [10.5, 11.0, 11.5, 12.0, 12.5], "y": [48.5, 49.0, 49.5, 50.0]})
WEST_OF_GREENWICH = ((-124.1, -122.9, 48.1, 49.7),
                     {"x": [-124.0 + 0.2 * step for step in range(6)],
                      "y": [48.2 + 0.2 * step for step in range(8)]})
#: Tesseract reads '49.0' and '49.6' as '43.0' and '43.6' in Courier 8 pt at 100 dpi: the
#: fit dropped them (6 of 8 kept) until glyphs 7 px high drawn as one bitmap were compared
#: (label_checks.EXACT_ALIKE_MAX_SHARE): their '3's are the '9's of '49.2' and '49.4', read
#: again as '9' (every y label kept, with a warning saying so).
READ_AGAIN_FROM_GLYPHS = {("y", 8, 100)}


@pytest.mark.parametrize("size, dpi, geo_format, projection, map_region", [
    # Failed before: the y labels '49.00°N' read '49.' and '00°N' (no y axis); 11.50°E and
    # 12.00°E split as well.
    (10, 100, "ddd.xxF", "M4.5i", EAST_OF_GREENWICH),
    # Failed before: both axes' points 6 px after their digits (no axis, or two labels).
    (12, 100, "ddd.xxF", "M4.5i", EAST_OF_GREENWICH),
    (8, 150, "+ddd.xx", "M4.5i", EAST_OF_GREENWICH),
    # Failed before: '10°30'E' split after its degree sign.
    (14, 72, "ddd:mmF", "M4.5i", EAST_OF_GREENWICH),
    # Plain numbers on a linear frame: '50.5' read '50.' and '5'.
    (10, 100, "ddd.xxF", "X5.4i/4.5i", EAST_OF_GREENWICH),
    # The sweep's seed 163 #1 (--wide --wider): 8 pt at 100 dpi, '-123.4' read '-123.' and
    # '4' (its minus sign's centre 1 px off its cell's), '49.0' and '49.6' read '43.0', '43.6'
    # (read again from the figure's '9's: failed before, 6 of 8 y labels kept).
    (8, 100, "ddd:mmF", "X5.4i/4.8i", WEST_OF_GREENWICH),
])
def test_courier_labels_read_whole(tmp_path, size, dpi, geo_format, projection, map_region):
    bounds, expected = map_region
    region = "/".join(str(v) for v in bounds)
    run_gmt(tmp_path,
            "gmt makecpt -Cviridis -T0/100 > cm.cpt",
            f"gmt set PS_MEDIA 8ix{PAGE_HEIGHT_INCH}i MAP_FRAME_TYPE plain "
            f"FONT_ANNOT_PRIMARY {size}p,Courier FORMAT_GEO_MAP {geo_format}",
            f"gmt grdmath -R{region} -I0.05 X Y ADD = field.nc",
            f"gmt grdimage field.nc -R{region} -J{projection} -Ccm.cpt -X1i -Y1i -P -Baf "
            "-BWSne -K > fig.ps",
            "gmt psscale -R -J -Ccm.cpt -DJRM+w3.5i/0.2i+o0.5i/0 -Bxaf -O >> fig.ps",
            f"gmt psconvert fig.ps -Tg -E{dpi}")
    rgb = read_figure(str(tmp_path / "fig.png")).rgb
    reading = read_figure_face(rgb, detect_layout(rgb))
    west, east, south, north = bounds
    for name, axis in (("x", reading.x_axis), ("y", reading.y_axis)):
        assert axis is not None and axis.fit is not None, (name, axis and axis.problem)
        values = sorted(label.value for label in axis.kept)
        right = [value for value in values
                 if np.isclose(expected[name], value, rtol=0, atol=1e-9).any()]
        assert right == values and len(values) == len(expected[name]), \
            (name, [(label.text, label.value) for label in axis.labels])
        if name == "y" and projection.startswith("M"):
            continue  # Mercator's latitudes are not spaced linearly: the fit is a line
        points = [(value, south) if name == "x" else (west, value) for value in values]
        cols, rows = gmt_map_to_pixel(tmp_path, region, projection, points, 1.0,
                                      1.0, PAGE_HEIGHT_INCH, dpi)
        truth = cols if name == "x" else rows
        fitted = np.array([axis.fit.position_of(value) for value in values])
        assert np.abs(fitted - truth).max() <= 1.0, (name, fitted, truth)
    assert not any("misread" in warning for warning in reading.warnings), reading.warnings
    read_again = [warning for warning in reading.warnings if "read again" in warning]
    assert len(read_again) == (("y", size, dpi) in READ_AGAIN_FROM_GLYPHS), reading.warnings


def test_tick_marks_under_a_widened_frame_line_are_no_labels(tmp_path, shared_data):
    """The sweep's seed 185 #3 (--wide --only gmt): a Miller map of ocean-floor age, Courier
    8 pt at 185 dpi, with land (GMT's grey NaN colour) along its bottom side. The grey rows
    above the frame's line made the line 15 px thick to the search for labels written across
    a horizontal line (text.labels_across_horizontal_lines), so a minor and a major tick mark
    below it, 20 px apart, grouped as one label standing on the line; that row of 'labels',
    nearest to the side, was taken for the x axis, which read nothing (refused naming GCPS).
    Tick marks standing on a line are no label however many are grouped: the x labels are
    read, the crowded '100.00°E105.00°E' cut at its ticks, and placed where GMT put them."""
    region, projection, dpi, page_height = "87.796667/107.536667/-73.376667/-17.29", \
        "J97.6667/2.143i", 185, 10.0
    run_gmt(tmp_path,
            "gmt makecpt -Cpolar -T0.17/129.97 -Z -I > cm.cpt",
            f"gmt set PS_MEDIA 10.168ix{page_height}i MAP_FRAME_TYPE plain "
            "FONT_ANNOT_PRIMARY 8p,Courier FORMAT_GEO_MAP ddd.xxF",
            f"gmt grdimage {shared_data / 'gmtserver_age.3.20.nc'} -R{region} -J{projection} "
            "-Ccm.cpt -X1i -Y1i -P -Baf -BWSne -K > fig.ps",
            "gmt psscale -R -J -Ccm.cpt -DJRM+w3.5i/0.2i+o0.5i/0 -Bxaf -O >> fig.ps",
            f"gmt psconvert fig.ps -Tg -E{dpi}")
    rgb = read_figure(str(tmp_path / "fig.png")).rgb
    reading = read_figure_face(rgb, detect_layout(rgb))
    axis = reading.x_axis
    assert axis is not None and axis.fit is not None, axis and axis.problem
    values = [label.value for label in sorted(axis.kept, key=lambda label: label.value)]
    assert values == [90.0, 95.0, 100.0, 105.0], [(label.text, label.box) for label in
                                                  axis.labels]
    cols, _ = gmt_map_to_pixel(tmp_path, region, projection, [(v, -70.0) for v in values],
                               1.0, 1.0, page_height, dpi)
    fitted = np.array([axis.fit.position_of(value) for value in values])
    assert np.abs(fitted - cols).max() <= 1.0, (fitted, cols)
