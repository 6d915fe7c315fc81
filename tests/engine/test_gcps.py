"""GCP files and GCP transforms, engine only (no QGIS)."""
import json

import numpy as np
import pytest

from colormap_decoder.plugin.engine import gcp_transform
from colormap_decoder.plugin.engine.errors import GcpError
from colormap_decoder.plugin.engine.gcp_transform import (
    MINIMUM_POINTS,
    TransformKind,
    compute_residuals,
    fit_gcp_transform,
)
from colormap_decoder.plugin.engine.gcps import (
    POINTS_HEADER,
    GroundControlPoints,
    read_gcps,
    write_points_file,
)

UTM_WKT = (
    'PROJCRS["WGS 84 / UTM zone 32N",BASEGEOGCRS["WGS 84",DATUM["World Geodetic System 1984",'
    'ELLIPSOID["WGS 84",6378137,298.257223563,LENGTHUNIT["metre",1]]],PRIMEM["Greenwich",0,'
    'ANGLEUNIT["degree",0.0174532925199433]],ID["EPSG",4326]],CONVERSION["UTM zone 32N",'
    'METHOD["Transverse Mercator",ID["EPSG",9807]]],CS[Cartesian,2],ID["EPSG",32632]]'
)


# ------------------------------------------------------------------------------ file formats


def test_reads_points_file_as_qgis_3_22_writes_it(tmp_path):
    path = tmp_path / "figure.png.points"
    path.write_text(
        f"#CRS: {UTM_WKT}\n"
        f"{POINTS_HEADER}\n"
        "523000.5,5281000.25,10.5,-20.5,1,0.1,-0.2,0.22360679774997896\n"
        "530000,5275000,1190.25,-880.75,0,0,0,0\n"
        "526500.125,5278000,600,-450,1,0,0,0\n",
        encoding="utf-8",
    )
    gcps = read_gcps(path)
    np.testing.assert_array_equal(gcps.pixel, [[10.5, 20.5], [1190.25, 880.75], [600, 450]])
    np.testing.assert_array_equal(gcps.map, [[523000.5, 5281000.25], [530000, 5275000], [526500.125, 5278000]])
    np.testing.assert_array_equal(gcps.enabled, [True, False, True])
    assert gcps.crs == UTM_WKT
    assert gcps.labels == ["GCP 1 (line 3)", "GCP 2 (line 4)", "GCP 3 (line 5)"]
    assert gcps.source == str(path)
    active = gcps.active()
    assert active.labels == ["GCP 1 (line 3)", "GCP 3 (line 5)"]
    np.testing.assert_array_equal(active.pixel, [[10.5, 20.5], [600, 450]])


def test_reads_points_file_of_newer_qgis_with_source_columns(tmp_path):
    path = tmp_path / "figure.points"
    path.write_text(
        "mapX,mapY,sourceX,sourceY,enable,dX,dY,residual\n"
        "7.5,47.25,0.5,-0.5,1,0,0,0\n"
        "8.0,47.0,1199.5,-899.5,1,0,0,0\n",
        encoding="utf-8",
    )
    gcps = read_gcps(path)
    assert gcps.crs is None
    np.testing.assert_array_equal(gcps.pixel, [[0.5, 0.5], [1199.5, 899.5]])
    np.testing.assert_array_equal(gcps.map, [[7.5, 47.25], [8.0, 47.0]])
    assert gcps.enabled.all()


def test_reads_old_tab_separated_points_file_with_four_columns(tmp_path):
    path = tmp_path / "old.points"
    path.write_text("mapX\tmapY\tpixelX\tpixelY\n100\t200\t1\t-2\n300\t400\t3\t-4\n", encoding="utf-8")
    gcps = read_gcps(path)
    np.testing.assert_array_equal(gcps.pixel, [[1, 2], [3, 4]])
    np.testing.assert_array_equal(gcps.map, [[100, 200], [300, 400]])
    assert gcps.enabled.all()


