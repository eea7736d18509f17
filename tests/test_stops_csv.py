"""The editable stop list file (io/stops_csv.py): what `stops init` writes and what
`load_stops` accepts or refuses.

Every bad cell must be reported in one pass with its row number, field and value;
the file must open cleanly in a spreadsheet (UTF-8 with BOM, formula-like cells quoted).
"""

from __future__ import annotations

import csv
import dataclasses
import io
import logging
from pathlib import Path

import pytest

from outreach_planner.cli import main
from outreach_planner.clustering import cluster_villages
from outreach_planner.domain import Stop
from outreach_planner.errors import InputError
from outreach_planner.geo import LonLat
from outreach_planner.io.communes import load_communes
from outreach_planner.io.stops_csv import COLUMNS, load_stops, render_stops_csv
from outreach_planner.io.villages import load_villages

TINY = Path(__file__).parent / "data" / "tiny"
TINY_SETTINGS = TINY / "settings.toml"
BOM = b"\xef\xbb\xbf"


@pytest.fixture(scope="module")
def villages():
    vs = load_villages(TINY / "villages.geojson", communes=load_communes(TINY / "communes.geojson"))
    return {v.id: v for v in vs}


def _load(path: Path, villages) -> list[Stop]:
    return load_stops(path, villages=villages, radius_m=300.0, default_min_visits=1)


def _problems(path: Path, villages) -> list:
    with pytest.raises(InputError) as info:
        _load(path, villages)
    return info.value.problems


def _init(path: Path, *extra: str) -> int:
    return main(["stops", "init", "--settings", str(TINY_SETTINGS), "--file", str(path), *extra])


def _error_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.strip()]


def _write_rows(path: Path, rows: list[dict[str, str]], *, delimiter: str = ",") -> Path:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, delimiter=delimiter, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: row.get(c, "") for c in COLUMNS})
    path.write_bytes(BOM + out.getvalue().encode("utf-8"))
    return path


# --- stops init -------------------------------------------------------------------------


def test_init_writes_bom_header_and_one_row_per_stop(tmp_path, capsys, villages):
    path = tmp_path / "stops.csv"
    assert _init(path) == 0
    out = capsys.readouterr().out
    data = path.read_bytes()
    assert data.startswith(BOM)
    assert not data[3:].startswith(BOM)
    text = data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert tuple(rows[0]) == COLUMNS
    expected = cluster_villages(list(villages.values()), radius_m=300.0)
    assert [r[0] for r in rows[1:]] == sorted(s.id for s in expected)
    assert all(len(r) == len(COLUMNS) for r in rows[1:])
    assert f"đã ghi {len(expected)} điểm dừng" in out  # Vietnamese by default
    # A–1 and A-2 are within the audible radius: one stop of two villages.
    by_id = {r[0]: dict(zip(COLUMNS, r, strict=True)) for r in rows[1:]}
    assert by_id["S-A-1"]["villages"] == "A-1;A-2"
    assert by_id["S-A-1"]["population"] == "1400"
    assert by_id["S-A-1"]["enabled"] == "yes"
    assert by_id["S-A-1"]["name"] == "Thôn 1 + Thôn 2, Xã A"


def test_init_reads_back_as_the_clustered_stops(tmp_path, villages):
    path = tmp_path / "stops.csv"
    assert _init(path) == 0
    loaded = _load(path, villages)
    clustered = [
        dataclasses.replace(s, min_visits=1)
        for s in cluster_villages(list(villages.values()), radius_m=300.0)
    ]
    assert sorted(loaded, key=lambda s: s.id) == sorted(clustered, key=lambda s: s.id)


def test_init_refuses_to_overwrite_without_force(tmp_path, capsys):
    path = tmp_path / "stops.csv"
    assert _init(path) == 0
    # A planner's edit the refusal must not lose.
    edited = path.read_bytes().replace(b"Bon 2, X", b"Bon Hai, X")
    path.write_bytes(edited)
    capsys.readouterr()
    assert _init(path) == 2
    err = _error_lines(capsys.readouterr().err)
    assert len(err) == 1 and err[0].startswith("error:")
    assert "--force" in err[0]
    assert path.read_bytes() == edited
    assert _init(path, "--force") == 0
    assert b"Bon Hai" not in path.read_bytes()


# --- what spreadsheets save -------------------------------------------------------------


def test_semicolon_file_with_decimal_comma_priority(tmp_path, villages):
    # What LibreOffice / Excel in a Vietnamese locale saves: ';' between cells, ',' decimals.
    text = (
        "id;name;lon;lat;villages;enabled;min_visits;priority;notes\r\n"
        'S-A-1;Thôn 1 + Thôn 2;107.61;12.25;"A-1;A-2";có;2;1,5;chợ phiên\r\n'
        "S-B-2;Bon 2;107.67;12.27;B-2;không;;2;\r\n"
    )
    path = tmp_path / "stops.csv"
    path.write_bytes(BOM + text.encode("utf-8"))
    stops = {s.id: s for s in _load(path, villages)}
    assert set(stops) == {"S-A-1", "S-B-2"}
    a = stops["S-A-1"]
    assert [v.id for v in a.villages] == ["A-1", "A-2"]
    assert a.priority == 1.5
    assert a.min_visits == 2
    assert a.enabled is True
    assert a.notes == "chợ phiên"
    b = stops["S-B-2"]
    assert b.enabled is False
    assert b.min_visits == 1  # empty: the default
    assert b.priority == 2.0


