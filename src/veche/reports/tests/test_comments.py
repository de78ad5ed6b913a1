"""The discussion under a report: who may comment when, what is refused, how it is shown, who is told."""

from collections.abc import Callable

import pytest
from django.contrib.contenttypes.models import ContentType
from django.http import HttpResponse

from veche.access.predicates import Feature
from veche.accounts.models import User
from veche.comments.models import Comment
from veche.comments.services import comment_create
from veche.core.testing import messages_of
from veche.moderation.services import content_hide
from veche.notifications.models import Follow, Notification
from veche.notifications.services import follow
from veche.reports import services
from veche.reports.models import PUBLIC, Report, ReportEvent, Status
from veche.reports.phases import PHASES, phase_of

pytestmark = pytest.mark.django_db

Reports = Callable[..., Report]


def page_url(report: Report) -> str:
    return f"/m/{report.municipality.slug}/reports/{report.pk}/"


def post_url(report: Report) -> str:
    return f"{page_url(report)}comments/"


def thread_of(response: HttpResponse) -> list[str]:
    return [c.body for c in response.context["comments"]]  # type: ignore[attr-defined]


@pytest.fixture
def report(routed: Reports, resident: User) -> Report:
    """A public report of `resident`, waiting for the city."""
    return routed(resident)


@pytest.fixture
def closed(resolved: Reports, resident: User) -> Report:
    """A report whose author confirmed the answer: closed."""
    return services.report_confirm(author=resident, report=resolved(resident))


# Who may comment


def test_a_confirmed_resident_comments_and_the_page_shows_it(browser, report, neighbour):
    response = browser(neighbour).post(post_url(report), {"body": "The lamp at the corner is out too"})

    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{page_url(report)}#comment-{comment.pk}"
    assert (comment.author, comment.target, comment.municipality) == (neighbour, report, report.municipality)
    for viewer in (None, neighbour):
        page = browser(viewer).get(page_url(report))
        assert thread_of(page) == ["The lamp at the corner is out too"]
        assert f'id="comment-{comment.pk}"' in page.content.decode()
    signed_in_page = browser(neighbour).get(page_url(report)).content.decode()
    assert f'action="{post_url(report)}"' in signed_in_page


def test_markup_in_a_comment_is_shown_sanitised(browser, report, neighbour):
    body = (
        "**Важно** <script>alert('xss')</script> <img src=x onerror=alert(1)> [ссылка](javascript:alert(2))"
    )
    browser(neighbour).post(post_url(report), {"body": body})

    assert Comment.objects.get().body == body  # stored as written, cleaned when shown
    html = browser().get(page_url(report)).content.decode()
    assert "<strong>Важно</strong>" in html
    assert "<script>alert" not in html and "alert(" not in html
    assert "onerror" not in html and "javascript:" not in html


@pytest.mark.parametrize(("length", "stored"), [(4000, True), (4001, False)])
def test_at_most_4000_characters(browser, report, neighbour, length, stored):
    response = browser(neighbour).post(post_url(report), {"body": "я" * length}, follow=True)

    assert Comment.objects.exists() is stored
    if not stored:
        assert "at most 4000 characters" in messages_of(response)
        assert response.redirect_chain[-1][0] == f"{page_url(report)}#discussion"


def test_an_anonymous_visitor_is_sent_to_log_in(browser, report):
    response = browser().post(post_url(report), {"body": "Anyone there?"})

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Comment.objects.exists()
    page = browser().get(page_url(report)).content.decode()
    assert "Log in to take part in the discussion." in page and f'action="{post_url(report)}"' not in page


def test_an_account_without_a_confirmed_address_cannot_comment(browser, report, make_user):
    unconfirmed = make_user("newbie", confirmed=False)

    response = browser(unconfirmed).post(post_url(report), {"body": "Me too"}, follow=True)

    assert "confirmed e-mail" in messages_of(response)
    assert not Comment.objects.exists()
    page = browser(unconfirmed).get(page_url(report)).content.decode()
    assert "confirmed e-mail" in page and f'action="{post_url(report)}"' not in page


