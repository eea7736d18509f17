"""The estimated-data notice: on every output a person reads that shows a position or a
head count while any of the plan's data is estimated (villages marked `estimated`, a
depot with `estimated = true`), and on none once the data is real."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from outreach_planner.cli import main

TINY = Path(__file__).parent / "data" / "tiny"
NOTICE = {"vi": "Số liệu ước tính", "en": "Estimated data"}


def _folder(tmp: Path, *, estimated: bool) -> Path:
    folder = tmp / ("estimated" if estimated else "real")
    shutil.copytree(TINY, folder)
    if estimated:
        villages = json.loads((folder / "villages.geojson").read_text(encoding="utf-8"))
        for f in villages["features"]:
            f["properties"]["estimated"] = True
        (folder / "villages.geojson").write_text(json.dumps(villages), encoding="utf-8")
        settings = (folder / "settings.toml").read_text(encoding="utf-8")
        (folder / "settings.toml").write_text(settings + "estimated = true\n", encoding="utf-8")
    return folder


def _plan(folder: Path, lang: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["plan", "--settings", str(folder / "settings.toml"), "--quiet",
                     "--out", str(folder / "maps"), "--lang", lang])  # fmt: skip
    assert code == 0
    return out.getvalue()


@pytest.fixture(scope="module", params=[("vi", True), ("en", True), ("vi", False)],
                ids=["estimated-vi", "estimated-en", "real"])  # fmt: skip
def made(request, tmp_path_factory) -> tuple[Path, str, str, bool]:
    lang, estimated = request.param
    folder = _folder(tmp_path_factory.mktemp("notice"), estimated=estimated)
    return folder / "maps", _plan(folder, lang), lang, estimated


def _pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    return [unicodedata.normalize("NFC", p) for p in text.split("\f") if p.strip()]


def test_terminal(made):
    _, out, lang, estimated = made
    assert (NOTICE[lang] in out) is estimated
    if estimated:
        depot = "điểm xuất phát" if lang == "vi" else "depot"
        assert depot in next(line for line in out.splitlines() if NOTICE[lang] in line)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_every_pdf_page(made):
    maps, _, lang, estimated = made
    pdfs = sorted(maps.glob("run-*.pdf")) + [maps / "week-overview.pdf"]
    assert len(pdfs) > 1
    for pdf in pdfs:
        pages = _pages(pdf)
        assert len(pages) >= 1
        for n, page in enumerate(pages, start=1):
            assert (NOTICE[lang] in page) is estimated, (pdf.name, n)


def test_schedule_csv_column(made):
    maps, _, lang, estimated = made
    text = (maps / "schedule.csv").read_bytes().decode("utf-8-sig")
    lines = text.splitlines()
    assert not lines[0].startswith("#")  # a comment line breaks CSV readers
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][-1] == NOTICE[lang]
    assert len(rows) > 1 and all(len(r) == len(rows[0]) for r in rows)
    assert all(bool(r[-1]) is estimated for r in rows[1:])


def test_calendar_and_gpx(made):
    maps, _, lang, estimated = made
    ics = (maps / "calendar.ics").read_bytes().replace(b"\r\n ", b"").decode("utf-8")
    descriptions = [line for line in ics.splitlines() if line.startswith("DESCRIPTION")]
    assert descriptions and all((NOTICE[lang] in d) is estimated for d in descriptions)
    point = "Vị trí ước tính" if lang == "vi" else "Estimated position"
    for gpx in maps.glob("run-*.gpx"):
        text = gpx.read_text(encoding="utf-8")
        assert (NOTICE[lang] in text) is estimated
        # Each waypoint (depot and stops) says its position is estimated.
        assert text.count(point) == (text.count("<wpt ") if estimated else 0)


def test_html_maps(made):
    maps, _, lang, estimated = made
    for html in [maps / "index.html", *maps.glob("run-*.html")]:
        assert (NOTICE[lang] in html.read_text(encoding="utf-8")) is estimated, html.name


def test_schedule_csv_keeps_machine_numbers_and_adds_formatted_ones(made):
    maps, _, lang, _ = made
    rows = list(csv.reader(io.StringIO((maps / "schedule.csv").read_bytes().decode("utf-8-sig"))))
    head = rows[0]
    km, people = (
        head.index(next(h for h in head if h.endswith("(km)"))),
        head.index("Số dân được nghe" if lang == "vi" else "People covered"),
    )
    plan = json.loads((maps / "plan.json").read_text(encoding="utf-8"))
    legs = [v["leg"]["distance_m"] for r in plan["runs"] for v in r["visits"]]
    for row, metres in zip(rows[1:], legs, strict=True):
        assert float(row[km]) == pytest.approx(metres / 1000, abs=0.05)  # machine-readable
        shown, shown_people = row[-3], row[-2]
        if lang == "vi":
            assert shown == row[km].replace(".", ",")
            assert shown_people == f"{int(row[people]):,}".replace(",", ".")
        else:
            assert shown == row[km] and shown_people == f"{int(row[people]):,}"
