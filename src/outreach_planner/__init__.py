"""Plan the routes and timetable of a rural mobile information team.

Data flows one way: villages -> stops -> travel times -> problem -> plan -> outputs.
The public API (see README, "Python API"):

    from outreach_planner import load_district, plan_district, write_outputs
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# Name -> module that defines it. Loaded on first use, so `outreach-planner --version` and
# the stop commands do not import the optimizer and the renderers.
_EXPORTS = {
    "District": "outreach_planner.api",
    "default_stop_list": "outreach_planner.api",
    "load_district": "outreach_planner.api",
    "plan_changes": "outreach_planner.api",
    "plan_district": "outreach_planner.api",
    "read_previous": "outreach_planner.api",
    "InfeasibleError": "outreach_planner.errors",
    "InputError": "outreach_planner.errors",
    "Problem": "outreach_planner.errors",
    "write_outputs": "outreach_planner.outputs",
    "Plan": "outreach_planner.plan",
    "format_diff": "outreach_planner.plan_diff",
    "Depot": "outreach_planner.settings",
    "Settings": "outreach_planner.settings",
    "resolve_settings": "outreach_planner.settings",
}
__all__ = [
    "Depot",
    "District",
    "InfeasibleError",
    "InputError",
    "Plan",
    "Problem",
    "Settings",
    "__version__",
    "default_stop_list",
    "format_diff",
    "load_district",
    "plan_changes",
    "plan_district",
    "read_previous",
    "resolve_settings",
    "write_outputs",
]

if TYPE_CHECKING:
    from outreach_planner.api import (
        District,
        default_stop_list,
        load_district,
        plan_changes,
        plan_district,
        read_previous,
    )
    from outreach_planner.errors import InfeasibleError, InputError, Problem
    from outreach_planner.outputs import write_outputs
    from outreach_planner.plan import Plan
    from outreach_planner.plan_diff import format_diff
    from outreach_planner.settings import Depot, Settings, resolve_settings


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'outreach_planner' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
