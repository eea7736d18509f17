"""Official commune names and codes, before and after the 1 July 2025 merger, offline.

The only module that imports `vietnamadminunits` (MIT; its data ships inside
the package: sapnhap.bando.com.vn via github tranngocminhhieu/vietnamadminunits).
Only lookups without a street are made, which the package answers from its own
files; with a street it would ask an online geocoder.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from outreach_planner.district.names import commune_key


@dataclass(frozen=True)
class OfficialCommune:
    """A pre-2025 commune-level unit and the 2025 commune it became part of."""

    name: str  # "Xã Nam Bình"
    code: str  # GSO code, "24721"
    district: str  # "Huyện Đắk Song"
    province: str  # "Tỉnh Đắk Nông"
    name_2025: str | None  # "Xã Đức An"
    code_2025: str | None
    province_2025: str | None  # "Tỉnh Lâm Đồng"


@lru_cache(maxsize=4096)
def official_commune(commune: str, area: str) -> OfficialCommune | None:
    """The unit named `commune` in `area` ("Huyện Đắk Song, Tỉnh Đắk Nông"), or None.

    The package matches loosely; a unit is only returned when its name is the one
    asked for once diacritics, case and the Xã/Phường prefix are set aside.
    """
    from vietnamadminunits import ParseMode, convert_address, parse_address

    address = f"{commune}, {area}"
    try:
        old = parse_address(address, mode=ParseMode.LEGACY, level=3)
    except (ValueError, KeyError, AttributeError):  # the package's own lookup errors
        return None
    if not old.ward or not old.ward_code or commune_key(old.ward) != commune_key(commune):
        return None
    try:
        new = convert_address(address)
    except (ValueError, KeyError, AttributeError, StopIteration):
        new = None
    return OfficialCommune(
        name=old.ward,
        code=str(old.ward_code),
        district=old.district or "",
        province=old.province or "",
        name_2025=getattr(new, "ward", None) or None,
        code_2025=str(new.ward_code) if new is not None and new.ward_code else None,
        province_2025=getattr(new, "province", None) or None,
    )
