"""The periodic VRP itself: the frozen problem, the result, and the clock of a day with spans.

Each client needs a visit on every day of one of its allowed day combinations
(its *pattern*); every day has the same number of vehicles, one capacity and
one route duration limit (travel + service). The solver is described in
`periodic/__init__.py`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from outreach_planner.optimize.vrp import NO_LIMIT


def _readonly(name: str, value: np.ndarray, n: int) -> np.ndarray:
    arr = np.array(value, dtype=np.int64)
    if arr.shape != (n, n):
        raise ValueError(f"{name} must be {n}x{n}, got {arr.shape}")
    if (arr < 0).any():
        raise ValueError(f"{name} must not be negative")
    arr.flags.writeable = False
    return arr


@dataclass(frozen=True)
class PeriodicProblem:
    """Clients to visit over `days` days; depot is matrix index 0, client i index i + 1.

    `patterns[i]` lists client i's allowed day combinations, each a sorted tuple
    of 0-based days, all of one length (its visit frequency; 0 means no visit).
    Integer units, as in `VrpProblem`; `max_duration` bounds travel + service
    of a route.

    `spans`, when given, makes every day a clock of `max_duration` (0 = the
    vehicles leave the depot, which they must be back at by `max_duration`):
    `spans[i]` lists the disjoint [lo, hi] ranges, earliest first, in which a
    service of client i may start; the vehicle waits for `lo`. The planner uses
    it for a working day whose lunch no broadcast may straddle.

    `day_service` and `day_spans`, when given, hold each day's own service
    times and spans (`day_service[d][i]`, `day_spans[d][i]`): a stop whose
    programme differs by date. `service` and `spans` are then the defaults
    nothing reads but validation.
    """

    distance: np.ndarray = field(repr=False)
    duration: np.ndarray = field(repr=False)
    demand: tuple[int, ...]
    service: tuple[int, ...]
    patterns: tuple[tuple[tuple[int, ...], ...], ...]
    days: int
    vehicles: int  # per day
    capacity: int
    max_duration: int | None = None
    spans: tuple[tuple[tuple[int, int], ...], ...] | None = None
    day_service: tuple[tuple[int, ...], ...] | None = None
    day_spans: tuple[tuple[tuple[tuple[int, int], ...], ...], ...] | None = None

    def __post_init__(self) -> None:
        n = len(self.demand)
        object.__setattr__(self, "distance", _readonly("distance", self.distance, n + 1))
        object.__setattr__(self, "duration", _readonly("duration", self.duration, n + 1))
        problems = []
        if len(self.service) != n or len(self.patterns) != n:
            problems.append("demand, service and patterns must have one entry per client")
        if self.days < 1 or self.vehicles < 1:
            problems.append(f"days and vehicles must be at least 1: {self.days}, {self.vehicles}")
        for i, pats in enumerate(self.patterns):
            if not pats:
                problems.append(f"client {i} has no allowed pattern")
                continue
            if len({len(p) for p in pats}) != 1:
                problems.append(f"client {i}: patterns of different frequencies {pats}")
            for p in pats:
                if list(p) != sorted(set(p)) or any(not 0 <= d < self.days for d in p):
                    problems.append(f"client {i}: pattern {p} is not sorted days in range")
        if self.max_duration is not None and self.max_duration < 0:
            problems.append("max_duration must not be negative")
        if self.spans is not None:
            if self.max_duration is None or len(self.spans) != n:
                problems.append("spans need max_duration and one entry per client")
            else:
                for d in range(self.days):
                    problems += self._spans_problems(self.spans_on(d))
        if self.day_service is not None and (
            len(self.day_service) != self.days
            or any(len(day) != n or min(day, default=0) < 0 for day in self.day_service)
        ):
            problems.append("day_service needs one entry per day, each a service per client")
        if self.day_spans is not None and (
            self.spans is None
            or len(self.day_spans) != self.days
            or any(len(day) != n for day in self.day_spans)
        ):
            problems.append("day_spans need spans and one entry per day, each spans per client")
        if problems:
            raise ValueError("; ".join(problems[:10]))

    def _spans_problems(self, spans_of: Sequence[Sequence[tuple[int, int]]]) -> list[str]:
        problems = []
        for i, spans in enumerate(spans_of):
            if self.patterns[i] and self.patterns[i][0] and not spans:
                problems.append(f"client {i} needs visits but has no span to start in")
            flat = [x for span in spans for x in span]
            if flat != sorted(flat) or any(x < 0 for x in flat):
                problems.append(f"client {i}: spans {spans} are not disjoint and in order")
        return problems

    @property
    def num_clients(self) -> int:
        return len(self.demand)

    def service_on(self, day: int) -> tuple[int, ...]:
        """Every client's service time on `day`."""
        return self.service if self.day_service is None else self.day_service[day]

    def spans_on(self, day: int) -> tuple[tuple[tuple[int, int], ...], ...]:
        """Every client's spans on `day` (with spans only)."""
        assert self.spans is not None
        return self.spans if self.day_spans is None else self.day_spans[day]

    def frequency(self, client: int) -> int:
        return len(self.patterns[client][0])

    def any_day(self, client: int) -> bool:
        """One visit, on any day of the horizon: the engine may choose its day itself.

        Not with spans (the engine would need every (day, span) as an alternative),
        nor with service times that differ by day.
        """
        if self.spans is not None or self.day_service is not None:
            return False
        pats = self.patterns[client]
        return len(pats[0]) == 1 and {p[0] for p in pats} == set(range(self.days))


