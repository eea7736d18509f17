"""The working clock (lunch left out) against `schedule.time_run`, and `RotaProblem` checks.

The rota hands the engines plain routing problems on the working clock; that is
only sound if a route fits there exactly when the timetable accepts it.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from outreach_planner.optimize.periodic import schedule_on_spans, start_in_spans
from outreach_planner.optimize.problem import RotaProblem, RunSlot, Shift, StopDemand
from outreach_planner.optimize.schedule import time_run

H = 3600
M = 60
OFFICE = Shift(7 * H, 11 * H + 30 * M, 13 * H + 30 * M, 17 * H)


def test_work_clock_stops_during_lunch():
    assert OFFICE.work_clock(7 * H) == 0
    assert OFFICE.work_clock(11 * H + 30 * M) == 4 * H + 30 * M
    assert OFFICE.work_clock(12 * H) == 4 * H + 30 * M  # lunch: the clock stands still
    assert OFFICE.work_clock(13 * H + 30 * M) == 4 * H + 30 * M
    assert OFFICE.work_clock(17 * H) == OFFICE.working_s == 8 * H


def test_dwell_spans_keep_a_dwell_out_of_lunch():
    morning = 4 * H + 30 * M
    assert OFFICE.dwell_spans(20 * M) == ((0, morning - 20 * M), (morning, 8 * H - 20 * M))
    # Longer than the afternoon: only the morning can hold it.
    assert OFFICE.dwell_spans(4 * H) == ((0, morning - 4 * H),)
    assert OFFICE.dwell_spans(5 * H) == ()
    # No lunch, or no dwell: one span.
    assert Shift(8 * H, 12 * H, 12 * H, 16 * H).dwell_spans(20 * M) == ((0, 8 * H - 20 * M),)
    assert OFFICE.dwell_spans(0) == ((0, 8 * H),)


def test_dwell_spans_follow_a_window_in_clock_time():
    morning = 4 * H + 30 * M
    # Earliest 14:00: afternoon only, from 30 min into it.
    assert OFFICE.dwell_spans(20 * M, (14 * H, 17 * H)) == ((morning + 30 * M, 8 * H - 20 * M),)
    # Latest end 12:00 (inside lunch): the morning, ending by lunch.
    assert OFFICE.dwell_spans(20 * M, (7 * H, 12 * H)) == ((0, morning - 20 * M),)
    # Earliest inside lunch: the afternoon from its start.
    assert OFFICE.dwell_spans(20 * M, (12 * H, 17 * H)) == ((morning, 8 * H - 20 * M),)
    assert OFFICE.dwell_spans(20 * M, (9 * H, 9 * H + 10 * M)) == ()


def test_start_in_spans_waits_for_the_next_span_or_reports_lateness():
    spans = ((0, 100), (200, 300))
    assert start_in_spans(spans, 50) == (50, 0, 0)
    assert start_in_spans(spans, 150) == (200, 1, 0)  # waits
    assert start_in_spans(spans, 320) == (320, 1, 20)  # late by 20


SHIFTS = [
    OFFICE,
    Shift(7 * H, 11 * H + 30 * M, 11 * H + 30 * M, 17 * H),  # no lunch
    Shift(6 * H, 6 * H, 7 * H, 15 * H),  # lunch first thing
    Shift(7 * H, 16 * H, 17 * H, 17 * H),  # lunch at the end
]


@pytest.mark.parametrize("shift", SHIFTS, ids=["office", "no-lunch", "lunch-first", "lunch-last"])
@pytest.mark.parametrize("seed", range(40))
def test_a_route_fits_the_working_clock_exactly_when_the_timetable_accepts_it(seed, shift):
    """Random routes with dwells and windows around lunch: same verdict, same return."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 9))
    t = rng.integers(0, 90 * M, size=(n + 1, n + 1))
    np.fill_diagonal(t, 0)
    dwell = [0, *(int(x) for x in rng.integers(0, 90 * M, size=n))]
    windows = {}
    for node in range(1, n + 1):
        if rng.random() < 0.4:
            lo = int(rng.integers(6 * H, 16 * H))
            windows[node] = (lo, lo + int(rng.integers(30 * M, 6 * H)))
    spans = [()] + [shift.dwell_spans(dwell[k], windows.get(k)) for k in range(1, n + 1)]
    route = [int(k) for k in rng.permutation(np.arange(1, n + 1))]
    # The planner's schedule of the route: clients are matrix index - 1.
    back, late, _ = schedule_on_spans([k - 1 for k in route], t, dwell[1:], spans[1:])
    fits = late == 0 and back <= shift.working_s and all(spans[k] for k in route)
    timed = time_run(route, dwell_s=dwell, travel_s=t, shift=shift, windows=windows)
    assert fits == (timed is not None)
    if timed is not None:
        assert shift.work_clock(timed.return_s) == back


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
