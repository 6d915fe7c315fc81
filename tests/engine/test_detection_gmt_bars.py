"""GMT figures read from their pixels: psscale bars of every look, frames plain and fancy, and
axis labels Tesseract misreads.

Each figure is drawn by GMT (``grdimage`` + ``psscale``, rasterised by Ghostscript through
``psconvert``), some saved as JPEG at quality 60 or 85, and checked against GMT's own geometry:
the colorbar's box within 2 px of its ``-D`` placement, the value range within 0.5 % of the
range and the bar's direction; the map frame within 2 px; axis ticks within a pixel of
``mapproject``. Each case failed before the fix its comment names (``bench/sweep_colorbars.py
--gmt`` and ``bench/sweep_auto_decode.py`` found them).
"""
import numpy as np
import pytest
from figures_for_detection import gmt_map_to_pixel, run_gmt

from colormap_decoder.plugin.engine.detection.figure_reading import read_figure_face
from colormap_decoder.plugin.engine.detection.layout import detect_layout
from colormap_decoder.plugin.engine.figure import read_figure

TOLERANCE_PX = 2.0
KILAUEA_REGION = "-R254340/280020/2129880/2153640"


def render_gmt_bar(folder, grid_path, cmap, horizontal, frame, triangles="", reversed_bar=False,
                   labels_on_far_side=False, dpi=150, jpeg_quality=None):
    """The Kilauea grid (6 × 5.5 in, -X1i, its top 1 in below the page's top) and a psscale bar.

    Returns
    -------
    path : pathlib.Path
        The figure (PNG, or JPEG of ``jpeg_quality``).
    bar_box : tuple
        The bar's rectangular part as GMT placed it (left, top, right, bottom), pixels.
    frame_box : tuple
        The map frame's line centres, pixels.
    """
    page_height = 8.5 if horizontal else 7.5
    if horizontal:
        x, y, length, width = 1.0, -0.9 - (0.35 if labels_on_far_side else 0), 4.0, 0.25
        position = f"x{x}i/{y}i+w{length}i/{width}i+h"
        box_inch = (1.0 + x, page_height - (page_height - 6.5 + y + width), 1.0 + x + length,
                    page_height - (page_height - 6.5 + y))
    else:
        x, y, length, width = 6.4 + (0.5 if labels_on_far_side else 0), 0.0, 5.5, 0.3
        position = f"x{x}i/{y}i+w{length}i/{width}i"
        box_inch = (1.0 + x, page_height - (page_height - 6.5 + y + length), 1.0 + x + width,
                    page_height - (page_height - 6.5 + y))
    position += triangles + ("+r" if reversed_bar else "") + ("+ma" if labels_on_far_side else "")
    pen = "" if frame else " --MAP_FRAME_PEN=0p,white@100"
    run_gmt(folder,
            f"gmt makecpt -C{cmap} -T0/1500 > bar.cpt",
            f"gmt set PS_MEDIA 8.5ix{page_height}i",
            f"gmt grdimage {grid_path} {KILAUEA_REGION} -JX6i/5.5i -Cbar.cpt "
            f"-X1i -Y{page_height - 6.5}i -P -Baf -BWSne -K > fig.ps",
            f"gmt psscale -Cbar.cpt -D{position} -Bxaf -O{pen} >> fig.ps",
            f"gmt psconvert fig.ps -Tg -E{dpi}")
    path = folder / "fig.png"
    if jpeg_quality:
        from PIL import Image

        path = folder / "fig.jpg"
        Image.open(folder / "fig.png").convert("RGB").save(path, quality=jpeg_quality)
    return path, tuple(v * dpi for v in box_inch), (1.0 * dpi, 1.0 * dpi, 7.0 * dpi, 6.5 * dpi)


