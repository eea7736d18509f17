"""Settings read from a TOML file or the command line and checked: every problem at once.

Each problem is one line naming the file, the key, the value and what was expected.
`resolve_settings` layers the built-in defaults, a settings file and overrides.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from outreach_planner.errors import InputError, Problem, ProblemCollector, expected_key
from outreach_planner.io.files import MB, NotAnInputFile, read_input_bytes
from outreach_planner.optimize.engines import ENGINES
from outreach_planner.parse import (
    WEEKDAYS,
    clock,
    parse_clock,
    parse_date,
    parse_date_list,
    parse_lonlat,
    parse_weekdays,
)
from outreach_planner.settings.record import ON_CLOSED_DAY, ROAD_SPEEDS_KMH, Depot, Settings


@dataclass(frozen=True)
class _Number:
    """A numeric setting: its key in files, its Settings field and its allowed range."""

    key: str
    field: str
    integer: bool
    minimum: float
    maximum: float
    scale: int = 1  # field = key value x scale (minutes -> seconds)

    @property
    def expected(self) -> str:
        kind = "a whole number" if self.integer else "a number"
        return f"{kind} from {self.minimum:g} to {self.maximum:g}"

    def accepts(self, value: object) -> bool:
        kind = int if self.integer else int | float
        return (
            isinstance(value, kind)
            and not isinstance(value, bool)
            and self.minimum <= value <= self.maximum  # NaN fails this too
        )


_NUMBERS = (
    _Number("weeks", "weeks", True, 1, 52),
    _Number("vehicles", "vehicles", True, 1, 20),
    _Number("speed_kmh", "speed_kmh", False, 1, 120),
    _Number("detour_factor", "detour_factor", False, 1, 5),
    _Number("audible_radius_m", "audible_radius_m", False, 10, 5000),
    _Number("reading_speed_spm", "reading_speed_spm", False, 30, 600),
    _Number("min_visits", "min_visits", True, 0, 100),
    _Number("min_days_between_visits", "min_days_between_visits", True, 0, 365),
    _Number("seed", "seed", True, 0, 2**31 - 1),
    _Number("search_effort", "search_effort", True, 1, 1_000_000),
    _Number("time_cap_s", "time_cap_s", False, 1, 86_400),
    _Number("setup_min", "setup_s", False, 0, 120, scale=60),
    _Number("max_snap_m", "max_snap_m", False, 1, 100_000),
)
_ROAD_SPEED = _Number("road_speeds_kmh", "road_speeds_kmh", False, 1, 130)
_PATHS = ("villages", "communes", "programme", "roads", "stops")
_KEYS = {
    *(n.key for n in _NUMBERS), *_PATHS,
    "start", "weekdays", "working_hours", "timezone", "engine", "depot", "road_speeds_kmh",
    "lang", "closed_dates", "extra_dates", "on_closed_day", "district",
}  # fmt: skip


def resolve_settings(
    settings_file: Path | None = None,
    overrides: Mapping[str, Any] | None = None,
    *,
    source: str = "command line",
    folder: Path | None = None,
) -> Settings:
    """The built-in defaults, then a settings file (None: ./settings.toml when there), then
    `overrides` (keys as in the file; paths in them relative to `folder`, by default the
    working folder)."""
    from outreach_planner.builtin import default_settings_path, local_settings

    settings = load_settings(default_settings_path())
    own = local_settings(settings_file)
    if own is not None:
        settings = load_settings(own, base=settings)
    return settings_from_mapping(
        dict(overrides or {}), source=source, folder=folder or Path.cwd(), base=settings
    )


def load_settings(path: Path, *, base: Settings | None = None) -> Settings:
    """Read a settings TOML file; every problem in it is reported at once.

    Paths inside the file are relative to the file's folder. Keys that are
    absent keep the values of `base` (or the built-in defaults).
    """
    source = str(path)
    try:
        raw = tomllib.loads(read_input_bytes(path, limit=MB).decode("utf-8"))
    except FileNotFoundError:
        raise InputError(Problem(source, "", "", str(path), "an existing settings file")) from None
    except NotAnInputFile as exc:
        raise InputError(Problem(source, "", "", str(path), str(exc))) from None
    except RecursionError:
        raise InputError(Problem(source, "", "", "nested too deeply", "valid TOML")) from None
    except UnicodeDecodeError as exc:
        where = f"byte {exc.start}"
        raise InputError(Problem(source, where, "", "not UTF-8", "UTF-8 text")) from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(Problem(source, "", "", str(exc), "valid TOML")) from None
    except OSError as exc:
        raise InputError(Problem(source, "", "", exc.strerror, "a readable file")) from None
    return settings_from_mapping(raw, source=source, folder=path.parent, base=base)


def settings_from_mapping(
    raw: Mapping[str, Any],
    *,
    source: str,
    folder: Path | None = None,
    base: Settings | None = None,
) -> Settings:
    """Settings from a parsed mapping (a TOML file's or the command line's)."""
    problems = ProblemCollector(source)
    changes: dict[str, Any] = {}
    for key in sorted(set(raw) - _KEYS):
        problems.add("", key, raw[key], expected_key(key, _KEYS))

    for spec in _NUMBERS:
        if spec.key not in raw:
            continue
        value = raw[spec.key]
        if spec.accepts(value):
            changes[spec.field] = round(value * spec.scale) if spec.scale != 1 else value
        else:
            problems.add("", spec.key, value, spec.expected)

    if "start" in raw:
        date = parse_date(raw["start"])
        if date is None:
            problems.add("", "start", raw["start"], "a date YYYY-MM-DD or DD/MM/YYYY")
        else:
            changes["start"] = date
    if "weekdays" in raw:
        days = parse_weekdays(raw["weekdays"])
        if not days:
            expected = f"a non-empty list of distinct days from {WEEKDAYS}"
            problems.add("", "weekdays", raw["weekdays"], expected)
        else:
            changes["weekdays"] = days
    if "working_hours" in raw:
        hours = _working_hours(raw["working_hours"])
        if hours is None:
            problems.add(
                "", "working_hours", raw["working_hours"],
                'two increasing spans like ["07:00-11:30", "13:30-17:00"]',
            )  # fmt: skip
        else:
            (changes["work_start_s"], changes["lunch_start_s"],
             changes["lunch_end_s"], changes["work_end_s"]) = hours  # fmt: skip
    for key in ("closed_dates", "extra_dates"):
        if key in raw:
            dates = parse_date_list(raw[key], ranges=key == "closed_dates")
            if dates is None:
                example = (
                    '["2027-03-08", "2027-02-03..2027-02-12"]'
                    if key == "closed_dates"
                    else '["2027-03-06"]'
                )
                problems.add("", key, raw[key], f"a list of dates YYYY-MM-DD like {example}")
            else:
                changes[key] = dates
    if "on_closed_day" in raw:
        if raw["on_closed_day"] in ON_CLOSED_DAY:
            changes["on_closed_day"] = raw["on_closed_day"]
        else:
            problems.add("", "on_closed_day", raw["on_closed_day"],
                         " or ".join(f'"{p}"' for p in ON_CLOSED_DAY))  # fmt: skip
    if "engine" in raw:
        if isinstance(raw["engine"], str) and raw["engine"] in ENGINES:
            changes["engine"] = raw["engine"]
        else:
            problems.add("", "engine", raw["engine"], f"one of {', '.join(sorted(ENGINES))}")
    if "lang" in raw:
        if raw["lang"] in ("vi", "en"):
            changes["lang"] = raw["lang"]
        else:
            problems.add("", "lang", raw["lang"], "vi (Vietnamese) or en (English)")
    if "timezone" in raw:
        try:
            ZoneInfo(str(raw["timezone"]))
            changes["timezone"] = str(raw["timezone"])
        except (ZoneInfoNotFoundError, ValueError):
            problems.add("", "timezone", raw["timezone"], "an IANA time zone like Asia/Ho_Chi_Minh")
    for key in _PATHS:
        if key == "communes" and isinstance(raw.get(key), str) and raw[key].strip() == "none":
            changes[key] = None
        elif key in raw:
            if not isinstance(raw[key], str) or not raw[key].strip():
                problems.add("", key, raw[key], "a file path")
            else:
                p = Path(raw[key])
                changes[key] = p if p.is_absolute() or folder is None else folder / p
    if "road_speeds_kmh" in raw:
        speeds = _road_speeds(raw["road_speeds_kmh"], base, problems)
        if speeds is not None:
            changes["road_speeds_kmh"] = speeds
    if "depot" in raw and not ("district" in raw and raw["depot"] == {}):
        depot = _depot(raw["depot"], problems)
        if depot is not None:
            changes["depot"] = depot

    if "district" in raw:
        base = _district_base(raw, base, problems)
        if isinstance(raw["district"], str) and raw["district"].strip():
            changes["district"] = raw["district"].strip()
        else:
            problems.add("", "district", raw["district"], "the district's name")
    if base is None:
        if "depot" not in raw and "district" not in raw:
            problems.add("", "depot", None, "a depot with name, lon and lat")
        problems.raise_if_any()
        settings = Settings(depot=changes.pop("depot"))
    else:
        settings = base
    problems.raise_if_any()
    settings = dataclasses.replace(settings, **changes)
    _check(settings, problems)
    problems.raise_if_any()
    return settings


# A district file's own lines, and how to fill each in when it is missing.
_DISTRICT_LINES = {
    "villages": 'villages = "villages.geojson" (made by `outreach-planner villages import`)',
    "communes": 'communes = "communes.geojson", or communes = "none" without polygons',
    "programme": 'programme = "programme.toml"',
    "depot": "[depot] with name, lon and lat (remove the # before those lines and fill them in)",
}


def _district_base(
    raw: Mapping[str, Any], base: Settings | None, problems: ProblemCollector
) -> Settings | None:
    """The base of a district file: the defaults without Đắk Song's data; each line the
    file lacks is a problem naming it."""
    for key, line in _DISTRICT_LINES.items():
        if key not in raw or raw[key] == {}:  # init writes an empty [depot] to fill in
            problems.add("", key, None, f"the line {line}")
    if base is None:
        return None
    return dataclasses.replace(base, villages=None, communes=None, programme=None, stops=None,
                               roads=None)  # fmt: skip


def check_settings(settings: Settings) -> None:
    """Raise InputError with every rule a Settings breaks, however it was made."""
    problems = ProblemCollector("settings")
    _check(settings, problems)
    problems.raise_if_any()


def _working_hours(value: object) -> tuple[int, int, int, int] | None:
    if not isinstance(value, list) or len(value) != 2:
        return None
    times: list[int] = []
    for span in value:
        if not isinstance(span, str) or span.count("-") != 1:
            return None
        for part in span.split("-"):
            t = parse_clock(part)
            if t is None:
                return None
            times.append(t)
    if not all(a < b for a, b in zip(times, times[1:], strict=False)):
        return None
    return times[0], times[1], times[2], times[3]


def _road_speeds(
    value: object, base: Settings | None, problems: ProblemCollector
) -> tuple[tuple[str, float], ...] | None:
    """[road_speeds_kmh]: some classes' speeds; the others keep the base's (or default) speed."""
    if not isinstance(value, dict):
        problems.add("", "road_speeds_kmh", value, "a table of km/h by highway class")
        return None
    speeds = dict(base.road_speeds_kmh if base is not None else ROAD_SPEEDS_KMH)
    ok = True
    for key, kmh in value.items():
        if key not in speeds:
            problems.add("[road_speeds_kmh]", key, kmh, f"one of the classes {', '.join(speeds)}")
            ok = False
        elif not _ROAD_SPEED.accepts(kmh):
            problems.add("[road_speeds_kmh]", key, kmh, _ROAD_SPEED.expected + " km/h")
            ok = False
        else:
            speeds[key] = float(kmh)
    return tuple(speeds.items()) if ok else None


def _depot(value: object, problems: ProblemCollector) -> Depot | None:
    if not isinstance(value, dict):
        problems.add("", "depot", value, "a table with name, lon and lat")
        return None
    for key in sorted(set(value) - {"name", "lon", "lat", "estimated"}):
        problems.add(
            "[depot]", key, value[key], expected_key(key, ("name", "lon", "lat", "estimated"))
        )
    position = parse_lonlat([value.get("lon"), value.get("lat")])
    name = value.get("name")
    ok = True
    if position is None:
        problems.add("[depot]", "lon/lat", [value.get("lon"), value.get("lat")],
                     "longitude -180..180 and latitude -90..90")  # fmt: skip
        ok = False
    if not isinstance(name, str) or not name.strip():
        problems.add("[depot]", "name", name, "a non-empty name")
        ok = False
    estimated = value.get("estimated", False)
    if not isinstance(estimated, bool):
        problems.add("[depot]", "estimated", estimated, "true or false")
        ok = False
    if not ok or position is None or not isinstance(name, str):
        return None
    return Depot(name=name.strip(), position=position, estimated=estimated)


FIRST_START, LAST_DAY = dt.date(1970, 1, 1), dt.date(9998, 12, 31)


def _check(s: Settings, problems: ProblemCollector) -> None:
    """The rules a Settings must meet however it was made (file, command line, replace)."""
    for spec in _NUMBERS:
        value = getattr(s, spec.field)
        if spec.scale != 1:
            value = value / spec.scale
        if not spec.accepts(value) and not (spec.scale != 1 and spec.accepts(float(value))):
            problems.add("", spec.key, value, spec.expected)
    if not s.weekdays:
        problems.add("", "weekdays", [], "at least one weekday, or no run can be planned")
    # Dates past the horizon (the calendar's time zone rules, next runs) must exist too.
    weeks = s.weeks if isinstance(s.weeks, int) and s.weeks > 0 else 1
    if s.start is not None and not (
        s.start >= FIRST_START and (LAST_DAY - s.start).days >= 7 * weeks
    ):
        problems.add("", "start", s.start.isoformat(),
                     f"a date from {FIRST_START} whose horizon ends by {LAST_DAY}")  # fmt: skip
    if s.on_closed_day not in ON_CLOSED_DAY:
        problems.add("", "on_closed_day", s.on_closed_day, " or ".join(ON_CLOSED_DAY))
    both = sorted(set(s.closed_dates) & set(s.extra_dates))
    if both:
        problems.add("", "extra_dates", [d.isoformat() for d in both],
                     "dates that closed_dates does not close")  # fmt: skip
    classes = [k for k, _ in s.road_speeds_kmh]
    if sorted(classes) != sorted(k for k, _ in ROAD_SPEEDS_KMH) or not all(
        _ROAD_SPEED.accepts(v) for _, v in s.road_speeds_kmh
    ):
        expected = f"every highway class of {classes} at {_ROAD_SPEED.expected} km/h"
        problems.add("", "road_speeds_kmh", dict(s.road_speeds_kmh), expected)
    if not s.work_start_s < s.lunch_start_s <= s.lunch_end_s < s.work_end_s:
        problems.add("", "working_hours", [clock(s.work_start_s), clock(s.work_end_s)],
                     "morning and afternoon spans in order")  # fmt: skip
