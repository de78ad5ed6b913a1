"""Petitions past their answer day, for appeals and initiatives alike: escalated once by the tick,
shown as overdue on the pages and in the API, and never while hidden."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import base, execute_from_command_line
from django.utils import formats, timezone, translation
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext

from veche.appeals.tasks import escalate_overdue_appeals
from veche.core.models import AuditEntry
from veche.initiatives.tasks import initiatives_tick
from veche.moderation.services import content_hide, content_restore
from veche.municipalities.zones import local_day
from veche.notifications.models import Notification
from veche.petitions.tests.kinds import notices, reach_threshold

# A Monday: ten working days later the answer is due.
REACHED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
API = "/api/v1"


def at(petition, day: date, hour: int, minute: int = 0) -> datetime:
    """A moment on `day` by the clock of the petition's municipality."""
    zone = ZoneInfo(petition.municipality.timezone)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)


@pytest.fixture
def awaiting(kind, make_petition, endorsers, official, municipal_admin):
    """A petition that owes an answer, with an official and an admin to give it."""
    return reach_threshold(kind, make_petition(now=REACHED - timedelta(days=1)), endorsers, REACHED)


# The service.


def test_the_day_after_the_deadline_escalates_once_and_tells_each_answerer(kind, awaiting):
    late = at(awaiting, awaiting.answer_due + timedelta(days=1), 0, 1)

    assert kind.escalate(now=late) == 1
    assert kind.escalate(now=late) == 0
    assert kind.escalate(now=late + timedelta(days=7)) == 0

    awaiting.refresh_from_db()
    assert awaiting.escalated_at == late and awaiting.status == "threshold_reached"
    assert notices(f"{kind.name}.overdue") == ["cityadmin", "official"]
    notice = Notification.objects.filter(kind=f"{kind.name}.overdue").first()
    assert notice is not None and awaiting.title in notice.title
    with translation.override(notice.recipient.language):  # each notice speaks its recipient's language
        due = formats.date_format(awaiting.answer_due, "DATE_FORMAT")
        # One full stop after a Russian date ("… 3 марта 2026 г."), not the date's and the sentence's.
        assert notice.body == gettext("The official answer was due on {}.").format(due).replace("..", ".")
        assert not notice.body.endswith("..")
    assert notice.url == f"/m/testgrad/{kind.path}/{awaiting.pk}/"


def test_nothing_is_escalated_on_the_deadline_day_itself(kind, awaiting):
    assert kind.escalate(now=at(awaiting, awaiting.answer_due, 23, 59)) == 0

    awaiting.refresh_from_db()
    assert awaiting.escalated_at is None and notices(f"{kind.name}.overdue") == []


@pytest.mark.parametrize(("zone", "escalated"), [("Asia/Vladivostok", 1), ("Europe/Moscow", 0)])
def test_the_deadline_day_ends_by_the_municipality_s_clock(zone, escalated, kind, awaiting):
    # Just after midnight in Vladivostok (UTC+10), the due day's afternoon in Moscow, the server's zone.
    moment = datetime.combine(awaiting.answer_due, datetime.min.time(), tzinfo=UTC) + timedelta(
        hours=14, minutes=30
    )
    awaiting.municipality.timezone = zone
    awaiting.municipality.save(update_fields=["timezone"])

    assert kind.escalate(now=moment) == escalated
    assert len(notices(f"{kind.name}.overdue")) == 2 * escalated


@pytest.mark.parametrize("answered_days_after_due", [0, 3], ids=["on-time", "late"])
def test_an_answered_petition_is_not_escalated(answered_days_after_due, kind, awaiting, official):
    answered_at = at(awaiting, awaiting.answer_due + timedelta(days=answered_days_after_due), 12)

    kind.answer(official=official, petition=awaiting, now=answered_at)

    assert kind.escalate(now=answered_at + timedelta(days=5)) == 0
    awaiting.refresh_from_db()
    assert awaiting.answered_at == answered_at and awaiting.escalated_at is None
    assert notices(f"{kind.name}.overdue") == []
    on_time = AuditEntry.objects.get(action=kind.answer_action).details["on_time"]
    assert on_time is (answered_days_after_due == 0)


def test_an_escalated_petition_can_still_be_answered(kind, awaiting, official):
    late = at(awaiting, awaiting.answer_due + timedelta(days=2), 9)
    assert kind.escalate(now=late) == 1

    answered = kind.answer(official=official, petition=awaiting, now=late)

    assert answered.answered_at == late and answered.escalated_at == late
    assert not answered.is_overdue(local_day(answered.municipality, late))
    assert AuditEntry.objects.get(action=kind.answer_action).details["on_time"] is False


def test_a_hidden_petition_waits_until_it_is_restored(kind, awaiting, moderator):
    late = at(awaiting, awaiting.answer_due + timedelta(days=1), 9)
    content_hide(moderator=moderator, content=awaiting, reason="Personal data")

    assert kind.escalate(now=late) == 0
    content_restore(moderator=moderator, content=awaiting, reason="Edited")
    assert kind.escalate(now=late + timedelta(hours=1)) == 1
    assert notices(f"{kind.name}.overdue") == ["cityadmin", "official"]


# The command and the Celery task: the same work, for cron and for beat.


