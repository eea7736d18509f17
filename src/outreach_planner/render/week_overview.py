"""week-overview.pdf: a landscape page per week with its runs side by side, the week's
totals, and the enabled stops the week does not visit.

Up to two runs a week get the wide columns (arrival, broadcast, stop, people). More
runs (more weekdays or vehicles) stand side by side in narrow columns in the smaller
type of an office print (the drivers read their route sheets at 10 pt), so that six
runs still make one page; a week too long for that flows onto further pages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import cast

from fpdf import FontFace

from outreach_planner.labels import Labels
from outreach_planner.plan import Plan, Run
from outreach_planner.render.pdf_fonts import FONT, unbroken_lines, use_glyphs
from outreach_planner.render.route_sheet import _MARGIN_MM, TABLE_PT, _Sheet, pdf_text

_GAP_MM = 6.0  # between run columns
_WIDE = 2  # at most this many runs get the wide columns
_MAX_COLUMNS = 7  # runs on one page; more go on the next
_COMPACT_PT = 7.5


_NAME_CHARS = 240  # a few lines in a stop cell; the run's own sheet shows more


def _week_name(name: str) -> str:
    """A stop's name short enough that its row never outgrows a page (fpdf2 cannot split one)."""
    text = pdf_text(name)
    return text if len(text) <= _NAME_CHARS else text[: _NAME_CHARS - 1].rstrip() + "…"


def _weeks(plan: Plan) -> list[tuple[dt.date, list[Run]]]:
    """Runs grouped by ISO week (Monday to Sunday), in date order, with each week's Monday.

    A week whose every run date was a day off is there too, without runs.
    """
    weeks: dict[dt.date, list[Run]] = {
        s.date - dt.timedelta(days=s.date.weekday()): [] for s in plan.skipped_dates
    }
    for run in plan.runs:
        weeks.setdefault(run.date - dt.timedelta(days=run.date.weekday()), []).append(run)
    return [(k, weeks[k]) for k in sorted(weeks)]


class _Layout:
    """Columns, type size and line height of one kind of run column."""

    def __init__(self, wide: bool):
        self.wide = wide
        self.pt = TABLE_PT if wide else _COMPACT_PT
        self.line = 4.4 if wide else 3.2
        self.pad = (0.8, 1.0) if wide else (0.4, 0.5)
        # No., arrival, broadcast, stop, people (wide); broadcast start, "No. stop" (narrow).
        self.cols: tuple[float, ...] = (10, 14, 24, 58, 16) if wide else (12, 38)
        wide_align = ("CENTER", "CENTER", "CENTER", "LEFT", "RIGHT")
        self.align = wide_align if wide else ("CENTER", "LEFT")

    def rows(self, run: Run, lb: Labels) -> list[tuple[str, ...]]:
        if self.wide:
            head: tuple[str, ...] = (lb["no"], lb["arrival"], lb["broadcast"], lb["stop"],
                                     lb["people"])  # fmt: skip
            return [head] + [
                (
                    str(n),
                    lb.time(v.arrival),
                    f"{lb.time(v.start)}–{lb.time(v.end)}",
                    _week_name(v.stop.name),
                    lb.count(v.stop.population),
                )  # fmt: skip
                for n, v in enumerate(run.visits, start=1)
            ]
        narrow: tuple[str, ...] = (lb["broadcast"], lb["stop"])
        return [narrow] + [
            (lb.time(v.start), f"{n}. {_week_name(v.stop.name)}")
            for n, v in enumerate(run.visits, start=1)
        ]

    def height(self, pdf: _Sheet, run: Run, lb: Labels, width: float) -> float:
        widths = [c * width / sum(self.cols) for c in self.cols]
        total = 6.0 + 5.0 + 1.0  # the two heading lines of _run_column and the gap
        margin, pdf.c_margin = pdf.c_margin, self.pad[1]  # the table pads cells by this
        for r, row in enumerate(self.rows(run, lb)):
            pdf.set_font(FONT, "B" if r == 0 else "", self.pt)
            cells = zip(widths, row, strict=True)
            lines = max(_lines(pdf, w, self.line, text) for w, text in cells)
            total += lines * self.line + 2 * self.pad[0]
        pdf.c_margin = margin
        return total


def _lines(pdf: _Sheet, width: float, line: float, text: str) -> int:
    lines = None if "\n" in text else unbroken_lines(pdf, width, text)
    if lines is not None:
        use_glyphs(pdf, text)
        return lines
    wrapped = pdf.multi_cell(width, line, text, dry_run=True, output="LINES")
    return len(cast(list[str], wrapped))


