"""API pieces every petition shares: the fields of a petition and of an endorsement, and the endorse answer.

The API is public, so each app keeps its own outward names for what the models now call alike
(an appeal's `signatures_count` and `signature_threshold`, an initiative's `supporters_count` and
`support_threshold`), mapped here from `endorsements_count` and `threshold`.
"""

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Schema, Status
from pydantic import Field

from veche.access.roles import Tier
from veche.accounts.models import User
from veche.core.http import signed_in
from veche.core.ratelimit import rate_limit_request
from veche.core.sanitize import render_markdown
from veche.municipalities.zones import local_day
from veche.petitions.services import AlreadyEndorsed


class PetitionOut(Schema):
    id: int
    municipality: str
    url: str
    title: str
    body: str
    body_html: str
    author: str
    status: str
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
        return str(obj.get_absolute_url())

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


class EndorsementOut(Schema):
    tier: str = Field(description="How sure we were of who endorsed: 'verified' or 'registered'")
    created_at: datetime

    @staticmethod
    def resolve_tier(obj: Any) -> str:
        return Tier(obj.tier).name.lower()


def endorse_answer(request: HttpRequest, petition: Any, endorse: Callable[[User, Any], Any]) -> Status[Any]:
    """Endorse `petition` (the app's service, under the write rate limit): 201 with the new endorsement,
    or 200 with the one the person gave before, whatever the petition's state (`petitions.services`);
    its petition carries the count and status as they are now."""
    rate_limit_request("write", request)
    try:
        endorsement = endorse(signed_in(request), petition)
    except AlreadyEndorsed as repeat:
        endorsement, status = repeat.endorsement, 200
    else:
        status = 201
    endorsement.petition.refresh_from_db(fields=["endorsements_count", "status"])
    return Status(status, endorsement)
