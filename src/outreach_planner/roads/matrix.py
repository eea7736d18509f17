"""Travel-time and distance matrices on the road network, with each leg's path.

Every position is snapped to its nearest road point, which splits its road's
chain edge (see `network`). One call of scipy's compiled Dijkstra per block
of points gives the fastest path from each point to every junction (time and
length at once, see `network.pack`); each point's ways in then close the
matrix. The drive between a position and its road point (the access) is added
at `access_speed_kmh`, so a leg is never shorter than the straight line
between its ends.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.sparse.csgraph import dijkstra

from outreach_planner.errors import InputError, Problem
from outreach_planner.geo import LonLat
from outreach_planner.roads.network import (
    TIME_MS_LIMIT,
    Edges,
    Graph,
    RoadNetwork,
    Router,
    unpack,
)
from outreach_planner.roads.snap import Snap, snap_points
from outreach_planner.travel import TravelMatrix, round_up

log = logging.getLogger("outreach_planner")

# Seconds and metres of a leg the roads cannot drive: larger than any working day,
# so the rota never places it; such stops are reported and listed as unassigned.
UNREACHABLE = 10**9

# Source rows per Dijkstra call: bounds memory to about 64 MB of distances at a time.
_CELLS_PER_BLOCK = 8_000_000


@dataclass(frozen=True)
class RoadTravel:
    """A road matrix with what a planner must report about it."""

    matrix: TravelMatrix
    snaps: tuple[Snap, ...]  # one per point, depot first
    unreachable: dict[int, str]  # point index -> why the roads do not link it with point 0


class LegTooLongError(ValueError):
    """A shortest path longer than the packed weights hold: the roads are too slow."""


def road_travel(
    network: RoadNetwork,
    points: Sequence[LonLat],
    names: Sequence[str],
    *,
    class_speeds: Mapping[str, float],
    max_snap_m: float,
    step_s: int = 1,
    source: Path | str = "roads",
) -> RoadTravel:
    """`road_matrix` for a depot (point 0) and stops, logging what a planner should know.

    A position farther than `max_snap_m` from any road is a warning naming it; so is
    every stop the roads cannot link with the depot both ways (also in `unreachable`).
    Access from a position to its road point is driven at the `track` speed.
    """
    try:
        matrix, snaps = road_matrix(
            network, points, class_speeds=class_speeds,
            access_speed_kmh=class_speeds["track"], step_s=step_s,
        )  # fmt: skip
    except LegTooLongError:
        raise InputError(
            Problem(str(source), "", "maxspeed", "a leg of 149 h or more",
                    "roads fast enough for every leg to take less (speed tags too low?)")
        ) from None  # fmt: skip
    for name, snap in zip(names, snaps, strict=True):
        log.info("%s: %.0f m from the nearest road", name, snap.distance_m)
        if snap.distance_m > max_snap_m:
            log.warning(
                "%s (%.5f, %.5f) is %.0f m from the nearest road in %s (more than max_snap_m %g)",
                name, snap.point.lon, snap.point.lat, snap.distance_m, source, max_snap_m,
            )  # fmt: skip
    unreachable: dict[int, str] = {}
    for i in range(1, len(points)):
        there = matrix.travel_s[0, i] < UNREACHABLE
        back = matrix.travel_s[i, 0] < UNREACHABLE
        if there and back:
            continue
        why = (
            "a one-way road leads there but none leads back"
            if there
            else "no road leads there from the depot, only one-way roads away from it"
            if back
            else "it lies on a part of the road network not linked to the depot's"
        )
        p = points[i]
        unreachable[i] = (
            f"{names[i]} ({p.lon:.5f}, {p.lat:.5f}) cannot be reached from the depot "
            f"and back by road: {why}"
        )
        log.warning("%s", unreachable[i])
    return RoadTravel(matrix, snaps, unreachable)


def road_matrix(
    network: RoadNetwork,
    points: Sequence[LonLat],
    *,
    class_speeds: Mapping[str, float],
    access_speed_kmh: float,
    step_s: int = 1,
    snaps: Sequence[Snap] | None = None,
) -> tuple[TravelMatrix, tuple[Snap, ...]]:
    """Fastest-path metres and seconds between `points` on the roads (model "roads").

    Seconds are rounded up to a multiple of `step_s`; metres are rounded. Legs
    the network cannot drive are `UNREACHABLE` in both matrices. The matrix's
    `path(i, j)` gives the leg's positions: point i, its road point, the road
    nodes, point j's road point, point j.
    """
    router = network.router(class_speeds)
    snaps = tuple(snaps) if snaps is not None else tuple(snap_points(network, points))
    n, base = len(points), len(router.junctions)
    attach = _attach(router, snaps)
    # Dijkstra from each point over the junctions; the points themselves are only
    # sources here (their ways in are added after), which keeps each search small.
    graph = router.graph(attach.exits, extra_nodes=n)
    # Each point's ways in (at most three: from the junction starting its chain edge in
    # each direction, and from the junction it stands on) as columns of junctions and weights.
    entries = attach.entries
    into = entries.v - base
    order = np.argsort(into, kind="stable")
    rank = np.arange(len(order)) - np.searchsorted(into[order], into[order])
    slots = int(rank.max()) + 1 if len(rank) else 0
    via = np.zeros((slots, n), dtype=np.int64)
    via_w = np.full((slots, n), np.inf)
    via[rank, into[order]] = entries.u[order]
    via_w[rank, into[order]] = entries.weight()[order]
    packed = np.empty((n, n))
    block = max(1, _CELLS_PER_BLOCK // graph.size)
    for lo in range(0, n, block):
        dist = dijkstra(graph.csr, directed=True, indices=base + np.arange(lo, min(lo + block, n)))
        best = np.full((len(dist), n), np.inf)
        for slot in range(slots):
            np.minimum(best, dist[:, via[slot]] + via_w[slot], out=best)
        packed[lo : lo + block] = best
    direct = attach.direct
    if len(direct.u):
        np.minimum.at(packed, (direct.u - base, direct.v - base), direct.weight())
    time_ms, length_dm = unpack(packed)
    finite = np.isfinite(time_ms)
    if np.any(time_ms[finite] >= TIME_MS_LIMIT):
        raise LegTooLongError("a leg longer than the packed weights hold (149 h)")

    access_m = np.array([s.distance_m for s in snaps])
    access_s = access_m / (access_speed_kmh / 3.6)
    seconds = np.where(finite, time_ms / 1000.0 + access_s[:, None] + access_s[None, :], 0.0)
    metres = np.where(finite, length_dm / 10.0 + access_m[:, None] + access_m[None, :], 0.0)
    travel = np.asarray(round_up(np.ceil(seconds - 1e-9).astype(np.int64), step_s))
    distance = np.round(metres).astype(np.int64)
    travel[~finite] = UNREACHABLE
    distance[~finite] = UNREACHABLE
    np.fill_diagonal(travel, 0)
    np.fill_diagonal(distance, 0)
    paths = _Paths(router, attach, tuple(points), snaps)
    return TravelMatrix(tuple(points), distance, travel, "roads", paths=paths), snaps


@dataclass(frozen=True)
class _Attachment:
    """How snapped points (graph nodes J + k) join the folded graph."""

    exits: Edges  # point -> the junction ending its chain edge (or that it stands on)
    entries: Edges  # the junction starting its chain edge (or that it stands on) -> point
    direct: Edges  # point -> a later point on the same chain edge

    def all(self) -> Edges:
        return self.exits.join(self.entries).join(self.direct)


def _attach(router: Router, snaps: Sequence[Snap]) -> _Attachment:
    """A point a fraction of the way along a chain edge U -> V is reached from U in that
    part of the edge's time and leads on to V in the rest; likewise on the chain edge of
    the other direction when its road is two-way. At a junction it may take any road.
    """
    base = len(router.junctions)
    ch = router.chains
    n = len(snaps)
    a = np.array([s.a for s in snaps], dtype=np.int64)
    b = np.array([s.b for s in snaps], dtype=np.int64)
    t = np.array([s.t for s in snaps])
    point = base + np.arange(n)
    exits, entries, marks = [], [], []
    for x, y, frac in ((a, b, t), (b, a, 1.0 - t)):
        found, e, place, before_t, before_d = router.locate(x, y, frac)
        p, e, place, before_t, before_d = (c[found] for c in (point, e, place, before_t, before_d))
        start_j, end_j = router.graph_node[ch.edge_u[e]], router.graph_node[ch.edge_v[e]]
        end = (ch.start[e + 1] - ch.start[e]).astype(np.float64)
        entries.append(Edges(start_j, p, before_t, before_d, e, np.zeros(len(e)), place))
        exits.append(Edges(p, end_j, router.edge_t[e] - before_t, router.edge_l[e] - before_d,
                           e, place, end))  # fmt: skip
        marks.append((e, place, before_t, before_d, p))
    node = np.where(t <= 1e-9, a, np.where(t >= 1 - 1e-9, b, -1))
    at_junction = (node >= 0) & ch.junction[np.maximum(node, 0)]
    if np.any(at_junction):
        j, p = router.graph_node[node[at_junction]], point[at_junction]
        zero, none = np.zeros(len(p)), np.full(len(p), -1)
        entries.append(Edges(j, p, zero, zero, none, zero, zero))
        exits.append(Edges(p, j, zero, zero, none, zero, zero))
    e, place, before_t, before_d, p = (np.concatenate(c) for c in zip(*marks, strict=True))
    direct = []
    # Points sharing a chain edge: each reaches those farther along it directly.
    order = np.lexsort((place, e))
    e, place, before_t, before_d, p = (c[order] for c in (e, place, before_t, before_d, p))
    shared = np.flatnonzero(np.r_[e[1:] == e[:-1], False] | np.r_[False, e[1:] == e[:-1]])
    for first, last in _runs(e, shared):
        for i in range(first, last):
            for k in range(i + 1, last + 1):
                direct.append((p[i], p[k], before_t[k] - before_t[i], before_d[k] - before_d[i],
                               e[i], place[i], place[k]))  # fmt: skip
                if place[i] == place[k]:  # the same place: either way round
                    direct.append((p[k], p[i], 0.0, 0.0, -1, 0.0, 0.0))
    cols = list(zip(*direct, strict=True)) if direct else [()] * 7
    return _Attachment(
        _join(exits),
        _join(entries),
        Edges(*(np.array(c, dtype=dt) for c, dt in zip(cols, _DTYPES, strict=True))),
    )


_DTYPES = (np.int64, np.int64, np.float64, np.float64, np.int64, np.float64, np.float64)


def _join(parts: list[Edges]) -> Edges:
    out = parts[0]
    for part in parts[1:]:
        out = out.join(part)
    return out


def _runs(keys: np.ndarray, members: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) index ranges of equal `keys` among the sorted `members` indices."""
    runs: list[tuple[int, int]] = []
    for i in members.tolist():
        if runs and runs[-1][1] == i - 1 and keys[i] == keys[i - 1]:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    return runs


