"""Residents' proposals for a budget, and officials' review of their feasibility and cost."""

from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from veche.access.predicates import Feature
from veche.accounts.models import User
from veche.budgeting import phases
from veche.budgeting.access import can_run_budgets
from veche.budgeting.models import TITLE_MAX_LENGTH, Budget, Process, ProcessPhase, Proposal, ProposalStatus
from veche.budgeting.selectors import money
from veche.budgeting.services.common import check_amount, locked_process, may_take_part, wrong_phase
from veche.core.audit import audit_record
from veche.core.errors import Conflict, DomainError, Forbidden, NotFound
from veche.core.text import check_text
from veche.notifications.messages import message
from veche.notifications.services import notify


def proposal_url(proposal: Proposal) -> str:
    return reverse(
        "budgeting:proposal", args=[proposal.process.municipality.slug, proposal.process_id, proposal.pk]
    )


def _check_cost(value: object, budget: Budget, field: str) -> int:
    cost = check_amount(value, field, least=0)
    if cost > budget.amount:
        raise DomainError(
            fields={
                field: [
                    _("A project cannot cost more than the whole budget of %(amount)s.")
                    % {"amount": money(budget.amount)}
                ]
            }
        )
    return cost


def proposal_submit(
    *,
    author: User,
    process: Process,
    budget: Budget,
    title: str,
    description: str,
    estimated_cost: int,
    now: datetime | None = None,
) -> Proposal:
    """A resident's proposal for one of the process's budgets, while proposals are collected."""
    if budget.process_id != process.pk:
        raise DomainError(fields={"budget": [_("Choose one of this process's budgets.")]})
    now = now or timezone.now()
    title = check_text(title, "title", limit=TITLE_MAX_LENGTH, one_line=True)
    description = check_text(description, "description")
    with transaction.atomic():
        process = locked_process(process)
        if process.phase != ProcessPhase.PROPOSALS:
            raise wrong_phase(process, _("Proposals are not being collected now."))
        budget.process = process
        may_take_part(author, process, budget, Feature.SUBMIT)
        cost = _check_cost(estimated_cost, budget, "estimated_cost")
        proposal = Proposal.objects.create(
            process=process,
            budget=budget,
            author=author,
            title=title,
            description=description,
            estimated_cost=cost,
            created_at=now,
        )
    return proposal


def proposal_withdraw(*, author: User, proposal: Proposal) -> Proposal:
    """The author takes back a proposal that has not been reviewed yet."""
    if proposal.author_id != author.pk:
        raise Forbidden(_("Only its author can withdraw a proposal."))
    with transaction.atomic():
        process = locked_process(proposal.process)
        proposal = Proposal.objects.select_for_update(no_key=True, of=("self",)).get(pk=proposal.pk)
        if (
            process.phase not in (ProcessPhase.PROPOSALS, ProcessPhase.REVIEW)
            or proposal.status != ProposalStatus.SUBMITTED
        ):
            raise Conflict(_("Only a proposal waiting for review can be withdrawn."), code="not_withdrawable")
        proposal.status = ProposalStatus.WITHDRAWN
        proposal.save(update_fields=["status"])
    proposal.process = process
    return proposal


def proposal_review(
    *,
    reviewer: User,
    proposal: Proposal,
    feasible: bool,
    cost: int | None,
    reasons: str,
    now: datetime | None = None,
) -> Proposal:
    """An official's decision: feasible at a cost (which goes on the ballot), or not feasible,
    with reasons. A decision can be revised until voting opens."""
    process = proposal.process
    if not can_run_budgets(reviewer, process.municipality):
        raise NotFound()
    now = now or timezone.now()
    reasons = check_text(reasons, "reasons", required=not feasible)
    with transaction.atomic():
        process = locked_process(process)
        proposal = (
            Proposal.objects.select_for_update(no_key=True, of=("self",))
            .select_related("budget", "author")
            .get(pk=proposal.pk)
        )
        if process.phase not in phases.REVIEWING:
            raise wrong_phase(process, _("Proposals are reviewed in the review phase."))
        if proposal.status == ProposalStatus.WITHDRAWN:
            raise Conflict(_("This proposal was withdrawn by its author."), code="withdrawn")
        before = {"status": proposal.status, "cost": proposal.reviewed_cost}
        if feasible:
            if cost is None:
                raise DomainError(fields={"cost": [_("Give the cost of a feasible project.")]})
            proposal.reviewed_cost = _check_cost(cost, proposal.budget, "cost")
            proposal.status = ProposalStatus.FEASIBLE
        else:
            proposal.reviewed_cost = None
            proposal.status = ProposalStatus.INFEASIBLE
        proposal.review_reasons, proposal.reviewed_by, proposal.reviewed_at = reasons, reviewer, now
        proposal.save()
        proposal.process = process
        audit_record(
            actor=reviewer,
            action="budgeting.proposal.review",
            municipality=process.municipality,
            target=proposal,
            details={
                "before": before,
                "status": proposal.status,
                "cost": proposal.reviewed_cost,
                "reasons": reasons,
            },
        )
        if proposal.author is not None:
            title = message(
                gettext_noop("Your proposal is feasible and will be on the ballot")
                if feasible
                else gettext_noop("Your proposal was found not feasible")
            )
            notify(
                recipients=[proposal.author],
                kind="budgeting.review",
                title=title,
                body=proposal.title,
                url=proposal_url(proposal),
            )
    return proposal
