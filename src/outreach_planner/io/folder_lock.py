"""One writer at a time in an output folder, across processes and threads.

The lock is the operating system's lock on a hidden file in the folder
(`fcntl.flock` on POSIX, `msvcrt.locking` on Windows): it is released when its
holder ends, however it ends, so a killed run never leaves a stale lock behind.
The file itself stays, empty (deleting it would let two runs lock two different files).
The lock is reentrant within a thread, so a caller may hold it across reading
the previous plan and writing the new one while `write_outputs` takes it again.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

LOCK_NAME = ".outreach-planner.lock"
log = logging.getLogger("outreach_planner")

_guard = threading.Lock()
_thread_locks: dict[str, threading.RLock] = {}
_held: dict[str, tuple[int, int]] = {}  # folder -> (lock file descriptor, depth)
_BUSY = {errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK, errno.EDEADLK}


def _try_lock(fd: int) -> bool | None:
    """True when locked, False when another process holds it, None when unsupported."""
    try:
        import fcntl
    except ImportError:
        fcntl = None  # type: ignore[assignment]
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        return True
    except ImportError:
        return None
    except OSError as exc:
        if exc.errno in _BUSY:
            return False
        if exc.errno in (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS):
            return None
        raise


def _unlock(fd: int) -> None:
    with contextlib.suppress(ImportError, OSError):
        try:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_UN)
        except ImportError:
            import msvcrt

            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]


def _acquire(folder: Path, on_wait: Callable[[str], None] | None, poll_s: float) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(folder / LOCK_NAME, flags, 0o644)
    try:
        told = False
        while True:
            locked = _try_lock(fd)
            if locked is None:  # a file system without locks (some network shares)
                log.warning("%s: cannot lock this folder; runs into it must not overlap", folder)
                break
            if locked:
                break
            if not told and on_wait is not None:
                on_wait(f"another outreach-planner run is writing to {folder}; waiting for it")
                told = True
            time.sleep(poll_s)
    except BaseException:
        os.close(fd)
        raise
    return fd


@contextlib.contextmanager
def output_lock(
    folder: Path, *, on_wait: Callable[[str], None] | None = None, poll_s: float = 0.2
) -> Iterator[None]:
    """Hold the folder's lock; if another run holds it, call `on_wait` once and wait."""
    key = os.path.abspath(folder)
    with _guard:
        thread_lock = _thread_locks.setdefault(key, threading.RLock())
    with thread_lock:
        fd, depth = _held.get(key, (-1, 0))
        if depth == 0:
            fd = _acquire(folder, on_wait, poll_s)
        _held[key] = (fd, depth + 1)
        try:
            yield
        finally:
            fd, depth = _held.pop(key)
            if depth > 1:
                _held[key] = (fd, depth - 1)
            else:
                _unlock(fd)
                os.close(fd)


def close_inherited_locks() -> None:
    """In a forked child: close the lock files it inherited, without unlocking them.

    The lock stays with the parent (unlocking any copy would free it for everyone), and
    a child that outlives a killed parent does not keep the folder locked.
    """
    for fd, _ in _held.values():
        with contextlib.suppress(OSError):
            os.close(fd)
    _held.clear()
