"""`init DIR`: the district folder a team fills in, then plans in.

The settings file is the built-in one with the Đắk Song lines (villages,
communes, programme, depot) replaced by lines to fill in, so it lists every
setting the planner knows, commented, whatever settings are added later.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from outreach_planner.builtin import default_settings_path
from outreach_planner.errors import InputError, Problem
from outreach_planner.io.output_set import replace_together

SETTINGS = "settings.toml"
PROGRAMME = "programme.toml"
TEMPLATE = "villages-template.xlsx"
GUIDE = "HUONG-DAN.txt"

TEMPLATE_HEADER = (
    "STT", "Xã, phường", "Tên thôn, bon, tổ dân phố", "Số hộ", "Số nhân khẩu",
    "Vĩ độ", "Kinh độ", "Dân tộc thiểu số (M'Nông, Ê Đê, K'Ho, ...)", "Ghi chú",
)  # fmt: skip
TEMPLATE_EXAMPLE = (
    1, "Xã Ví Dụ", "Thôn 1", 120, "465", 12.251156, 107.625242, "M'Nông",
    "Dòng ví dụ: xóa và điền danh sách của xã",
)  # fmt: skip

_DISTRICT_LINES = """\
# Cài đặt của đội thông tin lưu động (tạo bằng `outreach-planner init`).
# Điền các dòng có "ĐIỀN" rồi chạy các lệnh trong HUONG-DAN.txt, trong thư mục này.
# Mỗi cài đặt khác có giá trị mặc định như ghi bên dưới; đường dẫn tính từ thư mục này.

district = "{name}"              # tên hiện trên bản đồ và lịch trình
villages = "villages.geojson"    # tạo bằng: outreach-planner villages import danh-sach-thon.xlsx
# Ranh giới xã: một tệp GeoJSON các đa giác xã (thuộc tính `name`), hoặc tạo từ OpenStreetMap
# bằng `outreach-planner communes import FILE.osm.pbf --admin-level 8`; "none" khi không có:
# tên xã trong danh sách thôn là các xã, bản đồ không vẽ ranh giới.
communes = "none"
programme = "programme.toml"     # bản tin: các mục và thời lượng
"""

_DEPOT = """\
[depot]
# ĐIỀN: nơi xe xuất phát và trở về mỗi chuyến (trung tâm văn hóa, thông tin của huyện/xã).
# Kinh độ (lon) và vĩ độ (lat) lấy từ bản đồ, ví dụ lon = 107.61836, lat = 12.2511.
# name = "Trung tâm Văn hóa - Thông tin và Thể thao ..."
# lon = 0.0
# lat = 0.0
"""

_PROGRAMME = """\
# Bản tin mẫu (tạo bằng `outreach-planner init`): thay bằng các mục của đội.
# Mỗi mục có thời lượng: `minutes` (phút), `text` (tệp văn bản, đọc 233 âm tiết/phút)
# hoặc `audio` (tệp âm thanh). Mục có `language` chỉ phát ở điểm có thôn nói tiếng đó
# (mã: vi, mnong, koho, ede, jrai, bahnar, sedang, stieng, hmong, thai, tay, nung, khmer...);
# mục không có `language` phát ở mọi điểm.
title = "Bản tin lưu động"

[[items]]
title = "Nhạc hiệu và thông báo của xã"
minutes = 2

[[items]]
title = "Tin tức, chính sách trong tuần"
language = "vi"
minutes = 8

[[items]]
title = "Bản tin tiếng M'Nông (đổi mã ngôn ngữ cho đúng đồng bào của địa phương)"
language = "mnong"
minutes = 6
"""

_GUIDE = """\
HƯỚNG DẪN LẬP LỊCH CHO ĐỘI THÔNG TIN LƯU ĐỘNG
=============================================

Thư mục này là của đội {name}. Điền bốn thứ, rồi chạy hai lệnh.

1. settings.toml (mở bằng Notepad):
   - dòng `district`: tên huyện hoặc xã;
   - bảng [depot]: bỏ dấu # ở ba dòng name, lon, lat và điền nơi xe xuất phát
     (kinh độ lon, vĩ độ lat: nhấp chuột phải vào điểm đó trên Google Maps để chép);
   - dòng `communes`: để "none" nếu không có tệp ranh giới xã.
   Các dòng khác (ngày chạy, giờ làm việc, số xe...) đã có giá trị mặc định, sửa nếu cần.

