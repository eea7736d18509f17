"""Village and commune layers from an OpenStreetMap extract alone.

`villages import-osm`: each place is a village; its people come from its
`population` tag, otherwise the commune's census figure is shared out among
its untagged places (largest remainder, so the shares add up exactly) and
marked estimated. Households follow from people at the commune's census
household size. Languages are not in OSM: Vietnamese, marked estimated.
`communes import`: the administrative areas of one level as commune polygons.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shapely.geometry import mapping

from outreach_planner.district.names import commune_key, slug, village_key
from outreach_planner.district.osm_places import ATTRIBUTION, OsmPlace, read_osm_areas
from outreach_planner.district.placement import COMMUNE_TOLERANCE_M, outside_m
from outreach_planner.domain import Commune
from outreach_planner.errors import InputError, Problem, ProblemCollector

# Vietnam's average household, 2019 census (3.5 people): used only when a commune
# gives no census households to divide by.
PEOPLE_PER_HOUSEHOLD = 3.5
UNKNOWN_COMMUNE = "(không rõ xã)"
_COMMUNE_TAGS = ("addr:commune", "is_in:commune", "addr:subdistrict", "addr:ward")


@dataclass(frozen=True)
class OsmVillages:
    features: list[dict[str, Any]]
    dropped: list[str]  # places left out, with why


def _commune_of(place: OsmPlace, communes: Sequence[Commune]) -> Commune | None:
    best = min(communes, key=lambda c: outside_m(c.geometry, place.position), default=None)
    if best is None or outside_m(best.geometry, place.position) > COMMUNE_TOLERANCE_M:
        return None
    return best


def _tag_commune(place: OsmPlace) -> str:
    tags = dict(place.tags)
    for key in _COMMUNE_TAGS:
        if tags.get(key, "").strip():
            return tags[key].strip()
    return UNKNOWN_COMMUNE


def _shares(total: int, n: int) -> list[int]:
    """`total` split into `n` whole shares as equal as can be, adding up exactly."""
    base, extra = divmod(total, n)
    return [base + (1 if i < extra else 0) for i in range(n)]


def villages_from_osm(
    path: Path,
    *,
    bbox: tuple[float, float, float, float] | None = None,
    communes: Sequence[Commune] | None = None,
) -> OsmVillages:
    """The places of an extract as villages (inside `bbox`, or inside the communes)."""
    places, _ = read_osm_areas(path)
    dropped: list[str] = []
    chosen: list[tuple[OsmPlace, str, Commune | None]] = []
    for p in places:
        if bbox is not None and not (
            bbox[0] <= p.position.lon <= bbox[2] and bbox[1] <= p.position.lat <= bbox[3]
        ):
            continue
        if communes:
            c = _commune_of(p, communes)
            if c is None:
                dropped.append(f"{p.name} ({p.osm_id}): outside every commune")
                continue
            chosen.append((p, c.name, c))
        else:
            chosen.append((p, _tag_commune(p), None))
    chosen = _one_per_name(chosen, dropped)
    problems = ProblemCollector(str(path))
    if not chosen:
        where = "inside the communes" if communes else (f"inside {bbox}" if bbox else "")
        problems.add("", "place", f"no village{(' ' + where) if where else ''}",
                     "nodes or areas tagged place=village|hamlet|isolated_dwelling|"
                     "neighbourhood|locality with a name")  # fmt: skip
        problems.raise_if_any()
    figures = _figures(chosen, problems)
    problems.raise_if_any()
    features = []
    for (p, commune, polygon), (households, people, estimated) in zip(chosen, figures, strict=True):
        code = polygon.code if polygon is not None and polygon.code else slug(commune_key(commune))
        key = slug(village_key(p.name)) or p.osm_id.replace("/", "-")
        props: dict[str, Any] = {
            "id": f"{code}-{key}",
            "name": p.name,
            "commune": commune,
            "households": households,
            "population": people,
            "languages": ["vi"],
            "placement": "osm",
            "placement_match": f"{p.name} ({p.osm_id})",
            "placement_distance_m": round(outside_m(polygon.geometry, p.position))
            if polygon is not None
            else None,
            "osm_place": p.kind,
            "estimated": True,
            "estimated_fields": [*estimated, "languages"],
        }
        features.append({
            "type": "Feature",
            "geometry": {"type": "Point",
                         "coordinates": [round(p.position.lon, 6), round(p.position.lat, 6)]},
            "properties": props,
        })  # fmt: skip
    return OsmVillages(features, dropped)


def _one_per_name(
    chosen: list[tuple[OsmPlace, str, Commune | None]], dropped: list[str]
) -> list[tuple[OsmPlace, str, Commune | None]]:
    """One place per name and commune (a node and the area around it are one village):
    the one with a population tag, else the first in the file."""
    by_key: dict[tuple[str, str], tuple[OsmPlace, str, Commune | None]] = {}
    for item in chosen:
        key = (item[1], village_key(item[0].name))
        kept = by_key.get(key)
        if kept is None or (kept[0].population is None and item[0].population is not None):
            if kept is not None:
                dropped.append(f"{kept[0].name} ({kept[0].osm_id}): same name as {item[0].osm_id}")
            by_key[key] = item
        else:
            dropped.append(f"{item[0].name} ({item[0].osm_id}): same name as {kept[0].osm_id}")
    return list(by_key.values())


def _figures(
    chosen: list[tuple[OsmPlace, str, Commune | None]], problems: ProblemCollector
) -> list[tuple[int, int, list[str]]]:
    """(households, people, estimated fields) per chosen place."""
    untagged: dict[str, list[int]] = defaultdict(list)
    tagged_people: dict[str, int] = defaultdict(int)
    for i, (p, commune, _) in enumerate(chosen):
        if p.population is None:
            untagged[commune].append(i)
        else:
            tagged_people[commune] += p.population
    people: dict[int, int] = {}
    for commune, indices in untagged.items():
        polygon = chosen[indices[0]][2]
        census = polygon.population if polygon is not None else None
        if census is None:
            p = chosen[indices[0]][0]
            more = f" (and {len(indices) - 1} more places)" if len(indices) > 1 else ""
            problems.add(f"{p.osm_id} ({p.name}){more}", "population", None,
                         f"a population tag, or --communes with the census population of "
                         f"{commune} to share out")  # fmt: skip
            continue
        left = max(census - tagged_people[commune], 0)
        for i, share in zip(indices, _shares(left, len(indices)), strict=True):
            people[i] = share
    out = []
    for i, (p, _commune, polygon) in enumerate(chosen):
        size = PEOPLE_PER_HOUSEHOLD
        if polygon is not None and polygon.population and polygon.households:
            size = polygon.population / polygon.households
        n = p.population if p.population is not None else people.get(i, 0)
        households = max(1, round(n / size)) if n else 1
        n = max(n, households)  # every household has someone in it
        estimated = ["households"] if p.population is not None else ["households", "population"]
        out.append((households, n, estimated))
    return out


def communes_from_osm(path: Path, *, admin_level: int) -> list[dict[str, Any]]:
    """The administrative areas of `admin_level` as commune features (name, code, population)."""
    places, boundaries = read_osm_areas(path, places=False, admin_level=admin_level)
    del places
    if not boundaries:
        raise InputError(
            Problem(str(path), "", "admin_level", admin_level,
                    "areas tagged boundary=administrative with this admin_level and a name "
                    "(communes in Vietnam: 8 before 2025; try another level)")
        )  # fmt: skip
    features = []
    seen: set[str] = set()
    for b in sorted(boundaries, key=lambda b: (b.name, b.osm_id)):
        if b.name in seen:
            continue
        seen.add(b.name)
        tags = dict(b.tags)
        props: dict[str, Any] = {"name": b.name, "osm_id": b.osm_id}
        code = tags.get("ref:gso") or tags.get("ref")
        if code:
            props["gso_code"] = code
        population = tags.get("population", "").replace(",", "").replace(".", "").strip()
        if population.isdigit():
            props["population"] = int(population)
        features.append({"type": "Feature", "geometry": mapping(b.geometry), "properties": props})
    return features


def osm_source(path: Path) -> str:
    return f"{path.name}, {ATTRIBUTION} (ODbL 1.0)"
