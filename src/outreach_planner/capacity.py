"""The capacity answer: when stops miss visits for lack of time, what would fit them all.

Each candidate change (a shorter bulletin, a run on one more weekday, more weeks, one more
vehicle) is verified by planning with it; only changes whose plan leaves no stop short of
time are offered, with the exact lines that apply them and their cost in team-hours.
Verification plans use a quarter of the search effort: a plan found with less search
exists, so the change is enough; the few candidates keep the extra time bounded.
"""

from __future__ import annotations

import dataclasses
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from outreach_planner.parse import WEEKDAYS
from outreach_planner.programme import BroadcastProgramme, ProgrammeItem
from outreach_planner.settings import Settings

if TYPE_CHECKING:  # plan.py holds a Capacity
    from outreach_planner.plan import Plan

log = logging.getLogger("outreach_planner")

SHORT_OF_TIME = "no_time"
PHASE = "checking changes that fit every stop"
# A verification plan's search effort, as a share of the plan's own (see the docstring).
VERIFY_EFFORT_SHARE = 4
MIN_VERIFY_EFFORT = 50


@dataclass(frozen=True)
class ItemCut:
    """One programme item's new length in whole minutes (0: drop the item)."""

    index: int  # in the programme's items
    title: str
    was_s: float
    minutes: int
    source: str  # the item's "minutes", "text:<file>" or "audio:<file>"


@dataclass(frozen=True)
class Suggestion:
    """One verified change and what it costs."""

    kind: str  # "cut_bulletin", "add_weekday", "more_weeks", "more_vehicles"
    file: str  # the file the change goes in: "settings.toml" or "programme.toml"
    toml: tuple[str, ...]  # the exact lines that apply it
    settings: tuple[tuple[str, object], ...]  # the settings keys it changes (TOML values)
    cuts: tuple[ItemCut, ...]  # the programme items it shortens (cut_bulletin)
    figures: tuple[tuple[str, int | str], ...]  # minutes, languages, runs, weekday, weeks...
    team_hours: float  # the verified plan's duty hours less this plan's
    still_unassigned: int  # stops the verified plan leaves out for reasons other than time


@dataclass(frozen=True)
class Capacity:
    stops_short: int  # stops missing visits for lack of time
    visits_short: int
    suggestions: tuple[Suggestion, ...]
    plans_tried: int  # verification plans made


Replan = Callable[[Settings, BroadcastProgramme | None], "Plan"]


