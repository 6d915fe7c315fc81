"""What a new user meets in the desktop (issue 13), in a headless QGIS: the dialog fits its
default size, opens non-modal from the toolbar, the menu is under Raster, the side help names
parameters by their labels, Help opens a page shipped with the plugin, the toolbox search finds
the algorithm, styled outputs are readable, and the outputs are in view after a run."""
import re
from pathlib import Path
from unittest import mock

import pytest
from sample_figure import FIGURE, sample_parameters

ALGORITHM = "colormapdecoder:decodemap"
DEFAULT_DIALOG_SIZE = (688, 523)


def settle(app, rounds=20):
    for _ in range(rounds):
        app.processEvents()


@pytest.fixture()
def fake_iface(qgis_app):
    """A QgisInterface stand-in with a real main window and map canvas, installed where
    Processing's dialog helpers look for it."""
    import processing.tools.general as general
    import qgis.utils
    from qgis.gui import QgisInterface, QgsMapCanvas
    from qgis.PyQt.QtWidgets import QMainWindow

    iface = mock.Mock(spec=QgisInterface)
    window = QMainWindow()
    canvas = QgsMapCanvas(window)
    canvas.resize(800, 600)
    iface.mainWindow.return_value = window
    iface.mapCanvas.return_value = canvas
    with mock.patch.object(qgis.utils, "iface", iface), mock.patch.object(general, "iface", iface):
        yield iface
    canvas.deleteLater()
    window.deleteLater()


def test_dialog_fits_its_default_size_with_every_button_visible(provider, qgis_app):
    from processing.gui.AlgorithmDialog import AlgorithmDialog
    from qgis.core import QgsApplication
    from qgis.gui import QgsCollapsibleGroupBoxBasic
    from qgis.PyQt.QtCore import QPoint
    from qgis.PyQt.QtWidgets import QScrollArea, QToolButton

    dialog = AlgorithmDialog(QgsApplication.processingRegistry().createAlgorithmById(ALGORITHM))
    dialog.show()
    for group in dialog.findChildren(QgsCollapsibleGroupBoxBasic):
        group.setCollapsed(False)  # the advanced parameters too
    settle(qgis_app)
    assert (dialog.width(), dialog.height()) == DEFAULT_DIALOG_SIZE
    areas = [area for area in dialog.findChildren(QScrollArea)
             if area.widget() is not None and area.findChildren(QToolButton)]
    assert areas
    checked = 0
    for area in areas:
        assert not area.horizontalScrollBar().isVisible(), "the parameters scroll sideways"
        viewport = area.viewport()
        for button in area.widget().findChildren(QToolButton):
            if not button.isVisible() or button.text() not in ("…", "..."):
                continue
            right = button.mapTo(viewport, QPoint(button.width(), 0)).x()
            assert right <= viewport.width(), (button.parent().objectName(), right)
            checked += 1
    # Figure, plot area, colorbar, GCP file, CRSs, mask, outputs...
    assert checked >= 8
    dialog.close()


def test_toolbar_opens_the_dialog_non_modal_and_the_menu_is_under_raster(fake_iface, qgis_app):
    from qgis.core import QgsApplication
    from qgis.PyQt.QtCore import Qt

    import colormap_decoder

    registry = QgsApplication.processingRegistry()
    existing = registry.providerById("colormapdecoder")
    if existing is not None:
        registry.removeProvider(existing)  # the plugin registers its own
    plugin = colormap_decoder.classFactory(fake_iface)
    plugin.initGui()
    try:
        assert fake_iface.addPluginToRasterMenu.call_count == 2  # the window and the dialog
        fake_iface.addPluginToMenu.assert_not_called()
        plugin.open_dialog()  # returns at once: a modal dialog would block here
        dialog = plugin.dialog
        assert dialog is not None and dialog.isVisible()
        assert not dialog.isModal()
        assert dialog.windowModality() == Qt.WindowModality.NonModal
        # The button again brings the same dialog forward instead of a second one.
        assert plugin.open_dialog() is dialog
        dialog.close()
        settle(qgis_app)
    finally:
        plugin.unload()
    assert fake_iface.removePluginRasterMenu.call_count == 2


