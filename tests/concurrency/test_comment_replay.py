"""Comments written at the same moment, on the real database: one person's copies of one comment
are stored once, and people following one target who all comment on it at once all get through."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from veche.accounts.models import User
from veche.comments.models import Comment
from veche.comments.services import comment_create
from veche.core.testing import race
from veche.municipalities.models import Municipality
from veche.notifications.models import Notification
from veche.notifications.services import follow

pytestmark = pytest.mark.usefixtures("transactional_db")

THREADS = 8


def test_one_comment_sent_8_times_at_once_is_stored_once(municipality: Municipality, resident: User) -> None:
    def post() -> Comment:
        return comment_create(author=resident, municipality=municipality, target=municipality, body="Фонтан!")

    results, errors = race([post] * THREADS)

    assert errors == []
    assert len(results) == THREADS
    assert Comment.objects.count() == 1
    assert {comment.pk for comment in results} == {Comment.objects.get().pk}  # type: ignore[attr-defined]


FOLLOWERS = 6
ROUNDS = 10


def test_followers_commenting_on_one_target_at_once_store_every_comment_and_notice(
    municipality: Municipality, make_user: Callable[..., User]
) -> None:
    """Each comment notifies the other followers, and so takes a key-share lock on their user rows
    while its own author's row is locked against replays: the author's lock must not be one that
    those key-share locks wait for, or two followers commenting together deadlock on PostgreSQL."""
    followers = [make_user(f"follower{i}") for i in range(FOLLOWERS)]
    for user in followers:
        follow(user=user, target=municipality)

    def post(user: User, text: str) -> Callable[[], Comment]:
        return lambda: comment_create(author=user, municipality=municipality, target=municipality, body=text)

    for round_ in range(ROUNDS):
        results, errors = race([post(user, f"Round {round_} from {user.username}") for user in followers])
        assert errors == [], f"round {round_}: {errors!r}"
        assert len(results) == FOLLOWERS

    assert Comment.objects.count() == FOLLOWERS * ROUNDS
    for user in followers:
        assert Comment.objects.filter(author=user).count() == ROUNDS
        notices = Notification.objects.filter(recipient=user, kind="comment.created")
        assert notices.count() == (FOLLOWERS - 1) * ROUNDS
        assert not notices.filter(body__endswith=f"from {user.username}").exists()
