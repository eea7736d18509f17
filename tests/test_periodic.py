"""The periodic solver on the tiny PVRP instance (optimum known by exhaustive search)."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from outreach_planner.bench import checker, pvrp
from outreach_planner.optimize.periodic import (
    PeriodicProblem,
    horizon_problem,
    solve_periodic,
)

DATA = Path(__file__).parent / "data" / "bench" / "pvrp"
OPTIMUM = 112.3272


@pytest.fixture(scope="module")
def small2day() -> pvrp.PvrpInstance:
    """7 customers over 2 days, 2 vehicles a day, duration limit 40, capacity 20."""
    return pvrp.read_pvrp(DATA / "small2day")


def _routes(res) -> list:
    return [[[c + 1 for c in r] for r in day] for day in res.routes]


@pytest.mark.parametrize("engine", ["pyvrp", "ortools"])
def test_solves_small2day_to_the_optimum(small2day, engine):
    res = solve_periodic(pvrp.to_problem(small2day), engine=engine, iterations=300, seed=3)
    verdict = checker.check_pvrp(small2day, _routes(res))
    assert res.feasible and verdict.feasible, verdict.violations
    assert verdict.cost == pytest.approx(OPTIMUM, abs=1e-3)
    assert res.distance == pytest.approx(OPTIMUM * pvrp.SCALE, abs=10)


def test_same_seed_and_effort_same_solution(small2day):
    problem = pvrp.to_problem(small2day)
    a = solve_periodic(problem, iterations=150, seed=11)
    b = solve_periodic(problem, iterations=150, seed=11)
    assert a.routes == b.routes and a.days_of == b.days_of


def test_days_follow_allowed_patterns(small2day):
    problem = pvrp.to_problem(small2day)
    res = solve_periodic(problem, iterations=100, seed=0)
    for c, days in enumerate(res.days_of):
        assert days in problem.patterns[c]


def test_time_limit_is_kept(small2day):
    # Measured here, not taken from the solver's report: the limit, plus a margin for
    # building the problem on a busy machine.
    began = time.perf_counter()
    res = solve_periodic(pvrp.to_problem(small2day), time_limit=1.0, seed=0)
    took = time.perf_counter() - began
    assert res.feasible and took < 3.0
    assert res.seconds <= took + 0.01  # and the report does not claim more than it took


def test_horizon_problem_keeps_days_apart(small2day):
    problem = pvrp.to_problem(small2day)
    days_of = [p[0] for p in problem.patterns]
    vrp_problem, entries = horizon_problem(problem, days_of)
    # Customer 1 (index 0) needs both days: two visits, each held to its day's window.
    assert [e for e in entries if e[0] == 0] == [(0, 0, 0), (0, 1, 0)]
    # Customers free to take either day come once, with no window.
    assert (1, None, 0) in entries
    first, second = vrp_problem.time_windows[0], vrp_problem.time_windows[1]
    assert first[1] < second[0]
    assert vrp_problem.vehicles == 4 and vrp_problem.shifts[2][0] == second[0]


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"patterns": (((0,),), ((0, 1), (1,)))}, "different frequencies"),  # mixed lengths
        ({"patterns": (((0,),), ((2,),))}, "not sorted days in range"),  # day 3 of 2
        ({"patterns": (((0,),), ())}, "no allowed pattern"),  # nothing allowed
        ({"days": 0}, "at least 1"),
    ],
)
def test_invalid_problems_rejected(changes, message):
    mat = np.array([[0, 1, 1], [1, 0, 1], [1, 1, 0]])
    base = dict(distance=mat, duration=mat, demand=(1, 1), service=(0, 0),
                patterns=(((0,),), ((1,),)), days=2, vehicles=1, capacity=5)  # fmt: skip
    base.update(changes)
    with pytest.raises(ValueError, match=message):
        PeriodicProblem(**base)


@pytest.fixture(scope="module")
def choosy() -> PeriodicProblem:
    """Six clients on two sides of the depot; four choose between days (0, 2) and (1, 3)."""
    xs = np.array([0, 10, 11, 12, -10, -11, -12])
    mat = np.abs(xs[:, None] - xs[None, :]) * 10
    both = ((0, 2), (1, 3))
    return PeriodicProblem(
        distance=mat, duration=mat, demand=(1,) * 6, service=(0,) * 6,
        patterns=(both, both, ((0, 2),), both, both, ((1, 3),)),
        days=4, vehicles=1, capacity=10,
    )  # fmt: skip


def test_clients_that_share_a_side_share_their_days(choosy):
    # Best: each side on the days of its client with a single pattern, one trip a day.
    res = solve_periodic(choosy, iterations=400, seed=5)
    assert res.feasible
    assert res.days_of[:3] == ((0, 2),) * 3 and res.days_of[3:] == ((1, 3),) * 3
    assert res.distance == 4 * 2 * 120


def test_service_and_spans_may_differ_by_day():
    # The two clients are neighbours: one route for both would be cheapest. But client
    # 0's programme takes 100 on day 0 and 10 on day 1, and a day lasts 40: day 1
    # only. Client 1 may start only before 5 on day 1 (its spans differ by day), and
    # the drive there takes 10: day 0 only.
    mat = np.array([[0, 10, 10], [10, 0, 1], [10, 1, 0]])
    either = ((0,), (1,))
    problem = PeriodicProblem(
        distance=mat, duration=mat, demand=(0, 0), service=(10, 5), patterns=(either, either),
        days=2, vehicles=1, capacity=0, max_duration=40,
        spans=(((0, 30),), ((0, 30),)),
        day_service=((100, 5), (10, 5)),
        day_spans=((((0, 30),), ((15, 30),)), (((0, 30),), ((0, 5),))),
    )  # fmt: skip
    res = solve_periodic(problem, iterations=60, seed=0)
    assert res.feasible
    assert res.days_of == ((1,), (0,))
    assert res.routes == (((1,),), ((0,),))


def test_day_service_must_cover_every_day_and_client():
    mat = np.array([[0, 1], [1, 0]])
    with pytest.raises(ValueError, match="day_service"):
        PeriodicProblem(distance=mat, duration=mat, demand=(0,), service=(1,),
                        patterns=(((0,),),), days=2, vehicles=1, capacity=0,
                        day_service=((1,),))  # fmt: skip
