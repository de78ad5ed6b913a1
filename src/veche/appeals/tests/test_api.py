"""The appeals API: list, read, publish, sign (201, then 200 with the same signature), answer, close."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from veche.accounts.tests.helpers import assert_api_error, post_json
from veche.appeals.models import Appeal, AppealSignature, Status
from veche.appeals.services import appeal_close, appeal_sign
from veche.moderation.services import content_hide
from veche.notifications.models import Notification
from veche.petitions.tests.kinds import THRESHOLD

API = "/api/v1"


def test_a_resident_publishes_through_the_api(api_for, resident, policy):
    response = post_json(
        api_for(resident),
        f"{API}/municipalities/testgrad/appeals",
        {"title": "Bring back bus 12", "body": "The route was <script>x</script>*cancelled*."},
    )

    assert response.status_code == 201, response.content
    body = response.json()
    appeal = Appeal.objects.get()
    assert body["id"] == appeal.pk and body["url"] == f"/m/testgrad/appeals/{appeal.pk}/"
    assert (body["status"], body["signatures_count"], body["signature_threshold"]) == (
        "published",
        0,
        THRESHOLD,
    )
    assert body["author"] == "resident" and body["answer"] == "" and body["answer_due"] is None
    assert "<script>" not in body["body_html"] and "<em>cancelled</em>" in body["body_html"]


def test_publishing_needs_a_signed_in_confirmed_account(client, api_for, make_user, policy):
    path = f"{API}/municipalities/testgrad/appeals"
    assert_api_error(post_json(client, path, {"title": "T", "body": "B"}), 401)
    newbie = api_for(make_user("newbie", confirmed=False))
    assert_api_error(post_json(newbie, path, {"title": "T", "body": "B"}), 403, "forbidden")
    assert_api_error(
        post_json(newbie, f"{API}/municipalities/nowhere/appeals", {"title": "T", "body": "B"}), 404
    )
    assert not Appeal.objects.exists()


@pytest.mark.parametrize(
    ("payload", "status", "fields"),
    [
        ({"title": "", "body": "Text"}, 422, {"title"}),
        ({"title": "я" * 201, "body": "Text"}, 422, {"title"}),
        ({"title": "Title", "body": "я" * 4001}, 422, {"body"}),
        ({"title": "Title"}, 422, {"body"}),
        ({"title": "   ", "body": "Text"}, 400, {"title"}),
        ({"title": "Title", "body": "a\x00b"}, 422, {"body"}),
    ],
    ids=["empty-title", "201-char-title", "4001-char-body", "no-body", "blank-title", "nul-body"],
)
def test_bad_input_gets_the_error_shape(payload, status, fields, api_for, resident, policy):
    response = post_json(api_for(resident), f"{API}/municipalities/testgrad/appeals", payload)
    assert_api_error(response, status, fields=fields)
    assert not Appeal.objects.exists()


def test_signing_answers_201_then_200_with_the_same_signature(api_for, appeal, verified_resident):
    client = api_for(verified_resident)
    path = f"{API}/appeals/{appeal.pk}/signatures"

    first = post_json(client, path, {})
    repeat = post_json(client, path, {})

    assert (first.status_code, repeat.status_code) == (201, 200)
    assert first.json() == repeat.json()
    assert first.json()["tier"] == "verified" and first.json()["signatures_count"] == 1
    appeal.refresh_from_db()
    assert appeal.endorsements_count == AppealSignature.objects.count() == 1


def test_signing_refusals(
    api_for, client, appeal, make_appeal, author, resident, verified_resident, moderator
):
    path = f"{API}/appeals/{appeal.pk}/signatures"
    assert_api_error(post_json(client, path, {}), 401)
    error = assert_api_error(post_json(api_for(resident), path, {}), 403, "forbidden")
    assert error["message"] == "Это доступно только подтверждённым жителям этого города."
    for unknown in ("999999", "abc", "0", "99999999999999999999999"):
        assert_api_error(
            post_json(api_for(verified_resident), f"{API}/appeals/{unknown}/signatures", {}), 404
        )

    closed = make_appeal("Closed one")
    appeal_close(author=author, appeal=closed)
    refused = post_json(api_for(verified_resident), f"{API}/appeals/{closed.pk}/signatures", {})
    assert assert_api_error(refused, 409, "not_collecting")["message"].startswith("Петиция закрыта автором")

    content_hide(moderator=moderator, content=appeal, reason="Spam")
    assert_api_error(post_json(api_for(verified_resident), path, {}), 404)
    assert_api_error(post_json(api_for(moderator), path, {}), 409, "not_collecting")
    assert not AppealSignature.objects.exists()


def test_an_official_answers_through_the_api(api_for, appeal, signers, official, resident):
    path = f"{API}/appeals/{appeal.pk}/answer"
    assert_api_error(post_json(api_for(official), path, {"answer": "Too early"}), 409, "invalid_transition")
    for signer in signers[:THRESHOLD]:
        appeal_sign(user=signer, appeal=appeal)
    assert_api_error(post_json(api_for(resident), path, {"answer": "Not mine"}), 404)
    assert_api_error(post_json(api_for(official), path, {"answer": ""}), 422, fields={"answer"})

    response = post_json(api_for(official), path, {"answer": "Revoked. <script>x</script>"})

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "answered" and body["answer"] == "Revoked. <script>x</script>"
    assert "<script>" not in body["answer_html"] and body["answered_at"]
    assert Notification.objects.filter(kind="appeal.answered").count() == THRESHOLD + 1


def test_the_author_closes_through_the_api(api_for, appeal, author, verified_resident):
    path = f"{API}/appeals/{appeal.pk}/close"
    assert_api_error(post_json(api_for(verified_resident), path, {}), 403)
    response = post_json(api_for(author), path, {})
    assert response.status_code == 200 and response.json()["status"] == "closed"
    assert_api_error(post_json(api_for(author), path, {}), 409)


def test_reading_one_appeal(client, api_for, appeal, author, moderator):
    assert client.get(f"{API}/appeals/{appeal.pk}").json()["title"] == appeal.title
    for unknown in ("999999", "abc"):
        assert_api_error(client.get(f"{API}/appeals/{unknown}"), 404)

    content_hide(moderator=moderator, content=appeal, reason="Spam")

    assert_api_error(client.get(f"{API}/appeals/{appeal.pk}"), 404)
    body = api_for(author).get(f"{API}/appeals/{appeal.pk}").json()
    assert (body["hidden"], body["hidden_reason"]) == (True, "Spam")


def test_the_list_filters_and_costs_a_constant_number_of_queries(
    client, make_appeal, make_user, signers, moderator, api_for
):
    path = f"{API}/municipalities/testgrad/appeals"

    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        return len(captured), response.json()

    first = make_appeal("Appeal 0")
    few, _ = queries(path)
    for i in range(1, 15):
        make_appeal(f"Appeal {i}", author=make_user(f"writer{i}"))
    many, page = queries(f"{path}?limit=10")

    assert few == many
    assert page["count"] == 15 and len(page["items"]) == 10
    for signer in signers[:THRESHOLD]:
        appeal_sign(user=signer, appeal=first)
    _, awaiting = queries(f"{path}?status=threshold_reached")
    assert [a["title"] for a in awaiting["items"]] == ["Appeal 0"]
    assert queries(f"{path}?order=signatures&limit=1")[1]["items"][0]["title"] == "Appeal 0"
    assert [a["title"] for a in queries(f"{path}?q=Appeal 13")[1]["items"]] == ["Appeal 13"]
    assert_api_error(client.get(f"{path}?status=nonsense"), 422)

    content_hide(moderator=moderator, content=first, reason="Spam")
    assert queries(path)[1]["count"] == 14
    assert api_for(moderator).get(path).json()["count"] == 15
    assert Appeal.objects.get(pk=first.pk).status == Status.THRESHOLD_REACHED
