"""Periodic VRP instances in Cordeau's text format, and their best-known costs.

Format (one instance per file): line 1 `type m n t` (type 1 = PVRP, m vehicles
per day, n customers, t days); t lines `D Q` (route duration limit, 0 = none;
capacity); then a line per node `i x y d q f a c1 .. ca` with node 0 the depot
(d service duration, q demand, f visit frequency, a allowed combinations, each
a t-bit number whose leftmost bit is day 1). Distances are Euclidean and not
rounded; costs are total distance.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from outreach_planner.errors import InputError, Problem, ProblemCollector
from outreach_planner.optimize.periodic import PeriodicProblem

# Solver units per instance unit: distances round to the nearest 1/1000, durations
# round up, so a route within its limit in solver units is within it exactly too.
SCALE = 1000


@dataclass(frozen=True)
class PvrpInstance:
    """One instance; customers are numbered 1..n as in the file, node 0 is the depot."""

    name: str
    vehicles: int  # per day
    days: int
    max_duration: tuple[float, ...]  # per day; 0 means no limit
    capacity: tuple[int, ...]  # per day
    xy: tuple[tuple[float, float], ...]  # node 0 .. n
    service: tuple[float, ...]  # node 0 .. n
    demand: tuple[int, ...]  # node 0 .. n
    frequency: tuple[int, ...]  # node 0 .. n
    patterns: tuple[tuple[tuple[int, ...], ...], ...]  # node 0 .. n; 0-based days

    @property
    def customers(self) -> int:
        return len(self.xy) - 1


def decode_pattern(code: int, days: int) -> tuple[int, ...]:
    """Days (0-based) of a combination code: day 1 is the leftmost of `days` bits."""
    return tuple(d for d in range(days) if code >> (days - 1 - d) & 1)


def read_pvrp(path: Path) -> PvrpInstance:
    """Read one instance; every malformed line is reported at once."""
    errors = ProblemCollector(str(path))
    lines = [
        (k + 1, line.split())
        for k, line in enumerate(path.read_text(encoding="ascii").splitlines())
        if line.strip()
    ]
    if not lines:
        errors.add("", "", "", "a header 'type m n t'")
        errors.raise_if_any()
    try:
        kind, m, n, t = (int(x) for x in lines[0][1][:4])
    except ValueError:
        raise InputError(
            Problem(str(path), "line 1", "header", lines[0][1], "type m n t (integers)")
        ) from None
    if kind != 1:
        errors.add("line 1", "type", kind, "1 (PVRP)")
    errors.raise_if_any()
    limits: list[float] = []
    caps: list[int] = []
    for lineno, toks in lines[1 : 1 + t]:
        try:
            limits.append(float(toks[0]))
            caps.append(int(float(toks[1])))
        except (ValueError, IndexError):
            errors.add(f"line {lineno}", "D Q", " ".join(toks), "two numbers")
    nodes = lines[1 + t :]
    if len(nodes) < n + 1:
        errors.add("", "nodes", len(nodes), f"{n + 1} node lines (depot and {n} customers)")
    xy, service, demand, freq, pats = [], [], [], [], []
    for k, (lineno, toks) in enumerate(nodes[: n + 1]):
        try:
            if int(toks[0]) != k:
                errors.add(f"line {lineno}", "i", toks[0], f"node number {k}")
            x, y, d = float(toks[1]), float(toks[2]), float(toks[3])
            q, f, a = int(float(toks[4])), int(toks[5]), int(toks[6])
            codes = [int(c) for c in toks[7 : 7 + a]]
        except (ValueError, IndexError):
            errors.add(f"line {lineno}", "i x y d q f a list", " ".join(toks), "numbers")
            continue
        if len(codes) != a:
            errors.add(f"line {lineno}", "list", codes, f"{a} combinations")
        decoded = tuple(decode_pattern(c, t) for c in codes)
        sizes = {len(p) for p in decoded}
        if k > 0 and f == 0 and len(sizes) == 1 and 0 not in sizes:
            # p11's customer 131 says frequency 0 but lists one-day combinations, and its
            # published solution visits it once: the combinations win.
            f = sizes.pop()
        if k > 0:
            wrong = [c for c, p in zip(codes, decoded, strict=True) if len(p) != f]
            if wrong:
                errors.add(f"line {lineno}", "list", wrong, f"combinations of {f} days")
            if not decoded and f > 0:
                errors.add(f"line {lineno}", "a", a, "at least one combination")
        xy.append((x, y))
        service.append(d)
        demand.append(q)
        freq.append(f)
        pats.append(decoded if decoded else ((),))
    errors.raise_if_any()
    return PvrpInstance(
        name=path.name,
        vehicles=m,
        days=t,
        max_duration=tuple(limits),
        capacity=tuple(caps),
        xy=tuple(xy),
        service=tuple(service),
        demand=tuple(demand),
        frequency=tuple(freq),
        patterns=tuple(pats),
    )


def euclidean(xy: tuple[tuple[float, float], ...]) -> np.ndarray:
    a = np.asarray(xy, dtype=float)
    return np.sqrt(((a[:, None, :] - a[None, :, :]) ** 2).sum(axis=-1))


def to_problem(inst: PvrpInstance) -> PeriodicProblem:
    """The solver's integer problem (units of 1/SCALE)."""
    if len(set(inst.capacity)) > 1 or len(set(inst.max_duration)) > 1:
        limits = list(zip(inst.max_duration, inst.capacity, strict=True))
        raise InputError(
            Problem(inst.name, "day lines", "D Q", limits, "the same limits on every day")
        )
    real = euclidean(inst.xy)
    limit = inst.max_duration[0]
    return PeriodicProblem(
        distance=np.rint(real * SCALE).astype(np.int64),
        duration=np.ceil(real * SCALE - 1e-7).astype(np.int64),
        demand=inst.demand[1:],
        service=tuple(int(math.ceil(s * SCALE - 1e-7)) for s in inst.service[1:]),
        patterns=inst.patterns[1:],
        days=inst.days,
        vehicles=inst.vehicles,
        capacity=inst.capacity[0],
        max_duration=int(math.floor(limit * SCALE + 1e-7)) if limit > 0 else None,
    )


def read_bks(path: Path) -> dict[str, float]:
    """instance -> best-known distance from a CSV with columns instance, bks_distance."""
    errors = ProblemCollector(str(path))
    out: dict[str, float] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if not reader.fieldnames or not {"instance", "bks_distance"} <= set(reader.fieldnames):
            errors.add("row 1", "header", reader.fieldnames, "columns instance, bks_distance")
            errors.raise_if_any()
        for k, row in enumerate(reader, start=2):
            try:
                out[row["instance"].strip()] = float(row["bks_distance"])
            except (TypeError, ValueError):
                errors.add(f"row {k}", "bks_distance", row.get("bks_distance"), "a number")
    errors.raise_if_any()
    return out