def test_side_help_names_parameters_by_their_labels(provider):
    algorithm = provider.algorithm("decodemap")
    text = algorithm.shortHelpString()
    assert not re.search(r"PLOT.AREA|MAX.COLOR.DISTANCE|\bVMIN\b|\bVMAX\b|\bCOLORBAR\b|\bGCPS\b",
                         text), text
    labels = {d.name(): d.description() for d in algorithm.parameterDefinitions()}
    for name in ("INPUT", "PLOT_AREA", "COLORMAP", "COLORBAR", "VMIN", "VMAX", "GCPS",
                 "MAX_COLOR_DISTANCE", "OUTPUT", "OUTPUT_POINTS", "TARGET_CRS", "OUTPUT_REPORT"):
        # A label's parenthesised unit may be left out ("Plot area" for "Plot area (pixels)").
        assert labels[name].split(" (")[0] in text, (name, labels[name])


def test_plot_area_and_colorbar_say_their_numbers_are_pixels(provider):
    algorithm = provider.algorithm("decodemap")
    for name in ("PLOT_AREA", "COLORBAR"):
        assert "pixels" in algorithm.parameterDefinition(name).description()


def test_help_opens_a_page_shipped_with_the_plugin(provider):
    from qgis.PyQt.QtCore import QUrl

    algorithm = provider.algorithm("decodemap")
    url = QUrl(algorithm.helpUrl())
    assert url.isLocalFile(), url.toString()
    page = Path(url.toLocalFile())
    text = page.read_text(encoding="utf-8")
    assert '<h2 id="decoding-your-own-figure">Decoding your own figure</h2>' in text
    # The parameter table names each parameter as the dialog and the command line do.
    assert "Figure (<code>INPUT</code>)" in text
    assert "Plot area (pixels) (<code>PLOT_AREA</code>)" in text


def test_the_toolbox_search_finds_it_by_what_users_type(provider):
    algorithm = provider.algorithm("decodemap")
    tags = {tag.lower() for tag in algorithm.tags()}
    for words in ("heat map", "digitize", "georeference", "raster from image"):
        assert words in tags


def test_the_report_is_not_declared_as_html_output(provider):
    """The dialog says "HTML output has been generated" after every run of an algorithm with
    an HTML output; the report is a file output instead, given in the results when written."""
    algorithm = provider.algorithm("decodemap")
    assert not algorithm.hasHtmlOutputs()
    assert algorithm.outputDefinition("OUTPUT_REPORT") is not None


def test_styled_outputs_round_their_labels_and_points_have_a_halo(provider, tmp_path, qgis_app):
    import processing
    from qgis.core import QgsProject, QgsRasterLayer, QgsVectorLayer

    project = QgsProject.instance()
    project.removeAllMapLayers()
    processing.runAndLoadResults(ALGORITHM, sample_parameters(tmp_path))
    layers = list(project.mapLayers().values())
    raster = next(layer for layer in layers if isinstance(layer, QgsRasterLayer))
    points = next(layer for layer in layers if isinstance(layer, QgsVectorLayer))
    # Viridis over 0-4000 m: one colour step is 15.6 m, so whole metres.
    shader = raster.renderer().shader().rasterShaderFunction()
    labels = [item.label for item in shader.colorRampItemList()]
    assert labels and all(re.fullmatch(r"-?\d+", label) for label in labels), labels[:5]
    ranges = points.renderer().ranges()
    assert [r.label() for r in ranges][:3] == ["0 – 333", "333 – 667", "667 – 1000"]
    symbol = ranges[0].symbol()
    assert symbol.symbolLayerCount() == 2
    halo, dot = symbol.symbolLayer(0), symbol.symbolLayer(1)
    assert halo.color().name() == "#ffffff" and halo.size() > dot.size() and halo.isLocked()
    assert symbol.color() == dot.color() != halo.color()
    assert dot.strokeColor().lightness() < 50
    project.removeAllMapLayers()


