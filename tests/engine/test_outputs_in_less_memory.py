"""The outputs made in less memory (issue 11) are the outputs made before, value for value.

The class raster stays int16 (-1 where not data) from the warp to the file; the rebuilt field's
figure-frame grid is warped first and let go; the opaque mask of a figure without transparency
takes no memory; GDAL's block cache is held small while a GeoTIFF is written; the report counts
its pixels a block of rows at a time; the reconstruction check keeps no block's arrays. Each is
checked here against the straightforward whole-array computation on the golden figures
(``tests/data/golden``), warped to another CRS through GDAL's warper and on the figure's own grid.
"""
import tracemalloc
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import rasterio

from colormap_decoder.plugin.engine import decode_report, pipeline, writing
from colormap_decoder.plugin.engine.figure import read_figure
from colormap_decoder.plugin.engine.pipeline import DecodeSettings, decode_map
from colormap_decoder.plugin.engine.reduction import reconstruction_check
from colormap_decoder.plugin.engine.regions import box_mask, extent_to_pixel_box, polygons_mask
from colormap_decoder.plugin.engine.warping import INTEGER_NODATA, warp_nearest

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "golden"


def _cases():
    import sys

    sys.path.insert(0, str(GOLDEN.parent))
    from make_golden import cases

    return cases()


def _contourf_settings(target_crs):
    settings = DecodeSettings(**_cases()["jacksboro_contourf"])
    return replace(settings, distance_output=True, reconstruction_output=True,
                   mask_geometries=("POLYGON((300 -300, 400 -300, 400 -400, 300 -400, 300 -300))",),
                   target_crs=target_crs)


@pytest.fixture(scope="module", params=["own grid", "UTM 16N"])
def contourf(request):
    """The contour-filled golden figure with every optional output, on its own pixel grid (an
    affine fit into the GCPs' CRS) and warped to UTM 16N by GDAL; a MASK polygon too."""
    return request.param, decode_map(_contourf_settings(
        None if request.param == "own grid" else "EPSG:32616"))


def test_warped_grids_are_the_figure_frame_grids_warped(contourf):
    which, result = contourf
    assert (result.grid.figure_box is not None) == (which == "own grid")
    # The rebuilt field and the colour distance are let go once warped...
    assert result.reconstruction.grid is None and result.field.distance is None
    # ... unlike in a run that keeps them: its figure-frame rasters warped are this run's.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pipeline, "_let_go", lambda *arguments: None)
        kept = decode_map(result.settings)
    field, box = kept.field, kept.plot_box
    assert kept.reconstruction.grid is not None and field.distance is not None
    assert result.reconstruction.rmse == kept.reconstruction.rmse
    overview = decode_report.distance_overview(field.distance, box)
    assert np.array_equal(result.distance_overview.small, overview.small, equal_nan=True)
    assert result.distance_overview.shape == overview.shape and overview.any_finite
    figure_frame = {"values": field.values, "distance": field.distance,
                    "reconstruction": kept.reconstruction.grid, "classes": field.class_index}
    expected = warp_nearest(figure_frame, box, result.grid, result.georeference.pixel_transform,
                            result.georeference.source_crs, result.georeference.target_crs)
    assert np.array_equal(result.values, expected["values"], equal_nan=True)
    assert np.array_equal(result.distance, expected["distance"], equal_nan=True)
    assert np.array_equal(result.reconstruction_grid, expected["reconstruction"], equal_nan=True)
    assert np.isfinite(result.reconstruction_grid).mean() > 0.5
    # The class raster: int16, -1 exactly where the value raster has no data, and each class
    # the one whose value the value raster holds.
    classes = result.class_grid
    assert classes.dtype == np.int16 and np.array_equal(classes, expected["classes"])
    data = np.isfinite(result.values)
    assert data.mean() > 0.5
    assert np.array_equal(classes == INTEGER_NODATA, ~data)
    class_values = np.asarray(result.decoder.classes.values)
    assert np.array_equal(class_values[classes[data]].astype(np.float32), result.values[data])


def test_geotiff_holds_the_class_index_as_before(contourf, tmp_path):
    _, result = contourf
    path = tmp_path / "decoded.tif"
    writing.write_geotiff(str(path), [result.values, result.class_grid], result.grid.geotransform,
                          result.grid.crs_wkt)
    with rasterio.open(path) as dataset:
        values, classes = dataset.read(1), dataset.read(2)
        assert dataset.dtypes == ("float32", "float32")
        assert dataset.nodata == writing.NODATA
    data = np.isfinite(result.values)
    assert np.array_equal(values[data], result.values[data])
    assert np.all(values[~data] == writing.NODATA)
    # What a float32 class raster (NaN where not data), as written before, gives.
    assert np.array_equal(classes[data], result.class_grid[data].astype(np.float32))
    assert np.all(classes[~data] == writing.NODATA)


def test_writing_holds_gdals_cache_small_and_gives_it_back(tmp_path):
    from rasterio._env import get_gdal_config

    before = int(get_gdal_config("GDAL_CACHEMAX"))
    with writing.small_gdal_cache(32 * 2 ** 20):
        assert int(get_gdal_config("GDAL_CACHEMAX")) == min(before, 32 * 2 ** 20)
        with writing.small_gdal_cache(32 * 2 ** 20):  # a second write at the same time
            pass
        assert int(get_gdal_config("GDAL_CACHEMAX")) == min(before, 32 * 2 ** 20)
    assert int(get_gdal_config("GDAL_CACHEMAX")) == before
    with pytest.raises(ValueError), writing.small_gdal_cache():
        raise ValueError("a failed write")
    assert int(get_gdal_config("GDAL_CACHEMAX")) == before


def _accounting_of_whole_arrays(result):
    """The report's pixel accounting as it was computed, on whole-figure masks."""
    settings, figure = result.settings, result.figure
    shape = figure.shape
    plot = box_mask(shape, result.plot_box)
    transparent = plot & ~figure.opaque
    left = plot & figure.opaque
    colorbar = np.zeros(shape, bool)
    if settings.colorbar_extent is not None:
        box = extent_to_pixel_box(settings.colorbar_extent, shape, figure.geotransform,
                                  parameter="COLORBAR")
        colorbar |= box_mask(shape, box, 3)
    colorbar &= left
    left &= ~colorbar
    masked = left & polygons_mask(settings.mask_geometries, shape, figure.geotransform)
    left &= ~masked
    decoded = np.isfinite(result.field.values) & left
    return [int(decoded.sum()), int((left & ~decoded).sum()), int(masked.sum()),
            int(colorbar.sum()), int(transparent.sum())]