def test_comments_are_taken_by_post_only(browser, report, neighbour):
    assert browser(neighbour).get(post_url(report)).status_code == 405


# Reports the public does not see


@pytest.mark.parametrize("state", ["unmoderated", "hidden"])
def test_nobody_comments_on_a_report_the_public_does_not_see(
    browser, submit, routed, resident, neighbour, moderator, state
):
    if state == "unmoderated":
        report = submit(resident)
    else:
        report = content_hide(moderator=moderator, content=routed(resident), reason="Insults")

    # Those who may not see it get what a report that does not exist gives.
    for outsider in (None, neighbour):
        assert browser(outsider).get(page_url(report)).status_code == 404
        status = browser(outsider).post(post_url(report), {"body": "Hm"}).status_code
        assert status == (302 if outsider is None else 404)  # the anonymous are asked to log in first
    # Its author and the moderators see it, and are told the discussion is not open.
    expected = "published" if state == "unmoderated" else "hidden this report"
    for insider in (resident, moderator):
        response = browser(insider).post(post_url(report), {"body": "Hm"}, follow=True)
        assert response.status_code == 200 and expected in messages_of(response)
        page = browser(insider).get(page_url(report)).content.decode()
        assert expected in page and f'action="{post_url(report)}"' not in page
    assert not Comment.objects.exists()


def test_a_closed_report_keeps_its_discussion_but_takes_no_new_comments(
    browser, resolved, resident, neighbour
):
    report = resolved(resident)
    browser(neighbour).post(post_url(report), {"body": "Thank you, it works"})
    report = services.report_confirm(author=resident, report=report)

    response = browser(neighbour).post(post_url(report), {"body": "One more thing"}, follow=True)

    assert "This report is closed" in messages_of(response)
    assert [c.body for c in Comment.objects.all()] == ["Thank you, it works"]
    page = browser(neighbour).get(page_url(report))
    assert thread_of(page) == ["Thank you, it works"]
    assert "This report is closed" in page.content.decode()
    assert f'action="{post_url(report)}"' not in page.content.decode()


def test_the_discussion_is_open_exactly_while_the_public_sees_the_report():
    assert set(PHASES) == set(Status.values)
    discussed = {status for status, phase in PHASES.items() if Feature.COMMENT in phase.features}
    assert discussed == set(PUBLIC) - {Status.CLOSED}


def test_a_report_of_another_municipality_is_not_found_under_this_one(
    browser, report, neighbour, other_municipality
):
    response = browser(neighbour).post(
        f"/m/{other_municipality.slug}/reports/{report.pk}/comments/", {"body": "Hm"}
    )
    assert response.status_code == 404
    assert not Comment.objects.exists()


# What a comment is not, and who hears of it


def test_an_officials_comment_is_no_answer(browser, report, official):
    browser(official).post(post_url(report), {"body": "We will look at it next week"})

    report.refresh_from_db()
    assert Comment.objects.get().author == official
    assert (report.status, report.answer, report.answered_at) == (Status.ROUTED, "", None)
    assert not ReportEvent.objects.filter(report=report, actor=official).exists()
    page = browser().get(page_url(report)).content.decode()
    assert 'id="answer-h"' not in page and "We will look at it next week" in page


def test_followers_of_the_report_are_notified(browser, report, resident, neighbour, make_user):
    reader = make_user("reader")
    follow(user=reader, target=report)

    browser(neighbour).post(post_url(report), {"body": "Same on my street"})

    comment = Comment.objects.get()
    notices = Notification.objects.filter(kind="comment.created")
    assert set(notices.values_list("recipient__username", flat=True)) == {"resident", "reader"}
    assert {(n.body, n.url) for n in notices} == {
        ("Same on my street", f"/m/{report.municipality.slug}/comments/{comment.pk}/")
    }
    # The commenter follows the report from now on, and is not told of their own comment.
    followers = Follow.objects.filter(
        content_type=ContentType.objects.get_for_model(Report), object_id=report.pk
    )
    assert set(followers.values_list("user__username", flat=True)) == {"resident", "reader", "neighbour"}
    assert not Notification.objects.filter(recipient=neighbour, kind="comment.created").exists()


