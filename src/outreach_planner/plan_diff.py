"""What changed between two plan.json files, per run: stops added, removed, moved to
another date, and broadcasts that start more than 15 minutes earlier or later."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

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

    @property
    def kept_pct(self) -> float:
        return 100.0 * self.kept / self.comparable if self.comparable else 100.0


def _visits(plan: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """(run id, stop id) -> visit."""
    return {(r["id"], v["stop_id"]): v for r in plan["runs"] for v in r["visits"]}


def diff_plans(old: dict[str, Any], new: dict[str, Any]) -> PlanDiff:
    before, after = _visits(old), _visits(new)
    runs_of_old: dict[str, set[str]] = defaultdict(set)
    runs_of_new: dict[str, set[str]] = defaultdict(set)
    for run_id, stop in before:
        runs_of_old[stop].add(run_id)
    for run_id, stop in after:
        runs_of_new[stop].add(run_id)
    run_ids = sorted({r["id"] for r in old["runs"]} | {r["id"] for r in new["runs"]})
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
            a = dt.datetime.fromisoformat(before[(run_id, stop)]["start"])
            b = dt.datetime.fromisoformat(after[(run_id, stop)]["start"])
            if abs((b - a).total_seconds()) > RETIME_THRESHOLD_S:
                changes[run_id].retimed.append((stop, a.strftime("%H:%M"), b.strftime("%H:%M")))

    planned = {s["id"] for s in new["stops"] if s.get("enabled", True)}
    comparable = [(r, s) for (r, s) in before if s in planned]
    kept = sum(1 for key in comparable if key in after)
    return PlanDiff([changes[r] for r in run_ids], kept, len(comparable))


def format_diff(d: PlanDiff) -> list[str]:
    """Readable lines: one per changed run, then the share of visits kept."""
    lines = []
    for c in d.runs:
        if c.empty:
            continue
        parts = []
        if c.added:
            parts.append("added " + ", ".join(c.added))
        if c.removed:
            parts.append("removed " + ", ".join(c.removed))
        if c.moved_in:
            parts.append("moved here " + ", ".join(f"{s} (from {r})" for s, r in c.moved_in))
        if c.moved_out:
            parts.append("moved away " + ", ".join(f"{s} (to {r})" for s, r in c.moved_out))
        if c.retimed:
            parts.append("retimed " + ", ".join(f"{s} {a}→{b}" for s, a, b in c.retimed))
        lines.append(f"{c.run_id}: " + "; ".join(parts))
    if not lines:
        lines.append("no change")
    lines.append(f"kept on the same date: {d.kept} of {d.comparable} visits ({d.kept_pct:.1f} %)")
    return lines
