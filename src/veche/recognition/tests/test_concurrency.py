"""Awards at the same moment, each in its own thread and database connection (`core.testing.race`):
one award however many twins race, one confirmation's award, and the daily limit never passed."""

from functools import partial

from django.db import transaction

from veche.core.errors import Conflict
from veche.core.testing import race, unexpected
from veche.municipalities.models import District
from veche.recognition.models import Action, DailyAwards, Kind, PointEntry, PointRule
from veche.recognition.services import points_award, recognition_rules_ensure
from veche.reports.services import report_confirm

THREADS = 8


def award(**kwargs):
    with transaction.atomic():
        return points_award(**kwargs)


def test_eight_twins_of_one_award_write_it_once(transactional_db, municipality, author):
    recognition_rules_ensure(municipality=municipality)
    subject = municipality.districts.first()

    results, errors = race(
        [
            partial(award, user=author, municipality=municipality, action=Action.VOTE_CAST, subject=subject)
            for _ in range(THREADS)
        ]
    )

    assert not errors, unexpected(errors)
    assert sorted(results) == [False] * (THREADS - 1) + [True]
    assert PointEntry.objects.filter(kind=Kind.AWARD).count() == 1
    assert DailyAwards.objects.get().awarded == 1  # the twins gave back the places they claimed


def test_a_report_confirmed_eight_times_at_once_is_awarded_once(transactional_db, resolved, author):
    report = resolved(author)

    results, errors = race([partial(report_confirm, author=author, report=report) for _ in range(THREADS)])

    assert len(results) == 1 and not unexpected(errors, (Conflict,)), unexpected(errors, (Conflict,))
    [entry] = PointEntry.objects.all()
    assert entry.points == 10 and entry.subject == f"reports.report:{report.pk}"


def test_the_daily_limit_holds_for_awards_at_the_same_moment(transactional_db, municipality, author):
    recognition_rules_ensure(municipality=municipality)
    PointRule.objects.filter(municipality=municipality, action=Action.VOTE_CAST).update(daily_limit=3)
    subjects = [
        District.objects.create(municipality=municipality, name=f"Район {i}", slug=f"r{i}")
        for i in range(THREADS)
    ]

    results, errors = race(
        [
            partial(award, user=author, municipality=municipality, action=Action.VOTE_CAST, subject=subject)
            for subject in subjects
        ]
    )

    assert not errors, unexpected(errors)
    assert results == [True] * THREADS
    points = sorted(PointEntry.objects.values_list("points", flat=True))
    assert points == [0] * (THREADS - 3) + [1, 1, 1]
    assert DailyAwards.objects.get().awarded == 3
