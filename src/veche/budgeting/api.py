"""API of participatory budgeting: a municipality's budgets, one budget with its proposals, casting
a ballot, and the results with an explanation for every project."""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field, StrictInt

from veche.access.functions import access_municipality
from veche.access.roles import Tier
from veche.api.pagination import ListPagination
from veche.api.schemas import ERRORS, ErrorDetail
from veche.api.security import AUTH
from veche.budgeting import phases
from veche.budgeting.access import access_budget, can_run_budgets, can_see_results, results_public
from veche.budgeting.models import Budget, ProposalStatus
from veche.budgeting.selectors import ballot_of, budget_results, budgets_for, proposals_of
from veche.budgeting.services import ballots as ballot_services
from veche.budgeting.services.setup import process_url
from veche.core.errors import Forbidden
from veche.core.http import signed_in
from veche.core.ratelimit import rate_limit_request
from veche.core.sanitize import render_markdown
from veche.ledger.services import Receipt

router = Router(tags=["budgeting"])


class ProcessOut(Schema):
    id: int
    title: str
    url: str
    phase: str = Field(description="draft, proposals, review, voting, counting, results or implementation")
    ballot_kind: str = Field(description="approval, knapsack or cumulative")
    min_projects: int
    max_projects: int | None = Field(description="null: no limit")
    points_total: int | None = Field(description="Cumulative ballots: the points each voter shares")
    rule: str
    utilities: str
    tie_breaking: str
    tier: str = Field(description="Who may propose and vote: 'registered' or 'verified' residents")
    proposals_opens_at: datetime | None = Field(description="The announced timetable; null: not announced")
    proposals_closes_at: datetime | None = Field(description="Review runs from here to voting_opens_at")
    voting_opens_at: datetime | None
    voting_closes_at: datetime | None = Field(
        description="Announced; an admin closes voting by moving the process to counting"
    )
    results_at: datetime | None


def _process(budget: Budget) -> dict[str, Any]:
    process = budget.process
    return {
        "id": process.pk,
        "title": process.title,
        "url": process_url(process),
        "phase": process.phase,
        "ballot_kind": process.ballot_kind,
        "min_projects": process.min_projects,
        "max_projects": process.max_projects,
        "points_total": process.points_total,
        "rule": process.rule,
        "utilities": process.utilities,
        "tie_breaking": process.tie_breaking,
        "tier": Tier(process.tier).name.lower(),
        **{name: getattr(process, name) for name in phases.DATE_FIELDS},
    }


class BudgetOut(Schema):
    id: int
    process: ProcessOut
    district: str | None = Field(description="The district's slug for a district budget; null: city-wide")
    amount: int = Field(description="Roubles")
    feasible_proposals: int
    voted: bool = Field(description="Whether you have cast a ballot on this budget")

    @staticmethod
    def resolve_process(obj: Any) -> dict[str, Any]:
        return _process(obj)

    @staticmethod
    def resolve_district(obj: Any) -> str | None:
        return obj.district.slug if obj.district is not None else None

    @staticmethod
    def resolve_feasible_proposals(obj: Any) -> int:
        return int(obj.feasible)


class ProposalOut(Schema):
    id: int
    project_id: str = Field(description="The id in pabulib files and in tie-breaking (compared as text)")
    title: str
    description_html: str
    status: str = Field(description="submitted, feasible, infeasible or withdrawn")
    estimated_cost: int
    cost: int | None = Field(description="The reviewed cost, on the ballot; null until reviewed feasible")
    review_reasons: str


class ChoiceOut(Schema):
    proposal: int
    points: int


class MyBallotOut(Schema):
    choices: list[ChoiceOut]
    created_at: datetime
    receipt: str


class BudgetDetailOut(Schema):
    id: int
    process: ProcessOut
    district: str | None
    amount: int
    proposals: list[ProposalOut] = Field(
        description="Every proposal but the withdrawn; the feasible are on the ballot"
    )
    my_ballot: MyBallotOut | None


class ChoiceIn(Schema):
    proposal: StrictInt = Field(description="A feasible proposal of this budget")
    points: StrictInt | None = Field(
        default=None, description="Cumulative ballots only; otherwise leave out or 1"
    )


class BallotIn(Schema):
    choices: list[ChoiceIn] = Field(max_length=1000)


class BudgetReceiptOut(Schema):
    budget: int
    choices: list[ChoiceOut]
    receipt: str = Field(description="The hash of your ballot's ledger entry: check it at check_url")
    chain: str
    seq: int
    nonce: str = Field(description="Kept secret in the ledger; with it you can recompute your entry's digest")
    check_url: str


class CastBallot(Schema):
    budget: int
    choices: list[ChoiceOut]
    created_at: datetime
    receipt: str


class BallotConflict(ErrorDetail):
    ballot: CastBallot


class BallotConflictOut(Schema):
    error: BallotConflict


class ProjectResultOut(Schema):
    proposal: int | None
    project_id: str
    title: str
    cost: int
    supporters: int
    funded: bool
    round: int | None = Field(description="The round in which the rule funded it")
    supporters_pay: float | None = Field(
        description="Equal Shares: what its supporters paid (funded) or could still pay (not funded)"
    )
    explanation: str = Field(description="Why it was, or was not, funded, in the request's language")
    engine_reason: str = Field(description="The counting engine's own sentence, in English")


