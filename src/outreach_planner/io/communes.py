"""Commune polygons (drawn on maps, and the area villages must lie in)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from shapely.errors import ShapelyError
from shapely.geometry import shape
from shapely.validation import explain_validity

from outreach_planner.domain import Commune
from outreach_planner.errors import ProblemCollector
from outreach_planner.io.geojson import features, read_json


def load_communes(path: Path) -> list[Commune]:
    """Read a GeoJSON FeatureCollection of (Multi)Polygons with a `name` each."""
    problems = ProblemCollector(str(path))
    communes: list[Commune] = []
    seen: set[str] = set()
    for i, feat in enumerate(features(read_json(path, what="communes"), problems), start=1):
        props = feat.get("properties") if isinstance(feat, dict) else None
        props = props if isinstance(props, dict) else {}
        name = props.get("name")
        where = f"feature {i}" + (f" ({name})" if isinstance(name, str) else "")
        if not isinstance(name, str) or not name.strip():
            problems.add(where, "name", name, "a commune name")
            continue
        if name in seen:
            problems.add(where, "name", name, "a name used by one feature only")
        seen.add(name)
        geom = feat.get("geometry") if isinstance(feat, dict) else None
        kind = geom.get("type") if isinstance(geom, dict) else geom
        if kind not in ("Polygon", "MultiPolygon"):
            problems.add(where, "geometry", kind, "a Polygon or MultiPolygon")
            continue
        try:
            polygon = shape(geom)
        # shapely reports malformed coordinates with many exception types.
        except (ValueError, TypeError, AttributeError, IndexError, KeyError, ShapelyError) as exc:
            problems.add(where, "geometry", str(exc), "valid polygon coordinates")
            continue
        if polygon.is_empty:
            problems.add(where, "geometry", "empty polygon", "a polygon with coordinates")
            continue
        if not polygon.is_valid:
            problems.add(where, "geometry", explain_validity(polygon), "a valid polygon")
            continue
        minx, miny, maxx, maxy = polygon.bounds
        if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
            problems.add(where, "geometry", polygon.bounds, "longitude/latitude coordinates")
            continue
        communes.append(
            Commune(
                name=name,
                geometry=polygon,
                population=_int_or_none(props.get("population_2019", props.get("population"))),
                households=_int_or_none(props.get("households_2019", props.get("households"))),
                code=_str_or_none(props.get("gso_code", props.get("code"))),
                full_name=_str_or_none(props.get("name_full")),
                commune_2025=_str_or_none(props.get("commune_2025")),
            )
        )
    if not communes and not problems.problems:
        problems.add("", "features", 0, "at least one commune polygon")
    problems.raise_if_any()
    return communes


def _int_or_none(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _str_or_none(value: object) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value.strip() if isinstance(value, str) and value.strip() else None


def communes_geojson(features: Sequence[dict[str, Any]], *, source: str) -> bytes:
    """Commune polygons as `load_communes` reads them."""
    data = {"type": "FeatureCollection", "name": "communes", "source": source,
            "features": list(features)}  # fmt: skip
    return (json.dumps(data, ensure_ascii=False) + "\n").encode("utf-8")