def test_reads_csv_with_semicolons_decimal_commas_and_yes_no(tmp_path):
    path = tmp_path / "gcps.csv"
    path.write_text(
        "\ufeffPixel_X ; PIXEL_Y ; Map_X ; Map_Y ; Enabled\n"
        "10,5 ; 20 ; 523000,25 ; 5281000 ; yes\n"
        "1190 ; 880 ; 530000 ; 5275000 ; no\n"
        "\n"
        "600 ; 450 ; 526500 ; 5278000 ; TRUE\n",
        encoding="utf-8",
    )
    gcps = read_gcps(path)
    np.testing.assert_array_equal(gcps.pixel, [[10.5, 20], [1190, 880], [600, 450]])
    np.testing.assert_array_equal(gcps.map[0], [523000.25, 5281000])
    np.testing.assert_array_equal(gcps.enabled, [True, False, True])
    assert gcps.labels[2] == "GCP 3 (line 5)"
    assert gcps.crs is None


def test_reads_tab_separated_csv_in_any_column_order_without_enabled(tmp_path):
    path = tmp_path / "gcps.txt"
    path.write_text("map_x\tmap_y\tpixel_x\tpixel_y\tnote\n7.5\t47.25\t0.5\t0.5\tchurch\n8\t47\t1199.5\t899.5\tbridge\n")
    gcps = read_gcps(path)
    np.testing.assert_array_equal(gcps.pixel, [[0.5, 0.5], [1199.5, 899.5]])
    np.testing.assert_array_equal(gcps.map, [[7.5, 47.25], [8, 47]])
    assert gcps.enabled.all()


def test_reads_comma_csv_with_spaces_and_numeric_flags(tmp_path):
    path = tmp_path / "gcps.csv"
    path.write_text(" pixel_x , pixel_y , map_x , map_y , enabled \n 1 , 2 , 3 , 4 , 0 \n5,6,7,8,1\n")
    gcps = read_gcps(path)
    np.testing.assert_array_equal(gcps.pixel, [[1, 2], [5, 6]])
    np.testing.assert_array_equal(gcps.enabled, [False, True])


def test_write_then_read_round_trips_exactly(tmp_path):
    rng = np.random.default_rng(7)
    original = GroundControlPoints(
        pixel=np.column_stack([rng.uniform(0, 1200, 8), rng.uniform(0, 900, 8)]),
        map=np.column_stack([rng.uniform(4e5, 6e5, 8), rng.uniform(5.1e6, 5.3e6, 8)]),
        enabled=np.array([1, 1, 0, 1, 1, 1, 0, 1], dtype=bool),
        crs=UTM_WKT,
    )
    original.pixel[0] = [0.0, 0.0]  # row 0 must not come out as "-0"
    original.pixel[1] = [1200.0, 900.0]
    path = tmp_path / "written.points"
    write_points_file(path, original)

    lines = path.read_bytes().decode("utf-8").split("\n")
    assert lines[0] == f"#CRS: {UTM_WKT}"
    assert lines[1] == POINTS_HEADER
    assert lines[2].split(",")[2:5] == ["0", "0", "1"]
    assert lines[3].split(",")[2:5] == ["1200", "-900", "1"]
    assert lines[4].split(",")[4:] == ["0", "0", "0", "0"]
    assert "\r" not in path.read_bytes().decode("utf-8")

    back = read_gcps(path)
    np.testing.assert_array_equal(back.pixel, original.pixel)
    np.testing.assert_array_equal(back.map, original.map)
    np.testing.assert_array_equal(back.enabled, original.enabled)
    assert back.crs == UTM_WKT


def test_writes_multiline_wkt_on_one_crs_line_and_no_crs_line_without_crs(tmp_path):
    gcps = GroundControlPoints(pixel=[[1, 2], [3, 4]], map=[[5, 6], [7, 8]], enabled=None,
                               crs='GEOGCRS["WGS 84",\n    DATUM["World Geodetic System 1984"]]')
    write_points_file(tmp_path / "a.points", gcps)
    assert (tmp_path / "a.points").read_text().split("\n")[0] == (
        '#CRS: GEOGCRS["WGS 84", DATUM["World Geodetic System 1984"]]')
    gcps.crs = None
    write_points_file(tmp_path / "b.points", gcps)
    assert (tmp_path / "b.points").read_text().split("\n")[0] == POINTS_HEADER
    assert read_gcps(tmp_path / "b.points").crs is None


