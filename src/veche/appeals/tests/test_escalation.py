"""Appeals past their answer day: escalated once by the tick, shown as overdue on the pages and in the API."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import base, execute_from_command_line
from django.utils import formats, timezone, translation
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext

from veche.appeals.models import Appeal, Status
from veche.appeals.selectors import appeals_overdue_count
from veche.appeals.services import appeal_answer, appeal_close, appeal_sign, appeals_escalate_overdue
from veche.core.models import AuditEntry
from veche.moderation.services import content_hide, content_restore
from veche.municipalities.zones import local_day
from veche.notifications.models import Notification

from .conftest import THRESHOLD

# A Monday: ten working days later the answer is due.
REACHED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
API = "/api/v1"


def notices(kind="appeal.overdue"):
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


def at(appeal: Appeal, day: date, hour: int, minute: int = 0) -> datetime:
    """A moment on `day` by the clock of the appeal's municipality."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo(appeal.municipality.timezone))


def reach_threshold(appeal: Appeal, signers, now: datetime) -> Appeal:
    for signer in signers[:THRESHOLD]:
        appeal_sign(user=signer, appeal=appeal, now=now)
    appeal.refresh_from_db()
    assert appeal.status == Status.THRESHOLD_REACHED and appeal.answer_due is not None
    return appeal


@pytest.fixture
def awaiting(appeal, signers, official, municipal_admin) -> Appeal:
    """An appeal that owes an answer, with an official and an admin to give it."""
    return reach_threshold(appeal, signers, REACHED)


# The service.


def test_the_day_after_the_deadline_escalates_once_and_tells_each_answerer(awaiting):
    late = at(awaiting, awaiting.answer_due + timedelta(days=1), 0, 1)

    assert appeals_escalate_overdue(now=late) == 1
    assert appeals_escalate_overdue(now=late) == 0
    assert appeals_escalate_overdue(now=late + timedelta(days=7)) == 0

    awaiting.refresh_from_db()
    assert awaiting.escalated_at == late and awaiting.status == Status.THRESHOLD_REACHED
    assert notices() == ["cityadmin", "official"]
    notice = Notification.objects.filter(kind="appeal.overdue").first()
    assert notice is not None and awaiting.title in notice.title
    with translation.override(notice.recipient.language):  # each notice speaks its recipient's language
        due = formats.date_format(awaiting.answer_due, "DATE_FORMAT")
        assert notice.body == gettext("The official answer was due on {}.").format(due)
    assert notice.url == f"/m/testgrad/appeals/{awaiting.pk}/"


def test_nothing_is_escalated_on_the_deadline_day_itself(awaiting):
    last_minute = at(awaiting, awaiting.answer_due, 23, 59)

    assert appeals_escalate_overdue(now=last_minute) == 0

    awaiting.refresh_from_db()
    assert awaiting.escalated_at is None and notices() == []


@pytest.mark.parametrize(("zone", "escalated"), [("Asia/Vladivostok", 1), ("Europe/Moscow", 0)])
def test_the_deadline_day_ends_by_the_municipality_s_clock(zone, escalated, awaiting):
    # Just after midnight in Vladivostok (UTC+10), the due day's afternoon in Moscow, the server's zone.
    moment = datetime.combine(awaiting.answer_due, datetime.min.time(), tzinfo=UTC) + timedelta(
        hours=14, minutes=30
    )
    awaiting.municipality.timezone = zone
    awaiting.municipality.save(update_fields=["timezone"])

    assert appeals_escalate_overdue(now=moment) == escalated
    assert len(notices()) == 2 * escalated


@pytest.mark.parametrize("answered_days_after_due", [0, 3], ids=["on-time", "late"])
def test_an_answered_appeal_is_not_escalated(answered_days_after_due, awaiting, official):
    answered_at = at(awaiting, awaiting.answer_due + timedelta(days=answered_days_after_due), 12)

    appeal_answer(official=official, appeal=awaiting, answer="Revoked.", now=answered_at)

    assert appeals_escalate_overdue(now=answered_at + timedelta(days=5)) == 0
    awaiting.refresh_from_db()
    assert awaiting.status == Status.ANSWERED and awaiting.escalated_at is None and notices() == []
    on_time = AuditEntry.objects.get(action="appeal.answer").details["on_time"]
    assert on_time is (answered_days_after_due == 0)


def test_an_escalated_appeal_can_still_be_answered(awaiting, official):
    late = at(awaiting, awaiting.answer_due + timedelta(days=2), 9)
    assert appeals_escalate_overdue(now=late) == 1

    answered = appeal_answer(official=official, appeal=awaiting, answer="Late, but revoked.", now=late)

    assert answered.status == Status.ANSWERED and answered.escalated_at == late
    assert notices("appeal.answered") == ["author", "signer0", "signer1", "signer2"]
    assert AuditEntry.objects.get(action="appeal.answer").details["on_time"] is False


