"""calendar.ics (icalendar): an event per run and one per visit, for the whole horizon.

UIDs are made from the run's date and vehicle and the stop id, so importing a
new plan updates the events of the old one instead of adding copies. Given the
calendar it replaces, an event whose time, place or text changed gets the next
SEQUENCE (clients apply an update only when it rises), and an event of the old
calendar that the new plan no longer has, on or after the plan's first day, is
kept as CANCELLED so that clients remove it; past events are the old plan's. Times
keep the plan's time zone (Asia/Ho_Chi_Minh by default) with its VTIMEZONE.
icalendar escapes `\\`, `;`, `,` and newlines in text; other control
characters, which RFC 5545 does not allow in text, are replaced here.
"""

from __future__ import annotations

import datetime as dt
import re

from icalendar import Calendar, Component, Event, vGeo, vText

from outreach_planner.labels import Labels
from outreach_planner.plan import Plan, Run, Visit

PRODID = "-//outreach-planner//route planner//EN"
UID_DOMAIN = "outreach-planner"
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")


def ics_text(text: object) -> str:
    """`text` without the control characters iCalendar text may not hold (tab, newline kept)."""
    return _CONTROL.sub(" ", str(text).replace("\r\n", "\n"))


def run_uid(run: Run) -> str:
    """'run-2026-12-08-1@outreach-planner': stable for the date and vehicle."""
    return f"run-{run.date.isoformat()}-{run.vehicle}@{UID_DOMAIN}"


def visit_uid(run: Run, visit: Visit, occurrence: int = 1) -> str:
    """'visit-2026-12-08-1-S-24717-01@outreach-planner' (a second call at the
    same stop on the same run, which the planner does not make, gets '-2')."""
    extra = f"-{occurrence}" if occurrence > 1 else ""
    return f"visit-{run.date.isoformat()}-{run.vehicle}-{visit.stop.id}{extra}@{UID_DOMAIN}"


def _run_summary(run: Run, labels: Labels) -> str:
    return (
        f"{labels['run']} — {labels['vehicle']} {run.vehicle}: {len(run.visits)} "
        f"{labels['stops'].lower()}, {labels.count(run.people)} {labels['people'].lower()}"
    )


# What makes two versions of an event the same to the people reading it.
_COMPARED = ("DTSTART", "DTEND", "SUMMARY", "LOCATION", "DESCRIPTION", "GEO", "STATUS")


def _fingerprint(ev: Component) -> tuple[object, ...]:
    return tuple(ev[key].to_ical() if key in ev else b"" for key in _COMPARED)


def _previous_events(data: bytes | None) -> dict[str, Component]:
    """This planner's events in the calendar being replaced, by UID.

    A damaged file, or a damaged event in it, only loses the sequence history of
    what cannot be read, never the new calendar; events of other origin (UIDs not
    ours) are not this planner's to update or cancel.
    """
    if not data:
        return {}
    try:
        events = Calendar.from_ical(data).walk("VEVENT")
    except (ValueError, KeyError, IndexError, TypeError):
        return {}
    known: dict[str, Component] = {}
    for ev in events:
        uid = str(ev.get("UID", ""))
        if uid.endswith(f"@{UID_DOMAIN}") and _start_date(ev) is not None:
            try:
                # What updating or cancelling it reads: a repeated or broken property fails.
                int(ev.get("SEQUENCE", 0))
                _fingerprint(ev)
            except (AttributeError, TypeError, ValueError):
                continue
            known[uid] = ev
    return known


def _start_date(ev: Component) -> dt.date | None:
    """The day an event starts, or None when its DTSTART is missing or unreadable."""
    try:
        start = ev.decoded("DTSTART")
    except (KeyError, ValueError, TypeError):
        return None
    if isinstance(start, dt.datetime):
        return start.date()
    return start if isinstance(start, dt.date) else None


def _sequence(ev: Event, before: Component | None) -> None:
    """Give `ev` the SEQUENCE that tells clients whether it changed since `before`."""
    if before is None:
        return
    seq = int(before.get("SEQUENCE", 0))
    if _fingerprint(before) != _fingerprint(ev):
        seq += 1
    if seq:
        ev.add("sequence", seq)


def _cancelled(before: Component, stamp: dt.datetime) -> Event:
    ev = Event()
    ev.add("uid", str(before["UID"]))
    ev.add("dtstamp", stamp)
    for key in ("DTSTART", "DTEND", "SUMMARY", "LOCATION"):
        if key in before:
            ev[key] = before[key]
    ev.add("status", "CANCELLED")
    _sequence(ev, before)
    return ev


