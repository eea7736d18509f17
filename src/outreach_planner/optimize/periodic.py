"""The periodic VRP: choose each client's visit days, then route every day.

Each client needs a visit on every day of one of its allowed day combinations
(its *pattern*); every day has the same number of vehicles, one capacity and
one route duration limit (travel + service). The solver:

1. Builds patterns greedily: clients with the most visits first, each given the
   pattern whose days take it most cheaply (cheapest insertion into the routes
   built so far, which clusters neighbours) while keeping day loads balanced.
2. Routes the days with the chosen engine. All days go to the engine as one
   `VrpProblem` whose day d is a time window [d*H, d*H + U] on a long
   timeline: a vehicle of day d has that shift and a visit fixed to day d that
   window, so the engine cannot move it to another day, while a client that
   may take any single day (frequency 1, every day allowed) gets no window and
   the engine chooses its day along with its route. Routing the days together
   is what lets those clients change day inside the engine's own search.
3. Improves patterns and routes together in cycles:
   - large neighbourhood search: remove a set of clients from all their days
     (random, related by distance, worst removal saving, choosy clients only,
     a region shifted to other days, neighbours aligned on one pattern),
     reinsert each on the pattern of least insertion cost into the current
     routes (exact, so every candidate is a real solution with a known cost);
     a candidate within reach of the current cost has its changed days
     re-routed by the engine (short, warm-started) and is accepted by
     simulated annealing on that routed cost;
   - the engine's own search on every day, warm-started from the current
     solution (most of the time when few clients have a choice of pattern);
   - now and then a relaxed jump: each visit of the choosy clients becomes a
     group of alternative days the engine picks from independently; visits
     left on no allowed pattern are repaired by insertion, then all days are
     re-routed, and the jump is kept only if it pays.
   The best feasible solution is kept.

Everything runs under one time limit or one effort limit and one seed; with
an effort limit (`iterations`) the result depends on the seed only.
Capacity and route duration are enforced per route on every day.
"""

from __future__ import annotations

import logging
import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from outreach_planner.optimize import vrp
from outreach_planner.optimize.vrp import NO_LIMIT, VrpProblem

log = logging.getLogger("outreach_planner")

Progress = Callable[[str, int, int], None]  # (phase, done, total)


def _readonly(name: str, value: np.ndarray, n: int) -> np.ndarray:
    arr = np.array(value, dtype=np.int64)
    if arr.shape != (n, n):
        raise ValueError(f"{name} must be {n}x{n}, got {arr.shape}")
    if (arr < 0).any():
        raise ValueError(f"{name} must not be negative")
    arr.flags.writeable = False
    return arr


@dataclass(frozen=True)
class PeriodicProblem:
    """Clients to visit over `days` days; depot is matrix index 0, client i index i + 1.

    `patterns[i]` lists client i's allowed day combinations, each a sorted tuple
    of 0-based days, all of one length (its visit frequency; 0 means no visit).
    Integer units, as in `VrpProblem`; `max_duration` bounds travel + service
    of a route.

    `spans`, when given, makes every day a clock of `max_duration` (0 = the
    vehicles leave the depot, which they must be back at by `max_duration`):
    `spans[i]` lists the disjoint [lo, hi] ranges, earliest first, in which a
    service of client i may start; the vehicle waits for `lo`. The planner uses
    it for a working day whose lunch no broadcast may straddle.
    """

    distance: np.ndarray = field(repr=False)
    duration: np.ndarray = field(repr=False)
    demand: tuple[int, ...]
    service: tuple[int, ...]
    patterns: tuple[tuple[tuple[int, ...], ...], ...]
    days: int
    vehicles: int  # per day
    capacity: int
    max_duration: int | None = None
    spans: tuple[tuple[tuple[int, int], ...], ...] | None = None

    def __post_init__(self) -> None:
        n = len(self.demand)
        object.__setattr__(self, "distance", _readonly("distance", self.distance, n + 1))
        object.__setattr__(self, "duration", _readonly("duration", self.duration, n + 1))
        problems = []
        if len(self.service) != n or len(self.patterns) != n:
            problems.append("demand, service and patterns must have one entry per client")
        if self.days < 1 or self.vehicles < 1:
            problems.append(f"days and vehicles must be at least 1: {self.days}, {self.vehicles}")
        for i, pats in enumerate(self.patterns):
            if not pats:
                problems.append(f"client {i} has no allowed pattern")
                continue
            if len({len(p) for p in pats}) != 1:
                problems.append(f"client {i}: patterns of different frequencies {pats}")
            for p in pats:
                if list(p) != sorted(set(p)) or any(not 0 <= d < self.days for d in p):
                    problems.append(f"client {i}: pattern {p} is not sorted days in range")
        if self.max_duration is not None and self.max_duration < 0:
            problems.append("max_duration must not be negative")
        if self.spans is not None:
            if self.max_duration is None or len(self.spans) != n:
                problems.append("spans need max_duration and one entry per client")
            else:
                for i, spans in enumerate(self.spans):
                    if self.patterns[i] and self.patterns[i][0] and not spans:
                        problems.append(f"client {i} needs visits but has no span to start in")
                    flat = [x for span in spans for x in span]
                    if flat != sorted(flat) or any(x < 0 for x in flat):
                        problems.append(f"client {i}: spans {spans} are not disjoint and in order")
        if problems:
            raise ValueError("; ".join(problems[:10]))

    @property
    def num_clients(self) -> int:
        return len(self.demand)

    def frequency(self, client: int) -> int:
        return len(self.patterns[client][0])

    def any_day(self, client: int) -> bool:
        """One visit, on any day of the horizon: the engine may choose its day itself.

        Not with spans: the engine would need every (day, span) as an alternative.
        """
        if self.spans is not None:
            return False
        pats = self.patterns[client]
        return len(pats[0]) == 1 and {p[0] for p in pats} == set(range(self.days))


