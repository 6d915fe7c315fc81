"""INPUT loaded as a QGIS layer without a byte written beside the figure.

Loading a raster layer sets up its renderer, whose default contrast enhancement asks for each
band's minimum and maximum even when it stretches nothing (QGIS 3.22:
``QgsRasterLayer::setDefaultContrastEnhancement`` → ``computeMinMax`` → the GDAL provider's
``bandStatistics`` → ``GDALRasterBand::ComputeStatistics``, seen in gdb). GDAL keeps the
statistics in its PAM metadata and saves them when the dataset closes: a new
``<figure>.aux.xml`` beside every PNG, JPEG or TIFF figure (a palette image, drawn without a
stretch, is spared), and a user's own ``.aux.xml``, which may hold the figure's georeferencing,
rewritten with statistics added. The plugin's inputs are never to be modified, so every loading
of INPUT by Processing on the plugin's behalf (QGIS's own parameter check, the algorithms'
``parameterAsRasterLayer``) runs with GDAL's PAM off for the calling thread only.

A layer loaded so does not see georeferencing held only in an ``.aux.xml``; nothing here reads
it from the layer: the figure's georeferencing is read by the engine (``figure.py``, through
rasterio, which reads PAM and writes nothing), and the boxes' CRS falls back on it when the
layer has none.
"""
from contextlib import contextmanager

from .gdal_messages import quiet_georeferencing_probe

#: GDAL's switch for its .aux.xml files (read and written), as a configuration option.
PAM_OPTION = "GDAL_PAM_ENABLED"


@contextmanager
def without_sidecar_writes():
    """GDAL datasets opened on this thread inside the block neither read nor write ``.aux.xml``.

    The option is GDAL's thread-local configuration: a Processing task on another thread, and
    the engine's own reading (rasterio), keep PAM. A dataset keeps the setting it was opened
    with, so statistics QGIS asks for after the block are not saved either. Without the GDAL
    Python bindings it does nothing.
    """
    try:
        from osgeo import gdal
    except ImportError:
        yield
        return
    previous = gdal.GetThreadLocalConfigOption(PAM_OPTION, None)
    gdal.SetThreadLocalConfigOption(PAM_OPTION, "NO")
    try:
        yield
    finally:
        gdal.SetThreadLocalConfigOption(PAM_OPTION, previous)


@contextmanager
def loading_figure():
    """Load INPUT inside the block: nothing written beside it, no no-geotransform message."""
    with quiet_georeferencing_probe(), without_sidecar_writes():
        yield

