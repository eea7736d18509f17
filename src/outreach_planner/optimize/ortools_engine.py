"""OR-Tools routing behind one function; the only module that imports it.

The model per vehicle (one run): a time dimension whose cumul at a stop is the
start of its dwell, transit = dwell + travel, stop time windows that keep
every dwell out of lunch, and lunch as a fixed break that may fall only
outside dwells (node visit transit = dwell): during a leg it pauses the
drive, exactly the rule of `schedule.time_run`.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import numpy as np
from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from outreach_planner.optimize.problem import Shift

log = logging.getLogger("outreach_planner")

# Penalty for leaving out a visit the planner requires: above any sum of prizes.
MANDATORY_PENALTY = 10**12


@dataclass(frozen=True)
class RoutingRequest:
    """Visits to route over vehicles sharing one shift; indices are matrix indices.

    `penalty[k]` is paid when visit k is left out (MANDATORY_PENALTY for
    required ones). `allowed[k]` restricts visit k to some vehicles (None: any).
    `pairs` are (a, b, allowed vehicle pairs) constraints between two visits,
    where vehicle -1 means the visit is left out.
    """

    travel_s: np.ndarray
    dwell_s: tuple[int, ...]  # per matrix index, depot 0
    visits: tuple[int, ...]  # matrix index of each visit
    penalty: tuple[int, ...]
    allowed: tuple[tuple[int, ...] | None, ...]
    shift: Shift
    vehicles: int
    pairs: tuple[tuple[int, int, tuple[tuple[int, int], ...]], ...] = ()
    windows: tuple[tuple[int, int] | None, ...] = ()  # per visit: earliest start, latest end
    initial: tuple[tuple[int, ...], ...] | None = None  # visit positions per vehicle
    solution_limit: int = 2000
    time_cap_s: float = 30.0


@dataclass(frozen=True)
class RoutingResponse:
    routes: tuple[tuple[int, ...], ...]  # visit positions per vehicle, in order
    objective: int
    hit_time_cap: bool


def dwell_windows(
    dwell: int, shift: Shift, window: tuple[int, int] | None = None
) -> list[tuple[int, int]]:
    """Allowed start times [lo, hi] of a dwell kept out of lunch, inside the shift and
    inside `window` (earliest start, latest end) when given."""
    spans = (
        [(shift.start_s, shift.lunch_start_s), (shift.lunch_end_s, shift.end_s)]
        if dwell > 0 and shift.lunch_end_s > shift.lunch_start_s
        else [(shift.start_s, shift.end_s)]
    )
    if window is not None:
        spans = [(max(lo, window[0]), min(hi, window[1])) for lo, hi in spans]
    return [(lo, hi - dwell) for lo, hi in spans if hi - dwell >= lo]


def solve(req: RoutingRequest) -> RoutingResponse:
    """Route the visits; returns, per vehicle, the positions (into req.visits) in order."""
    n = len(req.visits)
    nodes = [0, *req.visits]  # routing node k+1 is visit k
    travel = req.travel_s[np.ix_(nodes, nodes)].astype(np.int64)
    dwell = np.array([req.dwell_s[m] for m in nodes], dtype=np.int64)
    dwell[0] = 0
    manager = pywrapcp.RoutingIndexManager(n + 1, req.vehicles, 0)
    routing = pywrapcp.RoutingModel(manager)

    # Matrices registered directly run several times faster than Python callbacks.
    travel_cb = routing.RegisterTransitMatrix(travel.tolist())
    transit_cb = routing.RegisterTransitMatrix((travel + dwell[:, None]).tolist())
    routing.SetArcCostEvaluatorOfAllVehicles(travel_cb)

    shift = req.shift
    day = 24 * 3600
    routing.AddDimension(transit_cb, day, day, False, "time")
    time_dim = routing.GetDimensionOrDie("time")
    solver = routing.solver()
    visit_transit = [int(dwell[manager.IndexToNode(i)]) for i in range(routing.Size())]
    visit_transit += [0] * req.vehicles  # end indices come after Size() and never dwell
    for v in range(req.vehicles):
        time_dim.CumulVar(routing.Start(v)).SetRange(shift.start_s, shift.end_s)
        time_dim.CumulVar(routing.End(v)).SetRange(shift.start_s, shift.end_s)
        if shift.lunch_end_s > shift.lunch_start_s:
            lunch = solver.FixedDurationIntervalVar(
                shift.lunch_start_s, shift.lunch_start_s,
                shift.lunch_end_s - shift.lunch_start_s, False, f"lunch-{v}",
            )  # fmt: skip
            time_dim.SetBreakIntervalsOfVehicle([lunch], v, visit_transit)
    possible = 0
    for k in range(n):
        index = manager.NodeToIndex(k + 1)
        routing.AddDisjunction([index], int(req.penalty[k]))
        windows = dwell_windows(
            int(dwell[k + 1]), shift, req.windows[k] if req.windows else None
        )
        possible += bool(windows)
        if not windows:
            # No start keeps this dwell inside working hours: the visit cannot be made.
            # An empty domain would fail the whole model, so leave the visit out instead.
            routing.ActiveVar(index).SetValue(0)
            continue
        cumul = time_dim.CumulVar(index)
        cumul.SetRange(windows[0][0], windows[-1][1])
        if len(windows) == 2 and windows[0][1] + 1 <= windows[1][0] - 1:
            cumul.RemoveInterval(windows[0][1] + 1, windows[1][0] - 1)
        allowed = req.allowed[k]
        if allowed is not None:
            # SetAllowedVehiclesForIndex takes no Python list in 9.15 (absl::Span);
            # restricting the vehicle variable is the same constraint (-1 = left out).
            routing.VehicleVar(index).SetValues([-1, *allowed])
    for a, b, tuples in req.pairs:
        va = routing.VehicleVar(manager.NodeToIndex(a + 1))
        vb = routing.VehicleVar(manager.NodeToIndex(b + 1))
        solver.Add(solver.AllowedAssignments([va, vb], [list(t) for t in tuples]))

    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = (
        routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
    )
    # With one possible visit on one vehicle guided local search has no move to make
    # and never counts another solution: it would spin until the time cap.
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
        if possible > 1 or req.vehicles > 1
        else routing_enums_pb2.LocalSearchMetaheuristic.GREEDY_DESCENT
    )
    # The solution count, not the clock, bounds the search: same input, same plan.
    params.solution_limit = req.solution_limit
    params.time_limit.FromMilliseconds(int(req.time_cap_s * 1000))

    began = time.monotonic()
    if req.initial is not None:
        routing.CloseModelWithParameters(params)
        start = routing.ReadAssignmentFromRoutes(
            [[manager.NodeToIndex(k + 1) for k in r] for r in req.initial], True
        )
        solution = (
            routing.SolveFromAssignmentWithParameters(start, params)
            if start is not None
            else routing.SolveWithParameters(params)
        )
    else:
        solution = routing.SolveWithParameters(params)
    elapsed = time.monotonic() - began
    hit_cap = elapsed >= req.time_cap_s * 0.98
    if hit_cap:
        log.warning("route search stopped at its %.0f s time cap: the plan may vary", elapsed)
    if solution is None:
        return RoutingResponse(tuple(() for _ in range(req.vehicles)), -1, hit_cap)

    routes = []
    for v in range(req.vehicles):
        order = []
        index = solution.Value(routing.NextVar(routing.Start(v)))
        while not routing.IsEnd(index):
            order.append(manager.IndexToNode(index) - 1)
            index = solution.Value(routing.NextVar(index))
        routes.append(tuple(order))
    return RoutingResponse(tuple(routes), int(solution.ObjectiveValue()), hit_cap)
