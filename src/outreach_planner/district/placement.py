"""Placing villages the sheet gives no coordinates for: by name among an extract's places,
then (online only) by a geocoder, else at the commune's centre, marked as needing placement.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from outreach_planner.district.names import bare_key, village_key
from outreach_planner.district.osm_places import OsmPlace
from outreach_planner.errors import InputError, Problem
from outreach_planner.geo import LonLat
from outreach_planner.io.atomic import write_atomic

log = logging.getLogger("outreach_planner")

# Commune polygons are low-resolution (vietnam63): a real place this close outside
# its commune's polygon still belongs to it.
COMMUNE_TOLERANCE_M = 2000.0
_M_PER_DEG = 111_320.0
# Nominatim's usage policy: at most one request a second.
GEOCODER_DELAY_S = 1.0


@dataclass(frozen=True)
class Placed:
    position: LonLat
    how: str  # osm, geocoder, commune
    match: str | None  # what it was matched with
    distance_m: float | None  # how far that lies outside its commune (0 inside)


def outside_m(area: BaseGeometry | None, position: LonLat) -> float:
    """Metres from `position` to `area` (0 inside; an approximation good to ~1 % here)."""
    if area is None:
        return 0.0
    return float(area.distance(Point(position.lon, position.lat))) * _M_PER_DEG


def places_in(area: BaseGeometry | None, places: Sequence[OsmPlace]) -> list[OsmPlace]:
    """The places inside `area` or within the tolerance of it (all of them without one)."""
    return [p for p in places if outside_m(area, p.position) <= COMMUNE_TOLERANCE_M]


def match_place(
    name: str, candidates: Sequence[OsmPlace], *, sibling_names: Sequence[str]
) -> OsmPlace | None:
    """The one place whose name is this village's, ignoring diacritics, case, kind and numerals.

    "Thôn III" matches "thôn 3" first; without its kind ("Thôn 3" against a place
    named "3") only when neither the commune's villages nor the places leave a doubt.
    """
    full = village_key(name)
    exact = [p for p in candidates if any(village_key(n) == full for n in p.names)]
    if len(exact) == 1:
        return exact[0]
    if exact:
        return None
    bare = bare_key(name)
    if not bare or sum(1 for s in sibling_names if bare_key(s) == bare) > 1:
        return None
    loose = [p for p in candidates if any(bare_key(n) == bare for n in p.names)]
    return loose[0] if len(loose) == 1 else None


Geocoder = Callable[[str], tuple[float, float, str] | None]  # query -> (lon, lat, address)


class CachedGeocoder:
    """Nominatim (geopy) behind a file cache; at most one request a second.

    Answers, misses included, are kept in the cache file, so importing the same
    sheet again asks nothing.
    """

    def __init__(self, cache: Path, ask: Geocoder | None = None):
        self.cache = cache
        self._ask = ask
        self._last = 0.0
        self.asked = 0
        self.known: dict[str, list | None] = {}
        if cache.is_file():
            try:
                self.known = json.loads(cache.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                log.warning("geocoder cache %s is unreadable; starting a new one", cache)

    def __call__(self, query: str) -> tuple[float, float, str] | None:
        if query in self.known:
            hit = self.known[query]
            return (hit[0], hit[1], str(hit[2])) if hit else None
        wait = self._last + GEOCODER_DELAY_S - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        self._last = time.monotonic()
        self.asked += 1
        answer = (self._ask or _nominatim)(query)
        self.known[query] = list(answer) if answer else None
        write_atomic(
            self.cache, json.dumps(self.known, ensure_ascii=False, indent=1).encode("utf-8")
        )
        return answer


def _nominatim(query: str) -> tuple[float, float, str] | None:
    from geopy.exc import GeopyError
    from geopy.geocoders import Nominatim

    from outreach_planner import __version__

    agent = f"outreach-planner/{__version__} (district village import)"
    try:
        hit = Nominatim(user_agent=agent, timeout=10).geocode(query, country_codes="vn")
    except GeopyError as exc:
        raise InputError(
            Problem("--online", "", "geocoder", query, f"a reachable geocoder ({exc})")
        ) from exc
    return (hit.longitude, hit.latitude, hit.address) if hit else None
