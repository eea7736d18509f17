"""Printable route sheets (A4 PDF), one per run (the week overview: week_overview.py).

run_map.py draws each run's map as an image; fpdf2 lays out the pages. The text
font is DejaVu Sans (pdf_fonts.py), embedded (subset) in every PDF so Vietnamese
diacritics print the same on any machine. Input text is normalized to NFC first:
a name typed in decomposed form would otherwise print its tone marks as loose glyphs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import cast

from fpdf import FPDF, FontFace
from shapely.geometry import Point

from outreach_planner.geo import LonLat
from outreach_planner.labels import Labels
from outreach_planner.plan import Leg, Plan, Run
from outreach_planner.render.pdf_fonts import FONT, add_font, font_files, unbroken_lines, use_glyphs
from outreach_planner.render.run_map import leg_path, pdf_text, render_run_map_image

OSM_ATTRIBUTION = "© OpenStreetMap contributors"
TABLE_PT = 10  # smallest type in any table: legible when printed and read in a moving vehicle
_MARGIN_MM = 10.0


def _attribution(plan: Plan) -> str:
    roads = getattr(plan, "roads", None)
    return str(getattr(roads, "attribution", None) or OSM_ATTRIBUTION)


class _Sheet(FPDF):
    """A4 landscape with DejaVu Sans, the fixed creation date and no page-count alias."""

    def __init__(self, created: dt.date, title: str, notice: str = ""):
        super().__init__(orientation="L", unit="mm", format="A4")
        regular, bold = font_files()
        add_font(self, "", regular)
        add_font(self, "B", bold)
        self.set_margins(_MARGIN_MM, _MARGIN_MM, _MARGIN_MM)
        # The estimated-data notice stands above the footer of every page.
        self.notice = notice
        self.set_auto_page_break(True, margin=_MARGIN_MM + (10 if notice else 6))
        # Same plan, same bytes: the date stamped in the file is the plan's first day.
        self.set_creation_date(dt.datetime.combine(created, dt.time(), tzinfo=dt.UTC))
        # A name like "{nb}" must print as written, not as the page count.
        self.alias_nb_pages("")
        self.set_title(title)
        self.set_creator("outreach-planner")
        self.set_font(FONT, size=TABLE_PT)

    def number_pages(self, left: str, page_word: str) -> None:
        """Write each page's footer once the page count is known."""
        self.set_auto_page_break(False)
        last = self.page
        for n in range(1, last + 1):
            self.page = n
            # fpdf2 skips a set_font equal to the last one it made, on whichever page:
            # switch twice so this page's stream selects the regular face itself.
            self.set_font(FONT, "B", 8)
            if self.notice:
                self.set_xy(_MARGIN_MM, self.h - _MARGIN_MM - 8.5)
                self.set_text_color(150, 60, 0)
                self.cell(self.epw, 4, self.notice, align="L")
                self.set_text_color(0, 0, 0)
            self.set_font(FONT, "", 8)
            self.set_xy(_MARGIN_MM, self.h - _MARGIN_MM - 4)
            self.cell(self.epw / 2, 4, left, align="L")
            self.cell(self.epw / 2, 4, f"{page_word} {n}/{last}", align="R")
        self.page = last


def _title(run: Run, labels: Labels) -> str:
    return (
        f"{labels['run']} {labels.weekday(run.date)} {labels.date(run.date)}"
        f" — {labels['vehicle']} {run.vehicle}"
    )


def _summary(run: Run, labels: Labels) -> str:
    parts = [
        f"{labels['leave_depot']} {labels.time(run.depart)}",
        f"{labels['back_depot']} {labels.time(run.back)}",
    ]
    if run.lunch:
        parts.append(f"{labels['lunch']} {labels.time(run.lunch[0])}–{labels.time(run.lunch[1])}")
    parts += [
        f"{len(run.visits)} {labels['stops'].lower()}",
        f"{labels.count(run.people)} {labels['people'].lower()}",
        f"{labels.km(run.distance_m)} {labels['km']}",
    ]
    return " · ".join(parts)


