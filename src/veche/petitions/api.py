"""API pieces every petition shares: the fields of a petition and of an endorsement, and the endpoints
every kind has (`PetitionEndpoints`: read one, endorse it, answer it).

The API is public, so each app keeps its own outward names for what the models now call alike
(an appeal's `signatures_count` and `signature_threshold`, an initiative's `supporters_count` and
`support_threshold`), mapped here from `endorsements_count` and `threshold`; and each kind's
endpoints keep their paths, parameters and operation ids (`veche_appeals_api_appeal_sign`).
"""

import inspect
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.params.functions import Path
from pydantic import Field

from veche.access.roles import Tier
from veche.accounts.models import User
from veche.api.schemas import ERRORS
from veche.api.security import AUTH
from veche.core.http import signed_in
from veche.core.ratelimit import rate_limit_request
from veche.core.sanitize import render_markdown
from veche.municipalities.zones import local_day
from veche.petitions.services import AlreadyEndorsed, PetitionRules, petition_endorse


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
    receipt: str = Field(description="The hash of the endorsement's ledger entry: check it at check_url")
    check_url: str

    @staticmethod
    def resolve_tier(obj: Any) -> str:
        return Tier(obj.tier).name.lower()

    @staticmethod
    def resolve_check_url(obj: Any) -> str:
        return f"{reverse('ledger:check')}?receipt={obj.receipt}"


def endorse_answer(request: HttpRequest, petition: Any, rules: PetitionRules[Any]) -> Status[Any]:
    """Endorse `petition` under the write rate limit: 201 with the new endorsement, or 200 with the one
    the person gave before, whatever the petition's state (`petitions.services`); its petition carries
    the count and status as they are now."""
    rate_limit_request("write", request)
    try:
        endorsement = petition_endorse(
            rules=rules, user=signed_in(request), petition=petition, now=timezone.now()
        )
    except AlreadyEndorsed as repeat:
        endorsement, status = repeat.endorsement, 200
    else:
        status = 201
    endorsement.petition.refresh_from_db(fields=["endorsements_count", "status"])
    return Status(status, endorsement)


class PetitionEndpoints:
    """The endpoints every kind of petition has, written once. A kind subclasses it (as it does
    `petitions.views.PetitionPages`), names its schemas and words and fills in `answer`; `add_to`
    adds to its router, under /<app>/{<model>_id}:

    - GET: the petition (`out`), for whoever may see it;
    - POST <endorsements>: endorse it (`endorse_answer`), given back as `endorsement_out`;
    - POST answer: the official answer (`answer_in`, then the `answer` hook, whose docstring documents
      it), given back as `out`, for whoever answers it.
    """

    rules: PetitionRules[Any]
    # access_<thing>(user, id): the petition, for whoever may see it, and for whoever answers it.
    access: Callable[..., Any]
    access_to_answer: Callable[..., Any]
    out: type[Schema]
    # The endorse collection ("signatures"), the operation's verb ("sign"), and what it answers.
    endorsements: str
    endorse_verb: str
    endorsement_out: type[Schema]
    endorse_doc: str
    answer_in: type[Schema]

    def answer(self, official: User, petition: Any, payload: Any) -> Any:
        """Publish the answer `payload` holds: the app's service; the petition as it then stands."""
        raise NotImplementedError

    def add_to(self, router: Router) -> None:
        meta = self.rules.model._meta
        app, name = meta.app_label, str(meta.model_name)
        one = f"/{app}/{{{name}_id}}"
        petition_id = Path(alias=f"{name}_id")

        # Each operation keeps the operation id, URL name and summary of the kind's own endpoint
        # ("veche_appeals_api_appeal_sign", "api:appeal_sign", "Appeal Sign"): the kinds share a namespace.
        def operation_id(verb: str) -> str:
            return f"veche_{app}_api_{name}_{verb}"

        def url_name(verb: str) -> str:
            return f"{name}_{verb}"

        def summary(verb: str) -> str:
            return f"{name} {verb}".title()

        @router.get(
            one,
            response={200: self.out, **ERRORS},
            operation_id=operation_id("detail"),
            url_name=url_name("detail"),
            summary=summary("detail"),
        )
        def detail(request: HttpRequest, petition_id: str = petition_id) -> Any:
            return self.access(request.user, petition_id)

        @router.post(
            f"{one}/{self.endorsements}",
            response={200: self.endorsement_out, 201: self.endorsement_out, **ERRORS},
            auth=AUTH,
            operation_id=operation_id(self.endorse_verb),
            url_name=url_name(self.endorse_verb),
            summary=summary(self.endorse_verb),
            description=self.endorse_doc,
        )
        def endorse(request: HttpRequest, petition_id: str = petition_id) -> Any:
            return endorse_answer(request, self.access(request.user, petition_id), self.rules)

        @router.post(
            f"{one}/answer",
            response={200: self.out, **ERRORS},
            auth=AUTH,
            operation_id=operation_id("answer"),
            url_name=url_name("answer"),
            summary=summary("answer"),
            description=inspect.getdoc(self.answer),
        )
        def answer(request: HttpRequest, payload: self.answer_in, petition_id: str = petition_id) -> Any:  # type: ignore[name-defined]
            petition = self.access_to_answer(request.user, petition_id)
            rate_limit_request("write", request)
            return self.answer(signed_in(request), petition, payload)
