"""Put the decoded raster where the user can see it once QGIS has loaded it.

A figure without a CRS is drawn by QGIS in its pixel frame and leaves the project CRS as it
was (EPSG:4326 by default); outputs in UTM then sit far from the view, or show as a dot. So,
after a run whose outputs QGIS loads:

* when the project holds nothing georeferenced besides this run's outputs (only plain images,
  the figure among them), the project CRS becomes the outputs' CRS and the map zooms to the
  decoded raster;
* otherwise the project CRS is kept, and the map zooms to the raster only when it lies outside
  the current view or would show as a speck in it.

Main thread only (called by the raster's layer post-processor).
"""
from qgis.core import QgsCoordinateTransform, QgsMapLayerType, QgsRectangle

#: The raster counts as a speck when both its sides are below this fraction of the view's.
SPECK_FRACTION = 0.02
#: Margin around the raster when zooming to it, as a fraction of its size.
ZOOM_MARGIN = 0.05


def is_georeferenced(layer):
    """Whether a layer has a real position on Earth (a plain image in its pixel frame has not).

    The data provider's CRS says what the data carries; the layer's own CRS may have been
    filled in by QGIS from the project for an image that has none.
    """
    if layer is None or not layer.isValid():
        return False
    if layer.type() not in (QgsMapLayerType.RasterLayer, QgsMapLayerType.VectorLayer):
        # Tiles, meshes, point clouds, annotations: georeferenced when they have a CRS at all.
        return layer.crs().isValid()
    provider = layer.dataProvider()
    return provider is not None and provider.crs().isValid()


def bring_into_view(layer, project, canvas=None, also_new=()):
    """Make `layer` visible: set the project CRS and zoom (see the module docstring).

    Parameters
    ----------
    layer : QgsMapLayer
        The decoded raster, already added to `project`.
    project : QgsProject
    canvas : QgsMapCanvas, optional
        The map to zoom; None (no GUI): only the project CRS is set.
    also_new : collection of str
        Ids of other layers this run added (the points...), which do not count as the user's.

    Returns
    -------
    str
        What was done: 'crs' (project CRS set and zoomed), 'zoom', or '' (left alone).
    """
    others = [other for other in project.mapLayers().values()
              if other.id() != layer.id() and other.id() not in also_new]
    if not any(is_georeferenced(other) for other in others):
        project.setCrs(layer.crs())
        if canvas is not None:
            canvas.setDestinationCrs(layer.crs())
            _zoom(canvas, layer.extent())
        return "crs"
    if canvas is None:
        return ""
    view = canvas.extent()
    to_view = QgsCoordinateTransform(layer.crs(), canvas.mapSettings().destinationCrs(), project)
    try:
        extent = to_view.transformBoundingBox(layer.extent())
    except Exception:  # noqa: BLE001 - QgsCsException: the raster has no place in this view
        return ""
    speck = (extent.width() < SPECK_FRACTION * view.width()
             and extent.height() < SPECK_FRACTION * view.height())
    if view.intersects(extent) and not speck:
        return ""
    _zoom(canvas, extent)
    return "zoom"


def _zoom(canvas, extent):
    margin_x, margin_y = ZOOM_MARGIN * extent.width(), ZOOM_MARGIN * extent.height()
    canvas.setExtent(QgsRectangle(extent.xMinimum() - margin_x, extent.yMinimum() - margin_y,
                                  extent.xMaximum() + margin_x, extent.yMaximum() + margin_y))
    canvas.refresh()
