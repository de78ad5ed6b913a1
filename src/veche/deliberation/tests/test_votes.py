"""Voting: the latest vote counts, only on shown statements of this deliberation, values 1/-1/0 only;
the first vote makes a participant; the next statement is one not answered yet."""

import random

import pytest
from django.utils import timezone

from veche.core.errors import Conflict, DomainError, Forbidden
from veche.crowdprojects.models import ProjectTier
from veche.deliberation.models import Deliberation, Participant, Vote
from veche.deliberation.services import (
    find_participant,
    next_statement,
    statement_add,
    statement_moderate,
    vote_cast,
)
from veche.deliberation.tests.helpers import SEEDS, open_deliberation, shown

pytestmark = pytest.mark.django_db


@pytest.fixture
def deliberation(municipal_admin, municipality):
    return open_deliberation(municipal_admin, municipality, statements=SEEDS)


def _serial(deliberation):
    return Deliberation.objects.get(pk=deliberation.pk).vote_serial


def test_the_latest_vote_counts(deliberation, resident):
    statement = shown(deliberation)[0]
    vote_cast(user=resident, deliberation=deliberation, statement=statement, value=1)
    vote_cast(user=resident, deliberation=deliberation, statement=statement.pk, value=-1)

    assert list(Vote.objects.values_list("value", flat=True)) == [-1]
    assert Participant.objects.filter(deliberation=deliberation).count() == 1
    assert _serial(deliberation) == 2


def test_participants_are_numbered_in_order(deliberation, make_user):
    statement = shown(deliberation)[0]
    people = [make_user(f"p{i}") for i in range(3)]
    for person in people:
        vote_cast(user=person, deliberation=deliberation, statement=statement, value=0)
    assert [find_participant(user=p, deliberation=deliberation).number for p in people] == [1, 2, 3]


@pytest.mark.parametrize("value", [2, -2, "1", 1.0, True, None])
def test_a_vote_is_one_minus_one_or_zero(deliberation, resident, value):
    with pytest.raises(DomainError) as refused:
        vote_cast(user=resident, deliberation=deliberation, statement=shown(deliberation)[0], value=value)
    assert refused.value.code == "bad_vote" and "vote" in refused.value.fields
    assert not Vote.objects.exists() and not Participant.objects.exists()
    assert _serial(deliberation) == 0


def test_unknown_statements_are_refused(deliberation, resident, municipal_admin, municipality):
    elsewhere = open_deliberation(municipal_admin, municipality, title="Другой", statements=("Чужое",))
    for statement in (shown(elsewhere)[0], 10**9, "1", None):
        with pytest.raises(DomainError) as refused:
            vote_cast(user=resident, deliberation=deliberation, statement=statement, value=1)
        assert refused.value.code == "unknown_statement"
    assert not Vote.objects.exists()


def test_pending_rejected_and_hidden_statements_are_refused(deliberation, resident, make_user, moderator):
    author = make_user("writer")
    pending = statement_add(author=author, deliberation=deliberation, text="Нужен фонтан")
    rejected = statement_add(author=author, deliberation=deliberation, text="Нужен каток")
    statement_moderate(moderator=moderator, statement=rejected, accept=False, reason="Не сейчас")
    hidden = shown(deliberation)[0]
    hidden.hidden_at = timezone.now()
    hidden.save(update_fields=["hidden_at"])
    for statement in (pending, rejected, hidden):
        with pytest.raises(Conflict) as refused:
            vote_cast(user=resident, deliberation=deliberation, statement=statement, value=1)
        assert refused.value.code == "statement_not_shown"
    assert not Vote.objects.exists()


def test_no_votes_while_closed_or_without_the_tier(municipal_admin, municipality, resident):
    verified_only = open_deliberation(
        municipal_admin, municipality, tier=ProjectTier.VERIFIED, statements=SEEDS[:1]
    )
    with pytest.raises(Forbidden):
        vote_cast(user=resident, deliberation=verified_only, statement=shown(verified_only)[0], value=1)
    with pytest.raises(Conflict) as closed:
        vote_cast(
            user=resident,
            deliberation=verified_only,
            statement=shown(verified_only)[0],
            value=1,
            now=verified_only.closes_at,
        )
    assert closed.value.code == "stage_closed"
    assert not Vote.objects.exists()


def test_next_statement_offers_each_unanswered_one_once(deliberation, resident):
    rng = random.Random(1)
    answered = []
    participant = None
    while (
        offered := next_statement(deliberation=deliberation, participant=participant, rng=rng)
    ) is not None:
        assert offered.pk not in answered
        vote_cast(user=resident, deliberation=deliberation, statement=offered, value=1)
        answered.append(offered.pk)
        participant = find_participant(user=resident, deliberation=deliberation)
    assert sorted(answered) == sorted(s.pk for s in shown(deliberation))


def test_without_a_map_statements_never_seen_come_first(deliberation, make_user, resident):
    statements = shown(deliberation)
    for i, statement in enumerate(statements[:-1]):
        vote_cast(user=make_user(f"v{i}"), deliberation=deliberation, statement=statement, value=1)
    for seed in range(5):
        offered = next_statement(deliberation=deliberation, participant=None, rng=random.Random(seed))
        assert offered == statements[-1]


def test_a_vote_costs_the_same_queries_however_many_came_before(
    deliberation, make_user, django_assert_max_num_queries
):
    statements = shown(deliberation)
    for i in range(6):
        vote_cast(
            user=make_user(f"early{i}"), deliberation=deliberation, statement=statements[i % 5], value=1
        )
    late = make_user("late")
    # 20: the checks made before the transaction are made again under the row locks (issue 15).
    with django_assert_max_num_queries(20):
        vote_cast(user=late, deliberation=deliberation, statement=statements[0], value=1)
    participant = find_participant(user=late, deliberation=deliberation)
    with django_assert_max_num_queries(4):
        next_statement(deliberation=deliberation, participant=participant)
