"""A province: teams from settings or CSV, villages shared out, every team planned in parallel.

The determinism tests plan the same tiny two-team province serially, on a process pool and
on a real local Dask cluster, and compare every output byte for byte.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tomllib
from pathlib import Path

import pytest
from plan_checks import check_plan, read_rules

from outreach_planner.domain import Village
from outreach_planner.errors import InputError
from outreach_planner.geo import LonLat
from outreach_planner.province import TeamJob, plan_teams, prepare_teams
from outreach_planner.teams import assign_villages, load_teams_csv, team_slug, teams_from_rows

TEAMS_TOML = """
villages = "villages.geojson"
communes = "communes.geojson"
programme = "programme.toml"
start = "2026-12-07"
weeks = 2
working_hours = ["07:00-11:30", "13:30-17:00"]
search_effort = 200

[[teams]]
name = "Đội Xã A"
communes = ["Xã A"]
depot = { name = "Nhà văn hóa A", lon = 107.615, lat = 12.26 }

[[teams]]
name = "Đội Xã B"
communes = ["Xã B"]
depot = { name = "Nhà văn hóa B", lon = 107.665, lat = 12.26 }
weekdays = ["monday", "thursday"]
"""


def _province(tiny_dir: Path, folder: Path) -> Path:
    """The tiny villages as a province of two teams, one per commune."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("villages.geojson", "communes.geojson", "programme.toml"):
        shutil.copy(tiny_dir / name, folder / name)
    shutil.copytree(tiny_dir / "items", folder / "items")
    (folder / "province.toml").write_text(TEAMS_TOML, encoding="utf-8")
    return folder / "province.toml"


@pytest.fixture
def province(tiny_dir: Path, tmp_path: Path) -> Path:
    return _province(tiny_dir, tmp_path)


@pytest.fixture(scope="module")
def planned(tiny_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list]:
    """The tiny province planned serially, once: (its settings, the teams' results)."""
    settings = _province(tiny_dir, tmp_path_factory.mktemp("province"))
    return settings, _plan(settings, settings.parent / "serial", workers=1)


def _plan(settings: Path, out: Path, **kwargs: object) -> list:
    made = prepare_teams(settings, out)
    jobs = [TeamJob(team.name, str(home), "2026-12-01", "vi", True) for team, home in made]
    return plan_teams(jobs, **kwargs)  # type: ignore[arg-type]


