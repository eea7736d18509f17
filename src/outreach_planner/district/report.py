"""What `villages import` understood, in words a person reads (Vietnamese, or English)."""

from __future__ import annotations

from collections import Counter

from outreach_planner.district.layout import KIND_LABELS, KIND_LABELS_EN
from outreach_planner.district.village_import import VillageImport
from outreach_planner.labels import Labels

_WORDS = {
    "vi": {
        "read": "Đọc {file}{sheet}: dòng tiêu đề {rows}, dữ liệu từ dòng {first}",
        "sheet": ', trang tính "{name}"',
        "column": "  cột {letter:<2} {header!r:<40} → {kind}",
        "unused": "không dùng",
        "second": "{kind} (đã có cột khác, không dùng)",
        "language_x": "dấu x: nói tiếng {code}",
        "skipped": "Bỏ qua {n} dòng {reason}: {rows}",
        "subtotal": "cộng theo xã",
        "total": "tổng cộng",
        "signature": "chữ ký, ghi chú dưới bảng",
        "group": "tên xã đầu nhóm",
        "text": "chỉ có chữ, không có tên thôn và số liệu",
        "summary": "{villages} thôn, bon, tổ dân phố ở {communes} xã: {households} hộ, "
        "{people} người",
        "placement": "Vị trí: {sheet} từ bảng, {osm} theo tên trên OpenStreetMap, "
        "{geocoder} từ dịch vụ tìm địa danh, {commune} đặt tạm ở trung tâm xã (cần đặt lại)",
        "languages": "Ngôn ngữ: {langs}",
        "needs": "Cần đặt lại vị trí: {names}",
        "estimated": "Số liệu được đánh dấu là ước tính (--estimated).",
        "osm": "Địa danh OpenStreetMap © OpenStreetMap contributors (ODbL 1.0).",
    },
    "en": {
        "read": "Read {file}{sheet}: header row {rows}, data from row {first}",
        "sheet": ', sheet "{name}"',
        "column": "  column {letter:<2} {header!r:<40} → {kind}",
        "unused": "not used",
        "second": "{kind} (another column has it, not used)",
        "language_x": "an x: speaks {code}",
        "skipped": "Skipped {n} {reason} rows: {rows}",
        "subtotal": "subtotal",
        "total": "total",
        "signature": "signature or notes",
        "group": "commune group",
        "text": "text-only (no village name, no figures)",
        "summary": "{villages} villages in {communes} communes: {households} households, "
        "{people} people",
        "placement": "Placed: {sheet} from the sheet, {osm} by name in OpenStreetMap, "
        "{geocoder} by the geocoder, {commune} at their commune's centre (to be moved)",
        "languages": "Languages: {langs}",
        "needs": "Needing placement: {names}",
        "estimated": "Figures marked as estimated (--estimated).",
        "osm": "Place names © OpenStreetMap contributors (ODbL 1.0).",
    },
}


def _rows(numbers: list[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:12])
    return shown + (", …" if len(numbers) > 12 else "")


def understood(result: VillageImport, *, lang: str = "vi") -> list[str]:
    """The header, each column's meaning and the rows skipped: printed before writing."""
    words, kinds = _WORDS[lang], KIND_LABELS if lang == "vi" else KIND_LABELS_EN
    if result.layout is None or result.grid is None:
        return []
    layout, grid = result.layout, result.grid
    sheet = words["sheet"].format(name=grid.sheet) if grid.sheet else ""
    lines = [
        words["read"].format(
            file=result.source, sheet=sheet,
            rows="–".join(str(r) for r in layout.header_rows), first=layout.first_data_row,
        )
    ]  # fmt: skip
    for col in layout.columns:
        if col.kind is None:
            kind = words["unused"]
        elif col.kind.startswith("language:"):
            kind = words["language_x"].format(code=col.kind.split(":", 1)[1])
        else:
            kind = kinds[col.kind]
        if col.kind is not None and not col.used:
            kind = words["second"].format(kind=kind)
        lines.append(words["column"].format(letter=col.letter, header=col.header, kind=kind))
    by_reason: dict[str, list[int]] = {}
    for s in result.skipped:
        by_reason.setdefault(s.reason, []).append(s.row)
    for reason, rows in by_reason.items():
        lines.append(words["skipped"].format(n=len(rows), reason=words[reason], rows=_rows(rows)))
    return lines


def summary(result: VillageImport, *, lang: str = "vi") -> list[str]:
    """Counts and sums of what will be written, and the villages someone must place."""
    words, labels = _WORDS[lang], Labels(lang)
    props = [f["properties"] for f in result.features]
    langs: Counter[str] = Counter(code for p in props for code in p["languages"])
    lines = [
        words["summary"].format(
            villages=labels.count(len(props)),
            communes=len({p["commune"] for p in props}),
            households=labels.count(sum(p["households"] for p in props)),
            people=labels.count(sum(p["population"] for p in props)),
        ),
        words["placement"].format(**{how: result.count(how)
                                     for how in ("sheet", "osm", "geocoder", "commune")}),
        words["languages"].format(
            langs=", ".join(f"{labels.languages((c,))} {n}" for c, n in sorted(langs.items()))
        ),
    ]  # fmt: skip
    needing = [f"{p['name']} ({p['commune']})" for p in props if p["placement"] == "commune"]
    if needing:
        lines.append(words["needs"].format(names=_names(needing)))
    if any(p.get("estimated") and "households" in p.get("estimated_fields", []) for p in props):
        lines.append(words["estimated"])
    if result.count("osm"):
        lines.append(words["osm"])
    return lines + result.notes


def _names(names: list[str]) -> str:
    return "; ".join(names[:20]) + (f"; … ({len(names)})" if len(names) > 20 else "")
