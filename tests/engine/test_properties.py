"""Property-based tests: whatever the figure, colour scale, value range and GCPs, the engine
either returns a valid result or raises EngineError — never another exception — and what it
writes is clean: nodata where there is no value, no NaN or inf among the values, and, for a
continuous colormap, no value outside [VMIN, VMAX].

Hypothesis draws the settings and a seed; the pixels come from numpy with that seed, so every
example is small and fast. ``derandomize=True`` makes CI runs reproducible.
"""
import functools
import os
import tempfile
from unittest import mock

import numpy as np
import pytest
import rasterio
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from matplotlib import colormaps
from PIL import Image

from colormap_decoder.plugin.engine import pipeline
from colormap_decoder.plugin.engine.colour_scales import ColourScale, colour_scale_from_samples, resolve_colour_scale
from colormap_decoder.plugin.engine.errors import EngineError
from colormap_decoder.plugin.engine.gcp_transform import MINIMUM_POINTS, TransformKind
from colormap_decoder.plugin.engine.writing import write_geotiff

PROPERTY_SETTINGS = settings(max_examples=100, deadline=None, derandomize=True, database=None,
                             suppress_health_check=[HealthCheck.too_slow])
MATPLOTLIB_NAMES = sorted(colormaps)


@functools.lru_cache(maxsize=None)
def named_scale(name):
    return resolve_colour_scale(name)


# -- strategies -----------------------------------------------------------------------------
unit = st.floats(0.0, 1.0, allow_nan=False)
colour = st.tuples(unit, unit, unit)


@st.composite
def colour_scales(draw):
    kind = draw(st.sampled_from(["matplotlib", "continuous", "discrete"]))
    if kind == "matplotlib":
        return named_scale(draw(st.sampled_from(MATPLOTLIB_NAMES)))
    colours = draw(st.lists(colour, min_size=2, max_size=12))
    if kind == "continuous":
        positions = None
        if draw(st.booleans()):
            positions = sorted(draw(st.lists(unit, min_size=len(colours), max_size=len(colours))))
        return colour_scale_from_samples(np.array(colours), name="random", positions=positions)
    inner = sorted(draw(st.lists(unit, min_size=len(colours) - 1, max_size=len(colours) - 1)))
    # Band boundaries may coincide: a zero-width band is legal and must not break anything.
    return ColourScale("random-discrete", [0.0] + inner + [1.0], colours, discrete=True)


@st.composite
def value_ranges(draw):
    """(vmin, vmax, logarithmic, levels); sometimes invalid on purpose."""
    logarithmic = draw(st.booleans())
    if draw(st.integers(0, 9)) == 9:  # invalid on purpose: must give EngineError
        vmin = draw(st.floats(-10, 10))
        return vmin, vmin - draw(st.floats(0, 5)), logarithmic, None
    if logarithmic:
        vmin = draw(st.floats(1e-6, 1e3))
        vmax = vmin * draw(st.floats(1.001, 1e6))
    else:
        vmin = draw(st.floats(-1e6, 1e6))
        vmax = vmin + draw(st.floats(1e-3, 1e6))
    levels = None
    if draw(st.integers(0, 3)) == 3:
        inner = sorted(set(draw(st.lists(st.floats(0.01, 0.99), min_size=0, max_size=6))))
        if logarithmic:
            levels = tuple(vmin * (vmax / vmin) ** f for f in [0.0] + inner + [1.0])
        else:
            levels = tuple(vmin + (vmax - vmin) * f for f in [0.0] + inner + [1.0])
    return vmin, vmax, logarithmic, levels


@st.composite
def gcp_sets(draw, rows, cols, kind):
    """CSV text and CRS of GCPs for a near-affine placement; now and then too few for ``kind``."""
    needed = MINIMUM_POINTS[kind]
    n = draw(st.integers(1, needed - 1)) if draw(st.integers(0, 9)) == 9 else \
        draw(st.integers(needed, needed + 4))
    geographic = draw(st.booleans())
    scale = draw(st.floats(1e-4, 1e-2)) if geographic else draw(st.floats(1.0, 1000.0))
    angle = draw(st.floats(-0.5, 0.5))
    noise = draw(st.floats(0, 0.01)) * scale
    rng = np.random.default_rng(draw(st.integers(0, 2 ** 16)))
    # Spread over the figure (random points in a small figure are often nearly collinear).
    xs = rng.uniform(0, cols, n)
    ys = rng.uniform(0, rows, n)
    x0, y0 = (10.0, 47.0) if geographic else (600000.0, 5200000.0)
    lines = ["pixel_x,pixel_y,map_x,map_y"]
    for px, py in zip(xs, ys):
        mx = x0 + scale * (np.cos(angle) * px + np.sin(angle) * py) + noise * rng.standard_normal()
        my = y0 + scale * (np.sin(angle) * px - np.cos(angle) * py) + noise * rng.standard_normal()
        lines.append(f"{px!r},{py!r},{mx!r},{my!r}")
    return "\n".join(lines) + "\n", ("EPSG:4326" if geographic else "EPSG:32632")


