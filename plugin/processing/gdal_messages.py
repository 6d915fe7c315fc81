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


def _probe_filter(gdal):
    """A GDAL error handler that drops the probe's message and passes every other one on."""

    def handler(error_class, error_number, message):
        if str(message).startswith(GEOREFERENCING_PROBE_MESSAGE):
            return
        # Any other message goes to the handler below ours, exactly as it came.
        gdal.PopErrorHandler()
        try:
            gdal.Error(error_class, error_number, message)
        finally:
            gdal.PushErrorHandler(handler)

    return handler


class GeoreferencingProbeFilter:
    """The probe's message dropped on the main thread for as long as the provider is loaded.

    ``qgis_process`` opens ``INPUT`` itself to check it before any of the algorithm's code runs,
    so a guard around the algorithm's own loading comes too late there; the provider, loaded at
    start-up, installs this filter instead. Only the probe's message is dropped: every other GDAL
    message, from any image, reaches QGIS's log or the console as before.
    """

    def __init__(self):
        self._installed = False

    def install(self):
        """Push the filter onto the calling (main) thread's GDAL handler stack, once."""
        if self._installed:
            return
        try:
            from osgeo import gdal
        except ImportError:
            return
        gdal.PushErrorHandler(_probe_filter(gdal))
        self._installed = True

    def remove(self):
        """Pop the filter again (the provider is unloaded)."""
        if not self._installed:
            return
        from osgeo import gdal

        gdal.PopErrorHandler()
        self._installed = False


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

    gdal.PushErrorHandler(_probe_filter(gdal))
    try:
        yield
    finally:
        gdal.PopErrorHandler()
