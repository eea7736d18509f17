"""Cell values as offices type them: counts with "." between thousands, coordinates in
decimal degrees or degrees-minutes-seconds, one or two to a cell."""

from __future__ import annotations

import math
import re

from outreach_planner.geo import LonLat

# Vietnam's extent with its islands, degrees: what a coordinate in a village list can be.
VIETNAM_LON = (102.0, 118.0)
VIETNAM_LAT = (6.0, 24.0)
COORD_DECIMALS = 6

_THOUSANDS = re.compile(r"\d{1,3}([.,\s]\d{3})+")
_DMS = re.compile(
    r"(-?\d+(?:[.,]\d+)?)\s*[°º˚]\s*"
    r"(?:(\d+(?:[.,]\d+)?)\s*['’′]\s*)?"
    r"(?:(\d+(?:[.,]\d+)?)\s*(?:\"|''|”|″|’’)\s*)?"
    r"([NSEWBĐT])?",
    re.IGNORECASE,
)


def parse_count(value: object) -> int | None:
    """A whole number of 0 or more from a cell: 1015, 1015.0, "1.015", "1 015"; else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        return int(value) if math.isfinite(value) and value.is_integer() and value >= 0 else None
    if isinstance(value, int):
        return value if value >= 0 else None
    if not isinstance(value, str):
        return None
    text = value.strip().replace("\u00a0", " ")
    if re.fullmatch(r"\d+", text):
        return int(text)
    if _THOUSANDS.fullmatch(text):
        return int(re.sub(r"[.,\s]", "", text))
    if re.fullmatch(r"\d+[.,]0+", text):
        return int(re.split(r"[.,]", text)[0])
    return None


def _number(text: str) -> float | None:
    text = text.strip().replace(" ", "")
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")  # a decimal comma, as Vietnamese Excel writes it
    try:
        x = float(text)
    except ValueError:
        return None
    return x if math.isfinite(x) else None


def _dms(match: re.Match[str]) -> float:
    deg, minutes, seconds, hemisphere = match.groups()
    d = float(deg.replace(",", "."))
    m = float(minutes.replace(",", ".")) if minutes else 0.0
    s = float(seconds.replace(",", ".")) if seconds else 0.0
    value = abs(d) + m / 60 + s / 3600
    # South and West (English) or Tây (west): outside Vietnam, kept negative to be refused.
    negative = d < 0 or (hemisphere or "").upper() in ("S", "W", "T")
    return -value if negative else value


def parse_degrees(value: object) -> float | None:
    """One coordinate from a cell: 12.286164, "12,286164" or 12°17'10.2"N; None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    match = _DMS.fullmatch(text)
    if match:
        return _dms(match)
    return _number(text)


def split_pair(value: object) -> list[float] | None:
    """Both coordinates from one cell ("12.28, 107.60", "12°17'N 107°36'E"); None if not two."""
    if not isinstance(value, str):
        return None
    text = value.strip().strip("()[]")
    if "°" in text or "º" in text:
        found = [_dms(m) for m in _DMS.finditer(text) if m.group(0).strip()]
        return found if len(found) == 2 else None
    for sep in (";", ", ", " ,", "\t", "/", " - "):
        if sep in text:
            parts = text.split(sep)
            break
    else:
        parts = text.split(",") if text.count(",") == 1 else text.split()
    if len(parts) != 2:
        return None
    numbers = [_number(p) for p in parts]
    return [n for n in numbers if n is not None] if None not in numbers else None


def lonlat_in_vietnam(a: float, b: float) -> tuple[LonLat | None, bool]:
    """(position, swapped) from two numbers in either order; (None, False) outside Vietnam.

    Vietnam's latitudes (6–24) and longitudes (102–118) do not overlap, so the
    numbers say which is which whatever order the columns were written in.
    """

    def inside(lon: float, lat: float) -> bool:
        return VIETNAM_LON[0] <= lon <= VIETNAM_LON[1] and VIETNAM_LAT[0] <= lat <= VIETNAM_LAT[1]

    if inside(a, b):
        return LonLat(round(a, COORD_DECIMALS), round(b, COORD_DECIMALS)), False
    if inside(b, a):
        return LonLat(round(b, COORD_DECIMALS), round(a, COORD_DECIMALS)), True
    return None, False
