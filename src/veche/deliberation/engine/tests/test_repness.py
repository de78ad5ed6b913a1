"""Representative statements, consensus and group-informed consensus by Polis's formulas, on a case
small enough to compute by hand."""

import math

import numpy as np
import pytest

from veche.deliberation.engine import repness


def test_polis_proportion_tests():
    # prop-test: 2 sqrt(n + 1) ((s + 1) / (n + 1) - 1/2)
    assert repness.prop_test(np.array([8.0]), np.array([10.0]))[0] == pytest.approx(
        2 * math.sqrt(11) * (9 / 11 - 0.5)
    )
    # two-prop-test with one added to each count
    z = repness.two_prop_test(np.array([8.0]), np.array([2.0]), np.array([10.0]), np.array([10.0]))[0]
    p1, p2, hat = 9 / 11, 3 / 11, 12 / 22
    assert z == pytest.approx((p1 - p2) / math.sqrt(hat * (1 - hat) * (2 / 11)))


def hand_tally() -> repness.Tally:
    # Two groups, three statements. Group 0 agrees with statement 0, group 1 disagrees with it;
    # statement 1 everyone agrees with; statement 2 nobody in group 0 saw.
    return repness.Tally(
        agree=np.array([[9, 8, 0], [1, 9, 3]]),
        disagree=np.array([[1, 1, 0], [9, 1, 3]]),
        seen=np.array([[10, 10, 0], [10, 10, 8]]),
    )


def test_representative_statements_by_hand():
    reps = repness.representative(hand_tally())

    g0 = reps[0][0]
    assert (g0.statement_index, g0.direction) == (0, "agree")
    pa, pa_out = 10 / 12, 2 / 12
    assert g0.p == pytest.approx(pa)
    assert g0.p_out == pytest.approx(pa_out)
    assert g0.ratio == pytest.approx(pa / pa_out)
    pat = 2 * math.sqrt(11) * (10 / 11 - 0.5)
    p1, p2, hat = 10 / 11, 2 / 11, 12 / 22
    rat = (p1 - p2) / math.sqrt(hat * (1 - hat) * (2 / 11))
    assert g0.score == pytest.approx((pa / pa_out) * rat * pa * pat)
    assert [r.statement_index for r in reps[0]] == [0]  # statement 1 is shared: not representative

    # Polis heads a group's list with the statement it agrees with most (here the shared one,
    # slightly more agreed in group 1 than outside), then what passes the tests.
    assert [(r.statement_index, r.direction) for r in reps[1]] == [(1, "agree"), (0, "disagree")]
    g1 = reps[1][1]
    assert (g1.n_agree, g1.n_disagree, g1.n_seen) == (1, 9, 10)
    assert g1.p == pytest.approx(10 / 12)
    assert g1.p_out == pytest.approx(2 / 12)


def test_at_most_five_per_group_agreements_first():
    k, n = 2, 12
    agree = np.zeros((k, n), dtype=np.int64)
    disagree = np.zeros((k, n), dtype=np.int64)
    agree[0, :6], disagree[1, :6] = 20, 20  # group 0 agrees with 0-5, group 1 disagrees
    disagree[0, 6:], agree[1, 6:] = 20, 20  # and the other way round on 6-11
    reps = repness.representative(repness.Tally(agree=agree, disagree=disagree, seen=np.full((k, n), 20)))

    assert all(len(r) == 5 for r in reps)
    for group in reps:
        directions = [r.direction for r in group]
        assert directions == sorted(directions)  # "agree" < "disagree"


def test_consensus_by_hand():
    agree = np.array([18, 2, 10, 11])
    disagree = np.array([1, 17, 10, 0])
    seen = np.array([20, 20, 20, 11])

    out = repness.consensus(agree, disagree, seen)

    agreed = [c for c in out if c.direction == "agree"]
    disagreed = [c for c in out if c.direction == "disagree"]
    # Statement 0: pa = 19/22, z = 2 sqrt(21)(19/21 - 1/2) -> significant; statement 3 too.
    assert [c.statement_index for c in agreed] == [0, 3]
    assert agreed[0].p == pytest.approx(19 / 22)
    assert [c.statement_index for c in disagreed] == [1]
    # Ranked by p * z: statement 0 (0.864 * 3.71) before statement 3 (0.923 * 3.46).
    assert 19 / 22 * 2 * math.sqrt(21) * (19 / 21 - 0.5) > 12 / 13 * 2 * math.sqrt(12) * (12 / 12 - 0.5)


def test_group_informed_consensus_is_the_product_of_the_groups_agree_shares():
    gic = repness.group_informed_consensus(hand_tally())

    assert gic[0] == pytest.approx((10 / 12) * (2 / 12))
    assert gic[1] == pytest.approx((9 / 12) * (10 / 12))
    assert gic[2] == pytest.approx((1 / 2) * (4 / 10))
