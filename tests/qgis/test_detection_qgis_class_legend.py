"""A QGIS print layout of a classified layer: its legend is one patch a class, no ramp.

The Kilauea DEM (tests/data, UTM 5N) as a discrete singleband-pseudocolour layer of equal
classes (QGIS's "Equal interval"), in a map item with grid annotations and a legend on a
framed box over the map, exported by QgsLayoutExporter. The legend shows a column of equal
patches, one a class, each labelled: as QGIS's core classification labels them (each
class's upper bound, the last 'inf': '250', '500', ..., 'inf'), or as its renderer dialog
does ('<= 300 m', '300 - 600 m', ..., '> 1200 m'). The truth is QGIS's: the shader's class
boundaries, the map item's rectangle and extent, the patches' pixels (where the legend alone
changes when its ramp is swapped).

There was no colour ramp to sample and no tick marks to fit: the figure was refused, naming
VMIN (sweep_qgis_layouts: the most common refusal, 7 of 32 layouts of seeds 35-38). The
patches are now read as a discrete scale: their colours the classes', the boundaries from
their labels. Labels that do not say which end of its class each value names are refused,
naming LEVELS.
"""
import shutil

import numpy as np
import pytest
import rasterio
from figures_for_detection import frame_gcps_csv
from qgis_layout_figure import render_print_layout

from colormap_decoder.plugin.engine.detection.figure_reading import read_figure_face
from colormap_decoder.plugin.engine.detection.layout import detect_layout
from colormap_decoder.plugin.engine.errors import EngineError
from colormap_decoder.plugin.engine.figure import read_figure
from colormap_decoder.plugin.engine.pipeline import DecodeSettings, decode_map

CRS = "EPSG:32605"
EXTENT = (256000.0, 279000.0, 2136000.0, 2153000.0)
VALUE_RANGE = (0.0, 1500.0)

#: name: render_print_layout's arguments, and the JPEG quality the PNG is saved at (or None).
LAYOUTS = {
    # QGIS's own labels: upper bounds, 'inf' last; 150 dpi PNG, the legend over the map.
    "upper bounds and inf, 150 dpi": (dict(classes=6, dpi=150), None),
    # The renderer dialog's labels with a unit, Viridis, 120 dpi JPEG (quality 75), the
    # legend over the map's lower left.
    "ranges with a unit, 120 dpi JPEG": (dict(classes=5, class_labels="ranges", suffix=" m",
                                              dpi=120, legend_position=(31, 70),
                                              ramp_name="Viridis", invert_ramp=False), 75),
}
_RENDERED = {}


def grid_on_output(result, grid_path):
    """The grid's value (nearest cell: QGIS draws it so) at each output pixel's centre, NaN
    off the grid and at its nodata."""
    with rasterio.open(grid_path) as dataset:
        grid = dataset.read(1).astype(float)
        grid[grid == dataset.nodata] = np.nan
        inverse = ~dataset.transform
    gt = result.grid.geotransform
    rows, cols = np.mgrid[0:result.grid.height, 0:result.grid.width] + 0.5
    col, row = inverse * (gt[0] + cols * gt[1] + rows * gt[2], gt[3] + cols * gt[4] + rows * gt[5])
    col, row = np.floor(col).astype(int), np.floor(row).astype(int)
    inside = (col >= 0) & (col < grid.shape[1]) & (row >= 0) & (row < grid.shape[0])
    values = np.full(col.shape, np.nan)
    values[inside] = grid[row[inside], col[inside]]
    return values


def rendered(name, folder, shared_data):
    if name not in _RENDERED:
        arguments, quality = LAYOUTS[name]
        grid_path = folder / "kilauea.nc"
        shutil.copy(shared_data / "gmtserver_Kilauea.utm.nc", grid_path)
        figure = render_print_layout(folder / "layout.png", grid_path, CRS, EXTENT, VALUE_RANGE,
                                     map_crs=CRS, interval=5000.0, **arguments)
        if quality is not None:
            from PIL import Image

            path = folder / "layout.jpg"
            Image.open(figure.path).convert("RGB").save(path, quality=quality)
            figure.path = str(path)
        figure.grid_path = grid_path
        _RENDERED[name] = figure
    return _RENDERED[name]


