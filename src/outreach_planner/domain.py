"""The nouns of the domain: villages, communes and the stops made from them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from shapely.geometry.base import BaseGeometry

from outreach_planner.geo import LonLat


@dataclass(frozen=True)
class Village:
    """A thôn, bon or tổ dân phố: the people one loudspeaker position may reach."""

    id: str
    name: str
    commune: str
    position: LonLat
    households: int
    population: int
    languages: tuple[str, ...] = ("vi",)
    estimated: bool = False
    # How the position was found (`villages import`): sheet, osm, geocoder, or commune
    # (the commune's centre, a placeholder someone must move); None for a hand-made file.
    placement: str | None = None
    commune_2025: str | None = None  # the commune it is part of since 1 July 2025

    @property
    def needs_placement(self) -> bool:
        return self.placement == "commune"


@dataclass(frozen=True)
class Commune:
    """A commune polygon with its census figures (drawn on maps, used to check villages)."""

    name: str
    geometry: BaseGeometry
    population: int | None = None
    households: int | None = None
    code: str | None = None  # the GSO code, e.g. "24717"
    full_name: str | None = None  # "Thị trấn Đức An"
    commune_2025: str | None = None  # the commune it became part of on 1 July 2025


@dataclass(frozen=True)
class Stop:
    """One loudspeaker position; every village in it lies within the audible radius.

    `programme_s` is the broadcast at this stop (every item in its villages'
    languages); `dwell_s` adds the setup and any extra minutes the planner
    asked for: the whole time the vehicle stands here.

    The fields after `min_visits` are the planner's adjustments from the
    editable stop list; their defaults mean "no adjustment".
    """

    id: str
    name: str
    position: LonLat
    villages: tuple[Village, ...]
    programme_s: int = 0
    dwell_s: int = 0
    min_visits: int = 1
    enabled: bool = True
    priority: float = 1.0  # each person here counts this many times in the objective
    pin_weekdays: tuple[int, ...] = ()  # visits only on these weekdays (0 = Monday)
    pin_dates: tuple[dt.date, ...] = ()  # visits only on these dates
    earliest_s: int | None = None  # broadcast starts at or after (seconds after midnight)
    latest_s: int | None = None  # broadcast ends at or before
    extra_dwell_s: int = 0
    notes: str = ""
    people_override: int | None = None  # the planner's head count (a market, a new hamlet)
    # Visits a re-plan must keep: (date, vehicle) of runs locked with this stop.
    locked: tuple[tuple[dt.date, int], ...] = ()

    @property
    def population(self) -> int:
        """People the loudspeaker reaches here: the planner's figure, or the villages'."""
        if self.people_override is not None:
            return self.people_override
        return sum(v.population for v in self.villages)

    def allows(self, date: dt.date) -> bool:
        """Whether a visit on `date` respects the stop's pins."""
        if self.pin_dates and date not in self.pin_dates:
            return False
        return not self.pin_weekdays or date.weekday() in self.pin_weekdays

    @property
    def households(self) -> int:
        return sum(v.households for v in self.villages)

    @property
    def languages(self) -> tuple[str, ...]:
        """Languages spoken in the stop's villages, Vietnamese first (Vietnamese alone
        for a stop without villages, such as a market)."""
        if not self.villages:
            return ("vi",)
        seen: dict[str, None] = {}
        for v in self.villages:
            seen.update(dict.fromkeys(v.languages))
        return tuple(sorted(seen, key=lambda lang: (lang != "vi", lang)))

    @property
    def communes(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(v.commune for v in self.villages))
