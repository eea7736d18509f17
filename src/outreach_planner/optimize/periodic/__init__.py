"""The periodic VRP: choose each client's visit days, then route every day.

The solver (`solve.solve_periodic`):

1. Builds patterns greedily (`state.initial`): clients with the most visits
   first, each given the pattern whose days take it most cheaply (cheapest
   insertion into the routes built so far, which clusters neighbours) while
   keeping day loads balanced.
2. Routes all days with the chosen engine in one call (`steps.engine_step`):
   day d is a time window on a long timeline, so a client free to take any day
   changes day inside the engine's own search.
3. Improves patterns and routes together in cycles (`search.Trajectory`) and
   keeps the best feasible solution.

Everything runs under one time limit or one effort limit and one seed; with
an effort limit (`iterations`) the result depends on the seed only.

Modules: `problem` (the frozen problem and result), `state` (a solution under
construction, its moves and costs), `steps` (days re-routed by the engine),
`search` (the improving search), `solve` (the entry point).
"""

from outreach_planner.optimize.periodic.problem import (
    PeriodicProblem,
    PeriodicResult,
    schedule_on_spans,
    start_in_spans,
)
from outreach_planner.optimize.periodic.search import SearchSettings
from outreach_planner.optimize.periodic.solve import solve_periodic
from outreach_planner.optimize.periodic.steps import horizon_problem

__all__ = [
    "PeriodicProblem",
    "PeriodicResult",
    "SearchSettings",
    "horizon_problem",
    "schedule_on_spans",
    "solve_periodic",
    "start_in_spans",
]