@pytest.fixture(scope="module", params=list(LAYOUTS))
def class_layout(request, qgis_app, tmp_path_factory, shared_data):
    return rendered(request.param, tmp_path_factory.mktemp("classes"), shared_data)


def test_patches_found_and_their_labels_give_the_classes(class_layout):
    rgb = read_figure(class_layout.path).rgb
    layout = detect_layout(rgb)
    legend = layout.class_legend
    assert legend is not None
    assert len(legend.patches) == len(class_layout.levels) - 1
    # The column of patches stands for the colorbar: within 2 px of the pixels QGIS's
    # patches cover; the legend box over the map is left out with them.
    error = np.abs(np.subtract(layout.colorbar.box, class_layout.colorbar))
    assert error.max() <= 2.0, (layout.colorbar.box, class_layout.colorbar)
    assert np.abs(np.subtract(layout.legend_box, class_layout.legend)).max() <= 2.0
    reading = read_figure_face(rgb, layout, want_axes=False)
    bar = reading.colorbar
    assert bar.levels == pytest.approx(class_layout.levels)
    # QGIS lists the lowest class first: at the top.
    assert bar.flip


def test_classes_decoded_as_right_as_by_hand(class_layout, tmp_path):
    """Only GCP_CRS given, against the same figure with the layout's own GCPs, the patches'
    box, the class boundaries, the map frame and a mask over the legend given by hand. A
    pixel is right when it gets its class (the issue's measure for classes)."""
    path = class_layout.path
    auto = decode_map(DecodeSettings(figure_path=path, gcp_crs=CRS, scale_automatic=True))
    assert auto.mapping.levels == pytest.approx(class_layout.levels)
    assert any("class patches" in message for message in auto.messages)
    low, high = VALUE_RANGE
    left, top, right, bottom = class_layout.frame
    plot_area = (np.ceil(left), np.floor(right), -np.floor(bottom), -np.ceil(top))
    b0, b1, b2, b3 = class_layout.colorbar
    l0, l1, l2, l3 = class_layout.legend
    hand = decode_map(DecodeSettings(
        figure_path=path, colorbar_extent=(b0, b2, -b3, -b1), colorbar_flip=True,
        vmin=low, vmax=high, levels=class_layout.levels,
        gcps_path=frame_gcps_csv(tmp_path / "gcps.csv", class_layout), gcp_crs=CRS,
        plot_area_extent=plot_area,
        mask_geometries=(f"POLYGON(({l0} {-l1}, {l2} {-l1}, {l2} {-l3}, {l0} {-l3}, "
                         f"{l0} {-l1}))",)))
    levels = np.asarray(class_layout.levels)
    shares = []
    for result in (auto, hand):
        expected = np.clip(grid_on_output(result, class_layout.grid_path), low, high)
        data = np.isfinite(expected)
        decoded = result.values
        right_class = np.zeros(decoded.shape, bool)
        both = data & np.isfinite(decoded)
        right_class[both] = np.searchsorted(levels, expected[both], side="right") == \
            np.searchsorted(levels, decoded[both], side="right")
        shares.append(float(right_class[data].mean()))
    print("share of the right class: auto", shares[0], "hand", shares[1])
    # (Both 86-88 %: output pixels on a class boundary of the grid's cells, whose truth is
    # taken at the pixel's centre only.)
    assert shares[0] >= 0.8
    assert 1 - shares[0] <= 2 * (1 - shares[1]) + 0.005, shares


def test_plain_values_refused_naming_levels(qgis_app, tmp_path, shared_data):
    """Each class labelled by its upper bound, the last by the maximum instead of 'inf':
    nothing says whether a value is its class's lower or upper bound or its middle. Refused,
    naming LEVELS, never decoded a class off."""
    grid_path = tmp_path / "kilauea.nc"
    shutil.copy(shared_data / "gmtserver_Kilauea.utm.nc", grid_path)
    figure = render_print_layout(tmp_path / "layout.png", grid_path, CRS, EXTENT, VALUE_RANGE,
                                 map_crs=CRS, interval=5000.0, classes=6, class_labels="values",
                                 dpi=150)
    assert detect_layout(read_figure(figure.path).rgb).class_legend is not None
    with pytest.raises(EngineError) as error:
        decode_map(DecodeSettings(figure_path=figure.path, gcp_crs=CRS, scale_automatic=True))
    assert error.value.parameter == "LEVELS"
    assert "plain values" in str(error.value)


