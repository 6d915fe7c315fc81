"""The seams: a colour scale source and a GCP transform, each added in one place, run through the
whole pipeline on the bundled sample and checked against the sample's truth."""
import enum
import itertools

import numpy as np
import pytest
from sample_figure import FIGURE, POINTS_FILE, STEP, sample_extents, truth_on_grid

from colormap_decoder.plugin.engine import gcp_transform
from colormap_decoder.plugin.engine.colour_scales import (
    ColourScale,
    ColourScaleSource,
    register_source,
    resolve_colour_scale,
    unregister_source,
)
from colormap_decoder.plugin.engine.errors import ColourScaleError
from colormap_decoder.plugin.engine.gcp_transform import GcpTransform, register_transform, unregister_transform
from colormap_decoder.plugin.engine.pipeline import DecodeSettings, decode_map
from colormap_decoder.plugin.engine.writing import write_geotiff


def sample_settings(**overrides):
    plot_area = tuple(float(v) for v in sample_extents()["PLOT_AREA"].split(","))
    values = dict(figure_path=str(FIGURE), gcps_path=str(POINTS_FILE), colormap="viridis",
                  vmin=0, vmax=4000, plot_area_extent=plot_area, target_crs="EPSG:32632")
    values.update(overrides)
    return DecodeSettings(**values)


def share_right(result, folder):
    """Share of the compared output pixels within one colormap step of the sample's truth."""
    path = str(folder / "decoded.tif")
    write_geotiff(path, [result.values], result.grid.geotransform, result.grid.crs_wkt)
    decoded, expected = truth_on_grid(path)
    both = ~np.ma.getmaskarray(decoded) & np.isfinite(expected)
    assert both.sum() > 100_000
    return float(np.mean(np.abs(decoded.data[both] - expected[both]) <= STEP))


# -- a colour scale source ------------------------------------------------------------------
class PaletteFolderSource(ColourScaleSource):
    """Palettes as text files in a folder, one 'fraction red green blue' line per vertex."""

    key = "palette"
    prefixes = ("palette",)

    def __init__(self, folder):
        self.folder = folder

    def names(self, resources):
        return sorted(path.stem for path in self.folder.glob("*.txt"))

    def build(self, name, case_sensitive, resources):
        matches = [stem for stem in self.names(resources)
                   if stem == name or (not case_sensitive and stem.lower() == name.lower())]
        if not matches:
            return None
        table = np.loadtxt(self.folder / f"{matches[0]}.txt", ndmin=2)
        # These palettes are lookup tables, drawn entry by entry (as matplotlib draws them).
        return ColourScale(f"palette:{matches[0]}", table[:, 0], table[:, 1:], lookup_table=True)


@pytest.fixture
def palette_source(tmp_path):
    viridis = resolve_colour_scale("viridis")
    np.savetxt(tmp_path / "house_viridis.txt",
               np.column_stack([viridis.positions, viridis.colours]), fmt="%.17g")
    source = register_source(PaletteFolderSource(tmp_path))
    yield source
    unregister_source(source)


def test_a_registered_colour_source_decodes_the_sample(palette_source, tmp_path):
    builtin = decode_map(sample_settings())
    toy = decode_map(sample_settings(colormap="palette:house_viridis"))
    assert toy.scale_name == "palette:house_viridis"
    # The same colours from another source decode to the same values, pixel for pixel.
    assert np.array_equal(toy.values, builtin.values, equal_nan=True)
    assert share_right(toy, tmp_path) > 0.9
    # Bare names, reversal and the unknown-name suggestions reach the new source too.
    assert resolve_colour_scale("house_viridis").name == "palette:house_viridis"
    reversed_scale = resolve_colour_scale("House_Viridis_r")
    assert np.allclose(reversed_scale.colour_at(0.0), builtin.decoder.scale.colour_at(1.0))
    with pytest.raises(ColourScaleError, match="Did you mean: house_viridis"):
        resolve_colour_scale("palette:house_viridi")


def test_a_source_key_is_registered_once(palette_source, tmp_path):
    with pytest.raises(ValueError, match="already registered"):
        register_source(PaletteFolderSource(tmp_path))


# -- a GCP transform ------------------------------------------------------------------------
class ToyKind(enum.IntEnum):
    THREE_POINT_AFFINE = 100


class ThreePointAffine(GcpTransform):
    """The affine map exactly through the three GCPs spanning the largest triangle."""

    kind = ToyKind.THREE_POINT_AFFINE
    name = "Three-point affine"
    minimum_points = 3
    keeps_lines_straight = True
    is_affine = True
    exact_inverse = True

    @classmethod
    def _fit(cls, pixel, map_xy):
        corners = max(itertools.combinations(range(len(pixel)), 3), key=lambda three: abs(
            np.linalg.det(np.column_stack([pixel[list(three)], np.ones(3)]))))
        design = np.column_stack([pixel[list(corners)], np.ones(3)])
        matrix = np.linalg.solve(design, map_xy[list(corners)]).T  # 2 x 3: [A | t]

        def forward(points):
            return points @ matrix[:, :2].T + matrix[:, 2]

        inverse = np.linalg.inv(matrix[:, :2])

        def reverse(points):
            return (points - matrix[:, 2]) @ inverse.T

        return forward, reverse


@pytest.fixture
def toy_transform():
    transform = register_transform(ThreePointAffine)
    yield transform
    unregister_transform(transform)


def test_a_registered_transform_georeferences_the_sample(toy_transform, tmp_path):
    affine = decode_map(sample_settings())
    toy = decode_map(sample_settings(transform=ToyKind.THREE_POINT_AFFINE))
    enabled = int(toy.georeference.gcps.enabled.sum())
    assert toy.georeference.description == f"Three-point affine from {enabled} GCPs"
    residuals = toy.georeference.residuals
    assert residuals.kind is ToyKind.THREE_POINT_AFFINE
    # The sample's GCPs are exact (make_sample.py computes them), so three of them give the
    # affine map of them all; the base class's leave-one-out refits predict every GCP.
    assert residuals.rmse_pixels < 1e-6 and np.all(residuals.loo_error_pixels < 1e-6)
    assert any(line.startswith("Three-point affine fitted to") for line in toy.messages)
    assert share_right(toy, tmp_path) == pytest.approx(share_right(affine, tmp_path), abs=1e-3)
    assert share_right(toy, tmp_path) > 0.9


def test_a_transform_kind_is_registered_once_and_unknown_kinds_are_refused(toy_transform):
    with pytest.raises(ValueError, match="already registered"):
        register_transform(ThreePointAffine)
    with pytest.raises(ValueError, match="not a known transform kind"):
        gcp_transform.transform_class(42)
