"""Edits of the stop list (`outreach-planner stops ...`): each one validated, then written
atomically, so a refused or failed edit leaves the planner's file byte for byte as it was."""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
from collections.abc import Mapping, Sequence
from pathlib import Path

from outreach_planner.builtin import data_dir
from outreach_planner.clustering import cluster_villages, make_stop, stop_name
from outreach_planner.domain import Stop, Village
from outreach_planner.errors import InputError, Problem
from outreach_planner.gazetteer import builtin_places, find_place
from outreach_planner.geo import LonLat, geodesic_m
from outreach_planner.io.communes import load_communes
from outreach_planner.io.stops_csv import (
    EDITABLE,
    read_rows,
    stop_row,
    stops_from_rows,
    write_stops,
)
from outreach_planner.io.villages import load_villages
from outreach_planner.parse import WEEKDAYS
from outreach_planner.settings import Settings

DEFAULT_STOPS_FILE = Path("stops.csv")


def _refuse(field: str, value: object, expected: str) -> InputError:
    return InputError(Problem("command line", "", field, value, expected))


def _villages(settings: Settings) -> list[Village]:
    if settings.villages is None:
        raise _refuse("villages", None, "the villages file (settings or options)")
    communes = load_communes(settings.communes) if settings.communes is not None else None
    return load_villages(settings.villages, communes=communes)


class StopList:
    """The stop list file with the villages its rows refer to."""

    def __init__(self, settings: Settings, path: Path):
        self.settings = settings
        self.path = path
        self.villages = {v.id: v for v in _villages(settings)}

    def load(self) -> list[Stop]:
        return self._parse(read_rows(self.path))

    def _parse(self, rows: Sequence[dict[str, str]]) -> list[Stop]:
        return stops_from_rows(
            rows,
            str(self.path),
            villages=self.villages,
            default_min_visits=self.settings.min_visits,
        )

    def save(self, stops: Sequence[Stop], *, action: str = "edit") -> None:
        """Write the list and append what changed to the edit history beside it."""
        from outreach_planner.io.edit_history import append_history, cell_changes, history_path

        before = read_rows(self.path) if self.path.is_file() else []
        # Round-trip through the rows so that what is written is what `plan` accepts.
        parsed = self._parse([stop_row(s) for s in stops])
        write_stops(self.path, parsed)
        if before:
            after = [stop_row(s) for s in parsed]
            append_history(history_path(self.path), cell_changes(before, after), action=action)

    def find(self, stops: Sequence[Stop], stop_id: str) -> Stop:
        for s in stops:
            if s.id == stop_id:
                return s
        close = difflib.get_close_matches(stop_id, [s.id for s in stops], n=3, cutoff=0.6)
        hint = f": did you mean {' or '.join(close)}?" if close else " (see `stops list`)"
        raise InputError(
            Problem(str(self.path), "", "id", stop_id, f"the id of a stop in the list{hint}")
        )


def init_stops(settings: Settings, path: Path, *, force: bool = False) -> list[Stop]:
    """Write the stops made from the villages; never overwrite a planner's file unasked."""
    if path.exists() and not force:
        raise _refuse("file", str(path), "a new file (it exists: --force replaces it)")
    stops = initial_stops(settings)
    write_stops(path, stops)
    return stops


def initial_stops(settings: Settings) -> list[Stop]:
    """The stops made from the villages, as `stops init` writes them and `plan` uses them
    when there is no stop list."""
    return [
        dataclasses.replace(s, min_visits=settings.min_visits)
        for s in cluster_villages(_villages(settings), radius_m=settings.audible_radius_m)
    ]


def check_pins(settings: Settings, weekdays: Sequence[int], dates: Sequence[dt.date]) -> None:
    """Refuse pins that no run can meet: a weekday without runs, a date that is not a run day."""
    runs_on = ", ".join(WEEKDAYS[d] for d in settings.weekdays)
    for d in weekdays:
        if d not in settings.weekdays:
            raise _refuse("weekday", WEEKDAYS[d], f"a weekday with runs ({runs_on})")
    for date in dates:
        if date.weekday() not in settings.weekdays:
            raise _refuse(
                "date",
                date.isoformat(),
                f"a date on a run day ({runs_on}); it is a {WEEKDAYS[date.weekday()]}",
            )
    if weekdays and dates and not any(d.weekday() in weekdays for d in dates):
        raise _refuse(
            "date", [d.isoformat() for d in dates], "a date on one of the pinned weekdays"
        )