def start_in_spans(spans: Sequence[tuple[int, int]], arrival: int) -> tuple[int, int, int]:
    """(start, span index, lateness) of a service reached at `arrival`: the earliest start
    in a span; past every span, it starts on arrival, late by that much after the last."""
    for j, (lo, hi) in enumerate(spans):
        if arrival <= hi:
            return max(arrival, lo), j, 0
    last = len(spans) - 1
    return arrival, last, arrival - spans[last][1] if spans else 0


def schedule_on_spans(
    route: Sequence[int],
    travel: Sequence[Sequence[int]] | np.ndarray,
    service: Sequence[int],
    spans: Sequence[Sequence[tuple[int, int]]],
) -> tuple[int, int, list[int]]:
    """(return time, total lateness, span used per client) of `route` (client indices;
    matrix index = client + 1) leaving the depot at 0, every service as early as its spans
    allow: the schedule the engines' time windows give the same route."""
    t, late, prev, used = 0, 0, 0, []
    for c in route:
        t, j, lateness = start_in_spans(spans[c], t + int(travel[prev][c + 1]))
        t += service[c]
        late += lateness
        used.append(j)
        prev = c + 1
    return t + int(travel[prev][0]), late, used


@dataclass(frozen=True)
class PeriodicResult:
    """Routes per day, per vehicle (client indices in order), and each client's days."""

    routes: tuple[tuple[tuple[int, ...], ...], ...]
    days_of: tuple[tuple[int, ...], ...]
    distance: int
    feasible: bool
    seconds: float
    iterations: int  # neighbourhood moves tried
    engine: str
    stats: dict = field(default_factory=dict, compare=False)


class _State:
    """A solution under construction: routes per day and vehicle, with their sums."""

    def __init__(self, pp: PeriodicProblem):
        self.pp = pp
        t, m = pp.days, pp.vehicles
        self.routes: list[list[list[int]]] = [[[] for _ in range(m)] for _ in range(t)]
        self.load = [[0] * m for _ in range(t)]
        self.dur = [[0] * m for _ in range(t)]  # travel + service
        self.dist = [[0] * m for _ in range(t)]
        self.late = [[0] * m for _ in range(t)]  # lateness past spans (with spans only)
        self.days_of: list[tuple[int, ...]] = [() for _ in range(pp.num_clients)]
        self.vehicle_of: list[dict[int, int]] = [{} for _ in range(pp.num_clients)]

    def copy(self) -> _State:
        new = _State.__new__(_State)
        new.pp = self.pp
        new.routes = [[list(r) for r in day] for day in self.routes]
        new.load = [list(x) for x in self.load]
        new.dur = [list(x) for x in self.dur]
        new.dist = [list(x) for x in self.dist]
        new.late = [list(x) for x in self.late]
        new.days_of = list(self.days_of)
        new.vehicle_of = [dict(x) for x in self.vehicle_of]
        return new


