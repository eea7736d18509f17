"""GPX per run, read back with gpxpy and compared with plan.json."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import gpxpy
from conftest import plan_with_village_names

from outreach_planner.geo import LonLat
from outreach_planner.labels import Labels
from outreach_planner.plan import Leg
from outreach_planner.planner import load_inputs, make_plan
from outreach_planner.render.gpx import render_run_gpx
from outreach_planner.settings import Settings

TINY = Path(__file__).parent / "data" / "tiny"
GPX_NS = "{http://www.topografix.com/GPX/1/1}"


def _time(iso: str) -> dt.datetime:
    return dt.datetime.fromisoformat(iso)


def test_gpx_reads_back_to_the_stops_and_times_of_plan_json(tiny_kit: Path) -> None:
    plan = json.loads((tiny_kit / "plan.json").read_text(encoding="utf-8"))
    stops = {s["id"]: s for s in plan["stops"]}
    depot = plan["settings"]["depot"]
    for run in plan["runs"]:
        gpx = gpxpy.parse((tiny_kit / f"run-{run['id']}.gpx").read_text(encoding="utf-8"))
        assert gpx.version == "1.1"
        first, *wpts = gpx.waypoints
        assert (first.latitude, first.longitude) == (depot["lat"], depot["lon"])
        assert first.time == _time(run["depart"])
        assert [w.name for w in wpts] == [f"{v['seq']}. {v['stop_name']}" for v in run["visits"]]
        assert [w.time for w in wpts] == [_time(v["arrival"]) for v in run["visits"]]
        assert all(w.time.utcoffset() == dt.timedelta(0) for w in gpx.waypoints)  # UTC
        for w, v in zip(wpts, run["visits"], strict=True):
            stop = stops[v["stop_id"]]
            assert (w.latitude, w.longitude) == (stop["lat"], stop["lon"])
            assert f"{v['start'][11:16]}–{v['end'][11:16]}" in w.description
            assert all(name in w.description for name in stop["village_names"])

        (track,) = gpx.tracks
        (segment,) = track.segments
        points = [(p.latitude, p.longitude) for p in segment.points]
        assert points[0] == points[-1] == (depot["lat"], depot["lon"])
        assert segment.points[0].time == _time(run["depart"])
        assert segment.points[-1].time == _time(run["return"])
        visited = [p for p in dict.fromkeys(points[1:-1])]  # arrival and departure points
        assert visited == [
            (stops[v["stop_id"]]["lat"], stops[v["stop_id"]]["lon"]) for v in run["visits"]
        ]
        times = [p.time for p in segment.points]
        assert times == sorted(times)


def test_track_follows_a_road_path_when_a_leg_has_one(
    tiny_settings: Settings,
) -> None:
    plan = make_plan(tiny_settings, load_inputs(tiny_settings))
    index = next(i for i, r in enumerate(plan.runs) if r.visits)
    run = plan.runs[index]

    @dataclasses.dataclass(frozen=True)
    class RoadLeg(Leg):  # what a road travel model would give: the geometry of the drive
        path: tuple[LonLat, ...] = ()

    depot = plan.settings.depot.position
    first = run.visits[0]
    bend = LonLat(depot.lon, first.stop.position.lat)
    road = RoadLeg(first.leg.distance_m, first.leg.travel_s, (depot, bend, first.stop.position))
    run = dataclasses.replace(run, visits=(dataclasses.replace(first, leg=road), *run.visits[1:]))
    gpx = gpxpy.parse(render_run_gpx(plan, run, Labels("vi")).decode("utf-8"))
    points = gpx.tracks[0].segments[0].points
    assert (points[1].latitude, points[1].longitude) == (bend.lat, bend.lon)
    assert points[1].time is None
    assert (points[2].latitude, points[2].longitude) == first.stop.position.as_latlon()


def test_names_from_input_stay_text(tmp_path: Path, tiny_settings: Settings) -> None:
    hostile = {
        "A-1": "<script>alert(1)</script>",  # markup
        "A-3": "Thôn 3\r\n</name><name>x",  # a newline, and a closing tag after it
        "A-4": "Bon A; B, C & D ]]>",  # separators, an ampersand, a CDATA end
        "B-1": "Bell\x07\x00 rings",  # control characters XML cannot hold
    }
    plan = plan_with_village_names(tiny_settings, tmp_path, hostile)
    seen = {}
    for run in plan.runs:
        data = render_run_gpx(plan, run, Labels("vi"))
        root = ET.fromstring(data)  # well-formed XML
        assert len(root.findall(f"{GPX_NS}wpt")) == 1 + len(run.visits)
        gpx = gpxpy.parse(data.decode("utf-8"))
        for w, v in zip(gpx.waypoints[1:], run.visits, strict=True):
            seen[v.stop.id] = w.name.split(". ", 1)[1]
    assert seen["S-A-1"].startswith("<script>alert(1)</script>")
    assert seen["S-A-3"].startswith("Thôn 3\n</name><name>x")
    assert seen["S-A-4"].startswith("Bon A; B, C & D ]]>")
    assert seen["S-B-1"].startswith("Bell   rings")
