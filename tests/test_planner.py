"""The whole pipeline on the tiny data set: load_inputs + make_plan, checked by plan_checks."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from plan_checks import check_plan, read_rules

from outreach_planner.errors import InputError
from outreach_planner.io.plan_json import plan_to_json
from outreach_planner.planner import horizon_runs, load_inputs, make_plan
from outreach_planner.settings import Settings, load_settings

HERE = Path(__file__).parent
TINY = HERE / "data" / "tiny"


def rules(**toml_keys):
    """The rules of the tiny inputs, with settings changed as in a TOML file."""
    return read_rules(TINY / "settings.toml", **toml_keys)


def tiny_settings(**changes) -> Settings:
    s = load_settings(TINY / "settings.toml")
    return s.replace(**changes) if changes else s


def plan_json(settings: Settings) -> dict:
    return plan_to_json(make_plan(settings, load_inputs(settings)))


def write_programme(folder: Path, minutes_vi: float, minutes_mnong: float = 3) -> Path:
    path = folder / "programme.toml"
    path.write_text(
        'title = "Test programme"\n\n'
        f'[[items]]\ntitle = "Vietnamese"\nlanguage = "vi"\nminutes = {minutes_vi}\n\n'
        f'[[items]]\ntitle = "M\'Nông"\nlanguage = "mnong"\nminutes = {minutes_mnong}\n',
        encoding="utf-8",
    )
    return path


# --------------------------------------------------------------------------- the tiny plan


def test_tiny_settings_are_what_the_tests_assume():
    s = tiny_settings()
    assert s.start == dt.date(2026, 12, 7)
    assert s.start.weekday() == 0  # a Monday
    assert s.weeks == 2
    assert s.weekdays == (1, 4)
    assert s.vehicles == 1


def test_tiny_plan_passes_the_independent_checks():
    plan = plan_json(tiny_settings())
    errors = check_plan(plan, rules())
    assert errors == []
    assert plan["format"] == "outreach-planner/plan"
    assert len(plan["runs"]) == 4
    # Every village is in some stop, every stop is visited, nothing is left out.
    assert plan["unassigned"] == []
    assert all(st["visits"] >= st["min_visits"] == 1 for st in plan["stops"])
    assert plan["summary"]["stops_visited"] == len(plan["stops"])
    visits = sum(len(r["visits"]) for r in plan["runs"])
    assert plan["summary"]["visits"] == visits
    assert sum(st["visits"] for st in plan["stops"]) == visits


@pytest.mark.parametrize("engine", ["pyvrp", "ortools"])
@pytest.mark.parametrize("vehicles", [1, 2])
def test_either_engine_gives_a_plan_that_passes_the_checks(engine, vehicles):
    plan = plan_json(tiny_settings(engine=engine, vehicles=vehicles, min_visits=2))
    assert check_plan(plan, rules(vehicles=vehicles, min_visits=2)) == []
    assert plan["unassigned"] == []
    assert plan["settings"]["engine"] == engine
    assert len(plan["runs"]) == 4 * vehicles


def test_tiny_plan_times_are_local_with_the_offset():
    plan = plan_json(tiny_settings())
    for run in plan["runs"]:
        assert run["depart"] == f"{run['date']}T07:00:00+07:00"
        for v in run["visits"]:
            for key in ("arrival", "start", "end", "depart"):
                assert v[key].startswith(run["date"] + "T")
                assert v[key].endswith("+07:00")
                assert dt.datetime.fromisoformat(v[key]).second == 0  # whole minutes


def test_tiny_plan_broadcast_lengths_follow_the_programme():
    plan = plan_json(tiny_settings())
    stops = {st["id"]: st for st in plan["stops"]}
    for run in plan["runs"]:
        for v in run["visits"]:
            st = stops[v["stop_id"]]
            start, end = (dt.datetime.fromisoformat(v[k]) for k in ("start", "end"))
            arrival = dt.datetime.fromisoformat(v["arrival"])
            # Setup (4 min) comes before the broadcast; the dwell is whole minutes.
            assert (start - arrival).total_seconds() >= 4 * 60
            assert (end - start).total_seconds() >= st["programme_s"]
            assert st["dwell_s"] == st["programme_s"] + 4 * 60
    # The M'Nông items play only at stops with M'Nông speakers.
    longer = {sid for sid, st in stops.items() if "mnong" in st["languages"]}
    assert longer
    for sid, st in stops.items():
        if sid in longer:
            assert st["programme_s"] == min(s["programme_s"] for s in stops.values()) + 180


def test_same_settings_twice_give_the_same_plan():
    s = tiny_settings()
    assert plan_json(s) == plan_json(s)


def test_same_plan_with_another_load_of_the_inputs():
    s = tiny_settings()
    first = plan_to_json(make_plan(s, load_inputs(s)))
    again = plan_to_json(make_plan(tiny_settings(), load_inputs(tiny_settings())))
    assert first == again


# --------------------------------------------------------------------------- the horizon


def test_horizon_runs_are_tuesdays_and_fridays_of_two_weeks():
    s = tiny_settings()
    runs = horizon_runs(s, s.start_date())
    assert [r.date for r in runs] == [
        dt.date(2026, 12, 8), dt.date(2026, 12, 11), dt.date(2026, 12, 15), dt.date(2026, 12, 18),
    ]  # fmt: skip
    assert [r.day for r in runs] == [1, 4, 8, 11]
    assert [r.vehicle for r in runs] == [1, 1, 1, 1]
    assert {r.date.weekday() for r in runs} == {1, 4}
    assert {r.shift for r in runs} == {runs[0].shift}
    shift = runs[0].shift
    assert (shift.start_s, shift.lunch_start_s, shift.lunch_end_s, shift.end_s) == (
        7 * 3600, 11 * 3600 + 1800, 13 * 3600 + 1800, 17 * 3600,
    )  # fmt: skip


def test_horizon_runs_in_date_then_vehicle_order():
    s = tiny_settings(vehicles=2)
    runs = horizon_runs(s, s.start_date())
    assert [(r.date.day, r.vehicle) for r in runs] == [
        (8, 1), (8, 2), (11, 1), (11, 2), (15, 1), (15, 2), (18, 1), (18, 2),
    ]  # fmt: skip


def test_plan_runs_match_the_horizon():
    plan = plan_json(tiny_settings())
    assert [r["date"] for r in plan["runs"]] == [
        "2026-12-08", "2026-12-11", "2026-12-15", "2026-12-18",
    ]  # fmt: skip
    assert [r["weekday"] for r in plan["runs"]] == ["tuesday", "friday"] * 2
    assert [r["id"] for r in plan["runs"]] == [r["date"] for r in plan["runs"]]


def test_empty_weekdays_are_refused():
    with pytest.raises(InputError, match="weekday"):
        tiny_settings(weekdays=())


def test_a_horizon_without_runs_cannot_be_planned():
    # Bypass the settings check: make_plan itself refuses a horizon with no run.
    s = dataclasses.replace(tiny_settings(), weekdays=())
    assert horizon_runs(s, s.start_date()) == ()
    with pytest.raises(InputError, match="weekdays"):
        make_plan(s, load_inputs(s))


def test_one_week_from_a_saturday_still_has_tuesday_and_friday():
    saturday = dt.date(2026, 12, 12)
    assert saturday.weekday() == 5
    s = tiny_settings(start=saturday, weeks=1)
    runs = horizon_runs(s, s.start_date())
    assert [r.date for r in runs] == [dt.date(2026, 12, 15), dt.date(2026, 12, 18)]
    assert [r.day for r in runs] == [3, 6]
    plan = plan_json(s)
    assert plan["start"] == "2026-12-12"
    assert [r["date"] for r in plan["runs"]] == ["2026-12-15", "2026-12-18"]
    assert check_plan(plan, rules(start="2026-12-12", weeks=1)) == []


def test_every_weekday_of_one_week_falls_in_the_horizon():
    for start_day in range(7):
        start = dt.date(2026, 12, 7) + dt.timedelta(days=start_day)
        s = tiny_settings(start=start, weeks=1, weekdays=tuple(range(7)))
        runs = horizon_runs(s, s.start_date())
        assert len(runs) == 7
        assert sorted(r.date.weekday() for r in runs) == list(range(7))
        assert runs[0].date == start


def test_default_start_is_the_monday_after_today():
    s = dataclasses.replace(tiny_settings(), start=None)
    assert s.start_date(dt.date(2026, 12, 9)) == dt.date(2026, 12, 14)  # a Wednesday
    assert s.start_date(dt.date(2026, 12, 7)) == dt.date(2026, 12, 14)  # a Monday


# --------------------------------------------------------------------------- programme length


def test_a_programme_longer_than_the_longest_span_is_an_input_error(tmp_path):
    # The longest span is the morning, 4 h 30; with 4 min setup 267 min is one too many.
    s = tiny_settings(programme=write_programme(tmp_path, 267))
    with pytest.raises(InputError) as info:
        load_inputs(s)
    assert any(p.field == "items" for p in info.value.problems)
    assert "270 min" in str(info.value)


def test_a_programme_that_just_fits_the_longest_span_is_accepted(tmp_path):
    # M'Nông stops hear both parts: 263 + 3 min + 4 min setup = 270 min, the morning.
    s = tiny_settings(programme=write_programme(tmp_path, 263, minutes_mnong=3))
    inputs = load_inputs(s)
    assert max(st.dwell_s for st in inputs.stops) == 270 * 60
    assert min(st.dwell_s for st in inputs.stops) == 267 * 60


def test_a_long_programme_against_shorter_working_hours(tmp_path):
    s = tiny_settings(
        programme=write_programme(tmp_path, 100),
        work_start_s=8 * 3600, lunch_start_s=9 * 3600 + 30 * 60,
        lunch_end_s=10 * 3600, work_end_s=11 * 3600 + 30 * 60,
    )  # fmt: skip
    with pytest.raises(InputError):
        load_inputs(s)


def test_long_minority_language_items_are_an_input_error(tmp_path):
    # Vietnamese alone fits (4 h 20 with setup); stops that also hear M'Nông need 4 h 50,
    # which no working span holds: no run could ever visit them.
    s = tiny_settings(programme=write_programme(tmp_path, 256, minutes_mnong=30))
    with pytest.raises(InputError) as info:
        load_inputs(s)
    assert "mnong" in str(info.value)
    assert "270 min" in str(info.value)


def test_a_programme_that_just_fits_plans_cleanly(tmp_path):
    s = tiny_settings(programme=write_programme(tmp_path, 200, minutes_mnong=3), time_cap_s=2)
    plan = plan_json(s)
    assert check_plan(plan, rules(programme=tmp_path / "programme.toml")) == []
    # A 3 h 27+ dwell: one stop a run, before lunch; the rest are reported, not dropped.
    for run in plan["runs"]:
        assert len(run["visits"]) <= 1
    visited = sum(1 for st in plan["stops"] if st["visits"])
    assert visited + len(plan["unassigned"]) >= len(plan["stops"])


def test_two_visits_a_stop_over_two_weeks():
    s = tiny_settings(min_visits=2, time_cap_s=2)
    plan = plan_json(s)
    assert check_plan(plan, rules(min_visits=2)) == []
    assert plan["unassigned"] == []
    assert all(st["visits"] == 2 for st in plan["stops"])
