"""Terminal progress and summary (rich), in the plan's language; the library never prints."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from outreach_planner.domain import Stop
from outreach_planner.labels import Labels
from outreach_planner.optimize.rota import Progress as ProgressCallback
from outreach_planner.plan import Plan

# The optimizer names its phases in English; the terminal shows them in the plan's language.
_PHASES = {
    "placing required visits": "phase_required",
    "adding extra visits": "phase_fill",
    "keeping the previous plan": "phase_replan",
    "improving": "phase_improve",
}


@contextlib.contextmanager
def progress_display(
    labels: Labels | None = None, *, enabled: bool = True
) -> Iterator[ProgressCallback | None]:
    """A callback that draws one bar per optimizer phase on stderr."""
    if not enabled:
        yield None
        return
    lb = labels or Labels()
    console = Console(file=sys.stderr)
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=console, transient=False,
    ) as bar:  # fmt: skip
        tasks: dict[str, TaskID] = {}

        def update(phase: str, done: int, total: int) -> None:
            if phase not in tasks:
                name = lb[_PHASES[phase]] if phase in _PHASES else phase
                tasks[phase] = bar.add_task(name, total=total)
            bar.update(tasks[phase], completed=done, total=total)

        yield update


def most_visits(plan: Plan, stop: Stop) -> int:
    """The visits the stop's allowed run dates permit with the minimum gap between them."""
    gap = max(plan.settings.min_days_between_visits, 1)
    count, last = 0, None
    for date in sorted({r.date for r in plan.runs if stop.allows(r.date)}):
        if last is None or (date - last).days >= gap:
            count, last = count + 1, date
    return count


def priority_lines(plan: Plan, lb: Labels) -> list[str]:
    """For each stop with a priority other than 1: its visits and what held them back."""
    lines = []
    gap = plan.settings.min_days_between_visits
    for stop in plan.stops:
        if stop.priority == 1:
            continue
        visits, most = plan.visits_of(stop.id), most_visits(plan, stop)
        if not stop.enabled:
            why = lb["t_priority_off"]
        elif visits >= most:
            why = lb.t("t_priority_gap", gap=gap)
            if stop.pin_weekdays or stop.pin_dates:
                why += "; " + lb["t_priority_pinned"]
        else:
            why = lb.t("t_priority_time", most=most, gap=gap)
        lines.append(lb.t("t_priority_line", priority=f"{stop.priority:g}", id=stop.id,
                          name=stop.name, visits=visits, why=why))  # fmt: skip
    return lines


def print_summary(plan: Plan, written: list[Path], out: Path, labels: Labels | None = None) -> None:
    lb = labels or Labels()
    s = plan.summary()
    console = Console()
    heading = lb.t("plan_heading", start=lb.date(plan.start), weeks=plan.settings.weeks)
    table = Table(title=heading, show_header=False)
    table.add_row(lb["t_runs"], str(s["runs"]))
    table.add_row(
        lb["t_stops_visited"],
        lb.t("t_stops_visited_v", visited=s["stops_visited"], stops=s["stops"], visits=s["visits"]),
    )
    table.add_row(
        lb["t_people"],
        lb.t("t_people_v", people=lb.count(int(s["people_reached"])),
             distinct=lb.count(int(s["distinct_people_reached"]))),
    )  # fmt: skip
    table.add_row(
        lb["t_hours"], f"{lb.number(s['driving_h'])} h / {lb.number(s['broadcasting_h'])} h"
    )
    table.add_row(lb["t_people_per_hour"], lb.count(round(s["people_per_duty_hour"])))
    table.add_row(lb["t_unassigned"], str(s["unassigned"]))
    console.print(table)
    for line in lb.day_changes(plan.skipped_dates, plan.moved_dates):
        console.print(line, markup=False, soft_wrap=True)
    notice = lb.estimated(plan.estimated)
    if notice:
        console.print(lb.t("t_estimated", what=notice), markup=False, soft_wrap=True)
    unplaced = plan.needs_placement()
    if unplaced:
        names = "; ".join(f"{v.name} ({v.commune})" for v in unplaced)
        console.print(lb.t("t_needs_placement", n=len(unplaced), names=names),
                      markup=False, soft_wrap=True)  # fmt: skip
    for line in priority_lines(plan, lb):
        console.print(line, markup=False, soft_wrap=True)
    for u in plan.unassigned:
        console.print(
            lb.t(
                "t_unassigned_line",
                id=u.stop.id,
                name=u.stop.name,
                reason=f"{lb.reason(u.code, u.figures, u.reason)} [{u.code}]",
            ),  # fmt: skip
            markup=False,
            soft_wrap=True,
        )
    if plan.capacity is not None:
        for n, line in enumerate(lb.capacity(plan.capacity)):
            console.print(("  " if n else "") + line, markup=False, soft_wrap=True)
    console.print(
        lb.t("t_wrote", n=len(written), out=out, index=out / "index.html"),
        markup=False,
        soft_wrap=True,
    )
