"""Threads: replies two levels deep, marks once per person and kind, hidden comments with replies."""

import json

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from veche.comments.models import Comment, CommentReaction
from veche.comments.services import comment_create, comment_react
from veche.core.errors import Conflict, DomainError
from veche.moderation.services import content_hide

pytestmark = pytest.mark.django_db
URL = "/m/testgrad/comments/"
EN = {"accept-language": "en"}


def post(user, municipality, body, parent=None):
    return comment_create(
        author=user,
        municipality=municipality,
        target=municipality,
        body=body,
        parent_id=parent.pk if parent else None,
    )


def test_a_reply_to_a_reply_goes_under_the_top_comment(resident, author, municipality):
    top = post(resident, municipality, "Fix the fountain")
    reply = post(author, municipality, "Agreed", top)
    deeper = post(resident, municipality, "Thanks", reply)
    assert reply.parent == top and deeper.parent == top


def test_a_reply_must_answer_a_comment_of_the_same_discussion(
    resident, municipality, other_municipality, make_user
):
    elsewhere = post(make_user("far"), other_municipality, "Elsewhere")
    for parent_id in (elsewhere.pk, 999999):
        with pytest.raises(DomainError) as refused:
            comment_create(
                author=resident,
                municipality=municipality,
                target=municipality,
                body="Hi",
                parent_id=parent_id,
            )
        assert "parent_id" in refused.value.fields
    assert Comment.objects.count() == 1


def test_a_mark_is_toggled_once_per_person_and_kind(resident, author, municipality):
    comment = post(author, municipality, "Fix the fountain")
    assert comment_react(user=resident, comment=comment, kind="agree") is True
    assert comment_react(user=resident, comment=comment, kind="useful") is True
    assert comment_react(user=resident, comment=comment, kind="agree") is False
    assert list(CommentReaction.objects.values_list("kind", flat=True)) == ["useful"]
    with pytest.raises(IntegrityError), transaction.atomic():
        CommentReaction.objects.create(comment=comment, user=resident, kind="useful")


def test_marks_are_refused_on_ones_own_hidden_or_with_an_unknown_kind(
    resident, author, municipality, moderator
):
    comment = post(author, municipality, "Fix the fountain")
    with pytest.raises(DomainError):
        comment_react(user=author, comment=comment, kind="agree")
    with pytest.raises(DomainError):
        comment_react(user=resident, comment=comment, kind="love")
    content_hide(moderator=moderator, content=comment, reason="Spam")
    with pytest.raises(Conflict):
        comment_react(user=resident, comment=comment, kind="agree")
    assert not CommentReaction.objects.exists()


def test_the_page_posts_a_reply_and_shows_it_under_its_comment(client_for, resident, author, municipality):
    top = post(author, municipality, "Fix the fountain")
    answer = client_for(resident).post(URL, {"body": "Мы за", "parent_id": top.pk})
    reply = Comment.objects.get(parent=top)
    assert answer["Location"] == f"/m/testgrad/#comment-{reply.pk}"
    html = client_for(resident).get("/m/testgrad/").content.decode()
    assert (
        html.index(f'id="comment-{top.pk}"')
        < html.index('class="comments replies"')
        < html.index(f'id="comment-{reply.pk}"')
    )
    assert f'name="parent_id" value="{top.pk}"' in html
    bad = client_for(resident).post(URL, {"body": "Нет", "parent_id": "abc"}, follow=True, headers=EN)
    assert "whole number" in bad.content.decode() or "whole number" in str(
        bad.context["messages"]._loaded_messages
    )
    assert Comment.objects.count() == 2


def test_the_mark_button_works_with_and_without_javascript(client_for, resident, author, municipality):
    comment = post(author, municipality, "Fix the fountain")
    url = f"{URL}{comment.pk}/react/"
    plain = client_for(resident).post(url, {"kind": "agree"})
    assert plain.status_code == 302 and plain["Location"] == f"/m/testgrad/#comment-{comment.pk}"
    html = client_for(resident).get("/m/testgrad/").content.decode()
    assert 'aria-pressed="true"' in html and 'data-count="1"' in html
    in_place = client_for(resident).post(url, {"kind": "agree"}, headers={"accept": "application/json"})
    assert in_place.status_code == 200 and not CommentReaction.objects.exists()
    refused = client_for(resident).post(url, {"kind": "love"}, headers={"accept": "application/json"})
    assert refused.status_code == 400
    assert client_for(None).post(url, {"kind": "agree"}).status_code == 302  # to log in
    assert client_for(resident).post(f"{URL}999999/react/", {"kind": "agree"}).status_code == 404
    assert not CommentReaction.objects.exists()


def test_a_hidden_comment_keeps_its_replies_in_place(client_for, resident, author, municipality, moderator):
    top = post(author, municipality, "Rude words 4f1c")
    reply = post(resident, municipality, "Please be polite", top)
    content_hide(moderator=moderator, content=top, reason="Insults")
    public = client_for(None, language="en").get("/m/testgrad/").content.decode()
    assert "Rude words 4f1c" not in public and "Please be polite" in public
    assert "This comment was hidden by a moderator." in public
    assert "Rude words 4f1c" in client_for(moderator).get("/m/testgrad/").content.decode()
    assert "Rude words 4f1c" in client_for(author).get("/m/testgrad/").content.decode()
    content_hide(moderator=moderator, content=reply, reason="Spam")
    assert f'id="comment-{top.pk}"' not in client_for(None).get("/m/testgrad/").content.decode()


def test_the_square_reads_as_many_queries_for_many_replies_and_marks(
    client_for, resident, municipality, make_user
):
    client = client_for(resident)

    def add(n: int) -> None:
        for i in range(n):
            writer = make_user(f"w{Comment.objects.count()}")
            top = post(writer, municipality, f"Top {i}")
            post(resident, municipality, f"Reply {i}", top)
            comment_react(user=resident, comment=top, kind="agree")

    def measure() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/m/testgrad/").status_code == 200
        return len(queries)

    add(2)
    measure()
    few = measure()
    add(8)
    assert measure() == few


def test_the_api_takes_replies_and_gives_marks(api_for, client, resident, author, municipality):
    top = post(author, municipality, "Fix the fountain")
    api = api_for(resident)
    made = api.post(
        "/api/v1/municipalities/testgrad/comments",
        json.dumps({"body": "Yes", "parent_id": top.pk}),
        content_type="application/json",
    )
    assert made.status_code == 201 and made.json()["parent_id"] == top.pk and made.json()["stance"] == ""
    side = api.post(
        "/api/v1/municipalities/testgrad/comments",
        json.dumps({"body": "No", "stance": "for"}),
        content_type="application/json",
    )
    assert side.status_code == 400 and "stance" in side.json()["error"]["fields"]
    mark_url = f"/api/v1/municipalities/testgrad/comments/{top.pk}/marks"
    marked = api.post(mark_url, json.dumps({"kind": "useful"}), content_type="application/json")
    assert marked.json() == {"kind": "useful", "marked": True, "count": 1}
    assert api.post(mark_url, json.dumps({"kind": "love"}), content_type="application/json").status_code in (
        400,
        422,
    )
    assert (
        client.post(mark_url, json.dumps({"kind": "useful"}), content_type="application/json").status_code
        == 401
    )
    listed = {c["id"]: c for c in client.get("/api/v1/municipalities/testgrad/comments").json()["items"]}
    assert listed[top.pk]["marks"] == {"agree": 0, "useful": 1}
    assert listed[made.json()["id"]]["parent_id"] == top.pk
