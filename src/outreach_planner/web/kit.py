"""One zip of a week's driver kit: each run's route sheet (PDF), map (HTML) and GPX, with
the week overview, the calendar and the timetable, for a phone or a USB stick."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

_RUN_FILE = re.compile(r"^run-(\d{4}-\d{2}-\d{2})(-\d+)?\.(pdf|html|gpx)$")
SHARED_FILES = ("week-overview.pdf", "calendar.ics", "schedule.csv", "index.html")


def week_kit(out: Path, monday: dt.date) -> tuple[bytes, int]:
    """The zip's bytes and how many run files it holds (0: the week has no run).

    Entries carry the date of the week's Monday, not the clock: the same outputs give
    the same zip."""
    end = monday + dt.timedelta(days=7)
    runs = []
    for path in sorted(out.iterdir()) if out.is_dir() else []:
        m = _RUN_FILE.match(path.name)
        if m and monday <= dt.date.fromisoformat(m[1]) < end:
            runs.append(path)
    buf = io.BytesIO()
    stamp = (monday.year, monday.month, monday.day, 0, 0, 0)
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for path in [*runs, *(out / name for name in SHARED_FILES)]:
            if path.is_file():
                info = zipfile.ZipInfo(path.name, date_time=stamp)
                info.compress_type = zipfile.ZIP_DEFLATED
                z.writestr(info, path.read_bytes())
    return buf.getvalue(), len(runs)
