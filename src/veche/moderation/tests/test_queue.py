"""The moderators' queue and their decisions: hide, restore, dismiss — each with a reason."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from veche.comments.models import Comment
from veche.comments.services import comment_create
from veche.core.models import AuditEntry
from veche.moderation.models import Flag
from veche.moderation.services import content_hide, flag_create
from veche.municipalities.models import Membership
from veche.notifications.models import Notification

QUEUE = "/m/testgrad/staff/moderation/"
EN = {"accept-language": "en"}


def decide(comment, action):
    return f"{QUEUE}comments.comment/{comment.pk}/{action}/"


def api_decide(comment, action):
    return f"/api/v1/moderation/comments.comment/{comment.pk}/{action}"


@pytest.fixture
def flagged(comment, reporter, make_user):
    flag_create(reporter=reporter, content=comment, reason="spam")
    flag_create(reporter=make_user("second"), content=comment, reason="offensive")
    return comment


@pytest.fixture
def mod_client(client_for, moderator):
    return client_for(moderator)


def test_the_queue_lists_flagged_items_with_counts(mod_client, flagged, author, municipality):
    calm = comment_create(
        author=author, municipality=municipality, target=municipality, body="Спокойный текст"
    )
    response = mod_client.get(QUEUE, headers=EN)
    assert response.status_code == 200
    [item] = response.context["items"]
    assert (item.content, item.flags) == (flagged, 2)
    page = response.content.decode()
    assert "2 flags" in page
    assert "Купите окна!!!" in page and calm.body not in page
    assert "spam or advertising" in page and "offensive or abusive" in page


def test_an_admin_also_moderates(client_for, municipal_admin, flagged):
    assert client_for(municipal_admin).get(QUEUE).status_code == 200


def flag_many(municipality, make_user, count, start):
    reporter = make_user(f"reporter{start}")
    for i in range(start, start + count):
        author = make_user(f"writer{i}")
        comment = comment_create(
            author=author, municipality=municipality, target=municipality, body=f"Текст {i}"
        )
        flag_create(reporter=reporter, content=comment, reason="spam")


def test_the_queue_queries_do_not_grow_with_items(mod_client, municipality, make_user):
    flag_many(municipality, make_user, 2, 0)
    with CaptureQueriesContext(connection) as few:
        assert len(mod_client.get(QUEUE).context["items"]) == 2
    flag_many(municipality, make_user, 8, 2)
    with CaptureQueriesContext(connection) as many:
        assert len(mod_client.get(QUEUE).context["items"]) == 10
    assert len(many) == len(few)


def test_hide_with_a_reason(mod_client, moderator, flagged, author, make_user, client, client_for):
    response = mod_client.post(decide(flagged, "hide"), {"reason": "Реклама запрещена"})
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert (
        comment.is_hidden and comment.hidden_reason == "Реклама запрещена" and comment.hidden_by == moderator
    )

    # Gone for anonymous visitors and other residents, on the square and on its own page.
    for viewer in (client, client_for(make_user("passerby"))):
        assert "Купите окна" not in viewer.get("/m/testgrad/").content.decode()
        assert viewer.get(f"/m/testgrad/comments/{comment.pk}/").status_code == 404
    # Its author still sees it, with the reason.
    for url in ("/m/testgrad/", f"/m/testgrad/comments/{comment.pk}/"):
        page = client_for(author).get(url).content.decode()
        assert "Купите окна" in page and "Реклама запрещена" in page

    notice = Notification.objects.get(recipient=author)
    assert notice.kind == "moderation.hidden" and "Реклама запрещена" in notice.body
    assert not Flag.objects.filter(resolved_at__isnull=True).exists()
    assert set(Flag.objects.values_list("resolution", "resolved_by")) == {("hidden", moderator.pk)}
    entry = AuditEntry.objects.get(action="content.hide")
    assert (entry.actor, entry.target_id, entry.details) == (
        moderator,
        str(comment.pk),
        {"reason": "Реклама запрещена"},
    )
    assert not mod_client.get(QUEUE).context["items"]


def test_hide_through_the_api(api_for, moderator, flagged):
    response = api_for(moderator).post(
        api_decide(flagged, "hide"), {"reason": "Спам"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert Comment.objects.get().is_hidden


def test_restore(mod_client, moderator, comment, author, client):
    content_hide(moderator=moderator, content=comment, reason="Ошибочно")
    response = mod_client.post(decide(comment, "restore"), {"reason": "Проверили — всё в порядке"})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert not comment.is_hidden and comment.hidden_reason == ""
    assert "Купите окна" in client.get("/m/testgrad/").content.decode()
    assert Notification.objects.filter(recipient=author, kind="moderation.restored").exists()
    assert AuditEntry.objects.filter(action="content.restore", target_id=str(comment.pk)).exists()


def test_restoring_visible_content_is_refused(mod_client, comment):
    response = mod_client.post(decide(comment, "restore"), {"reason": "Зачем"}, follow=True, headers=EN)
    assert "not hidden" in " ".join(str(m) for m in response.context["messages"])
    assert not AuditEntry.objects.exists()


def test_dismiss(mod_client, moderator, flagged):
    response = mod_client.post(decide(flagged, "dismiss"), {"reason": "Не нарушает правил"})
    assert response.status_code == 302
    flagged.refresh_from_db()
    assert not flagged.is_hidden
    assert set(Flag.objects.values_list("resolution", flat=True)) == {"dismissed"}
    entry = AuditEntry.objects.get(action="flags.dismiss")
    assert entry.details == {"reason": "Не нарушает правил", "flags": 2}
    assert not Notification.objects.filter(kind__startswith="moderation").exists()
    assert not mod_client.get(QUEUE).context["items"]


@pytest.mark.parametrize("reason", ["", "   ", "я" * 501], ids=["empty", "blank", "501-chars"])
@pytest.mark.parametrize("action", ["hide", "dismiss"])
def test_bad_reasons_are_refused_on_the_page(reason, action, mod_client, flagged):
    response = mod_client.post(decide(flagged, action), {"reason": reason}, follow=True, headers=EN)
    assert "Give a reason" in " ".join(str(m) for m in response.context["messages"])
    flagged.refresh_from_db()
    assert not flagged.is_hidden
    assert Flag.objects.filter(resolved_at__isnull=True).count() == 2
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize("reason", ["", "я" * 501], ids=["empty", "501-chars"])
def test_bad_reasons_are_refused_by_the_api(reason, api_for, moderator, flagged):
    response = api_for(moderator).post(
        api_decide(flagged, "hide"), {"reason": reason}, content_type="application/json"
    )
    assert response.status_code == 422
    assert "reason" in response.json()["error"]["fields"]
    assert not Comment.objects.get().is_hidden


def test_500_chars_are_accepted(mod_client, flagged):
    mod_client.post(decide(flagged, "hide"), {"reason": "я" * 500})
    assert len(Comment.objects.get().hidden_reason) == 500


def test_a_moderator_of_another_municipality_gets_404(
    client_for, api_for, make_user, other_municipality, flagged
):
    stranger = make_user("stranger", role="moderator", municipality=other_municipality)
    client = client_for(stranger)
    assert client.get(QUEUE).status_code == 404
    assert client.post(decide(flagged, "hide"), {"reason": "Чужой"}).status_code == 404
    # Not through their own municipality's queue either.
    wrong = f"/m/drugograd/staff/moderation/comments.comment/{flagged.pk}/hide/"
    assert client.post(wrong, {"reason": "Чужой"}).status_code == 404
    response = api_for(stranger).post(
        api_decide(flagged, "hide"), {"reason": "Чужой"}, content_type="application/json"
    )
    assert response.status_code == 404
    assert not Comment.objects.get().is_hidden


def test_a_resident_gets_404(client_for, api_for, reporter, flagged):
    assert client_for(reporter).get(QUEUE).status_code == 404
    assert client_for(reporter).post(decide(flagged, "hide"), {"reason": "Сам"}).status_code == 404
    response = api_for(reporter).post(
        api_decide(flagged, "hide"), {"reason": "Сам"}, content_type="application/json"
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert not Comment.objects.get().is_hidden
    assert not AuditEntry.objects.exists()


def test_a_decision_goes_through_the_contents_own_municipality(
    client_for, make_user, municipality, other_municipality, flagged
):
    both = make_user("both", role="moderator", municipality=other_municipality)
    Membership.objects.create(user=both, municipality=municipality, role="moderator")
    client = client_for(both)
    wrong = f"/m/drugograd/staff/moderation/comments.comment/{flagged.pk}/hide/"
    assert client.post(wrong, {"reason": "Не туда"}).status_code == 404
    assert not Comment.objects.get().is_hidden
    assert client.post(decide(flagged, "hide"), {"reason": "Туда"}).status_code == 302
    assert Comment.objects.get().is_hidden
