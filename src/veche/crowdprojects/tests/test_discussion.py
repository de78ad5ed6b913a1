"""CrowdWisdom's discussion: comments under ideas with a side, replies, marks and the arguments."""

import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.template.loader import render_to_string

from veche.comments.models import Comment, CommentReaction
from veche.comments.services import comment_create, comment_react
from veche.core.errors import Conflict, DomainError, Forbidden
from veche.core.testing import messages_of
from veche.crowdprojects import tallies
from veche.crowdprojects.models import IdeaStatus, ProjectTier, StageKind
from veche.crowdprojects.services.discussion import idea_comment
from veche.crowdprojects.tests.helpers import project_in_stage
from veche.crowdprojects.tests.wisdom_helpers import idea_in
from veche.crowdprojects.wisdom_selectors import arguments_of, sides_of

pytestmark = pytest.mark.django_db
EN = {"accept-language": "en"}


@pytest.fixture
def discussing(municipality, municipal_admin):
    return project_in_stage(actor=municipal_admin, municipality=municipality, kind=StageKind.DISCUSSION)


@pytest.fixture
def idea(discussing, author):
    return idea_in(discussing, author)


def say(user, idea, body, stance="", parent=None):
    return idea_comment(
        author=user,
        municipality=idea.municipality,
        target=idea,
        body=body,
        stance=stance,
        parent_id=parent.pk if parent else None,
    )


def comment_url(idea):
    return f"/m/{idea.municipality.slug}/projects/{idea.project_id}/ideas/{idea.pk}/comments/"


def test_a_comment_under_an_idea_takes_a_side(idea, resident):
    comment = say(resident, idea, "Benches are needed", "for")
    assert (comment.target, comment.stance) == (idea, "for")
    with pytest.raises(DomainError) as refused:
        say(resident, idea, "Maybe", "sideways")
    assert "stance" in refused.value.fields


def test_a_side_is_refused_where_comments_take_none(municipality, resident):
    with pytest.raises(DomainError) as refused:
        comment_create(
            author=resident, municipality=municipality, target=municipality, body="Да", stance="for"
        )
    assert "stance" in refused.value.fields
    assert not Comment.objects.exists()


def test_commenting_follows_the_stage_tier_and_districts(
    municipality, municipal_admin, author, resident, resident_of, central, northern
):
    voting = project_in_stage(actor=municipal_admin, municipality=municipality, kind=StageKind.VOTING)
    with pytest.raises(Forbidden):
        say(resident, idea_in(voting, author), "Late")
    local = project_in_stage(
        actor=municipal_admin,
        municipality=municipality,
        kind=StageKind.DISCUSSION,
        tier=ProjectTier.VERIFIED,
        districts=[central],
    )
    idea = idea_in(local, author)
    for outsider in (resident, resident_of("north", northern)):
        with pytest.raises(Forbidden):
            say(outsider, idea, "From afar")
    assert say(resident_of("centre", central), idea, "From here", "against").stance == "against"
    assert Comment.objects.count() == 1


def test_a_merged_idea_is_closed_for_discussion(idea, discussing, author, resident):
    merged = idea_in(discussing, author, "Lights")
    merged.status, merged.merged_into = IdeaStatus.MERGED, idea
    merged.save()
    with pytest.raises(Conflict):
        say(resident, merged, "Still here?")


def test_the_page_posts_a_side_and_a_reply(client_for, idea, resident, verified_resident):
    client = client_for(resident)
    first = client.post(comment_url(idea), {"body": "Нужны скамейки", "stance": "for"})
    top = Comment.objects.get()
    assert first.status_code == 302 and first["Location"].endswith(f"#comment-{top.pk}")
    assert top.stance == "for"
    client_for(verified_resident).post(
        comment_url(idea), {"body": "Дорого", "stance": "against", "parent_id": top.pk}
    )
    reply = Comment.objects.exclude(pk=top.pk).get()
    assert (reply.parent, reply.stance) == (top, "against")
    bad = client.post(comment_url(idea), {"body": "?", "stance": "maybe"}, follow=True, headers=EN)
    assert "valid choice" in messages_of(bad)
    assert Comment.objects.count() == 2


