"""The command line: parse, call the library, print. One place maps errors to exit codes.

Exit codes: 0 success, 1 internal error (the log says where), 2 bad input,
3 no feasible plan.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
import tempfile
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from outreach_planner import __version__
from outreach_planner.builtin import default_settings_path
from outreach_planner.errors import InfeasibleError, InputError
from outreach_planner.labels import LANGS
from outreach_planner.settings import Settings, load_settings, settings_from_mapping

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
    plan.add_argument("--settings", type=Path, help="settings TOML (default: built-in)")
    plan.add_argument("--villages", type=Path, help="villages GeoJSON")
    plan.add_argument("--communes", type=Path, help="commune polygons GeoJSON")
    plan.add_argument("--programme", type=Path, help="broadcast programme TOML")
    plan.add_argument("--depot", metavar="LON,LAT", help="depot position")
    plan.add_argument("--start", metavar="YYYY-MM-DD", help="first day of the horizon")
    plan.add_argument("--weeks", metavar="N", help="number of weeks (default 4)")
    plan.add_argument("--vehicles", metavar="N", help="vehicles (default 1)")
    plan.add_argument("--radius", metavar="M", help="audible radius in metres (default 300)")
    plan.add_argument("--min-visits", metavar="N", help="visits every stop needs (default 1)")
    plan.add_argument("--seed", metavar="N", help="random seed (default 0)")
    plan.add_argument("--out", type=Path, default=Path("maps"), help="output folder (maps/)")
    plan.add_argument("--lang", choices=LANGS, default="vi", help="labels: vi (default) or en")
    plan.add_argument("--quiet", action="store_true", help="no progress display")
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


def resolve_settings(args: argparse.Namespace) -> Settings:
    """Built-in defaults, then the settings file, then the command line."""
    base = load_settings(default_settings_path())
    if args.settings is not None:
        base = load_settings(args.settings, base=base)
    raw: dict[str, Any] = {}
    for key in ("villages", "communes", "programme"):
        if getattr(args, key) is not None:
            raw[key] = str(getattr(args, key))
    if args.start is not None:
        raw["start"] = args.start
    for key, attr, conv in (
        ("weeks", "weeks", _int), ("vehicles", "vehicles", _int), ("seed", "seed", _int),
        ("min_visits", "min_visits", _int), ("audible_radius_m", "radius", _float),
    ):  # fmt: skip
        if getattr(args, attr) is not None:
            raw[key] = conv(getattr(args, attr))
    if args.depot is not None:
        parts = args.depot.split(",")
        raw["depot"] = {
            "name": base.depot.name if args.depot is None else f"Depot {args.depot}",
            "lon": _float(parts[0]) if parts else None,
            "lat": _float(parts[1]) if len(parts) > 1 else None,
        }
        if len(parts) != 2:
            raw["depot"]["lon"] = args.depot
    return settings_from_mapping(raw, source="command line", folder=Path.cwd(), base=base)


def _plan(args: argparse.Namespace) -> int:
    from outreach_planner.outputs import write_outputs
    from outreach_planner.planner import load_inputs, make_plan
    from outreach_planner.progress import print_summary, progress_display

    settings = resolve_settings(args)
    inputs = load_inputs(settings)
    with progress_display(enabled=not args.quiet) as progress:
        plan = make_plan(settings, inputs, progress=progress)
    written = write_outputs(plan, args.out, lang=args.lang)
    print_summary(plan, written, args.out)
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    try:
        if args.command == "plan":
            return _plan(args)
        raise AssertionError(f"unknown command {args.command}")
    except InputError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        return EXIT_INPUT
    except InfeasibleError as exc:
        print(f"error: no feasible plan: {exc}", file=sys.stderr)
        return EXIT_INFEASIBLE
    except KeyboardInterrupt:
        print("interrupted; earlier outputs are unchanged", file=sys.stderr)
        return 130
    except Exception as exc:  # the one place a bug turns into a message, not a traceback
        log_path = Path(tempfile.gettempdir()) / "outreach-planner-error.log"
        log_path.write_text(
            f"{dt.datetime.now().isoformat()} outreach-planner {__version__}\n"
            + "".join(traceback.format_exception(exc)),
            encoding="utf-8",
        )
        print(
            f"internal error: {type(exc).__name__}: {exc} (details in {log_path})", file=sys.stderr
        )
        return EXIT_INTERNAL
