"""GMT's annotations inside the frame (``MAP_FRAME_TYPE=inside``) on a map whose colorbar is not
found or whose labels lie along the bottom over the map too: each axis is read from its own
labels inside the frame, never from a colorbar's labels beyond the frame's outside nor from
the other axis' labels, and every kept label is placed within a pixel of GMT's own tick
(``mapproject``). Before, the y axis was placed 37-380 px off in silence, and at 300 dpi
with the bar below the map neither axis was found; nor at 150-200 dpi in JPEG, where one
speck of the JPEG's ringing on the page was taken for the page's text and its height.

The figures are ``bench/sweep_gmt_frames.py``'s Mercator age map (``--frame inside``).
"""
import numpy as np
import pytest
from figures_for_detection import run_gmt
from PIL import Image

from colormap_decoder.plugin.engine.detection.figure_reading import read_figure_face
from colormap_decoder.plugin.engine.detection.layout import detect_layout
from colormap_decoder.plugin.engine.figure import read_figure

REGION = (-60.0, -20.0, -40.0, 0.0)
PROJECTION = "M4.5i"
X_OFFSET, Y_OFFSET = 1.0, 1.8


def render(folder, grid, dpi, quality, horizontal, bounds=REGION, projection=PROJECTION,
           colormap="turbo", top=180):
    """The age grid under -JM (or ``grid`` over ``bounds`` under ``projection``) with its
    annotations inside the frame and psscale below (``h``) or right of the map; the path of
    the figure (a JPEG of ``quality``, or a PNG)."""
    region = "/".join(repr(v) for v in bounds)
    bar = "-DJBC+w4i/0.2i+o0/0.5i+h" if horizontal else "-DJRM+w3.5i/0.2i+o0.5i/0"
    run_gmt(folder,
            f"gmt makecpt -C{colormap} -T0/{top} > bar.cpt",
            "gmt set PS_MEDIA 7.5ix7.8i MAP_FRAME_TYPE inside",
            f"gmt grdimage {grid} -R{region} -J{projection} -Cbar.cpt -X{X_OFFSET}i "
            f"-Y{Y_OFFSET}i -P -Baf -BWSne -K > fig.ps",
            f"gmt psscale -R -J -Cbar.cpt {bar} -Bxaf -O >> fig.ps",
            f"gmt psconvert fig.ps -Tg -E{dpi}")
    if quality is None:
        return folder / "fig.png"
    Image.open(folder / "fig.png").convert("RGB").save(folder / "fig.jpg", quality=quality)
    return folder / "fig.jpg"


def gmt_pixels(folder, points, rows, dpi, bounds=REGION, projection=PROJECTION):
    """GMT's placement of (lon, lat) points, pixels (column, row from the top)."""
    region = "/".join(repr(v) for v in bounds)
    (folder / "points.txt").write_text("".join(f"{x!r} {y!r}\n" for x, y in points))
    output = run_gmt(folder, f"gmt mapproject points.txt -R{region} -J{projection} -Di")
    inches = np.array([[float(v) for v in line.split()[:2]]
                       for line in output.strip().splitlines()])
    return (X_OFFSET + inches[:, 0]) * dpi, rows - (Y_OFFSET + inches[:, 1]) * dpi


