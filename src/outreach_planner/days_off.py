"""Which dates of the horizon get a run: the usual weekdays, less the days off, plus extras.

Days off are Vietnam's public holidays (the `holidays` library, country VN: the lunar Tết
days and Hùng Kings' day included, with the substitute days the government announces) and
the settings' `closed_dates`. A run that falls on one is skipped, or moved to the next free
working day of the same week (`on_closed_day = "next_working_day"`).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass

import holidays

from outreach_planner.errors import InputError, Problem
from outreach_planner.settings import ON_CLOSED_DAY as POLICIES
from outreach_planner.settings import Settings

log = logging.getLogger("outreach_planner")

HOLIDAY_COUNTRY = "VN"


@dataclass(frozen=True)
class DayOff:
    """Why no run may fall on a date, in both languages of the outputs."""

    date: dt.date
    kind: str  # "holiday" (public holiday) or "closed" (the settings' closed_dates)
    name_vi: str
    name_en: str

    def name(self, lang: str) -> str:
        return self.name_vi if lang == "vi" else self.name_en


@dataclass(frozen=True)
class SkippedDate:
    """A usual run date that has no run, and the day off that took it."""

    date: dt.date
    reason: DayOff


@dataclass(frozen=True)
class MovedDate:
    """A usual run date whose run moved to a later day of the same week."""

    date: dt.date
    to: dt.date
    reason: DayOff


@dataclass(frozen=True)
class RunDates:
    dates: tuple[dt.date, ...]
    skipped: tuple[SkippedDate, ...] = ()
    moved: tuple[MovedDate, ...] = ()


def public_holidays(first: dt.date, last: dt.date) -> dict[dt.date, DayOff]:
    """Vietnam's public holidays from `first` to `last` (inclusive)."""
    years = list(range(first.year, last.year + 1))
    vi = holidays.country_holidays(HOLIDAY_COUNTRY, years=years, language="vi")
    en = holidays.country_holidays(HOLIDAY_COUNTRY, years=years, language="en_US")
    return {
        day: DayOff(day, "holiday", vi[day], en.get(day, vi[day]))
        for day in sorted(vi)
        if first <= day <= last
    }


_CLOSED_VI = "ngày nghỉ theo cài đặt (closed_dates)"
_CLOSED_EN = "closed in the settings (closed_dates)"


def days_off(
    first: dt.date, last: dt.date, closed: Iterable[dt.date] = ()
) -> dict[dt.date, DayOff]:
    """Every day off from `first` to `last`: public holidays, then the closed dates."""
    off = public_holidays(first, last)
    for day in closed:
        if first <= day <= last and day not in off:
            off[day] = DayOff(day, "closed", _CLOSED_VI, _CLOSED_EN)
    return off


def run_dates(
    start: dt.date,
    weeks: int,
    weekdays: Iterable[int],
    *,
    closed: Iterable[dt.date] = (),
    extra: Iterable[dt.date] = (),
    policy: str = "skip",
) -> RunDates:
    """The run dates of the horizon `start` .. `start + 7 * weeks - 1`.

    A usual run on a day off is skipped, or with `next_working_day` moved to the
    next date of the same week (Monday to Sunday, inside the horizon) that is a
    working day (Monday to Friday or a usual run weekday), is not a day off and
    has no run yet; with no such date it is skipped. Extra dates inside the
    horizon are runs too (the settings check that none is a day off).
    """
    if policy not in POLICIES:
        raise ValueError(f"on_closed_day must be one of {POLICIES}, got {policy!r}")
    last = start + dt.timedelta(days=7 * weeks - 1)
    usual_days = set(weekdays)
    off = days_off(start, last, closed)
    horizon = [start + dt.timedelta(days=d) for d in range(7 * weeks)]
    usual = [day for day in horizon if day.weekday() in usual_days]
    taken = {day for day in usual if day not in off}
    taken |= {day for day in extra if start <= day <= last and day not in off}
    skipped: list[SkippedDate] = []
    moved: list[MovedDate] = []
    for day in usual:
        if day not in off:
            continue
        to = None
        if policy == "next_working_day":
            to = next(
                (
                    later
                    for later in _rest_of_week(day, last)
                    if (later.weekday() < 5 or later.weekday() in usual_days)
                    and later not in off
                    and later not in taken
                ),
                None,
            )
        if to is None:
            skipped.append(SkippedDate(day, off[day]))
        else:
            taken.add(to)
            moved.append(MovedDate(day, to, off[day]))
    return RunDates(tuple(sorted(taken)), tuple(skipped), tuple(moved))


def _rest_of_week(day: dt.date, last: dt.date) -> list[dt.date]:
    """The days after `day` up to its week's Sunday, not beyond `last`."""
    return [
        day + dt.timedelta(days=d)
        for d in range(1, 7 - day.weekday())
        if day + dt.timedelta(days=d) <= last
    ]


def horizon_dates(settings: Settings, start: dt.date) -> RunDates:
    """The run dates of the horizon: usual weekdays less days off, plus extra dates."""
    dates = run_dates(
        start,
        settings.weeks,
        settings.weekdays,
        closed=settings.closed_dates,
        extra=settings.extra_dates,
        policy=settings.on_closed_day,
    )
    last = start + dt.timedelta(days=7 * settings.weeks - 1)
    off = days_off(start, last, settings.closed_dates)
    clash = [d for d in settings.extra_dates if d in off]
    if clash:
        raise InputError(
            [
                Problem("settings", "", "extra_dates", d.isoformat(),
                        f"a date that is not a day off ({off[d].name_en})")  # fmt: skip
                for d in clash
            ]
        )
    outside = [d.isoformat() for d in settings.extra_dates if not start <= d <= last]
    if outside:
        log.warning("extra_dates outside the horizon %s..%s ignored: %s",
                    start, last, ", ".join(outside))  # fmt: skip
    return dates
