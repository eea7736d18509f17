"""Roads: importing the Kouvola OpenStreetMap extract, one-way rules, snapping, matrices,
unreachable stops, the cache and bad files. Map data © OpenStreetMap contributors (ODbL)."""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

import networkx as nx
import numpy as np
import osmium
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outreach_planner.cli import main
from outreach_planner.errors import InputError
from outreach_planner.geo import LonLat, geodesic_m
from outreach_planner.roads import (
    UNREACHABLE,
    ImportOptions,
    RoadNetwork,
    import_roads,
    load_roads,
    road_matrix,
    road_travel,
    snap_points,
)
from outreach_planner.roads import cache as cache_module
from outreach_planner.roads.osm import (
    CLASSES,
    DRIVABLE,
    RoadSegments,
    maxspeed_kmh,
    oneway,
    read_roads,
    road_class,
    segment_lengths_m,
)
from outreach_planner.settings import ROAD_SPEEDS_KMH

OSM = Path(__file__).parent / "data" / "osm"
PBF = OSM / "kouvola.osm.pbf"
XML = OSM / "kouvola-roads.osm"
SPEEDS = dict(ROAD_SPEEDS_KMH)
DEPOT = LonLat(26.9503147, 60.5330316)  # tests/data/kouvola: on the main road network
ISLAND = LonLat(26.9323445, 60.5229406)  # a road piece the extract's edge cut off
OUT_ONLY = LonLat(26.945755, 60.5206371)  # on the motorway leaving the extract
IN_ONLY = LonLat(26.9627947, 60.5335369)  # on the motorway entering it


@pytest.fixture(scope="session")
def kouvola(tmp_path_factory: pytest.TempPathFactory) -> RoadNetwork:
    """The Kouvola extract's roads, imported from a copy (its cache lands beside the copy)."""
    folder = tmp_path_factory.mktemp("kouvola-roads")
    return import_roads(Path(shutil.copy(PBF, folder)))[0]


@pytest.fixture
def pbf_copy(tmp_path: Path) -> Path:
    """A fresh copy of the Kouvola extract, with no cache yet."""
    return Path(shutil.copy(PBF, tmp_path / "kouvola.osm.pbf"))


def test_import_keeps_only_drivable_roads(kouvola: RoadNetwork) -> None:
    # 343 highway ways; about two thirds drivable (the rest: cycleways, footways, paths).
    assert 600 < kouvola.nodes < 1500
    assert 1200 < kouvola.edges < 2500
    assert 150 < kouvola.segments.ways < 300
    assert set(kouvola.class_counts()) == {
        "motorway", "secondary", "tertiary", "unclassified", "residential", "living_street",
        "service",
    }  # fmt: skip
    assert np.all(kouvola.segments.length_m > 0)
    assert kouvola.segments.length_m.sum() / 2 > 30_000  # tens of km of road in 2 x 2 km


def test_xml_gives_the_same_network_as_pbf(kouvola: RoadNetwork) -> None:
    xml = read_roads(XML)
    s = kouvola.segments
    assert (len(xml.lon), len(xml.u)) == (kouvola.nodes, kouvola.edges)
    assert np.array_equal(np.sort(xml.node_id), np.sort(s.node_id))
    assert xml.length_m.sum() == pytest.approx(s.length_m.sum())


def test_tracks_and_paths_only_on_request() -> None:
    with_tracks = read_roads(PBF, include_tracks=True)
    classes = {CLASSES[c] for c in np.unique(with_tracks.highway)}
    assert {"track", "path"} <= classes
    assert len(with_tracks.u) > len(read_roads(PBF).u)


def _oneway_ways(path: Path) -> list[tuple[str, list[int]]]:
    """(highway, node ids) of the ways tagged oneway=yes, read independently of the package."""
    ways = []
    for way in osmium.FileProcessor(str(path), osmium.osm.WAY):
        if way.tags.get("oneway") == "yes" and way.tags.get("highway") in (
            "secondary", "tertiary", "motorway",
        ):  # fmt: skip
            ways.append((way.tags["highway"], [n.ref for n in way.nodes]))
    return ways


