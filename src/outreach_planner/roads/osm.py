"""Reading the drivable roads of an OpenStreetMap extract (.osm.pbf or .osm XML).

The only module that imports pyosmium. It keeps the ways a vehicle can use by
their `highway` class, splits them into directed segments between consecutive
nodes (one-way rules applied) and returns plain arrays; lengths are metres on
the WGS84 ellipsoid.
"""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from outreach_planner.errors import InputError, Problem

log = logging.getLogger("outreach_planner")

# Classes a vehicle may drive on; `*_link` ramps count as their road. Track and path
# (dirt lanes, which motorbikes and small vans use in rural Vietnam) only on request.
DRIVABLE = (
    "motorway", "trunk", "primary", "secondary", "tertiary",
    "unclassified", "residential", "road", "living_street", "service",
)  # fmt: skip
TRACKS = ("track", "path")
CLASSES = DRIVABLE + TRACKS  # a segment's class is its index in this tuple
_LINKS = {f"{c}_link": c for c in ("motorway", "trunk", "primary", "secondary", "tertiary")}

_NO_ACCESS = {"no", "private"}
_ACCESS_KEYS = ("motor_vehicle", "motorcar", "vehicle", "access")  # most specific first
_ONEWAY_YES = {"yes", "1", "true"}
_ONEWAY_REVERSE = {"-1", "reverse"}

SUFFIXES = {".pbf": "pbf", ".osm": "osm", ".gz": "osm.gz", ".bz2": "osm.bz2"}
_KIND = {"pbf": "PBF", "osm": "XML", "osm.gz": "gzipped XML", "osm.bz2": "bzip2 XML"}


@dataclass(frozen=True)
class RoadSegments:
    """Directed segments u -> v between consecutive way nodes (indices into lon/lat)."""

    node_id: np.ndarray  # int64 OSM ids
    lon: np.ndarray  # float64 degrees
    lat: np.ndarray
    u: np.ndarray  # int32
    v: np.ndarray  # int32
    length_m: np.ndarray  # float64
    highway: np.ndarray  # uint8 index into CLASSES
    maxspeed_kmh: np.ndarray  # float32, NaN where the way has no usable maxspeed tag
    ways: int  # ways kept


def road_class(tags: dict[str, str], *, include_tracks: bool) -> str | None:
    """The speed class of a way with these tags, or None when a vehicle may not use it."""
    highway = tags.get("highway", "")
    highway = _LINKS.get(highway, highway)
    allowed = CLASSES if include_tracks else DRIVABLE
    if highway not in allowed or tags.get("area") == "yes":
        return None
    for key in _ACCESS_KEYS:
        if key in tags:
            if tags[key] in _NO_ACCESS:
                return None
            break
    return highway


def oneway(tags: dict[str, str]) -> int:
    """1: only along the way's node order; -1: only against it; 0: both directions."""
    value = tags.get("oneway", "").strip().lower()
    if value in _ONEWAY_YES:
        return 1
    if value in _ONEWAY_REVERSE:
        return -1
    if value == "no":
        return 0
    # Implied one-way (OSM wiki: Key:oneway): roundabouts and motorways with their ramps.
    if tags.get("junction") in ("roundabout", "circular"):
        return 1
    if tags.get("highway") in ("motorway", "motorway_link"):
        return 1
    return 0


MIN_MAXSPEED_KMH = 5.0
_SPEED = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(mph|km/h|kmh|kph)?\s*$", re.IGNORECASE)


def maxspeed_kmh(text: str | None) -> float:
    """km/h of a `maxspeed` tag ('50', '30 mph', '30;50' -> the lowest); NaN when not a number.

    Zone codes like 'VN:urban' or 'none' say nothing usable: NaN, the class speed applies.
    So does a limit below walking pace ('0.01'): a mapping error, not a speed limit.
    """
    if not text:
        return math.nan
    speeds = []
    for part in text.split(";"):
        m = _SPEED.match(part)
        if m:
            value = float(m.group(1)) * (1.609344 if (m.group(2) or "").lower() == "mph" else 1.0)
            if value >= MIN_MAXSPEED_KMH:
                speeds.append(value)
    return min(speeds) if speeds else math.nan


def segment_lengths_m(lon1, lat1, lon2, lat2) -> np.ndarray:  # type: ignore[no-untyped-def]
    """Metres between points on the WGS84 ellipsoid, for short segments (vectorized).

    Uses the meridian and prime-vertical radii of curvature at the mid-latitude:
    for segments up to a few km this agrees with the geodesic to about 1e-6.
    """
    a, f = 6_378_137.0, 1 / 298.257223563
    e2 = f * (2 - f)
    phi = np.radians((np.asarray(lat1) + np.asarray(lat2)) / 2)
    w = np.sqrt(1 - e2 * np.sin(phi) ** 2)
    meridian = a * (1 - e2) / w**3
    normal = a / w
    dphi = np.radians(np.asarray(lat2) - np.asarray(lat1))
    dlmb = np.radians(np.asarray(lon2) - np.asarray(lon1))
    return np.hypot(meridian * dphi, normal * np.cos(phi) * dlmb)


