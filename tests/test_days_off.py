"""Days off: Vietnam's public holidays, closed and extra dates, skip or move a run."""

from __future__ import annotations

import datetime as dt
import html
import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest

from outreach_planner.days_off import run_dates
from outreach_planner.errors import InputError
from outreach_planner.io.plan_json import plan_to_json
from outreach_planner.labels import Labels
from outreach_planner.planner import load_inputs, make_plan
from outreach_planner.render.maps import render_index_map
from outreach_planner.render.route_sheet import render_week_overview
from outreach_planner.settings import Settings, load_settings, settings_from_mapping

TINY = Path(__file__).parent / "data" / "tiny"
D = dt.date

# Days off announced by the government, written down from the official calendars (not from
# the library under test): Tết Đinh Mùi 2027 (29 Tết to mùng 5), Hùng Kings' day 10/3 lunar,
# 30/4 and 1/5 with the Monday in lieu, National Day 2/9 with the day next to it.
TET_2027 = {D(2027, 2, d) for d in range(4, 11)}
HUNG_KINGS_2027 = {D(2027, 4, 16)}
APRIL_MAY_2027 = {D(2027, 4, 30), D(2027, 5, 1), D(2027, 5, 3)}
NATIONAL_DAY_2027 = {D(2027, 9, 2), D(2027, 9, 3)}
DAYS_OFF_2027 = TET_2027 | HUNG_KINGS_2027 | APRIL_MAY_2027 | NATIONAL_DAY_2027
TUE, THU, FRI, MON = 1, 3, 4, 0


def tiny(**changes) -> Settings:
    s = load_settings(TINY / "settings.toml")
    return s.replace(**changes) if changes else s


@pytest.mark.parametrize("policy", ["skip", "next_working_day"])
@pytest.mark.parametrize(
    "start, weeks",
    [(D(2027, 1, 25), 4), (D(2027, 4, 12), 4), (D(2027, 8, 30), 1)],
    ids=["tet", "hung-kings-30-4-1-5", "2-9"],
)
def test_no_run_falls_on_a_public_holiday(start: dt.date, weeks: int, policy: str) -> None:
    for weekdays in [(TUE, FRI), (MON, THU), tuple(range(5))]:
        dates = run_dates(start, weeks, weekdays, policy=policy)
        assert not set(dates.dates) & DAYS_OFF_2027, (weekdays, dates.dates)
        usual = {
            start + dt.timedelta(days=d)
            for d in range(7 * weeks)
            if (start + dt.timedelta(days=d)).weekday() in weekdays
        }
        # Every usual date that is a day off is accounted for, skipped or moved, and no other.
        accounted = {s.date for s in dates.skipped} | {m.date for m in dates.moved}
        assert accounted == usual & DAYS_OFF_2027
        assert {s.reason.kind for s in dates.skipped} <= {"holiday"}


def test_tet_2027_skips_the_runs_of_the_tet_week() -> None:
    dates = run_dates(D(2027, 2, 1), 2, (TUE, FRI), policy="skip")
    assert dates.dates == (D(2027, 2, 2), D(2027, 2, 12))
    assert [(s.date, s.reason.name_vi) for s in dates.skipped] == [
        (D(2027, 2, 5), "Giao thừa Tết Nguyên Đán"),
        (D(2027, 2, 9), "Mùng bốn Tết Nguyên Đán"),
    ]
    assert dates.moved == ()


def test_next_working_day_moves_within_the_week_or_skips() -> None:
    dates = run_dates(D(2027, 2, 1), 2, (TUE, FRI), policy="next_working_day")
    # Fri 5/2: Saturday and Sunday are Tết and the week ends: skipped.
    assert [s.date for s in dates.skipped] == [D(2027, 2, 5)]
    # Tue 9/2: Wednesday 10/2 is mùng 5, Thursday 11/2 is free.
    assert [(m.date, m.to) for m in dates.moved] == [(D(2027, 2, 9), D(2027, 2, 11))]
    assert dates.dates == (D(2027, 2, 2), D(2027, 2, 11), D(2027, 2, 12))


