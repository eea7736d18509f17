"""Stable re-planning: `plan` reads the previous plan.json and changes only what an
edit of the stop list forces; past runs are never changed; `--fresh` starts over.

The tiny data (2 weeks of Tuesdays and Fridays from 2026-12-07) plan in about a
second. "Today" is fixed before the horizon so no run is frozen whatever the
date the tests run on, except where a test freezes runs on purpose.
"""

from __future__ import annotations

import collections
import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pytest
from plan_checks import check_plan, read_rules

from outreach_planner.builtin import default_settings_path
from outreach_planner.cli import main
from outreach_planner.io.plan_json import plan_to_json, read_plan_json
from outreach_planner.planner import load_inputs, make_plan
from outreach_planner.settings import load_settings

TINY = Path(__file__).parent / "data" / "tiny"
TINY_SETTINGS = TINY / "settings.toml"
BEFORE_HORIZON = dt.date(2026, 12, 1)
TODAY = BEFORE_HORIZON.isoformat()  # `plan --today`: no run is frozen
KEPT = re.compile(r"kept on the same date: (\d+) of (\d+) visits \(([\d.]+) %\)")


def plan(
    folder: Path, *extra: str, settings: Path | None = TINY_SETTINGS, today: str = TODAY
) -> int:
    """`outreach-planner plan` of folder/stops.csv into folder/maps, planned on `today`."""
    args = ["plan", "--start", "2026-12-07", "--quiet", "--out", str(folder / "maps"),
            "--stops", str(folder / "stops.csv"), "--lang", "en", "--today", today,
            *extra]  # fmt: skip
    if settings is not None:
        args += ["--settings", str(settings)]
    return main(args)


def stops(folder: Path, *args: str, settings: Path | None = TINY_SETTINGS) -> int:
    command, *rest = args
    opts = ["--file", str(folder / "stops.csv")]
    if settings is not None:
        opts += ["--settings", str(settings)]
    return main(["stops", command, *rest, *opts])


def load(folder: Path, name: str = "maps/plan.json") -> dict:
    return json.loads((folder / name).read_text(encoding="utf-8"))


def visits(plan_json: dict) -> set[tuple[str, str]]:
    """(date, stop id) of every visit."""
    return {(r["date"], v["stop_id"]) for r in plan_json["runs"] for v in r["visits"]}


def routes(plan_json: dict) -> dict[str, list[str]]:
    return {r["date"]: [v["stop_id"] for v in r["visits"]] for r in plan_json["runs"]}


def busiest(plan_json: dict) -> tuple[str, int]:
    """The stop with the most visits (the smallest id among ties) and its count."""
    counts = collections.Counter(v["stop_id"] for r in plan_json["runs"] for v in r["visits"])
    sid = min(counts, key=lambda s: (-counts[s], s))
    return sid, counts[sid]


def kept_line(out: str) -> tuple[int, int, float]:
    m = KEPT.search(out)
    assert m, out
    return int(m[1]), int(m[2]), float(m[3])


def checked(
    plan_json: dict, settings: Path | None = TINY_SETTINGS, today: dt.date | None = None
) -> list[str]:
    """check_plan against the rules of the inputs: the settings and ./stops.csv."""
    rules = read_rules(settings, stops=Path.cwd() / "stops.csv", start="2026-12-07")
    return check_plan(plan_json, rules, today=today)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    """stops.csv of the tiny data and its plan in maps/, made once; tests copy it."""
    folder = tmp_path_factory.mktemp("base")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(folder)
        assert stops(folder, "init") == 0
        assert plan(folder) == 0
    return folder


@pytest.fixture
def work(base, tmp_path, monkeypatch, capsys) -> Path:
    folder = tmp_path / "work"
    shutil.copytree(base, folder)
    monkeypatch.chdir(folder)
    capsys.readouterr()
    return folder


def test_base_plan_is_sound(work):
    p = load(work)
    assert checked(p) == []
    dates = ["2026-12-08", "2026-12-11", "2026-12-15", "2026-12-18"]
    assert [r["date"] for r in p["runs"]] == dates
    assert p["unassigned"] == []


def test_replan_without_edits_changes_nothing(work, capsys):
    old = load(work)
    assert plan(work) == 0
    out = capsys.readouterr().out
    assert "no change" in out
    assert kept_line(out)[2] == 100.0
    assert routes(load(work)) == routes(old)


def test_disable_keeps_the_other_visits_on_their_dates(work, capsys):
    old = load(work)
    counts = collections.Counter(sid for _, sid in visits(old))
    gone, _ = busiest(old)
    assert stops(work, "disable", gone) == 0
    capsys.readouterr()
    assert plan(work) == 0
    out = capsys.readouterr().out
    assert "changes from" in out
    kept, comparable, pct = kept_line(out)
    assert pct >= 90.0
    assert comparable == sum(n for sid, n in counts.items() if sid != gone)
    new = load(work)
    assert {(d, s) for d, s in visits(old) if s != gone} <= visits(new)
    assert gone not in {s for _, s in visits(new)}
    for date in sorted({d for d, s in visits(old) if s == gone}):
        shown = dt.date.fromisoformat(date).strftime("%d/%m/%Y")  # as the summary shows it
        assert re.search(rf"{shown}: .*removed .*\({gone}\) \d\d:\d\d", out), out
    assert checked(new) == []


