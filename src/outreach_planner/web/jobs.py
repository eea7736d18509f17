"""Re-plans run as background jobs with a state the page polls (the Timefold
quickstarts' way): a request never blocks on the optimizer."""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from outreach_planner.errors import InfeasibleError, InputError

ProgressCallback = Callable[[str, int, int], None]
# The work of a job: given a progress callback, return its result (JSON values).
Work = Callable[[ProgressCallback], dict[str, Any]]


class Cancelled(Exception):
    """Raised inside the job's own thread, from its progress callback, after a cancel."""


@dataclass
class Job:
    id: str
    state: str = "running"  # running | done | failed | cancelled
    phase: str = ""
    done: int = 0
    total: int = 0
    started: float = field(default_factory=time.monotonic)
    finished: float | None = None
    result: dict[str, Any] | None = None
    error: str | None = None
    cancel_requested: bool = False

    def to_json(self) -> dict[str, Any]:
        end = self.finished if self.finished is not None else time.monotonic()
        return {
            "id": self.id,
            "state": self.state,
            "progress": {"phase": self.phase, "done": self.done, "total": self.total},
            "elapsed_s": round(end - self.started, 1),
            "diff": (self.result or {}).get("diff"),
            "summary": (self.result or {}).get("summary"),
            "not_written": (self.result or {}).get("not_written", []),
            "error": self.error,
        }


class JobRunner:
    """At most one job at a time; finished jobs stay readable by id."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._jobs: dict[str, Job] = {}
        self._threads: dict[str, threading.Thread] = {}

    def running(self) -> Job | None:
        with self._lock:
            return next((j for j in self._jobs.values() if j.state == "running"), None)

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def start(self, work: Work, *, on_end: Callable[[], None] | None = None) -> Job:
        job = Job(secrets.token_hex(6))

        def progress(phase: str, done: int, total: int) -> None:
            if job.cancel_requested:
                raise Cancelled()
            job.phase, job.done, job.total = phase, done, total

        def body() -> None:
            try:
                result = work(progress)
                if job.cancel_requested:
                    raise Cancelled()
                job.result, job.state = result, "done"
            except Cancelled:
                job.state = "cancelled"
            except Exception as exc:  # reported on the page; the server goes on
                job.error = _message(exc)
                job.state = "failed"
            finally:
                job.finished = time.monotonic()
                if on_end is not None:
                    on_end()

        thread = threading.Thread(target=body, name=f"replan-{job.id}", daemon=True)
        with self._lock:
            self._jobs[job.id] = job
            self._threads[job.id] = thread
        thread.start()
        return job

    def cancel(self, job_id: str) -> Job | None:
        job = self.get(job_id)
        if job is not None and job.state == "running":
            job.cancel_requested = True
        return job

    def wait(self, job_id: str, timeout_s: float) -> None:
        thread = self._threads.get(job_id)
        if thread is not None:
            thread.join(timeout_s)


def _message(exc: Exception) -> str:
    if isinstance(exc, InputError):
        return "\n".join(str(p) for p in exc.problems)
    if isinstance(exc, InfeasibleError):
        return f"no feasible plan: {exc}"
    return internal_error(exc)


def internal_error(exc: BaseException) -> str:
    """The one line a bug gives, with where its details went (as the command line does)."""
    import traceback

    from outreach_planner import __version__
    from outreach_planner.error_log import write_error_log

    text = "".join(traceback.format_exception(exc))
    try:
        where = f"details in {write_error_log(text, version=__version__)}"
    except OSError as err:
        where = f"the error log could not be written: {err.strerror}"
    return f"internal error: {type(exc).__name__}: {exc} ({where})"
