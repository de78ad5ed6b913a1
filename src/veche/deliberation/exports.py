# mypy: disallow-untyped-defs, disallow-incomplete-defs, check-untyped-defs
"""A deliberation's public export in Polis's format, as pieces of text for a streaming response.

comments.csv and votes.csv are the core's (`selectors.export_comments`: the statements, a few
thousand lines at most; `selectors.export_votes`: in chunks). participants-votes.csv has a line per
participant and a column per statement (100,000 x 1,000 makes hundreds of megabytes), so it is written
here in pieces of BATCH participants from the matrix of latest votes, which is held (numpy arrays, a
few bytes a vote) while the text is not.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import numpy as np
from django.db.models import Count

from veche.deliberation.engine import Votes
from veche.deliberation.engine.polis import write_participants_votes
from veche.deliberation.models import Deliberation, Statement, shown_q
from veche.deliberation.selectors import export_comments, export_votes, latest_votes, map_of

NAMES = ("comments", "votes", "participants-votes")
BATCH = 5000  # participants a piece


def export_pieces(deliberation: Deliberation, name: str) -> Iterator[str]:
    """The public file `name` (one of NAMES) of `deliberation`, in pieces."""
    if name == "comments":
        return iter((export_comments(deliberation),))
    if name == "votes":
        return export_votes(deliberation)
    if name == "participants-votes":
        return participants_votes_pieces(deliberation)
    raise ValueError(name)


def participants_votes_pieces(deliberation: Deliberation) -> Iterator[str]:
    """participants-votes.csv (as `selectors.export_participants_votes` writes it) in pieces: each
    participant's group on the last map and latest vote on each shown statement; then the authors who
    did not vote."""
    latest = latest_votes(deliberation)
    votes = Votes.from_arrays(latest.participants, latest.statements, latest.values, statements=latest.shown)
    last = map_of(deliberation)
    groups = {int(p): int(g) for p, g in ((last.result.get("groups") or {}) if last else {}).items()}
    authored: dict[int, int] = dict(
        Statement.objects.filter(shown_q(), deliberation=deliberation, participant__isnull=False)
        .values_list("participant__number")
        .annotate(n=Count("pk"))
        .values_list("participant__number", "n")
    )
    n = len(votes.participants)
    # Cells are sorted by row: the cells of rows [i, i + BATCH) start at starts[i // BATCH].
    starts = np.searchsorted(np.asarray(votes.rows), np.arange(0, n + BATCH, BATCH))
    header = True
    for piece, first in enumerate(range(0, max(n, 1), BATCH)):
        lo, hi = int(starts[piece]), int(starts[min(piece + 1, len(starts) - 1)])
        part = Votes(
            participants=votes.participants[first : first + BATCH],
            statements=votes.statements,
            rows=(votes.rows[lo:hi] - first).astype(np.int32),
            cols=votes.cols[lo:hi],
            values=votes.values[lo:hi],
        )
        theirs = {int(p): authored[int(p)] for p in part.participants if int(p) in authored}
        yield _written(part, groups, theirs, header)
        header = False
    voted = set(votes.participants.tolist())
    silent = {p: count for p, count in authored.items() if p not in voted}
    if silent:
        nobody = Votes(
            participants=np.zeros(0, dtype=np.int64),
            statements=votes.statements,
            rows=np.zeros(0, dtype=np.int32),
            cols=np.zeros(0, dtype=np.int32),
            values=np.zeros(0, dtype=np.int8),
        )
        yield _written(nobody, groups, silent, header)


def _written(part: Votes, groups: dict[int, int], authored: dict[int, int], header: bool) -> str:
    out = io.StringIO()
    write_participants_votes(out, part, groups, authored)
    text = out.getvalue()
    # The writer writes its header each time (one line); the pieces after the first drop it.
    return text if header else text.split("\n", 1)[1]
