"""Ballots with points (cumulative): the points are the voters' utilities for Equal Shares with cardinal
utilities (and its comparison step) and greedy's score; cost utilities and Phragmén read each ballot as
approval of the projects it names. Hand-checked elections, and random ones against pabutools 1.2.3."""

from decimal import Decimal

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from veche.budgeting.engine import Election, Voter, compute, parse_pb, rules
from veche.budgeting.engine.synthetic import synthetic_election
from veche.budgeting.engine.tests.helpers import COUNTS, agree, cumulative


def as_approvals(election: Election) -> Election:
    """The same ballots with their points left out."""
    return Election(
        {**election.meta, "vote_type": "approval"},
        election.projects,
        [Voter(v.voter_id, v.vote) for v in election.voters],
    )


# A and B cost 6,000 each. Two voters give A 9 points and B 1; a third gives B all 10.
WEIGHED = cumulative([6000, 6000], [{0: 9, 1: 1}, {0: 9, 1: 1}, {1: 10}], 12_000)


def test_points_are_what_a_project_is_worth_to_its_supporters_under_cardinal_utilities() -> None:
    result = compute(WEIGHED, "mes", utilities="cardinal")
    # Shares of 4,000. A costs 6,000 over 18 points (333.33 a point): 3,000 from each of its two
    # supporters. B then costs the third voter all 4,000 left and the two others 1,000 each.
    assert result.winners == ("1", "2")
    assert "none more than 3 000" in result.explanation("1").reason
    assert "none more than 4 000" in result.explanation("2").reason
    # As approvals B has the most supporters, 2,000 from each; A's two have 4,000 left, not 6,000.
    assert compute(as_approvals(WEIGHED), "mes", utilities="cardinal").winners == ("2",)
    agree(WEIGHED, "mes", "cardinal")


@pytest.mark.parametrize("rule", ["mes", "mes-add1", "mes-add1-comparison"])
def test_cost_utilities_do_not_weigh_the_points(rule: str) -> None:
    # A project is worth its cost to every voter who names it: B, with three supporters, comes first.
    result = compute(WEIGHED, rule, utilities="cost")
    assert result.winners[0] == "2"
    assert result.winners == compute(as_approvals(WEIGHED), rule, utilities="cost").winners
    agree(WEIGHED, rule, "cost")


def test_greedy_takes_projects_by_their_points() -> None:
    election = cumulative([6000, 6000], [{0: 9, 1: 1}, {0: 9, 1: 1}, {1: 10}], 6000)
    result = compute(election, "greedy")
    # A: 2 votes, 18 points; B: 3 votes, 12 points. By votes B would come first.
    assert result.winners == ("1",)
    assert result.explanation("1").reason.startswith("funded: 2 votes, 18 points, 1. in the order by points")
    assert compute(as_approvals(election), "greedy").winners == ("2",)
    agree(election, "greedy", "cost")


def test_one_point_per_project_counts_as_approval() -> None:
    ballots = [{0: 1, 1: 1}, {1: 1}, {1: 1, 2: 1}, {0: 1}, {2: 1}]
    election = cumulative([300, 500, 200], ballots, 700)
    for rule, utilities in COUNTS:
        ours = compute(election, rule, utilities=utilities)
        assert ours.winners == compute(as_approvals(election), rule, utilities=utilities).winners, rule


ZERO_POINTS = """META
key;value
description;A vote with 0 points
country;Nowhere
unit;Test
instance;1
num_projects;1
num_votes;2
budget;10
vote_type;cumulative
rule;unknown
date_begin;1
date_end;2
PROJECTS
project_id;cost
1;10
VOTES
voter_id;vote;points
1;1;0
2;1;5
"""


