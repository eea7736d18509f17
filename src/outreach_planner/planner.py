"""The pipeline: inputs -> stops -> travel times -> problem -> plan."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from outreach_planner.capacity import capacity_answer
from outreach_planner.clustering import cluster_villages
from outreach_planner.days_off import RunDates, horizon_dates
from outreach_planner.domain import Commune, Stop
from outreach_planner.errors import InfeasibleError, InputError, Problem
from outreach_planner.io.communes import load_communes
from outreach_planner.io.plan_json import SavedPlan
from outreach_planner.io.stops_csv import load_stops
from outreach_planner.io.villages import load_villages
from outreach_planner.locks import apply_locks
from outreach_planner.optimize.problem import (
    RotaProblem,
    RunSlot,
    Shift,
    StopDemand,
)
from outreach_planner.optimize.rota import Progress, solve_rota
from outreach_planner.optimize.schedule import time_run
from outreach_planner.plan import Leg, Plan, RoadsUsed, Run, Unassigned, Visit
from outreach_planner.previous import previous_routes, removed_stops
from outreach_planner.programme import BroadcastProgramme, load_programme
from outreach_planner.run_programme import dwell_by_date, longest, run_items
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
    """Read communes, villages and programme named by the settings; make the stops.

    Without communes (`communes = "none"`) there are no polygons: the villages'
    commune names are the communes.
    """
    missing = [k for k in ("villages", "programme") if getattr(settings, k) is None]
    if missing:
        raise InputError(
            [
                Problem("settings", "", k, None, "a file path (setting or --" + k + ")")
                for k in missing
            ]  # fmt: skip
        )
    assert settings.villages and settings.programme  # checked above
    if settings.district is not None and not settings.villages.exists():
        raise InputError(
            Problem(str(settings.villages), "", "villages", "no such file yet",
                    "the villages file: make it from the village list with "
                    "`outreach-planner villages import danh-sach-thon.xlsx`")
        )  # fmt: skip
    communes = load_communes(settings.communes) if settings.communes is not None else []
    villages = load_villages(settings.villages, communes=communes or None)
    # Villages still at their commune's centre: the summary names them (Plan.needs_placement).
    programme = load_programme(settings.programme, reading_speed_spm=settings.reading_speed_spm)
    if settings.stops is not None:
        # The planner's edited list replaces the clustering; ids stay what they wrote.
        listed = load_stops(
            settings.stops,
            villages={v.id: v for v in villages},
            radius_m=settings.audible_radius_m,
            default_min_visits=settings.min_visits,
        )
    else:
        listed = [
            dataclasses.replace(stop, min_visits=settings.min_visits)
            for stop in cluster_villages(villages, radius_m=settings.audible_radius_m)
        ]
    stops = [with_programme(stop, programme, settings) for stop in listed]
    _check_programme_fits([s for s in stops if s.enabled], settings)
    return Inputs(tuple(communes), tuple(stops), programme)


def with_programme(stop: Stop, programme: BroadcastProgramme, settings: Settings) -> Stop:
    """The stop with its broadcast and dwell: setup, every item in its languages, extras."""
    return dataclasses.replace(
        stop,
        programme_s=programme.programme_s(stop.languages),
        dwell_s=programme.dwell_s(stop.languages, setup_s=settings.setup_s) + stop.extra_dwell_s,
    )


def _check_programme_fits(stops: Sequence[Stop], s: Settings) -> None:
    """A dwell is never split by lunch, so it must fit in the morning or the afternoon."""
    longest = max(s.lunch_start_s - s.work_start_s, s.work_end_s - s.lunch_end_s)
    too_long = [stop for stop in stops if stop.dwell_s > longest]
    if too_long:
        # One line for one cause: the first stop, and how many more share it.
        stop, more = too_long[0], len(too_long) - 1
        raise InputError(
            Problem(
                str(s.programme),
                f"stop {stop.id}" + (f" (and {more} more stops)" if more else ""),
                "items",
                f"{stop.dwell_s / 60:.0f} min with setup in {'+'.join(stop.languages)}",
                f"a programme that fits in the longest working span ({longest / 60:.0f} min)",
            )
        )


def horizon_runs(
    settings: Settings, start: dt.date, dates: RunDates | None = None
) -> tuple[RunSlot, ...]:
    """Every (date, vehicle) outing of the horizon, in date then vehicle order."""
    if dates is None:
        dates = horizon_dates(settings, start)
    shift = Shift(
        settings.work_start_s, settings.lunch_start_s, settings.lunch_end_s, settings.work_end_s
    )
    return tuple(
        RunSlot(date=day, day=(day - start).days, vehicle=v, shift=shift)
        for day in dates.dates
        for v in range(1, settings.vehicles + 1)
    )


def make_plan(
    settings: Settings,
    inputs: Inputs,
    *,
    today: dt.date | None = None,
    progress: Progress | None = None,
    previous: SavedPlan | None = None,
    capacity: bool = True,
) -> Plan:
    """Optimize the rota and time every run.

    With `previous`, keep its visits wherever they still fit (runs before
    `today` are never changed). With `capacity`, stops short of time come with
    verified changes that would fit them all (`Plan.capacity`, see capacity.py).
    """
    today = today or dt.date.today()
    start = settings.start_date(today)
    if start < today:
        log.warning("the plan starts on %s, before today (%s)", start, today)
    dates = horizon_dates(settings, start)
    runs = horizon_runs(settings, start, dates)
    if not runs:
        raise InputError(
            Problem(
                "settings",
                "",
                "weekdays",
                settings.weekdays,
                "weekdays that give a run on a day that is not a day off",
            )  # fmt: skip
        )
    stops = inputs.stops
    if previous is not None:
        stops = (*stops, *removed_stops(previous, stops, today))
    # Items with from/until: each run date's own dwell; the rota reserves the longest.
    by_date = dwell_by_date(
        stops, len(inputs.stops), inputs.programme, settings, dates.dates, TIME_STEP_S
    )
    stops = longest(stops, by_date)
    roads: RoadsUsed | None = None
    unreachable: dict[int, str] = {}  # matrix index -> why the roads do not link it
    if settings.roads is not None:
        matrix, roads, unreachable = _road_matrix(settings, stops)
    else:
        matrix = straight_line_matrix(
            [settings.depot.position, *(s.position for s in stops)],
            speed_kmh=settings.speed_kmh,
            detour_factor=settings.detour_factor,
            step_s=TIME_STEP_S,
        )
    dwell = tuple(int(round_up(s.dwell_s, TIME_STEP_S)) for s in stops)
    problem = RotaProblem(
        stops=tuple(_demand(s, d, runs, settings) for s, d in zip(stops, dwell, strict=True)),
        runs=runs,
        travel_s=matrix.travel_s,
        min_gap_days=settings.min_days_between_visits,
        search_effort=settings.search_effort,
        time_cap_s=settings.time_cap_s,
        seed=settings.seed,
        engine=settings.engine,
    )
    mapped = None if previous is None else previous_routes(previous, runs, stops, today)
    mapped = apply_locks(
        runs, stops, mapped, _duration(stops, dwell, matrix, settings, runs[0].shift),
        source=str(settings.stops or "stops.csv"),
    )  # fmt: skip
    result = solve_rota(problem, progress=progress, previous=mapped)
    # A stop the roads do not link with the depot has a huge travel time, which the rota
    # reports as too long a drive; the road network's own reason says more.
    unassigned = tuple(
        Unassigned(stops[m.stop], m.missing_visits, unreachable[m.stop + 1], "unreachable")
        if m.stop + 1 in unreachable
        else Unassigned(stops[m.stop], m.missing_visits, m.reason, m.code, m.figures)
        for m in result.missing
    )
    if stops and len(result.missing) == len(stops) and not any(r.stops for r in result.routes):
        raise InfeasibleError(
            f"no stop can be visited: {unassigned[0].reason}"
            if unassigned
            else "no stop can be visited"
        )
    frozen = mapped.frozen if mapped else frozenset()
    timed = tuple(
        _timed_run(
            slot, route.stops, stops, by_date.get(slot.date) or tuple(
                (s.programme_s, d) for s, d in zip(stops, dwell, strict=True)
            ), matrix, settings, past=r in frozen,
            items=run_items(inputs.programme, slot.date, [stops[i] for i in route.stops]),
        )
        for r, (slot, route) in enumerate(zip(runs, result.routes, strict=True))
    )  # fmt: skip
    plan = Plan(
        settings=settings,
        start=start,
        stops=stops,
        runs=timed,
        unassigned=unassigned,
        communes=inputs.communes,
        programme_title=inputs.programme.title,
        travel_model=matrix.model,
        roads=roads,
        skipped_dates=dates.skipped,
        moved_dates=dates.moved,
    )
    if capacity:
        plan = _with_capacity(plan, inputs, min(today, start), progress)
    return plan


def _with_capacity(
    plan: Plan, inputs: Inputs, today: dt.date, progress: Progress | None
) -> Plan:
    """The plan with its capacity answer when stops are short of time."""

    def replan(settings: Settings, programme: BroadcastProgramme | None) -> Plan:
        if programme is not None:
            stops = tuple(with_programme(s, programme, settings) for s in inputs.stops)
            changed = Inputs(inputs.communes, stops, programme)
        else:
            changed = inputs
        return make_plan(settings, changed, today=today, capacity=False)

    answer = capacity_answer(plan, inputs.programme, replan, progress)
    return plan if answer is None else dataclasses.replace(plan, capacity=answer)


def _duration(
    stops: Sequence[Stop], dwell: Sequence[int], matrix: TravelMatrix, settings: Settings,
    shift: Shift,
) -> Callable[[list[int]], int | None]:  # fmt: skip
    """Seconds a run of these stop indices takes, or None when it does not fit the day."""

    def duration(route: list[int]) -> int | None:
        windows = {i + 1: w for i in route if (w := _window(stops[i], settings)) is not None}
        timed = time_run([i + 1 for i in route], dwell_s=(0, *dwell), travel_s=matrix.travel_s,
                         shift=shift, windows=windows)  # fmt: skip
        return None if timed is None else timed.return_s - timed.depart_depot_s

    return duration


def _road_matrix(
    settings: Settings, stops: Sequence[Stop]
) -> tuple[TravelMatrix, RoadsUsed, dict[int, str]]:
    """The road travel matrix (depot first), what it used, and why any stop is unreachable."""
    from outreach_planner.roads import load_roads, road_travel

    assert settings.roads is not None
    network = load_roads(settings.roads)
    travel = road_travel(
        network,
        [settings.depot.position, *(s.position for s in stops)],
        [f"depot {settings.depot.name}", *(f"{s.id} {s.name}" for s in stops)],
        class_speeds=settings.road_speeds,
        max_snap_m=settings.max_snap_m,
        step_s=TIME_STEP_S,
        source=settings.roads,
    )
    used = RoadsUsed(settings.roads.name, tuple(round(s.distance_m) for s in travel.snaps))
    return travel.matrix, used, travel.unreachable


def _window(stop: Stop, settings: Settings) -> tuple[int, int] | None:
    """(earliest dwell start, latest dwell end) from the stop's broadcast times."""
    if stop.earliest_s is None and stop.latest_s is None:
        return None
    earliest = (stop.earliest_s - settings.setup_s) if stop.earliest_s is not None else 0
    return (earliest, stop.latest_s if stop.latest_s is not None else 24 * 3600)


