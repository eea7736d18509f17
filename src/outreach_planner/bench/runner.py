"""Solve published instances, check each solution independently, report the gaps."""

from __future__ import annotations

import json
import logging
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from outreach_planner.bench import checker, pvrp, solomon
from outreach_planner.errors import InputError, Problem
from outreach_planner.io.atomic import write_atomic
from outreach_planner.optimize import vrp
from outreach_planner.optimize.periodic import solve_periodic

log = logging.getLogger("outreach_planner")

# Files in a PVRP folder that are not instances.
_NOT_INSTANCES = {".csv", ".htm", ".html", ".md", ".txt", ".res", ".sol", ".json", ".py"}


@dataclass(frozen=True)
class Outcome:
    """One instance's line of the report (and of the JSON file)."""

    instance: str
    cost: float
    bks: float | None
    gap_pct: float | None
    seconds: float
    feasible: bool
    violations: list[str]
    routes: list


@dataclass(frozen=True)
class Options:
    time_limit: float | None = 10.0
    iterations: int | None = None
    engine: str = "pyvrp"
    seed: int = 0


def _gap(cost: float, bks: float | None) -> float | None:
    return None if bks is None or bks <= 0 else 100.0 * (cost - bks) / bks


def pvrp_instances(folder: Path, only: Sequence[str] | None) -> list[Path]:
    files = sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and p.suffix.lower() not in _NOT_INSTANCES and not p.name.startswith(".")
    )
    return _select(files, only, folder)


def solomon_instances(folder: Path, only: Sequence[str] | None) -> list[Path]:
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".vrp")
    return _select(files, only, folder)


def _select(files: list[Path], only: Sequence[str] | None, folder: Path) -> list[Path]:
    if not only:
        return files
    by_name = {p.stem.lower(): p for p in files} | {p.name.lower(): p for p in files}
    missing = [name for name in only if name.lower() not in by_name]
    if missing:
        raise InputError(
            [
                Problem(str(folder), "", "--only", name, "an instance in the folder")
                for name in missing
            ]  # fmt: skip
        )
    return [by_name[name.lower()] for name in only]


def solve_pvrp_file(path: Path, bks: dict[str, float], opts: Options) -> Outcome:
    inst = pvrp.read_pvrp(path)
    began = time.perf_counter()
    problem = pvrp.to_problem(inst)
    res = solve_periodic(
        problem,
        engine=opts.engine,
        time_limit=opts.time_limit,
        iterations=opts.iterations,
        seed=opts.seed,
    )
    seconds = time.perf_counter() - began
    routes = [[[c + 1 for c in r] for r in day] for day in res.routes]
    verdict = checker.check_pvrp(inst, routes)
    return _outcome(path.name, verdict, bks.get(path.name, bks.get(path.stem)), seconds, routes)


def solve_solomon_file(path: Path, opts: Options) -> Outcome:
    inst = solomon.read_vrplib(path)
    sol = path.with_suffix(".sol")
    best = solomon.read_sol_cost(sol) if sol.exists() else None
    began = time.perf_counter()
    problem = solomon.to_problem(inst)
    res = vrp.solve(
        problem,
        engine=opts.engine,
        time_limit=opts.time_limit,
        iterations=opts.iterations,
        seed=opts.seed,
    )
    seconds = time.perf_counter() - began
    routes = [[c + 1 for c in r] for r in res.routes if r]
    verdict = checker.check_vrptw(inst, routes)
    return _outcome(inst.name, verdict, best, seconds, routes)


def _outcome(name: str, verdict, best: float | None, seconds: float, routes: list) -> Outcome:
    """One instance's line of the report, from the independent checker's verdict."""
    return Outcome(
        instance=name,
        cost=round(verdict.cost, 4),
        bks=best,
        gap_pct=_round(_gap(verdict.cost, best)),
        seconds=round(seconds, 2),
        feasible=verdict.feasible,
        violations=list(verdict.violations),
        routes=routes,
    )


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 3)


def run(
    kind: str,
    folder: Path,
    *,
    only: Sequence[str] | None = None,
    opts: Options = Options(),
    json_path: Path | None = None,
    out: Callable[[str], None] = print,
) -> list[Outcome]:
    """Solve every instance of `folder` (or those named in `only`), printing a line each."""
    if not folder.is_dir():
        raise InputError(Problem(str(folder), "", "DIR", str(folder), "a folder of instances"))
    if kind == "pvrp":
        files = pvrp_instances(folder, only)
        bks_file = folder / "BKS.csv"
        bks = pvrp.read_bks(bks_file) if bks_file.exists() else {}
    elif kind == "solomon":
        files = solomon_instances(folder, only)
        bks = {}
    else:
        raise ValueError(f"unknown benchmark {kind!r}")
    if not files:
        raise InputError(Problem(str(folder), "", "DIR", str(folder), f"{kind} instances"))
    limit = f"{opts.time_limit:g} s" if opts.time_limit is not None else "no time limit"
    iters = f", {opts.iterations} iterations" if opts.iterations is not None else ""
    out(f"{kind}: {len(files)} instances, engine {opts.engine}, {limit}{iters}, seed {opts.seed}")
    out(f"{'instance':<10} {'cost':>12} {'best-known':>12} {'gap %':>8} {'time s':>8}  feasible")
    outcomes = []
    for path in files:
        o = solve_pvrp_file(path, bks, opts) if kind == "pvrp" else solve_solomon_file(path, opts)
        outcomes.append(o)
        gap = "-" if o.gap_pct is None else f"{o.gap_pct:.2f}"
        best = "-" if o.bks is None else f"{o.bks:.2f}"
        out(
            f"{o.instance:<10} {o.cost:>12.2f} {best:>12} {gap:>8} {o.seconds:>8.1f}  "
            f"{'yes' if o.feasible else 'NO'}"
        )
        for v in o.violations[:5]:
            out(f"    {v}")
        if json_path is not None:
            _write_json(json_path, outcomes)  # a long run leaves what it has so far
    out(summary(outcomes))
    return outcomes


def summary(outcomes: Sequence[Outcome]) -> str:
    gaps = [o.gap_pct for o in outcomes if o.gap_pct is not None]
    feasible = sum(o.feasible for o in outcomes)
    worst = max(gaps) if gaps else math.nan
    avg = sum(gaps) / len(gaps) if gaps else math.nan
    feas_gaps = [o.gap_pct for o in outcomes if o.gap_pct is not None and o.feasible]
    avg_feas = sum(feas_gaps) / len(feas_gaps) if feas_gaps else math.nan
    return (
        f"average gap {avg:.2f} % over {len(gaps)} instances (worst {worst:.2f} %); "
        f"feasible {feasible}/{len(outcomes)}; average gap of the feasible ones {avg_feas:.2f} %; "
        f"total time {sum(o.seconds for o in outcomes):.0f} s"
    )


def _write_json(path: Path, outcomes: Sequence[Outcome]) -> None:
    write_atomic(path, (json.dumps([asdict(o) for o in outcomes], indent=1) + "\n").encode())
