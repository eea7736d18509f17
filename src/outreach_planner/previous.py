"""A previous plan in this plan's terms: the planner's side of re-planning.

The optimizer receives the previous runs as its own indices (`PreviousRoutes`); this module
maps the stop ids of a plan.json read back (`io.plan_json.SavedPlan`) onto this horizon's
runs and stops, and keeps the stops that past runs visited after the planner removed them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from outreach_planner.domain import Stop
from outreach_planner.io.plan_json import SavedPlan
from outreach_planner.optimize.problem import PreviousRoutes, RunSlot


def removed_stops(previous: SavedPlan, current: Sequence[Stop], today: dt.date) -> list[Stop]:
    """Stops the previous plan visited before `today` that the list no longer has, as
    disabled stops: the past runs that visited them stay whole."""
    have = {s.id for s in current}
    past = {sid for r in previous.runs if r.date < today for sid in r.stop_ids} - have
    return [
        Stop(
            id=p.id,
            name=p.record.name,
            position=p.record.position,
            villages=(),
            programme_s=p.record.programme_s,
            dwell_s=p.record.dwell_s,
            min_visits=0,
            enabled=False,
            people_override=p.record.population,
            notes="removed from the stop list",
        )  # fmt: skip
        for p in previous.stops
        if p.id in past and p.record is not None
    ]


def previous_routes(
    previous: SavedPlan, runs: Sequence[RunSlot], stops: Sequence[Stop], today: dt.date
) -> PreviousRoutes:
    """The previous runs in the optimizer's terms: this horizon's runs and stop indices.

    Runs before `today` are frozen: what happened is not re-planned. Visits of stops no
    longer in the list are dropped from future runs.
    """
    index = {s.id: i for i, s in enumerate(stops)}
    by_key = {(r.date, r.vehicle): r for r in previous.runs}
    routes = []
    for run in runs:
        before = by_key.get((run.date, run.vehicle))
        ids = before.stop_ids if before else ()
        routes.append(tuple(index[sid] for sid in ids if sid in index))
    frozen = frozenset(r for r, run in enumerate(runs) if run.date < today)
    return PreviousRoutes(tuple(routes), frozen)
