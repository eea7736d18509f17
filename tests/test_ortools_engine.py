"""`ortools_engine.solve` on tiny hand-made requests, checked against `schedule.time_run`."""

from __future__ import annotations

import datetime as dt
import time

import numpy as np
import pytest

from outreach_planner.optimize import ortools_engine
from outreach_planner.optimize.ortools_engine import MANDATORY_PENALTY, RoutingRequest, solve
from outreach_planner.optimize.problem import RotaProblem, RunSlot, Shift, StopDemand
from outreach_planner.optimize.schedule import time_run

H = 3600
M = 60
OFFICE = Shift(7 * H, 11 * H + 30 * M, 13 * H + 30 * M, 17 * H)


def line_matrix(positions: list[float], s_per_unit: int = 600) -> np.ndarray:
    """Travel seconds between points on a line; position 0 of the list is the depot."""
    p = np.array(positions, dtype=np.float64)
    t = np.ceil(np.abs(p[:, None] - p[None, :]) * s_per_unit).astype(np.int64)
    t.setflags(write=False)
    return t


def request(
    travel: np.ndarray,
    dwell: list[int],
    *,
    visits: tuple[int, ...] | None = None,
    penalty: tuple[int, ...] | None = None,
    allowed: tuple[tuple[int, ...] | None, ...] | None = None,
    shift: Shift = OFFICE,
    vehicles: int = 1,
    **kw,
) -> RoutingRequest:
    visits = visits if visits is not None else tuple(range(1, len(dwell)))
    return RoutingRequest(
        travel_s=travel,
        dwell_s=tuple(dwell),
        visits=visits,
        penalty=penalty if penalty is not None else (MANDATORY_PENALTY,) * len(visits),
        allowed=allowed if allowed is not None else (None,) * len(visits),
        shift=shift,
        vehicles=vehicles,
        solution_limit=kw.pop("solution_limit", 100),
        time_cap_s=kw.pop("time_cap_s", 10.0),
        **kw,
    )


def assert_feasible(req: RoutingRequest, routes) -> None:
    """Every route, as matrix indices, fits its shift by the timetable's own rule."""
    assert len(routes) == req.vehicles
    seen = [k for r in routes for k in r]
    assert len(seen) == len(set(seen)), "a visit is routed twice"
    assert all(0 <= k < len(req.visits) for k in seen)
    for r in routes:
        nodes = [req.visits[k] for k in r]
        timed = time_run(nodes, dwell_s=req.dwell_s, travel_s=req.travel_s, shift=req.shift)
        assert timed is not None, f"route {nodes} does not fit {req.shift}"


def test_single_vehicle_visits_points_on_a_line_in_line_order():
    t = line_matrix([0, 1, 2, 3, 4])
    # The visits are listed out of order; the route must not be.
    req = request(t, [0, 10 * M, 10 * M, 10 * M, 10 * M], visits=(3, 1, 4, 2))
    res = solve(req)
    assert_feasible(req, res.routes)
    nodes = [req.visits[k] for k in res.routes[0]]
    assert nodes in ([1, 2, 3, 4], [4, 3, 2, 1])
    assert res.objective == 2 * 4 * 600  # out and back along the line
    assert not res.hit_time_cap


def test_a_visit_that_can_never_fit_is_dropped_others_kept():
    # Stop 2 is 20 min from the depot and dwells 4 h 20: its dwell may start at
    # 07:00-07:10 (to end by 11:30) but the team cannot be there before 07:20.
    t = np.array(
        [[0, 600, 1200, 600], [600, 0, 600, 600], [1200, 600, 0, 600], [600, 600, 600, 0]],
        dtype=np.int64,
    )
    t.setflags(write=False)
    req = request(t, [0, 10 * M, 4 * H + 20 * M, 10 * M])
    res = solve(req)
    assert_feasible(req, res.routes)
    assert sorted(res.routes[0]) == [0, 2]
    assert res.objective >= MANDATORY_PENALTY


