"""`outreach-planner stops ...`: every command through the command line.

A command that works changes the file as asked; a refused edit exits 2 with one
`error:` line and leaves the file byte for byte as it was. Hand edits in the CSV
are validated on the next `plan`.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from outreach_planner.builtin import data_dir
from outreach_planner.cli import main
from outreach_planner.io.stops_csv import COLUMNS

TINY = Path(__file__).parent / "data" / "tiny"
TINY_SETTINGS = TINY / "settings.toml"


def _tiny_villages() -> dict[str, dict]:
    data = json.loads((TINY / "villages.geojson").read_text(encoding="utf-8"))
    return {f["properties"]["id"]: f for f in data["features"]}


def stops(path: Path, *args: str, settings: Path | None = TINY_SETTINGS) -> int:
    """`outreach-planner stops ARGS --file PATH [--settings S]`."""
    opts = ["--file", str(path), "--lang", "en"]
    opts += [] if settings is None else ["--settings", str(settings)]
    command, *rest = args
    return main(["stops", command, *rest, *opts])


def rows(path: Path) -> dict[str, dict[str, str]]:
    text = path.read_bytes().decode("utf-8-sig")
    return {r["id"]: r for r in csv.DictReader(io.StringIO(text, newline=""))}


def one_error(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert lines[0].startswith("error: "), lines
    return lines[0]


@pytest.fixture
def stops_csv(tmp_path: Path, capsys) -> Path:
    """A fresh stop list of the tiny data: S-A-1 (A-1, A-2), S-A-3, S-A-4, S-B-1, S-B-2."""
    path = tmp_path / "stops.csv"
    assert stops(path, "init") == 0
    capsys.readouterr()
    return path


# --- commands that work -----------------------------------------------------------------


def test_init_and_list(stops_csv, capsys):
    assert stops(stops_csv, "list") == 0
    out = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in out[:-1]] == ["S-A-1", "S-A-3", "S-A-4", "S-B-1", "S-B-2"]
    assert "1,400 people" in out[0] and "Thôn 1 + Thôn 2, Xã A" in out[0]
    assert out[-1] == "5 stops, 5 enabled"


def test_default_file_is_stops_csv_in_the_current_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["stops", "init", "--settings", str(TINY_SETTINGS)]) == 0
    assert (tmp_path / "stops.csv").is_file()
    assert main(["stops", "disable", "S-B-2", "--settings", str(TINY_SETTINGS)]) == 0
    assert rows(tmp_path / "stops.csv")["S-B-2"]["enabled"] == "no"


def test_add_at_coordinates_with_people(stops_csv, capsys):
    assert stops(stops_csv, "add", "--at", "107.65,12.26", "--people", "350", "--name", "Chợ") == 0
    assert "added S-new" in capsys.readouterr().out
    new = rows(stops_csv)["S-new"]
    assert (new["lon"], new["lat"]) == ("107.650000", "12.260000")
    assert new["villages"] == "" and new["people_override"] == "350" and new["population"] == "350"
    assert new["name"] == "Chợ" and new["enabled"] == "yes"
    assert len(rows(stops_csv)) == 6
    # A second one at the same kind of place gets a free id.
    assert stops(stops_csv, "add", "--at", "107.655,12.26", "--people", "10") == 0
    assert "S-new-2" in rows(stops_csv)


def test_add_at_coordinates_with_a_village_moves_it(stops_csv):
    assert stops(stops_csv, "add", "--at", "107.6201,12.275", "--villages-in", "A-4") == 0
    table = rows(stops_csv)
    holders = [sid for sid, r in table.items() if "A-4" in r["villages"].split(";")]
    assert len(holders) == 1
    assert table[holders[0]]["lon"] == "107.620100"
    assert len(table) == 5  # the old one-village stop S-A-4 went with its village


def test_add_by_village_name_from_the_gazetteer(stops_csv, capsys):
    a3 = _tiny_villages()["A-3"]["geometry"]["coordinates"]
    assert stops(stops_csv, "remove", "S-A-3") == 0  # a village no stop serves
    assert stops(stops_csv, "add", "--place", "Bon 3, Xã A") == 0
    assert "Bon 3, Xã A" in capsys.readouterr().out
    table = rows(stops_csv)
    holders = [r for r in table.values() if "A-3" in r["villages"].split(";")]
    assert len(holders) == 1  # a village stays in one stop
    new = holders[0]
    assert (float(new["lon"]), float(new["lat"])) == pytest.approx(tuple(a3), abs=1e-6)
    assert new["name"] == "Bon 3, Xã A"
    assert new["population"] == "1000"


def test_add_by_name_ignores_case_and_accents(stops_csv):
    b2 = _tiny_villages()["B-2"]["geometry"]["coordinates"]
    assert stops(stops_csv, "remove", "S-B-2") == 0
    assert stops(stops_csv, "add", "--place", "bon 2, xa b") == 0
    (new,) = [r for r in rows(stops_csv).values() if "B-2" in r["villages"].split(";")]
    assert (float(new["lon"]), float(new["lat"])) == pytest.approx(tuple(b2), abs=1e-6)


def test_add_back_a_removed_one_village_stop_gets_its_id(stops_csv):
    assert stops(stops_csv, "remove", "S-A-3") == 0
    assert stops(stops_csv, "add", "--place", "Bon 3, Xã A") == 0
    assert "S-A-3" in rows(stops_csv)


def test_add_at_a_village_a_stop_serves_changes_nothing(stops_csv, capsys):
    # The reported bug: this overwrote S-A-3's head count (1000 -> 50) and said "added".
    before = stops_csv.read_bytes()
    assert stops(stops_csv, "add", "--place", "Bon 3, Xã A", "--people", "50") == 2
    line = one_error(capsys.readouterr().err)
    assert "S-A-3" in line and "1000 people" in line and "--force" in line
    assert stops_csv.read_bytes() == before


def test_add_within_the_audible_radius_of_a_stop_changes_nothing(stops_csv, capsys):
    before = stops_csv.read_bytes()
    # 163 m east of S-A-4 (107.62, 12.275); the audible radius is 300 m.
    assert stops(stops_csv, "add", "--at", "107.6215,12.275", "--people", "90") == 2
    line = one_error(capsys.readouterr().err)
    assert "S-A-4" in line and "163 m" in line
    assert stops_csv.read_bytes() == before


def test_same_landmark_twice_is_refused_then_forced(stops_csv, capsys):
    assert stops(stops_csv, "add", "--at", "107.65,12.26", "--people", "350", "--name", "Chợ") == 0
    capsys.readouterr()
    before = stops_csv.read_bytes()
    assert stops(stops_csv, "add", "--at", "107.65,12.26", "--people", "350", "--name", "Chợ") == 2
    assert "S-new (Chợ, 350 people" in one_error(capsys.readouterr().err)
    assert stops_csv.read_bytes() == before
    assert stops(stops_csv, "add", "--at", "107.65,12.26", "--people", "30", "--force") == 0
    assert {"S-new", "S-new-2"} <= set(rows(stops_csv))


def test_forced_add_at_a_served_village_keeps_that_stop(stops_csv):
    assert stops(stops_csv, "add", "--place", "Bon 3, Xã A", "--people", "50", "--force") == 0
    table = rows(stops_csv)
    assert table["S-A-3"]["population"] == "1000" and table["S-A-3"]["villages"] == "A-3"
    (new,) = [r for sid, r in table.items() if r["people_override"] == "50"]
    assert new["villages"] == "" and new["id"] != "S-A-3"


@pytest.mark.parametrize("typo, meant", [("S-A-33", "S-A-3"), ("S-B1", "S-B-1")])
def test_mistyped_id_gets_did_you_mean(stops_csv, capsys, typo, meant):
    assert stops(stops_csv, "disable", typo) == 2
    assert f"did you mean {meant}" in one_error(capsys.readouterr().err)


@pytest.mark.parametrize("args", [("pin", "S-A-3"), ("add", "--at", "107.69,12.29")])
def test_missing_values_are_not_shown_as_none(stops_csv, capsys, args):
    assert stops(stops_csv, *args) == 2
    line = one_error(capsys.readouterr().err)
    assert "None" not in line and "missing" in line


def test_add_by_landmark_name_on_the_builtin_data(tmp_path, capsys):
    landmarks = json.loads((data_dir() / "landmarks_osm.geojson").read_text(encoding="utf-8"))
    (market,) = [
        f for f in landmarks["features"] if f["properties"].get("name") == "Chợ cũ NamNJang"
    ]
    lon, lat = market["geometry"]["coordinates"][:2]
    path = tmp_path / "stops.csv"
    assert stops(path, "init", settings=None) == 0  # the built-in Đắk Song villages
    before = rows(path)
    capsys.readouterr()

    # A landmark has no villages: without --people it is refused, file untouched.
    raw = path.read_bytes()
    assert stops(path, "add", "--place", "Chợ cũ NamNJang", settings=None) == 2
    one_error(capsys.readouterr().err)
    assert path.read_bytes() == raw

    assert stops(path, "add", "--place", "Chợ cũ NamNJang", "--people", "500", settings=None) == 0
    assert "Chợ cũ NamNJang" in capsys.readouterr().out
    after = rows(path)
    (new_id,) = set(after) - set(before)
    new = after[new_id]
    assert float(new["lon"]) == pytest.approx(lon, abs=1e-6)
    assert float(new["lat"]) == pytest.approx(lat, abs=1e-6)
    assert new["name"] == "Chợ cũ NamNJang"
    assert new["villages"] == "" and new["people_override"] == "500"
    assert {k: v for k, v in after.items() if k != new_id} == before


def test_ambiguous_builtin_name_lists_candidates(tmp_path, capsys):
    path = tmp_path / "stops.csv"
    assert stops(path, "init", settings=None) == 0
    raw = path.read_bytes()
    capsys.readouterr()
    assert stops(path, "add", "--place", "Thôn 1", settings=None) == 2
    line = one_error(capsys.readouterr().err)
    assert "'Thôn 1'" in line and "matches" in line
    assert line.count("Thôn 1, ") >= 2  # several candidates named, with their communes
    assert path.read_bytes() == raw


def test_ambiguous_tiny_name_lists_both_villages(stops_csv, capsys):
    raw = stops_csv.read_bytes()
    assert stops(stops_csv, "add", "--place", "Thôn 1") == 2
    line = one_error(capsys.readouterr().err)
    assert "Thôn 1, Xã A" in line and "Thôn 1, Xã B" in line
    assert stops_csv.read_bytes() == raw


def test_remove(stops_csv, capsys):
    assert stops(stops_csv, "remove", "S-B-2") == 0
    assert "removed S-B-2" in capsys.readouterr().out
    assert set(rows(stops_csv)) == {"S-A-1", "S-A-3", "S-A-4", "S-B-1"}


def test_disable_and_enable(stops_csv, capsys):
    assert stops(stops_csv, "disable", "S-A-3") == 0
    assert rows(stops_csv)["S-A-3"]["enabled"] == "no"
    capsys.readouterr()
    assert stops(stops_csv, "list") == 0
    out = capsys.readouterr().out
    assert "[disabled]" in next(line for line in out.splitlines() if line.startswith("S-A-3"))
    assert out.splitlines()[-1] == "5 stops, 4 enabled"
    assert stops(stops_csv, "enable", "S-A-3") == 0
    assert rows(stops_csv)["S-A-3"]["enabled"] == "yes"


def test_pin_weekday_then_date(stops_csv, capsys):
    assert stops(stops_csv, "pin", "S-B-1", "--weekday", "friday") == 0
    row = rows(stops_csv)["S-B-1"]
    assert (row["pin_weekdays"], row["pin_dates"]) == ("friday", "")
    assert "[pinned friday]" in capsys.readouterr().out
    # A new pin replaces the old one.
    assert stops(stops_csv, "pin", "S-B-1", "--date", "2026-12-11", "--date", "2026-12-15") == 0
    row = rows(stops_csv)["S-B-1"]
    assert (row["pin_weekdays"], row["pin_dates"]) == ("", "2026-12-11;2026-12-15")


def test_set_fields(stops_csv, capsys):
    assert stops(stops_csv, "set", "S-A-3", "priority", "2") == 0
    notes = "Chợ phiên thứ Sáu; đường đất, mưa thì lầy"
    assert stops(stops_csv, "set", "S-A-3", "notes", notes) == 0
    assert stops(stops_csv, "set", "S-A-3", "min_visits", "2") == 0
    assert stops(stops_csv, "set", "S-A-3", "earliest", "08:00") == 0
    assert stops(stops_csv, "set", "S-A-3", "extra_dwell_min", "2,5") == 0
    row = rows(stops_csv)["S-A-3"]
    assert row["priority"] == "2"
    assert row["notes"] == notes
    assert row["min_visits"] == "2"
    assert row["earliest"] == "08:00"
    assert row["extra_dwell_min"] == "2.5"
    capsys.readouterr()
    assert stops(stops_csv, "list") == 0
    assert "min 2" in next(
        line for line in capsys.readouterr().out.splitlines() if line.startswith("S-A-3")
    )
    # The other rows are untouched.
    assert rows(stops_csv)["S-B-1"]["notes"] == "" and rows(stops_csv)["S-B-1"]["priority"] == "1"


def test_split_then_merge_back(stops_csv, capsys):
    v = _tiny_villages()
    assert stops(stops_csv, "split", "S-A-1") == 0
    out = capsys.readouterr().out
    assert "split into S-A-1" in out and "split into S-A-2" in out
    table = rows(stops_csv)
    assert table["S-A-1"]["villages"] == "A-1" and table["S-A-2"]["villages"] == "A-2"
    for sid, vid in (("S-A-1", "A-1"), ("S-A-2", "A-2")):
        pos = (float(table[sid]["lon"]), float(table[sid]["lat"]))
        assert pos == pytest.approx(tuple(v[vid]["geometry"]["coordinates"]), abs=1e-6)

    assert stops(stops_csv, "merge", "S-A-1", "S-A-2") == 0
    assert "merged into S-A-1" in capsys.readouterr().out
    table = rows(stops_csv)
    assert set(table) == {"S-A-1", "S-A-3", "S-A-4", "S-B-1", "S-B-2"}
    assert table["S-A-1"]["villages"] == "A-1;A-2"
    assert table["S-A-1"]["population"] == "1400"


# --- refused edits: exit 2, one error line, file byte-identical ---------------------------


def _make_last_stop(path: Path) -> None:
    for sid in ("S-A-1", "S-A-3", "S-A-4", "S-B-1"):
        assert stops(path, "remove", sid) == 0


REFUSED = {
    "disable-unknown-id": (("disable", "S-X-9"), "S-X-9"),
    "enable-unknown-id": (("enable", "S-X-9"), "S-X-9"),
    "remove-unknown-id": (("remove", "S-X-9"), "S-X-9"),
    "pin-unknown-id": (("pin", "S-X-9", "--weekday", "friday"), "S-X-9"),
    "set-unknown-id": (("set", "S-X-9", "priority", "2"), "S-X-9"),
    "split-unknown-id": (("split", "S-X-9"), "S-X-9"),
    "merge-unknown-id": (("merge", "S-A-1", "S-X-9"), "S-X-9"),
    "set-bad-priority": (("set", "S-A-3", "priority", "abc"), "priority"),
    "set-zero-priority": (("set", "S-A-3", "priority", "0"), "priority"),
    "set-fraction-min-visits": (("set", "S-A-3", "min_visits", "1.5"), "min_visits"),
    "set-bad-enabled": (("set", "S-A-3", "enabled", "maybe"), "enabled"),
    "set-bad-time": (("set", "S-A-3", "earliest", "25:00"), "earliest"),
    "set-negative-dwell": (("set", "S-A-3", "extra_dwell_min", "-3"), "extra_dwell_min"),
    "set-lon-out-of-range": (("set", "S-A-3", "lon", "200"), "lon"),
    "set-unknown-village": (("set", "S-A-3", "villages", "A-3;ZZ-1"), "ZZ-1"),
    "set-village-of-another-stop": (("set", "S-A-3", "villages", "A-3;B-1"), "B-1"),
    "set-unknown-field": (("set", "S-A-3", "colour", "red"), "colour"),
    "set-id-is-not-editable": (("set", "S-A-3", "id", "S-Z"), "'id'"),
    "set-impossible-weekday-pin": (("set", "S-A-3", "pin_weekdays", "monday"), "monday"),
    "pin-monday-no-runs": (("pin", "S-A-3", "--weekday", "monday"), "monday"),
    "pin-unknown-weekday": (("pin", "S-A-3", "--weekday", "funday"), "funday"),
    "pin-wednesday-date": (("pin", "S-A-3", "--date", "2026-12-09"), "wednesday"),
    "pin-bad-date": (("pin", "S-A-3", "--date", "12/31/2026"), "12/31/2026"),  # never M/D
    "pin-nothing": (("pin", "S-A-3"), "--weekday"),
    "merge-far-stops": (("merge", "S-A-1", "S-B-2"), "audible radius"),
    "merge-with-itself": (("merge", "S-A-3", "S-A-3"), "S-A-3"),
    "split-one-village": (("split", "S-A-3"), "two or more villages"),
    "add-no-position": (("add", "--people", "10"), "--at"),
    "add-at-without-people-or-villages": (("add", "--at", "107.65,12.26"), "--people"),
    "add-bad-at": (("add", "--at", "east", "--people", "10"), "--at"),
    "add-bad-people": (("add", "--at", "107.65,12.26", "--people", "many"), "many"),
    "add-at-and-place": (
        ("add", "--at", "107.65,12.26", "--place", "Bon 2, Xã B"), "either --at"),
    "add-unknown-place": (("add", "--place", "Nowhere at all"), "Nowhere at all"),
    "add-far-village": (("add", "--at", "107.65,12.26", "--villages-in", "A-1"), "A-1"),
    "add-unknown-village": (("add", "--at", "107.65,12.26", "--villages-in", "ZZ-1"), "ZZ-1"),
    "remove-last-stop": (("remove", "S-B-2"), "last"),
}  # fmt: skip


@pytest.mark.parametrize("args, needle", REFUSED.values(), ids=REFUSED.keys())
def test_refused_edit_changes_nothing(stops_csv, capsys, request, args, needle):
    if request.node.callspec.id == "remove-last-stop":
        _make_last_stop(stops_csv)
        capsys.readouterr()
    before = stops_csv.read_bytes()
    assert stops(stops_csv, *args) == 2
    out, err = capsys.readouterr()
    line = one_error(err)
    assert needle in line
    assert "Traceback" not in err
    assert stops_csv.read_bytes() == before


def test_add_without_people_names_the_right_option(stops_csv, capsys):
    assert stops(stops_csv, "add", "--at", "107.65,12.26") == 2
    line = one_error(capsys.readouterr().err)
    assert "--villages-in" in line


def test_edit_of_a_missing_file_is_refused(tmp_path, capsys):
    path = tmp_path / "none.csv"
    assert stops(path, "disable", "S-A-3") == 2
    assert "stops init" in one_error(capsys.readouterr().err)
    assert not path.exists()


def test_edit_of_a_broken_file_is_refused_untouched(stops_csv, capsys):
    raw = stops_csv.read_bytes().replace(b"A-4,600,yes", b"A-4,600,perhaps")
    stops_csv.write_bytes(raw)
    assert stops(stops_csv, "disable", "S-A-3") == 2
    assert "perhaps" in one_error(capsys.readouterr().err)
    assert stops_csv.read_bytes() == raw


# --- hand edits, validated on the next plan ---------------------------------------------


def _hand_edit(path: Path, stop_id: str, field: str, value: str) -> None:
    """What a planner does in a spreadsheet, done with the csv module."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        table = list(reader)
        header = reader.fieldnames
    assert header is not None and tuple(header) == COLUMNS
    for row in table:
        if row["id"] == stop_id:
            row[field] = value
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=header)
        writer.writeheader()
        writer.writerows(table)


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _plan(path: Path, out: Path) -> int:
    return main(
        ["plan", "--settings", str(TINY_SETTINGS), "--start", "2026-12-07", "--quiet",
         "--stops", str(path), "--out", str(out)]
    )  # fmt: skip


