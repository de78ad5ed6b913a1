"""The opinion-mapping engine (Polis's method): votes in, opinion groups, representative statements
and consensus out. numpy only; no Django here."""

from veche.deliberation.engine.matrix import StatementCounts, Votes
from veche.deliberation.engine.pipeline import cluster, place
from veche.deliberation.engine.priorities import priorities
from veche.deliberation.engine.result import Consensus, Rep, Result, State

# --- dpolis: read_polis, Conversation, Comment, VoteRow, PolisError, write_* (polis.py) and
# planted_conversation (synthetic.py) are exported here once that branch is merged. ---

__all__ = [
    "Consensus",
    "Rep",
    "Result",
    "State",
    "StatementCounts",
    "Votes",
    "cluster",
    "place",
    "priorities",
]