def test_report_counts_in_blocks_what_it_counted_on_whole_figures(contourf, monkeypatch):
    _, result = contourf
    # A colorbar box, and blocks of a few rows so that boxes straddle them.
    result = replace(result, settings=replace(result.settings,
                                              colorbar_extent=(600.0, 640.0, -500.0, -100.0)))
    monkeypatch.setattr(decode_report, "ACCOUNTING_BLOCK_PIXELS", 7 * result.figure.shape[1] + 3)
    counts = [count for _, count, _ in decode_report.pixel_accounting(result)]
    assert counts == _accounting_of_whole_arrays(result)
    assert all(count > 0 for count in counts[:4])


def test_report_colours_its_pictures_in_blocks_as_all_at_once(contourf, monkeypatch):
    """The report's pictures colour their values a block at a time (the colour scale's
    interpolation holds some 120 bytes a value): the colours of the whole picture at once."""
    _, result = contourf
    values = result.values[::3, ::3]
    monkeypatch.setattr(decode_report, "COLOUR_BLOCK", 1000)
    blocks = decode_report._scale_colours(result, values)
    fractions = np.clip(result.mapping.to_fraction(np.nan_to_num(values)), 0.0, 1.0)
    whole = result.decoder.scale.colour_at(fractions.ravel()).reshape(values.shape + (3,))
    whole[~np.isfinite(values)] = decode_report.NO_DATA_RGB
    assert values.size > 3 * 1000 and np.isnan(values).any()
    assert np.array_equal(blocks, np.clip(whole, 0, 1))


def test_transparency_is_counted_in_blocks_too(tmp_path, monkeypatch):
    from PIL import Image

    source = read_figure(str(GOLDEN / "jacksboro_contourf.png"))
    rgba = np.dstack([source.rgb, np.full(source.shape, 255, np.uint8)])
    rgba[100:180, 200:260, 3] = 0  # a transparent hole in the plot area
    path = tmp_path / "holed.png"
    Image.fromarray(rgba, "RGBA").save(path)
    settings = replace(DecodeSettings(**_cases()["jacksboro_contourf"]), figure_path=str(path))
    result = decode_map(settings)
    assert not result.figure.opaque.all()
    monkeypatch.setattr(decode_report, "ACCOUNTING_BLOCK_PIXELS", 50_000)
    counts = [count for _, count, _ in decode_report.pixel_accounting(result)]
    assert counts == _accounting_of_whole_arrays(result)
    assert counts[4] == 80 * 60


def test_opaque_figure_keeps_no_opaque_mask():
    figure = read_figure(str(GOLDEN / "jacksboro_contourf.png"))  # RGBA, nothing transparent
    assert figure.opaque.shape == figure.shape and figure.opaque.all()
    assert figure.opaque.strides == (0, 0)  # one True seen everywhere, no memory a pixel


