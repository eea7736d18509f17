"""Teams of a province: who plans which villages, from which depot.

A province office plans for several mobile information teams at once. Each team has a
name, a depot, its vehicles and, optionally, its own weekdays and working hours; it
covers the communes it names. A village goes to the team that names its commune, or,
where no team names it, to the team whose depot is nearest (geodesic).

Teams come from a ``[[teams]]`` table in the province's settings file or from a CSV
file that the ``teams`` setting names (columns as the table's keys; lists separated
by ``;``). Every problem in them is reported at once.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from outreach_planner.domain import Village
from outreach_planner.errors import ProblemCollector
from outreach_planner.geo import LonLat, geodesic_to_m

# What a team may set for itself; everything else is the province's.
TEAM_SETTINGS = ("depot", "vehicles", "weekdays", "working_hours")
_TEAM_KEYS = ("name", "communes", *TEAM_SETTINGS)


@dataclass(frozen=True)
class Team:
    """One team: its name, the communes it covers, and its own settings (TOML keys)."""

    name: str
    communes: tuple[str, ...]
    settings: Mapping[str, Any]  # keys of TEAM_SETTINGS, as a settings file writes them

    @property
    def slug(self) -> str:
        """The team's folder name: its name in lower-case ASCII, words joined by '-'."""
        return team_slug(self.name)

    @property
    def depot(self) -> LonLat:
        depot = self.settings["depot"]
        return LonLat(float(depot["lon"]), float(depot["lat"]))


def team_slug(name: str) -> str:
    """'Đắk Song 2' -> 'dak-song-2' (đ is not decomposed by NFKD, so it is mapped first)."""
    text = name.replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "team"


def teams_from_settings(raw: Mapping[str, Any], *, source: str, folder: Path) -> tuple[Team, ...]:
    """The teams of a province settings mapping: its `teams` table, or the CSV it names."""
    value = raw.get("teams")
    if isinstance(value, str):
        return load_teams_csv(folder / value)
    if not isinstance(value, list) or not value:
        problems = ProblemCollector(source)
        problems.add("", "teams", value, "a [[teams]] table or the path of a teams CSV file")
        problems.raise_if_any()
    assert isinstance(value, list)  # raise_if_any raised otherwise
    return teams_from_rows(value, source=source, where="team")


def load_teams_csv(path: Path) -> tuple[Team, ...]:
    """Teams from a CSV: name, depot_lon, depot_lat, depot_name, vehicles, weekdays,
    working_hours, communes (lists separated by ';'; empty cells keep the province's)."""
    problems = ProblemCollector(str(path))
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        problems.add("", "", str(exc), "a readable UTF-8 CSV file of teams")
        problems.raise_if_any()
        raise AssertionError from exc  # unreachable: raise_if_any raised
    dialect = ";" if text.split("\n", 1)[0].count(";") > text.split("\n", 1)[0].count(",") else ","
    rows = []
    for row in csv.DictReader(text.splitlines(), delimiter=dialect):
        entry: dict[str, Any] = {"name": (row.get("name") or "").strip()}
        if any((row.get(k) or "").strip() for k in ("depot_lon", "depot_lat")):
            entry["depot"] = {
                "name": (row.get("depot_name") or "").strip() or f"{entry['name']} depot",
                "lon": _number(row.get("depot_lon")),
                "lat": _number(row.get("depot_lat")),
            }
        for key in ("weekdays", "working_hours", "communes"):
            cell = (row.get(key) or "").strip()
            if cell:
                entry[key] = [part.strip() for part in cell.split(";") if part.strip()]
        if (row.get("vehicles") or "").strip():
            entry["vehicles"] = _number(row.get("vehicles"))
        rows.append(entry)
    return teams_from_rows(rows, source=str(path), where="row", first=2)


def teams_from_rows(
    rows: Sequence[Any], *, source: str, where: str, first: int = 1
) -> tuple[Team, ...]:
    """Check each team's own keys; the settings loader checks their values later."""
    problems = ProblemCollector(source)
    teams: list[Team] = []
    seen: dict[str, str] = {}
    for i, row in enumerate(rows, start=first):
        here = f"{where} {i}"
        if not isinstance(row, Mapping):
            problems.add(here, "", row, "a table with name, depot and communes")
            continue
        name = row.get("name")
        if isinstance(name, str) and name.strip():
            here = f"{where} {i} ({name.strip()})"
        for key in sorted(set(row) - set(_TEAM_KEYS)):
            problems.add(here, key, row[key], f"one of the team keys ({', '.join(_TEAM_KEYS)})")
        if not isinstance(name, str) or not name.strip():
            problems.add(here, "name", name, "a team name")
            continue
        slug = team_slug(name)
        if slug in seen:
            problems.add(here, "name", name, f"a name unlike team '{seen[slug]}' (same folder)")
        seen[slug] = name
        communes = row.get("communes", [])
        if not isinstance(communes, list) or not all(isinstance(c, str) for c in communes):
            problems.add(here, "communes", communes, "a list of commune names")
            communes = []
        depot = row.get("depot")
        if not _is_depot(depot):
            problems.add(here, "depot", depot, "a depot with name, lon and lat")
            continue
        own = {k: row[k] for k in TEAM_SETTINGS if k in row}
        teams.append(Team(name.strip(), tuple(c.strip() for c in communes), own))
    claimed: dict[str, str] = {}
    for team in teams:
        for commune in team.communes:
            key = commune.casefold()
            if key in claimed and claimed[key] != team.name:
                also = f"a commune no other team covers (also in '{claimed[key]}')"
                problems.add(f"team {team.name}", "communes", commune, also)
            claimed[key] = team.name
    if not rows:
        problems.add("", "teams", [], "at least one team")
    problems.raise_if_any()
    return tuple(teams)


def assign_villages(villages: Sequence[Village], teams: Sequence[Team]) -> dict[str, list[Village]]:
    """Team name -> its villages: by commune where a team names it, else the nearest depot."""
    by_commune = {c.casefold(): t.name for t in teams for c in t.communes}
    out: dict[str, list[Village]] = {t.name: [] for t in teams}
    depots = [t.depot for t in teams]
    for village in villages:
        owner = by_commune.get(village.commune.casefold())
        if owner is None:
            # Ties go to the first team listed.
            owner = teams[int(np.argmin(geodesic_to_m(village.position, depots)))].name
        out[owner].append(village)
    return out


def _is_depot(value: object) -> bool:
    return (
        isinstance(value, Mapping)
        and isinstance(value.get("lon"), int | float)
        and isinstance(value.get("lat"), int | float)
        and not isinstance(value.get("lon"), bool)
    )


def _number(text: str | None) -> Any:
    """A number from a CSV cell (decimal comma too), or the text itself to be reported."""
    cell = (text or "").strip()
    try:
        return int(cell)
    except ValueError:
        pass
    try:
        return float(cell.replace(",", "."))
    except ValueError:
        return cell