def test_levels_given_by_hand_without_the_labels_read_refused(class_layout):
    """LEVELS given by hand: the legend's labels are not read, so nothing says whether the top
    patch is the lowest class or the highest (QGIS lists the lowest first; another tool may
    not). Refused, naming COLORBAR (draw it and set COLORBAR_FLIP), never decoded upside
    down."""
    with pytest.raises(EngineError) as error:
        decode_map(DecodeSettings(figure_path=class_layout.path, gcp_crs=CRS,
                                  levels=class_layout.levels, vmin=class_layout.levels[0],
                                  vmax=class_layout.levels[-1], scale_automatic=True))
    assert error.value.parameter == "COLORBAR"
    assert "lowest class is not known" in str(error.value)


def test_one_column_legend_is_one_column(class_layout):
    """A legend of one column of patches has no other column beside it."""
    legend = detect_layout(read_figure(class_layout.path).rgb).class_legend
    assert legend.columns == 1, (legend.columns, legend.patches_in_all)


def shares_of_the_right_class(result, figure):
    """The share of the grid's pixels (at the output pixels' centres) decoded in their class."""
    low, high = VALUE_RANGE
    levels = np.asarray(figure.levels)
    expected = np.clip(grid_on_output(result, figure.grid_path), low, high)
    data = np.isfinite(expected)
    decoded = result.values
    both = data & np.isfinite(decoded)
    right_class = np.zeros(decoded.shape, bool)
    right_class[both] = np.searchsorted(levels, expected[both], side="right") == \
        np.searchsorted(levels, decoded[both], side="right")
    return float(right_class[data].mean())


def render_classes(folder, shared_data, **arguments):
    grid_path = folder / "kilauea.nc"
    shutil.copy(shared_data / "gmtserver_Kilauea.utm.nc", grid_path)
    figure = render_print_layout(folder / "layout.png", grid_path, CRS, EXTENT, VALUE_RANGE,
                                 map_crs=CRS, interval=5000.0, ramp_name="Viridis",
                                 invert_ramp=False, page_height=170.0, **arguments)
    figure.grid_path = grid_path
    return figure


@pytest.mark.parametrize("columns, classes, dpi, where", [
    (2, 8, 150, "inside"), (3, 9, 120, "beside"), (2, 5, 150, "beside")])
