"""API of appeals: list and read them, publish, sign, answer and close."""

from datetime import datetime
from typing import Any, Literal

from django.conf import settings
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from veche.access.functions import access_municipality
from veche.accounts.models import User
from veche.api.pagination import ListPagination
from veche.api.schemas import ERRORS
from veche.api.security import AUTH
from veche.appeals import services
from veche.appeals.access import access_appeal, access_appeal_to_answer
from veche.appeals.models import Appeal
from veche.appeals.models import Status as AppealStatus
from veche.appeals.selectors import ORDERINGS, appeals_for
from veche.core.http import signed_in
from veche.core.ratelimit import rate_limit_request
from veche.petitions.api import EndorsementOut, PetitionEndpoints, PetitionOut
from veche.petitions.models import TITLE_MAX_LENGTH
from veche.petitions.selectors import QUERY_MAX_LENGTH

router = Router(tags=["appeals"])

StatusName = Literal[tuple(AppealStatus.values)]  # type: ignore[valid-type]
OrderName = Literal[tuple(ORDERINGS)]  # type: ignore[valid-type]


class AppealIn(Schema):
    title: str = Field(min_length=1, max_length=TITLE_MAX_LENGTH)
    body: str = Field(min_length=1, max_length=settings.TEXT_MAX_LENGTH, description="Markdown")


class AppealAnswerIn(Schema):
    answer: str = Field(min_length=1, max_length=settings.TEXT_MAX_LENGTH, description="Markdown")


class AppealFilters(Schema):
    status: StatusName | None = None  # type: ignore[valid-type]
    q: str = Field(default="", max_length=QUERY_MAX_LENGTH, description="Words in the title or text")
    order: OrderName = "new"  # type: ignore[valid-type]


class AppealOut(PetitionOut):
    signatures_count: int = Field(validation_alias="endorsements_count")
    signature_threshold: int = Field(validation_alias="threshold")
    created_at: datetime


class SignatureOut(EndorsementOut):
    appeal_id: int = Field(validation_alias="petition_id")
    signatures_count: int

    @staticmethod
    def resolve_signatures_count(obj: Any) -> int:
        return int(obj.petition.endorsements_count)


@router.get("/municipalities/{slug}/appeals", response={200: list[AppealOut], **ERRORS})
@paginate(ListPagination)
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


@router.post("/appeals/{appeal_id}/close", response={200: AppealOut, **ERRORS}, auth=AUTH)
def appeal_close(request: HttpRequest, appeal_id: str) -> Any:
    """The author withdraws the appeal."""
    appeal = access_appeal(request.user, appeal_id)
    rate_limit_request("write", request)
    return services.appeal_close(author=signed_in(request), appeal=appeal)


class AppealEndpoints(PetitionEndpoints):
    rules = services.RULES
    access = staticmethod(access_appeal)
    access_to_answer = staticmethod(access_appeal_to_answer)
    out = AppealOut
    endorsements = "signatures"
    endorse_verb = "sign"
    endorsement_out = SignatureOut
    endorse_doc = (
        "Sign the appeal: 201 with the new signature, or 200 with the one made before (even once the\n"
        "appeal no longer takes signatures)."
    )
    answer_in = AppealAnswerIn

    def answer(self, official: User, petition: Any, payload: AppealAnswerIn) -> Appeal:
        """Publish the municipality's official answer (officials and municipal admins)."""
        return services.appeal_answer(official=official, appeal=petition, answer=payload.answer)


AppealEndpoints().add_to(router)
