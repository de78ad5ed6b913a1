"""Proposals: residents submit them while proposals are collected; officials review them."""

import pytest

from veche.budgeting.models import ProcessPhase, Proposal, ProposalStatus
from veche.budgeting.services.proposals import proposal_review, proposal_submit, proposal_withdraw
from veche.budgeting.services.setup import process_move
from veche.budgeting.tests.helpers import CITY_AMOUNT, city_budget
from veche.core.errors import Conflict, DomainError, Forbidden, NotFound
from veche.core.models import AuditEntry
from veche.notifications.models import Notification


def submit(author, process, budget=None, **changes):
    fields = {"title": "Skate park", "description": "By the river.", "estimated_cost": 2000, **changes}
    return proposal_submit(author=author, process=process, budget=budget or city_budget(process), **fields)


def test_a_verified_resident_proposes_in_the_proposals_phase(make_process, voter):
    process = make_process(ProcessPhase.PROPOSALS)

    proposal = submit(voter, process)

    assert (proposal.status, proposal.author, proposal.estimated_cost) == (
        ProposalStatus.SUBMITTED,
        voter,
        2000,
    )
    assert proposal.project_id == str(proposal.pk) and proposal.cost == 2000


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"description": ""}, "description"),
        ({"estimated_cost": -1}, "estimated_cost"),
        ({"estimated_cost": CITY_AMOUNT + 1}, "estimated_cost"),
        ({"estimated_cost": "a lot"}, "estimated_cost"),
    ],
)
def test_bad_proposals_are_refused_with_the_field_and_nothing_is_stored(make_process, voter, changes, field):
    process = make_process(ProcessPhase.PROPOSALS)
    before = Proposal.objects.count()

    with pytest.raises(DomainError) as refused:
        submit(voter, process, **changes)

    assert field in refused.value.fields, refused.value.fields
    assert Proposal.objects.count() == before


def test_proposals_are_refused_outside_their_phase_for_the_unverified_and_in_another_district(
    make_process, voter, resident, resident_of, northern, central
):
    review = make_process(ProcessPhase.REVIEW)
    collecting = make_process(ProcessPhase.PROPOSALS, district_budget=True)
    central_budget = collecting.budgets.get(district=central)
    before = Proposal.objects.count()

    with pytest.raises(Conflict) as closed:
        submit(voter, review)
    with pytest.raises(Forbidden) as unverified:
        submit(resident, collecting)
    with pytest.raises(Forbidden) as elsewhere:
        submit(resident_of("north", northern), collecting, budget=central_budget)

    assert closed.value.message.startswith("Сейчас проекты не принимаются.")
    assert unverified.value.message == "Это доступно только подтверждённым жителям этого города."
    assert elsewhere.value.code == "other_district" and f"«{central.name}»" in elsewhere.value.message
    assert Proposal.objects.count() == before


def test_an_official_reviews_feasible_with_a_cost_or_infeasible_with_reasons(
    make_process, voter, official, municipal_admin
):
    process = make_process(ProcessPhase.PROPOSALS)
    skate, pool = submit(voter, process), submit(voter, process, title="Pool")
    process = process_move(actor=municipal_admin, process=process, to=ProcessPhase.REVIEW)
    skate.process = pool.process = process

    feasible = proposal_review(reviewer=official, proposal=skate, feasible=True, cost=2500, reasons="")
    infeasible = proposal_review(
        reviewer=official, proposal=pool, feasible=False, cost=None, reasons="The plot is not the city's."
    )

    assert (feasible.status, feasible.reviewed_cost, feasible.cost) == (ProposalStatus.FEASIBLE, 2500, 2500)
    assert (infeasible.status, infeasible.review_reasons) == (
        ProposalStatus.INFEASIBLE,
        "The plot is not the city's.",
    )
    assert AuditEntry.objects.filter(action="budgeting.proposal.review").count() == 2
    assert Notification.objects.filter(recipient=voter, kind="budgeting.review").count() == 2


def test_a_review_without_reasons_or_cost_or_by_a_resident_is_refused(
    make_process, voter, official, municipal_admin
):
    process = make_process(ProcessPhase.PROPOSALS)
    proposal = submit(voter, process)
    process = process_move(actor=municipal_admin, process=process, to=ProcessPhase.REVIEW)
    proposal.process = process

    with pytest.raises(DomainError) as no_reasons:
        proposal_review(reviewer=official, proposal=proposal, feasible=False, cost=None, reasons=" ")
    with pytest.raises(DomainError) as no_cost:
        proposal_review(reviewer=official, proposal=proposal, feasible=True, cost=None, reasons="")
    with pytest.raises(DomainError) as too_dear:
        proposal_review(reviewer=official, proposal=proposal, feasible=True, cost=CITY_AMOUNT + 1, reasons="")
    with pytest.raises(NotFound):
        proposal_review(reviewer=voter, proposal=proposal, feasible=True, cost=100, reasons="")

    assert (
        "reasons" in no_reasons.value.fields
        and "cost" in no_cost.value.fields
        and "cost" in too_dear.value.fields
    )
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.SUBMITTED
    assert not AuditEntry.objects.filter(action="budgeting.proposal.review").exists()


def test_the_author_withdraws_a_proposal_waiting_for_review(make_process, voter, make_user):
    process = make_process(ProcessPhase.PROPOSALS)
    proposal = submit(voter, process)
    proposal.process = process

    with pytest.raises(Forbidden):
        proposal_withdraw(author=make_user("someone"), proposal=proposal)
    withdrawn = proposal_withdraw(author=voter, proposal=proposal)

    assert withdrawn.status == ProposalStatus.WITHDRAWN
    with pytest.raises(Conflict):
        proposal_withdraw(author=voter, proposal=withdrawn)