def test_legend_in_several_columns_read_column_after_column(
        qgis_app, tmp_path, shared_data, columns, classes, dpi, where):
    """A classified layer's legend laid out by QGIS in several columns (its items split
    between them, the first column under the layer's name, so shorter: 8 classes as 3 and 5,
    9 as 2, 4 and 3, 5 as 1 and 4), over the map or beside it. It was refused naming LEVELS
    (one column was read as the whole legend before that). Each column is now found at the
    legend's pitch and size, and the patches read column after column, each from the top, as
    QGIS fills them: every class boundary QGIS's (to its labels' rounding, '1313' for
    1312.5), decoded with the patches' colours; beside the map, within twice the error of the
    same map with its legend in one column decoded with the patches' box and LEVELS given
    by hand."""
    inside = where == "inside"
    arguments = dict(classes=classes, dpi=dpi, legend_position=(100, 60) if inside else (125, 40),
                     map_width=150.0 if inside else 90.0)
    figure = render_classes(tmp_path, shared_data, legend_columns=columns, **arguments)
    rgb = read_figure(figure.path).rgb
    layout = detect_layout(rgb)
    legend = layout.class_legend
    assert legend is not None
    assert (legend.columns, legend.patches_in_all) == (columns, classes)
    assert len(legend.column_sizes) == columns and sum(legend.column_sizes) == classes
    # The labels in QGIS's order: the boundaries run up through every column.
    bar = read_figure_face(rgb, layout, want_axes=False).colorbar
    # (An open end class closed a neighbouring class's width away: 1313 + 188 = 1501.)
    assert bar.levels == pytest.approx(figure.levels, abs=1.0 + 1e-6), bar.levels
    assert bar.flip
    auto = decode_map(DecodeSettings(figure_path=figure.path, gcp_crs=CRS, scale_automatic=True))
    assert any(f"in {columns} columns of" in message for message in auto.messages)
    share = shares_of_the_right_class(auto, figure)
    print("share of the right class, legend in columns:", share)
    assert share >= 0.8
    if inside:
        return
    # The same map (the legend beside it), its legend in one column, decoded by hand.
    (tmp_path / "one").mkdir()
    one = render_classes(tmp_path / "one", shared_data, **arguments)
    b0, b1, b2, b3 = one.colorbar
    left, top, right, bottom = one.frame
    hand = decode_map(DecodeSettings(
        figure_path=one.path, colorbar_extent=(b0, b2, -b3, -b1), colorbar_flip=True,
        vmin=VALUE_RANGE[0], vmax=VALUE_RANGE[1], levels=one.levels,
        gcps_path=frame_gcps_csv(tmp_path / "gcps.csv", one), gcp_crs=CRS,
        plot_area_extent=(np.ceil(left), np.floor(right), -np.floor(bottom), -np.ceil(top))))
    hand_share = shares_of_the_right_class(hand, one)
    print("by hand, legend in one column:", hand_share)
    assert 1 - share <= 2 * (1 - hand_share) + 0.005, (share, hand_share)


def test_legend_in_columns_whose_labels_are_not_all_read_refused_naming_levels(
        qgis_app, tmp_path, shared_data):
    """A legend in two columns straddling the map's right edge, drawn with no frame line: the
    first column's labels, inside the frame with no legend box found round them, are not
    read as the legend's. The columns are not read then: refused naming LEVELS, saying the
    legend is laid out in columns and how many classes to give, never decoded with classes in
    another order."""
    figure = render_classes(tmp_path, shared_data, classes=8, dpi=150, legend_columns=2,
                            legend_frame=False)
    legend = detect_layout(read_figure(figure.path).rgb).class_legend
    assert legend is not None
    assert (legend.columns, legend.patches_in_all) == (2, 8)
    with pytest.raises(EngineError) as error:
        decode_map(DecodeSettings(figure_path=figure.path, gcp_crs=CRS, scale_automatic=True))
    assert error.value.parameter == "LEVELS"
    assert "laid out in 2 columns (8 patches in all)" in str(error.value)
    assert "all 8 classes" in str(error.value)


def test_legend_box_over_the_maps_edge_read_whole(qgis_app, tmp_path, shared_data):
    """The same legend in its frame line, the box straddling the map's right edge: a legend
    box was looked for inside the frame only, so the first column's labels (inside the
    frame) were not read as the legend's and the figure was refused naming LEVELS. A box of
    dark lines round the legend lying across one of the frame's sides is the legend's: its
    labels are all read, column after column, and the map decoded in QGIS's classes."""
    figure = render_classes(tmp_path, shared_data, classes=8, dpi=150, legend_columns=2)
    rgb = read_figure(figure.path).rgb
    layout = detect_layout(rgb)
    assert layout.legend_box is not None
    assert layout.legend_box[0] < layout.frame.box[2] < layout.legend_box[2]
    bar = read_figure_face(rgb, layout, want_axes=False).colorbar
    # (An open end class closed a neighbouring class's width away: 1313 + 188 = 1501.)
    assert bar.levels == pytest.approx(figure.levels, abs=1.0 + 1e-6), bar.levels
    auto = decode_map(DecodeSettings(figure_path=figure.path, gcp_crs=CRS, scale_automatic=True))
    assert any("in 2 columns of" in message for message in auto.messages)
    share = shares_of_the_right_class(auto, figure)
    print("share of the right class, legend over the map's edge:", share)
    assert share >= 0.8
