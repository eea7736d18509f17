"""plan.json: the machine-readable plan (documented in docs/plan-json.md)."""

from __future__ import annotations

import json
from typing import Any

from outreach_planner.capacity import Capacity
from outreach_planner.days_off import DayOff
from outreach_planner.labels import Labels
from outreach_planner.plan import Leg, Plan, RoadsUsed, Run
from outreach_planner.settings import WEEKDAYS

_VI = Labels("vi")
FORMAT = "outreach-planner/plan"
VERSION = 1


def plan_to_json(plan: Plan) -> dict[str, Any]:
    """The plan as JSON values; times are ISO 8601 local date-times with their offset."""
    settings = plan.settings.to_json()
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
                    {"index": c.index, "title": c.title, "was_s": round(c.was_s, 1),
                     "minutes": c.minutes}
                    for c in sg.cuts
                ],  # fmt: skip
                **dict(sg.figures),
                "team_hours": sg.team_hours,
                "still_unassigned": sg.still_unassigned,
            }
            for sg in capacity.suggestions
        ],
    }


def _day_off(day: DayOff) -> dict[str, str]:
    return {"reason": day.kind, "name_vi": day.name_vi, "name_en": day.name_en}


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


def render_plan_json(plan: Plan, *, warnings: list[dict[str, str]] | None = None) -> bytes:
    """plan.json; `warnings` lists outputs that could not be written with this plan."""
    data = plan_to_json(plan)
    if warnings:
        data["warnings"] = warnings
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
