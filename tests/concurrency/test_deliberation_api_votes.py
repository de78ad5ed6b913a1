"""Votes on a deliberation sent through the API at the same moment, each request in its own thread and
database connection: one vote and one participant per person and statement, no 500, and exactly one
answer says 201 (the first answer) while the others say 200 (the same answer, replaced)."""

import json
from collections.abc import Callable

import pytest
from django.test import Client

from veche.accounts.models import User
from veche.accounts.services import api_token_create
from veche.core.testing import race, unexpected
from veche.deliberation.models import Deliberation, Participant, Vote
from veche.deliberation.tests.helpers import SEEDS, open_deliberation, shown
from veche.municipalities.models import Municipality

THREADS = 8


@pytest.fixture
def deliberation(transactional_db: None, municipality: Municipality, municipal_admin: User) -> Deliberation:
    return open_deliberation(municipal_admin, municipality, statements=SEEDS)


def _poster(user: User, path: str, body: dict[str, int], **headers: str) -> Callable[[], int]:
    _token, secret = api_token_create(user=user, name="race")

    def post() -> int:
        client = Client(headers={"authorization": f"Bearer {secret}", **headers})
        return int(client.post(path, data=json.dumps(body), content_type="application/json").status_code)

    return post


def test_the_same_vote_sent_8_times_at_once_is_one_vote(deliberation: Deliberation, resident: User) -> None:
    statement = shown(deliberation)[0]
    path = f"/api/v1/deliberations/{deliberation.pk}/votes"
    calls = [_poster(resident, path, {"statement": statement.pk, "vote": 1}) for _ in range(THREADS)]

    statuses, errors = race(calls)

    assert not errors, unexpected(errors)
    assert sorted(statuses) == [200] * (THREADS - 1) + [201]
    assert list(Vote.objects.values_list("value", flat=True)) == [1]
    assert Participant.objects.filter(deliberation=deliberation).count() == 1


def test_the_same_idempotency_key_at_once_writes_once(deliberation: Deliberation, resident: User) -> None:
    statement = shown(deliberation)[0]
    path = f"/api/v1/deliberations/{deliberation.pk}/votes"
    post = _poster(resident, path, {"statement": statement.pk, "vote": -1}, **{"idempotency-key": "k1"})

    statuses, errors = race([post] * THREADS)

    assert not errors, unexpected(errors)
    # The first request writes; the others replay its answer, or are told it is still running.
    assert statuses.count(201) >= 1 and set(statuses) <= {201, 409}
    assert Deliberation.objects.get(pk=deliberation.pk).vote_serial == 1
    assert list(Vote.objects.values_list("value", flat=True)) == [-1]


def test_first_votes_of_many_people_at_once(
    deliberation: Deliberation, make_user: Callable[..., User]
) -> None:
    statement = shown(deliberation)[0]
    path = f"/api/v1/deliberations/{deliberation.pk}/votes"
    people = [make_user(f"p{i}") for i in range(THREADS)]

    statuses, errors = race([_poster(p, path, {"statement": statement.pk, "vote": 0}) for p in people])

    assert not errors, unexpected(errors)
    assert statuses == [201] * THREADS
    numbers = sorted(Participant.objects.filter(deliberation=deliberation).values_list("number", flat=True))
    assert numbers == list(range(1, THREADS + 1))
