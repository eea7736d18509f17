"""Finding the table in a village list: which row is the header, which column is which.

Headers are matched on their folded words, so "Số hộ", "SO HO" and "Tổng số hộ"
are all households. A header on two rows ("Dân số" over "Số hộ" and "Số nhân
khẩu") is read column by column, the lower row first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from outreach_planner.district.names import fold, tidy
from outreach_planner.district.sheet import Grid, column_letter
from outreach_planner.languages import language_code

# How far down a title block may push the header.
HEADER_SEARCH_ROWS = 40
REQUIRED = ("name", "households", "population")

KIND_LABELS = {
    "number": "số thứ tự (không dùng)",
    "notes": "ghi chú (không dùng)",
    "commune": "xã",
    "former_commune": "xã trước sáp nhập",
    "name": "tên thôn",
    "households": "số hộ",
    "population": "số nhân khẩu",
    "lat": "vĩ độ",
    "lon": "kinh độ",
    "coordinates": "tọa độ (một ô)",
    "languages": "dân tộc / ngôn ngữ (tên trong ô)",
}
KIND_LABELS_EN = {
    "number": "row number (not used)",
    "notes": "notes (not used)",
    "commune": "commune",
    "former_commune": "former (pre-2025) commune",
    "name": "village name",
    "households": "households",
    "population": "people",
    "lat": "latitude",
    "lon": "longitude",
    "coordinates": "coordinates (one cell)",
    "languages": "ethnic group / language (names in cells)",
}


def _has(words: list[str], *phrases: str) -> bool:
    text = " " + " ".join(words) + " "
    return any(f" {p} " in text for p in phrases)


def column_kind(header: str) -> str | None:
    """What a column holds, from its header text; None when the header says nothing known."""
    key = fold(header)
    words = key.split()
    if not words:
        return None
    if key in ("stt", "tt", "so tt", "so thu tu", "no") or key.startswith("so thu tu"):
        return "number"
    if _has(words, "ghi chu", "note", "notes"):
        return "notes"
    if _has(words, "truoc sap nhap", "xa cu", "don vi cu", "former commune", "old commune"):
        return "former_commune"
    if _has(words, "vi do", "lat", "latitude") and _has(words, "kinh do", "lon", "longitude"):
        return "coordinates"  # "Tọa độ (vĩ độ, kinh độ)": both in one cell
    if _has(words, "vi do", "lat", "latitude"):
        return "lat"
    if _has(words, "kinh do", "lon", "lng", "long", "longitude"):
        return "lon"
    if _has(words, "toa do", "gps", "vi tri", "coordinates", "location"):
        return "coordinates"
    code = language_code(header)
    if code is not None:
        return f"language:{code}"
    if _has(words, "ho", "so ho", "households", "hh"):
        return "households"
    if _has(words, "nhan khau", "khau", "dan so", "so dan", "so nguoi", "population", "people"):
        return "population"
    if _has(words, "xa", "phuong", "thi tran", "commune", "don vi hanh chinh"):
        return "commune"
    if _has(
        words, "thon", "bon", "buon", "to dan pho", "tdp", "xom", "ap", "lang", "ten",
        "village", "name",
    ):  # fmt: skip
        return "name"
    if _has(words, "dan toc", "ngon ngu", "dong bao", "tieng", "language", "languages"):
        return "languages"
    return None


@dataclass(frozen=True)
class Column:
    col: int  # 1-based
    header: str
    kind: str | None
    used: bool  # False for a second column of the same kind

    @property
    def letter(self) -> str:
        return column_letter(self.col)


@dataclass(frozen=True)
class Layout:
    """Where the table is: its header rows and each column's meaning."""

    header_rows: tuple[int, ...]  # 1-based
    columns: tuple[Column, ...]
    first_data_row: int

    def col(self, kind: str) -> Column | None:
        for c in self.columns:
            if c.kind == kind and c.used:
                return c
        return None

    @property
    def language_columns(self) -> list[tuple[Column, str]]:
        return [
            (c, c.kind.split(":", 1)[1])
            for c in self.columns
            if c.used and c.kind and c.kind.startswith("language:")
        ]


