"""Both engines behind `vrp.solve`, on instances small enough to know the optimum."""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pytest

from outreach_planner.bench import solomon
from outreach_planner.optimize.vrp import VrpProblem, solve

DATA = Path(__file__).parent / "data" / "bench"
ENGINES = ["pyvrp", "ortools"]


def on_a_line(*positions: int) -> np.ndarray:
    """Distances between points on a line; the first is the depot."""
    pos = np.array(positions)
    return np.abs(pos[:, None] - pos[None, :])


@pytest.fixture(scope="module")
def small8() -> VrpProblem:
    """Small8 in tenths: optimum 1607 (exhaustive search), three routes."""
    return solomon.to_problem(solomon.read_vrplib(DATA / "solomon" / "Small8.vrp"))


@pytest.mark.parametrize("engine", ENGINES)
def test_engines_find_the_optimum_of_small8(small8, engine):
    res = solve(small8, engine=engine, time_limit=2, iterations=300, seed=1)
    assert res.feasible and res.unassigned == ()
    assert res.distance == 1607
    assert res.engine == engine and len(res.routes) == small8.vehicles


def test_pyvrp_is_deterministic_for_a_seed_and_iteration_count(small8):
    runs = [solve(small8, engine="pyvrp", iterations=200, seed=7).routes for _ in range(2)]
    assert runs[0] == runs[1]


@pytest.mark.parametrize("engine", ENGINES)
def test_engines_respect_shifts_and_duration(engine):
    # Four clients on a line; two vehicles whose shifts do not overlap, each may serve
    # only the clients whose windows fall in its shift.
    mat = on_a_line(0, 1, 2, 3, 4) * 10
    problem = VrpProblem(
        distance=mat, duration=mat, demand=(1, 1, 1, 1), service=(5, 5, 5, 5),
        capacity=10, vehicles=2,
        time_windows=((0, 100), (0, 100), (1000, 1100), (1000, 1100)),
        shifts=((0, 100), (1000, 1100)), max_duration=100,
    )  # fmt: skip
    res = solve(problem, engine=engine, time_limit=2, iterations=200, seed=0)
    assert res.feasible
    assert sorted(res.routes[0]) == [0, 1] and sorted(res.routes[1]) == [2, 3]


@pytest.mark.parametrize("engine", ENGINES)
def test_engines_leave_out_optional_clients_not_worth_the_drive(engine):
    mat = on_a_line(0, 1, 50)
    problem = VrpProblem(
        distance=mat, duration=mat, demand=(1, 1), service=(0, 0), capacity=5, vehicles=1,
        prize=(None, 10),  # 100 to fetch client 1, worth 10
    )  # fmt: skip
    res = solve(problem, engine=engine, time_limit=1, iterations=100, seed=0)
    assert res.feasible and res.routes[0] == (0,) and res.unassigned == (1,)


def test_warm_start_keeps_a_good_solution(small8):
    optimum = [[0, 1, 2], [3, 4, 5], [6, 7]]
    res = solve(small8, engine="pyvrp", iterations=1, seed=0, initial=optimum)
    assert res.distance == 1607


@pytest.mark.parametrize("engine", ENGINES)
def test_engines_visit_exactly_one_of_a_group(engine):
    # Clients 0 and 1 are two places to serve one customer: the nearer one is taken.
    mat = on_a_line(0, 2, 9, 4)
    problem = VrpProblem(
        distance=mat, duration=mat, demand=(1, 1, 1), service=(0, 0, 0), capacity=5,
        vehicles=1, prize=(0, 0, None), groups=((0, 1),),
    )  # fmt: skip
    res = solve(problem, engine=engine, time_limit=1, iterations=100, seed=0)
    assert res.feasible and sorted(res.routes[0]) == [0, 2] and res.distance == 8


@pytest.mark.parametrize("engine", ENGINES)
def test_engines_take_at_most_one_of_an_optional_group(engine):
    # Clients 0 and 1 are the morning and afternoon slots of one stop worth 20: one is
    # taken (the earlier window, at 2), never both, though both lie on the way.
    mat = on_a_line(0, 2, 2, 4)
    problem = VrpProblem(
        distance=mat, duration=mat, demand=(0, 0, 0), service=(1, 1, 1), capacity=0,
        vehicles=1, time_windows=((0, 3), (5, 9), (0, 20)), prize=(20, 20, None),
        optional_groups=((0, 1),),
    )  # fmt: skip
    res = solve(problem, engine=engine, time_limit=1, iterations=100, seed=0)
    assert res.feasible and res.routes[0] == (0, 2)


@pytest.mark.parametrize("engine", ENGINES)
def test_engines_skip_an_optional_group_not_worth_the_drive(engine):
    mat = on_a_line(0, 1, 40, 41)
    problem = VrpProblem(
        distance=mat, duration=mat, demand=(0, 0, 0), service=(0, 0, 0), capacity=0,
        vehicles=1, prize=(None, 5, 5), optional_groups=((1, 2),),
    )  # fmt: skip
    res = solve(problem, engine=engine, time_limit=1, iterations=100, seed=0)
    assert res.feasible and res.routes[0] == (0,)


def test_pyvrp_warm_start_pass_works_on_this_pyvrp_release(small8):
    """`improve_start` is the one place that uses PyVRP's search internals (LocalSearch,
    PenaltyManager, compute_neighbours): a release that moved them fails here, not in a plan."""
    import pyvrp

    from outreach_planner.optimize import pyvrp_engine

    data = pyvrp_engine.to_problem_data(small8)
    # A poor start: a few clients, each on a route of its own; the others left out.
    poor = pyvrp.Solution(data, [pyvrp.Route(data, [c], 0) for c in range(3)])
    better = pyvrp_engine.improve_start(data, poor, 0, pyvrp.SolveParams())
    assert isinstance(better, pyvrp.Solution) and not poor.is_feasible()
    assert better.is_feasible() and better.num_clients() == small8.num_clients


def test_engines_are_listed_once_from_their_modules():
    from outreach_planner.bench import cli as bench_cli
    from outreach_planner.optimize import engines

    assert set(engines.ENGINES) == {"pyvrp", "ortools"}
    for name, module in engines.ENGINES.items():
        assert name == module.NAME and module.EFFORT > 0 and callable(module.solve)
    parser = bench_cli._fill(argparse.ArgumentParser())
    args = parser.parse_args(["pvrp", "x", "--engine", "ortools"])
    assert args.engine == "ortools"
    with pytest.raises(SystemExit):
        parser.parse_args(["pvrp", "x", "--engine", "nope"])
    with pytest.raises(ValueError, match="unknown engine"):
        mat = on_a_line(0, 1)
        one = VrpProblem(
            distance=mat, duration=mat, demand=(0,), service=(0,), capacity=0, vehicles=1
        )
        solve(one, engine="nope", iterations=1)
