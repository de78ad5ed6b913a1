"""POST /api/v1/auth/token: a token for good credentials, one error shape for everything else."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from veche.accounts.models import ApiToken, User
from veche.accounts.tests.helpers import assert_api_error, post_json, wait_for_fresh_window
from veche.core.ratelimit import limit_for
from veche.core.testing import PASSWORD

TOKEN = "/api/v1/auth/token"


@pytest.mark.parametrize("identifier", ["resident", "Resident@Example.org"])
def test_good_credentials_get_a_working_token(client: Client, resident: User, identifier: str) -> None:
    response = post_json(client, TOKEN, {"username": identifier, "password": PASSWORD})

    assert response.status_code == 200
    secret = response.json()["token"]
    assert ApiToken.objects.filter(user=resident).count() == 1
    me = Client().get("/api/v1/me", headers={"authorization": f"Bearer {secret}"})
    assert me.status_code == 200
    assert me.json()["username"] == "resident"


@pytest.mark.parametrize(
    "payload",
    [
        {"username": "resident", "password": "wrong"},
        {"username": "nobody", "password": PASSWORD},
        {"username": "nobody@example.org", "password": PASSWORD},
    ],
)
def test_bad_credentials_are_refused(client: Client, resident: User, payload: dict[str, str]) -> None:
    response = post_json(client, TOKEN, payload)

    assert_api_error(response, 400, "invalid_credentials", fields=set())
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize(
    ("language", "message"),
    [(None, "Сначала подтвердите адрес электронной почты"), ("en", "Confirm your e-mail address first")],
)
def test_an_unconfirmed_account_gets_no_token(
    make_user: Callable[..., User], language: str | None, message: str
) -> None:
    make_user("newcomer", confirmed=False)
    client = Client(headers={"accept-language": language} if language else {})

    response = post_json(client, TOKEN, {"username": "newcomer", "password": PASSWORD})

    # The code is for scripts; the message is in the caller's language (the site's, Russian, by default).
    error = assert_api_error(response, 400, "email_not_confirmed")
    assert message in error["message"]
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        ({"username": 1, "password": PASSWORD}, {"username"}),
        ({"username": "resident", "password": ["x"]}, {"password"}),
        ({"username": None, "password": {"a": 1}}, {"username", "password"}),
        ({"password": PASSWORD}, {"username"}),
        ({"username": "resident"}, {"password"}),
        ({}, {"username", "password"}),
        ({"username": "", "password": ""}, {"username", "password"}),
        ({"username": "r" * 10_000, "password": PASSWORD}, {"username"}),
        ({"username": "resident", "password": "p" * 10_000}, {"password"}),
    ],
)
def test_invalid_payloads_name_their_fields(
    client: Client, resident: User, payload: dict[str, Any], fields: set[str]
) -> None:
    response = post_json(client, TOKEN, payload)

    assert_api_error(response, 422, "validation_error", fields=fields)
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("body", ['{"username": "resident", "password": ', "not json", "[1, 2"])
def test_a_body_that_is_not_json_gets_the_same_error_shape(client: Client, resident: User, body: str) -> None:
    response = post_json(client, TOKEN, body)

    assert_api_error(response, 400)
    assert not ApiToken.objects.exists()


def test_the_eleventh_attempt_answers_429_with_retry_after(client: Client, resident: User) -> None:
    limit = limit_for("token")
    wait_for_fresh_window(limit.seconds)

    for _ in range(limit.count):
        assert post_json(client, TOKEN, {"username": "resident", "password": "wrong"}).status_code == 400
    response = post_json(client, TOKEN, {"username": "resident", "password": PASSWORD})

    assert_api_error(response, 429, "rate_limited")
    assert 0 < int(response["Retry-After"]) <= limit.seconds
    assert not ApiToken.objects.exists()
