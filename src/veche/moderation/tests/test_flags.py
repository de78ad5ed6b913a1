"""Flagging content: on the page and through the API, once per person per item."""

import pytest
from django.conf import settings
from django.test import override_settings

from veche.moderation.models import Flag
from veche.moderation.services import content_hide

EN = {"accept-language": "en"}


def flag_url(comment):
    return f"/flag/comments.comment/{comment.pk}/"


def api_flag(client, comment, reason="spam"):
    return client.post(
        "/api/v1/flags",
        {"content": "comments.comment", "id": comment.pk, "reason": reason},
        content_type="application/json",
    )


def test_flag_on_the_page(client_for, reporter, comment):
    client = client_for(reporter)
    assert client.get(flag_url(comment)).status_code == 200
    response = client.post(flag_url(comment), {"reason": "spam", "note": "реклама"})
    assert response.status_code == 302
    assert response["Location"] == f"/m/testgrad/comments/{comment.pk}/"
    flag = Flag.objects.get()
    assert (flag.reporter, flag.reason, flag.note, flag.object_id) == (
        reporter,
        "spam",
        "реклама",
        comment.pk,
    )


def test_a_second_flag_on_the_page_gets_a_clear_message(client_for, reporter, comment):
    client = client_for(reporter)
    client.post(flag_url(comment), {"reason": "spam"})
    response = client.post(flag_url(comment), {"reason": "offensive"}, headers=EN)
    assert response.status_code == 400
    assert "already flagged" in response.content.decode()
    assert Flag.objects.count() == 1


def test_a_flag_refused_by_the_rate_limit_answers_429_with_retry_after(client_for, reporter, comment):
    with override_settings(RATE_LIMITS={**settings.RATE_LIMITS, "flag": "0/3600"}):
        response = client_for(reporter).post(flag_url(comment), {"reason": "spam"})

    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    assert response.context["form"].non_field_errors() and not Flag.objects.exists()


def test_flag_through_the_api(api_for, reporter, comment):
    response = api_flag(api_for(reporter), comment)
    assert response.status_code == 201
    assert response.json()["reason"] == "spam"
    assert Flag.objects.get().reporter == reporter


def test_a_second_flag_through_the_api_is_409(api_for, reporter, comment):
    client = api_for(reporter)
    api_flag(client, comment)
    response = api_flag(client, comment, reason="offensive")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "already_flagged"
    assert Flag.objects.count() == 1


def test_two_people_flag_the_same_item(api_for, reporter, make_user, comment):
    assert api_flag(api_for(reporter), comment).status_code == 201
    assert api_flag(api_for(make_user("second")), comment).status_code == 201
    assert Flag.objects.count() == 2


def test_an_unknown_reason_is_refused(api_for, reporter, comment):
    assert api_flag(api_for(reporter), comment, reason="boring").status_code == 422
    assert not Flag.objects.exists()


def test_an_unconfirmed_account_cannot_flag(api_for, make_user, comment):
    response = api_flag(api_for(make_user("newbie", confirmed=False)), comment)
    assert response.status_code == 403
    assert not Flag.objects.exists()


@pytest.fixture
def hidden(comment, moderator):
    return content_hide(moderator=moderator, content=comment, reason="Реклама")


def test_hidden_content_cannot_be_flagged_by_others(api_for, client_for, reporter, hidden):
    assert api_flag(api_for(reporter), hidden).status_code == 404
    assert client_for(reporter).post(flag_url(hidden), {"reason": "spam"}).status_code == 404
    assert not Flag.objects.filter(resolved_at__isnull=True).exists()


def test_hidden_content_cannot_be_flagged_by_those_who_see_it(api_for, author, hidden):
    response = api_flag(api_for(author), hidden)
    assert response.status_code == 409
    assert not Flag.objects.exists()


def test_flagging_an_unknown_kind_or_item_is_404(api_for, reporter, comment):
    client = api_for(reporter)
    response = client.post(
        "/api/v1/flags",
        {"content": "accounts.user", "id": reporter.pk, "reason": "spam"},
        content_type="application/json",
    )
    assert response.status_code == 404
    comment.pk += 1000
    assert api_flag(client, comment).status_code == 404
    assert not Flag.objects.exists()
