"""`villages import`: an office's village list (.xlsx or .csv) -> the villages GeoJSON `plan` reads.

Ids are `<commune code>-<name key>` (e.g. `24721-thon-3`): the commune's GSO
code from the communes file (or its folded name without one) and the folded
village name with its kind, Roman numerals as digits. A corrected sheet, rows
moved or figures changed, keeps every id, so `stops.csv` still refers to them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shapely.geometry import MultiPoint
from shapely.ops import unary_union

from outreach_planner.district.admin_units import official_commune
from outreach_planner.district.layout import Layout, find_layout
from outreach_planner.district.names import commune_key, slug, village_key
from outreach_planner.district.osm_places import OsmPlace
from outreach_planner.district.placement import (
    COMMUNE_TOLERANCE_M,
    CachedGeocoder,
    Placed,
    match_place,
    outside_m,
    places_in,
)
from outreach_planner.district.rows import SheetVillage, Skipped, read_rows
from outreach_planner.district.sheet import Grid, read_grids
from outreach_planner.domain import Commune
from outreach_planner.errors import Problem, ProblemCollector
from outreach_planner.geo import LonLat, geodesic_m

ESTIMATED_FIELDS = ("name", "location", "households", "population", "languages")


@dataclass(frozen=True)
class ImportOptions:
    communes: Sequence[Commune] | None = None  # polygons; None: the sheet's names are the communes
    places: Sequence[OsmPlace] | None = None  # an extract's places, to place villages by name
    geocoder: CachedGeocoder | None = None  # only with --online
    estimated: bool = False  # every figure of the sheet is an estimate
    # "Huyện Đắk Song, Tỉnh Đắk Nông": look communes up in the official pre-2025 list for
    # their GSO codes and the 2025 commune each became part of.
    area: str | None = None


@dataclass
class VillageImport:
    """What the import understood and made; `problems` empty when it may be written."""

    source: str
    grid: Grid | None = None
    layout: Layout | None = None
    skipped: list[Skipped] = field(default_factory=list)
    features: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # warnings worth a look, nothing fatal

    def count(self, how: str) -> int:
        return sum(1 for f in self.features if f["properties"]["placement"] == how)


def _commune_display(texts: Sequence[str], *, prefix: bool = False) -> str:
    """One name for a commune spelled several ways: diacritics, not all capitals, no
    Xã/Phường prefix (kept with `prefix`, as 2025 communes are named)."""

    def strip(text: str) -> str:
        words, key = text.split(), commune_key(text)
        return " ".join(words[len(words) - len(key.split()) :]) if key else text

    names = [t.strip() if prefix else strip(t) for t in texts]
    return max(
        names,
        key=lambda n: (not n.isupper(), sum(ord(ch) > 127 for ch in n), names.count(n), n),
    )


class _Communes:
    """Sheet commune names -> the communes file's communes (or, without one, themselves)."""

    def __init__(self, communes: Sequence[Commune] | None):
        self.polygons = list(communes or [])
        self._by_key: dict[str, list[Commune]] = defaultdict(list)
        for c in self.polygons:
            for name in {c.name, c.full_name or c.name}:
                if c not in self._by_key[commune_key(name)]:
                    self._by_key[commune_key(name)].append(c)

    def find(self, text: str) -> Commune | None:
        key = commune_key(text)
        found = self._by_key.get(key, [])
        if not found:  # "Dak N Drung" for "Đắk N'Drung": the same letters, spaced otherwise
            squeezed = key.replace(" ", "")
            found = [c for k, cs in self._by_key.items() if k.replace(" ", "") == squeezed
                     for c in cs]  # fmt: skip
        if len(found) > 1:  # "Đắk Hòa" and "Đắk Hoà"... told apart by their diacritics
            exact = [c for c in found if text.casefold().endswith(c.name.casefold())]
            found = exact
        return found[0] if len(found) == 1 else None


def import_villages(path: Path, options: ImportOptions) -> VillageImport:
    """Read a village list and make the villages layer; every problem is collected."""
    result = VillageImport(str(path))
    problems = ProblemCollector(str(path))
    grids = read_grids(path)
    for grid in grids:
        layout = find_layout(grid)
        if layout is not None:
            result.grid, result.layout = grid, layout
            break
    if result.layout is None or result.grid is None:
        sheets = ", ".join(g.sheet for g in grids if g.sheet) or "the file"
        problems.add("", "header", f"no header row in the first 40 rows of {sheets}",
                     "a header row naming the village (Tên thôn), households (Số hộ) "
                     "and people (Số nhân khẩu) columns")  # fmt: skip
        result.problems = problems.problems
        return result
    layout = result.layout
    for kind, label in (("households", "Số hộ"), ("population", "Số nhân khẩu")):
        if layout.col(kind) is None:
            rows = "-".join(str(r) for r in layout.header_rows)
            problems.add(f"header row {rows}", kind, None, f"a {label} ({kind}) column")
    if problems.problems:
        result.problems = problems.problems
        return result
    villages, result.skipped = read_rows(result.grid, layout, problems)
    if not villages and not problems.problems:
        problems.add("", "rows", 0, "at least one village row below the header")
    communes = _Communes(options.communes)
    resolved = _resolve_communes(villages, communes, problems, options.area)
    ids = _ids(villages, resolved, problems)
    if not problems.problems:
        result.features = _features(villages, resolved, ids, communes, options, problems, result)
    result.problems = problems.problems
    return result


