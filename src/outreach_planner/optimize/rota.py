"""The rota: which runs visit each stop, then the order within each run.

Phase A places every stop's required visits with the periodic solver that the
benchmarks measure (`periodic.solve_periodic`: visit patterns and routes
improved together, each day routed by the chosen engine). Phase B then fills
each run's spare time, in date order, with extra visits chosen by the people
they reach (a prize the engine collects), never closer than the minimum gap
to another visit of that stop; further passes solve each run again from its
current route with a fresh seed, its extras optional again, so a pass may
trade an extra visit for a better one.

Lunch: on the working clock (`Shift.work_clock`) a drive that pauses for
lunch is continuous, and a dwell may start only in a span that keeps it out of
lunch (`Shift.dwell_spans`); a visit is one client per span, exactly one of
them served. A route the engine accepts is then one `schedule.time_run`
accepts, and both phases solve plain routing problems.

With a previous plan, `replan` keeps every visit that still fits where it was,
in the same order, and only inserts or drops what the edits force.
"""

from __future__ import annotations

import itertools
import logging
import math
import time
from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np

from outreach_planner.optimize import engines, vrp
from outreach_planner.optimize.facts import RotaFacts
from outreach_planner.optimize.periodic import PeriodicProblem, SearchSettings, solve_periodic
from outreach_planner.optimize.problem import (
    Missing,
    PreviousRoutes,
    RotaProblem,
    RotaResult,
    RouteResult,
)
from outreach_planner.optimize.reasons import all_missing, capacity_reason, requirements
from outreach_planner.optimize.replan import replan
from outreach_planner.optimize.visits import Visit, encode

log = logging.getLogger("outreach_planner")

# One person reached is worth one minute of driving: extras fill the day, biggest first.
PRIZE_S_PER_PERSON = 60

# How the search effort (`RotaProblem.search_effort`) is spent: each of Phase A's
# lines of search (`SearchSettings.lines`, two: one per core) tries a share of it in
# neighbourhood moves, and the fill goes over every run FILL_PASSES times,
# FILL_FACTOR times the effort in engine iterations each: short searches from fresh
# seeds find more than one long one. The README (Benchmarks) has the figures behind
# these choices.
PLACE_SHARE, FILL_FACTOR, FILL_PASSES = 0.15, 0.25, 4
# The engine's local search pairs each visit with its 20 nearest (PyVRP's default: 50): as
# many people reached for about two thirds of the time (README, Benchmarks).
NEIGHBOURS = 20
# A run's fill is offered at most this many candidates, those nearest to the run (its
# depot and stops): a day holds a few dozen stops, and on a team of hundreds the far ones
# only slow the engine (its neighbour lists grow with the square of the clients).
FILL_NEAREST = 120
# Up to this many runs, each run's fill gets the whole FILL_FACTOR; past it, less
# (`fill_share`: the square root of FILL_RUNS / runs), so that a long horizon's fill
# grows as the square root of its runs, not in step with them, and stays well inside
# the time cap it shares. A 4-week horizon of 2 vehicles twice a week is 16 runs.
FILL_RUNS = 16
# Visit patterns listed per stop at most (see `_patterns`): 8 runs and 2 visits give 28.
MAX_PATTERNS = 2000

Progress = Callable[[str, int, int], None]  # (phase, done, total)


def solve_rota(
    problem: RotaProblem,
    *,
    progress: Progress | None = None,
    previous: PreviousRoutes | None = None,
) -> RotaResult:
    """Plan every run of the horizon; stops short of their minimum come back as missing.

    With `previous`, re-plan without reshuffling (see `replan.replan`).
    """
    report = progress or (lambda phase, done, total: None)
    if not problem.runs:
        return RotaResult(
            (), all_missing(problem, "the settings leave no run in the horizon", "no_runs")
        )
    rota = RotaFacts(problem)
    missing, wanted = requirements(rota)
    if previous is not None:
        routes, short_reason = replan(rota, wanted, previous, report)
    else:
        report("placing required visits", 0, 1)
        routes = _place_required(rota, wanted, report)
        report("placing required visits", 1, 1)
        short_reason = None
        # The fill shares the other half of the time cap, run by run, pass by pass.
        required = [list(route) for route in routes]
        cap_at = time.perf_counter() + problem.time_cap_s / 2
        steps = FILL_PASSES * len(rota.runs)
        for step in range(steps):
            r = step % len(rota.runs)
            report("adding extra visits", step, steps)
            share = (cap_at - time.perf_counter()) / (steps - step)
            routes[r] = _fill_run(
                rota, routes, r, required[r], wanted,
                seed=problem.seed + step, time_cap=max(0.05, share),
            )  # fmt: skip
        report("adding extra visits", steps, steps)

    placed = {i: sum(route.count(i) for route in routes) for i in wanted}
    short = {i: wanted[i] - placed[i] for i in wanted if placed[i] < wanted[i]}
    if short:
        figures: tuple[tuple[str, int], ...] = ()
        if short_reason:
            reason, code = short_reason, "no_time_keeping_previous"
        else:
            reason, figures = capacity_reason(problem, wanted, rota.dwell)
            code = "no_time"
        missing.extend(Missing(i, k, reason, code, figures) for i, k in sorted(short.items()))

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


