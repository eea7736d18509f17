"""Lines of search on the cores: one `Trajectory` here, the others in child processes.

`solve_periodic` drives every line one step at a time (the first routing,
then cycles) and, after each step, gives the best solution of all to every
line that has not found as good: the lines search on their own between steps
and share what they found. Every line has its own seed and the steps are
bounded like the lone search's (by time, or by moves), so with an effort limit
the result depends on the seed and the number of lines alone, not on the
cores or the order in which the lines finish.

A child gets its problem once and then only short messages: the step to take,
and a solution (routes and days) to adopt. A child that fails costs its line,
never the solve.
"""

from __future__ import annotations

import contextlib
import logging
import math
import multiprocessing
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from outreach_planner.optimize.periodic.problem import PeriodicProblem
from outreach_planner.optimize.periodic.search import SearchSettings, Trajectory
from outreach_planner.optimize.periodic.state import Search, State

log = logging.getLogger("outreach_planner")

Plain = tuple[list[list[list[int]]], list[tuple[int, ...]]]  # routes per day, days per client
# What a step reports: the line's best solution, its cost, and the line's moves so far.
Report = tuple[Plain, float, int]


def plain(st: State) -> Plain:
    return [[list(r) for r in day] for day in st.routes], list(st.days_of)


def rebuild(search: Search, solution: Plain) -> State:
    """The `State` of routes and days, its sums computed again."""
    routes, days_of = solution
    st = State(search.pp)
    st.routes = [[list(r) for r in day] for day in routes]
    st.days_of = list(days_of)
    for d, day in enumerate(st.routes):
        for v, route in enumerate(day):
            for c in route:
                st.vehicle_of[c][d] = v
            search.refresh(st, d, v)
    return st


def step(run: Trajectory, seconds: float | None, first: bool, frac: Callable[[], float]) -> None:
    """The line's first routing, or one cycle; with `seconds`, about that long."""
    if first:
        run.route(seconds, None if seconds is not None else run.cfg.scaled(1000))
    else:
        run.cycle(seconds, frac)


def adopt(run: Trajectory, st: State, cost: float) -> None:
    """Continue from `st`, better than anything the line has found."""
    run.current, run.cur_cost = st, cost
    run.best, run.best_cost = st, cost


@dataclass(frozen=True)
class LineSpec:
    """What a child needs to search a line: the problem, engine, its seed and settings,
    and its bounds (the time limit or the move budget; the cap, from its start)."""

    pp: PeriodicProblem
    engine: str
    seed: int
    cfg: SearchSettings
    time_limit: float | None
    budget: float
    cap_s: float


def _serve(conn: Connection, spec: LineSpec) -> None:
    """A child's line: take steps as told until told to stop."""
    search = Search(spec.pp)
    run = Trajectory(search, spec.engine, spec.seed, spec.cfg)
    began = time.perf_counter()
    run.cap_at = began + spec.cap_s if spec.cap_s != math.inf else math.inf
    time_limit = spec.time_limit

    def frac() -> float:
        if time_limit is None:
            return run.moves / spec.budget
        return min(1.0, (time.perf_counter() - began) / time_limit)

    here = Here(run, frac)
    while (message := conn.recv()) is not None:
        here.send(*message)
        conn.send(here.receive())


class Here:
    """A line in this process: it takes its step when asked for its report."""

    def __init__(self, run: Trajectory, frac: Callable[[], float]):
        self.run, self.frac = run, frac
        self.order: tuple[float | None, bool, Plain | None] | None = None

    def send(self, seconds: float | None, first: bool, shared: Plain | None) -> None:
        self.order = (seconds, first, shared)

    def receive(self, wait: float | None = None) -> Report | None:
        assert self.order is not None
        seconds, first, shared = self.order
        run = self.run
        if shared is not None:
            st = rebuild(run.search, shared)
            adopt(run, st, run.search.cost(st))
        step(run, seconds, first, self.frac)
        return plain(run.best), run.best_cost, run.moves

    def close(self) -> None:
        pass


class Child:
    """A line in a child process, driven step by step over a pipe."""

    def __init__(self, spec: LineSpec):
        # fork starts at once and shares the problem; elsewhere (Windows, macOS) spawn.
        method = "fork" if sys.platform.startswith("linux") else "spawn"
        ctx: Any = multiprocessing.get_context(method)
        self.conn, theirs = ctx.Pipe()
        self.process: Any = ctx.Process(
            target=_serve,
            args=(theirs, spec),
            daemon=True,
        )
        self.process.start()
        theirs.close()
        self.alive = True

    def send(self, seconds: float | None, first: bool, shared: Plain | None) -> None:
        try:
            self.conn.send((seconds, first, shared))
        except (OSError, EOFError):
            self._lost()

    def receive(self, wait: float | None = None) -> Report | None:
        """The step's report; None once the line is lost. A line silent for `wait`
        seconds (None: no limit) is ended: a stuck child must not hang the solve."""
        if not self.alive:
            return None
        try:
            if self.conn.poll(wait):
                report: Report = self.conn.recv()
                return report
            self._lost()
            self.process.kill()
        except (OSError, EOFError):
            self._lost()
        return None

    def _lost(self) -> None:
        if self.alive:
            log.warning("a search line's process ended early; the other lines go on")
        self.alive = False

    def close(self) -> None:
        if self.alive:
            with contextlib.suppress(OSError, EOFError):
                self.conn.send(None)
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join()
        self.conn.close()
