"""What each run plays: programme items with `from`/`until` make a stop's dwell depend on the date.

The rota reserves every stop's longest dwell over the run dates, so a placed run still
fits on any of them; each run is then timed with the items valid on its own date.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Sequence

from outreach_planner.domain import Stop
from outreach_planner.programme import BroadcastProgramme
from outreach_planner.settings import Settings
from outreach_planner.travel import round_up

log = logging.getLogger("outreach_planner")

# Per stop: (broadcast seconds, dwell seconds rounded up to the timetable's step).
Dwell = tuple[tuple[int, int], ...]


def dwell_by_date(
    stops: Sequence[Stop],
    current: int,
    programme: BroadcastProgramme,
    settings: Settings,
    dates: Sequence[dt.date],
    step_s: int,
) -> dict[dt.date, Dwell]:
    """Each run date's broadcast and dwell per stop; empty when no item has a period.

    Only the first `current` stops play today's programme; the others (stops a
    previous plan had and the edits removed) keep their recorded dwell.
    """
    if not programme.dated:
        return {}
    table = {}
    for day in sorted(set(dates)):
        row = []
        for i, stop in enumerate(stops):
            if i < current:
                prog = programme.programme_s(stop.languages, day)
                dwell = settings.setup_s + prog + stop.extra_dwell_s
            else:
                prog, dwell = stop.programme_s, stop.dwell_s
            row.append((prog, int(round_up(dwell, step_s))))
        table[day] = tuple(row)
    _report_periods(programme, stops[:current], table)
    return table


def longest(stops: Sequence[Stop], table: dict[dt.date, Dwell]) -> tuple[Stop, ...]:
    """The stops with their longest broadcast and dwell over the run dates."""
    if not table:
        return tuple(stops)
    return tuple(
        dataclasses.replace(
            stop,
            programme_s=max(row[i][0] for row in table.values()),
            dwell_s=max(row[i][1] for row in table.values()),
        )
        for i, stop in enumerate(stops)
    )


def _report_periods(
    programme: BroadcastProgramme, stops: Sequence[Stop], table: dict[dt.date, Dwell]
) -> None:
    """Warn of items no run plays and of run dates with nothing to play at some stop."""
    days = sorted(table)
    for item in programme.items:
        if not any(item.plays_on(day) for day in days):
            period = f"{item.valid_from or '…'}..{item.valid_until or '…'}"
            log.warning("programme item %r (%s) is played on no run date", item.title, period)
    for day in days:
        silent = [s for s in stops if not programme.items_on(day, s.languages)]
        empty = sorted({"+".join(s.languages) for s in silent})
        if empty:
            log.warning("on %s the programme has no item for stops speaking %s: "
                        "they get the setup only", day, ", ".join(empty))  # fmt: skip


def run_items(
    programme: BroadcastProgramme, day: dt.date, stops: Sequence[Stop]
) -> tuple[tuple[str, str | None, int], ...]:
    """(title, language, seconds) of the items the run plays somewhere on `day`."""
    spoken = {lang for s in stops for lang in s.languages}
    return tuple(
        (i.title, i.language, round(i.duration_s)) for i in programme.items_on(day, spoken)
    )