@pytest.mark.parametrize(
    "content, expected",
    [
        ("", "is empty"),
        ("\n  \n", "is empty"),
        ("x,y,lon,lat\n1,2,3,4\n", "pixel_x,pixel_y,map_x,map_y"),
        ("pixel_x,pixel_y,map_x\n1,2,3\n", "pixel_x,pixel_y,map_x,map_y"),
        ("mapX,mapY,foo,bar\n1,2,3,4\n", "mapX,mapY,pixelX,pixelY"),
        (f"#CRS: {UTM_WKT}\n", "no header"),
        ("pixel_x,pixel_y,map_x,map_y\n1,2,abc,4\n", "line 2: map_x value 'abc' is not a number"),
        ("pixel_x,pixel_y,map_x,map_y\n1,2,3,4\n1,2,nan,4\n", "line 3: map_x value 'nan' is not finite"),
        ("pixel_x,pixel_y,map_x,map_y\n1,inf,3,4\n", "line 2: pixel_y value 'inf' is not finite"),
        ("pixel_x,pixel_y,map_x,map_y\n1,,3,4\n", "line 2: the pixel_y value is empty"),
        ("pixel_x,pixel_y,map_x,map_y\n1,2,3\n", "line 2: 3 value(s)"),
        ("pixel_x,pixel_y,map_x,map_y,enabled\n1,2,3,4,maybe\n", "line 2: enabled value 'maybe'"),
        ("pixel_x,pixel_y,map_x,map_y,enabled\n1,2,3,4,0\n5,6,7,8,no\n", "none is enabled"),
        ("pixel_x,pixel_y,map_x,map_y\n", "no points"),
        (f"{POINTS_HEADER}\n1,2,3\n", "line 2: 3 value(s) where at least 4"),
        (f"{POINTS_HEADER}\n1,2,3,x,1,0,0,0\n", "line 2: pixelY value 'x' is not a number"),
    ],
)
def test_bad_files_raise_gcp_error_naming_file_and_problem(tmp_path, content, expected):
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(GcpError) as raised:
        read_gcps(path)
    assert str(path) in str(raised.value)
    assert expected in str(raised.value)
    assert raised.value.parameter == "GCPS"


def test_missing_file_and_folder_raise_gcp_error(tmp_path):
    with pytest.raises(GcpError, match="does not exist"):
        read_gcps(tmp_path / "nowhere.points")
    with pytest.raises(GcpError, match="is a folder"):
        read_gcps(tmp_path)
    (tmp_path / "binary.points").write_bytes(b"\x89PNG\x00\x00")
    with pytest.raises(GcpError, match="not a text file"):
        read_gcps(tmp_path / "binary.points")


# ------------------------------------------------------------------------------ transforms

FIGURE_WIDTH, FIGURE_HEIGHT = 1200, 900


def _spread_pixels(count, seed=3):
    rng = np.random.default_rng(seed)
    return np.column_stack([rng.uniform(20, FIGURE_WIDTH - 20, count), rng.uniform(20, FIGURE_HEIGHT - 20, count)])


def _affine_utm(pixel):
    # 25 m pixels, slightly rotated and sheared, y down in the figure = north up on the map.
    x, y = pixel[:, 0], pixel[:, 1]
    return np.column_stack([480000 + 25.0 * x + 1.5 * y, 5300000 + 0.8 * x - 24.0 * y])


def _similarity_utm(pixel):
    angle, scale = np.radians(7.0), 25.0
    x, y = pixel[:, 0], -pixel[:, 1]
    return np.column_stack([480000 + scale * (np.cos(angle) * x - np.sin(angle) * y),
                            5300000 + scale * (np.sin(angle) * x + np.cos(angle) * y)])


@pytest.mark.parametrize("kind", list(TransformKind))
def test_exact_gcps_give_zero_residuals_and_consistent_inverse(kind):
    pixel = _spread_pixels(12)
    exact = _similarity_utm if kind == TransformKind.HELMERT else _affine_utm
    gcps = GroundControlPoints(pixel=pixel, map=exact(pixel), enabled=None)
    residuals = compute_residuals(gcps, kind)
    assert residuals.rmse_map < 1e-6
    assert residuals.rmse_pixels < 1e-8
    assert np.nanmax(residuals.loo_error_map) < 1e-6
    assert not residuals.suspicious.any()

    transform = fit_gcp_transform(gcps, kind)
    grid_x, grid_y = np.meshgrid(np.linspace(0, FIGURE_WIDTH, 31), np.linspace(0, FIGURE_HEIGHT, 23))
    map_x, map_y = transform.pixel_to_map(grid_x, grid_y)
    assert map_x.shape == grid_x.shape
    expected = exact(np.column_stack([grid_x.ravel(), grid_y.ravel()]))
    np.testing.assert_allclose(np.column_stack([map_x.ravel(), map_y.ravel()]), expected, rtol=0, atol=1e-6)
    back_x, back_y = transform.map_to_pixel(map_x, map_y)
    np.testing.assert_allclose(back_x, grid_x, atol=1e-7)
    np.testing.assert_allclose(back_y, grid_y, atol=1e-7)


