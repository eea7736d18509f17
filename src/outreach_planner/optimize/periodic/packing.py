"""A start that packs the days: day by day, each vehicle takes the nearest client that fits.

`state.initial` puts each client on its cheapest pattern, one client after another; on a
horizon that barely holds every visit it ends with days over their limit, which the
search then takes many moves to undo (and, on a short effort, may never undo). Packing
each route until nothing else fits, as a team working down its list would, uses the days'
time far better on such horizons. `packed` builds that start; the search takes it only
when it costs less than `initial`'s (see `search.Trajectory`).

A client joins a day only while some pattern of it still fits the days it has: the days
before it that the pattern names are exactly the days it was given. A client that has
to go today (every pattern left names today) is taken before the nearest one. Whatever
finds no room is then inserted on its cheapest pattern like `initial` does.
"""

from __future__ import annotations

import random

from outreach_planner.optimize.periodic.problem import start_in_spans
from outreach_planner.optimize.periodic.state import Search, State


def packed(search: Search, rng: random.Random) -> State:
    """Routes packed day by day, vehicle by vehicle, nearest client first (see the module)."""
    pp = search.pp
    st = State(pp)
    Tl, L, Q = search.Tl, search.L, search.Q
    given: dict[int, list[int]] = {c: [] for c in search.visiting}
    # Each client's patterns that still agree with the days it was given.
    left = {c: list(pp.patterns[c]) for c in search.visiting}
    for d in range(pp.days):
        service = search.s_day[d]
        spans = search.spans_day[d] if search.spans_day is not None else None
        open_ = [c for c in search.visiting if any(d in p for p in left[c])]
        must = {c for c in open_ if all(d in p for p in left[c])}
        for v in range(pp.vehicles):
            route: list[int] = []
            here, clock, load = 0, 0, 0
            while open_:
                best = None
                for c in sorted(open_, key=lambda c: (c not in must, Tl[here][c + 1], c)):
                    arrival = clock + Tl[here][c + 1]
                    start, late = arrival, 0
                    if spans is not None:
                        start, _, late = start_in_spans(spans[c], arrival)
                    end = start + service[c]
                    if late == 0 and end + Tl[c + 1][0] <= L and load + search.q[c] <= Q:
                        best = (c, end)
                        break
                if best is None:
                    break  # nothing else fits this vehicle today
                c, clock = best
                route.append(c)
                load += search.q[c]
                here = c + 1
                open_.remove(c)
                given[c].append(d)
            for c in route:
                st.vehicle_of[c][d] = v
            st.routes[d][v] = route
            search.refresh(st, d, v)
        for c in search.visiting:
            left[c] = [p for p in left[c] if (d in p) == (d in given[c][-1:])]
    leftover = []
    for c in search.visiting:
        days = tuple(given[c])
        if days in pp.patterns[c]:
            st.days_of[c] = days
        elif days:
            # Part of a pattern only: its visits come out and it is inserted whole below.
            st.days_of[c] = days
            search.remove(st, c)
            leftover.append(c)
        else:
            leftover.append(c)
    for c in leftover:
        search.insert(st, c, rng)
    return st
