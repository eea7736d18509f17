"""What the stop list promises, seen where users see it: `stops set`, then `plan`, then the
visits in plan.json, each plan also passing the checker that reads the same inputs.

Broadcast windows (`earliest`, `latest`), `priority` and `extra_dwell_min` each get a
plan in which the adjustment must show: without it the plan would look different.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from plan_checks import check_plan, read_rules

from outreach_planner.builtin import default_settings_path
from outreach_planner.cli import main
from outreach_planner.io.plan_json import plan_to_json
from outreach_planner.planner import load_inputs, make_plan
from outreach_planner.settings import load_settings

TINY = Path(__file__).parent / "data" / "tiny"


def _settings(folder: Path, **changes: str) -> Path:
    """The tiny settings with absolute input paths and some lines changed (TOML values)."""
    lines = []
    for line in (TINY / "settings.toml").read_text(encoding="utf-8").splitlines():
        key = line.split("=")[0].strip()
        if key in ("villages", "communes", "programme"):
            value = line.split("=", 1)[1].strip().strip('"')
            line = f'{key} = "{(TINY / value).as_posix()}"'
        if key in changes:
            line = f"{key} = {changes.pop(key)}"
        lines.append(line)
    head = [f"{k} = {v}" for k, v in changes.items()]  # keys the tiny file does not set
    path = folder / "settings.toml"
    path.write_text("\n".join(head + lines) + "\n", encoding="utf-8")
    return path


def _stops(settings: Path, stops_csv: Path, *args: str) -> None:
    assert main(["stops", *args, "--settings", str(settings), "--file", str(stops_csv)]) == 0


def _plan(settings: Path, stops_csv: Path) -> dict:
    """plan.json of `plan --settings SETTINGS --stops STOPS_CSV` (rendered, not written:
    the maps and route sheets are not under test here)."""
    loaded = load_settings(settings, base=load_settings(default_settings_path()))
    loaded = loaded.replace(stops=stops_csv)
    plan = plan_to_json(make_plan(loaded, load_inputs(loaded)))
    assert check_plan(plan, read_rules(settings, stops=stops_csv)) == []
    return plan


def _visits(plan: dict, stop_id: str) -> list[dict]:
    return [v for r in plan["runs"] for v in r["visits"] if v["stop_id"] == stop_id]


def _hm(text: str) -> dt.time:
    return dt.datetime.fromisoformat(text).time()


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict]:
    """(settings, stops.csv as `stops init` writes it, its plan), made once."""
    folder = tmp_path_factory.mktemp("tiny-stops")
    settings = _settings(folder)
    stops_csv = folder / "stops.csv"
    _stops(settings, stops_csv, "init")
    return settings, stops_csv, _plan(settings, stops_csv)


def _copy(stops_csv: Path, folder: Path) -> Path:
    new = folder / "stops.csv"
    new.write_bytes(stops_csv.read_bytes())
    return new


def test_the_unadjusted_plan_visits_everything_in_the_morning(tiny) -> None:
    # The premise of the window tests below: with no window, every broadcast ends early.
    _, _, plan = tiny
    assert plan["unassigned"] == []
    ends = [_hm(v["end"]) for r in plan["runs"] for v in r["visits"]]
    assert len(ends) >= 5 and max(ends) < dt.time(9, 0)


def test_earliest_broadcast_time_is_honoured(tiny, tmp_path: Path) -> None:
    settings, base, _ = tiny
    stops_csv = _copy(base, tmp_path)
    _stops(settings, stops_csv, "set", "S-A-3", "earliest", "14:00")
    plan = _plan(settings, stops_csv)
    visits = _visits(plan, "S-A-3")
    assert visits, plan["unassigned"]
    for v in visits:
        # The team waits at the stop and sets up before: the broadcast starts as the
        # window opens, not a setup's length later.
        assert _hm(v["start"]) == dt.time(14, 0)
        assert _hm(v["arrival"]) <= dt.time(13, 56)


def test_latest_broadcast_time_is_honoured(tiny, tmp_path: Path) -> None:
    # Every stop must be done by 07:30: one stop a run fits (two need 40 min and more),
    # so 4 runs visit 4 of the 5 stops and the fifth is reported, not squeezed in.
    settings, base, _ = tiny
    stops_csv = _copy(base, tmp_path)
    for sid in ("S-A-1", "S-A-3", "S-A-4", "S-B-1", "S-B-2"):
        _stops(settings, stops_csv, "set", sid, "latest", "07:30")
    plan = _plan(settings, stops_csv)
    ends = [_hm(v["end"]) for r in plan["runs"] for v in r["visits"]]
    assert len(ends) == 4
    assert max(ends) <= dt.time(7, 30)
    assert len(plan["unassigned"]) == 1 and plan["unassigned"][0]["reason"]


def test_extra_dwell_lengthens_the_stay_by_its_minutes(tiny, tmp_path: Path) -> None:
    settings, base, before = tiny
    stops_csv = _copy(base, tmp_path)
    _stops(settings, stops_csv, "set", "S-B-1", "extra_dwell_min", "20")
    plan = _plan(settings, stops_csv)

    def stays(p: dict) -> set[float]:
        return {
            (dt.datetime.fromisoformat(v["depart"]) - dt.datetime.fromisoformat(v["arrival"]))
            .total_seconds() for v in _visits(p, "S-B-1")
        }  # fmt: skip

    (old,) = stays(before)
    assert stays(plan) == {old + 20 * 60}
    # The other stops stay as long as they did.
    for sid in ("S-A-1", "S-A-4"):
        assert {
            dt.datetime.fromisoformat(v["depart"]) - dt.datetime.fromisoformat(v["arrival"])
            for v in _visits(plan, sid)
        } == {
            dt.datetime.fromisoformat(v["depart"]) - dt.datetime.fromisoformat(v["arrival"])
            for v in _visits(before, sid)
        }


def test_priority_gives_a_stop_more_visits_when_time_is_short(tmp_path: Path) -> None:
    # A 30-minute morning holds one stop a run, and no stop must be visited: the 4 runs
    # go to the stops worth the most. Thôn 4 (S-A-4, 600 people) is the smallest, so it
    # gets no visit at priority 1; at priority 10 it is worth the most and gets the
    # 2 visits the one-week gap allows in two weeks.
    settings = _settings(
        tmp_path, working_hours='["07:00-07:30", "07:31-07:32"]', min_visits="0"
    )
    stops_csv = tmp_path / "stops.csv"
    _stops(settings, stops_csv, "init")
    plain = _plan(settings, stops_csv)
    assert len(_visits(plain, "S-A-4")) == 0
    assert sum(len(r["visits"]) for r in plain["runs"]) == 4
    _stops(settings, stops_csv, "set", "S-A-4", "priority", "10")
    favoured = _plan(settings, stops_csv)
    assert len(_visits(favoured, "S-A-4")) == 2
