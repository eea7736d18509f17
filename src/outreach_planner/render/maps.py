"""Folium maps: the whole horizon (index.html) and one map per run.

Every text that comes from an input file is HTML-escaped before it reaches a
popup, tooltip or legend: Leaflet renders those strings as HTML. Leaflet
itself is embedded in each page (no CDN), so a map works with no network;
only the background tiles need one, and the commune boundaries are vectors.
"""

from __future__ import annotations

import base64
import functools
import html
import json
import math
import re
from collections.abc import Sequence
from importlib import resources
from typing import cast

import folium
from branca.element import Element, Figure, MacroElement
from jinja2 import Template
from shapely.geometry import mapping

from outreach_planner.domain import Stop, Village
from outreach_planner.geo import LocalProjection, LonLat
from outreach_planner.labels import Labels
from outreach_planner.plan import Plan, Run, Visit
from outreach_planner.render.map_controls import (
    INDEX_NUMBERS_ZOOM,
    RUN_LABELS_ZOOM,
    ZoomClass,
    layer_control,
)

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


_JS_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "'": "\\u0027",
               "{": "\\u007b", "}": "\\u007d"}  # fmt: skip


def js_string(text: str) -> str:
    """`text` as a JavaScript string literal that is safe inside <script> and Jinja.

    branca renders each element's script and then parses the result again as a
    Jinja template, so `{{ ... }}` in a village name would be evaluated: braces
    are written as \\u escapes, which JavaScript reads back as braces.
    """
    literal = json.dumps(text, ensure_ascii=False)
    return "".join(_JS_ESCAPES.get(ch, ch) for ch in literal)


class _Bound(MacroElement):
    """A popup or tooltip whose HTML reaches Leaflet as a plain string literal.

    folium's own Popup and Tooltip paste the text into a JavaScript template
    literal, where `${...}` in a village name would run; they also need jQuery,
    which an offline page does not have.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            {{ this._parent.get_name() }}.{{ this.method }}(
                {{ this.html_js }}, {{ this.options|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, method: str, html_text: str, options: dict[str, object]):
        super().__init__()
        self._name = "Bound"
        self.method = method
        self.html_js = js_string(html_text)
        self.options = options

    def render(self, **kwargs: object) -> None:  # type: ignore[override]  # as MacroElement's
        """As MacroElement.render, without parsing the script as a template again: it holds
        no template syntax (`js_string` escapes braces), so that parse would give it back as
        it is, at a cost that counts with hundreds of popups and tooltips on a map."""
        script = self._template.module.__dict__["script"](self, kwargs)
        # What the parse would change (syntax, "\r", a last newline): parsed, as before.
        parsed = any(s in script for s in ("{{", "{%", "{#", "\r")) or script.endswith("\n")
        part = Element(script) if parsed else RawHtml(script)
        _root_of(self).script.add_child(part, name=self.get_name())


def _popup(layer: Element, html_text: str) -> None:
    """Bind a popup of HTML (already escaped where it holds input text)."""
    layer.add_child(_Bound("bindPopup", html_text, {"maxWidth": 320}))


def _tooltip(layer: Element, text: str) -> None:
    """Bind a tooltip showing `text` as plain text."""
    layer.add_child(_Bound("bindTooltip", _esc(text), {"sticky": True}))


def _root(m: folium.Map) -> Figure:
    """The page around a map (folium types it as a plain Element)."""
    return cast(Figure, m.get_root())


def _root_of(element: Element) -> Figure:
    return cast(Figure, element.get_root())


class RawHtml(Element):
    """Literal HTML in the page. folium.Element would parse it as a Jinja template,
    which would run `{{ ... }}` found in a village name."""

    def __init__(self, text: str):
        super().__init__()
        self._text = text

    def render(self, **kwargs: object) -> str:
        return self._text


@functools.cache
def _leaflet_inline() -> str:
    """Leaflet's CSS (images as data URIs) and JS, to embed in a page's head."""
    folder = resources.files("outreach_planner") / "render" / "assets" / "leaflet-1.9.3"
    css = (folder / "leaflet.css").read_text(encoding="utf-8")

    def data_uri(match: re.Match[str]) -> str:
        png = (folder / "images" / match.group(1)).read_bytes()
        return f"url(data:image/png;base64,{base64.b64encode(png).decode()})"

    css = re.sub(r"url\(images/([\w.-]+\.png)\)", data_uri, css)
    js = (folder / "leaflet.js").read_text(encoding="utf-8")
    return f"<style>{css}</style>\n<script>{js}</script>\n"


class _TilesWhenOnline(MacroElement):
    """OpenStreetMap tiles, asked for only when the device is online (and once it
    comes online): offline, the page makes no request at all and the vector
    layers carry the map."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map) {
            var tiles = null;
            function addTiles() {
                if (tiles) { return; }
                tiles = L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
                    maxZoom: 19,
                    attribution: "&copy; <a href=\\"https://www.openstreetmap.org/copyright\\">"
                        + "OpenStreetMap</a> contributors"
                }).addTo(map);
            }
            if (navigator.onLine) { addTiles(); }
            window.addEventListener("online", addTiles);
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "TilesWhenOnline"


