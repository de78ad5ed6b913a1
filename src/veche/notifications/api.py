"""API of notifications: the caller's notices."""

from datetime import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate
from pydantic import ConfigDict, Field

from veche.api.pagination import ListPagination
from veche.api.schemas import ERRORS
from veche.api.security import AUTH
from veche.core.http import signed_in
from veche.notifications.models import Notification
from veche.notifications.selectors import notifications_for
from veche.notifications.services import notifications_mark_read

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: str
    # In the request's language (its Accept-Language), plain text.
    title: str
    body: str
    url: str
    created_at: datetime
    read_at: datetime | None

    @staticmethod
    def resolve_title(obj: Notification) -> str:
        return obj.title_text

    @staticmethod
    def resolve_body(obj: Notification) -> str:
        return obj.body_text


class MarkReadIn(Schema):
    """`{"ids": [...]}` marks those notices read, `{}` all of them; any other shape is refused (an
    unknown key such as `{"all": "yes"}` used to be dropped, leaving `{}`: every notice read)."""

    model_config = ConfigDict(extra="forbid")

    # An id past the databases' bigint would overflow the query: refused as the field's error.
    ids: list[Annotated[int, Field(ge=1, le=2**63 - 1)]] | None = Field(default=None, max_length=1000)


class MarkReadOut(Schema):
    marked: int


@router.get("/notifications", response={200: list[NotificationOut], **ERRORS}, auth=AUTH)
@paginate(ListPagination)
def notification_list(request: HttpRequest) -> Any:
    return notifications_for(user=signed_in(request))


@router.post("/notifications/read", response={200: MarkReadOut, **ERRORS}, auth=AUTH)
def mark_read(request: HttpRequest, payload: MarkReadIn) -> Any:
    return MarkReadOut(marked=notifications_mark_read(user=signed_in(request), ids=payload.ids))
