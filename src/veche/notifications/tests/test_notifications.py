"""Notices: one per recipient in their language, e-mailed after commit, read on a page or the API."""

import pytest
from django.core import mail
from django.utils.translation import gettext_lazy

from veche.accounts.services import account_delete
from veche.notifications.models import Notification
from veche.notifications.services import notify
from veche.notifications.tasks import send_notification_email

# A message with a Russian translation in Django's own catalogue.
TITLE = gettext_lazy("This field is required.")


@pytest.fixture
def russian(make_user):
    return make_user("ivan", language="ru")


@pytest.fixture
def english(make_user):
    return make_user("john", language="en")


def test_one_notice_per_recipient_in_their_language(russian, english):
    notices = notify(
        recipients=[russian, english, russian], kind="test", title=TITLE, body="Текст", url="/m/x/"
    )
    assert len(notices) == 2
    titles = dict(Notification.objects.values_list("recipient__username", "title"))
    assert titles == {"ivan": "Обязательное поле.", "john": "This field is required."}


def test_deleted_accounts_get_no_notice(russian, english):
    account_delete(user=english)
    english.refresh_from_db()
    notify(recipients=[russian, english], kind="test", title="Привет")
    assert list(Notification.objects.values_list("recipient", flat=True)) == [russian.pk]


def test_the_email_goes_after_commit(russian, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        notify(recipients=[russian], kind="test", title="Ответ готов", body="Посмотрите", url="/m/testgrad/")
    assert mail.outbox == []  # nothing is sent while the transaction may still roll back
    assert len(callbacks) == 1
    callbacks[0]()
    [message] = mail.outbox
    assert message.to == [russian.email]
    assert message.subject == "Ответ готов"
    assert "/m/testgrad/" in message.body
    assert Notification.objects.get().emailed_at is not None


def test_no_email_when_notifications_are_off(make_user, russian, django_capture_on_commit_callbacks):
    quiet = make_user("quiet", email_notifications=False)
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[quiet, russian], kind="test", title="Ответ готов")
    assert [m.to for m in mail.outbox] == [[russian.email]]
    assert Notification.objects.count() == 2


def test_the_email_task_run_twice_sends_once(russian, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        [notice] = notify(recipients=[russian], kind="test", title="Ответ готов")
    assert send_notification_email(notice.pk) is True
    assert send_notification_email(notice.pk) is False
    assert len(mail.outbox) == 1


@pytest.fixture
def notices(russian, english):
    notify(recipients=[english], kind="test", title="Someone else's")
    return notify(recipients=[russian], kind="test", title="Первое", body="Тело") + notify(
        recipients=[russian], kind="test", title="Второе"
    )


def test_the_notifications_page(client_for, russian, notices):
    response = client_for(russian).get("/notifications/")
    page = response.content.decode()
    assert "Первое" in page and "Второе" in page and "Someone else" not in page
    assert response.context["unread_notifications"] == 2


def test_the_notifications_page_needs_a_login(client):
    assert client.get("/notifications/").status_code == 302


def test_mark_one_read_then_all(client_for, russian, english, notices):
    client = client_for(russian)
    first, second = notices
    assert client.post("/notifications/read/", {"id": [str(first.pk)]}).status_code == 302
    unread = Notification.objects.filter(read_at__isnull=True)
    assert list(unread.filter(recipient=russian).values_list("pk", flat=True)) == [second.pk]
    assert client.get("/notifications/").context["unread_notifications"] == 1
    client.post("/notifications/read/")
    assert not unread.filter(recipient=russian).exists()
    assert unread.filter(recipient=english).count() == 1


def test_the_api_lists_only_the_callers_notices(api_for, russian, notices):
    response = api_for(russian).get("/api/v1/notifications")
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 2
    assert [item["title"] for item in data["items"]] == ["Второе", "Первое"]
    assert all(item["read_at"] is None for item in data["items"])


def test_the_api_needs_authentication(client, db):
    assert client.get("/api/v1/notifications").status_code == 401


def test_the_api_marks_notices_read(api_for, russian, english, notices):
    client = api_for(russian)
    foreign = Notification.objects.get(recipient=english)
    response = client.post(
        "/api/v1/notifications/read", {"ids": [notices[0].pk, foreign.pk]}, content_type="application/json"
    )
    assert response.json() == {"marked": 1}
    foreign.refresh_from_db()
    assert foreign.read_at is None
    response = client.post("/api/v1/notifications/read", {}, content_type="application/json")
    assert response.json() == {"marked": 1}
    assert not Notification.objects.filter(recipient=russian, read_at__isnull=True).exists()


@pytest.mark.parametrize(
    "body",
    [
        '{"ids": "x"}',
        '{"ids": [1, "a"]}',
        "[]",
        '{"all": "yes"}',
        '{"ids": null, "all": true}',
        '{"ids": [9223372036854775808]}',
        '{"ids": [' + str(10**30) + "]}",
        '{"ids": [-1]}',
    ],
)
def test_a_wrongly_shaped_body_is_refused_and_marks_nothing_read(api_for, russian, notices, body):
    response = api_for(russian).post("/api/v1/notifications/read", body, content_type="application/json")

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"
    assert Notification.objects.filter(recipient=russian, read_at__isnull=True).count() == 2


@pytest.mark.parametrize("ids", [["abc"], ["9223372036854775808"], [str(10**30)], ["-1", ""]])
def test_the_page_marks_nothing_read_for_ids_that_are_no_notices(client_for, russian, notices, ids):
    assert client_for(russian).post("/notifications/read/", {"id": ids}).status_code == 302

    assert Notification.objects.filter(recipient=russian, read_at__isnull=True).count() == 2
