"""The prepared network on disk: a compressed .npz beside its OSM source.

The cache records the source's size, modification time and SHA-256 and the
import options. Loading checks the source: same size and time, or else same
SHA-256, and the cache is used as it is; otherwise the source is read again
with the recorded options and the cache replaced.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import logging
import math
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from outreach_planner.errors import InputError, Problem, ProblemCollector
from outreach_planner.io.atomic import write_atomic
from outreach_planner.io.geojson import features, read_json
from outreach_planner.roads.network import RoadNetwork
from outreach_planner.roads.osm import CLASSES, RoadSegments, read_roads

log = logging.getLogger("outreach_planner")

CACHE_FORMAT = 1
CACHE_SUFFIX = ".roads.npz"
_ARRAYS = ("node_id", "lon", "lat", "u", "v", "length_m", "highway", "maxspeed_kmh")


@dataclass(frozen=True)
class ImportOptions:
    """What `roads import` was asked: a bounding box (W, S, E, N) and whether tracks count."""

    bbox: tuple[float, float, float, float] | None = None
    include_tracks: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"bbox": list(self.bbox) if self.bbox else None,
                "include_tracks": self.include_tracks}  # fmt: skip

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ImportOptions:
        bbox = data.get("bbox")
        return cls(tuple(bbox) if bbox else None, bool(data.get("include_tracks")))  # type: ignore[arg-type]


def is_cache(path: Path) -> bool:
    return path.name.endswith(CACHE_SUFFIX)


def default_cache_path(source: Path) -> Path:
    """`SOURCE.roads.npz` beside the source, or in the user's cache folder when that
    folder cannot be written (a read-only data share)."""
    beside = source.with_name(source.name + CACHE_SUFFIX)
    if os.access(source.resolve().parent, os.W_OK):
        return beside
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    digest = hashlib.sha256(str(source.resolve()).encode()).hexdigest()[:16]
    return root / "outreach-planner" / "roads" / f"{digest}-{source.name}{CACHE_SUFFIX}"


def fingerprint(source: Path, *, with_hash: bool = True) -> dict[str, Any]:
    """Size, modification time (ns) and, unless told not to, SHA-256 of a file."""
    st = source.stat()
    out: dict[str, Any] = {"size": st.st_size, "mtime_ns": st.st_mtime_ns}
    if with_hash:
        h = hashlib.sha256()
        with source.open("rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        out["sha256"] = h.hexdigest()
    return out


def parse_bbox(text: str, *, source: str, field: str) -> tuple[float, float, float, float]:
    """'W,S,E,N' in degrees as a tuple; InputError unless W < E and S < N, in range."""
    try:
        w, s, e, n = (float(x) for x in text.split(","))
    except ValueError:
        w = s = e = n = math.nan
    if not (-180 <= w < e <= 180 and -90 <= s < n <= 90):
        raise InputError(
            Problem(source, "", field, text, "W,S,E,N in degrees with W < E and S < N")
        )
    return (w, s, e, n)


def bbox_around(villages: Path, *, margin_km: float) -> tuple[float, float, float, float]:
    """(W, S, E, N) of every Point in a GeoJSON file, widened by `margin_km` each way."""
    problems = ProblemCollector(str(villages))
    lons: list[float] = []
    lats: list[float] = []
    for k, feat in enumerate(features(read_json(villages, what="villages"), problems)):
        geom = feat.get("geometry") if isinstance(feat, dict) else None
        coords = geom.get("coordinates") if isinstance(geom, dict) else None
        if (
            not isinstance(geom, dict) or geom.get("type") != "Point"
            or not isinstance(coords, list) or len(coords) < 2
            or not all(isinstance(c, int | float) for c in coords[:2])
        ):  # fmt: skip
            problems.add(f"feature {k}", "geometry", geom, "a Point with [lon, lat]")
            continue
        lons.append(float(coords[0]))
        lats.append(float(coords[1]))
    if not lons and not problems.problems:
        problems.add("", "features", [], "at least one village Point")
    problems.raise_if_any()
    dlat = margin_km / 110.574
    dlon = margin_km / (111.320 * max(np.cos(np.radians(max(map(abs, lats)))), 0.01))
    return (min(lons) - dlon, min(lats) - dlat, max(lons) + dlon, max(lats) + dlat)


def import_roads(
    source: Path, *, options: ImportOptions | None = None, out: Path | None = None
) -> tuple[RoadNetwork, Path]:
    """Read the roads of an OSM file and write their cache (`out` or the default place)."""
    options = options or ImportOptions()
    cache = out or default_cache_path(source)
    stamp = fingerprint(source) if source.is_file() else {}
    segments = read_roads(source, bbox=options.bbox, include_tracks=options.include_tracks)
    meta = {
        "format": CACHE_FORMAT,
        "source": str(source.resolve()),
        **stamp,
        "options": options.to_json(),
        "classes": list(CLASSES),
        "ways": segments.ways,
    }
    network = RoadNetwork(segments, meta)
    _save(cache, network)
    log.info("%s: %d road nodes, %d segments -> %s", source, network.nodes, network.edges, cache)
    return network, cache


def load_roads(path: Path, *, options: ImportOptions | None = None) -> RoadNetwork:
    """The network of an OSM file or of a cache, rebuilt when its source changed.

    `path` is either a cache (`*.roads.npz`) or an OSM source. For a source, its
    cache is looked for in the default place; a missing cache is made with
    `options` (default: the whole file, no tracks), a stale one with the options it
    recorded.
    """
    if is_cache(path):
        cache, source = path, None
    else:
        cache, source = default_cache_path(path), path
        if not path.is_file():
            raise InputError(
                Problem(str(path), "", "", str(path), "an existing OpenStreetMap file")
            )
    network = _load(cache) if cache.is_file() else None
    if network is None:
        if source is None:
            raise InputError(
                Problem(str(path), "", "", "missing or unreadable",
                        "a road cache written by `outreach-planner roads import`")
            )  # fmt: skip
        return import_roads(source, options=options, out=cache)[0]
    meta = network.meta
    # A source moved together with its cache is still its source if its bytes are.
    recorded = source if source is not None else Path(meta["source"])
    if not recorded.is_file():
        log.warning("%s: its source %s is gone; using the cache as it is", cache, recorded)
        return network
    stamp = fingerprint(recorded, with_hash=False)
    if stamp["size"] == meta.get("size") and stamp["mtime_ns"] == meta.get("mtime_ns"):
        return network
    if stamp["size"] == meta.get("size") and fingerprint(recorded)["sha256"] == meta.get("sha256"):
        # Touched or copied, same bytes: keep the cache and remember the new time.
        network = RoadNetwork(network.segments, {**meta, "mtime_ns": stamp["mtime_ns"]})
        with contextlib.suppress(OSError):  # a read-only cache is still a good one
            _save(cache, network)
        return network
    log.info("%s changed since %s was made; reading it again", recorded, cache)
    return import_roads(recorded, options=ImportOptions.from_json(meta["options"]), out=cache)[0]


def _save(cache: Path, network: RoadNetwork) -> None:
    cache.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    s = network.segments
    arrays = {name: getattr(s, name) for name in _ARRAYS}
    np.savez_compressed(buf, meta=np.array(json.dumps(network.meta)), **arrays)
    write_atomic(cache, buf.getvalue())


def _load(cache: Path) -> RoadNetwork | None:
    """The cached network, or None when the file is not a cache of this format."""
    try:
        with np.load(cache, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            if meta.get("format") != CACHE_FORMAT or meta.get("classes") != list(CLASSES):
                log.info("%s: an older cache format; reading its source again", cache)
                return None
            arrays = {name: data[name] for name in _ARRAYS}
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, json.JSONDecodeError) as exc:
        log.warning("%s: unreadable road cache (%s); reading its source again", cache, exc)
        return None
    return RoadNetwork(RoadSegments(**arrays, ways=int(meta.get("ways", 0))), meta)
