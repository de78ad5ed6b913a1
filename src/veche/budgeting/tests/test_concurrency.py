"""Ballots, imports, phase changes and counts at the same moment, each in its own thread and connection
(or process)."""

import json
import os
import subprocess
import sys
import threading
from functools import partial
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection
from django.test import Client

from veche.accounts.services import api_token_create
from veche.budgeting.models import Ballot, BallotChoice, PaperBatch, ProcessPhase, Tally
from veche.budgeting.services import counting
from veche.budgeting.services.ballots import ballot_cast
from veche.budgeting.services.paper import paper_ballots_import
from veche.budgeting.services.setup import process_move
from veche.budgeting.tests.helpers import approve, city_budget, options
from veche.core.errors import Conflict, DomainError
from veche.core.testing import race
from veche.ledger.models import LedgerEntry
from veche.ledger.selectors import chain_break
from veche.ledger.services import AlreadyVoted, chain_name

THREADS = 8


@pytest.fixture
def voting(transactional_db, make_process, resident_of, central):
    budget = city_budget(make_process())
    voters = [resident_of(f"racer{i}", central) for i in range(THREADS)]
    return budget, voters


def test_one_person_casting_eight_times_at_once_counts_once(voting):
    budget, voters = voting
    bike, playground, *_ = options(budget)

    results, errors = race(
        [partial(ballot_cast, user=voters[0], budget=budget, choices=approve(bike, playground))] * THREADS
    )

    assert len(results) == 1, errors
    assert len(errors) == THREADS - 1 and all(isinstance(e, AlreadyVoted) for e in errors), errors
    ballot = Ballot.objects.get()
    assert {e.cast.pk for e in errors} == {ballot.pk}  # type: ignore[attr-defined]
    assert BallotChoice.objects.count() == 2
    assert LedgerEntry.objects.count() == 1 and ballot.receipt == LedgerEntry.objects.get().entry_hash
    assert chain_break(chain_name(budget)) is None


def test_eight_people_casting_at_once_each_count_in_one_unbroken_chain(voting):
    budget, voters = voting
    bike, *_ = options(budget)

    results, errors = race(
        [partial(ballot_cast, user=v, budget=budget, choices=approve(bike)) for v in voters]
    )

    assert errors == [] and len(results) == THREADS
    assert sorted(r.seq for r in results) == list(range(1, THREADS + 1))  # type: ignore[attr-defined]
    assert Ballot.objects.count() == LedgerEntry.objects.count() == THREADS
    assert chain_break(chain_name(budget)) is None


def test_eight_api_requests_of_one_person_answer_201_once_and_409_otherwise(voting):
    budget, voters = voting
    _token, secret = api_token_create(user=voters[0], name="race")
    body = json.dumps({"choices": [{"proposal": options(budget)[0].pk}]})

    def send() -> tuple[int, dict]:
        client = Client(headers={"authorization": f"Bearer {secret}"})
        response = client.post(f"/api/v1/budgets/{budget.pk}/ballots", body, content_type="application/json")
        return response.status_code, response.json()

    results, errors = race([send] * THREADS)

    assert errors == []
    assert sorted(status for status, _body in results) == [201] + [409] * (THREADS - 1)  # type: ignore[misc]
    receipt = next(b["receipt"] for s, b in results if s == 201)  # type: ignore[misc]
    assert {b["error"]["ballot"]["receipt"] for s, b in results if s == 409} == {receipt}  # type: ignore[misc]
    assert Ballot.objects.count() == LedgerEntry.objects.count() == 1


def test_no_ballot_slips_in_after_voting_closes(voting, municipal_admin):
    budget, voters = voting
    bike, *_ = options(budget)
    calls = [partial(ballot_cast, user=v, budget=budget, choices=approve(bike)) for v in voters[:-1]]
    calls.append(
        partial(process_move, actor=municipal_admin, process=budget.process, to=ProcessPhase.COUNTING)
    )

    results, errors = race(calls)

    assert all(isinstance(e, Conflict) and e.code == "wrong_phase" for e in errors), errors
    assert len(results) + len(errors) == THREADS
    stored = Ballot.objects.count()
    assert stored == len(results) - 1 == LedgerEntry.objects.count()
    assert chain_break(chain_name(budget)) is None


