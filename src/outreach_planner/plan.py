"""The result every renderer reads: runs of timed visits, and what could not be placed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from outreach_planner.capacity import Capacity
from outreach_planner.days_off import MovedDate, SkippedDate
from outreach_planner.domain import Commune, Stop, Village
from outreach_planner.geo import LonLat
from outreach_planner.settings import Settings


@dataclass(frozen=True)
class Leg:
    """The drive into a visit (or back to the depot)."""

    distance_m: int
    travel_s: int
    # The positions driven through, from the previous place to this one, when the plan
    # drove on roads; None for a straight-line leg.
    path: tuple[LonLat, ...] | None = None


@dataclass(frozen=True)
class Visit:
    """A stop on a run. Broadcast runs from `start` to `end`; setup comes before it."""

    stop: Stop
    arrival: dt.datetime
    start: dt.datetime
    end: dt.datetime
    depart: dt.datetime
    leg: Leg  # from the previous place (depot or stop)
    programme_s: int | None = None  # this run's broadcast here; None: the stop's

    @property
    def broadcast_s(self) -> int:
        return self.stop.programme_s if self.programme_s is None else self.programme_s


@dataclass(frozen=True)
class Run:
    date: dt.date
    vehicle: int
    depart: dt.datetime  # leaves the depot
    back: dt.datetime  # returns to the depot
    visits: tuple[Visit, ...]
    leg_back: Leg
    lunch: tuple[dt.datetime, dt.datetime] | None
    # The programme items this run plays: (title, language or None for all, seconds).
    items: tuple[tuple[str, str | None, int], ...] = ()

    @property
    def key(self) -> str:
        """'2026-12-01' or '2026-12-01-2' for a second vehicle: file names and ids."""
        return self.date.isoformat() + (f"-{self.vehicle}" if self.vehicle > 1 else "")

    @property
    def people(self) -> int:
        return sum(v.stop.population for v in self.visits)

    @property
    def driving_s(self) -> int:
        return sum(v.leg.travel_s for v in self.visits) + self.leg_back.travel_s

    @property
    def distance_m(self) -> int:
        return sum(v.leg.distance_m for v in self.visits) + self.leg_back.distance_m

    @property
    def broadcasting_s(self) -> int:
        return sum(v.broadcast_s for v in self.visits)

    @property
    def duty_s(self) -> int:
        """Team time out: depot to depot, less the lunch break."""
        total = (self.back - self.depart).total_seconds()
        if self.lunch:
            total -= (self.lunch[1] - self.lunch[0]).total_seconds()
        return int(total)


@dataclass(frozen=True)
class Unassigned:
    stop: Stop
    missing_visits: int
    reason: str  # in English, with its figures
    code: str = "no_time"  # stable, see docs/plan-json.md; labels.py words it per language
    figures: tuple[tuple[str, int], ...] = ()  # what the reason quotes, by name


@dataclass(frozen=True)
class RoadsUsed:
    """The road network a plan drove on."""

    source: str  # file name of the OpenStreetMap extract (or of its cache)
    snap_m: tuple[int, ...]  # metres from the depot (first), then each stop, to its road
    attribution: str = "© OpenStreetMap contributors"


@dataclass(frozen=True)
class Plan:
    settings: Settings
    start: dt.date
    stops: tuple[Stop, ...]
    runs: tuple[Run, ...]
    unassigned: tuple[Unassigned, ...]
    communes: tuple[Commune, ...]
    programme_title: str
    travel_model: str
    roads: RoadsUsed | None = None  # set when travel_model is "roads"
    skipped_dates: tuple[SkippedDate, ...] = ()  # usual run dates that were days off
    moved_dates: tuple[MovedDate, ...] = ()  # ... and those whose run moved later that week
    # Verified changes that would fit the stops short of time (capacity.py); None: none is.
    capacity: Capacity | None = None

    @property
    def estimated(self) -> tuple[str, ...]:
        """What of the plan's data is estimated: "villages" (positions and head counts of
        the villages of its stops) and "depot"; empty when every figure is real."""
        parts = []
        if any(v.estimated for s in self.stops for v in s.villages):
            parts.append("villages")
        if self.settings.depot.estimated:
            parts.append("depot")
        return tuple(parts)

    def needs_placement(self) -> tuple[Village, ...]:
        """The villages still at their commune's centre (`villages import` found no
        position), which someone must move to where they are."""
        return tuple(v for s in self.stops for v in s.villages if v.needs_placement)

    def visits_of(self, stop_id: str) -> int:
        return sum(1 for run in self.runs for v in run.visits if v.stop.id == stop_id)

    def coverage_by_commune(self) -> list[dict[str, object]]:
        """Per commune (the villages' commune names, polygons or not): its villages and
        people, and those in stops visited at least once."""
        visited = {v.stop.id for r in self.runs for v in r.visits}
        later: dict[str, str | None] = {}
        counts: dict[str, list[int]] = {}  # villages, visited, people, reached
        for s in self.stops:
            for v in s.villages:
                later.setdefault(v.commune, v.commune_2025)
                row = counts.setdefault(v.commune, [0, 0, 0, 0])
                reached = s.id in visited
                row[0] += 1
                row[1] += reached
                row[2] += v.population
                row[3] += v.population if reached else 0
        return [
            {
                "commune": name,
                "commune_2025": later[name],
                "villages": n,
                "villages_visited": k,
                "people": people,
                "people_reached": reached,
            }  # fmt: skip
            for name, (n, k, people, reached) in sorted(counts.items())
        ]

    def summary(self) -> dict[str, float | int]:
        """Totals for the terminal and plan.json."""
        duty_h = sum(r.duty_s for r in self.runs) / 3600
        people = sum(r.people for r in self.runs)
        return {
            "runs": len(self.runs),
            "visits": sum(len(r.visits) for r in self.runs),
            "stops": len(self.stops),
            "stops_visited": len({v.stop.id for r in self.runs for v in r.visits}),
            "people_reached": people,
            "distinct_people_reached": sum(
                s.population for s in self.stops if self.visits_of(s.id)
            ),
            "driving_h": round(sum(r.driving_s for r in self.runs) / 3600, 2),
            "broadcasting_h": round(sum(r.broadcasting_s for r in self.runs) / 3600, 2),
            "duty_h": round(duty_h, 2),
            "distance_km": round(sum(r.distance_m for r in self.runs) / 1000, 1),
            "people_per_duty_hour": round(people / duty_h, 1) if duty_h else 0.0,
            "unassigned": len(self.unassigned),
        }
