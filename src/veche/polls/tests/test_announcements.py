"""Residents hear when a poll opens and when it closes: once each, by whichever of publishing,
closing early or the hourly tick gets there first."""

import importlib
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from io import StringIO

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from veche.accounts.models import User, Verification
from veche.core.testing import build_municipality, race
from veche.municipalities.models import Membership
from veche.notifications.models import Notification
from veche.polls.models import Poll, PollTier
from veche.polls.services import poll_close, poll_create, poll_publish, poll_vote, polls_announce
from veche.polls.tests.helpers import option_ids

pytestmark = pytest.mark.django_db


def told(kind: str) -> list[str]:
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


@pytest.fixture
def open_now(make_poll: Callable[..., Poll], municipal_admin: User) -> Callable[..., Poll]:
    """A poll published now, open from an hour ago (`make_poll` publishes before the opening)."""

    def make(**kwargs) -> Poll:
        return poll_publish(actor=municipal_admin, poll=make_poll(publish=False, **kwargs))

    return make


def test_publishing_an_open_poll_tells_its_residents_at_once(open_now, residents, make_user):
    make_user("stranger")  # no residence verified here: not told
    poll = open_now()
    assert told("poll.opened") == ["central", "northern", "nowhere"]
    notice = Notification.objects.filter(kind="poll.opened").first()
    assert notice is not None and notice.url == f"/m/testgrad/polls/{poll.pk}/"
    # In the recipient's language: Russian, the default.
    assert notice.title == f"Голосование открыто: «{poll.title}»"
    assert notice.body.startswith("Голосовать можно до ")
    assert polls_announce() == {"opened": 0, "closed": 0}
    assert len(told("poll.opened")) == 3


def test_a_poll_for_some_districts_tells_their_residents_only(open_now, residents, central):
    open_now(districts=[central])
    assert told("poll.opened") == ["central"]


def test_a_scheduled_poll_is_announced_by_the_first_tick_after_it_opens(make_poll, residents):
    poll = make_poll(opens_in=timedelta(hours=2))
    assert told("poll.opened") == []
    assert polls_announce(now=poll.opens_at - timedelta(seconds=1)) == {"opened": 0, "closed": 0}
    assert told("poll.opened") == []

    assert polls_announce(now=poll.opens_at + timedelta(minutes=30)) == {"opened": 1, "closed": 0}
    assert polls_announce(now=poll.opens_at + timedelta(minutes=90)) == {"opened": 0, "closed": 0}
    assert told("poll.opened") == ["central", "northern", "nowhere"]
    poll.refresh_from_db()
    assert poll.opened_notified_at == poll.opens_at + timedelta(minutes=30)


def test_closing_by_time_tells_the_voters_once_with_a_link_to_the_results(open_now, residents, voter):
    poll = open_now(lasts=timedelta(hours=3))
    poll_vote(user=voter, poll=poll, options=option_ids(poll)[:1])
    assert polls_announce(now=poll.closes_at - timedelta(seconds=1)) == {"opened": 0, "closed": 0}

    assert polls_announce(now=poll.closes_at) == {"opened": 0, "closed": 1}
    assert polls_announce(now=poll.closes_at + timedelta(hours=1)) == {"opened": 0, "closed": 0}
    assert told("poll.closed") == ["voter"]  # those who did not vote hear nothing
    notice = Notification.objects.get(kind="poll.closed")
    assert notice.url == f"/m/testgrad/polls/{poll.pk}/results/"
    assert (notice.title, notice.body) == (f"Голосование завершено: «{poll.title}»", "Итоги опубликованы.")


def test_closing_early_tells_the_voters_at_once_and_the_tick_not_again(
    open_now, residents, voter, municipal_admin
):
    poll = open_now()
    poll_vote(user=voter, poll=poll, options=option_ids(poll)[:1])
    poll_close(actor=municipal_admin, poll=poll)
    assert told("poll.closed") == ["voter"]
    assert polls_announce(now=poll.closes_at + timedelta(days=1)) == {"opened": 0, "closed": 0}
    assert told("poll.closed") == ["voter"]


def test_a_poll_closed_before_it_opened_is_never_announced(make_poll, residents, municipal_admin):
    poll = make_poll(opens_in=timedelta(hours=2))
    poll_close(actor=municipal_admin, poll=poll)
    assert polls_announce(now=poll.opens_at + timedelta(hours=1)) == {"opened": 0, "closed": 0}
    assert polls_announce(now=poll.closes_at + timedelta(hours=1)) == {"opened": 0, "closed": 0}
    assert Notification.objects.filter(kind__startswith="poll.").count() == 0


