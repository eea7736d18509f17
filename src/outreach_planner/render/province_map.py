"""The province's index map: every team's depot and stops on one page, linked to its plan.

Built with the same offline page as the team maps (Leaflet embedded, tiles only when
online, every name escaped); each team is a layer in its own colour.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import folium

from outreach_planner.geo import LonLat
from outreach_planner.labels import Labels
from outreach_planner.render.maps import (
    RawHtml,
    _esc,
    _leaflet_inline,
    _legend,
    _ll,
    _popup,
    _render,
    _root,
    _TilesWhenOnline,
    _tooltip,
    run_colour,
)


def render_province_map(
    teams: Sequence[tuple[str, str, LonLat, Sequence[tuple[float, float, str, int, int]]]],
    *,
    title: str,
    lines: Sequence[str],
    labels: Labels,
) -> bytes:
    """`teams`: (name, folder name, depot, stop points (lon, lat, name, people, visits));
    `lines`: the totals and notices under the title (plain text, escaped here)."""
    points = [LonLat(lon, lat) for *_, stops in teams for lon, lat, *_ in stops]
    points += [depot for _, _, depot, _ in teams]
    m = folium.Map(
        location=_ll(points[0]) if points else [0, 0], zoom_start=9, tiles=None, control_scale=True
    )
    m.default_js = []
    m.default_css = []
    _root(m).header.add_child(RawHtml(_leaflet_inline()), name="leaflet_inline")
    m.add_child(_TilesWhenOnline())
    legend = [f"<b>{_esc(title)}</b>", *(_esc(line) for line in lines)]
    for i, (name, folder, depot, stops) in enumerate(teams):
        colour = run_colour(i)
        link = f'<a href="{_esc(folder)}/maps/index.html">{_esc(name)}</a>'
        layer = folium.FeatureGroup(name=f'<span style="color:{colour}">■</span> {_esc(name)}')
        for lon, lat, stop_name, people, visits in stops:
            circle = folium.CircleMarker(
                [lat, lon],
                radius=max(3.0, math.sqrt(people) / 4),
                color=colour,
                weight=1,
                fill=True,
                fill_color=colour if visits else "#cccccc",
                fill_opacity=0.7,
            ).add_to(layer)
            _tooltip(circle, f"{stop_name}: {labels.count(people)} · {visits}")
        marker = folium.Marker(
            _ll(depot),
            icon=folium.DivIcon(
                html=f'<div class="op-depot" style="background:{colour}">⌂</div>',
                icon_size=(30, 30),
                icon_anchor=(15, 15),
            ),
        ).add_to(layer)
        _tooltip(marker, f"{labels['depot']}: {name}")
        _popup(marker, f"<b>{link}</b>")
        layer.add_to(m)
        visited = sum(1 for *_, visits in stops if visits)
        legend.append(
            f'<span style="color:{colour}">■</span> {link} · '
            f"{labels.count(visited)}/{labels.count(len(stops))} {_esc(labels['stops']).lower()}"
        )
    if points:
        m.fit_bounds(
            [
                [min(p.lat for p in points), min(p.lon for p in points)],
                [max(p.lat for p in points), max(p.lon for p in points)],
            ],
            padding=(20, 20),
        )
    folium.LayerControl(collapsed=True).add_to(m)
    _legend(m, legend)
    return _render(m)