def add_stop(
    stops_list: StopList,
    *,
    at: LonLat | None = None,
    place: str | None = None,
    name: str | None = None,
    village_ids: Sequence[str] = (),
    people: int | None = None,
    online: bool = False,
    force: bool = False,
) -> Stop:
    """Add a stop at coordinates or at a named place; named villages move into it.

    An add that lands on an existing stop (within the audible radius of its
    position, or at a village a stop already serves) is refused unless `force`:
    its people would otherwise be counted twice, or the stop silently changed.
    """
    stops = stops_list.load()
    if (at is None) == (place is None):
        raise _refuse("position", "", "either --at LON,LAT or --place NAME")
    moved: list[Village] = []
    for vid in village_ids:
        if vid not in stops_list.villages:
            raise _refuse("villages", vid, "the id of a village in the villages file")
        moved.append(stops_list.villages[vid])
    place_village: Village | None = None
    if place is not None:
        # Đắk Song's landmarks name no place of another district's folder.
        landmarks = data_dir() / "landmarks_osm.geojson"
        found = find_place(
            place,
            builtin_places(
                list(stops_list.villages.values()),
                landmarks if stops_list.settings.district is None else None,
            ),
            online=online,
        )
        at = found.position
        place_village = found.village
        unserved = place_village is not None and _holder(stops, place_village) is None
        if place_village is not None and place_village not in moved and unserved:
            moved.append(place_village)  # a village no stop serves any more
        name = name or found.name
    assert at is not None
    if not force:
        _refuse_landing(stops_list, stops, moved, at, place, place_village)
    if not moved and people is None:
        raise _refuse("people", "", "--people N for a stop without villages (or --villages-in IDS)")
    for v in moved:
        d = geodesic_m(at, v.position)
        if d > stops_list.settings.audible_radius_m:
            raise _refuse(
                "villages",
                v.id,
                f"a village within the audible radius "
                f"({stops_list.settings.audible_radius_m:.0f} m); it is {d:.0f} m away",
            )
    kept = _without_villages(stops, moved)
    new = (
        make_stop(moved, at)
        if moved
        else Stop(id="S-new", name=name or "Điểm mới", position=at, villages=())
    )
    emptied = {s.id: s for s in stops} if moved else {}
    gone = emptied.get(new.id) if new.id not in {s.id for s in kept} else None
    if gone is not None:
        # The stop this village left keeps living under its id, with the planner's
        # settings (pins, priority, notes...): a re-plan then keeps its visits.
        new = dataclasses.replace(gone, position=new.position, villages=new.villages,
                                  name=new.name)  # fmt: skip
    else:
        new = dataclasses.replace(new, min_visits=stops_list.settings.min_visits)
    new = dataclasses.replace(
        new,
        name=name or new.name,
        people_override=people if people is not None else new.people_override,
        id=_free_id(kept, new.id),
    )
    stops_list.save([*kept, new])
    return new


def _holder(stops: Sequence[Stop], village: Village | None) -> Stop | None:
    if village is None:
        return None
    return next((s for s in stops if any(v.id == village.id for v in s.villages)), None)


def _refuse_landing(
    stops_list: StopList,
    stops: Sequence[Stop],
    moved: Sequence[Village],
    at: LonLat,
    place: str | None,
    village: Village | None,
) -> None:
    """Refuse an add onto a stop that is there already (it stays as it is)."""
    radius = stops_list.settings.audible_radius_m
    # A stop whose villages all move into the new one is replaced, not landed on.
    survivors = _without_villages(stops, moved)
    holder = _holder(stops, village)
    if holder is not None and village is not None and village not in moved:
        why = f"village {village.id} is already served by that stop"
        on = holder
    else:
        near = sorted((geodesic_m(at, s.position), s.id, s) for s in survivors)
        near = [n for n in near if n[0] <= radius]
        if not near:
            return
        distance, _, on = near[0]
        why = f"{distance:.0f} m from it, within the audible radius ({radius:.0f} m)"
    where = place if place is not None else f"{at.lon:.6f},{at.lat:.6f}"
    raise _refuse(
        "place" if place is not None else "--at",
        where,
        f"a place no stop serves yet, but it lands on {on.id} ({on.name}, "
        f"{on.population} people; {why}); nothing was changed: change that stop "
        f"(`stops set {on.id} people_override N`, `stops set {on.id} villages ...`) "
        f"or add --force for a second stop there",
    )


def _free_id(stops: Sequence[Stop], wanted: str) -> str:
    taken = {s.id for s in stops}
    if wanted not in taken:
        return wanted
    n = 2
    while f"{wanted}-{n}" in taken:
        n += 1
    return f"{wanted}-{n}"