def test_a_draft_is_never_announced(make_poll, residents):
    poll = make_poll(publish=False)
    assert polls_announce(now=poll.closes_at + timedelta(hours=1)) == {"opened": 0, "closed": 0}
    assert Notification.objects.filter(kind__startswith="poll.").count() == 0


def test_notices_speak_each_residents_language(open_now, residents):
    User.objects.filter(username="central").update(language="ru")
    User.objects.filter(username="northern").update(language="en")
    open_now(title="Где поставить площадку?")
    by_name = {n.recipient.username: n for n in Notification.objects.filter(kind="poll.opened")}
    assert by_name["central"].title == "Голосование открыто: «Где поставить площадку?»"
    assert by_name["central"].body.startswith("Голосовать можно до ")
    assert by_name["northern"].title == "Voting has opened: “Где поставить площадку?”"


def test_the_tick_command_and_the_beat_schedule_run_the_announcements(make_poll, residents):
    make_poll(opens_in=timedelta(seconds=-1))  # published a minute before it opened
    out = StringIO()
    call_command("polls", "tick", stdout=out)
    assert out.getvalue().strip() == "announced 1 opened and 0 closed polls"
    assert len(told("poll.opened")) == 3
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "veche.polls.tasks.polls_tick" in tasks


@pytest.fixture
def racing_polls(transactional_db, make_user) -> tuple[Poll, Poll]:
    """In their own municipality, committed: one poll that has opened, one that has closed with a vote."""
    municipality = build_municipality("parallel", "Параллельск", "Parallelsk")
    admin = make_user("cityadmin")
    Membership.objects.create(user=admin, municipality=municipality, role=Membership.Role.ADMIN)
    for name in ("first", "second"):
        Verification.objects.create(
            user=make_user(name), municipality=municipality, provider=Verification.Provider.IN_PERSON
        )
    now = timezone.now()

    def make(title: str) -> Poll:
        return poll_create(
            actor=admin, municipality=municipality, title=title, description="", kind="single",
            options=["Yes", "No"], min_choices=1, max_choices=1, districts=[], tier=PollTier.VERIFIED,
            opens_at=now + timedelta(hours=1), closes_at=now + timedelta(hours=5), live_results=False,
        )  # fmt: skip

    opening, closing = make("Opening"), make("Closing")
    for poll in (opening, closing):
        poll_publish(actor=admin, poll=poll, now=now)
    poll_vote(
        user=User.objects.get(username="first"),
        poll=closing,
        options=option_ids(closing)[:1],
        now=now + timedelta(hours=1, seconds=30),
    )
    return opening, closing


def test_ticks_at_once_announce_each_poll_once(racing_polls):
    opening, closing = racing_polls
    moment = opening.opens_at + timedelta(minutes=1)
    Poll.objects.filter(pk=closing.pk).update(closes_at=moment)

    results, errors = race([partial(polls_announce, now=moment) for _ in range(4)])

    assert errors == []
    assert sum(r["opened"] for r in results) == 1  # type: ignore[index]
    assert sum(r["closed"] for r in results) == 1  # type: ignore[index]
    assert told("poll.opened") == ["first", "second"]
    assert told("poll.closed") == ["first"]


def test_the_migration_marks_polls_that_opened_or_closed_before_it_as_told(make_poll, municipal_admin):
    migration = importlib.import_module("veche.polls.migrations.0002_announced")
    past = make_poll("Closed early", opens_in=timedelta(days=-3), lasts=timedelta(days=5))
    poll_close(actor=municipal_admin, poll=past)
    running = make_poll("Running", lasts=timedelta(days=3))
    upcoming = make_poll("Upcoming", opens_in=timedelta(days=1))
    Poll.objects.update(opened_notified_at=None, closed_notified_at=None)

    migration.mark_past_as_announced(django_apps, None)

    past.refresh_from_db()
    assert past.opened_notified_at is not None and past.closed_notified_at == past.closed_at
    running.refresh_from_db()
    assert running.opened_notified_at is not None and running.closed_notified_at is None
    upcoming.refresh_from_db()
    assert (upcoming.opened_notified_at, upcoming.closed_notified_at) == (None, None)
    assert polls_announce(now=upcoming.opens_at) == {"opened": 1, "closed": 0}
