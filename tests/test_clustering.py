"""Villages -> stops: coverage within the audible radius, determinism, stable ids."""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from outreach_planner.clustering import cluster_villages
from outreach_planner.domain import Stop, Village
from outreach_planner.geo import LocalProjection, LonLat, geodesic_m
from outreach_planner.io.villages import load_villages

RADIUS_M = 300.0
BOX_CORNER = LonLat(107.55, 12.20)


@pytest.fixture(scope="module")
def tiny_villages(tiny_dir: Path) -> list[Village]:
    """The 6 tiny villages; A-1 and A-2 are 215 m apart, the rest over 1 km from any other."""
    return load_villages(tiny_dir / "villages.geojson")


@pytest.fixture(scope="module")
def tiny_stops(tiny_villages: list[Village]) -> list[Stop]:
    """The tiny villages clustered with a 300 m radius."""
    return cluster_villages(tiny_villages, radius_m=RADIUS_M)


def assert_cover(villages: list[Village], stops: list[Stop], radius_m: float) -> None:
    """Every village in exactly one stop, within `radius_m` of the stop's position."""
    counts = Counter(v.id for s in stops for v in s.villages)
    assert counts == Counter(v.id for v in villages)
    for stop in stops:
        for v in stop.villages:
            assert geodesic_m(stop.position, v.position) <= radius_m, (stop.id, v.id)


def test_fixture_has_one_close_pair(tiny_villages: list[Village]) -> None:
    by_id = {v.id: v for v in tiny_villages}
    assert 150 < geodesic_m(by_id["A-1"].position, by_id["A-2"].position) < 2 * RADIUS_M


def test_close_villages_share_a_stop(tiny_stops: list[Stop]) -> None:
    assert [(s.id, [v.id for v in s.villages]) for s in tiny_stops] == [
        ("S-A-1", ["A-1", "A-2"]),
        ("S-A-3", ["A-3"]),
        ("S-A-4", ["A-4"]),
        ("S-B-1", ["B-1"]),
        ("S-B-2", ["B-2"]),
    ]


def test_lone_village_stop_stands_at_the_village(tiny_stops: list[Stop]) -> None:
    lone = [s for s in tiny_stops if len(s.villages) == 1]
    assert lone and all(s.position == s.villages[0].position for s in lone)


def test_tiny_stops_cover_every_village(
    tiny_villages: list[Village], tiny_stops: list[Stop]
) -> None:
    assert_cover(tiny_villages, tiny_stops, RADIUS_M)


def test_small_radius_gives_one_stop_per_village(tiny_villages: list[Village]) -> None:
    stops = cluster_villages(tiny_villages, radius_m=100)
    assert [s.id for s in stops] == [f"S-{v.id}" for v in tiny_villages]


def test_no_villages_no_stops() -> None:
    assert cluster_villages([], radius_m=RADIUS_M) == []


def test_deterministic(tiny_villages: list[Village], tiny_stops: list[Stop]) -> None:
    assert cluster_villages(tiny_villages, radius_m=RADIUS_M) == tiny_stops


def test_input_order_does_not_matter(tiny_villages: list[Village], tiny_stops: list[Stop]) -> None:
    assert cluster_villages(tiny_villages[::-1], radius_m=RADIUS_M) == tiny_stops


def test_stop_id_is_s_and_its_smallest_village_id(tiny_stops: list[Stop]) -> None:
    assert all(s.id == "S-" + min(v.id for v in s.villages) for s in tiny_stops)


def test_stop_figures_are_the_sums_of_its_villages(tiny_stops: list[Stop]) -> None:
    shared = tiny_stops[0]
    assert (shared.population, shared.households) == (800 + 600, 200 + 150)
    assert shared.name == "Thôn 1 + Thôn 2, Xã A"


def test_stop_languages_put_vietnamese_first(tiny_stops: list[Stop]) -> None:
    by_id = {s.id: s for s in tiny_stops}
    assert by_id["S-A-3"].languages == ("vi", "mnong")
    assert by_id["S-A-1"].languages == ("vi",)


def village(n: int, xy: tuple[float, float], population: int) -> Village:
    """Village V-nn at `xy` metres east and north of the box corner."""
    return Village(
        id=f"V-{n:02d}",
        name=f"Thôn {n}",
        commune="Xã A",
        position=LocalProjection(BOX_CORNER).lonlat(*xy),
        households=population // 4,
        population=population,
    )


villages_in_a_5km_box = st.lists(
    st.tuples(
        st.tuples(st.floats(0, 5000), st.floats(0, 5000)),
        st.integers(0, 3000),
    ),
    min_size=1,
    max_size=30,
).map(lambda rows: [village(n, xy, pop) for n, (xy, pop) in enumerate(rows)])


@settings(max_examples=100, deadline=None)
@given(villages=villages_in_a_5km_box, radius_m=st.floats(50, 1000))
def test_every_village_in_one_stop_within_the_radius(
    villages: list[Village], radius_m: float
) -> None:
    stops = cluster_villages(villages, radius_m=radius_m)
    assert_cover(villages, stops, radius_m)
    assert [s.id for s in stops] == sorted(s.id for s in stops)


