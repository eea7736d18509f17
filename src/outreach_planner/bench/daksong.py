"""The built-in Đắk Song plan against a simple baseline, in people reached per team-hour.

Baseline: the same runs; each run, in date order, takes the stops least
recently visited (never visited first), nearest first, while the run still
fits its shift as timed by `schedule.time_run`, and never a stop visited less
than the minimum gap ago. Both use the same straight-line travel times and
the same dwell times, rounded up to the timetable's minute.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass

from outreach_planner.builtin import default_settings_path
from outreach_planner.optimize.schedule import time_run
from outreach_planner.planner import TIME_STEP_S, horizon_runs, load_inputs, make_plan
from outreach_planner.settings import load_settings
from outreach_planner.travel import round_up, straight_line_matrix


@dataclass(frozen=True)
class Score:
    """Totals over the horizon; duty is depot to depot less lunch."""

    name: str
    runs: int
    visits: int
    people: int
    duty_s: int
    seconds: float  # time taken to make the plan

    @property
    def people_per_hour(self) -> float:
        return self.people / (self.duty_s / 3600) if self.duty_s else 0.0


def compare(
    *, start: dt.date, engine: str = "pyvrp", seed: int = 0, out: Callable[[str], None] = print
) -> tuple[Score, Score]:
    """Plan the built-in data from `start` with the default settings (but `engine` and
    `seed`), then the baseline."""
    settings = load_settings(default_settings_path()).replace(start=start, engine=engine, seed=seed)
    inputs = load_inputs(settings)
    began = time.perf_counter()
    plan = make_plan(settings, inputs, today=start, capacity=False)  # the plan alone is timed
    ours = Score(
        f"outreach-planner ({engine}, seed {seed})",
        len(plan.runs),
        sum(len(r.visits) for r in plan.runs),
        sum(r.people for r in plan.runs),
        sum(r.duty_s for r in plan.runs),
        time.perf_counter() - began,
    )
    began = time.perf_counter()
    base = baseline(settings, inputs.stops, start)
    base = Score(base.name, base.runs, base.visits, base.people, base.duty_s,
                 time.perf_counter() - began)  # fmt: skip
    out(f"Đắk Song, {settings.weeks} weeks from {start}, {len(inputs.stops)} stops, "
        f"{len(plan.runs)} runs")  # fmt: skip
    out(f"{'plan':<34} {'visits':>7} {'people':>9} {'team-h':>8} {'people/team-h':>14} "
        f"{'time s':>7}")  # fmt: skip
    for s in (ours, base):
        out(f"{s.name:<34} {s.visits:>7} {s.people:>9} {s.duty_s / 3600:>8.1f} "
            f"{s.people_per_hour:>14.1f} {s.seconds:>7.1f}")  # fmt: skip
    if base.people_per_hour:
        out(f"ours / baseline: {ours.people_per_hour / base.people_per_hour:.2f}x")
    return ours, base


def baseline(settings, stops, start: dt.date) -> Score:  # type: ignore[no-untyped-def]
    """Least recently visited, nearest first, until the run is full."""
    matrix = straight_line_matrix(
        [settings.depot.position, *(s.position for s in stops)],
        speed_kmh=settings.speed_kmh,
        detour_factor=settings.detour_factor,
        step_s=TIME_STEP_S,
    )
    travel = matrix.travel_s
    dwell = (0, *(int(round_up(s.dwell_s, TIME_STEP_S)) for s in stops))
    last: dict[int, int] = {}  # stop -> day of its latest visit
    gap = max(1, settings.min_days_between_visits)
    visits = people = duty = 0
    runs = horizon_runs(settings, start)
    for slot in runs:
        route: list[int] = []
        eligible = [
            i for i in range(len(stops))
            if getattr(stops[i], "enabled", True) and slot.day - last.get(i, -10**6) >= gap
        ]  # fmt: skip
        while eligible:
            here = route[-1] + 1 if route else 0
            # Oldest visit first (never visited is oldest), then nearest to where the team is.
            eligible.sort(key=lambda i: (last.get(i, -(10**6)), int(travel[here, i + 1])))
            for i in eligible:
                trial = [*(j + 1 for j in route), i + 1]
                if time_run(trial, dwell_s=dwell, travel_s=travel, shift=slot.shift):
                    route.append(i)
                    eligible.remove(i)
                    break
            else:
                break  # nothing else fits: the day is full
        timed = time_run([j + 1 for j in route], dwell_s=dwell, travel_s=travel,
                         shift=slot.shift)  # fmt: skip
        if timed is None or not route:
            continue
        for i in route:
            last[i] = slot.day
        visits += len(route)
        people += sum(stops[i].population for i in route)
        span = timed.return_s - timed.depart_depot_s
        if timed.lunch:
            span -= timed.lunch[1] - timed.lunch[0]
        duty += span
    return Score("baseline (least recent, nearest)", len(runs), visits, people, duty, 0.0)
