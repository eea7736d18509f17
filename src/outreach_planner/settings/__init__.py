"""The planner's settings: the frozen record (`record`) and its reader and checks (`load`).

Text parsers (dates, clock times, weekdays, positions) live in `outreach_planner.parse`.
"""

from outreach_planner.settings.load import (
    check_settings,
    load_settings,
    resolve_settings,
    settings_from_mapping,
)
from outreach_planner.settings.record import ON_CLOSED_DAY, ROAD_SPEEDS_KMH, Depot, Settings

__all__ = [
    "ON_CLOSED_DAY",
    "ROAD_SPEEDS_KMH",
    "Depot",
    "Settings",
    "check_settings",
    "load_settings",
    "resolve_settings",
    "settings_from_mapping",
]
