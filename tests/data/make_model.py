"""Build ``decode_and_sample.model3``: decode a figure, then sample the result at your points.

A Processing model with two steps:

1. ``colormapdecoder:decodemap`` decodes the figure (GCPs, plot area, colormap, value range,
   target CRS) into a raster;
2. ``native:rastersampling`` samples that raster at a point layer of the user's, in whatever CRS
   that layer is (QGIS transforms the points into the raster's CRS), adding ``decoded_1``.

Model outputs: the decoded raster (``decode:decoded``) and the sampled points
(``sample:sampled``). Built through the API, not written by hand, so the file is what QGIS's
model designer would save. Run once after changing it:

    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root QT_QPA_PLATFORM=offscreen \
        /usr/bin/python3 tests/data/make_model.py
"""
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
MODEL_PATH = HERE / "decode_and_sample.model3"


def build_model():
    from qgis.core import (
        QgsApplication,
        QgsProcessing,
        QgsProcessingModelAlgorithm,
        QgsProcessingModelChildAlgorithm,
        QgsProcessingModelChildParameterSource,
        QgsProcessingModelOutput,
        QgsProcessingModelParameter,
        QgsProcessingParameterCrs,
        QgsProcessingParameterExtent,
        QgsProcessingParameterFeatureSource,
        QgsProcessingParameterFile,
        QgsProcessingParameterNumber,
        QgsProcessingParameterRasterLayer,
        QgsProcessingParameterString,
    )
    from qgis.PyQt.QtCore import QPointF

    model = QgsProcessingModelAlgorithm("Decode a figure and sample it at points",
                                        "Colormap Decoder", "colormapdecoder")
    model.setHelpContent({
        "ALG_DESC": "Decodes a colour-mapped map figure with Colormap Decoder, then samples the "
                    "decoded raster at a point layer (any CRS) into the field decoded_1."})

    def model_input(definition, y):
        component = QgsProcessingModelParameter(definition.name())
        component.setPosition(QPointF(120, y))
        model.addModelParameter(definition, component)

    number = QgsProcessingParameterNumber.Type.Double
    model_input(QgsProcessingParameterRasterLayer("figure", "Figure"), 60)
    model_input(QgsProcessingParameterFile("gcps", "Ground control points (.points or CSV)",
                                           optional=True), 120)
    model_input(QgsProcessingParameterExtent("plot_area", "Plot area (map panel) on the figure"),
                180)
    model_input(QgsProcessingParameterString("colormap", "Colormap name or .cpt file",
                                             defaultValue="viridis"), 240)
    model_input(QgsProcessingParameterNumber("vmin", "Value at the low end of the colormap",
                                             type=number, defaultValue=0), 300)
    model_input(QgsProcessingParameterNumber("vmax", "Value at the high end of the colormap",
                                             type=number, defaultValue=1), 360)
    model_input(QgsProcessingParameterCrs("target_crs", "Target CRS", optional=True), 420)
    model_input(QgsProcessingParameterFeatureSource(
        "points", "Points to sample (any CRS)",
        [QgsProcessing.SourceType.TypeVectorPoint]), 480)

    def from_input(name):
        return [QgsProcessingModelChildParameterSource.fromModelParameter(name)]

    def static(value):
        return [QgsProcessingModelChildParameterSource.fromStaticValue(value)]

    def with_defaults(child):
        """Every other input at the algorithm's default, as the model designer fills them in."""
        algorithm = QgsApplication.processingRegistry().algorithmById(child.algorithmId())
        for definition in algorithm.parameterDefinitions():
            if (definition.isDestination() or definition.name() in child.parameterSources()
                    or definition.defaultValue() is None):
                continue
            child.addParameterSources(definition.name(), static(definition.defaultValue()))
        return child

    decode = QgsProcessingModelChildAlgorithm("colormapdecoder:decodemap")
    decode.setChildId("decode")
    decode.setDescription("Decode colour-mapped map")
    decode.setPosition(QPointF(420, 200))
    for name, source in (("INPUT", from_input("figure")), ("GCPS", from_input("gcps")),
                         ("PLOT_AREA", from_input("plot_area")),
                         ("COLORMAP", from_input("colormap")), ("VMIN", from_input("vmin")),
                         ("VMAX", from_input("vmax")), ("TARGET_CRS", from_input("target_crs")),
                         ("TRANSFORM", static(0)), ("SCALE", static(0)),
                         ("MAX_COLOR_DISTANCE", static(12.0))):
        decode.addParameterSources(name, source)
    decoded = QgsProcessingModelOutput("decoded", "Decoded raster")
    decoded.setChildId("decode")
    decoded.setChildOutputName("OUTPUT")
    decoded.setPosition(QPointF(620, 140))
    decode.setModelOutputs({"decoded": decoded})
    model.addChildAlgorithm(with_defaults(decode))

    sample = QgsProcessingModelChildAlgorithm("native:rastersampling")
    sample.setChildId("sample")
    sample.setDescription("Sample the decoded raster at the points")
    sample.setPosition(QPointF(420, 420))
    sample.addParameterSources("INPUT", from_input("points"))
    sample.addParameterSources("RASTERCOPY", [
        QgsProcessingModelChildParameterSource.fromChildOutput("decode", "OUTPUT")])
    sample.addParameterSources("COLUMN_PREFIX", static("decoded_"))
    sampled = QgsProcessingModelOutput("sampled", "Sampled points")
    sampled.setChildId("sample")
    sampled.setChildOutputName("OUTPUT")
    sampled.setPosition(QPointF(620, 480))
    sample.setModelOutputs({"sampled": sampled})
    model.addChildAlgorithm(with_defaults(sample))
    model.updateDestinationParameters()
    return model


def main(path=MODEL_PATH):
    # The plugin's provider, so that the model's first step is checked against the real algorithm.
    sys.path.insert(0, str(REPO_ROOT / "tests"))
    from sample_figure import start_qgis_with_provider

    app, provider = start_qgis_with_provider()
    model = build_model()
    ok, errors = model.validate()
    if not ok:
        raise SystemExit("model does not validate: " + "; ".join(errors))
    if not model.toFile(str(path)):
        raise SystemExit(f"cannot write {path}")
    print(path)
    return app, provider


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else MODEL_PATH)