class _Search:
    """Insertion, removal and costs on `_State`s of one problem."""

    def __init__(self, pp: PeriodicProblem):
        self.pp = pp
        self.n = pp.num_clients
        self.D = np.asarray(pp.distance)
        self.T = np.asarray(pp.duration)
        self.Dl = self.D.tolist()
        self.Tl = self.T.tolist()
        self.q = list(pp.demand)
        self.s = list(pp.service)
        self.Q = pp.capacity
        self.L = pp.max_duration if pp.max_duration is not None else NO_LIMIT
        self.spans = pp.spans
        biggest = int(self.D.max()) if self.D.size else 1
        # Any feasible insertion beats any infeasible one: excess costs more than a detour.
        self.pen_dur = 100.0
        self.pen_load = 100.0 * max(biggest, 1) / max(self.Q, 1)
        self.visiting = [i for i in range(self.n) if pp.frequency(i) > 0]
        # Nearest clients first, for related removal.
        order = np.argsort(self.D[1:, 1:], axis=1, kind="stable")
        self.near = order[:, : min(self.n, 40)].tolist() if self.n > 1 else [[]]
        self._arcs: dict[tuple[int, int], tuple] = {}

    # --- costs ---------------------------------------------------------------------------

    def excess(self, st: _State) -> tuple[int, int]:
        load = sum(max(0, x - self.Q) for day in st.load for x in day)
        dur = sum(max(0, x - self.L) for day in st.dur for x in day)
        return load, dur + sum(sum(day) for day in st.late)

    def cost(self, st: _State) -> float:
        """Distance plus penalties for excess load and duration and for missing visits."""
        dist = sum(sum(day) for day in st.dist)
        load, dur = self.excess(st)
        missing = sum(1 for i in self.visiting if not st.days_of[i])
        return dist + self.pen_load * load + self.pen_dur * dur + missing * 10 * self.pen_dur * 1e6

    def feasible(self, st: _State) -> bool:
        return self.excess(st) == (0, 0) and all(st.days_of[i] for i in self.visiting)

    def distance(self, st: _State) -> int:
        return sum(sum(day) for day in st.dist)

    def _refresh(self, st: _State, d: int, v: int) -> None:
        route = st.routes[d][v]
        Dl, Tl = self.Dl, self.Tl
        dist = dur = load = 0
        prev = 0
        for c in route:
            dist += Dl[prev][c + 1]
            dur += Tl[prev][c + 1] + self.s[c]
            load += self.q[c]
            prev = c + 1
        dist += Dl[prev][0]
        dur += Tl[prev][0]
        st.dist[d][v], st.dur[d][v], st.load[d][v] = dist, dur, load
        if self.spans is not None:
            # The clock matters: the duration is the return time, waiting included.
            st.dur[d][v], st.late[d][v], _ = self.schedule(route)

    def schedule(self, route: Sequence[int]) -> tuple[int, int, list[int]]:
        """With spans: (return time, total lateness, span used per client) of `route`."""
        assert self.spans is not None
        return schedule_on_spans(route, self.Tl, self.s, self.spans)

    # --- moves ---------------------------------------------------------------------------

    def remove(self, st: _State, c: int) -> None:
        for d in st.days_of[c]:
            v = st.vehicle_of[c][d]
            st.routes[d][v].remove(c)
            self._refresh(st, d, v)
        st.days_of[c] = ()
        st.vehicle_of[c] = {}

    def best_on_day(self, st: _State, d: int, c: int) -> tuple[float, int, int]:
        """(penalised cost, vehicle, position) of the cheapest insertion of c on day d."""
        routes = st.routes[d]
        A: list[int] = []
        B: list[int] = []
        R: list[int] = []
        P: list[int] = []
        empty_done = False
        for v, route in enumerate(routes):
            if not route:
                if empty_done:
                    continue  # empty routes are all alike
                empty_done = True
            nodes = [0, *(x + 1 for x in route), 0]
            A.extend(nodes[:-1])
            B.extend(nodes[1:])
            R.extend([v] * (len(nodes) - 1))
            P.extend(range(len(nodes) - 1))
        a = np.array(A)
        b = np.array(B)
        r = np.array(R)
        c1 = c + 1
        D, T = self.D, self.T
        detour = D[a, c1] + D[c1, b] - D[a, b]
        extra = T[a, c1] + T[c1, b] - T[a, b] + self.s[c]
        load = np.array(st.load[d])[r]
        dur = np.array(st.dur[d])[r]
        Q, L = self.Q, self.L
        add_load = np.maximum(0, load + self.q[c] - Q) - np.maximum(0, load - Q)
        add_dur = np.maximum(0, dur + extra - L) - np.maximum(0, dur - L)
        cost = detour + self.pen_load * add_load + self.pen_dur * add_dur
        k = int(np.argmin(cost))
        return float(cost[k]), int(R[k]), int(P[k])

    def insert_at(self, st: _State, c: int, d: int, v: int, pos: int) -> None:
        st.routes[d][v].insert(pos, c)
        st.vehicle_of[c][d] = v
        self._refresh(st, d, v)

    def insert(
        self,
        st: _State,
        c: int,
        rng: random.Random,
        noise: float = 0.0,
        balance: float = 0.0,
        prefer: tuple[int, ...] | None = None,
    ) -> None:
        """Put c on its pattern of least insertion cost (with optional noise and balance).

        `prefer`, when it is one of c's patterns, is taken whatever it costs.
        """
        pats = self.pp.patterns[c]
        if prefer is not None and prefer in pats:
            pats = (prefer,)
        days = sorted({d for p in pats for d in p})
        best_day = {d: self.best_on_day(st, d, c) for d in days}
        if balance:
            cap = self.Q * self.pp.vehicles
            for d in days:
                cost, v, pos = best_day[d]
                frac = sum(st.load[d]) / cap if cap else 0.0
                best_day[d] = (cost + balance * frac, v, pos)
        best = None
        best_cost = math.inf
        for p in pats:
            cost = sum(best_day[d][0] for d in p)
            if noise:
                cost *= 1.0 + noise * (2 * rng.random() - 1)
            if cost < best_cost:
                best, best_cost = p, cost
        assert best is not None
        for d in best:
            _, v, pos = best_day[d]
            self.insert_at(st, c, d, v, pos)
        st.days_of[c] = best

    def rebalance(self, st: _State, rng: random.Random, touched: set[int]) -> None:
        """Move clients free to take any day off overfull routes, to their next best day.

        A pattern change often overloads a day that other days could relieve; without
        this its candidate looks hopeless before the engine has seen it.
        """
        pp = self.pp
        for _ in range(4 * pp.vehicles * pp.days):
            over = [
                (d, v)
                for d in range(pp.days)
                for v in range(pp.vehicles)
                if st.load[d][v] > self.Q or st.dur[d][v] > self.L
            ]
            if not over:
                return
            d, v = rng.choice(over)
            free = [c for c in st.routes[d][v] if pp.any_day(c)]
            if not free:
                continue
            c = rng.choice(free)
            self.remove(st, c)
            self.insert(st, c, rng)
            touched.add(d)
            touched.update(st.days_of[c])

    # --- destroy operators ---------------------------------------------------------------

    def pick_random(self, st: _State, k: int, rng: random.Random) -> list[int]:
        return rng.sample(self.visiting, min(k, len(self.visiting)))

    def pick_related(self, st: _State, k: int, rng: random.Random) -> list[int]:
        seed = rng.choice(self.visiting)
        chosen = [seed]
        pool = [x for x in self.near[seed] if x != seed and self.pp.frequency(x) > 0]
        while len(chosen) < k and pool:
            # Mostly the nearest remaining, sometimes one further out.
            j = min(int(len(pool) * rng.random() ** 4), len(pool) - 1)
            chosen.append(pool.pop(j))
        return chosen

    def pick_worst(self, st: _State, k: int, rng: random.Random) -> list[int]:
        Dl = self.Dl
        saving = []
        for day in st.routes:
            for route in day:
                nodes = [0, *(x + 1 for x in route), 0]
                for j in range(1, len(nodes) - 1):
                    a, c, b = nodes[j - 1], nodes[j], nodes[j + 1]
                    saving.append((Dl[a][c] + Dl[c][b] - Dl[a][b], c - 1))
        per: dict[int, float] = {}
        for s_, c in saving:
            per[c] = per.get(c, 0.0) + s_ / max(1, self.pp.frequency(c))
        ranked = sorted(per, key=lambda c: -per[c])
        chosen: list[int] = []
        while len(chosen) < k and ranked:
            j = min(int(len(ranked) * rng.random() ** 3), len(ranked) - 1)
            chosen.append(ranked.pop(j))
        return chosen

    def pick_pattern_clients(self, st: _State, k: int, rng: random.Random) -> list[int]:
        """Clients with a real choice of pattern that the engine cannot make itself."""
        choosy = [
            i for i in self.visiting if len(self.pp.patterns[i]) > 1 and not self.pp.any_day(i)
        ]
        if not choosy:
            return self.pick_random(st, k, rng)
        return rng.sample(choosy, min(k, len(choosy)))


