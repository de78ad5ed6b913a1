"""Voting in a crowd project: the service, its refusals, the results and the registrations."""

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from veche.accounts.activity import activity_of
from veche.core.errors import Conflict, DomainError, Forbidden
from veche.crowdprojects import tallies
from veche.crowdprojects.models import (
    CrowdBallot,
    CrowdBallotChoice,
    Idea,
    IdeaStatus,
    ProjectTier,
    StageKind,
    VotingMethod,
)
from veche.crowdprojects.services.voting import ballot_cast
from veche.crowdprojects.tests.voting_helpers import end_voting, voting_project
from veche.crowdprojects.voting_selectors import ballot_results
from veche.ledger import chain as hashchain
from veche.ledger.models import LedgerEntry
from veche.ledger.selectors import chain_break, find_receipt
from veche.ledger.services import AlreadyVoted, chain_name

pytestmark = pytest.mark.django_db


@pytest.fixture
def approval(municipality, municipal_admin, author):
    return voting_project(actor=municipal_admin, municipality=municipality, author=author, approval_limit=2)


@pytest.fixture
def rating(municipality, municipal_admin, author):
    return voting_project(
        actor=municipal_admin, municipality=municipality, author=author, voting_method=VotingMethod.RATING
    )


def nothing_stored() -> bool:
    return (
        not CrowdBallot.objects.exists()
        and not CrowdBallotChoice.objects.exists()
        and not LedgerEntry.objects.exists()
    )


def test_an_approval_ballot_is_counted_on_the_projects_chain(approval, voter, central):
    project, ideas = approval

    receipt = ballot_cast(user=voter, project=project, ideas=[ideas[2].pk, ideas[0].pk])

    ballot = CrowdBallot.objects.get()
    assert (ballot.user, ballot.tier, ballot.district) == (voter, ProjectTier.VERIFIED, central)
    assert list(ballot.choices.values_list("idea_id", "rating")) == [(ideas[2].pk, None), (ideas[0].pk, None)]
    entry = find_receipt(receipt.entry_hash)
    assert (
        entry is not None and entry.chain == chain_name(project) == receipt.chain and entry.kind == "ballot"
    )
    assert ballot.receipt == receipt.entry_hash
    assert chain_break(chain_name(project)) is None
    # The voter, with the nonce only they were shown, can recompute the entry's digest.
    payload = {"project": project.pk, "method": "approval", "ideas": [ideas[2].pk, ideas[0].pk]}
    assert hashchain.digest({**payload, "nonce": receipt.nonce}) == entry.payload_digest


def test_a_rating_ballot_keeps_each_rating(rating, resident):
    project, ideas = rating

    receipt = ballot_cast(user=resident, project=project, ratings={ideas[0].pk: 5, str(ideas[1].pk): 1})

    ballot = CrowdBallot.objects.get()
    assert (ballot.tier, ballot.district) == (ProjectTier.REGISTERED, None)
    assert dict(ballot.choices.values_list("idea_id", "rating")) == {ideas[0].pk: 5, ideas[1].pk: 1}
    entry = LedgerEntry.objects.get()
    payload = {"project": project.pk, "method": "rating", "ratings": [[ideas[0].pk, 5], [ideas[1].pk, 1]]}
    assert hashchain.digest({**payload, "nonce": receipt.nonce}) == entry.payload_digest
    assert chain_break(chain_name(project)) is None


def _other_idea(municipality, municipal_admin, author):
    _project, ideas = voting_project(actor=municipal_admin, municipality=municipality, author=author)
    return ideas[0].pk


APPROVAL_REFUSALS: dict[str, Any] = {
    "none": [],
    "over the limit": lambda ideas, other: [ideas[0].pk, ideas[1].pk, ideas[2].pk],
    "twice": lambda ideas, other: [ideas[0].pk, ideas[0].pk],
    "another project's idea": lambda ideas, other: [other],
    "unknown id": [10**9],
    "a string": "1,2",
    "strings": lambda ideas, other: [str(ideas[0].pk)],
    "booleans": [True],
    "floats": [1.5],
    "a mapping": lambda ideas, other: {ideas[0].pk: 1},
}


@pytest.mark.parametrize("case", list(APPROVAL_REFUSALS))
def test_a_bad_approval_ballot_is_refused_on_its_field_and_nothing_stored(
    case, approval, voter, municipality, municipal_admin, author
):
    project, ideas = approval
    value = APPROVAL_REFUSALS[case]
    if callable(value):
        value = value(ideas, _other_idea(municipality, municipal_admin, author))
    LedgerEntry.objects.all().delete()

    with pytest.raises(DomainError) as refused:
        ballot_cast(user=voter, project=project, ideas=value)

    assert type(refused.value) is DomainError and list(refused.value.fields) == ["ideas"]
    assert nothing_stored()


