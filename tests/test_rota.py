"""`rota.solve_rota` on small synthetic problems built directly (no files, no planner)."""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np
import pytest

from outreach_planner.optimize import rota
from outreach_planner.optimize.facts import RotaFacts
from outreach_planner.optimize.problem import (
    RotaProblem,
    RotaResult,
    RunSlot,
    Shift,
    StopDemand,
)
from outreach_planner.optimize.rota import solve_rota
from outreach_planner.optimize.schedule import time_run

H = 3600
M = 60
OFFICE = Shift(7 * H, 11 * H + 30 * M, 13 * H + 30 * M, 17 * H)
MONDAY = dt.date(2026, 12, 7)
TUE, FRI = 1, 4


def runs_of(weeks: int, weekdays=(TUE, FRI), vehicles: int = 1, shift: Shift = OFFICE):
    return tuple(
        RunSlot(MONDAY + dt.timedelta(days=d), d, v, shift)
        for d in range(7 * weeks)
        if (MONDAY + dt.timedelta(days=d)).weekday() in weekdays
        for v in range(1, vehicles + 1)
    )


def travel_from(points: list[tuple[float, float]], speed_kmh: float = 30.0) -> np.ndarray:
    """Read-only seconds between the depot (0, 0) and `points` (metres), straight lines."""
    p = np.array([(0.0, 0.0), *points])
    d = np.hypot(p[:, None, 0] - p[None, :, 0], p[:, None, 1] - p[None, :, 1])
    t = np.ceil(d / (speed_kmh / 3.6)).astype(np.int64)
    t.setflags(write=False)
    return t


def grid(nx: int, ny: int, step: float = 1500.0) -> list[tuple[float, float]]:
    return [(step * (i - nx / 2 + 0.5), step * (j + 1)) for i in range(nx) for j in range(ny)]


def problem(
    stops: list[StopDemand],
    points: list[tuple[float, float]],
    runs=None,
    **kw,
) -> RotaProblem:
    kw.setdefault("search_effort", 60)
    kw.setdefault("time_cap_s", 4.0)
    return RotaProblem(
        stops=tuple(stops),
        runs=runs if runs is not None else runs_of(2),
        travel_s=travel_from(points),
        **kw,
    )


def visits_per_stop(p: RotaProblem, res: RotaResult) -> list[int]:
    counts = [0] * len(p.stops)
    for route in res.routes:
        for i in route.stops:
            counts[i] += 1
    return counts


def check_result(p: RotaProblem, res: RotaResult) -> None:
    """What every result must hold: one route per run, each fitting its shift, gaps kept,
    and every stop short of its minimum reported with a reason."""
    assert [r.run for r in res.routes] == list(range(len(p.runs)))
    dwell = (0, *(s.dwell_s for s in p.stops))
    days: dict[int, list[int]] = {}
    for route, slot in zip(res.routes, p.runs, strict=True):
        assert len(set(route.stops)) == len(route.stops), "a stop twice in one run"
        assert all(0 <= i < len(p.stops) for i in route.stops)
        timed = time_run([i + 1 for i in route.stops], dwell_s=dwell, travel_s=p.travel_s,
                         shift=slot.shift)  # fmt: skip
        assert timed is not None, f"run {route.run} does not fit its shift"
        for i in route.stops:
            days.setdefault(i, []).append(slot.day)
    for i, ds in days.items():
        ds.sort()
        for a, b in zip(ds, ds[1:], strict=False):
            assert b - a >= max(p.min_gap_days, 1), f"stop {i} on days {a} and {b}"
    counts = visits_per_stop(p, res)
    missing = {m.stop: m for m in res.missing}
    assert len(missing) == len(res.missing)
    for i, stop in enumerate(p.stops):
        if counts[i] < stop.min_visits:
            assert i in missing, f"stop {i} short of its minimum without a reason"
            assert missing[i].reason
            assert missing[i].missing_visits >= stop.min_visits - counts[i]


# --------------------------------------------------------------------------- tests


def test_every_stop_gets_its_minimum_visit():
    points = grid(3, 2)
    p = problem([StopDemand(20 * M, 100 + 10 * k, 1) for k in range(6)], points)
    res = solve_rota(p)
    check_result(p, res)
    assert res.missing == ()
    assert all(c >= 1 for c in visits_per_stop(p, res))