def test_outputs_in_view_when_the_project_had_only_the_plain_figure(provider, tmp_path, qgis_app,
                                                                    fake_iface):
    import processing
    from qgis.core import QgsCoordinateReferenceSystem, QgsProject, QgsRasterLayer, QgsRectangle

    project = QgsProject.instance()
    project.removeAllMapLayers()
    project.setCrs(QgsCoordinateReferenceSystem("EPSG:4326"))
    canvas = fake_iface.mapCanvas()
    canvas.setDestinationCrs(project.crs())
    figure = QgsRasterLayer(str(FIGURE), "figure")
    project.addMapLayer(figure)
    canvas.setExtent(QgsRectangle(0, -600, 900, 0))
    processing.runAndLoadResults(ALGORITHM, sample_parameters(tmp_path))
    raster = next(layer for layer in project.mapLayers().values()
                  if isinstance(layer, QgsRasterLayer) and layer.id() != figure.id())
    assert project.crs().authid() == "EPSG:32632"
    assert canvas.mapSettings().destinationCrs().authid() == "EPSG:32632"
    view = canvas.extent()
    assert view.contains(raster.extent())
    assert view.width() < 1.5 * raster.extent().width() or \
        view.height() < 1.5 * raster.extent().height()
    project.removeAllMapLayers()


def test_outputs_zoomed_to_when_outside_a_georeferenced_project_view(provider, tmp_path,
                                                                     qgis_app, fake_iface):
    import processing
    from qgis.core import QgsCoordinateReferenceSystem, QgsProject, QgsRasterLayer, QgsRectangle, QgsVectorLayer

    project = QgsProject.instance()
    project.removeAllMapLayers()
    project.setCrs(QgsCoordinateReferenceSystem("EPSG:4326"))
    canvas = fake_iface.mapCanvas()
    canvas.setDestinationCrs(project.crs())
    # The user's own georeferenced layer, and a view of South America.
    user_layer = QgsVectorLayer("Point?crs=EPSG:4326", "my points", "memory")
    project.addMapLayer(user_layer)
    canvas.setExtent(QgsRectangle(-70, -30, -50, -10))
    processing.runAndLoadResults(ALGORITHM, sample_parameters(tmp_path))
    assert project.crs().authid() == "EPSG:4326"  # the user's choice is kept
    raster = next(layer for layer in project.mapLayers().values()
                  if isinstance(layer, QgsRasterLayer))
    view = canvas.extent()
    # The Vinschgau (about 10.5° E, 46.6° N) is in view now.
    assert view.contains(QgsRectangle(10.6, 46.5, 10.8, 46.7)), view.toString()
    assert view.width() < 5
    # Already in view: left alone.
    from colormap_decoder.plugin.processing.canvas_view import bring_into_view

    assert bring_into_view(raster, project, canvas) == ""
    project.removeAllMapLayers()


def test_help_page_keeps_readme_anchors_and_numbering(tmp_path):
    """Other windows link to sections of the page; numbered steps split by pictures keep their
    numbers; pictures (in docs/, not shipped) are left out."""
    from colormap_decoder.plugin.help_page import help_page_html

    readme = ("# Title\n\n## Decoding your own figure\n\n1. First step.\n\n"
              "   ![a picture](docs/x.png)\n\n2. Second `step`, *with* **marks**.\n\n"
              "| name | meaning |\n|---|---|\n| `INPUT` | the figure |\n\n"
              "## The decode window\n\nText.\n\n## How it works\n\nNot in the page.\n")
    page = help_page_html(readme, {"INPUT": "Figure"})
    assert '<h2 id="decoding-your-own-figure">' in page and '<h2 id="the-decode-window">' in page
    assert '<ol start="2"><li>Second <code>step</code>, <em>with</em> <strong>marks</strong>.' \
        in page
    assert "docs/x.png" not in page and "<p></p>" not in page
    assert "<td>Figure (<code>INPUT</code>)</td>" in page
    assert "Not in the page" not in page


@pytest.mark.parametrize("search", ["heat map", "digitize", "georeference", "raster from image"])
def test_the_processing_toolbox_filter_shows_it(provider, search):
    """QGIS's own toolbox model and filter, as the toolbox's search box uses them."""
    from qgis.core import QgsApplication
    from qgis.gui import QgsProcessingToolboxProxyModel

    model = QgsProcessingToolboxProxyModel(None, QgsApplication.processingRegistry())
    model.setFilterString(search)
    found = []

    def walk(parent):
        for row in range(model.rowCount(parent)):
            index = model.index(row, 0, parent)
            algorithm = model.toolboxModel().algorithmForIndex(model.mapToSource(index))
            if algorithm is not None:
                found.append(algorithm.id())
            walk(index)

    from qgis.PyQt.QtCore import QModelIndex

    walk(QModelIndex())
    assert "colormapdecoder:decodemap" in found, (search, found[:10])
