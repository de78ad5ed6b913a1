"""API of accounts: personal tokens and the caller's own profile."""

from datetime import datetime
from typing import Any

from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from veche.accounts.activity import Item, activity_of
from veche.accounts.services import api_token_create
from veche.api.pagination import ListPagination
from veche.api.schemas import ERRORS
from veche.api.security import AUTH
from veche.core.errors import DomainError
from veche.core.http import signed_in
from veche.core.ratelimit import client_ip, rate_limit

router = Router(tags=["accounts"])


class TokenIn(Schema):
    username: str = Field(min_length=1, max_length=254)
    password: str = Field(min_length=1, max_length=128)


class TokenOut(Schema):
    token: str


class MembershipOut(Schema):
    municipality: str
    role: str
    department: str | None


class VerificationOut(Schema):
    municipality: str
    district: str | None
    provider: str


class MeOut(Schema):
    username: str
    display_name: str
    email: str
    language: str
    email_confirmed: bool
    roles: list[MembershipOut]
    verifications: list[VerificationOut]


class ActivityOut(Schema):
    kind: str = Field(description='"report", "signature", "support", "vote" or "ballot"')
    what: str = Field(description="What it was, in the reader's language")
    status: str = Field(description="A report's status now, in words; empty for the others")
    url: str = Field(description="The page of the report, appeal, initiative, poll or budget process")
    at: datetime
    receipt: str | None = Field(description="The hash of its ledger entry; none for reports")
    check_url: str | None = Field(description="Where the receipt is checked")

    @staticmethod
    def resolve_what(obj: Item) -> str:
        return str(obj.what)

    @staticmethod
    def resolve_status(obj: Item) -> str:
        return str(obj.status)

    @staticmethod
    def resolve_receipt(obj: Item) -> str | None:
        return obj.receipt or None

    @staticmethod
    def resolve_check_url(obj: Item) -> str | None:
        return f"{reverse('ledger:check')}?receipt={obj.receipt}" if obj.receipt else None


@router.post("/auth/token", response={200: TokenOut, **ERRORS}, auth=None)
def token_create(request: HttpRequest, payload: TokenIn) -> TokenOut:
    """Exchange a username (or e-mail) and password for a personal API token."""
    rate_limit("token", f"ip:{client_ip(request)}")
    rate_limit("token", f"name:{payload.username.lower()}")
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None:
        raise DomainError(_("The username or password is not right."), code="invalid_credentials")
    if not user.email_confirmed_at:
        raise DomainError(_("Confirm your e-mail address first."), code="email_not_confirmed")
    _token, secret = api_token_create(user=user, name=_("API token"))
    return TokenOut(token=secret)


@router.get("/me", response={200: MeOut, **ERRORS}, auth=AUTH)
def me(request: HttpRequest) -> MeOut:
    user = signed_in(request)
    return MeOut(
        username=user.username,
        display_name=user.display_name,
        email=user.email,
        language=user.language,
        email_confirmed=user.email_confirmed,
        roles=[
            MembershipOut(
                municipality=m.municipality.slug,
                role=m.role,
                department=m.department.name if m.department else None,
            )
            for m in user.memberships.select_related("municipality", "department")
        ],
        verifications=[
            VerificationOut(
                municipality=v.municipality.slug,
                district=v.district.slug if v.district else None,
                provider=v.provider,
            )
            for v in user.verifications.select_related("municipality", "district")
        ],
    )


@router.get("/me/activity", response={200: list[ActivityOut], **ERRORS}, auth=AUTH)
@paginate(ListPagination)
def my_activity(request: HttpRequest) -> Any:
    """Your reports, signatures, supports, votes and ballots, newest first, with their receipts."""
    return activity_of(signed_in(request))
