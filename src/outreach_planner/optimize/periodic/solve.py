"""`solve_periodic`: one problem in, one result out."""

from __future__ import annotations

import dataclasses
import logging
import math
import multiprocessing
import time
from collections.abc import Callable

from outreach_planner.optimize.periodic.lines import (
    Child,
    Here,
    LineSpec,
    Plain,
    adopt,
    rebuild,
)
from outreach_planner.optimize.periodic.problem import PeriodicProblem, PeriodicResult
from outreach_planner.optimize.periodic.search import SearchSettings, Trajectory
from outreach_planner.optimize.periodic.state import Search, State, patterns_ok

log = logging.getLogger("outreach_planner")

Progress = Callable[[str, int, int], None]  # (phase, done, total)

# Line k searches with seed + k * LINE_SEED: far from the seeds a line derives for itself.
LINE_SEED = 1_000_003
# Seconds past the time limit or cap that a child line may stay silent before it is given up.
SILENCE_S = 10.0


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
    """Best solution found within `time_limit` seconds or `iterations` neighbourhood moves
    per line of search (`SearchSettings.lines`, each on its own core where it can).

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
    # The packed start (`packing`) is the last line's alone: the others start from their
    # own greedy patterns as without it (the lines would otherwise all start alike).
    plain_cfg = dataclasses.replace(cfg, packed_start=False)
    run = Trajectory(search, engine, seed, cfg if cfg.lines <= 1 else plain_cfg)
    run.cap_at = cap_at

    def frac() -> float:
        if time_limit is None:
            return run.moves / budget
        return 1 - (deadline - time.perf_counter()) / time_limit

    lines: list[Here | Child] = [Here(run, frac)]
    # A daemonic process (a pool's worker) may not start children: its lines take turns.
    apart = cfg.lines > 1 and not multiprocessing.current_process().daemon
    for k in range(1, cfg.lines):
        line_seed = seed + k * LINE_SEED
        others_cfg = cfg if k == cfg.lines - 1 else plain_cfg
        if apart:
            cap_s = cap_at - time.perf_counter() if time_cap is not None else math.inf
            spec = LineSpec(pp, engine, line_seed, others_cfg, time_limit, budget, cap_s)
            lines.append(Child(spec))
        else:
            other = Trajectory(Search(pp), engine, line_seed, others_cfg)
            other.cap_at = cap_at
            own = frac if time_limit is not None else _moves_frac(other, budget)
            lines.append(Here(other, own))
    # Lines taking turns share the time; lines apart each have all of it.
    share = 1.0 if apart else 1.0 / len(lines)
    period = max(2.0, time_limit / 12) if time_limit is not None else 0.0
    try:
        shared: list[Plain | None] = [None] * len(lines)
        first = True
        while True:
            now = time.perf_counter()
            if not first and (run.moves >= budget or now >= min(deadline - 0.05, cap_at)):
                break
            seconds = None
            if time_limit is not None:
                left = deadline - now
                seconds = max(0.05, min(left, 0.1 * time_limit) if first else min(period, left))
                seconds *= share
            for line, solution in reversed(list(zip(lines, shared, strict=True))):
                line.send(seconds, first, solution)  # the children first: they start at once
            # Past the time limit or cap (and a margin), a silent child is given up.
            ends = min(deadline, cap_at)
            wait = None if ends == math.inf else max(0.0, ends - time.perf_counter()) + SILENCE_S
            reports = [line.receive(wait) for line in lines]
            shared = _share(search, run, reports)
            first = False
    finally:
        for line in lines:
            line.close()
    report("improving", 1, 1)
    stats = {
        "moves": run.moves,
        "lines": len(lines),
        "polished": run.polished,
        "cycles": run.cycles,
        "lns_share": round(run.lns_share, 2),
        "capped": time.perf_counter() >= cap_at,
    }
    log.debug("%s", stats)
    result = _result(search, run.best, began, run.moves, engine)
    result.stats.update(stats)
    return result


def _moves_frac(run: Trajectory, budget: float) -> Callable[[], float]:
    return lambda: run.moves / budget


def _share(search: Search, run: Trajectory, reports: list) -> list[Plain | None]:
    """Give the best solution of all lines to every line that found a worse one (line 0,
    this process's, directly); what to send each line with its next step."""
    found = [(r[1], k) for k, r in enumerate(reports) if r is not None]
    best_cost, k_best = min(found)
    best: Plain = reports[k_best][0]
    if k_best != 0 and run.best_cost > best_cost + 1e-9:
        st = rebuild(search, best)
        adopt(run, st, search.cost(st))
    return [
        best if k != 0 and r is not None and r[1] > best_cost + 1e-9 else None
        for k, r in enumerate(reports)
    ]


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
