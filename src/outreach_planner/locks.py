"""Locked visits: runs the planner fixed by hand, which a re-plan keeps as they are.

A stop's `locked` cells name runs (date, vehicle). A run with a locked visit is
kept whole, in its order, like a run of the past: the planner fixed it (often by
dragging its visits into an order), so the optimizer neither drops nor adds
visits there. A locked visit the previous plan did not have on that run is
inserted where it adds the least time, after dropping unlocked visits of that run
if it is full; one that does not fit even without them is bad input.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from outreach_planner.domain import Stop
from outreach_planner.errors import InputError, Problem
from outreach_planner.optimize.problem import PreviousRoutes, RunSlot


def apply_locks(
    runs: Sequence[RunSlot],
    stops: Sequence[Stop],
    previous: PreviousRoutes | None,
    duration: Callable[[list[int]], int | None],
    *,
    source: str = "stops.csv",
) -> PreviousRoutes | None:
    """`previous` with every locked run frozen and holding its locked visits.

    `duration(route)` is the seconds a run of those stop indices takes, or None
    when it does not fit the day (the timetable's own check).
    """
    index = {(r.date, r.vehicle): n for n, r in enumerate(runs)}
    wanted: dict[int, list[int]] = {}
    problems = []
    for i, stop in enumerate(stops):
        for date, vehicle in stop.locked:
            r = index.get((date, vehicle))
            if r is None:
                if runs and runs[0].date <= date <= runs[-1].date:
                    problems.append(
                        Problem(source, f"id {stop.id}", "locked",
                                f"{date.isoformat()}/{vehicle}",
                                "a run of the horizon (a run day and a vehicle of the settings)")
                    )  # fmt: skip
                continue  # a lock of a day outside this horizon: nothing to keep
            wanted.setdefault(r, []).append(i)
    if problems:
        raise InputError(problems)
    if not wanted:
        return previous
    routes = [list(r) for r in previous.routes] if previous else []
    routes += [[] for _ in range(len(runs) - len(routes))]
    for r, locked in sorted(wanted.items()):
        for i in locked:
            if i in routes[r]:
                continue
            best = _cheapest(routes[r], i, duration)
            while best is None and any(j not in locked for j in routes[r]):
                # The planner's lock wins over the run's unlocked visits: drop the one whose
                # going frees the most time (the optimizer places it elsewhere if it can).
                routes[r].remove(_most_freeing(routes[r], locked, duration))
                best = _cheapest(routes[r], i, duration)
            if best is None:
                day = runs[r].date.isoformat()
                raise InputError(
                    Problem(source, f"id {stops[i].id}", "locked", day,
                            "a locked visit that fits in that run's working day "
                            "with its other visits (unlock it or another visit)")
                )  # fmt: skip
            routes[r].insert(best, i)
    frozen = (previous.frozen if previous else frozenset()) | frozenset(wanted)
    return PreviousRoutes(tuple(tuple(r) for r in routes), frozen)


def _cheapest(route: list[int], stop: int, duration: Callable[[list[int]], int | None]):
    best: tuple[int, int] | None = None
    for pos in range(len(route) + 1):
        d = duration(route[:pos] + [stop] + route[pos:])
        if d is not None and (best is None or d < best[0]):
            best = (d, pos)
    return None if best is None else best[1]


def _most_freeing(route: list[int], locked: list[int], duration: Callable[[list[int]], int | None]):
    """The unlocked visit of `route` whose removal leaves the shortest run."""
    big = 10**9

    def left(j: int) -> int:
        d = duration([k for k in route if k != j])
        return big if d is None else d

    return min((j for j in route if j not in locked), key=lambda j: (left(j), j))
