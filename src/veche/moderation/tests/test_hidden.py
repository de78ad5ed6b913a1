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


@pytest.mark.django_db
def test_a_report_without_an_author_account_can_be_hidden(moderator, municipality):
    from veche.moderation.services import content_restore
    from veche.reports.models import Report, Source
    from veche.reports.services import report_moderate, report_submit

    lights = municipality.categories.create(
        department=municipality.departments.first(), slug="light", name="Свет", photo_required=False
    )
    report = report_submit(
        author=None,
        municipality=municipality,
        category=lights,
        latitude=55.7,
        longitude=37.6,
        description="Filed by an Open311 client",
        source=Source.OPEN311,
    )
    report = report_moderate(moderator=moderator, report=report)
    content_hide(moderator=moderator, content=report, reason="Duplicate")
    assert Report.objects.get(pk=report.pk).is_hidden
    content_restore(moderator=moderator, content=report, reason="Not a duplicate")
    assert not Report.objects.get(pk=report.pk).is_hidden