@pytest.mark.parametrize("name, kwargs", [
    # jet's path through CIELAB bends sharply at its pure blue: colours two runs apart lay
    # within the "same colour" distance, which was taken for a map coming back to a colour,
    # and a strong JPEG's noise put the samples there: no bar was found.
    ("jet, horizontal, no frame, background triangle, JPEG 60",
     dict(cmap="jet", horizontal=True, frame=False, triangles="+eb", jpeg_quality=60)),
    # A strong JPEG rings inside the sides of a bar with no outline: the strip's runs started
    # 2-4 px in, and so did the box. Its sides are now where the colour is half way to the page.
    ("turbo, horizontal, no frame, reversed, JPEG 60",
     dict(cmap="turbo", horizontal=True, frame=False, reversed_bar=True, jpeg_quality=60)),
    # The JPEG bled viridis' yellow (chroma at half resolution) past the black line closing
    # the bar: the strip ran through the line into the tinted page, 4 px too long.
    ("viridis, horizontal, frame, reversed, labels on top, JPEG 60",
     dict(cmap="viridis", horizontal=True, frame=True, reversed_bar=True,
          labels_on_far_side=True, jpeg_quality=60)),
    # A black triangle merges with the black line closing the bar: its fitted base landed
    # 3.5 px out. The bar's colour ends at the line's inner side; the end is half the line's
    # thickness (the sides' lines) farther.
    ("rainbow, vertical, frame, black triangle, reversed, JPEG 85",
     dict(cmap="rainbow", horizontal=False, frame=True, triangles="+eb", reversed_bar=True,
          jpeg_quality=85)),
    ("viridis, horizontal, frame, black triangle, JPEG 60",
     dict(cmap="viridis", horizontal=True, frame=True, triangles="+eb", jpeg_quality=60)),
    # roma's dark red triangle is ink-dark too (2.1 px out before).
    ("roma, horizontal, frame, dark triangle, labels on top, PNG",
     dict(cmap="roma", horizontal=True, frame=True, triangles="+eb", labels_on_far_side=True)),
    # gray: the map's black bottom edge held a dozen one-colour-across boxes taken for bars,
    # whose summed area hid the frame (a legend's frame around a bar); the bar's white end
    # fades into the page (stopped 50 px short at JPEG 60's block steps, then 3 px long): it
    # is now at its end tick.
    ("gray, vertical, no frame, labels left, JPEG 60",
     dict(cmap="gray", horizontal=False, frame=False, labels_on_far_side=True, jpeg_quality=60)),
    # At 300 dpi GMT's outline is 8 px: the check that a box's end line does not run on past
    # its corners looked inside the long sides' own lines and dropped the outlined box; the
    # strip through turbo's dark ends to the outline's outer side (3.5 px out) was kept.
    ("turbo, horizontal, frame, 300 dpi",
     dict(cmap="turbo", horizontal=True, frame=True, dpi=300)),
    # globe's white high end fades slowly into the page: the fade stopped 55 px short of the
    # end (10 % of the range lost); the tick marks running on beyond it place the end.
    ("globe, vertical, no frame, foreground triangle, reversed, labels left, JPEG 85, 100 dpi",
     dict(cmap="globe", horizontal=False, frame=False, triangles="+e", reversed_bar=True,
          labels_on_far_side=True, dpi=100, jpeg_quality=85)),
])
def test_gmt_psscale_bar_found_and_read(tmp_path, shared_data, name, kwargs):
    path, truth_box, truth_frame = render_gmt_bar(
        tmp_path, shared_data / "gmtserver_Kilauea.utm.nc", **kwargs)
    rgb = read_figure(str(path)).rgb
    layout = detect_layout(rgb)
    assert layout.frame is not None, "no frame found"
    assert np.abs(np.array(layout.frame.box) - truth_frame).max() <= TOLERANCE_PX, \
        (layout.frame.box, truth_frame)
    bar = layout.colorbar
    assert bar is not None, "no colorbar found"
    assert bar.vertical == (not kwargs["horizontal"])
    reading = read_figure_face(rgb, layout, want_axes=False).colorbar
    # The box as the plugin uses it: after the labels were read (a faded end is placed at
    # its tick marks then).
    assert np.abs(np.array(bar.box) - truth_box).max() <= TOLERANCE_PX, \
        (np.round(bar.box, 2), truth_box)
    assert reading is not None and reading.vmin is not None, "the bar's labels were not read"
    assert abs(reading.vmin - 0.0) <= 0.005 * 1500 and abs(reading.vmax - 1500.0) <= 0.005 * 1500, \
        (reading.vmin, reading.vmax)
    assert reading.flip == kwargs.get("reversed_bar", False)


