"""The same write from several threads at the very same moment, on the real database.

Each test commits its set-up (`transactional_db`), starts real threads that meet at a
`threading.Barrier` and then do the same thing at once, each on its own database connection,
closed when the thread ends. On SQLite a "database is locked" error is a bug: the settings open
write transactions with BEGIN IMMEDIATE and wait up to 20 s for the lock.
"""

from __future__ import annotations

import contextlib
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.db import connections
from django.test import Client

from veche.accounts.models import User
from veche.accounts.services import api_token_create, user_signup
from veche.comments.models import Comment
from veche.comments.services import comment_create
from veche.core.errors import Conflict
from veche.core.models import IdempotencyRecord, RateLimitCounter
from veche.core.ratelimit import _hit_database
from veche.moderation.models import Flag
from veche.moderation.services import flag_create
from veche.municipalities.models import Municipality
from veche.notifications.models import Follow
from veche.notifications.services import follow

pytestmark = pytest.mark.usefixtures("transactional_db")


@dataclass
class Outcome:
    result: Any = None
    error: BaseException | None = None
    trace: str = ""


def at_once(n: int, work: Callable[[int], Any], timeout: float = 60) -> list[Outcome]:
    """Run work(0) … work(n-1) in n threads released together; each closes its connections."""
    barrier = threading.Barrier(n)
    outcomes = [Outcome() for _ in range(n)]

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=timeout)
            outcomes[i].result = work(i)
        except BaseException as error:  # every failure is reported by the test
            outcomes[i].error = error
            outcomes[i].trace = traceback.format_exc()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,), name=f"race-{i}") for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(t.is_alive() for t in threads), "a thread is still running: a deadlock?"
    return outcomes


def unexpected(outcomes: list[Outcome], allowed: tuple[type[BaseException], ...] = ()) -> str:
    """The tracebacks of errors other than `allowed`, for the assertion message."""
    return "\n".join(o.trace for o in outcomes if o.error is not None and not isinstance(o.error, allowed))


@pytest.fixture
def author(make_user: Callable[..., User]) -> User:
    return make_user("author")


@pytest.fixture
def comment(municipality: Municipality, author: User) -> Comment:
    return comment_create(author=author, municipality=municipality, target=municipality, body="Flag me")


def test_one_person_flagging_one_comment_from_8_threads_makes_one_open_flag(
    resident: User, comment: Comment
) -> None:
    def flag(_i: int) -> Flag:
        reporter = User.objects.get(pk=resident.pk)
        return flag_create(reporter=reporter, content=Comment.objects.get(pk=comment.pk), reason="spam")

    outcomes = at_once(8, flag)

    assert not unexpected(outcomes, (Conflict,)), unexpected(outcomes, (Conflict,))
    created = [o.result for o in outcomes if o.error is None]
    assert len(created) == 1
    assert all(o.error.code == "already_flagged" for o in outcomes if o.error is not None)
    assert Flag.objects.filter(reporter=resident, object_id=comment.pk, resolved_at__isnull=True).count() == 1
    assert Flag.objects.get().pk == created[0].pk


def test_8_sign_ups_with_one_email_at_once_make_one_account() -> None:
    def sign_up(i: int) -> User | None:
        return user_signup(
            username=f"racer{i}", email="Same.Person@Example.org", password="a long enough secret 42"
        )

    outcomes = at_once(8, sign_up)

    assert not unexpected(outcomes), unexpected(outcomes)
    users = [o.result for o in outcomes if o.result is not None]
    assert len(users) == 1, [o.result for o in outcomes]
    assert User.objects.filter(email__iexact="same.person@example.org").count() == 1
    assert User.objects.get(email__iexact="same.person@example.org").pk == users[0].pk
    # The winner gets a confirmation link; each of the 7 others' attempts tells the owner by letter.
    assert len(mail.outbox) == 8
    assert {m.to[0] for m in mail.outbox} == {"same.person@example.org"}


def test_following_one_target_from_8_threads_makes_one_follow(
    resident: User, municipality: Municipality
) -> None:
    def follow_it(_i: int) -> Follow:
        user = User.objects.get(pk=resident.pk)
        return follow(user=user, target=Municipality.objects.get(pk=municipality.pk))

    outcomes = at_once(8, follow_it)

    assert not unexpected(outcomes), unexpected(outcomes)
    follows = Follow.objects.filter(
        user=resident, content_type=ContentType.objects.get_for_model(Municipality), object_id=municipality.pk
    )
    assert follows.count() == 1
    assert {o.result.pk for o in outcomes} == {follows.get().pk}


def test_8_rate_limit_hits_at_once_count_8_on_the_database() -> None:
    window = int(time.time())

    outcomes = at_once(8, lambda _i: _hit_database("rl:test:race", window))

    assert not unexpected(outcomes), unexpected(outcomes)
    assert sorted(o.result for o in outcomes) == list(range(1, 9))
    assert RateLimitCounter.objects.get(key="rl:test:race", window_start=window).count == 8


def test_one_idempotency_key_from_4_threads_creates_one_comment(
    verified_resident: User, municipality: Municipality
) -> None:
    _token, secret = api_token_create(user=verified_resident, name="race")
    url = f"/api/v1/municipalities/{municipality.slug}/comments"

    def post(_i: int) -> Any:
        client = Client(headers={"authorization": f"Bearer {secret}", "idempotency-key": "same-key-1"})
        return client.post(url, data={"body": "Only once, please"}, content_type="application/json")

    outcomes = at_once(4, post)

    assert not unexpected(outcomes), unexpected(outcomes)
    responses = [o.result for o in outcomes]
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
            username=["Racer", "racer"][i], email=f"racer{i}@example.org", password="a long enough secret 42"
        )

    outcomes = at_once(2, sign_up)

    from veche.core.errors import DomainError

    assert not unexpected(outcomes, (DomainError,)), unexpected(outcomes, (DomainError,))
    assert User.objects.filter(username__iexact="racer").count() == 1
    assert [type(o.error) for o in outcomes].count(DomainError) == 1