def _demand(stop: Stop, dwell_s: int, runs: Sequence[RunSlot], settings: Settings) -> StopDemand:
    """What the optimizer needs of a stop: a disabled one is never visited anew."""
    if not stop.enabled:
        return StopDemand(dwell_s, 0, 0, runs=())
    allowed = tuple(r for r, run in enumerate(runs) if stop.allows(run.date))
    return StopDemand(
        dwell_s=dwell_s,
        value=round(stop.population * stop.priority),
        min_visits=stop.min_visits,
        runs=None if len(allowed) == len(runs) else allowed,
        window=_window(stop, settings),
    )


def _timed_run(
    slot: RunSlot,
    order: Sequence[int],
    stops: Sequence[Stop],
    broadcast: Sequence[tuple[int, int]],
    matrix: TravelMatrix,
    settings: Settings,
    *,
    past: bool = False,
    items: tuple[tuple[str, str | None, int], ...] = (),
) -> Run:
    """Clock times of one run; `order` indexes `stops` (matrix index = stop index + 1);
    `broadcast` gives each stop's (broadcast, dwell) seconds on this run's date.

    A `past` run is kept as it was even if today's data no longer fits it in the day.
    """
    dwell = [d for _, d in broadcast]
    route = [stops[i] for i in order]
    nodes = [i + 1 for i in order]
    windows = {i + 1: w for i in order if (w := _window(stops[i], settings)) is not None}
    timed = time_run(
        nodes, dwell_s=(0, *dwell), travel_s=matrix.travel_s, shift=slot.shift, windows=windows
    )
    if timed is None and past:
        late = dataclasses.replace(slot.shift, end_s=24 * 3600 - 1)
        timed = time_run(nodes, dwell_s=(0, *dwell), travel_s=matrix.travel_s, shift=late)
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
                programme_s=broadcast[tv.node - 1][0],
                leg=Leg(
                    int(matrix.distance_m[here, tv.node]),
                    int(matrix.travel_s[here, tv.node]),
                    matrix.path(here, tv.node),
                ),
            )
        )
        here = tv.node
    return Run(
        date=slot.date,
        vehicle=slot.vehicle,
        depart=at(timed.depart_depot_s),
        back=at(timed.return_s),
        visits=tuple(visits),
        leg_back=Leg(
            int(matrix.distance_m[here, 0]), int(matrix.travel_s[here, 0]), matrix.path(here, 0)
        ),
        lunch=(at(timed.lunch[0]), at(timed.lunch[1])) if timed.lunch else None,
        items=items,
    )


def load_and_plan(settings: Settings, **kwargs) -> Plan:
    return make_plan(settings, load_inputs(settings), **kwargs)