def test_previous_option_reads_another_folder(work, capsys):
    assert stops(work, "disable", "S-B-2") == 0
    capsys.readouterr()
    args = ["--out", str(work / "elsewhere"), "--previous", str(work / "maps" / "plan.json")]
    assert plan(work, *args) == 0  # the later --out wins
    out = capsys.readouterr().out
    assert f"changes from {work / 'maps' / 'plan.json'}" in out
    assert kept_line(out)[2] == 100.0
    old, new = load(work), load(work, "elsewhere/plan.json")
    assert {(d, s) for d, s in visits(old) if s != "S-B-2"} == visits(new)


def test_fresh_ignores_the_previous_plan(work, tmp_path, capsys):
    assert stops(work, "pin", "S-A-3", "--date", "2026-12-11") == 0
    # From scratch, in a folder with no previous plan.
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    shutil.copy(work / "stops.csv", scratch / "stops.csv")
    assert plan(scratch) == 0
    capsys.readouterr()
    assert plan(work, "--fresh") == 0
    out = capsys.readouterr().out
    assert "changes from" not in out and "kept on the same date" not in out
    assert routes(load(work)) == routes(load(scratch))


def test_pin_to_friday_puts_every_visit_on_a_friday(work, capsys):
    old = load(work)
    on_tuesday = [s for d, s in sorted(visits(old)) if d == "2026-12-08"]
    target = on_tuesday[0]
    assert stops(work, "pin", target, "--weekday", "friday") == 0
    capsys.readouterr()
    assert plan(work) == 0
    new = load(work)
    assert checked(new) == []
    days = [r["weekday"] for r in new["runs"] for v in r["visits"] if v["stop_id"] == target]
    (stop,) = [s for s in new["stops"] if s["id"] == target]
    assert len(days) >= stop["min_visits"] >= 1
    assert set(days) == {"friday"}
    # Only the pinned stop had to move.
    assert {(d, s) for d, s in visits(old) if s != target} <= visits(new)


def test_pin_to_a_date_gives_a_visit_that_day_only(work, capsys):
    assert stops(work, "pin", "S-A-3", "--date", "2026-12-11") == 0
    capsys.readouterr()
    assert plan(work) == 0
    new = load(work)
    assert checked(new) == []
    assert sorted(d for d, s in visits(new) if s == "S-A-3") == ["2026-12-11"]
    assert not [u for u in new["unassigned"] if u["stop_id"] == "S-A-3"]


def test_default_stop_list_and_output_folder(work, capsys):
    # ./stops.csv and ./maps/plan.json are found without --stops or --previous.
    assert stops(work, "disable", "S-B-1") == 0
    capsys.readouterr()
    args = ["plan", "--settings", str(TINY_SETTINGS), "--start", "2026-12-07", "--today", TODAY]
    assert main([*args, "--quiet", "--lang", "en"]) == 0
    out, err = capsys.readouterr()
    assert "stops.csv" in err
    assert "changes from maps/plan.json" in out
    assert "S-B-1" not in {s for _, s in visits(load(work))}


# --- past runs --------------------------------------------------------------------------


def _settings():
    return load_settings(TINY_SETTINGS, base=load_settings(default_settings_path()))


def _ids(plan) -> dict[dt.date, list[str]]:
    return {r.date: [v.stop.id for v in r.visits] for r in plan.runs}


@pytest.fixture
def frozen_case(work):
    """The previous plan, a stop visited on 2026-12-08 and again later, and 'today'."""
    previous = read_plan_json(work / "maps" / "plan.json")
    before = routes(load(work))
    later = {s for d, ids in before.items() if d > "2026-12-11" for s in ids}
    target = next(s for s in before["2026-12-08"] if s in later)
    return previous, before, target


def test_past_runs_are_frozen(work, frozen_case):
    previous, before, target = frozen_case
    assert stops(work, "disable", target) == 0
    settings = _settings().replace(stops=work / "stops.csv")
    new = make_plan(settings, load_inputs(settings), previous=previous, today=dt.date(2026, 12, 12))
    after = {d.isoformat(): ids for d, ids in _ids(new).items()}
    assert after["2026-12-08"] == before["2026-12-08"]  # still shows the visit that happened
    assert after["2026-12-11"] == before["2026-12-11"]
    assert target in after["2026-12-08"]
    for date in ("2026-12-15", "2026-12-18"):
        assert target not in after[date]
    assert any(after[d] != before[d] for d in ("2026-12-15", "2026-12-18"))
    assert checked(plan_to_json(new), today=dt.date(2026, 12, 12)) == []


def test_frozen_runs_keep_their_stops_even_when_pinned_elsewhere(work, frozen_case):
    previous, before, target = frozen_case
    assert stops(work, "pin", target, "--date", "2026-12-18") == 0
    settings = _settings().replace(stops=work / "stops.csv")
    new = make_plan(settings, load_inputs(settings), previous=previous, today=dt.date(2026, 12, 12))
    after = {d.isoformat(): ids for d, ids in _ids(new).items()}
    assert after["2026-12-08"] == before["2026-12-08"]
    assert target not in after["2026-12-15"]


