"""`outreach-planner bench ...` and `python -m outreach_planner.bench ...`.

Not part of the test run: a full PVRP set at 60 s per instance takes most of an hour
(README, Benchmarks).
Exit codes as the main command: 0 every solution feasible, 2 bad input, 3 some
solution infeasible.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from outreach_planner.errors import InputError
from outreach_planner.optimize.engines import DEFAULT, NAMES

EXIT_OK, EXIT_INPUT, EXIT_INFEASIBLE = 0, 2, 3
# The Đắk Song comparison plans a fixed horizon, so its figures do not move with today's date.
DAKSONG_START = dt.date(2026, 12, 7)


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected seconds, got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected seconds > 0, got {text!r}")
    return value


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number >= 1, got {text!r}")
    return value


def _fill(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
    sets = p.add_subparsers(
        dest="bench_set", required=True, metavar="{pvrp,solomon,daksong,province}"
    )
    for name, what in (
        ("pvrp", "periodic VRP in Cordeau's format (DIR with BKS.csv)"),
        ("solomon", "VRPTW in VRPLIB format (DIR with *.vrp and *.sol)"),
    ):
        s = sets.add_parser(name, help=what, description=f"Benchmark: {what}.")
        s.add_argument("dir", type=Path, metavar="DIR", help="folder of instances")
        s.add_argument("--only", metavar="NAME,NAME", help="only these instances")
        s.add_argument(
            "--time-limit", type=_positive_float, metavar="SECONDS",
            help="per instance (default 10 unless --iterations is given)",
        )  # fmt: skip
        s.add_argument(
            "--iterations",
            type=_positive_int,
            metavar="N",
            help="stop by effort instead: reproducible for a seed (PVRP: moves; "
            "Solomon: engine iterations)",
        )
        s.add_argument("--engine", choices=NAMES, default=DEFAULT, help="routing engine")
        s.add_argument("--seed", type=int, default=0, help="random seed (0)")
        s.add_argument("--json", type=Path, metavar="FILE", help="write the results as JSON")
    d = sets.add_parser(
        "daksong",
        help="the built-in Đắk Song plan against a least-recently-visited baseline",
        description="People reached per team-hour: our plan against a simple baseline.",
    )
    d.add_argument(
        "--start", type=dt.date.fromisoformat, default=DAKSONG_START, metavar="YYYY-MM-DD",
        help=f"first day of the horizon (default {DAKSONG_START})",
    )  # fmt: skip
    d.add_argument("--engine", choices=NAMES, default=DEFAULT, help="the planner's engine")
    d.add_argument("--seed", type=int, default=0, help="the planner's seed (0)")
    pr = sets.add_parser(
        "province",
        help="a SYNTHETIC province planned end to end: time, memory, people per team-hour",
        description="Make a synthetic province (real commune centres and areas), plan every "
        "team with all outputs, and compare each team with the least-recently-visited baseline.",
    )
    pr.add_argument("--villages", type=_positive_int, default=1000, metavar="N")
    pr.add_argument("--teams", type=_positive_int, default=6, metavar="K")
    pr.add_argument("--weeks", type=_positive_int, default=4, metavar="W")
    pr.add_argument("--jobs", type=_positive_int, default=os.cpu_count() or 1, metavar="J")
    pr.add_argument("--seed", type=int, default=0, help="the province's seed (0)")
    pr.add_argument(
        "--scaling", metavar="N,N,...",
        help="also plan these sizes with the same villages per team (e.g. 100,300,1000,3000)",
    )  # fmt: skip
    pr.add_argument("--work", type=Path, metavar="DIR", help="keep the provinces here")
    return p


def add_command(sub: Any) -> None:
    """Add `bench` to the main command's subparsers."""
    p = sub.add_parser(
        "bench",
        help="measure the optimizer on published instances (not part of the tests)",
        description="Solve published instances, check each solution independently and "
        "print the gap to the best-known cost.",
    )
    _fill(p)
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Run the benchmark the arguments name; returns the exit code."""
    if args.bench_set == "province":
        return _province(args)
    if args.bench_set == "daksong":
        from outreach_planner.bench.daksong import compare

        compare(start=args.start, engine=args.engine, seed=args.seed, out=print)
        return EXIT_OK
    from outreach_planner.bench.runner import Options
    from outreach_planner.bench.runner import run as run_set

    time_limit = args.time_limit
    if time_limit is None and args.iterations is None:
        time_limit = 10.0
    only = [x.strip() for x in args.only.split(",") if x.strip()] if args.only else None
    outcomes = run_set(
        args.bench_set,
        args.dir,
        only=only,
        opts=Options(time_limit, args.iterations, args.engine, args.seed),
        json_path=args.json,
        out=lambda line: print(line, flush=True),
    )
    return EXIT_OK if all(o.feasible for o in outcomes) else EXIT_INFEASIBLE


def _province(args: argparse.Namespace) -> int:
    import tempfile

    from outreach_planner.bench.province import measure, scaling

    with tempfile.TemporaryDirectory(prefix="province-bench-") as tmp:
        work = args.work or Path(tmp)
        measure(args.villages, args.teams, work=work / "main", jobs=args.jobs, weeks=args.weeks,
                seed=args.seed)  # fmt: skip
        if args.scaling:
            sizes = [int(x) for x in args.scaling.split(",") if x.strip()]
            scaling(sizes, villages_per_team=args.villages / args.teams, work=work / "scaling",
                    jobs=args.jobs, weeks=args.weeks, seed=args.seed)  # fmt: skip
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    p = _fill(argparse.ArgumentParser(prog="python -m outreach_planner.bench",
                                      description="Benchmarks of the optimizer."))  # fmt: skip
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    try:
        return run(args)
    except InputError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        return EXIT_INPUT
