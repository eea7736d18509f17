"""VRPTW instances in VRPLIB format (Solomon, Gehring-Homberger) and their `.sol` files.

DIMACS convention: Euclidean distances and travel times truncated to one
decimal; the cost is total distance. The solver works in tenths, so every
distance, duration, service time and window is an exact integer there.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from outreach_planner.errors import InputError, Problem, ProblemCollector
from outreach_planner.optimize.vrp import VrpProblem

SCALE = 10  # tenths


@dataclass(frozen=True)
class VrptwInstance:
    """Node 0 is the depot, nodes 1..n the customers (VRPLIB's nodes 2..n+1)."""

    name: str
    vehicles: int
    capacity: int
    xy: tuple[tuple[float, float], ...]
    demand: tuple[int, ...]
    service: tuple[float, ...]
    windows: tuple[tuple[float, float], ...]

    @property
    def customers(self) -> int:
        return len(self.xy) - 1


def truncated_tenths(dx: float, dy: float) -> int:
    """floor(10 * Euclidean distance), exactly for integer coordinates."""
    if float(dx).is_integer() and float(dy).is_integer():
        return math.isqrt(100 * (int(dx) ** 2 + int(dy) ** 2))
    return math.floor(10 * math.hypot(dx, dy) + 1e-9)


def read_vrplib(path: Path) -> VrptwInstance:
    """Read a VRPLIB CVRPTW file; every malformed entry is reported at once."""
    errors = ProblemCollector(str(path))
    header: dict[str, str] = {}
    sections: dict[str, list[tuple[int, list[str]]]] = {}
    current: str | None = None
    for lineno, raw in enumerate(path.read_text(encoding="ascii").splitlines(), start=1):
        line = raw.strip()
        if not line or line == "EOF":
            continue
        if line.endswith("_SECTION"):
            current = line
            sections[current] = []
        elif ":" in line and current is None:
            key, value = line.split(":", 1)
            header[key.strip().upper()] = value.strip()
        elif current is not None:
            sections[current].append((lineno, line.split()))
    n = int(header.get("DIMENSION", "0"))
    if header.get("EDGE_WEIGHT_TYPE", "EUC_2D") != "EUC_2D":
        errors.add("header", "EDGE_WEIGHT_TYPE", header["EDGE_WEIGHT_TYPE"], "EUC_2D")
    for name in ("NODE_COORD_SECTION", "DEMAND_SECTION", "TIME_WINDOW_SECTION"):
        if len(sections.get(name, [])) != n:
            errors.add(name, "", len(sections.get(name, [])), f"{n} rows (DIMENSION)")
    errors.raise_if_any()

    def column(name: str, width: int) -> list[list[float]]:
        rows = []
        for lineno, toks in sections[name]:
            try:
                rows.append([float(x) for x in toks[1 : 1 + width]])
                if len(rows[-1]) != width:
                    raise ValueError
            except ValueError:
                errors.add(f"line {lineno}", name, " ".join(toks), f"id and {width} numbers")
                rows.append([0.0] * width)
        return rows

    coords = column("NODE_COORD_SECTION", 2)
    demand = column("DEMAND_SECTION", 1)
    windows = column("TIME_WINDOW_SECTION", 2)
    if "SERVICE_TIME_SECTION" in sections:
        service = [r[0] for r in column("SERVICE_TIME_SECTION", 1)]
    else:
        service = [float(header.get("SERVICE_TIME", "0"))] * n
        service[0] = 0.0
    depots = [int(t[0]) for _, t in sections.get("DEPOT_SECTION", []) if int(t[0]) > 0]
    if depots not in ([], [1]):
        errors.add("DEPOT_SECTION", "", depots, "one depot, node 1")
    errors.raise_if_any()
    return VrptwInstance(
        name=path.stem,
        vehicles=int(header.get("VEHICLES", str(n - 1))),
        capacity=int(float(header["CAPACITY"])),
        xy=tuple((x, y) for x, y in coords),
        demand=tuple(int(d[0]) for d in demand),
        service=tuple(service),
        windows=tuple((lo, hi) for lo, hi in windows),
    )


def read_sol_cost(path: Path) -> float:
    """The `Cost` line of a VRPLIB solution file."""
    match = re.search(r"^\s*Cost\s+([0-9.eE+-]+)", path.read_text(encoding="ascii"), re.M)
    if not match:
        raise InputError(Problem(str(path), "", "Cost", None, "a line 'Cost <number>'"))
    return float(match.group(1))


def to_problem(inst: VrptwInstance) -> VrpProblem:
    """The solver's integer problem, in tenths."""
    n = len(inst.xy)
    mat = np.zeros((n, n), dtype=np.int64)
    for i, (xi, yi) in enumerate(inst.xy):
        for j, (xj, yj) in enumerate(inst.xy):
            if i != j:
                mat[i, j] = truncated_tenths(xi - xj, yi - yj)
    tenths = [int(round(SCALE * s)) for s in inst.service]
    win = [(int(round(SCALE * lo)), int(round(SCALE * hi))) for lo, hi in inst.windows]
    return VrpProblem(
        distance=mat,
        duration=mat,
        demand=inst.demand[1:],
        service=tuple(tenths[1:]),
        capacity=inst.capacity,
        vehicles=inst.vehicles,
        time_windows=tuple(win[1:]),
        shifts=(win[0],) * inst.vehicles,
    )
