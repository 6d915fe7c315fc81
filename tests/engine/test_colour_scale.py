"""Tests of the colour scale module against real colormaps and real colour table files."""
import sys
import types
from pathlib import Path

import matplotlib
import matplotlib.colors
import numpy as np
import pytest

from colormap_decoder.plugin.engine.colour_scales import (
    ColourScale,
    available_colour_scale_names,
    colour_scale_from_matplotlib,
    colour_scale_from_samples,
    read_cpt,
    resolve_colour_scale,
)
from colormap_decoder.plugin.engine.errors import ColourScaleError, EngineError

QGIS_RESOURCES = Path("/usr/share/qgis/resources")
GMT_CPT = Path("/usr/share/gmt/cpt")

# make test installs QGIS and GMT (Debian's qgis and gmt): their files missing is a set-up
# error that must fail, not a reason to skip.


def rgb255(*values):
    return np.array(values, dtype=np.float64) / 255.0


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


# --- ColourScale itself ------------------------------------------------------------------------


def test_continuous_colour_at_interpolates_and_takes_upper_colour_at_a_step():
    scale = ColourScale("test", [0.0, 0.5, 0.5, 1.0], [[0, 0, 0], [1, 1, 1], [1, 0, 0], [0, 0, 1]])
    colours = scale.colour_at([0.0, 0.25, 0.5, 0.75, 1.0, -3.0, 7.0])
    np.testing.assert_allclose(
        colours,
        [[0, 0, 0], [0.5, 0.5, 0.5], [1, 0, 0], [0.5, 0, 0.5], [0, 0, 1], [0, 0, 0], [0, 0, 1]],
        atol=1e-15,
    )


def test_discrete_colour_at_returns_the_band_colour():
    scale = ColourScale("bands", [0.0, 0.2, 1.0], [[1, 0, 0], [0, 1, 0]], discrete=True)
    np.testing.assert_array_equal(
        scale.colour_at([0.0, 0.1999, 0.2, 0.9, 1.0]), [[1, 0, 0], [1, 0, 0], [0, 1, 0], [0, 1, 0], [0, 1, 0]]
    )
    assert scale.band_count == 2


def test_reversed_flips_colours_swaps_below_above_and_mirrors_the_hinge():
    scale = ColourScale(
        "x",
        [0.0, 0.25, 1.0],
        [[1, 0, 0], [0, 1, 0]],
        discrete=True,
        value_range=(-100.0, 300.0),
        below_colour=[0, 0, 0],
        above_colour=[1, 1, 1],
        hinge=0.0,
    )
    flipped = scale.reversed()
    assert flipped.name == "x_r"
    np.testing.assert_allclose(flipped.positions, [0.0, 0.75, 1.0])
    np.testing.assert_array_equal(flipped.colours, [[0, 1, 0], [1, 0, 0]])
    np.testing.assert_array_equal(flipped.below_colour, [1, 1, 1])
    np.testing.assert_array_equal(flipped.above_colour, [0, 0, 0])
    assert flipped.value_range == (-100.0, 300.0)
    assert flipped.hinge == 200.0
    fractions = np.linspace(0.01, 0.99, 41)  # off the boundaries, where the upper colour wins
    np.testing.assert_array_equal(flipped.colour_at(fractions), scale.colour_at(1 - fractions))
    assert flipped.reversed().name == "x"


@pytest.mark.parametrize(
    "positions, colours, discrete",
    [
        ([0.0, 1.0], [[0, 0, 0]], False),  # one colour short
        ([0.0, 1.0], [[0, 0, 0], [1, 1, 1]], True),  # discrete needs n - 1 colours
        ([0.0, 0.6, 0.5, 1.0], [[0, 0, 0]] * 4, False),  # decreasing
        ([0.1, 1.0], [[0, 0, 0], [1, 1, 1]], False),  # does not start at 0
        ([0.0, 1.0], [[0, 0, 0], [2, 1, 1]], False),  # not sRGB 0..1
    ],
)
def test_invalid_scales_are_refused(positions, colours, discrete):
    with pytest.raises(ColourScaleError):
        ColourScale("bad", positions, colours, discrete=discrete)


