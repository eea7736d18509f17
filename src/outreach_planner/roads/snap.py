"""Snapping positions to the nearest point of the nearest road segment."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from outreach_planner.geo import LocalProjection, LonLat, geodesic_m
from outreach_planner.roads.network import RoadNetwork
from outreach_planner.roads.osm import segment_lengths_m


@dataclass(frozen=True)
class Snap:
    """Where a position meets the road network: on segment a-b, a fraction `t` from a."""

    point: LonLat  # the position snapped
    at: LonLat  # the nearest point on a road
    distance_m: float  # geodesic metres from `point` to `at`
    a: int  # segment end nodes, a < b
    b: int
    t: float  # 0 at a, 1 at b


class Snapper:
    """Nearest-segment search over one network (k-d trees in local metres)."""

    def __init__(self, network: RoadNetwork):
        s = network.segments
        self.network = network
        centre = LonLat(float(np.mean(s.lon)), float(np.mean(s.lat)))
        self._proj = LocalProjection(centre)
        # The projection is linear in lon and lat: its scale applies to whole arrays.
        self._kx = self._proj.xy(LonLat(centre.lon + 1.0, centre.lat))[0]
        self._ky = self._proj.xy(LonLat(centre.lon, centre.lat + 1.0))[1]
        self._x = (s.lon - centre.lon) * self._kx
        self._y = (s.lat - centre.lat) * self._ky
        # Each road segment once, whatever its directions.
        pairs = np.unique(np.sort(np.stack([s.u, s.v], axis=1), axis=1), axis=0)
        self.a, self.b = pairs[:, 0].astype(np.int64), pairs[:, 1].astype(np.int64)
        ax, ay, bx, by = self._x[self.a], self._y[self.a], self._x[self.b], self._y[self.b]
        self._mid = cKDTree(np.stack([(ax + bx) / 2, (ay + by) / 2], axis=1))
        self._half = float(np.max(np.hypot(bx - ax, by - ay)) / 2)
        self._nodes = cKDTree(np.stack([self._x, self._y], axis=1))

    def snap_all(self, points: Sequence[LonLat]) -> list[Snap]:
        """The nearest road point of each position, in order (one vectorized pass)."""
        if not points:
            return []
        lon0, lat0 = self._proj.centre.lon, self._proj.centre.lat
        px = np.array([p.lon - lon0 for p in points]) * self._kx
        py = np.array([p.lat - lat0 for p in points]) * self._ky
        xy = np.stack([px, py], axis=1)
        # The nearest node bounds the distance to the nearest segment; any segment at
        # least that close has its midpoint within that bound plus half the longest segment.
        d0, _ = self._nodes.query(xy)
        found = self._mid.query_ball_point(xy, d0 + self._half + 1e-6)
        counts = np.fromiter(map(len, found), dtype=np.int64, count=len(found))
        owner = np.repeat(np.arange(len(points)), counts)
        cand = np.fromiter(itertools.chain.from_iterable(found), dtype=np.int64, count=counts.sum())
        d = self._distance(cand, px[owner], py[owner])[0]
        # Per position the nearest; ties go to the lowest segment, so a snap is repeatable.
        # (Every position has a candidate: its nearest node's segments are within reach.)
        starts = np.r_[0, np.cumsum(counts)[:-1]]
        nearest = np.repeat(np.minimum.reduceat(d, starts), counts)
        seg = np.minimum.reduceat(np.where(d <= nearest, cand, len(self.a)), starts)
        tk = self._distance(seg, px, py)[1]
        ia, ib = self.a[seg], self.b[seg]
        lon, lat = self.network.segments.lon, self.network.segments.lat
        at_lon = lon[ia] + tk * (lon[ib] - lon[ia])
        at_lat = lat[ia] + tk * (lat[ib] - lat[ia])
        p_lon = np.array([p.lon for p in points])
        p_lat = np.array([p.lat for p in points])
        dist = segment_lengths_m(p_lon, p_lat, at_lon, at_lat)
        snaps = []
        for k, point in enumerate(points):
            at = LonLat(float(at_lon[k]), float(at_lat[k]))
            # The short-segment formula drifts over kilometres: far ones get the geodesic.
            metres = float(dist[k]) if dist[k] < 1000 else geodesic_m(point, at)
            snaps.append(Snap(point, at, metres, int(ia[k]), int(ib[k]), float(tk[k])))
        return snaps

    def _distance(
        self, seg: np.ndarray, px: np.ndarray, py: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Metres from (px, py) to segments `seg`, and the fraction along each of the
        segment's nearest point."""
        a, b = self.a[seg], self.b[seg]
        ax, ay = self._x[a], self._y[a]
        dx, dy = self._x[b] - ax, self._y[b] - ay
        t = np.clip(((px - ax) * dx + (py - ay) * dy) / np.maximum(dx * dx + dy * dy, 1e-12), 0, 1)
        return np.hypot(ax + t * dx - px, ay + t * dy - py), t


def snap_points(network: RoadNetwork, points: Sequence[LonLat]) -> list[Snap]:
    """The nearest road point of each position, in order."""
    return Snapper(network).snap_all(points)
