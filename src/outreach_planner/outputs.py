"""Write every output of a plan into one folder: the whole new set, or nothing.

The folder is locked for the write (another run waits); every file is rendered
before the first one is replaced, and the set is swapped in together (see
io/output_set.py). A renderer that fails costs its own file, never the plan:
the rest is written, the failed file's previous version goes too (it belongs to
another plan), and plan.json and the caller are told which file is missing.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import os
import re
import traceback
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

from outreach_planner.errors import InputError, Problem
from outreach_planner.io.folder_lock import LOCK_NAME, output_lock
from outreach_planner.io.output_set import (
    MANIFEST,
    read_manifest,
    remove_stale_temporaries,
    render_manifest,
    replace_together,
    write_error,
)
from outreach_planner.io.plan_json import render_plan_json
from outreach_planner.labels import Labels
from outreach_planner.plan import Plan, Run
from outreach_planner.render.calendar import render_calendar
from outreach_planner.render.gpx import render_run_gpx
from outreach_planner.render.maps import render_index_map, render_run_map
from outreach_planner.render.pdf_fonts import read_fonts
from outreach_planner.render.route_sheet import render_route_sheet, render_week_overview
from outreach_planner.render.schedule_csv import render_schedule_csv
from outreach_planner.render.workers import run_all

_SAFE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}(-[0-9]+)?$")
# A run's own files, as `run_basename` names them.
_RUN_FILE = re.compile(r"^run-([0-9]{4}-[0-9]{2}-[0-9]{2})(-[0-9]+)?\.(html|pdf|gpx)$")
# Files every plan has: checked before any work so a wrong --out fails at once.
FIXED_NAMES = (
    "index.html", "plan.json", "calendar.ics", "schedule.csv", "week-overview.pdf",
    MANIFEST, LOCK_NAME,
)  # fmt: skip


@dataclasses.dataclass(frozen=True)
class FailedOutput:
    """An output whose renderer failed: its file name, one line, and the traceback."""

    name: str
    message: str
    details: str


@dataclasses.dataclass(frozen=True)
class WrittenOutputs:
    """The files written (iterate over it for their paths) and the outputs that failed."""

    paths: tuple[Path, ...]
    failed: tuple[FailedOutput, ...] = ()

    def __iter__(self) -> Iterator[Path]:
        return iter(self.paths)

    def __len__(self) -> int:
        return len(self.paths)


def run_basename(run: Run) -> str:
    """'run-2026-12-08' (or '-2' for a second vehicle): made only from date and number."""
    key = run.key
    if not _SAFE.match(key):  # dates and ints cannot fail this; guards future changes
        raise ValueError(f"unsafe run key {key!r}")
    return f"run-{key}"


def check_output_folder(out: Path) -> None:
    """Raise InputError, listing every problem, if the plan could not be written to `out`.

    Run before planning, so that a wrong --out costs no solve.
    """
    problems = []

    def bad(expected: str) -> None:
        problems.append(Problem("command line", "", "--out", str(out), expected))

    if out.is_symlink() and not out.exists():
        bad("a folder (it is a link to nothing)")
    elif out.exists() and not out.is_dir():
        bad("a folder (it is a file)")
    elif not out.exists():
        parent = out.parent
        while not parent.exists() and parent != parent.parent:
            parent = parent.parent
        if not parent.is_dir():
            bad(f"a folder ({parent} is a file)")
        elif not os.access(parent, os.W_OK | os.X_OK):
            bad(f"a folder that can be made in {parent}")
    else:
        if not os.access(out, os.W_OK | os.X_OK):
            bad("a folder you may write to")
        for name in FIXED_NAMES:
            path = out / name
            if path.is_dir() and not path.is_symlink():
                problems.append(Problem(str(path), "", "", "a folder",
                                        "a file the planner may replace (or nothing)"))  # fmt: skip
    if problems:
        raise InputError(problems)


def _renderers(plan: Plan, out: Path, labels: Labels) -> list[tuple[str, Callable[[], bytes]]]:
    """(file name, renderer) for every output but plan.json, in writing order."""
    jobs: list[tuple[str, Callable[[], bytes]]] = []
    for i, run in enumerate(plan.runs):
        base = run_basename(run)
        jobs.append((f"{base}.html", partial(render_run_map, plan, i, labels)))
        jobs.append((f"{base}.pdf", partial(render_route_sheet, plan, i, labels)))
        jobs.append((f"{base}.gpx", partial(render_run_gpx, plan, run, labels)))
    jobs.append(("week-overview.pdf", partial(render_week_overview, plan, labels)))
    # The calendar it replaces says which events changed or went (SEQUENCE, CANCELLED).
    old_calendar = out / "calendar.ics"
    previous = old_calendar.read_bytes() if old_calendar.is_file() else None
    jobs.append(("calendar.ics", partial(render_calendar, plan, labels, previous)))
    jobs.append(("schedule.csv", partial(render_schedule_csv, plan, labels)))
    jobs.append(("index.html", partial(render_index_map, plan, labels)))
    return jobs


def _attempt(name: str, render: Callable[[], bytes]) -> bytes | FailedOutput:
    try:
        return render()
    except Exception as exc:  # one output lost, not the plan: reported, never silent
        said = " ".join(str(exc).split())  # one line, whatever the library said
        said = said if len(said) <= 160 else said[:159] + "…"
        return FailedOutput(name, f"{type(exc).__name__}: {said}",
                            "".join(traceback.format_exception(exc)))  # fmt: skip


def _weight(name: str) -> float:
    """A file's rendering time relative to a run's HTML map (see README.md): heavy ones go first."""
    if name.endswith(".pdf"):
        return 10.0
    return 6.0 if name == "index.html" else 1.0


def _render_all(
    plan: Plan, out: Path, labels: Labels, workers: int | None = None
) -> tuple[dict[str, bytes], list[FailedOutput]]:
    jobs = _renderers(plan, out, labels)
    # Once for every process that renders PDFs. Faces that cannot be read fail each PDF
    # on its own, reported as any renderer's failure.
    with contextlib.suppress(Exception):
        read_fonts()
    outcomes = run_all(
        [partial(_attempt, name, render) for name, render in jobs],
        [_weight(name) for name, _ in jobs],
        workers=workers,
    )
    files: dict[str, bytes] = {}
    failed: list[FailedOutput] = []
    for (name, _), outcome in zip(jobs, outcomes, strict=True):
        if isinstance(outcome, FailedOutput):
            failed.append(outcome)
        else:
            files[name] = outcome
    return files, failed


def _dropped_runs(plan: Plan, ours: set[str], written: dict[str, bytes]) -> list[str]:
    """Files of runs an earlier plan had on or after this plan's first day and this one
    has not: a driver must not open a run that will not happen. Runs before the first
    day are the record of what was done: kept. Only files this planner wrote qualify."""
    dropped = []
    for name in sorted(ours - set(written)):
        match = _RUN_FILE.match(name)
        try:
            if match and dt.date.fromisoformat(match[1]) >= plan.start:
                dropped.append(name)
        except ValueError:  # not a real date: not a run of ours
            continue
    return dropped


def write_outputs(
    plan: Plan,
    out: Path,
    *,
    lang: str = "vi",
    on_wait: Callable[[str], None] | None = None,
    workers: int | None = None,
) -> WrittenOutputs:
    """Render everything, then replace the folder's previous outputs all together.

    `on_wait` is called once with a message if another run holds the folder. The files are
    rendered by `workers` processes (None: one per core, where that is safe; see
    render/workers.py); the bytes are the same whatever their number.
    Raises InputError when the folder cannot be written (nothing is changed then).
    """
    check_output_folder(out)
    labels = Labels(lang)
    try:
        with output_lock(out, on_wait=on_wait):
            remove_stale_temporaries(out)
            ours = {name for name in read_manifest(out) if os.path.lexists(out / name)}
            files, failed = _render_all(plan, out, labels, workers)
            warnings = [{"file": f.name, "problem": f.message} for f in failed]
            files["plan.json"] = render_plan_json(plan, warnings=warnings)
            # A failed output's previous file is another plan's: it goes too.
            stale = [f.name for f in failed if os.path.lexists(out / f.name)]
            remove = _dropped_runs(plan, ours, files) + stale
            files[MANIFEST] = render_manifest((ours | set(files)) - set(remove))
            replace_together(out, files, remove)
    except OSError as exc:
        raise write_error(out, exc) from exc
    return WrittenOutputs(tuple(out / name for name in files if name != MANIFEST), tuple(failed))
