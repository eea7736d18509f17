"""The capacity answer: each suggested change, applied alone to the files, fits every stop."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tomllib
from pathlib import Path

import pytest

from outreach_planner.io.plan_json import plan_to_json
from outreach_planner.labels import Labels
from outreach_planner.planner import load_inputs, make_plan
from outreach_planner.programme import load_programme
from outreach_planner.render.maps import render_index_map
from outreach_planner.settings import load_settings

TINY = Path(__file__).parent / "data" / "tiny"
TODAY = dt.date(2026, 12, 1)
# One Tuesday run of 2 h 30 min of work: the tiny programme fits every stop, 18 more minutes
# of bulletin does not.
SETTINGS = """\
villages = "villages.geojson"
communes = "communes.geojson"
programme = "programme.toml"
start = "2026-12-07"
weeks = 1
weekdays = ["tuesday"]
working_hours = ["08:00-09:30", "13:30-14:30"]
search_effort = 200

[depot]
name = "Depot"
lon = 107.64
lat = 12.26
"""
LONGER = '\n[[items]]\ntitle = "Bầu cử (18 phút)"\nminutes = 18\n'


def _folder(tmp: Path, extra: str) -> Path:
    shutil.copytree(TINY, tmp, dirs_exist_ok=True)
    (tmp / "settings.toml").write_text(SETTINGS, encoding="utf-8")
    with (tmp / "programme.toml").open("a", encoding="utf-8") as f:
        f.write(extra)
    return tmp


def _plan(folder: Path):
    s = load_settings(folder / "settings.toml")
    return make_plan(s, load_inputs(s), today=TODAY)


def _short_of_time(plan) -> list[str]:
    return [u.stop.id for u in plan.unassigned if u.code == "no_time"]


def _toml_value(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)  # strings, numbers and lists alike


def _apply(folder: Path, suggestion: dict) -> None:
    """Apply one suggestion to the files as a planner would, from its documented fields."""
    if suggestion["file"] == "settings.toml":
        changes = tomllib.loads("\n".join(suggestion["toml"]))
        assert changes == suggestion["settings"]
        lines = (folder / "settings.toml").read_text(encoding="utf-8").splitlines()
        out = [
            f"{line.split('=')[0].strip()} = {_toml_value(changes[line.split('=')[0].strip()])}"
            if "=" in line and line.split("=")[0].strip() in changes
            else line
            for line in lines
        ]
        keys = {line.split("=")[0].strip() for line in lines if "=" in line}
        new = [f"{k} = {_toml_value(v)}" for k, v in changes.items() if k not in keys]
        # New keys go first, before any [table].
        (folder / "settings.toml").write_text("\n".join(new + out) + "\n", encoding="utf-8")
        return
    assert suggestion["file"] == "programme.toml"
    raw = tomllib.loads((folder / "programme.toml").read_text(encoding="utf-8"))
    for cut in suggestion["items"]:
        item = raw["items"][cut["index"]]
        assert item["title"] == cut["title"]
        for key in ("minutes", "text", "audio"):
            item.pop(key, None)
        item["minutes"] = cut["minutes"]
    raw["items"] = [i for i in raw["items"] if i.get("minutes") != 0]
    text = f"title = {_toml_value(raw['title'])}\n" + "".join(
        "\n[[items]]\n" + "".join(f"{k} = {_toml_value(v)}\n" for k, v in item.items())
        for item in raw["items"]
    )
    (folder / "programme.toml").write_text(text, encoding="utf-8")


def test_the_tiny_programme_fits_and_asks_no_change(tmp_path: Path) -> None:
    plan = _plan(_folder(tmp_path, ""))
    assert plan.unassigned == ()
    assert plan.capacity is None
    assert plan_to_json(plan)["capacity"] is None


@pytest.fixture(scope="module")
def longer(tmp_path_factory: pytest.TempPathFactory):
    folder = _folder(tmp_path_factory.mktemp("longer"), LONGER)
    return folder, _plan(folder)


def test_eighteen_more_minutes_leave_stops_short_with_an_answer(longer) -> None:
    _, plan = longer
    assert _short_of_time(plan)
    out = plan_to_json(plan)["capacity"]
    assert out["stops_short"] == len(_short_of_time(plan))
    kinds = [s["kind"] for s in out["suggestions"]]
    assert kinds == ["cut_bulletin", "add_weekday", "more_weeks", "more_vehicles"]
    assert out["text_vi"][0].startswith("Để xếp được")
    for s in out["suggestions"]:
        assert isinstance(s["team_hours"], float)


@pytest.mark.parametrize("kind", ["cut_bulletin", "add_weekday", "more_weeks", "more_vehicles"])
def test_each_suggestion_applied_alone_fits_every_stop(longer, kind: str, tmp_path: Path) -> None:
    folder, plan = longer
    (suggestion,) = [s for s in plan_to_json(plan)["capacity"]["suggestions"] if s["kind"] == kind]
    applied = _folder(tmp_path, LONGER)
    _apply(applied, suggestion)
    again = _plan(applied)  # with the plan's own search effort, from the changed files
    assert _short_of_time(again) == []
    # The change is what it says: checked against the files, not against the plan.
    s = load_settings(applied / "settings.toml")
    if kind == "add_weekday":
        assert len(s.weekdays) == 2 and suggestion["runs"] == len(again.runs) - len(plan.runs)
    if kind == "more_weeks":
        assert s.weeks == 1 + suggestion["weeks"]
    if kind == "more_vehicles":
        assert s.vehicles == 2
    if kind == "cut_bulletin":
        before = load_programme(folder / "programme.toml", reading_speed_spm=233)
        after = load_programme(applied / "programme.toml", reading_speed_spm=233)
        for languages in (["vi"], ["vi", "mnong"]):
            cut = before.programme_s(languages) - after.programme_s(languages)
            assert suggestion["minutes"] * 60 <= cut < (suggestion["minutes"] + 1) * 60


def test_the_answer_is_on_the_index_map_in_its_language(longer) -> None:
    _, plan = longer
    vi = render_index_map(plan, Labels("vi")).decode()
    assert "Để xếp được" in vi and "Rút ngắn bản tin" in vi and "vehicles = 2" in vi
    en = render_index_map(plan, Labels("en")).decode()
    assert "Any one of these changes" in en and "One more vehicle" in en
