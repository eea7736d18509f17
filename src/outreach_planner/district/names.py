"""Vietnamese place names as offices write them, reduced to keys that match.

"Thôn III", "thôn 3" and "THON 3" are one village; "Xã Nam Bình", "NAM BÌNH" and
"Nam Binh" one commune; "Đăk", "Đắk" and "Dak" one word. Keys drop diacritics,
case, punctuation and the administrative prefix, and turn Roman numerals into
Arabic ones. A village's kind (thôn, bon, tổ dân phố) stays in its id key,
because a commune may have both a Thôn 1 and a Bon 1.
"""

from __future__ import annotations

import re
import unicodedata

# Commune-level prefixes, longest first so "thi tran" wins over "thi".
_COMMUNE_PREFIXES = ("thi tran", "phuong", "xa", "tt", "p", "x")
# Village-level kinds and how their id key writes them ("Tổ 2" is a town's Tổ dân phố 2).
_VILLAGE_KINDS = (
    ("to dan pho", "tdp"), ("tdp", "tdp"), ("khu pho", "kp"), ("thon", "thon"),
    ("buon", "buon"), ("bon", "bon"), ("plei", "plei"), ("lang", "lang"), ("ban", "ban"),
    ("xom", "xom"), ("ap", "ap"), ("khoi", "khoi"), ("to", "tdp"), ("khu", "khu"),
)  # fmt: skip
_ROMAN = re.compile(r"^(?=[ivxlc]+$)(c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$")
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}


def fold(text: str) -> str:
    """Lower case without diacritics, punctuation as spaces: 'Đắk N'Drung' -> 'dak ndrung'."""
    text = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = re.sub(r"['’‘`´]", "", text)  # N'Drung and NDrung are one name
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


def roman_to_int(word: str) -> int | None:
    """3 for 'iii'; None when the word is not a Roman numeral up to 399."""
    if not word or not _ROMAN.match(word):
        return None
    total, previous = 0, 0
    for ch in reversed(word):
        value = _ROMAN_VALUES[ch]
        total += -value if value < previous else value
        previous = max(previous, value)
    return total


def _numerals(words: list[str]) -> list[str]:
    # A lone "i" or "x" is only a numeral after a kind word ("thôn I"), never a name alone.
    out = []
    for i, w in enumerate(words):
        n = roman_to_int(w) if i > 0 else None
        out.append(str(n) if n is not None else (str(int(w)) if w.isdigit() else w))
    return out


def commune_key(text: str) -> str:
    """'Xã Nam Bình' -> 'nam binh'; 'TT. Đức An' -> 'duc an'."""
    words = fold(text).split()
    for prefix in _COMMUNE_PREFIXES:
        p = prefix.split()
        if words[: len(p)] == p and len(words) > len(p):
            words = words[len(p) :]
            break
    return " ".join(_numerals(["_", *words])[1:])


def split_kind(text: str) -> tuple[str, str]:
    """('thon', '3') for 'Thôn III'; ('', 'ea tling') for a name without a kind."""
    words = fold(text).split()
    for spelled, short in _VILLAGE_KINDS:
        p = spelled.split()
        if words[: len(p)] == p and len(words) > len(p):
            rest = _numerals(["_", *words[len(p) :]])[1:]
            return short, " ".join(rest)
    return "", " ".join(_numerals(["_", *words])[1:])


def village_key(text: str) -> str:
    """The id key of a village name: 'Thôn III' -> 'thon 3', 'Tổ dân phố 1' -> 'tdp 1'."""
    kind, rest = split_kind(text)
    return f"{kind} {rest}".strip()


def bare_key(text: str) -> str:
    """The name without its kind, for matching other sources: 'Bon Bu Sir' -> 'bu sir'."""
    return split_kind(text)[1]


def slug(key: str) -> str:
    """A key as an id part: 'thon 3' -> 'thon-3'."""
    return key.replace(" ", "-")


def tidy(text: str) -> str:
    """A cell's text with runs of spaces and line breaks as one space."""
    return " ".join(str(text).split())
