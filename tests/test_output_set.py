"""The output set changes together or not at all, and only the planner's own files go.

Each step of the write (every temporary file, fsync, hard link and rename) is
failed in turn; after each failure the folder must hold the previous plan byte
for byte, after a success the whole new plan.
"""

from __future__ import annotations

import dataclasses
import errno
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest

import outreach_planner.io.output_set as output_set
from outreach_planner.errors import InputError
from outreach_planner.io.output_set import MANIFEST
from outreach_planner.outputs import write_outputs
from outreach_planner.planner import load_inputs, make_plan
from outreach_planner.settings import Settings

_FAULTY = ("mkstemp", "fsync", "link", "replace", "unlink")


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


class _Faults:
    """Stands in for `os` and `tempfile` in io/output_set.py: counts every step that
    touches the disk and fails the one numbered `fail_at` (once)."""

    def __init__(self, fail_at: int | None = None):
        self.fail_at = fail_at
        self.steps: list[str] = []

    def _wrap(self, module: Any, name: str) -> Any:
        real = getattr(module, name)

        def step(*args: Any, **kwargs: Any) -> Any:
            self.steps.append(name)
            if len(self.steps) - 1 == self.fail_at:
                raise OSError(errno.EIO, f"injected fault in {name}", str(args[0] if args else ""))
            if name == "fsync":  # counted and failed like the others, but not waited for
                return None
            return real(*args, **kwargs)

        return step

    def module(self, module: Any) -> Any:
        wrapped = {name: self._wrap(module, name) for name in _FAULTY if hasattr(module, name)}

        class Proxy:
            def __getattr__(self, attr: str) -> Any:
                return wrapped.get(attr) or getattr(module, attr)

        return Proxy()


@pytest.fixture(scope="module")
def two_plans(tiny_settings: Settings) -> tuple[Any, Any]:
    """A two-week plan (the folder's) and a one-week one replacing it: runs go."""
    inputs = load_inputs(tiny_settings)
    old = make_plan(tiny_settings, inputs)
    new = make_plan(dataclasses.replace(tiny_settings, weeks=1), inputs)
    return old, new


@pytest.fixture(scope="module")
def write_call(
    two_plans: tuple[Any, Any], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, dict[str, bytes], list[str], dict[str, bytes]]:
    """The previous folder, what writing the new plan over it passes to the swap
    (files, removals), and the folder the swap must leave."""
    old, new = two_plans
    folder = tmp_path_factory.mktemp("previous")
    write_outputs(old, folder)
    calls: list[tuple[dict[str, bytes], list[str]]] = []
    real = output_set.replace_together
    after = tmp_path_factory.mktemp("after")
    shutil.copytree(folder, after, dirs_exist_ok=True)
    mp = pytest.MonkeyPatch()
    mp.setattr("outreach_planner.outputs.replace_together",
               lambda f, files, remove: (calls.append((dict(files), list(remove))),
                                         real(f, files, remove)))  # fmt: skip
    try:
        write_outputs(new, after)
    finally:
        mp.undo()
    files, remove = calls[0]
    assert remove, "the new plan drops runs: removals are part of the test"
    return folder, files, remove, _snapshot(after)


def test_every_failed_step_leaves_the_previous_set_and_a_success_the_new(
    write_call: tuple[Path, dict[str, bytes], list[str], dict[str, bytes]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder, files, remove, new_set = write_call
    old_set = _snapshot(folder)
    counting = _Faults()
    monkeypatch.setattr(output_set, "os", counting.module(os))
    monkeypatch.setattr(output_set, "tempfile", counting.module(tempfile))
    work = tmp_path / "w0"
    shutil.copytree(folder, work)
    output_set.replace_together(work, files, remove)
    assert _snapshot(work) == new_set
    steps = len(counting.steps)
    assert {"mkstemp", "fsync", "link", "replace", "unlink"} <= set(counting.steps)

    outcomes = {"failed": 0, "succeeded": 0}
    for k in range(steps):
        faults = _Faults(fail_at=k)
        monkeypatch.setattr(output_set, "os", faults.module(os))
        monkeypatch.setattr(output_set, "tempfile", faults.module(tempfile))
        work = tmp_path / f"w{k + 1}"
        shutil.copytree(folder, work)
        try:
            output_set.replace_together(work, files, remove)
        except OSError:
            outcomes["failed"] += 1
            assert _snapshot(work) == old_set, f"step {k} ({faults.steps[k]}) left a mix"
        else:
            # Only steps after the swaps (syncing the folder, deleting the kept
            # files) may fail without failing the write: the new set is whole.
            outcomes["succeeded"] += 1
            leftovers = {n for n in _snapshot(work) if n.startswith(".op-")}
            assert {n: b for n, b in _snapshot(work).items() if n not in leftovers} == new_set
        shutil.rmtree(work)
    assert outcomes["failed"] > steps // 2


def test_a_plan_json_that_cannot_be_replaced_changes_nothing(
    two_plans: tuple[Any, Any],
    write_call: tuple[Path, dict[str, bytes], list[str], dict[str, bytes]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An immutable plan.json (chattr +i), as the rename into it sees it."""
    folder, files, _, _ = write_call
    shutil.copytree(folder, tmp_path, dirs_exist_ok=True)
    before = _snapshot(tmp_path)
    # The new plan's outputs as rendered once already (rendering is not under test).
    cached = [(n, lambda n=n: files[n]) for n in files if n not in ("plan.json", MANIFEST)]
    monkeypatch.setattr("outreach_planner.outputs._renderers", lambda *_: cached)
    real_replace = os.replace

    def replace(src: Any, dst: Any) -> None:
        if Path(dst).name == "plan.json":
            raise PermissionError(errno.EPERM, "Operation not permitted", str(dst))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(InputError) as caught:
        write_outputs(two_plans[1], tmp_path)
    assert len(caught.value.problems) == 1
    assert "plan.json" in str(caught.value) and "unchanged" in str(caught.value)
    assert _snapshot(tmp_path) == before