def capacity_answer(
    plan: Plan,
    programme: BroadcastProgramme,
    replan: Replan,
    report: Callable[[str, int, int], None] | None = None,
) -> Capacity | None:
    """Verified changes that leave no stop short of time; None when none is short.

    `replan(settings, programme)` makes a real plan with changed settings and,
    when given, a changed programme; `report(phase, done, total)` shows progress.
    """
    short = [u for u in plan.unassigned if u.code == SHORT_OF_TIME]
    if not short:
        return None
    settings = plan.settings
    effort = max(MIN_VERIFY_EFFORT, settings.search_effort // VERIFY_EFFORT_SHARE)
    tried = 0
    duty_h = sum(r.duty_s for r in plan.runs) / 3600

    def verify(changed: Settings, prog: BroadcastProgramme | None = None) -> Plan | None:
        nonlocal tried
        if report is not None:
            report(PHASE, tried, tried + 1)
        tried += 1
        fast = changed.replace(
            search_effort=min(effort, changed.search_effort),
            time_cap_s=max(1.0, changed.time_cap_s / VERIFY_EFFORT_SHARE),
        )
        trial = replan(fast, prog)
        ok = not any(u.code == SHORT_OF_TIME for u in trial.unassigned)
        log.info("capacity: %s -> %s", _describe(changed, prog), "fits" if ok else "short")
        return trial if ok else None

    def cost(trial: Plan) -> float:
        return round(sum(r.duty_s for r in trial.runs) / 3600 - duty_h, 1)

    need_s = sum(u.stop.dwell_s * u.missing_visits for u in short)
    suggestions: list[Suggestion] = []
    for make in (_cut_bulletin, _add_weekday, _more_weeks, _more_vehicles):
        found = make(plan, programme, need_s, verify)
        if found is not None:
            trial, suggestion = found
            suggestions.append(
                dataclasses.replace(
                    suggestion,
                    team_hours=cost(trial),
                    still_unassigned=len(trial.unassigned),
                )
            )
    if report is not None:
        report(PHASE, tried, tried)
    return Capacity(
        stops_short=len(short),
        visits_short=sum(u.missing_visits for u in short),
        suggestions=tuple(suggestions),
        plans_tried=tried,
    )


Verify = Callable[[Settings, BroadcastProgramme | None], "Plan | None"]
Found = tuple["Plan", Suggestion] | None


def _suggestion(kind: str, file: str, toml: list[str], **more) -> Suggestion:
    return Suggestion(
        kind=kind,
        file=file,
        toml=tuple(toml),
        settings=more.get("settings", ()),
        cuts=more.get("cuts", ()),
        figures=more.get("figures", ()),
        team_hours=0.0,
        still_unassigned=0,
    )


def _cut_bulletin(plan: Plan, programme: BroadcastProgramme, need_s: int, verify: Verify) -> Found:
    """Shorten the items every stop plays (no language, or Vietnamese), longest first."""
    everywhere = [
        (n, item) for n, item in enumerate(programme.items) if item.language in (None, "vi")
    ]
    room_min = int(sum(item.duration_s for _, item in everywhere) // 60)
    visits = sum(len(r.visits) for r in plan.runs) + sum(u.missing_visits for u in plan.unassigned)
    if not everywhere or room_min < 1 or not visits:
        return None
    # The missing visits' dwell spread over every visit; then twice and four times that.
    first = max(1, math.ceil(need_s / visits / 60))
    found: tuple[int, Plan] | None = None
    too_short = 0  # the longest cut known not to be enough
    for minutes in dict.fromkeys(min(room_min, m) for m in (first, 2 * first, 4 * first)):
        trial = verify(plan.settings, _shortened(programme, _cuts(everywhere, minutes)))
        if trial is not None:
            found = (minutes, trial)
            break
        too_short = minutes
    if found is not None and found[0] - too_short > 1:
        # One halving step towards the smallest cut that is enough (the estimate is rough:
        # a cut shortens the visits already placed too).
        middle = (too_short + found[0] + 1) // 2
        trial = verify(plan.settings, _shortened(programme, _cuts(everywhere, middle)))
        if trial is not None:
            found = (middle, trial)
    if found is None:
        return None
    minutes, trial = found
    cuts = _cuts(everywhere, minutes)
    languages = "vi" if any(item.language == "vi" for _, item in everywhere) else "all"
    return trial, _suggestion(
        "cut_bulletin", "programme.toml", [_cut_line(c) for c in cuts],
        cuts=tuple(cuts),
        figures=(("minutes", minutes), ("languages", languages)),
    )  # fmt: skip


def _cuts(everywhere: list[tuple[int, ProgrammeItem]], minutes: int) -> list[ItemCut]:
    """Take `minutes` off the longest items first, each down to whole minutes."""
    left = minutes * 60.0
    cuts = []
    for n, item in sorted(everywhere, key=lambda e: (-e[1].duration_s, e[0])):
        if left <= 0:
            break
        new_min = max(0, math.floor((item.duration_s - left) / 60))
        left -= item.duration_s - new_min * 60
        cuts.append(ItemCut(n, item.title, item.duration_s, new_min, item.source))
    return cuts


def _shortened(programme: BroadcastProgramme, cuts: list[ItemCut]) -> BroadcastProgramme:
    """The programme with the cut items at their new lengths (an item cut to 0 dropped)."""
    new = {c.index: c.minutes for c in cuts}
    items = tuple(
        dataclasses.replace(item, duration_s=new[n] * 60.0, source="minutes")
        if n in new
        else item
        for n, item in enumerate(programme.items)
        if new.get(n, 1) > 0
    )
    return dataclasses.replace(programme, items=items)


def _cut_line(cut: ItemCut) -> str:
    """The programme.toml change: the item's new `minutes`, replacing its length line."""
    was = f"{cut.was_s / 60:.1f} → {cut.minutes} min"
    if cut.minutes == 0:
        return f'[[items]] title = "{cut.title}": remove the item  # {was}'
    kind, _, file = cut.source.partition(":")
    instead = f' instead of {kind} = "{file}"' if file else ""
    return f'[[items]] title = "{cut.title}": minutes = {cut.minutes}{instead}  # {was}'


def _free_weekday(settings: Settings) -> int | None:
    """The working weekday farthest from the usual run days (Monday to Friday)."""
    free = [d for d in range(5) if d not in settings.weekdays]
    if not free:
        return None
    return max(free, key=lambda d: (min(abs(d - w) for w in settings.weekdays), -d))


def _add_weekday(plan: Plan, programme: BroadcastProgramme, need_s: int, verify: Verify) -> Found:
    day = _free_weekday(plan.settings)
    if day is None:
        return None
    weekdays = tuple(sorted((*plan.settings.weekdays, day)))
    changed = plan.settings.replace(weekdays=weekdays)
    trial = verify(changed, None)
    if trial is None:
        return None
    added = len(trial.runs) - len(plan.runs)
    names = [WEEKDAYS[d] for d in weekdays]
    line = "weekdays = [" + ", ".join(f'"{n}"' for n in names) + "]"
    return trial, _suggestion(
        "add_weekday", "settings.toml", [line],
        settings=(("weekdays", names),),
        figures=(("runs", added), ("weekday", WEEKDAYS[day])),
    )  # fmt: skip


def _more_weeks(plan: Plan, programme: BroadcastProgramme, need_s: int, verify: Verify) -> Found:
    s = plan.settings
    working_s = (s.lunch_start_s - s.work_start_s) + (s.work_end_s - s.lunch_end_s)
    per_week = max(1.0, len(plan.runs) / s.weeks) * working_s
    first = max(1, math.ceil(need_s / per_week))
    for more in dict.fromkeys((first, first + 1, 2 * first)):
        if s.weeks + more > 52:
            break
        trial = verify(s.replace(weeks=s.weeks + more), None)
        if trial is not None:
            return trial, _suggestion(
                "more_weeks", "settings.toml", [f"weeks = {s.weeks + more}"],
                settings=(("weeks", s.weeks + more),),
                figures=(("weeks", more),),
            )  # fmt: skip
    return None


def _more_vehicles(plan: Plan, programme: BroadcastProgramme, need_s: int, verify: Verify) -> Found:
    s = plan.settings
    if s.vehicles >= 20:
        return None
    trial = verify(s.replace(vehicles=s.vehicles + 1), None)
    if trial is None:
        return None
    return trial, _suggestion(
        "more_vehicles", "settings.toml", [f"vehicles = {s.vehicles + 1}"],
        settings=(("vehicles", s.vehicles + 1),),
        figures=(("vehicles", s.vehicles + 1), ("runs", len(trial.runs) - len(plan.runs))),
    )  # fmt: skip


def _describe(settings: Settings, programme: BroadcastProgramme | None) -> str:
    return (
        f"weeks {settings.weeks}, weekdays {settings.weekdays}, vehicles {settings.vehicles}"
        + ("" if programme is None else f", programme {len(programme.items)} items")
    )