@st.composite
def jobs(draw):
    rows, cols = draw(st.integers(3, 24)), draw(st.integers(3, 24))
    scale = draw(colour_scales())
    vmin, vmax, logarithmic, levels = draw(value_ranges())
    transform = draw(st.sampled_from(list(TransformKind)))
    gcps, gcp_crs = draw(gcp_sets(rows, cols, transform))
    return dict(
        rows=rows, cols=cols, scale=scale, vmin=vmin, vmax=vmax, logarithmic=logarithmic,
        levels=levels, gcps=gcps, gcp_crs=gcp_crs,
        seed=draw(st.integers(0, 2 ** 32 - 1)),
        share_on_scale=draw(st.floats(0, 1)),
        share_transparent=draw(st.sampled_from([0.0, 0.0, 0.0, 0.2, 0.2, 1.0])),
        transform=transform,
        target_crs=draw(st.sampled_from([None, "EPSG:4326", "EPSG:3857", "EPSG:32632"])),
        max_color_distance=draw(st.sampled_from([0.5, 5.0, 12.0, 40.0])),
        # (xmin, xmax, ymin, ymax) in the layer frame (y = -row), as QGIS gives it: ordered.
        plot_area=draw(st.one_of(st.none(), st.none(), st.none(), st.tuples(
            st.floats(-5, 30), st.floats(-5, 30), st.floats(-30, 5), st.floats(-30, 5)).map(
                lambda e: (min(e[:2]), max(e[:2]), min(e[2:]), max(e[2:]))))),
        dbscan=draw(st.sampled_from([(1.5, 1), (1.0, 2), (3.0, 4), (0.5, 1)])),
    )


def paint_figure(job, path):
    """Pixels on the scale (at random fractions), random others, some transparent."""
    rng = np.random.default_rng(job["seed"])
    shape = (job["rows"], job["cols"])
    on_scale = job["scale"].colour_at(rng.random(shape).ravel()).reshape(shape + (3,))
    other = rng.random(shape + (3,))
    pick = rng.random(shape) < job["share_on_scale"]
    rgb = np.where(pick[..., None], on_scale, other)
    alpha = np.where(rng.random(shape) < job["share_transparent"], 0, 255)
    rgba = np.dstack([np.round(rgb * 255), alpha]).astype(np.uint8)
    Image.fromarray(rgba, "RGBA").save(path)


# -- the property ---------------------------------------------------------------------------
@PROPERTY_SETTINGS
@given(jobs())
def test_engine_returns_a_clean_result_or_an_engine_error(job):
    with tempfile.TemporaryDirectory(prefix="colormap_decoder_prop_") as folder:
        figure_path = os.path.join(folder, "figure.png")
        gcps_path = os.path.join(folder, "gcps.csv")
        paint_figure(job, figure_path)
        with open(gcps_path, "w") as handle:
            handle.write(job["gcps"])
        eps, min_samples = job["dbscan"]
        decode_settings = pipeline.DecodeSettings(
            figure_path=figure_path, colormap="random", vmin=job["vmin"], vmax=job["vmax"],
            logarithmic=job["logarithmic"], levels=job["levels"],
            plot_area_extent=job["plot_area"], max_color_distance=job["max_color_distance"],
            gcps_path=gcps_path, gcp_crs=job["gcp_crs"], transform=job["transform"],
            target_crs=job["target_crs"], dbscan_eps=eps, dbscan_min_samples=min_samples)
        with mock.patch.object(pipeline, "resolve_colour_scale", lambda *a, **k: job["scale"]):
            try:
                result = pipeline.decode_map(decode_settings)
            except EngineError as error:
                assert str(error) and error.parameter
                event(f"EngineError {error.parameter}: {str(error)[:40]}")
                return
        event("decoded")
        check_result(result, job, os.path.join(folder, "decoded.tif"))


