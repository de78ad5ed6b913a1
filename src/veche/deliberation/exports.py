# mypy: disallow-untyped-defs, disallow-incomplete-defs, check-untyped-defs
"""A deliberation in Polis's export format (comments.csv, votes.csv, participants-votes.csv), written
by the engine's writers and yielded in pieces, so that a conversation of any size is sent without the
whole file in memory.

Only what is public goes out: the shown statements (accepted, not hidden) and the latest votes on
them, people as their Polis numbers (an author without a participant, such as the organisers' seed
statements, as -1). Texts are neutralised against spreadsheet formulas by the writers.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import TextIO, TypeVar

import numpy as np
from django.db.models import Count, Q

from veche.deliberation.engine import Votes
from veche.deliberation.engine.polis import (
    Comment,
    VoteRow,
    write_comments,
    write_participants_votes,
    write_votes,
)
from veche.deliberation.models import (
    POLIS_MODERATED,
    Deliberation,
    Map,
    Statement,
    StatementStatus,
    Vote,
    shown_q,
)
from veche.deliberation.services import latest_votes

NAMES = ("comments", "votes", "participants-votes")
BATCH = 5000  # rows written and sent at a time
NO_AUTHOR = -1

T = TypeVar("T")


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _pieces(rows: Iterable[T], write: Callable[[TextIO, list[T]], None]) -> Iterator[str]:
    """The file in pieces of BATCH rows: the writer writes its header each time; all but the first
    piece drop it (a header is one line)."""
    batch: list[T] = []
    first = True

    def flush() -> str:
        out = io.StringIO()
        write(out, batch)
        text = out.getvalue()
        return text if first else text.split("\n", 1)[1]

    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            yield flush()
            first = False
            batch = []
    if batch or first:
        yield flush()


def _comments(deliberation: Deliberation) -> Iterator[Comment]:
    statements = (
        Statement.objects.filter(shown_q(), deliberation=deliberation)
        .annotate(
            agrees=Count("votes", filter=Q(votes__value=1)),
            disagrees=Count("votes", filter=Q(votes__value=-1)),
        )
        .order_by("number")
        .values_list("number", "participant__number", "text", "created_at", "agrees", "disagrees")
    )
    moderated = POLIS_MODERATED[StatementStatus.ACCEPTED]
    for number, author, text, created_at, agrees, disagrees in statements.iterator(chunk_size=BATCH):
        yield Comment(
            id=number,
            author=NO_AUTHOR if author is None else author,
            text=text,
            moderated=moderated,
            timestamp_ms=_ms(created_at),
            agrees=agrees,
            disagrees=disagrees,
        )


def _votes(deliberation: Deliberation) -> Iterator[VoteRow]:
    """The latest vote of each participant on each shown statement, in the order they were cast."""
    votes = (
        Vote.objects.filter(shown_q("statement__"), deliberation=deliberation)
        .order_by("updated_at", "pk")
        .values_list("updated_at", "statement__number", "participant__number", "value")
    )
    for updated_at, statement, participant, value in votes.iterator(chunk_size=BATCH):
        yield VoteRow(timestamp_ms=_ms(updated_at), comment=statement, voter=participant, vote=value)


def _participants_votes(deliberation: Deliberation) -> Iterator[str]:
    """One participant a row with the map's group, in pieces of BATCH participants: the matrix of
    latest votes is held (numpy arrays, a few bytes a vote), the text is not."""
    latest = latest_votes(deliberation)
    votes = Votes.from_arrays(latest.participants, latest.statements, latest.values, statements=latest.shown)
    stored = Map.objects.filter(deliberation=deliberation).values_list("result", flat=True).first() or {}
    groups = {int(pid): int(g) for pid, g in (stored.get("groups") or {}).items()}
    authored = dict(
        Counter(
            Statement.objects.filter(shown_q(), deliberation=deliberation, participant__isnull=False)
            .values_list("participant__number", flat=True)
            .iterator()
        )
    )
    rows = np.asarray(votes.rows)
    n = len(votes.participants)
    starts = np.searchsorted(rows, np.arange(0, n + BATCH, BATCH))  # cells are sorted by row
    first = True
    for index in range(0, max(n, 1), BATCH):
        lo, hi = int(starts[index // BATCH]), int(starts[min(index // BATCH + 1, len(starts) - 1)])
        part = Votes(
            participants=votes.participants[index : index + BATCH],
            statements=votes.statements,
            rows=(votes.rows[lo:hi] - index).astype(np.int32),
            cols=votes.cols[lo:hi],
            values=votes.values[lo:hi],
        )
        mine = {int(p): authored[int(p)] for p in part.participants if int(p) in authored}
        yield _written(part, groups, mine, first)
        first = False
    voted = set(votes.participants.tolist())
    silent = {p: n for p, n in authored.items() if p not in voted}
    if silent:
        empty = Votes(
            participants=np.zeros(0, dtype=np.int64),
            statements=votes.statements,
            rows=np.zeros(0, dtype=np.int32),
            cols=np.zeros(0, dtype=np.int32),
            values=np.zeros(0, dtype=np.int8),
        )
        yield _written(empty, groups, silent, first)


def _written(part: Votes, groups: dict[int, int], authored: dict[int, int], header: bool) -> str:
    out = io.StringIO()
    write_participants_votes(out, part, groups, authored)
    text = out.getvalue()
    return text if header else text.split("\n", 1)[1]


def export_rows(deliberation: Deliberation, name: str) -> Iterator[str]:
    """The file `name` (one of NAMES) of `deliberation`, in pieces."""
    if name == "comments":
        return _pieces(_comments(deliberation), write_comments)
    if name == "votes":
        return _pieces(_votes(deliberation), write_votes)
    if name == "participants-votes":
        return _participants_votes(deliberation)
    raise ValueError(name)
