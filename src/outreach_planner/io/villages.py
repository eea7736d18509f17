"""The village layer: one Point feature per village, every problem reported at once."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from shapely.geometry import Point
from shapely.ops import unary_union

from outreach_planner.domain import Commune, Village
from outreach_planner.errors import InputError, Problem, ProblemCollector
from outreach_planner.geo import LonLat
from outreach_planner.io.geojson import features, point_coordinates, read_json
from outreach_planner.io.ids import id_problem
from outreach_planner.languages import CODES

# A village this far (degrees, ~11 km at 12° N) outside every commune is a typo, not data.
FAR_OUTSIDE_DEG = 0.1
LANGUAGE_CODES = CODES
# How `villages import` placed a village; "commune" is its commune's centre, a placeholder;
# "hand": a planner put it where it is (the planning page).
PLACEMENTS = ("sheet", "osm", "geocoder", "commune", "hand")
# Most people per household a village can plausibly have (Vietnam's average is under 4).
MAX_PEOPLE_PER_HOUSEHOLD = 20
# Most people one village (thôn, bon, tổ dân phố) can plausibly hold: a whole large ward.
MAX_VILLAGE_PEOPLE = 100_000


def load_villages(path: Path, *, communes: list[Commune] | None = None) -> list[Village]:
    """Read villages from GeoJSON; with communes, check commune names and locations too."""
    problems = ProblemCollector(str(path))
    feats = features(read_json(path, what="villages"), problems)
    known = {c.name: c for c in communes or []}
    area = unary_union([c.geometry for c in communes]) if communes else None
    villages: list[Village] = []
    seen: dict[str, int] = {}
    for i, feat in enumerate(feats, start=1):
        props = feat.get("properties") if isinstance(feat, dict) else None
        if not isinstance(props, dict):
            problems.add(f"feature {i}", "properties", props, "an object of village fields")
            continue
        vid = props.get("id")
        where = f"feature {i}" + (f" (id {vid})" if isinstance(vid, str | int) else "")
        ok = True

        vid = id_text(vid)
        if not isinstance(vid, str) or not vid.strip():
            problems.add(where, "id", vid, "a non-empty id")
            ok = False
        elif (wrong := id_problem(vid)) is not None:
            problems.add(where, "id", vid, wrong)
            ok = False
        elif vid in seen:
            problems.add(where, "id", vid, f"an id not already used by feature {seen[vid]}")
            ok = False
        else:
            seen[vid] = i

        name = props.get("name")
        if not isinstance(name, str) or not name.strip():
            problems.add(where, "name", name, "a village name")
            ok = False

        commune = props.get("commune")
        if not isinstance(commune, str) or not commune.strip():
            problems.add(where, "commune", commune, "a commune name")
            ok = False
        elif known and commune not in known:
            problems.add(where, "commune", commune, f"one of the communes ({', '.join(known)})")
            ok = False

        counts = {}
        for key in ("households", "population"):
            counts[key] = _count(props.get(key))
            if counts[key] is None:
                problems.add(where, key, props.get(key), "a whole number of 0 or more")
                ok = False
        if ok:
            for field, value, expected in figure_problems(
                int(counts["households"] or 0), int(counts["population"] or 0)
            ):
                problems.add(where, field, value, expected)
                ok = False

        languages = _languages(props.get("languages", ["vi"]))
        if languages is None:
            problems.add(where, "languages", props.get("languages"),
                         f"a list of language codes from {', '.join(LANGUAGE_CODES)}")  # fmt: skip
            ok = False

        placement = props.get("placement")
        if placement is not None and placement not in PLACEMENTS:
            problems.add(where, "placement", placement, f"one of {', '.join(PLACEMENTS)}")
            ok = False

        position = _position(feat, where, problems, area)
        if position is None or not ok:
            continue
        # Every field was checked above; the asserts tell the type checker so.
        assert isinstance(vid, str) and isinstance(name, str) and isinstance(commune, str)
        assert languages is not None
        villages.append(
            Village(
                id=vid,
                name=name.strip(),
                commune=commune,
                position=position,
                households=int(counts["households"] or 0),
                population=int(counts["population"] or 0),
                languages=languages,
                estimated=props.get("estimated") is True,
                placement=placement if isinstance(placement, str) else None,
                commune_2025=_commune_2025(props.get("commune_2025"), known.get(commune)),
            )
        )
    if not feats and not problems.problems:
        problems.add("", "features", 0, "at least one village")
    problems.raise_if_any()
    return villages


def figure_problems(households: int, population: int) -> list[tuple[str, object, str]]:
    """What is implausible in a village's households and people: (field, value, expected).

    The one plausibility check of village figures, for the GeoJSON layer and the
    spreadsheet import alike.
    """
    found: list[tuple[str, object, str]] = []
    if population > MAX_VILLAGE_PEOPLE:
        found.append(("population", population,
                      f"at most {MAX_VILLAGE_PEOPLE:,} people in one village"))  # fmt: skip
    elif households == 0:
        found.append(("households", households, "at least 1 household"))
    elif population > MAX_PEOPLE_PER_HOUSEHOLD * households:
        most = MAX_PEOPLE_PER_HOUSEHOLD * households
        found.append(("population", population,
                      f"at most {MAX_PEOPLE_PER_HOUSEHOLD} people per household "
                      f"({most:,} for {households:,})"))  # fmt: skip
    elif population < households:
        found.append(("population", population,
                      f"at least one person per household ({households:,})"))  # fmt: skip
    return found


def _commune_2025(value: Any, commune: Commune | None) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    return commune.commune_2025 if commune is not None else None


def _count(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        value = int(value)
    return value if isinstance(value, int) and value >= 0 else None


def _languages(value: Any) -> tuple[str, ...] | None:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value:
        return None
    codes = [v.strip().lower() for v in value if isinstance(v, str)]
    if len(codes) != len(value) or any(c not in LANGUAGE_CODES for c in codes):
        return None
    return tuple(dict.fromkeys(codes))


def _position(feat: Any, where: str, problems: ProblemCollector, area: Any) -> LonLat | None:
    coords, wrong = point_coordinates(feat)
    if wrong:
        problems.add(where, "geometry", coords, wrong)
        return None
    lon, lat = float(coords[0]), float(coords[1])
    swapped_inside = area is not None and area.distance(Point(lat, lon)) < FAR_OUTSIDE_DEG
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        hint = " (longitude and latitude look swapped)" if swapped_inside else ""
        problems.add(where, "coordinates", coords, f"[longitude, latitude] in range{hint}")
        return None
    if area is not None and area.distance(Point(lon, lat)) > FAR_OUTSIDE_DEG:
        hint = (
            "[longitude, latitude]: they look swapped"
            if swapped_inside
            else "a point inside or near the communes"
        )
        problems.add(where, "coordinates", coords, hint)
        return None
    return LonLat(lon, lat)


def villages_geojson(features: Sequence[dict[str, Any]], *, source: str) -> bytes:
    """The villages layer as `load_villages` reads it; `estimated` on top when any figure is."""
    data: dict[str, Any] = {"type": "FeatureCollection", "name": "villages", "source": source}
    if any(f["properties"].get("estimated") for f in features):
        data["estimated"] = True
    data["features"] = list(features)
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def id_text(value: object) -> object:
    """An id as the loader keeps it: a whole number (a spreadsheet's export) as its text."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def move_village(path: Path, village_id: str, position: LonLat) -> tuple[float, float]:
    """Put a village where it is (placed by hand), rewriting the layer atomically with every
    other byte of meaning kept; returns its old (lon, lat). Unknown id: InputError."""
    from outreach_planner.io.atomic import write_atomic

    data = read_json(path, what="villages")
    for feat in data.get("features", []) if isinstance(data, dict) else []:
        props = feat.get("properties") or {}
        if id_text(props.get("id")) == village_id:
            old = feat["geometry"]["coordinates"]
            feat["geometry"] = {"type": "Point",
                                "coordinates": [round(position.lon, 6), round(position.lat, 6)]}
            props["placement"] = "hand"
            if isinstance(props.get("estimated_fields"), list):
                props["estimated_fields"] = [f for f in props["estimated_fields"]
                                             if f != "location"]  # fmt: skip
                props["estimated"] = bool(props["estimated_fields"])
            write_atomic(path, (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode())
            return float(old[0]), float(old[1])
    raise InputError(Problem(str(path), "", "id", village_id, "the id of a village in the file"))
