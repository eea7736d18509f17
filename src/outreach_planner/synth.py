"""A SYNTHETIC province to test and measure on, made from real commune centres and areas.

Real: the 2025 communes of a province, their centre points and areas, from the offline
package `vietnamadminunits` (its `admin_units` table). Synthetic, and marked so in every
file: the commune shapes (each commune's Voronoi cell among its neighbours, cut to a
disc of its real area), the villages (about one per 7.6 km², Đắk Song's density: 106
thôn, bon and tổ dân phố on 806.5 km²), their positions, households (lognormal around
200) and people (3.5 to 4.5 per household), and the teams (communes grouped around K
centres by k-means; each team's depot at the centre of its most central commune).

`make_province` writes villages.geojson, communes.geojson, the built-in programme and a
province.toml with one [[teams]] entry per team, ready for `outreach-planner province plan`.
"""

from __future__ import annotations

import json
import math
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import tomli_w
from shapely import voronoi_polygons
from shapely.geometry import MultiPoint, Point, mapping

from outreach_planner.builtin import data_dir
from outreach_planner.errors import InputError, Problem
from outreach_planner.geo import LocalProjection, LonLat

KM2_PER_VILLAGE = 806.5 / 106  # Đắk Song: 806.5 km², about 106 villages (DOMAIN.md)
NOTE = (
    "SYNTHETIC test data made by outreach-planner's synth.py: commune centres, names, codes "
    "and areas are real (vietnamadminunits, 2025 units); commune shapes, villages, their "
    "positions, households, people and the teams are invented."
)


@dataclass(frozen=True)
class UnitCommune:
    code: str
    name: str
    kind: str  # "Xã", "Phường", "Đặc khu"
    centre: LonLat
    area_km2: float


def province_communes(province: str) -> list[UnitCommune]:
    """The 2025 communes of `province` ('Lâm Đồng'), ordered by their official code."""
    import vietnamadminunits

    db = Path(vietnamadminunits.__file__).parent / "data" / "dataset.db"
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT wardCode, ward, wardType, wardLon, wardLat, wardAreaKm2 FROM admin_units "
            "WHERE province = ? OR provinceShort = ? ORDER BY wardCode",
            (f"Tỉnh {province}", province),
        ).fetchall()
    if not rows:
        raise InputError(
            Problem(
                "command line",
                "",
                "--province",
                province,
                "a province of Vietnam's 2025 units, e.g. 'Lâm Đồng'",
            )
        )
    return [
        UnitCommune(
            str(code), str(name), str(kind), LonLat(float(lon), float(lat)), float(area or 20.0)
        )
        for code, name, kind, lon, lat, area in rows
    ]


def make_province(
    out: Path,
    *,
    villages: int,
    teams: int,
    province: str = "Lâm Đồng",
    seed: int = 0,
    weeks: int = 4,
    start: str = "2026-12-07",
) -> Path:
    """Write a synthetic province of `villages` villages and `teams` teams; its settings path."""
    rng = np.random.default_rng(seed)
    every = province_communes(province)
    proj = LocalProjection(every[0].centre)
    xy = np.array([proj.xy(c.centre) for c in every])
    # A compact region: the communes nearest the province's first, until they hold enough.
    order = np.argsort(np.hypot(*(xy - xy[0]).T), kind="stable")
    chosen: list[int] = []
    expected = 0.0
    for i in order:
        chosen.append(int(i))
        expected += max(1.0, every[i].area_km2 / KM2_PER_VILLAGE)
        if expected >= villages:
            break
    counts = _share(villages, [max(1.0, every[i].area_km2 / KM2_PER_VILLAGE) for i in chosen])
    shapes = _commune_shapes(xy, every, chosen)

    features, commune_features = [], []
    for i, n in zip(chosen, counts, strict=True):
        c, shape = every[i], shapes[i]
        commune_features.append(
            {
                "type": "Feature",
                "properties": {
                    "name": c.name,
                    "code": c.code,
                    "area_km2": c.area_km2,
                    "synthetic": True,
                    "estimated": True,
                },
                "geometry": mapping(_to_lonlat(shape, proj)),
            }
        )
        prefix = "Tổ dân phố" if c.kind == "Phường" else "Thôn"
        for k in range(1, n + 1):
            x, y = _point_in(shape, rng)
            households = int(np.clip(rng.lognormal(math.log(200), 0.45), 30, 900))
            people = int(round(households * rng.uniform(3.5, 4.5)))
            p = proj.lonlat(x, y)
            features.append(
                {
                    "type": "Feature",
                    "properties": {
                        "id": f"{c.code}-{k:02d}",
                        "name": f"{prefix} {k}",
                        "commune": c.name,
                        "households": households,
                        "population": people,
                        "languages": ["vi"],
                        "estimated": True,
                        "synthetic": True,
                        "estimated_fields": ["name", "location", "households", "population"],
                    },
                    "geometry": {
                        "type": "Point",
                        "coordinates": [round(p.lon, 6), round(p.lat, 6)],
                    },
                }
            )

    groups = _team_groups(xy[chosen], np.array(counts, dtype=float), teams)
    team_rows = []
    for t in range(teams):
        members = [chosen[j] for j in range(len(chosen)) if groups[j] == t]
        if not members:
            continue
        centroid = xy[members].mean(axis=0)
        home = min(members, key=lambda i: float(np.hypot(*(xy[i] - centroid))))
        load = sum(counts[chosen.index(i)] for i in members)
        team_rows.append(
            {
                "name": f"Đội {t + 1} ({every[home].name})",
                "communes": [every[i].name for i in members],
                "depot": {
                    "name": f"Trung tâm {every[home].name} (synthetic)",
                    "lon": every[home].centre.lon,
                    "lat": every[home].centre.lat,
                    "estimated": True,
                },
                # A vehicle for about every 150 villages, as Đắk Song's one for 106.
                "vehicles": max(1, math.ceil(load / 150)),
            }
        )

    out.mkdir(parents=True, exist_ok=True)
    _write_collection(out / "villages.geojson", f"synthetic villages of {province}", features)
    _write_collection(
        out / "communes.geojson", f"synthetic communes of {province}", commune_features
    )
    builtin = data_dir()
    shutil.copy(builtin / "programme.toml", out / "programme.toml")
    shutil.copytree(builtin / "programme", out / "programme", dirs_exist_ok=True)
    settings = {
        "villages": "villages.geojson",
        "communes": "communes.geojson",
        "programme": "programme.toml",
        "start": start,
        "weeks": weeks,
        "teams": team_rows,
    }
    path = out / "province.toml"
    path.write_text(f"# {NOTE}\n" + tomli_w.dumps(settings), encoding="utf-8")
    return path


