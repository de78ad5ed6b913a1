"""How much each statement is worth showing next: Polis's comment priorities."""

from __future__ import annotations

import numpy as np

from veche.deliberation.engine.matrix import Votes
from veche.deliberation.engine.result import Result

# Polis (math/conversation.clj, priority-metric): the boost for statements few have seen halves
# every 5 votes, starting at 9x.
NEW_BOOST = 8.0
NEW_HALF_LIFE = 5.0


def priorities(votes: Votes, result: Result | None) -> dict[int, float]:
    """Statement id -> weight > 0: Polis's importance (1 - p_pass)(extremity + 1) p_agree, times
    1 + 8 * 2^(-seen / 5) so that new statements are shown, squared to deepen the bias.

    The counts are today's votes (Polis uses the grouped participants' counts of its last run);
    the extremity, how far an agreement with the statement moves a participant on the map, comes
    from the run in `result` (0 for a statement it did not have)."""
    counts = votes.counts()
    agree = counts.agree.astype(np.float64)
    passed = counts.passed.astype(np.float64)
    seen = counts.seen.astype(np.float64)
    extremity = np.zeros(len(votes.statements))
    state = result.state if result is not None else None
    if state is not None and state.statements and len(state.components) == 2:
        known = np.asarray(state.statements, dtype=np.int64)
        center = np.asarray(state.center, dtype=np.float64)
        comps = np.asarray(state.components, dtype=np.float64)
        # Polis projects a single "agree" on the statement with the participant projection.
        n_columns = state.columns or len(known)
        e = (1.0 - center) * np.sqrt(np.sum(comps * comps, axis=0)) * np.sqrt(n_columns)
        where = np.minimum(np.searchsorted(known, votes.statements), len(known) - 1)
        found = known[where] == votes.statements
        extremity[found] = np.abs(e[where[found]])
    p_pass = (passed + 1.0) / (seen + 2.0)
    p_agree = (agree + 1.0) / (seen + 2.0)
    importance = (1.0 - p_pass) * (extremity + 1.0) * p_agree
    boost = 1.0 + NEW_BOOST * np.power(2.0, -seen / NEW_HALF_LIFE)
    weight = (importance * boost) ** 2
    return {int(s): float(w) for s, w in zip(votes.statements, weight, strict=True)}
