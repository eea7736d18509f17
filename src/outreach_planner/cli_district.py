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
    imp.add_argument("--communes", type=Path, metavar="F", help="commune polygons GeoJSON")
    imp.add_argument(
        "--places", type=Path, metavar="F.osm.pbf",
        help="an OpenStreetMap extract: place villages without coordinates by name",
    )  # fmt: skip
    imp.add_argument(
        "--online", action="store_true",
        help="ask Nominatim for villages still unplaced (1 request/s, answers cached)",
    )  # fmt: skip
    imp.add_argument("--geocode-cache", type=Path, metavar="F", help="geocoder answers file")
    imp.add_argument("--out", type=Path, default=Path("villages.geojson"), help="output file")
    imp.add_argument(
        "--estimated", action="store_true", help="every figure of the sheet is an estimate"
    )
    imp.add_argument("--lang", choices=LANGS, default="vi", help="messages: vi (default) or en")
    imp.set_defaults(handler=_villages_import)


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

    communes = load_communes(args.communes) if args.communes is not None else None
    places = read_osm_areas(args.places)[0] if args.places is not None else None
    geocoder = CachedGeocoder(args.geocode_cache or _geocode_cache()) if args.online else None
    options = ImportOptions(communes, places, geocoder, args.estimated)
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
