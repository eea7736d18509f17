"""Outputs rendered on several cores: the same bytes and the same failure reports as on one."""

from __future__ import annotations

import os
import time
from functools import partial
from pathlib import Path

import pytest

from outreach_planner import outputs
from outreach_planner.labels import Labels
from outreach_planner.outputs import write_outputs
from outreach_planner.plan import Plan
from outreach_planner.planner import load_inputs, make_plan
from outreach_planner.render import workers
from outreach_planner.render.workers import run_all
from outreach_planner.settings import Settings

needs_fork = pytest.mark.skipif(not workers.can_fork(), reason="no safe fork here: always serial")


@pytest.fixture(scope="module")
def tiny_plan(tiny_settings: Settings) -> Plan:
    return make_plan(tiny_settings, load_inputs(tiny_settings))


def _files(folder: Path) -> dict[str, bytes]:
    lock = ".outreach-planner.lock"
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.name != lock}


def _slow_pid(i: int) -> tuple[int, int]:
    time.sleep(0.05)  # long enough that every process gets some of the jobs
    return i, os.getpid()


@needs_fork
def test_jobs_are_shared_between_processes_and_come_back_in_order() -> None:
    results = run_all([partial(_slow_pid, i) for i in range(12)], [1.0] * 12, workers=3)
    assert [i for i, _ in results] == list(range(12))
    assert len({pid for _, pid in results}) == 3


def _die_in_a_helper(parent: int, i: int) -> tuple[int, int]:
    if os.getpid() != parent:
        os._exit(3)  # a helper killed mid-job, as by the out-of-memory killer
    return _slow_pid(i)


@needs_fork
def test_the_jobs_of_a_helper_that_died_are_done_here() -> None:
    jobs = [partial(_die_in_a_helper, os.getpid(), i) for i in range(6)]
    results = run_all(jobs, [1.0] * 6, workers=2)
    assert results == [(i, os.getpid()) for i in range(6)]


def test_one_worker_renders_here_one_job_after_the_other() -> None:
    assert run_all([partial(_slow_pid, i) for i in range(3)], [1.0] * 3, workers=1) == [
        (i, os.getpid()) for i in range(3)
    ]


@needs_fork
@pytest.mark.parametrize("count", [2, 3])
def test_every_file_has_the_same_bytes_whatever_the_number_of_workers(
    tiny_plan: Plan, tmp_path: Path, count: int
) -> None:
    write_outputs(tiny_plan, tmp_path / "one", workers=1)
    write_outputs(tiny_plan, tmp_path / "more", workers=count)
    one, more = _files(tmp_path / "one"), _files(tmp_path / "more")
    assert list(more) == list(one) and len(one) > 10
    assert [name for name in one if one[name] != more[name]] == []


@needs_fork
def test_a_renderer_failing_in_a_helper_is_reported_as_on_one_core(
    tiny_plan: Plan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(plan: Plan, index: int, labels: Labels) -> bytes:
        time.sleep(0.2)  # the helper has started and taken some by then
        raise ValueError(f"sheet {index} is too tall (process {os.getpid()})")

    monkeypatch.setattr(outputs, "render_route_sheet", broken)
    serial = write_outputs(tiny_plan, tmp_path / "one", workers=1)
    parallel = write_outputs(tiny_plan, tmp_path / "more", workers=2)
    sheets = [f"run-{r.key}.pdf" for r in tiny_plan.runs]
    assert [f.name for f in serial.failed] == [f.name for f in parallel.failed] == sheets
    pids = set()
    for one, more in zip(serial.failed, parallel.failed, strict=True):
        said, pid = more.message.rsplit(" (process ", 1)
        assert said == one.message.rsplit(" (process ", 1)[0]
        assert "Traceback" in more.details and said.removeprefix("ValueError: ") in more.details
        pids.add(pid)
    assert len(pids) == 2  # failures reported from the helper as well as from here
    files = _files(tmp_path / "more")
    assert not any(name in files for name in sheets)
    assert {n: b for n, b in files.items() if n != "plan.json"} == {
        n: b for n, b in _files(tmp_path / "one").items() if n != "plan.json"
    }
