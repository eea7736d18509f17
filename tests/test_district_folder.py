"""`init DIR`: the district folder a team fills in, and planning inside it."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from openpyxl import load_workbook

from outreach_planner.builtin import default_settings_path
from outreach_planner.cli import main
from outreach_planner.district.folder import TEMPLATE_HEADER
from outreach_planner.district.village_import import ImportOptions, import_villages


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    assert main(["init", str(tmp_path / "huyen"), "--name", "Huyện Thử"]) == 0
    return tmp_path / "huyen"


def test_init_writes_the_four_files(folder: Path) -> None:
    assert sorted(p.name for p in folder.iterdir()) == [
        "HUONG-DAN.txt", "programme.toml", "settings.toml", "villages-template.xlsx"]  # fmt: skip
    guide = (folder / "HUONG-DAN.txt").read_text(encoding="utf-8-sig")
    assert "outreach-planner villages import danh-sach-thon.xlsx" in guide
    assert "outreach-planner plan" in guide
    sheet = load_workbook(folder / "villages-template.xlsx").active
    assert [c.value for c in sheet[3]] == list(TEMPLATE_HEADER)


def test_settings_list_every_builtin_setting(folder: Path) -> None:
    """Every key of the built-in settings is in the district's file (the Đắk Song data lines
    replaced, the depot left to fill in)."""
    builtin = tomllib.loads(default_settings_path().read_text(encoding="utf-8"))
    text = (folder / "settings.toml").read_text(encoding="utf-8")
    district = tomllib.loads(text)
    for key in builtin:
        if key == "depot":
            assert "[depot]" in text and "# lon = " in text
        elif key == "start":
            assert "# start = " in text
        else:
            assert key in district, key
    assert district["district"] == "Huyện Thử" and district["communes"] == "none"
    assert "Đắk Song" not in text.split("[depot]")[1].split("[")[0]  # no Đắk Song depot


def test_template_imports_cleanly(folder: Path) -> None:
    result = import_villages(folder / "villages-template.xlsx", ImportOptions())
    assert not result.problems
    [feature] = result.features
    assert feature["properties"]["languages"] == ["vi", "mnong"]
    assert feature["properties"]["placement"] == "sheet"
    assert "estimated" not in feature["properties"]


def test_init_never_overwrites_unasked(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (folder / "settings.toml").write_text("# mine\n", encoding="utf-8")
    assert main(["init", str(folder)]) == 2
    assert (folder / "settings.toml").read_text(encoding="utf-8") == "# mine\n"
    assert len(capsys.readouterr().err.splitlines()) == 4  # one line per file already there
    assert main(["init", str(folder), "--force"]) == 0
    assert "# mine" not in (folder / "settings.toml").read_text(encoding="utf-8")


def test_template_is_the_same_bytes_every_time() -> None:
    import time

    from outreach_planner.district.folder import template_bytes

    first = template_bytes()
    time.sleep(2.1)  # zip entries keep time to 2 seconds
    assert template_bytes() == first


def _fill_depot(folder: Path) -> None:
    text = (folder / "settings.toml").read_text(encoding="utf-8")
    text = text.replace('# name = "Trung tâm', 'name = "Trung tâm').replace(
        "# lon = 0.0", "lon = 107.61836").replace("# lat = 0.0", "lat = 12.2511")  # fmt: skip
    (folder / "settings.toml").write_text(text, encoding="utf-8")


# A filled list: real-looking figures and coordinates for every village (no estimates).
FILLED = [
    ("Xã Nam Bình", "Thôn 1", 219, 811, 12.286164, 107.600525, None),
    ("Xã Nam Bình", "Thôn 2", 223, 826, 12.277114, 107.576495, None),
    ("Xã Đắk Môl", "Bon 1", 166, "674", 12.36354, 107.698138, "M'Nông"),
    ("Xã Đắk Môl", "Thôn 5", 250, "1.015", 12.286055, 107.731834, None),
]


def _fill_template(folder: Path) -> Path:
    """The template as a team fills it: example row replaced by their villages."""
    book = load_workbook(folder / "villages-template.xlsx")
    sheet = book.active
    sheet.delete_rows(4)
    for i, (commune, name, hh, people, lat, lon, group) in enumerate(FILLED, start=1):
        sheet.append([i, commune, name, hh, people, lat, lon, group, None])
    path = folder / "danh-sach-thon.xlsx"
    book.save(path)
    return path


def test_unfilled_folder_names_the_lines_to_fill(
    folder: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(folder)
    out = folder / "maps"
    assert main(["plan", "--quiet"]) == 2
    [error] = capsys.readouterr().err.splitlines()
    assert "settings.toml" in error and "'depot'" in error and "[depot]" in error
    _fill_depot(folder)
    assert main(["plan", "--quiet"]) == 2
    [error] = capsys.readouterr().err.splitlines()
    assert "villages.geojson" in error and "villages import" in error
    assert not out.exists()


def test_a_district_file_never_takes_dak_song_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A settings file naming a district but no villages, programme or communes line."""
    (tmp_path / "settings.toml").write_text(
        'district = "Huyện Khác"\n[depot]\nname = "X"\nlon = 108.0\nlat = 12.0\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    assert main(["plan", "--quiet"]) == 2
    errors = capsys.readouterr().err.splitlines()
    assert [e.split("field ")[1].split(" ")[0] for e in errors] == [
        "'villages'", "'communes'", "'programme'"]  # fmt: skip
    assert all("the line" in e for e in errors)


def test_new_team_from_template_to_plan(
    folder: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """init, fill the template, import, plan: a real list gives no estimate notice, no
    boundaries are drawn (communes = "none") and coverage per commune is still reported."""
    import json

    _fill_depot(folder)
    listing = _fill_template(folder)
    monkeypatch.chdir(folder)
    assert main(["villages", "import", listing.name]) == 0
    assert main(["plan", "--quiet", "--start", "2026-12-07", "--weeks", "1"]) == 0
    plan = json.loads((folder / "maps" / "plan.json").read_text(encoding="utf-8"))
    assert sum(s["population"] for s in plan["stops"]) == sum(
        int(str(v[3]).replace(".", "")) for v in FILLED)  # fmt: skip
    assert not any(s["estimated"] for s in plan["stops"])
    assert plan["settings"]["district"] == "Huyện Thử"
    assert plan["settings"]["depot"]["lon"] == 107.61836
    assert [c["commune"] for c in plan["coverage_by_commune"]] == ["Nam Bình", "Đắk Môl"]
    assert sum(c["people"] for c in plan["coverage_by_commune"]) == 811 + 826 + 674 + 1015
    index = (folder / "maps" / "index.html").read_text(encoding="utf-8")
    from outreach_planner.labels import Labels

    assert Labels("vi")["estimated_data"] not in index
    assert '"type": "Polygon"' not in index  # no commune boundaries drawn
    assert Labels("vi")["communes"] not in index  # nor a layer offering them
