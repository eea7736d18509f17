"""The public API at the package top, as the planning page and scripts call it."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

import outreach_planner
from outreach_planner import (
    District,
    InputError,
    load_district,
    plan_changes,
    plan_district,
    read_previous,
    resolve_settings,
    write_outputs,
)

TINY = Path(__file__).parent / "data" / "tiny"


def test_every_public_name_resolves() -> None:
    for name in outreach_planner.__all__:
        assert getattr(outreach_planner, name) is not None, name
    with pytest.raises(AttributeError):
        outreach_planner.no_such_name  # noqa: B018


def test_plan_a_district_write_it_and_replan(tmp_path: Path) -> None:
    settings = resolve_settings(TINY / "settings.toml", {"weeks": 1, "search_effort": 50})
    district = load_district(settings, folder=tmp_path)  # no stops.csv there: villages
    assert isinstance(district, District) and district.stop_list is None
    assert read_previous(tmp_path / "maps") is None
    plan = plan_district(district, today=dt.date(2026, 12, 1))
    write_outputs(plan, tmp_path / "maps")
    saved = json.loads((tmp_path / "maps" / "plan.json").read_text(encoding="utf-8"))
    assert [r["date"] for r in saved["runs"]] == ["2026-12-08", "2026-12-11"]

    previous = read_previous(tmp_path / "maps")
    assert previous is not None and read_previous(tmp_path / "maps", fresh=True) is None
    again = plan_district(district, today=dt.date(2026, 12, 1), previous=previous)
    changes = plan_changes(previous, again)
    assert changes.kept == changes.comparable == sum(len(r.visits) for r in plan.runs)


def test_today_sets_the_default_start(tmp_path: Path) -> None:
    settings = resolve_settings(TINY / "settings.toml", {"weeks": 1, "search_effort": 20})
    district = load_district(settings.replace(start=None), folder=tmp_path)
    plan = plan_district(district, today=dt.date(2026, 12, 9))  # a Wednesday
    assert plan.start == dt.date(2026, 12, 14)


def test_a_stop_list_in_the_folder_is_read_by_default(tmp_path: Path) -> None:
    (tmp_path / "stops.csv").write_text(
        "id,lon,lat,villages\nONLY,107.61,12.25,A-1\n", encoding="utf-8"
    )
    district = load_district(TINY / "settings.toml", folder=tmp_path)
    assert district.stop_list == tmp_path / "stops.csv"
    assert [s.id for s in district.inputs.stops] == ["ONLY"]


def test_overrides_are_checked_like_a_file() -> None:
    with pytest.raises(InputError) as info:
        resolve_settings(TINY / "settings.toml", {"weeks": 0, "colour": "red"})
    assert {p.field for p in info.value.problems} == {"weeks", "colour"}
    assert all(p.source == "command line" for p in info.value.problems)
