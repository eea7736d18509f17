"""The engine's part of the periodic search: whole days re-routed by `vrp.solve`.

All days go to the engine as one `VrpProblem` whose day d is a time window
[d*H, d*H + U] on a long timeline (`problem.timeline`): a vehicle of day d has
that shift and a visit fixed to day d that window, so the engine cannot move it
to another day, while a client that may take any single day gets no window and
the engine chooses its day along with its route. Visits become routing clients
through `optimize.visits`, the one encoding every caller uses.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Sequence

from outreach_planner.optimize import vrp
from outreach_planner.optimize.periodic.problem import NOT_TIMED, PeriodicProblem, timeline
from outreach_planner.optimize.periodic.state import Search, State, patterns_ok
from outreach_planner.optimize.visits import Encoded, Visit, encode
from outreach_planner.optimize.vrp import VrpProblem

log = logging.getLogger("outreach_planner")


def _encode(pp: PeriodicProblem, visits: Sequence[Visit], days: Sequence[int]) -> Encoded:
    """The visits on the vehicles of `days` (sorted), each day's shift on the timeline."""
    u, h = timeline(pp)
    return encode(
        visits,
        distance=pp.distance,
        duration=pp.duration,
        service=pp.service,
        demand=pp.demand,
        capacity=pp.capacity,
        vehicles=len(days) * pp.vehicles,
        shifts=tuple((d * h, d * h + u) for d in days for _ in range(pp.vehicles)),
        max_duration=pp.max_duration,
    )


def horizon_problem(
    pp: PeriodicProblem,
    days_of: Sequence[tuple[int, ...]],
    days: Sequence[int] | None = None,
) -> tuple[VrpProblem, list[tuple[int, int | None, int]]]:
    """Some days (default all) as one `VrpProblem`; returns it and (client, day, span) per
    its client.

    Visits of clients whose day the engine may choose come with day None; with
    `days` given, only those currently on one of `days` are in, and only the
    vehicles of `days`, so they may move among those days only. With spans, a
    visit may start in any span of its day: one client per span, exactly one served.
    """
    u, h = timeline(pp)
    chosen = list(range(pp.days)) if days is None else sorted(days)
    wanted = set(chosen)
    visits: list[Visit] = []
    keys: list[tuple[int, int | None]] = []
    for c in range(pp.num_clients):
        if pp.frequency(c) == 0:
            continue
        if pp.any_day(c):
            if days is None or (days_of[c] and days_of[c][0] in wanted):
                visits.append(Visit(c, (NOT_TIMED,)))
                keys.append((c, None))
            continue
        for d in days_of[c]:
            if d in wanted:
                spans = ((0, u),) if pp.spans is None else pp.spans_on(d)[c]
                windows = tuple((d * h + lo, d * h + hi) for lo, hi in spans)
                service = None if pp.day_service is None else pp.day_service[d][c]
                visits.append(Visit(c, windows, service=service))
                keys.append((c, d))
    enc = _encode(pp, visits, chosen)
    return enc.problem, [(*keys[k], j) for k, j in enc.owner]


