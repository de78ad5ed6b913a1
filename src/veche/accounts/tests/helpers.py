"""Helpers shared by the accounts and API test suites."""

import json
import re
import time
from typing import Any

from django.core.mail import EmailMessage
from django.http import HttpResponse
from django.test import Client

from veche.core.testing import PASSWORD

LINK = re.compile(r"https?://[^/\s]+(/\S*)")


def paths_in(letter: EmailMessage) -> list[str]:
    """The paths of every link in a letter's body."""
    return LINK.findall(str(letter.body))


def path_in(letter: EmailMessage, start: str) -> str:
    """The one link in `letter` whose path starts with `start`."""
    found = [p for p in paths_in(letter) if p.startswith(start)]
    assert len(found) == 1, f"expected one {start} link in: {letter.body!r}"
    return found[0]


def wait_for_fresh_window(seconds: int, margin: int = 15) -> None:
    """Sleep past a fixed rate-limit window's end if it is near, so all hits land in one window."""
    left = seconds - int(time.time()) % seconds
    if left < margin:
        time.sleep(left + 1)


def post_json(client: Client, path: str, data: Any, **extra: Any) -> HttpResponse:
    body = data if isinstance(data, str | bytes) else json.dumps(data)
    return client.post(path, data=body, content_type="application/json", **extra)


def assert_api_error(
    response: HttpResponse, status: int, code: str | None = None, fields: set[str] | None = None
) -> dict[str, Any]:
    """The API's one error shape: {"error": {"code", "message", "fields": {name: [messages]}}}."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"code", "message", "fields"}
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["fields"], dict)
    for name, messages in error["fields"].items():
        assert isinstance(name, str) and name
        assert messages and all(isinstance(m, str) and m for m in messages)
    if code is not None:
        assert error["code"] == code
    if fields is not None:
        assert set(error["fields"]) == fields
    return error


def logged_in_user_id(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


def signup_form(**changes: str | None) -> dict[str, str]:
    """What a newcomer types into the sign-up form, ticking consent; a change to None leaves a field out."""
    data: dict[str, str | None] = {
        "username": "ivan",
        "email": "ivan@example.org",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "consent": "on",
        **changes,
    }
    return {name: value for name, value in data.items() if value is not None}