def test_gmt_minus_sign_dropped_by_tesseract_is_restored(tmp_path, shared_data):
    """GMT's '−45' (a Unicode minus) beside a linear degree frame at 178 dpi: Tesseract reads it
    '45' with confidence 0 from a clean crop, and the y axis kept 2 of its 3 labels (refused).
    The label's first glyph is a bar at mid-height: the minus goes back, and every latitude
    tick lies within a pixel of where GMT put it."""
    region = "75.85/149.483333/-59.98/-43.686667"
    projection = "X4.687i/3.408i"
    dpi = 178
    # The age grid as a plain (Cartesian) grid: its degrees are written as plain numbers, with
    # GMT's minus sign and no degree sign.
    run_gmt(tmp_path,
            f"gmt grdcut {shared_data / 'gmtserver_age.3.20.nc'} -R{region} -Gcut.nc",
            "gmt grd2xyz cut.nc -fc > cut.xyz",
            "gmt xyz2grd cut.xyz -R75.6666666667/149.666666667/-60/-43.6666666667 "
            "-I0.333333333333 -Gplain.nc -fc")
    run_gmt(tmp_path,
            "gmt makecpt -Cjet -T0/150 > age.cpt",
            "gmt set PS_MEDIA 6.68ix6.21i",
            f"gmt grdimage plain.nc -R{region} -J{projection} "
            "-Cage.cpt -X1i -Y1.8i -P -Bafg -BWSne -K > fig.ps",
            "gmt psscale -R -J -Cage.cpt -DJBC+w4i/0.2i+o0/0.5i+h -Bxaf -O >> fig.ps",
            f"gmt psconvert fig.ps -Tg -E{dpi}")
    rgb = read_figure(str(tmp_path / "fig.png")).rgb
    layout = detect_layout(rgb)
    reading = read_figure_face(rgb, layout)
    axis = reading.y_axis
    assert axis is not None and axis.fit is not None, axis and axis.problem
    values = sorted(label.value for label in axis.kept)
    assert values == [-55.0, -50.0, -45.0], [(label.text, label.value) for label in axis.labels]
    west = float(region.split("/")[0])
    _, rows = gmt_map_to_pixel(tmp_path, region, projection, [(west, v) for v in values],
                               1.0, 1.8, rgb.shape[0] / dpi, dpi)
    fitted = np.array([axis.fit.position_of(v) for v in values])
    assert np.abs(fitted - rows).max() <= 1.0, (fitted, rows)


