"""What changed between two plans, per run: stops added, removed, moved to another date,
and broadcasts that start more than 15 minutes earlier or later."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from outreach_planner.io.plan_json import SavedPlan, SavedVisit
from outreach_planner.labels import Labels

RETIME_THRESHOLD_S = 15 * 60


@dataclass
class RunChanges:
    run_id: str
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    moved_in: list[tuple[str, str]] = field(default_factory=list)  # (stop, from run)
    moved_out: list[tuple[str, str]] = field(default_factory=list)  # (stop, to run)
    retimed: list[tuple[str, str, str]] = field(default_factory=list)  # (stop, old, new HH:MM)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.moved_in or self.moved_out or self.retimed)


@dataclass
class PlanDiff:
    runs: list[RunChanges]
    kept: int  # visits of stops still planned, on the same date as before
    comparable: int  # old visits of stops that are still planned
    # For people reading the changes: stop names, run dates, broadcast start times.
    names: dict[str, str] = field(default_factory=dict)
    run_dates: dict[str, tuple[dt.date, int]] = field(default_factory=dict)
    old_times: dict[tuple[str, str], str] = field(default_factory=dict)  # (run, stop) -> HH:MM
    new_times: dict[tuple[str, str], str] = field(default_factory=dict)

    @property
    def kept_pct(self) -> float:
        return 100.0 * self.kept / self.comparable if self.comparable else 100.0


def _visits(plan: SavedPlan) -> dict[tuple[str, str], SavedVisit]:
    """(run id, stop id) -> visit."""
    return {(r.id, v.stop_id): v for r in plan.runs for v in r.visits}


def diff_plans(old: SavedPlan, new: SavedPlan) -> PlanDiff:
    before, after = _visits(old), _visits(new)
    runs_of_old: dict[str, set[str]] = defaultdict(set)
    runs_of_new: dict[str, set[str]] = defaultdict(set)
    for run_id, stop in before:
        runs_of_old[stop].add(run_id)
    for run_id, stop in after:
        runs_of_new[stop].add(run_id)
    run_ids = sorted({r.id for r in old.runs} | {r.id for r in new.runs})
    changes = {rid: RunChanges(rid) for rid in run_ids}

    for stop in sorted(set(runs_of_old) | set(runs_of_new)):
        gone = sorted(runs_of_old[stop] - runs_of_new[stop])
        came = sorted(runs_of_new[stop] - runs_of_old[stop])
        # Pair each lost date with a gained one, in date order: that visit moved.
        for out_run, in_run in zip(gone, came, strict=False):
            changes[out_run].moved_out.append((stop, in_run))
            changes[in_run].moved_in.append((stop, out_run))
        for out_run in gone[len(came) :]:
            changes[out_run].removed.append(stop)
        for in_run in came[len(gone) :]:
            changes[in_run].added.append(stop)
        for run_id in sorted(runs_of_old[stop] & runs_of_new[stop]):
            a, b = before[(run_id, stop)].start, after[(run_id, stop)].start
            if a and b and abs((b - a).total_seconds()) > RETIME_THRESHOLD_S:
                changes[run_id].retimed.append((stop, a.strftime("%H:%M"), b.strftime("%H:%M")))

    planned = {s.id for s in new.stops if s.enabled}
    comparable = [(r, s) for (r, s) in before if s in planned]
    kept = sum(1 for key in comparable if key in after)
    return PlanDiff(
        [changes[r] for r in run_ids], kept, len(comparable),
        names=_names(old, new), run_dates=_run_dates(old, new),
        old_times=_times(before), new_times=_times(after),
    )  # fmt: skip


def _names(*plans: SavedPlan) -> dict[str, str]:
    """Stop id -> name, the newer plan's name winning."""
    names: dict[str, str] = {}
    for plan in plans:
        for r in plan.runs:
            for v in r.visits:
                if v.stop_name is not None:
                    names[v.stop_id] = v.stop_name
        for s in plan.stops:
            if s.name is not None:
                names[s.id] = s.name
    return names


def _run_dates(*plans: SavedPlan) -> dict[str, tuple[dt.date, int]]:
    return {r.id: (r.date, r.vehicle) for plan in plans for r in plan.runs}


def _times(visits: dict[tuple[str, str], SavedVisit]) -> dict[tuple[str, str], str]:
    return {k: v.start.strftime("%H:%M") for k, v in visits.items() if v.start is not None}


def format_diff(d: PlanDiff, labels: Labels | None = None) -> list[str]:
    """Readable lines: one per changed run (its weekday and date; each stop by name,
    id and broadcast time), then the share of visits kept."""
    lb = labels or Labels("en")

    def run(run_id: str) -> str:
        if run_id not in d.run_dates:
            return run_id
        date, vehicle = d.run_dates[run_id]
        text = f"{lb.weekday(date)} {lb.date(date)}"
        return text + (f" ({lb.t('d_vehicle', n=vehicle)})" if vehicle > 1 else "")

    def stop(stop_id: str, time: str | None = None) -> str:
        name = d.names.get(stop_id)
        text = f"{name} ({stop_id})" if name and name != stop_id else stop_id
        return f"{text} {time}" if time else text

    lines = []
    for c in d.runs:
        if c.empty:
            continue
        r = c.run_id
        parts = []
        if c.added:
            parts.append(f"{lb['d_added']} " + ", ".join(
                stop(s, d.new_times.get((r, s))) for s in c.added))  # fmt: skip
        if c.removed:
            parts.append(f"{lb['d_removed']} " + ", ".join(
                stop(s, d.old_times.get((r, s))) for s in c.removed))  # fmt: skip
        if c.moved_in:
            parts.append(f"{lb['d_moved_in']} " + ", ".join(
                f"{stop(s, d.new_times.get((r, s)))} ({lb['d_from']} {run(o)})"
                for s, o in c.moved_in))  # fmt: skip
        if c.moved_out:
            parts.append(f"{lb['d_moved_out']} " + ", ".join(
                f"{stop(s, d.old_times.get((r, s)))} ({lb['d_to']} {run(o)})"
                for s, o in c.moved_out))  # fmt: skip
        if c.retimed:
            parts.append(f"{lb['d_retimed']} " + ", ".join(
                f"{stop(s)} {a}→{b}" for s, a, b in c.retimed))  # fmt: skip
        lines.append(f"{run(r)}: " + "; ".join(parts))
    if not lines:
        lines.append(lb["d_no_change"])
    lines.append(lb.t("d_kept", kept=d.kept, total=d.comparable, pct=lb.number(d.kept_pct)))
    return lines