def _place_required(rota: RotaFacts, wanted: dict[int, int], report: Progress) -> list[list[int]]:
    """Every stop's required visits, by the periodic solver (`periodic.solve_periodic`).

    Its days are the run dates, with as many vehicles as runs per date; a
    stop's patterns are the sets of its allowed dates `min_gap_days` apart.
    Each day is a route on the working clock (`Shift.dwell_spans`), which makes
    the engine's routes exactly the ones `schedule.time_run` accepts.
    """
    problem, runs, shift = rota.problem, rota.runs, rota.shift
    if not wanted:
        return [[] for _ in runs]
    dates = sorted({run.day for run in runs})
    day_of = {day: k for k, day in enumerate(dates)}
    vehicles = max(run.vehicle for run in runs)
    run_of = {(day_of[run.day], run.vehicle - 1): q for q, run in enumerate(runs)}
    patterns = []
    for i in range(len(problem.stops)):
        # Pins name dates, so a stop may join every vehicle of an allowed date.
        days = sorted({day_of[runs[q].day] for q in rota.allowed[i]})
        patterns.append(_patterns(days, dates, wanted.get(i, 0), rota.gap))
    pp = PeriodicProblem(
        distance=problem.travel_s,
        duration=problem.travel_s,
        demand=(0,) * len(problem.stops),
        service=rota.dwell[1:],
        patterns=tuple(patterns),
        days=len(dates),
        vehicles=vehicles,
        capacity=0,
        max_duration=shift.working_s,
        spans=rota.spans,
    )
    res = solve_periodic(
        pp,
        engine=problem.engine,
        iterations=max(1, int(problem.search_effort * PLACE_SHARE)),
        settings=SearchSettings(
            engine_effort=engines.effort(problem.engine),
            neighbours=NEIGHBOURS,
            packed_start=True,
            route_day_moves=False,
        ),
        seed=problem.seed,
        time_cap=problem.time_cap_s / 2,
        progress=report,
    )
    if res.stats.get("capped"):
        log.warning("route search stopped at its %.0f s time cap: the plan may vary",
                    problem.time_cap_s / 2)  # fmt: skip
    routes: list[list[int]] = [[] for _ in runs]
    for d, day in enumerate(res.routes):
        for v, stops in enumerate(day):
            routes[run_of[(d, v)]] = list(stops)
    for kept in routes:
        # The search ends feasible whenever the runs have room; if they have not,
        # the least valuable visits give way (their stops come out short, with a reason).
        while kept and not rota.fits(kept):
            kept.remove(min(kept, key=lambda i: (problem.stops[i].value, i)))
    return routes


def _patterns(
    days: Sequence[int], dates: Sequence[int], count: int, gap: int
) -> tuple[tuple[int, ...], ...]:
    """Choices of `count` of `days` (indices into `dates`) at least `gap` dates apart.

    All of them when there are at most MAX_PATTERNS choices to look at; past that
    (a long horizon, many visits), those made by taking days greedily from each
    starting day, either at the gap or spread evenly over the horizon. A stop
    whose `count` the dates allow (`_most_visits`) always gets at least one.
    """
    if count == 0:
        return ((),)
    if math.comb(len(days), count) <= MAX_PATTERNS:
        return tuple(
            combo
            for combo in itertools.combinations(days, count)
            if all(dates[b] - dates[a] >= gap for a, b in itertools.pairwise(combo))
        )
    even = (dates[days[-1]] - dates[days[0]]) // count
    found: set[tuple[int, ...]] = set()
    for step in sorted({gap, max(gap, even)}):
        for first in range(len(days)):
            combo = [days[first]]
            for d in days[first + 1 :]:
                if len(combo) < count and dates[d] - dates[combo[-1]] >= step:
                    combo.append(d)
            if len(combo) == count:
                found.add(tuple(combo))
    return tuple(sorted(found))


