"""The corpus of bad inputs in tests/data/bad/, each run through the command line.

Every case must end with exit code 2 (bad input) or 3 (no feasible plan), one
readable line naming what is wrong, no traceback, and the previous plan in the
output folder untouched.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from outreach_planner.cli import main

DATA = Path(__file__).parent / "data"
BAD = DATA / "bad"
TINY_SETTINGS = DATA / "tiny" / "settings.toml"
CASES = tomllib.loads((BAD / "cases.toml").read_text(encoding="utf-8"))["case"]


def _args(case: dict) -> list[str]:
    if "file" in case:
        path = str(BAD / case["file"])
        if case["option"] == "--settings":
            return ["--settings", path]
        return ["--settings", str(TINY_SETTINGS), case["option"], path]
    return ["--settings", str(TINY_SETTINGS), *case["args"]]


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def previous_plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An output folder holding a good plan, as a team would have from last week."""
    out = tmp_path_factory.mktemp("maps")
    assert main(["plan", "--settings", str(TINY_SETTINGS), "--quiet", "--out", str(out)]) == 0
    return out


def test_the_corpus_is_large_enough() -> None:
    assert len(CASES) >= 40
    assert all(case["why"] for case in CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.get("file") or " ".join(c["args"]) for c in CASES])
def test_bad_input_gives_one_line_and_keeps_the_previous_plan(
    case: dict, previous_plan: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _snapshot(previous_plan)
    code = main(["plan", "--quiet", "--out", str(previous_plan), *_args(case)])
    err = capsys.readouterr().err
    assert code == case["exit"], err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error:") and case["expect"] in lines[0], lines[0]
    if "file" in case:
        assert case["file"] in lines[0] or case["option"] != "--villages"
    assert _snapshot(previous_plan) == before


@pytest.mark.parametrize("name", ["villages-swapped.geojson", "programme-missing-text.toml"])
def test_a_real_process_prints_no_traceback(name: str, tmp_path: Path) -> None:
    case = next(c for c in CASES if c.get("file") == name)
    result = subprocess.run(
        [sys.executable, "-m", "outreach_planner", "plan", "--quiet", "--out", str(tmp_path),
         *_args(case)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == case["exit"]
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def _no_solve(monkeypatch: pytest.MonkeyPatch) -> None:
    def solve(*args: object, **kwargs: object) -> None:
        raise AssertionError("the output folder is checked before any input is read")

    monkeypatch.setattr("outreach_planner.planner.load_inputs", solve)


@pytest.mark.parametrize("kind", ["file", "dangling link", "plan.json folder", "under a file"])
def test_an_unusable_out_is_one_line_before_solving(
    kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "maps"
    if kind == "file":
        out.write_text("not a folder", encoding="utf-8")
    elif kind == "dangling link":
        out.symlink_to(tmp_path / "gone")
    elif kind == "plan.json folder":
        (out / "plan.json").mkdir(parents=True)
    else:
        (tmp_path / "file").write_text("x", encoding="utf-8")
        out = tmp_path / "file" / "maps"
    before = sorted(p.name for p in tmp_path.rglob("*"))
    _no_solve(monkeypatch)
    code = main(["plan", "--quiet", "--settings", str(TINY_SETTINGS), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1 and err.startswith("error:"), err
    assert sorted(p.name for p in tmp_path.rglob("*")) == before


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_text_item_that_is_a_fifo_is_refused_not_waited_for(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "news.txt")
    (tmp_path / "programme.toml").write_text(
        '[[items]]\ntitle = "Tin"\ntext = "news.txt"\n', encoding="utf-8"
    )
    result = subprocess.run(
        [sys.executable, "-m", "outreach_planner", "plan", "--quiet", "--out", str(tmp_path / "o"),
         "--settings", str(TINY_SETTINGS), "--programme", str(tmp_path / "programme.toml")],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert "regular file" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_a_file_beyond_the_size_limit_is_refused(tmp_path: Path) -> None:
    from outreach_planner.io.files import NotAnInputFile, read_input_bytes

    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 2049)
    assert read_input_bytes(big, limit=2049) == b"x" * 2049
    with pytest.raises(NotAnInputFile, match="at most"):
        read_input_bytes(big, limit=2048)