def test_oneway_roads_go_one_way_only(kouvola: RoadNetwork) -> None:
    s = kouvola.segments
    index = {int(osm): i for i, osm in enumerate(s.node_id)}
    edges = set(zip(s.u.tolist(), s.v.tolist(), strict=True))
    ways = _oneway_ways(PBF)
    assert {h for h, _ in ways} == {"secondary", "tertiary", "motorway"}
    checked = 0
    for _, refs in ways:
        for a, b in zip(refs, refs[1:], strict=False):
            if a in index and b in index:
                assert (index[a], index[b]) in edges
                if (index[b], index[a]) in edges:  # only where another way joins them back
                    continue
                checked += 1
    assert checked > 50
    # Two-way roads have both directions.
    two_way = [(u, v) for u, v in edges if (v, u) in edges]
    assert len(two_way) > len(edges) / 2


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        ({"highway": "residential"}, 0),
        ({"highway": "residential", "oneway": "yes"}, 1),
        ({"highway": "residential", "oneway": "1"}, 1),
        ({"highway": "residential", "oneway": "true"}, 1),
        ({"highway": "residential", "oneway": "-1"}, -1),  # against the way's direction
        ({"highway": "residential", "oneway": "no"}, 0),
        ({"highway": "tertiary", "junction": "roundabout"}, 1),  # implied
        ({"highway": "motorway"}, 1),  # implied
        ({"highway": "motorway_link"}, 1),  # implied
        ({"highway": "motorway", "oneway": "no"}, 0),  # an explicit tag wins
        ({"highway": "residential", "oneway": "reversible"}, 0),  # changes by time of day
    ],
)
def test_oneway_tags(tags: dict[str, str], expected: int) -> None:
    assert oneway(tags) == expected


@pytest.mark.parametrize(
    ("tags", "tracks", "expected"),
    [
        ({"highway": "primary"}, False, "primary"),
        ({"highway": "primary_link"}, False, "primary"),  # a ramp takes its road's class
        ({"highway": "cycleway"}, True, None),
        ({"highway": "footway"}, True, None),
        ({"highway": "track"}, False, None),  # tracks only on request
        ({"highway": "track"}, True, "track"),
        ({"highway": "path"}, True, "path"),
        ({"highway": "service", "access": "private"}, False, None),
        ({"highway": "service", "access": "private", "motor_vehicle": "yes"}, False, "service"),
        ({"highway": "residential", "motor_vehicle": "no"}, False, None),
        ({"highway": "pedestrian", "area": "yes"}, True, None),
        ({"highway": "construction"}, True, None),
    ],
)
def test_road_class(tags: dict[str, str], tracks: bool, expected: str | None) -> None:
    assert road_class(tags, include_tracks=tracks) == expected


@pytest.mark.parametrize(
    ("text", "kmh"),
    [
        ("50", 50.0),
        ("30 mph", 30 * 1.609344),
        ("30;50", 30.0),  # the lowest
        ("50 km/h", 50.0),
        ("VN:urban", None),  # zone codes say nothing usable: the class speed applies
        ("none", None),
        ("", None),
        (None, None),
    ],
)
def test_maxspeed(text: str | None, kmh: float | None) -> None:
    value = maxspeed_kmh(text)
    assert np.isnan(value) if kmh is None else value == pytest.approx(kmh)


def _two_segments(maxspeed: float) -> RoadNetwork:
    """1 km of residential road then 1 km of trunk, both with `maxspeed` (NaN: none)."""
    lon = np.array([0.0, 0.009, 0.018])
    lat = np.zeros(3)
    u, v = np.array([0, 1], dtype=np.int32), np.array([1, 2], dtype=np.int32)
    segs = RoadSegments(
        node_id=np.arange(3, dtype=np.int64), lon=lon, lat=lat, u=u, v=v,
        length_m=segment_lengths_m(lon[u], lat[u], lon[v], lat[v]),
        highway=np.array([CLASSES.index("residential"), CLASSES.index("trunk")], dtype=np.uint8),
        maxspeed_kmh=np.full(2, maxspeed, dtype=np.float32), ways=2,
    )  # fmt: skip
    return RoadNetwork(segs)