def test_the_same_paper_ballots_imported_twice_at_once_are_stored_once(voting, official, municipal_admin):
    budget, _voters = voting
    budget.process = process_move(actor=municipal_admin, process=budget.process, to=ProcessPhase.COUNTING)
    bike, playground, *_ = options(budget)
    content = f"voter_id;vote\nA1;{bike.pk}\nA2;{bike.pk},{playground.pk}\n".encode()

    results, errors = race(
        [partial(paper_ballots_import, actor=official, budget=budget, content=content, filename="box.csv")]
        * 2
    )

    assert len(results) == 1 and len(errors) == 1 and isinstance(errors[0], DomainError), errors
    assert PaperBatch.objects.count() == 1
    assert Ballot.objects.count() == LedgerEntry.objects.count() == 2


# Counting runs the rules outside any transaction; these hold a count in the middle of its rules.


def _database_url() -> str:
    """The URL of the database the tests run on, for another process to open."""
    name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        return f"sqlite:///{name}"
    url = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(url._replace(path=f"/{name}"))


# A resident's vote on another process, cast by a separate Python process, as a second web worker would.
VOTE_ELSEWHERE = """
import django
django.setup()
from veche.accounts.models import User
from veche.budgeting.models import Budget
from veche.budgeting.services import counting
from veche.budgeting.services.ballots import ballot_cast
budget = Budget.objects.get(pk={budget})
proposal = budget.proposals.order_by("id").first()
ballot_cast(user=User.objects.get(pk={user}), budget=budget, choices=[{{"proposal": proposal.pk}}])
"""


@pytest.fixture
def held_count(monkeypatch, official):
    """Starts `budget_count` in a thread whose rules wait, once started, until `release` is set."""
    started, release = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}
    real_compute = counting.compute

    def waiting_compute(*args, **kwargs):
        started.set()
        if not release.wait(timeout=90):
            raise TimeoutError("the count was never released")
        return real_compute(*args, **kwargs)

    monkeypatch.setattr(counting, "compute", waiting_compute)

    def start(budget):
        def run() -> None:
            try:
                outcome["tally"] = counting.budget_count(actor=official, budget=budget)
            except BaseException as error:
                outcome["error"] = error
            finally:
                connection.close()

        thread = threading.Thread(target=run)
        thread.start()
        assert started.wait(timeout=30), outcome

        def finish() -> dict[str, object]:
            release.set()
            thread.join(timeout=60)
            assert not thread.is_alive()
            return outcome

        return finish

    return start


def test_a_resident_votes_from_another_process_while_a_count_runs(
    transactional_db, make_process, resident_of, central, municipal_admin, held_count
):
    budget = city_budget(make_process())
    bike, *_ = options(budget)
    for i in range(3):
        ballot_cast(user=resident_of(f"early{i}", central), budget=budget, choices=approve(bike))
    budget.process = process_move(actor=municipal_admin, process=budget.process, to=ProcessPhase.COUNTING)
    elsewhere = city_budget(make_process())
    late = resident_of("late", central)
    finish = held_count(budget)

    # The count is in the middle of its rules: another process's write must not wait for it.
    try:
        done = subprocess.run(  # noqa: S603 - our own interpreter and script
            [sys.executable, "-c", VOTE_ELSEWHERE.format(budget=elsewhere.pk, user=late.pk)],
            env={**os.environ, "DATABASE_URL": _database_url()},
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        outcome = finish()

    assert done.returncode == 0, done.stderr
    assert Ballot.objects.filter(budget=elsewhere, user=late).exists()
    assert "error" not in outcome, outcome
    tally = Tally.objects.get(budget=budget)
    assert outcome["tally"] == tally and tally.voters == 3 and tally.winners == [bike.pk]


def test_paper_ballots_imported_while_a_count_runs_make_it_store_nothing(
    transactional_db, make_process, resident_of, central, municipal_admin, official, held_count
):
    budget = city_budget(make_process())
    bike, playground, *_ = options(budget)
    ballot_cast(user=resident_of("early", central), budget=budget, choices=approve(bike))
    budget.process = process_move(actor=municipal_admin, process=budget.process, to=ProcessPhase.COUNTING)
    finish = held_count(budget)

    try:
        paper_ballots_import(
            actor=official, budget=budget, content=f"voter_id;vote\nP1;{playground.pk}\n".encode()
        )
    finally:
        outcome = finish()

    assert isinstance(outcome.get("error"), Conflict) and outcome["error"].code == "count_outdated", outcome
    assert not Tally.objects.exists()
    # Counted again, the count has every ballot.
    assert counting.budget_count(actor=official, budget=budget).voters == 2