@pytest.mark.parametrize("dpi,quality,horizontal", [
    (72, 60, False),    # psscale's labels read as a y axis '15, 10, 5': 272 px off
    (100, 60, False),   # ...378 px off
    (200, 85, True),    # '-40°' of the x axis taken as the y axis' third label: 37 px off
    (150, None, False),  # read right before and after
    # No text on the page to measure the labels by (the bar's are inside its box): 37 px
    # labels held to the 10 px assumed, none found, and GMT's minor ticks taken for text.
    (300, None, True),
    # The bar below not found, and JPEG ringing beside it merged into one 3-4 px 'label' of
    # two glyphs: the page's text height measured on it held the 19-25 px annotations to
    # glyphs of 7-10 px, and neither axis was found (refused GCPS).
    (150, 85, True),
    (200, 60, True),
])
def test_inside_annotations_place_both_axes(tmp_path, shared_data, dpi, quality, horizontal):
    path = render(tmp_path, shared_data / "gmtserver_age.3.20.nc", dpi, quality, horizontal)
    rgb = read_figure(str(path)).rgb
    reading = read_figure_face(rgb, detect_layout(rgb))
    west, _, south, _ = REGION
    for name in ("x", "y"):
        axis = getattr(reading, f"{name}_axis")
        assert axis is not None and axis.fit is not None, (name, axis and axis.problem)
        assert axis.placement == "inside", (name, axis.placement, axis.side)
        values = [label.value for label in axis.kept]
        assert all(-60 <= value <= 0 for value in values), (name, values)
        points = [(value, south) if name == "x" else (west, value) for value in values]
        cols, rows = gmt_pixels(tmp_path, points, rgb.shape[0], dpi)
        truth = cols if name == "x" else rows
        placed = np.array([axis.fit.position_of(value) for value in values])
        print(name, values, np.abs(placed - truth))
        assert np.abs(placed - truth).max() <= 1.0, (name, values, placed, truth)


#: bench/sweep_gmt_frames.py's linear map: the Kilauea UTM grid (metres), its y labels
#: '2150000' to '2135000' written inside the frame beside the left side.
KILAUEA_REGION = (254340.0, 280020.0, 2129880.0, 2153640.0)
KILAUEA_PROJECTION = "X4.5i/4.16i"


def assert_kilauea_y_axis_placed(folder, shared_data, dpi, quality):
    """The Kilauea map's y axis read inside the frame (bar below), its four labels kept and
    each placed within a pixel of GMT's tick."""
    path = render(folder, shared_data / "gmtserver_Kilauea.utm.nc", dpi, quality, True,
                  KILAUEA_REGION, KILAUEA_PROJECTION, "viridis", 1500)
    rgb = read_figure(str(path)).rgb
    axis = read_figure_face(rgb, detect_layout(rgb)).y_axis
    assert axis is not None and axis.fit is not None, axis and axis.problem
    assert axis.placement == "inside", (axis.placement, axis.side)
    values = sorted(label.value for label in axis.kept)
    assert values == [2135000.0, 2140000.0, 2145000.0, 2150000.0], values
    west = KILAUEA_REGION[0]
    _, rows = gmt_pixels(folder, [(west, value) for value in values], rgb.shape[0], dpi,
                         KILAUEA_REGION, KILAUEA_PROJECTION)
    placed = np.array([axis.fit.position_of(value) for value in values])
    assert np.abs(placed - rows).max() <= 1.0, (values, placed, rows)


@pytest.mark.parametrize("quality", [
    60,     # two labels left, a pair the x axis (not read in JPEG) could not confirm: refused
    None,   # two labels left, the pair confirmed by the x axis: placed right, on two labels
])
def test_inside_tick_stems_are_no_minus_signs(tmp_path, shared_data, quality):
    """GMT's inward ticks beside the y labels, standing 1 px apart from the frame's line, 6 px
    before the label at 100 dpi: joined to '2145000' and '2135000' as a minus sign, those two
    were taken as labels cut by the frame's line and read as no value. The stem is cut off
    the label: all four labels are read, and placed within a pixel of GMT's ticks."""
    assert_kilauea_y_axis_placed(tmp_path, shared_data, 100, quality)


def test_inside_text_height_from_labels_alike_over_a_noisy_map(tmp_path, shared_data):
    """No text on the page (the bar's labels inside its box): the text over the map gives the
    height, and the grey NaN cells among Kilauea's valid ones, rung by a JPEG of quality 60,
    were many small 'labels' whose median height (10 px) hid the four 25 px y labels: two of
    them were lost, the pair left unconfirmed (the x axis is not read), refused GCPS. The
    tallest height four labels share gives it."""
    assert_kilauea_y_axis_placed(tmp_path, shared_data, 200, 60)
