"""The nouns of the domain: villages, communes and the stops made from them."""

from __future__ import annotations

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


@dataclass(frozen=True)
class Commune:
    """A commune polygon with its census figures (drawn on maps, used to check villages)."""

    name: str
    geometry: BaseGeometry
    population: int | None = None
    households: int | None = None


@dataclass(frozen=True)
class Stop:
    """One loudspeaker position; every village in it lies within the audible radius.

    `programme_s` is the broadcast at this stop (every item in its villages'
    languages); `dwell_s` adds the setup: the whole time the vehicle stands here.
    """

    id: str
    name: str
    position: LonLat
    villages: tuple[Village, ...]
    programme_s: int = 0
    dwell_s: int = 0
    min_visits: int = 1

    @property
    def population(self) -> int:
        return sum(v.population for v in self.villages)

    @property
    def households(self) -> int:
        return sum(v.households for v in self.villages)

    @property
    def languages(self) -> tuple[str, ...]:
        """Languages spoken in the stop's villages, Vietnamese first."""
        seen: dict[str, None] = {}
        for v in self.villages:
            seen.update(dict.fromkeys(v.languages))
        return tuple(sorted(seen, key=lambda lang: (lang != "vi", lang)))

    @property
    def communes(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(v.commune for v in self.villages))