def test_a_moved_run_takes_no_date_that_already_has_one() -> None:
    # Monday 3/5/2027 is Labour Day in lieu; Tuesday has its own run, so Wednesday takes it.
    dates = run_dates(D(2027, 5, 3), 1, (MON, TUE, FRI), policy="next_working_day")
    assert [(m.date, m.to) for m in dates.moved] == [(D(2027, 5, 3), D(2027, 5, 5))]
    assert dates.dates == (D(2027, 5, 4), D(2027, 5, 5), D(2027, 5, 7))


def test_a_run_is_not_moved_to_a_weekend_nor_beyond_the_horizon() -> None:
    # Friday 30/4/2027: Saturday is 1/5, Sunday is no working day.
    dates = run_dates(D(2027, 4, 26), 1, (TUE, FRI), policy="next_working_day")
    assert [s.date for s in dates.skipped] == [D(2027, 4, 30)]
    # Thursday 2/9/2027: Friday is National Day too, Saturday has its own run.
    dates = run_dates(D(2027, 8, 30), 1, (THU, 5), policy="next_working_day")
    assert [s.date for s in dates.skipped] == [D(2027, 9, 2)]
    assert dates.dates == (D(2027, 9, 4),)


def test_closed_dates_and_extra_dates() -> None:
    closed = (D(2027, 3, 9), D(2027, 3, 12))
    dates = run_dates(D(2027, 3, 8), 1, (TUE, FRI), closed=closed, extra=(D(2027, 3, 10),))
    assert dates.dates == (D(2027, 3, 10),)
    assert [(s.date, s.reason.kind) for s in dates.skipped] == [
        (D(2027, 3, 9), "closed"),
        (D(2027, 3, 12), "closed"),
    ]


# ------------------------------------------------------------------- settings


def test_closed_dates_take_dates_and_inclusive_ranges() -> None:
    s = settings_from_mapping(
        {"closed_dates": ["2027-03-08", "2027-02-03..2027-02-05"], "on_closed_day": "skip"},
        source="test",
        base=tiny(),
    )
    assert s.closed_dates == (D(2027, 2, 3), D(2027, 2, 4), D(2027, 2, 5), D(2027, 3, 8))


def test_bad_calendar_settings_are_all_reported() -> None:
    with pytest.raises(InputError) as err:
        settings_from_mapping(
            {
                "closed_dates": ["2027-02-12..2027-02-03"],
                "extra_dates": ["2027-13-45"],
                "on_closed_day": "move",
            },
            source="settings.toml",
            base=tiny(),
        )
    text = "\n".join(str(p) for p in err.value.problems)
    assert "closed_dates" in text and "extra_dates" in text and "on_closed_day" in text
    assert len(err.value.problems) == 3


def test_an_extra_date_on_a_holiday_is_refused() -> None:
    s = tiny(start=D(2027, 2, 1), extra_dates=(D(2027, 2, 10),))
    with pytest.raises(InputError, match="extra_dates.*Lunar New Year"):
        make_plan(s, load_inputs(s), today=D(2027, 1, 1))


def test_a_start_in_the_past_is_warned_about(caplog: pytest.LogCaptureFixture) -> None:
    s = tiny(start=D(2027, 2, 1), weeks=1)
    with caplog.at_level(logging.WARNING, logger="outreach_planner"):
        make_plan(s, load_inputs(s), today=D(2027, 3, 1))
    assert "before today" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="outreach_planner"):
        make_plan(s, load_inputs(s), today=D(2027, 1, 20))
    assert "before today" not in caplog.text


def test_builtin_office_hours_are_lam_dong_s() -> None:
    from outreach_planner.builtin import default_settings_path

    s = load_settings(default_settings_path())
    assert (s.work_start_s, s.lunch_start_s, s.lunch_end_s, s.work_end_s) == (
        7 * 3600 + 1800, 11 * 3600 + 1800, 13 * 3600 + 1800, 17 * 3600 + 1800,
    )  # fmt: skip


# ------------------------------------------------------------------- the outputs


