"""matplotlib's offset text at a map axis' end taken with its labels
(figure_reading._Reader.axis_offset_text, offset_text_terms, _take_axis_offset_text).

A map a hundred metres across in a metre CRS (UTM northings 5150000-5150100): matplotlib's
ScalarFormatter writes the y labels '0'-'100' and '+5.15e6' above the y axis (the labels
share their leading digits). Read as values, the map was georeferenced at northing 0-100 (the
equator), its GCPs fitting perfectly, and nothing said so. The x axis is written the same way
when its labels share enough digits ('45'-'85' with '+6.123e5' under its right end), and with
'−' when the coordinates are negative. A power of ten ('1e6') multiplies the labels as before.

Real figures drawn by matplotlib (its default style); the decoded geotransform is held to
matplotlib's own axes transform: the frame's top-left corner and the pixel size within a
pixel.
"""
import matplotlib
import numpy as np
import pytest

from colormap_decoder.plugin.engine.detection.figure_reading import offset_text_terms
from colormap_decoder.plugin.engine.pipeline import DecodeSettings, decode_map

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402 - after choosing the backend


def render(path, extent, dpi=120):
    """A smooth field over ``extent`` (left, right, bottom, top, metres) with a colorbar;
    returns the offset texts matplotlib drew (x, y), the map frame's top-left corner in map
    units by matplotlib's transform, and the frame's width in figure pixels."""
    rows, cols = np.mgrid[0:60, 0:60]
    field = 200.0 + 900.0 * (0.5 + 0.25 * np.sin(cols / 8.0) + 0.25 * np.cos(rows / 6.0))
    figure, axes = plt.subplots(figsize=(6, 5), dpi=dpi)
    image = axes.imshow(field, extent=extent, cmap="viridis", vmin=200, vmax=1100)
    figure.colorbar(image, ax=axes)
    figure.canvas.draw()
    offsets = (axes.xaxis.get_offset_text().get_text(), axes.yaxis.get_offset_text().get_text())
    box = axes.get_window_extent()
    corner = axes.transData.inverted().transform((box.x0, box.y1))
    figure.savefig(path, dpi=dpi)
    plt.close(figure)
    return offsets, corner, box.width


@pytest.mark.parametrize("extent, crs, written", [
    ((600000, 600100, 5150000, 5150100), "EPSG:32632", ("", "+5.15e6")),
    ((612345, 612385, 5150000, 5150040), "EPSG:32632", ("+6.123e5", "+5.15e6")),
    ((-612385, -612345, -5150040, -5150000), "EPSG:3857", ("−6.123e5", "−5.15e6")),
    ((0, 3e6, 5e6, 8e6), "EPSG:3857", ("1e6", "1e6"))])
def test_axis_labels_taken_with_the_offset_text(tmp_path, extent, crs, written):
    path = tmp_path / "figure.png"
    offsets, corner, width = render(path, extent)
    assert offsets == written  # matplotlib wrote the labels relative to these
    result = decode_map(DecodeSettings(figure_path=str(path), gcp_crs=crs,
                                       scale_automatic=True))
    gt, grid = result.grid.geotransform, result.grid
    pixel = (extent[1] - extent[0]) / width  # map units a figure pixel
    # The top-left and bottom-right corners within a figure pixel of matplotlib's.
    assert abs(gt[0] - corner[0]) <= pixel and abs(gt[3] - corner[1]) <= pixel, (gt, corner)
    far = (gt[0] + gt[1] * grid.width, gt[3] + gt[5] * grid.height)
    assert abs(far[0] - extent[1]) <= pixel and abs(far[1] - extent[2]) <= pixel, (far, extent)


@pytest.mark.parametrize("text, terms", [
    ("+5.15e6", (1.0, 5.15e6)), ("−1.2e3", (1.0, -1200.0)), ("1e6", (1e6, 0.0)),
    ("1e-3+1e6", (1e-3, 1e6)), ("+6.123x10^5", (1.0, 612300.0)), ("x10^6", (1e6, 0.0)),
    ("5.15e6", None), ("+5.15e", None), ("e-5", None), ("5.15(acharacternotread)x10^6", None)])
def test_offset_text_read_whole_or_not_at_all(text, terms):
    """A sign lost ('5.15e6' is no power of ten) or an exponent cut short is not read."""
    assert offset_text_terms(text) == terms


def test_offset_text_not_read_whole_refuses_naming_gcps(tmp_path, monkeypatch):
    """The y offset read without its exponent ('+5.15e', as OCR may cut it): no value is
    guessed, the axes are refused and GCPS named."""
    from colormap_decoder.plugin.engine.detection import figure_reading
    from colormap_decoder.plugin.engine.errors import EngineError

    path = tmp_path / "figure.png"
    render(path, (600000, 600100, 5150000, 5150100))
    read_whole = figure_reading._Reader.axis_offset_text

    def cut_short(reader, frame_box, axis, labels):
        text = read_whole(reader, frame_box, axis, labels)
        return text[:-1] if axis == "y" else text

    monkeypatch.setattr(figure_reading._Reader, "axis_offset_text", cut_short)
    with pytest.raises(EngineError) as raised:
        decode_map(DecodeSettings(figure_path=str(path), gcp_crs="EPSG:32632",
                                  scale_automatic=True))
    assert raised.value.parameter == "GCPS" and "'+5.15e'" in str(raised.value), raised.value


def test_mathtext_offset_text_read_whole_or_refused(tmp_path):
    """With axes.formatter.use_mathtext the offset is '+6.123×10⁵', found in pieces
    ('+6.123x', '10^5'): read joined, or refused (GCPS) when a piece is not read ('+' of
    '+5.15×10⁶' lost); never '10^5' alone taken as a multiplier."""
    from colormap_decoder.plugin.engine.errors import EngineError

    path = tmp_path / "figure.png"
    with matplotlib.rc_context({"axes.formatter.use_mathtext": True}):
        offsets, corner, width = render(path, (612345, 612385, 5150000, 5150040))
    assert "times" in offsets[0] and "times" in offsets[1]
    try:
        result = decode_map(DecodeSettings(figure_path=str(path), gcp_crs="EPSG:32632",
                                           scale_automatic=True))
    except EngineError as error:
        assert error.parameter == "GCPS" and "relative to the text" in str(error), error
        return
    gt, pixel = result.grid.geotransform, 40.0 / width
    assert abs(gt[0] - corner[0]) <= pixel and abs(gt[3] - corner[1]) <= pixel, (gt, corner)
