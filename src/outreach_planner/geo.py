"""The one coordinate type, (lon, lat) in WGS84, and geodesic distances.

Everything inside the package passes `LonLat`; conversion to folium's
``[lat, lon]`` or geopy's ``(lat, lon)`` happens only at those edges.

Distances are Karney's WGS84 geodesics in PROJ's C code (pyproj), the algorithm geopy's
`geodesic` runs in Python: the same metres, without importing geopy (and its geocoders'
HTTP stack) on every command; geopy is imported only by the online geocoders.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from pyproj import Geod

# Karney's algorithm as geopy's `geodesic` uses it, vectorised in PROJ's C code.
_WGS84 = Geod(ellps="WGS84")


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
    """Geodesic distance in metres on the WGS84 ellipsoid (Karney, as geopy's `geodesic`)."""
    return float(_WGS84.inv(a.lon, a.lat, b.lon, b.lat)[2])


def geodesic_matrix_m(points: Sequence[LonLat]) -> np.ndarray:
    """Pairwise geodesic metres (float64, symmetric, zero diagonal) in one vectorised call.

    The same WGS84 geodesic as `geodesic_m`; a matrix of n points costs one call
    of n (n - 1) / 2 pairs instead of as many Python calls.
    """
    n = len(points)
    out = np.zeros((n, n), dtype=np.float64)
    if n < 2:
        return out
    lon = np.fromiter((p.lon for p in points), dtype=np.float64, count=n)
    lat = np.fromiter((p.lat for p in points), dtype=np.float64, count=n)
    i, j = np.triu_indices(n, k=1)
    _, _, dist = _WGS84.inv(lon[i], lat[i], lon[j], lat[j])
    out[i, j] = dist
    out[j, i] = dist
    return out


def geodesic_to_m(origin: LonLat, points: Sequence[LonLat]) -> np.ndarray:
    """Geodesic metres from `origin` to each of `points`, in one vectorised call."""
    n = len(points)
    if n == 0:
        return np.zeros(0, dtype=np.float64)
    lon = np.fromiter((p.lon for p in points), dtype=np.float64, count=n)
    lat = np.fromiter((p.lat for p in points), dtype=np.float64, count=n)
    _, _, dist = _WGS84.inv(np.full(n, origin.lon), np.full(n, origin.lat), lon, lat)
    return np.asarray(dist, dtype=np.float64)


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
