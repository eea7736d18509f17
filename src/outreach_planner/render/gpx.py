"""GPX 1.1 per run (gpxpy): the stops as waypoints and the drive as a track.

Navigation apps (OsmAnd, Organic Maps, ...) import it to show the day's stops
in order. Times are UTC, as GPX requires. gpxpy escapes &, < and > in text;
characters XML 1.0 cannot carry at all (most control characters) are replaced
here, so no name from an input file can make the file unreadable.
"""

from __future__ import annotations

import datetime as dt
import re

import gpxpy.gpx

from outreach_planner.domain import Stop
from outreach_planner.geo import LonLat
from outreach_planner.labels import Labels
from outreach_planner.plan import Leg, Plan, Run

CREATOR = "outreach-planner"
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: object) -> str:
    """`text` with the characters XML 1.0 forbids replaced by spaces; line ends as \\n
    (what any XML reader makes of them anyway)."""
    return _NOT_XML.sub(" ", str(text).replace("\r\n", "\n").replace("\r", "\n"))


def _utc(t: dt.datetime) -> dt.datetime:
    return t.astimezone(dt.UTC)


def _via(leg: Leg, a: LonLat, b: LonLat) -> list[LonLat]:
    """The positions a leg drives through between places `a` and `b`: its road path when
    the plan drove on roads, none for a straight-line leg (the track joins a to b)."""
    path = getattr(leg, "path", None) or ()
    return [p for p in path if p not in (a, b)]


def _point(p: LonLat, time: dt.datetime | None = None) -> gpxpy.gpx.GPXTrackPoint:
    return gpxpy.gpx.GPXTrackPoint(p.lat, p.lon, time=_utc(time) if time else None)


def _estimated(stop: Stop) -> bool:
    return any(v.estimated for v in stop.villages)


def render_run_gpx(plan: Plan, run: Run, labels: Labels) -> bytes:
    """One run: depot and numbered stops as waypoints; depot -> stops -> depot as a track."""
    title = (
        f"{labels['run']} {labels.weekday(run.date)} {labels.date(run.date)}"
        f" — {labels['vehicle']} {run.vehicle}"
    )
    depot = plan.settings.depot
    gpx = gpxpy.gpx.GPX()
    gpx.creator = CREATOR
    gpx.name = xml_text(title)
    gpx.description = xml_text(
        f"{labels['leave_depot']} {labels.time(run.depart)}, "
        f"{labels['back_depot']} {labels.time(run.back)}; {len(run.visits)} "
        f"{labels['stops'].lower()}; {labels.count(run.people)} {labels['people'].lower()}"
        + (f"\n{labels['straight_legs']}" if plan.travel_model == "straight-line" else "")
        + (f"\n{labels.estimated(plan.estimated)}" if plan.estimated else "")
    )
    if plan.estimated:  # the file's metadata too: what a navigation app shows of it
        gpx.keywords = xml_text(labels["estimated_col"])
    gpx.waypoints.append(
        gpxpy.gpx.GPXWaypoint(
            depot.position.lat,
            depot.position.lon,
            time=_utc(run.depart),
            name=xml_text(f"{labels['depot']}: {depot.name}"),
            description=xml_text(
                f"{labels['leave_depot']} {labels.time(run.depart)}, "
                f"{labels['back_depot']} {labels.time(run.back)}"
                + (f"\n{labels['estimated_point']}" if depot.estimated else "")
            ),
            type=xml_text(labels["depot"]),
        )
    )
    for n, v in enumerate(run.visits, start=1):
        s = v.stop
        villages = "; ".join(f"{vil.name} ({vil.commune})" for vil in s.villages)
        gpx.waypoints.append(
            gpxpy.gpx.GPXWaypoint(
                s.position.lat,
                s.position.lon,
                time=_utc(v.arrival),
                name=xml_text(f"{n}. {s.name}"),
                description=xml_text(
                    f"{labels['arrival']} {labels.time(v.arrival)}; "
                    f"{labels['broadcast']} {labels.time(v.start)}–{labels.time(v.end)}; "
                    f"{labels['depart']} {labels.time(v.depart)}\n"
                    f"{labels['villages']}: {villages}\n"
                    f"{labels['people_covered']}: {labels.count(s.population)}"
                    + (f"\n{labels['estimated_point']}" if _estimated(s) else "")
                ),
                type=xml_text(labels["stop"]),
            )
        )

    segment = gpxpy.gpx.GPXTrackSegment()
    segment.points.append(_point(depot.position, run.depart))
    here = depot.position
    for v in run.visits:
        segment.points.extend(_point(p) for p in _via(v.leg, here, v.stop.position))
        segment.points.append(_point(v.stop.position, v.arrival))
        if v.depart != v.arrival:
            segment.points.append(_point(v.stop.position, v.depart))
        here = v.stop.position
    segment.points.extend(_point(p) for p in _via(run.leg_back, here, depot.position))
    segment.points.append(_point(depot.position, run.back))
    track = gpxpy.gpx.GPXTrack(name=xml_text(title))
    track.segments.append(segment)
    gpx.tracks.append(track)
    return gpx.to_xml(version="1.1").encode("utf-8")