def _without_villages(stops: Sequence[Stop], moved: Sequence[Village]) -> list[Stop]:
    """Stops less the moved villages; a stop left with no village and no head count goes."""
    gone = {v.id for v in moved}
    kept = []
    for s in stops:
        left = tuple(v for v in s.villages if v.id not in gone)
        if len(left) == len(s.villages):
            kept.append(s)
        elif left or s.people_override is not None:
            kept.append(
                dataclasses.replace(s, villages=left, name=stop_name(left) if left else s.name)
            )
    return kept


def remove_stop(stops_list: StopList, stop_id: str) -> Stop:
    stops = stops_list.load()
    gone = stops_list.find(stops, stop_id)
    if len(stops) == 1:
        raise _refuse("id", stop_id, "a stop other than the last one (disable it instead)")
    stops_list.save([s for s in stops if s.id != stop_id])
    return gone


def set_enabled(stops_list: StopList, stop_id: str, enabled: bool) -> Stop:
    return _update(stops_list, stop_id, lambda s: dataclasses.replace(s, enabled=enabled))


def pin_stop(
    stops_list: StopList,
    stop_id: str,
    *,
    weekdays: Sequence[int] = (),
    dates: Sequence[dt.date] = (),
) -> Stop:
    """Pin a stop to weekdays or dates (replacing earlier pins); impossible pins are refused."""
    if not weekdays and not dates:
        raise _refuse("pin", "", "--weekday NAME or --date DD/MM/YYYY")
    check_pins(stops_list.settings, weekdays, dates)
    return _update(
        stops_list,
        stop_id,
        lambda s: dataclasses.replace(
            s, pin_weekdays=tuple(sorted(set(weekdays))), pin_dates=tuple(sorted(set(dates)))
        ),
    )


def set_field(stops_list: StopList, stop_id: str, field: str, value: str) -> Stop:
    """Set one cell of a stop's row, validated like a hand edit."""
    return set_fields(stops_list, stop_id, {field: value})


def set_fields(
    stops_list: StopList, stop_id: str, cells: Mapping[str, str], *, action: str = "edit"
) -> Stop:
    """Set several cells of a stop's row at once: every problem of every cell is reported
    together, and nothing is written unless all of them are valid."""
    unknown = [f for f in cells if f not in EDITABLE]
    if unknown:
        raise InputError(
            [Problem("command line", "", f, f, f"one of {', '.join(EDITABLE)}") for f in unknown]
        )
    rows = read_rows(stops_list.path)
    matches = [row for row in rows if row.get("id") == stop_id]
    if not matches:
        stops_list.find(stops_list._parse(rows), stop_id)  # raises the "no such id" error
    for field, value in cells.items():
        matches[0][field] = value.strip()
    stops = stops_list._parse(rows)
    stop = stops_list.find(stops, stop_id)
    if {"pin_weekdays", "pin_dates"} & set(cells):
        check_pins(stops_list.settings, stop.pin_weekdays, stop.pin_dates)
    for date, vehicle in stop.locked if "locked" in cells else ():
        _check_run(stops_list.settings, date, vehicle)
    stops_list.save(stops, action=action)
    return stop


def merge_stops(stops_list: StopList, first: str, second: str) -> Stop:
    """One stop for the villages of two, at a position that reaches all of them."""
    stops = stops_list.load()
    a, b = stops_list.find(stops, first), stops_list.find(stops, second)
    if a.id == b.id:
        raise _refuse("id", second, "a second, different stop")
    villages = (*a.villages, *b.villages)
    position = _centre(villages) if villages else a.position
    radius = stops_list.settings.audible_radius_m
    far = [(v.id, geodesic_m(position, v.position)) for v in villages]
    far = [(vid, d) for vid, d in far if d > radius]
    if far:
        vid, d = max(far, key=lambda x: x[1])
        raise _refuse(
            "merge",
            f"{a.id} + {b.id}",
            f"stops whose villages one loudspeaker reaches: village {vid} would be {d:.0f} m "
            f"from the merged stop, beyond the audible radius of {radius:.0f} m",
        )
    merged = dataclasses.replace(
        make_stop(villages, position) if villages else a,
        min_visits=max(a.min_visits, b.min_visits),
        enabled=a.enabled or b.enabled,
        priority=max(a.priority, b.priority),
        pin_weekdays=a.pin_weekdays,
        pin_dates=a.pin_dates,
        earliest_s=a.earliest_s,
        latest_s=a.latest_s,
        extra_dwell_s=max(a.extra_dwell_s, b.extra_dwell_s),
        notes="; ".join(n for n in (a.notes, b.notes) if n),
        people_override=(
            None
            if a.people_override is None and b.people_override is None
            else (a.people_override or 0) + (b.people_override or 0)
        ),
    )
    rest = [s for s in stops if s.id not in (a.id, b.id)]
    merged = dataclasses.replace(merged, id=_free_id(rest, merged.id))
    stops_list.save([*rest, merged])
    return merged


