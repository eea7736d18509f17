"""The renderers' short cuts give the same bytes as the long way: in the PDFs, faces read once
per process and lines counted without laying them out; in the maps, popups and tooltips not
parsed as templates a second time."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import cast

import pytest
from branca.element import MacroElement

from outreach_planner.labels import Labels
from outreach_planner.plan import Plan
from outreach_planner.planner import load_inputs, make_plan
from outreach_planner.render import maps, pdf_fonts, route_sheet, week_overview
from outreach_planner.render.pdf_fonts import FONT, unbroken_lines
from outreach_planner.render.route_sheet import _Sheet, render_route_sheet, render_week_overview
from outreach_planner.settings import Settings


@pytest.fixture(scope="module")
def tiny_plan(tiny_settings: Settings) -> Plan:
    return make_plan(tiny_settings, load_inputs(tiny_settings))


@pytest.fixture(scope="module")
def long_names(tiny_plan: Plan) -> Plan:
    """Names that wrap, and one so long it is cut: the long way is taken too."""
    run = tiny_plan.runs[0]
    visits = list(run.visits)
    for k, name in enumerate(["Thôn Đắk Rmăng Buôn Nà Xá Tổ dân phố 3 " * 3, "Buôn " * 200]):
        visits[k] = dataclasses.replace(
            visits[k], stop=dataclasses.replace(visits[k].stop, name=name)
        )
    run = dataclasses.replace(run, visits=tuple(visits))
    return dataclasses.replace(tiny_plan, runs=(run, *tiny_plan.runs[1:]))


def _sheets(plan: Plan) -> list[bytes]:
    labels = Labels("vi")
    sheets = [render_route_sheet(plan, i, labels) for i in range(len(plan.runs))]
    return [*sheets, render_week_overview(plan, labels)]


@pytest.mark.parametrize("which", ["tiny", "long"])
def test_faces_read_once_give_the_bytes_of_faces_read_for_each_document(
    tiny_plan: Plan, long_names: Plan, which: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = tiny_plan if which == "tiny" else long_names
    monkeypatch.setattr(pdf_fonts, "_READ", {})
    first = _sheets(plan)  # the first document reads the faces from their files
    assert pdf_fonts._READ
    assert _sheets(plan) == first  # the others copy that reading
    assert _sheets(plan) == first


@pytest.mark.parametrize("which", ["tiny", "long"])
def test_lines_counted_without_laying_out_give_the_bytes_of_the_long_way(
    tiny_plan: Plan, long_names: Plan, which: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = tiny_plan if which == "tiny" else long_names
    quick = _sheets(plan)
    monkeypatch.setattr(route_sheet, "unbroken_lines", lambda *_: None)
    monkeypatch.setattr(week_overview, "unbroken_lines", lambda *_: None)
    assert _sheets(plan) == quick


def test_popups_not_parsed_again_give_the_bytes_of_parsing_them(
    long_names: Plan, monkeypatch: pytest.MonkeyPatch
) -> None:
    labels = Labels("vi")
    quick = [maps.render_run_map(long_names, 0, labels), maps.render_index_map(long_names, labels)]
    assert quick[0].count(b".bindPopup(") > 2 and quick[0].count(b".bindTooltip(") > 2
    monkeypatch.setattr(maps._Bound, "render", MacroElement.render)
    assert [maps.render_run_map(long_names, 0, labels),
            maps.render_index_map(long_names, labels)] == quick  # fmt: skip


def test_a_count_without_laying_out_is_the_count_of_multi_cell() -> None:
    pdf = _Sheet(dt.date(2026, 12, 7), "")
    pdf.add_page()
    pdf.set_font(FONT, "", 10)
    texts = ["", "12:30–13:00", "Buôn Đắk Rmăng", "Thôn 3, Đắk N'Drung " * 4,
             "Tổ dân phố", "W" * 30, "Nam Bình\nThuận Hạnh\nĐắk Môl", "a b " * 40]  # fmt: skip
    counted = 0
    for width in (12, 26, 46, 120):
        for text in texts:
            quick = unbroken_lines(pdf, width, text)
            if quick is None:
                continue
            counted += 1
            lines = pdf.multi_cell(width, 4.6, text, dry_run=True, output="LINES")
            assert quick == len(cast(list[str], lines)), (width, text)
    assert counted > len(texts)  # the short cut is taken, not only refused
    pdf.output()  # closes the font files
