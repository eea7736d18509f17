"""`write_outputs` in a folder that already holds an earlier plan's or another tool's files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from outreach_planner import outputs
from outreach_planner.io.output_set import MANIFEST
from outreach_planner.outputs import write_outputs
from outreach_planner.plan import Plan
from outreach_planner.planner import load_inputs, make_plan
from outreach_planner.settings import Settings

LOCK = ".outreach-planner.lock"


@pytest.fixture(scope="module")
def tiny_plan(tiny_settings: Settings) -> Plan:
    return make_plan(tiny_settings, load_inputs(tiny_settings))


@pytest.fixture
def quick(monkeypatch: pytest.MonkeyPatch) -> None:
    """Renderers that return their file name: what is removed depends on names alone."""

    def renderers(plan: Plan, out: Path, labels: object) -> list:
        names = [f"run-{r.key}.{ext}" for r in plan.runs for ext in ("html", "pdf", "gpx")]
        names += ["week-overview.pdf", "calendar.ics", "schedule.csv", "index.html"]
        return [(n, lambda n=n: n.encode()) for n in names]

    monkeypatch.setattr(outputs, "_renderers", renderers)


def _manifest(folder: Path, names: list[str]) -> None:
    listing = {"format": "outreach-planner/manifest", "version": 1, "files": names}
    (folder / MANIFEST).write_text(json.dumps(listing), encoding="utf-8")


def test_runs_the_new_plan_dropped_lose_their_files_past_ones_and_others_stay(
    tmp_path: Path, tiny_plan: Plan, quick: None
) -> None:
    assert str(tiny_plan.start) == "2026-12-07"
    dropped = ["run-2026-12-22.html", "run-2026-12-22.pdf", "run-2026-12-08-2.gpx"]
    kept = [
        "run-2026-11-03.pdf",  # before the plan: the record of a run that was made
        "run-2026-12-22-notes.html",  # not a name the planner gives
        "run-2026-13-45.html",  # not a date
        "notes.txt",
    ]
    foreign = ["run-2026-12-25.pdf"]  # a name the planner gives, but not in the manifest
    for name in dropped + kept + foreign:
        (tmp_path / name).write_text("earlier", encoding="utf-8")
    _manifest(tmp_path, dropped + kept + ["../outside.txt", "/etc/passwd"])
    written = write_outputs(tiny_plan, tmp_path)
    assert all((tmp_path / name).exists() for name in kept + foreign)
    assert not any((tmp_path / name).exists() for name in dropped)
    assert all(path.exists() for path in written)
    names = {p.name for p in tmp_path.iterdir()}
    assert names == {p.name for p in written} | set(kept + foreign) | {MANIFEST, LOCK}
    listed = json.loads((tmp_path / MANIFEST).read_text(encoding="utf-8"))["files"]
    # Still the planner's (written, or kept as a record); never the other tool's.
    assert set(listed) == {p.name for p in written} | set(kept)


@pytest.mark.parametrize("manifest", [None, "{not json", '{"files": ["run-2026-12-22.pdf"]}'])
def test_without_a_manifest_of_ours_nothing_is_removed(
    tmp_path: Path, tiny_plan: Plan, quick: None, manifest: str | None
) -> None:
    (tmp_path / "run-2026-12-22.pdf").write_text("another tool's", encoding="utf-8")
    if manifest is not None:
        (tmp_path / MANIFEST).write_text(manifest, encoding="utf-8")
    write_outputs(tiny_plan, tmp_path)
    assert (tmp_path / "run-2026-12-22.pdf").read_text(encoding="utf-8") == "another tool's"
