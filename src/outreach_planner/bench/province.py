"""A synthetic province planned end to end: time, memory, and people per team-hour.

`measure` makes a province with `synth.make_province`, plans every team as
`province plan` does (all outputs written), then plans each team again with the
least-recently-visited baseline of `bench.daksong` on the same stops, runs and
travel times. `scaling` repeats it at several sizes with the same villages per team.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from outreach_planner.province import TeamResult


@dataclass(frozen=True)
class ProvinceScore:
    villages: int
    teams: int
    seconds: float
    peak_rss_mib: float
    ours: float  # people per team-hour over all teams
    baseline: float
    worst_team_ratio: float  # the lowest ours / baseline of any team
    unassigned: int


def measure(
    villages: int,
    teams: int,
    *,
    work: Path,
    jobs: int,
    weeks: int = 4,
    seed: int = 0,
    out: Callable[[str], None] = print,
) -> ProvinceScore:
    from outreach_planner.cli_province import run_province
    from outreach_planner.synth import make_province

    settings = make_province(work, villages=villages, teams=teams, weeks=weeks, seed=seed)
    began = time.perf_counter()
    results = run_province(
        settings,
        work / "plan",
        jobs=jobs,
        backend="process",
        scheduler=None,
        today=dt.date(2026, 12, 1),
        fresh=True,
        lang="en",
        say=lambda _line: None,
    )
    seconds = time.perf_counter() - began
    ours_people = sum(r.people_reached for r in results)
    ours_hours = sum(r.duty_h for r in results)
    base_people = base_hours = 0.0
    worst = float("inf")
    out(f"{villages} villages, {len(results)} teams, {weeks} weeks, {jobs} jobs: {seconds:.1f} s")
    out(
        f"  {'team':<34} {'villages':>8} {'stops':>6} {'ours/h':>8} {'base/h':>8} {'ratio':>6} "
        f"{'s':>6} {'MiB':>6}"
    )
    for r in results:
        base = _baseline(r)
        base_people += base.people
        base_hours += base.duty_s / 3600
        ratio = r.people_per_duty_hour / base.people_per_hour if base.people_per_hour else 0.0
        worst = min(worst, ratio)
        out(
            f"  {r.name[:34]:<34} {r.villages:>8} {r.stops:>6} {r.people_per_duty_hour:>8.0f} "
            f"{base.people_per_hour:>8.0f} {ratio:>6.2f} {r.seconds:>6.1f} {r.peak_rss_mib:>6.0f}"
        )
    ours = ours_people / ours_hours if ours_hours else 0.0
    baseline = base_people / base_hours if base_hours else 0.0
    score = ProvinceScore(
        villages,
        len(results),
        round(seconds, 1),
        round(_peak_rss_mib(results), 1),
        round(ours, 1),
        round(baseline, 1),
        round(worst, 3),
        sum(r.unassigned for r in results),
    )
    out(
        f"  all teams: {ours:.0f} people/team-hour against {baseline:.0f} for the baseline "
        f"({ours / baseline if baseline else 0:.2f}x; worst team {worst:.2f}x); peak memory "
        f"{score.peak_rss_mib:.0f} MiB (largest process)"
    )
    return score


def scaling(
    sizes: Sequence[int],
    *,
    villages_per_team: float,
    work: Path,
    jobs: int,
    weeks: int,
    seed: int,
    out: Callable[[str], None] = print,
) -> list[ProvinceScore]:
    """The same province model at several sizes, teams growing with the villages."""
    scores = []
    for n in sizes:
        teams = max(1, round(n / villages_per_team))
        scores.append(
            measure(n, teams, work=work / f"v{n}", jobs=jobs, weeks=weeks, seed=seed, out=out)
        )
    out(f"{'villages':>8} {'teams':>6} {'seconds':>8} {'s/team':>7} {'MiB':>6} {'ratio':>6}")
    for s in scores:
        ratio = s.ours / s.baseline if s.baseline else 0.0
        out(
            f"{s.villages:>8} {s.teams:>6} {s.seconds:>8.1f} {s.seconds / s.teams:>7.1f} "
            f"{s.peak_rss_mib:>6.0f} {ratio:>6.2f}"
        )
    return scores


def _baseline(result: TeamResult):  # type: ignore[no-untyped-def]
    from outreach_planner.api import load_district
    from outreach_planner.bench.daksong import baseline

    folder = Path(result.folder)
    district = load_district(folder / "settings.toml", folder=folder)
    settings = district.settings
    return baseline(settings, district.inputs.stops, settings.start_date(dt.date(2026, 12, 1)))


def _peak_rss_mib(results: Sequence[TeamResult]) -> float:
    """The largest peak of this process, its finished workers and what the workers said."""
    try:
        import resource
    except ImportError:  # Windows: only what the workers measured
        return max((r.peak_rss_mib for r in results), default=0.0)
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / scale
    return max(own, children, *(r.peak_rss_mib for r in results))
