"""Counting: the stored result is the engine's on the same ballots, the winners never cost more than
the budget, every project is explained, and each count and recount is audited."""

import random
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from veche.budgeting.engine import Election, Project, Voter, compute, rules
from veche.budgeting.models import BallotKind, ProcessPhase, Rule, Tally, TieBreaking, Utilities
from veche.budgeting.selectors import budget_results
from veche.budgeting.services.ballots import ballot_cast
from veche.budgeting.services.counting import budget_count
from veche.budgeting.services.pabulib import process_import_pb
from veche.budgeting.services.setup import process_move
from veche.budgeting.tests.helpers import CITY_AMOUNT, approve, city_budget, options
from veche.core.errors import Conflict, NotFound
from veche.core.models import AuditEntry

# Ballots by position in PROJECTS: bike 4000, playground 3000, benches 1000, fountain 6000, trees 2500.
BALLOTS = [[0, 1], [0, 1], [0, 2], [1, 2, 4], [3], [3, 4], [0], [2, 4], [1], [0, 3]]


def cast_and_close(make_process, resident_of, central, municipal_admin, ballots, **changes):
    process = make_process(**changes)
    budget = city_budget(process)
    projects = options(budget)
    for i, positions in enumerate(ballots):
        ballot_cast(
            user=resident_of(f"v{i}", central),
            budget=budget,
            choices=approve(*(projects[p] for p in positions)),
        )
    budget.process = process_move(actor=municipal_admin, process=process, to=ProcessPhase.COUNTING)
    return budget, projects


def independent_election(projects, ballots, amount=CITY_AMOUNT):
    """The same ballots written as an election by hand, not by the app's builder."""
    return Election(
        meta={"budget": str(amount), "vote_type": "approval"},
        projects={str(p.pk): Project(project_id=str(p.pk), cost=Decimal(p.cost)) for p in projects},
        voters=[
            Voter(voter_id=str(i), vote=tuple(str(projects[q].pk) for q in b)) for i, b in enumerate(ballots)
        ],
    )


@pytest.mark.parametrize(
    ("rule", "utilities", "tie_breaking"),
    [
        (Rule.GREEDY, Utilities.COST, TieBreaking.LEXICOGRAPHIC),
        (Rule.MES, Utilities.CARDINAL, TieBreaking.LEXICOGRAPHIC),
        (Rule.MES_ADD1, Utilities.COST, TieBreaking.LEXICOGRAPHIC),
        (Rule.MES_ADD1, Utilities.CARDINAL, TieBreaking.COST),
        (Rule.MES_ADD1_COMPARISON, Utilities.COST, TieBreaking.VOTES),
        (Rule.PHRAGMEN, Utilities.COST, TieBreaking.MINUS_COST),
    ],
)
def test_a_count_stores_what_the_engine_computes_on_the_same_ballots(
    make_process, resident_of, central, municipal_admin, official, rule, utilities, tie_breaking
):
    budget, projects = cast_and_close(make_process, resident_of, central, municipal_admin, BALLOTS)

    count = budget_count(
        actor=official, budget=budget, rule=rule, utilities=utilities, tie_breaking=tie_breaking
    )

    expected = compute(
        independent_election(projects, BALLOTS), rule, utilities=utilities, tie_breaking=tie_breaking
    )
    assert count.winners == [int(w) for w in expected.winners]
    assert count.total_cost == int(expected.total_cost) <= budget.amount
    assert count.voters == len(BALLOTS) and (count.rule, count.utilities, count.tie_breaking) == (
        rule,
        utilities,
        tie_breaking,
    )
    results = budget_results(budget=budget)
    assert {r.proposal.pk for r in results.projects if r.funded} == set(count.winners)
    assert len(results.projects) == len(projects) and all(r.explanation for r in results.projects)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_winners_never_cost_more_than_the_budget(
    make_process, resident_of, central, municipal_admin, official, seed
):
    chooser = random.Random(seed)
    ballots = [sorted(chooser.sample(range(5), chooser.randint(1, 3))) for _ in range(12)]
    budget, projects = cast_and_close(make_process, resident_of, central, municipal_admin, ballots)

    for rule in Rule.values:
        count = budget_count(actor=official, budget=budget, rule=rule)
        expected = compute(independent_election(projects, ballots), rule, utilities="cost")
        assert count.winners == [int(w) for w in expected.winners], rule
        assert sum(p.cost for p in projects if p.pk in count.winners) == count.total_cost <= CITY_AMOUNT


def test_mes_explains_what_the_supporters_of_an_unfunded_project_could_still_pay(
    make_process, resident_of, central, municipal_admin, official
):
    budget, projects = cast_and_close(make_process, resident_of, central, municipal_admin, BALLOTS)

    budget_count(actor=official, budget=budget, rule=Rule.MES, utilities=Utilities.COST)

    results = budget_results(budget=budget)
    unfunded = [r for r in results.projects if not r.funded]
    funded = [r for r in results.projects if r.funded]
    assert unfunded and funded
    assert all(
        r.explanation.startswith("Не финансируется: сторонники проекта (") and r.supporters_pay is not None
        for r in unfunded
    )
    assert all(r.explanation.startswith("Финансируется в раунде") for r in funded)
    assert results.projects[: len(funded)] == funded  # funded first, in the order bought
    assert "Метод равных долей" in results.counting


