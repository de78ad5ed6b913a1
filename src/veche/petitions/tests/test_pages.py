"""The pages every petition shares, for appeals and initiatives alike: the publishing form, what a page
shows of what people wrote, the endorse button's refusals, who sees a hidden petition and who answers,
and the discussion under it."""

import pytest
from django.conf import settings
from django.test import override_settings

from veche.comments.models import Comment
from veche.comments.services import comment_create
from veche.core.testing import HTMX
from veche.moderation.services import content_hide
from veche.notifications.models import Notification
from veche.petitions.tests.kinds import THURSDAY, reach_threshold


def url(kind, petition=None, action=""):
    """A petition's page (or an action on it), or the kind's list."""
    where = f"/m/testgrad/{kind.path}/"
    if petition is not None:
        where += f"{petition.pk}/"
    return where + (f"{action}/" if action else "")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "", "body": "Text"}, "Обязательное поле."),
        ({"title": "я" * 201, "body": "Text"}, "не более 200 символов"),
        ({"title": "Title", "body": "   "}, "Обязательное поле."),
        ({"title": "Title", "body": "я" * 4001}, "не более 4000 символов"),
        ({"title": "Title", "body": "a\x00b"}, "Данные содержат запрещённый символ: ноль-байт"),
    ],
    ids=["empty-title", "201-char-title", "empty-body", "4001-char-body", "nul-body"],
)
def test_bad_input_is_shown_on_the_form(data, message, kind, client_for, author):
    response = client_for(author).post(url(kind, action="new"), data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not kind.model.objects.exists()


def test_html_and_script_are_shown_sanitised(kind, client, municipality, author):
    title = "<script>alert('t')</script> Stop the <b>demolition</b>"
    body = (
        "**Important** <script>alert('xss')</script> <img src=x onerror=alert(1)> [link](javascript:alert(2))"
    )
    petition = kind.publish(author=author, municipality=municipality, title=title, body=body)
    assert (petition.title, petition.body) == (title, body)  # stored as written, made safe when shown

    for page in (client.get(url(kind)), client.get(url(kind, petition))):
        html = page.content.decode()
        assert (
            "&lt;script&gt;alert(&#x27;t&#x27;)&lt;/script&gt; Stop the &lt;b&gt;demolition&lt;/b&gt;" in html
        )
        assert "<script>alert" not in html and "<b>demolition" not in html
        assert "onerror" not in html and "javascript:" not in html
    assert "<strong>Important</strong>" in client.get(url(kind, petition)).content.decode()


def test_endorsing_refused_by_the_rate_limit_answers_429_with_retry_after(
    kind, client_for, petition, endorsers
):
    with override_settings(RATE_LIMITS={**settings.RATE_LIMITS, "write": "0/3600"}):
        response = client_for(endorsers[0]).post(url(kind, petition, kind.endorse_path))

    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    assert not kind.endorsement_model.objects.exists()


def test_an_unverified_resident_is_told_why_with_and_without_htmx(kind, client_for, petition, resident):
    client = client_for(resident)
    refusal = "Это доступно только подтверждённым жителям этого города."

    page = client.get(url(kind, petition)).content.decode()
    plain = client.post(url(kind, petition, kind.endorse_path))
    boxed = client.post(url(kind, petition, kind.endorse_path), headers=HTMX)

    assert refusal in page and "/accounts/verify/testgrad/" in page and "Подтвердить проживание" in page
    assert plain.status_code == 403 and refusal in plain.content.decode()
    assert boxed.status_code == 200 and refusal in boxed.content.decode()
    petition.refresh_from_db()
    assert petition.endorsements_count == 0 and not kind.endorsement_model.objects.exists()


def test_a_hidden_petition_is_seen_by_its_author_and_moderators_only(
    kind, client_for, client, petition, author, moderator, endorsers
):
    content_hide(moderator=moderator, content=petition, reason="Personal data")

    assert client.get(url(kind, petition)).status_code == 404
    assert client_for(endorsers[0]).get(url(kind, petition)).status_code == 404
    assert client_for(endorsers[0]).post(url(kind, petition, kind.endorse_path)).status_code == 404
    for viewer in (author, moderator):
        html = client_for(viewer).get(url(kind, petition)).content.decode()
        assert "Скрыто модератором." in html and "Personal data" in html
    assert petition.title not in client.get(url(kind)).content.decode()
    assert petition.title in client_for(author).get(url(kind)).content.decode()
    assert not kind.endorsement_model.objects.exists()


def test_unknown_and_foreign_ids_are_404(kind, client_for, client, endorsers, petition, other_municipality):
    for path in (f"{url(kind)}999999/", f"{url(kind)}99999999999999999999999/", f"{url(kind)}0/"):
        assert client.get(path).status_code == 404
    assert client_for(endorsers[0]).post(f"{url(kind)}999999/{kind.endorse_path}/").status_code == 404
    # Another municipality's slug does not reach this petition.
    assert client.get(f"/m/drugograd/{kind.path}/{petition.pk}/").status_code == 404
    assert client.get(f"/m/nowhere/{kind.path}/").status_code == 404
    assert not kind.endorsement_model.objects.exists()


@pytest.mark.parametrize("role", ["resident", "verified_resident", "moderator", "author"])
def test_the_answer_page_is_404_for_everyone_but_those_who_answer(
    role, request, kind, client_for, petition, endorsers
):
    reach_threshold(kind, petition, endorsers, THURSDAY)
    client = client_for(request.getfixturevalue(role))

    assert client.get(url(kind, petition, "answer")).status_code == 404
    assert client.post(url(kind, petition, "answer"), kind.answer_data).status_code == 404
    petition.refresh_from_db()
    assert petition.status == "threshold_reached" and petition.answered_at is None


def test_a_comment_under_a_petition_tells_its_author(kind, client_for, petition, endorsers, author):
    response = client_for(endorsers[0]).post(url(kind, petition, "comments"), {"body": "I *agree*"})

    comment = Comment.objects.get()
    assert response["Location"] == f"{url(kind, petition)}#comment-{comment.pk}"
    assert comment.target == petition
    assert "<em>agree</em>" in client_for(None).get(url(kind, petition)).content.decode()
    assert Notification.objects.get(kind="comment.created").recipient == author


def test_a_comment_that_starts_a_second_page_is_shown_on_it_after_posting(
    kind, client_for, petition, endorsers, author
):
    for i in range(50):
        comment_create(
            author=author,
            municipality=petition.municipality,
            target=petition,
            body=f"News {i}",
            phase=kind.phase_of(petition),
        )

    response = client_for(endorsers[0]).post(
        url(kind, petition, "comments"), {"body": "The 51st"}, follow=True
    )

    comment = Comment.objects.get(body="The 51st")
    assert response.redirect_chain == [(f"{url(kind, petition)}?page=2#comment-{comment.pk}", 302)]
    assert [c.body for c in response.context["comments"]] == ["The 51st"]
    assert f'id="comment-{comment.pk}"' in response.content.decode()


# Receipts, and the list's "Only mine".

COUNTED = {"appeal": "Подпись под петицией «{}»", "initiative": "Поддержка инициативы «{}»"}


def test_an_endorsement_shows_its_receipt_with_and_without_htmx(kind, client_for, petition, endorsers):
    from veche.ledger.models import LedgerEntry
    from veche.ledger.services import chain_name
    from veche.ledger.templatetags.receipts import receipt_groups

    plain = client_for(endorsers[0]).post(url(kind, petition, kind.endorse_path), follow=True)
    boxed = client_for(endorsers[1]).post(url(kind, petition, kind.endorse_path), headers=HTMX)

    entries = LedgerEntry.objects.filter(chain=chain_name(petition)).order_by("seq")
    first, second = entries
    endorsements = kind.endorsement_model.objects.order_by("created_at", "id")
    assert [e.receipt for e in endorsements] == [first.entry_hash, second.entry_hash]
    assert receipt_groups(first.entry_hash) in plain.content.decode()
    assert receipt_groups(second.entry_hash) in boxed.content.decode()
    assert f"/ledger/?receipt={first.entry_hash}" in plain.content.decode()
    check = client_for().get("/ledger/", {"receipt": first.entry_hash}).content.decode()
    assert COUNTED[kind.name].format(petition.title) in check
    assert f"{kind.model._meta.label_lower}:" not in check and "endorser0" not in check


def test_only_mine_lists_what_i_published_or_endorsed(
    kind, client_for, client, municipality, author, endorsers
):
    from django.utils import timezone

    mine = kind.publish(author=author, municipality=municipality, title="Published by me", now=timezone.now())
    theirs = kind.publish(
        author=endorsers[1], municipality=municipality, title="Endorsed by me", now=timezone.now()
    )
    other = kind.publish(
        author=endorsers[2], municipality=municipality, title="Not mine at all", now=timezone.now()
    )
    kind.endorse(user=author, petition=theirs)

    listed = client_for(author).get(url(kind), {"mine": "on"}).content.decode()
    everyone = client_for(author).get(url(kind)).content.decode()
    anonymous = client.get(url(kind), {"mine": "on"})

    assert mine.title in listed and theirs.title in listed and other.title not in listed
    assert "Только мои" in everyone and other.title in everyone
    # Signed out, the filter is not offered and is ignored.
    assert anonymous.status_code == 200
    assert other.title in anonymous.content.decode() and "Только мои" not in anonymous.content.decode()
