"""POST /api/runs/{date}[/{vehicle}]/timing: a run re-timed for an order dragged on the
page, with what breaks; nothing is saved."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from typing import Any

from outreach_planner.errors import InputError, Problem
from outreach_planner.web.workspace import Workspace


def run_timing(
    ws: Workspace, date: dt.date, vehicle: int, data: Mapping[str, Any]
) -> dict[str, Any]:
    """`data`: {"order": [stop ids]} and optionally {"others": {run id: [stop ids]}}, the
    page's unsaved order of other runs (for the gap between visits of a stop)."""
    from outreach_planner.planner import with_programme
    from outreach_planner.retime import retime_run

    order = data.get("order")
    if not isinstance(order, list) or not all(isinstance(s, str) for s in order):
        raise InputError(Problem("request", "", "order", order, "a list of stop ids"))
    others = data.get("others", {})
    if not isinstance(others, dict) or not all(
        isinstance(v, list) and all(isinstance(s, str) for s in v) for v in others.values()
    ):
        raise InputError(Problem("request", "", "others", others, "run id -> list of stop ids"))
    stops = {s.id: s for s in ws.stops()}
    unknown = [sid for sid in order if sid not in stops]
    if unknown:
        raise InputError(
            [
                Problem("request", "", "order", sid, "the id of a stop in the list")
                for sid in unknown
            ]
        )
    timed = [with_programme(stops[sid], ws.programme, ws.settings) for sid in order]
    if ws.programme.dated:
        # Items with from/until: the dwell of this run's date, as `plan` times it.
        timed = [
            dataclasses.replace(
                s, programme_s=(p := ws.programme.programme_s(s.languages, date)),
                dwell_s=ws.settings.setup_s + p + s.extra_dwell_s,
            )
            for s in timed
        ]  # fmt: skip
    run_id = date.isoformat() + (f"-{vehicle}" if vehicle > 1 else "")
    runs: dict[str, tuple[dt.date, list[str]]] = {}
    for run in (ws.plan_json() or {}).get("runs", []):
        runs[run["id"]] = (
            dt.date.fromisoformat(run["date"]),
            [v["stop_id"] for v in run["visits"]],
        )
    for rid, ids in others.items():
        if rid in runs:
            runs[rid] = (runs[rid][0], list(ids))
    other_visits: dict[str, list[dt.date]] = {}
    for rid, (day, ids) in runs.items():
        if rid != run_id:
            for sid in ids:
                other_visits.setdefault(sid, []).append(day)
    return retime_run(ws.settings, date, vehicle, timed, other_visits=other_visits).to_json()


def parse_run_id(run_id: str) -> tuple[dt.date, int] | None:
    """'2026-12-08' -> (date, 1); '2026-12-08-2' -> (date, 2); None when not a run id."""
    import re

    m = re.fullmatch(r"(\d{4}-\d{2}-\d{2})(?:-(\d+))?", run_id)
    if m is None:
        return None
    try:
        return dt.date.fromisoformat(m[1]), int(m[2] or 1)
    except ValueError:
        return None


def check_orders(ws: Workspace, data: Mapping[str, Any]) -> dict[tuple[dt.date, int], list[str]]:
    """The runs a "keep" asks for, each re-timed; InputError unless every one fits."""
    runs = data.get("runs")
    if not isinstance(runs, dict) or not runs:
        raise InputError(Problem("request", "", "runs", runs, "run id -> list of stop ids"))
    orders: dict[tuple[dt.date, int], list[str]] = {}
    problems = []
    for run_id, order in runs.items():
        key = parse_run_id(run_id)
        if key is None or key[0].weekday() not in ws.settings.weekdays:
            problems.append(Problem("request", "", "runs", run_id, "the id of a run"))
            continue
        timed = run_timing(ws, key[0], key[1], {"order": order, "others": runs})
        for p in timed["problems"]:
            problems.append(Problem("request", run_id, p["code"], p["stop_id"], p["message"]))
        orders[key] = list(order)
    if problems:
        raise InputError(problems)
    return orders
