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
