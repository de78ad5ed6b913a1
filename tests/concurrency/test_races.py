"""The same write from several threads at the very same moment, on the real database.

Each test commits its set-up (`transactional_db`) and runs the write in threads released together,
each on its own database connection (`veche.core.testing.race`). On SQLite a "database is locked"
error is a bug: the settings open write transactions with BEGIN IMMEDIATE and wait up to 20 s for
the lock.
"""

from __future__ import annotations

import contextlib
import threading
import time
from functools import partial
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.test import Client

from veche.accounts.models import User
from veche.accounts.services import api_token_create, user_signup
from veche.comments.models import Comment
from veche.core.errors import Conflict, DomainError
from veche.core.models import IdempotencyRecord, RateLimitCounter
from veche.core.ratelimit import _hit_database
from veche.core.testing import race, unexpected
from veche.moderation.models import Flag
from veche.moderation.services import flag_create
from veche.municipalities.models import Municipality
from veche.notifications.models import Follow
from veche.notifications.services import follow

pytestmark = pytest.mark.usefixtures("transactional_db")


def test_one_person_flagging_one_comment_from_8_threads_makes_one_open_flag(
    resident: User, comment: Comment
) -> None:
    def flag() -> Flag:
        reporter = User.objects.get(pk=resident.pk)
        return flag_create(reporter=reporter, content=Comment.objects.get(pk=comment.pk), reason="spam")

    created, errors = race([flag] * 8)

    assert not unexpected(errors, (Conflict,)), unexpected(errors, (Conflict,))
    assert len(created) == 1
    assert all(error.code == "already_flagged" for error in errors)  # type: ignore[attr-defined]
    assert Flag.objects.filter(reporter=resident, object_id=comment.pk, resolved_at__isnull=True).count() == 1
    assert Flag.objects.get().pk == created[0].pk


def test_8_sign_ups_with_one_email_at_once_make_one_account() -> None:
    def sign_up(i: int) -> User | None:
        return user_signup(
            username=f"racer{i}",
            email="Same.Person@Example.org",
            password="a long enough secret 42",
            consent=True,
        )

    results, errors = race([partial(sign_up, i) for i in range(8)])

    assert not unexpected(errors), unexpected(errors)
    users = [result for result in results if result is not None]
    assert len(users) == 1, results
    assert User.objects.filter(email__iexact="same.person@example.org").count() == 1
    assert User.objects.get(email__iexact="same.person@example.org").pk == users[0].pk
    # The winner gets a confirmation link; each of the 7 others' attempts tells the owner by letter.
    assert len(mail.outbox) == 8
    assert {m.to[0] for m in mail.outbox} == {"same.person@example.org"}


def test_following_one_target_from_8_threads_makes_one_follow(
    resident: User, municipality: Municipality
) -> None:
    def follow_it() -> Follow:
        user = User.objects.get(pk=resident.pk)
        return follow(user=user, target=Municipality.objects.get(pk=municipality.pk))

    results, errors = race([follow_it] * 8)

    assert not unexpected(errors), unexpected(errors)
    follows = Follow.objects.filter(
        user=resident, content_type=ContentType.objects.get_for_model(Municipality), object_id=municipality.pk
    )
    assert follows.count() == 1
    assert len(results) == 8
    assert {result.pk for result in results} == {follows.get().pk}


def test_8_rate_limit_hits_at_once_count_8_on_the_database() -> None:
    window = int(time.time())

    results, errors = race([partial(_hit_database, "rl:test:race", window)] * 8)

    assert not unexpected(errors), unexpected(errors)
    assert sorted(results) == list(range(1, 9))
    assert RateLimitCounter.objects.get(key="rl:test:race", window_start=window).count == 8


def test_one_idempotency_key_from_4_threads_creates_one_comment(
    verified_resident: User, municipality: Municipality
) -> None:
    _token, secret = api_token_create(user=verified_resident, name="race")
    url = f"/api/v1/municipalities/{municipality.slug}/comments"

    def post() -> Any:
        client = Client(headers={"authorization": f"Bearer {secret}", "idempotency-key": "same-key-1"})
        return client.post(url, data={"body": "Only once, please"}, content_type="application/json")

    responses, errors = race([post] * 4)

    assert not unexpected(errors), unexpected(errors)
    assert len(responses) == 4
    statuses = sorted(r.status_code for r in responses)
    assert Comment.objects.filter(body="Only once, please").count() == 1, statuses
    first = [r for r in responses if r.status_code == 201 and not r.has_header("Idempotent-Replayed")]
    assert len(first) == 1, statuses
    comment_id = first[0].json()["id"]
    for response in responses:
        if response is first[0]:
            continue
        if response.status_code == 409:
            assert response.json()["error"]["code"] == "request_in_progress"
        else:
            assert response.status_code == 201, statuses
            assert response["Idempotent-Replayed"] == "true"
            assert response.json()["id"] == comment_id
    record = IdempotencyRecord.objects.get(key="same-key-1")
    assert record.completed and record.status_code == 201


def test_2_sign_ups_with_one_username_in_different_case_make_one_account(monkeypatch: Any) -> None:
    """Both sign-ups are held between the username check and the insert, as long as the database lets
    them both get there (SQLite's IMMEDIATE transactions do not: the second waits for the first).
    On PostgreSQL only a unique index on lower(username) keeps the second out."""
    meet = threading.Barrier(2)
    set_password = User.set_password

    def set_password_together(self: User, raw: str | None) -> None:
        # A broken barrier: the other sign-up is waiting for the database, this one goes on alone.
        with contextlib.suppress(threading.BrokenBarrierError):
            meet.wait(timeout=3)
        set_password(self, raw)

    monkeypatch.setattr(User, "set_password", set_password_together)

    def sign_up(i: int) -> User | None:
        return user_signup(
            username=["Racer", "racer"][i],
            email=f"racer{i}@example.org",
            password="a long enough secret 42",
            consent=True,
        )

    results, errors = race([partial(sign_up, i) for i in range(2)])

    assert not unexpected(errors, (DomainError,)), unexpected(errors, (DomainError,))
    assert User.objects.filter(username__iexact="racer").count() == 1
    assert [type(error) for error in errors].count(DomainError) == 1
    assert len(results) == 1