@dataclass(frozen=True)
class _Where:
    name: str  # the commune villages are in (a communes-file name, or the sheet's)
    polygon: Commune | None
    code: str  # id part
    commune_2025: str | None
    former: str | None


def _resolve_communes(
    rows: Sequence[SheetVillage],
    communes: _Communes,
    problems: ProblemCollector,
    area: str | None = None,
) -> dict[int, _Where]:
    """Each row's commune; a name the communes file (or the official list of `area`)
    lacks is one problem at its first row."""
    spellings: dict[str, list[str]] = defaultdict(list)
    for v in rows:
        spellings[commune_key(v.commune)].append(v.commune)
        if v.former_commune:
            spellings[commune_key(v.former_commune)].append(v.former_commune)
    resolved: dict[int, _Where] = {}
    unknown: dict[str, list[int]] = defaultdict(list)
    for v in rows:
        named = communes.find(v.commune) if communes.polygons else None
        former = communes.find(v.former_commune) if v.former_commune and communes.polygons else None
        if communes.polygons and named is None and former is None:
            unknown[v.former_commune or v.commune].append(v.row)
            continue
        polygon = former or named
        if polygon is not None:
            later = (
                _commune_display(spellings[commune_key(v.commune)], prefix=True)
                if former is not None
                else polygon.commune_2025
            )
            formerly = None
            if former is None and v.former_commune:
                formerly = _commune_display(spellings[commune_key(v.former_commune)])
            code = polygon.code
            if area and (later is None or code is None):
                official = official_commune(polygon.full_name or polygon.name, area)
                if official is not None:
                    later, code = later or official.name_2025, code or official.code
            resolved[v.row] = _Where(polygon.name, polygon, code or slug(
                commune_key(polygon.name)), later, formerly)  # fmt: skip
        else:
            # Without polygons the pre-2025 unit is the village's commune (census figures
            # and old lists use it); a 2025 commune in the sheet goes beside it.
            later = None
            if v.former_commune:
                name = _commune_display(spellings[commune_key(v.former_commune)])
                later = _commune_display(spellings[commune_key(v.commune)], prefix=True)
            else:
                name = _commune_display(spellings[commune_key(v.commune)])
            code = slug(commune_key(name))
            if area:
                official = official_commune(name, area)
                if official is None:
                    unknown[v.former_commune or v.commune].append(v.row)
                    continue
                # The official spelling wins over the sheet's ("Thuan Ha" -> "Thuận Hà").
                name = _commune_display([official.name])
                code, later = official.code, later or official.name_2025
            resolved[v.row] = _Where(name, None, code, later, None)
    names = ", ".join(c.name for c in communes.polygons)
    expected = (
        f"a commune of the communes file ({names})"
        if communes.polygons
        else f"a commune-level unit of {area} before 1 July 2025 (official list)"
    )
    for text, at in unknown.items():
        more = f" (and {len(at) - 1} more rows)" if len(at) > 1 else ""
        problems.add(f"row {at[0]}{more}", "commune", text, expected)
    return resolved


def _ids(
    rows: Sequence[SheetVillage], resolved: dict[int, _Where], problems: ProblemCollector
) -> dict[int, str]:
    ids: dict[int, str] = {}
    first: dict[str, int] = {}
    for v in rows:
        where = resolved.get(v.row)
        if where is None:
            continue
        key = village_key(v.name)
        vid = f"{where.code}-{slug(key)}" if key else f"{where.code}-row-{v.row}"
        if vid in first:
            problems.add(f"row {v.row}", "name", v.name,
                         f"a name not already used in {where.name} by row {first[vid]} "
                         f"(both read {key!r} without accents, case and numerals)")  # fmt: skip
            continue
        first[vid] = v.row
        ids[v.row] = vid
    return ids