def test_gmt_thick_frame_along_dark_data_found_at_its_centre(tmp_path):
    """GMT's plain frame at 219 dpi is a 5 px line; along plasma's dark purple (the map's low
    ground) it is dark on both sides in the ink mask, and three sides were placed at the
    line's page side, 2.5-2.7 px out. In luma the black line is darker than the data: every
    side within 2 px of where GMT put the frame (mapproject)."""
    import rasterio
    from figures_for_tests import topobathy
    from rasterio.transform import from_origin

    grid, (west, east, south, north) = topobathy()
    with rasterio.open(tmp_path / "grid.tif", "w", driver="GTiff", width=grid.shape[1],
                       height=grid.shape[0], count=1, dtype="float32",
                       transform=from_origin(west - 360, north, (east - west) / grid.shape[1],
                                             (north - south) / grid.shape[0])) as dataset:
        dataset.write(grid.astype("float32"), 1)
    region = "-124.955252/-122.511347/48.080460/49.727569"
    projection = "X4.451i/2.748i"
    dpi = 219
    run_gmt(tmp_path,
            "gmt grdconvert grid.tif=gd grid.nc",
            "gmt makecpt -Cplasma -T-427/2161 -Z > cm.cpt",
            "gmt set PS_MEDIA 7.051ix4.748i",
            f"gmt grdimage grid.nc -R{region} -J{projection} -Ccm.cpt -X1i -Y1i -P -Bafg -BWSne "
            "-K > fig.ps",
            "gmt psscale -R -J -Ccm.cpt -DJRM+w3.5i/0.2i+o0.5i/0 -Bxaf -O >> fig.ps",
            f"gmt psconvert fig.ps -Tg -E{dpi}")
    rgb = read_figure(str(tmp_path / "fig.png")).rgb
    w, e, s, n = (float(v) for v in region.split("/"))
    cols, rows = gmt_map_to_pixel(tmp_path, region, projection, [(w, n), (e, s)], 1.0, 1.0,
                                  rgb.shape[0] / dpi, dpi)
    truth = (cols[0], rows[0], cols[1], rows[1])
    layout = detect_layout(rgb)
    assert layout.frame is not None and layout.frame.kind == "plain"
    assert np.abs(np.array(layout.frame.box) - truth).max() <= TOLERANCE_PX, \
        (np.round(layout.frame.box, 2), np.round(truth, 2))


def render_fancy_age_map(folder, shared_data, region, projection, dpi):
    """GMT's ocean-floor age (viridis, 0-180 Myr) in ``region`` and ``projection``, framed
    with GMT's fancy frame (annotated west and south), its colorbar horizontal below: written
    to ``folder``/fig.png at ``dpi``. The map's lower left corner lies 1 inch right of and
    1.8 inches above the page's (for mapproject's truth)."""
    run_gmt(folder,
            "gmt makecpt -Cviridis -T0/180 > age.cpt",
            "gmt set PS_MEDIA 7ix7.5i MAP_FRAME_TYPE fancy",
            f"gmt grdimage {shared_data / 'gmtserver_age.3.20.nc'} -R{region} -J{projection} "
            "-Cage.cpt -X1i -Y1.8i -P -Baf -BWSne -K > fig.ps",
            "gmt psscale -R -J -Cage.cpt -DJBC+w4i/0.2i+o0/0.5i+h -Bxaf -O >> fig.ps",
            f"gmt psconvert fig.ps -Tg -E{dpi}")


def test_gmt_fancy_frame_band_places_the_ticks(tmp_path, shared_data):
    """GMT's fancy frame (its default on geographic maps) draws no tick marks: its chequered
    band turns at every tick. Mercator at 129 dpi, JPEG quality 63: the labels were placed by
    their text boxes (with a warning that they may be off). Now the band's turns place them,
    and both axes' fits put every kept label's value within half a pixel of where GMT put
    its tick (mapproject)."""
    from PIL import Image

    region, projection, dpi = "-60/-20/-40/0", "M4.5i", 129
    render_fancy_age_map(tmp_path, shared_data, region, projection, dpi)
    Image.open(tmp_path / "fig.png").convert("RGB").save(tmp_path / "fig.jpg", quality=63)
    rgb = read_figure(str(tmp_path / "fig.jpg")).rgb
    layout = detect_layout(rgb)
    assert layout.frame is not None and layout.frame.kind == "fancy"
    reading = read_figure_face(rgb, layout)
    page_height = rgb.shape[0] / dpi
    west, south = (float(v) for v in region.split("/")[::2])
    for axis, name in ((reading.x_axis, "x"), (reading.y_axis, "y")):
        assert axis is not None and axis.fit is not None, (name, axis and axis.problem)
        assert len(axis.kept) >= 3
        points = [(label.value, south) if name == "x" else (west, label.value)
                  for label in axis.kept]
        cols, rows = gmt_map_to_pixel(tmp_path, region, projection, points, 1.0, 1.8,
                                      page_height, dpi)
        truth = cols if name == "x" else rows
        # Where the axis' fit puts each value: the GCPs' positions.
        found = np.array([axis.fit.position_of(label.value) for label in axis.kept])
        assert np.abs(found - truth).max() <= 0.5, (name, found, truth)
        # The labels away from the corners are placed by the band's turns.
        assert sum(label.tick_position is not None for label in axis.kept) >= 3, \
            (name, [(label.text, label.tick_position) for label in axis.kept])