def test_arrays_are_read_only_float64():
    scale = ColourScale("x", [0, 1], [[0, 0, 0], [1, 1, 1]])
    assert scale.positions.dtype == np.float64 and scale.colours.dtype == np.float64
    with pytest.raises(ValueError):
        scale.colours[0, 0] = 0.5


# --- matplotlib -----------------------------------------------------------------------------------


def test_viridis_vertices_sit_at_lut_interval_centres():
    scale = resolve_colour_scale("viridis")
    cmap = matplotlib.colormaps["viridis"]
    assert scale.name == "matplotlib:viridis"
    assert not scale.discrete
    centres = (np.arange(256) + 0.5) / 256
    np.testing.assert_allclose(scale.positions[1:-1], centres, rtol=0, atol=1e-15)
    assert scale.positions[0] == 0.0 and scale.positions[-1] == 1.0
    # At a LUT interval centre the scale gives exactly the colour matplotlib draws there.
    np.testing.assert_allclose(scale.colour_at(centres), cmap(centres)[:, :3], rtol=0, atol=1e-12)
    np.testing.assert_allclose(scale.colour_at(0.5 + 0.5 / 256)[0], cmap(0.5)[:3], rtol=0, atol=1e-12)
    # Fraction 0.5 is the boundary between LUT entries 127 and 128: half-way between them.
    expected = (np.asarray(cmap(127)[:3]) + np.asarray(cmap(128)[:3])) / 2
    np.testing.assert_allclose(scale.colour_at(0.5)[0], expected, rtol=0, atol=1e-12)
    # The ends are flat, as matplotlib's first and last LUT entries are.
    np.testing.assert_allclose(scale.colour_at([0.0, 1.0]), cmap([0.0, 1.0])[:, :3], rtol=0, atol=1e-12)


def test_jet_r_is_the_reverse_of_jet():
    jet = resolve_colour_scale("jet")
    jet_r = resolve_colour_scale("jet_r")
    assert jet_r.name == "matplotlib:jet_r"
    np.testing.assert_allclose(jet_r.colours, jet.colours[::-1], rtol=0, atol=1e-12)
    np.testing.assert_allclose(jet.reversed().colours, jet_r.colours, rtol=0, atol=1e-12)
    np.testing.assert_allclose(jet.reversed().positions, jet_r.positions, rtol=0, atol=1e-12)


def test_small_listed_colormap_is_discrete_with_equal_bands():
    scale = resolve_colour_scale("mpl:tab10")
    cmap = matplotlib.colormaps["tab10"]
    assert scale.discrete and scale.band_count == 10
    np.testing.assert_allclose(scale.positions, np.arange(11) / 10, atol=1e-15)
    fractions = np.array([0.0, 0.05, 0.1, 0.15, 0.999, 1.0])
    np.testing.assert_allclose(scale.colour_at(fractions), cmap(fractions)[:, :3], rtol=0, atol=1e-12)


def test_colormap_with_a_short_lut_is_discrete():
    cmap = matplotlib.colors.LinearSegmentedColormap.from_list("short", ["red", "blue"], N=5)
    scale = colour_scale_from_matplotlib(cmap)
    assert scale.discrete and scale.band_count == 5 and scale.name == "matplotlib:short"
    np.testing.assert_allclose(scale.colour_at([0.1, 0.5, 0.95]), cmap([0.1, 0.5, 0.95])[:, :3], atol=1e-12)


def test_bare_name_prefers_matplotlib_and_case_insensitive_pass_works():
    assert resolve_colour_scale("Spectral").name == "matplotlib:Spectral"
    assert resolve_colour_scale("VIRIDIS").name == "matplotlib:viridis"
    assert resolve_colour_scale("matplotlib:Greys").name == "matplotlib:Greys"


# --- QGIS default style ------------------------------------------------------------------------


