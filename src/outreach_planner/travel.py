"""Travel times and distances between the depot and the stops.

Without a road network, a leg is the geodesic distance times a detour factor,
driven at one average speed (both settings). Matrices are integer seconds and
metres, read-only, index 0 being the depot.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np

from outreach_planner.geo import LonLat, geodesic_matrix_m


@dataclass(frozen=True)
class TravelMatrix:
    """Pairwise legs between `points` (depot first): metres and seconds, rounded."""

    points: tuple[LonLat, ...]
    distance_m: np.ndarray
    travel_s: np.ndarray
    model: str  # "straight-line" (geodesic x detour factor) or "roads" (OpenStreetMap)
    # The road path of leg i -> j (positions from point i to point j), when the model has one.
    paths: Callable[[int, int], tuple[LonLat, ...]] | None = field(
        default=None, compare=False, repr=False
    )

    def __post_init__(self) -> None:
        for m in (self.distance_m, self.travel_s):
            m.setflags(write=False)

    def path(self, i: int, j: int) -> tuple[LonLat, ...] | None:
        """The positions along leg i -> j, or None when legs are straight lines."""
        return None if self.paths is None else self.paths(i, j)


def straight_line_matrix(
    points: Sequence[LonLat], *, speed_kmh: float, detour_factor: float, step_s: int = 1
) -> TravelMatrix:
    """Geodesic metres x `detour_factor`, driven at `speed_kmh`; symmetric, zero diagonal.

    Seconds are rounded up to a multiple of `step_s`.
    """
    # np.round halves to even where Python's round did too: the same metres as pair by pair.
    dist = np.round(geodesic_matrix_m(points) * detour_factor).astype(np.int64)
    speed_mps = speed_kmh * 1000.0 / 3600.0
    # Rounded up, so a leg is never shorter than the model says.
    secs = round_up(np.ceil(dist / speed_mps).astype(np.int64), step_s)
    return TravelMatrix(tuple(points), dist, secs, "straight-line")


Seconds = TypeVar("Seconds", np.ndarray, int)


def round_up(seconds: Seconds, step_s: int) -> Seconds:
    """Seconds rounded up to a multiple of `step_s` (the timetable's resolution)."""
    return -(-seconds // step_s) * step_s
