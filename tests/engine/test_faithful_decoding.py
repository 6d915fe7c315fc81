"""Faithful decoding (issue 15) on real figures drawn by real renderers, against a peer.

Each figure comes from ``bench/accuracy_table.py``: GMT's ``grdimage`` of the Kilauea DEM with a
continuous ``.cpt``, a five-stop matplotlib ``LinearSegmentedColormap`` on the Vinschgau DEM, the
NOAA OI SST contour-filled in 16 classes with grey land (the NaN colour) and black contour lines
as JPEG, and the GMT figure rescaled to 80 % and saved as JPEG quality 60. The whole pipeline
decodes each with its defaults (exact colour table, no MAX_COLOR_DISTANCE) and its output raster
is read at each figure pixel's own map position. The peers, each handed the same exact table
(``tests/faithful_peers.py``): the seed pipeline's nearest of 10,000 samples, and PyPI's
``unmap`` (pinned, run from the venv ``make peers`` makes; skipped, saying why, where that venv
is missing).

Held for every figure and every peer: our share of good pixels (within 1 % of the range, or the
right class) is at least the peer's, with no margin; our median and 95th-percentile errors are at
most the peer's plus a twentieth of one colour step of the table (the value change between two
colours the renderer can draw: 1 / 256 of the range for a 256-entry table, for a ``.cpt`` the
range over its 8-bit steps; a class for a discrete scale). That margin only absorbs round-off in
the measure; before issue 15 the decoder's p95 on the ``.cpt`` figure was 0.09 % against the
seed's 0.083 %, more than a twentieth of a step (~0.1 %) behind.
"""
import numpy as np
import pytest
from faithful_peers import bench, ours, peer, unmap_peer, unmap_python

PEERS = ("seed pipeline", "unmap")


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("faithful")


def _gmt(folder):
    return next(iter(bench.gmt_cases(folder)))


def _lsc(folder):
    return bench.linear_segmented_case(folder)


def _sst(folder):
    return bench.sst_case(folder)


def _gmt_rescaled(folder):
    base = folder / "base"
    base.mkdir()
    return bench.rescaled_jpeg(_gmt(base), folder)


FIGURES = {"GMT .cpt turbo (PNG)": _gmt, "LinearSegmentedColormap (PNG)": _lsc,
           "discrete SST with NaN colour and contours (JPEG q75)": _sst,
           "GMT .cpt turbo, 80 %, JPEG q60": _gmt_rescaled}


def colour_step(case):
    """One colour step of the table as a fraction of the range (of the class count)."""
    if case.boundaries is not None:
        return 1.0 / (len(case.boundaries) - 1)
    if case.table[0] == "listed":
        return 1.0 / len(case.table[1])
    _, positions, colours = case.table
    steps = np.ceil(np.abs(np.diff(np.asarray(colours) * 255, axis=0)).max(axis=1) - 1e-6).sum()
    return 1.0 / max(steps, 1.0)


@pytest.fixture(scope="module", params=sorted(FIGURES))
def measured(request, folder):
    """(name, case, ours, {peer: its result, or the reason it could not run})."""
    work = folder / str(abs(hash(request.param)))
    work.mkdir()
    case = FIGURES[request.param](work)
    python, why_not = unmap_python()
    peers = {"seed pipeline": peer(case),
             "unmap": unmap_peer(case, work, python) if python else why_not}
    return request.param, case, ours(case, work), peers


def _against(measured, peer_name):
    name, case, ours_result, peers = measured
    peer_result = peers[peer_name]
    if isinstance(peer_result, str):
        pytest.skip(peer_result)
    return name, case, ours_result, peer_result


@pytest.mark.parametrize("peer_name", PEERS)
def test_good_pixels_at_least_the_peers(measured, peer_name):
    name, _, ours_result, peer_result = _against(measured, peer_name)
    assert ours_result["good"] >= peer_result["good"], (name, peer_name, ours_result, peer_result)


@pytest.mark.parametrize("peer_name", PEERS)
def test_median_and_p95_at_most_the_peers(measured, peer_name):
    name, case, ours_result, peer_result = _against(measured, peer_name)
    margin = 0.05 * colour_step(case)
    assert ours_result["median"] <= peer_result["median"] + margin, (name, peer_name, ours_result,
                                                                     peer_result)
    assert ours_result["p95"] <= peer_result["p95"] + margin, (name, peer_name, ours_result,
                                                               peer_result)


