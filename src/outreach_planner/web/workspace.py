"""The working folder the page edits: its settings, its stop list (stops.csv) and the
plan's outputs (maps/). Every edit goes through `stop_edits`, the code behind the
`stops` commands, so the command line and the page always agree."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from outreach_planner.builtin import default_settings_path
from outreach_planner.domain import Stop
from outreach_planner.errors import InputError, Problem
from outreach_planner.io.stops_csv import far_villages, render_stops_csv, stop_row
from outreach_planner.programme import BroadcastProgramme, load_programme
from outreach_planner.settings import Settings, load_settings
from outreach_planner.stop_edits import StopList, init_stops, initial_stops

T = TypeVar("T")


class StaleVersion(Exception):
    """The stop list changed since the version the edit was made on."""


class Busy(Exception):
    """A re-plan is running: the stop list it reads must not change under it."""


def folder_settings(folder: Path) -> Settings:
    """The built-in settings, then the folder's own settings.toml when it has one."""
    settings = load_settings(default_settings_path())
    own = folder / "settings.toml"
    if own.is_file():
        settings = load_settings(own, base=settings)
    return settings


class Workspace:
    """One working folder; every method is safe to call from several threads."""

    def __init__(self, folder: Path, settings: Settings | None = None):
        self.folder = folder.resolve()
        self.settings = settings or folder_settings(self.folder)
        self.stops_path = self.folder / "stops.csv"
        self.out = self.folder / "maps"
        self.stop_list = StopList(self.settings, self.stops_path)
        assert self.settings.programme is not None  # load_settings checks the files exist
        self.programme: BroadcastProgramme = load_programme(
            self.settings.programme, reading_speed_spm=self.settings.reading_speed_spm
        )
        self._lock = threading.RLock()
        self.busy_reason: str | None = None  # set while a re-plan reads the stop list
        self._parsed: tuple[str, list[Stop]] | None = None
        self._initial: tuple[str, list[Stop]] | None = None

    # --- the stop list ---------------------------------------------------------------

    def _snapshot(self) -> tuple[str, list[Stop]]:
        """(version, stops) of the stop list, parsed again only when its bytes changed.

        Without stops.csv, the stops `stops init` would write (made once)."""
        with self._lock:
            if self.stops_path.is_file():
                data = self.stops_path.read_bytes()
                version = hashlib.sha256(data).hexdigest()[:16]
                if self._parsed is None or self._parsed[0] != version:
                    self._parsed = (version, self.stop_list.load())
                return self._parsed
            if self._initial is None:
                stops = initial_stops(self.settings)
                self._initial = (hashlib.sha256(render_stops_csv(stops)).hexdigest()[:16], stops)
            return self._initial

    def version(self) -> str:
        """The version of the whole stop list: a hash of its bytes."""
        return self._snapshot()[0]

    def stops(self) -> list[Stop]:
        return list(self._snapshot()[1])

    def stops_json(self) -> dict[str, Any]:
        """{"version", "stops"}: each stop's stops.csv cells plus what the page shows."""
        from outreach_planner.planner import with_programme

        version, stops = self._snapshot()
        visits = self._planned_visits()
        out = []
        for stop in stops:
            timed = with_programme(stop, self.programme, self.settings)
            row: dict[str, Any] = dict(stop_row(stop))
            row.update(
                lon=stop.position.lon,
                lat=stop.position.lat,
                population=stop.population,
                enabled=stop.enabled,
                villages=[
                    {
                        "id": v.id,
                        "name": v.name,
                        "commune": v.commune,
                        "population": v.population,
                        "lon": v.position.lon,
                        "lat": v.position.lat,
                        "estimated": v.estimated,
                        "needs_placement": v.needs_placement,
                    }
                    for v in stop.villages
                ],
                languages=list(stop.languages),
                programme_s=timed.programme_s,
                dwell_s=timed.dwell_s,
                visits=visits.get(stop.id, 0),
            )
            out.append(row)
        return {"version": version, "stops": out}

    def edit(self, version: str, change: Callable[[StopList], T]) -> tuple[T, str]:
        """Apply `change` to the stop list if it is still at `version`; return its result
        and the new version. A refused edit (InputError) writes nothing."""
        with self._lock:
            if self.busy_reason is not None:
                raise Busy(self.busy_reason)
            if version != self.version():
                raise StaleVersion(self.version())
            created = not self.stops_path.is_file()
            if created:
                # The first edit writes the list `plan` was using: the villages' stops.
                init_stops(self.settings, self.stops_path)
            try:
                result = change(self.stop_list)
            except BaseException:
                if created:  # a refused first edit leaves the folder as it was
                    self.stops_path.unlink(missing_ok=True)
                raise
            return result, self.version()

    def move_village(self, version: str, village_id: str, lon: float, lat: float) -> dict[str, Any]:
        """Put a village where it is (one an import could only place at its commune's
        centre). Its stop follows when the village is the stop's only one; otherwise the
        villages left beyond the audible radius are named, as for a moved stop."""
        from outreach_planner.geo import LonLat
        from outreach_planner.io.edit_history import append_history, history_path
        from outreach_planner.io.villages import move_village
        from outreach_planner.stop_edits import set_fields

        try:
            position = LonLat(lon, lat)
        except (TypeError, ValueError):
            expected = "longitude -180..180 and latitude -90..90"
            raise InputError(Problem("request", "", "lon/lat", [lon, lat], expected)) from None
        assert self.settings.villages is not None
        if not self.settings.villages.resolve().is_relative_to(self.folder):
            # The page writes only inside its working folder (never the built-in data).
            raise InputError(Problem(str(self.settings.villages), "", "villages", village_id,
                                     "a villages file inside the working folder "
                                     f"({self.folder}) to move a village in"))  # fmt: skip
        with self._lock:
            if self.busy_reason is not None:
                raise Busy(self.busy_reason)
            if version != self.version():
                raise StaleVersion(self.version())
            if village_id not in self.stop_list.villages:
                raise InputError(Problem(str(self.settings.villages), "", "id", village_id,
                                         "the id of a village in the villages file"))  # fmt: skip
            if not self.stops_path.is_file():
                init_stops(self.settings, self.stops_path)
            old = move_village(self.settings.villages, village_id, position)
            append_history(
                history_path(self.stops_path),
                [(village_id, "village position", f"{old[0]:.6f},{old[1]:.6f}",
                  f"{position.lon:.6f},{position.lat:.6f}")],
                action="village",
            )  # fmt: skip
            self.stop_list = StopList(self.settings, self.stops_path)  # the villages changed
            self._parsed = None
            stop = next((s for s in self.stop_list.load()
                         if any(v.id == village_id for v in s.villages)), None)  # fmt: skip
            if stop is not None and len(stop.villages) == 1:
                # Part of the village's move: not an edit of its own for undo.
                stop = set_fields(self.stop_list, stop.id,
                                  {"lon": str(position.lon), "lat": str(position.lat)},
                                  action="village")  # fmt: skip
            warnings = self.far_village_warnings(stop) if stop is not None else []
            return {"stop": stop.id if stop else None, "warnings": warnings,
                    "version": self.version()}  # fmt: skip

    def begin_replan(self, reason: str) -> None:
        with self._lock:
            if self.busy_reason is not None:
                raise Busy(self.busy_reason)
            self.busy_reason = reason

    def end_replan(self) -> None:
        with self._lock:
            self.busy_reason = None

    def far_village_warnings(self, stop: Stop) -> list[dict[str, Any]]:
        """Villages a moved stop left beyond the audible radius (as `stops set` warns)."""
        return [
            {"village": v.id, "name": v.name, "distance_m": round(d)}
            for v, d in far_villages(stop, self.settings.audible_radius_m)
        ]

    # --- the plan ----------------------------------------------------------------------

    def plan_json(self) -> dict[str, Any] | None:
        path = self.out / "plan.json"
        if not path.is_file():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def _planned_visits(self) -> dict[str, int]:
        plan = self.plan_json()
        counts: dict[str, int] = {}
        for run in (plan or {}).get("runs", []):
            for v in run.get("visits", []):
                counts[v["stop_id"]] = counts.get(v["stop_id"], 0) + 1
        return counts

    def settings_json(self) -> dict[str, Any]:
        from outreach_planner.io.plan_json import settings_to_json

        return settings_to_json(self.settings)

    def communes_json(self) -> Any:
        if self.settings.communes is None:  # communes = "none": no boundaries to draw
            return {"type": "FeatureCollection", "features": []}
        return json.loads(self.settings.communes.read_text(encoding="utf-8"))

    def planning_settings(self) -> Settings:
        """The settings `plan` would use in this folder: its stop list when it has one."""
        if self.stops_path.is_file():
            return self.settings.replace(stops=self.stops_path)
        return self.settings