def test_hand_edits_are_validated_on_the_next_plan(stops_csv, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    maps = tmp_path / "maps"
    assert _plan(stops_csv, maps) == 0
    before = _snapshot(maps)
    assert "plan.json" in before

    _hand_edit(stops_csv, "S-A-3", "priority", "lots")
    _hand_edit(stops_csv, "S-B-1", "pin_dates", "12/31/2026")  # month/day: never guessed
    capsys.readouterr()
    assert _plan(stops_csv, maps) == 2
    out, err = capsys.readouterr()
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 2 and all(line.startswith("error: ") for line in lines), lines
    assert any("(id S-A-3)" in x and "'priority'" in x and "'lots'" in x for x in lines)
    assert any("(id S-B-1)" in x and "'pin_dates'" in x and "'12/31/2026'" in x for x in lines)
    assert _snapshot(maps) == before

    # A good hand edit is taken: the disabled stop gets no visit.
    _hand_edit(stops_csv, "S-A-3", "priority", "1,5")
    _hand_edit(stops_csv, "S-B-1", "pin_dates", "")
    _hand_edit(stops_csv, "S-B-2", "enabled", "không")
    assert _plan(stops_csv, maps) == 0
    plan = json.loads((maps / "plan.json").read_text(encoding="utf-8"))
    visited = {v["stop_id"] for r in plan["runs"] for v in r["visits"]}
    assert "S-B-2" not in visited and "S-A-3" in visited
    (a3,) = [s for s in plan["stops"] if s["id"] == "S-A-3"]
    assert a3["priority"] == 1.5


# --- what a refusal says, and edits that keep the rest of the list ------------------------


REFUSAL_LINES = {
    "pin-monday-no-runs": (("pin", "S-A-3", "--weekday", "monday"),
                           ["'weekday'", "monday", "a weekday with runs (tuesday, friday)"]),
    "pin-wednesday-date": (("pin", "S-A-3", "--date", "2026-12-09"),
                           ["'date'", "2026-12-09", "a date on a run day (tuesday, friday); "
                            "it is a wednesday"]),
    "merge-with-itself": (("merge", "S-A-3", "S-A-3"),
                          ["'id'", "S-A-3", "a second, different stop"]),
}  # fmt: skip


@pytest.mark.parametrize("args, parts", REFUSAL_LINES.values(), ids=REFUSAL_LINES.keys())
def test_a_refusal_names_the_field_the_value_and_what_would_do(stops_csv, capsys, args, parts):
    assert stops(stops_csv, *args) == 2
    line = one_error(capsys.readouterr().err)
    for part in parts:
        assert part in line, (part, line)


def test_a_date_pin_must_fall_on_a_pinned_weekday(stops_csv, capsys):
    assert stops(stops_csv, "set", "S-A-3", "pin_weekdays", "friday") == 0
    before = stops_csv.read_bytes()
    # 2026-12-08 is a Tuesday: a run day, but not the stop's pinned Friday.
    assert stops(stops_csv, "set", "S-A-3", "pin_dates", "2026-12-08") == 2
    line = one_error(capsys.readouterr().err)
    assert "'date'" in line and "2026-12-08" in line and "pinned weekdays" in line
    assert stops_csv.read_bytes() == before
    # A Friday among the dates is one a visit can take.
    assert stops(stops_csv, "set", "S-A-3", "pin_dates", "2026-12-08;2026-12-11") == 0
    row = rows(stops_csv)["S-A-3"]
    assert (row["pin_weekdays"], row["pin_dates"]) == ("friday", "2026-12-08;2026-12-11")


def test_moving_one_village_of_two_keeps_the_stop_with_the_other(stops_csv):
    # S-A-1 serves Thôn 1 and Thôn 2; a new stop at Thôn 2 takes it over.
    assert stops(stops_csv, "add", "--at", "107.6118,12.2508", "--villages-in", "A-2",
                 "--force") == 0  # fmt: skip
    table = rows(stops_csv)
    assert table["S-A-1"]["villages"] == "A-1"
    assert table["S-A-1"]["name"] == "Thôn 1, Xã A"  # named after what it still serves
    assert table["S-A-1"]["population"] == "800"
    (new,) = [r for sid, r in table.items() if r["villages"] == "A-2"]
    assert new["population"] == "600"
    assert len(table) == 6
