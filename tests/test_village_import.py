"""`villages import`: office spreadsheets in two layouts, placement, ids and bad input."""

from __future__ import annotations

import csv
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from outreach_planner.builtin import data_dir
from outreach_planner.cli import main
from outreach_planner.clustering import cluster_villages
from outreach_planner.district.names import bare_key, commune_key, roman_to_int, village_key
from outreach_planner.district.placement import CachedGeocoder
from outreach_planner.district.village_import import ImportOptions, import_villages
from outreach_planner.io.communes import load_communes
from outreach_planner.io.villages import load_villages

DATA = Path(__file__).parent / "data" / "district"
SAMPLE = DATA / "villages_office_daksong.xlsx"
COMMUNES = data_dir() / "communes.geojson"

sys.path.insert(0, str(DATA))
from make_sheets import VILLAGES  # noqa: E402  (the second layout's own table)


def run(*args: str) -> int:
    return main(["villages", "import", *args])


def features(path: Path) -> list[dict[str, Any]]:
    return json.loads(path.read_text(encoding="utf-8"))["features"]


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The office sample imported with the Đắk Song communes: (villages file, terminal text)."""
    out = tmp_path_factory.mktemp("sample") / "villages.geojson"
    import contextlib
    import io

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        assert run(str(SAMPLE), "--communes", str(COMMUNES), "--out", str(out), "--estimated") == 0
    return out, buffer.getvalue()


def test_sample_counts_and_sums(sample: tuple[Path, str]) -> None:
    feats = features(sample[0])
    props = [f["properties"] for f in feats]
    assert len(props) == 106
    assert len({p["commune"] for p in props}) == 9
    assert sum(p["households"] for p in props) == 21_121
    assert sum(p["population"] for p in props) == 80_514
    assert Counter(p["placement"] for p in props) == {"sheet": 73, "commune": 33}
    assert sum("mnong" in p["languages"] for p in props) == 17


def test_sample_rows_skipped_with_their_reason(sample: tuple[Path, str]) -> None:
    book = load_workbook(SAMPLE)
    sheet = book.active
    subtotals = [r for r in range(1, sheet.max_row + 1)
                 if str(sheet.cell(r, 3).value or "").startswith("Cộng")]  # fmt: skip
    total = [r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == "Tổng cộng"]
    text = sample[1]
    assert f"Bỏ qua {len(subtotals)} dòng cộng theo xã: {', '.join(map(str, subtotals))}" in text
    assert f"Bỏ qua 1 dòng tổng cộng: {total[0]}" in text
    signed = [r for r in range(total[0] + 1, sheet.max_row + 1)
              if any(c.value for c in sheet[r])]  # fmt: skip
    assert f"dòng chữ ký, ghi chú dưới bảng: {', '.join(map(str, signed))}" in text
    assert "dòng tiêu đề 4–5" in text and "'Dân số / Số hộ'" in text


def test_sample_coordinates_are_the_sheet_s_to_6_decimals(sample: tuple[Path, str]) -> None:
    sheet = load_workbook(SAMPLE).active
    by_row = {f["properties"]["source_row"]: f for f in features(sample[0])}
    checked = 0
    for r in range(6, sheet.max_row + 1):
        lat, lon = sheet.cell(r, 7).value, sheet.cell(r, 8).value
        if isinstance(lat, float) and r in by_row:
            assert by_row[r]["geometry"]["coordinates"] == [round(lon, 6), round(lat, 6)]
            assert by_row[r]["properties"]["placement"] == "sheet"
            checked += 1
    assert checked == 73


def test_sample_is_what_plan_reads_and_marked_estimated(sample: tuple[Path, str]) -> None:
    villages = load_villages(sample[0], communes=load_communes(COMMUNES))
    assert len(villages) == 106 and all(v.estimated for v in villages)
    assert sum(v.needs_placement for v in villages) == 33


def _expected_people(text: str) -> int:
    return int(text.replace(".", ""))


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_second_layout(tmp_path: Path, suffix: str, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "v.geojson"
    assert run(str(DATA / f"villages_every_row.{suffix}"), "--communes", str(COMMUNES),
               "--out", str(out)) == 0  # fmt: skip
    props = [f["properties"] for f in features(out)]
    assert len(props) == len(VILLAGES)
    assert sum(p["households"] for p in props) == sum(v[2] for v in VILLAGES)
    assert sum(p["population"] for p in props) == sum(_expected_people(v[3]) for v in VILLAGES)
    # Mixed spellings of a commune are one commune, named as the communes file names it.
    assert Counter(p["commune"] for p in props) == {"Nam Bình": 4, "Đắk Môl": 4, "Đức An": 4}
    assert [p["id"] for p in props][:4] == [
        "24721-thon-1", "24721-thon-2", "24721-thon-3", "24721-thon-4"]  # fmt: skip
    by_name = {p["name"]: p for p in props}
    assert by_name["Bon 2"]["languages"] == ["vi", "mnong", "ede"]
    assert by_name["TDP 2"]["languages"] == ["vi"]  # Kinh: Vietnamese
    # A real list: only the villages placed at their commune's centre are estimated.
    for p in props:
        assert p.get("estimated", False) == (p["placement"] == "commune")
    text = capsys.readouterr().out
    assert "Bỏ qua 1 dòng tổng cộng" in text and "'Thuộc xã'" in text


def test_second_layout_coordinates(tmp_path: Path) -> None:
    out = tmp_path / "v.geojson"
    assert run(str(DATA / "villages_every_row.xlsx"), "--communes", str(COMMUNES),
               "--out", str(out)) == 0  # fmt: skip
    coords = {f["properties"]["name"]: f["geometry"]["coordinates"] for f in features(out)}
    assert coords["Thôn I"] == [107.600525, 12.286164]  # "12.286164, 107.600525"
    assert coords["Thôn IV"] == [107.572235, 12.260597]  # "12.260597;107.572235"
    assert coords["Thôn 5"] == [107.731834, 12.286055]  # decimal commas
    # 12°16'37.6"N 107°34'35.4"E
    assert coords["Thôn II"] == [round(107 + 34 / 60 + 35.4 / 3600, 6),
                                 round(12 + 16 / 60 + 37.6 / 3600, 6)]  # fmt: skip


def test_ids_survive_a_corrected_sheet(tmp_path: Path) -> None:
    """Rows moved, a figure and a spelling corrected: every village keeps its id."""
    rows = list(csv.reader((DATA / "villages_every_row.csv").read_text("utf-8-sig").splitlines(),
                           delimiter=";"))  # fmt: skip
    body = rows[3:15]
    corrected = [*rows[:3], *reversed(body), *rows[15:]]
    corrected[3][3] = "300"  # households of the last village, now first
    corrected[4][1] = "Tổ Dân Phố 3"
    path = tmp_path / "corrected.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(corrected)
    a = import_villages(DATA / "villages_every_row.csv", ImportOptions(load_communes(COMMUNES)))
    b = import_villages(path, ImportOptions(load_communes(COMMUNES)))
    assert not a.problems and not b.problems
    assert sorted(f["properties"]["id"] for f in a.features) == sorted(
        f["properties"]["id"] for f in b.features
    )


def test_names_fold_to_keys() -> None:
    assert village_key("Thôn III") == village_key("thôn 3") == "thon 3"
    assert village_key("TDP 2") == village_key("Tổ dân phố 2") == village_key("Tổ 2") == "tdp 2"
    assert village_key("Bon 1") != village_key("Thôn 1")
    assert bare_key("Bon Bu Sir") == "bu sir"
    assert commune_key("xã Nam Bình") == commune_key("NAM BÌNH") == commune_key("Nam Binh")
    assert commune_key("Xã Đăk N'Drung") == commune_key("Đắk NDrung") == "dak ndrung"


def test_commune_spellings_match_the_communes_file(tmp_path: Path) -> None:
    rows = [HEADER] + [
        [spelling, f"Thôn {i}", 10, 40]
        for i, spelling in enumerate(["Dak N Drung", "XÃ ĐĂK N'DRUNG", "Nam N'Jang", "TT. Đức An",
                                      "thị trấn Đức An", "Truong Xuan"], start=1)
    ]  # fmt: skip
    result = import_villages(_write_csv(tmp_path / "l.csv", rows), ImportOptions(
        load_communes(COMMUNES)))  # fmt: skip
    assert not result.problems
    assert [f["properties"]["commune"] for f in result.features] == [
        "Đắk N'Drung", "Đắk N'Drung", "Nâm N'Jang", "Đức An", "Đức An", "Trường Xuân"]  # fmt: skip
    assert [roman_to_int(w) for w in ("iv", "xiv", "mix", "")] == [4, 14, None, None]


def _write_csv(path: Path, rows: list[list[object]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    return path


HEADER = ["Xã", "Tên thôn", "Số hộ", "Số khẩu", "Vĩ độ", "Kinh độ"]
GOOD = ["Nam Bình", "Thôn 1", 219, 811, 12.286164, 107.600525]


@pytest.mark.parametrize(
    ("rows", "needles"),
    [
        ([["Danh sách"], ["a", "b", "c"]], ["header"]),  # no header at all
        ([["Xã", "Tên thôn", "Số hộ"], GOOD[:3]], ["population"]),  # no people column
        ([HEADER, GOOD, ["Nam Bình", "Thôn I", 100, 400]],
         ["row 3", "name", "by row 2"]),  # Thôn I is Thôn 1
        ([HEADER, ["Nam Bình", "Thôn 2", "hai trăm", 811]], ["row 2", "Số hộ (C)"]),
        ([HEADER, ["Nam Bình", "Thôn 2", 0, 0]], ["row 2", "at least 1 household"]),
        ([HEADER, ["Nam Bình", "Thôn 2", 10, 811]], ["row 2", "at most 20 people"]),
        ([HEADER, ["Nam Bình", "Thôn 2", 10, 40, 21.03, 105.85]],
         ["row 2", "outside every one"]),  # Hà Nội
        ([HEADER, ["Nam Bình", "Thôn 2", 10, 40, 48.85, 2.35]],
         ["row 2", "a position in Vietnam"]),  # Paris
        ([HEADER, ["Nam Bìn", "Thôn 2", 10, 40]], ["row 2", "commune", "Nam Bìn"]),
        ([HEADER, [None, "Thôn 2", 10, 40]], ["row 2", "the commune"]),
    ],
    ids=["no-header", "no-people-column", "duplicate", "text-households", "zero-households",
         "crowded", "outside-communes", "outside-vietnam", "unknown-commune", "no-commune"],
)  # fmt: skip
def test_bad_sheet_is_exit_2_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], rows: list, needles: list[str]
) -> None:
    path = _write_csv(tmp_path / "list.csv", rows)
    out = tmp_path / "villages.geojson"
    assert run(str(path), "--communes", str(COMMUNES), "--out", str(out)) == 2
    assert not out.exists()
    errors = [line for line in capsys.readouterr().err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, errors
    assert all(n in errors[0] for n in needles), errors[0]
    assert str(path) in errors[0]


def test_every_bad_row_is_reported_and_the_old_file_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write_csv(tmp_path / "list.csv", [
        HEADER, GOOD, ["Nam Bình", "Thôn 2", "x", 40], ["Nam Bình", "Thôn 3", 10, 900],
    ])  # fmt: skip
    out = tmp_path / "villages.geojson"
    out.write_text("previous", encoding="utf-8")
    assert run(str(path), "--communes", str(COMMUNES), "--out", str(out)) == 2
    assert out.read_text(encoding="utf-8") == "previous"
    errors = capsys.readouterr().err.splitlines()
    assert [e.split(":")[2].strip() for e in errors] == ["row 3", "row 4"]


@pytest.mark.parametrize(
    "content",
    [b"\x89PNG\r\n\x1a\n\x00\x00", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1xls", b"PK\x03\x04junk"],
    ids=["png", "old-xls", "broken-zip"],
)
def test_not_a_spreadsheet(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes
) -> None:
    path = tmp_path / "list.xlsx"
    path.write_bytes(content)
    assert run(str(path), "--out", str(tmp_path / "v.geojson")) == 2
    [error] = capsys.readouterr().err.splitlines()
    assert ".xlsx" in error and str(path) in error


def test_other_languages_by_x_and_by_name(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "list.csv", [
        ["Xã", "Tên thôn", "Số hộ", "Số khẩu", "K'Ho", "Dân tộc"],
        ["Nam Bình", "Buôn A", 10, 40, "x", "Ê Đê"],
        ["Nam Bình", "Thôn B", 10, 40, None, None],
    ])  # fmt: skip
    result = import_villages(path, ImportOptions(load_communes(COMMUNES)))
    assert not result.problems
    assert [f["properties"]["languages"] for f in result.features] == [
        ["vi", "koho", "ede"], ["vi"]]  # fmt: skip


def test_group_rows_give_the_commune(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "list.csv", [
        ["STT", "Tên thôn, bon", "Số hộ", "Số khẩu"],
        ["I", "XÃ NAM BÌNH", 10, 40], [1, "Thôn 1", 10, 40],  # the commune's totals beside it
        ["II", "Thị trấn Đức An", None, None], [2, "Tổ dân phố 1", 10, 40],
        [None, "Tổng cộng", 20, 80],
    ])  # fmt: skip
    result = import_villages(path, ImportOptions(load_communes(COMMUNES)))
    assert not result.problems
    assert [f["properties"]["id"] for f in result.features] == ["24721-thon-1", "24717-tdp-1"]
    assert [s.reason for s in result.skipped] == ["group", "group", "total"]


def test_without_communes_the_sheet_names_them(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "list.csv", [
        HEADER, GOOD, ["NAM BÌNH", "Thôn 2", 10, 40],
        ["xã Nam Binh", "Thôn 3", 10, 40, 12.28, 107.61],
    ])  # fmt: skip
    result = import_villages(path, ImportOptions())
    assert not result.problems
    props = [f["properties"] for f in result.features]
    assert {p["commune"] for p in props} == {"Nam Bình"}
    assert props[0]["id"] == "nam-binh-thon-1"
    # Without polygons the centre of the commune's placed villages stands in.
    assert props[1]["placement"] == "commune"
    assert result.features[1]["geometry"]["coordinates"] == [107.605263, 12.283082]


OSM = """<?xml version='1.0' encoding='UTF-8'?>
<osm version="0.6" generator="hand">
 <node id="1" lat="12.2850" lon="107.6050" version="1"><tag k="place" v="hamlet"/>
  <tag k="name" v="Thôn III"/></node>
 <node id="2" lat="12.3600" lon="107.6900" version="1"><tag k="place" v="village"/>
  <tag k="name" v="Thôn 3"/></node>
 <node id="10" lat="12.2500" lon="107.6200" version="1"/>
 <node id="11" lat="12.2500" lon="107.6230" version="1"/>
 <node id="12" lat="12.2530" lon="107.6230" version="1"/>
 <node id="13" lat="12.2530" lon="107.6200" version="1"/>
 <way id="20" version="1"><nd ref="10"/><nd ref="11"/><nd ref="12"/><nd ref="13"/>
  <nd ref="10"/><tag k="place" v="neighbourhood"/><tag k="name" v="Tổ dân phố 5"/></way>
