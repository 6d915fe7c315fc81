"""A QGIS zebra frame's blocks are outlined: its turns lie half a pen's width off the ticks.

QGIS strokes every block of a zebra frame with the frame's pen (0.3 mm: 3 px at 250 dpi), so
each dark block looks a pen's width longer than its grid interval and each light block as
much shorter: read as ticks, the band's turns alternated 1.2-2.2 px before and after QGIS's
grid lines. A side's labels then lay off one line by up to 2.3 px, and the axis was refused
as not evenly spaced (sweep_qgis_layouts 233 #7, Kilauea in UTM metres at 250 dpi; #2, the
ERA-Interim heights in degrees-minutes-seconds at 300 dpi). The pen's half width is measured
from how much longer the dark blocks are than their light neighbours over the frame's four
sides (one pen draws them all: a short side's single whole block gets the others' width),
and every turn is moved in by it (:func:`.ticks.band_outline_half_width`).

The truth is QGIS's own: the map item's rectangle at the export's resolution and the extent
it shows.
"""
import shutil

import numpy as np
import pytest
from qgis_layout_figure import render_print_layout

from colormap_decoder.plugin.engine.detection.figure_reading import read_figure_face
from colormap_decoder.plugin.engine.detection.layout import detect_layout
from colormap_decoder.plugin.engine.figure import read_figure
from colormap_decoder.plugin.engine.pipeline import DecodeSettings, decode_map

CRS = "EPSG:32605"
#: Kilauea's upper slopes, 5.2 km by 2.9 km: five grid lines of 1 km across, three along.
EXTENT = (256234.2, 261475.8, 2141446.2, 2144383.8)


@pytest.fixture(scope="module", params=[250, 150])
def zebra_layout(request, qgis_app, tmp_path_factory, shared_data):
    folder = tmp_path_factory.mktemp("zebra")
    grid_path = folder / "kilauea.nc"
    shutil.copy(shared_data / "gmtserver_Kilauea.utm.nc", grid_path)
    return render_print_layout(folder / "zebra.png", grid_path, CRS, EXTENT, (933.0, 1075.0),
                               map_crs=CRS, interval=1000.0, ramp_name="YlOrRd",
                               invert_ramp=False, frame_style="zebra", vertical_y_labels=True,
                               annotation_font="DejaVu Sans Condensed", annotation_font_size=6,
                               map_width=120.0, legend_position=(156, 30), page_height=120.0,
                               dpi=request.param)


def drawn(figure, axis, value):
    """Where QGIS drew the grid line of ``value`` (the map item's rectangle over its extent)."""
    left, top, right, bottom = figure.frame
    west, east, south, north = figure.extent
    if axis == "x":
        return left + (value - west) / (east - west) * (right - left)
    return top + (north - value) / (north - south) * (bottom - top)


def test_zebra_turns_place_the_annotations_on_their_grid_lines(zebra_layout):
    """Both axes read from the zebra band's turns, every kept label placed within a pixel of
    QGIS's grid line (QGIS draws the map item up to a pixel short of its nominal rectangle at
    150 dpi; before: 1.3-1.4 px off), the frame's corners within a pixel."""
    rgb = read_figure(zebra_layout.path).rgb
    layout = detect_layout(rgb)
    assert layout.frame is not None and layout.frame.kind == "fancy"
    reading = read_figure_face(rgb, layout, want_colorbar=False)
    west, east, south, north = zebra_layout.extent
    left, top, right, bottom = zebra_layout.frame
    for name, axis in (("x", reading.x_axis), ("y", reading.y_axis)):
        assert axis.fit is not None, (name, axis.problem)
        assert len(axis.kept) >= (5 if name == "x" else 3), [label.text for label in axis.labels]
        for label in axis.kept:
            error = abs(label.position - drawn(zebra_layout, name, label.value))
            assert error <= 1.0, (name, label.text, label.position, error)
        for position, value in (((left, west), (right, east)) if name == "x"
                                else ((top, north), (bottom, south))):
            assert abs(float(axis.fit.value_at(position)) - value) / abs(axis.fit.slope) <= 1.0


