"""A re-plan from the page: what `outreach-planner plan` does in the working folder, and
the change from the previous plan as data the page words in its language."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from outreach_planner.io.plan_json import SavedRun, SavedVisit
from outreach_planner.web.jobs import ProgressCallback
from outreach_planner.web.workspace import Workspace


def replan(
    ws: Workspace,
    progress: ProgressCallback,
    *,
    fresh: bool,
    orders: Mapping[tuple[dt.date, int], Sequence[str]] | None = None,
) -> dict[str, Any]:
    """Plan as `plan` does (keeping the previous plan unless `fresh`), write the outputs,
    and return {"diff", "summary"}. `orders` replace the previous plan's order of those
    runs (date, vehicle): the page's drag and drop, kept (their visits are locked)."""
    from outreach_planner.api import load_district, plan_district, read_previous
    from outreach_planner.io.plan_json import plan_to_json
    from outreach_planner.outputs import check_output_folder, write_outputs

    settings = ws.planning_settings()
    check_output_folder(ws.out)
    old_json = ws.plan_json()
    previous = read_previous(ws.out, fresh=fresh)
    if previous is not None and orders:
        previous = dataclasses.replace(previous, runs=_reordered(previous.runs, orders))
    progress("reading the inputs", 0, 1)
    district = load_district(settings)
    today = dt.date.today()
    plan = plan_district(district, today=today, previous=previous, progress=progress)
    # The last chance to cancel: after this the outputs are replaced.
    progress("writing the outputs", 0, 1)
    written = write_outputs(plan, ws.out, lang=settings.lang)
    new_json = plan_to_json(plan)
    progress("writing the outputs", 1, 1)
    return {
        "diff": plan_change(old_json, new_json),
        "summary": new_json["summary"],
        "not_written": [f"{f.name}: {f.message}" for f in written.failed],
    }


def _reordered(
    runs: Sequence[SavedRun], orders: Mapping[tuple[dt.date, int], Sequence[str]]
) -> tuple[SavedRun, ...]:
    """The runs with the page's orders; a visit placed by hand has no time yet."""

    def run(date: dt.date, vehicle: int, ids: Sequence[str]) -> SavedRun:
        key = date.isoformat() + (f"-{vehicle}" if vehicle > 1 else "")
        return SavedRun(key, date, vehicle, tuple(SavedVisit(sid, None) for sid in ids))

    have = {(r.date, r.vehicle) for r in runs}
    out = [
        run(r.date, r.vehicle, orders[(r.date, r.vehicle)]) if (r.date, r.vehicle) in orders
        else r
        for r in runs
    ]  # fmt: skip
    out += [run(d, v, ids) for (d, v), ids in orders.items() if (d, v) not in have]
    return tuple(out)


def plan_change(old: dict[str, Any] | None, new: dict[str, Any]) -> dict[str, Any]:
    """The diff of `plan_diff` with stop names, and the change in people reached."""
    from outreach_planner.io.plan_json import parse_plan_json
    from outreach_planner.plan_diff import diff_plans

    if old is None:
        return {"first_plan": True, "runs": [], "people_reached": _people(None, new)}
    names = {s["id"]: s["name"] for s in old.get("stops", [])}
    names.update({s["id"]: s["name"] for s in new.get("stops", [])})

    def stop(sid: str) -> dict[str, str]:
        return {"id": sid, "name": names.get(sid, sid)}

    d = diff_plans(
        parse_plan_json(old, source="previous plan"), parse_plan_json(new, source="plan")
    )
    runs = [
        {
            "run": c.run_id,
            "added": [stop(s) for s in c.added],
            "removed": [stop(s) for s in c.removed],
            "moved_in": [{**stop(s), "from": r} for s, r in c.moved_in],
            "moved_out": [{**stop(s), "to": r} for s, r in c.moved_out],
            "retimed": [{**stop(s), "old": a, "new": b} for s, a, b in c.retimed],
        }
        for c in d.runs
        if not c.empty
    ]
    return {
        "first_plan": False,
        "runs": runs,
        "kept": d.kept,
        "comparable": d.comparable,
        "kept_pct": round(d.kept_pct, 1),
        "people_reached": _people(old, new),
    }


def _people(old: dict[str, Any] | None, new: dict[str, Any]) -> dict[str, int | None]:
    def get(plan: dict[str, Any] | None, key: str) -> int | None:
        return None if plan is None else plan.get("summary", {}).get(key)

    return {
        "old": get(old, "people_reached"),
        "new": get(new, "people_reached"),
        "distinct_old": get(old, "distinct_people_reached"),
        "distinct_new": get(new, "distinct_people_reached"),
    }
