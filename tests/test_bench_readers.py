"""Readers of published benchmark formats, on the tiny files in tests/data/bench."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from outreach_planner.bench import pvrp, solomon
from outreach_planner.errors import InputError

DATA = Path(__file__).parent / "data" / "bench"


@pytest.fixture(scope="session")
def small2day() -> pvrp.PvrpInstance:
    """7 customers over 2 days, 2 vehicles a day, duration limit 40, capacity 20."""
    return pvrp.read_pvrp(DATA / "pvrp" / "small2day")


@pytest.fixture(scope="session")
def small8() -> solomon.VrptwInstance:
    """8 customers with two tight windows, 3 vehicles of capacity 30."""
    return solomon.read_vrplib(DATA / "solomon" / "Small8.vrp")


def test_decode_pattern_leftmost_bit_is_day_one():
    assert pvrp.decode_pattern(10, 5) == (1, 3)  # 01010: days 2 and 4
    assert pvrp.decode_pattern(15, 4) == (0, 1, 2, 3)
    assert pvrp.decode_pattern(2, 2) == (0,)


def test_read_pvrp(small2day):
    assert (small2day.customers, small2day.days, small2day.vehicles) == (7, 2, 2)
    assert small2day.capacity == (20, 20) and small2day.max_duration == (40.0, 40.0)
    assert small2day.patterns[1] == ((0, 1),)
    assert small2day.patterns[2] == ((1,), (0,))
    assert small2day.patterns[5] == ((0,),)
    assert small2day.service[1] == 2 and small2day.demand[3] == 8


def test_pvrp_problem_scales_and_rounds_durations_up(small2day):
    problem = pvrp.to_problem(small2day)
    real = pvrp.euclidean(small2day.xy)
    assert problem.max_duration == 40 * pvrp.SCALE
    assert (np.asarray(problem.duration) >= real * pvrp.SCALE - 1e-6).all()
    assert np.abs(np.asarray(problem.distance) - real * pvrp.SCALE).max() <= 0.5
    assert problem.patterns[0] == ((0, 1),)


def test_bks_table():
    assert pvrp.read_bks(DATA / "pvrp" / "BKS.csv") == {"small2day": 112.33}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1 1 1 1\n0 10\n0 0 0 0 0 0 0\n", "node lines"),  # customer line missing
        ("1 1 1 1\n0 10\n0 0 0 0 0 0 0\n1 1 1 0 x 1 1 1\n", "numbers"),  # demand not a number
        ("1 1 1 2\n0 10\n0 10\n0 0 0 0 0 0 0\n1 1 1 0 1 2 1 1\n", "combinations of 2"),
        ("4 1 1 1\n0 10\n0 0 0 0 0 0 0\n1 1 1 0 1 1 1 1\n", "PVRP"),  # a VRPTW file
    ],
)
def test_read_pvrp_rejects(tmp_path, text, expected):
    path = tmp_path / "bad"
    path.write_text(text)
    with pytest.raises(InputError, match=expected):
        pvrp.read_pvrp(path)


def test_frequency_zero_with_combinations_takes_the_combinations(tmp_path):
    # As p11's customer 131: its published solution visits it once.
    path = tmp_path / "f0"
    path.write_text("1 1 1 2\n0 10\n0 10\n0 0 0 0 0 0 0\n1 1 1 0 1 0 2 1 2\n")
    inst = pvrp.read_pvrp(path)
    assert inst.frequency[1] == 1 and inst.patterns[1] == ((1,), (0,))


def test_read_vrplib(small8):
    assert (small8.customers, small8.vehicles, small8.capacity) == (8, 3, 30)
    assert small8.service == (0.0,) + (10.0,) * 8  # the depot takes no service
    assert small8.windows[3] == (20.0, 60.0)
    assert solomon.read_sol_cost(DATA / "solomon" / "Small8.sol") == 160.7


def test_vrptw_problem_truncates_to_tenths(small8):
    problem = solomon.to_problem(small8)
    # Depot (50, 50) to customer 2 (70, 55): sqrt(425) = 20.615..., truncated 20.6.
    assert problem.distance[0, 2] == 206
    assert problem.service[0] == 100 and problem.time_windows[2] == (200, 600)
    assert problem.shifts == ((0, 3000),) * 3


@pytest.mark.parametrize(
    "dx, dy, tenths",
    [(3, 4, 50), (1, 1, 14), (0, 0, 0), (7, 24, 250), (0.3, 0.4, 5)],
)
def test_truncated_tenths(dx, dy, tenths):
    assert solomon.truncated_tenths(dx, dy) == tenths