@pytest.mark.parametrize("zebra_layout", [250], indirect=True)
def test_zebra_layout_decoded_from_its_face(zebra_layout):
    """Decoded with only INPUT and GCP_CRS (before: refused naming GCPS, the x axis 'not
    evenly spaced'): a 5 × 5 lattice of the frame placed within a pixel of QGIS's
    transform."""
    result = decode_map(DecodeSettings(figure_path=zebra_layout.path, gcp_crs=CRS,
                                       scale_automatic=True))
    left, top, right, bottom = zebra_layout.frame
    west, east, south, north = zebra_layout.extent
    px, py = np.meshgrid(np.linspace(left, right, 5), np.linspace(top, bottom, 5))
    mx, my = result.georeference.pixel_transform.pixel_to_map(px.ravel(), py.ravel())
    x_back = left + (np.asarray(mx) - west) / (east - west) * (right - left)
    y_back = top + (north - np.asarray(my)) / (north - south) * (bottom - top)
    assert np.max(np.hypot(x_back - px.ravel(), y_back - py.ravel())) <= 1.0


@pytest.mark.parametrize("jpeg_quality", [None, 40])
def test_thick_pen_zebra_closing_lines_are_no_ticks(qgis_app, tmp_path, shared_data,
                                                    jpeg_quality):
    """A zebra frame 5 mm wide drawn with a 1 mm pen (12 px at 300 dpi), the corner squares
    closed by that pen across the band: the last light block of each side ends against the
    far corner's closing line, 10 px before the side's end, past the half line and 2 px
    (9 px) :func:`.ticks.band_turns` leaves out there. That turn was taken for a tick (one
    per side, 84 to 149 px off every grid line), where a label near the corner could have
    been placed. Every tick now lies on one of QGIS's grid lines, and every grid line shown
    has its tick."""
    from PIL import Image

    from colormap_decoder.plugin.engine.detection.lines import luminance, page_luminance
    from colormap_decoder.plugin.engine.detection.ticks import box_sides, fancy_band_ticks

    grid_path = tmp_path / "kilauea.nc"
    shutil.copy(shared_data / "gmtserver_Kilauea.utm.nc", grid_path)
    figure = render_print_layout(tmp_path / "zebra.png", grid_path, CRS, EXTENT, (933.0, 1075.0),
                                 map_crs=CRS, interval=1000.0, ramp_name="YlOrRd",
                                 invert_ramp=False, frame_style="zebra", frame_width=5.0,
                                 frame_pen=1.0, annotation_font="DejaVu Sans Condensed",
                                 annotation_font_size=6, map_width=120.0,
                                 legend_position=(156, 30), page_height=120.0, dpi=300)
    path = figure.path
    if jpeg_quality is not None:
        path = tmp_path / "zebra.jpg"
        Image.open(figure.path).convert("RGB").save(path, quality=jpeg_quality)
    rgb = read_figure(str(path)).rgb
    layout = detect_layout(rgb)
    assert layout.frame is not None and layout.frame.kind == "fancy"
    lum = luminance(rgb)
    ticks = fancy_band_ticks(lum, page_luminance(lum), box_sides(layout.frame.box),
                             layout.max_thickness)
    west, east, south, north = figure.extent
    lines = {"x": [drawn(figure, "x", value) for value in
                   np.arange(np.ceil(west / 1000.0) * 1000.0, east, 1000.0)],
             "y": [drawn(figure, "y", value) for value in
                   np.arange(np.ceil(south / 1000.0) * 1000.0, north, 1000.0)]}
    for name, turns in ticks.items():
        truth = np.array(lines["x" if name in ("top", "bottom") else "y"])
        off = [(round(float(turn), 1), round(float(np.abs(truth - turn).min()), 1))
               for turn in turns]
        assert all(error <= 1.5 for _, error in off), (name, off)
        assert len(turns) == truth.size, (name, np.round(turns, 1), np.round(truth, 1))