def _run_column(pdf: _Sheet, run: Run, lb: Labels, x: float, width: float, lay: _Layout) -> None:
    pdf.set_left_margin(x)
    pdf.set_x(x)
    pdf.set_font(FONT, "B", 12 if lay.wide else 9)
    vehicle = f" — {lb['vehicle']} {run.vehicle}" if lay.wide or run.vehicle > 1 else ""
    pdf.cell(width, 6, f"{lb.weekday(run.date)} {lb.date(run.date)}{vehicle}",
             new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    pdf.set_font(FONT, "", 10 if lay.wide else _COMPACT_PT)
    pdf.cell(width, 5, f"{lb.time(run.depart)}–{lb.time(run.back)} · "
             f"{lb.count(run.people)} {lb['people'].lower()}",
             new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    pdf.ln(1)
    head = FontFace(family=FONT, emphasis="BOLD", size_pt=lay.pt, fill_color=(225, 225, 225))
    pdf.set_font(FONT, "", lay.pt)
    with pdf.table(
        width=width, col_widths=tuple(c * width / sum(lay.cols) for c in lay.cols),
        align="LEFT", headings_style=head, line_height=lay.line, padding=lay.pad,
        v_align="TOP", text_align=lay.align,
    ) as table:  # fmt: skip
        for row in lay.rows(run, lb):
            table.row(row)


def _totals(week: Sequence[Run], lb: Labels) -> str:
    return lb.t(
        "week_totals",
        runs=len(week),
        visits=sum(len(r.visits) for r in week),
        people=lb.count(sum(r.people for r in week)),
        km=lb.km(sum(r.distance_m for r in week)),
        drive=lb.number(sum(r.driving_s for r in week) / 3600),
        broadcast=lb.number(sum(r.broadcasting_s for r in week) / 3600),
    )


def _not_visited(plan: Plan, week: Sequence[Run], lb: Labels) -> str:
    visited = {v.stop.id for r in week for v in r.visits}
    left = sorted((s for s in plan.stops if s.enabled and s.id not in visited),
                  key=lambda s: (s.name, s.id))  # fmt: skip
    if not left:
        return lb["week_all_visited"]
    names = "; ".join(f"{pdf_text(s.name)} ({lb.count(s.population)})" for s in left)
    return f"{lb.t('week_not_visited', n=len(left))}: {names}"


def _columns(pdf: _Sheet, runs: Sequence[Run], lb: Labels, lay: _Layout) -> None:
    """Runs side by side from the current line, or one under the other when too long."""
    count = max(len(runs), _WIDE if lay.wide else 1)
    # A hair narrower: the last column must not exceed the page's width by a rounding.
    width = (pdf.epw - _GAP_MM * (count - 1)) / count - 0.01
    top, page = pdf.get_y(), pdf.page
    room = pdf.page_break_trigger - top
    heights = [lay.height(pdf, r, lb, width) for r in runs]
    if all(h <= room for h in heights):
        for i, run in enumerate(runs):
            pdf.page = page
            pdf.set_y(top)
            _run_column(pdf, run, lb, _MARGIN_MM + i * (width + _GAP_MM), width, lay)
        pdf.page = page
        pdf.set_left_margin(_MARGIN_MM)
        pdf.set_y(top + max(heights, default=0) + 2)
        return
    for i, run in enumerate(runs):  # one under the other, flowing onto further pages
        if i:
            pdf.ln(6)
        _run_column(pdf, run, lb, _MARGIN_MM, pdf.epw, _Layout(wide=True))
    pdf.set_left_margin(_MARGIN_MM)
    pdf.ln(2)


def render_week_overview(plan: Plan, labels: Labels) -> bytes:
    """Every week from a new landscape page: heading, days off, totals, runs, stops left."""
    lb = labels
    title = f"{lb['week_overview']} — {lb['plan_title']}"
    pdf = _Sheet(plan.start, title, lb.estimated(plan.estimated))
    for monday, week in _weeks(plan):
        sunday = monday + dt.timedelta(days=6)
        pdf.add_page()
        pdf.set_left_margin(_MARGIN_MM)
        pdf.set_font(FONT, "B", 14)
        pdf.cell(0, 8, f"{lb['week']} {lb.date(monday)} – {lb.date(sunday)}: "
                 f"{pdf_text(plan.programme_title)}", new_x="LMARGIN", new_y="NEXT")  # fmt: skip
        pdf.set_font(FONT, "", TABLE_PT)
        changes = lb.day_changes(
            [s for s in plan.skipped_dates if monday <= s.date <= sunday],
            [m for m in plan.moved_dates if monday <= m.date <= sunday],
        )
        for line in changes:
            pdf.multi_cell(0, 5, pdf_text(line), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FONT, "B", TABLE_PT)
        pdf.multi_cell(0, 5, _totals(week, lb), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
        lay = _Layout(wide=len(week) <= _WIDE)
        for first in range(0, len(week), _MAX_COLUMNS):
            if first:
                pdf.add_page()
            _columns(pdf, week[first : first + _MAX_COLUMNS], lb, lay)
        pdf.set_font(FONT, "", _COMPACT_PT)
        pdf.multi_cell(0, 3.6, _not_visited(plan, week, lb), new_x="LMARGIN", new_y="NEXT")
    if pdf.page == 0:
        pdf.add_page()
    pdf.number_pages(title, lb["page"])
    return bytes(pdf.output())
