"""The database's own rules: one vote per participant and statement, values -1/0/1, one participant
per user (imported participants without a user do not collide), unique numbers, dates in order; and
the migrations match the models."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from veche.deliberation.models import Deliberation, Participant, Statement, Vote
from veche.deliberation.tests.helpers import SEEDS, open_deliberation

pytestmark = pytest.mark.django_db


@pytest.fixture
def deliberation(municipal_admin, municipality):
    return open_deliberation(municipal_admin, municipality, statements=SEEDS[:2])


def _participant(deliberation, number, user=None):
    return Participant.objects.create(
        deliberation=deliberation, number=number, user=user, created_at=timezone.now()
    )


def _vote(deliberation, participant, statement, value):
    now = timezone.now()
    return Vote.objects.create(
        deliberation=deliberation,
        participant=participant,
        statement=statement,
        value=value,
        created_at=now,
        updated_at=now,
    )


def test_one_vote_per_participant_and_statement(deliberation, resident):
    participant = _participant(deliberation, 1, resident)
    statement = deliberation.statements.first()
    _vote(deliberation, participant, statement, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        _vote(deliberation, participant, statement, -1)


@pytest.mark.parametrize("value", [2, -2, 5])
def test_a_vote_is_minus_one_zero_or_one(deliberation, resident, value):
    participant = _participant(deliberation, 1, resident)
    statement = deliberation.statements.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        _vote(deliberation, participant, statement, value)


def test_a_user_is_one_participant_but_imported_ones_have_none(deliberation, resident):
    _participant(deliberation, 1, resident)
    _participant(deliberation, 2)
    _participant(deliberation, 3)
    with pytest.raises(IntegrityError), transaction.atomic():
        _participant(deliberation, 4, resident)
    with pytest.raises(IntegrityError), transaction.atomic():
        _participant(deliberation, 2)
    assert Participant.objects.filter(deliberation=deliberation, user=None).count() == 2


def test_statement_numbers_and_texts_are_unique_per_deliberation(deliberation):
    first = deliberation.statements.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Statement.objects.create(
            municipality=deliberation.municipality,
            deliberation=deliberation,
            number=first.number,
            text="другой текст",
            created_at=timezone.now(),
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Statement.objects.create(
            municipality=deliberation.municipality,
            deliberation=deliberation,
            number=99,
            text=first.text,
            text_key=first.text_key,
            created_at=timezone.now(),
        )
    # Imported duplicates keep no key and do not collide.
    for number in (100, 101):
        Statement.objects.create(
            municipality=deliberation.municipality,
            deliberation=deliberation,
            number=number,
            text=first.text,
            text_key=None,
            created_at=timezone.now(),
        )


def test_a_deliberation_closes_after_it_opens(deliberation):
    with pytest.raises(IntegrityError), transaction.atomic():
        Deliberation.objects.filter(pk=deliberation.pk).update(
            closes_at=deliberation.opens_at - timedelta(hours=1)
        )


def test_a_statement_limit_stays_between_20_and_500(deliberation):
    for bad in (19, 501):
        with pytest.raises(IntegrityError), transaction.atomic():
            Deliberation.objects.filter(pk=deliberation.pk).update(statement_max_length=bad)


def test_migrations_match_the_models():
    call_command("makemigrations", "deliberation", "--check", "--dry-run", verbosity=0)
