"""The `stops` and `diff` commands: parse, call stop_edits / plan_diff, print."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from outreach_planner.errors import InputError, Problem
from outreach_planner.io.stops_csv import format_locks
from outreach_planner.labels import LANGS, Labels
from outreach_planner.parse import WEEKDAYS, parse_date, parse_lonlat, parse_weekdays
from outreach_planner.settings import Settings, resolve_settings


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Register `stops ...` and `diff` on the main parser."""
    stops = sub.add_parser("stops", help="make and edit the stop list (stops.csv)")
    ssub = stops.add_subparsers(dest="stops_command", required=True)

    def command(name: str, help_text: str, handler) -> argparse.ArgumentParser:
        p = ssub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("--file", type=Path, default=Path("stops.csv"), help="stop list (stops.csv)")
        p.add_argument("--settings", type=Path, help="settings (./settings.toml)")
        p.add_argument("--villages", type=Path, help="villages GeoJSON")
        p.add_argument("--communes", type=Path, help="commune polygons GeoJSON")
        p.add_argument("--lang", choices=LANGS, help="vi (default) or en (setting: lang)")
        p.set_defaults(handler=handler)
        return p

    p = command("init", "write the stops made from the villages to an editable CSV", _init)
    p.add_argument("--force", action="store_true", help="replace an existing file")
    command("list", "show the stop list", _list)
    p = command("add", "add a stop at coordinates or at a named place", _add)
    p.add_argument("--at", metavar="LON,LAT", help="position")
    p.add_argument("--place", metavar="NAME", help="a village or landmark name")
    p.add_argument("--name", help="the stop's name")
    p.add_argument("--villages-in", metavar="ID;ID", default="", help="village ids it serves")
    p.add_argument("--people", metavar="N", help="people it reaches (a stop without villages)")
    p.add_argument("--online", action="store_true", help="ask an online geocoder if needed")
    p.add_argument(
        "--force", action="store_true", help="add even where a stop is (people count twice)"
    )
    for name, help_text, handler in (
        ("remove", "delete a stop (its villages are no longer served)", _remove),
        ("split", "one stop per village of a stop", _split),
    ):
        command(name, help_text, handler).add_argument("id")
    for name, help_text, enabled in (
        ("disable", "keep a stop in the list but plan no visit to it", False),
        ("enable", "plan visits to a disabled stop again", True),
    ):
        p = command(name, help_text, _set_enabled)
        p.add_argument("id")
        p.set_defaults(enabled=enabled)
    p = command("pin", "visit a stop only on a weekday or on dates", _pin)
    p.add_argument("id")
    p.add_argument(
        "--weekday", action="append", default=[], help='friday, "thứ sáu" or T6 (repeatable)'
    )
    p.add_argument(
        "--date", action="append", default=[], help="DD/MM/YYYY or YYYY-MM-DD (repeatable)"
    )
    p = command("set", "set one field of a stop", _set)
    p.add_argument("id")
    p.add_argument("field")
    p.add_argument("value")
    p = command("lock", "keep a visit of a stop on a run in every re-plan", _lock)
    p.add_argument("id")
    p.add_argument("--date", required=True, help="the run's date YYYY-MM-DD")
    p.add_argument("--vehicle", default="1", help="the run's vehicle (default 1)")
    p = command("unlock", "let re-plans move a locked visit again", _unlock)
    p.add_argument("id")
    p.add_argument("--date", help="only the lock of this date (default: every lock)")
    p.add_argument("--vehicle", help="only the lock of this vehicle")
    p = command("merge", "one stop for the villages of two", _merge)
    p.add_argument("id")
    p.add_argument("other")

    d = sub.add_parser("diff", help="what changed between two plan.json files")
    d.add_argument("old", type=Path)
    d.add_argument("new", type=Path)
    d.add_argument("--lang", choices=LANGS, help="vi (default) or en")
    d.set_defaults(handler=_diff)


def _settings(args: argparse.Namespace) -> Settings:
    # One reading of the options for every command; cli imports this module first.
    from outreach_planner.cli import settings_from_args

    return settings_from_args(args)


def _list_of(args: argparse.Namespace):
    from outreach_planner.stop_edits import StopList

    return StopList(_settings(args), args.file)


def _labels(args: argparse.Namespace) -> Labels:
    return Labels(_settings(args).lang)


def _show(stop, lb: Labels) -> str:
    pins = ",".join(WEEKDAYS[d] for d in stop.pin_weekdays)
    pins += ("," if pins and stop.pin_dates else "") + ",".join(str(d) for d in stop.pin_dates)
    flags = ("" if stop.enabled else f" [{lb['l_disabled']}]") + (
        f" [{lb['l_pinned']} {pins}]" if pins else ""
    )
    if stop.locked:
        flags += f" [{lb['l_locked']} " + ",".join(format_locks(stop.locked).split(";")) + "]"
    return (
        f"{stop.id:<16} {lb.count(stop.population):>6} {lb['l_people']}  "
        f"{lb['l_min']} {stop.min_visits}  {lb['l_priority']} {stop.priority:g}  "
        f"{stop.name}{flags}"
    )


def _init(args: argparse.Namespace) -> int:
    from outreach_planner.stop_edits import init_stops

    stops = init_stops(_settings(args), args.file, force=args.force)
    print(_labels(args).t("s_wrote", n=len(stops), file=args.file))
    return 0


