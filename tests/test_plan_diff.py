"""What changed between two plans (plan_diff.py and `outreach-planner diff OLD NEW`),
on small hand-written plan.json dicts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from outreach_planner.cli import main
from outreach_planner.io.plan_json import parse_plan_json
from outreach_planner.plan_diff import PlanDiff, diff_plans, format_diff

TUE1, FRI1, TUE2, FRI2 = "2026-12-08", "2026-12-11", "2026-12-15", "2026-12-18"
# How format_diff names those runs (English).
TUE1_, FRI1_ = "Tuesday 08/12/2026", "Friday 11/12/2026"
TUE2_, FRI2_ = "Tuesday 15/12/2026", "Friday 18/12/2026"


def make(
    runs: dict[str, list[tuple[str, str]]],
    *,
    disabled: tuple[str, ...] = (),
    extra_stops: tuple[str, ...] = (),
) -> dict:
    """A minimal plan.json: runs {date: [(stop id, "HH:MM" broadcast start), ...]}."""
    ids = sorted({s for visits in runs.values() for s, _ in visits} | set(extra_stops))
    return {
        "format": "outreach-planner/plan",
        "version": 1,
        "runs": [
            {
                "id": date,
                "date": date,
                "weekday": "",
                "vehicle": 1,
                "visits": [
                    {"seq": n, "stop_id": sid, "start": f"{date}T{hhmm}:00+07:00"}
                    for n, (sid, hhmm) in enumerate(visits, start=1)
                ],
            }
            for date, visits in sorted(runs.items())
        ],
        "stops": [{"id": s, "name": f"Thôn {s}", "enabled": s not in disabled} for s in ids],
    }


def diff(old: dict, new: dict) -> PlanDiff:
    """diff_plans of two plan.json dicts, read as `plan` and `diff` read their files."""
    return diff_plans(parse_plan_json(old, source="old"), parse_plan_json(new, source="new"))


BASE = {
    TUE1: [("A", "07:10"), ("B", "07:40"), ("C", "08:10")],
    FRI1: [("D", "07:10")],
    TUE2: [("A", "07:10"), ("B", "07:40"), ("C", "08:10")],
    FRI2: [("D", "07:10")],
}


def changes(d, run_id: str):
    (c,) = [c for c in d.runs if c.run_id == run_id]
    return c


def test_identical_plans():
    d = diff(make(BASE), make(BASE))
    assert all(c.empty for c in d.runs)
    assert (d.kept, d.comparable, d.kept_pct) == (8, 8, 100.0)
    assert format_diff(d) == ["no change", "kept on the same date: 8 of 8 visits (100.0 %)"]


def test_added_and_removed():
    new = {**BASE, FRI1: [("D", "07:10"), ("E", "07:40")], TUE2: [("A", "07:10"), ("C", "08:10")]}
    d = diff(make(BASE), make(new))
    assert changes(d, FRI1).added == ["E"]
    assert changes(d, TUE2).removed == ["B"]
    assert changes(d, TUE1).empty and changes(d, FRI2).empty
    # B is still planned, so its lost visit counts against the kept share; E was not there.
    assert (d.kept, d.comparable) == (7, 8)
    assert format_diff(d) == [
        f"{FRI1_}: added Thôn E (E) 07:40",
        f"{TUE2_}: removed Thôn B (B) 07:40",
        "kept on the same date: 7 of 8 visits (87.5 %)",
    ]


def test_moved_visits_are_paired_in_date_order():
    new = {
        TUE1: [("B", "07:40"), ("C", "08:10")],
        FRI1: [("D", "07:10"), ("A", "07:40")],
        TUE2: [("B", "07:40"), ("C", "08:10")],
        FRI2: [("D", "07:10"), ("A", "07:40")],
    }
    d = diff(make(BASE), make(new))
    assert changes(d, TUE1).moved_out == [("A", FRI1)]
    assert changes(d, FRI1).moved_in == [("A", TUE1)]
    assert changes(d, TUE2).moved_out == [("A", FRI2)]
    assert changes(d, FRI2).moved_in == [("A", TUE2)]
    assert not any(c.added or c.removed for c in d.runs)
    assert (d.kept, d.comparable) == (6, 8)
    assert format_diff(d) == [
        f"{TUE1_}: moved away Thôn A (A) 07:10 (to {FRI1_})",
        f"{FRI1_}: moved here Thôn A (A) 07:40 (from {TUE1_})",
        f"{TUE2_}: moved away Thôn A (A) 07:10 (to {FRI2_})",
        f"{FRI2_}: moved here Thôn A (A) 07:40 (from {TUE2_})",
        "kept on the same date: 6 of 8 visits (75.0 %)",
    ]


def test_more_lost_than_gained_dates_pair_the_earliest_then_remove():
    new = {**BASE, TUE1: [("B", "07:40"), ("C", "08:10")], TUE2: [("B", "07:40"), ("C", "08:10")],
           FRI2: [("D", "07:10"), ("A", "07:40")]}  # fmt: skip
    d = diff(make(BASE), make(new))
    assert changes(d, TUE1).moved_out == [("A", FRI2)]
    assert changes(d, FRI2).moved_in == [("A", TUE1)]
    assert changes(d, TUE2).removed == ["A"]


def test_more_gained_than_lost_dates_pair_the_earliest_then_add():
    new = {**BASE, TUE1: [("B", "07:40"), ("C", "08:10")],
           FRI1: [("D", "07:10"), ("A", "07:40")]}  # fmt: skip
    new[FRI2] = [("D", "07:10"), ("A", "07:40")]
    new[TUE2] = [("B", "07:40"), ("C", "08:10"), ("A", "08:40")]
    d = diff(make(BASE), make(new))
    assert changes(d, TUE1).moved_out == [("A", FRI1)]
    assert changes(d, FRI2).added == ["A"]
    assert changes(d, TUE2).empty is False and changes(d, TUE2).retimed


@pytest.mark.parametrize(
    "new_start, reported",
    [("07:24", False), ("07:25", False), ("07:26", True), ("06:54", True), ("06:56", False)],
    ids=["14-min-later", "15-min-later", "16-min-later", "16-min-earlier", "14-min-earlier"],
)
def test_retimed_only_beyond_15_minutes(new_start, reported):
    new = {**BASE, TUE1: [("A", new_start), ("B", "07:40"), ("C", "08:10")]}
    d = diff(make(BASE), make(new))
    c = changes(d, TUE1)
    assert c.retimed == ([("A", "07:10", new_start)] if reported else [])
    assert (d.kept, d.comparable) == (8, 8)  # a retimed visit is still on its date
    lines = format_diff(d)
    if reported:
        assert lines[0] == f"{TUE1_}: retimed Thôn A (A) 07:10→{new_start}"
    else:
        assert lines[0] == "no change"


def test_disabled_and_dropped_stops_are_not_comparable():
    new_runs = {
        TUE1: [("A", "07:10"), ("B", "07:40")],
        FRI1: [],
        TUE2: [("A", "07:10")],
        FRI2: [],
    }
    # C is disabled in the new plan, D is no longer in the list at all; B lost one visit.
    new = make(new_runs, disabled=("C",), extra_stops=("C",))
    d = diff(make(BASE), new)
    assert (d.kept, d.comparable) == (3, 4)
    assert d.kept_pct == 75.0
    assert changes(d, TUE1).removed == ["C"]
    assert changes(d, FRI1).removed == ["D"]
    assert sorted(changes(d, TUE2).removed) == ["B", "C"]
    assert format_diff(d)[-1] == "kept on the same date: 3 of 4 visits (75.0 %)"


def test_nothing_comparable_counts_as_all_kept():
    d = diff(make({TUE1: [("A", "07:10")]}), make({TUE1: [("B", "07:10")]}))
    assert (d.kept, d.comparable, d.kept_pct) == (0, 0, 100.0)
    assert changes(d, TUE1).added == ["B"] and changes(d, TUE1).removed == ["A"]
    assert format_diff(d) == [
        f"{TUE1_}: added Thôn B (B) 07:10; removed Thôn A (A) 07:10",
        "kept on the same date: 0 of 0 visits (100.0 %)",
    ]


def test_runs_only_in_one_plan():
    old = make({TUE1: [("A", "07:10")]})
    new = make({TUE1: [("A", "07:10")], FRI1: [("B", "07:10")]})
    d = diff(old, new)
    assert [c.run_id for c in d.runs] == [TUE1, FRI1]
    assert changes(d, FRI1).added == ["B"]


def test_second_vehicle_runs_have_their_own_ids():
    old = make({TUE1: [("A", "07:10")]})
    new = make({TUE1: []}, extra_stops=("A",))
    new["runs"].append(
        {"id": f"{TUE1}-2", "date": TUE1, "vehicle": 2,
         "visits": [{"seq": 1, "stop_id": "A", "start": f"{TUE1}T07:10:00+07:00"}]}
    )  # fmt: skip
    d = diff(old, new)
    assert changes(d, TUE1).moved_out == [("A", f"{TUE1}-2")]
    assert (d.kept, d.comparable) == (0, 1)


# --- the command line ---------------------------------------------------------------------


def _write(path: Path, plan: dict) -> Path:
    path.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    return path


def test_diff_command_prints_the_changes(tmp_path, capsys):
    new_runs = {
        TUE1: [("B", "07:40"), ("C", "08:30")],
        FRI1: [("D", "07:10"), ("A", "07:40"), ("E", "08:00")],
        TUE2: [("A", "07:10"), ("C", "08:10")],
        FRI2: [("D", "07:10")],
    }
    old = _write(tmp_path / "old.json", make(BASE))
    new = _write(tmp_path / "new.json", make(new_runs))
    assert main(["diff", str(old), str(new), "--lang", "en"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert out.splitlines() == [
        f"{TUE1_}: moved away Thôn A (A) 07:10 (to {FRI1_}); retimed Thôn C (C) 08:10→08:30",
        f"{FRI1_}: added Thôn E (E) 08:00; moved here Thôn A (A) 07:40 (from {TUE1_})",
        f"{TUE2_}: removed Thôn B (B) 07:40",
        "kept on the same date: 6 of 8 visits (75.0 %)",
    ]
    # Vietnamese by default: weekday, date, name, id and time in the team's words.
    assert main(["diff", str(old), str(new)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "Thứ Ba 08/12/2026: chuyển đi Thôn A (A) 07:10 (sang Thứ Sáu 11/12/2026); "
        "đổi giờ Thôn C (C) 08:10→08:30",
        "Thứ Sáu 11/12/2026: thêm Thôn E (E) 08:00; chuyển đến Thôn A (A) 07:40 "
        "(từ Thứ Ba 08/12/2026)",
        "Thứ Ba 15/12/2026: bỏ Thôn B (B) 07:40",
        "giữ nguyên ngày: 6 trên 8 lượt ghé (75,0 %)",
    ]


def test_diff_command_same_file(tmp_path, capsys):
    old = _write(tmp_path / "plan.json", make(BASE))
    assert main(["diff", str(old), str(old), "--lang", "en"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "no change",
        "kept on the same date: 8 of 8 visits (100.0 %)",
    ]


BAD_FILES = {
    "not-json": b"{ runs: ",
    "empty": b"",
    "wrong-format": json.dumps({"format": "geojson", "runs": []}).encode(),
    "not-an-object": b"[]",
    "runs-not-a-list": json.dumps({"format": "outreach-planner/plan", "runs": 3}).encode(),
    "bad-date": json.dumps(
        {
            "format": "outreach-planner/plan",
            "runs": [{"id": "soon", "date": "soon", "vehicle": 1, "visits": []}],
            "stops": [],
        }
    ).encode(),
    "visit-without-stop": json.dumps(
        {
            "format": "outreach-planner/plan",
            "runs": [{"id": TUE1, "date": TUE1, "vehicle": 1, "visits": [{"seq": 1}]}],
            "stops": [],
        }
    ).encode(),
    "not-utf8": '{"format": "outreach-planner/plan", "programme": "Bản tin"}'.encode("utf-16"),
}


@pytest.mark.parametrize("which", ["old", "new"])
@pytest.mark.parametrize("content", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_diff_command_bad_file_exits_2(tmp_path, capsys, content, which):
    good = _write(tmp_path / "good.json", make(BASE))
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    args = [str(bad), str(good)] if which == "old" else [str(good), str(bad)]
    assert main(["diff", *args]) == 2
    out, err = capsys.readouterr()
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), lines
    assert "bad.json" in lines[0]
    assert out == ""


def test_diff_command_missing_file_exits_2(tmp_path, capsys):
    good = _write(tmp_path / "good.json", make(BASE))
    assert main(["diff", str(good), str(tmp_path / "none.json")]) == 2
    assert "none.json" in capsys.readouterr().err


@pytest.mark.parametrize("damage", ["no-visit-start", "no-stops", "run-id-number"])
def test_diff_command_damaged_plan_fields_exit_2(tmp_path, capsys, damage):
    bad = make(BASE)
    if damage == "no-visit-start":
        for run in bad["runs"]:
            for v in run["visits"]:
                del v["start"]
    elif damage == "no-stops":
        del bad["stops"]
    else:
        bad["runs"][0]["id"] = 8
    good = _write(tmp_path / "good.json", make(BASE))
    path = _write(tmp_path / "bad.json", bad)
    assert main(["diff", str(good), str(path)]) == 2