class BudgetResultsOut(Schema):
    budget: int
    public: bool = Field(description="False while only the process's staff may see the results")
    counted: bool
    counted_at: datetime | None
    rule: str | None
    utilities: str | None
    tie_breaking: str | None
    voters: int | None
    amount: int
    total_cost: int | None
    unspent: int | None
    share: float | None = Field(description="Equal Shares: each voter's share in the run that decided")
    add1_steps: int | None
    comparison: dict[str, Any] | None
    counting: str | None = Field(description="How the rule decides, in a paragraph")
    winners: list[int] = Field(description="Proposal ids, in the order funded")
    projects: list[ProjectResultOut]


@router.get("/municipalities/{slug}/budgets", response={200: list[BudgetOut], **ERRORS})
@paginate(ListPagination)
def budget_list(request: HttpRequest, slug: str) -> Any:
    """The budgets of the municipality's processes (city-wide and district ones), newest first."""
    municipality = access_municipality(request.user, slug)
    staff = can_run_budgets(request.user, municipality)
    return budgets_for(municipality=municipality, viewer=request.user, staff=staff)


@router.get("/budgets/{budget_id}", response={200: BudgetDetailOut, **ERRORS})
def budget_detail(request: HttpRequest, budget_id: str) -> Any:
    budget = access_budget(request.user, budget_id)
    proposals = proposals_of(process=budget.process, budget=budget).exclude(status=ProposalStatus.WITHDRAWN)
    ballot = ballot_of(budget=budget, user=request.user)
    return {
        "id": budget.pk,
        "process": _process(budget),
        "district": budget.district.slug if budget.district is not None else None,
        "amount": budget.amount,
        "proposals": [
            {
                "id": p.pk,
                "project_id": p.project_id,
                "title": p.title,
                "description_html": str(render_markdown(p.description)) if p.description else "",
                "status": p.status,
                "estimated_cost": p.estimated_cost,
                "cost": p.reviewed_cost if p.status == ProposalStatus.FEASIBLE else None,
                "review_reasons": p.review_reasons,
            }
            for p in proposals
        ],
        "my_ballot": None
        if ballot is None
        else {
            "choices": [{"proposal": c.proposal_id, "points": c.points} for c in ballot.choices.all()],
            "created_at": ballot.created_at,
            "receipt": ballot.receipt,
        },
    }


@router.post(
    "/budgets/{budget_id}/ballots",
    response={201: BudgetReceiptOut, 409: BallotConflictOut, **ERRORS},
    auth=AUTH,
)
def ballot_cast(request: HttpRequest, budget_id: str, payload: BallotIn) -> Any:
    """Cast your ballot once. 201 with your receipt; a repeat answers 409 with the ballot that stands."""
    budget = access_budget(request.user, budget_id)
    rate_limit_request("write", request)
    choices = [c.model_dump(exclude_none=True) for c in payload.choices]
    receipt: Receipt = ballot_services.ballot_cast(user=signed_in(request), budget=budget, choices=choices)
    ballot = ballot_of(budget=budget, user=request.user)
    return Status(
        201,
        {
            "budget": budget.pk,
            "choices": [{"proposal": c.proposal_id, "points": c.points} for c in ballot.choices.all()]
            if ballot is not None
            else [],
            "receipt": receipt.entry_hash,
            "chain": receipt.chain,
            "seq": receipt.seq,
            "nonce": receipt.nonce,
            "check_url": f"{reverse('ledger:check')}?receipt={receipt.entry_hash}",
        },
    )


@router.get("/budgets/{budget_id}/results", response={200: BudgetResultsOut, **ERRORS})
def budget_results_read(request: HttpRequest, budget_id: str) -> Any:
    """The newest count, once the results are published (its staff see it from the count on); 403 before."""
    budget = access_budget(request.user, budget_id)
    process = budget.process
    if not can_see_results(request.user, process):
        raise Forbidden(_("The results are published when counting is over."), code="results_not_public")
    results = budget_results(budget=budget)
    tally = results.tally if results is not None else None
    return {
        "budget": budget.pk,
        "public": results_public(process),
        "counted": tally is not None,
        "counted_at": tally.counted_at if tally else None,
        "rule": tally.rule if tally else None,
        "utilities": tally.utilities if tally else None,
        "tie_breaking": tally.tie_breaking if tally else None,
        "voters": tally.voters if tally else None,
        "amount": budget.amount,
        "total_cost": tally.total_cost if tally else None,
        "unspent": results.unspent if results else None,
        "share": tally.share if tally else None,
        "add1_steps": tally.add1_steps if tally else None,
        "comparison": results.comparison if results else None,
        "counting": results.counting if results else None,
        "winners": list(tally.winners) if tally else [],
        "projects": [
            {
                "proposal": row.proposal.pk if row.proposal is not None else None,
                "project_id": row.project_id,
                "title": row.title,
                "cost": row.cost,
                "supporters": row.supporters,
                "funded": row.funded,
                "round": row.round,
                "supporters_pay": row.supporters_pay,
                "explanation": row.explanation,
                "engine_reason": row.engine_reason,
            }
            for row in (results.projects if results else [])
        ],
    }
