"""Casting a ballot: the good ones are stored with a ledger entry and a receipt; every kind of bad
ballot is refused with a message that says what is wrong, and nothing at all is stored."""

import pytest

from veche.budgeting.models import Ballot, BallotChoice, BallotKind, ProcessPhase, Proposal
from veche.budgeting.services.ballots import ballot_cast
from veche.budgeting.tests.helpers import approve, city_budget, options
from veche.core.errors import Conflict, DomainError, Forbidden
from veche.ledger.models import LedgerEntry
from veche.ledger.selectors import chain_break
from veche.ledger.services import AlreadyVoted, chain_name


def nothing_stored():
    assert not Ballot.objects.exists() and not BallotChoice.objects.exists()
    assert not LedgerEntry.objects.exists()


def refused(user, budget, choices, error=DomainError):
    with pytest.raises(error) as caught:
        ballot_cast(user=user, budget=budget, choices=choices)
    nothing_stored()
    return caught.value


def test_an_approval_ballot_is_stored_with_its_ledger_entry_and_receipt(make_process, voter, central):
    budget = city_budget(make_process())
    bike, playground, *_ = options(budget)

    receipt = ballot_cast(user=voter, budget=budget, choices=approve(bike, playground))

    ballot = Ballot.objects.get()
    entry = LedgerEntry.objects.get()
    assert (ballot.user, ballot.tier, ballot.district, ballot.source) == (voter, 2, central, "web")
    assert ballot.receipt == receipt.entry_hash == entry.entry_hash
    assert receipt.chain == chain_name(budget) == f"budgeting.budget:{budget.pk}"
    assert list(ballot.choices.values_list("proposal_id", "points")) == [(bike.pk, 1), (playground.pk, 1)]
    assert chain_break(receipt.chain) is None


def test_a_second_ballot_is_a_conflict_carrying_the_first(make_process, voter):
    budget = city_budget(make_process())
    bike, playground, *_ = options(budget)
    first = ballot_cast(user=voter, budget=budget, choices=approve(bike))

    with pytest.raises(AlreadyVoted) as repeat:
        ballot_cast(user=voter, budget=budget, choices=approve(playground))

    assert repeat.value.cast.receipt == first.entry_hash
    assert repeat.value.as_dict()["ballot"]["choices"] == [{"proposal": bike.pk, "points": 1}]
    assert Ballot.objects.count() == LedgerEntry.objects.count() == 1


@pytest.mark.parametrize(
    ("choices", "message"),
    [
        ("bike", "Передайте выбор списком"),
        ([1, 2], "Передайте выбор списком"),
        ([{"proposal": "1"}], "Укажите каждый выбранный проект его номером — целым числом."),
        ([{"proposal": True}], "Укажите каждый выбранный проект его номером — целым числом."),
        ([{"proposal": "BIKE", "points": "1"}], "Дайте каждому проекту целое число баллов."),
        (["BIKE", "BIKE"], "Каждый проект можно выбрать только один раз."),
        ([], "Выберите от 1 до 3 проектов (вы выбрали: 0)."),
        (["BIKE", "PLAY", "BENCH", "TREES"], "Выберите от 1 до 3 проектов (вы выбрали: 4)."),
        ([{"proposal": "BIKE", "points": 2}], "Баллы указываются только в бюллетене с распределением баллов"),
    ],
)
def test_malformed_and_out_of_limit_ballots_are_refused(make_process, voter, choices, message):
    budget = city_budget(make_process())
    ids = {
        name: p.pk
        for name, p in zip(["BIKE", "PLAY", "BENCH", "FOUNTAIN", "TREES"], options(budget), strict=True)
    }

    def resolve(item):
        if isinstance(item, str) and item in ids:
            return {"proposal": ids[item]}
        if isinstance(item, dict) and item.get("proposal") in ids:
            return {**item, "proposal": ids[item["proposal"]]}
        return item

    sent = [resolve(c) for c in choices] if isinstance(choices, list) else choices
    error = refused(voter, budget, sent)

    assert error.code == "invalid_ballot"
    assert message in error.fields["choices"][0], error.fields


