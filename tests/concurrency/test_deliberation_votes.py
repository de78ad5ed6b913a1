"""Votes on a deliberation sent at the same moment, each in its own thread and connection: one vote
row per person and statement, one participant per person, and the serial counts every write."""

import threading
from functools import partial

import pytest

from veche.core.errors import Conflict
from veche.core.testing import race, unexpected
from veche.deliberation.models import Deliberation, Participant, Statement, StatementStatus, Vote
from veche.deliberation.services import statement_add, statement_moderate, vote_cast
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


def test_a_vote_that_read_the_statement_shown_is_refused_once_a_moderator_rejects_it(
    deliberation, resident, municipal_admin, monkeypatch
):
    """The vote reads the statement (shown), then a moderator rejects it, then the vote goes on: it must
    not land on a statement voters no longer see. Made to go this way every time: the vote waits after
    its first read for the rejection, which gets through only if nothing locks the statement by then."""
    statement = shown(deliberation)[0]
    read, rejected = threading.Event(), threading.Event()
    saw: list[bool] = []
    is_shown = Statement.is_shown

    def reading(self: Statement) -> bool:
        if threading.current_thread().name == "race-0" and not read.is_set():
            read.set()
            saw.append(rejected.wait(timeout=2))
        return bool(is_shown.fget(self))

    monkeypatch.setattr(Statement, "is_shown", property(reading))

    def vote() -> Vote:
        return vote_cast(user=resident, deliberation=deliberation, statement=statement, value=1)

    def reject() -> Statement:
        assert read.wait(timeout=30)
        done = statement_moderate(
            moderator=municipal_admin, statement=statement, accept=False, reason="Off topic"
        )
        rejected.set()
        return done

    _, errors = race([vote, reject])

    assert not unexpected(errors, (Conflict,)), unexpected(errors, (Conflict,))
    assert Statement.objects.get(pk=statement.pk).status == StatementStatus.REJECTED
    # The rejection came between the vote's first look and its write: the vote is refused.
    assert saw == [True]
    assert [error.code for error in errors] == ["statement_not_shown"]
    assert not Vote.objects.filter(statement=statement).exists()