@pytest.fixture
def run_command(monkeypatch, capsys):
    """Run `veche ARGS` as from a shell: (exit status, stdout, stderr)."""
    # The command closes every connection when it ends, the test database's too: keep it open.
    monkeypatch.setattr(base.connections, "close_all", lambda: None)

    def run(*args: str) -> tuple[int, str, str]:
        try:
            execute_from_command_line(["veche", *args])
        except SystemExit as exited:
            status = int(exited.code or 0)
        else:
            status = 0
        out, err = capsys.readouterr()
        return status, out, err

    return run


def test_the_tick_command_reports_how_many_it_escalated(kind, awaiting, run_command):
    first, second = run_command(kind.path, "tick"), run_command(kind.path, "tick")

    assert first[0] == second[0] == 0 and first[2] == second[2] == ""
    assert kind.tick_says(1) in first[1] and kind.tick_says(0) in second[1]
    assert notices(f"{kind.name}.overdue") == ["cityadmin", "official"]


def test_the_command_without_an_action_exits_with_an_error(kind, awaiting, run_command):
    status, out, err = run_command(kind.path)

    assert status == 2 and out == "" and "tick" in err
    awaiting.refresh_from_db()
    assert awaiting.escalated_at is None and notices(f"{kind.name}.overdue") == []


def test_the_celery_beat_task_escalates(kind, awaiting):
    if kind.name == "appeal":
        assert escalate_overdue_appeals.delay().get() == 1
    else:
        assert initiatives_tick.delay().get()["escalated"] == 1
    assert notices(f"{kind.name}.overdue") == ["cityadmin", "official"]


# Pages and the API, which read the date of the day.


@pytest.fixture(params=[60, 0], ids=["overdue", "in-time"])
def days_ago(request, kind, make_petition, endorsers, official, municipal_admin):
    """A petition that reached its threshold 60 days ago (overdue now) or today (in time)."""
    reached = timezone.now() - timedelta(days=request.param)
    petition = reach_threshold(kind, make_petition(now=reached), endorsers, reached)
    return petition, request.param > 0


# The badge, then what the page says once the day has passed, and before: in Russian and in English.
WORDS = {
    "ru": (
        "просрочено",
        "Официальный ответ нужно было дать не позднее {}.",
        "Официальный ответ нужно дать не позднее {}.",
    ),
    "en": ("overdue", "The official answer was due on {}.", "An official answer is due by {}."),
}


@pytest.mark.parametrize("language", list(WORDS))
def test_the_page_says_overdue_and_when_the_answer_was_due(language, kind, days_ago, client_for):
    petition, overdue = days_ago
    badge, was_due, is_due = WORDS[language]
    with translation.override(language):
        day = date_format(petition.answer_due, "j E Y")

    html = client_for(None, language=language).get(f"/m/testgrad/{kind.path}/{petition.pk}/").content.decode()

    assert (f'<span class="overdue">{badge}</span>' in html) is overdue
    assert (was_due.format(day) in html) is overdue
    assert (is_due.format(day) in html) is not overdue


def test_the_list_marks_overdue_ones_and_counts_them_for_answerers(
    kind, days_ago, client, client_for, official
):
    petition, overdue = days_ago

    public = client.get(f"/m/testgrad/{kind.path}/").content.decode()
    staff = client_for(official).get(f"/m/testgrad/{kind.path}/").content.decode()

    assert petition.title in public
    assert ('<span class="overdue">просрочено</span>' in public) is overdue
    assert (kind.one_past_deadline in staff) is overdue
    assert "Срок ответа истёк" not in public


def test_the_api_says_whether_the_answer_is_overdue(kind, days_ago, client):
    petition, overdue = days_ago

    one = client.get(f"{API}/{kind.path}/{petition.pk}").json()
    listed = client.get(f"{API}/municipalities/testgrad/{kind.path}").json()["items"]

    assert one["overdue"] is overdue and [p["overdue"] for p in listed] == [overdue]
    assert one["answer_due"] == petition.answer_due.isoformat() and one["status"] == "threshold_reached"


@pytest.mark.parametrize("hidden", [False, True], ids=["shown", "hidden"])
def test_a_hidden_petition_past_its_day_is_not_overdue_anywhere(
    hidden, kind, make_petition, endorsers, official, municipal_admin, moderator, client_for
):
    """Nobody can answer a hidden petition, so the count, the badges and the tick all pass it over.

    Its twin, the same petition left shown, is overdue in each of them, so no check passes for nothing.
    """
    reached = timezone.now() - timedelta(days=60)
    petition = reach_threshold(kind, make_petition(now=reached), endorsers, reached)
    if hidden:
        content_hide(moderator=moderator, content=petition, reason="Personal data")

    # Moderators see hidden petitions in the list and on their pages; the official sees the count.
    listed = client_for(moderator).get(f"/m/testgrad/{kind.path}/").content.decode()
    page = client_for(moderator).get(f"/m/testgrad/{kind.path}/{petition.pk}/").content.decode()
    counted = client_for(official).get(f"/m/testgrad/{kind.path}/").content.decode()

    assert petition.title in listed
    assert ('<span class="overdue">просрочено</span>' in listed) is not hidden
    assert ('id="overdue"' in page) is not hidden
    assert (kind.one_past_deadline in counted) is not hidden
    assert kind.overdue_count(municipality=petition.municipality) == (0 if hidden else 1)
    petition.refresh_from_db()
    assert petition.is_overdue(local_day(petition.municipality)) is not hidden
    assert kind.escalate() == (0 if hidden else 1)
    assert notices(f"{kind.name}.overdue") == ([] if hidden else ["cityadmin", "official"])
