"""QGIS CRS objects read and made safely across threads.

QGIS caches every CRS it builds (from a WKT string, an authority id, a PROJ string) together
with the PROJ object of the thread that built it. In QGIS 3.22, when a CRS cached by one thread
was also used by another and the first thread then ends, the cached CRS keeps its name and
authority id but exports an **empty WKT**. Runs in a QgsTask (the decode window's Decode
button, the Processing dialog) build CRSs in a thread of QGIS's pool, which ends the thread
after 30 s idle: a run coming later wrote its point layer with no CRS at all, and a GCP CRS read
from such an object would have reached the engine as no CRS. Clearing QGIS's cache and building
the CRS again gives a whole one.
"""
from qgis.core import QgsCoordinateReferenceSystem, QgsProcessingException
from qgis.PyQt.QtCore import QCoreApplication

WKT_PREFERRED = QgsCoordinateReferenceSystem.WktVariant.WKT_PREFERRED


def tr(text):
    return QCoreApplication.translate("ColormapDecoder", text)


def crs_wkt(crs, parameter, variant=WKT_PREFERRED):
    """The WKT of a QGIS CRS; '' for an invalid (unset) one.

    Parameters
    ----------
    crs : QgsCoordinateReferenceSystem
    parameter : str
        Where the CRS comes from, for the error message (``"GCP_CRS"``).
    variant : QgsCoordinateReferenceSystem.WktVariant

    Raises
    ------
    QgsProcessingException
        When a valid CRS has no WKT even once rebuilt (no caller can do anything with it).
    """
    if not crs.isValid():
        return ""
    wkt = crs.toWkt(variant)
    if wkt:
        return wkt
    QgsCoordinateReferenceSystem.invalidateCache()
    # The object in hand shares its data with the stale cache entry: build a new one.
    rebuilt = QgsCoordinateReferenceSystem(crs.authid()) if crs.authid() \
        else QgsCoordinateReferenceSystem.fromProj(crs.toProj())
    wkt = rebuilt.toWkt(variant) if rebuilt.isValid() else ""
    if not wkt:
        raise QgsProcessingException(tr(
            "{}: QGIS cannot write the CRS '{}' as WKT; choose it again in the CRS selector, "
            "or give its EPSG code.").format(parameter, crs.description() or crs.authid()))
    return wkt


def crs_from_wkt(wkt):
    """A QGIS CRS made from ``wkt`` whose own WKT is whole (so that layers written with it carry
    it).

    Parameters
    ----------
    wkt : str
        A CRS as WKT (the engine's ``crs_wkt``).

    Returns
    -------
    QgsCoordinateReferenceSystem
        Invalid only when ``wkt`` is empty.
    """
    if not wkt:
        return QgsCoordinateReferenceSystem()
    crs = QgsCoordinateReferenceSystem.fromWkt(wkt)
    if crs.isValid() and crs.toWkt(WKT_PREFERRED):
        return crs
    QgsCoordinateReferenceSystem.invalidateCache()
    return QgsCoordinateReferenceSystem.fromWkt(wkt)