def _fill_run(
    rota: RotaFacts,
    routes: list[list[int]],
    r: int,
    required: list[int],
    wanted: dict[int, int],
    *,
    seed: int,
    time_cap: float,
) -> list[int]:
    """Run r with extra visits chosen where time allows; its `required` visits stay.

    A prize-collecting route of the engine (`vrp.solve`), warm-started from the
    run as it is: the required visits are required, every other stop allowed on
    this run and far enough from its other visits is optional (extras already
    on the run included, so a later pass may trade them), worth the people it
    reaches. On the working clock each visit is one client per dwell span,
    exactly one of them served.
    """
    problem = rota.problem
    current = routes[r]
    others = [*routes[:r], list(required), *routes[r + 1 :]]
    close = rota.too_close(r, others)
    candidates = [
        i
        for i, stop in enumerate(problem.stops)
        if stop.value > 0 and i in rota.reachable and r in rota.allowed[i] and i not in close
    ]
    if not candidates:
        return current
    placed = Counter(i for route in others for i in route)
    short = {i for i in candidates if placed[i] < wanted.get(i, 0)}
    if len(candidates) > FILL_NEAREST:
        near = _nearest(problem.travel_s, [0, *(i + 1 for i in current)], candidates)
        # The extras on the run and the stops short of visits stay candidates.
        keep = set(near[:FILL_NEAREST]) | set(current) | short
        candidates = [i for i in candidates if i in keep]
    worth = {i: problem.stops[i].value * PRIZE_S_PER_PERSON for i in candidates}
    # A stop short of its required visits (on a horizon too full for all of them, Phase A
    # may leave a run empty that another stop could have used) is worth more than every
    # extra together: it comes first.
    first = 1 + sum(worth.values())
    worth = {i: w + (first if i in short else 0) for i, w in worth.items()}
    visits = [Visit(i, rota.spans[i]) for i in required]
    visits += [Visit(i, rota.spans[i], prize=worth[i]) for i in candidates]
    day = rota.shift.working_s
    enc = encode(
        visits,
        distance=problem.travel_s,
        duration=problem.travel_s,
        service=rota.dwell[1:],
        vehicles=1,
        shifts=((0, day),),
        max_duration=day,
    )
    # Warm start: the run as it is, each visit in the span it starts in now.
    visit_of = {v.place: k for k, v in enumerate(visits)}
    used = rota.spans_used(current)
    start = [enc.client(visit_of[i], j) for i, j in zip(current, used, strict=True)]
    initial = [start] if start else None
    effort = problem.search_effort * FILL_FACTOR * engines.effort(problem.engine)
    effort *= fill_share(len(rota.runs))
    res = vrp.solve(
        enc.problem,
        engine=problem.engine,
        iterations=max(1, int(effort)),
        seed=seed,
        initial=initial,
        time_limit=time_cap,  # a safety stop: the iterations end the search long before
        neighbours=NEIGHBOURS,
    )
    if res.seconds >= 0.98 * time_cap:
        log.warning("run %d: filling stopped at its time cap: the plan may vary", r)
    route = [visits[vi].place for vi in enc.decode(res.routes[0])]
    if not res.feasible or set(required) - set(route):
        # Never trade a required visit for extras; keep the run as it was.
        log.warning("run %d: filling dropped a required visit; extras skipped", r)
        return current
    return route


def fill_share(runs: int) -> float:
    """The share of FILL_FACTOR each run's fill gets on a horizon of `runs` runs."""
    return min(1.0, math.sqrt(FILL_RUNS / runs)) if runs else 1.0


def _nearest(travel_s: np.ndarray, origins: list[int], stops: list[int]) -> list[int]:
    """`stops` (stop indices) by their travel time from the nearest of `origins` (matrix
    indices), nearest first; ties by index."""
    from_any = travel_s[np.ix_(origins, [i + 1 for i in stops])].min(axis=0)
    order = np.lexsort((np.asarray(stops), from_any))
    return [stops[k] for k in order]
