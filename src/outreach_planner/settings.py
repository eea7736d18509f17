"""Frozen planner settings with documented defaults, loaded from TOML.

Every default cites its source in ``docs/domain.md`` (the figures the
project's domain notes collect); the shipped ``data/settings.toml`` repeats
them with comments so a planner can edit them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from outreach_planner.errors import InputError, ProblemCollector, expected_key
from outreach_planner.geo import LonLat
from outreach_planner.io.files import MB, NotAnInputFile, read_input_bytes
from outreach_planner.optimize.engines import ENGINES

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
ON_CLOSED_DAY = ("skip", "next_working_day")
WEEKDAYS_VI = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")

# A loudspeaker vehicle's speed by OpenStreetMap highway class, km/h (docs/domain.md, estimates:
# national road 40-50, commune roads 25-35, dirt 10-20). A `*_link` takes its road's speed;
# a lower `maxspeed` tag wins; track and path count only when imported with tracks.
ROAD_SPEEDS_KMH: tuple[tuple[str, float], ...] = (
    ("motorway", 60.0),  # not in docs/domain.md: a van keeping to the slow lane (E)
    ("trunk", 45.0), ("primary", 45.0),  # national roads such as QL14
    ("secondary", 40.0), ("tertiary", 35.0),  # provincial and district roads
    ("unclassified", 30.0), ("residential", 30.0), ("road", 30.0),  # commune roads
    ("living_street", 20.0), ("service", 20.0),
    ("track", 15.0), ("path", 10.0),  # dirt
)  # fmt: skip


@dataclass(frozen=True)
class Depot:
    """Where every run starts and ends."""

    name: str
    position: LonLat
    estimated: bool = False


@dataclass(frozen=True)
class Settings:
    """Everything the planner needs besides the villages and the programme.

    Clock times are seconds after local midnight; durations are seconds.
    """

    depot: Depot
    start: dt.date | None = None  # None: the Monday after today
    weeks: int = 4
    # Twice a week (the district's rule); Tuesday and Friday spread the runs.
    weekdays: tuple[int, ...] = (1, 4)
    # Lâm Đồng office hours since 1 November 2025 (Đắk Song's province; docs/domain.md):
    # 07:30-11:30 and 13:30-17:30.
    work_start_s: int = 7 * 3600 + 30 * 60
    lunch_start_s: int = 11 * 3600 + 30 * 60
    lunch_end_s: int = 13 * 3600 + 30 * 60
    work_end_s: int = 17 * 3600 + 30 * 60
    # Days off besides Vietnam's public holidays, runs on other days, and what a run
    # that falls on a day off does (see days_off.py).
    closed_dates: tuple[dt.date, ...] = ()
    extra_dates: tuple[dt.date, ...] = ()
    on_closed_day: str = "skip"
    vehicles: int = 1
    # Commune roads 25-35 km/h (docs/domain.md, estimate); straight lines x 1.3 for road detours.
    speed_kmh: float = 30.0
    detour_factor: float = 1.3
    # Vehicle loudspeaker reaches about 300 m outdoors (docs/domain.md, estimate).
    audible_radius_m: float = 300.0
    # Setup at a stop 3-5 min (docs/domain.md, estimate).
    setup_s: int = 4 * 60
    # VOV news reading speed: 233 syllables per minute (docs/domain.md).
    reading_speed_spm: float = 233.0
    min_visits: int = 1
    # A stop is heard at most once a week unless the planner lowers this.
    min_days_between_visits: int = 7
    seed: int = 0
    timezone: str = "Asia/Ho_Chi_Minh"
    # Search effort is counted in solutions, not seconds, so a plan is reproducible;
    # the time cap only guards against a runaway search on a huge district.
    search_effort: int = 1200
    time_cap_s: float = 120.0
    # The routing engine under the periodic solver: PyVRP (0.28 % from the best-known
    # Solomon costs at 5 s, README) or OR-Tools (3.6 %); see `optimize/vrp.py`.
    engine: str = "pyvrp"
    # The language of everything a person reads (outputs and terminal); --lang overrides.
    lang: str = "vi"
    villages: Path | None = None
    communes: Path | None = None  # None: no polygons, the villages' commune names are the communes
    programme: Path | None = None
    # A district folder's name (`init`): its settings file names all its own data and
    # never takes Đắk Song's villages, communes or depot.
    district: str | None = None
    stops: Path | None = None  # an edited stop list; None: stops made from the villages
    # An OpenStreetMap extract (or its prepared cache): drive on real roads instead of
    # straight lines. Stops farther than `max_snap_m` from any road are warned about.
    roads: Path | None = None
    road_speeds_kmh: tuple[tuple[str, float], ...] = ROAD_SPEEDS_KMH
    max_snap_m: float = 1000.0

    @property
    def speed_mps(self) -> float:
        return self.speed_kmh * 1000.0 / 3600.0

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def road_speeds(self) -> dict[str, float]:
        """km/h by highway class."""
        return dict(self.road_speeds_kmh)

    def start_date(self, today: dt.date | None = None) -> dt.date:
        """The first day of the horizon: the setting, or the Monday after today."""
        if self.start is not None:
            return self.start
        today = today or dt.date.today()
        return today + dt.timedelta(days=7 - today.weekday())

    def replace(self, **changes: Any) -> Settings:
        """A copy with some fields changed, validated like a loaded file."""
        new = dataclasses.replace(self, **changes)
        problems = ProblemCollector("settings")
        _check(new, problems)
        problems.raise_if_any()
        return new

    def to_json(self) -> dict[str, Any]:
        """The settings as plain JSON values (for plan.json)."""
        return {
            "start": self.start.isoformat() if self.start else None,
            "weeks": self.weeks,
            "weekdays": [WEEKDAYS[d] for d in self.weekdays],
            "working_hours": [
                f"{clock(self.work_start_s)}-{clock(self.lunch_start_s)}",
                f"{clock(self.lunch_end_s)}-{clock(self.work_end_s)}",
            ],
            "closed_dates": [d.isoformat() for d in self.closed_dates],
            "extra_dates": [d.isoformat() for d in self.extra_dates],
            "on_closed_day": self.on_closed_day,
            "vehicles": self.vehicles,
            "speed_kmh": self.speed_kmh,
            "detour_factor": self.detour_factor,
            "audible_radius_m": self.audible_radius_m,
            "setup_min": self.setup_s / 60,
            "reading_speed_spm": self.reading_speed_spm,
            "min_visits": self.min_visits,
            "min_days_between_visits": self.min_days_between_visits,
            "seed": self.seed,
            "timezone": self.timezone,
            "search_effort": self.search_effort,
            "engine": self.engine,
            **({"district": self.district} if self.district else {}),
            **(
                {
                    "roads": self.roads.name,
                    "road_speeds_kmh": self.road_speeds,
                    "max_snap_m": self.max_snap_m,
                }
                if self.roads is not None
                else {}
            ),
            "depot": {
                "name": self.depot.name,
                "lon": self.depot.position.lon,
                "lat": self.depot.position.lat,
                "estimated": self.depot.estimated,
            },
        }


def clock(seconds: int) -> str:
    """HH:MM for seconds after midnight."""
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


def parse_clock(text: object) -> int | None:
    """Seconds after midnight for 'HH:MM', or None when it is not such a time."""
    if not isinstance(text, str):
        return None
    try:
        t = dt.time.fromisoformat(text.strip())
    except ValueError:
        return None
    return t.hour * 3600 + t.minute * 60 + t.second


def parse_date(text: object) -> dt.date | None:
    if isinstance(text, dt.date) and not isinstance(text, dt.datetime):
        return text
    if not isinstance(text, str):
        return None
    try:
        return dt.date.fromisoformat(text.strip()) if len(text.strip()) == 10 else None
    except ValueError:
        return None


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

_KEYS = {
    "start", "weeks", "weekdays", "working_hours", "vehicles", "speed_kmh", "detour_factor",
    "audible_radius_m", "setup_min", "reading_speed_spm", "min_visits",
    "min_days_between_visits", "seed", "timezone", "search_effort", "time_cap_s", "engine",
    "villages", "communes", "programme", "stops", "depot", "lang", "district",
    "roads", "road_speeds_kmh", "max_snap_m", "closed_dates", "extra_dates", "on_closed_day",
}  # fmt: skip


def load_settings(path: Path, *, base: Settings | None = None) -> Settings:
    """Read a settings TOML file; every problem in it is reported at once.

    Paths inside the file are relative to the file's folder. Keys that are
    absent keep the values of `base` (or the built-in defaults).
    """
    source = str(path)
    try:
        raw = tomllib.loads(read_input_bytes(path, limit=MB).decode("utf-8"))
    except FileNotFoundError:
        raise InputError(_one(source, "", "", str(path), "an existing settings file")) from None
    except NotAnInputFile as exc:
        raise InputError(_one(source, "", "", str(path), str(exc))) from None
    except RecursionError:
        raise InputError(_one(source, "", "", "nested too deeply", "valid TOML")) from None
    except UnicodeDecodeError as exc:
        raise InputError(_one(source, f"byte {exc.start}", "", "not UTF-8", "UTF-8 text")) from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(_one(source, "", "", str(exc), "valid TOML")) from None
    except OSError as exc:
        raise InputError(_one(source, "", "", exc.strerror, "a readable file")) from None
    return settings_from_mapping(raw, source=source, folder=path.parent, base=base)


def _one(source: str, where: str, field: str, value: object, expected: str) -> list:
    c = ProblemCollector(source)
    c.add(where, field, value, expected)
    return c.problems


def settings_from_mapping(
    raw: dict[str, Any], *, source: str, folder: Path | None = None, base: Settings | None = None
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
            problems.add("", "start", raw["start"], "a date YYYY-MM-DD")
        else:
            changes["start"] = date
    if "weekdays" in raw:
        days = parse_weekdays(raw["weekdays"])
        if days is None:
            problems.add(
                "",
                "weekdays",
                raw["weekdays"],
                f"a non-empty list of distinct days from {WEEKDAYS}",
            )
        else:
            changes["weekdays"] = days
    if "working_hours" in raw:
        hours = _parse_working_hours(raw["working_hours"])
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
                example = '["2027-03-08", "2027-02-03..2027-02-12"]' if key == "closed_dates" \
                    else '["2027-03-06"]'
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
    for key in ("villages", "communes", "programme", "roads", "stops"):
        if key == "communes" and isinstance(raw.get(key), str) and raw[key].strip() == "none":
            changes[key] = None
        elif key in raw:
            if not isinstance(raw[key], str) or not raw[key].strip():
                problems.add("", key, raw[key], "a file path")
            else:
                p = Path(raw[key])
                changes[key] = p if p.is_absolute() or folder is None else folder / p
    if "road_speeds_kmh" in raw:
        speeds = _parse_road_speeds(raw["road_speeds_kmh"], base, problems)
        if speeds is not None:
            changes["road_speeds_kmh"] = speeds
    if "depot" in raw and not ("district" in raw and raw["depot"] == {}):
        depot = _parse_depot(raw["depot"], problems)
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
    raw: dict[str, Any], base: Settings | None, problems: ProblemCollector
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


def parse_weekdays(value: object) -> tuple[int, ...] | None:
    """Weekday numbers (0 = Monday) from names or 2+ letter prefixes; None when malformed."""
    if isinstance(value, str):
        value = [v for v in value.replace(";", ",").split(",") if v.strip()]
    if not isinstance(value, list) or not value:
        return None
    days = []
    for v in value:
        name = str(v).strip().lower()
        matches = [i for i, d in enumerate(WEEKDAYS) if d.startswith(name) and len(name) >= 2]
        if len(matches) != 1 or matches[0] in days:
            return None
        days.append(matches[0])
    return tuple(sorted(days))


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


def _parse_working_hours(value: object) -> tuple[int, int, int, int] | None:
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


_ROAD_SPEED = _Number("road_speeds_kmh", "road_speeds_kmh", False, 1, 130)


def _parse_road_speeds(
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


def _parse_depot(value: object, problems: ProblemCollector) -> Depot | None:
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
