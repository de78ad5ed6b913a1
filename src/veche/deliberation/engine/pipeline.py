"""Polis's pipeline from votes to opinion groups: cluster() for a run, place() for a newcomer."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import numpy as np
import numpy.typing as npt

from veche.deliberation.engine import kmeans as km
from veche.deliberation.engine import pca, repness
from veche.deliberation.engine.matrix import StatementCounts, Votes
from veche.deliberation.engine.result import Consensus, Rep, Result, State

# Polis's constants (math/conversation.clj).
MIN_VOTES = 7  # a participant counts once they voted on min(7, statements) statements...
GREEDY_N = 15  # ...and the most active are added until there are 15
BASE_K = 100
BASE_ITERATIONS = 100
MAX_K = 5
GROUP_ITERATIONS = 20  # Polis passes :cluster-iters, which kmeans ignores: its default, 20, applies
GROUP_K_BUFFER = 4  # a new k is shown once it has won this many runs in a row

# Ours: fewer participants than Polis's top-up target cannot make groups worth showing.
MIN_PARTICIPANTS = GREEDY_N
MIN_STATEMENTS = 2

TOO_FEW_PARTICIPANTS = "too-few-participants"
TOO_FEW_STATEMENTS = "too-few-statements"
NO_DIFFERENCES = "no-differences"


def in_conversation(
    votes: Votes, previous: State | None, counts: StatementCounts | None = None
) -> npt.NDArray[np.bool_]:
    """Polis's in-conv: voted on min(7, statements) statements, or was in before; topped up with
    the most active voters (the lower id first on a tie) until there are 15."""
    n_s = columns(votes, counts)
    cast = votes.votes_per_participant()
    if votes.hidden_cast is not None:
        cast = cast + votes.hidden_cast
    inside = cast >= min(MIN_VOTES, n_s)
    if previous is not None and previous.in_conversation:
        inside |= np.isin(votes.participants, np.asarray(previous.in_conversation, dtype=np.int64))
    missing = GREEDY_N - int(inside.sum())
    if missing > 0:
        outside = np.flatnonzero(~inside & (cast > 0))
        order = outside[np.argsort(-cast[outside], kind="stable")]
        inside[order[:missing]] = True
    return inside


def columns(votes: Votes, counts: StatementCounts | None = None) -> int:
    """How many statements Polis's matrix has: a column appears with its first vote, and a
    moderated-out statement stays as a column (of zeros)."""
    seen = (counts if counts is not None else votes.counts()).seen
    return int(np.count_nonzero(seen)) + votes.hidden_statements


def _aligned(previous: State | None, statements: npt.NDArray[np.int64]) -> npt.NDArray[np.float64] | None:
    """The last run's axes on this run's statements (zero on new ones), for the warm start."""
    if previous is None or len(previous.components) != pca.N_COMPONENTS or not previous.statements:
        return None
    old = np.asarray(previous.statements, dtype=np.int64)
    comps = np.asarray(previous.components, dtype=np.float64)
    if comps.shape != (pca.N_COMPONENTS, len(old)):
        return None
    out = np.zeros((pca.N_COMPONENTS, len(statements)))
    where = np.searchsorted(old, statements)
    where = np.minimum(where, len(old) - 1)
    found = old[where] == statements
    out[:, found] = comps[:, where[found]]
    return out


def _last_membership(
    previous: State | None, ids_in: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.int64]] | None:
    """Each participant's base cluster in the last run, as an index into its base ids (-1 for a
    newcomer), and those ids; None without a usable last run."""
    if previous is None or not previous.base_ids or len(previous.base_of) != len(previous.in_conversation):
        return None
    last_ids = np.asarray(previous.base_ids, dtype=np.int64)
    who = np.asarray(previous.in_conversation, dtype=np.int64)
    which = np.asarray(previous.base_of, dtype=np.int64)
    order = np.argsort(who)
    who, which = who[order], which[order]
    pos = np.minimum(np.searchsorted(who, ids_in), max(len(who) - 1, 0))
    found = who[pos] == ids_in if len(who) else np.zeros(len(ids_in), dtype=bool)
    id_order = np.argsort(last_ids)
    slot = np.minimum(np.searchsorted(last_ids[id_order], which), len(last_ids) - 1)
    index_of_which = np.where(last_ids[id_order][slot] == which, id_order[slot], -1)
    member_of = np.full(len(ids_in), -1, dtype=np.intp)
    member_of[found] = index_of_which[pos[found]]
    return member_of, last_ids


def _group_of(base_ids: npt.NDArray[np.int64], groups: list[list[int]]) -> npt.NDArray[np.intp]:
    """Each base cluster's group in `groups` (lists of base-cluster ids), -1 if in none."""
    member = np.fromiter((b for g in groups for b in g), dtype=np.int64)
    group = np.repeat(np.arange(len(groups), dtype=np.intp), [len(g) for g in groups])
    out = np.full(len(base_ids), -1, dtype=np.intp)
    if len(member) == 0:
        return out
    order = np.argsort(member)
    member, group = member[order], group[order]
    where = np.minimum(np.searchsorted(member, base_ids), len(member) - 1)
    found = member[where] == base_ids
    out[found] = group[where[found]]
    return out


