"""The whole command, end to end, as a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from plan_checks import check_plan, read_rules

ROOT = Path(__file__).resolve().parents[1]
TINY = Path(__file__).parent / "data" / "tiny"
START = "2026-12-07"


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`python -m outreach_planner ...` in a fresh process, as from a terminal."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "outreach_planner", *args],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


@pytest.fixture(scope="session")
def builtin_plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default plan of the built-in Đắk Song data, made from an unrelated folder."""
    cwd = tmp_path_factory.mktemp("elsewhere")
    result = run_cli("plan", "--start", START, "--quiet", cwd=cwd)
    assert result.returncode == 0, result.stderr
    return cwd / "maps"


def test_builtin_plan_writes_every_output(builtin_plan: Path) -> None:
    plan = json.loads((builtin_plan / "plan.json").read_text(encoding="utf-8"))
    # 4 weeks x Tuesday and Friday, less New Year's Day (Friday 1/1/2027), a public holiday.
    assert len(plan["runs"]) == 7
    assert "2027-01-01" not in {r["date"] for r in plan["runs"]}
    assert [(d["date"], d["reason"]) for d in plan["skipped_dates"]] == [("2027-01-01", "holiday")]
    assert {r["weekday"] for r in plan["runs"]} == {"tuesday", "friday"}
    assert (builtin_plan / "index.html").is_file()
    for run in plan["runs"]:
        assert (builtin_plan / f"run-{run['date']}.html").is_file()
    csv_bytes = (builtin_plan / "schedule.csv").read_bytes()
    assert csv_bytes.startswith("\ufeff".encode())
    rows = csv_bytes.decode("utf-8-sig").splitlines()
    assert len(rows) == 1 + sum(len(r["visits"]) for r in plan["runs"])


def test_builtin_plan_is_feasible(builtin_plan: Path) -> None:
    plan = json.loads((builtin_plan / "plan.json").read_text(encoding="utf-8"))
    assert check_plan(plan, read_rules(start=START)) == []
    # Every stop gets its minimum visits or an explained place in `unassigned`.
    assert plan["summary"]["stops_visited"] + len(plan["unassigned"]) >= len(plan["stops"])


def test_same_inputs_and_seed_give_the_same_plan(builtin_plan: Path, tmp_path: Path) -> None:
    again = run_cli("plan", "--start", START, "--quiet", "--out", str(tmp_path), cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert (tmp_path / "plan.json").read_bytes() == (builtin_plan / "plan.json").read_bytes()
    # Every output, maps included: a re-plan that changes nothing changes no file.
    names = sorted(p.name for p in builtin_plan.iterdir())
    assert sorted(p.name for p in tmp_path.iterdir()) == names
    differ = [n for n in names if (tmp_path / n).read_bytes() != (builtin_plan / n).read_bytes()]
    assert differ == []


def test_summary_on_the_terminal(tmp_path: Path) -> None:
    result = run_cli("plan", "--settings", str(TINY / "settings.toml"), "--out", "o", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    # Vietnamese by default, as every output.
    for word in ("số chuyến", "lượt người nghe", "lái xe", "phát thanh", "chưa xếp được"):
        assert word in result.stdout
    assert "xếp các lượt bắt buộc" in result.stderr  # the progress display


def test_every_input_on_the_command_line(tmp_path: Path) -> None:
    result = run_cli(
        "plan",
        "--villages", str(TINY / "villages.geojson"),
        "--communes", str(TINY / "communes.geojson"),
        "--programme", str(TINY / "programme.toml"),
        "--depot", "107.64,12.26",
        "--start", "2026-12-01", "--weeks", "1", "--seed", "3", "--quiet",
        "--out", str(tmp_path / "out"),
        cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    plan = json.loads((tmp_path / "out" / "plan.json").read_text(encoding="utf-8"))
    assert [r["date"] for r in plan["runs"]] == ["2026-12-01", "2026-12-04"]
    assert plan["settings"]["seed"] == 3
    assert (plan["settings"]["depot"]["lon"], plan["settings"]["depot"]["lat"]) == (107.64, 12.26)
    assert {s["id"] for s in plan["stops"]} == {"S-A-1", "S-A-3", "S-A-4", "S-B-1", "S-B-2"}
    rules = read_rules(
        villages=TINY / "villages.geojson", programme=TINY / "programme.toml",
        depot={"lon": 107.64, "lat": 12.26}, start="2026-12-01", weeks=1,
    )  # fmt: skip
    assert check_plan(plan, rules) == []


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--start", "2026-02-30"], "start"),  # no such date
        (["--weeks", "zero"], "weeks"),  # not a number
        (["--depot", "12.26,107.64,1"], "depot"),  # three numbers
        (["--villages", "no-such-file.geojson"], "no-such-file.geojson"),  # missing file
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, args: list[str], needle: str) -> None:
    result = run_cli("plan", "--quiet", "--out", str(tmp_path / "o"), *args, cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and needle in lines[0]
    assert not (tmp_path / "o").exists()


def test_failed_run_keeps_the_previous_plan(tmp_path: Path) -> None:
    out = tmp_path / "o"
    ok = run_cli("plan", "--settings", str(TINY / "settings.toml"), "--quiet", "--out", str(out),
                 cwd=tmp_path)  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    bad = run_cli("plan", "--settings", str(TINY / "settings.toml"), "--quiet", "--out", str(out),
                  "--villages", str(TINY / "communes.geojson"), cwd=tmp_path)  # fmt: skip
    assert bad.returncode == 2
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
