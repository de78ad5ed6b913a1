"""The opinion-mapping engine (Polis's method): votes in, opinion groups, representative statements
and consensus out. numpy only; no Django here."""

from veche.core.spreadsheet import neutralise
from veche.deliberation.engine.matrix import StatementCounts, Votes
from veche.deliberation.engine.pipeline import cluster, place
from veche.deliberation.engine.polis import (
    Comment,
    Conversation,
    PolisError,
    VoteRow,
    read_polis,
    write_comments,
    write_participants_votes,
    write_polis,
    write_votes,
)
from veche.deliberation.engine.priorities import priorities
from veche.deliberation.engine.result import Consensus, Rep, Result, State
from veche.deliberation.engine.synthetic import planted_conversation

__all__ = [
    "Comment",
    "Consensus",
    "Conversation",
    "PolisError",
    "Rep",
    "Result",
    "State",
    "StatementCounts",
    "VoteRow",
    "Votes",
    "cluster",
    "neutralise",
    "place",
    "planted_conversation",
    "priorities",
    "read_polis",
    "write_comments",
    "write_participants_votes",
    "write_polis",
    "write_votes",
]