@pytest.mark.parametrize("dpi, jpeg_quality", [(150, None), (129, 63)])
def test_gmt_fancy_frame_turns_near_the_corners_place_their_labels(tmp_path, shared_data, dpi,
                                                                    jpeg_quality):
    """A Mercator map whose edges are no round degrees: the first and last ticks of each
    side stand 0.7-1.3 degrees (9-26 px) from the frame's corners. The band's turns were
    looked for only six thickest-lines (60-70 px) from each end, so four labels of the ten
    were placed by their text centres (the fits up to 0.81 px off mapproject at 150 dpi,
    0.62 px now). The turns are found up to the line closing each corner square: every kept
    label is placed by its turn, within a pixel of where GMT put its tick, and the fits
    within 0.75 px of it."""
    from PIL import Image

    region, projection = "-61.3/-18.6/-40.8/0.7", "M4.5i"
    render_fancy_age_map(tmp_path, shared_data, region, projection, dpi)
    path = tmp_path / "fig.png"
    if jpeg_quality is not None:
        path = tmp_path / "fig.jpg"
        Image.open(tmp_path / "fig.png").convert("RGB").save(path, quality=jpeg_quality)
    rgb = read_figure(str(path)).rgb
    layout = detect_layout(rgb)
    assert layout.frame is not None and layout.frame.kind == "fancy"
    reading = read_figure_face(rgb, layout)
    west, south = (float(v) for v in region.split("/")[::2])
    for axis, name in ((reading.x_axis, "x"), (reading.y_axis, "y")):
        assert axis is not None and axis.fit is not None, (name, axis and axis.problem)
        assert len(axis.kept) >= 4, (name, [label.text for label in axis.kept])
        points = [(label.value, south) if name == "x" else (west, label.value)
                  for label in axis.kept]
        cols, rows = gmt_map_to_pixel(tmp_path, region, projection, points, 1.0, 1.8,
                                      rgb.shape[0] / dpi, dpi)
        truth = cols if name == "x" else rows
        turns = [label.tick_position for label in axis.kept]
        assert None not in turns, (name, [(label.text, label.tick_position)
                                          for label in axis.kept])
        # Ghostscript snaps the blocks' ends to its grid: every turn, the corners' as the
        # others, within 0.7 px of mapproject here, inside the pixel.
        assert np.abs(np.array(turns) - truth).max() <= 1.0, (name, turns, truth)
        found = np.array([axis.fit.position_of(label.value) for label in axis.kept])
        assert np.abs(found - truth).max() <= 0.75, (name, found, truth)


