"""Outputs rendered on several cores: the same bytes and the same failure reports as on one.

Helpers are forked only from a process without other threads; earlier tests leave some
running (servers, browsers), so each check that needs helpers runs in a fresh process:
this file run as a script.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from functools import partial
from pathlib import Path

import pytest

from outreach_planner.render import workers
from outreach_planner.render.workers import run_all

TINY_SETTINGS = Path(__file__).parent / "data" / "tiny" / "settings.toml"
needs_fork = pytest.mark.skipif(
    not hasattr(os, "fork") or sys.platform == "darwin", reason="no safe fork here: always serial"
)


def _fresh(*args: str) -> object:
    """What this file prints when run as a script with `args`, in a fresh process."""
    result = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True,
                            timeout=600)  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _files(folder: Path) -> dict[str, bytes]:
    lock = ".outreach-planner.lock"
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.name != lock}


def _slow_pid(i: int) -> tuple[int, int]:
    time.sleep(0.05)  # long enough that every process gets some of the jobs
    return i, os.getpid()


def _die_in_a_helper(parent: int, i: int) -> tuple[int, int]:
    if os.getpid() != parent:
        os._exit(3)  # a helper killed mid-job, as by the out-of-memory killer
    return _slow_pid(i)


@needs_fork
def test_jobs_are_shared_between_processes_and_come_back_in_order() -> None:
    results = _fresh("share")
    assert [i for i, _ in results] == list(range(12))  # type: ignore[union-attr]
    assert len({pid for _, pid in results}) == 3  # type: ignore[union-attr]


@needs_fork
def test_the_jobs_of_a_helper_that_died_are_done_here() -> None:
    parent, results = _fresh("die")  # type: ignore[misc]
    assert results == [[i, parent] for i in range(6)]


def test_one_worker_renders_here_one_job_after_the_other() -> None:
    assert run_all([partial(_slow_pid, i) for i in range(3)], [1.0] * 3, workers=1) == [
        (i, os.getpid()) for i in range(3)
    ]


def test_no_helper_is_forked_while_another_thread_runs() -> None:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not workers.can_fork()
        results = run_all([partial(_slow_pid, i) for i in range(4)], [1.0] * 4, workers=2)
    finally:
        stop.set()
        thread.join()
    assert results == [(i, os.getpid()) for i in range(4)]


@needs_fork
@pytest.mark.parametrize("count", ["2", "3"])
def test_every_file_has_the_same_bytes_whatever_the_number_of_workers(
    tmp_path: Path, count: str
) -> None:
    assert _fresh("write", str(tmp_path), count) == "written"
    one, more = _files(tmp_path / "one"), _files(tmp_path / "more")
    assert list(more) == list(one) and len(one) > 10
    assert [name for name in one if one[name] != more[name]] == []


@needs_fork
def test_a_renderer_failing_in_a_helper_is_reported_as_on_one_core(tmp_path: Path) -> None:
    serial, parallel, sheets = _fresh("fail", str(tmp_path))  # type: ignore[misc]
    assert [name for name, _, _ in serial] == [name for name, _, _ in parallel] == sheets
    pids = set()
    for (_, one, _), (_, more, details) in zip(serial, parallel, strict=True):
        said, pid = more.rsplit(" (process ", 1)
        assert said == one.rsplit(" (process ", 1)[0]
        assert "Traceback" in details and said.removeprefix("ValueError: ") in details
        pids.add(pid)
    assert len(pids) == 2  # failures reported from the helper as well as from here
    files = _files(tmp_path / "more")
    assert not any(name in files for name in sheets)
    assert {n: b for n, b in files.items() if n != "plan.json"} == {
        n: b for n, b in _files(tmp_path / "one").items() if n != "plan.json"
    }


def _script(scenario: str, *args: str) -> object:
    """The checks that need helpers, run in a process without other threads."""
    assert workers.can_fork()
    if scenario == "share":
        return run_all([partial(_slow_pid, i) for i in range(12)], [1.0] * 12, workers=3)
    if scenario == "die":
        jobs = [partial(_die_in_a_helper, os.getpid(), i) for i in range(6)]
        return [os.getpid(), run_all(jobs, [1.0] * 6, workers=2)]

    from outreach_planner import outputs
    from outreach_planner.planner import load_inputs, make_plan
    from outreach_planner.settings import load_settings

    settings = load_settings(TINY_SETTINGS)
    plan = make_plan(settings, load_inputs(settings))
    out = Path(args[0])
    if scenario == "write":
        outputs.write_outputs(plan, out / "one", workers=1)
        outputs.write_outputs(plan, out / "more", workers=int(args[1]))
        return "written"

    def broken(*_: object) -> bytes:
        time.sleep(0.2)  # the helper has started and taken some by then
        raise ValueError(f"sheet is too tall (process {os.getpid()})")

    outputs.render_route_sheet = broken  # type: ignore[assignment]
    reports = [
        [[f.name, f.message, f.details] for f in outputs.write_outputs(plan, out / name,
                                                                       workers=count).failed]
        for name, count in (("one", 1), ("more", 2))
    ]  # fmt: skip
    return [*reports, [f"run-{r.key}.pdf" for r in plan.runs]]


if __name__ == "__main__":
    print(json.dumps(_script(*sys.argv[1:])))