# --- the engine step ---------------------------------------------------------------------


def _timeline(pp: PeriodicProblem) -> tuple[int, int]:
    """(U, H): a day lasts U on the engine's timeline and day d starts at d * H."""
    if pp.max_duration is not None:
        u = pp.max_duration
    else:
        # No route can last longer than visiting every client from the depot and back.
        t = np.asarray(pp.duration)
        u = int(2 * t[0, 1:].sum() + sum(pp.service)) + pp.num_clients + 2
    return u, u + 1


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
    visit becomes one client per span, a group of which exactly one is served.
    """
    u, h = _timeline(pp)
    chosen = range(pp.days) if days is None else sorted(days)
    wanted = set(chosen)
    entries: list[tuple[int, int | None, int]] = []
    windows: list[tuple[int, int]] = []
    groups: list[tuple[int, ...]] = []
    for c in range(pp.num_clients):
        if pp.frequency(c) == 0:
            continue
        if pp.any_day(c):
            if days is None or (days_of[c] and days_of[c][0] in wanted):
                entries.append((c, None, 0))
                windows.append((0, NO_LIMIT))
            continue
        for d in days_of[c]:
            if d not in wanted:
                continue
            if pp.spans is None:
                entries.append((c, d, 0))
                windows.append((d * h, d * h + u))
                continue
            if len(pp.spans[c]) > 1:
                groups.append(tuple(range(len(entries), len(entries) + len(pp.spans[c]))))
            for j, (lo, hi) in enumerate(pp.spans[c]):
                entries.append((c, d, j))
                windows.append((d * h + lo, d * h + hi))
    grouped = {k for g in groups for k in g}
    problem = _visits_problem(
        pp,
        [c for c, _, _ in entries],
        vehicles=len(chosen) * pp.vehicles,
        time_windows=tuple(windows),
        shifts=tuple((d * h, d * h + u) for d in chosen for _ in range(pp.vehicles)),
        prize=tuple(0 if k in grouped else None for k in range(len(entries))) if groups else None,
        groups=tuple(groups),
    )
    return problem, entries


def _visits_problem(pp: PeriodicProblem, clients: Sequence[int], **rest: object) -> VrpProblem:
    """A `VrpProblem` with one client per visit (`clients[k]` is visit k's client in `pp`),
    taking matrices, demand, service, capacity and duration limit from `pp`."""
    rows = [0, *(c + 1 for c in clients)]
    ix = np.ix_(rows, rows)
    return VrpProblem(
        distance=np.asarray(pp.distance)[ix],
        duration=np.asarray(pp.duration)[ix],
        demand=tuple(pp.demand[c] for c in clients),
        service=tuple(pp.service[c] for c in clients),
        capacity=pp.capacity,
        max_duration=pp.max_duration,
        **rest,  # type: ignore[arg-type]
    )


def _engine_step(
    search: _Search,
    st: _State,
    *,
    engine: str,
    time_limit: float | None,
    iterations: int | None,
    seed: int,
    days: Sequence[int] | None = None,
) -> _State:
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
            used = search.schedule(route)[2] if pp.spans is not None else [0] * len(route)
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
        search._refresh(new, d, v)
    if not _patterns_ok(pp, new):
        log.warning("engine result breaks a visit pattern; keeping the previous routes")
        return st
    return new


def _relaxed_step(
    search: _Search,
    st: _State,
    rng: random.Random,
    *,
    engine: str,
    time_limit: float | None,
    iterations: int | None,
    seed: int,
    only: set[int] | None = None,
) -> _State:
    """Let the engine move each visit of a pattern client on its own, then repair.

    Visit k of a client becomes a group of alternatives: one per day that is the
    k-th day of one of its patterns. The engine (warm-started from `st`, which
    is one of the relaxed solutions) may put visits on days that make no allowed
    pattern together; such clients are taken out and put back on their pattern
    of least insertion cost. Returns the repaired state (not yet re-routed).
    """
    pp = search.pp
    assert pp.spans is None, "relaxed steps have no alternatives per span"
    u, h = _timeline(pp)
    entries: list[tuple[int, int, int]] = []  # (client, day, visit number or -1)
    groups: list[tuple[int, ...]] = []
    relaxed = [
        c
        for c in search.visiting
        if len(pp.patterns[c]) > 1 and not pp.any_day(c) and (only is None or c in only)
    ]
    relaxed_set = set(relaxed)
    for c in search.visiting:
        if pp.any_day(c):
            entries.append((c, -1, -1))
        elif c in relaxed_set:
            for k in range(pp.frequency(c)):
                kth_days = sorted({p[k] for p in pp.patterns[c]})
                groups.append(tuple(range(len(entries), len(entries) + len(kth_days))))
                entries.extend((c, d, k) for d in kth_days)
        else:
            entries.extend((c, d, -1) for d in st.days_of[c])
    problem = _visits_problem(
        pp,
        [c for c, _, _ in entries],
        vehicles=pp.days * pp.vehicles,
        time_windows=tuple((0, NO_LIMIT) if d < 0 else (d * h, d * h + u) for _, d, _ in entries),
        shifts=tuple((d * h, d * h + u) for d in range(pp.days) for _ in range(pp.vehicles)),
        prize=tuple(0 if k >= 0 else None for _, _, k in entries),
        groups=tuple(groups),
    )
    index: dict[tuple[int, int], int] = {}
    for e, (c, d, k) in enumerate(entries):
        if k < 0 and d < 0:
            index[(c, -1)] = e
        elif k < 0:
            index[(c, d)] = e
    for e, (c, d, k) in enumerate(entries):
        if k >= 0 and st.days_of[c] and st.days_of[c][k] == d:
            index[(c, d)] = e
    initial = [
        [index[(c, -1)] if pp.any_day(c) else index[(c, d)] for c in route]
        for d in range(pp.days)
        for route in st.routes[d]
    ]
    res = vrp.solve(problem, engine=engine, time_limit=time_limit, iterations=iterations,
                    seed=seed, initial=initial)  # fmt: skip
    if not res.feasible:
        return st
    new = _State(pp)
    days: list[list[int]] = [[] for _ in range(pp.num_clients)]
    for vehicle, route in enumerate(res.routes):
        d, v = divmod(vehicle, pp.vehicles)
        new.routes[d][v] = [entries[e][0] for e in route]
        for c in new.routes[d][v]:
            days[c].append(d)
            new.vehicle_of[c][d] = v
        search._refresh(new, d, v)
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
                    search._refresh(new, d, v)
        new.days_of[c] = ()
        new.vehicle_of[c] = {}
    rng.shuffle(broken)
    for c in broken:
        search.insert(new, c, rng)
    return new


def _patterns_ok(pp: PeriodicProblem, st: _State) -> bool:
    return all(
        st.days_of[c] in pp.patterns[c] if pp.frequency(c) else not st.days_of[c]
        for c in range(pp.num_clients)
    )


# --- the solver --------------------------------------------------------------------------


def _initial(search: _Search, rng: random.Random) -> _State:
    """Greedy patterns: most visits and fewest choices first, cheapest balanced days."""
    pp = search.pp
    st = _State(pp)
    order = sorted(
        search.visiting,
        key=lambda c: (-pp.frequency(c), len(pp.patterns[c]), -pp.demand[c], rng.random()),
    )
    # Balance: a full day costs about two mean depot legs more than an empty one.
    balance = 2.0 * float(np.asarray(pp.distance)[0, 1:].mean()) if pp.num_clients else 0.0
    for c in order:
        search.insert(st, c, rng, balance=balance)
    return st


@dataclass
class Settings:
    """Knobs of the search; the defaults are what the benchmarks were measured with."""

    polish_iterations: int = 20  # engine iterations on a repaired candidate's days
    # Scales every engine iteration count of an effort-bounded search. 1 suits PyVRP;
    # an OR-Tools solution costs about 70 times a PyVRP iteration on the Đắk Song
    # horizon (39 ms against 0.55 ms, measured), so the planner gives it less.
    engine_effort: float = 1.0
    temperature: float = 0.0005  # annealing temperature, as a share of the cost
    relabel_share: float = 0.3  # moves that shift a region to other days
    align_share: float = 0.25  # moves that align neighbours on one pattern
    cycle_moves: int = 60  # moves per cycle when stopped by effort
    starts: int = 1  # independent starts raced against each other: 1, 2 or 4

    def scaled(self, iterations: float) -> int:
        return max(1, int(iterations * self.engine_effort))


class _Trajectory:
    """One line of search: its own random stream, current and best solutions."""

    def __init__(self, search: _Search, engine: str, seed: int, cfg: Settings):
        self.search, self.engine, self.seed, self.cfg = search, engine, seed, cfg
        self.rng = random.Random(seed)
        pp = search.pp
        self.current = _initial(search, self.rng)
        self.cur_cost = search.cost(self.current)
        self.best, self.best_cost = self.current, self.cur_cost
        self.moves = self.polished = self.cycles = 0
        self.gains: list[float] = []  # how much the engine takes off a repaired candidate
        # Spans would make every (day, span) an alternative: too many for the engine.
        self.relax_odds = 0.5 if pp.spans is None else 0.0
        self.cap_at = math.inf  # when an effort-bounded search must stop, whatever is left
        self.kmax = max(2, min(12, len(search.visiting) // 8))
        n_visits = sum(pp.frequency(c) for c in search.visiting)
        self.choosy_clients = [
            c for c in search.visiting if len(pp.patterns[c]) > 1 and not pp.any_day(c)
        ]
        choosy = sum(pp.frequency(c) for c in self.choosy_clients) / max(1, n_visits)
        # Time goes to what the engine cannot do alone, choosing patterns, in proportion
        # to the visits whose pattern is a real choice; the rest to the engine's search.
        self.lns_share = min(0.75, max(0.1, 1.5 * choosy)) if choosy else 0.0

    def _take(self, st: _State, cost: float) -> bool:
        """Make `st` current if it is better; returns whether it was."""
        if cost < self.cur_cost - 1e-9:
            self.current, self.cur_cost = st, cost
            if cost < self.best_cost - 1e-9:
                self.best, self.best_cost = st, cost
            return True
        return False

    def limit(self, seconds: float | None) -> float | None:
        """`seconds`; in an effort-bounded search with a time cap, what is left of the cap,
        so that no engine call outlasts it (OR-Tools may never reach its solution count)."""
        if seconds is not None or self.cap_at == math.inf:
            return seconds
        return max(0.05, self.cap_at - time.perf_counter())

    def route(self, time_limit: float | None, iterations: int | None) -> None:
        """The engine's own search on every day, from the current solution."""
        routed = _engine_step(
            self.search, self.current, engine=self.engine, time_limit=self.limit(time_limit),
            iterations=iterations, seed=self.seed + 7919 * (self.cycles + 1),
        )  # fmt: skip
        self._take(routed, self.search.cost(routed))

    def move(self, frac: float) -> None:
        """One ruin-and-recreate move; routed by the engine if it looks promising."""
        search, pp, rng, cfg = self.search, self.search.pp, self.rng, self.cfg
        current, kmax = self.current, self.kmax
        self.moves += 1
        targets: dict[int, tuple[int, ...]] = {}
        if self.choosy_clients and rng.random() < cfg.align_share:
            # Align a few neighbouring choosy clients on one pattern's days: they can
            # then share routes, which none gains by moving alone.
            c0 = rng.choice(self.choosy_clients)
            target = set(rng.choice(pp.patterns[c0]))
            ranked = sorted(self.choosy_clients, key=lambda c: pp.distance[c0 + 1, c + 1])
            chosen = ranked[: rng.randint(2, max(2, min(len(ranked), 2 * kmax)))]
            for c in chosen:
                overlap = max(len(target & set(p)) for p in pp.patterns[c])
                options = [p for p in pp.patterns[c] if len(target & set(p)) == overlap]
                targets[c] = rng.choice(options)
            # Their free neighbours may have to give way on those days.
            extra = [x for x in search.near[c0][:kmax] if pp.any_day(x)]
            chosen = chosen + [x for x in extra if x not in chosen]
        elif pp.days > 1 and rng.random() < cfg.relabel_share:
            # Move a whole neighbourhood to other days at once: one client alone rarely
            # gains by leaving the days its neighbours share, a region may.
            chosen = search.pick_related(current, rng.randint(3, 3 * kmax), rng)
            perm = list(range(pp.days))
            if pp.days <= 3 or rng.random() < 0.5:
                a, b = rng.sample(perm, 2)
                perm[a], perm[b] = perm[b], perm[a]
            else:
                rng.shuffle(perm)
            targets = {c: tuple(sorted(perm[d] for d in current.days_of[c])) for c in chosen}
        else:
            op = rng.choices(
                (search.pick_random, search.pick_related, search.pick_worst,
                 search.pick_pattern_clients), (1.0, 2.0, 1.0, 2.0),
            )[0]  # fmt: skip
            chosen = op(current, rng.randint(1, kmax), rng)
        cand = current.copy()
        touched: set[int] = set()
        for c in chosen:
            touched.update(cand.days_of[c])
            search.remove(cand, c)
        if rng.random() < 0.5:
            rng.shuffle(chosen)
        else:
            chosen.sort(key=lambda c: -pp.demand[c] * pp.frequency(c))
        noise = 0.15 if rng.random() < 0.3 else 0.0
        for c in chosen:
            search.insert(cand, c, rng, noise=noise, prefer=targets.get(c))
            touched.update(cand.days_of[c])
        if search.excess(cand) != (0, 0):
            search.rebalance(cand, rng, touched)
        estimate = search.cost(cand)
        # Repaired routes are rough: the engine usually takes something off. Only a
        # candidate within that reach of the current solution is worth routing.
        gains = self.gains
        reach = sorted(gains)[int(0.8 * (len(gains) - 1))] if gains else 0.01 * self.cur_cost
        if estimate > self.cur_cost + reach:
            return
        polished = _engine_step(
            search, cand, engine=self.engine, time_limit=self.limit(None),
            iterations=cfg.scaled(cfg.polish_iterations), seed=self.seed + self.moves,
            days=sorted(touched),
        )  # fmt: skip
        self.polished += 1
        pc = search.cost(polished)
        gains.append(max(0.0, estimate - pc))
        del gains[:-60]
        temp = cfg.temperature * self.cur_cost * max(0.0, 1.0 - frac)
        # Not better: kept now and then while the temperature allows (pc >= current here).
        if (
            not self._take(polished, pc)
            and temp > 0
            and rng.random() < math.exp(-(pc - self.cur_cost) / temp)
        ):
            self.current, self.cur_cost = polished, pc

    def jump(self, time_limit: float | None, iterations: int | None) -> None:
        """Let every visit of (some) choosy clients move on its own, repair, re-route."""
        pp, rng = self.search.pp, self.rng
        only = None
        if rng.random() < 0.5:
            # A region's choosy clients only: fewer patterns broken, less to repair.
            c0 = rng.choice(self.choosy_clients)
            ranked = sorted(self.choosy_clients, key=lambda c: pp.distance[c0 + 1, c + 1])
            only = set(ranked[: max(2, len(ranked) // 3)])
        seed = self.seed + 104729 * (self.cycles + 1)
        half = self.limit(None if time_limit is None else time_limit / 2)
        repaired = _relaxed_step(
            self.search, self.current, rng, engine=self.engine, time_limit=half,
            iterations=iterations, seed=seed, only=only,
        )  # fmt: skip
        if repaired is self.current:
            return
        jumped = _engine_step(
            self.search, repaired, engine=self.engine, time_limit=half,
            iterations=iterations, seed=seed + 1,
        )  # fmt: skip
        jc = self.search.cost(jumped)
        log.debug("relaxed jump: %.0f -> %.0f", self.cur_cost, jc)
        if self._take(jumped, jc):
            self.relax_odds = min(1.0, self.relax_odds * 1.5)
        else:
            self.relax_odds = max(0.1, self.relax_odds * 0.6)

    def cycle(self, seconds: float | None, frac: Callable[[], float]) -> None:
        """Moves, then the engine's search, then perhaps a relaxed jump.

        With `seconds`, the cycle lasts about that long; without, it is bounded by
        counts alone (moves and engine iterations), so it is reproducible.
        """
        self.cycles += 1
        cfg = self.cfg
        began = time.perf_counter()
        if self.lns_share > 0:
            stop_at = began + self.lns_share * (seconds or 0.0)
            done = 0
            while (
                (time.perf_counter() < stop_at) if seconds is not None else (done < cfg.cycle_moves)
            ):
                self.move(frac())
                done += 1
        if seconds is not None:
            rest = max(0.05, seconds - (time.perf_counter() - began))
            jump = bool(self.lns_share) and self.rng.random() < self.relax_odds
            self.route(rest / 2 if jump else rest, None)
            if jump:
                self.jump(max(0.05, seconds - (time.perf_counter() - began)), None)
        else:
            share = self.lns_share
            per_move = (1 - share) / share if share else 1
            self.route(None, cfg.scaled(cfg.cycle_moves * 8 * per_move))
            if not self.lns_share:
                self.moves += cfg.cycle_moves  # the engine's iterations stand for the moves
            if self.lns_share and self.rng.random() < self.relax_odds:
                self.jump(None, cfg.scaled(150))
        log.debug("cycle %d of start %d: %d moves, current %.0f, best %.0f", self.cycles,
                  self.seed, self.moves, self.cur_cost, self.best_cost)  # fmt: skip


def solve_periodic(
    pp: PeriodicProblem,
    *,
    engine: str = "pyvrp",
    time_limit: float | None = None,
    iterations: int | None = None,
    seed: int = 0,
    progress: Progress | None = None,
    settings: Settings | None = None,
    time_cap: float | None = None,
) -> PeriodicResult:
    """Best solution found within `time_limit` seconds or `iterations` neighbourhood moves.

    `time_cap` is a safety stop for an effort-bounded search: reaching it ends
    the search early (`stats["capped"]`), and only then may the result vary.

    With `settings.starts` of 2 or 4, that many starts (different greedy
    orders) race: each stage gives the survivors an equal share of the budget
    and keeps the better half, until one goes on alone. With `iterations` and
    no time limit, every engine
    call is bounded by its own iteration count too, so the result depends on
    `seed` alone.
    """
    if time_limit is None and iterations is None:
        raise ValueError("give time_limit, iterations or both")
    cfg = settings or Settings()
    began = time.perf_counter()
    deadline = began + time_limit if time_limit is not None else math.inf
    cap_at = began + time_cap if time_cap is not None else math.inf
    report = progress or (lambda phase, done, total: None)
    search = _Search(pp)
    if not search.visiting:
        return _result(search, _State(pp), began, 0, engine)

    def left() -> float:
        return deadline - time.perf_counter()

    timed = time_limit is not None
    budget = iterations if iterations is not None else math.inf
    # Racing starts paid only on some instances at 60 s (each start then gets too few
    # cycles to show its worth), so one start is the default.
    starts = cfg.starts or 1
    runs = [_Trajectory(search, engine, seed + 1000 * k, cfg) for k in range(starts)]
    for r in runs:
        r.cap_at = cap_at
    moves_done = lambda: sum(r.moves for r in runs)  # noqa: E731

    def frac() -> float:
        return moves_done() / budget if not timed else 1 - left() / time_limit  # type: ignore[operator]

    # Stages: 4 starts, then 2, then 1; each stage's survivors share its budget equally.
    stages = [starts]
    while stages[-1] > 1:
        stages.append(stages[-1] // 2)
    stage_share = [0.4, 0.3, 0.3] if starts == 4 else ([0.5, 0.5] if starts == 2 else [1.0])
    stage_share = stage_share[: len(stages)]
    stage_share[-1] = 1.0 - sum(stage_share[:-1])
    spent_share = 0.0
    for stage, (alive, share) in enumerate(zip(stages, stage_share, strict=True)):
        runs.sort(key=lambda r: r.best_cost)
        runs = runs[:alive]
        spent_share += share
        for r in runs:
            # A start's first step: route its greedy patterns with the engine.
            if r.cycles == 0:
                if time_limit is not None:
                    r.route(max(0.05, min(left(), 0.1 * time_limit * share / alive)), None)
                else:
                    r.route(None, cfg.scaled(1000))
        for j, r in enumerate(runs):
            if timed:
                stage_end = min(deadline, began + spent_share * time_limit)  # type: ignore[operator]
                # The runs still to go in this stage share what is left of it equally.
                stop = time.perf_counter() + (stage_end - time.perf_counter()) / (len(runs) - j)
                period = max(2.0, time_limit / 12)  # type: ignore[operator]
                while time.perf_counter() < stop - 0.05 and moves_done() < budget:
                    r.cycle(min(period, stop - time.perf_counter()), frac)
            else:
                quota = int(budget * share / alive)
                target = r.moves + quota
                while r.moves < target and time.perf_counter() < cap_at:
                    r.cycle(None, frac)
            report("improving", stage + 1, len(stages))
    winner = min(runs, key=lambda r: r.best_cost)
    stats = {
        "starts": starts,
        "moves": moves_done(),
        "polished": sum(r.polished for r in runs),
        "cycles": sum(r.cycles for r in runs),
        "lns_share": round(winner.lns_share, 2),
        "capped": time.perf_counter() >= cap_at,
    }
    log.debug("%s", stats)
    result = _result(search, winner.best, began, moves_done(), engine)
    result.stats.update(stats)
    return result


def _result(search: _Search, st: _State, began: float, moves: int, engine: str) -> PeriodicResult:
    return PeriodicResult(
        routes=tuple(tuple(tuple(r) for r in day) for day in st.routes),
        days_of=tuple(st.days_of),
        distance=search.distance(st),
        feasible=search.feasible(st) and _patterns_ok(search.pp, st),
        seconds=time.perf_counter() - began,
        iterations=moves,
        engine=engine,
    )
