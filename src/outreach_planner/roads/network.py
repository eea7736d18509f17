"""The prepared road network: nodes, directed segments, and their travel times.

Speeds are applied when the network is used, not when it is imported, so a
change of `[road_speeds_kmh]` needs no new import. Shortest paths run on
scipy's compiled Dijkstra over CSR arrays of a folded graph: nodes that only
pass traffic on (most OSM nodes, which shape a road's curves) are folded into
chain edges between junctions, and expanded again for a leg's geometry.
`to_networkx` gives the whole unfolded graph as a networkx DiGraph.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import sparse

from outreach_planner.roads.osm import CLASSES, RoadSegments

# Dijkstra runs on one float64 weight per edge that packs the travel time (whole
# milliseconds, rounded up) above the length (whole decimetres). Every sum stays an
# exact integer below 2**53, so one run finds the fastest path, breaks ties by the
# shorter one, and yields both its time and its length.
LENGTH_BITS = 24  # paths up to 1,677 km
TIME_MS_LIMIT = 2 ** (53 - LENGTH_BITS)  # 149 hours
_SHIFT = float(2**LENGTH_BITS)


@dataclass(frozen=True)
class RoadNetwork:
    """A road network read from an OSM file (see `osm.RoadSegments` for the arrays)."""

    segments: RoadSegments
    meta: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def nodes(self) -> int:
        return len(self.segments.lon)

    @property
    def edges(self) -> int:
        return len(self.segments.u)

    def class_counts(self) -> dict[str, int]:
        """Directed segments per highway class."""
        counts = np.bincount(self.segments.highway, minlength=len(CLASSES))
        return {c: int(n) for c, n in zip(CLASSES, counts, strict=True) if n}

    def speeds_kmh(self, class_speeds: Mapping[str, float]) -> np.ndarray:
        """km/h of every segment: its class speed, or its `maxspeed` tag where lower."""
        table = np.array([float(class_speeds[c]) for c in CLASSES])
        speed = table[self.segments.highway]
        limit = self.segments.maxspeed_kmh.astype(np.float64)
        return np.where(np.isfinite(limit) & (limit < speed), limit, speed)

    def travel_s(self, class_speeds: Mapping[str, float]) -> np.ndarray:
        """Seconds to drive every segment at `speeds_kmh`."""
        return self.segments.length_m / (self.speeds_kmh(class_speeds) / 3.6)

    def router(self, class_speeds: Mapping[str, float]) -> Router:
        """Shortest-path arrays for these class speeds."""
        return Router(self, self.travel_s(class_speeds))

    @functools.cached_property
    def chains(self) -> Chains:
        """The folded topology (independent of speeds, so made once per network)."""
        return Chains.of(self.segments.u, self.segments.v, self.nodes)

    def to_networkx(self, class_speeds: Mapping[str, float]) -> Any:
        """A networkx DiGraph: node attributes x (lon), y (lat); edge `length` (m) and
        `travel_time` (s), keeping the fastest of parallel segments."""
        import networkx as nx

        s = self.segments
        graph = nx.DiGraph()
        coords = zip(s.lon.tolist(), s.lat.tolist(), strict=True)
        graph.add_nodes_from((i, {"x": x, "y": y}) for i, (x, y) in enumerate(coords))
        times = self.travel_s(class_speeds)
        order = np.argsort(-times, kind="stable")  # slowest first: the fastest is added last
        graph.add_edges_from(
            (int(s.u[k]), int(s.v[k]), {"length": float(s.length_m[k]),
                                        "travel_time": float(times[k])})
            for k in order
        )  # fmt: skip
        return graph


@dataclass(frozen=True)
class Chains:
    """The network with pass-through nodes folded into chain edges between junctions.

    A node passes traffic on when it joins exactly two other nodes and can only be
    driven through (a -> x -> b one way, or both ways). Directed node pairs (the
    segments, parallel ones merged) keep their order inside their chain, so a
    position on any pair maps to a position on its chain edge.
    """

    pair_u: np.ndarray  # unique directed node pairs
    pair_v: np.ndarray
    seg_pair: np.ndarray  # per segment: its pair
    edge_u: np.ndarray  # per chain edge: the junction it leaves
    edge_v: np.ndarray  # and the junction it reaches
    start: np.ndarray  # chain edge e covers pairs order[start[e] : start[e + 1]]
    order: np.ndarray  # pair indices, chain by chain, in driving order
    pair_edge: np.ndarray  # per pair: its chain edge
    pair_pos: np.ndarray  # per pair: its place (0-based) in that chain
    junction: np.ndarray  # per node: True when it is a node of the folded graph

    @classmethod
    def of(cls, u: np.ndarray, v: np.ndarray, nodes: int) -> Chains:
        uniq, seg_pair = np.unique(u.astype(np.int64) * nodes + v, return_inverse=True)
        pu, pv = uniq // nodes, uniq % nodes
        undirected = np.unique(np.sort(np.stack([pu, pv], axis=1), axis=1), axis=0)
        neighbours = np.bincount(undirected.ravel(), minlength=nodes)
        ins, outs = np.bincount(pv, minlength=nodes), np.bincount(pu, minlength=nodes)
        through = (neighbours == 2) & (((ins == 1) & (outs == 1)) | ((ins == 2) & (outs == 2)))
        through_l = through.tolist()
        pu_l, pv_l = pu.tolist(), pv.tolist()
        out: list[list[int]] = [[] for _ in range(nodes)]
        for p, a in enumerate(pu_l):
            out[a].append(p)
        pair_edge = [-1] * len(pu_l)
        edge_u: list[int] = []
        edge_v: list[int] = []
        order: list[int] = []
        start: list[int] = []

        def walk(p: int) -> None:
            e = len(edge_u)
            start.append(len(order))
            edge_u.append(pu_l[p])
            prev, x = pu_l[p], pv_l[p]
            order.append(p)
            pair_edge[p] = e
            while through_l[x]:
                p = next(q for q in out[x] if pv_l[q] != prev)
                order.append(p)
                pair_edge[p] = e
                prev, x = x, pv_l[p]
            edge_v.append(x)

        for node in range(nodes):
            if not through_l[node]:
                for p in out[node]:
                    walk(p)
        # A ring of pass-through nodes with no junction: one of its nodes becomes one.
        for p in range(len(pu_l)):
            if pair_edge[p] == -1:
                through_l[pu_l[p]] = False
                for q in out[pu_l[p]]:
                    if pair_edge[q] == -1:
                        walk(q)
        order_a = np.array(order, dtype=np.int64)
        start_a = np.array([*start, len(order)], dtype=np.int64)
        edges = np.array(pair_edge, dtype=np.int64)
        pos = np.empty(len(order), dtype=np.int64)
        pos[order_a] = np.arange(len(order)) - start_a[edges[order_a]]
        return cls(pu, pv, seg_pair, np.array(edge_u, dtype=np.int64),
                   np.array(edge_v, dtype=np.int64), start_a, order_a, edges, pos,
                   ~np.array(through_l, dtype=bool))  # fmt: skip

    def nodes_of(self, e: int) -> np.ndarray:
        """The nodes chain edge e runs through, both junctions included."""
        pairs = self.order[self.start[e] : self.start[e + 1]]
        return np.concatenate([[self.pair_u[pairs[0]]], self.pair_v[pairs]])


class Router:
    """The folded network as packed-weight arrays for `scipy.sparse.csgraph`.

    Graph nodes are the junctions, numbered 0..J-1; extra nodes (snapped
    positions) take the numbers from J on.
    """

    def __init__(self, network: RoadNetwork, travel_s: np.ndarray):
        self.network = network
        ch = self.chains = network.chains
        s = network.segments
        seg_t = np.maximum(np.ceil(travel_s * 1000.0), 1.0)
        seg_l = np.round(s.length_m * 10.0)
        # Each pair drives its fastest parallel segment (then the shortest).
        best = np.lexsort((seg_l, seg_t, ch.seg_pair))
        first = np.ones(len(best), dtype=bool)
        first[1:] = ch.seg_pair[best][1:] != ch.seg_pair[best][:-1]
        self.pair_t = np.empty(len(ch.pair_u))
        self.pair_l = np.empty(len(ch.pair_u))
        self.pair_t[ch.seg_pair[best[first]]] = seg_t[best[first]]
        self.pair_l[ch.seg_pair[best[first]]] = seg_l[best[first]]
        # Time and length from a chain's start to the start of each of its pairs.
        self._cum_t = np.concatenate([[0.0], np.cumsum(self.pair_t[ch.order])])
        self._cum_l = np.concatenate([[0.0], np.cumsum(self.pair_l[ch.order])])
        self.edge_t = self._cum_t[ch.start[1:]] - self._cum_t[ch.start[:-1]]
        self.edge_l = self._cum_l[ch.start[1:]] - self._cum_l[ch.start[:-1]]
        self._pair_keys = ch.pair_u * network.nodes + ch.pair_v  # sorted: np.unique made them
        self.junctions = np.flatnonzero(ch.junction)
        self.graph_node = np.full(network.nodes, -1, dtype=np.int64)
        self.graph_node[self.junctions] = np.arange(len(self.junctions))

    def locate(
        self, x: np.ndarray, y: np.ndarray, frac: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Points `frac` of the way along pairs x -> y: (found, chain edge, place, ms, dm).

        `found` is False where no segment goes x -> y; place, ms and dm count from the
        chain edge's start junction.
        """
        ch = self.chains
        key = x.astype(np.int64) * self.network.nodes + y
        p = np.minimum(np.searchsorted(self._pair_keys, key), len(self._pair_keys) - 1)
        found = self._pair_keys[p] == key
        e = ch.pair_edge[p]
        k = ch.pair_pos[p]
        first, at = ch.start[e], ch.start[e] + k
        t = self._cum_t[at] - self._cum_t[first] + frac * self.pair_t[p]
        d = self._cum_l[at] - self._cum_l[first] + frac * self.pair_l[p]
        return found, e, k + frac, t, d

    def graph(self, extra: Edges, extra_nodes: int) -> Graph:
        """The folded graph plus `extra` edges; `extra_nodes` graph nodes from J on."""
        ch = self.chains
        n = len(ch.edge_u)
        base = Edges(
            self.graph_node[ch.edge_u], self.graph_node[ch.edge_v], self.edge_t, self.edge_l,
            np.arange(n), np.zeros(n), (ch.start[1:] - ch.start[:-1]).astype(np.float64),
        )  # fmt: skip
        return Graph(self.chains, base.join(extra), len(self.junctions) + extra_nodes)


