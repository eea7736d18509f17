"""Settings: defaults, the tiny and built-in files, and every validation rule."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from outreach_planner.builtin import default_settings_path
from outreach_planner.errors import InputError
from outreach_planner.geo import LonLat
from outreach_planner.settings import Depot, Settings, load_settings, settings_from_mapping

DEPOT_TABLE = {"name": "Depot", "lon": 107.64, "lat": 12.26}
NAN = float("nan")
DEPOT_TOML = '[depot]\nname = "Depot"\nlon = 107.64\nlat = 12.26\n'


@pytest.fixture
def depot() -> Depot:
    """The tiny data set's depot, as a Depot."""
    return Depot(name="Depot", position=LonLat(107.64, 12.26))


def from_mapping(**raw: Any) -> Settings:
    """settings_from_mapping on `raw` plus a valid depot, as a file would give it."""
    return settings_from_mapping({"depot": DEPOT_TABLE, **raw}, source="test")


@pytest.mark.parametrize(
    ("field", "default"),
    [
        ("start", None),
        ("weeks", 4),
        ("weekdays", (1, 4)),  # Tuesday and Friday
        ("work_start_s", 7 * 3600 + 30 * 60),  # Lâm Đồng office hours since 1/11/2025
        ("lunch_start_s", 11 * 3600 + 30 * 60),
        ("lunch_end_s", 13 * 3600 + 30 * 60),
        ("work_end_s", 17 * 3600 + 30 * 60),
        ("closed_dates", ()),
        ("extra_dates", ()),
        ("on_closed_day", "skip"),
        ("vehicles", 1),
        ("speed_kmh", 30.0),
        ("detour_factor", 1.3),
        ("audible_radius_m", 300.0),
        ("setup_s", 240),
        ("reading_speed_spm", 233.0),
        ("min_visits", 1),
        ("min_days_between_visits", 7),
        ("seed", 0),
        ("timezone", "Asia/Ho_Chi_Minh"),
        ("villages", None),
        ("communes", None),
        ("programme", None),
    ],
)
def test_defaults(depot: Depot, field: str, default: object) -> None:
    assert getattr(Settings(depot=depot), field) == default


def test_a_file_with_only_a_depot_gives_the_defaults(depot: Depot) -> None:
    assert settings_from_mapping({"depot": DEPOT_TABLE}, source="test") == Settings(depot=depot)


def test_speed_in_metres_per_second(depot: Depot) -> None:
    assert Settings(depot=depot, speed_kmh=36.0).speed_mps == pytest.approx(10.0)


def test_builtin_settings_file_repeats_the_defaults() -> None:
    # data/settings.toml says "the values below are the defaults".
    s = load_settings(default_settings_path())
    folder = default_settings_path().parent
    expected = Settings(
        depot=s.depot,
        villages=folder / "villages.geojson",
        communes=folder / "communes.geojson",
        programme=folder / "programme.toml",
    )
    assert s == expected
    assert s.depot.estimated is True


def test_tiny_settings(tiny_settings: Settings, tiny_dir: Path, depot: Depot) -> None:
    assert tiny_settings.depot == depot
    assert tiny_settings.start == dt.date(2026, 12, 7)
    assert tiny_settings.weeks == 2
    assert tiny_settings.weekdays == (1, 4)
    assert tiny_settings.search_effort == 200
    assert tiny_settings.villages == tiny_dir / "villages.geojson"


def test_paths_are_relative_to_the_settings_file(tmp_path: Path) -> None:
    sub = tmp_path / "conf"
    sub.mkdir()
    absolute = tmp_path / "elsewhere" / "communes.geojson"
    path = sub / "settings.toml"
    path.write_text(
        f'villages = "v/villages.geojson"\ncommunes = "{absolute.as_posix()}"\n{DEPOT_TOML}',
        encoding="utf-8",
    )
    s = load_settings(path)
    assert s.villages == sub / "v" / "villages.geojson"
    assert s.communes == absolute  # absolute paths stay as they are


