"""The pipeline: inputs -> stops -> travel times -> problem -> plan."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from outreach_planner.clustering import cluster_villages
from outreach_planner.domain import Commune, Stop
from outreach_planner.errors import InfeasibleError, InputError, Problem
from outreach_planner.io.communes import load_communes
from outreach_planner.io.villages import load_villages
from outreach_planner.optimize.problem import RotaProblem, RunSlot, Shift, StopDemand
from outreach_planner.optimize.rota import Progress, solve_rota
from outreach_planner.optimize.schedule import time_run
from outreach_planner.plan import Leg, Plan, Run, Unassigned, Visit
from outreach_planner.programme import BroadcastProgramme, load_programme
from outreach_planner.settings import Settings
from outreach_planner.travel import TravelMatrix, round_up, straight_line_matrix

log = logging.getLogger("outreach_planner")

# The timetable's resolution: drivers read whole minutes, so every leg and every
# dwell is rounded up to one; printed times are then exact, never optimistic.
TIME_STEP_S = 60


@dataclass(frozen=True)
class Inputs:
    """Everything read from files, validated."""

    communes: tuple[Commune, ...]
    stops: tuple[Stop, ...]
    programme: BroadcastProgramme


def load_inputs(settings: Settings) -> Inputs:
    """Read communes, villages and programme named by the settings; make the stops."""
    missing = [k for k in ("villages", "communes", "programme") if getattr(settings, k) is None]
    if missing:
        raise InputError(
            [
                Problem("settings", "", k, None, "a file path (setting or --" + k + ")")
                for k in missing
            ]  # fmt: skip
        )
    communes = load_communes(settings.communes)
    villages = load_villages(settings.villages, communes=communes)
    programme = load_programme(settings.programme, reading_speed_spm=settings.reading_speed_spm)
    stops = [
        dataclasses.replace(
            stop,
            programme_s=programme.programme_s(stop.languages),
            dwell_s=programme.dwell_s(stop.languages, setup_s=settings.setup_s),
            min_visits=settings.min_visits,
        )
        for stop in cluster_villages(villages, radius_m=settings.audible_radius_m)
    ]
    _check_programme_fits(stops, settings)
    return Inputs(tuple(communes), tuple(stops), programme)


def _check_programme_fits(stops: Sequence[Stop], s: Settings) -> None:
    """A dwell is never split by lunch, so it must fit in the morning or the afternoon."""
    longest = max(s.lunch_start_s - s.work_start_s, s.work_end_s - s.lunch_end_s)
    too_long = [stop for stop in stops if stop.dwell_s > longest]
    if too_long:
        raise InputError(
            [
                Problem(
                    str(s.programme),
                    f"stop {stop.id}",
                    "items",
                    f"{stop.dwell_s / 60:.0f} min with setup in {'+'.join(stop.languages)}",
                    f"a programme that fits in the longest working span ({longest / 60:.0f} min)",
                )  # fmt: skip
                for stop in too_long[:1]
            ]
        )


def horizon_runs(settings: Settings, start: dt.date) -> tuple[RunSlot, ...]:
    """Every (date, vehicle) outing of the horizon, in date then vehicle order."""
    shift = Shift(
        settings.work_start_s, settings.lunch_start_s, settings.lunch_end_s, settings.work_end_s
    )
    return tuple(
        RunSlot(date=start + dt.timedelta(days=d), day=d, vehicle=v, shift=shift)
        for d in range(settings.weeks * 7)
        if (start + dt.timedelta(days=d)).weekday() in settings.weekdays
        for v in range(1, settings.vehicles + 1)
    )


def make_plan(
    settings: Settings,
    inputs: Inputs,
    *,
    today: dt.date | None = None,
    progress: Progress | None = None,
) -> Plan:
    """Optimize the rota and time every run."""
    start = settings.start_date(today)
    runs = horizon_runs(settings, start)
    if not runs:
        raise InputError(
            Problem("settings", "", "weekdays", settings.weekdays, "weekdays that give a run")
        )
    stops = inputs.stops
    matrix = straight_line_matrix(
        [settings.depot.position, *(s.position for s in stops)],
        speed_kmh=settings.speed_kmh,
        detour_factor=settings.detour_factor,
        step_s=TIME_STEP_S,
    )
    dwell = tuple(int(round_up(s.dwell_s, TIME_STEP_S)) for s in stops)
    problem = RotaProblem(
        stops=tuple(
            StopDemand(d, s.population, s.min_visits) for s, d in zip(stops, dwell, strict=True)
        ),
        runs=runs,
        travel_s=matrix.travel_s,
        min_gap_days=settings.min_days_between_visits,
        search_effort=settings.search_effort,
        time_cap_s=settings.time_cap_s,
        seed=settings.seed,
    )
    result = solve_rota(problem, progress=progress)
    if stops and len(result.missing) == len(stops) and not any(r.stops for r in result.routes):
        raise InfeasibleError(
            f"no stop can be visited: {result.missing[0].reason}"
            if result.missing
            else "no stop can be visited"
        )
    timed = tuple(
        _timed_run(slot, route.stops, stops, dwell, matrix, settings)
        for slot, route in zip(runs, result.routes, strict=True)
    )
    unassigned = tuple(
        Unassigned(stops[m.stop], m.missing_visits, m.reason) for m in result.missing
    )
    return Plan(
        settings=settings,
        start=start,
        stops=stops,
        runs=timed,
        unassigned=unassigned,
        communes=inputs.communes,
        programme_title=inputs.programme.title,
        travel_model=matrix.model,
    )


def _timed_run(
    slot: RunSlot,
    order: Sequence[int],
    stops: Sequence[Stop],
    dwell: Sequence[int],
    matrix: TravelMatrix,
    settings: Settings,
) -> Run:
    """Clock times of one run; `order` indexes `stops` (matrix index = stop index + 1)."""
    route = [stops[i] for i in order]
    nodes = [i + 1 for i in order]
    timed = time_run(nodes, dwell_s=(0, *dwell), travel_s=matrix.travel_s, shift=slot.shift)
    if timed is None:  # the optimizer only returns runs that fit; guard the invariant
        raise RuntimeError(f"run {slot.date} does not fit its shift")

    def at(seconds: int) -> dt.datetime:
        return dt.datetime.combine(slot.date, dt.time(), tzinfo=settings.tz) + dt.timedelta(
            seconds=seconds
        )

    visits = []
    here = 0
    for stop, tv in zip(route, timed.visits, strict=True):
        visits.append(
            Visit(
                stop=stop,
                arrival=at(tv.arrival_s),
                start=at(tv.dwell_start_s + settings.setup_s),
                end=at(tv.dwell_end_s),
                depart=at(tv.depart_s),
                leg=Leg(int(matrix.distance_m[here, tv.node]), int(matrix.travel_s[here, tv.node])),
            )
        )
        here = tv.node
    return Run(
        date=slot.date,
        vehicle=slot.vehicle,
        depart=at(timed.depart_depot_s),
        back=at(timed.return_s),
        visits=tuple(visits),
        leg_back=Leg(int(matrix.distance_m[here, 0]), int(matrix.travel_s[here, 0])),
        lunch=(at(timed.lunch[0]), at(timed.lunch[1])) if timed.lunch else None,
    )


def load_and_plan(settings: Settings, **kwargs) -> Plan:
    return make_plan(settings, load_inputs(settings), **kwargs)
