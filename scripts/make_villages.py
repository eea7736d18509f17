#!/usr/bin/env python3
"""Build the Đắk Song data layers in ``data/`` from the real source files.

Outputs (in ``--out``, default ``<repo>/data``):

* ``communes.geojson``  -- the 9 real commune polygons (2019 units) with a
  reduced set of 2019 census properties.
* ``villages.geojson``  -- an ESTIMATED village layer: no real list of the
  district's thôn / bon / tổ dân phố is available offline, so villages are
  generated from the commune census totals with fixed, seeded rules (see
  ``data/README.md``, section "Estimated data").
* ``landmarks_osm.geojson`` -- byte-for-byte copy of the OSM landmarks.

The run is deterministic: the same inputs and ``--seed`` give byte-identical
files.  The script finishes by checking its own output and printing a table.

Usage (from the repo root)::

    python scripts/make_villages.py [INPUT_DIR] [--out DIR] [--seed N]

Only numpy, shapely and the standard library are used.
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import sys
from pathlib import Path

import numpy as np
from shapely import affinity
from shapely.geometry import Point, shape
from shapely.prepared import prep

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_INPUT = (REPO_ROOT / ".." / "shared" / "data" / "daksong").resolve()
DEFAULT_OUT = REPO_ROOT / "data"
DEFAULT_SEED = 20190401  # census reference date 1/4/2019

# --- village rules (all documented in data/README.md) -----------------------
HOUSEHOLDS_PER_VILLAGE = 200  # target mean; gives ~one village per 150-250 hh
VILLAGE_HH_MIN = 150  # households, inclusive
VILLAGE_HH_MAX = 250  # households, inclusive

# Communes with many M'Nông residents (Đắk Song district portal).  The share
# of their villages that are M'Nông-speaking is an ASSUMPTION, not data.
MNONG_COMMUNES = ("Đắk N'Drung", "Trường Xuân", "Đắk Môl")
MNONG_SHARE = 0.4

MIN_SPACING_M = 700.0  # wanted minimum distance between any two villages
INSET_M = 150.0  # villages stay at least this far inside the commune border
TRIES_PER_LEVEL = 5000  # rejection-sampling attempts before relaxing spacing
SPACING_RELAX = 0.8  # factor applied to the spacing after a failed level
COORD_DECIMALS = 6  # ~0.1 m at this latitude

# Local equirectangular projection centred on the district.  Over the
# district's ~40 km extent its scale error is far below the 150 m inset, and
# being affine it maps "inside polygon" exactly between the two systems.
LON0 = 107.6  # degrees E
LAT0 = 12.2  # degrees N
M_PER_DEG_LON = 111320.0 * math.cos(math.radians(LAT0))  # metres / degree
M_PER_DEG_LAT = 110574.0  # metres / degree

COMMUNE_PROPS = (
    "name",
    "name_full",
    "gso_code",
    "type",
    "commune_2025",
    "population_2019",
    "households_2019",
)
ESTIMATED_FIELDS = ["name", "location", "households", "population", "languages"]


# --- I/O ----------------------------------------------------------------------
def read_geojson(path: Path) -> dict:
    """Load a GeoJSON file as a dict."""
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)


def write_json(path: Path, data: dict) -> None:
    """Write JSON as UTF-8 (no \\u escapes), indent 1, trailing newline."""
    text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    path.write_text(text, encoding="utf-8")


# --- projection -----------------------------------------------------------------
def to_metric(geom):
    """Project a lon/lat (degrees) shapely geometry to local x/y in metres."""
    shifted = affinity.translate(geom, xoff=-LON0, yoff=-LAT0)
    return affinity.scale(shifted, xfact=M_PER_DEG_LON, yfact=M_PER_DEG_LAT, origin=(0, 0))


def to_lonlat(x: float, y: float) -> tuple[float, float]:
    """Convert local metres back to (lon, lat) in degrees, rounded."""
    lon = LON0 + x / M_PER_DEG_LON
    lat = LAT0 + y / M_PER_DEG_LAT
    return round(lon, COORD_DECIMALS), round(lat, COORD_DECIMALS)


# --- communes -------------------------------------------------------------------
def build_communes(source: dict) -> dict:
    """Reduce the source commune collection to the planner's properties.

    Geometry is passed through untouched; ``area_km2`` (km²) is the source's
    ``area_km2_computed``.  Features are sorted by GSO code.
    """
    features = []
    for feat in source["features"]:
        props = {key: feat["properties"][key] for key in COMMUNE_PROPS}
        props["area_km2"] = feat["properties"]["area_km2_computed"]
        features.append({"type": "Feature", "properties": props, "geometry": feat["geometry"]})
    features.sort(key=lambda f: f["properties"]["gso_code"])
    out = {"type": "FeatureCollection", "name": "dak_song_communes_2019"}
    # Carry the source's credit line(s) so the licence travels with the data.
    for key in ("attribution", "source"):
        if key in source:
            out[key] = source[key]
    out["features"] = features
    return out


# --- village counts and sizes -------------------------------------------------
def village_count(households: int) -> int:
    """Number of villages for a commune: households / 200 rounded half up, >= 1."""
    return max(1, math.floor(households / HOUSEHOLDS_PER_VILLAGE + 0.5))


def split_households(total: int, n: int, rng: np.random.Generator) -> list[int]:
    """Random village sizes (households) summing exactly to ``total``.

    Sizes start uniform in [150, 250] and are then nudged one household at a
    time (random village with room left) until the sum matches.  If the total
    cannot fit n villages of 150-250, the bounds widen just enough to the
    nearest feasible ones, i.e. sizes stay as close to the range as possible.
    """
    lo = min(VILLAGE_HH_MIN, total // n)
    hi = max(VILLAGE_HH_MAX, -(-total // n))
    sizes = rng.integers(lo, hi + 1, size=n)
    sizes = np.clip(sizes, lo, hi)
    diff = total - int(sizes.sum())
    while diff != 0:
        step = 1 if diff > 0 else -1
        room = np.flatnonzero(sizes < hi) if step > 0 else np.flatnonzero(sizes > lo)
        # room is never empty: lo*n <= total <= hi*n by construction.
        sizes[rng.choice(room)] += step
        diff -= step
    return [int(s) for s in sizes]


def split_population(total: int, weights: list[int]) -> list[int]:
    """Split ``total`` persons in proportion to ``weights`` (largest remainder).

    Integer arithmetic throughout, so the result sums exactly to ``total``;
    ties in the remainder go to the lower index.
    """
    wsum = sum(weights)
    shares = [total * w // wsum for w in weights]
    remainders = [total * w % wsum for w in weights]
    left = total - sum(shares)
    order = sorted(range(len(weights)), key=lambda i: (-remainders[i], i))
    for i in order[:left]:
        shares[i] += 1
    return shares


def assign_languages(commune: str, n: int, rng: np.random.Generator) -> list[list[str]]:
    """Languages per village: ceil(40 %) of a shuffled order get M'Nông.

    Only the communes in ``MNONG_COMMUNES`` get any M'Nông villages.
    """
    langs = [["vi"] for _ in range(n)]
    if commune in MNONG_COMMUNES:
        k = math.ceil(MNONG_SHARE * n)
        for i in rng.permutation(n)[:k]:
            langs[int(i)] = ["vi", "mnong"]
    return langs


def village_names(commune_type: str, langs: list[list[str]]) -> list[str]:
    """Placeholder names, numbered from 1 within each commune and kind."""
    counters: dict[str, int] = {}
    names = []
    for lang in langs:
        if commune_type == "Thị trấn":
            kind = "Tổ dân phố"  # urban residential groups in the town
        elif "mnong" in lang:
            kind = "Bon"  # M'Nông villages are called bon
        else:
            kind = "Thôn"
        counters[kind] = counters.get(kind, 0) + 1
        names.append(f"{kind} {counters[kind]}")
    return names


# --- locations ------------------------------------------------------------------
def sample_points(
    polygon_m, n: int, placed: list[tuple[float, float]], rng: np.random.Generator
) -> list[tuple[float, float]]:
    """Draw n points (metres) uniformly inside ``polygon_m`` by rejection.

    Points keep INSET_M from the border and MIN_SPACING_M from every point
    already in ``placed`` (the whole district, which is extended in place).
    After TRIES_PER_LEVEL failures the spacing is multiplied by SPACING_RELAX,
    so the loop always ends.
    """
    inner = polygon_m.buffer(-INSET_M)
    if inner.is_empty:  # tiny polygon: fall back to the polygon itself
        inner = polygon_m
    inner_p = prep(inner)
    minx, miny, maxx, maxy = inner.bounds
    new = []
    spacing = MIN_SPACING_M
    while len(new) < n:
        for _ in range(TRIES_PER_LEVEL):
            x = float(rng.uniform(minx, maxx))
            y = float(rng.uniform(miny, maxy))
            if not inner_p.contains(Point(x, y)):
                continue
            if all(math.hypot(x - px, y - py) >= spacing for px, py in placed):
                placed.append((x, y))
                new.append((x, y))
                break
        else:
            spacing *= SPACING_RELAX
    return new


# --- villages -------------------------------------------------------------------
def build_villages(communes: dict, seed: int) -> dict:
    """Generate the estimated village FeatureCollection from the communes.

    Independent random streams (sizes, languages, locations) are spawned from
    ``seed`` so that changing one rule does not reshuffle the others.
    """
    rng_size, rng_lang, rng_loc = (
        np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(3)
    )
    placed: list[tuple[float, float]] = []  # all village points so far (metres)
    features = []
    for feat in communes["features"]:  # sorted by gso_code -> fixed order
        p = feat["properties"]
        n = village_count(p["households_2019"])
        households = split_households(p["households_2019"], n, rng_size)
        population = split_population(p["population_2019"], households)
        langs = assign_languages(p["name"], n, rng_lang)
        names = village_names(p["type"], langs)
        points = sample_points(to_metric(shape(feat["geometry"])), n, placed, rng_loc)
        for i in range(n):
            lon, lat = to_lonlat(*points[i])
            props = {
                "id": f"{p['gso_code']}-{i + 1:02d}",
                "name": names[i],
                "commune": p["name"],
                "households": households[i],
                "population": population[i],
                "languages": langs[i],
                "estimated": True,
                "estimated_fields": list(ESTIMATED_FIELDS),
            }
            geom = {"type": "Point", "coordinates": [lon, lat]}
            features.append({"type": "Feature", "properties": props, "geometry": geom})
    features.sort(key=lambda f: f["properties"]["id"])
    return {
        "type": "FeatureCollection",
        "name": "dak_song_villages_estimated",
        "estimated": True,
        "method": (
            f"Estimated by scripts/make_villages.py (seed {seed}) from the 2019 "
            "census commune totals and commune polygons; names, locations, "
            "sizes and languages are not real, see data/README.md."
        ),
        "features": features,
    }


# --- checks ---------------------------------------------------------------------
def check_output(communes: dict, villages: dict) -> list[tuple]:
    """Verify the village layer against the census; return per-commune rows.

    Raises SystemExit on any failure (sum mismatch, point outside polygon).
    """
    polys = {f["properties"]["name"]: shape(f["geometry"]) for f in communes["features"]}
    errors = []
    rows = []
    for feat in communes["features"]:
        p = feat["properties"]
        vs = [v for v in villages["features"] if v["properties"]["commune"] == p["name"]]
        hh = sum(v["properties"]["households"] for v in vs)
        pop = sum(v["properties"]["population"] for v in vs)
        bon = sum(v["properties"]["name"].startswith("Bon ") for v in vs)
        if hh != p["households_2019"]:
            errors.append(f"{p['name']}: households {hh} != {p['households_2019']}")
        if pop != p["population_2019"]:
            errors.append(f"{p['name']}: population {pop} != {p['population_2019']}")
        for v in vs:
            if not polys[p["name"]].contains(Point(v["geometry"]["coordinates"])):
                errors.append(f"{v['properties']['id']}: point outside {p['name']}")
        rows.append((p["name"], len(vs), hh, pop, bon))
    if errors:
        sys.exit("CHECK FAILED:\n" + "\n".join(errors))
    return rows


def min_spacing_m(villages: dict) -> float:
    """Smallest distance (metres) between any two village points."""
    xy = np.array(
        [
            ((lon - LON0) * M_PER_DEG_LON, (lat - LAT0) * M_PER_DEG_LAT)
            for lon, lat in (f["geometry"]["coordinates"] for f in villages["features"])
        ]
    )
    d = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    np.fill_diagonal(d, np.inf)
    return float(d.min())


def print_table(rows: list[tuple]) -> None:
    """Print the per-commune summary table."""
    print(f"{'commune':<14}{'villages':>9}{'households':>11}{'population':>11}{'Bon':>5}")
    for name, n, hh, pop, bon in rows:
        print(f"{name:<14}{n:>9}{hh:>11}{pop:>11}{bon:>5}")
    tot = [sum(r[i] for r in rows) for i in range(1, 5)]
    print(f"{'TOTAL':<14}{tot[0]:>9}{tot[1]:>11}{tot[2]:>11}{tot[3]:>5}")


# --- main -----------------------------------------------------------------------
def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "input",
        nargs="?",
        type=Path,
        default=DEFAULT_INPUT,
        help=f"source folder (default: {DEFAULT_INPUT})",
    )
    ap.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help=f"output folder (default: {DEFAULT_OUT})"
    )
    ap.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default: {DEFAULT_SEED})"
    )
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    """Read the sources, write the three layers, check and summarise them."""
    args = parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)

    communes = build_communes(read_geojson(args.input / "communes_2019.geojson"))
    names = {f["properties"]["name"] for f in communes["features"]}
    missing = set(MNONG_COMMUNES) - names
    if missing:  # guards against spelling drift (e.g. a different apostrophe)
        sys.exit(f"M'Nông communes not found in source: {sorted(missing)}")

    villages = build_villages(communes, args.seed)
    write_json(args.out / "communes.geojson", communes)
    write_json(args.out / "villages.geojson", villages)
    shutil.copyfile(args.input / "landmarks_osm.geojson", args.out / "landmarks_osm.geojson")

    # Check the files as written, not the in-memory objects.
    communes = read_geojson(args.out / "communes.geojson")
    villages = read_geojson(args.out / "villages.geojson")
    rows = check_output(communes, villages)
    print_table(rows)
    print(
        f"checks OK: household and population sums match the 2019 census, "
        f"all {len(villages['features'])} points inside their commune; "
        f"min spacing {min_spacing_m(villages):.0f} m"
    )


if __name__ == "__main__":
    main()
