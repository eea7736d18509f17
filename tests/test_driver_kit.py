"""What drivers and the team read on paper: the route sheet's map and timetable, and the
week overview. PDFs are read back with poppler; the map is checked on the figure it draws."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from shapely.geometry import Point

from outreach_planner.domain import Stop
from outreach_planner.geo import LocalProjection, LonLat
from outreach_planner.labels import Labels
from outreach_planner.plan import Leg, Plan
from outreach_planner.planner import load_inputs, make_plan, with_programme
from outreach_planner.render.route_sheet import render_route_sheet
from outreach_planner.render.run_map import draw_run_map
from outreach_planner.render.week_overview import render_week_overview
from outreach_planner.settings import Settings

MARKET = LonLat(107.645, 12.262)  # between the villages, in neither's audible radius


def _pages(pdf: bytes, tmp_path: Path) -> list[str]:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    (tmp_path / "x.pdf").write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-layout", str(tmp_path / "x.pdf"), "-"],
                         capture_output=True, text=True, check=True).stdout  # fmt: skip
    return [unicodedata.normalize("NFC", p) for p in out.split("\f") if p.strip()]


@pytest.fixture(scope="module")
def market_plan(tiny_settings: Settings) -> Plan:
    """The tiny plan with a stop added at a market (no villages, 350 people)."""
    inputs = load_inputs(tiny_settings)
    market = Stop(id="S-new", name="Chợ", position=MARKET, villages=(), people_override=350)
    market = with_programme(market, inputs.programme, tiny_settings)
    inputs = dataclasses.replace(inputs, stops=(*inputs.stops, market))
    return make_plan(tiny_settings, inputs)


def _run_with(plan: Plan, stop_id: str) -> int:
    return next(i for i, r in enumerate(plan.runs) if any(v.stop.id == stop_id for v in r.visits))


def test_landmark_row_has_village_and_commune_cells(market_plan: Plan, tmp_path: Path):
    index = _run_with(market_plan, "S-new")
    text = "\n".join(_pages(render_route_sheet(market_plan, index, Labels("vi")), tmp_path))
    # The commune is the one whose polygon holds the market, from the communes file.
    market = Point(MARKET.lon, MARKET.lat)
    (commune,) = [c.name for c in market_plan.communes if c.geometry.covers(market)]
    (first,) = [line for line in text.splitlines() if " Chợ " in f" {line.strip()} "[:12]]
    assert "Không thuộc thôn" in first and f" {commune} " in first
    assert "nào: 350 người" in "".join(text.split("\n"))  # the cell's wrapped end


def test_minutes_heading_is_one_word(market_plan: Plan, tmp_path: Path):
    for lang, word in (("vi", "phút"), ("en", "min")):
        page = _pages(render_route_sheet(market_plan, 0, Labels(lang)), tmp_path)[1]
        assert word in page.split(), lang  # not "phú" over "t"


def test_map_of_a_short_run_names_its_commune_and_says_it_has_no_roads(market_plan: Plan):
    # A run to one stop near the depot: the commune's label point lies off this small map.
    run = market_plan.runs[_run_with(market_plan, "S-new")]
    (visit,) = [v for v in run.visits if v.stop.id == "S-new"]
    short = dataclasses.replace(run, visits=(visit,))
    fig = draw_run_map(market_plan, short, Labels("vi"), size_mm=(200, 120))
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert any("Không có dữ liệu đường" in t for t in texts)
    market = Point(MARKET.lon, MARKET.lat)
    (commune,) = [c for c in market_plan.communes if c.geometry.covers(market)]
    assert commune.name in texts
    # The test means something only if the old rule (label at the commune's own
    # representative point) would have drawn it off this map.
    x0, x1 = fig.axes[0].get_xlim()
    y0, y1 = fig.axes[0].get_ylim()
    centre = market_plan.settings.depot.position
    p = commune.geometry.representative_point()
    here = LocalProjection(LonLat((centre.lon + MARKET.lon) / 2, (centre.lat + MARKET.lat) / 2))
    px, py = (c / 1000 for c in here.xy(LonLat(p.x, p.y)))
    assert not (x0 < px < x1 and y0 < py < y1)


def test_map_with_roads_does_not_say_it_has_none(market_plan: Plan):
    run = market_plan.runs[0]
    roads = dataclasses.replace(
        run,
        visits=tuple(dataclasses.replace(v, leg=Leg(v.leg.distance_m, v.leg.travel_s,
                                                     (v.stop.position,))) for v in run.visits),
        leg_back=Leg(1, 1, (market_plan.settings.depot.position,)),
    )  # fmt: skip
    texts = [t.get_text() for t in draw_run_map(market_plan, roads, Labels("vi"),
                                                size_mm=(200, 120)).axes[0].texts]  # fmt: skip
    assert not any("Không có dữ liệu đường" in t for t in texts)


def test_depot_label_is_above_every_marker_and_away_from_the_stops(market_plan: Plan):
    depot = market_plan.settings.depot.position
    # A run whose stops all lie north-east of the depot: the label goes south-west.
    visits = [v for r in market_plan.runs for v in r.visits
              if v.stop.position.lon > depot.lon and v.stop.position.lat > depot.lat]  # fmt: skip
    assert visits
    run = dataclasses.replace(market_plan.runs[0], visits=tuple(visits[:3]))
    ax = draw_run_map(market_plan, run, Labels("vi"), size_mm=(200, 120)).axes[0]
    (label,) = [t for t in ax.texts if t.get_text() == "Điểm xuất phát"]
    assert label.get_zorder() > max(c.get_zorder() for c in ax.collections)
    assert all(label.get_zorder() > t.get_zorder() for t in ax.texts if t is not label)
    off_x, off_y = label.xyann
    assert off_x < 0 and off_y < 0


@pytest.fixture(scope="module")
def six_runs(tiny_settings: Settings) -> Plan:
    """Two weeks of six runs (Monday to Saturday); stop S-B-2 pinned to the second week."""
    settings = tiny_settings.replace(weekdays=(0, 1, 2, 3, 4, 5), search_effort=50)
    inputs = load_inputs(settings)
    pinned = tuple(
        dataclasses.replace(s, pin_dates=(dt.date(2026, 12, 15),)) if s.id == "S-B-2" else s
        for s in inputs.stops
    )
    return make_plan(settings, dataclasses.replace(inputs, stops=pinned))


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_week_overview_one_page_a_week_with_totals_and_stops_left(six_runs, lang, tmp_path):
    lb = Labels(lang)
    pages = _pages(render_week_overview(six_runs, lb), tmp_path)
    weeks = sorted({r.date - dt.timedelta(days=r.date.weekday()) for r in six_runs.runs})
    assert len(weeks) == 2 and len(pages) == 2  # six runs a week, one page each
    for monday, page in zip(weeks, pages, strict=True):
        week = [r for r in six_runs.runs if 0 <= (r.date - monday).days < 7]
        assert len(week) == 6
        flat = " ".join(page.split())
        visits = sum(len(r.visits) for r in week)
        people = lb.count(sum(v.stop.population for r in week for v in r.visits))
        totals = (f"6 chuyến · {visits} lượt ghé · {people} lượt người nghe" if lang == "vi"
                  else f"6 runs · {visits} visits · {people} people reached")  # fmt: skip
        assert totals in flat
        for run in week:  # every run's column is on the week's page
            assert lb.date(run.date) in flat
        visited = {v.stop.id for r in week for v in r.visits}
        left = [s for s in six_runs.stops if s.enabled and s.id not in visited]
        for stop in six_runs.stops:
            shown = f"{stop.name} ({lb.count(stop.population)})"
            assert (shown in flat) is (stop in left), (monday, stop.id)
    first_week = {v.stop.id for r in six_runs.runs[:6] for v in r.visits}
    assert "S-B-2" not in first_week  # so the first page's list is not empty
