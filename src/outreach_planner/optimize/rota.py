"""The periodic layer: which runs visit each stop, then the order within each run.

Phase A places every stop's required visits: one routing model whose vehicles
are the runs of the whole horizon, so runs come out geographically compact;
the copies of a stop needing several visits are chained by "at least N days
later" constraints. Phase B then fills each run's spare time, in date order,
with extra visits chosen by the people they reach (a prize the router
collects), never closer than the minimum gap to another visit of that stop.

With a previous plan, `replan` keeps every visit that still fits where it was,
in the same order, and only inserts or drops what the edits force.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

import numpy as np

from outreach_planner.optimize import ortools_engine
from outreach_planner.optimize.problem import (
    Missing,
    PreviousRoutes,
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


class _Rota:
    """What every phase needs to know about a problem, computed once."""

    def __init__(self, problem: RotaProblem):
        self.problem = problem
        self.runs = problem.runs
        self.shift = problem.runs[0].shift
        if any(r.shift != self.shift for r in self.runs):
            raise ValueError("every run must share one shift")
        self.dwell = (0, *(s.dwell_s for s in problem.stops))
        self.windows = {i + 1: s.window for i, s in enumerate(problem.stops) if s.window}
        self.gap = max(problem.min_gap_days, 1)
        self.unreachable = dict(problem.unreachable)
        self.allowed = [
            tuple(range(len(self.runs))) if s.runs is None else tuple(s.runs) for s in problem.stops
        ]
        self.reachable = {
            i
            for i in range(len(problem.stops))
            if i not in self.unreachable and self.allowed[i] and self.fits([i])
        }

    def fits(self, route: list[int]) -> bool:
        """Whether a run visiting `route` (stop indices, in order) fits its shift."""
        return self.timed(route) is not None

    def timed(self, route: list[int]):
        return time_run(
            [i + 1 for i in route],
            dwell_s=self.dwell,
            travel_s=self.problem.travel_s,
            shift=self.shift,
            windows=self.windows,
        )

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


def solve_rota(
    problem: RotaProblem,
    *,
    progress: Progress | None = None,
    previous: PreviousRoutes | None = None,
) -> RotaResult:
    """Plan every run of the horizon; stops short of their minimum come back as missing.

    With `previous`, re-plan without reshuffling (see `_replan`).
    """
    report = progress or (lambda phase, done, total: None)
    if not problem.runs:
        return RotaResult((), _all_missing(problem, "the settings leave no run in the horizon"))
    rota = _Rota(problem)
    missing, wanted = _requirements(rota)
    if previous is not None:
        routes, short_reason = _replan(rota, wanted, previous, report)
    else:
        report("placing required visits", 0, 1)
        routes = _place_required(rota, wanted)
        report("placing required visits", 1, 1)
        short_reason = None
        for r in range(len(rota.runs)):
            report("adding extra visits", r, len(rota.runs))
            routes[r] = _fill_run(rota, routes, r)
        report("adding extra visits", len(rota.runs), len(rota.runs))

    placed = {i: sum(route.count(i) for route in routes) for i in wanted}
    short = {i: wanted[i] - placed[i] for i in wanted if placed[i] < wanted[i]}
    if short:
        reason = short_reason or _capacity_reason(problem, wanted, rota.dwell)
        missing.extend(Missing(i, k, reason) for i, k in sorted(short.items()))

    frozen = previous.frozen if previous else frozenset()
    for r, route in enumerate(routes):
        # The engine's model is stricter than the timetable, so this cannot fail;
        # if it ever does, the plan must not silently carry an impossible run.
        if r not in frozen and not rota.fits(route):
            raise RuntimeError(f"run {r} does not fit its shift")
    return RotaResult(
        routes=tuple(RouteResult(r, tuple(route)) for r, route in enumerate(routes)),
        missing=tuple(sorted(missing, key=lambda m: m.stop)),
    )


def _requirements(rota: _Rota) -> tuple[list[Missing], dict[int, int]]:
    """Visits each stop needs and can have; what can never be had, with the reason."""
    problem = rota.problem
    missing: list[Missing] = []
    wanted: dict[int, int] = {}
    for i, stop in enumerate(problem.stops):
        if stop.min_visits == 0:
            continue
        if i in rota.unreachable:
            missing.append(Missing(i, stop.min_visits, rota.unreachable[i]))
            continue
        if not rota.allowed[i]:
            missing.append(
                Missing(i, stop.min_visits, "it is pinned to days on which no run is planned")
            )
            continue
        if i not in rota.reachable:
            missing.append(Missing(i, stop.min_visits, _too_long_reason(problem, i)))
            continue
        most = _most_visits([rota.runs[q] for q in rota.allowed[i]], problem.min_gap_days)
        if most < stop.min_visits:
            missing.append(
                Missing(
                    i,
                    stop.min_visits - most,
                    f"needs {stop.min_visits} visits at least {problem.min_gap_days} days "
                    f"apart, but the {len(rota.allowed[i])} runs it may join allow only {most}",
                )  # fmt: skip
            )
        wanted[i] = min(stop.min_visits, most)
    return missing, wanted


def _place_required(rota: _Rota, wanted: dict[int, int]) -> list[list[int]]:
    problem, runs = rota.problem, rota.runs
    visits: list[int] = []
    allowed: list[tuple[int, ...] | None] = []
    windows: list[tuple[int, int] | None] = []
    pairs = []
    order = sorted(wanted)
    if problem.seed:
        # The seed varies the order the router meets the stops in, hence where its
        # search starts: another seed, another (equally valid) plan; the same seed,
        # the same plan.
        order = [order[k] for k in np.random.default_rng(problem.seed).permutation(len(order))]
    for i in order:
        count = wanted[i]
        for k in range(count):
            visits.append(i + 1)
            ok = tuple(
                q for q in _runs_for_copy(runs, k, count, problem.min_gap_days)
                if q in rota.allowed[i]
            )  # fmt: skip
            allowed.append(None if len(ok) == len(runs) else ok)
            windows.append(problem.stops[i].window)
            if k > 0:
                pairs.append((len(visits) - 2, len(visits) - 1, _later_pairs(runs, rota.gap)))
    if not visits:
        return [[] for _ in runs]
    req = ortools_engine.RoutingRequest(
        travel_s=problem.travel_s,
        dwell_s=rota.dwell,
        visits=tuple(visits),
        penalty=tuple(ortools_engine.MANDATORY_PENALTY for _ in visits),
        allowed=tuple(allowed),
        shift=rota.shift,
        vehicles=len(runs),
        pairs=tuple(pairs),
        windows=tuple(windows),
        # Placing required visits converges fast; most of the effort goes to the extras.
        solution_limit=max(50, problem.search_effort // 3),
        time_cap_s=problem.time_cap_s / 2,
    )
    res = ortools_engine.solve(req)
    return [[visits[k] - 1 for k in route] for route in res.routes]


def _fill_run(rota: _Rota, routes: list[list[int]], r: int) -> list[int]:
    """Run r with extra visits added where time allows; its required visits stay.

    Only stops a run could visit alone, allowed on this run, are offered.
    """
    problem = rota.problem
    current = routes[r]
    candidates = [
        i
        for i, stop in enumerate(problem.stops)
        if stop.value > 0
        and i in rota.reachable
        and r in rota.allowed[i]
        and rota.gap_ok(i, r, routes)
    ]
    if not candidates:
        return current
    visits = [i + 1 for i in current] + [i + 1 for i in candidates]
    penalty = [ortools_engine.MANDATORY_PENALTY] * len(current) + [
        problem.stops[i].value * PRIZE_S_PER_PERSON for i in candidates
    ]
    req = ortools_engine.RoutingRequest(
        travel_s=problem.travel_s,
        dwell_s=rota.dwell,
        visits=tuple(visits),
        penalty=tuple(penalty),
        allowed=tuple(None for _ in visits),
        shift=rota.shift,
        vehicles=1,
        windows=tuple(problem.stops[v - 1].window for v in visits),
        initial=(tuple(range(len(current))),),
        solution_limit=max(50, problem.search_effort // 4),
        time_cap_s=problem.time_cap_s / (2 * len(rota.runs)),
    )
    res = ortools_engine.solve(req)
    route = [visits[k] - 1 for k in res.routes[0]]
    if set(current) - set(route):
        # Never trade a required visit for extras; keep the run as it was.
        log.warning("run %d: filling dropped a required visit; extras skipped", r)
        return current
    return route


def _replan(
    rota: _Rota, wanted: dict[int, int], previous: PreviousRoutes, report: Progress
) -> tuple[list[list[int]], str | None]:
    """Keep the previous plan wherever it still fits; change only what edits force.

    Each future run keeps its previous visits in their order, less those no
    longer allowed there (disabled, pinned elsewhere, too close to another
    visit) or no longer fitting (dropping extra visits first). Stops then
    short of their minimum are inserted where they add the least time, at the
    best position of an existing order; spare time gets extra visits last.
    """
    runs = rota.runs
    frozen = previous.frozen
    routes: list[list[int]] = [list(r) for r in previous.routes]
    routes += [[] for _ in range(len(runs) - len(routes))]
    report("keeping the previous plan", 0, 3)
    count = {i: 0 for i in range(len(rota.problem.stops))}
    for r in sorted(frozen):
        for i in routes[r]:
            count[i] += 1
    for r in range(len(runs)):
        if r in frozen:
            continue
        kept: list[int] = []
        for i in routes[r]:
            if (
                i in rota.reachable
                and r in rota.allowed[i]
                and rota.gap_ok(i, r, routes[:r] + [kept] + [[]] * (len(runs) - r - 1))
            ):
                kept.append(i)
        while kept and not rota.fits(kept):
            # Drop what costs least to lose: an extra visit before a required one,
            # then the fewest people.
            victim = min(
                kept,
                key=lambda i: (
                    count[i] + kept.count(i) <= wanted.get(i, 0),
                    rota.problem.stops[i].value,
                ),
            )
            kept.remove(victim)
        routes[r] = kept
        for i in kept:
            count[i] += 1

    report("keeping the previous plan", 1, 3)
    short_reason = None
    for i in sorted(wanted):
        while count[i] < wanted[i]:
            if not _insert_cheapest(rota, routes, i, frozen):
                short_reason = (
                    "no run had time for it while keeping the previous plan's other visits; "
                    "re-plan with --fresh, add a week or a vehicle"
                )
                break
            count[i] += 1

    report("keeping the previous plan", 2, 3)
    by_value = sorted(
        (i for i in rota.reachable if rota.problem.stops[i].value > 0),
        key=lambda i: (-rota.problem.stops[i].value, i),
    )
    for i in by_value:
        _insert_cheapest(rota, routes, i, frozen)
    report("keeping the previous plan", 3, 3)
    return routes, short_reason


def _insert_cheapest(
    rota: _Rota, routes: list[list[int]], stop: int, frozen: frozenset[int]
) -> bool:
    """Insert one visit of `stop` where it adds the least time; False when nowhere fits."""
    best: tuple[int, int, int] | None = None  # (added seconds, run, position)
    for r in rota.allowed[stop]:
        if r in frozen or not rota.gap_ok(stop, r, routes):
            continue
        base = rota.duration(routes[r])
        if base is None:
            continue
        for pos in range(len(routes[r]) + 1):
            trial = routes[r][:pos] + [stop] + routes[r][pos:]
            d = rota.duration(trial)
            if d is not None and (best is None or (d - base, r, pos) < best):
                best = (d - base, r, pos)
    if best is None:
        return False
    _, r, pos = best
    routes[r].insert(pos, stop)
    return True


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


def _most_visits(runs: Sequence[RunSlot], gap: int) -> int:
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