def check_result(result, job, output):
    vmin, vmax = job["vmin"], job["vmax"]
    tolerance = 1e-6 * max(abs(vmin), abs(vmax)) + 1e-12
    continuous = not result.decoder.is_discrete and not job["levels"]
    low, high = (job["levels"][0], job["levels"][-1]) if job["levels"] else (vmin, vmax)

    decoded = result.field.values[np.isfinite(result.field.values)]
    assert decoded.size > 0  # "no pixel matched" is an EngineError
    assert not np.isinf(result.field.values).any()
    assert decoded.min() >= low - tolerance and decoded.max() <= high + tolerance

    grid = result.grid
    write_geotiff(output, [result.values], grid.geotransform, grid.crs_wkt)
    with rasterio.open(output) as dataset:
        band = dataset.read(1, masked=True)
        assert dataset.nodata is not None and not np.isnan(dataset.nodata)
    valid = band.compressed()
    assert np.all(np.isfinite(valid)), "NaN or inf written as data"
    assert np.array_equal(np.ma.getmaskarray(band), ~np.isfinite(result.values))
    if continuous:
        assert valid.size == 0 or (valid.min() >= vmin - tolerance and valid.max() <= vmax + tolerance)
    else:
        assert valid.size == 0 or (valid.min() >= low - tolerance and valid.max() <= high + tolerance)

    points = result.points
    assert len(points.x) == len(points.y) == len(points.clusters)
    if len(points.clusters):
        assert np.all(np.isfinite(points.clusters.value))
        assert points.clusters.value.min() >= low - tolerance
        assert points.clusters.value.max() <= high + tolerance
    else:
        assert result.warnings and "point layer is empty" in result.warnings[-1]


@PROPERTY_SETTINGS
@given(colour_scales(), st.integers(0, 2 ** 32 - 1))
def test_scale_colours_decode_inside_the_range(scale, seed):
    """Pixels painted exactly from a continuous scale decode within [VMIN, VMAX], close to
    where they were painted when the scale does not cross itself."""
    from colormap_decoder.plugin.engine.colour_decoding import ColourDecoder, ValueMapping

    rng = np.random.default_rng(seed)
    mapping = ValueMapping(-3.0, 7.0)
    decoder = ColourDecoder(scale, mapping)
    colours = np.round(scale.colour_at(rng.random(200)) * 255).astype(np.uint8)
    values, distance, _ = decoder.decode_colours(colours)
    assert np.all(np.isfinite(values)) and np.all(np.isfinite(distance))
    assert values.min() >= -3.0 - 1e-9 and values.max() <= 7.0 + 1e-9
    # 8-bit rounding moves a colour by at most half a level per channel: well under 2 ΔE.
    assert distance.max() < 2.0


@pytest.mark.parametrize("name", ["flag", "prism", "gray", "tab20"])
def test_odd_matplotlib_scales_on_a_clean_ramp(tmp_path, name):
    """Cyclic and repeating maps (flag, prism), grey and qualitative ones decode or refuse."""
    scale = named_scale(name)
    fractions = np.linspace(0, 1, 30)
    rgb = np.round(np.broadcast_to(scale.colour_at(fractions)[None], (10, 30, 3)) * 255)
    Image.fromarray(rgb.astype(np.uint8)).save(tmp_path / "ramp.png")
    (tmp_path / "gcps.csv").write_text("pixel_x,pixel_y,map_x,map_y\n0,0,600000,5200000\n"
                                       "30,0,603000,5200000\n0,10,600000,5199000\n")
    result = pipeline.decode_map(pipeline.DecodeSettings(
        figure_path=str(tmp_path / "ramp.png"), colormap=name, vmin=0, vmax=1,
        gcps_path=str(tmp_path / "gcps.csv"), gcp_crs="EPSG:32632"))
    values = result.field.values
    assert np.nanmin(values) >= 0 and np.nanmax(values) <= 1


# Sequential colormaps whose lightness changes monotonically: no colour repeats along them.
MONOTONIC_NAMES = ["viridis", "plasma", "inferno", "magma", "cividis", "Greys", "Blues",
                   "YlOrRd", "turbo", "jet", "RdBu_r", "terrain"]


@PROPERTY_SETTINGS
@given(st.sampled_from(MONOTONIC_NAMES), st.booleans(), st.integers(0, 2 ** 32 - 1))
def test_painted_colours_decode_to_where_they_were_painted(name, logarithmic, seed):
    """Every value painted with a colormap as matplotlib paints it (its 256-entry table) comes
    back within the colormap's resolution, on linear and logarithmic scales."""
    from colormap_decoder.plugin.engine.colour_decoding import ColourDecoder, ValueMapping

    rng = np.random.default_rng(seed)
    mapping = ValueMapping(0.5, 5000.0, logarithmic)
    decoder = ColourDecoder(named_scale(name), mapping)
    fractions = rng.random(300)
    painted = np.asarray(colormaps[name](fractions, bytes=True))[:, :3]
    values, distance, _ = decoder.decode_colours(painted)
    assert distance.max() < 2.0
    # matplotlib paints entry floor(256 f) (half an entry from f) and truncates its colour to
    # 8 bits, which moves it by up to one 8-bit level: on a scale whose entries are about one
    # level apart (Greys, cividis in places) that is up to one more entry, and a half for the
    # decoder's own rounding.
    decoded = mapping.to_fraction(values)
    assert np.max(np.abs(decoded - fractions)) <= 2.5 / 256
    assert np.median(np.abs(decoded - fractions)) <= 1.0 / 256
