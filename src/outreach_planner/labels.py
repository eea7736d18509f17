"""Words shown to people: Vietnamese by default, English on request.

Dates are dd/mm/yyyy and times 24-hour in both, the local format.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from outreach_planner.capacity import Capacity
from outreach_planner.days_off import MovedDate, SkippedDate
from outreach_planner.parse import WEEKDAYS, WEEKDAYS_VI
from outreach_planner.terminal_words import TERMINAL

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
        "estimated_data": "Số liệu ước tính, chưa phải số liệu thật:",
        "estimated_villages": "vị trí và số dân các thôn, bon",
        "estimated_depot": "vị trí điểm xuất phát",
        "estimated_col": "Số liệu ước tính",
        "formatted": "định dạng Việt Nam",
        "no_villages": "Không thuộc thôn, bon nào: {n} người (số người lập kế hoạch nhập)",
        "near_commune": "gần {name}",
        "no_roads_map": "Không có dữ liệu đường: đường nối là đường thẳng, không phải đường đi",
        "week_totals": "Cả tuần: {runs} chuyến · {visits} lượt ghé · {people} lượt người nghe · "
        "{km} km · lái xe {drive} giờ · phát thanh {broadcast} giờ",
        "week_not_visited": "Không được ghé trong tuần này ({n} điểm dừng, số dân)",
        "week_all_visited": "Mọi điểm dừng đang bật đều được ghé trong tuần này.",
        "estimated_point": "Vị trí ước tính, chưa phải vị trí thật.",
        "needs_placement": "{n} thôn chưa có vị trí, đặt tạm quanh trung tâm xã (viền đứt): "
        "cần đặt lại vị trí thật",
        "placeholder": "Vị trí tạm (trung tâm xã): cần đặt lại",
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
        "moved_from": "Chuyến dời từ",
        "run_items": "Bản tin của chuyến (mục, phút:giây)",
        "capacity_head": "Để xếp được {stops} điểm đang thiếu thời gian, chỉ cần một trong các "
        "thay đổi sau (mỗi thay đổi đã được lập thử kế hoạch):",
        "capacity_none": "Chưa tìm được thay đổi nào đủ cho {stops} điểm đang thiếu thời gian.",
        "cut_bulletin": "Rút ngắn bản tin {minutes} phút (các mục phát ở mọi điểm: tiếng Việt "
        "và phần chung)",
        "add_weekday": "Thêm chuyến vào {weekday} hằng tuần (thêm {runs} chuyến)",
        "more_weeks": "Lập kế hoạch thêm {weeks} tuần",
        "more_vehicles": "Thêm một xe ({vehicles} xe, thêm {runs} chuyến)",
        "team_hours": "giờ công của đội",
        "unassigned_legend": "Viền đỏ: điểm chưa xếp được (bấm vào để xem lý do)",
        "moved_dates": "Chuyến dời ngày (ngày nghỉ)",
        "more_cut": "… và {n} nơi nữa (xem bản đồ)",
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
        "estimated_data": "Estimated data, not real figures:",
        "estimated_villages": "village positions and head counts",
        "estimated_depot": "the depot's position",
        "estimated_col": "Estimated data",
        "formatted": "formatted",
        "no_villages": "No village: {n} people (the planner's count)",
        "near_commune": "near {name}",
        "no_roads_map": "No road data: legs are straight lines, not the roads",
        "week_totals": "Week: {runs} runs · {visits} visits · {people} people reached · "
        "{km} km · {drive} h driving · {broadcast} h broadcasting",
        "week_not_visited": "Not visited this week ({n} stops, people)",
        "week_all_visited": "Every enabled stop is visited this week.",
        "estimated_point": "Estimated position, not the real one.",
        "needs_placement": "{n} villages have no position yet and stand around their commune's "
        "centre (dashed): move them to where they are",
        "placeholder": "Placeholder position (commune centre): to be moved",
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
        "moved_from": "Moved from",
        "run_items": "This run's bulletin (item, min:s)",
        "capacity_head": "Any one of these changes fits the {stops} stops short of time "
        "(each was verified by planning with it):",
        "capacity_none": "No change tried fits the {stops} stops short of time.",
        "cut_bulletin": "Cut the bulletin by {minutes} min (items played at every stop: "
        "Vietnamese and common)",
        "add_weekday": "Add a run every {weekday} ({runs} more runs)",
        "more_weeks": "Plan {weeks} more weeks",
        "more_vehicles": "One more vehicle ({vehicles} vehicles, {runs} more runs)",
        "team_hours": "team-hours",
        "unassigned_legend": "Red outline: a stop not placed (click it for the reason)",
        "moved_dates": "Runs moved (day off)",
        "more_cut": "… and {n} more (see the map)",
    },
}


# Why a stop is unassigned, by its stable code (docs/plan-json.md), in Vietnamese; the
# English words are the plan's own reason, which names the same figures.
REASON_CODES = (
    "no_time", "no_time_keeping_previous", "too_few_runs", "pin_without_runs",
    "window_too_narrow", "too_far", "dwell_too_long", "unreachable", "no_runs",
)  # fmt: skip
_REASONS_VI = {
    "no_time": "{runs} chuyến không đủ thời gian cho mọi lượt bắt buộc (thiếu ít nhất {hours} "
    "giờ); xem các thay đổi đề xuất",
    "no_time_any": "không chuyến nào còn thời gian cho điểm này bên cạnh các điểm bắt buộc khác; "
    "thêm tuần hoặc thêm xe, hoặc giảm số lượt tối thiểu",
    "no_time_keeping_previous": "không chuyến nào còn thời gian khi giữ các lượt của kế hoạch "
    "trước; lập lại từ đầu với --fresh, thêm tuần hoặc thêm xe",
    "too_few_runs": "cần {visits} lượt cách nhau ít nhất {gap_days} ngày nhưng {runs} chuyến "
    "điểm này được tham gia chỉ cho phép {most} lượt",
    "pin_without_runs": "điểm được ghim vào những ngày không có chuyến nào",
    "window_too_narrow": "khung giờ của điểm ({window}, kể cả chuẩn bị) quá hẹp cho thời gian dừng "
    "({dwell_min} phút) và đường đi về ({trip_min} phút) trong một ngày làm việc",
    "too_far": "thời gian dừng ({dwell_min} phút) và đường đi về ({trip_min} phút) không vừa "
    "một ngày làm việc",
    "dwell_too_long": "thời gian dừng ({dwell_min} phút) dài hơn buổi làm việc dài nhất "
    "({longest_min} phút)",
    "unreachable": "đường bộ không nối điểm này với điểm xuất phát theo cả hai chiều",
    "no_runs": "cài đặt không có chuyến nào trong kỳ kế hoạch",
}


class Labels:
    """Label lookup and local date/time formats for one language."""

    def __init__(self, lang: str = "vi"):
        if lang not in LANGS:
            raise ValueError(f"language must be one of {LANGS}, got {lang!r}")
        self.lang = lang
        self._words = {**_LABELS[lang], **TERMINAL[lang]}

    def __getitem__(self, key: str) -> str:
        return self._words[key]

    def t(self, key: str, **fields: object) -> str:
        """A terminal template filled in ('{n} stops' -> '5 stops')."""
        if self.lang == "en" and "weeks" in fields:
            fields.setdefault("weeks_word", "week" if fields["weeks"] == 1 else "weeks")
        return self._words[key].format(**fields)

    def number(self, x: float, digits: int = 1) -> str:
        """A decimal number: 2,5 in Vietnamese, 2.5 in English."""
        text = f"{x:,.{digits}f}"
        return text.translate(str.maketrans(",.", ".,")) if self.lang == "vi" else text

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

    def estimated(self, parts: tuple[str, ...]) -> str:
        """The notice for a plan's estimated data ('' when all of it is real)."""
        if not parts:
            return ""
        what = "; ".join(self._words[f"estimated_{p}"] for p in parts)
        return f"{self._words['estimated_data']} {what}."

    def languages(self, codes: tuple[str, ...]) -> str:
        return ", ".join(self._words.get(c, c) for c in codes)

    def moved_here(self, moved: Sequence[MovedDate], day: dt.date) -> str | None:
        """For a run moved to `day`: where from and why; None for a run on its usual day."""
        for m in moved:
            if m.to == day:
                return (
                    f"{self['moved_from']} {self.weekday(m.date)} {self.date(m.date)} "
                    f"({m.reason.name(self.lang)})"
                )
        return None

    def day_changes(self, skipped: Sequence[SkippedDate], moved: Sequence[MovedDate]) -> list[str]:
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

    def reason(self, code: str, figures: Sequence[tuple[str, int]], english: str) -> str:
        """Why a stop is unassigned, in this language."""
        if self.lang == "en" or code not in _REASONS_VI:
            return english
        numbers = dict(figures)
        if code == "no_time" and not numbers.get("hours"):
            code = "no_time_any"
        values: dict[str, object] = dict(numbers)
        if "window_start_s" in numbers:
            lo, hi = numbers["window_start_s"], numbers["window_end_s"]
            values["window"] = f"{lo // 3600:02d}:{lo % 3600 // 60:02d}–" + (
                f"{hi // 3600:02d}:{hi % 3600 // 60:02d}"
            )
        try:
            return _REASONS_VI[code].format(**values)
        except KeyError:  # a reason without its figures: the words without them
            return english

    def capacity(self, capacity: Capacity) -> list[str]:
        """The capacity answer: a heading, then one line per verified change."""
        stops = capacity.stops_short
        if not capacity.suggestions:
            return [self["capacity_none"].format(stops=stops)]
        lines = [self["capacity_head"].format(stops=stops)]
        for sg in capacity.suggestions:
            figures: dict[str, object] = dict(sg.figures)
            if "weekday" in figures:
                day = WEEKDAYS.index(str(figures["weekday"]))
                names = WEEKDAYS_VI if self.lang == "vi" else [d.title() for d in WEEKDAYS]
                figures["weekday"] = names[day]
            hours = f"{sg.team_hours:+.1f}"
            if self.lang == "vi":
                hours = hours.replace(".", ",")
            lines.append(
                f"{self[sg.kind].format(**figures)} ({hours} {self['team_hours']}) — "
                f"{sg.file}: {'; '.join(sg.toml)}"
            )
        return lines
