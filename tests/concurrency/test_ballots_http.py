"""Ballots of a poll, a participatory budget and a crowd project sent at the same moment through the
API (with and without an Idempotency-Key) and the ballot page, each request in its own thread and
database connection.

One voter sends different ballots at once (some over the ballot's limit: more options than the poll
takes, projects costing more than the budget, more ideas than the project lets one choose) while
other voters cast theirs: each voter has one ballot, within its limits; every ballot is on the chain
once; no request fails with a 5xx. The service-level bursts are in test_poll_votes.py,
test_crowd_ballots.py and budgeting/tests/test_concurrency.py.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from tests.concurrency.clients import Answer, api_post, page_post, server_errors, statuses
from veche.accounts.models import User
from veche.budgeting.models import Ballot, BallotChoice, BallotKind
from veche.budgeting.tests.helpers import CITY_AMOUNT, city_budget, options
from veche.core.testing import race, unexpected
from veche.crowdprojects.models import CrowdBallot, CrowdBallotChoice
from veche.crowdprojects.tests.voting_helpers import voting_project
from veche.ledger.models import LedgerEntry
from veche.ledger.selectors import chain_break
from veche.ledger.services import chain_name
from veche.polls.models import Poll, PollChoice, PollVote
from veche.polls.tests.helpers import option_ids

OTHERS = 4


@dataclass(frozen=True)
class Election:
    """One kind of ballot: where the API and the page take it, a ballot as each sends it (given the
    chosen ids), ballots within the limit and one over it, and what was stored."""

    api: str
    page: str
    api_body: Callable[[list[int]], dict[str, Any]]
    page_data: Callable[[list[int]], dict[str, Any]]
    within: list[list[int]]
    over: list[int]
    chain: str
    # Every stored ballot: its voter and the ids it chose.
    stored: Callable[[], dict[int, list[int]]]
    # Whether the ids chosen keep within the limit.
    fits: Callable[[list[int]], bool]
    # The counter the ballot's subject keeps, if any, to equal the rows.
    counter: Callable[[], int | None]


def _poll(f: Callable[[str], Any]) -> Election:
    poll: Poll = f("make_poll")()  # single choice
    a, b, c = option_ids(poll)[:3]

    def stored() -> dict[int, list[int]]:
        votes: dict[int, list[int]] = {}
        for user, option in PollChoice.objects.values_list("vote__user", "option").order_by("rank", "id"):
            votes.setdefault(user, []).append(option)
        assert set(votes) == set(PollVote.objects.values_list("user", flat=True))
        return votes

    return Election(
        api=f"/api/v1/polls/{poll.pk}/votes",
        page=f"/m/testgrad/polls/{poll.pk}/vote/",
        api_body=lambda ids: {"options": ids},
        page_data=lambda ids: {"options": [str(i) for i in ids]},
        within=[[a], [b], [c]],
        over=[a, b],
        chain=chain_name(poll),
        stored=stored,
        fits=lambda ids: len(ids) == 1,
        counter=lambda: Poll.objects.get(pk=poll.pk).votes_count,
    )


def _budget(f: Callable[[str], Any]) -> Election:
    budget = city_budget(f("make_process")(kind=BallotKind.KNAPSACK))
    bike, playground, benches, fountain, trees = options(budget)  # 4000, 3000, 1000, 6000, 2500
    cost = {p.pk: p.cost for p in options(budget)}

    def stored() -> dict[int, list[int]]:
        ballots: dict[int, list[int]] = {b: [] for b in Ballot.objects.values_list("user", flat=True)}
        for user, proposal in BallotChoice.objects.values_list("ballot__user", "proposal").order_by("id"):
            ballots[user].append(proposal)
        return ballots

    return Election(
        api=f"/api/v1/budgets/{budget.pk}/ballots",
        page=f"/m/testgrad/budgets/{budget.process_id}/{budget.pk}/vote/",
        api_body=lambda ids: {"choices": [{"proposal": i} for i in ids]},
        page_data=lambda ids: {"projects": [str(i) for i in ids]},
        within=[[bike.pk, playground.pk], [fountain.pk, bike.pk], [fountain.pk, trees.pk, benches.pk]],
        over=[fountain.pk, bike.pk, playground.pk],  # 13 000 of 10 000
        chain=chain_name(budget),
        stored=stored,
        fits=lambda ids: sum(cost[i] for i in ids) <= CITY_AMOUNT,
        counter=lambda: None,
    )


def _crowd(f: Callable[[str], Any]) -> Election:
    project, ideas = voting_project(
        actor=f("municipal_admin"), municipality=f("municipality"), author=f("author"), approval_limit=2
    )
    one, two, three, four = (idea.pk for idea in ideas)

    def stored() -> dict[int, list[int]]:
        ballots: dict[int, list[int]] = {b: [] for b in CrowdBallot.objects.values_list("user", flat=True)}
        for user, idea in CrowdBallotChoice.objects.values_list("ballot__user", "idea").order_by("id"):
            ballots[user].append(idea)
        return ballots

    return Election(
        api=f"/api/v1/projects/{project.pk}/ballots",
        page=f"/m/testgrad/projects/{project.pk}/vote/",
        api_body=lambda ids: {"ideas": ids},
        page_data=lambda ids: {"ideas": [str(i) for i in ids]},
        within=[[one, two], [three], [four, one]],
        over=[one, two, three],  # three ideas of at most two
        chain=chain_name(project),
        stored=stored,
        fits=lambda ids: 1 <= len(ids) <= 2,
        counter=lambda: None,
    )


ELECTIONS = {"poll": _poll, "budget": _budget, "crowd": _crowd}


@pytest.fixture(params=list(ELECTIONS))
def election(request: pytest.FixtureRequest, transactional_db: None) -> Election:
    return ELECTIONS[request.param](request.getfixturevalue)


def test_one_voter_sending_different_ballots_while_others_vote_keeps_one_ballot_each_within_limits(
    election: Election, resident_of: Callable[..., User], central: Any
) -> None:
    eager = resident_of("eager", central)
    others = [resident_of(f"voter{i}", central) for i in range(OTHERS)]
    first, second, third = election.within
    keyed = api_post(eager, election.api, election.api_body(first), key="ballot-once")
    burst = [
        api_post(eager, election.api, election.api_body(second)),
        api_post(eager, election.api, election.api_body(election.over)),
        keyed,
        keyed,
        page_post(eager, election.page, election.page_data(third)),
        page_post(eager, election.page, election.page_data(election.over)),
    ]
    singles = [
        (api_post if i % 2 else page_post)(
            voter,
            election.api if i % 2 else election.page,
            (election.api_body if i % 2 else election.page_data)(election.within[i % 3]),
        )
        for i, voter in enumerate(others)
    ]

    answers, errors = race(burst + singles)

    assert not errors, unexpected(errors)
    assert not server_errors(answers), statuses(answers)
    mine, theirs = answers[: len(burst)], answers[len(burst) :]
    api, page = mine[:4], mine[4:]
    # The API: 201 cast, 409 a second ballot (or a keyed twin still running), 400 over the limit;
    # the page: 200 the receipt, 302 back to the vote that stands, 400 over the limit.
    assert set(statuses(api)) <= {201, 400, 409} and set(statuses(page)) <= {200, 302, 400}, statuses(mine)
    cast = [a for a in api if a.status == 201 and not a.replayed] + [a for a in page if a.status == 200]
    assert len(cast) == 1, statuses(mine)
    assert _cast(theirs) == len(others), statuses(theirs)
    ballots = election.stored()
    assert set(ballots) == {eager.pk, *(v.pk for v in others)}
    assert all(election.fits(chosen) for chosen in ballots.values()), ballots
    assert ballots[eager.pk] in election.within, ballots[eager.pk]
    entries = LedgerEntry.objects.filter(chain=election.chain)
    assert entries.count() == len(ballots) == 1 + OTHERS
    assert chain_break(election.chain) is None
    assert election.counter() in (None, len(ballots))


def _cast(answers: list[Answer]) -> int:
    """How many of single requests cast a ballot: 201 from the API, the receipt (200) from the page."""
    return sum(a.status in (200, 201) for a in answers)
