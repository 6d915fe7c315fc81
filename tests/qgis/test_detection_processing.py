"""decodemap in a headless QGIS with boxes left empty: the figure's own frame and colorbar are
used (issue 17), and the colorbar never comes back as data (issue 13)."""
import numpy as np
import rasterio
from sample_figure import STEP, truth_on_grid
from sample_figure import sample_parameters as parameters


def run_logged(values):
    import processing
    from qgis.core import QgsProcessingContext, QgsProcessingFeedback

    class Feedback(QgsProcessingFeedback):
        def __init__(self):
            super().__init__()
            self.lines = []

        def pushInfo(self, info):  # noqa: N802 - QGIS API
            self.lines.append(info)

    feedback = Feedback()
    result = processing.run("colormapdecoder:decodemap", values, context=QgsProcessingContext(),
                            feedback=feedback)
    return result, feedback.lines


def test_empty_plot_area_decodes_the_map_and_not_the_colorbar(provider, tmp_path):
    values = parameters(tmp_path)
    del values["PLOT_AREA"]
    result, log = run_logged(values)
    with rasterio.open(result["OUTPUT"]) as dataset:
        bounds = dataset.bounds
    # The axes show 598250–661250 E; the colorbar, 28 px east of the map, would reach ~664,400 E
    # and beyond.
    assert abs(bounds.right - 661250) < 240 and abs(bounds.left - 598250) < 240
    decoded, expected = truth_on_grid(result["OUTPUT"])
    both = ~decoded.mask & np.isfinite(expected)
    assert both.sum() > 0.85 * decoded.size
    assert np.median(np.abs(decoded.data[both] - expected[both])) <= 0.5 * STEP
    assert any("PLOT_AREA not given: the map frame found on the figure is used" in line
               for line in log)
    assert any("Colorbar found on the figure" in line for line in log)


def test_only_input_and_gcp_crs_decodes_the_sample(provider, tmp_path):
    """Figure in, data out: frame, colorbar, value range and GCPs all read off the sample."""
    values = {"INPUT": parameters()["INPUT"], "GCP_CRS": "EPSG:32632",
              "OUTPUT": str(tmp_path / "auto.tif"), "OUTPUT_POINTS": str(tmp_path / "auto.gpkg")}
    result, log = run_logged(values)
    (tmp_path / "hand").mkdir()
    hand, _ = run_logged(parameters(tmp_path / "hand"))
    auto_decoded, auto_expected = truth_on_grid(result["OUTPUT"])
    hand_decoded, hand_expected = truth_on_grid(hand["OUTPUT"])

    def median_error(decoded, expected):
        both = ~decoded.mask & np.isfinite(expected)
        return float(np.median(np.abs(decoded.data[both] - expected[both])))

    auto_error = median_error(auto_decoded, auto_expected)
    hand_error = median_error(hand_decoded, hand_expected)
    # Issue 17's bar: the automatic decode within twice the hand-given decode's error.
    assert auto_error <= 2 * hand_error, (auto_error, hand_error)
    # The found plot area, as the log gives it ('PLOT_AREA=113,672,-518,-88'); the hand-given
    # one starts at column 112, row 87 (sample/vinschgau_viridis.extents.txt).
    found = next(line for line in log if "PLOT_AREA=" in line)
    col0, _, _, minus_row0 = (float(v) for v in
                              found.split("PLOT_AREA=")[1].split(")")[0].split(","))
    with rasterio.open(result["OUTPUT"]) as auto, rasterio.open(hand["OUTPUT"]) as given:
        # The same figure pixel lands within one output pixel of where the renderer's own
        # GCPs put it.
        expected_left = given.bounds.left + (col0 - 112) * given.res[0]
        expected_top = given.bounds.top - (-minus_row0 - 87) * given.res[1]
        assert abs(auto.bounds.left - expected_left) <= auto.res[0]
        assert abs(auto.bounds.top - expected_top) <= auto.res[1]
        assert abs(auto.res[0] - given.res[0]) <= 0.005 * given.res[0]
        assert abs(auto.res[1] - given.res[1]) <= 0.005 * given.res[1]
    assert any(line.startswith("Value range read from the colorbar") for line in log)
    assert any(line.startswith("GCPS made from the axis labels") for line in log)


