"""Values QGIS would read as something else are refused as given, naming the parameter.

Found by ``bench/attack_algorithms.py``: QGIS reads 2.5 for a whole-number parameter as 2 and
2**40 as 0 (which a later check then reported as "DBSCAN_MIN_SAMPLES = 0"); a layer it cannot
load got QGIS's bare "Could not load source layer for MASK"; a LEVELS of commas only was
silently a continuous scale.
"""

import pytest
from sample_figure import sample_parameters

DECODE, DETECT = "colormapdecoder:decodemap", "colormapdecoder:detectfigure"


def values(folder, **overrides):
    return sample_parameters(folder.parent / "out", figure=folder / "fig.png",
                             GCPS=str(folder / "fig.png.points"), **overrides)


def refusal(algorithm, parameters):
    import processing
    from qgis.core import QgsProcessingException

    with pytest.raises(QgsProcessingException) as raised:
        processing.run(algorithm, parameters)
    message = str(raised.value).removeprefix("Unable to execute algorithm\n")
    assert "Traceback" not in message and "This is a bug" not in message, message
    return message


@pytest.mark.parametrize("value", [2 ** 40, 2.5, "1e12", "3.7"])
def test_a_whole_number_parameter_is_refused_as_given(provider, figure_folder, value):
    message = refusal(DECODE, values(figure_folder, DBSCAN_MIN_SAMPLES=value))
    assert message.startswith(f"DBSCAN_MIN_SAMPLES: '{value}' is not a whole number. Give a "
                              "whole number at least 1."), message
    assert not (figure_folder.parent / "out").exists()


def test_a_whole_number_written_with_a_point_passes(provider, figure_folder):
    import processing

    result = processing.run(DECODE, values(figure_folder, DBSCAN_MIN_SAMPLES="2.0"))
    assert result["OUTPUT_POINTS"]


@pytest.mark.parametrize("algorithm", [DECODE, DETECT])
def test_no_figure_says_what_to_give(provider, figure_folder, algorithm):
    message = refusal(algorithm, {**values(figure_folder), "INPUT": ""}
                      if algorithm == DECODE else {"INPUT": ""})
    assert message.startswith("INPUT: no layer given. Give the figure's image file"), message


def test_a_mask_that_does_not_exist_says_what_to_give(provider, figure_folder):
    missing = figure_folder / "missing.gpkg"
    message = refusal(DECODE, values(figure_folder, MASK=str(missing)))
    assert message.startswith(f"MASK: '{missing}' does not exist and is not a layer of the "
                              "project. Give a polygon layer"), message
    assert "or leave it empty" in message


@pytest.mark.parametrize("text", [",,,", " ; ; "])
def test_levels_without_a_number_are_refused(provider, figure_folder, text):
    message = refusal(DECODE, values(figure_folder, LEVELS=text))
    assert message.startswith(f"LEVELS: '{text.strip()}' holds no number."), message
    assert "leave LEVELS empty" in message


@pytest.mark.parametrize("target_crs", ["EPSG:32632", None])
def test_gcps_with_x_and_y_swapped_name_gcps(provider, figure_folder, target_crs):
    """UTM GCPs with easting and northing swapped place the figure in the Indian Ocean, far
    from UTM zone 32's area: the GCPs are what is wrong, not TARGET_CRS (which was named)."""
    points = figure_folder / "fig.png.points"
    lines = points.read_text().splitlines()
    swapped = [line if not line[:1].isdigit() else ",".join(
        [line.split(",")[1], line.split(",")[0]] + line.split(",")[2:]) for line in lines]
    points.write_text("\n".join(swapped) + "\n")
    message = refusal(DECODE, {k: v for k, v in values(figure_folder, TARGET_CRS=target_crs).items()
                               if v is not None})
    assert message.startswith("GCPS: The figure is placed at longitudes "), message
    assert "far outside the area where its own CRS WGS 84 / UTM zone 32N" in message
    assert "are x and y swapped?" in message


def test_a_target_crs_far_from_the_figure_still_names_target_crs(provider, figure_folder):
    message = refusal(DECODE, values(figure_folder, TARGET_CRS="EPSG:32760"))
    assert message.startswith("TARGET_CRS: The figure covers longitudes"), message


