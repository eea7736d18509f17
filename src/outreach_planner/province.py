"""A province's plan: every team planned on its own, in parallel, into a folder of its own.

`prepare_teams` splits the province's villages between its teams (see `teams`) and makes
one ordinary working folder per team (settings.toml, villages.geojson, communes.geojson;
the programme and roads stay the province's), so that `plan`, `stops` and `serve` work
inside a team's folder as they do for a single team. `plan_teams` then plans every
folder independently, on the backend asked for:

- ``process`` (default): a pool of `jobs` worker processes on this machine;
- ``dask``: the workers of a Dask cluster (``pip install 'outreach-planner[cluster]'``),
  at `scheduler` (``tcp://host:8786``) or a local cluster of `jobs` processes.

A team's plan depends only on its folder and the seed, so the same inputs give the same
bytes whatever the backend and the number of workers (as long as no team reaches the
time cap). The province folder gets `index.html` (every team on one map) and
`summary.csv`; each team's outputs are in ``TEAM/maps/``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
import os
import sys
import time
import tomllib
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import tomli_w

from outreach_planner.errors import InputError, Problem, ProblemCollector
from outreach_planner.io.communes import load_communes
from outreach_planner.io.geojson import read_json
from outreach_planner.io.output_set import replace_together
from outreach_planner.io.villages import load_villages
from outreach_planner.teams import Team, assign_villages, teams_from_settings

log = logging.getLogger("outreach_planner")
BACKENDS = ("process", "dask")


@dataclass(frozen=True)
class TeamJob:
    """What a worker needs to plan one team: plain values, so any backend can ship it."""

    name: str
    folder: str
    today: str | None
    lang: str
    fresh: bool


@dataclass(frozen=True)
class TeamResult:
    """A team's plan in figures, as the worker measured it."""

    name: str
    folder: str
    villages: int
    stops: int
    runs: int
    visits: int
    people_reached: int
    duty_h: float
    people_per_duty_hour: float
    unassigned: int
    estimated: tuple[str, ...]  # what of the team's data is estimated (Plan.estimated)
    seconds: float
    peak_rss_mib: float
    stop_points: tuple[tuple[float, float, str, int, int], ...]  # lon, lat, name, people, visits


