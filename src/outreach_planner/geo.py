"""The one coordinate type, (lon, lat) in WGS84, and geodesic distances.

Everything inside the package passes `LonLat`; conversion to folium's
``[lat, lon]`` or geopy's ``(lat, lon)`` happens only at those edges.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from geopy.distance import geodesic


@dataclass(frozen=True, order=True)
class LonLat:
    """A WGS84 position in decimal degrees; checked on construction."""

    lon: float
    lat: float

    def __post_init__(self) -> None:
        for name, value, limit in (("lon", self.lon, 180.0), ("lat", self.lat, 90.0)):
            if not isinstance(value, int | float) or isinstance(value, bool):
                raise TypeError(f"{name} must be a number, got {value!r} ({type(value).__name__})")
            if not math.isfinite(value) or abs(value) > limit:
                raise ValueError(f"{name} must be within ±{limit:g} degrees, got {value!r}")

    def as_latlon(self) -> tuple[float, float]:
        """(lat, lon), the order geopy and folium want."""
        return (self.lat, self.lon)


def geodesic_m(a: LonLat, b: LonLat) -> float:
    """Geodesic distance in metres on the WGS84 ellipsoid (geopy / Karney)."""
    return float(geodesic(a.as_latlon(), b.as_latlon()).meters)


class LocalProjection:
    """Equirectangular metres around a centre: fast neighbour searches over a district.

    Over the ~40 km of a district the error is well under 1 %; exact distances
    are then confirmed with `geodesic_m`.
    """

    def __init__(self, centre: LonLat):
        self.centre = centre
        self._kx = 111_320.0 * math.cos(math.radians(centre.lat))
        self._ky = 110_574.0

    def xy(self, p: LonLat) -> tuple[float, float]:
        """Metres east and north of the centre."""
        return ((p.lon - self.centre.lon) * self._kx, (p.lat - self.centre.lat) * self._ky)

    def lonlat(self, x: float, y: float) -> LonLat:
        return LonLat(self.centre.lon + x / self._kx, self.centre.lat + y / self._ky)
