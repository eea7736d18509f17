"""What the terminal says after `plan`: in Vietnamese by default (English with --lang en
or `lang = "en"`), the estimated-data notice, and for each stop with a priority other
than 1 its visits and what held it back. Checked against the inputs and plan.json."""

from __future__ import annotations

import json
from pathlib import Path

from outreach_planner.cli import main

TINY = Path(__file__).parent / "data" / "tiny"


def _stops_with_priority(folder: Path, capsys) -> Path:
    path = folder / "stops.csv"
    opts = ["--file", str(path), "--settings", str(TINY / "settings.toml")]
    assert main(["stops", "init", *opts]) == 0
    assert main(["stops", "set", "S-B-2", "priority", "10", *opts]) == 0
    assert main(["stops", "set", "S-A-4", "priority", "2", *opts]) == 0
    capsys.readouterr()
    return path


def _plan(folder: Path, capsys, *extra: str) -> tuple[str, dict]:
    out = folder / "maps"
    args = ["plan", "--settings", str(TINY / "settings.toml"), "--start", "2026-12-07",
            "--quiet", "--out", str(out), "--fresh", *extra]  # fmt: skip
    assert main(args) == 0
    text = capsys.readouterr().out
    return text, json.loads((out / "plan.json").read_text(encoding="utf-8"))


def test_summary_in_vietnamese_by_default_with_priorities(tmp_path, capsys):
    stops = _stops_with_priority(tmp_path, capsys)
    out, plan = _plan(tmp_path, capsys, "--stops", str(stops), "--weeks", "1")
    assert "Kế hoạch từ 07/12/2026 · 1 tuần" in out
    assert "điểm dừng được ghé" in out and "lượt người nghe" in out
    assert "runs" not in out and "wrote" not in out
    visits = {s["id"]: s["visits"] for s in plan["stops"]}
    # One week, two runs three days apart, at least 7 days between visits: one visit at most.
    for sid, prio in (("S-B-2", "10"), ("S-A-4", "2")):
        (line,) = [ln for ln in out.splitlines() if f"· {sid} " in ln]
        assert line.strip().startswith(f"ưu tiên {prio} ·")
        assert f": {visits[sid]} lượt ghé;" in line
        if visits[sid] == 1:
            assert "khoảng cách 7 ngày" in line
    # Stops of priority 1 get no line.
    assert not [ln for ln in out.splitlines() if "· S-A-3 " in ln]


def test_summary_in_english_with_one_week_singular(tmp_path, capsys):
    out, _ = _plan(tmp_path, capsys, "--weeks", "1", "--lang", "en")
    assert "Plan 07/12/2026 · 1 week" in out and "1 weeks" not in out
    assert "stops visited" in out and "wrote " in out


def test_lang_setting_gives_english(tmp_path, capsys):
    settings = tmp_path / "settings.toml"
    settings.write_text(
        (TINY / "settings.toml")
        .read_text(encoding="utf-8")
        .replace('villages = "', f'lang = "en"\nvillages = "{TINY.as_posix()}/')
        .replace('communes = "', f'communes = "{TINY.as_posix()}/')
        .replace('programme = "', f'programme = "{TINY.as_posix()}/'),
        encoding="utf-8",
    )
    assert main(["plan", "--settings", str(settings), "--quiet", "--out",
                 str(tmp_path / "maps")]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert "Plan 07/12/2026 · 2 weeks" in out and "people reached" in out


def test_vietnamese_output_on_a_legacy_code_page(tmp_path):
    """Windows writes a redirected output in its ANSI code page (cp1252 here), which has
    no 'ư' or 'ờ': the command must still print, in UTF-8, not fail."""
    import os
    import subprocess
    import sys

    path = tmp_path / "stops.csv"
    env = {**os.environ, "PYTHONIOENCODING": "cp1252"}
    args = [sys.executable, "-m", "outreach_planner", "stops"]
    opts = ["--file", str(path), "--settings", str(TINY / "settings.toml")]
    for command in (["init"], ["list"]):
        done = subprocess.run([*args, *command, *opts], env=env, capture_output=True, timeout=120)
        assert done.returncode == 0, done.stderr
    assert "người" in done.stdout.decode("utf-8")


def test_every_optimizer_phase_has_vietnamese_words():
    """The progress bars name the optimizer's phases; each one it reports is translated."""
    import re

    from outreach_planner.labels import Labels
    from outreach_planner.progress import _PHASES

    src = Path(__file__).resolve().parents[1] / "src" / "outreach_planner" / "optimize"
    texts = [f.read_text(encoding="utf-8") for f in src.rglob("*.py")]
    phases = {m for text in texts for m in re.findall(r'report\(\s*"([^"]+)"', text)}
    assert phases and phases <= set(_PHASES)
    vi, en = Labels("vi"), Labels("en")
    assert all(vi[_PHASES[p]] != en[_PHASES[p]] for p in phases)


def test_priority_line_says_gap_or_time_from_the_run_dates(tiny_settings):
    """What held a stop back, from the plan's run dates and the gap, not from the solver."""
    import dataclasses

    from outreach_planner.labels import Labels
    from outreach_planner.planner import load_inputs, make_plan
    from outreach_planner.progress import most_visits, priority_lines

    plan = make_plan(tiny_settings, load_inputs(tiny_settings))
    # Two weeks of Tuesday and Friday runs, 7 days apart at least: two visits at most.
    assert {most_visits(plan, s) for s in plan.stops} == {2}
    raised = tuple(dataclasses.replace(s, priority=3.0) for s in plan.stops)
    lines = priority_lines(dataclasses.replace(plan, stops=raised), Labels("en"))
    assert len(lines) == len(plan.stops)
    for stop, line in zip(plan.stops, lines, strict=True):
        visits = plan.visits_of(stop.id)
        assert f"{stop.id} ({stop.name}): {visits} visits;" in line
        if visits >= 2:
            assert "the most the minimum gap of 7 days" in line
        else:
            assert "at most 2 with 7 days between visits" in line
