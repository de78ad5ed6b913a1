"""Hidden content stays reachable for moderators: the queue lists it, and it can be restored there."""

import pytest

from veche.comments.models import Comment
from veche.moderation.services import content_hide

QUEUE = "/m/testgrad/staff/moderation/"


@pytest.mark.django_db
def test_hidden_comment_is_listed_and_restored_from_the_queue(client_for, moderator, comment):
    content_hide(moderator=moderator, content=comment, reason="Advertising")
    browser = client_for(moderator)
    page = browser.get(QUEUE).content.decode()
    assert "Купите окна" in page
    restore = f"{QUEUE}comments.comment/{comment.pk}/restore/"
    assert restore in page

    response = browser.post(restore, {"reason": "Not advertising after all"})

    assert response.status_code == 302
    assert Comment.objects.get(pk=comment.pk).hidden_at is None
    assert "Купите окна" not in browser.get(QUEUE).content.decode()


@pytest.mark.django_db
def test_hidden_content_of_another_city_is_not_listed(client_for, make_user, other_municipality, comment):
    from veche.municipalities.models import Membership

    elsewhere = make_user("elsewhere", role=Membership.Role.MODERATOR, municipality=other_municipality)
    hider = make_user("hider", role=Membership.Role.MODERATOR, municipality=comment.municipality)
    content_hide(moderator=hider, content=comment, reason="Advertising")
    page = client_for(elsewhere).get("/m/drugograd/staff/moderation/").content.decode()
    assert "Купите окна" not in page
