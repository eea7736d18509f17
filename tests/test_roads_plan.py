"""Planning on roads: seven villages in the Kouvola OpenStreetMap extract, one of them on a
road piece the rest of the network does not reach. Map data © OpenStreetMap contributors."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from plan_checks import check_plan, read_rules

from outreach_planner.errors import InputError
from outreach_planner.io.plan_json import plan_to_json
from outreach_planner.labels import Labels
from outreach_planner.planner import load_and_plan
from outreach_planner.render.maps import render_run_map
from outreach_planner.roads import cache as cache_module
from outreach_planner.roads.osm import read_roads, segment_lengths_m
from outreach_planner.settings import load_settings, settings_from_mapping

DATA = Path(__file__).parent / "data"
KOUVOLA = DATA / "kouvola"


def _haversine_m(a: list[float], b: list[float]) -> float:
    import math

    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6_371_000 * math.asin(math.sqrt(h))


@pytest.fixture(scope="session")
def road_plan(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """`outreach-planner plan --roads` over the Kouvola villages: (output folder, plan.json)."""
    folder = tmp_path_factory.mktemp("kouvola-plan")
    osm = shutil.copy(DATA / "osm" / "kouvola.osm.pbf", folder)
    result = subprocess.run(
        [sys.executable, "-m", "outreach_planner", "plan", "--settings",
         str(KOUVOLA / "settings.toml"), "--roads", str(osm), "--out", "out", "--quiet",
         "--lang", "en"],
        cwd=folder, env={**os.environ, "PYTHONIOENCODING": "utf-8"}, capture_output=True,
        text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    # The unreachable village is reported by name and coordinates on the terminal.
    assert "Thôn Cô Lập" in result.stderr and "(26.93234, 60.52294)" in result.stderr
    out = folder / "out"
    return out, json.loads((out / "plan.json").read_text(encoding="utf-8"))


def _legs(plan: dict[str, Any]) -> list[tuple[list[float], list[float], dict[str, Any]]]:
    """(from, to, leg) of every drive of every run."""
    stops = {s["id"]: [s["lon"], s["lat"]] for s in plan["stops"]}
    depot = [plan["settings"]["depot"]["lon"], plan["settings"]["depot"]["lat"]]
    legs = []
    for run in plan["runs"]:
        here = depot
        for v in run["visits"]:
            legs.append((here, stops[v["stop_id"]], v["leg"]))
            here = stops[v["stop_id"]]
        if run["visits"]:
            legs.append((here, depot, run["leg_back"]))
    return legs


def test_road_plan_passes_the_independent_check(road_plan: tuple[Path, dict]) -> None:
    _, plan = road_plan
    assert plan["travel_model"] == "roads"
    rules = read_rules(KOUVOLA / "settings.toml", roads="kouvola.osm.pbf")
    assert check_plan(plan, rules) == []
    assert plan["summary"]["stops_visited"] == 6


def test_every_leg_follows_many_road_vertices(road_plan: tuple[Path, dict]) -> None:
    _, plan = road_plan
    legs = _legs(plan)
    assert len(legs) == 7
    for start, end, leg in legs:
        path = leg["path"]
        assert len(path) >= 15, leg
        assert path[0] == pytest.approx(start) and path[-1] == pytest.approx(end)
        length = sum(_haversine_m(a, b) for a, b in zip(path, path[1:], strict=False))
        assert length == pytest.approx(leg["distance_m"], rel=0.01, abs=5)
        assert leg["distance_m"] >= _haversine_m(start, end)


def test_no_leg_is_faster_than_the_straight_line_at_the_fastest_speed(
    road_plan: tuple[Path, dict],
) -> None:
    _, plan = road_plan
    fastest = max(plan["settings"]["road_speeds_kmh"].values()) / 3.6
    for start, end, leg in _legs(plan):
        assert leg["travel_s"] >= _haversine_m(start, end) * 0.995 / fastest
        assert leg["travel_s"] % 60 == 0  # whole minutes, like the straight-line model


def test_unreachable_village_is_unassigned_with_its_reason(road_plan: tuple[Path, dict]) -> None:
    _, plan = road_plan
    (u,) = plan["unassigned"]
    assert u["stop_id"] == "S-K-7" and u["missing_visits"] == 1
    assert "Thôn Cô Lập" in u["reason"] and "(26.93234, 60.52294)" in u["reason"]
    assert "not linked to the depot" in u["reason"]
    assert u["code"] == "unreachable"
    assert u["reason_vi"] == "đường bộ không nối điểm này với điểm xuất phát theo cả hai chiều"


def test_plan_json_reports_roads_and_snaps(road_plan: tuple[Path, dict]) -> None:
    _, plan = road_plan
    assert plan["roads"] == {
        "source": "kouvola.osm.pbf",
        "attribution": "© OpenStreetMap contributors",
        "depot_snap_m": 0,
    }
    assert plan["settings"]["roads"] == "kouvola.osm.pbf"
    snaps = {s["id"]: s["snap_m"] for s in plan["stops"]}
    assert all(0 <= m < 100 for m in snaps.values()) and snaps["S-K-7"] == 0
    empty = [r for r in plan["runs"] if not r["visits"]]
    assert all(r["leg_back"] == {"distance_m": 0, "travel_s": 0, "path": []} for r in empty)


def test_run_map_draws_legs_along_the_roads(road_plan: tuple[Path, dict]) -> None:
    out, plan = road_plan
    run = next(r for r in plan["runs"] if r["visits"])
    page = (out / f"run-{run['id']}.html").read_text(encoding="utf-8")
    assert "© OpenStreetMap contributors</a> (ODbL)" in page
    assert "Legs follow the roads" in page and "straight lines" not in page
    assert page.count("L.polyline(") == len(run["visits"]) + 1  # one per leg
    assert '"dashArray": "8 6"' not in page  # solid lines
    first = run["visits"][0]
    km = f"{first['leg']['distance_m'] / 1000:.1f} km, {round(first['leg']['travel_s'] / 60)} min"
    assert km in page  # distance and minutes of the leg, on hover


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The OSM files read in this test (a cache hit reads none)."""
    seen: list[Path] = []

    def counting(path: Path, **kwargs: Any):  # type: ignore[no-untyped-def]
        seen.append(path)
        return read_roads(path, **kwargs)

    monkeypatch.setattr(cache_module, "read_roads", counting)
    return seen


