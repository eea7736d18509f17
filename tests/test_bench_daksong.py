"""The least-recently-visited baseline the Đắk Song comparison measures our plan against."""

from __future__ import annotations

import datetime as dt
import math

from pyproj import Geod

from outreach_planner.bench.daksong import baseline
from outreach_planner.planner import horizon_runs, load_inputs


def _minutes_up(seconds: float) -> int:
    return math.ceil(seconds / 60 - 1e-9) * 60


def test_baseline_visits_every_stop_when_the_gap_allows_and_times_the_runs(tiny_settings):
    """Tiny data, 2 weeks of Tuesdays and Fridays, a 7-day gap: the first Tuesday takes all
    5 stops (a day holds them), Friday none (visited 3 days ago), the next Tuesday all 5 again,
    the last Friday none. Each run's duty is worked out here: nearest stop first from the
    depot, legs of WGS 84 geodesic x 1.3 at 30 km/h and dwells in whole minutes."""
    start = dt.date(2026, 12, 7)
    inputs = load_inputs(tiny_settings)
    stops = inputs.stops
    score = baseline(tiny_settings, stops, start)
    assert score.runs == len(horizon_runs(tiny_settings, start)) == 4
    assert len(stops) == 5
    assert score.visits == 2 * len(stops)
    assert score.people == 2 * sum(s.population for s in stops) == 2 * 5000

    geod = Geod(ellps="WGS84")
    depot = tiny_settings.depot.position

    def leg(a, b) -> int:
        metres = round(geod.inv(a.lon, a.lat, b.lon, b.lat)[2] * 1.3)
        return _minutes_up(metres / (30 / 3.6))

    here, left, duty = depot, list(stops), 0
    while left:
        nxt = min(left, key=lambda s: (leg(here, s.position), stops.index(s)))
        duty += leg(here, nxt.position) + _minutes_up(nxt.dwell_s)
        here = nxt.position
        left.remove(nxt)
    duty += leg(here, depot)
    assert duty < 4.5 * 3600  # done before lunch: no break to take off
    assert score.duty_s == 2 * duty
    assert score.people_per_hour == score.people / (score.duty_s / 3600)