def engine_step(
    search: Search,
    st: State,
    *,
    engine: str,
    time_limit: float | None,
    iterations: int | None,
    seed: int,
    days: Sequence[int] | None = None,
    neighbours: int | None = None,
) -> State:
    """Re-route `days` (default all) of `st` with the engine, warm-started; a new state.

    The result may cost more than `st` (the caller decides what to keep); a
    result that leaves a visit out or breaks a pattern gives back `st` itself.
    """
    pp = search.pp
    chosen = list(range(pp.days)) if days is None else sorted(days)
    problem, entries = horizon_problem(pp, st.days_of, chosen)
    index = {e: k for k, e in enumerate(entries)}
    initial = []
    for d in chosen:
        for route in st.routes[d]:
            used = search.schedule(route, d)[2] if pp.spans is not None else [0] * len(route)
            initial.append([
                index[(c, None, 0)] if pp.any_day(c) else index[(c, d, j)]
                for c, j in zip(route, used, strict=True)
            ])  # fmt: skip
    res = vrp.solve(
        problem,
        engine=engine,
        time_limit=time_limit,
        iterations=iterations,
        seed=seed,
        initial=initial if any(initial) else None,
        neighbours=neighbours,
    )
    if len({(c, d) for r in res.routes for c, d, _ in map(entries.__getitem__, r)}) < len(
        {(c, d) for c, d, _ in entries}
    ):
        return st  # a visit left out (alternatives not taken are fine)
    new = st.copy()
    for vehicle, order in enumerate(res.routes):
        d, v = chosen[vehicle // pp.vehicles], vehicle % pp.vehicles
        if any(entries[k][1] not in (None, d) for k in order):
            # Only a route that breaks its time windows (an overfull horizon: the engine
            # returns its least bad routes) can carry another day's visit.
            return st
        new.routes[d][v] = [entries[k][0] for k in order]
        for c in new.routes[d][v]:
            if pp.any_day(c):
                new.days_of[c] = (d,)
                new.vehicle_of[c] = {d: v}
            else:
                new.vehicle_of[c][d] = v
        search.refresh(new, d, v)
    if not patterns_ok(pp, new):
        log.warning("engine result breaks a visit pattern; keeping the previous routes")
        return st
    return new


def relaxed_step(
    search: Search,
    st: State,
    rng: random.Random,
    *,
    engine: str,
    time_limit: float | None,
    iterations: int | None,
    seed: int,
    only: set[int] | None = None,
    neighbours: int | None = None,
) -> State:
    """Let the engine move each visit of a pattern client on its own, then repair.

    Visit k of a client may take any day that is the k-th day of one of its
    patterns (one routing client per such day, exactly one served). The engine
    (warm-started from `st`, which is one of the relaxed solutions) may put
    visits on days that make no allowed pattern together; such clients are
    taken out and put back on their pattern of least insertion cost. Returns
    the repaired state (not yet re-routed).
    """
    pp = search.pp
    assert pp.spans is None and pp.day_service is None, "relaxed steps: one service, no spans"
    u, h = timeline(pp)
    visits: list[Visit] = []
    days_of_visit: list[tuple[int | None, ...]] = []  # the day of each window, None: any
    for c in search.visiting:
        if pp.any_day(c):
            visits.append(Visit(c, (NOT_TIMED,)))
            days_of_visit.append((None,))
        elif len(pp.patterns[c]) > 1 and (only is None or c in only):
            for k in range(pp.frequency(c)):
                kth = tuple(sorted({p[k] for p in pp.patterns[c]}))
                visits.append(Visit(c, tuple((d * h, d * h + u) for d in kth)))
                days_of_visit.append(kth)
        else:
            for d in st.days_of[c]:
                visits.append(Visit(c, ((d * h, d * h + u),)))
                days_of_visit.append((d,))
    enc = _encode(pp, visits, range(pp.days))
    # Where each current visit (client, day) sits among the routing clients.
    index: dict[tuple[int, int], int] = {}
    taken: dict[int, int] = {}  # visits of a client seen so far
    for vi, visit in enumerate(visits):
        c = visit.place
        current = st.days_of[c]
        if days_of_visit[vi] == (None,):
            index[(c, current[0])] = enc.client(vi)
            continue
        k = taken.get(c, 0)
        taken[c] = k + 1
        day = current[k]
        index[(c, day)] = enc.client(vi, days_of_visit[vi].index(day))
    initial = [[index[(c, d)] for c in route] for d in range(pp.days) for route in st.routes[d]]
    res = vrp.solve(enc.problem, engine=engine, time_limit=time_limit, iterations=iterations,
                    seed=seed, initial=initial, neighbours=neighbours)  # fmt: skip
    if not res.feasible:
        return st
    new = State(pp)
    days: list[list[int]] = [[] for _ in range(pp.num_clients)]
    for vehicle, route in enumerate(res.routes):
        d, v = divmod(vehicle, pp.vehicles)
        new.routes[d][v] = [visits[vi].place for vi in enc.decode(route)]
        for c in new.routes[d][v]:
            days[c].append(d)
            new.vehicle_of[c][d] = v
        search.refresh(new, d, v)
    broken = []
    for c in search.visiting:
        new.days_of[c] = tuple(sorted(days[c]))
        if new.days_of[c] not in pp.patterns[c] or len(set(days[c])) != len(days[c]):
            broken.append(c)
    for c in broken:
        # Take out every visit (a day may hold two) and put c back on a whole pattern.
        for d in set(days[c]):
            for v, stops in enumerate(new.routes[d]):
                if c in stops:
                    new.routes[d][v] = [x for x in stops if x != c]
                    search.refresh(new, d, v)
        new.days_of[c] = ()
        new.vehicle_of[c] = {}
    rng.shuffle(broken)
    for c in broken:
        search.insert(new, c, rng)
    return new
