"""An internal error's details go to a private file in the user's own state folder."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from outreach_planner import cli
from outreach_planner.error_log import log_folder


def _crash(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(args: object) -> int:
        raise RuntimeError("a bug")

    monkeypatch.setattr(cli, "_plan", boom)


@pytest.mark.skipif(sys.platform == "win32", reason="XDG folders are for POSIX")
def test_the_log_is_private_and_never_written_through_a_link(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    assert log_folder() == tmp_path / "state" / "outreach-planner"
    victim = tmp_path / "someone-elses-file"
    victim.write_text("precious", encoding="utf-8")
    log_folder().mkdir(parents=True)
    (log_folder() / "error.log").symlink_to(victim)
    _crash(monkeypatch)
    assert cli.main(["plan"]) == cli.EXIT_INTERNAL
    err = capsys.readouterr().err
    assert err.startswith("lỗi nội bộ: RuntimeError: a bug") and str(log_folder()) in err
    assert victim.read_text(encoding="utf-8") == "precious"
    log = log_folder() / "error.log"
    assert not log.is_symlink() and "RuntimeError: a bug" in log.read_text(encoding="utf-8")
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert not [p for p in log_folder().iterdir() if p.name != "error.log"]


def test_a_log_that_cannot_be_written_still_gives_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "state"
    blocker.write_text("a file where the folder should be", encoding="utf-8")
    monkeypatch.setenv("XDG_STATE_HOME", str(blocker))
    monkeypatch.setenv("LOCALAPPDATA", str(blocker))
    monkeypatch.setenv("HOME", str(blocker))
    _crash(monkeypatch)
    assert cli.main(["plan"]) == cli.EXIT_INTERNAL
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert "no log" in err


def test_a_relative_state_home_is_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", "relative/state")
    assert os.path.isabs(log_folder())
