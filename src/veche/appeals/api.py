"""API of appeals: list and read them, publish, sign, answer and close."""

from datetime import date, datetime
from typing import Any, Literal

from django.conf import settings
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import Field

from veche.access.functions import access_municipality
from veche.access.roles import Tier
from veche.api.schemas import ERRORS
from veche.api.security import AUTH
from veche.appeals import services
from veche.appeals.access import access_appeal, access_appeal_to_answer
from veche.appeals.models import TITLE_MAX_LENGTH
from veche.appeals.models import Status as AppealStatus
from veche.appeals.selectors import ORDERINGS, QUERY_MAX_LENGTH, appeals_for
from veche.core.http import signed_in
from veche.core.ratelimit import rate_limit_request
from veche.core.sanitize import render_markdown
from veche.municipalities.zones import local_day

router = Router(tags=["appeals"])

StatusName = Literal[tuple(AppealStatus.values)]  # type: ignore[valid-type]
OrderName = Literal[tuple(ORDERINGS)]  # type: ignore[valid-type]


class AppealIn(Schema):
    title: str = Field(min_length=1, max_length=TITLE_MAX_LENGTH)
    body: str = Field(min_length=1, max_length=settings.TEXT_MAX_LENGTH, description="Markdown")


class AnswerIn(Schema):
    answer: str = Field(min_length=1, max_length=settings.TEXT_MAX_LENGTH, description="Markdown")


class AppealFilters(Schema):
    status: StatusName | None = None  # type: ignore[valid-type]
    q: str = Field(default="", max_length=QUERY_MAX_LENGTH, description="Words in the title or text")
    order: OrderName = "new"  # type: ignore[valid-type]


class AppealOut(Schema):
    id: int
    municipality: str
    url: str
    title: str
    body: str
    body_html: str
    author: str
    status: str
    signatures_count: int
    signature_threshold: int
    created_at: datetime
    threshold_reached_at: datetime | None
    answer_due: date | None
    overdue: bool = Field(description="An answer is owed and its day has passed in the municipality")
    answer: str
    answer_html: str
    answered_at: datetime | None
    hidden: bool
    hidden_reason: str

    @staticmethod
    def resolve_municipality(obj: Any) -> str:
        return str(obj.municipality.slug)

    @staticmethod
    def resolve_url(obj: Any) -> str:
        return services.appeal_url(obj)

    @staticmethod
    def resolve_author(obj: Any) -> str:
        return str(obj.author.public_name)

    @staticmethod
    def resolve_body_html(obj: Any) -> str:
        return str(render_markdown(obj.body))

    @staticmethod
    def resolve_answer_html(obj: Any) -> str:
        return str(render_markdown(obj.answer)) if obj.answer else ""

    @staticmethod
    def resolve_overdue(obj: Any) -> bool:
        return bool(obj.is_overdue(local_day(obj.municipality)))

    @staticmethod
    def resolve_hidden(obj: Any) -> bool:
        return bool(obj.is_hidden)


class SignatureOut(Schema):
    appeal_id: int
    tier: str = Field(description="How sure we were of who signed: 'verified' or 'registered'")
    created_at: datetime
    signatures_count: int

    @staticmethod
    def resolve_tier(obj: Any) -> str:
        return Tier(obj.tier).name.lower()

    @staticmethod
    def resolve_signatures_count(obj: Any) -> int:
        return int(obj.appeal.signatures_count)


@router.get("/municipalities/{slug}/appeals", response={200: list[AppealOut], **ERRORS})
@paginate(LimitOffsetPagination)
def appeal_list(request: HttpRequest, slug: str, filters: Query[AppealFilters]) -> Any:
    """The municipality's appeals, newest first unless `order` says otherwise."""
    municipality = access_municipality(request.user, slug)
    return appeals_for(
        municipality=municipality,
        viewer=request.user,
        status=filters.status or "",
        query=filters.q,
        order=filters.order,
    )


@router.post("/municipalities/{slug}/appeals", response={201: AppealOut, **ERRORS}, auth=AUTH)
def appeal_post(request: HttpRequest, slug: str, payload: AppealIn) -> Any:
    municipality = access_municipality(request.user, slug)
    rate_limit_request("write", request)
    appeal = services.appeal_create(
        author=signed_in(request), municipality=municipality, title=payload.title, body=payload.body
    )
    return Status(201, appeal)


@router.get("/appeals/{appeal_id}", response={200: AppealOut, **ERRORS})
def appeal_detail(request: HttpRequest, appeal_id: str) -> Any:
    return access_appeal(request.user, appeal_id)


@router.post(
    "/appeals/{appeal_id}/signatures", response={200: SignatureOut, 201: SignatureOut, **ERRORS}, auth=AUTH
)
def appeal_sign(request: HttpRequest, appeal_id: str) -> Any:
    """Sign the appeal: 201 with the new signature, or 200 with the one made before."""
    appeal = access_appeal(request.user, appeal_id)
    rate_limit_request("write", request)
    try:
        signature = services.appeal_sign(user=signed_in(request), appeal=appeal)
    except services.AlreadySigned as repeat:
        signature, status = repeat.signature, 200
    else:
        status = 201
    signature.appeal.refresh_from_db(fields=["signatures_count"])
    return Status(status, signature)


@router.post("/appeals/{appeal_id}/answer", response={200: AppealOut, **ERRORS}, auth=AUTH)
def appeal_answer(request: HttpRequest, appeal_id: str, payload: AnswerIn) -> Any:
    """Publish the municipality's official answer (officials and municipal admins)."""
    appeal = access_appeal_to_answer(request.user, appeal_id)
    rate_limit_request("write", request)
    return services.appeal_answer(official=signed_in(request), appeal=appeal, answer=payload.answer)


@router.post("/appeals/{appeal_id}/close", response={200: AppealOut, **ERRORS}, auth=AUTH)
def appeal_close(request: HttpRequest, appeal_id: str) -> Any:
    """The author withdraws the appeal."""
    appeal = access_appeal(request.user, appeal_id)
    rate_limit_request("write", request)
    return services.appeal_close(author=signed_in(request), appeal=appeal)