def _list(args: argparse.Namespace) -> int:
    stops = _list_of(args).load()
    lb = _labels(args)
    for stop in stops:
        print(_show(stop, lb))
    print(lb.t("l_total", n=len(stops), enabled=sum(s.enabled for s in stops)))
    return 0


def _add(args: argparse.Namespace) -> int:
    from outreach_planner.stop_edits import add_stop

    at = None
    if args.at is not None:
        at = parse_lonlat(args.at)
        if at is None:
            raise InputError(Problem("command line", "", "--at", args.at, "LON,LAT in degrees"))
    people = None
    if args.people is not None:
        if not args.people.isdigit():
            raise InputError(Problem("command line", "", "--people", args.people, "a whole number"))
        people = int(args.people)
    ids = [v.strip() for v in args.villages_in.replace(",", ";").split(";") if v.strip()]
    stop = add_stop(
        _list_of(args), at=at, place=args.place, name=args.name, village_ids=ids,
        people=people, online=args.online, force=args.force,
    )  # fmt: skip
    lb = _labels(args)
    print(f"{lb['s_added']} {_show(stop, lb)}")
    return 0


def _remove(args: argparse.Namespace) -> int:
    from outreach_planner.stop_edits import remove_stop

    lb = _labels(args)
    print(f"{lb['s_removed']} {_show(remove_stop(_list_of(args), args.id), lb)}")
    return 0


def _set_enabled(args: argparse.Namespace) -> int:
    from outreach_planner.stop_edits import set_enabled

    stop = set_enabled(_list_of(args), args.id, args.enabled)
    lb = _labels(args)
    print(f"{lb['s_enabled' if args.enabled else 's_disabled']} {_show(stop, lb)}")
    return 0


_A_DATE = "a date DD/MM/YYYY (day first) or YYYY-MM-DD"


def _pin(args: argparse.Namespace) -> int:
    from outreach_planner.stop_edits import pin_stop

    weekdays: tuple[int, ...] = ()
    if args.weekday:
        parsed = parse_weekdays(list(args.weekday))
        if parsed is None:
            raise InputError(Problem("command line", "", "--weekday", args.weekday,
                                     f"weekdays from {', '.join(WEEKDAYS)} or thứ hai..chủ "
                                     "nhật (T2..T7, CN)"))  # fmt: skip
        weekdays = parsed
    dates = []
    for text in args.date:
        d = parse_date(text)
        if d is None:
            raise InputError(Problem("command line", "", "--date", text, _A_DATE))
        dates.append(d)
    lb = _labels(args)
    stop = pin_stop(_list_of(args), args.id, weekdays=weekdays, dates=dates)
    print(f"{lb['s_pinned']} {_show(stop, lb)}")
    return 0


def _set(args: argparse.Namespace) -> int:
    from outreach_planner.stop_edits import set_field

    stop = set_field(_list_of(args), args.id, args.field, args.value)
    lb = _labels(args)
    print(f"{lb.t('s_set', field=args.field)} {_show(stop, lb)}")
    return 0


def _run_of(args: argparse.Namespace) -> tuple[Any, Any]:
    date = None if args.date is None else parse_date(args.date)
    if args.date is not None and date is None:
        raise InputError(Problem("command line", "", "--date", args.date, _A_DATE))
    vehicle = None
    if args.vehicle is not None:
        if not args.vehicle.isdigit() or int(args.vehicle) < 1:
            raise InputError(
                Problem("command line", "", "--vehicle", args.vehicle, "a vehicle number from 1")
            )
        vehicle = int(args.vehicle)
    return date, vehicle


def _lock(args: argparse.Namespace) -> int:
    from outreach_planner.stop_edits import lock_stop

    date, vehicle = _run_of(args)
    lb = _labels(args)
    print(f"{lb['s_locked']} {_show(lock_stop(_list_of(args), args.id, date, vehicle or 1), lb)}")
    return 0


def _unlock(args: argparse.Namespace) -> int:
    from outreach_planner.stop_edits import unlock_stop

    date, vehicle = _run_of(args)
    lb = _labels(args)
    print(f"{lb['s_unlocked']} {_show(unlock_stop(_list_of(args), args.id, date, vehicle), lb)}")
    return 0


def _merge(args: argparse.Namespace) -> int:
    from outreach_planner.stop_edits import merge_stops

    lb = _labels(args)
    print(f"{lb['s_merged']} {_show(merge_stops(_list_of(args), args.id, args.other), lb)}")
    return 0


def _split(args: argparse.Namespace) -> int:
    from outreach_planner.stop_edits import split_stop

    lb = _labels(args)
    for stop in split_stop(_list_of(args), args.id):
        print(f"{lb['s_split']} {_show(stop, lb)}")
    return 0


def _diff(args: argparse.Namespace) -> int:
    from outreach_planner.io.plan_json import read_plan_json
    from outreach_planner.plan_diff import diff_plans, format_diff

    old = read_plan_json(args.old)  # both files checked, with one-line errors
    new = read_plan_json(args.new)
    lang = args.lang or resolve_settings().lang
    for line in format_diff(diff_plans(old, new), Labels(lang)):
        print(line)
    return 0
