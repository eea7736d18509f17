"""`write_outputs` in a folder that already holds an earlier plan's files."""

from __future__ import annotations

from pathlib import Path

from outreach_planner.outputs import write_outputs
from outreach_planner.planner import load_inputs, make_plan
from outreach_planner.settings import Settings


def test_runs_the_new_plan_dropped_lose_their_files_past_ones_and_others_stay(
    tmp_path: Path, tiny_settings: Settings
) -> None:
    plan = make_plan(tiny_settings, load_inputs(tiny_settings))
    assert str(plan.start) == "2026-12-07"
    dropped = ["run-2026-12-22.html", "run-2026-12-22.pdf", "run-2026-12-08-2.gpx"]
    kept = [
        "run-2026-11-03.pdf",  # before the plan: the record of a run that was made
        "run-2026-12-22-notes.html",  # not a name the planner gives
        "run-2026-13-45.html",  # not a date
        "notes.txt",
    ]
    for name in dropped + kept:
        (tmp_path / name).write_text("earlier", encoding="utf-8")
    written = write_outputs(plan, tmp_path)
    assert all((tmp_path / name).exists() for name in kept)
    assert not any((tmp_path / name).exists() for name in dropped)
    assert all(path.exists() for path in written)
    assert {p.name for p in tmp_path.iterdir()} == {p.name for p in written} | set(kept)
