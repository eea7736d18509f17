"""LonLat validation, coordinate order, geodesic distances and the local projection."""

from __future__ import annotations

import math

import numpy as np
import pytest

from outreach_planner.geo import LocalProjection, LonLat, geodesic_m

# Đức An, the district town of the built-in data.
DUC_AN = LonLat(107.61836, 12.2511)


@pytest.mark.parametrize(
    ("lon", "lat"),
    [
        (180.0, 90.0),  # the north-east corner of the range
        (-180.0, -90.0),  # the south-west corner of the range
        (0, 0),  # ints are numbers too
    ],
)
def test_lonlat_accepts_the_limits(lon: float, lat: float) -> None:
    assert LonLat(lon, lat).as_latlon() == (lat, lon)


@pytest.mark.parametrize(
    ("lon", "lat", "error", "named"),
    [
        (180.5, 12.0, ValueError, "lon"),  # longitude beyond 180
        (-181.0, 12.0, ValueError, "lon"),  # longitude below -180
        (107.6, 90.01, ValueError, "lat"),  # latitude beyond the pole
        (107.6, -95.0, ValueError, "lat"),  # latitude below the south pole
        (math.nan, 12.0, ValueError, "lon"),  # NaN longitude
        (107.6, math.nan, ValueError, "lat"),  # NaN latitude
        (math.inf, 12.0, ValueError, "lon"),  # infinite longitude
        (True, 12.0, TypeError, "lon"),  # a bool is not a coordinate
        (107.6, False, TypeError, "lat"),  # a bool is not a coordinate
        ("107.6", 12.0, TypeError, "lon"),  # a string, not a number
        (107.6, None, TypeError, "lat"),  # missing latitude
    ],
)
def test_lonlat_rejects_bad_values(lon: object, lat: object, error: type, named: str) -> None:
    with pytest.raises(error, match=f"^{named} "):
        LonLat(lon, lat)  # type: ignore[arg-type]


def test_as_latlon_puts_latitude_first() -> None:
    assert LonLat(107.6, 12.2).as_latlon() == (12.2, 107.6)


def test_geodesic_one_degree_of_latitude_at_the_equator() -> None:
    d = geodesic_m(LonLat(0.0, 0.0), LonLat(0.0, 1.0))
    assert d == pytest.approx(110_574, rel=1e-3)


def test_geodesic_one_degree_of_longitude_at_the_equator() -> None:
    # Telling the two apart shows the (lon, lat) order reaches the geodesic correctly.
    d = geodesic_m(LonLat(0.0, 0.0), LonLat(1.0, 0.0))
    assert d == pytest.approx(111_320, rel=1e-3)


def test_geodesic_is_symmetric_and_zero_on_the_spot() -> None:
    other = LonLat(107.66, 12.27)
    assert geodesic_m(DUC_AN, other) == pytest.approx(geodesic_m(other, DUC_AN))
    assert geodesic_m(DUC_AN, DUC_AN) == 0.0


def test_projection_centre_is_the_origin() -> None:
    assert LocalProjection(DUC_AN).xy(DUC_AN) == (0.0, 0.0)


@pytest.mark.parametrize(
    "point",
    [
        LonLat(107.61836, 12.2511),  # the centre itself
        LonLat(107.80, 12.40),  # ~25 km north-east
        LonLat(107.45, 12.05),  # ~30 km south-west
    ],
)
def test_projection_round_trip(point: LonLat) -> None:
    proj = LocalProjection(DUC_AN)
    back = proj.lonlat(*proj.xy(point))
    assert back.lon == pytest.approx(point.lon, abs=1e-9)
    assert back.lat == pytest.approx(point.lat, abs=1e-9)


@pytest.mark.parametrize(
    ("dlon", "dlat"),
    [
        (0.18, 0.0),  # ~20 km east
        (0.0, 0.18),  # ~20 km north
        (-0.13, 0.13),  # ~20 km north-west
    ],
)
def test_projection_distances_match_geodesic_within_one_percent(dlon: float, dlat: float) -> None:
    proj = LocalProjection(DUC_AN)
    p = LonLat(DUC_AN.lon + dlon, DUC_AN.lat + dlat)
    assert math.hypot(*proj.xy(p)) == pytest.approx(geodesic_m(DUC_AN, p), rel=0.01)


def test_geodesic_matrix_is_the_pairwise_geodesic() -> None:
    """The vectorised matrix gives geopy's metres pair by pair (to well under a millimetre)."""
    from outreach_planner.geo import geodesic_matrix_m, geodesic_to_m

    points = [LonLat(107.5 + 0.013 * i, 12.1 + 0.007 * (i % 5)) for i in range(12)]
    matrix = geodesic_matrix_m(points)
    for i, a in enumerate(points):
        assert matrix[i, i] == 0
        for j, b in enumerate(points):
            assert matrix[i, j] == pytest.approx(geodesic_m(a, b), abs=1e-3)
    assert list(geodesic_to_m(points[3], points)) == pytest.approx(list(matrix[3]), abs=1e-6)


def test_geodesic_is_geopys_to_the_micrometre() -> None:
    # The same Karney geodesic as geopy's, so plans keep their metres (and stops their
    # villages) whichever library computes them; points across Vietnam and far apart.
    from geopy.distance import geodesic

    rng = np.random.default_rng(7)
    for _ in range(200):
        lon1, lon2 = rng.uniform(102.0, 110.0, 2)
        lat1, lat2 = rng.uniform(8.0, 23.5, 2)
        a, b = LonLat(float(lon1), float(lat1)), LonLat(float(lon2), float(lat2))
        want = geodesic((b.lat, b.lon), (a.lat, a.lon)).meters
        assert geodesic_m(a, b) == pytest.approx(want, abs=1e-6)
