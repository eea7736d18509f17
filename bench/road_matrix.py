"""Benchmark: the road travel matrix for 500 points on the Helsinki extract.

Times `roads.road_matrix` (snapping, scipy's compiled Dijkstra from every point,
time and distance matrices) against plain networkx: one
`single_source_dijkstra_path_length` per point on the same network, in the same
run. Not part of the test suite. Run from the repository:

    python bench/road_matrix.py [--points 500] [--osm ../shared/data/osm/Helsinki.osm.pbf]

Map data © OpenStreetMap contributors (ODbL 1.0).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import networkx as nx
import numpy as np

from outreach_planner.geo import LonLat
from outreach_planner.roads import import_roads, road_matrix, snap_points
from outreach_planner.settings import ROAD_SPEEDS_KMH

DEFAULT_OSM = Path(__file__).resolve().parents[2] / "shared" / "data" / "osm" / "Helsinki.osm.pbf"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=500)
    parser.add_argument("--osm", type=Path, default=DEFAULT_OSM)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=5, help="runs of each; the best counts")
    args = parser.parse_args()
    speeds = dict(ROAD_SPEEDS_KMH)

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        network, _ = import_roads(args.osm, out=Path(tmp) / "bench.roads.npz")
        t_import = time.perf_counter() - t0
    s = network.segments
    rng = np.random.default_rng(args.seed)
    points = [
        LonLat(float(x), float(y))
        for x, y in zip(
            rng.uniform(s.lon.min(), s.lon.max(), args.points),
            rng.uniform(s.lat.min(), s.lat.max(), args.points),
            strict=True,
        )
    ]
    print(f"{args.osm.name}: {network.nodes:,} road nodes, {network.edges:,} directed segments "
          f"(import {t_import:.2f} s); {args.points} random points")  # fmt: skip

    # Best of several runs each: the machine may be busy with other work. The first call
    # of ours also folds the network (once per network) and is shown on its own.
    def ours() -> tuple:
        return road_matrix(network, points, class_speeds=speeds, access_speed_kmh=15.0)

    t0 = time.perf_counter()
    matrix, snaps = ours()
    t_first = time.perf_counter() - t0
    t_ours = min(_timed(ours) for _ in range(args.repeat))

    # The baseline gets the same network as a networkx DiGraph (every node, as read)
    # and each point's nearest road node; neither is counted in its time.
    graph = network.to_networkx(speeds)
    sources = [snap.a if snap.t < 0.5 else snap.b for snap in snap_points(network, points)]

    def baseline() -> list:
        return [nx.single_source_dijkstra_path_length(graph, node, weight="travel_time")
                for node in sources]  # fmt: skip

    t_nx = min(_timed(baseline) for _ in range(max(1, args.repeat // 2)))
    reached = sum(len(d) for d in baseline())
    print(f"this package: road_matrix (snap + scipy Dijkstra + time and distance matrices), "
          f"best of {args.repeat}: {t_ours:.3f} s (first call {t_first:.3f} s)")  # fmt: skip
    print(
        f"networkx: single_source_dijkstra_path_length x {len(sources)}, "
        f"best of {max(1, args.repeat // 2)}: {t_nx:.3f} s ({reached:,} node distances)"
    )
    print(f"ratio: {t_nx / t_ours:.1f}x faster (first call: {t_nx / t_first:.1f}x)")
    print(f"matrix {matrix.travel_s.shape}, median leg {np.median(matrix.travel_s) / 60:.1f} min, "
          f"median snap {np.median([x.distance_m for x in snaps]):.0f} m")  # fmt: skip


def _timed(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


if __name__ == "__main__":
    main()
