"""Logging in and out through the pages, and the limit on failed attempts."""

from collections.abc import Callable

import pytest
from django.conf import settings
from django.test import Client

from veche.accounts.models import User
from veche.accounts.tests.helpers import logged_in_user_id, wait_for_fresh_window
from veche.core.ratelimit import limit_for
from veche.core.testing import PASSWORD

LOGIN = "/accounts/login/"


@pytest.mark.parametrize("identifier", ["resident", "resident@example.org", "RESIDENT@Example.ORG"])
def test_login_with_username_or_email(client: Client, resident: User, identifier: str) -> None:
    response = client.post(LOGIN, {"username": identifier, "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert logged_in_user_id(client) == str(resident.pk)


@pytest.mark.parametrize(
    ("identifier", "password"),
    [
        ("resident", PASSWORD + "x"),
        ("resident@example.org", "wrong"),
        ("nobody", PASSWORD),
        ("nobody@example.org", PASSWORD),
        ("Resident", PASSWORD),  # usernames are exact
    ],
)
def test_wrong_credentials_get_one_message(
    client: Client, resident: User, identifier: str, password: str
) -> None:
    response = client.post(LOGIN, {"username": identifier, "password": password})

    assert response.status_code == 400
    assert "Неверное имя пользователя или пароль." in response.content.decode()
    assert logged_in_user_id(client) is None


def test_a_username_with_an_at_sign_can_log_in(client: Client, make_user: Callable[..., User]) -> None:
    # Usernames may contain "@" (the sign-up form says so); such a name is not an e-mail address.
    user = make_user("ivan@home")
    User.objects.filter(pk=user.pk).update(email="ivan@example.org")

    response = client.post(LOGIN, {"username": "ivan@home", "password": PASSWORD})

    assert response.status_code == 302
    assert logged_in_user_id(client) == str(user.pk)


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/m/testgrad/", "/m/testgrad/"),
        ("https://evil.example/", "/"),
        ("//evil.example/path", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_login_follows_only_local_next_urls(
    client: Client, resident: User, next_url: str, expected: str
) -> None:
    response = client.post(LOGIN, {"username": "resident", "password": PASSWORD, "next": next_url})

    assert response.status_code == 302
    assert response["Location"] == expected


def test_logout_needs_post_and_ends_the_session(
    client_for: Callable[[User | None], Client], resident: User
) -> None:
    client = client_for(resident)

    assert client.get("/accounts/logout/").status_code == 405
    assert logged_in_user_id(client) == str(resident.pk)
    assert client.post("/accounts/logout/").status_code == 302
    assert logged_in_user_id(client) is None


def test_the_eleventh_failed_login_in_a_window_answers_429(client: Client, resident: User) -> None:
    limit = limit_for("login")
    assert settings.RATE_LIMITS["login"] == "10/300"
    wait_for_fresh_window(limit.seconds)

    for _ in range(limit.count):
        response = client.post(LOGIN, {"username": "resident", "password": "wrong"})
        assert response.status_code == 400
    # Past the limit even the right password is refused until the window ends.
    response = client.post(LOGIN, {"username": "resident", "password": PASSWORD})

    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= limit.seconds
    assert "Слишком много запросов" in response.content.decode()
    assert logged_in_user_id(client) is None


def test_the_limit_counts_per_name_across_addresses(client: Client, resident: User) -> None:
    limit = limit_for("login")
    wait_for_fresh_window(limit.seconds)

    for i in range(limit.count):
        response = client.post(
            LOGIN, {"username": "resident", "password": "wrong"}, REMOTE_ADDR=f"10.0.0.{i + 1}"
        )
        assert response.status_code == 400
    other_name = client.post(LOGIN, {"username": "official", "password": "wrong"}, REMOTE_ADDR="10.0.1.1")
    same_name = client.post(LOGIN, {"username": "resident", "password": "wrong"}, REMOTE_ADDR="10.0.1.2")

    assert other_name.status_code == 400
    assert same_name.status_code == 429
