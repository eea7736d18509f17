"""Locked visits: the `locked` column, `stops lock/unlock`, and plans that keep them."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from outreach_planner.cli import main
from outreach_planner.errors import InputError
from outreach_planner.io.plan_json import SavedPlan, SavedRun, SavedVisit, read_plan_json
from outreach_planner.outputs import write_outputs
from outreach_planner.planner import load_inputs, make_plan
from outreach_planner.settings import load_settings

TINY = Path(__file__).parent / "data" / "tiny"


@pytest.fixture
def stops_csv(tmp_path: Path) -> Path:
    path = tmp_path / "stops.csv"
    assert _stops(path, "init") == 0
    return path


def _stops(path: Path, *args: str) -> int:
    command, *rest = args
    return main(["stops", command, *rest, "--file", str(path),
                 "--settings", str(TINY / "settings.toml")])  # fmt: skip


def _cell(path: Path, stop_id: str, column: str) -> str:
    import csv
    import io

    text = path.read_bytes().decode("utf-8-sig")
    return next(r for r in csv.DictReader(io.StringIO(text)) if r["id"] == stop_id)[column]


def _visits(plan) -> set[tuple[dt.date, int, str]]:
    return {(r.date, r.vehicle, v.stop.id) for r in plan.runs for v in r.visits}


def _plan(stops_csv: Path, previous: SavedPlan | None = None):
    settings = load_settings(TINY / "settings.toml").replace(stops=stops_csv)
    return make_plan(settings, load_inputs(settings), previous=previous)


def test_lock_and_unlock_write_the_locked_column(stops_csv: Path, capsys) -> None:
    assert _stops(stops_csv, "lock", "S-A-3", "--date", "2026-12-08") == 0
    assert _stops(stops_csv, "lock", "S-A-3", "--date", "2026-12-11") == 0
    assert _cell(stops_csv, "S-A-3", "locked") == "2026-12-08;2026-12-11"
    assert "[khoá 2026-12-08,2026-12-11]" in capsys.readouterr().out
    assert _stops(stops_csv, "unlock", "S-A-3", "--date", "2026-12-08") == 0
    assert _cell(stops_csv, "S-A-3", "locked") == "2026-12-11"
    assert _stops(stops_csv, "unlock", "S-A-3") == 0
    assert _cell(stops_csv, "S-A-3", "locked") == ""


@pytest.mark.parametrize(
    "args, field",
    [
        (("--date", "2026-12-07"), "date"),  # a Monday: the tiny data runs Tuesday and Friday
        (("--date", "2026-12-08", "--vehicle", "2"), "vehicle"),  # one vehicle
        (("--date", "8/12"), "--date"),
        (("--date", "2026-12-08", "--vehicle", "x"), "--vehicle"),
    ],
)
def test_impossible_locks_are_refused_in_one_line(stops_csv: Path, capsys, args, field) -> None:
    before = stops_csv.read_bytes()
    assert _stops(stops_csv, "lock", "S-A-3", *args) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and f"'{field}'" in err[0]
    assert stops_csv.read_bytes() == before


def test_a_bad_locked_cell_is_reported_with_its_row(stops_csv: Path) -> None:
    lines = stops_csv.read_bytes().decode("utf-8-sig").split("\r\n")
    lines = [line + "tomorrow" if line.startswith("S-A-3,") else line for line in lines]
    stops_csv.write_bytes(("\ufeff" + "\r\n".join(lines)).encode())
    with pytest.raises(InputError) as exc:
        _plan(stops_csv)
    assert [(p.field, p.value) for p in exc.value.problems] == [("locked", "tomorrow")]


def test_a_fresh_plan_keeps_a_locked_visit_where_it_was_locked(stops_csv: Path) -> None:
    free = _plan(stops_csv)
    # A stop and a run the unlocked plan does not pair.
    stop, run = next(
        (s, r) for r in free.runs for s in ("S-A-1", "S-A-3", "S-A-4", "S-B-1", "S-B-2")
        if (r.date, r.vehicle, s) not in _visits(free)
    )  # fmt: skip
    assert _stops(stops_csv, "lock", stop, "--date", run.date.isoformat()) == 0
    locked = _plan(stops_csv)
    assert (run.date, run.vehicle, stop) in _visits(locked)
    # The lock holds against the stop's own minimum gap too: it is the planner's choice.
    others = [r.date for r in locked.runs for v in r.visits if v.stop.id == stop]
    assert run.date in others


def test_a_replan_keeps_a_locked_run_in_its_order(stops_csv: Path, tmp_path: Path) -> None:
    first = _plan(stops_csv)
    write_outputs(first, tmp_path / "maps")
    previous = read_plan_json(tmp_path / "maps" / "plan.json")
    run = next(r for r in first.runs if len(r.visits) >= 2)
    order = tuple(reversed([v.stop.id for v in run.visits]))
    # The planner dragged the run into the reverse order and kept it: its visits are locked.
    for sid in order:
        assert _stops(stops_csv, "lock", sid, "--date", run.date.isoformat()) == 0
    edited = dataclasses.replace(
        previous,
        runs=tuple(
            SavedRun(r.id, r.date, r.vehicle, tuple(SavedVisit(sid, None) for sid in order))
            if (r.date, r.vehicle) == (run.date, run.vehicle)
            else r
            for r in previous.runs
        ),
    )  # fmt: skip
    again = _plan(stops_csv, edited)
    kept = next(r for r in again.runs if (r.date, r.vehicle) == (run.date, run.vehicle))
    assert tuple(v.stop.id for v in kept.visits) == order
    # Unlocked, the same re-plan may reorder; locked, a disabled stop stays too (the planner
    # fixed that run by hand), and nothing else is added to it.
    assert _stops(stops_csv, "disable", order[0]) == 0
    again = _plan(stops_csv, edited)
    kept = next(r for r in again.runs if (r.date, r.vehicle) == (run.date, run.vehicle))
    assert tuple(v.stop.id for v in kept.visits) == order


def test_a_locked_visit_that_cannot_fit_is_bad_input(stops_csv: Path) -> None:
    # Every stop locked to one run, each with a long extra dwell: they cannot all fit.
    for sid in ("S-A-1", "S-A-3", "S-A-4", "S-B-1", "S-B-2"):
        assert _stops(stops_csv, "set", sid, "extra_dwell_min", "150") == 0
        assert _stops(stops_csv, "lock", sid, "--date", "2026-12-08") == 0
    with pytest.raises(InputError) as exc:
        _plan(stops_csv)
    assert exc.value.problems[0].field == "locked"
    assert "fits" in exc.value.problems[0].expected


def test_a_locked_visit_pushes_unlocked_visits_out_of_a_full_run() -> None:
    """The planner's lock wins over the optimizer's extras: a full run drops an unlocked
    visit (the one freeing most time) to hold it; locked visits are never dropped."""
    from outreach_planner.domain import Stop
    from outreach_planner.geo import LonLat
    from outreach_planner.locks import apply_locks
    from outreach_planner.optimize.problem import PreviousRoutes, RunSlot, Shift

    day = dt.date(2026, 12, 8)
    shift = Shift(0, 100, 100, 200)
    runs = (RunSlot(day, 0, 1, shift), RunSlot(day + dt.timedelta(days=3), 3, 1, shift))
    cost = {0: 40, 1: 70, 2: 40, 3: 10}

    def stop(i: int, locked: bool = False) -> Stop:
        return Stop(id=f"S{i}", name=f"S{i}", position=LonLat(107.6, 12.2), villages=(),
                    people_override=1, locked=((day, 1),) if locked else ())  # fmt: skip

    def duration(route: list[int]) -> int | None:
        total = sum(cost[i] for i in route)
        return total if total <= 100 else None

    stops = [stop(0, locked=True), stop(1), stop(2, locked=True), stop(3)]
    previous = PreviousRoutes(((0, 1), (3,)))
    mapped = apply_locks(runs, stops, previous, duration)
    assert mapped is not None
    assert sorted(mapped.routes[0]) == [0, 2]  # S1 (70) went, both locked visits stay
    assert mapped.routes[1] == (3,) and mapped.frozen == frozenset({0})
    # Locked visits that cannot fit even alone together: bad input, as before.
    cost[0] = cost[2] = 60
    with pytest.raises(InputError):
        apply_locks(runs, stops, previous, duration)