def prepare_teams(settings_path: Path, out: Path) -> list[tuple[Team, Path]]:
    """Split the villages between the teams and write each team's working folder.

    A team folder's own `stops.csv` (a planner's edits) is kept as it is.
    """
    source = str(settings_path)
    try:
        raw = tomllib.loads(settings_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        problems = ProblemCollector(source)
        problems.add("", "", str(exc), "a readable UTF-8 TOML settings file with [[teams]]")
        problems.raise_if_any()
        raise AssertionError from exc  # unreachable
    folder = settings_path.parent
    teams = teams_from_settings(raw, source=source, folder=folder)
    missing = [k for k in ("villages", "communes", "programme") if not isinstance(raw.get(k), str)]
    if missing:
        problems = ProblemCollector(source)
        for key in missing:
            problems.add("", key, raw.get(key), "a file path (a province names its own files)")
        problems.raise_if_any()
    communes_path = folder / raw["communes"]
    villages_path = folder / raw["villages"]
    communes = load_communes(communes_path)
    villages = load_villages(villages_path, communes=communes)
    shares = assign_villages(villages, teams)
    features = {
        f["properties"]["id"]: f for f in read_json(villages_path, what="villages")["features"]
    }
    commune_features = {
        f["properties"]["name"]: f for f in read_json(communes_path, what="communes")["features"]
    }
    common = {k: v for k, v in raw.items() if k != "teams"}
    made = []
    for team in teams:
        mine = shares[team.name]
        if not mine:
            log.warning("team %s covers no village", team.name)
        home = out / team.slug
        names = sorted({v.commune for v in mine})
        team_settings = {**common, **team.settings}
        # The province's programme (its text and audio files beside it) and roads stay
        # where they are, named from the team's folder so that the two move together.
        for key in ("programme", "roads"):
            if isinstance(common.get(key), str):
                team_settings[key] = Path(
                    os.path.relpath((folder / common[key]).resolve(), home.resolve())
                ).as_posix()
        team_settings.update(villages="villages.geojson", communes="communes.geojson")
        team_settings.pop("stops", None)  # a team's edits live in its own stops.csv
        files = {
            "settings.toml": (
                f"# Team {team.name}: made by `outreach-planner province plan` from "
                f"{settings_path.name};\n# made again on each province plan: edit that file.\n"
            ).encode()
            + tomli_w.dumps(team_settings).encode("utf-8"),
            "villages.geojson": _collection(
                [features[v.id] for v in sorted(mine, key=lambda v: v.id)], team.name
            ),
            "communes.geojson": _collection([commune_features[n] for n in names], team.name),
        }
        home.mkdir(parents=True, exist_ok=True)
        replace_together(home, files)
        made.append((team, home))
    return made


def plan_team(job: TeamJob) -> TeamResult:
    """Plan one team's folder as `outreach-planner plan` would there; write its outputs."""
    from outreach_planner.api import load_district, plan_district, read_previous
    from outreach_planner.outputs import write_outputs

    began = time.perf_counter()
    home = Path(job.folder)
    district = load_district(home / "settings.toml", folder=home)
    maps = home / "maps"
    previous = read_previous(maps, fresh=job.fresh)
    today = dt.date.fromisoformat(job.today) if job.today else dt.date.today()
    plan = plan_district(district, today=today, previous=previous)
    write_outputs(plan, maps, lang=job.lang)
    s = plan.summary()
    visits_of = Counter(v.stop.id for run in plan.runs for v in run.visits)
    return TeamResult(
        name=job.name,
        folder=job.folder,
        villages=sum(len(st.villages) for st in plan.stops),
        stops=int(s["stops"]),
        runs=int(s["runs"]),
        visits=int(s["visits"]),
        people_reached=int(s["people_reached"]),
        duty_h=float(s["duty_h"]),
        people_per_duty_hour=float(s["people_per_duty_hour"]),
        unassigned=int(s["unassigned"]),
        estimated=plan.estimated,
        seconds=round(time.perf_counter() - began, 2),
        peak_rss_mib=round(_peak_rss_mib(), 1),
        stop_points=tuple(
            (st.position.lon, st.position.lat, st.name, st.population, visits_of[st.id])
            for st in plan.stops
        ),
    )


def plan_teams(
    jobs: Sequence[TeamJob],
    *,
    workers: int = 1,
    backend: str = "process",
    scheduler: str | None = None,
    on_done: Callable[[TeamResult], None] | None = None,
) -> list[TeamResult]:
    """Plan every team's folder; results in the order of `jobs`."""
    if backend not in BACKENDS:
        raise InputError(_problem("--backend", backend, f"one of {', '.join(BACKENDS)}"))
    if backend == "dask":
        return _plan_on_dask(jobs, workers=workers, scheduler=scheduler, on_done=on_done)
    if workers <= 1 or len(jobs) <= 1:
        return _collect((plan_team(job) for job in jobs), on_done)
    # spawn, not fork: the engines start threads, and spawn is what Windows has anyway.
    import multiprocessing

    with ProcessPoolExecutor(
        max_workers=min(workers, len(jobs)), mp_context=multiprocessing.get_context("spawn")
    ) as pool:
        futures = [pool.submit(plan_team, job) for job in jobs]
        return _collect((future.result() for future in futures), on_done)


def _collect(
    results: Iterable[TeamResult], on_done: Callable[[TeamResult], None] | None
) -> list[TeamResult]:
    """The results in the jobs' order, each reported as it comes."""
    done = []
    for result in results:
        done.append(result)
        if on_done:
            on_done(result)
    return done


def _plan_on_dask(
    jobs: Sequence[TeamJob],
    *,
    workers: int,
    scheduler: str | None,
    on_done: Callable[[TeamResult], None] | None,
) -> list[TeamResult]:
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise InputError(
            _problem("--backend", "dask", "Dask installed: pip install 'outreach-planner[cluster]'")
        ) from None
    cluster = None
    if scheduler is None:
        cluster = LocalCluster(
            n_workers=max(1, workers),
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
        )
    try:
        with Client(cluster if cluster is not None else scheduler) as client:
            # pure=False: a re-plan is new work even when the job's fields are the same.
            futures = client.map(plan_team, list(jobs), pure=False)
            return _collect((future.result() for future in futures), on_done)
    finally:
        if cluster is not None:
            cluster.close()


def province_summary_csv(results: Sequence[TeamResult]) -> bytes:
    """One row per team; UTF-8 with BOM for spreadsheets."""
    fields = (
        [k for k in asdict(results[0]) if k not in ("stop_points", "folder")] if results else []
    )
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(fields)
    for r in results:
        row = asdict(r)
        writer.writerow([row[k] for k in fields])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def totals(results: Sequence[TeamResult]) -> dict[str, float]:
    """The province's figures: people reached per team-hour over all teams."""
    people = sum(r.people_reached for r in results)
    duty = sum(r.duty_h for r in results)
    return {
        "teams": len(results),
        "villages": sum(r.villages for r in results),
        "stops": sum(r.stops for r in results),
        "visits": sum(r.visits for r in results),
        "people_reached": people,
        "duty_h": round(duty, 2),
        "people_per_duty_hour": round(people / duty, 1) if duty else 0.0,
        "unassigned": sum(r.unassigned for r in results),
    }


def province_json(results: Sequence[TeamResult]) -> bytes:
    data = {
        "teams": [{k: v for k, v in asdict(r).items() if k != "stop_points"} for r in results],
        "totals": totals(results),
    }
    return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def _collection(features: list[dict[str, Any]], team: str) -> bytes:
    return (
        json.dumps(
            {"type": "FeatureCollection", "name": team, "features": features},
            ensure_ascii=False,
            indent=1,
        )
        + "\n"
    ).encode("utf-8")


def _peak_rss_mib() -> float:
    """This process's peak resident memory in MiB; 0 where the system does not say."""
    try:
        import resource
    except ImportError:  # Windows
        return 0.0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # ru_maxrss is bytes on macOS, KiB elsewhere.
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _problem(field: str, value: object, expected: str) -> Problem:
    return Problem("command line", "", field, value, expected)
