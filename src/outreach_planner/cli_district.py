"""The `villages`, `communes` and `init` commands: parse, call district/, print."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from outreach_planner.errors import InputError
from outreach_planner.labels import LANGS

EXIT_OK = 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Register `villages import` on the main parser."""
    villages = sub.add_parser("villages", help="make the villages layer from a list or OSM")
    vsub = villages.add_subparsers(dest="villages_command", required=True)
    imp = vsub.add_parser(
        "import",
        help="read an office's village list (.xlsx or .csv) into villages.geojson",
        description="Read a village list as offices keep it (title rows, two-row headers, "
        "subtotals, a commune per group) and write the villages GeoJSON that plan reads.",
    )
    imp.add_argument("file", type=Path, metavar="FILE", help="the list (.xlsx or .csv)")
    imp.add_argument(
        "--communes", type=Path, metavar="F",
        help="commune polygons GeoJSON (default: the communes line of ./settings.toml)",
    )  # fmt: skip
    imp.add_argument(
        "--places", type=Path, metavar="F.osm.pbf",
        help="an OpenStreetMap extract: place villages without coordinates by name",
    )  # fmt: skip
    imp.add_argument(
        "--online", action="store_true",
        help="ask Nominatim for villages still unplaced (1 request/s, answers cached)",
    )  # fmt: skip
    imp.add_argument("--geocode-cache", type=Path, metavar="F", help="geocoder answers file")
    imp.add_argument(
        "--area", metavar="TEXT",
        help='district and province before 2025, e.g. "Huyện Đắk Song, Tỉnh Đắk Nông": '
        "official commune codes and the 2025 commune of each, from the offline list",
    )  # fmt: skip
    imp.add_argument("--out", type=Path, default=Path("villages.geojson"), help="output file")
    imp.add_argument(
        "--estimated", action="store_true", help="every figure of the sheet is an estimate"
    )
    imp.add_argument("--lang", choices=LANGS, default="vi", help="messages: vi (default) or en")
    imp.set_defaults(handler=_villages_import)
    osm = vsub.add_parser(
        "import-osm",
        help="make the villages layer from the places of an OpenStreetMap extract",
        description="Every place=village|hamlet|isolated_dwelling|neighbourhood|locality of "
        "the extract becomes a village; people from its population tag, otherwise the "
        "commune's census figure shared out (marked estimated).",
    )
    osm.add_argument("file", type=Path, metavar="FILE.osm.pbf", help="OpenStreetMap extract")
    area = osm.add_mutually_exclusive_group()
    area.add_argument("--bbox", metavar="W,S,E,N", help="only places inside this box")
    area.add_argument(
        "--communes", type=Path, metavar="F",
        help="commune polygons: only places inside them, census figures shared out",
    )  # fmt: skip
    osm.add_argument("--out", type=Path, default=Path("villages.geojson"), help="output file")
    osm.set_defaults(handler=_villages_import_osm)
    communes = sub.add_parser("communes", help="make the commune polygons")
    csub = communes.add_subparsers(dest="communes_command", required=True)
    cimp = csub.add_parser(
        "import",
        help="commune polygons from an OpenStreetMap extract's administrative boundaries",
    )
    cimp.add_argument("file", type=Path, metavar="FILE.osm.pbf", help="OpenStreetMap extract")
    cimp.add_argument(
        "--admin-level", required=True, metavar="N",
        help="the boundaries' admin_level (Vietnam before 2025: 8 for communes)",
    )  # fmt: skip
    cimp.add_argument("--out", type=Path, default=Path("communes.geojson"), help="output file")
    cimp.set_defaults(handler=_communes_import)
    add_init_command(sub)


def add_init_command(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "init",
        help="make a district folder to fill in: settings, programme, village list template",
        description="Write settings.toml, programme.toml, villages-template.xlsx and "
        "HUONG-DAN.txt (what to fill in, in Vietnamese) into DIR.",
    )
    p.add_argument("dir", type=Path, metavar="DIR", help="the district folder (made if needed)")
    p.add_argument("--name", default="", help="the district's name (settings: district)")
    p.add_argument("--force", action="store_true", help="replace files already there")
    p.set_defaults(handler=_init)


def _init(args: argparse.Namespace) -> int:
    from outreach_planner.district.folder import GUIDE, init_folder

    name = args.name or args.dir.resolve().name
    written = init_folder(args.dir, name=name, force=args.force)
    for path in written:
        print(f"  {path}")
    print(f"Đã tạo thư mục {args.dir}: đọc {args.dir / GUIDE} để biết cần điền gì.")
    return EXIT_OK