def test_a_project_given_no_points_is_supported_only_under_cost_utilities() -> None:
    # As pabutools: the cardinal utility of 0 points is 0, so the first voter is no supporter and the
    # second cannot pay 10 from a share of 5; the cost utility is the cost for every project named.
    election = parse_pb(ZERO_POINTS)
    cardinal = compute(election, "mes", utilities="cardinal")
    assert cardinal.winners == ()
    assert cardinal.explanation("1").reason == "not funded: its 1 supporters could still pay 5 of its cost 10"
    assert compute(election, "mes", utilities="cost").winners == ("1",)
    for utilities in ("cardinal", "cost"):
        agree(election, "mes", utilities)


def test_phragmen_reads_the_ballots_as_approvals() -> None:
    assert compute(WEIGHED, "phragmen").winners == compute(as_approvals(WEIGHED), "phragmen").winners
    agree(WEIGHED, "phragmen", "cost")


def test_identical_ballots_merge_only_with_the_same_points() -> None:
    election = cumulative(
        [6000, 6000, 100], [{0: 9, 1: 1}, {1: 10}, {0: 9, 1: 1}, {0: 1, 1: 9}, {0: 9, 1: 1}, {1: 10}], 12_000
    )
    merged = rules.compile_election(election).grouped()
    assert merged.n_voters == 6 and merged.mult.tolist() == [3.0, 2.0, 1.0]
    assert merged.points is not None
    assert [s.tolist() for s in merged.supporters] == [[0, 2], [0, 1, 2], []]
    assert [p.tolist() for p in merged.points] == [[9.0, 1.0], [1.0, 10.0, 9.0], []]


def test_add1_with_merged_ballots_settles_on_the_same_step(monkeypatch: pytest.MonkeyPatch) -> None:
    election = synthetic_election(1500, 20, seed=5, min_cost=100, max_cost=5000, max_points=3)
    voter_by_voter = compute(election, "mes-add1", utilities="cardinal")
    monkeypatch.setattr(rules, "GROUPED_ABOVE", 1000)
    merged = compute(election, "mes-add1", utilities="cardinal")
    assert merged.winners == voter_by_voter.winners
    assert (merged.add1_steps, merged.share) == (voter_by_voter.add1_steps, voter_by_voter.share)


@pytest.mark.parametrize("rule", ["greedy", "mes", "mes-add1", "mes-add1-comparison"])
def test_agrees_with_pabutools_on_a_larger_cumulative_election(rule: str) -> None:
    election = synthetic_election(1000, 30, seed=3, min_cost=100, max_cost=5000, max_points=5)
    agree(election, rule, "cardinal")


# Mostly whole points, 0 among them; some fractions, whose sums depend on the order they are added in.
points = st.one_of(st.sampled_from([0, 1, 1, 2, 3, 5, 10]), st.sampled_from(["0.5", "0.1", "2.5", "1.3"]))


@st.composite
def cumulative_elections(draw: st.DrawFn) -> Election:
    m = draw(st.integers(1, 8))
    costs = draw(st.lists(st.sampled_from([1, 2, 3, 5, 10, 20, 25]), min_size=m, max_size=m))
    patterns = draw(
        st.lists(st.dictionaries(st.integers(0, m - 1), points.map(Decimal)), min_size=1, max_size=6)
    )
    ballots = draw(st.lists(st.sampled_from(patterns), max_size=25))
    budget = draw(st.integers(0, sum(costs) + 10))
    return cumulative(costs, ballots, budget)


@pytest.mark.parametrize(("rule", "utilities"), COUNTS)
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(election=cumulative_elections(), tie_breaking=st.sampled_from(list(rules.TIE_BREAKINGS)))
def test_agrees_with_pabutools_on_random_cumulative_elections(
    election: Election, rule: str, utilities: str, tie_breaking: str
) -> None:
    agree(election, rule, utilities, tie_breaking)


def test_without_points_on_a_cumulative_ballot_the_count_is_refused() -> None:
    election = cumulative([10], [{0: 3}], 10)
    election.voters[0].points = None
    with pytest.raises(ValueError, match="needs one point count per project"):
        compute(election, "mes")
    assert np.isclose(compute(cumulative([10], [{0: 3}], 10), "mes", utilities="cardinal").share or 0, 10.0)