def test_gmt_degree_sign_is_no_exponent(tmp_path, shared_data):
    """GMT's latitude labels at 197 dpi ('-20°', a raised ring after the digits): read whole as
    '-20°', but the ring, raised and smaller, was read alone as '8' and the label taken for
    -20^8 (an exponent, as on log colorbars): all seven latitudes were lost. A reading with a
    degree sign keeps it; the seven latitudes fit Mercator within a pixel of mapproject."""
    region, projection, dpi = "-25.8/-3.866667/-57.956667/11.29", "M2.128i", 197
    run_gmt(tmp_path,
            "gmt makecpt -Cplasma -T0/150 > age.cpt",
            "gmt set PS_MEDIA 9ix10i MAP_FRAME_TYPE fancy",
            f"gmt grdimage {shared_data / 'gmtserver_age.3.20.nc'} -R{region} -J{projection} "
            "-Cage.cpt -X1i -Y1i -P -Baf -BWSne -K > fig.ps",
            "gmt psscale -R -J -Cage.cpt -DJRM+w3.5i/0.2i+o0.5i/0 -Bxaf -O >> fig.ps",
            f"gmt psconvert fig.ps -Tg -E{dpi}")
    rgb = read_figure(str(tmp_path / "fig.png")).rgb
    layout = detect_layout(rgb)
    axis = read_figure_face(rgb, layout).y_axis
    assert axis is not None and axis.fit is not None, axis and axis.problem
    values = sorted(label.value for label in axis.kept)
    assert values == [-50.0, -40.0, -30.0, -20.0, -10.0, 0.0, 10.0], \
        [(label.text, label.value) for label in axis.labels]
    west = float(region.split("/")[0])
    _, rows = gmt_map_to_pixel(tmp_path, region, projection, [(west, v) for v in values],
                               1.0, 1.0, rgb.shape[0] / dpi, dpi)
    fitted = np.array([axis.fit.position_of(v) for v in values])
    assert np.abs(fitted - rows).max() <= 1.0, (fitted, rows)


@pytest.mark.parametrize("dpi", [150, 250])
def test_gmt_bar_close_below_the_map_leaves_the_x_labels_to_the_axis(tmp_path, shared_data,
                                                                       dpi):
    """A horizontal psscale 0.4 in below the frame: the map's x labels stand nearer to the bar's
    top outline than to the frame. They were read as the bar's top-side labels (the bar's
    labels are below it) and claimed by it, and the x axis kept its 2 corner labels (refused).
    Only the side read as the bar's is its: all six x labels are the axis', within half a
    pixel of GMT's placement."""
    run_gmt(tmp_path,
            "gmt makecpt -Cviridis -T0/1500 > bar.cpt",
            "gmt set PS_MEDIA 8ix7.5i",
            f"gmt grdimage {shared_data / 'gmtserver_Kilauea.utm.nc'} {KILAUEA_REGION} "
            "-JX5i/4i -Cbar.cpt -X1i -Y2i -P -Baf -BWSne -K > fig.ps",
            "gmt psscale -R -J -Cbar.cpt -DJBC+w4i/0.2i+o0/0.4i+h -Bxaf -O >> fig.ps",
            f"gmt psconvert fig.ps -Tg -E{dpi}")
    rgb = read_figure(str(tmp_path / "fig.png")).rgb
    layout = detect_layout(rgb)
    reading = read_figure_face(rgb, layout)
    assert reading.colorbar is not None and reading.colorbar.vmax == pytest.approx(1500, abs=7.5)
    axis = reading.x_axis
    assert axis is not None and axis.fit is not None, axis and axis.problem
    values = sorted(label.value for label in axis.kept)
    assert values == [255000.0, 260000.0, 265000.0, 270000.0, 275000.0, 280000.0], \
        [(label.text, label.value) for label in axis.labels]
    # -JX5i over 254340..280020 m, the map 1 in from the page's left.
    truth = (1.0 + (np.array(values) - 254340.0) / 25680.0 * 5.0) * dpi
    fitted = np.array([axis.fit.position_of(v) for v in values])
    assert np.abs(fitted - truth).max() <= 0.5, (fitted, truth)


