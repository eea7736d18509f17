"""The frozen settings record: every field with its documented default.

Every default cites its source in ``docs/domain.md`` (the figures the
project's domain notes collect); the shipped ``data/settings.toml`` repeats
them with comments so a planner can edit them. Reading and checking them is
`settings.load`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from outreach_planner.geo import LonLat

# What a run that falls on a day off does: not run, or run on the next working day.
ON_CLOSED_DAY = ("skip", "next_working_day")

# A loudspeaker vehicle's speed by OpenStreetMap highway class, km/h (docs/domain.md, estimates:
# national road 40-50, commune roads 25-35, dirt 10-20). A `*_link` takes its road's speed;
# a lower `maxspeed` tag wins; track and path count only when imported with tracks.
ROAD_SPEEDS_KMH: tuple[tuple[str, float], ...] = (
    ("motorway", 60.0),  # not in docs/domain.md: a van keeping to the slow lane (E)
    ("trunk", 45.0), ("primary", 45.0),  # national roads such as QL14
    ("secondary", 40.0), ("tertiary", 35.0),  # provincial and district roads
    ("unclassified", 30.0), ("residential", 30.0), ("road", 30.0),  # commune roads
    ("living_street", 20.0), ("service", 20.0),
    ("track", 15.0), ("path", 10.0),  # dirt
)  # fmt: skip


@dataclass(frozen=True)
class Depot:
    """Where every run starts and ends."""

    name: str
    position: LonLat
    estimated: bool = False


@dataclass(frozen=True)
class Settings:
    """Everything the planner needs besides the villages and the programme.

    Clock times are seconds after local midnight; durations are seconds.
    """

    depot: Depot
    start: dt.date | None = None  # None: the Monday after today
    weeks: int = 4
    # Twice a week (the district's rule); Tuesday and Friday spread the runs.
    weekdays: tuple[int, ...] = (1, 4)
    # Lâm Đồng office hours since 1 November 2025 (Đắk Song's province; docs/domain.md):
    # 07:30-11:30 and 13:30-17:30.
    work_start_s: int = 7 * 3600 + 30 * 60
    lunch_start_s: int = 11 * 3600 + 30 * 60
    lunch_end_s: int = 13 * 3600 + 30 * 60
    work_end_s: int = 17 * 3600 + 30 * 60
    # Days off besides Vietnam's public holidays, runs on other days, and what a run
    # that falls on a day off does (see days_off.py).
    closed_dates: tuple[dt.date, ...] = ()
    extra_dates: tuple[dt.date, ...] = ()
    on_closed_day: str = "skip"
    vehicles: int = 1
    # Commune roads 25-35 km/h (docs/domain.md, estimate); straight lines x 1.3 for road detours.
    speed_kmh: float = 30.0
    detour_factor: float = 1.3
    # Vehicle loudspeaker reaches about 300 m outdoors (docs/domain.md, estimate).
    audible_radius_m: float = 300.0
    # Setup at a stop 3-5 min (docs/domain.md, estimate).
    setup_s: int = 4 * 60
    # VOV news reading speed: 233 syllables per minute (docs/domain.md).
    reading_speed_spm: float = 233.0
    min_visits: int = 1
    # A stop is heard at most once a week unless the planner lowers this.
    min_days_between_visits: int = 7
    seed: int = 0
    timezone: str = "Asia/Ho_Chi_Minh"
    # Search effort is counted in solutions, not seconds, so a plan is reproducible;
    # the time cap only guards against a runaway search on a huge district.
    search_effort: int = 1200
    time_cap_s: float = 120.0
    # The routing engine under the periodic solver (README, Benchmarks, compares them).
    engine: str = "pyvrp"
    # The language of everything a person reads (outputs and terminal); --lang overrides.
    lang: str = "vi"
    villages: Path | None = None
    communes: Path | None = None  # None: no polygons, the villages' commune names are the communes
    programme: Path | None = None
    # A district folder's name (`init`): its settings file names all its own data and
    # never takes Đắk Song's villages, communes or depot.
    district: str | None = None
    stops: Path | None = None  # an edited stop list; None: stops made from the villages
    # An OpenStreetMap extract (or its prepared cache): drive on real roads instead of
    # straight lines. Stops farther than `max_snap_m` from any road are warned about.
    roads: Path | None = None
    road_speeds_kmh: tuple[tuple[str, float], ...] = ROAD_SPEEDS_KMH
    max_snap_m: float = 1000.0

    @property
    def speed_mps(self) -> float:
        return self.speed_kmh * 1000.0 / 3600.0

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def road_speeds(self) -> dict[str, float]:
        """km/h by highway class."""
        return dict(self.road_speeds_kmh)

    def start_date(self, today: dt.date | None = None) -> dt.date:
        """The first day of the horizon: the setting, or the Monday after today."""
        if self.start is not None:
            return self.start
        today = today or dt.date.today()
        return today + dt.timedelta(days=7 - today.weekday())

    def replace(self, **changes: Any) -> Settings:
        """A copy with some fields changed, checked like a loaded file."""
        # Imported here: the rules live with the reader, which builds on this record.
        from outreach_planner.settings.load import check_settings

        new = dataclasses.replace(self, **changes)
        check_settings(new)
        return new
