"""Villages -> stops: every village of a stop within the audible radius of its position.

A greedy set cover: candidate positions are the villages themselves and the
midpoints of pairs of villages that one loudspeaker could reach together; the
candidate that reaches the most not-yet-covered people becomes a stop, until
every village is covered. A village that no shared position reaches is its
own candidate, so it always ends up as a stop of its own.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.spatial import cKDTree

from outreach_planner.domain import Stop, Village
from outreach_planner.geo import LocalProjection, LonLat, geodesic_m

# The projection is exact to well under 1 % across a district; the margin makes
# sure the fast search never misses a village the exact geodesic test would keep.
_SEARCH_MARGIN = 1.02


def cluster_villages(villages: Sequence[Village], *, radius_m: float) -> list[Stop]:
    """Group villages into stops within `radius_m` metres; stops sorted by id."""
    if not villages:
        return []
    ordered = sorted(villages, key=lambda v: v.id)
    centre = LonLat(
        float(np.mean([v.position.lon for v in ordered])),
        float(np.mean([v.position.lat for v in ordered])),
    )
    proj = LocalProjection(centre)
    xy = np.array([proj.xy(v.position) for v in ordered])
    tree = cKDTree(xy)

    candidates: list[LonLat] = [v.position for v in ordered]
    for i, j in sorted(tree.query_pairs(2 * radius_m * _SEARCH_MARGIN)):
        mid = (xy[i] + xy[j]) / 2
        candidates.append(proj.lonlat(float(mid[0]), float(mid[1])))

    reach: list[list[int]] = []
    for cand in candidates:
        near = tree.query_ball_point(proj.xy(cand), radius_m * _SEARCH_MARGIN)
        reach.append(sorted(k for k in near if geodesic_m(cand, ordered[k].position) <= radius_m))

    uncovered = set(range(len(ordered)))
    stops: list[Stop] = []
    while uncovered:
        best = max(
            range(len(candidates)),
            key=lambda c: (
                sum(ordered[k].population for k in reach[c] if k in uncovered),
                sum(1 for k in reach[c] if k in uncovered),
                -c,  # ties go to the earliest candidate: deterministic
            ),
        )
        members = tuple(ordered[k] for k in reach[best] if k in uncovered)
        uncovered.difference_update(reach[best])
        stops.append(make_stop(members, candidates[best]))
    return sorted(stops, key=lambda s: s.id)


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
