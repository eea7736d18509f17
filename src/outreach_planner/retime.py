"""Re-time one run for an order of stops chosen by hand, without optimizing.

The clock arithmetic is `optimize.schedule`'s, the timetable `plan` prints; where
`time_run` only says that a run does not fit, this says what breaks and why (a
window, the end of the shift, a pin, the gap between visits), and goes on timing
the rest of the run so a planner sees every problem at once. A run with no
problem is exactly one `time_run` accepts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from outreach_planner.domain import Stop
from outreach_planner.errors import InputError, Problem
from outreach_planner.optimize.problem import Shift
from outreach_planner.optimize.schedule import drive_end, dwell_start
from outreach_planner.parse import clock
from outreach_planner.planner import TIME_STEP_S, _road_matrix, _window
from outreach_planner.settings import Settings
from outreach_planner.travel import TravelMatrix, round_up, straight_line_matrix


@dataclass(frozen=True)
class Breach:
    """One thing a hand-made order breaks: `code` names the rule, `values` its figures."""

    seq: int  # 1-based position in the run; 0 for the run as a whole
    stop_id: str
    code: str  # "window" | "shift_end" | "return_late" | "pin" | "disabled" | "gap"
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def message(self) -> str:
        v = self.values
        texts = {
            "window": f"broadcast ends at {v.get('end')}, after the stop's latest "
            f"{v.get('latest')}",
            "shift_end": f"broadcast ends at {v.get('end')}, after the shift ends "
            f"({v.get('shift_end')})",
            "return_late": f"back at the depot at {v.get('back')}, after the shift ends "
            f"({v.get('shift_end')})",
            "pin": f"the stop is pinned to {v.get('pins')}",
            "disabled": "the stop is disabled",
            "gap": f"the stop is also visited on {v.get('other')}, closer than "
            f"{v.get('min_days')} days",
        }
        return texts[self.code]


@dataclass(frozen=True)
class RetimedVisit:
    stop: Stop
    arrival_s: int
    start_s: int  # broadcast start (after setup)
    end_s: int
    depart_s: int
    travel_s: int
    distance_m: int


@dataclass(frozen=True)
class RetimedRun:
    date: dt.date
    vehicle: int
    visits: tuple[RetimedVisit, ...]
    depart_s: int
    back_s: int
    lunch: tuple[int, int] | None
    breaches: tuple[Breach, ...]

    @property
    def fits(self) -> bool:
        return not self.breaches

    def to_json(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "vehicle": self.vehicle,
            "depart": clock(self.depart_s),
            "return": clock(self.back_s),
            "lunch": [clock(self.lunch[0]), clock(self.lunch[1])] if self.lunch else None,
            "fits": self.fits,
            "visits": [
                {
                    "seq": n,
                    "stop_id": v.stop.id,
                    "stop_name": v.stop.name,
                    "arrival": clock(v.arrival_s),
                    "start": clock(v.start_s),
                    "end": clock(v.end_s),
                    "depart": clock(v.depart_s),
                    "travel_s": v.travel_s,
                    "distance_m": v.distance_m,
                    "population": v.stop.population,
                }
                for n, v in enumerate(self.visits, start=1)
            ],
            "problems": [
                {
                    "seq": b.seq,
                    "stop_id": b.stop_id,
                    "code": b.code,
                    **b.values,
                    "message": b.message,
                }
                for b in self.breaches
            ],  # fmt: skip
        }


def shift_of(settings: Settings) -> Shift:
    return Shift(
        settings.work_start_s, settings.lunch_start_s, settings.lunch_end_s, settings.work_end_s
    )


def run_matrix(settings: Settings, stops: Sequence[Stop]) -> TravelMatrix:
    """Travel between the depot (index 0) and `stops`, as `plan` measures it."""
    if settings.roads is not None:
        return _road_matrix(settings, stops)[0]
    return straight_line_matrix(
        [settings.depot.position, *(s.position for s in stops)],
        speed_kmh=settings.speed_kmh,
        detour_factor=settings.detour_factor,
        step_s=TIME_STEP_S,
    )


def retime_run(
    settings: Settings,
    date: dt.date,
    vehicle: int,
    order: Sequence[Stop],
    *,
    other_visits: Mapping[str, Sequence[dt.date]] | None = None,
) -> RetimedRun:
    """Time `order` (stops with their dwell) on `date`; `other_visits` are the dates of
    each stop's visits in the other runs, to check the gap between visits."""
    ids = [s.id for s in order]
    if len(set(ids)) != len(ids):
        dup = next(i for i in ids if ids.count(i) > 1)
        raise InputError(Problem("request", "", "order", dup, "each stop at most once in a run"))
    shift = shift_of(settings)
    matrix = run_matrix(settings, order)
    breaches: list[Breach] = []
    t, here = shift.start_s, 0
    visits: list[RetimedVisit] = []
    for seq, stop in enumerate(order, start=1):
        node = seq
        travel = int(matrix.travel_s[here, node])
        arrival = drive_end(t, travel, shift)
        dwell = int(round_up(stop.dwell_s, TIME_STEP_S))
        window = _window(stop, settings)
        begin = dwell_start(max(arrival, window[0]) if window else arrival, dwell, shift)
        end = begin + dwell
        if window and end > window[1]:
            breaches.append(
                Breach(seq, stop.id, "window", {"end": clock(end), "latest": clock(window[1])})
            )
        if end > shift.end_s:
            breaches.append(
                Breach(seq, stop.id, "shift_end",
                       {"end": clock(end), "shift_end": clock(shift.end_s)})
            )  # fmt: skip
        breaches.extend(_rule_breaches(seq, stop, date, settings, other_visits or {}))
        visits.append(
            RetimedVisit(stop, arrival, begin + settings.setup_s, end, end, travel,
                         int(matrix.distance_m[here, node]))
        )  # fmt: skip
        t, here = end, node
    back = drive_end(t, int(matrix.travel_s[here, 0]), shift)
    if back > shift.end_s:
        breaches.append(
            Breach(0, "", "return_late", {"back": clock(back), "shift_end": clock(shift.end_s)})
        )
    lunch = (shift.lunch_start_s, shift.lunch_end_s) if back > shift.lunch_start_s else None
    return RetimedRun(date, vehicle, tuple(visits), shift.start_s, back, lunch, tuple(breaches))


def _rule_breaches(
    seq: int,
    stop: Stop,
    date: dt.date,
    settings: Settings,
    other_visits: Mapping[str, Sequence[dt.date]],
) -> list[Breach]:
    out = []
    if not stop.enabled:
        out.append(Breach(seq, stop.id, "disabled"))
    if not stop.allows(date):
        from outreach_planner.parse import WEEKDAYS

        pins = [WEEKDAYS[d] for d in stop.pin_weekdays] + [d.isoformat() for d in stop.pin_dates]
        out.append(Breach(seq, stop.id, "pin", {"pins": ", ".join(pins)}))
    gap = max(settings.min_days_between_visits, 1)  # as the rota counts it
    for other in other_visits.get(stop.id, ()):
        if abs((other - date).days) < gap:
            out.append(Breach(seq, stop.id, "gap", {"other": other.isoformat(), "min_days": gap}))
            break
    return out
