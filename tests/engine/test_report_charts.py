"""The report's charts, drawn with Pillow: their axes' ticks and the colour distance's colours
(matplotlib's choices, without importing it)."""
import numpy as np
from matplotlib import colormaps
from matplotlib.colors import Normalize

from colormap_decoder.plugin.engine import decode_report


def test_ticks_are_round_and_span_the_axis():
    assert decode_report.nice_ticks(-200, 4200, most=9).tolist() == [0, 1000, 2000, 3000, 4000]
    assert decode_report.nice_ticks(0, 12600, most=7).tolist() == [0, 2500, 5000, 7500,
                                                                    10000, 12500]
    assert decode_report.tick_labels([0, 2500, 5000]) == ["0", "2500", "5000"]
    assert decode_report.tick_labels([0.0, 0.25, 0.5]) == ["0.00", "0.25", "0.50"]
    assert decode_report.tick_labels([-0.001, 0.0, 0.001]) == ["-0.001", "0.000", "0.001"]
    assert decode_report._log_ticks(0.005, 2000).tolist() == [0.01, 0.1, 1, 10, 100, 1000]


def test_distance_colours_are_matplotlibs_magma_r_tinted_above_the_threshold():
    rng = np.random.default_rng(3)
    distance = rng.uniform(0, 30, (40, 50)).astype(np.float32)
    distance[0, :5] = np.nan
    distance[1, :5] = np.inf
    top, threshold = 24.0, 12.0
    ours = decode_report._distance_rgb(distance, top, threshold)
    # What the report drew with matplotlib before.
    cmap = colormaps["magma_r"].with_extremes(bad=decode_report.NO_DATA_RGB)
    rgb = cmap(Normalize(0, top)(np.ma.masked_invalid(distance)))[..., :3]
    above = distance > threshold
    rgb[above] = 0.65 * rgb[above] + 0.35 * np.asarray(colormaps["cool"](1.0)[:3])
    theirs = (rgb * 255).astype(np.uint8)
    assert np.abs(ours.astype(int) - theirs).max() <= 1
    assert (ours[0, :5] == 237).all()  # not examined: the no-data grey
    assert (ours[1, :5] != ours[0, :5]).any()  # left out beside a line: tinted


def test_field_picture_colours_do_not_depend_on_the_blocks(monkeypatch):
    """The report's field picture coloured a block of its rows at a time (a strided view of
    the decoded field, not copied whole; blocks of 4,096 values) is the picture coloured in
    one flat pass, on the sample figure's real decode with its NaN pixels and a fade."""
    from pathlib import Path

    from colormap_decoder.plugin.engine.pipeline import DecodeSettings, decode_map

    sample = Path(__file__).resolve().parents[2] / "sample"
    extent = dict(line.split("=", 1) for line in
                  (sample / "vinschgau_viridis.extents.txt").read_text().splitlines() if line)
    result = decode_map(DecodeSettings(
        figure_path=str(sample / "vinschgau_viridis.png"), colormap="viridis", vmin=0.0,
        vmax=4000.0, plot_area_extent=tuple(float(v) for v in extent["PLOT_AREA"].split(",")),
        gcps_path=str(sample / "vinschgau_viridis.png.points")))
    picture = result.field.values[::3, ::2]
    assert not picture.flags.c_contiguous and np.isnan(picture).any()
    blocks = decode_report._scale_colours_8bit(result, picture, fade=0.55)
    plain = decode_report._scale_colours_8bit(result, picture)
    monkeypatch.setattr(decode_report, "COLOUR_BLOCK", picture.size)
    whole = decode_report._scale_colours_8bit(result, np.ascontiguousarray(picture).reshape(-1),
                                              fade=0.55).reshape(picture.shape + (3,))
    assert np.array_equal(blocks, whole)
    assert np.array_equal(plain, decode_report._scale_colours_8bit(result, picture))
    assert len(np.unique(plain.reshape(-1, 3), axis=0)) > 50