def test_class_speeds_and_lower_maxspeed() -> None:
    assert list(_two_segments(np.nan).speeds_kmh(SPEEDS)) == [30.0, 45.0]
    assert list(_two_segments(40.0).speeds_kmh(SPEEDS)) == [30.0, 40.0]  # only where lower
    network = _two_segments(np.nan)
    times = network.travel_s({**SPEEDS, "trunk": 50.0})  # overridden, no new import
    assert times[1] == pytest.approx(network.segments.length_m[1] / (50 / 3.6))


def test_segment_lengths_agree_with_the_geodesic() -> None:
    rng = np.random.default_rng(0)
    lon1, lat1 = rng.uniform(100, 110, 50), rng.uniform(-60, 60, 50)
    lon2, lat2 = lon1 + rng.uniform(-0.02, 0.02, 50), lat1 + rng.uniform(-0.02, 0.02, 50)
    ours = segment_lengths_m(lon1, lat1, lon2, lat2)
    exact = [
        geodesic_m(LonLat(a, b), LonLat(c, d))
        for a, b, c, d in zip(lon1, lat1, lon2, lat2, strict=True)
    ]
    assert np.allclose(ours, exact, rtol=1e-5)


def test_snap_finds_the_nearest_point_of_the_nearest_road(kouvola: RoadNetwork) -> None:
    s = kouvola.segments
    rng = np.random.default_rng(3)
    points = [
        LonLat(float(x), float(y))
        for x, y in zip(rng.uniform(26.93, 26.97, 40), rng.uniform(60.52, 60.54, 40), strict=True)
    ]
    snaps = snap_points(kouvola, points)
    # Brute force over every segment, in local metres.
    kx, ky = 111_320 * np.cos(np.radians(60.53)), 110_574
    ax, ay, bx, by = s.lon[s.u] * kx, s.lat[s.u] * ky, s.lon[s.v] * kx, s.lat[s.v] * ky
    for p, snap in zip(points, snaps, strict=True):
        px, py = p.lon * kx, p.lat * ky
        t = np.clip(((px - ax) * (bx - ax) + (py - ay) * (by - ay))
                    / np.maximum((bx - ax) ** 2 + (by - ay) ** 2, 1e-12), 0, 1)  # fmt: skip
        nearest = np.hypot(ax + t * (bx - ax) - px, ay + t * (by - ay) - py).min()
        assert snap.distance_m == pytest.approx(geodesic_m(p, snap.at), abs=0.01)
        assert snap.distance_m == pytest.approx(nearest, rel=0.01, abs=0.5)
        assert {snap.a, snap.b} <= set(range(kouvola.nodes))


def test_snap_at_a_node_is_zero_metres(kouvola: RoadNetwork) -> None:
    s = kouvola.segments
    node = LonLat(float(s.lon[10]), float(s.lat[10]))
    assert snap_points(kouvola, [node])[0].distance_m == pytest.approx(0, abs=0.01)


def test_far_stop_is_a_warning_naming_it(
    kouvola: RoadNetwork, caplog: pytest.LogCaptureFixture
) -> None:
    far = LonLat(27.0, 60.53)  # about 1.7 km east of the extract
    with caplog.at_level(logging.WARNING, logger="outreach_planner"):
        travel = road_travel(
            kouvola, [DEPOT, far], ["depot", "Thôn Xa"], class_speeds=SPEEDS, max_snap_m=1000
        )
    assert travel.snaps[1].distance_m > 1000
    assert any("Thôn Xa" in r.message and "nearest road" in r.message for r in caplog.records)
    assert travel.unreachable == {}  # far, but its nearest road links with the depot


