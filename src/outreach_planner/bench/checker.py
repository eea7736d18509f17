"""An independent checker: recomputes every cost and rule from the instance's own numbers.

It shares nothing with the solver but the parsed instance: distances come from
the coordinates here (floating point for PVRP; DIMACS tenths, truncated, in
exact integer arithmetic for VRPTW), never from the solver's matrices. Routes
are given in customer numbers (1..n), as printed in the published solutions.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext

from outreach_planner.bench.pvrp import PvrpInstance
from outreach_planner.bench.solomon import VrptwInstance

# Floating-point slack for PVRP's unrounded distances (limits such as 500 are exact).
TOLERANCE = 1e-6


@dataclass(frozen=True)
class Verdict:
    """The recomputed cost and every rule broken (none when feasible)."""

    cost: float
    violations: tuple[str, ...]

    @property
    def feasible(self) -> bool:
        return not self.violations


def _euclid(a: tuple[float, float], b: tuple[float, float]) -> float:
    return math.hypot(a[0] - b[0], a[1] - b[1])


def check_pvrp(inst: PvrpInstance, routes: Sequence[Sequence[Sequence[int]]]) -> Verdict:
    """Check a PVRP solution: `routes[day][vehicle]` lists customer numbers in order."""
    bad: list[str] = []
    n, t = inst.customers, inst.days
    if len(routes) != t:
        bad.append(f"{len(routes)} days of routes, expected {t}")
    visit_days: dict[int, list[int]] = {c: [] for c in range(1, n + 1)}
    cost = 0.0
    for d, day in enumerate(routes[:t]):
        used = [r for r in day if r]
        if len(used) > inst.vehicles:
            bad.append(f"day {d + 1}: {len(used)} routes, only {inst.vehicles} vehicles")
        for v, route in enumerate(day):
            if not route:
                continue
            unknown = [c for c in route if not 1 <= c <= n]
            if unknown:
                bad.append(f"day {d + 1} vehicle {v + 1}: unknown customers {unknown}")
                continue
            for c in route:
                visit_days[c].append(d)
            path = [0, *route, 0]
            length = sum(
                _euclid(inst.xy[a], inst.xy[b]) for a, b in zip(path, path[1:], strict=False)
            )
            cost += length
            load = sum(inst.demand[c] for c in route)
            if load > inst.capacity[d]:
                bad.append(
                    f"day {d + 1} vehicle {v + 1}: load {load} > capacity {inst.capacity[d]}"
                )
            limit = inst.max_duration[d]
            duration = length + sum(inst.service[c] for c in route)
            if limit > 0 and duration > limit + TOLERANCE:
                bad.append(
                    f"day {d + 1} vehicle {v + 1}: duration {duration:.4f} > limit {limit:g}"
                )
    for c, days in visit_days.items():
        counts = Counter(days)
        if any(k > 1 for k in counts.values()):
            bad.append(f"customer {c}: visited twice on one day ({sorted(days)})")
        chosen = tuple(sorted(set(days)))
        if len(days) != inst.frequency[c]:
            bad.append(f"customer {c}: {len(days)} visits, needs {inst.frequency[c]}")
        elif inst.frequency[c] > 0 and chosen not in inst.patterns[c]:
            shown = [tuple(x + 1 for x in p) for p in inst.patterns[c]]
            bad.append(
                f"customer {c}: days {tuple(x + 1 for x in chosen)} not an allowed "
                f"combination {shown}"
            )
    return Verdict(cost, tuple(bad))


def _tenths(a: tuple[float, float], b: tuple[float, float]) -> int:
    """DIMACS distance in tenths: floor(10 * Euclidean), computed exactly."""
    dx, dy = a[0] - b[0], a[1] - b[1]
    if float(dx).is_integer() and float(dy).is_integer():
        return math.isqrt(int(100 * (dx * dx + dy * dy)))
    with localcontext() as ctx:
        ctx.prec = 40
        return int((Decimal(dx) ** 2 + Decimal(dy) ** 2).sqrt() * 10)


def check_vrptw(inst: VrptwInstance, routes: Sequence[Sequence[int]]) -> Verdict:
    """Check a VRPTW solution: `routes[vehicle]` lists customer numbers in order.

    Time: leave the depot at its window start; service starts at max(arrival,
    ready) and must not start after the due time; back by the depot's due time.
    """
    bad: list[str] = []
    n = inst.customers
    used = [r for r in routes if r]
    if len(used) > inst.vehicles:
        bad.append(f"{len(used)} routes, only {inst.vehicles} vehicles")
    seen: Counter[int] = Counter()
    total = 0
    ten = lambda x: round(10 * x)  # noqa: E731 - windows and service are whole tenths
    for v, route in enumerate(used):
        unknown = [c for c in route if not 1 <= c <= n]
        if unknown:
            bad.append(f"vehicle {v + 1}: unknown customers {unknown}")
            continue
        seen.update(route)
        load = sum(inst.demand[c] for c in route)
        if load > inst.capacity:
            bad.append(f"vehicle {v + 1}: load {load} > capacity {inst.capacity}")
        clock = ten(inst.windows[0][0])
        here = 0
        for c in route:
            leg = _tenths(inst.xy[here], inst.xy[c])
            total += leg
            arrival = clock + leg
            ready, due = ten(inst.windows[c][0]), ten(inst.windows[c][1])
            if arrival > due:
                bad.append(
                    f"vehicle {v + 1}: customer {c} reached at {arrival / 10:g}, due {due / 10:g}"
                )
            clock = max(arrival, ready) + ten(inst.service[c])
            here = c
        leg = _tenths(inst.xy[here], inst.xy[0])
        total += leg
        if clock + leg > ten(inst.windows[0][1]):
            bad.append(
                f"vehicle {v + 1}: back at {(clock + leg) / 10:g}, "
                f"depot closes {inst.windows[0][1]:g}"
            )
    for c in range(1, n + 1):
        if seen[c] != 1:
            bad.append(f"customer {c}: visited {seen[c]} times, needs 1")
    return Verdict(total / 10, tuple(bad))
