"""The public API, which the command line, the planning page and tests call.

    settings = resolve_settings(Path("settings.toml"), {"weeks": 2})
    district = load_district(settings)
    previous = read_previous(Path("maps"))          # None when there is none
    plan = plan_district(district, today=dt.date.today(), previous=previous)
    write_outputs(plan, Path("maps"), lang="vi")
    changes = plan_changes(previous, plan) if previous else None

Re-exported at the package top (`from outreach_planner import load_district, ...`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from outreach_planner.io.plan_json import REPLAN_HINT, SavedPlan, read_plan_json, saved_plan
from outreach_planner.optimize.rota import Progress
from outreach_planner.plan import Plan
from outreach_planner.plan_diff import PlanDiff, diff_plans
from outreach_planner.planner import Inputs, load_inputs, make_plan
from outreach_planner.settings import Settings, resolve_settings

# The stop list `plan` reads when none is named: a planner's edits in the folder they work in.
STOP_LIST = "stops.csv"


@dataclass(frozen=True)
class District:
    """A district's inputs, read and checked: settings, communes, stops and programme."""

    settings: Settings
    inputs: Inputs

    @property
    def stop_list(self) -> Path | None:
        """The edited stop list the stops came from; None: made from the villages."""
        return self.settings.stops


def default_stop_list(settings: Settings, folder: Path | None = None) -> Path | None:
    """The stop list to read when none is named: `stops.csv` in `folder` (the working
    folder by default) when the settings name none and it exists."""
    found = (folder or Path()) / STOP_LIST
    return found if settings.stops is None and found.is_file() else None


def load_district(
    settings: Settings | Path | None = None,
    *,
    stops: Path | None = None,
    folder: Path | None = None,
) -> District:
    """Read and check every input file of a district.

    `settings`: the Settings, a settings file (over the built-in defaults) or None for the
    built-in Đắk Song data. `stops`: the stop list to read; None: the settings' `stops`, else
    `default_stop_list(settings, folder)`, else stops made from the villages.
    """
    if not isinstance(settings, Settings):
        settings = resolve_settings(settings)
    if stops is None:
        stops = default_stop_list(settings, folder)
    if stops is not None:
        settings = settings.replace(stops=stops)
    return District(settings, load_inputs(settings))


def read_previous(
    out: Path, *, previous: Path | None = None, fresh: bool = False
) -> SavedPlan | None:
    """The plan a re-plan keeps visits from: `previous`, else `out`/plan.json when it
    exists; None with `fresh` or when there is none. A damaged file is bad input whose
    message says `--fresh` plans without it."""
    path = previous or out / "plan.json"
    if fresh or (previous is None and not path.is_file()):
        return None
    return read_plan_json(path, hint=REPLAN_HINT)


def plan_district(
    district: District,
    *,
    today: dt.date,
    previous: SavedPlan | None = None,
    progress: Progress | None = None,
) -> Plan:
    """Plan the district's rota. With `previous`, its visits stay wherever they still fit,
    and its runs before `today` are kept as they were."""
    return make_plan(
        district.settings, district.inputs, today=today, previous=previous, progress=progress
    )


def plan_changes(previous: SavedPlan, plan: Plan) -> PlanDiff:
    """What changed from the previous plan, per run (`plan_diff.format_diff` prints it)."""
    return diff_plans(previous, saved_plan(plan))
