"""Words shown to people: Vietnamese by default, English on request.

Dates are dd/mm/yyyy and times 24-hour in both, the local format.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from outreach_planner.days_off import MovedDate, SkippedDate
from outreach_planner.settings import WEEKDAYS, WEEKDAYS_VI

LANGS = ("vi", "en")

_LABELS: dict[str, dict[str, str]] = {
    "vi": {
        "plan_title": "Lịch trình đội thông tin lưu động",
        "run": "Chuyến",
        "vehicle": "Xe",
        "stop": "Điểm dừng",
        "stops": "Điểm dừng",
        "villages": "Thôn, bon, tổ dân phố",
        "commune": "Xã",
        "communes": "Ranh giới xã",
        "arrival": "Đến",
        "broadcast": "Phát thanh",
        "start": "Bắt đầu phát",
        "end": "Kết thúc phát",
        "depart": "Rời đi",
        "people": "Số dân",
        "people_covered": "Số dân được nghe",
        "languages": "Ngôn ngữ",
        "drive": "Đường đi",
        "km": "km",
        "min": "phút",
        "depot": "Điểm xuất phát",
        "leave_depot": "Xuất phát",
        "back_depot": "Về đến",
        "lunch": "Nghỉ trưa",
        "date": "Ngày",
        "seq": "Thứ tự",
        "stop_id": "Mã điểm",
        "all_stops": "Tất cả điểm dừng",
        "visits": "Lượt ghé",
        "unassigned": "Chưa xếp được",
        "reason": "Lý do",
        "straight_legs": "Đường nối là đường thẳng ước tính, không phải đường thực tế.",
        "estimated_data": "Vị trí thôn, bon là số liệu ước tính.",
        "vi": "Tiếng Việt",
        "mnong": "Tiếng M'Nông",
        "people_reached": "Lượt người nghe",
        "runs": "Chuyến",
        "no": "STT",
        "drive_next": "Đi tiếp",
        "route_sheet": "Lộ trình",
        "week": "Tuần",
        "week_overview": "Lịch tuần",
        "page": "Trang",
        "north": "B",
        "skipped_dates": "Không có chuyến (ngày nghỉ)",
        "moved_dates": "Chuyến dời ngày (ngày nghỉ)",
    },
    "en": {
        "plan_title": "Mobile information team rota",
        "run": "Run",
        "vehicle": "Vehicle",
        "stop": "Stop",
        "stops": "Stops",
        "villages": "Villages",
        "commune": "Commune",
        "communes": "Commune boundaries",
        "arrival": "Arrival",
        "broadcast": "Broadcast",
        "start": "Broadcast start",
        "end": "Broadcast end",
        "depart": "Departure",
        "people": "People",
        "people_covered": "People covered",
        "languages": "Languages",
        "drive": "Drive",
        "km": "km",
        "min": "min",
        "depot": "Depot",
        "leave_depot": "Leaves",
        "back_depot": "Back",
        "lunch": "Lunch",
        "date": "Date",
        "seq": "No.",
        "stop_id": "Stop id",
        "all_stops": "All stops",
        "visits": "Visits",
        "unassigned": "Not placed",
        "reason": "Reason",
        "straight_legs": "Legs are estimated straight lines, not the roads driven.",
        "estimated_data": "Village positions are estimates.",
        "vi": "Vietnamese",
        "mnong": "M'Nông",
        "people_reached": "People reached",
        "runs": "Runs",
        "no": "No.",
        "drive_next": "Drive to next",
        "route_sheet": "Route sheet",
        "week": "Week",
        "week_overview": "Week overview",
        "page": "Page",
        "north": "N",
        "skipped_dates": "No run (day off)",
        "moved_dates": "Runs moved (day off)",
    },
}


class Labels:
    """Label lookup and local date/time formats for one language."""

    def __init__(self, lang: str = "vi"):
        if lang not in LANGS:
            raise ValueError(f"language must be one of {LANGS}, got {lang!r}")
        self.lang = lang
        self._words = _LABELS[lang]

    def __getitem__(self, key: str) -> str:
        return self._words[key]

    def date(self, d: dt.date) -> str:
        return d.strftime("%d/%m/%Y")

    def weekday(self, d: dt.date) -> str:
        return WEEKDAYS_VI[d.weekday()] if self.lang == "vi" else WEEKDAYS[d.weekday()].title()

    def time(self, t: dt.datetime) -> str:
        return t.strftime("%H:%M")

    def count(self, n: int) -> str:
        """A whole number with thousands grouped: 12.345 in Vietnamese, 12,345 in English."""
        text = f"{n:,}"
        return text.replace(",", ".") if self.lang == "vi" else text

    def km(self, metres: float) -> str:
        """Kilometres to one decimal: 3,2 in Vietnamese, 3.2 in English."""
        text = f"{metres / 1000:,.1f}"
        return text.translate(str.maketrans(",.", ".,")) if self.lang == "vi" else text

    def languages(self, codes: tuple[str, ...]) -> str:
        return ", ".join(self._words.get(c, c) for c in codes)

    def day_changes(
        self, skipped: Sequence[SkippedDate], moved: Sequence[MovedDate]
    ) -> list[str]:
        """One line for the skipped run dates and one for the moved ones, with why."""
        lines = []
        if skipped:
            days = "; ".join(
                f"{self.weekday(s.date)} {self.date(s.date)} ({s.reason.name(self.lang)})"
                for s in skipped
            )
            lines.append(f"{self['skipped_dates']}: {days}")
        if moved:
            days = "; ".join(
                f"{self.weekday(m.date)} {self.date(m.date)} → {self.weekday(m.to)} "
                f"{self.date(m.to)} ({m.reason.name(self.lang)})"
                for m in moved
            )
            lines.append(f"{self['moved_dates']}: {days}")
        return lines
