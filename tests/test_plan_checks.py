"""The plan checker itself (tests/plan_checks.py): it takes its rules from the inputs, so a
plan that breaks them is caught even when plan.json says otherwise about itself."""

from __future__ import annotations

import copy
import csv
import datetime as dt
from pathlib import Path

import pytest
from plan_checks import check_plan, read_rules

from outreach_planner.io.plan_json import plan_to_json
from outreach_planner.planner import load_inputs, make_plan
from outreach_planner.settings import load_settings
from outreach_planner.stop_edits import init_stops

TINY = Path(__file__).parent / "data" / "tiny"


def _plan(**changes) -> dict:
    settings = load_settings(TINY / "settings.toml")
    settings = settings.replace(**changes) if changes else settings
    return plan_to_json(make_plan(settings, load_inputs(settings)))


@pytest.fixture(scope="module")
def tiny_plan() -> dict:
    return _plan()


@pytest.fixture
def plan(tiny_plan: dict) -> dict:
    return copy.deepcopy(tiny_plan)


RULES = read_rules(TINY / "settings.toml")


def _shift(text: str, minutes: int) -> str:
    return (dt.datetime.fromisoformat(text) + dt.timedelta(minutes=minutes)).isoformat()


def _first_visit(plan: dict) -> tuple[dict, dict]:
    run = next(r for r in plan["runs"] if r["visits"])
    return run, run["visits"][0]


def test_the_tiny_plan_passes(plan: dict) -> None:
    assert check_plan(plan, RULES) == []
    assert sum(len(r["visits"]) for r in plan["runs"]) >= 5


def test_a_faster_speed_written_into_plan_json_does_not_hide_fast_legs() -> None:
    fast = _plan(speed_kmh=60.0)
    fast["settings"]["speed_kmh"] = 60.0  # what the plan says about itself
    errors = check_plan(fast, RULES)
    assert any("s is shorter than" in e for e in errors), errors


def test_no_detour_is_caught() -> None:
    errors = check_plan(_plan(detour_factor=1.0), RULES)
    assert any("m is shorter than" in e for e in errors), errors


def test_working_hours_come_from_the_settings_not_the_plan() -> None:
    early = _plan(work_start_s=6 * 3600)
    early["settings"]["working_hours"] = ["06:00-11:30", "13:30-17:00"]
    errors = check_plan(early, RULES)
    assert any("before work starts" in e for e in errors), errors


