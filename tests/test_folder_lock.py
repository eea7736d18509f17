"""One run at a time writes into an output folder; a second one says it waits, and waits."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

from outreach_planner.io.folder_lock import output_lock

TINY_SETTINGS = Path(__file__).parent / "data" / "tiny" / "settings.toml"
_HOLD = (
    "import sys; from pathlib import Path\n"
    "from outreach_planner.io.folder_lock import output_lock\n"
    "with output_lock(Path(sys.argv[1])):\n"
    "    print('locked', flush=True)\n"
    "    sys.stdin.read()\n"
)


def test_a_second_plan_waits_for_the_run_holding_the_folder(tmp_path: Path) -> None:
    out = tmp_path / "maps"
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD, str(out)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        second = subprocess.Popen(
            [sys.executable, "-m", "outreach_planner", "plan", "--quiet", "--weeks", "1",
             "--settings", str(TINY_SETTINGS), "--out", str(out)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert second.stderr is not None
        waiting = second.stderr.readline()  # blocks until the planner has a plan to write
        assert "đang chờ" in waiting and str(out) in waiting, waiting  # Vietnamese by default
        time.sleep(1.0)
        assert second.poll() is None, "the second run did not wait"
        assert not (out / "plan.json").exists()
    finally:
        holder.communicate("", timeout=30)
    stdout, stderr = second.communicate(timeout=120)
    assert second.returncode == 0, stderr
    assert (out / "plan.json").is_file()
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_the_lock_is_reentrant_in_a_thread_and_exclusive_between_threads(tmp_path: Path) -> None:
    order: list[str] = []
    with output_lock(tmp_path):
        with output_lock(tmp_path):  # write_outputs inside a caller's lock: no deadlock
            order.append("nested")

        def other() -> None:
            with output_lock(tmp_path):
                order.append("other")

        thread = threading.Thread(target=other)
        thread.start()
        time.sleep(0.3)
        order.append("first done")
    thread.join(timeout=10)
    assert order == ["nested", "first done", "other"]
