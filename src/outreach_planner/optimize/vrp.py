"""One period of vehicle routing: the frozen problem every engine takes, and its result.

Index conventions: the depot is matrix index 0 and client `i` is matrix index
`i + 1`. Every quantity is an integer in units the caller chooses (seconds and
metres for the planner; the benchmark's scaled units for published instances):
engines never round.

The engines are listed in `optimize/engines.py`; `solve` here picks one by name.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

# "No limit" for a time value: far above any horizon yet safe to add to in int64.
NO_LIMIT = 2**40


def _readonly_int_matrix(name: str, value: np.ndarray, n: int) -> np.ndarray:
    arr = np.array(value, dtype=np.int64)  # a private copy the caller cannot write through
    if arr.shape != (n, n):
        raise ValueError(f"{name} must be {n}x{n}, got {arr.shape}")
    if (arr < 0).any():
        raise ValueError(f"{name} must not be negative")
    if np.any(np.diagonal(arr) != 0):
        raise ValueError(f"{name} must have a zero diagonal")
    arr.flags.writeable = False
    return arr


@dataclass(frozen=True)
class VrpProblem:
    """A capacitated VRP with service times, time windows and a route duration limit.

    `time_windows[i]` bounds the start of service at client i; `shifts[v]` is
    when vehicle v may leave the depot at the earliest and must be back at the
    latest (default: (0, NO_LIMIT) for all). `max_duration` bounds a route's
    duration: travel + service + waiting, depot to depot. `prize[i]` None marks
    a required client; an integer makes it optional, worth that much when
    visited (the engines minimise distance minus prizes collected). Each of
    `groups` lists alternatives of which exactly one is visited; its members
    must be optional. Variants are made with `replace(...)`, never by mutation.
    """

    distance: np.ndarray = field(repr=False)
    duration: np.ndarray = field(repr=False)
    demand: tuple[int, ...]
    service: tuple[int, ...]
    capacity: int
    vehicles: int
    time_windows: tuple[tuple[int, int], ...] | None = None
    shifts: tuple[tuple[int, int], ...] | None = None
    max_duration: int | None = None
    prize: tuple[int | None, ...] | None = None
    groups: tuple[tuple[int, ...], ...] = ()
    optional_groups: tuple[tuple[int, ...], ...] = ()

    def __post_init__(self) -> None:
        n = len(self.demand)
        problems: list[str] = []
        # Copied read-only matrices: PyVRP's rule that the data cannot change under a solver.
        object.__setattr__(self, "distance", _readonly_int_matrix("distance", self.distance, n + 1))
        object.__setattr__(self, "duration", _readonly_int_matrix("duration", self.duration, n + 1))
        object.__setattr__(self, "demand", tuple(int(d) for d in self.demand))
        object.__setattr__(self, "service", tuple(int(s) for s in self.service))
        if len(self.service) != n:
            problems.append(f"service has {len(self.service)} entries for {n} clients")
        if any(d < 0 for d in self.demand) or any(s < 0 for s in self.service):
            problems.append("demand and service must not be negative")
        if self.capacity < 0:
            problems.append(f"capacity must not be negative, got {self.capacity}")
        if self.vehicles < 1:
            problems.append(f"vehicles must be at least 1, got {self.vehicles}")
        if self.time_windows is not None:
            if len(self.time_windows) != n:
                problems.append(f"time_windows has {len(self.time_windows)} entries for {n}")
            bad = [i for i, (lo, hi) in enumerate(self.time_windows) if not 0 <= lo <= hi]
            if bad:
                problems.append(f"time windows out of order for clients {bad[:5]}")
        if self.shifts is not None:
            if len(self.shifts) != self.vehicles:
                problems.append(f"shifts has {len(self.shifts)} entries for {self.vehicles}")
            if any(not 0 <= lo <= hi for lo, hi in self.shifts):
                problems.append("every shift must be (earliest start, latest end), in order")
        if self.max_duration is not None and self.max_duration < 0:
            problems.append(f"max_duration must not be negative, got {self.max_duration}")
        if self.prize is not None:
            if len(self.prize) != n:
                problems.append(f"prize has {len(self.prize)} entries for {n} clients")
            if any(p is not None and p < 0 for p in self.prize):
                problems.append("prizes must not be negative")
        members = [c for g in (*self.groups, *self.optional_groups) for c in g]
        if len(members) != len(set(members)) or any(not 0 <= c < n for c in members):
            problems.append("groups must hold distinct clients, each in one group")
        elif any(self.is_required(c) for c in members):
            problems.append("group members must be optional (prize not None)")
        if problems:
            raise ValueError("; ".join(problems))

    @property
    def num_clients(self) -> int:
        return len(self.demand)

    def window(self, client: int) -> tuple[int, int]:
        """Earliest and latest start of service at `client`."""
        return (0, NO_LIMIT) if self.time_windows is None else self.time_windows[client]

    def shift(self, vehicle: int) -> tuple[int, int]:
        """Earliest departure and latest return of `vehicle`."""
        return (0, NO_LIMIT) if self.shifts is None else self.shifts[vehicle]

    def is_required(self, client: int) -> bool:
        return self.prize is None or self.prize[client] is None

    def replace(self, **changes: object) -> VrpProblem:
        """A validated copy with some fields changed."""
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True)
class RouteCheck:
    """What one route costs and whether it keeps every rule."""

    distance: int
    load: int
    duration: int  # depot to depot, waiting included, at the earliest schedule
    violations: tuple[str, ...]


def check_route(problem: VrpProblem, vehicle: int, route: Sequence[int]) -> RouteCheck:
    """Distance, load, duration and broken rules of `route` (client indices) on `vehicle`.

    The schedule leaves the depot as early as the shift allows and starts each
    service at max(arrival, window start); the duration is then taken at the
    latest departure that moves no service start past its window (Savelsbergh's
    forward time slack), so waiting that a later start avoids is not charged.
    """
    violations: list[str] = []
    load = sum(problem.demand[c] for c in route)
    if load > problem.capacity:
        violations.append(f"load {load} > capacity {problem.capacity}")
    start, end = problem.shift(vehicle)
    nodes = [0, *(c + 1 for c in route), 0]
    distance = int(sum(problem.distance[a, b] for a, b in zip(nodes, nodes[1:], strict=False)))
    t = start
    waited = 0  # waiting so far: a later departure absorbs it first
    delay = NO_LIMIT  # how much later the vehicle may leave
    here = 0
    for c in route:
        arrival = t + int(problem.duration[here, c + 1])
        lo, hi = problem.window(c)
        if arrival > hi:
            violations.append(f"client {c} reached at {arrival}, after its window ends at {hi}")
        begin = max(arrival, lo)
        waited += begin - arrival
        delay = min(delay, waited + hi - begin)
        t = begin + problem.service[c]
        here = c + 1
    back = t + int(problem.duration[here, 0])
    if back > end:
        violations.append(f"back at {back}, after the shift ends at {end}")
    delay = max(0, min(delay, waited, waited + end - back))
    duration = back - start - delay
    if problem.max_duration is not None and duration > problem.max_duration:
        violations.append(f"duration {duration} > limit {problem.max_duration}")
    return RouteCheck(distance, load, duration, tuple(violations))


@dataclass(frozen=True)
class VrpResult:
    """Routes per vehicle (client indices, in order; empty when unused) and their cost."""

    routes: tuple[tuple[int, ...], ...]
    distance: int
    feasible: bool  # every rule kept and every required client visited
    unassigned: tuple[int, ...]  # clients on no route, required ones included
    engine: str
    seconds: float
    iterations: int = 0
    stats: dict = field(default_factory=dict, compare=False)


def evaluate(
    problem: VrpProblem,
    routes: Sequence[Sequence[int]],
    *,
    engine: str = "",
    seconds: float = 0.0,
    iterations: int = 0,
) -> VrpResult:
    """The result of `routes` (one per vehicle), checked here rather than trusted to the engine."""
    if len(routes) > problem.vehicles:
        raise ValueError(f"{len(routes)} routes for {problem.vehicles} vehicles")
    seen: dict[int, int] = {}
    distance = 0
    feasible = True
    for v, route in enumerate(routes):
        for c in route:
            seen[c] = seen.get(c, 0) + 1
        if route:
            rc = check_route(problem, v, route)
            distance += rc.distance
            feasible &= not rc.violations
    unassigned = tuple(c for c in range(problem.num_clients) if c not in seen)
    if any(k > 1 for k in seen.values()):
        feasible = False
    if any(sum(c in seen for c in g) != 1 for g in problem.groups):
        feasible = False
    if any(sum(c in seen for c in g) > 1 for g in problem.optional_groups):
        feasible = False
    if any(problem.is_required(c) for c in unassigned):
        feasible = False
    padded = tuple(tuple(r) for r in routes) + ((),) * (problem.vehicles - len(routes))
    return VrpResult(padded, distance, feasible, unassigned, engine, seconds, iterations)


def solve(
    problem: VrpProblem,
    *,
    engine: str = "pyvrp",
    time_limit: float | None = None,
    iterations: int | None = None,
    seed: int = 0,
    initial: Sequence[Sequence[int]] | None = None,
    neighbours: int | None = None,
) -> VrpResult:
    """Solve `problem` with the named engine, stopping at `time_limit` seconds or `iterations`.

    At least one stop must be given; with `iterations` alone a seed gives the same routes
    every time. `initial` (routes per vehicle) warm-starts engines that accept one.
    `neighbours`: a local search tries moves between each client and that many of its
    nearest (fewer make an iteration cheaper); None is the engine's own default, and an
    engine without such a search ignores it.
    """
    from outreach_planner.optimize import engines  # the engines import this module

    module = engines.engine(engine)
    if time_limit is None and iterations is None:
        raise ValueError("give time_limit, iterations or both")
    result: VrpResult = module.solve(
        problem, time_limit=time_limit, iterations=iterations, seed=seed, initial=initial,
        neighbours=neighbours,
    )
    return result
