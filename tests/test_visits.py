"""The one visit -> routing client encoding (`optimize.visits`)."""

from __future__ import annotations

import numpy as np
import pytest

from outreach_planner.optimize import vrp
from outreach_planner.optimize.visits import Visit, encode


def _line(*xs: int) -> np.ndarray:
    pos = np.array(xs)
    return np.abs(pos[:, None] - pos[None, :])


def test_windows_become_clients_and_groups():
    mat = _line(0, 10, 20, 30)
    visits = [
        Visit(0, ((0, 50),)),  # required, one window: a plain required client
        Visit(2, ((0, 40), (100, 140))),  # required, two windows: exactly one served
        Visit(1, ((0, 50), (100, 150)), prize=7),  # optional, two windows: at most one
        Visit(1, ((0, 500),), prize=3, service=9),  # optional, its own service time
    ]
    enc = encode(visits, distance=mat, duration=mat, service=(1, 2, 3), vehicles=2)
    p = enc.problem
    assert enc.owner == ((0, 0), (1, 0), (1, 1), (2, 0), (2, 1), (3, 0))
    assert [enc.client(v) for v in range(4)] == [0, 1, 3, 5] and enc.client(1, 1) == 2
    assert p.prize == (None, 0, 0, 7, 7, 3)
    assert p.groups == ((1, 2),) and p.optional_groups == ((3, 4),)
    assert p.service == (1, 3, 3, 2, 2, 9)
    assert p.time_windows[2] == (100, 140)
    # Routing client k sits at the matrix row of its place.
    assert p.distance[0, 2] == mat[0, 3] and p.distance[4, 6] == mat[2, 2]
    assert enc.decode([5, 2, 0]) == [3, 1, 0]


def test_all_required_single_windows_have_no_prizes():
    mat = _line(0, 5, 9)
    enc = encode([Visit(0, ((0, 9),)), Visit(1, ((0, 9),))], distance=mat, duration=mat,
                 service=(0, 0), demand=(4, 6), capacity=10, vehicles=1)  # fmt: skip
    assert enc.problem.prize is None and enc.problem.demand == (4, 6)


@pytest.mark.parametrize("engine", ["pyvrp", "ortools"])
def test_engine_serves_one_window_of_a_required_visit(engine):
    # The morning window is too early to reach: the visit must take the afternoon one.
    mat = _line(0, 100) * 1
    enc = encode([Visit(0, ((0, 50), (200, 300)))], distance=mat, duration=mat, service=(10,),
                 vehicles=1, shifts=((0, 1000),))  # fmt: skip
    res = vrp.solve(enc.problem, engine=engine, iterations=50, time_limit=5, seed=0)
    assert res.feasible and res.routes[0] == (1,)