class _Paths:
    """Leg paths, one Dijkstra tree per origin, made when first asked for."""

    def __init__(
        self, router: Router, attach: _Attachment, points: tuple[LonLat, ...],
        snaps: tuple[Snap, ...],
    ):  # fmt: skip
        self._router = router
        self._attach = attach
        self._graph: Graph | None = None
        self._trees: dict[int, np.ndarray] = {}
        self._lon = router.network.segments.lon
        self._lat = router.network.segments.lat
        self._junctions = router.junctions
        self._base = len(router.junctions)
        self._points = points
        self._snaps = snaps

    @property
    def graph(self) -> Graph:
        """The folded graph with the points as full nodes (ways in and out)."""
        if self._graph is None:
            self._graph = self._router.graph(self._attach.all(), extra_nodes=len(self._points))
        return self._graph

    def _tree(self, i: int) -> np.ndarray:
        if i not in self._trees:
            _, self._trees[i] = dijkstra(
                self.graph.csr, directed=True, indices=self._base + i, return_predecessors=True
            )
        return self._trees[i]

    def _node(self, node: int) -> LonLat:
        """The position of a network node."""
        return LonLat(float(self._lon[node]), float(self._lat[node]))

    def _at(self, g: int) -> LonLat:
        """The position of a graph node: a snapped point or a junction."""
        if g >= self._base:
            return self._snaps[g - self._base].at
        return self._node(int(self._junctions[g]))

    def __call__(self, i: int, j: int) -> tuple[LonLat, ...]:
        if i == j:
            return ()  # no drive (an empty run's way back)
        pred = self._tree(i)
        node, start = self._base + j, self._base + i
        chain = [node]
        while node != start:
            node = int(pred[node])
            if node < 0:
                return ()  # the roads do not lead there
            chain.append(node)
        chain.reverse()
        out = [self._points[i], self._at(chain[0])]
        for x, y in zip(chain, chain[1:], strict=False):
            out.extend(self._node(int(z)) for z in self.graph.between(x, y))
            out.append(self._at(y))
        out.append(self._points[j])
        return tuple(p for k, p in enumerate(out) if k == 0 or p != out[k - 1])