# The thread


def test_a_hidden_comment_leaves_the_thread_for_the_public(browser, report, neighbour, moderator, make_user):
    browser(neighbour).post(post_url(report), {"body": "Buy cheap windows"})
    browser(make_user("other")).post(post_url(report), {"body": "Same here"})
    spam = Comment.objects.get(body="Buy cheap windows")

    content_hide(moderator=moderator, content=spam, reason="Spam")

    for viewer in (None, make_user("passer_by")):
        page = browser(viewer).get(page_url(report))
        assert thread_of(page) == ["Same here"]
        assert "Buy cheap windows" not in page.content.decode()
    # Its author and the moderators still see it, marked as hidden.
    for insider in (neighbour, moderator):
        page = browser(insider).get(page_url(report))
        assert thread_of(page) == ["Buy cheap windows", "Same here"]
        assert "Hidden by a moderator." in page.content.decode()
    assert browser().get(f"/m/{report.municipality.slug}/comments/{spam.pk}/").status_code == 404


def test_the_thread_is_oldest_first_fifty_a_page(browser, report, neighbour):
    for i in range(51):
        comment_create(author=neighbour, municipality=report.municipality, target=report, body=f"Update {i}")

    first = browser().get(page_url(report))
    second = browser().get(f"{page_url(report)}?page=2")

    assert thread_of(first) == [f"Update {i}" for i in range(50)]
    assert thread_of(second) == ["Update 50"]
    assert 'href="?page=2#discussion"' in first.content.decode()


@pytest.mark.parametrize(("earlier", "query"), [(49, ""), (50, "?page=2")])
def test_after_posting_the_page_shown_is_the_one_that_holds_the_new_comment(
    browser, report, neighbour, resident, earlier, query
):
    for i in range(earlier):
        comment_create(author=resident, municipality=report.municipality, target=report, body=f"Update {i}")

    response = browser(neighbour).post(post_url(report), {"body": "The newest word"}, follow=True)

    comment = Comment.objects.get(body="The newest word")
    assert response.redirect_chain == [(f"{page_url(report)}{query}#comment-{comment.pk}", 302)]
    assert thread_of(response)[-1] == "The newest word"
    assert f'id="comment-{comment.pk}"' in response.content.decode()


def test_the_page_of_a_new_comment_is_counted_in_the_thread_its_author_sees(
    browser, report, neighbour, resident, moderator
):
    """A hidden comment is on the moderators' pages but not on the commenter's: it does not push
    the new comment onto a second page that, for the commenter, does not exist."""
    for i in range(50):
        comment_create(author=resident, municipality=report.municipality, target=report, body=f"Update {i}")
    content_hide(moderator=moderator, content=Comment.objects.get(body="Update 7"), reason="Spam")

    response = browser(neighbour).post(post_url(report), {"body": "The newest word"}, follow=True)

    comment = Comment.objects.get(body="The newest word")
    assert response.redirect_chain == [(f"{page_url(report)}#comment-{comment.pk}", 302)]
    assert len(thread_of(response)) == 50 and thread_of(response)[-1] == "The newest word"
    assert thread_of(browser(moderator).get(f"{page_url(report)}?page=2")) == ["The newest word"]


def test_comments_under_a_report_that_is_hidden_later_follow_it(browser, report, neighbour, moderator):
    browser(neighbour).post(post_url(report), {"body": "Same here"})
    comment = Comment.objects.get()

    content_hide(moderator=moderator, content=report, reason="Insults")

    assert phase_of(Report.objects.get(pk=report.pk)).name == "hidden"
    assert browser().get(f"/m/{report.municipality.slug}/comments/{comment.pk}/").status_code == 404
    assert browser(moderator).get(f"/m/{report.municipality.slug}/comments/{comment.pk}/").status_code == 200


# A repeated form


def test_a_replayed_post_stores_one_comment(browser, report, neighbour):
    client = browser(neighbour)
    for _ in range(2):
        client.post(post_url(report), {"body": "Same here"})
    assert Comment.objects.count() == 1
