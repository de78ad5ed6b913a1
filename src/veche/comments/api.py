"""API of comments: the town-square discussion of a municipality."""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from veche.access.functions import access_municipality
from veche.api.pagination import ListPagination
from veche.api.schemas import ERRORS
from veche.api.security import AUTH
from veche.comments.selectors import comments_for
from veche.comments.services import comment_create
from veche.core.http import signed_in
from veche.core.ratelimit import rate_limit_request
from veche.core.sanitize import render_markdown

router = Router(tags=["comments"])


class CommentIn(Schema):
    body: str = Field(min_length=1, max_length=settings.TEXT_MAX_LENGTH)


class CommentOut(Schema):
    id: int
    author: str
    body: str
    body_html: str
    created_at: datetime
    hidden: bool
    hidden_reason: str

    @staticmethod
    def resolve_author(obj: Any) -> str:
        return str(obj.author.public_name)

    @staticmethod
    def resolve_body_html(obj: Any) -> str:
        return str(render_markdown(obj.body))

    @staticmethod
    def resolve_hidden(obj: Any) -> bool:
        return bool(obj.is_hidden)


@router.get("/municipalities/{slug}/comments", response=list[CommentOut])
@paginate(ListPagination)
def comment_list(request: HttpRequest, slug: str) -> Any:
    municipality = access_municipality(request.user, slug)
    return comments_for(target=municipality, viewer=request.user).order_by("-created_at", "-id")


@router.post("/municipalities/{slug}/comments", response={201: CommentOut, **ERRORS}, auth=AUTH)
def comment_post(request: HttpRequest, slug: str, payload: CommentIn) -> Any:
    municipality = access_municipality(request.user, slug)
    rate_limit_request("write", request)
    comment = comment_create(
        author=signed_in(request),
        municipality=municipality,
        target=municipality,
        body=payload.body,
    )
    return Status(201, comment)
