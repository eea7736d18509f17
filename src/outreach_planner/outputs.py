"""Write every output of a plan into one folder, each file atomically."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from pathlib import Path

from outreach_planner.io.atomic import remove_stale_temporaries, write_all_atomic
from outreach_planner.labels import Labels
from outreach_planner.plan import Plan, Run
from outreach_planner.render.calendar import render_calendar
from outreach_planner.render.gpx import render_run_gpx
from outreach_planner.render.maps import render_index_map, render_run_map
from outreach_planner.render.plan_json import render_plan_json
from outreach_planner.render.route_sheet import render_route_sheet, render_week_overview
from outreach_planner.render.schedule_csv import render_schedule_csv

_SAFE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}(-[0-9]+)?$")
# A run's own files, as `run_basename` names them.
_RUN_FILE = re.compile(r"^run-([0-9]{4}-[0-9]{2}-[0-9]{2})(-[0-9]+)?\.(html|pdf|gpx)$")


def run_basename(run: Run) -> str:
    """'run-2026-12-08' (or '-2' for a second vehicle): made only from date and number."""
    key = run.key
    if not _SAFE.match(key):  # dates and ints cannot fail this; guards future changes
        raise ValueError(f"unsafe run key {key!r}")
    return f"run-{key}"


def write_outputs(plan: Plan, out: Path, *, lang: str = "vi") -> list[Path]:
    """Render everything first, then write; plan.json goes last, after the maps it lists."""
    labels = Labels(lang)
    files: dict[Path, bytes] = {}
    for i, run in enumerate(plan.runs):
        files[out / f"{run_basename(run)}.html"] = render_run_map(plan, i, labels)
        files[out / f"{run_basename(run)}.pdf"] = render_route_sheet(plan, i, labels)
        files[out / f"{run_basename(run)}.gpx"] = render_run_gpx(plan, run, labels)
    files[out / "week-overview.pdf"] = render_week_overview(plan, labels)
    # The calendar it replaces says which events changed or went (SEQUENCE, CANCELLED).
    old_calendar = out / "calendar.ics"
    previous = old_calendar.read_bytes() if old_calendar.is_file() else None
    files[old_calendar] = render_calendar(plan, labels, previous)
    files[out / "index.html"] = render_index_map(plan, labels)
    files[out / "schedule.csv"] = render_schedule_csv(plan, labels)
    files[out / "plan.json"] = render_plan_json(plan)
    remove_stale_temporaries(out)
    write_all_atomic(files)
    _remove_dropped_runs(plan, out, set(files))
    return list(files)


def _remove_dropped_runs(plan: Plan, out: Path, written: set[Path]) -> None:
    """Delete the files of runs an earlier plan had on or after this plan's first day and
    this one has not, once the new plan is in place: a driver must not open a run that
    will not happen. Runs before the first day are the record of what was done: kept."""
    if not out.is_dir():
        return
    for path in out.iterdir():
        match = _RUN_FILE.match(path.name)
        if not match or path in written:
            continue
        with contextlib.suppress(ValueError, OSError):  # not a real date: not ours
            if dt.date.fromisoformat(match[1]) >= plan.start:
                path.unlink()
