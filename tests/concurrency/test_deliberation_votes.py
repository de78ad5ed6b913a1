"""Votes on a deliberation sent at the same moment, each in its own thread and connection: one vote
row per person and statement, one participant per person, and the serial counts every write."""

from functools import partial

import pytest

from veche.core.testing import race, unexpected
from veche.deliberation.models import Deliberation, Participant, Statement, Vote
from veche.deliberation.services import statement_add, vote_cast
from veche.deliberation.tests.helpers import SEEDS, open_deliberation, shown

THREADS = 8


@pytest.fixture
def deliberation(transactional_db, municipality, municipal_admin):
    return open_deliberation(municipal_admin, municipality, statements=SEEDS)


def test_a_burst_of_the_same_vote_is_one_vote_and_one_participant(deliberation, resident):
    statement = shown(deliberation)[0]
    call = partial(vote_cast, user=resident, deliberation=deliberation, statement=statement, value=1)

    _, errors = race([call] * THREADS)

    assert not errors, unexpected(errors)
    assert list(Vote.objects.values_list("value", flat=True)) == [1]
    assert Participant.objects.filter(deliberation=deliberation).count() == 1
    assert Deliberation.objects.get(pk=deliberation.pk).vote_serial == THREADS


def test_competing_values_leave_one_row_with_one_of_them(deliberation, resident):
    statement = shown(deliberation)[0]
    calls = [
        partial(vote_cast, user=resident, deliberation=deliberation, statement=statement, value=value)
        for value in (1, -1, 0) * 3
    ]

    _, errors = race(calls)

    assert not errors, unexpected(errors)
    [value] = Vote.objects.values_list("value", flat=True)
    assert value in (1, -1, 0)


def test_first_votes_on_different_statements_make_one_participant(deliberation, resident):
    calls = [
        partial(vote_cast, user=resident, deliberation=deliberation, statement=statement, value=1)
        for statement in shown(deliberation)
    ]

    _, errors = race(calls)

    assert not errors, unexpected(errors)
    [participant] = Participant.objects.filter(deliberation=deliberation)
    assert participant.number == 1
    assert Vote.objects.filter(participant=participant).count() == len(SEEDS)


def test_many_people_get_distinct_numbers(deliberation, make_user):
    statement = shown(deliberation)[0]
    people = [make_user(f"p{i}") for i in range(THREADS)]

    _, errors = race(
        [partial(vote_cast, user=p, deliberation=deliberation, statement=statement, value=1) for p in people]
    )

    assert not errors, unexpected(errors)
    numbers = sorted(Participant.objects.filter(deliberation=deliberation).values_list("number", flat=True))
    assert numbers == list(range(1, THREADS + 1))


def test_the_same_statement_added_at_once_is_stored_once(deliberation, make_user):
    people = [make_user(f"w{i}") for i in range(THREADS)]

    results, errors = race(
        [partial(statement_add, author=p, deliberation=deliberation, text="Нужен фонтан") for p in people]
    )

    assert len(results) == 1 and all(getattr(e, "code", "") == "duplicate" for e in errors), unexpected(
        [e for e in errors if getattr(e, "code", "") != "duplicate"]
    )
    assert Statement.objects.filter(deliberation=deliberation, text="Нужен фонтан").count() == 1
