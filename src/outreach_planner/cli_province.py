"""The `province` commands: plan every team of a province, make a synthetic province.

outreach-planner province plan --settings province.toml [--out DIR] [--jobs N]
                               [--backend process|dask] [--scheduler ADDRESS]
outreach-planner province make DIR --villages N --teams K [--province NAME] [--seed S]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

from outreach_planner.errors import InputError, Problem
from outreach_planner.parse import parse_date

_WORDS = {
    "vi": {
        "team": "đội", "villages": "thôn", "stops": "điểm", "visits": "lượt ghé",
        "people": "lượt người nghe", "per_hour": "người/giờ công", "unassigned": "chưa xếp",
        "total": "Toàn tỉnh", "wrote": "đã ghi", "open": "mở",
        "title": "Kế hoạch các đội thông tin lưu động của tỉnh",
    },
    "en": {
        "team": "teams", "villages": "villages", "stops": "stops", "visits": "visits",
        "people": "people reached", "per_hour": "people/team-hour", "unassigned": "unassigned",
        "total": "Province", "wrote": "wrote", "open": "open",
        "title": "The province's mobile information teams",
    },
}  # fmt: skip


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Register `province plan` and `province make` on the main parser."""
    province = sub.add_parser("province", help="plan every team of a province at once")
    psub = province.add_subparsers(dest="province_command", required=True)
    plan = psub.add_parser(
        "plan",
        help="plan every team of a province settings file ([[teams]]) in parallel",
        description="Split the villages between the teams, then plan each team in its own "
        "folder (OUT/TEAM/), in parallel; OUT/index.html shows every team.",
    )
    plan.add_argument("--settings", type=Path, required=True, help="province settings TOML")
    plan.add_argument("--out", type=Path, default=Path("province"), help="output folder")
    plan.add_argument(
        "--jobs",
        metavar="N",
        default=str(os.cpu_count() or 1),
        help="teams planned at once (default: the number of cores)",
    )
    plan.add_argument("--backend", default="process", help="process (default) or dask")
    plan.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="a Dask scheduler (tcp://host:8786); default: a local cluster",
    )
    plan.add_argument("--today", metavar="YYYY-MM-DD", help="plan as if today were this date")
    plan.add_argument("--fresh", action="store_true", help="ignore the teams' previous plans")
    plan.add_argument("--lang", choices=tuple(_WORDS), default="vi")
    plan.add_argument("--quiet", action="store_true", help="print only the totals")
    plan.set_defaults(handler=_plan)
    make = psub.add_parser(
        "make",
        help="write a SYNTHETIC province (real commune centres and areas) to test on",
    )
    make.add_argument("dir", type=Path)
    make.add_argument("--villages", metavar="N", type=int, default=1000)
    make.add_argument("--teams", metavar="K", type=int, default=6)
    make.add_argument("--province", default="Lâm Đồng", help="a 2025 province (Lâm Đồng)")
    make.add_argument("--weeks", metavar="W", type=int, default=4)
    make.add_argument("--seed", type=int, default=0)
    make.set_defaults(handler=_make)


def run_province(
    settings: Path,
    out: Path,
    *,
    jobs: int,
    backend: str,
    scheduler: str | None,
    today: dt.date | None,
    fresh: bool,
    lang: str,
    say=print,  # type: ignore[no-untyped-def]
) -> list:
    """Prepare, plan and index a province; returns the teams' results."""
    from outreach_planner.io.output_set import replace_together
    from outreach_planner.labels import Labels
    from outreach_planner.province import (
        TeamJob,
        plan_teams,
        prepare_teams,
        province_json,
        province_summary_csv,
        totals,
    )
    from outreach_planner.render.province_map import render_province_map

    w, labels = _WORDS[lang], Labels(lang)
    made = prepare_teams(settings, out)
    iso = today.isoformat() if today else None
    work = [TeamJob(team.name, str(home), iso, lang, fresh) for team, home in made]

    def done(r) -> None:  # type: ignore[no-untyped-def]
        say(
            f"  {r.name}: {labels.count(r.villages)} {w['villages']}, "
            f"{labels.count(r.stops)} {w['stops']}, {labels.count(r.visits)} {w['visits']}, "
            f"{labels.count(round(r.people_per_duty_hour))} {w['per_hour']}, "
            f"{r.unassigned} {w['unassigned']} ({labels.number(r.seconds)} s)"
        )

    results = plan_teams(work, workers=jobs, backend=backend, scheduler=scheduler, on_done=done)
    t = totals(results)
    line = (
        f"{w['total']}: {t['teams']} {w['team']}, {labels.count(int(t['villages']))} "
        f"{w['villages']}, {labels.count(int(t['visits']))} {w['visits']}, "
        f"{labels.count(int(t['people_reached']))} {w['people']}, "
        f"{labels.count(round(t['people_per_duty_hour']))} {w['per_hour']}, "
        f"{labels.count(int(t['unassigned']))} {w['unassigned']}"
    )
    # The notice names what is estimated in any team (all teams share the province's files).
    parts = tuple(dict.fromkeys(p for r in results for p in r.estimated))
    notice = labels.estimated(parts)
    depots = {team.name: team.depot for team, _ in made}
    index = render_province_map(
        [(r.name, Path(r.folder).name, depots[r.name], r.stop_points) for r in results],
        title=w["title"],
        lines=[line, notice] if notice else [line],
        labels=labels,
    )
    replace_together(
        out,
        {
            "summary.csv": province_summary_csv(results),
            "province.json": province_json(results),
            "index.html": index,
        },
    )
    say(line)
    if notice:
        say(notice)
    say(f"{w['wrote']} {out}/ ({w['open']} {out / 'index.html'})")
    return results


def _plan(args: argparse.Namespace) -> int:
    try:
        jobs = int(args.jobs)
        if jobs < 1:
            raise ValueError
    except ValueError:
        raise InputError(
            Problem("command line", "", "--jobs", args.jobs, "a whole number >= 1")
        ) from None
    today = None
    if args.today is not None:
        today = parse_date(args.today)
        if today is None:
            raise InputError(
                Problem("command line", "", "--today", args.today, "a date YYYY-MM-DD")
            )
    began = time.perf_counter()
    say = (lambda _text: None) if args.quiet else print
    run_province(
        args.settings,
        args.out,
        jobs=jobs,
        backend=args.backend,
        scheduler=args.scheduler,
        today=today,
        fresh=args.fresh,
        lang=args.lang,
        say=say,
    )
    print(f"{time.perf_counter() - began:.1f} s", file=sys.stderr)
    return 0


def _make(args: argparse.Namespace) -> int:
    from outreach_planner.synth import make_province

    for name, value, low in (("--villages", args.villages, 1), ("--teams", args.teams, 1)):
        if value < low:
            raise InputError(Problem("command line", "", name, value, f"a whole number >= {low}"))
    path = make_province(
        args.dir,
        villages=args.villages,
        teams=args.teams,
        province=args.province,
        seed=args.seed,
        weeks=args.weeks,
    )
    print(
        f"wrote a SYNTHETIC province to {args.dir}/; plan it with: "
        f"outreach-planner province plan --settings {path} --out {args.dir / 'plan'}"
    )
    return 0
