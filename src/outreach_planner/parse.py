"""Text a person types, read in one way everywhere: dates, clock times, weekdays, positions.

Settings files, the stop list, the command line and the logbook all read these; each parser
returns None for text it cannot read, and the caller reports it with its own file, row and
field. The formatters beside them write what the parsers read back.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

from outreach_planner.geo import LonLat

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
WEEKDAYS_VI = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")


# The habits of a Vietnamese spreadsheet: 08/12/2026 is always day/month (never the
# American month/day), 8:00 has one hour digit, 8h30 is how a time is written by hand.
_DMY = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_CLOCK = re.compile(r"(\d{1,2})(?::(\d{2})(?::(\d{2}))?|\s*[hH]\s*(\d{2})?)")


def parse_date(text: object) -> dt.date | None:
    """A date from 'YYYY-MM-DD' or 'DD/MM/YYYY' (also D/M/YYYY, DD-MM-YYYY, DD.MM.YYYY:
    day first, always), or a date a TOML file already parsed; else None."""
    if isinstance(text, dt.date) and not isinstance(text, dt.datetime):
        return text
    if not isinstance(text, str):
        return None
    text = text.strip()
    try:
        if len(text) == 10 and text[4] == "-":
            return dt.date.fromisoformat(text)
        match = _DMY.fullmatch(text)
        if match:
            return dt.date(int(match[3]), int(match[2]), int(match[1]))
    except ValueError:
        return None
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
    """Seconds after midnight for 'HH:MM' (also 8:00, 08:00:00, 8h30, 8h), else None."""
    if not isinstance(text, str):
        return None
    match = _CLOCK.fullmatch(text.strip())
    if match is None:
        return None
    hour = int(match[1])
    minute = int(match[2] or match[4] or 0)
    second = int(match[3] or 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    return hour * 3600 + minute * 60 + second


def clock(seconds: int) -> str:
    """HH:MM for seconds after midnight (what `parse_clock` reads)."""
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


# Vietnamese weekdays are numbered from Monday = thứ hai (2) to Saturday = thứ bảy (7);
# Sunday is chủ nhật (CN). Written in words, digits or short (T6), with or without accents.
_VI_NUMBER_WORDS = {"hai": 2, "ba": 3, "tu": 4, "nam": 5, "sau": 6, "bay": 7}
_VI_DAY = re.compile(r"(?:thu|t)\s*([2-7]|hai|ba|tu|nam|sau|bay)")


def _fold(text: str) -> str:
    """Lower case without accents: 'Thứ Sáu' -> 'thu sau', 'Chủ nhật' -> 'chu nhat'."""
    text = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).lower().split())


def _vietnamese_weekday(name: str) -> int | None:
    if name in ("cn", "chu nhat", "chunhat"):
        return 6
    match = _VI_DAY.fullmatch(name)
    if match is None:
        return None
    number = int(match[1]) if match[1].isdigit() else _VI_NUMBER_WORDS[match[1]]
    return number - 2


def parse_weekday(text: object) -> int | None:
    """0 (Monday) to 6 from an English day name or a prefix of 2+ letters naming one day,
    or a Vietnamese one: 'thứ sáu', 'Thứ 6', 'thu 6', 'T6', 'chủ nhật', 'CN'."""
    name = _fold(str(text))
    vietnamese = _vietnamese_weekday(name)
    if vietnamese is not None:
        return vietnamese
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
