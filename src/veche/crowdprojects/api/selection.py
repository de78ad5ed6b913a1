"""API of the selection and the implementation: a project's published decisions, an idea's
milestones, and residents' monitoring reports (JSON, or multipart with photos)."""

from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Schema, Status
from ninja.pagination import paginate
from pydantic import Field, StrictInt, ValidationError

from veche.api.pagination import ListPagination
from veche.api.parser import loads
from veche.api.schemas import ERRORS
from veche.api.security import AUTH
from veche.core.errors import DomainError
from veche.core.http import signed_in
from veche.core.ratelimit import rate_limit_request
from veche.core.sanitize import render_markdown
from veche.crowdprojects.access import access_project
from veche.crowdprojects.api.router import router
from veche.crowdprojects.models import MONITORING_MAX_LENGTH, Milestone, Verdict
from veche.crowdprojects.selection_selectors import (
    access_idea_by_id,
    milestones_of,
    published_decisions,
)
from veche.crowdprojects.services.implementation import monitoring_report_file
from veche.municipalities.zones import local_day


class CrowdDecisionOut(Schema):
    idea: int
    title: str
    url: str
    selected: bool = Field(description="Whether the idea is taken up")
    reason: str = Field(description="Why, in Markdown")
    reason_html: str
    responsible: str = Field(description="Who carries a taken-up idea out; empty for others")
    planned_by: date | None = Field(description="By when a taken-up idea is to be done")
    decided_at: datetime

    @staticmethod
    def resolve_idea(obj: Any) -> int:
        return int(obj.pk)

    @staticmethod
    def resolve_url(obj: Any) -> str:
        return str(obj.get_absolute_url())

    @staticmethod
    def resolve_selected(obj: Any) -> bool:
        return bool(obj.decision.selected)

    @staticmethod
    def resolve_reason(obj: Any) -> str:
        return str(obj.answer)

    @staticmethod
    def resolve_reason_html(obj: Any) -> str:
        return str(render_markdown(obj.answer))

    @staticmethod
    def resolve_responsible(obj: Any) -> str:
        return str(obj.decision.who)

    @staticmethod
    def resolve_planned_by(obj: Any) -> date | None:
        return obj.decision.planned_by  # type: ignore[no-any-return]

    @staticmethod
    def resolve_decided_at(obj: Any) -> datetime:
        return obj.answered_at  # type: ignore[no-any-return]


class CrowdMilestoneOut(Schema):
    id: int
    position: int
    title: str
    description: str
    due_on: date
    progress: int = Field(description="Per cent done, 0 to 100")
    done_at: datetime | None
    overdue: bool = Field(description="Past its due day, not done, and not updated since that day")

    @staticmethod
    def resolve_overdue(obj: Any) -> bool:
        return bool(obj.is_overdue(local_day(obj.idea.municipality)))


class MonitoringIn(Schema):
    verdict: Literal[tuple(Verdict.values)]  # type: ignore[valid-type]
    text: str = Field(max_length=MONITORING_MAX_LENGTH)
    milestone: StrictInt | None = Field(default=None, description="The id of one of the idea's milestones")


class MonitoringReportOut(Schema):
    id: int
    idea: int
    milestone: int | None
    verdict: str
    text: str
    photos: list[str] = Field(description="URLs of the re-encoded photos")
    created_at: datetime

    @staticmethod
    def resolve_idea(obj: Any) -> int:
        return int(obj.idea_id)

    @staticmethod
    def resolve_milestone(obj: Any) -> int | None:
        return obj.milestone_id  # type: ignore[no-any-return]

    @staticmethod
    def resolve_photos(obj: Any) -> list[str]:
        return [photo.image.url for photo in obj.photos.all()]


@router.get("/projects/{project_id}/decisions", response={200: list[CrowdDecisionOut], **ERRORS})
@paginate(ListPagination)
def decision_list(request: HttpRequest, project_id: int) -> Any:
    """The decisions of the project's published selection (none before it is published), taken up first."""
    project = access_project(request.user, project_id)
    return published_decisions(project)


@router.get("/ideas/{idea_id}/milestones", response={200: list[CrowdMilestoneOut], **ERRORS})
@paginate(ListPagination)
def milestone_list(request: HttpRequest, idea_id: int) -> Any:
    """A taken-up idea's milestones in order, with their progress."""
    idea = access_idea_by_id(request.user, idea_id)
    return milestones_of(idea).select_related("idea__municipality")


_MONITORING_BODY = {
    "requestBody": {
        "content": {
            "application/json": {"schema": MonitoringIn.model_json_schema()},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        **MonitoringIn.model_json_schema()["properties"],
                        "photos": {"type": "array", "items": {"type": "string", "format": "binary"}},
                    },
                    "required": ["verdict", "text"],
                }
            },
        },
        "required": True,
    }
}


def _monitoring_input(request: HttpRequest) -> tuple[MonitoringIn, list[Any]]:
    """The report from a JSON body, or from a multipart form with its photos."""
    if request.content_type == "multipart/form-data":
        data: Any = {key: request.POST.get(key) for key in ("verdict", "text") if key in request.POST}
        if request.POST.get("milestone"):
            raw = request.POST["milestone"]
            data["milestone"] = int(raw) if raw.isascii() and raw.isdigit() else raw
        photos = request.FILES.getlist("photos")
    else:
        try:
            data = loads(request.body or b"null")
        except ValueError:
            raise DomainError(_("Send a JSON object.")) from None
        photos = []
    try:
        return MonitoringIn.model_validate(data), photos
    except ValidationError as error:
        fields: dict[str, list[str]] = {}
        for problem in error.errors():
            name = str(problem["loc"][0]) if problem["loc"] else "body"
            fields.setdefault(name, []).append(str(problem["msg"]))
        raise DomainError(_("Check the fields."), fields=fields) from None


@router.post(
    "/ideas/{idea_id}/monitoring",
    response={201: MonitoringReportOut, **ERRORS},
    auth=AUTH,
    openapi_extra=_MONITORING_BODY,
)
def monitoring_create(request: HttpRequest, idea_id: int) -> Any:
    """Report what you see of a taken-up idea's work while the implementation stage runs: JSON, or
    multipart/form-data with up to 3 files named `photos`."""
    idea = access_idea_by_id(request.user, idea_id)
    payload, photos = _monitoring_input(request)
    rate_limit_request("write", request)
    milestone: Milestone | None = None
    if payload.milestone is not None:
        milestone = Milestone.objects.filter(pk=payload.milestone, idea=idea).first()
        if milestone is None:
            raise DomainError(fields={"milestone": [_("Choose a milestone of this idea.")]})
    report = monitoring_report_file(
        actor=signed_in(request),
        idea=idea,
        verdict=payload.verdict,
        text=payload.text,
        milestone=milestone,
        photos=photos,
        now=timezone.now(),
    )
    return Status(201, report)
