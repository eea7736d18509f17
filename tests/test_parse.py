"""The one reading of dates, clock times, weekdays and positions (outreach_planner.parse)."""

from __future__ import annotations

import datetime as dt

import pytest

from outreach_planner.geo import LonLat
from outreach_planner.parse import (
    clock,
    parse_clock,
    parse_date,
    parse_lonlat,
    parse_weekday,
    parse_weekdays,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-08", dt.date(2026, 12, 8)),
        (" 2026-12-08 ", dt.date(2026, 12, 8)),
        (dt.date(2026, 12, 8), dt.date(2026, 12, 8)),  # TOML reads dates itself
        ("2026-02-30", None),
        ("20261208", None),  # only the dashed form
        ("08/12/2026", dt.date(2026, 12, 8)),  # a Vietnamese spreadsheet: day first, always
        ("8/12/2026", dt.date(2026, 12, 8)),
        ("08.12.2026", dt.date(2026, 12, 8)),
        ("12/31/2026", None),  # month/day is never guessed: refused, not misread
        ("31/02/2026", None),
        ("08/12/26", None),  # a two-digit year is not guessed either
        (dt.datetime(2026, 12, 8, 7), None),  # a moment is not a date
        (None, None),
    ],
)
def test_parse_date(text: object, expected: dt.date | None) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("07:00", 7 * 3600), ("13:30", 13 * 3600 + 1800), ("7:00", 7 * 3600), ("8:00", 8 * 3600),
     ("08:00:00", 8 * 3600), ("8h30", 8 * 3600 + 1800), ("8h", 8 * 3600), ("25:00", None),
     ("7:60", None), ("8:0", None), ("8", None), ("", None), (700, None)],
)  # fmt: skip
def test_parse_clock(text: object, expected: int | None) -> None:
    assert parse_clock(text) == expected


def test_clock_is_read_back_by_parse_clock() -> None:
    for seconds in range(0, 24 * 3600, 15 * 60):
        assert parse_clock(clock(seconds)) == seconds


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("tuesday;friday", (1, 4)),
        ("Fri, tu", (1, 4)),
        (["friday", "tuesday"], (1, 4)),
        ("", ()),
        ([], ()),
        ("tuesday;;", (1,)),
        ("t", None),  # tuesday or thursday
        ("funday", None),
        ("tuesday;tue", None),  # the same day twice: refused, not merged
        ("thứ ba;thứ sáu", (1, 4)),  # Vietnamese: thứ hai (2) is Monday ... chủ nhật Sunday
        ("Thứ Sáu", (4,)),
        ("T3, T6", (1, 4)),
        ("thu 6;CN", (4, 6)),
        ("Chủ nhật", (6,)),
        ("thứ tư", (2,)),
        ("T8", None),
        ("thứ ba;tuesday", None),
        (["monday", "monday"], None),
        (3, None),
    ],
)
def test_parse_weekdays(value: object, expected: tuple[int, ...] | None) -> None:
    assert parse_weekdays(value) == expected


def test_parse_weekday_needs_two_letters() -> None:
    assert parse_weekday("mo") == 0 and parse_weekday("m") is None and parse_weekday("SU") == 6


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("107.61,12.25", LonLat(107.61, 12.25)),
        ([107.61, 12.25], LonLat(107.61, 12.25)),
        ("107.61", None),
        ("200,12", None),  # out of range
        ("a,b", None),
        ("1,2,3", None),
        (None, None),
    ],
)
def test_parse_lonlat(text: object, expected: LonLat | None) -> None:
    assert parse_lonlat(text) == expected
