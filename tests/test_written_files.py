"""The files people open, read back with the standard library: schedule.csv (csv module),
the maps (html.parser, no browser), the legs of plan.json against the settings.

Names from the input files are hostile on purpose: a spreadsheet must not run them as
formulas, a map must show them as text, never as markup.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import plan_with_village_names
from pyproj import Geod

from outreach_planner.labels import Labels
from outreach_planner.outputs import write_outputs
from outreach_planner.settings import Settings

HOSTILE = {
    "A-1": "<script>alert(1)</script>",  # a script tag
    "A-3": '"><img src=x onerror=alert(2)>',  # breaks out of an attribute
    "A-4": '=HYPERLINK("http://evil.example/","Thôn 4")',  # a spreadsheet formula
    "B-1": "+1-2 {{ 7*7 }}",  # a formula, and template syntax
    "B-2": "@SUM(A1) -x",  # a formula
}


@pytest.fixture(scope="module")
def hostile_kit(tmp_path_factory: pytest.TempPathFactory, tiny_settings: Settings) -> Path:
    """Every output of the tiny plan with hostile village names (Vietnamese labels)."""
    folder = tmp_path_factory.mktemp("hostile")
    plan = plan_with_village_names(tiny_settings, folder, HOSTILE)
    write_outputs(plan, folder / "maps")
    return folder / "maps"


def _rows(folder: Path) -> tuple[list[str], list[list[str]]]:
    raw = (folder / "schedule.csv").read_bytes()
    assert raw.startswith("\ufeff".encode())  # a spreadsheet reads the diacritics
    with (folder / "schedule.csv").open(encoding="utf-8-sig", newline="") as f:
        header, *rows = list(csv.reader(f))
    return header, rows


def _plan(folder: Path) -> dict:
    return json.loads((folder / "plan.json").read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- schedule.csv


def test_schedule_csv_has_the_plans_visits_and_times(tiny_kit: Path) -> None:
    labels = Labels("vi")
    header, rows = _rows(tiny_kit)
    col = {name: header.index(labels[name]) for name in
           ("date", "seq", "stop_id", "arrival", "start", "end", "depart")}  # fmt: skip
    visits = [(run, v) for run in _plan(tiny_kit)["runs"] for v in run["visits"]]
    assert len(rows) == len(visits) >= 5
    for row, (run, v) in zip(rows, visits, strict=True):
        assert row[col["date"]] == labels.date(dt.date.fromisoformat(run["date"]))
        assert row[col["seq"]] == str(v["seq"])
        assert row[col["stop_id"]] == v["stop_id"]
        for key in ("arrival", "start", "end", "depart"):
            assert row[col[key]] == labels.time(dt.datetime.fromisoformat(v[key])), key
    # Setup comes between arrival and the broadcast: the columns really differ.
    assert all(row[col["arrival"]] != row[col["start"]] for row in rows)
    # The drive and the people, as numbers a spreadsheet computes with.
    stops = {st["id"]: st for st in _plan(tiny_kit)["stops"]}
    km = header.index(f"{labels['drive']} ({labels['km']})")
    minutes = header.index(f"{labels['drive']} ({labels['min']})")
    people = header.index(labels["people_covered"])
    names, communes = header.index(labels["villages"]), header.index(labels["commune"])
    for row, (_, v) in zip(rows, visits, strict=True):
        assert float(row[km]) == pytest.approx(v["leg"]["distance_m"] / 1000, abs=0.05)
        assert int(row[minutes]) == v["leg"]["travel_s"] // 60  # whole minutes in the plan
        st = stops[v["stop_id"]]
        assert int(row[people]) == st["population"]
        assert row[names] == "; ".join(st["village_names"])
        assert row[communes] == ", ".join(st["communes"])
    assert any(float(row[km]) >= 1 for row in rows)  # legs of kilometres, not metres


def test_schedule_csv_says_which_rows_hold_estimates(
    tiny_settings: Settings, tmp_path: Path
) -> None:
    """A village marked estimated in the villages file marks the rows of its stop; an
    estimated depot (every leg starts or ends there) marks every row."""
    import dataclasses

    from outreach_planner.planner import load_inputs, make_plan
    from outreach_planner.render.schedule_csv import render_schedule_csv

    tiny = Path(__file__).parent / "data" / "tiny"
    data = json.loads((tiny / "villages.geojson").read_text(encoding="utf-8"))
    for f in data["features"]:
        if f["properties"]["id"] == "A-3":
            f["properties"]["estimated"] = True
    (tmp_path / "villages.geojson").write_text(json.dumps(data), encoding="utf-8")
    labels = Labels("en")
    settings = tiny_settings.replace(villages=tmp_path / "villages.geojson")
    for depot_estimated in (False, True):
        depot = dataclasses.replace(settings.depot, estimated=depot_estimated)
        s = settings.replace(depot=depot)
        (tmp_path / "schedule.csv").write_bytes(
            render_schedule_csv(make_plan(s, load_inputs(s)), labels)
        )
        header, rows = _rows(tmp_path)
        stop_id, note = header.index(labels["stop_id"]), header.index(labels["estimated_col"])
        for row in rows:
            parts = (("villages",) if row[stop_id] == "S-A-3" else ()) + (
                ("depot",) if depot_estimated else ())  # fmt: skip
            assert row[note] == labels.estimated(parts), row[stop_id]
        assert any(row[note] for row in rows) and (depot_estimated or not all(
            row[note] for row in rows))  # fmt: skip


def test_schedule_csv_keeps_formula_like_names_as_text(hostile_kit: Path) -> None:
    header, rows = _rows(hostile_kit)
    cells = [cell for row in rows for cell in row]
    # No cell a spreadsheet would run: the ones that would start with a quote.
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    villages = header.index(Labels("vi")["villages"])
    shown = {row[villages] for row in rows}
    for vid in ("A-4", "B-1", "B-2"):
        assert "'" + HOSTILE[vid] in shown, vid
    # A name that is not formula-like is left alone.
    assert any(cell.startswith(HOSTILE["A-1"]) for cell in shown)


# --------------------------------------------------------------------------- maps


class _Page(HTMLParser):
    """Tags, attributes and script bodies of an HTML page or fragment."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.scripts: list[str] = []
        self.text: list[str] = []
        self._in_script = False
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        (self.scripts if self._in_script else self.text).append(data)