def test_a_broadcast_ending_after_work_is_caught(plan: dict) -> None:
    run = next(r for r in plan["runs"] if r["visits"])
    last = run["visits"][-1]
    late = dt.datetime.fromisoformat(last["start"]).replace(hour=16, minute=58)
    shift = int((late - dt.datetime.fromisoformat(last["start"])).total_seconds() // 60)
    for key in ("arrival", "start", "end", "depart"):
        last[key] = _shift(last[key], shift)
    run["return"] = _shift(run["return"], shift)
    errors = check_plan(plan, RULES)
    assert any("outside working hours" in e for e in errors), errors
    assert any("after the end of the day" in e for e in errors), errors


def test_a_halved_programme_is_caught_whatever_programme_s_says(plan: dict) -> None:
    for st in plan["stops"]:
        st["programme_s"] //= 2
        st["dwell_s"] = st["programme_s"] + 240
    for run in plan["runs"]:
        for v in run["visits"]:
            st = next(s for s in plan["stops"] if s["id"] == v["stop_id"])
            end = dt.datetime.fromisoformat(v["start"]) + dt.timedelta(seconds=st["programme_s"])
            v["end"] = v["depart"] = end.isoformat()
    errors = check_plan(plan, RULES)
    assert any("shorter than the" in e and "of its programme" in e for e in errors), errors
    assert any("programme_s" in e for e in errors), errors


def test_a_shorter_programme_file_than_the_inputs_is_caught(tmp_path: Path) -> None:
    short = tmp_path / "programme.toml"
    short.write_text('title = "Short"\n[[items]]\ntitle = "News"\nminutes = 4\n', encoding="utf-8")
    errors = check_plan(_plan(programme=short), RULES)
    assert any("of its programme" in e for e in errors), errors


def test_items_with_dates_count_only_on_their_dates(tmp_path: Path) -> None:
    # Both ends are inclusive: the campaign plays on 2026-12-15, its last day, and the
    # notice from its first day, 2026-12-15 (the tiny plan visits every stop on the 8th
    # and again on the 15th).
    programme = tmp_path / "programme.toml"
    programme.write_text(
        'title = "Dated"\n[[items]]\ntitle = "News"\nminutes = 5\n'
        '[[items]]\ntitle = "Campaign"\nminutes = 10\nuntil = 2026-12-15\n'
        '[[items]]\ntitle = "Notice"\nminutes = 2\nfrom = 2026-12-15\n',
        encoding="utf-8",
    )
    plan = _plan(programme=programme)
    rules = read_rules(TINY / "settings.toml", programme=programme)
    assert rules.programme_s({"vi"}, dt.date(2026, 12, 8)) == 15 * 60
    assert rules.programme_s({"vi"}, dt.date(2026, 12, 15)) == 17 * 60
    assert rules.programme_s({"vi"}, dt.date(2026, 12, 18)) == 7 * 60
    assert check_plan(plan, rules) == []
    played = {(r["date"], v["programme_s"]) for r in plan["runs"] for v in r["visits"]}
    assert {("2026-12-08", 900), ("2026-12-15", 1020)} <= played
    run = next(r for r in plan["runs"] if r["date"] == "2026-12-15" and r["visits"])
    v = run["visits"][0]
    v["end"] = v["depart"] = _shift(v["end"], -2)
    assert any("of its programme" in e for e in check_plan(plan, rules))


def test_the_checker_reads_text_and_audio_items_itself() -> None:
    # Tiny programme: 3 s of WAV, 27 syllables at 233/min, 5 min vi, 3 min M'Nông.
    assert RULES.programme_s({"vi"}) == pytest.approx(3 + 27 * 60 / 233 + 300)
    assert RULES.programme_s({"vi", "mnong"}) == pytest.approx(3 + 27 * 60 / 233 + 480)


def test_a_broadcast_during_lunch_is_caught(plan: dict) -> None:
    run, v = _first_visit(plan)
    run["visits"] = [v]
    moved = dt.datetime.fromisoformat(v["start"]).replace(hour=11, minute=27)
    shift = int((moved - dt.datetime.fromisoformat(v["start"])).total_seconds() // 60)
    for key in ("arrival", "start", "end", "depart"):
        v[key] = _shift(v[key], shift)
    run["return"] = _shift(v["depart"], 60 * 3)
    errors = check_plan(plan, RULES)
    assert any("overlaps lunch" in e for e in errors), errors


def test_a_leg_shorter_than_its_own_travel_s_is_caught(plan: dict) -> None:
    run, v = _first_visit(plan)
    v["leg"]["travel_s"] += 30 * 60  # says 30 minutes more than the timetable drives
    errors = check_plan(plan, RULES)
    assert any("drive of" in e for e in errors), errors


def test_a_leg_faster_than_the_straight_line_is_caught(plan: dict) -> None:
    run, v = _first_visit(plan)
    v["leg"]["travel_s"] = 1
    v["leg"]["distance_m"] = 1
    errors = check_plan(plan, RULES)
    assert any("1 s is shorter" in e for e in errors), errors
    assert any("1 m is shorter" in e for e in errors), errors


def test_two_runs_on_a_date_with_one_vehicle_are_caught(plan: dict) -> None:
    plan["runs"].append(copy.deepcopy(plan["runs"][0]) | {"id": plan["runs"][0]["id"] + "-2"})
    errors = check_plan(plan, RULES)
    assert any("2 runs for 1 vehicle" in e for e in errors), errors
    assert check_plan(plan, read_rules(TINY / "settings.toml", vehicles=2)) != errors


def test_a_run_on_another_weekday_or_outside_the_horizon_is_caught(plan: dict) -> None:
    run = plan["runs"][0]
    wednesday = "2026-12-09"
    run["date"] = wednesday
    for key in ("depart", "return"):
        run[key] = run[key].replace("2026-12-08", wednesday)
    for v in run["visits"]:
        for key in ("arrival", "start", "end", "depart"):
            v[key] = v[key].replace("2026-12-08", wednesday)
    errors = check_plan(plan, RULES)
    assert any("wednesday is not a working weekday" in e for e in errors), errors
    assert any("outside the horizon" in e for e in check_plan(plan, read_rules(
        TINY / "settings.toml", start="2026-12-10")))  # fmt: skip


def test_visits_closer_than_the_minimum_gap_are_caught(plan: dict) -> None:
    first, second = plan["runs"][0], plan["runs"][1]  # Tuesday and Friday of one week
    assert first["visits"]
    second["visits"] = [*second["visits"], copy.deepcopy(first["visits"][0])]
    errors = check_plan(plan, RULES)
    assert any("closer than 7 days" in e for e in errors), errors


def test_a_stop_without_its_visits_or_a_reason_is_caught(plan: dict) -> None:
    for run in plan["runs"]:
        run["visits"] = [v for v in run["visits"] if v["stop_id"] != "S-B-1"]
    assert "S-B-1: 0 visits < 1, no reason" in check_plan(plan, RULES)
    plan["stops"] = [dict(st, min_visits=0) for st in plan["stops"]]  # the plan's own claim
    assert "S-B-1: 0 visits < 1, no reason" in check_plan(plan, RULES)
    plan["unassigned"] = [{"stop_id": "S-B-1", "missing_visits": 1, "reason": "too far"}]
    assert not [e for e in check_plan(plan, RULES) if "visits <" in e]


# --------------------------------------------------------------------------- the stop list


def _stop_list(tmp_path: Path, **cells: dict[str, str]) -> Path:
    """stops.csv of the tiny data (as `stops init` writes it) with some cells changed."""
    path = tmp_path / "stops.csv"
    init_stops(load_settings(TINY / "settings.toml"), path, force=True)
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        row.update(cells.get(row["id"], {}))
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def _visits_of(plan: dict, sid: str) -> list[tuple[str, dict]]:
    return [(r["date"], v) for r in plan["runs"] for v in r["visits"] if v["stop_id"] == sid]


def test_the_checker_reads_the_stop_list(plan: dict, tmp_path: Path) -> None:
    rules = read_rules(TINY / "settings.toml", stops=_stop_list(tmp_path))
    assert set(rules.stops or {}) == {s["id"] for s in plan["stops"]}
    assert check_plan(plan, rules) == []


def test_a_broadcast_outside_its_window_is_caught(plan: dict, tmp_path: Path) -> None:
    (date, v), *_ = _visits_of(plan, "S-A-3")
    start = dt.datetime.fromisoformat(v["start"])
    after = (start + dt.timedelta(minutes=1)).strftime("%H:%M")
    before = (dt.datetime.fromisoformat(v["end"]) - dt.timedelta(minutes=1)).strftime("%H:%M")
    late = read_rules(TINY / "settings.toml", stops=_stop_list(
        tmp_path, **{"S-A-3": {"earliest": after}}))  # fmt: skip
    assert any("S-A-3: broadcast starts" in e for e in check_plan(plan, late))
    early = read_rules(TINY / "settings.toml", stops=_stop_list(
        tmp_path, **{"S-A-3": {"latest": before}}))  # fmt: skip
    assert any("S-A-3: broadcast ends" in e for e in check_plan(plan, early))


def test_a_visit_against_a_pin_is_caught(plan: dict, tmp_path: Path) -> None:
    (date, _), *_ = _visits_of(plan, "S-A-3")
    weekday = dt.date.fromisoformat(date).strftime("%A").lower()
    other = "friday" if weekday == "tuesday" else "tuesday"
    pinned = read_rules(TINY / "settings.toml", stops=_stop_list(
        tmp_path, **{"S-A-3": {"pin_weekdays": other}}))  # fmt: skip
    assert any("S-A-3: visited on a" in e for e in check_plan(plan, pinned))
    dated = read_rules(TINY / "settings.toml", stops=_stop_list(
        tmp_path, **{"S-A-3": {"pin_dates": "2026-12-18"}}))  # fmt: skip
    assert any("not one of its pinned dates" in e for e in check_plan(plan, dated)) == (
        date != "2026-12-18"
    )


def test_a_visit_to_a_disabled_stop_is_caught(plan: dict, tmp_path: Path) -> None:
    (date, _), *_ = _visits_of(plan, "S-A-3")
    rules = read_rules(TINY / "settings.toml", stops=_stop_list(
        tmp_path, **{"S-A-3": {"enabled": "no"}}))  # fmt: skip
    assert any("S-A-3: disabled" in e for e in check_plan(plan, rules))
    # Runs before today are the record of what was done.
    after = dt.date.fromisoformat(max(d for d, _ in _visits_of(plan, "S-A-3")))
    assert check_plan(plan, rules, today=after + dt.timedelta(days=1)) == []


def test_extra_dwell_of_the_stop_list_is_required(plan: dict, tmp_path: Path) -> None:
    rules = read_rules(TINY / "settings.toml", stops=_stop_list(
        tmp_path, **{"S-A-3": {"extra_dwell_min": "10"}}))  # fmt: skip
    assert any("S-A-3" in e and "of its programme" in e for e in check_plan(plan, rules))
