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
from collections.abc import Callable, Sequence

import numpy as np

from outreach_planner.optimize import engines, vrp
from outreach_planner.optimize.periodic import (
    PeriodicProblem,
    SearchSettings,
    schedule_on_spans,
    solve_periodic,
)
from outreach_planner.optimize.problem import (
    Missing,
    PreviousRoutes,
    RotaProblem,
    RotaResult,
    RouteResult,
    RunSlot,
)
from outreach_planner.optimize.schedule import time_run
from outreach_planner.optimize.visits import Visit, encode

log = logging.getLogger("outreach_planner")

# One person reached is worth one minute of driving: extras fill the day, biggest first.
PRIZE_S_PER_PERSON = 60

# How the search effort (`RotaProblem.search_effort`) is spent: Phase A tries a
# small share of it in neighbourhood moves (placing the required visits well
# matters less to the people reached than filling the runs well), and the fill
# goes over every run FILL_PASSES times, FILL_FACTOR times the effort in engine
# iterations each: short searches from fresh seeds find more than one long one.
# The README (Benchmarks) has the figures behind these choices.
PLACE_SHARE, FILL_FACTOR, FILL_PASSES = 0.15, 0.35, 4
# Visit patterns listed per stop at most (see `_patterns`): 8 runs and 2 visits give 28.
MAX_PATTERNS = 2000

Progress = Callable[[str, int, int], None]  # (phase, done, total)


class _Rota:
    """What every phase needs to know about a problem, computed once."""

    def __init__(self, problem: RotaProblem):
        self.problem = problem
        self.runs = problem.runs
        self.shift = problem.runs[0].shift
        if any(r.shift != self.shift for r in self.runs):
            raise ValueError("every run must share one shift")
        # The periodic solver has the same vehicles every day (see `_place_required`).
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

    def timed(self, route: list[int]):
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
        return RotaResult(
            (), _all_missing(problem, "the settings leave no run in the horizon", "no_runs")
        )
    rota = _Rota(problem)
    missing, wanted = _requirements(rota)
    if previous is not None:
        routes, short_reason = _replan(rota, wanted, previous, report)
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
                rota, routes, r, required[r], seed=problem.seed + step, time_cap=max(0.05, share)
            )
        report("adding extra visits", steps, steps)

    placed = {i: sum(route.count(i) for route in routes) for i in wanted}
    short = {i: wanted[i] - placed[i] for i in wanted if placed[i] < wanted[i]}
    if short:
        figures: tuple[tuple[str, int], ...] = ()
        if short_reason:
            reason, code = short_reason, "no_time_keeping_previous"
        else:
            reason, figures = _capacity_reason(problem, wanted, rota.dwell)
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


def _requirements(rota: _Rota) -> tuple[list[Missing], dict[int, int]]:
    """Visits each stop needs and can have; what can never be had, with the reason."""
    problem = rota.problem
    missing: list[Missing] = []
    wanted: dict[int, int] = {}
    for i, stop in enumerate(problem.stops):
        if stop.min_visits == 0:
            continue
        if i in rota.unreachable:
            missing.append(Missing(i, stop.min_visits, rota.unreachable[i], "unreachable"))
            continue
        if not rota.allowed[i]:
            missing.append(
                Missing(
                    i, stop.min_visits, "it is pinned to days on which no run is planned",
                    "pin_without_runs",
                )  # fmt: skip
            )
            continue
        if i not in rota.reachable:
            missing.append(Missing(i, stop.min_visits, *_too_long_reason(rota, i)))
            continue
        most = _most_visits([rota.runs[q] for q in rota.allowed[i]], problem.min_gap_days)
        if most < stop.min_visits:
            missing.append(
                Missing(
                    i,
                    stop.min_visits - most,
                    f"needs {stop.min_visits} visits at least {problem.min_gap_days} days "
                    f"apart, but the {len(rota.allowed[i])} runs it may join allow only {most}",
                    "too_few_runs",
                    (("visits", stop.min_visits), ("gap_days", problem.min_gap_days),
                     ("runs", len(rota.allowed[i])), ("most", most)),
                )  # fmt: skip
            )
        wanted[i] = min(stop.min_visits, most)
    return missing, wanted


