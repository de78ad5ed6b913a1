"""API of accounts: personal tokens and the caller's own profile."""

from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import Field

from veche.accounts.services import api_token_create
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