def _empty(
    votes: Votes, reason: str, n_participants: int, state: State, counts: StatementCounts | None = None
) -> Result:
    return Result(
        k=0,
        reason=reason,
        groups={},
        points={},
        group_sizes=[],
        centres=[],
        repness={},
        consensus=_consensus(votes, counts),
        group_consensus={},
        n_participants=n_participants,
        n_votes=len(votes),
        state=state,
    )


def _consensus(votes: Votes, counts: StatementCounts | None = None) -> list[Consensus]:
    counts = counts if counts is not None else votes.counts()
    return [
        Consensus(
            direction=c.direction,
            statement=int(votes.statements[c.statement_index]),
            n_agree=c.n_agree,
            n_disagree=c.n_disagree,
            n_seen=c.n_seen,
            p=c.p,
        )
        for c in repness.consensus(counts.agree, counts.disagree, counts.seen)
    ]


def _smooth(previous: State | None, this_k: int) -> tuple[int, int, int]:
    """Polis's group-k smoother: returns (last_k, last_k_count, smoothed_k)."""
    last_k = previous.last_k if previous else 0
    count = previous.last_k_count if previous else 0
    smoothed = previous.smoothed_k if previous else 0
    this_count = count + 1 if last_k and this_k == last_k else 1
    if this_count >= GROUP_K_BUFFER or not smoothed:
        smoothed = this_k
    return this_k, this_count, smoothed


def cluster(votes: Votes, *, previous: State | None = None, seed: int = 0) -> Result:
    """Opinion groups, their representative statements and the consensus, as Polis computes them.

    `previous` (the last run's `result.state`) warm-starts the PCA and both k-means and carries the
    k smoother's streak. Small input gives k == 0 and a reason, never an exception."""
    counts = votes.counts()
    inside = in_conversation(votes, previous, counts)
    n_in = int(inside.sum())
    if columns(votes, counts) - votes.hidden_statements < MIN_STATEMENTS:
        return _empty(votes, TOO_FEW_STATEMENTS, n_in, previous or State(), counts)
    result = _run(votes, counts, inside, previous, seed)
    if result.k and n_in < MIN_PARTICIPANTS:
        # Polis clusters from the first votes on; the groups are not shown yet, but the state
        # carries them so that later runs start where Polis's would.
        return _empty(votes, TOO_FEW_PARTICIPANTS, n_in, replace(result.state, centres=[]), counts)
    return result


