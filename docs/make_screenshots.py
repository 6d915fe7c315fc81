"""Make the README's picture of the styled outputs, headless (the pictures of the desktop
itself, dialog and map after a run and help page, are made by ``make_desktop_screenshots.sh``).

* ``docs/styled_outputs.png``: the two outputs as QGIS opens them after a run (the layer
  post-processors' styles, drawn by QGIS's map renderer over the figure's area): the decoded
  raster in singleband pseudocolor and the representative points with a graduated renderer.

usage (from the repository root):

    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root QT_QPA_PLATFORM=offscreen \
        /usr/bin/python3 docs/make_screenshots.py [OUTPUT_FOLDER]
"""
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
from sample_figure import sample_parameters, start_qgis_with_provider  # noqa: E402


def render_layers(layers, extent, crs, size):
    from qgis.core import QgsMapRendererParallelJob, QgsMapSettings
    from qgis.PyQt.QtCore import QSize
    from qgis.PyQt.QtGui import QColor

    settings = QgsMapSettings()
    settings.setLayers(layers)
    settings.setDestinationCrs(crs)
    settings.setOutputSize(QSize(*size))
    settings.setOutputDpi(110)
    settings.setBackgroundColor(QColor("white"))
    settings.setExtent(extent)
    job = QgsMapRendererParallelJob(settings)
    job.start()
    job.waitForFinished()
    return job.renderedImage()


def outputs_screenshot(path):
    """Run the algorithm as the dialog does (outputs loaded, so post-processed) and draw them."""
    import processing
    from qgis.core import QgsProject, QgsRasterLayer
    from qgis.PyQt.QtCore import QRectF, Qt
    from qgis.PyQt.QtGui import QColor, QFont, QImage, QPainter

    project = QgsProject.instance()
    project.removeAllMapLayers()
    parameters = dict(sample_parameters(), OUTPUT="TEMPORARY_OUTPUT",
                      OUTPUT_POINTS="TEMPORARY_OUTPUT")
    processing.runAndLoadResults("colormapdecoder:decodemap", parameters)
    layers = list(project.mapLayers().values())
    raster = next(layer for layer in layers if isinstance(layer, QgsRasterLayer))
    points = next(layer for layer in layers if layer is not raster)
    extent = raster.extent()
    width = 560
    height = round(width * extent.height() / extent.width())
    panels = [(raster.name(), render_layers([raster], extent, raster.crs(), (width, height))),
              (points.name(), render_layers([points], extent, raster.crs(), (width, height)))]

    margin, title = 12, 30
    image = QImage(2 * width + 3 * margin, height + title + 2 * margin, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    font = QFont()
    font.setPointSize(11)
    painter.setFont(font)
    for i, (name, picture) in enumerate(panels):
        left = margin + i * (width + margin)
        painter.drawText(QRectF(left, margin, width, title - 6),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, name)
        painter.drawImage(left, margin + title, picture)
        painter.setPen(QColor("#888888"))
        painter.drawRect(left, margin + title, width - 1, height - 1)
        painter.setPen(QColor("black"))
    painter.end()
    if not image.save(str(path)):
        raise SystemExit(f"cannot write {path}")
    project.removeAllMapLayers()
    return path


def main(folder=HERE):
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    app, provider = start_qgis_with_provider()
    print(outputs_screenshot(folder / "styled_outputs.png"))
    return provider


if __name__ == "__main__":
    main(*sys.argv[1:2])