def test_scalar_input_gives_zero_dimensional_arrays():
    pixel = _spread_pixels(6)
    transform = fit_gcp_transform(GroundControlPoints(pixel, _affine_utm(pixel), None), TransformKind.POLYNOMIAL_1)
    map_x, map_y = transform.pixel_to_map(0.5, 0.5)
    assert map_x.shape == () and map_y.shape == ()
    np.testing.assert_allclose([map_x, map_y], _affine_utm(np.array([[0.5, 0.5]]))[0], atol=1e-6)


def _noisy_gcps(count=10, seed=11, noise=3.0):
    rng = np.random.default_rng(seed)
    pixel = _spread_pixels(count, seed)
    x, y = pixel[:, 0], pixel[:, 1]
    map_xy = _affine_utm(pixel) + np.column_stack([2e-3 * x * y / 40, 1e-5 * x ** 2])
    return GroundControlPoints(pixel=pixel, map=map_xy + rng.normal(0, noise, map_xy.shape), enabled=None)


# Only for transforms the 10 good points over-determine well: with 11 points a projective
# transform or an interpolating spline bends so far towards the bad point that leaving out one of
# its neighbours also moves the prediction by kilometres, and those neighbours get flagged too.
@pytest.mark.parametrize("kind", [TransformKind.POLYNOMIAL_1, TransformKind.HELMERT])
def test_leave_one_out_flags_the_gcp_with_a_typo(kind):
    gcps = _noisy_gcps(count=11)
    typo = 6
    gcps.map[typo, 1] += 10000.0  # northing mistyped by 10 km
    residuals = compute_residuals(gcps, kind)
    assert np.flatnonzero(residuals.suspicious).tolist() == [typo]
    assert residuals.loo_error_map[typo] > 5000
    lines = residuals.as_table_lines(gcps)
    assert any(line.startswith(f"Suspicious: {gcps.labels[typo]}") for line in lines)


@pytest.mark.parametrize("kind", list(TransformKind))
def test_leave_one_out_shortcuts_equal_refitting_without_the_point(kind):
    gcps = _noisy_gcps(count=13, seed=5)
    residuals = compute_residuals(gcps, kind)
    for index in range(len(gcps)):
        without = GroundControlPoints(gcps.pixel, gcps.map, np.arange(len(gcps)) != index)
        refit = fit_gcp_transform(without, kind)
        map_x, map_y = refit.pixel_to_map(*gcps.pixel[index])
        pixel_x, pixel_y = refit.map_to_pixel(*gcps.map[index])
        assert residuals.loo_error_map[index] == pytest.approx(
            np.hypot(map_x - gcps.map[index, 0], map_y - gcps.map[index, 1]), rel=1e-6, abs=1e-6)
        assert residuals.loo_error_pixels[index] == pytest.approx(
            np.hypot(pixel_x - gcps.pixel[index, 0], pixel_y - gcps.pixel[index, 1]), rel=1e-6, abs=1e-8)


def test_disabled_gcps_are_not_fitted_but_reported():
    gcps = _noisy_gcps(count=10)
    gcps.enabled[3] = False
    gcps.map[3] += 500.0
    residuals = compute_residuals(gcps, TransformKind.POLYNOMIAL_1)
    reference = compute_residuals(gcps.active(), TransformKind.POLYNOMIAL_1)
    assert residuals.rmse_map == pytest.approx(reference.rmse_map)
    assert residuals.residual_map[3] > 400
    assert residuals.loo_error_map[3] == residuals.residual_map[3]
    assert residuals.suspicious[3]
    record = residuals.as_dict(gcps)
    json.dumps(record, allow_nan=False)
    assert record["transform"] == "POLYNOMIAL_1"
    assert record["points"][3]["enabled"] is False
    assert len(residuals.as_table_lines(gcps)) == 3 + len(gcps) + 1 + 1