def render_calendar(plan: Plan, labels: Labels, previous: bytes | None = None) -> bytes:
    """The horizon as iCalendar bytes, replacing the calendar `previous` (its bytes) if any.

    The same plan and the same previous calendar always give the same bytes.
    """
    before = _previous_events(previous)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    # An X- property is not escaped by icalendar unless it is given as text.
    cal.add("x-wr-calname", vText(ics_text(f"{labels['plan_title']}: {plan.programme_title}")))
    # DTSTAMP must be in every event; the real "now" would make each planner run give
    # different bytes (and a file that changes when nothing in the plan did). The
    # plan's first day, midnight UTC, is a fixed stamp for a given plan.
    stamp = dt.datetime.combine(plan.start, dt.time(), tzinfo=dt.UTC)
    for run in plan.runs:
        ev = Event()
        ev.add("uid", run_uid(run))
        ev.add("dtstamp", stamp)
        ev.add("dtstart", run.depart)
        ev.add("dtend", run.back)
        ev.add("summary", ics_text(_run_summary(run, labels)))
        lines = [
            f"{labels['leave_depot']} {labels.time(run.depart)} — "
            f"{labels['back_depot']} {labels.time(run.back)}: {plan.settings.depot.name}",
            *(
                f"{n}. {labels.time(v.start)}–{labels.time(v.end)} {v.stop.name} "
                f"({labels.count(v.stop.population)} {labels['people'].lower()})"
                for n, v in enumerate(run.visits, start=1)
            ),
        ]
        if run.lunch:
            lines.append(
                f"{labels['lunch']} {labels.time(run.lunch[0])}–{labels.time(run.lunch[1])}"
            )
        if plan.estimated:
            lines.append(labels.estimated(plan.estimated))
        ev.add("description", ics_text("\n".join(lines)))
        ev.add("location", ics_text(plan.settings.depot.name))
        events = [ev]
        seen: dict[str, int] = {}
        for n, v in enumerate(run.visits, start=1):
            seen[v.stop.id] = seen.get(v.stop.id, 0) + 1
            events.append(
                _visit_event(run, v, n, seen[v.stop.id], stamp, labels,
                             labels.estimated(plan.estimated))
            )  # fmt: skip
        for event in events:
            _sequence(event, before.pop(str(event["UID"]), None))
            cal.add_component(event)
    for uid in sorted(before):
        start = _start_date(before[uid])
        if start is not None and start >= plan.start:
            cal.add_component(_cancelled(before[uid], stamp))
    if plan.runs:
        # Only the transitions the plan's dates need: a short VTIMEZONE, same every time.
        cal.add_missing_timezones(
            first_date=plan.runs[0].date - dt.timedelta(days=1),
            last_date=plan.runs[-1].date + dt.timedelta(days=2),
        )
    return cal.to_ical()


def _visit_event(
    run: Run,
    v: Visit,
    n: int,
    occurrence: int,
    stamp: dt.datetime,
    labels: Labels,
    notice: str = "",
) -> Event:
    s = v.stop
    ev = Event()
    ev.add("uid", visit_uid(run, v, occurrence))
    ev.add("dtstamp", stamp)
    ev.add("dtstart", v.start)
    ev.add("dtend", v.end)
    ev.add("summary", ics_text(s.name))
    communes = ", ".join(s.communes)
    place = s.name if s.name.endswith(communes) else f"{s.name}, {communes}"
    ev.add("location", ics_text(f"{place}, {s.position.lat:.6f},{s.position.lon:.6f}"))
    ev.add("geo", vGeo((s.position.lat, s.position.lon)))
    villages = "\n".join(f"- {vil.name} ({vil.commune})" for vil in s.villages)
    ev.add(
        "description",
        ics_text(
            f"{labels['run']} {labels.date(run.date)}, {labels['stop']} {n}\n"
            f"{labels['broadcast']}: {labels.time(v.start)}–{labels.time(v.end)} "
            f"({labels['arrival']} {labels.time(v.arrival)}, "
            f"{labels['depart']} {labels.time(v.depart)})\n"
            f"{labels['villages']}:\n{villages}\n"
            f"{labels['people_covered']}: {labels.count(s.population)}"
            + (f"\n{notice}" if notice else "")
        ),
    )
    return ev