# A popup or tooltip: Leaflet renders its string argument as HTML.
_BOUND = re.compile(r"\.(bindPopup|bindTooltip)\(\s*(\"(?:[^\"\\]|\\.)*\")")


def _bound_html(page: _Page) -> list[str]:
    """The HTML of every popup and tooltip, as the page's JavaScript hands it to Leaflet."""
    return [json.loads(m[2]) for script in page.scripts for m in _BOUND.finditer(script)]


def _shape(page: _Page) -> list[tuple[str, tuple[str, ...]]]:
    return sorted((tag, tuple(sorted(a for a, _ in attrs))) for tag, attrs in page.tags)


@pytest.mark.parametrize("name", ["index.html", "run"])
def test_map_shows_hostile_names_as_text_without_a_browser(
    name: str, hostile_kit: Path, tiny_kit: Path
) -> None:
    run_id = _plan(hostile_kit)["runs"][0]["id"]
    file = "index.html" if name == "index.html" else f"run-{run_id}.html"
    text = (hostile_kit / file).read_text(encoding="utf-8")
    page = _Page(text)
    # The page has the same elements as with plain names: the names added none.
    assert _shape(page) == _shape(_Page((tiny_kit / file).read_text(encoding="utf-8")))
    for raw in ("<script>alert(1)", "<img src=x"):
        assert raw not in text
    fragments = [_Page(html) for html in _bound_html(page)]
    assert fragments
    shown = "\n".join(t for f in fragments for t in f.text)
    for vid in ("A-1", "A-3", "B-1"):
        assert HOSTILE[vid] in shown, vid  # the name itself, readable ({{ 7*7 }} not run)
    for fragment in fragments:
        for tag, attrs in fragment.tags:
            assert tag not in ("script", "img", "iframe"), tag
            assert not [a for a, _ in attrs if a.startswith("on")], (tag, attrs)


# --------------------------------------------------------------------------- legs


