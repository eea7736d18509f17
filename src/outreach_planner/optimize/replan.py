"""A re-plan: keep the previous plan wherever it still fits, change only what edits force."""

from __future__ import annotations

from collections.abc import Callable

from outreach_planner.optimize.facts import RotaFacts
from outreach_planner.optimize.problem import PreviousRoutes

Progress = Callable[[str, int, int], None]  # (phase, done, total)


def replan(
    rota: RotaFacts, wanted: dict[int, int], previous: PreviousRoutes, report: Progress
) -> tuple[list[list[int]], str | None]:
    """Keep the previous plan wherever it still fits; change only what edits force.

    Each future run keeps its previous visits in their order, less those no
    longer allowed there (disabled, pinned elsewhere, too close to another
    visit) or no longer fitting (dropping extra visits first). Stops then
    short of their minimum are inserted where they add the least time, at the
    best position of an existing order; spare time gets extra visits last.
    """
    runs = rota.runs
    frozen = previous.frozen
    routes: list[list[int]] = [list(r) for r in previous.routes]
    routes += [[] for _ in range(len(runs) - len(routes))]
    report("keeping the previous plan", 0, 3)
    count = {i: 0 for i in range(len(rota.problem.stops))}
    for r in sorted(frozen):
        for i in routes[r]:
            count[i] += 1
    for r in range(len(runs)):
        if r in frozen:
            continue
        kept: list[int] = []
        for i in routes[r]:
            if (
                i in rota.reachable
                and r in rota.allowed[i]
                and rota.gap_ok(i, r, routes[:r] + [kept] + [[]] * (len(runs) - r - 1))
            ):
                kept.append(i)
        while kept and not rota.fits(kept):
            # Drop what costs least to lose: an extra visit before a required one,
            # then the fewest people.
            victim = min(
                kept,
                key=lambda i: (
                    count[i] + kept.count(i) <= wanted.get(i, 0),
                    rota.problem.stops[i].value,
                ),
            )
            kept.remove(victim)
        routes[r] = kept
        for i in kept:
            count[i] += 1

    report("keeping the previous plan", 1, 3)
    short_reason = None
    for i in sorted(wanted):
        while count[i] < wanted[i]:
            if not insert_cheapest(rota, routes, i, frozen):
                short_reason = (
                    "no run had time for it while keeping the previous plan's other visits; "
                    "re-plan with --fresh, add a week or a vehicle"
                )
                break
            count[i] += 1

    report("keeping the previous plan", 2, 3)
    by_value = sorted(
        (i for i in rota.reachable if rota.problem.stops[i].value > 0),
        key=lambda i: (-rota.problem.stops[i].value, i),
    )
    for i in by_value:
        insert_cheapest(rota, routes, i, frozen)
    report("keeping the previous plan", 3, 3)
    return routes, short_reason


def insert_cheapest(
    rota: RotaFacts, routes: list[list[int]], stop: int, frozen: frozenset[int]
) -> bool:
    """Insert one visit of `stop` where it adds the least time; False when nowhere fits."""
    best: tuple[int, int, int] | None = None  # (added seconds, run, position)
    for r in rota.allowed[stop]:
        if r in frozen or not rota.gap_ok(stop, r, routes):
            continue
        base = rota.duration(routes[r])
        if base is None:
            continue
        for pos in range(len(routes[r]) + 1):
            trial = routes[r][:pos] + [stop] + routes[r][pos:]
            d = rota.duration(trial)
            if d is not None and (best is None or (d - base, r, pos) < best):
                best = (d - base, r, pos)
    if best is None:
        return False
    _, r, pos = best
    routes[r].insert(pos, stop)
    return True
