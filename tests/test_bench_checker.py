"""The independent checker accepts good solutions and rejects each kind of broken one."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from outreach_planner.bench import checker, pvrp, solomon

DATA = Path(__file__).parent / "data" / "bench"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "bench"

# Optimal solutions of the tiny instances (exhaustive search), in customer numbers.
PVRP_OPT = [[[1, 7, 5], [4]], [[1, 3], [2, 6]]]
VRPTW_OPT = [[1, 2, 3], [4, 5, 6], [7, 8]]


@pytest.fixture(scope="module")
def small2day() -> pvrp.PvrpInstance:
    """7 customers over 2 days, 2 vehicles a day, duration limit 40, capacity 20."""
    return pvrp.read_pvrp(DATA / "pvrp" / "small2day")


@pytest.fixture(scope="module")
def small8() -> solomon.VrptwInstance:
    """8 customers with two tight windows, 3 vehicles of capacity 30."""
    return solomon.read_vrplib(DATA / "solomon" / "Small8.vrp")


def test_pvrp_optimum_is_feasible_at_its_cost(small2day):
    verdict = checker.check_pvrp(small2day, PVRP_OPT)
    assert verdict.feasible, verdict.violations
    assert verdict.cost == pytest.approx(112.3272, abs=1e-3)


@pytest.mark.parametrize(
    "routes, expected",
    [
        # customer 4 left out
        ([[[1, 7, 5]], [[1, 3], [2, 6]]], "customer 4: 0 visits"),
        # 5 + 8 + 8 = 21 > capacity 20 (duration kept: the points are close)
        ([[[1, 7, 5], [4]], [[1, 3, 4], [2, 6]]], "capacity"),
        # customer 5 may come on day 1 only
        ([[[1, 7], [4]], [[1, 3, 5], [2, 6]]], "customer 5: days (2,) not an allowed"),
        # customer 1 needs both days
        ([[[7, 5], [4]], [[1, 3], [2, 6]]], "customer 1: 1 visits, needs 2"),
        # one route through everything on day 1 runs past the limit of 40
        ([[[1, 7, 5, 3, 2, 4]], [[1], [6]]], "duration"),
        # three routes on a day of two vehicles
        ([[[1, 7, 5], [4], [3]], [[1], [2, 6]]], "3 routes, only 2 vehicles"),
        # customer 2 twice on day 2
        ([[[1, 7, 5], [4]], [[1, 3, 2], [2, 6]]], "visited twice on one day"),
        # an unknown customer number
        ([[[1, 7, 5], [4, 9]], [[1, 3], [2, 6]]], "unknown customers"),
    ],
)
def test_pvrp_broken_solutions_rejected(small2day, routes, expected):
    verdict = checker.check_pvrp(small2day, routes)
    assert not verdict.feasible
    assert any(expected in v for v in verdict.violations), verdict.violations


def test_vrptw_optimum_is_feasible_at_its_cost(small8):
    verdict = checker.check_vrptw(small8, VRPTW_OPT)
    assert verdict.feasible, verdict.violations
    assert verdict.cost == pytest.approx(160.7)


@pytest.mark.parametrize(
    "routes, expected",
    [
        # customer 8 left out
        ([[1, 2, 3], [4, 5, 6], [7]], "customer 8: visited 0 times"),
        # customer 3 (window 20-60) reached too late at the end of a long route
        ([[1, 2, 8, 7, 3], [4, 5, 6]], "customer 3 reached"),
        # customer 6 (window 100-140) after a detour through 2, 3 and 8: 143.2
        ([[1, 4, 5], [2, 3, 8, 6], [7]], "customer 6 reached at 143.2"),
        # 10 + 8 + 6 + 10 = 34 > 30
        ([[1, 2, 3, 4], [5, 6], [7, 8]], "load 34 > capacity 30"),
        # four routes, three vehicles
        ([[1, 2, 3], [4, 5], [6], [7, 8]], "4 routes, only 3 vehicles"),
        # customer 2 twice
        ([[1, 2, 3], [4, 5, 6, 2], [7, 8]], "customer 2: visited 2 times"),
    ],
)
def test_vrptw_broken_solutions_rejected(small8, routes, expected):
    verdict = checker.check_vrptw(small8, routes)
    assert not verdict.feasible
    assert any(expected in v for v in verdict.violations), verdict.violations


def test_vrptw_late_return_rejected(tmp_path):
    text = (DATA / "solomon" / "Small8.vrp").read_text().replace("1 0 300", "1 0 60", 1)
    path = tmp_path / "late.vrp"
    path.write_text(text)
    verdict = checker.check_vrptw(solomon.read_vrplib(path), VRPTW_OPT)
    assert any("depot closes 60" in v for v in verdict.violations)


def _read_res(path: Path, days: int, vehicles: int) -> tuple[float, list]:
    lines = [ln.split() for ln in path.read_text().splitlines() if ln.strip()]
    routes: list[list[list[int]]] = [[[] for _ in range(vehicles)] for _ in range(days)]
    for toks in lines[1:]:
        day, vehicle = int(toks[0]), int(toks[1])
        routes[day - 1][vehicle - 1] = [int(c) for c in toks[4:] if c != "0"]
    return float(lines[0][0]), routes


@pytest.mark.skipif(not (SHARED / "pvrp" / "solutions").is_dir(), reason="no shared/bench")
def test_published_pvrp_solutions_pass_at_their_cost():
    """Every published solution is feasible here and costs what its file says."""
    for res in sorted((SHARED / "pvrp" / "solutions").glob("*.res")):
        inst = pvrp.read_pvrp(SHARED / "pvrp" / res.stem)
        stated, routes = _read_res(res, inst.days, inst.vehicles)
        verdict = checker.check_pvrp(inst, routes)
        violations = list(verdict.violations)
        if res.stem == "p01":
            # p01's customer 51 sits on the depot with a full load; the published solution
            # leaves it out (it costs no distance either way).
            violations.remove("customer 51: 0 visits, needs 1")
        assert not violations, (res.stem, violations[:3])
        assert math.isclose(verdict.cost, stated, abs_tol=0.01 * len(routes) + 0.02), res.stem


@pytest.mark.skipif(not (SHARED / "solomon").is_dir(), reason="no shared/bench")
@pytest.mark.parametrize("name", ["C101", "R101", "RC208"])
def test_published_solomon_solutions_pass_at_their_cost(name):
    inst = solomon.read_vrplib(SHARED / "solomon" / f"{name}.vrp")
    sol = (SHARED / "solomon" / f"{name}.sol").read_text().splitlines()
    routes = [[int(c) for c in ln.split(":")[1].split()] for ln in sol if ln.startswith("Route")]
    verdict = checker.check_vrptw(inst, routes)
    assert verdict.feasible, verdict.violations[:3]
    assert verdict.cost == pytest.approx(solomon.read_sol_cost(SHARED / "solomon" / f"{name}.sol"))