def test_qgis_spectral_has_the_stops_of_the_real_style_file():
    scale = resolve_colour_scale("qgis:Spectral")
    assert scale.name == "qgis:Spectral"
    assert not scale.discrete
    # symbology-style.xml: color1 215,25,28; stops 0.25;253,174,97 0.5;255,255,191
    # 0.75;171,221,164; color2 43,131,186.
    np.testing.assert_allclose(scale.positions, [0.0, 0.25, 0.5, 0.75, 1.0])
    np.testing.assert_allclose(
        scale.colours,
        [rgb255(215, 25, 28), rgb255(253, 174, 97), rgb255(255, 255, 191), rgb255(171, 221, 164), rgb255(43, 131, 186)],
        atol=1e-15,
    )
    np.testing.assert_allclose(scale.colour_at(0.625)[0], (rgb255(255, 255, 191) + rgb255(171, 221, 164)) / 2)


def test_qgis_ramp_stored_as_option_map_is_read():
    # Magma is written with <Option name="color1" value="0,0,4,255"/> ... in the real file.
    scale = resolve_colour_scale("qgis:Magma")
    np.testing.assert_allclose(scale.colours[0], rgb255(0, 0, 4))
    np.testing.assert_allclose(scale.colours[-1], rgb255(252, 253, 191))
    assert scale.positions.size > 50


def test_qgis_names_are_case_insensitive_and_reversible():
    scale = resolve_colour_scale("qgis:spectral_r")
    assert scale.name == "qgis:Spectral_r"
    np.testing.assert_allclose(scale.colours[0], rgb255(43, 131, 186))


QGIS_STYLE_NEWER_FORMAT = """<!DOCTYPE qgis_style>
<qgis_style version="2">
  <symbols/>
  <colorramps>
    <colorramp type="gradient" name="Steps">
      <Option type="Map">
        <Option type="QString" name="color1" value="255,0,0,255,rgb:1,0,0,1"/>
        <Option type="QString" name="color2" value="0,0,255,255,rgb:0,0,1,1"/>
        <Option type="QString" name="discrete" value="1"/>
        <Option type="QString" name="rampType" value="gradient"/>
        <Option type="QString" name="stops" value="0.4;0,255,0,255,rgb:0,1,0,1;rgb;ccw:0.8;255,255,0,255,rgb:1,1,0,1;rgb;ccw"/>
      </Option>
    </colorramp>
    <colorramp type="gradient" name="Smooth">
      <prop k="color1" v="0,0,0,255"/>
      <prop k="color2" v="255,255,255,255"/>
      <prop k="discrete" v="0"/>
      <prop k="stops" v="0.5;255,0,0,255"/>
    </colorramp>
    <colorramp type="random" name="Random colors"/>
  </colorramps>
</qgis_style>
"""  # noqa: E501 - a QGIS style file as QGIS writes it


def test_qgis_discrete_ramp_and_newer_colour_format(tmp_path):
    write(tmp_path, "symbology-style.xml", QGIS_STYLE_NEWER_FORMAT)
    steps = resolve_colour_scale("qgis:Steps", search_qgis_resources=str(tmp_path))
    assert steps.discrete
    np.testing.assert_allclose(steps.positions, [0.0, 0.4, 0.8, 1.0])
    # QGIS: colour of the last stop at or below the value; color2 is only reached at 1.
    np.testing.assert_allclose(steps.colours, [[1, 0, 0], [0, 1, 0], [1, 1, 0]])
    np.testing.assert_allclose(steps.colour_at([0.1, 0.5, 0.9]), [[1, 0, 0], [0, 1, 0], [1, 1, 0]])
    smooth = resolve_colour_scale("Smooth", search_qgis_resources=str(tmp_path))
    assert smooth.name == "qgis:Smooth" and not smooth.discrete
    np.testing.assert_allclose(smooth.colour_at(0.75)[0], [1.0, 0.5, 0.5])
    assert "qgis:Random colors" not in available_colour_scale_names(str(tmp_path))


# --- cpt-city gradients shipped with QGIS -------------------------------------------------------


def test_cpt_city_stepwise_gradient_becomes_bands():
    scale = resolve_colour_scale("cpt-city:gmt/GMT_haxby")
    assert scale.name == "cpt-city:gmt/GMT_haxby"
    assert scale.discrete and scale.band_count == 32
    np.testing.assert_allclose(scale.colours[0], rgb255(0x0A, 0x00, 0x79))
    np.testing.assert_allclose(scale.colours[-1], [1.0, 1.0, 1.0])  # written "#fff"
    np.testing.assert_allclose(scale.positions[1], 0.0312)
    # The unique file name works too, and in any case.
    assert resolve_colour_scale("gmt_haxby").name == "cpt-city:gmt/GMT_haxby"


