"""The packed start of the periodic search (`periodic.packing`), and when the search takes it."""

from __future__ import annotations

import itertools
import random

import numpy as np

from outreach_planner.bench.pvrp import euclidean
from outreach_planner.optimize.periodic import PeriodicProblem, SearchSettings
from outreach_planner.optimize.periodic.packing import packed
from outreach_planner.optimize.periodic.search import Trajectory
from outreach_planner.optimize.periodic.state import Search, initial, patterns_ok


def _scattered(
    seed: int, *, n: int = 24, days: int = 3, visits: int = 1, gap: int = 1, limit: int = 320
) -> PeriodicProblem:
    """n clients scattered around the depot, 10 of service each, one vehicle a day of `limit`."""
    rng = np.random.default_rng(seed)
    pts = np.vstack([[0, 0], rng.uniform(-50, 50, size=(n, 2))])
    d = np.rint(euclidean(pts)).astype(int)
    d.setflags(write=False)
    pats = tuple(
        p
        for p in itertools.combinations(range(days), visits)
        if all(b - a >= gap for a, b in itertools.pairwise(p))
    )
    return PeriodicProblem(
        distance=d, duration=d, demand=(0,) * n, service=(10,) * n, patterns=(pats,) * n,
        days=days, vehicles=1, capacity=0, max_duration=limit,
    )  # fmt: skip


def test_packing_fits_every_client_where_cheapest_insertion_overfills_a_day():
    pp = _scattered(0)
    search = Search(pp)
    # The instance is tight: one client after another on its cheapest day leaves a day
    # over its limit, while filling each day with the nearest client that fits does not.
    assert not search.feasible(initial(search, random.Random(0)))
    start = packed(search, random.Random(0))
    assert search.feasible(start) and patterns_ok(pp, start)
    assert all(dur <= pp.max_duration for day in start.dur for dur in day)


def test_packed_visits_of_a_client_make_one_of_its_patterns():
    # Two visits each, two days apart, over four days: (0, 2), (0, 3) or (1, 3).
    pp = _scattered(1, n=12, days=4, visits=2, gap=2, limit=400)
    search = Search(pp)
    start = packed(search, random.Random(0))
    assert patterns_ok(pp, start)
    assert all(start.days_of[c] for c in range(pp.num_clients))
    for c in range(pp.num_clients):
        days = [d for d, day in enumerate(start.routes) if any(c in r for r in day)]
        assert tuple(days) == start.days_of[c]


def test_a_client_due_today_goes_before_a_nearer_one():
    # Client 0 may only come on day 0; client 1 (nearer) any day; day 0 holds one of them.
    d = np.array([[0, 30, 5], [30, 0, 30], [5, 30, 0]])
    d.setflags(write=False)
    pp = PeriodicProblem(
        distance=d, duration=d, demand=(0, 0), service=(10, 10),
        patterns=(((0,),), ((0,), (1,))), days=2, vehicles=1, capacity=0, max_duration=75,
    )  # fmt: skip
    start = packed(Search(pp), random.Random(0))
    assert start.routes[0][0] == [0] and start.routes[1][0] == [1]


def test_the_search_starts_packed_when_asked_and_the_plain_start_overfills():
    pp = _scattered(0)
    search = Search(pp)
    plain = Trajectory(search, "pyvrp", 0, SearchSettings())
    asked = Trajectory(search, "pyvrp", 0, SearchSettings(packed_start=True))
    assert not search.feasible(plain.current)
    assert search.feasible(asked.current)
    assert asked.current.routes == packed(search, random.Random(0)).routes


def test_a_feasible_plain_start_is_kept_even_when_packing_is_asked():
    pp = _scattered(1)  # roomy enough for cheapest insertion
    search = Search(pp)
    plain = Trajectory(search, "pyvrp", 0, SearchSettings())
    asked = Trajectory(search, "pyvrp", 0, SearchSettings(packed_start=True))
    assert search.feasible(plain.current)
    assert asked.current.routes == plain.current.routes
