"""Printable route sheets and the week overview, read back with poppler's pdftotext/pdfinfo."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from outreach_planner.geo import LonLat
from outreach_planner.labels import Labels
from outreach_planner.plan import Leg, Plan
from outreach_planner.planner import load_inputs, make_plan
from outreach_planner.render.route_sheet import (
    OSM_ATTRIBUTION,
    render_route_sheet,
    render_week_overview,
)
from outreach_planner.settings import Settings

TINY = Path(__file__).parent / "data" / "tiny"


def _poppler(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{tool} is not installed; .ci/run must install poppler-utils")
        pytest.skip(f"{tool} (poppler-utils) is not installed")
    return path


def pdf_text(pdf: bytes | Path, tmp_path: Path) -> str:
    """The text of a PDF as pdftotext reads it (NFC, as typed by a person)."""
    if isinstance(pdf, bytes):
        (tmp_path / "sheet.pdf").write_bytes(pdf)
        pdf = tmp_path / "sheet.pdf"
    out = subprocess.run(
        [_poppler("pdftotext"), str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    return unicodedata.normalize("NFC", out)


def pdf_info(pdf: Path) -> dict[str, str]:
    out = subprocess.run(
        [_poppler("pdfinfo"), str(pdf)], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    return {k.strip(): v.strip() for k, v in (line.split(":", 1) for line in out.splitlines())}


def squeeze(text: str) -> str:
    """Without whitespace: a name wrapped over two lines of a table cell still matches."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def tiny_plan(tiny_settings: Settings) -> Plan:
    return make_plan(tiny_settings, load_inputs(tiny_settings))


def test_every_run_has_an_a4_sheet_with_its_stops_and_arrival_times(
    tiny_kit: Path, tmp_path: Path
) -> None:
    plan = json.loads((tiny_kit / "plan.json").read_text(encoding="utf-8"))
    assert any(run["visits"] for run in plan["runs"])
    for run in plan["runs"]:
        sheet = tiny_kit / f"run-{run['id']}.pdf"
        info = pdf_info(sheet)
        assert info["Page size"].endswith("(A4)"), info["Page size"]
        assert int(info["Pages"]) >= 2  # the map, then the timetable
        text = pdf_text(sheet, tmp_path)
        flat = squeeze(text)
        d = dt.date.fromisoformat(run["date"])
        assert d.strftime("%d/%m/%Y") in text
        assert run["depart"][11:16] in text and run["return"][11:16] in text
        for visit in run["visits"]:
            assert squeeze(visit["stop_name"]) in flat, visit["stop_name"]
            assert visit["arrival"][11:16] in text
            assert f"{visit['start'][11:16]}–{visit['end'][11:16]}" in text
        assert "Xã" in text and "Điểm dừng" in text  # diacritics in names and headings


