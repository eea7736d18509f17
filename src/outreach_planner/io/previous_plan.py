"""The previous plan.json, read back so a re-plan can keep what it can."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from outreach_planner.domain import Stop
from outreach_planner.errors import InputError, ProblemCollector
from outreach_planner.geo import LonLat
from outreach_planner.io.geojson import read_json
from outreach_planner.optimize.problem import PreviousRoutes, RunSlot
from outreach_planner.render.plan_json import FORMAT


@dataclass(frozen=True)
class PreviousRun:
    date: dt.date
    vehicle: int
    stop_ids: tuple[str, ...]


@dataclass(frozen=True)
class PreviousStop:
    """What the previous plan said of a stop: enough to keep it in past runs after the
    planner removed it from the list."""

    id: str
    name: str
    position: LonLat
    population: int
    programme_s: int
    dwell_s: int


@dataclass(frozen=True)
class PreviousPlan:
    source: str
    runs: tuple[PreviousRun, ...]
    stops: tuple[PreviousStop, ...] = ()

    def removed_stops(self, current: Sequence[Stop], today: dt.date) -> list[Stop]:
        """Stops visited before `today` that the list no longer has, as disabled stops:
        the past runs that visited them stay whole."""
        have = {s.id for s in current}
        past = {sid for r in self.runs if r.date < today for sid in r.stop_ids} - have
        return [
            Stop(
                id=p.id,
                name=p.name,
                position=p.position,
                villages=(),
                programme_s=p.programme_s,
                dwell_s=p.dwell_s,
                min_visits=0,
                enabled=False,
                people_override=p.population,
                notes="removed from the stop list",
            )  # fmt: skip
            for p in self.stops
            if p.id in past
        ]

    def routes_for(
        self, runs: Sequence[RunSlot], stops: Sequence[Stop], today: dt.date
    ) -> PreviousRoutes:
        """The previous runs laid onto this horizon's runs and stop indices.

        Runs before `today` are frozen: what happened is not re-planned. Visits
        of stops no longer in the list are dropped from future runs.
        """
        index = {s.id: i for i, s in enumerate(stops)}
        by_key = {(r.date, r.vehicle): r for r in self.runs}
        routes = []
        for run in runs:
            before = by_key.get((run.date, run.vehicle))
            ids = before.stop_ids if before else ()
            routes.append(tuple(index[sid] for sid in ids if sid in index))
        frozen = frozenset(r for r, run in enumerate(runs) if run.date < today)
        return PreviousRoutes(tuple(routes), frozen)


def load_previous_plan(path: Path, *, hint: str = "") -> PreviousPlan:
    """Read the runs of a plan.json this tool wrote; a damaged file is bad input."""
    problems = ProblemCollector(str(path), hint=hint)
    try:
        data = read_json(path, what="previous plan")
    except InputError as exc:
        raise InputError(
            [dataclasses.replace(p, expected=p.expected + hint) for p in exc.problems]
        ) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        fmt = data.get("format") if isinstance(data, dict) else type(data).__name__
        problems.add("", "format", fmt, f"a plan.json written by outreach-planner ({FORMAT})")
        problems.raise_if_any()
    raw_runs = data.get("runs")
    if not isinstance(raw_runs, list):
        problems.add("", "runs", raw_runs, "a list of runs")
        problems.raise_if_any()
    runs = []
    for n, run in enumerate(raw_runs, start=1):
        where = f"run {n}"
        if not isinstance(run, dict):
            problems.add(where, "", run, "a run object")
            continue
        try:
            date = dt.date.fromisoformat(str(run.get("date")))
        except ValueError:
            problems.add(where, "date", run.get("date"), "a date YYYY-MM-DD")
            continue
        vehicle = run.get("vehicle")
        if not isinstance(vehicle, int) or isinstance(vehicle, bool) or vehicle < 1:
            problems.add(where, "vehicle", vehicle, "a vehicle number from 1")
            continue
        if not isinstance(run.get("id"), str):
            problems.add(where, "id", run.get("id"), "a run id like 2026-12-08")
            continue
        visits = run.get("visits")
        if not isinstance(visits, list) or not all(
            isinstance(v, dict) and isinstance(v.get("stop_id"), str) and _time(v.get("start"))
            for v in visits
        ):
            problems.add(where, "visits", "…", "a list of visits, each with stop_id and start")
            continue
        runs.append(PreviousRun(date, vehicle, tuple(v["stop_id"] for v in visits)))
    stops = []
    raw_stops = data.get("stops")
    if not isinstance(raw_stops, list):
        problems.add("", "stops", raw_stops, "a list of stops")
        raw_stops = []
    for n, st in enumerate(raw_stops, start=1):
        if not isinstance(st, dict) or not isinstance(st.get("id"), str):
            problems.add(f"stop {n}", "id", st, "a stop object with an id")
            continue
        try:
            stops.append(
                PreviousStop(
                    id=st["id"],
                    name=str(st["name"]),
                    position=LonLat(float(st["lon"]), float(st["lat"])),
                    population=int(st["population"]),
                    programme_s=int(st["programme_s"]),
                    dwell_s=int(st["dwell_s"]),
                )  # fmt: skip
            )
        except (KeyError, TypeError, ValueError):
            # Only needed to keep a since-removed stop in past runs; a diff needs the id.
            continue
    problems.raise_if_any()
    return PreviousPlan(str(path), tuple(runs), tuple(stops))


# Said by `plan` with every problem of a previous plan: the way out, and that nothing is lost.
REPLAN_HINT = "; nothing was written: --fresh plans without the previous plan"


def _time(value: object) -> bool:
    try:
        dt.datetime.fromisoformat(str(value))
    except ValueError:
        return False
    return True
