"""The authorization matrix: every URL of the project, every role, the status each must get.

`ROUTES` lists every route of the project, by its full URL name ("accounts:login", "staff_list",
"api:municipality_list") or, for an unnamed one, its pattern; the Django admin is one entry,
"admin". A key "name#variant" adds another case for the same route (a hidden comment, another
municipality's object, a POST to a page that is also shown with GET). A route that the table
does not list fails `test_every_route_is_in_the_matrix`, so no route can be added without deciding
who may use it.

Columns, in order: anonymous, resident (registered), verified resident, moderator, official,
municipal admin, admin of another municipality, platform admin. `LOGIN` is a redirect to the
login page (login_required), `ADMIN_LOGIN` one to the admin's login page. Private and staff
objects answer 404 to those who may not see them, never 403, so nobody can probe for them.

A POST that is refused must change nothing; one that is allowed must change what it says it does.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, path, reverse
from django.urls.resolvers import RegexPattern
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from conftest import PASSWORD, build_municipality
from veche.accounts.models import ApiToken, User, Verification
from veche.accounts.services import api_token_create, email_confirmation_token
from veche.comments.models import Comment
from veche.comments.services import comment_create
from veche.moderation.models import Flag
from veche.municipalities.models import District, Membership, Municipality
from veche.notifications.models import Notification
from veche.notifications.services import notify

ROLES = (
    "anonymous",
    "resident",
    "verified",
    "moderator",
    "official",
    "municipal_admin",
    "other_admin",
    "platform_admin",
)

HIDDEN_TEXT = "A hidden comment 7f3a"

LOGIN = "login"  # 302 to the site's login page, with ?next=
ADMIN_LOGIN = "admin_login"  # 302 to the Django admin's login page
DENIED = {LOGIN, ADMIN_LOGIN, 401, 403, 404, 405, 409}


def every(status: Any) -> tuple[Any, ...]:
    return (status,) * len(ROLES)


def signed_in(status: Any) -> tuple[Any, ...]:
    """Anonymous visitors are sent to log in; every signed-in role gets `status`."""
    return (LOGIN,) + (status,) * (len(ROLES) - 1)


def api_signed_in(status: Any) -> tuple[Any, ...]:
    return (401,) + (status,) * (len(ROLES) - 1)


@dataclass(frozen=True)
class Case:
    url: str  # with {placeholders} filled from the World
    statuses: tuple[Any, ...]  # one per role, in the order of ROLES
    method: str = "GET"
    api: bool = False  # API routes authenticate with a bearer token
    # "token" (API: a bearer token; pages: the session), or "session-no-csrf": the browser's
    # session cookie on an API write without the CSRF token, as a cross-site form would send it.
    auth: str = "token"
    data: dict[str, Any] = field(default_factory=dict)  # form fields, or the JSON body for the API
    # What the request may change: a POST that is refused must leave it as it was; one that is
    # allowed must change it (changes=True) or must not (changes=False).
    state: Callable[[World], Any] | None = None
    changes: bool = True
    # Text that only some roles may see in the answer (a hidden comment), and who may.
    needle: str = ""
    sees: tuple[bool, ...] = ()

    def __post_init__(self) -> None:
        assert len(self.statuses) == len(ROLES)
        assert self.method == "GET" or self.state is not None, "a POST must say what it changes"
        assert not self.needle or len(self.sees) == len(ROLES)


@dataclass
class World:
    municipality: Municipality
    other_municipality: Municipality
    inactive: Municipality
    users: dict[str, User | None]
    author: User
    comment: Comment
    hidden: Comment
    foreign_comment: Comment
    district: District
    spare_district: District
    foreign_district: District
    resident_token: ApiToken
    newcomer: User
    values: dict[str, Any]


def _unread() -> int:
    return Notification.objects.filter(read_at__isnull=True).count()


def _comments() -> int:
    return Comment.objects.count()


def _flags() -> int:
    return Flag.objects.count()


def _tokens() -> int:
    return ApiToken.objects.count()


def _read_at(w: World) -> Any:
    return Notification.objects.get(pk=w.values["author_notice"]).read_at


def _hidden(w: World) -> bool:
    return Comment.objects.get(pk=w.comment.pk).hidden_at is not None


ROUTES: dict[str, Case] = {
    # Public pages.
    "home": Case("/", every(200)),
    "healthz": Case("/healthz", every(200)),
    # Allowed to everyone and changing nothing stored: the state is the language cookie's absence.
    "set_language": Case(
        "/i18n/setlang/", every(302), "POST", data={"language": "en", "next": "/"},
        state=lambda w: None, changes=False,
    ),
    "municipality": Case("/m/{slug}/", every(200)),
    "municipality#hidden-comment": Case(
        "/m/{slug}/", every(200), needle=HIDDEN_TEXT, sees=(False, False, False, True, False, True, False, True)
    ),
    "municipality#inactive": Case("/m/{inactive}/", every(404)[:-1] + (200,)),
    "comments:detail": Case("/m/{slug}/comments/{comment}/", every(200)),
    # A hidden comment: its author and the municipality's moderators only.
    "comments:detail#hidden": Case(
        "/m/{slug}/comments/{hidden}/", (404, 404, 404, 200, 404, 200, 404, 200)
    ),
    "comments:detail#other-municipality": Case("/m/{slug}/comments/{foreign_comment}/", every(404)),
    # Accounts.
    "accounts:signup": Case("/accounts/signup/", every(200)),
    "accounts:signup_done": Case("/accounts/signup/done/", every(200)),
    "accounts:confirm_resend": Case("/accounts/confirm/resend/", every(200)),
    "accounts:confirm": Case("/accounts/confirm/{confirm_token}/", every(302)),
    "accounts:login": Case("/accounts/login/", every(200)),
    "accounts:logout": Case("/accounts/logout/", every(302), "POST", state=lambda w: None, changes=False),
    "accounts:profile": Case("/accounts/profile/", signed_in(200)),
    "accounts:token_create": Case(
        "/accounts/tokens/", signed_in(302), "POST", data={"name": "matrix"}, state=lambda w: _tokens()
    ),
    # Someone's own API token: only its owner (the resident) may revoke it.
    "accounts:token_revoke": Case(
        "/accounts/tokens/{resident_token}/revoke/",
        (LOGIN, 302, 404, 404, 404, 404, 404, 404),
        "POST",
        state=lambda w: ApiToken.objects.filter(pk=w.resident_token.pk).exists(),
    ),
    "accounts:delete": Case("/accounts/delete/", signed_in(200)),
    "accounts:verify": Case("/accounts/verify/{slug}/", signed_in(200)),
    "accounts:verify#inactive": Case("/accounts/verify/{inactive}/", (LOGIN,) + every(404)[2:] + (200,)),
    "accounts:password_reset": Case("/accounts/password-reset/", every(200)),
    "accounts:password_reset_done": Case("/accounts/password-reset/sent/", every(200)),
    "accounts:password_reset_confirm": Case("/accounts/password-reset/{uidb64}/{reset_token}/", every(302)),
    "accounts:password_reset_complete": Case("/accounts/password-reset/complete/", every(200)),
    # Notifications.
    "notifications": Case("/notifications/", signed_in(200)),
    "notifications_read": Case(
        "/notifications/read/", signed_in(302), "POST", state=lambda w: _unread()
    ),
    # Someone else's notice, by id: nobody but its recipient marks it read.
    "notifications_read#someone-elses": Case(
        "/notifications/read/", signed_in(302), "POST", data={"id": "{author_notice}"},
        state=_read_at, changes=False,
    ),
    # Flagging.
    "flag": Case("/flag/comments.comment/{comment}/", signed_in(200)),
    "flag#post": Case(
        "/flag/comments.comment/{comment}/", signed_in(302), "POST", data={"reason": "spam"},
        state=lambda w: _flags(),
    ),
    "flag#hidden": Case(
        "/flag/comments.comment/{hidden}/", (LOGIN, 404, 404, 200, 404, 200, 404, 200)
    ),
    "flag#not-flaggable": Case("/flag/accounts.user/{resident_id}/", signed_in(404)),
    "flag#inactive-municipality": Case("/flag/comments.comment/{inactive_comment}/", signed_in(404)),
    # Comments.
    "comments:create": Case(
        "/m/{slug}/comments/", signed_in(302), "POST", data={"body": "From the matrix"},
        state=lambda w: _comments(),
    ),
    # The staff area.
    "staff_home": Case("/m/{slug}/staff/", (LOGIN, 404, 404, 200, 200, 200, 404, 200)),
    "moderation_queue": Case("/m/{slug}/staff/moderation/", (LOGIN, 404, 404, 200, 404, 200, 404, 200)),
    "moderation_decide": Case(
        "/m/{slug}/staff/moderation/comments.comment/{comment}/hide/",
        (LOGIN, 404, 404, 302, 404, 302, 404, 302),
        "POST",
        data={"reason": "spam"},
        state=_hidden,
    ),
    # Another municipality's comment through this municipality's staff area.
    "moderation_decide#other-municipality": Case(
        "/m/{slug}/staff/moderation/comments.comment/{foreign_comment}/hide/",
        signed_in(404),
        "POST",
        data={"reason": "spam"},
        state=lambda w: Comment.objects.get(pk=w.foreign_comment.pk).hidden_at,
    ),
    "staff_verify": Case("/m/{slug}/staff/verify/", (LOGIN, 404, 404, 404, 200, 200, 404, 200)),
    "staff_verify#post": Case(
        "/m/{slug}/staff/verify/",
        (LOGIN, 404, 404, 404, 302, 302, 404, 302),
        "POST",
        data={"username": "resident", "district": "{district}", "documents_seen": "on"},
        state=lambda w: Verification.objects.filter(user__username="resident").count(),
    ),
    "staff_audit": Case("/m/{slug}/staff/audit/", (LOGIN, 404, 404, 404, 404, 200, 404, 200)),
    "staff_list": Case("/m/{slug}/staff/districts/", (LOGIN, 404, 404, 404, 404, 200, 404, 200)),
    "staff_list#staff": Case("/m/{slug}/staff/staff/", (LOGIN, 404, 404, 404, 404, 200, 404, 200)),
    "staff_list#unknown-kind": Case("/m/{slug}/staff/nonsense/", signed_in(404)),
    "staff_new": Case("/m/{slug}/staff/districts/new/", (LOGIN, 404, 404, 404, 404, 200, 404, 200)),
    # Granting a staff role: the one way up, for municipal and platform admins only.
    "staff_new#grant-role": Case(
        "/m/{slug}/staff/staff/new/",
        (LOGIN, 404, 404, 404, 404, 302, 404, 302),
        "POST",
        data={"username": "resident", "role": "moderator"},
        state=lambda w: Membership.objects.filter(user__username="resident").count(),
    ),
    "staff_edit": Case(
        "/m/{slug}/staff/districts/{district}/", (LOGIN, 404, 404, 404, 404, 200, 404, 200)
    ),
    "staff_edit#post": Case(
        "/m/{slug}/staff/districts/{district}/",
        (LOGIN, 404, 404, 404, 404, 302, 404, 302),
        "POST",
        data={"name": "Переименованный", "name_en": "Renamed", "slug": "renamed", "polygon": ""},
        state=lambda w: District.objects.get(pk=w.district.pk).name,
    ),
    # Another municipality's district through this municipality's staff area.
    "staff_edit#other-municipality": Case("/m/{slug}/staff/districts/{foreign_district}/", signed_in(404)),
    "staff_edit#other-municipality-post": Case(
        "/m/{slug}/staff/districts/{foreign_district}/",
        signed_in(404),
        "POST",
        data={"name": "Захвачен", "name_en": "Taken", "slug": "taken", "polygon": ""},
        state=lambda w: District.objects.get(pk=w.foreign_district.pk).name,
    ),
    "staff_delete": Case(
        "/m/{slug}/staff/districts/{spare_district}/delete/",
        (LOGIN, 404, 404, 404, 404, 302, 404, 302),
        "POST",
        state=lambda w: District.objects.filter(pk=w.spare_district.pk).exists(),
    ),
    "staff_delete#other-municipality": Case(
        "/m/{slug}/staff/districts/{foreign_district}/delete/",
        signed_in(404),
        "POST",
        state=lambda w: District.objects.filter(pk=w.foreign_district.pk).exists(),
    ),
    # The JSON API.
    "api:api-root": Case("/api/v1/", every(404), api=True),
    "api:openapi-json": Case("/api/v1/openapi.json", every(200), api=True),
    "api:openapi-view": Case("/api/v1/docs", every(200), api=True),
    "api:token_create": Case(
        "/api/v1/auth/token", every(200), "POST", api=True,
        data={"username": "resident", "password": PASSWORD}, state=lambda w: _tokens(),
    ),
    "api:me": Case("/api/v1/me", api_signed_in(200), api=True),
    "api:municipality_list": Case("/api/v1/municipalities", every(200), api=True),
    "api:municipality_detail": Case("/api/v1/municipalities/{slug}", every(200), api=True),
    "api:municipality_detail#inactive": Case(
        "/api/v1/municipalities/{inactive}", every(404)[:-1] + (200,), api=True
    ),
    "api:comment_list": Case("/api/v1/municipalities/{slug}/comments", every(200), api=True),
    "api:comment_list#hidden-comment": Case(
        "/api/v1/municipalities/{slug}/comments", every(200), api=True,
        needle=HIDDEN_TEXT, sees=(False, False, False, True, False, True, False, True),
    ),
    "api:comment_list#inactive": Case(
        "/api/v1/municipalities/{inactive}/comments", every(404)[:-1] + (200,), api=True
    ),
    "api:comment_post": Case(
        "/api/v1/municipalities/{slug}/comments", api_signed_in(201), "POST", api=True,
        data={"body": "From the API"}, state=lambda w: _comments(),
    ),
    "api:comment_post#inactive": Case(
        "/api/v1/municipalities/{inactive}/comments", (401,) + every(404)[2:] + (201,), "POST", api=True,
        data={"body": "Into a closed municipality"}, state=lambda w: _comments(),
    ),
    # The session cookie alone, without the CSRF token, must not write through the API.
    "api:comment_post#session-without-csrf": Case(
        "/api/v1/municipalities/{slug}/comments", api_signed_in(403), "POST", api=True,
        auth="session-no-csrf", data={"body": "Cross-site"}, state=lambda w: _comments(),
    ),
    "api:flag_post": Case(
        "/api/v1/flags", api_signed_in(201), "POST", api=True,
        data={"content": "comments.comment", "id": "{comment}", "reason": "spam"}, state=lambda w: _flags(),
    ),
    # A hidden comment: invisible (404) to all but moderators, who cannot flag it (409).
    "api:flag_post#hidden": Case(
        "/api/v1/flags", (401, 404, 404, 409, 404, 409, 404, 409), "POST", api=True,
        data={"content": "comments.comment", "id": "{hidden}", "reason": "spam"}, state=lambda w: _flags(),
    ),
    "api:flag_post#not-flaggable": Case(
        "/api/v1/flags", api_signed_in(404), "POST", api=True,
        data={"content": "accounts.user", "id": "{resident_id}", "reason": "spam"}, state=lambda w: _flags(),
    ),
    "api:queue": Case(
        "/api/v1/municipalities/{slug}/moderation/queue", (401, 404, 404, 200, 404, 200, 404, 200), api=True
    ),
    "api:decide": Case(
        "/api/v1/moderation/comments.comment/{comment}/hide", (401, 404, 404, 200, 404, 200, 404, 200),
        "POST", api=True, data={"reason": "spam"}, state=_hidden,
    ),
    "api:decide#other-municipality": Case(
        "/api/v1/moderation/comments.comment/{foreign_comment}/hide",
        (401, 404, 404, 404, 404, 404, 200, 200),
        "POST", api=True, data={"reason": "spam"},
        state=lambda w: Comment.objects.get(pk=w.foreign_comment.pk).hidden_at is not None,
    ),
    "api:notification_list": Case("/api/v1/notifications", api_signed_in(200), api=True),
    "api:mark_read": Case(
        "/api/v1/notifications/read", api_signed_in(200), "POST", api=True, state=lambda w: _unread()
    ),
    "api:mark_read#someone-elses": Case(
        "/api/v1/notifications/read", api_signed_in(200), "POST", api=True,
        data={"ids": ["{author_notice}"]}, state=_read_at, changes=False,
    ),
    # Django admin: platform admins only; one entry for the whole namespace.
    "admin": Case("/admin/", every(ADMIN_LOGIN)[:-1] + (200,)),
}


# Walking the URL configuration.


def route_keys(resolver: URLResolver) -> Iterator[tuple[str, str]]:
    """(matrix key, pattern) of every URL pattern under `resolver`, however deeply included."""

    def walk(node: URLResolver, prefix: str, namespace: str) -> Iterator[tuple[str, str]]:
        for entry in node.url_patterns:
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                yield from walk(entry, prefix + str(entry.pattern), inner)
            else:
                assert isinstance(entry, URLPattern)
                pattern = prefix + str(entry.pattern)
                if namespace.split(":", 1)[0] == "admin":
                    yield "admin", pattern
                elif entry.name:
                    yield namespace + entry.name, pattern
                else:
                    yield pattern, pattern

    yield from walk(resolver, "", "")


def unlisted(resolver: URLResolver) -> dict[str, str]:
    listed = {key.split("#", 1)[0] for key in ROUTES}
    return {key: pattern for key, pattern in route_keys(resolver) if key not in listed}


def test_every_route_is_in_the_matrix() -> None:
    missing = unlisted(get_resolver())
    assert not missing, f"routes without a row in ROUTES (decide who may use them): {missing}"


def test_the_matrix_lists_no_route_that_is_gone() -> None:
    existing = {key for key, _pattern in route_keys(get_resolver())}
    stale = sorted({key.split("#", 1)[0] for key in ROUTES} - existing)
    assert not stale, f"ROUTES lists routes the project no longer has: {stale}"


def test_an_added_route_is_noticed() -> None:
    """The walk finds a route however deeply it is included, named or not."""

    def view(request: Any) -> None:  # pragma: no cover - never called
        return None

    inner = URLResolver(RegexPattern(r"^deep/"), [path("new/", view, name="brand_new"), path("x/", view)])
    nested = URLResolver(RegexPattern(r"^"), [inner, *get_resolver().url_patterns])
    already = unlisted(get_resolver())
    added = {key: pattern for key, pattern in unlisted(nested).items() if key not in already}
    assert added == {"brand_new": "^deep/new/", "^deep/x/": "^deep/x/"}


# The world every cell is checked in.


@pytest.fixture
def other_admin(make_user: Callable[..., User], other_municipality: Municipality) -> User:
    return make_user("otheradmin", role=Membership.Role.ADMIN, municipality=other_municipality)


@pytest.fixture
def world(
    municipality: Municipality,
    other_municipality: Municipality,
    make_user: Callable[..., User],
    resident: User,
    verified_resident: User,
    moderator: User,
    official: User,
    municipal_admin: User,
    other_admin: User,
    platform_admin: User,
) -> World:
    inactive = build_municipality("zakryt", "Закрытый", "Closedtown")
    author = make_user("author", verified_in=municipality)
    comment = comment_create(author=author, municipality=municipality, target=municipality, body="Visible")
    hidden = comment_create(author=author, municipality=municipality, target=municipality, body=HIDDEN_TEXT)
    Comment.objects.filter(pk=hidden.pk).update(
        hidden_at=timezone.now(), hidden_reason="spam", hidden_by=municipal_admin
    )
    foreign_comment = comment_create(
        author=author, municipality=other_municipality, target=other_municipality, body="Elsewhere"
    )
    inactive_comment = comment_create(author=author, municipality=inactive, target=inactive, body="Closed")
    Municipality.objects.filter(pk=inactive.pk).update(is_active=False)
    spare = District.objects.create(municipality=municipality, name="Запасной", name_en="Spare", slug="spare")
    token, _secret = api_token_create(user=resident, name="private")
    newcomer = make_user("newcomer", confirmed=False)
    users: dict[str, User | None] = {
        "anonymous": None,
        "resident": resident,
        "verified": verified_resident,
        "moderator": moderator,
        "official": official,
        "municipal_admin": municipal_admin,
        "other_admin": other_admin,
        "platform_admin": platform_admin,
    }
    notify(recipients=[u for u in users.values() if u is not None], kind="test", title="Unread")
    [author_notice] = notify(recipients=[author], kind="test", title="The author's own")
    district = municipality.districts.get(slug="d1")
    world = World(
        municipality=municipality,
        other_municipality=other_municipality,
        inactive=inactive,
        users=users,
        author=author,
        comment=comment,
        hidden=hidden,
        foreign_comment=foreign_comment,
        district=district,
        spare_district=spare,
        foreign_district=other_municipality.districts.get(slug="d1"),
        resident_token=token,
        newcomer=newcomer,
        values={},
    )
    world.values = {
        "slug": municipality.slug,
        "inactive": inactive.slug,
        "comment": comment.pk,
        "hidden": hidden.pk,
        "foreign_comment": foreign_comment.pk,
        "inactive_comment": inactive_comment.pk,
        "district": district.pk,
        "spare_district": spare.pk,
        "foreign_district": world.foreign_district.pk,
        "resident_token": token.pk,
        "resident_id": resident.pk,
        "author_notice": author_notice.pk,
        "confirm_token": email_confirmation_token(newcomer),
        "uidb64": urlsafe_base64_encode(force_bytes(author.pk)),
        "reset_token": default_token_generator.make_token(author),
    }
    return world


def _fill(value: Any, values: dict[str, Any]) -> Any:
    if isinstance(value, list):
        return [_fill(item, values) for item in value]
    if isinstance(value, str):
        whole = re.fullmatch(r"\{(\w+)\}", value)
        return values[whole.group(1)] if whole else value.format(**values)
    return value


def _client(case: Case, user: User | None) -> Client:
    if user is None:
        return Client()
    if case.auth == "session-no-csrf":
        client = Client(enforce_csrf_checks=True)
        client.force_login(user)
        return client
    if case.api:
        _token, secret = api_token_create(user=user, name="matrix")
        return Client(headers={"authorization": f"Bearer {secret}"})
    client = Client()
    client.force_login(user)
    return client


def _request(client: Client, case: Case, url: str, data: dict[str, Any]) -> Any:
    if case.method == "GET":
        return client.get(url)
    if case.api:
        return client.post(url, data=data, content_type="application/json")
    return client.post(url, data=data)


# Cells that fail because of a bug in the application, each with the bug it shows.
MUNICIPALITY_DETAIL_500 = (
    "bug: GET /api/v1/municipalities/{slug} answers 500 for everyone: municipality_detail returns a "
    "dict, and MunicipalityOut.resolve_url reads obj.slug, which a dict lacks, so `url` is 'missing'"
)
BUGS: dict[tuple[str, str], str] = {
    **{("api:municipality_detail", role): MUNICIPALITY_DETAIL_500 for role in ROLES},
    ("api:municipality_detail#inactive", "platform_admin"): MUNICIPALITY_DETAIL_500,
}


def _cell(key: str, role: str) -> Any:
    bug = BUGS.get((key, role))
    marks = [pytest.mark.xfail(strict=True, reason=bug)] if bug else []
    return pytest.param(key, role, id=f"{key}-{role}", marks=marks)


CELLS = [_cell(key, role) for key in ROUTES for role in ROLES]


@pytest.mark.parametrize(("key", "role"), CELLS)
def test_cell(world: World, key: str, role: str) -> None:
    case = ROUTES[key]
    expected = case.statuses[ROLES.index(role)]
    url = case.url.format(**world.values)
    data = {name: _fill(value, world.values) for name, value in case.data.items()}
    client = _client(case, world.users[role])
    before = case.state(world) if case.state else None

    response = _request(client, case, url, data)

    if expected == LOGIN:
        assert response.status_code == 302, f"{case.method} {url} as {role}: {response.status_code}"
        login = reverse("accounts:login")
        assert response["Location"].startswith(f"{login}?next="), response["Location"]
    elif expected == ADMIN_LOGIN:
        assert response.status_code == 302, f"{case.method} {url} as {role}: {response.status_code}"
        assert response["Location"].startswith(reverse("admin:login")), response["Location"]
    else:
        assert response.status_code == expected, (
            f"{case.method} {url} as {role}: expected {expected}, got {response.status_code}"
        )
        if expected == 302 and case.method == "POST":
            assert not response["Location"].startswith(reverse("accounts:login"))
    if case.api and response.status_code in {401, 404, 409}:
        body = response.json()
        code = {401: "unauthorized", 404: "not_found"}.get(response.status_code)
        assert code is None or body["error"]["code"] == code, body
    if case.needle:
        shown = case.needle in response.content.decode()
        assert shown == case.sees[ROLES.index(role)], f"{url} as {role}: {case.needle!r} shown={shown}"
    if case.state is not None:
        after = case.state(world)
        if expected in DENIED or not case.changes:
            assert after == before, f"{case.method} {url} as {role} changed {before!r} to {after!r}"
        else:
            assert after != before, f"an allowed {case.method} {url} as {role} changed nothing ({before!r})"
