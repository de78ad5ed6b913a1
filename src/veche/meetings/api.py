"""API of meetings: a project's meetings, one meeting, registering for it and cancelling."""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from veche.api.pagination import ListPagination
from veche.api.schemas import ERRORS
from veche.api.security import AUTH
from veche.core.errors import NotFound
from veche.core.http import signed_in
from veche.core.ratelimit import rate_limit_request
from veche.core.sanitize import render_markdown
from veche.crowdprojects.access import access_project
from veche.meetings import ics, services
from veche.meetings.access import access_meeting, can_see_link
from veche.meetings.models import Meeting, Registration
from veche.meetings.selectors import ideas_of, links_for, meetings_of, registration_of

router = Router(tags=["meetings"])


class MeetingIdeaOut(Schema):
    id: int
    title: str
    url: str

    @staticmethod
    def resolve_url(obj: Any) -> str:
        return str(obj.get_absolute_url())


class MeetingOut(Schema):
    id: int
    project: int = Field(description="The crowd project's id")
    stage: str | None = Field(description="The kind of the stage it belongs to; null: the whole project")
    url: str
    ics_url: str
    title: str
    description: str
    description_html: str
    kind: str = Field(description="in_person, online or hybrid")
    address: str
    latitude: float | None
    longitude: float | None
    online_url: str | None = Field(
        description="The link of an online meeting: only for those with a confirmed place and the organisers"
    )
    starts_at: datetime
    ends_at: datetime
    capacity: int | None = Field(description="Places; null: no limit")
    seats_left: int | None
    registered_count: int
    waiting_count: int
    registration_open: bool
    registration_opens: datetime | None
    cancelled: bool
    minutes_html: str | None = Field(description="The minutes once published, else null")
    minutes_published_at: datetime | None
    ideas: list[MeetingIdeaOut] = Field(description="The ideas the meeting produced (with its minutes)")

    @staticmethod
    def resolve_project(obj: Any) -> int:
        return int(obj.project_id)

    @staticmethod
    def resolve_stage(obj: Any) -> str | None:
        return obj.stage.kind if obj.stage_id else None

    @staticmethod
    def resolve_url(obj: Any) -> str:
        return str(obj.get_absolute_url())

    @staticmethod
    def resolve_ics_url(obj: Any) -> str:
        return ics.absolute(obj.get_absolute_url() + "meeting.ics")

    @staticmethod
    def resolve_description_html(obj: Any) -> str:
        return str(render_markdown(obj.description)) if obj.description else ""

    @staticmethod
    def resolve_online_url(obj: Any, context: Any) -> str | None:
        links: set[int] | None = getattr(obj, "_links", None)
        if links is None:
            return obj.online_url if can_see_link(context["request"].user, obj) else None
        return obj.online_url if obj.pk in links else None

    @staticmethod
    def resolve_registration_open(obj: Any) -> bool:
        return bool(obj.registration_open_at(timezone.now()) and obj.project.published_at is not None)

    @staticmethod
    def resolve_cancelled(obj: Any) -> bool:
        return obj.cancelled_at is not None

    @staticmethod
    def resolve_minutes_html(obj: Any) -> str | None:
        return str(render_markdown(obj.minutes)) if obj.minutes_published_at else None

    @staticmethod
    def resolve_ideas(obj: Any) -> list[Any]:
        # `meetings_of` prefetches only the ideas that may be shown; a meeting without it asks.
        if not obj.minutes_published_at:
            return []
        return (
            list(obj.ideas.all())
            if "ideas" in getattr(obj, "_prefetched_objects_cache", {})
            else ideas_of(obj)
        )


class MeetingRegistrationOut(Schema):
    meeting: int
    status: str = Field(description="confirmed, waiting or cancelled")
    position: int | None = Field(description="The place on the waiting list (1 is next); null otherwise")
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_meeting(obj: Any) -> int:
        return int(obj.meeting_id)


@router.get("/projects/{project_id}/meetings", response={200: list[MeetingOut], **ERRORS})
@paginate(ListPagination)
def project_meeting_list(request: HttpRequest, project_id: int) -> Any:
    """The project's meetings, soonest first; the online link only where you may see it."""
    project = access_project(request.user, project_id)
    meetings = list(meetings_of(project).select_related("project__department"))
    links = links_for(user=request.user, project=project, meetings=meetings)
    for meeting in meetings:
        meeting._links = links  # type: ignore[attr-defined]
    return meetings


@router.get("/meetings/{meeting_id}", response={200: MeetingOut, **ERRORS})
def meeting_detail(request: HttpRequest, meeting_id: int) -> Meeting:
    """One meeting, with its minutes and the ideas it produced once they are published."""
    return access_meeting(request.user, meeting_id)


@router.get(
    "/meetings/{meeting_id}/registrations/mine", response={200: MeetingRegistrationOut, **ERRORS}, auth=AUTH
)
def meeting_registration_mine(request: HttpRequest, meeting_id: int) -> Registration:
    """Your registration that stands; 404 if you have none."""
    meeting = access_meeting(request.user, meeting_id)
    registration = registration_of(meeting=meeting, user=signed_in(request))
    if registration is None:
        raise NotFound()
    return registration


@router.post(
    "/meetings/{meeting_id}/registrations",
    response={200: MeetingRegistrationOut, 201: MeetingRegistrationOut, **ERRORS},
    auth=AUTH,
)
def meeting_register(request: HttpRequest, meeting_id: int) -> Any:
    """Register: 201 with a confirmed place, or with your position on the waiting list when the places
    are taken; a repeat answers 200 with the registration that stands."""
    meeting = access_meeting(request.user, meeting_id)
    rate_limit_request("write", request)
    result = services.registration_make(user=signed_in(request), meeting=meeting)
    return Status(201 if result.created else 200, result.registration)


@router.post(
    "/meetings/{meeting_id}/registrations/mine/cancel",
    response={200: MeetingRegistrationOut, **ERRORS},
    auth=AUTH,
)
def meeting_unregister(request: HttpRequest, meeting_id: int) -> Any:
    """Cancel your registration before the meeting starts; your place goes to the first in line.
    409 when you have none."""
    meeting = access_meeting(request.user, meeting_id)
    rate_limit_request("write", request)
    return services.registration_cancel(user=signed_in(request), meeting=meeting)