def test_required_visits_spread_over_two_vehicles():
    # 8 stops of 1 h 40 each: too much for one run, fine for the 2 vehicles x 2 days.
    p = problem(
        [StopDemand(100 * M, 100, 1) for _ in range(8)],
        grid(4, 2, step=1000),
        runs=runs_of(1, vehicles=2),
    )
    res = solve_rota(p)
    check_result(p, res)
    assert res.missing == ()
    assert all(c >= 1 for c in visits_per_stop(p, res))


def test_two_visits_are_at_least_seven_days_apart():
    p = problem([StopDemand(20 * M, 100, 2) for _ in range(4)], grid(2, 2), min_gap_days=7)
    res = solve_rota(p)
    check_result(p, res)
    assert res.missing == ()
    day = {r.run: slot.day for r, slot in zip(res.routes, p.runs, strict=True)}
    for i in range(4):
        days = sorted(day[r.run] for r in res.routes if i in r.stops)
        assert len(days) >= 2
        assert days[-1] - days[0] >= 7


@pytest.mark.parametrize("min_visits", [1, 3])
def test_a_stop_whose_dwell_exceeds_the_longest_span_is_missing(min_visits):
    points = grid(2, 2)
    stops = [StopDemand(20 * M, 100, 1) for _ in range(3)]
    stops.append(StopDemand(4 * H + 31 * M, 500, min_visits))  # morning span is 4 h 30
    p = problem(stops, points, runs=runs_of(1))
    res = solve_rota(p)
    check_result(p, res)
    assert [m.stop for m in res.missing] == [3]
    (m,) = res.missing
    assert m.missing_visits == min_visits
    assert "dwell" in m.reason
    assert "271 min" in m.reason and "270 min" in m.reason
    counts = visits_per_stop(p, res)
    assert counts[3] == 0
    assert all(c >= 1 for c in counts[:3])


def test_a_stop_too_far_for_its_dwell_is_missing_with_the_drive_in_the_reason():
    # 4 h 20 dwell fits the morning span, but not with 2 x 20 min of driving.
    points = [(1000.0, 0.0), (10_000.0, 0.0)]
    p = problem([StopDemand(20 * M, 100, 1), StopDemand(4 * H + 20 * M, 100, 1)], points,
                runs=runs_of(1))  # fmt: skip
    res = solve_rota(p)
    check_result(p, res)
    (m,) = res.missing
    assert m.stop == 1
    assert "drive there and back" in m.reason


@pytest.mark.parametrize("min_visits", [0, 1])
def test_a_stop_that_never_fits_does_not_stop_extras_elsewhere(min_visits):
    points = grid(2, 2)
    base = [StopDemand(20 * M, 100 * (k + 1), 1) for k in range(4)]
    long_stop = StopDemand(5 * H, 50, min_visits)
    without = problem(base, points)
    with_long = problem([*base, long_stop], [*points, (500.0, 500.0)])
    res0, res1 = solve_rota(without), solve_rota(with_long)
    check_result(without, res0)
    check_result(with_long, res1)
    # Two weeks, four small stops: each is visited in both weeks (required + extra).
    assert visits_per_stop(without, res0) == [2, 2, 2, 2]
    assert visits_per_stop(with_long, res1)[:4] == [2, 2, 2, 2]


def test_more_visits_than_the_runs_allow_one_week():
    # Tue and Fri of one week are 3 days apart: a 7-day gap leaves room for 1 visit.
    p = problem([StopDemand(20 * M, 100, 2), StopDemand(20 * M, 100, 1)], grid(2, 1),
                runs=runs_of(1), min_gap_days=7)  # fmt: skip
    res = solve_rota(p)
    check_result(p, res)
    (m,) = res.missing
    assert (m.stop, m.missing_visits, m.code) == (0, 1, "too_few_runs")
    assert dict(m.figures) == {"visits": 2, "gap_days": 7, "runs": 2, "most": 1}
    assert "allow only 1" in res.missing[0].reason
    assert "needs 2 visits at least 7 days apart" in res.missing[0].reason
    assert visits_per_stop(p, res) == [1, 1]


def test_three_visits_seven_days_apart_over_two_weeks_allow_only_two():
    p = problem([StopDemand(20 * M, 100, 3), StopDemand(20 * M, 100, 1)], grid(2, 1),
                min_gap_days=7)  # fmt: skip
    res = solve_rota(p)
    check_result(p, res)
    assert [m.stop for m in res.missing] == [0]
    assert res.missing[0].missing_visits == 1
    assert "allow only 2" in res.missing[0].reason
    assert visits_per_stop(p, res)[0] == 2


