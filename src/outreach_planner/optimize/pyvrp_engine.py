"""PyVRP behind `vrp.solve`; the only module that imports PyVRP.

Mapping: location 0 is the depot and location i + 1 client i, as in
`VrpProblem`; PyVRP numbers clients from 0 among clients (location = index +
number of depots), which is our client index since there is one depot.
Vehicles with the same shift become one PyVRP vehicle type; routes come back
in our vehicle order.

The search is PyVRP's public `pyvrp.solve`. The one thing it does not offer, a
complete local search over a warm start, reaches inside PyVRP in
`improve_start` alone (tests/test_vrp_engines.py fails on a release that
changed what it uses).
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from outreach_planner.optimize.vrp import NO_LIMIT, VrpProblem, VrpResult, evaluate

if TYPE_CHECKING:
    import pyvrp
    from pyvrp.stop import StoppingCriterion

NAME = "pyvrp"
# Engine iterations per unit of search effort: PyVRP's iteration is the unit.
EFFORT = 1.0


def _vehicle_types(problem: VrpProblem) -> list[tuple[tuple[int, int], list[int]]]:
    """(shift, our vehicle indices) per PyVRP vehicle type, in order of first vehicle."""
    types: dict[tuple[int, int], list[int]] = {}
    for v in range(problem.vehicles):
        types.setdefault(problem.shift(v), []).append(v)
    return list(types.items())


def to_problem_data(problem: VrpProblem) -> pyvrp.ProblemData:
    """The PyVRP ProblemData of `problem` (no coordinates: locations sit at 0, 0)."""
    import pyvrp

    n = problem.num_clients
    locations = [pyvrp.Location(0.0, 0.0, name=str(i)) for i in range(n + 1)]
    all_groups = [(g, True) for g in problem.groups] + [(g, False) for g in problem.optional_groups]
    group_of = {c: k for k, (members, _) in enumerate(all_groups) for c in members}
    clients = []
    for i in range(n):
        lo, hi = problem.window(i)
        prize = None if problem.prize is None else problem.prize[i]
        clients.append(
            pyvrp.Client(
                location=i + 1,
                delivery=[problem.demand[i]],
                service_duration=problem.service[i],
                tw_early=lo,
                tw_late=min(hi, NO_LIMIT),
                prize=0 if prize is None else prize,
                required=prize is None,
                group=group_of.get(i),
            )
        )
    vehicle_types = []
    for (start, end), members in _vehicle_types(problem):
        extra: dict[str, Any] = (
            {} if problem.max_duration is None else {"shift_duration": problem.max_duration}
        )
        vehicle_types.append(
            pyvrp.VehicleType(
                num_available=len(members),
                capacity=[problem.capacity],
                tw_early=start,
                tw_late=end,
                **extra,
            )
        )
    return pyvrp.ProblemData(
        locations=locations,
        clients=clients,
        depots=[pyvrp.Depot(0)],
        vehicle_types=vehicle_types,
        distance_matrices=[np.asarray(problem.distance)],  # type: ignore[list-item]
        duration_matrices=[np.asarray(problem.duration)],  # type: ignore[list-item]
        groups=[pyvrp.ClientGroup(list(g), required=req) for g, req in all_groups],
    )


def _stop(time_limit: float | None, iterations: int | None) -> StoppingCriterion:
    from pyvrp.stop import MaxIterations, MaxRuntime, MultipleCriteria

    criteria: list[StoppingCriterion] = []
    if time_limit is not None:
        criteria.append(MaxRuntime(max(time_limit, 0.0)))
    if iterations is not None:
        criteria.append(MaxIterations(max(iterations, 0)))
    if not criteria:
        raise ValueError("give time_limit, iterations or both")
    return criteria[0] if len(criteria) == 1 else MultipleCriteria(criteria)


def solve(
    problem: VrpProblem,
    *,
    time_limit: float | None = None,
    iterations: int | None = None,
    seed: int = 0,
    initial: Sequence[Sequence[int]] | None = None,
    data: pyvrp.ProblemData | None = None,
    neighbours: int | None = None,
) -> VrpResult:
    """Solve with PyVRP's iterated local search; `initial` warm-starts it (routes per vehicle).

    `data` may pass a ProblemData already made from `problem` by `to_problem_data`;
    `neighbours` sets PyVRP's granular neighbourhood (its default: 50).
    """
    import pyvrp
    from pyvrp.search import NeighbourhoodParams

    began = time.perf_counter()
    data = data if data is not None else to_problem_data(problem)
    types = _vehicle_types(problem)
    type_of = {v: t for t, (_, members) in enumerate(types) for v in members}
    params = (
        pyvrp.SolveParams()
        if neighbours is None
        else pyvrp.SolveParams(neighbourhood=NeighbourhoodParams(num_neighbours=neighbours))
    )
    with warnings.catch_warnings():
        # A penalty at its bound only says the search struggles; the result says if it failed.
        warnings.simplefilter("ignore")
        start = None
        if initial is not None and any(initial):
            routes_in = [pyvrp.Route(data, list(r), type_of[v]) for v, r in enumerate(initial) if r]
            start = improve_start(data, pyvrp.Solution(data, routes_in), seed, params)
        best = pyvrp.solve(
            data,
            _stop(time_limit, iterations),
            seed=seed,
            collect_stats=False,
            params=params,
            initial_solution=start,
        ).best
    free = {t: list(members) for t, (_, members) in enumerate(types)}
    routes: list[tuple[int, ...]] = [() for _ in range(problem.vehicles)]
    for route in best.routes():
        v = free[route.vehicle_type()].pop(0)
        routes[v] = tuple(a.idx for a in route if a.is_client())
    return evaluate(
        problem,
        routes,
        engine=NAME,
        seconds=time.perf_counter() - began,
        iterations=iterations or 0,
    )


def improve_start(
    data: pyvrp.ProblemData, start: pyvrp.Solution, seed: int, params: pyvrp.SolveParams
) -> pyvrp.Solution:
    """`start` after one complete local search with `params`' operators.

    PyVRP's warm start only searches around the clients each iteration
    perturbs, so a start changed in many places (as the periodic layer makes)
    would keep most of its flaws. `pyvrp.solve` gives a cold start this pass
    but not a warm one; this is the same pass, and the only code that uses
    PyVRP's search internals.
    """
    from pyvrp import PenaltyManager, RandomNumberGenerator
    from pyvrp.search import LocalSearch, PerturbationManager, compute_neighbours

    rng = RandomNumberGenerator(seed=seed)
    neighbours = compute_neighbours(data, params.neighbourhood)
    ls = LocalSearch(data, rng, neighbours, PerturbationManager(params.perturbation))
    for op in params.operators:
        if op.supports(data):
            ls.add_operator(op(data))
    pm = PenaltyManager(params.penalty.midpoint_penalties(data), params.penalty)
    return ls(start, pm.max_cost_evaluator(), exhaustive=True)