def split_stop(stops_list: StopList, stop_id: str) -> list[Stop]:
    """A stop of several villages becomes one stop per village, at each village."""
    stops = stops_list.load()
    stop = stops_list.find(stops, stop_id)
    if len(stop.villages) < 2:
        raise _refuse("id", stop_id, "a stop of two or more villages")
    rest = [s for s in stops if s.id != stop_id]
    parts: list[Stop] = []
    for v in stop.villages:
        part = make_stop([v], v.position)
        part = dataclasses.replace(
            stop,
            id=_free_id(rest + parts, part.id),
            name=part.name,
            position=v.position,
            villages=(v,),
            people_override=None,
        )
        parts.append(part)
    stops_list.save([*rest, *parts])
    return parts


def _update(stops_list: StopList, stop_id: str, change) -> Stop:
    stops = stops_list.load()
    stop = stops_list.find(stops, stop_id)
    new = change(stop)
    stops_list.save([new if s.id == stop_id else s for s in stops])
    return new


def _centre(villages: Sequence[Village]) -> LonLat:
    """The middle of the villages' bounding box: it keeps the farthest village closer
    than a population-weighted centroid, which drifts towards the biggest village."""
    lons = [v.position.lon for v in villages]
    lats = [v.position.lat for v in villages]
    return LonLat((min(lons) + max(lons)) / 2, (min(lats) + max(lats)) / 2)


def lock_stop(stops_list: StopList, stop_id: str, date: dt.date, vehicle: int = 1) -> Stop:
    """Lock a visit of the stop to the run of `date` (and vehicle): re-plans keep it."""
    _check_run(stops_list.settings, date, vehicle)
    return _update(
        stops_list,
        stop_id,
        lambda s: dataclasses.replace(s, locked=tuple(sorted({*s.locked, (date, vehicle)}))),
    )


def unlock_stop(
    stops_list: StopList, stop_id: str, date: dt.date | None = None, vehicle: int | None = None
) -> Stop:
    """Remove the stop's locks: all of them, or those of `date` (and vehicle)."""

    def keep(lock: tuple[dt.date, int]) -> bool:
        if date is None:
            return False
        return lock[0] != date or (vehicle is not None and lock[1] != vehicle)

    return _update(
        stops_list,
        stop_id,
        lambda s: dataclasses.replace(s, locked=tuple(k for k in s.locked if keep(k))),
    )


def lock_runs(
    stops_list: StopList,
    orders: Mapping[tuple[dt.date, int], Sequence[str]],
) -> list[Stop]:
    """Lock every visit of these runs (date, vehicle) -> stop ids, in one write; stops
    locked to one of these runs but no longer in it lose that lock."""
    for date, vehicle in orders:
        _check_run(stops_list.settings, date, vehicle)
    stops = stops_list.load()
    for ids in orders.values():
        for sid in ids:
            stops_list.find(stops, sid)
    changed = []
    for s in stops:
        locks = {k for k in s.locked if k not in orders}
        locks |= {k for k, ids in orders.items() if s.id in ids}
        changed.append(dataclasses.replace(s, locked=tuple(sorted(locks))))
    stops_list.save(changed)
    return changed


def _check_run(settings: Settings, date: dt.date, vehicle: int) -> None:
    """Refuse a lock no run can hold: not a run day, or a vehicle the settings lack."""
    if date.weekday() not in settings.weekdays:
        runs_on = ", ".join(WEEKDAYS[d] for d in settings.weekdays)
        day = WEEKDAYS[date.weekday()]
        raise _refuse("date", date.isoformat(), f"a date on a run day ({runs_on}); it is a {day}")
    if not 1 <= vehicle <= settings.vehicles:
        raise _refuse("vehicle", vehicle, f"a vehicle from 1 to {settings.vehicles}")


def undo_last(stops_list: StopList) -> int | None:
    """Reverse the latest edit not yet undone (itself recorded as an edit); None when
    there is nothing to undo. Refused like any edit when the result is not valid."""
    from outreach_planner.io.edit_history import (
        history_path,
        last_undoable,
        read_history,
        undo_rows,
    )

    history = read_history(history_path(stops_list.path))
    edit = last_undoable(history)
    if edit is None:
        return None
    rows = undo_rows(read_rows(stops_list.path), history, edit)
    stops_list.save(stops_list._parse(rows), action=f"undo {edit}")
    return edit