def test_leave_one_out_is_nan_when_the_rest_are_too_few():
    pixel = _spread_pixels(6)
    gcps = GroundControlPoints(pixel, _affine_utm(pixel) + 1.0 * np.arange(12).reshape(6, 2), None)
    residuals = compute_residuals(gcps, TransformKind.POLYNOMIAL_2)
    assert np.isnan(residuals.loo_error_map).all()
    assert np.isnan(residuals.loo_rmse_map)
    assert not residuals.suspicious.any()
    json.dumps(residuals.as_dict(gcps), allow_nan=False)


def test_thin_plate_spline_interpolates_and_is_evaluated_in_chunks(monkeypatch):
    gcps = _noisy_gcps(count=25, noise=20.0)
    transform = fit_gcp_transform(gcps, TransformKind.THIN_PLATE_SPLINE)
    map_x, map_y = transform.pixel_to_map(gcps.pixel[:, 0], gcps.pixel[:, 1])
    np.testing.assert_allclose(np.column_stack([map_x, map_y]), gcps.map, rtol=0, atol=1e-6)
    grid = np.random.default_rng(2).uniform(0, 1200, (1000, 2))
    whole = transform.pixel_to_map(grid[:, 0], grid[:, 1])
    monkeypatch.setattr(gcp_transform, "_WORK_ELEMENTS", 25 * 7)  # 7 rows per chunk
    chunked = transform.pixel_to_map(grid[:, 0], grid[:, 1])
    # Equal to round-off, not bit for bit: BLAS picks its kernel (and so its order of summing)
    # by the shape of the product, and the chunks are smaller products.
    np.testing.assert_allclose(whole, chunked, rtol=1e-14, atol=0)


@pytest.mark.parametrize("kind", list(TransformKind))
def test_too_few_enabled_points_says_how_many_are_needed(kind):
    needed = MINIMUM_POINTS[kind]
    pixel = _spread_pixels(needed)
    gcps = GroundControlPoints(pixel, _affine_utm(pixel), np.arange(needed) != 0)
    with pytest.raises(GcpError, match=f"at least {needed} enabled GCPs; .* has {needed - 1}"):
        fit_gcp_transform(gcps, kind)


def test_duplicate_pixel_and_map_positions_are_named():
    pixel = _spread_pixels(8)
    map_xy = _affine_utm(pixel)
    labels = [f"GCP {index + 1} (line {index + 2})" for index in range(8)]
    duplicated_pixel = pixel.copy()
    duplicated_pixel[5] = duplicated_pixel[2]
    with pytest.raises(GcpError, match=r"share a pixel position: GCP 3 \(line 4\) and GCP 6 \(line 7\)"):
        fit_gcp_transform(GroundControlPoints(duplicated_pixel, map_xy, None, labels=labels),
                          TransformKind.POLYNOMIAL_1)
    duplicated_map = map_xy.copy()
    duplicated_map[7] = duplicated_map[0]
    with pytest.raises(GcpError, match=r"share a map position: GCP 1 \(line 2\) and GCP 8 \(line 9\)"):
        fit_gcp_transform(GroundControlPoints(pixel, duplicated_map, None, labels=labels), TransformKind.HELMERT)


@pytest.mark.parametrize("kind", [TransformKind.POLYNOMIAL_1, TransformKind.POLYNOMIAL_2,
                                  TransformKind.THIN_PLATE_SPLINE, TransformKind.PROJECTIVE])
def test_collinear_points_are_refused(kind):
    along = np.linspace(50, 1100, 12)
    pixel = np.column_stack([along, 0.5 * along + 30])
    gcps = GroundControlPoints(pixel, _affine_utm(pixel), None)
    with pytest.raises(GcpError, match="line"):
        fit_gcp_transform(gcps, kind)


def test_points_on_one_conic_do_not_determine_a_second_order_polynomial():
    angles = np.linspace(0, 2 * np.pi, 9, endpoint=False)
    pixel = np.column_stack([600 + 400 * np.cos(angles), 450 + 300 * np.sin(angles)])
    gcps = GroundControlPoints(pixel, _affine_utm(pixel), None)
    with pytest.raises(GcpError, match="curve of order 2"):
        fit_gcp_transform(gcps, TransformKind.POLYNOMIAL_2)
    fit_gcp_transform(gcps, TransformKind.POLYNOMIAL_1)  # fine for a plane