def _base_map(plan: Plan, labels: Labels, points: list[LonLat]) -> folium.Map:
    m = folium.Map(
        location=_ll(plan.settings.depot.position),
        zoom_start=11,
        control_scale=True,
        tiles=None,
    )
    # No CDN: Leaflet is embedded below, and nothing else folium offers is used.
    m.default_js = []
    m.default_css = []
    _root(m).header.add_child(RawHtml(_leaflet_inline()), name="leaflet_inline")
    m.add_child(_TilesWhenOnline())
    communes = folium.FeatureGroup(name=_esc(labels["communes"]), show=True)
    for c in plan.communes:
        shape = folium.GeoJson(
            {"type": "Feature", "properties": {}, "geometry": mapping(c.geometry)},
            style_function=lambda _f: {
                "color": "#555555", "weight": 2, "fill": True,
                "fillColor": "#ffffff", "fillOpacity": 0.05, "dashArray": "6 4",
            },
        ).add_to(communes)  # fmt: skip
        _tooltip(shape, c.name)
    if plan.communes:  # communes = "none": no boundaries, and no layer that would offer them
        communes.add_to(m)
    depot = plan.settings.depot
    marker = folium.Marker(
        _ll(depot.position),
        icon=folium.DivIcon(
            html='<div class="op-depot">⌂</div>', icon_size=(30, 30), icon_anchor=(15, 15)
        ),
    ).add_to(m)
    _tooltip(marker, f"{labels['depot']}: {depot.name}")
    _popup(marker, f"<b>{_esc(labels['depot'])}</b><br>{_esc(depot.name)}")
    if points:
        lats = [p.lat for p in points] + [depot.position.lat]
        lons = [p.lon for p in points] + [depot.position.lon]
        m.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]], padding=(20, 20))
    return m


