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


class Killed(BaseException):
    """The process dies: not an error the application could answer."""


def test_a_request_killed_before_its_answer_is_kept_leaves_nothing_half_done(api, monkeypatch):
    """Found by tests/scaleout/test_crash.py: a web process killed between the write and the record of its
    answer left the write stored and the key "in progress" for good, so every retry got 409."""
    from veche.core.models import IdempotencyRecord

    keep_answer = IdempotencyRecord.save

    def die_when_keeping_the_answer(record, *args, **kwargs):
        if "completed" in (kwargs.get("update_fields") or ()):
            raise Killed
        return keep_answer(record, *args, **kwargs)

    monkeypatch.setattr(IdempotencyRecord, "save", die_when_keeping_the_answer)
    with pytest.raises(Killed):
        post(api, "Когда отремонтируют мост?", "key-1")
    assert not Comment.objects.exists()
    assert not IdempotencyRecord.objects.exists()

    monkeypatch.setattr(IdempotencyRecord, "save", keep_answer)
    retry = post(api, "Когда отремонтируют мост?", "key-1")
    assert retry.status_code == 201
    assert not retry.has_header("Idempotent-Replayed")
    assert Comment.objects.count() == 1
    assert post(api, "Когда отремонтируют мост?", "key-1")["Idempotent-Replayed"] == "true"


def test_a_server_error_keeps_nothing_and_a_retry_runs_afresh(api, monkeypatch):
    from veche.comments import api as comments_api
    from veche.core.models import IdempotencyRecord

    create = comments_api.comment_create

    def write_then_fail(**kwargs):
        create(**kwargs)
        raise RuntimeError("a bug after the write")

    monkeypatch.setattr(comments_api, "comment_create", write_then_fail)
    api.raise_request_exception = False
    assert post(api, "Когда отремонтируют мост?", "key-1").status_code == 500
    assert not Comment.objects.exists()
    assert not IdempotencyRecord.objects.exists()

    monkeypatch.setattr(comments_api, "comment_create", create)
    retry = post(api, "Когда отремонтируют мост?", "key-1")
    assert retry.status_code == 201
    assert not retry.has_header("Idempotent-Replayed")
    assert Comment.objects.count() == 1
