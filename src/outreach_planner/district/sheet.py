"""A spreadsheet (.xlsx or .csv) as a grid of cell values, merged cells filled in.

The only module that imports openpyxl. A merged cell's value is copied into
every cell of its range, so a commune written once beside its group of rows
reads as written on each of them, and a two-row header reads column by column.
"""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from outreach_planner.errors import InputError, Problem

Cell = str | int | float | None


@dataclass(frozen=True)
class Grid:
    """Rows of cell values; row 1 is the sheet's first row, column 1 its column A."""

    source: str
    sheet: str  # the worksheet's name, "" for a CSV
    rows: tuple[tuple[Cell, ...], ...]

    def cell(self, row: int, col: int) -> Cell:
        """The value at 1-based (row, col), None outside the grid."""
        if not 1 <= row <= len(self.rows):
            return None
        values = self.rows[row - 1]
        return values[col - 1] if 1 <= col <= len(values) else None


def column_letter(col: int) -> str:
    """'A' for 1, 'AA' for 27: how a spreadsheet names a column."""
    letters = ""
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def read_grids(path: Path) -> list[Grid]:
    """Every worksheet of an .xlsx file, or the one table of a .csv file."""
    source = str(path)

    def refuse(value: object, expected: str) -> InputError:
        return InputError(Problem(source, "", "", value, expected))

    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise refuse(str(path), "an existing spreadsheet file") from None
    except OSError as exc:
        raise refuse(exc.strerror, "a readable spreadsheet file") from None
    if not data.strip():
        raise refuse("empty file", "a spreadsheet (.xlsx or .csv)")
    if data[:4] == b"PK\x03\x04":
        return _xlsx(data, source, refuse)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise refuse("an old Excel .xls file", "an .xlsx or .csv file (Excel: Save As .xlsx)")
    return [_csv(data, source, refuse)]


def _xlsx(data: bytes, source: str, refuse) -> list[Grid]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(io.BytesIO(data), data_only=True)
    # openpyxl reports a damaged or foreign zip with several exception types.
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as exc:
        raise refuse(f"not a readable workbook ({type(exc).__name__})", "an .xlsx file") from None
    grids = []
    for sheet in book.worksheets:
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        for merged in sheet.merged_cells.ranges:
            top = rows[merged.min_row - 1][merged.min_col - 1] if rows else None
            for r in range(merged.min_row, merged.max_row + 1):
                for c in range(merged.min_col, merged.max_col + 1):
                    if r <= len(rows) and c <= len(rows[r - 1]):
                        rows[r - 1][c - 1] = top
        grids.append(Grid(source, sheet.title, tuple(tuple(_value(v) for v in r) for r in rows)))
    return grids


def _value(v: object) -> Cell:
    if isinstance(v, str):
        return unicodedata.normalize("NFC", v)  # names typed with combining tone marks
    if v is None or isinstance(v, int | float) and not isinstance(v, bool):
        return v  # type: ignore[return-value]
    return str(v)  # dates, booleans, formulas' errors: shown as written


def _csv(data: bytes, source: str, refuse) -> Grid:
    from outreach_planner.io.stops_csv import decode_spreadsheet_text

    text = decode_spreadsheet_text(data)
    if text is None:
        raise refuse("binary data", "a spreadsheet (.xlsx, or .csv in UTF-8 or Windows-1258)")
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    rows = [
        tuple(cell.strip() or None for cell in row)
        for row in csv.reader(io.StringIO(text), delimiter=delimiter)
    ]
    return Grid(source, "", tuple(rows))
