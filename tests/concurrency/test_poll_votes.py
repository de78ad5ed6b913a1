"""Votes sent at the same moment, each in its own thread and database connection."""

import json
from collections.abc import Callable
from datetime import timedelta
from functools import partial

import pytest
from django.test import Client
from django.utils import timezone

from veche.accounts.models import User
from veche.accounts.services import api_token_create
from veche.core.testing import race
from veche.ledger.models import LedgerEntry
from veche.ledger.selectors import chain_break
from veche.ledger.services import chain_name
from veche.municipalities.models import District, Municipality
from veche.polls.models import Kind, Poll, PollChoice, PollTier, PollVote
from veche.polls.services import AlreadyVoted, poll_create, poll_publish, poll_vote
from veche.polls.tests.helpers import option_ids

THREADS = 8


@pytest.fixture
def open_poll(
    transactional_db: None,
    municipality: Municipality,
    municipal_admin: User,
    resident_of: Callable[..., User],
    central: District,
) -> tuple[Poll, list[User]]:
    voters = [resident_of(f"voter{i}", central) for i in range(THREADS)]
    now = timezone.now()
    poll = poll_create(
        actor=municipal_admin,
        municipality=municipality,
        title="Together",
        description="",
        kind=Kind.RANKED,
        options=["A", "B", "C"],
        min_choices=1,
        max_choices=3,
        districts=[],
        tier=PollTier.VERIFIED,
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(hours=1),
        live_results=False,
    )
    return poll_publish(actor=municipal_admin, poll=poll), voters


def test_one_person_voting_eight_times_at_once_counts_once(open_poll):
    poll, voters = open_poll
    a, b, c = option_ids(poll)

    results, errors = race(
        [partial(poll_vote, user=voters[0], poll=poll, options=[c, a]) for _ in range(THREADS)]
    )

    assert len(results) == 1, errors
    assert len(errors) == THREADS - 1 and all(isinstance(e, AlreadyVoted) for e in errors), errors
    vote = PollVote.objects.get()
    assert {e.cast.pk for e in errors} == {vote.pk}  # type: ignore[attr-defined]
    assert list(PollChoice.objects.order_by("rank").values_list("option_id", flat=True)) == [c, a]
    assert LedgerEntry.objects.count() == 1 and vote.receipt == LedgerEntry.objects.get().entry_hash
    poll.refresh_from_db()
    assert poll.votes_count == 1
    assert chain_break(chain_name(poll)) is None


def test_eight_api_requests_of_one_person_answer_201_once_and_409_otherwise(open_poll):
    poll, voters = open_poll
    _token, secret = api_token_create(user=voters[0], name="race")
    body = json.dumps({"options": option_ids(poll)[:1]})

    def send() -> tuple[int, dict]:
        client = Client(headers={"authorization": f"Bearer {secret}"})
        response = client.post(f"/api/v1/polls/{poll.pk}/votes", body, content_type="application/json")
        return response.status_code, response.json()

    results, errors = race([send for _ in range(THREADS)])

    assert errors == []
    statuses = sorted(status for status, _body in results)  # type: ignore[misc]
    assert statuses == [201] + [409] * (THREADS - 1)
    receipt = next(b["receipt"] for s, b in results if s == 201)  # type: ignore[misc]
    assert {b["error"]["vote"]["receipt"] for s, b in results if s == 409} == {receipt}  # type: ignore[misc]
    assert PollVote.objects.count() == LedgerEntry.objects.count() == 1


def test_eight_people_voting_at_once_each_count_in_one_unbroken_chain(open_poll):
    poll, voters = open_poll
    a, b, c = option_ids(poll)

    results, errors = race([partial(poll_vote, user=voter, poll=poll, options=[b]) for voter in voters])

    assert errors == [] and len(results) == THREADS
    assert sorted(r.seq for r in results) == list(range(1, THREADS + 1))  # type: ignore[attr-defined]
    poll.refresh_from_db()
    assert poll.votes_count == PollVote.objects.count() == LedgerEntry.objects.count() == THREADS
    assert chain_break(chain_name(poll)) is None