</osm>
"""


def test_places_from_an_extract_inside_the_right_commune(tmp_path: Path) -> None:
    from outreach_planner.district.osm_places import read_osm_areas

    (tmp_path / "places.osm").write_text(OSM, encoding="utf-8")
    places, _ = read_osm_areas(tmp_path / "places.osm")
    assert [p.osm_id for p in places] == ["node/1", "node/2", "way/20"]
    path = _write_csv(tmp_path / "list.csv", [
        HEADER, ["Nam Bình", "thôn 3", 10, 40], ["Đức An", "TDP 5", 10, 40],
        ["Thuận Hà", "Thôn 3", 10, 40],
        ["Đắk Môl", "Thôn 3", 10, 40, 12.3601, 107.6901],
    ])  # fmt: skip
    result = import_villages(path, ImportOptions(load_communes(COMMUNES), places))
    assert not result.problems
    got = {f["properties"]["id"]: f for f in result.features}
    nam_binh = got["24721-thon-3"]
    assert nam_binh["properties"]["placement"] == "osm"
    assert nam_binh["properties"]["placement_match"] == "Thôn III (node/1)"
    assert nam_binh["geometry"]["coordinates"] == [107.605, 12.285]
    assert got["24717-tdp-5"]["properties"]["placement"] == "osm"  # the area, at a point inside
    # Thuận Hà has no Thôn 3 in the extract: Đắk Môl's and Nam Bình's are not taken.
    assert got["24722-thon-3"]["properties"]["placement"] == "commune"
    # A village placed by the sheet names the extract's place of its name as a check.
    dak_mol = got["24718-thon-3"]["properties"]
    assert (dak_mol["placement"], dak_mol["placement_match"]) == ("sheet", "Thôn 3 (node/2)")
    assert 10 < dak_mol["placement_distance_m"] < 20


def test_geocoder_answers_come_from_the_cache(tmp_path: Path) -> None:
    cache = tmp_path / "geocode.json"
    query = "Thôn 2, Xã Nam Bình, Việt Nam"
    cache.write_text(json.dumps({query: [107.59, 12.28, "Thôn 2, Nam Bình"]}), encoding="utf-8")

    def never(q: str) -> None:
        raise AssertionError(f"asked the network for {q}")

    geocoder = CachedGeocoder(cache, ask=never)
    path = _write_csv(tmp_path / "list.csv", [HEADER, ["Nam Bình", "Thôn 2", 10, 40]])
    result = import_villages(path, ImportOptions(load_communes(COMMUNES), geocoder=geocoder))
    [feature] = result.features
    assert feature["properties"]["placement"] == "geocoder"
    assert feature["geometry"]["coordinates"] == [107.59, 12.28]
    assert geocoder.asked == 0


def test_geocoder_asks_once_and_caches(tmp_path: Path) -> None:
    asked: list[str] = []

    def fake(q: str) -> tuple[float, float, str]:
        asked.append(q)
        return (107.59, 12.28, q)

    cache = tmp_path / "geocode.json"
    path = _write_csv(tmp_path / "list.csv", [HEADER, ["Nam Bình", "Thôn 2", 10, 40]])
    for _ in range(2):
        geocoder = CachedGeocoder(cache, ask=fake)
        import_villages(path, ImportOptions(load_communes(COMMUNES), geocoder=geocoder))
    assert asked == ["Thôn 2, Xã Nam Bình, Việt Nam"]


def test_unplaced_villages_are_never_one_stop(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "list.csv", [
        HEADER, ["Nam Bình", "Thôn 2", 10, 40], ["Nam Bình", "Thôn 3", 10, 40],
        ["Nam Bình", "Thôn 4", 10, 40, 12.286164, 107.600525],
        ["Nam Bình", "Thôn 5", 10, 40, 12.286200, 107.600600]])  # fmt: skip
    out = tmp_path / "v.geojson"
    assert run(str(path), "--communes", str(COMMUNES), "--out", str(out)) == 0
    villages = load_villages(out, communes=load_communes(COMMUNES))
    stops = cluster_villages(villages, radius_m=5000)
    unplaced = [s for s in stops if any(v.needs_placement for v in s.villages)]
    assert [len(s.villages) for s in unplaced] == [1, 1]
    assert any(len(s.villages) == 2 for s in stops)  # placed neighbours still share a stop


def test_plan_names_unplaced_villages(
    tmp_path: Path, tiny_settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    data = json.loads(Path(tiny_settings.villages).read_text(encoding="utf-8"))
    data["features"][0]["properties"]["placement"] = "commune"
    path = tmp_path / "villages.geojson"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    tiny = Path(tiny_settings.villages).parent
    code = main(["plan", "--settings", str(tiny / "settings.toml"), "--villages", str(path),
                 "--out", str(tmp_path / "maps"), "--quiet"])  # fmt: skip
    assert code == 0
    props = data["features"][0]["properties"]
    out = capsys.readouterr().out
    assert "1 thôn chưa có vị trí" in out and f"{props['name']} ({props['commune']})" in out


def test_written_workbook_round_trip(tmp_path: Path) -> None:
    """A workbook openpyxl writes with text numbers and an x column reads back exactly."""
    book = Workbook()
    sheet = book.active
    sheet.append(["Tên thôn", "Xã", "Hộ", "Dân số", "M'Nông"])
    sheet.append(["Bon Bu Sir", "Trường Xuân", "1.200", "4.800", "x"])
    book.save(tmp_path / "l.xlsx")
    result = import_villages(tmp_path / "l.xlsx", ImportOptions(load_communes(COMMUNES)))
    [f] = result.features
    assert (f["properties"]["households"], f["properties"]["population"]) == (1200, 4800)
    assert f["properties"]["languages"] == ["vi", "mnong"]


AREA = "Huyện Đắk Song, Tỉnh Đắk Nông"


def test_official_units_agree_with_the_communes_file() -> None:
    """The offline list gives each Đắk Song unit the GSO code and 2025 commune of the
    communes file (which came from the census and sapnhap.bando.com.vn)."""
    from outreach_planner.district.admin_units import official_commune

    for c in load_communes(COMMUNES):
        official = official_commune(c.full_name or c.name, AREA)
        assert official is not None, c.name
        assert (official.code, official.name_2025) == (c.code, c.commune_2025)
    assert official_commune("Xã Không Có", AREA) is None


def test_area_gives_codes_and_2025_communes_without_polygons(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "list.csv", [
        HEADER, GOOD, ["Thuan Ha", "Thôn 2", 10, 40, 12.26, 107.5]])  # fmt: skip
    result = import_villages(path, ImportOptions(area=AREA))
    assert not result.problems
    props = [f["properties"] for f in result.features]
    assert [(p["id"], p["commune"], p["commune_2025"]) for p in props] == [
        ("24721-thon-1", "Nam Bình", "Xã Đức An"),
        ("24722-thon-2", "Thuận Hà", "Xã Thuận Hạnh"),
    ]


def test_area_refuses_a_commune_not_in_the_official_list(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "list.csv", [HEADER, ["Nam Bìnhh", "Thôn 2", 10, 40]])
    result = import_villages(path, ImportOptions(area=AREA))
    [problem] = result.problems
    assert (problem.where, problem.field, problem.value) == ("row 2", "commune", "Nam Bìnhh")
    assert "official list" in problem.expected


def test_2025_sheet_with_former_communes(tmp_path: Path) -> None:
    """A list kept after the merger: the new commune, and the former one each village was in."""
    path = _write_csv(tmp_path / "list.csv", [
        ["Xã (sau sáp nhập)", "Xã cũ (trước sáp nhập)", "Thôn", "Số hộ", "Số khẩu"],
        ["Xã Đức An", "Nam Bình", "Thôn 1", 10, 40],
        ["Xã Đức An", "Đắk N'Drung", "Thôn 1", 10, 40],
        ["Xã Đức An", "xã Nam Binh", "Thôn I", 10, 40],
    ])  # fmt: skip
    result = import_villages(path, ImportOptions(load_communes(COMMUNES)))
    [problem] = result.problems  # the third row repeats the first: same name, same former
    assert problem.where == "row 4" and "by row 2" in problem.expected
    good = _write_csv(tmp_path / "good.csv", [
        ["Xã (sau sáp nhập)", "Xã cũ (trước sáp nhập)", "Thôn", "Số hộ", "Số khẩu"],
        ["Xã Đức An", "Nam Bình", "Thôn 1", 10, 40],
        ["Xã Đức An", "Đắk N'Drung", "Thôn 1", 10, 40],
    ])  # fmt: skip
    out = tmp_path / "v.geojson"
    assert run(str(good), "--communes", str(COMMUNES), "--out", str(out)) == 0
    villages = load_villages(out, communes=load_communes(COMMUNES))
    assert [(v.id, v.commune, v.commune_2025) for v in villages] == [
        ("24721-thon-1", "Nam Bình", "Xã Đức An"),
        ("24727-thon-1", "Đắk N'Drung", "Xã Đức An"),
    ]


def test_run_map_shows_the_2025_commune(tmp_path: Path, tiny_settings: Any) -> None:
    from outreach_planner.labels import Labels
    from outreach_planner.planner import load_inputs, make_plan
    from outreach_planner.render.maps import render_run_map

    data = json.loads(Path(tiny_settings.villages).read_text(encoding="utf-8"))
    for feature in data["features"]:
        feature["properties"]["commune_2025"] = "Xã Mới"
    path = tmp_path / "villages.geojson"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    settings = tiny_settings.replace(villages=path)
    plan = make_plan(settings, load_inputs(settings))
    page = render_run_map(plan, 0, Labels("vi")).decode("utf-8")
    visited = plan.runs[0].visits[0].stop.villages[0]
    assert f"{visited.commune} → Xã Mới" in page


def test_index_map_draws_unplaced_villages_apart(tmp_path: Path, tiny_settings: Any) -> None:
    """Two villages at their commune's centre: two stops, drawn apart, and a note saying so."""
    from outreach_planner.labels import Labels
    from outreach_planner.planner import load_inputs, make_plan
    from outreach_planner.render.maps import _shown_at, render_index_map

    data = json.loads(Path(tiny_settings.villages).read_text(encoding="utf-8"))
    for feature in data["features"][:2]:
        feature["properties"]["placement"] = "commune"
        feature["geometry"]["coordinates"] = [107.62, 12.25]
    path = tmp_path / "villages.geojson"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    settings = tiny_settings.replace(villages=path)
    plan = make_plan(settings, load_inputs(settings))
    unplaced = [s for s in plan.stops if any(v.needs_placement for v in s.villages)]
    assert len(unplaced) == 2 and unplaced[0].position == unplaced[1].position
    shown = _shown_at(plan.stops)
    assert shown[unplaced[0].id] != shown[unplaced[1].id]
    page = render_index_map(plan, Labels("vi")).decode("utf-8")
    assert "2 thôn chưa có vị trí" in page and '"dashArray": "4 3"' in page


