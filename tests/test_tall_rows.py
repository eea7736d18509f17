"""A stop with very many villages or a very long name prints; a renderer that fails
costs its own file, never the plan."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from test_route_sheet import pdf_text

from outreach_planner import outputs
from outreach_planner.domain import Village
from outreach_planner.labels import Labels
from outreach_planner.outputs import write_outputs
from outreach_planner.plan import Plan
from outreach_planner.planner import load_inputs, make_plan
from outreach_planner.render.route_sheet import render_route_sheet, render_week_overview
from outreach_planner.settings import Settings

LONG_NAME = ("Buôn Đắk Rmăng Thượng Nguồn " * 12)[:300]


@pytest.fixture(scope="module")
def tiny_plan(tiny_settings: Settings) -> Plan:
    return make_plan(tiny_settings, load_inputs(tiny_settings))


@pytest.fixture(scope="module")
def town_centre(tiny_plan: Plan) -> Plan:
    """The tiny plan with its first visit turned into a town centre: 60 villages, one
    with a 300-character name, and a 300-character stop name."""
    run = tiny_plan.runs[0]
    visit = run.visits[0]
    first = visit.stop.villages[0]
    villages = tuple(
        dataclasses.replace(first, id=f"T-{i}", name=LONG_NAME if i == 1 else f"Tổ dân phố {i}")
        for i in range(60)
    )
    stop = dataclasses.replace(visit.stop, name=LONG_NAME, villages=villages)
    run = dataclasses.replace(run, visits=(dataclasses.replace(visit, stop=stop), *run.visits[1:]))
    return dataclasses.replace(tiny_plan, runs=(run, *tiny_plan.runs[1:]))


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_stop_of_sixty_villages_and_long_names_prints_cut_with_a_note(
    town_centre: Plan, lang: str, tmp_path: Path
) -> None:
    assert isinstance(town_centre.runs[0].visits[0].stop.villages[0], Village)
    text = pdf_text(render_route_sheet(town_centre, 0, Labels(lang)), tmp_path)
    note = "và 4" if lang == "vi" else "and 4"  # "... and 4x more": most are cut
    assert note in text
    flat = unicodedata.normalize("NFC", " ".join(text.split()))
    assert "Tổ dân phố 0" in flat and "…" in flat
    assert "Tổ dân phố 59" not in flat
    week = pdf_text(render_week_overview(town_centre, Labels(lang)), tmp_path)
    assert "Buôn Đắk Rmăng" in week


def test_a_name_of_twenty_thousand_characters_is_shortened(tiny_plan: Plan, tmp_path: Path) -> None:
    run = tiny_plan.runs[0]
    visit = run.visits[0]
    stop = dataclasses.replace(visit.stop, name="Thôn " * 4000)
    run = dataclasses.replace(run, visits=(dataclasses.replace(visit, stop=stop), *run.visits[1:]))
    plan = dataclasses.replace(tiny_plan, runs=(run, *tiny_plan.runs[1:]))
    sheet = pdf_text(render_route_sheet(plan, 0, Labels("vi")), tmp_path)
    assert "…" in sheet and sheet.count("Thôn") < 400
    week = pdf_text(render_week_overview(plan, Labels("vi")), tmp_path)
    assert "…" in week


def test_a_failing_renderer_costs_its_file_not_the_plan(
    tiny_plan: Plan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_outputs(tiny_plan, tmp_path)
    sheet = f"run-{tiny_plan.runs[0].key}.pdf"
    assert (tmp_path / sheet).is_file()

    def broken(plan: Plan, index: int, labels: Labels) -> bytes:
        if index == 0:
            raise ValueError("The row with index 5 is too high")
        return b"%PDF- new"

    monkeypatch.setattr(outputs, "render_route_sheet", broken)
    written = write_outputs(tiny_plan, tmp_path)
    assert [f.name for f in written.failed] == [sheet]
    # The previous plan's sheet is gone with it: no file of another plan stays.
    assert not (tmp_path / sheet).exists()
    assert (tmp_path / f"run-{tiny_plan.runs[1].key}.pdf").read_bytes() == b"%PDF- new"
    warnings = json.loads((tmp_path / "plan.json").read_text(encoding="utf-8"))["warnings"]
    assert warnings == [{"file": sheet, "problem": "ValueError: The row with index 5 is too high"}]


def test_the_command_line_names_the_missing_file_and_exits_0(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from outreach_planner import cli, outputs\n"
        "def broken(*a):\n"
        "    raise ValueError('too high')\n"
        "outputs.render_week_overview = broken\n"
        "sys.exit(cli.main(sys.argv[1:]))\n"
    )
    settings = Path(__file__).parent / "data" / "tiny" / "settings.toml"
    env_home = tmp_path / "home"
    result = subprocess.run(
        [sys.executable, "-c", script, "plan", "--quiet", "--weeks", "1",
         "--settings", str(settings),
         "--out", str(tmp_path / "out")],
        capture_output=True, text=True, timeout=300,
        env={**os.environ, "XDG_STATE_HOME": str(env_home)},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "week-overview.pdf" in lines[0] and "Traceback" not in lines[0]
    assert not (tmp_path / "out" / "week-overview.pdf").exists()
    assert (tmp_path / "out" / "plan.json").is_file()