def _text(value: object) -> str:
    return tidy(value) if isinstance(value, str) else ""


def _row_kinds(grid: Grid, row: int) -> dict[int, str]:
    values = grid.rows[row - 1]
    return {c: k for c, v in enumerate(values, start=1) if (k := column_kind(_text(v))) is not None}


def _is_numeric(value: object) -> bool:
    if isinstance(value, int | float):
        return True
    return isinstance(value, str) and bool(re.fullmatch(r"[\d.,\s]+", value.strip()))


def _numbering_row(values: tuple[object, ...]) -> bool:
    """A row like (1) (2) (3) ... under a header, numbering its columns."""
    cells = [str(v).strip() for v in values if v is not None and str(v).strip()]
    numbers = [re.fullmatch(r"\(?(\d{1,2})\)?", c) for c in cells]
    if len(cells) < 3 or not all(numbers):
        return False
    ints = [int(m.group(1)) for m in numbers if m]
    return ints == sorted(ints) and len(set(ints)) == len(ints) and ints[0] <= 1


def _continues_header(grid: Grid, row: int) -> bool:
    """Whether the row below a header is its second row: sub-headers and nothing else."""
    new = [
        v
        for c, v in enumerate(grid.rows[row], start=1)
        if v is not None and _text(v) != _text(grid.cell(row, c))
    ]
    return bool(new) and all(not _is_numeric(v) and column_kind(_text(v)) for v in new)


def find_layout(grid: Grid) -> Layout | None:
    """The header and columns of the village table, or None when no header is found."""
    for row in range(1, min(len(grid.rows), HEADER_SEARCH_ROWS) + 1):
        kinds = set(_row_kinds(grid, row).values())
        if "name" not in kinds or not kinds & {"households", "population"}:
            continue
        header_rows = [row]
        if row + 1 <= len(grid.rows) and _continues_header(grid, row):
            one, two = _columns(grid, [row]), _columns(grid, [row, row + 1])
            both = {c.kind for c in two if c.used and c.kind}
            if (
                "name" in both
                and both & {"households", "population"}
                and len(both) >= len({c.kind for c in one if c.used})
            ):
                header_rows.append(row + 1)
        first = header_rows[-1] + 1
        if first <= len(grid.rows) and _numbering_row(grid.rows[first - 1]):
            first += 1
        return Layout(tuple(header_rows), _columns(grid, header_rows), first)
    return None


def _columns(grid: Grid, header_rows: list[int]) -> tuple[Column, ...]:
    width = max(len(grid.rows[r - 1]) for r in header_rows)
    top = list(grid.rows[header_rows[0] - 1]) + [None] * width
    if len(header_rows) == 2:
        # A parent cell in a CSV is not merged: a blank top cell with a sub-header below
        # belongs to the nearest parent on its left.
        lower = grid.rows[header_rows[1] - 1]
        for c in range(1, width):
            if top[c] is None and c < len(lower) and lower[c] is not None and top[c - 1]:
                top[c] = top[c - 1]
    columns: list[Column] = []
    seen: set[str] = set()
    for c in range(1, width + 1):
        parent = _text(top[c - 1])
        child = _text(grid.cell(header_rows[-1], c)) if len(header_rows) == 2 else ""
        if child == parent:
            child = ""
        header = f"{parent} / {child}" if parent and child else parent or child
        kind = (
            (column_kind(child) if child else None)
            or column_kind(f"{parent} {child}")
            or column_kind(parent)
        )
        if not header:
            continue
        used = kind is not None and kind not in seen
        if kind is not None:
            seen.add(kind)
        columns.append(Column(c, header, kind, used))
    return tuple(columns)