def test_far_too_many_stops_are_reported_missing():
    # 40 stops of 1 h each against 4 runs of 8 working hours.
    points = grid(8, 5, step=800)
    p = problem([StopDemand(H, 100, 1) for _ in points], points)
    res = solve_rota(p)
    check_result(p, res)
    counts = visits_per_stop(p, res)
    assert sum(counts) <= 4 * 8
    assert len(res.missing) == sum(1 for c in counts if c == 0) > 0
    for m in res.missing:
        assert m.missing_visits == 1
        assert "more hours" in m.reason or "no run had time" in m.reason
    assert "more hours" in res.missing[0].reason


def test_extra_visits_go_to_the_biggest_values():
    # Four optional stops, 2 km from the depot, dwelling 4 h: one fits a run (the
    # afternoon is 3 h 30). With a 7-day gap a stop gets at most two of the four runs.
    points = [(2000.0, 0.0), (0.0, 2000.0), (-2000.0, 0.0), (0.0, -2000.0)]
    values = [10, 40, 20, 30]
    p = problem([StopDemand(4 * H, v, 0) for v in values], points)
    res = solve_rota(p)
    check_result(p, res)
    assert res.missing == ()
    counts = visits_per_stop(p, res)
    assert counts[1] == max(counts) == 2
    assert counts == [0, 2, 0, 2]
    # Date order: the biggest value takes the first Tuesday and the one a week later.
    assert [r.stops for r in res.routes] == [(1,), (3,), (1,), (3,)]


def test_the_biggest_value_gets_the_most_visits_when_time_allows():
    # Three optional stops, daily runs over one week, 2-day gap: time for one stop a day.
    points = [(1500.0, 0.0), (0.0, 1500.0), (-1500.0, 0.0)]
    values = [300, 900, 600]
    runs = runs_of(1, weekdays=(0, 1, 2, 3, 4))
    p = problem([StopDemand(4 * H, v, 0) for v in values], points, runs=runs, min_gap_days=2)
    res = solve_rota(p)
    check_result(p, res)
    counts = visits_per_stop(p, res)
    assert counts[1] == max(counts)
    assert counts[1] > counts[0]
    assert sum(counts) == len(runs)


def test_zero_value_stops_get_no_extra_visits():
    p = problem([StopDemand(20 * M, 0, 1), StopDemand(20 * M, 0, 0)], grid(2, 1))
    res = solve_rota(p)
    check_result(p, res)
    assert visits_per_stop(p, res) == [1, 0]


def test_same_problem_twice_gives_equal_results():
    points = grid(4, 3, step=1200)
    stops = [StopDemand((15 + 5 * (k % 4)) * M, 50 + 37 * k % 400, 1) for k in range(len(points))]

    def make() -> RotaProblem:
        return problem(stops, points, search_effort=90)

    first, second = solve_rota(make()), solve_rota(make())
    assert first == second
    check_result(make(), first)


def test_runs_with_lunch_inside_fit_their_shift():
    # Dwells of 50-110 min around a real lunch: the rota's runs must time correctly.
    rng = np.random.default_rng(7)
    points = [tuple(map(float, rng.uniform(-6000, 6000, size=2))) for _ in range(10)]
    stops = [StopDemand(int(rng.integers(50, 110)) * M, int(rng.integers(50, 500)), 1)
             for _ in points]  # fmt: skip
    p = problem(stops, points, runs=runs_of(2, vehicles=2))
    res = solve_rota(p)
    check_result(p, res)
    dwell = (0, *(s.dwell_s for s in p.stops))
    lunches = 0
    for route, slot in zip(res.routes, p.runs, strict=True):
        timed = time_run([i + 1 for i in route.stops], dwell_s=dwell, travel_s=p.travel_s,
                         shift=slot.shift)  # fmt: skip
        lunches += timed is not None and timed.lunch is not None
    assert lunches > 0


def test_no_runs_leave_every_required_stop_missing():
    p = problem([StopDemand(20 * M, 100, 1), StopDemand(20 * M, 100, 0)], grid(2, 1), runs=())
    res = solve_rota(p)
    assert res.routes == ()
    assert [(m.stop, m.missing_visits) for m in res.missing] == [(0, 1)]
    assert "no run" in res.missing[0].reason


