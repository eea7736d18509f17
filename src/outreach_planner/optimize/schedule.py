"""Schedule arithmetic: the exact times of a run for a given order of stops.

The rule: the team neither drives nor broadcasts during lunch, and nothing
runs past the end of the shift. A drive that reaches lunch pauses for it (the
team stops for lunch on the way) and goes on after; a stop's dwell (setup and
broadcast) is never split, so one that cannot end before lunch starts after
it. Every time is as early as the rule allows.

This is the single source of the timetable; the routing engine's model is
built so that a route it accepts is feasible here too (see `Shift.dwell_spans` and `rota`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from outreach_planner.optimize.problem import Shift


@dataclass(frozen=True)
class TimedVisit:
    """Seconds after midnight: arrival, dwell start/end (setup + broadcast), departure."""

    node: int  # matrix index (depot = 0)
    arrival_s: int
    dwell_start_s: int
    dwell_end_s: int
    depart_s: int


@dataclass(frozen=True)
class TimedRun:
    visits: tuple[TimedVisit, ...]
    depart_depot_s: int
    return_s: int
    lunch: tuple[int, int] | None  # when the team is on lunch, if inside the run


def dwell_start(arrival: int, dwell: int, shift: Shift) -> int:
    """Earliest start >= `arrival` of a dwell of `dwell` seconds that avoids lunch."""
    # A lunch of no length is no lunch: nothing to keep a dwell out of.
    lunch = shift.lunch_end_s > shift.lunch_start_s
    straddles = arrival < shift.lunch_end_s and arrival + dwell > shift.lunch_start_s
    if lunch and dwell > 0 and straddles:
        return shift.lunch_end_s
    return arrival


def drive_end(leave: int, travel: int, shift: Shift) -> int:
    """Arrival of a drive of `travel` seconds begun at `leave`, paused over lunch."""
    if travel > 0 and leave < shift.lunch_end_s and leave + travel > shift.lunch_start_s:
        driven_before = max(0, shift.lunch_start_s - leave)
        return shift.lunch_end_s + travel - driven_before
    return leave + travel


def time_run(
    nodes: Sequence[int],
    *,
    dwell_s: Sequence[int],
    travel_s: np.ndarray,
    shift: Shift,
    windows: Mapping[int, tuple[int, int]] | None = None,
) -> TimedRun | None:
    """Time a run depot -> nodes -> depot; None when it ends after the shift.

    `nodes` are matrix indices; `dwell_s[node]` is the dwell there;
    `windows[node]`, when given, is (earliest dwell start, latest dwell end):
    the team waits for the first and must be done by the second.
    """
    t = shift.start_s
    here = 0
    visits: list[TimedVisit] = []
    for node in nodes:
        arrival = drive_end(t, int(travel_s[here, node]), shift)
        dwell = int(dwell_s[node])
        window = windows.get(node) if windows else None
        begin = dwell_start(max(arrival, window[0]) if window else arrival, dwell, shift)
        if begin + dwell > shift.end_s or (window and begin + dwell > window[1]):
            return None
        # The team leaves as soon as the broadcast ends.
        visits.append(TimedVisit(node, arrival, begin, begin + dwell, begin + dwell))
        t, here = begin + dwell, node
    back = drive_end(t, int(travel_s[here, 0]), shift)
    if back > shift.end_s:
        return None
    return TimedRun(
        visits=tuple(visits),
        depart_depot_s=shift.start_s,
        return_s=back,
        lunch=(shift.lunch_start_s, shift.lunch_end_s) if back > shift.lunch_start_s else None,
    )
