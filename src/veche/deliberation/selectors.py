"""Reads of deliberations that the pages, the API and the open data share: the statements shown, the
moderation queue, the last map with its statements, and the export in Polis's CSV format.

The export holds what the public sees: the accepted statements that no moderator hid, and the votes on
them (`everything=True` adds pending and rejected statements, for those who run the deliberation).
Participants are written by their numbers only, never by account.
"""

import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db.models import Case, Count, Q, QuerySet, When

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
    Participant,
    Statement,
    StatementStatus,
    Vote,
    shown_q,
)

EXPORT_CHUNK = 20_000


def shown_statements(deliberation: Deliberation) -> QuerySet[Statement]:
    """The statements voters see, in number order."""
    return Statement.objects.filter(shown_q(), deliberation=deliberation).order_by("number")


def statements_to_moderate(deliberation: Deliberation) -> QuerySet[Statement]:
    """Every statement for those who moderate them: pending first (oldest first), then the rest."""
    return (
        Statement.objects.filter(deliberation=deliberation)
        .select_related("author")
        .order_by(Case(When(status=StatementStatus.PENDING, then=0), default=1), "number")
    )


def map_of(deliberation: Deliberation) -> Map | None:
    """The last map, if one was computed."""
    return Map.objects.filter(deliberation=deliberation).first()


@dataclass(frozen=True)
class MapView:
    """The last map with its statements, for a page or the API: `result` is `Map.result` (ids are
    numbers), `statements` the statements it names by number, `new_votes` the votes since it."""

    map: Map | None
    statements: dict[int, Statement]
    new_votes: int


def map_view(deliberation: Deliberation) -> MapView:
    """The last map and the statements its result names (two queries)."""
    last = map_of(deliberation)
    numbers: set[int] = set()
    if last is not None:
        result: dict[str, Any] = last.result
        numbers.update(int(n) for n in result.get("counts", {}))
        numbers.update(int(rep["statement"]) for reps in result.get("repness", {}).values() for rep in reps)
        numbers.update(int(c["statement"]) for c in result.get("consensus", []))
    statements = {
        s.number: s for s in Statement.objects.filter(deliberation=deliberation, number__in=numbers)
    }
    seen = last.vote_serial if last is not None else 0
    return MapView(map=last, statements=statements, new_votes=max(deliberation.vote_serial - seen, 0))


@dataclass(frozen=True)
class LatestVotes:
    """The deliberation's latest votes in the engine's numbering (Polis's: participant and statement
    numbers), and the shown statements."""

    participants: Any  # numpy int64 arrays
    statements: Any
    values: Any
    shown: Any


def latest_votes(deliberation: Deliberation) -> LatestVotes:
    """Every vote on a shown statement, as arrays; one query for the statements, one for the votes."""
    number_of = dict(
        Statement.objects.filter(shown_q(), deliberation=deliberation).values_list("pk", "number")
    )
    participant_number = dict(
        Participant.objects.filter(deliberation=deliberation).values_list("pk", "number")
    )
    rows = Vote.objects.filter(deliberation=deliberation, statement_id__in=list(number_of)).values_list(
        "participant_id", "statement_id", "value"
    )
    p, s, v = [], [], []
    for participant_id, statement_id, value in rows.iterator(chunk_size=20000):
        p.append(participant_number[participant_id])
        s.append(number_of[statement_id])
        v.append(value)
    return LatestVotes(
        participants=np.array(p, dtype=np.int64),
        statements=np.array(s, dtype=np.int64),
        values=np.array(v, dtype=np.int8),
        shown=np.array(sorted(number_of.values()), dtype=np.int64),
    )


# Export in Polis's format.


def _exported(deliberation: Deliberation, everything: bool) -> QuerySet[Statement]:
    statements = Statement.objects.filter(deliberation=deliberation)
    if not everything:
        statements = statements.filter(shown_q())
    return statements.order_by("number")


def _ms(moment: Any) -> int:
    return int(moment.timestamp() * 1000)


def _polis_moderated(statement: Statement) -> int:
    # A statement a moderator hid is out of the conversation, as Polis's -1.
    return -1 if statement.hidden_at is not None else POLIS_MODERATED[StatementStatus(statement.status)]


def export_comments(deliberation: Deliberation, *, everything: bool = False) -> str:
    """comments.csv: the statements with their Polis ids, authors' participant numbers (-1 for the
    organisers' and platform's), agree and disagree counts, and moderation."""
    statements = (
        _exported(deliberation, everything)
        .select_related("participant")
        .annotate(
            agrees=Count("votes", filter=Q(votes__value=1)),
            disagrees=Count("votes", filter=Q(votes__value=-1)),
        )
    )
    out = io.StringIO()
    write_comments(
        out,
        (
            Comment(
                id=s.number,
                author=s.participant.number if s.participant is not None else -1,
                text=s.text,
                moderated=_polis_moderated(s),
                timestamp_ms=_ms(s.created_at),
                agrees=s.agrees,
                disagrees=s.disagrees,
            )
            for s in statements
        ),
    )
    return out.getvalue()


def _vote_rows(deliberation: Deliberation, everything: bool) -> Iterator[tuple[Any, ...]]:
    votes = Vote.objects.filter(deliberation=deliberation)
    if not everything:
        votes = votes.filter(shown_q("statement__"))
    return (
        votes.order_by("updated_at", "id")
        .values_list("updated_at", "statement__number", "participant__number", "value")
        .iterator(chunk_size=EXPORT_CHUNK)
    )


def export_votes(deliberation: Deliberation, *, everything: bool = False) -> Iterator[str]:
    """votes.csv, in chunks for a streaming response: each participant's latest vote on each statement,
    in time order (what the database holds is the latest; Polis's own export also has the earlier)."""
    header = io.StringIO()
    write_votes(header, [])
    yield header.getvalue()
    batch: list[VoteRow] = []
    for updated_at, statement, participant, value in _vote_rows(deliberation, everything):
        batch.append(VoteRow(timestamp_ms=_ms(updated_at), comment=statement, voter=participant, vote=value))
        if len(batch) >= EXPORT_CHUNK:
            yield _rows_only(batch)
            batch = []
    if batch:
        yield _rows_only(batch)


def _rows_only(batch: list[VoteRow]) -> str:
    # write_votes writes its header first; each chunk after the first keeps only its rows.
    out = io.StringIO()
    write_votes(out, batch)
    return out.getvalue().split("\n", 1)[1]


def export_participants_votes(deliberation: Deliberation) -> str:
    """participants-votes.csv: each participant's group on the last map (empty when not grouped) and
    latest vote on each shown statement."""
    latest = latest_votes(deliberation)
    votes = Votes.from_arrays(latest.participants, latest.statements, latest.values, statements=latest.shown)
    last = map_of(deliberation)
    groups = {int(p): int(g) for p, g in (last.result.get("groups", {}) if last is not None else {}).items()}
    authored = dict(
        Statement.objects.filter(shown_q(), deliberation=deliberation, participant__isnull=False)
        .values_list("participant__number")
        .annotate(n=Count("pk"))
        .values_list("participant__number", "n")
    )
    out = io.StringIO()
    write_participants_votes(out, votes, groups, authored)
    return out.getvalue()
