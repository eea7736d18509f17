"""A plan killed while it writes leaves the previous plan whole and readable."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

TINY_SETTINGS = Path(__file__).parent / "data" / "tiny" / "settings.toml"


def _plan(out: Path, *extra: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "outreach_planner", "plan", "--quiet",
         "--settings", str(TINY_SETTINGS), "--out", str(out), *extra],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def _kill_when_staging(proc: subprocess.Popen[bytes], out: Path, timeout_s: float = 120) -> bool:
    """SIGKILL `proc` the moment a staged temporary file appears; True if it was caught."""
    deadline = time.monotonic() + timeout_s
    while proc.poll() is None and time.monotonic() < deadline:
        with os.scandir(out) as entries:
            staging = any(e.name.endswith(".tmp") for e in entries)
        if staging:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            return True
    proc.wait()
    return False


def _files(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in out.iterdir() if not p.name.startswith(".")}


def test_kill_while_writing_keeps_the_previous_plan(tmp_path: Path) -> None:
    out = tmp_path / "maps"
    caught = False
    for _ in range(5):  # the write lasts a fraction of a second: try until the kill lands in it
        assert _plan(out).wait() == 0
        before = _files(out)
        # Three weeks instead of two: a different plan, so a half-written one would show.
        if _kill_when_staging(_plan(out, "--weeks", "3"), out):
            caught = True
            break
    assert caught, "never caught the planner while it was writing"

    after = _files(out)
    assert after == before
    plan = json.loads(after["plan.json"])
    assert len(plan["runs"]) == 4  # still the two-week plan

    # The next run clears the killed run's temporaries and writes a whole new plan.
    assert _plan(out, "--weeks", "3").wait() == 0
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]
    assert len(json.loads((out / "plan.json").read_bytes())["runs"]) == 6