def test_gmt_map_edge_is_no_grid_line_for_a_label(tmp_path, shared_data):
    """72 dpi, JPEG 60: the y labels' tick marks touch their labels and are not found, so grid
    lines were looked for; an edge in the map's colours half a label's height from the bottom
    label was taken for its line, and the other labels were moved by the same offset: every
    latitude 2.5-3.6 px off, silently. A label stands centred on its line: farther than 0.35
    of its height is no line of it. Every y tick within a pixel of GMT's placement."""
    from PIL import Image

    dpi = 72
    run_gmt(tmp_path,
            "gmt makecpt -Cviridis -T0/1500 > bar.cpt",
            "gmt set PS_MEDIA 7.5ix7.8i",
            f"gmt grdimage {shared_data / 'gmtserver_Kilauea.utm.nc'} {KILAUEA_REGION} "
            "-JX4.5i/4.16i -Cbar.cpt -X1i -Y1.8i -P -Baf -BWSne -K > fig.ps",
            "gmt psscale -R -J -Cbar.cpt -DJBC+w4i/0.2i+o0/0.5i+h -Bxaf -O >> fig.ps",
            f"gmt psconvert fig.ps -Tg -E{dpi}")
    Image.open(tmp_path / "fig.png").convert("RGB").save(tmp_path / "fig.jpg", quality=60)
    rgb = read_figure(str(tmp_path / "fig.jpg")).rgb
    layout = detect_layout(rgb)
    axis = read_figure_face(rgb, layout).y_axis
    assert axis is not None and axis.fit is not None, axis and axis.problem
    values = np.array(sorted(label.value for label in axis.kept))
    assert len(values) == 5
    # -JX.../4.16i over 2129880..2153640 m, the map's bottom 1.8 in above the page's.
    truth = rgb.shape[0] - (1.8 + (values - 2129880.0) / 23760.0 * 4.16) * dpi
    fitted = np.array([axis.fit.position_of(v) for v in values])
    assert np.abs(fitted - truth).max() <= 1.0, (fitted, truth)


def test_gmt_longitudes_counted_to_360_georeferenced_west_of_greenwich(tmp_path):
    """GMT's FORMAT_GEO_MAP '+ddd.xx' writes 124.5°W as '235.50°' (0-360°). On a plate carrée
    map (-JQ: no projection to fold the longitudes back) the GCPs were placed at 235.5°E, off
    the world, 360° from the map, with nothing said (sweep_auto_decode --wide --only gmt seed
    182 #1, once its Courier labels were read whole). Now every frame corner lands within a
    pixel of where GMT drew it (mapproject), at -124.5°, and the log says the longitudes were
    moved."""
    from colormap_decoder.plugin.engine.pipeline import DecodeSettings, decode_map

    region, projection, dpi, page_height = "-124.6/-122.9/48.4/49.6", "Q-123.75/5.4i", 100, 6.5
    run_gmt(tmp_path,
            "gmt makecpt -Cviridis -T0/100 > cm.cpt",
            f"gmt set PS_MEDIA 8ix{page_height}i MAP_FRAME_TYPE plain "
            "FONT_ANNOT_PRIMARY 12p,Helvetica FORMAT_GEO_MAP +ddd.xx",
            f"gmt grdmath -R{region} -I0.02 X 124.6 ADD 30 MUL Y 48.4 SUB 40 MUL ADD = field.nc",
            f"gmt grdimage field.nc -R{region} -J{projection} -Ccm.cpt -X1i -Y1i -P -Baf "
            "-BWSne -K > fig.ps",
            "gmt psscale -R -J -Ccm.cpt -DJRM+w3.5i/0.2i+o0.5i/0 -Bxaf -O >> fig.ps",
            f"gmt psconvert fig.ps -Tg -E{dpi}")
    result = decode_map(DecodeSettings(figure_path=str(tmp_path / "fig.png"),
                                       scale_automatic=True, gcp_crs="EPSG:4326"))
    west, east, south, north = (float(value) for value in region.split("/"))
    corners = [(west, north), (east, north), (west, south), (east, south)]
    cols, rows = gmt_map_to_pixel(tmp_path, region, projection, corners, 1.0, 1.0,
                                  page_height, dpi)
    found = np.array([result.georeference.pixel_transform.map_to_pixel(lon, lat)
                      for lon, lat in corners])
    errors = np.hypot(found[:, 0] - cols, found[:, 1] - rows)
    assert errors.max() <= 1.0, (found, cols, rows, result.messages)
    assert any("labelled 0-360°" in message for message in result.messages), result.messages