def _files(folder: Path) -> dict[str, bytes]:
    """Every output by name; the folder locks hold a process id, not plan content."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.endswith(".lock")
    }


def test_team_keys_are_checked_and_every_problem_reported_at_once() -> None:
    rows = [
        {"name": "Đội 1", "communes": ["Xã A"], "depot": {"name": "d", "lon": 107.6, "lat": 12.2}},
        {"name": "Đội 2", "communes": ["xã a"], "depot": {"name": "d", "lon": 107.6, "lat": 12.2}},
        {"name": "", "depot": {"lon": 1, "lat": 2}},
        {"name": "Đội 3", "depot": "here", "colour": "red"},
    ]
    with pytest.raises(InputError) as err:
        teams_from_rows(rows, source="province.toml", where="team")
    text = str(err.value)
    assert len(err.value.problems) == 4, text
    assert "field 'colour'" in text and "field 'depot'" in text and "field 'name'" in text
    assert "also in 'Đội 1'" in text  # a commune two teams claim, whatever its case


def test_teams_from_a_csv_with_semicolons_and_decimal_commas(tmp_path: Path) -> None:
    path = tmp_path / "teams.csv"
    path.write_text(
        "name;depot_lon;depot_lat;depot_name;vehicles;weekdays;communes\n"
        "Đắk Song;107,618;12,251;Đức An;2;tuesday;friday;Đức An;Nam Bình\n".replace(
            "tuesday;friday;Đức An;Nam Bình", '"tuesday;friday";"Đức An;Nam Bình"'
        ),
        encoding="utf-8-sig",
    )
    (team,) = load_teams_csv(path)
    assert team.name == "Đắk Song" and team.slug == "dak-song"
    assert team.communes == ("Đức An", "Nam Bình")
    assert team.depot == LonLat(107.618, 12.251)
    assert team.settings["vehicles"] == 2 and team.settings["weekdays"] == ["tuesday", "friday"]


def test_villages_go_by_commune_else_to_the_nearest_depot() -> None:
    rows = [
        {"name": "North", "communes": ["Xã A"], "depot": {"name": "n", "lon": 107.6, "lat": 12.5}},
        {"name": "South", "communes": [], "depot": {"name": "s", "lon": 107.6, "lat": 12.0}},
    ]
    teams = teams_from_rows(rows, source="t", where="team")

    def village(vid: str, commune: str, lat: float) -> Village:
        return Village(vid, vid, commune, LonLat(107.6, lat), 10, 40)

    shares = assign_villages(
        [village("a-south", "Xã A", 12.01), village("c-north", "Xã C", 12.45),
         village("c-south", "Xã C", 12.1)], teams,
    )  # fmt: skip
    # Xã A is North's even where South's depot is nearer; Xã C is nobody's: nearest depot.
    assert [v.id for v in shares["North"]] == ["a-south", "c-north"]
    assert [v.id for v in shares["South"]] == ["c-south"]


def test_team_slug_is_ascii() -> None:
    assert team_slug("Đội Đắk N'Drung 2") == "doi-dak-n-drung-2"


def test_each_team_gets_a_working_folder_of_its_own(province: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    made = prepare_teams(province, out)
    assert [home.name for _, home in made] == ["doi-xa-a", "doi-xa-b"]
    b = tomllib.loads((out / "doi-xa-b" / "settings.toml").read_text(encoding="utf-8"))
    assert b["weekdays"] == ["monday", "thursday"] and b["depot"]["name"] == "Nhà văn hóa B"
    assert b["programme"] == "../../programme.toml" and b["weeks"] == 2
    ids = [f["properties"]["id"] for f in
           json.loads((out / "doi-xa-b" / "villages.geojson").read_text())["features"]]  # fmt: skip
    assert ids == ["B-1", "B-2"]


@pytest.mark.slow
def test_a_province_plans_every_team_by_its_own_rules(planned: tuple[Path, list]) -> None:
    _, results = planned
    assert [r.name for r in results] == ["Đội Xã A", "Đội Xã B"]
    assert sum(r.villages for r in results) == 6
    for r, weekdays in zip(results, ({1, 4}, {0, 3}), strict=True):
        plan = json.loads((Path(r.folder) / "maps" / "plan.json").read_text(encoding="utf-8"))
        rules = read_rules(Path(r.folder) / "settings.toml")
        assert check_plan(plan, rules, today=dt.date(2026, 12, 1)) == []
        assert {dt.date.fromisoformat(run["date"]).weekday() for run in plan["runs"]} == weekdays
        assert r.people_reached == sum(run["people"] for run in plan["runs"]) > 0


@pytest.mark.slow
def test_the_same_bytes_serially_and_on_a_process_pool(planned: tuple[Path, list]) -> None:
    settings, _ = planned
    # Beside the serial plan: team settings name the province's programme relative to them.
    _plan(settings, settings.parent / "pool", workers=2)
    serial, pool = _files(settings.parent / "serial"), _files(settings.parent / "pool")
    assert len(serial) > 20 and serial == pool


@pytest.mark.slow
def test_the_same_bytes_on_a_local_dask_cluster(planned: tuple[Path, list]) -> None:
    pytest.importorskip("distributed", reason="the Dask backend is the [cluster] extra")
    settings, _ = planned
    _plan(settings, settings.parent / "dask", workers=2, backend="dask")
    assert _files(settings.parent / "serial") == _files(settings.parent / "dask")


def test_an_unknown_backend_is_bad_input() -> None:
    with pytest.raises(InputError, match="--backend"):
        plan_teams([], backend="ray")


def test_the_province_map_escapes_names_and_carries_the_notice() -> None:
    from outreach_planner.labels import Labels
    from outreach_planner.render.province_map import render_province_map

    hostile = "<script>alert(1)</script>"
    page = render_province_map(
        [(hostile, "doi-1", LonLat(107.6, 12.2), [(107.61, 12.21, f"Thôn {hostile}", 700, 2)])],
        title="Kế hoạch các đội",
        lines=["Toàn tỉnh: 1 đội", "Số liệu ước tính: <b>x</b>"],
        labels=Labels("vi"),
    ).decode("utf-8")
    assert hostile not in page and "&lt;b&gt;x&lt;/b&gt;" in page
    assert "Kế hoạch các đội" in page and 'href="doi-1/maps/index.html"' in page
    assert "1/1 điểm dừng" in page  # visited of all stops, Vietnamese words


def test_a_team_folder_is_a_working_folder_for_the_stop_commands(
    planned: tuple[Path, list], tmp_path: Path
) -> None:
    """`stops` run inside a team's folder reads its settings.toml: that team's stops only."""
    import subprocess
    import sys

    _, results = planned
    stops = tmp_path / "stops.csv"  # beside, so the shared team folder stays as planned
    for command in ("init", "list"):
        done = subprocess.run(
            [sys.executable, "-m", "outreach_planner", "stops", command, "--file", str(stops)],
            cwd=results[1].folder, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
    assert "B-1" in done.stdout and "B-2" in done.stdout and "A-1" not in done.stdout
