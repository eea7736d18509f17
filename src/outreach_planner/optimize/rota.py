"""The periodic layer: which runs visit each stop, then the order within each run.

Phase A places every stop's required visits: one routing model whose vehicles
are the runs of the whole horizon, so runs come out geographically compact;
the copies of a stop needing several visits are chained by "at least N days
later" constraints. Phase B then fills each run's spare time, in date order,
with extra visits chosen by the people they reach (a prize the router
collects), never closer than the minimum gap to another visit of that stop.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import numpy as np

from outreach_planner.optimize import ortools_engine
from outreach_planner.optimize.problem import (
    Missing,
    RotaProblem,
    RotaResult,
    RouteResult,
    RunSlot,
)
from outreach_planner.optimize.schedule import time_run

log = logging.getLogger("outreach_planner")

# One person reached is worth one minute of driving: extras fill the day, biggest first.
PRIZE_S_PER_PERSON = 60

Progress = Callable[[str, int, int], None]  # (phase, done, total)


def solve_rota(problem: RotaProblem, *, progress: Progress | None = None) -> RotaResult:
    """Plan every run of the horizon; stops short of their minimum come back as missing."""
    report = progress or (lambda phase, done, total: None)
    runs = problem.runs
    if not runs:
        return RotaResult((), _all_missing(problem, "the settings leave no run in the horizon"))
    shift = runs[0].shift
    if any(r.shift != shift for r in runs):
        raise ValueError("every run must share one shift")
    dwell = (0, *(s.dwell_s for s in problem.stops))

    missing: list[Missing] = []
    wanted: dict[int, int] = {}
    reachable = {
        i
        for i in range(len(problem.stops))
        if time_run([i + 1], dwell_s=dwell, travel_s=problem.travel_s, shift=shift) is not None
    }
    for i, stop in enumerate(problem.stops):
        if stop.min_visits == 0:
            continue
        if i not in reachable:
            missing.append(Missing(i, stop.min_visits, _too_long_reason(problem, i)))
            continue
        most = _most_visits(runs, problem.min_gap_days)
        if most < stop.min_visits:
            missing.append(
                Missing(
                    i,
                    stop.min_visits - most,
                    f"needs {stop.min_visits} visits at least {problem.min_gap_days} days "
                    f"apart, but the {len(runs)} runs allow only {most}",
                )  # fmt: skip
            )
        wanted[i] = min(stop.min_visits, most)

    report("placing required visits", 0, 1)
    routes = _place_required(problem, wanted, dwell)
    report("placing required visits", 1, 1)

    placed = {i: sum(r.count(i) for r in routes) for i in wanted}
    short = {i: wanted[i] - placed[i] for i in wanted if placed[i] < wanted[i]}
    if short:
        reason = _capacity_reason(problem, wanted, dwell)
        missing.extend(Missing(i, k, reason) for i, k in sorted(short.items()))

    for r in range(len(runs)):
        report("adding extra visits", r, len(runs))
        routes[r] = _fill_run(problem, routes, r, dwell, reachable)
    report("adding extra visits", len(runs), len(runs))

    for r, route in enumerate(routes):
        # The engine's model is stricter than the timetable, so this cannot fail;
        # if it ever does, the plan must not silently carry an impossible run.
        if time_run([i + 1 for i in route], dwell_s=dwell, travel_s=problem.travel_s,
                    shift=shift) is None:  # fmt: skip
            raise RuntimeError(f"run {r} from the router does not fit its shift")
    return RotaResult(
        routes=tuple(RouteResult(r, tuple(route)) for r, route in enumerate(routes)),
        missing=tuple(sorted(missing, key=lambda m: m.stop)),
    )


def _place_required(
    problem: RotaProblem, wanted: dict[int, int], dwell: tuple[int, ...]
) -> list[list[int]]:
    runs = problem.runs
    gap = problem.min_gap_days
    visits: list[int] = []
    allowed: list[tuple[int, ...] | None] = []
    pairs = []
    for i, count in sorted(wanted.items()):
        for k in range(count):
            visits.append(i + 1)
            ok = _runs_for_copy(runs, k, count, gap)
            allowed.append(None if len(ok) == len(runs) else ok)
            if k > 0:
                pairs.append((len(visits) - 2, len(visits) - 1, _later_pairs(runs, gap)))
    if not visits:
        return [[] for _ in runs]
    req = ortools_engine.RoutingRequest(
        travel_s=problem.travel_s,
        dwell_s=dwell,
        visits=tuple(visits),
        penalty=tuple(ortools_engine.MANDATORY_PENALTY for _ in visits),
        allowed=tuple(allowed),
        shift=runs[0].shift,
        vehicles=len(runs),
        pairs=tuple(pairs),
        # Placing required visits converges fast; most of the effort goes to the extras.
        solution_limit=max(50, problem.search_effort // 3),
        time_cap_s=problem.time_cap_s / 2,
    )
    res = ortools_engine.solve(req)
    return [[visits[k] - 1 for k in route] for route in res.routes]


def _fill_run(
    problem: RotaProblem,
    routes: list[list[int]],
    r: int,
    dwell: tuple[int, ...],
    reachable: set[int],
) -> list[int]:
    """Run r with extra visits added where time allows; its required visits stay.

    Only `reachable` stops (those a run could visit alone) are offered.
    """
    runs = problem.runs
    gap = max(problem.min_gap_days, 1)
    day = runs[r].day
    current = routes[r]
    candidates = [
        i
        for i, stop in enumerate(problem.stops)
        if stop.value > 0
        and i in reachable
        and i not in current
        and all(abs(runs[q].day - day) >= gap for q, route in enumerate(routes) if i in route)
    ]
    if not candidates:
        return current
    visits = [i + 1 for i in current] + [i + 1 for i in candidates]
    penalty = [ortools_engine.MANDATORY_PENALTY] * len(current) + [
        problem.stops[i].value * PRIZE_S_PER_PERSON for i in candidates
    ]
    req = ortools_engine.RoutingRequest(
        travel_s=problem.travel_s,
        dwell_s=dwell,
        visits=tuple(visits),
        penalty=tuple(penalty),
        allowed=tuple(None for _ in visits),
        shift=runs[r].shift,
        vehicles=1,
        initial=(tuple(range(len(current))),),
        solution_limit=max(50, problem.search_effort // 4),
        time_cap_s=problem.time_cap_s / (2 * len(runs)),
    )
    res = ortools_engine.solve(req)
    route = [visits[k] - 1 for k in res.routes[0]]
    if set(current) - set(route):
        # Never trade a required visit for extras; keep the run as it was.
        log.warning("run %d: filling dropped a required visit; extras skipped", r)
        return current
    return route


def _runs_for_copy(runs: tuple[RunSlot, ...], k: int, count: int, gap: int) -> tuple[int, ...]:
    """Runs where copy k of `count` can go and still leave room for the others."""
    first, last = runs[0].day, runs[-1].day
    return tuple(
        q
        for q, run in enumerate(runs)
        if run.day - first >= k * gap and last - run.day >= (count - 1 - k) * gap
    )


def _later_pairs(runs: tuple[RunSlot, ...], gap: int) -> tuple[tuple[int, int], ...]:
    """(run a, run b) allowed for consecutive copies: b on a later date, `gap` days on."""
    pairs = [(-1, -1)]
    pairs += [(a, -1) for a in range(len(runs))] + [(-1, b) for b in range(len(runs))]
    pairs += [
        (a, b)
        for a, ra in enumerate(runs)
        for b, rb in enumerate(runs)
        if rb.day - ra.day >= max(gap, 1)
    ]
    return tuple(pairs)


def _most_visits(runs: tuple[RunSlot, ...], gap: int) -> int:
    """How many visits of one stop the run dates allow with `gap` days between them."""
    count, last = 0, None
    for run in runs:
        if last is None or run.day - last >= max(gap, 1):
            count, last = count + 1, run.day
    return count


def _too_long_reason(problem: RotaProblem, i: int) -> str:
    shift = problem.runs[0].shift
    dwell = problem.stops[i].dwell_s
    trip = int(problem.travel_s[0, i + 1] + problem.travel_s[i + 1, 0])
    longest = max(shift.lunch_start_s - shift.start_s, shift.end_s - shift.lunch_end_s)
    if dwell > longest:
        return (
            f"its dwell ({dwell / 60:.0f} min) is longer than the longest working span "
            f"({longest / 60:.0f} min) between the start, lunch and the end of the day"
        )
    return (
        f"the dwell ({dwell / 60:.0f} min) and the drive there and back ({trip / 60:.0f} min) "
        f"do not fit in one working day"
    )


def _capacity_reason(problem: RotaProblem, wanted: dict[int, int], dwell: tuple[int, ...]) -> str:
    t = problem.travel_s.astype(np.float64).copy()
    np.fill_diagonal(t, np.inf)
    # A lower bound on the time a visit costs: its dwell plus the shortest leg into it.
    need = sum(count * (dwell[i + 1] + float(t[:, i + 1].min())) for i, count in wanted.items())
    have = sum(run.shift.working_s for run in problem.runs)
    if need > have:
        return f"needs {(need - have) / 3600:.0f} more hours than the {len(problem.runs)} runs have"
    return (
        "no run had time left for it beside the other required stops; "
        "add a week or a vehicle, or lower its minimum visits"
    )


def _all_missing(problem: RotaProblem, reason: str) -> tuple[Missing, ...]:
    return tuple(
        Missing(i, s.min_visits, reason) for i, s in enumerate(problem.stops) if s.min_visits
    )
