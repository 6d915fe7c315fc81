"""The decode window's engine side: the reduced-copy preview and the session files."""
import json
from pathlib import Path

import numpy as np
import pytest

from colormap_decoder.plugin.engine.figure import read_figure
from colormap_decoder.plugin.engine.gcps import GroundControlPoints, read_gcps
from colormap_decoder.plugin.engine.pipeline import decode_map
from colormap_decoder.plugin.engine.preview import MASK_COLOUR, PreviewDecoder, reduction_step
from colormap_decoder.plugin.engine.session import (
    Session,
    SessionError,
    extent_to_pixel_box_exact,
    load_session,
    pixel_box_to_extent,
    save_session,
    session_paths,
)

SAMPLE = Path(__file__).resolve().parents[2] / "sample"
FIGURE = SAMPLE / "vinschgau_viridis.png"
FRAME = (112.0, 87.0, 672.0, 518.0)      # the sample's plot area, figure pixels (y down)
COLORBAR = (700.0, 87.0, 720.0, 518.0)   # its colorbar


def sample_session(**overrides):
    values = dict(figure_path=str(FIGURE), frame=FRAME, colorbar=COLORBAR, colormap="viridis",
                  vmin=0.0, vmax=4000.0)
    values.update(overrides)
    return Session(**values)


def test_reduction_step_bounds_the_pixel_count():
    assert reduction_step((600, 900)) == 1
    assert reduction_step((875, 1150)) == 1       # 1 MP: previewed whole
    step = reduction_step((3000, 4000))           # 12 MP
    assert step == 3 and np.ceil(3000 / step) * np.ceil(4000 / step) <= 1_500_000
    assert reduction_step((3000, 4000), max_pixels=100_000) == 11


def test_boxes_and_extents_are_inverse():
    assert pixel_box_to_extent(FRAME) == (112.0, 672.0, -518.0, -87.0)
    assert extent_to_pixel_box_exact((112.0, 672.0, -518.0, -87.0)) == FRAME
    geotransform = (500000.0, 10.0, 0.0, 5200000.0, 0.0, -10.0)
    extent = pixel_box_to_extent(FRAME, geotransform)
    assert extent == (501120.0, 506720.0, 5194820.0, 5199130.0)
    assert np.allclose(extent_to_pixel_box_exact(extent, geotransform), FRAME)


def test_full_size_preview_is_the_pipeline_decode():
    figure = read_figure(FIGURE)
    session = sample_session()
    preview = PreviewDecoder(figure).decode(session.decode_settings())
    assert preview.step == 1
    full = decode_map(session.decode_settings(gcps_path=str(FIGURE) + ".points"))
    np.testing.assert_array_equal(np.isfinite(preview.values), np.isfinite(full.field.values))
    both = np.isfinite(preview.values)
    np.testing.assert_array_equal(preview.values[both], full.field.values[both])
    assert 0.85 < preview.data_fraction < 0.98   # contour lines are masked


def test_reduced_preview_keeps_the_figure_pixels_values():
    figure = read_figure(FIGURE)
    settings = sample_session().decode_settings()
    reduced = PreviewDecoder(figure, max_pixels=60_000)
    assert reduced.step == 3
    preview = reduced.decode(settings)
    full = PreviewDecoder(figure).decode(settings)
    expected = full.values[::3, ::3]
    assert preview.values.shape == expected.shape
    np.testing.assert_array_equal(preview.values, expected)


def test_preview_follows_the_frame_and_the_range():
    figure = read_figure(FIGURE)
    decoder = PreviewDecoder(figure)
    wide = decoder.decode(sample_session().decode_settings())
    narrow = decoder.decode(sample_session(frame=(300.0, 200.0, 400.0, 300.0)).decode_settings())
    assert np.isfinite(narrow.values[200:300, 300:400]).mean() > 0.8
    assert not np.isfinite(narrow.values[:, :299]).any()
    doubled = decoder.decode(sample_session(vmax=8000.0).decode_settings())
    both = np.isfinite(wide.values) & np.isfinite(doubled.values)
    np.testing.assert_allclose(doubled.values[both], 2 * wide.values[both], rtol=1e-5, atol=1e-3)


def test_preview_from_the_colorbar_matches_the_named_colormap():
    figure = read_figure(FIGURE)
    named = PreviewDecoder(figure).decode(sample_session().decode_settings())
    sampled = PreviewDecoder(figure).decode(sample_session(use_colorbar=True).decode_settings())
    both = np.isfinite(named.values) & np.isfinite(sampled.values)
    assert both[named.examine].mean() > 0.85
    # Within two colormap steps for almost every pixel.
    assert np.quantile(np.abs(named.values[both] - sampled.values[both]), 0.95) < 2 * 4000 / 256