def test_marks_on_idea_comments_follow_the_stage(
    municipality, municipal_admin, idea, resident, verified_resident, author
):
    comment = say(resident, idea, "Good", "for")
    assert comment_react(user=verified_resident, comment=comment, kind="agree") is True
    voting = project_in_stage(actor=municipal_admin, municipality=municipality, kind=StageKind.VOTING)
    late_idea = idea_in(voting, author)
    late = Comment.objects.create(
        municipality=municipality,
        target_type=ContentType.objects.get_for_model(late_idea),
        target_id=late_idea.pk,
        author=resident,
        body="Earlier",
    )
    with pytest.raises(Forbidden):
        comment_react(user=verified_resident, comment=late, kind="agree")
    assert CommentReaction.objects.count() == 1


def test_arguments_count_sides_and_rank_the_most_marked(idea, discussing, resident, make_user, moderator):
    from veche.moderation.services import content_hide

    people = [make_user(f"p{i}") for i in range(5)]
    fors = [say(people[i], idea, f"For {i}", "for") for i in range(4)]
    against = say(people[4], idea, "Against", "against")
    say(resident, idea, "Just a question")
    for i, person in enumerate(people[:3]):
        comment_react(user=person, comment=fors[3], kind="agree")
        if i < 2:
            comment_react(user=person, comment=fors[2], kind="useful")
    content_hide(moderator=moderator, content=fors[0], reason="Spam")
    found = arguments_of(idea)
    assert found.counts == {"for": 3, "against": 1}
    assert [c.body for c in found.top["for"]] == ["For 3", "For 2", "For 1"]
    assert found.top["against"] == [against]
    assert sides_of(discussing) == {idea.pk: {"for": 3, "against": 1}}


@pytest.mark.parametrize("language", ["ru", "en"])
def test_the_project_page_sums_up_the_arguments(client_for, idea, discussing, resident, language):
    say(resident, idea, "Yes", "for")
    say(resident, idea, "No", "against")
    html = client_for(None, language=language).get(discussing.get_absolute_url()).content.decode()
    assert 'data-for="1" data-against="1"' in html
    assert ("1 за · 1 против" if language == "ru" else "1 for · 1 against") in html


def test_the_arguments_include_renders(idea, resident):
    say(resident, idea, "Shade for the elderly", "for")
    html = render_to_string("crowdprojects/wisdom/_arguments.html", {"arguments": arguments_of(idea)})
    assert 'data-stance="for" data-count="1"' in html and "Shade for the elderly" in html


def test_the_thread_offers_sides_only_when_asked(rf, idea, resident):
    say(resident, idea, "Yes", "for")
    request = rf.get("/")
    request.user = resident
    context = {
        "heading": "Discussion",
        "post_url": comment_url(idea),
        "can_comment": True,
        "comments": Comment.objects.all(),
        "user": resident,
    }
    plain = render_to_string("comments/_thread.html", context, request=request)
    with_sides = render_to_string("comments/_thread.html", {**context, "stances": True}, request=request)
    assert 'name="stance"' not in plain and 'name="stance"' in with_sides
    assert 'data-stance="for"' in plain


def test_comments_count_as_contributions(idea, discussing, resident):
    say(resident, idea, "One")
    say(resident, idea, "Two", "for")
    rows = {c.key: c for c in tallies.contributions()}["comments"].rows(discussing)
    assert rows.count() == 2 and {r["user_id"] for r in rows} == {resident.pk}


def test_the_api_gives_an_ideas_arguments(client, idea, resident):
    say(resident, idea, "Yes", "for")
    body = client.get(f"/api/v1/ideas/{idea.pk}/arguments").json()
    sides = {side["stance"]: side for side in body["sides"]}
    assert sides["for"]["count"] == 1 and sides["for"]["top"][0]["body"] == "Yes"
    assert sides["against"] == {"stance": "against", "count": 0, "top": []}
    assert client.get("/api/v1/ideas/999999/arguments").status_code == 404
    assert json.loads(client.get("/api/v1/ideas/abc/arguments").content)["error"]
