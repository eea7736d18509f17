"""Programme items with from/until: each run plays the items valid on its date."""

from __future__ import annotations

import datetime as dt
import json
import logging
import shutil
import subprocess
from pathlib import Path

import pytest

from outreach_planner.errors import InputError
from outreach_planner.io.plan_json import plan_to_json
from outreach_planner.labels import Labels
from outreach_planner.planner import load_inputs, make_plan
from outreach_planner.programme import load_programme
from outreach_planner.render.route_sheet import render_route_sheet
from outreach_planner.settings import load_settings

TINY = Path(__file__).parent / "data" / "tiny"
WEEK_3 = dt.date(2026, 12, 21)  # the plan starts on Monday 7/12/2026
DATED = """
[[items]]
title = "Phòng chống cháy rừng"
language = "vi"
minutes = 6
until = "2026-12-20"

[[items]]
title = "Phòng chống sốt xuất huyết"
language = "vi"
minutes = 2
from = 2026-12-21
"""


def _folder(tmp: Path, extra: str) -> Path:
    shutil.copytree(TINY, tmp, dirs_exist_ok=True)
    with (tmp / "programme.toml").open("a", encoding="utf-8") as f:
        f.write(extra)
    return tmp


@pytest.fixture(scope="module")
def dated(tmp_path_factory: pytest.TempPathFactory):
    folder = _folder(tmp_path_factory.mktemp("dated"), DATED)
    s = load_settings(folder / "settings.toml").replace(weeks=4)
    return folder, make_plan(s, load_inputs(s), today=dt.date(2026, 12, 1))


def test_the_dwell_changes_from_week_3_as_the_programme_says(dated) -> None:
    folder, plan = dated
    out = plan_to_json(plan)
    # The undated items, read from the unchanged tiny programme; the dated ones from DATED.
    base = load_programme(TINY / "programme.toml", reading_speed_spm=233)
    languages = {s["id"]: s["languages"] for s in out["stops"]}
    seen = set()
    for run in out["runs"]:
        day = dt.date.fromisoformat(run["date"])
        dated_s = 6 * 60 if day < WEEK_3 else 2 * 60
        for v in run["visits"]:
            expected = base.programme_s(languages[v["stop_id"]]) + dated_s
            assert v["programme_s"] == expected
            start = dt.datetime.fromisoformat(v["start"])
            end = dt.datetime.fromisoformat(v["end"])
            # The broadcast is that length, rounded up to the timetable's whole minute.
            assert expected <= (end - start).total_seconds() < expected + 60
            seen.add(day < WEEK_3)
        titles = [i["title"] for i in run["programme_items"]]
        if run["visits"]:
            assert ("Phòng chống cháy rừng" in titles) == (day < WEEK_3)
            assert ("Phòng chống sốt xuất huyết" in titles) == (day >= WEEK_3)
    assert seen == {True, False}  # visits before and after the change


def test_the_route_sheet_lists_that_run_s_items(dated, tmp_path: Path) -> None:
    _, plan = dated
    late = next(i for i, r in enumerate(plan.runs) if r.date >= WEEK_3 and r.visits)
    pdf = tmp_path / "sheet.pdf"
    pdf.write_bytes(render_route_sheet(plan, late, Labels("vi")))
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Phòng chống sốt xuất huyết (Tiếng Việt) 2:00" in " ".join(text.split())
    assert "cháy rừng" not in text


def test_an_until_before_from_and_overlapping_periods_are_refused(tmp_path: Path) -> None:
    bad = DATED.replace('until = "2026-12-20"', 'until = "2026-12-20"\nfrom = "2026-12-25"')
    bad += '\n[[items]]\ntitle = "Phòng chống sốt xuất huyết"\nlanguage = "vi"\nminutes = 3\n'
    folder = _folder(tmp_path, bad)
    with pytest.raises(InputError) as err:
        load_programme(folder / "programme.toml", reading_speed_spm=233)
    text = "\n".join(str(p) for p in err.value.problems)
    assert "until" in text and "on or after from (2026-12-25)" in text
    assert "periods of the same item that do not overlap" in text
    assert len(err.value.problems) == 2


def test_an_item_no_run_plays_is_warned_about(tmp_path: Path, caplog) -> None:
    folder = _folder(tmp_path, DATED.replace("2026-12-21", "2027-06-01"))
    s = load_settings(folder / "settings.toml")
    with caplog.at_level(logging.WARNING, logger="outreach_planner"):
        plan = make_plan(s, load_inputs(s), today=dt.date(2026, 12, 1))
    assert "'Phòng chống sốt xuất huyết' (2027-06-01..…) is played on no run date" in caplog.text
    assert json.dumps(plan_to_json(plan))  # still a plan