@pytest.fixture(scope="module")
def tet_plan():
    s = tiny(start=D(2027, 2, 1), on_closed_day="next_working_day")
    return make_plan(s, load_inputs(s), today=D(2027, 1, 20))


def test_the_plan_across_tet_has_no_run_on_a_day_off(tet_plan) -> None:
    out = plan_to_json(tet_plan)
    run_days = {D.fromisoformat(r["date"]) for r in out["runs"]}
    assert not run_days & DAYS_OFF_2027
    assert [r["date"] for r in out["runs"]] == ["2027-02-02", "2027-02-11", "2027-02-12"]
    assert out["skipped_dates"] == [
        {
            "date": "2027-02-05",
            "reason": "holiday",
            "name_vi": "Giao thừa Tết Nguyên Đán",
            "name_en": "Lunar New Year's Eve",
        }
    ]
    assert out["moved_dates"][0]["date"] == "2027-02-09"
    assert out["moved_dates"][0]["to"] == "2027-02-11"


def test_the_index_map_says_which_dates_were_skipped_or_moved(tet_plan) -> None:
    vi = html.unescape(render_index_map(tet_plan, Labels("vi")).decode())
    assert "Không có chuyến (ngày nghỉ): Thứ Sáu 05/02/2027 (Giao thừa Tết Nguyên Đán)" in vi
    assert "Thứ Ba 09/02/2027 → Thứ Năm 11/02/2027 (Mùng bốn Tết Nguyên Đán)" in vi
    en = html.unescape(render_index_map(tet_plan, Labels("en")).decode())
    assert "No run (day off): Friday 05/02/2027 (Lunar New Year's Eve)" in en


def test_the_week_overview_says_which_dates_were_skipped(tet_plan, tmp_path: Path) -> None:
    pdf = tmp_path / "week.pdf"
    pdf.write_bytes(render_week_overview(tet_plan, Labels("vi")))
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Giao thừa Tết Nguyên Đán" in text
    assert "Mùng bốn Tết Nguyên Đán" in text


def test_the_terminal_summary_lists_the_skipped_dates(tmp_path: Path) -> None:
    settings = tmp_path / "settings.toml"
    settings.write_text(
        (TINY / "settings.toml")
        .read_text(encoding="utf-8")
        .replace('start = "2026-12-07"', 'start = "2027-02-01"\nclosed_dates = ["2027-02-12"]')
        .replace('villages = "', f'villages = "{TINY.as_posix()}/')
        .replace('communes = "', f'communes = "{TINY.as_posix()}/')
        .replace('programme = "', f'programme = "{TINY.as_posix()}/'),
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "outreach_planner", "plan", "--settings", str(settings),
         "--out", str(tmp_path / "maps"), "--quiet", "--fresh", "--lang", "en"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "05/02/2027 (Lunar New Year's Eve)" in done.stdout
    assert "12/02/2027 (closed in the settings (closed_dates))" in done.stdout
    plan = json.loads((tmp_path / "maps" / "plan.json").read_text(encoding="utf-8"))
    assert [r["date"] for r in plan["runs"]] == ["2027-02-02"]


def test_a_moved_run_says_where_from_and_why(tet_plan, tmp_path: Path) -> None:
    from outreach_planner.render.maps import render_run_map
    from outreach_planner.render.route_sheet import render_route_sheet

    moved = next(i for i, r in enumerate(tet_plan.runs) if r.date == D(2027, 2, 11))
    usual = next(i for i, r in enumerate(tet_plan.runs) if r.date == D(2027, 2, 12))
    page = html.unescape(render_run_map(tet_plan, moved, Labels("vi")).decode())
    assert "Chuyến dời từ Thứ Ba 09/02/2027 (Mùng bốn Tết Nguyên Đán)" in page
    page = html.unescape(render_run_map(tet_plan, usual, Labels("vi")).decode())
    assert "Chuyến dời từ" not in page
    pdf = tmp_path / "sheet.pdf"
    pdf.write_bytes(render_route_sheet(tet_plan, moved, Labels("en")))
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Moved from Tuesday 09/02/2027 (Fourth Day of Lunar New Year)" in " ".join(text.split())