# ---------------------------------------------------------------- the run sheet

# Column widths (mm, adding up to the 277 mm between the margins): No., stop, villages,
# commune, arrival, broadcast, departure, drive to the next place (km, min), people,
# languages. Each heading fits its column in both languages at 10 pt bold.
_COLS = (10, 46, 48, 26, 16, 25, 23, 13, 14, 18, 38)
_DEPOT, _VISIT, _NOTE = "depot", "visit", "note"


def _min(leg: Leg) -> str:
    return str(round(leg.travel_s / 60))


def _sheet_rows(plan: Plan, run: Run, labels: Labels) -> list[tuple[str, tuple[str, ...]]]:
    """Table rows in order, each (kind, cells): depot, visits with lunch where it falls, depot.

    A depot row is (name, arrival, departure, km, min); a note row is one text.
    """
    depot = f"{labels['depot']}: {pdf_text(plan.settings.depot.name)}"
    next_legs = [*(v.leg for v in run.visits[1:]), run.leg_back] if run.visits else []
    first_leg = run.visits[0].leg if run.visits else run.leg_back
    rows: list[tuple[str, tuple[str, ...]]] = [
        (
            _DEPOT,
            (depot, "", labels.time(run.depart), labels.km(first_leg.distance_m), _min(first_leg)),
        )
    ]
    lunch_note = (
        f"{labels['lunch']} {labels.time(run.lunch[0])}–{labels.time(run.lunch[1])}"
        if run.lunch
        else None
    )
    for n, (v, nxt) in enumerate(zip(run.visits, next_legs, strict=True), start=1):
        if lunch_note and run.lunch and v.arrival >= run.lunch[1]:
            rows.append((_NOTE, (lunch_note,)))
            lunch_note = None
        s = v.stop
        rows.append(
            (
                _VISIT,
                (
                    str(n),
                    pdf_text(s.name),
                    "\n".join(pdf_text(vil.name) for vil in s.villages)
                    or labels["no_villages"].format(n=labels.count(s.population)),
                    pdf_text(", ".join(s.communes) or commune_at(plan, s.position, labels)),
                    labels.time(v.arrival),
                    f"{labels.time(v.start)}–{labels.time(v.end)}",
                    labels.time(v.depart),
                    labels.km(nxt.distance_m),
                    _min(nxt),
                    f"{labels.count(s.population)}",
                    labels.languages(s.languages),
                ),
            )
        )
    if lunch_note:
        rows.append((_NOTE, (lunch_note,)))
    rows.append((_DEPOT, (depot, labels.time(run.back), "", "", "")))
    return rows


def commune_at(plan: Plan, position: LonLat, labels: Labels) -> str:
    """The commune a place lies in (a stop without villages has none of its own), or the
    nearest one, said to be near."""
    point = Point(position.lon, position.lat)
    if not plan.communes:
        return ""
    nearest = min(plan.communes, key=lambda c: (c.geometry.distance(point), c.name))
    if nearest.geometry.covers(point):
        return pdf_text(nearest.name)
    return labels["near_commune"].format(name=pdf_text(nearest.name))


def _notes(plan: Plan, labels: Labels, *, osm_drawn: bool) -> list[str]:
    notes = []
    if plan.travel_model == "straight-line":
        notes.append(labels["straight_legs"])
    if osm_drawn:
        notes.append(_attribution(plan))
    return notes