def test_reconstruction_check_holds_no_block_of_arrays():
    # A field of 4 MP: one block's arrays at a time, and no full grid (computed where read,
    # RebuiltField); before, every block's index arrays stayed alive through a strided view
    # (24 bytes a data pixel more), and the full grid held 4 bytes a pixel.
    result = decode_map(DecodeSettings(**_cases()["jacksboro_contourf"]))
    values = np.tile(result.field.values, (5, 5))
    clusters = result.points.clusters
    rows, cols = result.field.values.shape
    tiled = replace(clusters, **{
        "pixel_x": np.concatenate([clusters.pixel_x + cols * (i % 5) for i in range(25)]),
        "pixel_y": np.concatenate([clusters.pixel_y + rows * (i // 5) for i in range(25)]),
        "value": np.tile(clusters.value, 25)})
    tracemalloc.start()
    try:
        check = reconstruction_check(values, tiled, result.decoder.value_resolution,
                                     full_grid=True)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert check is not None and check.grid.shape == values.shape
    assert peak < 2 * values.size + 64 * 2 ** 20, peak / values.size


def test_gdals_cache_while_writing_is_two_blocks_of_a_band(tmp_path, monkeypatch):
    """Compressed by GDAL's threads, the cache holds the block being written and the one
    being compressed (256 rows of one float32 band each): 8 MiB for a raster 4096 px wide,
    never less than 1 MiB nor more than WRITE_CACHE_BYTES; compressed by the writing thread
    alone (under THREADED_WRITE_MIN_PIXELS a band) in tiles, one tile (a raster in strips,
    lower than a tile, keeps two blocks: GDAL orders its strips otherwise with one tile's
    cache). That is what a write asks for, and the file is the same with either cache and
    either number of threads, byte for byte."""
    import rasterio

    asked = []
    original = writing.small_gdal_cache
    monkeypatch.setattr(writing, "small_gdal_cache",
                        lambda cache_bytes: asked.append(cache_bytes) or original(cache_bytes))
    rasters = {"wide": np.arange(300 * 4096, dtype=np.float32).reshape(300, 4096),
               "strips": np.arange(200 * 5000, dtype=np.float32).reshape(200, 5000) % 977}
    rasters["strips"][::7, ::3] = np.nan
    transform = (600000.0, 10.0, 0.0, 5200000.0, 0.0, -10.0)
    for name, values in rasters.items():
        writing.write_geotiff(str(tmp_path / f"{name}.tif"), [values], transform, "EPSG:32632")
        with rasterio.open(tmp_path / f"{name}.tif") as written:
            assert np.array_equal(written.read(1, masked=True).filled(np.nan), values,
                                  equal_nan=True)
    assert asked == [writing.SINGLE_THREAD_CACHE_BYTES, 2 * 256 * 5000 * 4]
    assert writing.SINGLE_THREAD_CACHE_BYTES == 256 * 256 * 4
    monkeypatch.setattr(writing, "THREADED_WRITE_MIN_PIXELS", 0)
    for name, values in rasters.items():
        writing.write_geotiff(str(tmp_path / f"{name}_threads.tif"), [values], transform,
                              "EPSG:32632")
        assert (tmp_path / f"{name}_threads.tif").read_bytes() == \
            (tmp_path / f"{name}.tif").read_bytes(), name
    assert asked[2:] == [8 * 2 ** 20, 2 * 256 * 5000 * 4]
    assert writing.write_cache_bytes(500) == 2 ** 20
    assert writing.write_cache_bytes(1000) == 2 * 256 * 1000 * 4
    assert writing.write_cache_bytes(100_000) == writing.WRITE_CACHE_BYTES
    assert writing.write_cache_bytes(100_000, threads=1) == writing.SINGLE_THREAD_CACHE_BYTES
    assert writing.write_cache_bytes(1000, threads=1, tiled=False) == 2 * 256 * 1000 * 4


@pytest.fixture(scope="module")
def jpeg_cells_figure(tmp_path_factory):
    """The Jacksboro DEM drawn cell by cell (11 px cells, viridis) as a JPEG of quality 75, its
    pixels decoded on the continuous scale: what a JPEG lattice's cells are read from."""
    from figures_for_tests import jacksboro_dem
    from matplotlib import colormaps
    from PIL import Image

    from colormap_decoder.plugin.engine.colour_decoding import ColourDecoder, ValueMapping
    from colormap_decoder.plugin.engine.colour_scales import resolve_colour_scale

    grid, _ = jacksboro_dem()
    cells = grid[:60, :70]
    low, high = float(cells.min()), float(cells.max())
    field = np.kron((cells - low) / (high - low), np.ones((11, 11)))
    path = tmp_path_factory.mktemp("jpeg_cells") / "cells.jpg"
    rgb = (colormaps["viridis"](field)[..., :3] * 255).round().astype(np.uint8)
    Image.fromarray(rgb, "RGB").save(path, quality=75)
    figure = read_figure(str(path))
    decoder = ColourDecoder(resolve_colour_scale("viridis"), ValueMapping(low, high), "ycbcr")
    decoded = decoder.decode_image(figure.rgb, None, None)
    return figure, decoded.values, decoder


def _luma_weighted_field_at_once(rgb, values, decoder, box, chroma_weight):
    """native_grid.luma_weighted_field as it was: every decoded colour of the plot area at once."""
    col0, row0, col1, row1 = box
    out = np.full(values.shape, np.nan, np.float32)
    decoded = np.isfinite(values[row0:row1, col0:col1])
    colours = rgb[row0:row1, col0:col1][decoded].astype(np.int32)
    codes, inverse = np.unique(colours[:, 0] | (colours[:, 1] << 8) | (colours[:, 2] << 16),
                               return_inverse=True)
    distinct = np.stack([codes & 255, (codes >> 8) & 255, codes >> 16], axis=1).astype(np.uint8)
    out[row0:row1, col0:col1][decoded] = decoder.luma_weighted_values(
        distinct, chroma_weight)[inverse.ravel()]
    return out


def test_a_jpegs_luma_weighted_field_is_made_in_blocks_as_at_once(jpeg_cells_figure,
                                                                 monkeypatch):
    """The plot area's colours decoded again, luma above chroma, a block of rows at a time
    (their codes, sort and places all at once held some 50 bytes a pixel): the same field, and
    its temporaries within 24 bytes a pixel beside the field itself (measured 12.7; all at
    once, 48: on this 0.5 MP figure the colours' matching weighs a few MiB either way)."""
    from colormap_decoder.plugin.engine import native_grid

    figure, values, decoder = jpeg_cells_figure
    rows, cols = values.shape
    box = (7, 5, cols - 9, rows - 4)
    whole = _luma_weighted_field_at_once(figure.rgb, values, decoder, box,
                                         native_grid.JPEG_CHROMA_WEIGHT)
    monkeypatch.setattr(native_grid, "LUMA_FIELD_BLOCK_PIXELS", 13 * cols + 5)
    decoder.luma_weighted_values(np.zeros((1, 3), np.uint8), native_grid.JPEG_CHROMA_WEIGHT)
    tracemalloc.start()
    try:
        blocks = native_grid.luma_weighted_field(figure.rgb, values, decoder, box)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert np.isfinite(blocks).mean() > 0.8
    assert np.array_equal(blocks, whole, equal_nan=True)
    assert peak - blocks.nbytes < 24 * values.size, (peak - blocks.nbytes) / values.size


@pytest.mark.parametrize("rows, cols", [(120, 160), (121, 157), (3, 41)])
@pytest.mark.parametrize("factors", [(2, 2), (2, 1), (1, 2)])
def test_a_jpegs_stored_chroma_is_made_in_blocks_as_at_once(rows, cols, factors, monkeypatch):
    """A chroma plane as the JPEG stored it, averaged and unblurred a block at a time (the
    whole plane's float copies held some 11 bytes a figure pixel): the same plane."""
    from scipy.linalg import solve_banded

    from colormap_decoder.plugin.engine import jpeg_cells

    factor_y, factor_x = factors
    chroma = np.random.default_rng(rows + cols).integers(0, 256, (rows, cols, 3), np.uint8)[..., 1]
    out_rows, out_cols = -(-rows // factor_y), -(-cols // factor_x)
    padded = np.pad(chroma.astype(np.float32), ((0, out_rows * factor_y - rows),
                                                (0, out_cols * factor_x - cols)), mode="edge")
    whole = padded.reshape(out_rows, factor_y, out_cols, factor_x).mean(axis=(1, 3))
    for axis, factor in ((0, factor_y), (1, factor_x)):
        n = whole.shape[axis]
        if factor == 2 and n >= 3:
            bands = np.zeros((3, n))
            bands[0, 1:], bands[1, :], bands[2, :-1] = 1 / 8, 3 / 4, 1 / 8
            bands[1, 0] += 1 / 8
            bands[1, -1] += 1 / 8
            moved = np.moveaxis(whole, axis, 0)
            whole = np.moveaxis(solve_banded((1, 1), bands, moved.reshape(n, -1).astype(
                np.float64)).reshape(moved.shape), 0, axis)
    monkeypatch.setattr(jpeg_cells, "CHROMA_BLOCK_PIXELS", 97)
    blocks = jpeg_cells.stored_chroma(chroma, factor_y, factor_x)
    assert blocks.dtype == whole.dtype and np.array_equal(blocks, whole)


def _sampled_check_all_at_once(values, points, resolution, max_pixels):
    """reconstruction_check's statistics without full_grid as they were computed before the
    sample was taken block by block: every stride-th row and column's data pixels at once,
    every step-th of them where they outnumber max_pixels."""
    from scipy.spatial import Delaunay

    from colormap_decoder.plugin.engine import reduction

    triangulation = Delaunay(np.column_stack([points.pixel_x, points.pixel_y]))
    # The triangles' transforms as reconstruction_check computes them (within 1e-13 of
    # scipy's own, test_cancellation_inside_stages: a pixel whose difference is exactly the
    # resolution, a contour-filled figure's levels, is counted within or not by that rounding).
    reduction._compute_barycentric_transforms(triangulation)
    total = int(np.count_nonzero(np.isfinite(values)))
    stride = max(1, int(np.ceil(np.sqrt(total / max_pixels))))
    rows, cols = np.nonzero(np.isfinite(values[::stride, ::stride]))
    rows, cols = rows * stride, cols * stride
    estimate = reduction._interpolate_linear(triangulation, points.value, cols + 0.5, rows + 0.5)
    if rows.size > max_pixels:
        step = int(np.ceil(rows.size / max_pixels))
        rows, cols, estimate = rows[::step], cols[::step], estimate[::step]
    difference = reduction._differences(values, rows, cols, estimate)
    return (float(np.sqrt(np.mean(difference ** 2))),
            float(np.mean(np.abs(difference) <= resolution)), int(difference.size))


@pytest.mark.parametrize("case", ["every sampled pixel", "a sparser sample", "every step-th"])
def test_reconstruction_sample_found_by_blocks_as_all_at_once(case, monkeypatch):
    """The check's sample found and interpolated a block of rows at a time (small blocks here)
    gives the statistics of the whole sample at once, bit for bit, whether every sampled pixel
    is kept or every step-th (the data only on every third row and column, which the sample's
    stride of 3 then all meets: more sampled pixels than max_pixels)."""
    from colormap_decoder.plugin.engine import reduction

    result = decode_map(DecodeSettings(**_cases()["jacksboro_contourf"]))
    values = result.field.values.copy()
    max_pixels = {"every sampled pixel": 250_000, "a sparser sample": 20_000}.get(case)
    if max_pixels is None:
        values[np.arange(values.shape[0]) % 3 != 0] = np.nan
        values[:, np.arange(values.shape[1]) % 3 != 0] = np.nan
        max_pixels = int(np.count_nonzero(np.isfinite(values))) // 6
    monkeypatch.setattr(reduction, "interpolation_block_pixels", lambda pixels: 5_000)
    resolution = result.decoder.value_resolution
    check = reconstruction_check(values, result.points.clusters, resolution,
                                 max_pixels=max_pixels)
    expected = _sampled_check_all_at_once(values, result.points.clusters, resolution,
                                          max_pixels)
    assert (check.rmse, check.within_resolution, check.pixels_compared) == expected
    if case == "every step-th":
        total = int(np.count_nonzero(np.isfinite(values)))
        stride = max(1, int(np.ceil(np.sqrt(total / max_pixels))))
        assert stride == 3 and np.isfinite(values[::stride, ::stride]).sum() > max_pixels


def test_neighbour_steps_median_without_the_zeros():
    """The native grid search's median luma step, taken from the non-zero steps and the count
    of zeros, is np.median of all the steps, bit for bit (odd and even counts, the middle on
    the zeros, across them, or beyond)."""
    from colormap_decoder.plugin.engine.native_grid import _median_with_zeros

    rng = np.random.default_rng(11)
    for _ in range(3000):
        steps = (rng.integers(0, 6, int(rng.integers(1, 30))) * rng.random()).astype(np.float32)
        steps[rng.random(steps.size) < rng.random()] = 0
        nonzero = steps[steps != 0].copy()
        got = _median_with_zeros(nonzero, int(steps.size - nonzero.size))
        expected = np.median(steps)
        assert got.dtype == expected.dtype and got.tobytes() == expected.tobytes(), steps


@pytest.mark.parametrize("source, box", [((500, 500), (10, 10, 770, 770)),
                                         ((334, 1000), (10, 10, 770, 264)),
                                         ((62, 62), (3, 5, 763, 765)),
                                         ((760, 760), (10, 10, 770, 770)),
                                         ((1207, 3), (0, 0, 22, 741))])
def test_pictures_pasted_in_blocks_as_pillow_resizes_them(source, box, monkeypatch):
    """The report's pictures are pasted a block of rows at a time, each pixel taken where
    Pillow's nearest-neighbour resize takes it: the same image, pixel for pixel, as the array
    made a Pillow image, resized and pasted whole (enlarged, reduced, the same size)."""
    from PIL import Image

    rng = np.random.default_rng(sum(source))
    rgb = rng.integers(0, 256, source + (3,), dtype=np.uint8)
    left, top, right, bottom = box
    expected = Image.new("RGB", (800, 800), (255, 255, 255))
    picture = Image.fromarray(rgb, "RGB")
    if picture.size != (right - left, bottom - top):
        picture = picture.resize((right - left, bottom - top), Image.Resampling.NEAREST)
    expected.paste(picture, (left, top))
    monkeypatch.setattr(decode_report, "PASTE_BLOCK_PIXELS", 5000)
    got = Image.new("RGB", (800, 800), (255, 255, 255))
    decode_report._paste_rgb(got, rgb, box)
    assert np.array_equal(np.asarray(got), np.asarray(expected))


def test_rasters_written_after_the_figure_is_let_go_are_the_same(tmp_path):
    """The Processing algorithm writes the report, lets go of the figure and its figure-frame
    rasters (DecodeResult.let_go_of_figure), then writes the values: on the figure's own grid
    the values raster is a view of the figure-frame values, and is written the same."""
    result = decode_map(_contourf_settings(None))
    assert result.grid.figure_box is not None and np.shares_memory(result.values,
                                                                   result.field.values)
    before = result.values.copy()
    writing.write_geotiff(str(tmp_path / "before.tif"), [result.values],
                          result.grid.geotransform, result.grid.crs_wkt)
    result.let_go_of_figure()
    assert result.figure is None and result.field is None
    writing.write_geotiff(str(tmp_path / "after.tif"), [result.values],
                          result.grid.geotransform, result.grid.crs_wkt)
    np.testing.assert_array_equal(result.values, before)
    assert (tmp_path / "before.tif").read_bytes() == (tmp_path / "after.tif").read_bytes()


def test_large_rasters_are_written_before_the_report_small_ones_after(contourf):
    """The colour distance and rebuilt field go before the report when they are about as
    large as the figure (own grid, warped grid), after it on a native grid of cells."""
    _, result = contourf
    assert result.rasters_before_report()
    cells = decode_map(replace(DecodeSettings(**_cases()["jacksboro_blocky"]), native_grid="auto",
                               distance_output=True, reconstruction_output=True))
    rows, cols = cells.figure.shape
    assert cells.distance is not None and 4 * cells.distance.size < rows * cols
    assert not cells.rasters_before_report()


def _rebuilt_at_once(values, points):
    """The rebuilt field as reconstruction_check made it before RebuiltField: every data
    pixel interpolated, a float32 grid NaN elsewhere."""
    from scipy.spatial import Delaunay

    from colormap_decoder.plugin.engine.reduction import _compute_barycentric_transforms, _interpolate_linear

    triangulation = Delaunay(np.column_stack([points.pixel_x, points.pixel_y]))
    # Its triangles' transforms as reconstruction_check computes them (no LAPACK: the same
    # bits on any CPU).
    _compute_barycentric_transforms(triangulation)
    rows, cols = np.nonzero(np.isfinite(values))
    grid = np.full(values.shape, np.nan, dtype=np.float32)
    grid[rows, cols] = _interpolate_linear(triangulation, points.value, cols + 0.5, rows + 0.5)
    return grid


def test_rebuilt_field_read_in_any_way_is_the_grid_made_at_once(contourf):
    """The rebuilt field computed where read (slices as the GeoTIFF writer reads them, a
    window as the figure's own grid takes it, np.ix_ as native_grid.read_cells reads it,
    index arrays as the projective warp gathers) is the whole grid's, bit for bit."""
    _, result = contourf
    values, points = result.field.values, result.points.clusters
    check = reconstruction_check(values, points, result.decoder.value_resolution,
                                 full_grid=True)
    expected = _rebuilt_at_once(values, points)
    assert np.isfinite(expected).mean() > 0.3
    field = check.grid
    assert field.shape == values.shape and field.dtype == np.float32
    assert np.array_equal(np.asarray(field), expected, equal_nan=True)
    assert np.array_equal(field[100:357], expected[100:357], equal_nan=True)
    window = field.window(slice(70, 530), slice(110, 690))
    assert np.array_equal(np.asarray(window), expected[70:530, 110:690], equal_nan=True)
    assert np.array_equal(window[5:9, 200:], expected[75:79, 310:690], equal_nan=True)
    rows, cols = np.arange(3, 590, 7), np.arange(0, 780, 3)
    assert np.array_equal(field[np.ix_(rows, cols)], expected[np.ix_(rows, cols)],
                          equal_nan=True)
    picked_rows, picked_cols = rows[:80], cols[:80]
    assert np.array_equal(window[picked_rows % 460, picked_cols],
                          expected[70 + picked_rows % 460, 110 + picked_cols], equal_nan=True)
    data = np.argwhere(np.isfinite(expected))[len(expected) // 2]
    assert field[data[0], data[1]] == expected[data[0], data[1]]


@pytest.mark.parametrize("piece_pixels", [1, 5_000, 1 << 20])
def test_rasters_converted_in_pieces_are_the_file_written_from_whole_arrays(
        contourf, tmp_path, monkeypatch, piece_pixels):
    """A GeoTIFF block is read and converted a piece of rows at a time (a raster computed
    where read computes a piece at a time: the colour distance, the rebuilt field); the file
    is the one written, block by whole block, from the arrays held whole, byte for byte
    (pieces of one row, of rows not dividing a block, and of more than a block)."""
    grid, result = contourf
    rasters = [[result.values, result.class_grid], [result.distance],
               [result.reconstruction_grid]]
    if grid == "own grid":  # computed where read
        assert not isinstance(result.distance, np.ndarray)
        assert not isinstance(result.reconstruction_grid, np.ndarray)
    expected = []
    for index, bands in enumerate(rasters):
        path = tmp_path / f"whole_{index}.tif"
        writing.write_geotiff(str(path), [np.asarray(band) for band in bands],
                              result.grid.geotransform, result.grid.crs_wkt)
        expected.append(path.read_bytes())
    monkeypatch.setattr(writing, "CONVERT_BLOCK_PIXELS", piece_pixels)
    for index, bands in enumerate(rasters):
        path = tmp_path / f"pieces_{index}.tif"
        writing.write_geotiff(str(path), bands, result.grid.geotransform, result.grid.crs_wkt)
        assert path.read_bytes() == expected[index], index


def test_rasters_compressed_by_one_thread_are_the_files_of_two(contourf, tmp_path,
                                                               monkeypatch):
    """A raster under THREADED_WRITE_MIN_PIXELS a band is compressed in the writing thread
    alone (GDAL's compression threads keep a heap each for the process: 2 MiB of a 1 MP job's
    peak); the file is the one GDAL's two threads write, byte for byte: the values and
    classes, the colour distance and the rebuilt field, own grid and UTM."""
    grid, result = contourf
    rasters = [[result.values, result.class_grid], [result.distance],
               [result.reconstruction_grid]]
    assert writing.write_threads(writing.THREADED_WRITE_MIN_PIXELS) == writing.WRITE_THREADS
    assert writing.write_threads(writing.THREADED_WRITE_MIN_PIXELS - 1) == 1
    assert result.grid.width * result.grid.height < writing.THREADED_WRITE_MIN_PIXELS
    asked = []
    original = writing.write_threads
    monkeypatch.setattr(writing, "write_threads",
                        lambda pixels: asked.append(original(pixels)) or asked[-1])
    for index, bands in enumerate(rasters):
        writing.write_geotiff(str(tmp_path / f"one_{index}.tif"), bands,
                              result.grid.geotransform, result.grid.crs_wkt)
    monkeypatch.setattr(writing, "THREADED_WRITE_MIN_PIXELS", 0)
    for index, bands in enumerate(rasters):
        writing.write_geotiff(str(tmp_path / f"two_{index}.tif"), bands,
                              result.grid.geotransform, result.grid.crs_wkt)
        assert (tmp_path / f"two_{index}.tif").read_bytes() == \
            (tmp_path / f"one_{index}.tif").read_bytes(), index
    assert asked == [1, 1, 1, 2, 2, 2]


def test_report_written_line_by_line_is_the_document_joined(contourf, tmp_path, monkeypatch):
    """The HTML report is written a line at a time (its pictures' base64 text neither joined
    into one string of the whole document nor encoded whole: 1 MiB of a 1 MP report's peak);
    the file is the one written from the document joined, byte for byte, own grid and UTM."""
    from colormap_decoder.plugin.engine import report

    _, result = contourf
    parts = ["<!DOCTYPE html>", "", "<p>ΔE ≤ 3</p>", "x" * 100_000]
    assert "".join(report._lines(parts)) == "\n".join(parts) + "\n"
    # One name in two folders: the report names its JSON twin.
    (tmp_path / "lines").mkdir()
    (tmp_path / "joined").mkdir()
    lines_path, joined_path = tmp_path / "lines" / "report.html", tmp_path / "joined" / "report.html"
    decode_report.write_decode_report(str(lines_path), result)
    monkeypatch.setattr(report, "_lines", lambda parts: "\n".join(parts) + "\n")
    decode_report.write_decode_report(str(joined_path), result)
    assert lines_path.read_bytes() == joined_path.read_bytes()
    assert lines_path.stat().st_size > 100_000 and b"data:image/png;base64," in \
        lines_path.read_bytes()
    writing.write_text(str(tmp_path / "pieces.txt"), iter(["a", "ΔE\n", "", "b\n"]))
    assert (tmp_path / "pieces.txt").read_bytes() == "aΔE\nb\n".encode()


@pytest.mark.parametrize("name", ["jacksboro_contourf", "jacksboro_blocky"])
def test_small_windows_decoded_by_one_thread_are_decoded_as_by_several(name, monkeypatch):
    """A window under THREADED_DECODE_MIN_PIXELS is decoded by the calling thread alone (the
    decoding threads keep a heap each for the process: 1 MiB of a 1 MP job's peak); the
    values, classes and colour distance are those decoded by several threads, value for
    value, on the golden figures (with DENOISE and the distance computed where read too)."""
    from colormap_decoder.plugin.engine import colour_decoding

    settings = replace(DecodeSettings(**_cases()[name]), distance_output=True, denoise=True)
    figure = read_figure(settings.figure_path)
    assert figure.shape[0] * figure.shape[1] < colour_decoding.THREADED_DECODE_MIN_PIXELS
    threads = []
    original = colour_decoding._run_chunks
    monkeypatch.setattr(colour_decoding, "_run_chunks", lambda *arguments: threads.append(
        arguments[5] if len(arguments) > 5 else None) or original(*arguments))
    one = decode_map(settings)
    assert threads and set(threads) == {1}
    monkeypatch.setattr(colour_decoding, "THREADED_DECODE_MIN_PIXELS", 0)
    monkeypatch.setattr(colour_decoding, "_worker_count", lambda: 2)
    threads.clear()
    several = decode_map(settings)
    assert threads and set(threads) == {None}
    for attribute in ("values", "class_index"):
        first, second = getattr(one.field, attribute), getattr(several.field, attribute)
        assert (first is None) == (second is None)
        if first is not None:
            assert np.array_equal(first, second, equal_nan=True), attribute
    assert np.array_equal(one.values, several.values, equal_nan=True)
    assert np.array_equal(np.asarray(one.distance), np.asarray(several.distance), equal_nan=True)


def _drawn_at_once(figure_rgb, step, drawing, extra_rows=0):
    """report.figure_png as the pictures of the figure were made before: the whole picture
    as one Pillow image, every call drawn on it, saved by Pillow."""
    import io

    from PIL import Image, ImageDraw

    small = np.asarray(figure_rgb)[::step, ::step, :3]
    image = Image.new("RGB", (small.shape[1], small.shape[0] + extra_rows), (255, 255, 255))
    image.paste(Image.fromarray(np.ascontiguousarray(small), "RGB"), (0, 0))
    draw = ImageDraw.Draw(image)
    for *_, name, arguments, keywords in drawing.calls:
        if name == "paste":
            image.paste(arguments[1], arguments[0])
        else:
            getattr(draw, name)(*arguments, **keywords)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.parametrize("band_pixels", [1, 3_000, 1 << 16])
@pytest.mark.parametrize("marks", [0, 8, 40])
def test_pictures_of_the_figure_drawn_in_bands_are_pillows_file_of_the_whole(
        monkeypatch, band_pixels, marks):
    """The report's pictures of the figure are drawn and encoded a band of rows at a time
    (report.figure_png): the PNG is the one Pillow writes of the whole picture drawn at once,
    byte for byte, at full size and at every other pixel, whatever the bands (one row; a few
    rows; the default), with GCP marks, residual arrows, outlined numbers and the legend
    straddling the bands' ends, beyond the picture's sides and in the strip under it."""
    from colormap_decoder.plugin.engine import report

    rgb = read_figure(str(GOLDEN / "jacksboro_contourf.png")).rgb
    rows, cols = rgb.shape[:2]
    rng = np.random.default_rng(marks)
    font = report._font(11)
    monkeypatch.setattr(report, "PICTURE_BAND_PIXELS", band_pixels)
    for step in (1, 2):
        drawing = report.RecordedDrawing()
        height, width = -(-rows // step), -(-cols // step)
        for index in range(marks):
            x, y = rng.uniform(-10, width + 10), rng.uniform(-10, height + 30)
            report._mark(drawing, ("circle", "cross", "square")[index % 3], x, y, (200, 0, 0))
            report._arrow(drawing, (x, y), (x + rng.normal(0, 40), y + rng.normal(0, 40)),
                          2, report.RESIDUAL_COLOUR)
            drawing.text((x + 6, y - 6), str(index + 1), fill=(0, 0, 0), font=font,
                         anchor="ls", stroke_width=1, stroke_fill=(255, 255, 255))
        report._legend(drawing, font, width, height)
        banded = report.figure_png(rgb, step, drawing, extra_rows=report.LEGEND_HEIGHT)
        assert banded == _drawn_at_once(rgb, step, drawing, report.LEGEND_HEIGHT)


def test_report_pictures_of_the_figure_are_those_drawn_at_once(contourf, monkeypatch, tmp_path):
    """The GCP picture (the contour-filled figure's GCPs, residuals, legend), the figure
    alone and the findings' picture (frame, colorbar, labels found on the sample figure)
    are the files drawn at once, byte for byte."""
    from sample_figure import FIGURE

    from colormap_decoder.plugin.engine import report
    from colormap_decoder.plugin.engine.detection import report as findings_report
    from colormap_decoder.plugin.engine.detection.findings import find_everything

    _, result = contourf
    ref = result.georeference
    sample = read_figure(str(FIGURE))
    findings = find_everything(sample, "EPSG:32632")
    assert findings.layout.frame is not None and findings.reading is not None
    monkeypatch.setattr(report, "PICTURE_BAND_PIXELS", 20_000)
    banded = [report._picture(result.figure.rgb, ref.gcps, ref.residuals),
              report._plain_picture(result.figure.rgb),
              findings_report.annotated_figure(sample.rgb, findings)]
    monkeypatch.setattr(report, "figure_png", _drawn_at_once)
    at_once = [report._picture(result.figure.rgb, ref.gcps, ref.residuals),
               report._plain_picture(result.figure.rgb),
               findings_report.annotated_figure(sample.rgb, findings)]
    assert banded == at_once
    assert len(ref.gcps) >= 4 and len(banded[0][0]) > 10_000


def test_ellipses_and_rectangles_in_whole_pixels_are_pillows_own():
    """RecordedDrawing takes ellipses' and rectangles' coordinates in whole pixels (so that
    they can be drawn on every band they reach): Pillow truncates them so itself, the same
    pixels for any fractional coordinates and widths."""
    from PIL import Image, ImageDraw

    from colormap_decoder.plugin.engine import report

    rng = np.random.default_rng(11)
    for _ in range(200):
        x, y = rng.uniform(-5, 50, 2)
        box = (x, y, x + rng.uniform(0.5, 20), y + rng.uniform(0.5, 20))
        width = int(rng.integers(1, 4))
        for name, keywords in (("ellipse", dict(fill=(9, 9, 9), outline=(200, 0, 0),
                                                width=width)),
                               ("rectangle", dict(outline=(0, 0, 200), width=width)),
                               ("rectangle", dict(fill=(0, 90, 0), outline=(5, 5, 5)))):
            drawn, recorded = Image.new("RGB", (80, 80)), Image.new("RGB", (80, 80))
            getattr(ImageDraw.Draw(drawn), name)(box, **keywords)
            getattr(ImageDraw.Draw(recorded), name)(report._whole_pixels(box), **keywords)
            assert np.array_equal(np.asarray(drawn), np.asarray(recorded)), (name, box)


def _field_picture_as_before(result, values, with_points):
    """decode_report._field_picture as it was: the whole picture as one Pillow image, the
    overview's colours pasted whole (_paste_rgb), the points drawn on it, saved by Pillow."""
    import io

    from PIL import Image, ImageDraw

    step = decode_report._step(values.shape)
    rows, cols = values.shape
    width = decode_report.PICTURE_SIDE * cols / max(rows, cols)
    height = decode_report.PICTURE_SIDE * rows / max(rows, cols)
    margin = 10
    image = Image.new("RGB", (int(round(width + 2 * margin)), int(round(height + 2 * margin))),
                      (255, 255, 255))
    decode_report._paste_rgb(image, decode_report._scale_colours_8bit(
        result, values[::step, ::step], fade=0.55 if with_points else 0.0),
        (margin, margin, margin + width, margin + height))
    draw = ImageDraw.Draw(image)
    clusters = result.points.clusters
    if with_points:
        col0, row0 = result.plot_box[0], result.plot_box[1]
        x = margin + (np.asarray(clusters.pixel_x, float) - col0) * width / cols
        y = margin + (np.asarray(clusters.pixel_y, float) - row0) * height / rows
        colours = decode_report._scale_colours_8bit(result, np.asarray(clusters.value, float))
        for px, py, colour in zip(x, y, colours):
            draw.ellipse((px - 3, py - 3, px + 3, py + 3), fill=tuple(int(v) for v in colour),
                         outline=(20, 20, 20), width=1)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.parametrize("band_pixels", [1, 10_000, 1 << 16])
def test_field_pictures_made_in_bands_are_the_files_made_whole(contourf, monkeypatch,
                                                             band_pixels):
    """The report's decoded field and points pictures, coloured, drawn and encoded a band of
    rows at a time, are the PNG files made of the whole picture before, byte for byte: the
    contour-filled figure's plot area (scaled up, its hundreds of points packed closer than a
    band) and its whole figure (900 px wide: every other pixel, scaled up)."""
    from colormap_decoder.plugin.engine import report

    _, result = contourf
    col0, row0, col1, row1 = (int(round(v)) for v in result.plot_box)
    monkeypatch.setattr(report, "PICTURE_BAND_PIXELS", band_pixels)
    assert len(result.points.clusters) > 100
    for values in (result.field.values[row0:row1, col0:col1], result.field.values):
        for with_points in (False, True):
            step = decode_report._step(values.shape)
            assert decode_report._field_picture(result, values[::step, ::step], values.shape,
                                                with_points) == \
                _field_picture_as_before(result, values, with_points), with_points


def _banded_at_once(width, rows, drawing, paint=None):
    """report.banded_png on the whole picture as one Pillow image: painted, every call drawn,
    saved by Pillow."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (width, rows), (255, 255, 255))
    if paint is not None:
        paint(image, 0, rows)
    draw = ImageDraw.Draw(image)
    for *_, name, arguments, keywords in drawing.calls:
        if name == "paste":
            image.paste(arguments[1], arguments[0])
        elif name == "ellipses":
            for box, fill in zip(arguments[0], arguments[1]):
                draw.ellipse(tuple(int(v) for v in box), fill=tuple(int(v) for v in fill),
                             **keywords)
        else:
            getattr(draw, name)(*arguments, **keywords)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.parametrize("band_pixels", [1, 7_000])
def test_report_charts_made_in_bands_are_the_files_made_whole(contourf, monkeypatch,
                                                             band_pixels):
    """The colour distance (its overview coloured a band at a time, the bar, the threshold's
    dashes, the rotated axis title), the colour scale and the histogram, drawn and encoded a
    band of rows at a time, are the PNG files of the whole pictures drawn at once, byte for
    byte; the distance overview's pixels are those pasted whole as before (_paste_rgb)."""
    import io

    from PIL import Image

    from colormap_decoder.plugin.engine import report

    _, result = contourf
    col0, row0, col1, row1 = (int(round(v)) for v in result.plot_box)
    values = result.field.values[row0:row1, col0:col1]
    overview = result.distance_overview
    threshold = result.settings.max_color_distance

    def charts():
        return [decode_report._distance_picture(overview, threshold),
                decode_report._scale_picture(result)[0],
                decode_report._histogram_picture(
                    result, decode_report._histogram_counts(result, values))]

    monkeypatch.setattr(report, "PICTURE_BAND_PIXELS", band_pixels)
    banded = charts()
    monkeypatch.setattr(report, "banded_png", _banded_at_once)
    assert banded == charts()
    # The overview as _paste_rgb pasted it, whole, into the picture's first rows.
    rows, cols = overview.shape
    width = decode_report.PICTURE_SIDE * cols / max(rows, cols)
    height = decode_report.PICTURE_SIDE * rows / max(rows, cols)
    top = max(2 * threshold, float(np.nanpercentile(overview.small, 99)))
    with Image.open(io.BytesIO(banded[0])) as picture:
        expected = picture.convert("RGB").copy()
        got = np.asarray(expected).copy()
    decode_report._paste_rgb(expected, decode_report._distance_rgb(overview.small, top, threshold),
                             (10, 10, 10 + width, 10 + height))
    assert np.array_equal(got, np.asarray(expected))


def test_distance_overview_made_when_the_report_asks(contourf):
    """A colour distance computed where read leaves the report an overview made when first
    asked (its 4 bytes a picture pixel are not held through the warp and the writing), equal
    to the overview made at once of the distance held whole; let go with the figure."""
    _, result = contourf
    assert isinstance(result.distance_overview, decode_report.DistanceOverviewWhenAsked)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pipeline, "_let_go", lambda *arguments: None)
        kept = decode_map(result.settings)
    lazy = decode_report.DistanceOverviewWhenAsked(kept.field.distance, kept.plot_box)
    assert lazy._overview is None
    whole = decode_report.distance_overview(np.asarray(kept.field.distance), kept.plot_box)
    assert np.array_equal(lazy.small, whole.small, equal_nan=True)
    assert lazy.shape == whole.shape and lazy.any_finite == whole.any_finite is True
    assert np.array_equal(result.distance_overview.small, whole.small, equal_nan=True)
    kept.distance_overview = lazy
    kept.let_go_of_figure()
    assert kept.distance_overview is None


def test_cells_read_in_blocks_of_any_size_are_the_same(monkeypatch):
    """The native grid's cells are read a block of whole cell rows at a time (at least
    native_grid.MIN_BLOCK_PIXELS): their medians, interquartile means, spreads, counts and
    agreeing pixels on the blocky golden figure's decode are the same in blocks of one cell
    row and in one block, judged or not, every pixel or every other."""
    from colormap_decoder.plugin.engine import native_grid

    settings = replace(DecodeSettings(**_cases()["jacksboro_blocky"]), native_grid="auto")
    result = decode_map(settings)
    box = tuple(int(round(v)) for v in result.plot_box)
    values = result.field.values
    lattice = native_grid.find_lattice(result.figure.rgb, np.isfinite(values), box).lattice
    assert lattice is not None and lattice.rows * lattice.columns > 100
    readings = []
    for block in (1, 1 << 30):
        monkeypatch.setattr(native_grid, "MIN_BLOCK_PIXELS", block)
        monkeypatch.setattr(native_grid, "BLOCK_PIXELS", max(block, 1))
        readings.append([native_grid.read_cells(values, lattice, box, agreement=0.01,
                                                judging=judging, stride=stride,
                                                interquartile_mean=mean)
                         for judging in (False, True) for stride in (1, 2)
                         for mean in (False, True)])
    for one_row, whole in zip(*readings):
        for name in ("value", "value_std", "n_pixels", "n_interior", "agreeing"):
            assert np.array_equal(getattr(one_row, name), getattr(whole, name),
                                  equal_nan=True), name


@pytest.mark.parametrize("case", ["own grid", "UTM 16N", "native grid"])
def test_report_made_from_the_values_summary_is_the_report_of_the_values(case, tmp_path):
    """The report reads a summary of the figure-frame values (DecodeResult.summarise_for_report:
    the field pictures' overview, the pixel accounting, the histogram), made before the values
    raster is written and let go: the HTML and JSON it writes then are the report written from
    the values themselves, byte for byte (the contour-filled figure on its own grid and warped
    to UTM 16N, a MASK polygon; the blocky figure on its native grid of cells), and the
    figure-frame values are no longer held once the values raster is let go."""
    import weakref

    from colormap_decoder.plugin.engine.report import report_json_path

    if case == "native grid":
        settings = replace(DecodeSettings(**_cases()["jacksboro_blocky"]), native_grid="auto",
                           distance_output=True, reconstruction_output=True)
    else:
        settings = _contourf_settings(None if case == "own grid" else "EPSG:32616")
    result = decode_map(settings)
    assert (result.grid.figure_box is not None) == (case == "own grid")
    paths = []
    for name in ("values", "summary"):
        (tmp_path / name).mkdir()
        paths.append(tmp_path / name / "report.html")
    decode_report.write_decode_report(str(paths[0]), result)
    # As the Processing algorithm: the other rasters written and let go, the summary made,
    # the values written and let go, then the report.
    result.distance = result.reconstruction_grid = None
    whole_values = weakref.ref(result.field.values)
    col0, row0, col1, row1 = (int(round(v)) for v in result.plot_box)
    plot_area = result.field.values[row0:row1, col0:col1].copy()
    histogram = decode_report._histogram_counts(result, plot_area)
    result.summarise_for_report()
    assert result.field.values is None and result.field.class_index is None
    summary = result.values_summary
    # A copy of the pictures' pixels (every step-th: every pixel of this plot area, under
    # PICTURE_SIDE a side), not a view keeping the whole array.
    step = decode_report._step(plot_area.shape)
    assert summary.small.base is None and summary.shape == plot_area.shape
    assert np.array_equal(summary.small, plot_area[::step, ::step], equal_nan=True)
    del plot_area
    assert all(np.array_equal(a, b) for a, b in zip(summary.histogram, histogram))
    writing.write_geotiff(str(tmp_path / "values.tif"), [result.values],
                          result.grid.geotransform, result.grid.crs_wkt)
    result.values = result.class_grid = None
    assert whole_values() is None
    decode_report.write_decode_report(str(paths[1]), result)
    assert paths[0].read_bytes() == paths[1].read_bytes()
    assert report_json_path(str(paths[0])) != report_json_path(str(paths[1]))
    with open(report_json_path(str(paths[0])), "rb") as before, \
            open(report_json_path(str(paths[1])), "rb") as after:
        assert before.read() == after.read()
    assert paths[0].stat().st_size > 100_000
    result.let_go_of_figure()
    assert result.values_summary is None
