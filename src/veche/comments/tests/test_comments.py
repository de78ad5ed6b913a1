"""The town square: who may post, what is refused, how it is shown, and who is told."""

import pytest
from django.contrib.contenttypes.models import ContentType

from veche.comments.models import Comment
from veche.comments.services import comment_create
from veche.core.errors import DomainError, Forbidden
from veche.core.testing import messages_of
from veche.notifications.models import Follow, Notification

URL = "/m/testgrad/comments/"
EN = {"accept-language": "en"}


def test_a_confirmed_resident_posts(client_for, resident, municipality):
    response = client_for(resident).post(URL, {"body": "Давайте починим фонтан"})
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/m/testgrad/#comment-{comment.pk}"
    assert (comment.author, comment.municipality, comment.target) == (resident, municipality, municipality)


def test_an_unconfirmed_account_cannot_post(client_for, make_user, municipality):
    unconfirmed = make_user("newbie", confirmed=False)
    response = client_for(unconfirmed).post(URL, {"body": "Давайте починим фонтан"}, follow=True, headers=EN)
    assert "confirmed e-mail" in messages_of(response)
    assert not Comment.objects.exists()


def test_an_anonymous_visitor_is_sent_to_log_in(client, municipality):
    response = client.post(URL, {"body": "Давайте починим фонтан"})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not Comment.objects.exists()


def test_a_comment_in_an_inactive_municipality_is_404(client_for, resident, municipality):
    municipality.is_active = False
    municipality.save()
    assert client_for(resident).post(URL, {"body": "Есть кто?"}).status_code == 404
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    ("body", "message"),
    [("   ", "required"), ("я" * 4001, "at most 4000"), ("до\x00после", "Null characters")],
    ids=["empty", "4001-chars", "nul"],
)
def test_bad_bodies_are_refused_on_the_page(body, message, client_for, resident, municipality):
    response = client_for(resident).post(URL, {"body": body}, follow=True, headers=EN)
    assert message.lower() in messages_of(response).lower()
    assert not Comment.objects.exists()


def test_4000_chars_are_accepted(client_for, resident, municipality):
    client_for(resident).post(URL, {"body": "я" * 4000})
    assert len(Comment.objects.get().body) == 4000


@pytest.mark.parametrize("body", ["  \n ", "я" * 4001, "до\x00после"], ids=["empty", "4001-chars", "nul"])
def test_bad_bodies_are_refused_by_the_service(body, resident, municipality):
    with pytest.raises(DomainError) as refused:
        comment_create(author=resident, municipality=municipality, target=municipality, body=body)
    assert "body" in refused.value.fields
    assert not Comment.objects.exists()


def test_the_service_needs_a_confirmed_account(make_user, municipality):
    with pytest.raises(Forbidden):
        comment_create(
            author=make_user("newbie", confirmed=False),
            municipality=municipality,
            target=municipality,
            body="Привет",
        )
    assert not Comment.objects.exists()


def test_html_in_a_comment_is_shown_sanitised(client_for, resident, municipality, client):
    body = (
        "**Важно** <script>alert('xss')</script> <img src=x onerror=alert(1)> [ссылка](javascript:alert(2))"
    )
    client_for(resident).post(URL, {"body": body})
    assert Comment.objects.get().body == body  # stored as written, cleaned when shown
    comment = Comment.objects.get()
    for page in (client.get("/m/testgrad/"), client.get(f"{URL}{comment.pk}/")):
        html = page.content.decode()
        assert "<strong>Важно</strong>" in html
        assert "<script>" not in html and "alert(" not in html
        assert "onerror" not in html and "javascript:" not in html


def test_followers_are_notified_and_the_author_follows(client_for, resident, make_user, municipality):
    neighbour = make_user("neighbour")
    client_for(neighbour).post(URL, {"body": "Первый!"})
    assert not Notification.objects.exists()  # nobody followed the square yet

    client_for(resident).post(URL, {"body": "Второй"})
    notice = Notification.objects.get()
    comment = Comment.objects.get(author=resident)
    assert (notice.recipient, notice.kind, notice.body) == (neighbour, "comment.created", "Второй")
    assert notice.url == f"{URL}{comment.pk}/"
    square = ContentType.objects.get_for_model(municipality)
    followers = Follow.objects.filter(content_type=square, object_id=municipality.pk)
    assert set(followers.values_list("user__username", flat=True)) == {"neighbour", "resident"}


def test_commenting_twice_keeps_one_follow(resident, municipality):
    for body in ("Раз", "Два"):
        comment_create(author=resident, municipality=municipality, target=municipality, body=body)
    assert Follow.objects.filter(user=resident).count() == 1
    assert not Notification.objects.filter(recipient=resident).exists()


def test_a_form_sent_twice_is_one_comment_and_one_notice(client_for, resident, make_user, municipality):
    neighbour = make_user("neighbour")
    client_for(neighbour).post(URL, {"body": "Первый!"})
    client = client_for(resident)

    answers = [client.post(URL, {"body": "Второй"}) for _ in range(3)]

    assert [a.status_code for a in answers] == [302, 302, 302]
    assert Comment.objects.filter(author=resident).count() == 1
    assert Notification.objects.filter(recipient=neighbour).count() == 1


def test_the_same_words_again_later_or_other_words_are_new_comments(resident, municipality, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    from veche.comments import services

    first = comment_create(author=resident, municipality=municipality, target=municipality, body="Да")
    other = comment_create(author=resident, municipality=municipality, target=municipality, body="Нет")
    again = comment_create(author=resident, municipality=municipality, target=municipality, body="Да")
    later = timezone.now() + services.REPEAT_WINDOW + timedelta(seconds=1)
    monkeypatch.setattr(services.timezone, "now", lambda: later)
    much_later = comment_create(author=resident, municipality=municipality, target=municipality, body="Да")

    assert again == first
    assert len({first.pk, other.pk, much_later.pk}) == 3
    assert Comment.objects.count() == 3


def test_a_hidden_comment_posted_again_is_refused_not_returned(resident, make_user, municipality):
    from veche.core.errors import Conflict
    from veche.moderation.services import content_hide

    moderator = make_user("moderator")
    from veche.municipalities.models import Membership

    Membership.objects.create(user=moderator, municipality=municipality, role="moderator")
    first = comment_create(author=resident, municipality=municipality, target=municipality, body="Грубо")
    content_hide(moderator=moderator, content=first, reason="Insults")

    with pytest.raises(Conflict) as refused:
        comment_create(author=resident, municipality=municipality, target=municipality, body="Грубо")
    assert refused.value.code == "comment_hidden"
    assert Comment.objects.count() == 1
