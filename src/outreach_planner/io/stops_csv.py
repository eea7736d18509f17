"""The editable stop list: a CSV a planner opens in a spreadsheet (UTF-8 with BOM).

One row per stop. `villages` lists village ids separated by ';'; `population`
is written for reading only (recomputed from the villages, or taken from
`people_override`). Empty cells mean "no adjustment".
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import math
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path

from outreach_planner.domain import Stop, Village
from outreach_planner.errors import InputError, ProblemCollector, expected_key
from outreach_planner.geo import LonLat, geodesic_m
from outreach_planner.io.atomic import write_atomic
from outreach_planner.io.files import MB, NotAnInputFile, read_input_bytes
from outreach_planner.io.ids import id_problem
from outreach_planner.parse import WEEKDAYS, clock, parse_clock, parse_date, parse_weekdays

log = logging.getLogger("outreach_planner")

COLUMNS = (
    "id",
    "name",
    "lon",
    "lat",
    "villages",
    "population",
    "enabled",
    "min_visits",
    "priority",
    "pin_weekdays",
    "pin_dates",
    "earliest",
    "latest",
    "extra_dwell_min",
    "people_override",
    "notes",
    "locked",
)
# The fields `stops set` may change (id and population are not edited by hand).
EDITABLE = tuple(c for c in COLUMNS if c not in ("id", "population"))

_YES = {"yes", "y", "true", "1", "có", "co", "x", ""}  # empty: no adjustment, so enabled
_NO = {"no", "n", "false", "0", "không", "khong"}
# More people than any town centre a loudspeaker reaches: a typo, not a figure.
MAX_STOP_PEOPLE = 1_000_000


def _cell(value: str) -> str:
    # A spreadsheet runs a cell starting with these as a formula; a quote keeps it text.
    return (
        "'" + value if value.startswith(("=", "+", "-", "@")) and not _is_number(value) else value
    )


def _uncell(value: str) -> str:
    """Undo `_cell`: the quote that kept a formula-like text from running."""
    return value[1:] if value[:1] == "'" and value[1:2] in ("=", "+", "-", "@") else value


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def stop_row(stop: Stop) -> dict[str, str]:
    """A stop as the text cells of its row."""
    return {
        "id": stop.id,
        "name": stop.name,
        "lon": f"{stop.position.lon:.6f}",
        "lat": f"{stop.position.lat:.6f}",
        "villages": ";".join(v.id for v in stop.villages),
        "population": str(stop.population),
        "enabled": "yes" if stop.enabled else "no",
        "min_visits": str(stop.min_visits),
        "priority": f"{stop.priority:g}",
        "pin_weekdays": ";".join(WEEKDAYS[d] for d in stop.pin_weekdays),
        "pin_dates": ";".join(d.isoformat() for d in stop.pin_dates),
        "earliest": clock(stop.earliest_s) if stop.earliest_s is not None else "",
        "latest": clock(stop.latest_s) if stop.latest_s is not None else "",
        "extra_dwell_min": f"{stop.extra_dwell_s / 60:g}" if stop.extra_dwell_s else "",
        "people_override": "" if stop.people_override is None else str(stop.people_override),
        "notes": stop.notes,
        "locked": format_locks(stop.locked),
    }


def render_stops_csv(stops: Sequence[Stop]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for stop in sorted(stops, key=lambda s: s.id):
        writer.writerow({k: _cell(v) for k, v in stop_row(stop).items()})
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


def write_stops(path: Path, stops: Sequence[Stop]) -> None:
    """Write the stop list atomically: a failed write leaves the planner's file as it was."""
    write_atomic(path, render_stops_csv(stops))


def decode_spreadsheet_text(data: bytes) -> str | None:
    """The text of a CSV as a spreadsheet saved it: UTF-8 (with or without BOM) when the
    bytes are valid UTF-8, else Windows-1258, the code page Excel on a Vietnamese Windows
    saves "CSV" in; NFC, since cp1258 writes tone marks as separate combining characters.
    None for bytes no spreadsheet saves as CSV text (UTF-16 has NUL bytes)."""
    if b"\x00" in data:
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1258")
        except UnicodeDecodeError:
            return None
        log.info("read as Windows-1258 (not UTF-8); `stops` edits save it as UTF-8")
    return unicodedata.normalize("NFC", text)