def cells_from_json(fields: Mapping[str, Any]) -> dict[str, str]:
    """JSON values as the text cells `stops set` takes; a value of the wrong kind is
    reported with the others (InputError), like a bad cell."""
    cells: dict[str, str] = {}
    problems: list[Problem] = []
    for field, value in fields.items():
        if isinstance(value, bool):
            cells[field] = "yes" if value else "no"
        elif value is None:
            cells[field] = ""
        elif isinstance(value, int | float | str):
            cells[field] = str(value)
        elif isinstance(value, list) and all(isinstance(x, str) for x in value):
            cells[field] = ";".join(value)
        else:
            problems.append(Problem("request", "", field, value, "text, a number or a list"))
    if problems:
        raise InputError(problems)
    return cells


def new_stop_args(data: Mapping[str, Any]) -> dict[str, Any]:
    """The arguments of `stop_edits.add_stop` from a POST body: {"lon", "lat"} or
    {"place"}, with optional "name", "villages" (ids) and "people"."""
    from outreach_planner.geo import LonLat

    problems: list[Problem] = []
    at = None
    if data.get("lon") is not None or data.get("lat") is not None:
        try:
            at = LonLat(float(data.get("lon")), float(data.get("lat")))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            problems.append(Problem("request", "", "lon/lat", [data.get("lon"), data.get("lat")],
                                    "longitude -180..180 and latitude -90..90"))  # fmt: skip
    place = data.get("place")
    if place is not None and not isinstance(place, str):
        problems.append(Problem("request", "", "place", place, "a place name"))
    villages = data.get("villages", [])
    if not isinstance(villages, list) or not all(isinstance(v, str) for v in villages):
        problems.append(Problem("request", "", "villages", villages, "a list of village ids"))
    people = data.get("people")
    if people is not None and (not isinstance(people, int) or isinstance(people, bool)
                               or people < 0):  # fmt: skip
        problems.append(Problem("request", "", "people", people, "a whole number of people"))
    name = data.get("name")
    if name is not None and not isinstance(name, str):
        problems.append(Problem("request", "", "name", name, "text"))
    if problems:
        raise InputError(problems)
    return {"at": at, "place": place or None, "name": name or None,
            "village_ids": villages, "people": people}  # fmt: skip
