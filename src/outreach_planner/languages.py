"""Broadcast languages: the codes villages and programme items use, and how offices name them.

The codes are Vietnamese and the languages of Vietnam's ethnic groups that a
district team may broadcast in; a spreadsheet may name one by its group
("Đồng bào M'Nông", "Ê Đê", "K'Ho") instead of its code.
"""

from __future__ import annotations

import re

from outreach_planner.district.names import fold

# Folded group or language names (as written in Vietnamese) -> code.
_NAMES = {
    "viet": "vi", "kinh": "vi", "tieng viet": "vi", "vi": "vi",
    "mnong": "mnong", "mnong gar": "mnong", "mnong preh": "mnong",
    "koho": "koho", "kho": "koho", "co ho": "koho", "coho": "koho",
    "ede": "ede", "e de": "ede", "rade": "ede",
    "jrai": "jrai", "gia rai": "jrai", "giarai": "jrai",
    "bahnar": "bahnar", "ba na": "bahnar", "bana": "bahnar",
    "sedang": "sedang", "xo dang": "sedang", "xodang": "sedang",
    "stieng": "stieng", "xtieng": "stieng", "x tieng": "stieng",
    "ma": "ma", "chu ru": "churu", "churu": "churu", "raglai": "raglai", "ra glai": "raglai",
    "hmong": "hmong", "mong": "hmong",
    "thai": "thai", "tay": "tay", "nung": "nung", "dao": "dao", "muong": "muong",
    "khmer": "khmer", "kho me": "khmer", "khome": "khmer", "cham": "cham", "hoa": "zh",
}  # fmt: skip
# Header words that say "the people of this group" or "its language" before the name.
_LEADS = ("dong bao dan toc", "dong bao", "dan toc", "tieng", "ngon ngu", "nguoi")


CODES = tuple(dict.fromkeys(_NAMES.values()))


def is_code(text: str) -> bool:
    return text in CODES


def language_code(text: str) -> str | None:
    """The code for a group or language name ('Đồng bào M'Nông' -> 'mnong'), or None."""
    key = fold(text)
    for lead in _LEADS:
        if key.startswith(lead + " "):
            key = key[len(lead) + 1 :]
            break
    if key in _NAMES:
        return _NAMES[key]
    squeezed = key.replace(" ", "")
    return _NAMES.get(squeezed)


def language_codes(text: str) -> list[str] | None:
    """Codes of a cell naming one or more languages ("M'Nông, Ê Đê"); None if one is unknown."""
    parts = [p for p in re.split(r"[,;/+]|\s+v[aà]\s+", text) if p.strip()]
    codes = []
    for part in parts:
        word = part.strip().lower()
        code = language_code(part) or (word if is_code(word) else None)
        if code is None:
            return None
        codes.append(code)
    return codes
