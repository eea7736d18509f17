"""calendar.ics, read back with icalendar and compared with plan.json."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest
from conftest import plan_with_village_names
from icalendar import Calendar

from outreach_planner.labels import Labels
from outreach_planner.outputs import write_outputs
from outreach_planner.planner import load_inputs, make_plan
from outreach_planner.render.calendar import render_calendar
from outreach_planner.settings import Settings

TINY = Path(__file__).parent / "data" / "tiny"


def _time(iso: str) -> dt.datetime:
    return dt.datetime.fromisoformat(iso)


def _events(data: bytes) -> list:
    return Calendar.from_ical(data).walk("VEVENT")


def test_calendar_reads_back_to_the_visits_and_times_of_plan_json(tiny_kit: Path) -> None:
    plan = json.loads((tiny_kit / "plan.json").read_text(encoding="utf-8"))
    stops = {s["id"]: s for s in plan["stops"]}
    cal = Calendar.from_ical((tiny_kit / "calendar.ics").read_bytes())
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Asia/Ho_Chi_Minh"]
    events = cal.walk("VEVENT")
    runs = {str(e["UID"]): e for e in events if str(e["UID"]).startswith("run-")}
    visits = [e for e in events if str(e["UID"]).startswith("visit-")]
    assert len(runs) == len(plan["runs"])
    expected = [(r, v) for r in plan["runs"] for v in r["visits"]]
    assert len(visits) == len(expected)
    for event, (run, visit) in zip(visits, expected, strict=True):
        assert str(event["SUMMARY"]) == visit["stop_name"]
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert (start, end) == (_time(visit["start"]), _time(visit["end"]))
        assert str(start.tzinfo) == "Asia/Ho_Chi_Minh"
        assert event["DTSTART"].params["TZID"] == "Asia/Ho_Chi_Minh"
        stop = stops[visit["stop_id"]]
        geo = event["GEO"]
        assert (geo.latitude, geo.longitude) == pytest.approx((stop["lat"], stop["lon"]))
        assert f"{stop['lat']:.6f},{stop['lon']:.6f}" in str(event["LOCATION"])
        description = str(event["DESCRIPTION"])
        assert f"{visit['start'][11:16]}–{visit['end'][11:16]}" in description
        assert all(name in description for name in stop["village_names"])
        vehicle = run["vehicle"]
        assert str(event["UID"]) == (
            f"visit-{run['date']}-{vehicle}-{visit['stop_id']}@outreach-planner"
        )
    for run in plan["runs"]:
        event = runs[f"run-{run['date']}-{run['vehicle']}@outreach-planner"]
        assert event.decoded("DTSTART") == _time(run["depart"])
        assert event.decoded("DTEND") == _time(run["return"])
        assert all(v["stop_name"] in str(event["DESCRIPTION"]) for v in run["visits"])


def test_uids_are_unique_and_stable_and_the_file_repeats_exactly(
    tiny_kit: Path, tiny_settings: Settings, tmp_path: Path
) -> None:
    first = (tiny_kit / "calendar.ics").read_bytes()
    uids = [str(e["UID"]) for e in _events(first)]
    assert len(uids) == len(set(uids))
    write_outputs(make_plan(tiny_settings, load_inputs(tiny_settings)), tmp_path)
    again = (tmp_path / "calendar.ics").read_bytes()
    assert [str(e["UID"]) for e in _events(again)] == uids
    assert again == first  # no time stamp of the moment: the same plan, the same bytes


def test_english_summaries(tiny_settings: Settings) -> None:
    plan = make_plan(tiny_settings, load_inputs(tiny_settings))
    summaries = [str(e["SUMMARY"]) for e in _events(render_calendar(plan, Labels("en")))]
    assert any(s.startswith("Run — Vehicle 1:") for s in summaries)


def test_names_from_input_stay_text(tmp_path: Path, tiny_settings: Settings) -> None:
    hostile = {
        "A-1": "<script>alert(1)</script>",  # markup
        "A-3": "Thôn 3\r\nEND:VEVENT\r\nBEGIN:VEVENT",  # line breaks starting new components
        "A-4": "Bon A; B, C \\ D",  # iCalendar's separators and escape character
        "B-1": "Bell\x07 rings",  # a control character text may not hold
    }
    plan = plan_with_village_names(tiny_settings, tmp_path, hostile)
    data = render_calendar(plan, Labels("vi"))
    events = _events(data)
    assert len(events) == len(plan.runs) + sum(len(r.visits) for r in plan.runs)
    assert data.count(b"\r\nBEGIN:VEVENT\r\n") == len(events)  # no line of a name begins one
    summaries = {
        str(e["UID"]).split("-", 5)[-1].split("@")[0]: str(e["SUMMARY"])
        for e in events
        if str(e["UID"]).startswith("visit-")
    }
    assert summaries["S-A-1"].startswith("<script>alert(1)</script>")
    assert summaries["S-A-3"].startswith("Thôn 3\nEND:VEVENT\nBEGIN:VEVENT")
    assert summaries["S-A-4"].startswith("Bon A; B, C \\ D")
    assert summaries["S-B-1"].startswith("Bell  rings")


# --------------------------------------------------------------------------- updates


def _by_uid(data: bytes) -> dict:
    return {str(e["UID"]): e for e in _events(data)}


def _changed_plan(plan, *, drop: int = 0, later_min: int = 0):
    """`plan` with visit `drop` of the first run gone, or its last visit `later_min` later."""
    run = plan.runs[0]
    visits = list(run.visits)
    if later_min:
        shift = dt.timedelta(minutes=later_min)
        last = visits[-1]
        visits[-1] = dataclasses.replace(
            last, arrival=last.arrival + shift, start=last.start + shift, end=last.end + shift,
            depart=last.depart + shift,
        )  # fmt: skip
    else:
        del visits[drop]
    runs = (dataclasses.replace(run, visits=tuple(visits)), *plan.runs[1:])
    return dataclasses.replace(plan, runs=runs)


@pytest.fixture(scope="module")
def tiny_plan(tiny_settings: Settings):
    return make_plan(tiny_settings, load_inputs(tiny_settings))


def test_replacing_a_calendar_with_the_same_plan_changes_no_byte(tiny_plan) -> None:
    first = render_calendar(tiny_plan, Labels("vi"))
    assert render_calendar(tiny_plan, Labels("vi"), first) == first
    assert b"SEQUENCE" not in first and b"CANCELLED" not in first


def test_a_retimed_visit_gets_the_next_sequence_the_rest_none(tiny_plan) -> None:
    first = render_calendar(tiny_plan, Labels("vi"))
    second = render_calendar(_changed_plan(tiny_plan, later_min=20), Labels("vi"), first)
    moved = tiny_plan.runs[0].visits[-1]
    changed = {uid for uid, e in _by_uid(second).items() if "SEQUENCE" in e}
    run_uid = f"run-{tiny_plan.runs[0].date}-1@outreach-planner"
    visit_uid = f"visit-{tiny_plan.runs[0].date}-1-{moved.stop.id}@outreach-planner"
    assert changed == {visit_uid, run_uid}  # the run's description lists the new time
    assert all(int(_by_uid(second)[u]["SEQUENCE"]) == 1 for u in changed)
    # Replaced again by the same plan: nothing more changed, the sequence stays.
    assert render_calendar(_changed_plan(tiny_plan, later_min=20), Labels("vi"), second) == second


def test_a_dropped_visit_is_kept_as_cancelled(tiny_plan) -> None:
    first = render_calendar(tiny_plan, Labels("vi"))
    gone = tiny_plan.runs[0].visits[0]
    second = render_calendar(_changed_plan(tiny_plan, drop=0), Labels("vi"), first)
    events = _by_uid(second)
    uid = f"visit-{tiny_plan.runs[0].date}-1-{gone.stop.id}@outreach-planner"
    assert str(events[uid]["STATUS"]) == "CANCELLED" and int(events[uid]["SEQUENCE"]) == 1
    assert events[uid].decoded("DTSTART") == gone.start
    assert len(events) == len(_by_uid(first))  # nothing else added or lost
    # It stays cancelled, at the same sequence, on the next identical re-plan.
    assert render_calendar(_changed_plan(tiny_plan, drop=0), Labels("vi"), second) == second
    # Planned again, it comes back with a higher sequence.
    third = render_calendar(tiny_plan, Labels("vi"), second)
    assert "STATUS" not in _by_uid(third)[uid] and int(_by_uid(third)[uid]["SEQUENCE"]) == 2


def test_events_before_the_new_plan_are_not_carried(tiny_plan, tiny_settings) -> None:
    first = render_calendar(tiny_plan, Labels("vi"))
    later = make_plan(
        tiny_settings.replace(start=tiny_plan.start + dt.timedelta(days=7)),
        load_inputs(tiny_settings),
    )
    events = _by_uid(render_calendar(later, Labels("vi"), first))
    first_day = later.start
    assert all(e.decoded("DTSTART").date() >= first_day for e in events.values())


@pytest.mark.parametrize("damaged", [b"", b"not a calendar", b"BEGIN:VCALENDAR\r\nBEGIN:VEV"])
def test_a_damaged_previous_calendar_is_ignored(tiny_plan, damaged: bytes) -> None:
    assert render_calendar(tiny_plan, Labels("vi"), damaged) == render_calendar(
        tiny_plan, Labels("vi")
    )


def _with_event_lines(calendar: bytes, uid: str, lines: list[bytes]) -> bytes:
    """`calendar` with `lines` added to the event `uid` (and that event's UID kept)."""
    marker = b"UID:" + uid.encode() + b"\r\n"
    assert marker in calendar
    return calendar.replace(marker, marker + b"".join(line + b"\r\n" for line in lines))


@pytest.mark.parametrize(
    "lines",
    [
        [b"DTSTART:garbage"],  # an unreadable start
        [b"DTSTART:20261208T070000"],  # a second start
        [b"SEQUENCE:abc"],  # a sequence that is no number
        [b"DTEND:garbage"],  # an unreadable end
        [b"GEO:north;east"],  # an unreadable position
    ],
)
def test_a_damaged_event_of_the_previous_calendar_costs_only_its_history(
    tiny_plan, lines: list[bytes]
) -> None:
    first = render_calendar(tiny_plan, Labels("vi"))
    gone = tiny_plan.runs[0].visits[0]
    uid = f"visit-{tiny_plan.runs[0].date}-1-{gone.stop.id}@outreach-planner"
    damaged = _with_event_lines(first, uid, lines)
    changed = _changed_plan(tiny_plan, drop=0)
    data = render_calendar(changed, Labels("vi"), damaged)  # no exception
    got = _by_uid(data)
    # Every event of the new plan is there; besides them, at most the damaged one's
    # cancellation (its history is what the damage costs).
    assert set(_by_uid(render_calendar(changed, Labels("vi")))) <= set(got) <= set(
        _by_uid(render_calendar(changed, Labels("vi"), first))
    )
    # The other events keep their history: as if the previous calendar were whole.
    whole = _by_uid(render_calendar(changed, Labels("vi"), first))
    for other, event in got.items():
        if other != uid:
            assert event.to_ical() == whole[other].to_ical(), other


def test_events_of_other_origin_are_not_cancelled(tiny_plan) -> None:
    first = render_calendar(tiny_plan, Labels("vi"))
    foreign = first.replace(b"@outreach-planner", b"@example.org")
    data = render_calendar(tiny_plan, Labels("vi"), foreign)
    assert b"example.org" not in data and b"CANCELLED" not in data
