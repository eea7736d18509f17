"""Writes the village lists the import tests read (run from the repository root).

`villages_every_row.xlsx` and `.csv` hold the same 12 villages in a layout unlike
the office sample: one header row and a row of column numbers, the commune on
every row in mixed spellings, both coordinates in one cell (decimal or
degrees-minutes-seconds), Roman numerals, ethnic groups by name, a "TỔNG" row
and a signature line. Positions are points of the estimated built-in villages.

    python tests/data/district/make_sheets.py
"""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).parent
HEADER = ("TT", "Tên thôn/bon", "Thuộc xã", "Số hộ gia đình", "Nhân khẩu",
          "Tọa độ (vĩ độ, kinh độ)", "Dân tộc", "Ghi chú")  # fmt: skip
# name, commune as written, households, people as written, coordinates cell, groups
VILLAGES = [
    ("Thôn I", "xã Nam Bình", 219, "811", "12.286164, 107.600525", ""),
    ("Thôn II", "NAM BÌNH", 223, "826", "12°16'37.6\"N 107°34'35.4\"E", ""),
    ("Thôn III", "Nam Binh", 200, "740", "", ""),
    ("Thôn IV", "Xã Nam Bình", 184, "681", "12.260597;107.572235", ""),
    ("Bon 1", "Đắk Môl", 166, "674", "12.36354, 107.698138", "M'Nông"),
    ("Thôn 1", "DAK MOL", 197, "800", "", ""),
    ("Bon 2", "Xã Đăk Môl", 200, "812", "12°17'52.0\"N 107°44'27.3\"E", "M'Nông, Ê Đê"),
    ("Thôn 5", "xã đắk môl", 250, "1.015", "12,286055; 107,731834", ""),
    ("Tổ dân phố 1", "Thị trấn Đức An", 196, "709", "12.251156, 107.625242", ""),
    ("TDP 2", "TT Đức An", 200, "723", "", "Kinh"),
    ("Tổ dân phố 3", "ĐỨC AN", 243, "879", "12.249761, 107.615422", ""),
    ("tổ dân phố 4", "Duc An", 214, "774", "", ""),
]


def rows() -> list[tuple]:
    body = [(i, *v[:5], v[5] or None, None) for i, v in enumerate(VILLAGES, start=1)]
    total = (None, "TỔNG", None, sum(v[2] for v in VILLAGES),
             f"{sum(int(v[3].replace('.', '')) for v in VILLAGES):,}".replace(",", "."),
             None, None, None)  # fmt: skip
    return [
        ("DANH SÁCH THÔN, BON, TỔ DÂN PHỐ NĂM 2026", *[None] * 7),
        HEADER,
        tuple(f"({i})" for i in range(1, 9)),
        *body,
        total,
        (None, None, None, None, None, "Người lập biểu", None, None),
    ]


def main() -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "Thon bon"
    for row in rows():
        sheet.append(list(row))
    book.save(HERE / "villages_every_row.xlsx")
    with open(HERE / "villages_every_row.csv", "w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f, delimiter=";")
        for row in rows():
            writer.writerow(["" if v is None else v for v in row])


if __name__ == "__main__":
    main()