def test_a_mandatory_visit_longer_than_the_day_is_dropped_others_kept():
    t = line_matrix([0, 1, 2, 3])
    # Stop 2 dwells 11 h; the shift has 8 h of work in two spans.
    req = request(t, [0, 10 * M, 11 * H, 10 * M])
    res = solve(req)
    assert_feasible(req, res.routes)
    assert sorted(res.routes[0]) == [0, 2]


def test_a_dwell_longer_than_each_span_is_dropped_others_kept():
    t = line_matrix([0, 1, 2, 3])
    # 5 h: longer than the morning (4 h 30) and the afternoon (3 h 30).
    req = request(t, [0, 10 * M, 5 * H, 10 * M])
    res = solve(req)
    assert_feasible(req, res.routes)
    assert sorted(res.routes[0]) == [0, 2]


def test_optional_visits_dropped_when_time_is_short_biggest_penalty_kept():
    # One hour of work; each visit is 5 min away and dwells 40 min: only one fits.
    short = Shift(8 * H, 9 * H, 9 * H, 9 * H)
    t = np.full((4, 4), 300, dtype=np.int64)
    np.fill_diagonal(t, 0)
    t.setflags(write=False)
    req = request(t, [0, 40 * M, 40 * M, 40 * M], penalty=(1000, 900_000, 2000), shift=short)
    res = solve(req)
    assert_feasible(req, res.routes)
    assert res.routes == ((1,),)
    assert res.objective == 600 + 1000 + 2000


def test_optional_visits_all_kept_when_time_allows():
    t = line_matrix([0, 1, 2, 3])
    req = request(t, [0, 10 * M, 10 * M, 10 * M], penalty=(10_000, 20_000, 30_000))
    res = solve(req)
    assert_feasible(req, res.routes)
    assert sorted(res.routes[0]) == [0, 1, 2]


def test_allowed_vehicles_are_respected():
    t = line_matrix([0, 1, 2, 3, 4])
    # Alone, one vehicle would take them all; force visits 0 and 3 apart.
    req = request(
        t,
        [0, 10 * M, 10 * M, 10 * M, 10 * M],
        vehicles=3,
        allowed=((2,), None, (0, 1), (1,)),
    )
    res = solve(req)
    assert_feasible(req, res.routes)
    where = {k: v for v, r in enumerate(res.routes) for k in r}
    assert sorted(where) == [0, 1, 2, 3]
    assert where[0] == 2
    assert where[2] in (0, 1)
    assert where[3] == 1


def test_pairs_force_two_visits_onto_different_vehicles():
    # Visits 0 and 1 are the same place: without the constraint they would share a run.
    t = np.array([[0, 900, 900], [900, 0, 0], [900, 0, 0]], dtype=np.int64)
    t.setflags(write=False)
    vehicles = 2
    apart = tuple(
        (a, b) for a in range(-1, vehicles) for b in range(-1, vehicles) if a != b or a == -1
    )
    free = solve(request(t, [0, 10 * M, 10 * M], vehicles=vehicles))
    assert sorted(len(r) for r in free.routes) == [0, 2]
    req = request(t, [0, 10 * M, 10 * M], vehicles=vehicles, pairs=((0, 1, apart),))
    res = solve(req)
    assert_feasible(req, res.routes)
    assert sorted(res.routes) == [(0,), (1,)]


def test_pairs_of_copies_on_ordered_vehicles():
    # The rota's use: copy b only on a later vehicle than copy a.
    t = line_matrix([0, 1, 2])
    later = ((-1, -1), (0, -1), (1, -1), (2, -1), (-1, 0), (-1, 1), (-1, 2), (0, 2))
    req = request(t, [0, 10 * M, 10 * M], visits=(1, 1, 2), vehicles=3,
                  pairs=((0, 1, later),))  # fmt: skip
    res = solve(req)
    assert_feasible(req, res.routes)
    where = {k: v for v, r in enumerate(res.routes) for k in r}
    assert (where[0], where[1]) == (0, 2)