@pytest.mark.parametrize("algorithm, name, value, words", [
    # Read as nothing, 0, 1, no CRS, the next choice or true, the run went on with another value.
    (DECODE, "LEVELS", [0, 1000, 2000, 4000], "a list ([0, 1000, 2000, 4000]) is not read as "
                                             "text (QGIS would read it as nothing). Give the "
                                             "numbers as one text: '0,1000,2000,4000'."),
    (DECODE, "VMIN", [100], "a list ([100]) is not a number. Give one number"),
    (DECODE, "VMAX", {"value": 4000}, "a dictionary ({'value': 4000}) is not a number."),
    (DECODE, "VMIN", True, "true (true or false) is not a number."),
    (DECODE, "TRANSFORM", 1.5, "the number 1.5 is not one of the choices. Give one of 0"),
    (DECODE, "TRANSFORM", "1.5", "'1.5' is not one of the choices."),
    (DECODE, "DENOISE", "no", "'no' is not true or false (QGIS would read it as true)."),
    (DECODE, "DENOISE", 2, "the number 2 is not true or false"),
    (DECODE, "GCPS", ["fig.png.points"], "a list (['fig.png.points']) is not a file name"),
    (DECODE, "TARGET_CRS", 4326, "the number 4326 is not a CRS (QGIS would read it as none). "
                                 "Give it with its authority, e.g. 'EPSG:4326'."),
    (DECODE, "GCP_CRS", ["EPSG:32632"], "a list (['EPSG:32632']) is not a CRS"),
    (DECODE, "PLOT_AREA", [100, 600, -500, -100], "Give its four numbers as one text: "
                                                  "'100,600,-500,-100' (xmin,xmax,ymin,ymax)."),
    (DECODE, "OUTPUT_POINTS", {"sink": "x"}, "a dictionary ({'sink': 'x'}) is not a destination. "
                                             "Give a file name (e.g. 'points.gpkg')"),
    (DECODE, "INPUT", 42, "the number 42 is not a layer. Give the figure's image file"),
    (DETECT, "GCP_CRS", 4326, "Give it with its authority, e.g. 'EPSG:4326'."),
    (DETECT, "OUTPUT_GCPS", 3, "the number 3 is not a destination. Give a file name (e.g. "
                               "'gcps.points')"),
    # numpy's numbers: QGIS read float32(4000) and float64(4000) as 0, refused int64(0) for a
    # choice.
    (DECODE, "VMAX", "float32", "4000.0 is a float32 number, which QGIS reads as 0 or not at "
                                "all. Give a plain number (4000.0)."),
    (DECODE, "VMAX", "float64", "is a float64 number, which QGIS reads as 0 or not at all"),
    (DECODE, "TRANSFORM", "int64", "is a int64 number, which QGIS reads as 0 or not at all"),
])
def test_a_value_of_a_type_qgis_would_misread_is_refused_as_given(provider, figure_folder,
                                                                   algorithm, name, value, words):
    """What a script or a qgis_process JSON parameter file gives: a list, a dictionary, a
    number for a CRS, a text for a boolean. QGIS read them as something else (LEVELS as none:
    a continuous decode; 'no' as true) and the run went on or blamed another parameter."""
    import numpy as np

    numpy_numbers = {"float32": np.float32(4000), "float64": np.float64(4000),
                     "int64": np.int64(0)}
    value = numpy_numbers.get(value, value) if isinstance(value, str) else value
    parameters = (values(figure_folder) if algorithm == DECODE else
                  {"INPUT": str(figure_folder / "fig.png"),
                   "OUTPUT_GCPS": str(figure_folder.parent / "out" / "axes.points")})
    message = refusal(algorithm, {**parameters, name: value})
    assert message.startswith(f"{name}: "), message
    assert words in message, message
    assert not (figure_folder.parent / "out").exists()


@pytest.mark.parametrize("name, value", [("DENOISE", "false"), ("DENOISE", 0), ("TRANSFORM", 0.0),
                                         ("TRANSFORM", "0"), ("VMIN", "0"), ("COLORBAR_FLIP", "0")])
def test_values_qgis_reads_as_given_pass(provider, figure_folder, name, value):
    import processing

    result = processing.run(DECODE, values(figure_folder, **{name: value}))
    assert result["OUTPUT_POINTS"]


@pytest.mark.parametrize("algorithm, name, crs", [
    # Valid to QGIS, no map plane: TARGET_CRS decoded the whole figure before "no decoded
    # pixel falls on the output grid"; detectfigure wrote its GCPs in EPSG:4978.
    (DECODE, "TARGET_CRS", "EPSG:4978"),
    (DECODE, "GCP_CRS", "EPSG:4978"),
    (DETECT, "GCP_CRS", "EPSG:4978"),
    (DECODE, "TARGET_CRS", "+proj=geocent +ellps=GRS80"),
])
def test_a_geocentric_crs_is_refused_naming_its_parameter(provider, figure_folder, algorithm,
                                                          name, crs):
    parameters = values(figure_folder, **{name: crs}) if algorithm == DECODE else {
        "INPUT": str(figure_folder / "fig.png"), name: crs,
        "OUTPUT_GCPS": str(figure_folder.parent / "out" / "g.points")}
    message = refusal(algorithm, parameters)
    assert message.startswith(f"{name}: ") and "is a geocentric CRS" in message, message
    assert "projected or geographic CRS" in message
    assert not (figure_folder.parent / "out" / "g.points").exists()


@pytest.mark.parametrize("value, text", [
    # Six significant digits gave '5.14826e+06', a frame 2.5 m off, as a parameter to use.
    ((601262.5, 657212.5, 5148262.5, 5191212.5), "601262.5,657212.5,5148262.5,5191212.5"),
    ((112.0, 672.0, -518.0, -87.0), "112,672,-518,-87"),
    ((0.1 + 0.2, 1.0, -2.0, -1.0), "0.3,1,-2,-1"),
])
def test_a_box_found_is_given_back_with_every_digit(value, text):
    from colormap_decoder.plugin.engine.detection.layout import extent_text

    assert extent_text(value) == text
