"""Add1 skips the steps whose outcome cannot change: the same result as raising the share one unit at a
time (the implementation kept here as the reference), on real, hand-made and random elections."""

from decimal import Decimal

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from veche.budgeting.engine import Election, Project, Voter, compute, rules
from veche.budgeting.engine.synthetic import synthetic_election
from veche.budgeting.engine.tests.helpers import META, cumulative


def unit_steps(mes: rules.Mes) -> rules.Add1Run:
    """The Add1 completion as it was first written: one MES run per unit of share, from B/n up, until
    the outcome exceeds the budget, everything is bought, or the total passes pabutools' bound."""
    b = mes.ballots
    n = b.n_voters
    if n == 0:
        return rules.Add1Run(rules.MesRun(0.0, [], {}, {}, np.zeros(0)), 0, 0)
    bound = b.budget * (n + 1)
    limit = b.budget
    kept = rules.MesRun(b.budget / n, [], {}, {}, np.zeros(0))
    kept_raised = raised = runs = 0
    while limit <= bound:
        run = mes.run(limit / n)
        runs += 1
        if not mes.outcome_cost(run) <= b.budget:
            break
        kept, kept_raised = run, raised
        if set(run.winners) == mes.fundable:
            break
        limit += n
        raised += 1
    return rules.Add1Run(kept, kept_raised, runs)


def both(election: Election, utilities: str = "cost", tie_breaking: str = "lexicographic"):
    ballots = rules.compile_election(election)
    ranks, keys = rules.tie_ranks(ballots, tie_breaking), rules.tie_keys(ballots, tie_breaking)
    mes = rules.Mes(ballots, "cost" if utilities == "cost" else "cardinal", ranks, keys)
    return rules.add1(mes), unit_steps(mes)


def assert_same(skipping: rules.Add1Run, stepping: rules.Add1Run) -> None:
    assert skipping.raised == stepping.raised
    assert skipping.run.winners == stepping.run.winners
    assert skipping.run.share == stepping.run.share
    assert skipping.run.rho == stepping.run.rho and skipping.run.paid == stepping.run.paid


def election(costs: list[int], ballots: list[list[int]], budget: int | str) -> Election:
    ids = [str(i + 1) for i in range(len(costs))]
    return Election(
        {**META, "budget": str(budget)},
        {i: Project(i, Decimal(c)) for i, c in zip(ids, costs, strict=True)},
        [Voter(str(v + 1), tuple(ids[p] for p in ballot)) for v, ballot in enumerate(ballots)],
    )


# Nine voters and sixty million: one unit at a time this takes millions of runs.
FEW_VOTERS_LARGE_BUDGET = election(
    [4_500_000, 1_250_000, 3_000_000, 1_500_000, 750_000, 2_000_000, 1_000_000, 400_000, 3_500_000,
     300_000, 25_000_000, 40_000_000],
    [[0, 2, 8, 9], [1, 3, 7], [4, 8, 10, 11], [0, 1, 4], [5, 9], [6, 11, 2], [1, 2, 7, 10], [4, 0], [11]],
    60_000_000,
)  # fmt: skip


@pytest.mark.parametrize("utilities", ["cost", "cardinal"])
def test_wieliczka_gives_what_every_step_gives(wieliczka, utilities: str) -> None:
    skipping, stepping = both(wieliczka, utilities)
    assert_same(skipping, stepping)
    assert skipping.runs <= stepping.runs + 1


@pytest.mark.parametrize("utilities", ["cost", "cardinal"])
def test_a_small_electorate_with_a_large_budget_takes_few_runs(utilities: str) -> None:
    ballots = rules.compile_election(FEW_VOTERS_LARGE_BUDGET)
    ranks = rules.tie_ranks(ballots, "lexicographic")
    mes = rules.Mes(ballots, "cost" if utilities == "cost" else "cardinal", ranks)
    result = rules.add1(mes)
    assert result.runs < 200
    # The outcome kept fits, and the next step's does not (or every project is bought).
    assert mes.outcome_cost(result.run) <= ballots.budget
    after = mes.run((ballots.budget + (result.raised + 1) * 9) / 9)
    assert mes.outcome_cost(after) > ballots.budget or set(result.run.winners) == mes.fundable
    assert result.raised > 1_000_000


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_larger_random_elections_give_what_every_step_gives(seed: int) -> None:
    assert_same(*both(synthetic_election(300, 15, seed=seed, min_cost=100, max_cost=5000)))


@pytest.mark.parametrize("utilities", ["cost", "cardinal"])
@pytest.mark.parametrize("seed", [1, 2])
def test_larger_random_elections_with_points_give_what_every_step_gives(seed: int, utilities: str) -> None:
    election = synthetic_election(300, 15, seed=seed, min_cost=100, max_cost=5000, max_points=4)
    assert_same(*both(election, utilities))


@st.composite
def small_elections(draw: st.DrawFn) -> Election:
    m = draw(st.integers(1, 7))
    # Few distinct costs, some equal, and budgets from a fraction of the costs to many times them.
    costs = draw(st.lists(st.sampled_from([1, 2, 3, 5, 10, 30, 100, 250]), min_size=m, max_size=m))
    n = draw(st.integers(1, 8))
    ballots = draw(st.lists(st.lists(st.integers(0, m - 1), unique=True), min_size=n, max_size=n))
    budget = draw(st.integers(1, 40 * sum(costs)))
    # A budget with a fraction is raised by repeated float sums, not budget + k * n.
    fraction = draw(st.sampled_from(["", "", ".5", ".1"]))
    return election(costs, ballots, f"{budget}{fraction}")


@st.composite
def small_elections_with_points(draw: st.DrawFn) -> Election:
    m = draw(st.integers(1, 6))
    costs: list[int | Decimal] = list(
        draw(st.lists(st.sampled_from([1, 2, 3, 5, 10, 30, 100, 250]), min_size=m, max_size=m))
    )
    n = draw(st.integers(1, 8))
    # Whole points (0 among them, which supports nothing under cardinal utilities) and some fractions.
    points = st.sampled_from([0, 1, 1, 2, 3, 5, 10, Decimal("0.5"), Decimal("0.1"), Decimal("2.5")])
    ballots = draw(st.lists(st.dictionaries(st.integers(0, m - 1), points), min_size=n, max_size=n))
    budget = draw(st.integers(1, 40 * int(sum(costs))))
    fraction = draw(st.sampled_from(["", "", ".5", ".1"]))
    return cumulative(costs, ballots, f"{budget}{fraction}")


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    election=st.one_of(small_elections(), small_elections_with_points()),
    utilities=st.sampled_from(["cost", "cardinal"]),
    tie_breaking=st.sampled_from(list(rules.TIE_BREAKINGS)),
)
def test_skipping_gives_what_every_step_gives(election: Election, utilities: str, tie_breaking: str) -> None:
    assert_same(*both(election, utilities, tie_breaking))


class Stop(Exception):
    pass


def test_a_progress_callback_can_still_stop_a_count(monkeypatch: pytest.MonkeyPatch) -> None:
    # The deadline a caller sets goes through the progress callback; report after every run here.
    monkeypatch.setattr(rules, "TICK_SECONDS", 0.0)
    messages: list[str] = []

    def deadline(message: str) -> None:
        messages.append(message)
        raise Stop

    with pytest.raises(Stop):
        compute(FEW_VOTERS_LARGE_BUDGET, "mes-add1", progress=deadline)
    assert len(messages) == 1 and messages[0].startswith("add1: share 6666666.67 per voter")