def test_cpt_city_continuous_gradient_with_implicit_black_stop():
    # GMT_ocean.svg's first stop has no stop-color: SVG makes it black.
    scale = resolve_colour_scale("cpt-city:gmt/GMT_ocean")
    assert not scale.discrete
    np.testing.assert_allclose(scale.colours[0], [0, 0, 0])
    np.testing.assert_allclose(scale.colour_at(0.0625)[0], rgb255(0x00, 0x05, 0x19) / 2)
    np.testing.assert_allclose(scale.colour_at(1.0)[0], rgb255(0xFA, 0xFF, 0xFF))


def test_cpt_city_ambiguous_file_name_is_refused():
    with pytest.raises(ColourScaleError, match="ambiguous"):
        resolve_colour_scale("cpt-city:natural")


# --- GMT colour tables -------------------------------------------------------------------------


def test_earth_age_table_is_discrete_with_its_value_range(shared_data):
    path = shared_data / "gmtserver_earth_age.cpt"
    scale = read_cpt(path)
    assert scale.name == f"cpt:{path}"
    assert scale.discrete
    assert scale.band_count == 17
    assert scale.value_range == (0.0, 340.0)
    np.testing.assert_allclose(scale.positions[1], 11.06 / 340.0)
    np.testing.assert_allclose(scale.positions[-2], 190.0 / 340.0)
    np.testing.assert_allclose(scale.colours[0], rgb255(219, 30, 38))
    np.testing.assert_allclose(scale.colours[-1], rgb255(30, 92, 179))
    # 100 Myr lies in the slice 83.64..125.93 (192/229/136).
    np.testing.assert_allclose(scale.colour_at(100.0 / 340.0)[0], rgb255(192, 229, 136))
    np.testing.assert_array_equal(scale.below_colour, [0, 0, 0])
    np.testing.assert_array_equal(scale.above_colour, [1, 1, 1])
    np.testing.assert_allclose(scale.nodata_colour, rgb255(128, 128, 128))
    assert resolve_colour_scale(str(path)).band_count == 17


def test_continuous_gmt_table_interpolates_inside_a_slice():
    scale = read_cpt(GMT_CPT / "gmt" / "haxby.cpt")
    assert not scale.discrete
    assert scale.value_range == (0.0, 1.0)
    # First slice: 0.000000 10/0/121 -> 0.032258 40/0/150.
    z = 0.032258 / 4
    np.testing.assert_allclose(scale.colour_at(z)[0], rgb255(17.5, 0, 128.25), atol=1e-12)
    assert scale.below_colour is None


def test_gmt_table_with_range_and_hard_hinge():
    scale = read_cpt(GMT_CPT / "gmt" / "geo.cpt")
    # "# RANGE = -8000/8000", "# HARD_HINGE"; z runs -1..1 with the hinge at 0.
    assert scale.value_range == (-8000.0, 8000.0)
    assert scale.hinge == 0.0
    assert not scale.discrete
    # -1 black -> -0.875 20/30/53: z = -0.875 is -7000 m, i.e. fraction 1000 / 16000.
    np.testing.assert_allclose(scale.colour_at(1000 / 16000)[0], rgb255(20, 30, 53), atol=1e-12)
    # At the hinge the upper slice "0 0/97/71" starts; just below it is 245/255/255.
    np.testing.assert_allclose(scale.colour_at(0.5)[0], rgb255(0, 97, 71), atol=1e-12)
    np.testing.assert_allclose(scale.colour_at(0.5 - 1e-12)[0], rgb255(245, 255, 255), atol=1e-6)
    np.testing.assert_array_equal(scale.below_colour, [0, 0, 0])


