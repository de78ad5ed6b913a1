"""Votes: the latest vote counts, moderated-out statements are no columns, empty input is fine."""

import numpy as np
import pytest

from veche.deliberation.engine import Votes


def test_the_latest_vote_of_a_participant_on_a_statement_wins():
    votes = Votes.from_events([7, 7, 3, 7], [10, 11, 10, 10], [1, -1, 0, -1])

    assert votes.participants.tolist() == [3, 7]
    assert votes.statements.tolist() == [10, 11]
    cells = {
        (int(votes.participants[r]), int(votes.statements[c])): int(v)
        for r, c, v in zip(votes.rows, votes.cols, votes.values, strict=True)
    }
    assert cells == {(3, 10): 0, (7, 10): -1, (7, 11): -1}
    assert len(votes) == 3


def test_moderated_out_statements_are_no_columns_but_unvoted_shown_ones_are():
    votes = Votes.from_events([1, 1, 2], [10, 99, 10], [1, 1, -1], statements=[10, 12])

    assert votes.statements.tolist() == [10, 12]
    assert len(votes) == 2
    counts = votes.counts()
    assert counts.seen.tolist() == [2, 0]
    assert counts.agree.tolist() == [1, 0]
    assert counts.disagree.tolist() == [1, 0]
    assert counts.passed.tolist() == [0, 0]
    # Polis still counts the vote on the hidden statement (in-conversation rule, projection scale).
    assert votes.hidden_statements == 1
    assert votes.hidden_cast is not None
    assert votes.hidden_cast.tolist() == [1, 0]


def test_no_votes_make_an_empty_matrix():
    votes = Votes.from_arrays([], [], [])

    assert len(votes) == 0
    assert votes.shape == (0, 0)
    assert votes.counts().seen.tolist() == []


def test_from_arrays_takes_one_row_per_cell_and_refuses_a_repeated_cell():
    votes = Votes.from_arrays(np.array([2, 1]), np.array([5, 5]), np.array([1, 0]))
    assert votes.participants.tolist() == [1, 2]
    assert votes.values.tolist() == [0, 1]

    with pytest.raises(ValueError, match="appears twice"):
        Votes.from_arrays([1, 1], [5, 5], [1, 0])


def test_a_vote_other_than_agree_disagree_or_pass_is_refused():
    with pytest.raises(ValueError, match="1, -1 or 0"):
        Votes.from_events([1], [5], [2])
