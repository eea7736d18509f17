"""Terminal progress and summary (rich); the library itself never prints."""

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

from outreach_planner.labels import Labels
from outreach_planner.optimize.rota import Progress as ProgressCallback
from outreach_planner.plan import Plan


@contextlib.contextmanager
def progress_display(*, enabled: bool = True) -> Iterator[ProgressCallback | None]:
    """A callback that draws one bar per optimizer phase on stderr."""
    if not enabled:
        yield None
        return
    console = Console(file=sys.stderr)
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=console, transient=False,
    ) as bar:  # fmt: skip
        tasks: dict[str, TaskID] = {}

        def update(phase: str, done: int, total: int) -> None:
            if phase not in tasks:
                tasks[phase] = bar.add_task(phase, total=total)
            bar.update(tasks[phase], completed=done, total=total)

        yield update


def print_summary(plan: Plan, written: list[Path], out: Path) -> None:
    s = plan.summary()
    console = Console()
    table = Table(
        title=f"Plan {plan.start.isoformat()} · {plan.settings.weeks} weeks", show_header=False
    )
    table.add_row("runs", str(s["runs"]))
    table.add_row("stops visited", f"{s['stops_visited']} of {s['stops']} ({s['visits']} visits)")
    table.add_row(
        "people reached", f"{s['people_reached']:,} (distinct {s['distinct_people_reached']:,})"
    )
    table.add_row(
        "hours driving / broadcasting", f"{s['driving_h']:.1f} h / {s['broadcasting_h']:.1f} h"
    )
    table.add_row("people per duty hour", f"{s['people_per_duty_hour']:,.0f}")
    table.add_row("unassigned", str(s["unassigned"]))
    console.print(table)
    for line in Labels("en").day_changes(plan.skipped_dates, plan.moved_dates):
        console.print(line, markup=False, soft_wrap=True)
    for u in plan.unassigned:
        console.print(
            f"  unassigned {u.stop.id} ({u.stop.name}): {u.reason} [{u.code}]",
            markup=False, soft_wrap=True,
        )  # fmt: skip
    console.print(f"wrote {len(written)} files to {out}/ (open {out / 'index.html'})", markup=False)
