"""Each unassigned stop carries a stable `code` beside its reason, worded in each language."""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
from pathlib import Path

from outreach_planner.io.plan_json import plan_to_json
from outreach_planner.labels import REASON_CODES, Labels
from outreach_planner.planner import Inputs, load_inputs, make_plan
from outreach_planner.render.maps import render_index_map
from outreach_planner.settings import load_settings

TINY = Path(__file__).parent / "data" / "tiny"
TODAY = dt.date(2026, 12, 1)


def _plan(edit=None, **changes):
    s = load_settings(TINY / "settings.toml")
    s = s.replace(**changes) if changes else s
    inputs = load_inputs(s)
    if edit is not None:
        stops = tuple(edit(i, stop) for i, stop in enumerate(inputs.stops))
        inputs = Inputs(inputs.communes, stops, inputs.programme)
    return make_plan(s, inputs, today=TODAY)


def _codes(plan) -> dict[str, str]:
    return {u["stop_id"]: u["code"] for u in plan_to_json(plan)["unassigned"]}


def test_a_stop_pinned_to_a_day_without_runs() -> None:
    # Monday 7/12/2026 has no run (Tuesday and Friday do).
    def pin_first(i, stop):
        return dataclasses.replace(stop, pin_dates=(dt.date(2026, 12, 7),)) if i == 0 else stop

    plan = _plan(pin_first)
    first = plan.stops[0].id
    assert _codes(plan) == {first: "pin_without_runs"}
    (u,) = plan_to_json(plan)["unassigned"]
    assert u["reason_vi"] == "điểm được ghim vào những ngày không có chuyến nào"


def test_a_window_too_narrow_for_the_dwell() -> None:
    # Broadcast between 09:00 and 09:02: no bulletin of minutes fits, though the day would.
    def narrow(i, stop):
        if i != 1:
            return stop
        return dataclasses.replace(stop, earliest_s=9 * 3600, latest_s=9 * 3600 + 120)

    plan = _plan(narrow)
    assert _codes(plan) == {plan.stops[1].id: "window_too_narrow"}
    (u,) = plan_to_json(plan)["unassigned"]
    assert "08:56–09:02" in u["reason_vi"]  # the window with the 4 min setup before it


def test_too_few_runs_for_the_visits_asked() -> None:
    # 3 visits a week apart in 2 weeks cannot be had: at most 2.
    plan = _plan(lambda i, stop: dataclasses.replace(stop, min_visits=3) if i == 2 else stop)
    assert _codes(plan) == {plan.stops[2].id: "too_few_runs"}
    (u,) = plan_to_json(plan)["unassigned"]
    assert u["missing_visits"] == 1
    assert "cần 3 lượt cách nhau ít nhất 7 ngày" in u["reason_vi"]


def test_stops_short_of_time_say_no_time() -> None:
    # Two hours of extra dwell at every stop and one run: the day cannot hold them all.
    plan = _plan(
        lambda i, stop: dataclasses.replace(stop, dwell_s=stop.dwell_s + 2 * 3600),
        weeks=1,
        weekdays=(1,),
    )
    codes = _codes(plan)
    assert codes and set(codes.values()) == {"no_time"}
    # Checked against the inputs: a run really cannot take one more of these stops.
    visited = sum(len(r.visits) for r in plan.runs)
    assert visited + len(codes) == len(plan.stops)
    assert len(codes) >= 1


def test_the_index_map_gives_the_count_the_reason_and_a_legend() -> None:
    def pin_first(i, stop):
        return dataclasses.replace(stop, pin_dates=(dt.date(2026, 12, 7),)) if i == 0 else stop

    plan = _plan(pin_first)
    vi = html.unescape(render_index_map(plan, Labels("vi")).decode())
    assert "Chưa xếp được: 1 điểm dừng" in vi
    assert "1 × điểm được ghim vào những ngày không có chuyến nào" in vi
    assert "Viền đỏ: điểm chưa xếp được" in vi
    en = html.unescape(render_index_map(plan, Labels("en")).decode())
    assert "Not placed: 1 stops" in en
    assert "it is pinned to days on which no run is planned" in en


def test_every_code_has_vietnamese_words() -> None:
    vi = Labels("vi")
    for code in REASON_CODES:
        text = vi.reason(code, (), "ENGLISH")
        assert text != "ENGLISH" or code in {"no_time", "too_few_runs", "window_too_narrow",
                                             "too_far", "dwell_too_long"}, code  # fmt: skip