def test_heading_row_with_commune_totals_is_not_a_village(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "list.csv", [
        ["STT", "Xã", "Thôn", "Số hộ", "Số khẩu"],
        ["I", "Xã Nam Bình", None, 30, 120],  # the commune's heading, with its totals
        [1, "Xã Nam Bình", "Thôn 1", 10, 40], [2, "Xã Nam Bình", "Thôn 2", 20, 80],
    ])  # fmt: skip
    result = import_villages(path, ImportOptions(load_communes(COMMUNES)))
    assert not result.problems
    assert sum(f["properties"]["households"] for f in result.features) == 30
    assert [s.reason for s in result.skipped] == ["group"]


def test_dashes_mean_no_coordinates_and_co_means_spoken(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "list.csv", [
        ["Xã", "Tên thôn", "Số hộ", "Số khẩu", "Vĩ độ", "Kinh độ", "M'Nông"],
        ["Nam Bình", "Thôn 1", 10, 40, "-", "-", "có"],
        ["Nam Bình", "Thôn 2", 10, 40, "chưa có", None, "-"],
    ])  # fmt: skip
    result = import_villages(path, ImportOptions(load_communes(COMMUNES)))
    assert not result.problems
    props = [f["properties"] for f in result.features]
    assert [p["placement"] for p in props] == ["commune", "commune"]
    assert [p["languages"] for p in props] == [["vi", "mnong"], ["vi"]]


def test_csv_saved_by_vietnamese_excel_in_windows_1258(tmp_path: Path) -> None:
    """Excel's "CSV" on a Vietnamese Windows: cp1258, tone marks as combining characters."""
    import unicodedata

    tones = "\u0300\u0301\u0303\u0309\u0323"
    text = "Xã;Tên thôn;Số hộ;Số khẩu\nNam Bình;Thôn Đắk Hòa;10;40\n"
    data = bytearray()
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
        data += (base + "".join(c for c in parts if c in tones)).encode("cp1258")
    path = tmp_path / "list.csv"
    path.write_bytes(bytes(data))
    result = import_villages(path, ImportOptions(load_communes(COMMUNES)))
    assert not result.problems
    [feature] = result.features
    assert feature["properties"]["name"] == "Thôn Đắk Hòa"  # NFC, as typed
    assert feature["properties"]["commune"] == "Nam Bình"
