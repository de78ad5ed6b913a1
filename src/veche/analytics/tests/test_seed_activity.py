"""`veche seed_activity`: a tiny seeded database is whole (statuses, counters, keys, constraints)
and agrees with the roll-ups; a database with activity is refused."""

from collections import Counter
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models import Count, F, Min
from django.utils import timezone

from veche.analytics import services
from veche.budgeting.models import Ballot, BallotChoice
from veche.deliberation.models import Deliberation, Statement, Vote
from veche.initiatives.models import Initiative, InitiativeSupport
from veche.municipalities.models import Municipality
from veche.polls.models import Poll, PollChoice, PollVote
from veche.reports import mapcells
from veche.reports.models import Report, ReportEvent

pytestmark = pytest.mark.django_db


def seed(**options: object) -> None:
    given = {"reports": 200, "votes": 1000, "municipalities": 2, "months": 6, "seed": 3}
    call_command("seed_activity", **{**given, **options})


def test_seeds_the_rows_asked_for_whole_and_consistent() -> None:
    started = timezone.now()
    seed()

    assert Report.objects.count() == 200
    votes = PollVote.objects.count() + Vote.objects.count() + InitiativeSupport.objects.count()
    assert votes + Ballot.objects.count() == 1000
    assert min(PollVote.objects.count(), Vote.objects.count(), InitiativeSupport.objects.count()) > 0
    assert Ballot.objects.count() > 0
    # Two municipalities, over six months up to now.
    assert Report.objects.values("municipality").distinct().count() == 2
    oldest = started - timedelta(days=6 * 31)
    assert not Report.objects.filter(created_at__lt=oldest).exists()
    assert not Report.objects.filter(created_at__gt=timezone.now()).exists()

    # Every report starts with its submission, and its status is where its last step led.
    first = dict(
        ReportEvent.objects.values_list("report").annotate(first=Min("id")).values_list("report", "first")
    )
    assert len(first) == 200
    assert set(ReportEvent.objects.filter(id__in=first.values()).values_list("kind", flat=True)) == {
        "submitted"
    }
    last_status = {}
    for report_id, to_status in ReportEvent.objects.order_by("id").values_list("report_id", "to_status"):
        last_status[report_id] = to_status
    assert dict(Report.objects.values_list("id", "status")) == last_status
    kinds = Counter(ReportEvent.objects.values_list("kind", flat=True))
    assert kinds["resolved"] + kinds["rejected"] > 100
    # Answers both by the deadline and after it.
    answered = Report.objects.filter(answered_at__isnull=False)
    in_time = [r.answered_at.date() <= r.answer_due + timedelta(days=1) for r in answered]
    assert any(in_time) and not all(in_time)

    # Counters are the rows' counts.
    for poll in Poll.objects.annotate(n=Count("votes")):
        assert poll.votes_count == poll.n
    for initiative in Initiative.objects.annotate(n=Count("supports")):
        assert initiative.endorsements_count == initiative.n
        if initiative.status == "threshold_reached":
            assert initiative.n >= initiative.threshold
    for deliberation in Deliberation.objects.annotate(n=Count("votes")):
        assert deliberation.vote_serial == deliberation.n
    # A vote on a statement is never before the statement, nor before its participant joined.
    assert not Vote.objects.filter(created_at__lt=F("statement__created_at")).exists()
    assert not Vote.objects.filter(created_at__lt=F("participant__created_at")).exists()
    # One choice per poll vote; one to five projects per ballot.
    assert PollChoice.objects.count() == PollVote.objects.count()
    per_ballot = Counter(BallotChoice.objects.values_list("ballot_id", flat=True))
    assert len(per_ballot) == Ballot.objects.count() and set(per_ballot.values()) <= {1, 2, 3, 4, 5}
    # Residents' statements count as contributions, the organisers' seeds do not.
    assert Statement.objects.filter(is_seed=False, author__isnull=False).exists()

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA foreign_key_check")
            assert cursor.fetchall() == []
    # The map's cells were counted; the sequences moved past the ids given.
    for municipality in Municipality.objects.filter(reports__isnull=False).distinct():
        assert mapcells.differences(municipality) == []
    assert Report.objects.create(
        municipality=Report.objects.first().municipality,  # type: ignore[union-attr]
        category=Report.objects.first().category,  # type: ignore[union-attr]
        description="x",
        latitude=55.7,
        longitude=37.6,
        created_at=timezone.now(),
        updated_at=timezone.now(),
        moderation_due=timezone.localdate(),
        answer_due=timezone.localdate(),
    ).pk > max(first)

    # The roll-ups of the seeded activity agree with a recount.
    stats = services.rollup_run()
    assert stats.total > 0
    assert services.rollup_check() == []


def test_refuses_a_database_with_activity(resident: object) -> None:
    with pytest.raises(CommandError) as refused:
        seed()
    assert refused.value.returncode == 2
    assert "accounts" in str(refused.value) and "--force" in str(refused.value)
    assert not Report.objects.exists() and not PollVote.objects.exists()


def test_refuses_a_second_run_and_adds_with_force() -> None:
    seed(no_map=True)
    with pytest.raises(CommandError) as refused:
        seed(no_map=True)
    assert refused.value.returncode == 2
    assert "reports.Report" in str(refused.value)

    seed(no_map=True, force=True, months=1)
    assert Report.objects.count() == 400
    assert (
        Vote.objects.count()
        + PollVote.objects.count()
        + InitiativeSupport.objects.count()
        + (Ballot.objects.count())
        == 2000
    )
    services.rollup_run()
    assert services.rollup_check() == []


def test_a_key_pointing_nowhere_stops_the_seeding(municipality: object) -> None:
    """With the foreign-key triggers off (PostgreSQL, as a superuser), the bulk check still finds a
    row that points nowhere; elsewhere the triggers stay on and the database checks itself."""
    from veche.analytics.management.commands.seed_activity import Command, Ids, Writer
    from veche.polls.models import PollOption

    command = Command()
    command.ids = Ids()
    command.writer = Writer(lambda text: None)
    with transaction.atomic():
        checked_here = command._unchecked_keys()
        assert checked_here == (connection.vendor == "postgresql")
        first = command.ids.take(PollOption, 1)
        command.writer.write(PollOption, ["id", "poll", "position", "text"], [(first, 10**9, 1, "x")])
        if checked_here:
            with pytest.raises(CommandError, match="polls.PollOption.poll: 1 rows point nowhere"):
                command._check_keys()
        else:
            # SQLite keeps its own (deferred) check, which would refuse the commit.
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA foreign_key_check(polls_polloption)")
                assert [row[2] for row in cursor.fetchall()] == ["polls_poll"]
            transaction.set_rollback(True)
