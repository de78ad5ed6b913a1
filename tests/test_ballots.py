"""The one way of casting a vote from a page (`ledger.casting.cast_vote`), through both of its pages
(a poll's vote, a budget's ballot), in Russian (the default) and English: a vote cast shows its
receipt once, a second vote goes back to the first, a refusal leaves nothing written; and the API
answers a second vote with the same code in both."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from veche.accounts.models import User
from veche.accounts.tests.helpers import post_json
from veche.budgeting.models import Ballot
from veche.budgeting.tests.helpers import city_budget, options
from veche.ledger.models import LedgerEntry
from veche.ledger.templatetags.receipts import receipt_groups
from veche.polls.models import PollVote
from veche.polls.tests.helpers import option_ids

LANGUAGES = ["ru", "en"]
TEXT = {
    "ru": {
        "repeat": "Вы уже проголосовали здесь. Ваш голос учтён, изменить его нельзя.",
        "secret": "Секретный код показывается только сейчас",
        "check": "Проверить",
        "unverified": "Это доступно только подтверждённым жителям этого города.",
    },
    "en": {
        "repeat": "You have already voted here. Your vote stands and cannot be changed.",
        "secret": "The secret code is shown only now",
        "check": "Check it",
        "unverified": "Only verified residents of this municipality can do this.",
    },
}


@dataclass(frozen=True)
class Voting:
    """One app's ballot: its vote URL, the page that shows a vote, a valid and an invalid ballot,
    the API path and body, how many votes are stored, and the receipt a person's vote stands with."""

    vote_url: str
    page_url: str
    choose: dict[str, Any]
    choose_other: dict[str, Any]
    invalid: dict[str, Any]
    api_path: str
    api_body: dict[str, Any]
    stored: Callable[[], int]
    receipt_of: Callable[[User], str]


@pytest.fixture(params=["poll", "budget"])
def voting(request: pytest.FixtureRequest) -> Voting:
    if request.param == "poll":
        poll = request.getfixturevalue("make_poll")()
        first, second, *_ = option_ids(poll)
        page = f"/m/{poll.municipality.slug}/polls/{poll.pk}/"
        return Voting(
            vote_url=f"{page}vote/",
            page_url=page,
            choose={"options": str(first)},
            choose_other={"options": str(second)},
            invalid={},
            api_path=f"/api/v1/polls/{poll.pk}/votes",
            api_body={"options": [first]},
            stored=PollVote.objects.count,
            receipt_of=lambda user: PollVote.objects.get(user=user).receipt,
        )
    process = request.getfixturevalue("make_process")()
    budget = city_budget(process)
    bike, playground, *_ = options(budget)
    page = f"/m/{process.municipality.slug}/budgets/{process.pk}/{budget.pk}/"
    return Voting(
        vote_url=f"{page}vote/",
        page_url=f"{page}ballot/",
        choose={"projects": [bike.pk]},
        choose_other={"projects": [playground.pk]},
        invalid={"projects": ["not a number"]},
        api_path=f"/api/v1/budgets/{budget.pk}/ballots",
        api_body={"choices": [{"proposal": bike.pk}]},
        stored=Ballot.objects.count,
        receipt_of=lambda user: Ballot.objects.get(user=user).receipt,
    )


@pytest.fixture
def voter(resident_of: Callable[..., User], central: Any) -> User:
    return resident_of("voter", central)


def _post(client: Client, url: str, data: dict[str, Any], language: str, **extra: Any) -> Any:
    return client.post(url, data, HTTP_ACCEPT_LANGUAGE=language, **extra)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_vote_cast_shows_its_receipt_once(client_for, voting, voter, language):
    answer = _post(client_for(voter), voting.vote_url, voting.choose, language)

    html = answer.content.decode()
    receipt = voting.receipt_of(voter)
    assert answer.status_code == 200 and voting.stored() == LedgerEntry.objects.count() == 1
    assert receipt == LedgerEntry.objects.get().entry_hash
    assert receipt_groups(receipt) in html and "polls.poll:" not in html and "budgeting.budget:" not in html
    assert f"/ledger/?receipt={receipt}" in html and TEXT[language]["check"] in html
    assert TEXT[language]["secret"] in html
    # The page that shows the vote afterwards shows its receipt, never the secret code again.
    later = client_for(voter).get(voting.page_url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert receipt in later and TEXT[language]["secret"] not in later


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_second_vote_goes_back_to_the_first_which_stands(client_for, voting, voter, language):
    client = client_for(voter)
    _post(client, voting.vote_url, voting.choose, language)
    first = voting.receipt_of(voter)

    repeat = _post(client, voting.vote_url, voting.choose_other, language)
    shown = client.get(repeat["Location"], HTTP_ACCEPT_LANGUAGE=language)

    assert repeat.status_code == 302 and repeat["Location"] == voting.page_url
    assert [str(m) for m in shown.context["messages"]] == [TEXT[language]["repeat"]]
    assert first in shown.content.decode()
    assert voting.stored() == LedgerEntry.objects.count() == 1 and voting.receipt_of(voter) == first


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_refused_vote_shows_why_on_the_ballot_and_writes_nothing(
    client_for, voting, voter, make_user, language
):
    refused = _post(client_for(make_user("newcomer")), voting.vote_url, voting.choose, language)
    invalid = _post(client_for(voter), voting.vote_url, voting.invalid, language)

    assert refused.status_code == 403 and TEXT[language]["unverified"] in refused.content.decode()
    assert invalid.status_code == 400 and invalid.context["form"].errors
    assert voting.stored() == LedgerEntry.objects.count() == 0


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_api_answers_a_second_vote_409_already_voted_in_both(api_for, voting, voter, language):
    client = api_for(voter)
    created = post_json(client, voting.api_path, voting.api_body)

    repeat = post_json(client, voting.api_path, voting.api_body, HTTP_ACCEPT_LANGUAGE=language)

    assert created.status_code == 201, created.content
    error = repeat.json()["error"]
    assert repeat.status_code == 409 and error["code"] == "already_voted"
    assert error["message"] == TEXT[language]["repeat"]
    assert voting.stored() == LedgerEntry.objects.count() == 1
