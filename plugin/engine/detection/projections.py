"""Cylindrical map projections told apart by the spacing of a map's latitude labels.

On a cylindrical map (Mercator, Miller, equal-area) the longitude labels are evenly spaced but
the latitude labels are not: the y position of a parallel is a function of its latitude that
each projection defines. A figure's y tick positions fitted against that function tell which
projection drew it; GCPs made in that projection (from the degree labels) then georeference
the map with an affine transform, as the renderer placed it.
"""
from dataclasses import dataclass

import numpy as np

#: The geographic CRS the candidates are compared in (their ellipsoids differ by far less
#: than a pixel from any other's over a figure's latitudes).
REFERENCE_GEOGRAPHIC = "EPSG:4326"


@dataclass(frozen=True)
class Cylindrical:
    """A cylindrical projection centred on the equator and a meridian (Greenwich unless said).

    Attributes
    ----------
    name : str
        As the log says it.
    kind : str
        "mercator", "pseudo-mercator" (the sphere of web maps), "miller" or "equal-area".
    central_meridian : float
        Degrees. Longitudes are taken within half a turn of it (PROJ wraps them), so a map
        across the antimeridian is projected centred on 180° (as cartopy draws a Pacific
        Mercator map): centred on Greenwich its eastern half would land on the far side.
    """

    name: str
    kind: str
    central_meridian: float = 0.0

    def crs(self, geographic=REFERENCE_GEOGRAPHIC) -> "object":
        """The projected CRS on the datum of a geographic CRS (pyproj.CRS)."""
        from pyproj import CRS
        from pyproj.crs import ProjectedCRS
        from pyproj.crs.coordinate_operation import LambertCylindricalEqualAreaConversion, MercatorAConversion

        base = CRS.from_user_input(geographic)
        centre = float(self.central_meridian)
        name = self.name if centre == 0.0 else f"{self.name} centred on {centre:g}°"
        if self.kind == "mercator":
            return ProjectedCRS(MercatorAConversion(longitude_natural_origin=centre),
                                name=f"{name} ({base.name})", geodetic_crs=base)
        if self.kind == "equal-area":
            return ProjectedCRS(LambertCylindricalEqualAreaConversion(
                longitude_natural_origin=centre), name=f"{name} ({base.name})",
                geodetic_crs=base)
        radius = base.ellipsoid.semi_major_metre
        if self.kind == "pseudo-mercator":
            return CRS.from_proj4(f"+proj=merc +a={radius!r} +b={radius!r} +lon_0={centre!r} "
                                  "+units=m +no_defs")
        return CRS.from_proj4(f"+proj=mill +R={radius!r} +lon_0={centre!r} +units=m +no_defs")

    def forward(self, lon, lat, geographic=REFERENCE_GEOGRAPHIC) -> tuple:
        """Projected x, y (metres) of longitudes and latitudes in degrees."""
        from pyproj import Transformer

        transformer = Transformer.from_crs(geographic, self.crs(geographic), always_xy=True)
        return transformer.transform(np.asarray(lon, float), np.asarray(lat, float))

    def northing(self, latitude) -> np.ndarray:
        """y (metres) of latitudes in degrees, on the reference ellipsoid."""
        latitude = np.asarray(latitude, float)
        return np.asarray(self.forward(np.zeros_like(latitude), latitude)[1], float)

    def latitude(self, northing) -> np.ndarray:
        """Latitudes (degrees) of y values (metres), on the reference ellipsoid."""
        from pyproj import Transformer

        northing = np.asarray(northing, float)
        transformer = Transformer.from_crs(self.crs(), REFERENCE_GEOGRAPHIC, always_xy=True)
        return np.asarray(transformer.transform(np.zeros_like(northing), northing)[1], float)


#: The cylindrical projections maps are commonly drawn in (GMT -JM/-JJ/-JY, cartopy's
#: Mercator/Miller/LambertCylindrical, web maps), most common first: a later one is taken
#: only when its fit is told apart from an earlier one's (figure_reading._cylindrical_fit).
CYLINDRICAL = (Cylindrical("Mercator", "mercator"),
               Cylindrical("Pseudo-Mercator (spherical, web maps)", "pseudo-mercator"),
               Cylindrical("Miller cylindrical", "miller"),
               Cylindrical("Lambert cylindrical equal-area", "equal-area"))
