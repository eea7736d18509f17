"""The frozen single-period problem: validation, read-only matrices, the route check."""

from __future__ import annotations

import numpy as np
import pytest

from outreach_planner.optimize.vrp import VrpProblem, check_route, evaluate, solve


def line_problem(**changes) -> VrpProblem:
    """Depot at 0 and three clients at 1, 2, 3 on a line; distance = duration = |a - b|."""
    pos = np.array([0, 1, 2, 3])
    mat = np.abs(pos[:, None] - pos[None, :])
    base = dict(distance=mat, duration=mat, demand=(1, 1, 1), service=(1, 1, 1),
                capacity=3, vehicles=2)  # fmt: skip
    base.update(changes)
    return VrpProblem(**base)


def test_matrices_are_private_read_only_copies():
    mat = np.abs(np.arange(4)[:, None] - np.arange(4)[None, :])
    problem = line_problem(distance=mat)
    mat[0, 1] = 99  # the caller's array stays the caller's
    assert problem.distance[0, 1] == 1
    with pytest.raises(ValueError):
        problem.distance[0, 1] = 5
    with pytest.raises(ValueError):
        problem.duration[0, 1] = 5


def test_replace_makes_a_validated_variant():
    problem = line_problem()
    assert problem.replace(capacity=1).capacity == 1
    assert problem.capacity == 3
    with pytest.raises(ValueError, match="vehicles"):
        problem.replace(vehicles=0)


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"distance": np.zeros((3, 3))}, "distance must be 4x4"),  # one client short
        ({"demand": (1, -1, 1)}, "negative"),  # negative demand
        ({"service": (1, 1)}, "service has 2 entries"),  # service list short
        ({"time_windows": ((5, 1), (0, 9), (0, 9))}, "out of order"),  # window ends first
        ({"shifts": ((0, 10),)}, "shifts has 1 entries"),  # one shift for two vehicles
        ({"duration": np.eye(4) * 0 + 1}, "zero diagonal"),  # travel to itself costs
        ({"prize": (1, None)}, "prize has 2 entries"),  # prize list short
        ({"groups": ((0, 1),)}, "must be optional"),  # a required client in a group
        ({"prize": (0, 0, 0), "groups": ((0, 1), (1, 2))}, "each in one group"),  # shared
        (
            {"prize": (0, 0, 0), "groups": ((0, 1),), "optional_groups": ((1, 2),)},
            "each in one group",
        ),  # in a group and an optional group
        ({"optional_groups": ((0, 1),)}, "must be optional"),  # required member
    ],
)
def test_invalid_problems_rejected(changes, message):
    with pytest.raises(ValueError, match=message):
        line_problem(**changes)


def test_check_route_sums_and_rules():
    problem = line_problem(max_duration=8)
    ok = check_route(problem, 0, [0, 1, 2])
    assert (ok.distance, ok.load, ok.duration, ok.violations) == (
        6,
        3,
        9,
        ("duration 9 > limit 8",),
    )
    assert check_route(problem, 0, [2]).violations == ()


def test_check_route_time_windows_and_waiting():
    # Client 2 opens at 10: leaving at 7 instead of 0 avoids the wait, so it is not charged.
    problem = line_problem(time_windows=((0, 100), (0, 100), (10, 12)), max_duration=9)
    rc = check_route(problem, 0, [2])
    assert rc.duration == 3 + 1 + 3 and rc.violations == ()
    late = line_problem(time_windows=((0, 100), (0, 100), (0, 2)))
    assert "after its window" in check_route(late, 0, [0, 1, 2]).violations[0]


def test_evaluate_flags_missing_required_and_duplicates():
    problem = line_problem(prize=(None, 5, None))
    assert evaluate(problem, [[0, 2]]).feasible  # client 1 is optional
    assert not evaluate(problem, [[0]]).feasible  # client 2 is required
    assert not evaluate(problem, [[0, 2], [2]]).feasible
    assert evaluate(problem, [[0, 2]]).routes == ((0, 2), ())


def test_evaluate_allows_at_most_one_of_an_optional_group():
    problem = line_problem(prize=(None, 5, 5), optional_groups=((1, 2),))
    assert evaluate(problem, [[0]]).feasible
    assert evaluate(problem, [[0, 2]]).feasible
    assert not evaluate(problem, [[0, 1, 2]]).feasible


def test_solve_needs_a_stop_and_a_known_engine():
    with pytest.raises(ValueError, match="time_limit, iterations"):
        solve(line_problem())
    with pytest.raises(ValueError, match="unknown engine"):
        solve(line_problem(), engine="nope", iterations=1)