@dataclass(frozen=True)
class Edges:
    """Graph edges u -> v: ms and dm (rounded when packed), and what each stands for on
    the roads: chain edge `edge` driven from chain place `lo` to `hi` (places count
    nodes from the chain's start junction; edge -1 joins two graph nodes at one place)."""

    u: np.ndarray
    v: np.ndarray
    time_ms: np.ndarray
    length_dm: np.ndarray
    edge: np.ndarray
    lo: np.ndarray
    hi: np.ndarray

    def join(self, other: Edges) -> Edges:
        return Edges(*(np.concatenate([a, b]) for a, b in zip(
            dataclasses.astuple(self), dataclasses.astuple(other), strict=True)))  # fmt: skip

    def weight(self) -> np.ndarray:
        """Packed weights; a part of a segment takes at least 1 ms (no free shortcut)."""
        return pack(np.maximum(np.ceil(self.time_ms), 1.0), np.round(self.length_dm))


class Graph:
    """A CSR matrix of packed weights (of parallel edges the lightest is kept) and what
    each kept edge stands for on the roads."""

    def __init__(self, chains: Chains, edges: Edges, size: int):
        weight = edges.weight()
        key = edges.u * size + edges.v
        order = np.lexsort((weight, key))
        first = np.ones(len(order), dtype=bool)
        first[1:] = key[order][1:] != key[order][:-1]
        keep = order[first]
        self.size = size
        self.csr = sparse.csr_matrix(
            (weight[keep], (edges.u[keep], edges.v[keep])), shape=(size, size)
        )
        self._keys = key[keep]  # sorted
        self._edge, self._lo, self._hi = edges.edge[keep], edges.lo[keep], edges.hi[keep]
        self._chains = chains

    def between(self, x: int, y: int) -> np.ndarray:
        """The network nodes a path shows strictly between graph nodes x and y (an edge)."""
        k = int(np.searchsorted(self._keys, x * self.size + y))
        e = int(self._edge[k])
        if e < 0:
            return np.zeros(0, dtype=np.int64)
        nodes = self._chains.nodes_of(e)
        lo, hi = math.floor(self._lo[k]) + 1, math.ceil(self._hi[k]) - 1
        return nodes[lo : hi + 1] if lo <= hi else nodes[:0]


def pack(time_ms: np.ndarray, length_dm: np.ndarray) -> np.ndarray:
    """Packed Dijkstra weights (see LENGTH_BITS)."""
    return time_ms * _SHIFT + length_dm


def unpack(weight: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(milliseconds, decimetres) of packed path weights; inf stays inf in both."""
    finite = np.isfinite(weight)
    w = np.where(finite, weight, 0.0)
    time_ms = np.floor(w / _SHIFT)
    length_dm = w - time_ms * _SHIFT
    return np.where(finite, time_ms, math.inf), np.where(finite, length_dm, math.inf)
