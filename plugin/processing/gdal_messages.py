"""Keep GDAL's georeferencing probe on plain images out of the user's console.

When QGIS opens an image without a geotransform (every PNG or JPEG figure), its GDAL provider
asks GDAL for a pixel → map transformer, and GDAL prints
``ERROR 1: Unable to compute a transformation between pixel/line and georeferenced coordinates``.
For this plugin an un-georeferenced figure is the normal case, not an error: the message is
dropped, while every other GDAL message on the same thread reaches the handler that was active
before (QGIS's log or the console), unchanged.
"""
from contextlib import contextmanager

#: The probe's message, as GDAL words it (gcore/gdaltransformer.cpp); matched by its start.
GEOREFERENCING_PROBE_MESSAGE = ("Unable to compute a transformation between pixel/line and "
                                "georeferenced coordinates")


@contextmanager
def quiet_georeferencing_probe():
    """Drop GDAL's "no geotransform" probe message while the block runs; pass all others on.

    GDAL's error handler stack is per thread, so this affects only the calling thread (a
    Processing task's own). Without the GDAL Python bindings it does nothing.
    """
    try:
        from osgeo import gdal
    except ImportError:
        yield
        return

    def handler(error_class, error_number, message):
        if str(message).startswith(GEOREFERENCING_PROBE_MESSAGE):
            return
        # Any other message goes to the handler below ours, exactly as it came.
        gdal.PopErrorHandler()
        try:
            gdal.Error(error_class, error_number, message)
        finally:
            gdal.PushErrorHandler(handler)

    gdal.PushErrorHandler(handler)
    try:
        yield
    finally:
        gdal.PopErrorHandler()
