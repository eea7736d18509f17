"""Straight-line travel matrices: shape, symmetry, read-only, and the rounding rules."""

from __future__ import annotations

import numpy as np
import pytest

from outreach_planner.geo import LonLat, geodesic_m
from outreach_planner.travel import TravelMatrix, round_up, straight_line_matrix

# Depot, then three tiny villages.
POINTS = [
    LonLat(107.64, 12.26),
    LonLat(107.61, 12.25),
    LonLat(107.63, 12.27),
    LonLat(107.67, 12.27),
]
# One degree of latitude at the equator: 110,574.389 m on WGS84.
EQUATOR = [LonLat(0.0, 0.0), LonLat(0.0, 1.0)]


@pytest.fixture(scope="module")
def matrix() -> TravelMatrix:
    """The depot and three villages at 30 km/h, detour 1.3, seconds in steps of 60."""
    return straight_line_matrix(POINTS, speed_kmh=30.0, detour_factor=1.3, step_s=60)


@pytest.mark.parametrize("name", ["distance_m", "travel_s"])
def test_square_integer_matrices(matrix: TravelMatrix, name: str) -> None:
    m = getattr(matrix, name)
    assert m.shape == (4, 4)
    assert np.issubdtype(m.dtype, np.integer)


@pytest.mark.parametrize("name", ["distance_m", "travel_s"])
def test_symmetric(matrix: TravelMatrix, name: str) -> None:
    m = getattr(matrix, name)
    assert np.array_equal(m, m.T)


@pytest.mark.parametrize("name", ["distance_m", "travel_s"])
def test_zero_diagonal_only(matrix: TravelMatrix, name: str) -> None:
    m = getattr(matrix, name)
    assert np.all(np.diag(m) == 0)
    assert np.all(m[~np.eye(4, dtype=bool)] > 0)


@pytest.mark.parametrize("name", ["distance_m", "travel_s"])
def test_read_only(matrix: TravelMatrix, name: str) -> None:
    with pytest.raises(ValueError, match="read-only"):
        getattr(matrix, name)[0, 1] = 1


def test_keeps_points_and_model(matrix: TravelMatrix) -> None:
    assert matrix.points == tuple(POINTS)
    assert matrix.model == "straight-line"


def test_distance_is_geodesic_times_detour_rounded() -> None:
    m = straight_line_matrix(EQUATOR, speed_kmh=36.0, detour_factor=1.3)
    assert m.distance_m[0, 1] == 143_747  # 110,574.389 x 1.3 = 143,746.7


def test_distances_follow_the_geodesic(matrix: TravelMatrix) -> None:
    for i in range(4):
        for j in range(4):
            if i != j:
                expected = geodesic_m(POINTS[i], POINTS[j]) * 1.3
                assert abs(matrix.distance_m[i, j] - expected) <= 0.5


@pytest.mark.parametrize(
    ("step_s", "seconds"),
    [
        (1, 14_375),  # 143,747 m at 10 m/s = 14,374.7 s, rounded up
        (60, 14_400),  # up to the next whole minute
        (7, 14_378),  # up to the next multiple of 7
    ],
)
def test_seconds_are_rounded_up_to_the_step(step_s: int, seconds: int) -> None:
    m = straight_line_matrix(EQUATOR, speed_kmh=36.0, detour_factor=1.3, step_s=step_s)
    assert m.travel_s[0, 1] == seconds


def test_seconds_never_undercut_the_model(matrix: TravelMatrix) -> None:
    speed_mps = 30.0 / 3.6
    off = ~np.eye(4, dtype=bool)
    exact = matrix.distance_m[off] / speed_mps
    assert np.all(matrix.travel_s % 60 == 0)
    assert np.all(matrix.travel_s[off] >= exact)
    assert np.all(matrix.travel_s[off] - 60 < exact)


def test_exact_seconds_are_not_rounded_further() -> None:
    # 1 km at 36 km/h is exactly 100 s: no extra second from float error.
    a = LonLat(0.0, 0.0)
    b = LonLat(0.0, 1000 / geodesic_m(a, LonLat(0.0, 1.0)))
    m = straight_line_matrix([a, b], speed_kmh=36.0, detour_factor=1.0)
    assert m.distance_m[0, 1] == 1000
    assert m.travel_s[0, 1] == 100


def test_single_point() -> None:
    m = straight_line_matrix(POINTS[:1], speed_kmh=30.0, detour_factor=1.3)
    assert m.distance_m.tolist() == [[0]] and m.travel_s.tolist() == [[0]]


@pytest.mark.parametrize(
    ("seconds", "step_s", "rounded"),
    [
        (0, 60, 0),  # zero stays zero
        (1, 60, 60),  # any part of a step counts as a step
        (60, 60, 60),  # a whole step stays
        (61, 60, 120),  # just over goes to the next
        (7, 1, 7),  # step 1 changes nothing
    ],
)
def test_round_up(seconds: int, step_s: int, rounded: int) -> None:
    assert round_up(seconds, step_s) == rounded