def test_matrix_matches_networkx_on_the_full_graph(kouvola: RoadNetwork) -> None:
    graph = kouvola.to_networkx(SPEEDS)
    main = sorted(max(nx.strongly_connected_components(graph), key=len))
    nodes = np.random.default_rng(1).choice(main, 25, replace=False)
    s = kouvola.segments
    points = [LonLat(float(s.lon[i]), float(s.lat[i])) for i in nodes]
    matrix, _ = road_matrix(kouvola, points, class_speeds=SPEEDS, access_speed_kmh=15)
    for a, i in enumerate(nodes):
        seconds = nx.single_source_dijkstra_path_length(graph, int(i), weight="travel_time")
        metres = nx.single_source_dijkstra_path_length(graph, int(i), weight="length")
        for b, j in enumerate(nodes):
            # Rounded up per segment (ms) and per leg (s): never faster, at most ~1 s slower.
            assert seconds[int(j)] - 1e-6 <= matrix.travel_s[a, b] <= seconds[int(j)] + 1.5
            assert matrix.distance_m[a, b] >= metres[int(j)] - 1  # fastest, not shortest


_POINT = st.builds(
    LonLat, st.floats(26.925, 26.975), st.floats(60.515, 60.545)
)  # the extract and a little around it


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(points=st.lists(_POINT, min_size=2, max_size=8))
def test_matrix_properties(kouvola: RoadNetwork, points: list[LonLat]) -> None:
    matrix, _ = road_matrix(kouvola, points, class_speeds=SPEEDS, access_speed_kmh=15)
    t, d = matrix.travel_s, matrix.distance_m
    fastest = max(SPEEDS[c] for c in kouvola.class_counts()) / 3.6
    n = len(points)
    assert np.all(np.diag(t) == 0) and np.all(np.diag(d) == 0)
    for i in range(n):
        for j in range(n):
            if i == j or t[i, j] >= UNREACHABLE:
                continue
            straight = geodesic_m(points[i], points[j])
            assert d[i, j] >= straight - 1 and t[i, j] >= straight / fastest - 1
            for k in range(n):
                # Going by way of another point is never faster than the fastest leg.
                if t[i, k] < UNREACHABLE and t[k, j] < UNREACHABLE:
                    assert t[i, j] <= t[i, k] + t[k, j]


def test_matrix_is_read_only_integer_rounded_and_has_paths(kouvola: RoadNetwork) -> None:
    points = [DEPOT, LonLat(26.9596742, 60.5268845), LonLat(26.9366506, 60.537625)]
    matrix, snaps = road_matrix(
        kouvola, points, class_speeds=SPEEDS, access_speed_kmh=15, step_s=60
    )
    assert matrix.model == "roads"
    assert matrix.travel_s.dtype == np.int64 and matrix.distance_m.dtype == np.int64
    assert not matrix.travel_s.flags.writeable and not matrix.distance_m.flags.writeable
    assert np.all(np.diag(matrix.travel_s) == 0) and np.all(matrix.travel_s % 60 == 0)
    for i in range(3):
        for j in range(3):
            if i == j:
                assert matrix.path(i, j) == ()
                continue
            path = matrix.path(i, j)
            assert path[0] == points[i] and path[-1] == points[j]
            assert snaps[i].at in path and snaps[j].at in path
            lon = np.array([p.lon for p in path])
            lat = np.array([p.lat for p in path])
            length = segment_lengths_m(lon[:-1], lat[:-1], lon[1:], lat[1:]).sum()
            assert length == pytest.approx(matrix.distance_m[i, j], abs=3)
            assert len(path) > 10
            assert matrix.distance_m[i, j] >= geodesic_m(points[i], points[j])


