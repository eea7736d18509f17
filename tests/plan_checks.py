"""An independent check of a plan.json against the rules of its INPUTS.

The rules come from the files a user writes (settings TOML over the built-in
settings, stops.csv, programme TOML with its text and audio items, villages
GeoJSON), read here with the standard library only, never with the planner's
code and never from what plan.json says about itself (its `settings`,
`programme_s`, `dwell_s`, `min_visits` or `enabled`): a bug in the planner, or
a hand-edited plan.json, cannot hide itself.

    rules = read_rules(TINY / "settings.toml", weeks=1)    # overrides: TOML keys
    assert check_plan(plan_json, rules) == []
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import tomllib
import wave
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

BUILTIN_SETTINGS = Path(__file__).resolve().parents[1] / "data" / "settings.toml"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# Haversine on a 6371 km sphere is within 0.6 % of the WGS 84 ellipsoid (more north-south
# at low latitudes, less east-west): a 1 % allowance.
SPHERE_SLACK = 0.99


@dataclass(frozen=True)
class StopRule:
    """What stops.csv says of one stop."""

    id: str
    position: tuple[float, float]
    villages: tuple[str, ...]
    enabled: bool
    min_visits: int
    pin_weekdays: frozenset[int]
    pin_dates: frozenset[dt.date]
    earliest: dt.time | None
    latest: dt.time | None
    extra_s: int


@dataclass(frozen=True)
class Rules:
    start: dt.date | None
    weeks: int
    weekdays: frozenset[int]
    vehicles: int
    hours: tuple[dt.time, dt.time, dt.time, dt.time]  # work start, lunch start, end, work end
    speed_mps: float
    detour: float
    fastest_road_mps: float
    roads: bool
    radius_m: float
    setup_s: int
    min_visits: int
    gap_days: int
    tz: dt.tzinfo
    depot: tuple[float, float]
    villages: dict[str, dict[str, Any]]  # id -> {"position", "languages"}
    # (seconds, language or None for all, first date or None, last date or None)
    items: tuple[tuple[float, str | None, dt.date | None, dt.date | None], ...]
    closed: frozenset[dt.date] = frozenset()  # closed_dates
    extra: frozenset[dt.date] = frozenset()  # extra_dates
    move_closed_runs: bool = False  # on_closed_day = "next_working_day"
    stops: dict[str, StopRule] | None = None  # None: stops made from the villages
    notes: list[str] = field(default_factory=list)

    def programme_s(self, languages: set[str], day: dt.date | None = None) -> float:
        """Seconds of the items played at a stop speaking `languages` on `day` (None: every
        item, dated or not)."""
        return sum(
            s
            for s, lang, first, last in self.items
            if (lang is None or lang in languages)
            and (day is None or ((first or day) <= day <= (last or day)))
        )

    @property
    def dated(self) -> bool:
        return any(first or last for _, _, first, last in self.items)


def _clock(text: str) -> dt.time:
    return dt.time.fromisoformat(text.strip())


def _dates(values: list[str]) -> frozenset[dt.date]:
    """Dates and FIRST..LAST ranges."""
    out = set()
    for text in values:
        first, _, last = text.partition("..")
        d, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last or first)
        while d <= end:
            out.add(d)
            d += dt.timedelta(days=1)
    return frozenset(out)


def _path(value: Any, folder: Path) -> Path:
    p = Path(value)
    return p if p.is_absolute() else folder / p


def read_rules(settings: Path | None = None, *, base: Path = BUILTIN_SETTINGS, **overrides: Any):
    """The rules of a plan made with `settings` (a TOML file laid over the built-in one, as
    `plan --settings` does) and `overrides` (TOML keys, as command-line options would)."""
    raw: dict[str, Any] = {}
    folders: dict[str, Path] = {}
    for source in (base, settings):
        if source is None:
            continue
        layer = tomllib.loads(source.read_text(encoding="utf-8"))
        for key, value in layer.items():
            if isinstance(value, dict) and isinstance(raw.get(key), dict):
                raw[key] = {**raw[key], **value}
            else:
                raw[key] = value
            folders[key] = source.parent
    for key, value in overrides.items():
        raw[key] = value
        folders[key] = Path.cwd()

    def file(key: str) -> Path | None:
        return _path(raw[key], folders[key]) if raw.get(key) else None

    spans = [s.split("-") for s in raw["working_hours"]]
    hours = (_clock(spans[0][0]), _clock(spans[0][1]), _clock(spans[1][0]), _clock(spans[1][1]))
    villages_path, programme_path = file("villages"), file("programme")
    assert villages_path is not None and programme_path is not None
    villages = {
        f["properties"]["id"]: {
            "position": tuple(f["geometry"]["coordinates"][:2]),
            "languages": set(f["properties"].get("languages") or ["vi"]),
        }
        for f in json.loads(villages_path.read_text(encoding="utf-8"))["features"]
    }
    stops_path = file("stops")
    min_visits = int(raw.get("min_visits", 1))
    start = raw.get("start")
    return Rules(
        start=dt.date.fromisoformat(str(start)) if start else None,
        weeks=int(raw["weeks"]),
        weekdays=frozenset(WEEKDAYS.index(d.lower()) for d in raw["weekdays"]),
        vehicles=int(raw.get("vehicles", 1)),
        hours=hours,
        speed_mps=float(raw["speed_kmh"]) / 3.6,
        detour=float(raw["detour_factor"]),
        fastest_road_mps=max(float(v) for v in raw.get("road_speeds_kmh", {"x": 130}).values())
        / 3.6,
        roads=bool(raw.get("roads")),
        radius_m=float(raw["audible_radius_m"]),
        setup_s=round(float(raw["setup_min"]) * 60),
        min_visits=min_visits,
        gap_days=int(raw["min_days_between_visits"]),
        tz=ZoneInfo(raw["timezone"]),
        depot=(float(raw["depot"]["lon"]), float(raw["depot"]["lat"])),
        villages=villages,
        items=_programme(programme_path, float(raw["reading_speed_spm"])),
        closed=_dates(raw.get("closed_dates", [])),
        extra=_dates(raw.get("extra_dates", [])),
        move_closed_runs=raw.get("on_closed_day", "skip") == "next_working_day",
        stops=None if stops_path is None else _stop_list(stops_path, min_visits),
    )


def _day(value: Any) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(str(value))


def _programme(path: Path, spm: float) -> tuple:
    """Each item's seconds: minutes, words of a text at `spm` per minute, or a WAV's frames."""
    items = []
    for item in tomllib.loads(path.read_text(encoding="utf-8"))["items"]:
        if "minutes" in item:
            seconds = float(item["minutes"]) * 60
        elif "text" in item:
            text = (path.parent / item["text"]).read_text(encoding="utf-8-sig")
            words = [w for w in text.split() if any(ch.isalnum() for ch in w)]
            seconds = len(words) * 60 / spm
        else:
            audio = path.parent / item["audio"]
            if audio.suffix.lower() == ".wav":
                with wave.open(str(audio)) as w:
                    seconds = w.getnframes() / w.getframerate()
            else:  # other formats: the tag library's length (not the planner's code)
                import mutagen

                seconds = mutagen.File(audio).info.length
        items.append((seconds, item.get("language"), _day(item.get("from")), _day(item.get(
            "until"))))  # fmt: skip
    return tuple(items)


def _cells(text: str) -> list[str]:
    return [c.strip() for c in text.split(";") if c.strip()]


def _stop_list(path: Path, default_min_visits: int) -> dict[str, StopRule]:
    rules = {}
    with path.open(encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            row = {k: (v or "").strip() for k, v in row.items()}
            rules[row["id"]] = StopRule(
                id=row["id"],
                position=(float(row["lon"]), float(row["lat"])),
                villages=tuple(_cells(row["villages"])),
                enabled=row.get("enabled", "").lower() not in ("no", "n", "false", "0", "không"),
                min_visits=int(row["min_visits"]) if row.get("min_visits") else default_min_visits,
                pin_weekdays=frozenset(WEEKDAYS.index(d.lower()) for d in _cells(row.get(
                    "pin_weekdays", ""))),
                pin_dates=frozenset(dt.date.fromisoformat(d) for d in _cells(row.get(
                    "pin_dates", ""))),
                earliest=_clock(row["earliest"]) if row.get("earliest") else None,
                latest=_clock(row["latest"]) if row.get("latest") else None,
                extra_s=round(float(row.get("extra_dwell_min") or 0) * 60),
            )  # fmt: skip
    return rules


def _t(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def geodesic_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6_371_000 * math.asin(math.sqrt(h))


def _overlap(a: dt.datetime, b: dt.datetime, span: tuple[dt.datetime, dt.datetime]) -> float:
    return max(0.0, (min(b, span[1]) - max(a, span[0])).total_seconds())


def check_plan(plan: dict, rules: Rules, *, today: dt.date | None = None) -> list[str]:
    """Every violation of the inputs' rules found in `plan`, as readable strings.

    Runs before `today` are the record of what was done: a stop disabled, re-pinned or
    removed since may appear in them.
    """
    errors: list[str] = []
    stops = _stops(plan, rules, errors)
    _check_runs(plan, rules, stops, errors)
    _check_visits(plan, rules, stops, errors, today or dt.date.min)
    return errors


def _stops(plan: dict, rules: Rules, errors: list[str]) -> dict[str, dict[str, Any]]:
    """Per stop id of the plan: its position, languages and rules, from the inputs."""
    out: dict[str, dict[str, Any]] = {}
    seen: dict[str, str] = {}
    for st in plan["stops"]:
        sid = st["id"]
        listed = rules.stops.get(sid) if rules.stops is not None else None
        removed = rules.stops is not None and listed is None  # only past visits may name it
        if listed is not None:
            position, villages = listed.position, listed.villages
            if geodesic_m(position, (st["lon"], st["lat"])) > 1:
                errors.append(f"stop {sid} is not where stops.csv puts it")
        else:
            # Stops the planner made: each village in one stop, within the audible radius.
            position, villages = (st["lon"], st["lat"]), tuple(st["villages"])
            for vid in villages:
                where = rules.villages.get(vid)
                if where is None:
                    errors.append(f"stop {sid}: unknown village {vid}")
                    continue
                d = geodesic_m(where["position"], position)
                if d > rules.radius_m / SPHERE_SLACK:
                    errors.append(f"village {vid} is {d:.0f} m from its stop {sid}")
        for vid in villages:
            if vid in seen:
                errors.append(f"village {vid} in stops {seen[vid]} and {sid}")
            seen[vid] = sid
        languages = set().union(
            *(rules.villages[v]["languages"] for v in villages if v in rules.villages)
        ) or {"vi"}
        programme = rules.programme_s(languages)
        if not rules.dated and abs(st["programme_s"] - programme) > 1:
            errors.append(
                f"stop {sid}: programme_s {st['programme_s']} s, programme {programme:.0f} s"
            )
        out[sid] = {
            "position": position,
            "languages": languages,
            "rule": listed,
            "min_visits": listed.min_visits if listed else rules.min_visits,
            "enabled": listed.enabled if listed else not removed,
        }
    if rules.stops is None:
        for vid in set(rules.villages) - set(seen):
            errors.append(f"village {vid} belongs to no stop")
    else:
        for sid, rule in rules.stops.items():
            if rule.enabled and sid not in out:
                errors.append(f"stop {sid} of stops.csv is missing from the plan")
    return out


def _check_runs(plan: dict, rules: Rules, stops: dict, errors: list[str]) -> None:
    start = rules.start or dt.date.fromisoformat(plan["start"])
    end = start + dt.timedelta(days=7 * rules.weeks)
    per_date: dict[str, int] = {}
    w0, l0, l1, w1 = rules.hours
    for run in plan["runs"]:
        date = dt.date.fromisoformat(run["date"])
        per_date[run["date"]] = per_date.get(run["date"], 0) + 1
        if not start <= date < end:
            errors.append(f"{run['id']}: {date} is outside the horizon {start} to {end}")
        for problem in _date_problems(date, rules):
            errors.append(f"{run['id']}: {problem}")

        def day(t: dt.time, date: dt.date = date) -> dt.datetime:
            return dt.datetime.combine(date, t, tzinfo=rules.tz)

        lunch = (day(l0), day(l1))
        prev_depart, prev_pos = _t(run["depart"]), rules.depot
        if prev_depart < day(w0):
            errors.append(f"{run['id']}: leaves the depot {prev_depart} before work starts")
        legs = [(v, v["stop_id"]) for v in run["visits"]] + [(None, None)]
        for v, sid in legs:
            if v is None:
                arrival, pos, leg = _t(run["return"]), rules.depot, run["leg_back"]
                where = run["id"]
            else:
                st = stops.get(sid)
                if st is None:
                    errors.append(f"{run['id']}: unknown stop {sid}")
                    continue
                arrival, pos, leg = _t(v["arrival"]), st["position"], v["leg"]
                where = f"{run['id']} #{v['seq']} {sid}"
            _check_leg(where, prev_depart, prev_pos, arrival, pos, leg, lunch, rules, errors)
            if v is None:
                if arrival > day(w1):
                    errors.append(f"{run['id']}: returns {arrival} after the end of the day")
                break
            start_, end_, depart = (_t(v[k]) for k in ("start", "end", "depart"))
            setup_from = start_ - dt.timedelta(seconds=rules.setup_s)
            if not (arrival <= setup_from <= start_ <= end_ <= depart):
                errors.append(f"{where}: no {rules.setup_s} s of setup between arrival and start")
            rule = st["rule"]
            played = rules.programme_s(st["languages"], date)
            if "programme_s" in v and abs(v["programme_s"] - played) > 1:
                errors.append(f"{where}: programme_s {v['programme_s']} s, plays {played:.0f} s")
            need = played + (rule.extra_s if rule else 0)
            if (end_ - start_).total_seconds() + 1e-6 < need:
                errors.append(f"{where}: broadcast of {(end_ - start_).total_seconds():.0f} s "
                              f"is shorter than the {need:.0f} s of its programme")  # fmt: skip
            if _overlap(setup_from, end_, lunch):
                errors.append(f"{where}: setup or broadcast overlaps lunch")
            if setup_from < day(w0) or end_ > day(w1):
                errors.append(f"{where}: setup or broadcast outside working hours")
            if rule and rule.earliest and start_ < day(rule.earliest):
                errors.append(f"{where}: broadcast starts {start_:%H:%M}, before {rule.earliest}")
            if rule and rule.latest and end_ > day(rule.latest):
                errors.append(f"{where}: broadcast ends {end_:%H:%M}, after {rule.latest}")
            prev_depart, prev_pos = depart, pos
    for date, n in per_date.items():
        if n > rules.vehicles:
            errors.append(f"{date}: {n} runs for {rules.vehicles} vehicle(s)")


def _date_problems(date: dt.date, rules: Rules) -> list[str]:
    """Why no run may be on `date`: a day off, or not a run day (usual, extra or moved to)."""
    import holidays  # Vietnam's public holidays, the library the README names

    if date in holidays.country_holidays("VN", years=date.year) or date in rules.closed:
        return [f"{date} is a day off"]
    if date.weekday() in rules.weekdays or date in rules.extra:
        return []
    monday = date - dt.timedelta(days=date.weekday())
    earlier = [monday + dt.timedelta(days=k) for k in range(date.weekday())]
    if rules.move_closed_runs and any(
        d.weekday() in rules.weekdays and (d in rules.closed or _date_problems(d, rules))
        for d in earlier
    ):
        return []  # a run moved from a day off earlier in the week
    return [f"{WEEKDAYS[date.weekday()]} is not a working weekday"]


def _check_leg(where, leave, here, arrival, there, leg, lunch, rules: Rules, errors) -> None:
    """The drive: no faster than the inputs allow, its recorded time really driven, no lunch."""
    straight = geodesic_m(here, there) * SPHERE_SLACK
    if rules.roads:
        need_m, need_s = straight, straight / rules.fastest_road_mps
    else:
        need_m = straight * rules.detour
        need_s = need_m / rules.speed_mps
    driving = (arrival - leave).total_seconds() - _overlap(leave, arrival, lunch)
    if arrival < leave:
        errors.append(f"{where}: arrives before leaving the previous place")
    if leg["distance_m"] + 1 < need_m:
        errors.append(f"{where}: leg of {leg['distance_m']} m is shorter than {need_m:.0f} m")
    if leg["travel_s"] + 1 < need_s:
        errors.append(f"{where}: leg of {leg['travel_s']} s is shorter than {need_s:.0f} s")
    if driving + 1 < max(need_s, leg["travel_s"]):
        errors.append(
            f"{where}: drive of {driving:.0f} s is shorter than "
            f"{max(need_s, leg['travel_s']):.0f} s"
        )


def _check_visits(
    plan: dict, rules: Rules, stops: dict, errors: list[str], today: dt.date
) -> None:
    dates: dict[str, list[dt.date]] = {}
    for run in plan["runs"]:
        date = dt.date.fromisoformat(run["date"])
        for v in run["visits"]:
            dates.setdefault(v["stop_id"], []).append(date)
    unassigned = {u["stop_id"]: u for u in plan["unassigned"]}
    for sid, st in stops.items():
        got = dates.get(sid, [])
        rule: StopRule | None = st["rule"]
        if not st["enabled"]:
            if [d for d in got if d >= today]:
                errors.append(f"{sid}: disabled or not in stops.csv but visited on {got[-1]}")
            continue
        if len(got) < st["min_visits"]:
            u = unassigned.get(sid)
            if u is None or not u["reason"]:
                errors.append(f"{sid}: {len(got)} visits < {st['min_visits']}, no reason")
        for date in (d for d in got if d >= today):
            if rule and rule.pin_weekdays and date.weekday() not in rule.pin_weekdays:
                errors.append(f"{sid}: visited on a {WEEKDAYS[date.weekday()]}, pinned elsewhere")
            if rule and rule.pin_dates and date not in rule.pin_dates:
                errors.append(f"{sid}: visited on {date}, not one of its pinned dates")
        got.sort()
        for a, b in zip(got, got[1:], strict=False):
            if (b - a).days < max(rules.gap_days, 1):
                errors.append(f"{sid}: visits on {a} and {b} closer than {rules.gap_days} days")


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))