def test_preview_image_colours_values_and_mask():
    figure = read_figure(FIGURE)
    preview = PreviewDecoder(figure).decode(sample_session().decode_settings())
    image = preview.rgba()
    data = np.isfinite(preview.values)
    masked = preview.examine & ~data
    assert masked.any()
    assert (image[masked] == MASK_COLOUR).all()
    assert (image[~preview.examine, 3] == 0).all()
    # A decoded pixel drawn in its value's colour is (nearly) the figure's own colour.
    difference = np.abs(image[data, :3].astype(int) - figure.rgb[data].astype(int))
    assert np.median(difference) <= 1
    assert (preview.rgba(show_mask=False)[masked, 3] == 0).all()


def test_value_under_the_cursor():
    figure = read_figure(FIGURE)
    settings = sample_session().decode_settings()
    decoder = PreviewDecoder(figure)
    full = decoder.decode(settings)
    row, col = 300, 400
    value, distance = decoder.value_at(settings, col + 0.5, row + 0.5)
    assert value == pytest.approx(full.values[row, col], rel=1e-6)
    assert distance == pytest.approx(full.distance[row, col], abs=1e-3)
    assert decoder.value_at(settings, -1, 5) is None


def test_empty_max_color_distance_previews_with_the_figures_own_threshold():
    """MAX_COLOR_DISTANCE left empty (None) is the pipeline's default: the preview and the value
    under the cursor take the threshold the figure's noise gives, and mask what the job masks."""
    from dataclasses import replace

    figure = read_figure(FIGURE)
    settings = replace(sample_session().decode_settings(), max_color_distance=None)
    value_first = PreviewDecoder(figure)   # value_at before any decode: it studies the figure
    row, col = 300, 400
    value, distance = value_first.value_at(settings, col + 0.5, row + 0.5)
    preview = PreviewDecoder(figure).decode(settings)
    full = decode_map(replace(settings, gcps_path=str(FIGURE) + ".points"))
    assert preview.max_color_distance == pytest.approx(full.settings.max_color_distance)
    np.testing.assert_array_equal(np.isfinite(preview.values), np.isfinite(full.field.values))
    assert value == pytest.approx(full.field.values[row, col], rel=1e-6)
    assert distance == pytest.approx(preview.distance[row, col], abs=1e-3)

def test_session_round_trip_beside_the_figure(tmp_path):
    figure = tmp_path / "figure.png"
    figure.write_bytes(FIGURE.read_bytes())
    gcps = read_gcps(str(FIGURE) + ".points")
    gcps.enabled[2] = False
    session = sample_session(figure_path=str(figure), use_colorbar=True, colorbar_flip=True,
                             logarithmic=False, levels=(0.0, 1000.0, 4000.0), transform=3,
                             gcp_crs="EPSG:32632", target_crs="EPSG:4326", gcps=gcps,
                             max_color_distance=9.5)
    written = save_session(session)
    points_path, json_path = session_paths(figure)
    assert written == sorted([points_path, json_path])
    document = json.loads(Path(json_path).read_text())
    assert document["frame"] == list(FRAME) and document["points_file"] == "figure.png.points"
    again = load_session(str(figure))
    for name in ("frame", "colorbar", "use_colorbar", "colorbar_flip", "colormap", "vmin", "vmax",
                 "levels", "transform", "gcp_crs", "target_crs", "max_color_distance"):
        assert getattr(again, name) == getattr(session, name), name
    np.testing.assert_allclose(again.gcps.pixel, gcps.pixel)
    np.testing.assert_allclose(again.gcps.map, gcps.map)
    np.testing.assert_array_equal(again.gcps.enabled, gcps.enabled)
    # The .points file is the Georeferencer's: decodemap reads it as GCPS.
    result = decode_map(again.decode_settings(gcps_path=points_path))
    assert result.georeference.gcps is not None and len(result.georeference.gcps) == len(gcps)


def test_points_file_alone_makes_a_session_and_bad_json_is_explained(tmp_path):
    figure = tmp_path / "figure.png"
    figure.write_bytes(FIGURE.read_bytes())
    assert load_session(str(figure)) is None
    (tmp_path / "figure.png.points").write_text((SAMPLE / "vinschgau_viridis.png.points").read_text())
    session = load_session(str(figure))
    assert session.frame is None and len(session.gcps) == 9 and "UTM zone 32N" in session.gcp_crs
    # Saved again without GCPs: the Georeferencer's file stays, and its GCPs are not taken back.
    session.gcps = None
    session.frame = FRAME
    assert save_session(session) == [str(figure) + ".colormap_decoder.json"]
    assert (tmp_path / "figure.png.points").is_file()
    again = load_session(str(figure))
    assert again.gcps is None and again.frame == FRAME
    (tmp_path / "figure.png.colormap_decoder.json").write_text("{not json")
    with pytest.raises(SessionError, match="cannot be read"):
        load_session(str(figure))


