"""Printable route sheets (A4 PDF), one per run (the week overview: week_overview.py).

matplotlib (Agg, no pyplot) draws each run's map as a PNG; fpdf2 lays out the
pages. The text font is DejaVu Sans, the copy shipped inside matplotlib,
embedded (subset) in every PDF so Vietnamese diacritics print the same on any
machine. Input text is normalized to NFC first: a name typed in decomposed
form would otherwise print its tone marks as loose glyphs.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import unicodedata
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, cast

import matplotlib
from fpdf import FPDF, FontFace
from matplotlib import patheffects
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from shapely.geometry import Point, box

from outreach_planner.geo import LocalProjection, LonLat
from outreach_planner.labels import Labels
from outreach_planner.plan import Leg, Plan, Run

FONT = "DejaVu"
OSM_ATTRIBUTION = "© OpenStreetMap contributors"
TABLE_PT = 10  # smallest type in any table: legible when printed and read in a moving vehicle
ROUTE_COLOUR = "#d62728"
_MARGIN_MM = 10.0
_MAP_DPI = 200


def _font_files() -> tuple[Path, Path]:
    """DejaVu Sans regular and bold, from matplotlib's own data folder."""
    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    return folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"


def pdf_text(text: object) -> str:
    """Input text as it should print: NFC, control characters as spaces (newlines kept)."""
    s = unicodedata.normalize("NFC", str(text))
    return "".join(
        " " if unicodedata.category(ch) == "Cc" and ch != "\n" else ch for ch in s
    ).strip()


def leg_path(leg: Leg) -> tuple[LonLat, ...] | None:
    """The road geometry of a leg (previous place to this one), when the plan drove on roads.

    Straight-line legs carry none. A road path comes from OpenStreetMap data, so a
    map that draws one carries the OpenStreetMap attribution.
    """
    return getattr(leg, "path", None) or None


def _attribution(plan: Plan) -> str:
    roads = getattr(plan, "roads", None)
    return str(getattr(roads, "attribution", None) or OSM_ATTRIBUTION)


class _Sheet(FPDF):
    """A4 landscape with DejaVu Sans, the fixed creation date and no page-count alias."""

    def __init__(self, created: dt.date, title: str, notice: str = ""):
        super().__init__(orientation="L", unit="mm", format="A4")
        regular, bold = _font_files()
        self.add_font(FONT, "", str(regular))
        self.add_font(FONT, "B", str(bold))
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


# ---------------------------------------------------------------- the map


def _nice_length_km(width_km: float) -> float:
    """The longest of 0.1, 0.2, 0.5, 1, 2, 5, ... km within a quarter of the width."""
    target = max(width_km / 4, 0.1)
    exp = 10 ** math.floor(math.log10(target))
    return max(m * exp for m in (1, 2, 5) if m * exp <= target)


def _polygons(geom: object) -> Iterator[object]:
    if hasattr(geom, "geoms"):
        for g in geom.geoms:  # type: ignore[attr-defined]
            yield from _polygons(g)
    elif getattr(geom, "geom_type", "") == "Polygon":
        yield geom


def _map_rc() -> Any:
    # Names are text, never TeX: "$" in a commune name must print as a dollar sign.
    return matplotlib.rc_context(
        {"font.family": "DejaVu Sans", "font.size": 9, "text.parse_math": False}
    )


def render_run_map_png(
    plan: Plan,
    run: Run,
    labels: Labels,
    *,
    size_mm: tuple[float, float],
    attribution: str | None = None,
) -> bytes:
    """The run's map (`draw_run_map`) as PNG."""
    with _map_rc():
        fig = draw_run_map(plan, run, labels, size_mm=size_mm, attribution=attribution)
        buf = io.BytesIO()
        # No "Software" entry: the PNG stays the same across matplotlib patch releases.
        fig.savefig(buf, format="png", dpi=_MAP_DPI, metadata={"Software": None})
    return buf.getvalue()


