"""An API write repeated with the same Idempotency-Key gets the first answer, not a second write."""

import pytest

from veche.comments.models import Comment

URL = "/api/v1/municipalities/testgrad/comments"


@pytest.fixture
def api(api_for, resident, municipality):
    return api_for(resident)


def post(client, body, key):
    return client.post(URL, {"body": body}, content_type="application/json", headers={"idempotency-key": key})


def test_a_repeat_replays_the_first_answer(api):
    first = post(api, "Когда отремонтируют мост?", "key-1")
    assert first.status_code == 201
    second = post(api, "Когда отремонтируют мост?", "key-1")
    assert second.status_code == 201
    assert second["Idempotent-Replayed"] == "true"
    assert second.json() == first.json()
    assert Comment.objects.count() == 1


def test_another_key_is_another_write(api):
    assert post(api, "Когда отремонтируют мост?", "key-1").status_code == 201
    # Other words: the comment service itself takes the same words twice as one comment.
    response = post(api, "Когда же отремонтируют мост?", "key-2")
    assert response.status_code == 201
    assert not response.has_header("Idempotent-Replayed")
    assert Comment.objects.count() == 2


def test_the_same_key_for_a_different_request_is_refused(api):
    assert post(api, "Первый вопрос", "key-1").status_code == 201
    response = post(api, "Совсем другой вопрос", "key-1")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert list(Comment.objects.values_list("body", flat=True)) == ["Первый вопрос"]


def test_keys_belong_to_their_sender(api, api_for, make_user):
    other = api_for(make_user("neighbour"))
    assert post(api, "Вопрос", "shared-key").status_code == 201
    response = post(other, "Вопрос", "shared-key")
    assert response.status_code == 201
    assert not response.has_header("Idempotent-Replayed")
    assert Comment.objects.count() == 2
