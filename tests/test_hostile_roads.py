"""Road files that are hostile by accident: speed tags no road has, legs no day holds."""

from __future__ import annotations

import numpy as np
import pytest

from outreach_planner.errors import InputError
from outreach_planner.geo import LonLat
from outreach_planner.roads import RoadNetwork, road_travel
from outreach_planner.roads.osm import CLASSES, RoadSegments, maxspeed_kmh, segment_lengths_m
from outreach_planner.settings import ROAD_SPEEDS_KMH

SPEEDS = dict(ROAD_SPEEDS_KMH)


@pytest.mark.parametrize("text", ["0.000001", "1", "4.9", "0", "2 mph"])
def test_a_limit_below_walking_pace_is_a_mapping_error_not_a_speed(text: str) -> None:
    assert np.isnan(maxspeed_kmh(text))


def test_a_leg_longer_than_the_matrix_holds_is_bad_input() -> None:
    """1,100 km of road at 5 km/h: 220 h, more than a leg can be (exit 2, one line)."""
    lon, lat = np.array([0.0, 10.0]), np.zeros(2)
    u, v = np.array([0, 1], dtype=np.int32), np.array([1, 0], dtype=np.int32)
    roads = RoadNetwork(
        RoadSegments(
            node_id=np.arange(2, dtype=np.int64), lon=lon, lat=lat, u=u, v=v,
            length_m=segment_lengths_m(lon[u], lat[u], lon[v], lat[v]),
            highway=np.full(2, CLASSES.index("residential"), dtype=np.uint8),
            maxspeed_kmh=np.full(2, 5.0, dtype=np.float32), ways=1,
        )
    )  # fmt: skip
    with pytest.raises(InputError) as caught:
        road_travel(roads, [LonLat(0.0, 0.0), LonLat(10.0, 0.0)], ["depot", "far"],
                    class_speeds=SPEEDS, max_snap_m=1000, source="slow.osm")  # fmt: skip
    (problem,) = caught.value.problems
    assert "slow.osm" in str(problem) and "maxspeed" in str(problem)
