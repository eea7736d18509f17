"""The command line: parse, call the library, print. One place maps errors to exit codes.

Exit codes: 0 success, 1 internal error (the log says where), 2 bad input,
3 no feasible plan.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from outreach_planner import __version__
from outreach_planner.bench.cli import add_command as add_bench_command
from outreach_planner.cli_district import add_commands as add_district_commands
from outreach_planner.cli_province import add_commands as add_province_commands
from outreach_planner.cli_stops import add_commands as add_stop_commands
from outreach_planner.errors import InfeasibleError, InputError, Problem
from outreach_planner.labels import LANGS, Labels
from outreach_planner.parse import parse_date
from outreach_planner.settings import Settings, resolve_settings
from outreach_planner.web.server import add_command as add_serve_command

EXIT_OK, EXIT_INTERNAL, EXIT_INPUT, EXIT_INFEASIBLE = 0, 1, 2, 3
log = logging.getLogger("outreach_planner")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="outreach-planner",
        description="Plan the routes and timetable of a mobile information team.",
    )
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    plan = sub.add_parser(
        "plan",
        help="plan the rota and write maps, plan.json and schedule.csv",
        description="Plan the rota. Without options, plans the built-in Đắk Song data.",
    )
    plan.add_argument("--settings", type=Path, help="settings (./settings.toml)")
    plan.add_argument("--villages", type=Path, help="villages GeoJSON")
    plan.add_argument("--communes", type=Path, help="commune polygons GeoJSON")
    plan.add_argument("--programme", type=Path, help="broadcast programme TOML")
    plan.add_argument(
        "--roads", type=Path, metavar="FILE",
        help="drive on the roads of an OpenStreetMap extract (.osm.pbf, .osm) or its cache",
    )  # fmt: skip
    plan.add_argument("--depot", metavar="LON,LAT", help="depot position")
    plan.add_argument("--start", metavar="YYYY-MM-DD", help="first day of the horizon")
    plan.add_argument("--weeks", metavar="N", help="number of weeks (default 4)")
    plan.add_argument("--vehicles", metavar="N", help="vehicles (default 1)")
    plan.add_argument("--radius", metavar="M", help="audible radius in metres (default 300)")
    plan.add_argument("--min-visits", metavar="N", help="visits every stop needs (default 1)")
    plan.add_argument("--seed", metavar="N", help="random seed (default 0)")
    plan.add_argument(
        "--engine", metavar="NAME",
        help="routing engine: pyvrp (default) or ortools (setting: engine)",
    )  # fmt: skip
    plan.add_argument("--out", type=Path, default=Path("maps"), help="output folder (maps/)")
    plan.add_argument(
        "--lang", choices=LANGS, help="outputs and terminal: vi (default) or en (setting: lang)"
    )
    plan.add_argument("--quiet", action="store_true", help="no progress display")
    plan.add_argument(
        "--stops", type=Path, metavar="FILE",
        help="edited stop list (default: ./stops.csv if it exists, else stops from villages)",
    )  # fmt: skip
    plan.add_argument(
        "--previous", type=Path, metavar="FILE",
        help="previous plan.json to keep visits from (default: OUT/plan.json)",
    )  # fmt: skip
    plan.add_argument("--fresh", action="store_true", help="ignore the previous plan")
    plan.add_argument(
        "--today", metavar="YYYY-MM-DD",
        help="the date to plan on (default: the computer's): runs before it are kept as they "
        "were, and the default start is the Monday after it",
    )  # fmt: skip
    roads = sub.add_parser("roads", help="prepare an OpenStreetMap road network")
    roads_sub = roads.add_subparsers(dest="roads_command", required=True)
    imp = roads_sub.add_parser(
        "import",
        help="read the drivable roads of an OSM extract into a cache that plan --roads reuses",
        description="Read the drivable roads of an OpenStreetMap extract (.osm.pbf or .osm) "
        "and store them beside it (FILE.roads.npz) or in --out.",
    )
    imp.add_argument("file", type=Path, metavar="FILE", help="OpenStreetMap extract")
    area = imp.add_mutually_exclusive_group()
    area.add_argument("--bbox", metavar="W,S,E,N", help="keep only roads touching this box")
    area.add_argument(
        "--around", type=Path, metavar="VILLAGES.geojson",
        help="keep only roads near these villages (their box plus --margin-km)",
    )  # fmt: skip
    imp.add_argument("--margin-km", metavar="K", default="5", help="margin of --around (5)")
    imp.add_argument("--include-tracks", action="store_true", help="also tracks and paths")
    imp.add_argument("--out", type=Path, metavar="CACHE", help="cache file (*.roads.npz)")
    add_stop_commands(sub)
    add_province_commands(sub)
    add_district_commands(sub)
    add_bench_command(sub)
    add_serve_command(sub)
    return p


def _int(text: str) -> Any:
    try:
        return int(text)
    except ValueError:
        return text  # reported by the settings check with its name and what it expects


def _float(text: str) -> Any:
    try:
        return float(text)
    except ValueError:
        return text


def settings_from_args(args: argparse.Namespace) -> Settings:
    """Built-in defaults, then --settings, then the other options of the command."""
    raw: dict[str, Any] = {}
    for key in ("villages", "communes", "programme", "roads"):
        if getattr(args, key, None) is not None:
            raw[key] = str(getattr(args, key))
    for key, attr, conv in (
        ("start", "start", str), ("engine", "engine", str), ("lang", "lang", str),
        ("weeks", "weeks", _int), ("vehicles", "vehicles", _int), ("seed", "seed", _int),
        ("min_visits", "min_visits", _int), ("audible_radius_m", "radius", _float),
    ):  # fmt: skip
        if getattr(args, attr, None) is not None:
            raw[key] = conv(getattr(args, attr))
    if getattr(args, "depot", None) is not None:
        parts = args.depot.split(",")
        raw["depot"] = {
            "name": f"Depot {args.depot}",
            # One text that is no LON,LAT is reported whole, as typed.
            "lon": _float(parts[0]) if len(parts) == 2 else args.depot,
            "lat": _float(parts[1]) if len(parts) == 2 else None,
        }
    return resolve_settings(getattr(args, "settings", None), raw)


def _today(args: argparse.Namespace) -> dt.date:
    if args.today is None:
        return dt.date.today()
    today = parse_date(args.today)
    if today is None:
        raise InputError(Problem("command line", "", "--today", args.today, "a date YYYY-MM-DD"))
    return today


def _plan(args: argparse.Namespace) -> int:
    from outreach_planner.api import (
        default_stop_list,
        load_district,
        plan_changes,
        plan_district,
        read_previous,
    )
    from outreach_planner.outputs import check_output_folder, write_outputs
    from outreach_planner.plan_diff import format_diff
    from outreach_planner.progress import print_summary, progress_display

    settings = settings_from_args(args)
    today = _today(args)
    check_output_folder(args.out)
    labels = Labels(settings.lang)
    if args.stops is None and default_stop_list(settings) is not None:
        print(labels["using_stops"], file=sys.stderr)
    previous = read_previous(args.out, previous=args.previous, fresh=args.fresh)
    district = load_district(settings, stops=args.stops)
    with progress_display(labels, enabled=not args.quiet) as progress:
        plan = plan_district(district, today=today, previous=previous, progress=progress)
    # The lock's own message names the other run's process; the terminal speaks the user's language.
    waiting = labels.t("t_waiting", out=args.out)
    written = write_outputs(plan, args.out, lang=settings.lang, on_wait=lambda _: _say(waiting))
    print_summary(plan, list(written), args.out, labels)
    if written.failed:
        log_path = _log("".join(f.details for f in written.failed))
        for failed in written.failed:
            why, file = failed.message, args.out / failed.name
            print(labels.t("t_not_written", file=file, why=why, log=log_path), file=sys.stderr)
    if previous is not None:
        print(labels.t("t_changes_from", path=previous.source))
        for line in format_diff(plan_changes(previous, plan), labels):
            print(f"  {line}")
    return EXIT_OK


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _log(details: str) -> str:
    """Write the error log; its path, or why it could not be written."""
    from outreach_planner.error_log import write_error_log

    try:
        return str(write_error_log(details, version=__version__))
    except OSError as exc:
        return f"no log: {exc.strerror or exc}"


def _roads_import(args: argparse.Namespace) -> int:
    from outreach_planner.roads import ATTRIBUTION, ImportOptions, bbox_around, import_roads
    from outreach_planner.roads.cache import CACHE_SUFFIX, parse_bbox

    bbox = None
    if args.bbox is not None:
        bbox = parse_bbox(args.bbox, source="command line", field="--bbox")
    elif args.around is not None:
        margin = _float(args.margin_km)
        if not isinstance(margin, float) or not 0 <= margin <= 500:
            raise InputError(Problem("command line", "", "--margin-km", args.margin_km,
                                     "kilometres from 0 to 500"))  # fmt: skip
        bbox = bbox_around(args.around, margin_km=margin)
    if args.out is not None and not args.out.name.endswith(CACHE_SUFFIX):
        raise InputError(Problem("command line", "", "--out", str(args.out),
                                 f"a file name ending in {CACHE_SUFFIX}"))  # fmt: skip
    options = ImportOptions(bbox=bbox, include_tracks=args.include_tracks)
    network, cache = import_roads(args.file, options=options, out=args.out)
    classes = ", ".join(f"{c} {n:,}" for c, n in network.class_counts().items())
    print(f"{args.file}: {network.nodes:,} road nodes, {network.edges:,} directed segments "
          f"({classes})")  # fmt: skip
    print(f"saved {cache}; plan with: outreach-planner plan --roads {args.out or args.file}")
    print(f"map data {ATTRIBUTION} (ODbL 1.0)")
    return EXIT_OK


def _utf8_output() -> None:
    """Vietnamese text on any terminal: Windows gives a redirected output its ANSI code page
    (cp1252, cp1258), which cannot write every Vietnamese letter; write UTF-8 there."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if encoding != "utf8" and hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    _utf8_output()
    args = _parser().parse_args(argv)
    labels = Labels(getattr(args, "lang", None) or "vi")
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    try:
        if args.command == "plan":
            return _plan(args)
        if args.command == "roads":
            return _roads_import(args)
        if hasattr(args, "handler"):
            return args.handler(args)
        raise AssertionError(f"unknown command {args.command}")
    except InputError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        return EXIT_INPUT
    except InfeasibleError as exc:
        print(f"error: {labels['no_feasible']}: {exc}", file=sys.stderr)
        return EXIT_INFEASIBLE
    except KeyboardInterrupt:
        print(labels["interrupted"], file=sys.stderr)
        return 130
    except Exception as exc:  # the one place a bug turns into a message, not a traceback
        where = _log("".join(traceback.format_exception(exc)))
        print(
            f"{labels['internal_error']}: {type(exc).__name__}: {exc} "
            f"({labels['details_in']} {where})",
            file=sys.stderr,
        )
        return EXIT_INTERNAL
