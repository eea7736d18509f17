"""Text from the inputs reaches every output as text, through that format's escaping.

Village names are covered format by format (test_calendar, test_gpx, test_maps_browser,
test_route_sheet); here the other strings a planner types: the programme title, commune
names and the depot name, with line breaks, control characters, TeX and formulas.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from icalendar import Calendar
from shapely.geometry import box

from outreach_planner.outputs import write_outputs
from outreach_planner.plan import Plan
from outreach_planner.planner import load_inputs, make_plan
from outreach_planner.settings import Settings

TITLE = "Bản tin\nsố 2 $x^2$ <b>đậm</b> =1+1 \x07"
# Balanced dollars with TeX that does not parse: matplotlib's maths would raise on it.
COMMUNE = "Xã $A^^2$ và $\\frac{1}$ <i>"
DEPOT = "Kho\r\n=HYPERLINK(\"x\");, \x1b"


@pytest.fixture(scope="module")
def hostile_kit(tiny_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Path:
    plan = make_plan(tiny_settings, load_inputs(tiny_settings))
    first = plan.runs[0].visits[0].stop.position
    # A commune whose label falls inside the first run's map.
    around = box(first.lon - 0.002, first.lat - 0.002, first.lon + 0.002, first.lat + 0.002)
    communes = (dataclasses.replace(plan.communes[0], name=COMMUNE, geometry=around),)
    settings = plan.settings.replace(depot=dataclasses.replace(plan.settings.depot, name=DEPOT))
    hostile: Plan = dataclasses.replace(
        plan, programme_title=TITLE, communes=communes, settings=settings
    )
    folder = tmp_path_factory.mktemp("hostile")
    written = write_outputs(hostile, folder)
    assert not written.failed, [f.message for f in written.failed]
    return folder


def test_the_calendar_keeps_each_name_on_its_line(hostile_kit: Path) -> None:
    data = (hostile_kit / "calendar.ics").read_bytes()
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))
    assert not any(0 < b < 32 and b not in (9, 10, 13) for b in data)
    cal = Calendar.from_ical(data)
    # Line breaks in names are escaped text (read back raw: an X- property), never new lines.
    assert "Bản tin\\nsố 2 $x^2$ <b>đậm</b> =1+1" in str(cal["X-WR-CALNAME"])
    runs = [e for e in cal.walk("VEVENT") if str(e["UID"]).startswith("run-")]
    assert str(runs[0]["LOCATION"]).startswith('Kho\n=HYPERLINK("x");,')


def test_the_route_sheet_draws_the_commune_name_without_maths(hostile_kit: Path) -> None:
    assert (hostile_kit / "run-2026-12-08.pdf").read_bytes().startswith(b"%PDF")


def test_the_gpx_and_csv_hold_the_names_as_data(hostile_kit: Path) -> None:
    for gpx in hostile_kit.glob("*.gpx"):
        ET.fromstring(gpx.read_bytes())  # well-formed XML whatever the names
    rows = list(csv.reader(io.StringIO((hostile_kit / "schedule.csv").read_text("utf-8-sig"))))
    assert len({len(r) for r in rows}) == 1
    assert not any(cell.startswith(("=", "+", "@")) for row in rows for cell in row)
