"""API of a project's ideas: list and propose them, support one (once, with a receipt), and find the
ideas that look like a draft."""

from datetime import datetime
from typing import Any, Literal

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Schema, Status
from ninja.pagination import paginate
from pydantic import Field, StrictFloat, StrictInt, StrictStr

from veche.access.functions import parse_pk
from veche.api.pagination import ListPagination
from veche.api.schemas import ERRORS
from veche.api.security import AUTH
from veche.core.errors import NotFound
from veche.core.http import signed_in
from veche.core.ratelimit import rate_limit_request
from veche.core.sanitize import render_markdown
from veche.crowdprojects.access import access_idea, access_project
from veche.crowdprojects.api.router import router
from veche.crowdprojects.ideas_selectors import authors_of, ideas_for, similar_ideas
from veche.crowdprojects.models import TITLE_MAX_LENGTH, Idea, IdeaStatus
from veche.crowdprojects.services import ideas as services
from veche.petitions.api import EndorsementOut, endorse_answer


class IdeaPointOut(Schema):
    latitude: float
    longitude: float


class IdeaOut(Schema):
    id: int
    project: int
    url: str
    title: str
    body: str = Field(description="Markdown, as the author wrote it")
    body_html: str
    tags: list[str]
    status: str = Field(description="One of: " + ", ".join(IdeaStatus.values))
    merged_into: int | None = Field(description="The idea this one was merged into, if it was")
    supporters: int
    authors: list[str] = Field(description="Display names: the author, then co-authors from merged ideas")
    point: IdeaPointOut | None = Field(description="The place the idea is about, if it has one")
    created_at: datetime

    @staticmethod
    def resolve_project(obj: Any) -> int:
        return int(obj.project_id)

    @staticmethod
    def resolve_url(obj: Any) -> str:
        return str(obj.get_absolute_url())

    @staticmethod
    def resolve_body_html(obj: Any) -> str:
        return str(render_markdown(obj.body))

    @staticmethod
    def resolve_tags(obj: Any) -> list[str]:
        return list(obj.tag_list)

    @staticmethod
    def resolve_merged_into(obj: Any) -> int | None:
        return obj.merged_into_id  # type: ignore[no-any-return]

    @staticmethod
    def resolve_supporters(obj: Any) -> int:
        return int(obj.endorsements_count)

    @staticmethod
    def resolve_authors(obj: Any) -> list[str]:
        return [str(person.public_name) for person in authors_of(obj)]

    @staticmethod
    def resolve_point(obj: Any) -> dict[str, float] | None:
        if obj.latitude is None:
            return None
        return {"latitude": obj.latitude, "longitude": obj.longitude}


class IdeaIn(Schema):
    title: StrictStr = Field(max_length=TITLE_MAX_LENGTH)
    body: StrictStr = Field(max_length=settings.TEXT_MAX_LENGTH, description="Markdown")
    tags: StrictStr | list[StrictStr] = Field(
        default="", description="Comma-separated, or a list; at most 8, each at most 30 characters"
    )
    latitude: StrictFloat | StrictInt | None = None
    longitude: StrictFloat | StrictInt | None = None


class IdeaFilters(Schema):
    tag: str = Field(default="", max_length=30, description="Only the ideas with this tag")
    sort: Literal["new", "popular"] = Field(default="new", description="new, or popular (most supported)")


class IdeaSupportOut(EndorsementOut):
    idea: int
    supporters: int = Field(description="The idea's supporters now")

    @staticmethod
    def resolve_idea(obj: Any) -> int:
        return int(obj.petition_id)

    @staticmethod
    def resolve_supporters(obj: Any) -> int:
        return int(obj.petition.endorsements_count)


class IdeaSimilarOut(Schema):
    id: int
    title: str
    url: str
    supporters: int
    score: float = Field(description="How alike, from 0 to 1")


class IdeaSimilarQuery(Schema):
    text: str = Field(min_length=1, max_length=5000, description="The draft's title and text")


def _idea(user: Any, idea_id: Any) -> Idea:
    """An idea by its id alone, as its project's page would show it; else NotFound."""
    project_id = Idea.objects.filter(pk=parse_pk(idea_id)).values_list("project_id", flat=True).first()
    if project_id is None:
        raise NotFound()
    return access_idea(user, idea_id, project=access_project(user, project_id))


@router.get("/projects/{project_id}/ideas", response={200: list[IdeaOut], **ERRORS})
@paginate(ListPagination)
def idea_list(request: HttpRequest, project_id: int, filters: Query[IdeaFilters]) -> Any:
    """The project's ideas (merged ones left out), newest or most supported first, by tag."""
    project = access_project(request.user, project_id)
    return ideas_for(project=project, viewer=request.user, tag=filters.tag, sort=filters.sort)


@router.post("/projects/{project_id}/ideas", response={201: IdeaOut, **ERRORS}, auth=AUTH)
def idea_post(request: HttpRequest, project_id: int, payload: IdeaIn) -> Any:
    """Propose an idea while the project's ideas stage runs (409 `not_collecting` otherwise)."""
    project = access_project(request.user, project_id)
    rate_limit_request("write", request)
    idea = services.idea_create(
        author=signed_in(request),
        project=project,
        title=payload.title,
        body=payload.body,
        tags=payload.tags,
        latitude=payload.latitude,
        longitude=payload.longitude,
        now=timezone.now(),
    )
    return Status(201, idea)


@router.get("/projects/{project_id}/ideas/similar", response={200: list[IdeaSimilarOut], **ERRORS})
def idea_similar(request: HttpRequest, project_id: int, query: Query[IdeaSimilarQuery]) -> Any:
    """Up to 5 ideas of the project that share word stems with the draft (Russian and English)."""
    project = access_project(request.user, project_id)
    rate_limit_request("similar", request)
    return [
        {
            "id": s.idea.pk,
            "title": s.idea.title,
            "url": s.idea.get_absolute_url(),
            "supporters": s.idea.endorsements_count,
            "score": round(s.score, 3),
        }
        for s in similar_ideas(project=project, text=query.text)
    ]


@router.post(
    "/ideas/{idea_id}/supports",
    response={200: IdeaSupportOut, 201: IdeaSupportOut, **ERRORS},
    auth=AUTH,
)
def idea_support(request: HttpRequest, idea_id: str) -> Any:
    """Support the idea: 201 with the new support and its receipt, or 200 with the one given before;
    409 while the stage takes no supports, 403 outside the project's districts or tier."""
    return endorse_answer(request, _idea(request.user, idea_id), services.RULES)
