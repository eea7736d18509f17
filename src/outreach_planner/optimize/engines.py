"""The routing engines behind `vrp.solve`, listed once.

Each engine module declares its `NAME`, its `EFFORT` (engine iterations per
unit of search effort, a PyVRP iteration being 1) and `solve(problem, *,
time_limit, iterations, seed, initial, neighbours) -> VrpResult`. It imports its library
only when it solves, so a missing optional engine fails only when asked for.
A new engine is one module here and one line below.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import ModuleType

from outreach_planner.optimize import pyvrp_engine, vrp_ortools

_MODULES: tuple[ModuleType, ...] = (pyvrp_engine, vrp_ortools)

ENGINES: dict[str, ModuleType] = {m.NAME: m for m in _MODULES}
DEFAULT = pyvrp_engine.NAME
NAMES: Sequence[str] = tuple(ENGINES)


def effort(name: str) -> float:
    """Engine iterations per unit of search effort for engine `name`."""
    return float(ENGINES[name].EFFORT)


def engine(name: str) -> ModuleType:
    if name not in ENGINES:
        raise ValueError(f"unknown engine {name!r}; expected one of {sorted(ENGINES)}")
    return ENGINES[name]