RATING_REFUSALS: dict[str, Any] = {
    "none": {},
    "zero": lambda ideas, other: {ideas[0].pk: 0},
    "six": lambda ideas, other: {ideas[0].pk: 6},
    "a string rating": lambda ideas, other: {ideas[0].pk: "5"},
    "a boolean rating": lambda ideas, other: {ideas[0].pk: True},
    "a float rating": lambda ideas, other: {ideas[0].pk: 4.5},
    "a null rating": lambda ideas, other: {ideas[0].pk: None},
    "another project's idea": lambda ideas, other: {other: 3},
    "a bad key": {"first": 3},
    "a negative key": {"-1": 3},
    "the same idea twice": lambda ideas, other: {ideas[0].pk: 3, str(ideas[0].pk): 4},
    "a list": lambda ideas, other: [ideas[0].pk],
}


@pytest.mark.parametrize("case", list(RATING_REFUSALS))
def test_a_bad_rating_ballot_is_refused_on_its_field_and_nothing_stored(
    case, rating, voter, municipality, municipal_admin, author
):
    project, ideas = rating
    value = RATING_REFUSALS[case]
    if callable(value):
        value = value(ideas, _other_idea(municipality, municipal_admin, author))
    LedgerEntry.objects.all().delete()

    with pytest.raises(DomainError) as refused:
        ballot_cast(user=voter, project=project, ratings=value)

    assert type(refused.value) is DomainError and list(refused.value.fields) == ["ratings"]
    assert nothing_stored()


def test_the_wrong_method_is_refused(approval, rating, voter):
    (approval_project, approval_ideas), (rating_project, rating_ideas) = approval, rating
    attempts = [
        (approval_project, {"ratings": {approval_ideas[0].pk: 3}}, "ideas"),
        (approval_project, {"ideas": [approval_ideas[0].pk], "ratings": {approval_ideas[0].pk: 3}}, "ideas"),
        (approval_project, {}, "ideas"),
        (rating_project, {"ideas": [rating_ideas[0].pk]}, "ratings"),
        (rating_project, {}, "ratings"),
    ]
    for project, given, field in attempts:
        with pytest.raises(DomainError) as refused:
            ballot_cast(user=voter, project=project, **given)
        assert list(refused.value.fields) == [field]
    assert nothing_stored()


@pytest.mark.parametrize("change", ["hidden", "merged", "selected"])
def test_only_the_ideas_on_the_ballot_can_be_chosen(change, approval, voter):
    project, ideas = approval
    idea = ideas[0]
    if change == "hidden":
        idea.hidden_at = timezone.now()
    elif change == "merged":
        idea.status, idea.merged_into = IdeaStatus.MERGED, ideas[1]
    else:
        idea.status, idea.answered_at = IdeaStatus.SELECTED, timezone.now()
    idea.save()

    with pytest.raises(DomainError) as refused:
        ballot_cast(user=voter, project=project, ideas=[idea.pk])

    assert "ideas" in refused.value.fields and nothing_stored()


def test_a_second_ballot_is_refused_and_the_first_stands(approval, voter):
    project, ideas = approval
    first = ballot_cast(user=voter, project=project, ideas=[ideas[0].pk])

    with pytest.raises(AlreadyVoted) as repeat:
        ballot_cast(user=voter, project=project, ideas=[ideas[1].pk, ideas[2].pk])

    assert repeat.value.as_dict()["ballot"] == {
        "project": project.pk,
        "ideas": [ideas[0].pk],
        "ratings": None,
        "created_at": CrowdBallot.objects.get().created_at.isoformat(),
        "receipt": first.entry_hash,
    }
    assert CrowdBallotChoice.objects.count() == LedgerEntry.objects.count() == 1