def _place_required(rota: _Rota, wanted: dict[int, int], report: Progress) -> list[list[int]]:
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
        settings=SearchSettings(engine_effort=engines.effort(problem.engine)),
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
    rota: _Rota, routes: list[list[int]], r: int, required: list[int], *, seed: int, time_cap: float
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
    candidates = [
        i
        for i, stop in enumerate(problem.stops)
        if stop.value > 0
        and i in rota.reachable
        and r in rota.allowed[i]
        and rota.gap_ok(i, r, others)
    ]
    if not candidates:
        return current
    worth = {i: problem.stops[i].value * PRIZE_S_PER_PERSON for i in candidates}
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
    res = vrp.solve(
        enc.problem,
        engine=problem.engine,
        iterations=max(1, int(effort)),
        seed=seed,
        initial=initial,
        time_limit=time_cap,  # a safety stop: the iterations end the search long before
    )
    if res.seconds >= 0.98 * time_cap:
        log.warning("run %d: filling stopped at its time cap: the plan may vary", r)
    route = [visits[vi].place for vi in enc.decode(res.routes[0])]
    if not res.feasible or set(required) - set(route):
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


def _most_visits(runs: Sequence[RunSlot], gap: int) -> int:
    """How many visits of one stop the run dates allow with `gap` days between them."""
    count, last = 0, None
    for run in runs:
        if last is None or run.day - last >= max(gap, 1):
            count, last = count + 1, run.day
    return count


def _too_long_reason(rota: _Rota, i: int) -> tuple[str, str, tuple[tuple[str, int], ...]]:
    """Why a visit alone does not fit a run: its message, code and figures."""
    problem = rota.problem
    shift = problem.runs[0].shift
    dwell = problem.stops[i].dwell_s
    trip = int(problem.travel_s[0, i + 1] + problem.travel_s[i + 1, 0])
    longest = max(shift.lunch_start_s - shift.start_s, shift.end_s - shift.lunch_end_s)
    if dwell > longest:
        return (
            f"its dwell ({dwell / 60:.0f} min) is longer than the longest working span "
            f"({longest / 60:.0f} min) between the start, lunch and the end of the day",
            "dwell_too_long",
            (("dwell_min", round(dwell / 60)), ("longest_min", round(longest / 60))),
        )
    window = problem.stops[i].window
    if window is not None:
        free = time_run([i + 1], dwell_s=rota.dwell, travel_s=problem.travel_s, shift=shift)
        if free is not None:  # it fits the day, not its broadcast times
            return (
                f"its broadcast times ({window[0] // 3600:02d}:{window[0] % 3600 // 60:02d}"
                f"-{window[1] // 3600:02d}:{window[1] % 3600 // 60:02d} with setup) leave no "
                f"room for its dwell ({dwell / 60:.0f} min) and the drive ({trip / 60:.0f} min "
                "there and back) in a working day",
                "window_too_narrow",
                (("dwell_min", round(dwell / 60)), ("trip_min", round(trip / 60)),
                 ("window_start_s", window[0]), ("window_end_s", window[1])),
            )  # fmt: skip
    return (
        f"the dwell ({dwell / 60:.0f} min) and the drive there and back ({trip / 60:.0f} min) "
        f"do not fit in one working day",
        "too_far",
        (("dwell_min", round(dwell / 60)), ("trip_min", round(trip / 60))),
    )


def _capacity_reason(
    problem: RotaProblem, wanted: dict[int, int], dwell: tuple[int, ...]
) -> tuple[str, tuple[tuple[str, int], ...]]:
    t = problem.travel_s.astype(np.float64).copy()
    np.fill_diagonal(t, np.inf)
    # A lower bound on the time a visit costs: its dwell plus the shortest leg into it.
    need = sum(count * (dwell[i + 1] + float(t[:, i + 1].min())) for i, count in wanted.items())
    have = sum(run.shift.working_s for run in problem.runs)
    runs = len(problem.runs)
    if need > have:
        hours = max(1, round((need - have) / 3600))
        return (
            f"needs {hours} more hours than the {runs} runs have",
            (("hours", hours), ("runs", runs)),
        )
    return (
        "no run had time left for it beside the other required stops; "
        "add a week or a vehicle, or lower its minimum visits",
        (("hours", 0), ("runs", runs)),
    )


def _all_missing(problem: RotaProblem, reason: str, code: str) -> tuple[Missing, ...]:
    return tuple(
        Missing(i, s.min_visits, reason, code) for i, s in enumerate(problem.stops) if s.min_visits
    )
