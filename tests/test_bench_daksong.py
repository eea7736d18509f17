"""The least-recently-visited baseline the Đắk Song comparison measures our plan against."""

from __future__ import annotations

import datetime as dt

from outreach_planner.bench.daksong import baseline
from outreach_planner.planner import horizon_runs, load_inputs


def test_baseline_fills_runs_and_rotates_stops(tiny_settings):
    start = dt.date(2026, 12, 7)
    inputs = load_inputs(tiny_settings)
    score = baseline(tiny_settings, inputs.stops, start)
    runs = horizon_runs(tiny_settings, start)
    assert score.runs == len(runs) and score.visits > 0
    assert score.people > 0 and score.duty_s > 0
    assert score.people_per_hour == score.people / (score.duty_s / 3600)
    # A stop waits the minimum gap before its next visit: no more visits than runs allow.
    assert score.visits <= len(inputs.stops) * len(runs)
