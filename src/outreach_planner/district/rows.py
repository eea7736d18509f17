"""The rows of a village list: villages, commune group rows, and rows to skip with a reason.

Subtotals ("Cộng ...") and totals ("Tổng cộng", "TỔNG") are never villages;
below the total, a row without figures (the signature block) is skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from outreach_planner.district.cells import (
    lonlat_in_vietnam,
    parse_count,
    parse_degrees,
    split_pair,
)
from outreach_planner.district.layout import Column, Layout
from outreach_planner.district.names import fold, tidy
from outreach_planner.district.sheet import Grid
from outreach_planner.errors import ProblemCollector
from outreach_planner.geo import LonLat
from outreach_planner.io.villages import figure_problems
from outreach_planner.languages import language_codes

_MARK = re.compile(r"^\s*(?:[xX✓✔√•*+1]|có|Có|CÓ)\s*$")
# What offices write in a cell for "none" or "not known".
_NOTHING = {"-", "–", "—", "--", "0", "không", "khong", "chưa có", "chua co", "n/a"}
_HEADING = re.compile(r"^(?:[IVXLC]+|[A-Z])\.?$")  # "I", "II.", "A": a group's number
_ENUMERATOR = re.compile(r"^\s*(?:[IVXLC]+|\d+|[A-Za-z])\s*[.)\-:]\s+")
_SIGNATURE = ("nguoi lap", "ky ten", "ky ghi ro", "ghi ro ho ten", "thu truong", "chu tich",
              "xac nhan", "ngay thang nam", "tm uy ban", "tm ubnd", "kt chu tich")  # fmt: skip


@dataclass(frozen=True)
class SheetVillage:
    """One village row as read; position None when the row gives no coordinates."""

    row: int
    commune: str
    former_commune: str
    name: str
    households: int
    population: int
    languages: tuple[str, ...]
    position: LonLat | None
    swapped: bool = False  # the latitude and longitude columns held each other's values


@dataclass(frozen=True)
class Skipped:
    row: int
    reason: str  # "subtotal", "total", "signature", "text", "group"
    text: str


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return tidy(str(value))


def _where(col: Column) -> str:
    return f"{col.header} ({col.letter})"


def total_kind(texts: list[str]) -> str | None:
    """'subtotal' for "Cộng Nam Bình", 'total' for "Tổng cộng" or "TỔNG"; else None."""
    for text in texts:
        words = fold(text).split()
        if not words:
            continue
        if words[0] == "cong":
            return "subtotal"
        if words[0] == "tong" or words[:2] in (["toan", "huyen"], ["toan", "xa"]):
            # "Tổng xã Nam Bình" closes one group; "Tổng cộng" / "Tổng" closes the list.
            return "subtotal" if len(words) > 1 and words[1] in ("xa", "phuong") else "total"
        if words[0] in ("total", "subtotal"):
            return words[0]
    return None


def group_commune(text: str) -> str | None:
    """'Xã Nam Bình' from a group row such as "I. XÃ NAM BÌNH"; None for other text."""
    stripped = _ENUMERATOR.sub("", text).strip()
    words = fold(stripped).split()
    if len(words) >= 2 and (words[0] in ("xa", "phuong") or words[:2] == ["thi", "tran"]):
        return stripped
    return None


def read_rows(
    grid: Grid, layout: Layout, problems: ProblemCollector
) -> tuple[list[SheetVillage], list[Skipped]]:
    """Every village row of the table, and every other non-blank row with why it was skipped."""
    name_col = layout.col("name")
    assert name_col is not None  # a layout always has one
    commune_col, former_col = layout.col("commune"), layout.col("former_commune")
    villages: list[SheetVillage] = []
    skipped: list[Skipped] = []
    commune = ""
    below_total = False
    no_commune: list[int] = []
    for r in range(layout.first_data_row, len(grid.rows) + 1):
        values = grid.rows[r - 1]
        texts = [_text(v) for v in values]
        if not any(texts):
            continue
        name = _text(grid.cell(r, name_col.col))
        commune_here = _text(grid.cell(r, commune_col.col)) if commune_col else ""
        has_figures = any(
            _text(grid.cell(r, c.col))
            for c in (layout.col("households"), layout.col("population"))
            if c is not None
        )
        label_texts = [t for t in (name, commune_here, texts[0]) if t]
        kind = total_kind(label_texts)
        if kind is not None:
            skipped.append(Skipped(r, kind, " ".join(dict.fromkeys(label_texts))))
            below_total = below_total or kind == "total"
            continue
        if any(s in fold(" ".join(texts)) for s in _SIGNATURE) and not has_figures:
            skipped.append(Skipped(r, "signature", " ".join(t for t in texts if t)[:60]))
            continue
        if below_total and not has_figures:
            skipped.append(Skipped(r, "signature", " ".join(t for t in texts if t)[:60]))
            continue
        # A commune's heading row ("I. XÃ NAM BÌNH"), often with the commune's totals beside it.
        group = group_commune(name) if name else None
        heading = bool(_HEADING.match(texts[0])) and not name
        if group is not None or (commune_here and not name and (heading or not has_figures)):
            commune = group or commune_here
            skipped.append(Skipped(r, "group", commune))
            continue
        if not name and not has_figures:
            skipped.append(Skipped(r, "text", " ".join(t for t in texts if t)[:60]))
            continue
        commune = commune_here or commune
        if not commune:
            no_commune.append(r)
        village = _village(grid, layout, r, name, commune, former_col, problems)
        if village is not None and commune:
            villages.append(village)
    if no_commune:
        col = layout.col("commune")
        more = f" (and {len(no_commune) - 1} more rows)" if len(no_commune) > 1 else ""
        problems.add(f"row {no_commune[0]}{more}", _where(col) if col else "commune", None,
                     'the commune (a Xã column, or a group row such as "Xã Nam Bình")')  # fmt: skip
    return villages, skipped


def _village(
    grid: Grid,
    layout: Layout,
    r: int,
    name: str,
    commune: str,
    former_col: Column | None,
    problems: ProblemCollector,
) -> SheetVillage | None:
    where = f"row {r}"
    before = len(problems.problems)
    name_col = layout.col("name")
    assert name_col is not None
    if not name:
        problems.add(where, _where(name_col), None, "a village name (thôn, bon, tổ dân phố)")
    counts: dict[str, int | None] = {}
    for kind in ("households", "population"):
        col = layout.col(kind)
        if col is None:
            continue
        raw = grid.cell(r, col.col)
        counts[kind] = parse_count(raw)
        if counts[kind] is None:
            problems.add(where, _where(col), raw, "a whole number of 0 or more (e.g. 1.015)")
    households, population = counts.get("households"), counts.get("population")
    if households is not None and population is not None:
        for field, value, expected in figure_problems(households, population):
            col = layout.col(field)
            problems.add(where, _where(col) if col else field, value, expected)
    languages = _languages(grid, layout, r, problems)
    position, swapped = _position(grid, layout, r, problems)
    if len(problems.problems) > before:
        return None
    former = _text(grid.cell(r, former_col.col)) if former_col else ""
    assert households is not None and population is not None and languages is not None
    return SheetVillage(
        r, commune, former, name, households, population, languages, position, swapped
    )


def _languages(
    grid: Grid, layout: Layout, r: int, problems: ProblemCollector
) -> tuple[str, ...] | None:
    codes = ["vi"]
    ok = True
    for col, code in layout.language_columns:
        raw = grid.cell(r, col.col)
        text = _text(raw)
        if not text or (text.casefold() in _NOTHING and not _MARK.match(text)):
            continue
        if _MARK.match(text) or language_codes(text) == [code]:
            codes.append(code)
        else:
            problems.add(f"row {r}", _where(col), raw, "x (spoken here) or an empty cell")
            ok = False
    names_col = layout.col("languages")
    if names_col is not None:
        raw = grid.cell(r, names_col.col)
        text = _text(raw)
        found = language_codes(text) if text else []
        if found is None:
            problems.add(f"row {r}", _where(names_col), raw,
                         "ethnic groups or language codes, e.g. M'Nông, Ê Đê, koho")  # fmt: skip
            ok = False
        else:
            codes.extend(found)
    return tuple(dict.fromkeys(codes)) if ok else None


def _position(
    grid: Grid, layout: Layout, r: int, problems: ProblemCollector
) -> tuple[LonLat | None, bool]:
    lat_col, lon_col, pair_col = layout.col("lat"), layout.col("lon"), layout.col("coordinates")
    numbers: list[float] | None = None
    field = ""
    raw_value: object = None
    expected = "decimal degrees (12.286164) or degrees-minutes-seconds (12°17'10.2\"N)"
    if lat_col is not None and lon_col is not None:
        raw_lat, raw_lon = grid.cell(r, lat_col.col), grid.cell(r, lon_col.col)
        field = f"{_where(lat_col)}, {_where(lon_col)}"
        raw_value = [raw_lat, raw_lon]
        if _blank(raw_lat) and _blank(raw_lon):
            return None, False
        lat, lon = parse_degrees(raw_lat), parse_degrees(raw_lon)
        if lat is None or lon is None:
            problems.add(f"row {r}", field, raw_value, f"both coordinates in {expected}")
            return None, False
        numbers = [lon, lat]
    elif pair_col is not None:
        raw_value = grid.cell(r, pair_col.col)
        field = _where(pair_col)
        if _blank(raw_value):
            return None, False
        numbers = split_pair(raw_value) if isinstance(raw_value, str) else None
        if numbers is None:
            problems.add(f"row {r}", field, raw_value,
                         f"latitude and longitude in one cell, in {expected}")  # fmt: skip
            return None, False
    if numbers is None:
        return None, False
    position, swapped = lonlat_in_vietnam(numbers[0], numbers[1])
    if position is None:
        problems.add(f"row {r}", field, raw_value,
                     "a position in Vietnam (latitude 6–24, longitude 102–118)")  # fmt: skip
        return None, False
    # A pair cell is written latitude first: that order is not a swap.
    return position, swapped and pair_col is None


def _blank(value: object) -> bool:
    """An empty coordinate cell, or one saying there is none ("-", "chưa có")."""
    return _text(value).casefold() in _NOTHING | {""}