def _folder_communes() -> Path | None:
    """The communes file of the district folder the command runs in (its settings.toml's
    `communes` line; "none" or no folder: none). Only that line is read: the rest of the
    settings (the depot, ...) may still be unfilled when the village list is imported."""
    import tomllib

    from outreach_planner.builtin import local_settings
    from outreach_planner.errors import Problem

    own = local_settings(None)
    if own is None:
        return None
    try:
        value = tomllib.loads(own.read_text(encoding="utf-8")).get("communes")
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError(Problem(str(own), "", "", str(exc), "a readable settings file")) from None
    if not isinstance(value, str) or value.strip() in ("", "none"):
        return None
    path = Path(value)
    return path if path.is_absolute() else own.parent / path


def _geocode_cache() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return base / "outreach-planner" / "geocode-villages.json"


def _villages_import(args: argparse.Namespace) -> int:
    from outreach_planner.district.osm_places import read_osm_areas
    from outreach_planner.district.placement import CachedGeocoder
    from outreach_planner.district.report import summary, understood
    from outreach_planner.district.village_import import ImportOptions, import_villages
    from outreach_planner.io.atomic import write_atomic
    from outreach_planner.io.communes import load_communes
    from outreach_planner.io.villages import load_villages, villages_geojson

    communes_file = args.communes if args.communes is not None else _folder_communes()
    communes = load_communes(communes_file) if communes_file is not None else None
    places = read_osm_areas(args.places)[0] if args.places is not None else None
    geocoder = CachedGeocoder(args.geocode_cache or _geocode_cache()) if args.online else None
    options = ImportOptions(communes, places, geocoder, args.estimated, args.area)
    result = import_villages(args.file, options)
    for line in understood(result, lang=args.lang):
        print(line)
    if result.problems:
        raise InputError(result.problems)
    data = villages_geojson(result.features, source=args.file.name)
    write_atomic(args.out, data)
    try:
        load_villages(args.out, communes=communes)  # what plan will read, read back
    except InputError:
        args.out.unlink()
        raise
    for line in summary(result, lang=args.lang):
        print(line)
    print(("Đã ghi " if args.lang == "vi" else "Wrote ") + str(args.out))
    return EXIT_OK


def _villages_import_osm(args: argparse.Namespace) -> int:
    from collections import Counter

    from outreach_planner.district.osm_import import osm_source, villages_from_osm
    from outreach_planner.io.atomic import write_atomic
    from outreach_planner.io.communes import load_communes
    from outreach_planner.io.villages import load_villages, villages_geojson
    from outreach_planner.labels import Labels
    from outreach_planner.roads.cache import parse_bbox

    bbox = parse_bbox(args.bbox, source="command line", field="--bbox") if args.bbox else None
    communes = load_communes(args.communes) if args.communes is not None else None
    made = villages_from_osm(args.file, bbox=bbox, communes=communes)
    for line in made.dropped:
        print(f"  bỏ qua {line}")
    write_atomic(args.out, villages_geojson(made.features, source=osm_source(args.file)))
    try:
        load_villages(args.out, communes=communes)
    except InputError:
        args.out.unlink()
        raise
    props = [f["properties"] for f in made.features]
    shared = sum("population" in p["estimated_fields"] for p in props)
    n = Labels("vi").count
    print(f"{len(props)} thôn từ OpenStreetMap ở {len(Counter(p['commune'] for p in props))} xã: "
          f"{n(sum(p['households'] for p in props))} hộ, {n(sum(p['population'] for p in props))} "
          f"người ({len(props) - shared} theo thẻ population, {shared} chia từ số dân của xã, "
          "ước tính)")  # fmt: skip
    print(f"Đã ghi {args.out} (© OpenStreetMap contributors, ODbL 1.0)")
    return EXIT_OK


def _communes_import(args: argparse.Namespace) -> int:
    from outreach_planner.district.osm_import import communes_from_osm, osm_source
    from outreach_planner.errors import Problem
    from outreach_planner.io.atomic import write_atomic
    from outreach_planner.io.communes import communes_geojson, load_communes

    try:
        level = int(args.admin_level)
    except ValueError:
        level = -1
    if not 1 <= level <= 12:
        raise InputError(
            Problem("command line", "", "--admin-level", args.admin_level, "a whole number 1-12")
        )
    features = communes_from_osm(args.file, admin_level=level)
    write_atomic(args.out, communes_geojson(features, source=osm_source(args.file)))
    try:
        communes = load_communes(args.out)
    except InputError:
        args.out.unlink()
        raise
    print(f"{len(communes)} xã: {', '.join(c.name for c in communes)}")
    print(f"Đã ghi {args.out} (© OpenStreetMap contributors, ODbL 1.0)")
    return EXIT_OK
