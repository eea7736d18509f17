"""How planners' spreadsheets save stops.csv: Excel on a Vietnamese Windows writes "CSV" in
Windows-1258, whose tone marks are separate combining characters. Such a file is read (as
NFC text), and the next edit saves it as UTF-8."""

from __future__ import annotations

import csv
import io
import unicodedata
from pathlib import Path

from outreach_planner.cli import main

TINY = Path(__file__).parent / "data" / "tiny"
TONES = "\u0300\u0301\u0303\u0309\u0323"  # grave, acute, tilde, hook above, dot below


def to_cp1258(text: str) -> bytes:
    """Bytes as Excel writes them in Windows-1258: a letter with a tone mark that has no
    code of its own is its base letter followed by the combining tone mark."""
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            tones = "".join(c for c in parts if c in TONES)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
            out += (base + tones).encode("cp1258")
    return bytes(out)


def _stops(path: Path, *args: str) -> int:
    command, *rest = args
    return main(["stops", command, *rest, "--file", str(path), "--lang", "en",
                 "--settings", str(TINY / "settings.toml")])  # fmt: skip


def test_windows_1258_stop_list_is_read(tmp_path, capsys):
    path = tmp_path / "stops.csv"
    assert _stops(path, "init") == 0
    text = path.read_bytes().decode("utf-8-sig")
    notes = "Chợ phiên thứ Sáu; đường đất, mưa thì lầy"
    name = "Điểm Bon Đắk Rmăng"
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    rows[0]["notes"], rows[0]["name"] = notes, name
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    raw = to_cp1258(out.getvalue())
    raw.decode("cp1258")  # a real Windows-1258 file ...
    try:
        raw.decode("utf-8")
        raise AssertionError("the test file must not be valid UTF-8")
    except UnicodeDecodeError:
        pass
    path.write_bytes(raw)
    capsys.readouterr()

    assert _stops(path, "list") == 0
    listed = capsys.readouterr().out
    assert name in listed  # NFC, as typed: 'Đắk' one letter with its marks
    # An edit saves the list as UTF-8 with the planner's text intact.
    assert _stops(path, "set", rows[0]["id"], "min_visits", "2") == 0
    saved = path.read_bytes()
    assert saved.startswith("\ufeff".encode())
    again = {r["id"]: r for r in csv.DictReader(io.StringIO(saved.decode("utf-8-sig")))}
    assert again[rows[0]["id"]]["notes"] == notes and again[rows[0]["id"]]["name"] == name


def test_utf16_stop_list_is_refused_in_one_line(tmp_path, capsys):
    path = tmp_path / "stops.csv"
    assert _stops(path, "init") == 0
    path.write_bytes(path.read_bytes().decode("utf-8-sig").encode("utf-16"))
    capsys.readouterr()
    assert _stops(path, "list") == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("error: ") and "UTF-8" in line and "UTF-16" in line


def _rows(path: Path) -> dict[str, dict[str, str]]:
    text = path.read_bytes().decode("utf-8-sig")
    return {r["id"]: r for r in csv.DictReader(io.StringIO(text, newline=""))}


def test_command_line_takes_vietnamese_weekdays_dates_and_short_times(tmp_path):
    path = tmp_path / "stops.csv"
    assert _stops(path, "init") == 0
    for day, pinned in (("thứ sáu", "friday"), ("T3", "tuesday"), ("Thu 6", "friday")):
        assert _stops(path, "pin", "S-B-1", "--weekday", day) == 0
        assert _rows(path)["S-B-1"]["pin_weekdays"] == pinned
    assert _stops(path, "pin", "S-B-1", "--date", "11/12/2026") == 0  # day first, always
    assert _rows(path)["S-B-1"]["pin_dates"] == "2026-12-11"
    assert _stops(path, "set", "S-A-3", "earliest", "8:00") == 0
    assert _stops(path, "set", "S-A-3", "latest", "11h30") == 0
    row = _rows(path)["S-A-3"]
    assert (row["earliest"], row["latest"]) == ("08:00", "11:30")


def test_hand_edited_stop_list_with_spreadsheet_habits_is_planned(tmp_path, capsys):
    """What a planner types in the spreadsheet is what the plan obeys."""
    import json

    path = tmp_path / "stops.csv"
    assert _stops(path, "init") == 0
    text = path.read_bytes().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    for row in rows:
        if row["id"] == "S-B-1":
            row["pin_weekdays"], row["earliest"] = "thứ sáu", "8:30"
        if row["id"] == "S-A-3":
            row["pin_dates"] = "08/12/2026;18/12/2026"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes(out.getvalue().encode("utf-8-sig"))
    maps = tmp_path / "maps"
    assert main(["plan", "--settings", str(TINY / "settings.toml"), "--stops", str(path),
                 "--quiet", "--out", str(maps), "--lang", "en"]) == 0  # fmt: skip
    plan = json.loads((maps / "plan.json").read_text(encoding="utf-8"))
    visits = [(r["date"], v) for r in plan["runs"] for v in r["visits"]]
    b1 = [(d, v) for d, v in visits if v["stop_id"] == "S-B-1"]
    assert b1 and all(r["weekday"] == "friday" for r in plan["runs"]
                      if any(v["stop_id"] == "S-B-1" for v in r["visits"]))  # fmt: skip
    assert all(v["start"][11:16] >= "08:30" for _, v in b1)
    a3 = {d for d, v in visits if v["stop_id"] == "S-A-3"}
    assert a3 and a3 <= {"2026-12-08", "2026-12-18"}
