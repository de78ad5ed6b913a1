"""API of a crowd project's voting: cast your ballot, read it back, and read the results."""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Schema, Status
from pydantic import Field, StrictInt

from veche.api.schemas import ERRORS, ErrorDetail
from veche.api.security import AUTH
from veche.core.errors import Forbidden, NotFound
from veche.core.http import signed_in
from veche.core.ratelimit import rate_limit_request
from veche.crowdprojects.access import access_project, can_run
from veche.crowdprojects.api.router import router
from veche.crowdprojects.selectors import stages_of
from veche.crowdprojects.services import voting as services
from veche.crowdprojects.voting_selectors import Turnout, ballot_of, ballot_results

BALLOT_MAX = 200  # more ideas than any ballot holds


class CrowdBallotIn(Schema):
    ideas: list[StrictInt] | None = Field(
        default=None,
        max_length=BALLOT_MAX,
        description="Approval: the ids of the ideas you choose, 1 to the project's approval_limit",
    )
    ratings: dict[str, StrictInt] | None = Field(
        default=None,
        max_length=BALLOT_MAX,
        description='Rating: {"<idea id>": 1..5} for the ideas you rate, at least one',
    )


class CrowdReceiptOut(Schema):
    project: int
    ideas: list[int] | None = Field(description="Approval: the ideas you chose; null for a rating ballot")
    ratings: dict[str, int] | None = Field(description="Rating: your ratings; null for an approval ballot")
    receipt: str = Field(description="The hash of your ballot's ledger entry: check it at check_url")
    chain: str
    seq: int
    nonce: str = Field(description="Kept secret in the ledger; with it you can recompute your entry's digest")
    check_url: str


class CrowdCastBallot(Schema):
    project: int
    ideas: list[int] | None
    ratings: dict[str, int] | None
    created_at: datetime
    receipt: str


class CrowdBallotConflict(ErrorDetail):
    ballot: CrowdCastBallot


class CrowdBallotConflictOut(Schema):
    error: CrowdBallotConflict


class CrowdIdeaResultOut(Schema):
    id: int
    title: str
    votes: int = Field(description="Approval: voters who chose the idea; rating: voters who rated it")
    share: float = Field(description="votes / voters, from 0 to 1")
    mean: float | None = Field(description="Rating: the mean rating, 1 to 5; null if unrated or approval")
    total: int | None = Field(description="Rating: the sum of the idea's ratings; null for approval")


class CrowdTurnoutOut(Schema):
    key: str | None = Field(
        description="A district's slug (null: voters with no verified district), "
        "or a tier: verified, registered"
    )
    name: str
    voters: int


class CrowdResultsOut(Schema):
    project: int
    voting_method: str
    public: bool = Field(description="False while only the project's organisers may see the results")
    voters: int
    counting: str = Field(description="How the numbers were counted")
    ideas: list[CrowdIdeaResultOut] = Field(description="Leading ideas first")
    turnout_by_district: list[CrowdTurnoutOut]
    turnout_by_tier: list[CrowdTurnoutOut]


def _turnout(row: Turnout) -> dict[str, Any]:
    return {"key": row.slug, "name": row.name, "voters": row.voters}


@router.post(
    "/projects/{project_id}/ballots",
    response={201: CrowdReceiptOut, 409: CrowdBallotConflictOut, **ERRORS},
    auth=AUTH,
)
def crowd_ballot_cast(request: HttpRequest, project_id: str, payload: CrowdBallotIn) -> Any:
    """Vote once in the project's voting stage: `ideas` for an approval vote, `ratings` for a rating
    vote, as the project's voting_method says. 201 with your receipt; a repeat answers 409 with the
    ballot that stands under "ballot"."""
    project = access_project(request.user, project_id)
    rate_limit_request("write", request)
    receipt = services.ballot_cast(
        user=signed_in(request), project=project, ideas=payload.ideas, ratings=payload.ratings
    )
    ballot = ballot_of(project=project, user=request.user)
    if ballot is None:  # cast in this very request: it is there
        raise NotFound()
    summary = services.ballot_summary(ballot)
    return Status(
        201,
        {
            "project": project.pk,
            "ideas": summary["ideas"],
            "ratings": summary["ratings"],
            "receipt": receipt.entry_hash,
            "chain": receipt.chain,
            "seq": receipt.seq,
            "nonce": receipt.nonce,
            "check_url": f"{reverse('ledger:check')}?receipt={receipt.entry_hash}",
        },
    )


@router.get("/projects/{project_id}/ballot", response={200: CrowdCastBallot, **ERRORS}, auth=AUTH)
def crowd_ballot_mine(request: HttpRequest, project_id: str) -> Any:
    """Your ballot in the project; 404 if you have not voted."""
    project = access_project(request.user, project_id)
    ballot = ballot_of(project=project, user=request.user)
    if ballot is None:
        raise NotFound()
    return services.ballot_summary(ballot)


@router.get("/projects/{project_id}/results", response={200: CrowdResultsOut, **ERRORS})
def crowd_results(request: HttpRequest, project_id: str) -> Any:
    """The results once the voting stage has ended; the organisers see them at any time; 403 before."""
    project = access_project(request.user, project_id)
    stages = stages_of(project)
    public = services.results_public(project, stages, timezone.now())
    if not public and not can_run(request.user, project):
        raise Forbidden(services.results_hidden_reason(project, stages), code="results_not_public")
    results = ballot_results(project=project)
    return {
        "project": project.pk,
        "voting_method": project.voting_method,
        "public": public,
        "voters": results.voters,
        "counting": results.counting,
        "ideas": [
            {
                "id": r.id,
                "title": r.title,
                "votes": r.votes,
                "share": round(r.share, 4),
                "mean": r.mean,
                "total": r.total,
            }
            for r in results.ideas
        ],
        "turnout_by_district": [_turnout(t) for t in results.by_district],
        "turnout_by_tier": [_turnout(t) for t in results.by_tier],
    }