def test_file_without_bom_is_read_too(tmp_path, villages):
    path = tmp_path / "stops.csv"
    path.write_text("id,lon,lat,villages\nS-B-1,107.66,12.25,B-1\n", encoding="utf-8")
    (stop,) = _load(path, villages)
    assert stop.id == "S-B-1" and stop.name == "S-B-1" and stop.population == 1200


def test_semicolon_file_with_decimal_comma_coordinates(tmp_path, villages):
    text = "id;lon;lat;villages\r\nS-B-1;107,66;12,25;B-1\r\n"
    path = tmp_path / "stops.csv"
    path.write_bytes(BOM + text.encode("utf-8"))
    (stop,) = _load(path, villages)
    assert stop.position == LonLat(107.66, 12.25)


# --- bad cells, all in one pass ---------------------------------------------------------


def _ok(sid: str, **cells: str) -> dict[str, str]:
    row = {"id": sid, "name": sid, "lon": "107.63", "lat": "12.27", "enabled": "yes"}
    row.update(cells)
    return row


BAD_ROWS = [
    # (row, the file row number, field reported, value reported)
    (_ok("S1", villages="ZZ-9"), 2, "villages", "ZZ-9"),  # unknown village id
    (_ok("S2", villages="A-1"), 3, None, None),  # fine on its own
    (_ok("S3", villages="A-2;A-1"), 4, "villages", "A-1"),  # A-1 already in S2
    (_ok("S2", villages="A-3"), 5, "id", "S2"),  # duplicate stop id
    (_ok("S5", villages="A-4", lon="200"), 6, "lon/lat", ["200", "12.27"]),
    (_ok("S6", villages="B-1", enabled="maybe"), 7, "enabled", "maybe"),
    (_ok("S7", villages="B-2", min_visits="1.5"), 8, "min_visits", "1.5"),
    (_ok("S8", people_override="10", priority="0"), 9, "priority", "0"),
    (_ok("S9", people_override="10", pin_weekdays="funday"), 10, "pin_weekdays", "funday"),
    (_ok("S10", people_override="10", pin_dates="12/31/2026"), 11, "pin_dates", "12/31/2026"),
    (_ok("S11", people_override="10", earliest="25:00"), 12, "earliest", "25:00"),
    (_ok("S12", people_override="10", earliest="10:00", latest="09:30"), 13, "latest", "09:30"),
    (_ok("S13", people_override="10", extra_dwell_min="-3"), 14, "extra_dwell_min", "-3"),
    (_ok("S14", people_override="many"), 15, "people_override", "many"),
    (_ok("S15"), 16, "villages", ""),  # no village and no people_override
    # The same day twice is refused, as in the settings (parse.parse_weekdays says why).
    (
        _ok("S16", people_override="10", pin_weekdays="tuesday;tue"),
        17,
        "pin_weekdays",
        "tuesday;tue",
    ),
]


def test_every_bad_cell_is_reported_in_one_pass(tmp_path, villages):
    path = _write_rows(tmp_path / "stops.csv", [row for row, *_ in BAD_ROWS])
    problems = _problems(path, villages)
    found = {(p.where.split(" (")[0], p.field, repr(p.value)) for p in problems}
    for _, n, field, value in BAD_ROWS:
        if field is None:
            assert not any(p.where.startswith(f"row {n} ") for p in problems)
            continue
        assert (f"row {n}", field, repr(value)) in found, (n, field, value, problems)
    assert all(p.source == str(path) for p in problems)
    # Each message says what was expected, e.g. which stop has the village already.
    text = {str(p) for p in problems}
    assert any("row 4 (id S3)" in t and "already in stop S2" in t for t in text)
    assert any("row 5 (id S2)" in t and "not already used in row 3" in t for t in text)
    assert any("row 13 (id S12)" in t and "after earliest (10:00)" in t for t in text)


def test_bad_cells_through_the_command_line(tmp_path, capsys):
    path = _write_rows(tmp_path / "stops.csv", [row for row, *_ in BAD_ROWS])
    before = path.read_bytes()
    rc = main(["stops", "list", "--settings", str(TINY_SETTINGS), "--file", str(path)])
    assert rc == 2
    out, err = capsys.readouterr()
    lines = _error_lines(err)
    assert all(line.startswith("error: ") for line in lines)
    assert len(lines) >= len([b for b in BAD_ROWS if b[2] is not None])
    for _, n, field, _value in BAD_ROWS:
        if field is not None:
            assert any(f"row {n} " in line and f"'{field}'" in line for line in lines), n
    assert "Traceback" not in err and out == ""
    assert path.read_bytes() == before


