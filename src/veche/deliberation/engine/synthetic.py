# mypy: disallow-untyped-defs, disallow-incomplete-defs, check-untyped-defs
"""Generated conversations with planted opinion groups, for tests, the bench and the demo.

Each group stands at a point of a hidden 2-D opinion plane (the groups evenly round a circle); each
statement has a hidden direction in that plane and a general popularity. A group's agree probability on
a statement is the logistic of (its position · the statement's direction + the popularity), so groups
differ on some statements and agree on others (consensus), and the differences live in two dimensions,
as a Polis map assumes. Each participant belongs to one group, sees a random subset of statements
(about `votes_per_participant`, spread like real activity) and passes on some of them."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import numpy as np
import numpy.typing as npt

from veche.deliberation.engine.matrix import Votes
from veche.deliberation.engine.polis import Comment, Conversation, VoteRow

# How sharply groups disagree: the logistic's slope on the plane. 3 gives agree shares from about 5 % to
# 95 % on the most divisive statements.
SEPARATION = 3.0
# A participant passes on a statement with this probability, times the statement's own pass tendency.
PASS_SHARE = 0.12
# Rows of the random matrix drawn at once when a participant sees most statements (memory bound).
CHUNK_CELLS = 8_000_000


def planted_conversation(
    participants: int, statements: int, votes_per_participant: int, groups: int, seed: int
) -> tuple[Votes, dict[int, int]]:
    """A conversation with `groups` planted opinion groups: the votes and each participant's group.

    Participant ids are 0..participants-1 and statement ids 0..statements-1 (every statement is a
    column). Group sizes are unequal (drawn around equal shares). The same arguments give the same
    conversation."""
    if participants < 0 or statements < 1 or groups < 1 or votes_per_participant < 1:
        raise ValueError("need participants >= 0, statements >= 1, groups >= 1, votes_per_participant >= 1")
    rng = np.random.default_rng(seed)
    group = _groups(rng, participants, groups)
    agree = _agree_probabilities(rng, statements, groups)
    pass_tendency = rng.beta(1.0, 3.0, size=statements) * 4.0 * PASS_SHARE  # mean PASS_SHARE

    pid, sid = _seen(rng, participants, statements, votes_per_participant)
    u = rng.random(len(pid))
    p_pass = pass_tendency[sid]
    p_agree = agree[group[pid], sid]
    values = np.where(u < p_pass, 0, np.where(u < p_pass + (1 - p_pass) * p_agree, 1, -1)).astype(np.int8)
    votes = Votes.from_arrays(pid, sid, values, statements=np.arange(statements, dtype=np.int64))
    truth = dict(zip(range(participants), group.tolist(), strict=True))
    return votes, truth


def _groups(rng: np.random.Generator, participants: int, groups: int) -> npt.NDArray[np.int64]:
    shares = rng.dirichlet(np.full(groups, 8.0))  # unequal, but no group tiny
    return rng.choice(groups, size=participants, p=shares).astype(np.int64)


def _agree_probabilities(rng: np.random.Generator, statements: int, groups: int) -> npt.NDArray[np.float64]:
    turn = rng.uniform(0, 2 * math.pi)
    angles = turn + 2 * math.pi * np.arange(groups) / groups
    positions = np.stack([np.cos(angles), np.sin(angles)], axis=1)  # groups x 2
    directions = rng.normal(size=(statements, 2))
    popularity = rng.normal(0.3, 1.0, size=statements)
    logits = SEPARATION * positions @ directions.T + popularity  # groups x statements
    return 1.0 / (1.0 + np.exp(-logits))


def _seen(
    rng: np.random.Generator, participants: int, statements: int, votes_per_participant: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Which statements each participant voted on: distinct per participant, sorted by participant."""
    # Activity spread like a gamma with shape 2 (a few very active voters, many with a handful).
    wanted = np.clip(np.rint(rng.gamma(2.0, votes_per_participant / 2.0, size=participants)), 1, statements)
    wanted = wanted.astype(np.int64)
    if 4 * votes_per_participant >= statements:
        return _seen_dense(rng, wanted, statements)
    # Sparse: draw `wanted` statements with replacement and drop the repeats (about wanted² / 2 statements
    # of them, a few per cent: the count stays "about" wanted, and no sort by a random key is needed).
    pid = np.repeat(np.arange(participants, dtype=np.int64), wanted)
    sid = rng.integers(0, statements, size=len(pid), dtype=np.int64)
    cells = np.sort(pid * statements + sid)  # np.unique would do, several times slower (numpy 2.x)
    cells = cells[np.concatenate(([True], cells[1:] != cells[:-1]))]
    return cells // statements, cells % statements


def _seen_dense(
    rng: np.random.Generator, wanted: npt.NDArray[np.int64], statements: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    # Each participant sees exactly `wanted` statements: the first of a random order of all of them.
    participants = len(wanted)
    chunk = max(1, CHUNK_CELLS // statements)
    pids: list[npt.NDArray[np.int64]] = [np.zeros(0, dtype=np.int64)]
    sids: list[npt.NDArray[np.int64]] = [np.zeros(0, dtype=np.int64)]
    for start in range(0, participants, chunk):
        want = wanted[start : start + chunk]
        order = np.argsort(rng.random((len(want), statements)), axis=1)
        seen = np.zeros(order.shape, dtype=bool)
        np.put_along_axis(seen, order, np.arange(statements)[None, :] < want[:, None], axis=1)
        rows, cols = np.nonzero(seen)
        pids.append(rows.astype(np.int64) + start)
        sids.append(cols.astype(np.int64))
    return np.concatenate(pids), np.concatenate(sids)


def as_conversation(votes: Votes, *, start_ms: int | None = None, step_ms: int = 1000) -> Conversation:
    """The votes as a Polis conversation (for write_polis): one accepted statement per column, written by
    participant 0, and one vote row per cell, `step_ms` apart in a shuffled but fixed order."""
    if start_ms is None:
        start_ms = int(datetime(2026, 1, 1, tzinfo=UTC).timestamp() * 1000)
    counts = votes.counts()
    comments = [
        Comment(
            id=int(statement),
            author=0,
            text=f"Statement {int(statement)}",
            moderated=1,
            timestamp_ms=start_ms,
            agrees=int(counts.agree[index]),
            disagrees=int(counts.disagree[index]),
        )
        for index, statement in enumerate(votes.statements)
    ]
    order = np.random.default_rng(len(votes)).permutation(len(votes))
    voters = votes.participants[votes.rows[order]].tolist()
    comment_ids = votes.statements[votes.cols[order]].tolist()
    values = votes.values[order].tolist()
    rows = [
        VoteRow(timestamp_ms=start_ms + step_ms * (i + 1), comment=c, voter=p, vote=v)
        for i, (p, c, v) in enumerate(zip(voters, comment_ids, values, strict=True))
    ]
    return Conversation(comments=comments, votes=rows)