def draw_run_map(
    plan: Plan,
    run: Run,
    labels: Labels,
    *,
    size_mm: tuple[float, float],
    attribution: str | None = None,
) -> Figure:
    """The run's map: route in order, numbered stops, depot, communes, scale, north.

    Legs with a road path (see `leg_path`) are drawn along it; otherwise straight,
    and the map says it has no roads. `attribution` is printed in the corner when
    the map draws third-party data.
    """
    depot = plan.settings.depot.position
    places = [depot, *(v.stop.position for v in run.visits), depot]
    centre = LonLat(
        (min(p.lon for p in places) + max(p.lon for p in places)) / 2,
        (min(p.lat for p in places) + max(p.lat for p in places)) / 2,
    )
    proj = LocalProjection(centre)

    def km(p: LonLat) -> tuple[float, float]:
        x, y = proj.xy(p)
        return x / 1000, y / 1000

    pts = [km(p) for p in places]
    w_mm, h_mm = size_mm
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    # Frame the run with a margin, then widen one side to the image's proportions
    # so that a kilometre is as long north-south as east-west.
    span_x = max(max(xs) - min(xs), 1.0) * 1.15 + 1.0
    span_y = max(max(ys) - min(ys), 1.0) * 1.15 + 1.0
    if span_x / span_y < w_mm / h_mm:
        span_x = span_y * w_mm / h_mm
    else:
        span_y = span_x * h_mm / w_mm
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    x0, x1, y0, y1 = cx - span_x / 2, cx + span_x / 2, cy - span_y / 2, cy + span_y / 2
    sw, ne = proj.lonlat(x0 * 1000, y0 * 1000), proj.lonlat(x1 * 1000, y1 * 1000)
    pad = (ne.lon - sw.lon) * 0.04  # names keep clear of the frame's edge
    frame = box(sw.lon + pad, sw.lat + pad, ne.lon - pad, ne.lat - pad)

    with _map_rc():
        fig = Figure(figsize=(w_mm / 25.4, h_mm / 25.4), dpi=_MAP_DPI)
        FigureCanvasAgg(fig)
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_aspect("equal", adjustable="box")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_facecolor("#f7f5f0")

        # The depot's label goes on the side away from the stops around it (drawn below).
        dx, dy = pts[0]
        near = [(sx - dx, sy - dy) for sx, sy in pts[1:-1]]
        near = [(ex, ey) for ex, ey in near if 0 < math.hypot(ex, ey) < span_x / 6] or near
        side_x = -1 if sum(ex for ex, _ in near) > 0 else 1
        side_y = -1 if sum(ey for _, ey in near) > 0 else 1
        for commune in plan.communes:
            for poly in _polygons(commune.geometry):
                for ring in (poly.exterior, *poly.interiors):  # type: ignore[attr-defined]
                    cx_, cy_ = zip(*(km(LonLat(*c[:2])) for c in ring.coords), strict=True)
                    ax.plot(cx_, cy_, color="#777777", lw=1.0, ls=(0, (5, 3)), zorder=1)
            # The name stands inside the part of the commune the map shows.
            shown = commune.geometry.intersection(frame)
            if shown.is_empty:
                continue
            label_at = shown.representative_point()
            lx, ly = km(LonLat(label_at.x, label_at.y))
            if math.hypot(lx - dx, ly - dy) < span_x / 25:
                ly -= side_y * span_y / 16  # clear of the depot's marker and label
            if x0 < lx < x1 and y0 < ly < y1:
                ax.text(
                    lx,
                    ly,
                    pdf_text(commune.name),
                    color="#666666",
                    fontsize=11,
                    style="italic",
                    ha="center",
                    va="center",
                    zorder=4,
                    clip_on=True,
                    path_effects=[patheffects.withStroke(linewidth=3, foreground="#f7f5f0")],
                )

        legs = [*(v.leg for v in run.visits), run.leg_back]
        for leg, a, b in zip(legs, places[:-1], places[1:], strict=True):
            path = leg_path(leg)
            # A road path may start and end at the roads nearest the places: join them up.
            line = [km(p) for p in (a, *path, b)] if path else [km(a), km(b)]
            lx_, ly_ = zip(*line, strict=True)
            ax.plot(
                lx_,
                ly_,
                color=ROUTE_COLOUR,
                lw=2.2,
                alpha=0.85,
                zorder=3,
                ls="-" if path else (0, (6, 3)),
            )
            # The arrow of travel sits on the middle segment of the leg.
            mid = max(len(line) // 2, 1)
            (ax_, ay_), (bx_, by_) = line[mid - 1], line[mid]
            if math.hypot(bx_ - ax_, by_ - ay_) > span_x / 40:  # direction of travel
                ax.annotate(
                    "",
                    xy=(ax_ + (bx_ - ax_) * 0.56, ay_ + (by_ - ay_) * 0.56),
                    xytext=(ax_ + (bx_ - ax_) * 0.5, ay_ + (by_ - ay_) * 0.5),
                    arrowprops={
                        "arrowstyle": "-|>",
                        "color": ROUTE_COLOUR,
                        "lw": 1.5,
                        "mutation_scale": 14,
                    },
                    zorder=3,
                )

        ax.scatter(
            [dx],
            [dy],
            marker="s",
            s=170,
            color="#222222",
            edgecolors="white",
            linewidths=1.5,
            zorder=5,
        )
        # Above every marker, so the stops near the depot do not hide it.
        ax.annotate(
            pdf_text(labels["depot"]),
            (dx, dy),
            xytext=(14 * side_x, 12 * side_y),
            textcoords="offset points",
            ha="left" if side_x > 0 else "right",
            va="bottom" if side_y > 0 else "top",
            fontsize=10,
            fontweight="bold",
            zorder=10,
            bbox={"boxstyle": "round,pad=0.25", "fc": "white", "ec": "#222222", "alpha": 0.9},
            arrowprops={"arrowstyle": "-", "color": "#222222", "lw": 1},
        )
        for n, (sx, sy) in enumerate(pts[1:-1], start=1):
            ax.scatter(
                [sx], [sy], s=260, color=ROUTE_COLOUR, edgecolors="white", linewidths=1.5, zorder=6
            )
            ax.text(
                sx,
                sy,
                str(n),
                color="white",
                fontsize=9,
                fontweight="bold",
                ha="center",
                va="center",
                zorder=7,
            )

        length = _nice_length_km(span_x)
        bx, by = x0 + span_x * 0.03, y0 + span_y * 0.05
        ax.plot([bx, bx + length], [by, by], color="black", lw=4, solid_capstyle="butt", zorder=8)
        ax.plot(
            [bx, bx + length / 2], [by, by], color="white", lw=2, solid_capstyle="butt", zorder=9
        )
        ax.text(
            bx + length / 2,
            by + span_y * 0.018,
            f"{length:g} {labels['km']}",
            ha="center",
            va="bottom",
            fontsize=10,
            zorder=9,
        )

        ax.annotate(
            "",
            xy=(0.965, 0.95),
            xytext=(0.965, 0.84),
            xycoords="axes fraction",
            arrowprops={"arrowstyle": "-|>", "color": "black", "lw": 2, "mutation_scale": 20},
        )
        ax.text(
            0.965,
            0.81,
            labels["north"],
            transform=ax.transAxes,
            ha="center",
            va="top",
            fontsize=13,
            fontweight="bold",
        )
        if not any(leg_path(leg) for leg in legs):
            ax.text(
                0.005, 0.995, labels["no_roads_map"], transform=ax.transAxes, ha="left",
                va="top", fontsize=9, color="#333333", zorder=9,
                bbox={"fc": "white", "ec": "none", "alpha": 0.8},
            )  # fmt: skip
        if attribution:
            ax.text(
                0.995,
                0.005,
                attribution,
                transform=ax.transAxes,
                ha="right",
                va="bottom",
                fontsize=8,
                color="#333333",
                bbox={"fc": "white", "ec": "none", "alpha": 0.7},
            )
        for spine in ax.spines.values():
            spine.set_edgecolor("#444444")
    return fig


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
    png = render_run_map_png(
        plan,
        run,
        labels,
        size_mm=(map_w, map_h),
        attribution=_attribution(plan) if osm_drawn else None,
    )
    pdf.image(io.BytesIO(png), x=pdf.l_margin, y=pdf.get_y(), w=map_w, h=map_h)
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
