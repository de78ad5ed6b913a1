"""Ballots of a crowd project sent at the same moment, each in its own thread and database connection."""

import json
from collections.abc import Callable
from functools import partial

import pytest
from django.test import Client

from veche.accounts.models import User
from veche.accounts.services import api_token_create
from veche.core.testing import race
from veche.crowdprojects.models import CrowdBallot, CrowdBallotChoice, Idea, Project
from veche.crowdprojects.services.voting import ballot_cast
from veche.crowdprojects.tests.voting_helpers import voting_project
from veche.ledger.models import LedgerEntry
from veche.ledger.selectors import chain_break
from veche.ledger.services import AlreadyVoted, chain_name
from veche.municipalities.models import District, Municipality

THREADS = 8


@pytest.fixture
def voting(
    transactional_db: None,
    municipality: Municipality,
    municipal_admin: User,
    author: User,
    resident_of: Callable[..., User],
    central: District,
) -> tuple[Project, list[Idea], list[User]]:
    voters = [resident_of(f"voter{i}", central) for i in range(THREADS)]
    project, ideas = voting_project(actor=municipal_admin, municipality=municipality, author=author)
    return project, ideas, voters


def test_one_person_voting_eight_times_at_once_counts_once(voting):
    project, ideas, voters = voting

    results, errors = race(
        [
            partial(ballot_cast, user=voters[0], project=project, ideas=[ideas[i % 4].pk])
            for i in range(THREADS)
        ]
    )

    assert len(results) == 1, errors
    assert len(errors) == THREADS - 1 and all(isinstance(e, AlreadyVoted) for e in errors), errors
    ballot = CrowdBallot.objects.get()
    assert {e.cast.pk for e in errors} == {ballot.pk}  # type: ignore[attr-defined]
    assert CrowdBallotChoice.objects.count() == 1
    assert LedgerEntry.objects.count() == 1 and ballot.receipt == LedgerEntry.objects.get().entry_hash
    assert chain_break(chain_name(project)) is None


def test_eight_api_requests_of_one_person_answer_201_once_and_409_otherwise(voting):
    project, ideas, voters = voting
    _token, secret = api_token_create(user=voters[0], name="race")
    body = json.dumps({"ideas": [ideas[0].pk]})

    def send() -> tuple[int, dict]:
        client = Client(headers={"authorization": f"Bearer {secret}"})
        response = client.post(
            f"/api/v1/projects/{project.pk}/ballots", body, content_type="application/json"
        )
        return response.status_code, response.json()

    results, errors = race([send for _ in range(THREADS)])

    assert errors == []
    statuses = sorted(status for status, _body in results)  # type: ignore[misc]
    assert statuses == [201] + [409] * (THREADS - 1)
    receipt = next(b["receipt"] for s, b in results if s == 201)  # type: ignore[misc]
    assert {b["error"]["ballot"]["receipt"] for s, b in results if s == 409} == {receipt}  # type: ignore[misc]
    assert CrowdBallot.objects.count() == LedgerEntry.objects.count() == 1


def test_eight_people_voting_at_once_each_count_in_one_unbroken_chain(voting):
    project, ideas, voters = voting

    results, errors = race(
        [
            partial(ballot_cast, user=voter, project=project, ideas=[ideas[0].pk, ideas[1 + i % 2].pk])
            for i, voter in enumerate(voters)
        ]
    )

    assert errors == [] and len(results) == THREADS
    assert sorted(r.seq for r in results) == list(range(1, THREADS + 1))  # type: ignore[attr-defined]
    assert CrowdBallot.objects.count() == LedgerEntry.objects.count() == THREADS
    counts = {idea.pk: CrowdBallotChoice.objects.filter(idea=idea).count() for idea in ideas}
    assert counts == {ideas[0].pk: 8, ideas[1].pk: 4, ideas[2].pk: 4, ideas[3].pk: 0}
    assert chain_break(chain_name(project)) is None