def test_settings_from_mapping_without_folder_keeps_paths_as_given() -> None:
    assert from_mapping(villages="v.geojson").villages == Path("v.geojson")


@pytest.mark.parametrize(
    ("raw", "field", "value"),
    [
        ({"colour": "red"}, "colour", "red"),  # not a known setting
        ({"weeks": 0}, "weeks", 0),  # a plan of no weeks
        ({"weeks": 2.5}, "weeks", 2.5),  # weeks is a whole number
        ({"weeks": True}, "weeks", True),  # a bool is not a number of weeks
        ({"weekdays": []}, "weekdays", []),  # no day to run on
        ({"weekdays": ["funday"]}, "weekdays", ["funday"]),  # not a weekday
        ({"weekdays": ["tue", "tuesday"]}, "weekdays", ["tue", "tuesday"]),  # the same day twice
        ({"weekdays": ["t"]}, "weekdays", ["t"]),  # ambiguous: tuesday or thursday
        (
            {"working_hours": ["13:30-17:00", "07:00-11:30"]},
            "working_hours",
            ["13:30-17:00", "07:00-11:30"],
        ),  # afternoon before morning
        (
            {"working_hours": ["07:00-11:30"]},
            "working_hours",
            ["07:00-11:30"],
        ),  # one span instead of two
        (
            {"working_hours": ["07:00-25:00", "13:30-17:00"]},
            "working_hours",
            ["07:00-25:00", "13:30-17:00"],
        ),  # no such hour
        ({"start": "2026-13-01"}, "start", "2026-13-01"),  # month 13
        ({"start": "12/31/2026"}, "start", "12/31/2026"),  # month/day: never guessed
        ({"timezone": "Mars/Olympus"}, "timezone", "Mars/Olympus"),  # unknown time zone
        ({"timezone": ""}, "timezone", ""),  # empty time zone
        ({"vehicles": 0}, "vehicles", 0),  # no vehicle
        ({"speed_kmh": 0}, "speed_kmh", 0),  # a vehicle that does not move
        ({"detour_factor": 0.5}, "detour_factor", 0.5),  # roads shorter than straight lines
        ({"audible_radius_m": NAN}, "audible_radius_m", NAN),  # NaN radius
        ({"setup_min": -1}, "setup_min", -1),  # negative setup time
        ({"reading_speed_spm": 0}, "reading_speed_spm", 0),  # nobody reads that slowly
        ({"seed": -1}, "seed", -1),  # seeds are 0 or more
        ({"villages": ""}, "villages", ""),  # an empty path
        ({"depot": "Đức An"}, "depot", "Đức An"),  # a name, not a table
    ],
)
def test_bad_setting_is_reported_with_field_and_value(
    raw: dict[str, Any], field: str, value: object
) -> None:
    with pytest.raises(InputError) as exc:
        from_mapping(**raw)
    fields = [p.field for p in exc.value.problems]
    assert field in fields
    problem = exc.value.problems[fields.index(field)]
    assert problem.value is value or problem.value == value  # `is`: NaN never equals itself
    assert problem.source == "test"
    assert field in str(exc.value)


def test_missing_depot_is_reported() -> None:
    with pytest.raises(InputError) as exc:
        settings_from_mapping({"weeks": 2}, source="test")
    assert [(p.field, p.value) for p in exc.value.problems] == [("depot", None)]


def test_a_base_supplies_the_depot(tiny_settings: Settings) -> None:
    s = settings_from_mapping({"weeks": 3}, source="test", base=tiny_settings)
    assert s.depot == tiny_settings.depot
    assert s.weeks == 3
    assert s.search_effort == 200  # kept from the base


