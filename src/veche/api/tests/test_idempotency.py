"""Idempotency-Key on API writes: a repeat gets the first answer instead of a second write."""

from collections.abc import Callable

import pytest
from django.test import Client

from veche.accounts.models import User
from veche.accounts.tests.helpers import assert_api_error, post_json
from veche.comments.models import Comment
from veche.municipalities.models import Municipality

COMMENTS = "/api/v1/municipalities/testgrad/comments"


@pytest.fixture
def api(api_for: Callable[[User], Client], resident: User, municipality: Municipality) -> Client:
    return api_for(resident)


def send(client: Client, body: str, key: str | None):
    headers = {"idempotency-key": key} if key else {}
    return post_json(client, COMMENTS, {"body": body}, headers=headers)


def test_a_repeat_with_the_same_key_replays_the_first_answer(api: Client) -> None:
    first = send(api, "Fix the road", "key-1")
    second = send(api, "Fix the road", "key-1")

    assert first.status_code == second.status_code == 201
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert second["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Comment.objects.count() == 1
    assert second.json()["id"] == Comment.objects.get().pk


@pytest.mark.parametrize(("first_key", "second_key"), [("key-1", "key-2"), (None, None)])
def test_without_the_same_key_a_repeat_is_a_second_write(
    api: Client, first_key: str | None, second_key: str | None
) -> None:
    # Other words: the comment service itself takes the same words twice as one comment.
    first = send(api, "Fix the road", first_key)
    second = send(api, "Fix the road, please", second_key)

    assert first.status_code == second.status_code == 201
    assert first.json()["id"] != second.json()["id"]
    assert "Idempotent-Replayed" not in second
    assert Comment.objects.count() == 2


def test_the_same_key_with_another_body_is_refused(api: Client) -> None:
    send(api, "Fix the road", "key-1")

    response = send(api, "Something else", "key-1")

    assert_api_error(response, 422, "idempotency_key_reused")
    assert list(Comment.objects.values_list("body", flat=True)) == ["Fix the road"]


def test_keys_belong_to_their_caller(api: Client, api_for, make_user: Callable[..., User]) -> None:
    other = api_for(make_user("other"))

    mine = send(api, "Fix the road", "key-1")
    theirs = send(other, "Fix the road", "key-1")

    assert mine.status_code == theirs.status_code == 201
    assert "Idempotent-Replayed" not in theirs
    assert [c["author"] for c in (mine.json(), theirs.json())] == ["resident", "other"]
    assert Comment.objects.count() == 2


def test_a_too_long_key_is_refused(api: Client) -> None:
    response = send(api, "Fix the road", "k" * 201)

    assert_api_error(response, 400, "invalid_idempotency_key")
    assert not Comment.objects.exists()
