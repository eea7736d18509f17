"""Reading GeoJSON files into plain feature lists, with one-line errors."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from outreach_planner.errors import InputError, ProblemCollector
from outreach_planner.io.files import MB, NotAnInputFile, read_input_bytes

# Larger than any village layer, commune layer or plan of a district.
JSON_LIMIT = 256 * MB


def read_json(path: Path, *, what: str) -> Any:
    """Parse a JSON file; unreadable, empty, non-UTF-8 or malformed files raise InputError."""
    source = str(path)
    problems = ProblemCollector(source)
    try:
        data = read_input_bytes(path, limit=JSON_LIMIT)
    except FileNotFoundError:
        problems.add("", "", str(path), f"an existing {what} file")
        raise InputError(problems.problems) from None
    except NotAnInputFile as exc:
        problems.add("", "", str(path), f"{exc}: a {what} file")
        raise InputError(problems.problems) from None
    except OSError as exc:
        problems.add("", "", exc.strerror, f"a readable {what} file")
        raise InputError(problems.problems) from None
    if not data.strip():
        problems.add("", "", "empty file", f"a {what} file (GeoJSON)")
        raise InputError(problems.problems)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.add(f"byte {exc.start}", "", data[exc.start : exc.start + 4], "UTF-8 text")
        raise InputError(problems.problems) from None
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except (json.JSONDecodeError, ValueError) as exc:
        where = (
            f"line {exc.lineno} column {exc.colno}" if isinstance(exc, json.JSONDecodeError) else ""
        )
        problems.add(where, "", getattr(exc, "msg", str(exc)), "valid JSON")
        raise InputError(problems.problems) from None
    except RecursionError:  # arrays or objects nested thousands deep: no input of ours is
        problems.add("", "", "nested too deeply", f"valid {what} JSON (a few levels deep)")
        raise InputError(problems.problems) from None


def _finite(number: int | float) -> bool:
    try:
        return math.isfinite(number)
    except OverflowError:  # an integer with hundreds of digits
        return False


def _reject_constant(name: str) -> float:
    # NaN and Infinity are not JSON; Python would accept them silently.
    raise ValueError(f"{name} is not a JSON number")


def features(data: Any, problems: ProblemCollector) -> list[dict[str, Any]]:
    """The features of a FeatureCollection (empty list, with a problem, when it is not one)."""
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        kind = data.get("type") if isinstance(data, dict) else type(data).__name__
        problems.add("", "type", kind, "a GeoJSON FeatureCollection")
        return []
    feats = data.get("features")
    if not isinstance(feats, list):
        problems.add("", "features", feats, "a list of features")
        return []
    return feats


def point_coordinates(feature: Any) -> tuple[Any, str | None]:
    """(coordinates, None) for a Point feature, else (value, what is wrong)."""
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        return feature, "a GeoJSON Feature"
    geom = feature.get("geometry")
    if not isinstance(geom, dict):
        return geom, "a Point geometry"
    if geom.get("type") != "Point":
        return geom.get("type"), "a Point geometry"
    coords = geom.get("coordinates")
    if (
        not isinstance(coords, list)
        or len(coords) not in (2, 3)
        or not all(isinstance(c, int | float) and not isinstance(c, bool) for c in coords)
        or not all(_finite(c) for c in coords)
    ):
        return coords, "[longitude, latitude] numbers"
    return coords, None