def test_hsv_gmt_table_interpolates_hue():
    # rainbow.cpt: "# COLOR_MODEL = hsv", "0 magenta 1 red": hue goes 300 -> 0 through
    # blue, cyan, green and yellow, which sRGB interpolation could not do.
    scale = read_cpt(GMT_CPT / "gmt" / "rainbow.cpt")
    np.testing.assert_allclose(scale.colour_at([0.0, 0.5, 1.0]), [[1, 0, 1], [0, 1, 0.5], [1, 0, 0]], atol=1e-12)
    np.testing.assert_allclose(scale.colour_at(0.2)[0], [0, 0, 1], atol=1e-12)  # hue 240
    # cyclic.cpt: 0-1-1 -> 360-1-1, a full turn from red back to red, cyan half-way.
    cyclic = read_cpt(GMT_CPT / "gmt" / "cyclic.cpt")
    np.testing.assert_allclose(cyclic.colour_at([0.0, 0.5, 1.0]), [[1, 0, 0], [0, 1, 1], [1, 0, 0]], atol=1e-12)
    np.testing.assert_allclose(cyclic.nodata_colour, [0.75, 0.75, 0.75])  # N 0-0-0.75


def test_categorical_gmt_table_has_one_band_per_key():
    scale = read_cpt(GMT_CPT / "gmt" / "categorical.cpt")
    assert scale.discrete and scale.band_count == 256
    assert scale.value_range == (-0.5, 255.5)
    np.testing.assert_allclose(scale.colours[0], [0, 1, 0])  # "0 green": X11 green
    np.testing.assert_allclose(scale.colours[4], rgb255(255, 153, 238))


@pytest.mark.parametrize("relative", ["gmt/seis.cpt", "matlab/polar.cpt", "gmt/topo.cpt", "SCM/batlow.cpt",
                                      "gmt/gebco.cpt"])
def test_more_real_gmt_tables_load(relative):
    scale = read_cpt(GMT_CPT / relative)
    assert scale.positions[0] == 0.0 and scale.positions[-1] == 1.0


def test_handwritten_table_with_exotic_syntax(tmp_path):
    path = write(
        tmp_path,
        "exotic.cpt",
        "# a comment\n"
        "# COLOR_MODEL = RGB\n"
        "\n"
        "0   255 0 0      10  0 0 255   L ;first\n"
        "10  #00ff00      20  128            U\n"
        "20  lightblue    30  90-1-1\n"
        "30  0/0/0/100    40  white@50  B\n"
        "B   black\n"
        "F   255 255 255\n"
        "N   -\n",
    )
    scale = read_cpt(path)
    assert not scale.discrete
    assert scale.value_range == (0.0, 40.0)
    np.testing.assert_allclose(scale.colour_at(0.125)[0], [0.5, 0, 0.5])  # z = 5
    np.testing.assert_allclose(scale.colour_at(0.25)[0], [0, 1, 0])  # z = 10: upper slice starts
    np.testing.assert_allclose(scale.colour_at(0.5 - 1e-12)[0], rgb255(128, 128, 128), atol=1e-9)
    np.testing.assert_allclose(scale.colour_at(0.5)[0], rgb255(173, 216, 230))  # X11 lightblue
    np.testing.assert_allclose(scale.colour_at(0.75 - 1e-12)[0], [0.5, 1, 0], atol=1e-9)  # hue 90
    np.testing.assert_allclose(scale.colour_at(0.75)[0], [0, 0, 0])  # CMYK 0/0/0/100
    np.testing.assert_array_equal(scale.above_colour, [1, 1, 1])
    assert scale.nodata_colour is None
    # Steps at 10 and 20 (colours differ) keep two vertices; at 30 too (hue 90 vs black).
    assert np.count_nonzero(np.diff(scale.positions) == 0) == 3


def test_handwritten_hsv_table_with_space_separated_triplets(tmp_path):
    path = write(tmp_path, "hsv.cpt", "# COLOR_MODEL = HSV\n-5 0 1 1 5 120 1 1\nB 240 1 1\n")
    scale = read_cpt(path)
    assert scale.value_range == (-5.0, 5.0)
    np.testing.assert_allclose(scale.colour_at([0.0, 0.5, 1.0]), [[1, 0, 0], [1, 1, 0], [0, 1, 0]], atol=1e-12)
    np.testing.assert_allclose(scale.below_colour, [0, 0, 1])