def start_in_spans(spans: Sequence[tuple[int, int]], arrival: int) -> tuple[int, int, int]:
    """(start, span index, lateness) of a service reached at `arrival`: the earliest start
    in a span; past every span, it starts on arrival, late by that much after the last."""
    for j, (lo, hi) in enumerate(spans):
        if arrival <= hi:
            return max(arrival, lo), j, 0
    last = len(spans) - 1
    return arrival, last, arrival - spans[last][1] if spans else 0


def schedule_on_spans(
    route: Sequence[int],
    travel: Sequence[Sequence[int]] | np.ndarray,
    service: Sequence[int],
    spans: Sequence[Sequence[tuple[int, int]]],
) -> tuple[int, int, list[int]]:
    """(return time, total lateness, span used per client) of `route` (client indices;
    matrix index = client + 1) leaving the depot at 0, every service as early as its spans
    allow: the schedule the engines' time windows give the same route."""
    t, late, prev, used = 0, 0, 0, []
    for c in route:
        t, j, lateness = start_in_spans(spans[c], t + int(travel[prev][c + 1]))
        t += service[c]
        late += lateness
        used.append(j)
        prev = c + 1
    return t + int(travel[prev][0]), late, used


@dataclass(frozen=True)
class PeriodicResult:
    """Routes per day, per vehicle (client indices in order), and each client's days."""

    routes: tuple[tuple[tuple[int, ...], ...], ...]
    days_of: tuple[tuple[int, ...], ...]
    distance: int
    feasible: bool
    seconds: float
    iterations: int  # neighbourhood moves tried
    engine: str
    stats: dict = field(default_factory=dict, compare=False)


def timeline(pp: PeriodicProblem) -> tuple[int, int]:
    """(U, H): a day lasts U on the engine's timeline and day d starts at d * H."""
    if pp.max_duration is not None:
        u = pp.max_duration
    else:
        # No route can last longer than visiting every client from the depot and back.
        t = np.asarray(pp.duration)
        service = max(sum(pp.service_on(d)) for d in range(pp.days))
        u = int(2 * t[0, 1:].sum() + service) + pp.num_clients + 2
    return u, u + 1


def day_windows(pp: PeriodicProblem) -> list[tuple[int, int]]:
    """Each day's [start, end] on the engine's timeline."""
    u, h = timeline(pp)
    return [(d * h, d * h + u) for d in range(pp.days)]


NOT_TIMED = (0, NO_LIMIT)  # the window of a visit whose day the engine chooses
