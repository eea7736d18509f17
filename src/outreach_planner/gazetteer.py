"""Finding a place by name: the built-in villages and landmarks first, then optionally
an online geocoder (geopy's Nominatim), whose answers are cached on disk."""

from __future__ import annotations

import json
import logging
import os
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from outreach_planner.domain import Village
from outreach_planner.errors import InputError, Problem
from outreach_planner.geo import LonLat
from outreach_planner.io.atomic import write_atomic
from outreach_planner.io.geojson import read_json

log = logging.getLogger("outreach_planner")


@dataclass(frozen=True)
class Place:
    name: str
    position: LonLat
    source: str  # "village", "landmark (© OpenStreetMap contributors)" or "geocoder"
    village: Village | None = None


def fold(text: str) -> str:
    """Case- and accent-insensitive form: 'Đắk Môl' and 'dak mol' match."""
    text = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.casefold().replace(",", " ").split())


def builtin_places(villages: Sequence[Village], landmarks: Path | None) -> list[Place]:
    """Villages ('Thôn 3, Đắk Hòa' and 'Thôn 3') and named OSM landmarks."""
    places = [Place(f"{v.name}, {v.commune}", v.position, "village", v) for v in villages]
    if landmarks is not None and landmarks.is_file():
        data = read_json(landmarks, what="landmarks")
        for feature in data.get("features", []):
            props = feature.get("properties") or {}
            name = props.get("name") or props.get("name:en")
            coords = (feature.get("geometry") or {}).get("coordinates")
            if isinstance(name, str) and isinstance(coords, list) and len(coords) >= 2:
                places.append(
                    Place(
                        name,
                        LonLat(float(coords[0]), float(coords[1])),
                        "landmark (© OpenStreetMap contributors)",
                    )
                )
    return places


def find_place(
    query: str,
    places: Sequence[Place],
    *,
    online: bool = False,
    cache: Path | None = None,
) -> Place:
    """The one place matching `query`; InputError naming the candidates when it is not one.

    An exact (folded) name wins; otherwise every place whose name contains the
    query is a candidate. Only when nothing built in matches, and `online` is
    allowed, is the geocoder asked.
    """
    key = fold(query)
    exact = [p for p in places if fold(p.name) == key]
    found = exact or [p for p in places if key and key in fold(p.name)]
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        names = "; ".join(p.name for p in found[:8]) + ("; …" if len(found) > 8 else "")
        raise InputError(
            Problem("command line", "", "place", query, f"one place, but it matches: {names}")
        )
    if online:
        return _geocode(query, cache or default_cache())
    raise InputError(
        Problem(
            "command line",
            "",
            "place",
            query,
            "a built-in village or landmark name (or --online to ask a geocoder, or --at LON,LAT)",
        )
    )


def default_cache() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return base / "outreach-planner" / "geocode.json"


def _geocode(query: str, cache: Path) -> Place:
    known: dict[str, list[float]] = {}
    if cache.is_file():
        try:
            known = json.loads(cache.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            log.warning("geocoder cache %s is unreadable; starting a new one", cache)
    if query in known:
        lon, lat = known[query]
        return Place(query, LonLat(lon, lat), "geocoder (cached)")
    from geopy.exc import GeopyError
    from geopy.geocoders import Nominatim

    try:
        hit = Nominatim(user_agent="outreach-planner", timeout=10).geocode(query)
    except GeopyError as exc:
        raise InputError(
            Problem("command line", "", "place", query, f"a reachable geocoder ({exc})")
        ) from exc
    if hit is None:
        raise InputError(Problem("command line", "", "place", query, "a place the geocoder knows"))
    known[query] = [hit.longitude, hit.latitude]
    write_atomic(cache, json.dumps(known, ensure_ascii=False, indent=1).encode("utf-8"))
    return Place(query, LonLat(hit.longitude, hit.latitude), "geocoder")
