"""Y labels with thousands separators placed by their ink less the commas' tails.

A label beside a vertical side is centred on its tick by its text's layout box, alike for
every label of one font, so its ink's middle is off the tick by one amount on every label:
unless commas hang below the digits. sweep_auto_decode --wide seed 151 #1 (matplotlib contourf
in metres, seaborn-v0_8 with no tick marks, Nimbus Sans at 300 dpi, JPEG q62): the y labels
'5,185,000' ... '5,160,000' (digits 32 px high, commas 5 px below them) were placed at their
boxes' middles, 2.5 px low each, and the map's GCPs came 3.6 px off (warned about, and wrong
by the sweep's 3 px). They are now placed at the middle of their ink less the commas' tails
(figure_reading.rows_without_tails).
"""
import numpy as np
import pytest
from figures_for_detection import utm_map_with_comma_labels

from colormap_decoder.plugin.engine.detection.figure_reading import read_figure_face
from colormap_decoder.plugin.engine.detection.layout import detect_layout
from colormap_decoder.plugin.engine.figure import read_figure


def render(path, font, size, dpi):
    """A map in metres whose y labels carry commas, with no tick marks (as seaborn draws
    them): the figure and each y tick's row (pixels, from the figure's top)."""
    with utm_map_with_comma_labels(font, size, dpi, tick_marks=False) as (figure, axes):
        figure.savefig(path, dpi=dpi)
        height = figure.bbox.height
        ticks = {value: height - axes.transData.transform((610000, value))[1]
                 for value in axes.get_yticks() if 5157500 <= value <= 5185500}
    return read_figure(str(path)).rgb, ticks


@pytest.mark.parametrize("font, size, dpi", [("Nimbus Sans", 10, 300), ("DejaVu Sans", 12, 200),
                                             ("DejaVu Serif", 10, 250)])
def test_comma_labels_placed_at_their_ticks(tmp_path, font, size, dpi):
    rgb, ticks = render(tmp_path / "map.png", font, size, dpi)
    axis = read_figure_face(rgb, detect_layout(rgb), want_colorbar=False).y_axis
    assert axis.fit is not None and len(axis.kept) >= 4, axis.problem
    assert all("," in label.text for label in axis.kept)
    offsets = [label.position - ticks[label.value] for label in axis.kept]
    # The digits' ink sits a little off the layout box's centre (matplotlib's
    # center_baseline): at most 0.06 of the text's height here; the commas' tails added
    # about 0.08 more, one way.
    height = float(np.median([label.box[3] - label.box[1] for label in axis.kept]))
    assert max(abs(offset) for offset in offsets) <= 0.06 * height, (offsets, height)