def render_route_sheet(plan: Plan, index: int, labels: Labels) -> bytes:
    """The run's printable sheet: title, map, then the timetable (A4 landscape PDF)."""
    run = plan.runs[index]
    title = _title(run, labels)
    pdf = _Sheet(plan.start, title, labels.estimated(plan.estimated))
    pdf.add_page()
    pdf.set_font(FONT, "B", 16)
    pdf.cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 11)
    pdf.cell(0, 6, _summary(run, labels), new_x="LMARGIN", new_y="NEXT")
    moved = labels.moved_here(plan.moved_dates, run.date)
    if moved:
        pdf.cell(0, 6, pdf_text(moved), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)

    osm_drawn = any(leg_path(leg) for leg in (*(v.leg for v in run.visits), run.leg_back))
    notes = _notes(plan, labels, osm_drawn=osm_drawn)
    map_w = pdf.epw
    map_h = pdf.page_break_trigger - pdf.get_y() - 5 * len(notes) - 2
    image = render_run_map_image(
        plan,
        run,
        labels,
        size_mm=(map_w, map_h),
        attribution=_attribution(plan) if osm_drawn else None,
    )
    pdf.image(image, x=pdf.l_margin, y=pdf.get_y(), w=map_w, h=map_h)
    pdf.set_y(pdf.get_y() + map_h + 1)
    pdf.set_font(FONT, "", 10)
    for note in notes:
        pdf.cell(0, 5, note, new_x="LMARGIN", new_y="NEXT")

    pdf.add_page()
    pdf.set_font(FONT, "B", 12)
    pdf.cell(0, 7, title, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    _timetable(pdf, _sheet_rows(plan, run, labels), labels)
    if run.items:
        pdf.ln(2)
        pdf.set_font(FONT, "", TABLE_PT)
        pdf.multi_cell(0, 5, pdf_text(_run_items(run, labels)), new_x="LMARGIN", new_y="NEXT")
    pdf.number_pages(f"{labels['route_sheet']}: {title}", labels["page"])
    return bytes(pdf.output())


def _run_items(run: Run, labels: Labels) -> str:
    """The items this run plays, with their lengths (m:ss) and languages."""
    parts = [
        f"{title}{f' ({labels.languages((language,))})' if language else ''} "
        f"{seconds // 60}:{seconds % 60:02d}"
        for title, language, seconds in run.items
    ]
    return f"{labels['run_items']}: " + "; ".join(parts)


# A table row may not outgrow a page (fpdf2 cannot split one): a town-centre stop with
# dozens of villages, or a very long name, is cut to this many lines with a note.
MAX_ROW_LINES = 18
_ITEM_LINES = 3  # one village of a list, shortened beyond this
_NARROWEST_MM = 0.8  # no character at 10 pt is narrower than this
_PAD_MM = (1.2, 1.0)  # timetable cell padding: top/bottom, left/right


def _lines(pdf: FPDF, width: float, text: str) -> int:
    wrapped = pdf.multi_cell(width, 4.6, text, dry_run=True, output="LINES")
    return len(cast(list[str], wrapped))


def _clip(text: str, width: float, max_lines: int) -> str:
    """`text` cut to more characters than `max_lines` lines of `width` mm can show: measuring
    a name of thousands of characters line by line would take seconds."""
    most = int(max_lines * width / _NARROWEST_MM) + 1
    return text if len(text) <= most else text[:most]


def _shorten(pdf: FPDF, width: float, text: str, max_lines: int) -> str:
    """`text`, or its longest start that fits `max_lines` with an ellipsis."""
    clipped = _clip(text, width, max_lines)
    if clipped == text and _lines(pdf, width, text) <= max_lines:
        return text
    text = clipped
    low, high = 0, len(text)
    while low < high:
        mid = (low + high + 1) // 2
        if _lines(pdf, width, text[:mid].rstrip() + "…") <= max_lines:
            low = mid
        else:
            high = mid - 1
    return text[:low].rstrip() + "…"


def fit_cell(pdf: FPDF, text: str, width: float, more: str, max_lines: int = MAX_ROW_LINES) -> str:
    """`text` cut to `max_lines` wrapped lines of `width` mm in the current font.

    A list (one village a line) keeps its lines while they fit, each long name
    shortened to a few lines, then a note says how many were left out (`more`
    holds `{n}`); a single text too long is shortened with an ellipsis.
    """
    width -= 2 * _PAD_MM[1]
    lines = unbroken_lines(pdf, width, text)
    if lines is not None and lines <= max_lines:
        use_glyphs(pdf, text)
        return text
    if len(text) <= len(_clip(text, width, max_lines)) and _lines(pdf, width, text) <= max_lines:
        return text
    items = text.split("\n")
    if len(items) == 1:
        return _shorten(pdf, width, text, max_lines)
    items = [_shorten(pdf, width, item, _ITEM_LINES) for item in items]
    heights = [_lines(pdf, width, item) for item in items]
    kept = 0
    while kept < len(items):
        left = len(items) - kept - 1
        note = _lines(pdf, width, more.format(n=left)) if left else 0
        if sum(heights[: kept + 1]) + note > max_lines:
            break
        kept += 1
    if kept == len(items):
        return "\n".join(items)
    return "\n".join([*items[:kept], more.format(n=len(items) - kept)])


def _fit_row(pdf: FPDF, cells: Sequence[str], widths: Sequence[float], labels: Labels) -> list[str]:
    return [fit_cell(pdf, c, w, labels["more_cut"]) for c, w in zip(cells, widths, strict=True)]


def _timetable(pdf: _Sheet, rows: Sequence[tuple[str, tuple[str, ...]]], labels: Labels) -> None:
    """The timetable; its two heading rows repeat at the top of every page it runs onto."""
    pdf.set_font(FONT, "", TABLE_PT)
    head = FontFace(family=FONT, emphasis="BOLD", size_pt=TABLE_PT, fill_color=(225, 225, 225))
    bold = FontFace(family=FONT, emphasis="BOLD", size_pt=TABLE_PT)
    shaded = FontFace(family=FONT, emphasis="BOLD", size_pt=TABLE_PT, fill_color=(245, 235, 200))
    with pdf.table(
        col_widths=_COLS,
        headings_style=head,
        line_height=4.6,
        padding=_PAD_MM,
        text_align=(
            "CENTER",
            "LEFT",
            "LEFT",
            "LEFT",
            "CENTER",
            "CENTER",
            "CENTER",
            "RIGHT",
            "RIGHT",
            "RIGHT",
            "LEFT",
        ),
        v_align="TOP",
        num_heading_rows=2,
        repeat_headings=1,
    ) as table:
        top = table.row()
        for key in ("no", "stop", "villages", "commune", "arrival", "broadcast", "depart"):
            top.cell(labels[key], rowspan=2, align="CENTER")
        top.cell(labels["drive_next"], colspan=2, align="CENTER")
        top.cell(labels["people_covered"], rowspan=2, align="CENTER")
        top.cell(labels["languages"], rowspan=2, align="CENTER")
        units = table.row()
        units.cell(labels["km"], align="CENTER")
        units.cell(labels["min"], align="CENTER")
        for kind, cells in rows:
            if kind == _NOTE:
                table.row().cell(cells[0], colspan=len(_COLS), align="CENTER", style=shaded)
            elif kind == _DEPOT:
                name, arrival, depart, km, minutes = cells
                row = table.row(style=bold)
                row.cell("")
                pdf.set_font(FONT, "B", TABLE_PT)
                row.cell(fit_cell(pdf, name, sum(_COLS[1:4]), labels["more_cut"]), colspan=3)
                pdf.set_font(FONT, "", TABLE_PT)
                for text in (arrival, "", depart, km, minutes, "", ""):
                    row.cell(text)
            else:
                table.row(_fit_row(pdf, cells, _COLS, labels))


def render_week_overview(plan: Plan, labels: Labels) -> bytes:
    """week-overview.pdf (render/week_overview.py; kept here for the outputs' one import)."""
    from outreach_planner.render.week_overview import render_week_overview as render

    return render(plan, labels)
