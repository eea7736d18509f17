"""A periodic solution under construction, and the moves and costs that work on it.

Costs are exact for a given set of routes: every insertion is evaluated on the
routes as they are, so every candidate the search makes is a real solution
with a known cost (excess load and duration penalised, never forbidden).
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence

import numpy as np

from outreach_planner.optimize.periodic.problem import PeriodicProblem, schedule_on_spans
from outreach_planner.optimize.vrp import NO_LIMIT


class State:
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

    def copy(self) -> State:
        new = State.__new__(State)
        new.pp = self.pp
        new.routes = [[list(r) for r in day] for day in self.routes]
        new.load = [list(x) for x in self.load]
        new.dur = [list(x) for x in self.dur]
        new.dist = [list(x) for x in self.dist]
        new.late = [list(x) for x in self.late]
        new.days_of = list(self.days_of)
        new.vehicle_of = [dict(x) for x in self.vehicle_of]
        return new


class Search:
    """Insertion, removal, destroy operators and costs on `State`s of one problem."""

    def __init__(self, pp: PeriodicProblem):
        self.pp = pp
        self.n = pp.num_clients
        self.D = np.asarray(pp.distance)
        self.T = np.asarray(pp.duration)
        self.Dl = self.D.tolist()
        self.Tl = self.T.tolist()
        self.q = list(pp.demand)
        self.s_day = [list(pp.service_on(d)) for d in range(pp.days)]  # service per day
        self.Q = pp.capacity
        self.L = pp.max_duration if pp.max_duration is not None else NO_LIMIT
        self.spans = pp.spans
        self.spans_day = [pp.spans_on(d) for d in range(pp.days)] if pp.spans else None
        biggest = int(self.D.max()) if self.D.size else 1
        # Any feasible insertion beats any infeasible one: excess costs more than a detour.
        self.pen_dur = 100.0
        self.pen_load = 100.0 * max(biggest, 1) / max(self.Q, 1)
        self.visiting = [i for i in range(self.n) if pp.frequency(i) > 0]
        # Nearest clients first, for related removal.
        order = np.argsort(self.D[1:, 1:], axis=1, kind="stable")
        self.near = order[:, : min(self.n, 40)].tolist() if self.n > 1 else [[]]

    # --- costs ---------------------------------------------------------------------------

    def excess(self, st: State) -> tuple[int, int]:
        load = sum(max(0, x - self.Q) for day in st.load for x in day)
        dur = sum(max(0, x - self.L) for day in st.dur for x in day)
        return load, dur + sum(sum(day) for day in st.late)

    def cost(self, st: State) -> float:
        """Distance plus penalties for excess load and duration and for missing visits."""
        dist = sum(sum(day) for day in st.dist)
        load, dur = self.excess(st)
        missing = sum(1 for i in self.visiting if not st.days_of[i])
        return dist + self.pen_load * load + self.pen_dur * dur + missing * 10 * self.pen_dur * 1e6

    def feasible(self, st: State) -> bool:
        return self.excess(st) == (0, 0) and all(st.days_of[i] for i in self.visiting)

    def distance(self, st: State) -> int:
        return sum(sum(day) for day in st.dist)

    def refresh(self, st: State, d: int, v: int) -> None:
        route = st.routes[d][v]
        Dl, Tl, service = self.Dl, self.Tl, self.s_day[d]
        dist = dur = load = 0
        prev = 0
        for c in route:
            dist += Dl[prev][c + 1]
            dur += Tl[prev][c + 1] + service[c]
            load += self.q[c]
            prev = c + 1
        dist += Dl[prev][0]
        dur += Tl[prev][0]
        st.dist[d][v], st.dur[d][v], st.load[d][v] = dist, dur, load
        if self.spans is not None:
            # The clock matters: the duration is the return time, waiting included.
            st.dur[d][v], st.late[d][v], _ = self.schedule(route, d)

    def schedule(self, route: Sequence[int], d: int) -> tuple[int, int, list[int]]:
        """With spans: (return time, total lateness, span used per client) of `route` on day d."""
        assert self.spans_day is not None
        return schedule_on_spans(route, self.Tl, self.s_day[d], self.spans_day[d])

    # --- moves ---------------------------------------------------------------------------

    def remove(self, st: State, c: int) -> None:
        for d in st.days_of[c]:
            v = st.vehicle_of[c][d]
            st.routes[d][v].remove(c)
            self.refresh(st, d, v)
        st.days_of[c] = ()
        st.vehicle_of[c] = {}

    def best_on_day(self, st: State, d: int, c: int) -> tuple[float, int, int]:
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
        extra = T[a, c1] + T[c1, b] - T[a, b] + self.s_day[d][c]
        load = np.array(st.load[d])[r]
        dur = np.array(st.dur[d])[r]
        Q, L = self.Q, self.L
        add_load = np.maximum(0, load + self.q[c] - Q) - np.maximum(0, load - Q)
        add_dur = np.maximum(0, dur + extra - L) - np.maximum(0, dur - L)
        cost = detour + self.pen_load * add_load + self.pen_dur * add_dur
        k = int(np.argmin(cost))
        return float(cost[k]), int(R[k]), int(P[k])

    def insert_at(self, st: State, c: int, d: int, v: int, pos: int) -> None:
        st.routes[d][v].insert(pos, c)
        st.vehicle_of[c][d] = v
        self.refresh(st, d, v)

    def insert(
        self,
        st: State,
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

    def rebalance(self, st: State, rng: random.Random, touched: set[int]) -> None:
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

    def pick_random(self, st: State, k: int, rng: random.Random) -> list[int]:
        return rng.sample(self.visiting, min(k, len(self.visiting)))

    def pick_related(self, st: State, k: int, rng: random.Random) -> list[int]:
        seed = rng.choice(self.visiting)
        chosen = [seed]
        pool = [x for x in self.near[seed] if x != seed and self.pp.frequency(x) > 0]
        while len(chosen) < k and pool:
            # Mostly the nearest remaining, sometimes one further out.
            j = min(int(len(pool) * rng.random() ** 4), len(pool) - 1)
            chosen.append(pool.pop(j))
        return chosen

    def pick_worst(self, st: State, k: int, rng: random.Random) -> list[int]:
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

    def pick_pattern_clients(self, st: State, k: int, rng: random.Random) -> list[int]:
        """Clients with a real choice of pattern that the engine cannot make itself."""
        choosy = [
            i for i in self.visiting if len(self.pp.patterns[i]) > 1 and not self.pp.any_day(i)
        ]
        if not choosy:
            return self.pick_random(st, k, rng)
        return rng.sample(choosy, min(k, len(choosy)))


def patterns_ok(pp: PeriodicProblem, st: State) -> bool:
    return all(
        st.days_of[c] in pp.patterns[c] if pp.frequency(c) else not st.days_of[c]
        for c in range(pp.num_clients)
    )


def initial(search: Search, rng: random.Random) -> State:
    """Greedy patterns: most visits and fewest choices first, cheapest balanced days."""
    pp = search.pp
    st = State(pp)
    order = sorted(
        search.visiting,
        key=lambda c: (-pp.frequency(c), len(pp.patterns[c]), -pp.demand[c], rng.random()),
    )
    # Balance: a full day costs about two mean depot legs more than an empty one.
    balance = 2.0 * float(np.asarray(pp.distance)[0, 1:].mean()) if pp.num_clients else 0.0
    for c in order:
        search.insert(st, c, rng, balance=balance)
    return st