2. villages-template.xlsx: mở bằng Excel, xóa dòng ví dụ, điền mỗi thôn, bon, tổ dân phố
   một dòng: xã, tên thôn, số hộ, số nhân khẩu; vĩ độ và kinh độ nếu biết (để trống nếu
   không biết: thôn sẽ được đặt tạm ở giữa xã, cần đặt lại sau); tên dân tộc thiểu số nếu
   cần phát bản tin tiếng dân tộc ở thôn đó. Lưu lại với tên danh-sach-thon.xlsx.
   (Danh sách sẵn có của xã cũng dùng được: chương trình tự tìm dòng tiêu đề và các cột,
   bỏ qua các dòng cộng, tổng cộng và chữ ký.)

3. programme.toml: các mục của bản tin và thời lượng mỗi mục (phút).

4. Chạy hai lệnh trong thư mục này (mở cửa sổ lệnh tại thư mục):

       outreach-planner villages import danh-sach-thon.xlsx
       outreach-planner plan

   Lệnh thứ nhất in ra cách nó hiểu bảng (dòng tiêu đề, từng cột, các dòng bỏ qua) rồi ghi
   villages.geojson; nếu bảng có lỗi, nó ghi rõ dòng, cột và giá trị cần sửa.
   Lệnh thứ hai lập lịch 4 tuần và ghi bản đồ, lịch trình vào thư mục maps/
   (mở maps/index.html bằng trình duyệt).

Nếu thiếu một dòng cài đặt, chương trình báo dòng nào cần điền; nó không bao giờ dùng
dữ liệu của huyện khác thay vào.
"""


def settings_text(name: str) -> str:
    """The district's settings.toml: the built-in settings with the Đắk Song lines replaced."""
    builtin = default_settings_path().read_text(encoding="utf-8")
    body = builtin.split("\n")
    # Drop the built-in header comment and its data lines; keep every other setting.
    start = next(i for i, line in enumerate(body) if re.match(r"(#\s*)?start\s*=", line))
    rest = "\n".join(body[start:])
    depot = re.search(r"^\[depot\]\n(?:(?!\[).*\n)*", rest, flags=re.MULTILINE)
    if depot is not None:
        rest = rest[: depot.start()] + _DEPOT + "\n" + rest[depot.end() :].lstrip("\n")
    else:
        rest += "\n" + _DEPOT
    return _DISTRICT_LINES.format(name=_toml_text(name)) + "\n" + rest.rstrip("\n") + "\n"


def _toml_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def template_bytes() -> bytes:
    """villages-template.xlsx: the Vietnamese headers and one example row."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    # Fixed document dates: the same template, byte for byte, every time.
    book.properties.created = book.properties.modified = dt.datetime(2025, 7, 1)
    sheet = book.active
    sheet.title = "Danh sách thôn"
    sheet.append(["DANH SÁCH THÔN, BON, TỔ DÂN PHỐ"])
    sheet.append([])
    sheet.append(list(TEMPLATE_HEADER))
    sheet.append(list(TEMPLATE_EXAMPLE))
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for col, width in zip("ABCDEFGHI", (6, 18, 28, 10, 14, 12, 12, 34, 40), strict=True):
        sheet.column_dimensions[col].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return _fixed_dates(buffer.getvalue())


_FIXED = (2025, 7, 1, 0, 0, 0)


def _fixed_dates(xlsx: bytes) -> bytes:
    """The workbook with the save time taken out (zip entries and the document's modified
    date), so the template is the same bytes every time."""
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>2025-07-01T00:00:00Z\g<2>",
                    data,
                )
            fixed = zipfile.ZipInfo(info.filename, date_time=_FIXED)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, data)
    return out.getvalue()


def init_folder(folder: Path, *, name: str, force: bool = False) -> list[Path]:
    """Write the district folder's four files; refuse to overwrite any unless `force`."""
    files = {
        SETTINGS: settings_text(name).encode("utf-8"),
        PROGRAMME: _PROGRAMME.encode("utf-8"),
        TEMPLATE: template_bytes(),
        # Windows line ends and a BOM: Notepad opens it right on any Windows.
        GUIDE: _GUIDE.format(name=name).replace("\n", "\r\n").encode("utf-8-sig"),
    }
    existing = [folder / n for n in files if (folder / n).exists()]
    if existing and not force:
        raise InputError(
            [Problem(str(p), "", "", "already exists", "a new file (--force replaces it)")
             for p in existing]
        )  # fmt: skip
    replace_together(folder, files)
    return [folder / n for n in files]