def test_a_recount_adds_a_count_the_newest_stands_and_both_are_audited(
    make_process, resident_of, central, municipal_admin, official
):
    budget, _projects = cast_and_close(make_process, resident_of, central, municipal_admin, BALLOTS)

    first = budget_count(actor=official, budget=budget)
    second = budget_count(actor=official, budget=budget, rule=Rule.GREEDY)

    assert Tally.objects.count() == 2 and budget_results(budget=budget).tally == second != first
    actions = list(
        AuditEntry.objects.filter(action__in=["budgeting.count", "budgeting.recount"])
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["budgeting.count", "budgeting.recount"]
    # Every budget counted with every ballot: the results can be published.
    assert (
        process_move(actor=municipal_admin, process=budget.process, to=ProcessPhase.RESULTS).phase
        == ProcessPhase.RESULTS
    )


def test_counting_is_refused_before_voting_ends_and_to_residents(make_process, official, voter):
    budget = city_budget(make_process(ProcessPhase.VOTING))

    with pytest.raises(Conflict) as early:
        budget_count(actor=official, budget=budget)
    with pytest.raises(NotFound):
        budget_count(actor=voter, budget=budget)

    assert early.value.code == "wrong_phase" and not Tally.objects.exists()


SLOW_ADD1 = "\n".join(
    [
        "META", "key;value", "description;Few voters, a large budget", "country;Russia", "unit;Testgrad",
        "instance;2025", "num_projects;3", "num_votes;2", "budget;10000000", "vote_type;approval",
        "rule;equalshares/add1", "date_begin;01.01.2025", "date_end;02.01.2025",
        "PROJECTS", "project_id;cost", "a;4000000", "b;6000000", "c;5500000",
        "VOTES", "voter_id;vote", "1;a", "2;b,c",
    ]
)  # fmt: skip


def test_a_count_past_its_time_limit_stores_nothing_and_the_command_has_none(
    municipality, municipal_admin, official, monkeypatch
):
    # Add1 on two voters' shares of ten million roubles is quick now that it skips the raises that
    # change nothing; the engine asks its progress callback after every run here, and a limit of
    # zero seconds is past at the first question.
    monkeypatch.setattr(rules, "TICK_SECONDS", 0.0)
    process = process_import_pb(actor=municipal_admin, municipality=municipality, content=SLOW_ADD1.encode())
    budget = city_budget(process)

    with pytest.raises(Conflict) as stopped:
        budget_count(actor=official, budget=budget, time_limit=0)
    assert (
        stopped.value.code == "count_too_long" and f"veche budget_count {budget.pk}" in stopped.value.message
    )
    assert not Tally.objects.exists()

    out = StringIO()
    call_command("budget_count", str(budget.pk), "--as", official.username, "--rule", "mes", stdout=out)
    # The command's line is English with plain numbers, whatever the site's language (Russian here).
    tally = Tally.objects.get()
    assert tally.rule == "mes" and out.getvalue().startswith(f"count {tally.pk}: mes, ")
    assert f"projects funded for {tally.total_cost}\u00a0₽ of 10000000\u00a0₽, 2 ballots" in out.getvalue()


def test_on_a_cumulative_ballot_the_points_are_the_utilities_of_the_cardinal_rules(
    make_process, resident_of, central, municipal_admin, official, client_for
):
    # Two voters give A 9 points and B 1, a third gives B all 10. As approvals B has the most
    # supporters and Equal Shares funds it; weighed by points A is worth far more to its supporters.
    process = make_process(
        kind=BallotKind.CUMULATIVE,
        projects=[("A", 6000), ("B", 6000)],
        rule=Rule.MES,
        utilities=Utilities.CARDINAL,
    )
    budget = city_budget(process)
    a, b = options(budget)
    for name, points in (("v1", (9, 1)), ("v2", (9, 1)), ("v3", (0, 10))):
        choices = [{"proposal": p.pk, "points": n} for p, n in zip((a, b), points, strict=True) if n]
        ballot_cast(user=resident_of(name, central), budget=budget, choices=choices)
    budget.process = process_move(actor=municipal_admin, process=process, to=ProcessPhase.COUNTING)
    as_approvals = compute(
        independent_election([a, b], [[0, 1], [0, 1], [1]]), Rule.MES, utilities=Utilities.CARDINAL
    )
    results = f"/m/{process.municipality.slug}/budgets/{process.pk}/{budget.pk}/results/"

    tally = budget_count(actor=official, budget=budget)
    page = client_for(official).get(results).content.decode()
    by_points = budget_count(actor=official, budget=budget, rule=Rule.GREEDY)
    greedy_page = client_for(official).get(results).content.decode()
    by_cost = budget_count(actor=official, budget=budget, utilities=Utilities.COST)
    cost_page = client_for(official).get(results).content.decode()

    assert list(as_approvals.winners) == [str(b.pk)]
    assert tally.winners == [a.pk]
    assert "оплачивают проект пропорционально своим баллам" in page
    # Greedy takes A first, by its 18 points to B's 12 (B has more voters); cost utilities do not
    # weigh the points, and B's three supporters pay for it.
    assert by_points.winners == [a.pk] and "в порядке полученных ими баллов" in greedy_page
    assert by_cost.winners == [b.pk] and "при полезности по стоимости" in cost_page