def _share(total: int, weights: list[float]) -> list[int]:
    """`total` split in proportion to `weights`, at least 1 each (largest remainder)."""
    raw = np.array(weights) / sum(weights) * total
    counts = np.maximum(1, np.floor(raw)).astype(int)
    for i in np.argsort(-(raw - np.floor(raw)), kind="stable"):
        if counts.sum() >= total:
            break
        counts[i] += 1
    while counts.sum() > total:
        counts[int(np.argmax(counts))] -= 1
    return [int(c) for c in counts]


def _commune_shapes(xy: np.ndarray, every: list[UnitCommune], chosen: list[int]) -> dict:
    """Each chosen commune's Voronoi cell among all the province's centres, cut to its area."""
    cells = voronoi_polygons(MultiPoint([tuple(p) for p in xy]), extend_to=None)
    shapes = {}
    for i in chosen:
        centre = Point(xy[i])
        cell = next(g for g in cells.geoms if g.contains(centre))
        disc = centre.buffer(math.sqrt(every[i].area_km2 * 1e6 / math.pi), quad_segs=16)
        shape = cell.intersection(disc)
        shapes[i] = shape if not shape.is_empty else disc
    return shapes


def _to_lonlat(shape, proj: LocalProjection):  # type: ignore[no-untyped-def]
    import shapely

    return shapely.transform(
        shape, lambda xy: np.column_stack(_vec_lonlat(proj, xy[:, 0], xy[:, 1]))
    )


def _vec_lonlat(proj: LocalProjection, x, y):  # type: ignore[no-untyped-def]
    points = [proj.lonlat(float(a), float(b)) for a, b in zip(x, y, strict=True)]
    return [round(p.lon, 6) for p in points], [round(p.lat, 6) for p in points]


def _point_in(shape, rng: np.random.Generator) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    minx, miny, maxx, maxy = shape.bounds
    inner = shape.buffer(-50) if shape.area > 1e6 else shape  # keep off the boundary
    for _ in range(1000):
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if inner.contains(Point(x, y)):
            return float(x), float(y)
    c = shape.representative_point()
    return float(c.x), float(c.y)


def _team_groups(xy: np.ndarray, weight: np.ndarray, k: int) -> np.ndarray:
    """k-means of commune centres weighted by their villages; seeded by farthest points."""
    k = max(1, min(k, len(xy)))
    centres = [xy[int(np.argmax(weight))]]
    while len(centres) < k:
        d = np.min([np.hypot(*(xy - c).T) for c in centres], axis=0)
        centres.append(xy[int(np.argmax(d))])
    c = np.array(centres)
    for _ in range(50):
        groups = np.argmin(
            np.hypot(xy[:, None, 0] - c[None, :, 0], xy[:, None, 1] - c[None, :, 1]), axis=1
        )
        new = np.array(
            [
                np.average(xy[groups == t], axis=0, weights=weight[groups == t])
                if np.any(groups == t)
                else c[t]
                for t in range(k)
            ]
        )
        if np.allclose(new, c):
            break
        c = new
    return groups


def _write_collection(path: Path, name: str, features: list) -> None:
    data = {
        "type": "FeatureCollection",
        "name": name,
        "synthetic": True,
        "estimated": True,
        "method": NOTE,
        "features": features,
    }
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
