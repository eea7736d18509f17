"""The benchmark command end to end on the tiny instances (the real sets are not run here)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from outreach_planner.bench import cli as bench_cli
from outreach_planner.cli import main

DATA = Path(__file__).parent / "data" / "bench"
FIELDS = {"instance", "cost", "bks", "gap_pct", "seconds", "feasible", "routes"}


def test_pvrp_bench_solves_checks_and_writes_json(tmp_path, capsys):
    out = tmp_path / "pvrp.json"
    code = main(["bench", "pvrp", str(DATA / "pvrp"), "--iterations", "200",
                 "--json", str(out)])  # fmt: skip
    assert code == 0
    text = capsys.readouterr().out
    assert "small2day" in text and "average gap -0.00 %" in text and "feasible 1/1" in text
    [row] = json.loads(out.read_text())
    assert set(row) >= FIELDS
    assert row["feasible"] and row["bks"] == 112.33 and abs(row["gap_pct"]) < 0.01
    # Per day, per vehicle, customer numbers in order; every customer is there.
    assert len(row["routes"]) == 2 and all(len(day) == 2 for day in row["routes"])
    assert sorted({c for day in row["routes"] for r in day for c in r}) == list(range(1, 8))


@pytest.mark.parametrize("engine", ["pyvrp", "ortools"])
def test_solomon_bench_with_either_engine(tmp_path, capsys, engine):
    out = tmp_path / "solomon.json"
    args = ["--time-limit", "1", "--iterations", "300", "--engine", engine, "--json", str(out)]
    code = bench_cli.main(["solomon", str(DATA / "solomon"), *args])
    assert code == 0
    [row] = json.loads(out.read_text())
    assert row["instance"] == "Small8" and row["feasible"] and row["cost"] == 160.7
    assert sorted(c for r in row["routes"] for c in r) == list(range(1, 9))
    assert f"engine {engine}" in capsys.readouterr().out


def test_only_names_a_missing_instance(capsys):
    code = bench_cli.main(["pvrp", str(DATA / "pvrp"), "--only", "p99", "--iterations", "5"])
    assert code == 2
    assert "p99" in capsys.readouterr().err


def test_bench_arguments_are_checked():
    with pytest.raises(SystemExit):
        bench_cli.main(["pvrp", str(DATA / "pvrp"), "--time-limit", "-1"])
    with pytest.raises(SystemExit):
        bench_cli.main(["tsp", str(DATA)])