def test_removing_a_stop_does_not_rewrite_past_runs(work, frozen_case):
    previous, before, target = frozen_case
    assert stops(work, "remove", target) == 0
    settings = _settings().replace(stops=work / "stops.csv")
    new = make_plan(settings, load_inputs(settings), previous=previous, today=dt.date(2026, 12, 12))
    after = {d.isoformat(): ids for d, ids in _ids(new).items()}
    assert after["2026-12-08"] == before["2026-12-08"]


def test_make_plan_with_previous_and_same_stops_is_identical(work):
    previous = read_plan_json(work / "maps" / "plan.json")
    settings = _settings().replace(stops=work / "stops.csv")
    inputs = load_inputs(settings)
    new = make_plan(settings, inputs, previous=previous, today=BEFORE_HORIZON)
    assert {d.isoformat(): ids for d, ids in _ids(new).items()} == routes(load(work))


def test_plan_today_freezes_the_runs_before_it(work, frozen_case, capsys):
    # The command line's --today: runs before it stay as they were, later ones re-plan.
    previous, before, target = frozen_case
    assert stops(work, "disable", target) == 0
    assert plan(work, today="2026-12-12") == 0
    after = routes(load(work))
    assert after["2026-12-08"] == before["2026-12-08"] and target in after["2026-12-08"]
    assert all(target not in after[d] for d in ("2026-12-15", "2026-12-18"))


def test_plan_today_must_be_a_date(work, capsys):
    before = snapshot(work / "maps")
    assert plan(work, today="12/31/2026") == 2  # month/day: never guessed
    assert "--today' got '12/31/2026', expected a date" in capsys.readouterr().err
    assert snapshot(work / "maps") == before


# --- a damaged previous plan -------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [b"{ not json", b'{"format": "something-else", "runs": []}', b"[1, 2]", b""],
    ids=["not-json", "wrong-format", "not-an-object", "empty"],
)
def test_damaged_previous_plan_is_refused_untouched(work, capsys, content):
    (work / "maps" / "plan.json").write_bytes(content)
    before = snapshot(work / "maps")
    assert plan(work) == 2
    out, err = capsys.readouterr()
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), lines
    assert "plan.json" in lines[0]
    assert "Traceback" not in err
    assert snapshot(work / "maps") == before  # nothing lost: the folder is as it was


def test_fresh_works_around_a_damaged_previous_plan(work, capsys):
    (work / "maps" / "plan.json").write_bytes(b"{ not json")
    assert plan(work) == 2
    capsys.readouterr()
    assert plan(work, "--fresh") == 0
    out = capsys.readouterr().out
    assert "changes from" not in out
    new = load(work)
    assert new["format"] == "outreach-planner/plan"
    assert checked(new) == []


def test_damaged_previous_plan_message_points_to_fresh(work, capsys):
    (work / "maps" / "plan.json").write_bytes(b'{"format": "something-else"}')
    assert plan(work) == 2
    assert "--fresh" in capsys.readouterr().err


def test_previous_plan_without_visit_times_is_refused_untouched(work, capsys):
    damaged = load(work)
    for run in damaged["runs"]:
        for v in run["visits"]:
            del v["start"]
    (work / "maps" / "plan.json").write_text(json.dumps(damaged), encoding="utf-8")
    before = snapshot(work / "maps")
    assert plan(work) == 2
    assert snapshot(work / "maps") == before


def test_missing_previous_file_is_refused(work, capsys):
    before = snapshot(work / "maps")
    assert plan(work, "--previous", str(work / "nothere.json")) == 2
    err = capsys.readouterr().err
    assert "nothere.json" in err
    assert snapshot(work / "maps") == before


# --- the built-in Đắk Song data ----------------------------------------------------------


@pytest.mark.slow
def test_builtin_disable_busiest_stop_keeps_90_percent(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    args = ["plan", "--start", "2026-12-07", "--quiet", "--out", str(tmp_path / "maps"),
            "--lang", "en"]  # fmt: skip
    assert main([*args, "--today", TODAY]) == 0
    old = load(tmp_path)
    assert stops(tmp_path, "init", settings=None) == 0
    counts = collections.Counter(sid for _, sid in visits(old))
    gone, most = busiest(old)
    assert most >= 2
    assert stops(tmp_path, "disable", gone, settings=None) == 0
    capsys.readouterr()
    assert plan(tmp_path, settings=None) == 0
    out = capsys.readouterr().out
    kept, comparable, pct = kept_line(out)
    print(f"\nbuilt-in data, {gone} ({most} visits) disabled: kept on the same date "
          f"{kept} of {comparable} visits ({pct:.1f} %)")  # fmt: skip
    assert comparable == sum(counts.values()) - most
    assert pct >= 90.0
    new = load(tmp_path)
    assert gone not in {s for _, s in visits(new)}
    assert checked(new, settings=None) == []
