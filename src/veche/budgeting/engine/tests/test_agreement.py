"""Winners identical to pabutools 1.2.3 (float mode) for every rule, on random and larger fixed elections."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from veche.budgeting.engine import Election, Project, Voter, compute
from veche.budgeting.engine.synthetic import synthetic_election
from veche.budgeting.engine.tests.helpers import COUNTS, META, agree

# Small whole costs make exact ties common; some halves and tenths exercise float rounding.
costs = st.one_of(
    st.integers(0, 60).map(Decimal),
    st.sampled_from([1, 2, 3, 5, 10, 20]).map(Decimal),
    st.integers(1, 600).map(lambda tenths: Decimal(tenths) / 10),
)


@st.composite
def elections(draw: st.DrawFn) -> Election:
    m = draw(st.integers(1, 12))
    project_costs = draw(st.lists(costs, min_size=m, max_size=m))
    ids = [str(i + 1) for i in range(m)]
    ballots = draw(st.lists(st.sets(st.sampled_from(ids)), max_size=40))
    budget = draw(st.integers(0, int(sum(project_costs)) + 10))
    projects = {i: Project(i, c) for i, c in zip(ids, project_costs, strict=True)}
    voters = [Voter(str(v + 1), tuple(sorted(b, key=ids.index))) for v, b in enumerate(ballots)]
    return Election({**META, "budget": str(budget)}, projects, voters)


@pytest.mark.parametrize(("rule", "utilities"), COUNTS)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(election=elections())
def test_agrees_with_pabutools_on_random_small_elections(
    election: Election, rule: str, utilities: str
) -> None:
    agree(election, rule, utilities)


@pytest.mark.parametrize("tie_breaking", ["cost", "-cost", "votes"])
@pytest.mark.parametrize(("rule", "utilities"), COUNTS)
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(election=elections())
def test_tie_breakings_agree_with_pabutools(
    election: Election, rule: str, utilities: str, tie_breaking: str
) -> None:
    agree(election, rule, utilities, tie_breaking)


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize(("rule", "utilities"), COUNTS)
def test_agrees_with_pabutools_on_larger_fixed_elections(seed: int, rule: str, utilities: str) -> None:
    election = synthetic_election(2000, 40, seed=seed, min_cost=100, max_cost=5000)
    agree(election, rule, utilities)


@st.composite
def tied_elections(draw: st.DrawFn) -> Election:
    """Elections made to tie: two or three distinct costs, ballots drawn from a few patterns (so that
    projects share supporters and vote counts), a budget within the total cost."""
    m = draw(st.integers(2, 8))
    levels = draw(st.lists(st.sampled_from([1, 2, 3, 4, 6, 10]), min_size=1, max_size=3, unique=True))
    project_costs = [Decimal(draw(st.sampled_from(levels))) for _ in range(m)]
    ids = [str(i + 1) for i in range(m)]
    patterns = draw(st.lists(st.frozensets(st.sampled_from(ids), min_size=1), min_size=1, max_size=4))
    ballots = draw(st.lists(st.sampled_from(patterns), max_size=12))
    budget = draw(st.integers(1, int(sum(project_costs))))
    projects = {i: Project(i, c) for i, c in zip(ids, project_costs, strict=True)}
    voters = [Voter(str(v + 1), tuple(sorted(b, key=ids.index))) for v, b in enumerate(ballots)]
    return Election({**META, "budget": str(budget)}, projects, voters)


@pytest.mark.parametrize("tie_breaking", ["cost", "-cost", "votes"])
@pytest.mark.parametrize(("rule", "utilities"), COUNTS)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(election=tied_elections())
def test_every_rule_breaks_ties_as_pabutools(
    election: Election, rule: str, utilities: str, tie_breaking: str
) -> None:
    agree(election, rule, utilities, tie_breaking)


def test_projects_equal_in_the_key_fall_back_on_the_id() -> None:
    # Four projects of the same cost, one vote each, room for one. pabutools' Phragmén takes the first in
    # its set's order, which moves with PYTHONHASHSEED ("d", "c" or "b" for seeds 0-5); the engine takes "a".
    ids = ["a", "b", "c", "d"]
    election = Election(
        {**META, "budget": "1"},
        {i: Project(i, Decimal(1)) for i in ids},
        [Voter(str(v + 1), (i,)) for v, i in enumerate(ids)],
    )
    for tie_breaking in ("cost", "-cost", "votes"):
        assert compute(election, "phragmen", tie_breaking=tie_breaking).winners == ("a",)
        assert compute(election, "greedy", tie_breaking=tie_breaking).winners == ("a",)
        agree(election, "phragmen", "cost", tie_breaking)