def test_handwritten_discrete_table(tmp_path):
    path = write(tmp_path, "steps.cpt", "-10 red -5 red\n-5 0/0/255 5 0/0/255\n5 gray 10 gray\n")
    scale = read_cpt(path)
    assert scale.discrete and scale.band_count == 3
    np.testing.assert_allclose(scale.positions, [0.0, 0.25, 0.75, 1.0])
    np.testing.assert_allclose(scale.colours[2], rgb255(190, 190, 190))  # GMT/X11 gray


def test_malformed_table_error_names_the_line(tmp_path):
    path = write(tmp_path, "bad.cpt", "# header\n0 red 1 blue\n1 blue 2\n")
    with pytest.raises(ColourScaleError, match="line 3"):
        read_cpt(path)
    path = write(tmp_path, "bad_colour.cpt", "0 red 1 blue\n\n1 nosuchcolour 2 red\n")
    with pytest.raises(ColourScaleError, match=r"line 3.*nosuchcolour"):
        read_cpt(path)
    path = write(tmp_path, "gap.cpt", "0 red 1 blue\n2 blue 3 red\n")
    with pytest.raises(ColourScaleError, match="line 2"):
        read_cpt(path)


def test_missing_or_empty_table(tmp_path):
    with pytest.raises(ColourScaleError, match="cannot read"):
        resolve_colour_scale(str(tmp_path / "missing.cpt"))
    with pytest.raises(ColourScaleError, match="no colour slices"):
        read_cpt(write(tmp_path, "empty.cpt", "# nothing\nB black\n"))


# --- names, errors, optional packages ----------------------------------------------------------


def test_unknown_name_suggests_close_names():
    with pytest.raises(ColourScaleError) as caught:
        resolve_colour_scale("viridsi")
    message = str(caught.value)
    assert "'viridsi'" in message and "viridis" in message
    assert isinstance(caught.value, EngineError) and caught.value.parameter == "COLORMAP"


def test_missing_optional_package_names_the_pip_package(monkeypatch):
    # A None entry in sys.modules makes the import fail even where the package is installed.
    monkeypatch.setitem(sys.modules, "cmocean", None)
    monkeypatch.setitem(sys.modules, "cmocean.cm", None)
    with pytest.raises(ColourScaleError, match="pip install cmocean"):
        resolve_colour_scale("cmocean:thermal")
    monkeypatch.setitem(sys.modules, "colorcet", None)
    with pytest.raises(ColourScaleError, match="pip install colorcet"):
        resolve_colour_scale("cc:fire")


def test_optional_package_is_used_when_importable(monkeypatch):
    thermal = matplotlib.colors.LinearSegmentedColormap.from_list("thermal", ["black", "orange", "white"])
    fake_cm = types.ModuleType("cmocean.cm")
    fake_cm.cmap_d = {"thermal": thermal}
    fake_package = types.ModuleType("cmocean")
    fake_package.cm = fake_cm
    monkeypatch.setitem(sys.modules, "cmocean", fake_package)
    monkeypatch.setitem(sys.modules, "cmocean.cm", fake_cm)
    scale = resolve_colour_scale("cmocean:thermal")
    assert scale.name == "cmocean:thermal"
    np.testing.assert_allclose(scale.colour_at(scale.positions[1:-1]), thermal(np.arange(256))[:, :3], atol=1e-12)
    # A bare name not in matplotlib falls through to cmocean; "_r" is built when missing.
    reversed_scale = resolve_colour_scale("thermal_r")
    assert reversed_scale.name == "cmocean:thermal_r"
    np.testing.assert_allclose(reversed_scale.colours, scale.colours[::-1])
    assert "cmocean:thermal" in available_colour_scale_names()


def test_available_names_cover_every_source():
    names = available_colour_scale_names()
    for expected in ("matplotlib:viridis", "qgis:Spectral", "cpt-city:gmt/GMT_haxby", "cpt-city:GMT_haxby"):
        assert expected in names
    bare = available_colour_scale_names(prefixed=False)
    assert "viridis" in bare and len(bare) == len(set(bare))


