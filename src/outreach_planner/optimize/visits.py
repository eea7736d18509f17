"""The one way a visit becomes routing clients of a `VrpProblem`.

A visit to a place may start in one of several windows: a day of the horizon
(the periodic solver's long timeline), a span of the working day that keeps a
broadcast out of lunch, or both. Each window becomes one routing client; when
there are several, they form a group of which exactly one is served (at most
one, for an optional visit). A required visit with one window is a plain
required client; an optional one is worth its prize.

Every caller builds its problem here (the periodic solver's horizon and
relaxed steps, the rota's fill of a run), so the engines see one encoding.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from outreach_planner.optimize.vrp import VrpProblem


@dataclass(frozen=True)
class Visit:
    """A visit to `place` (matrix index `place + 1`), started in one of `windows`.

    `prize` None: the visit is required; otherwise it is optional and worth
    that much when made. `service` overrides the place's service time.
    """

    place: int
    windows: tuple[tuple[int, int], ...]
    prize: int | None = None
    service: int | None = None


@dataclass(frozen=True)
class Encoded:
    """A `VrpProblem` of visits and, per routing client, (visit index, window index)."""

    problem: VrpProblem
    owner: tuple[tuple[int, int], ...]
    first: tuple[int, ...]  # per visit, its first routing client

    def client(self, visit: int, window: int = 0) -> int:
        """The routing client of `visit` started in its window number `window`."""
        return self.first[visit] + window

    def decode(self, route: Sequence[int]) -> list[int]:
        """The visit indices of a route of routing clients."""
        return [self.owner[k][0] for k in route]


def encode(
    visits: Sequence[Visit],
    *,
    distance: np.ndarray,
    duration: np.ndarray,
    service: Sequence[int],
    demand: Sequence[int] | None = None,
    capacity: int = 0,
    vehicles: int,
    shifts: tuple[tuple[int, int], ...] | None = None,
    max_duration: int | None = None,
) -> Encoded:
    """One routing client per window of every visit; `service` and `demand` per place."""
    owner: list[tuple[int, int]] = []
    first: list[int] = []
    rows = [0]
    windows: list[tuple[int, int]] = []
    prizes: list[int | None] = []
    services: list[int] = []
    groups: list[tuple[int, ...]] = []
    optional_groups: list[tuple[int, ...]] = []
    for k, visit in enumerate(visits):
        first.append(len(owner))
        members = tuple(range(len(owner), len(owner) + len(visit.windows)))
        if len(members) > 1:
            (groups if visit.prize is None else optional_groups).append(members)
        for j, window in enumerate(visit.windows):
            owner.append((k, j))
            rows.append(visit.place + 1)
            windows.append(window)
            services.append(service[visit.place] if visit.service is None else visit.service)
            if visit.prize is not None:
                prizes.append(visit.prize)
            else:
                # A required visit with alternatives: the group makes it required.
                prizes.append(0 if len(members) > 1 else None)
    ix = np.ix_(rows, rows)
    problem = VrpProblem(
        distance=np.asarray(distance)[ix],
        duration=np.asarray(duration)[ix],
        demand=tuple(0 if demand is None else demand[r - 1] for r in rows[1:]),
        service=tuple(services),
        capacity=capacity,
        vehicles=vehicles,
        time_windows=tuple(windows),
        shifts=shifts,
        max_duration=max_duration,
        prize=tuple(prizes) if any(p is not None for p in prizes) else None,
        groups=tuple(groups),
        optional_groups=tuple(optional_groups),
    )
    return Encoded(problem, tuple(owner), tuple(first))
