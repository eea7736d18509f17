"""Atomic replacement of one file: a temporary file in the same folder, then one rename.

A failure or a kill while writing leaves the previous file whole: the rename is
the only step that changes what a reader sees. A set of files that must change
together goes through io/output_set.py instead.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from outreach_planner.io.output_set import stage


def write_atomic(path: Path, data: bytes) -> None:
    """Replace `path` with `data` all at once."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = stage(path, data)
    try:
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
