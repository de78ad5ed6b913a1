"""API of the projects themselves: a municipality's list, one project with its timeline."""

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Schema
from ninja.pagination import paginate
from pydantic import Field

from veche.access.functions import access_municipality
from veche.access.roles import Tier
from veche.api.pagination import ListPagination
from veche.api.schemas import ERRORS
from veche.core.sanitize import render_markdown
from veche.crowdprojects.access import access_project
from veche.crowdprojects.api.router import router
from veche.crowdprojects.models import Project, StageKind
from veche.crowdprojects.selectors import LISTED, projects_for
from veche.crowdprojects.stages import KINDS, stage_at

StatusName = Literal[tuple(LISTED)]  # type: ignore[valid-type]


class ProjectFilters(Schema):
    status: StatusName | None = Field(  # type: ignore[valid-type]
        default=None, description="running, upcoming or finished; all published projects if absent"
    )


class StageOut(Schema):
    kind: str = Field(description="One of: " + ", ".join(StageKind.values))
    title: str = Field(description="The stage's own title, or its kind's name")
    starts: datetime
    ends: datetime
    features: list[str] = Field(description="What residents may do while the stage runs")

    @staticmethod
    def resolve_title(obj: Any) -> str:
        return str(obj)

    @staticmethod
    def resolve_starts(obj: Any) -> datetime:
        return obj.starts_at  # type: ignore[no-any-return]

    @staticmethod
    def resolve_ends(obj: Any) -> datetime:
        return obj.ends_at  # type: ignore[no-any-return]

    @staticmethod
    def resolve_features(obj: Any) -> list[str]:
        return sorted(str(feature) for feature in KINDS[obj.kind].features)


class ProjectOut(Schema):
    id: int
    municipality: str
    url: str
    title: str
    description: str
    description_html: str
    organiser: str = Field(description="The organising department, or the municipality itself")
    status: str = Field(description="upcoming, running or finished")
    current_stage: str | None = Field(description="The kind of the stage running now; null between stages")
    stages: list[StageOut]
    tier: str = Field(description="Who may take part: 'registered' or 'verified' residents")
    districts: list[str] = Field(
        description="Slugs of the districts whose verified residents take part; [] for all"
    )
    voting_method: str = Field(description="approval or rating")
    approval_limit: int = Field(description="An approval ballot chooses at most this many ideas")

    @staticmethod
    def resolve_municipality(obj: Any) -> str:
        return str(obj.municipality.slug)

    @staticmethod
    def resolve_url(obj: Any) -> str:
        return str(obj.get_absolute_url())

    @staticmethod
    def resolve_description_html(obj: Any) -> str:
        return str(render_markdown(obj.description))

    @staticmethod
    def resolve_organiser(obj: Any) -> str:
        return str(obj.department or obj.municipality)

    @staticmethod
    def resolve_status(obj: Any) -> str:
        return str(obj.status_at(timezone.now()))

    @staticmethod
    def resolve_current_stage(obj: Any) -> str | None:
        stage = stage_at(list(obj.stages.all()), timezone.now())
        return stage.kind if stage is not None else None

    @staticmethod
    def resolve_stages(obj: Any) -> list[Any]:
        return list(obj.stages.all())

    @staticmethod
    def resolve_tier(obj: Any) -> str:
        return Tier(obj.tier).name.lower()

    @staticmethod
    def resolve_districts(obj: Any) -> list[str]:
        return [district.slug for district in obj.districts.all()]


@router.get("/municipalities/{slug}/projects", response={200: list[ProjectOut], **ERRORS})
@paginate(ListPagination)
def project_list(request: HttpRequest, slug: str, filters: Query[ProjectFilters]) -> Any:
    """The municipality's published crowd projects with their timelines."""
    municipality = access_municipality(request.user, slug)
    projects = projects_for(
        municipality=municipality, viewer=request.user, status=filters.status, now=timezone.now()
    )
    return projects.prefetch_related("districts")


@router.get("/projects/{project_id}", response={200: ProjectOut, **ERRORS})
def project_detail(request: HttpRequest, project_id: int) -> Project:
    """One crowd project with its timeline and the stage running now."""
    return access_project(request.user, project_id)
