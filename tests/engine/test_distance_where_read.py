"""The colour distance computed where read (colour_decoding.DistanceField, issue 11's memory)
is the distance raster the decoding made whole before, value for value (NaN where not examined,
infinite where left out beside a line), however it is read, and the outputs made from it are
those made from the whole raster."""
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from colormap_decoder.plugin.engine import pipeline
from colormap_decoder.plugin.engine.colour_decoding import (
    ColourDecoder,
    DenoisedRGB,
    DistanceField,
)
from colormap_decoder.plugin.engine.pipeline import DecodeSettings, decode_map

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "golden"


def _cases():
    import sys

    sys.path.insert(0, str(GOLDEN.parent))
    from make_golden import cases

    return cases()


def _eager_and_lazy(name, denoise=False, jpeg_quality=None, tmp_path=None):
    """A golden figure decoded with the whole distance raster and with the field."""
    from colormap_decoder.plugin.engine.figure import read_figure

    settings = DecodeSettings(**_cases()[name])
    path = settings.figure_path
    if jpeg_quality is not None:
        from PIL import Image

        path = str(tmp_path / "figure.jpg")
        with Image.open(settings.figure_path) as image:
            image.convert("RGB").save(path, quality=jpeg_quality)
        settings = replace(settings, figure_path=path)
    figure = read_figure(path)
    scale, _ = pipeline.build_colour_scale(settings, figure)
    decoder = ColourDecoder(scale, pipeline.build_value_mapping(settings, scale),
                            pipeline.choose_match_space(settings, figure))
    examine, box = pipeline.pixels_to_examine(settings, figure, None)
    rgb = DenoisedRGB(figure.rgb) if denoise else figure.rgb
    decoder.study_figure(rgb, pipeline.study_region(figure, box))
    eager = decoder.decode_image(rgb, examine, None, study=False)
    lazy = decoder.decode_image(rgb, examine, None, study=False, with_distance="where read")
    return eager, lazy, box


@pytest.mark.parametrize("name, denoise, jpeg_quality", [
    ("vinschgau_sample", False, None),      # lines beside the field: pixels left out
    ("jacksboro_contourf", False, None),    # a discrete scale
    ("jacksboro_blocky", True, None),       # DENOISE: the figure filtered where read
    ("vinschgau_sample", False, 75),        # a JPEG's thousands of colours
])
def test_distance_field_reads_as_the_whole_distance(name, denoise, jpeg_quality, tmp_path,
                                                     monkeypatch):
    eager, lazy, box = _eager_and_lazy(name, denoise, jpeg_quality, tmp_path)
    whole, field = eager.distance, lazy.distance
    assert isinstance(field, DistanceField) and field.shape == whole.shape
    assert np.array_equal(eager.values, lazy.values, equal_nan=True)
    assert np.array_equal(np.asarray(field), whole, equal_nan=True)
    # Looked up in blocks of any size (a few pixels, part of a row, the whole figure at once).
    for block_pixels in (97, 1 << 16, whole.size):
        monkeypatch.setattr(DistanceField, "BLOCK_PIXELS", block_pixels)
        assert np.array_equal(np.asarray(field), whole, equal_nan=True), block_pixels
    monkeypatch.undo()
    if name == "vinschgau_sample" and jpeg_quality is None:
        assert np.isinf(whole).any()  # the leaving out beside lines is exercised
    assert np.isnan(whole).any() and np.isfinite(whole).any()
    rows, cols = whole.shape
    col0, row0, col1, row1 = (int(v) for v in box)
    rng = np.random.default_rng(3)
    for top, bottom, left, right in [(row0, row1, col0, col1), (0, rows, 0, cols),
                                     (row0 + 7, row0 + 90, col0 + 3, col1 - 5)]:
        window = field.window(slice(top, bottom), slice(left, right))
        expected = whole[top:bottom, left:right]
        assert window.shape == expected.shape
        assert np.array_equal(window[:, :], expected, equal_nan=True)
        assert np.array_equal(window[5:60], expected[5:60], equal_nan=True)
        assert np.array_equal(window[::3, ::7], expected[::3, ::7], equal_nan=True)
        r = rng.integers(0, bottom - top, 2000)
        c = rng.integers(0, right - left, 2000)
        assert np.array_equal(window[r, c], expected[r, c], equal_nan=True)
        used = np.sort(rng.choice(right - left, 40, replace=False))
        block = np.arange(10, 30)
        assert np.array_equal(window[np.ix_(block, used)], expected[np.ix_(block, used)],
                              equal_nan=True)
        assert np.array_equal(window[4, 9], expected[4, 9], equal_nan=True)


@pytest.mark.parametrize("native_grid, target_crs", [("off", None), ("off", "EPSG:32616"),
                                                     ("auto", None)])
def test_distance_output_and_report_overview_are_those_of_the_whole_distance(
        native_grid, target_crs):
    """DISTANCE on the figure's own grid (the field's window, written where read), warped to
    UTM by GDAL, and read cell by cell on a native grid: the same output raster and report
    overview as from the whole raster the decoding made before."""
    settings = replace(DecodeSettings(**_cases()["jacksboro_blocky"]), distance_output=True,
                       report=True, native_grid=native_grid, target_crs=target_crs)
    lazy = decode_map(settings)
    original = ColourDecoder.decode_image

    def whole(self, *arguments, **keywords):
        if keywords.get("with_distance") == "where read":
            keywords["with_distance"] = True
        return original(self, *arguments, **keywords)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ColourDecoder, "decode_image", whole)
        eager = decode_map(settings)
    assert not isinstance(eager.distance, DistanceField)
    assert isinstance(lazy.distance, DistanceField) == (native_grid == "off"
                                                        and target_crs is None)
    assert np.array_equal(np.asarray(lazy.distance), eager.distance, equal_nan=True)
    assert np.isfinite(eager.distance).mean() > 0.3
    assert np.array_equal(lazy.distance_overview.small, eager.distance_overview.small,
                          equal_nan=True)
    assert lazy.distance_overview.shape == eager.distance_overview.shape
    assert lazy.distance_overview.any_finite == eager.distance_overview.any_finite
    assert np.array_equal(lazy.values, eager.values, equal_nan=True)
