"""OR-Tools routing behind `vrp.solve`; the only module that imports OR-Tools.

Distance and time matrices are registered directly (several times faster than
Python callbacks). Time cumul at a client is the start of its service; transit
= service at the origin + travel. First solution by SAVINGS when every client
is required and no window binds (it is the better start there), otherwise by
PARALLEL_CHEAPEST_INSERTION, which builds one on tight windows; then guided
local search. With `iterations`, the solution count bounds the search, so a
given input always gives the same routes.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np

from outreach_planner.optimize.vrp import NO_LIMIT, VrpProblem, VrpResult, evaluate

NAME = "ortools"
# An OR-Tools solution costs many PyVRP iterations' time (measured: README, Benchmarks).
EFFORT = 0.05
# Leaving a whole group out costs more than any route could.
GROUP_PENALTY = 10**13


def solve(
    problem: VrpProblem,
    *,
    time_limit: float | None = None,
    iterations: int | None = None,
    seed: int = 0,
    initial: Sequence[Sequence[int]] | None = None,
    neighbours: int | None = None,
) -> VrpResult:
    """Solve with OR-Tools routing; `seed` and `neighbours` are unused (its search is
    deterministic and not granular)."""
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    del seed, neighbours
    began = time.perf_counter()
    n = problem.num_clients
    vehicles = problem.vehicles
    manager = pywrapcp.RoutingIndexManager(n + 1, vehicles, 0)
    routing = pywrapcp.RoutingModel(manager)

    service = np.array([0, *problem.service], dtype=np.int64)
    transit = np.asarray(problem.duration, dtype=np.int64) + service[:, None]
    dist_cb = routing.RegisterTransitMatrix(np.asarray(problem.distance).tolist())
    time_cb = routing.RegisterTransitMatrix(transit.tolist())
    demand_cb = routing.RegisterUnaryTransitVector([0, *problem.demand])
    routing.SetArcCostEvaluatorOfAllVehicles(dist_cb)
    routing.AddDimensionWithVehicleCapacity(
        demand_cb, 0, [problem.capacity] * vehicles, True, "load"
    )
    horizon = max(
        [hi for _, hi in (problem.shifts or ())]
        + [hi for _, hi in (problem.time_windows or ())]
        + [int(transit.max()) * (n + 1)]
    )
    horizon = min(horizon, NO_LIMIT)
    routing.AddDimension(time_cb, horizon, horizon, False, "time")
    time_dim = routing.GetDimensionOrDie("time")
    for v in range(vehicles):
        lo, hi = problem.shift(v)
        time_dim.CumulVar(routing.Start(v)).SetRange(lo, min(hi, horizon))
        time_dim.CumulVar(routing.End(v)).SetRange(lo, min(hi, horizon))
        if problem.max_duration is not None:
            time_dim.SetSpanUpperBoundForVehicle(problem.max_duration, v)
        routing.AddVariableMinimizedByFinalizer(time_dim.CumulVar(routing.End(v)))
        routing.AddVariableMaximizedByFinalizer(time_dim.CumulVar(routing.Start(v)))
    windows_bind = False
    grouped = {c for g in (*problem.groups, *problem.optional_groups) for c in g}
    for c in range(n):
        index = manager.NodeToIndex(c + 1)
        lo, hi = problem.window(c)
        if problem.time_windows is not None:
            windows_bind = True
            time_dim.CumulVar(index).SetRange(lo, min(hi, horizon))
        if not problem.is_required(c) and c not in grouped:
            routing.AddDisjunction([index], int(problem.prize[c] or 0))  # type: ignore[index]
    for members in problem.groups:
        # Exactly one of the group: at most one by cardinality, none at a prohibitive cost.
        routing.AddDisjunction([manager.NodeToIndex(c + 1) for c in members], GROUP_PENALTY, 1)
    for members in problem.optional_groups:
        # At most one; leaving them all out forgoes the group's prize.
        prize = max(int(problem.prize[c] or 0) for c in members)  # type: ignore[index]
        routing.AddDisjunction([manager.NodeToIndex(c + 1) for c in members], prize, 1)
    optional = problem.prize is not None and any(p is not None for p in problem.prize)
    optional = optional or bool(problem.groups) or bool(problem.optional_groups)

    params = pywrapcp.DefaultRoutingSearchParameters()
    strategy = routing_enums_pb2.FirstSolutionStrategy
    params.first_solution_strategy = (
        strategy.PARALLEL_CHEAPEST_INSERTION if windows_bind or optional else strategy.SAVINGS
    )
    # With one client there is no move to make: guided local search would never count
    # another solution and run until the time limit (forever without one).
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
        if n > 1
        else routing_enums_pb2.LocalSearchMetaheuristic.GREEDY_DESCENT
    )
    if iterations is not None:
        params.solution_limit = max(1, iterations)
    if time_limit is not None:
        params.time_limit.FromMilliseconds(max(1, int(time_limit * 1000)))

    solution = None
    if initial is not None and any(initial):
        routing.CloseModelWithParameters(params)
        start = routing.ReadAssignmentFromRoutes(
            [[manager.NodeToIndex(c + 1) for c in r] for r in initial], True
        )
        if start is not None:
            solution = routing.SolveFromAssignmentWithParameters(start, params)
    if solution is None:
        solution = routing.SolveWithParameters(params)
    routes: list[tuple[int, ...]] = [() for _ in range(vehicles)]
    if solution is not None:
        for v in range(vehicles):
            order = []
            index = solution.Value(routing.NextVar(routing.Start(v)))
            while not routing.IsEnd(index):
                order.append(manager.IndexToNode(index) - 1)
                index = solution.Value(routing.NextVar(index))
            routes[v] = tuple(order)
    return evaluate(
        problem,
        routes,
        engine=NAME,
        seconds=time.perf_counter() - began,
        iterations=routing.solver().Solutions() if solution is not None else 0,
    )
