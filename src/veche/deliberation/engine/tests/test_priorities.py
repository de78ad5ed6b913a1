"""priorities(): Polis's importance, positive, with a boost for statements few have seen."""

import numpy as np

from veche.deliberation.engine import Votes, cluster, priorities
from veche.deliberation.engine.tests.helpers import planted


def test_every_statement_gets_a_positive_weight_and_new_ones_are_boosted():
    votes, _ = planted(200, 30, 15, 2, seed=2)
    result = cluster(votes)
    # Statement 30 is new: two votes, one agree, one disagree.
    more = Votes.from_arrays(
        np.r_[votes.participants[votes.rows], [0, 1]],
        np.r_[votes.statements[votes.cols], [30, 30]],
        np.r_[votes.values, [1, -1]],
    )

    weights = priorities(more, result)

    assert set(weights) == set(range(31))
    assert all(w > 0 for w in weights.values())
    # A statement seen twice outranks the ones seen about a hundred times, whatever they are.
    assert weights[30] > max(w for s, w in weights.items() if s != 30)


def test_without_a_result_the_weights_are_polis_importance_with_no_extremity():
    votes = Votes.from_arrays([0, 1, 2, 0, 1, 2], [5, 5, 5, 6, 6, 6], [1, 1, 0, -1, -1, 0])

    weights = priorities(votes, None)

    # A = 2, P = 1, S = 3 for statement 5: (1 - 2/5) * 1 * 3/5, boost 1 + 8 * 2^(-3/5), squared.
    boost = 1 + 8 * 2 ** (-3 / 5)
    assert np.isclose(weights[5], ((1 - 2 / 5) * (3 / 5) * boost) ** 2)
    assert weights[5] > weights[6]  # agreed beats disagreed


def test_extremity_raises_the_weight_of_statements_that_separate_the_groups():
    votes, _ = planted(200, 30, 15, 2, seed=3)
    result = cluster(votes)

    with_map = priorities(votes, result)
    without = priorities(votes, None)

    assert all(with_map[s] >= without[s] for s in without)
    assert any(with_map[s] > without[s] for s in without)
