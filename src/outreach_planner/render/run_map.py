"""A run's map for its route sheet: matplotlib (Agg, no pyplot) draws the route in order,
numbered stops, the depot, the communes with their names, a scale bar and north arrow.

Input text is normalized to NFC first (`pdf_text`): a name typed in decomposed form would
otherwise print its tone marks as loose glyphs.
"""

from __future__ import annotations

import io
import math
import unicodedata
from collections.abc import Iterator
from typing import Any

import matplotlib
from matplotlib import patheffects
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from PIL import Image
from shapely.geometry import box

from outreach_planner.geo import LocalProjection, LonLat
from outreach_planner.labels import Labels
from outreach_planner.plan import Leg, Plan, Run

ROUTE_COLOUR = "#d62728"
_MAP_DPI = 200


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


def render_run_map_image(
    plan: Plan,
    run: Run,
    labels: Labels,
    *,
    size_mm: tuple[float, float],
    attribution: str | None = None,
) -> Image.Image:
    """The run's map (`draw_run_map`) as an RGBA image.

    The pixels, not a PNG: the PDF stores pixels, so a PNG would be encoded only for
    fpdf2 to decode it again, for the same bytes in the PDF.
    """
    with _map_rc():
        fig = draw_run_map(plan, run, labels, size_mm=size_mm, attribution=attribution)
        buf = io.BytesIO()
        fig.savefig(buf, format="rgba", dpi=_MAP_DPI)
    width, height = fig.canvas.get_width_height(physical=True)
    return Image.frombuffer("RGBA", (width, height), buf.getvalue())


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
        # Every commune outline in one collection: drawn as separate lines would be (the dashes
        # start again on each ring), without the cost of an artist each.
        rings = [
            [km(LonLat(*c[:2])) for c in ring.coords]
            for commune in plan.communes
            for poly in _polygons(commune.geometry)
            for ring in (poly.exterior, *poly.interiors)  # type: ignore[attr-defined]
        ]
        ax.add_collection(
            LineCollection(
                rings, colors="#777777", linewidths=1.0, linestyles=[(0, (5, 3))], zorder=1
            ),
            autolim=False,
        )
        for commune in plan.communes:
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
        stops = pts[1:-1]
        if stops:  # one collection: the markers overlap in visiting order all the same
            ax.scatter(
                [sx for sx, _ in stops],
                [sy for _, sy in stops],
                s=260,
                color=ROUTE_COLOUR,
                edgecolors="white",
                linewidths=1.5,
                zorder=6,
            )
        for n, (sx, sy) in enumerate(stops, start=1):
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
