"""Reading an input file: a regular file only, and only up to a size.

A path may name a FIFO (reading it waits for a writer that never comes), a
device such as /dev/zero (endless bytes), or a file far larger than any input
of this tool; each is bad input, said in one line, never a hang or a crash.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

MB = 1024 * 1024


class NotAnInputFile(ValueError):
    """The path is not a regular file of an acceptable size; str() says what was expected."""


def read_input_bytes(path: Path, *, limit: int) -> bytes:
    """The bytes of the regular file at `path`, at most `limit` of them.

    Raises OSError (FileNotFoundError, PermissionError, ...) as open() does, and
    NotAnInputFile for anything but a regular file of at most `limit` bytes.
    """
    # Non-blocking, so that opening a FIFO returns at once instead of waiting for a writer.
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    with os.fdopen(fd, "rb") as f:
        info = os.fstat(f.fileno())
        if not stat.S_ISREG(info.st_mode):
            kind = "a folder" if stat.S_ISDIR(info.st_mode) else "a pipe or device"
            raise NotAnInputFile(f"a regular file (this is {kind})")
        data = f.read(limit + 1)
    if len(data) > limit:
        raise NotAnInputFile(f"a file of at most {limit // MB} MB")
    return data
