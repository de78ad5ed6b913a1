"""API of CrowdWisdom: rate an idea, an idea's arguments, a project's assessment."""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Schema, Status
from pydantic import Field

from veche.access.functions import parse_pk
from veche.api.schemas import ERRORS
from veche.api.security import AUTH
from veche.core.errors import NotFound
from veche.core.http import signed_in
from veche.core.ratelimit import rate_limit_request
from veche.crowdprojects.access import access_idea, access_project
from veche.crowdprojects.api.router import router
from veche.crowdprojects.models import STARS_MAX, Idea
from veche.crowdprojects.selectors import stages_of
from veche.crowdprojects.services.assessment import idea_rate
from veche.crowdprojects.wisdom_selectors import arguments_of, assessment_of, scores_public


def _idea(request: HttpRequest, idea_id: int) -> Idea:
    project_id = Idea.objects.filter(pk=parse_pk(idea_id)).values_list("project_id", flat=True).first()
    if project_id is None:
        raise NotFound()
    project = access_project(request.user, project_id)
    return access_idea(request.user, idea_id, project=project)


class IdeaRatingIn(Schema):
    stars: int = Field(ge=1, le=STARS_MAX, description="1 (poor) to 5 (excellent)")


class IdeaRatingOut(Schema):
    idea: int
    stars: int
    created: bool = Field(description="True for a first rating, false when it changed an earlier one")


@router.put("/ideas/{idea_id}/rating", response={200: IdeaRatingOut, 201: IdeaRatingOut, **ERRORS}, auth=AUTH)
def idea_rating(request: HttpRequest, idea_id: int, payload: IdeaRatingIn) -> Any:
    """Rate an idea 1 to 5 while the project's assessment stage runs: 201 the first time, 200 when it
    changes your rating (one rating per person and idea)."""
    idea = _idea(request, idea_id)
    rate_limit_request("write", request)
    rating, created = idea_rate(user=signed_in(request), idea=idea, stars=payload.stars)
    body = {"idea": idea.pk, "stars": rating.stars, "created": created}
    return Status(201 if created else 200, body)


class ArgumentOut(Schema):
    id: int
    author: str
    body: str
    stance: str


class IdeaSideOut(Schema):
    stance: str = Field(description="for, against or neutral")
    count: int
    top: list[ArgumentOut] = Field(description="The most marked comments of this side, up to 3")


class IdeaArgumentsOut(Schema):
    idea: int
    sides: list[IdeaSideOut]


@router.get("/ideas/{idea_id}/arguments", response={200: IdeaArgumentsOut, **ERRORS})
def idea_arguments(request: HttpRequest, idea_id: int) -> Any:
    """How many comments under an idea are for, against and neutral, and the most marked of each."""
    idea = _idea(request, idea_id)
    found = arguments_of(idea)
    sides = [
        {
            "stance": stance,
            "count": count,
            "top": [
                {"id": c.pk, "author": c.author.public_name, "body": c.body, "stance": c.stance} for c in top
            ],
        }
        for stance, _label, count, top in found.sides
    ]
    return {"idea": idea.pk, "sides": sides}


class CrowdCriterionOut(Schema):
    id: int
    name: str
    description: str
    weight: int


class CrowdExpertOut(Schema):
    id: int
    name: str
    affiliation: str


class CrowdExpertScoreOut(Schema):
    expert: int
    criterion: int
    score: int
    comment: str


class IdeaAssessmentOut(Schema):
    idea: int
    title: str
    average_rating: float | None = Field(description="Residents' average, 1 to 5; null: not rated")
    ratings: int
    by_criterion: dict[str, float] = Field(description="Experts' average per criterion id (when public)")
    overall: float | None = Field(description="Experts' weighted average (when public)")
    scores: list[CrowdExpertScoreOut]


class CrowdAssessmentOut(Schema):
    public: bool = Field(description="Whether experts' scores are published (shown to organisers earlier)")
    criteria: list[CrowdCriterionOut]
    experts: list[CrowdExpertOut]
    ideas: list[IdeaAssessmentOut]


@router.get("/projects/{project_id}/assessment", response={200: CrowdAssessmentOut, **ERRORS})
def project_assessment(request: HttpRequest, project_id: int) -> Any:
    """Residents' ratings of each idea and, once the assessment stage has ended, the experts' scores
    with their names and reasons."""
    project = access_project(request.user, project_id)
    public = scores_public(request.user, project, stages_of(project), timezone.now())
    found = assessment_of(project, public=public)
    return {
        "public": found.public,
        "criteria": [
            {"id": c.pk, "name": c.name, "description": c.description, "weight": c.weight}
            for c in found.criteria
        ],
        "experts": [{"id": e.pk, "name": e.public_name, "affiliation": e.affiliation} for e in found.experts],
        "ideas": [
            {
                "idea": row.idea.pk,
                "title": row.idea.title,
                "average_rating": row.average_rating,
                "ratings": row.ratings,
                "by_criterion": {str(k): v for k, v in row.by_criterion.items()},
                "overall": row.overall,
                "scores": [
                    {
                        "expert": s.expert_id,
                        "criterion": s.criterion_id,
                        "score": s.score,
                        "comment": s.comment,
                    }
                    for s in row.scores
                ],
            }
            for row in found.ideas
        ],
    }
