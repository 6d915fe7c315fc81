"""A map's top spine and the colorbar's top outline in line, with page between: no colorbar.

sweep_auto_decode --wide seed 92 #4 (matplotlib imshow, coolwarm, a vertical bar, 600 dpi JPEG
q94): at 600 dpi matplotlib's 0.8 pt spines are 6-7 px thick, as thick as a thin colour strip.
The map's top spine, over the white of missing data, and the bar's top outline are drawn on the
same rows, a white gap of ~130 px between them. The strip finder bridged that gap as a
diverging colormap's white middle, and the strip, black then white then black, showed as much
colour along it (ΔE ~200) as the bar: it was taken for a horizontal colorbar along the map's
top, and the figure refused naming VMIN. A colormap's pale middle lies between two different
colours; the same colour on both sides of the gap is two things in line.

Real figures: matplotlib imshow of the NOAA OI SST over western North America (its top row
land, missing, white), cividis, a vertical bar beside, the sweep's own proportions.
"""
import matplotlib
import numpy as np
import pytest
from figures_for_detection import sst_lonlat

from colormap_decoder.plugin.engine.detection.layout import detect_layout

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402 - after choosing the backend


def render_spine_in_line(shared_data, path, dpi, cmap="cividis"):
    """The SST from 131°W to 95°W and 10°N to 56°N (its top row over Canada, missing) with a
    vertical bar whose top is the map's, at ``dpi``; returns the bar's pixel box (left, top,
    right, bottom) from matplotlib's own transforms."""
    grid, (west, east, south, north) = sst_lonlat(shared_data)
    rows, cols = grid.shape
    extent = (-131.0, -95.0, 10.0, 56.0)
    col0 = int(round((extent[0] - west) / (east - west) * cols))
    col1 = int(round((extent[1] - west) / (east - west) * cols))
    row0 = int(round((north - extent[3]) / (north - south) * rows))
    row1 = int(round((north - extent[2]) / (north - south) * rows))
    part = grid[row0:row1, col0:col1]
    assert np.isnan(part[0]).mean() > 0.9, "the map's top row is not missing: no white there"
    figure = plt.figure(figsize=(5.62, 2.965), dpi=dpi)
    axes = figure.add_axes([0.13, 0.12, 0.65, 0.78])
    bar_axes = figure.add_axes([0.82, 0.12, 0.025, 0.78])
    image = axes.imshow(part, extent=extent, cmap=cmap, vmin=0.0, vmax=30.0, aspect="auto",
                        interpolation="nearest")
    figure.colorbar(image, cax=bar_axes)
    figure.savefig(path, dpi=dpi)
    height = figure.bbox.height
    box = bar_axes.get_window_extent()
    plt.close(figure)
    return (box.x0, height - box.y1, box.x1, height - box.y0)


@pytest.mark.parametrize("dpi", [450, 600])
def test_spine_and_bar_outline_in_line_are_no_colorbar(tmp_path, shared_data, dpi):
    """The vertical bar is the colorbar (within 2 px across, 4 px along: its outline is 6-7
    px thick at 600 dpi), no horizontal candidate runs from the map over the gap to it."""
    from PIL import Image

    truth = render_spine_in_line(shared_data, tmp_path / "spine.png", dpi)
    rgb = np.asarray(Image.open(tmp_path / "spine.png").convert("RGB"))
    layout = detect_layout(rgb)
    assert layout.colorbar is not None
    print(dpi, "bar", layout.colorbar.box, "truth", truth)
    assert layout.colorbar.vertical, f"a horizontal 'bar' taken: {layout.colorbar.box}"
    off = np.abs(np.subtract(layout.colorbar.box, truth))
    assert off[0] <= 2.0 and off[2] <= 2.0 and off[1] <= 4.0 and off[3] <= 4.0, off
    for bar in layout.other_colorbars:
        assert not (bar.box[0] < truth[0] and bar.box[2] > truth[0]), \
            f"a candidate bridged over the gap into the bar: {bar.box}"
