"""An independent check of a plan.json, written from the issue's acceptance points.

It reads only the JSON files (plan, villages), never the planner's own code, so
a bug in the planner cannot hide itself here.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path


def _t(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def _geodesic_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    # Haversine on a 6371 km sphere: within 0.5 % of the ellipsoid, enough for a check.
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6_371_000 * math.asin(math.sqrt(h))


def check_plan(plan: dict, villages_geojson: dict | None = None) -> list[str]:
    """Every violation found, as readable strings (empty when the plan is sound)."""
    errors: list[str] = []
    s = plan["settings"]
    spans = [tuple(part.split("-")) for part in s["working_hours"]]
    (w0, l0), (l1, w1) = [(dt.time.fromisoformat(a), dt.time.fromisoformat(b)) for a, b in spans]
    stops = {st["id"]: st for st in plan["stops"]}
    speed = s["speed_kmh"] * 1000 / 3600
    depot = (s["depot"]["lon"], s["depot"]["lat"])

    for run in plan["runs"]:
        date = dt.date.fromisoformat(run["date"])
        tz = _t(run["depart"]).tzinfo

        def day(t: dt.time, date: dt.date = date, tz: dt.tzinfo | None = tz) -> dt.datetime:
            return dt.datetime.combine(date, t, tzinfo=tz)

        lunch = (day(l0), day(l1))
        prev_depart, prev_pos = _t(run["depart"]), depot
        if prev_depart < day(w0):
            errors.append(f"{run['id']}: leaves the depot {prev_depart} before work starts")
        for v in run["visits"]:
            st = stops.get(v["stop_id"])
            if st is None:
                errors.append(f"{run['id']}: unknown stop {v['stop_id']}")
                continue
            arrival, start, end, depart = (_t(v[k]) for k in ("arrival", "start", "end", "depart"))
            where = f"{run['id']} #{v['seq']} {v['stop_id']}"
            if not (arrival <= start <= end <= depart):
                errors.append(f"{where}: times out of order")
            if (end - start).total_seconds() < st["programme_s"]:
                errors.append(f"{where}: broadcast shorter than programme_s")
            if (depart - arrival).total_seconds() < st["dwell_s"]:
                errors.append(f"{where}: stay shorter than dwell_s")
            # Drive: at least the straight-line distance at the set speed, not during lunch.
            need = _geodesic_m(prev_pos, (st["lon"], st["lat"])) * 0.995 / speed
            driving = (arrival - prev_depart).total_seconds() - _overlap(
                prev_depart, arrival, lunch
            )
            if driving + 1 < need:
                errors.append(f"{where}: drive of {driving:.0f} s is shorter than {need:.0f} s")
            if arrival < prev_depart:
                errors.append(f"{where}: arrives before leaving the previous place")
            if _overlap(start, end, lunch):
                errors.append(f"{where}: broadcast overlaps lunch")
            if start < day(w0) or end > day(w1):
                errors.append(f"{where}: broadcast outside working hours")
            prev_depart, prev_pos = depart, (st["lon"], st["lat"])
        back = _t(run["return"])
        need = _geodesic_m(prev_pos, depot) * 0.995 / speed
        if (back - prev_depart).total_seconds() - _overlap(prev_depart, back, lunch) + 1 < need:
            errors.append(f"{run['id']}: return drive too short")
        if back > day(w1):
            errors.append(f"{run['id']}: returns {back} after the end of the day")

    counts: dict[str, int] = {}
    for run in plan["runs"]:
        for v in run["visits"]:
            counts[v["stop_id"]] = counts.get(v["stop_id"], 0) + 1
    unassigned = {u["stop_id"]: u for u in plan["unassigned"]}
    for sid, st in stops.items():
        if counts.get(sid, 0) < st["min_visits"]:
            u = unassigned.get(sid)
            if u is None or not u["reason"]:
                errors.append(f"{sid}: {counts.get(sid, 0)} visits < {st['min_visits']}, no reason")

    gap = s["min_days_between_visits"]
    dates: dict[str, list[dt.date]] = {}
    for run in plan["runs"]:
        for v in run["visits"]:
            dates.setdefault(v["stop_id"], []).append(dt.date.fromisoformat(run["date"]))
    for sid, ds in dates.items():
        ds.sort()
        for a, b in zip(ds, ds[1:], strict=False):
            if (b - a).days < max(gap, 1):
                errors.append(f"{sid}: visits on {a} and {b} closer than {gap} days")

    if villages_geojson is not None:
        where_is = {
            f["properties"]["id"]: f["geometry"]["coordinates"]
            for f in villages_geojson["features"]
        }
        seen: dict[str, str] = {}
        for st in plan["stops"]:
            for vid in st["villages"]:
                if vid in seen:
                    errors.append(f"village {vid} in stops {seen[vid]} and {st['id']}")
                seen[vid] = st["id"]
                d = _geodesic_m(tuple(where_is[vid][:2]), (st["lon"], st["lat"]))
                if d > s["audible_radius_m"] * 1.005:
                    errors.append(f"village {vid} is {d:.0f} m from its stop {st['id']}")
        for vid in set(where_is) - set(seen):
            errors.append(f"village {vid} belongs to no stop")
    return errors


def _overlap(a: dt.datetime, b: dt.datetime, span: tuple[dt.datetime, dt.datetime]) -> float:
    return max(0.0, (min(b, span[1]) - max(a, span[0])).total_seconds())


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))
