"""Lines of search (`periodic.lines`): in child processes or taking turns, the same result;
the best is shared; a line that dies costs only itself."""

from __future__ import annotations

import logging
import multiprocessing
import os
import random
import time

import numpy as np
import pytest

from outreach_planner.bench.pvrp import euclidean
from outreach_planner.optimize.periodic import PeriodicProblem, SearchSettings, solve_periodic
from outreach_planner.optimize.periodic import lines as lines_module
from outreach_planner.optimize.periodic import solve as solve_module
from outreach_planner.optimize.periodic.lines import plain, rebuild
from outreach_planner.optimize.periodic.search import Trajectory
from outreach_planner.optimize.periodic.solve import _share
from outreach_planner.optimize.periodic.state import Search


def _problem(n: int = 15, seed: int = 1) -> PeriodicProblem:
    """n clients around a depot over 4 days; some twice (days 0+2 or 1+3), some once."""
    rng = random.Random(seed)
    xy = np.array([(50.0, 50.0)] + [(rng.uniform(0, 100), rng.uniform(0, 100)) for _ in range(n)])
    mat = np.rint(euclidean(xy)).astype(int)
    twice = ((0, 2), (1, 3))
    once = ((0,), (1,), (2,), (3,))
    return PeriodicProblem(
        distance=mat, duration=mat, demand=(1,) * n, service=(5,) * n,
        patterns=tuple(twice if i % 3 == 0 else once for i in range(n)),
        days=4, vehicles=2, capacity=8, max_duration=400,
    )  # fmt: skip


def _solve(lines: int, n: int = 15):  # top level: a pool's worker runs it
    # Short cycles: the lines share their best twice.
    cfg = SearchSettings(lines=lines, cycle_moves=10)
    res = solve_periodic(_problem(n), iterations=20, seed=4, settings=cfg)
    return res.routes, res.days_of, res.distance


def test_lines_in_child_processes_and_taking_turns_agree():
    # A pool's worker is daemonic and may start no process: its lines take turns there.
    # Large enough for the lines to end on different solutions (seeds matter).
    apart = _solve(2, n=40)
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        turns = pool.apply(_solve, (2, 40))
    assert apart == turns


def test_the_best_line_is_shared_with_the_others():
    search = Search(_problem())
    a = Trajectory(search, "pyvrp", 0, SearchSettings())
    b = Trajectory(search, "pyvrp", 9, SearchSettings())
    a.route(None, 50)
    b.route(None, 50)
    worse, better = sorted((a, b), key=lambda t: -t.best_cost)
    assert worse.best_cost > better.best_cost  # the two seeds differ here
    report_worse = (plain(worse.best), worse.best_cost, 0)
    report_better = (plain(better.best), better.best_cost, 0)
    # Line 0 is this process's: it adopts the better line's solution itself.
    shared = _share(search, worse, [report_worse, report_better])
    assert shared == [None, None]
    assert worse.best_cost == pytest.approx(better.best_cost)
    assert plain(worse.current) == plain(better.best)
    # Line 0 best: the other line is sent it with its next step.
    shared = _share(search, better, [report_better, report_worse])
    assert shared == [None, plain(better.best)]


def test_rebuilt_state_has_the_same_sums():
    search = Search(_problem())
    run = Trajectory(search, "pyvrp", 0, SearchSettings())
    run.route(None, 50)
    again = rebuild(search, plain(run.best))
    assert search.cost(again) == search.cost(run.best)
    assert again.vehicle_of == run.best.vehicle_of


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the dying child is made by fork")
def test_a_line_whose_process_dies_costs_only_itself(monkeypatch, caplog):
    alone = _solve(1)
    monkeypatch.setattr(lines_module, "_serve", lambda *args: os._exit(3))
    with caplog.at_level(logging.WARNING, logger="outreach_planner"):
        res = solve_periodic(
            _problem(), iterations=30, seed=4, settings=SearchSettings(lines=2)
        )
    assert res.feasible
    assert (res.routes, res.days_of, res.distance) == alone  # line 0 went on alone
    assert "ended early" in caplog.text


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the stuck child is made by fork")
def test_a_line_whose_process_hangs_is_given_up(monkeypatch, caplog):
    monkeypatch.setattr(lines_module, "_serve", lambda *args: time.sleep(600))
    monkeypatch.setattr(solve_module, "SILENCE_S", 0.5)
    began = time.perf_counter()
    with caplog.at_level(logging.WARNING, logger="outreach_planner"):
        res = solve_periodic(
            _problem(), iterations=20, seed=4, time_cap=3.0,
            settings=SearchSettings(lines=2, cycle_moves=10),
        )  # fmt: skip
    assert res.feasible
    assert time.perf_counter() - began < 30  # not the child's 600 s
    assert "ended early" in caplog.text
