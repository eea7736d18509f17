"""Text a person types, read in one way everywhere: dates, clock times, weekdays, positions.

Settings files, the stop list, the command line and the logbook all read these; each parser
returns None for text it cannot read, and the caller reports it with its own file, row and
field. The formatters beside them write what the parsers read back.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from outreach_planner.geo import LonLat

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
WEEKDAYS_VI = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")


def parse_date(text: object) -> dt.date | None:
    """A date from 'YYYY-MM-DD' (or a date a TOML file already parsed), else None."""
    if isinstance(text, dt.date) and not isinstance(text, dt.datetime):
        return text
    if not isinstance(text, str):
        return None
    try:
        return dt.date.fromisoformat(text.strip()) if len(text.strip()) == 10 else None
    except ValueError:
        return None


def parse_date_list(value: object, *, ranges: bool = False) -> tuple[dt.date, ...] | None:
    """Sorted distinct dates from a list of dates (and "FIRST..LAST" inclusive ranges)."""
    if not isinstance(value, list):
        return None
    dates: set[dt.date] = set()
    for item in value:
        if ranges and isinstance(item, str) and ".." in item:
            first, _, last = item.partition("..")
            a, b = parse_date(first), parse_date(last)
            if a is None or b is None or b < a or (b - a).days > 366:
                return None
            dates.update(a + dt.timedelta(days=d) for d in range((b - a).days + 1))
        else:
            day = parse_date(item)
            if day is None:
                return None
            dates.add(day)
    return tuple(sorted(dates))


def parse_clock(text: object) -> int | None:
    """Seconds after midnight for 'HH:MM', or None when it is not such a time."""
    if not isinstance(text, str):
        return None
    try:
        t = dt.time.fromisoformat(text.strip())
    except ValueError:
        return None
    return t.hour * 3600 + t.minute * 60 + t.second


def clock(seconds: int) -> str:
    """HH:MM for seconds after midnight (what `parse_clock` reads)."""
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


def parse_weekday(text: object) -> int | None:
    """0 (Monday) to 6 from an English day name or a prefix of 2+ letters naming one day."""
    name = str(text).strip().lower()
    matches = [i for i, d in enumerate(WEEKDAYS) if d.startswith(name) and len(name) >= 2]
    return matches[0] if len(matches) == 1 else None


def parse_weekdays(value: object) -> tuple[int, ...] | None:
    """Weekday numbers in order from a list of names or a text separated by ';' or ','.

    Empty text or an empty list gives (); a name that is no day, or names no one day, or the
    same day twice ("tue;tuesday") gives None. A repeated day is refused everywhere (settings,
    stop list, command line) rather than merged: it is more often a slip for another day
    ("tuesday;tuesday" meant for "tuesday;thursday") than meant, and merging it would
    silently halve the runs or pins.
    """
    if isinstance(value, str):
        value = [v for v in value.replace(";", ",").split(",") if v.strip()]
    if not isinstance(value, list | tuple):
        return None
    days: list[int] = []
    for v in value:
        day = parse_weekday(v)
        if day is None or day in days:
            return None
        days.append(day)
    return tuple(sorted(days))


def parse_lonlat(text: object) -> LonLat | None:
    """'LON,LAT' (or a two-number list) as a LonLat, None when malformed or out of range."""
    parts: list[Any]
    if isinstance(text, str):
        parts = text.split(",")
    elif isinstance(text, list | tuple):
        parts = list(text)
    else:
        return None
    if len(parts) != 2:
        return None
    try:
        return LonLat(float(parts[0]), float(parts[1]))
    except (TypeError, ValueError):
        return None