@pytest.mark.parametrize(
    ("depot", "field", "value"),
    [
        ({"name": "D", "lon": 200.0, "lat": 12.26}, "lon/lat", [200.0, 12.26]),  # lon > 180
        ({"name": "D", "lon": 107.64, "lat": -91}, "lon/lat", [107.64, -91]),  # lat < -90
        ({"name": "D", "lat": 12.26}, "lon/lat", [None, 12.26]),  # no longitude
        ({"name": " ", "lon": 107.64, "lat": 12.26}, "name", " "),  # blank name
        (
            {"name": "D", "lon": 107.64, "lat": 12.26, "estimated": "yes"},
            "estimated",
            "yes",
        ),  # not a bool
    ],
)
def test_bad_depot_is_reported_with_field_and_value(
    depot: dict[str, Any], field: str, value: object
) -> None:
    with pytest.raises(InputError) as exc:
        settings_from_mapping({"depot": depot}, source="test")
    assert (field, value) in [(p.field, p.value) for p in exc.value.problems]
    assert "[depot]" in str(exc.value)


def test_bad_depot_is_reported_once() -> None:
    with pytest.raises(InputError) as exc:
        settings_from_mapping({"depot": {"name": "D", "lon": 200.0, "lat": 12.26}}, source="t")
    assert [p.field for p in exc.value.problems] == ["lon/lat"]


def test_replace_rejects_what_a_file_would(depot: Depot) -> None:
    with pytest.raises(InputError):
        Settings(depot=depot).replace(speed_kmh=0)


def test_replace_checks_cross_field_rules(depot: Depot) -> None:
    with pytest.raises(InputError) as exc:
        Settings(depot=depot).replace(lunch_start_s=6 * 3600)
    assert [p.field for p in exc.value.problems] == ["working_hours"]


def test_every_problem_in_a_file_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text(
        "colour = 'red'\nweeks = 0\nweekdays = []\nvehicles = 0\ntimezone = 'Mars/Olympus'\n"
        + DEPOT_TOML,
        encoding="utf-8",
    )
    with pytest.raises(InputError) as exc:
        load_settings(path)
    problems = exc.value.problems
    assert len(problems) == 5
    assert sorted(p.field for p in problems) == [
        "colour", "timezone", "vehicles", "weekdays", "weeks",
    ]  # fmt: skip
    assert all(p.source == str(path) for p in problems)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"weeks = \n" + DEPOT_TOML.encode(), "valid TOML"),  # a key without a value
        (b"[depot\nname = 'D'\n", "valid TOML"),  # unclosed table header
        (b"weeks = 2\n# caf\xe9 in Latin-1\n" + DEPOT_TOML.encode(), "UTF-8"),  # not UTF-8
    ],
)
def test_unreadable_settings_file(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "settings.toml"
    path.write_bytes(content)
    with pytest.raises(InputError) as exc:
        load_settings(path)
    [problem] = exc.value.problems
    assert problem.source == str(path)
    assert expected in problem.expected


def test_missing_settings_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.toml"
    with pytest.raises(InputError) as exc:
        load_settings(path)
    [problem] = exc.value.problems
    assert problem.value == str(path)
    assert "existing" in problem.expected


@pytest.mark.parametrize(
    ("today", "monday"),
    [
        (dt.date(2026, 12, 2), dt.date(2026, 12, 7)),  # a Wednesday
        (dt.date(2026, 12, 6), dt.date(2026, 12, 7)),  # a Sunday: the next day
        (dt.date(2026, 12, 7), dt.date(2026, 12, 14)),  # a Monday: the one after
        (dt.date(2026, 12, 31), dt.date(2027, 1, 4)),  # across the new year
    ],
)
def test_start_date_is_the_monday_after_today(
    depot: Depot, today: dt.date, monday: dt.date
) -> None:
    assert Settings(depot=depot).start_date(today) == monday


def test_start_date_uses_the_setting(tiny_settings: Settings) -> None:
    assert tiny_settings.start_date(dt.date(2030, 1, 1)) == dt.date(2026, 12, 7)


def test_engine_from_a_settings_file(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text('engine = "ortools"\n' + DEPOT_TOML, encoding="utf-8")
    assert load_settings(path).engine == "ortools"
