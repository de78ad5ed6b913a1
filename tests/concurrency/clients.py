"""Requests for the race harness: each call builds its own client in its own thread, as a browser tab
or an API client of its own would, and answers what the server said (never raises on a status).

The credentials (an API token, a signed-in session) are made in the test's thread, so that they are
committed before the threads start (`transactional_db`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.test import Client

from veche.accounts.models import User
from veche.accounts.services import api_token_create


@dataclass(frozen=True)
class Answer:
    """What a request got back: its status, whether the Idempotency-Key layer replayed it, its JSON."""

    status: int
    replayed: bool
    body: Any


def api_post(
    user: User, path: str, body: dict[str, Any] | None = None, *, key: str | None = None
) -> Callable[[], Answer]:
    """A POST of `body` (JSON) to the API as `user`, with `key` as its Idempotency-Key if given."""
    _token, secret = api_token_create(user=user, name="race")
    headers = {"authorization": f"Bearer {secret}"}
    if key is not None:
        headers["idempotency-key"] = key

    def send() -> Answer:
        response = Client(headers=headers).post(path, json.dumps(body or {}), content_type="application/json")
        content = response.json() if response.get("Content-Type", "").startswith("application/json") else None
        return Answer(response.status_code, response.has_header("Idempotent-Replayed"), content)

    return send


def page_post(user: User, path: str, data: dict[str, Any] | None = None) -> Callable[[], Answer]:
    """A form's POST to a page, signed in as `user` (one session, as several tabs of one browser)."""
    signed_in = Client()
    signed_in.force_login(user)
    cookies = signed_in.cookies

    def send() -> Answer:
        client = Client()
        client.cookies.load({name: morsel.value for name, morsel in cookies.items()})
        response = client.post(path, data or {})
        return Answer(response.status_code, False, None)

    return send


def statuses(answers: Iterable[Answer]) -> list[int]:
    """The statuses, sorted; what every test asserts on first: no 5xx, whatever else it expects."""
    return sorted(answer.status for answer in answers)


def server_errors(answers: Iterable[Answer]) -> list[int]:
    """The 5xx among the answers ([] when there is none)."""
    return [answer.status for answer in answers if answer.status >= 500]