def test_roads_setting_reuses_the_cache(tmp_path: Path, reads: list[Path]) -> None:
    shutil.copy(DATA / "osm" / "kouvola.osm.pbf", tmp_path)
    settings_file = tmp_path / "settings.toml"
    settings_file.write_text(
        f"villages = {json.dumps(str(KOUVOLA / 'villages.geojson'))}\n"
        f"communes = {json.dumps(str(KOUVOLA / 'communes.geojson'))}\n"
        f"programme = {json.dumps(str(DATA / 'tiny' / 'programme.toml'))}\n"
        'roads = "kouvola.osm.pbf"\nstart = "2026-12-07"\nweeks = 1\nsearch_effort = 30\n'
        '[depot]\nname = "Kouvola depot"\nlon = 26.9503147\nlat = 60.5330316\n',
        encoding="utf-8",
    )
    settings = load_settings(settings_file)
    assert settings.roads == tmp_path / "kouvola.osm.pbf"  # relative to the settings file
    first = load_and_plan(settings)
    assert len(reads) == 1 and (tmp_path / "kouvola.osm.pbf.roads.npz").is_file()
    second = load_and_plan(settings)
    assert len(reads) == 1  # the cache, not the OSM file
    assert plan_to_json(first) == plan_to_json(second)
    page = render_run_map(first, 0, Labels("vi"))
    assert b"\xc2\xa9 OpenStreetMap contributors" in page


def test_without_roads_legs_stay_straight(tiny_settings) -> None:  # type: ignore[no-untyped-def]
    plan = load_and_plan(tiny_settings.replace(weeks=1, search_effort=30))
    data = plan_to_json(plan)
    assert data["travel_model"] == "straight-line" and "roads" not in data
    assert all("path" not in v["leg"] for r in data["runs"] for v in r["visits"])
    assert all(v.leg.path is None for r in plan.runs for v in r.visits)
    page = render_run_map(plan, 0, Labels("en")).decode("utf-8")
    assert "straight lines" in page and "OpenStreetMap contributors</a> (ODbL)" not in page


def test_road_speed_settings() -> None:
    depot = {"name": "D", "lon": 26.95, "lat": 60.53}
    s = settings_from_mapping(
        {"depot": depot, "road_speeds_kmh": {"track": 12, "primary": 50.5}, "max_snap_m": 500},
        source="test",
    )
    assert s.road_speeds["track"] == 12 and s.road_speeds["primary"] == 50.5
    assert s.road_speeds["secondary"] == 40  # the others keep their defaults
    assert s.max_snap_m == 500
    for bad in ({"tracks": 10}, {"track": 0}, {"track": "fast"}, {"track": 500}):
        with pytest.raises(InputError, match="road_speeds_kmh"):
            settings_from_mapping({"depot": depot, "road_speeds_kmh": bad}, source="test")
    with pytest.raises(InputError, match="max_snap_m"):
        settings_from_mapping({"depot": depot, "max_snap_m": -1}, source="test")


def test_path_lengths_are_metres_on_the_ellipsoid() -> None:
    # The helper the tests above use for lengths agrees with the package's own.
    a, b = [26.95, 60.53], [26.96, 60.535]
    ours = float(segment_lengths_m(a[0], a[1], b[0], b[1]))
    assert _haversine_m(a, b) == pytest.approx(ours, rel=0.005)
