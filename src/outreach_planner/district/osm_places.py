"""Named places and administrative areas of an OpenStreetMap extract (pyosmium).

Places are the settlements a village list can name (`place=village|hamlet|
isolated_dwelling|neighbourhood|locality`), as nodes or as areas (closed ways
and multipolygons, taken at a point inside them). Boundaries are the areas of
`boundary=administrative` at one `admin_level`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from outreach_planner.errors import InputError, Problem
from outreach_planner.geo import LonLat
from outreach_planner.roads.osm import osm_format

PLACE_KINDS = ("village", "hamlet", "isolated_dwelling", "neighbourhood", "locality")
_NAME_TAGS = ("name", "name:vi", "alt_name", "old_name", "official_name", "short_name")
ATTRIBUTION = "© OpenStreetMap contributors"


@dataclass(frozen=True)
class OsmPlace:
    """A named settlement of the extract."""

    osm_id: str  # "node/123", "way/45", "relation/6"
    kind: str  # the place tag
    name: str
    names: tuple[str, ...]  # name first, then name:vi, alt_name, ...
    position: LonLat
    population: int | None  # the `population` tag, when it is a plain whole number
    tags: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class OsmBoundary:
    osm_id: str
    name: str
    admin_level: int
    geometry: BaseGeometry
    tags: tuple[tuple[str, str], ...] = ()


def _names(tags: dict[str, str]) -> tuple[str, ...]:
    found: list[str] = []
    for key in _NAME_TAGS:
        for value in tags.get(key, "").split(";"):
            if value.strip() and value.strip() not in found:
                found.append(value.strip())
    return tuple(found)


def _population(text: str | None) -> int | None:
    text = (text or "").strip().replace(",", "").replace(" ", "")
    return int(text) if text.isdigit() else None


def _area_geometry(area) -> BaseGeometry | None:  # type: ignore[no-untyped-def]
    polygons = []
    for outer in area.outer_rings():
        ring = [(n.lon, n.lat) for n in outer if n.location.valid()]
        inners = [
            [(n.lon, n.lat) for n in inner if n.location.valid()]
            for inner in area.inner_rings(outer)
        ]
        if len(ring) >= 4:
            polygons.append(Polygon(ring, [i for i in inners if len(i) >= 4]))
    if not polygons:
        return None
    geom = polygons[0] if len(polygons) == 1 else MultiPolygon(polygons)
    return geom if geom.is_valid else geom.buffer(0)


def _area_id(area) -> str:  # type: ignore[no-untyped-def]
    return f"way/{area.orig_id()}" if area.from_way() else f"relation/{area.orig_id()}"


def read_osm_areas(
    path: Path, *, places: bool = True, admin_level: int | None = None
) -> tuple[list[OsmPlace], list[OsmBoundary]]:
    """The places (and with `admin_level`, the boundaries) of an extract, in file order.

    A file that is not OSM or is truncated raises InputError (one line).
    """
    import osmium

    fmt = osm_format(path)
    if not path.is_file():
        raise InputError(Problem(str(path), "", "", str(path), "an existing OpenStreetMap file"))
    found_places: list[OsmPlace] = []
    boundaries: list[OsmBoundary] = []
    try:
        processor = osmium.FileProcessor(osmium.io.File(str(path), fmt)).with_areas()
        for obj in processor:
            tags = dict(obj.tags)
            is_area = isinstance(obj, osmium.osm.Area)
            if places and tags.get("place") in PLACE_KINDS and tags.get("name"):
                position = None
                if isinstance(obj, osmium.osm.Node) and obj.location.valid():
                    position = LonLat(obj.location.lon, obj.location.lat)
                    osm_id = f"node/{obj.id}"
                elif is_area:
                    geom = _area_geometry(obj)
                    if geom is not None and not geom.is_empty:
                        point = geom.representative_point()
                        position = LonLat(round(point.x, 7), round(point.y, 7))
                    osm_id = _area_id(obj)
                if position is not None:
                    found_places.append(
                        OsmPlace(osm_id, tags["place"], tags["name"], _names(tags), position,
                                 _population(tags.get("population")), tuple(sorted(tags.items())))
                    )  # fmt: skip
            if (
                admin_level is not None
                and is_area
                and tags.get("boundary") == "administrative"
                and tags.get("admin_level") == str(admin_level)
                and tags.get("name")
            ):
                geom = _area_geometry(obj)
                if geom is not None and not geom.is_empty:
                    boundaries.append(
                        OsmBoundary(_area_id(obj), tags["name"], admin_level, geom,
                                    tuple(sorted(tags.items())))
                    )  # fmt: skip
    except RuntimeError as exc:  # libosmium's parse errors: truncated, not OSM, bad XML
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(
            Problem(str(path), "", "", first, "a complete OpenStreetMap file")
        ) from None
    return found_places, boundaries
