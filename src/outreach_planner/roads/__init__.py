"""Driving on real roads: an OpenStreetMap extract as a routable network.

Layers, in the order data flows: `osm` reads the drivable ways (the only module
that imports pyosmium), `cache` keeps the prepared network beside its source,
`network` applies speeds and holds the CSR arrays, `snap` finds each position's
nearest road point, and `matrix` turns it all into a `travel.TravelMatrix` with
each leg's path. Map data © OpenStreetMap contributors (ODbL 1.0).
"""

from __future__ import annotations

from outreach_planner.roads.cache import ImportOptions, bbox_around, import_roads, load_roads
from outreach_planner.roads.matrix import UNREACHABLE, RoadTravel, road_matrix, road_travel
from outreach_planner.roads.network import RoadNetwork
from outreach_planner.roads.snap import Snap, snap_points

ATTRIBUTION = "© OpenStreetMap contributors"

__all__ = [
    "ATTRIBUTION",
    "UNREACHABLE",
    "ImportOptions",
    "RoadNetwork",
    "RoadTravel",
    "Snap",
    "bbox_around",
    "import_roads",
    "load_roads",
    "road_matrix",
    "road_travel",
    "snap_points",
]