def test_unreachable_stops_are_named_with_their_coordinates(
    kouvola: RoadNetwork, caplog: pytest.LogCaptureFixture
) -> None:
    points = [DEPOT, ISLAND, OUT_ONLY, IN_ONLY, LonLat(26.9596742, 60.5268845)]
    names = ["depot", "Thôn Cô Lập", "Thôn Ra", "Thôn Vào", "Thôn Một"]
    with caplog.at_level(logging.WARNING, logger="outreach_planner"):
        travel = road_travel(kouvola, points, names, class_speeds=SPEEDS, max_snap_m=1000)
    assert set(travel.unreachable) == {1, 2, 3}
    assert "Thôn Cô Lập (26.93234, 60.52294)" in travel.unreachable[1]
    assert "not linked to the depot" in travel.unreachable[1]
    assert "none leads back" in travel.unreachable[2]  # a one-way trap
    assert "no road leads there from the depot" in travel.unreachable[3]
    m = travel.matrix.travel_s
    assert m[0, 1] == m[1, 0] == UNREACHABLE
    assert m[0, 2] < UNREACHABLE <= m[2, 0]
    assert m[3, 0] < UNREACHABLE <= m[0, 3]
    assert m[0, 4] < UNREACHABLE and m[4, 0] < UNREACHABLE
    assert travel.matrix.path(0, 1) == ()
    assert sum("Thôn Cô Lập" in r.message for r in caplog.records) == 1


