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
