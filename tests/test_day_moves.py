"""Moves that only change days (`search.Trajectory.move`): every client's every other pattern
is tried in turn, and such a move is routed by the engine whatever its estimate says (unless
`SearchSettings.route_day_moves` is off, as in the planner)."""

from __future__ import annotations

import random

import numpy as np
import pytest

from outreach_planner.bench.pvrp import euclidean
from outreach_planner.optimize.periodic import PeriodicProblem, SearchSettings
from outreach_planner.optimize.periodic.search import Trajectory
from outreach_planner.optimize.periodic.state import Search


def _problem(n: int = 18, seed: int = 3) -> PeriodicProblem:
    """n clients around a depot over 5 days: a third twice (three patterns), a third three
    times (two patterns), the rest once on any day."""
    rng = random.Random(seed)
    xy = np.array([(50.0, 50.0)] + [(rng.uniform(0, 100), rng.uniform(0, 100)) for _ in range(n)])
    mat = np.rint(euclidean(xy)).astype(int)
    twice = ((0, 2), (1, 3), (2, 4))
    thrice = ((0, 2, 4), (1, 3, 4))
    once = tuple((d,) for d in range(5))
    return PeriodicProblem(
        distance=mat, duration=mat, demand=(1,) * n, service=(5,) * n,
        patterns=tuple((twice, thrice, once)[i % 3] for i in range(n)),
        days=5, vehicles=2, capacity=10, max_duration=500,
    )  # fmt: skip


def test_every_other_pattern_of_every_client_is_tried_once_a_round():
    pp = _problem()
    run = Trajectory(Search(pp), "pyvrp", 0, SearchSettings())
    others = {
        (c, p) for c in run.choosy_clients for p in pp.patterns[c] if p != run.current.days_of[c]
    }
    assert len(others) == 6 * 2 + 6 * 1
    tried = [run._next_switch() for _ in range(len(others))]
    assert sorted(tried) == sorted(others)  # each once, none the client's own pattern
    tried_again = {run._next_switch() for _ in range(len(others))}
    assert tried_again == others


@pytest.mark.parametrize(
    "shares",
    [
        {"switch_share": 1.0},  # one client on another pattern
        {"switch_share": 0.0, "align_share": 0.0, "relabel_share": 1.0},  # a region shifted
    ],
    ids=["switch", "relabel"],
)
def test_a_move_that_only_changes_days_is_routed_whatever_its_estimate(shares):
    pp = _problem()
    run = Trajectory(Search(pp), "pyvrp", 1, SearchSettings(**shares))
    run.route(None, 200)
    # No estimate is within reach: any other move would be dropped unrouted.
    run.gains = [-1e18]
    for k in range(1, 6):
        run.move(0.5)
        assert run.polished == k
    # Without `route_day_moves` (the planner's setting) the estimate filters them as before.
    other = Trajectory(Search(pp), "pyvrp", 1, SearchSettings(**shares, route_day_moves=False))
    other.route(None, 200)
    other.gains = [-1e18]
    for _ in range(5):
        other.move(0.5)
    assert other.polished == 0