def test_sheets_embed_a_font_with_vietnamese_glyphs(tiny_kit: Path) -> None:
    sheet = next(tiny_kit.glob("run-*.pdf"))
    out = subprocess.run(
        [_poppler("pdffonts"), str(sheet)], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    fonts = out.splitlines()[2:]
    assert fonts and all("DejaVuSans" in f for f in fonts)
    assert all(f.split()[-5:-2] == ["yes", "yes", "yes"] for f in fonts)  # emb sub uni


def test_week_overview_has_a_page_per_week_with_every_visit(tiny_kit: Path, tmp_path: Path) -> None:
    plan = json.loads((tiny_kit / "plan.json").read_text(encoding="utf-8"))
    overview = tiny_kit / "week-overview.pdf"
    info = pdf_info(overview)
    assert info["Page size"].endswith("(A4)")
    assert int(info["Pages"]) == plan["weeks"]  # two runs a week stand side by side
    flat = squeeze(pdf_text(overview, tmp_path))
    for run in plan["runs"]:
        assert squeeze(dt.date.fromisoformat(run["date"]).strftime("%d/%m/%Y")) in flat
        for visit in run["visits"]:
            assert squeeze(visit["stop_name"]) in flat
            assert squeeze(f"{visit['start'][11:16]}–{visit['end'][11:16]}") in flat


def test_english_headings(tiny_plan: Plan, tmp_path: Path) -> None:
    index = next(i for i, r in enumerate(tiny_plan.runs) if r.visits)
    text = pdf_text(render_route_sheet(tiny_plan, index, Labels("en")), tmp_path)
    for heading in (
        "Stop",
        "Villages",
        "Commune",
        "Arrival",
        "Broadcast",
        "Departure",
        "Drive to next",
        "People covered",
        "Languages",
        "Run",
        "Vehicle",
    ):
        assert squeeze(heading) in squeeze(text)  # a heading may wrap in its cell
    assert "Đến" not in text and "Phát thanh" not in text
    assert "Week overview" in pdf_text(render_week_overview(tiny_plan, Labels("en")), tmp_path)


def test_same_plan_gives_the_same_bytes(tiny_plan: Plan, tiny_settings: Settings) -> None:
    again = make_plan(tiny_settings, load_inputs(tiny_settings))
    labels = Labels("vi")
    assert render_route_sheet(tiny_plan, 0, labels) == render_route_sheet(again, 0, labels)
    assert render_week_overview(tiny_plan, labels) == render_week_overview(again, labels)


def test_osm_attribution_only_when_roads_are_drawn(tiny_plan: Plan, tmp_path: Path) -> None:
    index = next(i for i, r in enumerate(tiny_plan.runs) if r.visits)
    labels = Labels("en")
    straight = pdf_text(render_route_sheet(tiny_plan, index, labels), tmp_path)
    assert "straight lines" in straight and "OpenStreetMap" not in straight

    @dataclasses.dataclass(frozen=True)
    class RoadLeg(Leg):  # what a road travel model would give: the geometry of the drive
        path: tuple[LonLat, ...] = ()

    run = tiny_plan.runs[index]
    depot = tiny_plan.settings.depot.position
    first = run.visits[0]
    bend = LonLat(depot.lon, first.stop.position.lat)
    road = RoadLeg(first.leg.distance_m, first.leg.travel_s, (depot, bend, first.stop.position))
    runs = list(tiny_plan.runs)
    runs[index] = dataclasses.replace(
        run, visits=(dataclasses.replace(first, leg=road), *run.visits[1:])
    )
    roads = dataclasses.replace(tiny_plan, runs=tuple(runs))
    assert OSM_ATTRIBUTION in pdf_text(render_route_sheet(roads, index, labels), tmp_path)


HOSTILE = {
    "A-1": "<script>alert(1)</script>",  # markup
    "A-3": "Thôn 3\nEND:VEVENT",  # a newline, and an iCalendar line after it
    "A-4": "Bon A; B, C \\ {nb}",  # separators, a backslash, fpdf2's page-count alias
    "B-1": unicodedata.normalize("NFD", "Bon Đắk Mol"),  # tone marks typed decomposed
}


@pytest.fixture(scope="module")
def hostile_plan(tmp_path_factory: pytest.TempPathFactory, tiny_settings: Settings) -> Plan:
    """The tiny plan with village names that try to break the files they go into."""
    villages = json.loads((TINY / "villages.geojson").read_text(encoding="utf-8"))
    for feature in villages["features"]:
        props = feature["properties"]
        props["name"] = HOSTILE.get(props["id"], props["name"])
    path = tmp_path_factory.mktemp("hostile") / "villages.geojson"
    path.write_text(json.dumps(villages, ensure_ascii=False), encoding="utf-8")
    settings = tiny_settings.replace(villages=path)
    return make_plan(settings, load_inputs(settings))


def test_names_from_input_print_as_written(hostile_plan: Plan, tmp_path: Path) -> None:
    labels = Labels("vi")
    flat = ""
    for i, run in enumerate(hostile_plan.runs):
        if run.visits:
            flat += squeeze(pdf_text(render_route_sheet(hostile_plan, i, labels), tmp_path))
    for name in HOSTILE.values():
        assert squeeze(unicodedata.normalize("NFC", name)) in flat, name
