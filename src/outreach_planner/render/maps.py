"""Folium maps: the whole horizon (index.html) and one map per run.

Every text that comes from an input file is HTML-escaped before it reaches a
popup, tooltip or legend: Leaflet renders those strings as HTML.
"""

from __future__ import annotations

import html
import math

import folium
from shapely.geometry import mapping

from outreach_planner.geo import LonLat
from outreach_planner.labels import Labels
from outreach_planner.plan import Plan, Run, Visit

PALETTE = (
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e",
    "#17becf", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
)  # fmt: skip


def run_colour(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def _ll(p: LonLat) -> list[float]:
    return [p.lat, p.lon]  # folium wants [lat, lon]


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _base_map(plan: Plan, labels: Labels, points: list[LonLat]) -> folium.Map:
    m = folium.Map(location=_ll(plan.settings.depot.position), zoom_start=11, control_scale=True)
    communes = folium.FeatureGroup(name=_esc(labels["communes"]), show=True)
    for c in plan.communes:
        folium.GeoJson(
            {"type": "Feature", "properties": {}, "geometry": mapping(c.geometry)},
            style_function=lambda _f: {
                "color": "#555555", "weight": 2, "fill": True,
                "fillColor": "#ffffff", "fillOpacity": 0.05, "dashArray": "6 4",
            },
            tooltip=_esc(c.name),
        ).add_to(communes)  # fmt: skip
    communes.add_to(m)
    depot = plan.settings.depot
    folium.Marker(
        _ll(depot.position),
        tooltip=_esc(f"{labels['depot']}: {depot.name}"),
        popup=folium.Popup(f"<b>{_esc(labels['depot'])}</b><br>{_esc(depot.name)}", max_width=280),
        icon=folium.Icon(color="black", icon="home"),
    ).add_to(m)
    if points:
        lats = [p.lat for p in points] + [depot.position.lat]
        lons = [p.lon for p in points] + [depot.position.lon]
        m.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]], padding=(20, 20))
    return m


def _number_icon(n: int, colour: str) -> folium.DivIcon:
    return folium.DivIcon(
        html=(
            f'<div class="op-num" style="background:{colour}">{n}</div>'
        ),
        icon_size=(26, 26),
        icon_anchor=(13, 13),
        class_name="op-num-icon",
    )


def _visit_popup(n: int, v: Visit, labels: Labels) -> str:
    s = v.stop
    villages = "<br>".join(_esc(f"{vil.name} ({vil.commune})") for vil in s.villages)
    return (
        f"<div class='op-popup'><b>{n}. {_esc(s.name)}</b><br>"
        f"<i>{_esc(labels['villages'])}:</i><br>{villages}<br>"
        f"{_esc(labels['arrival'])}: <b>{labels.time(v.arrival)}</b><br>"
        f"{_esc(labels['broadcast'])}: <b>{labels.time(v.start)}–{labels.time(v.end)}</b><br>"
        f"{_esc(labels['depart'])}: {labels.time(v.depart)}<br>"
        f"{_esc(labels['people_covered'])}: <b>{s.population:,}</b><br>"
        f"{_esc(labels['languages'])}: {_esc(labels.languages(s.languages))}<br>"
        f"{_esc(labels['drive'])}: {v.leg.distance_m / 1000:.1f} {labels['km']}, "
        f"{round(v.leg.travel_s / 60)} {labels['min']}</div>"
    )


def _add_run(layer: folium.FeatureGroup, plan: Plan, run: Run, colour: str, labels: Labels) -> None:
    depot = plan.settings.depot.position
    path = [_ll(depot), *(_ll(v.stop.position) for v in run.visits), _ll(depot)]
    folium.PolyLine(path, color=colour, weight=4, opacity=0.8, dash_array="8 6").add_to(layer)
    for n, v in enumerate(run.visits, start=1):
        folium.Marker(
            _ll(v.stop.position),
            icon=_number_icon(n, colour),
            tooltip=_esc(f"{n}. {v.stop.name} — {labels.time(v.start)}"),
            popup=folium.Popup(_visit_popup(n, v, labels), max_width=320),
        ).add_to(layer)


_CSS = """
<style>
.op-num{width:26px;height:26px;border-radius:13px;color:#fff;font:bold 14px/26px sans-serif;
 text-align:center;border:2px solid #fff;box-shadow:0 0 3px #000}
.op-legend{position:fixed;top:10px;left:54px;z-index:1000;background:#fff;padding:8px 10px;
 border-radius:6px;box-shadow:0 0 6px rgba(0,0,0,.4);font:14px sans-serif;max-width:60vw}
.op-popup{font:14px/1.4 sans-serif}
@media (max-width:600px){.op-legend{font-size:12px;max-width:70vw}}
</style>
"""


