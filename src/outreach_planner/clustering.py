"""Villages -> stops: every village of a stop within the audible radius of its position.

A greedy set cover: candidate positions are the villages themselves and the
midpoints of pairs of villages that one loudspeaker could reach together; the
candidate that reaches the most not-yet-covered people becomes a stop, until
every village is covered. A village that no shared position reaches is its
own candidate, so it always ends up as a stop of its own.

A village still needing placement (put at its commune's centre by `villages
import`) is a stop of its own: sharing that placeholder point says nothing
about who hears whom.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence

import numpy as np

from outreach_planner.domain import Stop, Village
from outreach_planner.geo import LocalProjection, LonLat, geodesic_to_m

# The projection is exact to well under 1 % across a district; the margin makes
# sure the fast search never misses a village the exact geodesic test would keep.
_SEARCH_MARGIN = 1.02


def cluster_villages(villages: Sequence[Village], *, radius_m: float) -> list[Stop]:
    """Group villages into stops within `radius_m` metres; stops sorted by id."""
    alone = [make_stop((v,), v.position) for v in villages if v.needs_placement]
    placed = [v for v in villages if not v.needs_placement]
    return sorted(alone + _cover(placed, radius_m), key=lambda s: s.id)


def _cover(villages: Sequence[Village], radius_m: float) -> list[Stop]:
    if not villages:
        return []
    ordered = sorted(villages, key=lambda v: v.id)
    centre = LonLat(
        float(np.mean([v.position.lon for v in ordered])),
        float(np.mean([v.position.lat for v in ordered])),
    )
    proj = LocalProjection(centre)
    xy = np.array([proj.xy(v.position) for v in ordered])
    from scipy.spatial import cKDTree  # slow to import: loaded when clustering runs

    tree = cKDTree(xy)

    candidates: list[LonLat] = [v.position for v in ordered]
    for i, j in sorted(tree.query_pairs(2 * radius_m * _SEARCH_MARGIN)):
        mid = (xy[i] + xy[j]) / 2
        candidates.append(proj.lonlat(float(mid[0]), float(mid[1])))

    reach: list[list[int]] = []
    for cand in candidates:
        near = sorted(tree.query_ball_point(proj.xy(cand), radius_m * _SEARCH_MARGIN))
        exact = geodesic_to_m(cand, [ordered[k].position for k in near])
        reach.append([k for k, d in zip(near, exact, strict=True) if d <= radius_m])

    return [
        make_stop(tuple(ordered[k] for k in members), candidates[c])
        for c, members in _greedy_cover(reach, [v.population for v in ordered])
    ]


def _greedy_cover(
    reach: Sequence[Sequence[int]], people: Sequence[int]
) -> list[tuple[int, list[int]]]:
    """Candidates in the order greedy set cover takes them, with the villages each newly covers.

    The best candidate reaches the most not-yet-covered people, then the most villages,
    then comes first. A candidate's score only falls as villages get covered, so a heap of
    stale scores is enough (lazy greedy): the top, re-scored, is the best when it still
    beats the next stale score. The choices are exactly those of re-scoring every
    candidate each round, in O(n log n) instead of O(n^2).
    """
    uncovered = [True] * len(people)

    def score(c: int) -> tuple[int, int, int]:
        newly = [k for k in reach[c] if uncovered[k]]
        return (sum(people[k] for k in newly), len(newly), -c)

    # heapq is a min-heap: store negated scores.
    heap = [tuple(-x for x in score(c)) for c in range(len(reach))]
    heapq.heapify(heap)
    left = len(people)
    chosen: list[tuple[int, list[int]]] = []
    while left:
        top = heapq.heappop(heap)
        c = top[2]
        fresh = tuple(-x for x in score(c))
        if heap and fresh > heap[0]:
            heapq.heappush(heap, fresh)  # worse than it was; another may now be best
            continue
        members = [k for k in reach[c] if uncovered[k]]
        if not members:
            continue
        for k in members:
            uncovered[k] = False
        left -= len(members)
        chosen.append((c, members))
    return chosen


def make_stop(villages: Sequence[Village], position: LonLat) -> Stop:
    """A stop named after its villages, with an id stable while its villages are."""
    members = tuple(sorted(villages, key=lambda v: v.id))
    return Stop(
        id=f"S-{members[0].id}",
        name=stop_name(members),
        position=position,
        villages=members,
    )


def stop_name(villages: Sequence[Village]) -> str:
    """'Thôn 1 + Bon 2, Đắk Môl': villages' names, then their communes."""
    names = " + ".join(v.name for v in villages)
    communes = ", ".join(dict.fromkeys(v.commune for v in villages))
    return f"{names}, {communes}"