def test_colour_scale_from_samples():
    samples = np.array([[0, 0, 0, 255], [255, 0, 0, 255], [255, 255, 255, 255]], dtype=np.uint8)
    scale = colour_scale_from_samples(samples)
    assert scale.name == "colorbar" and not scale.discrete
    np.testing.assert_allclose(scale.positions, [0.0, 0.5, 1.0])
    np.testing.assert_allclose(scale.colour_at(0.75)[0], [1.0, 0.5, 0.5])
    floats = colour_scale_from_samples([[0.0, 0.0, 0.0], [1.0, 1.0, 1.0]], name="bar", positions=[0.0, 1.0])
    np.testing.assert_allclose(floats.colour_at(0.3)[0], [0.3, 0.3, 0.3])
    with pytest.raises(ColourScaleError):
        colour_scale_from_samples([[0.0, 0.0, 0.0]])


# --- matplotlib's listed colormaps, read without importing matplotlib ---------------------------


def test_listed_tables_are_matplotlibs_own_bit_for_bit():
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "data"))
    from make_matplotlib_tables import listed_tables

    from colormap_decoder.plugin.engine.colour_scales.matplotlib_source import listed_table

    expected = listed_tables()
    assert {"viridis", "magma", "turbo", "cividis", "twilight", "tab10", "Set1"} <= set(expected)
    for name in expected:
        for variant in (name, name + "_r"):
            colormap = matplotlib.colormaps[variant]
            table = listed_table(variant)
            assert np.array_equal(table, np.asarray(colormap(np.arange(colormap.N)))[:, :3]), variant
            # The scale built from the table is the one built from matplotlib's colormap.
            fast, slow = resolve_colour_scale(variant), colour_scale_from_matplotlib(colormap,
                                                                                   f"matplotlib:{variant}")
            assert fast.name == slow.name == f"matplotlib:{variant}"
            assert (fast.discrete, fast.lookup_table) == (slow.discrete, slow.lookup_table)
            assert np.array_equal(fast.positions, slow.positions)
            assert np.array_equal(fast.colours, slow.colours)
    # Not listed (segmented maps, other case): matplotlib itself is asked.
    assert listed_table("jet") is None and listed_table("Viridis") is None
    assert resolve_colour_scale("jet_r").name == "matplotlib:jet_r"


def test_a_listed_colormap_is_resolved_without_importing_matplotlib():
    import subprocess

    script = ("import sys\n"
              f"sys.path.insert(0, {str(Path(__file__).resolve().parents[1])!r})\n"
              "from sample_figure import expose_package\n"
              "expose_package()\n"
              "from colormap_decoder.plugin.engine.colour_scales import resolve_colour_scale\n"
              "for name in ('viridis', 'mpl:magma_r', 'tab10'):\n"
              "    print(resolve_colour_scale(name).name)\n"
              "print('matplotlib' in sys.modules)\n")
    completed = subprocess.run(["/usr/bin/python3", "-c", script], capture_output=True, text=True,
                               timeout=120, env={"PATH": "/usr/bin:/bin", "HOME": "/tmp"})
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.split() == ["matplotlib:viridis", "matplotlib:magma_r", "matplotlib:tab10",
                                         "False"]


@pytest.mark.parametrize("encoding, prefix", [("utf-8", b"\xef\xbb\xbf"), ("utf-16", b""),
                                              ("utf-16-le", b""), ("utf-16-be", b"")])
def test_a_cpt_saved_with_a_byte_order_mark_or_as_utf16_reads_as_its_utf8_twin(tmp_path,
                                                                                encoding,
                                                                                prefix):
    """A .cpt saved by a Windows editor: UTF-8 with a byte-order mark ("'\\ufeff0' is not a
    number" on line 1) or UTF-16 ("not a text file") was refused."""
    text = "0 0/0/255 50 0/255/0\r\n50 0/255/0 100 255/0/0\r\n"
    (tmp_path / "plain.cpt").write_text(text)
    (tmp_path / "saved.cpt").write_bytes(prefix + text.encode(encoding))
    plain, saved = read_cpt(str(tmp_path / "plain.cpt")), read_cpt(str(tmp_path / "saved.cpt"))
    fractions = np.linspace(0, 1, 11)
    assert saved.value_range == plain.value_range == (0.0, 100.0)
    assert np.array_equal(saved.colour_at(fractions), plain.colour_at(fractions))
