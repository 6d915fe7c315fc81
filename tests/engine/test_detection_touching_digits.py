"""Two digits touching in one glyph, read as one digit on every label of an axis, never give
the axis' values (``label_checks.digits_touching_read_as_one``).

DejaVu Sans 6 pt at 72 dpi draws the y labels 4 px high: '36.65' is '36' touching (one glyph
5 px wide, the other digits 3), a point, '6' and '5'. Tesseract reads '4.65', '4.55', '4.45'
on every label: a line with the right step, 32 degrees off, which the fit accepts. With the
x labels in a larger font (8 pt, read right) main georeferenced the figure with its y axis
32 degrees off and no warning. Real figure: matplotlib imshow of its Jacksboro fault DEM.
"""
import matplotlib
import numpy as np
import pytest
from figures_for_detection import render_matplotlib
from figures_for_tests import jacksboro_dem
from test_detection_two_labels import corner_errors

from colormap_decoder.plugin.engine.detection.figure_reading import read_figure_face
from colormap_decoder.plugin.engine.detection.layout import detect_layout
from colormap_decoder.plugin.engine.errors import EngineError
from colormap_decoder.plugin.engine.pipeline import DecodeSettings, decode_map

#: The figures: DejaVu Sans at 72 dpi, y and colorbar labels at 6 pt (4 px digits, '36'
#: touching) and x labels at 8 pt, degree labels ('36.65' read '4.65'); and every label at
#: 6.5 pt, plain numbers ('36.70' read '3.70', 33 off; main georeferenced it 38 000 px off).
FIGURES = {"y6_x8": ({"font.size": 8, "ytick.labelsize": 6, "xtick.labelsize": 8}, True),
           "all6.5": ({"font.size": 6.5}, False)}


def render_touching(tmp_path, figure="y6_x8"):
    """The Jacksboro DEM (magma_r) at 72 dpi in DejaVu Sans, its labels as :data:`FIGURES`
    says."""
    grid, extent = jacksboro_dem()
    sizes, degrees = FIGURES[figure]
    with matplotlib.rc_context({"font.family": "DejaVu Sans", **sizes}):
        return render_matplotlib(grid, extent, tmp_path / f"touching_{figure}.png",
                                 cmap="magma_r", dpi=72, contours=False, degrees=degrees)


def test_touching_digits_read_as_one_give_no_value(tmp_path):
    """No y label keeps a value off its place's by more than a tenth of the labels' step
    (main kept '4.65', '4.55', '4.45' for 36.65, 36.55, 36.45)."""
    truth = render_touching(tmp_path)
    from PIL import Image
    rgb = np.asarray(Image.open(truth.path).convert("RGB"))
    face = read_figure_face(rgb, detect_layout(rgb))
    left, top, right, bottom = truth.frame
    west, east, south, north = truth.extent
    axis = face.y_axis
    kept = [] if axis is None else axis.kept
    for label in kept:
        latitude = north + (label.position - top) / (bottom - top) * (south - north)
        assert abs(latitude - label.value) <= 0.01, (label.text, latitude)


@pytest.mark.parametrize("figure", sorted(FIGURES))
def test_touching_digits_never_georeference_silently(tmp_path, figure):
    """The figure is refused naming GCPS, or georeferenced within 1.5 px (main put its corners
    37 000 and 38 000 px off in silence)."""
    truth = render_touching(tmp_path, figure)
    low, high = truth.value_range
    settings = DecodeSettings(figure_path=truth.path, vmin=low, vmax=high, gcp_crs="EPSG:4326")
    try:
        result = decode_map(settings)
    except EngineError as error:
        assert "GCPS" in str(error)
        return
    assert corner_errors(result, truth) <= 1.5, "\n".join(result.messages)


@pytest.mark.parametrize("text, members, expected", [
    # '36.65' read '4.65': the '36' glyph 5 px wide, the others 3, pitch 4.
    ("4.65", [(55, 139, 60, 143), (61, 142, 62, 143), (63, 139, 66, 143), (67, 139, 70, 143)],
     True),
    # The same glyphs read right: '36' touching is fewer glyphs than digits, not judged.
    ("36.65", [(55, 139, 60, 143), (61, 142, 62, 143), (63, 139, 66, 143),
               (67, 139, 70, 143)], False),
    # A '4' a pixel wider than the other digits is one digit.
    ("4.65", [(55, 139, 59, 143), (60, 142, 61, 143), (62, 139, 65, 143), (66, 139, 69, 143)],
     False),
    # A point touching a digit makes a wider glyph with it: fewer glyphs than characters.
    ("1.10", [(55, 139, 57, 143), (58, 139, 63, 143), (64, 139, 67, 143)], False),
    # '84.4°W' read right (DejaVu Sans 8 pt at 72 dpi): '84' touching, and the 'W' in two
    # pieces with no blank column between, which would be taken for '4' and 'W'.
    ("84.4°W", [(81, 387, 90, 394), (91, 393, 92, 394), (93, 387, 97, 394), (99, 387, 101, 390),
                (102, 387, 105, 394), (105, 387, 110, 394)], False),
])
def test_digits_touching_read_as_one(text, members, expected):
    from colormap_decoder.plugin.engine.detection.label_checks import digits_touching_read_as_one
    assert digits_touching_read_as_one(text, members, 4.0, 3.0) is expected


@pytest.mark.parametrize("text, members", [
    # Nimbus Roman 8 pt at 100 dpi through JPEG q60, colorbar labels read right: '900' in
    # pieces 7, 4 and 2 px wide ('90' touching, the last '0' broken in two with a blank column
    # between) and '1000' in pieces 2, 2, 7 and 5 px; the extra piece makes up for the digits
    # touching, so the glyphs no longer match the characters one to one (pitch 5 px, the
    # figure's digits 6 px wide; the review's probe of lead48).
    ("900", [(40, 10, 47, 18), (48, 10, 52, 18), (53, 10, 55, 18)]),
    ("1000", [(40, 10, 42, 18), (43, 10, 45, 18), (46, 10, 53, 18), (54, 10, 59, 18)]),
])
def test_a_broken_glyph_keeps_a_right_reading(text, members):
    from colormap_decoder.plugin.engine.detection.label_checks import digits_touching_read_as_one
    assert digits_touching_read_as_one(text, members, 5.0, 6.0) is False


def test_a_unit_letter_in_pieces_keeps_a_right_reading():
    """QGIS legend label '1,000m', Nimbus Roman 8 pt at 96 dpi (horizontal legend,
    tests/qgis/test_detection_legend_unconfirmed_readings.py): '00' touching and the 'm' in two
    pieces make as many full-height glyphs as '1000m' has characters; the reading is right."""
    from colormap_decoder.plugin.engine.detection.label_checks import digits_touching_read_as_one
    members = [(387, 330, 388, 338), (391, 336, 393, 338), (393, 330, 401, 338),
               (402, 330, 409, 338), (413, 332, 417, 338), (418, 332, 420, 338)]
    assert digits_touching_read_as_one("1,000m", members, 6.75, 2.0) is False