def test_an_infeasible_proposal_or_one_of_another_budget_is_refused(make_process, voter, official, central):
    process = make_process(district_budget=True)
    budget = city_budget(process)
    infeasible = Proposal.objects.filter(budget=budget).first()
    Proposal.objects.filter(pk=infeasible.pk).update(
        status="infeasible", review_reasons="No.", reviewed_cost=None
    )
    other = Proposal.objects.filter(budget__district=central).first()

    for proposal in (infeasible, other):
        error = refused(voter, budget, approve(proposal))
        assert f"Проекта {proposal.pk} нет в этом бюллетене" in error.fields["choices"][0]


def test_a_knapsack_ballot_over_the_budget_is_refused_and_one_within_it_is_taken(
    make_process, voter, resident_of, central
):
    budget = city_budget(make_process(kind=BallotKind.KNAPSACK))
    bike, playground, benches, fountain, _trees = options(budget)

    error = refused(voter, budget, approve(bike, fountain, benches))  # 11 000 of 10 000

    assert error.fields["choices"] == [
        "Выбранные проекты вместе стоят 11\u00a0000\u00a0₽ — больше бюджета (10\u00a0000\u00a0₽)."
    ]
    ballot_cast(user=voter, budget=budget, choices=approve(bike, fountain))  # exactly 10 000
    assert Ballot.objects.count() == 1


@pytest.mark.language("en")
def test_cumulative_points_over_the_total_or_negative_are_refused(make_process, voter):
    budget = city_budget(make_process(kind=BallotKind.CUMULATIVE))
    bike, playground, benches, *_ = options(budget)

    over = refused(
        voter, budget, [{"proposal": bike.pk, "points": 6}, {"proposal": playground.pk, "points": 5}]
    )
    negative = refused(
        voter, budget, [{"proposal": bike.pk, "points": 12}, {"proposal": playground.pk, "points": -2}]
    )
    missing = refused(voter, budget, [{"proposal": bike.pk}])

    assert "You gave 11 points; you have 10 to share." in over.fields["choices"][0]
    assert "Points cannot be negative." in negative.fields["choices"][0]
    assert "whole number of points" in missing.fields["choices"][0]
    # Zero points leave a project out; the rest is stored with its points.
    ballot_cast(
        user=voter,
        budget=budget,
        choices=[
            {"proposal": bike.pk, "points": 7},
            {"proposal": playground.pk, "points": 0},
            {"proposal": benches.pk, "points": 3},
        ],
    )
    assert list(BallotChoice.objects.values_list("proposal_id", "points")) == [(bike.pk, 7), (benches.pk, 3)]


def test_voting_is_refused_outside_its_phase_to_the_unverified_and_in_another_district(
    make_process, voter, resident, resident_of, northern, central
):
    counting = city_budget(make_process(ProcessPhase.COUNTING))
    process = make_process(district_budget=True)
    central_budget = process.budgets.select_related("process__municipality", "district").get(district=central)
    city = city_budget(process)

    closed = refused(voter, counting, approve(options(counting)[0]), Conflict)
    unverified = refused(resident, city, approve(options(city)[0]), Forbidden)
    north = resident_of("north", northern)
    elsewhere = refused(north, central_budget, approve(options(central_budget)[0]), Forbidden)

    assert closed.code == "wrong_phase" and closed.message.startswith("Голосование сейчас не проводится.")
    assert unverified.message == "Это доступно только подтверждённым жителям этого города."
    assert elsewhere.code == "other_district" and "«Центральный»" in elsewhere.message
    # The same resident may vote on the city-wide budget, and the voter on both.
    ballot_cast(user=north, budget=city, choices=approve(options(city)[0]))
    ballot_cast(user=voter, budget=central_budget, choices=approve(options(central_budget)[0]))
    assert Ballot.objects.count() == 2
