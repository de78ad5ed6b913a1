"""Polis's k-means (plain and weighted) in the plane, and the silhouette it chooses k by."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IndexArray = npt.NDArray[np.intp]

# Polis stops when no centre moved more than this.
SAME_CLUSTERING = 0.01
_CHUNK = 8192


def first_distinct(points: FloatArray, k: int) -> FloatArray:
    """Polis's cold start: the first k distinct points, in the data's order."""
    if len(points) == 0:
        return np.zeros((0, 2))
    # The first k distinct points lie among the first m for a small m, as a rule: look there first.
    m = 4 * k
    while True:
        _, first = np.unique(points[:m], axis=0, return_index=True)
        if len(first) >= k or m >= len(points):
            return points[np.sort(first)[:k]].copy()
        m *= 4


def nearest(points: FloatArray, centres: FloatArray) -> tuple[IndexArray, FloatArray]:
    """Index of each point's nearest centre (the first on a tie) and the squared distance to it."""
    labels, first, _ = _two_nearest(points, centres)
    return labels, first * first


def _two_nearest(points: FloatArray, centres: FloatArray) -> tuple[IndexArray, FloatArray, FloatArray]:
    """Each point's nearest centre, the distance to it and the distance to the second nearest."""
    labels = np.empty(len(points), dtype=np.intp)
    first = np.empty(len(points))
    second = np.full(len(points), np.inf)
    c2 = np.sum(centres * centres, axis=1)
    for start in range(0, len(points), _CHUNK):
        p = points[start : start + _CHUNK]
        # |p - c|^2 = |p|^2 - 2 p.c + |c|^2
        d = c2[None, :] - 2.0 * (p @ centres.T) + np.sum(p * p, axis=1)[:, None]
        j = np.argmin(d, axis=1)
        rows = np.arange(len(p))
        labels[start : start + _CHUNK] = j
        first[start : start + _CHUNK] = d[rows, j]
        if centres.shape[0] > 1:
            d[rows, j] = np.inf
            second[start : start + _CHUNK] = d.min(axis=1)
    np.sqrt(np.maximum(first, 0.0), out=first)
    np.sqrt(np.maximum(second, 0.0), out=second)
    return labels, first, second


def recentred(
    points: FloatArray, weights: FloatArray, member_of: IndexArray, n_clusters: int
) -> tuple[FloatArray, IndexArray]:
    """Polis's warm start, first half: each last-run cluster moved to the (weighted) mean of its
    members' positions today; `member_of` is each point's last-run cluster or -1 for a newcomer.
    Clusters left without members are dropped and identical ones merged. Returns the centres and,
    for each, the index of the last-run cluster it continues."""
    known = member_of >= 0
    m = member_of[known]
    w = weights[known]
    mass = np.bincount(m, weights=w, minlength=n_clusters)
    count = np.bincount(m, minlength=n_clusters)
    sx = np.bincount(m, weights=w * points[known, 0], minlength=n_clusters)
    sy = np.bincount(m, weights=w * points[known, 1], minlength=n_clusters)
    alive = np.flatnonzero(count > 0)
    safe = np.where(mass > 0, mass, 1.0)
    centres = np.stack([sx / safe, sy / safe], axis=1)[alive]
    _, first = np.unique(centres, axis=0, return_index=True)
    keep = np.sort(first)
    return centres[keep], alive[keep]


def add_distal(points: FloatArray, centres: FloatArray, k: int) -> FloatArray:
    """Polis's warm start: while there are fewer than k centres and a point lies away from all of
    them, the point farthest from its nearest centre becomes a centre."""
    if len(centres) == 0:
        return first_distinct(points, k)
    if len(centres) >= k:
        return centres
    _, dist = nearest(points, centres)
    out = list(centres)
    # Stops at k centres, or when every point sits on one (no more distinct points).
    while len(out) < k and len(points):
        far = int(np.argmax(dist))
        if dist[far] <= 0:
            break
        out.append(points[far].copy())
        dist = np.minimum(dist, np.sum((points - points[far]) ** 2, axis=1))
    return np.array(out).reshape(-1, 2)