def _greedy_by_rescoring(villages: list[Village], radius_m: float) -> list[frozenset[str]]:
    """The rule stated plainly: re-score every candidate each round (slow, obviously right)."""
    ordered = sorted(villages, key=lambda v: v.id)
    # Candidates as the module defines them: villages, and midpoints (in its local projection)
    # of pairs close enough to share a loudspeaker.
    proj = LocalProjection(
        LonLat(
            sum(v.position.lon for v in ordered) / len(ordered),
            sum(v.position.lat for v in ordered) / len(ordered),
        )
    )
    cands = [v.position for v in ordered]
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            (ax, ay), (bx, by) = proj.xy(a.position), proj.xy(b.position)
            if math.hypot(ax - bx, ay - by) <= 2 * radius_m * 1.02:
                cands.append(proj.lonlat((ax + bx) / 2, (ay + by) / 2))
    reach = [
        [k for k, v in enumerate(ordered) if geodesic_m(c, v.position) <= radius_m] for c in cands
    ]
    uncovered = set(range(len(ordered)))
    groups = []
    while uncovered:
        best = max(
            range(len(cands)),
            key=lambda c: (
                sum(ordered[k].population for k in reach[c] if k in uncovered),
                sum(1 for k in reach[c] if k in uncovered),
                -c,
            ),
        )
        groups.append(frozenset(ordered[k].id for k in reach[best] if k in uncovered))
        uncovered -= set(reach[best])
    return sorted(groups, key=sorted)


@settings(max_examples=5, deadline=None)
@given(st.integers(min_value=0, max_value=10_000))
def test_lazy_greedy_takes_the_same_stops_as_rescoring_every_round(seed: int) -> None:
    """Dense random villages (many overlapping candidates): the same groups as the plain rule."""
    import random

    rng = random.Random(seed)
    villages = [
        Village(f"V{i:03d}", f"V{i}", "C", LonLat(107.55 + rng.random() * 0.012,
                12.20 + rng.random() * 0.012), 10, rng.choice([40, 40, 90, 300]))
        for i in range(30)
    ]  # fmt: skip
    stops = cluster_villages(villages, radius_m=RADIUS_M)
    got = sorted((frozenset(v.id for v in s.villages) for s in stops), key=sorted)
    assert got == _greedy_by_rescoring(villages, RADIUS_M)


# --- lower bounds: villages one loudspeaker position could reach DO share a stop ------------


@pytest.mark.parametrize("apart_m", [280.0, 450.0, 580.0])
def test_two_villages_one_position_can_reach_share_a_stop(apart_m: float) -> None:
    # Their midpoint is apart_m / 2 <= 290 m from each: one loudspeaker reaches both.
    pair = [village(1, (1000.0, 1000.0), 500), village(2, (1000.0 + apart_m, 1000.0), 400)]
    (stop,) = cluster_villages(pair, radius_m=RADIUS_M)
    assert [v.id for v in stop.villages] == ["V-01", "V-02"]
    assert_cover(pair, [stop], RADIUS_M)


def test_two_villages_no_position_can_reach_stay_apart() -> None:
    pair = [village(1, (1000.0, 1000.0), 500), village(2, (1620.0, 1000.0), 400)]
    assert len(cluster_villages(pair, radius_m=RADIUS_M)) == 2


def test_three_villages_on_a_line_share_the_middle_position() -> None:
    # 560 m end to end: the middle of the line is 280 m from each end and reaches all three.
    line = [village(n, (1000.0 + 280.0 * n, 1000.0), 300) for n in range(3)]
    stops = cluster_villages(line, radius_m=RADIUS_M)
    assert [[v.id for v in s.villages] for s in stops] == [["V-00", "V-01", "V-02"]]


def test_stops_init_writes_villages_within_reach_into_one_stop(
    tiny_dir: Path, tmp_path: Path
) -> None:
    """The stop list as users see it, and the stops `plan` makes without one: Thôn 4 moved
    560 m from Bon 3 joins its stop."""
    import csv
    import json

    from outreach_planner.cli import main

    data = json.loads((tiny_dir / "villages.geojson").read_text(encoding="utf-8"))
    where = {f["properties"]["id"]: f for f in data["features"]}
    a3 = LonLat(*where["A-3"]["geometry"]["coordinates"])
    moved = LocalProjection(a3).lonlat(0.0, 560.0)
    where["A-4"]["geometry"]["coordinates"] = [moved.lon, moved.lat]
    (tmp_path / "villages.geojson").write_text(json.dumps(data), encoding="utf-8")
    settings = (tiny_dir / "settings.toml").read_text(encoding="utf-8")
    for key in ("communes", "programme"):
        settings = settings.replace(f'{key} = "', f'{key} = "{tiny_dir.as_posix()}/', 1)
    (tmp_path / "settings.toml").write_text(settings, encoding="utf-8")
    args = ["stops", "init", "--settings", str(tmp_path / "settings.toml"),
            "--file", str(tmp_path / "stops.csv")]  # fmt: skip
    assert main(args) == 0
    with (tmp_path / "stops.csv").open(encoding="utf-8-sig", newline="") as f:
        groups = sorted(row["villages"] for row in csv.DictReader(f))
    assert groups == ["A-1;A-2", "A-3;A-4", "B-1", "B-2"]
    from outreach_planner.planner import load_inputs
    from outreach_planner.settings import load_settings

    stops = load_inputs(load_settings(tmp_path / "settings.toml")).stops
    assert sorted(";".join(v.id for v in s.villages) for s in stops) == groups


def test_a_stop_of_two_communes_names_both(tiny_stops: list[Stop]) -> None:
    assert {s.id: s.name for s in tiny_stops}["S-B-2"] == "Bon 2, Xã B"
    # Villages of two communes at one position: both communes, in village order.
    pair = [village(1, (1000.0, 1000.0), 500), village(2, (1200.0, 1000.0), 400)]
    pair[1] = Village(**{**pair[1].__dict__, "commune": "Xã B"})
    (stop,) = cluster_villages(pair, radius_m=RADIUS_M)
    assert stop.name == "Thôn 1 + Thôn 2, Xã A, Xã B"
