"""schedule.csv: one row per visit, UTF-8 with a BOM so spreadsheets read the diacritics.

The numeric columns stay machine-readable (2.1, 1234) whatever the language; the
columns after them repeat km and people as the language writes them (2,1 and 1.234
in Vietnamese). The last column says what of the row is estimated (empty when real):
a comment line would break CSV readers.
"""

from __future__ import annotations

import csv
import io

from outreach_planner.domain import Stop
from outreach_planner.labels import Labels
from outreach_planner.plan import Plan

# Spreadsheets run a cell starting with these as a formula; a leading quote keeps it text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _estimated(plan: Plan, stop: Stop, labels: Labels) -> str:
    """The row's estimated data: its villages' positions and people, the depot (legs)."""
    parts = tuple(
        p for p in plan.estimated
        if p == "depot" or any(v.estimated for v in stop.villages)
    )  # fmt: skip
    return labels.estimated(parts)


def render_schedule_csv(plan: Plan, labels: Labels) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        [
            labels["date"], labels["vehicle"], labels["seq"], labels["stop_id"], labels["stop"],
            labels["villages"], labels["commune"], labels["arrival"], labels["start"],
            labels["end"], labels["depart"], f"{labels['drive']} ({labels['km']})",
            f"{labels['drive']} ({labels['min']})", labels["people_covered"], labels["languages"],
            f"{labels['drive']} ({labels['km']}, {labels['formatted']})",
            f"{labels['people_covered']} ({labels['formatted']})", labels["estimated_col"],
        ]
    )  # fmt: skip
    for run in plan.runs:
        for n, v in enumerate(run.visits, start=1):
            writer.writerow(
                [_cell(x) for x in (
                    labels.date(run.date), run.vehicle, n, v.stop.id, v.stop.name,
                    "; ".join(vil.name for vil in v.stop.villages), ", ".join(v.stop.communes),
                    labels.time(v.arrival), labels.time(v.start), labels.time(v.end),
                    labels.time(v.depart), f"{v.leg.distance_m / 1000:.1f}",
                    round(v.leg.travel_s / 60), v.stop.population,
                    labels.languages(v.stop.languages), labels.km(v.leg.distance_m),
                    labels.count(v.stop.population), _estimated(plan, v.stop, labels),
                )]
            )  # fmt: skip
    return "\ufeff".encode() + out.getvalue().encode("utf-8")
