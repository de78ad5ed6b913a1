"""Who the API thinks the caller is: a bearer token, or the session with its CSRF token."""

from collections.abc import Callable

import pytest
from django.test import Client

from veche.accounts.models import User
from veche.accounts.services import api_token_revoke
from veche.accounts.tests.helpers import assert_api_error, post_json
from veche.comments.models import Comment
from veche.municipalities.models import Municipality

ME = "/api/v1/me"
COMMENTS = "/api/v1/municipalities/testgrad/comments"


def test_a_bearer_token_signs_in_on_me(api_for: Callable[[User], Client], verified_resident: User) -> None:
    response = api_for(verified_resident).get(ME)

    assert response.status_code == 200
    assert response.json() == {
        "username": "verified",
        "display_name": "",
        "email": "verified@example.org",
        "language": "ru",
        "email_confirmed": True,
        "roles": [],
        "verifications": [{"municipality": "testgrad", "district": "d2", "provider": "in_person"}],
    }


def test_me_lists_staff_roles(api_for: Callable[[User], Client], official: User) -> None:
    response = api_for(official).get(ME)

    assert response.status_code == 200
    assert response.json()["roles"] == [
        {"municipality": "testgrad", "role": "official", "department": "Дороги"}
    ]


@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer nonsense",
        "Bearer 0123abcd.not-a-real-secret",
        "Bearer ",
        "Basic cmVzaWRlbnQ6cGFzcw==",
        "Token abc",
    ],
)
def test_a_bad_authorization_header_gets_401_in_the_error_shape(resident: User, authorization: str) -> None:
    response = Client().get(ME, headers={"authorization": authorization})

    assert_api_error(response, 401, "unauthorized", fields=set())
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_no_credentials_get_401_in_the_error_shape(client: Client) -> None:
    assert_api_error(client.get(ME), 401, "unauthorized", fields=set())


def test_a_revoked_token_gets_401(api_for: Callable[[User], Client], resident: User) -> None:
    api = api_for(resident)
    assert api.get(ME).status_code == 200

    api_token_revoke(user=resident, token_id=resident.api_tokens.get().pk)

    assert_api_error(api.get(ME), 401, "unauthorized")


def test_the_session_signs_in_on_reads(client_for: Callable[[User | None], Client], resident: User) -> None:
    response = client_for(resident).get(ME)

    assert response.status_code == 200
    assert response.json()["username"] == "resident"


@pytest.fixture
def csrf_browser(resident: User, municipality: Municipality) -> Client:
    """A browser signed in by session, with CSRF checks on, that has seen a page (and its CSRF cookie)."""
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(resident)
    assert browser.get("/accounts/profile/").status_code == 200
    return browser


@pytest.mark.parametrize("send_token", [False, True], ids=["without-csrf", "with-csrf"])
def test_a_session_write_needs_the_csrf_token(csrf_browser: Client, send_token: bool) -> None:
    headers = {"x-csrftoken": csrf_browser.cookies["csrftoken"].value} if send_token else {}

    response = post_json(csrf_browser, COMMENTS, {"body": "Hello"}, headers=headers)

    if send_token:
        assert response.status_code == 201
        assert Comment.objects.count() == 1
    else:
        assert_api_error(response, 403, "forbidden")
        assert not Comment.objects.exists()


def test_a_bearer_write_needs_no_csrf_token(resident: User, municipality: Municipality, api_for) -> None:
    api = api_for(resident)
    api.handler.enforce_csrf_checks = True

    response = post_json(api, COMMENTS, {"body": "Hello"})

    assert response.status_code == 201
    assert response.json()["author"] == "resident"


def test_an_unknown_api_path_gets_404_in_the_error_shape(client: Client) -> None:
    assert_api_error(client.get("/api/v1/no-such-thing"), 404, "not_found")


@pytest.mark.parametrize(("method", "path"), [("get", "/api/v1/auth/token"), ("delete", "/api/v1/me")])
def test_a_wrong_method_gets_405_in_the_error_shape(client: Client, method: str, path: str) -> None:
    response = getattr(client, method)(path)

    assert_api_error(response, 405, "method_not_allowed", fields=set())
    assert response["Allow"]