def test_a_leg_is_the_geodesic_times_the_detour_at_the_set_speed(tiny_kit: Path) -> None:
    """Straight-line legs of plan.json against the tiny settings (1.3, 30 km/h) worked out
    here from the coordinates on the WGS 84 ellipsoid, times rounded up to whole minutes."""
    plan = _plan(tiny_kit)
    stops = {s["id"]: (s["lon"], s["lat"]) for s in plan["stops"]}
    depot = (107.64, 12.26)  # tests/data/tiny/settings.toml
    geod = Geod(ellps="WGS84")
    legs = 0
    for run in plan["runs"]:
        here = depot
        for v in [*run["visits"], None]:
            there = depot if v is None else stops[v["stop_id"]]
            leg = run["leg_back"] if v is None else v["leg"]
            metres = geod.inv(*here, *there)[2]
            assert leg["distance_m"] == pytest.approx(metres * 1.3, abs=1)
            assert leg["travel_s"] == math.ceil(metres * 1.3 / (30 / 3.6) / 60) * 60
            here, legs = there, legs + 1
    assert legs >= 9


# --------------------------------------------------------------------------- plan.json fields


def test_plan_json_fields_say_what_the_inputs_and_the_visits_say(tiny_kit: Path) -> None:
    """docs/plan-json.md, field by field, against the tiny input files and the visits."""
    plan = _plan(tiny_kit)
    tiny = Path(__file__).parent / "data" / "tiny"
    villages = {
        f["properties"]["id"]: f["properties"]
        for f in json.loads((tiny / "villages.geojson").read_text(encoding="utf-8"))["features"]
    }
    assert (plan["format"], plan["version"]) == ("outreach-planner/plan", 1)
    assert plan["programme"] == "Tiny test programme"
    assert plan["travel_model"] == "straight-line" and "roads" not in plan
    assert (plan["start"], plan["weeks"]) == ("2026-12-07", 2)
    assert plan["settings"]["start"] == "2026-12-07"

    visits = [v for r in plan["runs"] for v in r["visits"]]
    for st in plan["stops"]:
        own = [villages[v] for v in st["villages"]]
        assert st["village_names"] == [v["name"] for v in own]
        assert st["population"] == sum(v["population"] for v in own)
        assert st["households"] == sum(v["households"] for v in own)
        assert st["communes"] == list(dict.fromkeys(v["commune"] for v in own))
        langs = {lang for v in own for lang in v["languages"]}
        assert st["languages"][0] == "vi" and set(st["languages"]) == langs
        assert st["dwell_s"] == st["programme_s"] + 4 * 60  # setup, no extra minutes
        assert st["visits"] == sum(v["stop_id"] == st["id"] for v in visits)
        assert (st["enabled"], st["priority"], st["min_visits"]) == (True, 1.0, 1)
        assert st["estimated"] is False and st["needs_placement"] is False
    stops = {st["id"]: st for st in plan["stops"]}

    weekdays = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    for run in plan["runs"]:
        date = dt.date.fromisoformat(run["date"])
        assert (run["id"], run["weekday"], run["vehicle"]) == (
            run["date"], weekdays[date.weekday()], 1)  # fmt: skip
        legs = [v["leg"] for v in run["visits"]] + [run["leg_back"]]
        assert run["distance_m"] == sum(leg["distance_m"] for leg in legs)
        assert run["driving_s"] == sum(leg["travel_s"] for leg in legs)
        assert run["people"] == sum(stops[v["stop_id"]]["population"] for v in run["visits"])
        assert run["broadcasting_s"] == sum(v["programme_s"] for v in run["visits"])
        assert run["lunch"] is None  # every tiny run is home before 11:30
        assert dt.datetime.fromisoformat(run["return"]).time() < dt.time(11, 30)
        for n, v in enumerate(run["visits"], start=1):
            st = stops[v["stop_id"]]
            assert (v["seq"], v["stop_name"], v["population"]) == (n, st["name"],
                                                                   st["population"])  # fmt: skip
            assert v["programme_s"] == st["programme_s"]  # no dated items in the tiny programme
            assert "path" not in v["leg"]

    summary = plan["summary"]
    assert summary["runs"] == len(plan["runs"]) == 4
    assert summary["visits"] == len(visits)
    assert summary["stops"] == len(plan["stops"]) == 5
    assert summary["stops_visited"] == len({v["stop_id"] for v in visits})
    assert summary["people_reached"] == sum(r["people"] for r in plan["runs"])
    assert summary["distinct_people_reached"] == sum(
        st["population"] for st in plan["stops"] if st["visits"]) == 5000  # fmt: skip
    assert summary["distance_km"] == round(sum(r["distance_m"] for r in plan["runs"]) / 1000, 1)
    assert summary["driving_h"] == round(sum(r["driving_s"] for r in plan["runs"]) / 3600, 2)
    assert summary["unassigned"] == len(plan["unassigned"]) == 0
