"""detectfigure under limits: cancellation stops it with nothing written, and a figure whose
detection would not fit in the memory allowed is refused before any pixel is read, naming INPUT.

Headless QGIS, the bundled sample (``sample/vinschgau_viridis.png``, 1155 × 866 pixels).
"""
import shutil

import pytest
from sample_figure import FIGURE


@pytest.fixture()
def figure_copy(tmp_path):
    path = tmp_path / "figure" / "sample.png"
    path.parent.mkdir()
    shutil.copy(FIGURE, path)
    return path


def detect_parameters(figure, out):
    return {"INPUT": str(figure), "GCP_CRS": "EPSG:32632",
            "OUTPUT_GCPS": str(out / "found.points"), "OUTPUT_REPORT": str(out / "found.html")}


def cancelling_feedback(when):
    """A feedback that cancels the run as soon as a progress text contains ``when``."""
    from qgis.core import QgsProcessingFeedback

    class CancelAt(QgsProcessingFeedback):
        def __init__(self):
            super().__init__()
            self.texts, self.errors = [], []

        def setProgressText(self, text):  # noqa: N802 - QGIS API
            super().setProgressText(text)
            self.texts.append(text)
            if when in text:
                self.cancel()

        def reportError(self, error, fatalError=False):  # noqa: N802,N803 - QGIS API
            self.errors.append(error)

    return CancelAt()


@pytest.mark.parametrize("stage, labels_read", [("Finding the frame", False),
                                                 ("Reading the tick labels", False),
                                                 ("Recognising the colormap", True),
                                                 ("Making GCPs", True)])
def test_a_cancelled_detection_stops_there_and_writes_nothing(provider, figure_copy, tmp_path,
                                                            monkeypatch, stage, labels_read):
    import processing

    from colormap_decoder.plugin.engine.detection import figure_reading

    reads = []
    real_read = figure_reading.read_label
    monkeypatch.setattr(figure_reading, "read_label",
                        lambda image: reads.append(1) or real_read(image))
    out = tmp_path / "out"
    out.mkdir()
    original = figure_copy.read_bytes()
    feedback = cancelling_feedback(stage)
    result = processing.run("colormapdecoder:detectfigure", detect_parameters(figure_copy, out),
                            feedback=feedback)
    # Stopped at the stage asked: the stages after it never started; before the labels'
    # stage no tick label was read (a whole run reads 21 and more).
    assert any(stage in text for text in feedback.texts)
    assert stage in feedback.texts[-1]
    assert bool(reads) == labels_read
    assert not result.get("OUTPUT_GCPS") and not result.get("OUTPUT_REPORT")
    assert not result.get("PLOT_AREA")
    assert list(out.iterdir()) == []
    assert any("Cancelled" in error for error in feedback.errors)
    assert figure_copy.read_bytes() == original


def test_cancelling_in_the_middle_of_the_labels_stops_before_the_next_label(
        provider, figure_copy, tmp_path, monkeypatch):
    """Cancellation is honoured inside the loop over labels, not only between stages."""
    import processing
    from qgis.core import QgsProcessingFeedback

    from colormap_decoder.plugin.engine.detection import figure_reading

    feedback = QgsProcessingFeedback()
    reads = []
    real_read = figure_reading.read_label

    def read_then_cancel_at_the_fifth(image):
        reads.append(1)
        if len(reads) == 5:
            feedback.cancel()
        return real_read(image)

    monkeypatch.setattr(figure_reading, "read_label", read_then_cancel_at_the_fifth)
    out = tmp_path / "out"
    out.mkdir()
    result = processing.run("colormapdecoder:detectfigure", detect_parameters(figure_copy, out),
                            feedback=feedback)
    # Every Tesseract call asks first: none after the fifth (a label's other readings, its
    # raised part, and the checks' re-readings after the loop included).
    assert len(reads) == 5
    assert not result.get("OUTPUT_GCPS") and list(out.iterdir()) == []


def test_a_figure_over_the_memory_budget_is_refused_naming_input(provider, figure_copy, tmp_path,
                                                                monkeypatch):
    import processing
    from qgis.core import QgsProcessingException

    from colormap_decoder.plugin.engine import figure as figure_module
    from colormap_decoder.plugin.engine import memory_budget

    # The sample's detection needs about 150 MB (0.5 MP at 32 B, a margin and the fixed 128 MiB): 64 MiB
    # is too little, 2 GiB plenty.
    pixels_read = []
    real_read = figure_module.read_figure
    monkeypatch.setattr(figure_module, "read_figure",
                        lambda *a, **k: pixels_read.append(1) or real_read(*a, **k))
    monkeypatch.setenv(memory_budget.MAX_MEMORY_VARIABLE, "64M")
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(QgsProcessingException) as caught:
        processing.run("colormapdecoder:detectfigure", detect_parameters(figure_copy, out))
    message = str(caught.value)
    assert message.startswith("INPUT:")
    assert "memory" in message and memory_budget.MAX_MEMORY_VARIABLE in message
    assert "crop it" in message
    assert pixels_read == [] and list(out.iterdir()) == []
    monkeypatch.setenv(memory_budget.MAX_MEMORY_VARIABLE, "2G")
    result = processing.run("colormapdecoder:detectfigure", detect_parameters(figure_copy, out))
    assert result["COLORMAP"] == "matplotlib:viridis" and (out / "found.points").exists()
