"""The appeal pages: publishing, signing (with and without htmx), the answer, closing, the settings and the
list; what every petition's pages share is tested in petitions/tests/test_pages.py."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from veche.appeals.models import Appeal, AppealPolicy, AppealSignature, Status
from veche.appeals.services import appeal_close, appeal_sign
from veche.core.models import AuditEntry
from veche.core.testing import HTMX, messages_of
from veche.notifications.models import Follow, Notification
from veche.petitions.tests.kinds import THRESHOLD

BASE = "/m/testgrad/appeals/"


def url(appeal, action=""):
    return f"{BASE}{appeal.pk}/{action + '/' if action else ''}"


def reach_threshold(appeal, signers):
    for signer in signers[:THRESHOLD]:
        appeal_sign(user=signer, appeal=appeal)
    appeal.refresh_from_db()


# Publishing.


def test_a_resident_publishes_an_appeal(client_for, resident, policy, municipality):
    response = client_for(resident).post(
        f"{BASE}new/", {"title": "Bring back bus 12", "body": "The route was *cancelled*."}
    )

    appeal = Appeal.objects.get()
    assert response.status_code == 302 and response["Location"] == url(appeal)
    assert (appeal.author, appeal.municipality, appeal.threshold) == (
        resident,
        municipality,
        THRESHOLD,
    )
    assert Follow.objects.filter(
        user=resident, content_type=ContentType.objects.get_for_model(Appeal)
    ).exists()
    page = client_for(None).get(url(appeal))
    assert "Bring back bus 12" in page.content.decode() and "<em>cancelled</em>" in page.content.decode()


def test_an_anonymous_visitor_is_sent_to_log_in(client, policy):
    for response in (client.get(f"{BASE}new/"), client.post(f"{BASE}new/", {"title": "T", "body": "B"})):
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Appeal.objects.exists()


def test_an_unconfirmed_account_is_told_why_it_cannot_publish(client_for, make_user, policy):
    client = client_for(make_user("newbie", confirmed=False))
    why = "войдите с подтверждённым адресом электронной почты"
    assert why in client.get(f"{BASE}new/").content.decode()
    response = client.post(f"{BASE}new/", {"title": "Title", "body": "Text"})
    assert response.status_code == 403 and why in response.content.decode()
    assert not Appeal.objects.exists()


# Signing.


def test_a_verified_resident_signs_without_javascript(client_for, appeal, verified_resident):
    response = client_for(verified_resident).post(url(appeal, "sign"), follow=True)

    assert response.redirect_chain == [(url(appeal), 302)]
    assert messages_of(response) == "Спасибо! Ваша подпись учтена."
    html = response.content.decode()
    assert "1 подпись" in html and "(для официального ответа нужно 3)" in html
    assert "Вы подписали эту петицию" in html
    assert AppealSignature.objects.get().user == verified_resident


def test_an_english_reader_signs_in_english(client_for, appeal, verified_resident):
    response = client_for(verified_resident, language="en").post(url(appeal, "sign"), follow=True)

    assert messages_of(response) == "Thank you. Your signature is counted."
    html = response.content.decode()
    assert "1 signature" in html and "(3 needed for an official answer)" in html
    assert "You signed this appeal on" in html


def test_signing_with_htmx_swaps_the_signature_box(client_for, appeal, verified_resident):
    page = client_for(verified_resident).get(url(appeal)).content.decode()
    assert f'hx-post="{url(appeal, "sign")}"' in page and 'hx-target="#appeal-sign"' in page

    response = client_for(verified_resident).post(url(appeal, "sign"), headers=HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith('<div id="appeal-sign"') and "<html" not in html
    assert "1 подпись" in html and "Спасибо! Ваша подпись учтена." in html


def test_signing_twice_counts_once(client_for, appeal, verified_resident):
    client = client_for(verified_resident)
    client.post(url(appeal, "sign"))
    response = client.post(url(appeal, "sign"), follow=True)

    assert "Вы уже подписали эту петицию." in messages_of(response)
    appeal.refresh_from_db()
    assert appeal.endorsements_count == AppealSignature.objects.count() == 1


def test_a_closed_appeal_cannot_be_signed(client_for, appeal, author, verified_resident):
    appeal_close(author=author, appeal=appeal)
    response = client_for(verified_resident).post(url(appeal, "sign"))
    assert response.status_code == 409
    assert "Петиция закрыта автором, сбор подписей завершён." in response.content.decode()
    assert not AppealSignature.objects.exists()


# Answering.


def test_an_official_publishes_the_answer(client_for, client, appeal, signers, official, author):
    reach_threshold(appeal, signers)
    assert "Опубликовать официальный ответ" in client_for(official).get(url(appeal)).content.decode()
    assert client_for(official).get(url(appeal, "answer")).status_code == 200

    response = client_for(official).post(url(appeal, "answer"), {"answer": "The decision is **revoked**."})

    assert response.status_code == 302 and response["Location"] == url(appeal)
    html = client.get(url(appeal)).content.decode()
    assert "Официальный ответ" in html and "<strong>revoked</strong>" in html
    told = Notification.objects.filter(kind="appeal.answered").values_list("recipient__username", flat=True)
    assert sorted(told) == ["author", "signer0", "signer1", "signer2"]
    assert AuditEntry.objects.filter(action="appeal.answer", actor=official).count() == 1


def test_the_staff_area_leads_those_who_answer_to_the_appeals_awaiting_an_answer(
    client_for, official, moderator
):
    awaiting = f'href="{BASE}?status=threshold_reached&amp;order=due"'
    assert awaiting in client_for(official).get("/m/testgrad/staff/").content.decode()
    assert awaiting not in client_for(moderator).get("/m/testgrad/staff/").content.decode()


def test_answering_too_early_or_empty_is_refused(client_for, appeal, signers, municipal_admin):
    early = client_for(municipal_admin).post(url(appeal, "answer"), {"answer": "Too early"})
    assert early.status_code == 409 and "наберёт необходимое число подписей" in early.content.decode()

    reach_threshold(appeal, signers)
    empty = client_for(municipal_admin).post(url(appeal, "answer"), {"answer": "  "})
    assert empty.status_code == 400 and "Обязательное поле." in empty.content.decode()
    appeal.refresh_from_db()
    assert appeal.status == Status.THRESHOLD_REACHED and appeal.answer == ""


# Closing, settings, the list, moderation.


def test_the_author_closes_the_appeal(client_for, appeal, author, verified_resident):
    assert client_for(verified_resident).post(url(appeal, "close")).status_code == 403
    assert "Закрыть петицию" in client_for(author).get(url(appeal)).content.decode()

    response = client_for(author).post(url(appeal, "close"))

    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == Status.CLOSED


def test_the_municipal_admin_sets_the_policy(client_for, municipality, municipal_admin, official):
    assert client_for(official).get(f"{BASE}policy/").status_code == 404
    admin = client_for(municipal_admin)
    assert 'value="100"' in admin.get(f"{BASE}policy/").content.decode()

    bad = admin.post(f"{BASE}policy/", {"signature_threshold": "0", "answer_days": "30"})
    assert bad.status_code == 400 and not AppealPolicy.objects.exists()

    response = admin.post(f"{BASE}policy/", {"signature_threshold": "250", "answer_days": "15"}, follow=True)

    assert response.redirect_chain == [(f"{BASE}policy/", 302)]
    policy = AppealPolicy.objects.get(municipality=municipality)
    assert (policy.signature_threshold, policy.answer_days) == (250, 15)
    assert AuditEntry.objects.filter(action="appeal_policy.update", actor=municipal_admin).exists()


def test_the_list_filters_and_pages_in_a_constant_number_of_queries(
    client_for, make_appeal, make_user, signers, municipality
):
    def list_queries(path):
        client = client_for(signers[0])
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200
        return len(queries), response

    first = make_appeal("Appeal 0")
    few, _ = list_queries(BASE)
    for i in range(1, 25):
        make_appeal(f"Appeal {i}", author=make_user(f"writer{i}"))
    many, response = list_queries(BASE)

    assert few == many
    assert len(response.context["page"]) == 20
    _, second = list_queries(f"{BASE}?page=2")
    assert [a.title for a in second.context["page"]] == [f"Appeal {i}" for i in range(4, -1, -1)]

    reach_threshold(first, signers)
    _, awaiting = list_queries(f"{BASE}?status=threshold_reached")
    assert [a.title for a in awaiting.context["page"]] == ["Appeal 0"]
    _, found = list_queries(f"{BASE}?q=Appeal+13")
    assert [a.title for a in found.context["page"]] == ["Appeal 13"]
    _, ignored = list_queries(f"{BASE}?status=nonsense&order=nonsense")
    assert len(ignored.context["page"]) == 20


def test_the_municipality_page_links_to_the_appeals(client, municipality):
    assert f'href="{BASE}"' in client.get("/m/testgrad/").content.decode()


def test_an_appeal_is_flagged_and_hidden_through_moderation(client_for, appeal, verified_resident, moderator):
    flagged = client_for(verified_resident).post(f"/flag/appeals.appeal/{appeal.pk}/", {"reason": "spam"})
    assert flagged.status_code == 302 and flagged["Location"] == url(appeal)
    queue = client_for(moderator).get("/m/testgrad/staff/moderation/").content.decode()
    assert appeal.title in queue

    hidden = client_for(moderator).post(
        f"/m/testgrad/staff/moderation/appeals.appeal/{appeal.pk}/hide/", {"reason": "Advertising"}
    )

    assert hidden.status_code == 302
    appeal.refresh_from_db()
    assert appeal.is_hidden and appeal.hidden_reason == "Advertising"
    assert Notification.objects.get(kind="moderation.hidden").recipient == appeal.author


@pytest.mark.parametrize(
    ("zone", "shown"),
    [("Europe/Moscow", "2026-03-10T23:00:00+03:00"), ("Asia/Novosibirsk", "2026-03-11T03:00:00+07:00")],
)
def test_an_appeal_page_shows_the_municipality_s_own_time(appeal, client, zone, shown):
    from datetime import UTC, datetime

    from veche.appeals.models import Appeal

    appeal.municipality.timezone = zone
    appeal.municipality.save()
    Appeal.objects.filter(pk=appeal.pk).update(created_at=datetime(2026, 3, 10, 20, 0, tzinfo=UTC))

    page = client.get(f"/m/{appeal.municipality.slug}/appeals/{appeal.pk}/").content.decode()

    assert f'<time datetime="{shown}">' in page
