"""A two-label axis whose label lost its decimal point in OCR.

GMT's 10 pt Helvetica-Bold at 72 dpi joins a latitude's decimal point to the 8 before it:
'48.5°' is read '485°'. With only '485°' and '49°' on the y axis, the pair's scale agreed
with the x axis' in no map model and the axis was refused naming GCPS
(sweep_auto_decode --wide --wider 297 #4, a GMT Miller map). The point put back where the
other axis' scale confirms it (and nowhere else) reads the pair; the GCPs are then where GMT
put the map's points.
"""
import numpy as np
from figures_for_detection import gmt_map_to_pixel, run_gmt
from figures_for_tests import topobathy

from colormap_decoder.plugin.engine.detection.axis_confirmation import _pair_with_point_restored
from colormap_decoder.plugin.engine.detection.figure_reading import AxisReading
from colormap_decoder.plugin.engine.detection.labels import dropped_point_readings, parse_label
from colormap_decoder.plugin.engine.detection.ticks import TickFit, TickLabel
from colormap_decoder.plugin.engine.pipeline import DecodeSettings, decode_map

#: The sweep's figure: region (degrees), Miller projection, page (points), offsets (inches),
#: resolution.
REGION = "-124.718945/-122.181049/48.212586/49.122863"
PROJECTION = "J-123.4500/6.716i"
PAGE_POINTS = (670.752, 478.224)
OFFSET_INCH = 1.0
DPI = 72


def render_gmt_miller(folder):
    """matplotlib's topo-bathymetry on GMT's Miller map (``-JJ``), labelled every 0.5° in
    10 pt Helvetica-Bold (degrees with a degree sign only, ``+D``), grid lines drawn, a
    vertical psscale; ``folder / "fig.png"`` at :data:`DPI`."""
    import rasterio
    from rasterio.transform import from_origin

    grid, (west, east, south, north) = topobathy()
    rows, cols = grid.shape
    with rasterio.open(folder / "grid.tif", "w", driver="GTiff", width=cols, height=rows,
                       count=1, dtype="float32", nodata=np.nan,
                       transform=from_origin(west - 360.0, north, (east - west) / cols,
                                             (north - south) / rows)) as dataset:
        dataset.write(grid.astype("float32"), 1)
    run_gmt(folder,
            "gmt grdconvert grid.tif=gd grid.nc",
            "gmt makecpt -Crainbow -T-345.0/1253.0 -Z > cm.cpt",
            f"gmt set PS_MEDIA {PAGE_POINTS[0]}x{PAGE_POINTS[1]} MAP_FRAME_TYPE plain "
            "FONT_ANNOT_PRIMARY 10p,Helvetica-Bold FORMAT_GEO_MAP +D",
            f"gmt grdimage grid.nc -R{REGION} -J{PROJECTION} -Ccm.cpt -X{OFFSET_INCH}i "
            f"-Y{OFFSET_INCH}i -P -Bafg -BWSne -K > fig.ps",
            "gmt psscale -R -J -Ccm.cpt -DJRM+w3.5i/0.2i+o0.5i/0 -Bxaf -O >> fig.ps",
            f"gmt psconvert fig.ps -Tg -E{DPI}")
    return folder / "fig.png"


def test_two_latitudes_read_with_their_dropped_point_restored(tmp_path):
    from pyproj import Transformer

    path = render_gmt_miller(tmp_path)
    result = decode_map(DecodeSettings(figure_path=str(path), scale_automatic=True,
                                       gcp_crs="EPSG:4326"))
    log = "\n".join(result.messages)
    assert "decimal point" in log, log
    west, east, south, north = (float(v) for v in REGION.split("/"))
    points = [(lon, lat) for lon in np.linspace(west, east, 5)
              for lat in np.linspace(south, north, 5)]
    true_col, true_row = gmt_map_to_pixel(tmp_path, REGION, PROJECTION, points, OFFSET_INCH,
                                          OFFSET_INCH, PAGE_POINTS[1] / 72.0, DPI)
    georeference = result.georeference
    to_source = Transformer.from_crs("EPSG:4326", georeference.source_crs, always_xy=True)
    mx, my = to_source.transform(*np.array(points).T)
    col, row = georeference.pixel_transform.map_to_pixel(mx, my)
    error = np.hypot(np.asarray(col) - true_col, np.asarray(row) - true_row).max()
    print("GCPs off by at most", error, "px")
    assert error <= 1.0


def test_dropped_point_readings():
    """Each point placement of a plain number of two digits or more, parsed; none for a
    power, a number with its point, a single digit or no number."""
    assert [text for text, _ in dropped_point_readings("485°", parse_label("485°"))] == \
        ["4.85°", "48.5°"]
    readings = dropped_point_readings("-125", parse_label("-125"))
    assert [(text, parsed.value) for text, parsed in readings] == \
        [("-1.25", -1.25), ("-12.5", -12.5)]
    assert dropped_point_readings("1e3", parse_label("1e3")) == []
    assert dropped_point_readings("12.5", parse_label("12.5")) == []
    assert dropped_point_readings("5", parse_label("5")) == []
    assert dropped_point_readings("m", parse_label("m")) == []


def _degree_label(text, position):
    parsed = parse_label(text)
    return TickLabel((0, 0, 1, 1), text, parsed.value, float(position), kept=True, parsed=parsed)


def test_pair_with_point_restored():
    """An x axis at 0.01° a pixel (equal scales): '485°', '49°' 50 px apart are 48.5°, 49°;
    a pair whose restored scale still disagrees, or whose restored step is not round, is
    left as read (None)."""
    x_labels = [_degree_label(f"{value}°", (value - 10.0) * 100.0) for value in (10, 11, 12)]
    other = AxisReading("bottom", x_labels, fit=TickFit(0.01, 10.0, False, x_labels))
    pair = [_degree_label("485°", 300.0), _degree_label("49°", 250.0)]
    label, text, parsed, (model, _, expected, difference) = \
        _pair_with_point_restored("y", pair, other)
    assert label is pair[0] and text == "48.5°" and parsed.value == 48.5
    assert model == "equal scales along x and y" and expected == 0.01 and difference < 1e-9
    assert pair[0].text == "485°", "the labels are not changed"
    # 0.5° over 100 px: half the x axis' scale.
    assert _pair_with_point_restored("y", [_degree_label("485°", 350.0),
                                           _degree_label("49°", 250.0)], other) is None
    # 48.7° beside 49°: a step of 0.3°, no interval a renderer labels.
    assert _pair_with_point_restored("y", [_degree_label("487°", 280.0),
                                           _degree_label("49°", 250.0)], other) is None


def test_pair_with_point_restored_refuses_a_mirrored_map_or_two_choices():
    """A restored pair is taken only as a map draws its axes: the same '485°', '49°' with 49°
    below 48.5° (values growing down the rows as the x axis' grow rightward: a mirrored map)
    is left as read, and so is a pair with a label whose value is no longer its text's (its
    longitude unwrapped by 360°)."""
    x_labels = [_degree_label(f"{value}°", (value - 10.0) * 100.0) for value in (10, 11, 12)]
    other = AxisReading("bottom", x_labels, fit=TickFit(0.01, 10.0, False, x_labels))
    mirrored = [_degree_label("485°", 250.0), _degree_label("49°", 300.0)]
    assert _pair_with_point_restored("y", mirrored, other) is None
    offset = [_degree_label("485°", 300.0), _degree_label("49°", 250.0)]
    offset[0].value = 485.0 + 360.0  # its text's 485 unwrapped: 48.5 would drop the 360
    assert _pair_with_point_restored("y", offset, other) is None