def test_unknown_column_gets_a_did_you_mean_hint(tmp_path, villages):
    path = tmp_path / "stops.csv"
    path.write_text(
        "id,name,lon,lat,villages,priorty\r\nS-B-1,x,107.66,12.25,B-1,2\r\n", encoding="utf-8-sig"
    )
    (problem,) = _problems(path, villages)
    assert problem.where == "header" and problem.field == "priorty"
    assert "did you mean 'priority'?" in str(problem)


def test_missing_required_column(tmp_path, villages):
    path = tmp_path / "stops.csv"
    path.write_text("id,name,lon,lat\r\nS-B-1,x,107.66,12.25\r\n", encoding="utf-8-sig")
    (problem,) = _problems(path, villages)
    assert problem.field == "villages" and "a column named villages" in str(problem)


@pytest.mark.parametrize(
    "content, needle",
    [
        (b"", "empty file"),
        (BOM + b"\r\n  \r\n", "empty file"),
        (BOM + ",".join(COLUMNS).encode() + b"\r\n", "at least one stop"),
        ("id,name,lon,lat,villages\nS-A-3,Xã,107.63,12.27,A-3\n".encode("utf-16"), "UTF-8"),
    ],
    ids=["empty", "blank-lines", "header-only", "utf16"],
)
def test_empty_header_only_and_non_utf8_files(tmp_path, villages, content, needle):
    path = tmp_path / "stops.csv"
    path.write_bytes(content)
    problems = _problems(path, villages)
    assert len(problems) == 1
    assert needle in str(problems[0])


def test_utf16_error_names_the_byte(tmp_path, villages):
    # Not UTF-8 but Windows-1258 is read (tests/test_spreadsheet_habits.py); UTF-16 is not.
    path = tmp_path / "stops.csv"
    data = "id,name,lon,lat,villages\nS-A-3,Xã,107.63,12.27,A-3\n".encode("utf-16")
    path.write_bytes(data)
    (problem,) = _problems(path, villages)
    assert problem.where == "byte " + str(data.index(b"\x00"))


def test_too_many_cells_in_a_row(tmp_path, villages):
    path = tmp_path / "stops.csv"
    path.write_text("id,lon,lat,villages\nS-B-1,107.66,12.25,B-1,extra\n", encoding="utf-8")
    (problem,) = _problems(path, villages)
    assert problem.where == "row 2"


def test_far_village_is_a_warning_not_an_error(tmp_path, villages, caplog):
    path = tmp_path / "stops.csv"
    path.write_text("id,lon,lat,villages\nS-B-1,107.60,12.25,B-1\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="outreach_planner"):
        (stop,) = _load(path, villages)
    assert stop.villages[0].id == "B-1"
    messages = [r.getMessage() for r in caplog.records]
    assert any("B-1" in m and "audible radius" in m for m in messages)


# --- formulas ---------------------------------------------------------------------------


def _stop(villages, **changes) -> Stop:
    v = villages["B-1"]
    return dataclasses.replace(Stop("S-B-1", "Thôn 1", v.position, (v,)), **changes)


def test_formula_like_cells_are_written_with_a_leading_quote(tmp_path, villages):
    stop = _stop(villages, notes='=HYPERLINK("http://x")', name="+84 912 345 678")
    text = render_stops_csv([stop]).decode("utf-8-sig")
    row = next(csv.DictReader(io.StringIO(text, newline="")))
    assert row["notes"] == '\'=HYPERLINK("http://x")'
    assert row["name"] == "'+84 912 345 678"
    # Numbers are numbers, not formulas: a negative coordinate keeps its sign unquoted.
    west = dataclasses.replace(stop, position=LonLat(-1.5, 12.25), villages=(), people_override=5)
    row = next(csv.DictReader(io.StringIO(render_stops_csv([west]).decode("utf-8-sig"))))
    assert row["lon"] == "-1.500000"


def test_formula_cell_is_read_back_as_text(tmp_path, villages):
    path = tmp_path / "stops.csv"
    path.write_bytes(render_stops_csv([_stop(villages, notes="=SUM(A1:A9)")]))
    (stop,) = _load(path, villages)
    assert isinstance(stop.notes, str)
    assert stop.notes.endswith("=SUM(A1:A9)")


def test_formula_cell_round_trips_unchanged(tmp_path, villages):
    path = tmp_path / "stops.csv"
    stop = _stop(villages, notes="=SUM(A1:A9)", name="-Chợ mới")
    path.write_bytes(render_stops_csv([stop]))
    (back,) = _load(path, villages)
    assert (back.notes, back.name) == ("=SUM(A1:A9)", "-Chợ mới")


# --- empty cells ------------------------------------------------------------------------


def test_missing_enabled_column_means_enabled(tmp_path, villages):
    path = tmp_path / "stops.csv"
    path.write_text("id,lon,lat,villages\nS-B-1,107.66,12.25,B-1\n", encoding="utf-8")
    (stop,) = _load(path, villages)
    assert stop.enabled is True


def test_empty_enabled_cell_means_enabled(tmp_path, villages):
    path = tmp_path / "stops.csv"
    path.write_text("id,lon,lat,villages,enabled\nS-B-1,107.66,12.25,B-1,\n", encoding="utf-8")
    (stop,) = _load(path, villages)
    assert stop.enabled is True