def osm_format(path: Path) -> str:
    """pyosmium's format name for `path` by its suffix; InputError for an unknown suffix."""
    fmt = SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise InputError(
            Problem(str(path), "", "", path.suffix or path.name,
                    "an OpenStreetMap file ending in .osm.pbf, .osm, .osm.gz or .osm.bz2")
        )  # fmt: skip
    return fmt


def read_roads(
    path: Path,
    *,
    bbox: tuple[float, float, float, float] | None = None,
    include_tracks: bool = False,
) -> RoadSegments:
    """The drivable road segments of an OSM file, optionally only ways touching `bbox`.

    `bbox` is (west, south, east, north) in degrees; a way with any node inside
    is kept whole, so roads crossing the border are not cut. A file that is not
    OSM, is truncated or holds no drivable road raises InputError (one line).
    """
    import osmium

    fmt = osm_format(path)
    if not path.is_file():
        raise InputError(Problem(str(path), "", "", str(path), "an existing OpenStreetMap file"))
    ids: dict[int, int] = {}
    lons: list[float] = []
    lats: list[float] = []
    segments: list[tuple[int, int, int, float]] = []  # u, v, class, maxspeed
    kept = missing = 0
    impossible: list[tuple[int, float, float]] = []  # nodes placed off the globe
    try:
        processor = (
            osmium.FileProcessor(osmium.io.File(str(path), fmt), osmium.osm.NODE | osmium.osm.WAY)
            .with_locations()
            .with_filter(osmium.filter.EntityFilter(osmium.osm.WAY))
            .with_filter(osmium.filter.KeyFilter("highway"))
        )
        for way in processor:
            assert isinstance(way, osmium.osm.Way)  # the entity filter lets only ways through
            tags = dict(way.tags)
            cls = road_class(tags, include_tracks=include_tracks)
            if cls is None:
                continue
            nodes: list[tuple[int, float, float] | None] = []
            for nd in way.nodes:
                loc = nd.location
                if loc.valid():
                    nodes.append((nd.ref, loc.lon, loc.lat))
                elif loc.x != _UNDEFINED and loc.y != _UNDEFINED:  # in the file, off the globe
                    impossible.append((nd.ref, loc.x / 1e7, loc.y / 1e7))
                    nodes.append(None)
                else:
                    nodes.append(None)  # outside the extract: the way breaks here
                    missing += 1
            if bbox is not None and not any(
                n is not None and bbox[0] <= n[1] <= bbox[2] and bbox[1] <= n[2] <= bbox[3]
                for n in nodes
            ):
                continue
            direction = oneway(tags)
            code = CLASSES.index(cls)
            limit = maxspeed_kmh(tags.get("maxspeed"))
            kept += 1
            for a, b in zip(nodes, nodes[1:], strict=False):
                if a is None or b is None or a[0] == b[0]:
                    continue
                ia, ib = (_index(ids, lons, lats, n) for n in (a, b))
                if direction >= 0:
                    segments.append((ia, ib, code, limit))
                if direction <= 0:
                    segments.append((ib, ia, code, limit))
    except osmium.InvalidLocationError as exc:  # a coordinate that is not a number
        raise InputError(
            Problem(str(path), "", "lat/lon", _first_line(exc), "node coordinates as numbers")
        ) from None
    except RuntimeError as exc:  # libosmium's parse errors: truncated, not OSM, bad XML
        raise InputError(
            Problem(
                str(path), "", "", _first_line(exc), f"a complete OpenStreetMap {_KIND[fmt]} file"
            )  # fmt: skip
        ) from None
    if impossible:
        ref, x, y = impossible[0]
        more = f" (and {len(impossible) - 1} more nodes)" if len(impossible) > 1 else ""
        raise InputError(
            Problem(str(path), f"node {ref}{more}", "lon/lat", [x, y],
                    "longitude -180..180 and latitude -90..90")
        )  # fmt: skip
    if not segments:
        where = f" inside {bbox}" if bbox else ""
        raise InputError(
            Problem(str(path), "", "highway", f"no drivable road{where}",
                    f"ways tagged highway={'|'.join(CLASSES if include_tracks else DRIVABLE)}")
        )  # fmt: skip
    if missing:
        log.info("%s: %d way nodes lie outside the extract; their roads end there", path, missing)
    lon = np.array(lons)
    lat = np.array(lats)
    us, vs, classes, limits = zip(*segments, strict=True)
    u = np.array(us, dtype=np.int32)
    v = np.array(vs, dtype=np.int32)
    return RoadSegments(
        node_id=np.array(list(ids), dtype=np.int64),
        lon=lon,
        lat=lat,
        u=u,
        v=v,
        length_m=segment_lengths_m(lon[u], lat[u], lon[v], lat[v]),
        highway=np.array(classes, dtype=np.uint8),
        maxspeed_kmh=np.array(limits, dtype=np.float32),
        ways=kept,
    )


def _index(ids: dict[int, int], lons: list[float], lats: list[float], node: tuple) -> int:
    ref, lon, lat = node
    i = ids.get(ref)
    if i is None:
        i = ids[ref] = len(lons)
        lons.append(lon)
        lats.append(lat)
    return i


_UNDEFINED = 2**31 - 1  # libosmium's coordinate of a node the file does not hold


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
