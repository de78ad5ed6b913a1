"""API of moderation: flag content; moderators' queue and decisions."""

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from veche.access.functions import access_flaggable, access_moderated_content, access_municipality_staff
from veche.api.schemas import ERRORS, OkOut
from veche.api.security import AUTH
from veche.core.http import signed_in
from veche.core.ratelimit import rate_limit_request
from veche.moderation import services
from veche.moderation.models import Flag
from veche.moderation.selectors import moderation_queue

router = Router(tags=["moderation"])


class FlagIn(Schema):
    content: str = Field(description="Kind of content, e.g. 'comments.comment'", max_length=100)
    id: int = Field(gt=0)
    reason: Literal[tuple(Flag.Reason.values)]  # type: ignore[valid-type]
    note: str = Field(default="", max_length=500)


class FlagOut(Schema):
    id: int
    reason: str
    created_at: datetime


class DecisionIn(Schema):
    reason: str = Field(min_length=1, max_length=500)


class QueueItemOut(Schema):
    content: str
    id: int
    url: str
    excerpt: str
    flags: int
    reasons: list[str]
    hidden: bool


@router.post("/flags", response={201: FlagOut, **ERRORS}, auth=AUTH)
def flag_post(request: HttpRequest, payload: FlagIn) -> Any:
    content = access_flaggable(request.user, payload.content, payload.id)
    rate_limit_request("flag", request)
    flag = services.flag_create(
        reporter=signed_in(request),
        content=content,
        reason=payload.reason,
        note=payload.note,
    )
    return Status(201, flag)


@router.get(
    "/municipalities/{slug}/moderation/queue", response={200: list[QueueItemOut], **ERRORS}, auth=AUTH
)
def queue(request: HttpRequest, slug: str) -> Any:
    municipality = access_municipality_staff(request.user, slug, "moderate")
    return [
        QueueItemOut(
            content=item.label,
            id=item.content.pk,
            url=item.url,
            excerpt=item.excerpt,
            flags=item.flags,
            reasons=item.reasons,
            hidden=item.content.is_hidden,
        )
        for item in moderation_queue(municipality=municipality)
    ]


@router.post("/moderation/{label}/{object_id}/{action}", response={200: OkOut, **ERRORS}, auth=AUTH)
def decide(
    request: HttpRequest,
    label: str,
    object_id: int,
    action: Literal["hide", "restore", "dismiss"],
    payload: DecisionIn,
) -> Any:
    content = access_moderated_content(request.user, label, object_id)
    rate_limit_request("write", request)
    if action == "hide":
        services.content_hide(moderator=signed_in(request), content=content, reason=payload.reason)
    elif action == "restore":
        services.content_restore(moderator=signed_in(request), content=content, reason=payload.reason)
    else:
        services.flags_dismiss(moderator=signed_in(request), content=content, reason=payload.reason)
    return OkOut()