def kmeans(
    points: FloatArray,
    centres: FloatArray,
    *,
    weights: FloatArray | None = None,
    max_iterations: int = 100,
) -> tuple[FloatArray, IndexArray, IndexArray]:
    """Lloyd's iterations from `centres` until no centre moves 0.01 or more (Polis's test); a centre
    left without points is dropped, as in Polis.

    Returns the centres, each point's label (an index into them) and, for each centre, the index
    of the starting centre it grew from. Hamerly's bounds (the distance to the own centre from
    above, to the second nearest from below) spare recomputing the points no centre's move can
    have changed; the result is the same as plain Lloyd's."""
    w = np.ones(len(points)) if weights is None else weights
    current = centres.copy()
    origin = np.arange(len(centres), dtype=np.intp)
    labels, upper, lower = _two_nearest(points, current)
    for _ in range(max_iterations + 1):
        count = np.bincount(labels, minlength=len(current))
        kept = np.flatnonzero(count > 0)
        if len(kept) < len(current):
            remap = np.full(len(current), -1, dtype=np.intp)
            remap[kept] = np.arange(len(kept))
            labels, current, origin = remap[labels], current[kept], origin[kept]
        mass = np.bincount(labels, weights=w, minlength=len(current))
        sx = np.bincount(labels, weights=w * points[:, 0], minlength=len(current))
        sy = np.bincount(labels, weights=w * points[:, 1], minlength=len(current))
        safe = np.where(mass > 0, mass, 1.0)
        moved = np.stack([sx / safe, sy / safe], axis=1)
        # A cluster whose members all weigh nothing keeps its centre.
        moved[mass <= 0] = current[mass <= 0]
        shift = np.sqrt(np.sum((moved - current) ** 2, axis=1))
        same = len(kept) == len(count) and bool(np.all(shift < SAME_CLUSTERING))
        current = moved
        upper += shift[labels]
        lower -= shift.max(initial=0.0)
        labels, upper, lower = _reassign(points, current, labels, upper, lower)
        if same:
            break
    used = np.flatnonzero(np.bincount(labels, minlength=len(current)) > 0)
    if len(used) < len(current):
        remap = np.full(len(current), -1, dtype=np.intp)
        remap[used] = np.arange(len(used))
        current, origin, labels = current[used], origin[used], remap[labels]
    return current, labels, origin


def _reassign(
    points: FloatArray, centres: FloatArray, labels: IndexArray, upper: FloatArray, lower: FloatArray
) -> tuple[IndexArray, FloatArray, FloatArray]:
    """Hamerly's step: only a point whose bound to its centre exceeds the bound to the others can
    have a new nearest centre."""
    maybe = np.flatnonzero(upper > lower)
    if len(maybe):
        upper[maybe] = np.sqrt(np.sum((points[maybe] - centres[labels[maybe]]) ** 2, axis=1))
        maybe = maybe[upper[maybe] > lower[maybe]]
    if len(maybe):
        j, first, second = _two_nearest(points[maybe], centres)
        labels[maybe], upper[maybe], lower[maybe] = j, first, second
    return labels, upper, lower


def silhouette(points: FloatArray, labels: IndexArray) -> float:
    """Mean silhouette over the points (Polis: unweighted, over the base-cluster centres).

    A point alone in its cluster scores 0; one cluster overall scores 0."""
    n = len(points)
    clusters = np.unique(labels)
    if n < 2 or len(clusters) < 2:
        return 0.0
    d = np.sqrt(np.sum((points[:, None, :] - points[None, :, :]) ** 2, axis=2))
    # Each point's summed distance to every cluster's points: d times the membership matrix.
    membership = np.zeros((n, int(labels.max()) + 1))
    membership[np.arange(n), labels] = 1.0
    sums = d @ membership
    sizes = membership.sum(axis=0)
    own = sizes[labels] - 1
    a = np.divide(sums[np.arange(n), labels], own, out=np.zeros(n), where=own > 0)
    other = sums / np.where(sizes > 0, sizes, 1.0)[None, :]
    other[np.arange(n), labels] = np.inf
    other[:, sizes == 0] = np.inf
    b = other.min(axis=1)
    top = np.maximum(a, b)
    s = np.divide(b - a, top, out=np.zeros(n), where=top > 0)
    s[own == 0] = 0.0
    return float(s.mean())