@pytest.mark.parametrize("seed", range(8))
def test_every_route_fits_time_run(seed):
    """Random small requests with dwells around lunch: the engine never returns a run
    that the timetable rejects."""
    rng = np.random.default_rng(seed)
    n = 7
    xy = rng.uniform(0, 12_000, size=(n + 1, 2))
    d = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    t = np.ceil(d / (30 / 3.6)).astype(np.int64)
    t.setflags(write=False)
    dwell = [0, *(int(x) for x in rng.integers(5 * M, 100 * M, size=n))]
    penalty = tuple(
        MANDATORY_PENALTY if rng.random() < 0.5 else int(rng.integers(1, 50_000)) for _ in range(n)
    )
    req = request(t, dwell, penalty=penalty, vehicles=2)
    res = solve(req)
    assert_feasible(req, res.routes)
    assert any(res.routes)


def test_same_request_gives_the_same_routes():
    rng = np.random.default_rng(42)
    n = 9
    xy = rng.uniform(0, 10_000, size=(n + 1, 2))
    d = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    t = np.ceil(d / (30 / 3.6)).astype(np.int64)
    t.setflags(write=False)
    dwell = [0, *(int(x) for x in rng.integers(10 * M, 60 * M, size=n))]
    penalty = tuple(int(x) for x in rng.integers(1_000, 100_000, size=n))
    req = request(t, dwell, penalty=penalty, vehicles=2, solution_limit=200)
    first, second = solve(req), solve(req)
    assert first.routes == second.routes
    assert first.objective == second.objective
    assert_feasible(req, first.routes)


def test_initial_routes_are_kept_when_given():
    t = line_matrix([0, 1, 2, 3])
    req = request(t, [0, 10 * M, 10 * M, 10 * M], initial=((2, 1, 0),))
    res = solve(req)
    assert_feasible(req, res.routes)
    assert sorted(res.routes[0]) == [0, 1, 2]


def test_solve_reports_no_warning_on_a_quick_search(caplog):
    t = line_matrix([0, 1, 2])
    res = solve(request(t, [0, 10 * M, 10 * M], time_cap_s=5.0))
    assert sorted(res.routes[0]) == [0, 1]
    assert not res.hit_time_cap
    assert not [r for r in caplog.records if r.name == ortools_engine.log.name]


def test_a_single_visit_does_not_run_to_the_time_cap(caplog):
    t = line_matrix([0, 1])
    began = time.monotonic()
    res = solve(request(t, [0, 10 * M], time_cap_s=1.0))
    assert res.routes == ((0,),)
    assert not res.hit_time_cap
    assert time.monotonic() - began < 0.5


# --------------------------------------------------------------------------- RotaProblem


def _runs() -> tuple[RunSlot, ...]:
    return (RunSlot(dt.date(2026, 12, 8), 1, 1, OFFICE),)


def _stops(n: int) -> tuple[StopDemand, ...]:
    return tuple(StopDemand(10 * M, 100, 1) for _ in range(n))


def test_rota_problem_refuses_a_writable_travel_matrix():
    t = np.zeros((3, 3), dtype=np.int64)
    with pytest.raises(ValueError, match="read-only"):
        RotaProblem(stops=_stops(2), runs=_runs(), travel_s=t)


@pytest.mark.parametrize("shape", [(2, 2), (4, 4), (3, 4), (3,)])
def test_rota_problem_refuses_a_wrong_shaped_matrix(shape):
    t = np.zeros(shape, dtype=np.int64)
    t.setflags(write=False)
    with pytest.raises(ValueError, match="3x3"):
        RotaProblem(stops=_stops(2), runs=_runs(), travel_s=t)


def test_rota_problem_accepts_a_read_only_square_matrix():
    t = np.zeros((3, 3), dtype=np.int64)
    t.setflags(write=False)
    problem = RotaProblem(stops=_stops(2), runs=_runs(), travel_s=t)
    assert problem.travel_s.shape == (3, 3)


@pytest.mark.parametrize(
    "stop",
    [StopDemand(-1, 1, 1), StopDemand(60, -1, 1), StopDemand(60, 1, -1)],
)
def test_rota_problem_refuses_negative_demands(stop):
    t = np.zeros((2, 2), dtype=np.int64)
    t.setflags(write=False)
    with pytest.raises(ValueError, match="negative"):
        RotaProblem(stops=(stop,), runs=_runs(), travel_s=t)