def test_the_database_refuses_a_second_ballot_and_a_rating_out_of_range(approval, voter):
    project, ideas = approval
    ballot_cast(user=voter, project=project, ideas=[ideas[0].pk])
    ballot = CrowdBallot.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        CrowdBallot.objects.create(project=project, user=voter, tier=1, created_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        CrowdBallotChoice.objects.create(ballot=ballot, idea=ideas[1], rating=6)


@pytest.mark.parametrize("kind", [StageKind.IDEAS, StageKind.SELECTION])
def test_no_ballot_outside_the_voting_stage(kind, municipality, municipal_admin, author, voter):
    project, ideas = voting_project(
        actor=municipal_admin, municipality=municipality, author=author, kind=kind
    )

    with pytest.raises(Conflict) as refused:
        ballot_cast(user=voter, project=project, ideas=[ideas[0].pk])

    assert refused.value.code == "not_voting" and nothing_stored()


def test_no_ballot_in_a_draft(municipality, municipal_admin, author, voter):
    project, ideas = voting_project(
        actor=municipal_admin, municipality=municipality, author=author, publish=False
    )
    with pytest.raises(Conflict):
        ballot_cast(user=voter, project=project, ideas=[ideas[0].pk])
    assert nothing_stored()


def test_below_the_projects_tier_nobody_votes(municipality, municipal_admin, author, resident):
    project, ideas = voting_project(
        actor=municipal_admin, municipality=municipality, author=author, tier=ProjectTier.VERIFIED
    )
    with pytest.raises(Forbidden):
        ballot_cast(user=resident, project=project, ideas=[ideas[0].pk])
    assert nothing_stored()


def test_outside_the_projects_districts_nobody_votes(
    municipality, municipal_admin, author, resident_of, central, northern
):
    project, ideas = voting_project(
        actor=municipal_admin,
        municipality=municipality,
        author=author,
        tier=ProjectTier.VERIFIED,
        districts=[central],
    )
    with pytest.raises(Forbidden) as refused:
        ballot_cast(user=resident_of("north", northern), project=project, ideas=[ideas[0].pk])
    assert refused.value.code == "other_district" and nothing_stored()
    with pytest.raises(Forbidden):
        ballot_cast(user=resident_of("nowhere", None), project=project, ideas=[ideas[0].pk])
    ballot_cast(user=resident_of("centre", central), project=project, ideas=[ideas[0].pk])
    assert CrowdBallot.objects.get().district == central


def test_approval_results_count_voters_by_idea_district_and_tier(
    approval, resident_of, central, northern, resident, municipal_admin
):
    project, ideas = approval
    ballot_cast(user=resident_of("a", central), project=project, ideas=[ideas[0].pk, ideas[1].pk])
    ballot_cast(user=resident_of("b", northern), project=project, ideas=[ideas[0].pk])
    ballot_cast(user=resident, project=project, ideas=[ideas[1].pk, ideas[2].pk])

    results = ballot_results(project=project)

    assert results.voters == 3
    assert {r.id: r.votes for r in results.ideas} == {
        ideas[0].pk: 2,
        ideas[1].pk: 2,
        ideas[2].pk: 1,
        ideas[3].pk: 0,
    }
    assert results.ideas[-1].id == ideas[3].pk and results.ideas[0].share == pytest.approx(2 / 3)
    by_district = {t.slug: t.voters for t in results.by_district}
    assert by_district[central.slug] == 1 and by_district[northern.slug] == 1 and by_district[None] == 1
    assert {t.slug: t.voters for t in results.by_tier} == {"verified": 2, "registered": 1}
    # While voting runs, the running votes are the organisers' alone (the results are not public).
    figures = {f.key: v for f, v in tallies.figures_of(project, viewer=municipal_admin)}
    assert figures["votes"] == {ideas[0].pk: 2, ideas[1].pk: 2, ideas[2].pk: 1}
    assert "votes" not in {f.key for f, _v in tallies.figures_of(project, viewer=AnonymousUser())}
    [ballots] = [c for c in tallies.contributions() if c.key == "ballots"]
    assert ballots.has_tier and ballots.has_district and ballots.rows(project).count() == 3


def test_rating_results_give_the_count_mean_and_sum(rating, resident_of, central, municipal_admin):
    project, ideas = rating
    ballot_cast(user=resident_of("a", central), project=project, ratings={ideas[0].pk: 5, ideas[1].pk: 2})
    ballot_cast(user=resident_of("b", central), project=project, ratings={ideas[0].pk: 4})

    results = ballot_results(project=project)

    first = results.ideas[0]
    assert (first.id, first.votes, first.mean, first.total) == (ideas[0].pk, 2, 4.5, 9)
    unrated = next(r for r in results.ideas if r.id == ideas[2].pk)
    assert (unrated.votes, unrated.mean, unrated.total) == (0, None, 0)
    figures = {f.key: v for f, v in tallies.figures_of(project, viewer=municipal_admin)}
    assert figures["votes"] == {ideas[0].pk: 4.5, ideas[1].pk: 2.0}


def test_a_ballot_is_in_my_activity_with_its_receipt(approval, voter):
    project, ideas = approval
    receipt = ballot_cast(user=voter, project=project, ideas=[ideas[0].pk])

    [item] = activity_of(voter)[0:10]

    assert item.kind == "crowd_ballot" and item.receipt == receipt.entry_hash
    assert project.title in str(item.what) and item.url == project.get_absolute_url()


def test_results_still_count_a_ballot_for_an_idea_hidden_since(approval, voter):
    project, ideas = approval
    ballot_cast(user=voter, project=project, ideas=[ideas[0].pk])
    ideas[0].hidden_at = timezone.now()
    ideas[0].save()
    end_voting(project)

    results = {r.id: r for r in ballot_results(project=project).ideas}
    assert results[ideas[0].pk].votes == 1
    # Its votes count, but its title and page are not shown to anyone in the results.
    assert results[ideas[0].pk].title != ideas[0].title and results[ideas[0].pk].url == ""


def test_results_list_the_ideas_decided_since_the_vote(approval, voter):
    """The selection answers the ideas after the vote; the results still list every one of them, the
    ones nobody chose included (they once said "no ideas on the ballot"; found by a phone walk)."""
    project, ideas = approval
    ballot_cast(user=voter, project=project, ideas=[ideas[0].pk])
    end_voting(project)
    Idea.objects.filter(pk=ideas[0].pk).update(status=IdeaStatus.SELECTED, answered_at=timezone.now())
    Idea.objects.filter(pk__in=[i.pk for i in ideas[1:]]).update(
        status=IdeaStatus.NOT_SELECTED, answered_at=timezone.now()
    )

    listed = {r.id: r.votes for r in ballot_results(project=project).ideas}
    assert listed == {idea.pk: (1 if idea == ideas[0] else 0) for idea in ideas}
