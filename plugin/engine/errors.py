"""Exceptions raised by the engine.

Every error the engine raises on bad input derives from :class:`EngineError`, so callers (the
Processing algorithm, scripts) can tell a user's mistake from a bug. ``parameter`` names the
algorithm parameter the problem comes from, so the QGIS glue can say which one to fix.
"""


class EngineError(ValueError):
    """Base class for every error caused by the input rather than by a bug."""

    parameter = None

    def __init__(self, message, parameter=None):
        super().__init__(message)
        if parameter is not None:
            self.parameter = parameter


class FigureError(EngineError):
    """The figure image cannot be read or used."""

    parameter = "INPUT"


class ColourScaleError(EngineError):
    """The colormap, colour table or colorbar cannot be resolved or sampled."""

    parameter = "COLORMAP"


class GcpError(EngineError):
    """The ground control points cannot be read or do not define the requested transform."""

    parameter = "GCPS"


class GeoreferencingError(EngineError):
    """The figure cannot be placed in the target CRS."""

    parameter = "TARGET_CRS"


class ReductionError(EngineError):
    """The decoded field cannot be reduced to representative points."""

    parameter = "DBSCAN_EPS"