def test_non_finite_coordinates_are_named():
    pixel = _spread_pixels(5)
    map_xy = _affine_utm(pixel)
    map_xy[1, 0] = np.nan
    with pytest.raises(GcpError, match=r"GCPs GCP 2 .* not a finite number"):
        fit_gcp_transform(GroundControlPoints(pixel, map_xy, None), TransformKind.POLYNOMIAL_1)


def test_helmert_on_mirrored_gcps_is_explained():
    from colormap_decoder.plugin.engine.errors import GcpError
    from colormap_decoder.plugin.engine.gcp_transform import TransformKind, fit_gcp_transform
    from colormap_decoder.plugin.engine.gcps import GroundControlPoints

    # Map y grows with the row: the map is the figure's mirror image.
    pixel = [(0, 0), (10, 0), (0, 10), (10, 10)]
    gcps = GroundControlPoints(pixel, pixel, None, source="mirror.csv")
    with pytest.raises(GcpError, match="mirror"):
        fit_gcp_transform(gcps, TransformKind.HELMERT)
    fit_gcp_transform(gcps, TransformKind.POLYNOMIAL_1)  # an affine can mirror


def test_the_log_table_of_many_gcps_shows_the_worst_hundred():
    """A GCP file of 200,000 points wrote 200,000 lines into the Processing log. The table
    shows at most 100 GCPs: the suspicious one (a typo) and the largest leave-one-out errors, in
    their order, then says how many more the report holds."""
    from colormap_decoder.plugin.engine.gcp_transform import MAX_LOGGED_GCPS

    gcps = _noisy_gcps(count=3000, seed=4)
    typo = 1234
    gcps.map[typo, 1] += 10000.0
    residuals = compute_residuals(gcps, TransformKind.POLYNOMIAL_1)
    lines = residuals.as_table_lines(gcps)
    assert len(lines) < MAX_LOGGED_GCPS + 10
    numbers = [int(line.split()[0]) for line in lines[3:3 + MAX_LOGGED_GCPS]]
    assert numbers == sorted(numbers) and typo + 1 in numbers
    shown = np.array(numbers) - 1
    hidden = np.setdiff1d(np.arange(len(gcps)), shown)
    assert residuals.loo_error_pixels[hidden].max() <= np.sort(
        residuals.loo_error_pixels[shown])[0]
    assert any(line.startswith("... 2,900 more GCPs") for line in lines)
    assert any(line.startswith(f"Suspicious: {gcps.labels[typo]}") for line in lines)


# -------------------------------------------------- rows that do not fit their header, encodings
SAMPLE_CSV = ("pixel_x,pixel_y,map_x,map_y\n112,87,598250,5193000\n672,87,661250,5193000\n"
              "112,518,598250,5144500\n672,518,661250,5144500\n")


@pytest.mark.parametrize("header, row, line", [
    # A decimal comma in a comma-separated file: '112,5' is two values, every later one shifts
    # (read before as pixel (112, 5), map (87, 598250), in silence).
    ("pixel_x,pixel_y,map_x,map_y", "112,5,87,598250,5193000", 2),
    ("pixel_x,pixel_y,map_x,map_y,enabled", "112,5,87,598250,5193000,1", 2),
    (f"#CRS: EPSG:32632\n{POINTS_HEADER}", "598250,5193000,112,-87,1,0,0,0,99", 3),
])
def test_a_row_with_values_beyond_its_header_is_refused(tmp_path, header, row, line):
    path = tmp_path / "gcps.csv"
    rest = SAMPLE_CSV.splitlines()[2:] if header.startswith("pixel") else \
        ["661250,5193000,672,-87,1,0,0,0", "598250,5144500,112,-518,1,0,0,0"]
    if header.endswith("enabled"):
        rest = [value + ",1" for value in rest]
    path.write_text("\n".join([header, row] + rest) + "\n")
    with pytest.raises(GcpError) as raised:
        read_gcps(path)
    message = str(raised.value)
    assert raised.value.parameter == "GCPS"
    assert f"line {line}:" in message and "where the header names" in message
    if header.startswith("pixel"):
        assert "decimal comma" in message


