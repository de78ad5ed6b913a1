"""The map: computed from the latest votes on shown statements and stored; a later run starts from the
last one's state; a deliberation too small to group gets k = 0 with the reason; votes ask for a
recompute once enough came; where a participant stands."""

import random

import pytest
from django.utils import timezone

from veche.deliberation import services
from veche.deliberation.engine import synthetic
from veche.deliberation.models import Deliberation, Map, Participant, Statement, Vote
from veche.deliberation.services import (
    find_participant,
    map_recompute,
    maps_refresh,
    next_statement,
    participant_place,
    vote_cast,
)
from veche.deliberation.tasks import deliberation_recompute
from veche.deliberation.tests.helpers import SEEDS, open_deliberation, shown

pytestmark = pytest.mark.django_db


@pytest.fixture
def deliberation(municipal_admin, municipality):
    return open_deliberation(municipal_admin, municipality, statements=SEEDS)


def _planted(deliberation, *, participants=60, statements=12, groups=2, seed=3):
    """Statements and votes with planted opinion groups, written straight to the tables (the services'
    checks are tested elsewhere; here the map is)."""
    votes, _truth = synthetic.planted_conversation(
        participants=participants,
        statements=statements,
        votes_per_participant=statements,
        groups=groups,
        seed=seed,
    )
    now = timezone.now()
    made = {}
    for number in votes.statements.tolist():
        made[number] = Statement.objects.create(
            municipality=deliberation.municipality,
            deliberation=deliberation,
            number=1000 + number,
            text=f"Утверждение {number}",
            status="accepted",
            created_at=now,
        )
    people = {}
    for number in votes.participants.tolist():
        people[number] = Participant.objects.create(
            deliberation=deliberation, number=1000 + number, created_at=now
        )
    Vote.objects.bulk_create(
        Vote(
            deliberation=deliberation,
            participant=people[int(votes.participants[r])],
            statement=made[int(votes.statements[c])],
            value=int(v),
            created_at=now,
            updated_at=now,
        )
        for r, c, v in zip(votes.rows.tolist(), votes.cols.tolist(), votes.values.tolist(), strict=True)
    )
    Deliberation.objects.filter(pk=deliberation.pk).update(vote_serial=len(votes))
    deliberation.refresh_from_db()
    return votes


def test_a_small_deliberation_gets_no_groups_and_the_reason(deliberation, resident):
    vote_cast(user=resident, deliberation=deliberation, statement=shown(deliberation)[0], value=1)

    stored = map_recompute(deliberation=deliberation)

    assert stored.k == 0 and stored.reason
    assert stored.result["reason"] == stored.reason
    assert stored.result["counts"][str(shown(deliberation)[0].number)] == [1, 1, 0, 0]
    assert stored.vote_serial == 1 and stored.n_votes == 1


def test_planted_groups_are_found_and_stored(deliberation):
    votes = _planted(deliberation)

    stored = map_recompute(deliberation=deliberation)

    assert stored.k == 2, stored.reason
    assert sum(stored.result["group_sizes"]) == len(stored.result["groups"])
    assert set(stored.result["points"]) == set(stored.result["groups"])
    assert len(stored.result["centres"]) == 2
    assert stored.result["priorities"] and stored.result["repness"]
    assert stored.n_votes == len(votes) and stored.vote_serial == deliberation.vote_serial
    assert Map.objects.count() == 1


def test_a_recompute_starts_from_the_last_state(deliberation, monkeypatch):
    _planted(deliberation)
    first = map_recompute(deliberation=deliberation)
    passed = []
    real = services.cluster

    def spy(votes, *, previous=None, seed=0):
        passed.append(previous)
        return real(votes, previous=previous, seed=seed)

    monkeypatch.setattr(services, "cluster", spy)

    second = map_recompute(deliberation=deliberation)

    [previous] = passed
    assert previous is not None and previous.to_json() == first.state
    assert second.pk == first.pk and Map.objects.count() == 1


def test_votes_ask_for_a_recompute_only_once_enough_came(
    deliberation, make_user, settings, django_capture_on_commit_callbacks
):
    settings.DELIBERATION_RECOMPUTE_VOTES = 3
    statement = shown(deliberation)[0]
    for i in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            vote_cast(user=make_user(f"a{i}"), deliberation=deliberation, statement=statement, value=1)
    assert not Map.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        vote_cast(user=make_user("a3"), deliberation=deliberation, statement=statement, value=1)
    assert Map.objects.get().vote_serial == 3
    # Idempotent: nothing new, nothing done.
    assert deliberation_recompute(deliberation.pk) is False


def test_the_tick_recomputes_maps_out_of_date(deliberation, resident):
    vote_cast(user=resident, deliberation=deliberation, statement=shown(deliberation)[0], value=1)
    assert maps_refresh() == 1
    assert maps_refresh() == 0
    vote_cast(user=resident, deliberation=deliberation, statement=shown(deliberation)[1], value=1)
    later = timezone.now() + timezone.timedelta(minutes=5)
    assert maps_refresh(now=later) == 1


def test_the_tick_command(deliberation, resident, capsys):
    from django.core.management import call_command

    vote_cast(user=resident, deliberation=deliberation, statement=shown(deliberation)[0], value=1)
    call_command("deliberation", "tick")
    assert capsys.readouterr().out.strip() == "recomputed=1"


def test_where_a_participant_stands(deliberation, resident):
    _planted(deliberation)
    stored = map_recompute(deliberation=deliberation)
    someone = Participant.objects.filter(deliberation=deliberation).order_by("number").first()
    place = participant_place(deliberation=deliberation, participant=someone)
    assert place.in_map and place.group == stored.result["groups"][str(someone.number)]

    # A newcomer who voted since the map is projected with the map's state.
    rng = random.Random(0)
    for _ in range(8):
        participant = find_participant(user=resident, deliberation=deliberation)
        offered = next_statement(deliberation=deliberation, participant=participant, rng=rng)
        vote_cast(user=resident, deliberation=deliberation, statement=offered, value=1)
    newcomer = find_participant(user=resident, deliberation=deliberation)
    projected = participant_place(deliberation=deliberation, participant=newcomer)
    assert projected.projected and projected.group in (0, 1) and projected.point is not None
    assert participant_place(deliberation=deliberation, participant=None).group is None


def test_next_statement_follows_the_map_priorities(deliberation, resident):
    _planted(deliberation)
    stored = map_recompute(deliberation=deliberation)
    seen = set()
    participant = None
    rng = random.Random(2)
    while (
        offered := next_statement(deliberation=deliberation, participant=participant, rng=rng)
    ) is not None:
        assert offered.pk not in seen
        seen.add(offered.pk)
        vote_cast(user=resident, deliberation=deliberation, statement=offered, value=0)
        participant = find_participant(user=resident, deliberation=deliberation)
    assert len(seen) == Statement.objects.filter(deliberation=deliberation, status="accepted").count()
    assert stored.result["priorities"]