def _legend(m: folium.Map, lines: list[str]) -> None:
    body = "<br>".join(lines)
    m.get_root().header.add_child(folium.Element(_CSS))
    m.get_root().html.add_child(folium.Element(f'<div class="op-legend">{body}</div>'))


def _notes(plan: Plan, labels: Labels) -> list[str]:
    notes = []
    if plan.travel_model == "straight-line":
        notes.append(f"<i>{_esc(labels['straight_legs'])}</i>")
    if any(v.estimated for s in plan.stops for v in s.villages):
        notes.append(f"<i>{_esc(labels['estimated_data'])}</i>")
    return notes


def render_run_map(plan: Plan, index: int, labels: Labels) -> bytes:
    """One run: its route and numbered stops with their timetable."""
    run = plan.runs[index]
    colour = run_colour(index)
    m = _base_map(plan, labels, [v.stop.position for v in run.visits])
    layer = folium.FeatureGroup(name=_esc(f"{labels['run']} {labels.date(run.date)}"), show=True)
    _add_run(layer, plan, run, colour, labels)
    layer.add_to(m)
    folium.LayerControl(collapsed=True).add_to(m)
    vehicle = f" — {labels['vehicle']} {run.vehicle}" if plan.settings.vehicles > 1 else ""
    _legend(
        m,
        [
            f"<b>{_esc(labels['run'])} {labels.weekday(run.date)} {labels.date(run.date)}"
            f"{_esc(vehicle)}</b>",
            f"{_esc(labels['leave_depot'])} {labels.time(run.depart)} · "
            f"{_esc(labels['back_depot'])} {labels.time(run.back)} · "
            f"{len(run.visits)} {_esc(labels['stops']).lower()} · "
            f"{run.people:,} {_esc(labels['people']).lower()}",
            *_notes(plan, labels),
        ],
    )
    return m.get_root().render().encode("utf-8")


def render_index_map(plan: Plan, labels: Labels) -> bytes:
    """The whole horizon: boundaries, every stop sized by its people, one layer per run."""
    m = _base_map(plan, labels, [s.position for s in plan.stops])
    stops_layer = folium.FeatureGroup(name=_esc(labels["all_stops"]), show=True)
    runs_of: dict[str, list[str]] = {}
    for run in plan.runs:
        for v in run.visits:
            runs_of.setdefault(v.stop.id, []).append(labels.date(run.date))
    unassigned = {u.stop.id for u in plan.unassigned}
    for s in plan.stops:
        dates = runs_of.get(s.id, [])
        popup = (
            f"<div class='op-popup'><b>{_esc(s.name)}</b><br>"
            f"{_esc(labels['people_covered'])}: <b>{s.population:,}</b><br>"
            f"{_esc(labels['languages'])}: {_esc(labels.languages(s.languages))}<br>"
            f"{_esc(labels['visits'])}: {len(dates)} ({', '.join(dates)})"
            + (f"<br><b>{_esc(labels['unassigned'])}</b>" if s.id in unassigned else "")
            + "</div>"
        )
        folium.CircleMarker(
            _ll(s.position),
            radius=max(4.0, math.sqrt(s.population) / 3),
            color="#b00" if s.id in unassigned else "#333",
            weight=1,
            fill=True,
            fill_color="#f4a259" if dates else "#cccccc",
            fill_opacity=0.6,
            tooltip=_esc(f"{s.name}: {s.population:,}"),
            popup=folium.Popup(popup, max_width=320),
        ).add_to(stops_layer)
    stops_layer.add_to(m)
    for i, run in enumerate(plan.runs):
        colour = run_colour(i)
        vehicle = f" ({labels['vehicle']} {run.vehicle})" if plan.settings.vehicles > 1 else ""
        name = (
            f'<span style="color:{colour}">■</span> '
            f"{_esc(labels.weekday(run.date))} {labels.date(run.date)}{_esc(vehicle)}"
        )
        layer = folium.FeatureGroup(name=name, show=True)
        _add_run(layer, plan, run, colour, labels)
        layer.add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    summary = plan.summary()
    _legend(
        m,
        [
            f"<b>{_esc(labels['plan_title'])}</b>",
            f"{labels.date(plan.runs[0].date) if plan.runs else ''} – "
            f"{labels.date(plan.runs[-1].date) if plan.runs else ''} · "
            f"{summary['runs']} {_esc(labels['runs']).lower()} · "
            f"{summary['people_reached']:,} {_esc(labels['people_reached']).lower()}",
            *_notes(plan, labels),
        ],
    )
    return m.get_root().render().encode("utf-8")
