"""What each stop needs and can have, and why a visit cannot be had: message, code, figures.

The codes are stable (a program may rely on them); the messages are for people.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from outreach_planner.optimize.facts import RotaFacts
from outreach_planner.optimize.problem import Missing, RotaProblem, RunSlot
from outreach_planner.optimize.schedule import time_run


def requirements(rota: RotaFacts) -> tuple[list[Missing], dict[int, int]]:
    """Visits each stop needs and can have; what can never be had, with the reason."""
    problem = rota.problem
    missing: list[Missing] = []
    wanted: dict[int, int] = {}
    for i, stop in enumerate(problem.stops):
        if stop.min_visits == 0:
            continue
        if i in rota.unreachable:
            missing.append(Missing(i, stop.min_visits, rota.unreachable[i], "unreachable"))
            continue
        if not rota.allowed[i]:
            missing.append(
                Missing(
                    i,
                    stop.min_visits,
                    "it is pinned to days on which no run is planned",
                    "pin_without_runs",
                )  # fmt: skip
            )
            continue
        if i not in rota.reachable:
            missing.append(Missing(i, stop.min_visits, *too_long_reason(rota, i)))
            continue
        most = most_visits([rota.runs[q] for q in rota.allowed[i]], problem.min_gap_days)
        if most < stop.min_visits:
            missing.append(
                Missing(
                    i,
                    stop.min_visits - most,
                    f"needs {stop.min_visits} visits at least {problem.min_gap_days} days "
                    f"apart, but the {len(rota.allowed[i])} runs it may join allow only {most}",
                    "too_few_runs",
                    (
                        ("visits", stop.min_visits),
                        ("gap_days", problem.min_gap_days),
                        ("runs", len(rota.allowed[i])),
                        ("most", most),
                    ),
                )  # fmt: skip
            )
        wanted[i] = min(stop.min_visits, most)
    return missing, wanted


def most_visits(runs: Sequence[RunSlot], gap: int) -> int:
    """How many visits of one stop the run dates allow with `gap` days between them."""
    count, last = 0, None
    for run in runs:
        if last is None or run.day - last >= max(gap, 1):
            count, last = count + 1, run.day
    return count


def too_long_reason(rota: RotaFacts, i: int) -> tuple[str, str, tuple[tuple[str, int], ...]]:
    """Why a visit alone does not fit a run: its message, code and figures."""
    problem = rota.problem
    shift = problem.runs[0].shift
    dwell = problem.stops[i].dwell_s
    trip = int(problem.travel_s[0, i + 1] + problem.travel_s[i + 1, 0])
    longest = max(shift.lunch_start_s - shift.start_s, shift.end_s - shift.lunch_end_s)
    if dwell > longest:
        return (
            f"its dwell ({dwell / 60:.0f} min) is longer than the longest working span "
            f"({longest / 60:.0f} min) between the start, lunch and the end of the day",
            "dwell_too_long",
            (("dwell_min", round(dwell / 60)), ("longest_min", round(longest / 60))),
        )
    window = problem.stops[i].window
    if window is not None:
        free = time_run([i + 1], dwell_s=rota.dwell, travel_s=problem.travel_s, shift=shift)
        if free is not None:  # it fits the day, not its broadcast times
            return (
                f"its broadcast times ({window[0] // 3600:02d}:{window[0] % 3600 // 60:02d}"
                f"-{window[1] // 3600:02d}:{window[1] % 3600 // 60:02d} with setup) leave no "
                f"room for its dwell ({dwell / 60:.0f} min) and the drive ({trip / 60:.0f} min "
                "there and back) in a working day",
                "window_too_narrow",
                (("dwell_min", round(dwell / 60)), ("trip_min", round(trip / 60)),
                 ("window_start_s", window[0]), ("window_end_s", window[1])),
            )  # fmt: skip
    return (
        f"the dwell ({dwell / 60:.0f} min) and the drive there and back ({trip / 60:.0f} min) "
        f"do not fit in one working day",
        "too_far",
        (("dwell_min", round(dwell / 60)), ("trip_min", round(trip / 60))),
    )


def capacity_reason(
    problem: RotaProblem, wanted: dict[int, int], dwell: tuple[int, ...]
) -> tuple[str, tuple[tuple[str, int], ...]]:
    t = problem.travel_s.astype(np.float64).copy()
    np.fill_diagonal(t, np.inf)
    # A lower bound on the time a visit costs: its dwell plus the shortest leg into it.
    need = sum(count * (dwell[i + 1] + float(t[:, i + 1].min())) for i, count in wanted.items())
    have = sum(run.shift.working_s for run in problem.runs)
    runs = len(problem.runs)
    if need > have:
        hours = max(1, round((need - have) / 3600))
        return (
            f"needs {hours} more hours than the {runs} runs have",
            (("hours", hours), ("runs", runs)),
        )
    return (
        "no run had time left for it beside the other required stops; "
        "add a week or a vehicle, or lower its minimum visits",
        (("hours", 0), ("runs", runs)),
    )


def all_missing(problem: RotaProblem, reason: str, code: str) -> tuple[Missing, ...]:
    return tuple(
        Missing(i, s.min_visits, reason, code) for i, s in enumerate(problem.stops) if s.min_visits
    )