def test_without_ocr_the_automatic_mode_says_how_to_install_it(provider, tmp_path, monkeypatch):
    import pytest
    from qgis.core import QgsProcessingException

    from colormap_decoder.plugin.engine.detection import ocr

    monkeypatch.setattr(ocr, "ocr_available", lambda: False)
    values = parameters(tmp_path)
    del values["VMIN"], values["VMAX"]
    with pytest.raises(QgsProcessingException) as raised:
        run_logged(values)
    message = str(raised.value)
    assert "VMIN" in message and "apt-get install tesseract-ocr" in message


def test_detectfigure_finds_everything_and_writes_gcps_and_report(provider, tmp_path):
    import processing
    from sample_figure import POINTS_FILE, sample_extents

    from colormap_decoder.plugin.engine.gcps import read_gcps

    result = processing.run("colormapdecoder:detectfigure", {
        "INPUT": parameters()["INPUT"], "GCP_CRS": "EPSG:32632",
        "OUTPUT_GCPS": str(tmp_path / "found.points"),
        "OUTPUT_REPORT": str(tmp_path / "found.html")})
    # Boxes within 2 px of the renderer's (sample/vinschgau_viridis.extents.txt).
    for name in ("PLOT_AREA", "COLORBAR"):
        found = np.array([float(v) for v in result[name].split(",")])
        truth = np.array([float(v) for v in sample_extents()[name].split(",")])
        assert np.abs(found - truth).max() <= 2, (name, found, truth)
    assert result["COLORMAP"] == "matplotlib:viridis"
    assert abs(result["VMIN"] - 0) <= 20 and abs(result["VMAX"] - 4000) <= 20
    assert result["SCALE"] == 0 and result["COLORBAR_FLIP"] is False
    assert result["PROBLEMS"] == ""
    # The GCP file loads, and the fit it implies places the renderer's own GCPs within a pixel.
    found = read_gcps(result["OUTPUT_GCPS"])
    truth = read_gcps(str(POINTS_FILE))
    design = np.column_stack([found.map, np.ones(len(found))])
    to_pixel, *_ = np.linalg.lstsq(design, found.pixel, rcond=None)
    predicted = np.column_stack([truth.map, np.ones(len(truth))]) @ to_pixel
    assert np.abs(predicted - truth.pixel).max() <= 1.0
    page = (tmp_path / "found.html").read_text()
    assert "data:image/png;base64," in page and "Parameters found" in page


def test_decode_report_shows_what_was_found(provider, tmp_path):
    values = {"INPUT": parameters()["INPUT"], "GCP_CRS": "EPSG:32632",
              "OUTPUT": str(tmp_path / "auto.tif"), "OUTPUT_POINTS": str(tmp_path / "auto.gpkg"),
              "OUTPUT_REPORT": str(tmp_path / "report.html")}
    result, _ = run_logged(values)
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "Found on the figure" in page
    assert "GCPS made from the axis labels" in page and "Value range read from the colorbar" in page


def test_detectfigure_refuses_to_write_over_its_figure_and_names_the_parameter(provider, tmp_path):
    """OUTPUT_GCPS or OUTPUT_REPORT pointing at the figure is refused before anything is written."""
    import shutil

    import processing
    import pytest
    from qgis.core import QgsProcessingException

    figure = tmp_path / "figure.png"
    shutil.copy(parameters()["INPUT"], figure)
    original = figure.read_bytes()
    for name in ("OUTPUT_GCPS", "OUTPUT_REPORT"):
        with pytest.raises(QgsProcessingException) as caught:
            processing.run("colormapdecoder:detectfigure", {
                "INPUT": str(figure), "GCP_CRS": "EPSG:32632", name: str(figure)})
        assert str(caught.value).startswith(f"{name}:") and "same file as INPUT" in str(caught.value)
        assert figure.read_bytes() == original


def test_detectfigure_report_in_an_unwritable_place_names_output_report(provider, tmp_path):
    import processing
    import pytest
    from qgis.core import QgsProcessingException

    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    with pytest.raises(QgsProcessingException) as caught:
        processing.run("colormapdecoder:detectfigure", {
            "INPUT": parameters()["INPUT"], "GCP_CRS": "EPSG:32632",
            "OUTPUT_REPORT": str(blocker / "report.html")})
    assert str(caught.value).startswith("OUTPUT_REPORT:")
    assert blocker.read_text() == "not a folder"
