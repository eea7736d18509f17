"""What every phase of the rota needs to know about a problem, computed once."""

from __future__ import annotations

from outreach_planner.optimize.periodic import schedule_on_spans
from outreach_planner.optimize.problem import RotaProblem
from outreach_planner.optimize.schedule import TimedRun, time_run


class RotaFacts:
    """What every phase needs to know about a problem, computed once."""

    def __init__(self, problem: RotaProblem):
        self.problem = problem
        self.runs = problem.runs
        self.shift = problem.runs[0].shift
        if any(r.shift != self.shift for r in self.runs):
            raise ValueError("every run must share one shift")
        # The periodic solver has the same vehicles every day (see `rota._place_required`).
        fleet = max(r.vehicle for r in self.runs)
        slots = {(r.day, r.vehicle) for r in self.runs}
        if len(slots) != len(self.runs) or slots != {
            (day, v) for day, _ in slots for v in range(1, fleet + 1)
        }:
            raise ValueError(f"every run date must have one run for each vehicle 1..{fleet}")
        self.dwell = (0, *(s.dwell_s for s in problem.stops))
        self.windows = {i + 1: s.window for i, s in enumerate(problem.stops) if s.window}
        self.gap = max(problem.min_gap_days, 1)
        self.unreachable = dict(problem.unreachable)
        self.allowed = [
            tuple(range(len(self.runs))) if s.runs is None else tuple(s.runs) for s in problem.stops
        ]
        # Where each stop's dwell may start on the working clock (lunch left out).
        self.spans = tuple(self.shift.dwell_spans(s.dwell_s, s.window) for s in problem.stops)
        self.reachable = {
            i
            for i in range(len(problem.stops))
            if i not in self.unreachable and self.allowed[i] and self.fits([i])
        }

    def fits(self, route: list[int]) -> bool:
        """Whether a run visiting `route` (stop indices, in order) fits its shift."""
        return self.timed(route) is not None

    def timed(self, route: list[int]) -> TimedRun | None:
        return time_run(
            [i + 1 for i in route],
            dwell_s=self.dwell,
            travel_s=self.problem.travel_s,
            shift=self.shift,
            windows=self.windows,
        )

    def spans_used(self, route: list[int]) -> list[int]:
        """The dwell span each visit of `route` starts in, at the earliest schedule."""
        return schedule_on_spans(route, self.problem.travel_s, self.dwell[1:], self.spans)[2]

    def duration(self, route: list[int]) -> int | None:
        """Seconds from leaving the depot to returning, or None when it does not fit."""
        t = self.timed(route)
        return None if t is None else t.return_s - t.depart_depot_s

    def gap_ok(self, stop: int, run: int, routes: list[list[int]]) -> bool:
        """Whether a visit of `stop` on `run` keeps the minimum days to its other visits."""
        day = self.runs[run].day
        return (
            all(
                abs(self.runs[q].day - day) >= self.gap
                for q, route in enumerate(routes)
                if q != run and stop in route
            )
            and stop not in routes[run]
        )

    def too_close(self, run: int, routes: list[list[int]]) -> set[int]:
        """The stops whose visit on `run` would break the minimum days to another of their
        visits in `routes`, or that `run` already visits: `gap_ok` for every stop at once."""
        day = self.runs[run].day
        close = set(routes[run])
        for q, route in enumerate(routes):
            if q != run and abs(self.runs[q].day - day) < self.gap:
                close.update(route)
        return close
