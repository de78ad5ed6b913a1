"""Notices are written out when they are read, in the reader's language: on the page, in the API and
in the e-mail (the recipient's profile language); dates once with one full stop; Markdown as text."""

from datetime import date

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext_noop

from veche.comments.services import comment_create
from veche.notifications.messages import fill, message
from veche.notifications.models import Notification
from veche.notifications.services import follow, notify

DUE = date(2026, 3, 3)


@pytest.fixture
def reader(make_user):
    return make_user("reader", language="ru")


def overdue_notice(recipient, municipality):
    """A notice with a number, a date and a department (named in both languages) as its arguments."""
    roads = municipality.departments.get()
    [notice] = notify(
        recipients=[recipient],
        kind="report.overdue",
        title=message(gettext_noop("Report #{} was sent to {}"), 1234, roads),
        body=message(gettext_noop("The answer was due on {}."), DUE),
        url="/m/testgrad/reports/1234/",
    )
    return notice


def expected(language: str) -> tuple[str, str]:
    """The texts as the catalogue writes them (the test fails if the messages are not found)."""
    with translation.override(language):
        title = fill(
            translation.gettext("Report #{} was sent to {}"),
            ["1234", "Дороги" if language == "ru" else "Roads"],
        )
        body = fill(
            translation.gettext("The answer was due on {}."),
            ["3 марта 2026 г." if language == "ru" else "March 3, 2026"],
        )
    return title, body


@pytest.mark.parametrize(("left_in", "read_in"), [("ru", "en"), ("en", "ru")])
def test_a_notice_left_in_one_language_reads_in_the_readers(
    client_for, reader, municipality, left_in, read_in
):
    with translation.override(left_in):
        notice = overdue_notice(reader, municipality)
    title, body = expected(read_in)
    page = client_for(reader, language=read_in).get("/notifications/").content.decode()
    assert title in page and body in page
    other_title, _ = expected(left_in)
    assert other_title not in page
    assert notice.params["body"] == {"msg": "The answer was due on {}.", "args": [{"date": "2026-03-03"}]}


def test_the_api_writes_notices_in_the_requests_language(api_for, reader, municipality):
    overdue_notice(reader, municipality)
    for language in ("ru", "en"):
        [item] = api_for(reader, language=language).get("/api/v1/notifications").json()["items"]
        assert (item["title"], item["body"]) == expected(language)


def test_the_russian_date_ends_the_sentence_with_one_full_stop(client_for, reader, municipality):
    overdue_notice(reader, municipality)
    _, body = expected("ru")
    assert body == "Ответ нужно было дать не позднее 3 марта 2026 г."
    with translation.override("ru"):
        assert Notification.objects.get().body_text == body
    assert body in client_for(reader).get("/notifications/").content.decode()


def test_fill_keeps_an_ellipsis_and_a_stop_after_other_words():
    assert fill("Until {}.", ["3 мая 2026 г."]) == "Until 3 мая 2026 г."
    assert fill("Until {}.", ["May 3, 2026"]) == "Until May 3, 2026."
    assert fill("Wait {}...", ["a bit."]) == "Wait a bit...."
    assert fill("{1} and {0}", ["a", "b"]) == "b and a"


def test_the_email_is_in_the_recipients_profile_language(
    make_user, municipality, django_capture_on_commit_callbacks
):
    english = make_user("john", language="en")
    with translation.override("ru"), django_capture_on_commit_callbacks(execute=True):
        overdue_notice(english, municipality)
    [letter] = mail.outbox
    title, body = expected("en")
    assert letter.subject == title and letter.body.startswith(body)


def test_a_script_in_an_argument_is_shown_as_text(client_for, reader):
    notify(
        recipients=[reader],
        kind="appeal.closed",
        title=message(gettext_noop("The author has closed the appeal “{}”"), "<script>alert(1)</script>"),
    )
    page = client_for(reader).get("/notifications/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page


def test_a_markdown_comment_is_a_notice_in_plain_text(client_for, reader, author, municipality):
    follow(user=reader, target=municipality)
    comment_create(
        author=author,
        municipality=municipality,
        target=municipality,
        body="**Важно**: _завтра_ [собрание](https://example.org) <script>alert(1)</script>",
    )
    notice = Notification.objects.get(recipient=reader)
    assert notice.body_text == "Важно: завтра собрание"
    page = client_for(reader).get("/notifications/").content.decode()
    assert "Важно: завтра собрание" in page and "**" not in page and "alert(1)" not in page


def test_a_notice_from_before_params_shows_what_was_stored(client_for, reader):
    Notification.objects.create(recipient=reader, kind="old", title="Старое уведомление", body="Как было")
    page = client_for(reader, language="en").get("/notifications/").content.decode()
    assert "Старое уведомление" in page and "Как было" in page


def test_writing_notices_out_reads_nothing_more(client_for, reader, municipality):
    """The page's queries do not grow with its notices: their arguments are in the row."""
    overdue_notice(reader, municipality)
    client = client_for(reader, language="en")
    one = count_queries(client)
    for _ in range(5):
        overdue_notice(reader, municipality)
    assert count_queries(client) == one


def count_queries(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/notifications/").status_code == 200
    return len(queries)
