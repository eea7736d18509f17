"""Render the output files on every core of the machine: the same files, byte for byte.

Each renderer reads only the plan, so the process that runs it cannot change its bytes.
Helpers are forked from this process once the plan is made: they inherit the plan, the
libraries already imported and the renderers, so one starts in milliseconds instead of a
second or two of imports, and only job numbers and finished files cross between processes.

Where fork is missing (Windows) or unsafe, the files are rendered here one after the other:
on macOS (system libraries may break in a forked child), when this process runs other
threads (a child would inherit the locks they hold, e.g. the web server's), and inside a
worker of another pool (the province plan already keeps every core busy).

The jobs wait in a pipe, heaviest first, written whole before the first fork; each process,
this one too, takes the next number when it is free. A helper sends its files when the pipe
runs dry, so a full result pipe never holds up its work. A helper that dies loses nothing:
the jobs it took and did not deliver are rendered here.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import struct
import sys
import threading
from collections.abc import Callable, Sequence
from typing import NoReturn, TypeVar

from outreach_planner.io.folder_lock import close_inherited_locks

T = TypeVar("T")

_JOB = struct.Struct("<H")
# Written whole before anyone reads: never more than the smallest pipe buffer Linux gives
# (one page), so the write never blocks and every read takes one whole job number.
_MAX_JOBS = 4096 // _JOB.size
_MAX_WORKERS = 8  # each helper's copy-on-write memory grows as it renders


def usable_cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    """True where forking this process now is safe (see the module's docstring)."""
    return (
        hasattr(os, "fork")
        and sys.platform != "darwin"
        and threading.active_count() == 1
        and multiprocessing.parent_process() is None
    )


def run_all(
    jobs: Sequence[Callable[[], T]], weights: Sequence[float], *, workers: int | None = None
) -> list[T]:
    """Every job's result, in the jobs' order; `workers` processes share them (None: one per
    usable core). A job must not raise (catch inside) and its result must pickle.
    Jobs start in decreasing `weight`, so a heavy one never starts last."""
    count = min(usable_cores() if workers is None else workers, len(jobs), _MAX_WORKERS)
    if count <= 1 or len(jobs) > _MAX_JOBS or not can_fork():
        return [job() for job in jobs]
    order = sorted(range(len(jobs)), key=lambda i: -weights[i])
    queue_r, queue_w = os.pipe()
    os.write(queue_w, b"".join(_JOB.pack(i) for i in order))
    os.close(queue_w)  # the pipe ends when it is empty: no process writes to it any more
    helpers: dict[int, int] = {}  # pid -> read end of its result pipe
    results: dict[int, T] = {}
    try:
        for _ in range(count - 1):
            result_r, result_w = os.pipe()
            try:
                pid = os.fork()
            except OSError:  # no memory or process slot for one more: the others share the work
                os.close(result_r)
                os.close(result_w)
                break
            if pid == 0:  # the helper: never returns
                os.close(result_r)
                for fd in helpers.values():
                    os.close(fd)
                _help(jobs, queue_r, result_w)
            os.close(result_w)
            helpers[pid] = result_r
        while (i := _take(queue_r)) is not None:
            results[i] = jobs[i]()
        for pid in list(helpers):
            results.update(_receive(helpers[pid]))
            os.close(helpers.pop(pid))
            os.waitpid(pid, 0)
    finally:
        os.close(queue_r)
        for pid, fd in helpers.items():  # only when this process is interrupted
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except OSError:  # already gone
                pass
            os.close(fd)
    # A job a dead helper took, or any it did not send, is done here.
    return [results[i] if i in results else jobs[i]() for i in range(len(jobs))]


def _take(queue: int) -> int | None:
    data = os.read(queue, _JOB.size)
    return _JOB.unpack(data)[0] if data else None


def _help(jobs: Sequence[Callable[[], object]], queue: int, out: int) -> NoReturn:
    code = 1
    try:
        close_inherited_locks()  # the parent's folder lock is the parent's alone
        parent = os.getppid()
        done = {}
        # Stop when the parent is gone: nobody would read the files.
        while os.getppid() == parent and (i := _take(queue)) is not None:
            done[i] = jobs[i]()
        with os.fdopen(out, "wb") as stream:
            pickle.dump(done, stream, protocol=pickle.HIGHEST_PROTOCOL)
        code = 0
    finally:
        # No exit handlers, no flushing of buffers inherited from the parent: those are its own.
        os._exit(code)


def _receive(fd: int) -> dict[int, T]:
    chunks = []
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    try:
        received = pickle.loads(b"".join(chunks))
    except Exception:  # a helper that died while sending: its jobs are done again
        return {}
    return received if isinstance(received, dict) else {}