def test_runs_with_different_shifts_are_refused():
    other = Shift(8 * H, 12 * H, 13 * H, 17 * H)
    runs = (*runs_of(1)[:1], *runs_of(1, shift=other)[1:])
    with pytest.raises(ValueError, match="one shift"):
        solve_rota(problem([StopDemand(20 * M, 100, 1)], [(1000.0, 0.0)], runs=runs))


def test_a_later_fill_pass_trades_an_extra_for_a_better_one():
    # One run; A is required; P (few people) and B (many) each take 4 h, so only one
    # fits beside A. The run comes in holding P as an extra: a pass may drop it for B.
    long = 4 * H
    p = problem(
        [StopDemand(20 * M, 100, 1), StopDemand(long, 10, 0), StopDemand(long, 5000, 0)],
        [(500.0, 0.0), (0.0, 600.0), (0.0, -600.0)],
        runs=runs_of(1, weekdays=(TUE,)),
    )
    r = RotaFacts(p)
    assert r.fits([0, 1]) and r.fits([0, 2]) and not r.fits([0, 1, 2])
    route = rota._fill_run(r, [[0, 1]], 0, [0], {0: 1}, seed=0, time_cap=4.0)
    assert sorted(route) == [0, 2]


def test_the_fill_takes_a_stop_short_of_its_visits_before_any_extra():
    # As above, but P needs a visit Phase A could not place: it comes before B's people.
    long = 4 * H
    p = problem(
        [StopDemand(20 * M, 100, 1), StopDemand(long, 10, 1), StopDemand(long, 5000, 0)],
        [(500.0, 0.0), (0.0, 600.0), (0.0, -600.0)],
        runs=runs_of(1, weekdays=(TUE,)),
    )
    r = RotaFacts(p)
    route = rota._fill_run(r, [[0]], 0, [0], {0: 1, 1: 1}, seed=0, time_cap=4.0)
    assert sorted(route) == [0, 1]
    # P needing no visit, B's people win (the test above).
    assert sorted(rota._fill_run(r, [[0]], 0, [0], {0: 1}, seed=0, time_cap=4.0)) == [0, 2]


def test_progress_is_reported_for_both_phases():
    seen: list[tuple[str, int, int]] = []
    p = problem([StopDemand(20 * M, 100, 1) for _ in range(3)], grid(3, 1))
    solve_rota(p, progress=lambda phase, done, total: seen.append((phase, done, total)))
    phases = [s[0] for s in seen]
    assert phases[0] == "placing required visits"
    steps = rota.FILL_PASSES * len(p.runs)  # every pass goes over every run
    assert seen[-1] == ("adding extra visits", steps, steps)


def test_a_lone_extra_candidate_does_not_wait_for_the_time_cap(caplog):
    # One stop, 2 weeks: run 0 has its required visit; run 2 (a week later) offers it
    # as the only extra, a one-visit request.
    p = problem([StopDemand(20 * M, 100, 1)], [(1000.0, 0.0)], time_cap_s=2.0)
    res = solve_rota(p)
    check_result(p, res)
    assert visits_per_stop(p, res) == [2]
    assert not [r for r in caplog.records if "time cap" in r.getMessage()]


@pytest.mark.parametrize("engine", ["pyvrp", "ortools"])
def test_the_benchmarked_solvers_plan_the_rota(monkeypatch, engine):
    """Phase A is `periodic.solve_periodic` and every route comes from `vrp.solve`
    with the chosen engine: the code `outreach-planner bench` measures."""
    from outreach_planner.optimize import periodic, rota, vrp

    periodic_calls, engines = [], []
    real_periodic, real_solve = periodic.solve_periodic, vrp.solve

    def spy_periodic(pp, **kw):
        periodic_calls.append((pp.days, pp.vehicles, kw["engine"]))
        return real_periodic(pp, **kw)

    def spy_solve(problem, **kw):
        engines.append(kw["engine"])
        return real_solve(problem, **kw)

    monkeypatch.setattr(rota, "solve_periodic", spy_periodic)
    monkeypatch.setattr(vrp, "solve", spy_solve)
    p = problem([StopDemand(20 * M, 100, 2) for _ in range(6)], grid(3, 2), engine=engine)
    res = solve_rota(p)
    check_result(p, res)
    assert res.missing == ()
    assert periodic_calls == [(4, 1, engine)]  # 4 run dates, 1 vehicle each
    assert engines and set(engines) == {engine}