def test_a_session_that_cannot_be_written_is_refused_whole(tmp_path):
    figure = tmp_path / "figure.png"
    figure.write_bytes(FIGURE.read_bytes())
    # Something in the way of the JSON file (a folder of that name): nothing may be left.
    (tmp_path / "figure.png.colormap_decoder.json").mkdir()
    session = sample_session(figure_path=str(figure),
                             gcps=GroundControlPoints([[1, 2], [5, 6], [9, 1]],
                                                      [[3, 4], [7, 8], [1, 1]], None))
    with pytest.raises(SessionError, match="folder you can write to"):
        save_session(session)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["figure.png",
                                                          "figure.png.colormap_decoder.json"]



def _saved_twice_with_a_failure_on_the_second_file(tmp_path, monkeypatch, phase):
    """A session saved, then saved again changed while the second file (.points) fails in
    ``phase`` ("write" or "move"). Returns the folder's files before and after the failure."""
    import errno
    import os

    from colormap_decoder.plugin.engine import session as session_module

    figure = tmp_path / "figure.png"
    figure.write_bytes(FIGURE.read_bytes())
    session = sample_session(figure_path=str(figure), gcps=read_gcps(str(FIGURE) + ".points"))
    save_session(session)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    session.vmax = 5000.0
    session.gcps.map[0] += 100.0
    points_path, json_path = session_paths(figure)
    denied = OSError(errno.EACCES, "Permission denied", points_path)
    if phase == "write":
        def write_points(*_):
            raise denied
        monkeypatch.setattr(session_module, "write_session_points", write_points)
    else:
        replace = os.replace

        def failing_replace(source, destination):
            # The second file's move into place fails; moving the first one, and putting
            # it back, work.
            if destination == points_path and ".kept." not in source:
                raise denied
            replace(source, destination)
        monkeypatch.setattr(session_module.os, "replace", failing_replace)
    with pytest.raises(SessionError, match="figure.png.points: Permission denied"):
        save_session(session)
    after = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    return before, after, json_path


@pytest.mark.parametrize("phase", ["write", "move"])
def test_a_session_save_failing_on_its_second_file_leaves_the_first_untouched(
        tmp_path, monkeypatch, phase):
    before, after, json_path = _saved_twice_with_a_failure_on_the_second_file(
        tmp_path, monkeypatch, phase)
    # Both files exactly as the first save left them, and no temporary left beside them.
    assert sorted(after) == sorted(before) == ["figure.png", "figure.png.colormap_decoder.json",
                                               "figure.png.points"]
    assert after == before
    assert json.loads(before[Path(json_path).name])["vmax"] == 4000.0


def test_a_first_session_save_that_fails_leaves_no_file(tmp_path, monkeypatch):
    """No earlier session: the JSON already moved into place is removed again."""
    import errno
    import os

    from colormap_decoder.plugin.engine import session as session_module

    figure = tmp_path / "figure.png"
    figure.write_bytes(FIGURE.read_bytes())
    session = sample_session(figure_path=str(figure), gcps=read_gcps(str(FIGURE) + ".points"))
    points_path, _ = session_paths(figure)
    replace = os.replace

    def failing_replace(source, destination):
        if destination == points_path:
            raise OSError(errno.ENOSPC, "No space left on device", destination)
        replace(source, destination)
    monkeypatch.setattr(session_module.os, "replace", failing_replace)
    with pytest.raises(SessionError, match="No space left on device"):
        save_session(session)
    assert [p.name for p in tmp_path.iterdir()] == ["figure.png"]


def test_a_colorbar_on_the_map_is_left_out_when_a_colormap_is_named():
    figure = read_figure(FIGURE)
    # A "legend" box inside the frame: the colorbar drawn over the map's lower-left corner.
    legend = (150.0, 400.0, 250.0, 500.0)
    inside = sample_session(colorbar=legend)
    assert inside.colorbar_mask_wkt() == (
        "POLYGON((147 -503, 253 -503, 253 -397, 147 -397, 147 -503))")
    preview = PreviewDecoder(figure).decode(inside.decode_settings())
    assert not np.isfinite(preview.values[397:503, 147:253]).any()
    assert np.isfinite(preview.values[300:390, 150:250]).mean() > 0.8
    # Beside the map, or sampled: nothing to leave out.
    assert sample_session().colorbar_mask_wkt() is None
    assert sample_session(colorbar=legend, use_colorbar=True).colorbar_mask_wkt() is None
