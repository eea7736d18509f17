"""`solve_periodic`: one problem in, one result out."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable

from outreach_planner.optimize.periodic.problem import PeriodicProblem, PeriodicResult
from outreach_planner.optimize.periodic.search import SearchSettings, Trajectory
from outreach_planner.optimize.periodic.state import Search, State, patterns_ok

log = logging.getLogger("outreach_planner")

Progress = Callable[[str, int, int], None]  # (phase, done, total)


def solve_periodic(
    pp: PeriodicProblem,
    *,
    engine: str = "pyvrp",
    time_limit: float | None = None,
    iterations: int | None = None,
    seed: int = 0,
    progress: Progress | None = None,
    settings: SearchSettings | None = None,
    time_cap: float | None = None,
) -> PeriodicResult:
    """Best solution found within `time_limit` seconds or `iterations` neighbourhood moves.

    With `iterations` and no time limit, every engine call is bounded by its
    own iteration count too, so the result depends on `seed` alone.
    `time_cap` is a safety stop for an effort-bounded search: reaching it ends
    the search early (`stats["capped"]`), and only then may the result vary.
    """
    if time_limit is None and iterations is None:
        raise ValueError("give time_limit, iterations or both")
    cfg = settings or SearchSettings()
    began = time.perf_counter()
    deadline = began + time_limit if time_limit is not None else math.inf
    cap_at = began + time_cap if time_cap is not None else math.inf
    report = progress or (lambda phase, done, total: None)
    search = Search(pp)
    if not search.visiting:
        return _result(search, State(pp), began, 0, engine)
    budget = iterations if iterations is not None else math.inf
    run = Trajectory(search, engine, seed, cfg)
    run.cap_at = cap_at

    def frac() -> float:
        if time_limit is None:
            return run.moves / budget
        return 1 - (deadline - time.perf_counter()) / time_limit

    # The first step: route the greedy patterns with the engine.
    if time_limit is not None:
        run.route(max(0.05, min(deadline - time.perf_counter(), 0.1 * time_limit)), None)
        period = max(2.0, time_limit / 12)
        while time.perf_counter() < deadline - 0.05 and run.moves < budget:
            run.cycle(min(period, deadline - time.perf_counter()), frac)
    else:
        run.route(None, cfg.scaled(1000))
        while run.moves < budget and time.perf_counter() < cap_at:
            run.cycle(None, frac)
    report("improving", 1, 1)
    stats = {
        "moves": run.moves,
        "polished": run.polished,
        "cycles": run.cycles,
        "lns_share": round(run.lns_share, 2),
        "capped": time.perf_counter() >= cap_at,
    }
    log.debug("%s", stats)
    result = _result(search, run.best, began, run.moves, engine)
    result.stats.update(stats)
    return result


def _result(search: Search, st: State, began: float, moves: int, engine: str) -> PeriodicResult:
    return PeriodicResult(
        routes=tuple(tuple(tuple(r) for r in day) for day in st.routes),
        days_of=tuple(st.days_of),
        distance=search.distance(st),
        feasible=search.feasible(st) and patterns_ok(search.pp, st),
        seconds=time.perf_counter() - began,
        iterations=moves,
        engine=engine,
    )