def test_a_closed_appeal_is_not_escalated(awaiting, author):
    appeal_close(author=author, appeal=awaiting)

    assert appeals_escalate_overdue(now=at(awaiting, awaiting.answer_due + timedelta(days=1), 9)) == 0
    assert notices() == []


def test_a_hidden_appeal_waits_until_it_is_restored(awaiting, moderator):
    late = at(awaiting, awaiting.answer_due + timedelta(days=1), 9)
    content_hide(moderator=moderator, content=awaiting, reason="Personal data")

    assert appeals_escalate_overdue(now=late) == 0
    content_restore(moderator=moderator, content=awaiting, reason="Edited")
    assert appeals_escalate_overdue(now=late + timedelta(hours=1)) == 1
    assert notices() == ["cityadmin", "official"]


# The command: the same work for cron.


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


def test_the_tick_command_reports_how_many_it_escalated(awaiting, run_command):
    assert run_command("appeals", "tick") == (0, "escalated 1 overdue appeals\n", "")
    assert run_command("appeals", "tick") == (0, "escalated 0 overdue appeals\n", "")
    assert notices() == ["cityadmin", "official"]


def test_the_command_without_an_action_exits_with_an_error(awaiting, run_command):
    status, out, err = run_command("appeals")

    assert status == 2 and out == "" and "tick" in err
    assert Appeal.objects.get(pk=awaiting.pk).escalated_at is None and notices() == []


# Pages and the API, which read the date of the day.


@pytest.fixture(params=[60, 0], ids=["overdue", "in-time"])
def days_ago(request, appeal, signers, official, municipal_admin) -> tuple[Appeal, bool]:
    """An appeal that reached its threshold 60 days ago (overdue now) or today (in time)."""
    reach_threshold(appeal, signers, timezone.now() - timedelta(days=request.param))
    return appeal, request.param > 0


def test_the_appeal_page_says_overdue_and_when_the_answer_was_due(days_ago, client):
    appeal, overdue = days_ago
    day = date_format(appeal.answer_due, "j E Y")

    html = client.get(f"/m/testgrad/appeals/{appeal.pk}/").content.decode()

    assert ('<span class="overdue">overdue</span>' in html) is overdue
    assert (f"The official answer was due on {day}." in html) is overdue
    assert (f"An official answer is due by {day}." in html) is not overdue


def test_the_list_marks_overdue_appeals_and_counts_them_for_answerers(days_ago, client, client_for, official):
    appeal, overdue = days_ago

    public = client.get("/m/testgrad/appeals/").content.decode()
    staff = client_for(official).get("/m/testgrad/appeals/").content.decode()

    assert ('<span class="overdue">overdue</span>' in public) is overdue
    assert ("1 appeal is past its answer deadline." in staff) is overdue
    assert "past its answer deadline" not in public


def test_the_api_says_whether_the_answer_is_overdue(days_ago, client):
    appeal, overdue = days_ago

    one = client.get(f"{API}/appeals/{appeal.pk}").json()
    listed = client.get(f"{API}/municipalities/testgrad/appeals").json()["items"]

    assert one["overdue"] is overdue and [a["overdue"] for a in listed] == [overdue]
    assert one["answer_due"] == appeal.answer_due.isoformat() and one["status"] == "threshold_reached"


@pytest.mark.parametrize("hidden", [False, True], ids=["shown", "hidden"])
def test_a_hidden_appeal_past_its_day_is_not_overdue_anywhere(
    hidden, appeal, signers, official, municipal_admin, moderator, client_for
):
    """Nobody can answer a hidden appeal, so the count, the badges and the tick all pass it over.

    Its twin, the same appeal left shown, is overdue in each of them, so no check passes for nothing.
    """
    reach_threshold(appeal, signers, timezone.now() - timedelta(days=60))
    if hidden:
        content_hide(moderator=moderator, content=appeal, reason="Personal data")

    # Moderators see hidden appeals in the list and on their pages; the official sees the count.
    listed = client_for(moderator).get("/m/testgrad/appeals/").content.decode()
    page = client_for(moderator).get(f"/m/testgrad/appeals/{appeal.pk}/").content.decode()
    counted = client_for(official).get("/m/testgrad/appeals/").content.decode()

    assert appeal.title in listed
    assert ('<span class="overdue">overdue</span>' in listed) is not hidden
    assert ('id="overdue"' in page) is not hidden
    assert ("1 appeal is past its answer deadline." in counted) is not hidden
    assert appeals_overdue_count(municipality=appeal.municipality) == (0 if hidden else 1)
    appeal.refresh_from_db()
    assert appeal.is_overdue(local_day(appeal.municipality)) is not hidden
    assert appeals_escalate_overdue() == (0 if hidden else 1)
    assert notices() == ([] if hidden else ["cityadmin", "official"])
