"""The frozen problem the optimizer solves; everything in integer seconds.

Index conventions: stop `i` of `RotaProblem.stops` is row/column `i + 1` of
`travel_s`; row/column 0 is the depot.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Shift:
    """A working day: seconds after midnight; no driving or broadcasting during lunch."""

    start_s: int
    lunch_start_s: int
    lunch_end_s: int
    end_s: int

    def __post_init__(self) -> None:
        if not self.start_s <= self.lunch_start_s <= self.lunch_end_s <= self.end_s:
            raise ValueError(f"shift times out of order: {self}")

    @property
    def working_s(self) -> int:
        return (self.lunch_start_s - self.start_s) + (self.end_s - self.lunch_end_s)

    def work_clock(self, t: int) -> int:
        """Working seconds from the start of the shift to clock time `t`: lunch does not count.

        On this clock a drive that pauses for lunch is simply continuous, so a
        run is a plain route of `working_s`; only a dwell may not straddle the
        instant lunch begins (see `dwell_spans`).
        """
        if t <= self.lunch_start_s:
            return t - self.start_s
        if t <= self.lunch_end_s:
            return self.lunch_start_s - self.start_s
        return t - self.start_s - (self.lunch_end_s - self.lunch_start_s)

    def dwell_spans(
        self, dwell: int, window: tuple[int, int] | None = None
    ) -> tuple[tuple[int, int], ...]:
        """Allowed starts [lo, hi] of a dwell on the working clock, earliest span first.

        A dwell is never split by lunch, so it ends by the morning's end or
        starts in the afternoon; it stays inside the shift and inside `window`
        (earliest start, latest end, clock time) when given. Empty: it fits nowhere.
        """
        morning, total = self.lunch_start_s - self.start_s, self.working_s
        spans = (
            [(0, morning), (morning, total)]
            if dwell > 0 and self.lunch_end_s > self.lunch_start_s
            else [(0, total)]
        )
        if window is not None:
            lo_w, hi_w = self.work_clock(window[0]), self.work_clock(window[1])
            spans = [(max(lo, lo_w), min(hi, hi_w)) for lo, hi in spans]
        return tuple((lo, hi - dwell) for lo, hi in spans if hi - dwell >= lo)


@dataclass(frozen=True)
class RunSlot:
    """One outing of one vehicle on one date."""

    date: dt.date
    day: int  # days after the first day of the horizon
    vehicle: int  # 1-based
    shift: Shift


@dataclass(frozen=True)
class StopDemand:
    """What the optimizer knows of a stop."""

    dwell_s: int  # setup + programme: the whole time standing at the stop
    value: int  # people reached by one visit (times any priority weight)
    min_visits: int
    runs: tuple[int, ...] | None = None  # the runs it may join (pins); None: any
    window: tuple[int, int] | None = None  # earliest dwell start, latest dwell end (s)


@dataclass(frozen=True)
class RotaProblem:
    """The periodic rota: which stops each run visits, and in what order."""

    stops: tuple[StopDemand, ...]
    runs: tuple[RunSlot, ...]
    travel_s: np.ndarray = field(repr=False)
    min_gap_days: int = 7
    search_effort: int = 1200
    time_cap_s: float = 120.0
    seed: int = 0
    engine: str = "pyvrp"  # the routing engine behind `vrp.solve` (see vrp.ENGINES)
    # Stops the travel model cannot serve at all (e.g. cut off from the depot's
    # roads), as (stop index, reason) pairs: never visited, reported with the reason.
    unreachable: tuple[tuple[int, str], ...] = ()

    def __post_init__(self) -> None:
        n = len(self.stops) + 1
        if self.travel_s.shape != (n, n):
            raise ValueError(f"travel_s must be {n}x{n}, got {self.travel_s.shape}")
        if self.travel_s.flags.writeable:
            raise ValueError("travel_s must be read-only")
        if any(s.dwell_s < 0 or s.value < 0 or s.min_visits < 0 for s in self.stops):
            raise ValueError("dwell, value and minimum visits must not be negative")


@dataclass(frozen=True)
class PreviousRoutes:
    """A previous plan mapped onto this problem, for re-planning without reshuffling.

    `routes[r]` is run r's stop indices in the previous order (empty for a run
    the previous plan did not have); runs in `frozen` (the past) are kept as
    they are, whatever the constraints say now.
    """

    routes: tuple[tuple[int, ...], ...]
    frozen: frozenset[int] = frozenset()


@dataclass(frozen=True)
class RouteResult:
    """One run's ordered stop indices (into `RotaProblem.stops`)."""

    run: int
    stops: tuple[int, ...]


@dataclass(frozen=True)
class Missing:
    """A stop short of its minimum visits, and why."""

    stop: int
    missing_visits: int
    reason: str
    # A stable code for programs and translations (documented in docs/plan-json.md), and
    # the figures its message quotes, e.g. (("dwell_min", 32), ("longest_min", 240)).
    code: str = "no_time"
    figures: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class RotaResult:
    routes: tuple[RouteResult, ...]
    missing: tuple[Missing, ...]
    objective: int = 0
    stats: dict = field(default_factory=dict, compare=False)