def _features(
    rows: Sequence[SheetVillage],
    resolved: dict[int, _Where],
    ids: dict[int, str],
    communes: _Communes,
    options: ImportOptions,
    problems: ProblemCollector,
    result: VillageImport,
) -> list[dict[str, Any]]:
    area = unary_union([c.geometry for c in communes.polygons]) if communes.polygons else None
    by_commune: dict[str, list[SheetVillage]] = defaultdict(list)
    for v in rows:
        by_commune[resolved[v.row].name].append(v)
    placed: dict[int, Placed | None] = {}
    for v in rows:
        where = resolved[v.row]
        if v.position is not None:
            _check_sheet_position(v, where, area, problems, result)
            placed[v.row] = None
    if problems.problems:
        return []
    unplaced: list[SheetVillage] = []
    for v in rows:
        if v.position is None:
            where = resolved[v.row]
            siblings = [s.name for s in by_commune[where.name]]
            placed[v.row] = _place(v, where, siblings, options)
            if placed[v.row] is None:
                unplaced.append(v)
    for v in unplaced:
        where = resolved[v.row]
        centre = _centre(where, [s for s in by_commune[where.name] if s.position is not None])
        if centre is None:
            problems.add(f"row {v.row}", "coordinates", None,
                         "coordinates, or a way to place the village: --communes (its commune's "
                         "centre) or --places (an OpenStreetMap extract naming it)")  # fmt: skip
            continue
        placed[v.row] = Placed(centre, "commune", where.name, None)
    if problems.problems:
        return []
    return [_feature(v, resolved[v.row], ids[v.row], placed[v.row], options) for v in rows]


def _check_sheet_position(
    v: SheetVillage, where: _Where, area: Any, problems: ProblemCollector, result: VillageImport
) -> None:
    assert v.position is not None
    if area is not None and outside_m(area, v.position) > COMMUNE_TOLERANCE_M:
        km = outside_m(area, v.position) / 1000
        problems.add(f"row {v.row}", "coordinates", [v.position.lat, v.position.lon],
                     f"a position inside the communes ({km:.1f} km outside every one)")  # fmt: skip
        return
    if where.polygon is not None and outside_m(where.polygon.geometry, v.position) > (
        COMMUNE_TOLERANCE_M
    ):
        result.notes.append(f"row {v.row}: {v.name} ({where.name}) lies outside {where.name}")
    if v.swapped:
        result.notes.append(f"row {v.row}: latitude and longitude columns hold each other's values")


def _place(
    v: SheetVillage, where: _Where, siblings: list[str], options: ImportOptions
) -> Placed | None:
    polygon = where.polygon.geometry if where.polygon is not None else None
    if options.places:
        candidates = places_in(polygon, options.places) if polygon is not None else options.places
        hit = match_place(v.name, candidates, sibling_names=siblings)
        if hit is not None:
            return Placed(hit.position, "osm", f"{hit.name} ({hit.osm_id})",
                          round(outside_m(polygon, hit.position)))  # fmt: skip
    if options.geocoder is not None:
        commune = where.polygon.full_name if where.polygon and where.polygon.full_name else (
            where.name)  # fmt: skip
        answer = options.geocoder(f"{v.name}, {commune}, Việt Nam")
        if answer is not None:
            position = LonLat(round(answer[0], 6), round(answer[1], 6))
            off = outside_m(polygon, position)
            if off <= COMMUNE_TOLERANCE_M:
                return Placed(position, "geocoder", answer[2], round(off))
    return None


def _centre(where: _Where, placed: Sequence[SheetVillage]) -> LonLat | None:
    if where.polygon is not None:
        p = where.polygon.geometry.representative_point()
        return LonLat(round(p.x, 6), round(p.y, 6))
    points = [(v.position.lon, v.position.lat) for v in placed if v.position is not None]
    if not points:
        return None
    c = MultiPoint(points).centroid
    return LonLat(round(c.x, 6), round(c.y, 6))


def _feature(
    v: SheetVillage, where: _Where, vid: str, placed: Placed | None, options: ImportOptions
) -> dict[str, Any]:
    position = v.position if placed is None else placed.position
    assert position is not None
    props: dict[str, Any] = {
        "id": vid,
        "name": v.name,
        "commune": where.name,
    }
    if where.former:
        props["former_commune"] = where.former
    if where.commune_2025:
        props["commune_2025"] = where.commune_2025
    props |= {
        "households": v.households,
        "population": v.population,
        "languages": list(v.languages),
        "placement": "sheet" if placed is None else placed.how,
        "placement_match": None if placed is None else placed.match,
        "placement_distance_m": None if placed is None else placed.distance_m,
        "source_row": v.row,
    }
    if placed is None and options.places:
        # The extract's place of the same name in the same commune: a check of the sheet.
        polygon = where.polygon.geometry if where.polygon is not None else None
        same = match_place(v.name, places_in(polygon, options.places), sibling_names=[v.name])
        if same is not None:
            props["placement_match"] = f"{same.name} ({same.osm_id})"
            props["placement_distance_m"] = round(geodesic_m(position, same.position))
    estimated = [f for f in ESTIMATED_FIELDS if options.estimated and f != "location"]
    if options.estimated and placed is None or placed is not None and placed.how == "commune":
        estimated.append("location")
    if estimated:
        props["estimated"] = True
        props["estimated_fields"] = sorted(estimated, key=ESTIMATED_FIELDS.index)
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [position.lon, position.lat]},
        "properties": props,
    }