def _run(
    votes: Votes, counts: StatementCounts, inside: npt.NDArray[np.bool_], previous: State | None, seed: int
) -> Result:
    n_p, n_s = votes.shape
    n_in = int(inside.sum())

    x = pca.centre(votes, counts)
    start = _aligned(previous, votes.statements)
    comps, _ = pca.components(x, start=start, seed=seed)
    rows_in = np.flatnonzero(inside)
    n_columns = columns(votes, counts)
    points = pca.project(x, comps, columns=n_columns, hidden_columns=votes.hidden_statements)[rows_in]

    ids = votes.participants
    ids_in = ids[rows_in]

    # Base clusters: k-means with 100 centres on the participants in the conversation, started
    # from the last run's clusters recentred on their members (Polis's clean-start-clusters).
    first_new_id = previous.next_base_id if previous is not None else 0
    last_base = _last_membership(previous, ids_in)
    if last_base is not None:
        member_of, last_ids = last_base
        recentred, continued = km.recentred(points, np.ones(len(points)), member_of, len(last_ids))
        init = km.add_distal(points, recentred, BASE_K)
        init_ids = np.r_[last_ids[continued], first_new_id + np.arange(len(init) - len(recentred))]
    else:
        init = km.first_distinct(points, BASE_K)
        init_ids = np.arange(len(init))
    base_centres, base_of, origin = km.kmeans(points, init, max_iterations=BASE_ITERATIONS)
    base_ids = init_ids[origin].astype(np.int64)
    next_base_id = int(max(init_ids.max(initial=-1) + 1, first_new_id))
    base_weight = np.bincount(base_of, minlength=len(base_centres)).astype(np.float64)
    if len(base_centres) < 2:
        smoother = previous or State()
        state = State(
            statements=[int(s) for s in votes.statements],
            center=x.center.tolist(),
            components=comps.tolist(),
            columns=n_columns,
            hidden_columns=votes.hidden_statements,
            in_conversation=[int(p) for p in ids_in],
            last_k=smoother.last_k,
            last_k_count=smoother.last_k_count,
            smoothed_k=smoother.smoothed_k,
        )
        reason = TOO_FEW_PARTICIPANTS if n_in < MIN_PARTICIPANTS else NO_DIFFERENCES
        return _empty(votes, reason, n_in, state, counts)

    # Groups: weighted k-means on the base centres for each k, chosen by the silhouette on them.
    max_k = min(MAX_K, 2 + len(base_centres) // 12)
    clusterings: dict[int, tuple[npt.NDArray[np.float64], npt.NDArray[np.intp]]] = {}
    silhouettes: dict[int, float] = {}
    for k in range(2, max_k + 1):
        last_groups = previous.group_members.get(k) if previous is not None else None
        if last_groups:
            group_of_base = _group_of(base_ids, last_groups)
            recentred, _ = km.recentred(base_centres, base_weight, group_of_base, len(last_groups))
            group_init = km.add_distal(base_centres, recentred, k)
        else:
            group_init = km.first_distinct(base_centres, k)
        centres, labels, _ = km.kmeans(
            base_centres, group_init, weights=base_weight, max_iterations=GROUP_ITERATIONS
        )
        clusterings[k] = (centres, labels)
        silhouettes[k] = km.silhouette(base_centres, labels)
    # On a tie the larger k wins, as Clojure's max-key returns the last maximum.
    this_k = max(silhouettes, key=lambda k: (silhouettes[k], k))
    last_k, last_k_count, smoothed_k = _smooth(previous, this_k)
    if smoothed_k not in clusterings:
        smoothed_k = this_k
    group_centres, group_of_base = clusterings[smoothed_k]
    k = len(group_centres)

    group_of_row = np.full(n_p, -1, dtype=np.intp)
    group_of_row[rows_in] = group_of_base[base_of]
    sizes = np.bincount(group_of_row[rows_in], minlength=k)

    t = repness.tally(group_of_row, votes.rows, votes.cols, votes.values, k, n_s)
    reps = repness.representative(t)
    gic = repness.group_informed_consensus(t)
    statements = votes.statements

    state = State(
        statements=[int(s) for s in statements],
        center=x.center.tolist(),
        components=comps.tolist(),
        columns=n_columns,
        hidden_columns=votes.hidden_statements,
        in_conversation=ids_in.tolist(),
        base_of=base_ids[base_of].tolist(),
        base_ids=base_ids.tolist(),
        next_base_id=next_base_id,
        group_members={
            kk: [[int(b) for b in base_ids[labels == g]] for g in range(len(c))]
            for kk, (c, labels) in clusterings.items()
        },
        last_k=last_k,
        last_k_count=last_k_count,
        smoothed_k=smoothed_k,
        centres=group_centres.tolist(),
    )
    return Result(
        k=k,
        reason=None,
        groups=dict(zip(ids_in.tolist(), group_of_row[rows_in].tolist(), strict=True)),
        points=dict(zip(ids_in.tolist(), map(tuple, points.tolist()), strict=True)),
        group_sizes=[int(s) for s in sizes],
        centres=[(float(c[0]), float(c[1])) for c in group_centres],
        repness={
            g: [
                Rep(
                    statement=int(statements[s.statement_index]),
                    direction=s.direction,
                    n_agree=s.n_agree,
                    n_disagree=s.n_disagree,
                    n_seen=s.n_seen,
                    p=s.p,
                    p_out=s.p_out,
                    ratio=s.ratio,
                    score=s.score,
                )
                for s in group_reps
            ]
            for g, group_reps in enumerate(reps)
        },
        consensus=_consensus(votes, counts),
        group_consensus={int(s): float(v) for s, v in zip(statements, gic, strict=True)},
        n_participants=n_in,
        n_votes=len(votes),
        state=state,
    )


def place(state: State, answers: Mapping[int, int]) -> tuple[float, float, int | None]:
    """Where a participant stands: their answers projected on the last run's axes (scaled as in
    cluster()), and the group of the nearest group centre. (0, 0, None) when no answer is on a
    statement of the last run; the group is None when the last run had no groups."""
    if not state.statements or len(state.components) != pca.N_COMPONENTS:
        return 0.0, 0.0, None
    statements = np.asarray(state.statements, dtype=np.int64)
    asked = np.fromiter(answers.keys(), dtype=np.int64, count=len(answers))
    given = np.fromiter(answers.values(), dtype=np.float64, count=len(answers))
    where = np.minimum(np.searchsorted(statements, asked), len(statements) - 1)
    found = statements[where] == asked
    if not found.any():
        return 0.0, 0.0, None
    where, given = where[found], given[found]
    center = np.asarray(state.center, dtype=np.float64)
    comps = np.asarray(state.components, dtype=np.float64)
    raw = comps[:, where] @ (given - center[where])
    # Scaled as cluster() scales: Polis's columns over the votes cast, moderated-out ones included.
    n_columns = state.columns or len(statements)
    xy = raw * np.sqrt(n_columns / (len(where) + state.hidden_columns))
    if not state.centres:
        return float(xy[0]), float(xy[1]), None
    centres = np.asarray(state.centres, dtype=np.float64)
    group = int(np.argmin(np.sum((centres - xy[None, :]) ** 2, axis=1)))
    return float(xy[0]), float(xy[1]), group
