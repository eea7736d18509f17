"""Atomic file writes: temporary files in the same folder, then one rename each.

A failure or a kill while writing leaves the previous files whole: a rename is
the only step that changes what a reader sees.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

_TMP_SUFFIX = ".tmp"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _stage(path: Path, data: bytes) -> Path:
    """Write `data` to a fsynced temporary file beside `path`; return its path."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=_TMP_SUFFIX, dir=path.parent)
    try:
        # mkstemp makes the file private (0600); give it the mode a plain open() would.
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return Path(tmp)


def _sync_dir(folder: Path) -> None:
    # Makes the renames themselves survive a power cut (POSIX; a no-op where unsupported).
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_atomic(path: Path, data: bytes) -> None:
    """Replace `path` with `data` all at once."""
    write_all_atomic({path: data})


def write_all_atomic(files: dict[Path, bytes]) -> None:
    """Replace several files: every one is staged in full before the first rename.

    A failure while staging changes nothing a reader sees; the renames that
    follow take microseconds, in the order given (put the index file last).
    """
    staged: list[tuple[Path, Path]] = []
    try:
        for path, data in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            staged.append((_stage(path, data), path))
    except BaseException:
        for tmp, _ in staged:
            with contextlib.suppress(OSError):
                tmp.unlink()
        raise
    for tmp, path in staged:
        os.replace(tmp, path)
    for folder in {path.parent for path in files}:
        _sync_dir(folder)


def remove_stale_temporaries(folder: Path) -> None:
    """Delete temporary files a killed run left behind (they are never read)."""
    if not folder.is_dir():
        return
    for entry in folder.iterdir():
        if entry.name.startswith(".") and entry.name.endswith(_TMP_SUFFIX) and entry.is_file():
            with contextlib.suppress(OSError):
                entry.unlink()
