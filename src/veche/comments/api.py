"""API of comments: the town-square discussion of a municipality."""

from datetime import datetime
from typing import Any, Literal

from django.conf import settings
from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from veche.access.functions import access_comment, access_municipality
from veche.api.pagination import ListPagination
from veche.api.schemas import ERRORS
from veche.api.security import AUTH
from veche.comments.models import ReactionKind, Stance
from veche.comments.selectors import comments_for, reaction_counts, with_marks
from veche.comments.services import comment_create, comment_react
from veche.core.http import signed_in
from veche.core.ratelimit import rate_limit_request
from veche.core.sanitize import render_markdown

router = Router(tags=["comments"])


StanceName = Literal[tuple(Stance.values)]  # type: ignore[valid-type]
ReactionName = Literal[tuple(ReactionKind.values)]  # type: ignore[valid-type]


class CommentIn(Schema):
    body: str = Field(min_length=1, max_length=settings.TEXT_MAX_LENGTH)
    parent_id: int | None = Field(default=None, description="The comment this one answers")
    stance: StanceName | None = Field(  # type: ignore[valid-type]
        default=None, description="for, against or neutral; only where comments take a side (ideas)"
    )


class CommentOut(Schema):
    id: int
    author: str
    body: str
    body_html: str
    created_at: datetime
    hidden: bool
    hidden_reason: str
    parent_id: int | None = Field(default=None, description="The top comment this one answers")
    stance: str = Field(default="", description="for, against, neutral, or empty: no side taken")
    marks: dict[str, int] = Field(default_factory=dict, description="How many people marked it, by kind")

    @staticmethod
    def resolve_marks(obj: Any) -> dict[str, int]:
        if hasattr(obj, "marks_agree"):
            return {kind: int(getattr(obj, f"marks_{kind}")) for kind in ReactionKind.values}
        counted = reaction_counts([obj.pk]).get(obj.pk, {})
        return {kind: int(counted.get(kind, 0)) for kind in ReactionKind.values}

    @staticmethod
    def resolve_author(obj: Any) -> str:
        return str(obj.author.public_name)

    @staticmethod
    def resolve_body_html(obj: Any) -> str:
        return str(render_markdown(obj.body))

    @staticmethod
    def resolve_hidden(obj: Any) -> bool:
        return bool(obj.is_hidden)


@router.get("/municipalities/{slug}/comments", response={200: list[CommentOut], **ERRORS})
@paginate(ListPagination)
def comment_list(request: HttpRequest, slug: str) -> Any:
    municipality = access_municipality(request.user, slug)
    return with_marks(comments_for(target=municipality, viewer=request.user).order_by("-created_at", "-id"))


@router.post("/municipalities/{slug}/comments", response={201: CommentOut, **ERRORS}, auth=AUTH)
def comment_post(request: HttpRequest, slug: str, payload: CommentIn) -> Any:
    municipality = access_municipality(request.user, slug)
    rate_limit_request("write", request)
    comment = comment_create(
        author=signed_in(request),
        municipality=municipality,
        target=municipality,
        body=payload.body,
        parent_id=payload.parent_id,
        stance=payload.stance or "",
    )
    return Status(201, comment)


class CommentMarkIn(Schema):
    kind: ReactionName = Field(description="agree or useful")  # type: ignore[valid-type]


class CommentMarkOut(Schema):
    kind: str
    marked: bool = Field(description="Whether the comment is marked by you now")
    count: int = Field(description="How many people mark it so now")


@router.post(
    "/municipalities/{slug}/comments/{comment_id}/marks", response={200: CommentMarkOut, **ERRORS}, auth=AUTH
)
def comment_mark(request: HttpRequest, slug: str, comment_id: int, payload: CommentMarkIn) -> Any:
    """Mark a comment (agree, useful), or take your mark back when it is there: a toggle."""
    municipality = access_municipality(request.user, slug)
    comment = access_comment(request.user, municipality, comment_id)
    rate_limit_request("write", request)
    marked = comment_react(user=signed_in(request), comment=comment, kind=payload.kind)
    count = reaction_counts([comment.pk]).get(comment.pk, {}).get(payload.kind, 0)
    return {"kind": payload.kind, "marked": marked, "count": count}