def read_rows(path: Path) -> list[dict[str, str]]:
    """The CSV's rows as text cells; unreadable or malformed files raise InputError."""
    problems = ProblemCollector(str(path))
    try:
        data = read_input_bytes(path, limit=16 * MB)
    except FileNotFoundError:
        problems.add("", "", str(path), "an existing stop list (make one with `stops init`)")
        raise InputError(problems.problems) from None
    except NotAnInputFile as exc:
        problems.add("", "", str(path), str(exc))
        raise InputError(problems.problems) from None
    except OSError as exc:
        problems.add("", "", exc.strerror, "a readable stop list")
        raise InputError(problems.problems) from None
    text = decode_spreadsheet_text(data)
    if text is None:
        utf16 = b"\x00" in data
        where = data.index(b"\x00") if utf16 else 0
        problems.add(f"byte {where}", "", data[where : where + 4],
                     "UTF-8 text or Windows-1258 (Excel's Vietnamese CSV)"
                     + ("; this is UTF-16: save it as 'CSV UTF-8'" if utf16 else ""))  # fmt: skip
        raise InputError(problems.problems) from None
    if not text.strip():
        problems.add("", "", "empty file", f"a CSV with the header {','.join(COLUMNS)}")
        raise InputError(problems.problems)
    # Spreadsheets in Vietnamese locales often save with ';' between cells.
    first = text.splitlines()[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
        rows = list(reader)
    except csv.Error as exc:
        problems.add("", "", str(exc), "a well-formed CSV file")
        raise InputError(problems.problems) from None
    header = reader.fieldnames or []
    for col in header:
        if col not in COLUMNS:
            problems.add("header", col, col, expected_key(col, COLUMNS))
    for col in ("id", "lon", "lat", "villages"):
        if col not in header:
            problems.add("header", col, None, "a column named " + col)
    problems.raise_if_any()
    for n, row in enumerate(rows, start=2):
        if None in row:
            problems.add(f"row {n}", "", row[None], f"at most {len(header)} cells")  # type: ignore[index]
    problems.raise_if_any()
    return [
        {k: _uncell((v or "").strip()) for k, v in row.items() if k is not None} for row in rows
    ]


def load_stops(
    path: Path,
    *,
    villages: Mapping[str, Village],
    radius_m: float,
    default_min_visits: int,
) -> list[Stop]:
    """Read the stop list; every bad cell of every row is reported at once.

    Villages are looked up by id; a village may belong to one stop only.
    """
    stops = stops_from_rows(
        read_rows(path), str(path), villages=villages, default_min_visits=default_min_visits
    )
    for stop in stops:
        for v, d in far_villages(stop, radius_m):
            log.warning(
                "%s: stop %s: village %s is %.0f m away, beyond the audible radius of %.0f m",
                path,
                stop.id,
                v.id,
                d,
                radius_m,
            )
    return stops


def stops_from_rows(
    rows: Sequence[Mapping[str, str]],
    source: str,
    *,
    villages: Mapping[str, Village],
    default_min_visits: int,
) -> list[Stop]:
    """Stops from text rows (data row n is line n + 1 of the file), validated together."""
    problems = ProblemCollector(source)
    stops: list[Stop] = []
    seen_ids: dict[str, int] = {}
    owner: dict[str, str] = {}
    for n, row in enumerate(rows, start=2):
        stop = parse_row(row, n, problems, villages=villages, default_min_visits=default_min_visits)
        if stop is None:
            continue
        where = f"row {n} (id {stop.id})"
        if stop.id in seen_ids:
            problems.add(where, "id", stop.id, f"an id not already used in row {seen_ids[stop.id]}")
            continue
        seen_ids[stop.id] = n
        for v in stop.villages:
            if v.id in owner:
                problems.add(
                    where, "villages", v.id, f"a village not already in stop {owner[v.id]}"
                )
            owner[v.id] = stop.id
        stops.append(stop)
    if not rows:
        problems.add("", "rows", 0, "at least one stop")
    problems.raise_if_any()
    return stops


def parse_row(
    row: Mapping[str, str],
    n: int,
    problems: ProblemCollector,
    *,
    villages: Mapping[str, Village],
    default_min_visits: int,
) -> Stop | None:
    """One row as a Stop, or None after adding its problems."""
    sid = row.get("id", "")
    where = f"row {n}" + (f" (id {sid})" if sid else "")
    before = len(problems.problems)

    def add(field: str, expected: str) -> None:
        problems.add(where, field, row.get(field), expected)

    if not sid:
        add("id", "a stop id")
    elif (wrong := id_problem(sid)) is not None:
        add("id", wrong)
    position = None
    lon, lat = _number(row.get("lon", "")), _number(row.get("lat", ""))
    try:
        position = LonLat(lon, lat)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        problems.add(
            where,
            "lon/lat",
            [row.get("lon"), row.get("lat")],
            "longitude -180..180 and latitude -90..90",
        )
    members: list[Village] = []
    listed = [v.strip() for v in row.get("villages", "").split(";") if v.strip()]
    for vid in listed:
        if vid not in villages:
            problems.add(where, "villages", vid, "the id of a village in the villages file")
        else:
            members.append(villages[vid])
    enabled = row.get("enabled", "yes").lower()
    if enabled not in _YES | _NO:
        add("enabled", "yes or no")
    min_visits = _whole(row.get("min_visits", ""))
    if min_visits is None:
        min_visits = default_min_visits
    if isinstance(min_visits, _Bad) or not 0 <= min_visits <= 100:
        add("min_visits", "a whole number from 0 to 100, or empty for the default")
    priority = _number(row.get("priority", ""))
    if priority is None:
        priority = 1.0
    if isinstance(priority, _Bad) or not 0 < priority <= 100:
        add("priority", "a number above 0 and at most 100 (1 = normal, 2 = counts double)")
    weekdays = parse_weekdays(row.get("pin_weekdays", ""))
    if weekdays is None:
        add("pin_weekdays", "distinct weekdays separated by ';', e.g. tuesday;friday or T3;T6")
    dates = _dates(row.get("pin_dates", ""))
    if dates is None:
        add("pin_dates", "dates DD/MM/YYYY or YYYY-MM-DD separated by ';'")
    earliest = _clock(row.get("earliest", ""))
    latest = _clock(row.get("latest", ""))
    if isinstance(earliest, _Bad):
        add("earliest", "a time HH:MM (8:00, 08:00, 8h30), or empty")
    if isinstance(latest, _Bad):
        add("latest", "a time HH:MM (8:00, 08:00, 8h30), or empty")
    if isinstance(earliest, int) and isinstance(latest, int) and earliest >= latest:
        add("latest", f"a time after earliest ({row.get('earliest')})")
    extra = _number(row.get("extra_dwell_min", "")) or 0.0
    if isinstance(extra, _Bad) or not 0 <= extra <= 600:
        add("extra_dwell_min", "minutes from 0 to 600, or empty")
    people = _whole(row.get("people_override", ""))
    if isinstance(people, _Bad) or (isinstance(people, int) and not 0 <= people <= MAX_STOP_PEOPLE):
        add("people_override", f"a whole number of people up to {MAX_STOP_PEOPLE:,}, or empty")
    locked = parse_locks(row.get("locked", ""))
    if locked is None:
        add("locked", "run dates YYYY-MM-DD (or YYYY-MM-DD/VEHICLE) separated by ';'")
    if not listed and people is None:
        add("villages", "at least one village id, or a people_override for a stop without villages")
    if len(problems.problems) > before or position is None:
        return None
    # Every value was checked above; these narrow the types for the reader.
    assert isinstance(min_visits, int) and isinstance(priority, float)
    assert weekdays is not None and dates is not None and isinstance(extra, float)
    assert locked is not None
    return Stop(
        id=sid,
        name=row.get("name") or sid,
        position=position,
        villages=tuple(sorted(members, key=lambda v: v.id)),
        min_visits=min_visits,
        enabled=enabled in _YES,
        priority=priority,
        pin_weekdays=weekdays,
        pin_dates=dates,
        earliest_s=earliest if isinstance(earliest, int) else None,
        latest_s=latest if isinstance(latest, int) else None,
        extra_dwell_s=round(extra * 60),
        notes=row.get("notes", ""),
        people_override=people if isinstance(people, int) else None,
        locked=locked,
    )


def far_villages(stop: Stop, radius_m: float) -> list[tuple[Village, float]]:
    """Villages of `stop` beyond the audible radius, with their distance in metres."""
    out = []
    for v in stop.villages:
        d = geodesic_m(stop.position, v.position)
        if d > radius_m:
            out.append((v, d))
    return out


class _Bad:
    """A cell that does not parse (distinct from an empty cell, which is None)."""


BAD = _Bad()


def _number(text: str) -> float | None | _Bad:
    if text == "":
        return None
    try:
        value = float(text.replace(",", "."))  # a decimal comma from a Vietnamese locale
    except ValueError:
        return BAD
    return value if math.isfinite(value) else BAD


def _whole(text: str) -> int | None | _Bad:
    value = _number(text)
    if isinstance(value, float):
        return int(value) if value.is_integer() else BAD
    return value


def _dates(text: str) -> tuple[dt.date, ...] | None:
    dates = []
    for part in [p.strip() for p in text.replace(",", ";").split(";") if p.strip()]:
        d = parse_date(part)
        if d is None:
            return None
        dates.append(d)
    return tuple(sorted(set(dates)))


def parse_locks(text: str) -> tuple[tuple[dt.date, int], ...] | None:
    """'2026-12-08;2026-12-11/2' as ((date, vehicle), ...); vehicle 1 when not given."""
    out = []
    for part in [p.strip() for p in text.replace(",", ";").split(";") if p.strip()]:
        whole = parse_date(part)  # 08/12/2026 is a date, not date 08 of vehicle 12/2026
        day, _, vehicle = ("", "", "") if whole else part.rpartition("/")
        d = whole or parse_date(day.strip())
        if d is None or (vehicle and not vehicle.strip().isdigit()):
            return None
        v = int(vehicle) if vehicle else 1
        if v < 1:
            return None
        out.append((d, v))
    return tuple(sorted(set(out)))


def format_locks(locks: Sequence[tuple[dt.date, int]]) -> str:
    return ";".join(d.isoformat() + (f"/{v}" if v > 1 else "") for d, v in locks)


def _clock(text: str) -> int | None | _Bad:
    if text == "":
        return None
    t = parse_clock(text)
    return BAD if t is None else t