def test_a_stop_pinned_to_the_afternoon_is_visited_after_lunch():
    # Stop 0 may broadcast only 14:00-16:00; the others any time.
    afternoon = StopDemand(30 * M, 100, 1, window=(14 * H, 16 * H))
    p = problem([afternoon] + [StopDemand(30 * M, 100, 1) for _ in range(5)], grid(3, 2))
    res = solve_rota(p)
    check_result(p, res)
    assert res.missing == ()
    for route in res.routes:
        if 0 in route.stops:
            timed = time_run(
                [i + 1 for i in route.stops],
                dwell_s=(0, *(s.dwell_s for s in p.stops)),
                travel_s=p.travel_s,
                shift=OFFICE,
                windows={1: (14 * H, 16 * H)},
            )
            assert timed is not None
            start = next(v.dwell_start_s for v in timed.visits if v.node == 1)
            assert 14 * H <= start <= 16 * H - 30 * M


def test_patterns_list_every_choice_of_dates_the_gap_allows():
    from outreach_planner.optimize.rota import _patterns

    dates = [1, 4, 8, 11]  # Tuesdays and Fridays of two weeks
    assert _patterns([0, 1, 2, 3], dates, 2, 7) == ((0, 2), (0, 3), (1, 3))
    assert _patterns([0, 1, 2, 3], dates, 1, 7) == ((0,), (1,), (2,), (3,))
    assert _patterns([1, 2], dates, 2, 7) == ()  # pinned to dates too close together
    assert _patterns([0, 1], dates, 0, 7) == ((),)


def test_patterns_of_a_long_horizon_stay_few_and_valid():
    from outreach_planner.optimize.rota import MAX_PATTERNS, _patterns

    dates = [d for week in range(52) for d in (7 * week + 1, 7 * week + 4)]
    days = list(range(len(dates)))
    pats = _patterns(days, dates, 20, 14)  # C(104, 20) choices: far too many to list
    assert 0 < len(pats) <= MAX_PATTERNS
    for p in pats:
        assert len(p) == 20
        assert all(dates[b] - dates[a] >= 14 for a, b in itertools.pairwise(p))


def test_a_shift_without_lunch_lets_a_dwell_run_through_midday():
    # Three 2 h 40 dwells fill 07:00-17:00 only if one runs through 11:30: with no
    # lunch (a zero-length break) nothing stops it.
    no_lunch = Shift(7 * H, 11 * H + 30 * M, 11 * H + 30 * M, 17 * H)
    runs = (RunSlot(MONDAY + dt.timedelta(days=1), 1, 1, no_lunch),)
    t = np.full((4, 4), 10 * M, dtype=np.int64)
    np.fill_diagonal(t, 0)
    t.setflags(write=False)
    p = RotaProblem(stops=tuple(StopDemand(160 * M, 1000, 0) for _ in range(3)), runs=runs,
                    travel_s=t, search_effort=50)  # fmt: skip
    res = solve_rota(p)
    assert sorted(res.routes[0].stops) == [0, 1, 2]


def test_a_date_short_of_a_vehicle_is_refused():
    runs = runs_of(1, vehicles=2)[:-1]  # Friday has vehicle 1 only
    with pytest.raises(ValueError, match="each vehicle 1..2"):
        solve_rota(problem([StopDemand(20 * M, 100, 1)], [(1000.0, 0.0)], runs=runs))


@pytest.mark.parametrize("min_visits", [1, 0])
def test_ortools_plans_a_lone_stop_without_running_to_the_time_cap(caplog, min_visits):
    # One stop with one dwell span: an OR-Tools model of one client, where guided local
    # search has no move and would never count another solution (it hung, or spent
    # the whole cap, before the engine switched to greedy descent there).
    stop = StopDemand(20 * M, 100, min_visits, window=(14 * H, 17 * H))
    p = problem([stop], [(1000.0, 0.0)], engine="ortools", time_cap_s=20.0)
    with caplog.at_level("WARNING", logger="outreach_planner"):
        res = solve_rota(p)
    check_result(p, res)
    # Every run: the stop or nothing; a visit a week (the 7-day gap) is the most it can
    # get over 2 weeks, and the fill gives it that much: 2 of the 4 runs.
    assert {route.stops for route in res.routes} <= {(0,), ()}
    assert sum(route.stops == (0,) for route in res.routes) == 2
    assert not [r for r in caplog.records if "time cap" in r.getMessage()]