class _CountingReader:
    """read_roads, counting its calls: a cache hit reads no OSM file."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.calls += 1
        return read_roads(*args, **kwargs)


@pytest.fixture
def reader(monkeypatch: pytest.MonkeyPatch) -> _CountingReader:
    counting = _CountingReader()
    monkeypatch.setattr(cache_module, "read_roads", counting)
    return counting


def test_cache_is_reused_until_the_source_changes(tmp_path: Path, reader: _CountingReader) -> None:
    source = Path(shutil.copy(XML, tmp_path / "roads.osm"))
    first = load_roads(source)  # no cache yet: reads the file
    cache = tmp_path / "roads.osm.roads.npz"
    assert cache.is_file() and reader.calls == 1
    again = load_roads(source)
    assert reader.calls == 1 and again.edges == first.edges
    assert again.meta["sha256"] == first.meta["sha256"]
    assert again.meta["options"] == {"bbox": None, "include_tracks": False}

    # Touched: new time, same bytes. The hash says so; no new read, the time is remembered.
    os.utime(source, ns=(source.stat().st_atime_ns, source.stat().st_mtime_ns + 10**9))
    touched = load_roads(source)
    assert reader.calls == 1 and touched.meta["mtime_ns"] == source.stat().st_mtime_ns
    load_roads(source)
    assert reader.calls == 1

    # Changed: one residential road is now a footway, so the network loses it.
    text = source.read_text(encoding="utf-8")
    changed = text.replace('v="residential"', 'v="footway"', 1)
    assert changed != text
    source.write_text(changed, encoding="utf-8")
    rebuilt = load_roads(source)
    assert reader.calls == 2 and rebuilt.edges < first.edges
    assert rebuilt.meta["sha256"] != first.meta["sha256"]
    load_roads(cache)  # the cache named directly: fresh, no read
    assert reader.calls == 2


def test_rebuild_keeps_the_import_options(tmp_path: Path, reader: _CountingReader) -> None:
    source = Path(shutil.copy(XML, tmp_path / "roads.osm"))
    cache = tmp_path / "cut.roads.npz"
    options = ImportOptions(bbox=(26.94, 60.525, 26.96, 60.535), include_tracks=True)
    cut = import_roads(source, options=options, out=cache)[0]
    source.write_text(source.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    rebuilt = load_roads(cache)
    assert reader.calls == 2
    assert rebuilt.meta["options"] == {"bbox": list(options.bbox), "include_tracks": True}
    assert rebuilt.edges == cut.edges < read_roads(XML).u.size


def test_unreadable_cache_is_rebuilt(pbf_copy: Path, reader: _CountingReader) -> None:
    load_roads(pbf_copy)
    cache = pbf_copy.with_name(pbf_copy.name + ".roads.npz")
    cache.write_bytes(b"not a zip")
    assert load_roads(pbf_copy).edges > 0 and reader.calls == 2


def test_cache_goes_to_the_user_cache_when_the_folder_is_read_only(
    pbf_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    monkeypatch.setattr(cache_module.os, "access", lambda path, mode: False)
    cache = cache_module.default_cache_path(pbf_copy)
    assert cache.is_relative_to(tmp_path / "user-cache")
    assert cache.name.endswith("kouvola.osm.pbf.roads.npz")


def _truncated(path: Path, tmp_path: Path, keep: float) -> Path:
    target = tmp_path / ("cut-" + path.name)
    data = path.read_bytes()
    target.write_bytes(data[: int(len(data) * keep)])
    return target


@pytest.mark.parametrize(
    ("make", "says"),
    [
        # Text that is not OSM, named as PBF.
        (lambda d: _write(d / "bad.osm.pbf", b"hello, not a PBF\n"), "complete OpenStreetMap PBF"),
        (lambda d: _truncated(PBF, d, 0.5), "unexpected EOF"),  # a download cut short
        (lambda d: _truncated(XML, d, 0.5), "XML parsing error"),
        (lambda d: _write(d / "bad.osm", b"<osm><node"), "complete OpenStreetMap XML"),
        (lambda d: _write(d / "empty.osm.pbf", b""), "complete OpenStreetMap PBF"),
        (lambda d: d / "missing.osm.pbf", "an existing OpenStreetMap file"),
        (lambda d: _write(d / "roads.txt", b"x"), "ending in .osm.pbf"),  # unknown format
        (
            lambda d: _write(
                d / "no-roads.osm", b'<osm version="0.6"><node id="1" lat="1" lon="1"/></osm>'
            ),
            "no drivable road",
        ),  # fmt: skip
    ],
)
def test_bad_files_are_one_clear_input_error(tmp_path: Path, make, says: str) -> None:  # type: ignore[no-untyped-def]
    path = make(tmp_path)
    with pytest.raises(InputError) as err:
        load_roads(path)
    assert len(err.value.problems) == 1
    assert str(path) in str(err.value) and says in str(err.value)
    assert "\n" not in str(err.value)


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def cli(*args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """The command line, in this process: (exit code, stdout, stderr)."""
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_import_and_bad_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = Path(shutil.copy(PBF, tmp_path / "kouvola.osm.pbf"))
    cut_cache = str(tmp_path / "cut.roads.npz")
    code, out, err = cli("roads", "import", str(source), "--bbox", "26.94,60.525,26.96,60.535",
                         "--out", cut_cache, capsys=capsys)  # fmt: skip
    assert code == 0, err
    assert "© OpenStreetMap contributors" in out
    cut = load_roads(Path(cut_cache))
    assert cut.meta["options"]["bbox"] == [26.94, 60.525, 26.96, 60.535]
    s = cut.segments
    # Whole ways touching the box are kept, so nodes reach a little outside it.
    assert cut.nodes < 880 and np.any((s.lon > 26.94) & (s.lon < 26.96))

    settings = str(Path(__file__).parent / "data" / "kouvola" / "settings.toml")
    for args in (
        ["roads", "import", str(_truncated(PBF, tmp_path, 0.4))],
        ["plan", "--settings", settings, "--quiet", "--out", str(tmp_path / "out"),
         "--roads", str(_write(tmp_path / "bad.osm.pbf", b"junk"))],
        ["roads", "import", str(source), "--bbox", "26.96,60.52,26.94,60.53"],  # W > E
        ["roads", "import", str(source), "--out", str(tmp_path / "cache.npz")],  # not *.roads.npz
    ):  # fmt: skip
        code, _, err = cli(*args, capsys=capsys)
        assert code == 2, err
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert not (tmp_path / "out").exists()


def test_cli_import_around_villages(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = Path(shutil.copy(PBF, tmp_path / "kouvola.osm.pbf"))
    villages = Path(__file__).parent / "data" / "kouvola" / "villages.geojson"
    code, _, err = cli("roads", "import", str(source), "--around", str(villages),
                       "--margin-km", "0.1", capsys=capsys)  # fmt: skip
    assert code == 0, err
    around = load_roads(source)
    w, s_, e, n = around.meta["options"]["bbox"]
    assert 26.92 < w < 26.932 and 26.97 < e < 26.98 and 60.51 < s_ < 60.521 and n > 60.539
    assert all(c in DRIVABLE for c in around.class_counts())