def test_a_trailing_separator_and_named_extra_columns_still_read(tmp_path):
    trailing = tmp_path / "trailing.csv"
    trailing.write_text(SAMPLE_CSV.replace("\n", ",\n"))
    named = tmp_path / "named.csv"
    named.write_text("id,pixel_x,pixel_y,map_x,map_y,note\n" + "".join(
        f"{number},{row},n\n" for number, row in enumerate(SAMPLE_CSV.splitlines()[1:])))
    expected = read_gcps(_written(tmp_path / "plain.csv", SAMPLE_CSV))
    for path in (trailing, named):
        gcps = read_gcps(path)
        assert np.array_equal(gcps.pixel, expected.pixel) and np.array_equal(gcps.map, expected.map)


def _written(path, text):
    path.write_text(text)
    return path


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("points", [False, True])
def test_a_gcp_file_saved_as_utf16_reads_as_its_utf8_twin(tmp_path, encoding, points):
    """Windows Notepad and Excel save "Unicode text" as UTF-16 (with a byte-order mark, or
    without one): it was refused as "not a text file"."""
    text = (f"#CRS: EPSG:32632\n{POINTS_HEADER}\n598250,5193000,112,-87,1,0,0,0\n"
            "661250,5193000,672,-87,1,0,0,0\n598250,5144500,112,-518,1,0,0,0\n"
            if points else SAMPLE_CSV).replace("\n", "\r\n")
    expected = read_gcps(_written(tmp_path / "utf8.txt", text))
    path = tmp_path / "utf16.txt"
    path.write_bytes(text.encode(encoding))
    gcps = read_gcps(path)
    assert np.array_equal(gcps.pixel, expected.pixel) and np.array_equal(gcps.map, expected.map)
    assert gcps.crs == expected.crs


# --------------------------------------- fields quoted as written, a column named twice
@pytest.mark.parametrize("separator, written", [
    # ';' files may use decimal commas: '5,193,000' was converted for reading and quoted
    # back as '5.193.000', a number the file never held.
    (";", "5,193,000"), (";", "5.193.000"), ("\t", "5,193,000"), (",", '"5,193,000"'),
    (";", "5 193 000"), (";", "5'193'000"),
])
def test_a_number_grouped_in_thousands_is_quoted_as_written(tmp_path, separator, written):
    rows = [line.split(",") for line in SAMPLE_CSV.splitlines()]
    rows[1][3] = written
    path = _written(tmp_path / "grouped.csv", "\n".join(separator.join(row) for row in rows))
    with pytest.raises(GcpError) as raised:
        read_gcps(path)
    message = str(raised.value)
    shown = written.strip('"')
    assert raised.value.parameter == "GCPS"
    assert f"line 2: map_y value {shown!r} is not a number (its digits are grouped in " \
           f"thousands)" in message
    assert "without thousands separators" in message


def test_a_decimal_comma_still_reads_in_a_semicolon_file(tmp_path):
    path = _written(tmp_path / "comma.csv", SAMPLE_CSV.replace(",", ";").replace(
        "598250;5193000", "598250,5;5193000,25"))
    gcps = read_gcps(path)
    assert gcps.map[0].tolist() == [598250.5, 5193000.25]
    assert gcps.map[1].tolist() == [661250.0, 5193000.0]


@pytest.mark.parametrize("header, named, columns", [
    ("pixel_x,pixel_y,map_x,map_y,map_x", "map_x", "3, 5"),
    ("pixel_x;PIXEL_Y;map_x;map_y;pixel_y", "pixel_y", "2, 5"),
    ("pixel_x,pixel_y,map_x,map_y,enabled,Enabled", "enabled", "5, 6"),
    ('pixel_x,pixel_y,map_x,map_y," map_y "', "map_y", "4, 5"),
])
def test_a_header_naming_a_column_twice_is_refused(tmp_path, header, named, columns):
    """Which column holds the values cannot be told (the last one was read, in silence)."""
    separator = ";" if ";" in header else ","
    extra = header.count(separator) - 3
    body = [separator.join(line.split(",") + ["1"] * extra)
            for line in SAMPLE_CSV.splitlines()[1:]]
    path = _written(tmp_path / "twice.csv", "\n".join([header] + body) + "\n")
    with pytest.raises(GcpError) as raised:
        read_gcps(path)
    message = str(raised.value)
    assert raised.value.parameter == "GCPS"
    assert f"line 1: the header names the column {named!r} 2 times (columns {columns})" in message