def test_the_threshold_and_the_non_data_colours_come_from_the_figure(folder):
    """The SST's grey land is found as a non-data colour; the threshold is logged; an explicit
    MAX_COLOR_DISTANCE wins."""
    from colormap_decoder.plugin.engine.pipeline import DecodeSettings, decode_map

    work = folder / "sst_log"
    work.mkdir()
    case = bench.sst_case(work)
    col0, row0, col1, row1 = case.plot_box
    gcps = work / "gcps.csv"
    lines = ["pixel_x,pixel_y,map_x,map_y"]
    for fx, fy in [(fx, fy) for fx in (0.1, 0.5, 0.9) for fy in (0.1, 0.5, 0.9)]:
        x, y = col0 + fx * (col1 - col0), row0 + fy * (row1 - row0)
        mx, my = case.pixel_to_map(x, y)
        lines.append(f"{x},{y},{float(mx)!r},{float(my)!r}")
    gcps.write_text("\n".join(lines) + "\n", encoding="utf-8")
    settings = dict(figure_path=case.path, plot_area_extent=(col0, col1, -row1, -row0),
                    gcps_path=str(gcps), gcp_crs="EPSG:4326", **case.settings)
    result = decode_map(DecodeSettings(**settings))
    found = result.decoder.figure_study.non_data_colours * 255
    # matplotlib's '0.6' grey, through JPEG.
    assert np.min(np.abs(found - 153).max(axis=1)) <= 4
    assert any(m.startswith("Colour distance threshold: ΔE") and "noise" in m
               for m in result.messages)
    assert any("Non-data colours" in m for m in result.messages)
    explicit = decode_map(DecodeSettings(**settings, max_color_distance=5.0))
    assert explicit.settings.max_color_distance == 5.0
    assert any("(MAX_COLOR_DISTANCE)" in m for m in explicit.messages)
    assert np.isfinite(explicit.field.values).sum() < np.isfinite(result.field.values).sum()


def test_line_edges_are_unmixed_or_left_out_not_decoded_wrong(measured):
    """On a lossless figure with black contour lines, the pixels of the lines' anti-aliased
    edges are unmixed (the line's share taken out) or left out: far fewer of them come back with
    a wrong value (> 1 % of the range off) than from the nearest-sample search (measured: 3.9 %
    against 32 % on the LinearSegmentedColormap figure)."""
    name, case, ours_result, peers = measured
    peer_result = peers["seed pipeline"]
    if not np.isfinite(ours_result["lines_wrong"]) or case.path.endswith(".jpg"):
        pytest.skip("measured on lossless figures whose lines are known")
    assert ours_result["lines_wrong"] <= 0.5 * peer_result["lines_wrong"], (name, ours_result)


def test_jpeg_line_edges_are_left_out_and_no_data_with_them(folder, monkeypatch):
    """On a JPEG figure with black contour lines, a colour that is a scale colour mixed with the
    line's colour is left out where it touches the line (its anti-aliased edge): fewer line
    pixels come back with a wrong value than with the rule off (measured: 32 % against 39 %),
    and no data pixel is lost for it (the data pixels' good share, median and p95 unchanged)."""
    from figures_for_tests import jacksboro_dem, render_grid

    from colormap_decoder.plugin.engine import colour_decoding

    work = folder / "jpeg_line_edges"
    work.mkdir()
    grid, extent = jacksboro_dem()
    figure = render_grid(grid, extent, work / "cividis.jpg", cmap="cividis", jpeg_quality=75)
    case = bench._matplotlib_case("cividis JPG q75", figure, "cividis", bench._listed("cividis"))
    with_rule = ours(case, work)
    monkeypatch.setattr(colour_decoding, "LEAVE_OUT_BESIDE_LINES", False)
    without_rule = ours(case, work)
    assert with_rule["lines_wrong"] <= without_rule["lines_wrong"] - 0.03, (with_rule,
                                                                             without_rule)
    for measure in ("good", "median", "p95"):
        assert with_rule[measure] == pytest.approx(without_rule[measure], abs=1e-9), measure


def test_the_line_neighbourhood_is_scipys_3x3_dilation():
    from scipy.ndimage import binary_dilation

    from colormap_decoder.plugin.engine.colour_decoding import _dilate_3x3

    rng = np.random.default_rng(5)
    for shape in ((1, 1), (1, 7), (7, 1), (9, 13), (64, 41)):
        mask = rng.random(shape) < 0.1
        assert np.array_equal(_dilate_3x3(mask),
                              binary_dilation(mask, structure=np.ones((3, 3), bool))), shape
