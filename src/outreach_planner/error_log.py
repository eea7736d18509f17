"""Where an internal error's details go: a private file in the user's own state folder.

Never a fixed name in the shared temp folder, where another user could plant a
link and have the next crash write through it. The log is written to a fresh
private file (O_EXCL, mode 0600) and renamed over the previous log: a rename
replaces a link, it never follows one.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

APP = "outreach-planner"


def log_folder() -> Path:
    """The user's log folder for this tool (as platformdirs' user_log_dir would pick it)."""
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / APP / "Logs"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Logs" / APP
    state = os.environ.get("XDG_STATE_HOME", "")
    base = Path(state) if os.path.isabs(state) else Path.home() / ".local" / "state"
    return base / APP


def write_error_log(text: str, *, version: str) -> Path:
    """Write `text` (a traceback) as the latest error log; return its path.

    Raises OSError when it cannot be written; the caller says so in one line.
    """
    folder = log_folder()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = folder / "error.log"
    fd, tmp = tempfile.mkstemp(prefix=".error.", suffix=".log", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(f"{dt.datetime.now().isoformat()} {APP} {version}\n{text}")
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return path
