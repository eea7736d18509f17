"""plan.json, written and read back: the one home of its format (docs/plan-json.md).

`plan_to_json` / `render_plan_json` write a Plan. `read_plan_json` reads a file this tool
wrote into a `SavedPlan`: what a re-plan keeps (runs and the stop ids in them) and what the
diff compares (broadcast starts); `saved_plan` gives the same view of a Plan in memory, so a
new plan is compared without being serialised and read again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from outreach_planner.capacity import Capacity
from outreach_planner.days_off import DayOff
from outreach_planner.errors import InputError, ProblemCollector
from outreach_planner.geo import LonLat
from outreach_planner.io.geojson import read_json
from outreach_planner.io.ids import id_problem
from outreach_planner.labels import Labels
from outreach_planner.parse import WEEKDAYS, clock, parse_date
from outreach_planner.plan import Leg, Plan, RoadsUsed, Run
from outreach_planner.settings import Settings

_VI = Labels("vi")
FORMAT = "outreach-planner/plan"
VERSION = 1

# Said by `plan` with every problem of a previous plan: the way out, and that nothing is lost.
REPLAN_HINT = "; nothing was written: --fresh plans without the previous plan"


# --------------------------------------------------------------------------- writing


def plan_to_json(plan: Plan) -> dict[str, Any]:
    """The plan as JSON values; times are ISO 8601 local date-times with their offset."""
    settings = settings_to_json(plan.settings)
    settings["start"] = plan.start.isoformat()
    return {
        "format": FORMAT,
        "version": VERSION,
        "programme": plan.programme_title,
        "travel_model": plan.travel_model,
        **({"roads": _roads(plan.roads)} if plan.roads is not None else {}),
        "start": plan.start.isoformat(),
        "weeks": plan.settings.weeks,
        "summary": plan.summary(),
        "coverage_by_commune": plan.coverage_by_commune(),
        "runs": [_run(r) for r in plan.runs],
        "skipped_dates": [
            {"date": d.date.isoformat(), **_day_off(d.reason)} for d in plan.skipped_dates
        ],
        "moved_dates": [
            {"date": d.date.isoformat(), "to": d.to.isoformat(), **_day_off(d.reason)}
            for d in plan.moved_dates
        ],
        "stops": [
            {
                "id": s.id,
                "name": s.name,
                "lon": s.position.lon,
                "lat": s.position.lat,
                "population": s.population,
                "households": s.households,
                "villages": [v.id for v in s.villages],
                "village_names": [v.name for v in s.villages],
                "communes": list(s.communes),
                "languages": list(s.languages),
                "programme_s": s.programme_s,
                "dwell_s": s.dwell_s,
                "min_visits": s.min_visits,
                "visits": plan.visits_of(s.id),
                "enabled": s.enabled,
                "priority": s.priority,
                "estimated": any(v.estimated for v in s.villages),
                "needs_placement": any(v.needs_placement for v in s.villages),
                **({"snap_m": plan.roads.snap_m[i + 1]} if plan.roads is not None else {}),
            }
            for i, s in enumerate(plan.stops)
        ],
        "unassigned": [
            {
                "stop_id": u.stop.id,
                "stop_name": u.stop.name,
                "missing_visits": u.missing_visits,
                "code": u.code,
                "reason": u.reason,
                "reason_vi": _VI.reason(u.code, u.figures, u.reason),
            }
            for u in plan.unassigned
        ],
        "capacity": _capacity(plan.capacity) if plan.capacity is not None else None,
        "settings": settings,
    }


def _capacity(capacity: Capacity) -> dict[str, Any]:
    return {
        "stops_short": capacity.stops_short,
        "visits_short": capacity.visits_short,
        "plans_tried": capacity.plans_tried,
        "text_vi": _VI.capacity(capacity),
        "text_en": Labels("en").capacity(capacity),
        "suggestions": [
            {
                "kind": sg.kind,
                "file": sg.file,
                "toml": list(sg.toml),
                "settings": dict(sg.settings),
                "items": [
                    {
                        "index": c.index,
                        "title": c.title,
                        "was_s": round(c.was_s, 1),
                        "minutes": c.minutes,
                    }
                    for c in sg.cuts
                ],  # fmt: skip
                **dict(sg.figures),
                "team_hours": sg.team_hours,
                "still_unassigned": sg.still_unassigned,
            }
            for sg in capacity.suggestions
        ],
    }


def render_plan_json(plan: Plan, *, warnings: list[dict[str, str]] | None = None) -> bytes:
    """plan.json; `warnings` lists outputs that could not be written with this plan."""
    data = plan_to_json(plan)
    if warnings:
        data["warnings"] = warnings
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _day_off(day: DayOff) -> dict[str, str]:
    return {"reason": day.kind, "name_vi": day.name_vi, "name_en": day.name_en}


def settings_to_json(s: Settings) -> dict[str, Any]:
    """Every setting the plan used, as plain JSON values."""
    return {
        "start": s.start.isoformat() if s.start else None,
        "weeks": s.weeks,
        "weekdays": [WEEKDAYS[d] for d in s.weekdays],
        "working_hours": [
            f"{clock(s.work_start_s)}-{clock(s.lunch_start_s)}",
            f"{clock(s.lunch_end_s)}-{clock(s.work_end_s)}",
        ],
        "closed_dates": [d.isoformat() for d in s.closed_dates],
        "extra_dates": [d.isoformat() for d in s.extra_dates],
        "on_closed_day": s.on_closed_day,
        "vehicles": s.vehicles,
        "speed_kmh": s.speed_kmh,
        "detour_factor": s.detour_factor,
        "audible_radius_m": s.audible_radius_m,
        "setup_min": s.setup_s / 60,
        "reading_speed_spm": s.reading_speed_spm,
        "min_visits": s.min_visits,
        "min_days_between_visits": s.min_days_between_visits,
        "seed": s.seed,
        "timezone": s.timezone,
        "search_effort": s.search_effort,
        "engine": s.engine,
        **({"district": s.district} if s.district else {}),
        **(
            {"roads": s.roads.name, "road_speeds_kmh": s.road_speeds, "max_snap_m": s.max_snap_m}
            if s.roads is not None
            else {}
        ),
        "depot": {
            "name": s.depot.name,
            "lon": s.depot.position.lon,
            "lat": s.depot.position.lat,
            "estimated": s.depot.estimated,
        },
    }


def _roads(roads: RoadsUsed) -> dict[str, Any]:
    return {
        "source": roads.source,
        "attribution": roads.attribution,
        "depot_snap_m": roads.snap_m[0],
    }


def _leg(leg: Leg) -> dict[str, Any]:
    out: dict[str, Any] = {"distance_m": leg.distance_m, "travel_s": leg.travel_s}
    if leg.path is not None:
        out["path"] = [[round(p.lon, 7), round(p.lat, 7)] for p in leg.path]  # OSM precision
    return out


def _run(run: Run) -> dict[str, Any]:
    return {
        "id": run.key,
        "date": run.date.isoformat(),
        "weekday": WEEKDAYS[run.date.weekday()],
        "vehicle": run.vehicle,
        "depart": run.depart.isoformat(),
        "return": run.back.isoformat(),
        "lunch": (
            {"start": run.lunch[0].isoformat(), "end": run.lunch[1].isoformat()}
            if run.lunch
            else None
        ),
        "people": run.people,
        "distance_m": run.distance_m,
        "driving_s": run.driving_s,
        "broadcasting_s": run.broadcasting_s,
        "visits": [
            {
                "seq": n,
                "stop_id": v.stop.id,
                "stop_name": v.stop.name,
                "arrival": v.arrival.isoformat(),
                "start": v.start.isoformat(),
                "end": v.end.isoformat(),
                "depart": v.depart.isoformat(),
                "leg": _leg(v.leg),
                "population": v.stop.population,
                "programme_s": v.broadcast_s,
            }
            for n, v in enumerate(run.visits, start=1)
        ],
        "leg_back": _leg(run.leg_back),
        "programme_items": [
            {"title": title, "language": language, "seconds": seconds}
            for title, language, seconds in run.items
        ],
    }


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class SavedVisit:
    stop_id: str
    # The broadcast's start, with its UTC offset; None for a visit put in a run by hand
    # (the planning page's drag and drop) that is not timed yet.
    start: dt.datetime | None
    stop_name: str | None = None


@dataclass(frozen=True)
class SavedRun:
    id: str  # "2026-12-08", or "2026-12-08-2" for a second vehicle
    date: dt.date
    vehicle: int
    visits: tuple[SavedVisit, ...]

    @property
    def stop_ids(self) -> tuple[str, ...]:
        return tuple(v.stop_id for v in self.visits)


@dataclass(frozen=True)
class StopRecord:
    """What the plan said of a stop: enough to keep it in past runs after the planner
    removed it from the list."""

    name: str
    position: LonLat
    population: int
    programme_s: int
    dwell_s: int


@dataclass(frozen=True)
class SavedStop:
    id: str
    enabled: bool
    name: str | None = None
    record: StopRecord | None = None  # None when the file lacks a detail (a diff needs none)


@dataclass(frozen=True)
class SavedPlan:
    """A plan.json read back (or a Plan seen the same way, `saved_plan`)."""

    source: str
    runs: tuple[SavedRun, ...]
    stops: tuple[SavedStop, ...] = ()


def saved_plan(plan: Plan, source: str = "this plan") -> SavedPlan:
    """The plan as `read_plan_json` would read it back from its plan.json."""
    return SavedPlan(
        source,
        tuple(
            SavedRun(
                r.key,
                r.date,
                r.vehicle,
                tuple(SavedVisit(v.stop.id, v.start, v.stop.name) for v in r.visits),
            )
            for r in plan.runs
        ),
        tuple(
            SavedStop(
                s.id,
                s.enabled,
                s.name,
                StopRecord(s.name, s.position, s.population, s.programme_s, s.dwell_s),
            )
            for s in plan.stops
        ),
    )


def read_plan_json(path: Path, *, hint: str = "") -> SavedPlan:
    """Read a plan.json this tool wrote; a damaged file is bad input, every problem at once.

    `hint` ends every problem's "expected" (e.g. how to plan without the file).
    """
    try:
        data = read_json(path, what="previous plan")
    except InputError as exc:
        raise InputError(
            [dataclasses.replace(p, expected=p.expected + hint) for p in exc.problems]
        ) from None
    return parse_plan_json(data, source=str(path), hint=hint)


def parse_plan_json(data: object, *, source: str, hint: str = "") -> SavedPlan:
    """A SavedPlan from the JSON values of a plan.json (`read_plan_json` reads the file)."""
    problems = ProblemCollector(source, hint=hint)
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        fmt = data.get("format") if isinstance(data, dict) else type(data).__name__
        problems.add("", "format", fmt, f"a plan.json written by outreach-planner ({FORMAT})")
        raise InputError(problems.problems)
    raw_runs = data.get("runs")
    if not isinstance(raw_runs, list):
        problems.add("", "runs", raw_runs, "a list of runs")
        raise InputError(problems.problems)
    runs = [run for n, raw in enumerate(raw_runs, 1) if (run := _saved_run(raw, n, problems))]
    raw_stops = data.get("stops")
    if not isinstance(raw_stops, list):
        problems.add("", "stops", raw_stops, "a list of stops")
        raw_stops = []
    stops = []
    for n, st in enumerate(raw_stops, start=1):
        if not isinstance(st, dict) or not isinstance(st.get("id"), str):
            problems.add(f"stop {n}", "id", st, "a stop object with an id")
            continue
        if (wrong := id_problem(st["id"])) is not None:  # it would reach the calendar's UIDs
            problems.add(f"stop {n}", "id", st["id"], wrong)
            continue
        name = st["name"] if isinstance(st.get("name"), str) else None
        stops.append(SavedStop(st["id"], bool(st.get("enabled", True)), name, _stop_record(st)))
    problems.raise_if_any()
    return SavedPlan(source, tuple(runs), tuple(stops))


def _saved_run(run: object, n: int, problems: ProblemCollector) -> SavedRun | None:
    where = f"run {n}"
    if not isinstance(run, dict):
        problems.add(where, "", run, "a run object")
        return None
    date = parse_date(str(run.get("date")))
    if date is None:
        problems.add(where, "date", run.get("date"), "a date YYYY-MM-DD")
        return None
    vehicle = run.get("vehicle")
    if not isinstance(vehicle, int) or isinstance(vehicle, bool) or vehicle < 1:
        problems.add(where, "vehicle", vehicle, "a vehicle number from 1")
        return None
    if not isinstance(run.get("id"), str):
        problems.add(where, "id", run.get("id"), "a run id like 2026-12-08")
        return None
    visits = run.get("visits")
    saved = [
        SavedVisit(
            v["stop_id"], start, v["stop_name"] if isinstance(v.get("stop_name"), str) else None
        )
        for v in (visits if isinstance(visits, list) else ())
        if isinstance(v, dict)
        and isinstance(v.get("stop_id"), str)
        and (start := _moment(v.get("start"))) is not None
    ]
    if not isinstance(visits, list) or len(saved) != len(visits):
        problems.add(where, "visits", "…", "a list of visits, each with stop_id and start")
        return None
    return SavedRun(run["id"], date, vehicle, tuple(saved))


def _stop_record(st: dict[str, Any]) -> StopRecord | None:
    try:
        return StopRecord(
            name=str(st["name"]),
            position=LonLat(float(st["lon"]), float(st["lat"])),
            population=int(st["population"]),
            programme_s=int(st["programme_s"]),
            dwell_s=int(st["dwell_s"]),
        )
    except (KeyError, TypeError, ValueError):
        return None


def _moment(value: object) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None