def _number_icon(n: int, colour: str, *, small: bool = False) -> folium.DivIcon:
    size = 18 if small else 26
    return folium.DivIcon(
        html=(f'<div class="op-num{" op-small" if small else ""}" '
              f'style="background:{colour}">{n}</div>'),
        icon_size=(size, size),
        icon_anchor=(size // 2, size // 2),
        class_name="op-num-icon" + (" op-overview" if small else ""),
    )  # fmt: skip


def _visit_popup(n: int, v: Visit, labels: Labels) -> str:
    s = v.stop
    villages = "<br>".join(_esc(f"{vil.name} ({_commune(vil)})") for vil in s.villages)
    return (
        f"<div class='op-popup'><b>{n}. {_esc(s.name)}</b><br>"
        f"<i>{_esc(labels['villages'])}:</i><br>{villages}<br>"
        f"{_esc(labels['arrival'])}: <b>{labels.time(v.arrival)}</b><br>"
        f"{_esc(labels['broadcast'])}: <b>{labels.time(v.start)}–{labels.time(v.end)}</b><br>"
        f"{_esc(labels['depart'])}: {labels.time(v.depart)}<br>"
        f"{_esc(labels['people_covered'])}: <b>{labels.count(s.population)}</b><br>"
        f"{_esc(labels['languages'])}: {_esc(labels.languages(s.languages))}<br>"
        f"{_esc(labels['drive'])}: {labels.km(v.leg.distance_m)} {labels['km']}, "
        f"{round(v.leg.travel_s / 60)} {labels['min']}</div>"
    )


def _add_road_legs(
    layer: folium.FeatureGroup, plan: Plan, run: Run, colour: str, labels: Labels
) -> None:
    """Each leg as a solid line along its road path, its distance and minutes on hover."""
    depot = f"{labels['depot']}: {plan.settings.depot.name}"
    ends = [depot, *(f"{n}. {v.stop.name}" for n, v in enumerate(run.visits, start=1)), depot]
    legs = [v.leg for v in run.visits] + [run.leg_back]
    for k, leg in enumerate(legs):
        if not leg.path:
            continue
        line = folium.PolyLine(
            [_ll(p) for p in leg.path], color=colour, weight=5, opacity=0.85
        ).add_to(layer)
        km, minutes = labels.km(leg.distance_m), round(leg.travel_s / 60)
        drive = f"{km} {labels['km']}, {minutes} {labels['min']}"
        _tooltip(line, f"{ends[k]} → {ends[k + 1]}: {drive}")
        _popup(
            line,
            f"<div class='op-popup'><b>{_esc(labels['drive'])}</b><br>{_esc(ends[k])} → "
            f"{_esc(ends[k + 1])}<br>{_esc(drive)}</div>",
        )


def _add_run(
    layer: folium.FeatureGroup,
    plan: Plan,
    run: Run,
    colour: str,
    labels: Labels,
    *,
    overview: bool = False,
) -> None:
    """The run's route and numbered stops; on a run's own map each number also carries
    a label with the broadcast time, shown from RUN_LABELS_ZOOM in."""
    depot = plan.settings.depot.position
    if plan.roads is not None:
        _add_road_legs(layer, plan, run, colour, labels)
    else:
        path = [_ll(depot), *(_ll(v.stop.position) for v in run.visits), _ll(depot)]
        folium.PolyLine(path, color=colour, weight=4, opacity=0.8, dash_array="8 6").add_to(layer)
    for n, v in enumerate(run.visits, start=1):
        icon = _number_icon(n, colour, small=overview)
        marker = folium.Marker(_ll(v.stop.position), icon=icon).add_to(layer)
        if overview:
            _tooltip(marker, f"{n}. {v.stop.name} — {labels.time(v.start)}")
        else:
            label = f"{n}. {labels.time(v.start)}"
            marker.add_child(_Bound("bindTooltip", _esc(label), {
                "permanent": True, "direction": "right", "offset": [12, 0],
                "className": "op-time", "opacity": 0.95,
            }))  # fmt: skip
        _popup(marker, _visit_popup(n, v, labels))


_CSS = """
<style>
.op-num{width:26px;height:26px;border-radius:13px;color:#fff;font:bold 14px/26px sans-serif;
 text-align:center;border:2px solid #fff;box-shadow:0 0 3px #000}
.op-legend{position:fixed;top:10px;left:54px;z-index:1000;background:#fff;padding:8px 10px;
 border-radius:6px;box-shadow:0 0 6px rgba(0,0,0,.4);font:14px sans-serif;max-width:60vw}
.op-popup{font:14px/1.4 sans-serif}
.op-depot{width:30px;height:30px;border-radius:4px;background:#222;color:#fff;
 font:bold 20px/30px sans-serif;text-align:center;border:2px solid #fff;box-shadow:0 0 3px #000}
@media (max-width:600px){.op-legend{font-size:12px;box-sizing:border-box;
 max-width:calc(100vw - 120px)}}
.op-num.op-small{width:18px;height:18px;border-radius:9px;font:bold 11px/18px sans-serif;
 border-width:1px}
.op-far .op-overview,.op-far .op-time{display:none}
.leaflet-tooltip.op-time{font:bold 13px sans-serif;padding:1px 4px}
.leaflet-container{background:#f2efe9}
@media print{
 .leaflet-control-zoom,.leaflet-control-layers{display:none}
 .op-legend{position:absolute;box-shadow:none;border:1px solid #000}
 .folium-map{height:100vh !important}
}
</style>
"""


def _legend(m: folium.Map, lines: list[str]) -> None:
    body = "<br>".join(lines)
    _root(m).header.add_child(RawHtml(_CSS), name="outreach_css")
    _root(m).html.add_child(RawHtml(f'<div class="op-legend">{body}</div>'), name="legend")


# Kept here, beside the one note that uses it, until labels.py gathers road words.
_ROAD_LEGS = {
    "vi": "Đường đi vẽ theo đường bộ thực tế (dữ liệu OpenStreetMap).",
    "en": "Legs follow the roads driven (OpenStreetMap data).",
}


def _notes(plan: Plan, labels: Labels) -> list[str]:
    notes = []
    if plan.travel_model == "straight-line":
        notes.append(f"<i>{_esc(labels['straight_legs'])}</i>")
    if plan.roads is not None:
        notes.append(f"<i>{_esc(_ROAD_LEGS[labels.lang])}</i>")
        notes.append(
            '<a href="https://www.openstreetmap.org/copyright">'
            f"{_esc(plan.roads.attribution)}</a> (ODbL)"
        )
    if plan.estimated:
        notes.append(f"<i>{_esc(labels.estimated(plan.estimated))}</i>")
    unplaced = sum(v.needs_placement for s in plan.stops for v in s.villages)
    if unplaced:
        notes.append(f"<i>{_esc(labels['needs_placement'].format(n=unplaced))}</i>")
    return notes


# Stops at a placeholder point are drawn on a ring this far around it, so each can be seen.
_PLACEHOLDER_RING_M = 400.0


def _shown_at(stops: Sequence[Stop]) -> dict[str, LonLat]:
    """Where each stop is drawn: its position, or for stops of villages still needing
    placement that share a point, a place on a ring around that point."""
    shown = {s.id: s.position for s in stops}
    sharing: dict[LonLat, list[Stop]] = {}
    for s in stops:
        if any(v.needs_placement for v in s.villages):
            sharing.setdefault(s.position, []).append(s)
    for centre, group in sharing.items():
        if len(group) < 2:
            continue
        proj = LocalProjection(centre)
        for k, s in enumerate(group):
            angle = 2 * math.pi * k / len(group)
            shown[s.id] = proj.lonlat(
                _PLACEHOLDER_RING_M * math.sin(angle), _PLACEHOLDER_RING_M * math.cos(angle)
            )
    return shown


def _element_ids(element: Element) -> set[str]:
    """The ids of `element` and everything under it."""
    ids = {element._id}
    for child in element._children.values():
        ids |= _element_ids(child)
    return ids


def _render(m: folium.Map) -> bytes:
    """The map's HTML, the same bytes for the same plan.

    branca gives every element a random id (uuid4) that names its JavaScript
    variable; renumbered in order of appearance, the page is reproducible
    (so a re-plan that changes nothing changes no file).
    """
    root = m.get_root()
    text = root.render()
    ids = _element_ids(root)
    renamed: dict[str, str] = {}

    def number(match: re.Match[str]) -> str:
        old = match.group(0)
        if old not in ids:
            return old
        return renamed.setdefault(old, f"{len(renamed) + 1:032x}")

    return re.sub(r"[0-9a-f]{32}", number, text).encode("utf-8")


def render_run_map(plan: Plan, index: int, labels: Labels) -> bytes:
    """One run: its route and numbered stops with their timetable."""
    run = plan.runs[index]
    colour = run_colour(index)
    m = _base_map(plan, labels, [v.stop.position for v in run.visits])
    layer = folium.FeatureGroup(name=_esc(f"{labels['run']} {labels.date(run.date)}"), show=True)
    _add_run(layer, plan, run, colour, labels)
    layer.add_to(m)
    layer_control(m, collapsed=True)
    m.add_child(ZoomClass(RUN_LABELS_ZOOM))
    vehicle = f" — {labels['vehicle']} {run.vehicle}" if plan.settings.vehicles > 1 else ""
    moved = labels.moved_here(plan.moved_dates, run.date)
    _legend(
        m,
        [
            f"<b>{_esc(labels['run'])} {labels.weekday(run.date)} {labels.date(run.date)}"
            f"{_esc(vehicle)}</b>",
            *([_esc(moved)] if moved else []),
            f"{_esc(labels['leave_depot'])} {labels.time(run.depart)} · "
            f"{_esc(labels['back_depot'])} {labels.time(run.back)} · "
            f"{len(run.visits)} {_esc(labels['stops']).lower()} · "
            f"{labels.count(run.people)} {_esc(labels['people']).lower()}",
            *_notes(plan, labels),
        ],
    )
    return _render(m)


def _unassigned_lines(plan: Plan, labels: Labels) -> list[str]:
    """The count of stops not placed, by reason, and the legend of their marker."""
    if not plan.unassigned:
        return []
    by_reason: dict[str, int] = {}
    for u in plan.unassigned:
        text = labels.reason(u.code, u.figures, u.reason)
        by_reason[text] = by_reason.get(text, 0) + 1
    return [
        f'<b style="color:#b00">{_esc(labels["unassigned"])}: {len(plan.unassigned)} '
        f"{_esc(labels['stops']).lower()}</b>",
        *(f"{n} × {_esc(text)}" for text, n in by_reason.items()),
        f'<span style="color:#b00">◯</span> {_esc(labels["unassigned_legend"])}',
        *(
            (f"<b>{_esc(line)}</b>" if n == 0 else f"• {_esc(line)}")
            for n, line in enumerate(labels.capacity(plan.capacity) if plan.capacity else [])
        ),
    ]


def render_index_map(plan: Plan, labels: Labels) -> bytes:
    """The whole horizon: boundaries, every stop sized by its people, one layer per run."""
    m = _base_map(plan, labels, [s.position for s in plan.stops])
    stops_layer = folium.FeatureGroup(name=_esc(labels["all_stops"]), show=True)
    runs_of: dict[str, list[str]] = {}
    for run in plan.runs:
        for v in run.visits:
            runs_of.setdefault(v.stop.id, []).append(labels.date(run.date))
    unassigned = {u.stop.id: labels.reason(u.code, u.figures, u.reason) for u in plan.unassigned}
    shown = _shown_at(plan.stops)
    for s in plan.stops:
        dates = runs_of.get(s.id, [])
        placeholder = any(v.needs_placement for v in s.villages)
        popup = (
            f"<div class='op-popup'><b>{_esc(s.name)}</b><br>"
            f"{_esc(labels['people_covered'])}: <b>{labels.count(s.population)}</b><br>"
            f"{_esc(labels['languages'])}: {_esc(labels.languages(s.languages))}<br>"
            f"{_esc(labels['visits'])}: {len(dates)} ({', '.join(dates)})"
            + (
                f"<br><b>{_esc(labels['unassigned'])}</b>: {_esc(unassigned[s.id])}"
                if s.id in unassigned
                else ""
            )
            + (f"<br><i>{_esc(labels['placeholder'])}</i>" if placeholder else "")
            + "</div>"
        )
        circle = folium.CircleMarker(
            _ll(shown[s.id]),
            radius=max(4.0, math.sqrt(s.population) / 3),
            color="#b00" if s.id in unassigned else "#333",
            weight=2 if placeholder else 1,
            dash_array="4 3" if placeholder else None,
            fill=True,
            fill_color="#f4a259" if dates else "#cccccc",
            fill_opacity=0.6,
        ).add_to(stops_layer)
        _tooltip(circle, f"{s.name}: {labels.count(s.population)}")
        _popup(circle, popup)
    stops_layer.add_to(m)
    for i, run in enumerate(plan.runs):
        colour = run_colour(i)
        vehicle = f" ({labels['vehicle']} {run.vehicle})" if plan.settings.vehicles > 1 else ""
        name = (
            f'<span style="color:{colour}">■</span> '
            f"{_esc(labels.weekday(run.date))} {labels.date(run.date)}{_esc(vehicle)}"
        )
        layer = folium.FeatureGroup(name=name, show=True)
        _add_run(layer, plan, run, colour, labels, overview=True)
        layer.add_to(m)
    layer_control(m, collapsed=False)
    m.add_child(ZoomClass(INDEX_NUMBERS_ZOOM))
    people = int(plan.summary()["people_reached"])
    _legend(
        m,
        [
            f"<b>{_esc(labels['plan_title'])}</b>",
            f"{labels.date(plan.runs[0].date) if plan.runs else ''} – "
            f"{labels.date(plan.runs[-1].date) if plan.runs else ''} · "
            f"{len(plan.runs)} {_esc(labels['runs']).lower()} · "
            f"{labels.count(people)} {_esc(labels['people_reached']).lower()}",
            *(_esc(line) for line in labels.day_changes(plan.skipped_dates, plan.moved_dates)),
            *_unassigned_lines(plan, labels),
            *_notes(plan, labels),
        ],
    )
    return _render(m)


def _commune(village: Village) -> str:
    """'Nam Bình → Xã Đức An': the commune, and the 2025 commune it is now part of."""
    if village.commune_2025 and village.commune_2025 != village.commune:
        return f"{village.commune} → {village.commune_2025}"
    return village.commune
